//! The access-control world: organizations A (default) and B, one caller per role and
//! credential state, fixture objects to read, and throwaway objects for mutations.

use crate::common::*;
use crate::dbfix::{default_org_id, insert_user, seed_user};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Every caller of the matrix, in table column order. The first eight hold a valid session;
/// the last six present no usable credentials.
pub const CALLERS: [&str; 14] = [
    "owner",
    "auditor",
    "user-admin",
    "template-admin",
    "member",
    "org-admin-a",
    "org-auditor-a",
    "org-user-admin-b",
    "suspended",
    "deleted",
    "expired",
    "no-token",
    "malformed",
    "wrong-secret",
];

/// Number of callers with a valid session (the first columns of `CALLERS`).
pub const ACTIVE: usize = 8;

/// (username, site roles, memberships with their organization roles).
type UserSpec<'a> = (&'static str, &'a [&'a str], Vec<(&'a str, &'a [&'a str])>);

pub struct World {
    pub server: TestServer,
    pub owner: Client,
    /// Organization ids: A is the default organization, B a second one.
    pub a: String,
    pub b: String,
    pub b_name: String,
    /// username → user id, for every seeded user.
    pub ids: HashMap<String, String>,
    /// caller label → session token ("" for `no-token`).
    pub tokens: HashMap<&'static str, String>,
    next: usize,
}

/// The key id of a `<id>-<secret>` token.
pub fn key_id(token: &str) -> &str {
    token.split('-').next().unwrap_or("")
}

impl World {
    pub fn start() -> World {
        let server = TestServer::start_with(|c| {
            c.login_rate_limit = 0;
            c.backup_dir = c.db.parent().map(|p| p.join("backups"));
        });
        let owner = server.owner();
        let me = owner.get("/api/v2/users/me").expect(200).body;
        let a = default_org_id(&server);
        let b_name = "org-b".to_string();
        let b = owner
            .post("/api/v2/organizations", json!({"name": b_name}))
            .expect(201)
            .body["id"]
            .as_str()
            .expect("id")
            .to_string();
        let mut w = World {
            server,
            owner,
            a,
            b,
            b_name,
            ids: HashMap::new(),
            tokens: HashMap::new(),
            next: 0,
        };
        w.ids
            .insert("owner".into(), me["id"].as_str().expect("id").into());
        let owner_token = w.owner.token.clone().expect("owner token");
        w.tokens.insert("owner", owner_token);
        let (a, b) = (w.a.clone(), w.b.clone());
        let specs: [UserSpec; 13] = [
            ("auditor", &["auditor"], vec![(&a, &[])]),
            ("user-admin", &["user-admin"], vec![(&a, &[])]),
            ("template-admin", &["template-admin"], vec![(&a, &[])]),
            ("member", &[], vec![(&a, &[])]),
            ("org-admin-a", &[], vec![(&a, &["organization-admin"])]),
            ("org-auditor-a", &[], vec![(&a, &["organization-auditor"])]),
            (
                "org-user-admin-b",
                &[],
                vec![(&b, &["organization-user-admin"])],
            ),
            ("suspended", &[], vec![(&a, &[])]),
            ("deleted", &[], vec![(&a, &[])]),
            ("expired", &[], vec![(&a, &[])]),
            // Read targets that are not callers.
            ("b-member", &[], vec![(&b, &[])]),
            ("a-other", &[], vec![(&a, &[])]),
            ("seated", &[], vec![(&a, &[])]),
        ];
        for (name, site, orgs) in specs {
            let (id, client) = seed_user(&w.server, name, site, &orgs);
            w.ids.insert(name.into(), id);
            if let Some(label) = CALLERS.iter().find(|c| **c == name) {
                w.tokens.insert(label, client.token.clone().expect("token"));
            }
        }
        // Credential states.
        let suspended = w.id("suspended");
        w.owner
            .put(
                &format!("/api/v2/users/{suspended}/status/suspend"),
                json!({}),
            )
            .expect(200);
        let deleted = w.id("deleted");
        w.owner
            .delete(&format!("/api/v2/users/{deleted}"))
            .expect(200);
        let expired = w.tokens["expired"].clone();
        w.server
            .db()
            .execute(
                "UPDATE api_keys SET expires_at = ?1 WHERE id = ?2",
                coderlite::params![
                    coderlite::timefmt::now_micros() - 3_600_000_000,
                    key_id(&expired)
                ],
            )
            .expect("expire token");
        w.tokens.insert("no-token", String::new());
        w.tokens.insert("malformed", "not-a-valid-token".into());
        let member_token = w.tokens["member"].clone();
        w.tokens.insert(
            "wrong-secret",
            format!("{}-{}", key_id(&member_token), "x".repeat(22)),
        );
        w
    }

    pub fn id(&self, username: &str) -> String {
        self.ids
            .get(username)
            .unwrap_or_else(|| panic!("unknown user {username}"))
            .clone()
    }

    pub fn client(&self, caller: &str) -> Client {
        match self.tokens.get(caller).map(String::as_str) {
            None | Some("") => self.owner.anonymous(),
            Some(t) => self.owner.with_token(t),
        }
    }

    /// A unique lower-case name for throwaway objects.
    pub fn unique(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}-{}", self.next)
    }

    /// Inserts an active password user (no session) with plain memberships; returns its id.
    pub fn insert_user(&mut self, prefix: &str, orgs: &[&str]) -> String {
        let name = self.unique(prefix);
        let memberships: Vec<(&str, &[&str])> = orgs.iter().map(|o| (*o, &[][..])).collect();
        let id = insert_user(&self.server, &name, &[], &memberships);
        self.ids.insert(name, id.clone());
        id
    }

    /// A fresh session key of `user`, minted by the owner.
    pub fn session_for(&self, user_id: &str) -> String {
        self.owner
            .post(&format!("/api/v2/users/{user_id}/keys"), json!({}))
            .expect(201)
            .body["key"]
            .as_str()
            .expect("key")
            .to_string()
    }

    /// A named long-lived token of `user`, minted by the owner; returns the full token.
    pub fn token_for(&self, user_id: &str, name: &str) -> String {
        crate::common::new_token(&self.owner, user_id, name)
    }

    /// A workspace of `user` in `org`, created by the owner.
    pub fn workspace(&mut self, org: &str, user_id: &str) -> Value {
        let name = self.unique("ws");
        self.owner
            .post(
                &format!("/api/v2/organizations/{org}/members/{user_id}/workspaces"),
                json!({"name": name}),
            )
            .expect(201)
            .body
    }

    /// A fresh organization created by the owner; returns its id.
    pub fn organization(&mut self) -> String {
        let name = self.unique("tmp-org");
        self.owner
            .post("/api/v2/organizations", json!({"name": name}))
            .expect(201)
            .body["id"]
            .as_str()
            .expect("id")
            .to_string()
    }
}
