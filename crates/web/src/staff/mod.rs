//! The staff wing: the back office of a tenant (`/{t}/verwaltung/…`). Staff log in at the
//! municipality's directory; every page takes the staff member of the session (or sends
//! to the login) and hands the application layer the handle of what it is about — a case
//! of the staff member's offices, the admin desk, the lead's figures, an office's waiting
//! room. Every view of personal data and every change is audited there.

mod case;
mod cash;
mod desk;
mod found;
mod id_status;
mod inbox;
mod login;
mod notice;
mod visitors;

use crate::kit::paths::pattern as p;
use crate::kit::views::loc;
use crate::kit::{csrf, paths, AppState, Page};
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use axum_extra::extract::CookieJar;
use minijinja::Value;
use rathaus_app::access::Staff;
use rathaus_domain::TenantDef;
use serde_json::json;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(p::staff_home, get(inbox::inbox))
        .route(p::staff_login, get(login::login))
        .route(p::staff_login_return, get(login::login_return))
        .route(p::staff_logout, post(login::logout))
        .route(p::staff_assign, post(inbox::assign))
        .route(p::staff_case, get(case::case_page))
        .route(p::staff_case_file, get(case::case_file))
        .route(p::staff_case_status, post(case::status))
        .route(p::staff_case_note, post(case::note))
        .route(p::staff_case_request, post(case::request_info))
        .route(p::staff_case_notice, post(notice::notice))
        .route(p::staff_print, get(desk::print_queue))
        .route(p::staff_print_export, post(desk::print_export))
        .route(p::staff_deliveries, get(desk::deliveries))
        .route(p::staff_delivery_action, post(desk::delivery_action))
        .route(p::staff_cash, get(cash::cash_office))
        .route(p::staff_cash_bookings, get(cash::bookings))
        .route(p::staff_cash_debits, post(cash::direct_debits))
        .route(
            p::staff_cash_statement,
            post(cash::import_statement).layer(DefaultBodyLimit::max(
                rathaus_app::cash::MAX_STATEMENT_BYTES + 64 * 1024,
            )),
        )
        .route(p::staff_figures, get(desk::figures))
        .route(p::staff_audit, get(desk::audit_page))
        .route(p::staff_audit_export, get(desk::audit_export))
        .route(p::staff_visitors, get(visitors::page))
        .route(p::staff_found, get(found::page).post(found::register))
        .route(p::staff_found_decide, post(found::decide))
        .route(p::staff_found_settle, post(found::settle))
        .route(
            p::staff_found_photos,
            post(found::add_photo).layer(DefaultBodyLimit::max(
                rathaus_app::found::MAX_PHOTO_BYTES + 64 * 1024,
            )),
        )
        .route(p::staff_found_photo, get(found::photo))
        .route(
            p::staff_id_status,
            get(id_status::page)
                .post(id_status::upload)
                .layer(DefaultBodyLimit::max(
                    id_status::MAX_EXPORT_BYTES + 64 * 1024,
                )),
        )
        .route(p::staff_visitors_action, post(visitors::action))
}

/// A back-office page being answered: the tenant, the page, the staff member, and a fresh
/// CSRF token for its forms (with the cookie jar that carries it).
pub(crate) struct Frame<'a> {
    pub t: &'a TenantDef,
    pub page: Page<'a>,
    pub staff: &'a Staff,
    pub token: String,
    pub jar: CookieJar,
}

impl<'a> Frame<'a> {
    pub fn new(t: &'a TenantDef, page: Page<'a>, staff: &'a Staff, jar: CookieJar) -> Self {
        let (jar, token) = csrf::token(jar);
        Frame {
            t,
            page,
            staff,
            token,
            jar,
        }
    }

    /// What every back-office page shows about the staff member and the navigation
    /// (`active`: the current entry).
    pub fn nav(&self, active: &str) -> Value {
        let (t, staff) = (self.t, self.staff);
        let tid = t.id.as_str();
        let lang = self.page.lang();
        let admin = staff.admin().is_some();
        Value::from_serialize(json!({
            "name": staff.session.name,
            "csrf": self.token,
            "logout": paths::staff_logout(tid),
            "home": paths::staff_home(tid),
            "print": admin.then(|| paths::staff_print(tid)),
            "figures": staff.lead().map(|_| paths::staff_figures(tid)),
            "audit": admin.then(|| paths::staff_audit(tid)),
            "deliveries": admin.then(|| paths::staff_deliveries(tid)),
            "cash": (admin && t.cash_office.is_some()).then(|| paths::staff_cash(tid)),
            "visitors": t.offices.iter()
                .filter(|o| o.appointments.is_some() && staff.office(o.id.as_str()).is_some())
                .map(|o| json!({"href": paths::staff_visitors(tid, o.id.as_str()), "id": o.id.as_str(), "name": loc(&o.name, lang)}))
                .collect::<Vec<_>>(),
            "id_status": rathaus_app::id_status::offices(t)
                .filter(|(o, _)| staff.office(o.id.as_str()).is_some())
                .map(|(o, _)| json!({"href": paths::staff_id_status(tid, o.id.as_str()), "name": loc(&o.name, lang)}))
                .collect::<Vec<_>>(),
            "found": rathaus_app::found::offices(t)
                .filter(|o| staff.office(o.id.as_str()).is_some())
                .map(|o| json!({"href": paths::staff_found(tid, o.id.as_str()), "name": loc(&o.name, lang)}))
                .collect::<Vec<_>>(),
            "active": active,
        }))
    }

    /// Renders a private page with the navigation, keeping the CSRF cookie.
    pub fn render(
        self,
        status: axum::http::StatusCode,
        template: &str,
        active: &str,
        extra: Value,
    ) -> axum::response::Response {
        use axum::response::IntoResponse;
        let ctx =
            minijinja::context! { staff => self.nav(active), csrf => self.token.clone(), ..extra };
        let res = self.page.render_private(status, template, ctx);
        (self.jar, res).into_response()
    }
}

/// A service's title in the page's language (its id if it is gone).
pub(crate) fn service_name(
    site: &crate::kit::Site,
    portal: &str,
    sid: &str,
    lang: rathaus_domain::Lang,
) -> String {
    site.catalog
        .service(portal, sid)
        .map(|o| loc(&o.service.title, lang).text)
        .unwrap_or_else(|| sid.to_owned())
}

/// Reads a form with one uploaded file (`datei`): the CSRF token comes first, then the
/// file (nothing is read for a forged post). `Ok(None)`: the file is larger than allowed.
pub(crate) async fn uploaded_file(
    jar: &CookieJar,
    mut mp: axum::extract::Multipart,
) -> Result<Option<Vec<u8>>, crate::kit::WebError> {
    let mut token = None;
    let mut file = Vec::new();
    while let Some(field) = mp
        .next_field()
        .await
        .map_err(|_| crate::kit::WebError::BadRequest)?
    {
        match field.name() {
            Some(csrf::FIELD) => token = field.text().await.ok(),
            Some("datei") => {
                if !csrf::verify(jar, token.as_deref()) {
                    return Err(crate::kit::WebError::Forbidden);
                }
                match field.bytes().await {
                    Ok(b) => file = b.to_vec(),
                    Err(_) => return Ok(None),
                }
            }
            _ => {}
        }
    }
    if !csrf::verify(jar, token.as_deref()) {
        return Err(crate::kit::WebError::Forbidden);
    }
    Ok(Some(file))
}
