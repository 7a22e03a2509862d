//! The receipt of a submission: what the citizen sees after sending (page and PDF/A), and
//! the application document the e-file receives (the same PDF/A, without the access code).

use crate::forms::{self, Loaded};
use crate::texts::Words;
use crate::{App, Site};
use rathaus_domain::Lang;
use rathaus_pdf::Block;
use rathaus_store::{Draft, Payment, Submission};
use serde_json::{Map, Value as Json};

/// What a receipt shows, loaded once for the page and the PDF.
pub struct ReceiptData {
    pub sub: Submission,
    pub answers: Map<String, Json>,
    pub computed: Map<String, Json>,
    pub payment: Option<Payment>,
}

impl ReceiptData {
    pub fn new(sub: Submission, payment: Option<Payment>) -> ReceiptData {
        ReceiptData {
            answers: serde_json::from_str(&sub.answers).unwrap_or_default(),
            computed: serde_json::from_str(&sub.computed).unwrap_or_default(),
            sub,
            payment,
        }
    }
}

/// The access code of a guest's application, shown to the browser that holds it (the
/// hash check leaves out applications whose code was drawn at random before codes were
/// derived).
pub fn guest_code(app: &App, draft: &Draft) -> Option<String> {
    let hash = draft.access_hash.as_deref()?;
    let code = app.keys.access_code(&draft.id);
    let fits = crate::secrets::sha256_hex(crate::secrets::normalize_code(&code)) == hash;
    fits.then_some(code)
}

/// The receipt of a submission as PDF/A: every answer, computed value and file (with its
/// SHA-256), in `lang` and the words of portal tenant `tid`. With `access_code` (a guest's
/// own copy) the code and where to use it are printed too.
pub async fn pdf(
    app: &App,
    site: &Site,
    lang: Lang,
    tid: &str,
    r: &ReceiptData,
    l: &Loaded<'_>,
    access_code: Option<String>,
) -> Result<Vec<u8>, String> {
    let form = l.form();
    let w = site.words(tid, lang);
    let text = |t: &rathaus_domain::Text| t.get(lang).0.to_owned();
    let provider = text(&l.offered.provider.name);
    let office = text(&l.offered.office.name);
    let mut blocks = vec![
        Block::Title(w.get("receipt-pdf-title")),
        Block::Paragraph(w.get("apply-receipt-reference")),
        Block::Emphasis(r.sub.reference.clone()),
        Block::Field {
            label: w.get("apply-receipt-service"),
            lines: vec![text(&l.offered.service.title)],
        },
        Block::Field {
            label: w.get("apply-receipt-submitted"),
            lines: vec![crate::clock::berlin_datetime(r.sub.submitted_at)],
        },
        Block::Field {
            label: w.get("apply-receipt-authority"),
            lines: vec![provider.clone(), office],
        },
    ];
    if let Some(code) = access_code {
        blocks.push(Block::Field {
            label: w.get("receipt-access-code"),
            lines: vec![code, app.config.url(&crate::links::guest_access(tid))],
        });
    }
    blocks.push(Block::Heading(w.get("apply-receipt-answers")));
    let mut files = Vec::new();
    for (step, fields) in forms::answered_steps(form, &r.answers) {
        blocks.push(Block::Heading(text(&step.title)));
        for (f, label, v) in fields {
            forms::file_ids(f, v, &mut files);
            blocks.push(Block::Field {
                label: text(label),
                lines: forms::display(form, f, v, &w),
            });
        }
    }
    let computed = forms::computed_entries(form, &r.computed, lang, false);
    if !computed.is_empty() {
        blocks.push(Block::Heading(w.get("apply-computed")));
        for (label, value) in computed {
            blocks.push(Block::Field {
                label: text(label),
                lines: vec![value],
            });
        }
    }
    if let Some(p) = &r.payment {
        blocks.push(Block::Heading(w.get("payment-title")));
        for (label, lines) in crate::payments::pdf_fields(p, l.offered.provider, &w) {
            blocks.push(Block::Field { label, lines });
        }
    }
    file_blocks(app, &w, tid, &r.sub.draft_id, &files, &mut blocks).await?;
    blocks.push(Block::Heading(w.get("apply-receipt-next")));
    blocks.push(Block::Paragraph(next_text(&w, l)));
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("reference", r.sub.reference.clone());
    args.set("page", "{page}");
    args.set("pages", "{pages}");
    let doc = rathaus_pdf::Document {
        lang: lang.code().to_owned(),
        title: format!("{} {}", w.get("receipt-pdf-title"), r.sub.reference),
        author: provider,
        creator: "Rathaus".to_owned(),
        created: crate::clock::pdf_timestamp(r.sub.submitted_at),
        blocks,
        footer: w.with("receipt-pdf-footer", &args),
    };
    render(doc).await
}

/// "What happens next": the service's processing time, with the plural of the language.
fn next_text(w: &Words<'_>, l: &Loaded<'_>) -> String {
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("days", l.offered.service.processing_time.days);
    w.with("apply-receipt-next-text", &args)
}

/// A block per uploaded file: name, type, size and SHA-256 (so the file can be matched).
async fn file_blocks(
    app: &App,
    w: &Words<'_>,
    tid: &str,
    draft: &str,
    files: &[String],
    blocks: &mut Vec<Block>,
) -> Result<(), String> {
    if files.is_empty() {
        return Ok(());
    }
    blocks.push(Block::Heading(w.get("receipt-pdf-files")));
    for id in files {
        let Some(meta) = app
            .db
            .file_of_draft(tid, draft, id)
            .await
            .map_err(|e| e.to_string())?
        else {
            continue;
        };
        blocks.push(Block::Field {
            label: meta.name.clone(),
            lines: vec![
                format!(
                    "{}, {}",
                    meta.kind.to_uppercase(),
                    rathaus_domain::form::format_bytes(meta.size.max(0) as u64)
                ),
                format!("SHA-256 {}", meta.sha256),
            ],
        });
    }
    Ok(())
}

/// Renders a PDF/A document off the async threads.
pub async fn render(doc: rathaus_pdf::Document) -> Result<Vec<u8>, String> {
    match tokio::task::spawn_blocking(move || rathaus_pdf::render(&doc)).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(e.to_string()),
    }
}
