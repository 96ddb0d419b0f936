//! Computes `PORTAL_PDF_RENDER_DIGEST`: a digest of everything that decides how a document looks
//! — this crate's code, its fonts and its manifest, and the number and date formatting it uses
//! from the domain crate — so that a cache of rendered PDFs keyed on it is invalidated by any
//! change to layout, labels or fonts, without anyone having to remember to bump a version.

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let inputs = [
        root.join("src"),
        root.join("fonts"),
        root.join("Cargo.toml"),
        root.join("../domain/src/format.rs"),
        root.join("../domain/src/locale.rs"),
    ];
    let mut files = Vec::new();
    for input in &inputs {
        println!("cargo:rerun-if-changed={}", input.display());
        if input.is_dir() {
            files_under(input, &mut files);
        } else {
            files.push(input.clone());
        }
    }
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let name = file.strip_prefix(&root).unwrap_or(file);
        hash.update(name.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(file).unwrap_or_default());
        hash.update([0]);
    }
    let digest: String = hash
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    println!("cargo:rustc-env=PORTAL_PDF_RENDER_DIGEST={digest}");
}
