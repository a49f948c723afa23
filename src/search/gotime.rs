//! Go's `time.Parse(time.RFC3339Nano, s)` for search terms, with Go's error texts, so that
//! Coder's `Time3339Nano` validation details read the same.

use super::godate::quote;

const LAYOUT: &str = "2006-01-02T15:04:05.999999999Z07:00";

fn cannot_parse(value: &str, rest: &str, elem: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        quote(value),
        quote(LAYOUT),
        quote(rest),
        quote(elem)
    )
}

/// Go's `getnum`: one or two digits (exactly two when `fixed`).
fn getnum(s: &str, fixed: bool) -> Option<(i64, &str)> {
    let b = s.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() {
        return None;
    }
    if b.len() < 2 || !b[1].is_ascii_digit() {
        if fixed {
            return None;
        }
        return Some(((b[0] - b'0') as i64, &s[1..]));
    }
    Some((((b[0] - b'0') * 10 + (b[1] - b'0')) as i64, &s[2..]))
}

fn days_in(month: i64, year: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses RFC 3339 with optional fraction; returns Unix microseconds (UTC).
pub fn parse_rfc3339_nano(value: &str) -> Result<i64, String> {
    let range = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    let mut rest = value;
    // Year: four digits.
    if rest.len() < 4 || !rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        return Err(cannot_parse(value, rest, "2006"));
    }
    let year: i64 = rest[..4]
        .parse()
        .map_err(|_| cannot_parse(value, rest, "2006"))?;
    rest = &rest[4..];
    let mut fields = [0i64; 5]; // month, day, hour, minute, second
    let steps: [(&str, &str, bool, i64, i64, &str); 5] = [
        ("-", "01", true, 1, 12, "month"),
        ("-", "02", true, 1, 31, "day"),
        ("T", "15", false, 0, 23, "hour"),
        (":", "04", true, 0, 59, "minute"),
        (":", "05", true, 0, 59, "second"),
    ];
    for (i, (lit, elem, fixed, lo, hi, name)) in steps.iter().enumerate() {
        match rest.strip_prefix(lit) {
            Some(r) => rest = r,
            None => return Err(cannot_parse(value, rest, lit)),
        }
        let (n, r) = getnum(rest, *fixed).ok_or_else(|| cannot_parse(value, rest, elem))?;
        if n < *lo || n > *hi {
            return Err(range(name));
        }
        fields[i] = n;
        rest = r;
    }
    let mut micros_frac = 0i64;
    let b = rest.as_bytes();
    if b.len() >= 2 && (b[0] == b'.' || b[0] == b',') && b[1].is_ascii_digit() {
        let digits: String = rest[1..].chars().take_while(char::is_ascii_digit).collect();
        let mut padded = digits.clone();
        padded.truncate(6);
        while padded.len() < 6 {
            padded.push('0');
        }
        micros_frac = padded.parse().unwrap_or(0);
        rest = &rest[1 + digits.len()..];
    }
    let offset_secs: i64 = if let Some(r) = rest.strip_prefix('Z') {
        rest = r;
        0
    } else {
        let b = rest.as_bytes();
        let tz_err = || cannot_parse(value, rest, "Z07:00");
        if b.len() < 6 || b[3] != b':' {
            return Err(tz_err());
        }
        let sign = match b[0] {
            b'+' => 1,
            b'-' => -1,
            _ => return Err(tz_err()),
        };
        // Go slices bytes; a multi-byte character there is no digit (and no `str` boundary).
        let (h, _) = rest
            .get(1..3)
            .and_then(|s| getnum(s, true))
            .ok_or_else(tz_err)?;
        let (m, _) = rest
            .get(4..6)
            .and_then(|s| getnum(s, true))
            .ok_or_else(tz_err)?;
        if h > 24 {
            return Err(range("time zone offset hour"));
        }
        if m > 60 {
            return Err(range("time zone offset minute"));
        }
        rest = &rest[6..];
        sign * (h * 3600 + m * 60)
    };
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value),
            quote(rest)
        ));
    }
    let [month, day, hour, minute, second] = fields;
    if day > days_in(month, year) {
        return Err(range("day"));
    }
    let date = time::Date::from_calendar_date(
        year as i32,
        time::Month::try_from(month as u8).map_err(|_| range("month"))?,
        day as u8,
    )
    .map_err(|_| range("day"))?;
    let secs = date.midnight().assume_utc().unix_timestamp() + hour * 3600 + minute * 60 + second
        - offset_secs;
    Ok(secs * 1_000_000 + micros_frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_reports_like_go() {
        assert_eq!(parse_rfc3339_nano("1970-01-01T00:00:01Z"), Ok(1_000_000));
        assert_eq!(
            parse_rfc3339_nano("1970-01-01T01:00:00.5+01:00"),
            Ok(500_000)
        );
        assert_eq!(
            parse_rfc3339_nano("2024").unwrap_err(),
            "parsing time \"2024\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"\" as \"-\""
        );
        assert_eq!(
            parse_rfc3339_nano("2024-13-01T00:00:00Z").unwrap_err(),
            "parsing time \"2024-13-01T00:00:00Z\": month out of range"
        );
        assert_eq!(
            parse_rfc3339_nano("2024-01-01").unwrap_err(),
            "parsing time \"2024-01-01\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"\" as \"T\""
        );
        assert_eq!(
            parse_rfc3339_nano("YESTERDAY").unwrap_err(),
            "parsing time \"YESTERDAY\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"YESTERDAY\" as \"2006\""
        );
        // Found by proptest: a multi-byte character in the offset panicked (a 500).
        assert_eq!(
            parse_rfc3339_nano("2024-01-02T03:04:05+00:0\u{c9}").unwrap_err(),
            // Go's time.quote writes non-ASCII bytes as \xNN.
            "parsing time \"2024-01-02T03:04:05+00:0\\xc3\\x89\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"+00:0\\xc3\\x89\" as \"Z07:00\""
        );
        assert!(parse_rfc3339_nano("2024-02-30T00:00:00Z")
            .unwrap_err()
            .ends_with("day out of range"));
    }
}
