//! Web Push to city apps: one outbox row per subscription and piece of news. The message
//! is encrypted for the subscription (RFC 8291, `aes128gcm`) and signed with the portal's
//! VAPID key (RFC 8292) by `web-push-native`; the same request serves browsers and
//! UnifiedPush distributors on Android. A subscription the push service calls gone (404,
//! 410) is removed; 429 and 5xx are tried again by the outbox.
//!
//! The endpoint is chosen by the app, so the portal only posts to `https` on public hosts:
//! checked when the app registers it, again before sending, and for host names at the
//! moment of connecting (a resolver that drops private addresses).

use crate::deliver::{status_failure, transport_failure, Failure};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rathaus_domain::push::{check_endpoint, public_ip};
use rathaus_store::Db;
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use web_push_native::jwt_simple::algorithms::ES256KeyPair;
use web_push_native::p256::PublicKey;
use web_push_native::{Auth, WebPushBuilder};

/// How long a push service keeps a message for an app that is offline.
pub const TTL: Duration = Duration::from_secs(24 * 3600);

/// The portal's side of Web Push.
#[derive(Clone)]
pub struct PushConfig {
    /// The VAPID private key (32 bytes, P-256).
    pub vapid_secret: Vec<u8>,
    /// Who runs the portal (the VAPID `sub`: its public URL).
    pub contact: String,
    /// Endpoints may be `http` and local (development and tests only).
    pub allow_local: bool,
}

impl std::fmt::Debug for PushConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PushConfig")
            .field("contact", &self.contact)
            .field("allow_local", &self.allow_local)
            .finish_non_exhaustive()
    }
}

/// An outbox row's payload: the subscription and the news (which names no content).
#[derive(Debug, Deserialize)]
struct Payload {
    subscription: String,
    message: serde_json::Value,
}

/// Resolves host names to public addresses only.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| public_ip(a.ip()))
                .collect();
            if addrs.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Sends push messages.
pub struct Pusher {
    key: ES256KeyPair,
    contact: String,
    allow_local: bool,
    http: reqwest::Client,
}

impl Pusher {
    pub fn new(c: &PushConfig, timeout: Duration) -> Result<Pusher, String> {
        let key = ES256KeyPair::from_bytes(&c.vapid_secret)
            .map_err(|e| format!("the VAPID key does not load: {e}"))?;
        let mut http = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Rathaus/", env!("CARGO_PKG_VERSION")));
        if !c.allow_local {
            http = http.dns_resolver(Arc::new(PublicOnly));
        }
        Ok(Pusher {
            key,
            contact: c.contact.clone(),
            allow_local: c.allow_local,
            http: http.build().map_err(|e| e.to_string())?,
        })
    }

    /// Sends one row's message; the answer is the outbox receipt.
    pub async fn send(&self, db: &Db, payload: &str) -> Result<String, Failure> {
        let p: Payload =
            serde_json::from_str(payload).map_err(|e| Failure::Permanent(e.to_string()))?;
        let store = |e: rathaus_store::StoreError| Failure::Transient(e.to_string());
        let Some(sub) = db
            .live_push_subscription(&p.subscription)
            .await
            .map_err(store)?
        else {
            return Ok("the subscription has ended; nothing sent".into());
        };
        if let Err(e) = check_endpoint(&sub.endpoint, self.allow_local) {
            db.delete_push_subscription(&sub.id, None)
                .await
                .map_err(store)?;
            return Ok(format!("{}; subscription removed", e.as_str()));
        }
        let request = self.request(&sub, &p.message)?;
        let (parts, body) = request.into_parts();
        let mut headers = parts.headers;
        headers.remove(http::header::CONTENT_LENGTH);
        let res = self
            .http
            .post(&sub.endpoint)
            .headers(headers)
            .header("Urgency", "normal")
            .body(body)
            .send()
            .await
            .map_err(|e| transport_failure("push service", &e))?;
        let status = res.status();
        if status.is_success() {
            return Ok(format!("push service: {status}"));
        }
        if status == reqwest::StatusCode::NOT_FOUND || status == reqwest::StatusCode::GONE {
            // The app uninstalled or the subscription expired: never again.
            db.delete_push_subscription(&sub.id, None)
                .await
                .map_err(store)?;
            tracing::info!(subscription = %sub.id, %status, "push subscription gone; removed");
            return Ok(format!("push service: {status}; subscription removed"));
        }
        let text = res.text().await.unwrap_or_default();
        Err(status_failure("push service", status, &text))
    }

    fn request(
        &self,
        sub: &rathaus_store::PushSubscription,
        message: &serde_json::Value,
    ) -> Result<http::Request<Vec<u8>>, Failure> {
        let bad = |what: &str| Failure::Permanent(format!("the subscription's {what} is invalid"));
        let uri: http::Uri = sub.endpoint.parse().map_err(|_| bad("endpoint"))?;
        let key = URL_SAFE_NO_PAD
            .decode(sub.p256dh.trim_end_matches('='))
            .ok()
            .and_then(|k| PublicKey::from_sec1_bytes(&k).ok())
            .ok_or_else(|| bad("key"))?;
        let auth = URL_SAFE_NO_PAD
            .decode(sub.auth.trim_end_matches('='))
            .ok()
            .filter(|a| a.len() == 16)
            .ok_or_else(|| bad("auth secret"))?;
        WebPushBuilder::new(uri, key, Auth::clone_from_slice(&auth))
            .with_valid_duration(TTL)
            .with_vapid(&self.key, &self.contact)
            .build(message.to_string().into_bytes())
            .map_err(|e| Failure::Permanent(format!("the push message: {e}")))
    }
}
