//! The daily booking file for the municipal cash office (Kasse): every fee paid on one day
//! with what the finance software needs to book it — Kassenzeichen, the application's
//! reference, the booking code (Buchungsstelle) of the service, amount and way of payment.
//! As CSV (semicolons, decimal comma, UTF-8 with BOM, as German spreadsheet and finance
//! tools read it) and as XML after `schema/buchungen-1.0.xsd`.

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

/// The namespace of the XML booking file.
pub const BOOKINGS_NS: &str = "urn:de:rathaus:schema:buchungen:1.0";

/// One paid fee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// The payment service's Kassenzeichen, else the creditor reference of the transfer.
    pub kassenzeichen: String,
    /// The application's reference number.
    pub reference: String,
    pub booking_code: String,
    pub amount_cents: i64,
    /// `transfer`, `online`, `direct_debit`.
    pub method: String,
    pub creditor_ref: String,
    pub purpose: String,
    /// When the money was recorded, RFC 3339 (UTC).
    pub paid_at: String,
}

fn csv_field(s: &str) -> String {
    if s.contains([';', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

/// The CSV file of one day (`day` as `YYYY-MM-DD`).
pub fn bookings_csv(day: &str, rows: &[Booking]) -> String {
    let mut out = String::from("\u{feff}Buchungstag;Kassenzeichen;Aktenzeichen;Buchungsstelle;Betrag;Waehrung;Zahlweg;Referenz;Verwendungszweck\r\n");
    for b in rows {
        let fields = [
            day.to_owned(),
            b.kassenzeichen.clone(),
            b.reference.clone(),
            b.booking_code.clone(),
            crate::payment::decimal_euros(b.amount_cents, ','),
            "EUR".to_owned(),
            b.method.clone(),
            b.creditor_ref.clone(),
            b.purpose.clone(),
        ];
        out.push_str(
            &fields
                .iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    out
}

/// The XML file of one day.
pub fn bookings_xml(
    tenant: &str,
    day: &str,
    created: &str,
    rows: &[Booking],
) -> Result<String, quick_xml::Error> {
    let total: i64 = rows.iter().map(|b| b.amount_cents).sum();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let count = rows.len().to_string();
    let sum = crate::payment::decimal_euros(total, '.');
    w.create_element("Buchungen")
        .with_attribute(("xmlns", BOOKINGS_NS))
        .with_attribute(("mandant", tenant))
        .with_attribute(("tag", day))
        .with_attribute(("erstellt", created))
        .with_attribute(("anzahl", count.as_str()))
        .with_attribute(("summe", sum.as_str()))
        .write_inner_content(|w| {
            for b in rows {
                w.create_element("Buchung").write_inner_content(|w| {
                    let text = |w: &mut Writer<Vec<u8>>, name: &str, v: &str| {
                        w.create_element(name)
                            .write_text_content(BytesText::new(v))
                            .map(|_| ())
                    };
                    text(w, "Kassenzeichen", &b.kassenzeichen)?;
                    text(w, "Aktenzeichen", &b.reference)?;
                    text(w, "Buchungsstelle", &b.booking_code)?;
                    w.create_element("Betrag")
                        .with_attribute(("waehrung", "EUR"))
                        .write_text_content(BytesText::new(&crate::payment::decimal_euros(
                            b.amount_cents,
                            '.',
                        )))?;
                    text(w, "Zahlweg", &b.method)?;
                    text(w, "Referenz", &b.creditor_ref)?;
                    text(w, "Verwendungszweck", &b.purpose)?;
                    text(w, "Bezahlt", &b.paid_at)?;
                    Ok(())
                })?;
            }
            Ok(())
        })?;
    Ok(String::from_utf8_lossy(&w.into_inner()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> Booking {
        Booking {
            kassenzeichen: "KZ-1".into(),
            reference: "SG-2026-000001".into(),
            booking_code: "1.2.2.01.431100".into(),
            amount_cents: 1050,
            method: "online".into(),
            creditor_ref: "RF12SG2026000001".into(),
            purpose: "Meldebescheinigung; erweitert".into(),
            paid_at: "2026-11-23T10:00:00Z".into(),
        }
    }

    #[test]
    fn csv_quotes_and_decimal_comma() {
        let csv = bookings_csv("2026-11-23", &[row()]);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert!(lines[0].starts_with("\u{feff}Buchungstag;Kassenzeichen"));
        assert_eq!(
            lines[1],
            "2026-11-23;KZ-1;SG-2026-000001;1.2.2.01.431100;10,50;EUR;online;RF12SG2026000001;\"Meldebescheinigung; erweitert\""
        );
    }

    #[test]
    fn xml_counts_and_sums() {
        let mut two = row();
        two.amount_cents = 500;
        two.purpose = "A & B <C>".into();
        let xml = bookings_xml(
            "solingen",
            "2026-11-23",
            "2026-11-23T18:00:00Z",
            &[row(), two],
        )
        .unwrap_or_default();
        assert!(
            xml.contains("anzahl=\"2\"") && xml.contains("summe=\"15.50\""),
            "{xml}"
        );
        assert!(
            xml.contains("<Betrag waehrung=\"EUR\">10.50</Betrag>"),
            "{xml}"
        );
        assert!(xml.contains("A &amp; B &lt;C&gt;"), "{xml}");
    }
}
