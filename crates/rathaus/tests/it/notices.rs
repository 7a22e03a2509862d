//! Notices to an account, end to end on both engines, at the Soest demo: a citizen logged
//! in asks to be told when her passport is ready and files a loss report without naming
//! an e-mail address; when the Fachverfahren reports the passport ready and staff register
//! a matching bag, each becomes a notice in Mein Bereich and a push (naming nothing) to
//! her city app, which reads the notice over the API. Nobody else opens them; the loss
//! report stands in Mein Bereich with its certificate; the data export holds both; the
//! account's deletion takes them along.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::{client, login};
use crate::api_login::{access, app_code_in, exchange_in};
use crate::api_push::{as_the_app_reads, push_service, subscription_keys, wait_for};
use crate::appointments::mails;
use crate::backoffice::staff_login;
use crate::both_backends;
use crate::found::{days_ago, post};
use crate::id_status::{ask, report, TOKEN};
use crate::support::{
    csrf_token, decode_html, free_port, sql_strings, Backend, OidcProvider, Options, TestApp,
};
use serde_json::{json, Value};

async fn get(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let res = http.get(app.url(path)).send().await.unwrap();
    let status = res.status().as_u16();
    (status, decode_html(&res.text().await.unwrap()))
}

async fn api(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The text between `key` and the next `end` in `html`.
fn after(html: &str, key: &str, end: &str) -> String {
    let i = html.find(key).unwrap_or_else(|| panic!("{key} in {html}")) + key.len();
    html[i..i + html[i..].find(end).unwrap()].to_owned()
}

both_backends! {
    async fn an_account_hears_of_its_passport_and_its_lost_bag_in_mein_bereich_and_its_app(b: Backend) {
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b)
            .env("DEMO_SOEST_AUSWEIS_TOKEN", TOKEN)
            .env("RATHAUS_PUSH_ALLOW_LOCAL", "true")
            .env("RATHAUS_OUTBOX_RETRY_SECS", "1"), port, dir.path())).await;
        let (push_port, got) = push_service().await;
        let (status, _) = report(&app, TOKEN, json!({"documents": [{"kind": "passport",
            "application_number": "2026-000777", "birth_date": "1985-04-12", "status": "in_production"}]})).await;
        assert_eq!(status, 200);

        // Erika, logged in to the portal and in the city app, which subscribes to push.
        let erika = client();
        login(&app, &erika, "soest", "erika").await;
        let (code, verifier, redirect) = app_code_in(&app, &erika, "soest", "erika").await;
        let (status, t) = exchange_in(&app, "soest", &code, &verifier, &redirect).await;
        assert_eq!(status, 200, "{t}");
        let token = access(&t);
        let (secret, _auth, p256dh, auth_b64) = subscription_keys();
        let res = reqwest::Client::new().post(app.url("/api/v1/tenants/soest/push-subscriptions"))
            .bearer_auth(&token)
            .json(&json!({"endpoint": format!("http://127.0.0.1:{push_port}/ok/erika"), "keys": {"p256dh": p256dh, "auth": auth_b64}}))
            .send().await.unwrap();
        assert_eq!(res.status(), 201);

        // Logged in, "tell me" goes to Mein Bereich; an address is optional.
        let (_, html) = ask(&app, &erika, "2026-000777", "12.04.1985").await;
        assert!(html.contains("wird noch hergestellt") && html.contains("legen wir eine Mitteilung in Mein Bereich"), "{html}");
        let notify = |http: &reqwest::Client, html: &str| {
            let (app, http, csrf) = (&app, http.clone(), csrf_token(html).unwrap());
            async move {
                let res = http.post(app.url("/soest/ausweis-status/benachrichtigen"))
                    .form(&[("_csrf", csrf.as_str()), ("nummer", "2026-000777"), ("geburtsdatum", "12.04.1985"), ("email", "")])
                    .send().await.unwrap();
                (res.status().as_u16(), decode_html(&res.text().await.unwrap()))
            }
        };
        // A guest still names an address.
        let guest = client();
        let (_, guest_html) = ask(&app, &guest, "2026-000777", "12.04.1985").await;
        let (status, guest_html) = notify(&guest, &guest_html).await;
        assert_eq!(status, 422);
        assert!(guest_html.contains("id=\"email-error\""), "{guest_html}");
        let (status, html) = notify(&erika, &html).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("finden Sie eine Mitteilung in") && html.contains("href=\"/soest/mein-bereich\""), "{html}");

        // Ready: one notice, one push naming nothing but that there is a notice, no mail.
        let (status, done) = report(&app, TOKEN, json!({"documents": [{"kind": "passport",
            "application_number": "2026-000777", "birth_date": "1985-04-12", "status": "ready", "since": "2026-12-05"}]})).await;
        assert_eq!((status, done["notified"].as_u64()), (200, Some(1)), "{done}");
        let seen = wait_for(&got, 1, &app).await;
        let read = as_the_app_reads(&seen[0], &secret, &auth_b64).await;
        let news: Value = serde_json::from_str(read["plaintext"].as_str().unwrap()).unwrap();
        assert_eq!((news["type"].as_str(), news["tenant"].as_str()), (Some("notice"), Some("soest")), "{news}");
        let ready_id = news["notice"].as_str().unwrap().to_owned();
        assert!(sql_strings(&app, "SELECT id FROM id_documents WHERE notify_account IS NOT NULL").await.is_empty(),
            "the account is forgotten once told");

        // The app reads it over the API.
        let (status, list) = api(&app, &token, "/api/v1/tenants/soest/notices").await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
        assert_eq!((list["items"][0]["id"].as_str(), list["items"][0]["kind"].as_str()), (Some(ready_id.as_str()), Some("id-ready")));
        assert!(list["items"][0]["read_at"].is_null());
        let (status, full) = api(&app, &token, list["items"][0]["href"].as_str().unwrap()).await;
        assert_eq!(status, 200, "{full}");
        assert!(full["body"].as_str().unwrap().contains("liegt zur Abholung bereit"), "{full}");
        assert_eq!(full["link"], "/soest/termine/buergerbuero?leistung=ausweis-abholen");
        for secret in ["2026-000777", "2026000777", "1985"] {
            assert!(!full.to_string().contains(secret), "the notice names no number or date: {full}");
        }
        assert!(!mails(&app).iter().any(|m| m.contains("abholbereit")), "no mail was asked for");

        // And in Mein Bereich; nobody else opens it.
        let (_, my) = get(&erika, &app, "/soest/mein-bereich").await;
        assert!(my.contains("<h2 id=\"mitteilungen\">Mitteilungen</h2>") && my.contains("Ihr Dokument ist abholbereit"), "{my}");
        let notice_path = format!("/soest/mein-bereich/mitteilungen/{ready_id}");
        let (status, html) = get(&erika, &app, &notice_path).await;
        assert_eq!(status, 200);
        assert!(html.contains("Ihr Ausweisdokument liegt zur Abholung bereit") && html.contains("href=\"/soest/termine/buergerbuero?leistung=ausweis-abholen\""), "{html}");
        let max = client();
        login(&app, &max, "soest", "max").await;
        assert_eq!(get(&max, &app, &notice_path).await.0, 404, "another account's notice");
        let (_, html) = get(&client(), &app, &notice_path).await;
        assert!(html.contains("/soest/anmelden") && !html.contains("abholbereit"), "not without a login: {html}");
        let (_, maxs) = get(&max, &app, "/soest/mein-bereich").await;
        assert!(!maxs.contains("abholbereit"));

        // A loss report filed logged in belongs to the account; no address needed.
        let (status, html) = post(&erika, &app, "/soest/fundbuero/verlust-melden", &[("kategorie", "bag"), ("farbe", "rot"),
            ("beschreibung", "Roter Stoffbeutel mit Strickzeug"), ("verlustort", "Wochenmarkt"),
            ("verlustdatum", &days_ago(1)), ("email", ""), ("einwilligung", "ja")]).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Ihre Verlustmeldung steht auch in"), "{html}");
        let reference = after(&html, "<dt>Meldungsnummer</dt><dd>", "<");
        let (_, my) = get(&erika, &app, "/soest/mein-bereich").await;
        assert!(my.contains("Meine Verlustmeldungen") && my.contains(&reference) && my.contains("Roter Stoffbeutel mit Strickzeug"), "{my}");

        // Staff register a fitting bag: a second notice and push, still no mail.
        let staff = client();
        staff_login(&app, &staff, "soest", "sb-soest").await;
        let (status, html) = post(&staff, &app, "/soest/verwaltung/fundbuero/buergerbuero", &[("kategorie", "bag"), ("farbe", "rot"),
            ("beschreibung", "Stoffbeutel mit Strickzeug"), ("fundort", "Wochenmarkt"), ("funddatum", &days_ago(0)),
            ("merkmale", "Wolle in Grün")]).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Eine Verlustmeldung könnte passen"), "{html}");
        let seen = wait_for(&got, 2, &app).await;
        let read = as_the_app_reads(&seen[1], &secret, &auth_b64).await;
        let news: Value = serde_json::from_str(read["plaintext"].as_str().unwrap()).unwrap();
        assert_eq!(news["type"], "notice");
        let (_, list) = api(&app, &token, "/api/v1/tenants/soest/notices").await;
        assert_eq!(list["items"][0]["kind"], "found-match", "newest first: {list}");
        assert!(list["items"][1]["read_at"].is_i64(), "the first was opened: {list}");
        let (_, my) = get(&erika, &app, "/soest/mein-bereich").await;
        assert!(my.contains("Eine Fundsache könnte zu Ihrer Verlustmeldung passen"), "{my}");
        assert!(!my.contains("Wolle in Grün"));
        assert!(!mails(&app).iter().any(|m| m.contains("Fundsache")), "no mail without an address");

        // The certificate from Mein Bereich.
        let (id, cert_token) = (after(&my, "name=\"meldung\" value=\"", "\""), after(&my, "name=\"token\" value=\"", "\""));
        let res = erika.post(app.url("/soest/fundbuero/verlust-melden/bescheinigung"))
            .form(&[("_csrf", csrf_token(&my).unwrap().as_str()), ("meldung", id.as_str()), ("token", cert_token.as_str())])
            .send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(crate::support::pdf_text(&res.bytes().await.unwrap()).contains(&reference));

        // Deleting a notice; the export holds the rest.
        let (_, html) = get(&erika, &app, &notice_path).await;
        let res = erika.post(app.url(&format!("{notice_path}/loeschen")))
            .form(&[("_csrf", csrf_token(&html).unwrap())]).send().await.unwrap();
        assert_eq!(res.status(), 303);
        assert_eq!(get(&erika, &app, &notice_path).await.0, 404);
        let data: Value = erika.get(app.url("/soest/mein-bereich/daten.json")).send().await.unwrap().json().await.unwrap();
        assert_eq!(data["notices"].as_array().unwrap().len(), 1, "{data}");
        assert_eq!(data["loss_reports"][0]["reference"].as_str(), Some(reference.as_str()), "{data}");

        // The account goes, and its notices and loss reports with it.
        let (_, html) = get(&erika, &app, "/soest/mein-bereich/konto-loeschen").await;
        let res = erika.post(app.url("/soest/mein-bereich/konto-loeschen"))
            .form(&[("_csrf", csrf_token(&html).unwrap().as_str()), ("bestaetigt", "ja")]).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(sql_strings(&app, "SELECT id FROM account_notices").await.is_empty());
        assert!(sql_strings(&app, "SELECT id FROM loss_reports").await.is_empty());
        assert!(sql_strings(&app, "SELECT loss_id FROM found_matches").await.is_empty());
    }
}
