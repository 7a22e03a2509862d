//! The visitor's language: `?lang=` on the URL, else the `lang` cookie set by the language
//! switch, else the browser's Accept-Language, else German.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use rathaus_domain::Lang;
use std::convert::Infallible;

pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone)]
pub struct Prefs {
    pub lang: Lang,
    /// Path and query of the current request, for the language switch to return to.
    pub here: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Prefs {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Prefs::of(parts))
    }
}

impl Prefs {
    /// The preferences of a request.
    pub fn of(parts: &Parts) -> Prefs {
        let from_query = parts.uri.query().and_then(|q| {
            q.split('&')
                .filter_map(|kv| kv.split_once('='))
                .find(|(k, _)| *k == "lang")
                .and_then(|(_, v)| Lang::parse(v))
        });
        let from_cookie = || {
            CookieJar::from_headers(&parts.headers)
                .get(LANG_COOKIE)
                .and_then(|c| Lang::parse(c.value()))
        };
        let from_header = || {
            parts
                .headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(negotiate)
        };
        let lang = from_query
            .or_else(from_cookie)
            .or_else(from_header)
            .unwrap_or(Lang::De);
        let here = parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        Prefs { lang, here }
    }
}

/// Picks de or en from an Accept-Language header by quality (German wins ties).
pub fn negotiate(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',') {
        let mut it = part.trim().split(';');
        let tag = it.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = it
            .find_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
            })
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or("");
        if let Some(lang) = Lang::parse(primary) {
            if best.is_none_or(|(bq, _)| q > bq) {
                best = Some((q, lang));
            }
        }
    }
    best.filter(|(q, _)| *q > 0.0).map(|(_, l)| l)
}

/// A safe local path to return to after switching language (no open redirects).
pub fn safe_return(path: Option<&str>) -> String {
    match path {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_owned()
        }
        _ => "/".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language() {
        assert_eq!(negotiate("en-GB,en;q=0.9,de;q=0.8"), Some(Lang::En));
        assert_eq!(negotiate("de-DE,de;q=0.9,en;q=0.8"), Some(Lang::De));
        assert_eq!(negotiate("fr-FR,fr;q=0.9,en;q=0.5"), Some(Lang::En));
        assert_eq!(negotiate("fr"), None);
        assert_eq!(negotiate("en;q=0"), None);
    }

    #[test]
    fn no_open_redirect() {
        assert_eq!(
            safe_return(Some("/soest/suche?q=hund")),
            "/soest/suche?q=hund"
        );
        assert_eq!(safe_return(Some("//evil.example/")), "/");
        assert_eq!(safe_return(Some("https://evil.example/")), "/");
        assert_eq!(safe_return(Some("/\\evil")), "/");
        assert_eq!(safe_return(None), "/");
    }
}
