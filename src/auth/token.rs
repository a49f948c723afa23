//! Coder's API key format `<10-char id>-<22-char secret>`; only SHA-256(secret) is stored.

use rand::distributions::Alphanumeric;
use rand::Rng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const ID_LEN: usize = 10;
pub const SECRET_LEN: usize = 22;

fn random_alnum(n: usize) -> String {
    rand::rngs::OsRng
        .sample_iter(&Alphanumeric)
        .take(n)
        .map(char::from)
        .collect()
}

/// A new key: (id, secret, full token).
pub fn generate() -> (String, String, String) {
    let id = random_alnum(ID_LEN);
    let secret = random_alnum(SECRET_LEN);
    let token = format!("{id}-{secret}");
    (id, secret, token)
}

pub fn hash_secret(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

/// Constant-time comparison of a presented secret against the stored hash.
pub fn secret_matches(secret: &str, stored_hash: &[u8]) -> bool {
    hash_secret(secret).ct_eq(stored_hash).into()
}

/// Splits a token as Coder's `SplitAPIToken` does, with its error texts.
pub fn split(token: &str) -> Result<(&str, &str), String> {
    let parts: Vec<&str> = token.split('-').collect();
    if parts.len() != 2 {
        return Err(format!(
            "incorrect amount of API key parts, expected 2 got {}",
            parts.len()
        ));
    }
    let (id, secret) = (parts[0], parts[1]);
    if id.len() != ID_LEN {
        return Err(format!(
            "invalid API key id length, expected {ID_LEN} got {}",
            id.len()
        ));
    }
    if secret.len() != SECRET_LEN {
        return Err(format!(
            "invalid API key secret length, expected {SECRET_LEN} got {}",
            secret.len()
        ));
    }
    Ok((id, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundtrip() {
        let (id, secret, token) = generate();
        let (i, s) = split(&token).expect("split");
        assert_eq!((i, s), (id.as_str(), secret.as_str()));
        assert!(secret_matches(s, &hash_secret(&secret)));
        assert!(!secret_matches("x", &hash_secret(&secret)));
        assert!(split("abc").is_err());
        assert!(split("a-b-c").is_err());
    }
}
