//! After submitting: the status timeline of an application and its Postkorb (messages
//! between authority and citizen). Messages are immutable; the only later write is the
//! moment the citizen first opened a message of the authority. Every lookup names the
//! draft (the application's unguessable id); who may see a draft is decided by the caller.

use crate::files::{file_from, FILE_COLUMNS};
use crate::{now_millis, with_pool, Db, FileMeta, StoreError};
use rathaus_domain::ApplicationStatus;
use sqlx::Row;

/// One outbox row inside an open transaction `tx`: with a fresh id, or with the caller's
/// `id = …`, in which case a row already queued under that id is kept and this one skipped
/// (the id is the mail's idempotency key).
macro_rules! insert_outbox {
    ($tx:ident, $tenant:expr, $kind:expr, $payload:expr) => {
        sqlx::query(
            "INSERT INTO outbox (id, tenant_id, kind, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind($tenant)
        .bind($kind)
        .bind($payload)
        .bind(now_millis())
        .execute(&mut *$tx)
        .await?
    };
    ($tx:ident, $tenant:expr, $kind:expr, $payload:expr, id = $id:expr) => {
        sqlx::query(
            "INSERT INTO outbox (id, tenant_id, kind, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5) \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind($id)
        .bind($tenant)
        .bind($kind)
        .bind($payload)
        .bind(now_millis())
        .execute(&mut *$tx)
        .await?
    };
}
pub(crate) use insert_outbox;

/// Inserts a message and ties its attachments to it, inside transaction `$tx`.
macro_rules! insert_message {
    ($tx:ident, $m:expr, $attachments:expr) => {{
        let m = $m;
        let attachments = $attachments;
                sqlx::query(&format!(
                    "INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL)"
                ))
                .bind(&m.id)
                .bind(&m.tenant_id)
                .bind(&m.draft_id)
                .bind(&m.direction)
                .bind(&m.kind)
                .bind(&m.subject)
                .bind(&m.body)
                .bind(&m.sender)
                .bind(m.created_at)
                .execute(&mut *$tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                for f in attachments {
                    sqlx::query(
                        "INSERT INTO files (tenant_id, id, draft_id, field, name, size, type, sha256, created_at, message_id) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                         ON CONFLICT (tenant_id, id) DO UPDATE SET message_id = excluded.message_id",
                    )
                    .bind(&f.tenant_id)
                    .bind(&f.id)
                    .bind(&f.draft_id)
                    .bind(&f.field)
                    .bind(&f.name)
                    .bind(f.size)
                    .bind(&f.kind)
                    .bind(&f.sha256)
                    .bind(m.created_at)
                    .bind(&m.id)
                    .execute(&mut *$tx)
                    .await
                    .map_err(StoreError::from_sqlx)?;
                }
    }};
}
pub(crate) use insert_message;

/// Messages from the authority to the citizen.
pub const TO_CITIZEN: &str = "to_citizen";
/// Replies of the citizen.
pub const FROM_CITIZEN: &str = "from_citizen";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: String,
    /// The portal tenant of the application.
    pub tenant_id: String,
    pub draft_id: String,
    /// [`TO_CITIZEN`] or [`FROM_CITIZEN`].
    pub direction: String,
    /// `message`, `request` (documents or information asked for), `notice` (Bescheid), `reply`.
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// Who wrote it, as shown to the citizen (an office, or "Sie").
    pub sender: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

/// One application (open draft or submitted) as listed in Mein Bereich.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationSummary {
    pub draft_id: String,
    pub tenant_id: String,
    pub provider_id: String,
    pub service_id: String,
    pub step: String,
    pub updated_at: i64,
    pub reference: Option<String>,
    pub status: Option<ApplicationStatus>,
    pub submitted_at: Option<i64>,
    /// Messages of the authority not yet opened.
    pub unread: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusEvent {
    pub status: ApplicationStatus,
    pub note: Option<String>,
    pub at: i64,
}

const SUMMARY_SQL: &str = "SELECT d.id, d.tenant_id, d.provider_id, d.service_id, d.step, d.updated_at, \
     s.reference, s.status, s.submitted_at, \
     (SELECT COUNT(*) FROM messages m WHERE m.draft_id = d.id AND m.direction = 'to_citizen' AND m.read_at IS NULL) AS unread \
     FROM drafts d LEFT JOIN submissions s ON s.draft_id = d.id";

macro_rules! summary_from {
    ($r:expr) => {
        ApplicationSummary {
            draft_id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            provider_id: $r.get("provider_id"),
            service_id: $r.get("service_id"),
            step: $r.get("step"),
            updated_at: $r.get("updated_at"),
            reference: $r.get("reference"),
            status: $r
                .get::<Option<String>, _>("status")
                .map(|s| crate::decode("application status", s, ApplicationStatus::parse))
                .transpose()?,
            submitted_at: $r.get("submitted_at"),
            unread: $r.get("unread"),
        }
    };
}

macro_rules! message_from {
    ($r:expr) => {
        Message {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            draft_id: $r.get("draft_id"),
            direction: $r.get("direction"),
            kind: $r.get("kind"),
            subject: $r.get("subject"),
            body: $r.get("body"),
            sender: $r.get("sender"),
            created_at: $r.get("created_at"),
            read_at: $r.get("read_at"),
        }
    };
}

pub(crate) const MESSAGE_COLUMNS: &str =
    "id, tenant_id, draft_id, direction, kind, subject, body, sender, created_at, read_at";

impl Db {
    /// Every draft and application of an account, newest first.
    pub async fn applications_of_account(
        &self,
        tenant_id: &str,
        account_id: &str,
    ) -> Result<Vec<ApplicationSummary>, StoreError> {
        let sql = format!(
            "{SUMMARY_SQL} WHERE d.tenant_id = $1 AND d.account_id = $2 ORDER BY d.updated_at DESC"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(account_id)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, StoreError>(summary_from!(r)))
            .collect::<Result<Vec<_>, _>>())?)
    }

    /// One application of the portal `tenant_id`.
    pub async fn application(
        &self,
        tenant_id: &str,
        draft_id: &str,
    ) -> Result<Option<ApplicationSummary>, StoreError> {
        let sql = format!("{SUMMARY_SQL} WHERE d.tenant_id = $1 AND d.id = $2");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(draft_id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(summary_from!(r)))
            .transpose())?)
    }

    /// The status timeline of an application, oldest first.
    pub async fn status_events(&self, draft_id: &str) -> Result<Vec<StatusEvent>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT status, note, at FROM status_events WHERE draft_id = $1 ORDER BY seq"
        )
        .bind(draft_id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| {
            Ok::<_, StoreError>(StatusEvent {
                status: crate::decode(
                    "application status",
                    r.get("status"),
                    ApplicationStatus::parse,
                )?,
                note: r.get("note"),
                at: r.get("at"),
            })
        })
        .collect::<Result<Vec<_>, _>>())?)
    }

    /// The draft id of a guest's application in the portal `tenant_id`, if reference and
    /// the hash of the access code both match.
    pub async fn application_by_access_code(
        &self,
        tenant_id: &str,
        reference: &str,
        access_hash: &str,
    ) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT id FROM drafts WHERE tenant_id = $1 AND reference = $2 AND access_hash = $3"
        )
        .bind(tenant_id)
        .bind(reference)
        .bind(access_hash)
        .fetch_optional(p)
        .await?
        .map(|r| r.get::<String, _>("id"))))
    }

    /// The messages of an application, oldest first.
    pub async fn messages(&self, draft_id: &str) -> Result<Vec<Message>, StoreError> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE draft_id = $1 ORDER BY created_at, id"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(draft_id)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| message_from!(r))
            .collect()))
    }

    /// Records that the citizen opened a message of the authority; only the first time
    /// counts. Returns the moment recorded.
    pub async fn mark_read(&self, draft_id: &str, id: &str) -> Result<Option<i64>, StoreError> {
        let now = now_millis();
        with_pool!(self, |p| {
            sqlx::query(
            "UPDATE messages SET read_at = $1 WHERE draft_id = $2 AND id = $3 AND direction = 'to_citizen' AND read_at IS NULL"
        )
        .bind(now)
        .bind(draft_id)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT read_at FROM messages WHERE draft_id = $1 AND id = $2"
        )
        .bind(draft_id)
        .bind(id)
        .fetch_optional(p)
        .await?
        .and_then(|r| r.get::<Option<i64>, _>("read_at"))))
    }

    /// The attachments of the messages of an application.
    pub async fn message_files(
        &self,
        draft_id: &str,
    ) -> Result<Vec<(String, FileMeta)>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(&format!(
                "SELECT message_id, {FILE_COLUMNS} FROM files \
                 WHERE draft_id = $1 AND message_id IS NOT NULL ORDER BY created_at, name"
            ))
            .bind(draft_id)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| (r.get::<String, _>("message_id"), file_from!(r)))
            .collect()
        }))
    }
}
