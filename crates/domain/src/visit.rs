//! Visitors on site: check-in, waiting numbers, who is called next, and the times that
//! go into the statistics.

use serde::{Deserialize, Serialize};

/// How someone came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// With a booked appointment (numbers `T001`, `T002` …).
    Appointment,
    /// Without one (numbers `W001` …).
    WalkIn,
}

impl VisitKind {
    pub fn key(self) -> &'static str {
        match self {
            VisitKind::Appointment => "appointment",
            VisitKind::WalkIn => "walk_in",
        }
    }
    pub fn parse(s: &str) -> Option<VisitKind> {
        match s {
            "appointment" => Some(VisitKind::Appointment),
            "walk_in" => Some(VisitKind::WalkIn),
            _ => None,
        }
    }
    /// The waiting number as shown on the ticket and the display.
    pub fn ticket(self, number: i64) -> String {
        let prefix = match self {
            VisitKind::Appointment => 'T',
            VisitKind::WalkIn => 'W',
        };
        format!("{prefix}{number:03}")
    }
}

/// Where a visit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitStatus {
    Waiting,
    Called,
    Done,
    /// Called but did not come to the counter.
    Missed,
}

impl VisitStatus {
    pub fn key(self) -> &'static str {
        match self {
            VisitStatus::Waiting => "waiting",
            VisitStatus::Called => "called",
            VisitStatus::Done => "done",
            VisitStatus::Missed => "missed",
        }
    }
    pub fn parse(s: &str) -> Option<VisitStatus> {
        match s {
            "waiting" => Some(VisitStatus::Waiting),
            "called" => Some(VisitStatus::Called),
            "done" => Some(VisitStatus::Done),
            "missed" => Some(VisitStatus::Missed),
            _ => None,
        }
    }
}

/// Someone waiting, as the call-up order needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    pub kind: VisitKind,
    pub checked_in_at: i64,
    /// The appointment's start (appointments only).
    pub due_at: Option<i64>,
}

/// Appointments count as due this long before their start.
pub const DUE_AHEAD_MS: i64 = 5 * 60_000;
/// Check-in with a booking code opens this long before the appointment …
pub const CHECK_IN_BEFORE_MS: i64 = 2 * 3_600_000;
/// … and closes this long after its start (later: as a walk-in).
pub const CHECK_IN_AFTER_MS: i64 = 30 * 60_000;

/// Whom to call next: appointments that are due, by their time; then walk-ins, by arrival;
/// then those who came early for an appointment, by its time. Returns an index into
/// `waiting`.
pub fn next(waiting: &[Waiting], now_ms: i64) -> Option<usize> {
    let rank = |w: &Waiting| -> (u8, i64) {
        match (w.kind, w.due_at) {
            (VisitKind::Appointment, Some(due)) if due <= now_ms + DUE_AHEAD_MS => (0, due),
            (VisitKind::Appointment, Some(due)) => (2, due),
            _ => (1, w.checked_in_at),
        }
    };
    waiting
        .iter()
        .enumerate()
        .min_by_key(|(i, w)| (rank(w), *i))
        .map(|(i, _)| i)
}

/// Whether an appointment starting at `start_ms` can be checked in at `now_ms`.
pub fn check_in_open(start_ms: i64, now_ms: i64) -> bool {
    now_ms >= start_ms - CHECK_IN_BEFORE_MS && now_ms <= start_ms + CHECK_IN_AFTER_MS
}

/// A finished visit's times for the statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub checked_in_at: i64,
    pub called_at: Option<i64>,
    pub done_at: Option<i64>,
    /// Ended as done (not as missed).
    pub served: bool,
}

/// Figures of a day (or any set of visits).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub visitors: usize,
    pub served: usize,
    pub mean_wait_minutes: Option<i64>,
    pub max_wait_minutes: Option<i64>,
    pub mean_service_minutes: Option<i64>,
}

/// Waiting time runs from check-in to the (first) call, service time from the call to done;
/// visitors who did not come when called count as waited, not as served.
pub fn figures(visits: &[Timing]) -> Figures {
    let waits: Vec<i64> = visits
        .iter()
        .filter_map(|v| v.called_at.map(|c| (c - v.checked_in_at).max(0)))
        .collect();
    let services: Vec<i64> = visits
        .iter()
        .filter(|v| v.served)
        .filter_map(|v| Some((v.done_at? - v.called_at?).max(0)))
        .collect();
    let mean = |v: &[i64]| {
        (!v.is_empty()).then(|| (v.iter().sum::<i64>() / v.len() as i64 + 30_000) / 60_000)
    };
    Figures {
        visitors: visits.len(),
        served: services.len(),
        mean_wait_minutes: mean(&waits),
        max_wait_minutes: waits.iter().max().map(|m| (m + 30_000) / 60_000),
        mean_service_minutes: mean(&services),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    fn walk_in(at: i64) -> Waiting {
        Waiting {
            kind: VisitKind::WalkIn,
            checked_in_at: at,
            due_at: None,
        }
    }
    fn appt(at: i64, due: i64) -> Waiting {
        Waiting {
            kind: VisitKind::Appointment,
            checked_in_at: at,
            due_at: Some(due),
        }
    }

    #[test]
    fn due_appointments_go_first_then_walk_ins_then_early_birds() {
        let now = 1_000 * MIN;
        let w = [
            walk_in(now - 30 * MIN),
            appt(now - 40 * MIN, now + 30 * MIN), // early
            appt(now - 5 * MIN, now + 3 * MIN),   // due
            walk_in(now - 50 * MIN),
        ];
        assert_eq!(next(&w, now), Some(2));
        assert_eq!(next(&[w[0], w[1], w[3]], now), Some(2));
        assert_eq!(next(&[w[0], w[1]], now), Some(0));
        assert_eq!(next(&[w[1]], now), Some(0));
        assert_eq!(next(&[], now), None);
        // Two due appointments: the earlier appointment first, whoever came first.
        let two = [appt(now - MIN, now - 2 * MIN), appt(now - 9 * MIN, now)];
        assert_eq!(next(&two, now), Some(0));
    }

    #[test]
    fn check_in_window() {
        let start = 10_000 * MIN;
        assert!(check_in_open(start, start - 120 * MIN));
        assert!(!check_in_open(start, start - 121 * MIN));
        assert!(check_in_open(start, start + 30 * MIN));
        assert!(!check_in_open(start, start + 31 * MIN));
    }

    #[test]
    fn tickets_and_figures() {
        assert_eq!(VisitKind::Appointment.ticket(7), "T007");
        assert_eq!(VisitKind::WalkIn.ticket(1234), "W1234");
        let f = figures(&[
            Timing {
                checked_in_at: 0,
                called_at: Some(10 * MIN),
                done_at: Some(25 * MIN),
                served: true,
            },
            Timing {
                checked_in_at: 0,
                called_at: Some(20 * MIN),
                done_at: Some(21 * MIN),
                served: false,
            },
            Timing {
                checked_in_at: 0,
                called_at: None,
                done_at: None,
                served: false,
            },
        ]);
        assert_eq!(
            f,
            Figures {
                visitors: 3,
                served: 1,
                mean_wait_minutes: Some(15),
                max_wait_minutes: Some(20),
                mean_service_minutes: Some(15),
            }
        );
    }
}
