//! Staff log in at the municipality's directory (OpenID Connect, a client marked
//! `staff = true`) and out again.

use crate::kit::extract::{staff_cookie, staff_token};
use crate::kit::oidc::{begin_login, finish_login, Refusal, ReturnQuery};
use crate::kit::prefs::safe_return;
use crate::kit::{paths, redirect, Form, MaybeStaff, Page, Prefs, St, WebResult};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::staff::NoEntry;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    zurueck: Option<String>,
}

/// Where a staff login may return to: a back-office path of the tenant, else its inbox.
fn staff_return(tid: &str, wanted: Option<&str>) -> String {
    let p = safe_return(wanted);
    if p.starts_with(&paths::staff_home(tid)) {
        p
    } else {
        paths::staff_home(tid)
    }
}

fn login_failed(page: &Page<'_>, tid: &str, reason: &str, status: StatusCode) -> Response {
    page.render_private(
        status,
        "kit/login_failed.html",
        context! { reason, retry => paths::staff_login(tid) },
    )
}

/// `GET /{t}/verwaltung/anmelden`: off to the staff directory.
pub async fn login(
    state: St,
    prefs: Prefs,
    Path(tid): Path<String>,
    Query(q): Query<LoginQuery>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    let Some(p) = state.auth.find(&tid, true) else {
        return Ok(login_failed(
            &page,
            &tid,
            "staff-error-none",
            StatusCode::NOT_FOUND,
        ));
    };
    let back = staff_return(&tid, q.zurueck.as_deref());
    Ok(
        match begin_login(&state, p, &tid, &back, false, None).await {
            Ok(url) => redirect::external(&url),
            Err(e) => {
                tracing::error!(error = %e, tenant = %tid, "staff login could not start");
                login_failed(&page, &tid, "login-error-provider", StatusCode::BAD_GATEWAY)
            }
        },
    )
}

/// `GET /{t}/verwaltung/anmelden/rueckkehr`: the directory sends staff back here.
pub async fn login_return(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path(tid): Path<String>,
    Query(q): Query<ReturnQuery>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let refuse = |reason: &str, detail: &str, status: StatusCode| {
        tracing::warn!(tenant = %tid, reason, detail, "staff login refused");
        Ok(login_failed(&page, &tid, reason, status))
    };
    let v = match finish_login(&state, &tid, &q).await {
        Ok(v) => v,
        Err(Refusal::Internal(e)) => return Err(crate::kit::WebError::Internal(e)),
        Err(Refusal::Refused(reason, detail)) => {
            return refuse(reason, &detail, StatusCode::BAD_REQUEST)
        }
    };
    // A citizens' login cannot open the back office, even with a valid token.
    if !v.provider.settings.staff {
        return refuse(
            "login-error-state",
            "not a staff login",
            StatusCode::BAD_REQUEST,
        );
    }
    let (name, groups) = v.staff();
    let old = staff_token(&jar);
    let s = rathaus_app::staff::logged_in(
        &state.app,
        t,
        &v.issuer,
        &v.subject,
        &name,
        &groups,
        old.as_deref(),
    )
    .await?;
    let s = match s {
        Ok(s) => s,
        Err(NoEntry::NoRights) => {
            return refuse("staff-error-no-rights", &v.subject, StatusCode::FORBIDDEN)
        }
    };
    let jar = jar.add(staff_cookie(&state, &tid, s.token));
    let target = staff_return(&tid, Some(&v.attempt.return_to));
    Ok((jar, redirect::to(&target)).into_response())
}

/// `POST /{t}/verwaltung/abmelden`.
pub async fn logout(
    state: St,
    prefs: Prefs,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    Form(_, jar): Form,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    if let Some(s) = &staff.0 {
        rathaus_app::staff::log_out(&state.app, s).await?;
    }
    let jar = jar.remove(staff_cookie(&state, &tid, String::new()));
    let res = page.private(
        "kit/logged_out.html",
        context! { everywhere => false, deleted => false, login => Some(paths::staff_login(&tid)) },
    );
    Ok((jar, res).into_response())
}
