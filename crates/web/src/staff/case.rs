//! One case in the back office: answers as in the form, computed values, automated
//! pre-checks, files, messages, notes, the full history and the hand-overs; assigning,
//! the simple transitions (start review, go on, close), internal notes and requests to
//! the citizen. The decision is in [`super::notice`].

use super::{service_name, Frame};
use crate::kit::views::loc;
use crate::kit::{paths, redirect, Form, Page, Prefs, St, StaffMember, WebError, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::access::StaffCase;
use rathaus_app::staff::CaseFile;
use rathaus_app::texts::Words;
use rathaus_domain::case::Action;
use rathaus_domain::form::Form as FormDef;
use serde_json::{json, Map, Value as Json};

/// What the decide form shows again: the staff member's input, a preview, an error.
pub(crate) struct NoticeState {
    pub input: Json,
    pub preview: Option<rathaus_app::staff::NoticeText>,
    pub error: Option<String>,
}

/// The answers by step, every computed value (also those kept for the authority) and the
/// automated pre-checks.
fn answers_view(
    form: &FormDef,
    c: &rathaus_store::Case,
    w: &Words<'_>,
) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
    let lang = w.lang;
    let answers: Map<String, Json> = serde_json::from_str(&c.answers).unwrap_or_default();
    let computed: Map<String, Json> = serde_json::from_str(&c.computed).unwrap_or_default();
    let steps = rathaus_app::forms::answered_steps(form, &answers)
        .into_iter()
        .map(|(step, fields)| {
            let rows: Vec<Json> = fields
                .into_iter()
                .map(|(f, label, v)| json!({"label": loc(label, lang).text, "lines": rathaus_app::forms::display(form, f, v, w)}))
                .collect();
            json!({"title": loc(&step.title, lang).text, "rows": rows})
        })
        .collect();
    let computed = rathaus_app::forms::computed_entries(form, &computed, lang, true)
        .into_iter()
        .map(|(label, text)| json!({"label": loc(label, lang).text, "text": text}))
        .collect();
    let checks = form
        .checks(&answers, &rathaus_app::clock::today())
        .into_iter()
        .map(|(d, met)| {
            let state = match met {
                Some(true) => "met",
                Some(false) => "not_met",
                None => "unknown",
            };
            json!({"label": loc(&d.label, lang).text, "state": state})
        })
        .collect();
    (steps, computed, checks)
}

/// Status changes and audited actions in one history, oldest first.
fn history_view(page: &Page<'_>, f: &CaseFile) -> Vec<Json> {
    let actor_name = |actor: &str| -> String {
        match actor.strip_prefix("staff:") {
            Some(id) => f
                .members
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| id.to_owned()),
            None => page.text("staff-actor-citizen"),
        }
    };
    let mut history: Vec<(i64, String)> = f
        .events
        .iter()
        .map(|e| {
            let note = e
                .note
                .as_deref()
                .map(|n| format!(" – {n}"))
                .unwrap_or_default();
            (e.at, format!("{}{note}", page.status_label(e.status)))
        })
        .collect();
    history.extend(f.audit.iter().map(|a| {
        let what = page.text(&format!("staff-audit-{}", a.action.replace('_', "-")));
        (a.at, format!("{}: {what}", actor_name(&a.actor)))
    }));
    history.sort_by_key(|h| h.0);
    history
        .into_iter()
        .map(|(at, text)| json!({"at": rathaus_app::clock::berlin_datetime(at), "text": text}))
        .collect()
}

/// Files, messages and notes of the case.
fn papers_view(
    page: &Page<'_>,
    tid: &str,
    c: &rathaus_store::Case,
    f: &CaseFile,
) -> (Vec<Json>, Vec<Json>, Vec<Json>) {
    let files = f
        .files
        .iter()
        .map(|x| {
            json!({"name": x.name, "size": rathaus_domain::form::format_bytes(x.size.max(0) as u64),
                   "kind": x.kind.to_uppercase(), "field": x.field,
                   "href": paths::staff_case_file(tid, &c.reference, &x.id),
                   "preview": x.kind != "pdf"})
        })
        .collect();
    let messages = f
        .messages
        .iter()
        .map(|m| {
            json!({"subject": m.subject, "body": m.body, "sender": m.sender,
                   "from_citizen": m.direction == rathaus_store::FROM_CITIZEN,
                   "kind": page.text(&format!("message-kind-{}", m.kind)),
                   "at": rathaus_app::clock::berlin_datetime(m.created_at),
                   "read": m.read_at.map(rathaus_app::clock::berlin_datetime)})
        })
        .collect();
    let notes = f
        .notes
        .iter()
        .map(|n| json!({"author": n.author, "body": n.body, "at": rathaus_app::clock::berlin_datetime(n.created_at)}))
        .collect();
    (files, messages, notes)
}

/// The notice form as it starts: the service's fees, a letter for guests.
fn fresh_notice(form_service: &rathaus_domain::ServiceDef, c: &rathaus_store::Case) -> NoticeState {
    let fee: u64 = form_service.fees.iter().map(|f| f.amount_cents).sum();
    NoticeState {
        input: json!({
            "fee": rathaus_domain::service::format_eur_de(fee).replace('\u{a0}', " "),
            "post": c.account_id.is_none(),
        }),
        preview: None,
        error: None,
    }
}

/// Renders the case page (also again with an error or a notice preview).
pub(crate) async fn render(
    state: &crate::kit::AppState,
    fr: Frame<'_>,
    sc: &StaffCase<'_>,
    notice: Option<NoticeState>,
    request_error: Option<String>,
    status: StatusCode,
) -> WebResult {
    let site = fr.page.site();
    let c = sc.case();
    let tid = fr.t.id.as_str();
    let l = rathaus_app::staff::form(&state.app, &site.core, sc).await?;
    let file = rathaus_app::staff::open(&state.app, sc).await?;
    let page = &fr.page;
    let lang = page.lang();
    let (steps, computed, checks) = answers_view(l.form(), c, &page.words());
    let (files, messages, notes) = papers_view(page, tid, c, &file);
    let simple_actions: Vec<Json> = file
        .actions
        .iter()
        .filter(|a| matches!(a, Action::StartReview | Action::Resume | Action::Close))
        .map(|a| json!({"key": a.as_str(), "label": page.text(&format!("staff-action-{}", a.as_str().replace('_', "-")))}))
        .collect();
    let notice = notice.unwrap_or_else(|| fresh_notice(l.service(), c));
    let base = paths::staff_case(tid, &c.reference);
    let ctx = context! {
        reference => c.reference.clone(),
        service => service_name(site, &c.portal_tenant_id, &c.service_id, lang),
        applicant => c.applicant.clone(),
        status_label => page.status_label(c.status),
        decision => c.decision.as_deref().map(|d| page.text(&format!("staff-decision-{d}"))),
        submitted => rathaus_app::clock::berlin_datetime(c.submitted_at),
        due => c.due_at.map(rathaus_app::clock::berlin_datetime),
        assignee => c.assignee_name.clone(),
        guest => c.account_id.is_none(),
        steps, computed, checks, files, messages, notes,
        history => history_view(page, &file),
        simple_actions,
        can_request => file.actions.contains(&Action::RequestInfo),
        can_decide => file.actions.contains(&Action::Decide),
        colleagues => file.colleagues.iter().map(|m| json!({"id": m.id, "name": m.name, "me": m.me})).collect::<Vec<_>>(),
        can_assign_others => file.can_assign_others,
        external_ref => c.external_ref.clone(),
        payment => file.payment.as_ref().map(|p| crate::kit::payment::payment_view(p, fr.t, &page.theme().messages, lang, None)),
        deliveries => file.deliveries.iter().map(|d| super::desk::delivery_view(page, fr.t, d)).collect::<Vec<_>>(),
        me => fr.staff.id().to_owned(),
        notice => json!({
            "decision": notice.input["decision"], "reasons": notice.input["reasons"],
            "fee": notice.input["fee"], "post": notice.input["post"],
            "error": notice.error, "preview": notice.preview,
        }),
        request_error,
        max_chars => rathaus_app::cases::MAX_TEXT_CHARS,
        action_href => paths::staff_case_status(tid, &c.reference),
        note_href => paths::staff_case_note(tid, &c.reference),
        request_href => paths::staff_case_request(tid, &c.reference),
        notice_href => paths::staff_case_notice(tid, &c.reference),
        assign_href => paths::staff_assign(tid),
        here => base,
    };
    Ok(fr.render(status, "staff/case.html", "inbox", ctx))
}

/// `GET /{t}/verwaltung/fall/{reference}`.
pub async fn case_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path((tid, reference)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let sc = staff
        .case(&state.app, &reference)
        .await
        .map_err(not_found)?;
    let fr = Frame::new(t, page, &staff, jar);
    render(&state, fr, &sc, None, None, StatusCode::OK).await
}

/// A case the staff member may not see is "not found" like one that does not exist.
pub(crate) fn not_found(e: rathaus_app::AppError) -> WebError {
    match e {
        rathaus_app::AppError::NotFound => WebError::NotFound,
        other => other.into(),
    }
}

/// `GET /{t}/verwaltung/fall/{reference}/datei/{file}`: a file of the case (form upload or
/// Postkorb attachment), shown in the browser as a preview (audited).
pub async fn case_file(
    state: St,
    StaffMember(staff): StaffMember,
    Path((_tid, reference, fid)): Path<(String, String, String)>,
) -> WebResult {
    let sc = staff
        .case(&state.app, &reference)
        .await
        .map_err(not_found)?;
    let meta = rathaus_app::staff::file(&state.app, &sc, &fid)
        .await
        .map_err(not_found)?;
    crate::kit::send_file(&state.app, &meta, true).await
}

/// On to the case page after a change (to `anchor` on it).
fn back_to(tid: &str, reference: &str, anchor: &str) -> Response {
    redirect::to(&format!("{}{anchor}", paths::staff_case(tid, reference)))
}

/// `POST /{t}/verwaltung/fall/{reference}/status`: start review, go on, close.
pub async fn status(
    state: St,
    StaffMember(staff): StaffMember,
    Path((tid, reference)): Path<(String, String)>,
    Form(p, _): Form,
) -> WebResult {
    let sc = staff
        .case(&state.app, &reference)
        .await
        .map_err(not_found)?;
    let action = p
        .one("aktion")
        .as_deref()
        .and_then(Action::parse)
        .filter(|a| matches!(a, Action::StartReview | Action::Resume | Action::Close))
        .ok_or(WebError::BadRequest)?;
    rathaus_app::staff::transition(&state.app, &sc, action).await?;
    Ok(back_to(&tid, &reference, ""))
}

/// `POST /{t}/verwaltung/fall/{reference}/notiz`: an internal note.
pub async fn note(
    state: St,
    StaffMember(staff): StaffMember,
    Path((tid, reference)): Path<(String, String)>,
    Form(p, _): Form,
) -> WebResult {
    let sc = staff
        .case(&state.app, &reference)
        .await
        .map_err(not_found)?;
    rathaus_app::staff::note(&state.app, &sc, p.raw("text")).await?;
    Ok(back_to(&tid, &reference, "#notizen"))
}

/// `POST /{t}/verwaltung/fall/{reference}/anfrage`: ask the citizen for information or
/// documents; the request goes to the Postkorb and the case waits.
pub async fn request_info(
    state: St,
    prefs: Prefs,
    StaffMember(staff): StaffMember,
    Path((tid, reference)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let sc = staff
        .case(&state.app, &reference)
        .await
        .map_err(not_found)?;
    if rathaus_app::staff::request_info(&state.app, &sc, p.raw("betreff"), p.raw("text")).await? {
        return Ok(back_to(&tid, &reference, ""));
    }
    let error = page.text("staff-request-error");
    let fr = Frame::new(t, page, &staff, jar);
    render(
        &state,
        fr,
        &sc,
        None,
        Some(error),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
