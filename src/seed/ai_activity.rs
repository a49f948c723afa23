//! AI Gateway activity over the users `gen` made: interceptions grouped into sessions and
//! threads as coding agents produce them (a session of a few threads, each thread a prompt
//! and an agentic loop of follow-up interceptions), each with token usages, the root's user
//! prompt, tool calls and sometimes model thoughts. Skewed like real use: few initiators do
//! most of it, sessions are mostly short with a long tail.

use super::people::User;
use super::pick::{uuid, Weighted};
use super::shape::{DAY, END};
use super::Sizes;
use crate::store::bulk::{Sink, Target, V::*};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SECOND: i64 = 1_000_000;
/// (provider, model, client): a session sticks to one, mostly.
const AGENTS: &[(&str, &str, &str)] = &[
    ("anthropic", "claude-sonnet-4-20250514", "Claude Code"),
    ("anthropic", "claude-3-5-haiku-20241022", "Claude Code"),
    ("openai", "gpt-5", "Codex"),
    ("openai", "gpt-4.1", "Cursor"),
    ("copilot", "gpt-4.1", "GitHub Copilot (VS Code)"),
    ("anthropic", "claude-sonnet-4-20250514", "Unknown"),
];
const TOOLS: &[&str] = &["Bash", "Read", "Edit", "Grep", "Write", "WebFetch"];
const PROMPTS: &[&str] = &[
    "fix the failing parser test",
    "add pagination to the sessions list",
    "why does the build fail on arm64?",
    "refactor the config loader",
    "write a migration for the new column",
    "explain this stack trace",
];

/// One generated interception (children are derived from it per table).
struct Ix {
    id: String,
    user: usize,
    start: i64,
    end: Option<i64>,
    agent: usize,
    client_session_id: Option<String>,
    /// Index of the thread root and of the previous interception (None for a root).
    root: Option<usize>,
    parent: Option<usize>,
}

/// A user's session in progress.
struct Open {
    left: u32,
    thread_left: u32,
    agent: usize,
    client_session_id: Option<String>,
    root: usize,
    last: usize,
}

/// 1 + a geometric-like draw with the given mean, capped.
fn run_length(rng: &mut StdRng, mean: f64, cap: u32) -> u32 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    (1 + (-u.ln() * (mean - 1.0)) as u32).min(cap)
}

fn generate(rng: &mut StdRng, s: &Sizes, users: &[User]) -> Vec<Ix> {
    let mut eligible: Vec<usize> = (0..users.len())
        .filter(|&i| users[i].active && !users[i].deleted && users[i].human)
        .collect();
    for i in (1..eligible.len()).rev() {
        eligible.swap(i, rng.gen_range(0..=i));
    }
    eligible.truncate(s.initiators.max(1));
    if eligible.is_empty() || s.interceptions == 0 {
        return Vec::new();
    }
    let who = Weighted::zipf(eligible.len(), 0.8, 10.0);
    let mut times: Vec<i64> = (0..s.interceptions)
        .map(|_| END - 150 * DAY + (rng.gen::<f64>().cbrt() * (150 * DAY) as f64) as i64)
        .collect();
    times.sort_unstable();
    let mut open: Vec<Option<Open>> = (0..users.len()).map(|_| None).collect();
    let mut out: Vec<Ix> = Vec::with_capacity(times.len());
    for (i, at) in times.into_iter().enumerate() {
        // Every initiator appears at least once; the rest is skewed.
        let u = if i < eligible.len() {
            eligible[i]
        } else {
            eligible[who.pick(rng)]
        };
        let fresh = open[u].as_ref().is_none_or(|o| o.left == 0);
        if fresh {
            let agent = rng.gen_range(0..AGENTS.len());
            // Agents that name their session send an id; others are grouped by thread.
            let named = AGENTS[agent].2 != "Unknown" && rng.gen_bool(0.8);
            open[u] = Some(Open {
                left: run_length(rng, 6.0, 400),
                thread_left: 0,
                agent,
                client_session_id: named.then(|| uuid(rng)),
                root: i,
                last: i,
            });
        }
        let Some(o) = open[u].as_mut() else { continue };
        let new_thread = o.thread_left == 0;
        if new_thread {
            o.thread_left = run_length(rng, 3.0, 60);
            o.root = i;
        }
        let agent = if rng.gen_bool(0.9) {
            o.agent
        } else {
            rng.gen_range(0..AGENTS.len())
        };
        out.push(Ix {
            id: uuid(rng),
            user: u,
            start: at,
            // One in a hundred is still running.
            end: (!rng.gen_bool(0.01)).then(|| at + rng.gen_range(1..90) * SECOND),
            agent,
            client_session_id: o.client_session_id.clone(),
            root: (!new_thread).then_some(o.root),
            parent: (!new_thread).then_some(o.last),
        });
        o.last = i;
        o.left -= 1;
        o.thread_left -= 1;
    }
    out
}

fn load_interceptions(target: &Target, ixs: &[Ix], users: &[User]) -> Result<(), String> {
    let cols = [
        "id",
        "initiator_id",
        "provider",
        "provider_name",
        "model",
        "started_at",
        "ended_at",
        "metadata",
        "client",
        "client_session_id",
        "thread_parent_id",
        "thread_root_id",
        "credential_kind",
        "credential_hint",
    ];
    target.load(
        "aibridge_interceptions",
        "aibridge_interceptions",
        &cols,
        ixs.len() as u64,
        false,
        |sink| {
            for (n, x) in ixs.iter().enumerate() {
                let (provider, model, client) = AGENTS[x.agent];
                sink.push_row(
                    n as u64 + 1,
                    &[
                        T(&x.id),
                        T(&users[x.user].id),
                        T(provider),
                        T(provider),
                        T(model),
                        I(x.start),
                        x.end.map_or(N, I),
                        if n % 2 == 0 {
                            N
                        } else {
                            T(r#"{"stream":true}"#)
                        },
                        if client == "Unknown" { N } else { T(client) },
                        x.client_session_id.as_deref().map_or(N, T),
                        x.parent.map_or(N, |p| T(&ixs[p].id)),
                        x.root.map_or(N, |r| T(&ixs[r].id)),
                        T("centralized"),
                        T("sk-a...Qz9f"),
                    ],
                )?;
            }
            Ok(())
        },
    )?;
    Ok(())
}

/// Loads one child table: `row` pushes the rows of interception `x` (index `n`).
fn load_children(
    target: &Target,
    table: &str,
    cols: &[&str],
    ixs: &[Ix],
    seed: u64,
    row: impl Fn(&mut StdRng, &mut Sink, &mut u64, usize, &Ix) -> Result<(), String> + Send + Sync,
) -> Result<(), String> {
    target.load(table, table, cols, ixs.len() as u64, false, |sink| {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut line = 0u64;
        for (n, x) in ixs.iter().enumerate() {
            row(&mut rng, sink, &mut line, n, x)?;
        }
        Ok(())
    })?;
    Ok(())
}

fn push(sink: &mut Sink, line: &mut u64, cells: &[crate::store::bulk::V]) -> Result<(), String> {
    *line += 1;
    sink.push_row(*line, cells)
}

pub(super) fn interceptions(
    target: &Target,
    rng: &mut StdRng,
    s: &Sizes,
    users: &[User],
) -> Result<(), String> {
    let ixs = generate(rng, s, users);
    load_interceptions(target, &ixs, users)?;
    let seeds: [u64; 4] = rng.gen();
    let token_cols = [
        "id",
        "interception_id",
        "provider_response_id",
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_write_input_tokens",
        "metadata",
        "created_at",
    ];
    load_children(
        target,
        "aibridge_token_usages",
        &token_cols,
        &ixs,
        seeds[0],
        |rng, sink, line, _, x| {
            for k in 0..rng.gen_range(1..=2) {
                let write = if rng.gen_bool(0.3) {
                    rng.gen_range(100..8_000)
                } else {
                    0
                };
                let meta = if write > 0 && AGENTS[x.agent].0 == "anthropic" {
                    format!(r#"{{"cache_creation":{{"ephemeral_5m_input_tokens":{write}}}}}"#)
                } else {
                    "{}".to_string()
                };
                push(
                    sink,
                    line,
                    &[
                        T(&uuid(rng)),
                        T(&x.id),
                        T(&format!("msg_{}", k)),
                        I(rng.gen_range(500..50_000)),
                        I(rng.gen_range(50..5_000)),
                        I(if rng.gen_bool(0.6) {
                            rng.gen_range(1_000..100_000)
                        } else {
                            0
                        }),
                        I(write),
                        T(&meta),
                        I(x.start + (k + 1) * SECOND),
                    ],
                )?;
            }
            Ok(())
        },
    )?;
    let prompt_cols = [
        "id",
        "interception_id",
        "provider_response_id",
        "prompt",
        "metadata",
        "created_at",
    ];
    load_children(
        target,
        "aibridge_user_prompts",
        &prompt_cols,
        &ixs,
        seeds[1],
        |rng, sink, line, _, x| {
            if x.root.is_some() {
                return Ok(());
            }
            let prompt = PROMPTS[rng.gen_range(0..PROMPTS.len())];
            push(
                sink,
                line,
                &[
                    T(&uuid(rng)),
                    T(&x.id),
                    T(""),
                    T(prompt),
                    T("{}"),
                    I(x.start + SECOND / 2),
                ],
            )
        },
    )?;
    let tool_cols = [
        "id",
        "interception_id",
        "provider_response_id",
        "provider_tool_call_id",
        "tool",
        "input",
        "injected",
        "metadata",
        "created_at",
    ];
    load_children(
        target,
        "aibridge_tool_usages",
        &tool_cols,
        &ixs,
        seeds[2],
        |rng, sink, line, n, x| {
            if !rng.gen_bool(0.5) {
                return Ok(());
            }
            for k in 0..rng.gen_range(1..=3) {
                let tool = TOOLS[rng.gen_range(0..TOOLS.len())];
                push(
                    sink,
                    line,
                    &[
                        T(&uuid(rng)),
                        T(&x.id),
                        T("msg_0"),
                        T(&format!("call_{n}_{k}")),
                        T(tool),
                        T(r#"{"command":"ls"}"#),
                        I(i64::from(rng.gen_bool(0.05))),
                        T("{}"),
                        I(x.start + (k + 2) * SECOND),
                    ],
                )?;
            }
            Ok(())
        },
    )?;
    let thought_cols = ["interception_id", "content", "metadata", "created_at"];
    load_children(
        target,
        "aibridge_model_thoughts",
        &thought_cols,
        &ixs,
        seeds[3],
        |rng, sink, line, _, x| {
            if !rng.gen_bool(0.15) {
                return Ok(());
            }
            push(
                sink,
                line,
                &[
                    T(&x.id),
                    T("Look at the failing test first."),
                    T("{}"),
                    I(x.start + SECOND),
                ],
            )
        },
    )
}
