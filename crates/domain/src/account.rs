//! Citizens after login: the eIDAS level of assurance of a login, the login policy of a
//! service, the session policy of a tenant, the status of a submitted application and the
//! account data a form may be prefilled with.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};

/// eIDAS level of assurance of an electronic identification (Art. 8 eIDAS regulation).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Username and password (e.g. a Servicekonto without ID card).
    Low,
    /// Online ID function of the ID card, or comparable (eIDAS "substantial").
    Substantial,
    High,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Substantial => "substantial",
            Level::High => "high",
        }
    }

    /// Reads a level as providers send it: the eIDAS URIs
    /// (`http://eidas.europa.eu/LoA/substantial`), BundID's STORK-QAA levels, or the plain
    /// words. Anything unknown is `None` (and treated as the lowest level by callers).
    pub fn parse(s: &str) -> Option<Level> {
        let last = s
            .rsplit(['/', ':', '#'])
            .next()
            .unwrap_or(s)
            .trim()
            .to_ascii_lowercase()
            .replace("stork-qaa-level-", "level");
        match last.as_str() {
            "low" | "niedrig" | "normal" | "basisregistrierung" | "level1" | "level2" => {
                Some(Level::Low)
            }
            "substantial" | "substanziell" | "level3" => Some(Level::Substantial),
            "high" | "hoch" | "level4" => Some(Level::High),
            _ => None,
        }
    }
}

/// Who may apply for a service online (`login:` in the service definition).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginPolicy {
    /// Whether people without an account may apply (they get an access code).
    #[serde(default = "yes")]
    pub guests: bool,
    /// Lowest level of assurance of the login that may apply, e.g. `substantial` where the
    /// law asks for identification with the ID card.
    #[serde(default)]
    pub min_level: Option<Level>,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        LoginPolicy {
            guests: true,
            min_level: None,
        }
    }
}

fn yes() -> bool {
    true
}

/// How long a citizen's session lives (`session:` in `tenant.yaml`). BSI-strict deployments
/// choose a few minutes; every form step is saved, so an ended session loses no input.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionPolicy {
    /// Minutes without any request after which the session ends.
    #[serde(default = "idle_default")]
    #[schemars(range(min = 1, max = 480))]
    pub idle_minutes: u32,
    /// Minutes before the idle end at which the page warns and offers to extend.
    #[serde(default = "warn_default")]
    #[schemars(range(min = 1, max = 60))]
    pub warn_minutes: u32,
    /// Hours after login at which the session ends in any case.
    #[serde(default = "max_default")]
    #[schemars(range(min = 1, max = 24))]
    pub max_hours: u32,
}

fn idle_default() -> u32 {
    20
}
fn warn_default() -> u32 {
    5
}
fn max_default() -> u32 {
    12
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_minutes: idle_default(),
            warn_minutes: warn_default(),
            max_hours: max_default(),
        }
    }
}

impl SessionPolicy {
    pub fn idle_ms(&self) -> i64 {
        i64::from(self.idle_minutes.max(1)) * 60_000
    }
    pub fn warn_ms(&self) -> i64 {
        i64::from(self.warn_minutes.min(self.idle_minutes).max(1)) * 60_000
    }
    pub fn max_ms(&self) -> i64 {
        i64::from(self.max_hours.max(1)) * 3_600_000
    }
}

/// The status of a submitted application as the citizen sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Received,
    InReview,
    WaitingForCitizen,
    Decided,
    Closed,
    Withdrawn,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 6] = [
        ApplicationStatus::Received,
        ApplicationStatus::InReview,
        ApplicationStatus::WaitingForCitizen,
        ApplicationStatus::Decided,
        ApplicationStatus::Closed,
        ApplicationStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Received => "received",
            ApplicationStatus::InReview => "in_review",
            ApplicationStatus::WaitingForCitizen => "waiting_for_citizen",
            ApplicationStatus::Decided => "decided",
            ApplicationStatus::Closed => "closed",
            ApplicationStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ApplicationStatus> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The steps of the timeline shown to the citizen, in order.
    pub const TIMELINE: [ApplicationStatus; 4] = [
        ApplicationStatus::Received,
        ApplicationStatus::InReview,
        ApplicationStatus::WaitingForCitizen,
        ApplicationStatus::Decided,
    ];
}

/// Kinds of Postkorb messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MessageKind {
    /// Information from the authority.
    Message,
    /// The authority asks for information or documents; the application waits.
    Request,
    /// The notice (Bescheid).
    Notice,
    /// The citizen's answer.
    Reply,
}

impl MessageKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Message => "message",
            MessageKind::Request => "request",
            MessageKind::Notice => "notice",
            MessageKind::Reply => "reply",
        }
    }
    pub fn parse(s: &str) -> Option<MessageKind> {
        [
            MessageKind::Message,
            MessageKind::Request,
            MessageKind::Notice,
            MessageKind::Reply,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// What the identity provider told us about a citizen (OpenID Connect standard claims),
/// kept only for prefill.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_name: Option<String>,
    /// YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birthdate: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locality: Option<String>,
}

/// The account data a form field may be prefilled with (`prefill:` of a field).
/// `moving_date` comes only from a moving folder's facts (an account has none).
pub const PREFILL_SOURCES: [&str; 6] = [
    "given_name",
    "family_name",
    "birth_date",
    "email",
    "address",
    "moving_date",
];

impl Profile {
    /// The name to greet with.
    pub fn display_name(&self) -> String {
        match (&self.given_name, &self.family_name) {
            (Some(g), Some(f)) => format!("{g} {f}"),
            (Some(n), None) | (None, Some(n)) => n.clone(),
            (None, None) => String::new(),
        }
    }

    /// The answer for a prefill source, in the form's answer format.
    pub fn prefill(&self, source: &str) -> Option<Json> {
        let s = |v: &Option<String>| v.as_ref().filter(|x| !x.is_empty()).map(|x| json!(x));
        match source {
            "given_name" => s(&self.given_name),
            "family_name" => s(&self.family_name),
            "birth_date" => self
                .birthdate
                .as_ref()
                .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
                .map(|d| json!(d)),
            "email" => s(&self.email),
            "address" => {
                let street = self.street_address.as_deref()?.trim();
                // "Marktstraße 7a" → street "Marktstraße", house number "7a".
                let (name, number) = match street.rsplit_once(' ') {
                    Some((n, h)) if h.starts_with(|c: char| c.is_ascii_digit()) => (n, h),
                    _ => (street, ""),
                };
                let mut o = Map::new();
                o.insert("street".into(), json!(name));
                o.insert("house_number".into(), json!(number));
                o.insert(
                    "postal_code".into(),
                    json!(self.postal_code.clone().unwrap_or_default()),
                );
                o.insert(
                    "city".into(),
                    json!(self.locality.clone().unwrap_or_default()),
                );
                Some(Json::Object(o))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_from_providers() {
        assert_eq!(
            Level::parse("http://eidas.europa.eu/LoA/substantial"),
            Some(Level::Substantial)
        );
        assert_eq!(
            Level::parse("http://eidas.europa.eu/LoA/low"),
            Some(Level::Low)
        );
        assert_eq!(Level::parse("STORK-QAA-Level-4"), Some(Level::High));
        assert_eq!(Level::parse("high"), Some(Level::High));
        assert_eq!(Level::parse("urn:x:level3"), Some(Level::Substantial));
        assert_eq!(Level::parse("gold"), None);
        assert!(Level::Low < Level::Substantial && Level::Substantial < Level::High);
    }

    #[test]
    fn address_prefill_splits_the_house_number() {
        let p = Profile {
            street_address: Some("Marktstraße 7a".into()),
            postal_code: Some("59494".into()),
            locality: Some("Soest".into()),
            ..Profile::default()
        };
        assert_eq!(
            p.prefill("address"),
            Some(
                json!({"street": "Marktstraße", "house_number": "7a", "postal_code": "59494", "city": "Soest"})
            )
        );
        assert_eq!(p.prefill("given_name"), None);
        assert_eq!(p.prefill("unknown"), None);
    }

    #[test]
    fn statuses_round_trip() {
        for s in ApplicationStatus::ALL {
            assert_eq!(ApplicationStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(ApplicationStatus::parse("approved"), None);
    }
}
