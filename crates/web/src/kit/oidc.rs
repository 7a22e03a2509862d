//! OpenID Connect for the citizens' login and the staff directory: discovery, the
//! authorization code flow with PKCE, state and nonce, the code exchange and the
//! verification of the ID token (signature, issuer, audience, expiry, nonce) — all done by
//! the `openidconnect` crate. The state is stored hashed with the PKCE verifier and the
//! nonce and works once. What a verified login means (an account, a staff session) is the
//! application layer's business; the wings call it.

use crate::kit::paths;
use crate::kit::state::AppState;
use base64::Engine;
use openidconnect::core::{
    CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata,
};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use rathaus_app::drafts::Pending;
use rathaus_app::secrets::sha256_hex;
use rathaus_domain::{Level, Profile};
use rathaus_store::LoginAttempt;
use serde::Deserialize;
use serde_json::Value as Json;

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

pub struct Provider {
    pub settings: OidcSettings,
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

    pub fn for_tenant(&self, tenant: &str) -> Option<&Provider> {
        self.find(tenant, false)
    }

    pub fn find(&self, tenant: &str, staff: bool) -> Option<&Provider> {
        self.providers.iter().find(|p| {
            p.settings.staff == staff
                && (p.settings.tenants.is_empty() || p.settings.tenants.iter().any(|t| t == tenant))
        })
    }

    pub fn by_name(&self, name: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.settings.name == name)
    }

    /// The login button's text for a tenant, if login is set up there.
    pub fn label(&self, tenant: &str) -> Option<&str> {
        self.for_tenant(tenant).map(|p| p.settings.label.as_str())
    }

    pub fn secure(&self) -> bool {
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
            paths::staff_login_return(tenant)
        } else {
            paths::login_return(tenant)
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

/// Starts a login at provider `p` (citizens' or staff) and returns the provider's URL.
pub async fn begin_login(
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

#[derive(Debug, Deserialize)]
pub struct ReturnQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// Why a return from the provider was not accepted.
pub enum Refusal {
    /// A reason key for the page, and what goes to the log.
    Refused(&'static str, String),
    Internal(String),
}

/// A verified login: the attempt it belongs to and the ID token's claims.
pub struct Verified<'a> {
    pub attempt: LoginAttempt,
    pub provider: &'a Provider,
    pub payload: serde_json::Map<String, Json>,
    pub subject: String,
    pub issuer: String,
}

/// The checks of a return from the provider, shared by citizens' and staff logins: the
/// state is taken (it works once), the code exchanged with the PKCE verifier, the ID
/// token verified (signature, issuer, audience, expiry, nonce).
pub async fn finish_login<'a>(
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

/// The claims of a JWT whose signature was verified by the caller.
fn verified_payload(jwt: &str) -> Option<serde_json::Map<String, Json>> {
    let part = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// What prefill needs from the standard claims, nothing more.
pub fn profile_of(c: &serde_json::Map<String, Json>) -> Profile {
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

impl Verified<'_> {
    /// The citizen this login stands for: the level of assurance (the provider's level
    /// claim, else `acr`), and the profile for prefilling.
    pub fn identity(&self) -> rathaus_app::accounts::Identity {
        let level = self
            .payload
            .get(&self.provider.settings.level_claim)
            .or_else(|| self.payload.get("acr"))
            .and_then(Json::as_str)
            .and_then(Level::parse)
            .unwrap_or(Level::Low);
        rathaus_app::accounts::Identity {
            issuer: self.issuer.clone(),
            subject: self.subject.clone(),
            level,
            profile: profile_of(&self.payload),
        }
    }

    /// The staff member's name and groups (for the back office).
    pub fn staff(&self) -> (String, Vec<&str>) {
        let groups: Vec<&str> = self
            .payload
            .get(&self.provider.settings.groups_claim)
            .and_then(Json::as_array)
            .map(|a| a.iter().filter_map(Json::as_str).collect())
            .unwrap_or_default();
        let name = self
            .payload
            .get("name")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or(&self.subject)
            .to_owned();
        (name, groups)
    }
}

/// The provider's login URL for a new citizens' login attempt that returns to `return_to`.
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
