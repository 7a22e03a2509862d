//! The citizen wing: everything a citizen does with a service — the form assistant from
//! start to receipt, paying, logging in, Mein Bereich with the Postkorb of each
//! application, guest access, and appointments. Drafts and cases open only for their owner:
//! the handlers ask the application layer for the handle (`rathaus_app::access`) and show
//! the login, the resume-code form or the access-code form to anyone else.

mod account;
mod app_login;
mod apply;
mod appointments;
mod fields;
mod folders;
mod found;
mod id_status;
mod login;
mod postkorb;
mod receipt;

use crate::kit::paths::pattern as p;
use crate::kit::{csrf, paths, AppState, Citizen, Page};
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use minijinja::Value;
use rathaus_domain::TenantDef;
use serde_json::json;
use std::sync::Arc;

pub fn router(state: &AppState) -> Router<Arc<AppState>> {
    // Steps and replies may carry files: up to the per-application limit plus the form.
    let with_files = || {
        DefaultBodyLimit::max(
            usize::try_from(state.app.files.max_per_application)
                .unwrap_or(usize::MAX)
                .saturating_add(state.config.max_body_bytes),
        )
    };
    Router::new()
        .route(p::apply_start, get(apply::start_page).post(apply::start))
        .route(
            p::precheck,
            get(apply::precheck_page).post(apply::precheck_post),
        )
        .route(p::apply_resume, get(apply::resume).post(apply::resume_post))
        .route(
            p::apply_step,
            get(apply::step_page)
                .post(apply::step_post)
                .layer(with_files()),
        )
        .route(p::apply_file, get(receipt::file))
        .route(p::apply_check, get(apply::check_page))
        .route(p::apply_submit, post(apply::submit))
        .route(p::apply_receipt, get(receipt::receipt))
        .route(p::apply_receipt_pdf, get(receipt::receipt_pdf))
        .route(p::apply_girocode, get(receipt::girocode))
        .route(p::pay_online, post(receipt::pay_online))
        .route(p::pay_return, get(receipt::pay_return))
        .route(p::pay_app_return, get(receipt::pay_app_return))
        .route(
            p::demo_pay,
            get(receipt::demo_pay_page).post(receipt::demo_pay_action),
        )
        .route(p::login, get(login::login))
        .route(p::app_login, get(app_login::page).post(app_login::post))
        .route(p::login_return, get(login::login_return))
        .route(p::logout, post(login::logout))
        .route(p::logout_everywhere, post(login::logout_everywhere))
        .route(p::session_extend, post(login::extend))
        .route(p::my_area, get(account::my_area))
        .route(p::my_data, get(account::my_data))
        .route(
            p::my_delete,
            get(account::delete_page).post(account::delete),
        )
        .route(p::folder_new, get(folders::new_page).post(folders::create))
        .route(p::folder, get(folders::page))
        .route(p::folder_item, post(folders::item))
        .route(p::folder_ics, get(folders::ics))
        .route(p::folder_pdf, get(folders::pdf))
        .route(p::folder_delete, post(folders::delete))
        .route(p::folder_open, get(folders::open_page).post(folders::open))
        .route(p::my_notice, get(account::notice_page))
        .route(p::my_notice_delete, post(account::delete_notice))
        .route(
            p::guest_access,
            get(postkorb::guest_page).post(postkorb::guest_login),
        )
        .route(p::case, get(postkorb::case_page))
        .route(p::case_message, get(postkorb::message_page))
        .route(p::case_reply, post(postkorb::reply).layer(with_files()))
        .route(p::case_file, get(postkorb::case_file))
        .route(p::case_withdraw, post(postkorb::withdraw))
        .route(p::appointments, get(appointments::index))
        .route(p::appointment_office, get(appointments::office))
        .route(
            p::appointment_book,
            get(appointments::book_form).post(appointments::book),
        )
        .route(p::appointment, get(appointments::manage))
        .route(p::appointment_ics, get(appointments::ics_file))
        .route(p::appointment_cancel, post(appointments::cancel))
        .route(p::appointment_move, post(appointments::reschedule))
        .route(p::id_status, get(id_status::page).post(id_status::lookup))
        .route(p::id_status_notify, post(id_status::notify))
        .route(p::found_search, get(found::search))
        .route(
            p::found_loss,
            get(found::loss_page).post(found::report_loss),
        )
        .route(p::found_claim, get(found::claim_page).post(found::claim))
        .route(p::found_certificate, post(found::certificate))
        .route(p::found_withdraw, post(found::withdraw))
        .route(p::found_manage, get(found::manage_page).post(found::manage))
}

/// The session bar for private pages (None when nobody is logged in).
fn session_view(c: &Citizen, tid: &str, csrf: &str, here: &str) -> Option<Value> {
    let live = c.live.as_ref()?;
    let time = rathaus_app::clock::berlin_format(live.idle_ends, "%H:%M Uhr");
    Some(Value::from_serialize(json!({
        "name": live.session.display_name,
        "guest": live.session.account_id.is_none(),
        "idle_ends": live.idle_ends,
        "idle_ends_text": time,
        "warn_ms": live.warn_ms,
        "extend_href": paths::session_extend(tid),
        "logout_href": paths::logout(tid),
        // A guest session opened with an access code leads to its case; one that only
        // holds drafts being filled has nothing to lead to yet.
        "area_href": match (&live.session.draft_id, &live.session.account_id) {
            (Some(d), _) => Some(paths::case(tid, d)),
            (None, Some(_)) => Some(paths::my_area(tid)),
            (None, None) => None,
        },
        "csrf": csrf,
        "here": here,
    })))
}

/// A citizen's private page being answered: the page with the session bar, and a fresh
/// CSRF token for its forms (with the cookie jar that carries it).
pub(crate) struct Frame<'a> {
    pub t: &'a TenantDef,
    pub page: Page<'a>,
    pub token: String,
    pub jar: CookieJar,
}

impl<'a> Frame<'a> {
    pub fn new(t: &'a TenantDef, page: Page<'a>, citizen: &Citizen, jar: CookieJar) -> Self {
        let (jar, token) = csrf::token(jar);
        let here = page.here().to_owned();
        let page = page.with_session(session_view(citizen, t.id.as_str(), &token, &here));
        Frame {
            t,
            page,
            token,
            jar,
        }
    }

    /// Renders a private page (with `csrf` for its forms), keeping the CSRF cookie.
    pub fn render(&self, status: StatusCode, template: &str, extra: Value) -> Response {
        let ctx = minijinja::context! { csrf => self.token.clone(), ..extra };
        let res = self.page.render_private(status, template, ctx);
        (self.jar.clone(), res).into_response()
    }

    /// The same with status 200.
    pub fn ok(&self, template: &str, extra: Value) -> Response {
        self.render(StatusCode::OK, template, extra)
    }
}

/// The page shown when an object needs a login (or a new one after the session ended);
/// with `pending`, a posted step is kept and applied after the login.
async fn login_needed(
    state: &AppState,
    page: &Page<'_>,
    tid: &str,
    return_to: &str,
    expired: bool,
    pending: Option<&rathaus_app::drafts::Pending>,
) -> Response {
    let label = state.auth.label(tid);
    let href = match pending {
        Some(p) => match crate::kit::oidc::login_url(state, tid, return_to, false, Some(p)).await {
            Ok(u) => Some(u),
            Err(e) => {
                tracing::error!(error = %e, "login could not start");
                None
            }
        },
        None => label.map(|_| paths::login_to(tid, Some(return_to))),
    };
    // 200: a page that asks to log in, not an HTTP authentication challenge.
    page.private(
        "citizen/login_needed.html",
        minijinja::context! { expired, href, kept => pending.is_some(), label },
    )
}

/// A service's title in the page's language (its id if it is gone).
fn service_title(
    site: &crate::kit::Site,
    tid: &str,
    sid: &str,
    lang: rathaus_domain::Lang,
) -> Value {
    match site.catalog.service(tid, sid) {
        Some(o) => Value::from_serialize(crate::kit::views::loc(&o.service.title, lang)),
        None => Value::from_serialize(json!({ "text": sid })),
    }
}

/// A 429 says when to come back (in whole seconds, rounded up).
fn with_retry_after(mut res: Response, ms: i64) -> Response {
    if let Ok(v) = axum::http::HeaderValue::from_str(&(ms / 1000 + 1).to_string()) {
        res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
    }
    res
}

/// The time of day (Berlin) a locked code may be tried again.
fn wait_text(ms: i64) -> String {
    rathaus_app::clock::berlin_format(rathaus_app::clock::now_millis() + ms, "%H:%M:%S")
}
