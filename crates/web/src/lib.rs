//! The HTML face of Rathaus (and the machine interfaces beside it), arranged by audience:
//!
//! - [`kit`] at the bottom: state, page, the one error type, extractors, preferences,
//!   templates, view models, every route's path, security headers, metrics, page cache;
//! - four wings that never import each other, each with its own router and template
//!   folder: [`public`] (the catalogue), [`citizen`] (form assistant, account, Postkorb,
//!   payment, appointments), [`staff`] (the back office), [`machine`] (systems, screens,
//!   operations).
//!
//! A handler reads the request, asks the application layer (`rathaus_app`) with the
//! handle of what it may touch, and renders one template or redirects. Every page works
//! without JavaScript; no page has inline script or style (the CSP forbids both).

pub mod kit;

mod api;
mod citizen;
mod machine;
mod public;
mod staff;

#[cfg(test)]
mod tests;

pub use kit::oidc::OidcSettings;
pub use kit::site::Site;
pub use kit::state::{AppState, ReloadError, StartError, WebConfig};
pub use kit::{paths, theme};
pub use rathaus_app::FileStore;

use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::{middleware, Router};
use std::future::Future;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// The complete router: the four wings with every middleware.
pub fn router(state: Arc<AppState>) -> Router {
    let mut app = Router::new()
        .merge(public::router())
        .merge(citizen::router(&state))
        .merge(staff::router())
        .merge(machine::router())
        .merge(api::router(&state))
        .fallback(kit::error::no_route)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            kit::error::themed,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            kit::cache::serve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            kit::metrics::track,
        ));
    for layer in kit::security::layers() {
        app = app.layer(layer);
    }
    if state.config.public_url.starts_with("https://") {
        app = app.layer(middleware::from_fn(kit::security::https_only));
    }
    app.layer(
        ServiceBuilder::new()
            .layer(TraceLayer::new_for_http())
            .layer(CatchPanicLayer::custom(|_| kit::error::internal_page()))
            .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                state.config.request_timeout,
            )),
    )
    .with_state(state)
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
