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
    client: RefCell<Client>,
    cache: RefCell<HashMap<String, Statement>>,
}

impl PgConn {
    pub fn new(client: Client) -> PgConn {
        PgConn {
            client: RefCell::new(client),
            cache: RefCell::new(HashMap::new()),
        }
    }

    pub fn connect(url: &str) -> DbResult<PgConn> {
        Ok(PgConn::new(Client::connect(url, NoTls)?))
    }

    fn statement(&self, sql: &str) -> DbResult<Statement> {
        if let Some(s) = self.cache.borrow().get(sql) {
            return Ok(s.clone());
        }
        let stmt = self.client.borrow_mut().prepare(&placeholders(sql))?;
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
        let stmt = self.statement(sql)?;
        Ok(self.client.borrow_mut().query(&stmt, &Self::args(params))?)
    }

    pub fn execute(&self, sql: &str, params: &[Value]) -> DbResult<usize> {
        let stmt = self.statement(sql)?;
        let n = self
            .client
            .borrow_mut()
            .execute(&stmt, &Self::args(params))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// Several statements without parameters (simple query protocol).
    pub fn batch(&self, sql: &str) -> DbResult<()> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }

    pub fn is_closed(&self) -> bool {
        self.client.borrow().is_closed()
    }
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
        conn.client.get_mut().simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.get_mut().is_closed()
    }
}

/// `?N` → `$N` and a bare `?` → the next number (as SQLite numbers them), outside string
/// literals, quoted identifiers and comments.
pub fn placeholders(sql: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::placeholders;

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
            "x LIKE 'it''s ?' || $2"
        );
    }
}
