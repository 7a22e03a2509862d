//! The reference client (`clients/stadt-app`: a page that uses nothing but the public API)
//! in Chromium, from an origin of its own: the catalogue and search, the app login in the
//! browser (PKCE, the portal's login, consent, back to the loopback address), the
//! citizen's applications, logging out — with axe-core on each state. So the API is usable
//! by a client written against its description, including CORS for a configured origin.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::{apply_meldebescheinigung, client, login};
use crate::browser::{
    audit, axe_source, browser, browser_lock, click, fill, wait_for_css, wait_for_url,
};
use crate::support::{free_port, workspace_root, Backend, OidcProvider, Options, TestApp};
use fantoccini::{Client, Locator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves `clients/stadt-app` on a port of its own: `/` and `/rueckkehr` (the redirect URI
/// the demo app registered) are the page.
async fn serve_client() -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let dir = workspace_root().join("clients/stadt-app");
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let dir = dir.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 8192];
                let n = s.read(&mut buf).await.unwrap_or(0);
                let head = String::from_utf8_lossy(&buf[..n]).to_string();
                let path = head
                    .split(' ')
                    .nth(1)
                    .unwrap_or("/")
                    .split('?')
                    .next()
                    .unwrap_or("/")
                    .to_owned();
                let (file, kind) = match path.as_str() {
                    "/" | "/rueckkehr" => ("index.html", "text/html; charset=utf-8"),
                    "/app.js" => ("app.js", "text/javascript; charset=utf-8"),
                    "/app.css" => ("app.css", "text/css; charset=utf-8"),
                    _ => ("", ""),
                };
                let reply = if file.is_empty() {
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        .to_vec()
                } else {
                    let body = std::fs::read(dir.join(file)).unwrap();
                    let mut r = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        body.len()
                    )
                    .into_bytes();
                    r.extend(body);
                    r
                };
                let _ = s.write_all(&reply).await;
            });
        }
    });
    port
}

async fn text_of(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Waits until the element's text contains `part`.
async fn wait_for_text(c: &Client, css: &str, part: &str) {
    for _ in 0..300 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            if e.text().await.unwrap_or_default().contains(part) {
                return;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{css} never said {part:?}: {:?}", text_of(c, css).await);
}

#[tokio::test]
async fn the_reference_client_uses_only_the_api() {
    let _lock = browser_lock().lock().await;
    let client_port = serve_client().await;
    let port = free_port();
    let provider = OidcProvider::start(port).await;
    let dir = tempfile::tempdir().unwrap();
    let origin = format!("http://127.0.0.1:{client_port}");
    let app = TestApp::start_with(
        provider
            .options(Options::new(Backend::Sqlite), port, dir.path())
            .env("RATHAUS_API_CORS_ORIGINS", &origin),
    )
    .await;
    // Erika has applied on the web.
    let erika = client();
    login(&app, &erika, "solingen", "erika").await;
    let (_, reference) = apply_meldebescheinigung(&app, &erika).await;

    let axe_js = axe_source();
    let b = browser(true, 1280, 900).await;
    let c = &b.client;
    let mut failures = Vec::new();
    let portal = app.url("").trim_end_matches('/').to_owned();
    c.goto(&format!("{origin}/?portal={portal}&tenant=solingen"))
        .await
        .unwrap();
    wait_for_text(c, "#status", "Leistungen gefunden").await;
    assert!(text_of(c, "#leistungen")
        .await
        .contains("Meldebescheinigung"));
    assert!(text_of(c, "#titel").await.contains("Solingen"));
    audit(
        c,
        &axe_js,
        "reference client: catalogue".into(),
        &mut failures,
    )
    .await;
    fill(c, "q", "Parkausweis").await;
    click(c, "#suche button").await;
    wait_for_text(c, "#leistungen", "Bewohnerparkausweis").await;
    assert!(!text_of(c, "#leistungen")
        .await
        .contains("Meldebescheinigung"));

    // The app login: the portal's page in the browser, the provider, consent, back.
    click(c, "#anmelden").await;
    wait_for_url(c, "/solingen/app-zugang").await;
    click(c, "main a.button-link").await;
    wait_for_css(c, "form").await;
    if c.find(Locator::Css("input[name=login]")).await.is_ok() {
        c.find(Locator::Css("input[name=login]"))
            .await
            .unwrap()
            .send_keys("erika")
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
    }
    if c.current_url()
        .await
        .unwrap()
        .as_str()
        .contains("/interaction/")
    {
        click(c, "button[type=submit]").await;
    }
    wait_for_css(c, "button[value=zulassen]").await;
    click(c, "button[value=zulassen]").await;
    wait_for_url(c, &format!("{origin}/rueckkehr")).await;
    wait_for_text(c, "#konto", "Angemeldet als Erika Mustermann").await;
    wait_for_text(c, "#antraege", &reference).await;
    audit(
        c,
        &axe_js,
        "reference client: logged in".into(),
        &mut failures,
    )
    .await;

    click(c, "#abmelden").await;
    wait_for_text(c, "#konto", "Nicht angemeldet").await;
    let grants =
        crate::support::sql_strings(&app, "SELECT id FROM app_grants WHERE revoked_at IS NULL")
            .await;
    assert!(
        grants.is_empty(),
        "the logout ended the app's access: {grants:?}"
    );
    let _ = b.client.clone().close().await;
    assert!(
        failures.is_empty(),
        "axe violations:\n{}",
        failures.join("\n")
    );
}
