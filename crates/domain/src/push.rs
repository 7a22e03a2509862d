//! Web Push endpoints (RFC 8030): which addresses the portal will send news to. A push
//! endpoint is chosen by the app, so the portal would otherwise post to any address a
//! client names: only `https` endpoints on public hosts are taken (in development and
//! tests, `allow_local` also admits `http` and loopback or private addresses).

use std::net::IpAddr;

/// Longest endpoint URL taken.
pub const MAX_ENDPOINT_CHARS: usize = 1_000;

/// Why an endpoint is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointError {
    /// Not an absolute `https` URL of reasonable length.
    NotHttps,
    /// Its host is an address of this machine or a private network.
    NotPublic,
}

impl EndpointError {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointError::NotHttps => {
                "the endpoint must be an https URL of at most 1000 characters"
            }
            EndpointError::NotPublic => "the endpoint must be on a public host",
        }
    }
}

/// Whether `ip` is an address on the public internet (not loopback, private, link-local,
/// shared, documentation, multicast or unspecified).
pub fn public_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || (o[0] == 192 && o[1] == 0 && o[2] == 2)
                || (o[0] == 198 && o[1] == 51 && o[2] == 100)
                || (o[0] == 203 && o[1] == 0 && o[2] == 113)
                || o[0] == 0
                || (o[0] == 100 && (64..128).contains(&o[1]))
                || (o[0] == 198 && (o[1] == 18 || o[1] == 19))
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return public_ip(IpAddr::V4(v4));
            }
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

/// The host of an absolute URL (brackets of an IPv6 literal removed), if it has one.
fn host_of(rest: &str) -> Option<&str> {
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    if let Some(v6) = authority.strip_prefix('[') {
        return v6.split(']').next();
    }
    Some(authority.split(':').next().unwrap_or(authority))
}

/// Checks an endpoint named by an app.
pub fn check_endpoint(url: &str, allow_local: bool) -> Result<(), EndpointError> {
    if url.len() > MAX_ENDPOINT_CHARS || url.chars().any(|c| c.is_control() || c == ' ') {
        return Err(EndpointError::NotHttps);
    }
    let rest = match (url.strip_prefix("https://"), url.strip_prefix("http://")) {
        (Some(r), _) => r,
        (None, Some(r)) if allow_local => r,
        _ => return Err(EndpointError::NotHttps),
    };
    let host = host_of(rest)
        .filter(|h| !h.is_empty())
        .ok_or(EndpointError::NotHttps)?;
    if allow_local {
        return Ok(());
    }
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") || lower.ends_with(".local") {
        return Err(EndpointError::NotPublic);
    }
    match host.parse::<IpAddr>() {
        Ok(ip) if !public_ip(ip) => Err(EndpointError::NotPublic),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_https_endpoints() {
        for ok in [
            "https://fcm.googleapis.com/fcm/send/abc",
            "https://updates.push.services.mozilla.com/wpush/v2/x",
            "https://ntfy.example.org/upAbc?up=1",
            "https://8.8.8.8/push",
            "https://[2a00:1450::1]/push",
        ] {
            assert_eq!(check_endpoint(ok, false), Ok(()), "{ok}");
        }
        for (bad, why) in [
            ("http://push.example.org/x", EndpointError::NotHttps),
            ("ftp://push.example.org/x", EndpointError::NotHttps),
            ("https://", EndpointError::NotHttps),
            ("https://a b/", EndpointError::NotHttps),
            ("https://127.0.0.1/x", EndpointError::NotPublic),
            ("https://localhost:8443/x", EndpointError::NotPublic),
            ("https://10.1.2.3/x", EndpointError::NotPublic),
            ("https://192.168.0.10/x", EndpointError::NotPublic),
            (
                "https://169.254.169.254/latest/meta-data",
                EndpointError::NotPublic,
            ),
            ("https://100.64.0.1/x", EndpointError::NotPublic),
            ("https://[::1]/x", EndpointError::NotPublic),
            ("https://[fd00::1]/x", EndpointError::NotPublic),
            ("https://[::ffff:127.0.0.1]/x", EndpointError::NotPublic),
            ("https://user@127.0.0.1/x", EndpointError::NotPublic),
            ("https://printer.local/x", EndpointError::NotPublic),
        ] {
            assert_eq!(check_endpoint(bad, false), Err(why), "{bad}");
        }
        assert_eq!(check_endpoint("http://127.0.0.1:5000/push", true), Ok(()));
        assert_eq!(
            check_endpoint(&format!("https://x.org/{}", "a".repeat(1000)), false),
            Err(EndpointError::NotHttps)
        );
    }
}
