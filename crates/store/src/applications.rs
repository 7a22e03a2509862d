//! Drafts and submitted applications. A draft is saved at every step; submitting turns it
//! into an immutable submission with a reference number in one transaction. Submitting a
//! draft twice (a double click, a replayed request) returns the first reference.

use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub id: String,
    pub tenant_id: String,
    pub provider_id: String,
    pub service_id: String,
    pub version: i64,
    /// JSON object of answers.
    pub answers: String,
    /// Id of the step the citizen is on.
    pub step: String,
    pub updated_at: i64,
    /// Set once submitted.
    pub reference: Option<String>,
    /// The citizen account the draft belongs to; `None` for a guest's draft.
    pub account_id: Option<String>,
    /// JSON object of answers taken from the account (field id → value), if any.
    pub prefilled: Option<String>,
    /// A guest's draft: the SHA-256 of the session that may open it.
    pub owner_session: Option<String>,
    /// A guest's submitted application: the SHA-256 of its access code.
    pub access_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Submission {
    pub tenant_id: String,
    pub reference: String,
    pub portal_tenant_id: String,
    pub service_id: String,
    pub version: i64,
    pub draft_id: String,
    pub answers: String,
    pub computed: String,
    pub submitted_at: i64,
}

/// A stable outbox id for one kind of follow-up of one draft (at most one of each).
fn uuid_like(draft_id: &str, kind: &str) -> String {
    format!("{kind}:{draft_id}")
}

/// What a submission keeps for later contact: where "something new in your Postkorb" is
/// mailed (never personal content), and the hash of a guest's access code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FollowUp {
    pub contact_email: Option<String>,
    pub access_hash: Option<String>,
    /// The office that processes the case.
    pub office_id: Option<String>,
    /// The applicant's name as the form gave it (for the back office's search).
    pub applicant: String,
    /// When the service's target processing time ends (unix ms).
    pub due_at: Option<i64>,
    /// Hand-overs on receipt; `{reference}` in their ids and payloads becomes the new
    /// reference number.
    pub deliveries: Vec<crate::QueuedDelivery>,
    /// The fee the application owes (paid to the responsible tenant's cash office).
    pub payment: Option<crate::NewPayment>,
}

/// What a submit call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Submitted(String),
    /// The draft had been submitted before; this is its reference.
    AlreadySubmitted(String),
}

fn draft_from(r: &impl RowLike) -> Draft {
    Draft {
        id: r.s("id"),
        tenant_id: r.s("tenant_id"),
        provider_id: r.s("provider_id"),
        service_id: r.s("service_id"),
        version: r.i("version"),
        answers: r.s("answers"),
        step: r.s("step"),
        updated_at: r.i("updated_at"),
        reference: r.o("reference"),
        account_id: r.o("account_id"),
        prefilled: r.o("prefilled"),
        owner_session: r.o("owner_session"),
        access_hash: r.o("access_hash"),
    }
}

trait RowLike {
    fn s(&self, c: &str) -> String;
    fn i(&self, c: &str) -> i64;
    fn o(&self, c: &str) -> Option<String>;
}
macro_rules! rowlike {
    ($t:ty) => {
        impl RowLike for $t {
            fn s(&self, c: &str) -> String {
                self.try_get(c).unwrap_or_default()
            }
            fn i(&self, c: &str) -> i64 {
                self.try_get(c).unwrap_or_default()
            }
            fn o(&self, c: &str) -> Option<String> {
                self.try_get(c).unwrap_or_default()
            }
        }
    };
}
rowlike!(sqlx::sqlite::SqliteRow);
rowlike!(sqlx::postgres::PgRow);

const DRAFT_COLUMNS: &str = "id, tenant_id, provider_id, service_id, version, answers, step, \
     updated_at, reference, account_id, prefilled, owner_session, access_hash";

impl Db {
    pub async fn create_draft(&self, d: &Draft) -> Result<(), StoreError> {
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO drafts (id, tenant_id, provider_id, service_id, version, answers, step, created_at, updated_at, account_id, prefilled, owner_session) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10, $11)"
        )
        .bind(&d.id)
        .bind(&d.tenant_id)
        .bind(&d.provider_id)
        .bind(&d.service_id)
        .bind(d.version)
        .bind(&d.answers)
        .bind(&d.step)
        .bind(now)
        .bind(&d.account_id)
        .bind(&d.prefilled)
        .bind(&d.owner_session)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// A draft of `tenant` (the portal it was started in), if it exists.
    pub async fn draft(&self, tenant_id: &str, id: &str) -> Result<Option<Draft>, StoreError> {
        let sql = format!("SELECT {DRAFT_COLUMNS} FROM drafts WHERE tenant_id = $1 AND id = $2");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| draft_from(&r))))
    }

    /// Binds a guest's draft to the session `session_hash` (at its start, or after the
    /// resume or access code was entered in another browser).
    pub async fn bind_draft(
        &self,
        tenant_id: &str,
        id: &str,
        session_hash: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE drafts SET owner_session = $1 WHERE tenant_id = $2 AND id = $3 AND account_id IS NULL"
        )
        .bind(session_hash)
        .bind(tenant_id)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Keeps a step posted after the guest's session ended (`None` clears it).
    pub async fn set_draft_pending(
        &self,
        tenant_id: &str,
        id: &str,
        pending: Option<&str>,
    ) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE drafts SET pending = $1 WHERE tenant_id = $2 AND id = $3 AND reference IS NULL"
        )
        .bind(pending)
        .bind(tenant_id)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// The step kept with a draft, if any; it is cleared as it is taken.
    pub async fn take_draft_pending(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<Option<String>, StoreError> {
        let found: Option<Option<String>> = with_pool!(self, |p| sqlx::query(
            "SELECT pending FROM drafts WHERE tenant_id = $1 AND id = $2"
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(p)
        .await?
        .map(|r| r.get("pending")));
        let pending = found.flatten();
        if pending.is_some() {
            self.set_draft_pending(tenant_id, id, None).await?;
        }
        Ok(pending)
    }

    /// Saves answers and position of a draft that is not yet submitted. Returns false if
    /// the draft does not exist (any more) or was submitted.
    pub async fn save_draft(
        &self,
        tenant_id: &str,
        id: &str,
        answers: &str,
        step: &str,
    ) -> Result<bool, StoreError> {
        let n = with_pool!(self, |p| sqlx::query(
            "UPDATE drafts SET answers = $1, step = $2, updated_at = $3 \
             WHERE tenant_id = $4 AND id = $5 AND reference IS NULL"
        )
        .bind(answers)
        .bind(step)
        .bind(now_millis())
        .bind(tenant_id)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Turns a draft into a submission with the next reference number of the responsible
    /// tenant — all in one transaction.
    /// `mail`, if given, is an outbox row `(kind, payload)` written in the same transaction
    /// (the payload may contain `{reference}`, replaced by the new reference number).
    #[allow(clippy::too_many_arguments)]
    pub async fn submit(
        &self,
        draft: &Draft,
        prefix: &str,
        year: i32,
        answers: &str,
        computed: &str,
        mail: Option<(&str, &str)>,
        follow_up: &FollowUp,
    ) -> Result<SubmitOutcome, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                // Claim the draft first: a second, concurrent submit finds it claimed.
                let claimed = sqlx::query("UPDATE drafts SET reference = '' WHERE tenant_id = $1 AND id = $2 AND reference IS NULL")
                    .bind(&draft.tenant_id)
                    .bind(&draft.id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if claimed != 1 {
                    tx.rollback().await?;
                    let existing: Option<String> = sqlx::query("SELECT reference FROM drafts WHERE tenant_id = $1 AND id = $2")
                        .bind(&draft.tenant_id)
                        .bind(&draft.id)
                        .fetch_optional($pool)
                        .await?
                        .and_then(|r| r.try_get("reference").ok());
                    return Ok(SubmitOutcome::AlreadySubmitted(existing.unwrap_or_default()));
                }
                let seq: i64 = sqlx::query(
                    "INSERT INTO reference_counters (tenant_id, year, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (tenant_id, year) DO UPDATE SET last = reference_counters.last + 1 RETURNING last",
                )
                .bind(&draft.provider_id)
                .bind(i64::from(year))
                .fetch_one(&mut *tx)
                .await?
                .try_get("last")?;
                let reference = format!("{prefix}-{year}-{seq:06}");
                sqlx::query(
                    "INSERT INTO submissions (tenant_id, reference, portal_tenant_id, service_id, version, draft_id, answers, computed, submitted_at, \
                     office_id, applicant, due_at, applicant_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                )
                .bind(&draft.provider_id)
                .bind(&reference)
                .bind(&draft.tenant_id)
                .bind(&draft.service_id)
                .bind(draft.version)
                .bind(&draft.id)
                .bind(answers)
                .bind(computed)
                .bind(now_millis())
                .bind(&follow_up.office_id)
                .bind(&follow_up.applicant)
                .bind(follow_up.due_at)
                .bind(follow_up.applicant.to_lowercase())
                .execute(&mut *tx)
                .await
                .map_err(StoreError::from_sqlx)?;
                if let Some((kind, payload)) = mail {
                    sqlx::query(
                        "INSERT INTO outbox (id, tenant_id, kind, payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $5)",
                    )
                    .bind(uuid_like(&draft.id, kind))
                    .bind(&draft.provider_id)
                    .bind(kind)
                    .bind(payload.replace("{reference}", &reference))
                    .bind(now_millis())
                    .execute(&mut *tx)
                    .await?;
                }
                for d in &follow_up.deliveries {
                    crate::outbox::insert_delivery!(tx, &draft.provider_id, d, &reference);
                }
                if let Some(p) = &follow_up.payment {
                    crate::payments::insert_payment!(tx, &draft.provider_id, &draft.id, &reference, p);
                }
                sqlx::query("INSERT INTO status_events (draft_id, seq, status, note, at) VALUES ($1, 1, 'received', NULL, $2)")
                    .bind(&draft.id)
                    .bind(now_millis())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE drafts SET reference = $1, answers = $2, updated_at = $3, contact_email = $6, access_hash = $7 WHERE tenant_id = $4 AND id = $5")
                    .bind(&reference)
                    .bind(answers)
                    .bind(now_millis())
                    .bind(&draft.tenant_id)
                    .bind(&draft.id)
                    .bind(&follow_up.contact_email)
                    .bind(&follow_up.access_hash)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(SubmitOutcome::Submitted(reference))
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    /// The submission made from a draft.
    pub async fn submission_of_draft(
        &self,
        portal_tenant_id: &str,
        draft_id: &str,
    ) -> Result<Option<Submission>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT tenant_id, reference, portal_tenant_id, service_id, version, draft_id, answers, computed, submitted_at \
             FROM submissions WHERE portal_tenant_id = $1 AND draft_id = $2"
        )
        .bind(portal_tenant_id)
        .bind(draft_id)
        .fetch_optional(p)
        .await?
        .map(|r| Submission {
            tenant_id: r.s("tenant_id"),
            reference: r.s("reference"),
            portal_tenant_id: r.s("portal_tenant_id"),
            service_id: r.s("service_id"),
            version: r.i("version"),
            draft_id: r.s("draft_id"),
            answers: r.s("answers"),
            computed: r.s("computed"),
            submitted_at: r.i("submitted_at"),
        })
        }))
    }

    /// Number of submissions of a tenant (for tests and figures).
    pub async fn count_submissions(&self, tenant_id: &str) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT COUNT(*) AS n FROM submissions WHERE tenant_id = $1"
        )
        .bind(tenant_id)
        .fetch_one(p)
        .await?
        .try_get::<i64, _>("n")?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ServiceVersion;

    async fn db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = Db::connect(&format!("sqlite://{}", dir.path().join("x.db").display()))
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        db.migrate().await.unwrap_or_else(|e| panic!("{e}"));
        db.sync_tenants(&[("t".into(), "T".into())])
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        db.publish_versions(&[ServiceVersion {
            tenant_id: "t".into(),
            service_id: "s".into(),
            version: 1,
            content_hash: "h".into(),
            definition: "{}".into(),
        }])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        (dir, db)
    }

    fn draft(id: &str) -> Draft {
        Draft {
            id: id.into(),
            tenant_id: "t".into(),
            provider_id: "t".into(),
            service_id: "s".into(),
            version: 1,
            answers: "{}".into(),
            step: "a".into(),
            updated_at: 0,
            reference: None,
            account_id: None,
            prefilled: None,
            owner_session: None,
            access_hash: None,
        }
    }

    #[tokio::test]
    async fn concurrent_submits_get_unique_gapless_references() {
        let (_dir, db) = db().await;
        for i in 0..20 {
            db.create_draft(&draft(&format!("d{i}")))
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
        let mut tasks = Vec::new();
        for i in 0..20 {
            let db = db.clone();
            tasks.push(tokio::spawn(async move {
                db.submit(
                    &draft(&format!("d{i}")),
                    "T",
                    2026,
                    "{}",
                    "{}",
                    Some(("mail.receipt", "{\"ref\":\"{reference}\"}")),
                    &FollowUp::default(),
                )
                .await
            }));
        }
        let mut refs = Vec::new();
        for t in tasks {
            match t.await.unwrap_or_else(|e| panic!("{e}")) {
                Ok(SubmitOutcome::Submitted(r)) => refs.push(r),
                other => panic!("{other:?}"),
            }
        }
        refs.sort();
        let want: Vec<String> = (1..=20).map(|n| format!("T-2026-{n:06}")).collect();
        assert_eq!(refs, want);
        // A replayed submit returns the first reference and writes nothing.
        let again = db
            .submit(
                &draft("d3"),
                "T",
                2026,
                "{}",
                "{}",
                None,
                &FollowUp::default(),
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            matches!(again, SubmitOutcome::AlreadySubmitted(ref r) if r.starts_with("T-2026-")),
            "{again:?}"
        );
        assert_eq!(db.count_submissions("t").await.unwrap_or_default(), 20);
        // Exactly one mail per submission, queued in the same transaction.
        assert_eq!(db.outbox_stats().await.unwrap_or_default().pending, 20);
        let claimed = db.claim_outbox(100, 60_000).await.unwrap_or_default();
        assert_eq!(claimed.len(), 20);
        assert!(
            claimed.iter().all(|c| c.payload.contains("T-2026-")),
            "{claimed:?}"
        );
        // Claimed rows are leased: a second worker gets nothing.
        assert!(db
            .claim_outbox(100, 60_000)
            .await
            .unwrap_or_default()
            .is_empty());
        db.outbox_done(&claimed[0].id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        db.outbox_failed(&claimed[1].id, "smtp down", None)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let s = db.outbox_stats().await.unwrap_or_default();
        assert_eq!((s.pending, s.done, s.parked), (18, 1, 1));
        // A submitted draft can no longer be changed.
        assert!(!db
            .save_draft("t", "d3", "{\"x\":1}", "a")
            .await
            .unwrap_or(true));
    }
}
