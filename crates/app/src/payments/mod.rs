//! Fees and payments: what is owed and how it stands, the EPC QR code of a transfer, online
//! payment through the tenant's payment service (XBezahldienste or the demo), and settling
//! payments whose citizen never came back. The rules (states, creditor references, the
//! GiroCode payload) live in `domain::payment`; the money is moved by the store in one
//! transaction with whatever the payment releases.

pub mod epay;

use crate::texts::Words;
use crate::{App, Site};
use rathaus_domain::payment::{CreditorReference, FeeLine, PaymentStatus, TransferRequest};
use rathaus_domain::TenantDef;
use rathaus_store::{Payment, QueuedDelivery, StoreError};
use std::time::Duration;

/// Whether a bank transfer still pays `p`: it is open, an earlier attempt failed, or an
/// online attempt is under way (not a direct debit, which the cash office collects).
pub fn transfer_open(p: &Payment) -> bool {
    online_open(p) || (p.status == PaymentStatus::Pending && !direct_debit(p))
}

/// Whether `p` is collected by direct debit (the cash office's collection file).
pub fn direct_debit(p: &Payment) -> bool {
    p.method.as_deref() == Some("direct_debit")
}

/// Whether `p` may be paid online now (open, or an earlier attempt failed).
pub fn online_open(p: &Payment) -> bool {
    matches!(p.status, PaymentStatus::Open | PaymentStatus::Failed)
}

/// Whether the fee is still to be paid (not paid, not paid back).
pub fn unpaid(p: &Payment) -> bool {
    !matches!(p.status, PaymentStatus::Paid | PaymentStatus::Refunded)
}

/// The message key of a payment's state; a direct debit waiting for its collection says so.
pub fn status_key(p: &Payment) -> String {
    if p.status == PaymentStatus::Pending && direct_debit(p) {
        "payment-status-debit".into()
    } else {
        format!("payment-status-{}", p.status.as_str())
    }
}

/// The fee's items as stored with the payment.
pub fn lines(p: &Payment) -> Vec<FeeLine> {
    serde_json::from_str(&p.lines).unwrap_or_default()
}

/// The creditor reference of `p` in groups of four, as people type it.
pub fn grouped_reference(p: &Payment) -> String {
    CreditorReference::parse(&p.creditor_ref)
        .map(|r| r.grouped())
        .unwrap_or_else(|| p.creditor_ref.clone())
}

/// The text of the EPC QR code ("GiroCode") of `p`, or `None` if the tenant has no cash
/// office or the data do not fit the format.
pub fn girocode_text(p: &Payment, provider: &TenantDef) -> Option<String> {
    let c = provider.cash_office.as_ref()?;
    let reference = CreditorReference::parse(&p.creditor_ref)?;
    rathaus_domain::payment::girocode_payload(&TransferRequest {
        beneficiary: &c.name,
        iban: &c.iban,
        bic: c.bic.as_deref(),
        amount_cents: u64::try_from(p.amount_cents).unwrap_or(0),
        reference: &reference,
        note: None,
    })
    .ok()
}

/// The EPC QR code of an open payment as SVG, or `None` if the tenant has no cash office
/// or the data do not fit the format.
pub fn girocode_svg(p: &Payment, provider: &TenantDef) -> Option<String> {
    let payload = girocode_text(p, provider)?;
    // The EPC standard asks for error correction level M.
    let code =
        qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(
        code.render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .build(),
    )
}

/// The payment as fields of a PDF (label, lines): items, total, state and how to transfer.
pub fn pdf_fields(p: &Payment, provider: &TenantDef, w: &Words<'_>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = lines(p)
        .iter()
        .map(|l| {
            (
                l.label.get(w.lang).0.to_owned(),
                vec![format!(
                    "{} × {} = {}",
                    l.quantity,
                    w.money(l.unit_cents),
                    w.money(l.total_cents)
                )],
            )
        })
        .collect();
    out.push((w.get("payment-total"), vec![w.money(p.amount_cents)]));
    out.push((w.get("payment-state"), vec![w.get(&status_key(p))]));
    if let Some(c) = &provider.cash_office {
        out.push((w.get("payment-beneficiary"), vec![c.name.clone()]));
        out.push((
            w.get("payment-iban"),
            vec![rathaus_domain::payment::group4(&c.iban)],
        ));
        if let Some(bic) = &c.bic {
            out.push((w.get("payment-bic"), vec![bic.clone()]));
        }
        out.push((w.get("payment-reference"), vec![grouped_reference(p)]));
    }
    out
}

/// The hand-overs that wait for payment `p`: those on receipt, if the service takes its fee
/// up front (they were held back at submission).
pub async fn held_deliveries(
    app: &App,
    site: &Site,
    p: &Payment,
) -> Result<Vec<QueuedDelivery>, StoreError> {
    let Some(case) = app.db.case(&p.tenant_id, &p.reference).await? else {
        return Ok(Vec::new());
    };
    let Some(provider) = site.tenant(&p.tenant_id) else {
        return Ok(Vec::new());
    };
    let upfront = site
        .catalog
        .service(&p.tenant_id, &case.service_id)
        .and_then(|o| o.service.form.as_ref())
        .and_then(|f| f.payment.as_ref())
        .is_some_and(|pay| pay.upfront);
    if !upfront {
        return Ok(Vec::new());
    }
    Ok(crate::cases::queued(
        provider,
        &case.service_id,
        rathaus_domain::delivery::DeliveryEvent::Received,
        &p.reference,
    ))
}

/// What the payment service said about an online payment, applied: the Kassenzeichen is
/// kept, and a final state goes through the payment's state machine (with the hand-overs
/// it releases) in one transaction. Returns whether the state changed.
pub async fn settle(
    app: &App,
    site: &Site,
    p: &Payment,
    tx: &str,
    report: &epay::Report,
) -> Result<bool, StoreError> {
    if let Some(r) = &report.reference {
        app.db.set_kassenzeichen(&p.id, r).await?;
    }
    let Some(ev) = report.status.event() else {
        app.db.touch_payment(&p.id).await?;
        return Ok(false);
    };
    let waiting = held_deliveries(app, site, p).await?;
    let outcome = app
        .db
        .apply_payment_event(&p.id, ev, Some("online"), &waiting, Some(tx))
        .await?;
    Ok(matches!(
        outcome,
        rathaus_domain::payment::Outcome::Changed(_)
    ))
}

/// Asks the payment services about online payments that are still pending after `age`:
/// a citizen who paid and closed the browser never comes back to the portal, but the money
/// must not be lost. Returns how many changed.
pub async fn poll_pending(app: &App, age: Duration) -> usize {
    let before = crate::clock::now_millis() - i64::try_from(age.as_millis()).unwrap_or(0);
    let payments = match app.db.stale_online_payments(before).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(%e, "payments: cannot list pending ones");
            return 0;
        }
    };
    let site = app.site();
    let mut changed = 0;
    for p in payments {
        let Some(tx) = p.transaction_id.as_deref() else {
            continue;
        };
        let Some(def) = epay::online_of(&site, &p) else {
            continue;
        };
        match epay::status(app, def, tx).await {
            Ok(report) => match settle(app, &site, &p, tx, &report).await {
                Ok(true) => {
                    tracing::info!(reference = %p.reference, status = report.status.as_str(), "online payment settled by polling");
                    changed += 1;
                }
                Ok(false) => {}
                Err(e) => tracing::warn!(reference = %p.reference, %e, "payments: cannot record"),
            },
            Err(e) => {
                tracing::warn!(reference = %p.reference, %e, "payments: status unknown");
                let _ = app.db.touch_payment(&p.id).await;
            }
        }
    }
    changed
}

// ----- the citizen's side ---------------------------------------------------------------------

use crate::access::OwnDraft;
use crate::{AppError, AppResult};

/// The EPC QR code of the draft's fee while a transfer still pays it.
pub async fn girocode(app: &App, d: &OwnDraft) -> AppResult<Option<String>> {
    let Some(p) = app.db.payment_of(d.id()).await? else {
        return Ok(None);
    };
    if !transfer_open(&p) {
        return Ok(None);
    }
    let site = app.site();
    Ok(site.tenant(&p.tenant_id).and_then(|t| girocode_svg(&p, t)))
}

/// What starting an online payment came to.
pub enum OnlineStart {
    /// Off to the payment service's pay page.
    PayPage(String),
    /// Nothing (or nothing any more) to pay online: back to the receipt.
    NotOpen,
    /// The payment service did not answer: the receipt says so (transfer still works).
    Unavailable,
}

/// Where the citizen comes back after the payment service's pay page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComeBack {
    /// To the application's receipt in the browser that started it.
    Web,
    /// To a page that says to go back to the city app.
    App,
}

/// Creates a transaction for the draft's open fee at the tenant's payment service.
pub async fn start_online(app: &App, d: &OwnDraft, back: ComeBack) -> AppResult<OnlineStart> {
    let Some(p) = app.db.payment_of(d.id()).await?.filter(online_open) else {
        return Ok(OnlineStart::NotOpen);
    };
    let site = app.site();
    let def = epay::online_of(&site, &p).ok_or(AppError::NotFound)?;
    let service = site
        .catalog
        .service(d.tenant(), &d.draft().service_id)
        .map(|o| o.service.title.de.clone())
        .unwrap_or_default();
    let back = match back {
        ComeBack::Web => crate::links::pay_return(d.tenant(), d.id()),
        ComeBack::App => crate::links::pay_app_return(d.tenant()),
    };
    let request = epay::payment_request(
        &p,
        &app.config.url(&back),
        &format!("{service}, Antrag {}", p.reference),
    );
    match epay::create(app, &p.tenant_id, def, &request).await {
        Ok(c) => {
            let started = app
                .db
                .start_online_payment(&p.id, epay::provider_key(def), &c.transaction_id)
                .await?;
            if !started {
                return Ok(OnlineStart::NotOpen);
            }
            tracing::info!(tenant = %p.tenant_id, reference = %p.reference, transaction = %c.transaction_id, "online payment started");
            Ok(OnlineStart::PayPage(c.pay_url))
        }
        Err(e) => {
            tracing::warn!(tenant = %p.tenant_id, reference = %p.reference, %e, "online payment could not start");
            Ok(OnlineStart::Unavailable)
        }
    }
}

/// The citizen is back from the pay page. The return proves nothing: the outcome is
/// asked from the payment service and applied. `Ok(false)`: the service did not answer.
pub async fn came_back(app: &App, d: &OwnDraft) -> AppResult<bool> {
    let Some(p) = app.db.payment_of(d.id()).await? else {
        return Ok(true);
    };
    let site = app.site();
    let (Some(def), Some(tx)) = (epay::online_of(&site, &p), p.transaction_id.as_deref()) else {
        return Ok(true);
    };
    match epay::status(app, def, tx).await {
        Ok(report) => {
            settle(app, &site, &p, tx, &report).await?;
            tracing::info!(reference = %p.reference, status = report.status.as_str(), "online payment status");
            Ok(true)
        }
        Err(e) => {
            tracing::warn!(reference = %p.reference, %e, "online payment status unknown");
            Ok(false)
        }
    }
}

/// A transaction of the built-in demo payment service of tenant `tid`.
pub async fn demo_transaction(
    app: &App,
    tid: &str,
    id: &str,
) -> AppResult<rathaus_store::DemoTransaction> {
    match app.db.demo_transaction(id).await? {
        Some(x) if x.tenant_id == tid => Ok(x),
        _ => Err(AppError::NotFound),
    }
}

/// What the citizen does on the demo pay page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoOutcome {
    Pay,
    Fail,
    Cancel,
}

/// The demo service's outcome of transaction `id`; returns where the citizen goes back to
/// (the portal's return address, like a real pay page).
pub async fn demo_finish(
    app: &App,
    tid: &str,
    id: &str,
    outcome: DemoOutcome,
) -> AppResult<String> {
    let tx = demo_transaction(app, tid, id).await?;
    let (status, reference) = match outcome {
        DemoOutcome::Pay => (
            "PAYED",
            Some(format!(
                "DEMO-KZ-{}",
                &id[..12.min(id.len())].to_ascii_uppercase()
            )),
        ),
        DemoOutcome::Fail => ("FAILED", None),
        DemoOutcome::Cancel => ("CANCELED", None),
    };
    app.db
        .finish_demo_transaction(id, status, reference.as_deref())
        .await?;
    Ok(tx.redirect_url)
}
