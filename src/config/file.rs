//! The optional configuration file (`coderlite.toml`): every `coderlite server` flag can be set
//! there too, keyed by its long name (`read_pool_size = 4` or `read-pool-size = 4`).
//! Precedence: flag > environment variable > file > default. The file's values are handed to
//! clap as if they were flags — but only for settings neither a flag nor the environment set —
//! so they are parsed and validated exactly like flags.
//!
//! `--print-config` shows the effective configuration as TOML (a valid config file), with the
//! source of each value and secrets redacted: every setting whose environment value clap hides
//! (passwords, tokens), and the credentials and query values of URLs.

use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Args, Command};
use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Used when `--config` is not given and the file exists.
pub const DEFAULT_FILE: &str = "coderlite.toml";
pub const REDACTED: &str = "<redacted>";

/// `coderlite server` arguments: the server configuration plus the file options.
#[derive(Debug, Clone, Args)]
pub struct ServerArgs {
    #[command(flatten)]
    pub config: crate::config::ServerConfig,

    /// Configuration file (TOML; keys are the flag names). Default: ./coderlite.toml if present.
    #[arg(long = "config", env = "CODERLITE_CONFIG")]
    pub config_file: Option<PathBuf>,

    /// Print the effective configuration (secrets redacted) and exit.
    #[arg(long, default_value_t = false)]
    pub print_config: bool,
}

/// Arg ids of `ServerArgs` that are not server settings.
const NOT_SETTINGS: &[&str] = &["config_file", "print_config", "help", "version"];

#[derive(Debug)]
pub enum LoadError {
    /// Bad command line (or --help/--version): let clap print it and exit.
    Cli(clap::Error),
    /// A problem with the configuration file.
    File(String),
}

/// Parsed arguments with the file applied, and where each server setting came from.
pub struct Loaded {
    pub matches: ArgMatches,
    pub file: Option<PathBuf>,
    /// setting id → `flag`, `env`, `file`, `default` or `unset`.
    pub sources: BTreeMap<String, &'static str>,
}

fn toml_scalar(key: &str, v: &toml::Value) -> Result<String, String> {
    match v {
        toml::Value::String(s) => Ok(s.clone()),
        toml::Value::Integer(i) => Ok(i.to_string()),
        toml::Value::Float(f) => Ok(f.to_string()),
        toml::Value::Boolean(b) => Ok(b.to_string()),
        _ => Err(format!("{key}: expected a string, number or boolean")),
    }
}

/// Parses `argv` with `cmd`; when the `server` subcommand runs, applies the configuration file.
pub fn load(cmd: Command, argv: Vec<OsString>) -> Result<Loaded, LoadError> {
    let first = cmd
        .clone()
        .try_get_matches_from(&argv)
        .map_err(LoadError::Cli)?;
    let Some(("server", sub)) = first.subcommand() else {
        return Ok(Loaded {
            matches: first,
            file: None,
            sources: BTreeMap::new(),
        });
    };
    let explicit = sub.get_one::<PathBuf>("config_file").cloned();
    let file = match explicit {
        Some(p) => Some(p),
        None => Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.is_file()),
    };
    let server_cmd = cmd
        .find_subcommand("server")
        .cloned()
        .ok_or_else(|| LoadError::File("no server command".into()))?;
    let settings: Vec<&clap::Arg> = server_cmd
        .get_arguments()
        .filter(|a| !NOT_SETTINGS.contains(&a.get_id().as_str()))
        .collect();
    let mut extra: Vec<OsString> = Vec::new();
    let mut from_file: Vec<String> = Vec::new();
    if let Some(path) = &file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| LoadError::File(format!("cannot read {}: {e}", path.display())))?;
        let table: toml::Table = text
            .parse()
            .map_err(|e| LoadError::File(format!("{}: {e}", path.display())))?;
        for (key, value) in &table {
            let id = key.replace('-', "_");
            let arg = settings
                .iter()
                .find(|a| a.get_id().as_str() == id)
                .ok_or_else(|| {
                    LoadError::File(format!("{}: unknown setting {key:?}", path.display()))
                })?;
            if matches!(
                sub.value_source(&id),
                Some(ValueSource::CommandLine) | Some(ValueSource::EnvVariable)
            ) {
                continue;
            }
            let long = arg.get_long().unwrap_or(id.as_str()).to_string();
            if matches!(arg.get_action(), ArgAction::SetTrue) {
                match value {
                    toml::Value::Boolean(true) => extra.push(format!("--{long}").into()),
                    toml::Value::Boolean(false) => {}
                    _ => {
                        return Err(LoadError::File(format!(
                            "{}: {key}: expected true or false",
                            path.display()
                        )))
                    }
                }
            } else {
                let v = toml_scalar(key, value)
                    .map_err(|e| LoadError::File(format!("{}: {e}", path.display())))?;
                extra.push(format!("--{long}={v}").into());
            }
            from_file.push(id);
        }
    }
    let matches = if extra.is_empty() {
        first
    } else {
        let mut all = argv;
        all.extend(extra);
        cmd.try_get_matches_from(all).map_err(|e| {
            let shown = file.as_deref().map(Path::display);
            let text = e.render().to_string();
            let first = text.lines().next().unwrap_or_default();
            LoadError::File(format!(
                "{}: {}",
                shown.map(|d| d.to_string()).unwrap_or_default(),
                first.strip_prefix("error: ").unwrap_or(first)
            ))
        })?
    };
    let mut sources = BTreeMap::new();
    if let Some(("server", sub)) = matches.subcommand() {
        for a in &settings {
            let id = a.get_id().as_str().to_string();
            let src = if from_file.contains(&id) {
                "file"
            } else {
                match sub.value_source(&id) {
                    Some(ValueSource::CommandLine) => "flag",
                    Some(ValueSource::EnvVariable) => "env",
                    Some(ValueSource::DefaultValue) => "default",
                    _ => "unset",
                }
            };
            sources.insert(id, src);
        }
    }
    Ok(Loaded {
        matches,
        file,
        sources,
    })
}

/// A URL with its password and query values replaced by `<redacted>`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{user}:{REDACTED}@{host}"),
            // A lone user part is often a token (`https://TOKEN@host`).
            None => format!("{REDACTED}@{host}"),
        },
        None => authority.to_string(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let (query, frag) = match query.split_once('#') {
                Some((q, f)) => (q, format!("#{f}")),
                None => (query, String::new()),
            };
            let q: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some((k, _)) => format!("{k}={REDACTED}"),
                    None => kv.to_string(),
                })
                .collect();
            format!("{path}?{}{frag}", q.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}{authority}{tail}")
}

/// The effective configuration as TOML, one setting per line with its source; unset options
/// are shown commented out.
pub fn render(cmd: &Command, loaded: &Loaded, config: &crate::config::ServerConfig) -> String {
    let values = match serde_json::to_value(config) {
        Ok(serde_json::Value::Object(m)) => m,
        _ => Default::default(),
    };
    let server = cmd.find_subcommand("server");
    let mut out =
        String::from("# coderlite effective configuration (flag > env > file > default)\n");
    if let Some(f) = &loaded.file {
        out.push_str(&format!("# file: {}\n", f.display()));
    }
    for (key, value) in &values {
        let arg = server.and_then(|s| s.get_arguments().find(|a| a.get_id().as_str() == key));
        let secret = arg.is_some_and(|a| a.is_hide_env_values_set());
        let source = loaded.sources.get(key).copied().unwrap_or("default");
        let shown = match value {
            serde_json::Value::Null => {
                out.push_str(&format!("# {key} =  ({source})\n"));
                continue;
            }
            serde_json::Value::String(s) if secret && s.contains("://") => {
                toml::Value::String(redact_url(s))
            }
            serde_json::Value::String(_) if secret => toml::Value::String(REDACTED.into()),
            serde_json::Value::String(s) => toml::Value::String(s.clone()),
            serde_json::Value::Bool(b) => toml::Value::Boolean(*b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => toml::Value::Integer(i),
                None => toml::Value::Float(n.as_f64().unwrap_or_default()),
            },
            other => toml::Value::String(other.to_string()),
        };
        out.push_str(&format!("{key} = {shown}  # {source}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn urls_lose_credentials() {
        assert_eq!(
            redact_url("https://user:pw@siem.example.com:8088/in?token=abc&x=1#f"),
            "https://user:<redacted>@siem.example.com:8088/in?token=<redacted>&x=<redacted>#f"
        );
        assert_eq!(redact_url("http://h/p"), "http://h/p");
        assert_eq!(redact_url("http://tok@h"), "http://<redacted>@h");
    }
}
