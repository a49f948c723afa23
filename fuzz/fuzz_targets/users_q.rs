//! Fuzz target: `GET /users`' (and paginated members') `q`.
//! Checked by `coderlite_testkit::check::Harness::users` (see FUZZING.md): accepted or a 400
//! with validations, never a panic; values only in bound parameters; the SQL runs.
#![no_main]

use coderlite_testkit::check::{fuzz_one, Harness};

libfuzzer_sys::fuzz_target!(|data: &[u8]| fuzz_one(data, Harness::users));
