//! Tests: interceptions.
