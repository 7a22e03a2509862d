//! Confirmation mail through the durable outbox to a real SMTP server (maildev).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{workspace_root, Backend, Options, TestApp};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct MailDev {
    child: Child,
    smtp: u16,
    web: u16,
}

impl Drop for MailDev {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

async fn maildev_on(smtp: u16) -> MailDev {
    let bin = workspace_root().join("tests/browser/node_modules/.bin/maildev");
    assert!(
        bin.exists(),
        "maildev not installed; run scripts/test, which installs it"
    );
    let web = free_port();
    let dir = tempfile::tempdir().unwrap().keep();
    let child = Command::new(bin)
        .args([
            "--ip",
            "127.0.0.1",
            "--web-ip",
            "127.0.0.1",
            "--smtp",
            &smtp.to_string(),
            "--web",
            &web.to_string(),
        ])
        .arg("--mail-directory")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if reqwest::get(format!("http://127.0.0.1:{web}/email"))
            .await
            .is_ok()
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    MailDev { child, smtp, web }
}

/// The mails maildev holds for the applicant (the demo also notifies the public order
/// office's mailbox of every Hundeanmeldung, a hand-over with its own tests).
async fn mails(m: &MailDev) -> Vec<serde_json::Value> {
    let all: Vec<serde_json::Value> = reqwest::get(format!("http://127.0.0.1:{}/email", m.web))
        .await
        .unwrap()
        .json()
        .await
        .unwrap_or_default();
    all.into_iter()
        .filter(|m| m["to"][0]["address"] != "ordnungsamt@soest.example")
        .collect()
}

/// Submits a Hundeanmeldung with an e-mail address; returns the reference.
async fn submit_with_email(app: &TestApp) -> String {
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let csrf_of = |html: &str| -> String { crate::support::csrf_token(html).unwrap() };
    let html = http
        .get(app.url("/soest/leistungen/hundeanmeldung/antrag"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&html);
    let res = http
        .post(app.url("/soest/leistungen/hundeanmeldung/antrag"))
        .form(&[("_csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    let mut next = res.headers()["location"].to_str().unwrap().to_owned();
    // Starting the draft started a guest session; forms carry tokens bound to it, so the
    // token is read from the step page as a browser would.
    let page = |http: reqwest::Client, path: String| async move {
        http.get(app.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    };
    let csrf = csrf_of(&page(http.clone(), next.clone()).await);
    let steps: Vec<Vec<(&str, &str)>> = vec![
        vec![
            ("vorname", "Erika"),
            ("nachname", "Mustermann"),
            ("geburtsdatum", "24.03.1985"),
            ("anschrift.street", "Markt"),
            ("anschrift.house_number", "1"),
            ("anschrift.postal_code", "59494"),
            ("anschrift.city", "Soest"),
            ("email", "erika@example.org"),
        ],
        vec![
            ("hunde.count", "1"),
            ("hunde.0.rufname", "Bello"),
            ("hunde.0.rasse", "Mischling"),
            ("hunde.0.gelistet", "nein"),
            ("hunde.0.gross", "nein"),
            ("hunde.0.chipnummer", "276098106543210"),
            ("hunde.0.seit", "01.09.2026"),
        ],
        vec![("zahlweise", "ueberweisung")],
    ];
    for fields in steps {
        let mut form = vec![("_csrf", csrf.as_str()), ("aktion", "weiter")];
        form.extend(fields);
        let res = http.post(app.url(&next)).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303, "{next}: {}", res.text().await.unwrap());
        next = res.headers()["location"].to_str().unwrap().to_owned();
    }
    assert!(next.ends_with("/pruefen"));
    let submit = next.replace("/pruefen", "/absenden");
    let res = http
        .post(app.url(&submit))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("einwilligung", "ja"),
            ("wahrheit", "ja"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let html = http
        .get(app.url(res.headers()["location"].to_str().unwrap()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let i = html.find("class=\"reference\">").unwrap() + 18;
    html[i..i + html[i..].find('<').unwrap()].to_owned()
}

both_backends! {
    async fn confirmation_mail_arrives_once(b: Backend) {
        let maildev = maildev_on(free_port()).await;
        let app = TestApp::start_with(Options::new(b).env("RATHAUS_SMTP_URL", &format!("smtp://127.0.0.1:{}", maildev.smtp))).await;
        let reference = submit_with_email(&app).await;
        let mut got = Vec::new();
        for _ in 0..200 {
            got = mails(&maildev).await;
            if !got.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(got.len(), 1, "{got:?}");
        let subject = got[0]["subject"].as_str().unwrap();
        assert!(subject.contains(&reference) && subject.contains("Eingangsbestätigung"), "{subject}");
        let text = got[0]["text"].as_str().unwrap_or_default();
        assert!(text.contains(&format!("Aktenzeichen: {reference}")), "{text}");
        assert!(!text.contains("Bello") && !text.contains("Markt"), "no answers in the mail");
        assert_eq!(got[0]["to"][0]["address"], "erika@example.org");
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(mails(&maildev).await.len(), 1, "sent exactly once");
    }
}

both_backends! {
    async fn mail_waits_while_smtp_is_down(b: Backend) {
        let port = free_port();
        // No SMTP server yet: the submission is accepted, the mail waits in the outbox.
        let app = TestApp::start_with(
            Options::new(b).env("RATHAUS_SMTP_URL", &format!("smtp://127.0.0.1:{port}")).env("RATHAUS_OUTBOX_RETRY_SECS", "1"),
        ).await;
        let reference = submit_with_email(&app).await;
        for _ in 0..100 {
            if app.log().contains("outbox row failed; will retry") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(app.log().contains("outbox row failed; will retry"), "{}", app.log());
        // The server comes up: the mail arrives (after the back-off).
        let maildev = maildev_on(port).await;
        let mut got = Vec::new();
        for _ in 0..300 {
            got = mails(&maildev).await;
            if !got.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(got.len(), 1, "{}", app.log());
        assert!(got[0]["subject"].as_str().unwrap().contains(&reference));
    }
}
