//! The portal's secret keys and the counters of wrong codes. Both live in the database so
//! that every instance on it derives the same codes and sees the same lock-outs.

use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

/// Failures older than this are forgotten.
const FORGET_MS: i64 = 24 * 3_600_000;

impl Db {
    /// The key `name`: the stored one, or `candidate` if none was stored yet (the first
    /// instance to ask stores it; concurrent ones then read the same value).
    pub async fn portal_key(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO portal_keys (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING"
        )
        .bind(name)
        .bind(candidate)
        .bind(now_millis())
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)?;
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT value FROM portal_keys WHERE name = $1"
        )
        .bind(name)
        .fetch_one(p)
        .await?
        .get::<String, _>("value")))
    }

    /// Wrong guesses for `key` so far and when the last one was made (recent ones only).
    pub async fn guess_failures(
        &self,
        tenant_id: &str,
        key: &str,
    ) -> Result<(i64, i64), StoreError> {
        let row: Option<(i64, i64)> = with_pool!(self, |p| sqlx::query(
            "SELECT failures, last_at FROM guess_failures WHERE tenant_id = $1 AND key = $2"
        )
        .bind(tenant_id)
        .bind(key)
        .fetch_optional(p)
        .await?
        .map(|r| (r.get("failures"), r.get("last_at"))));
        Ok(row
            .filter(|(_, at)| now_millis() - at < FORGET_MS)
            .unwrap_or((0, 0)))
    }

    /// Counts one more wrong guess for `key` (starting afresh after a day without any).
    pub async fn guess_failed(&self, tenant_id: &str, key: &str) -> Result<(), StoreError> {
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO guess_failures (tenant_id, key, failures, last_at) VALUES ($1, $2, 1, $3) \
             ON CONFLICT (tenant_id, key) DO UPDATE SET \
             failures = CASE WHEN guess_failures.last_at < $4 THEN 1 ELSE guess_failures.failures + 1 END, \
             last_at = $3"
        )
        .bind(tenant_id)
        .bind(key)
        .bind(now)
        .bind(now - FORGET_MS)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// A right code: the count for `key` starts again.
    pub async fn guess_succeeded(&self, tenant_id: &str, key: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM guess_failures WHERE tenant_id = $1 AND key = $2"
        )
        .bind(tenant_id)
        .bind(key)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }
}
