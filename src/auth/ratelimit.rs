//! Login attempt limiting per account and per client IP (sliding one-minute window).
//! In memory: a restart forgets counts, which only ever errs towards letting users in.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

pub struct LoginLimiter {
    per_minute: u32,
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl LoginLimiter {
    /// `per_minute` = 0 disables limiting.
    pub fn new(per_minute: u32) -> Self {
        LoginLimiter {
            per_minute,
            attempts: Mutex::new(HashMap::new()),
        }
    }

    /// Records an attempt for every key; returns `Err(seconds to wait)` when any key is over
    /// its limit (the attempt is then not counted).
    pub fn check(&self, keys: &[String]) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut map = match self.attempts.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        if map.len() > 100_000 {
            map.retain(|_, v| v.last().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let mut wait = 0u64;
        for k in keys {
            let v = map.entry(k.clone()).or_default();
            v.retain(|t| now.duration_since(*t) < WINDOW);
            if v.len() >= self.per_minute as usize {
                let oldest = v.first().copied().unwrap_or(now);
                let left = WINDOW
                    .saturating_sub(now.duration_since(oldest))
                    .as_secs()
                    .max(1);
                wait = wait.max(left);
            }
        }
        if wait > 0 {
            return Err(wait);
        }
        for k in keys {
            map.entry(k.clone()).or_default().push(now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_key() {
        let l = LoginLimiter::new(2);
        let k = vec!["ip:1".to_string(), "acct:a".to_string()];
        assert!(l.check(&k).is_ok());
        assert!(l.check(&k).is_ok());
        assert!(l.check(&k).is_err());
        assert!(l.check(&["ip:2".to_string()]).is_ok());
        assert!(LoginLimiter::new(0).check(&k).is_ok());
    }
}
