//! Reloading definitions in a running server: by admin action and by SIGHUP. A broken set,
//! or changed content under an already published version, keeps the old set active.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{copy_dir, demo_definitions, Backend, Options, TestApp};
use std::path::Path;
use std::time::Duration;

fn edit(path: &Path, old: &str, new: &str) {
    let s = std::fs::read_to_string(path).unwrap();
    assert!(s.contains(old), "{old} not in {}", path.display());
    std::fs::write(path, s.replacen(old, new, 1)).unwrap();
}

/// Raises `version: N` in a definition to N+1 and returns N+1.
fn bump_version(path: &Path) -> u32 {
    let s = std::fs::read_to_string(path).unwrap();
    let line = s.lines().find(|l| l.starts_with("version: ")).unwrap();
    let n: u32 = line["version: ".len()..].trim().parse().unwrap();
    std::fs::write(path, s.replacen(line, &format!("version: {}", n + 1), 1)).unwrap();
    n + 1
}

async fn reload(app: &TestApp, token: &str) -> (u16, serde_json::Value) {
    let res = app
        .http
        .post(app.url("/admin/reload"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}

both_backends! {
    async fn admin_reload_swaps_valid_sets_and_keeps_old_on_errors(b: Backend) {
        let defs = tempfile::tempdir().unwrap();
        copy_dir(&demo_definitions(), defs.path());
        let app = TestApp::start_with(Options::new(b).definitions(defs.path()).env("RATHAUS_ADMIN_TOKEN", "s3cret")).await;
        let svc = defs.path().join("soest/services/hundeabmeldung.yaml");

        // Wrong or missing token.
        assert_eq!(reload(&app, "wrong").await.0, 401);
        assert_eq!(app.http.post(app.url("/admin/reload")).send().await.unwrap().status(), 401);

        // A valid change with a new version is picked up (the page was rendered and cached
        // before; the reload must not serve the old rendering).
        assert!(app.page("/soest/leistungen/hundeabmeldung").await.contains("Hund abmelden<"));
        let v = bump_version(&svc);
        edit(&svc, "de: Hund abmelden", "de: Hund abmelden (neu)");
        let (status, body) = reload(&app, "s3cret").await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(body["services"], 20);
        assert!(app.page("/soest/leistungen/hundeabmeldung").await.contains("Hund abmelden (neu)"));

        // A broken set is refused with its problems; the running set stays.
        edit(&svc, "fully_online:", "voll_online:");
        let (status, body) = reload(&app, "s3cret").await;
        assert_eq!(status, 422);
        let problems = body["problems"].as_array().unwrap();
        assert!(problems.iter().any(|p| p.as_str().unwrap().contains("hundeabmeldung.yaml") && p.as_str().unwrap().contains("unknown key 'voll_online'")), "{body}");
        assert!(app.page("/soest/leistungen/hundeabmeldung").await.contains("Hund abmelden (neu)"));
        edit(&svc, "voll_online:", "fully_online:");

        // Changing content without raising the version is refused: version v is published.
        edit(&svc, "Hund abmelden (neu)", "Hund abmelden (anders)");
        let (status, body) = reload(&app, "s3cret").await;
        assert_eq!(status, 422);
        assert!(body["problems"][0].as_str().unwrap().contains(&format!("soest/hundeabmeldung version {v}")), "{body}");
        assert!(app.page("/soest/leistungen/hundeabmeldung").await.contains("Hund abmelden (neu)"));

        let m = app.page("/metrics").await;
        assert!(m.contains(r#"rathaus_definition_reloads_total{outcome="ok"} 1"#), "{m}");
        assert!(m.contains(r#"rathaus_definition_reloads_total{outcome="refused"} 2"#), "{m}");
    }
}

both_backends! {
    async fn sighup_reloads(b: Backend) {
        let defs = tempfile::tempdir().unwrap();
        copy_dir(&demo_definitions(), defs.path());
        let app = TestApp::start_with(Options::new(b).definitions(defs.path())).await;
        // Without a token the admin endpoint does not exist.
        assert_eq!(app.http.post(app.url("/admin/reload")).send().await.unwrap().status(), 404);
        let svc = defs.path().join("kreis-soest/services/reitkennzeichen.yaml");
        let v = bump_version(&svc);
        app.signal("HUP");
        let mut seen = false;
        for _ in 0..100 {
            if app.log().contains("definitions reloaded") {
                seen = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(seen, "{}", app.log());
        assert!(app.page("/soest/leistungen/reitkennzeichen").await.contains(&format!("<dd>{v}</dd>")));
        // A broken file on SIGHUP keeps the old set.
        std::fs::write(&svc, "id: [").unwrap();
        app.signal("HUP");
        for _ in 0..100 {
            if app.log().contains("reload refused") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(app.log().contains("reload refused"), "{}", app.log());
        assert!(app.page("/soest/leistungen/reitkennzeichen").await.contains(&format!("<dd>{v}</dd>")));
    }
}

both_backends! {
    async fn restart_with_changed_content_under_same_version_is_refused(b: Backend) {
        // The version check also holds across restarts (it lives in the database).
        let defs = tempfile::tempdir().unwrap();
        copy_dir(&demo_definitions(), defs.path());
        let app = TestApp::start_with(Options::new(b).definitions(defs.path())).await;
        let url = app.database_url.clone();
        drop(app);
        // Comments and formatting do not count as a change of content …
        let file = defs.path().join("solingen/services/meldebescheinigung.yaml");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("# a new comment\n{text}")).unwrap();
        let app = TestApp::try_start(Options::new(b).definitions(defs.path()).env("RATHAUS_DATABASE_URL", &url)).await;
        assert!(app.is_ok(), "a comment is not a new version");
        drop(app);
        // … but a changed processing time is.
        edit(&defs.path().join("solingen/services/meldebescheinigung.yaml"), "processing_time:\n  days: ", "processing_time:\n  days: 1");
        let res = TestApp::try_start(Options::new(b).definitions(defs.path()).env("RATHAUS_DATABASE_URL", &url)).await;
        let Err((code, out)) = res else { panic!("started with changed content under the same version") };
        assert_eq!(code, Some(1));
        assert!(out.contains("solingen/meldebescheinigung version 4"), "{out}");
    }
}
