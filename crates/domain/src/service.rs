//! Service definitions (Leistungen): what a service is, who may apply, what it needs and
//! costs, who is responsible. Later capabilities (form, payment, delivery, appointments)
//! add optional sections to the same type; the file format grows, it never breaks.

use crate::ids::{LifeSituationId, OfficeId, ServiceId, TopicId};
use crate::tenant::Problem;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `<tenant>/services/<id>.yaml`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    /// Unique within the tenant; appears in URLs.
    pub id: ServiceId,
    /// Version of this definition. Raise it whenever the content changes; submissions
    /// record the version they were made with.
    #[schemars(range(min = 1))]
    pub version: u32,
    /// LeiKa service key (14 digits), where the federal catalogue has one.
    #[serde(default)]
    #[schemars(regex(pattern = r"^[0-9]{14}$"))]
    pub leika: Option<String>,
    /// Responsible office: an office id of the same tenant.
    pub office: OfficeId,
    /// Name of the service.
    pub title: Text,
    /// One or two sentences for result lists.
    pub summary: Text,
    /// What the service is.
    pub description: Text,
    /// Who may apply (Voraussetzungen).
    pub eligibility: Text,
    /// Documents to provide.
    #[serde(default)]
    pub documents: Vec<DocumentDef>,
    /// Fees; none means the service is free of charge.
    #[serde(default)]
    pub fees: Vec<FeeDef>,
    /// Legal basis (Rechtsgrundlagen).
    #[schemars(length(min = 1))]
    pub legal_basis: Vec<LegalRefDef>,
    /// How long processing usually takes.
    pub processing_time: ProcessingTimeDef,
    /// Whether the whole procedure, including the notice, can be done online (OZG Reifegrad 3).
    pub fully_online: bool,
    /// What still needs a visit or post, if anything.
    #[serde(default)]
    pub online_note: Option<Text>,
    /// The same information in Leichte Sprache (easy-to-read German; `en` is plain English).
    pub easy_language: Text,
    /// Catalogue topics (ids from `portal.yaml`).
    #[schemars(length(min = 1))]
    pub topics: Vec<TopicId>,
    /// Life situations (ids from `portal.yaml`).
    #[serde(default)]
    pub life_situations: Vec<LifeSituationId>,
    /// Other words people search for ("Hundesteuer" for the dog registration).
    #[serde(default)]
    pub synonyms: Vec<String>,
    /// The online application form, if the service can be applied for online.
    #[serde(default)]
    pub form: Option<crate::form::FormDef>,
    /// Who may apply online: guests or only with an account, and the lowest eIDAS level.
    #[serde(default)]
    pub login: crate::account::LoginPolicy,
    /// The notice (Bescheid) staff send when they decide; without it, decisions use a
    /// generic wording and the tenant's Rechtsbehelfsbelehrung is missing from the letter.
    #[serde(default)]
    pub notice: Option<crate::case::NoticeDef>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentDef {
    pub name: Text,
    /// False for documents needed only in some cases.
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub note: Option<Text>,
}

fn yes() -> bool {
    true
}

/// A fee item. Amounts are integer euro cents, never floating point.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeDef {
    pub label: Text,
    /// Amount in euro cents (2550 = 25,50 EUR).
    pub amount_cents: u64,
    /// Upper end where the fee is a range, in euro cents.
    #[serde(default)]
    pub amount_max_cents: Option<u64>,
    /// "per dog and year", "depending on income" …
    #[serde(default)]
    pub note: Option<Text>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalRefDef {
    /// Citation, e.g. "§ 10 Staatsangehörigkeitsgesetz (StAG)".
    pub title: String,
    /// Link to the law text.
    #[serde(default)]
    #[schemars(regex(pattern = r"^https://"))]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcessingTimeDef {
    /// Target processing time in calendar days.
    #[schemars(range(min = 1, max = 3650))]
    pub days: u32,
    #[serde(default)]
    pub note: Option<Text>,
}

fn group_thousands(mut euros: u64, sep: char) -> String {
    let mut groups = Vec::new();
    loop {
        groups.push(euros % 1000);
        euros /= 1000;
        if euros == 0 {
            break;
        }
    }
    let mut out = groups.pop().map(|g| g.to_string()).unwrap_or_default();
    while let Some(g) = groups.pop() {
        out.push(sep);
        out.push_str(&format!("{g:03}"));
    }
    out
}

/// Formats euro cents the German way: `1234567` → `12.345,67 €` (non-breaking space).
pub fn format_eur_de(cents: u64) -> String {
    format!(
        "{},{:02}\u{a0}€",
        group_thousands(cents / 100, '.'),
        cents % 100
    )
}

/// As [`format_eur_de`] for signed amounts.
pub fn format_eur_de_i64(cents: i64) -> String {
    let s = format_eur_de(cents.unsigned_abs());
    if cents < 0 {
        format!("-{s}")
    } else {
        s
    }
}

/// Formats euro cents the English way: `1234567` → `€12,345.67`.
pub fn format_eur_en(cents: u64) -> String {
    format!("€{}.{:02}", group_thousands(cents / 100, ','), cents % 100)
}

impl ServiceDef {
    /// Rules within this one file (cross-file rules live in the catalogue).
    pub fn check(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (i, fee) in self.fees.iter().enumerate() {
            if let Some(max) = fee.amount_max_cents {
                if max <= fee.amount_cents {
                    problems.push(Problem::at(
                        format!("/fees/{i}/amount_max_cents"),
                        format!(
                            "upper end {max} must be greater than amount_cents {}",
                            fee.amount_cents
                        ),
                    ));
                }
            }
        }
        if let Some(n) = &self.notice {
            for (at, p) in n.unknown_placeholders() {
                problems.push(Problem::at(
                    format!("/notice/{at}"),
                    format!(
                        "unknown placeholder {{{p}}}; known are {}",
                        crate::case::NOTICE_PLACEHOLDERS
                            .iter()
                            .map(|x| format!("{{{x}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
            }
        }
        let mut seen = std::collections::HashSet::new();
        for (i, t) in self.topics.iter().enumerate() {
            if !seen.insert(t) {
                problems.push(Problem::at(
                    format!("/topics/{i}"),
                    format!("topic '{t}' is listed twice"),
                ));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euro_formatting() {
        assert_eq!(format_eur_de(0), "0,00\u{a0}€");
        assert_eq!(format_eur_de(2550), "25,50\u{a0}€");
        assert_eq!(format_eur_de(1234567), "12.345,67\u{a0}€");
        assert_eq!(format_eur_de(100000), "1.000,00\u{a0}€");
        assert_eq!(format_eur_en(1234567), "€12,345.67");
        assert_eq!(format_eur_en(5), "€0.05");
    }
}
