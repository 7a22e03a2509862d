//! SEPA direct debit: the creditor identifier of the cash office, and the collection file
//! (ISO 20022 pain.008.001.08, SEPA Core, as German banks take it since November 2023) for
//! the mandates citizens gave in their applications.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

/// Checks a SEPA creditor identifier (Gläubiger-ID), e.g. `DE98ZZZ09999999999`: country,
/// two check digits over the national part (ISO 7064 MOD 97-10), a free business code.
pub fn creditor_id_valid(id: &str) -> bool {
    if id.len() < 8 || id.len() > 35 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let country = &id[..2];
    let check = &id[2..4];
    if !country.bytes().all(|b| b.is_ascii_uppercase())
        || !check.bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    if country == "DE" && id.len() != 18 {
        return false;
    }
    // The business code (positions 5–7) is not part of the check.
    let national = &id[7..];
    crate::payment::mod97(&format!("{national}{country}{check}")) == Some(1)
}

/// One collection under a mandate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collection {
    /// End-to-end id, at most 35 characters (the application's reference).
    pub end_to_end_id: String,
    pub amount_cents: i64,
    /// Mandate reference (at most 35 characters) and the date it was given (`YYYY-MM-DD`).
    pub mandate_id: String,
    pub mandate_date: String,
    pub debtor_name: String,
    pub debtor_iban: String,
    /// Remittance text for the debtor's statement (at most 140 characters).
    pub remittance: String,
}

/// The creditor side of a collection file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Creditor<'a> {
    pub name: &'a str,
    pub iban: &'a str,
    pub bic: Option<&'a str>,
    pub creditor_id: &'a str,
}

/// Characters the SEPA character set allows (Latin letters, digits, `/ - ? : ( ) . , ' + `
/// and space); umlauts become their two-letter forms, anything else a space.
fn sepa_text(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match crate::payment::transliterate(c) {
            Some(t) => out.push_str(t),
            None if c.is_ascii_alphanumeric() || "/-?:().,'+ ".contains(c) => out.push(c),
            None => out.push(' '),
        }
    }
    let t: String = out.chars().take(max).collect();
    let t = t.trim().to_owned();
    if t.is_empty() {
        "-".into()
    } else {
        t
    }
}

/// The sequence type of the collections of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sequence {
    /// A mandate used once (`OOFF`).
    OneOff,
    /// The first of recurring collections (`FRST`).
    First,
    /// A later recurring collection (`RCUR`).
    Recurring,
}

impl Sequence {
    pub fn code(self) -> &'static str {
        match self {
            Sequence::OneOff => "OOFF",
            Sequence::First => "FRST",
            Sequence::Recurring => "RCUR",
        }
    }
}

/// The pain.008.001.08 document for `collections`, to be collected on `collection_date`.
pub fn pain008(
    msg_id: &str,
    created: &str,
    collection_date: &str,
    creditor: &Creditor<'_>,
    sequence: Sequence,
    collections: &[Collection],
) -> Result<String, quick_xml::Error> {
    let total: i64 = collections.iter().map(|c| c.amount_cents).sum();
    let count = collections.len().to_string();
    let sum = crate::payment::decimal_euros(total, '.');
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    type W = Writer<Vec<u8>>;
    fn text(w: &mut W, name: &str, v: &str) -> std::io::Result<()> {
        w.create_element(name)
            .write_text_content(BytesText::new(v))
            .map(|_| ())
    }
    fn iban(w: &mut W, name: &str, v: &str) -> std::io::Result<()> {
        w.create_element(name).write_inner_content(|w| {
            w.create_element("Id")
                .write_inner_content(|w| text(w, "IBAN", v))
                .map(|_| ())
        })?;
        Ok(())
    }
    fn agent(w: &mut W, name: &str, bic: Option<&str>) -> std::io::Result<()> {
        w.create_element(name).write_inner_content(|w| {
            w.create_element("FinInstnId")
                .write_inner_content(|w| match bic {
                    Some(b) => text(w, "BICFI", b),
                    None => w
                        .create_element("Othr")
                        .write_inner_content(|w| text(w, "Id", "NOTPROVIDED"))
                        .map(|_| ()),
                })
                .map(|_| ())
        })?;
        Ok(())
    }
    w.create_element("Document")
        .with_attribute(("xmlns", "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"))
        .write_inner_content(|w| {
            w.create_element("CstmrDrctDbtInitn")
                .write_inner_content(|w| {
                    w.create_element("GrpHdr").write_inner_content(|w| {
                        text(w, "MsgId", msg_id)?;
                        text(w, "CreDtTm", created)?;
                        text(w, "NbOfTxs", &count)?;
                        text(w, "CtrlSum", &sum)?;
                        w.create_element("InitgPty").write_inner_content(|w| {
                            text(w, "Nm", &sepa_text(creditor.name, 70))
                        })?;
                        Ok(())
                    })?;
                    w.create_element("PmtInf").write_inner_content(|w| {
                        text(w, "PmtInfId", msg_id)?;
                        text(w, "PmtMtd", "DD")?;
                        text(w, "NbOfTxs", &count)?;
                        text(w, "CtrlSum", &sum)?;
                        w.create_element("PmtTpInf").write_inner_content(|w| {
                            w.create_element("SvcLvl")
                                .write_inner_content(|w| text(w, "Cd", "SEPA"))?;
                            w.create_element("LclInstrm")
                                .write_inner_content(|w| text(w, "Cd", "CORE"))?;
                            text(w, "SeqTp", sequence.code())
                        })?;
                        text(w, "ReqdColltnDt", collection_date)?;
                        w.create_element("Cdtr").write_inner_content(|w| {
                            text(w, "Nm", &sepa_text(creditor.name, 70))
                        })?;
                        iban(w, "CdtrAcct", creditor.iban)?;
                        agent(w, "CdtrAgt", creditor.bic)?;
                        text(w, "ChrgBr", "SLEV")?;
                        w.create_element("CdtrSchmeId").write_inner_content(|w| {
                            w.create_element("Id").write_inner_content(|w| {
                                w.create_element("PrvtId").write_inner_content(|w| {
                                    w.create_element("Othr").write_inner_content(|w| {
                                        text(w, "Id", creditor.creditor_id)?;
                                        w.create_element("SchmeNm")
                                            .write_inner_content(|w| text(w, "Prtry", "SEPA"))?;
                                        Ok(())
                                    })?;
                                    Ok(())
                                })?;
                                Ok(())
                            })?;
                            Ok(())
                        })?;
                        for c in collections {
                            w.create_element("DrctDbtTxInf").write_inner_content(|w| {
                                w.create_element("PmtId").write_inner_content(|w| {
                                    text(w, "EndToEndId", &sepa_text(&c.end_to_end_id, 35))
                                })?;
                                w.create_element("InstdAmt")
                                    .with_attribute(("Ccy", "EUR"))
                                    .write_text_content(BytesText::new(
                                        &crate::payment::decimal_euros(c.amount_cents, '.'),
                                    ))?;
                                w.create_element("DrctDbtTx").write_inner_content(|w| {
                                    w.create_element("MndtRltdInf").write_inner_content(|w| {
                                        text(w, "MndtId", &sepa_text(&c.mandate_id, 35))?;
                                        text(w, "DtOfSgntr", &c.mandate_date)
                                    })?;
                                    Ok(())
                                })?;
                                agent(w, "DbtrAgt", None)?;
                                w.create_element("Dbtr").write_inner_content(|w| {
                                    text(w, "Nm", &sepa_text(&c.debtor_name, 70))
                                })?;
                                iban(w, "DbtrAcct", &c.debtor_iban)?;
                                w.create_element("RmtInf").write_inner_content(|w| {
                                    text(w, "Ustrd", &sepa_text(&c.remittance, 140))
                                })?;
                                Ok(())
                            })?;
                        }
                        Ok(())
                    })?;
                    Ok(())
                })?;
            Ok(())
        })?;
    Ok(String::from_utf8_lossy(&w.into_inner()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creditor_ids() {
        // The Bundesbank's example identifier for tests.
        assert!(creditor_id_valid("DE98ZZZ09999999999"));
        assert!(!creditor_id_valid("DE98ZZZ09999999998"));
        assert!(!creditor_id_valid("DE98ZZZ0999999999"));
        assert!(
            creditor_id_valid("DE98ABC09999999999"),
            "the business code is not checked"
        );
    }

    #[test]
    fn pain008_sums_and_cleans_text() {
        let c = Collection {
            end_to_end_id: "SO-2026-000001".into(),
            amount_cents: 10_800,
            mandate_id: "SO-2026-000001".into(),
            mandate_date: "2026-11-23".into(),
            debtor_name: "Erika Mustermann-Jäger".into(),
            debtor_iban: "DE02120300000000202051".into(),
            remittance: "Hundesteuer <2027> & mehr".into(),
        };
        let cr = Creditor {
            name: "Stadtkasse Soest (Demo)",
            iban: "DE02120300000000202051",
            bic: None,
            creditor_id: "DE98ZZZ09999999999",
        };
        let xml = pain008(
            "M1",
            "2026-11-23T18:00:00",
            "2026-11-27",
            &cr,
            Sequence::First,
            &[c.clone(), c],
        )
        .unwrap_or_default();
        assert!(
            xml.contains("<NbOfTxs>2</NbOfTxs>") && xml.contains("<CtrlSum>216.00</CtrlSum>"),
            "{xml}"
        );
        assert!(xml.contains("<Nm>Erika Mustermann-Jaeger</Nm>"), "{xml}");
        assert!(
            xml.contains("<Ustrd>Hundesteuer  2027    mehr</Ustrd>"),
            "{xml}"
        );
        assert!(
            xml.contains("<SeqTp>FRST</SeqTp>") && xml.contains("NOTPROVIDED"),
            "{xml}"
        );
    }
}
