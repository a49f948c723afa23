//! Checks on `connection_logs.csv` rows as they stream in: the type is one of Coder's
//! `connection_type` values, and an agent session's upsert key `(connection_id,
//! workspace_id, agent_name)` appears once (its unique index is built after the load, where
//! a repeat could no longer name its line).

use super::tables::{CONN_AGENT, CONN_CONNECTION_ID, CONN_TYPE, CONN_WORKSPACE};
use crate::model::ConnectionType;
use crate::store::bulk::Sink;
use std::collections::HashSet;

#[derive(Default)]
pub struct RowCheck {
    keys: HashSet<(u128, u128, String)>,
}

impl RowCheck {
    pub fn check(&mut self, row: &Sink) -> Result<(), String> {
        let kind = row.get_text(CONN_TYPE);
        if ConnectionType::parse(kind).is_none() {
            return Err(format!("type: {kind:?} is not a connection type"));
        }
        if row.is_null(CONN_CONNECTION_ID) {
            return Ok(());
        }
        let uuid = |col: usize| {
            uuid::Uuid::parse_str(row.get_text(col))
                .map(|u| u.as_u128())
                .map_err(|e| format!("{e}"))
        };
        let key = (
            uuid(CONN_CONNECTION_ID)?,
            uuid(CONN_WORKSPACE)?,
            row.get_text(CONN_AGENT).to_string(),
        );
        if !self.keys.insert(key) {
            return Err(format!(
                "UNIQUE constraint failed: connection_logs (connection_id, workspace_id, agent_name) \
                 ({} on an earlier line too)",
                row.get_text(CONN_CONNECTION_ID)
            ));
        }
        Ok(())
    }
}
