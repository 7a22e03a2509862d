//! Applying from an app: a service's form and answer schema, drafts (start, read, save a
//! step, upload a file, check, submit), the receipt as PDF/A, withdrawing and replying.
//! Every operation is the one the HTML form assistant and Postkorb call: the same
//! admission, the same validation and messages (field-addressed), the same limits.
//!
//! Answers are sent in the shape the answer schema describes (`GET …/form`): a step's
//! answers by field id, addresses as objects, dates as `YYYY-MM-DD`, amounts in cents,
//! yes/no as booleans, groups as arrays of entries. File fields take their file through
//! the upload route, never from the answers.

use super::auth::caller;
use super::lang;
use super::model::LangQuery;
use crate::kit::paths;
use crate::kit::problem::{FieldProblem, Problem};
use crate::kit::{Prefs, St, WebError};
use axum::body::Body;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::StreamExt;
use rathaus_app::access::{self, Citizen, DraftRefusal, OwnDraft};
use rathaus_app::drafts::{Admission, NotStarted, StepAction, StepOutcome, StepPost, Submitted};
use rathaus_app::files::{Received, Uploads};
use rathaus_app::forms::Loaded;
use rathaus_domain::form::{to_input, FieldDef, FieldError, Form};
use rathaus_domain::Lang;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as JsonValue};
use utoipa::{IntoParams, ToSchema};

type Answer = Result<Response, Problem>;

pub(super) fn private<T: Serialize>(status: StatusCode, lang: Lang, value: &T) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_LANGUAGE, lang.code()),
        ],
        Json(value),
    )
        .into_response()
}

pub(super) fn bad_body(e: JsonRejection) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid-body",
        "Invalid request body",
    )
    .detail(e.body_text())
}

// ----- the form ----------------------------------------------------------------------------

/// A choice of a field.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormOption {
    pub value: String,
    pub label: String,
}

/// A field of a form step.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormField {
    pub id: String,
    /// `text`, `textarea`, `number`, `money` (cents), `date`, `choice`, `multi_choice`,
    /// `yes_no`, `address`, `email`, `phone`, `iban`, `country`, `file`, `info` (text to
    /// read, no answer) or `group` (repeatable entries of `fields`).
    pub kind: String,
    pub label: Option<String>,
    pub hint: Option<String>,
    /// The text of an `info` block.
    pub text: Option<String>,
    /// Whether an answer is required (when the field is shown).
    pub required: bool,
    /// Whether the field is shown, or required, only depending on other answers.
    pub conditional: bool,
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub options: Vec<FormOption>,
    /// `file`: the types taken (`pdf`, `jpeg`, `png`), by content.
    pub accept: Vec<String>,
    /// `file`: the largest size in bytes.
    pub max_bytes: Option<u64>,
    /// `group`: the fields of one entry.
    #[schema(no_recursion)]
    pub fields: Vec<FormField>,
}

/// A step of a form.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormStep {
    pub id: String,
    pub title: String,
    pub intro: Option<String>,
    /// Whether the step is asked only depending on earlier answers.
    pub conditional: bool,
    pub fields: Vec<FormField>,
}

/// A service's online form in its current version.
#[derive(Debug, Serialize, ToSchema)]
pub struct FormModel {
    pub service: String,
    pub version: i64,
    pub title: String,
    pub steps: Vec<FormStep>,
    /// The JSON Schema (2020-12) of the answers, as sent and as handed over.
    #[schema(value_type = Object)]
    pub answer_schema: JsonValue,
    /// Where a draft of this form is started (`POST`, with an access token).
    pub drafts: String,
}

fn field_model(form: &Form, f: &FieldDef, l: Lang) -> FormField {
    let text = |t: &Option<rathaus_domain::Text>| t.as_ref().map(|t| t.get(l).0.to_owned());
    FormField {
        id: f.id.clone(),
        kind: serde_json::to_value(f.kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        label: text(&f.label),
        hint: text(&f.hint),
        text: text(&f.text),
        required: f.required && f.kind.has_answer(),
        conditional: f.visible_if.is_some() || f.required_if.is_some(),
        min_length: f.min_length,
        max_length: f.max_length,
        min: f.min,
        max: f.max,
        options: form
            .options(f)
            .iter()
            .map(|o| FormOption {
                value: o.value.clone(),
                label: o.label.get(l).0.to_owned(),
            })
            .collect(),
        accept: f.accept.iter().map(|a| a.as_str().to_owned()).collect(),
        max_bytes: (f.kind == rathaus_domain::form::FieldKind::File).then(|| f.max_file_bytes()),
        fields: f.fields.iter().map(|g| field_model(form, g, l)).collect(),
    }
}

/// A service's online form: steps and fields (labels, hints, options, limits) and the
/// JSON Schema of its answers. Public; starting a draft needs a token.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/services/{service}/form",
    tag = "applications",
    operation_id = "getForm",
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("service" = String, Path, description = "The service's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The form", body = FormModel),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service, or it has no online form", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn form(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, sid)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let site = state.site();
    let o = site
        .catalog
        .service(&tid, &sid)
        .ok_or_else(|| Problem::not_found().detail(format!("no service '{sid}'")))?;
    let form = o
        .form
        .ok_or_else(|| Problem::not_found().detail("this service has no online form"))?;
    let title = o.service.title.get(l).0.to_owned();
    let model = FormModel {
        service: sid.clone(),
        version: i64::from(o.service.version),
        steps: form
            .def
            .steps
            .iter()
            .map(|s| FormStep {
                id: s.id.clone(),
                title: s.title.get(l).0.to_owned(),
                intro: s.intro.as_ref().map(|t| t.get(l).0.to_owned()),
                conditional: s.visible_if.is_some(),
                fields: s.fields.iter().map(|f| field_model(form, f, l)).collect(),
            })
            .collect(),
        answer_schema: form.answer_schema(&title),
        title,
        drafts: paths::api_drafts(&tid),
    };
    Ok(super::cached(&headers, l, &model))
}

// ----- drafts ------------------------------------------------------------------------------

/// Starting a draft.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDraft {
    /// The service's id.
    pub service: String,
}

/// A step of a draft.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftStep {
    pub id: String,
    pub title: String,
    /// Whether the answers so far ask this step (a skipped step takes no answers).
    pub asked: bool,
    /// Where its answers are sent (`PUT`).
    pub href: String,
}

/// A draft: its answers so far and where it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftModel {
    pub id: String,
    pub service: String,
    /// The form version the draft keeps to.
    pub version: i64,
    /// The step the citizen is at.
    pub step: String,
    pub steps: Vec<DraftStep>,
    /// The answers so far, in the shape of the answer schema.
    #[schema(value_type = Object)]
    pub answers: JsonValue,
    /// Fields filled in from the account (editable).
    pub prefilled: Vec<String>,
    /// Once submitted: the reference number.
    pub reference: Option<String>,
    /// Once submitted: the application.
    pub application: Option<String>,
    pub check: String,
    pub submit: String,
}

/// The draft `id` of the token's citizen.
async fn own_draft(state: &St, c: &Citizen, tid: &str, id: &str) -> Result<OwnDraft, Problem> {
    match access::draft(&state.app, c, tid, id).await {
        Ok(d) => Ok(d),
        Err(DraftRefusal::Error(e)) => Err(e.into()),
        Err(DraftRefusal::Denied(..)) => Err(Problem::not_found().detail("no such draft of yours")),
    }
}

/// The form of an open draft (a submitted one takes no more answers).
async fn open_form<'s>(
    state: &St,
    site: &'s crate::kit::Site,
    d: &OwnDraft,
) -> Result<Loaded<'s>, Problem> {
    if d.submitted() {
        return Err(Problem::conflict("the application has been submitted"));
    }
    Ok(rathaus_app::drafts::form(&state.app, &site.core, d).await?)
}

fn draft_model(d: &OwnDraft, l: &Loaded<'_>, lang: Lang) -> DraftModel {
    let draft = d.draft();
    let (tid, id) = (d.tenant(), d.id());
    let answers: Map<String, JsonValue> = serde_json::from_str(&draft.answers).unwrap_or_default();
    let prefilled: Map<String, JsonValue> = draft
        .prefilled
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let form = l.form();
    let today = rathaus_app::clock::today();
    let asked = form.visible_steps(&answers, &today);
    DraftModel {
        id: id.to_owned(),
        service: draft.service_id.clone(),
        version: draft.version,
        step: draft.step.clone(),
        steps: form
            .def
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| DraftStep {
                id: s.id.clone(),
                title: s.title.get(lang).0.to_owned(),
                asked: asked.contains(&i),
                href: paths::api_draft_step(tid, id, &s.id),
            })
            .collect(),
        answers: JsonValue::Object(answers),
        prefilled: prefilled
            .keys()
            .filter(|k| !k.starts_with('_'))
            .cloned()
            .collect(),
        reference: draft.reference.clone(),
        application: draft
            .reference
            .as_ref()
            .map(|_| paths::api_application(tid, id)),
        check: paths::api_draft_check(tid, id),
        submit: paths::api_draft_submit(tid, id),
    }
}

/// Starts a draft of a service's form. Services for guests take a guest token
/// (`urn:rathaus:grant-type:guest`); others need a login of the service's level.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/drafts",
    tag = "applications",
    operation_id = "startDraft",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id"), LangQuery),
    request_body(content = NewDraft, content_type = "application/json"),
    responses(
        (status = 201, description = "The new draft", body = DraftModel, headers(("Location" = String, description = "The draft"))),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The service needs a login (`login-needed`) or a higher level (`level-too-low`)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such service with an online form", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn start(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    body: Result<Json<NewDraft>, JsonRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let Json(body) = body.map_err(bad_body)?;
    let l = lang(q.lang, &prefs);
    let site = state.site();
    let t = site
        .catalog
        .tenant(&tid)
        .ok_or_else(|| Problem::not_found().detail(format!("no portal '{tid}'")))?;
    let o = site
        .catalog
        .service(&tid, &body.service)
        .filter(|o| o.form.is_some())
        .ok_or_else(|| Problem::not_found().detail("no such service with an online form"))?;
    let started = match rathaus_app::drafts::start(&state.app, t, &o, &c, None).await? {
        Ok(s) => s,
        Err(NotStarted::Admission(Admission::LevelTooLow(min))) => {
            return Err(Problem::forbidden(
                "level-too-low",
                format!("this service needs a login of level {}", min.as_str()),
            ))
        }
        Err(NotStarted::Admission(_)) => {
            return Err(Problem::forbidden(
                "login-needed",
                "this service needs a login with an account",
            ))
        }
    };
    let d = own_draft(&state, &c, &tid, &started.draft).await?;
    let loaded = rathaus_app::drafts::form(&state.app, &site.core, &d).await?;
    let mut res = private(StatusCode::CREATED, l, &draft_model(&d, &loaded, l));
    if let Ok(v) = paths::api_draft(&tid, d.id()).parse() {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// A draft of the token's citizen: answers so far, the steps asked, where it stands.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/drafts/{id}",
    tag = "applications",
    operation_id = "getDraft",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The draft's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The draft", body = DraftModel),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft of the token's citizen", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn draft(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let d = own_draft(&state, &c, &tid, &id).await?;
    let site = state.site();
    let loaded = rathaus_app::drafts::form(&state.app, &site.core, &d).await?;
    Ok(private(StatusCode::OK, l, &draft_model(&d, &loaded, l)))
}

/// What to do with a step's answers.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StepMove {
    /// Check them and go on (the default).
    #[default]
    Next,
    /// Keep what holds without asking for the rest (to go on later).
    Save,
}

/// A step's answers.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepAnswers {
    /// The step's answers by field id, in the shape of the answer schema.
    #[schema(value_type = Object)]
    pub answers: Map<String, JsonValue>,
    #[serde(default)]
    pub action: StepMove,
}

/// Where a saved step leads.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepResult {
    /// The step to answer next, or none when every step is answered (then: check).
    pub next_step: Option<String>,
    /// Whether every step asked is answered.
    pub complete: bool,
    pub draft: String,
}

fn field_problems(errors: &[FieldError], words: &rathaus_app::texts::Words) -> Vec<FieldProblem> {
    errors
        .iter()
        .map(|e| FieldProblem {
            field: e.name.clone(),
            message: words.text(&e.message),
        })
        .collect()
}

/// Saves a step's answers, checked by the form's rules with the web form's messages. What
/// holds is kept even when another answer has an error (`422` lists those, by input).
#[utoipa::path(
    put,
    path = "/api/v1/tenants/{tenant}/drafts/{id}/steps/{step}",
    tag = "applications",
    operation_id = "saveStep",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The draft's id"),
        ("step" = String, Path, description = "The step's id"),
        LangQuery
    ),
    request_body(content = StepAnswers, content_type = "application/json"),
    responses(
        (status = 200, description = "Saved", body = StepResult),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft or step", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Answers that do not hold (`errors`); the others are saved", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn save_step(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id, step)): Path<(String, String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
    body: Result<Json<StepAnswers>, JsonRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let Json(body) = body.map_err(bad_body)?;
    let l = lang(q.lang, &prefs);
    let d = own_draft(&state, &c, &tid, &id).await?;
    let site = state.site();
    let loaded = open_form(&state, &site, &d).await?;
    let form = loaded.form();
    let si = rathaus_app::drafts::step_index(form, &step)
        .ok_or_else(|| Problem::not_found().detail(format!("no step '{step}'")))?;
    let post = StepPost {
        input: to_input(&form.def.steps[si], &body.answers),
        files: Vec::new(),
        errors: Vec::new(),
    };
    let action = match body.action {
        StepMove::Next => StepAction::Next,
        StepMove::Save => StepAction::Save,
    };
    let outcome = rathaus_app::drafts::save_step(&state.app, &d, form, si, post, action).await?;
    let (next_step, complete) = match outcome {
        StepOutcome::Show { errors, .. } if !errors.is_empty() => {
            let words = site.core.words(&tid, l);
            return Err(Problem::invalid_answers(field_problems(&errors, &words)));
        }
        StepOutcome::Show { .. } | StepOutcome::Saved => (Some(step), false),
        StepOutcome::Step(next) => (Some(next), false),
        StepOutcome::Check => (None, true),
    };
    let result = StepResult {
        next_step,
        complete,
        draft: paths::api_draft(&tid, &id),
    };
    Ok(private(StatusCode::OK, l, &result))
}

/// `?filename=`: the file's name as the citizen knows it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name (shown to staff; its type is judged by the content).
    pub filename: Option<String>,
    #[param(inline)]
    pub lang: Option<super::model::ApiLang>,
}

/// A file stored for a field.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredFile {
    pub field: String,
    pub name: String,
    pub size: u64,
    /// `pdf`, `jpeg` or `png`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Uploads the file of a file field (the request body is the file, streamed; it replaces
/// the field's earlier file). The same limits as on the web: the field's size and types
/// (judged by the content) and the application's total.
#[utoipa::path(
    put,
    path = "/api/v1/tenants/{tenant}/drafts/{id}/steps/{step}/files/{field}",
    tag = "applications",
    operation_id = "uploadFile",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The draft's id"),
        ("step" = String, Path, description = "The step's id"),
        ("field" = String, Path, description = "The file field's input (`nachweis`, or `hunde.0.foto` in a group)"),
        UploadQuery
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Stored", body = StoredFile),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft, step or file field", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Submitted already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is refused (size, type, storage); `errors` says why", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn upload(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id, step, field)): Path<(String, String, String, String)>,
    q: Result<Query<UploadQuery>, QueryRejection>,
    body: Body,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let d = own_draft(&state, &c, &tid, &id).await?;
    let site = state.site();
    let loaded = open_form(&state, &site, &d).await?;
    let form = loaded.form();
    let si = rathaus_app::drafts::step_index(form, &step)
        .ok_or_else(|| Problem::not_found().detail(format!("no step '{step}'")))?;
    let def = rathaus_app::files::file_field(&form.def.steps[si], &field).ok_or_else(|| {
        Problem::not_found().detail(format!("no file field '{field}' on this step"))
    })?;
    let original = q.filename.unwrap_or_else(|| "datei".to_owned());
    let received = receive(
        &state,
        (d.tenant(), d.id()),
        &field,
        &original,
        def,
        body,
        true,
    )
    .await?;
    let words = site.core.words(&tid, l);
    let (meta, answer) = match received {
        Received::Stored(meta, answer) => (meta, answer),
        Received::Nothing => {
            return Err(Problem::invalid_parameter(
                "the body is empty: send the file",
            ))
        }
        Received::Refused(e) => return Err(Problem::invalid_answers(field_problems(&[e], &words))),
    };
    // The step keeps every stored answer and takes the file, as a web post with it would.
    let answers: Map<String, JsonValue> =
        serde_json::from_str(&d.draft().answers).unwrap_or_default();
    let post = StepPost {
        input: to_input(&form.def.steps[si], &answers),
        files: vec![(field.clone(), answer)],
        errors: Vec::new(),
    };
    rathaus_app::drafts::save_step(&state.app, &d, form, si, post, StepAction::Save).await?;
    let stored = StoredFile {
        field,
        name: meta.name,
        size: meta.size.max(0) as u64,
        kind: meta.kind,
    };
    Ok(private(StatusCode::OK, l, &stored))
}

/// Streams the body into the upload sink of draft `(tenant, id)` (`replace`: the field's
/// earlier file goes); beyond the limit nothing more is read.
async fn receive(
    state: &St,
    (tenant, draft): (&str, &str),
    field: &str,
    original: &str,
    def: &FieldDef,
    body: Body,
    replace: bool,
) -> Result<Received, Problem> {
    let app = &state.app;
    let mut uploads = Uploads::begin(app, tenant, draft, replace)
        .await
        .map_err(|e| Problem::from(rathaus_app::AppError::from(e)))?;
    let mut up = uploads.file(field, original, def).await.map_err(|e| {
        tracing::error!(error = %e, "starting an upload failed");
        Problem::internal()
    })?;
    let limit = def.max_file_bytes().min(app.files.max_per_application);
    let mut read: u64 = 0;
    let mut stream = body.into_data_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| Problem::invalid_parameter("the upload was cut off"))?;
        read += chunk.len() as u64;
        up.write(&chunk).await.map_err(|e| {
            tracing::error!(error = %e, "writing an upload failed");
            Problem::internal()
        })?;
        if read > limit {
            // Too large: the sink refuses it with the field's message; the rest is not read.
            break;
        }
    }
    Ok(uploads.finish(up).await?)
}

// ----- check and submit -----------------------------------------------------------------------

/// A line of the fee.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeLineModel {
    pub label: String,
    pub quantity: i64,
    pub unit_cents: i64,
    pub total_cents: i64,
}

/// The fee an application will owe.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeeModel {
    pub total_cents: i64,
    pub lines: Vec<FeeLineModel>,
}

/// A complete draft as it will be sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckModel {
    /// The answers as they will be sent (steps not asked are left out).
    #[schema(value_type = Object)]
    pub answers: JsonValue,
    /// What the form computes from them.
    #[schema(value_type = Object)]
    pub computed: JsonValue,
    pub fee: Option<FeeModel>,
    /// Where to submit (`POST`, with consent and declaration).
    pub submit: String,
}

/// A draft's answers as they will be sent, with what they compute and the fee; `409` with
/// the step that is not complete yet.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/drafts/{id}/check",
    tag = "applications",
    operation_id = "checkDraft",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The draft's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "Complete", body = CheckModel),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft of the token's citizen", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A step is not complete, or it was submitted", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn check(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let d = own_draft(&state, &c, &tid, &id).await?;
    let site = state.site();
    let loaded = open_form(&state, &site, &d).await?;
    let form = loaded.form();
    let (answers, computed) = rathaus_app::drafts::checked(&d, form)
        .map_err(|step| Problem::conflict(format!("step '{step}' is not complete")))?;
    let fee = form.fee(&computed).map(|f| FeeModel {
        total_cents: f.total_cents,
        lines: f
            .lines
            .iter()
            .map(|x| FeeLineModel {
                label: x.label.get(l).0.to_owned(),
                quantity: x.quantity,
                unit_cents: x.unit_cents,
                total_cents: x.total_cents,
            })
            .collect(),
    });
    let model = CheckModel {
        answers: JsonValue::Object(answers),
        computed: JsonValue::Object(computed),
        fee,
        submit: paths::api_draft_submit(&tid, &id),
    };
    Ok(private(StatusCode::OK, l, &model))
}

/// Submitting: the citizen's consent to the processing of the data and the declaration
/// that the answers are true, both as on the web form's check page.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitRequest {
    pub consent: bool,
    pub truth: bool,
}

/// A submitted application.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedModel {
    pub reference: String,
    /// A guest's access code (with the reference, it opens the application anywhere).
    pub access_code: Option<String>,
    pub application: String,
    /// The receipt as PDF/A.
    pub receipt: String,
}

/// Submits a complete draft: everything is checked again; the reference is drawn, the
/// confirmation mail and the hand-overs are queued. Submitting again answers the same.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/drafts/{id}/submit",
    tag = "applications",
    operation_id = "submitDraft",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The draft's id"),
        LangQuery
    ),
    request_body(content = SubmitRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Submitted", body = SubmittedModel),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The login's level is too low for the service", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such draft of the token's citizen", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A step is not complete", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Consent or declaration missing (`errors`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn submit(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
    body: Result<Json<SubmitRequest>, JsonRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let Json(body) = body.map_err(bad_body)?;
    let l = lang(q.lang, &prefs);
    let d = own_draft(&state, &c, &tid, &id).await?;
    let site = state.site();
    if !d.submitted() {
        let loaded = rathaus_app::drafts::form(&state.app, &site.core, &d).await?;
        let outcome =
            rathaus_app::drafts::submit(&state.app, &d, &c, &loaded, body.consent, body.truth, l)
                .await?;
        match outcome {
            Submitted::Done => {}
            Submitted::Missing(missing) => {
                let words = site.core.words(&tid, l);
                let errors = missing
                    .iter()
                    .map(|m| FieldProblem {
                        field: (*m).to_owned(),
                        message: words.get(if *m == "consent" {
                            "error-consent"
                        } else {
                            "error-truth"
                        }),
                    })
                    .collect();
                return Err(Problem::invalid_answers(errors));
            }
            Submitted::Incomplete(step) => {
                return Err(Problem::conflict(format!("step '{step}' is not complete")))
            }
            Submitted::Admission(_) => {
                return Err(Problem::forbidden(
                    "level-too-low",
                    "the login's level is too low for this service",
                ))
            }
        }
    }
    let d = own_draft(&state, &c, &tid, &id).await?;
    let receipt = rathaus_app::drafts::receipt(&state.app, &d)
        .await?
        .ok_or_else(Problem::internal)?;
    let model = SubmittedModel {
        reference: receipt.sub.reference.clone(),
        access_code: rathaus_app::receipts::guest_code(&state.app, d.draft()),
        application: paths::api_application(&tid, &id),
        receipt: paths::api_receipt(&tid, &id),
    };
    Ok(private(StatusCode::OK, l, &model))
}

/// The receipt of a submitted application as PDF/A: every answer, computed value and
/// file (with its SHA-256).
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/applications/{id}/receipt",
    tag = "applications",
    operation_id = "getReceipt",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The receipt", content_type = "application/pdf", body = Vec<u8>),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn receipt(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let d = own_draft(&state, &c, &tid, &id).await?;
    let r = rathaus_app::drafts::receipt(&state.app, &d)
        .await?
        .ok_or_else(|| Problem::not_found().detail("no such application of yours"))?;
    let site = state.site();
    let loaded = rathaus_app::drafts::form(&state.app, &site.core, &d).await?;
    let code = rathaus_app::receipts::guest_code(&state.app, d.draft());
    let bytes = rathaus_app::receipts::pdf(&state.app, &site.core, l, &tid, &r, &loaded, code)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "the receipt PDF failed");
            Problem::internal()
        })?;
    let safe = r
        .sub
        .reference
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_");
    let disposition = format!("attachment; filename=\"Eingangsbestaetigung-{safe}.pdf\"");
    Ok(crate::kit::download("application/pdf", &disposition, bytes))
}

// ----- after submitting -------------------------------------------------------------------------

/// Withdraws an application (only before a decision). If its status moved meanwhile,
/// nothing happens; the answer says where it stands.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/applications/{id}/withdraw",
    tag = "applications",
    operation_id = "withdraw",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be withdrawn any more", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn withdraw(
    state: St,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let own = super::citizen::own_case(&state, &c, &tid, &id).await?;
    if !rathaus_app::postkorb::can_withdraw(own.case(&state.app).await?.status) {
        return Err(Problem::conflict(
            "the application cannot be withdrawn any more",
        ));
    }
    rathaus_app::postkorb::withdraw(&state.app, &own).await?;
    // If its status moved meanwhile (decided, say), nothing was withdrawn.
    if own.case(&state.app).await?.status != rathaus_domain::ApplicationStatus::Withdrawn {
        return Err(Problem::conflict("the application changed meanwhile"));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// A reply to the authority.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyRequest {
    pub text: String,
    /// Files uploaded for the reply (`…/attachments`), by id.
    #[serde(default)]
    pub files: Vec<String>,
}

/// A file uploaded for a reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredAttachment {
    /// Send it in the reply's `files`.
    pub id: String,
    pub name: String,
    pub size: u64,
    /// `pdf`, `jpeg` or `png`.
    #[serde(rename = "type")]
    pub kind: String,
}

/// Uploads a file for a reply (the body is the file, streamed): PDF, JPEG or PNG by
/// content, up to 10 MB and the application's total. Send its id with the reply.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/applications/{id}/attachments",
    tag = "applications",
    operation_id = "uploadAttachment",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        UploadQuery
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Stored", body = StoredAttachment),
        (status = 400, description = "A parameter does not fit, or the body is empty", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The file is refused (size, type, storage); `errors` says why", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn attachment(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<UploadQuery>, QueryRejection>,
    body: Body,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let own = super::citizen::own_case(&state, &c, &tid, &id).await?;
    let step = rathaus_app::postkorb::reply_step();
    let def = rathaus_app::files::file_field(&step, "datei").ok_or_else(Problem::internal)?;
    let original = q.filename.unwrap_or_else(|| "datei".to_owned());
    let received = receive(
        &state,
        (own.tenant(), own.id()),
        "datei",
        &original,
        def,
        body,
        false,
    )
    .await?;
    match received {
        Received::Stored(meta, _) => {
            let stored = StoredAttachment {
                id: meta.id,
                name: meta.name,
                size: meta.size.max(0) as u64,
                kind: meta.kind,
            };
            Ok(private(StatusCode::CREATED, l, &stored))
        }
        Received::Nothing => Err(Problem::invalid_parameter(
            "the body is empty: send the file",
        )),
        Received::Refused(e) => {
            let site = state.site();
            let words = site.core.words(&tid, l);
            Err(Problem::invalid_answers(field_problems(&[e], &words)))
        }
    }
}

/// Replies in the application's Postkorb (a case waiting for the citizen goes back to
/// review), with files uploaded for it.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/applications/{id}/messages",
    tag = "applications",
    operation_id = "reply",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        LangQuery
    ),
    request_body(content = ReplyRequest, content_type = "application/json"),
    responses(
        (status = 204, description = "Sent"),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The text is empty or too long (`errors`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reply(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
    body: Result<Json<ReplyRequest>, JsonRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let Json(body) = body.map_err(bad_body)?;
    let l = lang(q.lang, &prefs);
    let own = super::citizen::own_case(&state, &c, &tid, &id).await?;
    match rathaus_app::postkorb::reply(&state.app, &own, &c, &body.text, &body.files, None, l)
        .await?
    {
        Ok(()) => Ok(StatusCode::NO_CONTENT.into_response()),
        Err(m) => {
            let site = state.site();
            let words = site.core.words(&tid, l);
            Err(Problem::invalid_answers(vec![FieldProblem {
                field: "text".into(),
                message: words.text(&m),
            }]))
        }
    }
}

/// An attachment of a message (or a file of the application) as a download.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/applications/{id}/files/{file}",
    tag = "citizen",
    operation_id = "getFile",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        ("file" = String, Path, description = "The file's id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file of the token's citizen", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn file(
    state: St,
    headers: HeaderMap,
    Path((tid, id, fid)): Path<(String, String, String)>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let own = super::citizen::own_case(&state, &c, &tid, &id).await?;
    let meta = rathaus_app::postkorb::file(&state.app, &own, &fid).await?;
    crate::kit::send_file(&state.app, &meta, false)
        .await
        .map_err(|e| match e {
            WebError::NotFound | WebError::Gone => Problem::not_found(),
            _ => Problem::internal(),
        })
}
