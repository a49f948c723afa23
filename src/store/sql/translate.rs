//! The store's SQL (written for SQLite, `?N` placeholders) as PostgreSQL runs it.

/// The store's SQL as PostgreSQL runs it, rewritten outside string literals, quoted
/// identifiers and comments: `?N` → `$N` and a bare `?` → the next number (as SQLite numbers
/// them); `LIKE` → `ILIKE` (SQLite's `LIKE` ignores ASCII case); `INTEGER` → `BIGINT`;
/// `CROSS JOIN .. ON` → `JOIN .. ON`; SQLite's `INDEXED BY` / `NOT INDEXED` hints dropped. The functions of SQLite's
/// that the store calls are defined in the PostgreSQL schema with SQLite's meaning.
pub fn translate(sql: &str) -> String {
    translate_paged(sql).text
}

/// A statement as PostgreSQL runs it, and where its page size and offset are parameters.
#[derive(Debug, PartialEq)]
pub struct Translated {
    pub text: String,
    /// The `$N` right after `LIMIT` or `OFFSET`: (N, its byte range in `text`).
    pub page_params: Vec<(usize, std::ops::Range<usize>)>,
}

/// `translate`, also noting the parameters that are a `LIMIT` or an `OFFSET`.
pub fn translate_paged(sql: &str) -> Translated {
    let b = sql.as_bytes();
    let mut out = String::with_capacity(sql.len() + 8);
    let mut page_params = Vec::new();
    let (mut i, mut max, mut copied) = (0, 0usize, 0);
    // Whether the last token was the word LIMIT or OFFSET.
    let mut after_page_word = false;
    while i < b.len() {
        let page_word = std::mem::take(&mut after_page_word);
        match b[i] {
            c if c.is_ascii_whitespace() => {
                after_page_word = page_word;
                i += 1;
            }
            q @ (b'\'' | b'"') => {
                i += 1;
                while i < b.len() && b[i] != q {
                    i += 1;
                }
                i += 1;
            }
            b'-' if b.get(i + 1) == Some(&b'-') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
            }
            b'?' => {
                let start = i + 1;
                let mut end = start;
                while end < b.len() && b[end].is_ascii_digit() {
                    end += 1;
                }
                let n = if end > start {
                    sql[start..end].parse().unwrap_or(0)
                } else {
                    max + 1
                };
                max = max.max(n);
                out.push_str(&sql[copied..i]);
                let at = out.len();
                out.push('$');
                out.push_str(&n.to_string());
                if page_word {
                    page_params.push((n, at..out.len()));
                }
                i = end;
                copied = end;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
                let word = &sql[start..i];
                after_page_word =
                    word.eq_ignore_ascii_case("limit") || word.eq_ignore_ascii_case("offset");
                if word.eq_ignore_ascii_case("integer") {
                    // SQLite's integers are 64-bit (`CAST(x AS INTEGER)`).
                    out.push_str(&sql[copied..start]);
                    out.push_str("BIGINT");
                    copied = i;
                } else if word.eq_ignore_ascii_case("like") {
                    out.push_str(&sql[copied..start]);
                    out.push_str("ILIKE");
                    copied = i;
                } else if word.eq_ignore_ascii_case("cross") {
                    // SQLite's `CROSS JOIN .. ON` is an inner join in a fixed order (a planner
                    // hint); PostgreSQL allows no ON there and plans the order itself.
                    let mut j = i;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if sql
                        .get(j..j + 4)
                        .is_some_and(|w| w.eq_ignore_ascii_case("join"))
                    {
                        out.push_str(&sql[copied..start]);
                        copied = j;
                    }
                } else if word.eq_ignore_ascii_case("indexed") {
                    // SQLite's planner hints (`INDEXED BY name`, `NOT INDEXED`) are dropped:
                    // PostgreSQL's planner picks the index.
                    let before = sql[copied..start].trim_end();
                    let not =
                        before.len() >= 3 && before[before.len() - 3..].eq_ignore_ascii_case("not");
                    let skip_ws = |mut j: usize| {
                        while j < b.len() && b[j].is_ascii_whitespace() {
                            j += 1;
                        }
                        j
                    };
                    let by = skip_ws(i);
                    if not {
                        out.push_str(&sql[copied..copied + before.len() - 3]);
                        copied = i;
                    } else if sql
                        .get(by..by + 2)
                        .is_some_and(|w| w.eq_ignore_ascii_case("by"))
                    {
                        let mut j = skip_ws(by + 2);
                        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                            j += 1;
                        }
                        out.push_str(sql[copied..start].trim_end());
                        i = j;
                        copied = j;
                    }
                }
            }
            c if c.is_ascii_digit() => {
                // A number (or a word starting with one) is copied as it is.
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out.push_str(&sql[copied.min(sql.len())..]);
    Translated {
        text: out,
        page_params,
    }
}

#[cfg(test)]
mod tests {
    use super::translate as placeholders;
    use super::translate_paged;

    #[test]
    fn page_parameters_are_found() {
        let t = translate_paged("SELECT ?1 FROM t WHERE 'LIMIT ?' LIMIT ?2 OFFSET\n ?3");
        assert_eq!(
            t.text,
            "SELECT $1 FROM t WHERE 'LIMIT ?' LIMIT $2 OFFSET\n $3"
        );
        let spans: Vec<(usize, &str)> = t
            .page_params
            .iter()
            .map(|(n, r)| (*n, &t.text[r.clone()]))
            .collect();
        assert_eq!(spans, vec![(2, "$2"), (3, "$3")]);
        let t = translate_paged("SELECT x FROM t LIMIT (?1) OFFSET ?1 + 1");
        assert_eq!(
            t.page_params.len(),
            1,
            "only a parameter right after the word is one"
        );
        assert!(translate_paged("SELECT ?1 limit_x, ? FROM t")
            .page_params
            .is_empty());
    }

    #[test]
    fn placeholders_are_numbered_outside_literals() {
        assert_eq!(placeholders("SELECT ?1, ?2, ?1"), "SELECT $1, $2, $1");
        assert_eq!(placeholders("VALUES (?, ?, ?)"), "VALUES ($1, $2, $3)");
        assert_eq!(placeholders("a = ?3 AND b = ?"), "a = $3 AND b = $4");
        assert_eq!(
            placeholders("SELECT '?1', \"x?\" -- ?\n, ?1 /* ? */"),
            "SELECT '?1', \"x?\" -- ?\n, $1 /* ? */"
        );
        assert_eq!(
            placeholders("x LIKE 'it''s ?' || ?2"),
            "x ILIKE 'it''s ?' || $2"
        );
        assert_eq!(
            placeholders(
                "FROM audit_logs al INDEXED BY audit_logs_time WHERE x FROM t NOT INDEXED"
            ),
            "FROM audit_logs al WHERE x FROM t "
        );
        assert_eq!(
            placeholders("FROM p CROSS JOIN a ON a.seq = p.seq CROSS  JOIN u ON u.id = a.u"),
            "FROM p JOIN a ON a.seq = p.seq JOIN u ON u.id = a.u"
        );
        assert_eq!(
            placeholders("a like ?1 AND likes = 'LIKE' AND unlike NOT LIKE ?2 LIMIT 10"),
            "a ILIKE $1 AND likes = 'LIKE' AND unlike NOT ILIKE $2 LIMIT 10"
        );
        assert_eq!(
            placeholders("CAST(v AS INTEGER) + integers"),
            "CAST(v AS BIGINT) + integers"
        );
    }
}
