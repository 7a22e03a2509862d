//! Bilingual texts. German is the portal's first language and always present; English is
//! optional per text, and a missing translation falls back to German *and says so*, so the
//! page can mark the passage with `lang="de"` for screen readers.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Whether `s` holds characters no citizen types and no XML document may carry: C0 control
/// characters (line breaks and tabs are allowed where `multiline`), DEL and C1 controls.
/// Texts with them are refused at input, so they never reach a hand-over or a PDF.
pub fn has_control(s: &str, multiline: bool) -> bool {
    s.chars()
        .any(|c| c.is_control() && !(multiline && matches!(c, '\n' | '\r' | '\t')))
}

/// A UI language of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    De,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::De, Lang::En];

    pub fn code(self) -> &'static str {
        match self {
            Lang::De => "de",
            Lang::En => "en",
        }
    }

    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "de" => Some(Lang::De),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// A text in German with an optional English translation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// German text (required).
    #[schemars(length(min = 1))]
    pub de: String,
    /// English text (optional; German is shown, marked as German, where it is missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub en: Option<String>,
}

impl Text {
    pub fn de(s: impl Into<String>) -> Self {
        Text {
            de: s.into(),
            en: None,
        }
    }

    /// The text in `lang`, and the language it is actually in.
    pub fn get(&self, lang: Lang) -> (&str, Lang) {
        match (lang, &self.en) {
            (Lang::En, Some(en)) => (en, Lang::En),
            _ => (&self.de, Lang::De),
        }
    }

    /// Both languages, for search indexing.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.de.as_str()).chain(self.en.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_is_reported() {
        let t = Text::de("Hund");
        assert_eq!(t.get(Lang::En), ("Hund", Lang::De));
        let t = Text {
            de: "Hund".into(),
            en: Some("Dog".into()),
        };
        assert_eq!(t.get(Lang::En), ("Dog", Lang::En));
        assert_eq!(t.get(Lang::De), ("Hund", Lang::De));
    }
}

#[cfg(test)]
mod control_tests {
    use super::has_control;

    #[test]
    fn control_characters() {
        assert!(!has_control("Müller-Lüdenscheidt 7a", false));
        assert!(has_control("a\u{0}b", false));
        assert!(has_control("a\u{1b}b", true));
        assert!(has_control("a\u{7f}", true));
        assert!(has_control("a\u{85}", true), "C1 controls too");
        assert!(has_control("a\nb", false));
        assert!(!has_control("a\r\nb\tc", true));
    }
}
