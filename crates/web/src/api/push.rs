//! Web Push without lock-in: an app registers the endpoint its browser or UnifiedPush
//! distributor gave it (RFC 8030) with the subscription's keys; the portal then sends
//! "new message" / "status changed" (no content) through the durable outbox, encrypted
//! (RFC 8291) and signed with the portal's VAPID key (RFC 8292). The rules are
//! `rathaus_app::push`.

use super::auth::caller;
use crate::kit::paths;
use crate::kit::problem::{FieldProblem, Problem};
use crate::kit::St;
use axum::extract::rejection::JsonRejection;
use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rathaus_app::push::Refused;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

type Answer = Result<Response, Problem>;

fn no_store<T: Serialize>(status: StatusCode, value: &T) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(value)).into_response()
}

/// The portal's VAPID public key.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VapidKey {
    /// Pass it to `pushManager.subscribe({applicationServerKey})` (or to the UnifiedPush
    /// distributor): the uncompressed P-256 point, base64url.
    pub application_server_key: String,
}

/// The key the portal signs its push messages with (RFC 8292).
#[utoipa::path(
    get,
    path = "/api/v1/push/vapid-key",
    tag = "push",
    operation_id = "vapidKey",
    responses((status = 200, description = "The key", body = VapidKey))
)]
pub async fn vapid_key(state: St) -> Response {
    let key = VapidKey {
        application_server_key: state.app.keys.vapid_public(),
    };
    (
        [(header::CACHE_CONTROL, "public, max-age=86400")],
        Json(key),
    )
        .into_response()
}

/// The subscription's keys (as `PushSubscription.toJSON()` gives them).
#[derive(Debug, Deserialize, ToSchema)]
pub struct SubscriptionKeys {
    /// The P-256 public key, base64url.
    pub p256dh: String,
    /// The 16-byte authentication secret, base64url.
    pub auth: String,
}

/// A push subscription (the shape of `PushSubscription.toJSON()`).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NewSubscription {
    /// The push service's endpoint: `https` on a public host.
    pub endpoint: String,
    pub keys: SubscriptionKeys,
    /// Taken and ignored (the push service says when a subscription is gone).
    #[allow(dead_code)]
    pub expiration_time: Option<i64>,
}

/// A stored subscription.
#[derive(Debug, Serialize, ToSchema)]
pub struct Subscription {
    pub id: String,
    pub endpoint: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub href: String,
}

/// The app's subscriptions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubscriptionList {
    pub items: Vec<Subscription>,
}

fn subscription(tid: &str, s: &rathaus_store::PushSubscription) -> Subscription {
    Subscription {
        id: s.id.clone(),
        endpoint: s.endpoint.clone(),
        created_at: s.created_at,
        href: paths::api_push_subscription(tid, &s.id),
    }
}

/// Registers where the app hears of news: a message in the Postkorb, a new status of one of
/// its applications. Sent without content; the same endpoint again renews its keys.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/push-subscriptions",
    tag = "push",
    operation_id = "subscribePush",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id")),
    request_body(content = NewSubscription, content_type = "application/json"),
    responses(
        (status = 201, description = "Stored", body = Subscription),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The app holds the most subscriptions it may", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The endpoint or the keys do not hold (`errors`)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn subscribe(
    state: St,
    headers: HeaderMap,
    Path(tid): Path<String>,
    body: Result<Json<NewSubscription>, JsonRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Json(b) = body.map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-body",
            "Invalid request body",
        )
        .detail(e.body_text())
    })?;
    let refused = |field: &str, message: &str| {
        Problem::invalid_answers(vec![FieldProblem {
            field: field.to_owned(),
            message: message.to_owned(),
        }])
    };
    let id = match rathaus_app::push::subscribe(
        &state.app,
        &c,
        &b.endpoint,
        &b.keys.p256dh,
        &b.keys.auth,
    )
    .await?
    {
        Ok(id) => id,
        Err(Refused::Endpoint(e)) => return Err(refused("endpoint", e.as_str())),
        Err(Refused::Keys) => {
            return Err(refused(
                "keys",
                "p256dh must be a P-256 public key and auth 16 bytes, both base64url",
            ))
        }
        Err(Refused::TooMany) => {
            return Err(Problem::conflict(format!(
                "an app may hold {} subscriptions; remove one first",
                rathaus_store::MAX_PUSH_PER_GRANT
            )))
        }
        Err(Refused::NotAnApp) => return Err(Problem::unauthorized(None)),
    };
    let list = rathaus_app::push::subscriptions(&state.app, &c).await?;
    let s = list
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(Problem::internal)?;
    let body = subscription(&tid, s);
    let mut res = no_store(StatusCode::CREATED, &body);
    if let Ok(v) = HeaderValue::from_str(&body.href) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(res)
}

/// The app's subscriptions.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/push-subscriptions",
    tag = "push",
    operation_id = "listPushSubscriptions",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id")),
    responses(
        (status = 200, description = "The subscriptions", body = SubscriptionList),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(state: St, headers: HeaderMap, Path(tid): Path<String>) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let items = rathaus_app::push::subscriptions(&state.app, &c)
        .await?
        .iter()
        .map(|s| subscription(&tid, s))
        .collect();
    Ok(no_store(StatusCode::OK, &SubscriptionList { items }))
}

/// Removes a subscription of the app (the app no longer wants news there).
#[utoipa::path(
    delete,
    path = "/api/v1/tenants/{tenant}/push-subscriptions/{id}",
    tag = "push",
    operation_id = "unsubscribePush",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The subscription's id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such subscription of this app", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn unsubscribe(
    state: St,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    if rathaus_app::push::unsubscribe(&state.app, &c, &id).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(Problem::not_found().detail("no such subscription of this app"))
    }
}
