//! The decision and its notice (Bescheid): preview as a page or PDF, then release into the
//! Postkorb (and, for letters, the print queue).

use super::case::{not_found, render, NoticeState};
use super::Frame;
use crate::kit::{download, paths, redirect, Form, Page, Prefs, St, StaffMember, WebResult};
use axum::extract::Path;
use axum::http::StatusCode;
use rathaus_app::staff::NoticeInput;
use rathaus_domain::case::Decision;
use serde_json::json;

/// `POST /{t}/verwaltung/fall/{reference}/bescheid`: `aktion=vorschau` shows the notice
/// as it will read, `pdf` returns the PDF to look at, `freigeben` releases it: the case
/// is decided, the PDF/A goes to the Postkorb and, for letters, into the print queue.
pub async fn notice(
    state: St,
    prefs: Prefs,
    StaffMember(staff): StaffMember,
    Path((tid, reference)): Path<(String, String)>,
    Form(p, jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let sc = staff
        .case(&state.app, &reference)
        .await
        .map_err(not_found)?;
    let by_post = p.raw("post") == "ja" || sc.case().account_id.is_none();
    let input = NoticeInput {
        decision: p.one("entscheidung").as_deref().and_then(Decision::parse),
        reasons: p.raw("begruendung").to_owned(),
        fee: rathaus_domain::form::parse_money(p.get("gebuehr").unwrap_or("0")),
        by_post,
    };
    // What the form shows again.
    let shown = json!({
        "decision": p.get("entscheidung"), "reasons": p.get("begruendung"),
        "fee": p.get("gebuehr"), "post": by_post,
    });
    let n = match rathaus_app::staff::notice(&state.app, &sc, &input).await? {
        Ok(n) => n,
        Err(key) => {
            let st = NoticeState {
                input: shown,
                preview: None,
                error: Some(page.text(key)),
            };
            let fr = Frame::new(t, page, &staff, jar);
            return render(
                &state,
                fr,
                &sc,
                Some(st),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    match p.one("aktion").as_deref() {
        Some("freigeben") => {
            rathaus_app::staff::release(&state.app, &sc, &n).await?;
            Ok(redirect::to(&paths::staff_case(&tid, &reference)))
        }
        Some("pdf") => {
            let bytes = rathaus_app::staff::notice_pdf(&state.app, &sc, &n).await?;
            let disposition = "inline; filename=\"bescheid-vorschau.pdf\"";
            Ok(download("application/pdf", disposition, bytes))
        }
        _ => {
            let st = NoticeState {
                input: shown,
                preview: Some(n.text),
                error: None,
            };
            let fr = Frame::new(t, page, &staff, jar);
            render(&state, fr, &sc, Some(st), None, StatusCode::OK).await
        }
    }
}
