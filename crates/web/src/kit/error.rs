//! The one error type of the web face. Handlers return `Result<Response, WebError>` and use
//! `?` on everything; `WebError` answers with its status and marks the response, and the
//! [`themed`] middleware (which knows the tenant of the path and the visitor's language)
//! turns the mark into the right page: "not found", "gone or not yours", "not allowed",
//! "changed meanwhile", "too large", or a friendly 500 that hides internals while the
//! details go to the log.
//!
//! The application layer's errors map here once ([`From<AppError>`]): an object that does
//! not exist *for this caller* is "gone" (never a hint whether it exists), a missing right
//! "not allowed", a change that no longer fits "changed meanwhile".

use crate::kit::page::Page;
use crate::kit::prefs::Prefs;
use crate::kit::state::AppState;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use rathaus_app::AppError;
use std::sync::Arc;

/// What went wrong, as the visitor is told.
#[derive(Debug)]
pub enum WebError {
    /// A public page that does not exist (404, with the search form).
    NotFound,
    /// A private object that does not exist or is not the visitor's (404, the same words).
    Gone,
    /// Not allowed: a form without a valid CSRF token, or a missing right (403).
    Forbidden,
    /// The object changed meanwhile, or the action does not fit it any more (409).
    Conflict,
    /// A post larger than its route takes, with the limit (413).
    TooLarge(u64),
    /// A request no page of ours sends (400).
    BadRequest,
    /// Anything unexpected (500); the detail goes to the log only.
    Internal(String),
}

pub type WebResult<T = Response> = Result<T, WebError>;

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => WebError::Gone,
            AppError::Forbidden => WebError::Forbidden,
            AppError::Conflict => WebError::Conflict,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<rathaus_store::StoreError> for WebError {
    fn from(e: rathaus_store::StoreError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl From<rathaus_app::forms::FormError> for WebError {
    fn from(e: rathaus_app::forms::FormError) -> Self {
        AppError::from(e).into()
    }
}

impl From<minijinja::Error> for WebError {
    fn from(e: minijinja::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

/// The mark on a response that [`themed`] renders as a page.
#[derive(Debug, Clone, Copy)]
struct Mark(Kind);

/// On the answer to a path that no route matches (the router's fallback), so a test can
/// tell it from a route's own "not found". Never leaves the process.
#[derive(Debug, Clone, Copy)]
pub struct NoRoute;

/// The router's fallback: the friendly "not found" of the path's tenant, marked.
pub async fn no_route(uri: axum::http::Uri) -> Response {
    if uri.path().starts_with("/api/") {
        // A JSON interface answers in JSON, also for a path it does not have.
        let mut res = crate::kit::problem::Problem::no_route().into_response();
        res.extensions_mut().insert(NoRoute);
        return res;
    }
    let mut res = WebError::NotFound.into_response();
    res.extensions_mut().insert(Mark(Kind::NoRoute));
    res
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    NoRoute,
    NotFound,
    Gone,
    Forbidden,
    Conflict,
    TooLarge(u64),
}

const INTERNAL: &str = r#"<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fehler – Error</title><link rel="stylesheet" href="/static/rathaus.css"></head>
<body><main id="inhalt" class="container"><h1>Es ist ein Fehler aufgetreten</h1>
<p>Bitte versuchen Sie es später noch einmal. Ihre bisherigen Eingaben sind gespeichert.</p>
<p><a href="/">Zur Startseite</a></p>
<div lang="en"><h2>An error occurred</h2><p>Please try again later.</p><p><a href="/">Home</a></p></div>
</main></body></html>"#;

/// The friendly 500 page (also for a handler that panicked).
pub fn internal_page() -> Response {
    (StatusCode::INTERNAL_SERVER_ERROR, Html(INTERNAL)).into_response()
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let (status, kind) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, Kind::NotFound),
            WebError::Gone => (StatusCode::NOT_FOUND, Kind::Gone),
            WebError::Forbidden => (StatusCode::FORBIDDEN, Kind::Forbidden),
            WebError::Conflict => (StatusCode::CONFLICT, Kind::Conflict),
            WebError::TooLarge(n) => (StatusCode::PAYLOAD_TOO_LARGE, Kind::TooLarge(n)),
            WebError::BadRequest => return StatusCode::BAD_REQUEST.into_response(),
            WebError::Internal(e) => {
                tracing::error!(error = %e, "request failed");
                return internal_page();
            }
        };
        let mut res = (status, Html("<!DOCTYPE html><title>Rathaus</title>")).into_response();
        res.extensions_mut().insert(Mark(kind));
        res
    }
}

/// Renders marked error answers as pages of the path's tenant in the visitor's language.
pub async fn themed(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let prefs = Prefs::of(&parts);
    let first = parts
        .uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("")
        .to_owned();
    let res = next.run(Request::from_parts(parts, body)).await;
    let Some(Mark(kind)) = res.extensions().get::<Mark>().copied() else {
        return res;
    };
    let site = state.site();
    let page = Page::new(&site, &prefs, site.catalog.tenant(&first));
    match kind {
        Kind::NoRoute => {
            let mut res = page.not_found();
            res.extensions_mut().insert(NoRoute);
            res
        }
        Kind::NotFound => page.not_found(),
        Kind::Gone => page.gone(),
        Kind::Forbidden => page.forbidden(),
        Kind::Conflict => page.conflict(),
        Kind::TooLarge(n) => page.too_large(n),
    }
}
