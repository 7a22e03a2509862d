//! Hand-over to Fachverfahren and e-file, the portal's side:
//! - which deliveries a submission or a case change queues (in its own transaction);
//! - [`PortalSource`], through which the outbox worker reads targets, applications,
//!   files and the application PDF;
//! - the inbound API with which a receiver answers back (its case number, status changes,
//!   a request to the citizen);
//! - the FIT-Connect callback, verified with HMAC-SHA512 and followed by a verified read of
//!   the case's event log.

use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};
use rathaus_app::cases::{Actor, CaseError, Change, MAX_SUBJECT_CHARS, MAX_TEXT_CHARS};
use rathaus_domain::case::Action;
use rathaus_domain::delivery::{
    Application, DecisionRef, DeliveryDef, DeliveryEvent, FileRef, Named, ServiceRef,
    APPLICATION_FORMAT,
};
use rathaus_domain::{ApplicationStatus, Lang, MessageKind, TenantDef};
use rathaus_jobs::deliver::{fitconnect, rfc3339, Failure, Prepared, Source};
use rathaus_store::{Case, Message};
use serde::Deserialize;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;

pub(crate) use rathaus_app::cases::queued;

/// A file's id as a UUID with hyphens (FIT-Connect attachment ids are UUIDs).
fn file_uuid(id: &str) -> String {
    uuid::Uuid::parse_str(id)
        .map(|u| u.hyphenated().to_string())
        .unwrap_or_else(|_| rathaus_jobs::deliver::xdomea::stable_uuid(id))
}

pub(crate) fn media_type(kind: &str) -> &'static str {
    match kind {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// The outbox worker's view of the portal.
pub struct PortalSource {
    pub state: Arc<AppState>,
    pub data_dir: PathBuf,
}

impl PortalSource {
    async fn case(&self, tenant: &str, reference: &str) -> Result<Case, Failure> {
        match self.state.db.case(tenant, reference).await {
            Ok(Some(c)) => Ok(c),
            Ok(None) => Err(Failure::Permanent(format!(
                "application {reference} of {tenant} not found"
            ))),
            Err(e) => Err(Failure::Transient(format!("database: {e}"))),
        }
    }

    async fn build(
        &self,
        tenant: &str,
        reference: &str,
        event: DeliveryEvent,
        key: &str,
    ) -> Result<Prepared, Failure> {
        let c = self.case(tenant, reference).await?;
        let site = self.state.site();
        let provider = site.catalog.tenant(tenant);
        let offered = site.catalog.service(&c.portal_tenant_id, &c.service_id);
        let office_id = c.office_id.clone().unwrap_or_default();
        let office_name = provider
            .and_then(|t| t.offices.iter().find(|o| o.id.as_str() == office_id))
            .map(|o| o.name.de.clone())
            .unwrap_or_else(|| office_id.clone());
        let files = self
            .state
            .db
            .case_files(&c.draft_id)
            .await
            .map_err(|e| Failure::Transient(format!("database: {e}")))?;
        let payment = self
            .state
            .db
            .payment_of(&c.draft_id)
            .await
            .map_err(|e| Failure::Transient(format!("database: {e}")))?
            .map(|p| rathaus_domain::delivery::PaymentRef {
                status: p.status,
                amount_cents: p.amount_cents,
                method: p.method,
                creditor_reference: p.creditor_ref,
                kassenzeichen: p.kassenzeichen,
                booking_code: p.booking_code,
                transaction_id: p.transaction_id.unwrap_or(p.id),
                paid_at: p.paid_at.map(rfc3339),
            });
        let app = Application {
            format: APPLICATION_FORMAT.to_owned(),
            idempotency_key: key.to_owned(),
            event,
            sent_at: rfc3339(rathaus_app::clock::now_millis()),
            tenant: Named {
                id: tenant.to_owned(),
                name: provider
                    .map(|t| t.name.de.clone())
                    .unwrap_or_else(|| tenant.to_owned()),
            },
            office: Named {
                id: office_id,
                name: office_name,
            },
            service: ServiceRef {
                id: c.service_id.clone(),
                name: offered
                    .map(|o| o.service.title.de.clone())
                    .unwrap_or_else(|| c.service_id.clone()),
                version: c.version,
                leika: offered.and_then(|o| o.service.leika.clone()),
            },
            reference: c.reference.clone(),
            submitted_at: rfc3339(c.submitted_at),
            status: c.status.clone(),
            decision: c.decision.clone().map(|outcome| DecisionRef { outcome }),
            answers: serde_json::from_str(&c.answers).unwrap_or_else(|_| json!({})),
            computed: serde_json::from_str(&c.computed).unwrap_or_default(),
            files: files
                .iter()
                .map(|f| FileRef {
                    id: file_uuid(&f.id),
                    field: f.field.clone(),
                    name: f.name.clone(),
                    media_type: media_type(&f.kind).to_owned(),
                    size: f.size,
                    sha256: f.sha256.clone(),
                    content_base64: None,
                })
                .collect(),
            payment,
        };
        Ok(Prepared {
            app,
            stored: files
                .iter()
                .map(|f| format!("{}/{}", f.tenant_id, f.id))
                .collect(),
        })
    }

    async fn bytes(&self, key: &str) -> Result<Vec<u8>, Failure> {
        let (tenant, id) = key
            .split_once('/')
            .ok_or_else(|| Failure::Permanent(format!("bad file key {key}")))?;
        let mut stream = self
            .state
            .files
            .blobs
            .open(tenant, id)
            .await
            .map_err(|e| Failure::Transient(format!("file store: {e}")))?;
        let mut out = Vec::new();
        while let Some(chunk) = stream.next().await {
            out.extend_from_slice(
                &chunk.map_err(|e| Failure::Transient(format!("file store: {e}")))?,
            );
        }
        Ok(out)
    }

    async fn pdf(&self, tenant: &str, reference: &str) -> Result<Vec<u8>, Failure> {
        let c = self.case(tenant, reference).await?;
        let site = self.state.site();
        let sub = match self
            .state
            .db
            .submission_of_draft(&c.portal_tenant_id, &c.draft_id)
            .await
        {
            Ok(Some(s)) => s,
            Ok(None) => return Err(Failure::Permanent(format!("{reference}: no submission"))),
            Err(e) => return Err(Failure::Transient(format!("database: {e}"))),
        };
        let l = crate::apply::form_at(
            &self.state,
            &site,
            &c.portal_tenant_id,
            &c.tenant_id,
            &c.service_id,
            c.version,
        )
        .await
        .map_err(|_| Failure::Transient(format!("{reference}: its form cannot be loaded")))?;
        let payment = self
            .state
            .db
            .payment_of(&c.draft_id)
            .await
            .map_err(|e| Failure::Transient(format!("database: {e}")))?;
        let data = crate::apply::ReceiptData {
            answers: serde_json::from_str(&sub.answers).unwrap_or_default(),
            computed: serde_json::from_str(&sub.computed).unwrap_or_default(),
            sub,
            payment,
        };
        let messages = site.themes.tenant(&c.portal_tenant_id).messages.clone();
        crate::apply::render_receipt(
            &self.state,
            &messages,
            Lang::De,
            &c.portal_tenant_id,
            &data,
            &l,
            None,
        )
        .await
        .map_err(|e| Failure::Transient(format!("{reference}: PDF: {e}")))
    }
}

impl Source for PortalSource {
    fn target(&self, tenant: &str, id: &str) -> Option<DeliveryDef> {
        self.state
            .site()
            .catalog
            .tenant(tenant)
            .and_then(|t| t.delivery(id))
            .cloned()
    }

    fn prepare<'a>(
        &'a self,
        tenant: &'a str,
        reference: &'a str,
        event: DeliveryEvent,
        key: &'a str,
    ) -> BoxFuture<'a, Result<Prepared, Failure>> {
        self.build(tenant, reference, event, key).boxed()
    }

    fn read_file<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Vec<u8>, Failure>> {
        self.bytes(key).boxed()
    }

    fn application_pdf<'a>(
        &'a self,
        tenant: &'a str,
        reference: &'a str,
    ) -> BoxFuture<'a, Result<Vec<u8>, Failure>> {
        self.pdf(tenant, reference).boxed()
    }

    fn data_dir(&self) -> PathBuf {
        self.data_dir.clone()
    }

    fn public_url(&self) -> String {
        self.state.config.public_url.clone()
    }
}

// ----- inbound API -------------------------------------------------------------------------

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

/// The target whose inbound token was presented.
fn target_of<'a>(t: &'a TenantDef, headers: &HeaderMap) -> Option<&'a DeliveryDef> {
    let given = bearer(headers)?;
    t.deliveries.iter().find(|d| {
        d.inbound_token_env
            .as_deref()
            .and_then(|v| std::env::var(v).ok())
            .filter(|s| s.len() >= 16)
            .is_some_and(|token| rathaus_app::secrets::token_matches(given, &token))
    })
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
    let Some(target) = target_of(t, &headers) else {
        return problem(StatusCode::UNAUTHORIZED, "missing or wrong bearer token");
    };
    let update: InboundUpdate = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("invalid body: {e}"),
            )
        }
    };
    let c = match state.db.case(&tid, &reference).await {
        Ok(Some(c)) => c,
        Ok(None) => return problem(StatusCode::NOT_FOUND, "no such application"),
        Err(e) => return problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    let handed = match state.db.deliveries_of(&tid, &c.reference).await {
        Ok(rows) => rows.iter().any(|r| r.target == target.id),
        Err(e) => return problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    };
    if !handed {
        return problem(StatusCode::NOT_FOUND, "no such application");
    }
    let case_number = match update.case_number.as_deref().map(str::trim) {
        Some(n) if n.is_empty() || n.chars().count() > 100 || n.chars().any(char::is_control) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "case_number must have 1 to 100 printable characters",
            )
        }
        other => other,
    };
    let action = match update.action.as_deref() {
        None => None,
        Some("start_review") => Some(Action::StartReview),
        Some("request_info") => Some(Action::RequestInfo),
        Some("decide") => Some(Action::Decide),
        Some("close") => Some(Action::Close),
        Some(other) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("unknown action '{other}' (start_review, request_info, decide, close)"),
            )
        }
    };
    let decision = match (action, update.decision.as_deref()) {
        (Some(Action::Decide), Some(d @ ("approved" | "rejected"))) => Some(d),
        (Some(Action::Decide), _) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "decide needs decision approved or rejected",
            )
        }
        (_, Some(_)) => {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "decision only with decide",
            )
        }
        _ => None,
    };
    if let Some(m) = &update.message {
        if m.subject.trim().is_empty()
            || m.subject.chars().count() > MAX_SUBJECT_CHARS
            || m.body.trim().is_empty()
            || m.body.chars().count() > MAX_TEXT_CHARS
        {
            return problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "message needs a subject (up to 200 characters) and a body (up to 10,000)",
            );
        }
    } else if action == Some(Action::RequestInfo) {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "request_info needs a message",
        );
    }
    if case_number.is_none() && action.is_none() && update.message.is_none() {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "nothing to do");
    }

    let from = ApplicationStatus::parse(&c.status).unwrap_or(ApplicationStatus::Received);
    let to = match action {
        Some(a) => match from.apply(a) {
            Ok(to) => Some(to),
            Err(_) => {
                return problem(
                    StatusCode::CONFLICT,
                    &format!("{} is not possible in status {}", a.as_str(), c.status),
                )
            }
        },
        None => None,
    };
    let message = update.message.as_ref().map(|m| Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: c.portal_tenant_id.clone(),
        draft_id: c.draft_id.clone(),
        direction: rathaus_store::TO_CITIZEN.into(),
        kind: match action {
            Some(Action::RequestInfo) => MessageKind::Request,
            Some(Action::Decide) => MessageKind::Notice,
            _ => MessageKind::Message,
        }
        .as_str()
        .into(),
        subject: m.subject.trim().to_owned(),
        body: m.body.trim().to_owned(),
        sender: crate::account::authority_name(
            &site,
            &c.portal_tenant_id,
            &c.service_id,
            &c.tenant_id,
        ),
        created_at: rathaus_app::clock::now_millis(),
        read_at: None,
    });
    let mut detail = Vec::new();
    if let Some(n) = case_number {
        detail.push(format!("case_number={n}"));
    }
    if let Some(m) = &message {
        detail.push(format!("message={}", m.id));
    }
    let audit_action = format!("inbound_{}", action.map(|a| a.as_str()).unwrap_or("update"));
    let mut change = Change::new(Actor::Fachverfahren(&target.id), &c, &audit_action);
    change.to = to;
    change.decision = decision;
    change.message = message.as_ref().map(|m| (m, &[][..]));
    change.external_ref = case_number;
    change.detail = detail.join(" ");
    let portal = site.case_portal(&state.config.public_url);
    match rathaus_app::cases::change(&state.db, &portal, &change).await {
        Ok(()) => {
            tracing::info!(tenant = %tid, reference = %c.reference, target = %target.id, "inbound update");
            Json(json!({
                "reference": c.reference,
                "status": to.map(|s| s.as_str()).unwrap_or(c.status.as_str()),
                "case_number": case_number.map(str::to_owned).or(c.external_ref.clone()),
            }))
            .into_response()
        }
        Err(CaseError::Changed | CaseError::NotAllowed { .. }) => {
            problem(StatusCode::CONFLICT, "the application changed meanwhile")
        }
        Err(CaseError::Store(e)) => problem(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

// ----- FIT-Connect callback ----------------------------------------------------------------

/// Verifies a FIT-Connect callback: hex HMAC-SHA512 over `timestamp.body` with the
/// callback secret, and a timestamp at most five minutes away.
pub fn callback_valid(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    mac_hex: &str,
    now_s: i64,
) -> bool {
    use hmac::Mac;
    let Ok(ts) = timestamp.parse::<i64>() else {
        return false;
    };
    // abs_diff cannot overflow: a timestamp far in the past or future is simply too far.
    if now_s.abs_diff(ts) > 300 {
        return false;
    }
    let Ok(given) = hex::decode(mac_hex) else {
        return false;
    };
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha512>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&given).is_ok()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackBody {
    #[serde(default)]
    case_id: Option<String>,
    #[serde(default)]
    submissions: Vec<CallbackSubmission>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackSubmission {
    case_id: String,
}

/// `POST /api/fit-connect/callback/{tenant}`: new events for our submissions. The callback
/// itself only says "look"; what happened is read from the event log, whose receiver events
/// are verified with the destination's signature key.
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
    let now_s = rathaus_app::clock::now_millis() / 1000;
    let target = t.deliveries.iter().find(|d| {
        d.fit_connect
            .as_ref()
            .and_then(|f| f.callback_secret_env.as_deref())
            .and_then(|v| std::env::var(v).ok())
            .filter(|s| !s.is_empty())
            .is_some_and(|secret| {
                callback_valid(
                    &secret,
                    header("callback-timestamp"),
                    &body,
                    header("callback-authentication"),
                    now_s,
                )
            })
    });
    let Some((target, fc)) = target.and_then(|d| d.fit_connect.as_ref().map(|f| (d, f))) else {
        return problem(StatusCode::UNAUTHORIZED, "callback not authenticated");
    };
    let Ok(cb) = serde_json::from_slice::<CallbackBody>(&body) else {
        return problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid callback body");
    };
    let mut cases: Vec<String> = cb.submissions.into_iter().map(|s| s.case_id).collect();
    cases.extend(cb.case_id);
    cases.sort();
    cases.dedup();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .unwrap_or_default();
    for case_id in cases {
        let Ok(Some(d)) = state.db.delivery_by_progress(&tid, &case_id).await else {
            continue;
        };
        if d.target != target.id {
            continue;
        }
        let progress: fitconnect::Progress = state
            .db
            .outbox_progress(&d.id)
            .await
            .ok()
            .flatten()
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        let events = match fitconnect::receiver_events(&http, fc, &case_id).await {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(tenant = %tid, case = %case_id, %e, "FIT-Connect event log not verified");
                return problem(StatusCode::BAD_GATEWAY, "event log could not be verified");
            }
        };
        for ev in events {
            if Some(&ev.submission_id) != progress.submission_id.as_ref() {
                continue;
            }
            let (receipt, action) = if ev.event == fitconnect::EVENT_ACCEPT {
                (
                    format!(
                        "accepted by the receiver (FIT-Connect submission {})",
                        ev.submission_id
                    ),
                    "fit_connect_accepted",
                )
            } else {
                (
                    format!(
                        "REJECTED by the receiver (FIT-Connect submission {}): {}",
                        ev.submission_id,
                        ev.detail.clone().unwrap_or_default()
                    ),
                    "fit_connect_rejected",
                )
            };
            if d.receipt.as_deref() == Some(receipt.as_str()) {
                continue;
            }
            let _ = state.db.set_outbox_receipt(&d.id, &receipt).await;
            if let Ok(Some(c)) = state.db.case(&tid, &d.reference).await {
                let mut change = Change::new(Actor::Fachverfahren(&target.id), &c, action);
                change.detail = format!("submission={}", ev.submission_id);
                let site = state.site();
                let portal = site.case_portal(&state.config.public_url);
                if let Err(e) = rathaus_app::cases::change(&state.db, &portal, &change).await {
                    tracing::warn!(tenant = %tid, reference = %c.reference, error = %e, "FIT-Connect receipt not audited");
                }
            }
            tracing::info!(tenant = %tid, reference = %d.reference, %receipt, "FIT-Connect receipt");
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_hmac_and_window() {
        use hmac::Mac;
        let mut mac = hmac::Hmac::<sha2::Sha512>::new_from_slice(b"geheim")
            .unwrap_or_else(|_| unreachable!());
        mac.update(b"1700000000.{\"a\":1}");
        let sig = hex::encode(mac.finalize().into_bytes());
        assert!(callback_valid(
            "geheim",
            "1700000000",
            b"{\"a\":1}",
            &sig,
            1700000100
        ));
        assert!(!callback_valid(
            "geheim",
            "1700000000",
            b"{\"a\":2}",
            &sig,
            1700000100
        ));
        assert!(!callback_valid(
            "anders",
            "1700000000",
            b"{\"a\":1}",
            &sig,
            1700000100
        ));
        assert!(!callback_valid(
            "geheim",
            "1700000000",
            b"{\"a\":1}",
            &sig,
            1700000301
        ));
        // A timestamp of now − 2^63 once wrapped around and passed the window.
        for ts in [i64::MIN, i64::MIN + 1, i64::MAX] {
            let mut mac = hmac::Hmac::<sha2::Sha512>::new_from_slice(b"geheim")
                .unwrap_or_else(|_| unreachable!());
            mac.update(format!("{ts}.x").as_bytes());
            let sig = hex::encode(mac.finalize().into_bytes());
            assert!(!callback_valid(
                "geheim",
                &ts.to_string(),
                b"x",
                &sig,
                1700000000
            ));
            assert!(!callback_valid("geheim", &ts.to_string(), b"x", &sig, -1));
        }
        assert!(!callback_valid(
            "geheim",
            "x",
            b"{\"a\":1}",
            &sig,
            1700000000
        ));
    }
}
