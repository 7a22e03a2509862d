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
    pub title: &'static str,
    /// The HTTP status code.
    pub status: u16,
    /// What was wrong with this request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The stable code of the problem (`not-found`, `invalid-parameter`, …).
    pub code: &'static str,
    /// Answers that do not hold (`invalid-answers`): each with the input it belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Box<[FieldProblem]>>,
    /// A header the answer carries: `WWW-Authenticate` with a 401 (RFC 6750),
    /// `Retry-After` with a 429.
    #[serde(skip)]
    pub header: Option<Box<(header::HeaderName, String)>>,
}

impl Problem {
    pub fn new(status: StatusCode, code: &'static str, title: &'static str) -> Problem {
        Problem {
            kind: format!("urn:rathaus:problem:{code}"),
            title,
            status: status.as_u16(),
            detail: None,
            code,
            errors: None,
            header: None,
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

    /// No (valid) access token: `reason` is none without a token, else why it does not
    /// hold (RFC 6750 `invalid_token`).
    pub fn unauthorized(reason: Option<&str>) -> Problem {
        let mut p = Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "An access token is needed",
        );
        let challenge = match reason {
            None => "Bearer realm=\"rathaus\"".to_owned(),
            Some(r) => {
                p.detail = Some(r.to_owned());
                format!(
                    "Bearer realm=\"rathaus\", error=\"invalid_token\", error_description=\"{r}\""
                )
            }
        };
        p.header = Some(Box::new((header::WWW_AUTHENTICATE, challenge)));
        p
    }

    /// Answers that do not hold; what was valid is kept.
    pub fn invalid_answers(errors: Vec<FieldProblem>) -> Problem {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-answers",
            "Some answers do not hold",
        )
        .detail("the other answers are saved; correct these and send the step again");
        p.errors = Some(errors.into_boxed_slice());
        p
    }

    /// Not for this caller: a login (of a higher level) is needed.
    pub fn forbidden(code: &'static str, detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::FORBIDDEN, code, "Not allowed").detail(detail)
    }

    /// Too many requests from here: try again after `secs` seconds.
    pub fn too_many(detail: impl Into<String>, secs: u64) -> Problem {
        let mut p = Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
        )
        .detail(detail);
        p.header = Some(Box::new((header::RETRY_AFTER, secs.to_string())));
        p
    }

    /// The change does not fit the object's state now.
    pub fn conflict(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::CONFLICT, "conflict", "Not possible now").detail(detail)
    }

    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// One answer that does not hold.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The input it belongs to: a field id, or a path into an address or a group entry
    /// (`anschrift.postal_code`, `hunde.1.name`).
    pub field: String,
    /// What is wrong, in the request's language (the same text the web form shows).
    pub message: String,
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self).unwrap_or_default();
        let mut res = (
            self.status(),
            [
                (header::CONTENT_TYPE, PROBLEM_JSON),
                (header::CACHE_CONTROL, "no-store"),
            ],
            body,
        )
            .into_response();
        if let Some((name, value)) = self.header.as_deref() {
            if let Ok(v) = value.parse() {
                res.headers_mut().insert(name.clone(), v);
            }
        }
        res
    }
}

/// The application layer's errors, as the API says them: an object that does not exist
/// for this caller is "not found" (never a hint whether it exists).
impl From<rathaus_app::AppError> for Problem {
    fn from(e: rathaus_app::AppError) -> Self {
        use rathaus_app::AppError;
        match e {
            AppError::NotFound => Problem::not_found(),
            AppError::Forbidden => Problem::new(StatusCode::FORBIDDEN, "forbidden", "Not allowed"),
            AppError::Conflict => Problem::conflict("the object changed meanwhile"),
            other => {
                tracing::error!(error = %other, "an API request failed");
                Problem::internal()
            }
        }
    }
}
