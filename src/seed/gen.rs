//! The generators behind `coderlite seed`, table by table, in load order. Shapes follow
//! `shared/bench/dataset/gen.py` (same kinds of skew, not the same values).

use super::pick::{uuid, zipf_weights, Weighted};
use super::Sizes;
use crate::import::bulk::{Target, V::*};
use rand::rngs::StdRng;
use rand::Rng;

const DAY: i64 = 86_400_000_000;
const HOUR: i64 = 3_600_000_000;
/// Fixed end of the history (2025-07-01T00:00:00Z) so output does not depend on "now".
const END: i64 = 1_751_328_000_000_000;
const NIL: &str = crate::model::NIL_UUID;

const FIRST: &[&str] = &[
    "alex", "ana", "ben", "carla", "chen", "dana", "eli", "fatima", "george", "hana", "ivan",
    "jade", "kai", "lena", "maria", "noah", "olga", "pablo", "quinn", "rosa", "sam", "tara",
    "umar", "vera", "will", "xin", "yara", "zoe",
];
const LAST: &[&str] = &[
    "smith", "jones", "garcia", "chen", "kim", "patel", "nguyen", "muller", "rossi", "silva",
    "khan", "novak", "ito", "larsen", "dubois", "weber", "cohen", "okafor", "santos", "brown",
];
const REASONS: &[&str] = &[
    "initiator",
    "autostart",
    "autostop",
    "dashboard",
    "cli",
    "ssh_connection",
    "vscode_connection",
    "dormancy",
    "autodelete",
];
const SYSTEM_REASONS: &[&str] = &["autostart", "autostop", "dormancy", "autodelete"];
const AGENTS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
    "Coder v2.23.1 (linux/amd64)",
    "Go-http-client/1.1",
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

struct User {
    id: String,
    username: String,
    active: bool,
    deleted: bool,
    human: bool,
    admin: bool,
    created: i64,
}

struct Workspace {
    id: String,
    owner: usize,
    org: usize,
    name: String,
    created: i64,
    end: i64,
}

struct Build {
    id: String,
    ws: u32,
    reason: u8,
}

fn days(rng: &mut StdRng, lo: f64, hi: f64) -> i64 {
    (rng.gen_range(lo..hi) * DAY as f64) as i64
}

pub fn generate(target: &Target, rng: &mut StdRng, s: &Sizes) -> Result<(), String> {
    let orgs: Vec<String> = (0..5).map(|_| uuid(rng)).collect();
    let org_names = ["coder", "platform", "data-science", "mobile", "infra"];
    let org_cols = [
        "id",
        "name",
        "display_name",
        "is_default",
        "created_at",
        "updated_at",
    ];
    target.load(
        "organizations",
        "organizations",
        &org_cols,
        5,
        false,
        |sink| {
            for (i, name) in org_names.iter().enumerate() {
                let created = END - (720 - 40 * i as i64) * DAY;
                let display = name.to_uppercase();
                sink.push_row(
                    i as u64 + 1,
                    &[
                        T(&orgs[i]),
                        T(name),
                        T(&display),
                        I(i64::from(i == 0)),
                        I(created),
                        I(created),
                    ],
                )?;
            }
            Ok(())
        },
    )?;

    let mut users: Vec<User> = Vec::with_capacity(s.users);
    let n_service = (s.users / 500).max(1);
    let status_w = Weighted::new([80.0, 15.0, 5.0]);
    let login_w = Weighted::new([70.0, 20.0, 10.0]);
    target.load(
        "users",
        "users",
        &[
            "id",
            "email",
            "username",
            "name",
            "status",
            "login_type",
            "rbac_roles",
            "deleted",
            "is_system",
            "is_service_account",
            "created_at",
            "updated_at",
            "last_seen_at",
        ],
        s.users as u64,
        false,
        |sink| {
            for i in 0..s.users {
                let id = uuid(rng);
                let (first, last) = (
                    FIRST[rng.gen_range(0..FIRST.len())],
                    LAST[rng.gen_range(0..LAST.len())],
                );
                let system = i == 0;
                let service = !system && i <= n_service;
                let status = if system || service {
                    0
                } else {
                    status_w.pick(rng)
                };
                let r: f64 = rng.gen();
                let roles = if system || service {
                    "[]"
                } else if r < 0.004 {
                    r#"["owner"]"#
                } else if r < 0.012 {
                    r#"["template-admin"]"#
                } else if r < 0.017 {
                    r#"["user-admin"]"#
                } else if r < 0.02 {
                    r#"["auditor"]"#
                } else {
                    "[]"
                };
                let (username, name, email, login) = if system {
                    (
                        "prebuilds".to_string(),
                        "Prebuilds Owner".to_string(),
                        String::new(),
                        "none",
                    )
                } else if service {
                    (
                        format!("svc-{last}-{i}"),
                        format!("Service {i}"),
                        String::new(),
                        "none",
                    )
                } else {
                    (
                        format!("{first}.{last}{i}"),
                        format!("{first} {last}"),
                        format!("{first}.{last}.{i}@example.com"),
                        ["oidc", "password", "github"][login_w.pick(rng)],
                    )
                };
                let deleted = !system && !service && rng.gen::<f64>() < 0.02;
                let created = END - days(rng, 1.0, 730.0);
                let last_seen = match status {
                    0 => END - days(rng, 0.0, 20.0),
                    1 => END - days(rng, 91.0, 300.0),
                    _ => END - days(rng, 10.0, 400.0),
                }
                .max(created);
                sink.push_row(
                    i as u64 + 1,
                    &[
                        T(&id),
                        T(&email),
                        T(&username),
                        T(&name),
                        T(["active", "dormant", "suspended"][status]),
                        T(login),
                        T(roles),
                        I(i64::from(deleted)),
                        I(i64::from(system)),
                        I(i64::from(service)),
                        I(created),
                        I(created.max(last_seen - DAY)),
                        I(last_seen),
                    ],
                )?;
                users.push(User {
                    id,
                    username,
                    active: status == 0,
                    deleted,
                    human: !system && !service,
                    admin: roles != "[]" && roles != r#"["auditor"]"#,
                    created,
                });
            }
            Ok(())
        },
    )?;

    // Workspaces: Zipf-skewed ownership among people.
    let humans: Vec<usize> = (0..users.len()).filter(|&i| users[i].human).collect();
    let owner_w = Weighted::zipf(humans.len(), 0.9, 30.0);
    let org_w = Weighted::new([75.0, 8.0, 7.0, 5.0, 5.0]);
    let mut per_owner = vec![0u32; users.len()];
    let mut workspaces: Vec<Workspace> = Vec::with_capacity(s.workspaces);
    let mut ws_deleted = Vec::with_capacity(s.workspaces);
    target.load(
        "workspaces",
        "workspaces",
        &[
            "id",
            "owner_id",
            "organization_id",
            "name",
            "deleted",
            "created_at",
            "updated_at",
            "last_used_at",
        ],
        s.workspaces as u64,
        false,
        |sink| {
            for i in 0..s.workspaces {
                let owner = humans[owner_w.pick(rng)];
                per_owner[owner] += 1;
                let u = &users[owner];
                let created = u.created.max(END - days(rng, 2.0, 400.0));
                let deleted = rng.gen::<f64>() < 0.15 || u.deleted;
                let end = if deleted {
                    rng.gen_range(created..END.max(created + 1))
                } else {
                    END
                };
                let name = format!(
                    "ws-{}-{}",
                    u.username.split('.').next().unwrap_or("w"),
                    per_owner[owner]
                );
                let ws = Workspace {
                    id: uuid(rng),
                    owner,
                    org: org_w.pick(rng),
                    name,
                    created,
                    end,
                };
                sink.push_row(
                    i as u64 + 1,
                    &[
                        T(&ws.id),
                        T(&u.id),
                        T(&orgs[ws.org]),
                        T(&ws.name),
                        I(i64::from(deleted)),
                        I(created),
                        I(end),
                        I(end),
                    ],
                )?;
                workspaces.push(ws);
                ws_deleted.push(deleted);
            }
            Ok(())
        },
    )?;
    crate::import::derive_members(target.conn())?;

    // Builds: build #1 for every workspace, the rest by a log-normal activity weight.
    let mut counts = vec![1usize; workspaces.len()];
    let activity = Weighted::new((0..workspaces.len()).map(|_| lognormal(rng)));
    for _ in 0..s.builds.saturating_sub(workspaces.len()) {
        counts[activity.pick(rng)] += 1;
    }
    let target_ai = s.ai_build_fraction * s.builds as f64 / 0.9;
    let mut is_task = vec![false; workspaces.len()];
    let mut covered = 0.0;
    while covered < target_ai {
        let i = rng.gen_range(0..workspaces.len());
        if !is_task[i] && users[workspaces[i].owner].active {
            is_task[i] = true;
            covered += counts[i] as f64;
        } else if is_task.iter().all(|&x| x) {
            break;
        }
    }
    let reason_w = Weighted::new([20.0, 30.0, 30.0, 7.0, 5.0, 3.0, 3.0, 1.0]);
    let mut builds: Vec<Build> = Vec::with_capacity(s.builds);
    let total_builds: usize = counts.iter().sum();
    target.load(
        "workspace_builds",
        "workspace_builds",
        &[
            "id",
            "workspace_id",
            "build_number",
            "transition",
            "initiator_id",
            "reason",
            "has_ai_task",
            "job_id",
            "created_at",
            "updated_at",
        ],
        total_builds as u64,
        false,
        |sink| {
            let mut line = 0u64;
            for (wi, ws) in workspaces.iter().enumerate() {
                let n = counts[wi];
                let mut times: Vec<i64> = (1..n)
                    .map(|_| rng.gen_range(ws.created..ws.end.max(ws.created + 1)))
                    .collect();
                times.sort_unstable();
                times.insert(0, ws.created);
                for (k, at) in times.into_iter().enumerate() {
                    let number = k + 1;
                    let (transition, mut reason) = if number == 1 {
                        ("start", 0)
                    } else if ws_deleted[wi] && number == n {
                        ("delete", if rng.gen::<f64>() < 0.1 { 8 } else { 0 })
                    } else if number % 2 == 0 {
                        ("stop", reason_w.pick(rng))
                    } else {
                        ("start", reason_w.pick(rng))
                    };
                    if transition == "stop" && reason == 1 {
                        reason = 2
                    }
                    if transition == "start" && reason == 2 {
                        reason = 1
                    }
                    let ai = if is_task[wi] && rng.gen::<f64>() < 0.9 {
                        I(1)
                    } else {
                        I(0)
                    };
                    let id = uuid(rng);
                    line += 1;
                    sink.push_row(
                        line,
                        &[
                            T(&id),
                            T(&ws.id),
                            I(number as i64),
                            T(transition),
                            T(&users[ws.owner].id),
                            T(REASONS[reason]),
                            ai,
                            T(&uuid(rng)),
                            I(at),
                            I(at + rng.gen_range(20..300) * 1_000_000),
                        ],
                    )?;
                    builds.push(Build {
                        id,
                        ws: wi as u32,
                        reason: reason as u8,
                    });
                }
            }
            Ok(())
        },
    )?;

    interceptions(target, rng, s, &users)?;
    audit_logs(target, rng, s, &users, &orgs, &workspaces, &builds)
}

fn lognormal(rng: &mut StdRng) -> f64 {
    // Box–Muller: a standard normal, then exp.
    let (u1, u2): (f64, f64) = (rng.gen_range(f64::EPSILON..1.0), rng.gen());
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()).exp()
}

fn interceptions(
    target: &Target,
    rng: &mut StdRng,
    s: &Sizes,
    users: &[User],
) -> Result<(), String> {
    let mut eligible: Vec<usize> = (0..users.len())
        .filter(|&i| users[i].active && !users[i].deleted && users[i].human)
        .collect();
    for i in (1..eligible.len()).rev() {
        eligible.swap(i, rng.gen_range(0..=i));
    }
    eligible.truncate(s.initiators.max(1));
    if eligible.is_empty() || s.interceptions == 0 {
        return Ok(());
    }
    let who = Weighted::zipf(eligible.len(), 0.8, 10.0);
    let mut times: Vec<i64> = (0..s.interceptions)
        .map(|_| END - 150 * DAY + (rng.gen::<f64>().cbrt() * (150 * DAY) as f64) as i64)
        .collect();
    times.sort_unstable();
    let models = [
        ("anthropic", "claude-sonnet-4-20250514"),
        ("anthropic", "claude-3-5-haiku-20241022"),
        ("openai", "gpt-4.1"),
        ("openai", "gpt-5"),
    ];
    target.load(
        "aibridge_interceptions",
        "aibridge_interceptions",
        &[
            "id",
            "initiator_id",
            "provider",
            "model",
            "started_at",
            "ended_at",
            "metadata",
            "client",
        ],
        s.interceptions as u64,
        false,
        |sink| {
            for (i, at) in times.into_iter().enumerate() {
                // Every initiator appears at least once; the rest is skewed.
                let u = if i < eligible.len() {
                    eligible[i]
                } else {
                    eligible[who.pick(rng)]
                };
                let (provider, model) = models[rng.gen_range(0..models.len())];
                sink.push_row(
                    i as u64 + 1,
                    &[
                        T(&uuid(rng)),
                        T(&users[u].id),
                        T(provider),
                        T(model),
                        I(at),
                        I(at + rng.gen_range(1..90) * 1_000_000),
                        if rng.gen::<bool>() {
                            N
                        } else {
                            T(r#"{"stream":true}"#)
                        },
                        T(["claude-code", "cursor", "codex", "Unknown"][rng.gen_range(0..4)]),
                    ],
                )?;
            }
            Ok(())
        },
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn audit_logs(
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
    let day_w = Weighted::new(
        (0..365).map(|d| (0.6 + 0.8 * d as f64 / 364.0) * if d % 7 >= 5 { 0.3 } else { 1.0 }),
    );
    let hour_w = Weighted::new([
        0.2, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.5, 3.5, 3.8, 3.6, 3.0, 3.4, 3.6, 3.5, 3.2, 2.6,
        1.6, 1.0, 0.7, 0.5, 0.4, 0.3,
    ]);
    let mut times: Vec<i64> = (0..s.audit_logs)
        .map(|_| {
            start
                + day_w.pick(rng) as i64 * DAY
                + hour_w.pick(rng) as i64 * HOUR
                + rng.gen_range(0..HOUR)
        })
        .collect();
    times.sort_unstable();
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
        ],
        s.audit_logs as u64,
        false,
        |sink| {
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
                        reason = T(why);
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
                sink.push_row(
                    i as u64 + 1,
                    &[
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
                    ],
                )?;
            }
            Ok(())
        },
    )?;
    Ok(())
}
