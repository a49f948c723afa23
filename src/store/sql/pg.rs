//! PostgreSQL behind the store's handle: a pooled client with its own statement cache; each
//! statement text is rewritten once (`translate`), values are bound and read by `pg_values`.

use super::error::{DbError, DbResult};
use super::pg_values::value_type;
use super::translate::{translate_paged, Translated};
use super::value::Value;
use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls, Statement};
use std::cell::RefCell;
use std::collections::HashMap;

/// Statements kept per connection (like SQLite's prepared-statement cache); past this the
/// cache is emptied and refilled, so dynamic SQL cannot grow it without bound.
const STATEMENT_CACHE: usize = 256;

/// One PostgreSQL connection of the pool and the statements prepared on it.
pub struct PgConn {
    /// `None` only while dropping.
    client: RefCell<Option<Client>>,
    cache: RefCell<HashMap<String, Statement>>,
    texts: RefCell<HashMap<String, std::sync::Arc<Translated>>>,
    /// Whether a transaction is open (a batch began one and none ended it).
    in_transaction: std::cell::Cell<bool>,
}

/// The `postgres` client closes its connection by blocking on its own runtime, which panics
/// on a thread that drives an async runtime (actix's workers, where the pool may drop
/// connections): the client is closed on a thread of its own.
impl Drop for PgConn {
    fn drop(&mut self) {
        if let Some(client) = self.client.get_mut().take() {
            let _ = std::thread::Builder::new()
                .name("pg-close".into())
                .spawn(move || drop(client));
        }
    }
}

impl PgConn {
    pub fn new(client: Client) -> PgConn {
        PgConn {
            client: RefCell::new(Some(client)),
            cache: RefCell::new(HashMap::new()),
            texts: RefCell::new(HashMap::new()),
            in_transaction: std::cell::Cell::new(false),
        }
    }

    fn client(&self) -> std::cell::RefMut<'_, Client> {
        std::cell::RefMut::map(self.client.borrow_mut(), |c| {
            c.as_mut()
                .expect("a PostgreSQL connection is used only until dropped")
        })
    }

    pub fn connect(url: &str) -> DbResult<PgConn> {
        Ok(PgConn::new(Client::connect(url, NoTls)?))
    }

    fn statement(&self, sql: &str, params: &[Value]) -> DbResult<Statement> {
        let translated = self.translated(sql);
        // A page size or offset goes into the text as a number: planned with a parameter
        // there, PostgreSQL assumes a tenth of the rows are wanted and keeps re-planning the
        // page (custom plans), or caches a plan made for thousands of rows. With the numbers
        // in the text, the plan is the page's, and it is reused (the statement cache keeps
        // one statement per page size and offset; other values stay parameters).
        let inline: Vec<(usize, i64, std::ops::Range<usize>)> = translated
            .page_params
            .iter()
            .filter_map(
                |(n, span)| match n.checked_sub(1).and_then(|i| params.get(i)) {
                    Some(Value::Integer(v)) => Some((*n, *v, span.clone())),
                    _ => None,
                },
            )
            .collect();
        let key: std::borrow::Cow<str> = if inline.is_empty() {
            sql.into()
        } else {
            let mut k = sql.to_owned();
            for (_, v, _) in &inline {
                k.push('\0');
                k.push_str(&v.to_string());
            }
            k.into()
        };
        if let Some(s) = self.cache.borrow().get(key.as_ref()) {
            return Ok(s.clone());
        }
        let mut text = translated.text.clone();
        for (_, v, span) in inline.iter().rev() {
            text.replace_range(span.clone(), &v.to_string());
        }
        // An inlined parameter is still bound (and may be named nowhere else): its type is
        // given, the integer it holds; the others are left to PostgreSQL (UNKNOWN).
        let mut given = vec![Type::UNKNOWN; inline.iter().map(|(n, ..)| *n).max().unwrap_or(0)];
        for (n, ..) in &inline {
            given[n - 1] = Type::INT8;
        }
        // A failed prepare aborts the transaction it runs in: the first prepare of a statement
        // on a connection runs in a savepoint (outside a transaction a failure aborts nothing).
        let guarded =
            self.in_transaction.get() && self.batch("SAVEPOINT coderlite_prepare").is_ok();
        let first = self.client().prepare_typed(&text, &given);
        if guarded {
            let end = if first.is_ok() {
                "RELEASE coderlite_prepare"
            } else {
                "ROLLBACK TO coderlite_prepare; RELEASE coderlite_prepare"
            };
            self.batch(end)?;
        }
        let stmt = match first {
            Ok(stmt) => stmt,
            // A statement PostgreSQL cannot type names no column for a parameter (`SELECT ?1`,
            // `?1 IS NULL OR ..`): its parameters take the types of this call's values
            // (`Value::Null` is text), as SQLite's dynamic typing would give them.
            Err(e)
                if e.code().is_some_and(|c| {
                    *c == postgres::error::SqlState::INDETERMINATE_DATATYPE
                        || *c == postgres::error::SqlState::AMBIGUOUS_PARAMETER
                }) =>
            {
                // (An inlined parameter's value is an integer: INT8, as `given` has it.)
                let types: Vec<Type> = params.iter().map(value_type).collect();
                self.client()
                    .prepare_typed(&text, &types)
                    .map_err(|e| prepare_error(e, &text))?
            }
            Err(e) => return Err(prepare_error(e, &text)),
        };
        let mut cache = self.cache.borrow_mut();
        if cache.len() >= STATEMENT_CACHE {
            cache.clear();
        }
        cache.insert(key.into_owned(), stmt.clone());
        Ok(stmt)
    }

    /// The statement's PostgreSQL text, rewritten once per connection.
    fn translated(&self, sql: &str) -> std::sync::Arc<Translated> {
        if let Some(t) = self.texts.borrow().get(sql) {
            return t.clone();
        }
        let t = std::sync::Arc::new(translate_paged(sql));
        let mut texts = self.texts.borrow_mut();
        if texts.len() >= STATEMENT_CACHE {
            texts.clear();
        }
        texts.insert(sql.to_owned(), t.clone());
        t
    }

    fn args(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
        params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
    }

    pub fn query(&self, sql: &str, params: &[Value]) -> DbResult<Vec<postgres::Row>> {
        let stmt = self.statement(sql, params)?;
        Ok(self.client().query(&stmt, &Self::args(params))?)
    }

    pub fn execute(&self, sql: &str, params: &[Value]) -> DbResult<usize> {
        // A write must store what it was given: text with U+0000 is refused, not altered
        // (a read looks for it as U+FFFD, which is all PostgreSQL could hold; `pg_values`).
        if params
            .iter()
            .any(|v| matches!(v, Value::Text(t) if t.contains('\0')))
        {
            return Err(DbError::NulText);
        }
        let stmt = self.statement(sql, params)?;
        let n = self.client().execute(&stmt, &Self::args(params))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Several statements without parameters (simple query protocol).
    pub fn batch(&self, sql: &str) -> DbResult<()> {
        let out = self.client().batch_execute(sql);
        let mut words = sql
            .split_whitespace()
            .map(|w| w.trim_end_matches(';').to_ascii_uppercase());
        match words.next().as_deref() {
            Some("BEGIN" | "START") => self.in_transaction.set(out.is_ok()),
            // A failed COMMIT ends the transaction too; `ROLLBACK TO` keeps it.
            Some("COMMIT" | "END") => self.in_transaction.set(false),
            Some("ROLLBACK") if words.next().as_deref() != Some("TO") => {
                self.in_transaction.set(false)
            }
            _ => {}
        }
        Ok(out?)
    }

    pub fn is_closed(&self) -> bool {
        self.client.borrow().as_ref().is_none_or(Client::is_closed)
    }
}

/// A statement PostgreSQL refused to prepare: the message names the statement (its text only,
/// never the values), so a dialect gap shows where it is.
fn prepare_error(e: postgres::Error, sql: &str) -> DbError {
    let shown: String = sql.chars().take(600).collect();
    DbError::Other(format!("{}; in: {shown}", super::error::pg_message(&e)))
}

/// The pool's connection manager: connects with the URL's settings, checks a connection with
/// an empty statement before reuse.
pub struct PgManager {
    config: postgres::Config,
}

impl PgManager {
    pub fn new(url: &str) -> DbResult<PgManager> {
        let config = url
            .parse::<postgres::Config>()
            .map_err(|e| DbError::Other(format!("bad PostgreSQL URL: {e}")))?;
        Ok(PgManager { config })
    }
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConn, postgres::Error> {
        Ok(PgConn::new(self.config.connect(NoTls)?))
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), postgres::Error> {
        conn.client().simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.is_closed()
    }
}
