//! Activity over the users and workspaces `gen` made: a year of audit history (growing over time, weekday/office-hour pattern, Zipf-skewed actors), each
//! audit row hash-chained as it is written.

use super::people::User;
use super::pick::{uuid, zipf_weights, Weighted};
use super::shape::{Build, Calendar, Workspace, DAY, END, NIL, REASONS};
use super::Sizes;
use crate::model::BuildReason;
use crate::store::bulk::{Target, V::*};
use rand::rngs::StdRng;
use rand::Rng;

const AGENTS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Coder v2.23.1 (linux/amd64)",
    "Go-http-client/1.1",
];
const SYSTEM_REASONS: &[BuildReason] = &[
    BuildReason::Autostart,
    BuildReason::Autostop,
    BuildReason::Dormancy,
    BuildReason::Autodelete,
];
/// (resource_type, action, weight, actor): b = build, w = workspace owner, l = login,
/// u = any user on their own things, a = admin.
const KINDS: &[(&str, &str, f64, u8)] = &[
    ("workspace_build", "start", 20.0, b'b'),
    ("workspace_build", "stop", 18.0, b'b'),
    ("api_key", "login", 14.0, b'l'),
    ("api_key", "logout", 3.0, b'u'),
    ("workspace", "write", 7.0, b'w'),
    ("workspace", "create", 3.5, b'w'),
    ("workspace", "delete", 1.5, b'w'),
    ("workspace_agent", "connect", 5.0, b'w'),
    ("workspace_app", "open", 4.0, b'w'),
    ("api_key", "create", 2.0, b'u'),
    ("template_version", "create", 2.0, b'a'),
    ("template", "write", 1.5, b'a'),
    ("user", "write", 2.0, b'u'),
    ("user", "create", 0.8, b'a'),
    ("user", "delete", 0.1, b'a'),
    ("organization_member", "write", 0.8, b'a'),
    ("group", "write", 0.6, b'a'),
    ("task", "create", 1.0, b'w'),
];

#[allow(clippy::too_many_arguments)]
pub(super) fn audit_logs(
    target: &Target,
    rng: &mut StdRng,
    s: &Sizes,
    users: &[User],
    orgs: &[String],
    workspaces: &[Workspace],
    builds: &[Build],
) -> Result<(), String> {
    let start = END - 365 * DAY;
    // Growth ×2.3 over the year, quiet weekends (2024-07-01 was a Monday), office hours.
    let times = Calendar::new(365).sorted_times(rng, s.audit_logs);
    let people: Vec<usize> = (0..users.len()).filter(|&i| users[i].human).collect();
    let actor_w = Weighted::new(
        zipf_weights(people.len(), 0.85, 15.0)
            .into_iter()
            .zip(&people)
            .map(|(w, &i)| if users[i].active { w } else { w * 0.25 }),
    );
    let admins: Vec<usize> = people.iter().copied().filter(|&i| users[i].admin).collect();
    let admins = if admins.is_empty() {
        people.clone()
    } else {
        admins
    };
    let kind_w = Weighted::new(KINDS.iter().map(|k| k.2));
    let deprecated_cut = start + 365 * DAY * 6 / 10;
    let mut counts = crate::store::bulk::audit_counts::AuditCounts::default();
    target.load(
        "audit_logs",
        "audit_logs",
        &[
            "id",
            "time",
            "user_id",
            "organization_id",
            "ip",
            "user_agent",
            "resource_type",
            "resource_id",
            "resource_target",
            "action",
            "diff",
            "status_code",
            "additional_fields",
            "request_id",
            "resource_icon",
            "build_reason",
            "prev_hash",
            "hash",
        ],
        s.audit_logs as u64,
        false,
        |sink| {
            let mut prev = crate::store::audit_chain::GENESIS.to_string();
            let counts = &mut counts;
            for (i, at) in times.into_iter().enumerate() {
                let mut k = KINDS[kind_w.pick(rng)];
                while (k.1 == "connect" || k.1 == "open") && at > deprecated_cut {
                    k = KINDS[kind_w.pick(rng)];
                }
                let (rt, action, _, actor) = k;
                let (mut user, mut org, mut res, mut target_name) =
                    (NIL.to_string(), NIL.to_string(), uuid(rng), String::new());
                let (mut status, mut extra, mut reason) = (200i64, "{}".to_string(), N);
                match actor {
                    b'b' if !builds.is_empty() => {
                        let b = &builds[rng.gen_range(0..builds.len())];
                        let ws = &workspaces[b.ws as usize];
                        let why = REASONS[usize::from(b.reason)];
                        if !SYSTEM_REASONS.contains(&why) {
                            user = users[ws.owner].id.clone()
                        }
                        (org, res, target_name) =
                            (orgs[ws.org].clone(), b.id.clone(), ws.name.clone());
                        extra = format!(
                            r#"{{"workspace_name":"{}","build_reason":"{why}"}}"#,
                            ws.name
                        );
                        reason = T(why.as_str());
                    }
                    b'w' | b'b' if !workspaces.is_empty() => {
                        let ws = &workspaces[rng.gen_range(0..workspaces.len())];
                        (user, org, target_name) = (
                            users[ws.owner].id.clone(),
                            orgs[ws.org].clone(),
                            ws.name.clone(),
                        );
                        if rt == "workspace" || rt == "task" {
                            res = ws.id.clone()
                        }
                        if rt == "workspace" && action == "create" {
                            reason = T("initiator")
                        }
                    }
                    b'l' => {
                        let r: f64 = rng.gen();
                        if r >= 0.03 {
                            user = users[people[actor_w.pick(rng)]].id.clone()
                        } else {
                            user = uuid(rng)
                        }
                        status = if r < 0.07 { 401 } else { 201 };
                    }
                    b'a' => {
                        let u = &users[admins[rng.gen_range(0..admins.len())]];
                        user = u.id.clone();
                        if rt == "user" || rt == "organization_member" {
                            let tu = &users[rng.gen_range(0..users.len())];
                            (res, target_name) = (tu.id.clone(), tu.username.clone());
                        }
                        if rt != "user" {
                            org = orgs[rng.gen_range(0..orgs.len())].clone()
                        }
                    }
                    _ => {
                        let u = &users[people[actor_w.pick(rng)]];
                        user = u.id.clone();
                        if rt == "user" {
                            (res, target_name) = (u.id.clone(), u.username.clone())
                        }
                    }
                }
                if status == 200 && action == "create" {
                    status = 201
                }
                let diff = if action == "write" {
                    r#"{"name":{"old":"a","new":"b","secret":false}}"#
                } else {
                    "{}"
                };
                let ip = format!(
                    "10.{}.{}.{}",
                    rng.gen_range(0..256),
                    rng.gen_range(0..256),
                    rng.gen_range(1..255)
                );
                sink.push_cells(&[
                    T(&uuid(rng)),
                    I(at),
                    T(&user),
                    T(&org),
                    T(&ip),
                    T(AGENTS[rng.gen_range(0..AGENTS.len())]),
                    T(rt),
                    T(&res),
                    T(&target_name),
                    T(action),
                    T(diff),
                    I(status),
                    T(&extra),
                    T(&uuid(rng)),
                    T(""),
                    reason,
                ]);
                let why = match reason {
                    T(r) => r,
                    _ => "",
                };
                counts.add(at, &org, rt, action, why);
                sink.chain_audit_row(&mut prev);
                sink.end_row(i as u64 + 1)?;
            }
            Ok(())
        },
    )?;
    counts.write(target.conn())
}
