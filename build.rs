//! Rebuilds the binary when any file of the embedded web UI (`web/`) changes: rust-embed
//! compiles the files in (also in debug builds), and a new file must reach the binary too.
fn main() {
    println!("cargo:rerun-if-changed=web");
    println!("cargo:rerun-if-changed=build.rs");
}
