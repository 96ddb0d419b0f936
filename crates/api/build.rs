//! Embeds the built single-page apps (`frontend/dist`, made by `frontend/build.sh`) into the
//! `portal` binary, so that it serves the customer portal from any directory with nothing beside
//! it. Writes `$OUT_DIR/spa.rs` with the list of files; a checkout whose apps were never built
//! embeds none, and the server then says at `/p/…` how to build them.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dist = std::env::var_os("PORTAL_SPA_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../frontend/dist"));
    println!("cargo:rerun-if-env-changed=PORTAL_SPA_DIST");
    // The directory is always there (a README is committed in it), so cargo can watch it:
    // a build of the apps changes its files and the server is built again with them.
    println!("cargo:rerun-if-changed={}", dist.display());

    let mut files = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dist) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.ends_with(".html") {
                files.push((name, entry.path()));
            }
        }
    }
    if let Ok(entries) = std::fs::read_dir(dist.join("assets")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            files.push((format!("assets/{name}"), entry.path()));
        }
    }
    files.sort();

    let mut code = String::from(
        "/// The files of the built single-page apps, by path inside `frontend/dist`.\n\
         pub static FILES: &[(&str, &[u8])] = &[\n",
    );
    for (name, path) in &files {
        let path = absolute(path);
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write to a String");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("spa.rs");
    std::fs::write(out, code).expect("write spa.rs");
}

fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}
