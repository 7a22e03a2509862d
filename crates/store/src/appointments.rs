//! Appointments (bookings at an office) and visits (people on site with a waiting number).
//!
//! A booking takes its counter by inserting one row per 5-minute unit into
//! `appointment_units`, whose primary key is `(tenant, office, counter, unit)`. Rows that
//! already exist are skipped (`ON CONFLICT DO NOTHING`); if not all units could be taken the
//! counter is busy and the next is tried. The database, not the application, decides who got
//! a slot, so concurrent requests can never double-book.

use crate::postkorb::insert_outbox;
use crate::{now_millis, with_pool, Db, StoreError};
use rathaus_domain::appointment::{units_of, AppointmentStatus};
use rathaus_domain::visit::{VisitKind, VisitStatus};
use sqlx::Row;

/// A new booking; `counter` is chosen by [`Db::book_appointment`].
#[derive(Debug, Clone, Default)]
pub struct NewAppointment {
    pub id: String,
    pub tenant_id: String,
    pub office_id: String,
    pub code: String,
    pub token_hash: String,
    /// Bookable ids as a JSON array.
    pub services: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub name: String,
    pub email: String,
    pub lang: String,
    pub account_id: Option<String>,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    pub id: String,
    pub tenant_id: String,
    pub office_id: String,
    pub code: String,
    pub token_hash: String,
    pub services: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub counter: i64,
    pub name: String,
    pub email: String,
    pub lang: String,
    pub account_id: Option<String>,
    pub reference: Option<String>,
    pub status: AppointmentStatus,
    pub created_at: i64,
    pub updated_at: i64,
    pub reminded_at: Option<i64>,
}

impl Appointment {
    pub fn services(&self) -> Vec<String> {
        serde_json::from_str(&self.services).unwrap_or_default()
    }
}

const COLUMNS: &str =
    "id, tenant_id, office_id, code, token_hash, services, starts_at, ends_at, counter, \
     name, email, lang, account_id, reference, status, created_at, updated_at, reminded_at";

macro_rules! appointment_from {
    ($r:expr) => {
        Appointment {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            office_id: $r.get("office_id"),
            code: $r.get("code"),
            token_hash: $r.get("token_hash"),
            services: $r.get("services"),
            starts_at: $r.get("starts_at"),
            ends_at: $r.get("ends_at"),
            counter: $r.get("counter"),
            name: $r.get("name"),
            email: $r.get("email"),
            lang: $r.get("lang"),
            account_id: $r.get("account_id"),
            reference: $r.get("reference"),
            status: crate::decode(
                "appointment status",
                $r.get("status"),
                AppointmentStatus::parse,
            )?,
            created_at: $r.get("created_at"),
            updated_at: $r.get("updated_at"),
            reminded_at: $r.get("reminded_at"),
        }
    };
}

/// What became of a booking or a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BookOutcome {
    /// Booked at this counter.
    Booked(i64),
    /// Every counter that looked free was taken meanwhile.
    Taken,
    /// The e-mail address already holds as many appointments ahead as allowed.
    EmailLimit,
    /// The booking code exists already (draw another).
    CodeClash,
    /// Nothing to move (unknown or cancelled).
    Gone,
}

/// A mail to queue with the change: `(outbox id, payload)`.
pub type QueuedMail = Option<(String, String)>;

/// Tries `counters` in order inside transaction `$tx` for appointment `$id`; evaluates to
/// the counter that took every unit, or `None`.
macro_rules! take_units {
    ($tx:ident, $tenant:expr, $office:expr, $id:expr, $start:expr, $end:expr, $counters:expr) => {{
        let units: Vec<i64> = units_of($start, $end).collect();
        let mut got = None;
        for &c in $counters {
            let mut q = String::from(
                "INSERT INTO appointment_units (tenant_id, office_id, counter, unit, appointment_id) VALUES ",
            );
            for i in 0..units.len() {
                if i > 0 {
                    q.push_str(", ");
                }
                q.push_str(&format!("($1, $2, $3, ${}, $4)", i + 5));
            }
            q.push_str(" ON CONFLICT DO NOTHING");
            let mut query = sqlx::query(&q)
                .bind($tenant)
                .bind($office)
                .bind(i64::from(c))
                .bind($id);
            for u in &units {
                query = query.bind(*u);
            }
            let n = query.execute(&mut *$tx).await?.rows_affected();
            if n as usize == units.len() {
                got = Some(i64::from(c));
                break;
            }
            // Give back what this counter did take.
            sqlx::query("DELETE FROM appointment_units WHERE appointment_id = $1")
                .bind($id)
                .execute(&mut *$tx)
                .await?;
        }
        got
    }};
}

/// Queues the mail of a change, if any, inside transaction `$tx`.
macro_rules! queue_mail {
    ($tx:ident, $tenant:expr, $mail:expr) => {
        if let Some((id, payload)) = $mail {
            insert_outbox!($tx, $tenant, "mail", payload, id = id);
        }
    };
}

/// A person on site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visit {
    pub id: String,
    pub tenant_id: String,
    pub office_id: String,
    pub day: String,
    pub number: i64,
    pub kind: VisitKind,
    pub appointment_id: Option<String>,
    pub services: String,
    pub due_at: Option<i64>,
    pub checked_in_at: i64,
    pub checked_in_by: String,
    pub status: VisitStatus,
    pub called_at: Option<i64>,
    pub called_by: Option<String>,
    pub counter_label: Option<String>,
    pub done_at: Option<i64>,
    pub updated_at: i64,
}

impl Visit {
    pub fn services(&self) -> Vec<String> {
        serde_json::from_str(&self.services).unwrap_or_default()
    }
}

const VISIT_COLUMNS: &str = "id, tenant_id, office_id, day, number, kind, appointment_id, services, due_at, \
     checked_in_at, checked_in_by, status, called_at, called_by, counter_label, done_at, updated_at";

macro_rules! visit_from {
    ($r:expr) => {
        Visit {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            office_id: $r.get("office_id"),
            day: $r.get("day"),
            number: $r.get("number"),
            kind: crate::decode("visit kind", $r.get("kind"), VisitKind::parse)?,
            appointment_id: $r.get("appointment_id"),
            services: $r.get("services"),
            due_at: $r.get("due_at"),
            checked_in_at: $r.get("checked_in_at"),
            checked_in_by: $r.get("checked_in_by"),
            status: crate::decode("visit status", $r.get("status"), VisitStatus::parse)?,
            called_at: $r.get("called_at"),
            called_by: $r.get("called_by"),
            counter_label: $r.get("counter_label"),
            done_at: $r.get("done_at"),
            updated_at: $r.get("updated_at"),
        }
    };
}

/// A check-in to record.
#[derive(Debug, Clone)]
pub struct NewVisit {
    pub tenant_id: String,
    pub office_id: String,
    pub day: String,
    pub kind: VisitKind,
    pub appointment_id: Option<String>,
    pub services: String,
    pub due_at: Option<i64>,
    /// `kiosk` or `staff:<id>`.
    pub by: String,
}

impl Db {
    /// Books `a` at the first of `counters` whose units are all free, unless its e-mail
    /// address holds `per_email` appointments ahead already; queues `mail` with it.
    pub async fn book_appointment(
        &self,
        a: &NewAppointment,
        counters: &[u32],
        per_email: u32,
        mail: QueuedMail,
    ) -> Result<BookOutcome, StoreError> {
        let now = now_millis();
        let postgres = matches!(self, Db::Postgres(_));
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                if postgres {
                    // Bookings of one e-mail address at one office queue behind each other,
                    // so the limit below counts what the others committed.
                    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
                        .bind(format!("appt:{}:{}:{}", a.tenant_id, a.office_id, a.email.to_lowercase()))
                        .execute(&mut *tx)
                        .await?;
                }
                // The first statement writes: SQLite takes its write lock here (serialising
                // bookings), not halfway.
                let inserted = sqlx::query(
                    "INSERT INTO appointments (id, tenant_id, office_id, code, token_hash, services, starts_at, ends_at, \
                     counter, name, email, lang, account_id, reference, status, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $11, $12, $13, 'booked', $14, $14) \
                     ON CONFLICT (tenant_id, code) DO NOTHING",
                )
                .bind(&a.id)
                .bind(&a.tenant_id)
                .bind(&a.office_id)
                .bind(&a.code)
                .bind(&a.token_hash)
                .bind(&a.services)
                .bind(a.starts_at)
                .bind(a.ends_at)
                .bind(&a.name)
                .bind(&a.email)
                .bind(&a.lang)
                .bind(&a.account_id)
                .bind(&a.reference)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if inserted != 1 {
                    tx.rollback().await?;
                    return Ok(BookOutcome::CodeClash);
                }
                let held: i64 = sqlx::query(
                    "SELECT COUNT(*) AS n FROM appointments WHERE tenant_id = $1 AND office_id = $2 \
                     AND LOWER(email) = LOWER($3) AND status = 'booked' AND ends_at > $4 AND id <> $5",
                )
                .bind(&a.tenant_id)
                .bind(&a.office_id)
                .bind(&a.email)
                .bind(now)
                .bind(&a.id)
                .fetch_one(&mut *tx)
                .await?
                .get("n");
                if held >= i64::from(per_email) {
                    tx.rollback().await?;
                    return Ok(BookOutcome::EmailLimit);
                }
                let got = take_units!(tx, &a.tenant_id, &a.office_id, &a.id, a.starts_at, a.ends_at, counters);
                let Some(counter) = got else {
                    tx.rollback().await?;
                    return Ok(BookOutcome::Taken);
                };
                sqlx::query("UPDATE appointments SET counter = $1 WHERE id = $2")
                    .bind(counter)
                    .bind(&a.id)
                    .execute(&mut *tx)
                    .await?;
                queue_mail!(tx, &a.tenant_id, mail);
                tx.commit().await?;
                Ok(BookOutcome::Booked(counter))
            }};
        }
        with_pool!(self, |p| body!(p))
    }

    /// Moves a booked appointment to a new time; the old slot is kept if the new one is
    /// taken (one transaction).
    pub async fn move_appointment(
        &self,
        tenant_id: &str,
        id: &str,
        starts_at: i64,
        ends_at: i64,
        counters: &[u32],
        mail: QueuedMail,
    ) -> Result<BookOutcome, StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let row = sqlx::query(
                    "UPDATE appointments SET starts_at = $1, ends_at = $2, updated_at = $3, reminded_at = NULL \
                     WHERE tenant_id = $4 AND id = $5 AND status = 'booked' AND starts_at > $3 \
                     AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.appointment_id = appointments.id) \
                     RETURNING office_id",
                )
                .bind(starts_at)
                .bind(ends_at)
                .bind(now)
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(row) = row else {
                    tx.rollback().await?;
                    return Ok(BookOutcome::Gone);
                };
                let office: String = row.get("office_id");
                sqlx::query("DELETE FROM appointment_units WHERE appointment_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let got = take_units!(tx, tenant_id, &office, id, starts_at, ends_at, counters);
                let Some(counter) = got else {
                    tx.rollback().await?;
                    return Ok(BookOutcome::Taken);
                };
                sqlx::query("UPDATE appointments SET counter = $1 WHERE id = $2")
                    .bind(counter)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                queue_mail!(tx, tenant_id, mail);
                tx.commit().await?;
                Ok(BookOutcome::Booked(counter))
            }};
        }
        with_pool!(self, |p| body!(p))
    }

    /// Cancels a booked appointment and frees its slot; false if it was not booked.
    pub async fn cancel_appointment(
        &self,
        tenant_id: &str,
        id: &str,
        mail: QueuedMail,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let n = sqlx::query(
                    "UPDATE appointments SET status = 'cancelled', updated_at = $1 \
                     WHERE tenant_id = $2 AND id = $3 AND status = 'booked' AND starts_at > $1 \
                     AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.appointment_id = appointments.id)",
                )
                .bind(now)
                .bind(tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                sqlx::query("DELETE FROM appointment_units WHERE appointment_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                queue_mail!(tx, tenant_id, mail);
                tx.commit().await?;
                Ok(true)
            }};
        }
        with_pool!(self, |p| body!(p))
    }

    pub async fn appointment(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<Option<Appointment>, StoreError> {
        let q = format!("SELECT {COLUMNS} FROM appointments WHERE tenant_id = $1 AND id = $2");
        with_pool!(self, |p| sqlx::query(&q)
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(appointment_from!(r)))
            .transpose())
    }

    /// Whether the appointment was checked in on site (then it can no longer be moved or
    /// cancelled online).
    pub async fn checked_in(&self, appointment_id: &str) -> Result<bool, StoreError> {
        with_pool!(self, |p| Ok(sqlx::query(
            "SELECT 1 AS x FROM visits WHERE appointment_id = $1"
        )
        .bind(appointment_id)
        .fetch_optional(p)
        .await?
        .is_some()))
    }

    pub async fn appointment_by_code(
        &self,
        tenant_id: &str,
        office_id: &str,
        code: &str,
    ) -> Result<Option<Appointment>, StoreError> {
        let q = format!(
            "SELECT {COLUMNS} FROM appointments WHERE tenant_id = $1 AND office_id = $2 AND code = $3"
        );
        with_pool!(self, |p| sqlx::query(&q)
            .bind(tenant_id)
            .bind(office_id)
            .bind(code)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(appointment_from!(r)))
            .transpose())
    }

    /// Booked appointments of an office overlapping `[from, to)`, by start.
    pub async fn appointments_between(
        &self,
        tenant_id: &str,
        office_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<Appointment>, StoreError> {
        let q = format!(
            "SELECT {COLUMNS} FROM appointments WHERE tenant_id = $1 AND office_id = $2 \
             AND status = 'booked' AND starts_at < $3 AND ends_at > $4 ORDER BY starts_at, counter"
        );
        with_pool!(self, |p| sqlx::query(&q)
            .bind(tenant_id)
            .bind(office_id)
            .bind(to)
            .bind(from)
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| Ok::<_, StoreError>(appointment_from!(r)))
            .collect::<Result<Vec<_>, _>>())
    }

    /// The id, start, end and counter of every booked appointment of an office overlapping
    /// `[from, to)` (what the free-slot computation needs).
    pub async fn booked_slots(
        &self,
        tenant_id: &str,
        office_id: &str,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, i64, i64, i64)>, StoreError> {
        let q = "SELECT id, starts_at, ends_at, counter FROM appointments WHERE tenant_id = $1 AND office_id = $2 \
             AND status = 'booked' AND starts_at < $3 AND ends_at > $4";
        with_pool!(self, |p| Ok(sqlx::query(q)
            .bind(tenant_id)
            .bind(office_id)
            .bind(to)
            .bind(from)
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| (
                r.get("id"),
                r.get("starts_at"),
                r.get("ends_at"),
                r.get("counter")
            ))
            .collect()))
    }

    /// A citizen account's appointments: those still ahead and booked, or (`all`) every
    /// one stored, by start.
    pub async fn appointments_of_account(
        &self,
        tenant_id: &str,
        account_id: &str,
        all: bool,
    ) -> Result<Vec<Appointment>, StoreError> {
        let q = format!(
            "SELECT {COLUMNS} FROM appointments WHERE tenant_id = $1 AND account_id = $2 \
             AND ((status = 'booked' AND ends_at > $3) OR {all}) ORDER BY starts_at"
        );
        with_pool!(self, |p| sqlx::query(&q)
            .bind(tenant_id)
            .bind(account_id)
            .bind(now_millis())
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| Ok::<_, StoreError>(appointment_from!(r)))
            .collect::<Result<Vec<_>, _>>())
    }

    /// Appointments whose reminder is due: booked, not reminded, starting in `[from, to)`
    /// and booked at least `notice_ms` before their start (someone who booked for tomorrow
    /// has the confirmation fresh in their inbox).
    pub async fn reminders_due(
        &self,
        from: i64,
        to: i64,
        notice_ms: i64,
    ) -> Result<Vec<Appointment>, StoreError> {
        let q = format!(
            "SELECT {COLUMNS} FROM appointments WHERE status = 'booked' AND reminded_at IS NULL \
             AND starts_at >= $1 AND starts_at < $2 AND created_at < starts_at - $3 AND email <> '' \
             ORDER BY starts_at LIMIT 200"
        );
        with_pool!(self, |p| sqlx::query(&q)
            .bind(from)
            .bind(to)
            .bind(notice_ms)
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| Ok::<_, StoreError>(appointment_from!(r)))
            .collect::<Result<Vec<_>, _>>())
    }

    /// Marks the reminder sent and queues its mail, once (a second call does nothing).
    pub async fn mark_reminded(
        &self,
        tenant_id: &str,
        id: &str,
        mail: QueuedMail,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let n = sqlx::query(
                    "UPDATE appointments SET reminded_at = $1 WHERE tenant_id = $2 AND id = $3 \
                     AND reminded_at IS NULL AND status = 'booked'",
                )
                .bind(now)
                .bind(tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 1 {
                    queue_mail!(tx, tenant_id, mail);
                }
                tx.commit().await?;
                Ok(n == 1)
            }};
        }
        with_pool!(self, |p| body!(p))
    }

    /// Erases name and e-mail of appointments that ended before `before` (least data: they
    /// are needed for the confirmation, the reminder and the day itself).
    pub async fn purge_appointments(&self, before: i64) -> Result<u64, StoreError> {
        with_pool!(self, |p| Ok(sqlx::query(
            "UPDATE appointments SET name = '', email = '' WHERE ends_at < $1 AND email <> ''"
        )
        .bind(before)
        .execute(p)
        .await?
        .rows_affected()))
    }

    // ----- visits ------------------------------------------------------------------------

    /// Records a check-in with the day's next waiting number. An appointment already
    /// checked in returns its existing visit (`false`).
    pub async fn check_in(&self, v: &NewVisit) -> Result<(Visit, bool), StoreError> {
        let now = now_millis();
        let id = uuid::Uuid::new_v4().simple().to_string();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                // Counting first takes SQLite's write lock at the start of the transaction;
                // when the appointment turns out to be checked in already, the rollback
                // gives the number back.
                let number: i64 = sqlx::query(
                    "INSERT INTO ticket_counters (tenant_id, office_id, day, last) VALUES ($1, $2, $3, 1) \
                     ON CONFLICT (tenant_id, office_id, day) DO UPDATE SET last = ticket_counters.last + 1 RETURNING last",
                )
                .bind(&v.tenant_id)
                .bind(&v.office_id)
                .bind(&v.day)
                .fetch_one(&mut *tx)
                .await?
                .get("last");
                if let Some(a) = &v.appointment_id {
                    let q = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE appointment_id = $1");
                    if let Some(r) = sqlx::query(&q).bind(a).fetch_optional(&mut *tx).await? {
                        tx.rollback().await?;
                        return Ok((visit_from!(r), false));
                    }
                }
                sqlx::query(
                    "INSERT INTO visits (id, tenant_id, office_id, day, number, kind, appointment_id, services, due_at, \
                     checked_in_at, checked_in_by, status, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'waiting', $10)",
                )
                .bind(&id)
                .bind(&v.tenant_id)
                .bind(&v.office_id)
                .bind(&v.day)
                .bind(number)
                .bind(v.kind.key())
                .bind(&v.appointment_id)
                .bind(&v.services)
                .bind(v.due_at)
                .bind(now)
                .bind(&v.by)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                let q = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE id = $1");
                let r = sqlx::query(&q).bind(&id).fetch_one(&mut *tx).await?;
                let visit = visit_from!(r);
                tx.commit().await?;
                Ok((visit, true))
            }};
        }
        with_pool!(self, |p| body!(p))
    }

    /// The visits of an office on a day, by number.
    pub async fn visits_of_day(
        &self,
        tenant_id: &str,
        office_id: &str,
        day: &str,
    ) -> Result<Vec<Visit>, StoreError> {
        let q = format!(
            "SELECT {VISIT_COLUMNS} FROM visits WHERE tenant_id = $1 AND office_id = $2 AND day = $3 ORDER BY number"
        );
        with_pool!(self, |p| sqlx::query(&q)
            .bind(tenant_id)
            .bind(office_id)
            .bind(day)
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| Ok::<_, StoreError>(visit_from!(r)))
            .collect::<Result<Vec<_>, _>>())
    }

    pub async fn visit(&self, tenant_id: &str, id: &str) -> Result<Option<Visit>, StoreError> {
        let q = format!("SELECT {VISIT_COLUMNS} FROM visits WHERE tenant_id = $1 AND id = $2");
        with_pool!(self, |p| sqlx::query(&q)
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(visit_from!(r)))
            .transpose())
    }

    /// Calls a waiting visitor to `counter`; false if someone else called them first.
    pub async fn call_visit(
        &self,
        tenant_id: &str,
        office_id: &str,
        id: &str,
        counter: &str,
        by: &str,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        with_pool!(self, |p| {
            Ok(sqlx::query(
            "UPDATE visits SET status = 'called', called_at = $1, called_by = $2, counter_label = $3, updated_at = $1 \
             WHERE tenant_id = $4 AND id = $5 AND office_id = $6 AND status = 'waiting'"
        )
        .bind(now)
        .bind(by)
        .bind(counter)
        .bind(tenant_id)
        .bind(id)
        .bind(office_id)
        .execute(p)
        .await?
        .rows_affected()
            == 1)
        })
    }

    /// Calls a called visitor again (the display shows them anew; the first call time,
    /// which ends the waiting time, stays).
    pub async fn recall_visit(
        &self,
        tenant_id: &str,
        office_id: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        with_pool!(self, |p| {
            Ok(sqlx::query(
            "UPDATE visits SET updated_at = $1 WHERE tenant_id = $2 AND id = $3 AND office_id = $4 AND status = 'called'"
        )
        .bind(now_millis())
        .bind(tenant_id)
        .bind(id)
        .bind(office_id)
        .execute(p)
        .await?
        .rows_affected()
            == 1)
        })
    }

    /// Ends a called visit as `done` or `missed`.
    pub async fn finish_visit(
        &self,
        tenant_id: &str,
        office_id: &str,
        id: &str,
        status: &str,
    ) -> Result<bool, StoreError> {
        let now = now_millis();
        with_pool!(self, |p| Ok(sqlx::query(
            "UPDATE visits SET status = $1, done_at = $2, updated_at = $2 \
             WHERE tenant_id = $3 AND id = $4 AND office_id = $5 AND status = 'called'"
        )
        .bind(status)
        .bind(now)
        .bind(tenant_id)
        .bind(id)
        .bind(office_id)
        .execute(p)
        .await?
        .rows_affected()
            == 1))
    }

    /// Check-in, call and end times of an office's visits from day `from` to `to`
    /// (`YYYY-MM-DD`, inclusive): `(day, checked_in_at, called_at, done_at, status)`.
    pub async fn visit_times(
        &self,
        tenant_id: &str,
        office_id: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, i64, Option<i64>, Option<i64>, String)>, StoreError> {
        with_pool!(self, |p| Ok(sqlx::query(
            "SELECT day, checked_in_at, called_at, done_at, status FROM visits \
             WHERE tenant_id = $1 AND office_id = $2 AND day >= $3 AND day <= $4 ORDER BY day"
        )
        .bind(tenant_id)
        .bind(office_id)
        .bind(from)
        .bind(to)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(|r| (
            r.get("day"),
            r.get("checked_in_at"),
            r.get("called_at"),
            r.get("done_at"),
            r.get("status")
        ))
        .collect()))
    }
}
