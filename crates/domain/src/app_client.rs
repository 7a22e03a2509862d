//! City apps a tenant lets its citizens log in to (`apps:` in `tenant.yaml`): OAuth 2.0
//! for native apps (RFC 8252). An app is a public client — it holds no secret — so every
//! login uses PKCE (RFC 7636, S256), and the code goes only to a redirect URI registered
//! here: a loopback address (`http://127.0.0.1/…` or `http://[::1]/…`, any port, as the app
//! picks a free one; RFC 8252 §7.3), a claimed `https://` address (§7.2), or a private-use
//! scheme in reverse domain notation (`de.example.app:/callback`, §7.1).

use crate::tenant::Problem;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// One app.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppClientDef {
    /// The app's `client_id`.
    #[schemars(regex(pattern = r"^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$"))]
    pub id: String,
    /// The app's name, as the citizen sees it when asked to let it in.
    pub name: Text,
    /// Where the app receives the login's code.
    #[schemars(length(min = 1))]
    pub redirect_uris: Vec<String>,
}

/// The kinds of redirect URI an app may register.
#[derive(Debug, PartialEq, Eq)]
enum Kind {
    /// `http://127.0.0.1/…` or `http://[::1]/…`: the port is the app's choice at login.
    Loopback,
    /// `https://…` or `reverse.domain:/…`: exactly as registered.
    Exact,
}

fn kind(uri: &str) -> Option<Kind> {
    if uri.contains('#') || uri.chars().any(|c| c.is_control() || c == ' ') {
        return None;
    }
    if let Some(rest) = uri.strip_prefix("http://") {
        let host = loopback_host(rest)?;
        return (!host.is_empty()).then_some(Kind::Loopback);
    }
    if let Some(rest) = uri.strip_prefix("https://") {
        let host = rest.split(['/', '?']).next().unwrap_or("");
        return (!host.is_empty() && !host.contains('@')).then_some(Kind::Exact);
    }
    // A private-use scheme: reverse domain notation with at least one dot (RFC 8252 §7.1).
    let (scheme, rest) = uri.split_once(':')?;
    let valid = scheme.contains('.')
        && scheme
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '.' || c == '-')
        && rest.starts_with('/');
    valid.then_some(Kind::Exact)
}

/// The loopback host of `http://` URI remainder `rest` (without the port), if it is one.
fn loopback_host(rest: &str) -> Option<&'static str> {
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    if let Some(port) = authority.strip_prefix("[::1]") {
        return valid_port(port).then_some("[::1]");
    }
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, format!(":{p}")),
        None => (authority, String::new()),
    };
    (host == "127.0.0.1" && valid_port(&port)).then_some("127.0.0.1")
}

fn valid_port(p: &str) -> bool {
    p.is_empty()
        || p.strip_prefix(':').is_some_and(|n| {
            !n.is_empty()
                && n.len() <= 5
                && n.bytes().all(|b| b.is_ascii_digit())
                && n.parse::<u32>().is_ok_and(|v| (1..=65535).contains(&v))
        })
}

/// `uri` without the port of its loopback authority.
fn without_port(uri: &str) -> String {
    let rest = &uri["http://".len()..];
    let cut = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(cut);
    let host = if authority.starts_with("[::1]") {
        "[::1]"
    } else {
        authority.split(':').next().unwrap_or("")
    };
    format!("http://{host}{tail}")
}

impl AppClientDef {
    /// Problems of the definition, at `at` (a JSON pointer).
    pub fn check(&self, at: &str) -> Vec<Problem> {
        let mut problems = Vec::new();
        for (i, uri) in self.redirect_uris.iter().enumerate() {
            if kind(uri).is_none() {
                problems.push(Problem::at(
                    format!("{at}/redirect_uris/{i}"),
                    format!(
                        "'{uri}' is not a redirect URI for an app: use http://127.0.0.1/… or http://[::1]/… (any port), https://…, or a private-use scheme such as de.example.app:/callback (no fragment)"
                    ),
                ));
            }
        }
        problems
    }

    /// Whether a login may send its code to `uri`: one of the registered URIs exactly, or
    /// a registered loopback URI on any port.
    pub fn redirect_allowed(&self, uri: &str) -> bool {
        let Some(k) = kind(uri) else {
            return false;
        };
        self.redirect_uris.iter().any(|r| match (kind(r), &k) {
            (Some(Kind::Exact), Kind::Exact) => r == uri,
            (Some(Kind::Loopback), Kind::Loopback) => without_port(r) == without_port(uri),
            _ => false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn app(uris: &[&str]) -> AppClientDef {
        AppClientDef {
            id: "app".into(),
            name: Text::de("App"),
            redirect_uris: uris.iter().map(|u| u.to_string()).collect(),
        }
    }

    #[test]
    fn loopback_on_any_port_other_uris_exactly() {
        let a = app(&[
            "http://127.0.0.1/callback",
            "http://[::1]/callback",
            "https://app.example.de/rathaus",
            "de.example.app:/callback",
        ]);
        for ok in [
            "http://127.0.0.1/callback",
            "http://127.0.0.1:51234/callback",
            "http://[::1]:8080/callback",
            "https://app.example.de/rathaus",
            "de.example.app:/callback",
        ] {
            assert!(a.redirect_allowed(ok), "{ok}");
        }
        for bad in [
            "http://127.0.0.1:51234/other",
            "http://localhost:51234/callback",
            "http://127.0.0.1.evil.example/callback",
            "http://127.0.0.1:99999/callback",
            "http://127.0.0.1:51234/callback#x",
            "https://app.example.de/rathaus/other",
            "https://app.example.de.evil.example/rathaus",
            "de.example.app:/other",
            "http://evil.example/callback",
            "javascript:alert(1)",
            "",
        ] {
            assert!(!a.redirect_allowed(bad), "{bad}");
        }
    }

    #[test]
    fn registering_a_web_address_over_http_is_refused() {
        let a = app(&["http://app.example.de/cb", "myapp:/cb", "https://x.de/#f"]);
        assert_eq!(a.check("/apps/0").len(), 3);
        assert!(app(&["http://127.0.0.1/cb", "de.x.app:/cb"])
            .check("")
            .is_empty());
    }
}
