//! Where the contract's tools are, and the served document written out for
//! them.

use std::path::PathBuf;

/// The directory holding `st`, `openapi-spec-validator` and
/// `openapi-python-client`.
fn tools_dir() -> PathBuf {
    match std::env::var_os("KOPEK_CONTRACT_TOOLS") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/contract-tools/bin"),
    }
}

/// The tool's path; the test is skipped without it, or fails under
/// `CI=true`, where `.ci/run` has installed it.
pub fn tool(name: &str) -> Option<PathBuf> {
    let path = tools_dir().join(name);
    if path.exists() {
        return Some(path);
    }
    let why = format!("{} is missing: `bash .ci/install-contract-tools` installs it", path.display());
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true and {why}");
    }
    #[allow(clippy::print_stderr, reason = "a skipped test says why where cargo test shows it")]
    {
        eprintln!("skipping a contract test: {why}");
    }
    None
}

/// The document as the server serves it, in a file of `dir`.
pub fn document_file(dir: &std::path::Path) -> PathBuf {
    let path = dir.join("openapi.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&kopek_web::openapi()).unwrap()).unwrap();
    path
}

/// A finished process's output, for an assertion's message.
pub fn output_text(out: &std::process::Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}
