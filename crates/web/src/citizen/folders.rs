//! The moving folder (Umzugsmappe) pages: the plan's opening questions, the citizen's
//! checklist with due dates and states, marking items, starting an application from an
//! item, opening a guest's folder in another browser, deleting it. The operations are
//! `rathaus_app::folders`; a guest's browser holds its folder's token in a cookie scoped to
//! the folder's pages.

use super::apply::input_of;
use super::fields::{self, Ctx};
use super::{login_needed, wait_text, with_retry_after, Frame};
use crate::kit::extract::{session_token, with_session};
use crate::kit::views::{self, loc};
use crate::kit::{paths, redirect, Citizen, ClientIp, Form, Page, Prefs, St, WebError, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::folders::{self, Item, Opened, OwnFolder};
use rathaus_domain::folder::ItemState;
use rathaus_domain::form::{FieldError, Folder, StepInput};
use rathaus_domain::TenantDef;
use serde_json::{json, Map, Value as Json};

fn cookie_name(id: &str) -> String {
    format!("rathaus_mappe_{id}")
}

/// The guest's token for folder `id`, scoped to the folder's pages.
fn with_token(state: &St, jar: CookieJar, tid: &str, id: &str, token: String) -> CookieJar {
    jar.add(
        Cookie::build((cookie_name(id), token))
            .path(paths::folder(tid, id))
            .http_only(true)
            .secure(state.auth.secure())
            .same_site(SameSite::Lax)
            .build(),
    )
}

fn plan_of(state: &St, t: &TenantDef, plan: &str) -> Result<std::sync::Arc<Folder>, WebError> {
    folders::plan(&state.app, t, plan).ok_or(WebError::NotFound)
}

/// The folder of the path for its owner (account, or the browser holding its token).
async fn own(
    state: &St,
    t: &TenantDef,
    citizen: &Citizen,
    jar: &CookieJar,
    id: &str,
) -> Result<OwnFolder, WebError> {
    let token = jar.get(&cookie_name(id)).map(|c| c.value().to_owned());
    Ok(folders::own(&state.app, t, citizen, id, token.as_deref()).await?)
}

/// [`own`] with the folder's plan.
async fn own_with_plan(
    state: &St,
    t: &TenantDef,
    citizen: &Citizen,
    jar: &CookieJar,
    id: &str,
) -> Result<(OwnFolder, std::sync::Arc<Folder>), WebError> {
    let f = own(state, t, citizen, jar, id).await?;
    let plan = plan_of(state, t, &f.row().plan_id)?;
    Ok((f, plan))
}

#[allow(clippy::too_many_arguments)]
fn questions_page(
    fr: &Frame<'_>,
    plan: &Folder,
    input: &StepInput,
    answers: &Map<String, Json>,
    errors: &[FieldError],
    consent: bool,
    logged_in: bool,
    status: StatusCode,
) -> Response {
    let tid = fr.t.id.as_str();
    let lang = fr.page.lang();
    let w = fr.page.words();
    let today = rathaus_app::clock::today();
    let ctx = Ctx {
        form: &plan.questions,
        step: 0,
        input,
        errors,
        answers,
        today: &today,
        words: &w,
        draft: None,
    };
    let fields = ctx.fields();
    let summary = fields::error_summary(&plan.questions.def.steps[0], errors, &w);
    fr.render(
        status,
        "citizen/folder_new.html",
        context! {
            title => loc(&plan.def.title, lang), intro => views::paragraphs(&plan.def.intro, lang),
            fields, summary, consent,
            action => paths::folder_new(tid, &plan.def.id),
            open_href => paths::folder_open(tid),
            logged_in,
        },
    )
}

/// `GET /{t}/mappen/{plan}`: the opening questions.
pub async fn new_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, plan)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let plan = plan_of(&state, t, &plan)?;
    let logged_in = citizen.account_id().is_some();
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(questions_page(
        &fr,
        &plan,
        &StepInput::new(),
        &Map::new(),
        &[],
        true,
        logged_in,
        StatusCode::OK,
    ))
}

/// `POST /{t}/mappen/{plan}`: the folder is made from the answers.
pub async fn create(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, plan)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let plan = plan_of(&state, t, &plan)?;
    let (input, _) = input_of(&p.0);
    let consent = p.ticked("einwilligung");
    match folders::create(&state.app, t, &plan, &citizen, &input, consent).await? {
        Ok(made) => {
            let jar = match made.guest {
                Some((token, _)) => with_token(&state, jar, &tid, &made.id, token),
                None => jar,
            };
            Ok((jar, redirect::to(&paths::folder(&tid, &made.id))).into_response())
        }
        Err((answers, errors)) => {
            let logged_in = citizen.account_id().is_some();
            let fr = Frame::new(t, page, &citizen, jar);
            Ok(questions_page(
                &fr,
                &plan,
                &input,
                &answers,
                &errors,
                consent,
                logged_in,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}

/// One item for the checklist.
fn item_view(page: &Page<'_>, t: &TenantDef, f: &OwnFolder, it: &Item, today: &str) -> Json {
    let tid = t.id.as_str();
    let lang = page.lang();
    let site = page.site();
    let title = json!(folders::item_text(site, t, &it.def).map(|x| loc(&x, lang)));
    let (kind, href) = if let Some(sid) = &it.def.service {
        ("service", Some(paths::service(tid, sid)))
    } else if let Some(a) = &it.def.appointment {
        (
            "appointment",
            Some(rathaus_app::links::appointment_office(
                tid,
                &a.office,
                Some(&a.bookable),
            )),
        )
    } else {
        ("task", None)
    };
    // An appointment's office with its address and opening hours.
    let office = it.def.appointment.as_ref().and_then(|a| {
        t.offices
            .iter()
            .find(|o| o.id.as_str() == a.office)
            .map(|o| json!(views::office(tid, tid, o, lang)))
    });
    let application = it.application.as_ref().map(|a| {
        json!({
            "reference": a.reference,
            "status": a.status.map(|s| page.status_label(s)),
            "href": if a.reference.is_some() {
                paths::case(tid, &a.draft_id)
            } else {
                paths::apply_resume(tid, &a.draft_id)
            },
        })
    });
    json!({
        "id": it.def.id,
        "kind": kind,
        "title": title,
        "href": href,
        "office": office,
        "note": it.def.note.as_ref().map(|n| loc(n, lang)),
        "optional": it.def.optional,
        "choice": it.def.choice.is_some(),
        "due": it.due.as_deref().map(rathaus_domain::form::format_date_de),
        "overdue": it.due.as_deref().is_some_and(|d| d < today)
            && matches!(it.state, ItemState::Open | ItemState::Draft),
        "state": it.state.as_str(),
        "application": application,
        "action": paths::folder_item(tid, f.id(), &it.def.id),
    })
}

/// `GET /{t}/mappe/{id}`: the checklist.
pub async fn page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let (f, plan) = own_with_plan(&state, t, &citizen, &jar, &id).await?;
    let items = folders::items(&state.app, &plan, &f).await?;
    let today = rathaus_app::clock::today();
    let lang = page.lang();
    let mut steps: Vec<Json> = Vec::new();
    for it in &items {
        let view = item_view(&page, t, &f, it, &today);
        match steps.last_mut() {
            Some(s) if s["id"] == it.step.as_str() => {
                if let Some(list) = s["items"].as_array_mut() {
                    list.push(view);
                }
            }
            _ => steps.push(json!({
                "id": it.step, "title": loc(&it.step_title, lang), "items": [view],
            })),
        }
    }
    let open = items
        .iter()
        .filter(|i| matches!(i.state, ItemState::Open | ItemState::Draft) && !i.def.optional)
        .count();
    let guest = f.row().account_id.is_none().then(|| {
        json!({
            "reference": f.row().reference,
            "code": state.app.keys.folder_code(f.id()),
        })
    });
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(fr.ok(
        "citizen/folder.html",
        context! {
            title => loc(&plan.def.title, lang), steps, open, guest,
            consent => f.row().consent,
            pdf_href => paths::folder_pdf(&tid, f.id()), ics_href => paths::folder_ics(&tid, f.id()),
            delete_action => paths::folder_delete(&tid, f.id()),
            open_href => paths::folder_open(&tid),
        },
    ))
}

/// `POST /{t}/mappe/{id}/punkt/{item}`: mark it (`aktion` = `erledigt`,
/// `nicht_fuer_mich`, `offen`) or start its application (`beantragen`).
pub async fn item(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, id, item)): Path<(String, String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let (f, plan) = own_with_plan(&state, t, &citizen, &jar, &id).await?;
    let back = paths::folder(&tid, &id);
    let state_of = match p.raw("aktion") {
        "erledigt" => Some(ItemState::Done),
        "nicht_fuer_mich" => Some(ItemState::NotForMe),
        "offen" => Some(ItemState::Open),
        "beantragen" => None,
        _ => return Err(WebError::BadRequest),
    };
    if let Some(s) = state_of {
        folders::mark(&state.app, &plan, &f, &item, s).await?;
        return Ok((jar, redirect::to(&back)).into_response());
    }
    let old = session_token(&jar);
    match folders::apply(&state.app, t, &plan, &f, &item, &citizen, old.as_deref()).await? {
        Ok(s) => {
            let jar = with_session(&state, jar, &tid, s.session);
            Ok((
                jar,
                redirect::to(&paths::apply_step(&tid, &s.draft, &s.step)),
            )
                .into_response())
        }
        Err(folders::ApplyRefused::Admission(_)) => {
            Ok(login_needed(&state, &page, &tid, &back, citizen.expired, None).await)
        }
    }
}

/// `POST /{t}/mappe/{id}/loeschen`: the folder goes (applications stay).
pub async fn delete(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
    Form(_, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let f = own(&state, t, &citizen, &jar, &id).await?;
    folders::delete(&state.app, f).await?;
    let jar = jar.remove(Cookie::build(cookie_name(&id)).path(paths::folder(&tid, &id)));
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(open_form(&fr, "", Shown::Deleted, StatusCode::OK))
}

enum Shown {
    Form,
    NoFolder,
    Wait(i64),
    Deleted,
}

fn open_form(fr: &Frame<'_>, reference: &str, shown: Shown, status: StatusCode) -> Response {
    let tid = fr.t.id.as_str();
    let (no_folder, wait, deleted) = match &shown {
        Shown::Form => (false, None, false),
        Shown::NoFolder => (true, None, false),
        Shown::Wait(ms) => (false, Some(wait_text(*ms)), false),
        Shown::Deleted => (false, None, true),
    };
    let res = fr.render(
        status,
        "citizen/folder_open.html",
        context! {
            action => paths::folder_open(tid), reference => reference.chars().take(20).collect::<String>(),
            no_folder, wait, deleted,
            life_situations_href => paths::life_situations(tid),
        },
    );
    match shown {
        Shown::Wait(ms) => with_retry_after(res, ms),
        _ => res,
    }
}

/// `GET /{t}/mappe-oeffnen`: reference and code of a guest's folder.
pub async fn open_page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path(tid): Path<String>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let fr = Frame::new(t, page, &citizen, jar);
    Ok(open_form(&fr, "", Shown::Form, StatusCode::OK))
}

/// `POST /{t}/mappe-oeffnen`: with the right code, this browser holds the folder too.
pub async fn open(
    state: St,
    prefs: Prefs,
    ip: ClientIp,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let reference = p.raw("mappe").to_owned();
    match folders::open(&state.app, t, ip.0, &reference, p.raw("code")).await? {
        Opened::Found(f, token) => {
            let jar = with_token(&state, jar, &tid, f.id(), token);
            Ok((jar, redirect::to(&paths::folder(&tid, f.id()))).into_response())
        }
        Opened::NoFolder => {
            let fr = Frame::new(t, page, &citizen, jar);
            Ok(open_form(&fr, &reference, Shown::NoFolder, StatusCode::OK))
        }
        Opened::Wait(ms) => {
            let fr = Frame::new(t, page, &citizen, jar);
            Ok(open_form(
                &fr,
                &reference,
                Shown::Wait(ms),
                StatusCode::TOO_MANY_REQUESTS,
            ))
        }
    }
}

/// `GET /{t}/mappe/{id}/fristen.ics`: the due dates for a calendar.
pub async fn ics(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or(WebError::NotFound)?;
    let (f, plan) = own_with_plan(&state, t, &citizen, &jar, &id).await?;
    let body = folders::ics(&state.app, t, &plan, &f, prefs.lang).await?;
    Ok(crate::kit::download(
        "text/calendar; charset=utf-8",
        "attachment; filename=\"umzugsmappe.ics\"",
        body,
    ))
}

/// `GET /{t}/mappe/{id}/liste.pdf`: the checklist as PDF/A.
pub async fn pdf(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    Path((tid, id)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or(WebError::NotFound)?;
    let (f, plan) = own_with_plan(&state, t, &citizen, &jar, &id).await?;
    let pdf = folders::checklist_pdf(&state.app, t, &plan, &f, prefs.lang).await?;
    Ok(crate::kit::download(
        "application/pdf",
        "attachment; filename=\"umzugsmappe.pdf\"",
        pdf,
    ))
}
