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
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jiff::civil::Date;
use jiff::ToSpan;
use minijinja::context;
use rathaus_app::secrets::{random_token, sha256_hex};
use rathaus_domain::appointment::{
    self as appt, booking_code, day_start, local, local_date, Booked, Calendar, CalendarDef, Slot,
    VisitError,
};
use rathaus_domain::{Lang, OfficeDef, TenantDef};
use rathaus_store::{Appointment, BookOutcome, NewAppointment};
use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

type St = State<Arc<AppState>>;
pub(crate) type Pairs = Vec<(String, String)>;

/// Most services one visit may combine.
pub const MAX_SERVICES: usize = 5;
/// How many of the next free times the office page lists.
const NEXT_SLOTS: usize = 6;
/// Name and e-mail of an appointment are erased this long after it.
pub const KEEP_PERSONAL_DATA_MS: i64 = 30 * 86_400_000;
const MAX_NAME_CHARS: usize = 100;

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

/// Bookings per network address and hour, per office (in memory: no address is stored).
#[derive(Default)]
pub struct BookingLimiter {
    offices: Mutex<HashMap<LimiterKey, Arc<DefaultKeyedRateLimiter<IpAddr>>>>,
}

/// Tenant, office and allowance per hour.
type LimiterKey = (String, String, u32);

impl BookingLimiter {
    /// Whether `ip` may book once more at the office now (and counts it).
    fn allow(&self, tenant: &str, office: &str, per_hour: u32, ip: Option<IpAddr>) -> bool {
        let Some(ip) = ip else {
            return true;
        };
        let Some(n) = NonZeroU32::new(per_hour) else {
            return false;
        };
        let limiter = {
            let mut map = self
                .offices
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            map.entry((tenant.to_owned(), office.to_owned(), per_hour))
                .or_insert_with(|| Arc::new(RateLimiter::keyed(Quota::per_hour(n))))
                .clone()
        };
        limiter.check_key(&ip).is_ok()
    }

    /// Forgets addresses whose allowance is full again.
    pub fn tidy(&self) {
        let map = self
            .offices
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for l in map.values() {
            l.retain_recent();
        }
    }
}

// ----- calendars ------------------------------------------------------------------------

/// The office `oid` of tenant `t` and its calendar, if it takes appointments.
pub(crate) fn calendar_of<'a>(
    t: &'a TenantDef,
    oid: &str,
) -> Option<(&'a OfficeDef, &'a CalendarDef)> {
    t.offices
        .iter()
        .find(|o| o.id.as_str() == oid)
        .and_then(|o| o.appointments.as_ref().map(|c| (o, c)))
}

/// Every free slot for a visit of `minutes` within the booking horizon (or on `only` that
/// day), leaving out the appointment `except` (the one being moved).
async fn free_slots(
    state: &AppState,
    tid: &str,
    oid: &str,
    cal: Calendar<'_>,
    minutes: u32,
    except: Option<&str>,
    only: Option<Date>,
) -> Result<Vec<Slot>, Response> {
    let now = rathaus_app::clock::now_millis();
    let (first, last) = match only {
        Some(d) => (d, d),
        None => cal.bookable_days(now),
    };
    let booked = state
        .db
        .booked_slots(
            tid,
            oid,
            day_start(first),
            day_start(last.saturating_add(1.day())),
        )
        .await
        .map_err(internal)?;
    let booked: Vec<Booked> = booked
        .into_iter()
        .filter(|(id, ..)| Some(id.as_str()) != except)
        .map(|(_, s, e, c)| Booked {
            start_ms: s,
            end_ms: e,
            counter: u32::try_from(c).unwrap_or(0),
        })
        .collect();
    Ok(cal.free_slots(minutes, first, last, now, &booked))
}

// ----- formatting -----------------------------------------------------------------------

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

fn weekday_key(d: Date) -> &'static str {
    WEEKDAYS[d.weekday().to_monday_zero_offset() as usize]
}

fn month_name(page: &Page<'_>, month: i8) -> String {
    page.theme()
        .messages
        .get(page.lang(), &format!("month-{month}"), None)
}

/// "Donnerstag, 26. November 2026" / "Thursday, 26 November 2026", in the page's language.
pub(crate) fn date_label(page: &Page<'_>, d: Date) -> String {
    date_label_in(page, page.lang(), d)
}

/// The date in `lang` (mails go out in the language the booking was made in).
fn date_label_in(page: &Page<'_>, lang: Lang, d: Date) -> String {
    let m = &page.theme().messages;
    let mut a = FluentArgs::new();
    a.set(
        "weekday",
        m.get(lang, &format!("weekday-{}", weekday_key(d)), None),
    );
    a.set("day", i64::from(d.day()));
    a.set("month", m.get(lang, &format!("month-{}", d.month()), None));
    a.set("year", i64::from(d.year()));
    m.get(lang, "appt-date", Some(&a))
}

pub(crate) fn time_label(ms: i64) -> String {
    let t = local(ms);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The services of a visit by name.
pub(crate) fn service_names(cal: &CalendarDef, ids: &[String], lang: Lang) -> Vec<String> {
    ids.iter()
        .map(|id| {
            cal.bookable(id)
                .map(|b| b.name.get(lang).0.to_owned())
                .unwrap_or_else(|| id.clone())
        })
        .collect()
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
        match authorized(&state, &tid, id, key, &citizen).await {
            Ok(Some(a)) if a.office_id == oid && a.status == "booked" => moving = Some(a),
            Ok(_) => return page.gone(),
            Err(r) => return r,
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
        let slots = match free_slots(
            &state,
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
            Err(r) => return r,
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
        "weekdays": WEEKDAYS.iter().map(|w| json!({
            "short": page.theme().messages.get(page.lang(), &format!("weekday-short-{w}"), None),
            "long": page.theme().messages.get(page.lang(), &format!("weekday-{w}"), None),
        })).collect::<Vec<_>>(),
    })
}

/// What the booking form keeps between tries.
#[derive(Default)]
struct BookingForm {
    name: String,
    email: String,
    consent: bool,
    errors: Vec<(&'static str, String)>,
}

/// Checks the slot of a booking request; `Err` is the page to show instead.
struct Wanted<'a> {
    office: &'a OfficeDef,
    def: &'a CalendarDef,
    services: Vec<String>,
    minutes: u32,
    start: i64,
    draft: Option<String>,
}

fn wanted<'a>(
    page: &Page<'_>,
    t: &'a TenantDef,
    oid: &str,
    p: &[(String, String)],
) -> Result<Wanted<'a>, Box<Response>> {
    let Some((office, def)) = calendar_of(t, oid) else {
        return Err(Box::new(page.not_found()));
    };
    let services = all(p, "leistung");
    let cal = def.with(&office.opening_hours);
    let start = one(p, "beginn").and_then(|s| s.parse::<i64>().ok());
    let (Some(start), Ok(minutes)) = (start, cal.visit_minutes(&services)) else {
        return Err(Box::new(
            crate::redirect::to(&office_href(t.id.as_str(), oid)).into_response(),
        ));
    };
    if services.len() > MAX_SERVICES {
        return Err(Box::new(
            crate::redirect::to(&office_href(t.id.as_str(), oid)).into_response(),
        ));
    }
    Ok(Wanted {
        office,
        def,
        services,
        minutes,
        start,
        draft: one(p, "antrag"),
    })
}

/// The slot is offered and some counter is free for it (else the "taken" page).
async fn still_free(
    state: &AppState,
    page: &Page<'_>,
    tid: &str,
    w: &Wanted<'_>,
    except: Option<&str>,
) -> Result<Vec<u32>, Response> {
    let cal = w.def.with(&w.office.opening_hours);
    let now = rathaus_app::clock::now_millis();
    if cal.offers(w.minutes, w.start, now) {
        // Only the day of the wanted start: bookings are checked where they matter.
        let day = Some(local_date(w.start));
        let slots = free_slots(
            state,
            tid,
            w.office.id.as_str(),
            cal,
            w.minutes,
            except,
            day,
        )
        .await?;
        if let Some(s) = slots.iter().find(|s| s.start_ms == w.start) {
            return Ok(s.counters.clone());
        }
    }
    Err(taken(page, tid, w))
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

#[allow(clippy::too_many_arguments)]
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
            name => form.name.clone(),
            email => form.email.clone(),
            consent => form.consent,
            errors,
            name_error => error_of("name"),
            email_error => error_of("email"),
            consent_error => error_of("consent"),
            privacy_href => urls::legal(tid, "datenschutz"),
            provider => loc(&t.name, page.lang()),
            max_name => MAX_NAME_CHARS,
            csrf => token,
        },
    )
}

/// The name and e-mail of a logged-in citizen's account, to prefill.
async fn account_contact(state: &AppState, tid: &str, citizen: &Citizen) -> (String, String) {
    let Some(id) = citizen.account_id() else {
        return Default::default();
    };
    let Ok(Some(a)) = state.db.account(tid, id).await else {
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
        name,
        email,
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
    let lang = prefs.lang;
    let m = &page.theme().messages;
    let mut form = BookingForm {
        name: one(&p, "name").unwrap_or_default(),
        email: one(&p, "email").unwrap_or_default(),
        consent: one(&p, "einwilligung").as_deref() == Some("ja"),
        errors: Vec::new(),
    };
    if form.name.is_empty() {
        form.errors
            .push(("name", m.get(lang, "appt-error-name", None)));
    } else if looks_like_link(&form.name) {
        // The name goes into mails sent in the authority's name: no links in it.
        form.errors
            .push(("name", m.get(lang, "appt-error-name-link", None)));
    } else if form.name.chars().count() > MAX_NAME_CHARS {
        let mut a = FluentArgs::new();
        a.set("max", MAX_NAME_CHARS as i64);
        form.errors
            .push(("name", m.get(lang, "error-too-long", Some(&a))));
    }
    if !rathaus_domain::form::email_valid(&form.email) {
        form.errors
            .push(("email", m.get(lang, "error-email", None)));
    }
    if !form.consent {
        form.errors
            .push(("consent", m.get(lang, "appt-error-consent", None)));
    }
    let (jar, token) = csrf::token(jar);
    if !form.errors.is_empty() {
        return (
            jar,
            render_form(
                &page,
                t,
                &w,
                &form,
                &token,
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
        )
            .into_response();
    }
    if !state
        .bookings
        .allow(&tid, &oid, w.def.limits.per_address_per_hour, ip.0)
    {
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
        return (jar, res).into_response();
    }
    let counters = match still_free(&state, &page, &tid, &w, None).await {
        Ok(c) => c,
        Err(r) => return (jar, r).into_response(),
    };
    // The application this visit belongs to: a submitted one of this tenant.
    let reference = match &w.draft {
        Some(d) => match state.db.submission_of_draft(&tid, d).await {
            Ok(Some(s)) => Some(s.reference),
            _ => None,
        },
        None => None,
    };
    let key = random_token();
    let end = w.start + i64::from(w.minutes) * 60_000;
    let mut outcome = BookOutcome::CodeClash;
    let mut booked = None;
    for _ in 0..5 {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let random = *uuid::Uuid::new_v4().as_bytes();
        let code = booking_code([
            random[0], random[1], random[2], random[3], random[4], random[5],
        ]);
        let a = NewAppointment {
            id: id.clone(),
            tenant_id: tid.clone(),
            office_id: oid.clone(),
            code,
            token_hash: sha256_hex(&key),
            services: serde_json::to_string(&w.services).unwrap_or_default(),
            starts_at: w.start,
            ends_at: end,
            name: form.name.clone(),
            email: form.email.clone(),
            lang: lang.code().to_owned(),
            account_id: citizen.account_id().map(str::to_owned),
            reference: reference.clone(),
        };
        let mail = appointment_mail(
            &state,
            &page,
            t,
            w.office,
            w.def,
            &a_view(&a),
            Some(&key),
            "booked",
        );
        outcome = match state
            .db
            .book_appointment(&a, &counters, w.def.limits.per_email, mail)
            .await
        {
            Ok(o) => o,
            Err(e) => return internal(e),
        };
        if outcome != BookOutcome::CodeClash {
            booked = Some(id);
            break;
        }
    }
    match (outcome, booked) {
        (BookOutcome::Booked(_), Some(id)) => {
            audit(&state, &tid, &citizen, "book_appointment", &id).await;
            crate::redirect::to(&format!(
                "{}&geaendert=gebucht",
                with_key(&manage_base(&tid, &id), Some(&key))
            ))
            .into_response()
        }
        (BookOutcome::EmailLimit, _) => {
            let mut a = FluentArgs::new();
            a.set("max", i64::from(w.def.limits.per_email));
            form.errors
                .push(("email", m.get(lang, "appt-error-email-limit", Some(&a))));
            (
                jar,
                render_form(
                    &page,
                    t,
                    &w,
                    &form,
                    &token,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            )
                .into_response()
        }
        (BookOutcome::Taken, _) => (jar, taken(&page, &tid, &w)).into_response(),
        _ => internal("no free booking code after 5 tries"),
    }
}

/// Text that mail programs would turn into a link.
fn looks_like_link(s: &str) -> bool {
    let l = s.to_lowercase();
    l.contains("://") || l.contains("www.") || l.contains('@')
}

async fn audit(state: &AppState, tid: &str, citizen: &Citizen, action: &str, id: &str) {
    let actor = match citizen.account_id() {
        Some(a) => format!("citizen:{a}"),
        None => "guest".to_owned(),
    };
    state
        .db
        .audit(
            tid,
            &rathaus_store::AuditEvent {
                actor,
                action: action.to_owned(),
                object: format!("appointment:{id}"),
                detail: String::new(),
            },
        )
        .await
        .ok();
}

/// Whether `key` opens the appointment (its link's key; compared as hashes).
fn key_fits(a: &Appointment, key: Option<&str>) -> bool {
    key.is_some_and(|k| rathaus_app::secrets::token_matches(&sha256_hex(k), &a.token_hash))
}

/// The appointment, if the key fits or it belongs to the logged-in account.
async fn authorized(
    state: &AppState,
    tid: &str,
    id: &str,
    key: Option<&str>,
    citizen: &Citizen,
) -> Result<Option<Appointment>, Response> {
    let a = state.db.appointment(tid, id).await.map_err(internal)?;
    // The link's key works until the end of the appointment's day; the owning account's
    // session always does.
    let now = rathaus_app::clock::now_millis();
    Ok(a.filter(|a| {
        (key_fits(a, key) && now < day_start(local_date(a.ends_at).saturating_add(1.day())))
            || owns(a, citizen)
    }))
}

/// Whether the appointment belongs to the logged-in account.
fn owns(a: &Appointment, citizen: &Citizen) -> bool {
    a.account_id.is_some() && a.account_id.as_deref() == citizen.account_id()
}

/// What the templates, mails and the `.ics` file need of an appointment.
struct ApptView {
    id: String,
    code: String,
    services: Vec<String>,
    starts_at: i64,
    ends_at: i64,
    name: String,
    email: String,
    status: String,
    sequence: i64,
    lang: String,
}

fn a_view(a: &NewAppointment) -> ApptView {
    ApptView {
        id: a.id.clone(),
        code: a.code.clone(),
        services: serde_json::from_str(&a.services).unwrap_or_default(),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        name: a.name.clone(),
        email: a.email.clone(),
        status: "booked".into(),
        sequence: 0,
        lang: a.lang.clone(),
    }
}

fn stored_view(a: &Appointment) -> ApptView {
    ApptView {
        id: a.id.clone(),
        code: a.code.clone(),
        services: a.services(),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        name: a.name.clone(),
        email: a.email.clone(),
        status: a.status.clone(),
        sequence: (a.updated_at - a.created_at).max(0) / 1000,
        lang: a.lang.clone(),
    }
}

/// The appointment as an iCalendar file (RFC 5545), times in UTC.
fn ics(
    state: &AppState,
    t: &TenantDef,
    o: &OfficeDef,
    def: &CalendarDef,
    a: &ApptView,
    key: Option<&str>,
    lang: Lang,
) -> String {
    use icalendar::{Component, EventLike};
    let utc = |ms: i64| {
        jiff::Timestamp::from_millisecond(ms)
            .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string()
    };
    let base = state.config.public_url.trim_end_matches('/');
    let host = base
        .split("://")
        .nth(1)
        .unwrap_or("rathaus.invalid")
        .split(['/', ':'])
        .next()
        .unwrap_or("rathaus.invalid");
    let services = service_names(def, &a.services, lang).join(", ");
    let office = o.name.get(lang).0;
    let mut description = match lang {
        Lang::De => format!("Buchungscode: {}\nAnliegen: {services}", a.code),
        Lang::En => format!("Booking code: {}\nServices: {services}", a.code),
    };
    if let Some(k) = key {
        description.push_str(&format!(
            "\n{}: {base}{}",
            match lang {
                Lang::De => "Verlegen oder absagen",
                Lang::En => "Move or cancel",
            },
            with_key(&manage_base(t.id.as_str(), &a.id), Some(k))
        ));
    }
    let cancelled = a.status == "cancelled";
    let event = icalendar::Event::new()
        .uid(&format!("{}@{host}", a.id))
        .summary(&format!("{office} – {services}"))
        .location(&format!(
            "{}, {} {} {}, {} {}",
            o.name.get(lang).0,
            t.name.get(lang).0,
            o.address.street,
            o.address.house_number,
            o.address.postal_code,
            o.address.city
        ))
        .description(&description)
        .add_property("DTSTART", utc(a.starts_at))
        .add_property("DTEND", utc(a.ends_at))
        .add_property("DTSTAMP", utc(rathaus_app::clock::now_millis()))
        .add_property("SEQUENCE", a.sequence.to_string())
        .add_property("STATUS", if cancelled { "CANCELLED" } else { "CONFIRMED" })
        .done();
    let mut cal = icalendar::Calendar::new();
    cal.push(event);
    cal.append_property(("METHOD", "PUBLISH"));
    cal.to_string()
}

/// The mail of a booking, a move, a cancellation (`event`: `booked`, `moved`,
/// `cancelled`) or the reminder (`reminder`), with the `.ics` attached. The link opens the
/// appointment with `key`, or (without it) in its account's session.
#[allow(clippy::too_many_arguments)]
fn appointment_mail(
    state: &AppState,
    page: &Page<'_>,
    t: &TenantDef,
    o: &OfficeDef,
    def: &CalendarDef,
    a: &ApptView,
    key: Option<&str>,
    event: &str,
) -> rathaus_store::QueuedMail {
    let lang = Lang::parse(&a.lang).unwrap_or(Lang::De);
    let m = &page.theme().messages;
    let base = state.config.public_url.trim_end_matches('/');
    let mut args = FluentArgs::new();
    args.set("name", a.name.clone());
    args.set("office", o.name.get(lang).0.to_owned());
    args.set("authority", t.name.get(lang).0.to_owned());
    args.set(
        "address",
        format!(
            "{} {}, {} {}",
            o.address.street, o.address.house_number, o.address.postal_code, o.address.city
        ),
    );
    args.set("date", date_label_in(page, lang, local_date(a.starts_at)));
    args.set("time", time_label(a.starts_at));
    args.set("code", a.code.clone());
    args.set("services", service_names(def, &a.services, lang).join(", "));
    args.set(
        "link",
        format!(
            "{base}{}",
            with_key(&manage_base(t.id.as_str(), &a.id), key)
        ),
    );
    let payload = rathaus_jobs::MailPayload {
        to: a.email.clone(),
        subject: m.get(lang, &format!("appt-mail-{event}-subject"), Some(&args)),
        body: m.get(lang, &format!("appt-mail-{event}-body"), Some(&args)),
        attachment: Some(rathaus_jobs::MailAttachment {
            filename: "termin.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            content: ics(state, t, o, def, a, key, lang),
        }),
    };
    // The outbox id makes each mail go out once: a reminder once per start time (a moved
    // appointment is reminded again), every change mail once.
    let id = if event == "reminder" {
        format!("appt.{}.reminder.{}", a.id, a.starts_at)
    } else {
        format!("appt.{}.{event}.{}", a.id, rathaus_app::clock::now_millis())
    };
    Some((id, serde_json::to_string(&payload).unwrap_or_default()))
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
    let a = match authorized(&state, &tid, &id, q.k.as_deref(), &citizen).await {
        Ok(Some(a)) => a,
        Ok(None) => return page.gone(),
        Err(r) => return r,
    };
    let Some((o, def)) = calendar_of(t, &a.office_id) else {
        return page.gone();
    };
    let lang = prefs.lang;
    let (jar, token) = csrf::token(jar);
    let key = q.k.clone();
    let base = manage_base(&tid, &a.id);
    let now = rathaus_app::clock::now_millis();
    let checked_in = match state.db.checked_in(&a.id).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let ahead = a.starts_at > now && !checked_in;
    let view = json!({
        "code": a.code,
        "date": date_label(&page, local_date(a.starts_at)),
        "time": time_label(a.starts_at),
        "end": time_label(a.ends_at),
        "services": service_names(def, &a.services(), lang),
        "minutes": (a.ends_at - a.starts_at) / 60_000,
        // Opened by the mail's link alone, the page shows no personal data.
        "name": owns(&a, &citizen).then(|| a.name.clone()),
        "email": owns(&a, &citizen).then(|| a.email.clone()),
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
    let a = match authorized(&state, &tid, &id, q.k.as_deref(), &citizen).await {
        Ok(Some(a)) => a,
        Ok(None) => return page.gone(),
        Err(r) => return r,
    };
    let Some((o, def)) = calendar_of(t, &a.office_id) else {
        return page.gone();
    };
    let body = ics(
        &state,
        t,
        o,
        def,
        &stored_view(&a),
        q.k.as_deref(),
        prefs.lang,
    );
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
    let (t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, one(&p, "_csrf").as_deref()) {
        return page.forbidden();
    }
    let key = one(&p, "k");
    let a = match authorized(&state, &tid, &id, key.as_deref(), &citizen).await {
        Ok(Some(a)) => a,
        Ok(None) => return page.gone(),
        Err(r) => return r,
    };
    let Some((o, def)) = calendar_of(t, &a.office_id) else {
        return page.gone();
    };
    let mut v = stored_view(&a);
    v.status = "cancelled".into();
    v.sequence += 1;
    let mail = appointment_mail(&state, &page, t, o, def, &v, key.as_deref(), "cancelled");
    match state.db.cancel_appointment(&tid, &id, mail).await {
        Ok(true) => audit(&state, &tid, &citizen, "cancel_appointment", &id).await,
        Ok(false) => {}
        Err(e) => return internal(e),
    }
    crate::redirect::to(&format!(
        "{}{}geaendert=abgesagt",
        with_key(&manage_base(&tid, &id), key.as_deref()),
        if key.is_some() { "&" } else { "?" }
    ))
    .into_response()
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
    let a = match authorized(&state, &tid, &id, key.as_deref(), &citizen).await {
        Ok(Some(a)) if a.status == "booked" => a,
        Ok(_) => return page.gone(),
        Err(r) => return r,
    };
    let mut pairs: Pairs = a
        .services()
        .into_iter()
        .map(|s| ("leistung".to_owned(), s))
        .collect();
    if let Some(b) = one(&p, "beginn") {
        pairs.push(("beginn".into(), b));
    }
    let w = match wanted(&page, t, &a.office_id, &pairs) {
        Ok(w) => w,
        Err(r) => return *r,
    };
    let counters = match still_free(&state, &page, &tid, &w, Some(&a.id)).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let end = w.start + i64::from(w.minutes) * 60_000;
    let mut v = stored_view(&a);
    v.starts_at = w.start;
    v.ends_at = end;
    v.sequence += 1;
    let mail = appointment_mail(
        &state,
        &page,
        t,
        w.office,
        w.def,
        &v,
        key.as_deref(),
        "moved",
    );
    match state
        .db
        .move_appointment(&tid, &id, w.start, end, &counters, mail)
        .await
    {
        Ok(BookOutcome::Booked(_)) => {
            audit(&state, &tid, &citizen, "move_appointment", &id).await;
            crate::redirect::to(&format!(
                "{}{}geaendert=verlegt",
                with_key(&manage_base(&tid, &id), key.as_deref()),
                if key.is_some() { "&" } else { "?" }
            ))
            .into_response()
        }
        Ok(BookOutcome::Taken) => taken(&page, &tid, &w),
        Ok(_) => page.gone(),
        Err(e) => internal(e),
    }
}

// ----- reminders and clean-up -------------------------------------------------------------

/// Queues the reminder of every appointment of tomorrow (Berlin) that was booked at least a
/// day ahead, erases personal data of appointments long past, and forgets idle rate-limit
/// entries. Runs every minute or so; each reminder goes out once.
pub async fn remind(state: &AppState) {
    let now = rathaus_app::clock::now_millis();
    let tomorrow = local_date(now).saturating_add(1.day());
    let from = day_start(tomorrow).max(now);
    let to = day_start(tomorrow.saturating_add(1.day()));
    let due = match state.db.reminders_due(from, to, 86_400_000).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "reading due reminders failed");
            return;
        }
    };
    let site = state.site();
    for a in due {
        let Some(t) = site.catalog.tenant(&a.tenant_id) else {
            continue;
        };
        let Some((o, def)) = calendar_of(t, &a.office_id) else {
            continue;
        };
        let prefs = Prefs {
            lang: Lang::parse(&a.lang).unwrap_or(Lang::De),
            here: String::new(),
        };
        let page = Page::new(&site, &prefs, Some(t));
        // No key: it is only ever in the confirmation (the body links nothing).
        let mail = appointment_mail(state, &page, t, o, def, &stored_view(&a), None, "reminder");
        if let Err(e) = state.db.mark_reminded(&a.tenant_id, &a.id, mail).await {
            tracing::warn!(error = %e, "queueing a reminder failed");
        }
    }
    if let Err(e) = state
        .db
        .purge_appointments(now - KEEP_PERSONAL_DATA_MS)
        .await
    {
        tracing::warn!(error = %e, "erasing old appointment data failed");
    }
    state.bookings.tidy();
}

/// A citizen's upcoming appointments for Mein Bereich.
pub(crate) async fn of_account(
    state: &AppState,
    page: &Page<'_>,
    t: &TenantDef,
    account: &str,
) -> Vec<Json> {
    let list = state
        .db
        .appointments_of_account(t.id.as_str(), account, false)
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
