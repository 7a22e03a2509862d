//! Reading a step's post, with or without files: the HTTP side of uploads. Bodies are
//! limited before they are read; multipart file parts are pumped chunk by chunk into the
//! application layer's [`Uploads`], which limits, types, stores and records them.

use crate::kit::csrf;
use crate::kit::error::WebError;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Form;
use axum_extra::extract::CookieJar;
use rathaus_app::files::{Received, Uploads};
use rathaus_domain::form::{FieldError, StepDef};
use serde_json::Value as Json;

/// A step post (its CSRF token checked): the text fields, the verified file answers by
/// input name, upload problems.
pub struct StepPost {
    pub pairs: Vec<(String, String)>,
    pub files: Vec<(String, Json)>,
    pub errors: Vec<FieldError>,
}

pub use rathaus_app::files::{file_field, takes_files};

/// How a post is read: the tenant and draft its files belong to, the limit of its text
/// part, and whether a new file replaces the field's earlier one (form steps; a reply's
/// file is always new).
pub struct Target<'a> {
    pub tenant: &'a str,
    pub draft: &'a str,
    pub max_text_bytes: usize,
    pub replace: bool,
}

/// How much of a too-large post is still read (and thrown away) before answering, so that
/// the browser, still sending, receives the error page instead of a broken connection.
const DRAIN_MAX: usize = 1024 * 1024;

/// The body, if it has at most `limit` bytes; otherwise it is read on (and discarded) up
/// to [`DRAIN_MAX`] more and the answer is 413. Nothing beyond `limit` is kept in memory.
async fn read_limited(body: axum::body::Body, limit: usize) -> Result<axum::body::Bytes, Refused> {
    use http_body_util::BodyExt;
    let mut body = body;
    let mut kept = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(Refused::Bad);
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len();
        if seen <= limit {
            kept.extend_from_slice(&data);
        } else if seen > limit.saturating_add(DRAIN_MAX) {
            break;
        }
    }
    if seen > limit {
        return Err(Refused::TooLarge);
    }
    Ok(kept.into())
}

/// Why a post was not read.
enum Refused {
    TooLarge,
    Forbidden,
    Bad,
    Internal(String),
}

impl Refused {
    /// An extractor's rejection: too large stays too large, anything else is malformed.
    fn of(res: axum::response::Response) -> Refused {
        match res.status() {
            StatusCode::PAYLOAD_TOO_LARGE => Refused::TooLarge,
            StatusCode::FORBIDDEN => Refused::Forbidden,
            _ => Refused::Bad,
        }
    }
}

/// Reads the post of `step`. Refuses before reading: a body larger than the step allows
/// (413, naming the text limit without files, the application's file limit with them)
/// and a missing or wrong CSRF token (403; for multipart, in the first field, before any
/// file is stored).
pub async fn read(
    req: Request,
    jar: &CookieJar,
    app: &rathaus_app::App,
    target: &Target<'_>,
    step: &StepDef,
) -> Result<StepPost, WebError> {
    let named = if takes_files(step) {
        app.files.max_per_application
    } else {
        target.max_text_bytes as u64
    };
    match read_post(req, jar, app, target, step).await {
        Ok(p) => Ok(p),
        Err(Refused::TooLarge) => Err(WebError::TooLarge(named)),
        Err(Refused::Forbidden) => Err(WebError::Forbidden),
        Err(Refused::Bad) => Err(WebError::BadRequest),
        Err(Refused::Internal(e)) => Err(WebError::Internal(e)),
    }
}

async fn read_post(
    req: Request,
    jar: &CookieJar,
    app: &rathaus_app::App,
    target: &Target<'_>,
    step: &StepDef,
) -> Result<StepPost, Refused> {
    let files = takes_files(step);
    let limit = if files {
        usize::try_from(app.files.max_per_application)
            .unwrap_or(usize::MAX)
            .saturating_add(target.max_text_bytes)
    } else {
        target.max_text_bytes
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let body_limit = if multipart {
        limit
    } else {
        target.max_text_bytes
    };
    if declared.is_some_and(|n| n > body_limit.saturating_add(DRAIN_MAX) as u64) {
        // Far too large: answered without reading a byte of it.
        return Err(Refused::TooLarge);
    }
    if !multipart {
        return read_urlencoded(req, jar, body_limit).await;
    }
    if !files {
        let _ = read_limited(req.into_body(), 0).await;
        return Err(Refused::TooLarge);
    }
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(Refused::TooLarge);
    }
    // A body without a length is cut off at the limit as it arrives.
    let (parts, body) = req.into_parts();
    let req = Request::from_parts(
        parts,
        axum::body::Body::new(http_body_util::Limited::new(body, limit)),
    );
    let mp = Multipart::from_request(req, &())
        .await
        .map_err(|r| Refused::of(r.into_response()))?;
    read_multipart(mp, jar, app, target, step).await
}

/// A form without files: at most `limit` bytes, its CSRF token checked.
async fn read_urlencoded(req: Request, jar: &CookieJar, limit: usize) -> Result<StepPost, Refused> {
    let (parts, body) = req.into_parts();
    let bytes = read_limited(body, limit).await?;
    let req = Request::from_parts(parts, axum::body::Body::from(bytes));
    let Form(pairs) = Form::<Vec<(String, String)>>::from_request(req, &())
        .await
        .map_err(|r| Refused::of(r.into_response()))?;
    let token = pairs
        .iter()
        .find(|(k, _)| k == csrf::FIELD)
        .map(|(_, v)| v.as_str());
    if !csrf::verify(jar, token) {
        return Err(Refused::Forbidden);
    }
    Ok(StepPost {
        pairs,
        files: Vec::new(),
        errors: Vec::new(),
    })
}

/// A multipart form: the CSRF token first, then text parts (together within the text
/// limit) and file parts, each pumped into the application's [`Uploads`].
async fn read_multipart(
    mut mp: Multipart,
    jar: &CookieJar,
    app: &rathaus_app::App,
    target: &Target<'_>,
    step: &StepDef,
) -> Result<StepPost, Refused> {
    let mut post = StepPost {
        pairs: Vec::new(),
        files: Vec::new(),
        errors: Vec::new(),
    };
    let mut csrf_ok = false;
    let mut uploads = Uploads::begin(app, target.tenant, target.draft, target.replace)
        .await
        .map_err(|e| Refused::Internal(e.to_string()))?;
    let mut text_bytes = 0usize;
    while let Some(mut field) = mp
        .next_field()
        .await
        .map_err(|e| Refused::of(e.into_response()))?
    {
        let name = field.name().unwrap_or("").to_owned();
        if !csrf_ok {
            // The token is the form's first field; nothing is read or stored before it.
            let value = if name == csrf::FIELD {
                field.text().await.ok()
            } else {
                None
            };
            if !csrf::verify(jar, value.as_deref()) {
                return Err(Refused::Forbidden);
            }
            csrf_ok = true;
            post.pairs.push((name, value.unwrap_or_default()));
            continue;
        }
        let Some(original) = field.file_name().map(str::to_owned) else {
            let text = read_text_part(&mut field, &mut text_bytes, target.max_text_bytes).await?;
            post.pairs.push((name, text));
            continue;
        };
        let Some(def) = file_field(step, &name) else {
            // A file for a field that does not take one: read and forget.
            while let Ok(Some(_)) = field.chunk().await {}
            continue;
        };
        let mut up = uploads
            .file(&name, &original, def)
            .await
            .map_err(|e| Refused::Internal(e.to_string()))?;
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| Refused::of(e.into_response()))?
        {
            up.write(&chunk)
                .await
                .map_err(|e| Refused::Internal(e.to_string()))?;
        }
        match uploads
            .finish(up)
            .await
            .map_err(|e| Refused::Internal(e.to_string()))?
        {
            Received::Stored(_, answer) => post.files.push((name, answer)),
            Received::Nothing => {}
            Received::Refused(e) => post.errors.push(e),
        }
    }
    if !csrf_ok {
        return Err(Refused::Forbidden);
    }
    Ok(post)
}

/// A text part of a multipart form. Text parts together (`seen`) stay within the limit
/// of a form without files.
async fn read_text_part(
    field: &mut axum::extract::multipart::Field<'_>,
    seen: &mut usize,
    limit: usize,
) -> Result<String, Refused> {
    let mut text = Vec::new();
    while let Some(chunk) = field
        .chunk()
        .await
        .map_err(|e| Refused::of(e.into_response()))?
    {
        *seen += chunk.len();
        if *seen > limit {
            return Err(Refused::TooLarge);
        }
        text.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&text).into_owned())
}
