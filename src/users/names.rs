//! The rules for user fields, shared by every way a user is created or changed: Coder's
//! username, real-name and e-mail checks, and go-playground's validation detail.

use crate::error::Validation;

/// Coder's `codersdk.NameValid` for usernames: 1–32 characters of `[a-zA-Z0-9-]`, no
/// leading/trailing or double hyphen.
pub fn validate_username(name: &str) -> Result<(), String> {
    if name.len() > 32 {
        return Err("must be <= 32 characters".into());
    }
    if name.is_empty() {
        return Err("must be at least 1 character".into());
    }
    // Coder reserves these to avoid clashes with routes like /templates/new.
    if name == "new" || name == "create" {
        return Err(format!("cannot use {name:?} as a name"));
    }
    let ok = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    if !ok {
        return Err("must be alphanumeric with hyphens".into());
    }
    Ok(())
}

/// Coder's `UserRealNameValid`: at most 128 bytes, no leading/trailing whitespace.
pub fn validate_real_name(name: &str) -> Result<(), String> {
    if name.len() > 128 {
        return Err("must be <= 128 characters".into());
    }
    if name.trim() != name {
        return Err("must not have leading or trailing whitespace".into());
    }
    Ok(())
}

/// go-playground's validation detail, as Coder's `httpapi.Read` writes it.
pub fn tag_failed(field: &str, tag: &str, value: &str) -> Validation {
    Validation::new(
        field,
        format!("Validation failed for tag {tag:?} with value: \"{value}\""),
    )
}

/// A minimal e-mail check, as Go's validator `email` tag.
pub fn validate_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !email.contains(char::is_whitespace)
        && domain.contains('.')
}
