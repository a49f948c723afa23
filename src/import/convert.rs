//! Field converters from PostgreSQL's COPY text forms (`FORMAT csv`, `NULL '\N'`) to
//! coderlite's storage forms: times → i64 microseconds (UTC), booleans → 0/1, `text[]` →
//! JSON arrays, UUIDs → lower-case hyphenated text.

use crate::timefmt::ZERO_TIME_MICROS;

/// Days from 1970-01-01 to the given proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn digits(b: &[u8]) -> Option<i64> {
    if b.is_empty() {
        return None;
    }
    let mut n: i64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(c - b'0');
    }
    Some(n)
}

/// Parses `YYYY-MM-DD[ T]HH:MM:SS[.ffffff][Z|±HH[:MM]]` (PostgreSQL's `timestamptz` and
/// `timestamp` text, or RFC 3339) into UTC microseconds. No offset means UTC. Go's zero
/// time comes back as `ZERO_TIME_MICROS`.
pub fn parse_time(s: &str) -> Result<i64, String> {
    let b = s.trim().as_bytes();
    let bad = || format!("invalid timestamp {s:?}");
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || (b[10] != b' ' && b[10] != b'T') {
        return Err(bad());
    }
    if b[13] != b':' || b[16] != b':' {
        return Err(bad());
    }
    let year = digits(&b[0..4]).ok_or_else(bad)?;
    let month = digits(&b[5..7]).ok_or_else(bad)?;
    let day = digits(&b[8..10]).ok_or_else(bad)?;
    let hour = digits(&b[11..13]).ok_or_else(bad)?;
    let min = digits(&b[14..16]).ok_or_else(bad)?;
    let sec = digits(&b[17..19]).ok_or_else(bad)?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return Err(bad());
    }
    let mut i = 19;
    let mut micros = 0i64;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &b[start..i];
        if frac.is_empty() {
            return Err(bad());
        }
        for k in 0..6 {
            micros = micros * 10 + frac.get(k).map_or(0, |c| i64::from(c - b'0'));
        }
    }
    let mut offset_secs = 0i64;
    if i < b.len() {
        match b[i] {
            b'Z' | b'z' if i + 1 == b.len() => {}
            sign @ (b'+' | b'-') => {
                let rest = &b[i + 1..];
                let (hh, mm, ss) = match rest.len() {
                    2 => (&rest[0..2], &b""[..], &b""[..]),
                    4 => (&rest[0..2], &rest[2..4], &b""[..]),
                    5 if rest[2] == b':' => (&rest[0..2], &rest[3..5], &b""[..]),
                    8 if rest[2] == b':' && rest[5] == b':' => {
                        (&rest[0..2], &rest[3..5], &rest[6..8])
                    }
                    _ => return Err(bad()),
                };
                let h = digits(hh).ok_or_else(bad)?;
                let m = if mm.is_empty() {
                    0
                } else {
                    digits(mm).ok_or_else(bad)?
                };
                let sc = if ss.is_empty() {
                    0
                } else {
                    digits(ss).ok_or_else(bad)?
                };
                if h > 15 || m > 59 || sc > 59 {
                    return Err(bad());
                }
                offset_secs = h * 3600 + m * 60 + sc;
                if sign == b'-' {
                    offset_secs = -offset_secs;
                }
            }
            _ => return Err(bad()),
        }
    }
    if year == 1 && month == 1 && day == 1 && hour == 0 && min == 0 && sec == 0 && micros == 0 {
        return Ok(ZERO_TIME_MICROS);
    }
    let days = days_from_civil(year, month, day);
    let secs = days * 86_400 + hour * 3600 + min * 60 + sec - offset_secs;
    Ok(secs * 1_000_000 + micros)
}

/// PostgreSQL boolean text: `t`/`f` (also `true`/`false`, `1`/`0`, `yes`/`no`).
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "t" | "true" | "TRUE" | "True" | "1" | "y" | "yes" | "on" => Ok(true),
        "f" | "false" | "FALSE" | "False" | "0" | "n" | "no" | "off" => Ok(false),
        _ => Err(format!("invalid boolean {s:?}")),
    }
}

/// Already in storage form: 36 characters, lower-case hex, hyphens at 8, 13, 18, 23.
pub fn is_canonical_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, &c)| match i {
            8 | 13 | 18 | 23 => c == b'-',
            _ => c.is_ascii_digit() || (b'a'..=b'f').contains(&c),
        })
}

/// A UUID in canonical storage form. The common case (already lower-case hyphenated) does
/// not allocate twice.
pub fn parse_uuid(s: &str) -> Result<String, String> {
    if is_canonical_uuid(s) {
        return Ok(s.to_string());
    }
    crate::model::parse_uuid(s).ok_or_else(|| format!("invalid uuid {s:?}"))
}

/// A PostgreSQL array literal of text (`{owner,"a b",NULL}`) as a JSON array of strings
/// (NULL elements are dropped).
pub fn parse_text_array(s: &str) -> Result<String, String> {
    let bad = || format!("invalid array {s:?}");
    let inner = s
        .trim()
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .ok_or_else(bad)?;
    let mut items: Vec<String> = Vec::new();
    let mut chars = inner.chars().peekable();
    while chars.peek().is_some() {
        let mut item = String::new();
        let quoted = chars.peek() == Some(&'"');
        if quoted {
            chars.next();
            loop {
                match chars.next() {
                    Some('\\') => item.push(chars.next().ok_or_else(bad)?),
                    Some('"') => break,
                    Some(c) => item.push(c),
                    None => return Err(bad()),
                }
            }
            match chars.next() {
                None | Some(',') => {}
                Some(_) => return Err(bad()),
            }
            items.push(item);
        } else {
            for c in chars.by_ref() {
                if c == ',' {
                    break;
                }
                item.push(c);
            }
            let t = item.trim();
            if t.is_empty() {
                return Err(bad());
            }
            if !t.eq_ignore_ascii_case("NULL") {
                items.push(t.to_string());
            }
        }
    }
    serde_json::to_string(&items).map_err(|e| e.to_string())
}

/// Minimal shape check for a JSON column (full parsing would halve the import rate).
pub fn check_json(s: &str) -> Result<(), String> {
    match s.trim_start().as_bytes().first() {
        Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => Ok(()),
        _ => Err(format!("invalid JSON {s:?}")),
    }
}

/// `inet` text without a host-only mask (`10.0.0.1/32` → `10.0.0.1`).
pub fn inet(s: &str) -> &str {
    s.strip_suffix("/32")
        .or_else(|| s.strip_suffix("/128"))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01 00:00:00+00"), Ok(0));
        assert_eq!(
            parse_time("2025-07-01 12:34:56.123456+00"),
            Ok(1_751_373_296_123_456)
        );
        assert_eq!(
            parse_time("2025-07-01T14:34:56.1234+02:00"),
            Ok(1_751_373_296_123_400)
        );
        assert_eq!(
            parse_time("2025-07-01 12:34:56.123456"),
            Ok(1_751_373_296_123_456)
        );
        assert_eq!(
            parse_time("2025-07-01 07:34:56-05"),
            Ok(1_751_373_296_000_000)
        );
        assert_eq!(parse_time("0001-01-01 00:00:00+00"), Ok(ZERO_TIME_MICROS));
        assert_eq!(
            crate::timefmt::format_micros(parse_time("2024-02-29 23:59:59.5Z").unwrap()),
            "2024-02-29T23:59:59.5Z"
        );
        assert!(parse_time("2025-13-01 00:00:00+00").is_err());
        assert!(parse_time("yesterday").is_err());
        assert!(parse_time("2025-07-01 00:00:00+0x").is_err());
        assert!(parse_time("2025-07-01 00:00:00+99:00").is_err());
    }

    #[test]
    fn arrays_bools_uuids() {
        assert_eq!(parse_text_array("{}").unwrap(), "[]");
        assert_eq!(
            parse_text_array("{owner,auditor}").unwrap(),
            r#"["owner","auditor"]"#
        );
        assert_eq!(
            parse_text_array(r#"{"a b","c\"d",NULL}"#).unwrap(),
            r#"["a b","c\"d"]"#
        );
        assert!(parse_text_array("owner").is_err());
        assert_eq!(parse_bool("t"), Ok(true));
        assert_eq!(parse_bool("f"), Ok(false));
        assert!(parse_bool("maybe").is_err());
        let id = "8693D52B-C906-4009-91A8-B93759E2AAC4";
        assert_eq!(
            parse_uuid(id).unwrap(),
            "8693d52b-c906-4009-91a8-b93759e2aac4"
        );
        assert!(parse_uuid("nope").is_err());
        assert_eq!(inet("10.1.2.3/32"), "10.1.2.3");
    }
}
