//! The Fundbüro of the Soest demo end to end on both engines: a citizen's loss report
//! stands as a search; staff register found items, the public text checked for names and
//! numbers, the private features kept apart; a match is suggested to staff and the owner
//! is told by a mail that names no private detail; the public search shows the public
//! layer only and never identity documents; other offices' staff are refused. In
//! Chromium, axe-core on every page and state.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::client;
use crate::appointments::wait_for_mails;
use crate::backoffice::staff_login;
use crate::both_backends;
use crate::support::{
    csrf_token, decode_html, sql_strings, Backend, OidcProvider, Options, TestApp,
};

/// A day `days` ago, as people write it.
pub(crate) fn days_ago(days: i64) -> String {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date();
    today
        .checked_sub(jiff::Span::new().days(days))
        .unwrap()
        .strftime("%d.%m.%Y")
        .to_string()
}

pub(crate) async fn post(
    http: &reqwest::Client,
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
) -> (u16, String) {
    let html = decode_html(
        &http
            .get(app.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let csrf = csrf_token(&html).expect(&html);
    let mut fields = vec![("_csrf", csrf.as_str())];
    fields.extend_from_slice(form);
    let res = http.post(app.url(path)).form(&fields).send().await.unwrap();
    let status = res.status().as_u16();
    (status, decode_html(&res.text().await.unwrap()))
}

/// A 4×4 PNG (a photo of a found item, as far as the office is concerned).
pub(crate) const PNG: [u8; 73] = [
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 4, 0, 0, 0, 4, 8, 2, 0,
    0, 0, 38, 147, 9, 41, 0, 0, 0, 16, 73, 68, 65, 84, 120, 156, 99, 104, 112, 80, 128, 35, 6, 226,
    56, 0, 114, 67, 14, 1, 172, 130, 245, 189, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

/// Uploads `bytes` as a photo of item `number` from the staff page in `html`.
async fn upload_photo(
    staff: &reqwest::Client,
    app: &TestApp,
    html: &str,
    number: &str,
    bytes: &[u8],
) -> (u16, String) {
    let csrf = csrf_token(html).unwrap();
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "datei",
        reqwest::multipart::Part::bytes(bytes.to_vec()).file_name("fund.png"),
    );
    let res = staff
        .post(app.url(&format!(
            "/soest/verwaltung/fundbuero/buergerbuero/fotos/{number}"
        )))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, decode_html(&res.text().await.unwrap()))
}

async fn page(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = http.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, decode_html(&res.text().await.unwrap()))
}

both_backends! {
    async fn found_items_meet_their_owners_without_revealing_them(b: Backend) {
        let port = crate::support::free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b).env("RATHAUS_REMINDER_POLL_SECS", "1"), port, dir.path())).await;
        let owner = client();
        let loss = "/soest/fundbuero/verlust-melden";

        // A loss report with mistakes keeps what was right and names what was wrong.
        let yesterday = days_ago(1);
        let (status, html) = post(&owner, &app, loss, &[("kategorie", "bag"), ("farbe", "blau"),
            ("beschreibung", "Blauer Deuter-Rucksack mit Trinkflasche"), ("verlustort", "Bahnhof"),
            ("verlustdatum", &yesterday), ("email", "kein-at")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("id=\"email-error\"") && html.contains("id=\"einwilligung-error\""), "{html}");
        assert!(html.contains("Blauer Deuter-Rucksack mit Trinkflasche"));
        let (status, html) = post(&owner, &app, loss, &[("kategorie", "bag"), ("farbe", "blau"),
            ("beschreibung", "Blauer Deuter-Rucksack mit Trinkflasche"), ("verlustort", "Bahnhof"),
            ("verlustdatum", &yesterday), ("email", "mia.verlust@example.org"), ("einwilligung", "ja")]).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Ihre Verlustmeldung ist eingegangen") && !html.contains("passen könnten"));
        // The certificate of loss, as PDF/A, for the browser that filed the report.
        let hidden = |name: &str| {
            let key = format!("name=\"{name}\" value=\"");
            let i = html.find(&key).unwrap() + key.len();
            html[i..i + html[i..].find('"').unwrap()].to_owned()
        };
        let (report_id, token, csrf) = (hidden("meldung"), hidden("token"), csrf_token(&html).unwrap());
        // The reference and access code to open it later, from any browser.
        let after = |key: &str, end: &str| {
            let i = html.find(key).unwrap() + key.len();
            html[i..i + html[i..].find(end).unwrap()].to_owned()
        };
        let reference = after("<dt>Meldungsnummer</dt><dd>", "<");
        let code = after("<dt>Zugangscode</dt><dd><code>", "<");
        assert!(reference.starts_with("V-") && code.len() == 14, "{reference} {code}");
        let fetch = |token: String| {
            let (app, owner, report_id, csrf) = (&app, &owner, report_id.clone(), csrf.clone());
            async move {
                owner.post(app.url("/soest/fundbuero/verlust-melden/bescheinigung"))
                    .form(&[("_csrf", csrf.as_str()), ("meldung", report_id.as_str()), ("token", token.as_str())])
                    .send().await.unwrap()
            }
        };
        assert_eq!(fetch("0".repeat(32)).await.status(), 404, "not without the token");
        let res = fetch(token.clone()).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let pdf = res.bytes().await.unwrap();
        crate::support::assert_pdf_a(&pdf);
        let text = crate::support::pdf_text(&pdf);
        assert!(text.contains("Verlustbescheinigung") && text.contains("Blauer Deuter-Rucksack mit Trinkflasche"), "{text}");
        assert!(text.contains(&reference), "{text}");


        // Staff register; the public text is checked, the private features kept apart.
        let staff = client();
        staff_login(&app, &staff, "soest", "sb-soest").await;
        let office = "/soest/verwaltung/fundbuero/buergerbuero";
        let today = days_ago(0);
        let (status, html) = post(&staff, &app, office, &[("kategorie", "bag"), ("farbe", "blau"), ("marke", "Deuter"),
            ("beschreibung", "Rucksack von Herrn Meyer"), ("fundort", "Bahnhof 0171 2345678"), ("funddatum", &today),
            ("merkmale", "Schülerausweis PRIVATMERKMAL")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("keinen Namen") && html.contains("keine Telefonnummer"), "{html}");
        assert!(html.contains("Schülerausweis PRIVATMERKMAL"), "the private features are kept");
        let (status, html) = post(&staff, &app, office, &[("kategorie", "bag"), ("farbe", "blau"), ("marke", "Deuter"),
            ("beschreibung", "Rucksack mit Trinkflasche"), ("fundort", "Bahnhof"), ("funddatum", &today),
            ("seriennummer", "DT 12 O 47"), ("inhalt", "Schülerausweis PRIVATMERKMAL, Brotdose"),
            ("merkmale", "Dino-Aufkleber"), ("finderlohn", "ja")]).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Eine Verlustmeldung könnte passen"), "{html}");
        let number = {
            let i = html.find("Erfasst als ").unwrap() + "Erfasst als ".len();
            html[i..i + html[i..].find('.').unwrap()].to_owned()
        };
        assert!(number.starts_with("F-"), "{number}");
        assert!(html.contains("Blauer Deuter-Rucksack mit Trinkflasche"), "staff see the suggestion");

        // Photos: JPEG or PNG only, three per item, for staff only.
        let (status, html) = upload_photo(&staff, &app, &html, &number, b"just some text").await;
        assert_eq!(status, 422);
        assert!(html.contains("JPEG oder PNG"), "{html}");
        assert!(html.contains(&format!("id=\"foto-{number}-error\"")), "the error stands at the item's file input");
        let (status, html) = upload_photo(&staff, &app, &html, &number, &PNG).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains(&format!("Das Foto wurde zu {number} gespeichert")), "{html}");
        let photo_href = {
            let key = "/soest/verwaltung/fundbuero/buergerbuero/foto/";
            let i = html.find(key).unwrap();
            html[i..i + html[i..].find('"').unwrap()].to_owned()
        };
        assert!(html.contains(&format!("alt=\"Foto 1 der Fundsache {number}\"")), "{html}");
        let res = staff.get(app.url(&photo_href)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/png");
        assert_eq!(res.bytes().await.unwrap().as_ref(), PNG.as_slice());
        let (status, html) = upload_photo(&staff, &app, &html, &number, &PNG).await;
        assert_eq!(status, 200, "the second");
        let (status, html) = upload_photo(&staff, &app, &html, &number, &PNG).await;
        assert_eq!(status, 200, "the third");
        assert!(!html.contains(&format!("action=\"/soest/verwaltung/fundbuero/buergerbuero/fotos/{number}\"")), "no upload offered beyond three: {html}");
        let (status, _) = upload_photo(&staff, &app, &html, &number, &PNG).await;
        assert_eq!(status, 409, "a fourth photo is refused");
        let (status, html) = post(&staff, &app, office, &[("kategorie", "identity_document"), ("beschreibung", "Personalausweis"),
            ("fundort", "Marktplatz"), ("funddatum", &today)]).await;
        assert_eq!(status, 200);
        let id_card = {
            let i = html.find("Erfasst als ").unwrap() + "Erfasst als ".len();
            html[i..i + html[i..].find('.').unwrap()].to_owned()
        };
        let (status, html) = upload_photo(&staff, &app, &html, &id_card, &PNG).await;
        assert_eq!(status, 422, "identity documents are not photographed");
        assert!(html.contains("nicht fotografiert"), "{html}");

        // The owner hears of it, without any private detail.
        let mails = wait_for_mails(&app, |m| m.contains("mia.verlust@example.org"), 1).await;
        assert!(mails[0].contains(&number), "{}", mails[0]);
        assert!(!mails[0].contains("PRIVATMERKMAL") && !mails[0].contains("Brotdose"));

        // The public search: the public layer only, never identity documents.
        let anyone = client();
        let (status, html) = page(&anyone, &app, "/soest/fundbuero").await;
        assert_eq!(status, 200);
        assert!(html.contains(&number) && html.contains("Rucksack mit Trinkflasche"), "{html}");
        assert!(!html.contains("PRIVATMERKMAL") && !html.contains("Brotdose"));
        assert!(!html.contains("Marktplatz"), "the identity document is not listed");
        let (_, html) = page(&anyone, &app, "/soest/fundbuero?suche=PRIVATMERKMAL").await;
        assert!(!html.contains(&number), "private features are not searched");
        let (_, html) = page(&anyone, &app, "/soest/fundbuero?suche=trinkflasche&kategorie=bag").await;
        assert!(html.contains(&number));
        let (_, html) = page(&anyone, &app, "/soest/fundbuero?kategorie=identity_document").await;
        assert!(!html.contains("Marktplatz"));

        // The same search over the city-app API.
        let res = reqwest::get(app.url("/api/v1/tenants/soest/found-items?q=trinkflasche&category=bag")).await.unwrap();
        assert_eq!(res.status(), 200);
        let body = res.text().await.unwrap();
        assert!(!body.contains("PRIVATMERKMAL") && !body.contains("Marktplatz"), "{body}");
        let list: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(list["items"][0]["number"].as_str(), Some(number.as_str()), "{list}");
        assert_eq!(list["items"][0]["category_label"], "Tasche oder Rucksack");
        assert_eq!(reqwest::get(app.url("/api/v1/tenants/solingen/found-items")).await.unwrap().status(), 404);

        // A later report that fits is told at once.
        let (status, html) = post(&client(), &app, loss, &[("kategorie", "bag"), ("beschreibung", "Rucksack"),
            ("verlustdatum", &days_ago(2)), ("email", "zweite.person@example.org"), ("einwilligung", "ja")]).await;
        assert_eq!(status, 200);
        assert!(html.contains("passen könnten"), "{html}");
        wait_for_mails(&app, |m| m.contains("zweite.person@example.org") && m.contains(&number), 1).await;
        // A report ends a year after it was filed (a moved clock): it and its data go.
        crate::support::sql(&app, "UPDATE loss_reports SET created_at = 1 WHERE email = 'zweite.person@example.org'").await;
        let mut left = 1;
        for _ in 0..100 {
            left = sql_strings(&app, "SELECT id FROM loss_reports WHERE email = 'zweite.person@example.org'").await.len();
            if left == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(left, 0, "deleted after a year");
        assert_eq!(sql_strings(&app, "SELECT id FROM loss_reports WHERE email = 'mia.verlust@example.org'").await.len(), 1, "the recent one stays");

        // The owner claims it; staff compare with the private features and decide.
        let claim_path = format!("/soest/fundbuero/{number}/anspruch");
        let (_, html) = page(&anyone, &app, "/soest/fundbuero").await;
        assert!(html.contains(&claim_path), "{html}");
        assert_eq!(page(&anyone, &app, "/soest/fundbuero/F-1999-NIX/anspruch").await.0, 404);
        // The claimant is asked about each kind of feature kept, never shown what is kept.
        let (_, html) = page(&owner, &app, &claim_path).await;
        assert!(html.contains("id=\"seriennummer\"") && html.contains("id=\"inhalt\"") && html.contains("id=\"merkmale\""), "{html}");
        assert!(!html.contains("PRIVATMERKMAL") && !html.contains("Dino-Aufkleber") && !html.contains("DT 12"));
        assert!(!html.contains("/foto/"), "photos are not public");
        let (status, html) = post(&owner, &app, &claim_path, &[("name", "Mia Verlust"), ("email", "mia.verlust@example.org"),
            ("inhalt", "Brotdose mit Dinosauriern und mein Schülerausweis")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("id=\"einwilligung-error\"") && html.contains("id=\"seriennummer-error\"")
            && html.contains("id=\"merkmale-error\"") && !html.contains("id=\"inhalt-error\""), "{html}");
        assert!(html.contains("Brotdose mit Dinosauriern"), "the answer given is kept");
        let (status, html) = post(&owner, &app, &claim_path, &[("name", "Mia Verlust"), ("email", "mia.verlust@example.org"),
            ("seriennummer", "dt12047"), ("inhalt", "Brotdose mit Dinosauriern und mein Schülerausweis"),
            ("merkmale", "Aufkleber mit einem Dinosaurier"), ("einwilligung", "ja")]).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("id=\"angemeldet\""));
        let (_, html) = page(&staff, &app, office).await;
        assert!(html.contains("Brotdose mit Dinosauriern") && html.contains("PRIVATMERKMAL"), "staff see both side by side");
        assert!(html.contains("stimmt überein"), "the serial number agrees (O read as 0): {html}");
        let (status, _) = post(&client(), &app, &claim_path, &[("name", "Jemand Anderes"), ("email", "anders@example.org"),
            ("seriennummer", "weiß ich nicht"), ("inhalt", "Bücher"), ("merkmale", "keine"), ("einwilligung", "ja")]).await;
        assert_eq!(status, 200);
        let (_, html) = page(&staff, &app, office).await;
        assert!(html.contains("weicht ab") && html.contains("stimmt überein"), "each claim compared on its own: {html}");
        let claim_id = {
            let i = html.find("name=\"anspruch\" value=\"").unwrap() + 23;
            html[i..i + html[i..].find('"').unwrap()].to_owned()
        };
        let decide = |value: &'static str, action: &'static str, html: String| {
            let (app, staff, claim_id) = (&app, &staff, claim_id.clone());
            async move {
                let csrf = csrf_token(&html).unwrap();
                let res = staff.post(app.url("/soest/verwaltung/fundbuero/buergerbuero/entscheidung"))
                    .form(&[("_csrf", csrf.as_str()), ("anspruch", claim_id.as_str()), ("wert", value), ("aktion", action)])
                    .send().await.unwrap();
                (res.status().as_u16(), decode_html(&res.text().await.unwrap()))
            }
        };
        let (status, html) = decide("zehn", "annehmen", html).await;
        assert_eq!(status, 422);
        assert!(html.contains("Wert als Betrag"), "{html}");
        assert!(html.contains(&format!("id=\"wert-{claim_id}-error\"")), "the error stands at that claim's value");
        let (status, html) = decide("80", "annehmen", html).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Finderlohn: 4,00"), "5 % of 80 €: {html}");
        assert!(html.contains("Gebühr für die Herausgabe: 15,00"), "the demo's tier up to 500 €: {html}");
        let (status, _) = decide("80", "annehmen", html).await;
        assert_eq!(status, 409, "decided already");
        let told = wait_for_mails(&app, |m| m.contains("mia.verlust@example.org") && m.contains("4,00"), 1).await;
        assert!(told[0].contains("abholen") && !told[0].contains("PRIVATMERKMAL"), "{}", told[0]);
        assert!(told[0].contains("Geb=C3=BChr von 15,00"), "{}", told[0]);
        let (_, html) = page(&anyone, &app, "/soest/fundbuero").await;
        assert!(!html.contains(&number), "returned items are no longer listed");
        assert!(html.contains("Gebühren bei der Abholung") && html.contains("Wert über 500,00"), "{html}");

        // After the keeping period (a moved clock): the finder who asked for it gets it.
        let (status, html) = post(&staff, &app, office, &[("kategorie", "keys"), ("beschreibung", "Schlüsselbund mit rotem Anhänger"),
            ("fundort", "Markt"), ("funddatum", &today), ("finderlohn", "ja")]).await;
        assert_eq!(status, 200, "{html}");
        let keys = {
            let i = html.find("Erfasst als ").unwrap() + "Erfasst als ".len();
            html[i..i + html[i..].find('.').unwrap()].to_owned()
        };
        let settle = |number: String, action: &'static str, html: String| {
            let (app, staff) = (&app, &staff);
            async move {
                let csrf = csrf_token(&html).unwrap();
                let res = staff.post(app.url("/soest/verwaltung/fundbuero/buergerbuero/frist"))
                    .form(&[("_csrf", csrf.as_str()), ("fundnummer", number.as_str()), ("aktion", action)])
                    .send().await.unwrap();
                (res.status().as_u16(), decode_html(&res.text().await.unwrap()))
            }
        };
        let (status, _) = settle(keys.clone(), "finder", html.clone()).await;
        assert_eq!(status, 409, "still within the six months");
        crate::support::sql(&app, &format!("UPDATE found_items SET reported_on = '2020-01-01' WHERE number = '{keys}'")).await;
        let (_, html) = page(&staff, &app, office).await;
        assert!(html.contains("An die Finderin oder den Finder herausgeben"), "{html}");
        let (status, _) = settle(keys.clone(), "auction", html.clone()).await;
        assert_eq!(status, 409, "the finder asked for it");
        let (status, html) = settle(keys.clone(), "finder", html).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("an die Finderin oder den Finder herausgegeben"));

        // Loss reports are limited per address (each may mail the address it names).
        for n in 0..9 {
            let (status, html) = post(&client(), &app, loss, &[("kategorie", "umbrella"), ("beschreibung", "Knirps, dunkelgrün"),
                ("verlustdatum", &days_ago(1)), ("email", "viele@example.org"), ("einwilligung", "ja")]).await;
            if n < 8 {
                assert_eq!(status, 200, "report {n}: {html}");
            } else {
                assert_eq!(status, 429, "the eleventh report of the hour");
                assert!(html.contains("zu viele Verlustmeldungen"), "{html}");
            }
        }

        // Staff of other offices may not; the registrations are audited.
        let other = client();
        staff_login(&app, &other, "soest", "admin-soest").await;
        assert_eq!(page(&other, &app, office).await.0, 403);
        assert_eq!(other.get(app.url(&photo_href)).send().await.unwrap().status(), 403);
        let res = anyone.get(app.url(&photo_href)).send().await.unwrap();
        assert_ne!(res.headers().get("content-type").map(|v| v.to_str().unwrap()), Some("image/png"), "not without a staff login");
        assert_ne!(res.bytes().await.unwrap().as_ref(), PNG.as_slice());
        let photo_rows = sql_strings(&app, "SELECT id FROM found_photos").await;
        assert!(photo_rows.is_empty(), "the returned item's photos are deleted: {photo_rows:?}");
        let photos = sql_strings(&app, "SELECT object FROM audit_log WHERE action = 'found-photo-added'").await;
        assert_eq!(photos.len(), 3, "{photos:?}");

        // The owner opens the report on another device with reference and code; misses all
        // get the same answer, and wrong tries are limited.
        let device = client();
        let manage = "/soest/fundbuero/meine-verlustmeldung";
        let (status, html) = post(&device, &app, manage, &[("meldung", &reference), ("code", "AAAA-BBBB-CCCC")]).await;
        assert_eq!(status, 404);
        assert!(html.contains("id=\"keine-meldung\"") && !html.contains("Deuter"), "{html}");
        let (status, html) = post(&device, &app, manage, &[("meldung", "V-2026-NICHTS"), ("code", &code)]).await;
        assert_eq!(status, 404, "the same answer for a wrong reference");
        assert!(html.contains("id=\"keine-meldung\""));
        let (status, html) = post(&device, &app, manage, &[("meldung", ""), ("code", "")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("id=\"meldung-error\"") && html.contains("id=\"code-error\""));
        let typed = code.replace('-', " ").to_lowercase();
        let (status, html) = post(&device, &app, manage, &[("meldung", &reference.to_lowercase()), ("code", &typed)]).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Blauer Deuter-Rucksack mit Trinkflasche") && html.contains(&reference), "{html}");
        assert!(html.contains(&token), "certificate and withdrawal work from here too");
        for n in 0..6 {
            let (status, html) = post(&device, &app, manage, &[("meldung", "V-2026-RATEN"), ("code", "AAAA-BBBB-CCCC")]).await;
            if n < 5 {
                assert_eq!(status, 404, "try {n}");
            } else {
                assert_eq!(status, 429, "the sixth wrong try of one reference waits");
                assert!(html.contains("Zu viele falsche Versuche"), "{html}");
            }
        }

        // The owner withdraws the loss report: it is deleted, with its suggestions.
        let withdraw = |token: String| {
            let (app, owner, report_id, csrf) = (&app, &owner, report_id.clone(), csrf.clone());
            async move {
                let res = owner.post(app.url("/soest/fundbuero/verlust-melden/zurueckziehen"))
                    .form(&[("_csrf", csrf.as_str()), ("meldung", report_id.as_str()), ("token", token.as_str())])
                    .send().await.unwrap();
                (res.status().as_u16(), decode_html(&res.text().await.unwrap()))
            }
        };
        assert_eq!(withdraw("0".repeat(32)).await.0, 404, "not without the token");
        let (status, html) = withdraw(token.clone()).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("zurückgezogen und gelöscht"), "{html}");
        assert_eq!(withdraw(token.clone()).await.0, 404, "gone");
        assert_eq!(post(&device, &app, manage, &[("meldung", &reference), ("code", &code)]).await.0, 404);
        assert!(sql_strings(&app, &format!("SELECT id FROM loss_reports WHERE id = '{report_id}'")).await.is_empty());
        assert!(sql_strings(&app, &format!("SELECT item_id FROM found_matches WHERE loss_id = '{report_id}'")).await.is_empty());
        let withdrawn = sql_strings(&app, "SELECT object FROM audit_log WHERE action = 'loss-report-withdrawn'").await;
        assert_eq!(withdrawn, [format!("loss:{report_id}")]);
        let audit = sql_strings(&app, "SELECT object FROM audit_log WHERE action = 'found-item-registered'").await;
        assert_eq!(audit.len(), 3, "{audit:?}");
        let settled = sql_strings(&app, "SELECT object FROM audit_log WHERE action = 'found-item-to_finder'").await;
        assert_eq!(settled, [format!("found:{keys}")]);
        assert_eq!(page(&anyone, &app, "/solingen/fundbuero").await.0, 404);
        let (_, home) = page(&anyone, &app, "/soest").await;
        assert!(home.contains("/soest/fundbuero"));
    }
}

/// The Fundbüro's pages in Chromium with axe-core on every state.
#[tokio::test]
async fn the_fundbuero_in_the_browser() {
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
    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let mut failures = Vec::new();

    // Staff register an item (with an error first).
    c.goto(&app.url("/soest/verwaltung/fundbuero/buergerbuero"))
        .await
        .unwrap();
    wait_for_css(c, "input[name=login]").await;
    provider_login(c, "sb-soest").await;
    c.goto(&app.url("/soest/verwaltung/fundbuero/buergerbuero"))
        .await
        .unwrap();
    wait_for_css(c, "#beschreibung").await;
    audit(c, &axe_js, "staff: empty".into(), &mut failures).await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "staff: errors".into(), &mut failures).await;
    c.find(Locator::Css("#kategorie option[value=umbrella]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    fill(c, "beschreibung", "Großer Stockschirm mit Holzgriff").await;
    fill(c, "fundort", "Wochenmarkt").await;
    fill(c, "funddatum", &days_ago(0)).await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, "div.notice[role=status]").await;
    audit(c, &axe_js, "staff: registered".into(), &mut failures).await;
    // A photo, chosen with the file input as a person would.
    let photo = dir.path().join("schirm.png");
    std::fs::write(&photo, PNG).unwrap();
    c.find(Locator::Css("main input[type=file]"))
        .await
        .unwrap()
        .send_keys(photo.to_str().unwrap())
        .await
        .unwrap();
    click(c, "form[enctype='multipart/form-data'] button[type=submit]").await;
    wait_for_css(c, ".found-photos img").await;
    audit(
        c,
        &axe_js,
        "staff: an item with a photo".into(),
        &mut failures,
    )
    .await;

    for lang in ["de", "en"] {
        let at = |s: &str| format!("{lang}: {s}");
        c.goto(&app.url(&format!("/soest?lang={lang}")))
            .await
            .unwrap();
        click(c, "a[href='/soest/fundbuero']").await;
        wait_for_css(c, "form.found-search").await;
        audit(c, &axe_js, at("search"), &mut failures).await;
        fill(c, "suche", "nichtsdergleichen").await;
        click(c, "form.found-search button").await;
        wait_for_css(c, "#ergebnisse").await;
        audit(c, &axe_js, at("search without results"), &mut failures).await;
        click(c, "a.button[href$='/verlust-melden']").await;
        wait_for_css(c, "#beschreibung").await;
        audit(c, &axe_js, at("loss form"), &mut failures).await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, ".error-summary").await;
        audit(c, &axe_js, at("loss form with errors"), &mut failures).await;
        c.find(Locator::Css("#kategorie option[value=umbrella]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        fill(c, "beschreibung", "Stockschirm, Holzgriff").await;
        fill(c, "verlustdatum", &days_ago(1)).await;
        fill(c, "email", "demo.person@example.org").await;
        click(c, "label[for=einwilligung]").await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, "#gemeldet").await;
        audit(c, &axe_js, at("loss reported with a match"), &mut failures).await;
        click(c, "form[action$='/zurueckziehen'] button").await;
        wait_for_css(c, "#zurueckgezogen").await;
        audit(c, &axe_js, at("loss report withdrawn"), &mut failures).await;
        c.goto(&app.url("/soest/fundbuero/meine-verlustmeldung"))
            .await
            .unwrap();
        wait_for_css(c, "#meldung").await;
        audit(c, &axe_js, at("my loss report"), &mut failures).await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, ".error-summary").await;
        audit(c, &axe_js, at("my loss report with errors"), &mut failures).await;
        fill(c, "meldung", "V-2026-000000").await;
        fill(c, "code", "AAAA-BBBB-CCCC").await;
        click(c, "main form button[type=submit]").await;
        wait_for_css(c, "#keine-meldung").await;
        audit(c, &axe_js, at("my loss report: none"), &mut failures).await;
    }
    // Claiming the umbrella, then staff with the claim next to the private features.
    c.goto(&app.url("/soest/fundbuero?lang=de")).await.unwrap();
    click(c, "a[href$='/anspruch']").await;
    wait_for_css(c, "#merkmale").await;
    audit(c, &axe_js, "claim form".into(), &mut failures).await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "claim with errors".into(), &mut failures).await;
    fill(c, "merkmale", "Holzgriff mit eingeritztem Stern").await;
    fill(c, "name", "Demo Person").await;
    fill(c, "email", "demo.person@example.org").await;
    click(c, "label[for=einwilligung]").await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, "#angemeldet").await;
    audit(c, &axe_js, "claim filed".into(), &mut failures).await;
    c.goto(&app.url("/soest/verwaltung/fundbuero/buergerbuero"))
        .await
        .unwrap();
    wait_for_css(c, "input[name=wert]").await;
    audit(c, &axe_js, "staff: a claim to decide".into(), &mut failures).await;
    c.find(Locator::Css("input[name=wert]"))
        .await
        .unwrap()
        .send_keys("25")
        .await
        .unwrap();
    click(c, "button[value=annehmen]").await;
    wait_for_css(c, "div.notice[role=status]").await;
    audit(c, &axe_js, "staff: claim accepted".into(), &mut failures).await;
    // An item past its keeping period (the clock moved by changing its report date).
    crate::support::sql(
        &app,
        "UPDATE found_items SET status = 'kept', reported_on = '2020-01-01'",
    )
    .await;
    c.goto(&app.url("/soest/verwaltung/fundbuero/buergerbuero"))
        .await
        .unwrap();
    wait_for_css(c, "button[value=auction]").await;
    audit(
        c,
        &axe_js,
        "staff: an item past its time".into(),
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

/// A random lower-case word of `n` letters (from a v4 UUID's random bytes).
fn random_word(n: usize) -> String {
    uuid::Uuid::new_v4()
        .as_bytes()
        .iter()
        .take(n)
        .map(|b| char::from(b'a' + b % 26))
        .collect()
}

both_backends! {
    /// Property: over random items, the public search never shows or finds anything of the
    /// private layer, and always finds an item by a word of its public layer.
    async fn the_public_search_never_reveals_private_features(b: Backend) {
        let port = crate::support::free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b), port, dir.path())).await;
        let staff = client();
        staff_login(&app, &staff, "soest", "sb-soest").await;
        let office = "/soest/verwaltung/fundbuero/buergerbuero";
        let categories = ["bag", "wallet", "keys", "phone", "umbrella", "toy", "identity_document", "bank_card"];
        let mut items = Vec::new();
        for i in 0..12 {
            let public = format!("pub{}", random_word(6));
            let private = format!("geheim{}", random_word(6));
            let category = categories[i % categories.len()];
            let (status, html) = post(&staff, &app, office, &[("kategorie", category),
                ("beschreibung", &format!("Fundsache {public}")), ("fundort", "Innenstadt"),
                ("funddatum", &days_ago(i as i64 % 30)), ("merkmale", &format!("{private} und mehr"))]).await;
            assert_eq!(status, 200, "{category} {public}: {html}");
            items.push((category, public, private));
        }
        let anyone = client();
        let (_, all) = page(&anyone, &app, "/soest/fundbuero").await;
        for (category, public, private) in &items {
            assert!(!all.contains(private.as_str()), "{private} shown: {items:?}");
            let (_, by_private) = page(&anyone, &app, &format!("/soest/fundbuero?suche={private}")).await;
            assert!(!by_private.contains("Fundsache pub"), "{private} found an item: {items:?}");
            let (_, by_public) = page(&anyone, &app, &format!("/soest/fundbuero?suche={public}")).await;
            let listed = !matches!(*category, "identity_document" | "bank_card");
            let shown = format!("Fundsache {public}");
            assert_eq!(by_public.contains(&shown), listed, "{category} {public}: {items:?}");
            assert_eq!(all.contains(&shown), listed, "{category} {public}");
        }
    }
}
