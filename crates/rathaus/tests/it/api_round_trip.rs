//! The whole round trip of a city app over the API alone, in one run on each engine: the
//! app logs in as a native app does (system browser, PKCE, loopback redirect, against the
//! suite's real OpenID provider), registers for Web Push, applies for a seed service with
//! a file, hears of the office's Postkorb message by a push it decrypts with an independent
//! implementation, reads the message, replies with text and a file, books and cancels a
//! visit; and a guest, on another phone, follows an application by its reference and code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::client;
use crate::api_apply::{call, host, in_days, upload};
use crate::api_login::{access, app_code, exchange};
use crate::api_push::{as_the_app_reads, push_service, subscription_keys, wait_for};
use crate::both_backends;
use crate::support::{free_port, run_cli, sql_strings, Backend, OidcProvider, Options, TestApp};
use serde_json::{json, Value};

const BASE: &str = "/api/v1/tenants/solingen";

/// Applies for the Verpflichtungserklärung with `token`, the proof of income as a file;
/// returns the submit answer (reference, application, receipt, access code for guests).
async fn apply(app: &TestApp, token: &str, payslip: &str) -> Value {
    let (status, d) = call(
        app,
        "POST",
        token,
        &format!("{BASE}/drafts"),
        json!({"service": "verpflichtungserklaerung"}),
    )
    .await;
    assert_eq!(status, 201, "{d}");
    let draft = format!("{BASE}/drafts/{}", d["id"].as_str().unwrap());
    let (status, r) = call(
        app,
        "PUT",
        token,
        &format!("{draft}/steps/gastgeber"),
        host("42657"),
    )
    .await;
    assert_eq!(status, 200, "{r}");
    let file = format!("{draft}/steps/einkommen/files/einkommensnachweis?filename={payslip}");
    let (status, f) = upload(app, token, &file, b"%PDF-1.4\n% Gehalt\n%%EOF\n".to_vec()).await;
    assert_eq!(status, 200, "{f}");
    let income = json!({"answers": {"beruf": "Werkzeugmechaniker", "netto": 345000, "miete": 89000, "unterhaltsberechtigte": 1}});
    let (status, r) = call(
        app,
        "PUT",
        token,
        &format!("{draft}/steps/einkommen"),
        income,
    )
    .await;
    assert_eq!(status, 200, "{r}");
    let guests = json!({"answers": {"gaeste": [{"gast_vorname": "Mehmet", "gast_nachname": "Özdemir",
        "gast_geburtsdatum": "1950-04-02", "gast_staatsangehoerigkeit": "tr", "passnummer": "U12345678",
        "beziehung": "eltern"}]}});
    let (status, r) = call(app, "PUT", token, &format!("{draft}/steps/gaeste"), guests).await;
    assert_eq!(status, 200, "{r}");
    let visit = json!({"answers": {"beginn": in_days(60), "ende": in_days(90), "zweck": "familie",
        "unterkunft": "bei_mir"}});
    let (status, r) = call(app, "PUT", token, &format!("{draft}/steps/besuch"), visit).await;
    assert_eq!((status, r["complete"].as_bool()), (200, Some(true)), "{r}");
    let (status, c) = call(app, "GET", token, &format!("{draft}/check"), Value::Null).await;
    assert_eq!(status, 200, "{c}");
    let (status, s) = call(
        app,
        "POST",
        token,
        &format!("{draft}/submit"),
        json!({"consent": true, "truth": true}),
    )
    .await;
    assert_eq!(status, 200, "{s}{}", app.log());
    s
}

both_backends! {
    async fn a_city_app_does_everything_over_the_api(b: Backend) {
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b)
            .env("RATHAUS_PUSH_ALLOW_LOCAL", "true")
            .env("RATHAUS_OUTBOX_RETRY_SECS", "1"), port, dir.path())).await;
        let (push_port, pushed) = push_service().await;

        // Log in as a native app: the system browser, PKCE, the code at a loopback port.
        let system_browser = client();
        let (code, verifier, redirect) = app_code(&app, &system_browser, "erika").await;
        let (status, tokens) = exchange(&app, &code, &verifier, &redirect).await;
        assert_eq!(status, 200, "{tokens}");
        let at = access(&tokens);
        let (_, me) = call(&app, "GET", &at, &format!("{BASE}/me"), Value::Null).await;
        assert_eq!(me["name"], "Erika Mustermann");

        // Register for Web Push with keys only the app holds.
        let (secret, _, p256dh, auth) = subscription_keys();
        let (status, s) = call(&app, "POST", &at, &format!("{BASE}/push-subscriptions"), json!({
            "endpoint": format!("http://127.0.0.1:{push_port}/ok/erika"),
            "keys": {"p256dh": p256dh, "auth": auth}})).await;
        assert_eq!(status, 201, "{s}");

        // Apply for a seed service, with a file.
        let submitted = apply(&app, &at, "Gehalt.pdf").await;
        let reference = submitted["reference"].as_str().unwrap().to_owned();
        let application = submitted["application"].as_str().unwrap().to_owned();
        let (_, list) = call(&app, "GET", &at, &format!("{BASE}/applications"), Value::Null).await;
        let mine = list["items"].as_array().unwrap().iter().find(|a| a["reference"] == reference.as_str()).expect("listed").clone();
        assert_eq!(mine["unread"], 0);
        let (_, case) = call(&app, "GET", &at, &application, Value::Null).await;
        assert_eq!(case["status"], "received", "{case}");

        // The office asks for something: the app hears of it by push, without content.
        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &reference,
            "--kind", "request", "--subject", "Arbeitsvertrag fehlt", "--body", "Bitte den Arbeitsvertrag nachreichen."]);
        assert!(ok, "{out}");
        let seen = wait_for(&pushed, 1, &app).await;
        let read = as_the_app_reads(&seen[0], &secret, &auth).await;
        let news: Value = serde_json::from_str(read["plaintext"].as_str().unwrap()).unwrap();
        assert_eq!((news["type"].as_str(), news["tenant"].as_str()), (Some("message"), Some("solingen")), "{news}");
        assert!(application.ends_with(news["application"].as_str().unwrap()), "{news} {application}");
        assert!(!String::from_utf8_lossy(&seen[0].body).contains("Arbeitsvertrag"));

        // The app reads it (the first opening is recorded) and replies with text and a file.
        let (_, list) = call(&app, "GET", &at, &format!("{BASE}/applications"), Value::Null).await;
        let mine = list["items"].as_array().unwrap().iter().find(|a| a["reference"] == reference.as_str()).unwrap().clone();
        assert_eq!(mine["unread"], 1, "{mine}");
        let (_, case) = call(&app, "GET", &at, &application, Value::Null).await;
        assert_eq!(case["status"], "waiting_for_citizen");
        let (_, message) = call(&app, "GET", &at, case["messages"][0]["href"].as_str().unwrap(), Value::Null).await;
        assert_eq!(message["body"], "Bitte den Arbeitsvertrag nachreichen.");
        let (_, list) = call(&app, "GET", &at, &format!("{BASE}/applications"), Value::Null).await;
        assert_eq!(list["items"].as_array().unwrap().iter().find(|a| a["reference"] == reference.as_str()).unwrap()["unread"], 0);
        let res = reqwest::Client::new().post(app.url(&format!("{application}/attachments?filename=Arbeitsvertrag.pdf")))
            .bearer_auth(&at).body(b"%PDF-1.4\n% Vertrag\n%%EOF\n".to_vec()).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let file: Value = res.json().await.unwrap();
        let (status, p) = call(&app, "POST", &at, &format!("{application}/messages"),
            json!({"text": "Anbei der Arbeitsvertrag.", "files": [file["id"]]})).await;
        assert_eq!(status, 204, "{p}");
        let stored = sql_strings(&app, &format!(
            "SELECT m.body FROM messages m JOIN submissions s ON s.draft_id = m.draft_id WHERE s.reference = '{reference}' AND m.body LIKE 'Anbei%'")).await;
        assert_eq!(stored, ["Anbei der Arbeitsvertrag."], "the office has the reply");
        let (_, case) = call(&app, "GET", &at, &application, Value::Null).await;
        let reply = case["messages"].as_array().unwrap().iter().find(|m| m["direction"] == "from_citizen").expect("the reply").clone();
        let (_, full) = call(&app, "GET", &at, reply["href"].as_str().unwrap(), Value::Null).await;
        assert_eq!(full["attachments"][0]["name"], "Arbeitsvertrag.pdf", "{full}");

        // Book a visit at the Ausländerbehörde, see it in the account's list, cancel it.
        let visits = format!("{BASE}/appointments");
        let q = "officeId=auslaenderbehoerde&serviceId=aufenthaltstitel";
        let (_, days) = call(&app, "GET", "", &format!("{visits}/available-days?{q}"), Value::Null).await;
        let day = days["availableDays"][0]["time"].as_str().expect("a free day").to_owned();
        let (_, times) = call(&app, "GET", "", &format!("{visits}/available-appointments?{q}&date={day}"), Value::Null).await;
        let at_time = times["offices"][0]["appointments"][0].as_i64().unwrap();
        let (status, booked) = call(&app, "POST", &at, &visits, json!({"officeId": "auslaenderbehoerde",
            "serviceId": ["aufenthaltstitel"], "timestamp": at_time, "familyName": "Erika Mustermann",
            "email": "erika@example.org", "consent": true})).await;
        assert_eq!(status, 201, "{booked}");
        let (_, mine) = call(&app, "GET", &at, &visits, Value::Null).await;
        assert_eq!(mine["items"].as_array().unwrap().len(), 1, "{mine}");
        let here = format!("{visits}/{}", booked["processId"].as_str().unwrap());
        let (status, c) = call(&app, "POST", &at, &format!("{here}/cancel"), Value::Null).await;
        assert_eq!((status, c["status"].as_str()), (200, Some("cancelled")), "{c}");
        let (_, again) = call(&app, "GET", "", &format!("{visits}/available-appointments?{q}&date={day}"), Value::Null).await;
        assert!(again["offices"][0]["appointments"].as_array().unwrap().iter().any(|t| t.as_i64() == Some(at_time)),
            "the time is free again");

        // A guest applies in the app; on another phone, reference and code open that one case.
        let guest = reqwest::Client::new().post(app.url(&format!("{BASE}/token")))
            .form(&[("grant_type", "urn:rathaus:grant-type:guest"), ("client_id", "stadt-app-demo")])
            .send().await.unwrap();
        let guest_token = guest.json::<Value>().await.unwrap()["access_token"].as_str().unwrap().to_owned();
        let theirs = apply(&app, &guest_token, "Lohnzettel.pdf").await;
        let (their_ref, code) = (theirs["reference"].as_str().unwrap(), theirs["access_code"].as_str().unwrap());
        let res = reqwest::Client::new().post(app.url(&format!("{BASE}/token")))
            .form(&[("grant_type", "urn:rathaus:grant-type:access-code"), ("client_id", "stadt-app-demo"),
                ("reference", their_ref), ("access_code", code)])
            .send().await.unwrap();
        assert_eq!(res.status(), 200);
        let other_phone = access(&res.json().await.unwrap());
        let (ok, out) = run_cli(&app, &["postkorb", "status", "--tenant", "solingen", "--reference", their_ref, "--status", "in_review"]);
        assert!(ok, "{out}");
        let (_, list) = call(&app, "GET", &other_phone, &format!("{BASE}/applications"), Value::Null).await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "only that application: {list}");
        assert_eq!(items[0]["reference"].as_str(), Some(their_ref));
        let (_, case) = call(&app, "GET", &other_phone, items[0]["href"].as_str().unwrap(), Value::Null).await;
        assert_eq!(case["status"], "in_review", "{case}");
        let (status, _) = call(&app, "GET", &other_phone, &application, Value::Null).await;
        assert_eq!(status, 404, "not Erika's");
    }
}
