//! The durable outbox (see migration 0003). Rows are claimed with a lease, so several
//! workers (several portal instances on PostgreSQL) never send the same row at once; a
//! worker that dies mid-send leaves the row to be retried when the lease runs out.

use crate::{now_millis, with_pool, Db, StoreError};
use rathaus_domain::delivery::DeliveryState;
use sqlx::Row;

#[derive(Debug, Clone, PartialEq)]
pub struct OutboxItem {
    pub id: String,
    pub tenant_id: String,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
}

/// Counts by status, for the admin view and metrics.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxStats {
    pub pending: i64,
    pub done: i64,
    pub parked: i64,
}

impl Db {
    /// Rows due now, claimed for `lease_ms` (their next attempt moves past the lease).
    pub async fn claim_outbox(
        &self,
        limit: i64,
        lease_ms: i64,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let now = now_millis();
        let due: Vec<(String, i64)> = with_pool!(self, |p| {
            sqlx::query(
            "SELECT id, next_attempt_at FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
             ORDER BY next_attempt_at LIMIT $2"
        )
        .bind(now)
        .bind(limit)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| (r.get::<String, _>("id"), r.get::<i64, _>("next_attempt_at")))
        .collect()
        });
        let mut claimed = Vec::new();
        for (id, at) in due {
            // Optimistic claim: only one worker moves this row's next attempt.
            let won = with_pool!(self, |p| {
                sqlx::query(
                "UPDATE outbox SET next_attempt_at = $1 WHERE id = $2 AND status = 'pending' AND next_attempt_at = $3"
            )
            .bind(now + lease_ms)
            .bind(&id)
            .bind(at)
            .execute(p)
            .await?
            .rows_affected()
            }) == 1;
            if won {
                let item = with_pool!(self, |p| sqlx::query(
                    "SELECT id, tenant_id, kind, payload, attempts FROM outbox WHERE id = $1"
                )
                .bind(&id)
                .fetch_one(p)
                .await
                .map(|r| OutboxItem {
                    id: r.get("id"),
                    tenant_id: r.get("tenant_id"),
                    kind: r.get("kind"),
                    payload: r.get("payload"),
                    attempts: r.get("attempts"),
                }))?;
                claimed.push(item);
            }
        }
        Ok(claimed)
    }

    pub async fn outbox_done(&self, id: &str) -> Result<(), StoreError> {
        self.outbox_delivered(id, None).await
    }

    /// Marks a row done and keeps what the receiver answered (one statement).
    pub async fn outbox_delivered(
        &self,
        id: &str,
        receipt: Option<&str>,
    ) -> Result<(), StoreError> {
        let receipt: Option<String> = receipt.map(|r| r.chars().take(1000).collect());
        with_pool!(self, |p| {
            sqlx::query(
                "UPDATE outbox SET status = 'done', done_at = $1, attempts = attempts + 1, \
                 receipt = COALESCE($3, receipt) WHERE id = $2",
            )
            .bind(now_millis())
            .bind(id)
            .bind(&receipt)
            .execute(p)
            .await
            .map(|_| ())
        })?;
        Ok(())
    }

    /// Records a failed attempt: retry at `retry_at`, or park the row.
    pub async fn outbox_failed(
        &self,
        id: &str,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<(), StoreError> {
        let error: String = error.chars().take(1000).collect();
        match retry_at {
            Some(at) => with_pool!(self, |p| {
                sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3"
            )
            .bind(at)
            .bind(&error)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
            })?,
            None => with_pool!(self, |p| {
                sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, status = 'parked', last_error = $1 WHERE id = $2 AND status = 'pending'"
            )
            .bind(&error)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())
            })?,
        }
        Ok(())
    }

    pub async fn outbox_stats(&self) -> Result<OutboxStats, StoreError> {
        let rows: Vec<(String, i64)> = with_pool!(self, |p| sqlx::query(
            "SELECT status, COUNT(*) AS n FROM outbox GROUP BY status"
        )
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| (r.get::<String, _>("status"), r.get::<i64, _>("n")))
        .collect());
        let mut s = OutboxStats::default();
        for (status, n) in rows {
            match status.as_str() {
                "pending" => s.pending = n,
                "done" => s.done = n,
                "parked" => s.parked = n,
                _ => {}
            }
        }
        Ok(s)
    }
}

/// Outbox kind of a hand-over to a delivery target.
pub const DELIVERY: &str = "delivery";

/// A hand-over to be queued with the change that causes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedDelivery {
    /// The idempotency key (see `rathaus_domain::delivery::delivery_key`).
    pub id: String,
    pub target: String,
    pub reference: String,
    /// JSON (`{"target", "reference", "event"}`).
    pub payload: String,
}

/// Inserts a delivery row inside transaction `$tx`; `{reference}` in id, reference and
/// payload is replaced by `$reference` (a submission learns its number in the transaction).
/// A delivery already queued (same key) is left alone.
macro_rules! insert_delivery {
    ($tx:ident, $tenant:expr, $d:expr, $reference:expr) => {{
        let d: &$crate::QueuedDelivery = $d;
        let r: &str = $reference;
        let fill = |s: &str| if r.is_empty() { s.to_owned() } else { s.replace("{reference}", r) };
        sqlx::query(
            "INSERT INTO outbox (id, tenant_id, kind, payload, next_attempt_at, created_at, target, reference) \
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7) ON CONFLICT (id) DO NOTHING",
        )
        .bind(fill(&d.id))
        .bind($tenant)
        .bind($crate::outbox::DELIVERY)
        .bind(fill(&d.payload))
        .bind($crate::now_millis())
        .bind(&d.target)
        .bind(fill(&d.reference))
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_delivery;

/// A delivery as administrators and staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: String,
    pub target: String,
    pub reference: String,
    pub status: DeliveryState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
    pub created_at: i64,
    pub done_at: Option<i64>,
    pub receipt: Option<String>,
}

const DELIVERY_COLUMNS: &str = "id, target, reference, status, attempts, last_error, next_attempt_at, created_at, done_at, receipt";

macro_rules! delivery_from {
    ($r:expr) => {
        DeliveryRow {
            id: $r.get("id"),
            target: $r.get::<Option<String>, _>("target").unwrap_or_default(),
            reference: $r.get::<Option<String>, _>("reference").unwrap_or_default(),
            status: crate::decode("delivery state", $r.get("status"), DeliveryState::parse)?,
            attempts: $r.get("attempts"),
            last_error: $r.get("last_error"),
            next_attempt_at: $r.get("next_attempt_at"),
            created_at: $r.get("created_at"),
            done_at: $r.get("done_at"),
            receipt: $r.get("receipt"),
        }
    };
}

/// Which deliveries an administrator lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryFilter {
    /// Parked, and pending after at least one failed attempt.
    Troubled,
    All,
}

impl Db {
    /// Deliveries of a tenant, newest first (at most `limit`).
    pub async fn deliveries(
        &self,
        tenant_id: &str,
        filter: DeliveryFilter,
        limit: i64,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let cond = match filter {
            DeliveryFilter::Troubled => {
                "AND (status = 'parked' OR (status = 'pending' AND attempts > 0))"
            }
            DeliveryFilter::All => "",
        };
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE tenant_id = $1 AND kind = 'delivery' {cond} \
             ORDER BY created_at DESC, id LIMIT $2"
        );
        with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(limit)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, StoreError>(delivery_from!(r)))
            .collect::<Result<Vec<_>, _>>())
    }

    /// Counts of a tenant's deliveries by status (`failing` = pending with failed attempts).
    pub async fn delivery_counts(&self, tenant_id: &str) -> Result<Vec<(String, i64)>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT CASE WHEN status = 'pending' AND attempts > 0 THEN 'failing' ELSE status END AS s, COUNT(*) AS n \
             FROM outbox WHERE tenant_id = $1 AND kind = 'delivery' GROUP BY 1 ORDER BY 1"
        )
        .bind(tenant_id)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| (r.get::<String, _>("s"), r.get::<i64, _>("n")))
        .collect()
        }))
    }

    /// The deliveries of one application.
    pub async fn deliveries_of(
        &self,
        tenant_id: &str,
        reference: &str,
    ) -> Result<Vec<DeliveryRow>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE tenant_id = $1 AND reference = $2 AND kind = 'delivery' \
             ORDER BY created_at, id"
        );
        with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(reference)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, StoreError>(delivery_from!(r)))
            .collect::<Result<Vec<_>, _>>())
    }

    pub async fn delivery(
        &self,
        tenant_id: &str,
        id: &str,
    ) -> Result<Option<DeliveryRow>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE tenant_id = $1 AND id = $2 AND kind = 'delivery'"
        );
        with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(delivery_from!(r)))
            .transpose())
    }

    /// What a multi-step hand-over has done so far (survives crashes and retries).
    pub async fn outbox_progress(&self, id: &str) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT progress FROM outbox WHERE id = $1"
        )
        .bind(id)
        .fetch_optional(p)
        .await?
        .and_then(|r| r.get::<Option<String>, _>("progress"))))
    }

    pub async fn set_outbox_progress(&self, id: &str, progress: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE outbox SET progress = $1 WHERE id = $2"
        )
        .bind(progress)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The receiver's answer to a delivery (kept when it is later marked done).
    pub async fn set_outbox_receipt(&self, id: &str, receipt: &str) -> Result<(), StoreError> {
        let receipt: String = receipt.chars().take(1000).collect();
        with_pool!(self, |p| sqlx::query(
            "UPDATE outbox SET receipt = $1 WHERE id = $2"
        )
        .bind(&receipt)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The delivery whose progress names `needle` (e.g. a FIT-Connect case id), for callbacks.
    pub async fn delivery_by_progress(
        &self,
        tenant_id: &str,
        needle: &str,
    ) -> Result<Option<DeliveryRow>, StoreError> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM outbox WHERE tenant_id = $1 AND kind = 'delivery' AND progress LIKE $2"
        );
        let pattern = format!("%\"{}\"%", needle.replace(['%', '_', '"', '\\'], ""));
        with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant_id)
            .bind(&pattern)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, StoreError>(delivery_from!(r)))
            .transpose())
    }

    /// Records the receiving Fachverfahren's case number of an application.
    pub async fn set_external_ref(
        &self,
        tenant_id: &str,
        reference: &str,
        external_ref: &str,
    ) -> Result<bool, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "UPDATE submissions SET external_ref = $3 WHERE tenant_id = $1 AND reference = $2"
        )
        .bind(tenant_id)
        .bind(reference)
        .bind(external_ref)
        .execute(p)
        .await?
        .rows_affected())
            == 1)
    }
}
