//! Appointments from a city app over the API alone (shaped like Munich's eappointment
//! citizen API): offices and services, free days and times, booking with the web's checks,
//! opening by key in a header (never in a URL), the calendar file, moving and cancelling —
//! on both engines, against the demo's Ausländerbehörde in Solingen.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{Backend, TestApp};
use serde_json::{json, Value};

const BASE: &str = "/api/v1/tenants/solingen/appointments";
const OFFICE: &str = "auslaenderbehoerde";

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = reqwest::Client::new().request(method.parse().unwrap(), app.url(path));
    if let Some(k) = key {
        req = req.header("X-Auth-Key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

fn fields(p: &Value) -> Vec<&str> {
    p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect()
}

both_backends! {
    async fn a_city_app_books_moves_and_cancels_an_appointment(b: Backend) {
        let app = TestApp::start(b).await;
        let (status, all) = send(&app, "GET", &format!("{BASE}/offices-and-services"), None, None).await;
        assert_eq!(status, 200, "{all}");
        let office = all["offices"].as_array().unwrap().iter().find(|o| o["id"] == OFFICE).unwrap();
        assert!(office["serviceIds"].as_array().unwrap().iter().any(|s| s == "aufenthaltstitel"));
        let service = all["services"].as_array().unwrap().iter().find(|s| s["id"] == "aufenthaltstitel").unwrap();
        assert_eq!(service["minutes"], 30);

        let q = format!("officeId={OFFICE}&serviceId=aufenthaltstitel");
        let (status, days) = send(&app, "GET", &format!("{BASE}/available-days?{q}"), None, None).await;
        assert_eq!(status, 200, "{days}");
        let days = days["availableDays"].as_array().unwrap().clone();
        assert!(!days.is_empty(), "the demo calendar has free days");
        // A day with at least two free times (the first may be nearly over).
        let day = days.iter().find(|d| d["count"].as_u64().unwrap() >= 2).unwrap()["time"].as_str().unwrap().to_owned();
        let (_, none) = send(&app, "GET", &format!("{BASE}/available-days?{q}&startDate=2001-01-01&endDate=2001-12-31"), None, None).await;
        assert_eq!(none["availableDays"], json!([]));
        let (status, times) = send(&app, "GET", &format!("{BASE}/available-appointments?{q}&date={day}"), None, None).await;
        assert_eq!(status, 200, "{times}");
        let times: Vec<i64> = times["offices"][0]["appointments"].as_array().unwrap().iter().map(|t| t.as_i64().unwrap()).collect();
        assert!(times.len() >= 2, "{times:?}");
        for (bad, code) in [
            (format!("officeId=nirgends&serviceId=aufenthaltstitel&date={day}"), 404),
            (format!("officeId={OFFICE}&serviceId=unbekannt&date={day}"), 404),
            (format!("officeId={OFFICE}&serviceId=aufenthaltstitel&date=morgen"), 400),
            (format!("officeId={OFFICE}&date={day}"), 400),
        ] {
            let (status, p) = send(&app, "GET", &format!("{BASE}/available-appointments?{bad}"), None, None).await;
            assert_eq!(status, code, "{bad}: {p}");
        }

        // Booking: the web's checks, each named by its field.
        let booking = |email: &str, consent: bool, at: i64| json!({
            "officeId": OFFICE, "serviceId": ["aufenthaltstitel"], "timestamp": at,
            "familyName": "Ayşe Demir", "email": email, "consent": consent,
        });
        let (status, p) = send(&app, "POST", BASE, None, Some(booking("keine-adresse", false, times[0]))).await;
        assert_eq!(status, 422, "{p}");
        assert_eq!(fields(&p), ["email", "consent"]);
        let (status, p) = send(&app, "POST", BASE, None, Some(booking("ayse@example.org", true, times[0] + 7))).await;
        assert_eq!((status, p["code"].as_str()), (409, Some("taken")), "a time not offered: {p}");
        let (status, a) = send(&app, "POST", BASE, None, Some(booking("ayse@example.org", true, times[0]))).await;
        assert_eq!(status, 201, "{a}");
        let id = a["processId"].as_str().unwrap().to_owned();
        let key = a["authKey"].as_str().unwrap().to_owned();
        assert_eq!(a["timestamp"], times[0]);
        assert_eq!(a["status"], "booked");
        assert!(a["familyName"].is_null(), "no name without the owner's account");
        let here = format!("{BASE}/{id}");

        // Opened by its key in a header only.
        for k in [None, Some("falsch")] {
            let (status, _) = send(&app, "GET", &here, k, None).await;
            assert_eq!(status, 404);
        }
        let (status, got) = send(&app, "GET", &here, Some(&key), None).await;
        assert_eq!((status, got["code"].clone()), (200, a["code"].clone()));
        assert!(got["authKey"].is_null(), "the key is told once");
        let res = reqwest::Client::new().get(app.url(&format!("{here}/ics"))).header("X-Auth-Key", &key).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.text().await.unwrap().contains("BEGIN:VCALENDAR"));

        // Moving: to a free time; the key may come in the body.
        let (status, moved) = send(&app, "POST", &format!("{here}/move"), None, Some(json!({"authKey": key, "timestamp": times[1]}))).await;
        assert_eq!((status, moved["timestamp"].as_i64()), (200, Some(times[1])), "{moved}");
        let (status, _) = send(&app, "POST", &format!("{here}/move"), Some("falsch"), Some(json!({"timestamp": times[0]}))).await;
        assert_eq!(status, 404);

        // Cancelling frees the time; a cancelled appointment is not moved again.
        let (status, c) = send(&app, "POST", &format!("{here}/cancel"), Some(&key), None).await;
        assert_eq!((status, c["status"].as_str()), (200, Some("cancelled")), "{c}");
        let (status, c) = send(&app, "POST", &format!("{here}/cancel"), Some(&key), None).await;
        assert_eq!((status, c["status"].as_str()), (200, Some("cancelled")));
        let (status, _) = send(&app, "POST", &format!("{here}/move"), Some(&key), Some(json!({"timestamp": times[0]}))).await;
        assert_eq!(status, 409);

        // The list is an account's; a guest token has none.
        let res = reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/token"))
            .form(&[("grant_type", "urn:rathaus:grant-type:guest"), ("client_id", "stadt-app-demo")]).send().await.unwrap();
        let t: Value = res.json().await.unwrap();
        let res = reqwest::Client::new().get(app.url(BASE)).bearer_auth(t["access_token"].as_str().unwrap()).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>().await.unwrap()["items"], json!([]));
        let (status, _) = send(&app, "GET", BASE, None, None).await;
        assert_eq!(status, 401);
    }
}
