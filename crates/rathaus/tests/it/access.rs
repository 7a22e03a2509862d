//! Who may open what. The access matrix: every route that takes a draft, application, file,
//! message, payment or appointment id — enumerated from the router's declared routes, not
//! hand-picked — asked by a fresh browser, another guest, another account, staff of
//! another office and staff of another tenant; only the owner gets personal data, and
//! nobody else changes anything.
//! Then the two second factors of guests: the resume code beside the resume link and the
//! access code beside the reference, each with its lock-out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::{app_with_login, apply_meldebescheinigung, client, login};
use crate::apply::{start, to_upload_step, upload, Citizen, HALTER};
use crate::backoffice::staff_login;
use crate::both_backends;
use crate::seed_forms::{seed_steps, submit_seed_form};
use crate::support::{csrf_token, decode_html, run_cli, sql, sql_strings, Backend, TestApp};

/// A route of the web face: its pattern and whether it answers GET and POST.
#[derive(Debug)]
struct Route {
    pattern: String,
    get: bool,
    post: bool,
}

/// Every route of the router (its declared list, from which the router is built, so a new
/// route is in the matrix the day it is added).
fn routes() -> Vec<Route> {
    rathaus_web::paths::ALL
        .iter()
        .map(|r| Route {
            pattern: r.pattern.to_owned(),
            get: r.methods.contains(&"GET"),
            post: r.methods.contains(&"POST"),
        })
        .collect()
}

const OBJECT_KEYS: &[&str] = &["{draft}", "{reference}", "{file}", "{message}", "{id}"];

/// One object of an owner, with the ids that fill a route's pattern and the personal data
/// that must not reach anybody else (not the reference: whoever asks has typed it).
struct Object {
    what: &'static str,
    tenant: &'static str,
    /// A step of its form (for `{step}`).
    step: &'static str,
    draft: String,
    reference: String,
    files: Vec<String>,
    message: String,
    id: String,
    markers: Vec<String>,
}

impl Object {
    /// The concrete paths of `route` for this object (none when the route does not fit it).
    fn paths(&self, route: &Route) -> Vec<String> {
        let p = &route.pattern;
        let needs = |k: &str| p.contains(k);
        if needs("{draft}") && self.draft.is_empty()
            || needs("{reference}") && self.reference.is_empty()
            || needs("{message}") && self.message.is_empty()
            || needs("{id}") && self.id.is_empty()
        {
            return Vec::new();
        }
        let files: Vec<&str> = if needs("{file}") {
            self.files.iter().map(String::as_str).collect()
        } else {
            vec![""]
        };
        files
            .into_iter()
            .map(|file| {
                p.replace("{tenant}", self.tenant)
                    .replace("{draft}", &self.draft)
                    .replace("{reference}", &self.reference)
                    .replace("{file}", file)
                    .replace("{message}", &self.message)
                    .replace("{id}", &self.id)
                    .replace("{step}", self.step)
            })
            .collect()
    }
}

/// Somebody asking: a client with cookies and, per tenant, a token of its own session.
struct Actor {
    name: &'static str,
    http: reqwest::Client,
}

impl Actor {
    async fn token(&self, app: &TestApp, tenant: &str) -> String {
        let html = self
            .http
            .get(app.url(&format!("/{tenant}/zugang")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        csrf_token(&html).unwrap_or_default()
    }
}

/// What an answer gave away, if anything personal.
async fn leak(res: reqwest::Response, markers: &[String]) -> Option<String> {
    let status = res.status().as_u16();
    let kind = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = res.bytes().await.unwrap();
    let text = decode_html(&String::from_utf8_lossy(&body));
    // Error answers of the API are problem+json; anything else not HTML is a download.
    if (200..300).contains(&status) && !body.is_empty() && !kind.starts_with("text/html") {
        return Some(format!("{status} with a {kind} download"));
    }
    markers
        .iter()
        .find(|m| text.contains(m.as_str()))
        .map(|m| format!("{status} shows {m:?}"))
}

both_backends! {
    async fn only_the_owner_gets_personal_data_on_any_route(b: Backend) {
        let (app, _provider, dir) = app_with_login(b).await;

        // A guest submits a Verpflichtungserklärung (with its fee: GiroCode and pay pages).
        let guest = client();
        let receipt = submit_seed_form(&app, &guest, "solingen/verpflichtungserklaerung", &seed_steps("solingen/verpflichtungserklaerung")).await;
        let guest_draft = receipt.split('/').nth(3).unwrap().to_owned();
        let html = decode_html(&guest.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        assert!(html.contains("Özdemir-Schäfer") || html.contains("eingegangen"), "{html}");
        let i = html.find("class=\"reference\">").unwrap() + 18;
        let guest_ref = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let guest_pay = sql_strings(&app, &format!("SELECT id FROM payments WHERE draft_id = '{guest_draft}'")).await;
        let submitted = Object {
            what: "submitted guest application",
            tenant: "solingen",
            step: "gastgeber",
            draft: guest_draft.clone(),
            reference: guest_ref.clone(),
            files: Vec::new(),
            message: String::new(),
            id: guest_pay.first().cloned().unwrap_or_default(),
            markers: ["Özdemir-Schäfer", "L01X00T47", "U12345678", "09.11.1972", "Grünewalder", "juergen.schaefer@example.org"]
                .map(str::to_owned).to_vec(),
        };

        // Another guest's open draft with an uploaded file.
        let mut g2 = Citizen::new(&app);
        let (open_draft, step) = to_upload_step(&mut g2).await;
        let mut secret = b"%PDF-1.7\n% GEHEIMNIS-DATEI\n".to_vec();
        secret.resize(3000, b' ');
        let (status, _, _) = upload(&g2, &step, &[], Some(("nachweis.pdf", secret))).await;
        assert_eq!(status, 303);
        let (_, html) = g2.get(&step).await;
        let i = html.find(&format!("/soest/antrag/{open_draft}/datei/")).unwrap();
        let href = html[i..i + html[i..].find('"').unwrap()].to_owned();
        let own = g2.http.get(app.url(&href)).send().await.unwrap().bytes().await.unwrap();
        assert!(String::from_utf8_lossy(&own).contains("GEHEIMNIS-DATEI"), "the owner gets the file");
        let open = Object {
            what: "open guest draft with a file",
            tenant: "soest",
            step: "halter",
            draft: open_draft.clone(),
            reference: String::new(),
            files: vec![href.rsplit('/').next().unwrap().to_owned()],
            message: String::new(),
            id: String::new(),
            markers: ["GEHEIMNIS-DATEI", "24.03.1985", "Demo AG", "Rex"].map(str::to_owned).to_vec(),
        };

        // An account's application with a message of the authority and its attachment.
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (account_draft, account_ref) = apply_meldebescheinigung(&app, &erika).await;
        let pdf = dir.path().join("anhang.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n% ANHANG-NUR-FUER-ERIKA\n%%EOF\n").unwrap();
        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &account_ref,
            "--kind", "request", "--subject", "Nachweis fehlt", "--body", "Liebe Frau Mustermann, bitte den Mietvertrag.",
            "--attach", pdf.to_str().unwrap()]);
        assert!(ok, "{out}");
        let case = decode_html(&erika.get(app.url(&format!("/solingen/vorgang/{account_draft}"))).send().await.unwrap().text().await.unwrap());
        let i = case.find(&format!("/solingen/vorgang/{account_draft}/nachricht/")).unwrap();
        let msg_path = case[i..i + case[i..].find('"').unwrap()].to_owned();
        let msg = decode_html(&erika.get(app.url(&msg_path)).send().await.unwrap().text().await.unwrap());
        let i = msg.find(&format!("/solingen/vorgang/{account_draft}/datei/")).unwrap();
        let attachment = msg[i..i + msg[i..].find('"').unwrap()].rsplit('/').next().unwrap().to_owned();
        let account_pay = sql_strings(&app, &format!("SELECT id FROM payments WHERE draft_id = '{account_draft}'")).await;
        let account = Object {
            what: "account application",
            tenant: "solingen",
            step: "person",
            draft: account_draft.clone(),
            reference: account_ref.clone(),
            files: vec![attachment],
            message: msg_path.rsplit('/').next().unwrap().to_owned(),
            id: account_pay.first().cloned().unwrap_or_default(),
            markers: ["erika.mustermann@example.org", "bitte den Mietvertrag", "ANHANG-NUR-FUER-ERIKA", "42651"]
                .map(str::to_owned).to_vec(),
        };

        // A guest's appointment (its key link is tested below).
        let (appointment, key_link) = book_appointment(&app, &client()).await;
        let booked = Object {
            what: "appointment",
            tenant: "solingen",
            step: "person",
            draft: String::new(),
            reference: String::new(),
            files: Vec::new(),
            message: String::new(),
            id: appointment.clone(),
            markers: ["Zacharias Geheimrat", "zacharias@example.org"].map(str::to_owned).to_vec(),
        };

        // The others: a fresh browser, another guest, another account, staff elsewhere.
        let other_guest = client();
        let mut intruder = Citizen { app: &app, http: other_guest.clone(), csrf: String::new() };
        start(&mut intruder).await;
        let max = client();
        login(&app, &max, "solingen", "max").await;
        let staff_bb = client();
        staff_login(&app, &staff_bb, "solingen", "sb-bb").await;
        let staff_abh = client();
        staff_login(&app, &staff_abh, "solingen", "sb-abh").await;
        let staff_tax = client();
        staff_login(&app, &staff_tax, "soest", "admin-soest").await;
        let actors = |other_office: &reqwest::Client, other_tenant: &reqwest::Client| {
            vec![
                Actor { name: "fresh browser", http: client() },
                Actor { name: "another guest", http: other_guest.clone() },
                Actor { name: "another account", http: max.clone() },
                Actor { name: "staff of another office", http: other_office.clone() },
                Actor { name: "staff of another tenant", http: other_tenant.clone() },
            ]
        };
        let cases = [
            (&submitted, actors(&staff_bb, &staff_tax)),
            (&open, actors(&staff_tax, &staff_bb)),
            (&account, actors(&staff_abh, &staff_tax)),
            (&booked, actors(&staff_abh, &staff_tax)),
        ];

        let routes: Vec<Route> = routes()
            .into_iter()
            .filter(|r| OBJECT_KEYS.iter().any(|k| r.pattern.contains(k)))
            .collect();
        assert!(routes.len() >= 25, "the router's object routes were found: {routes:?}");
        let mut tried = 0;
        let mut leaks = Vec::new();
        for (object, actors) in &cases {
            for actor in actors {
                let token = actor.token(&app, object.tenant).await;
                for route in &routes {
                    for path in object.paths(route) {
                        if route.get {
                            let res = actor.http.get(app.url(&path)).send().await.unwrap();
                            if let Some(what) = leak(res, &object.markers).await {
                                leaks.push(format!("GET {path} ({}, {}): {what}", object.what, actor.name));
                            }
                            tried += 1;
                        }
                        if route.post {
                            let form = [("_csrf", token.as_str()), ("aktion", "weiter"), ("einwilligung", "ja"),
                                ("wahrheit", "ja"), ("text", "Übernommen?"), ("code", "AAAA-AAAA")];
                            let res = actor.http.post(app.url(&path)).form(&form).send().await.unwrap();
                            let status = res.status().as_u16();
                            if let Some(what) = leak(res, &object.markers).await {
                                leaks.push(format!("POST {path} ({}, {}): {what}", object.what, actor.name));
                            }
                            if (200..300).contains(&status) && path.contains("/demo-bezahldienst/") {
                                leaks.push(format!("POST {path} ({}, {}): {status}", object.what, actor.name));
                            }
                            tried += 1;
                        }
                    }
                }
            }
        }
        assert!(leaks.is_empty(), "{} of {tried} requests gave something away:\n{}", leaks.len(), leaks.join("\n"));
        assert!(tried > 300, "{tried}");

        // The appointment's key link (from the confirmation mail) shows no personal data
        // in another browser; the booked time and the cancel button are all it opens.
        let res = client().get(app.url(&key_link)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let page = decode_html(&res.text().await.unwrap());
        assert!(!page.contains("Zacharias") && !page.contains("zacharias@example.org"), "{page}");

        // Nothing changed for the owners: the guest's and the account's applications are
        // still received and their answers whole, the open draft still open, the
        // appointment still booked.
        let states = sql_strings(&app, &format!("SELECT COALESCE(reference, 'offen') FROM drafts WHERE id IN ('{guest_draft}', '{open_draft}', '{account_draft}') ORDER BY reference")).await;
        assert_eq!(states.len(), 3, "{states:?}");
        let withdrawn = sql_strings(&app, "SELECT reference FROM submissions WHERE status = 'withdrawn'").await;
        assert!(withdrawn.is_empty(), "{withdrawn:?}");
        let cancelled = sql_strings(&app, &format!("SELECT status FROM appointments WHERE id = '{appointment}'")).await;
        assert_eq!(cancelled, ["booked"]);
        let html = decode_html(&guest.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        assert!(html.contains(&guest_ref) && html.contains("access-code-value"), "the owner still sees it all: {html}");
        let (_, html) = g2.get(&step).await;
        assert!(html.contains("value=\"Demo AG\"") && html.contains("nachweis.pdf"), "the open draft is untouched: {html}");
    }
}

/// Books the first free time at Solingen's first office as a guest; returns the
/// appointment id and the key link of its page.
async fn book_appointment(app: &TestApp, http: &reqwest::Client) -> (String, String) {
    let get = |path: String| {
        let http = http.clone();
        let url = app.url(&path);
        async move { decode_html(&http.get(url).send().await.unwrap().text().await.unwrap()) }
    };
    let links = |html: &str, needle: &str| -> Vec<String> {
        html.split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .filter(|h| h.contains(needle))
            .map(str::to_owned)
            .collect()
    };
    let index = get("/solingen/termine".into()).await;
    let office = links(&index, "/solingen/termine/")
        .into_iter()
        .next()
        .expect("an office");
    let mut page = get(office.clone()).await;
    if links(&page, "/buchen?").is_empty() {
        // Offices with several services ask for one first.
        let service = page
            .split("name=\"leistung\" value=\"")
            .nth(1)
            .map(|s| s.split('"').next().unwrap().to_owned())
            .expect("a service");
        page = get(format!("{office}?leistung={service}")).await;
    }
    let slot = links(&page, "/buchen?")
        .into_iter()
        .next()
        .expect("a free time");
    let form = get(slot.clone()).await;
    let mut fields: Vec<(String, String)> = vec![("_csrf".into(), csrf_token(&form).unwrap())];
    for kv in slot.split('?').nth(1).unwrap().split('&') {
        let (k, v) = kv.split_once('=').unwrap();
        fields.push((k.into(), v.into()));
    }
    fields.push(("name".into(), "Zacharias Geheimrat".into()));
    fields.push(("email".into(), "zacharias@example.org".into()));
    fields.push(("einwilligung".into(), "ja".into()));
    let res = http
        .post(app.url(slot.split('?').next().unwrap()))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "{}", res.text().await.unwrap());
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    let id = to
        .split('/')
        .nth(3)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    (id, to)
}

both_backends! {
    async fn a_resume_link_needs_its_code_and_guessing_is_locked_out(b: Backend) {
        let app = TestApp::start(b).await;
        let mut c = Citizen::new(&app);
        let step1 = start(&mut c).await;
        let draft = step1.split('/').nth(3).unwrap().to_owned();
        c.get(&step1).await;
        let mut fields: Vec<(&str, &str)> = HALTER.iter().copied().filter(|(k, _)| *k != "aktion").collect();
        fields.push(("aktion", "speichern"));
        let (status, _, saved) = c.post(&step1, &fields).await;
        assert_eq!(status, 200);
        let i = saved.find("class=\"resume-code\">").unwrap() + "class=\"resume-code\">".len();
        let code = saved[i..i + saved[i..].find('<').unwrap()].to_owned();
        assert_eq!(code.len(), 9, "ABCD-EFGH: {code}");
        let resume = format!("/soest/antrag/{draft}");

        // Another browser with the link: the code form, nothing of the answers.
        let mut other = Citizen::new(&app);
        let (status, html) = other.get(&resume).await;
        assert_eq!(status, 200);
        assert!(html.contains("Fortsetzungscode") && !html.contains("Erika"), "{html}");
        assert_eq!(other.get(&step1).await.0, 200, "a step shows the code form too");
        // A wrong code: the field's error; five tries, then a wait with Retry-After.
        for _ in 0..5 {
            let (status, _, html) = other.post(&resume, &[("code", "ZZZZ-ZZZZ")]).await;
            assert_eq!(status, 422);
            assert!(html.contains("passt nicht zu diesem Antrag") && !html.contains("Erika"), "{html}");
        }
        let form = [("_csrf", other.csrf.as_str()), ("code", code.as_str())];
        let res = other.http.post(app.url(&resume)).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 429, "even the right code waits now");
        let wait: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!((25..=31).contains(&wait), "{wait}");
        assert!(decode_html(&res.text().await.unwrap()).contains("Zu viele Versuche"));
        // The owner's own browser is not locked out of its draft.
        let (status, html) = c.get(&step1).await;
        assert_eq!(status, 200);
        assert!(html.contains("value=\"Erika\""));

        // After the wait, the right code (in any spelling) opens the draft in the other
        // browser, which now holds it; the first browser is asked for the code.
        // An hour passes.
        sql(&app, "UPDATE guess_failures SET last_at = last_at - 3600000").await;
        let lower = code.to_lowercase().replace('-', " ");
        let (status, to, _) = other.post(&resume, &[("code", lower.as_str())]).await;
        assert_eq!(status, 303, "{}", app.log());
        assert!(to.ends_with("/schritt/halter"), "{to}");
        let (_, html) = other.get(&to).await;
        assert!(html.contains("value=\"Erika\""), "the answers are back");
        let (status, html) = c.get(&step1).await;
        assert_eq!(status, 200);
        assert!(html.contains("Fortsetzungscode") && !html.contains("value=\"Erika\""), "{html}");
    }
}

both_backends! {
    async fn guessing_access_codes_is_locked_out_per_reference_and_address(b: Backend) {
        let app = TestApp::start(b).await;
        let http = client();
        let receipt = submit_seed_form(&app, &http, "soest/hundeanmeldung", &seed_steps("soest/hundeanmeldung")).await;
        let html = decode_html(&http.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        let i = html.find("class=\"reference\">").unwrap() + 18;
        let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let i = html.find("class=\"access-code-value\">").unwrap() + 26;
        let code = html[i..i + html[i..].find('<').unwrap()].to_owned();

        let attacker = client();
        let try_code = |reference: String, code: String| {
            let attacker = attacker.clone();
            let app = &app;
            async move {
                let page = attacker.get(app.url("/soest/zugang")).send().await.unwrap().text().await.unwrap();
                let csrf = csrf_token(&page).unwrap();
                let res = attacker.post(app.url("/soest/zugang"))
                    .form(&[("_csrf", csrf.as_str()), ("aktenzeichen", reference.as_str()), ("zugangscode", code.as_str())])
                    .send().await.unwrap();
                let status = res.status().as_u16();
                let retry = res.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
                (status, retry, decode_html(&res.text().await.unwrap()))
            }
        };
        // An unknown reference and a wrong code get the same answer.
        let (s1, _, wrong) = try_code(reference.clone(), "AAAA-AAAA-AAAA".into()).await;
        let (s2, _, unknown) = try_code("SO-2026-999999".into(), "AAAA-AAAA-AAAA".into()).await;
        assert_eq!((s1, s2), (422, 422));
        let strip = |h: &str| h.replace("SO-2026-999999", "").replace(&reference, "").split("name=\"_csrf\"").next().unwrap().to_owned();
        assert_eq!(strip(&wrong), strip(&unknown), "the answer does not tell which references exist");
        // Five wrong codes per reference, then waits: even the right one is refused.
        for _ in 0..4 {
            assert_eq!(try_code(reference.clone(), "AAAA-AAAA-AAAA".into()).await.0, 422);
        }
        let (status, retry, html) = try_code(reference.clone(), code.clone()).await;
        assert_eq!(status, 429, "{html}");
        assert!(retry.unwrap().parse::<u64>().unwrap() >= 25);
        assert!(html.contains("Zu viele Versuche mit diesem Aktenzeichen"));
        // The owner is locked out too (the lock is per reference), but only for a while.
        // An hour passes.
        sql(&app, "UPDATE guess_failures SET last_at = last_at - 3600000").await;
        let (status, _, _) = try_code(reference.clone(), code.clone()).await;
        assert_eq!(status, 303, "the right code works after the wait");
        // Per address: 30 guesses an hour in all, whatever the references.
        let mut statuses = Vec::new();
        for n in 0..30 {
            statuses.push(try_code(format!("SO-2026-{:06}", 500 + n), "AAAA-AAAA-AAAA".into()).await.0);
        }
        assert!(statuses.contains(&429), "the address limit holds: {statuses:?}");
    }
}
