//! Tenants (a Stadt, Gemeinde or Kreis) and their offices (Ämter).

use crate::ids::{OfficeId, ServiceId, TenantId};
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `<tenant>/tenant.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TenantDef {
    /// The tenant's id; must equal the folder name. Appears in URLs.
    pub id: TenantId,
    /// Official name, e.g. "Stadt Soest".
    pub name: Text,
    pub kind: TenantKind,
    /// True for demonstration data: every page of the tenant says so.
    #[serde(default)]
    pub demo: bool,
    /// Short welcome text on the tenant's start page.
    pub welcome: Text,
    /// Host names that show this tenant at `/` (e.g. "service.soest.de").
    #[serde(default)]
    pub hosts: Vec<String>,
    #[serde(default)]
    pub branding: Branding,
    /// The tenant's offices.
    #[schemars(length(min = 1))]
    pub offices: Vec<OfficeDef>,
    /// Services of other tenants offered in this tenant's portal (e.g. a Kreis service
    /// inside a Stadt portal). The providing tenant stays responsible.
    #[serde(default)]
    pub includes: Vec<IncludeDef>,
    /// Legally required pages.
    pub legal: LegalPages,
    /// Prefix of application reference numbers (`SO` gives `SO-2026-000123`); default: the
    /// id in capitals without dashes, at most six letters.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Z]{2,6}$"))]
    pub reference_prefix: Option<String>,
    /// Session time-outs of citizens who logged in.
    #[serde(default)]
    pub session: crate::account::SessionPolicy,
    /// Where applications are handed over: Fachverfahren, e-file, office mailbox.
    #[serde(default)]
    pub deliveries: Vec<crate::delivery::DeliveryDef>,
    /// The cash office (Stadtkasse / Kreiskasse) that receives the fees of this tenant's
    /// services; needed as soon as one of its services takes a payment.
    #[serde(default)]
    pub cash_office: Option<CashOfficeDef>,
    /// City apps in which citizens may log in to this portal (OAuth 2.0 for native apps).
    #[serde(default)]
    pub apps: Vec<crate::app_client::AppClientDef>,
    /// Moving folders (Umzugsmappe): plans for a life situation that citizens make their
    /// own checklist from.
    #[serde(default)]
    pub folders: Vec<crate::folder::FolderDef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TenantKind {
    Stadt,
    Gemeinde,
    Kreis,
}

/// Look of the tenant's pages. Colours must keep WCAG AA contrast against white text.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    /// Main colour as `#rrggbb` (header background, buttons).
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub primary_color: String,
    /// Logo file in the tenant's `assets/` folder (SVG or PNG).
    #[serde(default)]
    pub logo: Option<String>,
}

impl Default for Branding {
    fn default() -> Self {
        Branding {
            primary_color: "#1d4f91".into(),
            logo: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncludeDef {
    /// The tenant that provides the services.
    pub tenant: TenantId,
    /// Its services offered here.
    #[schemars(length(min = 1))]
    pub services: Vec<ServiceId>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalPages {
    /// Impressum.
    pub imprint: Text,
    /// Datenschutzerklärung.
    pub privacy: Text,
    /// Erklärung zur Barrierefreiheit (BITV 2.0).
    pub accessibility: Text,
}

/// An office (Amt, Fachbereich) that is responsible for services.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeDef {
    /// Unique within the tenant.
    pub id: OfficeId,
    pub name: Text,
    pub address: Address,
    /// Regular opening hours.
    #[serde(default)]
    pub opening_hours: Vec<OpeningHours>,
    /// Remarks on opening hours (appointments only, holidays …).
    #[serde(default)]
    pub opening_note: Option<Text>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    #[schemars(regex(pattern = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"))]
    pub email: Option<String>,
    /// Step-free access, induction loop, parking …
    #[serde(default)]
    pub accessibility: Option<Text>,
    /// Online appointments (Terminvergabe) and the waiting room on site.
    #[serde(default)]
    pub appointments: Option<crate::appointment::CalendarDef>,
    /// The status of ID cards and passports made here (Statusabfrage).
    #[serde(default)]
    pub id_status: Option<crate::id_document::IdStatusDef>,
    /// The office runs the lost-and-found office (Fundbüro).
    #[serde(default)]
    pub lost_and_found: bool,
    /// The Fundbüro's fee for handing an item back, by the item's value (tiers in rising
    /// order; shown on the public page and computed when a claim is accepted).
    #[serde(default)]
    pub found_fees: Vec<crate::found::FeeTier>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    #[schemars(regex(pattern = r"^[0-9]{5}$"))]
    pub postal_code: String,
    pub city: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpeningHours {
    #[schemars(length(min = 1))]
    pub days: Vec<Weekday>,
    /// Opening time `HH:MM`.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub from: String,
    /// Closing time `HH:MM`, after `from`.
    #[schemars(regex(pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"))]
    pub to: String,
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub fn key(self) -> &'static str {
        match self {
            Weekday::Mon => "mon",
            Weekday::Tue => "tue",
            Weekday::Wed => "wed",
            Weekday::Thu => "thu",
            Weekday::Fri => "fri",
            Weekday::Sat => "sat",
            Weekday::Sun => "sun",
        }
    }
}

/// A rule violation inside one definition, at a JSON-pointer path into that definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub message: String,
}

impl Problem {
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            pointer: pointer.into(),
            message: message.into(),
        }
    }
}

/// Why an environment variable cannot hold a secret or key of a definition: `RATHAUS_*`
/// variables are configuration keys (unknown ones are errors), so a secret there would
/// stop the portal from starting. `what` names the value ("secret", "key").
pub(crate) fn reserved_env(name: &str, what: &str) -> Option<String> {
    name.starts_with("RATHAUS_").then(|| {
        format!("RATHAUS_* variables are the portal's own settings; name the {what}'s variable differently")
    })
}

/// Relative luminance of `#rrggbb` (WCAG 2.1 definition).
pub fn relative_luminance(hex: &str) -> Option<f64> {
    let hex = hex.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let channel = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(hex.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// Contrast ratio of a colour against white (WCAG 2.1).
pub fn contrast_with_white(hex: &str) -> Option<f64> {
    relative_luminance(hex).map(|l| 1.05 / (l + 0.05))
}

impl TenantDef {
    /// Rules within this one file (cross-file rules live in the catalogue).
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Some(ratio) = contrast_with_white(&self.branding.primary_color) {
            if ratio < 4.5 {
                problems.push(Problem::at(
                    "/branding/primary_color",
                    format!(
                        "contrast of white text on {} is {ratio:.2}:1, WCAG AA needs at least 4.5:1",
                        self.branding.primary_color
                    ),
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, office) in self.offices.iter().enumerate() {
            if !seen.insert(&office.id) {
                problems.push(Problem::at(
                    format!("/offices/{i}/id"),
                    format!("duplicate office id '{}'", office.id),
                ));
            }
            for (j, h) in office.opening_hours.iter().enumerate() {
                if let (Some(from), Some(to)) = (
                    crate::appointment::hhmm(&h.from),
                    crate::appointment::hhmm(&h.to),
                ) {
                    if to <= from {
                        problems.push(Problem::at(
                            format!("/offices/{i}/opening_hours/{j}/to"),
                            format!("closing time {} is not after opening time {}", h.to, h.from),
                        ));
                    }
                }
            }
            if let Some(c) = &office.appointments {
                problems
                    .extend(c.check(&format!("/offices/{i}/appointments"), &office.opening_hours));
            }
            if let Some(s) = &office.id_status {
                let calendar = office
                    .appointments
                    .as_ref()
                    .map(|c| c.services.iter().map(|b| b.id.as_str()).collect());
                problems.extend(s.check(&format!("/offices/{i}/id_status"), calendar));
            }
            if !office.found_fees.is_empty() && !office.lost_and_found {
                problems.push(Problem::at(
                    format!("/offices/{i}/found_fees"),
                    "fees of a Fundbüro, but the office has no lost_and_found: true",
                ));
            }
            problems.extend(crate::found::check_fee_tiers(
                &office.found_fees,
                &format!("/offices/{i}/found_fees"),
            ));
        }
        let mut targets = std::collections::HashSet::new();
        for (i, d) in self.deliveries.iter().enumerate() {
            if !targets.insert(d.id.as_str()) {
                problems.push(Problem::at(
                    format!("/deliveries/{i}/id"),
                    format!("duplicate delivery target id '{}'", d.id),
                ));
            }
            problems.extend(d.check(&format!("/deliveries/{i}")));
        }
        if let Some(c) = &self.cash_office {
            problems.extend(c.check());
            if matches!(c.online, Some(OnlinePaymentDef::Demo)) && !self.demo {
                problems.push(Problem::at(
                    "/cash_office/online",
                    "the demo payment service marks fees paid without money; it is only allowed for demo tenants (demo: true)",
                ));
            }
        }
        let mut apps = std::collections::HashSet::new();
        for (i, a) in self.apps.iter().enumerate() {
            if !apps.insert(a.id.as_str()) {
                problems.push(Problem::at(
                    format!("/apps/{i}/id"),
                    format!("duplicate app id '{}'", a.id),
                ));
            }
            problems.extend(a.check(&format!("/apps/{i}")));
        }
        for (i, inc) in self.includes.iter().enumerate() {
            if inc.tenant == self.id {
                problems.push(Problem::at(
                    format!("/includes/{i}/tenant"),
                    "a tenant cannot include its own services",
                ));
            }
        }
        problems
    }

    /// The app `client_id` of this tenant, if registered.
    pub fn app(&self, client_id: &str) -> Option<&crate::app_client::AppClientDef> {
        self.apps.iter().find(|a| a.id == client_id)
    }

    pub fn reference_prefix(&self) -> String {
        self.reference_prefix.clone().unwrap_or_else(|| {
            self.id
                .as_str()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(6)
                .collect::<String>()
                .to_ascii_uppercase()
        })
    }

    pub fn office(&self, id: &OfficeId) -> Option<&OfficeDef> {
        self.offices.iter().find(|o| &o.id == id)
    }

    pub fn delivery(&self, id: &str) -> Option<&crate::delivery::DeliveryDef> {
        self.deliveries.iter().find(|d| d.id == id)
    }

    /// The targets that receive `service`'s applications at `event`.
    pub fn deliveries_for<'a>(
        &'a self,
        service: &'a ServiceId,
        event: crate::delivery::DeliveryEvent,
    ) -> impl Iterator<Item = &'a crate::delivery::DeliveryDef> + 'a {
        self.deliveries
            .iter()
            .filter(move |d| d.applies(service, event))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast() {
        let black = contrast_with_white("#000000").unwrap_or_default();
        assert!((black - 21.0).abs() < 0.01);
        let white = contrast_with_white("#ffffff").unwrap_or_default();
        assert!((white - 1.0).abs() < 0.01);
        assert!(contrast_with_white("#1d4f91").unwrap_or_default() >= 4.5);
        assert!(contrast_with_white("#ffcc00").unwrap_or_default() < 4.5);
        assert_eq!(contrast_with_white("#12"), None);
    }

    #[test]
    fn cash_office_rules() {
        let office = |v: serde_json::Value| -> CashOfficeDef {
            serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"))
        };
        let ok = office(
            serde_json::json!({"name": "Stadtkasse", "iban": "DE02120300000000202051", "online": "demo"}),
        );
        assert!(ok.check().is_empty());
        let bad = office(serde_json::json!({
            "name": "Stadtkasse", "iban": "DE02120300000000202052",
            "online": {"xbezahldienste": {"base_url": "http://pay.example", "originator_id": "o", "endpoint_id": "e",
                       "token_url": "https://pay.example/token", "client_secret_env": "RATHAUS_X"}}
        }));
        let pointers: Vec<String> = bad.check().into_iter().map(|p| p.pointer).collect();
        assert_eq!(
            pointers,
            [
                "/cash_office/iban",
                "/cash_office/online/xbezahldienste/base_url",
                "/cash_office/online/xbezahldienste/client_secret_env",
                "/cash_office/online/xbezahldienste",
            ]
        );
    }
}

/// The account fees are paid to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CashOfficeDef {
    /// Account holder as the bank knows it, e.g. "Stadtkasse Soest" (at most 70 characters).
    #[schemars(length(min = 1, max = 70))]
    pub name: String,
    /// IBAN without spaces.
    #[schemars(regex(pattern = r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"))]
    pub iban: String,
    /// BIC (optional for transfers within the EEA).
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Z0-9]{8}([A-Z0-9]{3})?$"))]
    pub bic: Option<String>,
    /// SEPA creditor identifier (Gläubiger-ID) for direct debits, e.g. `DE98ZZZ09999999999`.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{3}[A-Z0-9]{1,28}$"))]
    pub creditor_id: Option<String>,
    /// Online payment besides the transfer: `demo` (a built-in pay page for trying the
    /// portal out; no money moves) or an XBezahldienste payment service.
    #[serde(default)]
    pub online: Option<OnlinePaymentDef>,
}

impl CashOfficeDef {
    /// The account and the online payment service are usable (JSON pointers below
    /// `/cash_office`).
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        if !crate::form::iban_valid(&self.iban) {
            problems.push(Problem::at(
                "/cash_office/iban",
                format!("'{}' is not a valid IBAN (check digits)", self.iban),
            ));
        }
        if let Some(id) = &self.creditor_id {
            if !crate::sepa::creditor_id_valid(id) {
                problems.push(Problem::at(
                    "/cash_office/creditor_id",
                    format!("'{id}' is not a valid SEPA creditor identifier (check digits)"),
                ));
            }
        }
        if let Some(OnlinePaymentDef::Xbezahldienste(x)) = &self.online {
            let loopback = |u: &str| {
                u.strip_prefix("http://").is_some_and(|rest| {
                    let host = rest.split(['/', ':']).next().unwrap_or("");
                    host == "127.0.0.1" || host == "localhost"
                })
            };
            for (at, url) in [
                ("base_url", Some(&x.base_url)),
                ("token_url", x.token_url.as_ref()),
            ] {
                if let Some(u) = url {
                    if !u.starts_with("https://") && !loopback(u) {
                        problems.push(Problem::at(
                            format!("/cash_office/online/xbezahldienste/{at}"),
                            "payment data may only travel over https:// (plain http:// is allowed for 127.0.0.1 and localhost only)",
                        ));
                    }
                }
            }
            if let Some(m) = x
                .client_secret_env
                .as_deref()
                .and_then(|v| reserved_env(v, "secret"))
            {
                problems.push(Problem::at(
                    "/cash_office/online/xbezahldienste/client_secret_env",
                    m,
                ));
            }
            if x.token_url.is_some() && (x.client_id.is_none() || x.client_secret_env.is_none()) {
                problems.push(Problem::at(
                    "/cash_office/online/xbezahldienste",
                    "with token_url, client_id and client_secret_env are needed",
                ));
            }
        }
        problems
    }
}

/// How fees are paid online.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum OnlinePaymentDef {
    /// The built-in demo pay page (marked as demo; nothing is charged).
    Demo,
    /// A payment service speaking XBezahldienste 1.0 (FITKO).
    Xbezahldienste(XbezahldiensteDef),
}

/// Access to an XBezahldienste payment service. The ids are assigned by its operator.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct XbezahldiensteDef {
    /// Base URL of the API, e.g. `https://payment.example/api/xbezahldienste`.
    #[schemars(regex(pattern = r"^https?://"))]
    pub base_url: String,
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,36}$"))]
    pub originator_id: String,
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,36}$"))]
    pub endpoint_id: String,
    /// OAuth 2.0 token endpoint (client credentials); without it requests carry no token.
    #[serde(default)]
    #[schemars(regex(pattern = r"^https?://"))]
    pub token_url: Option<String>,
    #[serde(default)]
    pub client_id: Option<String>,
    /// Environment variable holding the client secret.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[A-Z][A-Z0-9_]{0,63}$"))]
    pub client_secret_env: Option<String>,
}
