//! FIT-Connect submission (Submission API v1, FITKO) as a sender.
//!
//! Steps: token (OAuth 2.0 client credentials) → the destination and its encryption key →
//! `POST /v1/submissions` announcing every attachment with the LeiKa service identifier →
//! `PUT …/attachments/{id}` with each file as compact JWE → `PUT /v1/submissions/{id}` with
//! metadata and data as JWE. The metadata (schema `schema/fit-connect/metadata.schema.json`)
//! lists the data and every attachment with SHA-512 hashes and the data's schema URI.
//!
//! Every finished step is recorded in the outbox row's `progress`, so a retry after a
//! failure or crash continues the same submission instead of starting a second one; if the
//! last step may already have gone through, the case's event log decides.

use super::jose::{self, Jwk};
use super::{status_failure, transport_failure, Failure, Prepared, Source};
use rathaus_domain::delivery::{FitConnectTarget, APPLICATION_FORMAT};
use rathaus_store::Db;
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::collections::BTreeMap;

/// What has been done for one delivery (JSON in `outbox.progress`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub submission_id: Option<String>,
    pub case_id: Option<String>,
    /// Authentication tags of uploaded attachments, by attachment id.
    #[serde(default)]
    pub attachments: BTreeMap<String, String>,
    /// Set just before the final PUT; on a retry the event log tells whether it arrived.
    #[serde(default)]
    pub submit_started: bool,
}

pub const EVENT_SUBMIT: &str = "https://schema.fitko.de/fit-connect/events/submit-submission";
pub const EVENT_ACCEPT: &str = "https://schema.fitko.de/fit-connect/events/accept-submission";
pub const EVENT_REJECT: &str = "https://schema.fitko.de/fit-connect/events/reject-submission";
pub const METADATA_SCHEMA: &str =
    "https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json";

#[derive(Debug, Deserialize)]
struct Token {
    access_token: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Destination {
    #[serde(default)]
    status: Option<String>,
    encryption_kid: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    submission_id: String,
    case_id: String,
}

/// A logged-in connection to the Submission API.
pub struct Api<'a> {
    pub http: &'a reqwest::Client,
    pub base: String,
    pub token: String,
}

impl<'a> Api<'a> {
    pub async fn login(
        http: &'a reqwest::Client,
        t: &FitConnectTarget,
    ) -> Result<Api<'a>, Failure> {
        let secret = super::secret(&t.client_secret_env)?;
        let res = http
            .post(&t.token_url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", t.client_id.as_str()),
                ("client_secret", secret.as_str()),
            ])
            .send()
            .await
            .map_err(|e| transport_failure("FIT-Connect token", &e))?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(status_failure("FIT-Connect token", status, &text));
        }
        let token: Token = serde_json::from_str(&text)
            .map_err(|e| Failure::Transient(format!("FIT-Connect token answer: {e}")))?;
        Ok(Api {
            http,
            base: t.submission_api.trim_end_matches('/').to_owned(),
            token: token.access_token,
        })
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| transport_failure(&format!("GET {path}"), &e))?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if !status.is_success() {
            return Err(status_failure(&format!("GET {path}"), status, &text));
        }
        serde_json::from_str(&text)
            .map_err(|e| Failure::Transient(format!("GET {path}: unexpected answer: {e}")))
    }

    async fn send(
        &self,
        req: reqwest::RequestBuilder,
        what: &str,
    ) -> Result<(reqwest::StatusCode, String), Failure> {
        let res = req
            .bearer_auth(&self.token)
            .send()
            .await
            .map_err(|e| transport_failure(what, &e))?;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        if status.is_success() {
            Ok((status, text))
        } else {
            Err(status_failure(what, status, &text))
        }
    }

    /// A public key of a destination (encryption or signature key).
    pub async fn key(&self, destination: &str, kid: &str) -> Result<Jwk, Failure> {
        self.get(&format!("/v1/destinations/{destination}/keys/{kid}"))
            .await
    }

    /// The Security Event Tokens of a case.
    pub async fn events(&self, case_id: &str) -> Result<Vec<String>, Failure> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Log {
            event_log: Vec<String>,
        }
        let log: Log = self.get(&format!("/v1/cases/{case_id}/events")).await?;
        Ok(log.event_log)
    }
}

/// The event names and subjects of a case's event log, unverified (used only to learn
/// whether our own earlier submit arrived; acceptance is verified separately).
fn logged(events: &[String]) -> Vec<(String, String)> {
    events
        .iter()
        .filter_map(|t| {
            let claims = unverified_claims(t);
            let sub = claims["sub"].as_str()?.to_owned();
            let ev = claims["events"].as_object()?.keys().next()?.clone();
            Some((ev, sub))
        })
        .collect()
}

/// The claims of a compact JWS without checking its signature (null if unreadable).
fn unverified_claims(token: &str) -> serde_json::Value {
    use base64::Engine;
    token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn sha512_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha512::digest(bytes))
}

/// Sends one application; returns the receipt (submission and case id).
pub async fn send(
    http: &reqwest::Client,
    db: &Db,
    source: &dyn Source,
    tenant: &str,
    outbox_id: &str,
    t: &FitConnectTarget,
    p: &Prepared,
) -> Result<String, Failure> {
    let store = |e: rathaus_store::StoreError| Failure::Transient(format!("database: {e}"));
    let mut progress: Progress = db
        .outbox_progress(outbox_id)
        .await
        .map_err(store)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let save = |progress: &Progress| serde_json::to_string(progress).unwrap_or_default();
    let app = &p.app;
    let Some(leika) = &app.service.leika else {
        return Err(Failure::Permanent(format!(
            "service {} has no LeiKa id, which FIT-Connect needs",
            app.service.id
        )));
    };
    let api = Api::login(http, t).await?;
    let dest = &t.destination_id;
    let receipt = |p: &Progress| {
        format!(
            "FIT-Connect submission {} (case {})",
            p.submission_id.as_deref().unwrap_or("?"),
            p.case_id.as_deref().unwrap_or("?")
        )
    };

    // An earlier attempt may have submitted already: the event log knows.
    if let (true, Some(sid), Some(cid)) = (
        progress.submit_started,
        &progress.submission_id,
        &progress.case_id,
    ) {
        let events = api.events(cid).await?;
        let subject = format!("submission:{sid}");
        if logged(&events).iter().any(|(_, s)| s == &subject) {
            return Ok(receipt(&progress));
        }
    }

    let destination: Destination = api.get(&format!("/v1/destinations/{dest}")).await?;
    if destination.status.as_deref().is_some_and(|s| s != "active") {
        return Err(Failure::Transient(format!(
            "destination {dest} is {}",
            destination.status.unwrap_or_default()
        )));
    }
    let key = api.key(dest, &destination.encryption_kid).await?;

    if progress.submission_id.is_none() {
        let mut body = serde_json::json!({
            "destinationId": dest,
            "announcedAttachments": app.files.iter().map(|f| f.id.clone()).collect::<Vec<_>>(),
            "serviceType": {
                "name": app.service.name,
                "identifier": format!("urn:de:fim:leika:leistung:{leika}"),
            },
        });
        if let Some(var) = &t.callback_secret_env {
            body["callback"] = serde_json::json!({
                "url": format!(
                    "{}/api/fit-connect/callback/{tenant}",
                    source.public_url().trim_end_matches('/')
                ),
                "secret": super::secret(var)?,
            });
        }
        let (_, text) = api
            .send(
                api.http
                    .post(format!("{}/v1/submissions", api.base))
                    .json(&body),
                "create submission",
            )
            .await?;
        let created: Created = serde_json::from_str(&text).map_err(|e| {
            Failure::Transient(format!("create submission: unexpected answer: {e}"))
        })?;
        progress.submission_id = Some(created.submission_id);
        progress.case_id = Some(created.case_id);
        db.set_outbox_progress(outbox_id, &save(&progress))
            .await
            .map_err(store)?;
    }
    let sid = progress.submission_id.clone().unwrap_or_default();

    let mut attachments = Vec::new();
    for (f, stored) in app.files.iter().zip(&p.stored) {
        let bytes = source.read_file(stored).await?;
        attachments.push(serde_json::json!({
            "attachmentId": f.id,
            "purpose": "attachment",
            "filename": f.name,
            "mimeType": f.media_type,
            "hash": { "type": "sha512", "content": sha512_hex(&bytes) },
        }));
        if progress.attachments.contains_key(&f.id) {
            continue;
        }
        let jwe = jose::encrypt(&key, &f.media_type, &bytes)
            .map_err(|e| Failure::Permanent(format!("encrypting {}: {e}", f.id)))?;
        let put = api
            .send(
                api.http
                    .put(format!(
                        "{}/v1/submissions/{sid}/attachments/{}",
                        api.base, f.id
                    ))
                    .header("content-type", "application/jose")
                    .body(jwe.compact),
                "upload attachment",
            )
            .await;
        if let Err(Failure::Permanent(m)) = &put {
            if m.contains("HTTP 404") {
                // The submission expired meanwhile: start a new one next time.
                db.set_outbox_progress(outbox_id, "{}")
                    .await
                    .map_err(store)?;
                return Err(Failure::Transient(format!(
                    "{m} (starting a new submission)"
                )));
            }
        }
        put?;
        progress.attachments.insert(f.id.clone(), jwe.tag);
        db.set_outbox_progress(outbox_id, &save(&progress))
            .await
            .map_err(store)?;
    }

    let data = serde_json::to_vec(app).map_err(|e| Failure::Permanent(e.to_string()))?;
    let metadata = serde_json::json!({
        "$schema": METADATA_SCHEMA,
        "publicServiceType": {
            "identifier": format!("urn:de:fim:leika:leistung:{leika}"),
            "name": app.service.name,
        },
        "contentStructure": {
            "data": {
                "hash": { "type": "sha512", "content": sha512_hex(&data) },
                "submissionSchema": { "schemaUri": APPLICATION_FORMAT, "mimeType": "application/json" },
            },
            "attachments": attachments,
        },
        "additionalReferenceInfo": {
            "senderReference": app.reference,
            "applicationDate": app.submitted_at.get(..10).unwrap_or_default(),
        },
    });
    let mut metadata = metadata;
    if let Some(p) = &app.payment {
        metadata["paymentInformation"] = payment_information(p);
    }
    let metadata = serde_json::to_vec(&metadata).map_err(|e| Failure::Permanent(e.to_string()))?;
    let enc = |bytes: &[u8]| {
        jose::encrypt(&key, "application/json", bytes)
            .map_err(|e| Failure::Permanent(format!("encrypting: {e}")))
    };
    let body = serde_json::json!({
        "encryptedMetadata": enc(&metadata)?.compact,
        "encryptedData": enc(&data)?.compact,
    });
    progress.submit_started = true;
    db.set_outbox_progress(outbox_id, &save(&progress))
        .await
        .map_err(store)?;
    api.send(
        api.http
            .put(format!("{}/v1/submissions/{sid}", api.base))
            .json(&body),
        "submit",
    )
    .await?;
    Ok(receipt(&progress))
}

/// An event of a case's log that concerns one of our submissions, verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedEvent {
    pub event: String,
    pub submission_id: String,
    /// Problems named by a rejection.
    pub detail: Option<String>,
}

/// Reads a case's event log and verifies every receiver event (accept/reject) with the
/// destination's signature key named in its header; events of the delivery service itself
/// (create, submit …) are skipped, as they carry no decision of the receiver.
pub async fn receiver_events(
    http: &reqwest::Client,
    t: &FitConnectTarget,
    case_id: &str,
) -> Result<Vec<VerifiedEvent>, Failure> {
    let api = Api::login(http, t).await?;
    let mut out = Vec::new();
    for token in api.events(case_id).await? {
        let header =
            jose::jws_header(&token).map_err(|e| Failure::Permanent(format!("event log: {e}")))?;
        if header["typ"] != "secevent+jwt" {
            return Err(Failure::Permanent(
                "event log: typ is not secevent+jwt".into(),
            ));
        }
        let claims_unverified = unverified_claims(&token);
        let event = claims_unverified["events"]
            .as_object()
            .and_then(|m| m.keys().next().cloned())
            .unwrap_or_default();
        if event != EVENT_ACCEPT && event != EVENT_REJECT {
            continue;
        }
        // Receiver events are issued by the destination and signed with its key.
        if claims_unverified["iss"] != t.destination_id.as_str() {
            return Err(Failure::Permanent(format!(
                "event log: {event} issued by {} instead of the destination",
                claims_unverified["iss"]
            )));
        }
        let kid = header["kid"]
            .as_str()
            .ok_or_else(|| Failure::Permanent("event log: token without kid".into()))?;
        let key = api.key(&t.destination_id, kid).await?;
        if key.alg.as_deref().is_some_and(|a| a != "PS512")
            || (!key.key_ops.is_empty() && !key.key_ops.iter().any(|o| o == "verify"))
        {
            return Err(Failure::Permanent(format!(
                "event log: key {kid} is not a PS512 verification key"
            )));
        }
        let claims = jose::verify_ps512(&token, &key)
            .map_err(|e| Failure::Permanent(format!("event log: {event}: {e}")))?;
        if claims["txn"] != format!("case:{case_id}").as_str() {
            return Err(Failure::Permanent(
                "event log: token of another case".into(),
            ));
        }
        let Some(sid) = claims["sub"]
            .as_str()
            .and_then(|s| s.strip_prefix("submission:"))
        else {
            continue;
        };
        let detail = claims["events"][&event]["problems"].as_array().map(|ps| {
            ps.iter()
                .filter_map(|p| p["title"].as_str().or(p["detail"].as_str()))
                .collect::<Vec<_>>()
                .join("; ")
        });
        out.push(VerifiedEvent {
            event,
            submission_id: sid.to_owned(),
            detail,
        });
    }
    Ok(out)
}

/// The metadata's `paymentInformation` (schema 1.0.0) for the application's payment.
fn payment_information(p: &rathaus_domain::delivery::PaymentRef) -> serde_json::Value {
    let status = match p.status.as_str() {
        "paid" | "refunded" => "BOOKED",
        "failed" => "FAILED",
        "cancelled" => "CANCELED",
        _ => "INITIAL",
    };
    let method = match p.method.as_deref() {
        Some("transfer") => "INVOICE",
        _ => "OTHER",
    };
    let id: String = p
        .transaction_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .take(36)
        .collect();
    let mut info = serde_json::json!({
        "transactionId": id,
        "transactionReference": p.kassenzeichen.clone().unwrap_or_else(|| p.creditor_reference.clone()),
        "paymentMethod": method,
        "status": status,
        "grossAmount": rathaus_domain::payment::cents_to_decimal(p.amount_cents),
    });
    if let Some(at) = &p.paid_at {
        info["transactionTimestamp"] = serde_json::Value::String(at.clone());
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payment_information_follows_metadata_1_0() {
        let p = rathaus_domain::delivery::PaymentRef {
            status: "paid".into(),
            amount_cents: 1050,
            method: Some("online".into()),
            creditor_reference: "RF12SG2026000001".into(),
            kassenzeichen: Some("KZ-1".into()),
            booking_code: "1.2".into(),
            transaction_id: "0f6e2c6a-6d0b-4a55-9b8e-1f2d3c4b5a69".into(),
            paid_at: Some("2026-11-23T10:00:00Z".into()),
        };
        let info = payment_information(&p);
        assert_eq!(info["status"], "BOOKED");
        assert_eq!(info["transactionReference"], "KZ-1");
        assert_eq!(info["paymentMethod"], "OTHER");
        assert_eq!(info["grossAmount"].as_f64(), Some(10.5));
        assert_eq!(info["transactionTimestamp"], "2026-11-23T10:00:00Z");
        let transfer = rathaus_domain::delivery::PaymentRef {
            method: Some("transfer".into()),
            kassenzeichen: None,
            status: "open".into(),
            paid_at: None,
            ..p
        };
        let info = payment_information(&transfer);
        assert_eq!(
            (info["status"].as_str(), info["paymentMethod"].as_str()),
            (Some("INITIAL"), Some("INVOICE"))
        );
        assert_eq!(info["transactionReference"], "RF12SG2026000001");
    }
}
