//! Tests: orgs.
