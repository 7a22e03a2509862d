//! The cash office of a tenant (admins): bank statements reconciled against the fees, the
//! daily booking file for the finance software and the SEPA direct-debit collection file.
//! The rules (camt parsing and reconciliation, pain.008, the booking file) live in the
//! domain; each line and each debit is recorded exactly once by the store.

use crate::access::CashDesk;
use crate::{App, AppError, AppResult};
use rathaus_domain::bank::{LineOutcome, OpenFee, StatementError};
use std::collections::HashMap;

/// Largest bank statement file accepted (a camt.053 of a busy month fits easily).
pub const MAX_STATEMENT_BYTES: usize = 10 * 1024 * 1024;

/// What importing a statement did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    /// Lines seen for the first time…
    pub new: usize,
    /// …of which paid a fee…
    pub paid: usize,
    /// …or wait for staff (no or unknown reference, another amount, paid already).
    pub waiting: usize,
    /// Lines known from an earlier import.
    pub known: usize,
    pub lines: usize,
}

/// Imports a camt.053/camt.054 file: every credit that carries a fee's reference and
/// amount marks the fee paid (with the hand-overs that waited for it), each line once even
/// if the file comes again; the rest is listed for staff. Audited.
pub async fn import_statement(
    app: &App,
    desk: &CashDesk<'_, '_>,
    bytes: &[u8],
) -> AppResult<Result<Imported, StatementError>> {
    let tid = desk.staff().tenant();
    let lines = match std::str::from_utf8(bytes)
        .map_err(|e| StatementError::Xml(e.to_string()))
        .and_then(rathaus_domain::bank::parse_statement)
    {
        Ok(l) => l,
        Err(e) => return Ok(Err(e)),
    };
    let fees = open_fees(app, tid, &lines).await?;
    let outcomes = rathaus_domain::bank::reconcile(&lines, &fees);
    let now = crate::clock::now_millis();
    let site = app.site();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut done = Imported {
        lines: lines.len(),
        ..Imported::default()
    };
    for (l, o) in lines.iter().zip(&outcomes) {
        let Some((outcome, payment_id)) = outcome_code(o) else {
            continue;
        };
        let content = line_content(tid, l);
        let n = seen.entry(content.clone()).or_insert(0);
        *n += 1;
        let held = match (outcome, payment_id.as_deref()) {
            ("pays", Some(pid)) => match app.db.payment(tid, pid).await? {
                Some(p) => crate::payments::held_deliveries(app, &site, &p).await?,
                None => Vec::new(),
            },
            _ => Vec::new(),
        };
        let row = rathaus_store::BankLine {
            id: crate::secrets::sha256_hex(format!("{content}|{n}")),
            tenant_id: tid.to_owned(),
            booked_on: l.booking_date.clone(),
            amount_cents: l.amount_cents,
            debtor: l.debtor.clone(),
            remittance: l.remittance.chars().take(500).collect(),
            reference: l.references().first().map(|r| r.as_str().to_owned()),
            outcome: outcome.into(),
            payment_id,
            imported_at: now,
        };
        if app.db.record_bank_line(&row, &held).await? {
            done.new += 1;
            if outcome == "pays" {
                done.paid += 1;
            } else {
                done.waiting += 1;
            }
        } else {
            done.known += 1;
        }
    }
    let ev = desk.staff().event(
        "import_statement",
        "cash".into(),
        format!(
            "lines={} new={} paid={} waiting={} known={}",
            done.lines, done.new, done.paid, done.waiting, done.known
        ),
    );
    app.db.audit(tid, &ev).await?;
    tracing::info!(tenant = %tid, new = done.new, paid = done.paid, waiting = done.waiting, known = done.known, "bank statement imported");
    Ok(Ok(done))
}

/// The fees the statement's references name, paid or not.
async fn open_fees(
    app: &App,
    tid: &str,
    lines: &[rathaus_domain::bank::StatementLine],
) -> AppResult<HashMap<String, OpenFee>> {
    let mut fees = HashMap::new();
    for l in lines {
        for r in l.references() {
            if fees.contains_key(r.as_str()) {
                continue;
            }
            if let Some(p) = app.db.payment_by_creditor_ref(tid, r.as_str()).await? {
                let open = !p.status.money_received();
                fees.insert(
                    r.as_str().to_owned(),
                    OpenFee {
                        payment_id: p.id,
                        amount_cents: p.amount_cents,
                        open,
                    },
                );
            }
        }
    }
    Ok(fees)
}

/// How a line's outcome is recorded, with the payment it concerns; `None` for a line
/// that is not a credit (not recorded at all).
fn outcome_code(o: &LineOutcome) -> Option<(&'static str, Option<String>)> {
    Some(match o {
        LineOutcome::NotACredit => return None,
        LineOutcome::Pays(p) => ("pays", Some(p.clone())),
        LineOutcome::NoReference => ("no_reference", None),
        LineOutcome::UnknownReference(_) => ("unknown_reference", None),
        LineOutcome::AmountDiffers { payment_id, .. } => {
            ("amount_differs", Some(payment_id.clone()))
        }
        LineOutcome::AlreadyPaid(p) => ("already_paid", Some(p.clone())),
    })
}

/// A line's content, which (with how often that content came in the file) is its id, so
/// the same statement imported twice records nothing new.
fn line_content(tid: &str, l: &rathaus_domain::bank::StatementLine) -> String {
    format!(
        "{tid}|{}|{}|{}|{}|{}|{}",
        l.bank_ref.as_deref().unwrap_or(""),
        l.booking_date.as_deref().unwrap_or(""),
        l.amount_cents,
        l.debtor.as_deref().unwrap_or(""),
        l.remittance,
        l.structured.join(",")
    )
}

/// The statement lines still waiting for staff, and the latest ones.
pub async fn lines(
    app: &App,
    desk: &CashDesk<'_, '_>,
) -> AppResult<(Vec<rathaus_store::BankLine>, Vec<rathaus_store::BankLine>)> {
    let tid = desk.staff().tenant();
    Ok((
        app.db.bank_lines(tid, true, 200).await?,
        app.db.bank_lines(tid, false, 50).await?,
    ))
}

/// How many direct debits wait for their collection file.
pub async fn debits_waiting(app: &App, desk: &CashDesk<'_, '_>) -> AppResult<i64> {
    Ok(app.db.direct_debits_waiting(desk.staff().tenant()).await?)
}

/// The format of a booking file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingFormat {
    Csv,
    Xml,
}

/// The fees paid on `day` (Europe/Berlin, `YYYY-MM-DD`) as a booking file for the finance
/// software; `Ok(None)` for a day that is not a date. Audited.
pub async fn bookings(
    app: &App,
    desk: &CashDesk<'_, '_>,
    day: &str,
    format: BookingFormat,
) -> AppResult<Option<String>> {
    let tid = desk.staff().tenant();
    let Ok(date) = day.parse::<jiff::civil::Date>() else {
        return Ok(None);
    };
    let bounds = date
        .in_tz("Europe/Berlin")
        .and_then(|start| Ok((start.timestamp(), start.tomorrow()?.timestamp())));
    let Ok((from, to)) = bounds else {
        return Ok(None);
    };
    let payments = app
        .db
        .paid_between(tid, from.as_millisecond(), to.as_millisecond())
        .await?;
    let rows: Vec<rathaus_domain::booking::Booking> = payments
        .iter()
        .map(|p| rathaus_domain::booking::Booking {
            kassenzeichen: p
                .kassenzeichen
                .clone()
                .unwrap_or_else(|| p.creditor_ref.clone()),
            reference: p.reference.clone(),
            booking_code: p.booking_code.clone(),
            amount_cents: p.amount_cents,
            method: p.method.clone().unwrap_or_else(|| "transfer".into()),
            creditor_ref: p.creditor_ref.clone(),
            purpose: p.purpose.clone(),
            paid_at: p
                .paid_at
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default(),
        })
        .collect();
    let file = match format {
        BookingFormat::Csv => "buchungen.csv",
        BookingFormat::Xml => "buchungen.xml",
    };
    let ev = desk.staff().event(
        "export_bookings",
        "cash".into(),
        format!("day={day} rows={} file={file}", rows.len()),
    );
    app.db.audit(tid, &ev).await?;
    Ok(Some(match format {
        BookingFormat::Xml => {
            let created = jiff::Timestamp::now()
                .strftime("%Y-%m-%dT%H:%M:%SZ")
                .to_string();
            rathaus_domain::booking::bookings_xml(tid, day, &created, &rows)
                .map_err(|e| AppError::Internal(e.to_string()))?
        }
        BookingFormat::Csv => rathaus_domain::booking::bookings_csv(day, &rows),
    }))
}

/// The collection file (pain.008.001.08) of every direct debit not collected yet; each goes
/// into exactly one file. `Ok(None)`: nothing to collect. Returns the message id (the file
/// name) and the XML. Audited. `Forbidden` without a creditor id.
pub async fn direct_debits(
    app: &App,
    desk: &CashDesk<'_, '_>,
) -> AppResult<Option<(String, String)>> {
    let tid = desk.staff().tenant();
    let office = desk.office();
    let creditor_id = office.creditor_id.as_deref().ok_or(AppError::Forbidden)?;
    let payments = app.db.take_direct_debits(tid).await?;
    if payments.is_empty() {
        return Ok(None);
    }
    let collections: Vec<rathaus_domain::sepa::Collection> = payments
        .iter()
        .map(|p| rathaus_domain::sepa::Collection {
            end_to_end_id: p.reference.clone(),
            amount_cents: p.amount_cents,
            mandate_id: p.reference.clone(),
            mandate_date: p.mandate_date.clone().unwrap_or_else(crate::clock::today),
            debtor_name: p.debtor_name.clone().unwrap_or_default(),
            debtor_iban: p.debtor_iban.clone().unwrap_or_default(),
            remittance: format!("{} {} {}", p.purpose, p.reference, p.creditor_ref),
        })
        .collect();
    let now = jiff::Zoned::now();
    let created = now.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    // SEPA Core: at least one business day ahead; five calendar days are always enough.
    let collect_on = now
        .date()
        .checked_add(jiff::Span::new().days(5))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let msg_id: String = format!(
        "RATHAUS-{}-{}",
        tid.to_ascii_uppercase(),
        now.strftime("%Y%m%d%H%M%S")
    )
    .chars()
    .take(35)
    .collect();
    let creditor = rathaus_domain::sepa::Creditor {
        name: &office.name,
        iban: &office.iban,
        bic: office.bic.as_deref(),
        creditor_id,
    };
    let xml = rathaus_domain::sepa::pain008(
        &msg_id,
        &created,
        &collect_on,
        &creditor,
        rathaus_domain::sepa::Sequence::OneOff,
        &collections,
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let ev = desk.staff().event(
        "export_direct_debits",
        "cash".into(),
        format!("file={msg_id} count={}", collections.len()),
    );
    app.db.audit(tid, &ev).await?;
    Ok(Some((msg_id, xml)))
}
