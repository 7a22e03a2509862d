//! Payments, as plain rules (the ePayment issue builds on them): the life of one payment as
//! a state machine that late and repeated notifications cannot confuse, the structured
//! creditor reference (ISO 11649, "RF…") a bank transfer carries so that a statement line
//! finds its fee, and the payload of the EPC QR code ("GiroCode") that fills a transfer in
//! a banking app. Amounts are integer euro cents, never floating point.

use crate::text::Text;
use serde::{Deserialize, Serialize};

/// The fee of one application as the form computed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fee {
    pub lines: Vec<FeeLine>,
    pub total_cents: i64,
    pub booking_code: String,
    pub purpose: Text,
}

/// One item of a fee: `quantity` × `unit_cents` = `total_cents`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeeLine {
    pub label: Text,
    pub quantity: i64,
    pub unit_cents: i64,
    pub total_cents: i64,
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// Owed, nothing started yet.
    Open,
    /// The citizen is at the payment provider (or a direct debit is on its way).
    Pending,
    /// The money arrived.
    Paid,
    /// The provider reported a failure; the citizen may try again.
    Failed,
    /// Given up before anything was paid.
    Cancelled,
    /// Paid, then paid back.
    Refunded,
}

/// What happened to a payment: the citizen started it, or the provider, the bank statement
/// or staff report an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentEvent {
    Started,
    Succeeded,
    Failed,
    Cancelled,
    Refunded,
}

/// The result of applying an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The payment moves to this status.
    Changed(PaymentStatus),
    /// Nothing to do: a repeated notification, or a late one that must not undo what is
    /// known (a "failed" after the money arrived).
    Unchanged,
    /// The event makes no sense here (a refund of a payment that was never paid).
    Refused,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 6] = [
        PaymentStatus::Open,
        PaymentStatus::Pending,
        PaymentStatus::Paid,
        PaymentStatus::Failed,
        PaymentStatus::Cancelled,
        PaymentStatus::Refunded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Open => "open",
            PaymentStatus::Pending => "pending",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Cancelled => "cancelled",
            PaymentStatus::Refunded => "refunded",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Whether money has arrived (and, for `Refunded`, gone back).
    pub fn money_received(self) -> bool {
        matches!(self, PaymentStatus::Paid | PaymentStatus::Refunded)
    }

    /// The rules. Money that arrives is never lost: a success counts whatever was known
    /// before (even after a cancellation or a reported failure — staff then refund it), and
    /// nothing but a refund leaves `Paid`. Every event is idempotent.
    pub fn apply(self, event: PaymentEvent) -> Outcome {
        use PaymentEvent as E;
        use PaymentStatus as S;
        let to = match (self, event) {
            (S::Open | S::Failed, E::Started) => S::Pending,
            (S::Open | S::Pending | S::Failed | S::Cancelled, E::Succeeded) => S::Paid,
            (S::Open | S::Pending, E::Failed) => S::Failed,
            (S::Open | S::Pending | S::Failed, E::Cancelled) => S::Cancelled,
            (S::Paid, E::Refunded) => S::Refunded,
            // Repeats and late news about a settled payment change nothing.
            (S::Pending, E::Started)
            | (S::Paid, E::Started | E::Succeeded | E::Failed | E::Cancelled)
            | (S::Failed, E::Failed)
            | (S::Cancelled, E::Started | E::Failed | E::Cancelled)
            | (S::Refunded, E::Started | E::Succeeded | E::Failed | E::Cancelled | E::Refunded) => {
                return Outcome::Unchanged
            }
            (S::Open | S::Pending | S::Failed | S::Cancelled, E::Refunded) => {
                return Outcome::Refused
            }
        };
        Outcome::Changed(to)
    }
}

/// What a payment service reports about a transaction (XBezahldienste's `status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderStatus {
    /// Created; the citizen has not finished at the pay page.
    Initial,
    Payed,
    Failed,
    Canceled,
}

impl ProviderStatus {
    pub fn parse(s: &str) -> Option<ProviderStatus> {
        match s {
            "INITIAL" => Some(ProviderStatus::Initial),
            "PAYED" => Some(ProviderStatus::Payed),
            "FAILED" => Some(ProviderStatus::Failed),
            "CANCELED" => Some(ProviderStatus::Canceled),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderStatus::Initial => "INITIAL",
            ProviderStatus::Payed => "PAYED",
            ProviderStatus::Failed => "FAILED",
            ProviderStatus::Canceled => "CANCELED",
        }
    }

    /// The event this report means for the payment (none while the citizen is still busy).
    /// A citizen who aborts at the pay page has not given up the fee: the attempt failed
    /// and may be repeated (or the fee paid by transfer).
    pub fn event(self) -> Option<PaymentEvent> {
        match self {
            ProviderStatus::Initial => None,
            ProviderStatus::Payed => Some(PaymentEvent::Succeeded),
            ProviderStatus::Failed | ProviderStatus::Canceled => Some(PaymentEvent::Failed),
        }
    }
}

/// Euro cents as a decimal with two places and `sep` (`1234` → `12.34` or `12,34`), as
/// payment files, booking files and bank formats write amounts.
pub fn decimal_euros(cents: i64, sep: char) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}{}{sep}{:02}", c / 100, c % 100)
}

/// Euro cents as the decimal euros of JSON payment APIs (`1234` → `12.34`), exactly.
pub fn cents_to_decimal(cents: i64) -> serde_json::Number {
    // Two decimals survive the f64 round trip for every amount below 2^53 cents; the string
    // form keeps it exact for the receiver either way.
    serde_json::from_str(&decimal_euros(cents, '.')).unwrap_or_else(|_| serde_json::Number::from(0))
}

/// In groups of four, as IBANs and creditor references are printed (`DE02 1203 …`).
pub fn group4(s: &str) -> String {
    s.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// German umlauts and ß as the two letters that bank and payment formats accept.
pub fn transliterate(c: char) -> Option<&'static str> {
    match c {
        'ä' => Some("ae"),
        'ö' => Some("oe"),
        'ü' => Some("ue"),
        'Ä' => Some("Ae"),
        'Ö' => Some("Oe"),
        'Ü' => Some("Ue"),
        'ß' => Some("ss"),
        _ => None,
    }
}

/// ISO 7064 MOD 97-10 over an alphanumeric string (letters count as 10–35), as IBANs and
/// creditor references use it; `None` for other characters.
pub fn mod97(s: &str) -> Option<u32> {
    let mut rem: u32 = 0;
    for c in s.chars() {
        let v = c.to_digit(36)?;
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    Some(rem)
}

/// A structured creditor reference after ISO 11649 (`RF` + two check digits + up to 21
/// letters and digits), e.g. `RF18539007547034`. Banks carry it unchanged, so an incoming
/// transfer names exactly one fee.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CreditorReference(String);

impl CreditorReference {
    /// The reference for `base` (1 to 21 letters and digits; other characters such as the
    /// dashes of `SO-2026-000001` are dropped, letters are upper-cased).
    pub fn for_base(base: &str) -> Option<CreditorReference> {
        let body: String = base
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if body.is_empty() || body.len() > 21 {
            return None;
        }
        let check = 98 - mod97(&format!("{body}RF00"))?;
        Some(CreditorReference(format!("RF{check:02}{body}")))
    }

    /// Reads a reference as people and banks write it: spaces ignored, any case.
    pub fn parse(s: &str) -> Option<CreditorReference> {
        let compact: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let valid = compact.len() >= 5
            && compact.len() <= 25
            && compact.starts_with("RF")
            && compact[2..4].bytes().all(|b| b.is_ascii_digit())
            && compact[4..].bytes().all(|b| b.is_ascii_alphanumeric())
            && mod97(&format!("{}{}", &compact[4..], &compact[..4])) == Some(1);
        valid.then_some(CreditorReference(compact))
    }

    /// Finds references in free text (a statement line's remittance information).
    pub fn find_in(text: &str) -> Vec<CreditorReference> {
        let upper = text.to_ascii_uppercase();
        let mut found = Vec::new();
        for (i, _) in upper.match_indices("RF") {
            let candidate: String = upper[i..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .take(25)
                .collect();
            // The longest valid prefix: a reference may run into the next word.
            if let Some(r) = (5..=candidate.len())
                .rev()
                .find_map(|n| CreditorReference::parse(&candidate[..n]))
            {
                if !found.contains(&r) {
                    found.push(r);
                }
            }
        }
        found
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Printed in groups of four, as on paper forms: `RF18 5390 0754 7034`.
    pub fn grouped(&self) -> String {
        group4(&self.0)
    }
}

/// What a bank transfer to the municipality needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferRequest<'a> {
    /// The account holder (the cash office), at most 70 characters.
    pub beneficiary: &'a str,
    /// IBAN without spaces.
    pub iban: &'a str,
    /// Optional within the EEA (version 002 of the EPC format).
    pub bic: Option<&'a str>,
    pub amount_cents: u64,
    pub reference: &'a CreditorReference,
    /// Shown to the payer in the banking app, at most 70 characters.
    pub note: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GiroCodeError {
    #[error("the beneficiary name must have 1 to 70 characters")]
    Beneficiary,
    #[error("the IBAN is not valid")]
    Iban,
    #[error("the BIC must have 8 or 11 characters")]
    Bic,
    #[error("the amount must be between 0,01 and 999.999.999,99 EUR")]
    Amount,
    #[error("the note to the payer may have at most 70 characters")]
    Note,
}

/// The text of an EPC QR code (EPC069-12, version 002, UTF-8, SEPA credit transfer) with
/// the creditor reference as structured remittance information. Trailing empty elements are
/// left out, as the format allows.
pub fn girocode_payload(t: &TransferRequest<'_>) -> Result<String, GiroCodeError> {
    let name = t.beneficiary.trim();
    if name.is_empty() || name.chars().count() > 70 || name.contains('\n') {
        return Err(GiroCodeError::Beneficiary);
    }
    if !crate::form::iban_valid(t.iban) {
        return Err(GiroCodeError::Iban);
    }
    if let Some(bic) = t.bic {
        if !(bic.len() == 8 || bic.len() == 11) || !bic.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(GiroCodeError::Bic);
        }
    }
    if t.amount_cents == 0 || t.amount_cents > 99_999_999_999 {
        return Err(GiroCodeError::Amount);
    }
    let note = t.note.map(str::trim).unwrap_or_default();
    if note.chars().count() > 70 || note.contains('\n') {
        return Err(GiroCodeError::Note);
    }
    let mut lines = vec![
        "BCD".to_owned(),
        "002".to_owned(),
        "1".to_owned(),
        "SCT".to_owned(),
        t.bic.unwrap_or_default().to_owned(),
        name.to_owned(),
        t.iban.to_owned(),
        format!(
            "EUR{}",
            decimal_euros(i64::try_from(t.amount_cents).unwrap_or(i64::MAX), '.')
        ),
        String::new(),
        t.reference.as_str().to_owned(),
        String::new(),
        note.to_owned(),
    ];
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn creditor_reference_known_values() {
        // The example of ISO 11649 / the EPC guidance.
        assert!(CreditorReference::parse("RF18 5390 0754 7034").is_some());
        assert!(CreditorReference::parse("RF18 5390 0754 7035").is_none());
        let r = CreditorReference::for_base("539007547034").unwrap_or_else(|| unreachable!());
        assert_eq!(r.as_str(), "RF18539007547034");
        assert_eq!(r.grouped(), "RF18 5390 0754 7034");
        let so = CreditorReference::for_base("SO-2026-000001").unwrap_or_else(|| unreachable!());
        assert!(so.as_str().ends_with("SO2026000001"));
        assert_eq!(
            CreditorReference::parse(&so.grouped().to_lowercase()),
            Some(so.clone())
        );
        assert_eq!(CreditorReference::for_base(""), None);
        assert_eq!(CreditorReference::for_base(&"9".repeat(22)), None);
        assert_eq!(
            CreditorReference::find_in(&format!("SVWZ+{}/Hundesteuer Bello", so.as_str())),
            vec![so]
        );
    }

    #[test]
    fn girocode_payload_follows_the_epc_format() {
        let r = CreditorReference::for_base("SO-2026-000001").unwrap_or_else(|| unreachable!());
        let t = TransferRequest {
            beneficiary: "Stadtkasse Soest (Demo)",
            iban: "DE02120300000000202051",
            bic: Some("BYLADEM1001"),
            amount_cents: 12_050,
            reference: &r,
            note: None,
        };
        let p = girocode_payload(&t).unwrap_or_default();
        assert_eq!(
            p,
            format!("BCD\n002\n1\nSCT\nBYLADEM1001\nStadtkasse Soest (Demo)\nDE02120300000000202051\nEUR120.50\n\n{}", r.as_str())
        );
        assert!(p.len() <= 331);
        let no_bic = TransferRequest {
            bic: None,
            note: Some("Hundesteuer 2027"),
            ..t.clone()
        };
        assert!(girocode_payload(&no_bic)
            .unwrap_or_default()
            .ends_with(&format!("{}\n\nHundesteuer 2027", r.as_str())));
        assert_eq!(
            girocode_payload(&TransferRequest {
                amount_cents: 0,
                ..t.clone()
            }),
            Err(GiroCodeError::Amount)
        );
        assert_eq!(
            girocode_payload(&TransferRequest {
                iban: "DE02120300000000202052",
                ..t.clone()
            }),
            Err(GiroCodeError::Iban)
        );
        assert_eq!(
            girocode_payload(&TransferRequest {
                beneficiary: " ",
                ..t
            }),
            Err(GiroCodeError::Beneficiary)
        );
    }

    #[test]
    fn state_machine_table() {
        use Outcome::*;
        use PaymentEvent as E;
        use PaymentStatus as S;
        assert_eq!(S::Open.apply(E::Started), Changed(S::Pending));
        assert_eq!(S::Pending.apply(E::Succeeded), Changed(S::Paid));
        assert_eq!(
            S::Pending.apply(E::Started),
            Unchanged,
            "a reload of the pay page"
        );
        assert_eq!(
            S::Paid.apply(E::Failed),
            Unchanged,
            "a late failure after the money arrived"
        );
        assert_eq!(
            S::Cancelled.apply(E::Succeeded),
            Changed(S::Paid),
            "money after a cancellation is not lost"
        );
        assert_eq!(S::Open.apply(E::Refunded), Refused);
        assert_eq!(S::Paid.apply(E::Refunded), Changed(S::Refunded));
        assert_eq!(
            S::Failed.apply(E::Started),
            Changed(S::Pending),
            "try again"
        );
        for s in S::ALL {
            assert_eq!(S::parse(s.as_str()), Some(s));
        }
    }

    fn event() -> impl Strategy<Value = PaymentEvent> {
        prop_oneof![
            Just(PaymentEvent::Started),
            Just(PaymentEvent::Succeeded),
            Just(PaymentEvent::Failed),
            Just(PaymentEvent::Cancelled),
            Just(PaymentEvent::Refunded),
        ]
    }

    fn run(events: &[PaymentEvent]) -> PaymentStatus {
        events
            .iter()
            .fold(PaymentStatus::Open, |s, e| match s.apply(*e) {
                Outcome::Changed(to) => to,
                Outcome::Unchanged | Outcome::Refused => s,
            })
    }

    proptest! {
        /// Any notification delivered twice in a row has the effect of delivering it once.
        #[test]
        fn events_are_idempotent(events in proptest::collection::vec(event(), 0..12), e in event()) {
            let mut once = events.clone();
            once.push(e);
            let mut twice = once.clone();
            twice.push(e);
            prop_assert_eq!(run(&once), run(&twice));
        }

        /// Once money arrived, no sequence of events loses it: the payment stays paid or is
        /// refunded, and only a refund event refunds it.
        #[test]
        fn money_is_never_lost(before in proptest::collection::vec(event(), 0..8), after in proptest::collection::vec(event(), 0..8)) {
            let mut events = before;
            events.push(PaymentEvent::Succeeded);
            // After the first success, only a refund event refunds.
            let paid_at = events.iter().position(|e| *e == PaymentEvent::Succeeded).unwrap_or(0) + 1;
            events.extend(after.iter().copied());
            let end = run(&events);
            prop_assert!(end.money_received());
            prop_assert_eq!(end == PaymentStatus::Refunded, events[paid_at..].contains(&PaymentEvent::Refunded));
        }

        /// Every base of 1–21 letters and digits gets a reference that validates, survives
        /// grouping and is found again in a remittance line.
        #[test]
        fn creditor_references_round_trip(base in "[A-Z0-9]{1,21}", noise in "[a-z /+]{0,10}") {
            let r = CreditorReference::for_base(&base).unwrap_or_else(|| unreachable!());
            prop_assert_eq!(CreditorReference::parse(&r.grouped()), Some(r.clone()));
            let line = format!("{noise} {} {noise}", r.as_str());
            prop_assert!(CreditorReference::find_in(&line).contains(&r));
        }

        /// A single changed character is always detected.
        #[test]
        fn creditor_references_detect_typos(base in "[0-9]{4,21}", pos in 4usize..25, delta in 1u32..10) {
            let r = CreditorReference::for_base(&base).unwrap_or_else(|| unreachable!());
            let s = r.as_str();
            prop_assume!(pos < s.len());
            let c = s.as_bytes()[pos];
            prop_assume!(c.is_ascii_digit());
            let changed = (((c - b'0') as u32 + delta) % 10) as u8 + b'0';
            let mut typo = s.as_bytes().to_vec();
            typo[pos] = changed;
            let typo = String::from_utf8(typo).unwrap_or_default();
            prop_assert_eq!(CreditorReference::parse(&typo), None);
        }
    }
}
