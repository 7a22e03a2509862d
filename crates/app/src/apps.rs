//! City apps: OAuth 2.0 for native apps (RFC 8252) with PKCE (RFC 7636), the portal as the
//! authorization server of its own API.
//!
//! 1. The app opens the system browser on the portal's app login page with its
//!    `client_id`, a registered `redirect_uri` and a PKCE challenge ([`check_request`]).
//!    The citizen logs in there as on the web (the tenant's identity provider, eIDAS level
//!    kept) and lets the app in; the portal sends a one-minute code to the redirect URI
//!    ([`grant_code`]).
//! 2. The app exchanges code and verifier for a short-lived access token and a refresh
//!    token ([`exchange_code`]); each refresh gives a new pair and ends the old refresh
//!    token ([`refresh`]) — a refresh token used twice ends the whole grant, as one of the
//!    two holders is not the app.
//! 3. A guest exchanges an application's reference and access code for a grant to that
//!    application only ([`guest_tokens`]), with the same guessing limits as the web; the
//!    application is then bound to the app, as it would be to a browser.
//!    A guest without an application gets a grant of its own ([`guest_start`]) to start
//!    drafts with, bound to it as to a browser's guest session.
//! 4. The API turns an access token into a [`Citizen`] ([`citizen`]), so every operation
//!    checks access exactly as for the web. "Log out everywhere" and account deletion end
//!    every grant; the app ends its own with [`revoke`].

use crate::access::{Citizen, Live};
use crate::accounts::{guest_application, GuestFind};
use crate::secrets::{random_token, sha256_hex};
use crate::{App, AppResult};
use base64::Engine;
use rathaus_domain::app_client::AppClientDef;
use rathaus_domain::TenantDef;
use rathaus_store::{AppCode, AppGrant, AppRefresh, Session, APP_ACCESS, APP_REFRESH};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// How long a code waits for its exchange.
pub const CODE_MS: i64 = 60 * 1000;
/// How long an access token is good for.
pub const ACCESS_MS: i64 = 15 * 60 * 1000;
/// How long a refresh token is good for, if unused.
pub const REFRESH_MS: i64 = 30 * 24 * 3600 * 1000;
/// How long a grant lasts at most; then the citizen logs in again.
pub const GRANT_MS: i64 = 180 * 24 * 3600 * 1000;

/// How long a looked-up access token is taken from memory before the database is asked
/// again. Every revocation on this instance (and every change of a grant) empties the
/// memory at once; one on another instance takes effect within this time — an access
/// token lives 15 minutes anyway.
pub const TOKEN_MEMORY_MS: i64 = 2_000;

/// Access tokens recently looked up (by hash): a busy app's requests need not each read
/// the database.
#[derive(Default)]
pub struct TokenMemory {
    seen: std::sync::Mutex<std::collections::HashMap<String, (AppGrant, i64, i64)>>,
}

impl TokenMemory {
    fn map(
        &self,
    ) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, (AppGrant, i64, i64)>> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, hash: &str, now: i64) -> Option<(AppGrant, i64)> {
        self.map()
            .get(hash)
            .filter(|(_, _, at)| now - at < TOKEN_MEMORY_MS)
            .map(|(g, expires, _)| (g.clone(), *expires))
    }

    fn put(&self, hash: String, g: AppGrant, expires: i64, now: i64) {
        let mut map = self.map();
        if map.len() >= 10_000 {
            map.clear();
        }
        map.insert(hash, (g, expires, now));
    }

    /// Forgets everything (a grant was revoked or changed).
    pub fn forget(&self) {
        self.map().clear();
    }
}

/// The login request of an app, as it arrives at the portal's app login page.
#[derive(Debug, Clone, Default)]
pub struct AuthRequest {
    pub response_type: Option<String>,
    pub client_id: Option<String>,
    pub redirect_uri: Option<String>,
    pub code_challenge: Option<String>,
    pub code_challenge_method: Option<String>,
    pub state: Option<String>,
}

/// Why a login request is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum RequestError {
    /// The app or its redirect URI is unknown: the citizen is told, nothing is sent
    /// anywhere (RFC 6749 §4.1.2.1).
    NotRedirectable(&'static str),
    /// The app is known and so is the URI: the app gets `error` there (with `state`).
    Redirect(&'static str, &'static str),
}

/// A checked login request: the app and where its code goes.
#[derive(Debug)]
pub struct Checked<'t> {
    pub client: &'t AppClientDef,
    pub redirect_uri: String,
    pub challenge: String,
    pub state: Option<String>,
}

fn pkce_chars(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

/// Checks an app's login request against the tenant's registered apps.
pub fn check_request<'t>(t: &'t TenantDef, r: &AuthRequest) -> Result<Checked<'t>, RequestError> {
    let client = r
        .client_id
        .as_deref()
        .and_then(|id| t.app(id))
        .ok_or(RequestError::NotRedirectable("app-error-client"))?;
    let redirect_uri = r
        .redirect_uri
        .as_deref()
        .filter(|u| client.redirect_allowed(u))
        .ok_or(RequestError::NotRedirectable("app-error-redirect"))?
        .to_owned();
    if r.response_type.as_deref() != Some("code") {
        return Err(RequestError::Redirect(
            "unsupported_response_type",
            "response_type must be code",
        ));
    }
    if r.code_challenge_method.as_deref() != Some("S256") {
        return Err(RequestError::Redirect(
            "invalid_request",
            "PKCE with code_challenge_method=S256 is required",
        ));
    }
    let challenge = r
        .code_challenge
        .as_deref()
        .filter(|c| c.len() == 43 && pkce_chars(c))
        .ok_or(RequestError::Redirect(
            "invalid_request",
            "code_challenge must be the 43-character S256 challenge",
        ))?
        .to_owned();
    let state = r.state.clone().filter(|s| s.len() <= 500);
    Ok(Checked {
        client,
        redirect_uri,
        challenge,
        state,
    })
}

/// `redirect_uri` with the query parameters added.
pub fn redirect_with(redirect_uri: &str, params: &[(&str, &str)]) -> String {
    let mut out = redirect_uri.to_owned();
    let mut sep = if out.contains('?') { '&' } else { '?' };
    for (k, v) in params {
        out.push(sep);
        out.push_str(k);
        out.push('=');
        out.push_str(&crate::links::encode(v));
        sep = '&';
    }
    out
}

/// The citizen (logged in with an account: `live`) lets the app in: a code for its
/// redirect URI, good for one exchange within a minute.
pub async fn grant_code(app: &App, live: &Live, c: &Checked<'_>) -> AppResult<Option<String>> {
    let Some(account) = live.account_id() else {
        return Ok(None);
    };
    let code = random_token();
    app.db
        .add_app_code(
            &sha256_hex(&code),
            &AppCode {
                tenant_id: live.session.tenant_id.clone(),
                client_id: c.client.id.clone(),
                redirect_uri: c.redirect_uri.clone(),
                challenge: c.challenge.clone(),
                account_id: account.to_owned(),
                display_name: live.session.display_name.clone(),
                level: live.session.level.clone(),
                created_at: crate::clock::now_millis(),
            },
        )
        .await?;
    tracing::info!(tenant = %live.session.tenant_id, client = %c.client.id, "app let in");
    Ok(Some(code))
}

/// Tokens for an app (RFC 6749 §5.1).
#[derive(Debug, Clone, serde::Serialize)]
pub struct Tokens {
    pub access_token: String,
    pub token_type: &'static str,
    /// Seconds the access token is good for.
    pub expires_in: i64,
    pub refresh_token: String,
    /// `account`, or `application` for a guest's one application.
    pub scope: &'static str,
}

/// Why a token request is refused (RFC 6749 §5.2 error codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenError {
    InvalidRequest(&'static str),
    /// Unknown app.
    InvalidClient,
    /// The code, refresh token or guest's code does not (or no longer) hold.
    InvalidGrant(&'static str),
    UnsupportedGrantType,
    /// Too many wrong codes: not before this many milliseconds.
    SlowDown(i64),
}

async fn issue(app: &App, g: &AppGrant) -> AppResult<Tokens> {
    let now = crate::clock::now_millis();
    let access = random_token();
    let refresh = random_token();
    app.db
        .add_app_token(&sha256_hex(&access), &g.id, APP_ACCESS, now + ACCESS_MS)
        .await?;
    app.db
        .add_app_token(
            &sha256_hex(&refresh),
            &g.id,
            APP_REFRESH,
            (now + REFRESH_MS).min(g.expires_at),
        )
        .await?;
    Ok(Tokens {
        access_token: access,
        token_type: "Bearer",
        expires_in: ACCESS_MS / 1000,
        refresh_token: refresh,
        scope: if g.account_id.is_some() {
            "account"
        } else {
            "application"
        },
    })
}

fn s256(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// Exchanges a login's code (with the PKCE verifier) for tokens.
pub async fn exchange_code(
    app: &App,
    t: &TenantDef,
    client_id: &str,
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> AppResult<Result<Tokens, TokenError>> {
    if t.app(client_id).is_none() {
        return Ok(Err(TokenError::InvalidClient));
    }
    if !pkce_chars(verifier) {
        return Ok(Err(TokenError::InvalidRequest(
            "code_verifier must have 43 to 128 unreserved characters",
        )));
    }
    let hash = sha256_hex(code);
    let c = match app.db.take_app_code(&hash).await? {
        Ok(c) => c,
        Err(true) => {
            // The store ended what was given for the code: forget its tokens here too.
            app.tokens.forget();
            return Ok(Err(TokenError::InvalidGrant("the code was used before")));
        }
        Err(false) => return Ok(Err(TokenError::InvalidGrant("unknown code"))),
    };
    let now = crate::clock::now_millis();
    let fits = c.tenant_id == t.id.as_str()
        && c.client_id == client_id
        && c.redirect_uri == redirect_uri
        && now - c.created_at <= CODE_MS
        && crate::secrets::token_matches(&s256(verifier), &c.challenge);
    if !fits {
        return Ok(Err(TokenError::InvalidGrant(
            "the code does not fit this app, redirect URI or verifier, or has expired",
        )));
    }
    let g = AppGrant {
        id: random_token(),
        tenant_id: c.tenant_id,
        client_id: c.client_id,
        account_id: Some(c.account_id),
        draft_id: None,
        display_name: c.display_name,
        level: c.level,
        created_at: now,
        expires_at: now + GRANT_MS,
        revoked_at: None,
    };
    app.db.add_app_grant(&g, Some(&hash)).await?;
    Ok(Ok(issue(app, &g).await?))
}

/// A new pair of tokens for a refresh token, which ends with it.
pub async fn refresh(
    app: &App,
    t: &TenantDef,
    client_id: &str,
    refresh_token: &str,
) -> AppResult<Result<Tokens, TokenError>> {
    if t.app(client_id).is_none() {
        return Ok(Err(TokenError::InvalidClient));
    }
    let now = crate::clock::now_millis();
    match app.db.take_app_refresh(&sha256_hex(refresh_token)).await? {
        AppRefresh::Taken(g, expires_at) => {
            if g.tenant_id != t.id.as_str() || g.client_id != client_id {
                // Handed to the wrong portal or by another app: it has leaked.
                app.db.revoke_app_grant(&g.id).await?;
                app.tokens.forget();
                return Ok(Err(TokenError::InvalidGrant("unknown refresh token")));
            }
            if g.revoked_at.is_some() || g.expires_at <= now || expires_at <= now {
                return Ok(Err(TokenError::InvalidGrant(
                    "the access has ended; log in again",
                )));
            }
            Ok(Ok(issue(app, &g).await?))
        }
        AppRefresh::Reused => {
            app.tokens.forget();
            tracing::warn!(tenant = %t.id, "a refresh token was used twice; its grant is ended");
            Ok(Err(TokenError::InvalidGrant(
                "the refresh token was used before; the access has been ended",
            )))
        }
        AppRefresh::Unknown => Ok(Err(TokenError::InvalidGrant("unknown refresh token"))),
    }
}

/// Tokens for a guest's one application, with its reference and access code.
pub async fn guest_tokens(
    app: &App,
    t: &TenantDef,
    client_id: &str,
    ip: Option<IpAddr>,
    reference: &str,
    access_code: &str,
) -> AppResult<Result<Tokens, TokenError>> {
    if t.app(client_id).is_none() {
        return Ok(Err(TokenError::InvalidClient));
    }
    let tid = t.id.as_str();
    let draft = match guest_application(app, tid, ip, reference, access_code).await? {
        GuestFind::Found(d) => d,
        GuestFind::Refused => {
            return Ok(Err(TokenError::InvalidGrant(
                "reference and access code do not fit",
            )))
        }
        GuestFind::Wait(ms) => return Ok(Err(TokenError::SlowDown(ms))),
    };
    let now = crate::clock::now_millis();
    let g = AppGrant {
        id: random_token(),
        tenant_id: tid.to_owned(),
        client_id: client_id.to_owned(),
        account_id: None,
        draft_id: Some(draft.clone()),
        display_name: String::new(),
        level: rathaus_domain::Level::Low.as_str().to_owned(),
        created_at: now,
        expires_at: now + GRANT_MS,
        revoked_at: None,
    };
    app.db.add_app_grant(&g, None).await?;
    // The application now belongs to the app, as it would to a browser.
    app.db.bind_draft(tid, &draft, &g.id).await?;
    Ok(Ok(issue(app, &g).await?))
}

/// Tokens for a guest without an application yet: the app may start drafts of services
/// that admit guests; they are bound to this grant as a browser's are to its session, and
/// the first one submitted is the application the grant then follows.
pub async fn guest_start(
    app: &App,
    t: &TenantDef,
    client_id: &str,
    ip: Option<IpAddr>,
) -> AppResult<Result<Tokens, TokenError>> {
    if t.app(client_id).is_none() {
        return Ok(Err(TokenError::InvalidClient));
    }
    if let crate::guard::Verdict::Wait(ms) = app.guesses.guest_grant(ip) {
        return Ok(Err(TokenError::SlowDown(ms)));
    }
    let now = crate::clock::now_millis();
    let g = AppGrant {
        id: random_token(),
        tenant_id: t.id.to_string(),
        client_id: client_id.to_owned(),
        account_id: None,
        draft_id: None,
        display_name: String::new(),
        level: rathaus_domain::Level::Low.as_str().to_owned(),
        created_at: now,
        expires_at: now + GRANT_MS,
        revoked_at: None,
    };
    app.db.add_app_grant(&g, None).await?;
    Ok(Ok(issue(app, &g).await?))
}

/// The citizen an access token stands for at tenant `tid`: the grant's account or
/// application, like a session. An unknown token is nobody; an expired or revoked one is
/// nobody with `expired` set.
pub async fn citizen(app: &App, tid: &str, token: &str) -> AppResult<Citizen> {
    let hash = sha256_hex(token);
    let now = crate::clock::now_millis();
    let found = match app.tokens.get(&hash, now) {
        Some(known) => Some(known),
        None => {
            let found = app.db.app_access(&hash).await?;
            if let Some((g, expires)) = &found {
                app.tokens.put(hash, g.clone(), *expires, now);
            }
            found
        }
    };
    let Some((g, token_expires)) = found else {
        return Ok(Citizen::default());
    };
    if g.tenant_id != tid {
        return Ok(Citizen::default());
    }
    if g.revoked_at.is_some() || g.expires_at <= now || token_expires <= now {
        return Ok(Citizen {
            expired: true,
            ..Citizen::default()
        });
    }
    Ok(Citizen {
        live: Some(Live {
            hash: g.id.clone(),
            session: Session {
                tenant_id: g.tenant_id,
                account_id: g.account_id,
                draft_id: g.draft_id,
                display_name: g.display_name,
                level: g.level,
                created_at: g.created_at,
                last_seen_at: now,
                expires_at: g.expires_at,
            },
            idle_ends: token_expires,
            warn_ms: 0,
        }),
        expired: false,
        stale: None,
    })
}

/// Ends the grant of `token` (an access or refresh token of app `client_id`), as the app
/// logs out (RFC 7009: unknown tokens are no error).
pub async fn revoke(app: &App, t: &TenantDef, client_id: &str, token: &str) -> AppResult<()> {
    if let Some(grant_id) = app.db.app_grant_of_token(&sha256_hex(token)).await? {
        if let Some(g) = app.db.app_grant(&grant_id).await? {
            if g.tenant_id == t.id.as_str() && g.client_id == client_id {
                app.db.revoke_app_grant(&g.id).await?;
                app.tokens.forget();
                tracing::info!(tenant = %t.id, client = %client_id, "app logged out");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembered_tokens_are_forgotten_in_time_and_on_revocation() {
        let g = AppGrant {
            id: "g".into(),
            tenant_id: "t".into(),
            client_id: "c".into(),
            account_id: None,
            draft_id: None,
            display_name: String::new(),
            level: "low".into(),
            created_at: 0,
            expires_at: i64::MAX,
            revoked_at: None,
        };
        let m = TokenMemory::default();
        m.put("h".into(), g, 99, 1_000);
        assert_eq!(
            m.get("h", 1_000 + TOKEN_MEMORY_MS - 1).map(|x| x.1),
            Some(99)
        );
        assert!(
            m.get("h", 1_000 + TOKEN_MEMORY_MS).is_none(),
            "the database is asked again"
        );
        assert!(m.get("other", 1_000).is_none());
        m.forget();
        assert!(m.get("h", 1_001).is_none(), "a revocation forgets at once");
    }

    #[test]
    fn s256_is_the_rfc_7636_example() {
        // RFC 7636, Appendix B.
        assert_eq!(
            s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn redirect_parameters_are_encoded() {
        assert_eq!(
            redirect_with(
                "http://127.0.0.1:5000/cb",
                &[("code", "a b"), ("state", "x&y")]
            ),
            "http://127.0.0.1:5000/cb?code=a%20b&state=x%26y"
        );
        assert_eq!(
            redirect_with("de.x.app:/cb?v=1", &[("code", "c")]),
            "de.x.app:/cb?v=1&code=c"
        );
    }
}
