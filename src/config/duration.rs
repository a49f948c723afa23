//! Durations written the way admins type them: `90d`, `12w`, `1h30m`, `45s`; `0` = none.
//! Units: `s`, `m`, `h`, `d` (24h) and `w` (7d), as Coder's retention flags accept.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HumanDuration {
    pub secs: u64,
}

const UNITS: &[(char, u64)] = &[
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

impl HumanDuration {
    pub fn is_zero(&self) -> bool {
        self.secs == 0
    }

    pub fn as_micros(&self) -> i64 {
        i64::try_from(self.secs.saturating_mul(1_000_000)).unwrap_or(i64::MAX)
    }
}

impl FromStr for HumanDuration {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "0" {
            return Ok(HumanDuration { secs: 0 });
        }
        if s.is_empty() {
            return Err("empty duration (use e.g. 90d, 12w, 36h; 0 keeps forever)".into());
        }
        let mut secs: u64 = 0;
        let mut digits = String::new();
        for c in s.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = UNITS
                .iter()
                .find(|(u, _)| *u == c)
                .map(|(_, m)| *m)
                .ok_or_else(|| {
                    format!("invalid duration {s:?}: unknown unit {c:?} (use s, m, h, d or w)")
                })?;
            let n: u64 = digits
                .parse()
                .map_err(|_| format!("invalid duration {s:?}: a number must precede {c:?}"))?;
            digits.clear();
            secs = n
                .checked_mul(unit)
                .and_then(|v| secs.checked_add(v))
                .ok_or_else(|| format!("duration {s:?} is too large"))?;
        }
        if !digits.is_empty() {
            return Err(format!(
                "invalid duration {s:?}: missing unit after {digits} (use s, m, h, d or w)"
            ));
        }
        Ok(HumanDuration { secs })
    }
}

impl fmt::Display for HumanDuration {
    /// Whole weeks as `Nw`, otherwise days and smaller: `90d`, `12w`, `1h30m`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.secs == 0 {
            return write!(f, "0");
        }
        let week = UNITS[0].1;
        if self.secs.is_multiple_of(week) {
            return write!(f, "{}w", self.secs / week);
        }
        let mut rest = self.secs;
        for (u, m) in &UNITS[1..] {
            if rest >= *m {
                write!(f, "{}{u}", rest / m)?;
                rest %= m;
            }
        }
        Ok(())
    }
}

impl serde::Serialize for HumanDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<u64, String> {
        s.parse::<HumanDuration>().map(|d| d.secs)
    }

    #[test]
    fn parses_and_prints() {
        assert_eq!(p("0"), Ok(0));
        assert_eq!(p("90d"), Ok(90 * 86_400));
        assert_eq!(p("12w"), Ok(12 * 7 * 86_400));
        assert_eq!(p("1h30m"), Ok(5_400));
        assert_eq!(p("45s"), Ok(45));
        assert!(p("").is_err());
        assert!(p("5").is_err());
        assert!(p("5x").is_err());
        assert!(p("d").is_err());
        assert!(p("-5d").is_err());
        assert!(p("99999999999999999999w").is_err());
        for s in ["90d", "12w", "1h30m", "9d3h4m5s", "0"] {
            assert_eq!(
                s.parse::<HumanDuration>().map(|d| d.to_string()),
                Ok(s.into())
            );
        }
    }
}
