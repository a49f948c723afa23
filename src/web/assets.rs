//! The embedded files and the only way to reach them: a strict name check, then an exact
//! lookup in the compiled-in table. The files are compiled into every build (rust-embed's
//! `debug-embed`; build.rs rebuilds on any change under `web/`), nothing is read from the
//! file system at run time, and no request path can name a file outside `web/assets/`.

use rust_embed::{EmbeddedFile, RustEmbed};

#[derive(RustEmbed)]
#[folder = "web/"]
struct Files;

/// A file of `web/` by its exact name (used for the shell).
pub fn get(name: &str) -> Option<EmbeddedFile> {
    Files::get(name)
}

/// The file for `/assets/{path}` and its content type, or None (→ 404) when the path is not
/// a plain relative name of an existing asset.
pub fn lookup(path: &str) -> Option<(EmbeddedFile, &'static str)> {
    if !is_safe(path) {
        return None;
    }
    let content_type = content_type(path)?;
    let file = Files::get(&format!("assets/{path}"))?;
    Some((file, content_type))
}

/// Only `[A-Za-z0-9._-]` segments separated by single `/`, none of them empty, `.` or `..`,
/// none starting with a dot.
fn is_safe(path: &str) -> bool {
    !path.is_empty()
        && path.len() <= 200
        && path.split('/').all(|seg| {
            !seg.is_empty()
                && !seg.starts_with('.')
                && seg
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        })
}

/// The types we ship; anything else is not served.
fn content_type(path: &str) -> Option<&'static str> {
    let ext = path.rsplit_once('.')?.1;
    Some(match ext {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "html" => "text/html; charset=utf-8",
        "json" => "application/json",
        "txt" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::is_safe;

    #[test]
    fn rejects_traversal_and_odd_names() {
        for bad in [
            "",
            "../Cargo.toml",
            "js/../../src/lib.rs",
            "/etc/passwd",
            "js//app.js",
            ".hidden",
            "js/./app.js",
            "a\\b.js",
            "%2e%2e/x.js",
            "app.js\0",
        ] {
            assert!(!is_safe(bad), "{bad:?} must be refused");
        }
        assert!(is_safe("js/app.js"));
        assert!(is_safe("app.css"));
    }
}
