//! RFC 9457 problem details: how every JSON interface of the portal says what went wrong.
//! `code` is stable (clients switch on it); `title` is a short English sentence for
//! developers, `detail` what exactly was wrong with this request. Internals never leave the
//! process: a 500 says only that something failed, the cause goes to the log.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of a problem answer.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error answer (RFC 9457).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem: `urn:rathaus:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short, fixed sentence for the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What was wrong with this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable code of the problem (`not-found`, `invalid-parameter`, …).
    pub code: String,
}

impl Problem {
    pub fn new(status: StatusCode, code: &str, title: &str) -> Problem {
        Problem {
            kind: format!("urn:rathaus:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: None,
            code: code.to_owned(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// Nothing at this address (also for an object the caller may not see).
    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not-found", "Not found")
    }

    /// No route of the API has this path.
    pub fn no_route() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "no-route", "No such API route")
    }

    /// A query or path parameter that does not fit.
    pub fn invalid_parameter(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-parameter",
            "Invalid parameter",
        )
        .detail(detail)
    }

    /// The route exists, but not with this method.
    pub fn method_not_allowed() -> Problem {
        Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
        )
    }

    /// Something failed inside; the cause is logged, not told.
    pub fn internal() -> Problem {
        Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
        )
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self).unwrap_or_default();
        (
            self.status(),
            [
                (header::CONTENT_TYPE, PROBLEM_JSON),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response()
    }
}
