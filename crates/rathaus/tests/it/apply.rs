//! The online application over HTTP: steps, errors, groups, branches, check page,
//! declarations, submission, receipt, replay, CSRF, resume — on both engines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{csrf_token, decode_html as decode, Backend, TestApp};

/// A browser-like client: keeps cookies, does not follow redirects.
pub(crate) struct Citizen<'a> {
    pub app: &'a TestApp,
    pub http: reqwest::Client,
    pub csrf: String,
}

impl<'a> Citizen<'a> {
    pub fn new(app: &'a TestApp) -> Self {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Citizen {
            app,
            http,
            csrf: String::new(),
        }
    }

    pub async fn get(&mut self, path: &str) -> (u16, String) {
        let res = self.http.get(self.app.url(path)).send().await.unwrap();
        let status = res.status().as_u16();
        let body = decode(&res.text().await.unwrap());
        if let Some(token) = csrf_token(&body) {
            self.csrf = token;
        }
        (status, body)
    }

    /// Posts a form (with the CSRF token); returns status, Location and body.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> (u16, String, String) {
        let mut form: Vec<(&str, &str)> = vec![("_csrf", &self.csrf)];
        form.extend_from_slice(fields);
        let res = self
            .http
            .post(self.app.url(path))
            .form(&form)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get("location")
            .map(|l| l.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let body = decode(&res.text().await.unwrap());
        if let Some(token) = csrf_token(&body) {
            self.csrf = token;
        }
        (status, location, body)
    }
}

pub(crate) const HALTER: &[(&str, &str)] = &[
    ("aktion", "weiter"),
    ("vorname", "Erika"),
    ("nachname", "Mustermann <script>alert(1)</script>"),
    ("geburtsdatum", "24.03.1985"),
    ("anschrift.street", "Marktstraße"),
    ("anschrift.house_number", "7a"),
    ("anschrift.postal_code", "59494"),
    ("anschrift.city", "Soest"),
    ("email", ""),
    ("telefon", ""),
];

pub(crate) async fn start(c: &mut Citizen<'_>) -> String {
    let (status, html) = c.get("/soest/leistungen/hundeanmeldung").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("href=\"/soest/leistungen/hundeanmeldung/antrag\""),
        "apply link on the service page"
    );
    let (status, _) = c.get("/soest/leistungen/hundeanmeldung/antrag").await;
    assert_eq!(status, 200);
    let (status, location, _) = c.post("/soest/leistungen/hundeanmeldung/antrag", &[]).await;
    assert_eq!(status, 303);
    assert!(location.ends_with("/schritt/halter"), "{location}");
    location
}

both_backends! {
    async fn hundeanmeldung_from_start_to_receipt(b: Backend) {
        let app = TestApp::start(b).await;
        let mut c = Citizen::new(&app);
        let step1 = start(&mut c).await;
        let draft = step1.split('/').nth(3).unwrap().to_owned();
        let (status, html) = c.get(&step1).await;
        assert_eq!(status, 200);
        assert!(html.matches("<label").count() >= 8);
        assert!(html.contains("Schritt 1 von 3"), "Ordnungsamt step not yet on the way");

        // Errors: summary with links, every other answer kept as typed.
        let (status, _, html) = c.post(&step1, &[("aktion", "weiter"), ("vorname", "Erika"), ("nachname", ""),
            ("geburtsdatum", "31.02.1985"), ("anschrift.street", "Marktstraße"), ("anschrift.house_number", "7a"),
            ("anschrift.postal_code", "594"), ("anschrift.city", "Soest")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("Bitte korrigieren Sie diese Angaben"));
        let from = html.find("class=\"error-summary\"").unwrap();
        let summary = &html[from..from + html[from..].find("</ul>").unwrap()];
        let order: Vec<usize> = ["#f-nachname", "#f-geburtsdatum", "#f-anschrift-postal_code"].iter().map(|h| summary.find(h).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "summary follows the page order");
        assert!(html.contains("value=\"Erika\"") && html.contains("value=\"31.02.1985\"") && html.contains("value=\"Marktstraße\""));
        assert!(html.contains("<title>Fehler: "), "the title says there is an error");

        // Valid: on to the dogs; the script is just text.
        let (status, location, _) = c.post(&step1, HALTER).await;
        assert_eq!(status, 303, "{location}");
        assert!(location.ends_with("/schritt/hunde"));
        // Add a second dog (no JavaScript: a button that posts and keeps what was typed).
        let dog = |n: &str, name: &'static str, listed: &'static str| -> Vec<(String, &'static str)> {
            vec![(format!("hunde.{n}.rufname"), name), (format!("hunde.{n}.rasse"), "Mischling"),
                 (format!("hunde.{n}.gelistet"), listed), (format!("hunde.{n}.gross"), "nein"),
                 (format!("hunde.{n}.chipnummer"), "276098106543210"), (format!("hunde.{n}.seit"), "01.09.2026")]
        };
        let mut fields: Vec<(String, &str)> = vec![("aktion".into(), "add:hunde"), ("hunde.count".into(), "1")];
        fields.extend(dog("0", "Bello", "nein"));
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let (status, _, html) = c.post(&location, &f).await;
        assert_eq!(status, 200);
        // Errors inside an entry name the entry and the field.
        let (s422, _, err) = c.post(&location, &[("aktion", "weiter"), ("hunde.count", "2"), ("hunde.0.rufname", "Bello")]).await;
        assert_eq!(s422, 422);
        assert!(err.contains("Hund 1 – Rasse oder Mischung: Bitte machen Sie hier eine Angabe."), "{err}");
        assert!(err.contains("href=\"#f-hunde-1-rufname\""));
        assert!(html.contains("value=\"Bello\"") && html.contains("Hund 2"), "entry added, first kept");
        let mut fields: Vec<(String, &str)> = vec![("aktion".into(), "weiter"), ("hunde.count".into(), "2")];
        fields.extend(dog("0", "Bello", "nein"));
        fields.extend(dog("1", "Rex", "ja"));
        fields.push(("hunde.1.listenrasse".into(), "rottweiler"));
        let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let (status, location, body) = c.post(&location, &f).await;
        assert_eq!(status, 303, "{body}");
        // A listed dog: the Ordnungsamt step is now on the way.
        assert!(location.ends_with("/schritt/ordnungsamt"), "{location}");
        let (_, html) = c.get(&location).await;
        assert!(html.contains("Schritt 3 von 4"));
        let (status, location, _) = c.post(&location, &[("aktion", "weiter"), ("sachkunde", "ja"),
            ("versicherer", "Demo-Versicherung AG"), ("versicherungsnummer", "HV-123")]).await;
        assert_eq!(status, 303);
        // Direct debit needs a valid IBAN.
        let (status, _, html) = c.post(&location, &[("aktion", "weiter"), ("zahlweise", "lastschrift"),
            ("iban", "DE02 1203 0000 0000 2020 52"), ("kontoinhaber", "Erika Mustermann")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("Diese IBAN ist nicht gültig"));
        assert!(html.contains("IBAN: Diese IBAN"), "summary names the field");
        // … and the mandate.
        let (status, _, html) = c.post(&location, &[("aktion", "weiter"), ("zahlweise", "lastschrift"),
            ("iban", "DE02 1203 0000 0000 2020 51"), ("kontoinhaber", "Erika Mustermann"), ("sepa_mandat", "nein")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("Ohne Lastschriftmandat können wir nicht abbuchen."), "{html}");
        let (status, location, _) = c.post(&location, &[("aktion", "weiter"), ("zahlweise", "lastschrift"),
            ("iban", "DE02 1203 0000 0000 2020 51"), ("kontoinhaber", "Erika Mustermann"), ("sepa_mandat", "ja")]).await;
        assert_eq!(status, 303);
        assert!(location.ends_with("/pruefen"));

        // Check page: every answer with a change link; the computed tax (108 € + 720 €).
        let (status, html) = c.get(&location).await;
        assert_eq!(status, 200);
        for part in ["Erika", "Marktstraße 7a", "59494 Soest", "Hund 2: Rufname: Rex", "Rottweiler", "DE02120300000000202051", "828,00\u{a0}€"] {
            assert!(html.contains(part), "check page lacks {part}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "script is shown as text");
        assert!(html.contains(&format!("href=\"/soest/antrag/{draft}/schritt/hunde#f-hunde\"")));
        // Declarations are required.
        let submit = format!("/soest/antrag/{draft}/absenden");
        let (status, _, html) = c.post(&submit, &[("einwilligung", "ja")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("Bitte bestätigen Sie, dass Ihre Angaben richtig sind."));
        let (status, location, _) = c.post(&submit, &[("einwilligung", "ja"), ("wahrheit", "ja")]).await;
        assert_eq!(status, 303);
        assert!(location.ends_with("/eingang"));
        let (status, html) = c.get(&location).await;
        assert_eq!(status, 200);
        assert!(html.contains("Ihr Antrag ist eingegangen"));
        let year = &html[html.find("SO-").unwrap() + 3..html.find("SO-").unwrap() + 7];
        assert!(html.contains(&format!("SO-{year}-000001")), "reference number");
        assert!(html.contains(" Uhr"), "submission time");

        // Replays: a second submit, or a post to a step, change nothing.
        let (status, location, _) = c.post(&submit, &[("einwilligung", "ja"), ("wahrheit", "ja")]).await;
        assert_eq!((status, location.ends_with("/eingang")), (303, true));
        let (status, location, _) = c.post(&format!("/soest/antrag/{draft}/schritt/halter"), HALTER).await;
        assert_eq!((status, location.ends_with("/eingang")), (303, true));
        // A second application gets the next number.
        let mut c2 = Citizen::new(&app);
        let _ = start(&mut c2).await;
        let res = app.get(&format!("/soest/antrag/{draft}/eingang")).await;
        assert_eq!(res.headers()["cache-control"], "no-store");
    }
}

both_backends! {
    async fn branches_not_taken_are_not_submitted(b: Backend) {
        let app = TestApp::start(b).await;
        let mut c = Citizen::new(&app);
        let step1 = start(&mut c).await;
        let draft = step1.split('/').nth(3).unwrap().to_owned();
        c.get(&step1).await;
        let (_, hunde, _) = c.post(&step1, HALTER).await;
        let dog = [("aktion", "weiter"), ("hunde.count", "1"), ("hunde.0.rufname", "Rex"), ("hunde.0.rasse", "Rottweiler"),
            ("hunde.0.gelistet", "ja"), ("hunde.0.listenrasse", "rottweiler"), ("hunde.0.gross", "ja"),
            ("hunde.0.chipnummer", "276098106543210"), ("hunde.0.seit", "01.09.2026")];
        let (_, ordnung, _) = c.post(&hunde, &dog).await;
        assert!(ordnung.ends_with("/schritt/ordnungsamt"));
        c.get(&ordnung).await;
        let (_, _, _) = c.post(&ordnung, &[("aktion", "weiter"), ("sachkunde", "ja"), ("versicherer", "X"), ("versicherungsnummer", "1")]).await;
        // Back to the dogs: not listed, not large after all.
        c.get(&hunde).await;
        let mut changed = dog.to_vec();
        changed[4] = ("hunde.0.gelistet", "nein");
        changed[6] = ("hunde.0.gross", "nein");
        let (_, zahlung, _) = c.post(&hunde, &changed).await;
        assert!(zahlung.ends_with("/schritt/zahlung"), "Ordnungsamt step skipped: {zahlung}");
        // The Ordnungsamt step can no longer be opened.
        let res = c.http.get(app.url(&ordnung)).send().await.unwrap();
        assert_eq!(res.status(), 303);
        c.get(&zahlung).await;
        let (_, check, _) = c.post(&zahlung, &[("aktion", "weiter"), ("zahlweise", "ueberweisung"), ("iban", "DE02120300000000202051")]).await;
        let (_, html) = c.get(&check).await;
        assert!(!html.contains("Rottweiler</dd>") && !html.contains("Sachkunde") && !html.contains("DE0212"), "hidden answers not shown");
        assert!(html.contains("108,00\u{a0}€"));
        c.post(&format!("/soest/antrag/{draft}/absenden"), &[("einwilligung", "ja"), ("wahrheit", "ja")]).await;
        // What was stored: no answer of a branch not taken.
        let answers = stored_answers(&app, b, &draft).await;
        assert!(answers.get("sachkunde").is_none() && answers.get("iban").is_none(), "{answers}");
        assert!(answers["hunde"][0].get("listenrasse").is_none(), "{answers}");
        assert_eq!(answers["hunde"][0]["gelistet"], false);
        // The stored answers validate against the exported answer schema.
        let schema: serde_json::Value = app.http.get(app.url("/soest/leistungen/hundeanmeldung/antrag/schema.json"))
            .send().await.unwrap().json().await.unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&answers).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        assert!(!validator.is_valid(&serde_json::json!({"vorname": 1})), "the schema is not vacuous");
    }
}

async fn stored_answers(app: &TestApp, b: Backend, draft: &str) -> serde_json::Value {
    use sqlx::{Connection, Row};
    let sql = "SELECT answers FROM submissions WHERE draft_id = $1";
    let json: String = match b {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .unwrap();
            sqlx::query(sql)
                .bind(draft)
                .fetch_one(&mut c)
                .await
                .unwrap()
                .get(0)
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.database_url)
                .await
                .unwrap();
            sqlx::query(sql)
                .bind(draft)
                .fetch_one(&mut c)
                .await
                .unwrap()
                .get(0)
        }
    };
    serde_json::from_str(&json).unwrap()
}

both_backends! {
    async fn csrf_resume_and_unknown_drafts(b: Backend) {
        let app = TestApp::start(b).await;
        let mut c = Citizen::new(&app);
        let step1 = start(&mut c).await;
        let draft = step1.split('/').nth(3).unwrap().to_owned();
        // Without or with a wrong token: refused, nothing saved.
        let res = c.http.post(app.url(&step1)).form(&[("aktion", "weiter"), ("vorname", "Mallory")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        let res = c.http.post(app.url(&step1)).form(&[("_csrf", "0".repeat(32).as_str()), ("vorname", "Mallory")]).send().await.unwrap();
        assert_eq!(res.status(), 403);
        // Another browser (no cookie) cannot post either, even with the draft link and a
        // token: it is asked for the resume code, and nothing is kept.
        let other = Citizen::new(&app);
        let res = other.http.post(app.url(&step1)).form(&[("_csrf", c.csrf.as_str()), ("aktion", "weiter"), ("vorname", "Mallory")]).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(decode(&res.text().await.unwrap()).contains("Fortsetzungscode"));
        let kept = crate::support::sql_strings(&app, "SELECT COALESCE(answers, '') || COALESCE(pending, '') FROM drafts").await;
        assert!(!kept.concat().contains("Mallory"), "{kept:?}");
        // Save and resume later.
        c.get(&step1).await;
        let (status, _, html) = c.post(&step1, &[("aktion", "speichern"), ("vorname", "Erika")]).await;
        assert_eq!(status, 200);
        assert!(html.contains(&format!("href=\"/soest/antrag/{draft}\"")));
        // The resume link alone opens nothing: another browser gets the resume-code form.
        let res = app.get(&format!("/soest/antrag/{draft}")).await;
        assert_eq!(res.status(), 200);
        let page = decode(&res.text().await.unwrap());
        assert!(page.contains("name=\"code\"") && !page.contains("Erika"), "code form, no answers");
        // The browser that filled it goes straight back to its step.
        let res = c.http.get(app.url(&format!("/soest/antrag/{draft}"))).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert!(res.headers()["location"].to_str().unwrap().ends_with("/schritt/halter"));
        let (_, html) = c.get(&step1).await;
        assert!(html.contains("value=\"Erika\""), "saved answer is back");
        // Unknown drafts and drafts of other tenants are not found.
        assert_eq!(app.get("/soest/antrag/00000000000000000000000000000000").await.status(), 404);
        assert_eq!(app.get(&format!("/solingen/antrag/{draft}")).await.status(), 404);
        assert_eq!(app.get(&format!("/solingen/antrag/{draft}/schritt/halter")).await.status(), 404);
        // A service without a form has no application pages (every demo service has one).
        let minimal = TestApp::start_with(crate::support::Options::new(b)
            .definitions(crate::support::workspace_root().join("crates/rathaus/tests/fixtures/minimal"))).await;
        assert_eq!(minimal.get("/t1/leistungen/s1").await.status(), 200);
        assert_eq!(minimal.get("/t1/leistungen/s1/antrag").await.status(), 404);
    }
}

both_backends! {
    async fn kill_9_between_steps_and_around_submit_loses_nothing(b: Backend) {
        let app = TestApp::start(b).await;
        let mut c = Citizen::new(&app);
        let step1 = start(&mut c).await;
        let draft = step1.split('/').nth(3).unwrap().to_owned();
        c.get(&step1).await;
        let (_, hunde, _) = c.post(&step1, HALTER).await;
        let (http, csrf) = (c.http.clone(), c.csrf.clone());
        // Crash after the first step was accepted.
        let app = app.kill9_and_restart(b).await;
        let mut c = Citizen { app: &app, http, csrf };
        let res = c.http.get(app.url(&format!("/soest/antrag/{draft}"))).send().await.unwrap();
        assert!(res.headers()["location"].to_str().unwrap().ends_with("/schritt/hunde"), "resumes where it stopped");
        let (_, html) = c.get(&step1).await;
        assert!(html.contains("value=\"Erika\"") && html.contains("value=\"24.03.1985\""), "step 1 answers survived");
        c.get(&hunde).await;
        let (_, zahlung, _) = c.post(&hunde, &[("aktion", "weiter"), ("hunde.count", "1"), ("hunde.0.rufname", "Bello"),
            ("hunde.0.rasse", "Mischling"), ("hunde.0.gelistet", "nein"), ("hunde.0.gross", "nein"),
            ("hunde.0.chipnummer", "276098106543210"), ("hunde.0.seit", "01.09.2026")]).await;
        c.get(&zahlung).await;
        let (_, check, _) = c.post(&zahlung, &[("aktion", "weiter"), ("zahlweise", "ueberweisung")]).await;
        assert!(check.ends_with("/pruefen"));
        c.get(&check).await;
        // Submit, and crash the moment the request is on its way.
        let submit = format!("/soest/antrag/{draft}/absenden");
        let form = vec![("_csrf".to_owned(), c.csrf.clone()), ("einwilligung".into(), "ja".into()), ("wahrheit".into(), "ja".into())];
        let http = c.http.clone();
        let req = http.post(app.url(&submit)).form(&form).send();
        let _ = tokio::time::timeout(std::time::Duration::from_millis(5), req).await;
        let app = app.kill9_and_restart(b).await;
        let c2 = Citizen { app: &app, http: http.clone(), csrf: String::new() };
        // Either the submission committed completely, or not at all; submitting (again) then
        // gives exactly one application.
        let res = c2.http.post(app.url(&submit)).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert!(res.headers()["location"].to_str().unwrap().ends_with("/eingang"));
        let receipt_url = app.url(&format!("/soest/antrag/{draft}/eingang"));
        let receipt = c2.http.get(receipt_url.clone()).send().await.unwrap().text().await.unwrap();
        assert!(decode(&receipt).contains("Ihr Antrag ist eingegangen"));
        assert_eq!(count(&app, b, "SELECT COUNT(*) FROM submissions").await, 1);
        // Crash after acceptance: the submission and its receipt stay, and the submitting
        // browser still sees its access code (derived, so a lost answer strands nobody).
        let app = app.kill9_and_restart(b).await;
        let receipt = http.get(app.url(&format!("/soest/antrag/{draft}/eingang"))).send().await.unwrap().text().await.unwrap();
        assert!(receipt.contains("-000001"));
        assert!(receipt.contains("access-code-value"), "the access code is shown again");
        // Another browser gets only the 'sent' page, no personal data.
        let other = app.page(&format!("/soest/antrag/{draft}/eingang")).await;
        assert!(!other.contains("Erika") && !other.contains("-000001"), "{other}");
        assert_eq!(count(&app, b, "SELECT COUNT(*) FROM submissions").await, 1);
    }
}

async fn count(app: &TestApp, b: Backend, sql: &str) -> i64 {
    use sqlx::{Connection, Row};
    match b {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .unwrap();
            sqlx::query(sql).fetch_one(&mut c).await.unwrap().get(0)
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&app.database_url)
                .await
                .unwrap();
            sqlx::query(sql).fetch_one(&mut c).await.unwrap().get(0)
        }
    }
}

both_backends! {
    async fn eligibility_precheck(b: Backend) {
        let app = TestApp::start(b).await;
        let mut c = Citizen::new(&app);
        let (_, html) = c.get("/solingen/leistungen/einbuergerung").await;
        assert!(html.contains("href=\"/solingen/leistungen/einbuergerung/vorpruefung\""));
        let (status, html) = c.get("/solingen/leistungen/einbuergerung/vorpruefung").await;
        assert_eq!(status, 200);
        assert!(html.contains("Ihre Antworten werden nicht gespeichert."));
        let path = "/solingen/leistungen/einbuergerung/vorpruefung";
        // Missing answers: errors, not a verdict.
        let (status, _, html) = c.post(path, &[("jahre", "6")]).await;
        assert_eq!(status, 422);
        assert!(html.contains("Bitte korrigieren Sie diese Angaben") && !html.contains("precheck-result"));
        // Everything in place.
        let (status, _, html) = c.post(path, &[("jahre", "6"), ("sprache", "b1"), ("lebensunterhalt", "ja"), ("test", "ja")]).await;
        assert_eq!(status, 200);
        assert!(html.contains("Ein Antrag hat gute Aussichten"), "{html}");
        assert!(html.contains("Das sollten Sie vorbereiten") && html.contains("href=\"/solingen/leistungen/einbuergerung/antrag\""));
        // Too short a stay: plainly not possible, no button to apply.
        let (_, _, html) = c.post(path, &[("jahre", "2"), ("sprache", "b1"), ("lebensunterhalt", "ja"), ("test", "nein")]).await;
        assert!(html.contains("derzeit keine Aussicht") && html.contains("mindestens fünf Jahre") && html.contains("Einbürgerungstest"));
        assert!(!html.contains("Das sollten Sie vorbereiten"));
        // Nothing was stored.
        assert_eq!(count(&app, b, "SELECT COUNT(*) FROM drafts").await, 0);
        // Services without a pre-check have none.
        assert_eq!(app.get("/soest/leistungen/hundeanmeldung/vorpruefung").await.status(), 404);
    }
}

/// Walks a fresh Hundeanmeldung with a large dog to the Ordnungsamt step (which has the
/// upload); returns (draft id, step path).
pub(crate) async fn to_upload_step(c: &mut Citizen<'_>) -> (String, String) {
    let step1 = start(c).await;
    let draft = step1.split('/').nth(3).unwrap().to_owned();
    c.get(&step1).await;
    let (_, hunde, _) = c.post(&step1, HALTER).await;
    c.get(&hunde).await;
    let (_, ordnung, _) = c
        .post(
            &hunde,
            &[
                ("aktion", "weiter"),
                ("hunde.count", "1"),
                ("hunde.0.rufname", "Rex"),
                ("hunde.0.rasse", "Mischling"),
                ("hunde.0.gelistet", "nein"),
                ("hunde.0.gross", "ja"),
                ("hunde.0.chipnummer", "276098106543210"),
                ("hunde.0.seit", "01.09.2026"),
            ],
        )
        .await;
    assert!(ordnung.ends_with("/schritt/ordnungsamt"), "{ordnung}");
    let (_, html) = c.get(&ordnung).await;
    assert!(html.contains("enctype=\"multipart/form-data\"") && html.contains("type=\"file\""));
    assert!(
        html.contains("PDF, JPEG, PNG, höchstens 5 MB"),
        "limits are named before uploading"
    );
    (draft, ordnung)
}

pub(crate) async fn upload(
    c: &Citizen<'_>,
    path: &str,
    extra: &[(&str, &str)],
    file: Option<(&str, Vec<u8>)>,
) -> (u16, String, String) {
    let mut form = reqwest::multipart::Form::new().text("_csrf", c.csrf.clone());
    for (k, v) in [
        ("aktion", "weiter"),
        ("sachkunde", "ja"),
        ("versicherer", "Demo AG"),
        ("versicherungsnummer", "1"),
    ]
    .iter()
    .chain(extra)
    {
        form = form.text(k.to_string(), v.to_string());
    }
    if let Some((name, bytes)) = file {
        form = form.part(
            "versicherungsnachweis",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()),
        );
    }
    let res = c
        .http
        .post(c.app.url(path))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let location = res
        .headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, location, decode(&res.text().await.unwrap()))
}

pub(crate) fn pdf(size: usize) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n% demo\n".to_vec();
    v.resize(size, b' ');
    v
}

both_backends! {
    async fn uploads_are_checked_stored_and_private(b: Backend) {
        let app = TestApp::start(b).await;
        let mut c = Citizen::new(&app);
        let (draft, step) = to_upload_step(&mut c).await;
        // Named .pdf but really HTML: refused by content, with the allowed types named.
        let (status, _, html) = upload(&c, &step, &[], Some(("versicherung.pdf", b"<html><script>alert(1)</script>".to_vec()))).await;
        assert_eq!(status, 422);
        assert!(html.contains("Diese Datei hat nicht das richtige Format. Erlaubt sind: PDF, JPEG, PNG."), "{html}");
        assert!(html.contains("value=\"Demo AG\""), "other answers kept");
        // Too large: refused with the limit named.
        let (status, _, html) = upload(&c, &step, &[], Some(("gross.pdf", pdf(5 * 1024 * 1024 + 1)))).await;
        assert_eq!(status, 422);
        assert!(html.contains("Die Datei ist zu groß. Erlaubt sind höchstens 5 MB."), "{html}");
        // A fine PDF with a hostile name.
        let (status, next, _) = upload(&c, &step, &[], Some(("../../ver<si>che:rung.pdf", pdf(2000)))).await;
        assert_eq!(status, 303, "{next}");
        let (_, html) = c.get(&step).await;
        assert!(html.contains("ver_si_che_rung.pdf"), "sanitised name shown");
        let i = html.find(&format!("/soest/antrag/{draft}/datei/")).unwrap();
        let href = html[i..i + html[i..].find('"').unwrap()].to_owned();
        // The file is served only through its draft, as a download, never sniffed.
        let res = c.http.get(app.url(&href)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        assert_eq!(res.bytes().await.unwrap().len(), 2000);
        let file_id = href.rsplit('/').next().unwrap();
        assert_eq!(app.get(&format!("/solingen/antrag/{draft}/datei/{file_id}")).await.status(), 404);
        assert_eq!(app.get(&format!("/soest/antrag/{}/datei/{file_id}", "0".repeat(32))).await.status(), 404);
        // Posting again without a file keeps the uploaded one; injected metadata is ignored.
        let fake = format!("{{\"id\":\"{}\",\"name\":\"x.pdf\",\"size\":1,\"type\":\"pdf\"}}", "f".repeat(32));
        let (status, _, _) = upload(&c, &step, &[("versicherungsnachweis", fake.as_str())], None).await;
        assert_eq!(status, 303);
        let (_, html) = c.get(&step).await;
        assert!(html.contains("ver_si_che_rung.pdf") && !html.contains(&"f".repeat(32)));
        // The check page names the file, never its metadata.
        c.get(&next).await;
        let (_, check, _) = c.post(&next, &[("aktion", "weiter"), ("zahlweise", "ueberweisung")]).await;
        let (_, html) = c.get(&check).await;
        assert!(html.contains("ver_si_che_rung.pdf (2 KB)") && !html.contains("\"sha256\"") && !html.contains("{\"id\""), "{html}");
        // The bytes are on disk under a random id, not under the citizen's file name.
        let stored: Vec<_> = walk(app.data_dir.path());
        assert!(stored.iter().any(|p| p.ends_with(file_id)), "{stored:?}");
        assert!(!stored.iter().any(|p| p.contains("rung.pdf")));
        // And a post without the CSRF token stores nothing.
        let form = reqwest::multipart::Form::new().part("versicherungsnachweis", reqwest::multipart::Part::bytes(pdf(100)).file_name("x.pdf"));
        let res = c.http.post(app.url(&step)).multipart(form).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(walk(app.data_dir.path()).iter().filter(|p| p.contains("/files/soest/")).count(), 1);
        // Submitted, the receipt is offered as a PDF/A file listing answers and the file.
        let submit = format!("/soest/antrag/{draft}/absenden");
        let (status, receipt, _) = c.post(&submit, &[("einwilligung", "ja"), ("wahrheit", "ja")]).await;
        assert_eq!(status, 303);
        let (_, html) = c.get(&receipt).await;
        assert!(html.contains(&format!("href=\"/soest/antrag/{draft}/eingang.pdf\"")), "PDF link");
        let res = c.http.get(app.url(&format!("/soest/antrag/{draft}/eingang.pdf"))).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let bytes = res.bytes().await.unwrap();
        crate::support::assert_pdf_a(&bytes);
        let text = crate::support::pdf_text(&bytes);
        for part in ["Eingangsbestätigung", "SO-", "Erika", "Mustermann <script>alert(1)</script>", "Marktstraße 7a",
            "ver_si_che_rung.pdf", "SHA-256", "Hochgeladene Dateien", "Seite 1 von"] {
            assert!(text.contains(part), "PDF lacks {part}: {text}");
        }
        // Another draft's receipt is not this one's; an open draft has no receipt yet.
        let mut other = Citizen::new(&app);
        let step1 = start(&mut other).await;
        let other_draft = step1.split('/').nth(3).unwrap();
        let res = other.http.get(app.url(&format!("/soest/antrag/{other_draft}/eingang.pdf"))).send().await.unwrap();
        assert_eq!(res.status(), 303, "no PDF before submitting");
        assert_eq!(app.get(&format!("/solingen/antrag/{draft}/eingang.pdf")).await.status(), 404);
    }
}

pub(crate) fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.display().to_string());
        }
    }
    out
}

/// The PDF/A check itself can fail: a plain (non-archival) PDF is refused.
#[test]
#[should_panic(expected = "not PDF/A-1b")]
fn preflight_refuses_what_is_not_pdf_a() {
    crate::support::assert_pdf_a(&pdf(2000));
}

/// With `RATHAUS_FILE_STORE=s3://…`, uploads go to an S3-compatible server (moto), never
/// to the local disk, and come back through the draft; storage being down is an error at
/// the field that keeps every other answer.
#[tokio::test]
async fn uploads_to_s3_compatible_storage() {
    let mut s3 = crate::support::S3Server::start().await;
    let app =
        TestApp::start_with(s3.options(crate::support::Options::new(Backend::Sqlite), "uploads"))
            .await;
    let mut c = Citizen::new(&app);
    let (draft, step) = to_upload_step(&mut c).await;
    let bytes: Vec<u8> = pdf(300_000)
        .into_iter()
        .enumerate()
        .map(|(i, b)| if i > 20 { (i % 251) as u8 } else { b })
        .collect();
    let (status, next, html) = upload(&c, &step, &[], Some(("police.pdf", bytes.clone()))).await;
    assert_eq!(status, 303, "{html}");
    let keys = s3.keys().await;
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert!(keys[0].starts_with("uploads/soest/"), "{keys:?}");
    assert!(
        !walk(app.data_dir.path())
            .iter()
            .any(|p| p.contains("/files/soest/")),
        "nothing on local disk"
    );
    let (_, html) = c.get(&step).await;
    let i = html.find(&format!("/soest/antrag/{draft}/datei/")).unwrap();
    let href = html[i..i + html[i..].find('"').unwrap()].to_owned();
    assert!(keys[0].ends_with(href.rsplit('/').next().unwrap()));
    let res = c.http.get(app.url(&href)).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.bytes().await.unwrap().as_ref(),
        bytes.as_slice(),
        "same bytes back"
    );
    // Storage down: a clear error at the field, the other answers kept, nothing lost.
    s3.stop();
    let (status, _, html) = upload(&c, &step, &[], Some(("zweite.pdf", pdf(1000)))).await;
    assert_eq!(status, 422, "{html}");
    assert!(
        html.contains("Die Datei konnte gerade nicht gespeichert werden"),
        "{html}"
    );
    assert!(html.contains("value=\"Demo AG\""), "other answers kept");
    assert!(
        html.contains("police.pdf"),
        "the file stored before is still there"
    );
    assert!(
        !walk(app.data_dir.path())
            .iter()
            .any(|p| p.contains("/files/tmp/")),
        "spool cleaned up"
    );
    let _ = next;
}

/// Files larger than one part go to S3 as a multipart upload and come back whole.
#[tokio::test]
async fn large_files_go_to_s3_in_parts() {
    use futures_util::StreamExt;
    let s3 = crate::support::S3Server::start().await;
    let spool = tempfile::tempdir().unwrap();
    let store = rathaus_store::BlobStore::s3_with(
        &format!("s3://{}/big", s3.bucket),
        spool.path(),
        &[
            ("aws_endpoint", &s3.endpoint),
            ("aws_allow_http", "true"),
            ("aws_access_key_id", "rathaus-test"),
            ("aws_secret_access_key", "rathaus-test"),
            ("aws_region", "eu-central-1"),
        ],
    )
    .unwrap();
    let bytes: Vec<u8> = (0..12 * 1024 * 1024 + 17)
        .map(|i| (i % 253) as u8)
        .collect();
    let path = store.spool_path("f1").await.unwrap();
    std::fs::write(&path, &bytes).unwrap();
    store.commit("t", "f1", &path).await.unwrap();
    assert!(!path.exists(), "spool file removed");
    assert_eq!(s3.keys().await, vec!["big/t/f1".to_owned()]);
    let mut back = Vec::new();
    let mut stream = store.open("t", "f1").await.unwrap();
    while let Some(chunk) = stream.next().await {
        back.extend_from_slice(&chunk.unwrap());
    }
    assert!(back == bytes, "same {} bytes back", bytes.len());
    assert!(store.exists("t", "f1").await.unwrap());
    assert!(!store.exists("t", "f2").await.unwrap());
}
