//! Fuzz target: `GET /ai-gateway/sessions`' `q`.
//! Checked by `search::check::Harness::ai_sessions` (see FUZZING.md): accepted or a 400 with
//! validations, never a panic; values only in bound parameters; the SQL runs.
#![no_main]

use coderlite::search::check::{fuzz_one, Harness};

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_one(data, Harness::ai_sessions));
