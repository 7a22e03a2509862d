//! Redirects that cannot lead off the portal or fail to be sent. A `Location` is either a
//! path of this portal (built by a route builder, never copied from the request's path) or,
//! for the identity and payment providers, an absolute `http(s)` URL that came from their
//! configuration or answer. Bytes a header may not carry are percent-encoded, so no input
//! can make the header invalid (which would otherwise end in a 500).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// `303 See Other` to a path of this portal; anything else goes to the start page.
pub fn to(path: &str) -> Response {
    send(StatusCode::SEE_OTHER, &local(path))
}

/// `308 Permanent Redirect` to a path of this portal.
pub fn permanent(path: &str) -> Response {
    send(StatusCode::PERMANENT_REDIRECT, &local(path))
}

/// `303` to a provider's page (login, pay page): an absolute `http(s)` URL, or a path of
/// this portal (the demo pay page).
pub fn external(url: &str) -> Response {
    let absolute = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace());
    if absolute {
        send(StatusCode::SEE_OTHER, &header_safe(url))
    } else {
        to(url)
    }
}

/// `303` to an app's redirect URI, which `rathaus_app::apps::check_request` found among the
/// app's registered ones (a loopback address, https, or the app's own scheme).
pub fn to_app(uri: &str) -> Response {
    if uri.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return to("/");
    }
    send(StatusCode::SEE_OTHER, &header_safe(uri))
}

/// The path itself if it is a path of this origin, else `/`.
fn local(path: &str) -> String {
    header_safe(&crate::kit::prefs::safe_return(Some(path)))
}

/// Percent-encodes every byte outside visible ASCII.
fn header_safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if (0x21..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn send(status: StatusCode, location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(v) => (status, [(header::LOCATION, v)]).into_response(),
        // Cannot happen after `header_safe`; the start page is always a valid target.
        Err(_) => (status, [(header::LOCATION, HeaderValue::from_static("/"))]).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(r: &Response) -> &str {
        r.headers()[header::LOCATION].to_str().unwrap_or("")
    }

    #[test]
    fn never_off_the_portal_and_never_invalid() {
        for (given, expected) in [
            ("/soest/suche?q=hund", "/soest/suche?q=hund"),
            ("//evil.example", "/"),
            ("/\\evil.example", "/"),
            ("https://evil.example", "/"),
            ("\t//evil.example", "/"),
            ("/a\r\nSet-Cookie: x=1", "/"),
            ("/soest/suche?q=Grüße", "/soest/suche?q=Gr%C3%BC%C3%9Fe"),
            ("/a b", "/a%20b"),
        ] {
            assert_eq!(location(&to(given)), expected, "{given:?}");
        }
        assert_eq!(
            location(&external("https://idp.example/auth?x=1")),
            "https://idp.example/auth?x=1"
        );
        assert_eq!(
            location(&external("/soest/demo-bezahldienst/1")),
            "/soest/demo-bezahldienst/1"
        );
        assert_eq!(location(&external("javascript:alert(1)")), "/");
        assert_eq!(to("/x").status(), StatusCode::SEE_OTHER);
        assert_eq!(permanent("/x").status(), StatusCode::PERMANENT_REDIRECT);
    }
}
