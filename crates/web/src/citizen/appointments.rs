//! Online appointments (Terminvergabe) for citizens, with or without an account: choose
//! services, see the next free times and a month, book with name and e-mail, get a
//! confirmation with an `.ics` file and a link to move or cancel. The operations are
//! `rathaus_app::appointments`; this module draws the pages.

use crate::kit::paths::{self, with_key};
use crate::kit::views::loc;
use crate::kit::{
    csrf, redirect, Citizen, ClientIp, Form, Page, Pairs, Prefs, Query, St, WebError, WebResult,
};
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use jiff::civil::Date;
use jiff::ToSpan;
use minijinja::context;
use rathaus_app::appointments::{
    calendar_of, date_label, service_names, time_label, Booking, Contact, NotBookable,
    OwnAppointment, Wanted, MAX_SERVICES,
};
use rathaus_app::links::encode;
use rathaus_app::texts::Words;
use rathaus_domain::appointment::{
    self as appt, local_date, AppointmentStatus, Calendar, Slot, VisitError,
};
use rathaus_domain::form::Message;
use rathaus_domain::{Lang, OfficeDef, TenantDef};
use serde_json::{json, Value as Json};
use std::collections::HashMap;

/// How many of the next free times the office page lists.
const NEXT_SLOTS: usize = 6;

fn office_view(t: &TenantDef, o: &OfficeDef, lang: Lang) -> Json {
    json!({
        "id": o.id.as_str(),
        "name": loc(&o.name, lang),
        "street": format!("{} {}", o.address.street, o.address.house_number),
        "city": format!("{} {}", o.address.postal_code, o.address.city),
        "href": paths::office(t.id.as_str(), o.id.as_str()),
        "booking_href": paths::appointment_office(t.id.as_str(), o.id.as_str()),
    })
}

fn services_query(services: &[String]) -> String {
    services
        .iter()
        .map(|s| format!("leistung={}", encode(s)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The booking page of the appointment that goes with an application of `service`, at an
/// office of the providing tenant (e.g. collecting the naturalisation certificate).
pub(super) fn for_service(t: &TenantDef, service: &str, draft: &str) -> Option<String> {
    t.offices.iter().find_map(|o| {
        let c = o.appointments.as_ref()?;
        let b = c
            .services
            .iter()
            .find(|b| b.service.as_ref().is_some_and(|s| s.as_str() == service))?;
        Some(format!(
            "{}?leistung={}&antrag={}",
            paths::appointment_office(t.id.as_str(), o.id.as_str()),
            encode(&b.id),
            encode(draft)
        ))
    })
}

/// `GET /{t}/termine`: the offices that take appointments online.
pub async fn index(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let offices: Vec<Json> = t
        .offices
        .iter()
        .filter(|o| o.appointments.is_some())
        .map(|o| office_view(t, o, prefs.lang))
        .collect();
    Ok(page.ok(
        "citizen/appointments.html",
        context! { offices, active => "appointments" },
    ))
}

// ----- the office page: services, next free times, month, day ------------------------------------

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
    fn from(p: &Pairs) -> Choice {
        Choice {
            services: p
                .all("leistung")
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect(),
            month: p.one("monat"),
            day: p.one("tag"),
            moving: p
                .one("verlegen")
                .map(|id| (id, p.one("k").unwrap_or_default())),
            draft: p.one("antrag"),
            sent: p.one("auswahl").is_some(),
        }
    }

    /// The query of this choice with `extra` (month or day) appended.
    fn href(&self, tid: &str, oid: &str, extra: &str) -> String {
        let mut q = services_query(&self.services);
        if let Some((id, k)) = &self.moving {
            q.push_str(&format!("&verlegen={}&k={}", encode(id), encode(k)));
        }
        if let Some(d) = &self.draft {
            q.push_str(&format!("&antrag={}", encode(d)));
        }
        if !extra.is_empty() {
            q.push('&');
            q.push_str(extra);
        }
        format!("{}?{q}", paths::appointment_office(tid, oid))
    }

    /// The link that books slot `start`.
    fn booking_link(&self, tid: &str, oid: &str, start: i64) -> String {
        let mut q = services_query(&self.services);
        q.push_str(&format!("&beginn={start}"));
        if let Some(d) = &self.draft {
            q.push_str(&format!("&antrag={}", encode(d)));
        }
        format!("{}?{q}", paths::appointment_book(tid, oid))
    }

    /// The length of the chosen visit, or why there is none (`Ok(None)`: nothing chosen).
    fn minutes(&self, cal: &Calendar<'_>) -> Result<Option<u32>, Message> {
        if self.services.is_empty() {
            return if self.sent {
                Err(visit_error(&VisitError::Empty))
            } else {
                Ok(None)
            };
        }
        if self.services.len() > MAX_SERVICES {
            return Err(Message::Key(
                "appt-error-too-many",
                vec![("max", MAX_SERVICES.to_string())],
            ));
        }
        cal.visit_minutes(&self.services)
            .map(Some)
            .map_err(|e| visit_error(&e))
    }
}

fn visit_error(e: &VisitError) -> Message {
    match e {
        VisitError::Empty => Message::Key("appt-error-no-service", Vec::new()),
        VisitError::Unknown(_) => Message::Key("appt-error-unknown-service", Vec::new()),
        VisitError::TooLong { max, .. } => {
            Message::Key("appt-error-too-long", vec![("max", max.to_string())])
        }
    }
}

/// The month view: weeks of days with their number of free times.
#[allow(clippy::too_many_arguments)]
fn month_view(
    w: &Words<'_>,
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
        cells.push(json!({
            "day": d.day(),
            "label": date_label(w, d),
            "free": free,
            "href": (free > 0).then(|| choice.href(tid, oid, &format!("tag={d}"))),
            "past": !(d >= first && d <= last),
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
    let name = |d: Date| format!("{} {}", w.get(&format!("month-{}", d.month())), d.year());
    json!({
        "label": name(start),
        "weeks": weeks,
        "prev": (prev >= first.first_of_month()).then(|| choice.href(tid, oid, &format!("monat={}", ym(prev)))),
        "prev_label": name(prev),
        "next": (next <= last).then(|| choice.href(tid, oid, &format!("monat={}", ym(next)))),
        "next_label": name(next),
        "weekdays": rathaus_app::appointments::weekdays().iter().map(|d| json!({
            "short": w.get(&format!("weekday-short-{d}")),
            "long": w.get(&format!("weekday-{d}")),
        })).collect::<Vec<_>>(),
    })
}

/// The free times of the chosen visit: the next ones, the month and the chosen day.
#[allow(clippy::too_many_arguments)]
async fn times(
    state: &St,
    w: &Words<'_>,
    t: &TenantDef,
    oid: &str,
    cal: Calendar<'_>,
    choice: &Choice,
    minutes: u32,
    except: Option<&str>,
) -> WebResult<(Vec<Json>, Json, Json)> {
    let tid = t.id.as_str();
    let slots =
        rathaus_app::appointments::free_slots(&state.app, tid, oid, cal, minutes, except, None)
            .await?;
    let slot_view = |s: &Slot| {
        json!({
            "start": s.start_ms, "time": time_label(s.start_ms), "end": time_label(s.end_ms),
            "date": date_label(w, local_date(s.start_ms)), "href": choice.booking_link(tid, oid, s.start_ms),
        })
    };
    let next = slots.iter().take(NEXT_SLOTS).map(slot_view).collect();
    let (first, last) = cal.bookable_days(rathaus_app::clock::now_millis());
    // The month shown: asked for (within the horizon), else that of the first free slot.
    let first_free = slots
        .first()
        .map(|s| local_date(s.start_ms))
        .unwrap_or(first);
    let asked = choice
        .month
        .as_deref()
        .and_then(|m| format!("{m}-01").parse::<Date>().ok());
    let wanted = asked
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
    let month = month_view(w, tid, oid, choice, wanted, first, last, &per_day, selected);
    let day = match selected {
        None => Json::Null,
        Some(d) => {
            let list: Vec<Json> = slots
                .iter()
                .filter(|s| local_date(s.start_ms) == d)
                .map(slot_view)
                .collect();
            let closure = cal.closure(d).map(|c| match c {
                appt::Closure::Holiday(name) => name.to_owned(),
                appt::Closure::Closed(reason) => reason
                    .map(|r| r.get(w.lang).0.to_owned())
                    .unwrap_or_else(|| w.get("appt-closed")),
            });
            json!({ "label": date_label(w, d), "slots": list, "closure": closure })
        }
    };
    Ok((next, month, day))
}

/// The appointment being moved, if the key fits or the account owns it.
async fn moving(
    state: &St,
    citizen: &Citizen,
    tid: &str,
    oid: &str,
    choice: &Choice,
) -> Result<Option<rathaus_store::Appointment>, WebError> {
    let Some((id, k)) = &choice.moving else {
        return Ok(None);
    };
    let key = Some(k.as_str()).filter(|k| !k.is_empty());
    match rathaus_app::appointments::open(&state.app, tid, id, key, citizen).await? {
        a if a.appointment.office_id == oid
            && a.appointment.status == AppointmentStatus::Booked =>
        {
            Ok(Some(a.appointment))
        }
        _ => Err(WebError::Gone),
    }
}

/// The appointment being moved, as the office page recalls it.
fn moving_view(w: &Words<'_>, tid: &str, a: &rathaus_store::Appointment, choice: &Choice) -> Json {
    let key = choice.moving.as_ref().map(|(_, k)| k.as_str());
    json!({
        "when": format!("{}, {}", date_label(w, local_date(a.starts_at)), time_label(a.starts_at)),
        "action": paths::appointment_move(tid, &a.id),
        "back": with_key(&paths::appointment(tid, &a.id), key),
        "k": key,
    })
}

/// `GET /{t}/termine/{office}`: choose services, then a time from the next free ones or
/// from the month view.
pub async fn office(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, oid)): Path<(String, String)>,
    Query(q): Query,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let (o, def) = calendar_of(t, &oid).ok_or(WebError::NotFound)?;
    let cal = def.with(&o.opening_hours);
    let lang = prefs.lang;
    let choice = Choice::from(&q);
    let moving = moving(&state, &citizen, &tid, &oid, &choice).await?;
    let w = page.words();
    let (minutes, error) = match choice.minutes(&cal) {
        Ok(m) => (m, None),
        Err(m) => (None, Some(w.text(&m))),
    };
    let (next, month, day) = match minutes {
        Some(m) => {
            times(
                &state,
                &w,
                t,
                &oid,
                cal,
                &choice,
                m,
                moving.as_ref().map(|a| a.id.as_str()),
            )
            .await?
        }
        None => (Vec::new(), Json::Null, Json::Null),
    };
    let services: Vec<Json> = def
        .services
        .iter()
        .map(|b| json!({"id": b.id, "name": loc(&b.name, lang), "minutes": b.minutes, "checked": choice.services.contains(&b.id)}))
        .collect();
    let moving_view = moving.as_ref().map(|a| moving_view(&w, &tid, a, &choice));
    let (jar, token) = csrf::token(jar);
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let res = page.render_private(
        status,
        "citizen/appointment_office.html",
        context! {
            active => "appointments",
            office => office_view(t, o, lang),
            index_href => paths::appointments(&tid),
            services, chosen => !choice.services.is_empty(), error, next, month, day, minutes,
            moving => moving_view,
            draft => choice.draft.clone(),
            moving_id => moving.as_ref().map(|a| a.id.clone()),
            moving_key => choice.moving.as_ref().map(|(_, k)| k.clone()),
            csrf => token,
            choose_action => paths::appointment_office(&tid, &oid),
        },
    );
    Ok((jar, res).into_response())
}

// ----- booking ------------------------------------------------------------------------------

/// The visit a booking request asks for; `Err` is the answer instead.
fn wanted<'a>(t: &'a TenantDef, oid: &str, p: &Pairs) -> Result<Wanted<'a>, Box<Response>> {
    let start = p.one("beginn").and_then(|s| s.parse::<i64>().ok());
    match rathaus_app::appointments::wanted(t, oid, p.all("leistung"), start, p.one("antrag")) {
        Ok(w) => Ok(w),
        Err(NotBookable::NoOffice) => Err(Box::new(WebError::NotFound.into_response())),
        Err(NotBookable::Choose) => Err(Box::new(redirect::to(&paths::appointment_office(
            t.id.as_str(),
            oid,
        )))),
    }
}

/// The time was taken meanwhile: back to the office page with the same services.
fn taken(page: &Page<'_>, tid: &str, w: &Wanted<'_>) -> Response {
    let back = format!(
        "{}?{}",
        paths::appointment_office(tid, w.office.id.as_str()),
        services_query(&w.services)
    );
    page.render_private(
        StatusCode::CONFLICT,
        "citizen/appointment_notice.html",
        context! { active => "appointments", title_key => "appt-taken-title", text_key => "appt-taken-text", back },
    )
}

/// The booking form with what was typed and its errors.
fn booking_form(
    page: &Page<'_>,
    t: &TenantDef,
    w: &Wanted<'_>,
    contact: &Contact,
    errors: &[(&'static str, String)],
    token: &str,
    status: StatusCode,
) -> Response {
    let tid = t.id.as_str();
    let oid = w.office.id.as_str();
    let lang = page.lang();
    let error_of = |f: &str| errors.iter().find(|(k, _)| *k == f).map(|(_, m)| m.clone());
    let words = page.words();
    let summary = json!({
        "office": office_view(t, w.office, lang),
        "services": service_names(w.def, &w.services, lang),
        "minutes": w.minutes,
        "date": date_label(&words, local_date(w.start)),
        "time": time_label(w.start),
        "end": time_label(w.start + i64::from(w.minutes) * 60_000),
    });
    page.render_private(
        status,
        "citizen/appointment_book.html",
        context! {
            active => "appointments", summary,
            action => paths::appointment_book(tid, oid),
            change_href => format!("{}?{}", paths::appointment_office(tid, oid), services_query(&w.services)),
            services => w.services.clone(), start => w.start, draft => w.draft.clone(),
            name => contact.name.clone(), email => contact.email.clone(), consent => contact.consent,
            errors => errors.iter().map(|(f, m)| json!({"field": f, "message": m})).collect::<Vec<_>>(),
            name_error => error_of("name"), email_error => error_of("email"), consent_error => error_of("consent"),
            privacy_href => paths::privacy(tid),
            provider => loc(&t.name, lang),
            max_name => rathaus_app::appointments::MAX_NAME_CHARS,
            csrf => token,
        },
    )
}

/// `GET /{t}/termine/{office}/buchen`: name and e-mail for the chosen time (an account's
/// prefilled).
pub async fn book_form(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, oid)): Path<(String, String)>,
    Query(q): Query,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let w = match wanted(t, &oid, &q) {
        Ok(w) => w,
        Err(r) => return Ok(*r),
    };
    if rathaus_app::appointments::still_free(&state.app, &tid, &w, None)
        .await?
        .is_none()
    {
        return Ok(taken(&page, &tid, &w));
    }
    let p = rathaus_app::accounts::profile(&state.app, &tid, &citizen).await?;
    let name = [p.given_name, p.family_name]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let contact = Contact {
        name,
        email: p.email.unwrap_or_default(),
        consent: false,
    };
    let (jar, token) = csrf::token(jar);
    Ok((
        jar,
        booking_form(&page, t, &w, &contact, &[], &token, StatusCode::OK),
    )
        .into_response())
}

/// `POST /{t}/termine/{office}/buchen`.
pub async fn book(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    ip: ClientIp,
    Path((tid, oid)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let w = match wanted(t, &oid, &p) {
        Ok(w) => w,
        Err(r) => return Ok(*r),
    };
    let contact = Contact {
        name: p.one("name").unwrap_or_default(),
        email: p.one("email").unwrap_or_default(),
        consent: p.one("einwilligung").as_deref() == Some("ja"),
    };
    let (jar, token) = csrf::token(jar);
    let res = match rathaus_app::appointments::book(
        &state.app, &citizen, ip.0, t, &w, &contact, prefs.lang,
    )
    .await?
    {
        Booking::Booked { id, key } => redirect::to(&format!(
            "{}&geaendert=gebucht",
            with_key(&paths::appointment(&tid, &id), Some(&key))
        )),
        Booking::Invalid(errors) => {
            let words = page.words();
            let errors: Vec<_> = errors.iter().map(|(f, m)| (*f, words.text(m))).collect();
            booking_form(
                &page,
                t,
                &w,
                &contact,
                &errors,
                &token,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Booking::RateLimited => {
            let mut res = page.render_private(
                StatusCode::TOO_MANY_REQUESTS,
                "citizen/appointment_notice.html",
                context! { active => "appointments", title_key => "appt-rate-title", text_key => "appt-rate-text", back => paths::appointment_office(&tid, &oid) },
            );
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("3600"));
            res
        }
        Booking::Taken => taken(&page, &tid, &w),
    };
    Ok((jar, res).into_response())
}

// ----- an appointment once booked ------------------------------------------------------------

/// The appointment of the path, opened by the link's key or its owner; else "gone".
async fn opened(
    state: &St,
    tid: &str,
    id: &str,
    key: Option<&str>,
    citizen: &Citizen,
) -> Result<OwnAppointment, WebError> {
    Ok(rathaus_app::appointments::open(&state.app, tid, id, key, citizen).await?)
}

/// `GET /{t}/termin/{id}`: the appointment with its code, calendar file, move and cancel.
/// Opened by the mail's link alone, the page shows no personal data.
pub async fn manage(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Query(q): Query,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let key = q.one("k");
    let own = opened(&state, &tid, &id, key.as_deref(), &citizen).await?;
    let a = &own.appointment;
    let (o, def) = calendar_of(t, &a.office_id).ok_or(WebError::Gone)?;
    let lang = prefs.lang;
    let w = page.words();
    let view = json!({
        "code": a.code,
        "date": date_label(&w, local_date(a.starts_at)),
        "time": time_label(a.starts_at),
        "end": time_label(a.ends_at),
        "services": service_names(def, &a.services(), lang),
        "minutes": (a.ends_at - a.starts_at) / 60_000,
        "name": own.by_owner.then(|| a.name.clone()),
        "email": own.by_owner.then(|| a.email.clone()),
        "cancelled": a.status == AppointmentStatus::Cancelled,
        "ahead": own.ahead(&state.app).await?,
        "reference": a.reference,
        "ics_href": with_key(&paths::appointment_ics(&tid, &a.id), key.as_deref()),
        "cancel_action": paths::appointment_cancel(&tid, &a.id),
        "move_href": format!(
            "{}?{}&verlegen={}{}",
            paths::appointment_office(&tid, &a.office_id),
            services_query(&a.services()),
            encode(&a.id),
            key.as_deref().map(|k| format!("&k={}", encode(k))).unwrap_or_default()
        ),
        "book_again": paths::appointment_office(&tid, &a.office_id),
    });
    let changed = q
        .one("geaendert")
        .filter(|c| ["gebucht", "verlegt", "abgesagt"].contains(&c.as_str()));
    let (jar, token) = csrf::token(jar);
    let res = page.private(
        "citizen/appointment.html",
        context! { active => "appointments", appt => view, office => office_view(t, o, lang), changed, key, csrf => token },
    );
    Ok((jar, res).into_response())
}

/// `GET /{t}/termin/{id}/termin.ics`.
pub async fn ics_file(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Query(q): Query,
) -> WebResult {
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or(WebError::NotFound)?;
    let key = q.one("k");
    let own = opened(&state, &tid, &id, key.as_deref(), &citizen).await?;
    let (o, def) = calendar_of(t, &own.appointment.office_id).ok_or(WebError::Gone)?;
    let visit = rathaus_app::appointments::Visit::stored(&own.appointment);
    let body =
        rathaus_app::appointments::ics(&state.app, t, o, def, &visit, key.as_deref(), prefs.lang);
    Ok(crate::kit::download(
        "text/calendar; charset=utf-8",
        "attachment; filename=\"termin.ics\"",
        body,
    ))
}

/// The appointment's page after a change, keeping the link's key.
fn changed_page(tid: &str, id: &str, key: Option<&str>, what: &str) -> Response {
    let sep = if key.is_some() { "&" } else { "?" };
    redirect::to(&format!(
        "{}{sep}geaendert={what}",
        with_key(&paths::appointment(tid, id), key)
    ))
}

/// `POST /{t}/termin/{id}/absagen`: cancels; the slot is free again at once.
pub async fn cancel(
    state: St,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Form(p, _): Form,
) -> WebResult {
    let key = p.one("k");
    let own = opened(&state, &tid, &id, key.as_deref(), &citizen).await?;
    rathaus_app::appointments::cancel(&state.app, &citizen, &own).await?;
    Ok(changed_page(&tid, &id, key.as_deref(), "abgesagt"))
}

/// `POST /{t}/termin/{id}/verlegen`: to another free time (the old one is kept if the new
/// one was taken meanwhile).
pub async fn reschedule(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Form(p, _): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let key = p.one("k");
    let own = opened(&state, &tid, &id, key.as_deref(), &citizen).await?;
    let a = &own.appointment;
    if a.status != AppointmentStatus::Booked {
        return Err(WebError::Gone);
    }
    let start = p.one("beginn").and_then(|s| s.parse::<i64>().ok());
    let w = match rathaus_app::appointments::wanted(t, &a.office_id, a.services(), start, None) {
        Ok(w) => w,
        Err(NotBookable::NoOffice) => return Err(WebError::NotFound),
        Err(NotBookable::Choose) => {
            return Ok(redirect::to(&paths::appointment_office(&tid, &a.office_id)))
        }
    };
    if rathaus_app::appointments::reschedule(&state.app, &citizen, &own, &w).await? {
        Ok(changed_page(&tid, &id, key.as_deref(), "verlegt"))
    } else {
        Ok(taken(&page, &tid, &w))
    }
}
