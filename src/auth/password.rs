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

/// Coder's `userpassword.Validate`: at least 8 characters, at most 64 (as a validation detail).
pub fn validate(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < 8 {
        return Err(format!("password must be at least {} characters", 8));
    }
    if n > 64 {
        return Err(format!("password must be no more than {} characters", 64));
    }
    Ok(())
}
