//! Online appointments (Terminvergabe) with or without an account: free times, booking
//! with name and e-mail, moving and cancelling, the confirmation with an `.ics` file and a
//! reminder the day before. The calendar rules live in `domain::appointment`; the database
//! decides who gets a slot (see `store::appointments`).

use crate::access::Citizen;
use crate::texts::Words;
use crate::{App, AppError, AppResult, Site};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use jiff::civil::Date;
use jiff::ToSpan;
use rathaus_domain::appointment::{
    booking_code, day_start, local, local_date, AppointmentStatus, Booked, Calendar, CalendarDef,
    Slot,
};
use rathaus_domain::form::Message;
use rathaus_domain::{Lang, OfficeDef, TenantDef};
use rathaus_store::{Appointment, AuditEvent, BookOutcome, NewAppointment, QueuedMail};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

/// Most services one visit may combine.
pub const MAX_SERVICES: usize = 5;
/// Name and e-mail of an appointment are erased this long after it.
pub const KEEP_PERSONAL_DATA_MS: i64 = 30 * 86_400_000;
/// Longest name of a booking.
pub const MAX_NAME_CHARS: usize = 100;

// ----- how often an address may book -------------------------------------------------------

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

// ----- calendars and free times --------------------------------------------------------------

/// The office `oid` of tenant `t` and its calendar, if it takes appointments.
pub fn calendar_of<'a>(t: &'a TenantDef, oid: &str) -> Option<(&'a OfficeDef, &'a CalendarDef)> {
    t.offices
        .iter()
        .find(|o| o.id.as_str() == oid)
        .and_then(|o| o.appointments.as_ref().map(|c| (o, c)))
}

/// Every free slot for a visit of `minutes` within the booking horizon (or on `only` that
/// day), leaving out the appointment `except` (the one being moved).
pub async fn free_slots(
    app: &App,
    tid: &str,
    oid: &str,
    cal: Calendar<'_>,
    minutes: u32,
    except: Option<&str>,
    only: Option<Date>,
) -> AppResult<Vec<Slot>> {
    let now = crate::clock::now_millis();
    let (first, last) = match only {
        Some(d) => (d, d),
        None => cal.bookable_days(now),
    };
    let booked = app
        .db
        .booked_slots(
            tid,
            oid,
            day_start(first),
            day_start(last.saturating_add(1.day())),
        )
        .await?;
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

/// A visit asked for: office, services, length and start (not yet checked to be free).
pub struct Wanted<'a> {
    pub office: &'a OfficeDef,
    pub def: &'a CalendarDef,
    pub services: Vec<String>,
    pub minutes: u32,
    pub start: i64,
    /// The application the visit belongs to (its draft id, as the receipt links it).
    pub draft: Option<String>,
}

/// Why a wish is not a bookable visit.
#[derive(Debug, PartialEq, Eq)]
pub enum NotBookable {
    /// The office takes no appointments (or does not exist).
    NoOffice,
    /// The services or the start do not make a visit: choose again.
    Choose,
}

/// The visit of `services` at office `oid` starting at `start`.
pub fn wanted<'a>(
    t: &'a TenantDef,
    oid: &str,
    services: Vec<String>,
    start: Option<i64>,
    draft: Option<String>,
) -> Result<Wanted<'a>, NotBookable> {
    let (office, def) = calendar_of(t, oid).ok_or(NotBookable::NoOffice)?;
    let cal = def.with(&office.opening_hours);
    let (Some(start), Ok(minutes)) = (start, cal.visit_minutes(&services)) else {
        return Err(NotBookable::Choose);
    };
    if services.len() > MAX_SERVICES {
        return Err(NotBookable::Choose);
    }
    Ok(Wanted {
        office,
        def,
        services,
        minutes,
        start,
        draft,
    })
}

/// The free counters for the wanted visit, if the slot is offered and some counter is
/// free (`except`: the appointment being moved).
pub async fn still_free(
    app: &App,
    tid: &str,
    w: &Wanted<'_>,
    except: Option<&str>,
) -> AppResult<Option<Vec<u32>>> {
    let cal = w.def.with(&w.office.opening_hours);
    let now = crate::clock::now_millis();
    if !cal.offers(w.minutes, w.start, now) {
        return Ok(None);
    }
    // Only the day of the wanted start: bookings are checked where they matter.
    let day = Some(local_date(w.start));
    let slots = free_slots(app, tid, w.office.id.as_str(), cal, w.minutes, except, day).await?;
    Ok(slots
        .iter()
        .find(|s| s.start_ms == w.start)
        .map(|s| s.counters.clone()))
}

// ----- booking ---------------------------------------------------------------------------------

/// What a citizen types to book.
#[derive(Debug, Clone, Default)]
pub struct Contact {
    pub name: String,
    pub email: String,
    pub consent: bool,
}

/// The outcome of a booking.
pub enum Booking {
    /// Booked: the appointment's id and the key of its link (only ever in the mail).
    Booked { id: String, key: String },
    /// Field errors (`name`, `email`, `consent`) to show with the form.
    Invalid(Vec<(&'static str, Message)>),
    /// Too many bookings from this address this hour.
    RateLimited,
    /// The time was taken meanwhile (or is no longer offered).
    Taken,
}

/// Text that mail programs would turn into a link.
fn looks_like_link(s: &str) -> bool {
    let l = s.to_lowercase();
    l.contains("://") || l.contains("www.") || l.contains('@')
}

/// The errors of a booking form.
pub fn check_contact(c: &Contact) -> Vec<(&'static str, Message)> {
    let mut errors = Vec::new();
    if c.name.is_empty() {
        errors.push(("name", Message::Key("appt-error-name", Vec::new())));
    } else if looks_like_link(&c.name) {
        // The name goes into mails sent in the authority's name: no links in it.
        errors.push(("name", Message::Key("appt-error-name-link", Vec::new())));
    } else if c.name.chars().count() > MAX_NAME_CHARS {
        errors.push((
            "name",
            Message::Key("error-too-long", vec![("max", MAX_NAME_CHARS.to_string())]),
        ));
    }
    if !rathaus_domain::form::email_valid(&c.email) {
        errors.push(("email", Message::Key("error-email", Vec::new())));
    }
    if !c.consent {
        errors.push(("consent", Message::Key("appt-error-consent", Vec::new())));
    }
    errors
}

/// Books the wanted visit for `contact`: the form is checked, the address's allowance
/// counted, the slot checked again, and the database takes a counter under a unique key
/// (with the confirmation mail in the same transaction).
pub async fn book(
    app: &App,
    citizen: &Citizen,
    ip: Option<IpAddr>,
    t: &TenantDef,
    w: &Wanted<'_>,
    contact: &Contact,
    lang: Lang,
) -> AppResult<Booking> {
    let tid = t.id.as_str();
    let oid = w.office.id.as_str();
    let errors = check_contact(contact);
    if !errors.is_empty() {
        return Ok(Booking::Invalid(errors));
    }
    if !app
        .bookings
        .allow(tid, oid, w.def.limits.per_address_per_hour, ip)
    {
        return Ok(Booking::RateLimited);
    }
    let Some(counters) = still_free(app, tid, w, None).await? else {
        return Ok(Booking::Taken);
    };
    // The application this visit belongs to: a submitted one of this tenant.
    let reference = match &w.draft {
        Some(d) => app
            .db
            .submission_of_draft(tid, d)
            .await
            .ok()
            .flatten()
            .map(|s| s.reference),
        None => None,
    };
    let site = app.site();
    let key = crate::secrets::random_token();
    let end = w.start + i64::from(w.minutes) * 60_000;
    for _ in 0..5 {
        let random = *uuid::Uuid::new_v4().as_bytes();
        let a = NewAppointment {
            id: uuid::Uuid::new_v4().simple().to_string(),
            tenant_id: tid.to_owned(),
            office_id: oid.to_owned(),
            code: booking_code([
                random[0], random[1], random[2], random[3], random[4], random[5],
            ]),
            token_hash: crate::secrets::sha256_hex(&key),
            services: serde_json::to_string(&w.services).unwrap_or_default(),
            starts_at: w.start,
            ends_at: end,
            name: contact.name.clone(),
            email: contact.email.clone(),
            lang: lang.code().to_owned(),
            account_id: citizen.account_id().map(str::to_owned),
            reference: reference.clone(),
        };
        let mail = mail(
            app,
            &site,
            t,
            w.office,
            w.def,
            &Visit::new(&a),
            Some(&key),
            "booked",
        );
        match app
            .db
            .book_appointment(&a, &counters, w.def.limits.per_email, mail)
            .await?
        {
            BookOutcome::Booked(_) => {
                audit(app, tid, citizen, "book_appointment", &a.id).await;
                return Ok(Booking::Booked { id: a.id, key });
            }
            BookOutcome::EmailLimit => {
                let max = w.def.limits.per_email.to_string();
                let e = Message::Key("appt-error-email-limit", vec![("max", max)]);
                return Ok(Booking::Invalid(vec![("email", e)]));
            }
            BookOutcome::Taken => return Ok(Booking::Taken),
            BookOutcome::CodeClash => continue,
            BookOutcome::Gone => return Err(AppError::NotFound),
        }
    }
    Err(AppError::Internal(
        "no free booking code after 5 tries".into(),
    ))
}

async fn audit(app: &App, tid: &str, citizen: &Citizen, action: &str, id: &str) {
    let actor = match citizen.account_id() {
        Some(a) => format!("citizen:{a}"),
        None => "guest".to_owned(),
    };
    let ev = AuditEvent {
        actor,
        action: action.to_owned(),
        object: format!("appointment:{id}"),
        detail: String::new(),
    };
    if let Err(e) = app.db.audit(tid, &ev).await {
        tracing::warn!(error = %e, "auditing an appointment change failed");
    }
}

// ----- an appointment once booked ------------------------------------------------------------

/// An appointment opened by its link's key (until the end of its day) or by the account
/// that booked it. Only [`open`] hands one out.
pub struct OwnAppointment {
    pub appointment: Appointment,
    /// The key it was opened with (kept in the links of the page and the mails).
    pub key: Option<String>,
    /// Opened by the owning account's session (which may see name and e-mail).
    pub by_owner: bool,
}

/// The appointment `id`, if `key` fits or it belongs to the logged-in account.
pub async fn open(
    app: &App,
    tid: &str,
    id: &str,
    key: Option<&str>,
    citizen: &Citizen,
) -> AppResult<OwnAppointment> {
    let a = app
        .db
        .appointment(tid, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = crate::clock::now_millis();
    let key_fits = key.is_some_and(|k| {
        crate::secrets::token_matches(&crate::secrets::sha256_hex(k), &a.token_hash)
    });
    // The link's key works until the end of the appointment's day; the owning account's
    // session always does.
    let in_time = now < day_start(local_date(a.ends_at).saturating_add(1.day()));
    let by_owner = a.account_id.is_some() && a.account_id.as_deref() == citizen.account_id();
    if !(key_fits && in_time || by_owner) {
        return Err(AppError::NotFound);
    }
    Ok(OwnAppointment {
        appointment: a,
        key: key.map(str::to_owned),
        by_owner,
    })
}

impl OwnAppointment {
    /// Whether it can still be moved or cancelled online (not begun, not checked in).
    pub async fn ahead(&self, app: &App) -> AppResult<bool> {
        let now = crate::clock::now_millis();
        Ok(self.appointment.starts_at > now && !app.db.checked_in(&self.appointment.id).await?)
    }
}

/// Cancels; the slot is free again at once (the citizen gets a mail).
pub async fn cancel(app: &App, citizen: &Citizen, a: &OwnAppointment) -> AppResult<()> {
    let site = app.site();
    let appt = &a.appointment;
    let t = site.tenant(&appt.tenant_id).ok_or(AppError::NotFound)?;
    let (o, def) = calendar_of(t, &appt.office_id).ok_or(AppError::NotFound)?;
    let mut v = Visit::stored(appt);
    v.status = AppointmentStatus::Cancelled;
    v.sequence += 1;
    let mail = mail(app, &site, t, o, def, &v, a.key.as_deref(), "cancelled");
    if app
        .db
        .cancel_appointment(&appt.tenant_id, &appt.id, mail)
        .await?
    {
        audit(
            app,
            &appt.tenant_id,
            citizen,
            "cancel_appointment",
            &appt.id,
        )
        .await;
    }
    Ok(())
}

/// Moves to another free time; the old one is kept if the new one was taken meanwhile
/// (`Ok(false)`).
pub async fn reschedule(
    app: &App,
    citizen: &Citizen,
    a: &OwnAppointment,
    w: &Wanted<'_>,
) -> AppResult<bool> {
    let appt = &a.appointment;
    if appt.status != AppointmentStatus::Booked {
        return Err(AppError::NotFound);
    }
    let site = app.site();
    let t = site.tenant(&appt.tenant_id).ok_or(AppError::NotFound)?;
    let Some(counters) = still_free(app, &appt.tenant_id, w, Some(&appt.id)).await? else {
        return Ok(false);
    };
    let end = w.start + i64::from(w.minutes) * 60_000;
    let mut v = Visit::stored(appt);
    v.starts_at = w.start;
    v.ends_at = end;
    v.sequence += 1;
    let mail = mail(
        app,
        &site,
        t,
        w.office,
        w.def,
        &v,
        a.key.as_deref(),
        "moved",
    );
    match app
        .db
        .move_appointment(&appt.tenant_id, &appt.id, w.start, end, &counters, mail)
        .await?
    {
        BookOutcome::Booked(_) => {
            audit(app, &appt.tenant_id, citizen, "move_appointment", &appt.id).await;
            Ok(true)
        }
        BookOutcome::Taken => Ok(false),
        _ => Err(AppError::NotFound),
    }
}

/// A citizen's upcoming (or, with `past`, all) appointments.
pub async fn of_account(app: &App, tid: &str, account: &str) -> AppResult<Vec<Appointment>> {
    Ok(app.db.appointments_of_account(tid, account, false).await?)
}

// ----- words, mails and calendar files -------------------------------------------------------

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The message key part of a weekday (`mon` … `sun`).
pub fn weekday_key(d: Date) -> &'static str {
    WEEKDAYS[d.weekday().to_monday_zero_offset() as usize]
}

/// The weekday keys from Monday.
pub fn weekdays() -> [&'static str; 7] {
    WEEKDAYS
}

/// "Donnerstag, 26. November 2026" / "Thursday, 26 November 2026".
pub fn date_label(w: &Words<'_>, d: Date) -> String {
    let mut a = fluent_bundle::FluentArgs::new();
    a.set("weekday", w.get(&format!("weekday-{}", weekday_key(d))));
    a.set("day", i64::from(d.day()));
    a.set("month", w.get(&format!("month-{}", d.month())));
    a.set("year", i64::from(d.year()));
    w.with("appt-date", &a)
}

/// "09:30" in Berlin.
pub fn time_label(ms: i64) -> String {
    let t = local(ms);
    format!("{:02}:{:02}", t.hour(), t.minute())
}

/// The services of a visit by name.
pub fn service_names(cal: &CalendarDef, ids: &[String], lang: Lang) -> Vec<String> {
    ids.iter()
        .map(|id| {
            cal.bookable(id)
                .map(|b| b.name.get(lang).0.to_owned())
                .unwrap_or_else(|| id.clone())
        })
        .collect()
}

/// What mails and the `.ics` file need of an appointment.
pub struct Visit {
    pub id: String,
    pub code: String,
    pub services: Vec<String>,
    pub starts_at: i64,
    pub ends_at: i64,
    pub name: String,
    pub email: String,
    pub status: AppointmentStatus,
    pub sequence: i64,
    pub lang: String,
}

impl Visit {
    fn new(a: &NewAppointment) -> Visit {
        Visit {
            id: a.id.clone(),
            code: a.code.clone(),
            services: serde_json::from_str(&a.services).unwrap_or_default(),
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            name: a.name.clone(),
            email: a.email.clone(),
            status: AppointmentStatus::Booked,
            sequence: 0,
            lang: a.lang.clone(),
        }
    }

    pub fn stored(a: &Appointment) -> Visit {
        Visit {
            id: a.id.clone(),
            code: a.code.clone(),
            services: a.services(),
            starts_at: a.starts_at,
            ends_at: a.ends_at,
            name: a.name.clone(),
            email: a.email.clone(),
            status: a.status,
            sequence: (a.updated_at - a.created_at).max(0) / 1000,
            lang: a.lang.clone(),
        }
    }
}

/// The appointment as an iCalendar file (RFC 5545), times in UTC.
pub fn ics(
    app: &App,
    t: &TenantDef,
    o: &OfficeDef,
    def: &CalendarDef,
    a: &Visit,
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
    let base = app.config.public_url.trim_end_matches('/');
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
            "\n{}: {}",
            match lang {
                Lang::De => "Verlegen oder absagen",
                Lang::En => "Move or cancel",
            },
            app.config
                .url(&crate::links::appointment(t.id.as_str(), &a.id, Some(k)))
        ));
    }
    let cancelled = a.status == AppointmentStatus::Cancelled;
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
        .add_property("DTSTAMP", utc(crate::clock::now_millis()))
        .add_property("SEQUENCE", a.sequence.to_string())
        .add_property("STATUS", if cancelled { "CANCELLED" } else { "CONFIRMED" })
        .done();
    let mut cal = icalendar::Calendar::new();
    cal.push(event);
    cal.append_property(("METHOD", "PUBLISH"));
    cal.to_string()
}

/// The mail of a booking, a move, a cancellation (`event`: `booked`, `moved`,
/// `cancelled`) or the reminder (`reminder`), with the `.ics` attached, in the language the
/// booking was made in. The link opens the appointment with `key`, or (without it) in its
/// account's session.
#[allow(clippy::too_many_arguments)]
fn mail(
    app: &App,
    site: &Site,
    t: &TenantDef,
    o: &OfficeDef,
    def: &CalendarDef,
    a: &Visit,
    key: Option<&str>,
    event: &str,
) -> QueuedMail {
    let lang = Lang::parse(&a.lang).unwrap_or(Lang::De);
    let w = site.words(t.id.as_str(), lang);
    let mut args = fluent_bundle::FluentArgs::new();
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
    args.set("date", date_label(&w, local_date(a.starts_at)));
    args.set("time", time_label(a.starts_at));
    args.set("code", a.code.clone());
    args.set("services", service_names(def, &a.services, lang).join(", "));
    args.set(
        "link",
        app.config
            .url(&crate::links::appointment(t.id.as_str(), &a.id, key)),
    );
    let payload = rathaus_jobs::MailPayload {
        to: a.email.clone(),
        subject: w.with(&format!("appt-mail-{event}-subject"), &args),
        body: w.with(&format!("appt-mail-{event}-body"), &args),
        attachment: Some(rathaus_jobs::MailAttachment {
            filename: "termin.ics".into(),
            content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
            content: ics(app, t, o, def, a, key, lang),
        }),
    };
    // The outbox id makes each mail go out once: a reminder once per start time (a moved
    // appointment is reminded again), every change mail once.
    let id = if event == "reminder" {
        format!("appt.{}.reminder.{}", a.id, a.starts_at)
    } else {
        format!("appt.{}.{event}.{}", a.id, crate::clock::now_millis())
    };
    Some((id, serde_json::to_string(&payload).unwrap_or_default()))
}

// ----- reminders and clean-up -------------------------------------------------------------

/// Queues the reminder of every appointment of tomorrow (Berlin) that was booked at least a
/// day ahead, erases personal data of appointments long past, and forgets idle rate-limit
/// entries. Runs every minute or so; each reminder goes out once.
pub async fn remind(app: &App) {
    let now = crate::clock::now_millis();
    let tomorrow = local_date(now).saturating_add(1.day());
    let from = day_start(tomorrow).max(now);
    let to = day_start(tomorrow.saturating_add(1.day()));
    let due = match app.db.reminders_due(from, to, 86_400_000).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "reading due reminders failed");
            return;
        }
    };
    let site = app.site();
    for a in due {
        let Some(t) = site.tenant(&a.tenant_id) else {
            continue;
        };
        let Some((o, def)) = calendar_of(t, &a.office_id) else {
            continue;
        };
        // No key: it is only ever in the confirmation (the body links nothing).
        let mail = mail(app, &site, t, o, def, &Visit::stored(&a), None, "reminder");
        if let Err(e) = app.db.mark_reminded(&a.tenant_id, &a.id, mail).await {
            tracing::warn!(error = %e, "queueing a reminder failed");
        }
    }
    if let Err(e) = app.db.purge_appointments(now - KEEP_PERSONAL_DATA_MS).await {
        tracing::warn!(error = %e, "erasing old appointment data failed");
    }
    app.bookings.tidy();
}
