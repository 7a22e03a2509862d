//! The back office's data: cases (submissions seen by staff), staff and their sessions,
//! internal notes, the print queue and the hash-chained audit trail. Every change of a
//! case is one transaction together with its audit entry, its status event, its Postkorb
//! message and its letter, so none of them exists without the others.

use crate::files::{file_from, FILE_COLUMNS};
use crate::postkorb::{insert_message, insert_outbox, MESSAGE_COLUMNS};
use crate::{now_millis, with_pool, Db, FileMeta, Message, StoreError};
use rathaus_domain::ApplicationStatus;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// For the figures: `(service_id, office_id, submitted_at, [(status, at)])`.
pub type CaseHistory = (String, String, i64, Vec<(ApplicationStatus, i64)>);

/// A case as the inbox and the case page show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub draft_id: String,
    /// The responsible tenant.
    pub tenant_id: String,
    pub portal_tenant_id: String,
    pub reference: String,
    pub service_id: String,
    pub version: i64,
    pub office_id: Option<String>,
    pub applicant: String,
    pub status: ApplicationStatus,
    pub decision: Option<String>,
    pub assignee: Option<String>,
    pub assignee_name: Option<String>,
    pub submitted_at: i64,
    pub due_at: Option<i64>,
    /// JSON answers and computed values (empty in inbox lists).
    pub answers: String,
    pub computed: String,
    pub account_id: Option<String>,
    pub contact_email: Option<String>,
    /// The receiving Fachverfahren's own case number, once it reported one.
    pub external_ref: Option<String>,
}

/// How the inbox is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Oldest first (first come, first served).
    #[default]
    Oldest,
    Newest,
    /// Earliest due date first.
    Due,
}

/// Filters of the inbox. `offices` is the set the staff member may see and is always
/// applied; the other filters narrow it down.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub offices: Vec<String>,
    pub office: Option<String>,
    pub service: Option<String>,
    pub status: Option<ApplicationStatus>,
    /// A staff id, or `""` for unassigned cases.
    pub assignee: Option<String>,
    /// Part of a reference number or of the applicant's name.
    pub query: Option<String>,
    /// Only cases past their due date (and still open) at this time.
    pub overdue_at: Option<i64>,
    pub sort: Sort,
    pub limit: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    pub id: String,
    pub tenant_id: String,
    pub name: String,
    /// JSON list of grants.
    pub grants: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSession {
    pub tenant_id: String,
    pub staff_id: String,
    pub name: String,
    pub grants: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: String,
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// A letter waiting to be printed and posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub id: String,
    pub tenant_id: String,
    pub draft_id: String,
    pub reference: String,
    pub file_id: String,
    /// The address block, one line per line.
    pub recipient: Vec<String>,
    pub created_at: i64,
    pub batch: Option<String>,
}

/// One entry of the audit trail to write: who did what to which object. `detail` is short
/// and free of personal content beyond what identifies the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
}

/// One written entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub tenant_id: String,
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
}

impl AuditEntry {
    /// The hash of an entry: SHA-256 over the previous hash and every field, each
    /// length-prefixed so that no two different entries hash the same input.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        for part in [
            self.prev_hash.as_str(),
            self.tenant_id.as_str(),
            &self.seq.to_string(),
            &self.at.to_string(),
            self.actor.as_str(),
            self.action.as_str(),
            self.object.as_str(),
            self.detail.as_str(),
        ] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// The result of verifying a tenant's audit chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditCheck {
    pub entries: i64,
    /// The first entry that does not fit, and why.
    pub broken: Option<(i64, String)>,
}

/// A change of a case: a status transition (only if the case is still in `from`), a
/// decision, a Postkorb message with attachments and mail, a letter, an assignment — and
/// always its audit entry. All in one transaction.
#[derive(Debug, Default)]
pub struct CaseChange<'a> {
    pub tenant_id: &'a str,
    pub draft_id: &'a str,
    /// `(from, to, note)`.
    pub transition: Option<(ApplicationStatus, ApplicationStatus, Option<&'a str>)>,
    pub decision: Option<&'a str>,
    pub message: Option<(&'a Message, &'a [FileMeta])>,
    /// Outbox row `(kind, payload)`, e.g. the notification mail.
    pub notify: Option<(&'a str, &'a str)>,
    /// News for the apps that follow the application (Web Push): one outbox row per live
    /// subscription, with this message (which names no content).
    pub push: Option<serde_json::Value>,
    pub letter: Option<&'a Letter>,
    pub note: Option<&'a Note>,
    pub audit: Option<AuditEvent>,
    /// Hand-overs caused by this change (review started, decided).
    pub deliveries: Vec<crate::QueuedDelivery>,
    /// The receiving Fachverfahren's case number.
    pub external_ref: Option<&'a str>,
    /// A fee the change sets (the fee of a notice), with the application's reference.
    pub payment: Option<(&'a crate::NewPayment, &'a str)>,
}

const CASE_COLUMNS: &str = "s.draft_id, s.tenant_id, s.portal_tenant_id, s.reference, s.service_id, s.version, \
     s.office_id, s.applicant, s.status, s.decision, s.assignee, st.name AS assignee_name, s.submitted_at, s.due_at, \
     d.account_id, d.contact_email, s.external_ref";
const CASE_FROM: &str = "FROM submissions s JOIN drafts d ON d.id = s.draft_id \
     LEFT JOIN staff st ON st.id = s.assignee";

macro_rules! case_from {
    ($r:expr, $full:expr) => {
        Case {
            draft_id: $r.get("draft_id"),
            tenant_id: $r.get("tenant_id"),
            portal_tenant_id: $r.get("portal_tenant_id"),
            reference: $r.get("reference"),
            service_id: $r.get("service_id"),
            version: $r.get("version"),
            office_id: $r.get("office_id"),
            applicant: $r.get("applicant"),
            status: crate::decode(
                "application status",
                $r.get("status"),
                ApplicationStatus::parse,
            )?,
            decision: $r.get("decision"),
            assignee: $r.get("assignee"),
            assignee_name: $r.get("assignee_name"),
            submitted_at: $r.get("submitted_at"),
            due_at: $r.get("due_at"),
            answers: if $full {
                $r.get("answers")
            } else {
                String::new()
            },
            computed: if $full {
                $r.get("computed")
            } else {
                String::new()
            },
            account_id: $r.get("account_id"),
            contact_email: $r.get("contact_email"),
            external_ref: $r.get("external_ref"),
        }
    };
}

/// Appends an audit entry inside transaction `$tx` (the head row serialises writers).
macro_rules! append_audit {
    ($tx:ident, $tenant:expr, $ev:expr) => {{
        let tenant: &str = $tenant;
        let ev: &AuditEvent = $ev;
        sqlx::query("INSERT INTO audit_head (tenant_id, seq, hash) VALUES ($1, 0, '') ON CONFLICT (tenant_id) DO NOTHING")
            .bind(tenant)
            .execute(&mut *$tx)
            .await?;
        let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE tenant_id = $1 RETURNING seq, hash")
            .bind(tenant)
            .fetch_one(&mut *$tx)
            .await?;
        let mut entry = AuditEntry {
            tenant_id: tenant.to_owned(),
            seq: head.get("seq"),
            at: now_millis(),
            actor: ev.actor.clone(),
            action: ev.action.clone(),
            object: ev.object.clone(),
            detail: ev.detail.clone(),
            prev_hash: head.get("hash"),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        sqlx::query(
            "INSERT INTO audit_log (tenant_id, seq, at, actor, action, object, detail, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&entry.tenant_id)
        .bind(entry.seq)
        .bind(entry.at)
        .bind(&entry.actor)
        .bind(&entry.action)
        .bind(&entry.object)
        .bind(&entry.detail)
        .bind(&entry.prev_hash)
        .bind(&entry.hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE audit_head SET hash = $2 WHERE tenant_id = $1")
            .bind(tenant)
            .bind(&entry.hash)
            .execute(&mut *$tx)
            .await?;
    }};
}
pub(crate) use append_audit;

impl Db {
    // ----- cases ---------------------------------------------------------------------

    /// Fills what older submissions lack: the office, the due date and the applicant's
    /// name (from the caller, who knows the service definitions). Returns rows changed.
    pub async fn backfill_case(
        &self,
        draft_id: &str,
        office_id: &str,
        due_at: Option<i64>,
        applicant: &str,
    ) -> Result<u64, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "UPDATE submissions SET office_id = $2, due_at = $3, applicant = $4, applicant_key = $5 WHERE draft_id = $1 AND office_id IS NULL"
        )
        .bind(draft_id)
        .bind(office_id)
        .bind(due_at)
        .bind(applicant)
        .bind(applicant.to_lowercase())
        .execute(p)
        .await?
        .rows_affected()
        }))
    }

    /// Submissions without an office yet: `(draft_id, tenant_id, service_id, submitted_at, answers)`.
    pub async fn cases_to_backfill(
        &self,
    ) -> Result<Vec<(String, String, String, i64, String)>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT draft_id, tenant_id, service_id, submitted_at, answers FROM submissions WHERE office_id IS NULL"
        )
        .fetch_all(p)
        .await?
        .into_iter()
        .map(|r| (r.get("draft_id"), r.get("tenant_id"), r.get("service_id"), r.get("submitted_at"), r.get("answers")))
        .collect()
        }))
    }

    /// The inbox: cases of the tenant in the allowed offices that match the filter.
    pub async fn inbox(&self, tenant_id: &str, f: &InboxFilter) -> Result<Vec<Case>, StoreError> {
        if f.offices.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = format!("SELECT {CASE_COLUMNS} {CASE_FROM} WHERE s.tenant_id = $1");
        let mut binds: Vec<String> = vec![tenant_id.to_owned()];
        let param = |binds: &mut Vec<String>, v: String| {
            binds.push(v);
            format!("${}", binds.len())
        };
        let list: Vec<String> = f
            .offices
            .iter()
            .map(|o| param(&mut binds, o.clone()))
            .collect();
        sql.push_str(&format!(" AND s.office_id IN ({})", list.join(", ")));
        if let Some(o) = &f.office {
            sql.push_str(&format!(
                " AND s.office_id = {}",
                param(&mut binds, o.clone())
            ));
        }
        if let Some(v) = &f.service {
            sql.push_str(&format!(
                " AND s.service_id = {}",
                param(&mut binds, v.clone())
            ));
        }
        if let Some(v) = &f.status {
            sql.push_str(&format!(
                " AND s.status = {}",
                param(&mut binds, v.as_str().to_owned())
            ));
        }
        match f.assignee.as_deref() {
            Some("") => sql.push_str(" AND s.assignee IS NULL"),
            Some(a) => sql.push_str(&format!(
                " AND s.assignee = {}",
                param(&mut binds, a.to_owned())
            )),
            None => {}
        }
        if let Some(q) = f.query.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            let like = format!("%{}%", q.to_lowercase().replace(['\\', '%', '_'], ""));
            let a = param(&mut binds, like);
            sql.push_str(&format!(
                " AND (LOWER(s.reference) LIKE {a} OR s.applicant_key LIKE {a})"
            ));
        }
        if let Some(now) = f.overdue_at {
            sql.push_str(&format!(
                " AND s.status IN ('received', 'in_review', 'waiting_for_citizen') AND s.due_at < {now}"
            ));
        }
        sql.push_str(match f.sort {
            Sort::Oldest => " ORDER BY s.submitted_at, s.reference",
            Sort::Newest => " ORDER BY s.submitted_at DESC, s.reference DESC",
            Sort::Due => " ORDER BY s.due_at, s.submitted_at",
        });
        sql.push_str(&format!(" LIMIT {}", f.limit.clamp(1, 1000)));
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::query(&sql);
            for b in &binds {
                q = q.bind(b);
            }
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| Ok::<_, StoreError>(case_from!(r, false)))
                .collect::<Result<Vec<_>, _>>()
        })?)
    }

    /// Cases per status in the allowed offices.
    pub async fn status_counts(
        &self,
        tenant_id: &str,
        offices: &[String],
    ) -> Result<Vec<(ApplicationStatus, i64)>, StoreError> {
        if offices.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..offices.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT status, COUNT(*) AS n FROM submissions WHERE tenant_id = $1 AND office_id IN ({}) GROUP BY status",
            list.join(", ")
        );
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::query(&sql).bind(tenant_id);
            for o in offices {
                q = q.bind(o);
            }
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| {
                    let status = crate::decode(
                        "application status",
                        r.get("status"),
                        ApplicationStatus::parse,
                    )?;
                    Ok::<_, StoreError>((status, r.get("n")))
                })
                .collect::<Result<Vec<_>, _>>()
        })?)
    }

    /// One case of the tenant, with answers.
    pub async fn case(&self, tenant_id: &str, reference: &str) -> Result<Option<Case>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS}, s.answers, s.computed {CASE_FROM} WHERE s.tenant_id = $1 AND s.reference = $2"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(reference)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(case_from!(r, true)))
            .transpose())?)
    }

    /// The case of a draft (any tenant), with answers.
    pub async fn case_of_draft(&self, draft_id: &str) -> Result<Option<Case>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS}, s.answers, s.computed {CASE_FROM} WHERE s.draft_id = $1"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(draft_id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(case_from!(r, true)))
            .transpose())?)
    }

    /// Assigns cases (by draft id, all of `tenant_id`) to a staff member or to nobody,
    /// with one audit entry per case. Returns how many changed.
    pub async fn assign(
        &self,
        tenant_id: &str,
        draft_ids: &[String],
        assignee: Option<&str>,
        actor: &str,
    ) -> Result<u64, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let mut n = 0;
                for d in draft_ids {
                    let changed = sqlx::query("UPDATE submissions SET assignee = $3 WHERE tenant_id = $1 AND draft_id = $2")
                        .bind(tenant_id)
                        .bind(d)
                        .bind(assignee)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if changed == 1 {
                        n += 1;
                        let ev = AuditEvent {
                            actor: actor.to_owned(),
                            action: "assign".into(),
                            object: format!("case:{d}"),
                            detail: format!("assignee={}", assignee.unwrap_or("-")),
                        };
                        append_audit!(tx, tenant_id, &ev);
                    }
                }
                tx.commit().await?;
                Ok(n)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// Applies a change of a case in one transaction. `Ok(false)`: the case was no longer
    /// in the expected status (someone else acted first) and nothing was written.
    pub async fn change_case(&self, c: &CaseChange<'_>) -> Result<bool, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                if let Some((from, to, note)) = c.transition {
                    let n = sqlx::query(
                        "UPDATE submissions SET status = $3, decision = COALESCE($4, decision) \
                         WHERE tenant_id = $1 AND draft_id = $2 AND status = $5",
                    )
                    .bind(c.tenant_id)
                    .bind(c.draft_id)
                    .bind(to.as_str())
                    .bind(c.decision)
                    .bind(from.as_str())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if n != 1 {
                        tx.rollback().await?;
                        return Ok(false);
                    }
                    sqlx::query(
                        "INSERT INTO status_events (draft_id, seq, status, note, at) \
                         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM status_events WHERE draft_id = $1",
                    )
                    .bind(c.draft_id)
                    .bind(to.as_str())
                    .bind(note)
                    .bind(now_millis())
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                }
                if let Some((m, files)) = c.message {
                    insert_message!(tx, m, files);
                }
                if let Some((kind, payload)) = c.notify {
                    let tenant = c.message.map(|(m, _)| m.tenant_id.as_str()).unwrap_or(c.tenant_id);
                    insert_outbox!(tx, tenant, kind, payload);
                }
                if let Some(news) = &c.push {
                    crate::push::insert_pushes!(tx, c.tenant_id, c.draft_id, news);
                }
                for d in &c.deliveries {
                    crate::outbox::insert_delivery!(tx, c.tenant_id, d, "");
                }
                if let Some((p, reference)) = c.payment {
                    crate::payments::insert_payment!(tx, c.tenant_id, c.draft_id, reference, p);
                }
                if let Some(r) = c.external_ref {
                    sqlx::query("UPDATE submissions SET external_ref = $1 WHERE tenant_id = $2 AND draft_id = $3")
                        .bind(r)
                        .bind(c.tenant_id)
                        .bind(c.draft_id)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Some(l) = c.letter {
                    sqlx::query(
                        "INSERT INTO print_queue (id, tenant_id, draft_id, reference, file_id, recipient, created_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&l.id)
                    .bind(&l.tenant_id)
                    .bind(&l.draft_id)
                    .bind(&l.reference)
                    .bind(&l.file_id)
                    .bind(serde_json::to_string(&l.recipient).unwrap_or_default())
                    .bind(l.created_at)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(n) = c.note {
                    sqlx::query(
                        "INSERT INTO case_notes (id, draft_id, staff_id, author, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(&n.id)
                    .bind(c.draft_id)
                    .bind(c.audit.as_ref().map(|a| a.actor.as_str()).unwrap_or(""))
                    .bind(&n.author)
                    .bind(&n.body)
                    .bind(n.created_at)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(ev) = &c.audit {
                    append_audit!(tx, c.tenant_id, ev);
                }
                tx.commit().await?;
                Ok(true)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// The internal notes of a case, oldest first.
    pub async fn notes(&self, draft_id: &str) -> Result<Vec<Note>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT id, author, body, created_at FROM case_notes WHERE draft_id = $1 ORDER BY created_at, id"
        )
        .bind(draft_id)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(|r| Note {
            id: r.get("id"),
            author: r.get("author"),
            body: r.get("body"),
            created_at: r.get("created_at"),
        })
        .collect()
        }))
    }

    /// Every file of a case: form uploads and Postkorb attachments, with their message.
    pub async fn case_files(&self, draft_id: &str) -> Result<Vec<FileMeta>, StoreError> {
        let sql =
            format!("SELECT {FILE_COLUMNS} FROM files WHERE draft_id = $1 ORDER BY created_at, id");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(draft_id)
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| file_from!(r))
            .collect()))
    }

    /// For the figures: every case of the tenant in the offices with its status history,
    /// as `(service_id, office_id, submitted_at, [(status, at)])`.
    pub async fn case_histories(
        &self,
        tenant_id: &str,
        offices: &[String],
    ) -> Result<Vec<CaseHistory>, StoreError> {
        if offices.is_empty() {
            return Ok(Vec::new());
        }
        let list: Vec<String> = (0..offices.len()).map(|i| format!("${}", i + 2)).collect();
        let sql = format!(
            "SELECT s.draft_id, s.service_id, s.office_id, s.submitted_at, e.status, e.at \
             FROM submissions s JOIN status_events e ON e.draft_id = s.draft_id \
             WHERE s.tenant_id = $1 AND s.office_id IN ({}) ORDER BY s.draft_id, e.seq",
            list.join(", ")
        );
        let rows = with_pool!(self, |p| {
            let mut q = sqlx::query(&sql).bind(tenant_id);
            for o in offices {
                q = q.bind(o);
            }
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| {
                    (
                        r.get::<String, _>("draft_id"),
                        r.get::<String, _>("service_id"),
                        r.get::<String, _>("office_id"),
                        r.get::<i64, _>("submitted_at"),
                        r.get::<String, _>("status"),
                        r.get::<i64, _>("at"),
                    )
                })
                .collect::<Vec<_>>()
        });
        let mut out: Vec<CaseHistory> = Vec::new();
        let mut last = String::new();
        for (d, s, o, sub, st, at) in rows {
            if d != last || out.is_empty() {
                out.push((s, o, sub, Vec::new()));
                last = d;
            }
            if let Some(x) = out.last_mut() {
                x.3.push((
                    crate::decode("application status", st, ApplicationStatus::parse)?,
                    at,
                ));
            }
        }
        Ok(out)
    }

    // ----- staff -----------------------------------------------------------------------

    /// Records a staff login (name and grants as the directory says today); returns the id.
    pub async fn upsert_staff(
        &self,
        tenant_id: &str,
        issuer: &str,
        subject: &str,
        name: &str,
        grants: &str,
        new_id: &str,
    ) -> Result<String, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO staff (id, tenant_id, issuer, subject, name, grants, last_login_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (tenant_id, issuer, subject) DO UPDATE SET name = excluded.name, grants = excluded.grants, \
             last_login_at = excluded.last_login_at RETURNING id"
        )
        .bind(new_id)
        .bind(tenant_id)
        .bind(issuer)
        .bind(subject)
        .bind(name)
        .bind(grants)
        .bind(now_millis())
        .fetch_one(p)
        .await?
        .get("id")
        }))
    }

    /// Staff of a tenant, by name.
    pub async fn staff(&self, tenant_id: &str) -> Result<Vec<StaffMember>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT id, tenant_id, name, grants FROM staff WHERE tenant_id = $1 ORDER BY name, id"
        )
        .bind(tenant_id)
        .fetch_all(p)
        .await?
        .into_iter()
        .map(|r| StaffMember {
            id: r.get("id"),
            tenant_id: r.get("tenant_id"),
            name: r.get("name"),
            grants: r.get("grants"),
        })
        .collect()))
    }

    pub async fn create_staff_session(
        &self,
        hash: &str,
        s: &StaffSession,
    ) -> Result<(), StoreError> {
        with_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO staff_sessions (id_hash, tenant_id, staff_id, name, grants, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(hash)
        .bind(&s.tenant_id)
        .bind(&s.staff_id)
        .bind(&s.name)
        .bind(&s.grants)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .execute(p)
        .await
        .map(|_| ())?
        });
        Ok(())
    }

    /// The live staff session of `tenant_id` with this token hash; moves its idle clock.
    /// An ended session is deleted and `None` returned.
    pub async fn touch_staff_session(
        &self,
        tenant_id: &str,
        hash: &str,
        idle_ms: i64,
    ) -> Result<Option<StaffSession>, StoreError> {
        let now = now_millis();
        let row = with_pool!(self, |p| {
            sqlx::query(
            "UPDATE staff_sessions SET last_seen_at = $3 WHERE id_hash = $1 AND tenant_id = $2 \
             AND last_seen_at > $4 AND expires_at > $3 \
             RETURNING tenant_id, staff_id, name, grants, created_at, last_seen_at, expires_at"
        )
        .bind(hash)
        .bind(tenant_id)
        .bind(now)
        .bind(now - idle_ms)
        .fetch_optional(p)
        .await?
        .map(|r| StaffSession {
            tenant_id: r.get("tenant_id"),
            staff_id: r.get("staff_id"),
            name: r.get("name"),
            grants: r.get("grants"),
            created_at: r.get("created_at"),
            last_seen_at: r.get("last_seen_at"),
            expires_at: r.get("expires_at"),
        })
        });
        if row.is_none() {
            self.end_staff_session(hash).await?;
        }
        Ok(row)
    }

    pub async fn end_staff_session(&self, hash: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM staff_sessions WHERE id_hash = $1"
        )
        .bind(hash)
        .execute(p)
        .await
        .map(|_| ())?);
        Ok(())
    }

    // ----- print queue --------------------------------------------------------------------

    /// Letters of the tenant not yet exported (or all, newest batch first).
    pub async fn letters(
        &self,
        tenant_id: &str,
        pending_only: bool,
    ) -> Result<Vec<Letter>, StoreError> {
        let sql = format!(
            "SELECT id, tenant_id, draft_id, reference, file_id, recipient, created_at, batch FROM print_queue \
             WHERE tenant_id = $1 {} ORDER BY created_at, id",
            if pending_only { "AND batch IS NULL" } else { "" }
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .fetch_all(p)
            .await?
            .into_iter()
            .map(|r| Letter {
                id: r.get("id"),
                tenant_id: r.get("tenant_id"),
                draft_id: r.get("draft_id"),
                reference: r.get("reference"),
                file_id: r.get("file_id"),
                recipient: serde_json::from_str(&r.get::<String, _>("recipient"))
                    .unwrap_or_default(),
                created_at: r.get("created_at"),
                batch: r.get("batch"),
            })
            .collect()))
    }

    /// Marks letters as exported in `batch`, with an audit entry.
    pub async fn mark_exported(
        &self,
        tenant_id: &str,
        ids: &[String],
        batch: &str,
        actor: &str,
    ) -> Result<(), StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                for id in ids {
                    sqlx::query("UPDATE print_queue SET batch = $3, exported_at = $4 WHERE tenant_id = $1 AND id = $2 AND batch IS NULL")
                        .bind(tenant_id)
                        .bind(id)
                        .bind(batch)
                        .bind(now_millis())
                        .execute(&mut *tx)
                        .await?;
                }
                let ev = AuditEvent {
                    actor: actor.to_owned(),
                    action: "print_export".into(),
                    object: format!("batch:{batch}"),
                    detail: format!("letters={}", ids.len()),
                };
                append_audit!(tx, tenant_id, &ev);
                tx.commit().await?;
                Ok(())
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    // ----- audit trail ------------------------------------------------------------------

    /// An administrator's retry (`retry = true`: pending again, attempts from zero) or
    /// cancellation of a delivery that is not done, with its audit entry, in one
    /// transaction. `false` when there was no such delivery to change.
    pub async fn change_delivery(
        &self,
        tenant_id: &str,
        id: &str,
        retry: bool,
        ev: &AuditEvent,
    ) -> Result<bool, StoreError> {
        let sql = if retry {
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $3 \
             WHERE tenant_id = $1 AND id = $2 AND kind = 'delivery' AND status IN ('pending', 'parked')"
        } else {
            "UPDATE outbox SET status = 'cancelled', done_at = $3 \
             WHERE tenant_id = $1 AND id = $2 AND kind = 'delivery' AND status IN ('pending', 'parked')"
        };
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let n = sqlx::query(sql)
                    .bind(tenant_id)
                    .bind(id)
                    .bind(now_millis())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n != 1 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                append_audit!(tx, tenant_id, ev);
                tx.commit().await?;
                Ok(true)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// Writes one audit entry (e.g. a view of personal data).
    pub async fn audit(&self, tenant_id: &str, ev: &AuditEvent) -> Result<(), StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                append_audit!(tx, tenant_id, ev);
                tx.commit().await?;
                Ok(())
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// The audit trail of a tenant in order (optionally only entries about one object).
    pub async fn audit_entries(
        &self,
        tenant_id: &str,
        object: Option<&str>,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!(
            "SELECT tenant_id, seq, at, actor, action, object, detail, prev_hash, hash FROM audit_log \
             WHERE tenant_id = $1 {} ORDER BY seq",
            if object.is_some() { "AND object = $2" } else { "" }
        );
        Ok(with_pool!(self, |p| {
            let mut q = sqlx::query(&sql).bind(tenant_id);
            if let Some(o) = object {
                q = q.bind(o);
            }
            q.fetch_all(p)
                .await?
                .into_iter()
                .map(|r| AuditEntry {
                    tenant_id: r.get("tenant_id"),
                    seq: r.get("seq"),
                    at: r.get("at"),
                    actor: r.get("actor"),
                    action: r.get("action"),
                    object: r.get("object"),
                    detail: r.get("detail"),
                    prev_hash: r.get("prev_hash"),
                    hash: r.get("hash"),
                })
                .collect()
        }))
    }

    /// Walks the tenant's chain: consecutive numbers from 1, each entry's hash recomputed,
    /// each linked to the one before, the last one matching the head.
    pub async fn verify_audit(&self, tenant_id: &str) -> Result<AuditCheck, StoreError> {
        let entries = self.audit_entries(tenant_id, None).await?;
        let head: Option<(i64, String)> = with_pool!(self, |p| sqlx::query(
            "SELECT seq, hash FROM audit_head WHERE tenant_id = $1"
        )
        .bind(tenant_id)
        .fetch_optional(p)
        .await?
        .map(|r| (r.get("seq"), r.get("hash"))));
        let mut prev = String::new();
        for (i, e) in entries.iter().enumerate() {
            let expected = i as i64 + 1;
            let broken = if e.seq != expected {
                Some(format!("entry {expected} is missing"))
            } else if e.prev_hash != prev {
                Some("does not link to the entry before".to_owned())
            } else if e.compute_hash() != e.hash {
                Some("content does not match its hash".to_owned())
            } else {
                None
            };
            if let Some(why) = broken {
                return Ok(AuditCheck {
                    entries: entries.len() as i64,
                    broken: Some((expected, why)),
                });
            }
            prev = e.hash.clone();
        }
        let n = entries.len() as i64;
        let (head_seq, head_hash) = head.unwrap_or((0, String::new()));
        let broken = (head_seq != n || head_hash != prev).then(|| {
            (
                n + 1,
                format!("the chain ends at {n}, its head says {head_seq}"),
            )
        });
        Ok(AuditCheck { entries: n, broken })
    }
}
