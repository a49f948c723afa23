//! Copying a whole deployment between databases of either engine (`coderlite migrate`): the
//! base tables in an order their references allow, each read in key order in chunks and
//! written with the same statements on the target, whose triggers rebuild what they keep
//! (counters, the AI Gateway sessions' rows). The audit rows keep their `seq` and hashes, so
//! the copy carries the same chain.

use super::sql::{DbResult, Dialect, Tx, Value};

/// A base table: its stored columns (generated ones are derived again on the target) and the
/// key its rows are read in (unique, so a chunk goes on after the last key read).
pub struct Table {
    pub name: &'static str,
    pub columns: &'static str,
    pub key: &'static str,
}

pub const TABLES: &[Table] = &[
    Table {
        name: "settings",
        columns: "key, value",
        key: "key",
    },
    Table {
        name: "organizations",
        columns:
            "id, name, display_name, description, icon, is_default, deleted, created_at, updated_at",
        key: "id",
    },
    Table {
        name: "users",
        columns: "id, email, username, name, hashed_password, avatar_url, status, login_type, \
                  rbac_roles, deleted, is_system, is_service_account, github_com_user_id, \
                  quiet_hours_schedule, theme_preference, created_at, updated_at, last_seen_at",
        key: "id",
    },
    Table {
        name: "organization_members",
        columns: "organization_id, user_id, roles, created_at, updated_at",
        key: "organization_id || ' ' || user_id",
    },
    Table {
        name: "api_keys",
        columns: "id, hashed_secret, user_id, login_type, lifetime_seconds, token_name, scopes, \
                  allow_list, ip_address, created_at, updated_at, last_used, expires_at",
        key: "id",
    },
    Table {
        name: "workspaces",
        columns:
            "id, owner_id, organization_id, name, deleted, created_at, updated_at, last_used_at",
        key: "id",
    },
    Table {
        name: "workspace_builds",
        columns: "id, workspace_id, build_number, transition, initiator_id, reason, has_ai_task, \
                  job_id, created_at, updated_at",
        key: "id",
    },
    Table {
        name: "aibridge_interceptions",
        columns:
            "id, initiator_id, provider, provider_name, model, started_at, ended_at, metadata, \
                  api_key_id, client, client_session_id, thread_parent_id, thread_root_id, \
                  credential_kind, credential_hint, agent_firewall_session_id, \
                  agent_firewall_sequence_number, error_type, error_message, last_prompt_at",
        key: "id",
    },
    Table {
        name: "aibridge_token_usages",
        columns: "id, interception_id, provider_response_id, input_tokens, output_tokens, \
                  cache_read_input_tokens, cache_write_input_tokens, metadata, created_at",
        key: "id",
    },
    Table {
        name: "aibridge_user_prompts",
        columns: "id, interception_id, provider_response_id, prompt, metadata, created_at",
        key: "id",
    },
    Table {
        name: "aibridge_tool_usages",
        columns: "id, interception_id, provider_response_id, provider_tool_call_id, \
                  provider_item_id, tool, server_url, input, injected, invocation_error, metadata, \
                  created_at",
        key: "id",
    },
    // `rowid`: SQLite's implicit insertion order, a column on PostgreSQL; copied in that order.
    Table {
        name: "aibridge_model_thoughts",
        columns: "interception_id, content, metadata, created_at",
        key: "rowid",
    },
    Table {
        name: "audit_logs",
        columns: "seq, id, time, user_id, organization_id, ip, user_agent, resource_type, \
                  resource_id, resource_target, action, diff, status_code, additional_fields, \
                  request_id, resource_icon, build_reason, prev_hash, hash",
        key: "seq",
    },
    Table {
        name: "connection_logs",
        columns: "seq, id, connect_time, organization_id, workspace_owner_id, workspace_id, \
                  workspace_name, agent_name, type, code, ip, user_agent, user_id, slug_or_port, \
                  connection_id, disconnect_reason, disconnect_time",
        key: "seq",
    },
];

pub fn count(tx: &Tx, t: &Table) -> DbResult<i64> {
    tx.query_row(
        &format!("SELECT count(*) FROM {}", t.name),
        crate::params![],
        |r| r.get(0),
    )
}

/// Whether a target holds no deployment yet (no organization, user or audit row).
pub fn is_empty(tx: &Tx) -> DbResult<bool> {
    tx.query_row(
        "SELECT (SELECT count(*) FROM organizations) + (SELECT count(*) FROM users) \
         + (SELECT count(*) FROM audit_logs)",
        crate::params![],
        |r| Ok(r.get::<i64>(0)? == 0),
    )
}

/// Up to `limit` rows after key `after` (from the first with `None`), in key order; each row's
/// values are `t.columns`, then its key.
pub fn chunk(tx: &Tx, t: &Table, after: Option<&Value>, limit: usize) -> DbResult<Vec<Vec<Value>>> {
    let n = t.columns.split(',').count();
    let (sql, params) = match after {
        None => (
            format!(
                "SELECT {}, {k} FROM {} ORDER BY {k} LIMIT ?1",
                t.columns,
                t.name,
                k = t.key
            ),
            vec![Value::Integer(limit as i64)],
        ),
        Some(a) => (
            format!(
                "SELECT {}, {k} FROM {} WHERE {k} > ?2 ORDER BY {k} LIMIT ?1",
                t.columns,
                t.name,
                k = t.key
            ),
            vec![Value::Integer(limit as i64), a.clone()],
        ),
    };
    tx.prepare_cached(&sql)?
        .query_map(&params, |r| (0..=n).map(|i| r.value(i)).collect())?
        .collect()
}

/// Rows per INSERT statement (fewer round trips; within both engines' parameter limits).
const ROWS_PER_INSERT: usize = 100;

/// Writes rows read by `chunk` (their key dropped).
pub fn insert(tx: &Tx, t: &Table, rows: &[Vec<Value>]) -> DbResult<()> {
    let n = t.columns.split(',').count();
    let sql = |k: usize| {
        let one = format!("({})", vec!["?"; n].join(", "));
        format!(
            "INSERT INTO {} ({}) VALUES {}",
            t.name,
            t.columns,
            vec![one; k].join(", ")
        )
    };
    for part in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<Value> = part.iter().flat_map(|r| r[..n].iter().cloned()).collect();
        tx.prepare_cached(&sql(part.len()))?.execute(&values)?;
    }
    Ok(())
}

/// Tables whose triggers keep counters and the AI Gateway sessions' rows.
const TRIGGERED: &[&str] = &[
    "audit_logs",
    "connection_logs",
    "aibridge_interceptions",
    "aibridge_user_prompts",
    "aibridge_token_usages",
    "aibridge_session_order",
];

/// Before the copy into PostgreSQL: the triggers are off (what they keep is rebuilt once by
/// `end_load`, instead of per row). SQLite keeps them: its triggers are cheap per row.
pub fn begin_load(tx: &Tx) -> DbResult<()> {
    if tx.dialect() == Dialect::Postgres {
        for t in TRIGGERED {
            tx.execute_batch(&format!("ALTER TABLE {t} DISABLE TRIGGER USER"))?;
        }
    }
    Ok(())
}

/// After the copy: what the triggers keep, rebuilt from the rows, and the triggers back on.
pub fn end_load(tx: &Tx) -> DbResult<()> {
    if tx.dialect() == Dialect::Postgres {
        // Statistics first: without them the rebuilds' joins are planned for empty tables.
        tx.execute_batch("ANALYZE")?;
        super::audit_counts::rebuild(tx)?;
        super::connection_log_counts::rebuild(tx)?;
        super::ai_sessions::rebuild_order(tx)?;
        for t in TRIGGERED {
            tx.execute_batch(&format!("ALTER TABLE {t} ENABLE TRIGGER USER"))?;
        }
    }
    finish(tx)
}

/// PostgreSQL's identity columns go on after the copied values.
fn finish(tx: &Tx) -> DbResult<()> {
    if tx.dialect() == Dialect::Postgres {
        for t in ["audit_logs", "connection_logs"] {
            tx.execute_batch(&format!(
                "SELECT setval(pg_get_serial_sequence('{t}', 'seq'), \
                 COALESCE((SELECT max(seq) FROM {t}), 0) + 1, false)"
            ))?;
        }
    }
    Ok(())
}
