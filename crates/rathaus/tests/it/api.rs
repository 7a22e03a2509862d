//! The JSON API for city apps, over HTTP on both engines: what a client developer relies on
//! (paging, search and filters, languages, ETags, problem details), and schemathesis — a
//! client nobody here wrote — run against the live OpenAPI document.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::support::{decode_html, workspace_root, Backend, TestApp};
use serde_json::Value;
use std::collections::BTreeSet;

async fn json(app: &TestApp, path: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "GET {path}");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/json",
        "{path}"
    );
    res.json().await.unwrap()
}

/// A problem answer: its status, media type and stable code.
async fn problem(app: &TestApp, path: &str, status: u16, code: &str) -> Value {
    let res = app.get(path).await;
    assert_eq!(res.status(), status, "GET {path}");
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "application/problem+json",
        "{path}"
    );
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], code, "{path}: {p}");
    assert_eq!(p["status"], status, "{path}");
    assert_eq!(p["type"], format!("urn:rathaus:problem:{code}"));
    p
}

both_backends! {
    async fn the_catalogue_as_a_city_app_reads_it(backend: Backend) {
        let app = TestApp::start(backend).await;
        // From the index to a portal, as a client discovers it.
        let index = json(&app, "/api/v1").await;
        assert_eq!(index["demo"], true);
        let tenants = json(&app, index["tenants"].as_str().unwrap()).await;
        let ids: Vec<&str> = tenants["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"soest") && ids.contains(&"kreis-paderborn"), "{ids:?}");
        let soest = json(&app, "/api/v1/tenants/soest").await;
        assert_eq!(soest["kind"], "stadt");
        let office = &soest["offices"][0];
        assert!(office["address"]["postal_code"].as_str().unwrap().len() == 5);
        let same = json(&app, office["href"].as_str().unwrap()).await;
        assert_eq!(&same, office);

        // Every service of the portal, page by page, each once, as many as it has.
        let mut seen = BTreeSet::new();
        let mut next = Some("/api/v1/tenants/soest/services?per_page=7".to_owned());
        let mut total = 0;
        while let Some(path) = next {
            let page = json(&app, &path).await;
            total = page["paging"]["total"].as_u64().unwrap();
            for s in page["items"].as_array().unwrap() {
                assert!(seen.insert(s["id"].as_str().unwrap().to_owned()), "{s} twice");
            }
            next = page["paging"]["next"].as_str().map(str::to_owned);
        }
        assert_eq!(seen.len() as u64, total);
        assert!(total > 5, "{total}");
        assert_eq!(soest["services"], total);

        // A service with everything the catalogue page shows.
        let dog = json(&app, "/api/v1/tenants/soest/services/hundeanmeldung").await;
        assert_eq!(dog["online_form"], true);
        assert!(dog["fees"].as_array().is_some_and(|f| !f.is_empty()), "{dog}");
        assert!(dog["fees"][0]["amount_cents"].as_u64().is_some());
        assert!(!dog["easy_language"].as_str().unwrap().is_empty());
        assert_eq!(dog["office"]["tenant"], "soest");
        assert_eq!(dog["web_apply"], "/soest/leistungen/hundeanmeldung/antrag");

        // Search, best first, and the filters of topics and life situations.
        let found = json(&app, "/api/v1/tenants/soest/services?q=hund").await;
        let first = found["items"][0]["id"].as_str().unwrap();
        assert!(first.starts_with("hunde"), "{found}");
        let topics = json(&app, "/api/v1/tenants/soest/topics").await;
        for t in topics["items"].as_array().unwrap() {
            let of_topic = json(&app, t["href"].as_str().unwrap()).await;
            assert_eq!(of_topic["paging"]["total"], t["services"], "{t}");
        }
        let situations = json(&app, "/api/v1/tenants/soest/life-situations").await;
        assert!(!situations["items"].as_array().unwrap().is_empty());

        // Languages: asked for, or from Accept-Language; German where a text has no English.
        let de = json(&app, "/api/v1/tenants/soest/services/hundeanmeldung").await;
        let en = app.get("/api/v1/tenants/soest/services/hundeanmeldung?lang=en").await;
        assert_eq!(en.headers()["content-language"], "en");
        let en: Value = en.json().await.unwrap();
        assert_ne!(de["title"], en["title"], "an English title is in the demo");
        let by_header = app
            .get_lang("/api/v1/tenants/soest/services/hundeanmeldung", "en-GB,en;q=0.8")
            .await;
        assert_eq!(by_header.json::<Value>().await.unwrap()["title"], en["title"]);

        // ETag: the same answer again is "not modified"; another language is another tag.
        let http = reqwest::Client::new();
        let url = app.url("/api/v1/tenants/soest/services/hundeanmeldung");
        let first = http.get(&url).send().await.unwrap();
        let tag = first.headers()["etag"].to_str().unwrap().to_owned();
        let again = http.get(&url).header("if-none-match", &tag).send().await.unwrap();
        assert_eq!(again.status(), 304);
        assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
        assert!(again.bytes().await.unwrap().is_empty());
        let english = http
            .get(format!("{url}?lang=en"))
            .header("if-none-match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(english.status(), 200);

        // Problems: what was wrong, with a stable code, never an HTML page.
        problem(&app, "/api/v1/tenants/nirgendwo", 404, "not-found").await;
        problem(&app, "/api/v1/tenants/soest/services/gibt-es-nicht", 404, "not-found").await;
        problem(&app, "/api/v1/tenants/soest/offices/gibt-es-nicht", 404, "not-found").await;
        problem(&app, "/api/v1/tenants/soest/services?topic=gibt-es-nicht", 404, "not-found").await;
        problem(&app, "/api/v1/tenants/soest/services?per_page=0", 400, "invalid-parameter").await;
        problem(&app, "/api/v1/tenants/soest/services?per_page=101", 400, "invalid-parameter").await;
        problem(&app, "/api/v1/tenants/soest/services?page=0", 400, "invalid-parameter").await;
        problem(&app, "/api/v1/tenants/soest/services?page=x", 400, "invalid-parameter").await;
        problem(&app, "/api/v1/tenants/soest?lang=fr", 400, "invalid-parameter").await;
        let long = format!("/api/v1/tenants/soest/services?q={}", "a".repeat(201));
        problem(&app, &long, 400, "invalid-parameter").await;
        problem(&app, "/api/v1/gibt/es/nicht", 404, "no-route").await;
        let post = http.post(app.url("/api/v1/tenants")).send().await.unwrap();
        assert_eq!(post.status(), 405);
        assert_eq!(post.headers()["allow"], "GET,HEAD");
        let p: Value = post.json().await.unwrap();
        assert_eq!(p["code"], "method-not-allowed");
    }
}

both_backends! {
    /// The OpenAPI document and its reference page describe exactly the routes that answer.
    async fn the_description_is_served_and_read_by_an_independent_client(backend: Backend) {
        let app = TestApp::start(backend).await;
        let doc = json(&app, "/api/v1/openapi.json").await;
        assert_eq!(doc["openapi"], "3.1.0");
        let page = decode_html(&app.page("/api/v1/reference").await);
        for path in doc["paths"].as_object().unwrap().keys() {
            assert!(page.contains(path.as_str()), "{path} missing on the reference page");
        }
        schemathesis(&app, None).await;
    }
}

/// Runs schemathesis (installed by `scripts/test` into `tests/api/venv`) with every check,
/// its stateful phase following the document's links, against the live document.
/// With `token`, requests carry it as a bearer token (the citizen's operations are then
/// tested with data, not only refused).
pub(crate) async fn schemathesis(app: &TestApp, token: Option<&str>) {
    let exe = workspace_root().join("tests/api/venv/bin/schemathesis");
    assert!(
        exe.exists(),
        "{} missing — run scripts/test to install schemathesis",
        exe.display()
    );
    let mut cmd = tokio::process::Command::new(exe);
    let config = workspace_root().join("tests/api/schemathesis.toml");
    cmd.arg("--config-file").arg(config);
    cmd.arg("run");
    if let Some(t) = token {
        cmd.args(["--header", &format!("Authorization: Bearer {t}")]);
    }
    let out = cmd
        .args([
            &app.url("/api/v1/openapi.json"),
            "--url",
            &app.url(""),
            "--checks",
            "all",
            "--max-examples",
            "40",
            "--seed",
            "20261207",
            "--generation-database",
            "none",
            "--no-color",
        ])
        .current_dir(std::env::temp_dir())
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "schemathesis found problems:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        !text.contains("Failures:") && !text.contains("Errors:") && text.contains("passed"),
        "{text}"
    );
}

/// Web pages elsewhere may call the API only from the origins an installation names, and
/// each address only so often; the HTML portal is not counted against the API.
#[tokio::test]
async fn cors_only_where_configured_and_a_limit_per_address() {
    let plain = TestApp::start(Backend::Sqlite).await;
    let res = reqwest::Client::new()
        .get(plain.url("/api/v1/tenants"))
        .header("Origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(
        res.headers().get("access-control-allow-origin").is_none(),
        "no CORS unless configured"
    );

    let app = TestApp::start_with(
        crate::support::Options::new(Backend::Sqlite)
            .env(
                "RATHAUS_API_CORS_ORIGINS",
                "https://app.example, https://pwa.example",
            )
            .env("RATHAUS_API_REQUESTS_PER_MINUTE", "20"),
    )
    .await;
    let http = reqwest::Client::new();
    let preflight = http
        .request(
            reqwest::Method::OPTIONS,
            app.url("/api/v1/tenants/solingen/applications"),
        )
        .header("Origin", "https://pwa.example")
        .header("Access-Control-Request-Method", "GET")
        .header("Access-Control-Request-Headers", "authorization")
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        preflight.headers()["access-control-allow-origin"],
        "https://pwa.example"
    );
    assert!(preflight.headers()["access-control-allow-headers"]
        .to_str()
        .unwrap()
        .contains("authorization"));
    let res = http
        .get(app.url("/api/v1/tenants"))
        .header("Origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    let tag = res.headers()["etag"].clone();
    // Again: now from the cache of catalogue answers, with CORS and the ETag all the same.
    let res = http
        .get(app.url("/api/v1/tenants"))
        .header("Origin", "https://app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "https://app.example"
    );
    assert_eq!(res.headers()["etag"], tag);
    assert_eq!(res.headers()["content-type"], "application/json");
    let res = http
        .get(app.url("/api/v1/tenants"))
        .header("If-None-Match", tag.to_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 304);
    let res = http
        .get(app.url("/api/v1/tenants"))
        .header("Origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());

    // 20 a minute: the next ones wait, with a problem and Retry-After.
    let mut limited = None;
    for _ in 0..30 {
        let res = http.get(app.url("/api/v1/tenants")).send().await.unwrap();
        if res.status() == 429 {
            limited = Some(res);
            break;
        }
    }
    let res = limited.expect("the limit holds");
    let wait: u64 = res.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["code"], "rate-limited");
    assert_eq!(
        http.get(app.url("/soest")).send().await.unwrap().status(),
        200,
        "the portal is not the API"
    );
}
