//! The web face's architecture, checked: wings never import each other and the kit no
//! wing; every route is registered from the declared list (no pattern written twice); and
//! every builder's path reaches its route in the running router.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

const WINGS: [&str; 5] = ["public", "citizen", "staff", "machine", "api"];

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file below `dir`, with its text.
fn sources(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(sources(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            out.push((p, text));
        }
    }
    out
}

#[test]
fn wings_never_import_each_other_and_the_kit_no_wing() {
    let mut wrong = Vec::new();
    for wing in WINGS {
        for (path, text) in sources(&src().join(wing)) {
            for other in WINGS.iter().filter(|o| **o != wing) {
                if text.contains(&format!("crate::{other}")) {
                    wrong.push(format!("{} imports the {other} wing", path.display()));
                }
            }
            if text.contains("super::super::") {
                wrong.push(format!("{} reaches out of its wing", path.display()));
            }
        }
    }
    for (path, text) in sources(&src().join("kit")) {
        for wing in WINGS {
            if text.contains(&format!("crate::{wing}")) {
                wrong.push(format!("{} (kit) imports the {wing} wing", path.display()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn no_sql_outside_the_store() {
    let crates = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut wrong = Vec::new();
    for name in ["app", "web", "jobs", "domain", "defs", "pdf", "rathaus"] {
        for (path, text) in sources(&crates.join(name).join("src")) {
            if text.contains(concat!("sqlx", "::")) && !path.ends_with("web/src/tests.rs") {
                wrong.push(path.display().to_string());
            }
        }
    }
    assert!(wrong.is_empty(), "SQL belongs in the store: {wrong:?}");
}

/// The builder names each wing registers (`.route(p::name, …)`; a literal pattern fails),
/// and the API's operations, registered from their OpenAPI descriptions (by pattern).
fn registered() -> Vec<String> {
    let mut names = Vec::new();
    let doc = crate::api::openapi();
    for (pattern, item) in &doc.paths.paths {
        let route = crate::paths::ALL
            .iter()
            .find(|r| r.pattern == pattern)
            .unwrap_or_else(|| panic!("the API's {pattern} is not a declared route"));
        let json = serde_json::to_value(item).unwrap();
        let mut methods: Vec<String> = json
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
            .map(|k| k.to_uppercase())
            .collect();
        methods.sort();
        let mut declared: Vec<String> = route.methods.iter().map(|m| m.to_string()).collect();
        declared.sort();
        assert_eq!(
            methods, declared,
            "{pattern}: described and declared methods"
        );
        names.push(route.name.to_owned());
    }
    for wing in WINGS {
        let text = std::fs::read_to_string(src().join(wing).join("mod.rs")).unwrap();
        for chunk in text.split(".route(").skip(1) {
            let arg = chunk.trim_start();
            let name = arg
                .strip_prefix("p::")
                .unwrap_or_else(|| panic!("{wing}: a route not from the declared list: {arg:.60}"));
            let end = name.find([',', ')', ' ', '\n']).unwrap();
            names.push(name[..end].to_owned());
        }
    }
    names.sort();
    names
}

#[test]
fn every_declared_route_is_registered_once() {
    let got = registered();
    let mut declared: Vec<String> = crate::paths::ALL
        .iter()
        .map(|r| r.name.to_owned())
        .collect();
    declared.sort();
    assert_eq!(got, declared);
}

/// A sample value for each placeholder of a pattern.
fn sample(pattern: &str) -> String {
    let mut out = pattern.to_owned();
    for (k, v) in [
        ("{tenant}", "soest"),
        ("{service}", "hundeanmeldung"),
        ("{step}", "halter"),
        ("{lang}", "en"),
        ("{file}", "datei"),
    ] {
        out = out.replace(k, v);
    }
    // Anything else is an id: any value reaches the route.
    while let (Some(a), Some(b)) = (out.find('{'), out.find('}')) {
        out.replace_range(a..=b, "x1");
    }
    out
}

/// Walks the running router with every builder's path: each answers its declared methods
/// with a route of its own (not the router's fallback, not 405).
#[tokio::test(flavor = "multi_thread")]
async fn every_builder_reaches_its_route() {
    use tower::ServiceExt;
    let dir = tempfile::tempdir().unwrap();
    let db = rathaus_store::Db::connect(&format!("sqlite://{}/t.db", dir.path().display()))
        .await
        .unwrap();
    let demo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../demo/definitions");
    let config = crate::WebConfig {
        files: rathaus_app::FileStore {
            blobs: rathaus_store::BlobStore::local(&dir.path().join("files")),
            max_per_application: 1 << 20,
        },
        ..Default::default()
    };
    let state = crate::AppState::start(rathaus_defs::Source::Dir(demo), db, config)
        .await
        .unwrap();
    let router = crate::router(state);
    let mut walked = 0;
    for r in crate::paths::ALL {
        let path = sample(r.pattern);
        for method in r.methods {
            let req = axum::http::Request::builder()
                .method(*method)
                .uri(&path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::empty())
                .unwrap();
            let res = router.clone().oneshot(req).await.unwrap();
            assert!(
                res.extensions()
                    .get::<crate::kit::error::NoRoute>()
                    .is_none(),
                "{method} {path} ({}) reaches no route",
                r.name
            );
            assert_ne!(res.status(), 405, "{method} {path} ({})", r.name);
            walked += 1;
        }
    }
    assert!(walked > 80, "{walked}");
    // And a path no builder makes reaches none.
    let req = axum::http::Request::get("/soest/gibt-es/nicht")
        .body(axum::body::Body::empty())
        .unwrap();
    let res = router.oneshot(req).await.unwrap();
    assert!(res
        .extensions()
        .get::<crate::kit::error::NoRoute>()
        .is_some());
}
