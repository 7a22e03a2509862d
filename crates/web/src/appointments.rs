//! Online appointments (Terminvergabe) for citizens, with or without an account: choose
//! services, see the next free times and a month, book with name and e-mail, get a
//! confirmation with an `.ics` file and a link to move or cancel, and a reminder the day
//! before. The calendar rules live in `domain::appointment`; the database decides who gets
//! a slot (see `store::appointments`).

use crate::auth::Citizen;
use crate::prefs::Prefs;
use crate::routes::{internal, Page};
use crate::views::loc;
use crate::{csrf, urls, AppState};
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use jiff::civil::Date;
use jiff::ToSpan;
use minijinja::context;
pub(crate) use rathaus_app::appointments::{calendar_of, service_names, time_label, MAX_SERVICES};
use rathaus_app::appointments::{Booking, Contact, NotBookable, OwnAppointment, Wanted};
use rathaus_domain::appointment::{self as appt, local_date, Slot, VisitError};
use rathaus_domain::{Lang, OfficeDef, TenantDef};
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

type St = State<Arc<AppState>>;
pub(crate) type Pairs = Vec<(String, String)>;

/// How many of the next free times the office page lists.
const NEXT_SLOTS: usize = 6;

/// Every value of `key` in a form or query.
pub(crate) fn all(p: &[(String, String)], key: &str) -> Vec<String> {
    p.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .collect()
}

/// The first value of `key`, trimmed, if not empty.
pub(crate) fn one(p: &[(String, String)], key: &str) -> Option<String> {
    p.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

// ----- where the client is, and how often it may book ------------------------------------

/// The client's network address: the socket's peer, or the configured header set by the
/// reverse proxy in front (its last entry).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<Arc<AppState>> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        if let Some(h) = &state.config.client_ip_header {
            let ip = parts
                .headers
                .get(h.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            return Ok(ClientIp(ip));
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

// ----- formatting -----------------------------------------------------------------------

fn month_name(page: &Page<'_>, month: i8) -> String {
    page.theme()
        .messages
        .get(page.lang(), &format!("month-{month}"), None)
}

/// "Donnerstag, 26. November 2026" / "Thursday, 26 November 2026", in the page's language.
pub(crate) fn date_label(page: &Page<'_>, d: Date) -> String {
    let w = rathaus_app::texts::Words {
        messages: &page.theme().messages,
        lang: page.lang(),
    };
    rathaus_app::appointments::date_label(&w, d)
}

fn office_view(t: &TenantDef, o: &OfficeDef, lang: Lang) -> Json {
    json!({
        "id": o.id.as_str(),
        "name": loc(&o.name, lang),
        "street": format!("{} {}", o.address.street, o.address.house_number),
        "city": format!("{} {}", o.address.postal_code, o.address.city),
        "href": urls::office(t.id.as_str(), t.id.as_str(), o.id.as_str()),
        "booking_href": office_href(t.id.as_str(), o.id.as_str()),
    })
}

pub(crate) fn index_href(tid: &str) -> String {
    format!("/{tid}/termine")
}
pub(crate) fn office_href(tid: &str, oid: &str) -> String {
    format!("/{tid}/termine/{oid}")
}
fn book_href(tid: &str, oid: &str) -> String {
    format!("/{tid}/termine/{oid}/buchen")
}
fn manage_base(tid: &str, id: &str) -> String {
    format!("/{tid}/termin/{id}")
}
fn with_key(path: &str, key: Option<&str>) -> String {
    match key {
        Some(k) => format!("{path}?k={}", urls::encode(k)),
        None => path.to_owned(),
    }
}
fn services_query(services: &[String]) -> String {
    services
        .iter()
        .map(|s| format!("leistung={}", urls::encode(s)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The booking page of the appointment that goes with an application of `service`, at an
/// office of the providing tenant (e.g. collecting the naturalisation certificate).
pub(crate) fn for_service(t: &TenantDef, service: &str, draft: &str) -> Option<String> {
    t.offices.iter().find_map(|o| {
        let c = o.appointments.as_ref()?;
        let b = c
            .services
            .iter()
            .find(|b| b.service.as_ref().is_some_and(|s| s.as_str() == service))?;
        Some(format!(
            "{}?leistung={}&antrag={}",
            office_href(t.id.as_str(), o.id.as_str()),
            urls::encode(&b.id),
            urls::encode(draft)
        ))
    })
}

// ----- pages ----------------------------------------------------------------------------

/// `GET /{t}/termine`: the offices that take appointments online.
pub async fn index(State(state): St, prefs: Prefs, Path(tid): Path<String>) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let offices: Vec<Json> = t
        .offices
        .iter()
        .filter(|o| o.appointments.is_some())
        .map(|o| office_view(t, o, prefs.lang))
        .collect();
    page.ok(
        "appointments.html",
        context! { offices, active => "appointments" },
    )
}

/// Where the office page stands: chosen services, month, day, and whether an existing
/// appointment is being moved.
struct Choice {
    services: Vec<String>,
    month: Option<String>,
    day: Option<String>,
    moving: Option<(String, String)>,
    draft: Option<String>,
    /// The choice form was sent (with nothing chosen, that is an error).
    sent: bool,
}

impl Choice {
    fn from(p: &[(String, String)]) -> Choice {
        Choice {
            services: all(p, "leistung")
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect(),
            month: one(p, "monat"),
            day: one(p, "tag"),
            moving: one(p, "verlegen").map(|id| (id, one(p, "k").unwrap_or_default())),
            draft: one(p, "antrag"),
            sent: one(p, "auswahl").is_some(),
        }
    }

    /// The query of this choice with `extra` (month or day) appended.
    fn href(&self, tid: &str, oid: &str, extra: &str) -> String {
        let mut q = services_query(&self.services);
        if let Some((id, k)) = &self.moving {
            q.push_str(&format!(
                "&verlegen={}&k={}",
                urls::encode(id),
                urls::encode(k)
            ));
        }
        if let Some(d) = &self.draft {
            q.push_str(&format!("&antrag={}", urls::encode(d)));
        }
        if !extra.is_empty() {
            q.push('&');
            q.push_str(extra);
        }
        format!("{}?{q}", office_href(tid, oid))
    }
}

fn visit_error(page: &Page<'_>, e: &VisitError) -> String {
    let m = &page.theme().messages;
    let lang = page.lang();
    match e {
        VisitError::Empty => m.get(lang, "appt-error-no-service", None),
        VisitError::Unknown(_) => m.get(lang, "appt-error-unknown-service", None),
        VisitError::TooLong { max, .. } => {
            let mut a = FluentArgs::new();
            a.set("max", i64::from(*max));
            m.get(lang, "appt-error-too-long", Some(&a))
        }
    }
}

/// `GET /{t}/termine/{office}`: choose services, then a time from the next free ones or
/// from the month view.
pub async fn office(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, oid)): Path<(String, String)>,
    Query(q): Query<Pairs>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let Some((o, def)) = calendar_of(t, &oid) else {
        return page.not_found();
    };
    let cal = def.with(&o.opening_hours);
    let lang = prefs.lang;
    let choice = Choice::from(&q);
    // Moving: the appointment must exist, and the key fit or the account own it.
    let mut moving = None;
    if let Some((id, k)) = &choice.moving {
        let key = Some(k.as_str()).filter(|k| !k.is_empty());
        match rathaus_app::appointments::open(&state.app, &tid, id, key, &citizen).await {
            Ok(a) if a.appointment.office_id == oid && a.appointment.status == "booked" => {
                moving = Some(a.appointment)
            }
            Ok(_) | Err(rathaus_app::AppError::NotFound) => return page.gone(),
            Err(e) => return internal(e),
        }
    }
    let services: Vec<Json> = def
        .services
        .iter()
        .map(|b| {
            json!({
                "id": b.id,
                "name": loc(&b.name, lang),
                "minutes": b.minutes,
                "checked": choice.services.contains(&b.id),
            })
        })
        .collect();
    let chosen = !choice.services.is_empty();
    let (minutes, error) = if chosen {
        if choice.services.len() > MAX_SERVICES {
            let mut a = FluentArgs::new();
            a.set("max", MAX_SERVICES as i64);
            (
                None,
                Some(
                    page.theme()
                        .messages
                        .get(lang, "appt-error-too-many", Some(&a)),
                ),
            )
        } else {
            match cal.visit_minutes(&choice.services) {
                Ok(m) => (Some(m), None),
                Err(e) => (None, Some(visit_error(&page, &e))),
            }
        }
    } else if choice.sent {
        (None, Some(visit_error(&page, &VisitError::Empty)))
    } else {
        (None, None)
    };
    let (jar, token) = csrf::token(jar);
    let mut next = Vec::new();
    let mut month = Json::Null;
    let mut day = Json::Null;
    if let Some(minutes) = minutes {
        let slots = match rathaus_app::appointments::free_slots(
            &state.app,
            &tid,
            &oid,
            cal,
            minutes,
            moving.as_ref().map(|a| a.id.as_str()),
            None,
        )
        .await
        {
            Ok(s) => s,
            Err(e) => return internal(e),
        };
        let slot_view = |s: &Slot| {
            let d = local_date(s.start_ms);
            json!({
                "start": s.start_ms,
                "time": time_label(s.start_ms),
                "end": time_label(s.end_ms),
                "date": date_label(&page, d),
                "href": booking_link(&tid, &oid, &choice, s.start_ms),
            })
        };
        next = slots.iter().take(NEXT_SLOTS).map(slot_view).collect();
        let now = rathaus_app::clock::now_millis();
        let (first, last) = cal.bookable_days(now);
        // The month shown: asked for (within the horizon), else that of the first free slot.
        let first_free = slots
            .first()
            .map(|s| local_date(s.start_ms))
            .unwrap_or(first);
        let wanted = choice
            .month
            .as_deref()
            .and_then(|m| format!("{m}-01").parse::<Date>().ok())
            .filter(|d| d.first_of_month() >= first.first_of_month() && *d <= last)
            .unwrap_or(first_free.first_of_month());
        let selected = choice
            .day
            .as_deref()
            .and_then(|d| d.parse::<Date>().ok())
            .filter(|d| *d >= first && *d <= last);
        let wanted = selected.map(|d| d.first_of_month()).unwrap_or(wanted);
        let mut per_day: HashMap<Date, usize> = HashMap::new();
        for s in &slots {
            *per_day.entry(local_date(s.start_ms)).or_default() += 1;
        }
        month = month_view(
            &page, &tid, &oid, &choice, wanted, first, last, &per_day, selected,
        );
        if let Some(d) = selected {
            let list: Vec<Json> = slots
                .iter()
                .filter(|s| local_date(s.start_ms) == d)
                .map(slot_view)
                .collect();
            let closure = cal.closure(d).map(|c| match c {
                appt::Closure::Holiday(name) => name.to_owned(),
                appt::Closure::Closed(reason) => reason
                    .map(|r| r.get(lang).0.to_owned())
                    .unwrap_or_else(|| page.theme().messages.get(lang, "appt-closed", None)),
            });
            day = json!({ "label": date_label(&page, d), "slots": list, "closure": closure });
        }
    }
    let moving_view = moving.as_ref().map(|a| {
        json!({
            "when": format!("{}, {}", date_label(&page, local_date(a.starts_at)), time_label(a.starts_at)),
            "action": format!("{}/verlegen", manage_base(&tid, &a.id)),
            "back": with_key(&manage_base(&tid, &a.id), choice.moving.as_ref().map(|(_, k)| k.as_str())),
            "k": choice.moving.as_ref().map(|(_, k)| k.clone()),
        })
    });
    let res = page.render_private(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "appointment_office.html",
        context! {
            active => "appointments",
            office => office_view(t, o, lang),
            index_href => index_href(&tid),
            services, chosen, error, next, month, day,
            minutes,
            moving => moving_view,
            draft => choice.draft.clone(),
            moving_id => moving.as_ref().map(|a| a.id.clone()),
            moving_key => choice.moving.as_ref().map(|(_, k)| k.clone()),
            csrf => token,
            choose_action => office_href(&tid, &oid),
        },
    );
    (jar, res).into_response()
}

fn booking_link(tid: &str, oid: &str, c: &Choice, start: i64) -> String {
    let mut q = services_query(&c.services);
    q.push_str(&format!("&beginn={start}"));
    if let Some(d) = &c.draft {
        q.push_str(&format!("&antrag={}", urls::encode(d)));
    }
    format!("{}?{q}", book_href(tid, oid))
}

#[allow(clippy::too_many_arguments)]
fn month_view(
    page: &Page<'_>,
    tid: &str,
    oid: &str,
    choice: &Choice,
    month: Date,
    first: Date,
    last: Date,
    per_day: &HashMap<Date, usize>,
    selected: Option<Date>,
) -> Json {
    let start = month.first_of_month();
    let offset = start.weekday().to_monday_zero_offset() as usize;
    let mut cells: Vec<Json> = vec![Json::Null; offset];
    let mut d = start;
    while d.month() == start.month() {
        let free = per_day.get(&d).copied().unwrap_or(0);
        let bookable = d >= first && d <= last;
        cells.push(json!({
            "day": d.day(),
            "label": date_label(page, d),
            "free": free,
            "href": (free > 0).then(|| choice.href(tid, oid, &format!("tag={d}"))),
            "past": !bookable,
            "selected": Some(d) == selected,
        }));
        d = d.saturating_add(1.day());
    }
    while !cells.len().is_multiple_of(7) {
        cells.push(Json::Null);
    }
    let weeks: Vec<Vec<Json>> = cells.chunks(7).map(<[Json]>::to_vec).collect();
    let prev = start.saturating_sub(1.day()).first_of_month();
    let next = start.saturating_add(1.month());
    let ym = |d: Date| format!("{:04}-{:02}", d.year(), d.month());
    json!({
        "label": format!("{} {}", month_name(page, start.month()), start.year()),
        "weeks": weeks,
        "prev": (prev >= first.first_of_month()).then(|| choice.href(tid, oid, &format!("monat={}", ym(prev)))),
        "prev_label": format!("{} {}", month_name(page, prev.month()), prev.year()),
        "next": (next <= last).then(|| choice.href(tid, oid, &format!("monat={}", ym(next)))),
        "next_label": format!("{} {}", month_name(page, next.month()), next.year()),
        "weekdays": rathaus_app::appointments::weekdays().iter().map(|w| json!({
            "short": page.theme().messages.get(page.lang(), &format!("weekday-short-{w}"), None),
            "long": page.theme().messages.get(page.lang(), &format!("weekday-{w}"), None),
        })).collect::<Vec<_>>(),
    })
}

/// What the booking form keeps between tries.
#[derive(Default)]
struct BookingForm {
    contact: Contact,
    errors: Vec<(&'static str, String)>,
}

/// The visit a booking request asks for; `Err` is the page to show instead.
fn wanted<'a>(
    page: &Page<'_>,
    t: &'a TenantDef,
    oid: &str,
    p: &[(String, String)],
) -> Result<Wanted<'a>, Box<Response>> {
    let start = one(p, "beginn").and_then(|s| s.parse::<i64>().ok());
    match rathaus_app::appointments::wanted(t, oid, all(p, "leistung"), start, one(p, "antrag")) {
        Ok(w) => Ok(w),
        Err(NotBookable::NoOffice) => Err(Box::new(page.not_found())),
        Err(NotBookable::Choose) => Err(Box::new(
            crate::redirect::to(&office_href(t.id.as_str(), oid)).into_response(),
        )),
    }
}

/// The slot is offered and some counter is free for it (else the "taken" page).
async fn still_free(
    state: &AppState,
    page: &Page<'_>,
    tid: &str,
    w: &Wanted<'_>,
    except: Option<&str>,
) -> Result<(), Response> {
    match rathaus_app::appointments::still_free(&state.app, tid, w, except).await {
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(taken(page, tid, w)),
        Err(e) => Err(internal(e)),
    }
}

fn taken(page: &Page<'_>, tid: &str, w: &Wanted<'_>) -> Response {
    let back = format!(
        "{}?{}",
        office_href(tid, w.office.id.as_str()),
        services_query(&w.services)
    );
    page.render_private(
        StatusCode::CONFLICT,
        "appointment_notice.html",
        context! {
            active => "appointments",
            title_key => "appt-taken-title",
            text_key => "appt-taken-text",
            back,
        },
    )
}

fn summary(page: &Page<'_>, t: &TenantDef, w: &Wanted<'_>) -> Json {
    let lang = page.lang();
    json!({
        "office": office_view(t, w.office, lang),
        "services": service_names(w.def, &w.services, lang),
        "minutes": w.minutes,
        "date": date_label(page, local_date(w.start)),
        "time": time_label(w.start),
        "end": time_label(w.start + i64::from(w.minutes) * 60_000),
    })
}

fn render_form(
    page: &Page<'_>,
    t: &TenantDef,
    w: &Wanted<'_>,
    form: &BookingForm,
    token: &str,
    status: StatusCode,
) -> Response {
    let tid = t.id.as_str();
    let errors: Vec<Json> = form
        .errors
        .iter()
        .map(|(f, m)| json!({"field": f, "message": m}))
        .collect();
    let error_of = |f: &str| {
        form.errors
            .iter()
            .find(|(k, _)| *k == f)
            .map(|(_, m)| m.clone())
    };
    page.render_private(
        status,
        "appointment_book.html",
        context! {
            active => "appointments",
            summary => summary(page, t, w),
            action => book_href(tid, w.office.id.as_str()),
            change_href => format!("{}?{}", office_href(tid, w.office.id.as_str()), services_query(&w.services)),
            services => w.services.clone(),
            start => w.start,
            draft => w.draft.clone(),
            name => form.contact.name.clone(),
            email => form.contact.email.clone(),
            consent => form.contact.consent,
            errors,
            name_error => error_of("name"),
            email_error => error_of("email"),
            consent_error => error_of("consent"),
            privacy_href => urls::legal(tid, "datenschutz"),
            provider => loc(&t.name, page.lang()),
            max_name => rathaus_app::appointments::MAX_NAME_CHARS,
            csrf => token,
        },
    )
}

/// The name and e-mail of a logged-in citizen's account, to prefill.
async fn account_contact(state: &AppState, tid: &str, citizen: &Citizen) -> (String, String) {
    let Some(id) = citizen.account_id() else {
        return Default::default();
    };
    let Ok(Some(a)) = state.app.db.account(tid, id).await else {
        return Default::default();
    };
    let p: rathaus_domain::Profile = serde_json::from_str(&a.profile).unwrap_or_default();
    let name = [p.given_name, p.family_name]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    (name, p.email.unwrap_or_default())
}

/// `GET /{t}/termine/{office}/buchen`: name and e-mail for the chosen time.
pub async fn book_form(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, oid)): Path<(String, String)>,
    Query(q): Query<Pairs>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let w = match wanted(&page, t, &oid, &q) {
        Ok(w) => w,
        Err(r) => return *r,
    };
    if let Err(r) = still_free(&state, &page, &tid, &w, None).await {
        return r;
    }
    let (name, email) = account_contact(&state, &tid, &citizen).await;
    let (jar, token) = csrf::token(jar);
    let form = BookingForm {
        contact: Contact {
            name,
            email,
            consent: false,
        },
        ..Default::default()
    };
    (
        jar,
        render_form(&page, t, &w, &form, &token, StatusCode::OK),
    )
        .into_response()
}

/// `POST /{t}/termine/{office}/buchen`.
pub async fn book(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    ip: ClientIp,
    Path((tid, oid)): Path<(String, String)>,
    axum::Form(p): axum::Form<Pairs>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, one(&p, "_csrf").as_deref()) {
        return page.forbidden();
    }
    let w = match wanted(&page, t, &oid, &p) {
        Ok(w) => w,
        Err(r) => return *r,
    };
    let contact = Contact {
        name: one(&p, "name").unwrap_or_default(),
        email: one(&p, "email").unwrap_or_default(),
        consent: one(&p, "einwilligung").as_deref() == Some("ja"),
    };
    let (jar, token) = csrf::token(jar);
    let booking =
        rathaus_app::appointments::book(&state.app, &citizen, ip.0, t, &w, &contact, prefs.lang)
            .await;
    let res = match booking {
        Ok(Booking::Booked { id, key }) => crate::redirect::to(&format!(
            "{}&geaendert=gebucht",
            with_key(&manage_base(&tid, &id), Some(&key))
        )),
        Ok(Booking::Invalid(errors)) => {
            let words = rathaus_app::texts::Words {
                messages: &page.theme().messages,
                lang: prefs.lang,
            };
            let form = BookingForm {
                contact,
                errors: errors.iter().map(|(f, m)| (*f, words.text(m))).collect(),
            };
            render_form(
                &page,
                t,
                &w,
                &form,
                &token,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Ok(Booking::RateLimited) => {
            let mut res = page.render_private(
                StatusCode::TOO_MANY_REQUESTS,
                "appointment_notice.html",
                context! {
                    active => "appointments",
                    title_key => "appt-rate-title",
                    text_key => "appt-rate-text",
                    back => office_href(&tid, &oid),
                },
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
            res
        }
        Ok(Booking::Taken) => taken(&page, &tid, &w),
        Err(e) => internal(e),
    };
    (jar, res).into_response()
}

/// The appointment of the path, opened by the link's key or its owner; else "gone".
async fn opened(
    state: &AppState,
    page: &Page<'_>,
    tid: &str,
    id: &str,
    key: Option<&str>,
    citizen: &Citizen,
) -> Result<OwnAppointment, Response> {
    match rathaus_app::appointments::open(&state.app, tid, id, key, citizen).await {
        Ok(a) => Ok(a),
        Err(rathaus_app::AppError::NotFound) => Err(page.gone()),
        Err(e) => Err(internal(e)),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct ManageQuery {
    k: Option<String>,
    geaendert: Option<String>,
}

/// `GET /{t}/termin/{id}`: the appointment with its code, calendar file, move and cancel.
pub async fn manage(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Query(q): Query<ManageQuery>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let own = match opened(&state, &page, &tid, &id, q.k.as_deref(), &citizen).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let a = &own.appointment;
    let Some((o, def)) = calendar_of(t, &a.office_id) else {
        return page.gone();
    };
    let lang = prefs.lang;
    let (jar, token) = csrf::token(jar);
    let key = q.k.clone();
    let base = manage_base(&tid, &a.id);
    let ahead = match own.ahead(&state.app).await {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    let view = json!({
        "code": a.code,
        "date": date_label(&page, local_date(a.starts_at)),
        "time": time_label(a.starts_at),
        "end": time_label(a.ends_at),
        "services": service_names(def, &a.services(), lang),
        "minutes": (a.ends_at - a.starts_at) / 60_000,
        // Opened by the mail's link alone, the page shows no personal data.
        "name": own.by_owner.then(|| a.name.clone()),
        "email": own.by_owner.then(|| a.email.clone()),
        "cancelled": a.status == "cancelled",
        "ahead": ahead,
        "reference": a.reference,
        "ics_href": with_key(&format!("{base}/termin.ics"), key.as_deref()),
        "cancel_action": format!("{base}/absagen"),
        "move_href": format!(
            "{}?{}&verlegen={}{}",
            office_href(&tid, &a.office_id),
            services_query(&a.services()),
            urls::encode(&a.id),
            key.as_deref().map(|k| format!("&k={}", urls::encode(k))).unwrap_or_default()
        ),
        "book_again": office_href(&tid, &a.office_id),
    });
    let changed = q
        .geaendert
        .filter(|c| ["gebucht", "verlegt", "abgesagt"].contains(&c.as_str()));
    let res = page.render_private(
        StatusCode::OK,
        "appointment.html",
        context! {
            active => "appointments",
            appt => view,
            office => office_view(t, o, lang),
            changed,
            key,
            csrf => token,
        },
    );
    (jar, res).into_response()
}

/// `GET /{t}/termin/{id}/termin.ics`.
pub async fn ics_file(
    State(state): St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Query(q): Query<ManageQuery>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let own = match opened(&state, &page, &tid, &id, q.k.as_deref(), &citizen).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    let Some((o, def)) = calendar_of(t, &own.appointment.office_id) else {
        return page.gone();
    };
    let visit = rathaus_app::appointments::Visit::stored(&own.appointment);
    let body =
        rathaus_app::appointments::ics(&state.app, t, o, def, &visit, q.k.as_deref(), prefs.lang);
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/calendar; charset=utf-8"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_static("attachment; filename=\"termin.ics\""),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response()
}

/// The appointment's page after a change, keeping the link's key.
fn changed_page(tid: &str, id: &str, key: Option<&str>, what: &str) -> Response {
    crate::redirect::to(&format!(
        "{}{}geaendert={what}",
        with_key(&manage_base(tid, id), key),
        if key.is_some() { "&" } else { "?" }
    ))
}

/// `POST /{t}/termin/{id}/absagen`: cancels; the slot is free again at once.
pub async fn cancel(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    axum::Form(p): axum::Form<Pairs>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, one(&p, "_csrf").as_deref()) {
        return page.forbidden();
    }
    let key = one(&p, "k");
    let own = match opened(&state, &page, &tid, &id, key.as_deref(), &citizen).await {
        Ok(a) => a,
        Err(r) => return r,
    };
    match rathaus_app::appointments::cancel(&state.app, &citizen, &own).await {
        Ok(()) => changed_page(&tid, &id, key.as_deref(), "abgesagt"),
        Err(rathaus_app::AppError::NotFound) => page.gone(),
        Err(e) => internal(e),
    }
}

/// `POST /{t}/termin/{id}/verlegen`: to another free time (the old one is kept if the new
/// one was taken meanwhile).
pub async fn reschedule(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    axum::Form(p): axum::Form<Pairs>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, one(&p, "_csrf").as_deref()) {
        return page.forbidden();
    }
    let key = one(&p, "k");
    let own = match opened(&state, &page, &tid, &id, key.as_deref(), &citizen).await {
        Ok(a) if a.appointment.status == "booked" => a,
        Ok(_) => return page.gone(),
        Err(r) => return r,
    };
    let a = &own.appointment;
    let start = one(&p, "beginn").and_then(|s| s.parse::<i64>().ok());
    let w = match rathaus_app::appointments::wanted(t, &a.office_id, a.services(), start, None) {
        Ok(w) => w,
        Err(NotBookable::NoOffice) => return page.not_found(),
        Err(NotBookable::Choose) => return crate::redirect::to(&office_href(&tid, &a.office_id)),
    };
    match rathaus_app::appointments::reschedule(&state.app, &citizen, &own, &w).await {
        Ok(true) => changed_page(&tid, &id, key.as_deref(), "verlegt"),
        Ok(false) => taken(&page, &tid, &w),
        Err(rathaus_app::AppError::NotFound) => page.gone(),
        Err(e) => internal(e),
    }
}

/// A citizen's upcoming appointments for Mein Bereich.
pub(crate) async fn of_account(
    state: &AppState,
    page: &Page<'_>,
    t: &TenantDef,
    account: &str,
) -> Vec<Json> {
    let list = rathaus_app::appointments::of_account(&state.app, t.id.as_str(), account)
        .await
        .unwrap_or_default();
    list.iter()
        .filter_map(|a| {
            let (o, def) = calendar_of(t, &a.office_id)?;
            Some(json!({
                "office": loc(&o.name, page.lang()),
                "date": date_label(page, local_date(a.starts_at)),
                "time": time_label(a.starts_at),
                "services": service_names(def, &a.services(), page.lang()),
                "href": manage_base(t.id.as_str(), &a.id),
            }))
        })
        .collect()
}
