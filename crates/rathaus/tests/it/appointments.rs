//! Appointments and the waiting room, over HTTP against the real binary on both engines:
//! booking with errors kept, the confirmation mail with its calendar file, the `.ics` read
//! by a real calendar parser, moving and cancelling (slots freed), access by key only, the
//! database deciding under 100 concurrent requests, the limits per e-mail and per address,
//! the reminder the day before, and the waiting room from check-in to the display's events.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::client;
use crate::both_backends;
use crate::support::{
    copy_dir, csrf_token, decode_html, demo_definitions, free_port, sql, sql_strings,
    workspace_root, Backend, OidcProvider, Options, TestApp,
};
use std::time::Duration;

fn fixture() -> std::path::PathBuf {
    workspace_root().join("crates/rathaus/tests/fixtures/appointments")
}

async fn start(b: Backend) -> TestApp {
    TestApp::start_with(
        Options::new(b)
            .definitions(fixture())
            .env("TEST_KIOSK_KEY", "kiosk-key-for-the-tests-0123")
            .env("RATHAUS_REMINDER_POLL_SECS", "1")
            .env("RATHAUS_OUTBOX_RETRY_SECS", "1"),
    )
    .await
}

async fn get(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    let s = r.status().as_u16();
    (s, decode_html(&r.text().await.unwrap()))
}

/// Every link on a page containing `needle`, in order.
fn links(html: &str, needle: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.contains(needle))
        .map(str::to_owned)
        .collect()
}

/// The booking code shown on an appointment's page.
fn booking_code(html: &str) -> String {
    html.split("class=\"booking-code\">")
        .nth(1)
        .unwrap()
        .split('<')
        .next()
        .unwrap()
        .to_owned()
}

/// The appointment id of its page's address (`/<tenant>/termin/<id>?k=…`).
fn appointment_id(location: &str) -> String {
    location
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

fn param(url: &str, key: &str) -> Option<String> {
    url.split(['?', '&'])
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .map(str::to_owned)
}

/// Books through the form; returns the redirect to the appointment's page.
async fn book(
    http: &reqwest::Client,
    app: &TestApp,
    slot_link: &str,
    name: &str,
    email: &str,
) -> reqwest::Response {
    let (s, form) = get(http, app, slot_link).await;
    assert_eq!(s, 200, "{form}");
    let token = csrf_token(&form).unwrap();
    let mut fields: Vec<(String, String)> = vec![("_csrf".into(), token)];
    for kv in slot_link.split('?').nth(1).unwrap().split('&') {
        let (k, v) = kv.split_once('=').unwrap();
        fields.push((k.into(), v.into()));
    }
    fields.push(("name".into(), name.into()));
    fields.push(("email".into(), email.into()));
    fields.push(("einwilligung".into(), "ja".into()));
    http.post(app.url(slot_link.split('?').next().unwrap()))
        .form(&fields)
        .send()
        .await
        .unwrap()
}

/// The events of an `.ics` file as Mozilla's ical.js reads them.
fn read_ics(ics: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("termin.ics");
    std::fs::write(&f, ics).unwrap();
    let out = std::process::Command::new("node")
        .arg(workspace_root().join("tests/browser/ics-read.mjs"))
        .arg(&f)
        .current_dir(workspace_root().join("tests/browser"))
        .output()
        .expect("node (installed by scripts/test)");
    assert!(
        out.status.success(),
        "ical.js could not read the file: {}\n{ics}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn iso(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .unwrap()
        .strftime("%Y-%m-%dT%H:%M:%S.000Z")
        .to_string()
}

/// The mails written so far (the file mailer of the default configuration).
pub(crate) fn mails(app: &TestApp) -> Vec<String> {
    let dir = app.data_dir.path().join("mail");
    let mut v: Vec<String> = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
                // Undo quoted-printable soft line breaks, so that links read whole.
                .map(|m| {
                    m.replace("=\r\n", "")
                        .replace("=\n", "")
                        .replace("=3D", "=")
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

pub(crate) async fn wait_for_mails(
    app: &TestApp,
    pred: impl Fn(&str) -> bool,
    n: usize,
) -> Vec<String> {
    for _ in 0..100 {
        let m: Vec<String> = mails(app).into_iter().filter(|m| pred(m)).collect();
        if m.len() >= n {
            return m;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("expected {n} mail(s); have: {:?}", mails(app));
}

both_backends! {
    async fn book_move_cancel_with_ics(b: Backend) {
        let app = start(b).await;
        let http = client();
        // The index lists the offices; choosing nothing shows the services.
        let (s, index) = get(&http, &app, "/t1/termine").await;
        assert_eq!(s, 200);
        assert!(index.contains("/t1/termine/buero") && index.contains("/t1/termine/klein"));
        let (s, page) = get(&http, &app, "/t1/termine/buero?leistung=nichts").await;
        assert_eq!(s, 422, "an unknown service is an error on the page");
        assert!(page.contains("kann hier nicht gebucht werden"));
        // Two services add up: 15 + 20 minutes.
        let (s, page) = get(&http, &app, "/t1/termine/buero?leistung=ausweis&leistung=pass").await;
        assert_eq!(s, 200);
        assert!(page.contains("etwa 35 Minuten"), "{page}");
        let slots = links(&page, "/buchen?");
        assert!(slots.len() >= 2, "next free times are listed");
        assert!(page.contains("<table class=\"month\">"), "with a month view");
        let days = links(&page, "tag=");
        assert!(!days.is_empty(), "days with free times link to their times");
        let (s, day) = get(&http, &app, &days[0]).await;
        assert_eq!(s, 200);
        assert!(!links(&day, "/buchen?").is_empty());

        // Wrong answers: each field says what is wrong, the others are kept.
        let first = slots[0].clone();
        let start: i64 = param(&first, "beginn").unwrap().parse().unwrap();
        let (_, form) = get(&http, &app, &first).await;
        let token = csrf_token(&form).unwrap();
        let r = http
            .post(app.url("/t1/termine/buero/buchen"))
            .form(&[
                ("_csrf", token.as_str()),
                ("leistung", "ausweis"),
                ("leistung", "pass"),
                ("beginn", &start.to_string()),
                ("name", "Erika Mustermann"),
                ("email", "keine-adresse"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let html = decode_html(&r.text().await.unwrap());
        assert!(html.contains("value=\"Erika Mustermann\""), "the name is kept");
        assert!(html.contains("name@example.org"), "the e-mail error");
        assert!(html.contains("Speicherung für den Termin"), "the consent error");
        // A name with a link in it would travel in the authority's mails: refused.
        let r = http
            .post(app.url("/t1/termine/buero/buchen"))
            .form(&[
                ("_csrf", token.as_str()),
                ("leistung", "ausweis"),
                ("beginn", &start.to_string()),
                ("name", "Gewinn auf www.example.org"),
                ("email", "x@example.org"),
                ("einwilligung", "ja"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(decode_html(&r.text().await.unwrap()).contains("ohne Web- oder E-Mail-Adresse"));
        // Without a CSRF token nothing happens.
        let r = http
            .post(app.url("/t1/termine/buero/buchen"))
            .form(&[("leistung", "ausweis"), ("beginn", &start.to_string()), ("name", "X"), ("email", "x@example.org"), ("einwilligung", "ja")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);

        let r = book(&http, &app, &first, "Erika Mustermann", "erika@example.org").await;
        assert_eq!(r.status(), 303);
        let manage = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(manage.starts_with("/t1/termin/") && manage.contains("k="), "{manage}");
        let key = param(&manage, "k").unwrap();
        let id = appointment_id(&manage);
        let (s, page) = get(&http, &app, &manage).await;
        assert_eq!(s, 200);
        assert!(page.contains("Ihr Termin ist gebucht"));
        let code = booking_code(&page);
        assert_eq!(code.len(), 7, "{code}");

        // Someone else's browser, without the key, learns nothing.
        let (s, _) = get(&client(), &app, &format!("/t1/termin/{id}")).await;
        assert_eq!(s, 404);
        let (s, _) = get(&client(), &app, &format!("/t1/termin/{id}?k=falsch")).await;
        assert_eq!(s, 404);
        let (s, _) = get(&client(), &app, &format!("/t1/termin/{id}/termin.ics")).await;
        assert_eq!(s, 404);

        // The calendar file imports with the booked instants.
        let ics_href = links(&page, "termin.ics")[0].clone();
        let r = http.get(app.url(&ics_href)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/calendar"));
        let cal = read_ics(&r.text().await.unwrap());
        let ev = &cal["events"][0];
        assert_eq!(ev["start"], iso(start));
        assert_eq!(ev["end"], iso(start + 35 * 60_000));
        assert_eq!(ev["status"], "CONFIRMED");
        assert!(ev["summary"].as_str().unwrap().contains("Personalausweis, Reisepass"));
        assert!(ev["location"].as_str().unwrap().contains("Teststraße 1, 12345 Teststadt"));
        assert!(ev["description"].as_str().unwrap().contains(&code));
        let uid = ev["uid"].as_str().unwrap().to_owned();

        // The confirmation mail carries the calendar file and the link.
        let confirmations = wait_for_mails(&app, |m| m.contains("Ihr Termin am"), 1).await;
        assert!(confirmations[0].contains("erika@example.org"));
        assert!(confirmations[0].contains("text/calendar"));
        assert!(confirmations[0].contains("termin.ics"));

        // The slot is taken for one counter: the office still offers it (ten counters).
        let taken: Vec<String> = sql_strings(&app, &format!("SELECT CAST(COUNT(*) AS TEXT) FROM appointment_units WHERE appointment_id = '{id}'")).await;
        assert_eq!(taken, ["7"], "35 minutes hold seven 5-minute units");

        // Move to another time.
        let move_href = links(&page, "verlegen=")[0].clone();
        let (s, moving) = get(&http, &app, &move_href).await;
        assert_eq!(s, 200);
        assert!(moving.contains("Sie verlegen Ihren Termin"));
        let new_start: i64 = moving
            .split("name=\"beginn\" value=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next()?.parse().ok())
            .find(|v| *v != start)
            .unwrap();
        let token = csrf_token(&moving).unwrap();
        let r = http
            .post(app.url(&format!("/t1/termin/{id}/verlegen")))
            .form(&[("_csrf", token.as_str()), ("k", key.as_str()), ("beginn", &new_start.to_string())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, page) = get(&http, &app, r.headers()["location"].to_str().unwrap()).await;
        assert!(page.contains("Ihr Termin ist verlegt"), "{page}");
        let r = http.get(app.url(&ics_href)).send().await.unwrap();
        let cal = read_ics(&r.text().await.unwrap());
        assert_eq!(cal["events"][0]["start"], iso(new_start));
        assert_eq!(cal["events"][0]["uid"], uid.as_str(), "the calendar entry is updated, not doubled");
        let when: Vec<String> = sql_strings(&app, &format!("SELECT CAST(starts_at AS TEXT) FROM appointments WHERE id = '{id}'")).await;
        assert_eq!(when, [new_start.to_string()]);
        wait_for_mails(&app, |m| m.contains("verlegt"), 1).await;

        // Cancel: the units are released at once.
        let token = csrf_token(&page).unwrap();
        let r = http
            .post(app.url(&format!("/t1/termin/{id}/absagen")))
            .form(&[("_csrf", token.as_str()), ("k", key.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let (_, page) = get(&http, &app, r.headers()["location"].to_str().unwrap()).await;
        assert!(page.contains("Ihr Termin ist abgesagt"));
        let units: Vec<String> = sql_strings(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM appointment_units").await;
        assert_eq!(units, ["0"]);
        let r = http.get(app.url(&ics_href)).send().await.unwrap();
        assert_eq!(read_ics(&r.text().await.unwrap())["events"][0]["status"], "CANCELLED");
        wait_for_mails(&app, |m| m.contains("abgesagt"), 1).await;
        // The audit trail records the three changes without personal data.
        let audit: Vec<String> = sql_strings(&app, "SELECT action FROM audit_log ORDER BY seq").await;
        for a in ["book_appointment", "move_appointment", "cancel_appointment"] {
            assert!(audit.iter().any(|x| x == a), "{a} in {audit:?}");
        }
    }
}

both_backends! {
    async fn hundred_requests_for_ten_counters_give_ten_bookings(b: Backend) {
        let app = start(b).await;
        let http = client();
        let (_, page) = get(&http, &app, "/t1/termine/buero?leistung=ausweis").await;
        let slot = links(&page, "/buchen?")[1].clone();
        let start = param(&slot, "beginn").unwrap();
        let (_, form) = get(&http, &app, &slot).await;
        let token = csrf_token(&form).unwrap();
        // One CSRF cookie for all: the double-submit check passes for every request.
        let mut tasks = Vec::new();
        for i in 0..100 {
            let http = http.clone();
            let url = app.url("/t1/termine/buero/buchen");
            let (token, start) = (token.clone(), start.clone());
            tasks.push(tokio::spawn(async move {
                http.post(url)
                    .form(&[
                        ("_csrf", token.as_str()),
                        ("leistung", "ausweis"),
                        ("beginn", start.as_str()),
                        ("name", &format!("Person {i}")),
                        ("email", &format!("person{i}@example.org")),
                        ("einwilligung", "ja"),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut statuses = Vec::new();
        for t in tasks {
            statuses.push(t.await.unwrap());
        }
        let booked = statuses.iter().filter(|s| **s == 303).count();
        let refused = statuses.iter().filter(|s| **s == 409).count();
        assert_eq!((booked, refused), (10, 90), "{statuses:?}");
        let mut rows: Vec<i64> = sql_strings(&app, &format!("SELECT CAST(counter AS TEXT) FROM appointments WHERE status = 'booked' AND starts_at = {start}")).await.iter().map(|c| c.parse().unwrap()).collect();
        rows.sort_unstable();
        assert_eq!(rows, (1..=10).collect::<Vec<i64>>(), "each counter once");
        // The office no longer offers that time.
        let (_, page) = get(&http, &app, "/t1/termine/buero?leistung=ausweis").await;
        assert!(!page.contains(&format!("beginn={start}\"")), "the full time is gone from the list");
        // Ten requests at once with one e-mail address for ten different times: the limit of
        // two holds under concurrency too (PostgreSQL serialises them per address).
        let times: Vec<String> = links(&page, "/buchen?").iter().filter_map(|l| param(l, "beginn")).filter(|b| *b != start).take(10).collect();
        let mut tasks = Vec::new();
        for t in times {
            let http = http.clone();
            let url = app.url("/t1/termine/buero/buchen");
            let token = token.clone();
            tasks.push(tokio::spawn(async move {
                http.post(url)
                    .form(&[("_csrf", token.as_str()), ("leistung", "ausweis"), ("beginn", t.as_str()), ("name", "Eine Person"), ("email", "eine@example.org"), ("einwilligung", "ja")])
                    .send()
                    .await
                    .unwrap()
                    .status()
                    .as_u16()
            }));
        }
        let mut ok = 0;
        for t in tasks {
            if t.await.unwrap() == 303 {
                ok += 1;
            }
        }
        assert_eq!(ok, 2, "two appointments ahead per e-mail address");
        // Whoever comes now learns it is taken, with the way back to the free times.
        let (s, late) = get(&http, &app, &slot).await;
        assert_eq!(s, 409);
        assert!(late.contains("nicht mehr frei") && late.contains("/t1/termine/buero?leistung=ausweis"));
    }
}

both_backends! {
    async fn limits_per_email_and_address(b: Backend) {
        let app = start(b).await;
        let http = client();
        let (_, page) = get(&http, &app, "/t1/termine/klein?leistung=beratung").await;
        let slots = links(&page, "/buchen?");
        assert!(slots.len() >= 5);
        // One appointment ahead per e-mail address at this office (any case of letters).
        assert_eq!(book(&http, &app, &slots[0], "A", "a@example.org").await.status(), 303);
        let r = book(&http, &app, &slots[1], "A", "A@Example.org").await;
        assert_eq!(r.status(), 422);
        assert!(decode_html(&r.text().await.unwrap()).contains("schon 1 Termine gebucht"));
        // Three booking attempts per address and hour (the refused one counts): the fourth
        // is refused with 429.
        assert_eq!(book(&http, &app, &slots[2], "B", "b@example.org").await.status(), 303);
        let r = book(&http, &app, &slots[3], "C", "c@example.org").await;
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "3600");
        assert!(r.text().await.unwrap().contains("Zu viele Buchungen"));
        // The refused ones booked nothing.
        let n: Vec<String> = sql_strings(&app, "SELECT CAST(COUNT(*) AS TEXT) FROM appointments WHERE office_id = 'klein'").await;
        assert_eq!(n, ["2"]);
    }
}

both_backends! {
    async fn reminder_the_day_before(b: Backend) {
        let app = start(b).await;
        let http = client();
        // A time tomorrow (Berlin).
        let tomorrow = jiff::Zoned::now()
            .with_time_zone(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
            .date()
            .tomorrow()
            .unwrap();
        let (_, page) = get(&http, &app, &format!("/t1/termine/buero?leistung=pass&tag={tomorrow}")).await;
        let slot = links(&page, "/buchen?").into_iter().find(|l| {
            let ms: i64 = param(l, "beginn").unwrap().parse().unwrap();
            jiff::Timestamp::from_millisecond(ms).unwrap().in_tz("Europe/Berlin").unwrap().date() == tomorrow
        }).unwrap();
        let r = book(&http, &app, &slot, "Max Muster", "max@example.org").await;
        assert_eq!(r.status(), 303);
        let manage = r.headers()["location"].to_str().unwrap().to_owned();
        // Booked today for tomorrow: no reminder (the confirmation is fresh).
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert!(mails(&app).iter().all(|m| !m.contains("Erinnerung")));
        // As if booked three days ago: exactly one reminder, whatever the poller does.
        sql(&app, "UPDATE appointments SET created_at = created_at - 259200000").await;
        let reminders = wait_for_mails(&app, |m| m.contains("Erinnerung"), 1).await;
        assert!(reminders[0].contains("max@example.org"));
        assert!(reminders[0].contains("text/calendar"));
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(mails(&app).iter().filter(|m| m.contains("Erinnerung")).count(), 1);
        let sent: Vec<String> = sql_strings(&app, "SELECT CASE WHEN reminded_at IS NULL THEN 'no' ELSE 'yes' END FROM appointments").await;
        assert_eq!(sent, ["yes"]);
        // Moved to another time tomorrow: reminded again, for the new time.
        let id = appointment_id(&manage);
        let key = param(&manage, "k").unwrap();
        let (_, moving) = get(&http, &app, &format!("/t1/termine/buero?leistung=pass&verlegen={id}&k={key}&tag={tomorrow}")).await;
        let old: String = param(&slot, "beginn").unwrap();
        let new_start = moving
            .split("id=\"tag\"").nth(1).unwrap()
            .split("name=\"beginn\" value=\"").skip(1)
            .filter_map(|s| s.split('"').next())
            .find(|v| *v != old)
            .unwrap()
            .to_owned();
        let token = csrf_token(&moving).unwrap();
        let r = http
            .post(app.url(&format!("/t1/termin/{id}/verlegen")))
            .form(&[("_csrf", token.as_str()), ("k", key.as_str()), ("beginn", new_start.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let reminders = wait_for_mails(&app, |m| m.contains("Erinnerung"), 2).await;
        assert_eq!(reminders.len(), 2);
    }
}

/// The demo definitions with the Solingen Ausländerbehörde open around the clock (so the
/// test can book, check in and call now, whatever the time of day).
fn demo_open_now() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_definitions(), dir.path());
    let f = dir.path().join("solingen/tenant.yaml");
    let y = std::fs::read_to_string(&f).unwrap();
    let y = y
        .replace(
            "      counters: 3\n",
            "      counters: 3\n      hours:\n        - days: [mon, tue, wed, thu, fri, sat, sun]\n          from: \"00:00\"\n          to: \"23:45\"\n      holidays: none\n",
        )
        .replace("      lead_hours: 2\n", "      lead_hours: 0\n")
        .replace("      breaks:\n        - days: [mon, tue, thu, fri]\n          from: \"10:00\"\n          to: \"10:15\"\n", "")
        .replace("        - date: \"2026-12-24\"\n        - date: \"2026-12-31\"\n", "")
        .replace("        - date: \"2027-02-11\"\n", "        - date: \"2000-02-11\"\n");
    assert!(
        y.contains("lead_hours: 0") && y.contains("holidays: none") && !y.contains("2027-02-11")
    );
    std::fs::write(&f, y).unwrap();
    dir
}

both_backends! {
    async fn waiting_room_from_check_in_to_display(b: Backend) {
        let defs = demo_open_now();
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(
            Options::new(b)
                .definitions(defs.path())
                .env("DEMO_SOLINGEN_ABH_KIOSK_KEY", "solingen-kiosk-key-0123456789"),
            port,
            dir.path(),
        ))
        .await;
        let citizen = client();
        // A citizen books the next free time (within the two hours check-in opens before).
        let (_, page) = get(&citizen, &app, "/solingen/termine/auslaenderbehoerde?leistung=aufenthaltstitel").await;
        let slot = links(&page, "/buchen?")[0].clone();
        let r = book(&citizen, &app, &slot, "Ayşe Yılmaz", "ayse@example.org").await;
        assert_eq!(r.status(), 303);
        let ayse_manage = r.headers()["location"].to_str().unwrap().to_owned();
        let (_, appt) = get(&citizen, &app, &ayse_manage).await;
        let code = booking_code(&appt);

        // The display before anyone is called, and its event stream.
        let (s, display) = get(&client(), &app, "/solingen/vor-ort/auslaenderbehoerde/anzeige").await;
        assert_eq!(s, 200);
        assert!(display.contains("Noch niemand aufgerufen"));
        assert!(display.contains("http-equiv=\"refresh\""), "refreshes itself without JavaScript");
        let mut events = reqwest::Client::new()
            .get(app.url("/solingen/vor-ort/auslaenderbehoerde/anzeige/ereignisse"))
            .send()
            .await
            .unwrap();
        assert!(events.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        let first = next_board(&mut events).await;
        assert_eq!(first["waiting"], 0);

        // The kiosk: a wrong key is no kiosk; the code gives a T number, a walk-in a W number.
        let kiosk = "/solingen/vor-ort/auslaenderbehoerde/kiosk/solingen-kiosk-key-0123456789";
        let (s, _) = get(&citizen, &app, "/solingen/vor-ort/auslaenderbehoerde/kiosk/falsch").await;
        assert_eq!(s, 404);
        let (s, k) = get(&citizen, &app, kiosk).await;
        assert_eq!(s, 200);
        let token = csrf_token(&k).unwrap();
        let r = citizen.post(app.url(kiosk)).form(&[("_csrf", token.as_str()), ("aktion", "code"), ("code", "XXX-XXX")]).send().await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("gibt es für heute hier nicht"));
        let typed = code.to_lowercase().replace('-', " ");
        let r = citizen.post(app.url(kiosk)).form(&[("_csrf", token.as_str()), ("aktion", "code"), ("code", typed.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        let ticket = r.text().await.unwrap();
        assert!(ticket.contains("T001"), "{ticket}");
        let r = citizen.post(app.url(kiosk)).form(&[("_csrf", token.as_str()), ("aktion", "ohne-termin"), ("leistung", "beratung")]).send().await.unwrap();
        assert!(r.text().await.unwrap().contains("W002"));
        // Checked in, the appointment can no longer be moved or cancelled online.
        let (_, own) = get(&citizen, &app, &ayse_manage).await;
        assert!(!own.contains("/absagen") && !own.contains("verlegen="), "no move or cancel after check-in");
        let id = appointment_id(&ayse_manage);
        let key = param(&ayse_manage, "k").unwrap();
        // (The kiosk page's token: the same browser, the same CSRF cookie.)
        let r = citizen.post(app.url(&format!("/solingen/termin/{id}/absagen"))).form(&[("_csrf", token.as_str()), ("k", key.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 303, "the request itself is accepted");
        let status: Vec<String> = sql_strings(&app, &format!("SELECT status FROM appointments WHERE id = '{id}'")).await;
        assert_eq!(status, ["booked"]);
        // The stream follows the check-ins (two quick ones may arrive as one change).
        let mut board = next_board(&mut events).await;
        if board["waiting"] == 1 {
            board = next_board(&mut events).await;
        }
        assert_eq!(board["waiting"], 2, "{board}");

        // Staff of another office may not run this waiting room.
        let other = client();
        crate::backoffice::staff_login(&app, &other, "solingen", "sb-bb").await;
        let r = other.get(app.url("/solingen/verwaltung/vor-ort/auslaenderbehoerde")).send().await.unwrap();
        assert_eq!(r.status(), 403);
        // The clerk sees today's appointment checked in and the two waiting.
        let staff = client();
        crate::backoffice::staff_login(&app, &staff, "solingen", "sb-abh").await;
        let (s, room) = get(&staff, &app, "/solingen/verwaltung/vor-ort/auslaenderbehoerde").await;
        assert_eq!(s, 200, "{room}");
        assert!(room.contains("Ayşe Yılmaz") && room.contains("T001: wartet"), "{room}");
        assert!(room.contains("W002"));
        let token = csrf_token(&room).unwrap();
        let action = app.url("/solingen/verwaltung/vor-ort/auslaenderbehoerde/aktion");
        // The appointment is due (its time has come): called first, before the walk-in who
        // came earlier, to counter 3.
        let due = jiff::Timestamp::now().as_millisecond() - 60_000;
        sql(&app, &format!("UPDATE visits SET due_at = {due} WHERE number = 1")).await;
        sql(&app, "UPDATE visits SET checked_in_at = checked_in_at + 1000 WHERE number = 1").await;
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "aufrufen"), ("schalter", "3")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"].to_str().unwrap().contains("nummer=T001"));
        let board = next_board(&mut events).await;
        assert_eq!(board["calls"][0]["ticket"], "T001");
        assert_eq!(board["calls"][0]["counter"], "3");
        assert_eq!(board["waiting"], 1);
        let (_, display) = get(&client(), &app, "/solingen/vor-ort/auslaenderbehoerde/anzeige").await;
        assert!(display.contains("T001") && display.contains("Platz 3"));
        let visit = sql_strings(&app, "SELECT id FROM visits WHERE number = 1").await.remove(0);
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "erledigt"), ("id", visit.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "aufrufen"), ("schalter", "3")]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().contains("nummer=W002"));
        let walk_in = sql_strings(&app, "SELECT id FROM visits WHERE number = 2").await.remove(0);
        staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "nicht-erschienen"), ("id", walk_in.as_str())]).send().await.unwrap();
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "aufrufen"), ("schalter", "3")]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().contains("meldung=niemand"));
        // Staff check visitors in too: an appointment by its code, a walk-in by service.
        let second = client();
        let (_, page) = get(&second, &app, "/solingen/termine/auslaenderbehoerde?leistung=beratung").await;
        let slot = links(&page, "/buchen?")[0].clone();
        let r = book(&second, &app, &slot, "Zweite Person", "zweite@example.org").await;
        let (_, appt) = get(&second, &app, r.headers()["location"].to_str().unwrap()).await;
        let code2 = booking_code(&appt);
        let (_, room) = get(&staff, &app, "/solingen/verwaltung/vor-ort/auslaenderbehoerde").await;
        assert!(room.contains("Zweite Person") && room.contains("value=\"einchecken\""), "a check-in button for the expected appointment");
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "einchecken"), ("code", code2.as_str())]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().contains("nummer=T003"), "{:?}", r.headers());
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "einchecken"), ("code", code2.as_str())]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().contains("nummer=T003"), "checking in twice gives the same number");
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "ohne-termin"), ("leistung", "verpflichtungserklaerung")]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().contains("nummer=W004"));
        let r = staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "ohne-termin")]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().contains("meldung=leistung"), "a walk-in needs a service");
        for _ in 0..2 {
            staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "aufrufen"), ("schalter", "1")]).send().await.unwrap();
        }
        for id in sql_strings(&app, "SELECT id FROM visits WHERE number > 2").await {
            staff.post(&action).form(&[("_csrf", token.as_str()), ("aktion", "erledigt"), ("id", id.as_str())]).send().await.unwrap();
        }
        // Times for the statistics.
        let (_, room) = get(&staff, &app, "/solingen/verwaltung/vor-ort/auslaenderbehoerde").await;
        let facts = room.split("Kennzahlen heute").nth(1).unwrap();
        assert!(facts.contains("<dt>Besuche</dt><dd>4</dd>") && facts.contains("<dt>Bedient</dt><dd>3</dd>"), "{facts}");
        let times: Vec<String> = sql_strings(&app, "SELECT status || ':' || CASE WHEN called_at IS NULL THEN '-' ELSE 'c' END || CASE WHEN done_at IS NULL THEN '-' ELSE 'd' END FROM visits ORDER BY number").await;
        assert_eq!(times, ["done:cd", "missed:cd", "done:cd", "done:cd"]);
        let audit: Vec<String> = sql_strings(&app, "SELECT action FROM audit_log ORDER BY seq").await;
        for a in ["view_visitors", "call_visitor", "finish_visit", "visitor_missed"] {
            assert!(audit.iter().any(|x| x == a), "{a} in {audit:?}");
        }
    }
}

/// The next `board` event of a display's stream.
async fn next_board(res: &mut reqwest::Response) -> serde_json::Value {
    let mut buf = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(i) = buf.find("\n\n") {
            let frame = buf[..i].to_owned();
            buf.drain(..i + 2);
            if let Some(data) = frame.lines().find_map(|l| l.strip_prefix("data: ")) {
                if frame.contains("event: board") {
                    return serde_json::from_str(data).unwrap();
                }
            }
            continue;
        }
        let chunk = tokio::time::timeout_at(deadline, res.chunk())
            .await
            .expect("an event within 15 s")
            .unwrap()
            .expect("the stream stays open");
        buf.push_str(&String::from_utf8_lossy(&chunk));
    }
}

/// Books, moves and cancels at an office of the demo in Chromium, running axe-core on
/// every page and state; the `.ics` of the booking is read by ical.js.
async fn book_move_cancel_in_browser(
    c: &fantoccini::Client,
    app: &TestApp,
    axe_js: &str,
    tenant: &str,
    office: &str,
    service: &str,
    failures: &mut Vec<String>,
) {
    use crate::browser::{audit, click, fill, wait_for_css, wait_for_url};
    use fantoccini::Locator;
    let at = |s: &str| format!("{tenant}/{office}: {s}");
    c.goto(&app.url(&format!("/{tenant}"))).await.unwrap();
    click(c, "a[href$='/termine']").await;
    wait_for_url(c, "/termine").await;
    audit(c, axe_js, at("offices"), failures).await;
    click(c, &format!("a[href$='/termine/{office}']")).await;
    wait_for_css(c, "form.appt-choose").await;
    audit(c, axe_js, at("choose services"), failures).await;
    // Nothing chosen: the error is named and linked.
    click(c, "form.appt-choose button[type=submit]").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, axe_js, at("no service chosen"), failures).await;
    click(c, &format!("label[for='leistung-{service}']")).await;
    click(c, "form.appt-choose button[type=submit]").await;
    wait_for_css(c, "table.month").await;
    audit(c, axe_js, at("next times and month"), failures).await;
    // A day of the month (the next month if this one has no free day left).
    if c.find(Locator::Css("table.month td a")).await.is_err() {
        click(c, ".month-nav a:last-child").await;
        wait_for_css(c, "table.month td a").await;
    }
    click(c, "table.month td a").await;
    wait_for_css(c, "#tag").await;
    audit(c, axe_js, at("a day's times"), failures).await;
    click(c, ".slot-grid a.slot").await;
    wait_for_css(c, "input#name").await;
    audit(c, axe_js, at("booking form"), failures).await;
    fill(c, "email", "nicht-gueltig").await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, axe_js, at("booking form with errors"), failures).await;
    fill(c, "name", "Demo Person").await;
    fill(c, "email", "demo.person@example.org").await;
    click(c, "label[for=consent]").await;
    click(c, "main form button[type=submit]").await;
    wait_for_css(c, ".booking-code").await;
    audit(c, axe_js, at("booked"), failures).await;
    let ics = c
        .find(Locator::Css("a[href*='termin.ics']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let text = reqwest::get(app.url(&ics))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let cal = read_ics(&text);
    assert_eq!(cal["events"][0]["status"], "CONFIRMED", "{cal}");
    let first_start = cal["events"][0]["start"].as_str().unwrap().to_owned();
    // Move: another time of the list.
    click(c, "a[href*='verlegen=']").await;
    wait_for_css(c, "button.slot").await;
    audit(c, axe_js, at("moving"), failures).await;
    let buttons = c.find_all(Locator::Css("button.slot")).await.unwrap();
    buttons.last().unwrap().clone().click().await.unwrap();
    wait_for_url(c, "geaendert=verlegt").await;
    audit(c, axe_js, at("moved"), failures).await;
    let text = reqwest::get(app.url(&ics))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let moved = read_ics(&text);
    assert_ne!(moved["events"][0]["start"], first_start.as_str());
    // Cancel.
    click(c, "main form button.secondary").await;
    wait_for_url(c, "geaendert=abgesagt").await;
    audit(c, axe_js, at("cancelled"), failures).await;
    let text = reqwest::get(app.url(&ics))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(read_ics(&text)["events"][0]["status"], "CANCELLED");
}

#[tokio::test]
async fn booking_in_the_browser_at_solingen_and_paderborn() {
    use crate::browser::{axe_source, browser, browser_lock};
    let _lock = browser_lock().lock().await;
    let app = TestApp::start(Backend::Sqlite).await;
    let axe_js = axe_source();
    let mut failures = Vec::new();
    {
        let b = browser(true, 1280, 900).await;
        book_move_cancel_in_browser(
            &b.client,
            &app,
            &axe_js,
            "solingen",
            "auslaenderbehoerde",
            "urkunde",
            &mut failures,
        )
        .await;
    }
    {
        // At phone width (axe needs JavaScript; the pages work without it, as the HTTP
        // tests show, which never run any).
        let b = browser(true, 390, 844).await;
        book_move_cancel_in_browser(
            &b.client,
            &app,
            &axe_js,
            "kreis-paderborn",
            "untere-jagdbehoerde",
            "jagdschein",
            &mut failures,
        )
        .await;
    }
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}

/// The waiting room in Chromium: kiosk, ticket, the display updating live through its
/// event stream, and the clerk's page; axe-core on each.
#[tokio::test]
async fn waiting_room_in_the_browser() {
    use crate::browser::{audit, axe_source, browser, browser_lock, click, fill, wait_for_css};
    use fantoccini::Locator;
    let _lock = browser_lock().lock().await;
    let defs = demo_open_now();
    let port = free_port();
    let provider = OidcProvider::start(port).await;
    let dir = tempfile::tempdir().unwrap();
    let app = TestApp::start_with(provider.options(
        Options::new(Backend::Sqlite).definitions(defs.path()).env(
            "DEMO_SOLINGEN_ABH_KIOSK_KEY",
            "solingen-kiosk-key-0123456789",
        ),
        port,
        dir.path(),
    ))
    .await;
    let citizen = client();
    let (_, page) = get(
        &citizen,
        &app,
        "/solingen/termine/auslaenderbehoerde?leistung=urkunde",
    )
    .await;
    let slot = links(&page, "/buchen?")[0].clone();
    let r = book(&citizen, &app, &slot, "Demo Person", "demo@example.org").await;
    let (_, appt) = get(&citizen, &app, r.headers()["location"].to_str().unwrap()).await;
    let code = booking_code(&appt);

    let axe_js = axe_source();
    let mut failures = Vec::new();
    // The display, live (JavaScript on), on its own browser.
    let screen = browser(true, 1920, 1080).await;
    let d = &screen.client;
    d.goto(&app.url("/solingen/vor-ort/auslaenderbehoerde/anzeige"))
        .await
        .unwrap();
    wait_for_css(d, "#anzeige").await;
    audit(d, &axe_js, "display, nobody called".into(), &mut failures).await;

    // The kiosk, on a portrait screen.
    {
        let k = browser(true, 1080, 1920).await;
        let c = &k.client;
        c.goto(
            &app.url("/solingen/vor-ort/auslaenderbehoerde/kiosk/solingen-kiosk-key-0123456789"),
        )
        .await
        .unwrap();
        wait_for_css(c, "#code").await;
        audit(c, &axe_js, "kiosk".into(), &mut failures).await;
        fill(c, "code", "ZZZ-ZZZ").await;
        click(c, "section[aria-labelledby=mit-termin] button").await;
        wait_for_css(c, ".error-summary").await;
        audit(c, &axe_js, "kiosk, unknown code".into(), &mut failures).await;
        fill(c, "code", &code).await;
        click(c, "section[aria-labelledby=mit-termin] button").await;
        wait_for_css(c, ".ticket-number").await;
        audit(c, &axe_js, "kiosk ticket".into(), &mut failures).await;
        let n = c
            .find(Locator::Css(".ticket-number"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(n.contains("T001"), "{n}");
    }
    // The clerk, in the browser, calls the visitor.
    let staff = browser(true, 1280, 900).await;
    let c = &staff.client;
    c.goto(&app.url("/solingen/verwaltung/vor-ort/auslaenderbehoerde"))
        .await
        .unwrap();
    wait_for_css(c, "input[name=login]").await;
    c.find(Locator::Css("input[name=login]"))
        .await
        .unwrap()
        .send_keys("sb-abh")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("x")
        .await
        .unwrap();
    click(c, "button[type=submit]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    if c.current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/interaction/")
    {
        click(c, "button[type=submit]").await;
    }
    wait_for_css(c, "input#schalter").await;
    if !c
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/vor-ort/")
    {
        c.goto(&app.url("/solingen/verwaltung/vor-ort/auslaenderbehoerde"))
            .await
            .unwrap();
        wait_for_css(c, "input#schalter").await;
    }
    audit(
        c,
        &axe_js,
        "waiting room, one waiting".into(),
        &mut failures,
    )
    .await;
    fill(c, "schalter", "4").await;
    click(c, "button[value=aufrufen]").await;
    wait_for_css(c, "button[value=erledigt]").await;
    audit(c, &axe_js, "waiting room, one called".into(), &mut failures).await;
    // The display shows the call without a reload.
    let mut shown = String::new();
    for _ in 0..100 {
        shown = d
            .find(Locator::Id("aufruf"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if shown.contains("T001") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        shown.contains("T001") && shown.contains('4'),
        "live display: {shown}"
    );
    let updated = d
        .find(Locator::Id("anzeige"))
        .await
        .unwrap()
        .attr("data-updated")
        .await
        .unwrap();
    assert!(
        updated.is_some(),
        "updated by the event stream, not by a reload"
    );
    audit(d, &axe_js, "display after a call".into(), &mut failures).await;
    click(c, "button[value=erledigt]").await;
    wait_for_css(c, ".case-facts").await;
    audit(c, &axe_js, "waiting room, figures".into(), &mut failures).await;
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}

both_backends! {
    async fn account_holders_find_prefill_and_move_their_appointments(b: Backend) {
        let defs = demo_open_now();
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(Options::new(b).definitions(defs.path()), port, dir.path())).await;
        let erika = client();
        crate::accounts::login(&app, &erika, "solingen", "erika").await;
        let (_, page) = get(&erika, &app, "/solingen/termine/auslaenderbehoerde?leistung=beratung").await;
        let slots = links(&page, "/buchen?");
        let (_, form) = get(&erika, &app, &slots[0]).await;
        assert!(form.contains("value=\"Erika Mustermann\""), "the account's name is prefilled");
        let r = book(&erika, &app, &slots[0], "Erika Mustermann", "erika@example.org").await;
        assert_eq!(r.status(), 303);
        let id = appointment_id(r.headers()["location"].to_str().unwrap());
        // Mein Bereich lists it, and her session opens it without the mail's key.
        let (_, mine) = get(&erika, &app, "/solingen/mein-bereich").await;
        assert!(mine.contains("Ihre Termine") && mine.contains(&format!("/solingen/termin/{id}")), "{mine}");
        let (s, own) = get(&erika, &app, &format!("/solingen/termin/{id}")).await;
        assert_eq!(s, 200);
        // Moving from there works without a key too; another account gets nothing.
        let move_href = links(&own, "verlegen=")[0].clone();
        assert!(!move_href.contains("k="));
        let (s, moving) = get(&erika, &app, &move_href).await;
        assert_eq!(s, 200);
        assert!(moving.contains("Sie verlegen Ihren Termin"));
        let max = client();
        crate::accounts::login(&app, &max, "solingen", "max").await;
        let (s, _) = get(&max, &app, &format!("/solingen/termin/{id}")).await;
        assert_eq!(s, 404);
        let (s, _) = get(&max, &app, &move_href).await;
        assert_eq!(s, 404);
        let new_start: String = moving
            .split("name=\"beginn\" value=\"")
            .nth(2)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let token = csrf_token(&moving).unwrap();
        let r = erika
            .post(app.url(&format!("/solingen/termin/{id}/verlegen")))
            .form(&[("_csrf", token.as_str()), ("k", ""), ("beginn", new_start.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        let moved = wait_for_mails(&app, |m| m.contains("verlegt"), 1).await;
        assert!(moved[0].contains(&format!("/solingen/termin/{id}")), "the mail links her appointment");
        // Her data export (Art. 15) holds the appointment; deleting the account (Art. 17)
        // detaches it, and the appointment itself stays.
        let data: serde_json::Value = erika.get(app.url("/solingen/mein-bereich/daten.json")).send().await.unwrap().json().await.unwrap();
        assert_eq!(data["appointments"][0]["services"][0], "beratung", "{data}");
        assert_eq!(data["appointments"][0]["email"], "erika@example.org");
        let (_, html) = get(&erika, &app, "/solingen/mein-bereich/konto-loeschen").await;
        let token = csrf_token(&html).unwrap();
        let r = erika.post(app.url("/solingen/mein-bereich/konto-loeschen")).form(&[("_csrf", token.as_str()), ("bestaetigt", "ja")]).send().await.unwrap();
        assert!(r.status().is_redirection() || r.status().is_success());
        let owners: Vec<String> = sql_strings(&app, "SELECT COALESCE(account_id, '-') || ':' || status FROM appointments").await;
        assert_eq!(owners, ["-:booked"]);
    }
}

both_backends! {
    async fn an_application_asks_for_its_appointment(b: Backend) {
        use crate::seed_forms::{seed_steps, submit_seed_form};
        let app = TestApp::start(b).await;
        let http = client();
        let receipt = submit_seed_form(&app, &http, "solingen/einbuergerung", &seed_steps("solingen/einbuergerung")).await;
        let (_, page) = get(&http, &app, &receipt).await;
        let reference = page.split("class=\"reference\">").nth(1).unwrap().split('<').next().unwrap().to_owned();
        // The receipt offers the appointment that belongs to the Einbürgerung.
        let link = links(&page, "/solingen/termine/auslaenderbehoerde?")
            .into_iter()
            .find(|l| l.contains("leistung=urkunde") && l.contains("antrag="))
            .unwrap_or_else(|| panic!("no appointment link on the receipt: {page}"));
        let (s, office) = get(&http, &app, &link).await;
        assert_eq!(s, 200);
        assert!(office.contains("checked"), "the certificate is chosen already");
        let slot = links(&office, "/buchen?")[0].clone();
        assert!(slot.contains("antrag="), "the application travels with the booking");
        let r = book(&http, &app, &slot, "Demo Antragsteller", "antrag@example.org").await;
        assert_eq!(r.status(), 303);
        let (_, appt) = get(&http, &app, r.headers()["location"].to_str().unwrap()).await;
        assert!(appt.contains(&reference), "the appointment names the application {reference}");
        let stored: Vec<String> = sql_strings(&app, "SELECT reference FROM appointments").await;
        assert_eq!(stored, [reference]);
        // A made-up application id links nothing.
        let forged = slot.replace("antrag=", "antrag=x");
        let r = book(&client(), &app, &forged, "Jemand", "jemand@example.org").await;
        assert_eq!(r.status(), 303);
        let refs: Vec<String> = sql_strings(&app, "SELECT COALESCE(reference, '-') FROM appointments ORDER BY created_at").await;
        assert_eq!(refs.last().map(String::as_str), Some("-"));
    }
}
