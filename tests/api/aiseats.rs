//! Tests: aiseats.
