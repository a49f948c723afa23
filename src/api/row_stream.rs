//! Constant-memory streaming of rows: one reader connection holds one snapshot (so the
//! output is consistent while rows are written), rows are read in keyset chunks by a
//! `ChunkSource`, and each chunk is fetched on the blocking pool only when the client has
//! taken the previous one. Used by the audit and connection-log exports and by pages larger
//! than one chunk. The export's format, its file name and its response live here too.

use crate::db::snapshot::Snapshot;
use crate::error::{ApiError, ApiResult, Validation};
use crate::search::pagination::query_values;
use crate::store::sql::Tx;
use actix_web::http::header;
use actix_web::{web, HttpResponse};
use bytes::Bytes;
use futures_util::Stream;

/// Rows per chunk (one SQL statement, one piece of the response body).
pub const CHUNK_ROWS: i64 = 1000;

/// What a stream reads: the next rows in order, and how one row is a CSV record.
pub trait ChunkSource: Send + 'static {
    type Row: serde::Serialize;
    /// The JSON key of a page's rows (`audit_logs`).
    const PAGE_KEY: &'static str;
    const CSV_HEADER: &'static [&'static str];
    /// Up to `want` rows following the previous fetch (the first starts at the caller's
    /// offset or cursor).
    fn fetch(&mut self, conn: &Tx, want: i64) -> ApiResult<Vec<Self::Row>>;
    fn csv_record(row: &Self::Row) -> Vec<String>;
}

/// How rows are written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Csv,
    Ndjson,
    /// `{"<key>":[...],"count":N,"count_cap":C}` like the list endpoints.
    Page {
        count: i64,
        count_cap: i64,
    },
}

pub struct RowStream<S: ChunkSource> {
    snapshot: Option<Snapshot>,
    source: S,
    encoding: Encoding,
    /// Rows still wanted (None: all).
    left: Option<i64>,
    started: bool,
    emitted: bool,
    done: bool,
    closed: bool,
}

impl<S: ChunkSource> RowStream<S> {
    pub fn new(snapshot: Snapshot, source: S, encoding: Encoding, left: Option<i64>) -> Self {
        RowStream {
            snapshot: Some(snapshot),
            source,
            encoding,
            left,
            started: false,
            emitted: false,
            done: false,
            closed: false,
        }
    }

    fn fetch(&mut self) -> ApiResult<Vec<S::Row>> {
        let want = self.left.map_or(CHUNK_ROWS, |l| l.min(CHUNK_ROWS));
        let Some(snapshot) = self.snapshot.as_ref().filter(|_| want > 0) else {
            self.done = true;
            return Ok(Vec::new());
        };
        let rows = self.source.fetch(&snapshot.tx(), want)?;
        if let Some(l) = self.left.as_mut() {
            *l -= rows.len() as i64;
        }
        if (rows.len() as i64) < want || self.left == Some(0) {
            self.done = true;
            self.snapshot = None; // end the read transaction now
        }
        Ok(rows)
    }

    /// The next piece of the body (on a blocking thread); None when finished.
    fn next_chunk(&mut self) -> ApiResult<Option<Vec<u8>>> {
        if self.closed {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(1 << 20);
        let csv_err = |e: csv::Error| ApiError::internal(format!("csv: {e}"));
        let flush_err = |e: std::io::Error| ApiError::internal(format!("csv: {e}"));
        if !self.started {
            self.started = true;
            match self.encoding {
                Encoding::Csv => {
                    let mut w = csv::Writer::from_writer(&mut out);
                    w.write_record(S::CSV_HEADER).map_err(csv_err)?;
                    w.flush().map_err(flush_err)?;
                }
                Encoding::Page { .. } => {
                    out.extend_from_slice(format!("{{\"{}\":[", S::PAGE_KEY).as_bytes())
                }
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
                        w.write_record(S::csv_record(r)).map_err(csv_err)?;
                    }
                    w.flush().map_err(flush_err)?;
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

/// The response body: chunks pulled one at a time through the blocking pool. An error after
/// the first bytes can only abort the connection; it is logged.
pub fn body<S: ChunkSource>(
    stream: RowStream<S>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> {
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
                log::error!("row stream aborted: {e}");
                Some((Err(std::io::Error::other(e.to_string())), None))
            }
            Err(e) => Some((Err(std::io::Error::other(e.to_string())), None)),
        }
    })
}

/// A streamed page (`limit` above one chunk): `application/json`.
pub fn page_response<S: ChunkSource>(stream: RowStream<S>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .streaming(body(stream))
}

/// An export's `format` (`csv`, the default, or `ndjson`).
pub fn parse_format(pairs: &[(String, String)]) -> ApiResult<Encoding> {
    let values = query_values(pairs, "format");
    let bad = |detail: String| ApiError::invalid_query(vec![Validation::new("format", detail)]);
    match values.as_slice() {
        [] | [""] | ["csv"] => Ok(Encoding::Csv),
        ["ndjson"] => Ok(Encoding::Ndjson),
        [v] => Err(bad(format!(
            "Query param \"format\" has invalid value: {v:?} is not one of \"csv\", \"ndjson\""
        ))),
        many => Err(bad(format!(
            "Query param \"format\" provided more than once, found {} times. Only provide 1 instance of this query param.",
            many.len()
        ))),
    }
}

/// An export download: `<name>-<UTC time>.<csv|ndjson>`, never cached.
pub fn export_response<S: ChunkSource>(name: &str, stream: RowStream<S>) -> HttpResponse {
    let (ext, content_type) = match stream.encoding {
        Encoding::Ndjson => ("ndjson", "application/x-ndjson"),
        _ => ("csv", "text/csv; charset=utf-8"),
    };
    let filename = format!(
        "{name}-{}.{ext}",
        crate::timefmt::format_compact(crate::timefmt::now_micros())
    );
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body(stream))
}
