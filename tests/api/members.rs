//! Tests: members.
