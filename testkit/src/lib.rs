//! Test-only code shared by coderlite's test suite and its fuzz targets: the property checks
//! of the `q` parsers and their SQL builders (`check`). Nothing here is linked into the
//! server.

pub mod check;
mod perturb;
