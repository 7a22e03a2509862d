//! Citizen login with OpenID Connect against the identity provider configured for the
//! tenant (Servicekonto.NRW, BundID behind an OIDC bridge, a municipality's Keycloak),
//! extending the session, and logging out (here, or everywhere).

use crate::kit::extract::{session_token, with_session, without_session};
use crate::kit::oidc::{finish_login, login_url, Refusal, ReturnQuery};
use crate::kit::prefs::safe_return;
use crate::kit::{paths, redirect, Citizen, Form, Page, Prefs, St, WebError, WebResult};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::drafts::Pending;
use serde::Deserialize;

/// Where a login may return to: a path of the same tenant, else its Mein Bereich.
fn return_path(tenant: &str, wanted: Option<&str>) -> String {
    let p = safe_return(wanted);
    if p.starts_with(&format!("/{tenant}/")) {
        p
    } else {
        paths::my_area(tenant)
    }
}

fn failed(page: &Page<'_>, tid: &str, reason: &str, status: StatusCode) -> Response {
    page.render_private(
        status,
        "kit/login_failed.html",
        context! { reason, retry => paths::login(tid) },
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    zurueck: Option<String>,
    /// `1`: ask the provider for a new login (e.g. with the ID card for a higher level).
    neu: Option<String>,
}

/// `GET /{t}/anmelden?zurueck=…`: off to the identity provider.
pub async fn login(
    state: St,
    prefs: Prefs,
    Path(tid): Path<String>,
    Query(q): Query<LoginQuery>,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    if state.auth.for_tenant(&tid).is_none() {
        return Ok(failed(
            &page,
            &tid,
            "login-error-none",
            StatusCode::NOT_FOUND,
        ));
    }
    let back = return_path(&tid, q.zurueck.as_deref());
    let stronger = q.neu.as_deref() == Some("1");
    Ok(match login_url(&state, &tid, &back, stronger, None).await {
        Ok(url) => redirect::external(&url),
        Err(e) => {
            tracing::error!(error = %e, tenant = %tid, "login could not start");
            failed(&page, &tid, "login-error-provider", StatusCode::BAD_GATEWAY)
        }
    })
}

/// `GET /{t}/anmelden/rueckkehr?code=…&state=…`: the account is created or updated, a new
/// session starts, and a step posted after the last session ended is applied.
pub async fn login_return(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    Path(tid): Path<String>,
    Query(q): Query<ReturnQuery>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let v = match finish_login(&state, &tid, &q).await {
        Ok(v) => v,
        Err(Refusal::Internal(e)) => return Err(WebError::Internal(e)),
        Err(Refusal::Refused(reason, detail)) => {
            tracing::warn!(tenant = %tid, reason, detail, "login refused");
            return Ok(failed(&page, &tid, reason, StatusCode::BAD_REQUEST));
        }
    };
    // A staff directory's login never becomes a citizen account.
    if v.provider.settings.staff {
        tracing::warn!(tenant = %tid, "a staff login returned to the citizens' endpoint");
        return Ok(failed(
            &page,
            &tid,
            "login-error-state",
            StatusCode::BAD_REQUEST,
        ));
    }
    let old = session_token(&jar);
    let unnamed = page.text("account-unnamed");
    let (account, session) =
        rathaus_app::accounts::logged_in(&state.app, t, &v.identity(), old.as_deref(), unnamed)
            .await?;
    let jar = with_session(&state, jar, &tid, Some(session));
    let mut target = v.attempt.return_to.clone();
    let pending = v.attempt.pending.as_deref();
    if let Some(p) = pending.and_then(|s| serde_json::from_str::<Pending>(s).ok()) {
        match rathaus_app::drafts::restore(&state.app, &tid, &account, &p).await {
            Ok(Some(step)) => target = paths::apply_step(&tid, &p.draft, &step),
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "restoring a posted step failed"),
        }
    }
    Ok((jar, redirect::to(&return_path(&tid, Some(&target)))).into_response())
}

/// `POST /{t}/sitzung`: "Sitzung verlängern". Scripts get JSON with the new end, forms a
/// redirect back.
pub async fn extend(
    citizen: Citizen,
    headers: HeaderMap,
    Path(tid): Path<String>,
    Form(p, _): Form,
) -> Response {
    let wants_json = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/json"));
    let back = p.one("zurueck");
    match &citizen.live {
        // Reading the session (the extractor) already moved its idle clock to now.
        Some(live) if wants_json => (
            [(header::CACHE_CONTROL, "no-store")],
            axum::Json(serde_json::json!({ "idle_ends": live.idle_ends })),
        )
            .into_response(),
        Some(_) => redirect::to(&return_path(&tid, back.as_deref())),
        None if wants_json => StatusCode::UNAUTHORIZED.into_response(),
        None => redirect::to(&paths::login_to(&tid, back.as_deref())),
    }
}

/// `POST /{t}/abmelden`: ends this session.
pub async fn logout(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(_, jar): Form,
) -> WebResult {
    log_out(state, prefs, jar, citizen, tid, false).await
}

/// `POST /{t}/abmelden/ueberall`: ends every session of the account (other devices too).
pub async fn logout_everywhere(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(_, jar): Form,
) -> WebResult {
    log_out(state, prefs, jar, citizen, tid, true).await
}

async fn log_out(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    citizen: Citizen,
    tid: String,
    everywhere: bool,
) -> WebResult {
    let site = state.site();
    let (_t, page) = Page::of(&site, &prefs, &tid)?;
    rathaus_app::accounts::log_out(&state.app, &citizen, everywhere).await?;
    let jar = without_session(&state, jar, &tid);
    let login = state.auth.label(&tid).map(|_| paths::login(&tid));
    let res = page.private(
        "kit/logged_out.html",
        context! { everywhere, deleted => false, login },
    );
    Ok((jar, res).into_response())
}
