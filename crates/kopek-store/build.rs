//! The migrations are embedded by `sqlx::migrate!` when the crate compiles;
//! a new migration file must make Cargo compile it again.

#[allow(clippy::print_stdout, reason = "build scripts talk to Cargo on standard output")]
fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
