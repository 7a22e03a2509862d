//! Browser tests: Debian's Chromium, headless, through chromedriver (WebDriver). axe-core
//! runs on every page type and state; any WCAG 2.1 A/AA violation fails. Also: keyboard
//! only, a phone-sized window, and JavaScript switched off.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::support::{workspace_root, Backend, TestApp};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

pub(crate) const TAB: &str = "\u{E004}";
pub(crate) const ENTER: &str = "\u{E007}";

/// One Chromium at a time: two cores cannot run more without flaky timeouts.
pub(crate) fn browser_lock() -> &'static tokio::sync::Mutex<()> {
    static LOCK: OnceLock<tokio::sync::Mutex<()>> = OnceLock::new();
    LOCK.get_or_init(|| tokio::sync::Mutex::new(()))
}

pub(crate) struct Browser {
    pub(crate) client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

pub(crate) fn axe_source() -> String {
    let path = std::env::var("RATHAUS_TEST_AXE_JS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| {
            workspace_root().join("tests/browser/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}); run scripts/test, which installs it",
            path.display()
        )
    })
}

pub(crate) async fn browser(javascript: bool, width: u32, height: u32) -> Browser {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver_bin =
        std::env::var("RATHAUS_TEST_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
    let driver = Command::new(&driver_bin)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {driver_bin} ({e}); run scripts/test, which installs chromium-driver"
            )
        });
    let profile = tempfile::tempdir().unwrap();
    let mut prefs = json!({ "intl.accept_languages": "de-DE,de" });
    if !javascript {
        prefs["profile.managed_default_content_settings.javascript"] = json!(2);
    }
    let caps = json!({
        "goog:chromeOptions": {
            "binary": std::env::var("RATHAUS_TEST_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-extensions", "--lang=de-DE",
                format!("--window-size={width},{height}"),
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": prefs,
        }
    });
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let url = format!("http://127.0.0.1:{port}");
    let mut last_err = String::new();
    for _ in 0..100 {
        match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Browser {
                    client,
                    driver,
                    _profile: profile,
                }
            }
            Err(e) => last_err = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not start a browser session: {last_err}");
}

/// Runs axe-core on the loaded page; returns readable violations.
pub(crate) async fn axe(c: &Client, axe_js: &str) -> Vec<String> {
    c.execute(&format!("{axe_js}\n;return true;"), vec![])
        .await
        .unwrap();
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
          .then(r => done(r.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)))
          .catch(e => done(['axe failed: ' + e]));
    "#;
    let res = c.execute_async(script, vec![]).await.unwrap();
    res.as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

/// Runs axe-core on the loaded page and records any violation under `what`.
pub(crate) async fn audit(c: &Client, axe_js: &str, what: String, failures: &mut Vec<String>) {
    let v = axe(c, axe_js).await;
    if !v.is_empty() {
        failures.push(format!("{what}: {v:?}"));
    }
}

/// The harness itself: axe must report a known violation, or the other tests prove nothing.
#[tokio::test]
async fn axe_harness_detects_violations() {
    let _lock = browser_lock().lock().await;
    let axe_js = axe_source();
    let b = browser(true, 800, 600).await;
    b.client
        .goto("data:text/html,<html><head><title>x</title></head><body><main><img src='x.png'></main></body></html>")
        .await
        .unwrap();
    let v = axe(&b.client, &axe_js).await;
    let _ = b.client.clone().close().await;
    assert!(v.iter().any(|x| x.starts_with("html-has-lang")), "{v:?}");
    assert!(v.iter().any(|x| x.starts_with("image-alt")), "{v:?}");
}

/// Every page type and state of the catalogue, in German and English, on SQLite.
#[tokio::test]
async fn axe_finds_no_violation_on_any_page() {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let mut pages: Vec<String> = vec![
        "/",
        "/soest",
        "/solingen",
        "/kreis-soest",
        "/kreis-paderborn",
        "/soest/leistungen",
        "/soest/themen",
        "/soest/themen/tiere",
        "/soest/lebenslagen",
        "/soest/lebenslagen/umzug",
        "/soest/aemter",
        "/soest/aemter/steueramt",
        "/soest/suche",
        "/soest/suche?q=hund",
        "/soest/suche?q=xylophon",
        "/soest/impressum",
        "/soest/datenschutz",
        "/soest/barrierefreiheit",
        "/soest/gibtsnicht",
        "/nirgendwo",
        "/api/v1/reference",
        "/solingen/zahlung/zurueck-zur-app",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    pages.push(format!("/soest/suche?q={}", "a".repeat(300)));
    // Every service page and its Leichte-Sprache version.
    let site: Vec<String> = {
        let mut v = Vec::new();
        for t in ["solingen", "soest", "kreis-soest", "kreis-paderborn"] {
            let html = app
                .page(&format!("/{t}/leistungen"))
                .await
                .replace("&#x2f;", "/");
            for href in crate::support::local_links(&html) {
                if href.starts_with(&format!("/{t}/leistungen/")) && !v.contains(&href) {
                    v.push(href.clone());
                    v.push(format!("{href}/leichte-sprache"));
                }
            }
        }
        v
    };
    assert!(site.len() >= 40, "{site:?}");
    pages.extend(site);
    let english: Vec<String> = pages
        .iter()
        .take(23)
        .map(|p| {
            if p.contains('?') {
                format!("{p}&lang=en")
            } else {
                format!("{p}?lang=en")
            }
        })
        .collect();
    pages.extend(english);

    let mut failures = Vec::new();
    for p in &pages {
        b.client.goto(&app.url(p)).await.unwrap();
        let v = axe(&b.client, &axe_js).await;
        if !v.is_empty() {
            failures.push(format!("{p}:\n  {}", v.join("\n  ")));
        }
    }
    let _ = b.client.clone().close().await;
    assert!(
        failures.is_empty(),
        "{} page(s) with violations:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The same checks on a phone-sized screen, plus no horizontal scrolling (WCAG 1.4.10).
#[tokio::test]
async fn phone_layout_reflows() {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let axe_js = axe_source();
    let b = browser(true, 360, 740).await;
    for p in [
        "/soest",
        "/soest/leistungen/hundeanmeldung",
        "/soest/aemter/steueramt",
        "/soest/suche?q=hund",
        "/solingen",
    ] {
        b.client.goto(&app.url(p)).await.unwrap();
        let overflow = b
            .client
            .execute(
                "return document.documentElement.scrollWidth - window.innerWidth;",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            overflow.as_i64().unwrap() <= 0,
            "{p}: {overflow} px horizontal overflow at 360 px"
        );
        let v = axe(&b.client, &axe_js).await;
        assert!(v.is_empty(), "{p}: {v:?}");
    }
    let _ = b.client.clone().close().await;
}

pub(crate) async fn active(c: &Client, expr: &str) -> Value {
    c.execute(
        &format!("const e = document.activeElement; return {expr};"),
        vec![],
    )
    .await
    .unwrap()
}

/// Waits (up to 15 s) until the current URL contains `part`; navigation is asynchronous.
pub(crate) async fn wait_for_url(c: &Client, part: &str) {
    for _ in 0..300 {
        if c.current_url().await.unwrap().as_str().contains(part) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "URL never contained {part}: {}",
        c.current_url().await.unwrap()
    );
}

/// Waits (up to 15 s) until an element matching `css` is on the page.
pub(crate) async fn wait_for_css(c: &Client, css: &str) {
    for _ in 0..300 {
        if c.find(Locator::Css(css)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let url = c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    let text = match c.find(Locator::Css("body")).await {
        Ok(body) => body.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    panic!("{css} never appeared on {url}:\n{text}");
}

/// Waits (up to 15 s) until no element matches `css`.
async fn wait_until_gone(c: &Client, css: &str) {
    for _ in 0..300 {
        if c.find(Locator::Css(css)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{css} never went away");
}

/// Waits (up to 15 s) until the page's `<html lang>` is `lang`.
async fn wait_for_lang(c: &Client, lang: &str) {
    for _ in 0..300 {
        // During navigation the old <html> may be gone: errors just mean "not yet".
        if let Ok(el) = c.find(Locator::Css("html")).await {
            if let Ok(Some(l)) = el.attr("lang").await {
                if l == lang {
                    return;
                }
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("page language never became {lang}");
}

/// Sends keys (a special key or text) to the focused element.
pub(crate) async fn press(c: &Client, key: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
}

/// A visitor using only the keyboard: skip link, search, result, service page.
#[tokio::test]
async fn keyboard_only() {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    c.goto(&app.url("/soest")).await.unwrap();
    press(c, TAB).await;
    assert_eq!(
        active(c, "e.className").await,
        "skip-link",
        "first Tab reaches the skip link"
    );
    let outline = active(c, "getComputedStyle(e).outlineStyle").await;
    assert_eq!(outline, "solid", "focus is visible");
    press(c, ENTER).await;
    assert!(c.current_url().await.unwrap().as_str().ends_with("#inhalt"));
    // From the main content, Tab reaches the search field.
    for _ in 0..10 {
        press(c, TAB).await;
        if active(c, "e.id").await == "q" {
            break;
        }
    }
    assert_eq!(
        active(c, "e.id").await,
        "q",
        "search field reachable by Tab"
    );
    c.active_element()
        .await
        .unwrap()
        .send_keys("hundesteuer")
        .await
        .unwrap();
    press(c, ENTER).await;
    wait_for_url(c, "/soest/suche?q=hundesteuer").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/soest/suche?q=hundesteuer"));
    for _ in 0..40 {
        press(c, TAB).await;
        if active(c, "e.getAttribute('href') || ''")
            .await
            .as_str()
            .unwrap_or("")
            .starts_with("/soest/leistungen/hunde")
        {
            break;
        }
    }
    press(c, ENTER).await;
    wait_for_url(c, "/soest/leistungen/hundeanmeldung").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/soest/leistungen/hundeanmeldung"));
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Hund anmelden (Hundesteuer)");
    // The language switch is a normal link, reachable and usable by keyboard.
    let switch = c.find(Locator::Css("a.lang-switch")).await.unwrap();
    switch.send_keys(ENTER).await.unwrap();
    wait_for_lang(c, "en").await;
    let lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(lang.as_deref(), Some("en"));
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/soest/leistungen/hundeanmeldung"));
    let _ = b.client.clone().close().await;
}

/// With JavaScript switched off, search and navigation work the same.
#[tokio::test]
async fn works_without_javascript() {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let b = browser(false, 1280, 900).await;
    let c = &b.client;
    c.goto(&app.url("/solingen")).await.unwrap();
    let input = c.find(Locator::Id("q")).await.unwrap();
    input.send_keys("Einbuergerung").await.unwrap();
    c.find(Locator::Css("form.search button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(c, "/solingen/suche?q=").await;
    let first = c.find(Locator::Css(".card-title a")).await.unwrap();
    assert_eq!(first.text().await.unwrap(), "Einbürgerung");
    first.click().await.unwrap();
    wait_for_url(c, "/solingen/leistungen/einbuergerung").await;
    c.find(Locator::LinkText("Diese Seite in Leichter Sprache"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_url(c, "/leichte-sprache").await;
    assert!(c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .ends_with("/solingen/leistungen/einbuergerung/leichte-sprache"));
    c.find(Locator::LinkText("English"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_lang(c, "en").await;
    let h1 = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(h1, "Naturalisation – in plain language");
    let _ = b.client.clone().close().await;
}

/// Logs in at the test identity provider as `who`, from its login page (or, with the
/// provider's session still open, its consent page) back to the portal.
pub(crate) async fn provider_login(c: &Client, who: &str) {
    wait_for_css(c, "form").await;
    if let Ok(login) = c.find(Locator::Css("input[name=login]")).await {
        login.send_keys(who).await.unwrap();
        c.find(Locator::Css("input[name=password]"))
            .await
            .unwrap()
            .send_keys("x")
            .await
            .unwrap();
        click(c, "button[type=submit]").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
    if c.current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/interaction/")
    {
        click(c, "button[type=submit]").await;
    }
    wait_for_css(c, "main").await;
}

pub(crate) async fn fill(c: &Client, id: &str, text: &str) {
    let el = c
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("#{id}: {e}"));
    el.clear().await.unwrap();
    el.send_keys(text).await.unwrap();
}

pub(crate) async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Fills the Hundeanmeldung as a citizen would, running axe on every page and error state.
async fn hundeanmeldung_in_browser(javascript: bool) {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let axe_js = axe_source();
    let b = browser(javascript, 1280, 900).await;
    let c = &b.client;
    let mut failures = Vec::new();
    let mut check = |name: &'static str, v: Vec<String>| {
        if !v.is_empty() {
            failures.push(format!("{name}: {v:?}"));
        }
    };
    let audit = |c: &Client| {
        let c = c.clone();
        let axe_js = axe_js.clone();
        async move {
            if javascript {
                axe(&c, &axe_js).await
            } else {
                Vec::new()
            }
        }
    };
    c.goto(&app.url("/soest/leistungen/hundeanmeldung"))
        .await
        .unwrap();
    click(c, "a.button-link").await;
    wait_for_url(c, "/antrag").await;
    check("start", audit(c).await);
    click(c, "main form button[type=submit]").await;
    wait_for_url(c, "/schritt/halter").await;
    check("step 1", audit(c).await);
    // Errors first: press Enter in the first field (the default action is "continue").
    fill(c, "f-vorname", "Erika").await;
    fill(c, "f-geburtsdatum", "31.02.1985").await;
    c.find(Locator::Id("f-vorname"))
        .await
        .unwrap()
        .send_keys(ENTER)
        .await
        .unwrap();
    wait_for_css(c, ".error-summary").await;
    let summary = c
        .find(Locator::Css(".error-summary"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        summary.contains("Nachname") && summary.contains("Geburtsdatum"),
        "{summary}"
    );
    check("step 1 with errors", audit(c).await);
    // The summary links lead to the fields.
    click(c, ".error-summary a[href='#f-nachname']").await;
    fill(c, "f-nachname", "Mustermann").await;
    fill(c, "f-geburtsdatum", "24.03.1985").await;
    fill(c, "f-anschrift-street", "Marktstraße").await;
    fill(c, "f-anschrift-house_number", "7").await;
    fill(c, "f-anschrift-postal_code", "59494").await;
    fill(c, "f-anschrift-city", "Soest").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_url(c, "/schritt/hunde").await;
    check("step 2", audit(c).await);
    fill(c, "f-hunde-0-rufname", "Bello").await;
    fill(c, "f-hunde-0-rasse", "Mischling").await;
    click(c, "label[for='f-hunde-0-gelistet-2']").await;
    click(c, "label[for='f-hunde-0-gross']").await;
    fill(c, "f-hunde-0-chipnummer", "27609810654321").await;
    fill(c, "f-hunde-0-seit", "01.09.2026").await;
    // Add a second dog: what was typed stays.
    click(c, "button[value='add:hunde']").await;
    wait_for_css(c, "#f-hunde-1-rufname").await;
    let kept = c
        .find(Locator::Id("f-hunde-0-rufname"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("Bello"));
    // Then remove it again, and continue with a too-short chip number.
    click(c, "button[value='remove:hunde:1']").await;
    wait_until_gone(c, "#f-hunde-1-rufname").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_css(c, ".error-summary").await;
    check("step 2 with errors", audit(c).await);
    fill(c, "f-hunde-0-chipnummer", "276098106543210").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_url(c, "/schritt/ordnungsamt").await;
    check("step 3", audit(c).await);
    click(c, "label[for='f-sachkunde']").await;
    fill(c, "f-versicherer", "Demo-Versicherung").await;
    fill(c, "f-versicherungsnummer", "HV-1").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_url(c, "/schritt/zahlung").await;
    check("step 4", audit(c).await);
    click(c, "label[for='f-zahlweise-2']").await;
    fill(c, "f-iban", "DE02120300000000202052").await;
    fill(c, "f-kontoinhaber", "Erika Mustermann").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_css(c, ".error-summary").await;
    check("step 4 with errors", audit(c).await);
    fill(c, "f-iban", "DE02 1203 0000 0000 2020 51").await;
    // The mandate (shown once direct debit is chosen; without JavaScript after the post).
    click(c, "label[for='f-sepa_mandat']").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_url(c, "/pruefen").await;
    check("check page", audit(c).await);
    let text = c
        .find(Locator::Css("main"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("828,00") || text.contains("108,00"),
        "computed tax shown: {text}"
    );
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, ".error-summary").await;
    check("check page with errors", audit(c).await);
    click(c, "label[for='consent']").await;
    click(c, "label[for='truth']").await;
    click(c, "main form button[type=submit]").await;
    wait_for_url(c, "/eingang").await;
    check("receipt", audit(c).await);
    let reference = c
        .find(Locator::Css(".reference"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        reference.starts_with("SO-") && reference.ends_with("-000001"),
        "{reference}"
    );
    let _ = b.client.clone().close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every seed form: start page, first step, and the first step's error state pass axe.
#[tokio::test]
async fn axe_on_every_form_start_and_error_state() {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let mut forms = Vec::new();
    for t in ["solingen", "soest", "kreis-soest", "kreis-paderborn"] {
        let html = app
            .page(&format!("/{t}/leistungen"))
            .await
            .replace("&#x2f;", "/");
        for href in crate::support::local_links(&html) {
            if href.starts_with(&format!("/{t}/leistungen/")) {
                let page = app.page(&href).await.replace("&#x2f;", "/");
                if page.contains(&format!("href=\"{href}/antrag\"")) && !forms.contains(&href) {
                    forms.push(href);
                }
            }
        }
    }
    assert!(forms.len() >= 11, "seed services with forms: {forms:?}");
    let mut failures = Vec::new();
    for f in &forms {
        c.goto(&app.url(&format!("{f}/antrag"))).await.unwrap();
        audit(c, &axe_js, format!("{f}/antrag"), &mut failures).await;
        if c.find(Locator::Css("main form button[type=submit]"))
            .await
            .is_err()
        {
            // Needs a login (no provider here): its steps are audited in accounts.rs.
            assert!(
                c.source().await.unwrap().contains("Anmeldung nötig"),
                "{f}: no start button"
            );
            continue;
        }
        click(c, "main form button[type=submit]").await;
        wait_for_url(c, "/schritt/").await;
        audit(c, &axe_js, format!("{f} step 1"), &mut failures).await;
        click(c, ".actions button[value=weiter]").await;
        wait_for_css(c, ".error-summary").await;
        audit(c, &axe_js, format!("{f} step 1 with errors"), &mut failures).await;
    }
    // The eligibility pre-check: questions, errors, result.
    c.goto(&app.url("/solingen/leistungen/einbuergerung/vorpruefung"))
        .await
        .unwrap();
    audit(c, &axe_js, "precheck".into(), &mut failures).await;
    click(c, ".actions button[type=submit]").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "precheck with errors".into(), &mut failures).await;
    fill(c, "f-jahre", "6").await;
    click(c, "label[for='f-sprache-3']").await;
    click(c, "label[for='f-lebensunterhalt']").await;
    click(c, "label[for='f-test']").await;
    click(c, ".actions button[type=submit]").await;
    wait_for_css(c, ".precheck-result").await;
    let verdict = c
        .find(Locator::Css(".precheck-result h2"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(verdict, "Ein Antrag hat gute Aussichten");
    audit(c, &axe_js, "precheck result".into(), &mut failures).await;
    let _ = b.client.clone().close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn application_with_axe_on_every_step() {
    hundeanmeldung_in_browser(true).await;
}

#[tokio::test]
async fn application_without_javascript() {
    hundeanmeldung_in_browser(false).await;
}

pub(crate) const SPACE: &str = "\u{E00D}";
pub(crate) const ARROW_RIGHT: &str = "\u{E014}";

/// Presses Tab until the focused element matches `want` (its id, the value of a button in
/// the tab order, or a button's text). Panics if it is not reached within 80 presses.
pub(crate) async fn tab_to(c: &Client, want: &str) {
    for _ in 0..80 {
        press(c, TAB).await;
        let id = active(c, "e.id || ''").await;
        let value = active(c, "e.getAttribute('value') || ''").await;
        let text = active(c, "e.tagName == 'BUTTON' ? e.textContent.trim() : ''").await;
        if id.as_str() == Some(want)
            || text.as_str() == Some(want)
            || (value.as_str() == Some(want) && active(c, "e.tabIndex").await.as_i64() == Some(0))
        {
            return;
        }
    }
    panic!("keyboard focus never reached {want}");
}

/// A whole application with the keyboard alone: Tab, typing, Space, arrows and Enter.
#[tokio::test]
async fn application_with_the_keyboard_alone() {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    c.goto(&app.url("/soest/leistungen/hundeanmeldung/antrag"))
        .await
        .unwrap();
    tab_to(c, "Antrag beginnen").await;
    press(c, ENTER).await;
    wait_for_url(c, "/schritt/halter").await;
    for (id, text) in [
        ("f-vorname", "Erika"),
        ("f-nachname", "Mustermann"),
        ("f-geburtsdatum", "24.03.1985"),
        ("f-anschrift-street", "Marktstraße"),
        ("f-anschrift-house_number", "7"),
        ("f-anschrift-postal_code", "59494"),
        ("f-anschrift-city", "Soest"),
    ] {
        tab_to(c, id).await;
        press(c, text).await;
    }
    tab_to(c, "weiter").await;
    press(c, ENTER).await;
    wait_for_url(c, "/schritt/hunde").await;
    tab_to(c, "f-hunde-0-rufname").await;
    press(c, "Bello").await;
    tab_to(c, "f-hunde-0-rasse").await;
    press(c, "Mischling").await;
    // Radio groups: Tab enters the group, an arrow key selects "Nein".
    tab_to(c, "f-hunde-0-gelistet").await;
    press(c, ARROW_RIGHT).await;
    tab_to(c, "f-hunde-0-gross").await;
    press(c, ARROW_RIGHT).await;
    tab_to(c, "f-hunde-0-chipnummer").await;
    press(c, "276098106543210").await;
    tab_to(c, "f-hunde-0-seit").await;
    press(c, "01.09.2026").await;
    tab_to(c, "weiter").await;
    press(c, ENTER).await;
    wait_for_url(c, "/schritt/zahlung").await;
    tab_to(c, "f-zahlweise").await;
    press(c, SPACE).await;
    tab_to(c, "weiter").await;
    press(c, ENTER).await;
    wait_for_url(c, "/pruefen").await;
    tab_to(c, "consent").await;
    press(c, SPACE).await;
    tab_to(c, "truth").await;
    press(c, SPACE).await;
    press(c, TAB).await;
    assert_eq!(
        active(c, "e.tagName").await,
        "BUTTON",
        "the submit button follows the declarations"
    );
    press(c, ENTER).await;
    wait_for_url(c, "/eingang").await;
    let reference = c
        .find(Locator::Css(".reference"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(reference.starts_with("SO-"), "{reference}");
    let _ = b.client.clone().close().await;
}
