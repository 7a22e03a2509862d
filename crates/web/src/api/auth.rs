//! Logging in from an app: the token endpoint (RFC 6749 §3.2, form-encoded, answers and
//! errors as OAuth defines them), revocation (RFC 7009) and reading the bearer token of a
//! request (RFC 6750). The rules are `rathaus_app::apps`.

use crate::kit::problem::Problem;
use crate::kit::{ClientIp, St};
use axum::extract::rejection::FormRejection;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use rathaus_app::access::Citizen;
use rathaus_app::apps::{self, TokenError, Tokens};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The grant type of a guest's reference and access code.
pub const GUEST_GRANT: &str = "urn:rathaus:grant-type:access-code";
/// The grant type of a guest who starts an application in the app.
pub const NEW_GUEST_GRANT: &str = "urn:rathaus:grant-type:guest";

/// A token request (`application/x-www-form-urlencoded`). Which fields count depends on
/// `grant_type`: `authorization_code` (code, redirect_uri, code_verifier),
/// `refresh_token` (refresh_token), `urn:rathaus:grant-type:access-code` (reference,
/// access_code: a guest's application), or `urn:rathaus:grant-type:guest` (nothing more:
/// a guest who starts an application in the app).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    #[schema(inline, value_type = GrantType)]
    pub grant_type: String,
    /// The app's id, as registered with the portal.
    pub client_id: String,
    pub code: Option<String>,
    pub redirect_uri: Option<String>,
    /// The PKCE verifier (43 to 128 characters).
    pub code_verifier: Option<String>,
    pub refresh_token: Option<String>,
    /// A guest's application reference (e.g. `SG-2026-000123`).
    pub reference: Option<String>,
    /// Its access code from the receipt.
    pub access_code: Option<String>,
}

/// The grant types the token endpoint takes.
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // a description only: the endpoint reads the text to name a wrong one
pub enum GrantType {
    #[schema(rename = "authorization_code")]
    AuthorizationCode,
    #[schema(rename = "refresh_token")]
    RefreshToken,
    #[schema(rename = "urn:rathaus:grant-type:access-code")]
    AccessCode,
    #[schema(rename = "urn:rathaus:grant-type:guest")]
    Guest,
}

/// Tokens (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenAnswer {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    /// Exchanged for a new pair at the token endpoint; good once.
    pub refresh_token: String,
    /// `account`, or `application` (a guest's one application).
    pub scope: String,
}

impl From<Tokens> for TokenAnswer {
    fn from(t: Tokens) -> Self {
        TokenAnswer {
            access_token: t.access_token,
            token_type: t.token_type.to_owned(),
            expires_in: t.expires_in,
            refresh_token: t.refresh_token,
            scope: t.scope.to_owned(),
        }
    }
}

/// An OAuth error (RFC 6749 §5.2).
#[derive(Debug, Serialize, ToSchema)]
pub struct OAuthError {
    /// `invalid_request`, `invalid_client`, `invalid_grant`, `unsupported_grant_type` or
    /// `slow_down`.
    pub error: String,
    pub error_description: Option<String>,
}

const NO_STORE: [(header::HeaderName, &str); 2] = [
    (header::CACHE_CONTROL, "no-store"),
    (header::PRAGMA, "no-cache"),
];

fn oauth_error(status: StatusCode, error: &str, description: Option<&str>) -> Response {
    let body = OAuthError {
        error: error.to_owned(),
        error_description: description.map(str::to_owned),
    };
    (status, NO_STORE, Json(body)).into_response()
}

fn refused(e: TokenError) -> Response {
    match e {
        TokenError::InvalidRequest(d) => oauth_error(StatusCode::BAD_REQUEST, "invalid_request", Some(d)),
        TokenError::InvalidClient => oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            Some("unknown client_id"),
        ),
        TokenError::InvalidGrant(d) => oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", Some(d)),
        TokenError::UnsupportedGrantType => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            Some("grant_type must be authorization_code, refresh_token, urn:rathaus:grant-type:access-code or urn:rathaus:grant-type:guest"),
        ),
        TokenError::SlowDown(ms) => {
            let mut res = oauth_error(
                StatusCode::TOO_MANY_REQUESTS,
                "slow_down",
                Some("too many tries from here; try again later"),
            );
            let secs = (ms + 999) / 1000;
            if let Ok(v) = secs.to_string().parse() {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
    }
}

fn required<'a>(v: &'a Option<String>, name: &'static str) -> Result<&'a str, TokenError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or(TokenError::InvalidRequest(name))
}

/// Exchanges a login's code, a refresh token, or a guest's reference and access code for
/// tokens.
///
/// The app sends the citizen to `/{tenant}/app-zugang` in the system browser with
/// `response_type=code`, its `client_id`, a registered `redirect_uri` (loopback on any
/// port, https, or its own scheme), a PKCE `code_challenge` with
/// `code_challenge_method=S256` and a `state`; the citizen logs in and lets the app in;
/// the code arrives at the redirect URI and is good for one exchange within a minute.
/// Access tokens last 15 minutes; a refresh token is good once (each use gives a new
/// pair; using one twice ends the access).
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/token",
    tag = "login",
    operation_id = "token",
    params(("tenant" = String, Path, description = "The portal's id")),
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Tokens", body = TokenAnswer),
        (status = 400, description = "The request or grant does not hold", body = OAuthError),
        (status = 401, description = "Unknown app", body = OAuthError),
        (status = 404, description = "No such portal", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many wrong access codes or new guests from this address", body = OAuthError),
    )
)]
pub async fn token(
    state: St,
    ClientIp(ip): ClientIp,
    Path(tid): Path<String>,
    form: Result<Form<TokenRequest>, FormRejection>,
) -> Response {
    let site = state.site();
    let Some(t) = site.catalog.tenant(&tid) else {
        return Problem::not_found()
            .detail(format!("no portal '{tid}'"))
            .into_response();
    };
    let Ok(Form(r)) = form else {
        return refused(TokenError::InvalidRequest(
            "a form with grant_type and client_id is needed",
        ));
    };
    let app = &state.app;
    let result = async {
        Ok::<_, TokenError>(match r.grant_type.as_str() {
            "authorization_code" => {
                let code = required(&r.code, "code is missing")?;
                let uri = required(&r.redirect_uri, "redirect_uri is missing")?;
                let verifier = required(&r.code_verifier, "code_verifier is missing")?;
                apps::exchange_code(app, t, &r.client_id, code, uri, verifier).await
            }
            "refresh_token" => {
                let refresh = required(&r.refresh_token, "refresh_token is missing")?;
                apps::refresh(app, t, &r.client_id, refresh).await
            }
            GUEST_GRANT => {
                let reference = required(&r.reference, "reference is missing")?;
                let code = required(&r.access_code, "access_code is missing")?;
                apps::guest_tokens(app, t, &r.client_id, ip, reference, code).await
            }
            NEW_GUEST_GRANT => apps::guest_start(app, t, &r.client_id, ip).await,
            _ => return Err(TokenError::UnsupportedGrantType),
        })
    }
    .await;
    match result {
        Err(e) | Ok(Ok(Err(e))) => refused(e),
        Ok(Ok(Ok(tokens))) => (NO_STORE, Json(TokenAnswer::from(tokens))).into_response(),
        Ok(Err(e)) => Problem::from(e).into_response(),
    }
}

/// A revocation request (RFC 7009).
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// An access or refresh token of the grant to end.
    pub token: String,
    pub client_id: String,
}

/// Ends the app's access (the app logs out): every token of the grant stops working. An
/// unknown token is no error.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/revoke",
    tag = "login",
    operation_id = "revoke",
    params(("tenant" = String, Path, description = "The portal's id")),
    request_body(content = RevokeRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The access has ended (or there was none)"),
        (status = 400, description = "token or client_id is missing", body = OAuthError),
        (status = 404, description = "No such portal", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn revoke(
    state: St,
    Path(tid): Path<String>,
    form: Result<Form<RevokeRequest>, FormRejection>,
) -> Response {
    let site = state.site();
    let Some(t) = site.catalog.tenant(&tid) else {
        return Problem::not_found()
            .detail(format!("no portal '{tid}'"))
            .into_response();
    };
    let Ok(Form(r)) = form else {
        return refused(TokenError::InvalidRequest("token and client_id are needed"));
    };
    match apps::revoke(&state.app, t, &r.client_id, &r.token).await {
        Ok(()) => (StatusCode::OK, NO_STORE).into_response(),
        Err(e) => Problem::from(e).into_response(),
    }
}

/// The citizen the request's bearer token stands for at `tid`, or 401.
pub async fn caller(state: &St, tid: &str, headers: &HeaderMap) -> Result<Citizen, Problem> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(Problem::unauthorized(None));
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty() && t.len() <= 200)
        .ok_or_else(|| Problem::unauthorized(Some("malformed Authorization header")))?;
    let c = apps::citizen(&state.app, tid, token).await?;
    match (&c.live, c.expired) {
        (Some(_), _) => Ok(c),
        (None, true) => Err(Problem::unauthorized(Some(
            "the token has expired or was revoked",
        ))),
        (None, false) => Err(Problem::unauthorized(Some("unknown token"))),
    }
}
