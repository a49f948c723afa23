//! PostgreSQL behind the store's handle: a pooled client with its own statement cache, the
//! store's `?N` placeholders rewritten to `$N` once per statement text, and values bound as
//! the types each statement asks for.

use super::error::{DbError, DbResult};
use super::value::Value;
use bytes::BytesMut;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
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
        if let Some(s) = self.cache.borrow().get(sql) {
            return Ok(s.clone());
        }
        let text = translate(sql);
        // A failed prepare aborts the transaction it runs in: the first prepare of a statement
        // on a connection runs in a savepoint (outside a transaction the SAVEPOINT fails, and
        // a failure aborts nothing).
        let guarded = self.batch("SAVEPOINT coderlite_prepare").is_ok();
        let first = self.client().prepare(&text);
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
        cache.insert(sql.to_owned(), stmt.clone());
        Ok(stmt)
    }

    fn args(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
        params.iter().map(|v| v as &(dyn ToSql + Sync)).collect()
    }

    pub fn query(&self, sql: &str, params: &[Value]) -> DbResult<Vec<postgres::Row>> {
        let stmt = self.statement(sql, params)?;
        Ok(self.client().query(&stmt, &Self::args(params))?)
    }

    pub fn execute(&self, sql: &str, params: &[Value]) -> DbResult<usize> {
        let stmt = self.statement(sql, params)?;
        let n = self.client().execute(&stmt, &Self::args(params))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Several statements without parameters (simple query protocol).
    pub fn batch(&self, sql: &str) -> DbResult<()> {
        Ok(self.client().batch_execute(sql)?)
    }

    pub fn is_closed(&self) -> bool {
        self.client.borrow().as_ref().is_none_or(Client::is_closed)
    }
}

/// The PostgreSQL type a value binds as when the statement leaves it open.
fn value_type(v: &Value) -> Type {
    match v {
        Value::Integer(_) => Type::INT8,
        Value::Real(_) => Type::FLOAT8,
        Value::Blob(_) => Type::BYTEA,
        Value::Null | Value::Text(_) => Type::TEXT,
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

/// The store's SQL as PostgreSQL runs it, rewritten outside string literals, quoted
/// identifiers and comments: `?N` → `$N` and a bare `?` → the next number (as SQLite numbers
/// them); `LIKE` → `ILIKE` (SQLite's `LIKE` ignores ASCII case); `INTEGER` → `BIGINT`;
/// `CROSS JOIN .. ON` → `JOIN .. ON`; SQLite's `INDEXED BY` / `NOT INDEXED` hints dropped. The functions of SQLite's
/// that the store calls are defined in the PostgreSQL schema with SQLite's meaning.
pub fn translate(sql: &str) -> String {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let (mut i, mut max, mut copied) = (0, 0usize, 0);
    while i < b.len() {
        match b[i] {
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'?' => {
                out.push_str(&sql[copied..i]);
                let start = i + 1;
                let mut end = start;
                while end < b.len() && b[end].is_ascii_digit() {
                    end += 1;
                }
                let n = if end > start {
                    sql[start..end].parse().unwrap_or(0)
                } else {
                    max + 1
                };
                max = max.max(n);
                out.push('$');
                out.push_str(&n.to_string());
                i = end;
                copied = end;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
                let word = &sql[start..i];
                if word.eq_ignore_ascii_case("integer") {
                    // SQLite's integers are 64-bit (`CAST(x AS INTEGER)`).
                    out.push_str(&sql[copied..start]);
                    out.push_str("BIGINT");
                    copied = i;
                } else if word.eq_ignore_ascii_case("like") {
                    out.push_str(&sql[copied..start]);
                    out.push_str("ILIKE");
                    copied = i;
                } else if word.eq_ignore_ascii_case("cross") {
                    // SQLite's `CROSS JOIN .. ON` is an inner join in a fixed order (a planner
                    // hint); PostgreSQL allows no ON there and plans the order itself.
                    let mut j = i;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if sql
                        .get(j..j + 4)
                        .is_some_and(|w| w.eq_ignore_ascii_case("join"))
                    {
                        out.push_str(&sql[copied..start]);
                        copied = j;
                    }
                } else if word.eq_ignore_ascii_case("indexed") {
                    // SQLite's planner hints (`INDEXED BY name`, `NOT INDEXED`) are dropped:
                    // PostgreSQL's planner picks the index.
                    let before = sql[copied..start].trim_end();
                    let not =
                        before.len() >= 3 && before[before.len() - 3..].eq_ignore_ascii_case("not");
                    let skip_ws = |mut j: usize| {
                        while j < b.len() && b[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        j
                    };
                    let by = skip_ws(i);
                    if not {
                        out.push_str(&sql[copied..copied + before.len() - 3]);
                        copied = i;
                    } else if sql
                        .get(by..by + 2)
                        .is_some_and(|w| w.eq_ignore_ascii_case("by"))
                    {
                        let mut j = skip_ws(by + 2);
                        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                            j += 1;
                        }
                        out.push_str(sql[copied..start].trim_end());
                        i = j;
                        copied = j;
                    }
                }
            }
            c if c.is_ascii_digit() => {
                // A number (or a word starting with one) is copied as it is.
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    out
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(i) => match *ty {
                Type::BOOL => (*i != 0).to_sql(ty, out),
                Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
                Type::INT8 => i.to_sql(ty, out),
                Type::FLOAT8 => (*i as f64).to_sql(ty, out),
                Type::TEXT | Type::VARCHAR => i.to_string().to_sql(ty, out),
                _ => Err(format!("an integer cannot be bound to a {ty} parameter").into()),
            },
            Value::Real(r) => match *ty {
                Type::FLOAT8 => r.to_sql(ty, out),
                Type::FLOAT4 => (*r as f32).to_sql(ty, out),
                _ => Err(format!("a real cannot be bound to a {ty} parameter").into()),
            },
            Value::Text(s) => s.as_str().to_sql(ty, out),
            Value::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// Column `idx` of a PostgreSQL row as a store value. Booleans read as integers 0/1, as they
/// are stored on SQLite; a type the store does not use is an error naming it.
pub fn column(row: &postgres::Row, idx: usize) -> DbResult<Value> {
    let decode = |e: postgres::Error| DbError::Decode {
        idx,
        msg: e.to_string(),
    };
    let ty = row
        .columns()
        .get(idx)
        .ok_or_else(|| DbError::Decode {
            idx,
            msg: "no such column".into(),
        })?
        .type_()
        .clone();
    let v = match ty {
        Type::BOOL => row
            .try_get::<_, Option<bool>>(idx)
            .map_err(decode)?
            .map(|b| Value::Integer(i64::from(b))),
        Type::INT2 => row
            .try_get::<_, Option<i16>>(idx)
            .map_err(decode)?
            .map(|i| Value::Integer(i.into())),
        Type::INT4 => row
            .try_get::<_, Option<i32>>(idx)
            .map_err(decode)?
            .map(|i| Value::Integer(i.into())),
        Type::INT8 => row
            .try_get::<_, Option<i64>>(idx)
            .map_err(decode)?
            .map(Value::Integer),
        Type::FLOAT4 => row
            .try_get::<_, Option<f32>>(idx)
            .map_err(decode)?
            .map(|f| Value::Real(f.into())),
        Type::FLOAT8 => row
            .try_get::<_, Option<f64>>(idx)
            .map_err(decode)?
            .map(Value::Real),
        Type::BYTEA => row
            .try_get::<_, Option<Vec<u8>>>(idx)
            .map_err(decode)?
            .map(Value::Blob),
        // `sum()` of integers is NUMERIC on PostgreSQL: read back as SQLite gives it.
        Type::NUMERIC => row
            .try_get::<_, Option<Numeric>>(idx)
            .map_err(decode)?
            .map(|n| n.0),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => row
            .try_get::<_, Option<String>>(idx)
            .map_err(decode)?
            .map(Value::Text),
        ty => {
            return Err(DbError::Decode {
                idx,
                msg: format!("type {ty} is not read by the store (cast it in SQL)"),
            })
        }
    };
    Ok(v.unwrap_or(Value::Null))
}

/// A NUMERIC column: an integer when it has no fraction (and fits), else a real.
struct Numeric(Value);

impl<'a> postgres::types::FromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        // Binary NUMERIC: ndigits, weight, sign, dscale (i16 each), then base-10000 digits.
        let word = |i: usize| -> Result<i16, String> {
            raw.get(i * 2..i * 2 + 2)
                .map(|b| i16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| "truncated numeric".to_string())
        };
        let (ndigits, weight, sign) = (word(0)?, word(1)?, word(2)? as u16);
        if sign == 0xC000 {
            return Ok(Numeric(Value::Real(f64::NAN)));
        }
        let mut int: i128 = 0;
        let mut real: f64 = 0.0;
        let mut integral = true;
        for k in 0..ndigits.max(0) as usize {
            let d = word(4 + k)?;
            let power = i32::from(weight) - k as i32;
            real += f64::from(d) * 10000f64.powi(power);
            if power >= 0 {
                int = int
                    .checked_mul(10000)
                    .and_then(|v| v.checked_add(i128::from(d)))
                    .unwrap_or(i128::MAX);
            } else if d != 0 {
                integral = false;
            }
        }
        if integral && i32::from(weight) >= i32::from(ndigits) {
            for _ in 0..(i32::from(weight) - i32::from(ndigits) + 1) {
                int = int.checked_mul(10000).unwrap_or(i128::MAX);
            }
        }
        let negative = sign == 0x4000;
        Ok(Numeric(
            match i64::try_from(if negative { -int } else { int }) {
                Ok(i) if integral => Value::Integer(i),
                _ => Value::Real(if negative { -real } else { real }),
            },
        ))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

#[cfg(test)]
mod tests {
    use super::translate as placeholders;

    #[test]
    fn placeholders_are_numbered_outside_literals() {
        assert_eq!(placeholders("SELECT ?1, ?2, ?1"), "SELECT $1, $2, $1");
        assert_eq!(placeholders("VALUES (?, ?, ?)"), "VALUES ($1, $2, $3)");
        assert_eq!(placeholders("a = ?3 AND b = ?"), "a = $3 AND b = $4");
        assert_eq!(
            placeholders("SELECT '?1', \"x?\" -- ?\n, ?1 /* ? */"),
            "SELECT '?1', \"x?\" -- ?\n, $1 /* ? */"
        );
        assert_eq!(
            placeholders("x LIKE 'it''s ?' || ?2"),
            "x ILIKE 'it''s ?' || $2"
        );
        assert_eq!(
            placeholders(
                "FROM audit_logs al INDEXED BY audit_logs_time WHERE x FROM t NOT INDEXED"
            ),
            "FROM audit_logs al WHERE x FROM t "
        );
        assert_eq!(
            placeholders("FROM p CROSS JOIN a ON a.seq = p.seq CROSS  JOIN u ON u.id = a.u"),
            "FROM p JOIN a ON a.seq = p.seq JOIN u ON u.id = a.u"
        );
        assert_eq!(
            placeholders("a like ?1 AND likes = 'LIKE' AND unlike NOT LIKE ?2 LIMIT 10"),
            "a ILIKE $1 AND likes = 'LIKE' AND unlike NOT ILIKE $2 LIMIT 10"
        );
        assert_eq!(
            placeholders("CAST(v AS INTEGER) + integers"),
            "CAST(v AS BIGINT) + integers"
        );
    }
}
