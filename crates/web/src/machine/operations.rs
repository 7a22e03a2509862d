//! For the people who run the portal: liveness, readiness, metrics, and reloading the
//! definitions without a restart.

use crate::kit::state::ReloadError;
use crate::kit::St;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// `GET /healthz`: the process answers.
pub async fn healthz() -> &'static str {
    "ok"
}

/// `GET /readyz`: the database answers too.
pub async fn readyz(state: St) -> Response {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(%e, "not ready: database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// `GET /metrics` in the OpenMetrics format.
pub async fn metrics(state: St) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}

/// `POST /admin/reload` with `Authorization: Bearer <RATHAUS_ADMIN_TOKEN>`.
pub async fn admin_reload(state: St, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.admin_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !rathaus_app::secrets::token_matches(given, expected) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    let refused = |problems: Vec<String>| {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({ "status": "refused", "problems": problems })),
        )
            .into_response()
    };
    match state.reload().await {
        Ok(n) => Json(serde_json::json!({ "status": "ok", "services": n })).into_response(),
        Err(ReloadError::Definitions(diags)) => {
            refused(diags.iter().map(ToString::to_string).collect())
        }
        Err(e) => refused(vec![e.to_string()]),
    }
}
