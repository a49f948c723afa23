//! One integration-test binary: every area is a module, every test drives a real server over
//! HTTP against a real SQLite file.

mod common;
mod foundation;
