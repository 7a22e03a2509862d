//! The bottom of the web face, shared by every wing: the state, the page and its one
//! error type, extractors (citizen, staff, client address, CSRF-checked forms),
//! preferences, templates, view models, every route's path, security headers, metrics,
//! the page cache, uploads over HTTP and the OpenID Connect client. Wings import the kit;
//! the kit imports no wing.

pub mod cache;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod metrics;
pub mod oidc;
pub mod page;
pub mod paths;
pub mod payment;
pub mod prefs;
pub mod problem;
pub mod rate;
pub mod redirect;
pub mod security;
pub mod site;
pub mod state;
pub mod theme;
pub mod uploads;
pub mod views;

pub use error::{WebError, WebResult};
pub use extract::{Citizen, ClientIp, Form, MaybeStaff, Pairs, Query, StaffMember};
pub use page::Page;
pub use prefs::Prefs;
pub use site::Site;
pub use state::AppState;

/// The state as handlers take it.
pub type St = axum::extract::State<std::sync::Arc<AppState>>;

/// A file to download: its bytes or stream with type, name and `no-store`.
pub fn download(
    content_type: &str,
    disposition: &str,
    body: impl axum::response::IntoResponse,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition.to_owned()),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// A stored file as a download (never shown inline unless `inline`: no content sniffing,
/// no script; the bytes were typed at upload).
pub async fn send_file(
    app: &rathaus_app::App,
    meta: &rathaus_store::FileMeta,
    inline: bool,
) -> WebResult {
    let f = app
        .files
        .blobs
        .open(&meta.tenant_id, &meta.id)
        .await
        .map_err(|e| WebError::Internal(format!("file {}: {e}", meta.id)))?;
    let mime = rathaus_app::handover::media_type(&meta.kind);
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if inline { "inline" } else { "attachment" },
        meta.name.replace(
            |c: char| !c.is_ascii_alphanumeric() && c != '.' && c != '-',
            "_"
        ),
        rathaus_app::links::encode(&meta.name)
    );
    let mut res = download(mime, &disposition, axum::body::Body::from_stream(f));
    if let Ok(v) = axum::http::HeaderValue::from_str(&meta.size.to_string()) {
        res.headers_mut()
            .insert(axum::http::header::CONTENT_LENGTH, v);
    }
    Ok(res)
}
