//! Constant-memory streaming of audit rows: one reader connection holds one snapshot (so the
//! output is consistent while rows are written), rows are read in keyset chunks, and each
//! chunk is fetched on the blocking pool only when the client has taken the previous one.
//! Used by the export and by `GET /audit` pages larger than one chunk.

use crate::audit::present;
use crate::db::snapshot::Snapshot;
use crate::error::{ApiError, ApiResult};
use crate::model::query::AuditFilter;
use crate::model::AuditLog;
use crate::rbac::AuditScope;
use crate::store::audit_logs::{self, Cursor, PageSpec};
use actix_web::web;
use bytes::Bytes;
use futures_util::Stream;

/// Rows per chunk (one SQL statement, one piece of the response body).
pub const CHUNK_ROWS: i64 = 1000;

/// CSV columns: the API's fields, nested values as JSON text.
pub const CSV_HEADER: &[&str] = &[
    "id",
    "request_id",
    "time",
    "ip",
    "user_agent",
    "resource_type",
    "resource_id",
    "resource_target",
    "resource_icon",
    "action",
    "diff",
    "status_code",
    "additional_fields",
    "description",
    "resource_link",
    "is_deleted",
    "organization_id",
    "organization",
    "user",
];

/// How rows are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Csv,
    Ndjson,
    /// `{"audit_logs":[...],"count":N,"count_cap":C}` like `GET /audit`.
    Page {
        count: i64,
        count_cap: i64,
    },
}

pub struct RowStream {
    snapshot: Option<Snapshot>,
    filter: AuditFilter,
    scope: AuditScope,
    encoding: Encoding,
    /// The next fetch: the first one carries the caller's offset/cursor, later ones continue
    /// after the last row sent.
    next: PageSpec,
    /// Rows still wanted (None: all).
    left: Option<i64>,
    started: bool,
    emitted: bool,
    done: bool,
    closed: bool,
}

impl RowStream {
    pub fn new(
        snapshot: Snapshot,
        filter: AuditFilter,
        scope: AuditScope,
        encoding: Encoding,
        first: PageSpec,
        left: Option<i64>,
    ) -> RowStream {
        RowStream {
            snapshot: Some(snapshot),
            filter,
            scope,
            encoding,
            next: first,
            left,
            started: false,
            emitted: false,
            done: false,
            closed: false,
        }
    }

    fn fetch(&mut self) -> ApiResult<Vec<AuditLog>> {
        let want = self.left.map_or(CHUNK_ROWS, |l| l.min(CHUNK_ROWS));
        let Some(snapshot) = self.snapshot.as_ref().filter(|_| want > 0) else {
            self.done = true;
            return Ok(Vec::new());
        };
        let spec = PageSpec {
            limit: want,
            ..self.next.clone()
        };
        let rows = audit_logs::page(snapshot.conn(), &self.filter, &self.scope, &spec)?;
        if let Some(l) = self.left.as_mut() {
            *l -= rows.len() as i64;
        }
        if (rows.len() as i64) < want || self.left == Some(0) {
            self.done = true;
            self.snapshot = None; // end the read transaction now
        }
        self.next = PageSpec {
            after: rows.last().map(|r| Cursor {
                time: r.time,
                seq: r.seq,
            }),
            offset: 0,
            ..spec
        };
        Ok(rows.into_iter().map(present::log).collect())
    }

    /// The next piece of the body (on a blocking thread); None when finished.
    fn next_chunk(&mut self) -> ApiResult<Option<Vec<u8>>> {
        if self.closed {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(1 << 20);
        let csv_err = |e: csv::Error| ApiError::internal(format!("csv: {e}"));
        if !self.started {
            self.started = true;
            match self.encoding {
                Encoding::Csv => {
                    let mut w = csv::Writer::from_writer(&mut out);
                    w.write_record(CSV_HEADER).map_err(csv_err)?;
                    w.flush()
                        .map_err(|e| ApiError::internal(format!("csv: {e}")))?;
                }
                Encoding::Page { .. } => out.extend_from_slice(b"{\"audit_logs\":["),
                Encoding::Ndjson => {}
            }
        }
        if !self.done {
            let rows = self.fetch()?;
            match self.encoding {
                Encoding::Ndjson => {
                    for r in &rows {
                        out.extend_from_slice(crate::json::to_coder_json(r).as_bytes());
                    }
                }
                Encoding::Page { .. } => {
                    for r in &rows {
                        if self.emitted {
                            out.push(b',');
                        }
                        self.emitted = true;
                        let line = crate::json::to_coder_json(r);
                        out.extend_from_slice(line.trim_end_matches('\n').as_bytes());
                    }
                }
                Encoding::Csv => {
                    let mut w = csv::Writer::from_writer(&mut out);
                    for r in &rows {
                        w.write_record(csv_record(r)).map_err(csv_err)?;
                    }
                    w.flush()
                        .map_err(|e| ApiError::internal(format!("csv: {e}")))?;
                }
            }
        }
        if self.done {
            self.closed = true;
            if let Encoding::Page { count, count_cap } = self.encoding {
                out.extend_from_slice(
                    format!("],\"count\":{count},\"count_cap\":{count_cap}}}\n").as_bytes(),
                );
            }
        }
        // Every call fetches until it has bytes or is finished, so empty means finished.
        Ok((!out.is_empty()).then_some(out))
    }
}

fn csv_record(log: &AuditLog) -> Vec<String> {
    let json = |v: &serde_json::Value| v.to_string();
    vec![
        log.id.clone(),
        log.request_id.clone(),
        crate::timefmt::format_micros(log.time),
        log.ip.clone(),
        log.user_agent.clone(),
        log.resource_type.clone(),
        log.resource_id.clone(),
        log.resource_target.clone(),
        log.resource_icon.clone(),
        log.action.clone(),
        json(&log.diff),
        log.status_code.to_string(),
        json(&log.additional_fields),
        log.description.clone(),
        log.resource_link.clone(),
        log.is_deleted.to_string(),
        log.organization_id.clone(),
        log.organization
            .as_ref()
            .and_then(|o| serde_json::to_string(o).ok())
            .unwrap_or_default(),
        log.user
            .as_ref()
            .and_then(|u| serde_json::to_string(u).ok())
            .unwrap_or_default(),
    ]
}

/// The response body: chunks pulled one at a time through the blocking pool. An error after
/// the first bytes can only abort the connection; it is logged.
pub fn body(stream: RowStream) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
    futures_util::stream::unfold(Some(stream), |st| async move {
        let mut st = st?;
        let result = web::block(move || {
            let r = st.next_chunk();
            (st, r)
        })
        .await;
        match result {
            Ok((st, Ok(Some(bytes)))) => Some((Ok(Bytes::from(bytes)), Some(st))),
            Ok((_, Ok(None))) => None,
            Ok((_, Err(e))) => {
                log::error!("audit stream aborted: {e}");
                Some((Err(std::io::Error::other(e.to_string())), None))
            }
            Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
        }
    })
}
