//! The api wing: the public, versioned JSON API for city apps (`/api/v1/…`). Every
//! operation is declared with its OpenAPI description on the handler (utoipa), so the
//! served document (`/api/v1/openapi.json`) and what the router does cannot drift; the
//! reference page renders the same document as HTML. Errors are RFC 9457 problem details
//! with stable codes; catalogue answers carry an ETag and answer `If-None-Match` with 304.
//!
//! Built so far: the catalogue (portals, offices, services with search and filters,
//! topics, life situations), the app login (`auth`), the citizen's applications and
//! Postkorb (`citizen`), applying (`apply`), appointments (`appointments`) and payments
//! (`payments`), and Web Push subscriptions (`push`).

mod apply;
mod appointments;
mod auth;
mod catalogue;
mod citizen;
mod folders;
mod found;
mod limits;
mod model;
mod payments;
mod push;
mod reference;

use crate::kit::paths::pattern as p;
use crate::kit::problem::Problem;
use crate::kit::{AppState, Prefs};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use model::ApiLang;
use rathaus_domain::Lang;
use serde::Serialize;
use std::sync::{Arc, LazyLock};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rathaus API",
        version = "1.0.0",
        description = "The public JSON API of a Rathaus service portal, for city apps and other clients. \
Texts come in German or English (`lang`, else `Accept-Language`); amounts are euro cents; \
errors are RFC 9457 problem details with a stable `code`.",
        license(name = "EUPL-1.2", identifier = "EUPL-1.2")
    ),
    tags(
        (name = "catalogue", description = "Portals, offices, services, topics and life situations: public, no login needed."),
        (name = "login", description = "Logging in from an app: OAuth 2.0 for native apps (RFC 8252) with PKCE. The app opens `/{tenant}/app-zugang` in the system browser; the citizen logs in and lets the app in; the app exchanges the code at the token endpoint. Guests exchange an application's reference and access code instead."),
        (name = "citizen", description = "The citizen's own applications and Postkorb, with an access token (`Authorization: Bearer …`)."),
        (name = "applications", description = "Applying: a service's form and answer schema, drafts (start, save a step, upload a file, check, submit), the receipt, withdrawing and replying. The same rules and messages as the web form; answers in the shape of the answer schema."),
        (name = "appointments", description = "Online appointments, shaped close to the citizen API of Munich's eappointment: offices and services, free days and times, booking, moving, cancelling. An appointment opens with its `X-Auth-Key` or the token of the account that booked it."),
        (name = "payments", description = "An application's fee: what is owed, the transfer details with the GiroCode text, online payment at the tenant's payment service (the pay page in the system browser; the app then asks for the outcome)."),
        (name = "self-service", description = "Self-service beyond applications: the Fundbüro's public search (found items, never their private features) and the status of ID cards and passports (application or serial number and birth date; a miss and a mismatch answer alike, tries are limited per address and number)."),
        (name = "push", description = "Web Push without lock-in (RFC 8030, 8291, 8292; also UnifiedPush): the app registers its endpoint and keys; the portal sends news of its applications without content, through the durable outbox.")
    ),
    components(schemas(Problem)),
    modifiers(&AppToken)
)]
struct ApiDoc;

/// The access token of the app login, as the operations that need it name it.
struct AppToken;

impl utoipa::Modify for AppToken {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "An access token from the token endpoint (15 minutes; renew it with the refresh token).",
            ))
            .build();
        doc.components
            .get_or_insert_with(Default::default)
            .add_security_scheme("app", SecurityScheme::Http(scheme));
    }
}

/// The routes with their descriptions, as utoipa collects them.
fn described() -> (Router<Arc<AppState>>, utoipa::openapi::OpenApi) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(catalogue::index))
        .routes(routes!(catalogue::tenants))
        .routes(routes!(catalogue::tenant))
        .routes(routes!(catalogue::offices))
        .routes(routes!(catalogue::office))
        .routes(routes!(catalogue::services))
        .routes(routes!(catalogue::service))
        .routes(routes!(catalogue::topics))
        .routes(routes!(catalogue::life_situations))
        .routes(routes!(auth::token))
        .routes(routes!(auth::revoke))
        .routes(routes!(citizen::me))
        .routes(routes!(citizen::applications))
        .routes(routes!(citizen::application))
        .routes(routes!(citizen::message))
        .routes(routes!(apply::form))
        .routes(routes!(apply::start))
        .routes(routes!(apply::draft))
        .routes(routes!(apply::save_step))
        .routes(routes!(apply::upload))
        .routes(routes!(apply::check))
        .routes(routes!(apply::submit))
        .routes(routes!(apply::receipt))
        .routes(routes!(apply::withdraw))
        .routes(routes!(apply::reply))
        .routes(routes!(apply::attachment))
        .routes(routes!(apply::file))
        .routes(routes!(appointments::offices_and_services))
        .routes(routes!(appointments::available_days))
        .routes(routes!(appointments::available_appointments))
        .routes(routes!(appointments::list, appointments::book))
        .routes(routes!(appointments::appointment))
        .routes(routes!(appointments::ics))
        .routes(routes!(appointments::cancel))
        .routes(routes!(appointments::reschedule))
        .routes(routes!(payments::payment))
        .routes(routes!(payments::online))
        .routes(routes!(payments::check))
        .routes(routes!(folders::list, folders::create))
        .routes(routes!(folders::get))
        .routes(routes!(folders::mark))
        .routes(routes!(citizen::notices))
        .routes(routes!(citizen::notice))
        .routes(routes!(push::vapid_key))
        .routes(routes!(push::list, push::subscribe))
        .routes(routes!(push::unsubscribe))
        .routes(routes!(found::found_items))
        .routes(routes!(found::id_document_status))
        .split_for_parts()
}

/// The OpenAPI document of the API.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = described().1;
    ids_are_slugs(&mut doc);
    doc
}

/// Parameters that name a portal, office, service, topic or life situation take ids, whose
/// form the definitions fix (`SLUG_PATTERN`): described here once for every operation.
fn ids_are_slugs(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    const IDS: [&str; 5] = ["tenant", "office", "service", "topic", "life_situation"];
    for item in doc.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.post,
            &mut item.put,
            &mut item.delete,
        ]
        .into_iter()
        .flatten()
        {
            for p in op.parameters.iter_mut().flatten() {
                let utoipa::openapi::RefOr::T(p) = p else {
                    continue;
                };
                if IDS.contains(&p.name.as_str()) {
                    p.schema = Some(
                        ObjectBuilder::new()
                            .schema_type(Type::String)
                            .pattern(Some(rathaus_domain::ids::SLUG_PATTERN))
                            .into(),
                    );
                }
            }
        }
    }
}

/// The document as served (built once).
static DOCUMENT: LazyLock<String> =
    LazyLock::new(|| openapi().to_pretty_json().unwrap_or_default());

pub fn router(state: &Arc<AppState>) -> Router<Arc<AppState>> {
    let api = described()
        .0
        .route(p::api_openapi, get(reference::openapi))
        .route(p::api_reference, get(reference::page))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::kit::cache::serve_json,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::limit,
        ));
    match limits::cors(&state.config.api_cors_origins) {
        Some(cors) => api.layer(cors),
        None => api,
    }
}

/// A method the route does not take: a problem, like every other error of the API.
async fn method_not_allowed() -> Response {
    Problem::method_not_allowed().into_response()
}

/// The language of an answer: `?lang=`, else the request's preferences
/// (`Accept-Language`), else German.
fn lang(asked: Option<ApiLang>, prefs: &Prefs) -> Lang {
    asked.map(Lang::from).unwrap_or(prefs.lang)
}

/// A query string that does not fit its parameters.
fn bad_query(e: axum::extract::rejection::QueryRejection) -> Problem {
    Problem::invalid_parameter(e.body_text())
}

/// A catalogue answer: JSON with a strong ETag of its bytes; `If-None-Match` with that tag
/// gets 304 without a body. Catalogue answers depend only on the definitions, so a client
/// revalidates (`no-cache`) rather than trusting an age.
fn cached<T: Serialize>(headers: &HeaderMap, lang: Lang, value: &T) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "serializing an API answer failed");
            return Problem::internal().into_response();
        }
    };
    let tag = format!("\"{}\"", &rathaus_app::secrets::sha256_hex(&body)[..32]);
    let matches = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == tag);
    let etag = HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\""));
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
    let mut res = (
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response();
    // Public catalogue data: the next request for it is answered from the page cache.
    res.extensions_mut()
        .insert(crate::kit::cache::CacheableJson);
    res
}
