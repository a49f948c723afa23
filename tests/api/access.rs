//! (placeholder module; filled by the hardening work of issue 7)
