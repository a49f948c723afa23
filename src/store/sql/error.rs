//! The store's one error type, for both engines.

/// A failed statement. `NoRows` is what `query_row` returns for an empty result (made
/// `None` by `OptionalExtension::optional`).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Sqlite(rusqlite::Error),
    #[error("{}", pg_message(.0))]
    Postgres(postgres::Error),
    #[error("query returned no rows")]
    NoRows,
    #[error("column {idx}: {msg}")]
    Decode { idx: usize, msg: String },
    /// A write of text holding U+0000, which PostgreSQL cannot store (bad input: 400).
    #[error("text holds the NUL character, which PostgreSQL cannot store")]
    NulText,
    #[error("{0}")]
    Other(String),
}

pub type DbResult<T> = Result<T, DbError>;

pub(super) fn pg_message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => match db.detail() {
            Some(detail) => format!("{}: {} ({detail})", db.severity(), db.message()),
            None => format!("{}: {}", db.severity(), db.message()),
        },
        None => e.to_string(),
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        match e {
            rusqlite::Error::QueryReturnedNoRows => DbError::NoRows,
            e => DbError::Sqlite(e),
        }
    }
}

impl From<postgres::Error> for DbError {
    fn from(e: postgres::Error) -> Self {
        DbError::Postgres(e)
    }
}

impl DbError {
    /// A constraint (unique, check, foreign key, not null) refused the write.
    pub fn is_constraint_violation(&self) -> bool {
        match self {
            DbError::Sqlite(e) => {
                e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
            }
            // Class 23: integrity constraint violation.
            DbError::Postgres(e) => e.code().is_some_and(|c| c.code().starts_with("23")),
            _ => false,
        }
    }

    /// Another connection holds the lock the statement needs (answered 503, retried by
    /// clients), as opposed to a fault.
    pub fn is_busy(&self) -> bool {
        use postgres::error::SqlState;
        match self {
            DbError::Sqlite(e) => matches!(
                e.sqlite_error_code(),
                Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked)
            ),
            DbError::Postgres(e) => e.code().is_some_and(|c| {
                *c == SqlState::T_R_SERIALIZATION_FAILURE
                    || *c == SqlState::T_R_DEADLOCK_DETECTED
                    || *c == SqlState::LOCK_NOT_AVAILABLE
            }),
            _ => false,
        }
    }
}
