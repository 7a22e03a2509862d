//! Citizen accounts, their sessions and logins in flight. Session and state tokens are
//! random; only their SHA-256 is stored, so a database dump does not open any session.

use crate::{now_millis, with_pool, Db, StoreError};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub tenant_id: String,
    pub issuer: String,
    pub subject: String,
    /// JSON: name, given_name, family_name, birthdate, address, email (what prefill needs).
    pub profile: String,
    /// eIDAS level of the last login: `low`, `substantial` or `high`.
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub tenant_id: String,
    /// The account of a logged-in citizen…
    pub account_id: Option<String>,
    /// …or the one application a guest opened with its access code.
    pub draft_id: Option<String>,
    pub display_name: String,
    pub level: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginAttempt {
    pub tenant_id: String,
    pub provider: String,
    pub pkce_verifier: String,
    pub nonce: String,
    pub return_to: String,
    /// JSON of a form step posted after the session had ended, applied after login.
    pub pending: Option<String>,
    pub created_at: i64,
}

impl Db {
    /// Creates the account of (`issuer`, `subject`) in `tenant_id` or updates its profile
    /// and level; returns its id.
    pub async fn upsert_account(
        &self,
        tenant_id: &str,
        issuer: &str,
        subject: &str,
        profile: &str,
        level: &str,
        new_id: &str,
    ) -> Result<String, StoreError> {
        let now = now_millis();
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "INSERT INTO accounts (id, tenant_id, issuer, subject, profile, level, created_at, last_login_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
             ON CONFLICT (tenant_id, issuer, subject) DO UPDATE SET profile = $5, level = $6, last_login_at = $7 \
             RETURNING id"
        )
        .bind(new_id)
        .bind(tenant_id)
        .bind(issuer)
        .bind(subject)
        .bind(profile)
        .bind(level)
        .bind(now)
        .fetch_one(p)
        .await?
        .try_get::<String, _>("id")?
        }))
    }

    pub async fn account(&self, tenant_id: &str, id: &str) -> Result<Option<Account>, StoreError> {
        Ok(with_pool!(self, |p| {
            sqlx::query(
            "SELECT id, tenant_id, issuer, subject, profile, level FROM accounts WHERE tenant_id = $1 AND id = $2"
        )
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(p)
        .await?
        .map(|r| Account {
            id: r.get("id"),
            tenant_id: r.get("tenant_id"),
            issuer: r.get("issuer"),
            subject: r.get("subject"),
            profile: r.get("profile"),
            level: r.get("level"),
        })
        }))
    }

    pub async fn create_session(&self, id_hash: &str, s: &Session) -> Result<(), StoreError> {
        // Logins in flight older than ten minutes and sessions past their lifetime go.
        let now = now_millis();
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM login_attempts WHERE created_at < $1"
        )
        .bind(now - 10 * 60 * 1000)
        .execute(p)
        .await
        .map(|_| ()))?;
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE expires_at < $1"
        )
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))?;
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO sessions (id_hash, tenant_id, account_id, draft_id, display_name, level, created_at, last_seen_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        )
        .bind(id_hash)
        .bind(&s.tenant_id)
        .bind(&s.account_id)
        .bind(&s.draft_id)
        .bind(&s.display_name)
        .bind(&s.level)
        .bind(s.created_at)
        .bind(s.last_seen_at)
        .bind(s.expires_at)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// The live session of `id_hash` in `tenant_id`: not past its absolute lifetime and
    /// seen within `idle_ms`. A live session's last-seen time is moved to now; a dead one is
    /// deleted.
    pub async fn touch_session(
        &self,
        tenant_id: &str,
        id_hash: &str,
        idle_ms: i64,
    ) -> Result<Option<Session>, StoreError> {
        let now = now_millis();
        let found = with_pool!(self, |p| {
            sqlx::query(
            "SELECT tenant_id, account_id, draft_id, display_name, level, created_at, last_seen_at, expires_at \
             FROM sessions WHERE tenant_id = $1 AND id_hash = $2"
        )
        .bind(tenant_id)
        .bind(id_hash)
        .fetch_optional(p)
        .await?
        .map(|r| Session {
            tenant_id: r.get("tenant_id"),
            account_id: r.get("account_id"),
            draft_id: r.get("draft_id"),
            display_name: r.get("display_name"),
            level: r.get("level"),
            created_at: r.get("created_at"),
            last_seen_at: r.get("last_seen_at"),
            expires_at: r.get("expires_at"),
        })
        });
        let Some(mut s) = found else { return Ok(None) };
        if now > s.expires_at || now - s.last_seen_at > idle_ms {
            self.end_session(id_hash).await?;
            return Ok(None);
        }
        with_pool!(self, |p| sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2"
        )
        .bind(now)
        .bind(id_hash)
        .execute(p)
        .await
        .map(|_| ()))?;
        s.last_seen_at = now;
        Ok(Some(s))
    }

    pub async fn end_session(&self, id_hash: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE id_hash = $1"
        )
        .bind(id_hash)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Notes in a guest session the application it last submitted or opened (the session
    /// bar links to its case page).
    pub async fn set_session_draft(&self, id_hash: &str, draft_id: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE sessions SET draft_id = $1 WHERE id_hash = $2 AND account_id IS NULL"
        )
        .bind(draft_id)
        .bind(id_hash)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Logout everywhere: every session of the account ends.
    /// Moves the idle clock of a live session forward (the "extend" button).
    pub async fn extend_session(&self, id_hash: &str) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2"
        )
        .bind(now_millis())
        .bind(id_hash)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Number of live sessions of an account (shown before "log out everywhere").
    pub async fn count_sessions(&self, account_id: &str) -> Result<i64, StoreError> {
        Ok(with_pool!(self, |p| sqlx::query(
            "SELECT COUNT(*) AS n FROM sessions WHERE account_id = $1 AND expires_at > $2"
        )
        .bind(account_id)
        .bind(now_millis())
        .fetch_one(p)
        .await?
        .try_get::<i64, _>("n")?))
    }

    /// Deletes an account (DSGVO Art. 17): its sessions, its open drafts and their files go;
    /// submitted applications stay with the authority (retention duty) without the link to
    /// the account. Returns the ids of the deleted files, whose bytes the caller removes.
    pub async fn delete_account(
        &self,
        tenant_id: &str,
        account_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        macro_rules! body {
            ($pool:expr) => {{
                let mut tx = $pool.begin().await?;
                let files: Vec<String> = sqlx::query(
                    "SELECT f.id FROM files f JOIN drafts d ON d.tenant_id = f.tenant_id AND d.id = f.draft_id \
                     WHERE d.tenant_id = $1 AND d.account_id = $2 AND d.reference IS NULL",
                )
                .bind(tenant_id)
                .bind(account_id)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.get::<String, _>("id"))
                .collect();
                sqlx::query(
                    "DELETE FROM files WHERE tenant_id = $1 AND draft_id IN \
                     (SELECT id FROM drafts WHERE tenant_id = $1 AND account_id = $2 AND reference IS NULL)",
                )
                .bind(tenant_id)
                .bind(account_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM drafts WHERE tenant_id = $1 AND account_id = $2 AND reference IS NULL")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE drafts SET account_id = NULL WHERE tenant_id = $1 AND account_id = $2")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                // Appointments stay (the mail's link still manages them), without the account.
                sqlx::query("UPDATE appointments SET account_id = NULL WHERE tenant_id = $1 AND account_id = $2")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                // Notices and loss reports are the account's own: they go with it.
                sqlx::query("DELETE FROM account_notices WHERE tenant_id = $1 AND account_id = $2")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM found_matches WHERE tenant_id = $1 AND loss_id IN \
                     (SELECT id FROM loss_reports WHERE tenant_id = $1 AND account_id = $2)")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM loss_reports WHERE tenant_id = $1 AND account_id = $2")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                // Moving folders are the account's own too.
                sqlx::query("DELETE FROM folder_items WHERE folder_id IN \
                     (SELECT id FROM folders WHERE tenant_id = $1 AND account_id = $2)")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM folders WHERE tenant_id = $1 AND account_id = $2")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                // A waiting "tell me when it is ready" forgets the account.
                sqlx::query("UPDATE id_documents SET notify_account = NULL WHERE tenant_id = $1 AND notify_account = $2")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                // Apps lose their access (and their push subscriptions) with the account.
                sqlx::query("DELETE FROM push_subscriptions WHERE grant_id IN (SELECT id FROM app_grants WHERE account_id = $1)")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM app_tokens WHERE grant_id IN (SELECT id FROM app_grants WHERE account_id = $1)")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM app_grants WHERE account_id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM app_codes WHERE account_id = $1")
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("DELETE FROM accounts WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant_id)
                    .bind(account_id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(files)
            }};
        }
        match self {
            Db::Sqlite(p) => body!(p),
            Db::Postgres(p) => body!(p),
        }
    }

    pub async fn end_all_sessions(&self, account_id: &str) -> Result<u64, StoreError> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE account_id = $1"
        )
        .bind(account_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(StoreError::from_sqlx)
    }

    pub async fn add_login_attempt(
        &self,
        state_hash: &str,
        a: &LoginAttempt,
    ) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO login_attempts (state_hash, tenant_id, provider, pkce_verifier, nonce, return_to, pending, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        )
        .bind(state_hash)
        .bind(&a.tenant_id)
        .bind(&a.provider)
        .bind(&a.pkce_verifier)
        .bind(&a.nonce)
        .bind(&a.return_to)
        .bind(&a.pending)
        .bind(a.created_at)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(StoreError::from_sqlx)
    }

    /// Takes (reads and deletes) the login attempt of `state_hash`: a state works once.
    pub async fn take_login_attempt(
        &self,
        tenant_id: &str,
        state_hash: &str,
    ) -> Result<Option<LoginAttempt>, StoreError> {
        let found = with_pool!(self, |p| sqlx::query(
            "DELETE FROM login_attempts WHERE tenant_id = $1 AND state_hash = $2 \
             RETURNING tenant_id, provider, pkce_verifier, nonce, return_to, pending, created_at"
        )
        .bind(tenant_id)
        .bind(state_hash)
        .fetch_optional(p)
        .await?
        .map(|r| LoginAttempt {
            tenant_id: r.get("tenant_id"),
            provider: r.get("provider"),
            pkce_verifier: r.get("pkce_verifier"),
            nonce: r.get("nonce"),
            return_to: r.get("return_to"),
            pending: r.get("pending"),
            created_at: r.get("created_at"),
        }));
        Ok(found)
    }
}
