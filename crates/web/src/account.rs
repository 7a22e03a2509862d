//! The citizen's side after submitting: Mein Bereich (applications with their status,
//! drafts, documents, messages), the Postkorb of each application, guest access with an
//! access code, the download of all one's data (DSGVO Art. 15/20) and deleting the
//! account (Art. 17).
//!
//! Access: an application of an account is shown only in a session of that account; a
//! guest's application only in the guest session opened with its access code (or right
//! after submitting). Everything else is "not found", never a hint that the object exists.

use crate::auth::Citizen;
use crate::prefs::Prefs;
use crate::routes::{internal, Page};
use crate::views::loc;
use crate::{csrf, urls, AppState, Site};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form as PostForm;
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::{context, Value};
use rathaus_app::cases::{Actor, Change};
use rathaus_app::secrets::{normalize_code, sha256_hex};
use rathaus_domain::{ApplicationStatus, Lang, MessageKind};
use rathaus_store::{ApplicationSummary, Db, Draft, FileMeta, Message};
use serde::Deserialize;
use serde_json::{json, Value as Json};
use std::sync::Arc;

type St = State<Arc<AppState>>;

/// Longest reply text in characters.
pub const MAX_REPLY_CHARS: usize = 5000;
/// Largest file attached to a reply.
pub const MAX_REPLY_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The session bar for private pages (None when nobody is logged in).
pub fn session_view(c: &Citizen, tid: &str, csrf: &str, here: &str) -> Option<Value> {
    let live = c.live.as_ref()?;
    let time = rathaus_app::clock::berlin_format(live.idle_ends, "%H:%M Uhr");
    Some(Value::from_serialize(json!({
        "name": live.session.display_name,
        "guest": live.session.account_id.is_none(),
        "idle_ends": live.idle_ends,
        "idle_ends_text": time,
        "warn_ms": live.warn_ms,
        "extend_href": urls::session_extend(tid),
        "logout_href": urls::logout(tid),
        // A guest session opened with an access code leads to its case; one that only
        // holds drafts being filled has nothing to lead to yet.
        "area_href": match (&live.session.draft_id, &live.session.account_id) {
            (Some(d), _) => Some(urls::case(tid, d)),
            (None, Some(_)) => Some(urls::my_area(tid)),
            (None, None) => None,
        },
        "csrf": csrf,
        "here": here,
    })))
}

// ----- shared loading -----------------------------------------------------------------

fn service_title(site: &Site, tid: &str, sid: &str, lang: Lang) -> Value {
    match site.catalog.service(tid, sid) {
        Some(o) => Value::from_serialize(loc(&o.service.title, lang)),
        None => Value::from_serialize(json!({ "text": sid })),
    }
}

pub(crate) fn status_text(page: &Page<'_>, status: &str) -> String {
    page.theme().messages.get(
        page.lang(),
        &format!("status-{}", status.replace('_', "-")),
        None,
    )
}

fn kind_text(page: &Page<'_>, kind: &str) -> String {
    page.theme()
        .messages
        .get(page.lang(), &format!("message-kind-{kind}"), None)
}

fn summary_view(page: &Page<'_>, site: &Site, tid: &str, a: &ApplicationSummary) -> Value {
    let lang = page.lang();
    Value::from_serialize(json!({
        "service": service_title(site, tid, &a.service_id, lang),
        "reference": a.reference,
        "status": a.status.as_deref().map(|s| status_text(page, s)),
        "status_key": a.status,
        "submitted": a.submitted_at.map(rathaus_app::clock::berlin_datetime),
        "updated": rathaus_app::clock::berlin_datetime(a.updated_at),
        "unread": a.unread,
        "href": if a.reference.is_some() { urls::case(tid, &a.draft_id) } else { urls::apply_resume(tid, &a.draft_id) },
    }))
}

// ----- Mein Bereich --------------------------------------------------------------------

/// `GET /{t}/mein-bereich`.
pub async fn my_area(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let Some(account) = citizen.account_id().map(str::to_owned) else {
        if let Some(d) = citizen
            .live
            .as_ref()
            .and_then(|l| l.session.draft_id.clone())
        {
            return crate::redirect::to(&urls::case(&tid, &d)).into_response();
        }
        return crate::auth::login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None)
            .await;
    };
    let apps = match state.app.db.applications_of_account(&tid, &account).await {
        Ok(a) => a,
        Err(e) => return internal(e),
    };
    let sessions = state.app.db.count_sessions(&account).await.unwrap_or(1);
    let appointments = crate::appointments::of_account(&state, &page, t, &account).await;
    let (submitted, drafts): (Vec<_>, Vec<_>) = apps.iter().partition(|a| a.reference.is_some());
    let mut documents = Vec::new();
    for a in &submitted {
        let title = service_title(&site, &tid, &a.service_id, page.lang());
        documents.push(json!({
            "name": page.theme().messages.get(page.lang(), "my-receipt-document", None),
            "context": a.reference, "service": title,
            "href": urls::apply_receipt_pdf(&tid, &a.draft_id),
            "size": null,
        }));
        match state.app.db.message_files(&a.draft_id).await {
            Ok(files) => {
                for (_, f) in files {
                    documents.push(json!({
                        "name": f.name, "context": a.reference, "service": title,
                        "href": urls::case_file(&tid, &a.draft_id, &f.id),
                        "size": rathaus_domain::form::format_bytes(f.size.max(0) as u64),
                    }));
                }
            }
            Err(e) => return internal(e),
        }
    }
    let unread: i64 = submitted.iter().map(|a| a.unread).sum();
    let (jar, token) = csrf::token(jar);
    let page = page.with_session(session_view(&citizen, &tid, &token, &prefs.here));
    let res = page.render_private(
        StatusCode::OK,
        "my_area.html",
        context! {
            applications => submitted.iter().map(|a| summary_view(&page, &site, &tid, a)).collect::<Vec<_>>(),
            drafts => drafts.iter().map(|a| summary_view(&page, &site, &tid, a)).collect::<Vec<_>>(),
            documents, unread, sessions,
            level => citizen.live.as_ref().map(|l| l.level().as_str()),
            data_href => urls::my_data(&tid),
            delete_href => urls::my_delete(&tid),
            logout_everywhere => urls::logout_everywhere(&tid),
            services_href => urls::services(&tid),
            appointments,
            csrf => token,
        },
    );
    (jar, res).into_response()
}

/// `GET /{t}/mein-bereich/daten.json`: everything stored about the citizen, as JSON.
pub async fn my_data(
    State(state): St,
    prefs: Prefs,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    let Some(aid) = citizen.account_id().map(str::to_owned) else {
        return crate::auth::login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None)
            .await;
    };
    match export(&state.app.db, &tid, &aid).await {
        Ok(Some(doc)) => (
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                (header::CACHE_CONTROL, "no-store"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"meine-daten.json\"",
                ),
            ],
            serde_json::to_string_pretty(&doc).unwrap_or_default(),
        )
            .into_response(),
        Ok(None) => page.gone(),
        Err(e) => internal(e),
    }
}

async fn export(db: &Db, tid: &str, aid: &str) -> Result<Option<Json>, rathaus_store::StoreError> {
    let Some(account) = db.account(tid, aid).await? else {
        return Ok(None);
    };
    let mut applications = Vec::new();
    let mut drafts = Vec::new();
    for a in db.applications_of_account(tid, aid).await? {
        let Some(d) = db.draft(tid, &a.draft_id).await? else {
            continue;
        };
        let answers: Json = serde_json::from_str(&d.answers).unwrap_or(Json::Null);
        if a.reference.is_none() {
            drafts.push(json!({
                "service": a.service_id, "provider": a.provider_id, "step": a.step,
                "updated_at": millis_rfc3339(a.updated_at), "answers": answers,
            }));
            continue;
        }
        let sub = db.submission_of_draft(tid, &a.draft_id).await?;
        let files = db.message_files(&a.draft_id).await?;
        let messages: Vec<Json> = db
            .messages(&a.draft_id)
            .await?
            .into_iter()
            .map(|m| {
                json!({
                    "direction": m.direction, "kind": m.kind, "subject": m.subject,
                    "body": m.body, "sender": m.sender,
                    "created_at": millis_rfc3339(m.created_at),
                    "read_at": m.read_at.map(millis_rfc3339),
                    "attachments": files.iter().filter(|(mid, _)| *mid == m.id)
                        .map(|(_, f)| json!({"name": f.name, "size": f.size, "type": f.kind, "sha256": f.sha256}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        let events: Vec<Json> = db
            .status_events(&a.draft_id)
            .await?
            .into_iter()
            .map(|e| json!({"status": e.status, "note": e.note, "at": millis_rfc3339(e.at)}))
            .collect();
        applications.push(json!({
            "reference": a.reference, "service": a.service_id, "authority": a.provider_id,
            "status": a.status,
            "submitted_at": a.submitted_at.map(millis_rfc3339),
            "answers": sub.as_ref().and_then(|s| serde_json::from_str::<Json>(&s.answers).ok()),
            "computed": sub.as_ref().and_then(|s| serde_json::from_str::<Json>(&s.computed).ok()),
            "status_history": events, "messages": messages,
        }));
    }
    Ok(Some(json!({
        "format": "rathaus-personal-data/1",
        "exported_at": millis_rfc3339(rathaus_app::clock::now_millis()),
        "portal": tid,
        "account": {
            "identity_provider": account.issuer, "subject": account.subject,
            "level_of_assurance": account.level,
            "profile": serde_json::from_str::<Json>(&account.profile).unwrap_or(Json::Null),
        },
        "applications": applications,
        "drafts": drafts,
        "appointments": db
            .appointments_of_account(tid, aid, true)
            .await?
            .iter()
            .map(|a| json!({
                "office": a.office_id, "services": a.services(), "starts_at": millis_rfc3339(a.starts_at),
                "ends_at": millis_rfc3339(a.ends_at), "status": a.status, "name": a.name, "email": a.email,
                "booked_at": millis_rfc3339(a.created_at), "application": a.reference,
            }))
            .collect::<Vec<_>>(),
    })))
}

fn millis_rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// `GET /{t}/mein-bereich/konto-loeschen`: what deleting means, and the button.
pub async fn delete_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    if citizen.account_id().is_none() {
        return crate::auth::login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None)
            .await;
    }
    let (jar, token) = csrf::token(jar);
    let page = page.with_session(session_view(&citizen, &tid, &token, &prefs.here));
    let res = page.render_private(
        StatusCode::OK,
        "delete_account.html",
        context! { action => urls::my_delete(&tid), csrf => token, error => false, back => urls::my_area(&tid), data_href => urls::my_data(&tid) },
    );
    (jar, res).into_response()
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    bestaetigt: Option<String>,
}

/// `POST /{t}/mein-bereich/konto-loeschen`.
pub async fn delete_account(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
    PostForm(f): PostForm<DeleteForm>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let Some(aid) = citizen.account_id().map(str::to_owned) else {
        return crate::auth::login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None)
            .await;
    };
    if f.bestaetigt.as_deref() != Some("ja") {
        let (jar, token) = csrf::token(jar);
        let page = page.with_session(session_view(&citizen, &tid, &token, &prefs.here));
        let res = page.render_private(
            StatusCode::UNPROCESSABLE_ENTITY,
            "delete_account.html",
            context! { action => urls::my_delete(&tid), csrf => token, error => true, back => urls::my_area(&tid), data_href => urls::my_data(&tid) },
        );
        return (jar, res).into_response();
    }
    let files = match state.app.db.delete_account(&tid, &aid).await {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    for id in files {
        if let Err(e) = state.app.files.blobs.delete(&tid, &id).await {
            // The metadata is gone; a leftover blob is unreachable. Logged for cleanup.
            tracing::error!(error = %e, file = %id, "deleting a file of a deleted account failed");
        }
    }
    tracing::info!(tenant = %tid, "citizen account deleted");
    let jar = crate::auth::clear_session_cookie(&state.auth, jar, &tid);
    let res = page.render_private(
        StatusCode::OK,
        "logged_out.html",
        context! { deleted => true, everywhere => false, login => None::<String> },
    );
    (jar, res).into_response()
}

// ----- guest access ---------------------------------------------------------------------

/// `GET /{t}/zugang`: reference and access code.
pub async fn guest_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    let (jar, token) = csrf::token(jar);
    let res = render_guest(&state, &page, &tid, &token, "", None, StatusCode::OK);
    (jar, res).into_response()
}

/// The guest access form; `error`: the code did not fit (`None` inside: just wrong;
/// `Some(time)`: too many tries, the next one not before `time`).
fn render_guest(
    state: &AppState,
    page: &Page<'_>,
    tid: &str,
    token: &str,
    reference: &str,
    error: Option<Option<String>>,
    status: StatusCode,
) -> Response {
    page.render_private(
        status,
        "guest_access.html",
        context! {
            action => urls::guest_access(tid), csrf => token, reference,
            error => error.is_some(), wait => error.flatten(),
            login => state.auth.label(tid).map(|_| urls::login(tid, None)),
        },
    )
}

/// The time of day (Berlin) a locked code may be tried again.
/// A 429 says when to come back (in whole seconds, rounded up).
pub(crate) fn with_retry_after(mut res: Response, ms: i64) -> Response {
    if let Ok(v) = axum::http::HeaderValue::from_str(&(ms / 1000 + 1).to_string()) {
        res.headers_mut().insert(header::RETRY_AFTER, v);
    }
    res
}

pub(crate) fn wait_text(ms: i64) -> String {
    rathaus_app::clock::berlin_format(rathaus_app::clock::now_millis() + ms, "%H:%M:%S")
}

#[derive(Debug, Deserialize)]
pub struct GuestForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    aktenzeichen: Option<String>,
    zugangscode: Option<String>,
}

/// `POST /{t}/zugang`: opens a guest session for the one application.
pub async fn guest_login(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    ip: crate::appointments::ClientIp,
    Path(tid): Path<String>,
    PostForm(f): PostForm<GuestForm>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let reference = f
        .aktenzeichen
        .as_deref()
        .unwrap_or("")
        .trim()
        .to_uppercase()
        .chars()
        .take(40)
        .collect::<String>();
    let code = normalize_code(f.zugangscode.as_deref().unwrap_or(""));
    // A small pause on every try, a lock-out per reference with growing delays and a limit
    // per address: guessing gets nowhere. Unknown references count like known ones, so the
    // answer never tells whether one exists.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let guess = format!("access:{reference}");
    let refuse = |wait: Option<String>, status: StatusCode| {
        let (jar, token) = csrf::token(jar.clone());
        let res = render_guest(&state, &page, &tid, &token, &reference, Some(wait), status);
        (jar, res).into_response()
    };
    match state
        .app
        .guesses
        .check(&state.app.db, &tid, &guess, ip.0)
        .await
    {
        Ok(rathaus_app::guard::Verdict::Allowed) => {}
        Ok(rathaus_app::guard::Verdict::Wait(ms)) => {
            tracing::warn!(tenant = %tid, "guest access locked for a while");
            let res = refuse(Some(wait_text(ms)), StatusCode::TOO_MANY_REQUESTS);
            return with_retry_after(res, ms);
        }
        Err(e) => return internal(e),
    }
    let found = if code.len() == 12 && !reference.is_empty() {
        match state
            .app
            .db
            .application_by_access_code(&tid, &reference, &sha256_hex(&code))
            .await
        {
            Ok(f) => f,
            Err(e) => return internal(e),
        }
    } else {
        None
    };
    let Some(did) = found else {
        tracing::warn!(tenant = %tid, "guest access refused");
        if let Err(e) = state.app.guesses.failed(&state.app.db, &tid, &guess).await {
            return internal(e);
        }
        return refuse(None, StatusCode::UNPROCESSABLE_ENTITY);
    };
    if let Err(e) = state
        .app
        .guesses
        .succeeded(&state.app.db, &tid, &guess)
        .await
    {
        return internal(e);
    }
    // This browser now holds the application (a browser it was bound to before loses it).
    let (jar, hash) = match crate::auth::guest_session(&state, jar, t, &citizen).await {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    if let Err(e) = bind_application(&state.app.db, &tid, &did, &hash).await {
        return internal(e);
    }
    (jar, crate::redirect::to(&urls::case(&tid, &did))).into_response()
}

/// Binds a guest's application (or draft) to session `hash`, which also links to it.
pub(crate) async fn bind_application(
    db: &Db,
    tid: &str,
    did: &str,
    hash: &str,
) -> Result<(), rathaus_store::StoreError> {
    db.bind_draft(tid, did, hash).await?;
    db.set_session_draft(hash, did).await
}

// ----- the case: status and Postkorb ---------------------------------------------------------

/// The tenant, page and the citizen's own case of the path; anyone else gets the login
/// (an account's case), the access-code form (a guest's) or "not found".
macro_rules! case_ctx {
    ($state:expr, $site:expr, $prefs:expr, $tid:expr, $did:expr, $citizen:expr) => {{
        use rathaus_app::access::Denied;
        let (t, page) = tenant_page!($site, $prefs, $tid);
        let own = match rathaus_app::access::case(&$state.app, &$citizen, &$tid, &$did).await {
            Ok(c) => c,
            Err(Denied::Login) => {
                return crate::auth::login_needed(
                    &$state,
                    &page,
                    &$tid,
                    &$prefs.here,
                    $citizen.expired,
                    None,
                )
                .await
            }
            Err(Denied::Code) => {
                return crate::redirect::to(&urls::guest_access(&$tid)).into_response()
            }
            Err(Denied::Gone) => return page.gone(),
        };
        (t, page, own)
    }};
}

/// `GET /{t}/vorgang/{draft}`: status timeline and messages of one application.
pub async fn case_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (_t, page, own) = case_ctx!(state, site, prefs, tid, did, citizen);
    let draft = own.draft();
    let (jar, token) = csrf::token(jar);
    let page = page.with_session(session_view(&citizen, &tid, &token, &prefs.here));
    render_case(
        &state,
        &site,
        &page,
        jar,
        &tid,
        draft,
        &token,
        None,
        "",
        StatusCode::OK,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn render_case(
    state: &AppState,
    site: &Site,
    page: &Page<'_>,
    jar: CookieJar,
    tid: &str,
    draft: &Draft,
    token: &str,
    error: Option<String>,
    text: &str,
    status: StatusCode,
) -> Response {
    let app = match state.app.db.application(tid, &draft.id).await {
        Ok(Some(a)) => a,
        Ok(None) => return page.gone(),
        Err(e) => return internal(e),
    };
    let events = match state.app.db.status_events(&draft.id).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let messages = match state.app.db.messages(&draft.id).await {
        Ok(m) => m,
        Err(e) => return internal(e),
    };
    let files = state
        .app
        .db
        .message_files(&draft.id)
        .await
        .unwrap_or_default();
    // The receiving Fachverfahren's case number, once it reported one.
    let external_ref = match state.app.db.case_of_draft(&draft.id).await {
        Ok(c) => c.and_then(|c| c.external_ref),
        Err(e) => return internal(e),
    };
    let payment = match state.app.db.payment_of(&draft.id).await {
        Ok(p) => p.and_then(|p| {
            site.catalog.tenant(&p.tenant_id).map(|provider| {
                crate::payment::payment_view(
                    &p,
                    provider,
                    &page.theme().messages,
                    page.lang(),
                    None,
                )
            })
        }),
        Err(e) => return internal(e),
    };
    let current = app
        .status
        .as_deref()
        .and_then(ApplicationStatus::parse)
        .unwrap_or(ApplicationStatus::Received);
    let reached = |s: ApplicationStatus| events.iter().any(|e| e.status == s.as_str());
    let timeline: Vec<Json> = ApplicationStatus::TIMELINE
        .iter()
        .map(|s| {
            let at = events
                .iter()
                .rev()
                .find(|e| e.status == s.as_str())
                .map(|e| rathaus_app::clock::berlin_datetime(e.at));
            json!({
                "label": status_text(page, s.as_str()),
                "current": *s == current,
                "done": reached(*s) && *s != current,
                "at": at,
            })
        })
        .collect();
    let history: Vec<Json> = events
        .iter()
        .map(|e| {
            json!({
                "label": status_text(page, &e.status),
                "note": e.note,
                "at": rathaus_app::clock::berlin_datetime(e.at),
            })
        })
        .collect();
    let msgs: Vec<Json> = messages
        .iter()
        .rev()
        .map(|m| message_json(page, tid, &draft.id, m, &files))
        .collect();
    let open = !matches!(
        current,
        ApplicationStatus::Closed | ApplicationStatus::Withdrawn
    );
    let res = page.render_private(
        status,
        "case.html",
        context! {
            service => service_title(site, tid, &app.service_id, page.lang()),
            reference => app.reference,
            status_text => status_text(page, current.as_str()),
            external_ref,
            payment,
            waiting => current == ApplicationStatus::WaitingForCitizen,
            submitted => app.submitted_at.map(rathaus_app::clock::berlin_datetime),
            timeline, history, messages => msgs, unread => app.unread,
            receipt => urls::apply_receipt(tid, &draft.id),
            receipt_pdf => urls::apply_receipt_pdf(tid, &draft.id),
            reply_action => urls::case_reply(tid, &draft.id),
            can_reply => open,
            csrf => token, error, text,
            max_chars => MAX_REPLY_CHARS,
            file_rules => {
                let mut a = FluentArgs::new();
                a.set("types", "PDF, JPEG, PNG");
                a.set("limit", rathaus_domain::form::format_bytes(MAX_REPLY_FILE_BYTES));
                page.theme().messages.get(page.lang(), "file-rules", Some(&a))
            },
            back => if draft.account_id.is_some() { Some(urls::my_area(tid)) } else { None },
            can_withdraw => current.apply(rathaus_domain::case::Action::Withdraw).is_ok(),
            withdraw_action => format!("{}/zurueckziehen", urls::case(tid, &draft.id)),
            withdraw_error => error.is_some() && text == WITHDRAW_MARK,
        },
    );
    (jar, res).into_response()
}

/// Marks a re-rendered case page whose error belongs to the withdraw form.
const WITHDRAW_MARK: &str = "\u{0}withdraw";

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    bestaetigung: Option<String>,
}

/// `POST /{t}/vorgang/{draft}/zurueckziehen`: the citizen withdraws the application
/// (only before a decision; the lifecycle decides).
pub async fn withdraw(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
    PostForm(f): PostForm<WithdrawForm>,
) -> Response {
    let site = state.site();
    let (_t, page, own) = case_ctx!(state, site, prefs, tid, did, citizen);
    let draft = own.draft();
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let (jar, token) = csrf::token(jar);
    let page = page.with_session(session_view(&citizen, &tid, &token, &prefs.here));
    if f.bestaetigung.as_deref() != Some("ja") {
        let error = page
            .theme()
            .messages
            .get(page.lang(), "case-withdraw-error", None);
        return render_case(
            &state,
            &site,
            &page,
            jar,
            &tid,
            draft,
            &token,
            Some(error),
            WITHDRAW_MARK,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let case = match state.app.db.case_of_draft(&draft.id).await {
        Ok(Some(c)) => c,
        Ok(None) => return page.gone(),
        Err(e) => return internal(e),
    };
    let from = ApplicationStatus::parse(&case.status).unwrap_or(ApplicationStatus::Received);
    if let Ok(to) = from.apply(rathaus_domain::case::Action::Withdraw) {
        let mut change = Change::new(Actor::Citizen, &case, "withdraw");
        change.to = Some(to);
        // Changed meanwhile (decided, say): the case page shows what it is now.
        if let Err(rathaus_app::cases::CaseError::Store(e)) =
            rathaus_app::cases::change(&state.app, &change).await
        {
            return internal(e);
        }
    }
    (jar, crate::redirect::to(&urls::case(&tid, &draft.id))).into_response()
}

fn message_json(
    page: &Page<'_>,
    tid: &str,
    did: &str,
    m: &Message,
    files: &[(String, FileMeta)],
) -> Json {
    let ours = m.direction == rathaus_store::FROM_CITIZEN;
    json!({
        "subject": m.subject,
        "kind": kind_text(page, &m.kind),
        "kind_key": m.kind,
        "from_citizen": ours,
        "sender": if ours { page.theme().messages.get(page.lang(), "message-from-you", None) } else { m.sender.clone() },
        "at": rathaus_app::clock::berlin_datetime(m.created_at),
        "unread": !ours && m.read_at.is_none(),
        "read_at": m.read_at.map(rathaus_app::clock::berlin_datetime),
        "href": urls::case_message(tid, did, &m.id),
        "body": m.body,
        "paragraphs": m.body.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        "attachments": files.iter().filter(|(mid, _)| *mid == m.id).map(|(_, f)| json!({
            "name": f.name, "href": urls::case_file(tid, did, &f.id),
            "size": rathaus_domain::form::format_bytes(f.size.max(0) as u64),
        })).collect::<Vec<_>>(),
    })
}

/// `GET /{t}/vorgang/{draft}/nachricht/{id}`: one message; the first opening of a message
/// of the authority is recorded.
pub async fn message_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did, mid)): Path<(String, String, String)>,
) -> Response {
    let site = state.site();
    let (_t, page, own) = case_ctx!(state, site, prefs, tid, did, citizen);
    let draft = own.draft();
    let messages = match state.app.db.messages(&draft.id).await {
        Ok(m) => m,
        Err(e) => return internal(e),
    };
    let Some(mut m) = messages.into_iter().find(|m| m.id == mid) else {
        return page.gone();
    };
    if m.direction == rathaus_store::TO_CITIZEN && m.read_at.is_none() {
        match state.app.db.mark_read(&draft.id, &m.id).await {
            Ok(at) => {
                m.read_at = at;
                tracing::info!(tenant = %tid, message = %m.id, "message opened by the citizen for the first time");
            }
            Err(e) => return internal(e),
        }
    }
    let files = state
        .app
        .db
        .message_files(&draft.id)
        .await
        .unwrap_or_default();
    let (jar, token) = csrf::token(jar);
    let page = page.with_session(session_view(&citizen, &tid, &token, &prefs.here));
    let view = message_json(&page, &tid, &draft.id, &m, &files);
    let res = page.render_private(
        StatusCode::OK,
        "message.html",
        context! { msg => view, back => urls::case(&tid, &draft.id) },
    );
    (jar, res).into_response()
}

/// `GET /{t}/vorgang/{draft}/datei/{file}`: an attachment of a message.
pub async fn case_file(
    State(state): St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, did, fid)): Path<(String, String, String)>,
) -> Response {
    let site = state.site();
    let (_t, page, own) = case_ctx!(state, site, prefs, tid, did, citizen);
    let draft = own.draft();
    let meta = match state.app.db.message_files(&draft.id).await {
        Ok(files) => files.into_iter().map(|(_, f)| f).find(|f| f.id == fid),
        Err(e) => return internal(e),
    };
    match meta {
        Some(meta) => crate::apply::send_file(&state, &meta).await,
        None => page.not_found(),
    }
}

/// `POST /{t}/vorgang/{draft}/antwort`: the citizen's reply, with text and perhaps a file.
pub async fn reply(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
    req: axum::extract::Request,
) -> Response {
    let site = state.site();
    let (t, page, own) = case_ctx!(state, site, prefs, tid, did, citizen);
    let draft = own.draft();
    let step = reply_step();
    let target = crate::uploads::Target {
        tenant: &tid,
        draft: &draft.id,
        max_text_bytes: state.config.max_body_bytes,
        replace: false,
    };
    let post = match crate::uploads::read(req, &jar, &state.app, &target, &step).await {
        Ok(p) => p,
        Err(res) => return crate::apply::upload_refused(&state, &page, &step, res),
    };
    let token = post
        .pairs
        .iter()
        .find(|(k, _)| k == csrf::FIELD)
        .map(|(_, v)| v.clone());
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let text = post
        .pairs
        .iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.trim().to_owned())
        .unwrap_or_default();
    let mc = rathaus_app::texts::Words {
        messages: &page.theme().messages,
        lang: page.lang(),
    };
    let error = if let Some(e) = post.errors.first() {
        Some(mc.text(&e.message))
    } else if text.chars().count() > MAX_REPLY_CHARS {
        let mut a = FluentArgs::new();
        a.set("max", MAX_REPLY_CHARS);
        Some(
            page.theme()
                .messages
                .get(page.lang(), "reply-error-long", Some(&a)),
        )
    } else if text.is_empty() && post.files.is_empty() {
        Some(
            page.theme()
                .messages
                .get(page.lang(), "reply-error-empty", None),
        )
    } else {
        None
    };
    let (jar, token) = csrf::token(jar);
    let page = page.with_session(session_view(&citizen, &tid, &token, &prefs.here));
    if error.is_some() {
        return render_case(
            &state,
            &site,
            &page,
            jar,
            &tid,
            draft,
            &token,
            error,
            &text,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let mut attachments = Vec::new();
    for (_, meta) in &post.files {
        if let Some(id) = meta.get("id").and_then(Json::as_str) {
            match state.app.db.file_of_draft(&tid, &draft.id, id).await {
                Ok(Some(f)) => attachments.push(f),
                Ok(None) => {}
                Err(e) => return internal(e),
            }
        }
    }
    let sender = citizen
        .live
        .as_ref()
        .map(|l| l.session.display_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            page.theme()
                .messages
                .get(Lang::De, "message-sender-guest", None)
        });
    let subject = page
        .theme()
        .messages
        .get(page.lang(), "reply-subject", None);
    let m = Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: t.id.to_string(),
        draft_id: draft.id.clone(),
        direction: rathaus_store::FROM_CITIZEN.into(),
        kind: MessageKind::Reply.as_str().into(),
        subject,
        body: text,
        sender,
        created_at: rathaus_app::clock::now_millis(),
        read_at: None,
    };
    // The reply lands in the case; a case waiting for the citizen goes back to review.
    let case = match state.app.db.case_of_draft(&draft.id).await {
        Ok(Some(c)) => c,
        Ok(None) => return page.gone(),
        Err(e) => return internal(e),
    };
    let mut change = Change::new(Actor::Citizen, &case, "reply");
    change.to = ApplicationStatus::parse(&case.status)
        .and_then(|s| s.apply(rathaus_domain::case::Action::CitizenReplied).ok());
    change.message = Some((&m, &attachments));
    change.detail = format!("files={}", attachments.len());
    let done = match rathaus_app::cases::change(&state.app, &change).await {
        Err(rathaus_app::cases::CaseError::Changed) => {
            // The status moved meanwhile: keep the reply, leave the status alone.
            change.to = None;
            rathaus_app::cases::change(&state.app, &change).await
        }
        other => other,
    };
    if let Err(e) = done {
        return internal(e);
    }
    tracing::info!(tenant = %tid, files = attachments.len(), "citizen replied in the Postkorb");
    (
        jar,
        crate::redirect::to(&format!("{}#nachrichten", urls::case(&tid, &draft.id))),
    )
        .into_response()
}

/// The reply form as a step, so that uploads go through the same checks as in forms.
fn reply_step() -> rathaus_domain::form::StepDef {
    let def = json!({
        "id": "antwort", "title": {"de": "Antwort", "en": "Reply"},
        "fields": [
            {"id": "text", "kind": "textarea", "label": {"de": "Ihre Nachricht", "en": "Your message"}, "required": false},
            {"id": "datei", "kind": "file", "label": {"de": "Datei", "en": "File"}, "required": false,
             "accept": ["pdf", "jpeg", "png"], "max_bytes": MAX_REPLY_FILE_BYTES}
        ]
    });
    serde_json::from_value(def).unwrap_or_else(|e| unreachable!("reply step: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_step_parses() {
        let s = reply_step();
        assert_eq!(s.fields.len(), 2);
    }
}
