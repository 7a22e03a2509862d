//! "Is my ID card ready?" (`/{t}/ausweis-status`): number and birth date in, the status
//! out — on the page that answers the post, never in a URL — with the pick-up appointment
//! when it is ready and "tell me by e-mail" (or, logged in, in the Postkorb) while it is
//! made.

use super::{wait_text, with_retry_after};
use crate::kit::views::loc;
use crate::kit::{csrf, paths, Citizen, Form, Page, Prefs, St, WebError, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::context;
use rathaus_app::accounts::own_account;
use rathaus_app::id_status::{Answer, Found, Notify, Question};
use rathaus_domain::form::Message;
use rathaus_domain::TenantDef;
use serde_json::{json, Value};

/// What the page shows below its heading.
enum Shown {
    /// Only the form (errors by field).
    Form(Vec<(&'static str, Message)>),
    /// The status, and the e-mail's error if "tell me" was asked wrongly.
    Found(Box<Found>, Option<Message>),
    NoStatus,
    Wait(i64),
    /// "We will write to you."
    Subscribed,
}

fn found_view(page: &Page<'_>, t: &TenantDef, f: &Found) -> Value {
    let lang = page.lang();
    let w = page.words();
    let mut a = FluentArgs::new();
    a.set(
        "since",
        rathaus_domain::form::format_date_de(&f.entry.since),
    );
    let office = t.offices.iter().find(|o| o.id.as_str() == f.office);
    json!({
        "kind": page.text(&format!("idstatus-kind-{}", f.entry.kind.replace('_', "-"))),
        "status": f.status.as_str(),
        "text": w.with(&format!("idstatus-status-{}", f.status.as_str().replace('_', "-")), &a),
        "ready": f.status.can_be_picked_up(),
        "office": office.map(|o| json!({
            "name": loc(&o.name, lang),
            "street": format!("{} {}", o.address.street, o.address.house_number),
            "city": format!("{} {}", o.address.postal_code, o.address.city),
            "href": paths::office(t.id.as_str(), o.id.as_str()),
        })),
        "pickup_href": f.pickup.as_deref().map(|b| rathaus_app::links::appointment_office(t.id.as_str(), &f.office, Some(b))),
        "can_notify": f.can_notify,
    })
}

/// How the page answers: for a logged-in citizen (told in the Postkorb) or a guest.
struct Asker<'a> {
    page: &'a Page<'a>,
    t: &'a TenantDef,
    account: bool,
}

fn render(
    a: &Asker<'_>,
    jar: CookieJar,
    q: &Question,
    email: &str,
    shown: Shown,
    status: StatusCode,
) -> Response {
    let (page, t) = (a.page, a.t);
    let tid = t.id.as_str();
    let (jar, token) = csrf::token(jar);
    let w = page.words();
    let mut errors = Vec::new();
    let (mut found, mut no_status, mut wait, mut subscribed) = (None, false, None, false);
    match &shown {
        Shown::Form(e) => errors = crate::kit::views::field_errors(page, e),
        Shown::Found(f, e) => {
            found = Some(found_view(page, t, f));
            if let Some(m) = e {
                errors.push(json!({"field": "email", "message": w.text(m)}));
            }
        }
        Shown::NoStatus => no_status = true,
        Shown::Wait(ms) => wait = Some(wait_text(*ms)),
        Shown::Subscribed => subscribed = true,
    }
    let error_of = |f: &str| crate::kit::views::error_at(&errors, f);
    let res = page.render_private(
        status,
        "citizen/id_status.html",
        context! {
            action => paths::id_status(tid),
            notify_action => paths::id_status_notify(tid),
            csrf => token,
            number => q.number.chars().take(40).collect::<String>(),
            birth_date => q.birth_date.chars().take(20).collect::<String>(),
            email,
            number_error => error_of("nummer"),
            birth_error => error_of("geburtsdatum"),
            email_error => error_of("email"),
            errors,
            found, no_status, wait, subscribed,
            account => a.account,
            my_area_href => paths::my_area(tid),
            offices => rathaus_app::id_status::offices(t)
                .map(|(o, _)| json!({"name": loc(&o.name, page.lang()), "href": paths::office(tid, o.id.as_str())}))
                .collect::<Vec<_>>(),
        },
    );
    let res = match &shown {
        Shown::Wait(ms) => with_retry_after(res, *ms),
        _ => res,
    };
    (jar, res).into_response()
}

fn offered<'s>(
    site: &'s crate::kit::Site,
    prefs: &'s Prefs,
    tid: &str,
) -> Result<(&'s TenantDef, Page<'s>), WebError> {
    let (t, page) = Page::of(site, prefs, tid)?;
    if !rathaus_app::id_status::offered(t) {
        return Err(WebError::NotFound);
    }
    Ok((t, page))
}

/// `GET /{t}/ausweis-status`: the form.
pub async fn page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let asker = Asker {
        page: &page,
        t,
        account: own_account(&citizen, &tid).is_some(),
    };
    Ok(render(
        &asker,
        jar,
        &Question::default(),
        "",
        Shown::Form(Vec::new()),
        StatusCode::OK,
    ))
}

fn question(p: &crate::kit::extract::Pairs) -> Question {
    Question {
        number: p.raw("nummer").to_owned(),
        birth_date: p.raw("geburtsdatum").to_owned(),
    }
}

/// `POST /{t}/ausweis-status`: one lookup.
pub async fn lookup(
    state: St,
    prefs: Prefs,
    ip: crate::kit::ClientIp,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let q = question(&p);
    let (shown, status) = match rathaus_app::id_status::lookup(&state.app, t, ip.0, &q).await? {
        Answer::Found(f) => (Shown::Found(f, None), StatusCode::OK),
        Answer::NoStatus => (Shown::NoStatus, StatusCode::OK),
        Answer::Wait(ms) => (Shown::Wait(ms), StatusCode::TOO_MANY_REQUESTS),
        Answer::Invalid(e) => (Shown::Form(e), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let asker = Asker {
        page: &page,
        t,
        account: own_account(&citizen, &tid).is_some(),
    };
    Ok(render(&asker, jar, &q, "", shown, status))
}

/// `POST /{t}/ausweis-status/benachrichtigen`: "tell me when it is ready".
pub async fn notify(
    state: St,
    prefs: Prefs,
    ip: crate::kit::ClientIp,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let q = question(&p);
    let email = p.raw("email").trim().to_owned();
    let account = own_account(&citizen, &tid);
    let answer = rathaus_app::id_status::notify(
        &state.app,
        t,
        ip.0,
        &q,
        &email,
        account.as_ref(),
        page.lang(),
    )
    .await?;
    let (shown, status) = match answer {
        Notify::Subscribed => (Shown::Subscribed, StatusCode::OK),
        Notify::NotNeeded(f) => (Shown::Found(f, None), StatusCode::OK),
        Notify::BadEmail(f, m) => (Shown::Found(f, Some(m)), StatusCode::UNPROCESSABLE_ENTITY),
        Notify::NoStatus => (Shown::NoStatus, StatusCode::OK),
        Notify::Wait(ms) => (Shown::Wait(ms), StatusCode::TOO_MANY_REQUESTS),
        Notify::Invalid(e) => (Shown::Form(e), StatusCode::UNPROCESSABLE_ENTITY),
    };
    let asker = Asker {
        page: &page,
        t,
        account: account.is_some(),
    };
    Ok(render(&asker, jar, &q, &email, shown, status))
}
