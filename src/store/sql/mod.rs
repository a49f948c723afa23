//! The store's one handle on the database. Store functions take a `&Tx` and write SQL with
//! `?N` placeholders; the handle runs it on SQLite, or on PostgreSQL with the placeholders
//! rewritten, binding `Value`s and reading columns back as `Value`s. Nothing outside this
//! module names an engine's statement, row or parameter types.

mod error;
pub mod pg;
mod pg_values;
pub mod translate;
mod value;

pub use error::{DbError, DbResult};
pub use pg::{PgConn, PgManager};
pub use value::{FromValue, ToValue, Value};

/// Parameters for a statement: `params![a, b]` is a `&[Value]` of anything `ToValue`.
#[macro_export]
macro_rules! params {
    () => {
        &[] as &[$crate::store::sql::Value]
    };
    ($($x:expr),+ $(,)?) => {
        &[$($crate::store::sql::ToValue::to_value(&$x)),+] as &[$crate::store::sql::Value]
    };
}

/// Which engine a handle runs on, for the few statements written per engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

/// A connection (SQLite) or a connection inside its transaction, borrowed for one unit of
/// work. Cheap to copy.
#[derive(Clone, Copy)]
pub struct Tx<'a>(Inner<'a>, Snapshot);

/// Whether the handle runs inside a read-only snapshot (PostgreSQL's `REPEATABLE READ READ
/// ONLY` reads), where a savepoint has nothing to keep apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Snapshot {
    No,
    ReadOnly,
}

#[derive(Clone, Copy)]
enum Inner<'a> {
    Lite(&'a rusqlite::Connection),
    Pg(&'a PgConn),
}

impl<'a> Tx<'a> {
    pub fn sqlite(conn: &'a rusqlite::Connection) -> Tx<'a> {
        Tx(Inner::Lite(conn), Snapshot::No)
    }

    pub fn postgres(conn: &'a PgConn) -> Tx<'a> {
        Tx(Inner::Pg(conn), Snapshot::No)
    }

    /// A PostgreSQL connection inside a read-only snapshot (`Db::read`, streamed exports).
    pub fn postgres_snapshot(conn: &'a PgConn) -> Tx<'a> {
        Tx(Inner::Pg(conn), Snapshot::ReadOnly)
    }

    /// Whether this is a read-only snapshot: one read in it sees what another does, and
    /// nothing in it needs undoing.
    pub fn is_read_snapshot(&self) -> bool {
        self.1 == Snapshot::ReadOnly
    }

    pub fn dialect(&self) -> Dialect {
        match self.0 {
            Inner::Lite(_) => Dialect::Sqlite,
            Inner::Pg(_) => Dialect::Postgres,
        }
    }

    pub fn execute(&self, sql: &str, params: &[Value]) -> DbResult<usize> {
        match self.0 {
            Inner::Lite(c) => Ok(c.execute(sql, rusqlite::params_from_iter(params))?),
            Inner::Pg(c) => c.execute(sql, params),
        }
    }

    /// Statements without parameters, separated by `;`.
    pub fn execute_batch(&self, sql: &str) -> DbResult<()> {
        match self.0 {
            Inner::Lite(c) => Ok(c.execute_batch(sql)?),
            Inner::Pg(c) => c.batch(&translate::translate(sql)),
        }
    }

    /// The first row mapped by `f`; `DbError::NoRows` when there is none.
    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[Value],
        f: impl FnOnce(&Row) -> DbResult<T>,
    ) -> DbResult<T> {
        self.prepare_cached(sql)?.query_row(params, f)
    }

    /// `f` in one transaction begun by `begin` (`BEGIN`, or a stronger form): committed when
    /// `f` is Ok, rolled back otherwise (also when `begin` itself fails part-way).
    pub fn transaction<T, E: From<DbError>>(
        &self,
        begin: &str,
        f: impl FnOnce(&Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        if let Err(e) = self.execute_batch(begin) {
            let _ = self.execute_batch("ROLLBACK");
            return Err(e.into());
        }
        match f(self) {
            Ok(v) => {
                self.execute_batch("COMMIT")?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.execute_batch("ROLLBACK");
                Err(e)
            }
        }
    }

    /// A statement kept prepared on the connection (SQLite's cache; PostgreSQL's per-pooled-
    /// connection cache).
    pub fn prepare_cached(&self, sql: &str) -> DbResult<Stmt<'a>> {
        Ok(Stmt(match self.0 {
            Inner::Lite(c) => StmtInner::Lite(Box::new(c.prepare_cached(sql)?)),
            Inner::Pg(c) => StmtInner::Pg(c, sql.to_owned()),
        }))
    }

    /// A statement prepared once, for dynamic SQL not worth caching on SQLite.
    pub fn prepare(&self, sql: &str) -> DbResult<Stmt<'a>> {
        Ok(Stmt(match self.0 {
            Inner::Lite(c) => StmtInner::LiteOnce(Box::new(c.prepare(sql)?)),
            Inner::Pg(c) => StmtInner::Pg(c, sql.to_owned()),
        }))
    }
}

/// A prepared statement.
pub struct Stmt<'a>(StmtInner<'a>);

enum StmtInner<'a> {
    Lite(Box<rusqlite::CachedStatement<'a>>),
    LiteOnce(Box<rusqlite::Statement<'a>>),
    Pg(&'a PgConn, String),
}

impl Stmt<'_> {
    pub fn execute(&mut self, params: &[Value]) -> DbResult<usize> {
        let p = rusqlite::params_from_iter(params);
        match &mut self.0 {
            StmtInner::Lite(s) => Ok(s.execute(p)?),
            StmtInner::LiteOnce(s) => Ok(s.execute(p)?),
            StmtInner::Pg(c, sql) => c.execute(sql, params),
        }
    }

    pub fn query_row<T>(
        &mut self,
        params: &[Value],
        f: impl FnOnce(&Row) -> DbResult<T>,
    ) -> DbResult<T> {
        let mut rows = self.query(params)?;
        match rows.next()? {
            Some(r) => f(&r),
            None => Err(DbError::NoRows),
        }
    }

    /// Every row mapped by `f`, in order.
    pub fn query_map<T>(
        &mut self,
        params: &[Value],
        mut f: impl FnMut(&Row) -> DbResult<T>,
    ) -> DbResult<std::vec::IntoIter<DbResult<T>>> {
        let mut rows = self.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(f(&r));
        }
        Ok(out.into_iter())
    }

    /// The rows, read one at a time.
    pub fn query(&mut self, params: &[Value]) -> DbResult<Rows<'_>> {
        let p = rusqlite::params_from_iter(params);
        Ok(Rows(match &mut self.0 {
            StmtInner::Lite(s) => RowsInner::Lite(s.query(p)?),
            StmtInner::LiteOnce(s) => RowsInner::Lite(s.query(p)?),
            StmtInner::Pg(c, sql) => RowsInner::Pg(c.query(sql, params)?.into_iter(), None),
        }))
    }
}

/// A statement's result rows.
pub struct Rows<'s>(RowsInner<'s>);

enum RowsInner<'s> {
    Lite(rusqlite::Rows<'s>),
    Pg(std::vec::IntoIter<postgres::Row>, Option<postgres::Row>),
}

impl Rows<'_> {
    /// The next row. A lending iterator (each row borrows the statement), like rusqlite's.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> DbResult<Option<Row<'_>>> {
        match &mut self.0 {
            RowsInner::Lite(rows) => Ok(rows.next()?.map(Row::Lite)),
            RowsInner::Pg(rows, current) => {
                *current = rows.next();
                Ok(current.as_ref().map(Row::Pg))
            }
        }
    }
}

/// One result row; columns are read by index.
#[derive(Clone, Copy)]
pub enum Row<'r> {
    Lite(&'r rusqlite::Row<'r>),
    Pg(&'r postgres::Row),
}

impl Row<'_> {
    /// Column `idx` as a store value.
    pub fn value(&self, idx: usize) -> DbResult<Value> {
        match self {
            Row::Lite(r) => Ok(r.get_ref(idx)?.into()),
            Row::Pg(r) => pg_values::column(r, idx),
        }
    }

    /// Column `idx` read as `T`.
    pub fn get<T: FromValue>(&self, idx: usize) -> DbResult<T> {
        T::from_value(self.value(idx)?).map_err(|msg| DbError::Decode { idx, msg })
    }
}

/// `query_row(..).optional()`: no row is `None` rather than an error.
pub trait OptionalExtension<T> {
    fn optional(self) -> DbResult<Option<T>>;
}

impl<T> OptionalExtension<T> for DbResult<T> {
    fn optional(self) -> DbResult<Option<T>> {
        match self {
            Ok(v) => Ok(Some(v)),
            Err(DbError::NoRows) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
