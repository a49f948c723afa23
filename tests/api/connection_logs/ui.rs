//! The connection log page in a real browser.
