//! Applying from a city app over the API alone, as a guest: the form and its answer
//! schema, a draft, steps with the web form's validation (a wrong answer is named by its
//! input and every other answer is kept), a streamed upload with the same limits, check,
//! consent, submit, receipt, Postkorb reply and withdrawal — on both engines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{sql_strings, Backend, TestApp};
use serde_json::{json, Value};

const APP: &str = "stadt-app-demo";
const BASE: &str = "/api/v1/tenants/solingen";

/// A guest token for the demo app.
async fn guest_token(app: &TestApp) -> String {
    let res = reqwest::Client::new()
        .post(app.url(&format!("{BASE}/token")))
        .form(&[
            ("grant_type", "urn:rathaus:grant-type:guest"),
            ("client_id", APP),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let t: Value = res.json().await.unwrap();
    assert_eq!(t["scope"], "application");
    t["access_token"].as_str().unwrap().to_owned()
}

/// A request with a token (none: `""`) and JSON body (none: `Null`): status and JSON.
pub(crate) async fn call(
    app: &TestApp,
    method: &str,
    token: &str,
    path: &str,
    body: Value,
) -> (u16, Value) {
    let http = reqwest::Client::new();
    let mut req = http.request(method.parse().unwrap(), app.url(path));
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    if !body.is_null() {
        req = req.json(&body);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

pub(crate) async fn upload(app: &TestApp, token: &str, path: &str, bytes: Vec<u8>) -> (u16, Value) {
    let res = reqwest::Client::new()
        .put(app.url(path))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// A date `days` from today, as the answer schema writes dates.
pub(crate) fn in_days(days: i64) -> String {
    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date();
    today
        .checked_add(jiff::Span::new().days(days))
        .unwrap()
        .to_string()
}

pub(crate) fn host(postal_code: &str) -> Value {
    json!({"answers": {
        "vorname": "Jürgen", "nachname": "Özdemir-Schäfer", "geburtsdatum": "1972-11-09",
        "geburtsort": "Solingen", "staatsangehoerigkeit": "de", "ausweisnummer": "L01X00T47",
        "anschrift": {"street": "Grünewalder Straße", "house_number": "29",
                      "postal_code": postal_code, "city": "Solingen"},
        "email": "juergen.schaefer@example.org"
    }})
}

fn fields(errors: &Value) -> Vec<String> {
    errors["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

both_backends! {
    async fn a_guest_applies_in_the_app_with_the_web_forms_rules(b: Backend) {
        let app = TestApp::start(b).await;
        // The form and its answer schema are public.
        let (status, form) = call(&app, "GET", "", &format!("{BASE}/services/verpflichtungserklaerung/form"), Value::Null).await;
        assert_eq!(status, 200, "{form}");
        assert_eq!(form["steps"][0]["id"], "gastgeber");
        let address = form["steps"][0]["fields"].as_array().unwrap().iter().find(|f| f["id"] == "anschrift").unwrap();
        assert_eq!(address["kind"], "address");
        assert_eq!(form["answer_schema"]["properties"]["netto"]["type"], "integer");
        let (status, _) = call(&app, "GET", "", &format!("{BASE}/services/kein-dienst/form"), Value::Null).await;
        assert_eq!(status, 404);

        // Starting needs a token; a guest's token starts what admits guests, nothing else.
        let new = json!({"service": "verpflichtungserklaerung"});
        let (status, _) = call(&app, "POST", "", &format!("{BASE}/drafts"), new.clone()).await;
        assert_eq!(status, 401);
        let t = guest_token(&app).await;
        let (status, p) = call(&app, "POST", &t, &format!("{BASE}/drafts"), json!({"service": "meldebescheinigung"})).await;
        assert_eq!((status, p["code"].as_str()), (403, Some("login-needed")));
        let (status, p) = call(&app, "POST", &t, &format!("{BASE}/drafts"), json!({"service": 7})).await;
        assert_eq!((status, p["code"].as_str()), (400, Some("invalid-body")));
        let (status, d) = call(&app, "POST", &t, &format!("{BASE}/drafts"), new).await;
        assert_eq!(status, 201, "{d}");
        assert_eq!(d["step"], "gastgeber");
        let id = d["id"].as_str().unwrap().to_owned();
        let draft = format!("{BASE}/drafts/{id}");

        // A wrong answer is named by its input, with the web form's message; the rest is kept.
        let (status, p) = call(&app, "PUT", &t, &format!("{draft}/steps/gastgeber"), host("4265")).await;
        assert_eq!((status, p["code"].as_str()), (422, Some("invalid-answers")), "{p}");
        assert_eq!(fields(&p), ["anschrift.postal_code"]);
        assert!(p["errors"][0]["message"].as_str().unwrap().contains("Postleitzahl"), "{p}");
        let (_, d) = call(&app, "GET", &t, &draft, Value::Null).await;
        assert_eq!(d["answers"]["vorname"], "Jürgen");
        assert_eq!(d["answers"]["geburtsdatum"], "1972-11-09");
        let (status, r) = call(&app, "PUT", &t, &format!("{draft}/steps/gastgeber"), host("42657")).await;
        assert_eq!((status, r["next_step"].as_str()), (200, Some("einkommen")), "{r}");

        // Files: streamed, typed by their content, within the field's size.
        let file = format!("{draft}/steps/einkommen/files/einkommensnachweis?filename=Gehalt.pdf");
        let (status, p) = upload(&app, &t, &file, b"just text, no PDF".to_vec()).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(fields(&p), ["einkommensnachweis"]);
        let mut big = b"%PDF-1.4\n".to_vec();
        big.resize(5 * 1024 * 1024 + 10, b'x');
        let (status, p) = upload(&app, &t, &file, big).await;
        assert_eq!(status, 422, "{p}");
        let (status, f) = upload(&app, &t, &file, b"%PDF-1.4\n% Gehalt\n%%EOF\n".to_vec()).await;
        assert_eq!((status, f["type"].as_str()), (200, Some("pdf")), "{f}");
        let (status, _) = upload(&app, &t, &format!("{draft}/steps/einkommen/files/beruf"), b"%PDF-1.4".to_vec()).await;
        assert_eq!(status, 404, "a text field takes no file");

        let income = json!({"answers": {"beruf": "Werkzeugmechaniker", "netto": 345000, "miete": 89000,
            "unterhaltsberechtigte": 1, "einkommensnachweis": {"id": "untergeschoben"}}});
        let (status, r) = call(&app, "PUT", &t, &format!("{draft}/steps/einkommen"), income).await;
        assert_eq!((status, r["next_step"].as_str()), (200, Some("gaeste")), "{r}");
        let (_, d) = call(&app, "GET", &t, &draft, Value::Null).await;
        assert_eq!(d["answers"]["einkommensnachweis"]["name"], "Gehalt.pdf", "the stored file stays, not what was claimed");
        let guests = json!({"answers": {"gaeste": [
            {"gast_vorname": "Mehmet", "gast_nachname": "Özdemir", "gast_geburtsdatum": "1950-04-02",
             "gast_staatsangehoerigkeit": "tr", "passnummer": "U12345678", "beziehung": "eltern"},
            {"gast_vorname": "Gülşen", "gast_nachname": "Özdemir", "gast_geburtsdatum": "1953-07-15",
             "gast_staatsangehoerigkeit": "tr", "passnummer": "U87654321", "beziehung": "eltern"}]}});
        let (status, r) = call(&app, "PUT", &t, &format!("{draft}/steps/gaeste"), guests).await;
        assert_eq!((status, r["next_step"].as_str()), (200, Some("besuch")), "{r}");
        let (status, p) = call(&app, "GET", &t, &format!("{draft}/check"), Value::Null).await;
        assert_eq!((status, p["code"].as_str()), (409, Some("conflict")), "not complete yet");
        let visit = json!({"answers": {"beginn": in_days(60), "ende": in_days(100), "zweck": "sonstiges",
            "zweck_sonstiges": "Taufe des Enkelkinds", "unterkunft": "bei_mir"}});
        let (status, r) = call(&app, "PUT", &t, &format!("{draft}/steps/besuch"), visit).await;
        assert_eq!((status, r["complete"].as_bool()), (200, Some(true)), "{r}");
        let (status, c) = call(&app, "GET", &t, &format!("{draft}/check"), Value::Null).await;
        assert_eq!(status, 200, "{c}");
        assert_eq!(c["answers"]["gaeste"].as_array().unwrap().len(), 2);

        // Another guest's token does not open the draft.
        let other = guest_token(&app).await;
        let (status, _) = call(&app, "GET", &other, &draft, Value::Null).await;
        assert_eq!(status, 404);

        // Consent and declaration, as on the web; then submitted once, whatever the replays.
        let (status, p) = call(&app, "POST", &t, &format!("{draft}/submit"), json!({"consent": false, "truth": true})).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(fields(&p), ["consent"]);
        let (status, s) = call(&app, "POST", &t, &format!("{draft}/submit"), json!({"consent": true, "truth": true})).await;
        assert_eq!(status, 200, "{s}{}", app.log());
        let reference = s["reference"].as_str().unwrap().to_owned();
        assert!(s["access_code"].as_str().is_some_and(|c| !c.is_empty()));
        let (_, again) = call(&app, "POST", &t, &format!("{draft}/submit"), json!({"consent": true, "truth": true})).await;
        assert_eq!(again["reference"].as_str(), Some(reference.as_str()));
        let n = sql_strings(&app, &format!("SELECT answers FROM submissions WHERE reference = '{reference}'")).await;
        assert_eq!(n.len(), 1);
        let stored: Value = serde_json::from_str(&n[0]).unwrap();
        assert_eq!(stored["netto"], 345000);
        assert_eq!(stored["anschrift"]["postal_code"], "42657");
        let (status, _) = call(&app, "PUT", &t, &format!("{draft}/steps/besuch"), json!({"answers": {}})).await;
        assert_eq!(status, 409, "a submitted application takes no more answers");

        // The app follows the application: list, receipt, Postkorb, withdrawal.
        let (_, list) = call(&app, "GET", &t, &format!("{BASE}/applications"), Value::Null).await;
        assert_eq!(list["items"][0]["reference"].as_str(), Some(reference.as_str()), "{list}");
        let res = reqwest::Client::new().get(app.url(s["receipt"].as_str().unwrap())).bearer_auth(&t).send().await.unwrap();
        assert_eq!(res.headers()["content-type"], "application/pdf");
        assert!(res.bytes().await.unwrap().starts_with(b"%PDF-"));
        let application = s["application"].as_str().unwrap().to_owned();
        let (status, p) = call(&app, "POST", &t, &format!("{application}/messages"), json!({"text": "  "})).await;
        assert_eq!((status, fields(&p)), (422, vec!["text".to_owned()]));
        let res = reqwest::Client::new().post(app.url(&format!("{application}/attachments?filename=Flugplan.pdf")))
            .bearer_auth(&t).body(b"kein PDF".to_vec()).send().await.unwrap();
        assert_eq!(res.status(), 422);
        let p: Value = res.json().await.unwrap();
        assert_eq!(fields(&p), ["datei"], "{p}");
        let res = reqwest::Client::new().post(app.url(&format!("{application}/attachments?filename=Flugplan.pdf")))
            .bearer_auth(&t).body(b"%PDF-1.4\n% Flugplan\n%%EOF\n".to_vec()).send().await.unwrap();
        assert_eq!(res.status(), 201);
        let file: Value = res.json().await.unwrap();
        let (status, _) = call(&app, "POST", &t, &format!("{application}/messages"),
            json!({"text": "Die Gäste kommen eine Woche später.", "files": [file["id"]]})).await;
        assert_eq!(status, 204);
        let (_, a) = call(&app, "GET", &t, &application, Value::Null).await;
        let reply = a["messages"].as_array().unwrap().iter().find(|m| m["direction"] == "from_citizen").expect("the reply").clone();
        let (_, full) = call(&app, "GET", &t, reply["href"].as_str().unwrap(), Value::Null).await;
        assert_eq!(full["attachments"][0]["name"], "Flugplan.pdf", "{full}");
        assert_eq!(a["can_withdraw"], true);
        let (status, _) = call(&app, "POST", &other, &format!("{application}/withdraw"), Value::Null).await;
        assert_eq!(status, 404);
        let (status, _) = call(&app, "POST", &t, &format!("{application}/withdraw"), Value::Null).await;
        assert_eq!(status, 204);
        let (status, p) = call(&app, "POST", &t, &format!("{application}/withdraw"), Value::Null).await;
        assert_eq!((status, p["code"].as_str()), (409, Some("conflict")));
        let (_, a) = call(&app, "GET", &t, &application, Value::Null).await;
        assert_eq!(a["status"], "withdrawn");
    }
}
