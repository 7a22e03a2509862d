//! Every seed service's form, filled to the end: over HTTP on both engines (with the
//! receipt PDF checked as PDF/A), and in Chromium as a citizen would, with axe-core on
//! every step, every error state met on the way, the check page and the receipt.
//!
//! The answers live in `tests/fixtures/seed_answers.json`: per service, the steps in the
//! order the form leads through them and the fields as the HTML form posts them. Dates
//! that must stay in a range relative to today are written `{today+60}` (days),
//! `{today-30}` or `{today-16y}` (years), so the data does not expire.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::browser::{audit, axe_source, browser, browser_lock, click, wait_for_url};
use crate::support::{
    assert_pdf_a, csrf_token, decode_html, pdf_text, workspace_root, Backend, TestApp,
};
use fantoccini::{Client, Locator};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
pub(crate) struct Step {
    step: String,
    answers: Vec<(String, String)>,
}

impl Step {
    /// Replaces the answer to `field` (the fixture must answer it).
    pub(crate) fn set(&mut self, field: &str, value: &str) {
        let answer = self.answers.iter_mut().find(|(k, _)| k == field);
        answer.expect("the fixture answers this field").1 = value.to_owned();
    }

    /// How many files this step uploads.
    pub(crate) fn uploads(&self) -> usize {
        self.answers
            .iter()
            .filter(|(_, v)| v.starts_with('@'))
            .count()
    }
}

fn seed_answers() -> BTreeMap<String, Vec<Step>> {
    let path = workspace_root().join("crates/rathaus/tests/fixtures/seed_answers.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Resolves `{today±N}` (days) and `{today±Ny}` (years) to a German date.
fn resolve(value: &str) -> String {
    let Some(inner) = value
        .strip_prefix("{today")
        .and_then(|v| v.strip_suffix('}'))
    else {
        return value.to_owned();
    };
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date();
    let (sign, n) = match inner.split_at(1) {
        ("+", n) => (1, n),
        ("-", n) => (-1, n),
        _ => panic!("bad placeholder {value}"),
    };
    let date = if let Some(years) = n.strip_suffix('y') {
        today
            .checked_add(jiff::Span::new().years(sign * years.parse::<i64>().unwrap()))
            .unwrap()
    } else {
        today
            .checked_add(jiff::Span::new().days(sign * n.parse::<i64>().unwrap()))
            .unwrap()
    };
    date.strftime("%d.%m.%Y").to_string()
}

/// Bytes of a small file for `@pdf` / `@png` answers (real magic numbers).
fn upload_bytes(kind: &str) -> (&'static str, Vec<u8>) {
    match kind {
        "@png" => {
            let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
            v.resize(800, 0);
            ("nachweis.png", v)
        }
        _ => {
            let mut v = b"%PDF-1.7\n% Demo-Nachweis\n".to_vec();
            v.resize(1500, b' ');
            ("nachweis.pdf", v)
        }
    }
}

fn csrf_of(html: &str) -> String {
    csrf_token(html).expect("csrf field")
}

both_backends! {
    async fn every_seed_form_over_http(b: Backend) {
        let app = TestApp::start(b).await;
        let forms = seed_answers();
        assert!(forms.len() >= 11, "{} seed forms", forms.len());
        for (service, steps) in &forms {
            let http = reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap();
            let get = |path: String| {
                let http = http.clone();
                let url = app.url(&path);
                async move { decode_html(&http.get(url).send().await.unwrap().text().await.unwrap()) }
            };
            let receipt = submit_seed_form(&app, &http, service, steps).await;
            let html = get(receipt.clone()).await;
            let i = html.find("class=\"reference\">").expect("reference") + 18;
            let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
            let res = http.get(app.url(&format!("{receipt}.pdf"))).send().await.unwrap();
            assert_eq!(res.status(), 200, "{service}: receipt PDF");
            let pdf = res.bytes().await.unwrap();
            assert_pdf_a(&pdf);
            let text = pdf_text(&pdf);
            assert!(text.contains(&reference), "{service}: PDF names {reference}");
            // The social-benefit applications reach their Fachverfahren as a structured
            // document, with the answers and the computed sums.
            let drop = match service.as_str() {
                "soest/hilfe-zum-lebensunterhalt" => Some(("ablage/sozialhilfe", "antrag.xml", "Möllenhoff")),
                "kreis-soest/grundsicherung" => Some(("ablage/grundsicherung", "antrag.json", "Pöppelbaum")),
                _ => None,
            };
            if let Some((dir, file, name)) = drop {
                let dir = app.data_dir.path().join(dir);
                let mut folder = None;
                for _ in 0..100 {
                    folder = std::fs::read_dir(&dir).ok().and_then(|d| {
                        d.flatten().map(|e| e.path()).find(|p| p.to_string_lossy().contains(&reference))
                    });
                    if folder.is_some() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                let folder = folder.unwrap_or_else(|| panic!("{service}: nothing handed over to {}\n{}", dir.display(), app.log()));
                let doc = std::fs::read_to_string(folder.join(file)).unwrap();
                assert!(doc.contains(name) && doc.contains("einnahmen_monat"), "{service}: {doc}");
            }
        }
    }
}

/// Fills the seed form of `service` ("tenant/id") with its fixture answers over HTTP with
/// `http` (cookies kept, redirects not followed) and submits it; returns the receipt path.
pub(crate) async fn submit_seed_form(
    app: &TestApp,
    http: &reqwest::Client,
    service: &str,
    steps: &[Step],
) -> String {
    let (tenant, id) = service.split_once('/').unwrap();
    let get = |path: String| {
        let http = http.clone();
        let url = app.url(&path);
        async move { decode_html(&http.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    let start = format!("/{tenant}/leistungen/{id}/antrag");
    let csrf = csrf_of(&get(start.clone()).await);
    let res = http
        .post(app.url(&start))
        .form(&[("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{service}: start");
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    continue_seed_form(app, http, service, steps, location).await
}

/// Fills a draft already started (at the step `location` names) with the fixture answers
/// and submits it; returns the receipt path.
pub(crate) async fn continue_seed_form(
    app: &TestApp,
    http: &reqwest::Client,
    service: &str,
    steps: &[Step],
    mut location: String,
) -> String {
    let get = |path: String| {
        let http = http.clone();
        let url = app.url(&path);
        async move { decode_html(&http.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    for s in steps {
        assert!(
            location.ends_with(&format!("/schritt/{}", s.step)),
            "{service}: expected step {}, got {location}",
            s.step
        );
        let html = get(location.clone()).await;
        let csrf = csrf_of(&html);
        let multipart = s.answers.iter().any(|(_, v)| v.starts_with('@'));
        let mut pairs: Vec<(String, String)> =
            vec![("_csrf".into(), csrf), ("aktion".into(), "weiter".into())];
        pairs.extend(s.answers.iter().map(|(k, v)| (k.clone(), resolve(v))));
        let req = http.post(app.url(&location));
        let req = if multipart {
            let mut form = reqwest::multipart::Form::new();
            for (k, v) in pairs {
                if v.starts_with('@') {
                    let (name, bytes) = upload_bytes(&v);
                    form = form.part(k, reqwest::multipart::Part::bytes(bytes).file_name(name));
                } else {
                    form = form.text(k, v);
                }
            }
            req.multipart(form)
        } else {
            req.form(&pairs)
        };
        let res = req.send().await.unwrap();
        let status = res.status();
        let next = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned());
        let body = res.text().await.unwrap();
        assert_eq!(
            status,
            303,
            "{service}, step {}: {}",
            s.step,
            error_summary(&body)
        );
        location = next.unwrap();
    }
    assert!(
        location.ends_with("/pruefen"),
        "{service}: after the last step {location}"
    );
    let csrf = csrf_of(&get(location.clone()).await);
    let submit = location.replace("/pruefen", "/absenden");
    let res = http
        .post(app.url(&submit))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("einwilligung", "ja"),
            ("wahrheit", "ja"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{service}: submit");
    let receipt = res.headers()["location"].to_str().unwrap().to_owned();
    receipt
}

/// The fixture steps of one service.
pub(crate) fn seed_steps(service: &str) -> Vec<Step> {
    seed_answers()
        .remove(service)
        .unwrap_or_else(|| panic!("no answers for {service}"))
}

fn error_summary(html: &str) -> String {
    match html.find("error-summary") {
        Some(i) => {
            let rest = &html[i..];
            let end = rest.find("</div>").unwrap_or(rest.len().min(2000));
            rest[..end].to_owned()
        }
        None => html.chars().take(400).collect(),
    }
}

/// Marks the loaded document so a later check can tell a new page from the old one.
async fn mark(c: &Client) {
    c.execute("window.__rathausMark = true; return true;", vec![])
        .await
        .unwrap();
}

/// Waits until the marked document has been replaced by a new one.
async fn wait_for_new_page(c: &Client) {
    for _ in 0..300 {
        let same = c
            .execute(
                "return document.readyState === 'complete' && window.__rathausMark === true;",
                vec![],
            )
            .await
            .map(|v| v.as_bool() == Some(true))
            .unwrap_or(true);
        let ready = c
            .execute("return document.readyState;", vec![])
            .await
            .map(|v| v.as_str() == Some("complete"))
            .unwrap_or(false);
        if !same && ready {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no new page after the click");
}

/// Clicks `css` and waits for the page it leads to.
async fn click_and_wait(c: &Client, css: &str) {
    mark(c).await;
    click(c, css).await;
    wait_for_new_page(c).await;
}

/// Sets one answer the way a person would: typing, ticking, choosing, attaching. Returns
/// false if the field is not on the page (yet).
async fn answer(c: &Client, name: &str, value: &str, upload: &std::path::Path) -> bool {
    let q = |extra: &str| format!("[name='{name}']{extra}");
    // A choice (radio or checkbox) with this value.
    if let Ok(input) = c
        .find(Locator::Css(&q(&format!("[value='{value}']"))))
        .await
    {
        let kind = input.attr("type").await.unwrap().unwrap_or_default();
        if kind == "radio" || kind == "checkbox" {
            if !input.is_selected().await.unwrap() {
                let id = input.attr("id").await.unwrap().unwrap();
                click(c, &format!("label[for='{id}']")).await;
            }
            return true;
        }
    }
    let Ok(el) = c.find(Locator::Css(&q(""))).await else {
        return false;
    };
    let tag = el.tag_name().await.unwrap().to_lowercase();
    let kind = el.attr("type").await.unwrap().unwrap_or_default();
    if tag == "select" {
        el.find(Locator::Css(&format!("option[value='{value}']")))
            .await
            .unwrap_or_else(|e| panic!("{name}: no option {value}: {e}"))
            .click()
            .await
            .unwrap();
    } else if kind == "file" {
        el.send_keys(&upload.display().to_string()).await.unwrap();
    } else if kind == "hidden" {
        return true;
    } else {
        el.clear().await.unwrap();
        el.send_keys(value).await.unwrap();
    }
    true
}

/// Every seed form in Chromium, from the service page to the receipt, with axe-core on
/// every page and every error state that the way through shows.
#[tokio::test]
async fn every_seed_form_in_the_browser() {
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let files = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (service, steps) in &seed_answers() {
        let (tenant, id) = service.split_once('/').unwrap();
        c.goto(&app.url(&format!("/{tenant}/leistungen/{id}")))
            .await
            .unwrap();
        click_and_wait(c, "a.button-link").await;
        click_and_wait(c, "main form button[type=submit]").await;
        for s in steps {
            wait_for_url(c, &format!("/schritt/{}", s.step)).await;
            let here = c.current_url().await.unwrap().to_string();
            // Audit each new page once: the step, each state after adding a group item,
            // and each error state (below).
            audit(c, &axe_js, format!("{service} {}", s.step), &mut failures).await;
            for round in 0.. {
                assert!(round < 6, "{service}, step {}: stuck on {here}", s.step);
                for (name, value) in &s.answers {
                    if name.ends_with(".count") {
                        continue;
                    }
                    let value = resolve(value);
                    let upload = if value.starts_with('@') {
                        let (file, bytes) = upload_bytes(&value);
                        let p = files.path().join(file);
                        std::fs::write(&p, bytes).unwrap();
                        p
                    } else {
                        files.path().join("-")
                    };
                    answer(c, name, &value, &upload).await;
                }
                // Repeatable groups: add items until the wanted count is shown.
                let mut added = false;
                for (name, value) in &s.answers {
                    let Some(group) = name.strip_suffix(".count") else {
                        continue;
                    };
                    let shown: usize = c
                        .find(Locator::Css(&format!("[name='{name}']")))
                        .await
                        .unwrap()
                        .prop("value")
                        .await
                        .unwrap()
                        .unwrap_or_default()
                        .parse()
                        .unwrap_or(0);
                    if shown < value.parse::<usize>().unwrap() {
                        click_and_wait(c, &format!("button[value='add:{group}']")).await;
                        audit(
                            c,
                            &axe_js,
                            format!("{service} {} after adding to {group}", s.step),
                            &mut failures,
                        )
                        .await;
                        added = true;
                        break;
                    }
                }
                if added {
                    continue;
                }
                click_and_wait(c, ".actions button[value='weiter']").await;
                let now = c.current_url().await.unwrap().to_string();
                if now != here {
                    break;
                }
                // Still here: an error the answers resolve once fields appear. Audit it.
                audit(
                    c,
                    &axe_js,
                    format!("{service} {} with errors", s.step),
                    &mut failures,
                )
                .await;
            }
        }
        wait_for_url(c, "/pruefen").await;
        audit(c, &axe_js, format!("{service} check page"), &mut failures).await;
        click(c, "label[for='consent']").await;
        click(c, "label[for='truth']").await;
        click_and_wait(c, "main form button[type=submit]").await;
        wait_for_url(c, "/eingang").await;
        let reference = c
            .find(Locator::Css(".reference"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let parts: Vec<&str> = reference.split('-').collect();
        assert!(
            parts.len() == 3 && parts[1].len() == 4 && parts[2].len() == 6,
            "{service}: reference {reference}"
        );
        audit(c, &axe_js, format!("{service} receipt"), &mut failures).await;
    }
    let _ = b.client.clone().close().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn date_placeholders_resolve_relative_to_today() {
    assert_eq!(resolve("01.02.2003"), "01.02.2003");
    let today = resolve("{today+0}");
    let year: i32 = today[6..].parse().unwrap();
    assert_eq!(
        resolve("{today-16y}")[6..].parse::<i32>().unwrap(),
        year - 16
    );
    assert_eq!(resolve("{today+0y}"), today);
}
