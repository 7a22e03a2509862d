//! After submitting: the receipt (page and archivable PDF/A with every answer), the
//! draft's files, and paying the fee — by transfer (GiroCode) or online through the
//! tenant's payment service (or the built-in demo service, whose pay page is here too).

use super::apply::own_draft;
use super::{fields, Frame};
use crate::kit::views::{self, loc};
use crate::kit::{download, paths, redirect, Citizen, Form, Page, Prefs, St, WebError, WebResult};
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::access::OwnDraft;
use rathaus_app::payments::{ComeBack, DemoOutcome, OnlineStart};
use rathaus_app::receipts::ReceiptData;
use serde::Deserialize;
use serde_json::Value as Json;

/// The submission of the draft; a draft not yet submitted goes back to where it was.
async fn receipt_of(state: &St, d: &OwnDraft) -> Result<ReceiptData, WebResult> {
    match rathaus_app::drafts::receipt(&state.app, d).await {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(Ok(redirect::to(&paths::apply_resume(d.tenant(), d.id())))),
        Err(e) => Err(Err(e.into())),
    }
}

#[derive(Debug, Deserialize)]
pub struct ReceiptQuery {
    zahlung: Option<String>,
}

/// `GET /{t}/antrag/{draft}/eingang`: the receipt with the reference, every answer, the fee
/// and how to pay it, the access code of a guest, and the appointment that goes with it.
pub async fn receipt(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
    Query(q): Query<ReceiptQuery>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let r = match receipt_of(&state, &d).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let l = rathaus_app::drafts::form(&state.app, &site.core, &d).await?;
    let form = l.form();
    let w = page.words();
    let lang = w.lang;
    let pay = r.payment.as_ref();
    let ctx = context! {
        reference => r.sub.reference,
        submitted => rathaus_app::clock::berlin_datetime(r.sub.submitted_at),
        service_title => loc(&l.offered.service.title, lang),
        provider => loc(&l.offered.provider.name, lang),
        office => views::office(&tid, l.offered.provider.id.as_str(), l.offered.office, lang),
        processing_days => l.offered.service.processing_time.days,
        steps => fields::answers(form, &r.answers, &tid, &did, &w),
        computed => fields::computed(form, &r.computed, lang),
        payment => pay.map(|p| crate::kit::payment::payment_view(p, l.offered.provider, w.messages, lang, Some(paths::apply_girocode(&tid, &did)))),
        online_action => pay
            .filter(|p| rathaus_app::payments::online_open(p) && rathaus_app::payments::epay::online_of(&site.core, p).is_some())
            .map(|_| paths::pay_online(&tid, &did)),
        payment_unavailable => q.zahlung.as_deref() == Some("nicht-erreichbar"),
        payment_first => form.def.payment.as_ref().is_some_and(|p| p.upfront)
            && pay.is_some_and(rathaus_app::payments::unpaid),
        pdf => paths::apply_receipt_pdf(&tid, &did),
        case_href => paths::case(&tid, &did),
        access_code => rathaus_app::receipts::guest_code(&state.app, d.draft()),
        guest_href => paths::guest_access(&tid),
        account => !d.guest(),
        appointment_href => super::appointments::for_service(l.offered.provider, l.offered.service.id.as_str(), &did),
    };
    Ok(Frame::new(t, page, &citizen, jar).ok("citizen/apply_receipt.html", ctx))
}

/// `GET /{t}/antrag/{draft}/eingang.pdf`: the receipt as an archivable PDF/A file with
/// every answer, computed value and file (with its SHA-256, so the file can be matched).
pub async fn receipt_pdf(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let r = match receipt_of(&state, &d).await {
        Ok(r) => r,
        Err(res) => return res,
    };
    let l = rathaus_app::drafts::form(&state.app, &site.core, &d).await?;
    let code = rathaus_app::receipts::guest_code(&state.app, d.draft());
    let bytes = rathaus_app::receipts::pdf(&state.app, &site.core, page.lang(), &tid, &r, &l, code)
        .await
        .map_err(WebError::Internal)?;
    let safe = r
        .sub
        .reference
        .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_");
    let disposition = format!("inline; filename=\"Eingangsbestaetigung-{safe}.pdf\"");
    Ok(download("application/pdf", &disposition, bytes))
}

/// `GET /{t}/antrag/{draft}/datei/{file}`: a file of this draft, as a download.
pub async fn file(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did, fid)): Path<(String, String, String)>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let meta = rathaus_app::drafts::file(&state.app, &d, &fid)
        .await
        .map_err(|_| WebError::NotFound)?;
    crate::kit::send_file(&state.app, &meta, false).await
}

/// `GET /{t}/antrag/{draft}/girocode.svg`: the EPC QR code ("GiroCode") of the application's
/// open fee, for a banking app; 404 when nothing is to be paid by transfer.
pub async fn girocode(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let svg = rathaus_app::payments::girocode(&state.app, &d)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        svg,
    )
        .into_response())
}

/// `POST /{t}/antrag/{draft}/zahlung`: pay the application's open fee online — create a
/// transaction at the payment service and send the citizen to its pay page.
pub async fn pay_online(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, did)): Path<(String, String)>,
    Form(_, jar): Form,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let receipt = paths::apply_receipt(&tid, &did);
    match rathaus_app::payments::start_online(&state.app, &d, ComeBack::Web).await {
        Ok(OnlineStart::PayPage(url)) => Ok(redirect::external(&url)),
        Ok(OnlineStart::NotOpen) => Ok(redirect::to(&format!("{receipt}#zahlung"))),
        Ok(OnlineStart::Unavailable) => Ok(redirect::to(&format!(
            "{receipt}?zahlung=nicht-erreichbar#zahlung"
        ))),
        Err(rathaus_app::AppError::NotFound) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// `GET /{t}/antrag/{draft}/zahlung/rueckkehr`: back from the pay page. The return itself
/// proves nothing; the outcome is asked from the payment service.
pub async fn pay_return(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path((tid, did)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let d = match own_draft(&state, &page, &citizen, &jar, &tid, &did).await {
        Ok(d) => d,
        Err(r) => return Ok(r),
    };
    let receipt = paths::apply_receipt(&tid, &did);
    let target = if rathaus_app::payments::came_back(&state.app, &d).await? {
        format!("{receipt}#zahlung")
    } else {
        format!("{receipt}?zahlung=nicht-erreichbar#zahlung")
    };
    Ok((jar, redirect::to(&target)).into_response())
}

/// `GET /{t}/zahlung/zurueck-zur-app`: where the pay page sends a citizen who paid in a
/// city app's browser. It names nothing of the application; the app asks for the outcome.
pub async fn pay_app_return(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    Ok(page.render_private(StatusCode::OK, "citizen/pay_app_return.html", context! {}))
}

/// `GET /{t}/demo-bezahldienst/{id}`: the built-in demo pay page (no money moves).
pub async fn demo_pay_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, id)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let tx = rathaus_app::payments::demo_transaction(&state.app, t.id.as_str(), &id)
        .await
        .map_err(|_| WebError::NotFound)?;
    let request: Json = serde_json::from_str(&tx.request).unwrap_or(Json::Null);
    let cents = rathaus_domain::bank::parse_amount(&request["grosAmount"].to_string()).unwrap_or(0);
    let (jar, token) = crate::kit::csrf::token(jar);
    let res = page.private(
        "citizen/demo_pay.html",
        context! {
            amount => rathaus_app::texts::money(cents, page.lang()),
            purpose => request["purpose"].as_str().unwrap_or_default(),
            description => request["description"].as_str().unwrap_or_default(),
            open => tx.status == "INITIAL",
            action => paths::demo_pay(&tid, &id),
            back => tx.redirect_url,
            csrf => token,
        },
    );
    Ok((jar, res).into_response())
}

/// `POST /{t}/demo-bezahldienst/{id}`: the demo's outcome (pay, fail or cancel), then back
/// to the portal like a real pay page.
pub async fn demo_pay_action(
    state: St,
    Path((tid, id)): Path<(String, String)>,
    Form(p, _): Form,
) -> WebResult {
    let outcome = match p.raw("aktion") {
        "bezahlen" => DemoOutcome::Pay,
        "fehlschlagen" => DemoOutcome::Fail,
        "abbrechen" => DemoOutcome::Cancel,
        _ => return Err(WebError::BadRequest),
    };
    let back = rathaus_app::payments::demo_finish(&state.app, &tid, &id, outcome)
        .await
        .map_err(|e| match e {
            rathaus_app::AppError::NotFound => WebError::NotFound,
            other => other.into(),
        })?;
    Ok(redirect::external(&back))
}
