//! Signed webhooks after the Standard Webhooks scheme (standardwebhooks.com): the headers
//! `webhook-id` (our idempotency key, the same on every retry), `webhook-timestamp` (unix
//! seconds) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 over
//! `id.timestamp.body`, keyed with the base64 part of the `whsec_…` secret).

use super::{status_failure, transport_failure, Failure, Prepared, Source};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use rathaus_domain::delivery::WebhookTarget;

/// The `webhook-signature` value for one message.
pub fn sign(secret: &str, id: &str, timestamp: i64, body: &[u8]) -> Result<String, Failure> {
    let key = B64
        .decode(secret.strip_prefix("whsec_").unwrap_or(secret))
        .map_err(|_| Failure::Permanent("the webhook secret is not whsec_ + base64".into()))?;
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(&key)
        .map_err(|_| Failure::Permanent("unusable webhook secret".into()))?;
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    Ok(format!("v1,{}", B64.encode(mac.finalize().into_bytes())))
}

/// Posts the application with its files inline (base64).
pub async fn send(
    http: &reqwest::Client,
    source: &dyn Source,
    t: &WebhookTarget,
    p: &Prepared,
) -> Result<String, Failure> {
    let secret = super::secret(&t.secret_env)?;
    let mut app = p.app.clone();
    for (f, key) in app.files.iter_mut().zip(&p.stored) {
        f.content_base64 = Some(B64.encode(source.read_file(key).await?));
    }
    let body = serde_json::to_vec(&app).map_err(|e| Failure::Permanent(e.to_string()))?;
    let ts = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(0))
        .unwrap_or(0);
    let id = &app.idempotency_key;
    let res = http
        .post(&t.url)
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header("webhook-signature", sign(&secret, id, ts, &body)?)
        .body(body)
        .send()
        .await
        .map_err(|e| transport_failure("webhook", &e))?;
    let status = res.status();
    let text = res.text().await.unwrap_or_default();
    if status.is_success() {
        Ok(format!("HTTP {}", status.as_u16()))
    } else {
        Err(status_failure("webhook", status, &text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_reference_vector() {
        // The example of the Standard Webhooks specification.
        let sig = sign(
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "msg_p5jXN8AQM9LWM0D4loKWxJek",
            1614265330,
            br#"{"test": 2432232314}"#,
        );
        assert_eq!(
            sig,
            Ok("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=".to_owned())
        );
    }
}
