//! Tests: workspaces.
