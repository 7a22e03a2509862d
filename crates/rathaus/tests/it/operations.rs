//! What an operator relies on: health, readiness, metrics, headers, limits, configuration,
//! graceful shutdown.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{Backend, Options, TestApp};
use std::time::Duration;

both_backends! {
    async fn health_readiness_and_metrics(b: Backend) {
        let app = TestApp::start(b).await;
        assert_eq!(app.page("/healthz").await, "ok");
        assert_eq!(app.page("/readyz").await, "ready");
        app.page("/soest/leistungen/hundeanmeldung").await;
        let res = app.get("/metrics").await;
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
        let m = res.text().await.unwrap();
        assert!(m.contains("rathaus_catalog_services 20"), "{m}");
        assert!(
            m.contains(r#"rathaus_http_requests_total{method="GET",route="/{tenant}/leistungen/{service}",status="200"} 1"#),
            "{m}"
        );
        assert!(m.contains("rathaus_http_request_duration_seconds_bucket"));
        // Raw paths (ids, search words) never become metric labels.
        assert!(!m.contains("hundeanmeldung"));
    }
}

both_backends! {
    async fn security_headers_everywhere(b: Backend) {
        let app = TestApp::start(b).await;
        for path in ["/", "/soest", "/soest/leistungen/hundeanmeldung", "/static/rathaus.css", "/nirgendwo", "/healthz"] {
            let res = app.get(path).await;
            let h = res.headers();
            let csp = h.get("content-security-policy").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
            assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{path}: {csp}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
            assert_eq!(h["x-frame-options"], "DENY", "{path}");
        }
        // Tenant assets and per-tenant styles.
        let res = app.get("/solingen/assets/logo.svg").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["content-type"], "image/svg+xml");
        let css = app.page("/solingen/theme.css").await;
        assert!(css.contains("--primary: #"));
        assert_eq!(app.get("/solingen/assets/../tenant.yaml").await.status(), 404);
        assert_eq!(app.get("/static/nichtda.css").await.status(), 404);
    }
}

both_backends! {
    async fn request_limits(b: Backend) {
        let app = TestApp::start_with(Options::new(b).env("RATHAUS_ADMIN_TOKEN", "t0ken").env("RATHAUS_MAX_BODY_BYTES", "1024")).await;
        // Form posts larger than the limit are refused before they are read.
        let big = format!("_csrf=x&vorname={}", "a".repeat(4096));
        let res = app.http.post(app.url("/soest/leistungen/hundeanmeldung/antrag"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(big)
            .send().await.unwrap();
        assert_eq!(res.status(), 413, "oversized body refused");
        let res = app.http.post(app.url("/soest")).body("x").send().await.unwrap();
        assert_eq!(res.status(), 405);
    }
}

both_backends! {
    async fn configuration_from_environment(b: Backend) {
        let app = TestApp::start(b).await;
        // RATHAUS_LISTEN=127.0.0.1:0 gave a random port; RATHAUS_DATA_DIR holds the SQLite file.
        assert!(app.base.starts_with("http://127.0.0.1:"));
        assert!(!app.base.ends_with(":0"));
        if b == Backend::Sqlite {
            assert!(app.data_dir.path().join("rathaus.db").exists());
        }
    }
}

#[tokio::test]
async fn default_database_is_sqlite_in_data_dir() {
    // No RATHAUS_DATABASE_URL: the embedded default must work with zero configuration.
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(crate::support::bin())
        .arg("serve")
        .env_clear()
        .env("RATHAUS_LISTEN", "127.0.0.1:0")
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    assert!(
        line.starts_with("rathaus listening on http://127.0.0.1:"),
        "{line}"
    );
    assert!(dir.path().join("rathaus-data/rathaus.db").exists());
    let _ = child.kill();
    let _ = child.wait();
}

both_backends! {
    async fn graceful_shutdown_on_sigterm(b: Backend) {
        let mut app = TestApp::start(b).await;
        // At once after the "listening" line, before any request: the handler must already
        // be installed then (it once was only installed on first poll, and SIGTERM killed
        // the process on a busy machine).
        app.signal("TERM");
        assert_eq!(app.wait_exit(Duration::from_secs(20)), Some(0), "{}", app.log());
        assert!(app.log().contains("stopped"));
    }
}

#[tokio::test]
async fn unsupported_database_url_is_a_clear_error() {
    let res =
        TestApp::try_start(Options::new(Backend::Sqlite).env("RATHAUS_DATABASE_URL", "mysql://x"))
            .await;
    let Err((code, out)) = res else {
        panic!("started with mysql URL")
    };
    assert_eq!(code, Some(1));
    assert!(out.contains("database URL not supported"), "{out}");
}

both_backends! {
    async fn tenant_overrides_templates_texts_and_branding(b: Backend) {
        let dir = crate::support::workspace_root().join("crates/rathaus/tests/fixtures/themed");
        let app = TestApp::start_with(Options::new(b).definitions(dir)).await;
        let html = app.page("/t1/impressum").await;
        assert!(html.contains("Eigene Vorlage der Teststadt."), "template override");
        assert!(html.contains(">Fachbereiche</a>"), "message override");
        assert!(html.contains("t1&#x2f;assets&#x2f;wappen.svg"), "logo");
        assert!(app.page("/t1/theme.css").await.contains("--primary: #5a1e6e"));
        assert_eq!(app.get("/t1/assets/wappen.svg").await.status(), 200);
        // English is not overridden and falls back to the built-in text.
        assert!(app.page("/t1/impressum?lang=en").await.contains(">Offices</a>"));
    }
}
