//! Retention, import and seed of connection logs.
