//! The machine wing: what systems and screens call — the inbound API of receiving
//! Fachverfahren, the FIT-Connect callback, the answers' JSON Schema, the kiosk and the
//! call-up display of the waiting room, and the operators' health, readiness, metrics and
//! reload.

mod operations;
mod screens;
mod systems;

use crate::kit::paths::pattern as p;
use crate::kit::AppState;
use axum::routing::{get, post};
use axum::Router;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(p::healthz, get(operations::healthz))
        .route(p::readyz, get(operations::readyz))
        .route(p::metrics, get(operations::metrics))
        .route(p::admin_reload, post(operations::admin_reload))
        .route(p::answer_schema, get(systems::answer_schema))
        .route(p::inbound, post(systems::inbound))
        .route(
            p::id_status_report,
            post(systems::id_status_report)
                .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024)),
        )
        .route(p::fit_connect_callback, post(systems::fit_connect_callback))
        .route(p::display, get(screens::display))
        .route(p::display_events, get(screens::display_events))
        .route(p::kiosk, get(screens::kiosk).post(screens::kiosk_post))
}
