//! Committed audit rows, in `seq` order, as the API's `AuditLog` JSON (the same conversion as
//! `GET /api/v2/audit`, from `store::audit_logs`) for the audit streams.

use crate::store::sql::DbResult;
use crate::store::sql::Tx;

/// One row ready to send.
pub struct StreamRow {
    pub seq: i64,
    pub id: String,
    pub hash: Option<String>,
    /// One line of JSON, no trailing newline.
    pub json: String,
}

/// Up to `limit` committed rows after `after_seq`, oldest first.
pub fn rows_after(conn: &Tx, after_seq: i64, limit: i64) -> DbResult<Vec<StreamRow>> {
    Ok(crate::store::audit_logs::after_seq(conn, after_seq, limit)?
        .into_iter()
        .map(|(hash, row)| {
            let log = crate::audit::present::log(row);
            StreamRow {
                seq: log.seq,
                id: log.id.clone(),
                hash,
                json: crate::json::to_coder_json(&log).trim_end().to_string(),
            }
        })
        .collect())
}
