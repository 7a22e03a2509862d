//! Fees: itemised from the service definition (a computed value of the answers), shown on
//! the check page, the receipt (page and PDF/A) and to staff; payable by bank transfer with
//! an ISO 11649 creditor reference and an EPC QR code ("GiroCode") that only the
//! applicant can fetch.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::{app_with_login, apply_meldebescheinigung, client, login};
use crate::backoffice::staff_login;
use crate::both_backends;
use crate::support::{assert_pdf_a, decode_html, pdf_text, sql_strings, Backend};

both_backends! {
    async fn a_fee_is_itemised_and_payable_by_transfer(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, reference) = apply_meldebescheinigung(&app, &erika).await;

        // The receipt: the fee item, the transfer details and the GiroCode.
        let receipt = decode_html(&erika.get(app.url(&format!("/solingen/antrag/{did}/eingang"))).send().await.unwrap().text().await.unwrap());
        let digits: String = reference.chars().filter(char::is_ascii_alphanumeric).collect();
        assert!(receipt.contains("Gebühr") || receipt.contains("Zahlung"), "{receipt}");
        assert!(receipt.contains("Meldebescheinigung") && receipt.contains("5,00"), "{receipt}");
        assert!(receipt.contains("Stadtkasse Solingen (Demo)") && receipt.contains("DE02 1203 0000 0000 2020 51"), "{receipt}");
        let rf = sql_strings(&app, &format!("SELECT creditor_ref FROM payments WHERE draft_id = '{did}'")).await;
        assert_eq!(rf.len(), 1);
        assert!(rf[0].starts_with("RF") && rf[0].ends_with(&digits), "{rf:?}");
        let grouped: String = rf[0].as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ");
        assert!(receipt.contains(&grouped), "the reference in groups of four: {grouped}");
        assert!(receipt.contains("offen"), "{receipt}");
        let qr = format!("/solingen/antrag/{did}/girocode.svg");
        assert!(receipt.contains(&format!("src=\"{qr}\"")) && receipt.contains("alt=\"GiroCode (QR-Code) für die Überweisung von 5,00"), "{receipt}");
        let r = erika.get(app.url(&qr)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "image/svg+xml");
        let svg = r.text().await.unwrap();
        assert!(svg.contains("<svg") && svg.len() > 1000, "{svg}");
        // Only the applicant gets the code.
        let stranger = client().get(app.url(&qr)).send().await.unwrap();
        let kind = stranger.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(kind.starts_with("text/html"), "a stranger is asked to log in, not given the code: {kind}");
        assert!(!stranger.text().await.unwrap().contains("<svg"));
        let amounts = sql_strings(&app, &format!("SELECT CAST(amount_cents AS TEXT) || ' ' || status || ' ' || booking_code FROM payments WHERE draft_id = '{did}'")).await;
        assert_eq!(amounts, ["500 open 1.2.2.01.431100"]);

        // The PDF/A receipt carries the same.
        let pdf = erika.get(app.url(&format!("/solingen/antrag/{did}/eingang.pdf"))).send().await.unwrap().bytes().await.unwrap().to_vec();
        assert_pdf_a(&pdf);
        let text = pdf_text(&pdf);
        assert!(text.contains("Zu zahlen") && text.contains(&grouped) && text.contains("Stadtkasse Solingen"), "{text}");

        // The citizen's case page and the staff case page show where the payment stands.
        let case = decode_html(&erika.get(app.url(&format!("/solingen/vorgang/{did}"))).send().await.unwrap().text().await.unwrap());
        assert!(case.contains("Stand der Zahlung (5,00") && case.contains("So bezahlen Sie"), "{case}");
        let sb = client();
        staff_login(&app, &sb, "solingen", "sb-bb").await;
        let staff = decode_html(&sb.get(app.url(&format!("/solingen/verwaltung/fall/{reference}"))).send().await.unwrap().text().await.unwrap());
        assert!(staff.contains("<strong>offen</strong>, 5,00") && staff.contains(&grouped) && staff.contains("1.2.2.01.431100"), "{staff}");
    }
}

/// A creditor reference computed like the portal does (ISO 11649), for test data.
pub(crate) fn creditor_reference(base: &str) -> String {
    let body: String = base
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let digits: String = format!("{body}RF00")
        .chars()
        .map(|c| c.to_digit(36).unwrap().to_string())
        .collect();
    let rem = digits
        .bytes()
        .fold(0u32, |r, b| (r * 10 + u32::from(b - b'0')) % 97);
    format!("RF{:02}{body}", 98 - rem)
}

/// The statement fixture with `rf` paid and an unknown reference, validated by xmllint
/// against the ISO 20022 schema kept in the repository.
pub(crate) fn statement(rf: &str) -> Vec<u8> {
    let root = crate::support::workspace_root();
    let xml = std::fs::read_to_string(
        root.join("crates/rathaus/tests/fixtures/camt/statement.camt053.xml"),
    )
    .unwrap()
    .replace("{rf}", rf)
    .replace("{unknown_rf}", &creditor_reference("XY123"));
    crate::support::assert_valid_xml(&xml, "schema/iso20022/camt.053.001.08.xsd");
    xml.into_bytes()
}

async fn import(
    app: &crate::support::TestApp,
    http: &reqwest::Client,
    bytes: Vec<u8>,
) -> (u16, String) {
    let html = decode_html(
        &http
            .get(app.url("/solingen/verwaltung/kasse"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    let csrf = crate::support::csrf_token(&html).unwrap();
    let form = reqwest::multipart::Form::new().text("_csrf", csrf).part(
        "datei",
        reqwest::multipart::Part::bytes(bytes).file_name("auszug.xml"),
    );
    let r = http
        .post(app.url("/solingen/verwaltung/kasse/kontoauszug"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, decode_html(&r.text().await.unwrap()))
}

both_backends! {
    async fn a_bank_statement_marks_fees_paid_once(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, reference) = apply_meldebescheinigung(&app, &erika).await;
        let rf = sql_strings(&app, &format!("SELECT creditor_ref FROM payments WHERE draft_id = '{did}'")).await.remove(0);
        assert_eq!(rf, creditor_reference(&reference));

        // Clerks do not see the cash office; admins do.
        let sb = client();
        staff_login(&app, &sb, "solingen", "sb-abh").await;
        assert_eq!(sb.get(app.url("/solingen/verwaltung/kasse")).send().await.unwrap().status(), 403);
        let admin = client();
        staff_login(&app, &admin, "solingen", "tl-abh").await;

        // Not a statement: a clear error, nothing booked.
        let (status, html) = import(&app, &admin, b"<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.008.001.08\"/>".to_vec()).await;
        assert_eq!(status, 422, "{html}");
        assert!(html.contains("kein lesbarer Kontoauszug"), "{html}");

        let file = statement(&rf);
        let (status, html) = import(&app, &admin, file.clone()).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("Eingelesen: 2 neue Buchungen, davon 1 Gebühren bezahlt und 1 zur Klärung; 0 waren schon bekannt."), "{html}");
        assert!(html.contains("Referenz unbekannt") && html.contains("Max Muster") && html.contains("7,50"), "{html}");
        let state = sql_strings(&app, &format!("SELECT status || ' ' || COALESCE(method, '') FROM payments WHERE draft_id = '{did}'")).await;
        assert_eq!(state, ["paid transfer"]);

        // The same file again books nothing twice.
        let (_, html) = import(&app, &admin, file).await;
        assert!(html.contains("Eingelesen: 0 neue Buchungen, davon 0 Gebühren bezahlt und 0 zur Klärung; 2 waren schon bekannt."), "{html}");
        assert_eq!(sql_strings(&app, "SELECT id FROM bank_lines").await.len(), 2);

        // The citizen sees it paid, and no more transfer details or GiroCode.
        let case = decode_html(&erika.get(app.url(&format!("/solingen/vorgang/{did}"))).send().await.unwrap().text().await.unwrap());
        assert!(case.contains("<strong>bezahlt</strong>") && !case.contains("So bezahlen Sie"), "{case}");
        let receipt = decode_html(&erika.get(app.url(&format!("/solingen/antrag/{did}/eingang"))).send().await.unwrap().text().await.unwrap());
        assert!(!receipt.contains("girocode.svg") && receipt.contains("bezahlt"), "{receipt}");
        assert_eq!(erika.get(app.url(&format!("/solingen/antrag/{did}/girocode.svg"))).send().await.unwrap().status(), 404);
        let audit = sql_strings(&app, "SELECT detail FROM audit_log WHERE action = 'import_statement' ORDER BY seq").await;
        assert_eq!(audit.len(), 2, "{audit:?}");

        // The day's booking file for the finance software, as CSV and as XML (valid against
        // its documented schema).
        let csv = admin.get(app.url("/solingen/verwaltung/kasse/buchungen.csv")).send().await.unwrap();
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-disposition"].to_str().unwrap().contains("buchungen-solingen-"));
        let csv = csv.text().await.unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 2, "{csv}");
        assert!(lines[1].ends_with(&format!(";{rf};{reference};1.2.2.01.431100;5,00;EUR;transfer;{rf};Meldebescheinigung")), "{csv}");
        let xml = admin.get(app.url("/solingen/verwaltung/kasse/buchungen.xml")).send().await.unwrap().text().await.unwrap();
        crate::support::assert_valid_xml(&xml, "schema/buchungen-1.0.xsd");
        assert!(xml.contains("anzahl=\"1\"") && xml.contains("summe=\"5.00\"") && xml.contains(&format!("<Aktenzeichen>{reference}</Aktenzeichen>")), "{xml}");
        let empty = admin.get(app.url("/solingen/verwaltung/kasse/buchungen.csv?tag=2020-01-01")).send().await.unwrap().text().await.unwrap();
        assert_eq!(empty.lines().count(), 1, "only the header: {empty}");
        assert_eq!(admin.get(app.url("/solingen/verwaltung/kasse/buchungen.csv?tag=gestern")).send().await.unwrap().status(), 400);
        assert_eq!(sb.get(app.url("/solingen/verwaltung/kasse/buchungen.csv")).send().await.unwrap().status(), 403);
    }
}

fn location(r: &reqwest::Response) -> String {
    r.headers()["location"].to_str().unwrap().to_owned()
}

/// The path of an absolute URL of the app.
fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.find('/')
        .map(|i| rest[i..].to_owned())
        .unwrap_or_default()
}

async fn payment_state(app: &crate::support::TestApp, did: &str) -> Vec<String> {
    sql_strings(app, &format!("SELECT status || ' ' || COALESCE(method, '-') || ' ' || COALESCE(kassenzeichen, '-') FROM payments WHERE draft_id = '{did}'")).await
}

/// From the receipt's "pay online" button through the demo pay page (`aktion`) back to the
/// portal; returns the return path.
async fn pay_once(
    app: &crate::support::TestApp,
    erika: &reqwest::Client,
    did: &str,
    aktion: &str,
) -> String {
    let receipt_path = format!("/solingen/antrag/{did}/eingang");
    let receipt = decode_html(
        &erika
            .get(app.url(&receipt_path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        receipt.contains("5,00\u{a0}€ jetzt online bezahlen"),
        "{receipt}"
    );
    let csrf = crate::support::csrf_token(&receipt).unwrap();
    let r = erika
        .post(app.url(&format!("/solingen/antrag/{did}/zahlung")))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let pay_page = location(&r);
    assert!(
        pay_page.starts_with("/solingen/demo-bezahldienst/"),
        "{pay_page}"
    );
    let html = decode_html(
        &erika
            .get(app.url(&pay_page))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    assert!(
        html.contains("Demo-Bezahldienst")
            && html.contains("Es wird kein Geld bewegt")
            && html.contains("5,00"),
        "{html}"
    );
    let csrf = crate::support::csrf_token(&html).unwrap();
    let r = erika
        .post(app.url(&pay_page))
        .form(&[("_csrf", csrf.as_str()), ("aktion", aktion)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let back = path_of(&location(&r));
    assert_eq!(back, format!("/solingen/antrag/{did}/zahlung/rueckkehr"));
    let r = erika.get(app.url(&back)).send().await.unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), format!("{receipt_path}#zahlung"));
    back
}

both_backends! {
    async fn online_payment_through_the_demo_service(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, _reference) = apply_meldebescheinigung(&app, &erika).await;
        let receipt_path = format!("/solingen/antrag/{did}/eingang");

        // Aborted at the pay page: the attempt failed, the fee is still open to pay.
        pay_once(&app, &erika, &did, "abbrechen").await;
        assert_eq!(payment_state(&app, &did).await, ["failed online -"]);
        // Paid: the payment service's reference is kept and shown; the return is idempotent.
        let back = pay_once(&app, &erika, &did, "bezahlen").await;
        let s = payment_state(&app, &did).await;
        assert!(s[0].starts_with("paid online DEMO-KZ-"), "{s:?}");
        erika.get(app.url(&back)).send().await.unwrap();
        assert_eq!(payment_state(&app, &did).await, s);
        let receipt = decode_html(&erika.get(app.url(&receipt_path)).send().await.unwrap().text().await.unwrap());
        assert!(receipt.contains("<strong>bezahlt</strong>") && receipt.contains("Kassenzeichen: DEMO-KZ-") && !receipt.contains("jetzt online bezahlen"), "{receipt}");
        // Nothing more to pay.
        let csrf = crate::support::csrf_token(&receipt).unwrap();
        let r = erika.post(app.url(&format!("/solingen/antrag/{did}/zahlung"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(location(&r), format!("{receipt_path}#zahlung"));
        assert_eq!(sql_strings(&app, "SELECT id FROM demo_pay_transactions").await.len(), 2);
    }
}

/// The XBezahldienste test service (`tests/xbezahldienste/server.mjs`).
struct PaymentService {
    base: String,
    child: std::process::Child,
}

impl PaymentService {
    fn start() -> PaymentService {
        use std::io::BufRead;
        let mut child = std::process::Command::new("node")
            .arg(crate::support::workspace_root().join("tests/xbezahldienste/server.mjs"))
            .env("PORT", "0")
            .env("ORIGINATOR_ID", "rathaus-solingen")
            .env("ENDPOINT_ID", "05122000")
            .env("CLIENT_ID", "rathaus")
            .env("CLIENT_SECRET", "test-only-xbz-secret")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("node (installed by scripts/test)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("xbezahldienste listening on ")
            .unwrap_or_else(|| panic!("{line}"))
            .to_owned();
        PaymentService { base, child }
    }
}

impl Drop for PaymentService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

both_backends! {
    async fn online_payment_through_xbezahldienste(b: Backend) {
        let service = PaymentService::start();
        let defs = tempfile::tempdir().unwrap();
        crate::support::copy_dir(&crate::support::demo_definitions(), defs.path());
        let tenant = defs.path().join("solingen/tenant.yaml");
        let yaml = std::fs::read_to_string(&tenant).unwrap();
        assert!(yaml.contains("  online: demo\n"));
        std::fs::write(&tenant, yaml.replace("  online: demo\n", &format!(
            "  online:\n    xbezahldienste:\n      base_url: {0}\n      originator_id: rathaus-solingen\n      endpoint_id: \"05122000\"\n      token_url: {0}/token\n      client_id: rathaus\n      client_secret_env: TEST_XBZ_SECRET\n",
            service.base
        ))).unwrap();
        let port = crate::support::free_port();
        let provider = crate::support::OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let opts = crate::support::Options::new(b).definitions(defs.path()).env("TEST_XBZ_SECRET", "test-only-xbz-secret");
        let app = crate::support::TestApp::start_with(provider.options(opts, port, dir.path())).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, reference) = apply_meldebescheinigung(&app, &erika).await;
        let receipt_path = format!("/solingen/antrag/{did}/eingang");
        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let start = |erika: &reqwest::Client| {
            let (app, erika, receipt_path) = (&app, erika.clone(), receipt_path.clone());
            let did = did.clone();
            async move {
                let receipt = decode_html(&erika.get(app.url(&receipt_path)).send().await.unwrap().text().await.unwrap());
                let csrf = crate::support::csrf_token(&receipt).unwrap();
                let r = erika.post(app.url(&format!("/solingen/antrag/{did}/zahlung"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
                assert_eq!(r.status(), 303);
                location(&r)
            }
        };

        // The service is down: a clear message, the fee stays open.
        http.post(format!("{}/_control", service.base)).json(&serde_json::json!({"mode": "fail"})).send().await.unwrap();
        let to = start(&erika).await;
        assert_eq!(to, format!("{receipt_path}?zahlung=nicht-erreichbar#zahlung"));
        let receipt = decode_html(&erika.get(app.url(&format!("{receipt_path}?zahlung=nicht-erreichbar"))).send().await.unwrap().text().await.unwrap());
        assert!(receipt.contains("Der Bezahldienst ist gerade nicht erreichbar"), "{receipt}");
        assert_eq!(payment_state(&app, &did).await, ["open - -"]);

        // Up again: request (validated by the service), pay page, back, status query.
        http.post(format!("{}/_control", service.base)).json(&serde_json::json!({"mode": "ok"})).send().await.unwrap();
        let pay_page = start(&erika).await;
        assert!(pay_page.starts_with(&format!("{}/paypage/", service.base)), "{pay_page}");
        assert_eq!(payment_state(&app, &did).await, ["pending - -"]);
        let r = http.post(&pay_page).form(&[("action", "pay")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let back = path_of(&location(&r));
        let r = erika.get(app.url(&back)).send().await.unwrap();
        assert_eq!(location(&r), format!("{receipt_path}#zahlung"));
        let s = payment_state(&app, &did).await;
        assert!(s[0].starts_with("paid online KZ-"), "{s:?}");

        let got: serde_json::Value = http.get(format!("{}/_received", service.base)).send().await.unwrap().json().await.unwrap();
        let req = &got["requests"][0];
        assert_eq!(req["currency"], "EUR");
        assert_eq!(req["grosAmount"].as_f64(), Some(5.0));
        assert!(req["purpose"].as_str().unwrap().starts_with(&reference), "{req}");
        assert_eq!(req["items"][0]["bookingData"]["Buchungsstelle"], "1.2.2.01.431100");
        assert!(req["redirectUrl"].as_str().unwrap().ends_with(&format!("/solingen/antrag/{did}/zahlung/rueckkehr")));
        let rejected: Vec<&serde_json::Value> = got["rejected"].as_array().unwrap().iter().filter(|r| r["status"] != 503).collect();
        assert!(rejected.is_empty(), "the service refused a request: {got}");
        drop(provider);
    }
}

both_backends! {
    async fn dog_tax_by_sepa_direct_debit_into_a_pain008_file(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;
        // The seed Hundeanmeldung pays by direct debit with a mandate.
        let citizen = client();
        let receipt = crate::seed_forms::submit_seed_form(&app, &citizen, "soest/hundeanmeldung", &crate::seed_forms::seed_steps("soest/hundeanmeldung")).await;
        let html = decode_html(&citizen.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        let i = html.find("class=\"reference\">").unwrap() + 18;
        let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
        assert!(html.contains("wird per SEPA-Lastschrift eingezogen") && html.contains("828,00"), "{html}");
        assert!(!html.contains("girocode.svg"), "no transfer for a direct debit");
        let row = sql_strings(&app, &format!("SELECT status || ' ' || method || ' ' || debtor_iban || ' ' || debtor_name FROM payments WHERE reference = '{reference}'")).await;
        assert_eq!(row, ["pending direct_debit DE02120300000000202051 Erika Mustermann-Jäger"]);

        let admin = client();
        staff_login(&app, &admin, "soest", "admin-soest").await;
        let page = decode_html(&admin.get(app.url("/soest/verwaltung/kasse")).send().await.unwrap().text().await.unwrap());
        assert!(page.contains("Eine Lastschrift wartet auf den Einzug."), "{page}");
        let csrf = crate::support::csrf_token(&page).unwrap();
        let r = admin.post(app.url("/soest/verwaltung/kasse/lastschriften")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"].to_str().unwrap().contains("RATHAUS-SOEST-"));
        let xml = r.text().await.unwrap();
        crate::support::assert_valid_xml(&xml, "schema/iso20022/pain.008.001.08.xsd");
        for needle in ["<CtrlSum>828.00</CtrlSum>", "<IBAN>DE02120300000000202051</IBAN>", "<Id>DE98ZZZ09999999999</Id>",
                       &format!("<MndtId>{reference}</MndtId>"), "<Nm>Erika Mustermann-Jaeger</Nm>", "<SeqTp>OOFF</SeqTp>"] {
            assert!(xml.contains(needle), "{needle}: {xml}");
        }
        // Each direct debit goes into one file only.
        let page = decode_html(&admin.get(app.url("/soest/verwaltung/kasse")).send().await.unwrap().text().await.unwrap());
        assert!(page.contains("Keine Lastschrift wartet auf den Einzug."), "{page}");
        let csrf = crate::support::csrf_token(&page).unwrap();
        let again = decode_html(&admin.post(app.url("/soest/verwaltung/kasse/lastschriften")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap().text().await.unwrap());
        assert!(again.contains("Es gibt keine neuen Lastschriften."), "{again}");
        let audit = sql_strings(&app, "SELECT detail FROM audit_log WHERE action = 'export_direct_debits'").await;
        assert_eq!(audit.len(), 1, "{audit:?}");
    }
}

both_backends! {
    async fn an_upfront_fee_holds_the_hand_over_until_paid(b: Backend) {
        // The Meldebescheinigung is paid up front; here the registration office also takes
        // every application as a file drop.
        let defs = tempfile::tempdir().unwrap();
        crate::support::copy_dir(&crate::support::demo_definitions(), defs.path());
        let tenant = defs.path().join("solingen/tenant.yaml");
        let yaml = std::fs::read_to_string(&tenant).unwrap();
        let yaml = yaml.replacen(
            "deliveries:\n",
            "deliveries:\n  - id: meldewesen\n    name: { de: Meldewesen (Test) }\n    services: [meldebescheinigung]\n    file_drop: { dir: ablage/meldewesen }\n",
            1,
        );
        std::fs::write(&tenant, yaml).unwrap();
        let port = crate::support::free_port();
        let provider = crate::support::OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let app = crate::support::TestApp::start_with(provider.options(crate::support::Options::new(b).definitions(defs.path()), port, dir.path())).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, reference) = apply_meldebescheinigung(&app, &erika).await;
        let key = format!("dlv.solingen.meldewesen.{reference}.received");
        let sql = format!("SELECT id FROM outbox WHERE id = '{key}'");
        let queued = || sql_strings(&app, &sql);
        assert!(queued().await.is_empty(), "not handed over before it is paid");
        let receipt = decode_html(&erika.get(app.url(&format!("/solingen/antrag/{did}/eingang"))).send().await.unwrap().text().await.unwrap());
        assert!(receipt.contains("Die Gebühr ist vorab zu zahlen"), "{receipt}");
        // An aborted payment changes nothing; a paid one queues the hand-over with it.
        pay_once(&app, &erika, &did, "abbrechen").await;
        assert!(queued().await.is_empty());
        pay_once(&app, &erika, &did, "bezahlen").await;
        assert_eq!(queued().await, std::slice::from_ref(&key));
        let folder = app.data_dir.path().join("ablage/meldewesen").join(&key);
        for _ in 0..200 {
            if folder.join("antrag.json").exists() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(folder.join("antrag.json").exists(), "{}", app.log());
        // The payment travels with the application.
        let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(folder.join("antrag.json")).unwrap()).unwrap();
        assert_eq!(doc["payment"]["status"], "paid", "{doc}");
        assert_eq!(doc["payment"]["method"], "online");
        assert_eq!(doc["payment"]["amount_cents"], 500);
        assert!(doc["payment"]["kassenzeichen"].as_str().unwrap().starts_with("DEMO-KZ-"), "{doc}");
        let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(crate::support::workspace_root().join("schema/application.schema.json")).unwrap()).unwrap();
        let validator = jsonschema::validator_for(&schema).unwrap();
        let errors: Vec<String> = validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let receipt = decode_html(&erika.get(app.url(&format!("/solingen/antrag/{did}/eingang"))).send().await.unwrap().text().await.unwrap());
        assert!(!receipt.contains("Die Gebühr ist vorab zu zahlen"));
        drop(provider);
    }
}

both_backends! {
    async fn a_citizen_who_never_comes_back_is_not_lost(b: Backend) {
        let port = crate::support::free_port();
        let provider = crate::support::OidcProvider::start(port).await;
        let dir = tempfile::tempdir().unwrap();
        let opts = crate::support::Options::new(b).env("RATHAUS_PAYMENT_POLL_SECS", "1");
        let app = crate::support::TestApp::start_with(provider.options(opts, port, dir.path())).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, _) = apply_meldebescheinigung(&app, &erika).await;
        let receipt = decode_html(&erika.get(app.url(&format!("/solingen/antrag/{did}/eingang"))).send().await.unwrap().text().await.unwrap());
        let csrf = crate::support::csrf_token(&receipt).unwrap();
        let r = erika.post(app.url(&format!("/solingen/antrag/{did}/zahlung"))).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        let pay_page = location(&r);
        let html = decode_html(&erika.get(app.url(&pay_page)).send().await.unwrap().text().await.unwrap());
        let csrf = crate::support::csrf_token(&html).unwrap();
        // Pays, then closes the browser: the return URL is never called.
        let r = erika.post(app.url(&pay_page)).form(&[("_csrf", csrf.as_str()), ("aktion", "bezahlen")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let mut state = Vec::new();
        for _ in 0..100 {
            state = payment_state(&app, &did).await;
            if state[0].starts_with("paid") {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert!(state[0].starts_with("paid online DEMO-KZ-"), "{state:?}\n{}", app.log());
        assert!(app.log().contains("online payment settled by polling"), "{}", app.log());
        drop(provider);
    }
}
