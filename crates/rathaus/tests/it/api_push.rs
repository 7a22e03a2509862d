//! Web Push to a city app, end to end on both engines: the app registers endpoints of a
//! push service (here a small one in the test, standing in for a browser's or a
//! UnifiedPush distributor's) with its keys; the office posts into the Postkorb and moves
//! the status; the push service receives messages encrypted for the subscription
//! (RFC 8291) and signed with the portal's published VAPID key (RFC 8292) — read here as
//! the app would, by Mozilla's http_ece and PyJWT, not by the portal's library — that
//! name no content; an endpoint the service calls
//! gone is removed; the app's logout ends the subscriptions.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::both_backends;
use crate::seed_forms::{seed_steps, submit_seed_form};
use crate::support::{
    decode_html, run_cli, sql_strings, workspace_root, Backend, Options, TestApp,
};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use web_push_native::jwt_simple::algorithms::ES256KeyPair;
use web_push_native::p256::SecretKey;
use web_push_native::Auth;

/// A request the push service received.
#[derive(Debug, Clone)]
pub(crate) struct Pushed {
    pub(crate) path: String,
    headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Pushed {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A push service on a free port: `/ok/…` takes messages (201), `/weg/…` says the
/// subscription is gone (410).
pub(crate) async fn push_service() -> (u16, Arc<Mutex<Vec<Pushed>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(Mutex::new(Vec::new()));
    let seen = got.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let (head, rest) = loop {
                    let n = s.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break (
                            String::from_utf8_lossy(&buf[..i]).to_string(),
                            buf[i + 4..].to_vec(),
                        );
                    }
                };
                let mut lines = head.lines();
                let path = lines.next().unwrap().split(' ').nth(1).unwrap().to_owned();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let len: usize = headers
                    .iter()
                    .find(|(k, _)| k == "content-length")
                    .map(|(_, v)| v.parse().unwrap())
                    .unwrap_or(0);
                let mut body = rest;
                while body.len() < len {
                    let n = s.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    body.extend_from_slice(&chunk[..n]);
                }
                let status = if path.starts_with("/weg") {
                    "410 Gone"
                } else {
                    "201 Created"
                };
                seen.lock().unwrap().push(Pushed {
                    path,
                    headers,
                    body,
                });
                let _ = s
                    .write_all(
                        format!(
                            "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                        )
                        .as_bytes(),
                    )
                    .await;
            });
        }
    });
    (port, got)
}

/// A subscription's keys, as a browser makes them: the private key stays with the app.
pub(crate) fn subscription_keys() -> (SecretKey, Auth, String, String) {
    let secret = SecretKey::from_slice(&ES256KeyPair::generate().to_bytes()).unwrap();
    use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;
    let public = secret.public_key().to_encoded_point(false);
    let auth = *uuid::Uuid::new_v4().as_bytes();
    (
        secret,
        Auth::clone_from_slice(&auth),
        URL_SAFE_NO_PAD.encode(public.as_bytes()),
        URL_SAFE_NO_PAD.encode(auth),
    )
}

/// Decrypts and verifies a received push with Mozilla's http_ece and PyJWT
/// (`tests/api/push_check.py`): the plaintext, the VAPID claims and key.
pub(crate) async fn as_the_app_reads(p: &Pushed, secret: &SecretKey, auth: &str) -> Value {
    let python = workspace_root().join("tests/api/venv/bin/python");
    assert!(
        python.exists(),
        "{} missing — run scripts/test",
        python.display()
    );
    let input = json!({
        "body": URL_SAFE_NO_PAD.encode(&p.body),
        "private_key": URL_SAFE_NO_PAD.encode(secret.to_bytes()),
        "auth": auth,
        "authorization": p.header("authorization").unwrap(),
        "audience": "http://127.0.0.1",
    });
    let mut child = tokio::process::Command::new(python)
        .arg(workspace_root().join("tests/api/push_check.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.to_string().as_bytes()).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "push_check: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub(crate) async fn wait_for(
    got: &Arc<Mutex<Vec<Pushed>>>,
    n: usize,
    app: &TestApp,
) -> Vec<Pushed> {
    for _ in 0..200 {
        let seen = got.lock().unwrap().clone();
        if seen.len() >= n {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!(
        "the push service got {:?}\n{}",
        got.lock().unwrap(),
        app.log()
    );
}

both_backends! {
    async fn an_app_hears_of_news_by_web_push_without_content(b: Backend) {
        let app = TestApp::start_with(Options::new(b)
            .env("RATHAUS_PUSH_ALLOW_LOCAL", "true")
            .env("RATHAUS_OUTBOX_RETRY_SECS", "1")).await;
        let (port, got) = push_service().await;

        // A guest's application, followed in the app by reference and access code.
        let guest = crate::accounts::client();
        let receipt = submit_seed_form(&app, &guest, "solingen/verpflichtungserklaerung", &seed_steps("solingen/verpflichtungserklaerung")).await;
        let html = decode_html(&guest.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        let i = html.find("class=\"reference\">").unwrap() + 18;
        let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let i = html.find("class=\"access-code-value\">").unwrap() + 26;
        let code = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let t: Value = reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/token"))
            .form(&[("grant_type", "urn:rathaus:grant-type:access-code"), ("client_id", "stadt-app-demo"),
                ("reference", reference.as_str()), ("access_code", code.as_str())])
            .send().await.unwrap().json().await.unwrap();
        let token = t["access_token"].as_str().unwrap().to_owned();
        let did = sql_strings(&app, &format!("SELECT draft_id FROM submissions WHERE reference = '{reference}'")).await.remove(0);

        let key: Value = reqwest::get(app.url("/api/v1/push/vapid-key")).await.unwrap().json().await.unwrap();
        let vapid = key["applicationServerKey"].as_str().unwrap().to_owned();
        assert_eq!(URL_SAFE_NO_PAD.decode(&vapid).unwrap().len(), 65);

        let subscribe = |endpoint: String, p256dh: String, auth: String| {
            let (app, token) = (&app, token.clone());
            async move {
                let res = reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/push-subscriptions"))
                    .bearer_auth(token)
                    .json(&json!({"endpoint": endpoint, "expirationTime": null, "keys": {"p256dh": p256dh, "auth": auth}}))
                    .send().await.unwrap();
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            }
        };
        let (secret, auth, p256dh, auth_b64) = subscription_keys();
        let (status, p) = subscribe(format!("http://127.0.0.1:{port}/ok/1"), "kein-schluessel".into(), auth_b64.clone()).await;
        assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("keys")), "{p}");
        let (status, p) = subscribe("ftp://127.0.0.1/x".into(), p256dh.clone(), auth_b64.clone()).await;
        assert_eq!((status, p["errors"][0]["field"].as_str()), (422, Some("endpoint")), "{p}");
        let (status, ok) = subscribe(format!("http://127.0.0.1:{port}/ok/1"), p256dh.clone(), auth_b64.clone()).await;
        assert_eq!(status, 201, "{ok}");
        let (_, _, other_p256dh, other_auth) = subscription_keys();
        let (status, _) = subscribe(format!("http://127.0.0.1:{port}/weg/2"), other_p256dh, other_auth).await;
        assert_eq!(status, 201);
        let res = reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/push-subscriptions"))
            .json(&json!({"endpoint": "https://push.example.org/x", "keys": {"p256dh": p256dh, "auth": auth_b64}}))
            .send().await.unwrap();
        assert_eq!(res.status(), 401, "only an app's token subscribes");

        // The office writes into the Postkorb: the app hears "a message", nothing of it.
        let (done, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &reference,
            "--subject", "GEHEIMER-BETREFF", "--body", "GEHEIMER-TEXT"]);
        assert!(done, "{out}");
        let seen = wait_for(&got, 2, &app).await;
        let to_app = seen.iter().find(|p| p.path == "/ok/1").expect("the live endpoint got it");
        assert_eq!(to_app.header("content-encoding"), Some("aes128gcm"));
        assert!(to_app.header("ttl").is_some());
        // Read as the app would, by implementations that are not the portal's.
        let read = as_the_app_reads(to_app, &secret, &auth_b64).await;
        let news: Value = serde_json::from_str(read["plaintext"].as_str().unwrap()).unwrap();
        assert_eq!(news, json!({"type": "message", "tenant": "solingen", "application": did}));
        assert!(!String::from_utf8_lossy(&to_app.body).contains("GEHEIM"));
        assert_eq!(read["key"].as_str(), Some(vapid.as_str()), "signed with the published key");
        assert_eq!(read["claims"]["aud"], "http://127.0.0.1");
        // And the portal's own library reads it the same way.
        let plain = web_push_native::decrypt(to_app.body.clone(), &secret, &auth).unwrap();
        assert_eq!(serde_json::from_slice::<Value>(&plain).unwrap(), news);

        // The endpoint the service called gone is removed; the live one stays.
        for _ in 0..100 {
            let n = sql_strings(&app, "SELECT endpoint FROM push_subscriptions").await;
            if n.len() == 1 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let list: Value = reqwest::Client::new().get(app.url("/api/v1/tenants/solingen/push-subscriptions"))
            .bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
        assert!(list["items"][0]["endpoint"].as_str().unwrap().ends_with("/ok/1"));

        // A new status: "status", again without content.
        let (done, out) = run_cli(&app, &["postkorb", "status", "--tenant", "solingen", "--reference", &reference, "--status", "in_review"]);
        assert!(done, "{out}");
        let seen = wait_for(&got, 3, &app).await;
        let read = as_the_app_reads(&seen[2], &secret, &auth_b64).await;
        assert_eq!(serde_json::from_str::<Value>(read["plaintext"].as_str().unwrap()).unwrap()["type"], "status");

        // The app logs out: its subscriptions end, and nothing more is sent.
        reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/revoke"))
            .form(&[("token", token.as_str()), ("client_id", "stadt-app-demo")]).send().await.unwrap();
        assert!(sql_strings(&app, "SELECT endpoint FROM push_subscriptions").await.is_empty());
        let (done, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &reference,
            "--subject", "Noch etwas", "--body", "Text"]);
        assert!(done, "{out}");
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        assert_eq!(got.lock().unwrap().len(), 3, "no push after the logout");
    }
}
