//! The catalogue as a visitor sees it, over HTTP, on both storage engines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{decode_html as decode, local_links, Backend, TestApp};
use std::collections::{BTreeSet, VecDeque};

/// Visits every page reachable from `/` (in the given language) and checks each one.
async fn crawl(app: &TestApp, accept: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["/".to_string()]);
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) || path.starts_with("/sprache/") {
            continue;
        }
        let res = app.get_lang(&path, accept).await;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap();
        assert!(status == 200 || status == 308, "GET {path} → {status}");
        let ctype = headers
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(
            headers.get("x-content-type-options").is_some(),
            "{path}: nosniff missing"
        );
        if !ctype.starts_with("text/html") {
            continue;
        }
        let lang = if accept.starts_with("en") { "en" } else { "de" };
        assert!(
            body.contains(&format!("<html lang=\"{lang}\">")),
            "{path}: wrong or missing lang"
        );
        assert_eq!(body.matches("<h1").count(), 1, "{path}: exactly one h1");
        assert!(
            body.contains("<title>") && body.contains("<main id=\"inhalt\""),
            "{path}: title/main"
        );
        assert!(
            !body.contains("<script"),
            "{path}: pages must work without JavaScript"
        );
        assert!(
            !body.contains(" style=\""),
            "{path}: no inline styles (CSP)"
        );
        assert!(
            body.contains("class=\"demo-banner\""),
            "{path}: demo data must be marked"
        );
        for link in local_links(&decode(&body)) {
            let link = link.split('#').next().unwrap().to_owned();
            if !link.is_empty() && !seen.contains(&link) {
                queue.push_back(link);
            }
        }
    }
    seen
}

both_backends! {
    async fn every_page_works_in_both_languages(b: Backend) {
        let app = TestApp::start(b).await;
        let de = crawl(&app, "de-DE,de;q=0.9").await;
        // 4 tenants × (home, A–Z, topics, situations, offices, search, 3 legal) + services + …
        assert!(de.len() > 100, "only {} pages reachable", de.len());
        for must in ["/solingen", "/soest", "/kreis-soest", "/kreis-paderborn",
                     "/solingen/leistungen/einbuergerung", "/solingen/leistungen/einbuergerung/leichte-sprache",
                     "/soest/leistungen/reitkennzeichen", "/soest/themen/tiere", "/soest/lebenslagen/umzug",
                     "/solingen/aemter/auslaenderbehoerde", "/soest/barrierefreiheit"] {
            assert!(de.contains(must), "{must} not reachable by links");
        }
        let en = crawl(&app, "en-GB,en;q=0.9").await;
        assert_eq!(de.len(), en.len());
    }
}

both_backends! {
    async fn service_page_has_every_section(b: Backend) {
        let app = TestApp::start(b).await;
        let html = decode(&app.page("/solingen/leistungen/einbuergerung").await);
        for part in ["Einbürgerung", "Worum geht es?", "Wer kann den Antrag stellen?",
                     "Welche Unterlagen brauchen Sie?", "Was kostet es?", "255,00\u{a0}€",
                     "Wie lange dauert es?", "bis zu 180 Tage", "Online erledigen", "Zuständige Stelle",
                     "Ausländerbehörde", "Rechtsgrundlagen", "§ 10 Staatsangehörigkeitsgesetz",
                     "99099002000000", "Diese Seite in Leichter Sprache", "Teilweise online"] {
            assert!(html.contains(part), "missing {part:?}");
        }
        let en = decode(&app.page("/solingen/leistungen/einbuergerung?lang=en").await);
        for part in ["Naturalisation", "Who can apply?", "€255.00", "What does it cost?"] {
            assert!(en.contains(part), "missing {part:?} in English");
        }
        let easy = decode(&app.page("/solingen/leistungen/einbuergerung/leichte-sprache").await);
        assert!(easy.contains("Einbürgerung – in Leichter Sprache"));
        assert!(easy.contains("Sie stellen einen Antrag im Internet."));
    }
}

fn result_titles(html: &str) -> Vec<String> {
    let html = decode(html);
    html.split("class=\"card-title\"")
        .skip(1)
        .filter_map(|s| {
            let s = &s[s.find("<a href=")?..];
            let start = s.find('>')? + 1;
            Some(s[start..start + s[start..].find('<')?].to_owned())
        })
        .collect()
}

both_backends! {
    async fn search_folds_umlauts_and_knows_synonyms(b: Backend) {
        let app = TestApp::start(b).await;
        for q in ["einburgerung", "Einbuergerung", "EINBÜRGERUNG", "einbürgerung"] {
            let html = app.page(&format!("/solingen/suche?q={}", crate::support::encode(q))).await;
            let titles = result_titles(&html);
            assert_eq!(titles.first().map(String::as_str), Some("Einbürgerung"), "{q}: {titles:?}");
        }
        let titles = result_titles(&app.page("/soest/suche?q=Hundesteuer").await);
        assert_eq!(titles.first().map(String::as_str), Some("Hund anmelden (Hundesteuer)"), "{titles:?}");
        // A word that only the definition's `synonyms` contain.
        let titles = result_titles(&app.page("/solingen/suche?q=Arbeitserlaubnis").await);
        assert_eq!(titles.first().map(String::as_str), Some("Beschäftigungserlaubnis"), "{titles:?}");
        // The Kreis service is found in the Stadt portal and names the Kreis.
        let html = decode(&app.page("/soest/suche?q=reitkennzeichen").await);
        assert!(html.contains("/soest/leistungen/reitkennzeichen"), "{html}");
        assert!(html.contains("Zuständig: Kreis Soest"));
        // Nothing found: a helpful message, not an empty page.
        let html = decode(&app.page("/soest/suche?q=xylophonunterricht").await);
        assert!(html.contains("Keine Ergebnisse für „xylophonunterricht“"));
        assert!(html.contains("/soest/themen/"));
        // Every word must match.
        let titles = result_titles(&app.page("/soest/suche?q=hund+abmelden").await);
        assert!(!titles.is_empty() && titles.iter().all(|t| t.contains("Hund")), "{titles:?}");
    }
}

both_backends! {
    async fn search_input_is_escaped_and_bounded(b: Backend) {
        let app = TestApp::start(b).await;
        let html = app.page("/soest/suche?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
        assert!(!html.contains("<script>alert(1)"));
        assert!(html.contains("&lt;script&gt;"));
        let long = "a".repeat(500);
        let html = decode(&app.page(&format!("/soest/suche?q={long}")).await);
        assert!(html.contains("länger als 200 Zeichen"));
        // The search ran on the first 200 characters, and the field shows what was searched.
        assert!(html.contains(&format!("value=\"{}\"", "a".repeat(200))));
        assert!(html.contains(&format!("„{}“", "a".repeat(200))));
    }
}

both_backends! {
    async fn kreis_service_inside_stadt_portal(b: Backend) {
        let app = TestApp::start(b).await;
        let html = decode(&app.page("/soest/leistungen/reitkennzeichen").await);
        assert!(html.contains("Diese Leistung bietet Kreis Soest an."), "{html}");
        assert!(html.contains("href=\"/kreis-soest/aemter/"), "office link goes to the Kreis");
        // And the Kreis offers it itself.
        app.page("/kreis-soest/leistungen/reitkennzeichen").await;
        // Stadt Soest lists it among its services; other tenants do not.
        assert!(decode(&app.page("/soest/leistungen").await).contains("/soest/leistungen/reitkennzeichen"));
        assert_eq!(app.get("/solingen/leistungen/reitkennzeichen").await.status(), 404);
    }
}

both_backends! {
    async fn language_choice(b: Backend) {
        let app = TestApp::start(b).await;
        assert!(app.page("/soest").await.contains("<html lang=\"de\">"), "German by default");
        let res = app.get_lang("/soest", "en-US,en;q=0.8").await;
        assert_eq!(res.headers()["content-language"], "en");
        // The switch is a plain link that sets a cookie and returns to the page.
        let res = app.get("/sprache/en?zurueck=/soest/suche%3Fq%3Dhund").await;
        assert_eq!(res.status(), 303);
        assert_eq!(res.headers()["location"], "/soest/suche?q=hund");
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("lang=en") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        let res = app.http.get(app.url("/soest")).header("cookie", "lang=en").send().await.unwrap();
        assert!(res.text().await.unwrap().contains("<html lang=\"en\">"));
        // No open redirects.
        let res = app.get("/sprache/de?zurueck=//evil.example/x").await;
        assert_eq!(res.headers()["location"], "/");
        let res = app.get("/sprache/de?zurueck=https://evil.example/").await;
        assert_eq!(res.headers()["location"], "/");
        // Untranslated text is marked as German inside an English page.
        let html = app.page("/soest?lang=en").await;
        assert!(html.contains("<html lang=\"en\">"));
    }
}

both_backends! {
    async fn unknown_pages_are_friendly_404s(b: Backend) {
        let app = TestApp::start(b).await;
        for path in ["/nirgendwo", "/soest/gibtsnicht", "/soest/leistungen/gibtsnicht", "/soest/themen/gibtsnicht",
                     "/soest/aemter/gibtsnicht", "/soest/leistungen/..%2F..%2Fetc"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 404, "{path}");
            let html = decode(&res.text().await.unwrap());
            assert!(html.contains("Seite nicht gefunden"), "{path}");
        }
        let html = decode(&app.get("/soest/gibtsnicht").await.text().await.unwrap());
        assert!(html.contains("action=\"/soest/suche\""), "tenant 404 offers the tenant's search");
    }
}

both_backends! {
    async fn page_cache_is_invisible(b: Backend) {
        let cached = TestApp::start(b).await;
        let uncached = TestApp::start_with(crate::support::Options::new(b).env("RATHAUS_PAGE_CACHE_BYTES", "0")).await;
        for path in ["/soest/leistungen/hundeanmeldung", "/solingen/suche?q=einbuergerung", "/kreis-soest"] {
            let first = cached.page(path).await;
            let again = cached.page(path).await;
            assert_eq!(first, again, "{path}");
            assert_eq!(first, uncached.page(path).await, "{path}: cached and uncached differ");
            // The language is part of the key: German and English never mix.
            let en = cached.http.get(cached.url(path)).header("cookie", "lang=en").send().await.unwrap();
            assert_eq!(en.headers()["content-language"], "en");
            assert!(en.text().await.unwrap().contains("<html lang=\"en\">"));
            assert!(cached.page(path).await.contains("<html lang=\"de\">"));
        }
        // Cached responses keep the security headers and page headers.
        let res = cached.get("/soest/leistungen/hundeanmeldung").await;
        assert!(res.headers().contains_key("content-security-policy"));
        assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
        assert_eq!(res.headers()["vary"], "Cookie, Accept-Language");
    }
}
