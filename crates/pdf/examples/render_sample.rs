//! Writes a sample PDF of every document kind in every locale into a folder.
//!
//! `cargo run -p portal-pdf --example render_sample -- /tmp/pdf-samples`

use portal_pdf::{DocumentType, Locale, render, sample};
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "pdf-samples".into()),
    );
    std::fs::create_dir_all(&dir)?;
    for locale in Locale::ALL {
        for &kind in DocumentType::ALL {
            let bytes = render(&sample::document(locale, kind))?;
            let path = dir.join(format!("{}-{}.pdf", kind.as_str(), locale.as_str()));
            std::fs::write(&path, &bytes)?;
            println!("{} {} bytes", path.display(), bytes.len());
        }
    }
    Ok(())
}
