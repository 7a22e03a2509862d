//! Web Push subscriptions of city apps (`push_subscriptions`, migration 0014). Each
//! belongs to an app grant; the news a case change causes is fanned out to the live
//! grants' subscriptions in the change's own transaction (`cases::change_case`), one
//! outbox row each, so a push is never lost and never sent twice to one endpoint.

use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

/// The outbox kind of one push message to one subscription.
pub const PUSH: &str = "push";

/// Most subscriptions one grant may hold (an app on a few devices).
pub const MAX_PER_GRANT: i64 = 5;

/// Where and how a push message reaches an app.
#[derive(Debug, Clone)]
pub struct PushSubscription {
    pub id: String,
    pub grant_id: String,
    pub tenant_id: String,
    pub endpoint: String,
    /// The subscription's P-256 public key (base64url, uncompressed point).
    pub p256dh: String,
    /// Its 16-byte authentication secret (base64url).
    pub auth: String,
    pub created_at: i64,
}

/// What storing a subscription came to.
#[derive(Debug, PartialEq, Eq)]
pub enum Subscribed {
    /// Stored (or renewed: the same endpoint for the same grant): its id.
    Stored(String),
    /// The grant holds the most subscriptions it may.
    TooMany,
}

const COLUMNS: &str = "id, grant_id, tenant_id, endpoint, p256dh, auth, created_at";

fn of_row(r: &impl RowLike) -> PushSubscription {
    r.subscription()
}

/// A row of either engine, read the same way.
trait RowLike {
    fn subscription(&self) -> PushSubscription;
}

macro_rules! row_like {
    ($t:ty) => {
        impl RowLike for $t {
            fn subscription(&self) -> PushSubscription {
                PushSubscription {
                    id: self.get("id"),
                    grant_id: self.get("grant_id"),
                    tenant_id: self.get("tenant_id"),
                    endpoint: self.get("endpoint"),
                    p256dh: self.get("p256dh"),
                    auth: self.get("auth"),
                    created_at: self.get("created_at"),
                }
            }
        }
    };
}
row_like!(sqlx::sqlite::SqliteRow);
row_like!(sqlx::postgres::PgRow);

impl Db {
    /// Stores a subscription of grant `s.grant_id`; the same endpoint again renews its keys.
    pub async fn add_push_subscription(
        &self,
        s: &PushSubscription,
    ) -> Result<Subscribed, StoreError> {
        let existing: Option<String> = with_pool!(self, |p| sqlx::query(
            "SELECT id FROM push_subscriptions WHERE grant_id = $1 AND endpoint = $2"
        )
        .bind(&s.grant_id)
        .bind(&s.endpoint)
        .fetch_optional(p)
        .await?
        .map(|r| r.get("id")));
        if let Some(id) = existing {
            with_pool!(self, |p| sqlx::query(
                "UPDATE push_subscriptions SET p256dh = $1, auth = $2 WHERE id = $3"
            )
            .bind(&s.p256dh)
            .bind(&s.auth)
            .bind(&id)
            .execute(p)
            .await
            .map(|_| ()))?;
            return Ok(Subscribed::Stored(id));
        }
        let n: i64 = with_pool!(self, |p| sqlx::query(
            "SELECT COUNT(*) AS n FROM push_subscriptions WHERE grant_id = $1"
        )
        .bind(&s.grant_id)
        .fetch_one(p)
        .await?
        .get("n"));
        if n >= MAX_PER_GRANT {
            return Ok(Subscribed::TooMany);
        }
        with_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO push_subscriptions (id, grant_id, tenant_id, endpoint, p256dh, auth, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (grant_id, endpoint) DO NOTHING"
        )
        .bind(&s.id)
        .bind(&s.grant_id)
        .bind(&s.tenant_id)
        .bind(&s.endpoint)
        .bind(&s.p256dh)
        .bind(&s.auth)
        .bind(now_millis())
        .execute(p)
        .await
        .map(|_| ())
        })?;
        Ok(Subscribed::Stored(s.id.clone()))
    }

    /// The subscriptions of grant `grant_id`.
    pub async fn push_subscriptions_of(
        &self,
        grant_id: &str,
    ) -> Result<Vec<PushSubscription>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM push_subscriptions WHERE grant_id = $1 ORDER BY created_at"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(grant_id)
            .fetch_all(p)
            .await?
            .iter()
            .map(of_row)
            .collect()))
    }

    /// Subscription `id`, if its grant is still live (not revoked, not expired).
    pub async fn live_push_subscription(
        &self,
        id: &str,
    ) -> Result<Option<PushSubscription>, StoreError> {
        const SQL: &str =
            "SELECT s.id, s.grant_id, s.tenant_id, s.endpoint, s.p256dh, s.auth, s.created_at \
             FROM push_subscriptions s JOIN app_grants g ON g.id = s.grant_id \
             WHERE s.id = $1 AND g.revoked_at IS NULL AND g.expires_at > $2";
        Ok(with_pool!(self, |p| sqlx::query(SQL)
            .bind(id)
            .bind(now_millis())
            .fetch_optional(p)
            .await?
            .map(|r| of_row(&r))))
    }

    /// Removes subscription `id` (of grant `grant_id`, when given); whether there was one.
    pub async fn delete_push_subscription(
        &self,
        id: &str,
        grant_id: Option<&str>,
    ) -> Result<bool, StoreError> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM push_subscriptions WHERE id = $1 AND ($2 IS NULL OR grant_id = $2)"
        )
        .bind(id)
        .bind(grant_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(StoreError::from_sqlx)
    }
}

/// Queues `payload` (news without content) for every live app subscription that follows
/// draft `draft_id`: the grants of its account, and a guest's grant of this application.
macro_rules! insert_pushes {
    ($tx:ident, $tenant:expr, $draft:expr, $payload:expr) => {{
        let now = crate::now_millis();
        let ids: Vec<String> = sqlx::query(
            "SELECT s.id FROM push_subscriptions s \
             JOIN app_grants g ON g.id = s.grant_id \
             JOIN drafts d ON d.id = $1 \
             WHERE g.revoked_at IS NULL AND g.expires_at > $2 \
               AND (g.draft_id = d.id OR (g.account_id IS NOT NULL AND g.account_id = d.account_id))",
        )
        .bind($draft)
        .bind(now)
        .fetch_all(&mut *$tx)
        .await?
        .iter()
        .map(|r| sqlx::Row::get(r, "id"))
        .collect();
        for id in ids {
            let message: &serde_json::Value = $payload;
            let body = serde_json::json!({ "subscription": id, "message": message }).to_string();
            crate::postkorb::insert_outbox!($tx, $tenant, crate::push::PUSH, body);
        }
    }};
}
pub(crate) use insert_pushes;
