//! A client thread of the crash test: a seeded mix of user creations, profile updates,
//! interception batches and member additions, recording every attempt and its outcome until
//! the server dies under it.

use super::crash_checks::{Op, Sent};
use super::{agent, new_id, send};
use crate::common::PASSWORD;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// What the clients need to reach the server; `base` changes with every start (new port).
#[derive(Clone)]
pub struct Shared {
    pub base: String,
    pub token: String,
    pub default_org: String,
    pub org: String,
}

/// A client thread's state across restarts: its two profile users and the users it created
/// (committed) that it has not yet added to the crash organization.
#[derive(Clone, Default)]
pub struct ClientState {
    pub profile_users: Vec<(String, String)>,
    pub joinable: VecDeque<String>,
}

/// One client thread: writes until the server dies (or `stop`), recording every attempt.
pub fn client(
    sh: Shared,
    mut st: ClientState,
    seed: u64,
    tag: String,
    stop: Arc<AtomicBool>,
) -> (ClientState, Vec<Sent>) {
    let a = agent(Duration::from_secs(10));
    let mut rng = StdRng::seed_from_u64(seed);
    let mut sent = Vec::new();
    for seq in 0.. {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let pick = rng.gen_range(0..100);
        let (op, method, path, body) = match pick {
            0..=24 => {
                let username = format!("{tag}n{seq}");
                // Mostly passwordless (no argon2 cost), some with a password as in real use.
                let body = if seq % 4 == 0 {
                    json!({"email": format!("{username}@example.com"), "username": username,
                           "password": PASSWORD, "organization_ids": [sh.default_org]})
                } else {
                    json!({"email": format!("{username}@example.com"), "username": username,
                           "login_type": "none", "organization_ids": [sh.default_org]})
                };
                (
                    Op::CreateUser { username },
                    "POST",
                    "/api/v2/users".to_string(),
                    body,
                )
            }
            25..=49 => {
                let (id, username) = st.profile_users[seq % 2].clone();
                let name = format!("{tag} {seq}");
                let body = json!({"username": username, "name": name});
                (
                    Op::Profile {
                        user_id: id.clone(),
                        name,
                    },
                    "PUT",
                    format!("/api/v2/users/{id}/profile"),
                    body,
                )
            }
            50..=69 if !st.joinable.is_empty() => {
                let id = st.joinable.pop_front().expect("joinable");
                let path = format!("/api/v2/organizations/{}/members/{id}", sh.org);
                (Op::AddMember { user_id: id }, "POST", path, Value::Null)
            }
            _ => {
                let ids: Vec<String> = (0..rng.gen_range(1..=30)).map(|_| new_id()).collect();
                let who = st.profile_users[0].1.clone();
                let batch: Vec<Value> = ids
                    .iter()
                    .map(|id| {
                        json!({"id": id, "initiator": who,
                    "provider": "openai", "model": "gpt", "started_at": "2025-06-01T12:00:00Z"})
                    })
                    .collect();
                (
                    Op::Interceptions { ids },
                    "POST",
                    "/api/v2/aibridge/interceptions".to_string(),
                    json!(batch),
                )
            }
        };
        let rid = new_id();
        let body = (!body.is_null()).then_some(body);
        let out = send(&a, &sh.base, &sh.token, method, &path, body.as_ref(), &rid);
        let dead = out.status.is_none();
        sent.push(Sent { rid, op, out });
        if dead {
            break;
        }
    }
    (st, sent)
}
