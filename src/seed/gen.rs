//! The generators behind `coderlite seed`, table by table, in load order (organizations and
//! users in `people`, interceptions and audit logs in `activity`). Shapes follow
//! `shared/bench/dataset/gen.py` (same kinds of skew, not the same values).

use super::people::days;
use super::pick::{uuid, Weighted};
use super::shape::{Build, Workspace, END, REASONS};
use super::Sizes;
use crate::store::bulk::{Target, V::*};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

pub fn generate(target: &Target, rng: &mut StdRng, s: &Sizes) -> Result<(), String> {
    let (orgs, users) = super::people::orgs_and_users(target, rng, s)?;

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
    crate::import::derive_members(&target.tx())?;

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
                            T(REASONS[reason].as_str()),
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

    super::ai_activity::interceptions(target, rng, s, &users)?;
    super::activity::audit_logs(target, rng, s, &users, &orgs, &workspaces, &builds)?;
    // Its own stream, so adding connection logs leaves the other tables as they were.
    let mut conn_rng = StdRng::seed_from_u64(rng.gen());
    super::connections::connection_logs(
        target,
        &mut conn_rng,
        s.connection_logs,
        &users,
        &orgs,
        &workspaces,
    )
}

fn lognormal(rng: &mut StdRng) -> f64 {
    // Box–Muller: a standard normal, then exp.
    let (u1, u2): (f64, f64) = (rng.gen_range(f64::EPSILON..1.0), rng.gen());
    ((-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()).exp()
}
