//! All SQL lives here, one file per table family. Functions take the engine's handle
//! (`&Tx`, see `sql`) and return `DbResult`; they know nothing of HTTP.

pub mod ai_picklists;
pub mod ai_seats;
pub mod ai_sessions;
pub mod ai_threads;
pub mod api_keys;
pub mod audit_chain;
pub mod audit_counts;
pub mod audit_logs;
pub mod audit_purge;
pub mod audit_query;
pub mod audit_seq;
pub mod bulk;
pub mod connection_log_counts;
pub mod connection_log_filter;
pub mod connection_log_writes;
pub mod connection_logs;
pub mod copy;
pub mod interception_usages;
pub mod interceptions;
pub mod members;
pub mod orgs;
pub mod purge_pending;
pub mod seat_report;
pub mod settings;
pub mod sql;
pub mod user_list;
pub mod user_updates;
pub mod users;
pub mod workspaces;

use sql::{DbError, DbResult, ToValue, Tx, Value};

/// Decodes a JSON array of strings stored in TEXT (role lists); bad data reads as empty.
pub fn json_list(text: &str) -> Vec<String> {
    serde_json::from_str(text).unwrap_or_default()
}

pub fn to_json_list(items: &[String]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

/// SQLite refuses LIKE patterns over 50,000 bytes ("LIKE or GLOB pattern too complex", a 500);
/// `contains_sql` matches longer terms as a plain case-insensitive substring instead.
pub(crate) const LIKE_PATTERN_MAX: usize = 50_000;

/// `col` contains `term` (pushed to `p`): `col LIKE '%' || term || '%'` (case-insensitive
/// for ASCII; the term's `%`/`_` are wildcards as in Coder's ILIKE unless `escape`). A term
/// too long for a LIKE pattern is matched as a plain case-insensitive substring (`instr`).
/// `col` is the non-deleted user named `username` (lower-cased by the parser).
pub fn user_named_sql(col: &str, username: &str, p: &mut Params) -> String {
    format!(
        "{col} = (SELECT id FROM users WHERE lower(username) = {} AND deleted = 0)",
        p.push(username.to_string())
    )
}

/// `col` is a user with `email` (lower-cased by the parser). With `live_only`, the one
/// non-deleted user of that e-mail (live e-mails are unique: `=` keeps the index order of
/// `col`); otherwise deleted users too.
pub fn user_email_sql(col: &str, email: &str, live_only: bool, p: &mut Params) -> String {
    let ph = p.push(email.to_string());
    if live_only {
        format!("{col} = (SELECT id FROM users WHERE lower(email) = {ph} AND deleted = 0)")
    } else {
        format!("{col} IN (SELECT id FROM users WHERE lower(email) = {ph})")
    }
}

/// ` WHERE a AND b …`, or nothing for no terms.
pub fn where_clause(terms: &[String]) -> String {
    if terms.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", terms.join(" AND "))
    }
}

pub fn contains_sql(col: &str, term: &str, escape: bool, p: &mut Params) -> String {
    if term.len() + 2 > LIKE_PATTERN_MAX {
        let ph = p.push(term.to_string());
        return format!("instr(lower({col}), lower({ph})) > 0");
    }
    if !escape {
        return format!("{col} LIKE '%' || {} || '%'", p.push(term.to_string()));
    }
    let escaped = term
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("{col} LIKE '%' || {} || '%' ESCAPE '\\'", p.push(escaped))
}

/// Positional SQL parameters collected while building a dynamic query. Only values travel
/// as parameters; the SQL text is assembled from constant fragments.
#[derive(Default, Debug)]
pub struct Params(pub Vec<Value>);

impl Params {
    /// Adds a value and returns its placeholder (`?N`).
    pub fn push(&mut self, v: impl ToValue) -> String {
        self.0.push(v.to_value());
        format!("?{}", self.0.len())
    }

    /// `col = ?N` for a filter value that is set (a filter's equality term).
    pub fn eq<V: ToValue>(&mut self, col: &str, v: &Option<V>) -> Option<String> {
        v.as_ref().map(|v| format!("{col} = {}", self.push(v)))
    }

    /// Placeholders for a list: `(?3, ?4, ?5)`; `(NULL)` for an empty list (matches nothing).
    pub fn push_list(&mut self, items: &[String]) -> String {
        if items.is_empty() {
            return "(NULL)".into();
        }
        let ph: Vec<String> = items.iter().map(|i| self.push(i.clone())).collect();
        format!("({})", ph.join(", "))
    }

    pub fn as_params(&self) -> &[Value] {
        &self.0
    }
}

/// Runs `f` inside a savepoint (inside or outside a transaction): rolled back to it when `f`
/// fails. A page and its count read in one makes them one snapshot.
pub fn in_savepoint<T>(conn: &Tx, name: &str, f: impl FnOnce() -> DbResult<T>) -> DbResult<T> {
    in_savepoint_with(conn, name, f)
}

/// `in_savepoint` for work that fails with another error type (e.g. an API error).
pub fn in_savepoint_with<T, E: From<DbError>>(
    conn: &Tx,
    name: &str,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    if conn.is_read_snapshot() {
        // PostgreSQL's reads are one snapshot already, and change nothing to roll back.
        return f();
    }
    conn.execute_batch(&format!("SAVEPOINT {name}"))?;
    match f() {
        Ok(v) => {
            conn.execute_batch(&format!("RELEASE {name}"))?;
            Ok(v)
        }
        Err(e) => {
            let _ = conn.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"));
            Err(e)
        }
    }
}
