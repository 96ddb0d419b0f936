//! The four languages of the portal and its documents.

use std::fmt;

/// A supported language: labels, dates and number formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    /// Bulgarian (`bg`).
    Bg,
    /// English (`en`).
    #[default]
    En,
    /// German (`de`).
    De,
    /// Spanish (`es`).
    Es,
}

impl Locale {
    /// Every supported locale.
    pub const ALL: [Locale; 4] = [Locale::Bg, Locale::En, Locale::De, Locale::Es];

    /// The language code: `bg`, `en`, `de` or `es`.
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::Bg => "bg",
            Locale::En => "en",
            Locale::De => "de",
            Locale::Es => "es",
        }
    }

    /// Parses a language tag by its primary subtag, case-insensitively: `de`, `DE`, `de-AT` and
    /// `de_AT` are all German. `None` for any other language.
    pub fn parse(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Locale::ALL
            .into_iter()
            .find(|l| l.as_str().eq_ignore_ascii_case(primary))
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
