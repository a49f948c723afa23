//! Progress bars (hidden when stderr is not a terminal) and number formatting for the loaders.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::time::Duration;

pub fn progress_bar(label: &str, total: u64, bytes: bool) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr_with_hz(8));
    let tmpl = if bytes {
        "  {prefix:<24} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}"
    } else {
        "  {prefix:<24} [{bar:30}] {human_pos}/{human_len} {per_sec} eta {eta} {msg}"
    };
    if let Ok(style) = ProgressStyle::with_template(tmpl) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_prefix(label.to_string());
    bar.enable_steady_tick(Duration::from_millis(250));
    bar
}

/// 1234567 → "1,234,567".
pub fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// CPU seconds (user + system, all threads) used by this process so far, from
/// `/proc/self/stat` (0 where that is unavailable).
pub fn cpu_secs() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the `(comm)`: state is the 1st, utime the 12th, stime the 13th.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
