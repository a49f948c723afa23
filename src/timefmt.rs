//! Times are stored as INTEGER microseconds since the Unix epoch (UTC) and written to JSON the
//! way Go marshals `time.Time`: RFC 3339 with trailing fractional zeros trimmed.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Duration, OffsetDateTime};

/// Go's zero `time.Time` (0001-01-01T00:00:00Z), which Coder uses for "never".
pub const ZERO_TIME_MICROS: i64 = -62_135_596_800_000_000;
pub const HOUR_MICROS: i64 = 3_600_000_000;
pub const DAY_MICROS: i64 = 24 * HOUR_MICROS;

pub fn now_micros() -> i64 {
    let now = OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1000) as i64
}

pub fn from_micros(micros: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::microseconds(micros)
}

/// `20260902T080000Z`: a time in file names (exports).
pub fn format_compact(micros: i64) -> String {
    from_micros(micros)
        .format(format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_default()
}

/// Go's `time.Time.String()` layout, used in Coder's "API key expired" detail.
pub fn format_go_string(micros: i64) -> String {
    let t = from_micros(micros);
    let mut s = t
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]"
        ))
        .unwrap_or_default();
    if t.microsecond() != 0 {
        s.push('.');
        s.push_str(format!("{:06}", t.microsecond()).trim_end_matches('0'));
    }
    s.push_str(" +0000 UTC");
    s
}

/// RFC 3339 like Go's `time.Time.MarshalJSON` (UTC, `Z`, fraction without trailing zeros).
pub fn format_micros(micros: i64) -> String {
    let t = from_micros(micros);
    let (y, mo, d) = (t.year(), t.month() as u8, t.day());
    let (h, mi, s) = (t.hour(), t.minute(), t.second());
    let frac = t.microsecond();
    let mut out = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}");
    if frac != 0 {
        let digits = format!("{frac:06}");
        out.push('.');
        out.push_str(digits.trim_end_matches('0'));
    }
    out.push('Z');
    out
}

/// Parses RFC 3339 (any offset, optional fraction) into microseconds.
pub fn parse_rfc3339(s: &str) -> Result<i64, String> {
    OffsetDateTime::parse(s, &Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1000) as i64)
        .map_err(|e| e.to_string())
}

/// serde helper: `#[serde(serialize_with = "crate::timefmt::ser")]` on an i64 micros field.
pub fn ser<S: serde::Serializer>(micros: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_micros(*micros))
}

/// serde helper for `Option<i64>` micros fields (None → null).
pub fn ser_opt<S: serde::Serializer>(micros: &Option<i64>, s: S) -> Result<S::Ok, S::Error> {
    match micros {
        Some(m) => s.serialize_str(&format_micros(*m)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_go() {
        assert_eq!(format_micros(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_micros(1_500_000), "1970-01-01T00:00:01.5Z");
        assert_eq!(format_compact(1_500_000), "19700101T000001Z");
        assert_eq!(
            format_go_string(1_500_000),
            "1970-01-01 00:00:01.5 +0000 UTC"
        );
        assert_eq!(
            format_go_string(ZERO_TIME_MICROS),
            "0001-01-01 00:00:00 +0000 UTC"
        );
        assert_eq!(format_micros(ZERO_TIME_MICROS), "0001-01-01T00:00:00Z");
        let m = parse_rfc3339("2024-05-06T07:08:09.123456+02:00").expect("parse");
        assert_eq!(format_micros(m), "2024-05-06T05:08:09.123456Z");
    }
}
