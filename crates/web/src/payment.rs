//! What citizens and staff see of a fee: the itemised fee, how to pay it by bank transfer
//! (with the creditor reference and an EPC QR code, "GiroCode") and where the payment
//! stands. The rules live in `domain::payment`; this module only shows them.

use crate::i18n::Messages;
use crate::views::money;
use minijinja::context;
use rathaus_domain::payment::{CreditorReference, Fee, FeeLine, TransferRequest};
use rathaus_domain::tenant::TenantDef;
use rathaus_domain::Lang;
use rathaus_store::Payment;

fn cents(c: i64) -> u64 {
    u64::try_from(c).unwrap_or(0)
}

/// The itemised fee for a template: `lines` (label, quantity, unit, total) and `total`.
pub(crate) fn fee_view(lines: &[FeeLine], lang: Lang) -> minijinja::Value {
    let total: i64 = lines.iter().map(|l| l.total_cents).sum();
    context! {
        lines => lines.iter().map(|l| context! {
            label => l.label.get(lang).0,
            quantity => l.quantity,
            unit => money(cents(l.unit_cents), lang),
            total => money(cents(l.total_cents), lang),
        }).collect::<Vec<_>>(),
        total => money(cents(total), lang),
    }
}

/// The fee of a form for these answers, if it takes one and it is not zero.
pub(crate) fn fee_of(fee: Option<Fee>, lang: Lang) -> Option<minijinja::Value> {
    fee.filter(|f| f.total_cents > 0)
        .map(|f| fee_view(&f.lines, lang))
}

/// The stored payment for a template: the fee, its state, and the transfer details while
/// it is open.
pub(crate) fn payment_view(
    p: &Payment,
    provider: &TenantDef,
    messages: &Messages,
    lang: Lang,
    qr_href: Option<String>,
) -> minijinja::Value {
    let lines: Vec<FeeLine> = serde_json::from_str(&p.lines).unwrap_or_default();
    let reference = CreditorReference::parse(&p.creditor_ref);
    // Open, failed, or an online attempt under way: a transfer still pays it.
    let open = matches!(p.status.as_str(), "open" | "failed")
        || (p.status == "pending" && p.method.as_deref() != Some("direct_debit"));
    let transfer = provider.cash_office.as_ref().filter(|_| open).map(|c| {
        context! {
            beneficiary => c.name,
            iban => rathaus_domain::payment::group4(&c.iban),
            bic => c.bic,
            amount => money(cents(p.amount_cents), lang),
            reference => reference.as_ref().map(CreditorReference::grouped).unwrap_or_else(|| p.creditor_ref.clone()),
            qr_href,
        }
    });
    context! {
        fee => fee_view(&lines, lang),
        amount => money(cents(p.amount_cents), lang),
        status => p.status,
        status_label => messages.get(lang, &status_key(p), None),
        debit => p.method.as_deref() == Some("direct_debit"),
        reference => reference.as_ref().map(CreditorReference::grouped).unwrap_or_else(|| p.creditor_ref.clone()),
        booking_code => p.booking_code,
        kassenzeichen => p.kassenzeichen,
        transfer,
    }
}

/// The message key of a payment's state; a direct debit waiting for its collection says so.
fn status_key(p: &Payment) -> String {
    if p.status == "pending" && p.method.as_deref() == Some("direct_debit") {
        "payment-status-debit".into()
    } else {
        format!("payment-status-{}", p.status)
    }
}

/// The EPC QR code of an open payment as SVG, or `None` if the tenant has no cash office
/// or the data do not fit the format.
pub(crate) fn girocode_svg(p: &Payment, provider: &TenantDef) -> Option<String> {
    let c = provider.cash_office.as_ref()?;
    let reference = CreditorReference::parse(&p.creditor_ref)?;
    let payload = rathaus_domain::payment::girocode_payload(&TransferRequest {
        beneficiary: &c.name,
        iban: &c.iban,
        bic: c.bic.as_deref(),
        amount_cents: cents(p.amount_cents),
        reference: &reference,
        note: None,
    })
    .ok()?;
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

/// The payment as fields of the receipt PDF (label, lines).
pub(crate) fn pdf_fields(
    p: &Payment,
    provider: &TenantDef,
    messages: &Messages,
    lang: Lang,
) -> Vec<(String, Vec<String>)> {
    let tr = |k: &str| messages.get(lang, k, None);
    let lines: Vec<FeeLine> = serde_json::from_str(&p.lines).unwrap_or_default();
    let mut out: Vec<(String, Vec<String>)> = lines
        .iter()
        .map(|l| {
            (
                l.label.get(lang).0.to_owned(),
                vec![format!(
                    "{} × {} = {}",
                    l.quantity,
                    money(cents(l.unit_cents), lang),
                    money(cents(l.total_cents), lang)
                )],
            )
        })
        .collect();
    out.push((
        tr("payment-total"),
        vec![money(cents(p.amount_cents), lang)],
    ));
    out.push((tr("payment-state"), vec![tr(&status_key(p))]));
    if let Some(c) = &provider.cash_office {
        let reference = CreditorReference::parse(&p.creditor_ref)
            .map(|r| r.grouped())
            .unwrap_or_else(|| p.creditor_ref.clone());
        out.push((tr("payment-beneficiary"), vec![c.name.clone()]));
        out.push((
            tr("payment-iban"),
            vec![rathaus_domain::payment::group4(&c.iban)],
        ));
        if let Some(bic) = &c.bic {
            out.push((tr("payment-bic"), vec![bic.clone()]));
        }
        out.push((tr("payment-reference"), vec![reference]));
    }
    out
}

/// The hand-overs that wait for payment `p`: those on receipt, if the service takes its fee
/// up front (they were held back at submission).
pub(crate) async fn deliveries_when_paid(
    state: &crate::AppState,
    site: &crate::Site,
    p: &Payment,
) -> Result<Vec<rathaus_store::QueuedDelivery>, rathaus_store::StoreError> {
    let Some(case) = state.db.case(&p.tenant_id, &p.reference).await? else {
        return Ok(Vec::new());
    };
    let Some(provider) = site.catalog.tenant(&p.tenant_id) else {
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
    Ok(crate::handover::queued(
        provider,
        &case.service_id,
        rathaus_domain::delivery::DeliveryEvent::Received,
        &p.reference,
    ))
}
