//! Property checks of the `q` parsers and their SQL builders, shared by the property tests
//! (`tests/api/proptests.rs`) and the cargo-fuzz targets (`fuzz/`). Never linked into the server. Each check parses one input and panics when a property breaks:
//!
//! * a rejected input is a 400 in Coder's shape: the endpoint's exact message and non-empty
//!   validations, each with a field and a detail;
//! * an accepted input's SQL text depends only on which filters are set, never on their
//!   values: it is identical when every value is replaced by another of the same kind
//!   (`check_perturb.rs`), it never contains `MARKER`, and an input carrying `MARKER` in an
//!   accepted free-text value carries it into the bound parameters;
//! * the real store functions run the statements on a schema-loaded database without error
//!   (a SQL error would be a 500).

use crate::perturb;
use coderlite::error::{ApiError, Validation};
use coderlite::model::query::Pagination;
use coderlite::rbac::{AuditScope, UserScope};
use coderlite::search;
use coderlite::store::sql::{DbResult, Tx, Value};
use coderlite::store::{self, Params};
use rusqlite::Connection;

/// Embedded by generators in free-text values: it must reach only the bound parameters.
pub const MARKER: &str = "qzmarkzq";
/// The caller of every check (a user of the harness database).
pub const CALLER: &str = "0e0e0e0e-0000-4000-8000-000000000001";
const OTHER_ORG: &str = "0e0e0e0e-0000-4000-8000-0000000000f2";
const AFTER: &str = "0e0e0e0e-0000-4000-8000-0000000000a1";

/// Whether the input was accepted (with the text parameters of its statements) or rejected.
#[derive(Debug)]
pub enum Outcome {
    Accepted { params: Vec<String> },
    Rejected(Vec<Validation>),
}

/// An in-memory database with the schema, the default organization and one member (the caller).
pub struct Harness {
    conn: Connection,
    org: String,
}

fn texts(p: &Params) -> Vec<String> {
    p.0.iter()
        .filter_map(|v| match v {
            Value::Text(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// A rejection must be a 400 with `message` and well-formed validations.
fn rejected(e: ApiError, message: &str) -> Outcome {
    assert_eq!(e.status.as_u16(), 400, "status of {e:?}");
    assert_eq!(e.message, message);
    rejected_validations(e.validations)
}

fn rejected_validations(v: Vec<Validation>) -> Outcome {
    assert!(!v.is_empty(), "a rejection without validations");
    for x in &v {
        assert!(
            !x.field.is_empty() && !x.detail.is_empty(),
            "empty validation {x:?}"
        );
    }
    Outcome::Rejected(v)
}

/// The SQL texts of `a` (real values) and `b` (perturbed values) must be equal and free of
/// `MARKER`.
fn same_sql(what: &str, a: &str, b: &str) {
    assert!(
        !a.to_lowercase().contains(MARKER),
        "{what}: input value in SQL text: {a}"
    );
    assert_eq!(a, b, "{what}: SQL text depends on the values of the filter");
}

/// An accepted input carrying `MARKER` must carry it in the parameters (unless `dropped`).
fn accepted(q: &str, params: Vec<String>, dropped: bool) -> Outcome {
    if q.to_lowercase().contains(MARKER) && !dropped {
        assert!(
            params.iter().any(|p| p.to_lowercase().contains(MARKER)),
            "marker of {q:?} missing from parameters {params:?}"
        );
    }
    Outcome::Accepted { params }
}

fn run(conn: &Tx, what: &str, sql: &str, p: &Params) {
    let mut stmt = conn
        .prepare(sql)
        .unwrap_or_else(|e| panic!("{what}: prepare: {e}: {sql}"));
    let mut rows = stmt
        .query(p.as_params())
        .unwrap_or_else(|e| panic!("{what}: bind: {e}: {sql}"));
    while rows
        .next()
        .unwrap_or_else(|e| panic!("{what}: step: {e}: {sql}"))
        .is_some()
    {}
}

fn ok<T>(what: &str, r: DbResult<T>) -> T {
    r.unwrap_or_else(|e| panic!("{what}: SQL error (a 500): {e}"))
}

/// One fuzz input: when it is UTF-8, runs `check` on this thread's harness (built once).
/// Every cargo-fuzz target is `fuzz_target!(|d: &[u8]| fuzz_one(d, Harness::<parser>))`.
pub fn fuzz_one(data: &[u8], check: fn(&Harness, &str) -> Outcome) {
    thread_local! {
        static HARNESS: Harness = Harness::new();
    }
    if let Ok(input) = std::str::from_utf8(data) {
        HARNESS.with(|h| {
            check(h, input);
        });
    }
}

impl Default for Harness {
    fn default() -> Self {
        Self::new()
    }
}

impl Harness {
    fn tx(&self) -> Tx<'_> {
        Tx::sqlite(&self.conn)
    }

    pub fn new() -> Harness {
        let conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch(coderlite::db::migrate::SCHEMA)
            .expect("schema");
        store::orgs::ensure_default(&Tx::sqlite(&conn), 0).expect("default org");
        let org = store::orgs::default_org(&Tx::sqlite(&conn))
            .expect("read org")
            .expect("default org")
            .id;
        let user = store::user_updates::NewUser {
            id: CALLER,
            email: "alice@example.com",
            username: "alice",
            name: "Alice",
            hashed_password: "",
            status: "active",
            login_type: "password",
            rbac_roles: &[],
            now: 0,
        };
        store::user_updates::insert(&Tx::sqlite(&conn), &user).expect("user");
        store::orgs::add_member(&Tx::sqlite(&conn), &org, CALLER, 0).expect("member");
        Harness { conn, org }
    }

    fn audit_scopes(&self) -> [AuditScope; 3] {
        [
            AuditScope::All,
            AuditScope::Orgs(vec![self.org.clone()]),
            AuditScope::Orgs(vec![self.org.clone(), OTHER_ORG.into()]),
        ]
    }

    /// `GET /audit`'s `q`. Organization names of even length "exist" (as `org-<name>`).
    pub fn audit(&self, q: &str) -> Outcome {
        let lookup = |n: &str| n.len().is_multiple_of(2).then(|| format!("org-{n}"));
        let f = match search::audit::parse(q, CALLER, lookup) {
            Ok(f) => f,
            Err(e) => return rejected(e, "Invalid audit search query."),
        };
        let g = perturb::audit(&f);
        use store::audit_query::{count_sql, page_ids_sql, Cursor, PageSpec};
        let specs = [
            PageSpec {
                limit: 100,
                ..Default::default()
            },
            PageSpec {
                after: Some(Cursor { time: 5, seq: 7 }),
                limit: 7,
                offset: 6000,
                sort_ok: true,
            },
        ];
        let mut params = Vec::new();
        for scope in self.audit_scopes() {
            for spec in &specs {
                let a = page_ids_sql(&f, &scope, spec).expect("scope sees rows");
                let b = page_ids_sql(&g, &scope, spec).expect("scope sees rows");
                same_sql("audit page", &a.0, &b.0);
                let full = store::audit_logs::page_sql(&f, &scope, spec).expect("page");
                run(&self.tx(), "audit page", &full.0, &full.1);
                ok(
                    "audit page",
                    store::audit_logs::page(&self.tx(), &f, &scope, spec),
                );
                params.extend(texts(&a.1));
            }
            for cap in [0, 1000] {
                let a = count_sql(&f, &scope, cap).expect("count");
                let b = count_sql(&g, &scope, cap).expect("count");
                same_sql("audit count", &a.0, &b.0);
                run(&self.tx(), "audit count", &a.0, &a.1);
                ok(
                    "audit count",
                    store::audit_logs::count(&self.tx(), &f, &scope, cap),
                );
            }
            let a = store::audit_counts::count_sql(&f, &scope);
            let b = store::audit_counts::count_sql(&g, &scope);
            assert_eq!(a.is_some(), b.is_some(), "counter choice depends on values");
            if let (Some(a), Some(b)) = (a, b) {
                same_sql("audit counters", &a.0, &b.0);
                run(&self.tx(), "audit counters", &a.0, &a.1);
            }
        }
        accepted(q, params, false)
    }

    /// `GET /users`' `q` (and, with the same filter, the paginated members list).
    pub fn users(&self, q: &str) -> Outcome {
        let f = match search::users::parse(q) {
            Ok(f) => f,
            Err(e) => return rejected(e, "Invalid user search query."),
        };
        let pages = [
            Pagination::default(),
            Pagination {
                limit: 10,
                offset: 3,
                after_id: Some(AFTER.into()),
            },
        ];
        let mut params = Vec::new();
        for page in &pages {
            params.extend(self.users_sql(&f, &perturb::users(&f), page, &perturb::page(page)));
        }
        let dropped = !f.roles.is_empty() && f.role_filter().is_none();
        accepted(q, params, dropped)
    }

    /// Checks the users and paginated-members statements of `f` against those of `g` (the
    /// perturbed filter, `pg` the perturbed page) and runs them. Returns `f`'s text params.
    fn users_sql(
        &self,
        f: &coderlite::model::query::UsersFilter,
        g: &coderlite::model::query::UsersFilter,
        page: &Pagination,
        pg: &Pagination,
    ) -> Vec<String> {
        let scopes = [
            UserScope::All,
            UserScope::SelfAndOrgs(vec![]),
            UserScope::SelfAndOrgs(vec![self.org.clone()]),
        ];
        let mut params = Vec::new();
        for scope in &scopes {
            let a = store::user_list::list_sql(f, scope, CALLER, page);
            let b = store::user_list::list_sql(g, scope, CALLER, pg);
            same_sql("users page", &a.page_sql, &b.page_sql);
            same_sql("users count", &a.count_sql, &b.count_sql);
            run(&self.tx(), "users page", &a.page_sql, &a.page_params);
            run(&self.tx(), "users count", &a.count_sql, &a.count_params);
            ok(
                "users list",
                store::user_list::list(&self.tx(), f, scope, CALLER, page),
            );
            params.extend(texts(&a.page_params));
        }
        ok(
            "paginated members",
            store::members::paginated(&self.tx(), &self.org, f, page),
        );
        params
    }

    /// The deprecated `GET /organizations/{org}/members`' `q`.
    pub fn members(&self, q: &str) -> Outcome {
        let f = match search::members::parse(q) {
            Ok(f) => f,
            Err(e) => return rejected(e, "Invalid organization member search query."),
        };
        let g = perturb::members(&f);
        let mut params = Vec::new();
        for only in [None, Some(CALLER)] {
            let a = store::members::list_sql(&self.org, &f, only);
            let b = store::members::list_sql(&self.org, &g, only);
            same_sql("members", &a.0, &b.0);
            ok(
                "members",
                store::members::list(&self.tx(), &self.org, &f, only),
            );
            params.extend(texts(&a.1));
        }
        accepted(q, params, false)
    }

    /// `GET /aibridge/interceptions`' `q`; the initiator is taken as resolved to itself.
    pub fn interceptions(&self, q: &str) -> Outcome {
        let query = match search::interceptions::parse(q) {
            Ok(f) => f,
            Err(e) => return rejected(e, search::interceptions::MESSAGE),
        };
        let mut params = Vec::new();
        for visible_to in [None, Some(CALLER.to_string())] {
            let f = perturb::interception_filter(&query, visible_to);
            let g = perturb::interceptions(&f);
            let (mut pa, mut pb) = (Params::default(), Params::default());
            let a = store::interceptions::where_sql(&f, &mut pa);
            let b = store::interceptions::where_sql(&g, &mut pb);
            same_sql("interceptions", &a, &b);
            ok(
                "interceptions count",
                store::interceptions::count(&self.tx(), &f),
            );
            for after in [None, Some(AFTER)] {
                ok(
                    "interceptions list",
                    store::interceptions::list(&self.tx(), &f, after, 25, 0),
                );
            }
            params.extend(texts(&pa));
        }
        accepted(q, params, false)
    }

    /// `GET /ai-gateway/sessions`' `q`; a username is taken as resolved to itself.
    pub fn ai_sessions(&self, q: &str) -> Outcome {
        let query = match search::ai_gateway::sessions(q, CALLER, |name| Some(name.to_string())) {
            Ok(f) => f,
            Err(e) => return rejected(e, search::ai_gateway::SESSIONS_MESSAGE),
        };
        let other = perturb::ai_sessions(&query);
        let cursor = store::ai_sessions::Cursor {
            last_active_at: 1,
            session_id: AFTER.to_string(),
        };
        let (a, pa) = store::ai_sessions::count_sql(&query);
        same_sql(
            "ai sessions count",
            &a,
            &store::ai_sessions::count_sql(&other).0,
        );
        ok(
            "ai sessions count",
            store::ai_sessions::count(&self.tx(), &query),
        );
        let mut params = texts(&pa);
        for after in [None, Some(&cursor)] {
            let (a, pa) = store::ai_sessions::list_sql(&query, after, 25, 0);
            let b = store::ai_sessions::list_sql(&other, after, 25, 0).0;
            same_sql("ai sessions list", &a, &b);
            ok(
                "ai sessions list",
                store::ai_sessions::list(&self.tx(), &query, after, 25, 0),
            );
            params.extend(texts(&pa));
        }
        accepted(q, params, false)
    }

    /// `GET /workspaces`' `q`; an owner name is taken as resolved to itself.
    pub fn workspaces(&self, q: &str) -> Outcome {
        let query = match search::workspaces::parse(q) {
            Ok(f) => f,
            Err(e) => return rejected(e, "Invalid workspace search query."),
        };
        let f = perturb::workspace_filter(&query, CALLER);
        let g = perturb::workspaces(&f);
        let scopes = [
            store::workspaces::ReadScope::All,
            store::workspaces::ReadScope::OwnAndOrgs {
                user_id: CALLER.into(),
                orgs: vec![self.org.clone()],
            },
        ];
        let mut params = Vec::new();
        for scope in &scopes {
            let (mut pa, mut pb) = (Params::default(), Params::default());
            let a = store::workspaces::where_sql(scope, &f, &mut pa);
            let b = store::workspaces::where_sql(scope, &g, &mut pb);
            same_sql("workspaces", &a, &b);
            ok(
                "workspaces",
                store::workspaces::list(&self.tx(), scope, &f, 0, 0),
            );
            ok(
                "workspaces",
                store::workspaces::list(&self.tx(), scope, &f, 5, 2),
            );
            params.extend(texts(&pa));
        }
        accepted(q, params, false)
    }

    /// A raw URL query string through `query_pairs` and `pagination::parse`; an accepted page
    /// runs through every paged list.
    pub fn pagination(&self, query_string: &str) -> Outcome {
        let pairs = match search::pagination::query_pairs(query_string) {
            Ok(p) => p,
            Err(e) => return rejected(e, "Query parameters have invalid values."),
        };
        let page = match search::pagination::parse(&pairs) {
            Ok(p) => p,
            Err(e) => return rejected(e, "Query parameters have invalid values."),
        };
        assert!((0..=i32::MAX as i64).contains(&page.limit), "{page:?}");
        assert!((0..=i32::MAX as i64).contains(&page.offset), "{page:?}");
        if let Some(a) = &page.after_id {
            assert_eq!(coderlite::model::parse_uuid(a).as_deref(), Some(a.as_str()));
        }
        let f = coderlite::model::query::UsersFilter::default();
        let params = self.users_sql(&f, &f, &page, &perturb::page(&page));
        let filter = store::interceptions::Filter::default();
        let limit = page.limit.clamp(1, 1000);
        ok(
            "interceptions page",
            store::interceptions::list(
                &self.tx(),
                &filter,
                page.after_id.as_deref(),
                limit,
                page.offset,
            ),
        );
        let scope = store::workspaces::ReadScope::All;
        let wf = store::workspaces::ListFilter::default();
        ok(
            "workspaces page",
            store::workspaces::list(&self.tx(), &scope, &wf, page.limit, page.offset),
        );
        let spec = store::audit_query::PageSpec {
            limit: page.limit.clamp(1, 1000),
            offset: page.offset,
            ..Default::default()
        };
        let af = coderlite::model::query::AuditFilter::default();
        ok(
            "audit page",
            store::audit_logs::page(&self.tx(), &af, &AuditScope::All, &spec),
        );
        Outcome::Accepted { params }
    }
}
