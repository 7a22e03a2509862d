//! Notices to an account that belong to no application (`account_notices`, migration
//! 0019): written in the transaction of what causes them (an ID document reported ready, a
//! found item matching the account's loss report), with a push (no content) to every live
//! app grant of the account; read in Mein Bereich and by the app; deleted with the account.

use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

/// A notice to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotice {
    pub account_id: String,
    /// `id-ready`, `found-match`.
    pub kind: String,
    pub subject: String,
    pub body: String,
    /// A local path the notice leads to (the pick-up booking, the Fundbüro search).
    pub link: Option<String>,
}

/// A notice as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountNotice {
    pub id: String,
    pub tenant_id: String,
    pub account_id: String,
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub link: Option<String>,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

const COLUMNS: &str = "id, tenant_id, account_id, kind, subject, body, link, created_at, read_at";

macro_rules! notice_of {
    ($r:expr) => {
        AccountNotice {
            id: $r.get("id"),
            tenant_id: $r.get("tenant_id"),
            account_id: $r.get("account_id"),
            kind: $r.get("kind"),
            subject: $r.get("subject"),
            body: $r.get("body"),
            link: $r.get("link"),
            created_at: $r.get("created_at"),
            read_at: $r.get("read_at"),
        }
    };
}

/// Writes notice `$notice` (`&NewNotice`) of tenant `$tenant` in transaction `$tx`, and
/// queues a push naming only its kind, portal and id for every live app grant of the
/// account.
macro_rules! insert_notice {
    ($tx:ident, $tenant:expr, $notice:expr) => {{
        let n: &crate::notices::NewNotice = $notice;
        let tenant: &str = $tenant;
        let now = crate::now_millis();
        let id = uuid::Uuid::new_v4().to_string();
        sqlx::query(
            "INSERT INTO account_notices (id, tenant_id, account_id, kind, subject, body, link, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(tenant)
        .bind(&n.account_id)
        .bind(&n.kind)
        .bind(&n.subject)
        .bind(&n.body)
        .bind(&n.link)
        .bind(now)
        .execute(&mut *$tx)
        .await?;
        let subscriptions: Vec<String> = sqlx::query(
            "SELECT s.id FROM push_subscriptions s JOIN app_grants g ON g.id = s.grant_id \
             WHERE g.account_id = $1 AND g.tenant_id = $2 AND g.revoked_at IS NULL AND g.expires_at > $3",
        )
        .bind(&n.account_id)
        .bind(tenant)
        .bind(now)
        .fetch_all(&mut *$tx)
        .await?
        .iter()
        .map(|r| sqlx::Row::get(r, "id"))
        .collect();
        for s in subscriptions {
            let body = serde_json::json!({
                "subscription": s,
                "message": { "type": "notice", "tenant": tenant, "notice": id },
            })
            .to_string();
            crate::postkorb::insert_outbox!($tx, tenant, crate::push::PUSH, body);
        }
    }};
}
pub(crate) use insert_notice;

impl Db {
    /// The notices of account `account` of `tenant`, newest first.
    pub async fn account_notices(
        &self,
        tenant: &str,
        account: &str,
    ) -> Result<Vec<AccountNotice>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM account_notices WHERE tenant_id = $1 AND account_id = $2 \
             ORDER BY created_at DESC, id"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(account)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| notice_of!(r))
            .collect()))
    }

    /// Notice `id` of the account, marked read now if it was not; `None` if the account
    /// has no such notice.
    pub async fn read_account_notice(
        &self,
        tenant: &str,
        account: &str,
        id: &str,
    ) -> Result<Option<AccountNotice>, StoreError> {
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "UPDATE account_notices SET read_at = COALESCE(read_at, $1) \
             WHERE tenant_id = $2 AND account_id = $3 AND id = $4"
        )
        .bind(now)
        .bind(tenant)
        .bind(account)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        let sql = format!(
            "SELECT {COLUMNS} FROM account_notices WHERE tenant_id = $1 AND account_id = $2 AND id = $3"
        );
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(tenant)
            .bind(account)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| notice_of!(r))))
    }

    /// Deletes notice `id` of the account; whether there was one.
    pub async fn delete_account_notice(
        &self,
        tenant: &str,
        account: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM account_notices WHERE tenant_id = $1 AND account_id = $2 AND id = $3"
        )
        .bind(tenant)
        .bind(account)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected() == 1))
        .map_err(StoreError::from_sqlx)
    }
}
