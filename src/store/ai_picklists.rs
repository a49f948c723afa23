//! The AI Gateway pick-lists: models, clients and providers seen in completed interceptions.
//! Models and clients match a prefix as PostgreSQL's `LIKE $1 || '%'` does (case-sensitive,
//! `%` and `_` wildcards, `\` escapes), through an equivalent GLOB so the indexes serve it.

use crate::params;
use crate::store::sql::DbResult;
use crate::store::sql::Tx;

/// A PostgreSQL `LIKE` pattern followed by `%`, as a GLOB pattern.
pub fn like_prefix_glob(prefix: &str) -> String {
    let mut out = String::with_capacity(prefix.len() + 1);
    let mut chars = prefix.chars();
    while let Some(c) = chars.next() {
        match c {
            '%' => out.push('*'),
            '_' => out.push('?'),
            '\\' => match chars.next() {
                Some(e) => push_literal(&mut out, e),
                None => push_literal(&mut out, '\\'),
            },
            other => push_literal(&mut out, other),
        }
    }
    out.push('*');
    out
}

fn push_literal(out: &mut String, c: char) {
    match c {
        '*' | '?' | '[' => {
            out.push('[');
            out.push(c);
            out.push(']');
        }
        other => out.push(other),
    }
}

/// The distinct values of `column` over completed interceptions that GLOB-match the pattern,
/// in order, found by one index seek per value (a loose index scan: the pick-lists never
/// read every interception). `column` is a constant of this module, served by an index.
fn distinct(
    conn: &Tx,
    column: &str,
    prefix: &str,
    limit: i64,
    offset: i64,
) -> DbResult<Vec<String>> {
    // A pattern too long for SQLite's GLOB (over 50,000 bytes) matches as a plain literal
    // prefix instead, as `contains_sql` does for long search terms.
    let glob = like_prefix_glob(prefix);
    let (arg, matches) = if conn.dialect() == crate::store::sql::Dialect::Postgres {
        // PostgreSQL matches Coder's `LIKE $1 || '%'` itself (`~~` is its LIKE operator,
        // case-sensitive: the store's `LIKE` means SQLite's case-insensitive one there).
        (prefix.to_string(), "{c} ~~ (?1 || '%')")
    } else if glob.len() > super::LIKE_PATTERN_MAX {
        (prefix.to_string(), "substr({c}, 1, length(?1)) = ?1")
    } else {
        (glob, "{c} GLOB ?1")
    };
    let col_matches = matches.replace("{c}", column);
    // A NULL client lists as `Unknown` (once, also beside a client named so).
    let unknown = if column == "client" {
        format!(
            "UNION SELECT 'Unknown' WHERE {} AND EXISTS (SELECT 1 \
             FROM aibridge_interceptions WHERE ended_at IS NOT NULL AND client IS NULL)",
            matches.replace("{c}", "'Unknown'")
        )
    } else {
        String::new()
    };
    let sql = format!(
        "WITH RECURSIVE v(x) AS ( \
           SELECT min({column}) FROM aibridge_interceptions \
           WHERE ended_at IS NOT NULL AND {col_matches} \
           UNION ALL \
           SELECT (SELECT min({column}) FROM aibridge_interceptions \
                   WHERE ended_at IS NOT NULL AND {column} > v.x AND {col_matches}) \
           FROM v WHERE v.x IS NOT NULL) \
         SELECT x FROM (SELECT x FROM v WHERE x IS NOT NULL {unknown}) vals ORDER BY x \
         LIMIT ?2 OFFSET ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![arg, limit, offset], |r| r.get(0))?;
    rows.collect()
}

/// Distinct models, in order (Coder's `ListAIBridgeModels`).
pub fn models(conn: &Tx, prefix: &str, limit: i64, offset: i64) -> DbResult<Vec<String>> {
    distinct(conn, "model", prefix, limit, offset)
}

/// Distinct clients, `Unknown` for interceptions that named none (Coder's
/// `ListAIBridgeClients`, which leaves the order unspecified; here in order).
pub fn clients(conn: &Tx, prefix: &str, limit: i64, offset: i64) -> DbResult<Vec<String>> {
    distinct(conn, "client", prefix, limit, offset)
}

/// Every provider name of completed interceptions with the provider type its newest
/// interception ran as, by name.
pub fn providers(conn: &Tx) -> DbResult<Vec<(String, String)>> {
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE v(x) AS ( \
           SELECT min(provider_name) FROM aibridge_interceptions WHERE ended_at IS NOT NULL \
           UNION ALL \
           SELECT (SELECT min(provider_name) FROM aibridge_interceptions \
                   WHERE ended_at IS NOT NULL AND provider_name > v.x) \
           FROM v WHERE v.x IS NOT NULL) \
         SELECT x, (SELECT provider FROM aibridge_interceptions WHERE ended_at IS NOT NULL \
                    AND provider_name = v.x ORDER BY started_at DESC LIMIT 1) \
         FROM v WHERE x IS NOT NULL",
    )?;
    let rows = stmt.query_map(params![], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

#[cfg(test)]
mod tests {
    use super::like_prefix_glob;

    #[test]
    fn like_prefixes() {
        assert_eq!(like_prefix_glob(""), "*");
        assert_eq!(like_prefix_glob("gpt"), "gpt*");
        assert_eq!(like_prefix_glob("gpt_5%"), "gpt?5**");
        assert_eq!(like_prefix_glob(r"a\%b\_"), "a%b_*");
        assert_eq!(like_prefix_glob("[x]*?"), "[[]x][*][?]*");
        assert_eq!(like_prefix_glob("end\\"), "end\\*");
    }
}
