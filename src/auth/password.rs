//! Password hashing with argon2id (PHC strings), and Coder's password rules.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::OnceLock;

fn hasher() -> Argon2<'static> {
    // OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &str) -> Result<String, String> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Verifies `password` against a stored PHC string. An empty or unparsable hash is compared
/// against a dummy hash so that the time taken does not reveal whether the account exists.
pub fn verify(password: &str, stored: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("coderlite-dummy-password").unwrap_or_default());
    match PasswordHash::new(stored) {
        Ok(parsed) => hasher()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            if let Ok(parsed) = PasswordHash::new(dummy) {
                let _ = hasher().verify_password(password.as_bytes(), &parsed);
            }
            false
        }
    }
}

/// Coder's `userpassword.Validate`: go-password-validator (v0.3) with a minimum entropy of
/// 52 bits, then at most 64 bytes. Errors are the validation details Coder sends.
pub fn validate(password: &str) -> Result<(), String> {
    strength::validate(password, 52.0)?;
    if password.len() > 64 {
        return Err(format!("password must be no more than {} characters", 64));
    }
    Ok(())
}

/// A port of `github.com/wagslane/go-password-validator` v0.3.0 (entropy = length after
/// removing repeats and keyboard/alphabet runs × log2 of the character-set base).
mod strength {
    const REPLACE: &str = "!@$&*";
    const SEP: &str = "_-., ";
    const OTHER_SPECIAL: &str = "\"#%'()+/:;<=>?[\\]^{|}~";
    const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
    const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    const DIGITS: &str = "0123456789";
    const SEQUENCES: [&str; 5] = [
        "0123456789",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "abcdefghijklmnopqrstuvwxyz",
    ];

    #[derive(Default)]
    struct Classes {
        replace: bool,
        sep: bool,
        other: bool,
        lower: bool,
        upper: bool,
        digits: bool,
        unknown: usize,
    }

    fn classes(chars: impl Iterator<Item = char>) -> Classes {
        let mut c = Classes::default();
        for ch in chars {
            if REPLACE.contains(ch) {
                c.replace = true;
            } else if SEP.contains(ch) {
                c.sep = true;
            } else if OTHER_SPECIAL.contains(ch) {
                c.other = true;
            } else if LOWER.contains(ch) {
                c.lower = true;
            } else if UPPER.contains(ch) {
                c.upper = true;
            } else if DIGITS.contains(ch) {
                c.digits = true;
            } else {
                c.unknown += 1;
            }
        }
        c
    }

    fn base(password: &str) -> usize {
        let mut unique: Vec<char> = password.chars().collect();
        unique.sort_unstable();
        unique.dedup();
        let c = classes(unique.into_iter());
        let mut base = c.unknown;
        for (has, set) in [
            (c.replace, REPLACE),
            (c.sep, SEP),
            (c.other, OTHER_SPECIAL),
            (c.lower, LOWER),
            (c.upper, UPPER),
            (c.digits, DIGITS),
        ] {
            if has {
                base += set.len();
            }
        }
        base
    }

    fn remove_repeats(runes: &mut Vec<char>) {
        let (mut prev, mut prev_prev) = ('\0', '\0');
        let mut i = 0;
        while i < runes.len() {
            let r = runes[i];
            if r == prev && r == prev_prev {
                runes.remove(i);
            } else {
                i += 1;
            }
            prev_prev = prev;
            prev = r;
        }
    }

    /// Go's `removeMoreThanTwoFromSequence`, loop for loop.
    fn remove_sequence(runes: &mut Vec<char>, seq: &[char]) {
        let mut matches = 0;
        let mut i = 0;
        while i < runes.len() {
            for &s in seq {
                if i >= runes.len() {
                    break;
                }
                if runes[i] != s {
                    matches = 0;
                    continue;
                }
                matches += 1;
                if matches > 2 {
                    runes.remove(i);
                } else {
                    i += 1;
                }
            }
            i += 1;
        }
    }

    fn length(password: &str) -> usize {
        let mut runes: Vec<char> = password.chars().collect();
        remove_repeats(&mut runes);
        for seq in SEQUENCES {
            remove_sequence(&mut runes, &seq.chars().collect::<Vec<_>>());
        }
        for seq in SEQUENCES {
            remove_sequence(&mut runes, &seq.chars().rev().collect::<Vec<_>>());
        }
        runes.iter().map(|c| c.len_utf8()).sum()
    }

    pub fn entropy(password: &str) -> f64 {
        let b = base(password);
        if b == 0 {
            return 0.0;
        }
        (b as f64).log2() * length(password) as f64
    }

    pub fn validate(password: &str, min_entropy: f64) -> Result<(), String> {
        if entropy(password) >= min_entropy {
            return Ok(());
        }
        let c = classes(password.chars());
        let mut hints = Vec::new();
        if !c.other || !c.sep || !c.replace {
            hints.push("including more special characters");
        }
        if !c.lower {
            hints.push("using lowercase letters");
        }
        if !c.upper {
            hints.push("using uppercase letters");
        }
        if !c.digits {
            hints.push("using numbers");
        }
        if hints.is_empty() {
            return Err("insecure password, try using a longer password".into());
        }
        Err(format!(
            "insecure password, try {} or using a longer password",
            hints.join(", ")
        ))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn matches_go_password_validator() {
            let mut r: Vec<char> = "12345678".chars().collect();
            remove_sequence(&mut r, &"0123456789".chars().collect::<Vec<_>>());
            assert_eq!(r.iter().collect::<String>(), "12");
            let mut r: Vec<char> = "abcqwertyabc".chars().collect();
            remove_sequence(&mut r, &"qwertyuiop".chars().collect::<Vec<_>>());
            assert_eq!(r.iter().collect::<String>(), "abcqwabc");
            let mut r: Vec<char> = "bbbbbbbaaaaaaaaa".chars().collect();
            remove_repeats(&mut r);
            assert_eq!(r.iter().collect::<String>(), "bbaa");
            assert_eq!(base("abc"), 26);
            assert_eq!(base("123ü"), 11);
            assert!(validate("SomeSecurePassword!1", 52.0).is_ok());
            assert_eq!(
                validate("password", 52.0).unwrap_err(),
                "insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password"
            );
        }
    }
}
