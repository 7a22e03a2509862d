//! Moving folders end to end on both engines, with the Soest demo's "Umzug nach Soest": a
//! guest answers the opening questions (a wrong answer keeps the others), gets the items
//! that apply with their due dates, starts the dog registration and the waste bins from
//! the folder with the shared facts prefilled and marked, submits both, marks a task done
//! and another not for her; another browser sees nothing without the code, and everything
//! with it; deleting ends it. An account's folder (Solingen) opens for the account only,
//! stands in Mein Bereich, is in the data export and goes with the account.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::{client, login};
use crate::both_backends;
use crate::seed_forms::{continue_seed_form, seed_steps};
use crate::support::{
    csrf_token, decode_html, free_port, sql_strings, Backend, OidcProvider, Options, TestApp,
};

async fn get(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = http.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, decode_html(&res.text().await.unwrap()))
}

/// Posts `form` (with the CSRF token of the page at `page`) to `path`: status, location
/// and body.
async fn post(
    http: &reqwest::Client,
    app: &TestApp,
    page: &str,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let (_, html) = get(http, app, page).await;
    let csrf = csrf_token(&html).expect(&html);
    let mut fields = vec![("_csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    let res = http.post(app.url(path)).form(&fields).send().await.unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, decode_html(&res.text().await.unwrap()))
}

fn days_from_now(days: i64) -> jiff::civil::Date {
    jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date()
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
}

fn after(html: &str, key: &str, end: &str) -> String {
    let i = html.find(key).unwrap_or_else(|| panic!("{key} in {html}")) + key.len();
    html[i..i + html[i..].find(end).unwrap()].to_owned()
}

/// The `<li>` of item `id` on the folder page.
fn item<'a>(html: &'a str, id: &str) -> &'a str {
    let i = html
        .find(&format!("id=\"punkt-{id}\""))
        .unwrap_or_else(|| panic!("item {id} in {html}"));
    &html[i..i + html[i..].find("</li>").unwrap()]
}

both_backends! {
    async fn a_moving_folder_answers_once_for_every_service_it_holds(b: Backend) {
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b).env("RATHAUS_REMINDER_POLL_SECS", "1"), port, dir.path())).await;
        let guest = client();

        // The life situation offers the folder.
        let (_, html) = get(&guest, &app, "/soest/lebenslagen/umzug").await;
        assert!(html.contains("Umzug nach Soest") && html.contains("href=\"/soest/mappen/umzug-nach-soest\""), "{html}");

        // A wrong answer keeps every other one.
        let new = "/soest/mappen/umzug-nach-soest";
        let moving = days_from_now(3);
        let moving_de = moving.strftime("%d.%m.%Y").to_string();
        let mut answers = vec![("umzugsdatum", "31.02.2027"), ("zuzug", "von_ausserhalb"), ("vorname", "Jana"),
            ("nachname", "Umzieher-Demo"), ("neue_anschrift.street", "Brüderstraße"), ("neue_anschrift.house_number", "12"),
            ("neue_anschrift.postal_code", "59494"), ("neue_anschrift.city", "Soest"), ("email", "jana.umzug@example.org"),
            ("hund", "ja"), ("auto", "nein"), ("kinder", "nein"), ("pferd", "ja"), ("einwilligung", "ja")];
        let (status, _, html) = post(&guest, &app, new, new, &answers).await;
        assert_eq!(status, 422);
        assert!(html.contains("id=\"f-umzugsdatum-error\"") && html.contains("value=\"Umzieher-Demo\""), "{html}");
        answers[0].1 = &moving_de;
        let (status, location, html) = post(&guest, &app, new, new, &answers).await;
        assert_eq!(status, 303, "{html}");
        assert!(location.starts_with("/soest/mappe/"), "{location}");
        let folder = location.clone();

        // The items that apply, with their due dates.
        let (status, html) = get(&guest, &app, &folder).await;
        assert_eq!(status, 200);
        for (id, shown) in [("nachsendeauftrag", true), ("kita", false), ("ummeldung", true), ("hund", true),
            ("muelltonnen", true), ("muelltonnen-alt", false), ("fahrzeug", false), ("reitkennzeichen", true), ("rundfunk", true)] {
            assert_eq!(html.contains(&format!("id=\"punkt-{id}\"")), shown, "{id}: {html}");
        }
        let due = days_from_now(17).strftime("%d.%m.%Y").to_string();
        assert!(item(&html, "ummeldung").contains(&format!("fällig bis {due}")), "{}", item(&html, "ummeldung"));
        assert!(item(&html, "ummeldung").contains("href=\"/soest/termine/buergerbuero?leistung=ummeldung\""));
        assert!(item(&html, "ummeldung").contains("class=\"hours-list\""), "the office's hours: {}", item(&html, "ummeldung"));
        assert!(item(&html, "reitkennzeichen").contains("Reitkennzeichen"), "the Kreis's service in the Stadt's folder");
        let reference = after(&html, "<dt>Mappennummer</dt><dd>", "<");
        let code = after(&html, "<dt>Zugangscode</dt><dd><code>", "<");
        assert!(reference.starts_with("M-") && code.len() == 14, "{reference} {code}");

        // Nobody else opens it.
        let other = client();
        assert_eq!(get(&other, &app, &folder).await.0, 404);

        // The dog, applied for from the folder: the facts are prefilled and marked.
        let (status, step, _) = post(&guest, &app, &folder, &format!("{folder}/punkt/hund"), &[("aktion", "beantragen")]).await;
        assert_eq!(status, 303);
        assert!(step.ends_with("/schritt/halter"), "{step}");
        let (_, html) = get(&guest, &app, &step).await;
        assert!(html.contains("value=\"Jana\"") && html.contains("value=\"Brüderstraße\""), "{html}");
        assert!(html.contains("Aus Ihrer Umzugsmappe übernommen."), "{html}");
        let receipt = continue_seed_form(&app, &guest, "soest/hundeanmeldung", &seed_steps("soest/hundeanmeldung"), step).await;
        let (_, html) = get(&guest, &app, &receipt).await;
        let dog_reference = after(&html, "class=\"reference\">", "<");

        // The waste bins: the new address and the moving date taken over.
        let (status, step, _) = post(&guest, &app, &folder, &format!("{folder}/punkt/muelltonnen"), &[("aktion", "beantragen")]).await;
        assert_eq!(status, 303);
        let (_, html) = get(&guest, &app, &step).await;
        assert!(html.contains("value=\"Brüderstraße\""), "{html}");
        let drafts = sql_strings(&app, "SELECT answers FROM drafts WHERE service_id = 'abfallbehaelter-anmeldung'").await;
        assert!(drafts[0].contains(&moving.to_string()), "the moving date as the start: {drafts:?}");
        continue_seed_form(&app, &guest, "soest/abfallbehaelter-anmeldung", &seed_steps("soest/abfallbehaelter-anmeldung"), step).await;

        // A task done, one not for her.
        let (status, back, _) = post(&guest, &app, &folder, &format!("{folder}/punkt/nachsendeauftrag"), &[("aktion", "erledigt")]).await;
        assert_eq!((status, back.as_str()), (303, folder.as_str()));
        post(&guest, &app, &folder, &format!("{folder}/punkt/reitkennzeichen"), &[("aktion", "nicht_fuer_mich")]).await;
        let (status, _, _) = post(&guest, &app, &folder, &format!("{folder}/punkt/gibt-es-nicht"), &[("aktion", "erledigt")]).await;
        assert_eq!(status, 404);
        let (_, html) = get(&guest, &app, &folder).await;
        assert!(item(&html, "hund").contains("Antrag gestellt") && item(&html, "hund").contains(&dog_reference), "{}", item(&html, "hund"));
        assert!(item(&html, "muelltonnen").contains("Antrag gestellt"));
        assert!(item(&html, "tonnen-uebernehmen").contains("nicht nötig – anders erledigt"), "the bins' alternative: {}", item(&html, "tonnen-uebernehmen"));
        assert!(item(&html, "nachsendeauftrag").contains("erledigt"));
        assert!(item(&html, "reitkennzeichen").contains("nicht für mich"));
        assert!(html.contains("Noch ein Punkt ist offen."), "the Ummeldung: {html}");

        // The due dates for a calendar and the list as PDF/A, for the owner only.
        let res = guest.get(app.url(&format!("{folder}/fristen.ics"))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let ics = res.text().await.unwrap();
        let due_ics = days_from_now(17).strftime("%Y%m%d").to_string();
        assert!(ics.contains(&format!("DTSTART;VALUE=DATE:{due_ics}")) && ics.contains("Wohnsitz anmelden"), "{ics}");
        assert!(!ics.contains("Hund anmelden"), "a submitted application is no due date any more: {ics}");
        let res = guest.get(app.url(&format!("{folder}/liste.pdf"))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let pdf = res.bytes().await.unwrap();
        crate::support::assert_pdf_a(&pdf);
        let text = crate::support::pdf_text(&pdf);
        assert!(text.contains("Umzug nach Soest") && text.contains(&dog_reference), "{text}");
        assert_eq!(other.get(app.url(&format!("{folder}/liste.pdf"))).send().await.unwrap().status(), 404);

        // Another browser: nothing with a wrong code, everything with the right one.
        let open = "/soest/mappe-oeffnen";
        let (status, _, html) = post(&other, &app, open, open, &[("mappe", &reference), ("code", "AAAA-BBBB-CCCC")]).await;
        assert_eq!(status, 200);
        assert!(html.contains("Zu diesen Angaben gibt es keine Mappe."), "{html}");
        let typed = reference.to_lowercase().replace('-', " ");
        let (status, location, _) = post(&other, &app, open, open, &[("mappe", &typed), ("code", &code.to_lowercase())]).await;
        assert_eq!((status, location.as_str()), (303, folder.as_str()));
        let (status, html) = get(&other, &app, &folder).await;
        assert_eq!(status, 200);
        assert!(item(&html, "hund").contains("Antrag gestellt") && item(&html, "nachsendeauftrag").contains("erledigt"), "{html}");

        // Deleted, it is gone for both browsers; the applications stay.
        let (status, _, html) = post(&other, &app, &folder, &format!("{folder}/loeschen"), &[]).await;
        assert_eq!(status, 200);
        assert!(html.contains("Ihre Mappe wurde gelöscht."));
        assert_eq!(get(&guest, &app, &folder).await.0, 404);
        assert_eq!(sql_strings(&app, "SELECT item_id FROM folder_items").await.len(), 0);
        assert_eq!(sql_strings(&app, "SELECT reference FROM submissions").await.len(), 2);

        // A move twelve days ago: the Ummeldung and the dog are due in two days, and the
        // guest is reminded once, by a mail that names neither them nor the items.
        let past = days_from_now(-12).strftime("%d.%m.%Y").to_string();
        let late = client();
        let new = "/soest/mappen/umzug-nach-soest";
        let mut answers = answers.clone();
        answers[0].1 = &past;
        answers[8].1 = "spaet.umzug@example.org";
        let (status, _, _) = post(&late, &app, new, new, &answers).await;
        assert_eq!(status, 303);
        let sent = crate::appointments::wait_for_mails(&app, |m| m.contains("spaet.umzug@example.org"), 1).await;
        assert!(sent[0].contains("sind 2 Punkte in den n"), "{}", sent[0]);
        assert!(sent[0].contains("/soest/mappe-oeffnen"), "{}", sent[0]);
        for secret in ["Umzieher-Demo", "Brüderstraße", "Br=C3=BCderstra", "Hund"] {
            assert!(!sent[0].contains(secret), "the reminder names nothing: {}", sent[0]);
        }
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        assert_eq!(crate::appointments::mails(&app).iter().filter(|m| m.contains("spaet.umzug@example.org")).count(), 1, "once");

        // An account's folder: its own, without consent nothing of it is taken over.
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let new = "/solingen/mappen/umzug-in-solingen";
        let (status, location, html) = post(&erika, &app, new, new, &[("umzugsdatum", &past), ("vorname", "Erika"),
            ("nachname", "Mappe-Demo"), ("neue_anschrift.street", "Kasinostraße"), ("neue_anschrift.house_number", "3"),
            ("neue_anschrift.postal_code", "42651"), ("neue_anschrift.city", "Solingen"), ("bewohnerzone", "ja"), ("auto", "ja")]).await;
        assert_eq!(status, 303, "{html}");
        let (_, html) = get(&erika, &app, &location).await;
        assert!(html.contains("id=\"punkt-bewohnerparken\"") && !html.contains("Mappennummer"), "{html}");
        let (_, my) = get(&erika, &app, "/solingen/mein-bereich").await;
        assert!(my.contains("Meine Umzugsmappen") && my.contains(&format!("href=\"{location}\"")), "{my}");
        // Her Ummeldung is due in two days: a notice in Mein Bereich (once).
        let mut notices = Vec::new();
        for _ in 0..50 {
            notices = sql_strings(&app, "SELECT subject FROM account_notices WHERE kind = 'folder-due'").await;
            if !notices.is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(notices, ["Umzugsmappe: ein Punkt ist bald fällig"]);
        let max = client();
        login(&app, &max, "solingen", "max").await;
        assert_eq!(get(&max, &app, &location).await.0, 404);
        let (status, step, _) = post(&erika, &app, &location, &format!("{location}/punkt/bewohnerparken"), &[("aktion", "beantragen")]).await;
        assert_eq!(status, 303);
        let (_, html) = get(&erika, &app, &step).await;
        assert!(!html.contains("Kasinostraße") && !html.contains("Aus Ihrer Umzugsmappe"), "no consent, nothing taken over: {html}");
        let data: serde_json::Value = erika.get(app.url("/solingen/mein-bereich/daten.json")).send().await.unwrap().json().await.unwrap();
        assert_eq!(data["moving_folders"][0]["plan"], "umzug-in-solingen", "{data}");
        let (_, html) = get(&erika, &app, "/solingen/mein-bereich/konto-loeschen").await;
        let res = erika.post(app.url("/solingen/mein-bereich/konto-loeschen"))
            .form(&[("_csrf", csrf_token(&html).unwrap().as_str()), ("bestaetigt", "ja")]).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(sql_strings(&app, "SELECT id FROM folders WHERE account_id IS NOT NULL").await.is_empty(), "the folder goes with the account");
    }
}

/// The folder's pages in Chromium (they use no script of their own), with axe-core on every
/// page and state, German and English: made, a task done, the dog's application begun from
/// it, then opened in a fresh browser with reference and code, showing both.
#[tokio::test]
async fn the_moving_folder_in_the_browser() {
    use crate::browser::{audit, axe_source, browser, browser_lock, click, wait_for_css};
    use fantoccini::{Client, Locator};
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let mut failures = Vec::new();
    let type_in = |c: &Client, name: &'static str, value: String| {
        let c = c.clone();
        async move {
            let el = c
                .find(Locator::Css(&format!("[name='{name}']")))
                .await
                .unwrap();
            el.clear().await.unwrap();
            el.send_keys(&value).await.unwrap();
        }
    };
    let choose = |c: &Client, name: &'static str, value: &'static str| {
        let c = c.clone();
        async move {
            let input = c
                .find(Locator::Css(&format!(
                    "input[name='{name}'][value='{value}']"
                )))
                .await
                .unwrap();
            let id = input.attr("id").await.unwrap().unwrap();
            click(&c, &format!("label[for='{id}']")).await;
        }
    };

    c.goto(&app.url("/soest/lebenslagen/umzug")).await.unwrap();
    wait_for_css(c, ".folder-offer").await;
    audit(
        c,
        &axe_js,
        "life situation with its folder".into(),
        &mut failures,
    )
    .await;
    click(c, ".folder-offer a.button-link").await;
    wait_for_css(c, "input[name='umzugsdatum']").await;
    audit(c, &axe_js, "opening questions".into(), &mut failures).await;
    click(c, "main form .actions button").await;
    wait_for_css(c, ".error-summary").await;
    audit(
        c,
        &axe_js,
        "opening questions with errors".into(),
        &mut failures,
    )
    .await;
    type_in(
        c,
        "umzugsdatum",
        days_from_now(5).strftime("%d.%m.%Y").to_string(),
    )
    .await;
    choose(c, "zuzug", "von_ausserhalb").await;
    type_in(c, "vorname", "Jana".into()).await;
    type_in(c, "nachname", "Umzieher-Demo".into()).await;
    type_in(c, "neue_anschrift.street", "Brüderstraße".into()).await;
    type_in(c, "neue_anschrift.house_number", "12".into()).await;
    type_in(c, "neue_anschrift.postal_code", "59494".into()).await;
    type_in(c, "neue_anschrift.city", "Soest".into()).await;
    choose(c, "hund", "ja").await;
    choose(c, "auto", "nein").await;
    choose(c, "kinder", "nein").await;
    choose(c, "pferd", "nein").await;
    click(c, "main form .actions button").await;
    wait_for_css(c, "#punkt-hund").await;
    audit(c, &axe_js, "the checklist".into(), &mut failures).await;
    click(c, "#punkt-nachsendeauftrag button[value='erledigt']").await;
    wait_for_css(c, "#punkt-nachsendeauftrag.folder-done").await;
    audit(
        c,
        &axe_js,
        "the checklist with a task done".into(),
        &mut failures,
    )
    .await;
    let folder = c.current_url().await.unwrap().path().to_owned();
    c.goto(&app.url(&format!("{folder}?lang=en")))
        .await
        .unwrap();
    wait_for_css(c, "#punkt-hund").await;
    audit(c, &axe_js, "en: the checklist".into(), &mut failures).await;
    c.goto(&app.url(&format!("{folder}?lang=de")))
        .await
        .unwrap();
    let text_of = |c: &Client, css: &'static str| {
        let c = c.clone();
        async move {
            c.find(Locator::Css(css))
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let reference = text_of(c, "#zugang dd").await;
    let code = text_of(c, "#zugang code").await;
    click(c, "#punkt-hund button[value='beantragen']").await;
    wait_for_css(c, "p.prefilled").await;
    audit(
        c,
        &axe_js,
        "a step prefilled from the folder".into(),
        &mut failures,
    )
    .await;
    // Another browser (no cookies): the folder opens with its reference and code only.
    // (WebDriver deletes the cookies the current page sees: the folder's are scoped to it.)
    c.goto(&app.url(&folder)).await.unwrap();
    c.delete_all_cookies().await.unwrap();
    c.goto(&app.url(&folder)).await.unwrap();
    assert!(
        c.find(Locator::Css("#punkt-hund")).await.is_err(),
        "not without the code"
    );
    c.goto(&app.url("/soest/mappe-oeffnen")).await.unwrap();
    type_in(c, "mappe", reference).await;
    type_in(c, "code", code).await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, "#punkt-hund.folder-draft").await;
    assert!(c
        .find(Locator::Css("#punkt-nachsendeauftrag.folder-done"))
        .await
        .is_ok());
    audit(
        c,
        &axe_js,
        "the folder opened in another browser".into(),
        &mut failures,
    )
    .await;
    c.goto(&app.url("/soest/mappe-oeffnen")).await.unwrap();
    wait_for_css(c, "input[name='mappe']").await;
    audit(c, &axe_js, "opening a folder".into(), &mut failures).await;
    type_in(c, "mappe", "M-2026-000000".into()).await;
    type_in(c, "code", "AAAA-BBBB-CCCC".into()).await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, "#keine-mappe").await;
    audit(c, &axe_js, "opening a folder: none".into(), &mut failures).await;
    c.goto(&app.url(&folder)).await.unwrap();
    click(c, "form[action$='/loeschen'] button").await;
    wait_for_css(c, "#geloescht").await;
    audit(c, &axe_js, "folder deleted".into(), &mut failures).await;
    let _ = b.client.clone().close().await;
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}

both_backends! {
    async fn a_city_app_keeps_the_accounts_moving_folder(b: Backend) {
        use crate::api_login::{access, app_code_in, exchange_in};
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b), port, dir.path())).await;
        let phone = client();
        let (code, verifier, redirect) = app_code_in(&app, &phone, "soest", "erika").await;
        let token = access(&exchange_in(&app, "soest", &code, &verifier, &redirect).await.1);
        let api = |method: reqwest::Method, path: String, body: Option<serde_json::Value>, token: String| {
            let app = &app;
            async move {
                let mut req = reqwest::Client::new().request(method, app.url(&path)).bearer_auth(token);
                if let Some(b) = body {
                    req = req.json(&b);
                }
                let res = req.send().await.unwrap();
                let status = res.status().as_u16();
                (status, res.json::<serde_json::Value>().await.unwrap_or(serde_json::Value::Null))
            }
        };
        let moving = days_from_now(10).to_string();
        let mut answers = serde_json::json!({"umzugsdatum": "gestern", "zuzug": "von_ausserhalb", "vorname": "Erika",
            "nachname": "App-Demo", "neue_anschrift": {"street": "Brüderstraße", "house_number": "5", "postal_code": "59494", "city": "Soest"},
            "hund": true, "auto": false, "kinder": false, "pferd": false});
        let (status, p) = api(reqwest::Method::POST, "/api/v1/tenants/soest/folders".into(),
            Some(serde_json::json!({"plan": "umzug-nach-soest", "answers": answers.clone(), "consent": true})), token.clone()).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(p["errors"][0]["field"], "umzugsdatum", "{p}");
        answers["umzugsdatum"] = serde_json::json!(moving);
        let (status, f) = api(reqwest::Method::POST, "/api/v1/tenants/soest/folders".into(),
            Some(serde_json::json!({"plan": "umzug-nach-soest", "answers": answers, "consent": true})), token.clone()).await;
        assert_eq!(status, 201, "{f}");
        let id = f["id"].as_str().unwrap().to_owned();
        let items = f["items"].as_array().unwrap();
        let hund = items.iter().find(|i| i["id"] == "hund").expect("the dog applies");
        assert_eq!((hund["kind"].as_str(), hund["service"].as_str(), hund["state"].as_str()), (Some("service"), Some("hundeanmeldung"), Some("open")));
        assert_eq!(hund["due"], days_from_now(24).to_string());
        assert!(!items.iter().any(|i| i["id"] == "kita"));
        let (status, list) = api(reqwest::Method::GET, "/api/v1/tenants/soest/folders".into(), None, token.clone()).await;
        assert_eq!((status, list["items"][0]["id"].as_str()), (200, Some(id.as_str())), "{list}");
        let (status, f) = api(reqwest::Method::POST, format!("/api/v1/tenants/soest/folders/{id}/items/nachsendeauftrag"),
            Some(serde_json::json!({"state": "done"})), token.clone()).await;
        assert_eq!(status, 200, "{f}");
        assert_eq!(f["items"].as_array().unwrap().iter().find(|i| i["id"] == "nachsendeauftrag").unwrap()["state"], "done");
        let (status, _) = api(reqwest::Method::POST, format!("/api/v1/tenants/soest/folders/{id}/items/nachsendeauftrag"),
            Some(serde_json::json!({"state": "submitted"})), token.clone()).await;
        assert_eq!(status, 400, "only what a citizen marks");
        // The same folder on the web, for the same account.
        let web = client();
        login(&app, &web, "soest", "erika").await;
        let (status, html) = get(&web, &app, &format!("/soest/mappe/{id}")).await;
        assert_eq!(status, 200);
        assert!(item(&html, "nachsendeauftrag").contains("erledigt"), "{html}");
        // Nobody else: another account's app, a guest's app.
        let other = client();
        let (code, verifier, redirect) = app_code_in(&app, &other, "soest", "max").await;
        let max = access(&exchange_in(&app, "soest", &code, &verifier, &redirect).await.1);
        let (status, _) = api(reqwest::Method::GET, format!("/api/v1/tenants/soest/folders/{id}"), None, max.clone()).await;
        assert_eq!(status, 404);
        let (status, _) = api(reqwest::Method::POST, format!("/api/v1/tenants/soest/folders/{id}/items/rundfunk"),
            Some(serde_json::json!({"state": "done"})), max.clone()).await;
        assert_eq!(status, 404);
        let guest: serde_json::Value = reqwest::Client::new().post(app.url("/api/v1/tenants/soest/token"))
            .form(&[("grant_type", "urn:rathaus:grant-type:guest"), ("client_id", "stadt-app-demo")])
            .send().await.unwrap().json().await.unwrap();
        let (status, p) = api(reqwest::Method::POST, "/api/v1/tenants/soest/folders".into(),
            Some(serde_json::json!({"plan": "umzug-nach-soest", "answers": {}})), access(&guest)).await;
        assert_eq!((status, p["code"].as_str()), (403, Some("account-needed")), "{p}");
    }
}

/// A moving folder with the keyboard alone: the questions (typing, Space, arrows), marking a
/// task done and applying from the folder.
#[tokio::test]
async fn a_moving_folder_with_the_keyboard_alone() {
    use crate::browser::{
        browser, browser_lock, press, tab_to, wait_for_css, wait_for_url, ARROW_RIGHT, ENTER, SPACE,
    };
    use fantoccini::Locator;
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    c.goto(&app.url("/soest/mappen/umzug-nach-soest"))
        .await
        .unwrap();
    let moving = days_from_now(5).strftime("%d.%m.%Y").to_string();
    tab_to(c, "f-umzugsdatum").await;
    press(c, &moving).await;
    tab_to(c, "f-zuzug").await;
    press(c, SPACE).await;
    for (id, text) in [
        ("f-vorname", "Jana"),
        ("f-nachname", "Tastatur-Demo"),
        ("f-neue_anschrift-street", "Brüderstraße"),
        ("f-neue_anschrift-house_number", "12"),
        ("f-neue_anschrift-postal_code", "59494"),
        ("f-neue_anschrift-city", "Soest"),
    ] {
        tab_to(c, id).await;
        press(c, text).await;
    }
    // Radio groups: Space takes "Ja", an arrow key moves to "Nein".
    tab_to(c, "f-hund").await;
    press(c, SPACE).await;
    for id in ["f-auto", "f-kinder", "f-pferd"] {
        tab_to(c, id).await;
        press(c, ARROW_RIGHT).await;
    }
    tab_to(c, "Umzugsmappe anlegen").await;
    press(c, ENTER).await;
    wait_for_url(c, "/soest/mappe/").await;
    wait_for_css(c, "#punkt-hund").await;
    tab_to(c, "erledigt").await;
    press(c, ENTER).await;
    wait_for_css(c, "#punkt-nachsendeauftrag.folder-done").await;
    tab_to(c, "beantragen").await;
    press(c, ENTER).await;
    wait_for_url(c, "/schritt/halter").await;
    let name = c
        .find(Locator::Id("f-nachname"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(
        name.as_deref(),
        Some("Tastatur-Demo"),
        "taken over from the folder"
    );
    let _ = b.client.clone().close().await;
}
