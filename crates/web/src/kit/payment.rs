//! What citizens and staff see of a fee: the itemised fee, how to pay it by bank transfer
//! (with the creditor reference and an EPC QR code, "GiroCode") and where the payment
//! stands. The rules live in `domain::payment`; this module only shows them.

use crate::kit::views::money;
use minijinja::context;
use rathaus_app::payments::{grouped_reference, status_key, transfer_open};
use rathaus_app::texts::Messages;
use rathaus_domain::payment::{Fee, FeeLine};
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
    let lines = rathaus_app::payments::lines(p);
    // Open, failed, or an online attempt under way: a transfer still pays it.
    let transfer = provider
        .cash_office
        .as_ref()
        .filter(|_| transfer_open(p))
        .map(|c| {
            context! {
                beneficiary => c.name,
                iban => rathaus_domain::payment::group4(&c.iban),
                bic => c.bic,
                amount => money(cents(p.amount_cents), lang),
                reference => grouped_reference(p),
                qr_href,
            }
        });
    context! {
        fee => fee_view(&lines, lang),
        amount => money(cents(p.amount_cents), lang),
        status => p.status,
        status_label => messages.get(lang, &status_key(p), None),
        debit => p.method.as_deref() == Some("direct_debit"),
        reference => grouped_reference(p),
        booking_code => p.booking_code,
        kassenzeichen => p.kassenzeichen,
        transfer,
    }
}
