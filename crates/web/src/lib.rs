//! The HTTP layer of Rathaus: router, handlers, templates, translations, security headers,
//! metrics. Handlers are thin: they read the request and the caller's preferences, ask the
//! catalogue (or later the store), and render a template. Every page works without
//! JavaScript; no page has inline script or style (the CSP forbids both).

/// The tenant of the path and a page renderer for it; an unknown tenant answers "not found".
/// (Before the modules, so that every one of them can use it.)
macro_rules! tenant_page {
    ($site:expr, $prefs:expr, $tid:expr) => {{
        let Some(t) = $site.catalog.tenant(&$tid) else {
            return $crate::routes::Page::new(&$site, &$prefs, None).not_found();
        };
        (t, $crate::routes::Page::new(&$site, &$prefs, Some(t)))
    }};
}

pub mod account;
mod apply;
pub mod appointments;
pub mod auth;
mod backoffice;
mod cache;
mod csrf;
mod error;
pub mod handover;
mod metrics;
mod payment;
mod prefs;
mod redirect;
mod routes;
mod security;
mod site;
mod state;
pub mod theme;
mod uploads;
pub mod urls;
mod views;
mod visitors;

pub use auth::OidcSettings;
pub use rathaus_app::FileStore;
pub use site::Site;
pub use state::{AppState, ReloadError, StartError, WebConfig};

use axum::Router;
use std::future::Future;
use std::sync::Arc;

/// The complete application router with all middleware.
pub fn router(state: Arc<AppState>) -> Router {
    routes::router(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, finishing requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let stop = state.shutdown.clone();
    let app = router(state);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        // Long-lived streams (the waiting-room display) end now, so the server can stop.
        stop.cancel();
    })
    .await
}
