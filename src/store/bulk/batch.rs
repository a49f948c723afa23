//! Row batches passed from the producing thread (CSV parser or generator) to the inserting
//! thread. A batch keeps all its text in one buffer and its cells as offsets into it, so a
//! million rows cost a few dozen allocations instead of tens of millions; emptied batches
//! travel back to the producer for reuse.

use rusqlite::types::ValueRef;
use std::sync::mpsc::{Receiver, SyncSender};

/// Rows per batch (= per transaction).
pub const BATCH_ROWS: usize = 20_000;
const BATCH_BYTES: usize = 16 << 20;

#[derive(Clone, Copy, Debug)]
pub enum Cell {
    Null,
    Int(i64),
    /// (offset, length) into the batch's text buffer.
    Text(u32, u32),
}

/// A value for `Sink::push_row`.
#[derive(Clone, Copy, Debug)]
pub enum V<'a> {
    N,
    I(i64),
    T(&'a str),
}

#[derive(Default)]
pub struct Batch {
    buf: String,
    cells: Vec<Cell>,
    /// Source line (or row number) of each row, for error messages.
    pub lines: Vec<u64>,
    /// Producer progress (bytes read) after this batch.
    pub progress: u64,
}

impl Batch {
    pub fn rows(&self) -> usize {
        self.lines.len()
    }

    /// The cells of row `r` (with `ncols` columns) as SQLite values.
    pub fn value(&self, r: usize, ncols: usize, c: usize) -> ValueRef<'_> {
        match self.cells[r * ncols + c] {
            Cell::Null => ValueRef::Null,
            Cell::Int(v) => ValueRef::Integer(v),
            Cell::Text(o, l) => ValueRef::Text(&self.buf.as_bytes()[o as usize..(o + l) as usize]),
        }
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.cells.clear();
        self.lines.clear();
        self.progress = 0;
    }
}

/// Where a producer writes rows, cell by cell (`null`/`int`/`text`, then `end_row`).
pub struct Sink {
    tx: SyncSender<Batch>,
    free: Receiver<Batch>,
    ncols: usize,
    batch: Batch,
    row_start: usize,
}

impl Sink {
    pub(crate) fn new(tx: SyncSender<Batch>, free: Receiver<Batch>, ncols: usize) -> Sink {
        Sink {
            tx,
            free,
            ncols,
            batch: Batch::default(),
            row_start: 0,
        }
    }

    pub fn null(&mut self) {
        self.batch.cells.push(Cell::Null);
    }

    pub fn int(&mut self, v: i64) {
        self.batch.cells.push(Cell::Int(v));
    }

    pub fn text(&mut self, s: &str) {
        let o = self.batch.buf.len() as u32;
        self.batch.buf.push_str(s);
        self.batch.cells.push(Cell::Text(o, s.len() as u32));
    }

    /// Number of cells written so far for the current row.
    pub fn cells_in_row(&self) -> usize {
        self.batch.cells.len() - self.row_start
    }

    /// Overwrites cell `col` of the current row with a copy of cell `from`.
    pub fn copy_cell(&mut self, from: usize, col: usize) {
        let c = self.batch.cells[self.row_start + from];
        self.batch.cells[self.row_start + col] = c;
    }

    /// Text of cell `col` of the current row ("" when it is not text).
    pub fn get_text(&self, col: usize) -> &str {
        match self.batch.cells.get(self.row_start + col) {
            Some(Cell::Text(o, l)) => &self.batch.buf[*o as usize..(*o + *l) as usize],
            _ => "",
        }
    }

    pub fn get_int(&self, col: usize) -> Option<i64> {
        match self.batch.cells.get(self.row_start + col) {
            Some(Cell::Int(v)) => Some(*v),
            _ => None,
        }
    }

    pub fn is_null(&self, col: usize) -> bool {
        matches!(self.batch.cells.get(self.row_start + col), Some(Cell::Null))
    }

    /// Progress in bytes, for loads measured in bytes (otherwise rows inserted count).
    pub fn set_progress(&mut self, p: u64) {
        self.batch.progress = p;
    }

    /// Closes the current row; `line` names it in error messages.
    pub fn end_row(&mut self, line: u64) -> Result<(), String> {
        if self.cells_in_row() != self.ncols {
            return Err(format!(
                "internal error: row has {} values for {} columns",
                self.cells_in_row(),
                self.ncols
            ));
        }
        self.batch.lines.push(line);
        self.row_start = self.batch.cells.len();
        if self.batch.lines.len() >= BATCH_ROWS || self.batch.buf.len() >= BATCH_BYTES {
            self.flush()?;
        }
        Ok(())
    }

    /// Appends cells to the current row.
    pub fn push_cells(&mut self, values: &[V]) {
        for v in values {
            match *v {
                V::N => self.null(),
                V::I(i) => self.int(i),
                V::T(s) => self.text(s),
            }
        }
    }

    /// One whole row at once.
    pub fn push_row(&mut self, line: u64, values: &[V]) -> Result<(), String> {
        self.push_cells(values);
        self.end_row(line)
    }

    /// Links the current audit row into the tamper-evidence chain: hashes the cells written
    /// so far (they must be `store::audit_chain::COLUMNS`, in order) after `prev`, appends
    /// `prev_hash` and `hash`, and moves `prev` on.
    pub fn chain_audit_row(&mut self, prev: &mut String) {
        let start = self.row_start;
        let buf = self.batch.buf.as_bytes();
        let hash = crate::store::audit_chain::link(
            prev,
            self.batch.cells[start..].iter().map(|c| match *c {
                Cell::Null => ValueRef::Null,
                Cell::Int(v) => ValueRef::Integer(v),
                Cell::Text(o, l) => ValueRef::Text(&buf[o as usize..(o + l) as usize]),
            }),
        );
        let old = std::mem::replace(prev, hash);
        self.text(&old);
        let new = prev.clone();
        self.text(&new);
    }

    pub(crate) fn flush(&mut self) -> Result<(), String> {
        if self.batch.lines.is_empty() {
            return Ok(());
        }
        let mut next = self.free.try_recv().unwrap_or_default();
        next.clear();
        let full = std::mem::replace(&mut self.batch, next);
        self.row_start = 0;
        self.tx.send(full).map_err(|_| "insert stopped".to_string())
    }
}
