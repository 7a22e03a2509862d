//! Citizen accounts, sessions, Mein Bereich and the Postkorb, against a real OpenID Connect
//! provider (npm oidc-provider on loopback): login with PKCE, prefill, status, messages of
//! the authority with a PDF, replies with a file, data export, account deletion; guests with
//! an access code; sessions that time out mid-form without losing input; access checks on
//! every object; OIDC misuse refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{
    csrf_token, decode_html, free_port, run_cli, sql, sql_strings, Backend, OidcProvider, Options,
    TestApp,
};

/// An app with login through a fresh provider.
pub(crate) async fn app_with_login(b: Backend) -> (TestApp, OidcProvider, tempfile::TempDir) {
    let port = free_port();
    let provider = OidcProvider::start(port).await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start_with(provider.options(Options::new(b), port, dir.path())).await;
    (app, provider, dir)
}

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn absolute(base: &str, loc: &str) -> String {
    if loc.starts_with("http") {
        loc.to_owned()
    } else {
        let origin: String = base.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        format!("{origin}{loc}")
    }
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let i = tag.find(&key)? + key.len();
    Some(tag[i..i + tag[i..].find('"')?].to_owned())
}

/// Goes from `url` through the provider's login and consent pages as `who` until the
/// provider sends the browser back to the app; returns the app's answer to that return.
pub(crate) async fn through_provider(
    http: &reqwest::Client,
    url: String,
    who: &str,
) -> reqwest::Response {
    let back = provider_return_url(http, url, who).await;
    http.get(&back).send().await.unwrap()
}

/// The address the provider sends the browser back to (not yet visited).
pub(crate) async fn provider_return_url(http: &reqwest::Client, url: String, who: &str) -> String {
    let mut res = http.get(&url).send().await.unwrap();
    let mut here = url;
    for _ in 0..20 {
        if res.status().is_redirection() {
            let loc = absolute(&here, res.headers()["location"].to_str().unwrap());
            if loc.contains("/anmelden/rueckkehr") {
                return loc;
            }
            res = http.get(&loc).send().await.unwrap();
            here = loc;
            continue;
        }
        let html = res.text().await.unwrap();
        let form = html
            .find("<form")
            .unwrap_or_else(|| panic!("no form at {here}: {html}"));
        let tag = &html[form..form + html[form..].find('>').unwrap()];
        let action = absolute(&here, &decode_html(&attr(tag, "action").unwrap()));
        let mut fields: Vec<(String, String)> = Vec::new();
        for part in html[form..].split("<input").skip(1) {
            let tag = &part[..part.find('>').unwrap()];
            let name = attr(tag, "name").unwrap_or_default();
            match name.as_str() {
                "login" => fields.push((name, who.to_owned())),
                "password" => fields.push((name, "x".into())),
                "" => {}
                _ => fields.push((name, attr(tag, "value").unwrap_or_default())),
            }
        }
        res = http.post(&action).form(&fields).send().await.unwrap();
        here = action;
    }
    panic!("the provider did not send the browser back");
}

/// Logs `who` in to `tenant` and returns the path the app sent the browser to.
pub(crate) async fn login(
    app: &TestApp,
    http: &reqwest::Client,
    tenant: &str,
    who: &str,
) -> String {
    let res = http
        .get(app.url(&format!(
            "/{tenant}/anmelden?zurueck=/{tenant}/mein-bereich"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        303,
        "login starts with a redirect to the provider"
    );
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.contains("code_challenge_method=S256") && to.contains("nonce=") && to.contains("state="),
        "{to}"
    );
    let back = through_provider(http, to, who).await;
    assert_eq!(
        back.status(),
        303,
        "callback: {}",
        back.text().await.unwrap()
    );
    back.headers()["location"].to_str().unwrap().to_owned()
}

async fn page(app: &TestApp, http: &reqwest::Client, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), decode_html(&r.text().await.unwrap()))
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// Applies for the Meldebescheinigung (needs login, eIDAS substantial) with the prefilled
/// answers; returns (draft id, reference).
pub(crate) async fn apply_meldebescheinigung(
    app: &TestApp,
    http: &reqwest::Client,
) -> (String, String) {
    let start = "/solingen/leistungen/meldebescheinigung/antrag";
    let (_, html) = page(app, http, start).await;
    assert!(
        html.contains("Sie stellen den Antrag mit Ihrem Nutzerkonto (Erika Mustermann)"),
        "{html}"
    );
    let csrf = csrf_token(&html).unwrap();
    let r = http
        .post(app.url(start))
        .form(&[("_csrf", &csrf)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let step1 = location(&r);
    let did = step1.split('/').nth(3).unwrap().to_owned();
    let (_, html) = page(app, http, &step1).await;
    // Prefilled from the account, visibly marked, editable.
    for v in [
        "value=\"Erika\"",
        "value=\"Mustermann\"",
        "value=\"24.03.1985\"",
        "value=\"Marktstraße\"",
        "value=\"7a\"",
        "value=\"59494\"",
    ] {
        assert!(html.contains(v), "prefilled {v}");
    }
    assert!(html.contains("Aus Ihrem Nutzerkonto übernommen."));
    assert!(
        html.contains("Angemeldet als Erika Mustermann") && html.contains("Sitzung verlängern")
    );
    // The Enter key continues: no submit button of the step form comes before "weiter"
    // (the session bar's "extend" once did, so Enter extended the session).
    let form = html.find("id=\"step-form\"").unwrap();
    assert!(
        !html[..form].contains("form=\"step-form\""),
        "a button of the step form before it"
    );
    let first_submit = form + html[form..].find("type=\"submit\"").unwrap();
    assert!(
        html[first_submit..].starts_with("type=\"submit\" name=\"aktion\" value=\"weiter\""),
        "{}",
        &html[first_submit..first_submit + 120]
    );
    let csrf = csrf_token(&html).unwrap();
    let r = http
        .post(app.url(&step1))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("aktion", "weiter"),
            ("vorname", "Erika"),
            ("nachname", "Mustermann"),
            ("geburtsdatum", "24.03.1985"),
            ("anschrift.street", "Marktstraße"),
            ("anschrift.house_number", "7a"),
            ("anschrift.postal_code", "42651"),
            ("anschrift.city", "Solingen"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let step2 = location(&r);
    let (_, html) = page(app, http, &step2).await;
    assert!(
        html.contains("value=\"erika.mustermann@example.org\""),
        "email prefilled"
    );
    let csrf = csrf_token(&html).unwrap();
    let r = http
        .post(app.url(&step2))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("aktion", "weiter"),
            ("art", "einfach"),
            ("zweck", ""),
            ("email", "erika.mustermann@example.org"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let check = location(&r);
    let (_, html) = page(app, http, &check).await;
    let csrf = csrf_token(&html).unwrap();
    let r = http
        .post(app.url(&check.replace("/pruefen", "/absenden")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("einwilligung", "ja"),
            ("wahrheit", "ja"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let (_, html) = page(app, http, &location(&r)).await;
    let i = html.find("class=\"reference\">").unwrap() + 18;
    let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
    assert!(
        !html.contains("Ihr Zugangscode"),
        "accounts get no access code"
    );
    (did, reference)
}

fn pdf_bytes() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

fn png_bytes() -> Vec<u8> {
    let mut v = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    v.extend_from_slice(&[0; 64]);
    v
}

both_backends! {
    async fn citizen_logs_in_applies_gets_a_notice_replies_exports_and_deletes(b: Backend) {
        let (app, _provider, dir) = app_with_login(b).await;
        let erika = client();
        let back = login(&app, &erika, "solingen", "erika").await;
        assert_eq!(back, "/solingen/mein-bereich");
        let (status, html) = page(&app, &erika, "/solingen/mein-bereich").await;
        assert_eq!(status, 200, "{}", app.log());
        assert!(html.contains("Angemeldet als Erika Mustermann") && html.contains("Sie haben noch keinen Antrag gestellt."));
        assert!(html.contains("Vertrauensniveau Ihrer Anmeldung: substanziell"));

        let (did, reference) = apply_meldebescheinigung(&app, &erika).await;
        let (_, html) = page(&app, &erika, "/solingen/mein-bereich").await;
        assert!(html.contains(&reference) && html.contains("Stand: Eingegangen"), "{html}{}", app.log());

        // The authority asks for a document (operator command until the back office exists).
        let pdf = dir.path().join("nachforderung.pdf");
        std::fs::write(&pdf, pdf_bytes()).unwrap();
        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &reference,
            "--kind", "request", "--subject", "Bitte Nachweis einreichen", "--body", "Bitte senden Sie uns den Mietvertrag.\nDanke.",
            "--attach", pdf.to_str().unwrap()]);
        assert!(ok, "{out}");
        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", "SG-1999-000001",
            "--subject", "x", "--body", "y"]);
        assert!(!ok && out.contains("no application SG-1999-000001"), "{out}");

        let (_, html) = page(&app, &erika, "/solingen/mein-bereich").await;
        assert!(html.contains("Sie haben eine neue Nachricht.") && html.contains("Stand: Wartet auf Sie"), "{html}");
        let (_, case) = page(&app, &erika, &format!("/solingen/vorgang/{did}")).await;
        assert!(case.contains("Bitte Nachweis einreichen") && case.contains("Nachforderung") && case.contains("aria-current=\"step\""));
        let i = case.find(&format!("/solingen/vorgang/{did}/nachricht/")).unwrap();
        let msg_path = case[i..i + case[i..].find('"').unwrap()].to_owned();
        let (_, msg) = page(&app, &erika, &msg_path).await;
        assert!(msg.contains("Bitte senden Sie uns den Mietvertrag.") && msg.contains("nachforderung.pdf"));
        let opened = msg[msg.find("Von Ihnen zuerst geöffnet am").unwrap()..].chars().take(80).collect::<String>();
        // The first opening is recorded once; opening again does not move it.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        let (_, again) = page(&app, &erika, &msg_path).await;
        assert!(again.contains(&opened));
        let j = msg.find(&format!("/solingen/vorgang/{did}/datei/")).unwrap();
        let file_path = msg[j..j + msg[j..].find('"').unwrap()].to_owned();
        let r = erika.get(app.url(&file_path)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf_bytes());

        // The notification mail says only that something is waiting.
        // (what the outbox hands to the mailer, written with the message in one transaction)
        let mails = sql_strings(&app, "SELECT payload FROM outbox WHERE kind = 'mail' ORDER BY created_at").await;
        assert_eq!(mails.len(), 2, "receipt and notification: {mails:?}");
        let note: serde_json::Value = serde_json::from_str(&mails[1]).unwrap();
        assert_eq!(note["to"], "erika.mustermann@example.org");
        assert_eq!(note["subject"], "Neue Nachricht zu Ihrem Antrag");
        let body = note["body"].as_str().unwrap();
        assert!(body.contains("/solingen/mein-bereich"), "{body}");
        assert!(!body.contains("Mietvertrag") && !body.contains("Nachweis") && !body.contains(&reference), "no content in the mail: {body}");

        // Reply with text and a file.
        let csrf = csrf_token(&case).unwrap();
        let form = reqwest::multipart::Form::new()
            .text("_csrf", csrf.clone())
            .text("text", "Anbei der Mietvertrag.")
            .part("datei", reqwest::multipart::Part::bytes(png_bytes()).file_name("mietvertrag.png"));
        let r = erika.post(app.url(&format!("/solingen/vorgang/{did}/antwort"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (_, case) = page(&app, &erika, &format!("/solingen/vorgang/{did}")).await;
        assert!(case.contains("Antwort auf Nachfrage") && case.contains("1 Anhang"));
        // An empty reply is refused with the field's error.
        let form = reqwest::multipart::Form::new().text("_csrf", csrf.clone()).text("text", "  ");
        let r = erika.post(app.url(&format!("/solingen/vorgang/{did}/antwort"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(decode_html(&r.text().await.unwrap()).contains("Bitte schreiben Sie eine Nachricht"));

        // The notice (Bescheid) moves the status to decided.
        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &reference,
            "--kind", "notice", "--subject", "Ihre Meldebescheinigung", "--body", "Anbei die Bescheinigung.", "--attach", pdf.to_str().unwrap()]);
        assert!(ok, "{out}");
        let (_, html) = page(&app, &erika, "/solingen/mein-bereich").await;
        assert!(html.contains("Stand: Entschieden"));

        // Everything stored about Erika, machine-readable.
        let r = erika.get(app.url("/solingen/mein-bereich/daten.json")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
        let data: serde_json::Value = r.json().await.unwrap();
        assert_eq!(data["account"]["profile"]["family_name"], "Mustermann");
        let apps = data["applications"].as_array().unwrap();
        assert_eq!(apps.len(), 1);
        assert_eq!(apps[0]["reference"], reference.as_str());
        assert_eq!(apps[0]["answers"]["anschrift"]["city"], "Solingen");
        assert_eq!(apps[0]["messages"].as_array().unwrap().len(), 3);
        assert_eq!(apps[0]["status"], "decided");
        assert!(apps[0]["messages"][0]["read_at"].is_string());

        // Another citizen sees nothing of Erika's, by any route.
        let max = client();
        login(&app, &max, "solingen", "max").await;
        for path in [
            format!("/solingen/vorgang/{did}"), msg_path.clone(), file_path.clone(),
            format!("/solingen/antrag/{did}"), format!("/solingen/antrag/{did}/eingang"),
            format!("/solingen/antrag/{did}/eingang.pdf"), format!("/solingen/antrag/{did}/pruefen"),
        ] {
            let (status, body) = page(&app, &max, &path).await;
            assert_eq!(status, 404, "max reads {path}");
            assert!(!body.contains(&reference) && !body.contains("Mustermann"), "{path}");
        }
        let form = reqwest::multipart::Form::new().text("_csrf", "x".repeat(32)).text("text", "Hallo");
        let r = max.post(app.url(&format!("/solingen/vorgang/{did}/antwort"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 404, "max writes into Erika's Postkorb");
        // Without a session: a login page, no data.
        let anon = client();
        for path in [format!("/solingen/vorgang/{did}"), msg_path.clone(), file_path.clone(), format!("/solingen/antrag/{did}/eingang")] {
            let (status, body) = page(&app, &anon, &path).await;
            assert_eq!(status, 200, "{path}");
            assert!(body.contains("Bitte melden Sie sich an") && !body.contains(&reference), "{path}");
        }
        // Max's login is "low": the Meldebescheinigung needs "substantial".
        let (_, html) = page(&app, &max, "/solingen/leistungen/meldebescheinigung/antrag").await;
        assert!(html.contains("Vertrauensniveau „substanziell“") && html.contains("Mit höherem Vertrauensniveau anmelden"));
        let csrf = csrf_token(&html).unwrap();
        let r = max.post(app.url("/solingen/leistungen/meldebescheinigung/antrag")).form(&[("_csrf", &csrf)]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        // Sessions are per tenant: Erika's Solingen session does not open Soest.
        let (_, html) = page(&app, &erika, "/soest/mein-bereich").await;
        assert!(html.contains("Bitte melden Sie sich an"));

        // Logout everywhere ends Erika's other sessions too.
        let erika2 = client();
        login(&app, &erika2, "solingen", "erika").await;
        let (_, html) = page(&app, &erika, "/solingen/mein-bereich").await;
        assert!(html.contains("Sie sind auf 2 Geräten angemeldet."), "{html}");
        let csrf = csrf_token(&html).unwrap();
        let r = erika.post(app.url("/solingen/abmelden/ueberall")).form(&[("_csrf", &csrf)]).send().await.unwrap();
        assert_eq!(r.status(), 200, "{}", app.log());
        let (_, html) = page(&app, &erika2, "/solingen/mein-bereich").await;
        assert!(html.contains("Anmelden mit Servicekonto (Test)") && !html.contains("Meine Anträge"), "{html}");

        // Deleting the account: confirmation required; afterwards a new login is a new, empty account.
        login(&app, &erika, "solingen", "erika").await;
        let (_, html) = page(&app, &erika, "/solingen/mein-bereich/konto-loeschen").await;
        let csrf = csrf_token(&html).unwrap();
        let r = erika.post(app.url("/solingen/mein-bereich/konto-loeschen")).form(&[("_csrf", &csrf)]).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r = erika.post(app.url("/solingen/mein-bereich/konto-loeschen")).form(&[("_csrf", csrf.as_str()), ("bestaetigt", "ja")]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(decode_html(&r.text().await.unwrap()).contains("Ihr Konto ist gelöscht"));
        let (_, html) = page(&app, &erika, "/solingen/mein-bereich").await;
        assert!(html.contains("Bitte melden Sie sich an"));
        login(&app, &erika, "solingen", "erika").await;
        let data: serde_json::Value = erika.get(app.url("/solingen/mein-bereich/daten.json")).send().await.unwrap().json().await.unwrap();
        assert_eq!(data["applications"].as_array().unwrap().len(), 0, "a new account after deletion");
    }
}

both_backends! {
    async fn a_guest_follows_the_application_with_the_access_code(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;
        let guest = client();
        let steps = crate::seed_forms::seed_steps("soest/hundeabmeldung");
        let receipt = crate::seed_forms::submit_seed_form(&app, &guest, "soest/hundeabmeldung", &steps).await;
        let (_, html) = page(&app, &guest, &receipt).await;
        let i = html.find("class=\"access-code-value\">").unwrap() + 26;
        let code = html[i..i + 14].to_owned();
        let i = html.find("class=\"reference\">").unwrap() + 18;
        let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let did = receipt.split('/').nth(3).unwrap().to_owned();
        // The same browser follows it right away.
        let (status, case) = page(&app, &guest, &format!("/soest/vorgang/{did}")).await;
        assert_eq!(status, 200);
        assert!(case.contains(&reference) && case.contains("Sie verfolgen einen Antrag mit Zugangscode"));

        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "soest", "--reference", &reference,
            "--subject", "Eingang bestätigt", "--body", "Wir bearbeiten Ihre Abmeldung."]);
        assert!(ok, "{out}");

        // Another browser: first refused with a wrong code, then in with the right one.
        let other = client();
        let (_, html) = page(&app, &other, &format!("/soest/vorgang/{did}")).await;
        assert!(!html.contains(&reference));
        let (_, html) = page(&app, &other, "/soest/zugang").await;
        let csrf = csrf_token(&html).unwrap();
        let r = other.post(app.url("/soest/zugang")).form(&[("_csrf", csrf.as_str()), ("aktenzeichen", reference.as_str()), ("zugangscode", "AAAA-BBBB-CCCC")]).send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(decode_html(&r.text().await.unwrap()).contains("passen nicht zusammen"));
        let typed = code.to_lowercase().replace('-', " ");
        let r = other.post(app.url("/soest/zugang")).form(&[("_csrf", csrf.as_str()), ("aktenzeichen", reference.as_str()), ("zugangscode", typed.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), format!("/soest/vorgang/{did}"));
        let (_, case) = page(&app, &other, &format!("/soest/vorgang/{did}")).await;
        assert!(case.contains("Eingang bestätigt") && case.contains("1 neue Nachricht"));
        let csrf = csrf_token(&case).unwrap();
        let form = reqwest::multipart::Form::new().text("_csrf", csrf).text("text", "Danke!")
            .part("datei", reqwest::multipart::Part::bytes(pdf_bytes()).file_name("nachweis.pdf"));
        let r = other.post(app.url(&format!("/soest/vorgang/{did}/antwort"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 303);
        // The guest session opens only this application, and a code opens only its own one.
        let second = crate::seed_forms::submit_seed_form(&app, &client(), "soest/hundeabmeldung", &steps).await;
        let did2 = second.split('/').nth(3).unwrap();
        let r = other.get(app.url(&format!("/soest/vorgang/{did2}"))).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), "/soest/zugang", "another application asks for its own code");
        let (_, html) = page(&app, &other, "/soest/zugang").await;
        let csrf = csrf_token(&html).unwrap();
        let r = other.post(app.url("/soest/zugang")).form(&[("_csrf", csrf.as_str()), ("aktenzeichen", "SO-2026-000002"), ("zugangscode", code.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 422, "the code of one application does not open another");
    }
}

both_backends! {
    async fn a_session_that_times_out_mid_form_loses_nothing(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let start = "/solingen/leistungen/meldebescheinigung/antrag";
        let (_, html) = page(&app, &erika, start).await;
        let r = erika.post(app.url(start)).form(&[("_csrf", csrf_token(&html).unwrap())]).send().await.unwrap();
        let step1 = location(&r);
        let (_, html) = page(&app, &erika, &step1).await;
        let csrf = csrf_token(&html).unwrap();
        let r = erika.post(app.url(&step1)).form(&[
            ("_csrf", csrf.as_str()), ("aktion", "weiter"), ("vorname", "Erika"), ("nachname", "Musterfrau"),
            ("geburtsdatum", "24.03.1985"), ("anschrift.street", "Marktstraße"), ("anschrift.house_number", "7a"),
            ("anschrift.postal_code", "42651"), ("anschrift.city", "Solingen"),
        ]).send().await.unwrap();
        let step2 = location(&r);
        // "Sitzung verlängern" from a script answers with the new end.
        let r = erika.post(app.url("/solingen/sitzung")).header("accept", "application/json").form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let j: serde_json::Value = r.json().await.unwrap();
        assert!(j["idle_ends"].as_i64().unwrap() > jiff::Timestamp::now().as_millisecond() + 60_000);
        // The citizen walks away; the idle time passes (moved in the database).
        sql(&app, "UPDATE sessions SET last_seen_at = last_seen_at - 7200000").await;
        // …and then sends the step typed before: kept, and a new login asked for.
        let r = erika.post(app.url(&step2)).form(&[
            ("_csrf", csrf.as_str()), ("aktion", "weiter"), ("art", "erweitert"), ("zweck", "Für den Arbeitgeber"), ("email", "erika@example.org"),
        ]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let html = decode_html(&r.text().await.unwrap());
        assert!(html.contains("Ihre Sitzung ist abgelaufen") && html.contains("ist nicht verloren"), "{html}");
        let i = html.find("class=\"button-link\" href=\"").unwrap() + 26;
        let to = html[i..i + html[i..].find('"').unwrap()].to_owned();
        let back = through_provider(&erika, to, "erika").await;
        assert_eq!(back.status(), 303);
        assert_eq!(location(&back), step2, "back where the citizen was");
        let (_, html) = page(&app, &erika, &step2).await;
        assert!(html.contains("value=\"Für den Arbeitgeber\"") && html.contains("value=\"erika@example.org\""), "the typed input is there");
        assert!(html.contains("value=\"erweitert\" checked") || html.contains("value=\"erweitert\"  checked"), "{html}");
        let (_, html) = page(&app, &erika, &step1).await;
        assert!(html.contains("value=\"Musterfrau\""), "earlier steps are kept");
        // A session past its absolute lifetime ends too.
        sql(&app, "UPDATE sessions SET expires_at = 1").await;
        let (_, html) = page(&app, &erika, &step1).await;
        assert!(html.contains("Ihre Sitzung ist abgelaufen"));
    }
}

both_backends! {
    async fn oidc_misuse_is_refused_with_a_clear_page(b: Backend) {
        let (app, provider, _dir) = app_with_login(b).await;
        let http = client();
        // A made-up state.
        let (status, html) = page(&app, &http, "/solingen/anmelden/rueckkehr?code=abc&state=erfunden").await;
        assert_eq!(status, 400);
        assert!(html.contains("abgelaufen oder wurde schon verwendet"));
        // A real login, then the same return replayed.
        let r = http.get(app.url("/solingen/anmelden")).send().await.unwrap();
        let to = location(&r);
        let callback = provider_return_url(&http, to, "erika").await;
        let first = http.get(&callback).send().await.unwrap();
        assert_eq!(first.status(), 303, "the first return logs in");
        let replay = client().get(&callback).send().await.unwrap();
        assert_eq!(replay.status(), 400, "a replayed return is refused");
        // A code issued to another client (another service) is refused by the token check.
        let r = http.get(app.url("/solingen/anmelden")).send().await.unwrap();
        let ours = location(&r);
        let foreign = ours.replace("client_id=rathaus", "client_id=andere");
        let back = through_provider(&http, foreign, "erika").await;
        assert_eq!(back.status(), 400, "foreign code");
        assert!(decode_html(&back.text().await.unwrap()).contains("Die Anmeldung hat nicht geklappt"));
        // An attempt older than ten minutes is refused.
        let r = http.get(app.url("/solingen/anmelden")).send().await.unwrap();
        let to = location(&r);
        sql(&app, "UPDATE login_attempts SET created_at = created_at - 3600000").await;
        let back = through_provider(&http, to, "erika").await;
        assert_eq!(back.status(), 400, "stale attempt");
        // Cancelled at the provider.
        let r = http.get(app.url("/solingen/anmelden")).send().await.unwrap();
        let to = location(&r);
        let state = to.split("state=").nth(1).unwrap().split('&').next().unwrap().to_owned();
        let (status, html) = page(&app, &http, &format!("/solingen/anmelden/rueckkehr?error=access_denied&state={state}")).await;
        assert_eq!(status, 400);
        assert!(html.contains("abgebrochen"));
        drop(provider);
        // The provider is down: a clear page, not an error dump.
        let fresh = client();
        let (status, html) = page(&app, &fresh, "/solingen/anmelden").await;
        assert!(status == 502 || status == 303, "{status}");
        if status == 502 {
            assert!(html.contains("nicht erreichbar"));
        }
    }
}

/// The whole citizen round trip in Chromium: login at the real provider, apply with
/// prefill, a request with a PDF in the Postkorb, a reply with a file, the data download
/// link, deleting the account; guest access and the login pages — axe-core on every page
/// and state of ours.
#[tokio::test]
async fn the_account_and_postkorb_in_the_browser() {
    use crate::browser::{
        audit, axe_source, browser, browser_lock, click, fill, wait_for_css, wait_for_url,
    };
    use fantoccini::Locator;
    let _lock = browser_lock().lock().await;
    let (app, _provider, dir) = app_with_login(Backend::Sqlite).await;
    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let mut failures = Vec::new();
    let at_provider = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            wait_for_css(&c, "form").await;
            if c.find(Locator::Css("input[name=login]")).await.is_ok() {
                c.find(Locator::Css("input[name=login]"))
                    .await
                    .unwrap()
                    .send_keys("erika")
                    .await
                    .unwrap();
                c.find(Locator::Css("input[name=password]"))
                    .await
                    .unwrap()
                    .send_keys("x")
                    .await
                    .unwrap();
                c.find(Locator::Css("button[type=submit]"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
            }
            if c.current_url()
                .await
                .unwrap()
                .as_str()
                .contains("/interaction/")
            {
                c.find(Locator::Css("button[type=submit]"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
            }
        }
    };

    c.goto(&app.url("/solingen/leistungen/meldebescheinigung/antrag"))
        .await
        .unwrap();
    audit(c, &axe_js, "start, not logged in".into(), &mut failures).await;
    click(c, "main a.button-link").await;
    at_provider(c).await;
    wait_for_css(c, "#sitzung").await;
    audit(c, &axe_js, "start, logged in".into(), &mut failures).await;
    click(c, "form[action$='/antrag'] button").await;
    wait_for_url(c, "/schritt/person").await;
    let html = c.source().await.unwrap();
    assert!(html.contains("Aus Ihrem Nutzerkonto übernommen."));
    audit(c, &axe_js, "step 1 prefilled".into(), &mut failures).await;
    fill(c, "f-anschrift-postal_code", "42651").await;
    fill(c, "f-anschrift-city", "Solingen").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_url(c, "/schritt/bescheinigung").await;
    click(c, "input[name=art][value=einfach]").await;
    click(c, ".actions button[value=weiter]").await;
    wait_for_url(c, "/pruefen").await;
    let html = decode_html(&c.source().await.unwrap());
    assert!(
        html.contains("Zu zahlen") && html.contains("5,00"),
        "the fee on the check page"
    );
    audit(c, &axe_js, "check page with a fee".into(), &mut failures).await;
    click(c, "#consent").await;
    click(c, "#truth").await;
    click(c, "form[action$='/absenden'] button[type=submit]").await;
    wait_for_url(c, "/eingang").await;
    audit(c, &axe_js, "receipt with account".into(), &mut failures).await;
    let html = decode_html(&c.source().await.unwrap());
    let i = html.find("class=\"reference\">").unwrap() + 18;
    let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
    // Pay online at the demo payment service.
    click(c, "form[action$='/zahlung'] button").await;
    wait_for_url(c, "/demo-bezahldienst/").await;
    audit(c, &axe_js, "demo pay page".into(), &mut failures).await;
    click(c, "button[value=bezahlen]").await;
    wait_for_url(c, "/eingang").await;
    assert!(decode_html(&c.source().await.unwrap()).contains("Kassenzeichen: DEMO-KZ-"));
    audit(c, &axe_js, "receipt, paid online".into(), &mut failures).await;

    let pdf = dir.path().join("nachforderung.pdf");
    std::fs::write(&pdf, pdf_bytes()).unwrap();
    let (ok, out) = run_cli(
        &app,
        &[
            "postkorb",
            "send",
            "--tenant",
            "solingen",
            "--reference",
            &reference,
            "--kind",
            "request",
            "--subject",
            "Bitte Nachweis einreichen",
            "--body",
            "Bitte senden Sie uns den Mietvertrag.",
            "--attach",
            pdf.to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    c.goto(&app.url("/solingen/mein-bereich")).await.unwrap();
    audit(
        c,
        &axe_js,
        "Mein Bereich with a new message".into(),
        &mut failures,
    )
    .await;
    click(c, ".case-list a").await;
    wait_for_url(c, "/vorgang/").await;
    audit(
        c,
        &axe_js,
        "case waiting for the citizen".into(),
        &mut failures,
    )
    .await;
    click(c, ".message-list a").await;
    wait_for_url(c, "/nachricht/").await;
    audit(c, &axe_js, "message with attachment".into(), &mut failures).await;
    click(c, "main p a").await; // back to the case
    wait_for_css(c, "#antwort-text").await;
    click(c, "form[action$='/antwort'] button").await; // empty: error
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "reply error".into(), &mut failures).await;
    let png = dir.path().join("mietvertrag.png");
    std::fs::write(&png, png_bytes()).unwrap();
    fill(c, "antwort-text", "Anbei der Mietvertrag.").await;
    c.find(Locator::Id("antwort-datei"))
        .await
        .unwrap()
        .send_keys(&png.display().to_string())
        .await
        .unwrap();
    click(c, "form[action$='/antwort'] button").await;
    wait_for_url(c, "#nachrichten").await;
    let html = c.source().await.unwrap();
    assert!(html.contains("Antwort auf Nachfrage"));
    audit(c, &axe_js, "case after reply".into(), &mut failures).await;

    // A city app asks to act for her (the consent page), and an app the portal does not know.
    let ask = "/solingen/app-zugang?response_type=code&client_id=stadt-app-demo\
        &redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Frueckkehr\
        &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256&state=s";
    c.goto(&app.url(ask)).await.unwrap();
    wait_for_css(c, "button[value=zulassen]").await;
    audit(c, &axe_js, "app consent".into(), &mut failures).await;
    c.goto(&app.url("/solingen/app-zugang?client_id=unbekannt"))
        .await
        .unwrap();
    audit(c, &axe_js, "app consent, unknown app".into(), &mut failures).await;

    c.goto(&app.url("/solingen/mein-bereich/konto-loeschen"))
        .await
        .unwrap();
    audit(c, &axe_js, "delete account".into(), &mut failures).await;
    click(c, "button.danger").await;
    wait_for_css(c, ".error-summary").await;
    audit(
        c,
        &axe_js,
        "delete account, not confirmed".into(),
        &mut failures,
    )
    .await;
    click(c, "#bestaetigt").await;
    click(c, "button.danger").await;
    wait_for_css(c, ".confirmation").await;
    assert!(c.source().await.unwrap().contains("Ihr Konto ist gelöscht"));
    audit(c, &axe_js, "account deleted".into(), &mut failures).await;
    c.goto(&app.url("/solingen/mein-bereich")).await.unwrap();
    audit(c, &axe_js, "login needed".into(), &mut failures).await;
    c.goto(&app.url("/solingen/zugang")).await.unwrap();
    audit(c, &axe_js, "guest access".into(), &mut failures).await;
    fill(c, "aktenzeichen", "SG-2026-000001").await;
    fill(c, "zugangscode", "AAAA-BBBB-CCCC").await;
    click(c, "main form button").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "guest access, wrong code".into(), &mut failures).await;
    c.goto(&app.url("/solingen/anmelden/rueckkehr?state=erfunden&code=x"))
        .await
        .unwrap();
    audit(c, &axe_js, "login failed".into(), &mut failures).await;
    let _ = b.client.clone().close().await;
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}
