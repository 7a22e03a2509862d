//! Newtype identifiers. Every id is a lowercase slug (`a-z`, `0-9`, `-`), so it is safe in
//! URLs, file names and SQL without escaping; the slug rule is enforced by the definition
//! schema and again by [`is_slug`] wherever ids come from outside.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::fmt;

/// True if `s` is a valid id: 1–64 chars of `a-z`, `0-9` and inner `-`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && !s.starts_with('-')
        && !s.ends_with('-')
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Ids that cannot be tenant ids because the portal's own top-level routes use them.
pub const RESERVED_TENANT_IDS: &[&str] = &[
    "static", "sprache", "admin", "api", "healthz", "readyz", "metrics",
];

/// The JSON Schema pattern equivalent of [`is_slug`].
pub const SLUG_PATTERN: &str = "^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$";

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(transparent)]
        pub struct $name(#[schemars(regex(pattern = SLUG_PATTERN))] String);

        impl $name {
            /// Wraps `s` if it is a valid slug.
            pub fn parse(s: &str) -> Option<Self> {
                is_slug(s).then(|| Self(s.to_owned()))
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        // Ids compare, hash and order exactly like their string, so maps keyed by id can
        // be queried with a `&str` taken from a URL.
        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

slug_id!(
    /// A tenant: one municipality (Stadt, Gemeinde) or district (Kreis).
    TenantId
);
slug_id!(
    /// An office (Amt) of a tenant; unique within its tenant.
    OfficeId
);
slug_id!(
    /// A service (Leistung); unique within its tenant.
    ServiceId
);
slug_id!(
    /// A catalogue topic, portal-wide.
    TopicId
);
slug_id!(
    /// A life situation (Lebenslage), portal-wide.
    LifeSituationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("kreis-soest"));
        assert!(is_slug("a"));
        assert!(!is_slug(""));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a-"));
        assert!(!is_slug("Kreis"));
        assert!(!is_slug("a/b"));
        assert!(!is_slug(&"a".repeat(65)));
        assert!(TenantId::parse("../etc").is_none());
    }
}
