//! What the form assistant's pages show: a step's fields with the citizen's values and
//! errors (also the eligibility pre-check's questions), the error summary, and the answers
//! on the check page and the receipt. Only presentation: the rules are the domain's and
//! the operations the application layer's.

use crate::kit::paths;
use crate::kit::views::{self, loc, Loc, Paragraphs};
use minijinja::context;
use rathaus_app::forms::{answered_steps, computed_entries, display};
use rathaus_app::texts::Words;
use rathaus_domain::form::{FieldDef, FieldError, FieldKind, FileType, Form, StepDef, StepInput};
use rathaus_domain::{Lang, Text};
use serde::Serialize;
use serde_json::{Map, Value as Json};

#[derive(Debug, Serialize)]
struct OptView {
    value: String,
    label: Loc,
    checked: bool,
}

/// One field as the templates draw it.
#[derive(Debug, Serialize)]
pub(super) struct FieldView {
    kind: &'static str,
    pub name: String,
    html_id: String,
    label: Option<Loc>,
    hint: Option<Loc>,
    text: Option<Paragraphs>,
    required: bool,
    error: Option<String>,
    value: String,
    options: Vec<OptView>,
    /// Address parts: (part, html id, value, error, autocomplete).
    parts: Vec<(String, String, String, Option<String>, &'static str)>,
    items: Vec<ItemView>,
    can_add: bool,
    count: usize,
    item_label: Option<Loc>,
    autocomplete: Option<&'static str>,
    max_length: Option<u32>,
    /// File fields: the current file, the `accept` attribute and the limits in words.
    file: Option<FileView>,
    accept: String,
    file_rules: String,
    /// Taken from the citizen's account or moving folder and unchanged since: the text
    /// key saying where from.
    pub prefilled: Option<&'static str>,
}

#[derive(Debug, Serialize)]
struct FileView {
    name: String,
    size: String,
    href: String,
}

#[derive(Debug, Serialize)]
struct ItemView {
    index: usize,
    number: usize,
    fields: Vec<FieldView>,
    remove: String,
    can_remove: bool,
}

/// The HTML id of an input (`kinder.0.name` → `f-kinder-0-name`).
pub(super) fn html_id(name: &str) -> String {
    format!("f-{}", name.replace('.', "-"))
}

fn kind_key(k: FieldKind) -> &'static str {
    match k {
        FieldKind::Text => "text",
        FieldKind::Textarea => "textarea",
        FieldKind::Number => "number",
        FieldKind::Money => "money",
        FieldKind::Date => "date",
        FieldKind::Choice => "choice",
        FieldKind::MultiChoice => "multi_choice",
        FieldKind::YesNo => "yes_no",
        FieldKind::Address => "address",
        FieldKind::Email => "email",
        FieldKind::Phone => "phone",
        FieldKind::Iban => "iban",
        FieldKind::Country => "country",
        FieldKind::File => "file",
        FieldKind::Info => "info",
        FieldKind::Group => "group",
    }
}

/// WCAG 1.3.5: the purpose of personal-data inputs, from the field's `prefill` hint or kind.
fn autocomplete(f: &FieldDef) -> Option<&'static str> {
    match (f.prefill.as_deref(), f.kind) {
        (Some("given_name"), _) => Some("given-name"),
        (Some("family_name"), _) => Some("family-name"),
        (Some("birth_date"), _) => Some("bday"),
        (_, FieldKind::Email) => Some("email"),
        (_, FieldKind::Phone) => Some("tel"),
        (_, FieldKind::Iban) => Some("off"),
        _ => None,
    }
}

/// Where a step's fields are drawn: the form, the step, the values and errors, the stored
/// answers (for conditions and group entries) and where files are downloaded.
pub(super) struct Ctx<'a> {
    pub form: &'a Form,
    pub step: usize,
    pub input: &'a StepInput,
    pub errors: &'a [FieldError],
    pub answers: &'a Map<String, Json>,
    pub today: &'a str,
    pub words: &'a Words<'a>,
    /// Tenant and draft, for the links to uploaded files (none in the pre-check).
    pub draft: Option<(&'a str, &'a str)>,
}

impl Ctx<'_> {
    fn first(&self, name: &str) -> String {
        self.input
            .get(name)
            .and_then(|v| v.first())
            .cloned()
            .unwrap_or_default()
    }

    fn error(&self, name: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.name == name)
            .map(|e| self.words.text(&e.message))
    }

    /// The fields of the step that the answers show.
    pub fn fields(&self) -> Vec<FieldView> {
        let step = &self.form.def.steps[self.step];
        step.fields
            .iter()
            .filter(|f| {
                self.form
                    .field_shown(self.step, f, self.answers, None, self.today)
            })
            .map(|f| self.field(f, &f.id, None))
            .collect()
    }

    fn options(&self, f: &FieldDef, name: &str) -> Vec<OptView> {
        let value = self.first(name);
        let selected: Vec<String> = self.input.get(name).cloned().unwrap_or_default();
        match f.kind {
            FieldKind::YesNo => [("ja", "answer-yes"), ("nein", "answer-no")]
                .into_iter()
                .map(|(v, key)| OptView {
                    value: v.into(),
                    label: Loc {
                        text: self.words.get(key),
                        lang: None,
                    },
                    checked: value == v,
                })
                .collect(),
            _ => self
                .form
                .options(f)
                .iter()
                .map(|o| OptView {
                    value: o.value.clone(),
                    label: loc(&o.label, self.words.lang),
                    checked: selected.contains(&o.value),
                })
                .collect(),
        }
    }

    fn address_parts(
        &self,
        name: &str,
    ) -> Vec<(String, String, String, Option<String>, &'static str)> {
        [
            ("street", "address-line1"),
            ("house_number", "off"),
            ("postal_code", "postal-code"),
            ("city", "address-level2"),
        ]
        .into_iter()
        .map(|(p, ac)| {
            let n = format!("{name}.{p}");
            (
                p.to_owned(),
                html_id(&n),
                self.first(&n),
                self.error(&n),
                ac,
            )
        })
        .collect()
    }

    /// The entries of a group, each with its member fields (at least its minimum, at most
    /// its maximum; as many as the citizen has or asked for).
    fn group_items(&self, f: &FieldDef, name: &str) -> (usize, Vec<ItemView>) {
        let stored: Vec<Map<String, Json>> = self
            .answers
            .get(&f.id)
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(|x| x.as_object().cloned()).collect())
            .unwrap_or_default();
        let count = self
            .input
            .get(&format!("{name}.count"))
            .and_then(|v| v.first())
            .and_then(|c| c.parse().ok())
            .unwrap_or(stored.len())
            .max(usize::try_from(f.min.unwrap_or(1).max(1)).unwrap_or(1))
            .min(usize::try_from(f.max.unwrap_or(50)).unwrap_or(50));
        let min = usize::try_from(f.min.unwrap_or(0)).unwrap_or(0);
        let items = (0..count)
            .map(|n| {
                let it = stored.get(n);
                let empty = Map::new();
                let fields = f
                    .fields
                    .iter()
                    .filter(|g| {
                        self.form.field_shown(
                            self.step,
                            g,
                            self.answers,
                            it.or(Some(&empty)),
                            self.today,
                        )
                    })
                    .map(|g| self.field(g, &format!("{name}.{n}.{}", g.id), it))
                    .collect();
                ItemView {
                    index: n,
                    number: n + 1,
                    fields,
                    remove: format!("remove:{}:{n}", f.id),
                    can_remove: count > min.max(1),
                }
            })
            .collect();
        (count, items)
    }

    /// The file a file field holds now (its answer is the stored file's metadata).
    fn file(&self, name: &str) -> Option<FileView> {
        let m: Json = serde_json::from_str(self.input.get(name)?.first()?).ok()?;
        let id = m.get("id")?.as_str()?;
        Some(FileView {
            name: m.get("name")?.as_str()?.to_owned(),
            size: rathaus_domain::form::format_bytes(m.get("size")?.as_u64()?),
            href: self
                .draft
                .map(|(t, d)| paths::apply_file(t, d, id))
                .unwrap_or_default(),
        })
    }

    fn file_rules(&self, f: &FieldDef) -> String {
        let mut a = fluent_bundle::FluentArgs::new();
        let types: Vec<String> = f.accept.iter().map(|t| t.as_str().to_uppercase()).collect();
        a.set("types", types.join(", "));
        a.set(
            "limit",
            rathaus_domain::form::format_bytes(f.max_file_bytes()),
        );
        self.words.with("file-rules", &a)
    }

    fn field(&self, f: &FieldDef, name: &str, _item: Option<&Map<String, Json>>) -> FieldView {
        let lang = self.words.lang;
        let (count, items) = if f.kind == FieldKind::Group {
            self.group_items(f, name)
        } else {
            (0, Vec::new())
        };
        let is_file = f.kind == FieldKind::File;
        FieldView {
            kind: kind_key(f.kind),
            name: name.to_owned(),
            html_id: html_id(name),
            label: f.label.as_ref().map(|l| loc(l, lang)),
            hint: f.hint.as_ref().map(|h| loc(h, lang)),
            text: f.text.as_ref().map(|t| views::paragraphs(t, lang)),
            required: f.required || f.required_if.is_some(),
            error: self.error(name),
            value: self.first(name),
            options: self.options(f, name),
            parts: if f.kind == FieldKind::Address {
                self.address_parts(name)
            } else {
                Vec::new()
            },
            can_add: f.kind == FieldKind::Group && (count as i64) < f.max.unwrap_or(50),
            count,
            items,
            item_label: f.item_label.as_ref().map(|l| loc(l, lang)),
            autocomplete: autocomplete(f),
            max_length: f.max_length,
            file: is_file.then(|| self.file(name)).flatten(),
            accept: f
                .accept
                .iter()
                .map(|t| match t {
                    FileType::Pdf => ".pdf,application/pdf",
                    FileType::Jpeg => ".jpg,.jpeg,image/jpeg",
                    FileType::Png => ".png,image/png",
                })
                .collect::<Vec<_>>()
                .join(","),
            file_rules: if is_file {
                self.file_rules(f)
            } else {
                String::new()
            },
            prefilled: None,
        }
    }
}

/// The error summary of a step: each error's field by name — for group entries with the
/// entry ("Hund 2 – Rasse") — linking to its input.
pub(super) fn error_summary(
    step: &StepDef,
    errors: &[FieldError],
    w: &Words<'_>,
) -> Vec<minijinja::Value> {
    let lang = w.lang;
    let text = |l: &Option<Text>| {
        l.as_ref()
            .map(|l| l.get(lang).0.to_owned())
            .unwrap_or_default()
    };
    let label = |name: &str| -> String {
        let mut parts = name.split('.');
        let top = parts.next().unwrap_or(name);
        let Some(f) = step.fields.iter().find(|f| f.id == top) else {
            return String::new();
        };
        match (
            f.kind,
            parts.next().and_then(|n| n.parse::<usize>().ok()),
            parts.next(),
        ) {
            (FieldKind::Group, Some(n), Some(member)) => {
                let item = text(if f.item_label.is_some() {
                    &f.item_label
                } else {
                    &f.label
                });
                let member = f
                    .fields
                    .iter()
                    .find(|g| g.id == member)
                    .map(|g| text(&g.label))
                    .unwrap_or_default();
                format!("{item} {} – {member}", n + 1)
            }
            _ => text(&f.label),
        }
    };
    errors
        .iter()
        .map(|e| context! { href => format!("#{}", html_id(&e.name)), label => label(&e.name), text => w.text(&e.message) })
        .collect()
}

/// One answer for display: label, lines of text and where to change it.
#[derive(Debug, Serialize)]
struct AnswerView {
    label: Loc,
    lines: Vec<String>,
    change: String,
}

/// The answers by step, each with a link to change it (check page, receipt).
pub(super) fn answers(
    form: &Form,
    answers: &Map<String, Json>,
    tid: &str,
    did: &str,
    w: &Words<'_>,
) -> Vec<minijinja::Value> {
    answered_steps(form, answers)
        .into_iter()
        .map(|(step, fields)| {
            let rows: Vec<AnswerView> = fields
                .into_iter()
                .map(|(f, label, v)| AnswerView {
                    label: loc(label, w.lang),
                    lines: display(form, f, v, w),
                    change: format!(
                        "{}#{}",
                        paths::apply_step(tid, did, &step.id),
                        html_id(&f.id)
                    ),
                })
                .collect();
            context! { title => loc(&step.title, w.lang), rows }
        })
        .collect()
}

/// The computed values the citizen sees.
pub(super) fn computed(
    form: &Form,
    computed: &Map<String, Json>,
    lang: Lang,
) -> Vec<minijinja::Value> {
    computed_entries(form, computed, lang, false)
        .into_iter()
        .map(|(label, text)| context! { label => loc(label, lang), text })
        .collect()
}
