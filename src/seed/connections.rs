//! Connection logs over the workspaces `gen` made, over the last 90 days: agent-reported
//! sessions (SSH, VS Code, JetBrains, web terminal) with a connection id and, for all but a
//! few still open, a disconnect time, reason and exit code; coderd-recorded web events (apps,
//! port forwarding, tunnels) by a user, with an HTTP status (101/403 for tunnels). A few
//! workspaces carry most of the traffic; times follow the office-hour calendar.

use super::people::User;
use super::pick::{uuid, Weighted};
use super::shape::{Calendar, Workspace, HOUR};
use crate::store::bulk::{Target, V, V::*};
use crate::store::connection_log_writes::COLUMNS;
use rand::rngs::StdRng;
use rand::Rng;

const MINUTE: i64 = HOUR / 60;
/// (type, weight): the mix of a deployment whose users mostly work in IDEs and apps.
const KINDS: &[(&str, f64)] = &[
    ("ssh", 18.0),
    ("vscode", 22.0),
    ("jetbrains", 8.0),
    ("reconnecting_pty", 7.0),
    ("workspace_app", 25.0),
    ("port_forwarding", 8.0),
    ("tunnel", 12.0),
];
const APPS: &[&str] = &["code-server", "jupyter", "filebrowser", "vscode-web"];
const PORTS: &[&str] = &["8080", "3000", "5173", "8000"];
const BROWSERS: &[&str] = &[
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
];
const CLIENTS: &[&str] = &[
    "coder-cli/2.23.1",
    "Coder Desktop/0.6.0",
    "coder-vscode/1.9.2",
];
const REASONS: &[&str] = &["client disconnected", "connection closed", "agent shutdown"];

/// One row's values, owned.
struct Row {
    id: String,
    agent: &'static str,
    kind: &'static str,
    code: Option<i64>,
    ip: Option<String>,
    user_agent: Option<&'static str>,
    user: Option<usize>,
    slug_or_port: Option<&'static str>,
    connection_id: Option<String>,
    disconnect_reason: Option<&'static str>,
    disconnect_time: Option<i64>,
}

fn opt(v: Option<&str>) -> V<'_> {
    v.map_or(N, T)
}

fn pick<'a>(rng: &mut StdRng, from: &[&'a str]) -> &'a str {
    from[rng.gen_range(0..from.len())]
}

/// A workspace that existed at `at` (a few tries at the skewed pick, then any live one).
fn workspace_at(
    rng: &mut StdRng,
    w: &Weighted,
    order: &[usize],
    ws: &[Workspace],
    at: i64,
) -> usize {
    for _ in 0..8 {
        let i = order[w.pick(rng)];
        if ws[i].created <= at && at < ws[i].end {
            return i;
        }
    }
    order[w.pick(rng)]
}

/// One event at `at` on a workspace of `owner`; `people` may share it.
fn row(rng: &mut StdRng, kinds: &Weighted, at: i64, owner: usize, people: &[usize]) -> Row {
    let kind = KINDS[kinds.pick(rng)].0;
    let agent = if rng.gen_bool(0.85) {
        "main"
    } else {
        "sidecar"
    };
    let mut r = Row {
        id: uuid(rng),
        agent,
        kind,
        code: None,
        ip: None,
        user_agent: None,
        user: None,
        slug_or_port: None,
        connection_id: None,
        disconnect_reason: None,
        disconnect_time: None,
    };
    let web = matches!(kind, "workspace_app" | "port_forwarding" | "tunnel");
    if !web {
        r.connection_id = Some(uuid(rng));
        r.ip = Some(format!("fd7a:115c:a1e0::{:x}", rng.gen_range(1..0xffff)));
        // Still open: 3 in 100.
        if !rng.gen_bool(0.03) {
            let minutes = (rng.gen_range(0.0f64..1.0).powi(3) * 480.0) as i64 + 1;
            r.disconnect_time = Some(at + minutes * MINUTE + rng.gen_range(0..MINUTE));
            r.code = Some(match rng.gen_range(0..100) {
                0..=84 => 0,
                85..=92 => 1,
                93..=97 => 130,
                _ => 255,
            });
            r.disconnect_reason = rng.gen_bool(0.3).then(|| pick(rng, REASONS));
        }
        return r;
    }
    // Mostly the owner; now and then someone the workspace is shared with.
    r.user = Some(if rng.gen_bool(0.9) || people.is_empty() {
        owner
    } else {
        people[rng.gen_range(0..people.len())]
    });
    r.ip = rng.gen_bool(0.97).then(|| {
        format!(
            "{}.{}.{}",
            pick(rng, &["203.0.113", "198.51.100", "10.20"]),
            rng.gen_range(0..256),
            rng.gen_range(1..255)
        )
    });
    let p = rng.gen_range(0..100);
    match kind {
        "workspace_app" => {
            r.slug_or_port = Some(pick(rng, APPS));
            r.user_agent = Some(pick(rng, BROWSERS));
            r.code = Some(match p {
                0..=79 => 200,
                80..=89 => 302,
                90..=94 => 404,
                95..=97 => 502,
                _ => 403,
            });
        }
        "port_forwarding" => {
            r.slug_or_port = Some(pick(rng, PORTS));
            r.user_agent = Some(pick(rng, BROWSERS));
            r.code = Some(if p < 90 { 200 } else { 502 });
        }
        _ => {
            r.user_agent = Some(pick(rng, CLIENTS));
            r.code = Some(if p < 95 { 101 } else { 403 });
        }
    }
    r
}

pub(super) fn connection_logs(
    target: &Target,
    rng: &mut StdRng,
    n: usize,
    users: &[User],
    orgs: &[String],
    workspaces: &[Workspace],
) -> Result<(), String> {
    if n == 0 || workspaces.is_empty() {
        return Ok(());
    }
    let times = Calendar::new(90).sorted_times(rng, n);
    // A shuffled order so the busiest workspaces are not the first created.
    let mut order: Vec<usize> = (0..workspaces.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.gen_range(0..=i));
    }
    let ws_w = Weighted::zipf(order.len(), 1.0, 5.0);
    let kinds = Weighted::new(KINDS.iter().map(|k| k.1));
    let people: Vec<usize> = (0..users.len())
        .filter(|&i| users[i].human && users[i].active)
        .collect();
    target.load(
        "connection_logs",
        "connection_logs",
        COLUMNS,
        n as u64,
        false,
        |sink| {
            for (line, at) in times.into_iter().enumerate() {
                let wi = workspace_at(rng, &ws_w, &order, workspaces, at);
                let ws = &workspaces[wi];
                let r = row(rng, &kinds, at, ws.owner, &people);
                let values: [V; 16] = [
                    T(&r.id),
                    I(at),
                    T(&orgs[ws.org]),
                    T(&users[ws.owner].id),
                    T(&ws.id),
                    T(&ws.name),
                    T(r.agent),
                    T(r.kind),
                    r.code.map_or(N, I),
                    opt(r.ip.as_deref()),
                    opt(r.user_agent),
                    opt(r.user.map(|u| users[u].id.as_str())),
                    opt(r.slug_or_port),
                    opt(r.connection_id.as_deref()),
                    opt(r.disconnect_reason),
                    r.disconnect_time.map_or(N, I),
                ];
                sink.push_row(line as u64 + 1, &values)?;
            }
            Ok(())
        },
    )?;
    Ok(())
}
