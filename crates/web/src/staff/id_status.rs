//! The document states of an office (`/{t}/verwaltung/ausweise/{office}`): staff of the
//! office upload the Fachverfahren's CSV export when no nightly import runs, and see how
//! many documents are in which state. Read all or nothing; errors name line and reason.

use super::Frame;
use crate::kit::views::loc;
use crate::kit::{Page, Prefs, St, StaffMember, WebError, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::context;
use rathaus_app::access::{OfficeDesk, Staff};
use rathaus_app::id_status::Reporter;
use rathaus_domain::TenantDef;
use serde_json::json;

/// The most bytes one uploaded export may have.
pub const MAX_EXPORT_BYTES: usize = 20 * 1024 * 1024;

fn desk<'s>(staff: &'s Staff, t: &TenantDef, oid: &str) -> Result<OfficeDesk<'s>, WebError> {
    if !rathaus_app::id_status::offices(t).any(|(o, _)| o.id.as_str() == oid) {
        return Err(WebError::NotFound);
    }
    staff.office(oid).ok_or(WebError::Forbidden)
}

async fn render(
    state: &crate::kit::AppState,
    fr: Frame<'_>,
    d: &OfficeDesk<'_>,
    summary: Option<String>,
    errors: Vec<String>,
    status: StatusCode,
) -> WebResult {
    let t = fr.t;
    let lang = fr.page.lang();
    let counts = rathaus_app::id_status::counts(&state.app, d).await?;
    let office = t.offices.iter().find(|o| o.id.as_str() == d.office());
    let counts: Vec<_> = counts
        .iter()
        .map(|(s, n)| json!({"status": fr.page.text(&format!("idstatus-state-{}", s.as_str().replace('_', "-"))), "count": n}))
        .collect();
    let ctx = context! {
        office => office.map(|o| loc(&o.name, lang)),
        action => crate::kit::paths::staff_id_status(t.id.as_str(), d.office()),
        max => rathaus_domain::form::format_bytes(MAX_EXPORT_BYTES as u64),
        counts, summary, errors,
    };
    Ok(fr.render(status, "staff/id_status.html", "id-status", ctx))
}

/// `GET /{t}/verwaltung/ausweise/{office}`.
pub async fn page(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t, &oid)?;
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        None,
        Vec::new(),
        StatusCode::OK,
    )
    .await
}

/// `POST /{t}/verwaltung/ausweise/{office}`: import a CSV export (audited).
pub async fn upload(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path((tid, oid)): Path<(String, String)>,
    mp: axum::extract::Multipart,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let d = desk(&staff, t, &oid)?;
    let w = page.words();
    let bytes = super::uploaded_file(&jar, mp).await?;
    let (summary, errors, status) = match bytes {
        None => (
            None,
            vec![page.text("idstatus-upload-too-large")],
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        Some(b) if b.is_empty() => (
            None,
            vec![page.text("idstatus-upload-none")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Some(b) => match String::from_utf8(b) {
            Err(_) => (
                None,
                vec![page.text("idstatus-upload-not-utf8")],
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            Ok(text) => match rathaus_app::id_status::read_csv(&text) {
                Err(rows) => {
                    let lines = rows
                        .iter()
                        .map(|e| {
                            let mut a = FluentArgs::new();
                            a.set("line", e.at);
                            a.set("field", e.field);
                            a.set("reason", e.reason.clone());
                            w.with("idstatus-upload-row", &a)
                        })
                        .collect();
                    (None, lines, StatusCode::UNPROCESSABLE_ENTITY)
                }
                Ok(reports) => {
                    let done = rathaus_app::id_status::report(
                        &state.app,
                        t,
                        &oid,
                        Reporter::Staff(&d),
                        &reports,
                    )
                    .await?;
                    let mut a = FluentArgs::new();
                    a.set("added", done.added);
                    a.set("updated", done.updated);
                    a.set("notified", done.notified);
                    (
                        Some(w.with("idstatus-upload-done", &a)),
                        Vec::new(),
                        StatusCode::OK,
                    )
                }
            },
        },
    };
    render(
        &state,
        Frame::new(t, page, &staff, jar),
        &d,
        summary,
        errors,
        status,
    )
    .await
}
