//! Operations: retention, online backup, audit streaming, metrics and the configuration file.
//! Background jobs live in `Runtime`, which stops them when the server shuts down.

pub mod cli;
