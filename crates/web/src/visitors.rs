//! The waiting room: check-in at a kiosk or by staff, waiting numbers, calling the next
//! visitor to a counter, the call-up display (live through server-sent events, refreshing
//! itself without JavaScript) and the day's waiting and service times.

use crate::appointments::{all, calendar_of, date_label, one, service_names, time_label, Pairs};
use crate::backoffice::{staff_ctx, staff_view, MaybeStaff};
use crate::prefs::Prefs;
use crate::routes::internal;
use crate::views::loc;
use crate::{csrf, urls, AppState};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use futures_util::stream::Stream;
use jiff::ToSpan;
use minijinja::context;
use rathaus_domain::appointment::{day_start, local_date, normalize_code, CalendarDef};
use rathaus_domain::visit::{self, VisitKind, VisitStatus, Waiting};
use rathaus_domain::{Lang, OfficeDef, TenantDef};
use rathaus_store::{NewVisit, Visit};
use serde_json::{json, Value as Json};
use std::sync::Arc;
use std::time::Duration;

type St = State<Arc<AppState>>;

/// Calls the display shows.
const DISPLAY_CALLS: usize = 6;
/// A display's event stream ends after this long; the browser reconnects by itself.
const STREAM_MAX: Duration = Duration::from_secs(300);
const COUNTER_COOKIE: &str = "rathaus_schalter";

fn today() -> String {
    local_date(rathaus_app::clock::now_millis()).to_string()
}

fn ticket(v: &Visit) -> String {
    VisitKind::parse(&v.kind)
        .unwrap_or(VisitKind::WalkIn)
        .ticket(v.number)
}

pub(crate) fn display_href(tid: &str, oid: &str) -> String {
    format!("/{tid}/vor-ort/{oid}/anzeige")
}
fn kiosk_href(tid: &str, oid: &str, key: &str) -> String {
    format!("/{tid}/vor-ort/{oid}/kiosk/{}", urls::encode(key))
}
pub(crate) fn staff_href(tid: &str, oid: &str) -> String {
    format!("/{tid}/verwaltung/vor-ort/{oid}")
}

/// The kiosk key of an office, if its variable is set.
fn kiosk_key(def: &CalendarDef) -> Option<String> {
    def.kiosk_key_env
        .as_deref()
        .and_then(|v| std::env::var(v).ok())
        .filter(|k| k.len() >= 16)
}

// ----- check-in ---------------------------------------------------------------------------

enum CheckIn {
    Ticket(Box<Visit>),
    /// The code is unknown here, cancelled, or not for today.
    Unknown,
    TooEarly(i64),
    TooLate,
}

async fn check_in_code(
    state: &AppState,
    tid: &str,
    oid: &str,
    typed: &str,
    by: &str,
) -> Result<CheckIn, Response> {
    let Some(code) = normalize_code(typed) else {
        return Ok(CheckIn::Unknown);
    };
    let a = match state.app.db.appointment_by_code(tid, oid, &code).await {
        Ok(Some(a)) if a.status == "booked" => a,
        Ok(_) => return Ok(CheckIn::Unknown),
        Err(e) => return Err(internal(e)),
    };
    let now = rathaus_app::clock::now_millis();
    if !visit::check_in_open(a.starts_at, now) {
        return Ok(if now < a.starts_at {
            CheckIn::TooEarly(a.starts_at - visit::CHECK_IN_BEFORE_MS)
        } else {
            CheckIn::TooLate
        });
    }
    let (v, _) = state
        .app
        .db
        .check_in(&NewVisit {
            tenant_id: tid.to_owned(),
            office_id: oid.to_owned(),
            day: today(),
            kind: VisitKind::Appointment.key().into(),
            appointment_id: Some(a.id.clone()),
            services: a.services.clone(),
            due_at: Some(a.starts_at),
            by: by.to_owned(),
        })
        .await
        .map_err(internal)?;
    Ok(CheckIn::Ticket(Box::new(v)))
}

async fn check_in_walk_in(
    state: &AppState,
    tid: &str,
    oid: &str,
    def: &CalendarDef,
    services: Vec<String>,
    by: &str,
) -> Result<Option<Visit>, Response> {
    if services.is_empty()
        || services.len() > crate::appointments::MAX_SERVICES
        || services.iter().any(|s| def.bookable(s).is_none())
    {
        return Ok(None);
    }
    let (v, _) = state
        .app
        .db
        .check_in(&NewVisit {
            tenant_id: tid.to_owned(),
            office_id: oid.to_owned(),
            day: today(),
            kind: VisitKind::WalkIn.key().into(),
            appointment_id: None,
            services: serde_json::to_string(&services).unwrap_or_default(),
            due_at: None,
            by: by.to_owned(),
        })
        .await
        .map_err(internal)?;
    Ok(Some(v))
}

fn kiosk_office<'a>(
    t: &'a TenantDef,
    oid: &str,
    key: &str,
) -> Option<(&'a OfficeDef, &'a CalendarDef)> {
    let (o, def) = calendar_of(t, oid)?;
    let expected = kiosk_key(def)?;
    rathaus_app::secrets::token_matches(key, &expected).then_some((o, def))
}

/// `GET /{t}/vor-ort/{office}/kiosk/{key}`: the check-in terminal in the waiting room.
pub async fn kiosk(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, oid, key)): Path<(String, String, String)>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let Some((o, def)) = kiosk_office(t, &oid, &key) else {
        return page.not_found();
    };
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "kiosk.html",
        kiosk_ctx(t, o, def, &key, prefs.lang, &token, None, None),
    );
    (jar, res).into_response()
}

#[allow(clippy::too_many_arguments)]
fn kiosk_ctx(
    t: &TenantDef,
    o: &OfficeDef,
    def: &CalendarDef,
    key: &str,
    lang: Lang,
    token: &str,
    error: Option<&str>,
    code: Option<&str>,
) -> minijinja::Value {
    let services: Vec<Json> = def
        .services
        .iter()
        .map(|b| json!({"id": b.id, "name": loc(&b.name, lang)}))
        .collect();
    context! {
        office => json!({"name": loc(&o.name, lang)}),
        action => kiosk_href(t.id.as_str(), o.id.as_str(), key),
        services,
        error,
        code_error => code.is_some(),
        code,
        csrf => token,
    }
}

/// `POST /{t}/vor-ort/{office}/kiosk/{key}`: a booking code, or what a walk-in came for.
pub async fn kiosk_post(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, oid, key)): Path<(String, String, String)>,
    axum::Form(p): axum::Form<Pairs>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let Some((o, def)) = kiosk_office(t, &oid, &key) else {
        return page.not_found();
    };
    if !csrf::verify(&jar, one(&p, "_csrf").as_deref()) {
        return page.forbidden();
    }
    let (jar, token) = csrf::token(jar);
    let lang = prefs.lang;
    let m = &page.theme().messages;
    let err = |error: String, code: Option<&str>| {
        page.render_private(
            StatusCode::UNPROCESSABLE_ENTITY,
            "kiosk.html",
            kiosk_ctx(t, o, def, &key, lang, &token, Some(&error), code),
        )
    };
    let visit = if one(&p, "aktion").as_deref() == Some("ohne-termin") {
        let services = all(&p, "leistung");
        match check_in_walk_in(&state, &tid, &oid, def, services, "kiosk").await {
            Ok(Some(v)) => v,
            Ok(None) => {
                return (jar, err(m.get(lang, "kiosk-error-service", None), None)).into_response()
            }
            Err(r) => return r,
        }
    } else {
        let typed = one(&p, "code").unwrap_or_default();
        match check_in_code(&state, &tid, &oid, &typed, "kiosk").await {
            Ok(CheckIn::Ticket(v)) => *v,
            Ok(CheckIn::Unknown) => {
                return (
                    jar,
                    err(m.get(lang, "kiosk-error-code", None), Some(&typed)),
                )
                    .into_response()
            }
            Ok(CheckIn::TooEarly(from)) => {
                let mut a = fluent_bundle::FluentArgs::new();
                a.set("time", time_label(from));
                return (
                    jar,
                    err(m.get(lang, "kiosk-error-early", Some(&a)), Some(&typed)),
                )
                    .into_response();
            }
            Ok(CheckIn::TooLate) => {
                return (
                    jar,
                    err(m.get(lang, "kiosk-error-late", None), Some(&typed)),
                )
                    .into_response()
            }
            Err(r) => return r,
        }
    };
    let res = page.render_private(
        StatusCode::OK,
        "kiosk_ticket.html",
        context! {
            office => json!({"name": loc(&o.name, lang)}),
            ticket => ticket(&visit),
            services => service_names(def, &visit.services(), lang).join(", "),
            appointment => visit.due_at.map(time_label),
            back => kiosk_href(&tid, &oid, &key),
        },
    );
    (jar, res).into_response()
}

// ----- the display ----------------------------------------------------------------------------

/// The board of each office as last read, shared by every display stream of this instance:
/// however many screens are open, the database is asked at most once a second per office.
type BoardCache =
    std::sync::Mutex<std::collections::HashMap<(String, String), (std::time::Instant, Json)>>;

fn boards() -> &'static BoardCache {
    static BOARDS: std::sync::OnceLock<BoardCache> = std::sync::OnceLock::new();
    BOARDS.get_or_init(Default::default)
}

/// The board, at most a second old.
async fn board_cached(state: &AppState, tid: &str, oid: &str) -> Result<Json, String> {
    let key = (tid.to_owned(), oid.to_owned());
    let fresh = |m: &BoardCache| {
        m.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .filter(|(at, _)| at.elapsed() < Duration::from_millis(900))
            .map(|(_, b)| b.clone())
    };
    if let Some(b) = fresh(boards()) {
        return Ok(b);
    }
    let b = board(state, tid, oid).await?;
    boards()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(key, (std::time::Instant::now(), b.clone()));
    Ok(b)
}

/// What the waiting room's screen shows: the latest calls and how many wait.
async fn board(state: &AppState, tid: &str, oid: &str) -> Result<Json, String> {
    let visits = state
        .app
        .db
        .visits_of_day(tid, oid, &today())
        .await
        .map_err(|e| e.to_string())?;
    let mut called: Vec<&Visit> = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Called.key())
        .collect();
    called.sort_by_key(|v| std::cmp::Reverse(v.updated_at));
    let calls: Vec<Json> = called
        .iter()
        .take(DISPLAY_CALLS)
        .map(|v| json!({"ticket": ticket(v), "counter": v.counter_label.clone().unwrap_or_default(), "at": v.updated_at}))
        .collect();
    let waiting = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Waiting.key())
        .count();
    Ok(json!({"calls": calls, "waiting": waiting}))
}

/// `GET /{t}/vor-ort/{office}/anzeige`: the call-up display (no personal data).
pub async fn display(
    State(state): St,
    prefs: Prefs,
    Path((tid, oid)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let Some((o, _)) = calendar_of(t, &oid) else {
        return page.not_found();
    };
    let b = match board(&state, &tid, &oid).await {
        Ok(b) => b,
        Err(e) => return internal(e),
    };
    page.render_private(
        StatusCode::OK,
        "display.html",
        context! {
            office => json!({"name": loc(&o.name, prefs.lang)}),
            board => b,
            events_href => format!("{}/ereignisse", display_href(&tid, &oid)),
            script_href => urls::static_file("display.js"),
            date => date_label(&page, local_date(rathaus_app::clock::now_millis())),
        },
    )
}

/// `GET /{t}/vor-ort/{office}/anzeige/ereignisse`: the board as server-sent events, sent
/// whenever it changes (checked every second, so several portal instances behind one
/// database work alike).
pub async fn display_events(
    State(state): St,
    Path((tid, oid)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    if site
        .catalog
        .tenant(&tid)
        .and_then(|t| calendar_of(t, &oid))
        .is_none()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let shutdown = state.shutdown.clone();
    Sse::new(board_stream(state, tid, oid, shutdown))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response()
}

fn board_stream(
    state: Arc<AppState>,
    tid: String,
    oid: String,
    shutdown: tokio_util::sync::CancellationToken,
) -> impl Stream<Item = Result<Event, std::convert::Infallible>> {
    let ends = tokio::time::Instant::now() + STREAM_MAX;
    futures_util::stream::unfold((state, String::new()), move |(state, last)| {
        let (tid, oid, shutdown) = (tid.clone(), oid.clone(), shutdown.clone());
        async move {
            loop {
                if tokio::time::Instant::now() >= ends || shutdown.is_cancelled() {
                    return None;
                }
                if let Ok(b) = board_cached(&state, &tid, &oid).await {
                    let data = b.to_string();
                    if data != last {
                        let ev = Event::default().event("board").data(data.clone());
                        return Some((Ok(ev), (state, data)));
                    }
                }
                tokio::select! {
                    () = tokio::time::sleep(Duration::from_secs(1)) => {}
                    () = shutdown.cancelled() => return None,
                }
            }
        }
    })
}

// ----- staff ------------------------------------------------------------------------------

#[derive(Debug, serde::Deserialize)]
pub struct StaffQuery {
    meldung: Option<String>,
    nummer: Option<String>,
}

/// `GET /{t}/verwaltung/vor-ort/{office}`: today's appointments, the waiting room, calling
/// the next visitor, walk-ins, and the figures.
pub async fn staff_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path((tid, oid)): Path<(String, String)>,
    Query(q): Query<StaffQuery>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    let Some((o, def)) = calendar_of(t, &oid) else {
        return page.not_found();
    };
    if !staff.rights.can_process(&tid, &oid) {
        return page.forbidden();
    }
    let lang = prefs.lang;
    let now = rathaus_app::clock::now_millis();
    let day = local_date(now);
    let (appts, visits) = match (
        state
            .app
            .db
            .appointments_between(
                &tid,
                &oid,
                day_start(day),
                day_start(day.saturating_add(1.day())),
            )
            .await,
        state
            .app
            .db
            .visits_of_day(&tid, &oid, &day.to_string())
            .await,
    ) {
        (Ok(a), Ok(v)) => (a, v),
        (Err(e), _) | (_, Err(e)) => return internal(e),
    };
    let status_label = |s: &str| {
        page.theme()
            .messages
            .get(lang, &format!("visit-status-{s}"), None)
    };
    let appointments: Vec<Json> = appts
        .iter()
        .map(|a| {
            let v = visits
                .iter()
                .find(|v| v.appointment_id.as_deref() == Some(&a.id));
            json!({
                "id": a.id,
                "time": time_label(a.starts_at),
                "end": time_label(a.ends_at),
                "code": a.code,
                "name": a.name,
                "services": service_names(def, &a.services(), lang).join(", "),
                "reference": a.reference,
                "ticket": v.map(ticket),
                "state": v.map(|v| status_label(&v.status)),
                "can_check_in": v.is_none() && visit::check_in_open(a.starts_at, now),
            })
        })
        .collect();
    let view = |v: &Visit| {
        json!({
            "id": v.id,
            "ticket": ticket(v),
            "kind": page.theme().messages.get(lang, &format!("visit-kind-{}", v.kind), None),
            "services": service_names(def, &v.services(), lang).join(", "),
            "checked_in": time_label(v.checked_in_at),
            "due": v.due_at.map(time_label),
            "counter": v.counter_label,
            "called": v.called_at.map(time_label),
            "state": status_label(&v.status),
        })
    };
    let waiting: Vec<Json> = order(&visits, now).into_iter().map(view).collect();
    let called: Vec<Json> = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Called.key())
        .map(view)
        .collect();
    let finished: Vec<Json> = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Done.key() || v.status == VisitStatus::Missed.key())
        .map(view)
        .collect();
    let from = day.saturating_sub(29.days());
    let times = state
        .app
        .db
        .visit_times(&tid, &oid, &from.to_string(), &day.to_string())
        .await
        .unwrap_or_default();
    let timing =
        |(_, c, k, d, s): &(String, i64, Option<i64>, Option<i64>, String)| visit::Timing {
            checked_in_at: *c,
            called_at: *k,
            done_at: *d,
            served: s == VisitStatus::Done.key(),
        };
    let today_figures = visit::figures(
        &times
            .iter()
            .filter(|r| r.0 == day.to_string())
            .map(timing)
            .collect::<Vec<_>>(),
    );
    let mut days: Vec<Json> = Vec::new();
    let mut d = day;
    while d >= from {
        let ds = d.to_string();
        let list: Vec<visit::Timing> = times.iter().filter(|r| r.0 == ds).map(timing).collect();
        if !list.is_empty() {
            days.push(json!({"date": date_label(&page, d), "figures": visit::figures(&list)}));
        }
        d = d.saturating_sub(1.day());
    }
    let (jar, token) = csrf::token(jar);
    let counter = jar
        .get(COUNTER_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let services: Vec<Json> = def
        .services
        .iter()
        .map(|b| json!({"id": b.id, "name": loc(&b.name, lang)}))
        .collect();
    let message = q.meldung.as_deref().and_then(|m| match m {
        "eingecheckt" | "aufgerufen" | "niemand" | "erledigt" | "code" | "leistung" | "frueh"
        | "spaet" | "schalter" => Some(format!("visit-msg-{m}")),
        _ => None,
    });
    let res = page.render_private(
        StatusCode::OK,
        "staff_visitors.html",
        context! {
            staff => staff_view(t, &staff, page.lang(), &token, &format!("visitors:{oid}")),
            office => json!({"name": loc(&o.name, lang)}),
            date => date_label(&page, day),
            appointments, waiting, called, finished, services,
            figures => today_figures,
            days,
            counter,
            message,
            number => q.nummer.filter(|n| n.len() <= 8 && n.chars().all(|c| c.is_ascii_alphanumeric())),
            action => format!("{}/aktion", staff_href(&tid, &oid)),
            display_href => display_href(&tid, &oid),
            kiosk_href => kiosk_key(def).map(|k| kiosk_href(&tid, &oid, &k)),
            csrf => token,
        },
    );
    state
        .app
        .db
        .audit(
            &tid,
            &staff.event("view_visitors", format!("office:{oid}"), String::new()),
        )
        .await
        .ok();
    (jar, res).into_response()
}

/// Waiting visitors in the order they will be called.
fn order(visits: &[Visit], now: i64) -> Vec<&Visit> {
    let mut rest: Vec<&Visit> = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Waiting.key())
        .collect();
    let mut out = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let w: Vec<Waiting> = rest.iter().map(|v| waiting_of(v)).collect();
        let Some(i) = visit::next(&w, now) else {
            break;
        };
        out.push(rest.remove(i));
    }
    out
}

fn waiting_of(v: &Visit) -> Waiting {
    Waiting {
        kind: VisitKind::parse(&v.kind).unwrap_or(VisitKind::WalkIn),
        checked_in_at: v.checked_in_at,
        due_at: v.due_at,
    }
}

/// `POST /{t}/verwaltung/vor-ort/{office}/aktion`: check in, walk-in, call the next,
/// call again, done, missed (audited).
pub async fn staff_action(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path((tid, oid)): Path<(String, String)>,
    axum::Form(p): axum::Form<Pairs>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    let Some((_, def)) = calendar_of(t, &oid) else {
        return page.not_found();
    };
    if !staff.rights.can_process(&tid, &oid) {
        return page.forbidden();
    }
    if !csrf::verify(&jar, one(&p, "_csrf").as_deref()) {
        return page.forbidden();
    }
    let by = format!("staff:{}", staff.session.staff_id);
    let back = staff_href(&tid, &oid);
    let go = |msg: &str, number: Option<String>| {
        let n = number.map(|n| format!("&nummer={n}")).unwrap_or_default();
        crate::redirect::to(&format!("{back}?meldung={msg}{n}")).into_response()
    };
    let audit = |action: &'static str, object: String| {
        let ev = staff.event(action, object, String::new());
        let state = state.clone();
        let tid = tid.clone();
        async move {
            state.app.db.audit(&tid, &ev).await.ok();
        }
    };
    let aktion = one(&p, "aktion").unwrap_or_default();
    let mut jar = jar;
    let res = match aktion.as_str() {
        "einchecken" => {
            let code = one(&p, "code").unwrap_or_default();
            match check_in_code(&state, &tid, &oid, &code, &by).await {
                Ok(CheckIn::Ticket(v)) => {
                    audit("check_in_visitor", format!("visit:{}", v.id)).await;
                    go("eingecheckt", Some(ticket(&v)))
                }
                Ok(CheckIn::Unknown) => go("code", None),
                Ok(CheckIn::TooEarly(_)) => go("frueh", None),
                Ok(CheckIn::TooLate) => go("spaet", None),
                Err(r) => r,
            }
        }
        "ohne-termin" => {
            let services = all(&p, "leistung");
            match check_in_walk_in(&state, &tid, &oid, def, services, &by).await {
                Ok(Some(v)) => {
                    audit("check_in_visitor", format!("visit:{}", v.id)).await;
                    go("eingecheckt", Some(ticket(&v)))
                }
                Ok(None) => go("leistung", None),
                Err(r) => r,
            }
        }
        "aufrufen" => {
            let counter: String = one(&p, "schalter")
                .unwrap_or_default()
                .chars()
                .filter(|c| !c.is_control())
                .take(20)
                .collect();
            if counter.is_empty() {
                return go("schalter", None);
            }
            jar = jar.add(
                Cookie::build((COUNTER_COOKIE, counter.clone()))
                    .path(staff_href(&tid, &oid))
                    .http_only(true)
                    .secure(state.auth.secure())
                    .same_site(SameSite::Strict)
                    .build(),
            );
            // Whoever comes next; if a colleague was quicker, the one after.
            let mut called = None;
            for _ in 0..5 {
                let visits = match state.app.db.visits_of_day(&tid, &oid, &today()).await {
                    Ok(v) => v,
                    Err(e) => return internal(e),
                };
                let now = rathaus_app::clock::now_millis();
                let Some(v) = order(&visits, now).first().map(|v| (*v).clone()) else {
                    break;
                };
                match state
                    .app
                    .db
                    .call_visit(&tid, &oid, &v.id, &counter, &by)
                    .await
                {
                    Ok(true) => {
                        called = Some(v);
                        break;
                    }
                    Ok(false) => continue,
                    Err(e) => return internal(e),
                }
            }
            match called {
                Some(v) => {
                    audit("call_visitor", format!("visit:{}", v.id)).await;
                    go("aufgerufen", Some(ticket(&v)))
                }
                None => go("niemand", None),
            }
        }
        "erneut" | "erledigt" | "nicht-erschienen" => {
            let id = one(&p, "id").unwrap_or_default();
            let ok = match aktion.as_str() {
                "erneut" => state.app.db.recall_visit(&tid, &oid, &id).await,
                "erledigt" => {
                    state
                        .app
                        .db
                        .finish_visit(&tid, &oid, &id, VisitStatus::Done.key())
                        .await
                }
                _ => {
                    state
                        .app
                        .db
                        .finish_visit(&tid, &oid, &id, VisitStatus::Missed.key())
                        .await
                }
            };
            match ok {
                Ok(_) => {
                    let action = match aktion.as_str() {
                        "erneut" => "recall_visitor",
                        "erledigt" => "finish_visit",
                        _ => "visitor_missed",
                    };
                    audit(action, format!("visit:{id}")).await;
                    go(
                        if aktion == "erneut" {
                            "aufgerufen"
                        } else {
                            "erledigt"
                        },
                        None,
                    )
                }
                Err(e) => internal(e),
            }
        }
        _ => StatusCode::BAD_REQUEST.into_response(),
    };
    (jar, res).into_response()
}
