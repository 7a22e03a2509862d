//! The back office over HTTP against a real OpenID Connect provider (staff directory with
//! groups): a guest submits a Verpflichtungserklärung, staff see the pre-checks, assign,
//! ask for the missing proof of income, the citizen replies with a file, staff approve
//! and release the Bescheid (PDF/A) into the Postkorb and the print queue; the queue is
//! exported; figures count it; the audit chain verifies and detects a changed row; other
//! offices, other tenants, roleless and citizen logins are refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::{app_with_login, client, through_provider};
use crate::both_backends;
use crate::seed_forms::{seed_steps, submit_seed_form};
use crate::support::{assert_pdf_a, csrf_token, decode_html, pdf_text, sql, Backend, TestApp};

/// Logs staff member `who` in to the back office of `tenant`; returns the page it lands on.
pub(crate) async fn staff_login(
    app: &TestApp,
    http: &reqwest::Client,
    tenant: &str,
    who: &str,
) -> reqwest::Response {
    let res = http
        .get(app.url(&format!("/{tenant}/verwaltung")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303, "the inbox sends strangers to the login");
    let login = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        login.starts_with(&format!("/{tenant}/verwaltung/anmelden")),
        "{login}"
    );
    let res = http.get(app.url(&login)).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.contains("client_id=verwaltung") && to.contains("code_challenge_method=S256"),
        "{to}"
    );
    through_provider(http, to, who).await
}

async fn page(app: &TestApp, http: &reqwest::Client, path: &str) -> (u16, String) {
    let r = http.get(app.url(path)).send().await.unwrap();
    let status = r.status().as_u16();
    (status, decode_html(&r.text().await.unwrap()))
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let i = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in {html}"))
        + start.len();
    &html[i..i + html[i..].find(end).unwrap()]
}

fn pdf_bytes() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n".to_vec()
}

both_backends! {
    async fn round_trip_with_access_checks_and_audit(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;

        // A guest applies (no proof of income uploaded).
        let citizen = client();
        let receipt = submit_seed_form(&app, &citizen, "solingen/verpflichtungserklaerung", &seed_steps("solingen/verpflichtungserklaerung")).await;
        let (_, html) = page(&app, &citizen, &receipt).await;
        let reference = between(&html, "class=\"reference\">", "<").to_owned();
        let did = receipt.split('/').nth(3).unwrap().to_owned();

        // Staff of the Ausländerbehörde log in at the directory and see it in their inbox.
        let sb = client();
        let r = staff_login(&app, &sb, "solingen", "sb-abh").await;
        assert_eq!(r.status(), 303, "{}", app.log());
        assert_eq!(r.headers()["location"], "/solingen/verwaltung");
        let (status, inbox) = page(&app, &sb, "/solingen/verwaltung").await;
        assert_eq!(status, 200);
        assert!(inbox.contains(&reference) && inbox.contains("Jürgen Özdemir-Schäfer") && inbox.contains("Eingegangen: <strong>1</strong>"), "{inbox}");
        let (_, found) = page(&app, &sb, "/solingen/verwaltung?suche=%C3%B6zdemir").await;
        assert!(found.contains(&reference));
        let (_, none) = page(&app, &sb, "/solingen/verwaltung?suche=nichtda").await;
        assert!(!none.contains(&reference) && none.contains("Keine Fälle gefunden."));
        let (_, mine) = page(&app, &sb, "/solingen/verwaltung?bearbeitung=ich").await;
        assert!(!mine.contains(&reference));

        // The case: answers, pre-checks (income suffices, proof missing).
        let case_path = format!("/solingen/verwaltung/fall/{reference}");
        let (status, case) = page(&app, &sb, &case_path).await;
        assert_eq!(status, 200);
        assert!(case.contains("Erfüllt:</strong> Nettoeinkommen deckt den Richtwert"), "{case}");
        assert!(case.contains("Nicht erfüllt:</strong> Einkommensnachweis liegt vor"), "{case}");
        assert!(case.contains("Grünewalder Straße 29") && case.contains("Mehmet"));
        let csrf = csrf_token(&case).unwrap();
        // Deciding is not offered before review, and refused if posted anyway.
        assert!(!case.contains("Bescheid freigeben"));
        let r = sb.post(app.url(&format!("{case_path}/bescheid"))).form(&[("_csrf", csrf.as_str()), ("entscheidung", "approved"), ("begruendung", "x"), ("gebuehr", "29,00"), ("aktion", "freigeben")]).send().await.unwrap();
        assert_eq!(r.status(), 409);

        // Assign to me, start the review, ask for the proof.
        let r = sb.post(app.url("/solingen/verwaltung/zuweisen")).form(&[("_csrf", csrf.as_str()), ("fall", reference.as_str()), ("an", "ich"), ("zurueck", "/solingen/verwaltung")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let (_, mine) = page(&app, &sb, "/solingen/verwaltung?bearbeitung=ich").await;
        assert!(mine.contains(&reference) && mine.contains("Sabine Beispiel"));
        let r = sb.post(app.url(&format!("{case_path}/status"))).form(&[("_csrf", csrf.as_str()), ("aktion", "start_review")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let r = sb.post(app.url(&format!("{case_path}/anfrage"))).form(&[("_csrf", csrf.as_str()), ("betreff", "Einkommensnachweis fehlt"), ("text", "Bitte laden Sie Ihre letzte Gehaltsabrechnung hoch.")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let r = sb.post(app.url(&format!("{case_path}/notiz"))).form(&[("_csrf", csrf.as_str()), ("text", "Rückruf vereinbart.")]).send().await.unwrap();
        assert_eq!(r.status(), 303);

        // The citizen sees the request and answers with the file.
        let (_, ccase) = page(&app, &citizen, &format!("/solingen/vorgang/{did}")).await;
        assert!(ccase.contains("Einkommensnachweis fehlt") && ccase.contains("Wartet auf Sie"), "{ccase}");
        assert!(!ccase.contains("Rückruf vereinbart"), "internal notes stay internal");
        let ccsrf = csrf_token(&ccase).unwrap();
        let form = reqwest::multipart::Form::new()
            .text("_csrf", ccsrf)
            .text("text", "Anbei die Abrechnung.")
            .part("datei", reqwest::multipart::Part::bytes(pdf_bytes()).file_name("gehalt.pdf"));
        let r = citizen.post(app.url(&format!("/solingen/vorgang/{did}/antwort"))).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 303);

        // Back in review; the file is in the case and opens for staff.
        let (_, case) = page(&app, &sb, &case_path).await;
        assert!(case.contains("<strong>In Bearbeitung</strong>") && case.contains("gehalt.pdf") && case.contains("Anbei die Abrechnung."), "{case}");
        assert!(case.contains("Rückruf vereinbart.") && case.contains("Antwort eingegangen"));
        let href = between(&case, "<a href=\"/solingen/verwaltung/fall/", "\"").to_owned();
        let r = sb.get(app.url(&format!("/solingen/verwaltung/fall/{href}"))).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.bytes().await.unwrap().to_vec(), pdf_bytes());

        // Decide: errors keep the input, preview, PDF preview, release.
        let notice = |aktion: &'static str, reasons: &'static str| {
            let f = [("_csrf", csrf.clone()), ("entscheidung", "approved".to_owned()), ("begruendung", reasons.to_owned()), ("gebuehr", "29,00".to_owned()), ("aktion", aktion.to_owned())];
            sb.post(app.url(&format!("{case_path}/bescheid"))).form(&f).send()
        };
        let r = notice("vorschau", " ").await.unwrap();
        assert_eq!(r.status(), 422);
        assert!(decode_html(&r.text().await.unwrap()).contains("Bitte schreiben Sie eine Begründung."));
        let r = notice("vorschau", "Das Einkommen reicht nach dem Richtwert aus.").await.unwrap();
        let preview = decode_html(&r.text().await.unwrap());
        assert!(preview.contains("Vorschau des Bescheids") && preview.contains("Verwaltungsgericht Düsseldorf") && preview.contains("29,00"), "{preview}");
        let r = notice("pdf", "Das Einkommen reicht nach dem Richtwert aus.").await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/pdf");
        let r = notice("freigeben", "Das Einkommen reicht nach dem Richtwert aus.").await.unwrap();
        assert_eq!(r.status(), 303, "{}", app.log());
        let (_, case) = page(&app, &sb, &case_path).await;
        assert!(case.contains("<strong>Entschieden</strong> – Bewilligt"), "{case}");
        // A second release finds the case decided: nothing happens twice.
        assert_eq!(notice("freigeben", "noch einmal").await.unwrap().status(), 409);

        // The Bescheid is in the citizen's Postkorb, as PDF/A.
        let (_, ccase) = page(&app, &citizen, &format!("/solingen/vorgang/{did}")).await;
        assert!(ccase.contains("Bescheid – Verpflichtungserklärung"), "{ccase}");
        let msg = between(&ccase, &format!("<a href=\"/solingen/vorgang/{did}/nachricht/"), "\"").to_owned();
        let (_, m) = page(&app, &citizen, &format!("/solingen/vorgang/{did}/nachricht/{msg}")).await;
        let file = between(&m, &format!("/solingen/vorgang/{did}/datei/"), "\"").to_owned();
        let pdf = citizen.get(app.url(&format!("/solingen/vorgang/{did}/datei/{file}"))).send().await.unwrap().bytes().await.unwrap().to_vec();
        assert_pdf_a(&pdf);
        let text = pdf_text(&pdf);
        assert!(text.contains(&reference) && text.contains("Rechtsbehelfsbelehrung") && text.contains("Grünewalder Straße 29"), "{text}");
        assert!(ccase.contains("Entschieden"));
        // The fee of the notice is a payment the citizen can make (transfer or online).
        assert!(text.contains("Stadtkasse Solingen (Demo)") && text.contains("RF"), "{text}");
        assert!(ccase.contains("Stand der Zahlung (29,00") && ccase.contains("So bezahlen Sie"), "{ccase}");
        let fee = crate::support::sql_strings(&app, &format!("SELECT CAST(amount_cents AS TEXT) || ' ' || status FROM payments WHERE reference = '{reference}'")).await;
        assert_eq!(fee, ["2900 open"]);

        // The print queue holds the letter of the guest; only admins see and export it.
        let r = sb.get(app.url("/solingen/verwaltung/druck")).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let tl = client();
        assert_eq!(staff_login(&app, &tl, "solingen", "tl-abh").await.status(), 303);
        let (_, queue) = page(&app, &tl, "/solingen/verwaltung/druck").await;
        assert!(queue.contains(&reference) && queue.contains("Grünewalder Straße 29") && queue.contains("1 Briefe exportieren"), "{queue}");
        let r = tl.post(app.url("/solingen/verwaltung/druck/export")).form(&[("_csrf", csrf_token(&queue).unwrap())]).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/zip");
        let zip = r.bytes().await.unwrap().to_vec();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let mut names: Vec<String> = archive.file_names().map(str::to_owned).collect();
        names.sort();
        assert_eq!(names, vec![format!("{reference}.pdf"), "adressen.csv".to_owned()]);
        let mut csv = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("adressen.csv").unwrap(), &mut csv).unwrap();
        assert!(csv.contains("\"Grünewalder Straße 29\";\"42657 Solingen\""), "{csv}");
        let (_, queue) = page(&app, &tl, "/solingen/verwaltung/druck").await;
        assert!(queue.contains("Keine Briefe warten"));

        // Figures for the team lead.
        let (status, fig) = page(&app, &tl, "/solingen/verwaltung/kennzahlen").await;
        assert_eq!(status, 200);
        let row = between(&fig, "Verpflichtungserklärung", "</tr>");
        assert!(row.contains("<td>1</td><td>0</td><td>1</td>"), "{row}");
        assert_eq!(page(&app, &sb, "/solingen/verwaltung/kennzahlen").await.0, 403);

        // Closing is allowed now; reopening is not.
        let r = tl.post(app.url(&format!("{case_path}/status"))).form(&[("_csrf", csrf_token(&queue).unwrap().as_str()), ("aktion", "close")]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let r = tl.post(app.url(&format!("{case_path}/status"))).form(&[("_csrf", csrf_token(&queue).unwrap().as_str()), ("aktion", "start_review")]).send().await.unwrap();
        assert_eq!(r.status(), 409);

        // Another office of the same tenant sees nothing of it.
        let bb = client();
        assert_eq!(staff_login(&app, &bb, "solingen", "sb-bb").await.status(), 303);
        let (_, inbox) = page(&app, &bb, "/solingen/verwaltung").await;
        assert!(!inbox.contains(&reference));
        assert_eq!(page(&app, &bb, &case_path).await.0, 404);
        assert_eq!(page(&app, &bb, &format!("/solingen/verwaltung/fall/{href}")).await.0, 404);
        let bcsrf = csrf_token(&inbox).unwrap();
        let r = bb.post(app.url(&format!("{case_path}/anfrage"))).form(&[("_csrf", bcsrf.as_str()), ("betreff", "x"), ("text", "y")]).send().await.unwrap();
        assert_eq!(r.status(), 404);
        let r = bb.post(app.url("/solingen/verwaltung/zuweisen")).form(&[("_csrf", bcsrf.as_str()), ("fall", reference.as_str()), ("an", "ich")]).send().await.unwrap();
        assert_eq!(r.status(), 404);

        // Another tenant's staff: their cookie is scoped to their tenant, and even sent
        // here by hand their session does not count.
        let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
        let soest = reqwest::Client::builder().cookie_provider(jar.clone()).redirect(reqwest::redirect::Policy::none()).build().unwrap();
        assert_eq!(staff_login(&app, &soest, "soest", "sb-soest").await.status(), 303);
        let (status, _) = page(&app, &soest, "/soest/verwaltung").await;
        assert_eq!(status, 200);
        let r = soest.get(app.url(&case_path)).send().await.unwrap();
        assert_eq!(r.status(), 303, "no session for Solingen");
        use reqwest::cookie::CookieStore;
        let cookies = jar.cookies(&reqwest::Url::parse(&app.url("/soest/verwaltung")).unwrap()).unwrap();
        assert!(cookies.to_str().unwrap().contains("rathaus_staff="));
        let raw = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let r = raw.get(app.url(&case_path)).header("cookie", cookies).send().await.unwrap();
        assert_eq!(r.status(), 303, "a Soest session is no Solingen session");

        // A directory account without a Rathaus role, and a citizen login, get nowhere.
        let nobody = client();
        assert_eq!(staff_login(&app, &nobody, "solingen", "nobody").await.status(), 403);
        assert_eq!(nobody.get(app.url("/solingen/verwaltung")).send().await.unwrap().status(), 303);
        // A staff login sent back to the citizens' endpoint does not become a citizen session.
        let mixed = client();
        let r = mixed.get(app.url("/solingen/verwaltung/anmelden")).send().await.unwrap();
        let to = r.headers()["location"].to_str().unwrap().to_owned();
        let back = crate::accounts::provider_return_url(&mixed, to, "sb-abh").await;
        let r = mixed.get(back.replace("/verwaltung/anmelden/rueckkehr", "/anmelden/rueckkehr")).send().await.unwrap();
        assert_eq!(r.status(), 400);
        assert_eq!(mixed.get(app.url("/solingen/mein-bereich")).send().await.unwrap().status(), 200);
        assert!(!decode_html(&mixed.get(app.url("/solingen/mein-bereich")).send().await.unwrap().text().await.unwrap()).contains("Sabine"));
        let erika = client();
        crate::accounts::login(&app, &erika, "solingen", "erika").await;
        assert_eq!(erika.get(app.url("/solingen/verwaltung")).send().await.unwrap().status(), 303);

        // The audit trail: every view and change, a verified chain, exportable; a changed
        // row is detected.
        let (status, audit) = page(&app, &tl, "/solingen/verwaltung/protokoll").await;
        assert_eq!(status, 200);
        assert!(audit.contains("Die Protokollkette ist vollständig und unverändert"), "{audit}");
        assert_eq!(page(&app, &sb, "/solingen/verwaltung/protokoll").await.0, 403);
        let lines = tl.get(app.url("/solingen/verwaltung/protokoll.jsonl")).send().await.unwrap().text().await.unwrap();
        let entries: Vec<serde_json::Value> = lines.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
        for a in ["login", "view_inbox", "view", "assign", "start_review", "request_info", "note", "reply", "view_file", "decide", "print_export", "close"] {
            assert!(actions.contains(&a), "{a} missing in {actions:?}");
        }
        for (i, e) in entries.iter().enumerate() {
            assert_eq!(e["seq"], i as i64 + 1);
            if i > 0 {
                assert_eq!(e["prev_hash"], entries[i - 1]["hash"]);
            }
        }
        sql(&app, "UPDATE audit_log SET detail = 'decision=rejected' WHERE action = 'decide'").await;
        let seq = entries.iter().find(|e| e["action"] == "decide").unwrap()["seq"].as_i64().unwrap();
        let (_, audit) = page(&app, &tl, "/solingen/verwaltung/protokoll").await;
        assert!(audit.contains(&format!("ab Eintrag {seq} verändert")), "{audit}");
    }
}

/// The staff round trip in Chromium: login at the directory's pages, inbox and filters,
/// the case with its pre-checks, a request, the citizen's reply (over HTTP), the decision
/// with its error and preview states, release, print queue, figures, audit trail; the
/// citizen's case with the notice and the withdraw form — axe-core on every page and state.
#[tokio::test]
async fn the_back_office_in_the_browser() {
    use crate::browser::{
        audit, axe_source, browser, browser_lock, click, fill, wait_for_css, wait_for_url,
    };
    use fantoccini::Locator;
    let _lock = browser_lock().lock().await;
    let (app, _provider, _dir) = app_with_login(Backend::Sqlite).await;
    let citizen = client();
    let receipt = submit_seed_form(
        &app,
        &citizen,
        "solingen/verpflichtungserklaerung",
        &seed_steps("solingen/verpflichtungserklaerung"),
    )
    .await;
    let did = receipt.split('/').nth(3).unwrap().to_owned();
    let second = client();
    let receipt2 = submit_seed_form(
        &app,
        &second,
        "solingen/verpflichtungserklaerung",
        &seed_steps("solingen/verpflichtungserklaerung"),
    )
    .await;
    let did2 = receipt2.split('/').nth(3).unwrap().to_owned();
    // An Einbürgerung: the demo hands it to FIT-Connect when the review starts; with no
    // receiver secret configured here, the delivery is parked at once.
    let third = client();
    let receipt3 = submit_seed_form(
        &app,
        &third,
        "solingen/einbuergerung",
        &seed_steps("solingen/einbuergerung"),
    )
    .await;
    let (_, html) = page(&app, &third, &receipt3).await;
    let reference3 = between(&html, "class=\"reference\">", "<").to_owned();

    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let mut failures = Vec::new();
    c.goto(&app.url("/solingen/verwaltung")).await.unwrap();
    wait_for_css(c, "input[name=login]").await;
    c.find(Locator::Css("input[name=login]"))
        .await
        .unwrap()
        .send_keys("tl-abh")
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys("x")
        .await
        .unwrap();
    click(c, "button[type=submit]").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    if c.current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/interaction/")
    {
        click(c, "button[type=submit]").await;
    }
    wait_for_css(c, ".case-table").await;
    audit(c, &axe_js, "inbox".into(), &mut failures).await;
    fill(c, "f-suche", "SG-2026-000001").await;
    click(c, ".filter-form button").await;
    wait_for_url(c, "suche=").await;
    audit(c, &axe_js, "inbox filtered".into(), &mut failures).await;
    click(c, ".case-table tbody a").await;
    wait_for_css(c, ".check-list").await;
    let html = c.source().await.unwrap();
    assert!(html.contains("Nicht erfüllt"), "{html}");
    audit(c, &axe_js, "case received".into(), &mut failures).await;
    click(c, "button[value=start_review]").await;
    wait_for_css(c, "#anfrage-betreff").await;
    audit(c, &axe_js, "case in review".into(), &mut failures).await;
    fill(c, "anfrage-betreff", "Einkommensnachweis fehlt").await;
    fill(
        c,
        "anfrage-text",
        "Bitte laden Sie die Gehaltsabrechnung hoch.",
    )
    .await;
    click(c, "form[action$='/anfrage'] button").await;
    wait_for_css(c, "#notiz-text").await;
    audit(c, &axe_js, "case waiting".into(), &mut failures).await;

    // The citizen answers (HTTP), then staff decide.
    let (_, ccase) = page(&app, &citizen, &format!("/solingen/vorgang/{did}")).await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf_token(&ccase).unwrap())
        .text("text", "Anbei.")
        .part(
            "datei",
            reqwest::multipart::Part::bytes(pdf_bytes()).file_name("gehalt.pdf"),
        );
    let r = citizen
        .post(app.url(&format!("/solingen/vorgang/{did}/antwort")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    c.refresh().await.unwrap();
    wait_for_css(c, "#bescheid-begruendung").await;
    click(c, "button[value=vorschau]").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "notice, errors".into(), &mut failures).await;
    click(c, "#entscheidung-approved").await;
    fill(c, "bescheid-begruendung", "Das Einkommen reicht aus.").await;
    click(c, "button[value=vorschau]").await;
    wait_for_css(c, ".notice-preview").await;
    audit(c, &axe_js, "notice preview".into(), &mut failures).await;
    click(c, "button[value=freigeben]").await;
    wait_for_css(c, "#verlauf").await;
    assert!(c.source().await.unwrap().contains("Bewilligt"));
    audit(c, &axe_js, "case decided".into(), &mut failures).await;
    for (path, what) in [
        ("/solingen/verwaltung/druck", "print queue"),
        ("/solingen/verwaltung/kennzahlen", "figures"),
        ("/solingen/verwaltung/protokoll", "audit trail"),
    ] {
        c.goto(&app.url(path)).await.unwrap();
        wait_for_css(c, "main h1").await;
        audit(c, &axe_js, what.into(), &mut failures).await;
    }
    // Hand-overs: the case's list and the admin page with a parked delivery.
    let case3 = format!("/solingen/verwaltung/fall/{reference3}");
    c.goto(&app.url(&case3)).await.unwrap();
    click(c, "button[value=start_review]").await;
    // The review has started once the page says so (the request form is there before too).
    for _ in 0..300 {
        if c.source()
            .await
            .unwrap()
            .contains("<strong>In Bearbeitung</strong>")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut deliveries = String::new();
    for _ in 0..150 {
        c.goto(&app.url("/solingen/verwaltung/zustellungen"))
            .await
            .unwrap();
        wait_for_url(c, "/zustellungen").await;
        wait_for_css(c, "main h1").await;
        deliveries = c.source().await.unwrap();
        if deliveries.contains(&reference3) && deliveries.contains("zurückgestellt") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        deliveries.contains(&reference3) && deliveries.contains("zurückgestellt"),
        "{}: {deliveries}\n{}",
        c.current_url().await.unwrap(),
        app.log()
    );
    audit(c, &axe_js, "deliveries, one parked".into(), &mut failures).await;
    click(c, "button[value=abbrechen]").await;
    for _ in 0..100 {
        if c.source()
            .await
            .unwrap()
            .contains("Keine Übergabe ist zurückgestellt")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    c.goto(&app.url("/solingen/verwaltung/zustellungen?alle=1"))
        .await
        .unwrap();
    wait_for_css(c, ".case-table").await;
    assert!(c.source().await.unwrap().contains("abgebrochen"));
    audit(c, &axe_js, "all deliveries".into(), &mut failures).await;
    c.goto(&app.url(&case3)).await.unwrap();
    wait_for_css(c, "main h1").await;
    assert!(c.source().await.unwrap().contains("FIT-Connect"));
    audit(c, &axe_js, "case with a hand-over".into(), &mut failures).await;
    // The cash office: empty, then after importing a statement nothing matches.
    c.goto(&app.url("/solingen/verwaltung/kasse"))
        .await
        .unwrap();
    wait_for_css(c, "#kontoauszug").await;
    audit(c, &axe_js, "cash office, empty".into(), &mut failures).await;
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("auszug.xml");
    std::fs::write(
        &file,
        crate::payments::statement(&crate::payments::creditor_reference("ZZ1")),
    )
    .unwrap();
    c.find(Locator::Css("#kontoauszug"))
        .await
        .unwrap()
        .send_keys(file.to_str().unwrap())
        .await
        .unwrap();
    click(c, "form[action$='/kontoauszug'] button").await;
    wait_for_css(c, "div.notice[role=status]").await;
    assert!(c.source().await.unwrap().contains("Referenz unbekannt"));
    audit(
        c,
        &axe_js,
        "cash office after an import".into(),
        &mut failures,
    )
    .await;
    c.goto(&app.url("/solingen/verwaltung/anmelden/rueckkehr?state=erfunden&code=x"))
        .await
        .unwrap();
    audit(c, &axe_js, "staff login failed".into(), &mut failures).await;

    // The second applicant, in a fresh browser session: withdraw with and without the tick.
    c.delete_all_cookies().await.unwrap();
    let (_, html) = page(&app, &second, &receipt2).await;
    let code = between(&html, "class=\"access-code-value\">", "<").to_owned();
    let reference2 = between(&html, "class=\"reference\">", "<").to_owned();
    c.goto(&app.url("/solingen/zugang")).await.unwrap();
    fill(c, "aktenzeichen", &reference2).await;
    fill(c, "zugangscode", &code).await;
    click(c, "main form button").await;
    wait_for_url(c, &format!("/vorgang/{did2}")).await;
    audit(
        c,
        &axe_js,
        "citizen case with withdraw form".into(),
        &mut failures,
    )
    .await;
    click(c, "form[action$='/zurueckziehen'] button").await;
    wait_for_css(c, ".error-summary").await;
    audit(c, &axe_js, "withdraw not confirmed".into(), &mut failures).await;
    click(c, "#bestaetigung").await;
    click(c, "form[action$='/zurueckziehen'] button").await;
    wait_for_css(c, ".status-now").await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(c.source().await.unwrap().contains("Zurückgezogen"));
    let _ = b.client.clone().close().await;
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}
