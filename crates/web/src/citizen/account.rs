//! Mein Bereich of an account: applications with their status, drafts, documents and
//! appointments; the download of all one's data (DSGVO Art. 15/20) and deleting the
//! account (Art. 17).

use super::{login_needed, service_title, Frame};
use crate::kit::extract::without_session;
use crate::kit::views::loc;
use crate::kit::{download, paths, redirect, Citizen, Form, Page, Prefs, St, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use minijinja::{context, Value};
use rathaus_app::accounts::own_account;
use rathaus_app::appointments::{calendar_of, date_label, service_names, time_label};
use rathaus_domain::appointment::local_date;
use rathaus_store::ApplicationSummary;
use serde_json::json;

fn summary_view(page: &Page<'_>, tid: &str, a: &ApplicationSummary) -> Value {
    Value::from_serialize(json!({
        "service": service_title(page.site(), tid, &a.service_id, page.lang()),
        "reference": a.reference,
        "status": a.status.map(|s| page.status_label(s)),
        "status_key": a.status,
        "submitted": a.submitted_at.map(rathaus_app::clock::berlin_datetime),
        "updated": rathaus_app::clock::berlin_datetime(a.updated_at),
        "unread": a.unread,
        "href": if a.reference.is_some() { paths::case(tid, &a.draft_id) } else { paths::apply_resume(tid, &a.draft_id) },
    }))
}

/// The receipts and Postkorb files of the account's applications.
fn documents(
    page: &Page<'_>,
    tid: &str,
    submitted: &[&ApplicationSummary],
    files: &[(String, rathaus_store::FileMeta)],
) -> Vec<serde_json::Value> {
    let mut documents = Vec::new();
    for a in submitted {
        let title = service_title(page.site(), tid, &a.service_id, page.lang());
        documents.push(json!({
            "name": page.text("my-receipt-document"), "context": a.reference, "service": title,
            "href": paths::apply_receipt_pdf(tid, &a.draft_id), "size": null,
        }));
        for (_, f) in files.iter().filter(|(d, _)| *d == a.draft_id) {
            documents.push(json!({
                "name": f.name, "context": a.reference, "service": title,
                "href": paths::case_file(tid, &a.draft_id, &f.id),
                "size": rathaus_domain::form::format_bytes(f.size.max(0) as u64),
            }));
        }
    }
    documents
}

/// The account's appointments ahead.
fn appointments(
    page: &Page<'_>,
    t: &rathaus_domain::TenantDef,
    list: &[rathaus_store::Appointment],
) -> Vec<serde_json::Value> {
    let (lang, w) = (page.lang(), page.words());
    list.iter()
        .filter_map(|a| {
            let (office, def) = calendar_of(t, &a.office_id)?;
            Some(json!({
                "office": loc(&office.name, lang),
                "date": date_label(&w, local_date(a.starts_at)),
                "time": time_label(a.starts_at),
                "services": service_names(def, &a.services(), lang),
                "href": paths::appointment(t.id.as_str(), &a.id),
            }))
        })
        .collect()
}

fn notice_view(tid: &str, n: &rathaus_store::AccountNotice) -> Value {
    Value::from_serialize(json!({
        "subject": n.subject,
        "created": rathaus_app::clock::berlin_datetime(n.created_at),
        "unread": n.read_at.is_none(),
        "href": paths::my_notice(tid, &n.id),
    }))
}

/// One of the account's loss reports, with what its certificate and withdrawal need.
fn loss_view(page: &Page<'_>, l: &rathaus_store::LossReport, token: &str) -> Value {
    Value::from_serialize(json!({
        "id": l.id,
        "token": token,
        "reference": l.reference,
        "reported": rathaus_app::clock::berlin_datetime(l.created_at),
        "category": page.text(&format!("found-cat-{}", l.category.replace('_', "-"))),
        "description": l.description,
        "lost_on": rathaus_domain::form::format_date_de(&l.lost_on),
    }))
}

/// `GET /{t}/mein-bereich`. A guest session opened for one application leads to it.
pub async fn my_area(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let Some(account) = own_account(&citizen, &tid) else {
        if let Some(d) = rathaus_app::accounts::session_case(&citizen) {
            return Ok(redirect::to(&paths::case(&tid, d)));
        }
        return Ok(login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None).await);
    };
    let o = rathaus_app::accounts::overview(&state.app, &account).await?;
    let (submitted, drafts): (Vec<_>, Vec<_>) =
        o.applications.iter().partition(|a| a.reference.is_some());
    let documents = documents(&page, &tid, &submitted, &o.files);
    let appointments = appointments(&page, t, &o.appointments);
    let notices: Vec<Value> = o.notices.iter().map(|n| notice_view(&tid, n)).collect();
    let losses: Vec<Value> = o
        .losses
        .iter()
        .map(|(l, token)| loss_view(&page, l, token))
        .collect();
    let folders: Vec<Value> = o
        .folders
        .iter()
        .map(|f| {
            let title = site
                .catalog
                .folder(&tid, &f.plan_id)
                .map(|p| loc(&p.def.title, page.lang()));
            Value::from_serialize(json!({
                "title": title, "href": paths::folder(&tid, &f.id),
                "created": rathaus_app::clock::berlin_datetime(f.created_at),
            }))
        })
        .collect();
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(fr.ok(
        "citizen/my_area.html",
        context! {
            applications => submitted.iter().map(|a| summary_view(&fr.page, &tid, a)).collect::<Vec<_>>(),
            drafts => drafts.iter().map(|a| summary_view(&fr.page, &tid, a)).collect::<Vec<_>>(),
            documents, appointments, notices, losses, folders,
            unread => submitted.iter().map(|a| a.unread).sum::<i64>()
                + o.notices.iter().filter(|n| n.read_at.is_none()).count() as i64,
            certificate_action => paths::found_certificate(&tid),
            withdraw_action => paths::found_withdraw(&tid),
            sessions => o.sessions,
            level => citizen.live.as_ref().map(|l| l.level().as_str()),
            data_href => paths::my_data(&tid),
            delete_href => paths::my_delete(&tid),
            logout_everywhere => paths::logout_everywhere(&tid),
            services_href => paths::services(&tid),
        },
    ))
}

/// `GET /{t}/mein-bereich/daten.json`: everything stored about the citizen, as JSON.
pub async fn my_data(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let Some(account) = own_account(&citizen, &tid) else {
        return Ok(login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None).await);
    };
    let doc = rathaus_app::accounts::export(&state.app, &account).await?;
    let body = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let disposition = "attachment; filename=\"meine-daten.json\"";
    Ok(download(
        "application/json; charset=utf-8",
        disposition,
        body,
    ))
}

fn delete_form(fr: &Frame<'_>, tid: &str, error: bool) -> axum::response::Response {
    let status = if error {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    fr.render(
        status,
        "citizen/delete_account.html",
        context! {
            action => paths::my_delete(tid), error,
            back => paths::my_area(tid), data_href => paths::my_data(tid),
        },
    )
}

/// `GET /{t}/mein-bereich/konto-loeschen`: what deleting means, and the button.
pub async fn delete_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    if own_account(&citizen, &tid).is_none() {
        return Ok(login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None).await);
    }
    Ok(delete_form(
        &Frame::new(t, page, &citizen, jar),
        &tid,
        false,
    ))
}

/// `POST /{t}/mein-bereich/konto-loeschen`: with the confirmation ticked, the account goes.
pub async fn delete(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let Some(account) = own_account(&citizen, &tid) else {
        return Ok(login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None).await);
    };
    if !p.ticked("bestaetigt") {
        return Ok(delete_form(&Frame::new(t, page, &citizen, jar), &tid, true));
    }
    rathaus_app::accounts::delete(&state.app, account).await?;
    let jar = without_session(&state, jar, &tid);
    let res = page.private(
        "kit/logged_out.html",
        context! { deleted => true, everywhere => false, login => None::<String> },
    );
    Ok((jar, res).into_response())
}

/// `GET /{t}/mein-bereich/mitteilungen/{id}`: one notice of the account, marked read.
pub async fn notice_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let Some(account) = own_account(&citizen, &tid) else {
        return Ok(login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None).await);
    };
    let n = rathaus_app::notices::read(&state.app, &account, &id)
        .await?
        .ok_or(crate::kit::WebError::NotFound)?;
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(fr.ok(
        "citizen/notice.html",
        context! {
            paragraphs => n.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>(),
            subject => n.subject,
            created => rathaus_app::clock::berlin_datetime(n.created_at),
            link => n.link,
            delete_action => paths::my_notice_delete(&tid, &n.id),
            back => paths::my_area(&tid),
        },
    ))
}

/// `POST /{t}/mein-bereich/mitteilungen/{id}/loeschen`: the notice goes; back to Mein Bereich.
pub async fn delete_notice(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Form(_, _jar): Form,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let Some(account) = own_account(&citizen, &tid) else {
        return Ok(login_needed(&state, &page, &tid, &prefs.here, citizen.expired, None).await);
    };
    if !rathaus_app::notices::delete(&state.app, &account, &id).await? {
        return Err(crate::kit::WebError::NotFound);
    }
    Ok(redirect::to(&paths::my_area(&tid)))
}
