//! The citizen's side after submitting: the case page of an application (status timeline,
//! the Postkorb with the authority's messages and the citizen's replies, withdrawal) and
//! guest access with reference and access code. An application of an account opens only
//! in a session of that account; a guest's only in the guest session it is bound to.

use super::{login_needed, wait_text, with_retry_after, Frame};
use crate::kit::extract::{session_token, with_session};
use crate::kit::uploads::{read, Target};
use crate::kit::{csrf, paths, redirect, Citizen, ClientIp, Form, Page, Prefs, St, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::context;
use rathaus_app::access::{Denied, OwnCase};
use rathaus_app::accounts::GuestAccess;
use rathaus_app::postkorb::{CaseView, MAX_REPLY_CHARS, MAX_REPLY_FILE_BYTES};
use rathaus_domain::ApplicationStatus;
use rathaus_store::{FileMeta, Message};
use serde_json::{json, Value as Json};

/// The citizen's own case of the path; anyone else gets the login (an account's case), the
/// access-code form (a guest's) or "not found".
async fn own_case(
    state: &St,
    page: &Page<'_>,
    citizen: &Citizen,
    tid: &str,
    did: &str,
) -> Result<OwnCase, Response> {
    match rathaus_app::access::case(&state.app, citizen, tid, did).await {
        Ok(c) => Ok(c),
        Err(Denied::Login) => {
            Err(login_needed(state, page, tid, page.here(), citizen.expired, None).await)
        }
        Err(Denied::Code) => Err(redirect::to(&paths::guest_access(tid))),
        Err(Denied::Gone) => Err(page.gone()),
    }
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
        "kind": page.text(&format!("message-kind-{}", m.kind)),
        "kind_key": m.kind,
        "from_citizen": ours,
        "sender": if ours { page.text("message-from-you") } else { m.sender.clone() },
        "at": rathaus_app::clock::berlin_datetime(m.created_at),
        "unread": !ours && m.read_at.is_none(),
        "read_at": m.read_at.map(rathaus_app::clock::berlin_datetime),
        "href": paths::case_message(tid, did, &m.id),
        "body": m.body,
        "paragraphs": m.body.split('\n').map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>(),
        "attachments": files.iter().filter(|(mid, _)| *mid == m.id).map(|(_, f)| json!({
            "name": f.name, "href": paths::case_file(tid, did, &f.id),
            "size": rathaus_domain::form::format_bytes(f.size.max(0) as u64),
        })).collect::<Vec<_>>(),
    })
}

/// The status timeline (every stage, with when it was reached) and the full history.
fn timeline(page: &Page<'_>, v: &CaseView) -> (Vec<Json>, Vec<Json>) {
    let reached = |s: ApplicationStatus| v.events.iter().any(|e| e.status == s);
    let timeline = ApplicationStatus::TIMELINE
        .iter()
        .map(|s| {
            let at = v.events.iter().rev().find(|e| e.status == *s).map(|e| rathaus_app::clock::berlin_datetime(e.at));
            json!({"label": page.status_label(*s), "current": *s == v.status, "done": reached(*s) && *s != v.status, "at": at})
        })
        .collect();
    let history = v
        .events
        .iter()
        .map(|e| json!({"label": page.status_label(e.status), "note": e.note, "at": rathaus_app::clock::berlin_datetime(e.at)}))
        .collect();
    (timeline, history)
}

/// What a re-rendered case page shows at one of its forms.
enum Said {
    Nothing,
    Reply { error: String, text: String },
    Withdraw(String),
}

async fn render(
    state: &St,
    fr: Frame<'_>,
    own: &OwnCase,
    said: Said,
    status: StatusCode,
) -> WebResult {
    let v = rathaus_app::postkorb::case_view(&state.app, own).await?;
    let page = &fr.page;
    let (tid, did) = (own.tenant(), own.id());
    let (timeline, history) = timeline(page, &v);
    let payment = v.payment.as_ref().and_then(|p| {
        let provider = page.site().catalog.tenant(&p.tenant_id)?;
        Some(crate::kit::payment::payment_view(
            p,
            provider,
            &page.theme().messages,
            page.lang(),
            None,
        ))
    });
    let messages: Vec<Json> = v
        .messages
        .iter()
        .rev()
        .map(|m| message_json(page, tid, did, m, &v.files))
        .collect();
    let mut a = FluentArgs::new();
    a.set("types", "PDF, JPEG, PNG");
    a.set(
        "limit",
        rathaus_domain::form::format_bytes(MAX_REPLY_FILE_BYTES),
    );
    let (error, text, withdraw_error) = match said {
        Said::Nothing => (None, String::new(), false),
        Said::Reply { error, text } => (Some(error), text, false),
        Said::Withdraw(error) => (Some(error), String::new(), true),
    };
    let ctx = context! {
        service => super::service_title(page.site(), tid, &v.summary.service_id, page.lang()),
        reference => v.summary.reference,
        status_text => page.status_label(v.status),
        external_ref => v.external_ref,
        payment,
        waiting => v.status == ApplicationStatus::WaitingForCitizen,
        submitted => v.summary.submitted_at.map(rathaus_app::clock::berlin_datetime),
        timeline, history, messages, unread => v.summary.unread,
        receipt => paths::apply_receipt(tid, did),
        receipt_pdf => paths::apply_receipt_pdf(tid, did),
        reply_action => paths::case_reply(tid, did),
        can_reply => !matches!(v.status, ApplicationStatus::Closed | ApplicationStatus::Withdrawn),
        error, text,
        max_chars => MAX_REPLY_CHARS,
        file_rules => page.words().with("file-rules", &a),
        back => own.draft().account_id.is_some().then(|| paths::my_area(tid)),
        can_withdraw => rathaus_app::postkorb::can_withdraw(v.status),
        withdraw_action => paths::case_withdraw(tid, did),
        withdraw_error,
    };
    Ok(fr.render(status, "citizen/case.html", ctx))
}

/// `GET /{t}/vorgang/{draft}`: status timeline and messages of one application.
pub async fn case_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let own = match own_case(&state, &page, &citizen, &tid, &did).await {
        Ok(c) => c,
        Err(r) => return Ok(r),
    };
    render(
        &state,
        Frame::new(t, page, &citizen, jar),
        &own,
        Said::Nothing,
        StatusCode::OK,
    )
    .await
}

/// `GET /{t}/vorgang/{draft}/nachricht/{id}`: one message; its first opening is recorded.
pub async fn message_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did, mid)): Path<(String, String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let own = match own_case(&state, &page, &citizen, &tid, &did).await {
        Ok(c) => c,
        Err(r) => return Ok(r),
    };
    let (m, files) = rathaus_app::postkorb::read(&state.app, &own, &mid).await?;
    let fr = Frame::new(t, page, &citizen, jar);
    let msg = message_json(&fr.page, &tid, &did, &m, &files);
    Ok(fr.ok(
        "citizen/message.html",
        context! { msg, back => paths::case(&tid, &did) },
    ))
}

/// `GET /{t}/vorgang/{draft}/datei/{file}`: an attachment of a message.
pub async fn case_file(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, did, fid)): Path<(String, String, String)>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let own = match own_case(&state, &page, &citizen, &tid, &did).await {
        Ok(c) => c,
        Err(r) => return Ok(r),
    };
    let meta = rathaus_app::postkorb::file(&state.app, &own, &fid)
        .await
        .map_err(|_| crate::kit::WebError::NotFound)?;
    crate::kit::send_file(&state.app, &meta, false).await
}

/// `POST /{t}/vorgang/{draft}/antwort`: the citizen's reply, with text and perhaps a file.
pub async fn reply(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
    req: axum::extract::Request,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let own = match own_case(&state, &page, &citizen, &tid, &did).await {
        Ok(c) => c,
        Err(r) => return Ok(r),
    };
    let step = rathaus_app::postkorb::reply_step();
    let target = Target {
        tenant: &tid,
        draft: own.id(),
        max_text_bytes: state.config.max_body_bytes,
        replace: false,
    };
    let post = read(req, &jar, &state.app, &target, &step).await?;
    let text = post
        .pairs
        .iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let ids: Vec<String> = post
        .files
        .iter()
        .filter_map(|(_, m)| m.get("id").and_then(Json::as_str).map(str::to_owned))
        .collect();
    let done = rathaus_app::postkorb::reply(
        &state.app,
        &own,
        &citizen,
        &text,
        &ids,
        post.errors.into_iter().next(),
        prefs.lang,
    )
    .await?;
    match done {
        Ok(()) => Ok((
            jar,
            redirect::to(&format!("{}#nachrichten", paths::case(&tid, &did))),
        )
            .into_response()),
        Err(m) => {
            let said = Said::Reply {
                error: page.words().text(&m),
                text: text.trim().to_owned(),
            };
            render(
                &state,
                Frame::new(t, page, &citizen, jar),
                &own,
                said,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST /{t}/vorgang/{draft}/zurueckziehen`: the citizen withdraws the application (only
/// before a decision; the lifecycle decides).
pub async fn withdraw(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let own = match own_case(&state, &page, &citizen, &tid, &did).await {
        Ok(c) => c,
        Err(r) => return Ok(r),
    };
    if !p.ticked("bestaetigung") {
        let said = Said::Withdraw(page.text("case-withdraw-error"));
        return render(
            &state,
            Frame::new(t, page, &citizen, jar),
            &own,
            said,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    rathaus_app::postkorb::withdraw(&state.app, &own).await?;
    Ok((jar, redirect::to(&paths::case(&tid, &did))).into_response())
}

// ----- guest access -------------------------------------------------------------------------

/// The guest access form; `error`: the code did not fit (`None` inside: just wrong;
/// `Some(time)`: too many tries, the next one not before `time`).
fn guest_form(
    state: &St,
    page: &Page<'_>,
    tid: &str,
    token: &str,
    reference: &str,
    error: Option<Option<String>>,
    status: StatusCode,
) -> Response {
    page.render_private(
        status,
        "citizen/guest_access.html",
        context! {
            action => paths::guest_access(tid), csrf => token, reference,
            error => error.is_some(), wait => error.flatten(),
            login => state.auth.label(tid).map(|_| paths::login(tid)),
        },
    )
}

/// `GET /{t}/zugang`: reference and access code.
pub async fn guest_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let (jar, token) = csrf::token(jar);
    Ok((
        jar,
        guest_form(&state, &page, &tid, &token, "", None, StatusCode::OK),
    )
        .into_response())
}

/// `POST /{t}/zugang`: opens a guest session for the one application.
pub async fn guest_login(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    ip: ClientIp,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let reference = p.raw("aktenzeichen").to_owned();
    let old = session_token(&jar);
    let access = rathaus_app::accounts::guest_access(
        &state.app,
        t,
        &citizen,
        old.as_deref(),
        ip.0,
        &reference,
        p.raw("zugangscode"),
    )
    .await?;
    let (jar, token) = csrf::token(jar);
    let shown: String = reference.trim().to_uppercase().chars().take(40).collect();
    match access {
        GuestAccess::Opened { draft, session } => {
            let jar = with_session(&state, jar, &tid, session);
            Ok((jar, redirect::to(&paths::case(&tid, &draft))).into_response())
        }
        GuestAccess::Refused => {
            let res = guest_form(
                &state,
                &page,
                &tid,
                &token,
                &shown,
                Some(None),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
            Ok((jar, res).into_response())
        }
        GuestAccess::Wait(ms) => {
            let res = guest_form(
                &state,
                &page,
                &tid,
                &token,
                &shown,
                Some(Some(wait_text(ms))),
                StatusCode::TOO_MANY_REQUESTS,
            );
            Ok((jar, with_retry_after(res, ms)).into_response())
        }
    }
}
