//! CSRF protection for every form post: a random value in an HttpOnly, SameSite=Strict
//! cookie, and in each form a token derived from it *and* from the sessions the browser
//! holds (HMAC with the portal's key). A token therefore works only in the browser it was
//! given to and only for the session it was rendered in: a cookie planted from elsewhere,
//! or a token from before a login, is refused.

use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use rathaus_app::secrets::Keys;
use std::sync::OnceLock;
use subtle::ConstantTimeEq;

pub const COOKIE: &str = "rathaus_csrf";
pub const FIELD: &str = "_csrf";

static KEYS: OnceLock<Keys> = OnceLock::new();

/// Sets the key tokens are derived with (once, at start).
pub fn init(keys: Keys) {
    let _ = KEYS.set(keys);
}

fn keys() -> &'static Keys {
    static FALLBACK: OnceLock<Keys> = OnceLock::new();
    // Without `init` (unit tests) tokens are still bound to the secret cookie.
    KEYS.get().unwrap_or_else(|| {
        FALLBACK.get_or_init(|| Keys::fixed(rathaus_app::secrets::random_bytes()))
    })
}

/// What a token is bound to: the CSRF cookie and the citizen and staff session cookies.
fn binding(jar: &CookieJar, value: &str) -> String {
    let get = |name: &str| {
        jar.get(name)
            .map(|c| c.value().to_owned())
            .unwrap_or_default()
    };
    format!(
        "{value}|{}|{}",
        get(crate::kit::extract::SESSION_COOKIE),
        get(crate::kit::extract::STAFF_COOKIE)
    )
}

/// The token of this browser and session, creating the cookie if needed.
pub fn token(jar: CookieJar) -> (CookieJar, String) {
    if let Some(c) = jar.get(COOKIE) {
        if c.value().len() == 32 {
            let t = keys().csrf_token(&binding(&jar, c.value()));
            return (jar, t);
        }
    }
    let v = uuid::Uuid::new_v4().simple().to_string();
    let cookie = Cookie::build((COOKIE, v.clone()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .build();
    let jar = jar.add(cookie);
    let t = keys().csrf_token(&binding(&jar, &v));
    (jar, t)
}

/// Whether the posted token belongs to this browser and its current sessions.
pub fn verify(jar: &CookieJar, posted: Option<&str>) -> bool {
    match (jar.get(COOKIE), posted) {
        (Some(c), Some(p)) if c.value().len() == 32 => {
            let expected = keys().csrf_token(&binding(jar, c.value()));
            expected.as_bytes().ct_eq(p.as_bytes()).into()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_bound_to_the_session() {
        let (jar, t) = token(CookieJar::new());
        assert!(verify(&jar, Some(&t)));
        assert!(!verify(&jar, Some("0")));
        // The same browser after a login: the old token no longer works.
        let jar2 = jar
            .clone()
            .add(Cookie::new(crate::kit::extract::SESSION_COOKIE, "s1"));
        assert!(!verify(&jar2, Some(&t)));
        let (_, t2) = token(jar2.clone());
        assert!(verify(&jar2, Some(&t2)));
        // Another browser's cookie with this token: refused.
        let (other, _) = token(CookieJar::new());
        assert!(!verify(&other, Some(&t)));
    }
}
