//! The citizen's way through an online form: start a draft, save a step, open a guest's
//! draft in another browser with its resume code, submit. Every step is saved when the
//! citizen moves on (also back, and when adding or removing an entry), so nothing typed is
//! lost; a draft is always continued with the form version it was started with; and a
//! step posted after the session ended is kept and applied after logging in again.

use crate::access::{Citizen, OwnDraft};
use crate::accounts::NewSession;
use crate::forms::{self, Loaded};
use crate::guard::Verdict;
use crate::{App, AppError, AppResult, Site};
use rathaus_domain::delivery::DeliveryEvent;
use rathaus_domain::form::{to_input, FieldError, FieldKind, Form, StepDef, StepInput};
use rathaus_domain::{Lang, Level, OfferedService, TenantDef};
use rathaus_store::{Draft, FollowUp, NewPayment, SubmitOutcome};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};
use std::net::IpAddr;

fn answers_of(d: &Draft) -> Map<String, Json> {
    serde_json::from_str(&d.answers).unwrap_or_default()
}

/// The form of a draft in its own version.
pub async fn form<'a>(app: &App, site: &'a Site, d: &OwnDraft) -> AppResult<Loaded<'a>> {
    let draft = d.draft();
    Ok(forms::at(
        app,
        site,
        d.tenant(),
        &draft.provider_id,
        &draft.service_id,
        draft.version,
    )
    .await?)
}

/// The index of step `id` in the form.
pub fn step_index(form: &Form, id: &str) -> Option<usize> {
    form.def.steps.iter().position(|s| s.id == id)
}

// ----- start ------------------------------------------------------------------------------

/// Who may start a service's form: guests where it allows them, accounts of a high
/// enough level otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    Allowed,
    /// Needs a login (and the citizen has none).
    LoginNeeded,
    /// Needs a login of at least this level (the citizen's is lower).
    LevelTooLow(Level),
}

/// Whether `c` may start (or submit) `o`'s form.
pub fn admission(o: &OfferedService<'_>, c: &Citizen) -> Admission {
    let policy = &o.service.login;
    let account = c.live.as_ref().filter(|l| l.account_id().is_some());
    match (account, policy.min_level) {
        (None, min) if !policy.guests || min.is_some() => Admission::LoginNeeded,
        (Some(l), Some(min)) if l.level() < min => Admission::LevelTooLow(min),
        _ => Admission::Allowed,
    }
}

/// A draft just started.
pub struct Started {
    pub draft: String,
    pub step: String,
    /// A guest's new session, whose token the face hands to the browser.
    pub session: Option<NewSession>,
}

/// Why a draft was not started.
pub enum NotStarted {
    Admission(Admission),
}

/// Starts a draft of `o`'s form for `c`. Known data from an account fills the fields that
/// ask for it (marked, and editable); a guest's draft is bound to the browser's guest
/// session from the start (`old_token`: a session cookie the browser still sent).
pub async fn start(
    app: &App,
    t: &TenantDef,
    o: &OfferedService<'_>,
    c: &Citizen,
    old_token: Option<&str>,
) -> AppResult<Result<Started, NotStarted>> {
    start_with(app, t, o, c, old_token, &Map::new()).await
}

/// [`start`] with `facts` a moving folder knows (by prefill source: `address`,
/// `moving_date`, …), which fill the fields declaring that source before the account's
/// data does — the folder's facts are the newer ones (the new address).
pub(crate) async fn start_with(
    app: &App,
    t: &TenantDef,
    o: &OfferedService<'_>,
    c: &Citizen,
    old_token: Option<&str>,
    facts: &Map<String, Json>,
) -> AppResult<Result<Started, NotStarted>> {
    let form = o.form.ok_or(AppError::NotFound)?;
    match admission(o, c) {
        Admission::Allowed => {}
        other => return Ok(Err(NotStarted::Admission(other))),
    }
    let account = c.account_id();
    let mut answers = Map::new();
    let mut prefilled = Map::new();
    let mut from_folder = Vec::new();
    let profile = match account {
        Some(_) => Some(crate::accounts::profile(app, t.id.as_str(), c).await?),
        None => None,
    };
    for f in form.def.steps.iter().flat_map(|s| s.fields.iter()) {
        let Some(src) = f.prefill.as_deref() else {
            continue;
        };
        let fact = facts.get(src).cloned();
        if fact.is_some() {
            from_folder.push(Json::String(f.id.clone()));
        }
        let v = fact.or_else(|| profile.as_ref().and_then(|p| p.prefill(src)));
        if let Some(v) = v {
            answers.insert(f.id.clone(), v.clone());
            prefilled.insert(f.id.clone(), v);
        }
    }
    if !from_folder.is_empty() {
        // Which of them a moving folder filled (field ids never start with `_`).
        prefilled.insert("_folder".into(), Json::Array(from_folder));
    }
    let (session, owner_session) = if account.is_some() {
        (None, None)
    } else {
        let (s, hash) = crate::accounts::guest_session(app, t, c, old_token).await?;
        (s, Some(hash))
    };
    let draft = Draft {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: t.id.to_string(),
        provider_id: o.provider.id.to_string(),
        service_id: o.service.id.to_string(),
        version: i64::from(o.service.version),
        answers: serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into()),
        step: form.def.steps[0].id.clone(),
        updated_at: 0,
        reference: None,
        account_id: account.map(str::to_owned),
        prefilled: (!prefilled.is_empty())
            .then(|| serde_json::to_string(&prefilled).unwrap_or_default()),
        owner_session,
        access_hash: None,
    };
    app.db.create_draft(&draft).await?;
    Ok(Ok(Started {
        draft: draft.id,
        step: draft.step,
        session,
    }))
}

// ----- steps ------------------------------------------------------------------------------

/// What the citizen did on a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepAction {
    /// "Weiter": check, save and go on.
    Next,
    /// "Zurück": save what is typed and go back.
    Back,
    /// "Speichern und später weitermachen".
    Save,
    /// "Sitzung verlängern": save and stay.
    Extend,
    /// Add an entry to group `.0`.
    Add(String),
    /// Remove entry `.1` of group `.0`.
    Remove(String, usize),
}

impl StepAction {
    /// The action of a form's `aktion` value (default: on).
    pub fn parse(v: Option<&str>) -> StepAction {
        let v = v.unwrap_or("weiter");
        if let Some(g) = v.strip_prefix("add:") {
            return StepAction::Add(g.to_owned());
        }
        if let Some(rest) = v.strip_prefix("remove:") {
            let mut it = rest.split(':');
            let g = it.next().unwrap_or("").to_owned();
            let n = it.next().and_then(|n| n.parse().ok()).unwrap_or(usize::MAX);
            return StepAction::Remove(g, n);
        }
        match v {
            "zurueck" => StepAction::Back,
            "speichern" => StepAction::Save,
            "verlaengern" => StepAction::Extend,
            _ => StepAction::Next,
        }
    }
}

/// A step's post: its text answers, the files it brought (verified and stored, by input
/// name) and the upload problems.
pub struct StepPost {
    pub input: StepInput,
    pub files: Vec<(String, Json)>,
    pub errors: Vec<FieldError>,
}

/// Where a saved step leads.
pub enum StepOutcome {
    /// Show step `si` again: with these values and errors (none after adding or removing
    /// an entry, or extending the session).
    Show {
        input: StepInput,
        errors: Vec<FieldError>,
        answers: Map<String, Json>,
    },
    /// On to the step with this id.
    Step(String),
    /// Every step is done: on to the check page.
    Check,
    /// Saved to go on later.
    Saved,
}

/// Saves step `si` of the draft: file answers come only from the verified upload or what
/// is stored; answers are checked by the form's rules; what is valid is kept even when
/// another field has an error.
pub async fn save_step(
    app: &App,
    d: &OwnDraft,
    form: &Form,
    si: usize,
    post: StepPost,
    action: StepAction,
) -> AppResult<StepOutcome> {
    let today = crate::clock::today();
    let step = &form.def.steps[si];
    let mut answers = answers_of(d.draft());
    if !form.step_visible(si, &answers, &today) {
        // A step the answers skip: back to where the citizen is.
        return Ok(StepOutcome::Step(d.draft().step.clone()));
    }
    let input = merged_input(step, post.input, &answers, &post.files);
    let mut errors = form.read_step(si, &input, &mut answers, &today);
    for e in post.errors {
        errors.retain(|x| x.name != e.name);
        errors.push(e);
    }
    let here = step.id.clone();
    let visible = form.visible_steps(&answers, &today);
    match &action {
        StepAction::Add(group) | StepAction::Remove(group, _)
            if !step
                .fields
                .iter()
                .any(|f| &f.id == group && f.kind == FieldKind::Group) =>
        {
            save(app, d, &answers, &here).await?;
            Ok(show(step, answers, Vec::new(), None))
        }
        StepAction::Add(_) | StepAction::Remove(..) => {
            resize_group(step, &mut answers, &action);
            save(app, d, &answers, &here).await?;
            Ok(show(step, answers, Vec::new(), None))
        }
        StepAction::Back => {
            let prev = visible
                .iter()
                .take_while(|&&x| x != si)
                .last()
                .copied()
                .unwrap_or(si);
            let prev_id = form.def.steps[prev].id.clone();
            save(app, d, &answers, &prev_id).await?;
            Ok(StepOutcome::Step(prev_id))
        }
        StepAction::Extend => {
            save(app, d, &answers, &here).await?;
            Ok(show(step, answers, Vec::new(), Some(input)))
        }
        StepAction::Save => {
            save(app, d, &answers, &here).await?;
            Ok(StepOutcome::Saved)
        }
        StepAction::Next if !errors.is_empty() => {
            save(app, d, &answers, &here).await?;
            Ok(show(step, answers, errors, Some(input)))
        }
        StepAction::Next => match visible.iter().find(|&&x| x > si) {
            Some(&n) => {
                let next = form.def.steps[n].id.clone();
                save(app, d, &answers, &next).await?;
                Ok(StepOutcome::Step(next))
            }
            None => {
                save(app, d, &answers, &here).await?;
                Ok(StepOutcome::Check)
            }
        },
    }
}

/// What a step post says: text fields as posted, file fields only as verified (a new
/// upload) or stored (the earlier answer) — never what the browser claims.
fn merged_input(
    step: &StepDef,
    posted: StepInput,
    answers: &Map<String, Json>,
    files: &[(String, Json)],
) -> StepInput {
    let mut input = posted;
    input.retain(|name, _| crate::files::file_field(step, name).is_none());
    for (name, values) in to_input(step, answers) {
        if crate::files::file_field(step, &name).is_some() {
            input.insert(name, values);
        }
    }
    for (name, meta) in files {
        input.insert(name.clone(), vec![meta.to_string()]);
    }
    input
}

/// Adds an entry to a repeatable group (up to its `max`, 50 without one) or removes one.
fn resize_group(step: &StepDef, answers: &mut Map<String, Json>, action: &StepAction) {
    let (StepAction::Add(group) | StepAction::Remove(group, _)) = action else {
        return;
    };
    let max = step
        .fields
        .iter()
        .find(|f| &f.id == group)
        .and_then(|f| f.max)
        .unwrap_or(50);
    let mut items = answers
        .get(group)
        .and_then(Json::as_array)
        .cloned()
        .unwrap_or_default();
    match action {
        StepAction::Add(_) if (items.len() as i64) < max => items.push(Json::Object(Map::new())),
        StepAction::Remove(_, n) if *n < items.len() => {
            items.remove(*n);
        }
        _ => {}
    }
    answers.insert(group.clone(), Json::Array(items));
}

/// The step shown again: the posted values (`input`) or, without them, the stored ones.
fn show(
    step: &rathaus_domain::form::StepDef,
    answers: Map<String, Json>,
    errors: Vec<FieldError>,
    input: Option<StepInput>,
) -> StepOutcome {
    StepOutcome::Show {
        input: input.unwrap_or_else(|| to_input(step, &answers)),
        errors,
        answers,
    }
}

async fn save(app: &App, d: &OwnDraft, answers: &Map<String, Json>, step: &str) -> AppResult<()> {
    let json = serde_json::to_string(answers).unwrap_or_else(|_| "{}".into());
    app.db.save_draft(d.tenant(), d.id(), &json, step).await?;
    Ok(())
}

// ----- a step posted after the session ended ---------------------------------------------------

/// A form step posted after the session ended, applied after the next login (an account)
/// or the resume code (a guest).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub draft: String,
    pub step: String,
    pub input: StepInput,
}

/// Whether `c` is the owner of `d` whose session has just ended (an account's, or the
/// guest session this very browser held): then a posted step is kept, not refused.
pub fn owner_gone(d: &Draft, c: &Citizen) -> bool {
    d.reference.is_none()
        && c.live.is_none()
        && match &d.account_id {
            Some(_) => true,
            None => d.owner_session.is_some() && c.stale == d.owner_session,
        }
}

/// The post of a step kept for later: with the files it brought (already checked and
/// stored). A guest's is kept with the draft until the resume code is entered; an
/// account's travels with the next login attempt (returned here for the face to pass on).
pub async fn keep(app: &App, d: &Draft, step: &str, post: StepPost) -> AppResult<Pending> {
    let mut input = post.input;
    let site = app.site();
    let l = forms::at(
        app,
        &site,
        &d.tenant_id,
        &d.provider_id,
        &d.service_id,
        d.version,
    )
    .await?;
    if let Some(si) = step_index(l.form(), step) {
        let step_def = &l.form().def.steps[si];
        input.retain(|name, _| crate::files::file_field(step_def, name).is_none());
    }
    for (name, meta) in &post.files {
        input.insert(name.clone(), vec![meta.to_string()]);
    }
    let pending = Pending {
        draft: d.id.clone(),
        step: step.to_owned(),
        input,
    };
    if d.account_id.is_none() {
        let json = serde_json::to_string(&pending).unwrap_or_default();
        app.db
            .set_draft_pending(&d.tenant_id, &d.id, Some(&json))
            .await?;
    }
    Ok(pending)
}

/// Applies a step kept over a login if the draft belongs to the account that logged in;
/// returns the step to go to.
pub async fn restore(
    app: &App,
    tid: &str,
    account_id: &str,
    p: &Pending,
) -> AppResult<Option<String>> {
    let Some(draft) = app.db.draft(tid, &p.draft).await? else {
        return Ok(None);
    };
    if draft.account_id.as_deref() != Some(account_id) {
        return Ok(None);
    }
    apply_pending(app, &draft, p).await
}

/// Applies a kept step to its draft (still open, checked by the caller to belong to the
/// citizen); returns the step's id.
async fn apply_pending(app: &App, draft: &Draft, p: &Pending) -> AppResult<Option<String>> {
    if draft.reference.is_some() || draft.id != p.draft {
        return Ok(None);
    }
    let site = app.site();
    let l = forms::at(
        app,
        &site,
        &draft.tenant_id,
        &draft.provider_id,
        &draft.service_id,
        draft.version,
    )
    .await?;
    let form = l.form();
    let Some(si) = step_index(form, &p.step) else {
        return Ok(None);
    };
    let step_def = &form.def.steps[si];
    let mut answers = answers_of(draft);
    let mut input = p.input.clone();
    for (name, values) in to_input(step_def, &answers) {
        if crate::files::file_field(step_def, &name).is_some() && !input.contains_key(&name) {
            input.insert(name, values);
        }
    }
    // Errors are shown again when the citizen moves on; what is valid is kept now.
    let _ = form.read_step(si, &input, &mut answers, &crate::clock::today());
    let json = serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into());
    app.db
        .save_draft(&draft.tenant_id, &draft.id, &json, &p.step)
        .await?;
    tracing::info!(tenant = %draft.tenant_id, "step posted after the session ended was restored");
    Ok(Some(p.step.clone()))
}

// ----- a guest's draft in another browser ----------------------------------------------------------

/// What entering a resume code came to.
pub enum Resumed {
    /// The draft is now this browser's; on at this step (a step kept from the ended
    /// session has been applied), with a new session's token when the browser had none.
    Opened {
        step: String,
        session: Option<NewSession>,
    },
    /// The code does not fit.
    Wrong,
    /// Too many tries: not before this many milliseconds from now.
    Wait(i64),
}

/// Opens a guest's open draft (`draft`, not bound to this browser) with its resume code,
/// with a lock-out per draft and a limit per address.
pub async fn resume(
    app: &App,
    t: &TenantDef,
    c: &Citizen,
    old_token: Option<&str>,
    ip: Option<IpAddr>,
    draft: &Draft,
    typed: &str,
) -> AppResult<Resumed> {
    let tid = t.id.as_str();
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let guess = format!("resume:{}", draft.id);
    if let Verdict::Wait(ms) = app.guesses.check(&app.db, tid, &guess, ip).await? {
        return Ok(Resumed::Wait(ms));
    }
    if draft.account_id.is_some()
        || draft.reference.is_some()
        || !app.keys.resume_code_fits(&draft.id, typed)
    {
        app.guesses.failed(&app.db, tid, &guess).await?;
        tracing::warn!(tenant = %tid, "resume code refused");
        return Ok(Resumed::Wrong);
    }
    app.guesses.succeeded(&app.db, tid, &guess).await?;
    let (session, hash) = crate::accounts::guest_session(app, t, c, old_token).await?;
    app.db.bind_draft(tid, &draft.id, &hash).await?;
    let pending = app.db.take_draft_pending(tid, &draft.id).await?;
    let mut step = draft.step.clone();
    if let Some(p) = pending.and_then(|p| serde_json::from_str::<Pending>(&p).ok()) {
        match apply_pending(app, draft, &p).await {
            Ok(Some(s)) => step = s,
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "restoring a kept step failed"),
        }
    }
    tracing::info!(tenant = %tid, "guest draft opened with its resume code");
    Ok(Resumed::Opened { step, session })
}

// ----- check and submit -----------------------------------------------------------------------

/// Answers (or computed values) by field id.
pub type Answers = Map<String, Json>;

/// What the check page shows: the answers as they will be sent (hidden steps dropped) and
/// what they compute; `Err(step)`: a step is not complete yet.
pub fn checked(d: &OwnDraft, form: &Form) -> Result<(Answers, Answers), String> {
    let today = crate::clock::today();
    let answers = form.prune(&answers_of(d.draft()), &today);
    if let Some(si) = form.first_incomplete_step(&answers, &today) {
        return Err(form.def.steps[si].id.clone());
    }
    let computed = form.computed(&answers, &today);
    Ok((answers, computed))
}

/// What submitting came to.
pub enum Submitted {
    /// Sent (or sent before: a replayed post): on to the receipt.
    Done,
    /// Consent (`consent`) or the declaration (`truth`) is missing.
    Missing(Vec<&'static str>),
    /// A step is not complete (a manipulated or stale post): back to it.
    Incomplete(String),
    /// The login's level is too low for the service (it may have been a weaker one).
    Admission(Admission),
}

/// Submits the draft: everything is validated again (a manipulated or replayed post
/// cannot skip a check); the fee, the mandate and the up-front rule decide the payment and
/// whether hand-overs wait for it; the reference number is drawn and the confirmation
/// mail queued in one transaction. A guest's access code is derived from the draft, so the
/// submitting browser can always be shown it again.
pub async fn submit(
    app: &App,
    d: &OwnDraft,
    c: &Citizen,
    l: &Loaded<'_>,
    consent: bool,
    truth: bool,
    lang: Lang,
) -> AppResult<Submitted> {
    let mut missing = Vec::new();
    if !consent {
        missing.push("consent");
    }
    if !truth {
        missing.push("truth");
    }
    if !missing.is_empty() {
        return Ok(Submitted::Missing(missing));
    }
    let form = l.form();
    let (answers, computed) = match checked(d, form) {
        Ok(x) => x,
        Err(step) => return Ok(Submitted::Incomplete(step)),
    };
    let draft = d.draft();
    if let (Some(min), Some(_)) = (l.offered.service.login.min_level, &draft.account_id) {
        if c.live.as_ref().is_none_or(|x| x.level() < min) {
            return Ok(Submitted::Admission(Admission::LevelTooLow(min)));
        }
    }
    let today = crate::clock::today();
    let year: i32 = today.get(..4).and_then(|y| y.parse().ok()).unwrap_or(2026);
    let site = app.site();
    let mail = receipt_mail(&site, d.tenant(), l, form, &answers, lang);
    // Where later news is announced: the form's e-mail address, else the account's.
    let mut contact_email = forms::contact_email(form, &answers);
    if contact_email.is_none() {
        contact_email = crate::accounts::profile(app, d.tenant(), c).await?.email;
    }
    let access_code = d.guest().then(|| app.keys.access_code(d.id()));
    let mut follow_up = FollowUp {
        contact_email,
        access_hash: access_code
            .as_deref()
            .map(|c| crate::secrets::sha256_hex(crate::secrets::normalize_code(c))),
        office_id: Some(l.offered.service.office.to_string()),
        applicant: form.applicant_name(&answers),
        due_at: Some(
            crate::clock::now_millis()
                + i64::from(l.offered.service.processing_time.days) * crate::clock::DAY_MS,
        ),
        deliveries: crate::cases::queued(
            l.offered.provider,
            &draft.service_id,
            DeliveryEvent::Received,
            "{reference}",
        ),
        payment: payment_of(form, &answers, &computed, &today),
    };
    // A fee paid up front: the hand-over waits for the money (queued when it is paid).
    if follow_up.payment.is_some() && form.def.payment.as_ref().is_some_and(|p| p.upfront) {
        follow_up.deliveries.clear();
    }
    let outcome = app
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
        .await?;
    if let SubmitOutcome::Submitted(reference) = outcome {
        tracing::info!(tenant = %l.offered.provider.id, service = %draft.service_id, %reference, "application submitted");
        // The guest follows the application in this browser (its session links to it) or
        // app (its grant does).
        if let (Some(_), Some(live)) = (&access_code, &c.live) {
            app.db.set_session_draft(&live.hash, d.id()).await?;
            app.db.set_app_grant_draft(&live.hash, d.id()).await?;
            app.tokens.forget();
        }
    }
    Ok(Submitted::Done)
}

/// The fee the application owes, if any: by direct debit when the form has a mandate, by
/// transfer or online otherwise (unless the service takes direct debit only).
fn payment_of(
    form: &Form,
    answers: &Map<String, Json>,
    computed: &Map<String, Json>,
    today: &str,
) -> Option<NewPayment> {
    let mandate = form.mandate(answers);
    let debit_only = form
        .def
        .payment
        .as_ref()
        .and_then(|p| p.direct_debit.as_ref())
        .is_some_and(|d| d.only);
    form.fee(computed)
        .filter(|f| f.total_cents > 0 && (mandate.is_some() || !debit_only))
        .map(|f| NewPayment {
            amount_cents: f.total_cents,
            booking_code: f.booking_code.clone(),
            purpose: f.purpose.de.clone(),
            lines: serde_json::to_string(&f.lines).unwrap_or_default(),
            mandate: mandate.map(|(iban, holder)| (iban, holder, today.to_owned())),
        })
}

/// The confirmation mail, if the citizen gave an e-mail address: only what is needed to
/// recognise the application (reference, service, authority, date); `{reference}` is filled
/// in by the store when the number is drawn.
fn receipt_mail(
    site: &Site,
    tid: &str,
    l: &Loaded<'_>,
    form: &Form,
    answers: &Map<String, Json>,
    lang: Lang,
) -> Option<String> {
    let to = forms::contact_email(form, answers)?;
    let w = site.words(tid, lang);
    let mut args = fluent_bundle::FluentArgs::new();
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
    args.set(
        "date",
        crate::clock::berlin_datetime(crate::clock::now_millis()),
    );
    args.set("days", i64::from(l.offered.service.processing_time.days));
    let payload = rathaus_jobs::MailPayload {
        to,
        subject: w.with("mail-receipt-subject", &args),
        body: w.with("mail-receipt-body", &args),
        attachment: None,
    };
    serde_json::to_string(&payload).ok()
}

// ----- the receipt --------------------------------------------------------------------------

/// The submission of a submitted draft with its payment; `Ok(None)` while not submitted.
pub async fn receipt(app: &App, d: &OwnDraft) -> AppResult<Option<crate::receipts::ReceiptData>> {
    let Some(sub) = app.db.submission_of_draft(d.tenant(), d.id()).await? else {
        return Ok(None);
    };
    let payment = app.db.payment_of(d.id()).await?;
    Ok(Some(crate::receipts::ReceiptData::new(sub, payment)))
}

/// A file uploaded to the draft (its owner may download it).
pub async fn file(app: &App, d: &OwnDraft, id: &str) -> AppResult<rathaus_store::FileMeta> {
    app.db
        .file_of_draft(d.tenant(), d.id(), id)
        .await?
        .ok_or(AppError::NotFound)
}
