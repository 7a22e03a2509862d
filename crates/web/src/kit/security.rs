//! Security headers on every response. The CSP allows no inline script or style and no
//! third-party origin at all; pages may not be framed.

use axum::http::{header, HeaderName, HeaderValue};
use tower_http::set_header::SetResponseHeaderLayer;

pub const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// The layers, outermost first.
pub fn layers() -> Vec<SetResponseHeaderLayer<HeaderValue>> {
    let h = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    vec![
        h(header::CONTENT_SECURITY_POLICY, CSP),
        h(header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        h(header::X_FRAME_OPTIONS, "DENY"),
        h(header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
        h(
            HeaderName::from_static("permissions-policy"),
            "camera=(), microphone=(), geolocation=(), interest-cohort=()",
        ),
        h(
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        h(
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ]
}

/// Under an `https://` public address: `Secure` on every cookie the portal sets (whichever
/// module sets it) and HSTS, so browsers never send a session or token over plain HTTP.
pub async fn https_only(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let cookies: Vec<HeaderValue> = h.get_all(header::SET_COOKIE).iter().cloned().collect();
    if !cookies.is_empty() {
        h.remove(header::SET_COOKIE);
        for c in cookies {
            h.append(header::SET_COOKIE, secure_cookie(c));
        }
    }
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000; includeSubDomains"),
    );
    res
}

fn secure_cookie(c: HeaderValue) -> HeaderValue {
    let Ok(s) = c.to_str() else {
        return c;
    };
    let has = s
        .split(';')
        .any(|part| part.trim().eq_ignore_ascii_case("secure"));
    if has {
        return c;
    }
    HeaderValue::from_str(&format!("{s}; Secure")).unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_become_secure_once() {
        let v = secure_cookie(HeaderValue::from_static("lang=en; Path=/; HttpOnly"));
        assert_eq!(v, "lang=en; Path=/; HttpOnly; Secure");
        let v = secure_cookie(HeaderValue::from_static("a=b; Secure; Path=/"));
        assert_eq!(v, "a=b; Secure; Path=/");
    }
}
