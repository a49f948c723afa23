//! One integration-test binary: every area is a module, every test drives a real server over
//! HTTP against a real SQLite file.

mod access;
mod ai_gateway;
mod aiseats;
mod audit;
mod audit_counts;
mod audit_plans;
mod chaos;
mod common;
mod connection_logs;
mod contract;
mod encoding;
mod engines;
mod foundation;
mod fuzz_q;
mod hostile;
mod import;
mod interceptions;
mod keys;
mod long_requests;
mod members;
mod migrate;
mod multiprocess;
mod ops;
mod orgs;
mod pages;
mod proptests;
mod receiver;
mod roles;
mod seat_report;
mod secrets;
mod ui;
mod ui_seats;
mod users;
mod webdriver;
mod workspaces;
