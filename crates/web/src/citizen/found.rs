//! The Fundbüro for citizens: the public search (`/{t}/fundbuero`, by category, days and
//! words over the public layer only) and the loss report (`…/verlust-melden`).

use crate::kit::views::loc;
use crate::kit::{csrf, paths, Citizen, Form, Page, Prefs, Query, St, WebError, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::accounts::own_account;
use rathaus_app::found::{Claimed, FieldErrors, NewClaim, NewLoss, Opened, Reported, Search};
use rathaus_domain::found::{Category, COLOURS};
use rathaus_domain::TenantDef;
use serde_json::{json, Value};

fn offered<'s>(
    site: &'s crate::kit::Site,
    prefs: &'s Prefs,
    tid: &str,
) -> Result<(&'s TenantDef, Page<'s>), WebError> {
    let (t, page) = Page::of(site, prefs, tid)?;
    if !rathaus_app::found::offered(t) {
        return Err(WebError::NotFound);
    }
    Ok((t, page))
}

/// The category choices (`public`: only those ever listed).
pub(crate) fn categories(page: &Page<'_>, public: bool, chosen: &str) -> Vec<Value> {
    Category::ALL
        .into_iter()
        .filter(|c| !public || c.is_public())
        .map(|c| {
            json!({"value": c.as_str(), "label": page.text(&format!("found-cat-{}", c.as_str().replace('_', "-"))),
                   "selected": c.as_str() == chosen})
        })
        .collect()
}

pub(crate) fn colours(page: &Page<'_>, chosen: &str) -> Vec<Value> {
    COLOURS
        .into_iter()
        .map(|c| json!({"value": c, "label": page.text(&format!("found-colour-{c}")), "selected": c == chosen}))
        .collect()
}

fn offices(page: &Page<'_>, t: &TenantDef) -> Vec<Value> {
    let w = page.words();
    let money = |c: u64| rathaus_app::texts::money(c as i64, page.lang());
    rathaus_app::found::offices(t)
        .map(|o| {
            // The fee table, as "up to 50,00 € value: 5,00 €" lines.
            let mut below = 0u64;
            let fees: Vec<String> = o
                .found_fees
                .iter()
                .map(|tier| {
                    let mut a = fluent_bundle::FluentArgs::new();
                    a.set("fee", money(tier.fee_cents));
                    a.set("from", money(below));
                    let key = match tier.up_to_cents {
                        Some(u) => {
                            a.set("to", money(u));
                            let first = below == 0;
                            below = u;
                            if first {
                                "found-fee-tier-first"
                            } else {
                                "found-fee-tier"
                            }
                        }
                        None => "found-fee-tier-above",
                    };
                    w.with(key, &a)
                })
                .collect();
            json!({"name": loc(&o.name, page.lang()), "href": paths::office(t.id.as_str(), o.id.as_str()),
                   "phone": o.phone, "email": o.email, "fees": fees})
        })
        .collect()
}

/// `GET /{t}/fundbuero`: the search and its results.
pub async fn search(
    state: St,
    prefs: Prefs,
    Path(tid): Path<String>,
    Query(q): Query,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let s = Search {
        category: q.one("kategorie").unwrap_or_default(),
        from: q.one("von").unwrap_or_default(),
        to: q.one("bis").unwrap_or_default(),
        text: q
            .one("suche")
            .unwrap_or_default()
            .chars()
            .take(100)
            .collect(),
    };
    let asked = q.one("kategorie").is_some() || q.one("suche").is_some();
    let found = rathaus_app::found::search(&state.app, t, &s).await?;
    let items: Vec<Value> = found
        .iter()
        .map(|i| {
            json!({
                "number": i.number,
                "category": page.text(&format!("found-cat-{}", i.category.as_str().replace('_', "-"))),
                "colour": i.colour.as_deref().map(|c| page.text(&format!("found-colour-{c}"))),
                "brand": i.brand,
                "description": i.description,
                "place": i.place,
                "found_on": rathaus_domain::form::format_date_de(&i.found_on),
                "claim_href": paths::found_claim(&tid, &i.number),
            })
        })
        .collect();
    Ok(page.render_private(
        StatusCode::OK,
        "citizen/found_search.html",
        context! {
            action => paths::found_search(&tid),
            loss_href => paths::found_loss(&tid),
            manage_href => paths::found_manage(&tid),
            categories => categories(&page, true, &s.category),
            from => s.from, to => s.to, text => s.text,
            asked, items,
            offices => offices(&page, t),
        },
    ))
}

/// Where the loss report stands on the page.
enum LossState {
    Form,
    /// Filed: how many kept items may match, the report's id and its token, its reference
    /// and access code.
    Done(usize, String, String, String, String),
    /// Withdrawn (`false`: there was nothing to withdraw).
    Withdrawn(bool),
}

#[allow(clippy::too_many_arguments)]
fn loss_form(
    page: &Page<'_>,
    t: &TenantDef,
    jar: CookieJar,
    account: bool,
    input: &NewLoss,
    errors: &FieldErrors,
    state: LossState,
    status: StatusCode,
) -> WebResult {
    let done = match &state {
        LossState::Done(n, id, token, reference, code) => Some((
            *n,
            id.clone(),
            token.clone(),
            reference.clone(),
            code.clone(),
        )),
        _ => None,
    };
    let (jar, token) = csrf::token(jar);
    let errors = crate::kit::views::field_errors(page, errors);
    let error = |f: &str| crate::kit::views::error_at(&errors, f);
    let tid = t.id.as_str();
    let res = page.render_private(
        status,
        "citizen/found_loss.html",
        context! {
            action => paths::found_loss(tid),
            search_href => paths::found_search(tid),
            csrf => token,
            categories => categories(page, false, &input.category),
            colours => colours(page, &input.colour),
            description => input.description.clone(), place => input.place.clone(),
            lost_on => input.lost_on.clone(), email => input.email.clone(), consent => input.consent,
            privacy_href => paths::privacy(tid),
            kategorie_error => error("kategorie"), farbe_error => error("farbe"),
            beschreibung_error => error("beschreibung"), verlustort_error => error("verlustort"),
            verlustdatum_error => error("verlustdatum"), email_error => error("email"),
            einwilligung_error => error("einwilligung"),
            errors,
            done => done.is_some(),
            matched => done.as_ref().map_or(0, |d| d.0),
            certificate => done.as_ref().map(|d| json!({"id": d.1, "token": d.2})),
            reference => done.as_ref().map(|d| d.3.clone()),
            code => done.as_ref().map(|d| d.4.clone()),
            manage_href => paths::found_manage(tid),
            certificate_action => paths::found_certificate(tid),
            withdraw_action => paths::found_withdraw(tid),
            withdrawn => match state {
                LossState::Withdrawn(true) => Some("done"),
                LossState::Withdrawn(false) => Some("gone"),
                _ => None,
            },
            offices => offices(page, t),
            account, my_area_href => paths::my_area(tid),
        },
    );
    Ok((jar, res).into_response())
}

/// `GET /{t}/fundbuero/verlust-melden`.
pub async fn loss_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    loss_form(
        &page,
        t,
        jar,
        own_account(&citizen, &tid).is_some(),
        &NewLoss::default(),
        &Vec::new(),
        LossState::Form,
        StatusCode::OK,
    )
}

/// `POST /{t}/fundbuero/verlust-melden`: logged in, the report belongs to the account.
pub async fn report_loss(
    state: St,
    prefs: Prefs,
    ip: crate::kit::ClientIp,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let input = NewLoss {
        category: p.raw("kategorie").to_owned(),
        colour: p.raw("farbe").to_owned(),
        description: p.raw("beschreibung").to_owned(),
        place: p.raw("verlustort").to_owned(),
        lost_on: p.raw("verlustdatum").to_owned(),
        email: p.raw("email").to_owned(),
        consent: p.ticked("einwilligung"),
    };
    let account = own_account(&citizen, &tid);
    let reported =
        rathaus_app::found::report_loss(&state.app, t, page.lang(), ip.0, account.as_ref(), &input)
            .await?;
    let account = account.is_some();
    match reported {
        Reported::Done {
            matches,
            id,
            certificate,
            reference,
            code,
        } => loss_form(
            &page,
            t,
            jar,
            account,
            &input,
            &Vec::new(),
            LossState::Done(matches, id, certificate, reference, code),
            StatusCode::OK,
        ),
        Reported::Wait(ms) => {
            let limited = vec![(
                "beschreibung",
                rathaus_domain::form::Message::Key(
                    "found-error-limited",
                    vec![("time", super::wait_text(ms))],
                ),
            )];
            loss_form(
                &page,
                t,
                jar,
                account,
                &input,
                &limited,
                LossState::Form,
                StatusCode::TOO_MANY_REQUESTS,
            )
        }
        Reported::Invalid(e) => loss_form(
            &page,
            t,
            jar,
            account,
            &input,
            &e,
            LossState::Form,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// `POST /{t}/fundbuero/verlust-melden/zurueckziehen`: the browser that filed a report
/// withdraws it (its id and token come in the post); the report is deleted.
pub async fn withdraw(
    state: St,
    prefs: Prefs,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let done =
        rathaus_app::found::withdraw_loss(&state.app, t, p.raw("meldung"), p.raw("token")).await?;
    loss_form(
        &page,
        t,
        jar,
        false,
        &NewLoss::default(),
        &Vec::new(),
        LossState::Withdrawn(done),
        if done {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn claim_form(
    page: &Page<'_>,
    t: &TenantDef,
    jar: CookieJar,
    claimable: &rathaus_app::found::Claimable,
    input: &NewClaim,
    errors: &FieldErrors,
    done: bool,
    status: StatusCode,
) -> WebResult {
    let (jar, token) = csrf::token(jar);
    let errors = crate::kit::views::field_errors(page, errors);
    let error = |f: &str| crate::kit::views::error_at(&errors, f);
    let tid = t.id.as_str();
    let item = &claimable.item;
    let questions: Vec<Value> = claimable
        .questions
        .iter()
        .map(|f| {
            json!({
                "field": f.field(),
                "label": page.text(&format!("found-question-{}", f.as_str())),
                "hint": page.text(&format!("found-question-{}-hint", f.as_str())),
                "value": input.answers.get(*f),
                "error": error(f.field()),
            })
        })
        .collect();
    let res = page.render_private(
        status,
        "citizen/found_claim.html",
        context! {
            action => paths::found_claim(tid, &item.number),
            search_href => paths::found_search(tid),
            privacy_href => paths::privacy(tid),
            csrf => token,
            item => json!({
                "number": item.number,
                "category": page.text(&format!("found-cat-{}", item.category.as_str().replace('_', "-"))),
                "description": item.description,
                "found_on": rathaus_domain::form::format_date_de(&item.found_on),
                "place": item.place,
            }),
            name => input.name.clone(), email => input.email.clone(),
            questions, consent => input.consent,
            name_error => error("name"), email_error => error("email"),
            einwilligung_error => error("einwilligung"),
            errors, done,
            offices => offices(page, t),
        },
    );
    Ok((jar, res).into_response())
}

/// `GET /{t}/fundbuero/{number}/anspruch`: "this is mine".
pub async fn claim_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path((tid, number)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let item = rathaus_app::found::claimable(&state.app, t, &number).await?;
    claim_form(
        &page,
        t,
        jar,
        &item,
        &NewClaim::default(),
        &Vec::new(),
        false,
        StatusCode::OK,
    )
}

/// `POST /{t}/fundbuero/{number}/anspruch`.
pub async fn claim(
    state: St,
    prefs: Prefs,
    Path((tid, number)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let item = rathaus_app::found::claimable(&state.app, t, &number).await?;
    let input = NewClaim {
        name: p.raw("name").to_owned(),
        email: p.raw("email").to_owned(),
        answers: rathaus_app::found::posted_features(|f| p.raw(f)),
        consent: p.ticked("einwilligung"),
    };
    match rathaus_app::found::claim(&state.app, t, page.lang(), &number, &input).await? {
        Claimed::Done => claim_form(
            &page,
            t,
            jar,
            &item,
            &input,
            &Vec::new(),
            true,
            StatusCode::OK,
        ),
        Claimed::Invalid(e) => claim_form(
            &page,
            t,
            jar,
            &item,
            &input,
            &e,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    }
}

/// `POST /{t}/fundbuero/verlust-melden/bescheinigung`: the Verlustbescheinigung as PDF/A,
/// for the browser that filed the report (its id and token come in the post, never in a
/// URL).
pub async fn certificate(
    state: St,
    prefs: Prefs,
    Path(tid): Path<String>,
    Form(p, _jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let pdf = rathaus_app::found::loss_certificate(
        &state.app,
        t,
        page.lang(),
        p.raw("meldung"),
        p.raw("token"),
    )
    .await?;
    Ok(crate::kit::download(
        "application/pdf",
        "attachment; filename=\"verlustbescheinigung.pdf\"",
        pdf,
    ))
}

/// What the page "my loss report" shows.
enum Manage {
    Form(FieldErrors),
    NoReport,
    Wait(i64),
    Found(Box<rathaus_store::LossReport>, String),
}

fn manage_view(
    page: &Page<'_>,
    t: &TenantDef,
    jar: CookieJar,
    typed: (&str, &str),
    shown: Manage,
    status: StatusCode,
) -> WebResult {
    let (jar, token) = csrf::token(jar);
    let tid = t.id.as_str();
    let w = page.words();
    let (mut errors, mut report, mut no_report, mut wait) = (Vec::new(), None, false, None);
    match shown {
        Manage::Form(e) => errors = crate::kit::views::field_errors(page, &e),
        Manage::NoReport => no_report = true,
        Manage::Wait(ms) => {
            let mut a = fluent_bundle::FluentArgs::new();
            a.set("time", super::wait_text(ms));
            wait = Some(w.with("found-manage-wait", &a));
        }
        Manage::Found(l, token) => {
            report = Some(json!({
                "id": l.id,
                "token": token,
                "reference": l.reference,
                "category": page.text(&format!("found-cat-{}", l.category.replace('_', "-"))),
                "colour": l.colour.as_deref().map(|c| page.text(&format!("found-colour-{c}"))),
                "description": l.description,
                "place": l.place,
                "lost_on": rathaus_domain::form::format_date_de(&l.lost_on),
                "reported": rathaus_app::clock::berlin_datetime(l.created_at),
            }))
        }
    }
    let error = |f: &str| crate::kit::views::error_at(&errors, f);
    let res = page.render_private(
        status,
        "citizen/found_manage.html",
        context! {
            action => paths::found_manage(tid),
            search_href => paths::found_search(tid),
            certificate_action => paths::found_certificate(tid),
            withdraw_action => paths::found_withdraw(tid),
            csrf => token,
            reference => report.is_none().then(|| typed.0.to_owned()),
            meldung_error => error("meldung"), code_error => error("code"),
            errors, report, no_report, wait,
        },
    );
    Ok((jar, res).into_response())
}

/// `GET /{t}/fundbuero/meine-verlustmeldung`: reference and access code.
pub async fn manage_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    manage_view(
        &page,
        t,
        jar,
        ("", ""),
        Manage::Form(Vec::new()),
        StatusCode::OK,
    )
}

/// `POST /{t}/fundbuero/meine-verlustmeldung`: the report, if reference and code fit (the
/// same answer for every miss; wrong tries limited).
pub async fn manage(
    state: St,
    prefs: Prefs,
    ip: crate::kit::ClientIp,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = offered(&site, &prefs, &tid)?;
    let typed = (p.raw("meldung"), p.raw("code"));
    let (shown, status) =
        match rathaus_app::found::open_loss(&state.app, t, ip.0, typed.0, typed.1).await? {
            Opened::Found(l, token) => (Manage::Found(l, token), StatusCode::OK),
            Opened::NoReport => (Manage::NoReport, StatusCode::NOT_FOUND),
            Opened::Wait(ms) => (Manage::Wait(ms), StatusCode::TOO_MANY_REQUESTS),
            Opened::Invalid(e) => (Manage::Form(e), StatusCode::UNPROCESSABLE_ENTITY),
        };
    manage_view(&page, t, jar, typed, shown, status)
}
