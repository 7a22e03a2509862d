//! What admins and leads of a tenant run: the print queue for letters, the hand-overs to
//! Fachverfahren and e-file, the audit trail, and the figures of the offices one leads.

use super::{service_name, Frame};
use crate::kit::views::loc;
use crate::kit::{
    download, paths, redirect, Form, Page, Prefs, St, StaffMember, WebError, WebResult,
};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::access::{AdminDesk, Staff};
use rathaus_domain::delivery::DeliveryState;
use rathaus_domain::{Lang, TenantDef};
use rathaus_store::DeliveryRow;
use serde::Deserialize;
use serde_json::{json, Value as Json};

/// The admin desk of the staff member, or "not allowed".
fn admin(staff: &Staff) -> Result<AdminDesk<'_>, WebError> {
    staff.admin().ok_or(WebError::Forbidden)
}

/// `GET /{t}/verwaltung/druck`: letters waiting to be printed and posted.
pub async fn print_queue(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let letters = rathaus_app::staff::print_queue(&state.app, &admin(&staff)?).await?;
    let rows: Vec<Json> = letters
        .iter()
        .map(|l| json!({"reference": l.reference, "recipient": l.recipient, "at": rathaus_app::clock::berlin_datetime(l.created_at)}))
        .collect();
    let ctx = context! { letters => rows, export => paths::staff_print_export(&tid) };
    Ok(Frame::new(t, page, &staff, jar).render(StatusCode::OK, "staff/print.html", "print", ctx))
}

/// `POST /{t}/verwaltung/druck/export`: the ZIP for the hybrid-mail service (every pending
/// letter's PDF plus `adressen.csv`); the letters are then marked as exported.
pub async fn print_export(state: St, StaffMember(staff): StaffMember, Form(..): Form) -> WebResult {
    let (name, bytes) = rathaus_app::staff::print_export(&state.app, &admin(&staff)?).await?;
    let disposition = format!("attachment; filename=\"{name}\"");
    Ok(download("application/zip", &disposition, bytes))
}

/// Days with one decimal, in the page's language.
fn days(ms: Option<i64>, lang: Lang) -> Option<String> {
    ms.map(|m| {
        let d = m as f64 / rathaus_app::clock::DAY_MS as f64;
        match lang {
            Lang::De => format!("{d:.1}").replace('.', ","),
            Lang::En => format!("{d:.1}"),
        }
    })
}

/// `GET /{t}/verwaltung/kennzahlen`: per office and service: received, open, decided,
/// median and 90th-percentile processing time, mean waiting-for-citizen time.
pub async fn figures(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let lead = staff.lead().ok_or(WebError::Forbidden)?;
    let lang = page.lang();
    let rows: Vec<Json> = rathaus_app::staff::figures(&state.app, &lead)
        .await?
        .into_iter()
        .map(|((office, service), f)| {
            let office_name = t
                .offices
                .iter()
                .find(|o| o.id.as_str() == office)
                .map(|o| loc(&o.name, lang).text)
                .unwrap_or(office);
            json!({
                "office": office_name,
                "service": service_name(&site, &tid, &service, lang),
                "received": f.received, "open": f.open, "decided": f.decided,
                "median": days(f.median_ms, lang), "p90": days(f.p90_ms, lang), "waiting": days(f.waiting_mean_ms, lang),
            })
        })
        .collect();
    let ctx = context! { rows };
    Ok(Frame::new(t, page, &staff, jar).render(
        StatusCode::OK,
        "staff/figures.html",
        "figures",
        ctx,
    ))
}

/// `GET /{t}/verwaltung/protokoll`: verifies the chain and shows the latest entries.
pub async fn audit_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let (check, entries) = rathaus_app::staff::audit_trail(&state.app, &admin(&staff)?).await?;
    let latest: Vec<Json> = entries
        .iter()
        .rev()
        .take(50)
        .map(|e| {
            json!({"seq": e.seq, "at": rathaus_app::clock::berlin_datetime(e.at), "actor": e.actor,
                   "action": e.action, "object": e.object, "hash": e.hash.get(..16)})
        })
        .collect();
    let ctx = context! {
        entries => check.entries,
        broken_at => check.broken.as_ref().map(|b| b.0),
        broken_why => check.broken.as_ref().map(|b| b.1.clone()),
        latest,
        export => paths::staff_audit_export(&tid),
    };
    Ok(Frame::new(t, page, &staff, jar).render(StatusCode::OK, "staff/audit.html", "audit", ctx))
}

/// `GET /{t}/verwaltung/protokoll.jsonl`: the whole chain, one JSON object per line.
pub async fn audit_export(
    state: St,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
) -> WebResult {
    let out = rathaus_app::staff::audit_export(&state.app, &admin(&staff)?).await?;
    let disposition = format!("attachment; filename=\"protokoll-{tid}.jsonl\"");
    Ok(download(
        "application/jsonl; charset=utf-8",
        &disposition,
        out,
    ))
}

/// One delivery for the case page and the admin list.
pub(crate) fn delivery_view(page: &Page<'_>, t: &TenantDef, d: &DeliveryRow) -> Json {
    let lang = page.lang();
    let target = t.delivery(&d.target);
    let state = match d.status {
        DeliveryState::Pending if d.attempts > 0 => "failing",
        other => other.as_str(),
    };
    let event = d.id.rsplit('.').next().unwrap_or("");
    json!({
        "id": d.id,
        "reference": d.reference,
        "case_href": paths::staff_case(t.id.as_str(), &d.reference),
        "target": target.map(|x| x.name.get(lang).0.to_owned()).unwrap_or_else(|| d.target.clone()),
        "kind": target.and_then(|x| x.kind()).map(|k| page.text(&format!("delivery-kind-{}", k.key()))),
        "event": page.text(&format!("delivery-event-{event}")),
        "state": state,
        "state_label": page.text(&format!("delivery-state-{state}")),
        "attempts": d.attempts,
        "error": d.last_error,
        "receipt": d.receipt,
        "created": rathaus_app::clock::berlin_datetime(d.created_at),
        "next": (d.status == DeliveryState::Pending).then(|| rathaus_app::clock::berlin_datetime(d.next_attempt_at)),
        "done": d.done_at.map(rathaus_app::clock::berlin_datetime),
        "can_retry": matches!(state, "failing" | "parked"),
        "can_cancel": matches!(d.status, DeliveryState::Pending | DeliveryState::Parked),
    })
}

#[derive(Debug, Deserialize)]
pub struct DeliveriesQuery {
    alle: Option<String>,
}

/// `GET /{t}/verwaltung/zustellungen`: counts by state, and the parked and failing
/// hand-overs (or all, newest first) with their last error.
pub async fn deliveries(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
    Query(q): Query<DeliveriesQuery>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let all = q.alle.is_some();
    let (rows, counts) = rathaus_app::staff::deliveries(&state.app, &admin(&staff)?, all).await?;
    let lang = page.lang();
    let counts: Vec<Json> = counts
        .iter()
        .map(|(s, n)| json!({"label": page.text(&format!("delivery-state-{s}")), "n": n}))
        .collect();
    let targets: Vec<Json> = t
        .deliveries
        .iter()
        .map(|d| {
            let services = d
                .services
                .iter()
                .map(|s| service_name(&site, &tid, s.as_str(), lang))
                .collect::<Vec<_>>();
            json!({
                "name": d.name.get(lang).0,
                "kind": d.kind().map(|k| page.text(&format!("delivery-kind-{}", k.key()))),
                "event": page.text(&format!("delivery-event-{}", d.when.key())),
                "services": (!services.is_empty()).then(|| services.join(", ")),
            })
        })
        .collect();
    let rows: Vec<Json> = rows.iter().map(|d| delivery_view(&page, t, d)).collect();
    let ctx = context! {
        all, rows, counts, targets,
        all_href => format!("{}?alle=1", paths::staff_deliveries(&tid)),
        troubled_href => paths::staff_deliveries(&tid),
        action_href => paths::staff_delivery_action(&tid),
    };
    Ok(Frame::new(t, page, &staff, jar).render(
        StatusCode::OK,
        "staff/deliveries.html",
        "deliveries",
        ctx,
    ))
}

/// `POST /{t}/verwaltung/zustellungen/aktion`: retry a parked or failing delivery now, or
/// cancel one that is not done (audited).
pub async fn delivery_action(
    state: St,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
    Form(p, _): Form,
) -> WebResult {
    let desk = admin(&staff)?;
    let retry = match p.raw("aktion") {
        "wiederholen" => true,
        "abbrechen" => false,
        _ => return Err(WebError::BadRequest),
    };
    match rathaus_app::staff::change_delivery(&state.app, &desk, p.raw("id"), retry).await {
        Err(rathaus_app::AppError::NotFound) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
        Ok(()) => Ok(redirect::to(&paths::staff_deliveries(&tid))),
    }
}
