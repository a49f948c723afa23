//! Fuzz target: A raw query string (`limit`, `offset`, `after_id`).
//! Checked by `search::check::Harness::pagination` (see FUZZING.md): accepted or a 400
//! with validations, never a panic; values only in bound parameters; the SQL runs.
#![no_main]

use coderlite::search::check::Harness;
use libfuzzer_sys::fuzz_target;

thread_local! {
    static HARNESS: Harness = Harness::new();
}

fuzz_target!(|data: &[u8]| {
    if let Ok(input) = std::str::from_utf8(data) {
        HARNESS.with(|h| {
            h.pagination(input);
        });
    }
});
