//! "Is my ID card ready?" end to end on both engines, at the demo's Bürgerbüro Soest: the
//! Fachverfahren reports by CSV (command line and back-office upload, a broken file
//! refused whole with line and reason) and over its JSON interface (bearer token); a
//! citizen asks by application number and by serial number, typed loosely; a miss and a
//! mismatch answer alike; guessing one number is slowed down; "tell me when it is ready"
//! sends one mail, naming nothing; "ready" offers the pick-up appointment; entries go
//! after their time; the database holds neither numbers nor birth dates.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::client;
use crate::appointments::{mails, wait_for_mails};
use crate::backoffice::staff_login;
use crate::both_backends;
use crate::support::{
    csrf_token, decode_html, run_cli, sql, sql_strings, Backend, OidcProvider, Options, TestApp,
};
use serde_json::{json, Value};

pub(crate) const TOKEN: &str = "fachverfahren-soest-demo-token";

/// Asks as a browser does: the form, then the post. Status and the page.
pub(crate) async fn ask(
    app: &TestApp,
    http: &reqwest::Client,
    number: &str,
    birth: &str,
) -> (u16, String) {
    let html = decode_html(
        &http
            .get(app.url("/soest/ausweis-status"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let csrf = csrf_token(&html).unwrap();
    let res = http
        .post(app.url("/soest/ausweis-status"))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("nummer", number),
            ("geburtsdatum", birth),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    assert!(res.headers()["cache-control"]
        .to_str()
        .unwrap()
        .contains("no-store"));
    (status, decode_html(&res.text().await.unwrap()))
}

/// The answer's part of a page (what differs between answers).
fn answer(html: &str) -> String {
    let start = html.find("<h1>").expect(html);
    let end = html.find("</main>").unwrap_or(html.len());
    // The CSRF token differs per page; it is not part of the answer.
    let body = &html[start..end];
    match body.find("name=\"_csrf\" value=\"") {
        Some(i) => {
            let j = i + 20 + body[i + 20..].find('"').unwrap();
            format!("{}{}", &body[..i], &body[j..])
        }
        None => body.to_owned(),
    }
}

pub(crate) async fn report(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/soest/ausweise/buergerbuero"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

both_backends! {
    async fn citizens_learn_whether_their_id_card_is_ready_and_nobody_else_does(b: Backend) {
        let port = crate::support::free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b)
            .env("DEMO_SOEST_AUSWEIS_TOKEN", TOKEN), port, dir.path())).await;

        // A broken export is refused whole, with file, line and reason.
        let broken = dir.path().join("kaputt.csv");
        std::fs::write(&broken, "art;antragsnummer;seriennummer;geburtsdatum;status;seit\n\
            personalausweis;2026-000123;L01X00T47;09.11.1972;abholbereit;2026-12-01\n\
            reisepass;2026-000124;;31.02.1980;in_produktion;\n").unwrap();
        let (ok, out) = run_cli(&app, &["ausweise", "import", "--tenant", "soest", "--office", "buergerbuero", broken.to_str().unwrap()]);
        assert!(!ok);
        assert!(out.contains("kaputt.csv:3: birth_date"), "{out}");
        assert!(sql_strings(&app, "SELECT id FROM id_documents").await.is_empty(), "nothing of it was filed");
        let (ok, out) = run_cli(&app, &["ausweise", "import", "--tenant", "soest", "--office", "steueramt", broken.to_str().unwrap()]);
        assert!(!ok, "{out}");

        // The nightly export: one ready, one in production.
        let export = dir.path().join("export.csv");
        std::fs::write(&export, "art;antragsnummer;seriennummer;geburtsdatum;status;seit\n\
            personalausweis;2026-000123;L01X00T47;09.11.1972;abholbereit;2026-12-01\n\
            reisepass;2026-000124;C4F1GH2JK;29.02.1980;in_produktion;\n").unwrap();
        let (ok, out) = run_cli(&app, &["ausweise", "import", "--tenant", "soest", "--office", "buergerbuero", export.to_str().unwrap()]);
        assert!(ok, "{out}");
        assert!(out.contains("2 new"), "{out}");
        let stored = sql_strings(&app, "SELECT COALESCE(key_application, '') || '|' || COALESCE(key_serial, '') || '|' || since FROM id_documents").await;
        assert_eq!(stored.len(), 2);
        for row in &stored {
            for secret in ["2026000123", "L01X00T47", "1972", "C4F1GH2JK", "1980-02-29"] {
                assert!(!row.contains(secret), "the table holds no number or birth date: {row}");
            }
        }

        // Asking by application number and by serial number, typed loosely.
        let citizen = client();
        let (status, html) = ask(&app, &citizen, " 2026-000123 ", "09.11.1972").await;
        assert_eq!(status, 200);
        assert!(html.contains("liegt seit 01.12.2026 zur Abholung bereit"), "{html}");
        assert!(html.contains("Personalausweis") && html.contains("Bürgerbüro"));
        assert!(html.contains("href=\"/soest/termine/buergerbuero?leistung=ausweis-abholen\""), "ready offers the pick-up");
        assert!(!html.contains("name=\"email\""), "nothing to be told of: it is ready");
        let (_, by_serial) = ask(&app, &citizen, "l01x oot47", "1972-11-09").await;
        assert!(by_serial.contains("zur Abholung bereit"), "{by_serial}");
        let booking = citizen.get(app.url("/soest/termine/buergerbuero?leistung=ausweis-abholen")).send().await.unwrap();
        assert_eq!(booking.status(), 200);
        assert!(decode_html(&booking.text().await.unwrap()).contains("Ausweis oder Reisepass abholen"));

        // The same over the city-app API.
        let api = |number: &'static str, birth: &'static str| {
            let app = &app;
            async move {
                let res = reqwest::Client::new().post(app.url("/api/v1/tenants/soest/id-document-status"))
                    .json(&json!({"number": number, "birth_date": birth})).send().await.unwrap();
                (res.status().as_u16(), res.json::<Value>().await.unwrap())
            }
        };
        let (status, s) = api("2026-000123", "1972-11-09").await;
        assert_eq!(status, 200, "{s}");
        assert_eq!((s["kind"].as_str(), s["status"].as_str(), s["since"].as_str()), (Some("id_card"), Some("ready"), Some("2026-12-01")));
        assert_eq!(s["pickup_href"], "/soest/termine/buergerbuero?leistung=ausweis-abholen");
        let (status, miss) = api("2026-000123", "1972-11-10").await;
        assert_eq!((status, miss["code"].as_str()), (404, Some("no-status")));
        let (status, bad) = api("12", "gestern").await;
        assert_eq!((status, bad["errors"].as_array().unwrap().len()), (422, 2), "{bad}");

        // A miss and a mismatch look the same.
        let (s1, miss) = ask(&app, &citizen, "2026-999999", "09.11.1972").await;
        let (s2, mismatch) = ask(&app, &citizen, "2026-000123", "10.11.1972").await;
        assert_eq!((s1, s2), (200, 200));
        assert!(miss.contains("Zu diesen Angaben liegt uns kein Status vor"));
        assert_eq!(answer(&miss), answer(&mismatch).replace("2026-000123", "2026-999999").replace("10.11.1972", "09.11.1972"));
        // Input that cannot be a number or a date: the field's error, the other answer kept.
        let (status, html) = ask(&app, &citizen, "2026-000123", "31.02.1972").await;
        assert_eq!(status, 422);
        assert!(html.contains("id=\"geburtsdatum-error\"") && html.contains("value=\"2026-000123\""), "{html}");

        // Guessing one number's birth date is slowed down, for every address.
        let guesser = client();
        let mut last = 0;
        for day in 1..=7 {
            let (status, _) = ask(&app, &guesser, "C4F1GH2JK", &format!("{day:02}.01.1980")).await;
            last = status;
        }
        assert_eq!(last, 429, "after five wrong tries the number waits");
        let (status, html) = ask(&app, &client(), "C4F1GH2JK", "29.02.1980").await;
        assert_eq!(status, 429, "the right birth date must wait too: {html}");
        assert!(html.contains("Zu viele Versuche"));

        // "Tell me when it is ready": in production, by application number.
        let (_, html) = ask(&app, &citizen, "2026000124", "29.02.1980").await;
        assert!(html.contains("wird noch hergestellt"), "{html}");
        let csrf = csrf_token(&html).unwrap();
        let notify = |email: &'static str, csrf: String| {
            let (app, citizen) = (&app, &citizen);
            async move {
                let res = citizen.post(app.url("/soest/ausweis-status/benachrichtigen"))
                    .form(&[("_csrf", csrf.as_str()), ("nummer", "2026000124"), ("geburtsdatum", "29.02.1980"), ("email", email)])
                    .send().await.unwrap();
                (res.status().as_u16(), decode_html(&res.text().await.unwrap()))
            }
        };
        let (status, html) = notify("keine-adresse", csrf).await;
        assert_eq!(status, 422);
        assert!(html.contains("id=\"email-error\"") && html.contains("wird noch hergestellt"), "{html}");
        let (status, html) = notify("jana.pass@example.org", csrf_token(&html).unwrap()).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Wir schicken Ihnen eine E-Mail"), "{html}");

        // The Fachverfahren reports over its JSON interface: wrong token, wrong rows, then right.
        let ready = json!({"documents": [{"kind": "passport", "application_number": "2026-000124",
            "birth_date": "1980-02-29", "status": "ready", "since": "2026-12-05"}]});
        assert_eq!(report(&app, "falsch-falsch-falsch", ready.clone()).await.0, 401);
        let (status, p) = report(&app, TOKEN, json!({"documents": [{"kind": "passport", "birth_date": "1980-02-29", "status": "ready"}]})).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "application_number");
        let (status, done) = report(&app, TOKEN, ready.clone()).await;
        assert_eq!(status, 200, "{done}");
        assert_eq!((done["updated"].as_u64(), done["notified"].as_u64()), (Some(1), Some(1)));
        let sent = wait_for_mails(&app, |m| m.contains("jana.pass@example.org"), 1).await;
        let mail = &sent[0];
        assert!(mail.contains("abholbereit") && mail.contains("/soest/termine/buergerbuero?leistung=ausweis-abholen"), "{mail}");
        for secret in ["2026", "C4F1GH2JK", "1980"] {
            assert!(!mail.split("\n\n").skip(1).collect::<String>().contains(secret), "the mail names nothing: {mail}");
        }
        assert!(sql_strings(&app, "SELECT notify_email FROM id_documents WHERE notify_email IS NOT NULL").await.is_empty(),
            "the address is gone once the mail is queued");
        // Reported ready again: no second mail.
        report(&app, TOKEN, ready).await;
        tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
        assert_eq!(mails(&app).iter().filter(|m| m.contains("jana.pass@example.org")).count(), 1, "told once");

        // Staff of the office upload an export in the back office; others may not.
        let staff = client();
        staff_login(&app, &staff, "soest", "sb-soest").await;
        let page = decode_html(&staff.get(app.url("/soest/verwaltung/ausweise/buergerbuero")).send().await.unwrap().text().await.unwrap());
        assert!(page.contains("Abholbereit"), "{page}");
        let csrf = csrf_token(&page).unwrap();
        let upload = |body: &'static str, csrf: String| {
            let (app, staff) = (&app, &staff);
            async move {
                let form = reqwest::multipart::Form::new().text("_csrf", csrf)
                    .part("datei", reqwest::multipart::Part::bytes(body.as_bytes().to_vec()).file_name("export.csv"));
                let res = staff.post(app.url("/soest/verwaltung/ausweise/buergerbuero")).multipart(form).send().await.unwrap();
                (res.status().as_u16(), decode_html(&res.text().await.unwrap()))
            }
        };
        let (status, html) = upload("art;seriennummer;geburtsdatum;status\nreisepass;C4F1GH2JK;29.02.1980;verloren\n", csrf).await;
        assert_eq!(status, 422);
        assert!(html.contains("Zeile 2, status"), "{html}");
        let (status, html) = upload("art;seriennummer;geburtsdatum;status;seit\nreisepass;C4F1GH2JK;29.02.1980;ausgehaendigt;2026-12-06\n", csrf_token(&html).unwrap()).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("0 neu, 1 aktualisiert"), "{html}");
        let (_, html) = ask(&app, &citizen, "2026000124", "29.02.1980").await;
        assert!(html.contains("wurde am 06.12.2026 ausgehändigt"), "the serial found the entry of the application number: {html}");
        let other = client();
        staff_login(&app, &other, "soest", "admin-soest").await;
        let res = other.get(app.url("/soest/verwaltung/ausweise/buergerbuero")).send().await.unwrap();
        assert_eq!(res.status(), 403, "staff of another office");
        let audit = sql_strings(&app, "SELECT actor FROM audit_log WHERE action = 'id-status-report' ORDER BY seq").await;
        assert_eq!(audit.len(), 4, "{audit:?}");
        assert_eq!(audit[0], "operator");
        assert!(audit[1].starts_with("system:") && audit[3].starts_with("staff:"), "{audit:?}");

        // After the keeping time: the handed-out document's entry goes, the ready one stays.
        let (ok, out) = run_cli(&app, &["ausweise", "purge"]);
        assert!(ok && out.starts_with("0 "), "{out}");
        sql(&app, "UPDATE id_documents SET final_at = final_at - 2678400000 WHERE final_at IS NOT NULL").await;
        let (ok, out) = run_cli(&app, &["ausweise", "purge"]);
        assert!(ok && out.starts_with("1 "), "{out}");
        let (_, html) = ask(&app, &citizen, "2026000124", "29.02.1980").await;
        assert!(html.contains("kein Status vor"), "{html}");
        let (_, html) = ask(&app, &citizen, "2026000123", "09.11.1972").await;
        assert!(html.contains("zur Abholung bereit"));

        // Where no office reports, there is no such page.
        assert_eq!(reqwest::get(app.url("/solingen/ausweis-status")).await.unwrap().status(), 404);
        let home = decode_html(&reqwest::get(app.url("/soest")).await.unwrap().text().await.unwrap());
        assert!(home.contains("/soest/ausweis-status"));
    }
}

/// The pages in Chromium with axe-core on every state, citizen and staff, German and
/// English, after importing the demo's export the README names.
#[tokio::test]
async fn the_status_pages_in_the_browser() {
    use crate::browser::{
        audit, axe_source, browser, browser_lock, click, fill, provider_login, wait_for_css,
    };
    use fantoccini::Locator;
    let _lock = browser_lock().lock().await;
    let port = crate::support::free_port();
    let provider = OidcProvider::start(port).await;
    let dir = tempfile::tempdir().unwrap();
    let app =
        TestApp::start_with(provider.options(Options::new(Backend::Sqlite), port, dir.path()))
            .await;
    let demo = crate::support::workspace_root().join("demo/ausweise-soest.csv");
    let (ok, out) = run_cli(
        &app,
        &[
            "ausweise",
            "import",
            "--tenant",
            "soest",
            "--office",
            "buergerbuero",
            demo.to_str().unwrap(),
        ],
    );
    assert!(ok && out.contains("4 new"), "{out}");

    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let mut failures = Vec::new();
    for lang in ["de", "en"] {
        let at = |s: &str| format!("{lang}: {s}");
        c.goto(&app.url(&format!("/soest?lang={lang}")))
            .await
            .unwrap();
        click(c, "a[href='/soest/ausweis-status']").await;
        wait_for_css(c, "input#nummer").await;
        audit(c, &axe_js, at("form"), &mut failures).await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, ".error-summary").await;
        audit(c, &axe_js, at("form with errors"), &mut failures).await;
        fill(c, "nummer", "DEMO-2026-9999").await;
        fill(c, "geburtsdatum", "09.11.1972").await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, "#ergebnis").await;
        audit(c, &axe_js, at("no status"), &mut failures).await;
        fill(c, "nummer", "DEMO-2026-0001").await;
        fill(c, "geburtsdatum", "09.11.1972").await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, "a.button[href*='leistung=ausweis-abholen']").await;
        audit(c, &axe_js, at("ready"), &mut failures).await;
        click(c, "a.button[href*='leistung=ausweis-abholen']").await;
        wait_for_css(c, "form.appt-choose").await;
        let chosen = c
            .find(Locator::Css("input[value='ausweis-abholen']"))
            .await
            .unwrap();
        assert_eq!(
            chosen.prop("checked").await.unwrap().as_deref(),
            Some("true"),
            "the pick-up is chosen"
        );
        c.goto(&app.url("/soest/ausweis-status")).await.unwrap();
        fill(c, "nummer", "C4F1GH2JK").await;
        fill(c, "geburtsdatum", "29.02.1980").await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, "input#email").await;
        audit(c, &axe_js, at("in production"), &mut failures).await;
        fill(c, "email", "kein-at").await;
        click(c, "form[action$='/benachrichtigen'] button").await;
        wait_for_css(c, "#email-error").await;
        audit(c, &axe_js, at("notify with an error"), &mut failures).await;
        if lang == "en" {
            fill(c, "email", "demo.person@example.org").await;
            click(c, "form[action$='/benachrichtigen'] button").await;
            wait_for_css(c, "div.notice[role=status]").await;
            audit(c, &axe_js, at("notify done"), &mut failures).await;
        }
    }

    // The office's page in the back office.
    c.goto(&app.url("/soest/verwaltung/ausweise/buergerbuero"))
        .await
        .unwrap();
    provider_login(c, "sb-soest").await;
    c.goto(&app.url("/soest/verwaltung/ausweise/buergerbuero"))
        .await
        .unwrap();
    wait_for_css(c, "input#export").await;
    audit(c, &axe_js, "staff page".into(), &mut failures).await;
    let bad = dir.path().join("falsch.csv");
    std::fs::write(
        &bad,
        "art;seriennummer;geburtsdatum;status\nreisepass;C4F1GH2JK;29.02.1980;verloren\n",
    )
    .unwrap();
    c.find(Locator::Css("#export"))
        .await
        .unwrap()
        .send_keys(bad.to_str().unwrap())
        .await
        .unwrap();
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "staff upload refused".into(), &mut failures).await;
    c.find(Locator::Css("#export"))
        .await
        .unwrap()
        .send_keys(demo.to_str().unwrap())
        .await
        .unwrap();
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, "div.notice[role=status]").await;
    audit(c, &axe_js, "staff upload done".into(), &mut failures).await;

    // Logged in as a citizen: "tell me" goes to Mein Bereich, and so does the notice.
    c.goto(&app.url("/soest/anmelden?zurueck=/soest/ausweis-status"))
        .await
        .unwrap();
    provider_login(c, "erika").await;
    wait_for_css(c, "input#nummer").await;
    fill(c, "nummer", "C4F1GH2JK").await;
    fill(c, "geburtsdatum", "29.02.1980").await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, "input#email").await;
    audit(c, &axe_js, "in production, logged in".into(), &mut failures).await;
    click(c, "form[action$='/benachrichtigen'] button").await;
    wait_for_css(c, "div.notice[role=status] a[href='/soest/mein-bereich']").await;
    audit(c, &axe_js, "notify done, logged in".into(), &mut failures).await;
    let ready = dir.path().join("fertig.csv");
    std::fs::write(
        &ready,
        "art;seriennummer;geburtsdatum;status;seit\nreisepass;C4F1GH2JK;29.02.1980;abholbereit;2026-12-06\n",
    )
    .unwrap();
    let (ok, out) = run_cli(
        &app,
        &[
            "ausweise",
            "import",
            "--tenant",
            "soest",
            "--office",
            "buergerbuero",
            ready.to_str().unwrap(),
        ],
    );
    assert!(ok && out.contains("1 ready notifications"), "{out}");
    click(c, "div.notice[role=status] a[href='/soest/mein-bereich']").await;
    wait_for_css(c, "#mitteilungen").await;
    audit(
        c,
        &axe_js,
        "Mein Bereich with a notice".into(),
        &mut failures,
    )
    .await;
    click(c, "a[href^='/soest/mein-bereich/mitteilungen/']").await;
    wait_for_css(c, "a.button[href*='leistung=ausweis-abholen']").await;
    audit(c, &axe_js, "a notice".into(), &mut failures).await;
    click(c, "form[action$='/loeschen'] button").await;
    wait_for_css(c, "#antraege").await;
    assert!(
        c.find(Locator::Css("#mitteilungen")).await.is_err(),
        "the notice is deleted"
    );

    // A loss report filed logged in stands in Mein Bereich.
    c.goto(&app.url("/soest/fundbuero/verlust-melden"))
        .await
        .unwrap();
    wait_for_css(c, "#email-hint").await;
    audit(c, &axe_js, "loss form, logged in".into(), &mut failures).await;
    click(c, "#kategorie option[value=umbrella]").await;
    fill(c, "beschreibung", "Grüner Knirps-Schirm").await;
    fill(c, "verlustdatum", &crate::found::days_ago(1)).await;
    click(c, "#einwilligung").await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, "#gemeldet").await;
    audit(
        c,
        &axe_js,
        "loss report filed, logged in".into(),
        &mut failures,
    )
    .await;
    click(c, "main a[href='/soest/mein-bereich#verlustmeldungen']").await;
    wait_for_css(c, "#verlustmeldungen").await;
    audit(
        c,
        &axe_js,
        "Mein Bereich with a loss report".into(),
        &mut failures,
    )
    .await;
    let _ = b.client.clone().close().await;
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}
