//! Access control (issue 7 part 5): every route × every caller from ONE table
//! (`access/matrix.rs`), data isolation between organizations (`access/isolation.rs`), and
//! the token guarantees of part 6 that concern access: no secret or password hash in any
//! response, Coder's 401 for each unusable credential, the session cookie's flags.
//!
//! Run: `cargo test --test api access`.

mod isolation;
mod matrix;
mod world;

use crate::common::*;
use std::collections::HashMap;
use world::{key_id, World, ACTIVE, CALLERS};

/// Lazily created per-request objects and fixture values for the placeholders.
struct Fixtures {
    ws: String,
    keyid: String,
    keyname: String,
}

fn fixtures(w: &mut World) -> Fixtures {
    let member = w.id("member");
    let ws = w.workspace(&w.a.clone(), &member)["id"]
        .as_str()
        .expect("ws id")
        .to_string();
    let keyname = "fixture-token".to_string();
    let token = w.token_for(&member, &keyname);
    Fixtures {
        ws,
        keyid: key_id(&token).to_string(),
        keyname,
    }
}

/// Fills the placeholders of a row's path and body for one caller. Throwaway objects are
/// created only when the text names them, once per request.
fn fill(w: &mut World, fx: &Fixtures, caller: &str, texts: &[&str]) -> Vec<String> {
    let joined = texts.concat();
    let mut vars: HashMap<&str, String> = HashMap::new();
    vars.insert("{A}", w.a.clone());
    vars.insert("{B}", w.b.clone());
    vars.insert("{ws}", fx.ws.clone());
    vars.insert("{keyid}", fx.keyid.clone());
    vars.insert("{keyname}", fx.keyname.clone());
    for u in ["member", "a-other", "b-member"] {
        let key: &'static str = match u {
            "member" => "{member}",
            "a-other" => "{a-other}",
            _ => "{b-member}",
        };
        vars.insert(key, w.id(u));
    }
    let me = if caller == "owner" {
        OWNER_USERNAME
    } else {
        caller
    };
    vars.insert("{me-name}", me.to_string());
    if joined.contains("{uniq}") {
        vars.insert("{uniq}", w.unique("uniq"));
    }
    if joined.contains("{victim") {
        let a = w.a.clone();
        let id = w.insert_user("victim", &[&a]);
        let name = w
            .ids
            .iter()
            .find(|(_, v)| **v == id)
            .map(|(k, _)| k.clone())
            .expect("victim name");
        vars.insert("{victim}", id);
        vars.insert("{victim-name}", name);
    }
    if joined.contains("{bvictim}") {
        let b = w.b.clone();
        vars.insert("{bvictim}", w.insert_user("bvictim", &[&b]));
    }
    if joined.contains("{loner}") {
        vars.insert("{loner}", w.insert_user("loner", &[]));
    }
    if joined.contains("{freshkey}") {
        let member = w.id("member");
        let name = w.unique("fresh-key");
        let token = w.token_for(&member, &name);
        vars.insert("{freshkey}", key_id(&token).to_string());
    }
    if joined.contains("{freshorg}") {
        vars.insert("{freshorg}", w.organization());
    }
    texts
        .iter()
        .map(|t| {
            let mut s = t.to_string();
            for (k, v) in &vars {
                s = s.replace(k, v);
            }
            s
        })
        .collect()
}

/// One response of the matrix, kept for the secret scan.
struct Seen {
    what: String,
    text: String,
    headers: String,
}

fn trimmed(s: &str) -> String {
    let one_line: String = s.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
    one_line.chars().take(140).collect()
}

#[test]
fn access_matrix() {
    let mut w = World::start();
    let fx = fixtures(&mut w);
    let mut mismatches = Vec::new();
    let mut seen = Vec::new();
    for row in matrix::TABLE {
        for (column, caller) in CALLERS.iter().enumerate() {
            let filled = fill(&mut w, &fx, caller, &[row.path, row.body.unwrap_or("")]);
            let (path, body) = (&filled[0], &filled[1]);
            // Logging out ends the session: use a fresh one so later rows keep theirs.
            let client = if row.path.ends_with("/logout") && column < ACTIVE {
                let who = w.id(if *caller == "owner" { "owner" } else { caller });
                w.owner.with_token(&w.session_for(&who))
            } else {
                w.client(caller)
            };
            let payload = row.body.map(|_| body.clone().into_bytes());
            let r = client.raw(row.method, path, payload, &[]);
            let mut want = row.expected(column);
            if w.server.on_postgres() && row.path == "/api/v2/backup" && want == 201 {
                // Online backups are SQLite's: on PostgreSQL the caller allowed to make one is
                // told to use PostgreSQL's own tools (the others are refused before that).
                want = 400;
                if !r.message().contains("pg_dump") {
                    mismatches.push(format!(
                        "  POST /api/v2/backup as {caller}: on PostgreSQL, expected the \
                         pg_dump answer, got {}",
                        trimmed(&r.text)
                    ));
                }
            }
            if r.status != want {
                mismatches.push(format!(
                    "  {:6} {:55} as {:17} expected {want}, got {} — {}",
                    row.method,
                    row.path,
                    caller,
                    r.status,
                    trimmed(&r.text)
                ));
            }
            if r.status >= 500 {
                mismatches.push(format!(
                    "  {} {path} as {caller}: 5xx {}",
                    row.method, r.text
                ));
            }
            seen.push(Seen {
                what: format!("{} {} as {caller}", row.method, row.path),
                text: r.text,
                headers: format!("{:?}", r.headers),
            });
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} access-matrix cells differ from Coder's behaviour:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    no_secrets_in(&w, &fx, &seen);
    unusable_credentials_answer_coders_401(&w);
}

/// Part 6: no token secret and no password hash in any response collected by the matrix
/// (bodies, CSV/NDJSON exports, headers). Tokens minted before the matrix ran are never
/// shown again; every password hash of the database is searched for as well.
fn no_secrets_in(w: &World, fx: &Fixtures, seen: &[Seen]) {
    let _ = fx;
    let mut needles: Vec<(String, String)> = Vec::new();
    for (label, token) in &w.tokens {
        if let Some((_, secret)) = token.split_once('-') {
            if secret.len() == 22 && !secret.chars().all(|c| c == 'x') {
                needles.push((format!("token secret of {label}"), secret.to_string()));
            }
        }
    }
    let db = w.server.db();
    let mut stmt = db
        .prepare("SELECT username, hashed_password FROM users WHERE hashed_password <> ''")
        .expect("prepare");
    let hashes: Vec<(String, String)> = stmt
        .query_map(coderlite::params![], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .map(|r| r.expect("row"))
        .collect();
    assert!(!hashes.is_empty(), "the world has password users");
    for (user, hash) in hashes {
        needles.push((format!("password hash of {user}"), hash));
    }
    needles.push(("an argon2id hash".into(), "$argon2id$".into()));
    let mut leaks = Vec::new();
    for s in seen {
        for (what, needle) in &needles {
            if s.text.contains(needle.as_str()) || s.headers.contains(needle.as_str()) {
                leaks.push(format!("  {} leaks {what}", s.what));
            }
        }
    }
    assert!(
        seen.iter()
            .any(|s| s.what.starts_with("GET /api/v2/audit/export")),
        "exports were scanned"
    );
    assert!(
        leaks.is_empty(),
        "secrets in API output:\n{}",
        leaks.join("\n")
    );
}

/// Coder's `httpmw.ExtractAPIKey` answers: 401 with the signed-out message and a detail
/// per case, except a suspended user whose message is the status text itself.
fn unusable_credentials_answer_coders_401(w: &World) {
    const SIGNED_OUT: &str =
        "You are signed out or your session has expired. Please sign in again to continue.";
    let cases: [(&str, &str, Option<&str>); 6] = [
        (
            "suspended",
            "User is not active (status = \"suspended\"). Contact an admin to reactivate your account.",
            None,
        ),
        ("deleted", SIGNED_OUT, Some("API key is invalid.")),
        ("expired", SIGNED_OUT, Some("API key expired at \"")),
        (
            "no-token",
            SIGNED_OUT,
            Some("Cookie \"coder_session_token\" or query parameter must be provided."),
        ),
        ("malformed", SIGNED_OUT, Some("Invalid API key format: ")),
        ("wrong-secret", SIGNED_OUT, Some("API key secret is invalid.")),
    ];
    for (caller, message, detail) in cases {
        let r = w.client(caller).get("/api/v2/users/me");
        assert_eq!(r.status, 401, "{caller}: {}", r.text);
        assert_eq!(r.message(), message, "{caller}");
        match detail {
            Some(d) => assert!(
                r.body["detail"].as_str().unwrap_or("").starts_with(d),
                "{caller}: detail {:?}",
                r.body["detail"]
            ),
            None => assert!(r.body.get("detail").is_none(), "{caller}: {}", r.text),
        }
    }
    // The same through the other carriers (query parameter and cookie).
    let suspended = &w.tokens["suspended"];
    let anon = w.owner.anonymous();
    let r = anon.get(&format!("/api/v2/users/me?coder_session_token={suspended}"));
    assert_eq!(r.status, 401, "{}", r.text);
    let cookie = format!("coder_session_token={suspended}");
    let r = anon.raw("GET", "/api/v2/users/me", None, &[("Cookie", &cookie)]);
    assert_eq!(r.status, 401, "{}", r.text);
}
