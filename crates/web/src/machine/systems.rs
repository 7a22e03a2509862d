//! What systems ask and answer over HTTP: the JSON Schema of a service's answers, the
//! inbound API with which a receiving Fachverfahren reports back (its case number, status
//! changes, a message to the citizen), and the FIT-Connect callback. Each parses the
//! request and calls the application layer (`rathaus_app::handover`).

use crate::kit::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rathaus_app::handover::{CallbackRefused, Refused, Update};
use rathaus_app::AppError;
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;

/// An RFC 9457 problem answer.
fn problem(status: StatusCode, title: &str) -> Response {
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
        json!({ "title": title, "status": status.as_u16() }).to_string(),
    )
        .into_response()
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundUpdate {
    /// The receiver's own case number (Aktenzeichen).
    case_number: Option<String>,
    /// `start_review`, `request_info`, `decide` or `close`.
    action: Option<String>,
    /// With `decide`: `approved` or `rejected`.
    decision: Option<String>,
    /// To the citizen's Postkorb (required with `request_info`).
    message: Option<InboundMessage>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InboundMessage {
    subject: String,
    body: String,
}

/// `GET /{t}/leistungen/{s}/antrag/schema.json`: the JSON Schema of the answers of the
/// current version (for specialist systems and apps).
pub async fn answer_schema(
    State(state): State<Arc<AppState>>,
    Path((tid, sid)): Path<(String, String)>,
) -> Result<Response, crate::kit::WebError> {
    let site = state.site();
    let o = site
        .catalog
        .service(&tid, &sid)
        .ok_or(crate::kit::WebError::NotFound)?;
    let form = o.form.ok_or(crate::kit::WebError::NotFound)?;
    let mut schema = form.answer_schema(&format!(
        "{} (version {})",
        o.service.title.de, o.service.version
    ));
    if let Some(obj) = schema.as_object_mut() {
        obj.insert(
            "$id".into(),
            serde_json::Value::String(crate::kit::paths::answer_schema(&tid, &sid)),
        );
    }
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/schema+json")],
        serde_json::to_string_pretty(&schema).unwrap_or_default(),
    )
        .into_response())
}

/// `POST /api/v1/{tenant}/antraege/{reference}`: a receiver reports back on an application
/// it received. Authenticated with the target's bearer token; only applications handed to
/// that target can be reached (others answer 404, as if they did not exist).
pub async fn inbound(
    State(state): State<Arc<AppState>>,
    Path((tid, reference)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let site = state.site();
    let Some(t) = site.catalog.tenant(&tid) else {
        return problem(StatusCode::NOT_FOUND, "unknown tenant");
    };
    let Some(receiver) = bearer(&headers).and_then(|b| rathaus_app::access::receiver(t, b)) else {
        return problem(StatusCode::UNAUTHORIZED, "missing or wrong bearer token");
    };
    let u: InboundUpdate = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("invalid body: {e}"),
            )
        }
    };
    let case = match receiver.case(&state.app, &reference).await {
        Ok(c) => c,
        Err(AppError::NotFound) => return problem(StatusCode::NOT_FOUND, "no such application"),
        Err(e) => return problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let update = Update {
        case_number: u.case_number,
        action: u.action,
        decision: u.decision,
        message: u.message.map(|m| (m.subject, m.body)),
    };
    match rathaus_app::handover::inbound(&state.app, &case, &update).await {
        Ok(Ok(done)) => Json(json!({
            "reference": done.reference,
            "status": done.status,
            "case_number": done.case_number,
        }))
        .into_response(),
        Ok(Err(Refused::Invalid(why))) => problem(StatusCode::UNPROCESSABLE_ENTITY, &why),
        Ok(Err(Refused::NotPossible(why))) => problem(StatusCode::CONFLICT, &why),
        Ok(Err(Refused::Changed)) => {
            problem(StatusCode::CONFLICT, "the application changed meanwhile")
        }
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// `POST /api/fit-connect/callback/{tenant}`: new events for our submissions. The callback
/// itself only says "look"; what happened is read from the verified event log.
pub async fn fit_connect_callback(
    State(state): State<Arc<AppState>>,
    Path(tid): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let site = state.site();
    let Some(t) = site.catalog.tenant(&tid) else {
        return problem(StatusCode::NOT_FOUND, "unknown tenant");
    };
    let header = |n: &str| headers.get(n).and_then(|v| v.to_str().ok()).unwrap_or("");
    let timestamp = header("callback-timestamp");
    let mac = header("callback-authentication");
    match rathaus_app::handover::fit_connect_callback(&state.app, t, timestamp, mac, &body).await {
        Ok(Ok(())) => StatusCode::NO_CONTENT.into_response(),
        Ok(Err(CallbackRefused::Unauthenticated)) => {
            problem(StatusCode::UNAUTHORIZED, "callback not authenticated")
        }
        Ok(Err(CallbackRefused::Invalid)) => {
            problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid callback body")
        }
        Ok(Err(CallbackRefused::Unverified)) => {
            problem(StatusCode::BAD_GATEWAY, "event log could not be verified")
        }
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// The body of a report of document states.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentStates {
    documents: Vec<rathaus_domain::id_document::DocumentReport>,
}

/// `POST /api/v1/{tenant}/ausweise/{office}`: the office's Fachverfahren reports document
/// states (bearer token of the office's `id_status.token_env`). All rows or none: a wrong
/// row answers 422 with every row's index, field and reason.
pub async fn id_status_report(
    State(state): State<Arc<AppState>>,
    Path((tid, office)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let site = state.site();
    let Some(t) = site.catalog.tenant(&tid) else {
        return problem(StatusCode::NOT_FOUND, "unknown tenant");
    };
    if !bearer(&headers).is_some_and(|b| rathaus_app::id_status::system_may_report(t, &office, b)) {
        return problem(StatusCode::UNAUTHORIZED, "missing or wrong bearer token");
    }
    let states: DocumentStates = match serde_json::from_slice(&body) {
        Ok(s) => s,
        Err(e) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("invalid body: {e}"),
            )
        }
    };
    let reports = match rathaus_app::id_status::read_rows(&states.documents) {
        Ok(r) => r,
        Err(rows) => {
            let errors: Vec<_> = rows
                .iter()
                .map(|e| json!({"index": e.at, "field": e.field, "reason": e.reason}))
                .collect();
            return (
                StatusCode::UNPROCESSABLE_ENTITY,
                [(axum::http::header::CONTENT_TYPE, "application/problem+json")],
                json!({"title": "invalid documents; nothing was filed", "status": 422, "errors": errors}).to_string(),
            )
                .into_response();
        }
    };
    match rathaus_app::id_status::report(
        &state.app,
        t,
        &office,
        rathaus_app::id_status::Reporter::System,
        &reports,
    )
    .await
    {
        Ok(done) => {
            Json(json!({"added": done.added, "updated": done.updated, "notified": done.notified}))
                .into_response()
        }
        Err(AppError::NotFound) => problem(StatusCode::NOT_FOUND, "no such office"),
        Err(e) => problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}
