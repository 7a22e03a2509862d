//! The cash office (admins of a tenant with one): import a bank statement, see the lines
//! that did not match a fee, export the day's booking file and the direct-debit
//! collection file.

use super::Frame;
use crate::kit::{download, paths, Form, Page, Prefs, St, StaffMember, WebError, WebResult};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::{context, Value};
use rathaus_app::access::{CashDesk, Staff};
use rathaus_app::cash::{BookingFormat, MAX_STATEMENT_BYTES};
use rathaus_domain::TenantDef;
use serde::Deserialize;
use serde_json::json;

/// The cash desk of an admin of a tenant with a cash office, or "not allowed".
fn desk<'s, 't>(staff: &'s Staff, t: &'t TenantDef) -> Result<CashDesk<'s, 't>, WebError> {
    staff
        .admin()
        .and_then(|a| a.cash(t))
        .ok_or(WebError::Forbidden)
}

/// What the page reports above its forms: a summary, or an error.
fn result(r: Result<String, String>) -> Value {
    let (summary, error) = match r {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    Value::from_serialize(json!({"summary": summary, "error": error}))
}

async fn render(
    state: &crate::kit::AppState,
    fr: Frame<'_>,
    d: &CashDesk<'_, '_>,
    outcome: Option<Value>,
    status: StatusCode,
) -> WebResult {
    let tid = fr.t.id.as_str().to_owned();
    let (waiting, recent) = rathaus_app::cash::lines(&state.app, d).await?;
    let n = rathaus_app::cash::debits_waiting(&state.app, d).await?;
    let page = &fr.page;
    let mut a = FluentArgs::new();
    a.set("count", n);
    let debits_waiting = page.words().with("cash-debit-waiting", &a);
    let line_view = |l: &rathaus_store::BankLine| {
        json!({
            "booked_on": l.booked_on.as_deref().map(rathaus_domain::form::format_date_de),
            "amount": rathaus_app::texts::money(l.amount_cents, page.lang()),
            "debtor": l.debtor,
            "remittance": l.remittance,
            "reference": l.reference,
            "outcome": page.text(&format!("cash-outcome-{}", l.outcome.replace('_', "-"))),
        })
    };
    let ctx = context! {
        waiting => waiting.iter().map(line_view).collect::<Vec<_>>(),
        recent => recent.iter().map(line_view).collect::<Vec<_>>(),
        action => paths::staff_cash_statement(&tid),
        debit_action => d.office().creditor_id.as_ref().map(|_| paths::staff_cash_debits(&tid)),
        debits_waiting,
        export_action => paths::staff_cash_bookings(&tid, "buchungen.csv"),
        export_xml => paths::staff_cash_bookings(&tid, "buchungen.xml"),
        today => rathaus_app::clock::today(),
        max => rathaus_domain::form::format_bytes(MAX_STATEMENT_BYTES as u64),
        result => outcome,
    };
    Ok(fr.render(status, "staff/cash.html", "cash", ctx))
}

/// `GET /{t}/verwaltung/kasse`.
pub async fn cash_office(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t)?;
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        None,
        StatusCode::OK,
    )
    .await
}

/// `POST /{t}/verwaltung/kasse/kontoauszug`: import a camt.053/camt.054 file; every credit
/// that carries a fee's reference and amount marks the fee paid (each line once, even if
/// the file is imported again); the rest is listed for staff. Audited.
pub async fn import_statement(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
    mp: axum::extract::Multipart,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t)?;
    let w = page.words();
    let fail = |key: &str, detail: String| {
        let mut a = FluentArgs::new();
        a.set("detail", detail);
        a.set(
            "max",
            rathaus_domain::form::format_bytes(MAX_STATEMENT_BYTES as u64),
        );
        Some(result(Err(w.with(key, &a))))
    };
    let (outcome, status) = match super::uploaded_file(&jar, mp).await? {
        None => (
            fail("cash-too-large", String::new()),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        Some(b) if b.is_empty() => (
            fail("cash-no-file", String::new()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Some(b) => match rathaus_app::cash::import_statement(&state.app, &d, &b).await? {
            Err(e) => (
                fail("cash-bad-file", e.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Ok(done) => {
                let mut a = FluentArgs::new();
                a.set("new", done.new);
                a.set("paid", done.paid);
                a.set("waiting", done.waiting);
                a.set("known", done.known);
                (
                    Some(result(Ok(w.with("cash-imported", &a)))),
                    StatusCode::OK,
                )
            }
        },
    };
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        outcome,
        status,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct BookingsQuery {
    tag: Option<String>,
}

/// `GET /{t}/verwaltung/kasse/buchungen.{csv|xml}?tag=YYYY-MM-DD`: the fees paid on one day
/// (Europe/Berlin) as a booking file for the finance software (audited).
pub async fn bookings(
    state: St,
    StaffMember(staff): StaffMember,
    Path((tid, file)): Path<(String, String)>,
    Query(q): Query<BookingsQuery>,
) -> WebResult {
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or(WebError::NotFound)?;
    let d = desk(&staff, t)?;
    let (format, kind) = match file.as_str() {
        "buchungen.csv" => (BookingFormat::Csv, "text/csv; charset=utf-8"),
        "buchungen.xml" => (BookingFormat::Xml, "application/xml; charset=utf-8"),
        _ => return Err(WebError::NotFound),
    };
    let day = q.tag.unwrap_or_else(rathaus_app::clock::today);
    let body = rathaus_app::cash::bookings(&state.app, &d, &day, format)
        .await?
        .ok_or(WebError::BadRequest)?;
    let ext = if format == BookingFormat::Xml {
        "xml"
    } else {
        "csv"
    };
    let disposition = format!("attachment; filename=\"buchungen-{tid}-{day}.{ext}\"");
    Ok(download(kind, &disposition, body))
}

/// `POST /{t}/verwaltung/kasse/lastschriften`: the collection file (pain.008.001.08) of
/// every direct debit not collected yet; each goes into exactly one file (audited).
pub async fn direct_debits(
    state: St,
    prefs: Prefs,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
    Form(_, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t)?;
    match rathaus_app::cash::direct_debits(&state.app, &d).await? {
        Some((msg_id, xml)) => {
            let disposition = format!("attachment; filename=\"{msg_id}.xml\"");
            Ok(download(
                "application/xml; charset=utf-8",
                &disposition,
                xml,
            ))
        }
        None => {
            let outcome = Some(result(Ok(page.text("cash-debit-none"))));
            render(
                &state,
                Frame::new(t, page, &staff, jar),
                &d,
                outcome,
                StatusCode::OK,
            )
            .await
        }
    }
}
