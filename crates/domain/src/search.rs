//! Catalogue search: tolerant of case, umlauts and their ASCII spellings.
//!
//! Every word is folded two ways: *A* maps umlauts to their base vowel ("Einbürgerung" →
//! "einburgerung", "Feuer" stays "feuer"); *B* writes umlauts as ae/oe/ue and then folds
//! every ae/oe/ue to its first letter ("Einbuergerung" and "Einbürgerung" → "einburgerung",
//! "Feuer" → "fer"), so a word and its ASCII spelling always share their B form. A query word matches an
//! indexed word if their A forms or their B forms match, so "einburgerung",
//! "Einbuergerung" and "Einbürgerung" all find the same service, while a half-typed
//! "Feu" still finds "Feuerwehr" through the A forms.

use unicode_normalization::UnicodeNormalization;

/// A word in both folded forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub a: String,
    pub b: String,
}

/// Lowercases, maps ß to ss, strips diacritics other than umlauts (é → e), and writes
/// umlauts either as their base vowel (`expand == false`) or as ae/oe/ue.
fn fold_chars(word: &str, expand: bool) -> String {
    let mut out = String::with_capacity(word.len() + 4);
    for c in word.chars().flat_map(char::to_lowercase) {
        match (c, expand) {
            ('ä', false) => out.push('a'),
            ('ö', false) => out.push('o'),
            ('ü', false) => out.push('u'),
            ('ä', true) => out.push_str("ae"),
            ('ö', true) => out.push_str("oe"),
            ('ü', true) => out.push_str("ue"),
            ('ß', _) => out.push_str("ss"),
            (c, _) if c.is_ascii() => out.push(c),
            (c, _) => {
                for d in c.to_string().nfd() {
                    if !('\u{300}'..='\u{36f}').contains(&d) {
                        out.push(d);
                    }
                }
            }
        }
    }
    out
}

pub fn fold_word(word: &str) -> Folded {
    let a = fold_chars(word, false);
    // The patterns share their second letter and differ in the first, so replacing one
    // after the other equals replacing all at once.
    let b = fold_chars(word, true)
        .replace("ae", "a")
        .replace("oe", "o")
        .replace("ue", "u");
    Folded { a, b }
}

/// Words too common to narrow a search.
const STOP_WORDS: &[&str] = &[
    "und", "oder", "fur", "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "mit",
    "von", "zu", "zum", "zur", "im", "in", "am", "an", "auf", "ich", "mein", "meine", "the", "a",
    "an", "of", "for", "and", "to", "my", "i",
];

/// Splits text into folded words (letters and digits), dropping nothing.
pub fn words(text: &str) -> Vec<Folded> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold_word)
        .collect()
}

/// Folded query words with stop words removed (unless nothing else is left).
pub fn query_words(query: &str) -> Vec<Folded> {
    let all = words(query);
    let meaningful: Vec<Folded> = all
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.a.as_str()))
        .cloned()
        .collect();
    if meaningful.is_empty() {
        all
    } else {
        meaningful
    }
}

/// How well query word `q` matches indexed word `t` (the reference semantics of
/// [`SearchDoc`], which computes the same over its compact strings): 2 for a prefix, 1 for an inner
/// part of a compound (at least 3 letters), 0 for no match.
pub fn word_match(q: &Folded, t: &Folded) -> u32 {
    if t.a.starts_with(&q.a) || t.b.starts_with(&q.b) {
        2
    } else if q.a.chars().count() >= 3 && (t.a.contains(&q.a) || t.b.contains(&q.b)) {
        1
    } else {
        0
    }
}

/// The searchable words of one document, grouped by how much a hit in them weighs.
///
/// Each field keeps its distinct words in both folded forms, each form as one string with
/// every word preceded by a space (" einburgerung staats…"): a prefix match is a search for
/// " " + query word, an inner match a plain substring search. One allocation per field and
/// form keeps 1,000 services small in memory and fast to scan.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc {
    fields: Vec<(u32, String, String)>,
}

impl SearchDoc {
    pub fn add(&mut self, weight: u32, text: &str) {
        let mut seen = std::collections::HashSet::new();
        let (mut a, mut b) = (String::new(), String::new());
        for w in words(text) {
            // Both forms: two words can share form A and still differ in form B ("äe", "ae").
            if seen.insert((w.a.clone(), w.b.clone())) {
                a.push(' ');
                a.push_str(&w.a);
                b.push(' ');
                b.push_str(&w.b);
            }
        }
        if !a.is_empty() {
            a.shrink_to_fit();
            b.shrink_to_fit();
            self.fields.push((weight, a, b));
        }
    }

    /// Score of the query against this document; `None` unless every query word matches.
    pub fn score(&self, query: &[Folded]) -> Option<u32> {
        self.score_prepared(&Prepared::new(query))
    }

    /// As [`SearchDoc::score`], with the query prepared once for many documents.
    pub fn score_prepared(&self, query: &Prepared) -> Option<u32> {
        if query.words.is_empty() {
            return None;
        }
        let mut total = 0;
        for q in &query.words {
            let mut best = 0;
            for (weight, a, b) in &self.fields {
                let m = if a.contains(&q.space_a) || b.contains(&q.space_b) {
                    2
                } else if q.inner && (a.contains(&q.a) || b.contains(&q.b)) {
                    1
                } else {
                    0
                };
                best = best.max(weight * m);
            }
            if best == 0 {
                return None;
            }
            total += best;
        }
        Some(total)
    }
}

/// A query, folded and with the patterns for prefix and inner matches built once.
#[derive(Debug, Clone)]
pub struct Prepared {
    words: Vec<PreparedWord>,
}

#[derive(Debug, Clone)]
struct PreparedWord {
    a: String,
    b: String,
    space_a: String,
    space_b: String,
    /// Inner parts of compounds count from three letters on.
    inner: bool,
}

impl Prepared {
    pub fn new(query: &[Folded]) -> Prepared {
        Prepared {
            words: query
                .iter()
                .map(|q| PreparedWord {
                    space_a: format!(" {}", q.a),
                    space_b: format!(" {}", q.b),
                    inner: q.a.chars().count() >= 3,
                    a: q.a.clone(),
                    b: q.b.clone(),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn doc(text: &str) -> SearchDoc {
        let mut d = SearchDoc::default();
        d.add(1, text);
        d
    }

    #[test]
    fn umlauts_and_case() {
        let d = doc("Einbürgerung");
        for q in [
            "einburgerung",
            "Einbuergerung",
            "EINBÜRGERUNG",
            "einbür",
            "einbue",
            "bürger",
        ] {
            assert!(d.score(&query_words(q)).is_some(), "{q}");
        }
        assert!(d.score(&query_words("hund")).is_none());
        assert!(doc("Feuerwehr").score(&query_words("Feu")).is_some());
        assert!(doc("Straße").score(&query_words("strasse")).is_some());
        assert!(doc("Café").score(&query_words("cafe")).is_some());
    }

    #[test]
    fn every_word_must_match() {
        let d = doc("Hundeanmeldung Hundesteuer");
        assert!(d.score(&query_words("hund steuer")).is_some());
        assert!(d.score(&query_words("hund katze")).is_none());
        assert!(d.score(&query_words("Anmeldung für Hunde")).is_some());
        assert!(d.score(&query_words("")).is_none());
    }

    #[test]
    fn prefix_beats_inner_part() {
        let q = query_words("steuer");
        assert!(doc("Steuer").score(&q) > doc("Hundesteuer").score(&q));
    }

    #[test]
    fn compact_index_matches_reference_on_tricky_words() {
        for (text, query) in [
            ("äe ae", "aee"),
            ("ae äe", "ae"),
            ("Straße", "strasse"),
            ("Hüte Huete", "hue"),
        ] {
            let q = query_words(query);
            let reference = q.iter().try_fold(0, |acc, qw| {
                let best = words(text)
                    .iter()
                    .map(|t| word_match(qw, t))
                    .max()
                    .unwrap_or(0);
                (best > 0).then_some(acc + best)
            });
            assert_eq!(doc(text).score(&q), reference, "{text} / {query}");
        }
    }

    fn with_umlauts() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('ä'),
                Just('ö'),
                Just('ü'),
                Just('ß'),
                proptest::char::range('a', 'z')
            ],
            1..16,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    proptest! {
        /// Writing umlauts as ae/oe/ue/ss, or in capitals, never loses a hit.
        #[test]
        fn ascii_spelling_finds_umlaut_word(word in with_umlauts()) {
            let ascii: String = word.chars().map(|c| match c {
                'ä' => "ae".to_string(), 'ö' => "oe".to_string(),
                'ü' => "ue".to_string(), 'ß' => "ss".to_string(), c => c.to_string(),
            }).collect();
            let d = doc(&word);
            prop_assert!(d.score(&query_words(&ascii)).is_some());
            prop_assert!(d.score(&query_words(&word.to_uppercase())).is_some());
            prop_assert!(d.score(&query_words(&word)).is_some());
        }

        /// Folding is idempotent.
        #[test]
        fn folding_is_stable(word in "\\PC{0,20}") {
            let once = fold_word(&word);
            let twice = fold_word(&once.a);
            prop_assert_eq!(&once.a, &twice.a);
        }

        /// The compact index scores exactly like matching word by word.
        #[test]
        fn compact_index_matches_reference(
            text in proptest::collection::vec(with_umlauts(), 1..8),
            query in proptest::collection::vec(with_umlauts(), 1..3),
        ) {
            let text = text.join(" ");
            let q = query_words(&query.join(" "));
            let indexed = words(&text);
            let reference: Option<u32> = q.iter().try_fold(0, |acc, qw| {
                let best = indexed.iter().map(|t| word_match(qw, t)).max().unwrap_or(0);
                (best > 0).then_some(acc + best)
            });
            let reference = if q.is_empty() { None } else { reference };
            prop_assert_eq!(doc(&text).score(&q), reference);
        }

        /// Any prefix of an indexed word finds it.
        #[test]
        fn prefixes_match(word in with_umlauts(), cut in 1usize..16) {
            let prefix: String = word.chars().take(cut).collect();
            prop_assert!(doc(&word).score(&query_words(&prefix)).is_some());
        }
    }
}
