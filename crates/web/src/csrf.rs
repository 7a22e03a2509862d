//! CSRF protection for every form post: a random token in an HttpOnly, SameSite=Strict
//! cookie, repeated in a hidden field, compared in constant time (double-submit cookie).

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "rathaus_csrf";
pub const FIELD: &str = "_csrf";

/// The token of this browser, creating one (and its cookie) if needed.
pub fn token(jar: CookieJar) -> (CookieJar, String) {
    if let Some(c) = jar.get(COOKIE) {
        if c.value().len() == 32 {
            let v = c.value().to_owned();
            return (jar, v);
        }
    }
    let v = uuid::Uuid::new_v4().simple().to_string();
    let cookie = Cookie::build((COOKIE, v.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    (jar.add(cookie), v)
}

/// Whether the posted token matches the cookie.
pub fn verify(jar: &CookieJar, posted: Option<&str>) -> bool {
    match (jar.get(COOKIE), posted) {
        (Some(c), Some(p)) if c.value().len() == 32 => {
            c.value().as_bytes().ct_eq(p.as_bytes()).into()
        }
        _ => false,
    }
}
