//! What handlers take from a request beside path and query: the citizen of the session
//! cookie, the staff member of the staff cookie (or off to the staff login), the client's
//! network address, and a form post whose CSRF token was checked (or 403). Cookies are
//! set and cleared here too, so their flags are written once.

use crate::kit::csrf;
use crate::kit::error::WebError;
use crate::kit::state::AppState;
use crate::kit::{paths, redirect};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The citizens' session cookie (per tenant: its path is the tenant's).
pub const SESSION_COOKIE: &str = "rathaus_session";
/// The staff session cookie (its path is the tenant's back office).
pub const STAFF_COOKIE: &str = "rathaus_staff";

/// The tenant a request's path names (its first segment); sessions are per tenant.
pub fn path_tenant(parts: &Parts) -> String {
    parts
        .uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned()
}

// ----- citizens ---------------------------------------------------------------------------------

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

fn session_cookie(state: &AppState, tenant: &str, value: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, value))
        .path(paths::tenant_home(tenant))
        .http_only(true)
        .secure(state.auth.secure())
        .same_site(SameSite::Lax)
        .build()
}

/// The session cookie the browser sent, if any (ended when a new session starts).
pub fn session_token(jar: &CookieJar) -> Option<String> {
    jar.get(SESSION_COOKIE).map(|c| c.value().to_owned())
}

/// Hands a new citizen session to the browser.
pub fn with_session(
    state: &AppState,
    jar: CookieJar,
    tenant: &str,
    s: Option<rathaus_app::accounts::NewSession>,
) -> CookieJar {
    match s {
        Some(s) => jar.add(session_cookie(state, tenant, s.token)),
        None => jar,
    }
}

/// Removes the session cookie of `tenant` from the browser.
pub fn without_session(state: &AppState, jar: CookieJar, tenant: &str) -> CookieJar {
    jar.remove(session_cookie(state, tenant, String::new()))
}

// ----- staff --------------------------------------------------------------------------------------

/// The staff member of a back-office request: a live staff session of the path's tenant.
/// Without one, the request goes to the staff login (and comes back afterwards).
pub struct StaffMember(pub rathaus_app::access::Staff);

/// The staff session of the request's tenant, if any (for logging out).
pub struct MaybeStaff(pub Option<rathaus_app::access::Staff>);

async fn staff_of(parts: &Parts, state: &AppState) -> Option<rathaus_app::access::Staff> {
    let jar = CookieJar::from_headers(&parts.headers);
    let token = jar.get(STAFF_COOKIE)?.value().to_owned();
    rathaus_app::access::Staff::of_session(&state.app, &path_tenant(parts), &token).await
}

impl FromRequestParts<Arc<AppState>> for StaffMember {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        match staff_of(parts, state).await {
            Some(s) => Ok(StaffMember(s)),
            None => {
                let here = parts
                    .uri
                    .path_and_query()
                    .map(|pq| pq.as_str().to_owned())
                    .unwrap_or_default();
                Err(redirect::to(&paths::staff_login_to(
                    &path_tenant(parts),
                    &here,
                )))
            }
        }
    }
}

impl FromRequestParts<Arc<AppState>> for MaybeStaff {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        Ok(MaybeStaff(staff_of(parts, state).await))
    }
}

/// The staff cookie of `tenant` with `value` (empty: to remove it).
pub fn staff_cookie(state: &AppState, tenant: &str, value: String) -> Cookie<'static> {
    Cookie::build((STAFF_COOKIE, value))
        .path(paths::staff_home(tenant))
        .http_only(true)
        .secure(state.auth.secure())
        .same_site(SameSite::Lax)
        .build()
}

/// The staff session cookie the browser sent, if any.
pub fn staff_token(jar: &CookieJar) -> Option<String> {
    jar.get(STAFF_COOKIE).map(|c| c.value().to_owned())
}

// ----- the network address -----------------------------------------------------------------------

/// The client's network address: the socket's peer, or the configured header set by the
/// reverse proxy in front (its last entry).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<Arc<AppState>> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        if let Some(h) = &state.config.client_ip_header {
            let ip = parts
                .headers
                .get(h.as_str())
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|v| v.trim().parse::<IpAddr>().ok());
            return Ok(ClientIp(ip));
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

// ----- form posts -----------------------------------------------------------------------------

/// The fields of a form post (or a query), in order.
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// The first value of `key`, trimmed, if not empty.
    pub fn one(&self, key: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// The first value of `key` as sent, if the field was sent at all.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `key` as sent (not trimmed), or empty.
    pub fn raw(&self, key: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether the box `key` was ticked (`ja`).
    pub fn ticked(&self, key: &str) -> bool {
        self.0.iter().any(|(k, v)| k == key && v == "ja")
    }
}

/// A form post whose CSRF token fits this browser and its sessions; any other post is
/// refused with 403 before the handler runs. Gives the fields and the cookie jar.
pub struct Form(pub Pairs, pub CookieJar);

impl FromRequest<Arc<AppState>> for Form {
    type Rejection = Response;

    async fn from_request(req: Request, state: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(req.headers());
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let pairs = Pairs(pairs);
        if !csrf::verify(&jar, Some(pairs.raw(csrf::FIELD))) {
            return Err(WebError::Forbidden.into_response());
        }
        Ok(Form(pairs, jar))
    }
}

/// A query string as [`Pairs`].
pub struct Query(pub Pairs);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Query(pairs) =
            axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state)
                .await
                .map_err(IntoResponse::into_response)?;
        Ok(Query(Pairs(pairs)))
    }
}
