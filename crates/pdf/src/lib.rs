//! Archivable documents as PDF/A-1b: receipts now, notices later.
//!
//! The caller builds a plain [`Document`] (title, headings, paragraphs, label/value
//! fields); this crate lays it out on A4 pages (word wrapping, page breaks, a footer with
//! page numbers) and writes it with krilla, whose PDF/A validator refuses to produce a
//! non-conforming file. Fonts are embedded as subsets, as PDF/A requires: DejaVu Sans (free
//! licence, see `fonts/LICENSE.txt`; Latin, Greek, Cyrillic, Arabic, Hebrew and more) is
//! compiled in; for scripts it lacks (Chinese, Japanese, Korean) the fallback fonts of the
//! machine are used where installed ([`FALLBACK_FONTS`]). A character no font has becomes
//! `□` (a `.notdef` glyph is forbidden in PDF/A), and the document then ends with a note
//! saying so — the answers themselves are stored and handed over unchanged.

use krilla::color::rgb;
use krilla::configure::{Configuration, Validator};
use krilla::geom::{PathBuilder, Point};
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};
use krilla::{Document as KDocument, SerializeSettings};
use std::sync::LazyLock;

static REGULAR_BYTES: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD_BYTES: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// Fonts for what DejaVu Sans lacks, tried in this order where the file exists: Debian's
/// `fonts-droid-fallback` (Chinese, Japanese), `fonts-nanum` (Korean) or `fonts-noto-cjk`
/// (all three).
pub const FALLBACK_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
];

/// Stands for a character no font can show.
const MISSING: char = '\u{25A1}';

struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(bytes: &'static [u8]) -> Option<Self> {
        Some(Face {
            font: Font::new(bytes.into(), 0)?,
            shaper: rustybuzz::Face::from_slice(bytes, 0)?,
        })
    }

    /// Width of `text` at `size` points, as the shaper lays it out.
    fn width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / self.shaper.units_per_em() as f32
    }

    fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }
}

/// The faces of a document: regular and bold, then the fallbacks (one weight only).
struct Fonts {
    faces: Vec<Face>,
}

const REGULAR: usize = 0;
const BOLD: usize = 1;

impl Fonts {
    fn load(fallbacks: &[&str]) -> Option<Fonts> {
        let mut faces = vec![Face::load(REGULAR_BYTES)?, Face::load(BOLD_BYTES)?];
        for path in fallbacks {
            // Read once per process and kept: the faces borrow their bytes for ever.
            let Ok(bytes) = std::fs::read(path) else {
                continue;
            };
            let bytes: &'static [u8] = Box::leak(bytes.into_boxed_slice());
            // A file that is not a font is skipped like a missing one.
            faces.extend(Face::load(bytes));
        }
        Some(Fonts { faces })
    }

    fn primary(w: Weight) -> usize {
        match w {
            Weight::Regular => REGULAR,
            Weight::Bold => BOLD,
        }
    }

    /// The face that shows `c` in weight `w`: the weight's own, else the first fallback
    /// that has it.
    fn pick(&self, w: Weight, c: char) -> Option<usize> {
        let own = Self::primary(w);
        if c == ' ' || self.faces[own].has(c) {
            return Some(own);
        }
        (BOLD + 1..self.faces.len()).find(|&i| self.faces[i].has(c))
    }

    /// `text` with control and private-use characters dropped and every character no font
    /// can show replaced by `□`; the flag tells whether anything was replaced.
    fn printable(&self, w: Weight, text: &str) -> (String, bool) {
        let mut replaced = false;
        let out = text
            .chars()
            .filter(|c| !c.is_control())
            .map(|c| {
                let private = ('\u{E000}'..='\u{F8FF}').contains(&c);
                if !private && self.pick(w, c).is_some() {
                    c
                } else {
                    replaced = true;
                    MISSING
                }
            })
            .collect();
        (out, replaced)
    }

    /// `line` cut into pieces of one face each (spaces stay with the piece they are in).
    fn segments(&self, w: Weight, line: &str) -> Vec<(usize, String)> {
        let mut out: Vec<(usize, String)> = Vec::new();
        for c in line.chars() {
            let face = match (c, out.last()) {
                (' ', Some((last, _))) => *last,
                _ => self.pick(w, c).unwrap_or(Self::primary(w)),
            };
            match out.last_mut() {
                Some((last, text)) if *last == face => text.push(c),
                _ => out.push((face, c.to_string())),
            }
        }
        out
    }

    /// Width of `text` at `size` points, each piece measured in its face.
    fn width(&self, w: Weight, text: &str, size: f32) -> f32 {
        self.segments(w, text)
            .iter()
            .map(|(face, piece)| self.faces[*face].width(piece, size))
            .sum()
    }
}

static FONTS: LazyLock<Option<Fonts>> = LazyLock::new(|| Fonts::load(FALLBACK_FONTS));

/// A point in time for the document's metadata (local time with its UTC offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub offset_minutes: i16,
}

/// One block of content, laid out top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The document's big heading (once, at the top).
    Title(String),
    /// A section heading.
    Heading(String),
    /// Running text, wrapped to the page width.
    Paragraph(String),
    /// A label with one or more lines of value (an answer, a reference number).
    Field { label: String, lines: Vec<String> },
    /// A prominent value such as a reference number.
    Emphasis(String),
}

/// Everything a document says. Texts are already in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// BCP 47 language of the texts (`de`, `en`).
    pub lang: String,
    /// Title in the metadata (shown by readers in the window title).
    pub title: String,
    /// The issuing authority (metadata author).
    pub author: String,
    /// The product that made the file (metadata creator).
    pub creator: String,
    pub created: Timestamp,
    pub blocks: Vec<Block>,
    /// Footer text on every page; `{page}` and `{pages}` are replaced.
    pub footer: String,
}

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded fonts could not be read")]
    Fonts,
    #[error("PDF could not be written: {0}")]
    Write(String),
}

// A4 in points and the type area.
const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 62.0;
const RIGHT: f32 = 56.0;
const TOP: f32 = 60.0;
const BOTTOM: f32 = 72.0;
const LABEL_W: f32 = 165.0;
const GUTTER: f32 = 14.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Weight {
    Regular,
    Bold,
}

/// A line of text placed on a page (baseline position).
#[derive(Debug, Clone)]
struct Run {
    x: f32,
    y: f32,
    size: f32,
    /// Index into [`Fonts::faces`].
    face: usize,
    text: String,
}

#[derive(Debug, Default)]
struct LaidOutPage {
    runs: Vec<Run>,
    rules: Vec<f32>,
}

/// Greedy word wrapping; a word longer than the width is broken between characters.
fn wrap(fonts: &Fonts, w: Weight, text: &str, size: f32, width: f32) -> Vec<String> {
    let measure = |t: &str| fonts.width(w, t, size);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if measure(&candidate) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if measure(word) <= width {
                line = word.to_owned();
                continue;
            }
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if measure(&next) > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line.push(c);
                } else {
                    line = next;
                }
            }
        }
        lines.push(line);
    }
    lines
}

struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<LaidOutPage>,
    y: f32,
    /// Some character could not be shown (the document says so at its end).
    replaced: bool,
}

impl Layout<'_> {
    fn clean(&mut self, w: Weight, text: &str) -> String {
        let (clean, replaced) = self.fonts.printable(w, text);
        self.replaced |= replaced;
        clean
    }

    /// Places one line at (`x`, `y`), a run per face.
    fn line(&mut self, mut x: f32, y: f32, size: f32, w: Weight, line: &str) {
        for (face, piece) in self.fonts.segments(w, line) {
            let advance = self.fonts.faces[face].width(&piece, size);
            self.page().runs.push(Run {
                x,
                y,
                size,
                face,
                text: piece,
            });
            x += advance;
        }
    }

    fn page(&mut self) -> &mut LaidOutPage {
        if self.pages.is_empty() {
            self.pages.push(LaidOutPage::default());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Makes room for `height` points, starting a new page when the current one is full.
    fn reserve(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > PAGE_H - BOTTOM {
            self.pages.push(LaidOutPage::default());
            self.y = TOP;
        }
    }

    fn text(&mut self, text: &str, size: f32, weight: Weight, space_before: f32) {
        let width = PAGE_W - LEFT - RIGHT;
        let clean = self.clean(weight, text);
        let lines = wrap(self.fonts, weight, &clean, size, width);
        let lh = size * LEADING;
        for (i, line) in lines.into_iter().enumerate() {
            self.reserve(lh + if i == 0 { space_before } else { 0.0 });
            if i == 0 && self.y > TOP {
                self.y += space_before;
            }
            self.y += lh;
            let y = self.y - (lh - size) / 2.0;
            self.line(LEFT, y, size, weight, &line);
        }
    }

    fn field(&mut self, label: &str, values: &[String]) {
        let value_w = PAGE_W - LEFT - RIGHT - LABEL_W - GUTTER;
        let label_clean = self.clean(Weight::Bold, label);
        let label_lines = wrap(self.fonts, Weight::Bold, &label_clean, BODY, LABEL_W);
        let mut value_lines = Vec::new();
        for v in values {
            let clean = self.clean(Weight::Regular, v);
            value_lines.extend(wrap(self.fonts, Weight::Regular, &clean, BODY, value_w));
        }
        let lh = BODY * LEADING;
        let rows = label_lines.len().max(value_lines.len()).max(1);
        // Keep short fields together; long ones may break between lines.
        let whole = rows as f32 * lh + 6.0;
        if whole < (PAGE_H - TOP - BOTTOM) / 3.0 {
            self.reserve(whole);
        }
        self.y += 6.0;
        for i in 0..rows {
            self.reserve(lh);
            self.y += lh;
            let y = self.y - (lh - BODY) / 2.0;
            if let Some(l) = label_lines.get(i) {
                self.line(LEFT, y, BODY, Weight::Bold, l);
            }
            if let Some(v) = value_lines.get(i) {
                self.line(LEFT + LABEL_W + GUTTER, y, BODY, Weight::Regular, v);
            }
        }
    }
}

/// The closing note when characters had to be replaced, in the document's language.
fn replaced_note(lang: &str) -> &'static str {
    if lang.starts_with("de") {
        "Hinweis: □ steht für Zeichen, die in diesem Dokument nicht dargestellt werden \
         können. Ihre Angaben sind unverändert gespeichert und werden so weitergegeben."
    } else {
        "Note: □ stands for characters this document cannot show. Your answers are stored \
         and passed on unchanged."
    }
}

fn lay_out(fonts: &Fonts, lang: &str, blocks: &[Block]) -> Vec<LaidOutPage> {
    let mut l = Layout {
        fonts,
        pages: Vec::new(),
        y: TOP,
        replaced: false,
    };
    l.reserve(0.0);
    for b in blocks {
        match b {
            Block::Title(t) => {
                l.text(t, 18.0, Weight::Bold, 0.0);
                l.y += 4.0;
                let y = l.y;
                l.page().rules.push(y);
                l.y += 6.0;
            }
            Block::Heading(t) => {
                // Never leave a heading alone at the bottom of a page.
                l.reserve(12.5 * LEADING + 14.0 + 3.0 * BODY * LEADING);
                l.text(t, 12.5, Weight::Bold, 14.0);
            }
            Block::Paragraph(t) => l.text(t, BODY, Weight::Regular, 6.0),
            Block::Emphasis(t) => l.text(t, 16.0, Weight::Bold, 6.0),
            Block::Field { label, lines } => l.field(label, lines),
        }
    }
    if l.replaced {
        l.text(replaced_note(lang), BODY, Weight::Regular, 14.0);
    }
    l.pages
}

fn date_time(t: &Timestamp) -> DateTime {
    let hours = (t.offset_minutes / 60) as i8;
    let minutes = (t.offset_minutes.rem_euclid(60)) as u8;
    DateTime::new(t.year)
        .month(t.month)
        .day(t.day)
        .hour(t.hour)
        .minute(t.minute)
        .second(t.second)
        .utc_offset_hour(hours)
        .utc_offset_minute(minutes)
}

/// Writes `doc` as a PDF/A-1b file.
pub fn render(doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts = FONTS.as_ref().ok_or(PdfError::Fonts)?;
    let pages = lay_out(fonts, &doc.lang, &doc.blocks);
    let settings = SerializeSettings {
        configuration: Configuration::new_with_validator(Validator::A1_B),
        ..SerializeSettings::default()
    };
    let mut out = KDocument::new_with(settings);
    out.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .authors(vec![doc.author.clone()])
            .creator(doc.creator.clone())
            .producer(doc.creator.clone())
            .language(doc.lang.clone())
            .creation_date(date_time(&doc.created)),
    );
    let total = pages.len();
    let black = Fill {
        paint: rgb::Color::new(0x1a, 0x1a, 0x1a).into(),
        ..Fill::default()
    };
    for (n, p) in pages.iter().enumerate() {
        let Some(settings) = PageSettings::from_wh(PAGE_W, PAGE_H) else {
            return Err(PdfError::Write("page size".into()));
        };
        let mut page = out.start_page_with(settings);
        let mut surface = page.surface();
        surface.set_fill(Some(black.clone()));
        for r in &p.runs {
            surface.draw_text(
                Point::from_xy(r.x, r.y),
                fonts.faces[r.face].font.clone(),
                r.size,
                &r.text,
                false,
                TextDirection::Auto,
            );
        }
        surface.set_fill(None);
        surface.set_stroke(Some(Stroke {
            paint: rgb::Color::new(0x55, 0x55, 0x55).into(),
            width: 0.8,
            ..Stroke::default()
        }));
        let footer_rule = PAGE_H - BOTTOM + 22.0;
        for y in p.rules.iter().copied().chain([footer_rule]) {
            let mut pb = PathBuilder::new();
            pb.move_to(LEFT, y);
            pb.line_to(PAGE_W - RIGHT, y);
            if let Some(path) = pb.finish() {
                surface.draw_path(&path);
            }
        }
        surface.set_stroke(None);
        surface.set_fill(Some(black.clone()));
        let footer = doc
            .footer
            .replace("{page}", &(n + 1).to_string())
            .replace("{pages}", &total.to_string());
        let (footer, _) = fonts.printable(Weight::Regular, &footer);
        let mut x = LEFT;
        for (face, piece) in fonts.segments(Weight::Regular, &footer) {
            let face = &fonts.faces[face];
            surface.draw_text(
                Point::from_xy(x, footer_rule + 14.0),
                face.font.clone(),
                8.0,
                &piece,
                false,
                TextDirection::Auto,
            );
            x += face.width(&piece, 8.0);
        }
        surface.finish();
        page.finish();
    }
    out.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn doc(blocks: Vec<Block>) -> Document {
        Document {
            lang: "de".into(),
            title: "Eingangsbestätigung".into(),
            author: "Stadt Musterstadt (Demo)".into(),
            creator: "Rathaus".into(),
            created: Timestamp {
                year: 2026,
                month: 3,
                day: 29,
                hour: 2,
                minute: 30,
                second: 0,
                offset_minutes: 120,
            },
            blocks,
            footer: "Seite {page} von {pages}".into(),
        }
    }

    #[test]
    fn long_words_and_text_wrap_within_the_width() {
        let fonts = FONTS.as_ref().unwrap();
        let text = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung ist ein \
                    langes Wort, und dieser Satz geht weiter, bis er umbrechen muss.";
        let lines = wrap(fonts, Weight::Regular, text, BODY, 120.0);
        assert!(lines.len() > 3, "{lines:?}");
        for l in &lines {
            assert!(fonts.width(Weight::Regular, l, BODY) <= 120.0 + 0.01, "{l}");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original, "no character is lost");
    }

    #[test]
    fn what_no_font_shows_becomes_a_square_and_is_noted() {
        // Without fallback fonts: the CJK character has no glyph.
        let fonts = Fonts::load(&[]).unwrap();
        let (text, replaced) = fonts.printable(Weight::Regular, "Bär\u{7}\u{E000}漢");
        assert_eq!(text, "Bär□□");
        assert!(replaced);
        // Latin, Greek, Cyrillic and Arabic are in DejaVu Sans itself.
        let (text, replaced) = fonts.printable(Weight::Bold, "Łódź Αθήνα Київ بغداد");
        assert_eq!(text, "Łódź Αθήνα Київ بغداد");
        assert!(!replaced);
        let pages = lay_out(&fonts, "de", &[Block::Paragraph("Hund 🐕".into())]);
        let texts: Vec<&str> = pages[0].runs.iter().map(|r| r.text.as_str()).collect();
        assert!(texts.concat().contains("Hund □"), "{texts:?}");
        assert!(
            texts.concat().contains("Hinweis: □ steht für Zeichen"),
            "{texts:?}"
        );
        let pages = lay_out(&fonts, "de", &[Block::Paragraph("Hund".into())]);
        assert_eq!(pages[0].runs.len(), 1, "no note when nothing was replaced");
    }

    #[test]
    fn a_fallback_font_shows_what_dejavu_lacks() {
        // scripts/test installs fonts-droid-fallback and fonts-nanum.
        let fonts = Fonts::load(FALLBACK_FONTS).unwrap();
        assert!(fonts.faces.len() >= 4, "fallback fonts installed");
        let (text, replaced) = fonts.printable(Weight::Regular, "王小明 (おう) 김민준");
        assert!(!replaced, "{text}");
        let pieces = fonts.segments(Weight::Regular, "Name: 王小明 Müller");
        let faces: Vec<usize> = pieces.iter().map(|(f, _)| *f).collect();
        assert_eq!(faces, [REGULAR, 2, REGULAR], "{pieces:?}");
        // Laid out runs follow each other without overlap.
        let pages = lay_out(
            &fonts,
            "de",
            &[Block::Paragraph("Name: 王小明 Müller".into())],
        );
        let runs = &pages[0].runs;
        assert_eq!(runs.len(), 3);
        assert!(runs[0].x < runs[1].x && runs[1].x < runs[2].x);
        let d = doc(vec![Block::Field {
            label: "Name".into(),
            lines: vec!["王小明".into()],
        }]);
        render(&d).unwrap();
    }

    #[test]
    fn a_long_document_spreads_over_pages_and_is_pdf_a() {
        let mut blocks = vec![Block::Title("Eingangsbestätigung".into())];
        for i in 0..120 {
            blocks.push(Block::Field {
                label: format!("Frage {i}"),
                lines: vec![format!("Antwort {i} mit ÄÖÜß"), "zweite Zeile".into()],
            });
        }
        let d = doc(blocks);
        let pages = lay_out(FONTS.as_ref().unwrap(), &d.lang, &d.blocks);
        assert!(pages.len() >= 4, "{} pages", pages.len());
        for p in &pages {
            for r in &p.runs {
                assert!(r.y <= PAGE_H - BOTTOM + 0.01 && r.y >= TOP, "{r:?}");
            }
        }
        let pdf = render(&d).unwrap();
        assert!(pdf.starts_with(b"%PDF-1.4"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("pdfaid:part"), "PDF/A identification in XMP");
    }

    #[test]
    fn hostile_input_still_renders() {
        let d = doc(vec![
            Block::Title("<script>alert(1)</script>".into()),
            Block::Paragraph("\u{0}\u{1b}[31m 🐕 \u{202e}rechts".into()),
            Block::Field {
                label: String::new(),
                lines: vec![String::new(), "x".repeat(5000)],
            },
        ]);
        render(&d).unwrap();
    }
}
