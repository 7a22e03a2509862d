//! Appointments from an app, shaped close to the citizen API of Munich's eappointment
//! (`offices-and-services`, `available-days`, `available-appointments` with `officeId`,
//! `serviceId`, `startDate`/`endDate`/`date`, times as Unix seconds), so clients written
//! for it map easily. Booking, moving and cancelling are the web's operations: the same
//! calendar rules, limits per address and e-mail, mails with `.ics`.
//!
//! An appointment is opened by its owner's account token or by its `authKey` — sent in
//! the `X-Auth-Key` header or the body, never in a URL.

use super::auth::caller;
use super::lang;
use super::model::{Address, ApiLang, Office};
use crate::kit::paths;
use crate::kit::problem::{FieldProblem, Problem};
use crate::kit::{ClientIp, Prefs, St};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::civil::Date;
use rathaus_app::access::Citizen;
use rathaus_app::appointments::{
    calendar_of, Booking, Contact, NotBookable, OwnAppointment, Wanted,
};
use rathaus_domain::appointment::{local_date, AppointmentStatus, VisitError};
use rathaus_domain::{Lang, TenantDef};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

type Answer = Result<Response, Problem>;

/// The header that carries an appointment's key.
pub const AUTH_KEY: &str = "x-auth-key";

fn private<T: Serialize>(status: StatusCode, lang: Lang, value: &T) -> Response {
    (
        status,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_LANGUAGE, lang.code()),
        ],
        Json(value),
    )
        .into_response()
}

fn bad_body(e: JsonRejection) -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "invalid-body",
        "Invalid request body",
    )
    .detail(e.body_text())
}

fn portal<'s>(site: &'s crate::kit::Site, tid: &str) -> Result<&'s TenantDef, Problem> {
    site.catalog
        .tenant(tid)
        .ok_or_else(|| Problem::not_found().detail(format!("no portal '{tid}'")))
}

/// The citizen of the request's token, if it sends one (booking needs none).
async fn maybe_caller(state: &St, tid: &str, headers: &HeaderMap) -> Result<Citizen, Problem> {
    if headers.contains_key(header::AUTHORIZATION) {
        caller(state, tid, headers).await
    } else {
        Ok(Citizen::default())
    }
}

// ----- offices, services and free times ----------------------------------------------------------

/// A service that can be booked at an office.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookableService {
    pub id: String,
    pub name: String,
    /// How long the visit takes; several services in one visit add up.
    pub minutes: u32,
    /// The offices that take it.
    pub office_ids: Vec<String>,
    /// The online service it belongs to, if any (its receipt offers the appointment).
    pub online_service: Option<String>,
}

/// An office that takes appointments.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookableOffice {
    pub id: String,
    pub name: String,
    pub address: Address,
    /// The services it takes (ids, as in `services`).
    pub service_ids: Vec<String>,
    /// Appointments start on this grid (minutes).
    pub slot_minutes: u32,
    /// How many days ahead one can book.
    pub horizon_days: u32,
    /// The office in the catalogue (hours, accessibility).
    pub href: String,
}

/// The offices of a portal that take appointments, and their services.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficesAndServices {
    pub offices: Vec<BookableOffice>,
    pub services: Vec<BookableService>,
}

/// Offices with online appointments and what can be booked at each.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/appointments/offices-and-services",
    tag = "appointments",
    operation_id = "officesAndServices",
    params(("tenant" = String, Path, description = "The portal's id"), super::model::LangQuery),
    responses(
        (status = 200, description = "Offices and services", body = OfficesAndServices),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn offices_and_services(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Result<Query<super::model::LangQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let mut offices = Vec::new();
    let mut services: BTreeMap<String, BookableService> = BTreeMap::new();
    for o in &t.offices {
        let Some(cal) = &o.appointments else {
            continue;
        };
        let office = Office::of(t, o, l);
        for s in &cal.services {
            let entry = services
                .entry(s.id.clone())
                .or_insert_with(|| BookableService {
                    id: s.id.clone(),
                    name: s.name.get(l).0.to_owned(),
                    minutes: s.minutes,
                    office_ids: Vec::new(),
                    online_service: s.service.as_ref().map(|x| x.to_string()),
                });
            entry.office_ids.push(office.id.clone());
        }
        offices.push(BookableOffice {
            id: office.id,
            name: office.name,
            address: office.address,
            service_ids: cal.services.iter().map(|s| s.id.clone()).collect(),
            slot_minutes: cal.slot_minutes,
            horizon_days: cal.horizon_days,
            href: office.href,
        });
    }
    let body = OfficesAndServices {
        offices,
        services: services.into_values().collect(),
    };
    Ok(super::cached(&headers, l, &body))
}

/// `?officeId=&serviceId=&startDate=&endDate=`: the days with free times for a visit.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DaysQuery {
    pub office_id: String,
    /// The services of the visit, comma-separated (their minutes add up; at most five).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*(,[a-z0-9]+(-[a-z0-9]+)*){0,4}$")]
    pub service_id: String,
    /// First day, `YYYY-MM-DD` (default: the first bookable day).
    #[param(format = Date)]
    pub start_date: Option<String>,
    /// Last day, `YYYY-MM-DD` (default: the end of the booking horizon).
    #[param(format = Date)]
    pub end_date: Option<String>,
}

/// A day with free times.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableDay {
    /// The day, `YYYY-MM-DD` (Europe/Berlin).
    pub time: String,
    /// How many start times are free that day.
    pub count: usize,
}

/// Days with free times.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AvailableDays {
    pub available_days: Vec<AvailableDay>,
}

fn services_of(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn date_param(v: Option<&str>, name: &str) -> Result<Option<Date>, Problem> {
    v.map(|d| {
        d.parse::<Date>()
            .map_err(|_| Problem::invalid_parameter(format!("{name} must be YYYY-MM-DD")))
    })
    .transpose()
}

/// Every free slot of a visit at an office, or why there is none to ask for.
async fn slots(
    state: &St,
    t: &TenantDef,
    oid: &str,
    services: &[String],
    only: Option<Date>,
) -> Result<Vec<rathaus_domain::appointment::Slot>, Problem> {
    let (o, def) = calendar_of(t, oid).ok_or_else(|| {
        Problem::not_found().detail(format!("no office '{oid}' with appointments"))
    })?;
    let cal = def.with(&o.opening_hours);
    if services.len() > rathaus_app::appointments::MAX_SERVICES {
        return Err(Problem::invalid_parameter(
            "too many services for one visit",
        ));
    }
    let minutes = cal.visit_minutes(services).map_err(|e| match e {
        VisitError::TooLong { .. } => {
            Problem::invalid_parameter("these services together take longer than a visit may")
        }
        _ => Problem::not_found().detail("serviceId names no service of this office"),
    })?;
    Ok(rathaus_app::appointments::free_slots(
        &state.app,
        t.id.as_str(),
        oid,
        cal,
        minutes,
        None,
        only,
    )
    .await?)
}

/// The days with free times for a visit of the given services.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/appointments/available-days",
    tag = "appointments",
    operation_id = "availableDays",
    params(("tenant" = String, Path, description = "The portal's id"), DaysQuery),
    responses(
        (status = 200, description = "The days", body = AvailableDays),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal or office", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn available_days(
    state: St,
    Path(tid): Path<String>,
    q: Result<Query<DaysQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let site = state.site();
    let t = portal(&site, &tid)?;
    let from = date_param(q.start_date.as_deref(), "startDate")?;
    let to = date_param(q.end_date.as_deref(), "endDate")?;
    let all = slots(&state, t, &q.office_id, &services_of(&q.service_id), None).await?;
    let mut days: BTreeMap<Date, usize> = BTreeMap::new();
    for s in &all {
        let d = local_date(s.start_ms);
        if from.is_none_or(|f| d >= f) && to.is_none_or(|e| d <= e) {
            *days.entry(d).or_default() += 1;
        }
    }
    let body = AvailableDays {
        available_days: days
            .into_iter()
            .map(|(d, count)| AvailableDay {
                time: d.to_string(),
                count,
            })
            .collect(),
    };
    Ok(private(StatusCode::OK, Lang::De, &body))
}

/// `?officeId=&serviceId=&date=`: the free times of a day.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TimesQuery {
    pub office_id: String,
    /// The services of the visit, comma-separated (at most five).
    #[param(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*(,[a-z0-9]+(-[a-z0-9]+)*){0,4}$")]
    pub service_id: String,
    /// The day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub date: String,
}

/// The free start times of one office.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct OfficeTimes {
    pub office_id: String,
    /// Start times, Unix seconds.
    pub appointments: Vec<i64>,
}

/// Free start times.
#[derive(Debug, Serialize, ToSchema)]
pub struct AvailableAppointments {
    pub offices: Vec<OfficeTimes>,
}

/// The free start times of a day for a visit of the given services.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/appointments/available-appointments",
    tag = "appointments",
    operation_id = "availableAppointments",
    params(("tenant" = String, Path, description = "The portal's id"), TimesQuery),
    responses(
        (status = 200, description = "The times", body = AvailableAppointments),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal or office", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn available_appointments(
    state: St,
    Path(tid): Path<String>,
    q: Result<Query<TimesQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let site = state.site();
    let t = portal(&site, &tid)?;
    let day = date_param(Some(&q.date), "date")?;
    let list = slots(&state, t, &q.office_id, &services_of(&q.service_id), day).await?;
    let body = AvailableAppointments {
        offices: vec![OfficeTimes {
            office_id: q.office_id.clone(),
            appointments: list.iter().map(|s| s.start_ms / 1000).collect(),
        }],
    };
    Ok(private(StatusCode::OK, Lang::De, &body))
}

// ----- booking and the booked appointment ---------------------------------------------------------

/// A booking.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BookRequest {
    pub office_id: String,
    /// The services of the visit.
    pub service_id: Vec<String>,
    /// The start, Unix seconds (one of `available-appointments`).
    pub timestamp: i64,
    /// The name the appointment is booked under.
    pub family_name: String,
    /// Where the confirmation (with `.ics`) and the reminder go.
    pub email: String,
    /// Consent to storing name and e-mail for the appointment (deleted 30 days after it).
    pub consent: bool,
    /// The application the visit belongs to (its id), if any.
    pub application: Option<String>,
}

/// A booked appointment.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AppointmentModel {
    /// The appointment's id.
    pub process_id: String,
    /// The key that opens, moves and cancels it (send it as `X-Auth-Key`); only in the
    /// booking's answer, and in the confirmation mail's link.
    pub auth_key: Option<String>,
    /// The code to show at the office's check-in.
    pub code: String,
    pub office_id: String,
    pub service_id: Vec<String>,
    /// Start and end, Unix seconds.
    pub timestamp: i64,
    pub end: i64,
    /// `booked`, `cancelled`, …
    pub status: String,
    /// Whether it can still be moved or cancelled (not begun, not checked in).
    pub changeable: bool,
    /// The application's reference, if it belongs to one.
    pub reference: Option<String>,
    /// Name and e-mail: only for the account that booked it.
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub href: String,
    /// The calendar file.
    pub ics: String,
}

async fn model(
    state: &St,
    own: &OwnAppointment,
    key: Option<String>,
) -> Result<AppointmentModel, Problem> {
    let a = &own.appointment;
    Ok(AppointmentModel {
        process_id: a.id.clone(),
        auth_key: key,
        code: a.code.clone(),
        office_id: a.office_id.clone(),
        service_id: a.services(),
        timestamp: a.starts_at / 1000,
        end: a.ends_at / 1000,
        status: serde_json::to_value(a.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        changeable: a.status == AppointmentStatus::Booked && own.ahead(&state.app).await?,
        reference: a.reference.clone(),
        family_name: own.by_owner.then(|| a.name.clone()),
        email: own.by_owner.then(|| a.email.clone()),
        href: paths::api_appointment(&a.tenant_id, &a.id),
        ics: paths::api_appointment_ics(&a.tenant_id, &a.id),
    })
}

fn wanted_or_problem<'t>(
    t: &'t TenantDef,
    oid: &str,
    services: Vec<String>,
    start_secs: i64,
    draft: Option<String>,
) -> Result<Wanted<'t>, Problem> {
    let start = start_secs.checked_mul(1000);
    rathaus_app::appointments::wanted(t, oid, services, start, draft).map_err(|e| match e {
        NotBookable::NoOffice => {
            Problem::not_found().detail(format!("no office '{oid}' with appointments"))
        }
        NotBookable::Choose => {
            Problem::invalid_parameter("the services or the time do not make a visit")
        }
    })
}

fn taken() -> Problem {
    Problem::new(StatusCode::CONFLICT, "taken", "Time taken")
        .detail("this time is no longer free (or no longer offered); choose another one")
}

/// Books a visit (with or without a token; an account's token ties it to the account).
/// Name and e-mail are checked as on the web; each address may book only so often.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/appointments",
    tag = "appointments",
    operation_id = "bookAppointment",
    security((), ("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id"), super::model::LangQuery),
    request_body(content = BookRequest, content_type = "application/json"),
    responses(
        (status = 201, description = "Booked", body = AppointmentModel),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token that does not hold", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal or office", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The time is taken (`taken`)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Name, e-mail or consent (`errors`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many bookings from this address", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn book(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(tid): Path<String>,
    q: Result<Query<super::model::LangQuery>, QueryRejection>,
    body: Result<Json<BookRequest>, JsonRejection>,
) -> Answer {
    let c = maybe_caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let Json(b) = body.map_err(bad_body)?;
    let l = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let w = wanted_or_problem(t, &b.office_id, b.service_id, b.timestamp, b.application)?;
    let contact = Contact {
        name: b.family_name.trim().to_owned(),
        email: b.email.trim().to_owned(),
        consent: b.consent,
    };
    match rathaus_app::appointments::book(&state.app, &c, ip, t, &w, &contact, l).await? {
        Booking::Booked { id, key } => {
            let own =
                rathaus_app::appointments::open(&state.app, &tid, &id, Some(&key), &c).await?;
            let m = model(&state, &own, Some(key)).await?;
            let mut res = private(StatusCode::CREATED, l, &m);
            if let Ok(v) = HeaderValue::from_str(&m.href) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            Ok(res)
        }
        Booking::Invalid(errors) => {
            let words = site.core.words(&tid, l);
            let names = |f: &str| match f {
                "name" => "familyName".to_owned(),
                other => other.to_owned(),
            };
            Err(Problem::invalid_answers(
                errors
                    .iter()
                    .map(|(f, m)| FieldProblem {
                        field: names(f),
                        message: words.text(m),
                    })
                    .collect(),
            ))
        }
        Booking::RateLimited => Err(Problem::too_many(
            "too many bookings from this address; try again in an hour",
            3600,
        )),
        Booking::Taken => Err(taken()),
    }
}

/// The key of the request: `X-Auth-Key`, else the body's.
fn key_of(headers: &HeaderMap, body: Option<&str>) -> Option<String> {
    headers
        .get(AUTH_KEY)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| body.map(str::to_owned))
        .filter(|k| !k.is_empty() && k.len() <= 200)
}

/// The appointment `id`, for its key or its owner's token.
async fn opened(
    state: &St,
    tid: &str,
    id: &str,
    headers: &HeaderMap,
    body_key: Option<&str>,
) -> Result<(OwnAppointment, Citizen), Problem> {
    let c = maybe_caller(state, tid, headers).await?;
    let key = key_of(headers, body_key);
    let own = rathaus_app::appointments::open(&state.app, tid, id, key.as_deref(), &c)
        .await
        .map_err(|_| Problem::not_found().detail("no such appointment for this key or account"))?;
    Ok((own, c))
}

/// A booked appointment, for its `X-Auth-Key` or the token of the account that booked it.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/appointments/{id}",
    tag = "appointments",
    operation_id = "getAppointment",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The appointment's id (`processId`)"),
        ("X-Auth-Key" = Option<String>, Header, description = "The appointment's key"),
    ),
    responses(
        (status = 200, description = "The appointment", body = AppointmentModel),
        (status = 401, description = "A token that does not hold", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment for this key or account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn appointment(
    state: St,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
) -> Answer {
    let (own, _) = opened(&state, &tid, &id, &headers, None).await?;
    let m = model(&state, &own, None).await?;
    Ok(private(StatusCode::OK, Lang::De, &m))
}

/// The appointment as an iCalendar file (RFC 5545).
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/appointments/{id}/ics",
    tag = "appointments",
    operation_id = "getAppointmentIcs",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The appointment's id"),
        ("X-Auth-Key" = Option<String>, Header, description = "The appointment's key"),
        super::model::LangQuery
    ),
    responses(
        (status = 200, description = "The calendar file", content_type = "text/calendar", body = String),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token that does not hold", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment for this key or account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn ics(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<super::model::LangQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let (own, _) = opened(&state, &tid, &id, &headers, None).await?;
    let site = state.site();
    let t = portal(&site, &tid)?;
    let (o, def) = calendar_of(t, &own.appointment.office_id).ok_or_else(Problem::not_found)?;
    let visit = rathaus_app::appointments::Visit::stored(&own.appointment);
    let body = rathaus_app::appointments::ics(&state.app, t, o, def, &visit, own.key.as_deref(), l);
    Ok(crate::kit::download(
        "text/calendar; charset=utf-8",
        "attachment; filename=\"termin.ics\"",
        body,
    ))
}

/// Cancelling: the key, if not sent as `X-Auth-Key`.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CancelRequest {
    pub auth_key: Option<String>,
}

/// Moving: the new start; the key, if not sent as `X-Auth-Key`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MoveRequest {
    /// The new start, Unix seconds (one of `available-appointments`).
    pub timestamp: i64,
    pub auth_key: Option<String>,
}

/// Cancels the appointment; its time is free again at once (a mail confirms it).
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/appointments/{id}/cancel",
    tag = "appointments",
    operation_id = "cancelAppointment",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The appointment's id"),
        ("X-Auth-Key" = Option<String>, Header, description = "The appointment's key"),
    ),
    request_body(content = Option<CancelRequest>, content_type = "application/json"),
    responses(
        (status = 200, description = "Cancelled", body = AppointmentModel),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token that does not hold", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment for this key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It has begun or the visitor has checked in", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn cancel(
    state: St,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Answer {
    // The body is optional (the key may come as a header): none, `null` or the object.
    let b: CancelRequest = if body.iter().all(u8::is_ascii_whitespace) {
        CancelRequest::default()
    } else {
        serde_json::from_slice::<Option<CancelRequest>>(&body)
            .map_err(|e| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "invalid-body",
                    "Invalid request body",
                )
                .detail(e.to_string())
            })?
            .unwrap_or_default()
    };
    let (own, c) = opened(&state, &tid, &id, &headers, b.auth_key.as_deref()).await?;
    if own.appointment.status == AppointmentStatus::Booked {
        if !own.ahead(&state.app).await? {
            return Err(Problem::conflict(
                "the appointment has begun or the visitor has checked in",
            ));
        }
        rathaus_app::appointments::cancel(&state.app, &c, &own).await?;
    }
    let (own, _) = opened(&state, &tid, &id, &headers, b.auth_key.as_deref()).await?;
    Ok(private(
        StatusCode::OK,
        Lang::De,
        &model(&state, &own, None).await?,
    ))
}

/// Moves the appointment to another free time (`timestamp`); if that was taken meanwhile,
/// the old time is kept (`409 taken`).
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/appointments/{id}/move",
    tag = "appointments",
    operation_id = "moveAppointment",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The appointment's id"),
        ("X-Auth-Key" = Option<String>, Header, description = "The appointment's key"),
    ),
    request_body(content = MoveRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "Moved", body = AppointmentModel),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "A token that does not hold", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such appointment for this key or account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The time is taken, or the appointment can no longer be moved", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn reschedule(
    state: St,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    body: Result<Json<MoveRequest>, JsonRejection>,
) -> Answer {
    let Json(b) = body.map_err(bad_body)?;
    let start = b.timestamp;
    let (own, c) = opened(&state, &tid, &id, &headers, b.auth_key.as_deref()).await?;
    let a = &own.appointment;
    if a.status != AppointmentStatus::Booked || !own.ahead(&state.app).await? {
        return Err(Problem::conflict("the appointment can no longer be moved"));
    }
    let site = state.site();
    let t = portal(&site, &tid)?;
    let w = wanted_or_problem(t, &a.office_id, a.services(), start, None)?;
    if !rathaus_app::appointments::reschedule(&state.app, &c, &own, &w).await? {
        return Err(taken());
    }
    let (own, _) = opened(&state, &tid, &id, &headers, b.auth_key.as_deref()).await?;
    Ok(private(
        StatusCode::OK,
        Lang::De,
        &model(&state, &own, None).await?,
    ))
}

/// `?lang=`, for the list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    #[param(inline)]
    pub lang: Option<ApiLang>,
}

/// The appointments of the token's account.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentList {
    pub items: Vec<AppointmentModel>,
}

/// The upcoming appointments of the token's account.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/appointments",
    tag = "appointments",
    operation_id = "listAppointments",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id"), ListQuery),
    responses(
        (status = 200, description = "The appointments", body = AppointmentList),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Result<Query<ListQuery>, QueryRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let mut items = Vec::new();
    if let Some(account) = c.account_id() {
        for a in rathaus_app::appointments::of_account(&state.app, &tid, account).await? {
            if let Ok(own) =
                rathaus_app::appointments::open(&state.app, &tid, &a.id, None, &c).await
            {
                items.push(model(&state, &own, None).await?);
            }
        }
    }
    Ok(private(StatusCode::OK, l, &AppointmentList { items }))
}
