//! The one HTML error type of the web layer. Not-found pages are rendered by the handlers
//! (they know the tenant and language); everything unexpected ends here as a friendly 500
//! that hides internals, while the details go to the log.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum HtmlError {
    #[error("template: {0}")]
    Template(#[from] minijinja::Error),
    #[error("a handler panicked")]
    Panic,
}

const INTERNAL: &str = r#"<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fehler – Error</title><link rel="stylesheet" href="/static/rathaus.css"></head>
<body><main id="inhalt" class="container"><h1>Es ist ein Fehler aufgetreten</h1>
<p>Bitte versuchen Sie es später noch einmal. Ihre bisherigen Eingaben sind gespeichert.</p>
<p><a href="/">Zur Startseite</a></p>
<div lang="en"><h2>An error occurred</h2><p>Please try again later.</p><p><a href="/">Home</a></p></div>
</main></body></html>"#;

impl IntoResponse for HtmlError {
    fn into_response(self) -> Response {
        tracing::error!(error = %self, "request failed");
        (StatusCode::INTERNAL_SERVER_ERROR, Html(INTERNAL)).into_response()
    }
}
