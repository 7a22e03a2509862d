//! The public wing: what anybody may read without logging in — the catalogue of services,
//! offices, topics and life situations, search, legal pages, the language switch and the
//! portal's files.

mod catalogue;
mod pages;

use crate::kit::paths::pattern as p;
use crate::kit::AppState;
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route(p::portal_home, get(catalogue::portal_home))
        .route(p::static_file, get(pages::static_file))
        .route(p::language, get(pages::language))
        .route(p::tenant_home, get(catalogue::tenant_home))
        .route(p::tenant_slash, get(catalogue::tenant_slash))
        .route(p::services, get(catalogue::service_index))
        .route(p::service, get(catalogue::service))
        .route(p::service_easy, get(catalogue::service_easy))
        .route(p::topics, get(catalogue::topics))
        .route(p::topic, get(catalogue::topic))
        .route(p::life_situations, get(catalogue::life_situations))
        .route(p::life_situation, get(catalogue::life_situation))
        .route(p::offices, get(catalogue::offices))
        .route(p::office, get(catalogue::office))
        .route(p::search, get(catalogue::search))
        .route(p::imprint, get(pages::imprint))
        .route(p::privacy, get(pages::privacy))
        .route(p::accessibility, get(pages::accessibility))
        .route(p::theme_css, get(pages::theme_css))
        .route(p::asset, get(pages::asset))
}
