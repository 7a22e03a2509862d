//! The status of ID cards and passports (`id_documents`, migration 0015): entries filed
//! under keyed hashes, written by the Fachverfahren's reports (one transaction per report,
//! with the "ready" mails it causes), read by a citizen's lookup, deleted after their time.

use crate::cases::append_audit;
use crate::notices::{insert_notice, NewNotice};
use crate::postkorb::insert_outbox;
use crate::{now_millis, with_pool, Db, StoreError};
use crate::{AuditEntry, AuditEvent};
use sqlx::Row;

/// One document's entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdDocument {
    pub id: String,
    pub tenant_id: String,
    pub office_id: String,
    pub kind: String,
    pub status: String,
    /// Since when (`YYYY-MM-DD`).
    pub since: String,
    /// A "tell me when it is ready" is waiting.
    pub notify_waiting: bool,
    /// That mail was queued (unix ms).
    pub notified_at: Option<i64>,
    pub updated_at: i64,
}

/// One reported document, its keys already hashed.
#[derive(Debug, Clone)]
pub struct ReportedDocument {
    pub kind: String,
    pub key_application: Option<String>,
    pub key_serial: Option<String>,
    pub status: String,
    pub since: String,
    /// The status is final (handed out, delivered): the deletion clock runs.
    pub is_final: bool,
    /// The document can be picked up now: a waiting "tell me" is sent.
    pub ready: bool,
}

/// What one report changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ReportOutcome {
    pub added: u64,
    pub updated: u64,
    /// "Ready" mails queued.
    pub notified: u64,
}

const COLUMNS: &str =
    "id, tenant_id, office_id, kind, status, since, notify_email, notify_account, notified_at, updated_at";

macro_rules! of_row {
    ($r:expr) => {
        IdDocument {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            office_id: $r.get("office_id"),
            kind: $r.get("kind"),
            status: $r.get("status"),
            since: $r.get("since"),
            notify_waiting: $r.get::<Option<String>, _>("notify_email").is_some()
                || $r.get::<Option<String>, _>("notify_account").is_some(),
            notified_at: $r.get("notified_at"),
            updated_at: $r.get("updated_at"),
        }
    };
}

impl Db {
    /// Files the documents `office` reported (by `actor`, audited), all in one transaction: an entry is found by
    /// either key (and takes the other one on); where a document became ready to pick up
    /// and someone asked to be told, `ready_mail(email, lang)` gives the mail queued with
    /// it and `ready_notice(account, lang)` the notice to the account's Postkorb — once —
    /// and the address and account are forgotten.
    pub async fn report_id_documents(
        &self,
        tenant: &str,
        office: &str,
        documents: &[ReportedDocument],
        actor: &str,
        ready_mail: &(dyn Fn(&str, &str) -> String + Sync),
        ready_notice: &(dyn Fn(&str, &str) -> NewNotice + Sync),
    ) -> Result<ReportOutcome, StoreError> {
        let now = now_millis();
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let mut out = ReportOutcome::default();
                for d in documents {
                    let mut found: Option<String> = None;
                    for (column, key) in [("key_application", &d.key_application), ("key_serial", &d.key_serial)] {
                        if found.is_some() {
                            break;
                        }
                        if let Some(k) = key {
                            found = sqlx::query(&format!("SELECT id FROM id_documents WHERE tenant_id = $1 AND {column} = $2"))
                                .bind(tenant)
                                .bind(k)
                                .fetch_optional(&mut *tx)
                                .await?
                                .map(|r| r.get("id"));
                        }
                    }
                    let id = match found {
                        Some(id) => {
                            // A key now reported for this entry leaves any other entry.
                            for (column, key) in [("key_application", &d.key_application), ("key_serial", &d.key_serial)] {
                                if let Some(k) = key {
                                    sqlx::query(&format!("UPDATE id_documents SET {column} = NULL WHERE tenant_id = $1 AND {column} = $2 AND id <> $3"))
                                        .bind(tenant).bind(k).bind(&id)
                                        .execute(&mut *tx).await?;
                                }
                            }
                            sqlx::query(
                                "UPDATE id_documents SET office_id = $1, kind = $2, \
                                 key_application = COALESCE($3, key_application), key_serial = COALESCE($4, key_serial), \
                                 status = $5, since = $6, updated_at = $7, \
                                 final_at = CASE WHEN $8 THEN COALESCE(final_at, $7) ELSE NULL END \
                                 WHERE id = $9",
                            )
                            .bind(office).bind(&d.kind).bind(&d.key_application).bind(&d.key_serial)
                            .bind(&d.status).bind(&d.since).bind(now).bind(d.is_final).bind(&id)
                            .execute(&mut *tx).await?;
                            out.updated += 1;
                            id
                        }
                        None => {
                            let id = uuid::Uuid::new_v4().to_string();
                            sqlx::query(
                                "INSERT INTO id_documents (id, tenant_id, office_id, kind, key_application, key_serial, \
                                 status, since, final_at, created_at, updated_at) \
                                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $9 THEN $10 ELSE NULL END, $10, $10)",
                            )
                            .bind(&id).bind(tenant).bind(office).bind(&d.kind).bind(&d.key_application)
                            .bind(&d.key_serial).bind(&d.status).bind(&d.since).bind(d.is_final).bind(now)
                            .execute(&mut *tx).await?;
                            out.added += 1;
                            id
                        }
                    };
                    if d.ready {
                        let waiting = sqlx::query(
                            "SELECT notify_email, notify_account, notify_lang FROM id_documents \
                             WHERE id = $1 AND (notify_email IS NOT NULL OR notify_account IS NOT NULL) AND notified_at IS NULL",
                        )
                        .bind(&id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if let Some(w) = waiting {
                            let email: Option<String> = w.get("notify_email");
                            let account: Option<String> = w.get("notify_account");
                            let lang: Option<String> = w.get("notify_lang");
                            let lang = lang.as_deref().unwrap_or("de");
                            sqlx::query(
                                "UPDATE id_documents SET notify_email = NULL, notify_account = NULL, notify_lang = NULL, \
                                 notified_at = $1 WHERE id = $2",
                            )
                            .bind(now)
                            .bind(&id)
                            .execute(&mut *tx)
                            .await?;
                            if let Some(email) = email {
                                let payload = ready_mail(&email, lang);
                                insert_outbox!(tx, tenant, "mail", payload);
                            }
                            if let Some(account) = account {
                                let notice = ready_notice(&account, lang);
                                insert_notice!(tx, tenant, &notice);
                            }
                            out.notified += 1;
                        }
                    }
                }
                let ev = AuditEvent {
                    actor: actor.to_owned(),
                    action: "id-status-report".into(),
                    object: format!("office:{office}"),
                    detail: format!("{} reported: {} new, {} updated, {} told it is ready", documents.len(), out.added, out.updated, out.notified),
                };
                append_audit!(tx, tenant, &ev);
                tx.commit().await?;
                Ok(out)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// The entry filed under `key` (either key column) in `tenant`.
    pub async fn id_document(
        &self,
        tenant: &str,
        key: &str,
    ) -> Result<Option<IdDocument>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM id_documents WHERE tenant_id = $1 AND (key_application = $2 OR key_serial = $2)"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(key)
            .fetch_optional(p)
            .await?
            .map(|r| of_row!(r))))
    }

    /// Asks for the one "ready" news of entry `id`: a mail to `email`, a notice to
    /// `account` (either or both; what an earlier request named stays); `false` if it was
    /// already sent or the document is with its owner.
    pub async fn id_document_notify(
        &self,
        id: &str,
        email: Option<&str>,
        account: Option<&str>,
        lang: &str,
    ) -> Result<bool, StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE id_documents SET notify_email = COALESCE($1, notify_email), \
             notify_account = COALESCE($2, notify_account), notify_lang = $3 \
             WHERE id = $4 AND notified_at IS NULL AND final_at IS NULL"
        )
        .bind(email)
        .bind(account)
        .bind(lang)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(StoreError::from_sqlx)
    }

    /// Deletes the entries of `office` that were final before `final_before` or were
    /// filed before `created_before`; how many.
    pub async fn purge_id_documents(
        &self,
        tenant: &str,
        office: &str,
        final_before: i64,
        created_before: i64,
    ) -> Result<u64, StoreError> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM id_documents WHERE tenant_id = $1 AND office_id = $2 \
             AND ((final_at IS NOT NULL AND final_at < $3) OR created_at < $4)"
        )
        .bind(tenant)
        .bind(office)
        .bind(final_before)
        .bind(created_before)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(StoreError::from_sqlx)
    }

    /// Entries per status of `office` (for the back office).
    pub async fn id_document_counts(
        &self,
        tenant: &str,
        office: &str,
    ) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT status, COUNT(*) AS n FROM id_documents WHERE tenant_id = $1 AND office_id = $2 GROUP BY status ORDER BY status"
        )
        .bind(tenant)
        .bind(office)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| (r.get("status"), r.get("n")))
        .collect()
        }))
    }
}
