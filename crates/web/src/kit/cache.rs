//! A bounded cache of rendered catalogue pages. Catalogue pages depend only on the loaded
//! definitions, the URL (path and query) and the language, so a rendered page can be served
//! again until the next reload; the cache belongs to the `Site` and is dropped with it.
//! Only pages rendered by the page renderer (which marks them) and answered with 200 are
//! kept; anything personal (later: forms, accounts) is never marked.

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

type Key = (String, Lang);

#[derive(Clone)]
struct Page {
    body: Bytes,
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
    let lang = match Prefs::from_request_parts(&mut parts, &()).await {
        Ok(p) => p.lang,
        Err(never) => match never {},
    };
    let key = (
        parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_owned())
            .unwrap_or_default(),
        lang,
    );
    if let Some(page) = cache.get(&key) {
        return html_response(lang, page.body);
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
