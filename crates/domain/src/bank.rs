//! Bank statements and reconciliation: the credit lines of an ISO 20022 camt.053 (statement)
//! or camt.054 (credit notification) file, and which open fee each one pays. A line pays a
//! fee when it carries the fee's creditor reference (structured, or written into the free
//! remittance text) and exactly its amount; everything else is left for staff.

use crate::payment::CreditorReference;
use quick_xml::events::Event;
use quick_xml::Reader;
use std::collections::{HashMap, HashSet};

/// One credit or debit of a statement (a transaction, or an entry without details).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub amount_cents: i64,
    pub credit: bool,
    /// Booked (`BOOK`), not pending or informational.
    pub booked: bool,
    pub booking_date: Option<String>,
    /// The bank's reference of the entry, if any.
    pub bank_ref: Option<String>,
    pub debtor: Option<String>,
    /// Structured creditor references (`RmtInf/Strd/CdtrRefInf/Ref`).
    pub structured: Vec<String>,
    /// Unstructured remittance text (`RmtInf/Ustrd`), joined.
    pub remittance: String,
}

impl StatementLine {
    /// The creditor references this line names: structured ones first, then any found in the
    /// free text.
    pub fn references(&self) -> Vec<CreditorReference> {
        let mut out: Vec<CreditorReference> = self
            .structured
            .iter()
            .filter_map(|r| CreditorReference::parse(r))
            .collect();
        for r in CreditorReference::find_in(&self.remittance) {
            if !out.contains(&r) {
                out.push(r);
            }
        }
        out
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatementError {
    #[error("not XML: {0}")]
    Xml(String),
    #[error("not a camt.053 or camt.054 document (namespace {0})")]
    NotCamt(String),
    #[error("amount '{0}' is not a euro amount with at most two decimals")]
    Amount(String),
    #[error("only EUR can be reconciled, not {0}")]
    Currency(String),
}

/// Parses euros written as in ISO 20022 (`1234.5`, `12.34`) into cents, without floats.
pub fn parse_amount(s: &str) -> Option<i64> {
    let s = s.trim();
    let (euros, cents) = match s.split_once('.') {
        Some((e, c)) => (e, c),
        None => (s, ""),
    };
    if euros.is_empty()
        || euros.len() > 15
        || !euros.bytes().all(|b| b.is_ascii_digit())
        || cents.len() > 2
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let cents = match cents.len() {
        0 => 0,
        1 => cents.parse::<i64>().ok()? * 10,
        _ => cents.parse::<i64>().ok()?,
    };
    euros
        .parse::<i64>()
        .ok()?
        .checked_mul(100)?
        .checked_add(cents)
}

#[derive(Default)]
struct Partial {
    amount: Option<i64>,
    debtor: Option<String>,
    structured: Vec<String>,
    remittance: Vec<String>,
}

/// The root element must be in a camt.053 or camt.054 namespace.
fn check_root(e: &quick_xml::events::BytesStart<'_>) -> Result<(), StatementError> {
    let ns = e
        .attributes()
        .filter_map(Result::ok)
        .find(|a| a.key.as_ref() == b"xmlns")
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
        .unwrap_or_default();
    if ns.contains(":camt.053.") || ns.contains(":camt.054.") {
        Ok(())
    } else {
        Err(StatementError::NotCamt(ns))
    }
}

/// Reads the lines of a camt.053 or camt.054 document (any version: elements are matched by
/// their local names, which the versions share).
pub fn parse_statement(xml: &str) -> Result<Vec<StatementLine>, StatementError> {
    let mut reader = Reader::from_str(xml);
    let mut path: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    // The entry being read, and its transactions.
    let mut entry = Partial::default();
    let mut entry_credit = true;
    let mut entry_booked = true;
    let mut entry_date: Option<String> = None;
    let mut entry_ref: Option<String> = None;
    let mut txs: Vec<Partial> = Vec::new();
    let mut tx: Option<Partial> = None;
    let mut checked_root = false;
    let mut text = String::new();
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| StatementError::Xml(e.to_string()))?;
        match ev {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).into_owned();
                if !checked_root {
                    checked_root = true;
                    check_root(&e)?;
                }
                if name == "Amt" {
                    if let Some(c) = e
                        .attributes()
                        .filter_map(Result::ok)
                        .find(|a| a.key.as_ref() == b"Ccy")
                    {
                        let ccy = String::from_utf8_lossy(&c.value).into_owned();
                        if ccy != "EUR" {
                            return Err(StatementError::Currency(ccy));
                        }
                    }
                }
                match name.as_str() {
                    "Ntry" => {
                        entry = Partial::default();
                        entry_credit = true;
                        entry_booked = true;
                        entry_date = None;
                        entry_ref = None;
                        txs.clear();
                    }
                    "TxDtls" => tx = Some(Partial::default()),
                    _ => {}
                }
                path.push(name);
                text.clear();
            }
            Event::Text(t) => {
                let raw = t.decode().map_err(|e| StatementError::Xml(e.to_string()))?;
                text.push_str(&raw);
            }
            Event::CData(t) => {
                let raw = t.decode().map_err(|e| StatementError::Xml(e.to_string()))?;
                text.push_str(&raw);
            }
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    let name = r.decode().map_err(|e| StatementError::Xml(e.to_string()))?;
                    let resolved = quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| StatementError::Xml(format!("unknown entity &{name};")))?;
                    text.push_str(resolved);
                }
            }
            Event::End(_) => {
                let value = std::mem::take(&mut text).trim().to_owned();
                let in_tx = path.iter().any(|p| p == "TxDtls");
                let ends = |suffix: &[&str]| {
                    path.len() >= suffix.len()
                        && path[path.len() - suffix.len()..]
                            .iter()
                            .zip(suffix)
                            .all(|(a, b)| a == b)
                };
                if ends(&["Ntry", "Amt"]) {
                    entry.amount = Some(parse_amount(&value).ok_or(StatementError::Amount(value))?);
                } else if ends(&["Ntry", "CdtDbtInd"]) {
                    entry_credit = value == "CRDT";
                } else if ends(&["Ntry", "Sts"]) && !value.is_empty()
                    || ends(&["Ntry", "Sts", "Cd"])
                {
                    entry_booked = value == "BOOK";
                } else if ends(&["Ntry", "BookgDt", "Dt"]) || ends(&["Ntry", "BookgDt", "DtTm"]) {
                    entry_date = Some(value.chars().take(10).collect());
                } else if ends(&["Ntry", "AcctSvcrRef"]) {
                    entry_ref = Some(value);
                } else if ends(&["TxDtls", "Amt"]) || ends(&["TxDtls", "AmtDtls", "TxAmt", "Amt"]) {
                    if let Some(t) = tx.as_mut() {
                        t.amount = Some(parse_amount(&value).ok_or(StatementError::Amount(value))?);
                    }
                } else if ends(&["RmtInf", "Ustrd"]) {
                    if let Some(t) = if in_tx { tx.as_mut() } else { Some(&mut entry) } {
                        t.remittance.push(value);
                    }
                } else if ends(&["CdtrRefInf", "Ref"]) {
                    if let Some(t) = if in_tx { tx.as_mut() } else { Some(&mut entry) } {
                        t.structured.push(value);
                    }
                } else if ends(&["Dbtr", "Nm"]) || ends(&["Dbtr", "Pty", "Nm"]) {
                    if let Some(t) = if in_tx { tx.as_mut() } else { Some(&mut entry) } {
                        t.debtor = Some(value);
                    }
                }
                let name = path.pop().unwrap_or_default();
                match name.as_str() {
                    "TxDtls" => txs.extend(tx.take()),
                    "Ntry" => {
                        let single = txs.len() <= 1;
                        let parts: Vec<Partial> = if txs.is_empty() {
                            vec![std::mem::take(&mut entry)]
                        } else {
                            std::mem::take(&mut txs)
                        };
                        for p in parts {
                            // A transaction without its own amount is the whole entry.
                            let amount = p.amount.or(if single { entry.amount } else { None });
                            let Some(amount_cents) = amount else { continue };
                            lines.push(StatementLine {
                                amount_cents,
                                credit: entry_credit,
                                booked: entry_booked,
                                booking_date: entry_date.clone(),
                                bank_ref: entry_ref.clone(),
                                debtor: p.debtor,
                                structured: p.structured,
                                remittance: p.remittance.join(" "),
                            });
                        }
                    }
                    _ => {}
                }
            }
            Event::Empty(e) if !checked_root => {
                checked_root = true;
                check_root(&e)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !checked_root {
        return Err(StatementError::Xml("empty document".into()));
    }
    Ok(lines)
}

/// What an open fee looks like to reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenFee {
    pub payment_id: String,
    pub amount_cents: i64,
    /// Whether the fee still waits for its money.
    pub open: bool,
}

/// What became of one statement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineOutcome {
    /// Pays this fee.
    Pays(String),
    /// A debit, or not booked yet: not incoming money.
    NotACredit,
    /// No creditor reference in the line.
    NoReference,
    /// A reference that names no fee of this cash office.
    UnknownReference(String),
    /// The fee exists but the amount differs.
    AmountDiffers {
        payment_id: String,
        expected_cents: i64,
    },
    /// The fee was paid already (by an earlier line or file): money to pay back or check.
    AlreadyPaid(String),
}

/// Matches the lines of a statement against the fees (`creditor reference → fee`). A fee is
/// paid by at most one line; a second line for it is `AlreadyPaid`.
pub fn reconcile(lines: &[StatementLine], fees: &HashMap<String, OpenFee>) -> Vec<LineOutcome> {
    let mut paid_now: HashSet<String> = HashSet::new();
    lines
        .iter()
        .map(|l| {
            if !l.credit || !l.booked {
                return LineOutcome::NotACredit;
            }
            let refs = l.references();
            if refs.is_empty() {
                return LineOutcome::NoReference;
            }
            let Some(fee) = refs.iter().find_map(|r| fees.get(r.as_str())) else {
                return LineOutcome::UnknownReference(refs[0].as_str().to_owned());
            };
            if !fee.open || paid_now.contains(&fee.payment_id) {
                return LineOutcome::AlreadyPaid(fee.payment_id.clone());
            }
            if l.amount_cents != fee.amount_cents {
                return LineOutcome::AmountDiffers {
                    payment_id: fee.payment_id.clone(),
                    expected_cents: fee.amount_cents,
                };
            }
            paid_now.insert(fee.payment_id.clone());
            LineOutcome::Pays(fee.payment_id.clone())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_without_floats() {
        assert_eq!(parse_amount("5.00"), Some(500));
        assert_eq!(parse_amount("5"), Some(500));
        assert_eq!(parse_amount("1234.5"), Some(123_450));
        assert_eq!(parse_amount("0.01"), Some(1));
        assert_eq!(parse_amount("1.234"), None);
        assert_eq!(parse_amount("-1.00"), None);
        assert_eq!(parse_amount("1,00"), None);
        assert_eq!(parse_amount(""), None);
    }

    fn line(amount: i64, structured: &[&str], text: &str) -> StatementLine {
        StatementLine {
            amount_cents: amount,
            credit: true,
            booked: true,
            booking_date: None,
            bank_ref: None,
            debtor: None,
            structured: structured.iter().map(|s| (*s).to_owned()).collect(),
            remittance: text.to_owned(),
        }
    }

    fn rf(base: &str) -> String {
        CreditorReference::for_base(base)
            .map(|r| r.as_str().to_owned())
            .unwrap_or_default()
    }

    #[test]
    fn reconciliation_cases() {
        let a = rf("SG2026000001");
        let b = rf("SG2026000002");
        let fees: HashMap<String, OpenFee> = [
            (
                a.clone(),
                OpenFee {
                    payment_id: "p1".into(),
                    amount_cents: 500,
                    open: true,
                },
            ),
            (
                b.clone(),
                OpenFee {
                    payment_id: "p2".into(),
                    amount_cents: 1000,
                    open: false,
                },
            ),
        ]
        .into_iter()
        .collect();
        let lines = vec![
            line(500, &[&a], ""),
            line(500, &[], &format!("Meldebescheinigung {a}")),
            line(1000, &[&b], ""),
            line(700, &[], "Spende"),
            line(700, &[], &rf("XX1")),
            StatementLine {
                credit: false,
                ..line(500, &[&a], "")
            },
        ];
        assert_eq!(
            reconcile(&lines, &fees),
            vec![
                LineOutcome::Pays("p1".into()),
                LineOutcome::AlreadyPaid("p1".into()),
                LineOutcome::AlreadyPaid("p2".into()),
                LineOutcome::NoReference,
                LineOutcome::UnknownReference(rf("XX1")),
                LineOutcome::NotACredit,
            ]
        );
        let wrong = reconcile(&[line(499, &[&a], "")], &fees);
        assert_eq!(
            wrong,
            vec![LineOutcome::AmountDiffers {
                payment_id: "p1".into(),
                expected_cents: 500
            }]
        );
    }

    #[test]
    fn reads_camt_053_v02_and_054_v08() {
        let a = rf("SG2026000001");
        let v02 = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-11-20T18:00:00</CreDtTm><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">5.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-20</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Erika Mustermann</Nm></Dbtr></RltdPties><RmtInf><Strd><CdtrRefInf><Ref>{a}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">12.5</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts></Ntry>
</Stmt></BkToCstmrStmt></Document>"#
        );
        let lines = parse_statement(&v02).unwrap_or_default();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(lines[0].amount_cents, 500);
        assert_eq!(lines[0].debtor.as_deref(), Some("Erika Mustermann"));
        assert_eq!(lines[0].structured, vec![a.clone()]);
        assert_eq!(lines[0].booking_date.as_deref(), Some("2026-11-20"));
        assert!(!lines[1].credit && lines[1].amount_cents == 1250);
        let v08 = format!(
            r#"<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M2</MsgId><CreDtTm>2026-11-20T18:00:00</CreDtTm></GrpHdr>
<Ntfctn><Id>N1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">15.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt>
<NtryDtls><TxDtls><Amt Ccy="EUR">10.00</Amt><RltdPties><Dbtr><Pty><Nm>Max</Nm></Pty></Dbtr></RltdPties><RmtInf><Ustrd>Bescheinigung {a} danke</Ustrd></RmtInf></TxDtls>
<TxDtls><Amt Ccy="EUR">5.00</Amt><RmtInf><Ustrd>ohne Referenz</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>"#
        );
        let lines = parse_statement(&v08).unwrap_or_default();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!((lines[0].amount_cents, lines[1].amount_cents), (1000, 500));
        assert_eq!(lines[0].debtor.as_deref(), Some("Max"));
        assert_eq!(
            lines[0].references().first().map(|r| r.as_str().to_owned()),
            Some(a)
        );
        assert!(lines[1].references().is_empty());
        assert!(matches!(
            parse_statement("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.008.001.08\"/>"),
            Err(StatementError::NotCamt(_))
        ));
        assert!(matches!(
            parse_statement(&v02.replace("Ccy=\"EUR\">5.00", "Ccy=\"USD\">5.00")),
            Err(StatementError::Currency(_))
        ));
    }

    proptest! {
        /// Whatever the lines, a fee is paid at most once, only by a credit with its
        /// reference and exact amount, and a fee already paid is never paid again.
        #[test]
        fn a_fee_is_paid_at_most_once_and_only_exactly(
            spec in proptest::collection::vec((0usize..4, 0i64..4, any::<bool>(), any::<bool>()), 0..20),
            open in proptest::collection::vec(any::<bool>(), 4),
        ) {
            let refs: Vec<String> = (0..4).map(|i| rf(&format!("SO2026{i:06}"))).collect();
            let fees: HashMap<String, OpenFee> = refs.iter().enumerate().map(|(i, r)| {
                (r.clone(), OpenFee { payment_id: format!("p{i}"), amount_cents: 500 * (i as i64 + 1), open: open[i] })
            }).collect();
            let lines: Vec<StatementLine> = spec.iter().map(|(i, k, structured, credit)| {
                let amount = 500 * (*i as i64 + 1) + if *k == 0 { 1 } else { 0 };
                let l = if *structured { line(amount, &[&refs[*i]], "") } else { line(amount, &[], &format!("Ref {}", refs[*i])) };
                StatementLine { credit: *credit, ..l }
            }).collect();
            let out = reconcile(&lines, &fees);
            prop_assert_eq!(out.len(), lines.len());
            let mut seen = HashSet::new();
            for (l, o) in lines.iter().zip(&out) {
                if let LineOutcome::Pays(p) = o {
                    prop_assert!(seen.insert(p.clone()), "paid twice");
                    let fee = fees.values().find(|f| &f.payment_id == p).cloned();
                    prop_assert!(fee.as_ref().is_some_and(|f| f.open && f.amount_cents == l.amount_cents));
                    prop_assert!(l.credit);
                }
            }
        }
    }
}
