//! City apps' access (OAuth 2.0 for native apps): authorization codes, grants and their
//! tokens. Only SHA-256 hashes of codes and tokens are stored. Taking a code or a refresh
//! token is one conditional `UPDATE … RETURNING`, so two requests racing with the same
//! one cannot both succeed.

use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

/// A login's authorization code, waiting for the app to exchange it.
#[derive(Debug, Clone)]
pub struct AppCode {
    pub tenant_id: String,
    pub client_id: String,
    pub redirect_uri: String,
    /// The PKCE challenge (S256).
    pub challenge: String,
    pub account_id: String,
    pub display_name: String,
    pub level: String,
    pub created_at: i64,
}

/// What a citizen let an app do: act for an account, or for one application (a guest).
#[derive(Debug, Clone)]
pub struct AppGrant {
    pub id: String,
    pub tenant_id: String,
    pub client_id: String,
    pub account_id: Option<String>,
    pub draft_id: Option<String>,
    pub display_name: String,
    pub level: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// What became of a refresh token handed in.
#[derive(Debug)]
pub enum Refresh {
    /// Taken now (it cannot be used again): the grant it belongs to.
    Taken(Box<AppGrant>, i64),
    /// Used before: someone holds a copy. The grant has been revoked.
    Reused,
    /// Unknown.
    Unknown,
}

pub const ACCESS: &str = "access";
pub const REFRESH: &str = "refresh";

fn grant_of<R: Row>(r: &R) -> AppGrant
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
{
    AppGrant {
        id: r.get("id"),
        tenant_id: r.get("tenant_id"),
        client_id: r.get("client_id"),
        account_id: r.get("account_id"),
        draft_id: r.get("draft_id"),
        display_name: r.get("display_name"),
        level: r.get("level"),
        created_at: r.get("created_at"),
        expires_at: r.get("expires_at"),
        revoked_at: r.get("revoked_at"),
    }
}

const GRANT_COLUMNS: &str = "id, tenant_id, client_id, account_id, draft_id, display_name, level, created_at, expires_at, revoked_at";

impl Db {
    pub async fn add_app_code(&self, id_hash: &str, c: &AppCode) -> Result<(), StoreError> {
        // Codes are valid for a minute; older ones are of no use to anybody.
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM app_codes WHERE created_at < $1"
        )
        .bind(now - 10 * 60 * 1000)
        .execute(p)
        .await
        .map(|_| ()))?;
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO app_codes (id_hash, tenant_id, client_id, redirect_uri, challenge, account_id, display_name, level, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(id_hash)
        .bind(&c.tenant_id)
        .bind(&c.client_id)
        .bind(&c.redirect_uri)
        .bind(&c.challenge)
        .bind(&c.account_id)
        .bind(&c.display_name)
        .bind(&c.level)
        .bind(c.created_at)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Takes the code `id_hash` (once). `Err(true)`: it was taken before — the grant made
    /// from it is revoked, as the code has leaked (RFC 6749 §4.1.2); `Err(false)`: unknown.
    pub async fn take_app_code(&self, id_hash: &str) -> Result<Result<AppCode, bool>, StoreError> {
        let now = now_millis();
        let taken = with_pool!(self, |p| {
            sqlx::query(
                "UPDATE app_codes SET used_at = $1 WHERE id_hash = $2 AND used_at IS NULL \
                 RETURNING tenant_id, client_id, redirect_uri, challenge, account_id, display_name, level, created_at",
            )
            .bind(now)
            .bind(id_hash)
            .fetch_optional(p)
            .await?
            .map(|r| AppCode {
                tenant_id: r.get("tenant_id"),
                client_id: r.get("client_id"),
                redirect_uri: r.get("redirect_uri"),
                challenge: r.get("challenge"),
                account_id: r.get("account_id"),
                display_name: r.get("display_name"),
                level: r.get("level"),
                created_at: r.get("created_at"),
            })
        });
        if let Some(c) = taken {
            return Ok(Ok(c));
        }
        let known = with_pool!(self, |p| sqlx::query(
            "SELECT 1 AS one FROM app_codes WHERE id_hash = $1"
        )
        .bind(id_hash)
        .fetch_optional(p)
        .await?
        .is_some());
        if known {
            with_pool!(self, |p| sqlx::query(
                "UPDATE app_grants SET revoked_at = $1 WHERE code_hash = $2 AND revoked_at IS NULL"
            )
            .bind(now)
            .bind(id_hash)
            .execute(p)
            .await
            .map(|_| ()))?;
        }
        Ok(Err(known))
    }

    /// Records a grant (`code_hash`: the code it came from, if any).
    pub async fn add_app_grant(
        &self,
        g: &AppGrant,
        code_hash: Option<&str>,
    ) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO app_grants (id, tenant_id, client_id, account_id, draft_id, code_hash, display_name, level, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
        .bind(&g.id)
        .bind(&g.tenant_id)
        .bind(&g.client_id)
        .bind(&g.account_id)
        .bind(&g.draft_id)
        .bind(code_hash)
        .bind(&g.display_name)
        .bind(&g.level)
        .bind(g.created_at)
        .bind(g.expires_at)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Records a token of grant `grant_id` (`kind`: [`ACCESS`] or [`REFRESH`]).
    pub async fn add_app_token(
        &self,
        id_hash: &str,
        grant_id: &str,
        kind: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM app_tokens WHERE expires_at < $1"
        )
        .bind(now - 24 * 3600 * 1000)
        .execute(p)
        .await
        .map(|_| ()))?;
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO app_tokens (id_hash, grant_id, kind, expires_at) VALUES ($1, $2, $3, $4)"
        )
        .bind(id_hash)
        .bind(grant_id)
        .bind(kind)
        .bind(expires_at)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// The grant of access token `id_hash`, with the token's expiry, if the token exists.
    pub async fn app_access(&self, id_hash: &str) -> Result<Option<(AppGrant, i64)>, StoreError> {
        let sql = "SELECT g.id, g.tenant_id, g.client_id, g.account_id, g.draft_id, g.display_name, g.level, \
                   g.created_at, g.expires_at, g.revoked_at, t.expires_at AS token_expires \
                   FROM app_tokens t JOIN app_grants g ON g.id = t.grant_id \
                   WHERE t.id_hash = $1 AND t.kind = 'access'";
        Ok(with_pool!(self, |p| sqlx::query(sql)
            .bind(id_hash)
            .fetch_optional(p)
            .await?
            .map(|r| (grant_of(&r), r.get::<i64, _>("token_expires")))))
    }

    /// Takes refresh token `id_hash` (once). A second use revokes its grant.
    pub async fn take_app_refresh(&self, id_hash: &str) -> Result<Refresh, StoreError> {
        let now = now_millis();
        let taken: Option<(String, i64)> = with_pool!(self, |p| {
            sqlx::query(
            "UPDATE app_tokens SET used_at = $1 WHERE id_hash = $2 AND kind = 'refresh' AND used_at IS NULL \
             RETURNING grant_id, expires_at"
        )
        .bind(now)
        .bind(id_hash)
        .fetch_optional(p)
        .await?
        .map(|r| (r.get("grant_id"), r.get("expires_at")))
        });
        if let Some((grant_id, expires_at)) = taken {
            return Ok(match self.app_grant(&grant_id).await? {
                Some(g) => Refresh::Taken(Box::new(g), expires_at),
                None => Refresh::Unknown,
            });
        }
        let used: Option<String> = with_pool!(self, |p| sqlx::query(
            "SELECT grant_id FROM app_tokens WHERE id_hash = $1 AND kind = 'refresh'"
        )
        .bind(id_hash)
        .fetch_optional(p)
        .await?
        .map(|r| r.get("grant_id")));
        match used {
            Some(grant_id) => {
                self.revoke_app_grant(&grant_id).await?;
                Ok(Refresh::Reused)
            }
            None => Ok(Refresh::Unknown),
        }
    }

    pub async fn app_grant(&self, id: &str) -> Result<Option<AppGrant>, StoreError> {
        let sql = format!("SELECT {GRANT_COLUMNS} FROM app_grants WHERE id = $1");
        Ok(with_pool!(self, |p| sqlx::query(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?
            .map(|r| grant_of(&r))))
    }

    /// Ends grant `id` and deletes its tokens.
    pub async fn revoke_app_grant(&self, id: &str) -> Result<(), StoreError> {
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "UPDATE app_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL"
        )
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM push_subscriptions WHERE grant_id = $1"
        )
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM app_tokens WHERE grant_id = $1"
        )
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Ends every app grant of an account ("log out everywhere").
    pub async fn revoke_app_grants_of(&self, account_id: &str) -> Result<u64, StoreError> {
        let now = now_millis();
        with_pool!(self, |p| {
            sqlx::query(
            "DELETE FROM push_subscriptions WHERE grant_id IN (SELECT id FROM app_grants WHERE account_id = $1)"
        )
        .bind(account_id)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        with_pool!(self, |p| {
            sqlx::query(
            "DELETE FROM app_tokens WHERE grant_id IN (SELECT id FROM app_grants WHERE account_id = $1)"
        )
        .bind(account_id)
        .execute(p)
        .await
        .map(|_| ())
        })?;
        with_pool!(self, |p| sqlx::query(
            "UPDATE app_grants SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL"
        )
        .bind(now)
        .bind(account_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(StoreError::from_sqlx)
    }

    /// The grant that refresh or access token `id_hash` belongs to, if any (for revocation).
    pub async fn app_grant_of_token(&self, id_hash: &str) -> Result<Option<String>, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT grant_id FROM app_tokens WHERE id_hash = $1"
        )
        .bind(id_hash)
        .fetch_optional(p)
        .await?
        .map(|r| r.get("grant_id"))))
    }

    /// A guest grant's first submitted application: the app follows it, as a browser's
    /// guest session does (a grant holds one application; the first stays).
    pub async fn set_app_grant_draft(
        &self,
        grant_id: &str,
        draft_id: &str,
    ) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE app_grants SET draft_id = $1 \
             WHERE id = $2 AND account_id IS NULL AND draft_id IS NULL"
        )
        .bind(draft_id)
        .bind(grant_id)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }
}
