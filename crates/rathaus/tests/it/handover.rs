//! Hand-over to Fachverfahren and e-file against a real receiving service
//! (`tests/receiver/receiver.mjs`: Standard Webhooks verification, a FIT-Connect Submission
//! API that decrypts the JWE and validates metadata and data against their JSON Schemas):
//! a Hundeanmeldung goes to the tax system as a signed webhook while the receiver fails and
//! times out, into a drop folder as XML and as a notice to the office's mailbox; the tax
//! system answers through the inbound API with its case number and the decision; the decided
//! case goes to the e-file as xdomea 0605, validated by xmllint against the official XSD and
//! its code lists; a parked delivery is retried by an admin; an Einbürgerung goes to
//! FIT-Connect once the review starts and the receiver's callback confirms it; and a kill -9
//! while the receiver holds a request loses nothing and books nothing twice.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::client;
use crate::backoffice::staff_login;
use crate::both_backends;
use crate::seed_forms::{seed_steps, submit_seed_form};
use crate::support::{
    assert_pdf_a, copy_dir, csrf_token, decode_html, demo_definitions, free_port, run_cli,
    sql_strings, workspace_root, Backend, OidcProvider, Options, TestApp,
};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The Standard Webhooks example secret (test only).
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const INBOUND_TOKEN: &str = "test-only-inbound-token-0123456789";
const CLIENT_SECRET: &str = "test-only-fit-connect-client-secret";
const CALLBACK_SECRET: &str = "test-only-fit-connect-callback-secret";
/// The demo's FIT-Connect destination and client (demo/definitions/solingen/tenant.yaml).
const DESTINATION_ID: &str = "6a1f7c1e-2b4d-4c3e-9f10-5d2a8b7e0c01";
const CLIENT_ID: &str = "rathaus-demo-solingen";
/// The demo definitions point their receivers here; tests replace it with the real one.
const DEMO_RECEIVER: &str = "http://127.0.0.1:8090";

/// The receiving service, a child process for the life of a test.
struct Receiver {
    base: String,
    child: Child,
    http: reqwest::Client,
}

impl Receiver {
    async fn start() -> Receiver {
        let root = workspace_root();
        let mut child = Command::new("node")
            .arg(root.join("tests/receiver/receiver.mjs"))
            .env("PORT", "0")
            .env("WEBHOOK_SECRET", WEBHOOK_SECRET)
            .env("CLIENT_ID", CLIENT_ID)
            .env("CLIENT_SECRET", CLIENT_SECRET)
            .env("DESTINATION_ID", DESTINATION_ID)
            .env(
                "APPLICATION_SCHEMA",
                root.join("schema/application.schema.json"),
            )
            .env(
                "METADATA_SCHEMA",
                root.join("schema/fit-connect/metadata.schema.json"),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node (installed by scripts/test)");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("receiver listening on ") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the receiver did not start (npm ci --prefix tests/receiver?)");
        Receiver {
            base,
            child,
            http: reqwest::Client::new(),
        }
    }

    /// `mode`: ok, fail, timeout or slow; `count`: faulty answers before it is ok again.
    async fn control(&self, body: Value) {
        let r = self
            .http
            .post(format!("{}/_control", self.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success());
    }

    async fn received(&self) -> Value {
        self.http
            .get(format!("{}/_received", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The bookings of `reference` on `channel` (webhook or fitconnect).
    async fn bookings(&self, channel: &str, reference: &str) -> Vec<Value> {
        self.received().await["bookings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|b| b["channel"] == channel && b["reference"] == reference)
            .cloned()
            .collect()
    }

    /// Waits until `reference` is booked on `channel`; returns its bookings.
    async fn wait_booked(&self, channel: &str, reference: &str, app: &TestApp) -> Vec<Value> {
        for _ in 0..600 {
            let got = self.bookings(channel, reference).await;
            if !got.is_empty() {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{reference} never arrived on {channel}: {}\n{}",
            self.received().await,
            app.log()
        );
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo definitions, with the receivers pointing at `receiver`.
fn definitions(receiver: &Receiver) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&demo_definitions(), dir.path());
    for tenant in ["soest", "solingen"] {
        let path = dir.path().join(tenant).join("tenant.yaml");
        let yaml = std::fs::read_to_string(&path).unwrap();
        assert!(
            yaml.contains(DEMO_RECEIVER),
            "{tenant}: the demo names its receiver"
        );
        std::fs::write(&path, yaml.replace(DEMO_RECEIVER, &receiver.base)).unwrap();
    }
    dir
}

/// Options with the receivers' secrets and quick retries.
fn options(b: Backend, defs: &Path, max_attempts: u32) -> Options {
    Options::new(b)
        .definitions(defs)
        .env("DEMO_SOEST_HUNDESTEUER_SECRET", WEBHOOK_SECRET)
        .env("DEMO_SOEST_HUNDESTEUER_TOKEN", INBOUND_TOKEN)
        .env("DEMO_SOLINGEN_FITCONNECT_SECRET", CLIENT_SECRET)
        .env("DEMO_SOLINGEN_FITCONNECT_CALLBACK_SECRET", CALLBACK_SECRET)
        .env("RATHAUS_OUTBOX_RETRY_SECS", "1")
        .env("RATHAUS_DELIVERY_TIMEOUT_SECS", "2")
        .env("RATHAUS_OUTBOX_MAX_ATTEMPTS", &max_attempts.to_string())
}

async fn text_of(http: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, decode_html(&r.text().await.unwrap()))
}

fn reference_in(html: &str) -> String {
    let i = html.find("class=\"reference\">").unwrap() + 18;
    html[i..i + html[i..].find('<').unwrap()].to_owned()
}

/// Submits the seed form of `service` as a guest; returns (reference, draft id, client).
async fn apply(app: &TestApp, service: &str) -> (String, String, reqwest::Client) {
    let citizen = client();
    let receipt = submit_seed_form(app, &citizen, service, &seed_steps(service)).await;
    let (_, html) = text_of(&citizen, app, &receipt).await;
    let did = receipt.split('/').nth(3).unwrap().to_owned();
    (reference_in(&html), did, citizen)
}

async fn inbound(
    app: &TestApp,
    token: &str,
    tenant: &str,
    reference: &str,
    body: Value,
) -> (u16, Value) {
    let r = app
        .http
        .post(app.url(&format!("/api/v1/{tenant}/antraege/{reference}")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Polls until `f` finds something in the data folder.
async fn wait_for<T>(app: &TestApp, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    for _ in 0..600 {
        if let Some(t) = f() {
            return t;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("{what} never appeared\n{}", app.log());
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Checks every coded value (`listURI` + `listVersionID` + `<code>`) of an xdomea message
/// against the Genericode code lists kept beside the schemas (the XSD does not).
fn check_code_lists(xml: &str) {
    let lists: Vec<String> = entries(&workspace_root().join("schema/xdomea-3.0.0/code_lists"))
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    let attr = |tag: &str, name: &str| -> String {
        let key = format!("{name}=\"");
        let i = tag.find(&key).unwrap() + key.len();
        tag[i..i + tag[i..].find('"').unwrap()].to_owned()
    };
    let mut checked = 0;
    let mut rest = xml;
    while let Some(i) = rest.find(" listURI=\"") {
        let start = rest[..i].rfind('<').unwrap();
        let tag = &rest[start..start + rest[start..].find('>').unwrap()];
        let (uri, version) = (attr(tag, "listURI"), attr(tag, "listVersionID"));
        let after = &rest[start..];
        let c = after.find("<code>").unwrap() + 6;
        let code = &after[c..c + after[c..].find("</code>").unwrap()];
        let list = lists
            .iter()
            .find(|l| {
                l.contains(&format!("<CanonicalUri>{uri}</CanonicalUri>"))
                    && l.contains(&format!("<Version>{version}</Version>"))
            })
            .unwrap_or_else(|| panic!("no code list {uri} version {version}"));
        assert!(
            list.contains(&format!("<SimpleValue>{code}</SimpleValue>")),
            "code {code} is not in {uri} {version}"
        );
        checked += 1;
        rest = &rest[i + 10..];
    }
    assert!(
        checked >= 4,
        "Nachrichtentyp, Medium, Dateiformat, Datentyp: {checked}"
    );
}

/// Whether the xdomea ZIP's message is about application `reference`.
fn mentions(zip_path: &Path, reference: &str) -> bool {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let name = zip
        .file_names()
        .find(|n| n.ends_with(".xml"))
        .unwrap()
        .to_owned();
    let mut xml = String::new();
    zip.by_name(&name)
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml.contains(reference)
}

/// Validates an xdomea ZIP: its name, the message against the official XSD (xmllint) and
/// the code lists, the PDF/A of the application and that every file the message names is in it.
fn check_xdomea(zip_path: &Path, reference: &str) {
    let name = zip_path.file_name().unwrap().to_str().unwrap().to_owned();
    let process = name
        .strip_suffix("_FVDaten.SGOAblegen.0605.zip")
        .unwrap_or_else(|| panic!("ZIP named <ProzessID>_FVDaten.SGOAblegen.0605.zip: {name}"));
    let mut zip = zip::ZipArchive::new(std::fs::File::open(zip_path).unwrap()).unwrap();
    let names: Vec<String> = zip.file_names().map(str::to_owned).collect();
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, n: &str| {
        let mut v = Vec::new();
        zip.by_name(n).unwrap().read_to_end(&mut v).unwrap();
        v
    };
    let xml_name = format!("{process}_FVDaten.SGOAblegen.0605.xml");
    assert!(names.contains(&xml_name), "{names:?}");
    let xml = String::from_utf8(read(&mut zip, &xml_name)).unwrap();
    assert!(xml.contains(reference) && xml.contains(process), "{xml}");
    crate::support::assert_valid_xml(&xml, "schema/xdomea-3.0.0/xdomea.xsd");
    check_code_lists(&xml);
    let pdfs: Vec<&String> = names.iter().filter(|n| n.ends_with(".pdf")).collect();
    assert!(!pdfs.is_empty(), "{names:?}");
    let mut application_pdf = false;
    for n in &names {
        if *n == xml_name {
            continue;
        }
        assert!(
            xml.contains(&format!(">{n}<")),
            "the message names {n}: {xml}"
        );
        let bytes = read(&mut zip, n);
        if bytes.starts_with(b"%PDF") && crate::support::pdf_text(&bytes).contains(reference) {
            assert_pdf_a(&bytes);
            application_pdf = true;
        }
    }
    assert!(application_pdf, "the application as PDF/A: {names:?}");
}

both_backends! {
    async fn webhook_drop_mail_inbound_api_and_xdomea(b: Backend) {
        let receiver = Receiver::start().await;
        let defs = definitions(&receiver);
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(options(b, defs.path(), 3), port, dir.path())).await;

        // The tax system is down for two attempts, then up: booked exactly once.
        receiver.control(json!({"mode": "fail", "count": 2})).await;
        let (reference, did, citizen) = apply(&app, "soest/hundeanmeldung").await;
        let booked = receiver.wait_booked("webhook", &reference, &app).await;
        assert_eq!(booked.len(), 1, "{booked:?}");
        assert_eq!(booked[0]["name"], "hundesteuer");
        assert_eq!(booked[0]["event"], "received");
        assert_eq!(booked[0]["idempotency_key"], format!("dlv.soest.hundesteuer.{reference}.received"));
        let files = booked[0]["files"].as_array().unwrap();
        assert_eq!(files.len(), 1, "the proof of insurance: {files:?}");
        assert!(files[0]["name"].as_str().unwrap().ends_with(".pdf"), "{files:?}");
        assert!(app.log().contains("outbox row failed; will retry"), "{}", app.log());

        // A second one while the receiver takes the request and never answers: after the
        // delivery timeout it is sent again and booked once.
        receiver.control(json!({"mode": "timeout", "count": 1})).await;
        let (second, _, _) = apply(&app, "soest/hundeanmeldung").await;
        assert_eq!(receiver.wait_booked("webhook", &second, &app).await.len(), 1);
        let got = receiver.received().await;
        assert_eq!(got["duplicates"], 0, "{got}");
        assert_eq!(got["rejected"], 0, "signatures and schema accepted: {got}");

        // File drop (XML + the file) and the notice to the office's mailbox (no personal data).
        let drops = app.data_dir.path().join("ablage/hunderegister");
        let folder = wait_for(&app, "the drop folder", || {
            entries(&drops).into_iter().find(|p| p.file_name().unwrap().to_str().unwrap().contains(&reference))
        }).await;
        let xml = std::fs::read_to_string(folder.join("antrag.xml")).unwrap();
        assert!(xml.contains(&reference) && xml.contains("Mustermann-Jäger") && xml.contains("urn:de:rathaus:schema:antrag:1.0"), "{xml}");
        assert_eq!(entries(&folder.join("dateien")).len(), 1);
        let mail = wait_for(&app, "the office mail", || {
            entries(&app.data_dir.path().join("mail")).into_iter()
                .map(|p| std::fs::read_to_string(p).unwrap())
                .find(|m| m.contains("ordnungsamt@soest.example") && m.contains(&reference))
        }).await;
        assert!(!mail.contains("Erika") && !mail.contains("Mustermann") && !mail.contains("Rottweiler"), "{mail}");

        // The tax system answers back: its case number and the start of the review.
        let (status, body) = inbound(&app, INBOUND_TOKEN, "soest", &reference, json!({"case_number": "HST-2026-0815", "action": "start_review"})).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["status"], "in_review");
        let (_, page) = text_of(&citizen, &app, &format!("/soest/vorgang/{did}")).await;
        assert!(page.contains("HST-2026-0815") && page.contains("In Bearbeitung"), "{page}");
        // Wrong token; an application this target never got; nonsense.
        let (status, _) = inbound(&app, "wrong-token-wrong-token-wrong", "soest", &reference, json!({"action": "close"})).await;
        assert_eq!(status, 401);
        let (other, _, _) = apply(&app, "soest/kirmes-standplatz").await;
        let (status, _) = inbound(&app, INBOUND_TOKEN, "soest", &other, json!({"case_number": "X-1"})).await;
        assert_eq!(status, 404, "not handed to this target");
        // An operator decides that one from a script: it goes to the e-file as well, and the
        // change is audited.
        for status in ["in_review", "decided"] {
            let (ok, out) = run_cli(&app, &["postkorb", "status", "--tenant", "soest", "--reference", &other, "--status", status]);
            assert!(ok, "{out}");
        }
        let queued = sql_strings(&app, &format!("SELECT id FROM outbox WHERE kind = 'delivery' AND reference = '{other}'")).await;
        assert_eq!(queued, [format!("dlv.soest.e-akte.{other}.decided")]);
        let audit = sql_strings(&app, &format!("SELECT action FROM audit_log WHERE object = 'case:{other}' AND actor = 'operator'")).await;
        assert_eq!(audit, ["postkorb_status", "postkorb_status"]);
        let (status, _) = inbound(&app, INBOUND_TOKEN, "solingen", &reference, json!({"case_number": "X-1"})).await;
        assert_eq!(status, 401, "the token is Soest's");
        let (status, body) = inbound(&app, INBOUND_TOKEN, "soest", &reference, json!({"action": "decide"})).await;
        assert_eq!(status, 422, "{body}");
        let (status, _) = inbound(&app, INBOUND_TOKEN, "soest", &reference, json!({"action": "fly"})).await;
        assert_eq!(status, 422);

        // The decision, with a notice to the citizen's Postkorb; the decided case goes to
        // the e-file as xdomea 0605.
        let (status, body) = inbound(&app, INBOUND_TOKEN, "soest", &reference, json!({
            "action": "decide", "decision": "approved",
            "message": {"subject": "Hundesteuerbescheid", "body": "Ihre Hunde sind angemeldet. Die Steuermarken kommen per Post."}
        })).await;
        assert_eq!(status, 200, "{body}");
        let (_, page) = text_of(&citizen, &app, &format!("/soest/vorgang/{did}")).await;
        assert!(page.contains("Hundesteuerbescheid") && page.contains("Entschieden"), "{page}");
        let e_file = app.data_dir.path().join("ablage/e-akte");
        let zips = wait_for(&app, "both xdomea messages", || {
            let z = entries(&e_file);
            (z.len() == 2).then_some(z)
        }).await;
        assert!(zips.iter().all(|z| z.extension().is_some_and(|e| e == "zip")), "no leftovers: {zips:?}");
        for r in [&reference, &other] {
            let zip = zips.iter().find(|z| mentions(z, r)).unwrap_or_else(|| panic!("no message for {r}"));
            check_xdomea(zip, r);
        }
        let audit = sql_strings(&app, &format!("SELECT actor FROM audit_log WHERE object = 'case:{reference}' ORDER BY seq")).await;
        assert!(audit.iter().filter(|a| *a == "fachverfahren:hundesteuer").count() >= 2, "{audit:?}");

        // The tax system is down for good: a Hundeabmeldung is parked after three attempts;
        // an admin sees it with its last error, and retries it once the system is back.
        receiver.control(json!({"mode": "fail"})).await;
        let (parked, _, _) = apply(&app, "soest/hundeabmeldung").await;
        let admin = client();
        let r = staff_login(&app, &admin, "soest", "admin-soest").await;
        assert_eq!(r.status(), 303, "{}", app.log());
        let page = wait_for_page(&app, &admin, "/soest/verwaltung/zustellungen", &[&parked, "zurückgestellt"]).await;
        assert!(page.contains("503"), "the last error: {page}");
        assert!(!page.contains(&reference), "done deliveries are not troubled");
        receiver.control(json!({"mode": "ok"})).await;
        let csrf = csrf_token(&page).unwrap();
        let row = &page[page.find(&parked).unwrap()..];
        let id = attr_after(row, "name=\"id\" value=\"");
        assert!(id.contains(&parked), "{id}");
        let r = admin.post(app.url("/soest/verwaltung/zustellungen/aktion")).form(&[("_csrf", csrf.as_str()), ("id", id.as_str()), ("aktion", "wiederholen")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(receiver.wait_booked("webhook", &parked, &app).await.len(), 1);
        wait_for_page(&app, &admin, "/soest/verwaltung/zustellungen?alle=1", &[&parked, "übergeben", &reference, "written to"]).await;
        let (_, troubled) = text_of(&admin, &app, "/soest/verwaltung/zustellungen").await;
        assert!(troubled.contains("Keine Übergabe ist zurückgestellt oder schlägt fehl."), "{troubled}");
        let audit = sql_strings(&app, "SELECT action FROM audit_log WHERE actor LIKE 'staff:%' OR actor LIKE '%admin%'").await;
        assert!(audit.iter().any(|a| a.contains("retry")), "{audit:?}");

        // Cancel: a parked delivery can be given up (audited), and is not sent.
        receiver.control(json!({"mode": "fail"})).await;
        let (given_up, _, _) = apply(&app, "soest/hundeabmeldung").await;
        let page = wait_for_page(&app, &admin, "/soest/verwaltung/zustellungen", &[&given_up, "zurückgestellt"]).await;
        let id = attr_after(&page[page.find(&given_up).unwrap()..], "name=\"id\" value=\"");
        let r = admin.post(app.url("/soest/verwaltung/zustellungen/aktion")).form(&[("_csrf", csrf.as_str()), ("id", id.as_str()), ("aktion", "abbrechen")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (_, all) = text_of(&admin, &app, "/soest/verwaltung/zustellungen?alle=1").await;
        assert!(all.contains("abgebrochen"), "{all}");
        // Someone without the admin role does not see the page.
        let clerk = client();
        staff_login(&app, &clerk, "soest", "sb-soest").await;
        let (status, _) = text_of(&clerk, &app, "/soest/verwaltung/zustellungen").await;
        assert_eq!(status, 403);
        let r = clerk.post(app.url("/soest/verwaltung/zustellungen/aktion")).form(&[("_csrf", csrf.as_str()), ("id", id.as_str()), ("aktion", "wiederholen")]).send().await.unwrap();
        assert!(r.status() == 403 || r.status() == 400, "{}", r.status());
        drop(provider);
    }
}

fn attr_after(html: &str, key: &str) -> String {
    let i = html.find(key).unwrap() + key.len();
    html[i..i + html[i..].find('"').unwrap()].to_owned()
}

/// Reloads `path` until it contains every one of `needles`.
async fn wait_for_page(
    app: &TestApp,
    http: &reqwest::Client,
    path: &str,
    needles: &[&str],
) -> String {
    let mut page = String::new();
    for _ in 0..300 {
        let (status, html) = text_of(http, app, path).await;
        assert_eq!(status, 200, "{html}");
        page = html;
        if needles.iter().all(|n| page.contains(n)) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{path} never showed {needles:?}:\n{page}\n{}", app.log());
}

both_backends! {
    async fn fit_connect_submission_after_review(b: Backend) {
        let receiver = Receiver::start().await;
        let defs = definitions(&receiver);
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(options(b, defs.path(), 5), port, dir.path())).await;

        // Received: nothing goes out yet (the target waits for the review).
        let (reference, _, _) = apply(&app, "solingen/einbuergerung").await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert!(receiver.bookings("fitconnect", &reference).await.is_empty());

        // Staff start the review while the token endpoint fails once.
        receiver.control(json!({"mode": "fail", "count": 1})).await;
        let sb = client();
        staff_login(&app, &sb, "solingen", "sb-abh").await;
        let case_path = format!("/solingen/verwaltung/fall/{reference}");
        let (_, case) = text_of(&sb, &app, &case_path).await;
        let csrf = csrf_token(&case).unwrap();
        let r = sb.post(app.url(&format!("{case_path}/status"))).form(&[("_csrf", csrf.as_str()), ("aktion", "start_review")]).send().await.unwrap();
        assert_eq!(r.status(), 303);

        let booked = receiver.wait_booked("fitconnect", &reference, &app).await;
        assert_eq!(booked.len(), 1, "{booked:?}");
        assert_eq!(booked[0]["name"], DESTINATION_ID);
        assert_eq!(booked[0]["event"], "review_started");
        let uploads: usize = seed_steps("solingen/einbuergerung").iter().map(|s| s.uploads()).sum();
        assert!(uploads > 0);
        assert_eq!(booked[0]["files"].as_array().unwrap().len(), uploads, "{booked:?}");

        // The destination accepts; its callback (HMAC) and the signed event log confirm it.
        let page = wait_for_page(&app, &sb, &case_path, &["accepted by the receiver"]).await;
        assert!(page.contains("FIT-Connect"), "{page}");
        // The receiver records its callback only once the portal has answered it, which may
        // be after the page already shows the acceptance: wait for the record.
        let answered = |got: &Value| {
            got["callbacks"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["status"] == 204 || c["status"] == 200))
        };
        let mut got = receiver.received().await;
        for _ in 0..100 {
            if answered(&got) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            got = receiver.received().await;
        }
        assert_eq!(got["rejected"], 0, "{got}");
        assert!(answered(&got), "{got}");
        let audit = sql_strings(&app, &format!("SELECT action FROM audit_log WHERE object = 'case:{reference}'")).await;
        assert!(audit.iter().any(|a| a.contains("accept")), "{audit:?}");

        // A forged callback is refused.
        let body = json!({"type": "https://schema.fitko.de/fit-connect/submission-api/callbacks/new-events", "caseId": "x", "submissionIds": []}).to_string();
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs().to_string();
        let r = app.http.post(app.url("/api/fit-connect/callback/solingen"))
            .header("content-type", "application/json")
            .header("callback-timestamp", &now)
            .header("callback-authentication", "00".repeat(64))
            .body(body).send().await.unwrap();
        assert_eq!(r.status(), 401);
        drop(provider);
    }
}

both_backends! {
    async fn kill9_while_the_receiver_holds_the_request(b: Backend) {
        let receiver = Receiver::start().await;
        let defs = definitions(&receiver);
        let opts = || {
            Options::new(b)
                .definitions(defs.path())
                .env("DEMO_SOEST_HUNDESTEUER_SECRET", WEBHOOK_SECRET)
                .env("RATHAUS_OUTBOX_RETRY_SECS", "1")
                .env("RATHAUS_DELIVERY_TIMEOUT_SECS", "4")
                .env("RATHAUS_OUTBOX_LEASE_SECS", "1")
        };
        let app = TestApp::start_with(opts()).await;
        // The receiver books, then holds its answer: the portal is killed meanwhile and never
        // learns that the delivery arrived.
        receiver.control(json!({"mode": "slow", "delay_ms": 3000, "count": 1})).await;
        let (reference, _, _) = apply(&app, "soest/hundeanmeldung").await;
        receiver.wait_booked("webhook", &reference, &app).await;
        let app = app.kill9_and_restart_with(opts()).await;
        receiver.control(json!({"mode": "ok"})).await;
        // After the lease the delivery is sent again; the receiver recognises the key.
        let key = format!("dlv.soest.hundesteuer.{reference}.received");
        for _ in 0..600 {
            let status = sql_strings(&app, &format!("SELECT status FROM outbox WHERE id = '{key}'")).await;
            if status == ["done"] {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let status = sql_strings(&app, &format!("SELECT status FROM outbox WHERE id = '{key}'")).await;
        assert_eq!(status, ["done"], "{}", app.log());
        assert_eq!(receiver.bookings("webhook", &reference).await.len(), 1, "booked once");
        let got = receiver.received().await;
        assert!(got["duplicates"].as_u64().unwrap() >= 1, "sent again and recognised: {got}");
        // Nothing else was lost or doubled: the drop folder and the office mail are there once.
        let drops = entries(&app.data_dir.path().join("ablage/hunderegister"));
        assert_eq!(drops.iter().filter(|p| p.to_str().unwrap().contains(&reference)).count(), 1, "{drops:?}");
        let rows = sql_strings(&app, &format!("SELECT status FROM outbox WHERE kind = 'delivery' AND id LIKE 'dlv.soest.%.{reference}.received'")).await;
        assert_eq!(rows.len(), 3, "{rows:?}");
    }
}

/// Who makes a change in [`same_transition_same_effects_whoever_makes_it`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    BackOffice,
    Operator,
    Inbound,
}

/// What one change caused: mails to the citizen, hand-overs queued, audit entries (actor,
/// detail) — all new since `seen` (outbox rows and audit sequence).
#[derive(Debug, PartialEq, Eq)]
struct Effects {
    mails: usize,
    deliveries: Vec<String>,
    audit: Vec<(String, String)>,
}

async fn postkorb_mails(app: &TestApp) -> usize {
    sql_strings(app, "SELECT id FROM outbox WHERE kind = 'mail' AND payload LIKE '%Neue Nachricht zu Ihrem Antrag%'")
        .await
        .len()
}

async fn audit_seq(app: &TestApp) -> i64 {
    sql_strings(
        app,
        "SELECT CAST(COALESCE(MAX(seq), 0) AS TEXT) FROM audit_log",
    )
    .await[0]
        .parse()
        .unwrap()
}

async fn effects_since(
    app: &TestApp,
    reference: &str,
    mails_before: usize,
    seq_before: i64,
) -> Effects {
    let mails = postkorb_mails(app).await;
    let mut deliveries = sql_strings(
        app,
        &format!("SELECT id FROM outbox WHERE kind = 'delivery' AND id LIKE '%.{reference}.%'"),
    )
    .await;
    deliveries.retain(|d| !d.ends_with(".received"));
    deliveries.sort();
    let audit = sql_strings(app, &format!(
        "SELECT actor || '|' || detail FROM audit_log WHERE object = 'case:{reference}' AND seq > {seq_before} AND action NOT LIKE 'view%' ORDER BY seq"
    )).await;
    Effects {
        mails: mails - mails_before,
        deliveries,
        audit: audit
            .iter()
            .map(|a| {
                let (x, y) = a.split_once('|').unwrap();
                (x.to_owned(), y.split(' ').next().unwrap_or("").to_owned())
            })
            .collect(),
    }
}

both_backends! {
    /// The same transition has the same effects whichever face makes it: the back office,
    /// the operator's command or the Fachverfahren through the inbound API. A mail goes to
    /// the citizen exactly when a message reaches the Postkorb; the decision goes to the
    /// e-file; each change is one audit entry naming its actor and the new status.
    async fn same_transition_same_effects_whoever_makes_it(b: Backend) {
        let receiver = Receiver::start().await;
        let defs = definitions(&receiver);
        let port = free_port();
        let provider = OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = TestApp::start_with(provider.options(options(b, defs.path(), 3), port, dir.path())).await;
        let staff = client();
        staff_login(&app, &staff, "soest", "admin-soest").await;
        // (step, new status, mails, hand-overs queued so far beyond the receipt's)
        let table: [(&str, &str, usize, &[&str]); 4] = [
            ("start_review", "in_review", 0, &[]),
            ("decide", "decided", 1, &["e-akte.{r}.decided"]),
            ("close", "closed", 0, &["e-akte.{r}.decided"]),
            ("request_info", "waiting_for_citizen", 1, &[]),
        ];
        for face in [Face::BackOffice, Face::Operator, Face::Inbound] {
            let (reference, _, _) = apply(&app, "soest/hundeanmeldung").await;
            receiver.wait_booked("webhook", &reference, &app).await;
            let (second, _, _) = apply(&app, "soest/hundeanmeldung").await;
            receiver.wait_booked("webhook", &second, &app).await;
            for (step, status, mail_count, queued) in table {
                let r = if step == "request_info" { &second } else { &reference };
                let (m0, s0) = (postkorb_mails(&app).await, audit_seq(&app).await);
                let ok = match face {
                    Face::BackOffice => {
                        let case_path = format!("/soest/verwaltung/fall/{r}");
                        let (_, case) = text_of(&staff, &app, &case_path).await;
                        let csrf = csrf_token(&case).unwrap();
                        let (path, form): (String, Vec<(&str, &str)>) = match step {
                            "decide" => (format!("{case_path}/bescheid"), vec![("entscheidung", "approved"), ("begruendung", "Alles vollständig."), ("gebuehr", "0,00"), ("aktion", "freigeben")]),
                            "request_info" => (format!("{case_path}/anfrage"), vec![("betreff", "Nachweis"), ("text", "Bitte reichen Sie den Nachweis nach.")]),
                            _ => (format!("{case_path}/status"), vec![("aktion", step)]),
                        };
                        let mut fields = vec![("_csrf", csrf.as_str())];
                        fields.extend(form);
                        let res = staff.post(app.url(&path)).form(&fields).send().await.unwrap();
                        res.status() == 303
                    }
                    Face::Operator => {
                        let args: Vec<&str> = match step {
                            "decide" => vec!["send", "--kind", "notice", "--subject", "Bescheid", "--body", "Alles vollständig."],
                            "request_info" => vec!["send", "--kind", "request", "--subject", "Nachweis", "--body", "Bitte reichen Sie den Nachweis nach."],
                            _ => vec!["status", "--status", status],
                        };
                        let mut all = vec!["postkorb", args[0], "--tenant", "soest", "--reference", r.as_str()];
                        all.extend(&args[1..]);
                        let (ok, out) = run_cli(&app, &all);
                        assert!(ok, "{out}");
                        ok
                    }
                    Face::Inbound => {
                        let body = match step {
                            "decide" => json!({"action": "decide", "decision": "approved", "message": {"subject": "Bescheid", "body": "Alles vollständig."}}),
                            "request_info" => json!({"action": "request_info", "message": {"subject": "Nachweis", "body": "Bitte reichen Sie den Nachweis nach."}}),
                            _ => json!({"action": step}),
                        };
                        let (code, answer) = inbound(&app, INBOUND_TOKEN, "soest", r, body).await;
                        assert_eq!(code, 200, "{answer}");
                        true
                    }
                };
                assert!(ok, "{face:?} {step}: {}", app.log());
                let got = effects_since(&app, r, m0, s0).await;
                let actor = match face {
                    Face::BackOffice => "staff:",
                    Face::Operator => "operator",
                    Face::Inbound => "fachverfahren:hundesteuer",
                };
                let expected: Vec<String> = queued.iter().map(|q| format!("dlv.soest.{}", q.replace("{r}", r))).collect();
                assert_eq!(got.mails, mail_count, "{face:?} {step}: mails");
                assert_eq!(got.deliveries, expected, "{face:?} {step}: hand-overs");
                assert_eq!(got.audit.len(), 1, "{face:?} {step}: one audit entry: {:?}", got.audit);
                assert!(got.audit[0].0.starts_with(actor), "{face:?} {step}: {:?}", got.audit);
                assert_eq!(got.audit[0].1, format!("status={status}"), "{face:?} {step}: {:?}", got.audit);
                let now = sql_strings(&app, &format!("SELECT status FROM submissions WHERE reference = '{r}'")).await;
                assert_eq!(now, [status], "{face:?} {step}");
            }
        }
        drop(provider);
    }
}
