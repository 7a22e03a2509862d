//! Findings of the security probe (issue "no bearer links, nothing guessable"), each with
//! the test that would have caught it: redirects, body limits, spool files, replaced
//! uploads, control characters, e-mail addresses, cookies and transport, what the receipt
//! PDF does with scripts its main font lacks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::apply::{pdf, start, to_upload_step, upload, Citizen, HALTER};
use crate::support::{Backend, Options, TestApp};
use std::time::Duration;

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get("location")
        .map(|l| l.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn redirects_stay_on_the_portal_and_never_fail() {
    let app = TestApp::start(Backend::Sqlite).await;
    for path in [
        "/%2Fevil.example/",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
        "/%09%2Fevil.example/",
        "/%0D%0ASet-Cookie:%20x=1/",
    ] {
        let r = app.get(path).await;
        assert_eq!(r.status(), 404, "{path}");
        assert!(r.headers().get("location").is_none(), "{path}");
    }
    // The trailing slash of a real tenant still leads home.
    let r = app.get("/soest/").await;
    assert_eq!(r.status(), 308);
    assert_eq!(location(&r), "/soest");
    // Through the language switch: the target is a local path, and it leads nowhere else.
    let r = app
        .get("/sprache/en?zurueck=/%252F%252Fevil.example/")
        .await;
    assert_eq!(r.status(), 303);
    let back = location(&r);
    assert!(back.starts_with('/') && !back.starts_with("//"), "{back}");
    let r = app.get(&back).await;
    assert!(r
        .headers()
        .get("location")
        .is_none_or(|l| !l.to_str().unwrap().starts_with("//")));
    // Text a header cannot carry is encoded, not a 500.
    let r = app
        .get("/sprache/en?zurueck=/soest/suche%3Fq%3DGr%C3%BC%C3%9Fe")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/soest/suche?q=Gr%C3%BC%C3%9Fe");
    let r = app
        .get("/sprache/en?zurueck=/x%0D%0ASet-Cookie:%20a=b")
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/");
}

#[tokio::test]
async fn posts_larger_than_their_step_are_refused_before_reading() {
    let app = TestApp::start(Backend::Sqlite).await;
    let mut c = Citizen::new(&app);
    let step1 = start(&mut c).await;
    c.get(&step1).await;
    // 100 KiB on a step without file fields (the limit is 64 KiB): 413 with the limit named.
    let big = "x".repeat(100 * 1024);
    let (status, _, html) = c
        .post(&step1, &[("aktion", "weiter"), ("vorname", big.as_str())])
        .await;
    assert_eq!(status, 413);
    assert!(html.contains("höchstens 64 KB"), "{html}");
    // Without a Content-Length (chunked), it is cut off at the limit just the same.
    let chunks = futures_util::stream::iter(
        (0..40).map(|_| Ok::<_, std::io::Error>(format!("vorname={}&", "y".repeat(4096)))),
    );
    let r = c
        .http
        .post(app.url(&step1))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        413,
        "the rest is read and dropped, so the page arrives"
    );
    // Multipart on a step that takes no file: refused, nothing stored.
    let form = reqwest::multipart::Form::new()
        .text("_csrf", c.csrf.clone())
        .part(
            "vorname",
            reqwest::multipart::Part::bytes(pdf(70_000)).file_name("a.pdf"),
        );
    let r = c
        .http
        .post(app.url(&step1))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 413);
    // The draft still works and took nothing of it.
    let (status, location, _) = c.post(&step1, HALTER).await;
    assert_eq!(status, 303, "{location}");
}

/// Files in the upload spool (`files/tmp`).
fn spooled(app: &TestApp) -> Vec<String> {
    let dir = app.data_dir.path().join("files/tmp");
    match std::fs::read_dir(dir) {
        Ok(d) => d
            .flatten()
            .map(|e| e.path().display().to_string())
            .collect(),
        Err(_) => Vec::new(),
    }
}

#[tokio::test]
async fn cut_off_uploads_leave_no_spool_file() {
    let app = TestApp::start(Backend::Sqlite).await;
    let mut c = Citizen::new(&app);
    let (_, step) = to_upload_step(&mut c).await;
    let boundary = "RathausTestGrenze";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"versicherungsnachweis\"; filename=\"a.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.7\n",
        c.csrf
    );
    // Half a file, a pause (the spool file exists now), then the client goes away.
    let (seen_tx, seen_rx) = tokio::sync::oneshot::channel::<()>();
    let parts = futures_util::stream::unfold((0u8, Some(seen_rx)), move |(n, rx)| {
        let head = head.clone();
        async move {
            match n {
                0 => Some((Ok::<_, std::io::Error>(head.into_bytes()), (1, rx))),
                1 => Some((Ok(vec![b' '; 256 * 1024]), (2, rx))),
                _ => {
                    if let Some(rx) = rx {
                        let _ = rx.await;
                    }
                    Some((Err(std::io::Error::other("client gone")), (3, None)))
                }
            }
        }
    });
    let http = c.http.clone();
    let url = app.url(&step);
    let sending = tokio::spawn(async move {
        http.post(url)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(reqwest::Body::wrap_stream(parts))
            .send()
            .await
    });
    let mut during = Vec::new();
    for _ in 0..100 {
        during = spooled(&app);
        if !during.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(during.len(), 1, "the upload is being spooled");
    let _ = seen_tx.send(());
    let _ = sending.await;
    let mut after = spooled(&app);
    for _ in 0..100 {
        if after.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = spooled(&app);
    }
    assert!(after.is_empty(), "spool file left behind: {after:?}");
    // A file above the field's limit: refused, and nothing left in the spool either.
    let (status, _, _) = upload(
        &c,
        &step,
        &[],
        Some(("gross.pdf", pdf(5 * 1024 * 1024 + 1))),
    )
    .await;
    assert_eq!(status, 422);
    assert!(spooled(&app).is_empty());
}

#[tokio::test]
async fn spool_files_of_a_crash_are_swept_at_start() {
    let app = TestApp::start(Backend::Sqlite).await;
    let tmp = app.data_dir.path().join("files/tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let stale = tmp.join("0123456789abcdef0123456789abcdef");
    std::fs::write(&stale, b"half an upload").unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options()
        .write(true)
        .open(&stale)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let app = app.kill9_and_restart(Backend::Sqlite).await;
    assert!(!stale.exists(), "swept at start");
    drop(app);
}

#[tokio::test]
async fn replaced_uploads_are_freed() {
    let app = TestApp::start_with(
        Options::new(Backend::Sqlite).env("RATHAUS_MAX_UPLOAD_BYTES_PER_APPLICATION", "3000000"),
    )
    .await;
    let mut c = Citizen::new(&app);
    let (_, step) = to_upload_step(&mut c).await;
    for n in 0..4 {
        c.get(&step).await;
        let (status, location, html) = upload(
            &c,
            &step,
            &[],
            Some((&format!("nachweis-{n}.pdf"), pdf(2_000_000))),
        )
        .await;
        assert_eq!(status, 303, "replacement {n}: {location} {html}");
    }
    let (_, html) = c.get(&step).await;
    assert!(html.contains("nachweis-3.pdf"));
    let stored: Vec<String> = crate::apply::walk(app.data_dir.path())
        .into_iter()
        .filter(|p| p.contains("/files/soest/"))
        .collect();
    assert_eq!(stored.len(), 1, "only the last file is kept: {stored:?}");
    let rows = crate::support::sql_strings(&app, "SELECT name FROM files").await;
    assert_eq!(rows, ["nachweis-3.pdf"]);
}

#[tokio::test]
async fn control_characters_and_odd_addresses_are_field_errors() {
    let app = TestApp::start(Backend::Sqlite).await;
    let mut c = Citizen::new(&app);
    let step1 = start(&mut c).await;
    c.get(&step1).await;
    let mut fields: Vec<(&str, &str)> = HALTER.to_vec();
    fields.retain(|(k, _)| *k != "vorname" && *k != "email");
    fields.push(("vorname", "Eri\u{1}ka"));
    fields.push(("email", "a@b@example.org"));
    let (status, _, html) = c.post(&step1, &fields).await;
    assert_eq!(status, 422);
    assert!(html.contains("Steuerzeichen"), "{html}");
    assert!(html.contains("name@example.org"), "the e-mail error");
    assert!(
        html.contains("value=\"Marktstraße\""),
        "the other answers are kept"
    );
    fields.retain(|(k, _)| *k != "email");
    fields.push(("email", "<script>@x.de"));
    let (status, _, _) = c.post(&step1, &fields).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn under_https_every_cookie_is_secure_and_hsts_is_sent() {
    let app = TestApp::start_with(
        Options::new(Backend::Sqlite).env("RATHAUS_PUBLIC_URL", "https://portal.example"),
    )
    .await;
    let r = app.get("/soest/leistungen/hundeanmeldung/antrag").await;
    assert_eq!(r.status(), 200);
    assert!(r.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age="));
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(!cookies.is_empty());
    assert!(cookies.iter().all(|c| c.contains("Secure")), "{cookies:?}");
    let r = app.get("/sprache/en?zurueck=/soest").await;
    let lang = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        lang.starts_with("lang=en") && lang.contains("Secure"),
        "{lang}"
    );
    // Over plain HTTP nothing changes (the demo runs on http://127.0.0.1).
    let plain = TestApp::start(Backend::Sqlite).await;
    let r = plain.get("/soest/leistungen/hundeanmeldung/antrag").await;
    assert!(r.headers().get("strict-transport-security").is_none());
}

#[tokio::test]
async fn the_receipt_pdf_shows_cjk_names_and_marks_what_it_cannot_show() {
    let app = TestApp::start(Backend::Sqlite).await;
    let http = crate::accounts::client();
    let mut steps = crate::seed_forms::seed_steps("soest/hundeanmeldung");
    steps[0].set("vorname", "王小明");
    steps[0].set("nachname", "Ωμέγα-Шевченко 🐕");
    let receipt =
        crate::seed_forms::submit_seed_form(&app, &http, "soest/hundeanmeldung", &steps).await;
    let res = http
        .get(app.url(&format!("{receipt}.pdf")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let pdf = res.bytes().await.unwrap();
    crate::support::assert_pdf_a(&pdf);
    let text = crate::support::pdf_text(&pdf);
    assert!(
        text.contains("王小明"),
        "CJK through the fallback font: {text}"
    );
    assert!(
        text.contains("Ωμέγα-Шевченко □"),
        "the emoji is a square: {text}"
    );
    assert!(
        text.contains("steht für Zeichen, die in diesem Dokument"),
        "{text}"
    );
    // The answer itself is kept as typed.
    let stored = crate::support::sql_strings(
        &app,
        "SELECT answers FROM drafts WHERE reference IS NOT NULL",
    )
    .await;
    assert!(stored[0].contains("🐕"), "{stored:?}");
}
