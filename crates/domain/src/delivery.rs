//! Hand-over of applications to the office's specialist system (Fachverfahren) and e-file:
//! the delivery targets a tenant configures (`deliveries:` in `tenant.yaml`) and the
//! application document every target receives (`schema/application.schema.json`).
//!
//! A target names *when* it receives an application (on receipt, when the review starts or
//! once decided), *which* of the tenant's services, and exactly one *way*: a signed webhook,
//! a FIT-Connect submission, an xdomea message into a drop folder, a plain file drop or an
//! e-mail to the office. Secrets never live in definitions: they are read from the
//! environment variable the target names.

use crate::ids::ServiceId;
use crate::tenant::Problem;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The `format` value of an [`Application`] document, and the schema URI of the data of a
/// FIT-Connect submission.
pub const APPLICATION_FORMAT: &str = "urn:de:rathaus:schema:antrag:1.0";

/// Where a hand-over (an outbox row of kind `delivery`) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Waiting for its (next) attempt.
    Pending,
    /// The receiver took it.
    Done,
    /// Given up after too many failures or a permanent one; an admin may retry.
    Parked,
    /// Cancelled by an admin.
    Cancelled,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Done => "done",
            DeliveryState::Parked => "parked",
            DeliveryState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Done,
            DeliveryState::Parked,
            DeliveryState::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// The moment in the life of an application at which a target receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryEvent {
    /// When the citizen submits (the default).
    #[default]
    Received,
    /// When staff start the review.
    ReviewStarted,
    /// When the decision (Bescheid) is released.
    Decided,
}

impl DeliveryEvent {
    pub fn key(self) -> &'static str {
        match self {
            DeliveryEvent::Received => "received",
            DeliveryEvent::ReviewStarted => "review_started",
            DeliveryEvent::Decided => "decided",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryEvent> {
        [
            DeliveryEvent::Received,
            DeliveryEvent::ReviewStarted,
            DeliveryEvent::Decided,
        ]
        .into_iter()
        .find(|e| e.key() == s)
    }
}

/// One delivery target of a tenant.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeliveryDef {
    /// Unique within the tenant; part of every delivery's idempotency key, so keep it stable.
    #[schemars(regex(pattern = crate::ids::SLUG_PATTERN))]
    pub id: String,
    /// Name shown to administrators, e.g. "Hundesteuer (Finanzsoftware)".
    pub name: Text,
    /// When applications are handed over.
    #[serde(default)]
    pub when: DeliveryEvent,
    /// The tenant's own services this target receives; empty means all of them.
    #[serde(default)]
    pub services: Vec<ServiceId>,
    /// JSON to a Fachverfahren's HTTPS endpoint, signed after the Standard Webhooks scheme.
    #[serde(default)]
    pub webhook: Option<WebhookTarget>,
    /// A FIT-Connect submission (Submission API v1) to a destination.
    #[serde(default)]
    pub fit_connect: Option<FitConnectTarget>,
    /// An xdomea 3.0.0 message 0605 (FVDaten.SGOAblegen) as ZIP into the e-file's import folder.
    #[serde(default)]
    pub xdomea: Option<XdomeaTarget>,
    /// JSON or XML plus the files into a folder (e.g. a mounted share) for legacy systems.
    #[serde(default)]
    pub file_drop: Option<FileDropTarget>,
    /// A notice to the office's mailbox, as the last resort. It names the service and the
    /// reference number and links to the back office; it carries no personal data.
    #[serde(default)]
    pub email: Option<EmailTarget>,
    /// Environment variable holding the bearer token with which this target's receiver may
    /// answer back through the inbound API (its case number, status changes, requests).
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Z][A-Z0-9_]{0,63}$"))]
    pub inbound_token_env: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookTarget {
    /// The receiver's URL (`https://…`; `http://` only for loopback or test systems).
    #[schemars(regex(pattern = r"^https?://"))]
    pub url: String,
    /// Environment variable holding the signing secret (`whsec_` + base64, Standard Webhooks).
    #[schemars(regex(pattern = r"^[A-Z][A-Z0-9_]{0,63}$"))]
    pub secret_env: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FitConnectTarget {
    /// Base URL of the Submission API (e.g. `https://submission-api-testing.fit-connect.fitko.dev`).
    #[schemars(regex(pattern = r"^https?://"))]
    pub submission_api: String,
    /// OAuth 2.0 token endpoint of the sender client (client credentials).
    #[schemars(regex(pattern = r"^https?://"))]
    pub token_url: String,
    pub client_id: String,
    /// Environment variable holding the client secret.
    #[schemars(regex(pattern = r"^[A-Z][A-Z0-9_]{0,63}$"))]
    pub client_secret_env: String,
    /// The destination (Zustellpunkt) of the receiving office, a UUID.
    #[schemars(regex(
        pattern = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
    ))]
    pub destination_id: String,
    /// Environment variable holding the callback secret; if set, the submission registers
    /// the portal's callback URL and callbacks are verified with it.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Z][A-Z0-9_]{0,63}$"))]
    pub callback_secret_env: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct XdomeaTarget {
    /// Import folder of the e-file (DMS); relative paths are inside the data folder.
    pub dir: String,
    /// The receiving DMS as named in the message's header.
    pub recipient: XdomeaParty,
    /// The sending authority; default: the tenant's name and id.
    #[serde(default)]
    pub sender: Option<XdomeaParty>,
    /// Where the DMS files the Vorgang (Ablageort, e.g. an inbox or a file plan unit);
    /// default: the office's name.
    #[serde(default)]
    pub filing: Option<String>,
}

/// An organisation in an xdomea message header.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct XdomeaParty {
    /// Behördenkennung or another stable code of the organisation.
    pub code: String,
    /// Name of the organisation or system.
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileDropTarget {
    /// Folder to write into; relative paths are inside the data folder.
    pub dir: String,
    #[serde(default)]
    pub format: DropFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DropFormat {
    #[default]
    Json,
    Xml,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailTarget {
    /// The office's mailbox.
    #[schemars(regex(pattern = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"))]
    pub to: String,
}

/// The way a target delivers, as a short key for logs and the admin view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetKind {
    Webhook,
    FitConnect,
    Xdomea,
    FileDrop,
    Email,
}

impl TargetKind {
    pub fn key(self) -> &'static str {
        match self {
            TargetKind::Webhook => "webhook",
            TargetKind::FitConnect => "fit_connect",
            TargetKind::Xdomea => "xdomea",
            TargetKind::FileDrop => "file_drop",
            TargetKind::Email => "email",
        }
    }
}

impl DeliveryDef {
    /// The configured ways, in a fixed order (exactly one in a valid definition).
    pub fn kinds(&self) -> Vec<TargetKind> {
        let mut k = Vec::new();
        if self.webhook.is_some() {
            k.push(TargetKind::Webhook);
        }
        if self.fit_connect.is_some() {
            k.push(TargetKind::FitConnect);
        }
        if self.xdomea.is_some() {
            k.push(TargetKind::Xdomea);
        }
        if self.file_drop.is_some() {
            k.push(TargetKind::FileDrop);
        }
        if self.email.is_some() {
            k.push(TargetKind::Email);
        }
        k
    }

    pub fn kind(&self) -> Option<TargetKind> {
        self.kinds().first().copied()
    }

    /// Whether this target receives `service`'s applications at `event`.
    pub fn applies(&self, service: &ServiceId, event: DeliveryEvent) -> bool {
        self.when == event && (self.services.is_empty() || self.services.contains(service))
    }

    /// Rules within the definition, with pointers relative to `base` (e.g. `/deliveries/0`).
    pub fn check(&self, base: &str) -> Vec<Problem> {
        let mut p = Vec::new();
        if !crate::ids::is_slug(&self.id) {
            p.push(Problem::at(
                format!("{base}/id"),
                "must be a slug (a-z, 0-9, -)",
            ));
        }
        match self.kinds().len() {
            1 => {}
            0 => p.push(Problem::at(
                base.to_owned(),
                "a delivery target needs exactly one of webhook, fit_connect, xdomea, file_drop, email",
            )),
            _ => p.push(Problem::at(
                base.to_owned(),
                "a delivery target may have only one of webhook, fit_connect, xdomea, file_drop, email",
            )),
        }
        let mut seen = std::collections::HashSet::new();
        for (i, s) in self.services.iter().enumerate() {
            if !seen.insert(s) {
                p.push(Problem::at(
                    format!("{base}/services/{i}"),
                    format!("service '{s}' is listed twice"),
                ));
            }
        }
        let plain_http = |url: &str| {
            url.strip_prefix("http://").is_some_and(|rest| {
                let host = rest.split(['/', ':']).next().unwrap_or("");
                !(host == "127.0.0.1" || host == "localhost" || host == "[::1]")
            })
        };
        let mut urls = Vec::new();
        if let Some(w) = &self.webhook {
            urls.push(("webhook/url", &w.url));
        }
        if let Some(f) = &self.fit_connect {
            urls.push(("fit_connect/submission_api", &f.submission_api));
            urls.push(("fit_connect/token_url", &f.token_url));
        }
        for (at, url) in urls {
            if plain_http(url) {
                p.push(Problem::at(
                    format!("{base}/{at}"),
                    "personal data may only travel over https:// (plain http:// is allowed for 127.0.0.1 and localhost only)",
                ));
            }
        }
        let mut envs: Vec<(&str, &str)> = Vec::new();
        if let Some(w) = &self.webhook {
            envs.push(("webhook/secret_env", &w.secret_env));
        }
        if let Some(f) = &self.fit_connect {
            envs.push(("fit_connect/client_secret_env", &f.client_secret_env));
            if let Some(c) = &f.callback_secret_env {
                envs.push(("fit_connect/callback_secret_env", c));
            }
        }
        if let Some(t) = &self.inbound_token_env {
            envs.push(("inbound_token_env", t));
        }
        for (at, name) in envs {
            if let Some(m) = crate::tenant::reserved_env(name, "secret") {
                p.push(Problem::at(
                    format!("{base}/{at}"),
                    format!("'{name}': {m}"),
                ));
            }
        }
        p
    }
}

/// The application as every target receives it (webhook body, FIT-Connect data, file-drop
/// JSON). Its JSON Schema is `schema/application.schema.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Application {
    pub format: String,
    pub idempotency_key: String,
    pub event: DeliveryEvent,
    /// RFC 3339.
    pub sent_at: String,
    pub tenant: Named,
    pub office: Named,
    pub service: ServiceRef,
    pub reference: String,
    /// RFC 3339.
    pub submitted_at: String,
    pub status: String,
    pub decision: Option<DecisionRef>,
    pub answers: serde_json::Value,
    pub computed: serde_json::Map<String, serde_json::Value>,
    pub files: Vec<FileRef>,
    /// The fee, if the application owes one, and where its payment stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment: Option<PaymentRef>,
}

/// The payment of an application as receivers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaymentRef {
    /// `open`, `pending`, `paid`, `failed`, `cancelled`, `refunded`.
    pub status: String,
    pub amount_cents: i64,
    /// `transfer`, `online`, `direct_debit`; none while nothing was paid.
    pub method: Option<String>,
    /// The ISO 11649 creditor reference (RF…) of the fee.
    pub creditor_reference: String,
    /// The payment service's reference (e.g. the Kassenzeichen), if one was reported.
    pub kassenzeichen: Option<String>,
    pub booking_code: String,
    /// The payment's id at the portal, or the online payment service's transaction id.
    pub transaction_id: String,
    /// RFC 3339, once paid.
    pub paid_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceRef {
    pub id: String,
    pub name: String,
    pub version: i64,
    pub leika: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRef {
    pub outcome: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRef {
    /// A UUID (hyphenated); the file's FIT-Connect attachment id and its name in drops.
    pub id: String,
    pub field: String,
    pub name: String,
    pub media_type: String,
    pub size: i64,
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_base64: Option<String>,
}

/// The outbox id (and idempotency key) of one delivery: stable per tenant, target,
/// application and event, so the same hand-over can never be queued twice.
pub fn delivery_key(tenant: &str, target: &str, reference: &str, event: DeliveryEvent) -> String {
    format!("dlv.{tenant}.{target}.{reference}.{}", event.key())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(yaml_json: serde_json::Value) -> DeliveryDef {
        serde_json::from_value(yaml_json).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn exactly_one_way_and_https() {
        let ok = def(serde_json::json!({
            "id": "steuer", "name": {"de": "Steuer"}, "services": ["hundeanmeldung"],
            "webhook": {"url": "http://127.0.0.1:9/x", "secret_env": "S"}
        }));
        assert!(ok.check("/deliveries/0").is_empty());
        let none = def(serde_json::json!({"id": "x", "name": {"de": "X"}}));
        assert_eq!(none.check("/d").len(), 1);
        let two = def(serde_json::json!({
            "id": "x", "name": {"de": "X"},
            "email": {"to": "a@b.de"}, "file_drop": {"dir": "out"}
        }));
        assert!(two.check("/d")[0].message.contains("only one"));
        let plain = def(serde_json::json!({
            "id": "x", "name": {"de": "X"},
            "webhook": {"url": "http://steuer.example/x", "secret_env": "S"}
        }));
        assert_eq!(plain.check("/d")[0].pointer, "/d/webhook/url");
        let own = def(serde_json::json!({
            "id": "x", "name": {"de": "X"}, "inbound_token_env": "RATHAUS_TOKEN",
            "webhook": {"url": "https://steuer.example/x", "secret_env": "RATHAUS_SECRET"}
        }));
        let problems = own.check("/d");
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(problems[0].pointer, "/d/webhook/secret_env");
        assert!(problems[1].message.contains("RATHAUS_TOKEN"));
    }

    #[test]
    fn applies_by_event_and_service() {
        let d = def(serde_json::json!({
            "id": "x", "name": {"de": "X"}, "when": "decided", "email": {"to": "a@b.de"}
        }));
        let s = ServiceId::parse("hundeanmeldung").unwrap_or_else(|| unreachable!());
        assert!(d.applies(&s, DeliveryEvent::Decided));
        assert!(!d.applies(&s, DeliveryEvent::Received));
        let only = def(serde_json::json!({
            "id": "x", "name": {"de": "X"}, "services": ["kita"], "email": {"to": "a@b.de"}
        }));
        assert!(!only.applies(&s, DeliveryEvent::Received));
        assert_eq!(
            delivery_key("soest", "x", "SO-2026-000001", DeliveryEvent::Received),
            "dlv.soest.x.SO-2026-000001.received"
        );
    }
}
