//! Citizen self-service beyond applications, for apps: the Fundbüro's public search and
//! the ID card and passport status — the same operations as the web pages, with the same
//! limits: a miss and a mismatch of the status answer alike (`no-status`), and every try
//! counts against the address and the number.

use super::lang;
use super::model::{ApiLang, LangQuery};
use crate::kit::problem::{FieldProblem, Problem};
use crate::kit::{paths, ClientIp, Prefs, St};
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rathaus_app::id_status::{Answer as StatusAnswer, Question};
use rathaus_domain::{Lang, TenantDef};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

type Answer = Result<Response, Problem>;

/// The number or the birth date cannot be one: which, and why.
fn invalid_input(errors: Vec<FieldProblem>) -> Problem {
    let mut p = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid-input",
        "The input does not fit",
    )
    .detail("correct the fields named and ask again");
    p.errors = Some(errors.into_boxed_slice());
    p
}

fn private<T: Serialize>(lang: Lang, value: &T) -> Response {
    (
        StatusCode::OK,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_LANGUAGE, lang.code()),
        ],
        Json(value),
    )
        .into_response()
}

fn portal<'s>(site: &'s crate::kit::Site, tid: &str) -> Result<&'s TenantDef, Problem> {
    site.catalog
        .tenant(tid)
        .ok_or_else(|| Problem::not_found().detail("no such portal"))
}

/// `?category=&from=&to=&q=`: what to look for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FoundQuery {
    /// A category code (`bag`, `wallet`, `keys`, `phone`, …); default all.
    pub category: Option<String>,
    /// Found on or after, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Found on or before, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Words that must all match the public description (brand, colour, place).
    #[param(max_length = 100)]
    pub q: Option<String>,
    pub lang: Option<ApiLang>,
}

/// A found item as anyone may see it (never its private features).
#[derive(Debug, Serialize, ToSchema)]
pub struct FoundItem {
    /// The Fundnummer, to name when asking at the office.
    pub number: String,
    pub category: String,
    pub category_label: String,
    pub colour: Option<String>,
    pub brand: Option<String>,
    pub description: String,
    pub place: String,
    /// `YYYY-MM-DD`.
    pub found_on: String,
    /// The office keeping it (`/api/v1/tenants/{tenant}/offices/{office}`).
    pub office: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FoundItems {
    pub items: Vec<FoundItem>,
}

fn day(v: Option<&str>, name: &str) -> Result<String, Problem> {
    match v {
        None => Ok(String::new()),
        Some(s) => s
            .parse::<jiff::civil::Date>()
            .map(|d| d.to_string())
            .map_err(|_| Problem::invalid_parameter(format!("{name}: not a date YYYY-MM-DD"))),
    }
}

/// The items the Fundbüro keeps, newest find first (at most 100; identity documents and
/// bank cards are never listed).
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/found-items",
    tag = "self-service",
    operation_id = "searchFoundItems",
    params(("tenant" = String, Path, description = "The portal's id"), FoundQuery),
    responses(
        (status = 200, description = "The items", body = FoundItems),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal, or it runs no Fundbüro", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn found_items(
    state: St,
    prefs: Prefs,
    Path(tid): Path<String>,
    q: Result<Query<FoundQuery>, QueryRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let search = rathaus_app::found::Search {
        category: q.category.clone().unwrap_or_default(),
        from: day(q.from.as_deref(), "from")?,
        to: day(q.to.as_deref(), "to")?,
        text: q.q.clone().unwrap_or_default().chars().take(100).collect(),
    };
    let words = site.core.words(&tid, lang);
    let items = rathaus_app::found::search(&state.app, t, &search)
        .await?
        .into_iter()
        .map(|i| FoundItem {
            category_label: words.get(&format!(
                "found-cat-{}",
                i.category.as_str().replace('_', "-")
            )),
            category: i.category.as_str().to_owned(),
            number: i.number,
            colour: i.colour,
            brand: i.brand,
            description: i.description,
            place: i.place,
            found_on: i.found_on,
            office: i.office,
        })
        .collect();
    Ok(private(lang, &FoundItems { items }))
}

/// The question for a document's status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusQuestion {
    /// The application number or the document's serial number (spaces, dashes, case and
    /// the letter O for the digit 0 do not matter).
    #[schema(max_length = 40)]
    pub number: String,
    /// The applicant's birth date, `YYYY-MM-DD` or `DD.MM.YYYY`.
    #[schema(max_length = 20)]
    pub birth_date: String,
}

/// A document's status.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentStatus {
    /// `id_card`, `passport`, `child_passport`, `eid_card`.
    pub kind: String,
    /// `in_production`, `ready`, `handed_out`, `dispatched`, `delivered`, `returned`.
    pub status: String,
    /// The status in words, in the request's language.
    pub text: String,
    /// Since when, `YYYY-MM-DD`.
    pub since: String,
    /// The office (`/api/v1/tenants/{tenant}/offices/{office}`).
    pub office: String,
    /// Where to book the pick-up, when it can be picked up (a page of the portal).
    pub pickup_href: Option<String>,
}

/// Is my ID card or passport ready? Every try counts against the address and the number;
/// an unknown number and a wrong birth date answer alike (`no-status`).
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/id-document-status",
    tag = "self-service",
    operation_id = "idDocumentStatus",
    params(("tenant" = String, Path, description = "The portal's id"), LangQuery),
    request_body = StatusQuestion,
    responses(
        (status = 200, description = "The status", body = DocumentStatus),
        (status = 400, description = "The body does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No status for this combination, or the portal offers no status inquiry", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a number or not a date", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many tries; see Retry-After", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn id_document_status(
    state: St,
    prefs: Prefs,
    ip: ClientIp,
    Path(tid): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
    body: Result<Json<StatusQuestion>, JsonRejection>,
) -> Answer {
    let Query(q) = q.map_err(super::bad_query)?;
    let lang = lang(q.lang, &prefs);
    let Json(b) = body.map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-body",
            "Invalid request body",
        )
        .detail(e.body_text())
    })?;
    let site = state.site();
    let t = portal(&site, &tid)?;
    let question = Question {
        number: b.number.chars().take(40).collect(),
        birth_date: b.birth_date.chars().take(20).collect(),
    };
    let words = site.core.words(&tid, lang);
    match rathaus_app::id_status::lookup(&state.app, t, ip.0, &question).await? {
        StatusAnswer::Found(f) => {
            let mut a = fluent_bundle::FluentArgs::new();
            a.set(
                "since",
                rathaus_domain::form::format_date_de(&f.entry.since),
            );
            Ok(private(
                lang,
                &DocumentStatus {
                    kind: f.entry.kind.clone(),
                    status: f.status.as_str().to_owned(),
                    text: words.with(
                        &format!("idstatus-status-{}", f.status.as_str().replace('_', "-")),
                        &a,
                    ),
                    since: f.entry.since.clone(),
                    office: paths::api_office(&tid, &f.office),
                    pickup_href: f
                        .pickup
                        .as_deref()
                        .map(|b| rathaus_app::links::appointment_office(&tid, &f.office, Some(b))),
                },
            ))
        }
        StatusAnswer::NoStatus => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no-status",
            "No status for this combination",
        )
        .detail("check the number and the birth date; a new application may take a few days")),
        StatusAnswer::Wait(ms) => Err(Problem::too_many(
            "too many tries for this number or from this address",
            u64::try_from(ms / 1000 + 1).unwrap_or(3600),
        )),
        StatusAnswer::Invalid(errors) => Err(invalid_input(
            errors
                .iter()
                .map(|(f, m)| FieldProblem {
                    field: match *f {
                        "nummer" => "number".to_owned(),
                        "geburtsdatum" => "birth_date".to_owned(),
                        other => other.to_owned(),
                    },
                    message: words.text(m),
                })
                .collect(),
        )),
    }
}
