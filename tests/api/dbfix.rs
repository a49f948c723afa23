//! Row fixtures written through `TestServer::db()`, so they work on both engines: the
//! helpers of the same names in `common` open the SQLite file, which is not there on
//! PostgreSQL. Test modules import these by name (`use crate::dbfix::{..}`), which shadows
//! `common::*`'s.

use crate::common::{password_hash, Client, TestDb, TestServer, PASSWORD};
use coderlite::params;
use coderlite::store::sql::{DbResult, Tx};
use serde_json::json;
use std::path::Path;
use std::time::Duration;

/// The default organization's id, read from the database.
pub fn default_org_id(server: &TestServer) -> String {
    server
        .db()
        .query_row(
            "SELECT id FROM organizations WHERE is_default = 1",
            params![],
            |r| r.get(0),
        )
        .expect("default organization")
}

/// Inserts an active password user (`PASSWORD`, email `<username>@example.com`) straight into
/// the database — independent of the users endpoints — with `site_roles` and memberships
/// `(organization id, organization roles)`; returns its id.
pub fn insert_user(
    server: &TestServer,
    username: &str,
    site_roles: &[&str],
    orgs: &[(&str, &[&str])],
) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let now = coderlite::timefmt::now_micros();
    let db = server.db();
    db.execute(
        "INSERT INTO users (id, email, username, hashed_password, status, login_type, rbac_roles, \
         created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'active', 'password', ?5, ?6, ?6)",
        params![
            id,
            format!("{username}@example.com"),
            username,
            password_hash(),
            json!(site_roles).to_string(),
            now
        ],
    )
    .expect("insert user");
    for (org, roles) in orgs {
        db.execute(
            "INSERT INTO organization_members (organization_id, user_id, roles, created_at, \
             updated_at) VALUES (?1, ?2, ?3, ?4, ?4)",
            params![org, id, json!(roles).to_string(), now],
        )
        .expect("insert member");
    }
    id
}

/// `insert_user`, then signs the user in: (id, signed-in client).
pub fn seed_user(
    server: &TestServer,
    username: &str,
    site_roles: &[&str],
    orgs: &[(&str, &[&str])],
) -> (String, Client) {
    let id = insert_user(server, username, site_roles, orgs);
    let client = server.login(&format!("{username}@example.com"), PASSWORD);
    (id, client)
}

/// `f` in one writer transaction, committed when it returns Ok: `BEGIN IMMEDIATE` on SQLite
/// (the write lock up front, as the server's writer takes it), `BEGIN` on PostgreSQL.
pub fn in_write_tx<T>(db: &TestDb, f: impl FnOnce(&Tx) -> DbResult<T>) -> DbResult<T> {
    let begin = if db.on_postgres() {
        "BEGIN"
    } else {
        "BEGIN IMMEDIATE"
    };
    db.tx().transaction(begin, f)
}

/// `f` in one transaction on a handle (store functions that use savepoints need one on
/// PostgreSQL), committed when it returns Ok.
pub fn in_tx<T>(tx: &Tx, f: impl FnOnce(&Tx) -> DbResult<T>) -> DbResult<T> {
    tx.transaction("BEGIN", f)
}

/// A connection of its own to the database a server was configured with (`db_path`: the
/// SQLite file or the PostgreSQL URL), for threads that cannot borrow the `TestServer`.
pub fn open(db_path: &Path) -> TestDb {
    match coderlite::db::Target::of(db_path) {
        coderlite::db::Target::Sqlite(path) => {
            let c = rusqlite::Connection::open(path).expect("open db");
            c.busy_timeout(Duration::from_secs(10))
                .expect("busy timeout");
            TestDb::Sqlite(c)
        }
        coderlite::db::Target::Postgres(url) => TestDb::Postgres(Box::new(
            coderlite::store::sql::PgConn::connect(&url).expect("connect to test database"),
        )),
    }
}

/// A handle on a database for helpers that read from either a connection of the test's own
/// (a SQLite file it made) or a server's database.
pub trait AsTx {
    fn as_tx(&self) -> Tx<'_>;
}

impl AsTx for rusqlite::Connection {
    fn as_tx(&self) -> Tx<'_> {
        Tx::sqlite(self)
    }
}

impl AsTx for TestDb {
    fn as_tx(&self) -> Tx<'_> {
        self.tx()
    }
}
