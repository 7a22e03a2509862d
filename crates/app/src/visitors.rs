//! The waiting room: check-in at a kiosk or by staff, waiting numbers, calling the next
//! visitor to a counter, the board of the call-up display and the day's waiting and
//! service times. The order of calls is `domain::visit::next`; the database decides who
//! gets called when two clerks press at once.

use crate::access::{Kiosk, OfficeDesk};
use crate::{App, AppResult};
use jiff::ToSpan;
use rathaus_domain::appointment::{
    day_start, local_date, normalize_code, AppointmentStatus, CalendarDef,
};
use rathaus_domain::visit::{self, Figures, Timing, VisitKind, VisitStatus, Waiting};
use rathaus_store::{Appointment, AuditEvent, NewVisit, Visit};
use serde_json::{json, Value as Json};
use std::time::Duration;

/// Calls the display shows.
const DISPLAY_CALLS: usize = 6;

fn today() -> String {
    local_date(crate::clock::now_millis()).to_string()
}

/// The waiting number of a visit (`T001` with an appointment, `W002` without).
pub fn ticket(v: &Visit) -> String {
    v.kind.ticket(v.number)
}

/// What checking in came to.
pub enum CheckIn {
    Ticket(Box<Visit>),
    /// The code is unknown here, cancelled, or not for today.
    Unknown,
    /// Too early: check-in opens at this time.
    TooEarly(i64),
    TooLate,
}

/// Who checks a visitor in: the kiosk of the office, or a member of staff there.
pub enum Desk<'a> {
    Kiosk(&'a Kiosk<'a>),
    Staff(&'a OfficeDesk<'a>),
}

impl Desk<'_> {
    fn place(&self) -> (&str, &str) {
        match self {
            Desk::Kiosk(k) => (k.tenant(), k.office.id.as_str()),
            Desk::Staff(d) => (d.staff().tenant(), d.office()),
        }
    }

    fn by(&self) -> String {
        match self {
            Desk::Kiosk(_) => "kiosk".into(),
            Desk::Staff(d) => format!("staff:{}", d.staff().id()),
        }
    }

    async fn audit(&self, app: &App, action: &str, v: &Visit) {
        if let Desk::Staff(d) = self {
            audit(app, d, action, format!("visit:{}", v.id)).await;
        }
    }
}

async fn audit(app: &App, d: &OfficeDesk<'_>, action: &str, object: String) {
    let ev: AuditEvent = d.staff().event(action, object, String::new());
    if let Err(e) = app.db.audit(d.staff().tenant(), &ev).await {
        tracing::warn!(error = %e, "auditing a waiting-room action failed");
    }
}

/// Checks in the appointment with booking code `typed` (any case or spacing), from two
/// hours before to 30 minutes after its start; checking in twice gives the same number.
pub async fn check_in(app: &App, desk: &Desk<'_>, typed: &str) -> AppResult<CheckIn> {
    let (tid, oid) = desk.place();
    let Some(code) = normalize_code(typed) else {
        return Ok(CheckIn::Unknown);
    };
    let a = match app.db.appointment_by_code(tid, oid, &code).await? {
        Some(a) if a.status == AppointmentStatus::Booked => a,
        _ => return Ok(CheckIn::Unknown),
    };
    let now = crate::clock::now_millis();
    if !visit::check_in_open(a.starts_at, now) {
        return Ok(if now < a.starts_at {
            CheckIn::TooEarly(a.starts_at - visit::CHECK_IN_BEFORE_MS)
        } else {
            CheckIn::TooLate
        });
    }
    let (v, _) = app
        .db
        .check_in(&NewVisit {
            tenant_id: tid.to_owned(),
            office_id: oid.to_owned(),
            day: today(),
            kind: VisitKind::Appointment,
            appointment_id: Some(a.id.clone()),
            services: a.services.clone(),
            due_at: Some(a.starts_at),
            by: desk.by(),
        })
        .await?;
    desk.audit(app, "check_in_visitor", &v).await;
    Ok(CheckIn::Ticket(Box::new(v)))
}

/// Checks in a visitor without appointment who came for `services` (bookable services of
/// the office, at most as many as a visit may combine); `Ok(None)` when they are not.
pub async fn walk_in(
    app: &App,
    desk: &Desk<'_>,
    def: &CalendarDef,
    services: Vec<String>,
) -> AppResult<Option<Visit>> {
    let (tid, oid) = desk.place();
    if services.is_empty()
        || services.len() > crate::appointments::MAX_SERVICES
        || services.iter().any(|s| def.bookable(s).is_none())
    {
        return Ok(None);
    }
    let (v, _) = app
        .db
        .check_in(&NewVisit {
            tenant_id: tid.to_owned(),
            office_id: oid.to_owned(),
            day: today(),
            kind: VisitKind::WalkIn,
            appointment_id: None,
            services: serde_json::to_string(&services).unwrap_or_default(),
            due_at: None,
            by: desk.by(),
        })
        .await?;
    desk.audit(app, "check_in_visitor", &v).await;
    Ok(Some(v))
}

/// Waiting visitors in the order they will be called.
pub fn order(visits: &[Visit], now: i64) -> Vec<&Visit> {
    let mut rest: Vec<&Visit> = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Waiting)
        .collect();
    let mut out = Vec::with_capacity(rest.len());
    while !rest.is_empty() {
        let w: Vec<Waiting> = rest
            .iter()
            .map(|v| Waiting {
                kind: v.kind,
                checked_in_at: v.checked_in_at,
                due_at: v.due_at,
            })
            .collect();
        let Some(i) = visit::next(&w, now) else {
            break;
        };
        out.push(rest.remove(i));
    }
    out
}

/// Calls whoever comes next to `counter`; if a colleague was quicker, the one after.
/// `Ok(None)`: nobody waits.
pub async fn call_next(
    app: &App,
    desk: &OfficeDesk<'_>,
    counter: &str,
) -> AppResult<Option<Visit>> {
    let (tid, oid) = (desk.staff().tenant(), desk.office());
    let by = format!("staff:{}", desk.staff().id());
    for _ in 0..5 {
        let visits = app.db.visits_of_day(tid, oid, &today()).await?;
        let now = crate::clock::now_millis();
        let Some(v) = order(&visits, now).first().map(|v| (*v).clone()) else {
            return Ok(None);
        };
        if app.db.call_visit(tid, oid, &v.id, counter, &by).await? {
            audit(app, desk, "call_visitor", format!("visit:{}", v.id)).await;
            return Ok(Some(v));
        }
    }
    Ok(None)
}

/// What a clerk does with a visitor already called.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    /// Call again.
    Recall,
    /// Served.
    Done,
    /// Did not come.
    Missed,
}

/// Calls visit `id` again, or finishes it (served or missed). Audited.
pub async fn follow(app: &App, desk: &OfficeDesk<'_>, id: &str, what: Follow) -> AppResult<()> {
    let (tid, oid) = (desk.staff().tenant(), desk.office());
    let action = match what {
        Follow::Recall => {
            app.db.recall_visit(tid, oid, id).await?;
            "recall_visitor"
        }
        Follow::Done => {
            app.db
                .finish_visit(tid, oid, id, VisitStatus::Done.key())
                .await?;
            "finish_visit"
        }
        Follow::Missed => {
            app.db
                .finish_visit(tid, oid, id, VisitStatus::Missed.key())
                .await?;
            "visitor_missed"
        }
    };
    audit(app, desk, action, format!("visit:{id}")).await;
    Ok(())
}

/// The office's day for its staff: today's appointments and visits, and the figures of
/// each of the last 30 days with visits (today first). Looking is audited.
pub struct Day {
    pub appointments: Vec<Appointment>,
    pub visits: Vec<Visit>,
    /// (date, figures), newest first.
    pub days: Vec<(jiff::civil::Date, Figures)>,
    pub today: Figures,
}

pub async fn day(app: &App, desk: &OfficeDesk<'_>) -> AppResult<Day> {
    let (tid, oid) = (desk.staff().tenant(), desk.office());
    let now = crate::clock::now_millis();
    let day = local_date(now);
    let appointments = app
        .db
        .appointments_between(
            tid,
            oid,
            day_start(day),
            day_start(day.saturating_add(1.day())),
        )
        .await?;
    let visits = app.db.visits_of_day(tid, oid, &day.to_string()).await?;
    let from = day.saturating_sub(29.days());
    let times = app
        .db
        .visit_times(tid, oid, &from.to_string(), &day.to_string())
        .await
        .unwrap_or_default();
    let timing = |(_, c, k, d, s): &(String, i64, Option<i64>, Option<i64>, String)| Timing {
        checked_in_at: *c,
        called_at: *k,
        done_at: *d,
        served: s == VisitStatus::Done.key(),
    };
    let of = |ds: &str| -> Vec<Timing> { times.iter().filter(|r| r.0 == ds).map(timing).collect() };
    let mut days = Vec::new();
    let mut d = day;
    while d >= from {
        let list = of(&d.to_string());
        if !list.is_empty() {
            days.push((d, visit::figures(&list)));
        }
        d = d.saturating_sub(1.day());
    }
    let today = visit::figures(&of(&day.to_string()));
    audit(app, desk, "view_visitors", format!("office:{oid}")).await;
    Ok(Day {
        appointments,
        visits,
        days,
        today,
    })
}

// ----- the call-up display -------------------------------------------------------------------

/// The board of each office as last read, shared by every display of this instance:
/// however many screens are open, the database is asked at most once a second per office.
type BoardCache =
    std::sync::Mutex<std::collections::HashMap<(String, String), (std::time::Instant, Json)>>;

fn boards() -> &'static BoardCache {
    static BOARDS: std::sync::OnceLock<BoardCache> = std::sync::OnceLock::new();
    BOARDS.get_or_init(Default::default)
}

/// What the waiting room's screen shows: the latest calls and how many wait (no personal
/// data).
pub async fn board(app: &App, tid: &str, oid: &str) -> AppResult<Json> {
    let visits = app.db.visits_of_day(tid, oid, &today()).await?;
    let mut called: Vec<&Visit> = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Called)
        .collect();
    called.sort_by_key(|v| std::cmp::Reverse(v.updated_at));
    let calls: Vec<Json> = called
        .iter()
        .take(DISPLAY_CALLS)
        .map(|v| json!({"ticket": ticket(v), "counter": v.counter_label.clone().unwrap_or_default(), "at": v.updated_at}))
        .collect();
    let waiting = visits
        .iter()
        .filter(|v| v.status == VisitStatus::Waiting)
        .count();
    Ok(json!({"calls": calls, "waiting": waiting}))
}

/// The board, at most a second old.
pub async fn board_cached(app: &App, tid: &str, oid: &str) -> AppResult<Json> {
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
    let b = board(app, tid, oid).await?;
    boards()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .insert(key, (std::time::Instant::now(), b.clone()));
    Ok(b)
}
