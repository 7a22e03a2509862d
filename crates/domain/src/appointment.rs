//! Appointment calendars (Terminvergabe): what an office offers for booking, at which
//! times, and which start times are still free.
//!
//! Everything a citizen sees is Europe/Berlin civil time; everything stored and compared is
//! an absolute instant (Unix milliseconds). Opening hours, breaks and blocked periods are
//! resolved to instants per day, so the daylight-saving changes need no special case: on the
//! last Sunday of March the hour from 02:00 does not exist and yields no start time, on the
//! last Sunday of October it occurs twice and both occurrences can be booked.
//!
//! Time is cut into 5-minute units on a fixed grid (multiples of 5 minutes since the Unix
//! epoch, which Berlin's whole-hour offsets keep aligned with the clock). A booking holds
//! every unit it covers at one counter; storage makes `(office, counter, unit)` unique, so
//! two bookings can never hold the same counter at the same time, whatever runs in parallel.

use crate::ids::ServiceId;
use crate::tenant::{OpeningHours, Problem, Weekday};
use crate::text::Text;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// Length of one unit of the booking grid.
pub const UNIT_MINUTES: i64 = 5;
pub const UNIT_MS: i64 = UNIT_MINUTES * 60_000;
/// The start-time grids an office may use (each divides an hour).
pub const SLOT_GRIDS: &[u32] = &[5, 10, 15, 20, 30, 60];

/// Europe/Berlin (from the time-zone database bundled into the binary).
pub fn berlin() -> &'static TimeZone {
    static TZ: OnceLock<TimeZone> = OnceLock::new();
    TZ.get_or_init(|| {
        TimeZone::get("Europe/Berlin").unwrap_or_else(|_| {
            // Unreachable with the bundled database; CET keeps the portal usable regardless.
            TimeZone::fixed(jiff::tz::offset(1))
        })
    })
}

/// The Berlin civil date of an instant.
pub fn local_date(ms: i64) -> Date {
    local(ms).date()
}

/// The Berlin civil date and time of an instant.
pub fn local(ms: i64) -> DateTime {
    Timestamp::from_millisecond(ms)
        .unwrap_or(Timestamp::UNIX_EPOCH)
        .to_zoned(berlin().clone())
        .datetime()
}

/// The instant of a Berlin civil date and time. A time inside the spring gap is moved
/// forward by the gap's length, a time inside the autumn fold means its first occurrence
/// (RFC 5545's rule, jiff's "compatible" disambiguation).
pub fn instant(day: Date, time: Time) -> i64 {
    berlin()
        .to_ambiguous_zoned(day.to_datetime(time))
        .compatible()
        .map(|z| z.timestamp().as_millisecond())
        .unwrap_or(0)
}

/// Start of the Berlin civil day `day`.
pub fn day_start(day: Date) -> i64 {
    instant(day, Time::midnight())
}

/// An office's online appointments (`appointments:` of an office in `tenant.yaml`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDef {
    /// What can be booked, each with its duration. Several in one visit add up.
    #[schemars(length(min = 1))]
    pub services: Vec<BookableDef>,
    /// Hours in which appointments take place; default: the office's opening hours.
    #[serde(default)]
    pub hours: Vec<OpeningHours>,
    /// Breaks within those hours; no appointment overlaps one.
    #[serde(default)]
    pub breaks: Vec<OpeningHours>,
    /// Counters (or staff) that serve appointments at the same time.
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 99))]
    pub counters: u32,
    /// Appointments start on this grid, in minutes: 5, 10, 15, 20, 30 or 60. Hours and
    /// breaks must lie on it.
    #[serde(default = "fifteen")]
    pub slot_minutes: u32,
    /// How many days ahead one can book.
    #[serde(default = "sixty")]
    #[schemars(range(min = 1, max = 366))]
    pub horizon_days: u32,
    /// Minimum time between booking and appointment, in hours.
    #[serde(default = "two")]
    #[schemars(range(max = 720))]
    pub lead_hours: u32,
    /// Public holidays on which the office is closed: `nrw` (computed) or `none`.
    #[serde(default)]
    pub holidays: HolidayRule,
    /// Further closing days (`YYYY-MM-DD`), e.g. Christmas Eve or a staff outing.
    #[serde(default)]
    pub closed: Vec<ClosedDay>,
    /// Periods in which nothing can be booked (e.g. a training morning).
    #[serde(default)]
    pub blocked: Vec<BlockedPeriod>,
    /// Longest visit, in minutes (several services together).
    #[serde(default = "one_twenty")]
    #[schemars(range(min = 5, max = 600))]
    pub max_minutes: u32,
    /// Limits against abuse.
    #[serde(default)]
    pub limits: BookingLimits,
    /// Environment variable holding the key of the check-in kiosk's address
    /// (`/<tenant>/vor-ort/<office>/kiosk/<key>`); unset: check-in by staff only.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Z][A-Z0-9_]{0,63}$"))]
    pub kiosk_key_env: Option<String>,
}

fn one() -> u32 {
    1
}
fn two() -> u32 {
    2
}
fn fifteen() -> u32 {
    15
}
fn sixty() -> u32 {
    60
}
fn one_twenty() -> u32 {
    120
}

/// Something that can be booked at an office.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookableDef {
    /// Unique within the office; appears in URLs.
    #[schemars(regex(pattern = r"^[a-z0-9]+(-[a-z0-9]+)*$"))]
    pub id: String,
    pub name: Text,
    /// Duration in minutes (a multiple of 5).
    #[schemars(range(min = 5, max = 480))]
    pub minutes: u32,
    /// The online service this appointment belongs to: its receipt offers booking one
    /// (e.g. to collect the naturalisation certificate).
    #[serde(default)]
    pub service: Option<ServiceId>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HolidayRule {
    /// The public holidays of Nordrhein-Westfalen.
    #[default]
    Nrw,
    /// None (every closing day is listed in `closed`).
    None,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosedDay {
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: String,
    #[serde(default)]
    pub reason: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BlockedPeriod {
    /// Start, Berlin time, `YYYY-MM-DDTHH:MM`.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"))]
    pub from: String,
    /// End, Berlin time, `YYYY-MM-DDTHH:MM`, after `from`.
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$"))]
    pub to: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingLimits {
    /// Appointments still ahead that one e-mail address may hold at this office.
    #[serde(default = "two")]
    #[schemars(range(min = 1, max = 100))]
    pub per_email: u32,
    /// Bookings one network address may make per hour at this office.
    #[serde(default = "ten")]
    #[schemars(range(min = 1, max = 10000))]
    pub per_address_per_hour: u32,
}

fn ten() -> u32 {
    10
}

impl Default for BookingLimits {
    fn default() -> Self {
        BookingLimits {
            per_email: 2,
            per_address_per_hour: 10,
        }
    }
}

/// A time `HH:MM` of a definition.
pub(crate) fn hhmm(s: &str) -> Option<Time> {
    let (h, m) = s.split_once(':')?;
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

fn minutes_of(t: Time) -> u32 {
    t.hour() as u32 * 60 + t.minute() as u32
}

fn weekday_of(d: Date) -> Weekday {
    use jiff::civil::Weekday as W;
    match d.weekday() {
        W::Monday => Weekday::Mon,
        W::Tuesday => Weekday::Tue,
        W::Wednesday => Weekday::Wed,
        W::Thursday => Weekday::Thu,
        W::Friday => Weekday::Fri,
        W::Saturday => Weekday::Sat,
        W::Sunday => Weekday::Sun,
    }
}

/// Why an office is closed on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Closure {
    Holiday(&'static str),
    Closed(Option<Text>),
}

/// A booking as the calendar needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booked {
    pub start_ms: i64,
    pub end_ms: i64,
    pub counter: u32,
}

/// A free start time and the counters free for the whole visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub start_ms: i64,
    pub end_ms: i64,
    pub counters: Vec<u32>,
}

/// The calendar of one office with its effective hours.
#[derive(Debug, Clone, Copy)]
pub struct Calendar<'a> {
    pub def: &'a CalendarDef,
    pub hours: &'a [OpeningHours],
}

impl CalendarDef {
    /// The calendar with its effective hours (its own, else the office's opening hours).
    pub fn with<'a>(&'a self, office_hours: &'a [OpeningHours]) -> Calendar<'a> {
        Calendar {
            def: self,
            hours: if self.hours.is_empty() {
                office_hours
            } else {
                &self.hours
            },
        }
    }

    pub fn bookable(&self, id: &str) -> Option<&BookableDef> {
        self.services.iter().find(|b| b.id == id)
    }

    /// Rules within the office's entry (JSON pointers below `at`).
    pub fn check(&self, at: &str, office_hours: &[OpeningHours]) -> Vec<Problem> {
        let mut problems = Vec::new();
        let grid = self.slot_minutes;
        if !SLOT_GRIDS.contains(&grid) {
            problems.push(Problem::at(
                format!("{at}/slot_minutes"),
                format!("slot_minutes must be one of 5, 10, 15, 20, 30, 60 (not {grid})"),
            ));
        }
        let mut ids = std::collections::HashSet::new();
        for (i, b) in self.services.iter().enumerate() {
            if !ids.insert(b.id.as_str()) {
                problems.push(Problem::at(
                    format!("{at}/services/{i}/id"),
                    format!("duplicate bookable service id '{}'", b.id),
                ));
            }
            if !b.minutes.is_multiple_of(UNIT_MINUTES as u32) {
                problems.push(Problem::at(
                    format!("{at}/services/{i}/minutes"),
                    format!("duration {} is not a multiple of 5 minutes", b.minutes),
                ));
            }
            if b.minutes > self.max_minutes {
                problems.push(Problem::at(
                    format!("{at}/services/{i}/minutes"),
                    format!(
                        "duration {} is longer than max_minutes {}",
                        b.minutes, self.max_minutes
                    ),
                ));
            }
        }
        if self.hours.is_empty() && office_hours.is_empty() {
            problems.push(Problem::at(
                format!("{at}/hours"),
                "appointments need hours: give them here or as the office's opening_hours",
            ));
        }
        let mut on_grid = |list: &str, hours: &[OpeningHours]| {
            for (j, h) in hours.iter().enumerate() {
                for (key, v) in [("from", &h.from), ("to", &h.to)] {
                    match hhmm(v) {
                        Some(t)
                            if SLOT_GRIDS.contains(&grid)
                                && !minutes_of(t).is_multiple_of(grid) =>
                        {
                            problems.push(Problem::at(
                                format!("{at}/{list}/{j}/{key}"),
                                format!("{v} is not on the {grid}-minute grid of slot_minutes"),
                            ))
                        }
                        None => problems.push(Problem::at(
                            format!("{at}/{list}/{j}/{key}"),
                            format!("'{v}' is not a time HH:MM"),
                        )),
                        _ => {}
                    }
                }
                if let (Some(f), Some(t)) = (hhmm(&h.from), hhmm(&h.to)) {
                    if t <= f {
                        problems.push(Problem::at(
                            format!("{at}/{list}/{j}/to"),
                            format!("end {} is not after start {}", h.to, h.from),
                        ));
                    }
                }
            }
        };
        on_grid("hours", &self.hours);
        on_grid("breaks", &self.breaks);
        // Hours of one weekday may not overlap (a counter cannot be open twice).
        let effective = self.with(office_hours).hours;
        let list = if self.hours.is_empty() {
            "hours (the office's opening_hours)"
        } else {
            "hours"
        };
        for (j, a) in effective.iter().enumerate() {
            for b in effective.iter().skip(j + 1) {
                let same_day = a.days.iter().any(|d| b.days.contains(d));
                if let (true, Some(af), Some(at_), Some(bf), Some(bt)) = (
                    same_day,
                    hhmm(&a.from),
                    hhmm(&a.to),
                    hhmm(&b.from),
                    hhmm(&b.to),
                ) {
                    if af < bt && bf < at_ {
                        problems.push(Problem::at(
                            format!("{at}/hours/{j}"),
                            format!(
                                "{list}: {}–{} overlaps {}–{} on the same day",
                                a.from, a.to, b.from, b.to
                            ),
                        ));
                    }
                }
            }
        }
        for (j, c) in self.closed.iter().enumerate() {
            if c.date.parse::<Date>().is_err() {
                problems.push(Problem::at(
                    format!("{at}/closed/{j}/date"),
                    format!("'{}' is not a date", c.date),
                ));
            }
        }
        for (j, b) in self.blocked.iter().enumerate() {
            match (b.from.parse::<DateTime>(), b.to.parse::<DateTime>()) {
                (Ok(f), Ok(t)) if t <= f => problems.push(Problem::at(
                    format!("{at}/blocked/{j}/to"),
                    format!("end {} is not after start {}", b.to, b.from),
                )),
                (Ok(_), Ok(_)) => {}
                _ => problems.push(Problem::at(
                    format!("{at}/blocked/{j}"),
                    "from and to must be date-times YYYY-MM-DDTHH:MM",
                )),
            }
        }
        if let Some(m) = self
            .kiosk_key_env
            .as_deref()
            .and_then(|v| crate::tenant::reserved_env(v, "key"))
        {
            problems.push(Problem::at(format!("{at}/kiosk_key_env"), m));
        }
        problems
    }
}

/// Why a visit cannot be booked as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VisitError {
    Empty,
    Unknown(String),
    TooLong { minutes: u32, max: u32 },
}

impl<'a> Calendar<'a> {
    /// The length of a visit for `services` (bookable ids; repeated ids count again).
    pub fn visit_minutes(&self, services: &[String]) -> Result<u32, VisitError> {
        if services.is_empty() {
            return Err(VisitError::Empty);
        }
        let mut total = 0;
        for s in services {
            total += self
                .def
                .bookable(s)
                .ok_or_else(|| VisitError::Unknown(s.clone()))?
                .minutes;
        }
        if total > self.def.max_minutes {
            return Err(VisitError::TooLong {
                minutes: total,
                max: self.def.max_minutes,
            });
        }
        Ok(total)
    }

    /// Why the office takes no appointments on `day`, if it does not.
    pub fn closure(&self, day: Date) -> Option<Closure> {
        if self.def.holidays == HolidayRule::Nrw {
            if let Some(h) = crate::holiday::nrw_holiday(day) {
                return Some(Closure::Holiday(h));
            }
        }
        self.def
            .closed
            .iter()
            .find(|c| c.date.parse::<Date>().ok() == Some(day))
            .map(|c| Closure::Closed(c.reason.clone()))
    }

    /// The first and last day one can book on at `now_ms`.
    pub fn bookable_days(&self, now_ms: i64) -> (Date, Date) {
        let earliest = now_ms + i64::from(self.def.lead_hours) * 3_600_000;
        let today = local_date(now_ms);
        let last = today.saturating_add(i64::from(self.def.horizon_days).days());
        (local_date(earliest).min(last), last)
    }

    /// Start times on `day` that the calendar offers for a visit of `minutes`, ignoring
    /// bookings, lead time and horizon.
    pub fn starts_on(&self, day: Date, minutes: u32) -> Vec<(i64, i64)> {
        if self.closure(day).is_some() {
            return Vec::new();
        }
        let wd = weekday_of(day);
        let dur = i64::from(minutes) * 60_000;
        let grid = i64::from(self.def.slot_minutes.max(UNIT_MINUTES as u32)) * 60_000;
        let interval = |h: &OpeningHours| -> Option<(i64, i64)> {
            let (f, t) = (hhmm(&h.from)?, hhmm(&h.to)?);
            Some((instant(day, f), instant(day, t)))
        };
        let breaks: Vec<(i64, i64)> = self
            .def
            .breaks
            .iter()
            .filter(|b| b.days.contains(&wd))
            .filter_map(interval)
            .collect();
        let blocked: Vec<(i64, i64)> = self
            .def
            .blocked
            .iter()
            .filter_map(|b| {
                let (f, t) = (
                    b.from.parse::<DateTime>().ok()?,
                    b.to.parse::<DateTime>().ok()?,
                );
                Some((instant(f.date(), f.time()), instant(t.date(), t.time())))
            })
            .collect();
        let mut out = Vec::new();
        for h in self.hours.iter().filter(|h| h.days.contains(&wd)) {
            let Some((open, close)) = interval(h) else {
                continue;
            };
            let mut t = open;
            while t + dur <= close {
                let end = t + dur;
                let clash = breaks
                    .iter()
                    .chain(blocked.iter())
                    .any(|&(f, e)| t < e && f < end);
                if !clash {
                    out.push((t, end));
                }
                t += grid;
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Free start times from `first` to `last` (Berlin days, inclusive) for a visit of
    /// `minutes`, given the office's bookings, at `now_ms` (lead time and horizon apply).
    pub fn free_slots(
        &self,
        minutes: u32,
        first: Date,
        last: Date,
        now_ms: i64,
        booked: &[Booked],
    ) -> Vec<Slot> {
        let (earliest_day, last_day) = self.bookable_days(now_ms);
        let first = first.max(earliest_day);
        let last = last.min(last_day);
        if first > last {
            return Vec::new();
        }
        let earliest = now_ms + i64::from(self.def.lead_hours) * 3_600_000;
        let occupancy = Occupancy::new(
            day_start(first),
            day_start(last.saturating_add(1.day())),
            self.def.counters,
            booked,
        );
        let mut out = Vec::new();
        let mut day = first;
        while day <= last {
            for (start, end) in self.starts_on(day, minutes) {
                if start < earliest {
                    continue;
                }
                let counters = occupancy.free_counters(start, end);
                if !counters.is_empty() {
                    out.push(Slot {
                        start_ms: start,
                        end_ms: end,
                        counters,
                    });
                }
            }
            day = day.saturating_add(1.day());
        }
        out
    }

    /// Whether `start_ms` is a start time the calendar offers for `minutes` at `now_ms`
    /// (bookings aside): on the grid, within hours, outside breaks, closures and blocks,
    /// after the lead time and within the horizon.
    pub fn offers(&self, minutes: u32, start_ms: i64, now_ms: i64) -> bool {
        let day = local_date(start_ms);
        let (first, last) = self.bookable_days(now_ms);
        day >= first
            && day <= last
            && start_ms >= now_ms + i64::from(self.def.lead_hours) * 3_600_000
            && self
                .starts_on(day, minutes)
                .iter()
                .any(|&(s, _)| s == start_ms)
    }
}

/// Which units each counter has taken, as one bit per 5-minute unit.
struct Occupancy {
    from_unit: i64,
    words: usize,
    counters: Vec<Vec<u64>>,
}

impl Occupancy {
    fn new(from_ms: i64, to_ms: i64, counters: u32, booked: &[Booked]) -> Occupancy {
        let from_unit = from_ms.div_euclid(UNIT_MS);
        let units = (to_ms.div_euclid(UNIT_MS) - from_unit).max(0) as usize + 1;
        let words = units.div_ceil(64);
        let mut o = Occupancy {
            from_unit,
            words,
            counters: vec![vec![0; words]; counters as usize],
        };
        for b in booked {
            let Some(bits) = (b.counter as usize)
                .checked_sub(1)
                .and_then(|c| o.counters.get_mut(c))
            else {
                continue;
            };
            for u in units_of(b.start_ms, b.end_ms) {
                let i = u - from_unit;
                if i >= 0 && (i as usize) < words * 64 {
                    bits[i as usize / 64] |= 1 << (i as usize % 64);
                }
            }
        }
        o
    }

    fn free_counters(&self, start: i64, end: i64) -> Vec<u32> {
        let range: Vec<usize> = units_of(start, end)
            .map(|u| u - self.from_unit)
            .filter(|&i| i >= 0 && (i as usize) < self.words * 64)
            .map(|i| i as usize)
            .collect();
        self.counters
            .iter()
            .enumerate()
            .filter(|(_, bits)| range.iter().all(|&i| bits[i / 64] & (1 << (i % 64)) == 0))
            .map(|(c, _)| c as u32 + 1)
            .collect()
    }
}

/// The grid units (their numbers since the epoch) that `[start, end)` covers.
pub fn units_of(start_ms: i64, end_ms: i64) -> impl Iterator<Item = i64> {
    let first = start_ms.div_euclid(UNIT_MS);
    let last = (end_ms + UNIT_MS - 1).div_euclid(UNIT_MS);
    first..last
}

/// Booking codes: six characters from an alphabet without look-alikes (no 0/O, 1/I/L),
/// shown as `ABC-234`; 31⁶ ≈ 887 million codes.
pub const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// Where a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    Booked,
    Cancelled,
}

impl AppointmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<AppointmentStatus> {
        match s {
            "booked" => Some(AppointmentStatus::Booked),
            "cancelled" => Some(AppointmentStatus::Cancelled),
            _ => None,
        }
    }
}

pub fn booking_code(random: [u8; 6]) -> String {
    let mut s = String::with_capacity(7);
    for (i, b) in random.iter().enumerate() {
        if i == 3 {
            s.push('-');
        }
        s.push(CODE_ALPHABET[*b as usize % CODE_ALPHABET.len()] as char);
    }
    s
}

/// A code as typed (any case, spaces, dashes) in its canonical form, if it can be one.
pub fn normalize_code(typed: &str) -> Option<String> {
    let chars: Vec<u8> = typed
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'-'))
        .map(|b| b.to_ascii_uppercase())
        .collect();
    if chars.len() != 6 || !chars.iter().all(|c| CODE_ALPHABET.contains(c)) {
        return None;
    }
    let mut s = String::from_utf8_lossy(&chars[..3]).into_owned();
    s.push('-');
    s.push_str(&String::from_utf8_lossy(&chars[3..]));
    Some(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{date, time};
    use proptest::prelude::*;

    fn cal(v: serde_json::Value) -> CalendarDef {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
    }

    fn office_like() -> CalendarDef {
        cal(serde_json::json!({
            "services": [
                {"id": "pass", "name": {"de": "Reisepass"}, "minutes": 20},
                {"id": "ausweis", "name": {"de": "Personalausweis"}, "minutes": 15},
            ],
            "hours": [
                {"days": ["mon", "tue", "wed", "thu", "fri"], "from": "08:00", "to": "12:00"},
                {"days": ["thu"], "from": "14:00", "to": "18:00"},
            ],
            "breaks": [{"days": ["mon", "tue", "wed", "thu", "fri"], "from": "10:00", "to": "10:15"}],
            "counters": 2,
            "slot_minutes": 15,
            "horizon_days": 60,
            "lead_hours": 2,
        }))
    }

    fn at(d: Date, h: i8, m: i8) -> i64 {
        instant(d, time(h, m, 0, 0))
    }

    fn hm(ms: i64) -> String {
        let t = local(ms);
        format!("{:02}:{:02}", t.hour(), t.minute())
    }

    #[test]
    fn checks_catch_wrong_grids_and_overlaps() {
        let mut c = office_like();
        c.slot_minutes = 25;
        assert!(c
            .check("/x", &[])
            .iter()
            .any(|p| p.pointer == "/x/slot_minutes"));
        let mut c = office_like();
        c.hours[1].from = "14:10".into();
        let p = c.check("/x", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].pointer, "/x/hours/1/from");
        let mut c = office_like();
        c.hours[1].from = "11:00".into();
        let p = c.check("/x", &[]);
        assert_eq!(p[0].pointer, "/x/hours/0", "{p:?}");
        let mut c = office_like();
        c.services[1].minutes = 17;
        assert_eq!(c.check("/x", &[])[0].pointer, "/x/services/1/minutes");
        assert!(office_like().check("/x", &[]).is_empty());
    }

    #[test]
    fn durations_add_up() {
        let c = office_like();
        let k = c.with(&[]);
        assert_eq!(k.visit_minutes(&["pass".into(), "ausweis".into()]), Ok(35));
        assert_eq!(k.visit_minutes(&[]), Err(VisitError::Empty));
        assert_eq!(
            k.visit_minutes(&["x".into()]),
            Err(VisitError::Unknown("x".into()))
        );
        let many = vec!["pass".to_string(); 7];
        assert_eq!(
            k.visit_minutes(&many),
            Err(VisitError::TooLong {
                minutes: 140,
                max: 120
            })
        );
    }

    #[test]
    fn hours_breaks_and_grid() {
        let c = office_like();
        let k = c.with(&[]);
        // Thursday 2026-11-26.
        let starts: Vec<String> = k
            .starts_on(date(2026, 11, 26), 35)
            .iter()
            .map(|&(s, _)| hm(s))
            .collect();
        // 35 minutes: 09:30 would end 10:05 inside the break; the last morning start ends
        // by 12:00; the afternoon runs to 18:00.
        assert_eq!(starts.first().map(String::as_str), Some("08:00"));
        assert!(starts.contains(&"09:15".to_string()));
        assert!(!starts.contains(&"09:30".to_string()));
        assert!(!starts.contains(&"09:45".to_string()));
        assert!(starts.contains(&"10:15".to_string()));
        assert!(starts.contains(&"11:15".to_string()));
        assert!(!starts.contains(&"11:30".to_string()));
        assert!(starts.contains(&"14:00".to_string()));
        assert!(starts.contains(&"17:15".to_string()));
        assert!(!starts.contains(&"17:30".to_string()));
        // Saturday: closed.
        assert!(k.starts_on(date(2026, 11, 28), 15).is_empty());
    }

    #[test]
    fn holidays_closed_days_and_blocks() {
        let mut c = office_like();
        c.closed.push(ClosedDay {
            date: "2026-12-24".into(),
            reason: None,
        });
        c.blocked.push(BlockedPeriod {
            from: "2026-12-01T08:00".into(),
            to: "2026-12-01T09:00".into(),
        });
        let k = c.with(&[]);
        // Fronleichnam 2026 is a Thursday.
        assert_eq!(
            k.closure(date(2026, 6, 4)),
            Some(Closure::Holiday("Fronleichnam"))
        );
        assert!(k.starts_on(date(2026, 6, 4), 15).is_empty());
        assert!(k.starts_on(date(2026, 12, 24), 15).is_empty());
        assert!(k.starts_on(date(2026, 12, 25), 15).is_empty());
        let dec1: Vec<String> = k
            .starts_on(date(2026, 12, 1), 15)
            .iter()
            .map(|&(s, _)| hm(s))
            .collect();
        assert_eq!(dec1.first().map(String::as_str), Some("09:00"));
        let mut none = office_like();
        none.holidays = HolidayRule::None;
        assert!(!none.with(&[]).starts_on(date(2026, 6, 4), 15).is_empty());
    }

    #[test]
    fn lead_time_and_horizon() {
        let c = office_like();
        let k = c.with(&[]);
        // Monday 2026-11-23 09:07 Berlin.
        let now = at(date(2026, 11, 23), 9, 7);
        let slots = k.free_slots(15, date(2026, 11, 23), date(2026, 11, 23), now, &[]);
        // Lead time two hours: 11:07 at the earliest, so 11:15 and 11:30 and 11:45.
        let times: Vec<String> = slots.iter().map(|s| hm(s.start_ms)).collect();
        assert_eq!(times, ["11:15", "11:30", "11:45"]);
        assert!(k.offers(15, at(date(2026, 11, 23), 11, 15), now));
        assert!(!k.offers(15, at(date(2026, 11, 23), 11, 0), now));
        assert!(!k.offers(15, at(date(2026, 11, 23), 11, 20), now));
        // Horizon 60 days: 2027-01-22 is the last day.
        assert!(k.offers(15, at(date(2027, 1, 22), 8, 0), now));
        assert!(!k.offers(15, at(date(2027, 1, 25), 8, 0), now));
        let (_, last) = k.bookable_days(now);
        assert_eq!(last, date(2027, 1, 22));
    }

    #[test]
    fn bookings_take_counters() {
        let c = office_like();
        let k = c.with(&[]);
        let day = date(2026, 11, 30);
        let now = at(date(2026, 11, 23), 9, 0);
        let s = at(day, 8, 0);
        let e = at(day, 8, 35);
        let one = [Booked {
            start_ms: s,
            end_ms: e,
            counter: 1,
        }];
        let slots = k.free_slots(15, day, day, now, &one);
        let first = &slots[0];
        assert_eq!(hm(first.start_ms), "08:00");
        assert_eq!(first.counters, [2]);
        let both = [
            one[0],
            Booked {
                start_ms: s,
                end_ms: e,
                counter: 2,
            },
        ];
        let slots = k.free_slots(15, day, day, now, &both);
        // 08:00–08:35 taken on both counters: 08:30 is still inside, 08:45 is free.
        assert_eq!(hm(slots[0].start_ms), "08:45");
        assert_eq!(slots[0].counters, [1, 2]);
    }

    #[test]
    fn spring_forward() {
        // 2026-03-29: 02:00 CET becomes 03:00 CEST.
        let c = cal(serde_json::json!({
            "services": [{"id": "x", "name": {"de": "X"}, "minutes": 30}],
            "hours": [{"days": ["sun"], "from": "01:00", "to": "04:00"}],
            "slot_minutes": 30, "lead_hours": 0, "holidays": "none"
        }));
        let k = c.with(&[]);
        let day = date(2026, 3, 29);
        let starts = k.starts_on(day, 30);
        let times: Vec<String> = starts.iter().map(|&(s, _)| hm(s)).collect();
        // 01:00 CET to 04:00 CEST are two real hours: four half-hour visits.
        assert_eq!(times, ["01:00", "01:30", "03:00", "03:30"]);
        assert!(starts.iter().all(|&(s, e)| e - s == 30 * 60_000));
        // 01:30 CET + 30 minutes is 03:00 CEST.
        assert_eq!(hm(starts[1].1), "03:00");
        // 08:00 the next day is 06:00 UTC (CEST), the day before 07:00 UTC (CET).
        assert_eq!(at(date(2026, 3, 30), 8, 0) % 86_400_000, 6 * 3_600_000);
        assert_eq!(at(date(2026, 3, 28), 8, 0) % 86_400_000, 7 * 3_600_000);
    }

    #[test]
    fn fall_back() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:00–03:00 happens twice.
        let c = cal(serde_json::json!({
            "services": [{"id": "x", "name": {"de": "X"}, "minutes": 30}],
            "hours": [{"days": ["sun"], "from": "01:00", "to": "04:00"}],
            "slot_minutes": 30, "lead_hours": 0, "holidays": "none"
        }));
        let k = c.with(&[]);
        let starts = k.starts_on(date(2026, 10, 25), 30);
        let times: Vec<String> = starts.iter().map(|&(s, _)| hm(s)).collect();
        assert_eq!(
            times,
            ["01:00", "01:30", "02:00", "02:30", "02:00", "02:30", "03:00", "03:30"]
        );
        // Each is a distinct instant, half an hour apart.
        for w in starts.windows(2) {
            assert_eq!(w[1].0 - w[0].0, 30 * 60_000);
        }
        // A booking in the first 02:00 leaves the second one free.
        let booked = [Booked {
            start_ms: starts[2].0,
            end_ms: starts[2].1,
            counter: 1,
        }];
        let now = at(date(2026, 10, 24), 12, 0);
        let free = k.free_slots(30, date(2026, 10, 25), date(2026, 10, 25), now, &booked);
        assert_eq!(free.len(), 7);
        assert!(free.iter().any(|s| s.start_ms == starts[4].0));
        assert!(!free.iter().any(|s| s.start_ms == starts[2].0));
    }

    #[test]
    fn codes() {
        let c = booking_code([0, 1, 2, 30, 31, 255]);
        assert_eq!(c, "ABC-9AH");
        assert_eq!(normalize_code(" abc 9a9 "), Some("ABC-9A9".into()));
        assert_eq!(normalize_code("ABC-9A0"), None);
        assert_eq!(normalize_code("ABC9A"), None);
    }

    proptest! {
        /// Whatever is booked, a slot offered as free on a counter overlaps no booking of
        /// that counter; and every start the calendar offers that overlaps no booking on
        /// some counter is offered.
        #[test]
        fn free_means_free(bookings in proptest::collection::vec((0u32..40, 1u32..8, 1u32..3), 0..25), minutes in 1u32..8) {
            let c = office_like();
            let k = c.with(&[]);
            let day = date(2026, 11, 26);
            let now = at(date(2026, 11, 20), 12, 0);
            let base = at(day, 8, 0);
            let booked: Vec<Booked> = bookings.iter().map(|&(u, len, counter)| Booked {
                start_ms: base + i64::from(u) * UNIT_MS * 3,
                end_ms: base + i64::from(u) * UNIT_MS * 3 + i64::from(len) * UNIT_MS,
                counter,
            }).collect();
            let dur = minutes * 5;
            let free = k.free_slots(dur, day, day, now, &booked);
            for s in &free {
                for c in &s.counters {
                    prop_assert!(!booked.iter().any(|b| b.counter == *c && b.start_ms < s.end_ms && s.start_ms < b.end_ms));
                }
            }
            for (s, e) in k.starts_on(day, dur) {
                let some_free = (1..=2).any(|c| !booked.iter().any(|b| b.counter == c && b.start_ms < e && s < b.end_ms));
                prop_assert_eq!(some_free, free.iter().any(|f| f.start_ms == s));
            }
        }
    }
}
