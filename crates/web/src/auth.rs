//! Citizen login with OpenID Connect (authorization code flow with PKCE, state and nonce)
//! against the identity provider configured for the tenant (Servicekonto.NRW, BundID behind
//! an OIDC bridge, a municipality's Keycloak), and the sessions that follow.
//!
//! The `openidconnect` crate does discovery, the code exchange and the verification of the
//! ID token (signature, issuer, audience, expiry, nonce). The state is stored hashed
//! together with the PKCE verifier and the nonce and works once. A session is a random
//! token in an HttpOnly cookie scoped to the tenant's path; the database keeps only its
//! SHA-256. Sessions end after the tenant's idle time and absolute lifetime; every form
//! step is saved, and a step posted after the session ended is kept with the new login
//! attempt and applied after logging in again.

use crate::prefs::{safe_return, Prefs};
use crate::routes::{Page, PageError};
use crate::{csrf, urls, AppState};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form as PostForm;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use base64::Engine;
use minijinja::context;
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use rathaus_app::secrets::{random_token, sha256_hex};
use rathaus_domain::{Level, Profile, TenantDef};
use rathaus_store::{LoginAttempt, Session};
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::convert::Infallible;
use std::sync::Arc;

pub const SESSION_COOKIE: &str = "rathaus_session";
/// How long a login may take at the provider.
const ATTEMPT_TTL_MS: i64 = 10 * 60 * 1000;

/// One configured identity provider.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// Short name (in logs and the login attempt).
    pub name: String,
    /// What the login button says, e.g. "Servicekonto.NRW".
    pub label: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<String>,
    /// Tenants that use this provider; empty: all.
    pub tenants: Vec<String>,
    pub scopes: Vec<String>,
    /// The ID-token claim that carries the eIDAS level (default `eidas_level`; `acr` is
    /// read when it is missing).
    pub level_claim: String,
    /// A staff directory (back office) rather than a citizens' identity provider.
    pub staff: bool,
    /// The ID-token claim with a staff member's groups.
    pub groups_claim: String,
}

pub(crate) struct Provider {
    pub(crate) settings: OidcSettings,
    metadata: tokio::sync::OnceCell<CoreProviderMetadata>,
}

/// The identity providers and the portal's public address (for the redirect URI).
pub struct Oidc {
    providers: Vec<Provider>,
    public_url: String,
    http: openidconnect::reqwest::Client,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field(
                "providers",
                &self
                    .providers
                    .iter()
                    .map(|p| &p.settings.name)
                    .collect::<Vec<_>>(),
            )
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Oidc {
    pub fn new(settings: Vec<OidcSettings>, public_url: &str) -> Oidc {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Redirects are not followed: no request forgery through the provider's answers.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .unwrap_or_default();
        Oidc {
            providers: settings
                .into_iter()
                .map(|settings| Provider {
                    settings,
                    metadata: tokio::sync::OnceCell::new(),
                })
                .collect(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            http,
        }
    }

    fn for_tenant(&self, tenant: &str) -> Option<&Provider> {
        self.find(tenant, false)
    }

    pub(crate) fn find(&self, tenant: &str, staff: bool) -> Option<&Provider> {
        self.providers.iter().find(|p| {
            p.settings.staff == staff
                && (p.settings.tenants.is_empty() || p.settings.tenants.iter().any(|t| t == tenant))
        })
    }

    pub(crate) fn by_name(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.settings.name == name)
    }

    /// The login button's text for a tenant, if login is set up there.
    pub fn label(&self, tenant: &str) -> Option<&str> {
        self.for_tenant(tenant).map(|p| p.settings.label.as_str())
    }

    pub(crate) fn secure(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    async fn client(
        &self,
        p: &Provider,
        tenant: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        String,
    > {
        let md = p
            .metadata
            .get_or_try_init(|| async {
                let issuer =
                    IssuerUrl::new(p.settings.issuer.clone()).map_err(|e| e.to_string())?;
                CoreProviderMetadata::discover_async(issuer, &self.http)
                    .await
                    .map_err(|e| format!("discovery of {} failed: {e}", p.settings.issuer))
            })
            .await?;
        let back = if p.settings.staff {
            urls::staff_login_return(tenant)
        } else {
            urls::login_return(tenant)
        };
        let redirect =
            RedirectUrl::new(format!("{}{}", self.public_url, back)).map_err(|e| e.to_string())?;
        Ok(CoreClient::from_provider_metadata(
            md.clone(),
            ClientId::new(p.settings.client_id.clone()),
            p.settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }
}

// ----- the citizen of a request ----------------------------------------------------------

pub use rathaus_app::access::Live;

/// The citizen of a request: the live session of the path's tenant, if any (reading it
/// moves the idle clock).
#[derive(Debug, Clone, Default)]
pub struct Citizen(pub rathaus_app::access::Citizen);

impl std::ops::Deref for Citizen {
    type Target = rathaus_app::access::Citizen;

    fn deref(&self) -> &rathaus_app::access::Citizen {
        &self.0
    }
}

/// The tenant a request's path names (its first segment); sessions are per tenant.
pub(crate) fn path_tenant(parts: &Parts) -> String {
    parts
        .uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned()
}

impl FromRequestParts<Arc<AppState>> for Citizen {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let token = jar.get(SESSION_COOKIE).map(|c| c.value().to_owned());
        let tenant = path_tenant(parts);
        Ok(Citizen(
            rathaus_app::access::Citizen::of_session(&state.app, &tenant, token.as_deref()).await,
        ))
    }
}

fn session_cookie(oidc: &Oidc, tenant: &str, value: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path(format!("/{tenant}"))
        .http_only(true)
        .secure(oidc.secure())
        .same_site(SameSite::Lax)
        .build()
}

/// Removes the session cookie of `tenant` from the browser.
pub fn clear_session_cookie(oidc: &Oidc, jar: CookieJar, tenant: &str) -> CookieJar {
    jar.remove(session_cookie(oidc, tenant, String::new()))
}

/// A guest session for this browser: the live one it has, or a new one. Returns the jar to
/// send and the session's hash (what a guest's draft is bound to).
pub async fn guest_session(
    state: &AppState,
    jar: CookieJar,
    t: &TenantDef,
    citizen: &Citizen,
) -> Result<(CookieJar, String), rathaus_store::StoreError> {
    if let Some(l) = citizen.live.as_ref().filter(|l| l.account_id().is_none()) {
        return Ok((jar, l.hash.clone()));
    }
    start_session(state, jar, t, None, None, String::new(), Level::Low).await
}

/// Starts a session (new token; a session cookie sent along is ended first, so the id is
/// renewed at every login) and returns the cookie jar to send and the session's hash.
pub async fn start_session(
    state: &AppState,
    jar: CookieJar,
    t: &TenantDef,
    account_id: Option<String>,
    draft_id: Option<String>,
    display_name: String,
    level: Level,
) -> Result<(CookieJar, String), rathaus_store::StoreError> {
    if let Some(old) = jar.get(SESSION_COOKIE) {
        state.app.db.end_session(&sha256_hex(old.value())).await?;
    }
    let token = random_token();
    let now = rathaus_app::clock::now_millis();
    let s = Session {
        tenant_id: t.id.to_string(),
        account_id,
        draft_id,
        display_name,
        level: level.as_str().to_owned(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + t.session.max_ms(),
    };
    let hash = sha256_hex(&token);
    state.app.db.create_session(&hash, &s).await?;
    Ok((
        jar.add(session_cookie(&state.auth, t.id.as_str(), token)),
        hash,
    ))
}

// ----- starting a login -------------------------------------------------------------------

/// A form step posted after the session ended, applied after the next login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub draft: String,
    pub step: String,
    pub input: rathaus_domain::form::StepInput,
}

/// The provider's login URL for a new attempt that returns to `return_to`.
pub async fn login_url(
    state: &AppState,
    tenant: &str,
    return_to: &str,
    stronger: bool,
    pending: Option<&Pending>,
) -> Result<String, String> {
    let p = state
        .auth
        .for_tenant(tenant)
        .ok_or_else(|| "no identity provider for this tenant".to_owned())?;
    begin_login(state, p, tenant, return_to, stronger, pending).await
}

/// Starts a login at provider `p` (citizens' or staff) and returns the provider's URL.
pub(crate) async fn begin_login(
    state: &AppState,
    p: &Provider,
    tenant: &str,
    return_to: &str,
    stronger: bool,
    pending: Option<&Pending>,
) -> Result<String, String> {
    let client = state.auth.client(p, tenant).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut req = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .set_pkce_challenge(challenge);
    for s in &p.settings.scopes {
        if s != "openid" {
            req = req.add_scope(Scope::new(s.clone()));
        }
    }
    if stronger {
        req = req.add_prompt(CoreAuthPrompt::Login);
    }
    let (url, csrf_state, nonce) = req.url();
    let attempt = LoginAttempt {
        tenant_id: tenant.to_owned(),
        provider: p.settings.name.clone(),
        pkce_verifier: verifier.secret().clone(),
        nonce: nonce.secret().clone(),
        return_to: return_to.to_owned(),
        pending: pending.and_then(|x| serde_json::to_string(x).ok()),
        created_at: rathaus_app::clock::now_millis(),
    };
    state
        .app
        .db
        .add_login_attempt(&sha256_hex(csrf_state.secret()), &attempt)
        .await
        .map_err(|e| e.to_string())?;
    Ok(url.to_string())
}

/// Where a login may return to: a path of the same tenant, else the tenant's Mein Bereich.
fn return_path(tenant: &str, wanted: Option<&str>) -> String {
    let p = safe_return(wanted);
    if p.starts_with(&format!("/{tenant}/")) {
        p
    } else {
        urls::my_area(tenant)
    }
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    zurueck: Option<String>,
    /// `1`: ask the provider for a new login (e.g. with the ID card for a higher level).
    neu: Option<String>,
}

/// `GET /{t}/anmelden?zurueck=…`: off to the identity provider.
pub async fn login(
    State(state): State<Arc<AppState>>,
    prefs: Prefs,
    Path(tid): Path<String>,
    Query(q): Query<LoginQuery>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    if state.auth.for_tenant(&tid).is_none() {
        return failed(&page, &tid, "login-error-none", StatusCode::NOT_FOUND);
    }
    let back = return_path(&tid, q.zurueck.as_deref());
    match login_url(&state, &tid, &back, q.neu.as_deref() == Some("1"), None).await {
        Ok(url) => crate::redirect::external(&url).into_response(),
        Err(e) => {
            tracing::error!(error = %e, tenant = %tid, "login could not start");
            failed(&page, &tid, "login-error-provider", StatusCode::BAD_GATEWAY)
        }
    }
}

fn failed(page: &Page<'_>, tid: &str, reason: &str, status: StatusCode) -> Response {
    page.render_private(
        status,
        "login_failed.html",
        context! { reason, retry => urls::login(tid, None) },
    )
}

// ----- coming back from the provider -----------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct ReturnQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /{t}/anmelden/rueckkehr?code=…&state=…`.
pub async fn login_return(
    State(state): State<Arc<AppState>>,
    prefs: Prefs,
    jar: CookieJar,
    Path(tid): Path<String>,
    Query(q): Query<ReturnQuery>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let v = match finish_login(&state, &tid, &q).await {
        Ok(v) => v,
        Err(Refusal::Internal(e)) => return PageError::Internal(e).into_response(),
        Err(Refusal::Refused(reason, detail)) => {
            tracing::warn!(tenant = %tid, reason, detail, "login refused");
            return failed(&page, &tid, reason, StatusCode::BAD_REQUEST);
        }
    };
    let (attempt, p, payload, subject, issuer) =
        (v.attempt, v.provider, v.payload, v.subject, v.issuer);
    // A staff directory's login never becomes a citizen account.
    if p.settings.staff {
        tracing::warn!(tenant = %tid, "a staff login returned to the citizens' endpoint");
        return failed(&page, &tid, "login-error-state", StatusCode::BAD_REQUEST);
    }
    let level = payload
        .get(&p.settings.level_claim)
        .or_else(|| payload.get("acr"))
        .and_then(Json::as_str)
        .and_then(Level::parse)
        .unwrap_or(Level::Low);
    let profile = profile_of(&payload);
    let display = match profile.display_name() {
        n if n.is_empty() => page_text(&page, "account-unnamed"),
        n => n,
    };
    let account_id = match state
        .app
        .db
        .upsert_account(
            &tid,
            &issuer,
            &subject,
            &serde_json::to_string(&profile).unwrap_or_else(|_| "{}".into()),
            level.as_str(),
            &uuid::Uuid::new_v4().simple().to_string(),
        )
        .await
    {
        Ok(id) => id,
        Err(e) => return PageError::Internal(e.to_string()).into_response(),
    };
    let jar = match start_session(
        &state,
        jar,
        t,
        Some(account_id.clone()),
        None,
        display,
        level,
    )
    .await
    {
        Ok((j, _)) => j,
        Err(e) => return PageError::Internal(e.to_string()).into_response(),
    };
    tracing::info!(tenant = %tid, provider = %p.settings.name, level = level.as_str(), "citizen logged in");
    let mut target = attempt.return_to.clone();
    if let Some(pending) = attempt
        .pending
        .as_deref()
        .and_then(|s| serde_json::from_str::<Pending>(s).ok())
    {
        match crate::apply::restore_pending(&state, &site, t, &account_id, &pending).await {
            Ok(Some(url)) => target = url,
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "restoring a posted step failed"),
        }
    }
    (jar, crate::redirect::to(&return_path(&tid, Some(&target)))).into_response()
}

/// Why a return from the provider was not accepted.
pub(crate) enum Refusal {
    /// A reason key for the page, and what goes to the log.
    Refused(&'static str, String),
    Internal(String),
}

/// A verified login: the attempt it belongs to and the ID token's claims.
pub(crate) struct Verified<'a> {
    pub attempt: LoginAttempt,
    pub provider: &'a Provider,
    pub payload: serde_json::Map<String, Json>,
    pub subject: String,
    pub issuer: String,
}

/// The checks of a return from the provider, shared by citizens' and staff logins: the
/// state is taken (it works once), the code exchanged with the PKCE verifier, the ID
/// token verified (signature, issuer, audience, expiry, nonce).
pub(crate) async fn finish_login<'a>(
    state: &'a AppState,
    tid: &str,
    q: &ReturnQuery,
) -> Result<Verified<'a>, Refusal> {
    let refuse =
        |reason: &'static str, detail: &str| Err(Refusal::Refused(reason, detail.to_owned()));
    let Some(st) = q.state.as_deref().filter(|s| !s.is_empty()) else {
        return refuse("login-error-state", "no state");
    };
    // The attempt is taken (deleted) before anything else: a state works once.
    let attempt = match state.app.db.take_login_attempt(tid, &sha256_hex(st)).await {
        Ok(Some(a)) => a,
        Ok(None) => return refuse("login-error-state", "unknown or used state"),
        Err(e) => return Err(Refusal::Internal(e.to_string())),
    };
    if rathaus_app::clock::now_millis() - attempt.created_at > ATTEMPT_TTL_MS {
        return refuse("login-error-state", "attempt too old");
    }
    if let Some(err) = q.error.as_deref() {
        return refuse("login-error-cancelled", err);
    }
    let Some(code) = q.code.as_deref().filter(|c| !c.is_empty()) else {
        return refuse("login-error-state", "no code");
    };
    let Some(p) = state.auth.by_name(&attempt.provider) else {
        return refuse("login-error-provider", "provider no longer configured");
    };
    let client = match state.auth.client(p, tid).await {
        Ok(c) => c,
        Err(e) => return refuse("login-error-provider", &e),
    };
    let request = match client.exchange_code(AuthorizationCode::new(code.to_owned())) {
        Ok(r) => r,
        Err(e) => return refuse("login-error-provider", &e.to_string()),
    };
    let token = match request
        .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
        .request_async(&state.auth.http)
        .await
    {
        Ok(t) => t,
        Err(e) => return refuse("login-error-token", &format!("{e:?}")),
    };
    let Some(id_token) = token.id_token() else {
        return refuse("login-error-token", "no ID token");
    };
    // Signature, issuer, audience, expiry and nonce are checked here.
    let claims = match id_token.claims(
        &client.id_token_verifier(),
        &Nonce::new(attempt.nonce.clone()),
    ) {
        Ok(c) => c,
        Err(e) => return refuse("login-error-token", &e.to_string()),
    };
    // The payload is read only after the verification above succeeded.
    Ok(Verified {
        subject: claims.subject().to_string(),
        issuer: claims.issuer().to_string(),
        payload: verified_payload(&id_token.to_string()).unwrap_or_default(),
        attempt,
        provider: p,
    })
}

fn page_text(page: &Page<'_>, key: &str) -> String {
    page.theme().messages.get(page.lang(), key, None)
}

/// The claims of a JWT whose signature was verified by the caller.
fn verified_payload(jwt: &str) -> Option<serde_json::Map<String, Json>> {
    let part = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What prefill needs from the standard claims, nothing more.
fn profile_of(c: &serde_json::Map<String, Json>) -> Profile {
    let s = |v: Option<&Json>| {
        v.and_then(Json::as_str)
            .map(str::to_owned)
            .filter(|x| !x.is_empty())
    };
    let addr = c.get("address");
    Profile {
        given_name: s(c.get("given_name")),
        family_name: s(c.get("family_name")),
        birthdate: s(c.get("birthdate")),
        email: s(c.get("email")),
        street_address: s(addr.and_then(|a| a.get("street_address"))),
        postal_code: s(addr.and_then(|a| a.get("postal_code"))),
        locality: s(addr.and_then(|a| a.get("locality"))),
    }
}

// ----- extend, log out ------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct SessionForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    zurueck: Option<String>,
}

/// `POST /{t}/sitzung`: "Sitzung verlängern". Scripts get JSON with the new end, forms a
/// redirect back.
pub async fn extend(
    State(state): State<Arc<AppState>>,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    headers: HeaderMap,
    Path(tid): Path<String>,
    PostForm(f): PostForm<SessionForm>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    match citizen.0.live {
        // Reading the session (the extractor) already moved its idle clock to now.
        Some(live) => {
            if wants_json {
                (
                    [(header::CACHE_CONTROL, "no-store")],
                    axum::Json(serde_json::json!({ "idle_ends": live.idle_ends })),
                )
                    .into_response()
            } else {
                crate::redirect::to(&return_path(&tid, f.zurueck.as_deref())).into_response()
            }
        }
        None if wants_json => StatusCode::UNAUTHORIZED.into_response(),
        None => crate::redirect::to(&urls::login(&tid, f.zurueck.as_deref())).into_response(),
    }
}

/// `POST /{t}/abmelden`: ends this session.
pub async fn logout(
    State(state): State<Arc<AppState>>,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
    PostForm(f): PostForm<SessionForm>,
) -> Response {
    logout_impl(state, prefs, jar, citizen, tid, f, false).await
}

/// `POST /{t}/abmelden/ueberall`: ends every session of the account (other devices too).
pub async fn logout_everywhere(
    State(state): State<Arc<AppState>>,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
    PostForm(f): PostForm<SessionForm>,
) -> Response {
    logout_impl(state, prefs, jar, citizen, tid, f, true).await
}

async fn logout_impl(
    state: Arc<AppState>,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    tid: String,
    f: SessionForm,
    everywhere: bool,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    if let Some(live) = &citizen.live {
        let r = match (everywhere, live.account_id()) {
            (true, Some(a)) => state.app.db.end_all_sessions(a).await.map(|_| ()),
            _ => state.app.db.end_session(&live.hash).await,
        };
        if let Err(e) = r {
            return PageError::Internal(e.to_string()).into_response();
        }
        tracing::info!(tenant = %tid, everywhere, "citizen logged out");
    }
    let jar = clear_session_cookie(&state.auth, jar, &tid);
    let res = page.render_private(
        StatusCode::OK,
        "logged_out.html",
        context! { everywhere, deleted => false, login => state.auth.label(&tid).map(|_| urls::login(&tid, None)) },
    );
    (jar, res).into_response()
}

/// The page shown when an object needs a login (or a new one after the session ended).
pub(crate) async fn login_needed(
    state: &AppState,
    page: &Page<'_>,
    tid: &str,
    return_to: &str,
    expired: bool,
    pending: Option<&Pending>,
) -> Response {
    let href = if pending.is_some() {
        match login_url(state, tid, return_to, false, pending).await {
            Ok(u) => Some(u),
            Err(e) => {
                tracing::error!(error = %e, "login could not start");
                None
            }
        }
    } else {
        state
            .auth
            .label(tid)
            .map(|_| urls::login(tid, Some(return_to)))
    };
    // 200: a page that asks to log in, not an HTTP authentication challenge.
    page.render_private(
        StatusCode::OK,
        "login_needed.html",
        context! { expired, href, kept => pending.is_some(), label => state.auth.label(tid) },
    )
}
