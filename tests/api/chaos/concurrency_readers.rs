//! Readers of the concurrency test. Four kinds, each checking what can be checked while rows
//! keep arriving:
//! 0. audit `after_id` walks: strictly ordered by (time DESC, seq DESC), no duplicates, and
//!    every row committed before the walk started is in it;
//! 1. audit and users offset pages: ordered, and `count` never goes down (nothing is deleted);
//! 2. organization member pages and user searches;
//! 3. CSV and NDJSON exports: complete (at least the rows committed before), no duplicates.

use super::concurrency::Ctx;
use super::{agent, send, Outcome};
use crate::common::TestDb;
use serde_json::Value;
use std::collections::HashSet;
use std::time::{Duration, Instant};

#[derive(Default)]
pub struct ReaderStats {
    pub walks: usize,
    pub walk_pages: usize,
    pub pages: usize,
    pub exports: usize,
    pub busy: usize,
    pub failures: Vec<String>,
}

struct Reader {
    ctx: Ctx,
    agent: ureq::Agent,
    conn: TestDb,
    stats: ReaderStats,
}

impl Reader {
    /// GET, retrying 503 + Retry-After; `None` (and a failure) on anything but 200.
    fn get(&mut self, path: &str) -> Option<Outcome> {
        loop {
            let rid = super::new_id();
            let out = send(
                &self.agent,
                &self.ctx.base,
                &self.ctx.token,
                "GET",
                path,
                None,
                &rid,
            );
            if out.leak() {
                self.stats
                    .failures
                    .push(format!("GET {path}: lock leak: {}", out.text));
            }
            match out.status {
                Some(503) if out.retry_after.is_some() => {
                    self.stats.busy += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                Some(200) => return Some(out),
                s => {
                    let head: String = out.text.chars().take(300).collect();
                    self.stats
                        .failures
                        .push(format!("GET {path}: {s:?} {head}"));
                    return None;
                }
            }
        }
    }

    fn committed_ids(&self) -> HashSet<String> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM audit_logs")
            .expect("prepare");
        stmt.query_map(coderlite::params![], |r| r.get::<String>(0))
            .expect("ids")
            .map(|r| r.expect("id"))
            .collect()
    }

    /// (time, seq) of an audit row, from the database (rows are never deleted here).
    fn key(&self, id: &str) -> (i64, i64) {
        self.conn
            .tx()
            .prepare_cached("SELECT time, seq FROM audit_logs WHERE id = ?1")
            .expect("prepare")
            .query_row(coderlite::params![id], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("row of a listed id")
    }

    /// Fails unless `ids` are strictly in (time DESC, seq DESC) order.
    fn check_order(&mut self, what: &str, ids: &[String]) {
        let keys: Vec<(i64, i64)> = ids.iter().map(|id| self.key(id)).collect();
        if let Some(w) = keys.windows(2).find(|w| w[0] <= w[1]) {
            self.stats
                .failures
                .push(format!("{what}: out of order: {:?} then {:?}", w[0], w[1]));
        }
    }

    fn audit_walk(&mut self) {
        let before = self.committed_ids();
        let mut walked: Vec<String> = Vec::new();
        let mut path = "/api/v2/audit?limit=100".to_string();
        let mut cursor = String::new();
        loop {
            let Some(out) = self.get(&path) else { return };
            self.stats.walk_pages += 1;
            let page = ids_of(&out.json()["audit_logs"]);
            let Some(last) = page.last().cloned() else {
                break;
            };
            walked.extend(page);
            // A cursor that does not move would loop forever: fail instead of hanging.
            if last == cursor || walked.len() > 10 * before.len() + 10_000 {
                self.stats
                    .failures
                    .push(format!("after_id walk does not advance past {last}"));
                break;
            }
            path = format!("/api/v2/audit?limit=100&after_id={last}");
            cursor = last;
        }
        self.stats.walks += 1;
        let seen: HashSet<&String> = walked.iter().collect();
        if seen.len() != walked.len() {
            let n = walked.len() - seen.len();
            self.stats
                .failures
                .push(format!("after_id walk: {n} duplicate rows"));
        }
        let missing = before.iter().filter(|id| !seen.contains(id)).count();
        if missing > 0 {
            self.stats.failures.push(format!(
                "after_id walk: {missing} of {} rows committed before the walk are missing",
                before.len()
            ));
        }
        self.check_order("after_id walk", &walked);
    }

    fn offset_pages(&mut self) {
        let mut last_count = 0;
        for (i, base) in ["/api/v2/audit?limit=50", "/api/v2/users?limit=20"]
            .iter()
            .cycle()
            .take(12)
            .enumerate()
        {
            let path = format!("{base}&offset={}", (i / 2) * 25);
            let Some(out) = self.get(&path) else { return };
            self.stats.pages += 1;
            let body = out.json();
            if base.contains("audit") {
                let count = body["count"].as_i64().unwrap_or(-1);
                if count < last_count {
                    self.stats
                        .failures
                        .push(format!("audit count went down: {last_count} -> {count}"));
                }
                last_count = count;
                self.check_order(&path, &ids_of(&body["audit_logs"]));
            } else if body["users"].as_array().is_none() {
                self.stats.failures.push(format!("{path}: no users"));
            }
        }
    }

    fn member_pages(&mut self) {
        let org = self.ctx.org.clone();
        for path in [
            format!("/api/v2/organizations/{org}/paginated-members?limit=10"),
            format!("/api/v2/organizations/{org}/paginated-members?limit=10&offset=5"),
            format!("/api/v2/organizations/{org}/members"),
            "/api/v2/users?q=status:suspended&limit=50".to_string(),
            "/api/v2/users?q=role:auditor".to_string(),
            "/api/v2/aibridge/interceptions?limit=50".to_string(),
        ] {
            if self.get(&path).is_some() {
                self.stats.pages += 1;
            }
        }
    }

    fn export(&mut self, format: &str) {
        let before = self.committed_ids();
        let Some(out) = self.get(&format!("/api/v2/audit/export?format={format}")) else {
            return;
        };
        self.stats.exports += 1;
        let ids: Vec<String> = if format == "ndjson" {
            out.text
                .lines()
                .map(|l| match serde_json::from_str::<Value>(l) {
                    Ok(v) => v["id"].as_str().unwrap_or("").to_string(),
                    Err(e) => format!("bad line ({e})"),
                })
                .collect()
        } else {
            let mut r = csv::Reader::from_reader(out.text.as_bytes());
            let col = r
                .headers()
                .ok()
                .and_then(|h| h.iter().position(|c| c == "id"))
                .unwrap_or(0);
            r.records()
                .map(|rec| rec.map(|r| r[col].to_string()).unwrap_or_default())
                .collect()
        };
        let seen: HashSet<&String> = ids.iter().collect();
        let missing = before.iter().filter(|id| !seen.contains(id)).count();
        if seen.len() != ids.len() || missing > 0 {
            self.stats.failures.push(format!(
                "{format} export: {} rows, {} distinct, {missing} committed rows missing",
                ids.len(),
                seen.len()
            ));
        }
    }
}

fn ids_of(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| r["id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Runs reader `kind` (0..4) until the deadline; a walk or export under way is finished.
pub fn run_reader(ctx: Ctx, kind: usize) -> ReaderStats {
    let conn = crate::dbfix::open(&ctx.db_path);
    let mut r = Reader {
        agent: agent(Duration::from_secs(60)),
        conn,
        stats: ReaderStats::default(),
        ctx,
    };
    let mut round = 0;
    while round == 0 || Instant::now() < r.ctx.deadline {
        round += 1;
        match kind {
            0 => r.audit_walk(),
            1 => r.offset_pages(),
            2 => r.member_pages(),
            _ => r.export(if round % 2 == 0 { "csv" } else { "ndjson" }),
        }
    }
    r.stats
}
