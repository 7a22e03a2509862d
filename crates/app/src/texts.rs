//! The portal's words in Fluent, for every face: pages, mails, PDFs. The messages live
//! in `assets/locales/{de,en}.ftl`; a tenant may override any of them in
//! `<tenant>/locales/{de,en}.ftl`. Numbers are passed as numbers, so Fluent's plural rules
//! of each language apply ("1 Tag", "3 Tage").

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use rathaus_defs::Diagnostic;
use rathaus_domain::form::Message;
use rathaus_domain::Lang;
use std::sync::Arc;

static DE: &str = include_str!("../../../assets/locales/de.ftl");
static EN: &str = include_str!("../../../assets/locales/en.ftl");

type Bundle = FluentBundle<FluentResource>;

/// The message bundles of one tenant (or of the portal), one per language.
pub struct Messages {
    bundles: [Bundle; 2],
}

impl std::fmt::Debug for Messages {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Messages")
    }
}

/// Parses Fluent source; errors name file, line and column.
fn parse(display: &str, source: &str) -> Result<FluentResource, Vec<Diagnostic>> {
    FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| {
        errors
            .into_iter()
            .map(|e| {
                let (line, column) = line_col(source, e.pos.start);
                Diagnostic::new(
                    display,
                    line,
                    column,
                    format!("invalid Fluent message: {}", e.kind),
                )
            })
            .collect()
    })
}

/// 1-based line and column of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let before = &source[..offset.min(source.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    (line, column)
}

fn bundle(
    lang: Lang,
    base: &str,
    base_name: &str,
    overrides: Option<&(String, String)>,
) -> Result<Bundle, Vec<Diagnostic>> {
    let id: unic_langid::LanguageIdentifier = lang.code().parse().unwrap_or_default();
    let mut b = FluentBundle::new_concurrent(vec![id]);
    // No Unicode isolation marks: our arguments are plain text inside HTML.
    b.set_use_isolating(false);
    b.add_resource(parse(base_name, base)?).map_err(|errs| {
        vec![Diagnostic::file(
            base_name,
            format!("duplicate messages: {}", errs.len()),
        )]
    })?;
    if let Some((display, src)) = overrides {
        b.add_resource_overriding(parse(display, src)?);
    }
    Ok(b)
}

impl Messages {
    /// The portal's own messages, optionally overridden per language.
    pub fn new(
        de: Option<&(String, String)>,
        en: Option<&(String, String)>,
    ) -> Result<Arc<Messages>, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let de = bundle(Lang::De, DE, "assets/locales/de.ftl", de).map_err(|d| diags.extend(d));
        let en = bundle(Lang::En, EN, "assets/locales/en.ftl", en).map_err(|d| diags.extend(d));
        match (de, en) {
            (Ok(de), Ok(en)) => Ok(Arc::new(Messages { bundles: [de, en] })),
            _ => Err(diags),
        }
    }

    /// The message `key` in `lang`, with arguments; the key itself if it does not exist.
    pub fn get(&self, lang: Lang, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let bundle = &self.bundles[lang as usize];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, lang = lang.code(), "missing translation");
            return key.to_owned();
        };
        let mut errors = Vec::new();
        let text = bundle.format_pattern(pattern, args, &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "translation formatting problem");
        }
        text.into_owned()
    }

    /// Whether `key` exists in `lang`.
    pub fn has(&self, lang: Lang, key: &str) -> bool {
        self.bundles[lang as usize].has_message(key)
    }
}

/// The messages of one tenant in one language: what every text of a page, mail or PDF
/// is made with.
#[derive(Clone, Copy)]
pub struct Words<'a> {
    pub messages: &'a Messages,
    pub lang: Lang,
}

impl Words<'_> {
    /// An application status in words.
    pub fn status(&self, status: rathaus_domain::ApplicationStatus) -> String {
        self.get(&format!("status-{}", status.as_str().replace('_', "-")))
    }

    /// The message `key` without arguments.
    pub fn get(&self, key: &str) -> String {
        self.messages.get(self.lang, key, None)
    }

    /// The message `key` with arguments.
    pub fn with(&self, key: &str, args: &FluentArgs<'_>) -> String {
        self.messages.get(self.lang, key, Some(args))
    }

    /// A message of the domain (a field error, an eligibility verdict): a text of the
    /// definition, or a key with arguments.
    pub fn text(&self, m: &Message) -> String {
        match m {
            Message::Custom(t) => t.get(self.lang).0.to_owned(),
            Message::Key(k, args) => {
                let mut fa = FluentArgs::new();
                for (n, v) in args {
                    // Whole numbers as numbers, so that the plural rules apply.
                    match v.parse::<i64>() {
                        Ok(i) if i.to_string() == *v => fa.set(*n, i),
                        _ => fa.set(*n, v.clone()),
                    }
                }
                self.messages.get(self.lang, k, Some(&fa))
            }
        }
    }

    /// An amount of money in this language ("12,50 €" / "€12.50").
    pub fn money(&self, cents: i64) -> String {
        money(cents, self.lang)
    }
}

/// An amount of money in `lang`; negative amounts are shown as zero.
pub fn money(cents: i64, lang: Lang) -> String {
    let c = u64::try_from(cents).unwrap_or(0);
    match lang {
        Lang::De => rathaus_domain::service::format_eur_de(c),
        Lang::En => rathaus_domain::service::format_eur_en(c),
    }
}

/// A Fluent argument from a number (plural rules apply) or from text.
pub fn number_or_text(v: &str) -> FluentValue<'static> {
    match v.parse::<i64>() {
        Ok(i) if i.to_string() == v => FluentValue::from(i),
        _ => FluentValue::from(v.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_the_same_keys() {
        let keys = |src: &str| -> Vec<String> {
            src.lines()
                .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim().to_owned()))
                .filter(|k| {
                    !k.is_empty()
                        && !k.starts_with('#')
                        && !k.starts_with(' ')
                        && !k.starts_with('.')
                })
                .collect()
        };
        let (de, en) = (keys(DE), keys(EN));
        let missing_en: Vec<_> = de.iter().filter(|k| !en.contains(k)).collect();
        let missing_de: Vec<_> = en.iter().filter(|k| !de.contains(k)).collect();
        assert!(missing_en.is_empty(), "missing in en.ftl: {missing_en:?}");
        assert!(missing_de.is_empty(), "missing in de.ftl: {missing_de:?}");
    }

    #[test]
    fn overrides_and_errors() {
        let over = (
            "t/locales/de.ftl".to_owned(),
            "site-tagline = Anders\n".to_owned(),
        );
        let m = Messages::new(Some(&over), None).map_err(|d| d[0].to_string());
        let Ok(m) = m else { panic!("{m:?}") };
        assert_eq!(m.get(Lang::De, "site-tagline", None), "Anders");
        assert_ne!(m.get(Lang::En, "site-tagline", None), "Anders");
        let bad = (
            "t/locales/en.ftl".to_owned(),
            "ok = fine\nbroken = { $x\n".to_owned(),
        );
        let Err(d) = Messages::new(None, Some(&bad)) else {
            panic!("accepted broken ftl")
        };
        assert_eq!(d[0].file, "t/locales/en.ftl");
        // The unclosed placeable on line 2 is noticed where the input ends (line 3).
        assert_eq!((d[0].line, d[0].column), (3, 1));
        assert!(
            d[0].message.starts_with("invalid Fluent message"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn numbers_take_the_plural_of_their_language() {
        let m = Messages::new(None, None).unwrap_or_else(|d| panic!("{d:?}"));
        let days = |lang: Lang, key: &str, n: i64| {
            let mut a = FluentArgs::new();
            a.set("days", n);
            a.set("reference", "X");
            a.set("service", "S");
            a.set("authority", "A");
            a.set("date", "D");
            m.get(lang, key, Some(&a))
        };
        let de = days(Lang::De, "apply-receipt-next-text", 1);
        assert!(de.contains("innerhalb eines Tages."), "{de}");
        assert!(days(Lang::De, "apply-receipt-next-text", 14).contains("innerhalb von 14 Tagen."));
        assert!(days(Lang::En, "apply-receipt-next-text", 1).contains("within one day."));
        assert!(days(Lang::En, "apply-receipt-next-text", 3).contains("within 3 days."));
        assert!(days(Lang::De, "mail-receipt-body", 1).contains("in der Regel einen Tag."));
        assert!(days(Lang::De, "mail-receipt-body", 30).contains("bis zu 30 Tage."));
        assert!(days(Lang::En, "mail-receipt-body", 1).contains("takes one day."));
        let mut a = FluentArgs::new();
        a.set("min", 1);
        let one = m.get(Lang::De, "error-group-min", Some(&a));
        assert_eq!(one, "Bitte geben Sie mindestens einen Eintrag an.");
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncä d", 6), (2, 3));
        assert_eq!(line_col("x", 0), (1, 1));
    }
}
