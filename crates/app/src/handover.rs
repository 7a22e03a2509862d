//! Hand-over to Fachverfahren and the e-file: which deliveries a change queues is decided
//! in [`crate::cases`]; this is the outbox worker's view of the portal ([`PortalSource`]:
//! the application document, its files and its PDF/A) and what receivers answer back.

use crate::App;
use futures_util::future::BoxFuture;
use futures_util::{FutureExt, StreamExt};
use rathaus_domain::delivery::{
    Application, DecisionRef, DeliveryDef, DeliveryEvent, FileRef, Named, ServiceRef,
    APPLICATION_FORMAT,
};
use rathaus_domain::Lang;
use rathaus_jobs::deliver::{rfc3339, Failure, Prepared, Source};
use rathaus_store::Case;
use serde_json::json;
use std::path::PathBuf;
use std::sync::Arc;

/// A file's id as a UUID with hyphens (FIT-Connect attachment ids are UUIDs).
fn file_uuid(id: &str) -> String {
    uuid::Uuid::parse_str(id)
        .map(|u| u.hyphenated().to_string())
        .unwrap_or_else(|_| rathaus_jobs::deliver::xdomea::stable_uuid(id))
}

pub fn media_type(kind: &str) -> &'static str {
    match kind {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// The outbox worker's view of the portal.
pub struct PortalSource {
    pub app: Arc<App>,
    pub data_dir: PathBuf,
}

impl PortalSource {
    async fn case(&self, tenant: &str, reference: &str) -> Result<Case, Failure> {
        match self.app.db.case(tenant, reference).await {
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
        let site = self.app.site();
        let provider = site.catalog.tenant(tenant);
        let offered = site.catalog.service(&c.portal_tenant_id, &c.service_id);
        let office_id = c.office_id.clone().unwrap_or_default();
        let office_name = provider
            .and_then(|t| t.offices.iter().find(|o| o.id.as_str() == office_id))
            .map(|o| o.name.de.clone())
            .unwrap_or_else(|| office_id.clone());
        let files = self
            .app
            .db
            .case_files(&c.draft_id)
            .await
            .map_err(|e| Failure::Transient(format!("database: {e}")))?;
        let payment = self
            .app
            .db
            .payment_of(&c.draft_id)
            .await
            .map_err(|e| Failure::Transient(format!("database: {e}")))?
            .map(|p| rathaus_domain::delivery::PaymentRef {
                status: p.status.as_str().to_owned(),
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
            sent_at: rfc3339(crate::clock::now_millis()),
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
            status: c.status.as_str().to_owned(),
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
            .app
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
        let site = self.app.site();
        let sub = match self
            .app
            .db
            .submission_of_draft(&c.portal_tenant_id, &c.draft_id)
            .await
        {
            Ok(Some(s)) => s,
            Ok(None) => return Err(Failure::Permanent(format!("{reference}: no submission"))),
            Err(e) => return Err(Failure::Transient(format!("database: {e}"))),
        };
        let l = crate::forms::at(
            &self.app,
            &site,
            &c.portal_tenant_id,
            &c.tenant_id,
            &c.service_id,
            c.version,
        )
        .await
        .map_err(|_| Failure::Transient(format!("{reference}: its form cannot be loaded")))?;
        let payment = self
            .app
            .db
            .payment_of(&c.draft_id)
            .await
            .map_err(|e| Failure::Transient(format!("database: {e}")))?;
        let data = crate::receipts::ReceiptData::new(sub, payment);
        crate::receipts::pdf(
            &self.app,
            &site,
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
        self.app
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
        self.app.config.public_url.clone()
    }
}

// ----- what receivers answer -----------------------------------------------------------------

use crate::access::InboundCase;
use crate::cases::{Actor, Change, MAX_SUBJECT_CHARS, MAX_TEXT_CHARS};
use crate::AppResult;
use rathaus_domain::case::Action;
use rathaus_domain::MessageKind;
use rathaus_store::Message;

/// What a receiver reports about an application it received.
#[derive(Debug, Clone, Default)]
pub struct Update {
    /// Its own case number (Aktenzeichen).
    pub case_number: Option<String>,
    /// `start_review`, `request_info`, `decide` or `close`.
    pub action: Option<String>,
    /// With `decide`: `approved` or `rejected`.
    pub decision: Option<String>,
    /// To the citizen's Postkorb (subject, body; required with `request_info`).
    pub message: Option<(String, String)>,
}

/// Why an update was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// The update itself is wrong (422), with what is wrong.
    Invalid(String),
    /// The action does not fit the application's status (409).
    NotPossible(String),
    /// The application changed meanwhile (409).
    Changed,
}

/// What the application is after an update.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Updated {
    pub reference: String,
    pub status: String,
    pub case_number: Option<String>,
}

/// Applies a receiver's update to an application it received: its case number, a status
/// change the lifecycle allows, a message to the citizen — as one case change, like every
/// other face (so the same mails, hand-overs and audit follow).
pub async fn inbound(
    app: &App,
    ic: &InboundCase<'_>,
    u: &Update,
) -> AppResult<Result<Updated, Refused>> {
    let c = ic.case();
    let Checked {
        case_number,
        action,
        decision,
    } = match checked(u) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let from = c.status;
    let to = match action {
        Some(a) => match from.apply(a) {
            Ok(to) => Some(to),
            Err(_) => {
                return Ok(Err(Refused::NotPossible(format!(
                    "{} is not possible in status {}",
                    a.as_str(),
                    c.status.as_str()
                ))))
            }
        },
        None => None,
    };
    let site = app.site();
    let message = u.message.as_ref().map(|(subject, body)| Message {
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
        subject: subject.trim().to_owned(),
        body: body.trim().to_owned(),
        sender: site.authority_name(&c.portal_tenant_id, &c.service_id, &c.tenant_id),
        created_at: crate::clock::now_millis(),
        read_at: None,
    });
    let mut detail = Vec::new();
    if let Some(n) = case_number {
        detail.push(format!("case_number={n}"));
    }
    if let Some(m) = &message {
        detail.push(format!("message={}", m.id));
    }
    let target = &ic.target().id;
    let audit_action = format!("inbound_{}", action.map(|a| a.as_str()).unwrap_or("update"));
    let mut change = Change::new(Actor::Fachverfahren(target), c, &audit_action);
    change.to = to;
    change.decision = decision;
    change.message = message.as_ref().map(|m| (m, &[][..]));
    change.external_ref = case_number;
    change.detail = detail.join(" ");
    match crate::cases::change(app, &change).await {
        Ok(()) => {
            tracing::info!(tenant = %c.tenant_id, reference = %c.reference, %target, "inbound update");
            Ok(Ok(Updated {
                reference: c.reference.clone(),
                status: to
                    .map(|s| s.as_str())
                    .unwrap_or(c.status.as_str())
                    .to_owned(),
                case_number: case_number.map(str::to_owned).or(c.external_ref.clone()),
            }))
        }
        Err(crate::cases::CaseError::Changed | crate::cases::CaseError::NotAllowed { .. }) => {
            Ok(Err(Refused::Changed))
        }
        Err(crate::cases::CaseError::Store(e)) => Err(e.into()),
    }
}

/// The update's case number, action and decision, if the update is well-formed: a
/// printable case number, a known action, a decision exactly with `decide`, a message
/// within the limits (required with `request_info`), and something to do.
fn checked(u: &Update) -> Result<Checked<'_>, Refused> {
    let invalid = |s: &str| Err(Refused::Invalid(s.to_owned()));
    let case_number = match u.case_number.as_deref().map(str::trim) {
        Some(n) if n.is_empty() || n.chars().count() > 100 || n.chars().any(char::is_control) => {
            return invalid("case_number must have 1 to 100 printable characters")
        }
        other => other,
    };
    let action = match u.action.as_deref() {
        None => None,
        Some("start_review") => Some(Action::StartReview),
        Some("request_info") => Some(Action::RequestInfo),
        Some("decide") => Some(Action::Decide),
        Some("close") => Some(Action::Close),
        Some(other) => {
            return Err(Refused::Invalid(format!(
                "unknown action '{other}' (start_review, request_info, decide, close)"
            )))
        }
    };
    let decision = match (action, u.decision.as_deref()) {
        (Some(Action::Decide), Some(d @ ("approved" | "rejected"))) => Some(d),
        (Some(Action::Decide), _) => return invalid("decide needs decision approved or rejected"),
        (_, Some(_)) => return invalid("decision only with decide"),
        _ => None,
    };
    match &u.message {
        Some((subject, body))
            if subject.trim().is_empty()
                || subject.chars().count() > MAX_SUBJECT_CHARS
                || body.trim().is_empty()
                || body.chars().count() > MAX_TEXT_CHARS =>
        {
            return invalid(
                "message needs a subject (up to 200 characters) and a body (up to 10,000)",
            )
        }
        None if action == Some(Action::RequestInfo) => {
            return invalid("request_info needs a message")
        }
        _ => {}
    }
    if case_number.is_none() && action.is_none() && u.message.is_none() {
        return invalid("nothing to do");
    }
    Ok(Checked {
        case_number,
        action,
        decision,
    })
}

/// A well-formed update's parts.
struct Checked<'u> {
    case_number: Option<&'u str>,
    action: Option<Action>,
    decision: Option<&'u str>,
}

// ----- FIT-Connect callbacks -------------------------------------------------------------------

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

/// Why a callback was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallbackRefused {
    /// No target of the tenant signed it (401).
    Unauthenticated,
    /// Not a callback body (422).
    Invalid,
    /// The event log could not be read or verified (502): the sender tries again.
    Unverified,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackBody {
    #[serde(default)]
    case_id: Option<String>,
    #[serde(default)]
    submissions: Vec<CallbackSubmission>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CallbackSubmission {
    case_id: String,
}

/// New events for our FIT-Connect submissions of tenant `t`. The callback itself only says
/// "look": what happened is read from the event log, whose receiver events are verified
/// with the destination's signature key, and recorded as the delivery's receipt with an
/// audit entry of the case.
pub async fn fit_connect_callback(
    app: &App,
    t: &rathaus_domain::TenantDef,
    timestamp: &str,
    mac: &str,
    body: &[u8],
) -> AppResult<Result<(), CallbackRefused>> {
    use rathaus_jobs::deliver::fitconnect;
    let tid = t.id.as_str();
    let now_s = crate::clock::now_millis() / 1000;
    let target = t.deliveries.iter().find(|d| {
        d.fit_connect
            .as_ref()
            .and_then(|f| f.callback_secret_env.as_deref())
            .and_then(|v| std::env::var(v).ok())
            .filter(|s| !s.is_empty())
            .is_some_and(|secret| callback_valid(&secret, timestamp, body, mac, now_s))
    });
    let Some((target, fc)) = target.and_then(|d| d.fit_connect.as_ref().map(|f| (d, f))) else {
        return Ok(Err(CallbackRefused::Unauthenticated));
    };
    let Ok(cb) = serde_json::from_slice::<CallbackBody>(body) else {
        return Ok(Err(CallbackRefused::Invalid));
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
        let Some(d) = app.db.delivery_by_progress(tid, &case_id).await? else {
            continue;
        };
        if d.target != target.id {
            continue;
        }
        let progress: fitconnect::Progress = app
            .db
            .outbox_progress(&d.id)
            .await?
            .and_then(|p| serde_json::from_str(&p).ok())
            .unwrap_or_default();
        let events = match fitconnect::receiver_events(&http, fc, &case_id).await {
            Ok(e) => e,
            Err(e) => {
                tracing::warn!(tenant = %tid, case = %case_id, %e, "FIT-Connect event log not verified");
                return Ok(Err(CallbackRefused::Unverified));
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
            app.db.set_outbox_receipt(&d.id, &receipt).await?;
            if let Some(c) = app.db.case(tid, &d.reference).await? {
                let mut change = Change::new(Actor::Fachverfahren(&target.id), &c, action);
                change.detail = format!("submission={}", ev.submission_id);
                if let Err(e) = crate::cases::change(app, &change).await {
                    tracing::warn!(tenant = %tid, reference = %c.reference, error = %e, "FIT-Connect receipt not audited");
                }
            }
            tracing::info!(tenant = %tid, reference = %d.reference, %receipt, "FIT-Connect receipt");
        }
    }
    Ok(Ok(()))
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
