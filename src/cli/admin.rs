//! `coderlite create-admin-user`.

use crate::config::Synchronous;
use crate::request_meta::RequestMeta;
use crate::users::{self, OwnerInput};
use std::path::Path;

/// `coderlite create-admin-user`: adds an owner to any existing (or new) database.
pub fn create_admin_user(
    db: &Path,
    username: &str,
    email: &str,
    password: &str,
) -> Result<(), String> {
    let input = OwnerInput {
        email,
        username,
        name: "",
        password,
    };
    users::validate_owner(&input).map_err(|e| e.describe())?;
    let hashed = crate::auth::password::hash(password)?;
    let state = crate::db::Db::open(db, Synchronous::Full, 1)?;
    let (id, _) = state
        .write_blocking(|tx| users::create_owner(tx, &RequestMeta::system(), &input, &hashed))
        .map_err(|e| e.describe())?;
    println!("Created owner {username} ({id}) in {}", db.display());
    Ok(())
}
