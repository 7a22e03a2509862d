//! What the API allows beyond its routes: requests per network address (a keyed
//! rate limit, in memory, so no address is stored; 429 with `Retry-After` beyond it), and
//! cross-origin calls from browsers (CORS) only for the origins an installation names —
//! none by default, so a web page elsewhere cannot use a citizen's token from script.

use crate::kit::problem::Problem;
use crate::kit::{AppState, ClientIp};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Counts the request against its address.
pub async fn limit(
    State(state): State<Arc<AppState>>,
    ClientIp(ip): ClientIp,
    req: Request,
    next: Next,
) -> Response {
    if let Some(ip) = ip {
        if let Err(secs) = state.api_limiter.check(ip) {
            return Problem::too_many("too many requests from this address", secs).into_response();
        }
    }
    next.run(req).await
}

/// The CORS layer of the configured origins, if any.
pub fn cors(origins: &[String]) -> Option<CorsLayer> {
    let allowed: Vec<axum::http::HeaderValue> = origins
        .iter()
        .map(|o| o.trim().trim_end_matches('/'))
        .filter(|o| !o.is_empty())
        .filter_map(|o| o.parse().ok())
        .collect();
    if allowed.is_empty() {
        return None;
    }
    use axum::http::{header, Method};
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(allowed))
            .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::IF_NONE_MATCH,
                header::ACCEPT_LANGUAGE,
                header::HeaderName::from_static("x-auth-key"),
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::RETRY_AFTER,
                header::CONTENT_LANGUAGE,
            ])
            .max_age(std::time::Duration::from_secs(600)),
    )
}
