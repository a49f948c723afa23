//! The audit counters (`audit_log_counts`, `audit_log_day_counts`, `audit_log_day_totals`,
//! kept by a trigger in normal operation) accumulated in memory while a bulk load streams the
//! rows, and written once at the end: the trigger is off during the load, and
//! `store::audit_counts::rebuild` would scan the table three more times. The result is the
//! same as `rebuild` (checked by the import tests).

use crate::store::audit_counts::day_of;
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// (day, organization, resource type, action, build reason) as interned string ids.
type Key = (i64, u32, u32, u32, u32);

#[derive(Default)]
pub struct AuditCounts {
    ids: HashMap<String, u32>,
    names: Vec<String>,
    by_day: HashMap<Key, i64>,
}

impl AuditCounts {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.ids.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        id
    }

    /// Counts one row (a NULL build reason counts as '', as in the trigger).
    pub fn add(&mut self, time: i64, org: &str, resource_type: &str, action: &str, reason: &str) {
        let key = (
            day_of(time),
            self.intern(org),
            self.intern(resource_type),
            self.intern(action),
            self.intern(reason),
        );
        *self.by_day.entry(key).or_insert(0) += 1;
    }

    /// Adds the counts to the (empty or not) counter tables.
    pub fn write(&self, conn: &Connection) -> Result<(), String> {
        let err = |e: rusqlite::Error| format!("cannot write the audit counters: {e}");
        let mut totals: HashMap<(u32, u32, u32, u32), i64> = HashMap::new();
        let mut day_totals: HashMap<(i64, u32), i64> = HashMap::new();
        let n = |id: u32| self.names[id as usize].as_str();
        conn.execute_batch("BEGIN").map_err(err)?;
        {
            let mut day_stmt = conn
                .prepare(
                    "INSERT INTO audit_log_day_counts VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
                     ON CONFLICT DO UPDATE SET n = n + excluded.n",
                )
                .map_err(err)?;
            for (&(day, org, rt, action, reason), &count) in &self.by_day {
                day_stmt
                    .execute(params![day, n(org), n(rt), n(action), n(reason), count])
                    .map_err(err)?;
                *totals.entry((org, rt, action, reason)).or_insert(0) += count;
                *day_totals.entry((day, org)).or_insert(0) += count;
            }
            let mut stmt = conn
                .prepare(
                    "INSERT INTO audit_log_counts VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT DO UPDATE SET n = n + excluded.n",
                )
                .map_err(err)?;
            for (&(org, rt, action, reason), &count) in &totals {
                stmt.execute(params![n(org), n(rt), n(action), n(reason), count])
                    .map_err(err)?;
            }
            let mut stmt = conn
                .prepare(
                    "INSERT INTO audit_log_day_totals VALUES (?1, ?2, ?3) \
                     ON CONFLICT DO UPDATE SET n = n + excluded.n",
                )
                .map_err(err)?;
            for (&(day, org), &count) in &day_totals {
                stmt.execute(params![day, n(org), count]).map_err(err)?;
            }
        }
        conn.execute_batch("COMMIT").map_err(err)
    }
}
