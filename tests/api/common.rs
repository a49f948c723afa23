//! Test harness: a real coderlite server on 127.0.0.1:0 with a fresh temp-file database, and
//! a tiny blocking HTTP client. Every test module starts its own server.

#![allow(dead_code)]

use coderlite::config::ServerConfig;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

pub struct TestServer {
    pub url: String,
    pub db_path: PathBuf,
    // Declared before `_pg` and `_dir`: the server stops before its database is removed.
    server: Running,
    _pg: Option<PgDatabase>,
    _dir: tempfile::TempDir,
}

/// A connection to a test server's database: SQLite's file or the PostgreSQL test database.
/// Statements outside `in_tx` commit one by one (as on a SQLite connection).
pub enum TestDb {
    Sqlite(rusqlite::Connection),
    Postgres(Box<coderlite::store::sql::PgConn>),
}

impl TestDb {
    pub fn tx(&self) -> coderlite::store::sql::Tx<'_> {
        match self {
            TestDb::Sqlite(c) => coderlite::store::sql::Tx::sqlite(c),
            TestDb::Postgres(c) => coderlite::store::sql::Tx::postgres(c),
        }
    }

    pub fn on_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres(_))
    }

    pub fn query_row<T>(
        &self,
        sql: &str,
        params: &[coderlite::store::sql::Value],
        f: impl FnOnce(&coderlite::store::sql::Row) -> coderlite::store::sql::DbResult<T>,
    ) -> coderlite::store::sql::DbResult<T> {
        self.tx().query_row(sql, params, f)
    }

    pub fn execute(
        &self,
        sql: &str,
        params: &[coderlite::store::sql::Value],
    ) -> coderlite::store::sql::DbResult<usize> {
        self.tx().execute(sql, params)
    }

    pub fn execute_batch(&self, sql: &str) -> coderlite::store::sql::DbResult<()> {
        self.tx().execute_batch(sql)
    }

    pub fn prepare(
        &self,
        sql: &str,
    ) -> coderlite::store::sql::DbResult<coderlite::store::sql::Stmt<'_>> {
        self.tx().prepare(sql)
    }
}

/// Returns from a test that exercises what only SQLite has (file locks, online backup,
/// pragmas, the SQLite file itself) when the suite runs on PostgreSQL; the SQLite pass runs it.
#[macro_export]
macro_rules! sqlite_only {
    ($server:expr) => {
        if $server.on_postgres() {
            eprintln!("SQLite only: not run on PostgreSQL");
            return;
        }
    };
}

/// The PostgreSQL server the suite runs on: `CODERLITE_TEST_PG` (a URL) when
/// `CODERLITE_TEST_ENGINE=postgres` (`./scripts/test` runs the suite once so).
pub fn pg_url() -> Option<String> {
    if std::env::var("CODERLITE_TEST_ENGINE").ok().as_deref() != Some("postgres") {
        return None;
    }
    Some(std::env::var("CODERLITE_TEST_PG").expect(
        "CODERLITE_TEST_ENGINE=postgres needs CODERLITE_TEST_PG (./scripts/test sets both)",
    ))
}

/// The test PostgreSQL server's URL in either pass (tests that need PostgreSQL itself).
pub fn pg_url_any() -> String {
    std::env::var("CODERLITE_TEST_PG").expect(
        "CODERLITE_TEST_PG is not set: ./scripts/test starts a throwaway PostgreSQL and sets it",
    )
}

/// A database of its own on the test PostgreSQL server for one test server; dropped after.
pub struct PgDatabase {
    pub url: String,
    admin: String,
    name: String,
}

impl PgDatabase {
    pub fn create(admin: &str) -> PgDatabase {
        let name = format!("t_{}", uuid::Uuid::new_v4().simple());
        let conn =
            coderlite::store::sql::PgConn::connect(admin).expect("connect to CODERLITE_TEST_PG");
        conn.batch(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        PgDatabase {
            url: format!("{base}/{name}"),
            admin: admin.to_string(),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        if let Ok(conn) = coderlite::store::sql::PgConn::connect(&self.admin) {
            let _ = conn.batch(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// A running server on 127.0.0.1:0 for a given configuration; stopped (and its background
/// jobs joined) when dropped. Tests that restart a server on one database file use it directly.
pub struct Running {
    pub url: String,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Running {
    pub fn start(config: ServerConfig) -> Running {
        let _ = env_logger::builder().is_test(true).try_init();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let state = coderlite::build_state(config).expect("state");
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = coderlite::serve(state, listener).expect("serve");
                tx.send(server.handle()).expect("send handle");
                let _ = server.await;
            })
        });
        let handle = rx.recv().expect("server handle");
        Running {
            url,
            handle,
            thread: Some(thread),
        }
    }

    pub fn client(&self) -> Client {
        Client::new(&self.url, None)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        let stop =
            std::thread::spawn(move || actix_web::rt::System::new().block_on(handle.stop(false)));
        let _ = stop.join();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A response: status, headers and body (JSON when it parses).
pub struct Resp {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    /// Panics with the body when the status differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status, status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or("")
    }
}

/// A client bound to a server, optionally with a session token.
#[derive(Clone)]
pub struct Client {
    pub base: String,
    pub token: Option<String>,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(base: &str, token: Option<String>) -> Self {
        Client {
            base: base.to_string(),
            token,
            agent: ureq::AgentBuilder::new()
                .timeout(Duration::from_secs(60))
                .build(),
        }
    }

    pub fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Resp {
        self.raw(method, path, body.map(|b| b.to_string().into_bytes()), &[])
    }

    /// Sends raw bytes with extra headers; the session token header is added when set.
    pub fn raw(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut req = self
            .agent
            .request(method, &format!("{}{}", self.base, path));
        if let Some(t) = &self.token {
            req = req.set("Coder-Session-Token", t);
        }
        for (k, v) in headers {
            req = req.set(k, v);
        }
        let result = match body {
            Some(b) => req.set("Content-Type", "application/json").send_bytes(&b),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: transport error {e}"),
        };
        let status = resp.status();
        let headers: Vec<(String, String)> = resp
            .headers_names()
            .into_iter()
            .filter_map(|n| resp.header(&n).map(|v| (n.clone(), v.to_string())))
            .collect();
        let text = resp.into_string().unwrap_or_default();
        if let Err(e) = crate::contract::check_response(method, path, status, &headers, &text) {
            match std::env::var("CODERLITE_CONTRACT_LOG") {
                // While fixing many at once: collect the violations instead of stopping.
                Ok(log) => {
                    use std::io::Write;
                    let mut f = std::fs::OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(log)
                        .expect("log");
                    let _ = writeln!(f, "{e}");
                }
                Err(_) => panic!("{e}"),
            }
        }
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Resp {
            status,
            body,
            text,
            headers,
        }
    }

    pub fn get(&self, path: &str) -> Resp {
        self.request("GET", path, None)
    }
    pub fn post(&self, path: &str, body: Value) -> Resp {
        self.request("POST", path, Some(&body))
    }
    pub fn put(&self, path: &str, body: Value) -> Resp {
        self.request("PUT", path, Some(&body))
    }
    pub fn patch(&self, path: &str, body: Value) -> Resp {
        self.request("PATCH", path, Some(&body))
    }
    pub fn delete(&self, path: &str) -> Resp {
        self.request("DELETE", path, None)
    }

    pub fn with_token(&self, token: &str) -> Client {
        Client::new(&self.base, Some(token.to_string()))
    }

    pub fn anonymous(&self) -> Client {
        Client::new(&self.base, None)
    }
}

pub const OWNER_EMAIL: &str = "admin@example.com";
pub const OWNER_USERNAME: &str = "admin";
pub const PASSWORD: &str = "SomeSecurePassword!1";

impl TestServer {
    pub fn start() -> TestServer {
        Self::start_with(|_| {})
    }

    /// Starts a server after letting the test adjust the configuration.
    pub fn start_with(adjust: impl FnOnce(&mut ServerConfig)) -> TestServer {
        let dir = tempfile::tempdir().expect("tempdir");
        let (db_path, pg) = match pg_url() {
            None => (dir.path().join("coderlite.db"), None),
            Some(url) => {
                let db = PgDatabase::create(&url);
                (PathBuf::from(db.url.clone()), Some(db))
            }
        };
        let mut config = ServerConfig::for_db(&db_path);
        adjust(&mut config);
        let server = Running::start(config);
        TestServer {
            url: server.url.clone(),
            db_path,
            server,
            _pg: pg,
            _dir: dir,
        }
    }

    /// Whether this run's servers are on PostgreSQL (`CODERLITE_TEST_ENGINE=postgres`).
    pub fn on_postgres(&self) -> bool {
        self._pg.is_some()
    }

    pub fn client(&self) -> Client {
        Client::new(&self.url, None)
    }

    /// Creates the first owner through the API and returns a signed-in client.
    pub fn owner(&self) -> Client {
        let c = self.client();
        c.post(
            "/api/v2/users/first",
            json!({"email": OWNER_EMAIL, "username": OWNER_USERNAME, "password": PASSWORD, "name": "Admin"}),
        )
        .expect(201);
        self.login(OWNER_EMAIL, PASSWORD)
    }

    pub fn login(&self, email: &str, password: &str) -> Client {
        let r = self
            .client()
            .post(
                "/api/v2/users/login",
                json!({"email": email, "password": password}),
            )
            .expect(201);
        let token = r.body["session_token"].as_str().expect("token").to_string();
        Client::new(&self.url, Some(token))
    }

    /// A connection to the server's database (either engine), for assertions and fixtures.
    pub fn db(&self) -> TestDb {
        match &self._pg {
            None => TestDb::Sqlite(self.sqlite()),
            Some(pg) => TestDb::Postgres(Box::new(
                coderlite::store::sql::PgConn::connect(&pg.url).expect("connect to test database"),
            )),
        }
    }

    /// A read-write SQLite connection to the server's file, for what only SQLite has (its
    /// locks, files, pragmas); such tests run in the SQLite pass only.
    pub fn sqlite(&self) -> rusqlite::Connection {
        assert!(
            !self.on_postgres(),
            "this test reads the SQLite file directly: not on PostgreSQL"
        );
        let c = rusqlite::Connection::open(&self.db_path).expect("open db");
        c.busy_timeout(Duration::from_secs(10))
            .expect("busy timeout");
        c
    }
}

/// Creates a user via the API (owner client), adds it to the default organization, and
/// returns (user id, signed-in client). `roles` are site roles granted afterwards.
pub fn create_user(
    server: &TestServer,
    owner: &Client,
    username: &str,
    roles: &[&str],
) -> (String, Client) {
    let email = format!("{username}@example.com");
    let r = owner.post(
        "/api/v2/users",
        json!({"email": email, "username": username, "password": PASSWORD,
                   "organization_ids": [], "organization_id": null, "login_type": "password"}),
    );
    let r = if r.status == 400 {
        // Coder requires an organization: use the default one.
        let org = owner.get("/api/v2/organizations/default").expect(200);
        owner
            .post(
                "/api/v2/users",
                json!({"email": email, "username": username, "password": PASSWORD,
                       "organization_ids": [org.body["id"]], "login_type": "password"}),
            )
            .expect(201)
    } else {
        r.expect(201)
    };
    let id = r.body["id"].as_str().expect("id").to_string();
    if !roles.is_empty() {
        owner
            .put(
                &format!("/api/v2/users/{id}/roles"),
                json!({"roles": roles}),
            )
            .expect(200);
    }
    let client = server.login(&email, PASSWORD);
    (id, client)
}

/// An argon2id hash of `PASSWORD`, computed once per test binary (hashing is slow).
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| coderlite::auth::password::hash(PASSWORD).expect("hash"))
}

/// The value of header `name` (case-insensitive) in a response's header list.
pub fn find_header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Percent-encodes everything but RFC 3986's unreserved characters (for `q=` values).
pub fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

// The fixtures that write rows work on either engine (tests/api/dbfix.rs).
pub use crate::dbfix::seed_user;

/// The `key` of every item of the list `list` in a page (`""` where it is not a string;
/// empty when there is no such list).
pub fn values_of(page: &Value, list: &str, key: &str) -> Vec<String> {
    page[list]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|x| x[key].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// A new API token of `user` (`me`, a name or an id) created by `client`; its secret.
pub fn new_token(client: &Client, user: &str, name: &str) -> String {
    client
        .post(
            &format!("/api/v2/users/{user}/keys/tokens"),
            json!({"token_name": name}),
        )
        .expect(201)
        .body["key"]
        .as_str()
        .expect("key")
        .to_string()
}
