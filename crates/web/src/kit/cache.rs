//! A bounded cache of rendered catalogue pages. Catalogue pages depend only on the loaded
//! definitions, the URL (path and query) and the language, so a rendered page can be served
//! again until the next reload; the cache belongs to the `Site` and is dropped with it.
//! Only pages rendered by the page renderer (which marks them) and answered with 200 are
//! kept; anything personal (later: forms, accounts) is never marked. The API's public
//! catalogue answers (JSON with their ETag) share the store through [`serve_json`], which
//! sits inside the API's own layers (CORS, the request limit) so a cached answer gets them
//! too.

use crate::kit::prefs::Prefs;
use crate::kit::state::AppState;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use rathaus_domain::Lang;
use std::sync::Arc;

/// Marks a response as a catalogue page that may be cached.
#[derive(Debug, Clone, Copy)]
pub struct Cacheable;

/// Marks an API answer as public catalogue data that may be cached (with its ETag).
#[derive(Debug, Clone, Copy)]
pub struct CacheableJson;

type Key = (String, Lang);

#[derive(Clone)]
struct Page {
    body: Bytes,
    /// The ETag of an API answer (`None`: an HTML page).
    etag: Option<HeaderValue>,
}

#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Page> for ByBytes {
    fn weight(&self, key: &Key, page: &Page) -> u64 {
        (key.0.len() + page.body.len() + 96) as u64
    }
}

pub struct PageCache {
    inner: Option<Cache<Key, Page, ByBytes>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("enabled", &self.inner.is_some())
            .finish()
    }
}

/// Pages larger than this are not cached (the A–Z list of a huge catalogue, say).
const MAX_PAGE_BYTES: usize = 256 * 1024;

impl PageCache {
    pub fn new(capacity_bytes: u64) -> PageCache {
        PageCache {
            inner: (capacity_bytes > 0)
                .then(|| Cache::with_weighter(1024, capacity_bytes, ByBytes)),
        }
    }
}

fn html_response(lang: Lang, body: Bytes) -> Response {
    let mut res = (StatusCode::OK, Body::from(body)).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    crate::kit::page::page_headers(h, lang);
    res
}

/// The key of a request: path and query, and the language it is answered in.
async fn key_of(parts: &mut axum::http::request::Parts) -> Key {
    let lang = match Prefs::from_request_parts(parts, &()).await {
        Ok(p) => p.lang,
        Err(never) => match never {},
    };
    (
        parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_default(),
        lang,
    )
}

/// An API answer from the cache: 304 if the client holds it already.
fn json_response(req_headers: &axum::http::HeaderMap, lang: Lang, page: Page) -> Response {
    let etag = page.etag.unwrap_or(HeaderValue::from_static("\"\""));
    let matches = req_headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/").as_bytes() == etag.as_bytes());
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("Accept-Language")),
        (
            header::CONTENT_LANGUAGE,
            HeaderValue::from_static(lang.code()),
        ),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, common).into_response();
    }
    (
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        Body::from(page.body),
    )
        .into_response()
}

/// Middleware of the API: public catalogue answers from the cache, or built and kept.
pub async fn serve_json(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let site = state.site();
    let Some(cache) = &site.cache.inner else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let key = key_of(&mut parts).await;
    if let Some(page) = cache.get(&key).filter(|p| p.etag.is_some()) {
        return json_response(&parts.headers, key.1, page);
    }
    let res = next.run(Request::from_parts(parts, body)).await;
    if res.status() != StatusCode::OK || res.extensions().get::<CacheableJson>().is_none() {
        return res;
    }
    let Some(len) = res
        .body()
        .size_hint()
        .exact()
        .filter(|n| *n <= MAX_PAGE_BYTES as u64)
    else {
        return res;
    };
    let etag = res.headers().get(header::ETAG).cloned();
    let (parts, body) = res.into_parts();
    match axum::body::to_bytes(body, len as usize).await {
        Ok(bytes) => {
            cache.insert(
                key,
                Page {
                    body: bytes.clone(),
                    etag,
                },
            );
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::error!(%e, "reading an API answer failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Middleware: answer from the cache, or render and remember.
pub async fn serve(State(state): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    if req.method() != Method::GET {
        return next.run(req).await;
    }
    let site = state.site();
    let Some(cache) = &site.cache.inner else {
        return next.run(req).await;
    };
    let (mut parts, body) = req.into_parts();
    let key = key_of(&mut parts).await;
    if let Some(page) = cache.get(&key).filter(|p| p.etag.is_none()) {
        return html_response(key.1, page.body);
    }
    let res = next.run(Request::from_parts(parts, body)).await;
    if res.status() != StatusCode::OK || res.extensions().get::<Cacheable>().is_none() {
        return res;
    }
    // Rendered pages have an exact length; larger ones pass through uncached.
    let Some(len) = res
        .body()
        .size_hint()
        .exact()
        .filter(|n| *n <= MAX_PAGE_BYTES as u64)
    else {
        return res;
    };
    let (parts, body) = res.into_parts();
    match axum::body::to_bytes(body, len as usize).await {
        Ok(bytes) => {
            cache.insert(
                key,
                Page {
                    body: bytes.clone(),
                    etag: None,
                },
            );
            Response::from_parts(parts, Body::from(bytes))
        }
        Err(e) => {
            tracing::error!(%e, "reading a rendered page failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}
