//! Legal pages, the language switch, and the files of the portal and its tenants
//! (stylesheet, scripts, logos, the branding colours).

use crate::kit::prefs::{safe_return, LANG_COOKIE};
use crate::kit::views;
use crate::kit::{redirect, Page, Prefs, St, WebError, WebResult};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use include_dir::{include_dir, Dir};
use minijinja::context;
use rathaus_domain::Lang;
use serde::Deserialize;

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/static");

async fn legal_page(state: St, prefs: Prefs, tid: String, which: &'static str) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let text = match which {
        "imprint" => &t.legal.imprint,
        "privacy" => &t.legal.privacy,
        _ => &t.legal.accessibility,
    };
    Ok(page.ok(
        "public/legal.html",
        context! { which, body => views::paragraphs(text, prefs.lang) },
    ))
}

/// `GET /{tenant}/impressum`.
pub async fn imprint(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    legal_page(state, prefs, tid, "imprint").await
}

/// `GET /{tenant}/datenschutz`.
pub async fn privacy(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    legal_page(state, prefs, tid, "privacy").await
}

/// `GET /{tenant}/barrierefreiheit`.
pub async fn accessibility(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    legal_page(state, prefs, tid, "accessibility").await
}

#[derive(Deserialize)]
pub struct SwitchQuery {
    zurueck: Option<String>,
}

/// `GET /sprache/{lang}?zurueck=…`: the language switch, a plain link (no JavaScript, no
/// form), remembered in a cookie.
pub async fn language(
    Path(lang): Path<String>,
    Query(q): Query<SwitchQuery>,
    jar: CookieJar,
) -> Response {
    let back = safe_return(q.zurueck.as_deref());
    let Some(lang) = Lang::parse(&lang) else {
        return redirect::to(&back);
    };
    // The target may carry an explicit ?lang= from an earlier visit; drop it so the new
    // choice wins.
    let back = strip_lang_param(&back);
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .permanent()
        .build();
    (jar.add(cookie), redirect::to(&back)).into_response()
}

fn strip_lang_param(path: &str) -> String {
    match path.split_once('?') {
        None => path.to_owned(),
        Some((p, q)) => {
            let kept: Vec<&str> = q.split('&').filter(|kv| !kv.starts_with("lang=")).collect();
            if kept.is_empty() {
                p.to_owned()
            } else {
                format!("{p}?{}", kept.join("&"))
            }
        }
    }
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "js" => "text/javascript; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn file_response(name: &str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    if name.ends_with(".svg") {
        // An SVG opened directly must not run script.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        );
    }
    res
}

/// `GET /static/{file}`: the portal's stylesheet and scripts (compiled in).
pub async fn static_file(Path(file): Path<String>) -> Response {
    match STATIC.get_file(&file) {
        Some(f) => {
            let mut res = f.contents().into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&file)),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            res
        }
        None => axum::http::StatusCode::NOT_FOUND.into_response(),
    }
}

/// `GET /{tenant}/theme.css`: the tenant's branding colours.
pub async fn theme_css(state: St, Path(tid): Path<String>) -> WebResult {
    let site = state.site();
    let css = site.theme_css.get(tid.as_str()).ok_or(WebError::NotFound)?;
    Ok(file_response("theme.css", css.clone().into_bytes()))
}

/// `GET /{tenant}/assets/{file}`: a tenant's file (logo, images).
pub async fn asset(state: St, Path((tid, file)): Path<(String, String)>) -> WebResult {
    let site = state.site();
    let bytes = site
        .assets
        .get(tid.as_str())
        .and_then(|a| a.get(&file))
        .ok_or(WebError::NotFound)?;
    Ok(file_response(&file, bytes.as_ref().clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_param_is_dropped_on_switch() {
        assert_eq!(strip_lang_param("/a?lang=de"), "/a");
        assert_eq!(strip_lang_param("/a?q=x&lang=de"), "/a?q=x");
        assert_eq!(strip_lang_param("/a"), "/a");
    }
}
