//! The lost-and-found office (Fundbüro): found items with a public and a private layer,
//! what may be published, loss reports and how they are matched, and the rules of the
//! BGB on found property (§§ 965–984) that the office applies.
//!
//! The public layer (category, colour, brand, a short description, a coarse place, the
//! day) is what anyone may search; the private layer (serial numbers, contents,
//! distinguishing marks) is what an owner proves ownership with and is never published.
//! Identity documents and bank cards are never listed at all: they go back to the office
//! that issued them.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// What was found (a fixed code list, so searches and matching compare like with like).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Bag,
    Wallet,
    Keys,
    Phone,
    Electronics,
    Jewellery,
    Watch,
    Glasses,
    Clothing,
    Umbrella,
    Bicycle,
    Toy,
    Sports,
    /// Personalausweis, Reisepass, Führerschein …: never listed; back to the issuer.
    IdentityDocument,
    /// Bank and credit cards: never listed; back to the bank.
    BankCard,
    Other,
}

impl Category {
    pub const ALL: [Category; 16] = [
        Category::Bag,
        Category::Wallet,
        Category::Keys,
        Category::Phone,
        Category::Electronics,
        Category::Jewellery,
        Category::Watch,
        Category::Glasses,
        Category::Clothing,
        Category::Umbrella,
        Category::Bicycle,
        Category::Toy,
        Category::Sports,
        Category::IdentityDocument,
        Category::BankCard,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Bag => "bag",
            Category::Wallet => "wallet",
            Category::Keys => "keys",
            Category::Phone => "phone",
            Category::Electronics => "electronics",
            Category::Jewellery => "jewellery",
            Category::Watch => "watch",
            Category::Glasses => "glasses",
            Category::Clothing => "clothing",
            Category::Umbrella => "umbrella",
            Category::Bicycle => "bicycle",
            Category::Toy => "toy",
            Category::Sports => "sports",
            Category::IdentityDocument => "identity_document",
            Category::BankCard => "bank_card",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Listed in the public search at all.
    pub fn is_public(self) -> bool {
        !matches!(self, Category::IdentityDocument | Category::BankCard)
    }
}

/// Colours of the code list (as people name them; "mehrfarbig" for patterns).
pub const COLOURS: [&str; 14] = [
    "schwarz",
    "weiss",
    "grau",
    "silber",
    "gold",
    "braun",
    "beige",
    "rot",
    "rosa",
    "orange",
    "gelb",
    "gruen",
    "blau",
    "mehrfarbig",
];

/// Why a public text was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redaction {
    /// A person's name after a form of address or a "name" label.
    Name,
    /// Five or more digits in a row (card, serial, account or phone numbers).
    DigitRun,
    Iban,
    Email,
    Phone,
}

impl Redaction {
    /// The key of its message.
    pub fn key(self) -> &'static str {
        match self {
            Redaction::Name => "found-redact-name",
            Redaction::DigitRun => "found-redact-digits",
            Redaction::Iban => "found-redact-iban",
            Redaction::Email => "found-redact-email",
            Redaction::Phone => "found-redact-phone",
        }
    }
}

/// Forms of address and labels after which a name follows.
const NAME_CUES: [&str; 14] = [
    "herr",
    "herrn",
    "frau",
    "dr",
    "prof",
    "name",
    "namens",
    "names",
    "inhaber",
    "inhaberin",
    "besitzer",
    "besitzerin",
    "mr",
    "mrs",
];

/// What in `text` must not be published. Deliberately strict: a public description names
/// the kind of thing, not whose it is; what identifies it belongs in the private layer.
pub fn redaction_problems(text: &str) -> Vec<Redaction> {
    let mut out = Vec::new();
    let mut push = |r: Redaction| {
        if !out.contains(&r) {
            out.push(r)
        }
    };
    // E-mail addresses: something@something.something.
    for w in text.split_whitespace() {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric() && c != '@');
        if let Some((a, b)) = w.split_once('@') {
            if !a.is_empty() && b.contains('.') && !b.starts_with('.') && !b.ends_with('.') {
                push(Redaction::Email);
            }
        }
    }
    // IBAN: two capitals and two digits starting a word, then 10 to 30 letters or digits
    // (in groups separated by spaces, as IBANs are written).
    let chars: Vec<char> = text.chars().collect();
    for i in 0..chars.len().saturating_sub(4) {
        let starts = (i == 0 || !chars[i - 1].is_alphanumeric())
            && chars[i].is_ascii_uppercase()
            && chars[i + 1].is_ascii_uppercase()
            && chars[i + 2].is_ascii_digit()
            && chars[i + 3].is_ascii_digit();
        if starts {
            let rest = chars[i + 4..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || c.is_ascii_uppercase() || **c == ' ')
                .filter(|c| c.is_ascii_alphanumeric())
                .count();
            if rest >= 10 {
                push(Redaction::Iban);
                break;
            }
        }
    }
    // Phone numbers: + or 0 followed by digits with spaces, slashes, dashes (6+ digits).
    for i in 0..chars.len() {
        if (chars[i] == '+' || chars[i] == '0') && (i == 0 || !chars[i - 1].is_alphanumeric()) {
            let digits = chars[i..]
                .iter()
                .take_while(|c| {
                    c.is_ascii_digit() || matches!(c, ' ' | '/' | '-' | '+' | '(' | ')')
                })
                .filter(|c| c.is_ascii_digit())
                .count();
            if digits >= 6 {
                push(Redaction::Phone);
                break;
            }
        }
    }
    // Digit runs of five or more (ignoring single spaces and dashes between groups).
    let mut run = 0;
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            run += 1;
            gap = false;
            if run >= 5 {
                push(Redaction::DigitRun);
                break;
            }
        } else if (c == ' ' || c == '-') && run > 0 && !gap {
            gap = true;
        } else {
            run = 0;
            gap = false;
        }
    }
    // A capitalised word after a cue ("Herr Meyer", "Name: Anna").
    let words: Vec<&str> = text.split_whitespace().collect();
    for pair in words.windows(2) {
        let cue = pair[0]
            .trim_matches(|c: char| !c.is_alphabetic())
            .to_lowercase();
        let next = pair[1].trim_matches(|c: char| !c.is_alphabetic());
        if NAME_CUES.contains(&cue.as_str()) && next.chars().next().is_some_and(char::is_uppercase)
        {
            push(Redaction::Name);
            break;
        }
    }
    out
}

/// The finder's reward (§ 971 BGB): 5 % of the value up to 500 €, 3 % of the value above;
/// for animals 3 % of the whole value. In cents, rounded down.
pub fn finders_reward_cents(value_cents: i64, animal: bool) -> i64 {
    let value = value_cents.max(0);
    if animal {
        return value * 3 / 100;
    }
    let low = value.min(50_000);
    let high = value - low;
    low * 5 / 100 + high * 3 / 100
}

/// Months a found item is kept before the finder may claim it (§ 973 BGB: six months after
/// the find was reported to the authority, unless the owner is known by then).
pub const KEEP_MONTHS: i8 = 6;

/// The day from which the finder (or, if the finder waived, the municipality) may take an
/// item reported on `reported_on`.
pub fn keeping_ends(reported_on: Date) -> Date {
    reported_on
        .checked_add(jiff::Span::new().months(KEEP_MONTHS))
        .unwrap_or(reported_on)
}

/// What happens with an item whose keeping period is over, on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterKeeping {
    /// Still within the six months: the owner may claim it.
    Keep,
    /// The finder asked for it: the finder may take it.
    ToFinder,
    /// The finder waived (or found it in an authority or a public transport, § 978):
    /// the municipality may sell it at auction.
    Auction,
}

pub fn after_keeping(reported_on: Date, today: Date, finder_claims: bool) -> AfterKeeping {
    if today < keeping_ends(reported_on) {
        AfterKeeping::Keep
    } else if finder_claims {
        AfterKeeping::ToFinder
    } else {
        AfterKeeping::Auction
    }
}

/// The kinds of private features staff keep of an item. Each one kept becomes a question
/// a claimant must answer; the answers are compared by staff (only a serial number is
/// compared here, as a hint).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    /// A serial number, IMEI, frame number, engraved number …
    Serial,
    /// What is inside (a bag's or a wallet's contents).
    Contents,
    /// Distinguishing marks: stickers, damage, engravings, key fobs …
    Marks,
}

impl Feature {
    pub const ALL: [Feature; 3] = [Feature::Serial, Feature::Contents, Feature::Marks];

    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Serial => "serial",
            Feature::Contents => "contents",
            Feature::Marks => "marks",
        }
    }

    /// The form field of the feature (staff form and claim form alike).
    pub fn field(self) -> &'static str {
        match self {
            Feature::Serial => "seriennummer",
            Feature::Contents => "inhalt",
            Feature::Marks => "merkmale",
        }
    }
}

/// The private layer of an item (or a claimant's answers to it), by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub serial: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub contents: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub marks: String,
}

impl Features {
    pub fn get(&self, f: Feature) -> &str {
        match f {
            Feature::Serial => &self.serial,
            Feature::Contents => &self.contents,
            Feature::Marks => &self.marks,
        }
    }

    pub fn set(&mut self, f: Feature, v: String) {
        match f {
            Feature::Serial => self.serial = v,
            Feature::Contents => self.contents = v,
            Feature::Marks => self.marks = v,
        }
    }

    /// Reads the stored form (a JSON object); any other text is read as marks (what a free
    /// text field once held).
    pub fn from_stored(s: &str) -> Features {
        if s.trim_start().starts_with('{') {
            if let Ok(f) = serde_json::from_str(s) {
                return f;
            }
        }
        Features {
            marks: s.trim().to_owned(),
            ..Features::default()
        }
    }

    pub fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// What a claimant is asked: one question for each feature kept; with none kept, to
    /// describe its distinguishing marks.
    pub fn questions(&self) -> Vec<Feature> {
        let q: Vec<Feature> = Feature::ALL
            .into_iter()
            .filter(|f| !self.get(*f).trim().is_empty())
            .collect();
        if q.is_empty() {
            vec![Feature::Marks]
        } else {
            q
        }
    }
}

/// Whether two serial numbers are the same: letters and digits only, case ignored, the
/// letter O read as the digit 0 (as on documents). Empty never agrees.
pub fn serials_agree(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| match c.to_ascii_uppercase() {
                'O' => '0',
                c => c,
            })
            .collect()
    };
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// A tier of the office's fee for handing a found item back (Fundgebühr, as the
/// municipality's fee statute sets it): it applies to values up to `up_to_cents`; the last
/// tier may leave it open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FeeTier {
    /// The highest value (in euro cents) this tier applies to; none: every value above the
    /// tiers before.
    #[serde(default)]
    pub up_to_cents: Option<u64>,
    /// The fee in euro cents.
    pub fee_cents: u64,
}

/// The fee for handing back an item of `value_cents` (the first tier that covers it);
/// `None` without tiers or beyond the last closed one.
pub fn handover_fee_cents(tiers: &[FeeTier], value_cents: i64) -> Option<i64> {
    let value = value_cents.max(0) as u64;
    tiers
        .iter()
        .find(|t| t.up_to_cents.is_none_or(|u| value <= u))
        .map(|t| t.fee_cents as i64)
}

/// Problems of a fee table, with pointers below `at`: rising limits, only the last open,
/// fees up to 10,000 €.
pub fn check_fee_tiers(tiers: &[FeeTier], at: &str) -> Vec<crate::tenant::Problem> {
    use crate::tenant::Problem;
    let mut problems = Vec::new();
    let mut last: Option<u64> = None;
    for (i, t) in tiers.iter().enumerate() {
        match t.up_to_cents {
            None if i + 1 < tiers.len() => problems.push(Problem::at(
                format!("{at}/{i}/up_to_cents"),
                "only the last tier may leave the value open",
            )),
            Some(u) if last.is_some_and(|l| u <= l) => problems.push(Problem::at(
                format!("{at}/{i}/up_to_cents"),
                format!("{u} must be above the tier before ({})", last.unwrap_or(0)),
            )),
            _ => {}
        }
        if t.fee_cents > 1_000_000 {
            problems.push(Problem::at(
                format!("{at}/{i}/fee_cents"),
                format!("{}: at most 1000000 (10,000 €)", t.fee_cents),
            ));
        }
        last = t.up_to_cents.or(last);
    }
    problems
}

/// The public layer of a found item (what the search shows and matches over).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicItem {
    pub category: Category,
    pub colour: Option<String>,
    pub brand: Option<String>,
    pub description: String,
    /// Coarse: a district or a street, never a house number.
    pub place: String,
    pub found_on: Date,
}

/// A loss as a citizen reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub category: Category,
    pub colour: Option<String>,
    pub description: String,
    pub place: String,
    pub lost_on: Date,
}

/// Whether a found item may be what was lost: the same category, found on or after the
/// day of the loss (within a year), the same colour if both name one, and — when the loss
/// names anything beyond the category — a word in common. A suggestion for staff and a
/// hint to the owner, never a decision on ownership.
pub fn may_match(item: &PublicItem, loss: &Loss) -> bool {
    if item.category != loss.category || item.found_on < loss.lost_on {
        return false;
    }
    if item.found_on
        > loss
            .lost_on
            .checked_add(jiff::Span::new().years(1))
            .unwrap_or(loss.lost_on)
    {
        return false;
    }
    if let (Some(a), Some(b)) = (&item.colour, &loss.colour) {
        if a != b {
            return false;
        }
    }
    let lost: Vec<_> = crate::search::query_words(&format!("{} {}", loss.description, loss.place))
        .into_iter()
        .filter(|w| w.a.chars().count() >= 3)
        .collect();
    if lost.is_empty() {
        return true;
    }
    let found = crate::search::words(&format!(
        "{} {} {}",
        item.brand.as_deref().unwrap_or(""),
        item.description,
        item.place
    ));
    lost.iter()
        .any(|q| found.iter().any(|t| crate::search::word_match(q, t) > 0))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i16, m: i8, day: i8) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn what_may_not_be_published() {
        assert!(redaction_problems("Schwarzer Rucksack mit Laptopfach").is_empty());
        assert!(redaction_problems("Schlüsselbund mit 3 Schlüsseln, roter Anhänger").is_empty());
        assert!(redaction_problems("Handy, Hülle Größe 12").is_empty());
        assert_eq!(
            redaction_problems("Geldbörse von Frau Meyer"),
            [Redaction::Name]
        );
        assert_eq!(
            redaction_problems("Name: Anna im Futter"),
            [Redaction::Name]
        );
        assert_eq!(
            redaction_problems("Karte 1234 5678 9012"),
            [Redaction::DigitRun]
        );
        assert!(redaction_problems("IBAN DE02 1203 0000 0000 2020 51").contains(&Redaction::Iban));
        assert_eq!(
            redaction_problems("Zettel mit anna@example.org"),
            [Redaction::Email]
        );
        assert!(redaction_problems("Anhänger mit 0171 2345678").contains(&Redaction::Phone));
        assert!(redaction_problems("Tel. +49 2921 000").contains(&Redaction::Phone));
    }

    #[test]
    fn the_reward_of_section_971() {
        assert_eq!(finders_reward_cents(10_000, false), 500, "5 % of 100 €");
        assert_eq!(finders_reward_cents(50_000, false), 2_500, "5 % of 500 €");
        assert_eq!(
            finders_reward_cents(150_000, false),
            2_500 + 3_000,
            "+3 % of the 1,000 € above"
        );
        assert_eq!(finders_reward_cents(10_000, true), 300, "animals: 3 %");
        assert_eq!(finders_reward_cents(-5, false), 0);
    }

    #[test]
    fn six_months_on_a_moved_clock() {
        let reported = d(2026, 8, 31);
        assert_eq!(
            keeping_ends(reported),
            d(2027, 2, 28),
            "the month's last day"
        );
        assert_eq!(
            after_keeping(reported, d(2027, 2, 27), true),
            AfterKeeping::Keep
        );
        assert_eq!(
            after_keeping(reported, d(2027, 2, 28), true),
            AfterKeeping::ToFinder
        );
        assert_eq!(
            after_keeping(reported, d(2027, 3, 1), false),
            AfterKeeping::Auction
        );
    }

    #[test]
    fn matching_suggests_never_decides() {
        let item = PublicItem {
            category: Category::Bag,
            colour: Some("blau".into()),
            brand: Some("Deuter".into()),
            description: "Rucksack mit Trinkflasche".into(),
            place: "Bahnhof".into(),
            found_on: d(2026, 12, 3),
        };
        let loss = |desc: &str, colour: Option<&str>, on: Date| Loss {
            category: Category::Bag,
            colour: colour.map(String::from),
            description: desc.into(),
            place: String::new(),
            lost_on: on,
        };
        assert!(may_match(
            &item,
            &loss("blauer Deuter-Rucksack", Some("blau"), d(2026, 12, 2))
        ));
        assert!(may_match(&item, &loss("", None, d(2026, 12, 3))));
        assert!(
            !may_match(&item, &loss("Rucksack", Some("rot"), d(2026, 12, 2))),
            "colour"
        );
        assert!(
            !may_match(&item, &loss("Rucksack", None, d(2026, 12, 4))),
            "found before it was lost"
        );
        assert!(
            !may_match(&item, &loss("Handtasche Leder", None, d(2026, 12, 1))),
            "nothing in common"
        );
    }

    #[test]
    fn questions_come_from_the_features_kept() {
        let f = Features::from_stored("Schülerausweis, Brotdose");
        assert_eq!(
            f.marks, "Schülerausweis, Brotdose",
            "old free text is read as marks"
        );
        assert_eq!(f.questions(), [Feature::Marks]);
        let f = Features {
            serial: "SN 12-34".into(),
            contents: "Brotdose".into(),
            ..Features::default()
        };
        assert_eq!(Features::from_stored(&f.to_stored()), f);
        assert_eq!(f.questions(), [Feature::Serial, Feature::Contents]);
        assert_eq!(Features::default().questions(), [Feature::Marks]);
        assert!(serials_agree("sn 12-34", "SN1234"));
        assert!(serials_agree("A0B", "aob"), "O is read as 0");
        assert!(!serials_agree("SN1234", "SN1235"));
        assert!(!serials_agree("", " - "));
    }

    #[test]
    fn fee_tiers() {
        let tiers = [
            FeeTier {
                up_to_cents: Some(5_000),
                fee_cents: 500,
            },
            FeeTier {
                up_to_cents: Some(50_000),
                fee_cents: 1_500,
            },
            FeeTier {
                up_to_cents: None,
                fee_cents: 3_000,
            },
        ];
        assert_eq!(handover_fee_cents(&tiers, 5_000), Some(500));
        assert_eq!(handover_fee_cents(&tiers, 5_001), Some(1_500));
        assert_eq!(handover_fee_cents(&tiers, 10_000_000), Some(3_000));
        assert_eq!(
            handover_fee_cents(&tiers[..2], 60_000),
            None,
            "beyond the last closed tier"
        );
        assert_eq!(handover_fee_cents(&[], 100), None);
        assert!(check_fee_tiers(&tiers, "/f").is_empty());
        let bad = [
            FeeTier {
                up_to_cents: None,
                fee_cents: 500,
            },
            FeeTier {
                up_to_cents: Some(100),
                fee_cents: 2_000_000,
            },
            FeeTier {
                up_to_cents: Some(50),
                fee_cents: 1,
            },
        ];
        let pointers: Vec<String> = check_fee_tiers(&bad, "/f")
            .into_iter()
            .map(|p| p.pointer)
            .collect();
        assert_eq!(
            pointers,
            ["/f/0/up_to_cents", "/f/1/fee_cents", "/f/2/up_to_cents"]
        );
    }

    proptest! {
        /// The reward grows with the value and never exceeds 5 % of it.
        #[test]
        fn reward_is_monotonic_and_bounded(a in 0i64..10_000_000, b in 0i64..10_000_000) {
            let (lo, hi) = (a.min(b), a.max(b));
            prop_assert!(finders_reward_cents(lo, false) <= finders_reward_cents(hi, false));
            prop_assert!(finders_reward_cents(hi, false) * 100 <= hi * 5);
            prop_assert!(finders_reward_cents(hi, true) <= finders_reward_cents(hi, false) || hi > 50_000);
        }

        /// However many digits are hidden among words, a run of five is found.
        #[test]
        fn digit_runs_are_found(prefix in "[a-zäöü ]{0,20}", n in 10_000u64..10_000_000_000, suffix in "[a-z ]{0,20}") {
            let text = format!("{prefix} {n} {suffix}");
            prop_assert!(redaction_problems(&text).contains(&Redaction::DigitRun));
        }
    }
}
