//! A service's form as a draft or a case knows it: always in the version it was started
//! with (an older version is compiled from the definition recorded at the time), and its
//! answers as the citizen, the staff and the receipt PDF read them.

use crate::texts::Words;
use crate::{App, Site};
use rathaus_domain::form::{format_date_de, FieldDef, FieldKind, Form, StepDef};
use rathaus_domain::{Lang, OfferedService, ServiceDef, Text};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// Why a form cannot be had.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The service (or its form, or the recorded version) is not there.
    #[error("no such form")]
    NotFound,
    #[error("{0}")]
    Internal(String),
}

impl From<rathaus_store::StoreError> for FormError {
    fn from(e: rathaus_store::StoreError) -> Self {
        FormError::Internal(e.to_string())
    }
}

/// The service (as offered in a portal) and its form in one version.
pub struct Loaded<'a> {
    pub offered: OfferedService<'a>,
    pub form: Arc<FormRef<'a>>,
}

impl Loaded<'_> {
    /// The service definition in this version.
    pub fn service(&self) -> &ServiceDef {
        match &*self.form {
            FormRef::Current(_) => self.offered.service,
            FormRef::Old(b) => &b.0,
        }
    }

    pub fn form(&self) -> &Form {
        self.form.form()
    }
}

pub enum FormRef<'a> {
    Current(&'a Form),
    Old(Box<(ServiceDef, Form)>),
}

impl FormRef<'_> {
    pub fn form(&self) -> &Form {
        match self {
            FormRef::Current(f) => f,
            FormRef::Old(b) => &b.1,
        }
    }
}

/// The service `service` of `provider` as offered in portal `tenant`, with its form in
/// `version`.
pub async fn at<'a>(
    app: &App,
    site: &'a Site,
    tenant: &str,
    provider: &str,
    service: &str,
    version: i64,
) -> Result<Loaded<'a>, FormError> {
    let offered = site
        .catalog
        .service(tenant, service)
        .ok_or(FormError::NotFound)?;
    if i64::from(offered.service.version) == version {
        let form = offered.form.ok_or(FormError::NotFound)?;
        return Ok(Loaded {
            offered,
            form: Arc::new(FormRef::Current(form)),
        });
    }
    // The definition changed since the draft was started: continue with the old version.
    let json = app
        .db
        .service_version(provider, service, version)
        .await?
        .ok_or(FormError::NotFound)?;
    let def: ServiceDef =
        serde_json::from_str(&json).map_err(|e| FormError::Internal(e.to_string()))?;
    let form_def = def.form.clone().ok_or(FormError::NotFound)?;
    let lists = site.catalog.codelists();
    let form = Form::compile(&form_def, &lists, "/form")
        .map_err(|p| FormError::Internal(format!("{p:?}")))?;
    Ok(Loaded {
        offered,
        form: Arc::new(FormRef::Old(Box::new((def, form)))),
    })
}

/// One answer as lines of text, in the words of `w`.
pub fn display(form: &Form, f: &FieldDef, v: &Json, w: &Words<'_>) -> Vec<String> {
    let lang = w.lang;
    let opt = |value: &str| {
        form.options(f)
            .iter()
            .find(|o| o.value == value)
            .map(|o| o.label.get(lang).0.to_owned())
            .unwrap_or_else(|| value.to_owned())
    };
    match (f.kind, v) {
        (FieldKind::YesNo, Json::Bool(b)) => {
            vec![w.get(if *b { "answer-yes" } else { "answer-no" })]
        }
        (FieldKind::Date, Json::String(s)) => vec![format_date_de(s)],
        (FieldKind::Money, Json::Number(n)) => vec![w.money(n.as_i64().unwrap_or(0))],
        (FieldKind::Choice | FieldKind::Country, Json::String(s)) => vec![opt(s)],
        (FieldKind::MultiChoice, Json::Array(a)) => {
            a.iter().filter_map(Json::as_str).map(opt).collect()
        }
        (FieldKind::File, Json::Object(o)) => {
            let name = o.get("name").and_then(Json::as_str).unwrap_or("");
            let size = o
                .get("size")
                .and_then(Json::as_u64)
                .map(rathaus_domain::form::format_bytes)
                .unwrap_or_default();
            vec![format!("{name} ({size})")]
        }
        (FieldKind::Address, Json::Object(o)) => {
            let g = |k: &str| o.get(k).and_then(Json::as_str).unwrap_or("").to_owned();
            vec![
                format!("{} {}", g("street"), g("house_number")),
                format!("{} {}", g("postal_code"), g("city")),
            ]
        }
        (FieldKind::Group, Json::Array(items)) => {
            let item_label = f
                .item_label
                .as_ref()
                .map(|l| l.get(lang).0.to_owned())
                .unwrap_or_default();
            let mut lines = Vec::new();
            for (n, item) in items.iter().enumerate() {
                let parts: Vec<String> = f
                    .fields
                    .iter()
                    .filter_map(|g| {
                        let v = item.get(&g.id)?;
                        let label = g
                            .label
                            .as_ref()
                            .map(|l| l.get(lang).0.to_owned())
                            .unwrap_or_default();
                        Some(format!("{label}: {}", display(form, g, v, w).join(", ")))
                    })
                    .collect();
                lines.push(format!("{item_label} {}: {}", n + 1, parts.join("; ")));
            }
            lines
        }
        (_, Json::String(s)) => vec![s.clone()],
        (_, other) => vec![other.to_string()],
    }
}

/// A field with its label and answer.
pub type AnsweredField<'f, 'a> = (&'f FieldDef, &'f Text, &'a Json);

/// The visible steps with their answered, labelled fields, in form order (what the check
/// page, the receipt page, the staff's case page and the receipt PDF list).
pub fn answered_steps<'f, 'a>(
    form: &'f Form,
    answers: &'a Map<String, Json>,
) -> Vec<(&'f StepDef, Vec<AnsweredField<'f, 'a>>)> {
    form.visible_steps(answers, &crate::clock::today())
        .into_iter()
        .map(|si| {
            let step = &form.def.steps[si];
            let fields = step
                .fields
                .iter()
                .filter_map(|f| Some((f, f.label.as_ref()?, answers.get(&f.id)?)))
                .collect();
            (step, fields)
        })
        .collect()
}

/// The computed values a form shows (with `with_hidden` also those kept only for the
/// authority), formatted: (label, text).
pub fn computed_entries<'f>(
    form: &'f Form,
    computed: &Map<String, Json>,
    lang: Lang,
    with_hidden: bool,
) -> Vec<(&'f Text, String)> {
    form.def
        .computed
        .iter()
        .filter(|c| c.show || with_hidden)
        .filter_map(|c| {
            let v = computed.get(&c.id)?;
            let text = match c.format {
                rathaus_domain::form::ComputedFormat::Money => {
                    crate::texts::money(v.as_i64()?, lang)
                }
                rathaus_domain::form::ComputedFormat::Number => v.as_i64()?.to_string(),
                rathaus_domain::form::ComputedFormat::Text => v.as_str()?.to_owned(),
            };
            Some((&c.label, text))
        })
        .collect()
}

/// The ids of the files in answer `v` of field `f` (a file field or a group's file members).
pub fn file_ids(f: &FieldDef, v: &Json, out: &mut Vec<String>) {
    match (f.kind, v) {
        (FieldKind::File, Json::Object(o)) => {
            if let Some(id) = o.get("id").and_then(Json::as_str) {
                out.push(id.to_owned());
            }
        }
        (FieldKind::Group, Json::Array(items)) => {
            for item in items {
                for g in &f.fields {
                    if let Some(v) = item.get(&g.id) {
                        file_ids(g, v, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// The first e-mail address answered in the form.
pub fn contact_email(form: &Form, answers: &Map<String, Json>) -> Option<String> {
    form.def
        .steps
        .iter()
        .flat_map(|s| s.fields.iter())
        .filter(|f| f.kind == FieldKind::Email)
        .find_map(|f| {
            answers
                .get(&f.id)?
                .as_str()
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        })
}
