//! Web Push for city apps (RFC 8030, 8291, 8292): an app logged in (or a guest's app)
//! registers where it wants to hear of news — a browser's or a UnifiedPush distributor's
//! endpoint with the subscription's keys. Every change of an application that reaches the
//! citizen (a message in the Postkorb, a new status) is then queued, in the change's own
//! transaction, as one outbox row per live subscription (`cases::change`); the worker
//! sends it encrypted and signed, retries, and removes endpoints the push service calls
//! gone. The message names no content: what kind of news, which portal, which
//! application — the app fetches the rest with its token.

use crate::access::Citizen;
use crate::{App, AppResult};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rathaus_domain::push::{check_endpoint, EndpointError};
use rathaus_store::{PushSubscription, Subscribed};
use serde_json::json;

/// Why a subscription is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    Endpoint(EndpointError),
    /// `p256dh` is no P-256 public key, or `auth` is not 16 bytes (base64url).
    Keys,
    /// The app's grant holds the most subscriptions it may.
    TooMany,
    /// Only an app's token can subscribe (not a browser session).
    NotAnApp,
}

/// The grant behind the citizen of an access token, if it is an app's.
async fn grant_of(app: &App, c: &Citizen) -> AppResult<Option<rathaus_store::AppGrant>> {
    let Some(live) = &c.live else {
        return Ok(None);
    };
    Ok(app
        .db
        .app_grant(&live.hash)
        .await?
        .filter(|g| g.revoked_at.is_none()))
}

fn key_ok(p256dh: &str, auth: &str) -> bool {
    let key = URL_SAFE_NO_PAD
        .decode(p256dh.trim_end_matches('='))
        .ok()
        .filter(|k| web_push_native::p256::PublicKey::from_sec1_bytes(k).is_ok());
    let auth = URL_SAFE_NO_PAD
        .decode(auth.trim_end_matches('='))
        .ok()
        .filter(|a| a.len() == 16);
    key.is_some() && auth.is_some()
}

/// Registers (or renews) a subscription of the citizen's app.
pub async fn subscribe(
    app: &App,
    c: &Citizen,
    endpoint: &str,
    p256dh: &str,
    auth: &str,
) -> AppResult<Result<String, Refused>> {
    let Some(grant) = grant_of(app, c).await? else {
        return Ok(Err(Refused::NotAnApp));
    };
    if let Err(e) = check_endpoint(endpoint, app.config.push_allow_local) {
        return Ok(Err(Refused::Endpoint(e)));
    }
    if !key_ok(p256dh, auth) {
        return Ok(Err(Refused::Keys));
    }
    let s = PushSubscription {
        id: uuid::Uuid::new_v4().simple().to_string(),
        grant_id: grant.id.clone(),
        tenant_id: grant.tenant_id.clone(),
        endpoint: endpoint.to_owned(),
        p256dh: p256dh.to_owned(),
        auth: auth.to_owned(),
        created_at: crate::clock::now_millis(),
    };
    Ok(match app.db.add_push_subscription(&s).await? {
        Subscribed::Stored(id) => {
            tracing::info!(tenant = %grant.tenant_id, "push subscription stored");
            Ok(id)
        }
        Subscribed::TooMany => Err(Refused::TooMany),
    })
}

/// The subscriptions of the citizen's app.
pub async fn subscriptions(app: &App, c: &Citizen) -> AppResult<Vec<PushSubscription>> {
    match grant_of(app, c).await? {
        Some(g) => Ok(app.db.push_subscriptions_of(&g.id).await?),
        None => Ok(Vec::new()),
    }
}

/// Removes one of the app's subscriptions; whether there was one.
pub async fn unsubscribe(app: &App, c: &Citizen, id: &str) -> AppResult<bool> {
    match grant_of(app, c).await? {
        Some(g) => Ok(app.db.delete_push_subscription(id, Some(&g.id)).await?),
        None => Ok(false),
    }
}

/// The news of a change to the apps that follow the application (no content).
pub fn news(kind: &str, portal: &str, draft_id: &str) -> serde_json::Value {
    json!({ "type": kind, "tenant": portal, "application": draft_id })
}
