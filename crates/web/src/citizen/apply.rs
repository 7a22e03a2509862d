//! The citizen's way through an online form: start, eligibility pre-check, steps (saved at
//! every move, also back), the resume code for another browser, the check page and the
//! submission. The operations are `rathaus_app::drafts`; pages with answers are never
//! cached.

use super::fields::{self, Ctx};
use super::{login_needed, wait_text, with_retry_after, Frame};
use crate::kit::extract::{session_token, with_session};
use crate::kit::uploads::{read, Target};
use crate::kit::views::{self, loc};
use crate::kit::{
    csrf, paths, redirect, Citizen, ClientIp, Form, Page, Prefs, St, WebError, WebResult,
};
use axum::extract::{Path, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::access::{Denied, DraftRefusal, OwnDraft};
use rathaus_app::drafts::{Admission, NotStarted, Resumed, StepAction, StepOutcome, Submitted};
use rathaus_app::forms::Loaded;
use rathaus_domain::form::{to_input, FieldError, StepInput};
use rathaus_domain::OfferedService;
use rathaus_store::Draft;
use serde_json::{Map, Value as Json};

// ----- whose draft ------------------------------------------------------------------------

/// The draft of the path for its owner. Anyone else sees what they may of it: the login
/// (an account's draft), the way to the access code (a guest's submitted application: its
/// draft id opens nothing any more), or the resume-code form (a guest's open draft).
pub(super) async fn own_draft(
    state: &St,
    page: &Page<'_>,
    citizen: &Citizen,
    jar: &CookieJar,
    tid: &str,
    did: &str,
) -> Result<OwnDraft, Response> {
    match rathaus_app::access::draft(&state.app, citizen, tid, did).await {
        Ok(d) => Ok(d),
        Err(DraftRefusal::Denied(Denied::Login | Denied::Code, Some(d))) => {
            Err(gate(state, page, jar.clone(), tid, &d, citizen, false).await)
        }
        Err(DraftRefusal::Denied(..)) => Err(page.gone()),
        Err(DraftRefusal::Error(e)) => Err(WebError::from(e).into_response()),
    }
}

/// What a browser sees of a draft it may not open as it is (`kept`: a posted step was kept
/// for after the resume code).
async fn gate(
    state: &St,
    page: &Page<'_>,
    jar: CookieJar,
    tid: &str,
    draft: &Draft,
    citizen: &Citizen,
    kept: bool,
) -> Response {
    if draft.account_id.is_some() {
        return login_needed(state, page, tid, page.here(), citizen.expired, None).await;
    }
    if draft.reference.is_some() {
        return page.private(
            "citizen/apply_sent.html",
            context! { guest_href => paths::guest_access(tid) },
        );
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
        "citizen/apply_resume.html",
        context! { action => paths::apply_resume(tid, did), csrf => token, expired, kept, error },
    )
}

/// The form of a draft that is still open; a submitted draft goes to its receipt.
async fn open_form<'a>(
    state: &St,
    site: &'a crate::kit::Site,
    d: &OwnDraft,
) -> Result<Loaded<'a>, WebResult> {
    if d.submitted() {
        return Err(Ok(redirect::to(&paths::apply_receipt(d.tenant(), d.id()))));
    }
    rathaus_app::drafts::form(&state.app, &site.core, d)
        .await
        .map_err(|e| Err(e.into()))
}

/// Splits a form post into its answers and the button pressed.
pub(super) fn input_of(pairs: &[(String, String)]) -> (StepInput, Option<String>) {
    let mut input = StepInput::new();
    let mut action = None;
    for (k, v) in pairs {
        match k.as_str() {
            csrf::FIELD => {}
            "aktion" => action = Some(v.clone()),
            _ => input.entry(k.clone()).or_default().push(v.clone()),
        }
    }
    (input, action)
}

// ----- start ------------------------------------------------------------------------------

/// The start page: the service, its steps, and who may start (login, level, guests).
fn start_view(
    state: &St,
    fr: &Frame<'_>,
    o: &OfferedService<'_>,
    citizen: &Citizen,
    status: StatusCode,
) -> Response {
    let (page, tid) = (&fr.page, fr.t.id.as_str());
    let lang = page.lang();
    let sid = o.service.id.as_str();
    let form = o
        .form
        .map(|f| {
            f.def
                .steps
                .iter()
                .map(|s| loc(&s.title, lang))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let live = citizen.live.as_ref().filter(|l| l.account_id().is_some());
    let here = paths::apply_start(tid, sid);
    let admission = rathaus_app::drafts::admission(o, citizen);
    let need_level = match admission {
        Admission::LevelTooLow(min) => Some(min.as_str()),
        _ => None,
    };
    let guests = o.service.login.guests && o.service.login.min_level.is_none();
    let login = context! {
        label => state.auth.label(tid),
        href => paths::login_to(tid, Some(&here)),
        account => live.map(|l| l.session.display_name.clone()),
        guests, need_level,
        stronger_href => paths::login_stronger(tid, &here),
    };
    let can_start = match live {
        Some(_) => need_level.is_none(),
        None => guests,
    };
    fr.render(
        status,
        "citizen/apply_start.html",
        context! { service => views::service(tid, o, page.site().catalog.portal(), lang), steps => form, action => here, login, can_start },
    )
}

/// `GET /{t}/leistungen/{s}/antrag`.
pub async fn start_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, sid)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let o = site
        .catalog
        .service(&tid, &sid)
        .filter(|o| o.form.is_some())
        .ok_or(WebError::NotFound)?;
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(start_view(&state, &fr, &o, &citizen, StatusCode::OK))
}

/// `POST /{t}/leistungen/{s}/antrag`: starts a draft (a guest's bound to this browser).
pub async fn start(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, sid)): Path<(String, String)>,
    Form(_, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let o = site
        .catalog
        .service(&tid, &sid)
        .filter(|o| o.form.is_some())
        .ok_or(WebError::NotFound)?;
    let old = session_token(&jar);
    match rathaus_app::drafts::start(&state.app, t, &o, &citizen, old.as_deref()).await? {
        Ok(s) => {
            let jar = with_session(&state, jar, &tid, s.session);
            Ok((
                jar,
                redirect::to(&paths::apply_step(&tid, &s.draft, &s.step)),
            )
                .into_response())
        }
        Err(NotStarted::Admission(Admission::LevelTooLow(_))) => {
            let fr = Frame::new(t, page, &citizen, jar);
            Ok(start_view(&state, &fr, &o, &citizen, StatusCode::FORBIDDEN))
        }
        Err(NotStarted::Admission(_)) => {
            let here = paths::apply_start(&tid, &sid);
            Ok(login_needed(&state, &page, &tid, &here, citizen.expired, None).await)
        }
    }
}

// ----- eligibility pre-check -----------------------------------------------------------

/// `GET /{t}/leistungen/{s}/vorpruefung`.
pub async fn precheck_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, sid)): Path<(String, String)>,
) -> WebResult {
    precheck(state, prefs, jar, tid, sid, None).await
}

/// `POST /{t}/leistungen/{s}/vorpruefung`.
pub async fn precheck_post(
    state: St,
    prefs: Prefs,
    Path((tid, sid)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    precheck(state, prefs, jar, tid, sid, Some(p.0)).await
}

/// What the pre-check's answers say: likely, uncertain or not possible, why, and how to
/// prepare.
fn verdict(
    pc: &rathaus_domain::form::Precheck,
    outcomes: &[&rathaus_domain::form::OutcomeDef],
    lang: rathaus_domain::Lang,
) -> minijinja::Value {
    use rathaus_domain::form::Verdict;
    let not_possible = outcomes.iter().any(|o| o.verdict == Verdict::NotPossible);
    let uncertain = outcomes.iter().any(|o| o.verdict == Verdict::Uncertain);
    let verdict = if not_possible {
        "not_possible"
    } else if uncertain {
        "uncertain"
    } else {
        "likely"
    };
    let prepare = (!not_possible)
        .then(|| pc.def.prepare.as_ref().map(|p| views::paragraphs(p, lang)))
        .flatten();
    let messages: Vec<_> = outcomes.iter().map(|o| loc(&o.message, lang)).collect();
    context! { verdict, messages, prepare }
}

/// Shows the questions, or evaluates posted answers. Nothing is stored.
async fn precheck(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    tid: String,
    sid: String,
    posted: Option<Vec<(String, String)>>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let o = site.catalog.service(&tid, &sid).ok_or(WebError::NotFound)?;
    let pc = o
        .form
        .and_then(|f| f.precheck.as_ref())
        .ok_or(WebError::NotFound)?;
    let lang = prefs.lang;
    let today = rathaus_app::clock::today();
    let (input, _) = input_of(posted.as_deref().unwrap_or_default());
    let (errors, results) = match posted.map(|_| pc.evaluate(&input, &today)) {
        None => (Vec::new(), None),
        Some(Err(errs)) => (errs, None),
        Some(Ok(outcomes)) => (Vec::new(), Some(verdict(pc, &outcomes, lang))),
    };
    let w = page.words();
    let answers = Map::new();
    let ctx = Ctx {
        form: &pc.questions,
        step: 0,
        input: &input,
        errors: &errors,
        answers: &answers,
        today: &today,
        words: &w,
        draft: None,
    };
    let fields = ctx.fields();
    let summary = fields::error_summary(&pc.questions.def.steps[0], &errors, &w);
    let (jar, token) = csrf::token(jar);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let res = page.render_private(
        status,
        "citizen/precheck.html",
        context! {
            service => views::service(&tid, &o, site.catalog.portal(), lang),
            intro => views::paragraphs(&pc.def.intro, lang),
            fields, summary, results, csrf => token,
            action => paths::precheck(&tid, &sid),
        },
    );
    Ok((jar, res).into_response())
}

// ----- resume ------------------------------------------------------------------------------

/// `GET /{t}/antrag/{draft}`: the resume link.
pub async fn resume(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    Ok(if d.submitted() {
        redirect::to(&paths::apply_receipt(&tid, &did))
    } else {
        redirect::to(&paths::apply_step(&tid, &did, &d.draft().step))
    })
}

/// `POST /{t}/antrag/{draft}`: the resume code opens the guest's draft in this browser
/// (with a lock-out per draft and a limit per address); a step kept from the ended session
/// is applied.
pub async fn resume_post(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    ip: ClientIp,
    Path((tid, did)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let here = paths::apply_resume(&tid, &did);
    // Only a guest's open draft in another browser opens with its resume code.
    let draft = match rathaus_app::access::draft(&state.app, &citizen, &tid, &did).await {
        Err(DraftRefusal::Denied(Denied::Code, Some(d))) if d.reference.is_none() => *d,
        Err(DraftRefusal::Denied(Denied::Gone, _)) => return Err(WebError::Gone),
        Err(DraftRefusal::Error(e)) => return Err(e.into()),
        _ => return Ok(redirect::to(&here)),
    };
    let old = session_token(&jar);
    let typed = p.raw("code");
    let outcome =
        rathaus_app::drafts::resume(&state.app, t, &citizen, old.as_deref(), ip.0, &draft, typed)
            .await?;
    let (error, status, wait) = match outcome {
        Resumed::Opened { step, session } => {
            let jar = with_session(&state, jar, &tid, session);
            return Ok((jar, redirect::to(&paths::apply_step(&tid, &did, &step))).into_response());
        }
        Resumed::Wrong => (
            page.text("resume-error"),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
        ),
        Resumed::Wait(ms) => {
            let mut a = fluent_bundle::FluentArgs::new();
            a.set("time", wait_text(ms));
            (
                page.words().with("resume-wait", &a),
                StatusCode::TOO_MANY_REQUESTS,
                Some(ms),
            )
        }
    };
    let (jar, token) = csrf::token(jar);
    let res = resume_page(&page, &tid, &did, &token, false, false, Some(error), status);
    let res = match wait {
        Some(ms) => with_retry_after(res, ms),
        None => res,
    };
    Ok((jar, res).into_response())
}

// ----- steps -----------------------------------------------------------------------------

/// Renders step `si` with `input` as the values and `errors` to show.
#[allow(clippy::too_many_arguments)]
fn step_view(
    state: &St,
    fr: &Frame<'_>,
    d: &Draft,
    l: &Loaded<'_>,
    si: usize,
    input: &StepInput,
    errors: &[FieldError],
    answers: &Map<String, Json>,
) -> Response {
    let (page, tid) = (&fr.page, fr.t.id.as_str());
    let lang = page.lang();
    let form = l.form();
    let today = rathaus_app::clock::today();
    let step = &form.def.steps[si];
    let w = page.words();
    let ctx = Ctx {
        form,
        step: si,
        input,
        errors,
        answers,
        today: &today,
        words: &w,
        draft: Some((tid, &d.id)),
    };
    let prefilled: Map<String, Json> = d
        .prefilled
        .as_deref()
        .and_then(|p| serde_json::from_str(p).ok())
        .unwrap_or_default();
    // Fields a moving folder's facts filled are listed under `_folder` (no field id
    // starts with an underscore).
    let from_folder = |name: &str| {
        prefilled
            .get("_folder")
            .and_then(Json::as_array)
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(name)))
    };
    let mut fields = ctx.fields();
    for fv in &mut fields {
        let unchanged = prefilled
            .get(&fv.name)
            .is_some_and(|v| answers.get(&fv.name) == Some(v));
        fv.prefilled = unchanged.then_some(if from_folder(&fv.name) {
            "prefill-mark-folder"
        } else {
            "prefill-mark"
        });
    }
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
        .map(|&p| paths::apply_step(tid, &d.id, &form.def.steps[p].id));
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    fr.render(
        status,
        "citizen/apply_step.html",
        context! {
            service_title => loc(&l.offered.service.title, lang),
            service_href => paths::service(tid, l.offered.service.id.as_str()),
            step_title => loc(&step.title, lang),
            intro => step.intro.as_ref().map(|i| views::paragraphs(i, lang)),
            multipart => rathaus_app::files::takes_files(step),
            fields, summary => fields::error_summary(step, errors, &w), position, total => visible.len(), back,
            action => paths::apply_step(tid, &d.id, &step.id),
            resume => paths::apply_resume(tid, &d.id),
            resume_code => d.account_id.is_none().then(|| state.app.keys.resume_code(&d.id)),
        },
    )
}

/// `GET /{t}/antrag/{draft}/schritt/{step}`.
pub async fn step_page(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did, step)): Path<(String, String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let l = match open_form(&state, &site, &d).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let form = l.form();
    let si = rathaus_app::drafts::step_index(form, &step).ok_or(WebError::NotFound)?;
    let answers: Map<String, Json> = serde_json::from_str(&d.draft().answers).unwrap_or_default();
    if !form.step_visible(si, &answers, &rathaus_app::clock::today()) {
        return Ok(redirect::to(&paths::apply_step(
            &tid,
            &did,
            &d.draft().step,
        )));
    }
    let input = to_input(&form.def.steps[si], &answers);
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(step_view(
        &state,
        &fr,
        d.draft(),
        &l,
        si,
        &input,
        &[],
        &answers,
    ))
}

/// `POST /{t}/antrag/{draft}/schritt/{step}`: saves the step and goes where the button says.
pub async fn step_post(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did, step)): Path<(String, String, String)>,
    req: Request,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match rathaus_app::access::draft(&state.app, &citizen, &tid, &did).await {
        Ok(d) => d,
        Err(DraftRefusal::Denied(Denied::Login | Denied::Code, Some(d))) => {
            return Ok(kept_or_gate(&state, &page, &citizen, jar, &d, &step, req).await)
        }
        Err(DraftRefusal::Denied(..)) => return Err(WebError::Gone),
        Err(DraftRefusal::Error(e)) => return Err(e.into()),
    };
    let l = match open_form(&state, &site, &d).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let form = l.form();
    let si = rathaus_app::drafts::step_index(form, &step).ok_or(WebError::NotFound)?;
    let target = Target {
        tenant: &tid,
        draft: &did,
        max_text_bytes: state.config.max_body_bytes,
        replace: true,
    };
    let post = read(req, &jar, &state.app, &target, &form.def.steps[si]).await?;
    let (input, action) = input_of(&post.pairs);
    let post = rathaus_app::drafts::StepPost {
        input,
        files: post.files,
        errors: post.errors,
    };
    let outcome = rathaus_app::drafts::save_step(
        &state.app,
        &d,
        form,
        si,
        post,
        StepAction::parse(action.as_deref()),
    )
    .await?;
    match outcome {
        StepOutcome::Show { input, errors, answers } => {
            let fr = Frame::new(t, page, &citizen, jar);
            Ok(step_view(&state, &fr, d.draft(), &l, si, &input, &errors, &answers))
        }
        StepOutcome::Step(next) => Ok(redirect::to(&paths::apply_step(&tid, &did, &next))),
        StepOutcome::Check => Ok(redirect::to(&paths::apply_check(&tid, &did))),
        StepOutcome::Saved => Ok(Frame::new(t, page, &citizen, jar).ok(
            "citizen/apply_saved.html",
            context! { resume => paths::apply_resume(&tid, &did), code => d.guest().then(|| state.app.keys.resume_code(&did)) },
        )),
    }
}

/// A step posted to a draft this browser may not open as it is. If the draft's owner's
/// session has just ended, what was posted is kept (files checked and stored) and applied
/// after logging in again (an account) or entering the resume code (a guest); anyone else
/// gets the gate.
async fn kept_or_gate(
    state: &St,
    page: &Page<'_>,
    citizen: &Citizen,
    jar: CookieJar,
    d: &Draft,
    step: &str,
    req: Request,
) -> Response {
    if !rathaus_app::drafts::owner_gone(d, citizen) {
        return gate(state, page, jar, &d.tenant_id, d, citizen, false).await;
    }
    let kept = async {
        let site = state.site();
        let l = rathaus_app::forms::at(
            &state.app,
            &site.core,
            &d.tenant_id,
            &d.provider_id,
            &d.service_id,
            d.version,
        )
        .await?;
        let si = rathaus_app::drafts::step_index(l.form(), step).ok_or(WebError::NotFound)?;
        let target = Target {
            tenant: &d.tenant_id,
            draft: &d.id,
            max_text_bytes: state.config.max_body_bytes,
            replace: true,
        };
        let post = read(req, &jar, &state.app, &target, &l.form().def.steps[si]).await?;
        let (input, _) = input_of(&post.pairs);
        let post = rathaus_app::drafts::StepPost {
            input,
            files: post.files,
            errors: post.errors,
        };
        Ok::<_, WebError>(rathaus_app::drafts::keep(&state.app, d, step, post).await?)
    };
    match kept.await {
        Err(e) => e.into_response(),
        Ok(_) if d.account_id.is_none() => {
            gate(state, page, jar, &d.tenant_id, d, citizen, true).await
        }
        Ok(p) => {
            let here = paths::apply_step(&d.tenant_id, &d.id, step);
            login_needed(state, page, &d.tenant_id, &here, citizen.expired, Some(&p)).await
        }
    }
}

// ----- check and submit -----------------------------------------------------------------------

/// The check page: every answer with a link to change it, what they compute, the fee, and
/// consent and declaration (`errors`: the boxes not ticked).
fn check_view(fr: &Frame<'_>, d: &OwnDraft, l: &Loaded<'_>, errors: &[&str]) -> Response {
    let (tid, did) = (d.tenant(), d.id());
    let form = l.form();
    let (answers, computed) = match rathaus_app::drafts::checked(d, form) {
        Ok(x) => x,
        Err(step) => return redirect::to(&paths::apply_step(tid, did, &step)),
    };
    let page = &fr.page;
    let w = page.words();
    let summary_errors: Vec<_> = errors
        .iter()
        .map(|e| context! { href => format!("#{e}"), label => "", text => w.get(&format!("error-{e}")) })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    fr.render(
        status,
        "citizen/apply_check.html",
        context! {
            service_title => loc(&l.offered.service.title, w.lang),
            steps => fields::answers(form, &answers, tid, did, &w),
            computed => fields::computed(form, &computed, w.lang),
            fee => crate::kit::payment::fee_of(form.fee(&computed), w.lang),
            provider => loc(&l.offered.provider.name, w.lang),
            privacy_href => paths::privacy(l.offered.provider.id.as_str()),
            action => paths::apply_submit(tid, did),
            resume => paths::apply_resume(tid, did),
            summary => summary_errors,
            consent_error => errors.contains(&"consent"),
            truth_error => errors.contains(&"truth"),
        },
    )
}

/// `GET /{t}/antrag/{draft}/pruefen`.
pub async fn check_page(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let l = match open_form(&state, &site, &d).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    Ok(check_view(&Frame::new(t, page, &citizen, jar), &d, &l, &[]))
}

/// `POST /{t}/antrag/{draft}/absenden`: with consent and declaration, the application is
/// sent; on to the receipt.
pub async fn submit(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let l = match open_form(&state, &site, &d).await {
        Ok(l) => l,
        Err(r) => return r,
    };
    let (consent, truth) = (p.ticked("einwilligung"), p.ticked("wahrheit"));
    match rathaus_app::drafts::submit(&state.app, &d, &citizen, &l, consent, truth, prefs.lang)
        .await?
    {
        Submitted::Done => {
            Ok((jar, redirect::to(&paths::apply_receipt(&tid, &did))).into_response())
        }
        Submitted::Missing(missing) => Ok(check_view(
            &Frame::new(t, page, &citizen, jar),
            &d,
            &l,
            &missing,
        )),
        Submitted::Incomplete(step) => Ok(redirect::to(&paths::apply_step(&tid, &did, &step))),
        Submitted::Admission(_) => {
            let fr = Frame::new(t, page, &citizen, jar);
            Ok(start_view(
                &state,
                &fr,
                &l.offered,
                &citizen,
                StatusCode::FORBIDDEN,
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pressed_button_is_not_an_answer() {
        let (input, action) = input_of(&[
            ("_csrf".into(), "x".into()),
            ("aktion".into(), "add:hunde".into()),
            ("name".into(), "Bello".into()),
        ]);
        assert_eq!(action.as_deref(), Some("add:hunde"));
        assert_eq!(input.len(), 1);
        assert_eq!(
            StepAction::parse(action.as_deref()),
            StepAction::Add("hunde".into())
        );
        assert_eq!(
            StepAction::parse(Some("remove:hunde:2")),
            StepAction::Remove("hunde".into(), 2)
        );
        assert_eq!(StepAction::parse(None), StepAction::Next);
    }
}
