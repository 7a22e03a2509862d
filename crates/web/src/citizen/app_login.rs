//! The app login page (`/{t}/app-zugang`): a city app opens it in the system browser with
//! its OAuth request (RFC 8252, PKCE); the citizen logs in as on the web and lets the app
//! in or not; the answer goes to the app's registered redirect URI. The rules are
//! `rathaus_app::apps`; this page only asks.

use super::{login_needed, Frame};
use crate::kit::{redirect, Citizen, Form, Page, Pairs, Prefs, Query, St, WebResult};
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::apps::{check_request, grant_code, redirect_with, AuthRequest, RequestError};
use rathaus_domain::TenantDef;

const FIELDS: [&str; 6] = [
    "response_type",
    "client_id",
    "redirect_uri",
    "code_challenge",
    "code_challenge_method",
    "state",
];

fn request_of(pairs: &Pairs) -> AuthRequest {
    let get = |k: &str| pairs.get(k).map(str::to_owned);
    AuthRequest {
        response_type: get("response_type"),
        client_id: get("client_id"),
        redirect_uri: get("redirect_uri"),
        code_challenge: get("code_challenge"),
        code_challenge_method: get("code_challenge_method"),
        state: get("state"),
    }
}

/// The answer for the app, at its redirect URI. The page's form may lead there, so this
/// response (and the page with the form) allow it as a form target.
fn to_app(uri: &str) -> Response {
    redirect::to_app(uri)
}

/// A request the portal will not act on: what is wrong, told to the citizen; or, once
/// app and redirect URI are known, told to the app.
fn refused(page: &Page<'_>, r: &AuthRequest, e: RequestError) -> Response {
    match e {
        RequestError::NotRedirectable(reason) => page.render_private(
            StatusCode::BAD_REQUEST,
            "citizen/app_login.html",
            context! { error => reason },
        ),
        RequestError::Redirect(error, description) => {
            let uri = r.redirect_uri.as_deref().unwrap_or_default();
            let mut params = vec![("error", error), ("error_description", description)];
            if let Some(s) = r.state.as_deref() {
                params.push(("state", s));
            }
            to_app(&redirect_with(uri, &params))
        }
    }
}

/// The CSP of the consent page: its form may end at the app's redirect URI.
fn with_form_target(mut res: Response, uri: &str) -> Response {
    let target = form_target(uri);
    let csp = crate::kit::security::CSP.replace(
        "form-action 'self'",
        &format!("form-action 'self' {target}"),
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, v);
    }
    res
}

/// The CSP source of a redirect URI: the loopback address on any port, the https origin,
/// or the private-use scheme.
fn form_target(uri: &str) -> String {
    if let Some(rest) = uri.strip_prefix("http://") {
        let host = if rest.starts_with("[::1]") {
            "[::1]"
        } else {
            "127.0.0.1"
        };
        return format!("http://{host}:*");
    }
    if let Some(rest) = uri.strip_prefix("https://") {
        let authority = rest.split(['/', '?']).next().unwrap_or("");
        return format!("https://{authority}");
    }
    let scheme = uri.split(':').next().unwrap_or("");
    format!("{scheme}:")
}

fn app_name(t: &TenantDef, client_id: &str, lang: rathaus_domain::Lang) -> String {
    t.app(client_id)
        .map(|a| a.name.get(lang).0.to_owned())
        .unwrap_or_default()
}

/// `GET /{t}/app-zugang?client_id=…&redirect_uri=…&code_challenge=…`: asks the citizen.
pub async fn page(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    jar: CookieJar,
    Path(tid): Path<String>,
    Query(q): Query,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let r = request_of(&q);
    let checked = match check_request(t, &r) {
        Ok(c) => c,
        Err(e) => return Ok(refused(&page, &r, e)),
    };
    if citizen.account_id().is_none() {
        let here = page.here().to_owned();
        return Ok(login_needed(&state, &page, &tid, &here, citizen.expired, None).await);
    }
    let hidden: Vec<(&str, String)> = FIELDS
        .iter()
        .filter_map(|k| q.get(k).map(|v| (*k, v.to_owned())))
        .collect();
    let fr = Frame::new(t, page, &citizen, jar);
    let name = app_name(t, &checked.client.id, prefs.lang);
    let who = citizen
        .live
        .as_ref()
        .map(|l| l.session.display_name.clone())
        .unwrap_or_default();
    let res = fr.ok(
        "citizen/app_login.html",
        context! { app_name => name, who, hidden, action => crate::kit::paths::app_login(&tid) },
    );
    Ok(with_form_target(res, &checked.redirect_uri))
}

/// `POST /{t}/app-zugang`: "Zulassen" sends a code to the app, "Ablehnen" says no.
pub async fn post(
    state: St,
    prefs: Prefs,
    citizen: Citizen,
    Path(tid): Path<String>,
    Form(f, _jar): Form,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let r = request_of(&f);
    let checked = match check_request(t, &r) {
        Ok(c) => c,
        Err(e) => return Ok(refused(&page, &r, e)),
    };
    let Some(live) = citizen.live.as_ref().filter(|l| l.account_id().is_some()) else {
        let back = format!("{}?{}", crate::kit::paths::app_login(&tid), query_of(&f));
        return Ok(login_needed(&state, &page, &tid, &back, citizen.expired, None).await);
    };
    let state_param = checked.state.as_deref();
    let mut params: Vec<(&str, &str)> = Vec::new();
    let code;
    if f.get("aktion") == Some("zulassen") {
        code = grant_code(&state.app, live, &checked).await?;
        match code.as_deref() {
            Some(c) => params.push(("code", c)),
            None => params.push(("error", "access_denied")),
        }
    } else {
        params.push(("error", "access_denied"));
    }
    if let Some(s) = state_param {
        params.push(("state", s));
    }
    Ok(to_app(&redirect_with(&checked.redirect_uri, &params)))
}

/// The request's fields as a query string (to come back after a login).
fn query_of(f: &Pairs) -> String {
    FIELDS
        .iter()
        .filter_map(|k| {
            f.get(k)
                .map(|v| format!("{k}={}", rathaus_app::links::encode(v)))
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::form_target;

    #[test]
    fn the_form_may_end_only_at_the_apps_address() {
        assert_eq!(
            form_target("http://127.0.0.1:5000/cb"),
            "http://127.0.0.1:*"
        );
        assert_eq!(form_target("http://[::1]/cb"), "http://[::1]:*");
        assert_eq!(
            form_target("https://app.example.de/cb?x"),
            "https://app.example.de"
        );
        assert_eq!(form_target("de.x.app:/cb"), "de.x.app:");
    }
}
