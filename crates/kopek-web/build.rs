//! Embeds the portal's templates, translations and assets in the binary, so
//! a fresh machine serves the portal with nothing beside it; a provider
//! overrides a template by putting a file of the same name in
//! `KOPEK_TEMPLATES_DIR`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(dir: &Path, root: &Path, out: &mut Vec<(String, PathBuf)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).expect("readable directory").map(|e| e.expect("entry").path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, root, out);
        } else {
            let name = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
            out.push((name, path));
        }
    }
}

fn table(name: &str, dir: &str, code: &mut String) {
    // Read when the script runs, not when it was compiled: a build script
    // copied with a target directory must embed this checkout's files.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&manifest).join(dir);
    let mut found = Vec::new();
    files(&root, &root, &mut found);
    writeln!(code, "pub static {name}: &[(&str, &str)] = &[").expect("write to a string");
    for (name, path) in found {
        writeln!(code, "    ({name:?}, include_str!({:?})),", path.display().to_string()).expect("write to a string");
    }
    writeln!(code, "];").expect("write to a string");
}

#[allow(clippy::print_stdout, reason = "build scripts talk to Cargo on standard output")]
fn main() {
    let mut code = String::new();
    table("TEMPLATES", "templates", &mut code);
    table("LOCALES", "locales", &mut code);
    table("ASSETS", "assets", &mut code);
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("embedded.rs");
    std::fs::write(out, code).expect("write the embedded table");
    for dir in ["templates", "locales", "assets"] {
        println!("cargo:rerun-if-changed={dir}");
    }
}
