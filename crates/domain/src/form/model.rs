//! The declared shape of a form (part of `ServiceDef`).

use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `form:` in a service definition.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    /// Pages of the form, in order.
    #[schemars(length(min = 1))]
    pub steps: Vec<StepDef>,
    /// Checks across fields, e.g. "end after start".
    #[serde(default)]
    pub rules: Vec<RuleDef>,
    /// Values computed from the answers (fees, required income …), in order; each may use
    /// the ones before it.
    #[serde(default)]
    pub computed: Vec<ComputedDef>,
    /// Whether someone without an account may apply (the account comes with a later issue).
    #[serde(default = "yes")]
    pub guests: bool,
    /// Optional eligibility pre-check before the form: a few questions, and plain answers
    /// whether applying makes sense and what to prepare. Nothing of it is stored.
    #[serde(default)]
    pub precheck: Option<PrecheckDef>,
    /// Automated pre-checks shown to staff in the case view (e.g. "income covers the
    /// requirement", "proof of income uploaded"). Each is a CEL condition over the answers
    /// and computed values; fields without an answer are `null`.
    #[serde(default)]
    pub checks: Vec<CheckDef>,
    /// What the citizen pays with the application (itemised on the check page and the
    /// receipt, paid by bank transfer to the responsible tenant's cash office).
    #[serde(default)]
    pub payment: Option<PaymentDef>,
}

/// The fee of an application, in items. Amounts come from the definition or from computed
/// values (integer cents), so every rule about money is a checked CEL expression.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentDef {
    #[schemars(length(min = 1))]
    pub items: Vec<FeeItemDef>,
    /// The cash office's booking code for this fee (Buchungsstelle / Haushaltsstelle), e.g.
    /// "1.2.1.01.431100"; travels with every payment into the booking export.
    #[schemars(length(min = 1, max = 40))]
    pub booking_code: String,
    /// Short purpose shown on the transfer before the reference, e.g. "Meldebescheinigung".
    pub purpose: Text,
    /// Collection by SEPA direct debit when the citizen gives a mandate in the form.
    #[serde(default)]
    pub direct_debit: Option<DirectDebitDef>,
    /// Paid before the office works on it (certificates, permits): the application is handed
    /// over to the office's systems only once the fee is paid.
    #[serde(default)]
    pub upfront: bool,
}

/// Where the form asks for the SEPA mandate: the IBAN field and the account holder field.
/// A fee is collected by direct debit when the IBAN field is answered (it is visible only
/// when the citizen chose direct debit).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectDebitDef {
    /// Id of a field of kind `iban`.
    pub iban: String,
    /// Id of the field with the account holder's name.
    pub holder: String,
    /// The fee is only ever collected by direct debit: without a mandate nothing is owed
    /// with the application (e.g. a tax that a later notice sets).
    #[serde(default)]
    pub only: bool,
}

/// One fee item: a fixed unit price (`amount_cents`) or a computed money value (`amount`),
/// optionally times a computed number (`quantity`). Items that come to zero are left out.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeItemDef {
    pub label: Text,
    /// Unit price in euro cents.
    #[serde(default)]
    pub amount_cents: Option<u64>,
    /// Id of a computed value with `format: money`.
    #[serde(default)]
    pub amount: Option<String>,
    /// Id of a computed value with `format: number` (e.g. the number of certificates).
    #[serde(default)]
    pub quantity: Option<String>,
}

/// One automated pre-check for staff.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckDef {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]{0,63}$"))]
    pub id: String,
    /// What is checked, phrased so that "yes" is good.
    pub label: Text,
    /// CEL condition; true: met, false: not met.
    pub expr: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrecheckDef {
    pub intro: Text,
    /// Questions (fields of kinds yes_no, number, choice, date).
    #[schemars(length(min = 1))]
    pub questions: Vec<FieldDef>,
    /// Evaluated in order; every outcome whose `when` holds is shown.
    #[schemars(length(min = 1))]
    pub outcomes: Vec<OutcomeDef>,
    /// What to prepare, shown when no outcome says applying is not possible.
    #[serde(default)]
    pub prepare: Option<Text>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Applying makes sense.
    Likely,
    /// Applying is possible but something is missing or uncertain.
    Uncertain,
    /// The requirements are not met.
    NotPossible,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeDef {
    /// CEL condition over the question ids.
    pub when: String,
    pub verdict: Verdict,
    pub message: Text,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDef {
    /// Unique within the form; appears in URLs.
    #[schemars(regex(pattern = crate::ids::SLUG_PATTERN))]
    pub id: String,
    pub title: Text,
    /// Introduction shown above the fields.
    #[serde(default)]
    pub intro: Option<Text>,
    /// CEL condition on answers of earlier steps; the step is skipped when false.
    #[serde(default)]
    pub visible_if: Option<String>,
    #[schemars(length(min = 1))]
    pub fields: Vec<FieldDef>,
}

/// The kinds of field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text.
    Textarea,
    /// A whole number (`min`/`max`).
    Number,
    /// An amount in euros, stored as cents (`min`/`max` in cents).
    Money,
    /// A date entered as TT.MM.JJJJ, stored as YYYY-MM-DD.
    Date,
    /// One of `options` (or of a code list).
    Choice,
    /// Any number of `options` (or of a code list).
    MultiChoice,
    /// Ja / Nein.
    YesNo,
    /// German address: street, house number, PLZ, Ort.
    Address,
    Email,
    Phone,
    /// IBAN with check digits.
    Iban,
    /// Country or nationality from a code list.
    Country,
    /// Upload of one file (`accept`, `max_bytes`).
    File,
    /// Text to read; no answer.
    Info,
    /// A repeatable group of `fields` (`min`/`max` entries).
    Group,
}

impl FieldKind {
    /// Whether the field takes an answer at all.
    pub fn has_answer(self) -> bool {
        !matches!(self, FieldKind::Info)
    }
}

/// One field. Kind-specific keys are checked against the kind when the definition loads.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    /// Unique within the form (within its group for group members); a CEL identifier.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]{0,63}$"))]
    pub id: String,
    pub kind: FieldKind,
    /// Label (for `info`: the heading, may be omitted).
    #[serde(default)]
    pub label: Option<Text>,
    /// Help text under the label.
    #[serde(default)]
    pub hint: Option<Text>,
    /// Body text of an `info` block.
    #[serde(default)]
    pub text: Option<Text>,
    /// Whether an answer is required (default: yes). Ignored while the field is hidden.
    #[serde(default = "yes")]
    pub required: bool,
    /// CEL condition: required only when true (sets `required: false` otherwise).
    #[serde(default)]
    pub required_if: Option<String>,
    /// CEL condition: the field is shown (and answered) only when true.
    #[serde(default)]
    pub visible_if: Option<String>,
    /// `text`, `textarea`: length limits in characters.
    #[serde(default)]
    pub min_length: Option<u32>,
    #[serde(default)]
    pub max_length: Option<u32>,
    /// `text`: regular expression the whole answer must match, and the message if not.
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub pattern_message: Option<Text>,
    /// `number`, `money` (cents), `group` (entries): bounds, inclusive.
    #[serde(default)]
    pub min: Option<i64>,
    #[serde(default)]
    pub max: Option<i64>,
    /// `date`: earliest and latest date, as CEL expressions giving YYYY-MM-DD, e.g.
    /// `add_years(today, -120)`, `today`, `'2025-01-01'`.
    #[serde(default)]
    pub min_date: Option<String>,
    #[serde(default)]
    pub max_date: Option<String>,
    /// `choice`, `multi_choice`: the options.
    #[serde(default)]
    pub options: Vec<OptionDef>,
    /// `choice`, `multi_choice`, `country`: a code list of the portal (`codelists/<id>.yaml`).
    #[serde(default)]
    pub code_list: Option<String>,
    /// `file`: allowed types (`pdf`, `jpeg`, `png`).
    #[serde(default)]
    pub accept: Vec<FileType>,
    /// `file`: largest size in bytes.
    #[serde(default)]
    pub max_bytes: Option<u64>,
    /// `group`: the fields of one entry.
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    /// `group`: what one entry is called ("Hund", "Kind").
    #[serde(default)]
    pub item_label: Option<Text>,
    /// Prefill from the citizen account (later issue): e.g. `given_name`.
    #[serde(default)]
    pub prefill: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    /// Stored value (a slug).
    pub value: String,
    pub label: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileType {
    Pdf,
    Jpeg,
    Png,
}

impl FileType {
    pub fn as_str(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Jpeg => "jpeg",
            FileType::Png => "png",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
        }
    }

    /// The type of a file judged by its first bytes (magic numbers), never by its name.
    pub fn sniff(head: &[u8]) -> Option<FileType> {
        if head.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
            Some(FileType::Png)
        } else {
            None
        }
    }
}

impl FieldDef {
    /// The field's CEL expressions by key, where set.
    pub fn expressions(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            ("visible_if", &self.visible_if),
            ("required_if", &self.required_if),
            ("min_date", &self.min_date),
            ("max_date", &self.max_date),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.as_deref()?)))
    }

    /// Largest accepted size of a file field.
    pub fn max_file_bytes(&self) -> u64 {
        self.max_bytes
            .unwrap_or(super::validate::DEFAULT_FILE_BYTES)
    }
}

/// A check across fields: when `check` is false, `message` is shown at `field`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    /// CEL condition that must hold.
    pub check: String,
    /// Field (top-level id) that gets the message.
    pub field: String,
    pub message: Text,
}

/// How a computed value is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ComputedFormat {
    /// Integer cents shown as euros.
    Money,
    Number,
    Text,
}

#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComputedDef {
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]{0,63}$"))]
    pub id: String,
    pub label: Text,
    /// CEL expression over the answers and earlier computed values.
    pub expr: String,
    pub format: ComputedFormat,
    /// Shown to the citizen on the check page (else only kept with the application).
    #[serde(default = "yes")]
    pub show: bool,
}

/// A code list (`codelists/<id>.yaml`): nationalities, listed dog breeds, bin sizes …
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeListDef {
    pub id: String,
    pub title: Text,
    /// Where the list comes from (standard, law, statute).
    pub source: String,
    #[schemars(length(min = 1))]
    pub entries: Vec<OptionDef>,
}
