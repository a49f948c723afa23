//! Reading one `COPY ... TO (FORMAT csv, HEADER, NULL '\N')` file into rows for a table:
//! columns are found by header name (extra columns ignored, missing optional ones defaulted),
//! each field converted by its `Kind`. Errors name the file, the line and the column.

use super::convert;
use crate::store::bulk::Sink;
use std::path::Path;

/// How a field is converted.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    Uuid,
    Text,
    /// `timestamptz` / `timestamp` → microseconds.
    Time,
    Bool,
    Int,
    /// PostgreSQL `text[]` → JSON array.
    TextArray,
    Json,
    Inet,
    /// A password hash: kept when it is an argon2 PHC string (bytea hex or text), else ''.
    Password,
}

/// What a column gets when its header is absent or the field is NULL (`\N`).
#[derive(Clone, Copy, Debug)]
pub enum Missing {
    Required,
    Null,
    Num(i64),
    Str(&'static str),
    /// The (converted) value of another column of the same row.
    SameAs(&'static str),
}

/// One target column, read from the CSV header `name`.
#[derive(Clone, Copy, Debug)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
    pub missing: Missing,
}

pub const fn col(name: &'static str, kind: Kind, missing: Missing) -> Col {
    Col {
        name,
        kind,
        missing,
    }
}

/// The columns of `spec` in order, for the INSERT statement.
pub fn names(spec: &[Col]) -> Vec<&'static str> {
    spec.iter().map(|c| c.name).collect()
}

/// Converts one non-NULL field and writes it as the next cell of the row.
fn convert(kind: Kind, s: &str, sink: &mut Sink) -> Result<(), String> {
    match kind {
        Kind::Uuid => {
            if convert::is_canonical_uuid(s) {
                sink.text(s)
            } else {
                sink.text(&convert::parse_uuid(s)?)
            }
        }
        Kind::Text => sink.text(s),
        Kind::Time => sink.int(convert::parse_time(s)?),
        Kind::Bool => sink.int(i64::from(convert::parse_bool(s)?)),
        Kind::Int => sink.int(
            s.trim()
                .parse::<i64>()
                .map_err(|_| format!("invalid integer {s:?}"))?,
        ),
        Kind::TextArray => sink.text(&convert::parse_text_array(s)?),
        Kind::Json => {
            convert::check_json(s)?;
            sink.text(s)
        }
        Kind::Inet => sink.text(convert::inet(s)),
        Kind::Password => sink.text(&password(s)),
    }
    Ok(())
}

fn password(s: &str) -> String {
    let text = match s.strip_prefix("\\x") {
        Some(hex_part) => hex::decode(hex_part)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default(),
        None => s.to_string(),
    };
    if text.starts_with("$argon2") {
        text
    } else {
        String::new()
    }
}

/// Reads `path` for `spec`, calling `post` on every converted row (it may read the row's
/// cells and append derived ones) before the row is closed. Progress is reported in bytes.
pub fn read(
    path: &Path,
    spec: &[Col],
    sink: &mut Sink,
    mut post: impl FnMut(&mut Sink) -> Result<(), String>,
) -> Result<(), String> {
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let file =
        std::fs::File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .buffer_capacity(1 << 20)
        .from_reader(file);
    let headers = rdr
        .byte_headers()
        .map_err(|e| format!("{file_name}: cannot read the header: {e}"))?
        .clone();
    let header_names: Vec<String> = headers
        .iter()
        .map(|h| String::from_utf8_lossy(h).trim().to_ascii_lowercase())
        .collect();
    // Source field index per target column (None = absent).
    let mut source = Vec::with_capacity(spec.len());
    for c in spec {
        let idx = header_names.iter().position(|h| h == c.name);
        if idx.is_none() && matches!(c.missing, Missing::Required) {
            return Err(format!(
                "{file_name}: required column {:?} is missing",
                c.name
            ));
        }
        source.push(idx);
    }
    let same_as: Vec<Option<usize>> = spec
        .iter()
        .map(|c| match c.missing {
            Missing::SameAs(other) => spec.iter().position(|o| o.name == other),
            _ => None,
        })
        .collect();
    let mut record = csv::ByteRecord::new();
    let mut pending: Vec<usize> = Vec::new();
    loop {
        let more = rdr.read_byte_record(&mut record).map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            format!("{file_name} line {line}: {e}")
        })?;
        if !more {
            break;
        }
        let line = record.position().map_or(0, |p| p.line());
        pending.clear();
        for (i, c) in spec.iter().enumerate() {
            match source[i].and_then(|j| record.get(j)) {
                Some(b"\\N") | None => match c.missing {
                    Missing::Required => {
                        return Err(format!(
                            "{file_name} line {line}: column {:?} must not be NULL",
                            c.name
                        ))
                    }
                    Missing::Null => sink.null(),
                    Missing::Num(n) => sink.int(n),
                    Missing::Str(t) => sink.text(t),
                    Missing::SameAs(_) => {
                        pending.push(i);
                        sink.null()
                    }
                },
                Some(bytes) => {
                    let s = std::str::from_utf8(bytes).map_err(|_| {
                        format!("{file_name} line {line}: column {:?} is not UTF-8", c.name)
                    })?;
                    convert(c.kind, s, sink).map_err(|e| {
                        format!("{file_name} line {line}: column {:?}: {e}", c.name)
                    })?;
                }
            }
        }
        for &i in &pending {
            if let Some(from) = same_as[i] {
                sink.copy_cell(from, i);
            }
        }
        post(sink).map_err(|e| format!("{file_name} line {line}: {e}"))?;
        sink.set_progress(record.position().map_or(0, |p| p.byte()));
        sink.end_row(line)?;
    }
    Ok(())
}
