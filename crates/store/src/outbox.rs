//! The durable outbox (see migration 0003). Rows are claimed with a lease, so several
//! workers (several portal instances on PostgreSQL) never send the same row at once; a
//! worker that dies mid-send leaves the row to be retried when the lease runs out.

use crate::{now_millis, with_pool, Db, StoreError};
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
        with_pool!(self, |p| {
            sqlx::query("UPDATE outbox SET status = 'done', done_at = $1, attempts = attempts + 1 WHERE id = $2")
            .bind(now_millis())
            .bind(id)
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
                "UPDATE outbox SET attempts = attempts + 1, status = 'parked', last_error = $1 WHERE id = $2"
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
