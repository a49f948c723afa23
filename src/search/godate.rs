//! Go's `time.Parse("2006-01-02", v)` with Go's exact error texts, for the `date_from` /
//! `date_to` search keys (Coder echoes the Go error in its validation detail).

/// Go's `time.quote`: ASCII printable kept, `"` and `\` escaped, other bytes as `\xNN`.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        if (ch as u32) < 0x20 || (ch as u32) >= 0x80 {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        } else {
            if ch == '"' || ch == '\\' {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out.push('"');
    out
}

const LAYOUT: &str = "2006-01-02";

fn cannot_parse(value: &str, elem: &str, layout_elem: &str) -> String {
    format!(
        "parsing time {} as {}: cannot parse {} as {}",
        quote(value),
        quote(LAYOUT),
        quote(elem),
        quote(layout_elem)
    )
}

fn digit(s: &[u8], i: usize) -> bool {
    s.get(i).is_some_and(u8::is_ascii_digit)
}

fn days_in(month: u32, year: i64) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Parses `YYYY-MM-DD` to UTC midnight in microseconds since the epoch.
pub fn parse_date(value: &str) -> Result<i64, String> {
    let b = value.as_bytes();
    // 2006: four characters, the first a digit, all digits.
    if b.len() < 4 || !digit(b, 0) || !(0..4).all(|i| digit(b, i)) {
        return Err(cannot_parse(value, value, "2006"));
    }
    let year: i64 = value[..4]
        .parse()
        .map_err(|_| cannot_parse(value, value, "2006"))?;
    let rest = &value[4..];
    let rest = rest
        .strip_prefix('-')
        .ok_or_else(|| cannot_parse(value, rest, "-"))?;
    let rb = rest.as_bytes();
    if !digit(rb, 0) || !digit(rb, 1) {
        return Err(cannot_parse(value, rest, "01"));
    }
    let month: u32 = rest[..2].parse().unwrap_or(0);
    let after_month = &rest[2..];
    if !(1..=12).contains(&month) {
        return Err(format!("parsing time {}: month out of range", quote(value)));
    }
    let rest = after_month
        .strip_prefix('-')
        .ok_or_else(|| cannot_parse(value, after_month, "-"))?;
    let rb = rest.as_bytes();
    if !digit(rb, 0) || !digit(rb, 1) {
        return Err(cannot_parse(value, rest, "02"));
    }
    let day: u32 = rest[..2].parse().unwrap_or(0);
    let extra = &rest[2..];
    if !extra.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value),
            quote(extra)
        ));
    }
    if day < 1 || day > days_in(month, year) {
        return Err(format!("parsing time {}: day out of range", quote(value)));
    }
    let m = time::Month::try_from(month as u8).map_err(|e| e.to_string())?;
    let date =
        time::Date::from_calendar_date(year as i32, m, day as u8).map_err(|e| e.to_string())?;
    Ok(date.midnight().assume_utc().unix_timestamp() * 1_000_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_messages() {
        assert_eq!(parse_date("1970-01-02"), Ok(86_400_000_000));
        assert_eq!(
            parse_date("2024-13-01").unwrap_err(),
            "parsing time \"2024-13-01\": month out of range"
        );
        assert_eq!(
            parse_date("2024-02-30").unwrap_err(),
            "parsing time \"2024-02-30\": day out of range"
        );
        assert!(parse_date("2024-02-29").is_ok());
        assert_eq!(
            parse_date("abc").unwrap_err(),
            "parsing time \"abc\" as \"2006-01-02\": cannot parse \"abc\" as \"2006\""
        );
        assert_eq!(
            parse_date("2024-1-01").unwrap_err(),
            "parsing time \"2024-1-01\" as \"2006-01-02\": cannot parse \"1-01\" as \"01\""
        );
        assert_eq!(
            parse_date("2024/01/01").unwrap_err(),
            "parsing time \"2024/01/01\" as \"2006-01-02\": cannot parse \"/01/01\" as \"-\""
        );
        assert_eq!(
            parse_date("2024-01-01x").unwrap_err(),
            "parsing time \"2024-01-01x\": extra text: \"x\""
        );
        assert_eq!(
            parse_date("2024-01-1").unwrap_err(),
            "parsing time \"2024-01-1\" as \"2006-01-02\": cannot parse \"1\" as \"02\""
        );
    }
}
