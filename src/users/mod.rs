//! Users below the API: the rules for their fields (`names`) and the one way a user is created
//! (`create`), used by `POST /users`, `POST /users/first`, `--first-user-*` and
//! `coderlite create-admin-user`.

mod create;
pub mod names;

pub use create::{create, create_owner, validate_owner, NewUser, OwnerInput};
