//! Text that cannot get lost: glyph coverage check with visible substitutes, and a paragraph
//! element that breaks words too wide for their cell.

use genpdf::error::Error;
use genpdf::fonts::{Font, FontCache};
use genpdf::style::{Style, StyledString};
use genpdf::{Alignment, Context, Element, Mm, RenderResult, elements, render};
use unicode_normalization::UnicodeNormalization;

/// Cleans user text so that every character left is printable with the embedded fonts.
pub(crate) struct Sanitizer<'a> {
    cache: &'a FontCache,
    faces: [Font; 2],
}

/// Characters that are invisible by nature and dropped: soft hyphen, zero-width space and
/// joiners, direction marks and embeddings, word joiner and invisible operators, byte-order
/// mark, variation selectors, Mongolian vowel separator.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

impl<'a> Sanitizer<'a> {
    /// A sanitizer for the regular and bold faces of `cache`'s default family (the only faces
    /// the renderer prints with).
    pub(crate) fn new(cache: &'a FontCache) -> Sanitizer<'a> {
        let family = cache.default_font_family();
        Sanitizer {
            cache,
            faces: [family.regular, family.bold],
        }
    }

    /// Whether both faces have a real glyph (not `.notdef`, glyph id 0) for `c`.
    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.faces
            .iter()
            .all(|f| self.cache.get_rt_font(*f).glyph(c).id().0 != 0)
    }

    /// One line of text: NFC-normalised; tabs, line breaks and other spaces become a space
    /// (no-break spaces stay no-break); control and invisible format characters are dropped;
    /// every run of characters the fonts lack becomes a visible marker such as
    /// `[U+4E2D U+6587]`.
    pub(crate) fn line(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut missing: Vec<char> = Vec::new();
        for c in s.nfc() {
            let mapped = match c {
                '\u{A0}' | '\u{2007}' | '\u{202F}' => Some('\u{A0}'),
                c if c.is_whitespace() => Some(' '),
                c if c.is_control() || is_invisible(c) => None,
                c => Some(c),
            };
            let Some(c) = mapped else { continue };
            if self.has_glyph(c) {
                flush_missing(&mut out, &mut missing);
                out.push(c);
            } else {
                missing.push(c);
            }
        }
        flush_missing(&mut out, &mut missing);
        out
    }

    /// Text that may hold line breaks (`\n`, `\r\n`, `\r`, U+2028, U+2029): one cleaned string
    /// per line. Trailing empty lines are dropped.
    pub(crate) fn lines(&self, s: &str) -> Vec<String> {
        let normalized = s.replace("\r\n", "\n");
        let mut lines: Vec<String> = normalized
            .split(['\n', '\r', '\u{2028}', '\u{2029}', '\u{85}'])
            .map(|l| self.line(l))
            .collect();
        while lines.last().is_some_and(|l| l.trim().is_empty()) {
            lines.pop();
        }
        lines
    }
}

fn flush_missing(out: &mut String, missing: &mut Vec<char>) {
    if missing.is_empty() {
        return;
    }
    out.push('[');
    for (i, c) in missing.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("U+{:04X}", u32::from(*c)));
    }
    out.push(']');
    missing.clear();
}

/// Breaks every space-separated word of `s` that is wider than `max` (measured as genpdf does:
/// the word with its trailing space) into pieces of which each, followed by `"- "`, fits, and
/// joins the pieces with spaces so genpdf's wrapper puts them on separate lines. A piece holds
/// at least one character, so this always makes progress.
pub(crate) fn break_long_words(cache: &FontCache, style: Style, s: &str, max: Mm) -> String {
    let fits = |t: &str| style.str_width(cache, t) <= max;
    let mut out = String::with_capacity(s.len() + 8);
    for (i, word) in s.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.is_empty() || fits(&format!("{word} ")) {
            out.push_str(word);
            continue;
        }
        let mut first = true;
        let mut rest = word;
        while !rest.is_empty() {
            let piece = longest_fitting_prefix(cache, style, rest, max);
            if !first {
                out.push(' ');
            }
            out.push_str(piece);
            rest = &rest[piece.len()..];
            first = false;
        }
    }
    out
}

/// The longest prefix `p` of `word` (at least one character) with `width(p + "- ") <= max`.
/// Widths are summed per character and the result checked against the exact (kerned) width, so
/// a long word costs linear time.
fn longest_fitting_prefix<'w>(cache: &FontCache, style: Style, word: &'w str, max: Mm) -> &'w str {
    let reserve = style.str_width(cache, "- ");
    let mut width = reserve;
    let mut end = 0;
    for (idx, c) in word.char_indices() {
        let w = style.char_width(cache, c);
        if end > 0 && width + w > max {
            break;
        }
        width += w;
        end = idx + c.len_utf8();
    }
    // Kerning may make the exact width differ from the sum: shrink until it fits.
    while end > 0 {
        let candidate = &word[..end];
        if candidate.chars().count() == 1
            || style.str_width(cache, &format!("{candidate}- ")) <= max
        {
            break;
        }
        end = candidate
            .char_indices()
            .last()
            .map(|(i, _)| i)
            .unwrap_or_default();
    }
    if end == 0 {
        // Not even one character fits: take one anyway, so nothing is skipped.
        end = word
            .chars()
            .next()
            .map(char::len_utf8)
            .unwrap_or(word.len());
    }
    &word[..end]
}

/// A paragraph that knows its width only when it is rendered: on the first call it measures its
/// words against the area genpdf gives it and breaks those that would not fit, then renders as a
/// genpdf [`elements::Paragraph`] (also across pages).
pub(crate) struct Wrapped {
    /// The first run's style, also the paragraph's: genpdf takes the line height from it.
    base: Style,
    parts: Vec<StyledString>,
    alignment: Alignment,
    paragraph: Option<elements::Paragraph>,
}

impl Wrapped {
    /// A left-aligned paragraph from already sanitized text.
    pub(crate) fn new(s: impl Into<String>, style: Style) -> Wrapped {
        Wrapped {
            base: style,
            parts: vec![StyledString::new(s.into(), Style::new())],
            alignment: Alignment::Left,
            paragraph: None,
        }
    }

    /// Appends a run with its own style.
    pub(crate) fn push(mut self, s: impl Into<String>, style: Style) -> Wrapped {
        self.parts.push(StyledString::new(s.into(), style));
        self
    }

    /// Sets the alignment.
    pub(crate) fn aligned(mut self, alignment: Alignment) -> Wrapped {
        self.alignment = alignment;
        self
    }
}

impl Element for Wrapped {
    fn render(
        &mut self,
        context: &Context,
        area: render::Area<'_>,
        style: Style,
    ) -> Result<RenderResult, Error> {
        let style = style.and(self.base);
        let paragraph = self.paragraph.get_or_insert_with(|| {
            let width = area.size().width;
            let mut p = elements::Paragraph::default().aligned(self.alignment);
            for part in std::mem::take(&mut self.parts) {
                let effective = style.and(part.style);
                let mut text = break_long_words(&context.font_cache, effective, &part.s, width);
                if effective.font(&context.font_cache).is_builtin() {
                    // The standard fonts' encoder (lopdf's WinAnsi table) has no NO-BREAK
                    // SPACE, only SPACE, which the reader draws alike. The difference is where a
                    // line may break, and that only matters for text too wide for its cell.
                    text = text.replace('\u{A0}', " ");
                }
                p.push_styled(text, part.style);
            }
            p
        });
        paragraph.render(context, area, style)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_cache(f: impl FnOnce(&FontCache)) {
        let doc = genpdf::Document::new(crate::fonts::embedded().expect("fonts"));
        f(doc.font_cache());
    }

    #[test]
    fn coverage_of_the_shipped_fonts() {
        with_cache(|cache| {
            let san = Sanitizer::new(cache);
            for c in "AZaz09€лв.ЖЯЁЂЃЇЎҐґ№ÄÖÜßñÑçÇøŁłŹźŻżŠšĞğŐőȘșȚțΑΩαωάέ„“”‘’–—…‰«»™".chars()
            {
                assert!(san.has_glyph(c), "{c:?} (U+{:04X}) missing", u32::from(c));
            }
            for c in "中文😀אب\u{301}".chars() {
                assert!(!san.has_glyph(c), "{c:?} unexpectedly present");
            }
        });
    }

    #[test]
    fn sanitizer_substitutes_visibly_and_drops_invisibles() {
        with_cache(|cache| {
            let san = Sanitizer::new(cache);
            assert_eq!(
                san.line("中文公司 Ltd"),
                "[U+4E2D U+6587 U+516C U+53F8] Ltd"
            );
            assert_eq!(san.line("a中b文"), "a[U+4E2D]b[U+6587]");
            assert_eq!(san.line("😀"), "[U+1F600]");
            assert_eq!(san.line("Cafe\u{301}"), "Café");
            assert_eq!(san.line("a\tb\u{2003}c\u{202F}d"), "a b c\u{A0}d");
            assert_eq!(
                san.line("in\u{200B}vis\u{00AD}ible\u{FEFF}\u{202E}"),
                "invisible"
            );
            assert_eq!(san.line("\u{0}\u{7}bell"), "bell");
            assert_eq!(san.line(""), "");
            assert_eq!(
                san.lines("one\r\ntwo\rthree\n\n"),
                vec!["one", "two", "three"]
            );
            assert_eq!(san.lines("\n\n"), Vec::<String>::new());
            assert_eq!(san.lines("a\n\nb"), vec!["a", "", "b"]);
        });
    }

    #[test]
    fn long_words_are_broken_into_fitting_pieces() {
        with_cache(|cache| {
            let style = Style::new().with_font_size(8);
            let max = Mm::from(15.0);
            let word = "Supercalifragilisticexpialidocious0123456789ABCDEF";
            let out = break_long_words(cache, style, &format!("a {word} b"), max);
            let pieces: Vec<&str> = out.split(' ').collect();
            assert!(pieces.len() > 3, "{out}");
            assert_eq!(pieces.first(), Some(&"a"));
            assert_eq!(pieces.last(), Some(&"b"));
            assert_eq!(pieces[1..pieces.len() - 1].concat(), word);
            for p in &pieces {
                assert!(
                    style.str_width(cache, &format!("{p} ")) <= max,
                    "{p:?} too wide"
                );
            }
            // Short text is left alone, spaces included.
            assert_eq!(break_long_words(cache, style, "a  b ", max), "a  b ");
            // Even an impossible width makes progress, one character per piece.
            let out = break_long_words(cache, style, "WWW", Mm::from(0.1));
            assert_eq!(out, "W W W");
        });
    }
}
