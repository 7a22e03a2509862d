//! The citizen's way through an online form: start, steps, check page, submit, receipt.
//!
//! Every step is saved server-side when the citizen moves on (also back, and when adding or
//! removing an entry), so nothing typed is lost. The draft id in the URL is an unguessable
//! capability (the resume link); every post also carries a CSRF token. Pages with answers
//! are never cached. A draft is always continued with the form version it was started with.

use crate::csrf;
use crate::prefs::Prefs;
use crate::routes::{Page, PageError};
use crate::views::{self, loc, Loc, Paragraphs};
use crate::{urls, AppState};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form as PostForm;
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::context;
use rathaus_app::clock::{berlin_datetime, now_millis, today, DAY_MS};
use rathaus_domain::form::{to_input, FieldDef, FieldError, FieldKind, Form, StepDef, StepInput};
use rathaus_domain::{Lang, OfferedService, TenantDef};
use rathaus_store::{Draft, SubmitOutcome};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// The tenant, page and draft of a draft route, after the owner check; the CSRF token is
/// ensured in `$jar` and the session bar set. A draft this browser may not open as it is
/// answers with the login page (an account's) or the resume-code page (a guest's; for a
/// submitted one, the way to the access code), or with `on_login` where the caller has
/// something better to do.
macro_rules! draft_ctx {
    ($state:expr, $site:expr, $prefs:expr, $tid:expr, $did:expr, $citizen:expr, $jar:ident) => {
        draft_ctx!($state, $site, $prefs, $tid, $did, $citizen, $jar, on_login: |_t, page, draft| {
            crate::apply::gate(&$state, &page, $jar, &$tid, &draft, &$citizen, &$prefs.here, false).await
        })
    };
    ($state:expr, $site:expr, $prefs:expr, $tid:expr, $did:expr, $citizen:expr, $jar:ident,
     on_login: |$lt:ident, $lpage:ident, $ldraft:ident| $on_login:expr) => {{
        use rathaus_app::access::{Denied, DraftRefusal};
        let (t, page) = tenant_page!($site, $prefs, $tid);
        // Every request for a draft checks its owner.
        let own = match rathaus_app::access::draft(&$state.app, &$citizen, &$tid, &$did).await {
            Ok(d) => d,
            Err(DraftRefusal::Denied(Denied::Login | Denied::Code, Some(draft))) => {
                let ($lt, $lpage, $ldraft) = (t, page, *draft);
                return $on_login;
            }
            Err(DraftRefusal::Denied(..)) => return page.gone(),
            Err(DraftRefusal::Error(e)) => return crate::routes::internal(e),
        };
        let ($jar, token) = csrf::token($jar);
        let page = page.with_session(crate::account::session_view(
            &$citizen,
            &$tid,
            &token,
            &$prefs.here,
        ));
        (t, page, own, $jar)
    }};
}

type St = State<Arc<AppState>>;
type Post = PostForm<Vec<(String, String)>>;

fn input_from(pairs: &[(String, String)]) -> (StepInput, Option<String>, Option<String>) {
    let mut input = StepInput::new();
    let mut token = None;
    let mut action = None;
    for (k, v) in pairs {
        match k.as_str() {
            csrf::FIELD => token = Some(v.clone()),
            "aktion" => action = Some(v.clone()),
            _ => input.entry(k.clone()).or_default().push(v.clone()),
        }
    }
    (input, token, action)
}

pub(crate) use rathaus_app::forms::Loaded;

async fn form_for<'a>(
    state: &AppState,
    site: &'a crate::Site,
    tenant: &TenantDef,
    draft: &Draft,
) -> Result<Loaded<'a>, PageError> {
    rathaus_app::forms::at(
        &state.app,
        &site.core,
        tenant.id.as_str(),
        &draft.provider_id,
        &draft.service_id,
        draft.version,
    )
    .await
    .map_err(PageError::from)
}

/// The form of a draft that is still open; a submitted draft answers with its receipt.
async fn open_draft<'a>(
    state: &AppState,
    site: &'a crate::Site,
    tenant: &TenantDef,
    draft: &Draft,
) -> Result<Loaded<'a>, Response> {
    if draft.reference.is_some() {
        return Err(
            crate::redirect::to(&urls::apply_receipt(&draft.tenant_id, &draft.id)).into_response(),
        );
    }
    form_for(state, site, tenant, draft)
        .await
        .map_err(IntoResponse::into_response)
}

fn answers_of(d: &Draft) -> Map<String, Json> {
    serde_json::from_str(&d.answers).unwrap_or_default()
}

// ----- start ---------------------------------------------------------------------------

pub async fn start_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: crate::auth::Citizen,
    Path((tid, sid)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    let Some(o) = site.catalog.service(&tid, &sid) else {
        return page.not_found();
    };
    let Some(form) = o.form else {
        return page.not_found();
    };
    let (jar, token) = csrf::token(jar);
    let page = page.with_session(crate::account::session_view(
        &citizen,
        &tid,
        &token,
        &prefs.here,
    ));
    let res = render_start(
        &state,
        &page,
        &tid,
        &o,
        form,
        &citizen,
        &token,
        StatusCode::OK,
    );
    (jar, res).into_response()
}

/// What the start page says about logging in for this service.
#[derive(Debug, Serialize)]
struct LoginView {
    /// The provider's name, when login is set up for the tenant.
    label: Option<String>,
    href: String,
    /// Name of the logged-in citizen.
    account: Option<String>,
    guests: bool,
    /// The level the service needs, when the login's level is too low.
    need_level: Option<&'static str>,
    stronger_href: String,
}

#[allow(clippy::too_many_arguments)]
fn render_start(
    state: &AppState,
    page: &Page<'_>,
    tid: &str,
    o: &OfferedService<'_>,
    form: &Form,
    citizen: &crate::auth::Citizen,
    token: &str,
    status: StatusCode,
) -> Response {
    let lang = page.lang();
    let sid = o.service.id.as_str();
    let steps: Vec<Loc> = form.def.steps.iter().map(|s| loc(&s.title, lang)).collect();
    let policy = &o.service.login;
    let live = citizen.live.as_ref().filter(|l| l.account_id().is_some());
    let here = urls::apply_start(tid, sid);
    let login = LoginView {
        label: state.auth.label(tid).map(str::to_owned),
        href: urls::login(tid, Some(&here)),
        account: live.map(|l| l.session.display_name.clone()),
        guests: policy.guests && policy.min_level.is_none(),
        need_level: match (live, policy.min_level) {
            (Some(l), Some(min)) if l.level() < min => Some(min.as_str()),
            _ => None,
        },
        stronger_href: urls::login_stronger(tid, &here),
    };
    let can_start = match live {
        Some(_) => login.need_level.is_none(),
        None => login.guests,
    };
    page.render_private(
        status,
        "apply_start.html",
        context! {
            service => views::service(tid, o, page.site().catalog.portal(), lang),
            steps, csrf => token, action => here, login, can_start,
        },
    )
}

pub async fn start(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: crate::auth::Citizen,
    Path((tid, sid)): Path<(String, String)>,
    PostForm(pairs): Post,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    let (_, token, _) = input_from(&pairs);
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let Some(o) = site.catalog.service(&tid, &sid) else {
        return page.not_found();
    };
    let Some(form) = o.form else {
        return page.not_found();
    };
    // Who may start: guests where the service allows it; with an account of high enough
    // level otherwise.
    let policy = &o.service.login;
    let account = citizen.live.as_ref().filter(|l| l.account_id().is_some());
    match (account, policy.min_level) {
        (None, min) if !policy.guests || min.is_some() => {
            return crate::auth::login_needed(
                &state,
                &page,
                &tid,
                &urls::apply_start(&tid, &sid),
                citizen.expired,
                None,
            )
            .await;
        }
        (Some(l), Some(min)) if l.level() < min => {
            let (_, token) = csrf::token(jar.clone());
            return render_start(
                &state,
                &page,
                &tid,
                &o,
                form,
                &citizen,
                &token,
                StatusCode::FORBIDDEN,
            );
        }
        _ => {}
    }
    // Known data from the account fills the fields that ask for it (and stays editable).
    let mut answers = Map::new();
    let mut prefilled = Map::new();
    if let Some(aid) = account.and_then(|l| l.account_id()) {
        let profile: rathaus_domain::Profile = match state.app.db.account(&tid, aid).await {
            Ok(Some(a)) => serde_json::from_str(&a.profile).unwrap_or_default(),
            Ok(None) => rathaus_domain::Profile::default(),
            Err(e) => return PageError::Internal(e.to_string()).into_response(),
        };
        for f in form.def.steps.iter().flat_map(|s| s.fields.iter()) {
            if let Some(v) = f.prefill.as_deref().and_then(|src| profile.prefill(src)) {
                answers.insert(f.id.clone(), v.clone());
                prefilled.insert(f.id.clone(), v);
            }
        }
    }
    // A guest's draft is bound to this browser's guest session from the start.
    let (jar, owner_session) = if account.is_some() {
        (jar, None)
    } else {
        match crate::auth::guest_session(&state, jar, _t, &citizen).await {
            Ok((jar, hash)) => (jar, Some(hash)),
            Err(e) => return PageError::Internal(e.to_string()).into_response(),
        }
    };
    let draft = Draft {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: tid.clone(),
        provider_id: o.provider.id.to_string(),
        service_id: sid.clone(),
        version: i64::from(o.service.version),
        answers: serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into()),
        step: form.def.steps[0].id.clone(),
        updated_at: 0,
        reference: None,
        account_id: account.and_then(|l| l.account_id()).map(str::to_owned),
        prefilled: (!prefilled.is_empty())
            .then(|| serde_json::to_string(&prefilled).unwrap_or_default()),
        owner_session,
        access_hash: None,
    };
    if let Err(e) = state.app.db.create_draft(&draft).await {
        return PageError::Internal(e.to_string()).into_response();
    }
    (
        jar,
        crate::redirect::to(&urls::apply_step(&tid, &draft.id, &draft.step)),
    )
        .into_response()
}

/// `GET /{t}/leistungen/{s}/antrag/schema.json`: the JSON Schema of the answers of the
/// current version (for specialist systems and the app API).
pub async fn answer_schema(State(state): St, Path((tid, sid)): Path<(String, String)>) -> Response {
    let site = state.site();
    let Some(o) = site.catalog.service(&tid, &sid) else {
        return PageError::NotFound.into_response();
    };
    let Some(form) = o.form else {
        return PageError::NotFound.into_response();
    };
    let mut schema = form.answer_schema(&format!(
        "{} (version {})",
        o.service.title.de, o.service.version
    ));
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$id".into(), Json::String(urls::apply_schema(&tid, &sid)));
    }
    (
        [(axum::http::header::CONTENT_TYPE, "application/schema+json")],
        serde_json::to_string_pretty(&schema).unwrap_or_default(),
    )
        .into_response()
}

/// `GET /{t}/antrag/{draft}`: the resume link.
pub async fn resume(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: crate::auth::Citizen,
    Path((tid, did)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (_t, _page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let d = own.draft();
    let _ = jar;
    if d.reference.is_some() {
        crate::redirect::to(&urls::apply_receipt(&tid, &did)).into_response()
    } else {
        crate::redirect::to(&urls::apply_step(&tid, &did, &d.step)).into_response()
    }
}

/// What a browser sees of a draft it may not open as it is: the login (an account's
/// draft), the way to the access code (a guest's submitted application: the draft id opens
/// nothing any more), or the resume-code form (a guest's open draft; `kept` says that a
/// posted step was kept).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn gate(
    state: &AppState,
    page: &Page<'_>,
    jar: CookieJar,
    tid: &str,
    draft: &Draft,
    citizen: &crate::auth::Citizen,
    here: &str,
    kept: bool,
) -> Response {
    if draft.account_id.is_some() {
        return crate::auth::login_needed(state, page, tid, here, citizen.expired, None).await;
    }
    if draft.reference.is_some() {
        return sent_page(page, tid);
    }
    let (jar, token) = csrf::token(jar);
    let res = resume_page(
        page,
        tid,
        &draft.id,
        &token,
        citizen.expired,
        kept,
        None,
        StatusCode::OK,
    );
    (jar, res).into_response()
}

/// A guest's application was sent: it opens with reference and access code.
fn sent_page(page: &Page<'_>, tid: &str) -> Response {
    page.render_private(
        StatusCode::OK,
        "apply_sent.html",
        context! { guest_href => urls::guest_access(tid) },
    )
}

#[allow(clippy::too_many_arguments)]
fn resume_page(
    page: &Page<'_>,
    tid: &str,
    did: &str,
    token: &str,
    expired: bool,
    kept: bool,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    page.render_private(
        status,
        "apply_resume.html",
        context! { action => urls::apply_resume(tid, did), csrf => token, expired, kept, error },
    )
}

/// `POST /{t}/antrag/{draft}`: the resume code opens the guest's draft in this browser
/// (with a lock-out per draft and a limit per address); a step kept from the ended session
/// is applied.
pub async fn resume_post(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: crate::auth::Citizen,
    ip: crate::appointments::ClientIp,
    Path((tid, did)): Path<(String, String)>,
    PostForm(pairs): Post,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let (input, token, _) = input_from(&pairs);
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let here = urls::apply_resume(&tid, &did);
    // Only a guest's open draft in another browser opens with its resume code.
    let draft = match rathaus_app::access::draft(&state.app, &citizen, &tid, &did).await {
        Err(rathaus_app::access::DraftRefusal::Denied(
            rathaus_app::access::Denied::Code,
            Some(d),
        )) if d.reference.is_none() => *d,
        Err(rathaus_app::access::DraftRefusal::Denied(rathaus_app::access::Denied::Gone, _)) => {
            return page.gone()
        }
        Err(rathaus_app::access::DraftRefusal::Error(e)) => return crate::routes::internal(e),
        _ => return crate::redirect::to(&here),
    };
    let typed = input
        .get("code")
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let guess = format!("resume:{did}");
    let refuse = |error: String, status: StatusCode| {
        let (jar, token) = csrf::token(jar.clone());
        let res = resume_page(&page, &tid, &did, &token, false, false, Some(error), status);
        (jar, res).into_response()
    };
    let m = &page.theme().messages;
    match state
        .app
        .guesses
        .check(&state.app.db, &tid, &guess, ip.0)
        .await
    {
        Ok(rathaus_app::guard::Verdict::Allowed) => {}
        Ok(rathaus_app::guard::Verdict::Wait(ms)) => {
            let mut a = FluentArgs::new();
            a.set("time", crate::account::wait_text(ms));
            let res = refuse(
                m.get(page.lang(), "resume-wait", Some(&a)),
                StatusCode::TOO_MANY_REQUESTS,
            );
            return crate::account::with_retry_after(res, ms);
        }
        Err(e) => return PageError::Internal(e.to_string()).into_response(),
    }
    if !state.app.keys.resume_code_fits(&did, &typed) {
        if let Err(e) = state.app.guesses.failed(&state.app.db, &tid, &guess).await {
            return PageError::Internal(e.to_string()).into_response();
        }
        tracing::warn!(tenant = %tid, "resume code refused");
        return refuse(
            m.get(page.lang(), "resume-error", None),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let bound = async {
        state
            .app
            .guesses
            .succeeded(&state.app.db, &tid, &guess)
            .await?;
        let (jar, hash) = crate::auth::guest_session(&state, jar, t, &citizen).await?;
        state.app.db.bind_draft(&tid, &did, &hash).await?;
        Ok::<_, rathaus_store::StoreError>((
            jar,
            state.app.db.take_draft_pending(&tid, &did).await?,
        ))
    };
    let (jar, pending) = match bound.await {
        Ok(x) => x,
        Err(e) => return PageError::Internal(e.to_string()).into_response(),
    };
    let mut target = urls::apply_step(&tid, &did, &draft.step);
    if let Some(p) = pending.and_then(|p| serde_json::from_str::<crate::auth::Pending>(&p).ok()) {
        match apply_pending(&state, &site, t, &draft, &p).await {
            Ok(Some(url)) => target = url,
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "restoring a kept step failed"),
        }
    }
    tracing::info!(tenant = %tid, "guest draft opened with its resume code");
    (jar, crate::redirect::to(&target)).into_response()
}

// ----- eligibility pre-check -----------------------------------------------------------

pub async fn precheck_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, sid)): Path<(String, String)>,
) -> Response {
    precheck(state, prefs, jar, tid, sid, None).await
}

pub async fn precheck_post(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, sid)): Path<(String, String)>,
    PostForm(pairs): Post,
) -> Response {
    precheck(state, prefs, jar, tid, sid, Some(pairs)).await
}

/// Shows the questions, or evaluates posted answers. Nothing is stored.
async fn precheck(
    state: Arc<AppState>,
    prefs: Prefs,
    jar: CookieJar,
    tid: String,
    sid: String,
    posted: Option<Vec<(String, String)>>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    let Some(o) = site.catalog.service(&tid, &sid) else {
        return page.not_found();
    };
    let Some(pc) = o.form.and_then(|f| f.precheck.as_ref()) else {
        return page.not_found();
    };
    let lang = prefs.lang;
    let today = today();
    let mc = MessageCtx {
        messages: &page.theme().messages,
        lang,
    };
    let mut input = StepInput::new();
    let mut errors = Vec::new();
    let mut results = None;
    if let Some(pairs) = posted {
        let (i, token, _) = input_from(&pairs);
        if !csrf::verify(&jar, token.as_deref()) {
            return page.forbidden();
        }
        input = i;
        match pc.evaluate(&input, &today) {
            Ok(outcomes) => {
                let not_possible = outcomes
                    .iter()
                    .any(|o| o.verdict == rathaus_domain::form::Verdict::NotPossible);
                let uncertain = outcomes
                    .iter()
                    .any(|o| o.verdict == rathaus_domain::form::Verdict::Uncertain);
                results = Some(context! {
                    verdict => if not_possible { "not_possible" } else if uncertain { "uncertain" } else { "likely" },
                    messages => outcomes.iter().map(|o| loc(&o.message, lang)).collect::<Vec<_>>(),
                    prepare => (!not_possible).then(|| pc.def.prepare.as_ref().map(|p| views::paragraphs(p, lang))).flatten(),
                });
            }
            Err(errs) => errors = errs,
        }
    }
    let q = &pc.questions;
    let answers = Map::new();
    let fields: Vec<FieldView> = q.def.steps[0]
        .fields
        .iter()
        .map(|f| {
            field_view(
                q, 0, f, &f.id, &input, &errors, &answers, None, &today, &mc, "",
            )
        })
        .collect();
    let summary: Vec<_> = errors
        .iter()
        .map(|e| {
            let label = q.def.steps[0].fields.iter().find(|f| f.id == e.name).and_then(|f| f.label.as_ref()).map(|l| l.get(lang).0.to_owned()).unwrap_or_default();
            context! { href => format!("#{}", html_id(&e.name)), label, text => mc.text(&e.message) }
        })
        .collect();
    let (jar, token) = csrf::token(jar);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let res = page.render_private(
        status,
        "precheck.html",
        context! {
            service => views::service(&tid, &o, site.catalog.portal(), lang),
            intro => views::paragraphs(&pc.def.intro, lang),
            fields, summary, results, csrf => token,
            action => urls::precheck(&tid, &sid),
        },
    );
    (jar, res).into_response()
}

// ----- steps -----------------------------------------------------------------------------

#[derive(Debug, Serialize)]
struct OptView {
    value: String,
    label: Loc,
    checked: bool,
}

#[derive(Debug, Serialize)]
struct FieldView {
    kind: &'static str,
    name: String,
    html_id: String,
    label: Option<Loc>,
    hint: Option<Loc>,
    text: Option<Paragraphs>,
    required: bool,
    error: Option<String>,
    value: String,
    options: Vec<OptView>,
    /// Address parts: (part, html id, value, error).
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
    /// Taken from the citizen's account and unchanged since.
    prefilled: bool,
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

pub fn html_id(name: &str) -> String {
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

pub use rathaus_app::texts::Words as MessageCtx;

#[allow(clippy::too_many_arguments)]
fn field_view(
    form: &Form,
    step: usize,
    f: &FieldDef,
    name: &str,
    input: &StepInput,
    errors: &[FieldError],
    answers: &Map<String, Json>,
    item: Option<&Map<String, Json>>,
    today: &str,
    mc: &MessageCtx<'_>,
    files_href: &str,
) -> FieldView {
    let lang = mc.lang;
    let value = input
        .get(name)
        .and_then(|v| v.first())
        .cloned()
        .unwrap_or_default();
    let err = |n: &str| {
        errors
            .iter()
            .find(|e| e.name == n)
            .map(|e| mc.text(&e.message))
    };
    let selected: Vec<String> = input.get(name).cloned().unwrap_or_default();
    let options: Vec<OptView> = match f.kind {
        FieldKind::YesNo => [("ja", "answer-yes"), ("nein", "answer-no")]
            .into_iter()
            .map(|(v, key)| OptView {
                value: v.into(),
                label: Loc {
                    text: mc.messages.get(lang, key, None),
                    lang: None,
                },
                checked: value == v,
            })
            .collect(),
        _ => form
            .options(f)
            .iter()
            .map(|o| OptView {
                value: o.value.clone(),
                label: loc(&o.label, lang),
                checked: selected.contains(&o.value),
            })
            .collect(),
    };
    let parts = if f.kind == FieldKind::Address {
        [
            ("street", "address-line1"),
            ("house_number", "off"),
            ("postal_code", "postal-code"),
            ("city", "address-level2"),
        ]
        .into_iter()
        .map(|(p, ac)| {
            let n = format!("{name}.{p}");
            let v = input
                .get(&n)
                .and_then(|v| v.first())
                .cloned()
                .unwrap_or_default();
            (p.to_owned(), html_id(&n), v, err(&n), ac)
        })
        .collect()
    } else {
        Vec::new()
    };
    let mut items = Vec::new();
    let mut count = 0;
    if f.kind == FieldKind::Group {
        let stored: Vec<Map<String, Json>> = answers
            .get(&f.id)
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(|x| x.as_object().cloned()).collect())
            .unwrap_or_default();
        count = input
            .get(&format!("{name}.count"))
            .and_then(|v| v.first())
            .and_then(|c| c.parse().ok())
            .unwrap_or(stored.len())
            .max(usize::try_from(f.min.unwrap_or(1).max(1)).unwrap_or(1))
            .min(usize::try_from(f.max.unwrap_or(50)).unwrap_or(50));
        let min = usize::try_from(f.min.unwrap_or(0)).unwrap_or(0);
        for n in 0..count {
            let it = stored.get(n);
            let fields = f
                .fields
                .iter()
                .filter(|g| form.field_shown(step, g, answers, it.or(Some(&Map::new())), today))
                .map(|g| {
                    field_view(
                        form,
                        step,
                        g,
                        &format!("{name}.{n}.{}", g.id),
                        input,
                        errors,
                        answers,
                        it,
                        today,
                        mc,
                        files_href,
                    )
                })
                .collect();
            items.push(ItemView {
                index: n,
                number: n + 1,
                fields,
                remove: format!("remove:{}:{n}", f.id),
                can_remove: count > min.max(1),
            });
        }
    }
    let _ = item;
    FieldView {
        kind: kind_key(f.kind),
        name: name.to_owned(),
        html_id: html_id(name),
        label: f.label.as_ref().map(|l| loc(l, lang)),
        hint: f.hint.as_ref().map(|h| loc(h, lang)),
        text: f.text.as_ref().map(|t| views::paragraphs(t, lang)),
        required: f.required || f.required_if.is_some(),
        error: err(name),
        value,
        options,
        parts,
        can_add: f.kind == FieldKind::Group && (count as i64) < f.max.unwrap_or(50),
        count,
        items,
        item_label: f.item_label.as_ref().map(|l| loc(l, lang)),
        autocomplete: autocomplete(f),
        max_length: f.max_length,
        file: (f.kind == FieldKind::File)
            .then(|| {
                serde_json::from_str::<Json>(
                    input
                        .get(name)
                        .and_then(|v| v.first())
                        .map(String::as_str)
                        .unwrap_or(""),
                )
                .ok()
            })
            .flatten()
            .and_then(|m| {
                Some(FileView {
                    name: m.get("name")?.as_str()?.to_owned(),
                    size: rathaus_domain::form::format_bytes(m.get("size")?.as_u64()?),
                    href: format!("{files_href}{}", m.get("id")?.as_str()?),
                })
            }),
        accept: f
            .accept
            .iter()
            .map(|t| match t {
                rathaus_domain::form::FileType::Pdf => ".pdf,application/pdf",
                rathaus_domain::form::FileType::Jpeg => ".jpg,.jpeg,image/jpeg",
                rathaus_domain::form::FileType::Png => ".png,image/png",
            })
            .collect::<Vec<_>>()
            .join(","),
        file_rules: if f.kind == FieldKind::File {
            let mut a = FluentArgs::new();
            a.set(
                "types",
                f.accept
                    .iter()
                    .map(|t| t.as_str().to_uppercase())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            a.set(
                "limit",
                rathaus_domain::form::format_bytes(f.max_file_bytes()),
            );
            mc.messages.get(lang, "file-rules", Some(&a))
        } else {
            String::new()
        },
        prefilled: false,
    }
}

/// Renders step `si` of a draft, with `input` as the values and `errors` to show.
#[allow(clippy::too_many_arguments)]
fn render_step(
    page: &Page<'_>,
    keys: &rathaus_app::secrets::Keys,
    jar: CookieJar,
    tid: &str,
    draft: &Draft,
    l: &Loaded<'_>,
    si: usize,
    input: &StepInput,
    errors: &[FieldError],
    answers: &Map<String, Json>,
) -> Response {
    let lang = page.lang();
    let form = l.form.form();
    let today = today();
    let step = &form.def.steps[si];
    let mc = MessageCtx {
        messages: &page.theme().messages,
        lang,
    };
    let prefilled: Map<String, Json> = draft
        .prefilled
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    let mut fields: Vec<FieldView> = step
        .fields
        .iter()
        .filter(|f| form.field_shown(si, f, answers, None, &today))
        .map(|f| {
            field_view(
                form,
                si,
                f,
                &f.id,
                input,
                errors,
                answers,
                None,
                &today,
                &mc,
                &urls::apply_files(tid, &draft.id),
            )
        })
        .collect();
    for fv in &mut fields {
        fv.prefilled = prefilled
            .get(&fv.name)
            .is_some_and(|v| answers.get(&fv.name) == Some(v));
    }
    // The summary names the field, and for group entries the entry too ("Hund 2 – Rasse").
    let labels = |name: &str| -> String {
        let mut parts = name.split('.');
        let top = parts.next().unwrap_or(name);
        let Some(f) = step.fields.iter().find(|f| f.id == top) else {
            return String::new();
        };
        let label = |l: &Option<rathaus_domain::Text>| {
            l.as_ref()
                .map(|l| l.get(lang).0.to_owned())
                .unwrap_or_default()
        };
        match (
            f.kind,
            parts.next().and_then(|n| n.parse::<usize>().ok()),
            parts.next(),
        ) {
            (FieldKind::Group, Some(n), Some(member)) => {
                let item = f
                    .item_label
                    .as_ref()
                    .or(f.label.as_ref())
                    .map(|l| l.get(lang).0.to_owned())
                    .unwrap_or_default();
                let member = f
                    .fields
                    .iter()
                    .find(|g| g.id == member)
                    .map(|g| label(&g.label))
                    .unwrap_or_default();
                format!("{item} {} – {member}", n + 1)
            }
            _ => label(&f.label),
        }
    };
    let summary: Vec<_> = errors
        .iter()
        .map(|e| context! { href => format!("#{}", html_id(&e.name)), label => labels(&e.name), text => mc.text(&e.message) })
        .collect();
    let visible = form.visible_steps(answers, &today);
    let position = visible
        .iter()
        .position(|&x| x == si)
        .map(|p| p + 1)
        .unwrap_or(1);
    let back = visible
        .iter()
        .take_while(|&&x| x != si)
        .last()
        .map(|&p| urls::apply_step(tid, &draft.id, &form.def.steps[p].id));
    let (jar, token) = csrf::token(jar);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let res = page.render_private(
        status,
        "apply_step.html",
        context! {
            service_title => loc(&l.offered.service.title, lang),
            service_href => urls::service(tid, l.offered.service.id.as_str()),
            step_title => loc(&step.title, lang),
            intro => step.intro.as_ref().map(|i| views::paragraphs(i, lang)),
            multipart => step.fields.iter().any(|f| f.kind == FieldKind::File || f.fields.iter().any(|g| g.kind == FieldKind::File)),
            fields, summary, position, total => visible.len(), back,
            action => urls::apply_step(tid, &draft.id, &step.id),
            resume => urls::apply_resume(tid, &draft.id),
            resume_code => draft.account_id.is_none().then(|| keys.resume_code(&draft.id)),
            csrf => token,
        },
    );
    (jar, res).into_response()
}

fn step_index(form: &Form, step: &str) -> Option<usize> {
    form.def.steps.iter().position(|s| s.id == step)
}

pub async fn step_page(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did, step)): Path<(String, String, String)>,
) -> Response {
    let site = state.site();
    let (t, page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let draft = own.draft();
    let l = match open_draft(&state, &site, t, draft).await {
        Ok(l) => l,
        Err(res) => return res,
    };
    let form = l.form.form();
    let Some(si) = step_index(form, &step) else {
        return page.not_found();
    };
    let answers = answers_of(draft);
    if !form.step_visible(si, &answers, &today()) {
        return crate::redirect::to(&urls::apply_step(&tid, &did, &draft.step)).into_response();
    }
    let input = to_input(&form.def.steps[si], &answers);
    render_step(
        &page,
        &state.app.keys,
        jar,
        &tid,
        draft,
        &l,
        si,
        &input,
        &[],
        &answers,
    )
}

pub async fn step_post(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did, step)): Path<(String, String, String)>,
    req: axum::extract::Request,
) -> Response {
    let site = state.site();
    let (t, page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar,
    on_login: |t, page, d| {
        // The session of the draft's owner has ended (an account's, or the guest session
        // this very browser held): keep what was posted and apply it once the citizen has
        // logged in again or entered the resume code.
        let owner_gone = d.reference.is_none() && citizen.live.is_none() && match &d.account_id {
            Some(_) => true,
            None => d.owner_session.is_some() && citizen.stale == d.owner_session,
        };
        if owner_gone {
            stash_and_login(&state, &site, t, &page, &jar, &d, &step, &citizen, req).await
        } else {
            gate(&state, &page, jar, &tid, &d, &citizen, &prefs.here, false).await
        }
    });
    let draft = own.draft();
    let l = match open_draft(&state, &site, t, draft).await {
        Ok(l) => l,
        Err(res) => return res,
    };
    let form = l.form.form();
    let Some(si) = step_index(form, &step) else {
        return page.not_found();
    };
    let step_def = &form.def.steps[si];
    let target = crate::uploads::Target {
        tenant: &tid,
        draft: &did,
        max_text_bytes: state.config.max_body_bytes,
        replace: true,
    };
    let post = match crate::uploads::read(req, &jar, &state.app, &target, step_def).await {
        Ok(p) => p,
        Err(res) => return upload_refused(&state, &page, step_def, res),
    };
    let (mut input, token, action) = input_from(&post.pairs);
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let today = today();
    let mut answers = answers_of(draft);
    if !form.step_visible(si, &answers, &today) {
        return crate::redirect::to(&urls::apply_step(&tid, &did, &draft.step)).into_response();
    }
    // File answers never come from the browser: the verified upload, else what is stored.
    input.retain(|name, _| rathaus_app::files::file_field(step_def, name).is_none());
    for (name, values) in to_input(step_def, &answers) {
        if rathaus_app::files::file_field(step_def, &name).is_some() {
            input.insert(name, values);
        }
    }
    for (name, meta) in &post.files {
        input.insert(name.clone(), vec![meta.to_string()]);
    }
    let mut errors = form.read_step(si, &input, &mut answers, &today);
    for e in post.errors {
        errors.retain(|x| x.name != e.name);
        errors.push(e);
    }
    let action = action.unwrap_or_else(|| "weiter".into());
    let visible = form.visible_steps(&answers, &today);
    let save = |step_id: String, answers: Map<String, Json>| {
        let state = state.clone();
        let tid = tid.clone();
        let did = did.clone();
        async move {
            let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
            state.app.db.save_draft(&tid, &did, &json, &step_id).await
        }
    };
    let here = form.def.steps[si].id.clone();
    // Group entries: add or remove, keep everything typed, stay on the step.
    if let Some(rest) = action
        .strip_prefix("add:")
        .or_else(|| action.strip_prefix("remove:"))
    {
        let adding = action.starts_with("add:");
        let mut it = rest.split(':');
        let group = it.next().unwrap_or("");
        if let Some(f) = form.def.steps[si]
            .fields
            .iter()
            .find(|f| f.id == group && f.kind == FieldKind::Group)
        {
            let mut items = answers
                .get(group)
                .and_then(Json::as_array)
                .cloned()
                .unwrap_or_default();
            if adding && (items.len() as i64) < f.max.unwrap_or(50) {
                items.push(Json::Object(Map::new()));
            } else if !adding {
                if let Some(n) = it
                    .next()
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| *n < items.len())
                {
                    items.remove(n);
                }
            }
            answers.insert(group.to_owned(), Json::Array(items));
        }
        if let Err(e) = save(here.clone(), answers.clone()).await {
            return PageError::Internal(e.to_string()).into_response();
        }
        let fresh = to_input(&form.def.steps[si], &answers);
        return render_step(
            &page,
            &state.app.keys,
            jar,
            &tid,
            draft,
            &l,
            si,
            &fresh,
            &[],
            &answers,
        );
    }
    match action.as_str() {
        "zurueck" => {
            let prev = visible
                .iter()
                .take_while(|&&x| x != si)
                .last()
                .copied()
                .unwrap_or(si);
            let prev_id = form.def.steps[prev].id.clone();
            if let Err(e) = save(prev_id.clone(), answers).await {
                return PageError::Internal(e.to_string()).into_response();
            }
            crate::redirect::to(&urls::apply_step(&tid, &did, &prev_id)).into_response()
        }
        "verlaengern" => {
            // "Extend the session" from the session bar: save what is typed, stay here.
            if let Err(e) = save(here, answers.clone()).await {
                return PageError::Internal(e.to_string()).into_response();
            }
            render_step(
                &page,
                &state.app.keys,
                jar,
                &tid,
                draft,
                &l,
                si,
                &input,
                &[],
                &answers,
            )
        }
        "speichern" => {
            if let Err(e) = save(here, answers).await {
                return PageError::Internal(e.to_string()).into_response();
            }
            page.render_private(
                StatusCode::OK,
                "apply_saved.html",
                context! {
                    resume => urls::apply_resume(&tid, &did),
                    code => draft.account_id.is_none().then(|| state.app.keys.resume_code(&did)),
                },
            )
        }
        _ => {
            if !errors.is_empty() {
                if let Err(e) = save(here, answers.clone()).await {
                    return PageError::Internal(e.to_string()).into_response();
                }
                return render_step(
                    &page,
                    &state.app.keys,
                    jar,
                    &tid,
                    draft,
                    &l,
                    si,
                    &input,
                    &errors,
                    &answers,
                );
            }
            let next = visible.iter().find(|&&x| x > si).copied();
            let (next_step, target) = match next {
                Some(n) => (
                    form.def.steps[n].id.clone(),
                    urls::apply_step(&tid, &did, &form.def.steps[n].id),
                ),
                None => (here, urls::apply_check(&tid, &did)),
            };
            if let Err(e) = save(next_step, answers).await {
                return PageError::Internal(e.to_string()).into_response();
            }
            crate::redirect::to(&target).into_response()
        }
    }
}

/// The page for a post the upload reader refused: a forged one (403) or one too large
/// for its step (413, naming the limit); other refusals (a malformed body) as they are.
pub(crate) fn upload_refused(
    state: &AppState,
    page: &Page<'_>,
    step: &StepDef,
    res: Response,
) -> Response {
    match res.status() {
        StatusCode::FORBIDDEN => page.forbidden(),
        StatusCode::PAYLOAD_TOO_LARGE => page.too_large(if rathaus_app::files::takes_files(step) {
            state.app.files.max_per_application
        } else {
            state.config.max_body_bytes as u64
        }),
        _ => res,
    }
}

/// A step posted by the owner of a draft after their session ended: the post is read as
/// usual (files are checked and stored), kept with a new login attempt, and the citizen is
/// asked to log in again; afterwards [`restore_pending`] applies it.
#[allow(clippy::too_many_arguments)]
async fn stash_and_login(
    state: &Arc<AppState>,
    site: &crate::Site,
    t: &TenantDef,
    page: &Page<'_>,
    jar: &CookieJar,
    draft: &Draft,
    step: &str,
    citizen: &crate::auth::Citizen,
    req: axum::extract::Request,
) -> Response {
    let tid = t.id.as_str();
    let l = match open_draft(state, site, t, draft).await {
        Ok(l) => l,
        Err(res) => return res,
    };
    let form = l.form.form();
    let Some(si) = step_index(form, step) else {
        return page.not_found();
    };
    let step_def = &form.def.steps[si];
    let target = crate::uploads::Target {
        tenant: tid,
        draft: &draft.id,
        max_text_bytes: state.config.max_body_bytes,
        replace: true,
    };
    let post = match crate::uploads::read(req, jar, &state.app, &target, step_def).await {
        Ok(p) => p,
        Err(res) => return upload_refused(state, page, step_def, res),
    };
    let (mut input, token, _) = input_from(&post.pairs);
    if !csrf::verify(jar, token.as_deref()) {
        return page.forbidden();
    }
    input.retain(|name, _| rathaus_app::files::file_field(step_def, name).is_none());
    for (name, meta) in &post.files {
        input.insert(name.clone(), vec![meta.to_string()]);
    }
    let pending = crate::auth::Pending {
        draft: draft.id.clone(),
        step: step.to_owned(),
        input,
    };
    if draft.account_id.is_none() {
        // A guest: kept with the draft until the resume code is entered.
        let json = serde_json::to_string(&pending).unwrap_or_default();
        if let Err(e) = state
            .app
            .db
            .set_draft_pending(tid, &draft.id, Some(&json))
            .await
        {
            return PageError::Internal(e.to_string()).into_response();
        }
        return gate(state, page, jar.clone(), tid, draft, citizen, "", true).await;
    }
    crate::auth::login_needed(
        state,
        page,
        tid,
        &urls::apply_step(tid, &draft.id, step),
        citizen.expired,
        Some(&pending),
    )
    .await
}

/// Applies a step kept over a login (see [`stash_and_login`]) if the draft belongs to the
/// account that logged in; returns the step's address.
pub(crate) async fn restore_pending(
    state: &AppState,
    site: &crate::Site,
    t: &TenantDef,
    account_id: &str,
    p: &crate::auth::Pending,
) -> Result<Option<String>, String> {
    let tid = t.id.as_str();
    let Some(draft) = state
        .app
        .db
        .draft(tid, &p.draft)
        .await
        .map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    if draft.account_id.as_deref() != Some(account_id) {
        return Ok(None);
    }
    apply_pending(state, site, t, &draft, p).await
}

/// Applies a kept step to its draft (still open, checked by the caller to belong to the
/// citizen); returns the step's address.
async fn apply_pending(
    state: &AppState,
    site: &crate::Site,
    t: &TenantDef,
    draft: &Draft,
    p: &crate::auth::Pending,
) -> Result<Option<String>, String> {
    let tid = t.id.as_str();
    if draft.reference.is_some() || draft.id != p.draft {
        return Ok(None);
    }
    let l = form_for(state, site, t, draft)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let form = l.form.form();
    let Some(si) = step_index(form, &p.step) else {
        return Ok(None);
    };
    let step_def = &form.def.steps[si];
    let mut answers = answers_of(draft);
    let mut input = p.input.clone();
    for (name, values) in to_input(step_def, &answers) {
        if rathaus_app::files::file_field(step_def, &name).is_some() && !input.contains_key(&name) {
            input.insert(name, values);
        }
    }
    // Errors are shown again when the citizen moves on; what is valid is kept now.
    let _ = form.read_step(si, &input, &mut answers, &today());
    let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    state
        .app
        .db
        .save_draft(tid, &draft.id, &json, &p.step)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(tenant = %tid, "step posted after the session ended was restored");
    Ok(Some(urls::apply_step(tid, &draft.id, &p.step)))
}

// ----- check, submit, receipt -----------------------------------------------------------

/// One answer for display: label and lines of text.
#[derive(Debug, Serialize)]
struct AnswerView {
    label: Loc,
    lines: Vec<String>,
    change: String,
}

use rathaus_app::forms::{answered_steps, computed_entries, display};

fn summary(
    form: &Form,
    answers: &Map<String, Json>,
    tid: &str,
    did: &str,
    mc: &MessageCtx<'_>,
) -> Vec<minijinja::Value> {
    answered_steps(form, answers)
        .into_iter()
        .map(|(step, fields)| {
            let rows: Vec<AnswerView> = fields
                .into_iter()
                .map(|(f, label, v)| AnswerView {
                    label: loc(label, mc.lang),
                    lines: display(form, f, v, mc),
                    change: format!(
                        "{}#{}",
                        urls::apply_step(tid, did, &step.id),
                        html_id(&f.id)
                    ),
                })
                .collect();
            context! { title => loc(&step.title, mc.lang), rows }
        })
        .collect()
}

fn computed_view(form: &Form, computed: &Map<String, Json>, lang: Lang) -> Vec<minijinja::Value> {
    computed_entries(form, computed, lang, false)
        .into_iter()
        .map(|(label, text)| context! { label => loc(label, lang), text })
        .collect()
}

pub async fn check_page(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (t, page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let draft = own.draft();
    let l = match open_draft(&state, &site, t, draft).await {
        Ok(l) => l,
        Err(res) => return res,
    };
    render_check(&page, jar, &tid, &did, draft, &l, &[])
}

fn render_check(
    page: &Page<'_>,
    jar: CookieJar,
    tid: &str,
    did: &str,
    draft: &Draft,
    l: &Loaded<'_>,
    errors: &[&str],
) -> Response {
    let form = l.form.form();
    let today = today();
    let answers = form.prune(&answers_of(draft), &today);
    if let Some(si) = form.first_incomplete_step(&answers, &today) {
        return crate::redirect::to(&urls::apply_step(tid, did, &form.def.steps[si].id))
            .into_response();
    }
    let mc = MessageCtx {
        messages: &page.theme().messages,
        lang: page.lang(),
    };
    let computed = form.computed(&answers, &today);
    let (jar, token) = csrf::token(jar);
    let summary_errors: Vec<_> = errors
        .iter()
        .map(|e| context! { href => format!("#{e}"), label => "", text => mc.messages.get(mc.lang, &format!("error-{e}"), None) })
        .collect();
    let res = page.render_private(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        "apply_check.html",
        context! {
            service_title => loc(&l.offered.service.title, mc.lang),
            steps => summary(form, &answers, tid, did, &mc),
            computed => computed_view(form, &computed, mc.lang),
            fee => crate::payment::fee_of(form.fee(&computed), mc.lang),
            provider => loc(&l.offered.provider.name, mc.lang),
            privacy_href => urls::legal(l.offered.provider.id.as_str(), "datenschutz"),
            action => urls::apply_submit(tid, did),
            resume => urls::apply_resume(tid, did),
            summary => summary_errors,
            consent_error => errors.contains(&"consent"),
            truth_error => errors.contains(&"truth"),
            csrf => token,
        },
    );
    (jar, res).into_response()
}

pub async fn submit(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
    PostForm(pairs): Post,
) -> Response {
    let site = state.site();
    let (t, page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let draft = own.draft();
    let (input, token, _) = input_from(&pairs);
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let l = match open_draft(&state, &site, t, draft).await {
        Ok(l) => l,
        Err(res) => return res,
    };
    let checked = |k: &str| input.get(k).is_some_and(|v| v.iter().any(|x| x == "ja"));
    let mut missing = Vec::new();
    if !checked("einwilligung") {
        missing.push("consent");
    }
    if !checked("wahrheit") {
        missing.push("truth");
    }
    if !missing.is_empty() {
        return render_check(&page, jar, &tid, &did, draft, &l, &missing);
    }
    let form = l.form.form();
    let today = today();
    // Everything is validated again: a manipulated or replayed post cannot skip a check.
    let answers = form.prune(&answers_of(draft), &today);
    if let Some(si) = form.first_incomplete_step(&answers, &today) {
        return crate::redirect::to(&urls::apply_step(&tid, &did, &form.def.steps[si].id))
            .into_response();
    }
    // The level of the login is checked again at the end (it may have been a weaker one).
    if let (Some(min), Some(_)) = (l.offered.service.login.min_level, &draft.account_id) {
        if citizen.live.as_ref().is_none_or(|x| x.level() < min) {
            let (_, token) = csrf::token(jar.clone());
            return render_start(
                &state,
                &page,
                &tid,
                &l.offered,
                form,
                &citizen,
                &token,
                StatusCode::FORBIDDEN,
            );
        }
    }
    let computed = form.computed(&answers, &today);
    let year: i32 = today.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let mail = receipt_mail(&page, &l, form, &answers);
    // Where later news is announced: the form's e-mail address, else the account's.
    let mut contact_email = contact_email(form, &answers);
    if contact_email.is_none() {
        if let Some(aid) = &draft.account_id {
            if let Ok(Some(a)) = state.app.db.account(&tid, aid).await {
                contact_email = serde_json::from_str::<rathaus_domain::Profile>(&a.profile)
                    .ok()
                    .and_then(|p| p.email);
            }
        }
    }
    // Guests follow their application with an access code derived from the draft id (only
    // its hash is stored; the submitting browser can always be shown it again).
    let access_code = draft
        .account_id
        .is_none()
        .then(|| state.app.keys.access_code(&did));
    let follow_up = rathaus_store::FollowUp {
        contact_email,
        access_hash: access_code
            .as_deref()
            .map(|c| rathaus_app::secrets::sha256_hex(rathaus_app::secrets::normalize_code(c))),
        office_id: Some(l.offered.service.office.to_string()),
        applicant: form.applicant_name(&answers),
        due_at: Some(now_millis() + i64::from(l.offered.service.processing_time.days) * DAY_MS),
        deliveries: rathaus_app::cases::queued(
            l.offered.provider,
            &draft.service_id,
            rathaus_domain::delivery::DeliveryEvent::Received,
            "{reference}",
        ),
        payment: {
            let mandate = form.mandate(&answers);
            let debit_only = form
                .def
                .payment
                .as_ref()
                .and_then(|p| p.direct_debit.as_ref())
                .is_some_and(|d| d.only);
            form.fee(&computed)
                .filter(|f| f.total_cents > 0 && (mandate.is_some() || !debit_only))
                .map(|f| rathaus_store::NewPayment {
                    amount_cents: f.total_cents,
                    booking_code: f.booking_code.clone(),
                    purpose: f.purpose.de.clone(),
                    lines: serde_json::to_string(&f.lines).unwrap_or_default(),
                    mandate: mandate.map(|(iban, holder)| (iban, holder, today.clone())),
                })
        },
    };
    // A fee paid up front: the hand-over waits for the money (queued when it is paid).
    let mut follow_up = follow_up;
    if follow_up.payment.is_some() && form.def.payment.as_ref().is_some_and(|p| p.upfront) {
        follow_up.deliveries.clear();
    }
    let outcome = state
        .app
        .db
        .submit(
            draft,
            &l.offered.provider.reference_prefix(),
            year,
            &serde_json::to_string(&answers).unwrap_or_default(),
            &serde_json::to_string(&computed).unwrap_or_default(),
            mail.as_deref().map(|m| (rathaus_jobs::MAIL, m)),
            &follow_up,
        )
        .await;
    match outcome {
        Ok(SubmitOutcome::Submitted(reference)) => {
            tracing::info!(tenant = %l.offered.provider.id, service = %draft.service_id, %reference, "application submitted");
            // The guest follows the application in this browser (its session links to it).
            if let (Some(_), Some(live)) = (&access_code, &citizen.live) {
                if let Err(e) = state.app.db.set_session_draft(&live.hash, &did).await {
                    return PageError::Internal(e.to_string()).into_response();
                }
            }
            (jar, crate::redirect::to(&urls::apply_receipt(&tid, &did))).into_response()
        }
        Ok(SubmitOutcome::AlreadySubmitted(_)) => {
            crate::redirect::to(&urls::apply_receipt(&tid, &did)).into_response()
        }
        Err(e) => PageError::Internal(e.to_string()).into_response(),
    }
}

use rathaus_app::forms::contact_email;

/// The confirmation mail, if the citizen gave an e-mail address: only what is needed to
/// recognise the application (reference, service, authority, date); `{reference}` is filled
/// in by the store when the number is drawn.
fn receipt_mail(
    page: &Page<'_>,
    l: &Loaded<'_>,
    form: &Form,
    answers: &Map<String, Json>,
) -> Option<String> {
    let to = contact_email(form, answers)?;
    let lang = page.lang();
    let m = &page.theme().messages;
    let mut args = FluentArgs::new();
    args.set("reference", "{reference}");
    args.set("service", l.offered.service.title.get(lang).0.to_owned());
    args.set(
        "authority",
        format!(
            "{}, {}",
            l.offered.provider.name.get(lang).0,
            l.offered.office.name.get(lang).0
        ),
    );
    args.set("date", berlin_datetime(now_millis()));
    args.set("days", i64::from(l.offered.service.processing_time.days));
    let payload = rathaus_jobs::MailPayload {
        to,
        subject: m.get(lang, "mail-receipt-subject", Some(&args)),
        body: m.get(lang, "mail-receipt-body", Some(&args)),
        attachment: None,
    };
    serde_json::to_string(&payload).ok()
}

use rathaus_app::receipts::ReceiptData;

/// The submission of a draft and the form it was filled with; a draft not yet submitted
/// is sent back to where the citizen was.
async fn receipt_data<'a>(
    state: &AppState,
    site: &'a crate::Site,
    t: &TenantDef,
    draft: &Draft,
) -> Result<(ReceiptData, Loaded<'a>), Response> {
    let sub = match state
        .app
        .db
        .submission_of_draft(&draft.tenant_id, &draft.id)
        .await
    {
        Ok(Some(s)) => s,
        Ok(None) => {
            return Err(
                crate::redirect::to(&urls::apply_resume(&draft.tenant_id, &draft.id))
                    .into_response(),
            )
        }
        Err(e) => return Err(PageError::Internal(e.to_string()).into_response()),
    };
    let l = form_for(state, site, t, draft)
        .await
        .map_err(IntoResponse::into_response)?;
    let payment = state
        .app
        .db
        .payment_of(&draft.id)
        .await
        .map_err(|e| PageError::Internal(e.to_string()).into_response())?;
    Ok((ReceiptData::new(sub, payment), l))
}

#[derive(Debug, Deserialize)]
pub struct ReceiptQuery {
    zahlung: Option<String>,
}

pub async fn receipt(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
    axum::extract::Query(q): axum::extract::Query<ReceiptQuery>,
) -> Response {
    let site = state.site();
    let (t, page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let draft = own.draft();
    let (r, l) = match receipt_data(&state, &site, t, draft).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let form = l.form.form();
    let mc = MessageCtx {
        messages: &page.theme().messages,
        lang: page.lang(),
    };
    let steps = summary(form, &r.answers, &tid, &did, &mc);
    let (jar, csrf_token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "apply_receipt.html",
        context! {
            reference => r.sub.reference,
            submitted => berlin_datetime(r.sub.submitted_at),
            service_title => loc(&l.offered.service.title, mc.lang),
            provider => loc(&l.offered.provider.name, mc.lang),
            office => views::office(&tid, l.offered.provider.id.as_str(), l.offered.office, mc.lang),
            processing_days => l.offered.service.processing_time.days,
            steps, computed => computed_view(form, &r.computed, mc.lang),
            payment => r.payment.as_ref().map(|p| crate::payment::payment_view(
                p,
                l.offered.provider,
                mc.messages,
                mc.lang,
                Some(urls::apply_girocode(&tid, &did)),
            )),
            online_action => r.payment.as_ref()
                .filter(|p| matches!(p.status.as_str(), "open" | "failed") && rathaus_app::payments::epay::online_of(&site, p).is_some())
                .map(|_| urls::pay_online(&tid, &did)),
            payment_unavailable => q.zahlung.as_deref() == Some("nicht-erreichbar"),
            payment_first => form.def.payment.as_ref().is_some_and(|p| p.upfront)
                && r.payment.as_ref().is_some_and(|p| !matches!(p.status.as_str(), "paid" | "refunded")),
            csrf => csrf_token,
            pdf => urls::apply_receipt_pdf(&tid, &did),
            case_href => urls::case(&tid, &did),
            access_code => rathaus_app::receipts::guest_code(&state.app, draft),
            guest_href => urls::guest_access(&tid),
            account => draft.account_id.is_some(),
            appointment_href => crate::appointments::for_service(l.offered.provider, l.offered.service.id.as_str(), &did),
        },
    );
    (jar, res).into_response()
}

/// `GET /{t}/antrag/{draft}/girocode.svg`: the EPC QR code ("GiroCode") of the application's
/// open fee, for a banking app; 404 when nothing is to be paid by transfer.
pub async fn girocode(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (_t, page, own, _jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    match rathaus_app::payments::girocode(&state.app, &own).await {
        Ok(Some(svg)) => (
            [
                (axum::http::header::CONTENT_TYPE, "image/svg+xml"),
                (axum::http::header::CACHE_CONTROL, "private, no-store"),
            ],
            svg,
        )
            .into_response(),
        Ok(None) => page.not_found(),
        Err(e) => crate::routes::internal(e),
    }
}

/// `POST /{t}/antrag/{draft}/zahlung`: pay the application's open fee online — create a
/// transaction at the payment service and send the citizen to its pay page.
pub async fn pay_online(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
    PostForm(pairs): Post,
) -> Response {
    use rathaus_app::payments::OnlineStart;
    let site = state.site();
    let (_t, page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let (_, token, _) = input_from(&pairs);
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let receipt = urls::apply_receipt(&tid, &did);
    match rathaus_app::payments::start_online(&state.app, &own).await {
        Ok(OnlineStart::PayPage(url)) => crate::redirect::external(&url).into_response(),
        Ok(OnlineStart::NotOpen) => crate::redirect::to(&format!("{receipt}#zahlung")),
        Ok(OnlineStart::Unavailable) => {
            crate::redirect::to(&format!("{receipt}?zahlung=nicht-erreichbar#zahlung"))
        }
        Err(rathaus_app::AppError::NotFound) => page.not_found(),
        Err(e) => crate::routes::internal(e),
    }
}

/// `GET /{t}/antrag/{draft}/zahlung/rueckkehr`: back from the pay page. The return itself
/// proves nothing; the outcome is asked from the payment service.
pub async fn pay_return(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (_t, _page, own, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let receipt = urls::apply_receipt(&tid, &did);
    let target = match rathaus_app::payments::came_back(&state.app, &own).await {
        Ok(true) => format!("{receipt}#zahlung"),
        Ok(false) => format!("{receipt}?zahlung=nicht-erreichbar#zahlung"),
        Err(e) => return crate::routes::internal(e),
    };
    (jar, crate::redirect::to(&target)).into_response()
}

/// `GET /{t}/demo-bezahldienst/{id}`: the built-in demo pay page (no money moves).
pub async fn demo_pay_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, id)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let tx = match rathaus_app::payments::demo_transaction(&state.app, t.id.as_str(), &id).await {
        Ok(x) => x,
        Err(rathaus_app::AppError::NotFound) => return page.not_found(),
        Err(e) => return crate::routes::internal(e),
    };
    let request: Json = serde_json::from_str(&tx.request).unwrap_or(Json::Null);
    let amount = request["grosAmount"].to_string();
    let cents = rathaus_domain::bank::parse_amount(&amount).unwrap_or(0);
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "demo_pay.html",
        context! {
            amount => rathaus_app::texts::money(cents, page.lang()),
            purpose => request["purpose"].as_str().unwrap_or_default(),
            description => request["description"].as_str().unwrap_or_default(),
            open => tx.status == "INITIAL",
            action => urls::demo_pay(&tid, &id),
            back => tx.redirect_url,
            csrf => token,
        },
    );
    (jar, res).into_response()
}

/// `POST /{t}/demo-bezahldienst/{id}`: the demo's outcome (pay, fail or cancel), then back
/// to the portal like a real pay page.
pub async fn demo_pay_action(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, id)): Path<(String, String)>,
    PostForm(pairs): Post,
) -> Response {
    use rathaus_app::payments::DemoOutcome;
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let (_, token, action) = input_from(&pairs);
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let outcome = match action.as_deref() {
        Some("bezahlen") => DemoOutcome::Pay,
        Some("fehlschlagen") => DemoOutcome::Fail,
        Some("abbrechen") => DemoOutcome::Cancel,
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    match rathaus_app::payments::demo_finish(&state.app, t.id.as_str(), &id, outcome).await {
        Ok(back) => crate::redirect::external(&back).into_response(),
        Err(rathaus_app::AppError::NotFound) => page.not_found(),
        Err(e) => crate::routes::internal(e),
    }
}

/// `GET /{t}/antrag/{draft}/eingang.pdf`: the receipt as an archivable PDF/A file with
/// every answer, computed value and file (with its SHA-256, so the file can be matched).
pub async fn receipt_pdf(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (t, page, own, _jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let draft = own.draft();
    let (r, l) = match receipt_data(&state, &site, t, draft).await {
        Ok(x) => x,
        Err(res) => return res,
    };
    let code = rathaus_app::receipts::guest_code(&state.app, draft);
    let bytes =
        match rathaus_app::receipts::pdf(&state.app, &site.core, page.lang(), &tid, &r, &l, code)
            .await
        {
            Ok(b) => b,
            Err(e) => return PageError::Internal(e).into_response(),
        };
    let name = format!(
        "Eingangsbestaetigung-{}.pdf",
        r.sub
            .reference
            .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
    );
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("inline; filename=\"{name}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /{t}/antrag/{draft}/datei/{file}`: a file of this draft, as a download.
pub async fn file(
    State(state): St,
    prefs: Prefs,
    citizen: crate::auth::Citizen,
    jar: CookieJar,
    Path((tid, did, fid)): Path<(String, String, String)>,
) -> Response {
    let site = state.site();
    let (_t, page, _draft, jar) = draft_ctx!(state, site, prefs, tid, did, citizen, jar);
    let _ = jar;
    match state.app.db.file_of_draft(&tid, &did, &fid).await {
        Ok(Some(m)) => send_file(&state, &m).await,
        Ok(None) => page.not_found(),
        Err(e) => PageError::Internal(e.to_string()).into_response(),
    }
}

/// A stored file as a download (never shown inline: no content sniffing, no script).
pub(crate) async fn send_file(state: &AppState, meta: &rathaus_store::FileMeta) -> Response {
    let f = match state.app.files.blobs.open(&meta.tenant_id, &meta.id).await {
        Ok(f) => f,
        Err(e) => return PageError::Internal(format!("file {}: {e}", meta.id)).into_response(),
    };
    let mime = match meta.kind.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    };
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        meta.name.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        urls::encode(&meta.name)
    );
    let body = axum::body::Body::from_stream(f);
    (
        [
            (axum::http::header::CONTENT_TYPE, mime.to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
            (axum::http::header::CONTENT_LENGTH, meta.size.to_string()),
        ],
        body,
    )
        .into_response()
}
