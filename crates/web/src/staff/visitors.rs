//! The waiting room of an office, for its staff: today's appointments with check-in,
//! walk-ins, calling the next visitor to a counter, call again, done, did not come — and
//! the waiting and service times of the last 30 days.

use super::Frame;
use crate::kit::views::loc;
use crate::kit::{paths, redirect, Form, Page, Prefs, St, StaffMember, WebError, WebResult};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::access::{OfficeDesk, Staff};
use rathaus_app::appointments::{calendar_of, date_label, service_names, time_label};
use rathaus_app::visitors::{ticket, CheckIn, Desk, Follow};
use rathaus_domain::appointment::CalendarDef;
use rathaus_domain::visit::{self, VisitStatus};
use rathaus_domain::TenantDef;
use rathaus_store::Visit;
use serde::Deserialize;
use serde_json::{json, Value as Json};

/// The counter a clerk called to last (remembered for the next call).
const COUNTER_COOKIE: &str = "rathaus_schalter";

/// The office's waiting room for a member of staff who works there.
fn desk<'s, 't>(
    staff: &'s Staff,
    t: &'t TenantDef,
    oid: &str,
) -> Result<
    (
        OfficeDesk<'s>,
        &'t rathaus_domain::OfficeDef,
        &'t CalendarDef,
    ),
    WebError,
> {
    let (o, def) = calendar_of(t, oid).ok_or(WebError::NotFound)?;
    let d = staff.office(oid).ok_or(WebError::Forbidden)?;
    Ok((d, o, def))
}

#[derive(Debug, Deserialize)]
pub struct StaffQuery {
    meldung: Option<String>,
    nummer: Option<String>,
}

fn visit_view(page: &Page<'_>, def: &CalendarDef, v: &Visit) -> Json {
    let lang = page.lang();
    json!({
        "id": v.id,
        "ticket": ticket(v),
        "kind": page.text(&format!("visit-kind-{}", v.kind.key())),
        "services": service_names(def, &v.services(), lang).join(", "),
        "checked_in": time_label(v.checked_in_at),
        "due": v.due_at.map(time_label),
        "counter": v.counter_label,
        "called": v.called_at.map(time_label),
        "state": page.text(&format!("visit-status-{}", v.status.key())),
    })
}

/// Today's appointments with their visit, if checked in.
fn appointments_view(
    page: &Page<'_>,
    def: &CalendarDef,
    day: &rathaus_app::visitors::Day,
    now: i64,
) -> Vec<Json> {
    let lang = page.lang();
    day.appointments
        .iter()
        .map(|a| {
            let v = day
                .visits
                .iter()
                .find(|v| v.appointment_id.as_deref() == Some(&a.id));
            json!({
                "id": a.id, "time": time_label(a.starts_at), "end": time_label(a.ends_at),
                "code": a.code, "name": a.name,
                "services": service_names(def, &a.services(), lang).join(", "),
                "reference": a.reference,
                "ticket": v.map(ticket),
                "state": v.map(|v| page.text(&format!("visit-status-{}", v.status.key()))),
                "can_check_in": v.is_none() && visit::check_in_open(a.starts_at, now),
            })
        })
        .collect()
}

/// `GET /{t}/verwaltung/vor-ort/{office}`.
pub async fn page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
    Query(q): Query<StaffQuery>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let (d, o, def) = desk(&staff, t, &oid)?;
    let day = rathaus_app::visitors::day(&state.app, &d).await?;
    let now = rathaus_app::clock::now_millis();
    let lang = page.lang();
    let w = page.words();
    let appointments = appointments_view(&page, def, &day, now);
    let with_status = |s: &[VisitStatus]| -> Vec<Json> {
        day.visits
            .iter()
            .filter(|v| s.contains(&v.status))
            .map(|v| visit_view(&page, def, v))
            .collect()
    };
    let waiting: Vec<Json> = rathaus_app::visitors::order(&day.visits, now)
        .into_iter()
        .map(|v| visit_view(&page, def, v))
        .collect();
    let message = q.meldung.as_deref().and_then(|m| match m {
        "eingecheckt" | "aufgerufen" | "niemand" | "erledigt" | "code" | "leistung" | "frueh"
        | "spaet" | "schalter" => Some(format!("visit-msg-{m}")),
        _ => None,
    });
    let counter = jar
        .get(COUNTER_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let ctx = context! {
        office => json!({"name": loc(&o.name, lang)}),
        date => date_label(&w, rathaus_domain::appointment::local_date(now)),
        appointments, waiting,
        called => with_status(&[VisitStatus::Called]),
        finished => with_status(&[VisitStatus::Done, VisitStatus::Missed]),
        services => def.services.iter().map(|b| json!({"id": b.id, "name": loc(&b.name, lang)})).collect::<Vec<_>>(),
        figures => day.today,
        days => day.days.iter().map(|(d, f)| json!({"date": date_label(&w, *d), "figures": f})).collect::<Vec<_>>(),
        counter, message,
        number => q.nummer.filter(|n| n.len() <= 8 && n.chars().all(|c| c.is_ascii_alphanumeric())),
        action => paths::staff_visitors_action(&tid, &oid),
        display_href => paths::display(&tid, &oid),
        kiosk_href => rathaus_app::access::kiosk_key(def).map(|k| paths::kiosk(&tid, &oid, &k)),
    };
    let active = format!("visitors:{oid}");
    Ok(
        Frame::new(t, page, &staff, jar).render(
            StatusCode::OK,
            "staff/visitors.html",
            &active,
            ctx,
        ),
    )
}

/// Calls the next visitor to `counter` (remembered in a cookie for the next call).
async fn call(
    state: &St,
    d: &OfficeDesk<'_>,
    back: &str,
    jar: CookieJar,
    counter: &str,
) -> WebResult {
    let go = |msg: &str, number: Option<String>| {
        let n = number.map(|n| format!("&nummer={n}")).unwrap_or_default();
        redirect::to(&format!("{back}?meldung={msg}{n}"))
    };
    let counter: String = counter
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(20)
        .collect();
    if counter.is_empty() {
        return Ok(go("schalter", None));
    }
    let cookie = Cookie::build((COUNTER_COOKIE, counter.clone()))
        .path(back.to_owned())
        .http_only(true)
        .secure(state.auth.secure())
        .same_site(SameSite::Strict)
        .build();
    let res = match rathaus_app::visitors::call_next(&state.app, d, &counter).await? {
        Some(v) => go("aufgerufen", Some(ticket(&v))),
        None => go("niemand", None),
    };
    Ok((jar.add(cookie), res).into_response())
}

/// `POST /{t}/verwaltung/vor-ort/{office}/aktion`: check in, walk-in, call the next,
/// call again, done, did not come (audited).
pub async fn action(
    state: St,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or(WebError::NotFound)?;
    let (d, _, def) = desk(&staff, t, &oid)?;
    let back = paths::staff_visitors(&tid, &oid);
    let go = |msg: &str, number: Option<String>| {
        let n = number.map(|n| format!("&nummer={n}")).unwrap_or_default();
        Ok(redirect::to(&format!("{back}?meldung={msg}{n}")))
    };
    match p.one("aktion").unwrap_or_default().as_str() {
        "einchecken" => {
            let code = p.one("code").unwrap_or_default();
            match rathaus_app::visitors::check_in(&state.app, &Desk::Staff(&d), &code).await? {
                CheckIn::Ticket(v) => go("eingecheckt", Some(ticket(&v))),
                CheckIn::Unknown => go("code", None),
                CheckIn::TooEarly(_) => go("frueh", None),
                CheckIn::TooLate => go("spaet", None),
            }
        }
        "ohne-termin" => {
            let desk = Desk::Staff(&d);
            match rathaus_app::visitors::walk_in(&state.app, &desk, def, p.all("leistung")).await? {
                Some(v) => go("eingecheckt", Some(ticket(&v))),
                None => go("leistung", None),
            }
        }
        "aufrufen" => call(&state, &d, &back, jar, p.raw("schalter")).await,
        a @ ("erneut" | "erledigt" | "nicht-erschienen") => {
            let what = match a {
                "erneut" => Follow::Recall,
                "erledigt" => Follow::Done,
                _ => Follow::Missed,
            };
            rathaus_app::visitors::follow(&state.app, &d, p.raw("id"), what).await?;
            go(
                if what == Follow::Recall {
                    "aufgerufen"
                } else {
                    "erledigt"
                },
                None,
            )
        }
        _ => Err(WebError::BadRequest),
    }
}
