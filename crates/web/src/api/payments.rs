//! Paying an application's fee from an app: what is owed and where it stands, the
//! transfer details with the GiroCode text (the app draws the QR code itself), and online
//! payment at the tenant's payment service. The pay page runs in the system browser; it
//! sends the citizen back to a page that says to return to the app, and the app asks for
//! the outcome (`…/payment/check`), which the portal takes from the payment service — the
//! browser's return proves nothing.

use super::auth::caller;
use super::lang;
use super::model::LangQuery;
use crate::kit::paths;
use crate::kit::problem::Problem;
use crate::kit::{Prefs, St};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rathaus_app::access::{self, DraftRefusal, OwnDraft};
use rathaus_app::payments::{self as pay, ComeBack, OnlineStart};
use rathaus_domain::Lang;
use rathaus_store::Payment;
use serde::Serialize;
use utoipa::ToSchema;

type Answer = Result<Response, Problem>;

fn private<T: Serialize>(lang: Lang, value: &T) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_LANGUAGE, lang.code()),
        ],
        Json(value),
    )
        .into_response()
}

/// A line of the fee.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentLine {
    pub label: String,
    pub quantity: i64,
    pub unit_cents: i64,
    pub total_cents: i64,
}

/// How to pay by bank transfer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transfer {
    pub beneficiary: String,
    pub iban: String,
    pub bic: Option<String>,
    pub amount_cents: i64,
    /// The creditor reference (ISO 11649) to give as the purpose: it matches the money to
    /// the application.
    pub reference: String,
    /// The text of the EPC QR code ("GiroCode") for banking apps.
    pub girocode: Option<String>,
}

/// What an application owes and where the payment stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentModel {
    pub amount_cents: i64,
    pub lines: Vec<PaymentLine>,
    /// `open`, `pending`, `paid`, `failed`, `cancelled` or `refunded`.
    pub status: String,
    pub status_label: String,
    /// `direct_debit` when the cash office collects it, else how it was paid.
    pub method: Option<String>,
    /// The reference the payment service reported (Kassenzeichen), once paid online.
    pub kassenzeichen: Option<String>,
    /// While a transfer still pays it.
    pub transfer: Option<Transfer>,
    /// Whether it can be paid online now (`POST` to `online`).
    pub online_open: bool,
    pub online: String,
    pub check: String,
}

fn model(state: &St, tid: &str, id: &str, p: &Payment, l: Lang) -> PaymentModel {
    let site = state.site();
    let words = site.core.words(tid, l);
    let provider = site.catalog.tenant(&p.tenant_id);
    let transfer = provider
        .and_then(|t| t.cash_office.as_ref().map(|c| (t, c)))
        .filter(|_| pay::transfer_open(p))
        .map(|(t, c)| Transfer {
            beneficiary: c.name.clone(),
            iban: c.iban.clone(),
            bic: c.bic.clone(),
            amount_cents: p.amount_cents,
            reference: p.creditor_ref.clone(),
            girocode: pay::girocode_text(p, t),
        });
    PaymentModel {
        amount_cents: p.amount_cents,
        lines: pay::lines(p)
            .iter()
            .map(|x| PaymentLine {
                label: x.label.get(l).0.to_owned(),
                quantity: x.quantity,
                unit_cents: x.unit_cents,
                total_cents: x.total_cents,
            })
            .collect(),
        status: p.status.as_str().to_owned(),
        status_label: words.get(&pay::status_key(p)),
        method: p.method.clone(),
        kassenzeichen: p.kassenzeichen.clone(),
        transfer,
        online_open: pay::online_open(p) && pay::epay::online_of(&site.core, p).is_some(),
        online: paths::api_pay_online(tid, id),
        check: paths::api_pay_check(tid, id),
    }
}

/// The submitted application `id` of the token's citizen, and its payment.
async fn owed(
    state: &St,
    headers: &HeaderMap,
    tid: &str,
    id: &str,
) -> Result<(OwnDraft, Payment), Problem> {
    let c = caller(state, tid, headers).await?;
    let d = match access::draft(&state.app, &c, tid, id).await {
        Ok(d) if d.submitted() => d,
        Ok(_) | Err(DraftRefusal::Denied(..)) => {
            return Err(Problem::not_found().detail("no such application of yours"))
        }
        Err(DraftRefusal::Error(e)) => return Err(e.into()),
    };
    let p = rathaus_app::drafts::receipt(&state.app, &d)
        .await?
        .and_then(|r| r.payment)
        .ok_or_else(|| Problem::not_found().detail("this application owes no fee"))?;
    Ok((d, p))
}

/// What the application owes, where the payment stands, and how to pay.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/applications/{id}/payment",
    tag = "payments",
    operation_id = "getPayment",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The payment", body = PaymentModel),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen, or no fee", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn payment(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let (_, p) = owed(&state, &headers, &tid, &id).await?;
    Ok(private(l, &model(&state, &tid, &id, &p, l)))
}

/// Where to pay online.
#[derive(Debug, Serialize, ToSchema)]
pub struct PayPage {
    /// The payment service's pay page: open it in the system browser. Afterwards it
    /// sends the citizen to a portal page that says to return to the app.
    pub pay_url: String,
}

/// Starts paying the fee online at the tenant's payment service.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/applications/{id}/payment/online",
    tag = "payments",
    operation_id = "payOnline",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
    ),
    responses(
        (status = 200, description = "The pay page", body = PayPage),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen, no fee, or no online payment", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing (any more) to pay online", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment service does not answer (a transfer still pays it)", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn online(
    state: St,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
) -> Answer {
    let (d, _) = owed(&state, &headers, &tid, &id).await?;
    match pay::start_online(&state.app, &d, ComeBack::App).await? {
        OnlineStart::PayPage(pay_url) => Ok(private(Lang::De, &PayPage { pay_url })),
        OnlineStart::NotOpen => Err(Problem::conflict("nothing to pay online")),
        OnlineStart::Unavailable => Err(unavailable()),
    }
}

fn unavailable() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "payment-service-unavailable",
        "The payment service does not answer",
    )
    .detail("try again later; a bank transfer still pays the fee")
}

/// Asks the payment service how an online payment stands (after the pay page) and
/// answers the payment as it is then.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/applications/{id}/payment/check",
    tag = "payments",
    operation_id = "checkPayment",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The payment", body = PaymentModel),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen, or no fee", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The payment service does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn check(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let l = lang(q.lang, &prefs);
    let (d, _) = owed(&state, &headers, &tid, &id).await?;
    if !pay::came_back(&state.app, &d).await? {
        return Err(unavailable());
    }
    let (_, p) = owed(&state, &headers, &tid, &id).await?;
    Ok(private(l, &model(&state, &tid, &id, &p, l)))
}
