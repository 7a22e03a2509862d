//! Archivable documents as PDF/A-1b: receipts now, notices later.
//!
//! The caller builds a plain [`Document`] (title, headings, paragraphs, label/value
//! fields); this crate lays it out on A4 pages (word wrapping, page breaks, a footer with
//! page numbers) and writes it with krilla, whose PDF/A validator refuses to produce a
//! non-conforming file. Fonts (DejaVu Sans, free licence, see `fonts/LICENSE.txt`) are
//! embedded as subsets, as PDF/A requires; characters the font lacks are replaced by `?`
//! instead of producing a `.notdef` glyph, which PDF/A forbids.

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

    /// `text` with every character the font cannot show replaced by `?` (and control and
    /// private-use characters dropped), so no `.notdef` glyph ever reaches the file.
    fn printable(&self, text: &str) -> String {
        text.chars()
            .filter(|c| !c.is_control())
            .map(|c| {
                let private = ('\u{E000}'..='\u{F8FF}').contains(&c);
                if !private && (c == ' ' || self.shaper.glyph_index(c).is_some()) {
                    c
                } else {
                    '?'
                }
            })
            .collect()
    }
}

static FACES: LazyLock<Option<(Face, Face)>> =
    LazyLock::new(|| Some((Face::load(REGULAR_BYTES)?, Face::load(BOLD_BYTES)?)));

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
    weight: Weight,
    text: String,
}

#[derive(Debug, Default)]
struct LaidOutPage {
    runs: Vec<Run>,
    rules: Vec<f32>,
}

/// Greedy word wrapping; a word longer than the width is broken between characters.
fn wrap(face: &Face, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if face.width(&candidate, size) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if face.width(word, size) <= width {
                line = word.to_owned();
                continue;
            }
            for c in word.chars() {
                let mut next = line.clone();
                next.push(c);
                if face.width(&next, size) > width && !line.is_empty() {
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
    faces: &'a (Face, Face),
    pages: Vec<LaidOutPage>,
    y: f32,
}

impl Layout<'_> {
    fn face(&self, w: Weight) -> &Face {
        match w {
            Weight::Regular => &self.faces.0,
            Weight::Bold => &self.faces.1,
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
        let clean = self.face(weight).printable(text);
        let lines = wrap(self.face(weight), &clean, size, width);
        let lh = size * LEADING;
        for (i, line) in lines.into_iter().enumerate() {
            self.reserve(lh + if i == 0 { space_before } else { 0.0 });
            if i == 0 && self.y > TOP {
                self.y += space_before;
            }
            self.y += lh;
            let y = self.y - (lh - size) / 2.0;
            self.page().runs.push(Run {
                x: LEFT,
                y,
                size,
                weight,
                text: line,
            });
        }
    }

    fn field(&mut self, label: &str, values: &[String]) {
        let value_w = PAGE_W - LEFT - RIGHT - LABEL_W - GUTTER;
        let label_clean = self.face(Weight::Bold).printable(label);
        let label_lines = wrap(self.face(Weight::Bold), &label_clean, BODY, LABEL_W);
        let mut value_lines = Vec::new();
        for v in values {
            let clean = self.face(Weight::Regular).printable(v);
            value_lines.extend(wrap(self.face(Weight::Regular), &clean, BODY, value_w));
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
                self.page().runs.push(Run {
                    x: LEFT,
                    y,
                    size: BODY,
                    weight: Weight::Bold,
                    text: l.clone(),
                });
            }
            if let Some(v) = value_lines.get(i) {
                self.page().runs.push(Run {
                    x: LEFT + LABEL_W + GUTTER,
                    y,
                    size: BODY,
                    weight: Weight::Regular,
                    text: v.clone(),
                });
            }
        }
    }
}

fn lay_out(faces: &(Face, Face), blocks: &[Block]) -> Vec<LaidOutPage> {
    let mut l = Layout {
        faces,
        pages: Vec::new(),
        y: TOP,
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
    let faces = FACES.as_ref().ok_or(PdfError::Fonts)?;
    let pages = lay_out(faces, &doc.blocks);
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
            let face = match r.weight {
                Weight::Regular => &faces.0,
                Weight::Bold => &faces.1,
            };
            surface.draw_text(
                Point::from_xy(r.x, r.y),
                face.font.clone(),
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
        let footer = faces.0.printable(&footer);
        surface.draw_text(
            Point::from_xy(LEFT, footer_rule + 14.0),
            faces.0.font.clone(),
            8.0,
            &footer,
            false,
            TextDirection::Auto,
        );
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
        let (regular, _) = FACES.as_ref().unwrap();
        let text = "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung ist ein \
                    langes Wort, und dieser Satz geht weiter, bis er umbrechen muss.";
        let lines = wrap(regular, text, BODY, 120.0);
        assert!(lines.len() > 3, "{lines:?}");
        for l in &lines {
            assert!(regular.width(l, BODY) <= 120.0 + 0.01, "{l}");
        }
        let joined: String = lines.concat().split_whitespace().collect();
        let original: String = text.split_whitespace().collect();
        assert_eq!(joined, original, "no character is lost");
    }

    #[test]
    fn unprintable_characters_become_question_marks() {
        let (regular, _) = FACES.as_ref().unwrap();
        assert_eq!(regular.printable("Bär\u{7}\u{E000}漢"), "Bär??");
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
        let pages = lay_out(FACES.as_ref().unwrap(), &d.blocks);
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
