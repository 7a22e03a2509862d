//! A city app over the API alone, as a native app does it (RFC 8252): the system browser
//! on the portal's app login with PKCE, the code arriving at a loopback port the app
//! listens on, tokens from the token endpoint, then the citizen's applications and
//! Postkorb. And everything that must end an app's access, on both engines.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::accounts::{app_with_login, apply_meldebescheinigung, client, login, through_provider};
use crate::both_backends;
use crate::seed_forms::{seed_steps, submit_seed_form};
use crate::support::{csrf_token, decode_html, run_cli, sql_strings, Backend, TestApp};
use base64::Engine;
use serde_json::Value;
use sha2::{Digest, Sha256};

const APP: &str = "stadt-app-demo";

/// A PKCE verifier and its S256 challenge, made as an app makes them.
fn pkce() -> (String, String) {
    let verifier: String = uuid::Uuid::new_v4().simple().to_string().repeat(2);
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The app's loopback listener: a free port, and the path of the one request it gets.
fn loopback() -> (u16, std::thread::JoinHandle<String>) {
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut buf = vec![0u8; 16384];
        let n = s.read(&mut buf).unwrap();
        let req = String::from_utf8_lossy(&buf[..n]).to_string();
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        req.lines()
            .next()
            .unwrap()
            .split(' ')
            .nth(1)
            .unwrap()
            .to_owned()
    });
    (port, h)
}

fn param(query: &str, name: &str) -> Option<String> {
    reqwest::Url::parse(&format!("http://x{query}"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The app's login request for `redirect`.
fn authorize(redirect: &str, challenge: &str, state: &str) -> String {
    authorize_in("solingen", redirect, challenge, state)
}

fn authorize_in(tenant: &str, redirect: &str, challenge: &str, state: &str) -> String {
    let url = reqwest::Url::parse_with_params(
        &format!("http://x/{tenant}/app-zugang"),
        &[
            ("response_type", "code"),
            ("client_id", APP),
            ("redirect_uri", redirect),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("state", state),
        ],
    )
    .unwrap();
    format!("{}?{}", url.path(), url.query().unwrap())
}

/// The whole login of the app in `browser` (logged in to the portal as `who` on the way if
/// needed); returns the code the app received and its verifier and redirect URI.
pub(crate) async fn app_code(
    app: &TestApp,
    browser: &reqwest::Client,
    who: &str,
) -> (String, String, String) {
    app_code_in(app, browser, "solingen", who).await
}

/// [`app_code`] at the portal of `tenant`.
pub(crate) async fn app_code_in(
    app: &TestApp,
    browser: &reqwest::Client,
    tenant: &str,
    who: &str,
) -> (String, String, String) {
    let (port, listener) = loopback();
    let redirect = format!("http://127.0.0.1:{port}/rueckkehr");
    let (verifier, challenge) = pkce();
    let start = authorize_in(tenant, &redirect, &challenge, "zustand-42");
    let mut html = decode_html(
        &browser
            .get(app.url(&start))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
    );
    if !html.contains("name=\"aktion\" value=\"zulassen\"") {
        // Not logged in: the page offers the portal's login, which comes back here.
        let i = html
            .find(&format!("/{tenant}/anmelden?zurueck="))
            .expect(&html);
        let login = html[i..i + html[i..].find('"').unwrap()].to_owned();
        let res = browser.get(app.url(&login)).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap().to_owned();
        let back = through_provider(browser, to, who).await;
        assert_eq!(back.status(), 303);
        assert_eq!(back.headers()["location"].to_str().unwrap(), start);
        let res = browser.get(app.url(&start)).send().await.unwrap();
        let csp = res.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            csp.contains("form-action 'self' http://127.0.0.1:*"),
            "{csp}"
        );
        html = decode_html(&res.text().await.unwrap());
    }
    assert!(
        html.contains("-App ") && html.contains(" (Demo)"),
        "{html}{}",
        app.log()
    );
    let csrf = csrf_token(&html).unwrap();
    let res = browser
        .post(app.url(&format!("/{tenant}/app-zugang")))
        .form(&[
            ("_csrf", csrf.as_str()),
            ("response_type", "code"),
            ("client_id", APP),
            ("redirect_uri", redirect.as_str()),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("state", "zustand-42"),
            ("aktion", "zulassen"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    let to = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with(&redirect), "{to}");
    // The browser follows to the app's port; the app reads the code from the request.
    reqwest::get(&to).await.unwrap();
    let path = listener.join().unwrap();
    assert_eq!(param(&path, "state").as_deref(), Some("zustand-42"));
    (param(&path, "code").unwrap(), verifier, redirect)
}

async fn token(app: &TestApp, form: &[(&str, &str)]) -> (u16, Value) {
    token_in(app, "solingen", form).await
}

async fn token_in(app: &TestApp, tenant: &str, form: &[(&str, &str)]) -> (u16, Value) {
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/tenants/{tenant}/token")))
        .form(form)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    assert_eq!(res.headers()["cache-control"], "no-store");
    (status, res.json().await.unwrap())
}

pub(crate) async fn exchange(
    app: &TestApp,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> (u16, Value) {
    exchange_in(app, "solingen", code, verifier, redirect).await
}

/// [`exchange`] at the portal of `tenant`.
pub(crate) async fn exchange_in(
    app: &TestApp,
    tenant: &str,
    code: &str,
    verifier: &str,
    redirect: &str,
) -> (u16, Value) {
    token_in(
        app,
        tenant,
        &[
            ("grant_type", "authorization_code"),
            ("client_id", APP),
            ("code", code),
            ("redirect_uri", redirect),
            ("code_verifier", verifier),
        ],
    )
    .await
}

/// GET with a bearer token: status and JSON.
async fn with_token(app: &TestApp, access: &str, path: &str) -> (u16, Value) {
    let res = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    if status == 401 {
        assert!(res.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer"));
    }
    (status, res.json().await.unwrap_or(Value::Null))
}

pub(crate) fn access(t: &Value) -> String {
    t["access_token"].as_str().unwrap().to_owned()
}

both_backends! {
    async fn a_city_app_logs_in_with_pkce_and_reads_the_postkorb(b: Backend) {
        let (app, _provider, dir) = app_with_login(b).await;
        // Erika applied on the web; the authority asks her for a document.
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, reference) = apply_meldebescheinigung(&app, &erika).await;
        let pdf = dir.path().join("anhang.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n% ANHANG\n%%EOF\n").unwrap();
        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &reference,
            "--kind", "request", "--subject", "Nachweis fehlt", "--body", "Bitte den Mietvertrag.",
            "--attach", pdf.to_str().unwrap()]);
        assert!(ok, "{out}");

        // The app, in a browser that has not logged in yet.
        let phone = client();
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let (status, bad) = exchange(&app, &code, &format!("{verifier}x"), &redirect).await;
        assert_eq!((status, bad["error"].as_str()), (400, Some("invalid_grant")), "a wrong verifier");
        // The code was spent by that try: a new login (the browser is logged in now).
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let (status, tokens) = exchange(&app, &code, &verifier, &redirect).await;
        assert_eq!(status, 200, "{tokens}");
        assert_eq!(tokens["token_type"], "Bearer");
        assert_eq!(tokens["scope"], "account");
        assert_eq!(tokens["expires_in"], 900);
        let at = access(&tokens);

        let (status, me) = with_token(&app, &at, "/api/v1/tenants/solingen/me").await;
        assert_eq!(status, 200);
        assert_eq!((me["kind"].as_str(), me["name"].as_str(), me["level"].as_str()),
            (Some("account"), Some("Erika Mustermann"), Some("substantial")));
        let (_, list) = with_token(&app, &at, "/api/v1/tenants/solingen/applications").await;
        let mine = &list["items"][0];
        assert_eq!(mine["reference"].as_str(), Some(reference.as_str()));
        assert_eq!(mine["unread"], 1);
        let (_, case) = with_token(&app, &at, mine["href"].as_str().unwrap()).await;
        assert_eq!(case["status"], "waiting_for_citizen");
        assert_eq!(case["status_label"], "Wartet auf Sie");
        assert!(case["timeline"].as_array().unwrap().len() >= 2, "{case}");
        let message = &case["messages"][0];
        assert_eq!((message["kind"].as_str(), message["subject"].as_str()), (Some("request"), Some("Nachweis fehlt")));
        assert!(message["read_at"].is_null());
        let (_, full) = with_token(&app, &at, message["href"].as_str().unwrap()).await;
        assert_eq!(full["body"], "Bitte den Mietvertrag.");
        assert_eq!(full["attachments"][0]["name"], "anhang.pdf");
        let read = sql_strings(&app, &format!("SELECT CAST(read_at AS TEXT) FROM messages WHERE draft_id = '{did}' AND read_at IS NOT NULL")).await;
        assert_eq!(read.len(), 1, "the first opening is recorded, as on the web");
        let (_, english) = with_token(&app, &at, &format!("{}?lang=en", mine["href"].as_str().unwrap())).await;
        assert_eq!(english["status_label"], "Waiting for you");
        // The fee: the transfer details with the GiroCode text, then paid online, the pay page
        // in the system browser and the outcome asked by the app.
        let pay_path = format!("/api/v1/tenants/solingen/applications/{did}/payment");
        let (status, p) = with_token(&app, &at, &pay_path).await;
        assert_eq!(status, 200, "{p}");
        assert_eq!((p["amount_cents"].as_i64(), p["status"].as_str()), (Some(500), Some("open")), "{p}");
        assert!(p["transfer"]["girocode"].as_str().unwrap().starts_with("BCD\n"), "{p}");
        assert_eq!(p["online_open"], true);
        let res = reqwest::Client::new().post(app.url(&format!("{pay_path}/online"))).bearer_auth(&at).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let pay_url = res.json::<Value>().await.unwrap()["pay_url"].as_str().unwrap().to_owned();
        let path_of = |u: &str| if u.starts_with("http") { reqwest::Url::parse(u).unwrap().path().to_owned() } else { u.to_owned() };
        let system_browser = client();
        let html = decode_html(&system_browser.get(app.url(&path_of(&pay_url))).send().await.unwrap().text().await.unwrap());
        let csrf = csrf_token(&html).unwrap();
        let res = system_browser.post(app.url(&path_of(&pay_url))).form(&[("_csrf", csrf.as_str()), ("aktion", "bezahlen")])
            .send().await.unwrap();
        assert_eq!(res.status(), 303);
        let back = path_of(res.headers()["location"].to_str().unwrap());
        assert_eq!(back, "/solingen/zahlung/zurueck-zur-app");
        let html = decode_html(&system_browser.get(app.url(&back)).send().await.unwrap().text().await.unwrap());
        assert!(html.contains("Zurück zur App") && !html.contains(&reference), "no personal data there");
        let res = reqwest::Client::new().post(app.url(&format!("{pay_path}/check"))).bearer_auth(&at).send().await.unwrap();
        assert_eq!(res.status(), 200);
        let p: Value = res.json().await.unwrap();
        assert_eq!(p["status"], "paid", "{p}");
        assert!(p["kassenzeichen"].as_str().unwrap().starts_with("DEMO-KZ-"));
        assert!(p["transfer"].is_null(), "nothing more to transfer");
        let res = reqwest::Client::new().post(app.url(&format!("{pay_path}/online"))).bearer_auth(&at).send().await.unwrap();
        assert_eq!(res.status(), 409, "paid: nothing to pay online");

        // The independent client, now with the citizen's token: every answer as described.
        crate::api::schemathesis(&app, Some(&at)).await;
        assert_eq!(with_token(&app, &at, "/api/v1/tenants/solingen/me").await.0, 200);

        // The token is for this portal only.
        assert_eq!(with_token(&app, &at, "/api/v1/tenants/soest/me").await.0, 401);
        assert_eq!(with_token(&app, "kein-token", "/api/v1/tenants/solingen/me").await.0, 401);
        let anonymous = reqwest::get(app.url("/api/v1/tenants/solingen/applications")).await.unwrap();
        assert_eq!(anonymous.status(), 401);

        // Refresh: a new pair; the old refresh token used again ends the access.
        let old_refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
        let refresh = |rt: String| {
            let app = &app;
            async move { token(app, &[("grant_type", "refresh_token"), ("client_id", APP), ("refresh_token", rt.as_str())]).await }
        };
        let (status, renewed) = refresh(old_refresh.clone()).await;
        assert_eq!(status, 200, "{renewed}");
        assert_eq!(with_token(&app, &access(&renewed), "/api/v1/tenants/solingen/me").await.0, 200);
        let (status, again) = refresh(old_refresh).await;
        assert_eq!((status, again["error"].as_str()), (400, Some("invalid_grant")));
        assert_eq!(with_token(&app, &access(&renewed), "/api/v1/tenants/solingen/me").await.0, 401,
            "a refresh token used twice ends the whole access");

        // A code used twice ends what was given for it.
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let (_, first) = exchange(&app, &code, &verifier, &redirect).await;
        assert_eq!(with_token(&app, &access(&first), "/api/v1/tenants/solingen/me").await.0, 200);
        let (status, second) = exchange(&app, &code, &verifier, &redirect).await;
        assert_eq!((status, second["error"].as_str()), (400, Some("invalid_grant")));
        assert_eq!(with_token(&app, &access(&first), "/api/v1/tenants/solingen/me").await.0, 401);

        // The app logs out (RFC 7009), and "log out everywhere" on the web ends apps too.
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let (_, t1) = exchange(&app, &code, &verifier, &redirect).await;
        let res = reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/revoke"))
            .form(&[("token", t1["refresh_token"].as_str().unwrap()), ("client_id", APP)]).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(with_token(&app, &access(&t1), "/api/v1/tenants/solingen/me").await.0, 401);
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let (_, t2) = exchange(&app, &code, &verifier, &redirect).await;
        assert_eq!(with_token(&app, &access(&t2), "/api/v1/tenants/solingen/me").await.0, 200);
        let html = decode_html(&erika.get(app.url("/solingen/mein-bereich")).send().await.unwrap().text().await.unwrap());
        let csrf = csrf_token(&html).unwrap();
        let res = erika.post(app.url("/solingen/abmelden/ueberall")).form(&[("_csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(res.status(), 200, "the logged-out page");
        let (status, _) = with_token(&app, &access(&t2), "/api/v1/tenants/solingen/me").await;
        assert_eq!(status, 401, "log out everywhere includes the apps");
        let (status, ended) = refresh(t2["refresh_token"].as_str().unwrap().to_owned()).await;
        assert_eq!((status, ended["error"].as_str()), (400, Some("invalid_grant")));
    }
}

both_backends! {
    async fn a_guest_follows_one_application_in_the_app_and_bad_requests_go_nowhere(b: Backend) {
        let (app, _provider, _dir) = app_with_login(b).await;
        let guest = client();
        let receipt = submit_seed_form(&app, &guest, "solingen/verpflichtungserklaerung", &seed_steps("solingen/verpflichtungserklaerung")).await;
        let html = decode_html(&guest.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        let i = html.find("class=\"reference\">").unwrap() + 18;
        let reference = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let i = html.find("class=\"access-code-value\">").unwrap() + 26;
        let code = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let guest_token = |code: String| {
            let app = &app;
            let reference = reference.clone();
            async move {
                token(app, &[("grant_type", "urn:rathaus:grant-type:access-code"), ("client_id", APP),
                    ("reference", reference.as_str()), ("access_code", code.as_str())]).await
            }
        };
        let (status, wrong) = guest_token("AAAA-AAAA-AAAA".into()).await;
        assert_eq!((status, wrong["error"].as_str()), (400, Some("invalid_grant")));
        let (status, tokens) = guest_token(code).await;
        assert_eq!(status, 200, "{tokens}");
        assert_eq!(tokens["scope"], "application");
        let at = access(&tokens);
        let (_, me) = with_token(&app, &at, "/api/v1/tenants/solingen/me").await;
        assert_eq!(me["kind"], "guest");
        let (_, list) = with_token(&app, &at, "/api/v1/tenants/solingen/applications").await;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["reference"].as_str(), Some(reference.as_str()));
        let (status, _) = with_token(&app, &at, items[0]["href"].as_str().unwrap()).await;
        assert_eq!(status, 200);
        // Another citizen's application stays "not found" for the guest's token.
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (other, _) = apply_meldebescheinigung(&app, &erika).await;
        let (status, p) = with_token(&app, &at, &format!("/api/v1/tenants/solingen/applications/{other}")).await;
        assert_eq!((status, p["code"].as_str()), (404, Some("not-found")));
        // The application is now the app's: the browser that held it needs the code again.
        assert!(html.contains("access-code-value"));
        let again = decode_html(&guest.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        assert!(!again.contains("access-code-value"), "the browser lost it: {again}");

        // Requests the portal will not act on never reach an address the app did not register.
        let (port, _l) = loopback();
        let (_, challenge) = pkce();
        let good = format!("http://127.0.0.1:{port}/rueckkehr");
        for (uri, client_id, why) in [
            ("https://evil.example/cb", APP, "Rücksprungadresse"),
            (good.as_str(), "unbekannte-app", "nicht bekannt"),
        ] {
            let url = authorize(uri, &challenge, "s").replace(APP, client_id);
            let res = client().get(app.url(&url)).send().await.unwrap();
            assert_eq!(res.status(), 400, "{uri}");
            assert!(decode_html(&res.text().await.unwrap()).contains(why));
        }
        // A known app and address with a broken request: the app is told there.
        let url = authorize(&good, "zu-kurz", "s");
        let res = client().get(app.url(&url)).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let to = res.headers()["location"].to_str().unwrap();
        assert!(to.starts_with(&good) && to.contains("error=invalid_request") && to.contains("state=s"), "{to}");
        let (status, e) = token(&app, &[("grant_type", "authorization_code"), ("client_id", "unbekannt"),
            ("code", "x"), ("redirect_uri", &good), ("code_verifier", "y")]).await;
        assert_eq!((status, e["error"].as_str()), (401, Some("invalid_client")));
        let (status, e) = token(&app, &[("grant_type", "password"), ("client_id", APP)]).await;
        assert_eq!((status, e["error"].as_str()), (400, Some("unsupported_grant_type")));
    }
}

/// The API's routes that take a token: every declared `/api/v1/tenants/{tenant}/…` GET
/// route with an id, and the citizen's own lists (enumerated, not hand-picked).
fn token_routes() -> Vec<&'static str> {
    rathaus_web::paths::ALL
        .iter()
        .filter(|r| {
            r.pattern.starts_with("/api/v1/tenants/{tenant}/") && r.methods.contains(&"GET")
        })
        .map(|r| r.pattern)
        .filter(|p| {
            p.contains("{id}")
                || p.ends_with("/me")
                || p.ends_with("/applications")
                || p.ends_with("/appointments")
                || p.ends_with("/notices")
        })
        .collect()
}

both_backends! {
    async fn only_the_owners_token_opens_its_application_on_any_api_route(b: Backend) {
        let (app, _provider, dir) = app_with_login(b).await;
        let erika = client();
        login(&app, &erika, "solingen", "erika").await;
        let (did, reference) = apply_meldebescheinigung(&app, &erika).await;
        let pdf = dir.path().join("a.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n%%EOF\n").unwrap();
        let (ok, out) = run_cli(&app, &["postkorb", "send", "--tenant", "solingen", "--reference", &reference,
            "--subject", "NUR-FUER-ERIKA", "--body", "GEHEIM-TEXT", "--attach", pdf.to_str().unwrap()]);
        assert!(ok, "{out}");
        let mid = sql_strings(&app, &format!("SELECT id FROM messages WHERE draft_id = '{did}'")).await.remove(0);
        let fid = sql_strings(&app, &format!("SELECT id FROM files WHERE message_id = '{mid}'")).await.remove(0);
        let phone = client();
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let owner = access(&exchange(&app, &code, &verifier, &redirect).await.1);

        // The others: another account, a guest of another application, an expired and a
        // revoked token of the owner, an unknown token, none.
        let max = client();
        let (code, verifier, redirect) = app_code(&app, &max, "max").await;
        let other_account = access(&exchange(&app, &code, &verifier, &redirect).await.1);
        let guest = client();
        let receipt = submit_seed_form(&app, &guest, "solingen/verpflichtungserklaerung", &seed_steps("solingen/verpflichtungserklaerung")).await;
        let html = decode_html(&guest.get(app.url(&receipt)).send().await.unwrap().text().await.unwrap());
        let i = html.find("class=\"reference\">").unwrap() + 18;
        let guest_ref = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let i = html.find("class=\"access-code-value\">").unwrap() + 26;
        let guest_code = html[i..i + html[i..].find('<').unwrap()].to_owned();
        let other_guest = access(&token(&app, &[("grant_type", "urn:rathaus:grant-type:access-code"), ("client_id", APP),
            ("reference", guest_ref.as_str()), ("access_code", guest_code.as_str())]).await.1);
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let expired = access(&exchange(&app, &code, &verifier, &redirect).await.1);
        let hash = hex::encode(Sha256::digest(expired.as_bytes()));
        crate::support::sql(&app, &format!("UPDATE app_tokens SET expires_at = 1 WHERE id_hash = '{hash}'")).await;
        let (code, verifier, redirect) = app_code(&app, &phone, "erika").await;
        let revoked_pair = exchange(&app, &code, &verifier, &redirect).await.1;
        let revoked = access(&revoked_pair);
        reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/revoke"))
            .form(&[("token", revoked.as_str()), ("client_id", APP)]).send().await.unwrap();

        // Erika books an appointment in the app (her account's).
        let day = reqwest::Client::new().get(app.url("/api/v1/tenants/solingen/appointments/available-days?officeId=auslaenderbehoerde&serviceId=beratung"))
            .send().await.unwrap().json::<Value>().await.unwrap()["availableDays"][0]["time"].as_str().unwrap().to_owned();
        let at = reqwest::Client::new().get(app.url(&format!("/api/v1/tenants/solingen/appointments/available-appointments?officeId=auslaenderbehoerde&serviceId=beratung&date={day}")))
            .send().await.unwrap().json::<Value>().await.unwrap()["offices"][0]["appointments"][0].as_i64().unwrap();
        let booked: Value = reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/appointments")).bearer_auth(&owner)
            .json(&serde_json::json!({"officeId": "auslaenderbehoerde", "serviceId": ["beratung"], "timestamp": at,
                "familyName": "Erika NUR-FUER-ERIKA", "email": "erika@example.org", "consent": true}))
            .send().await.unwrap().json().await.unwrap();
        let appointment = booked["processId"].as_str().expect("booked").to_owned();
        // And a notice of her account (as the Fundbüro or the ID status would write it).
        let account = crate::support::sql_strings(&app, &format!("SELECT account_id FROM drafts WHERE id = '{did}'")).await.remove(0);
        let notice = uuid::Uuid::new_v4().to_string();
        crate::support::sql(&app, &format!("INSERT INTO account_notices (id, tenant_id, account_id, kind, subject, body, created_at) \
            VALUES ('{notice}', 'solingen', '{account}', 'found-match', 'Fundsache NUR-FUER-ERIKA', 'GEHEIM-TEXT', 1)")).await;
        // And a moving folder of hers, made in the app.
        let moving = jiff::Zoned::now().date().checked_add(jiff::Span::new().days(30)).unwrap().to_string();
        let made: Value = reqwest::Client::new().post(app.url("/api/v1/tenants/solingen/folders")).bearer_auth(&owner)
            .json(&serde_json::json!({"plan": "umzug-in-solingen", "consent": true, "answers": {
                "umzugsdatum": moving, "vorname": "Erika", "nachname": "NUR-FUER-ERIKA",
                "neue_anschrift": {"street": "Kasinostraße", "house_number": "3", "postal_code": "42651", "city": "Solingen"},
                "bewohnerzone": true, "auto": true}}))
            .send().await.unwrap().json().await.unwrap();
        let folder = made["id"].as_str().expect("folder made").to_owned();
        let id_of = |pattern: &str| if pattern.contains("/appointments/") {
            appointment.clone()
        } else if pattern.contains("/notices/") {
            notice.clone()
        } else if pattern.contains("/folders/") {
            folder.clone()
        } else {
            did.clone()
        };

        let routes = token_routes();
        assert!(routes.len() >= 4, "{routes:?}");
        let markers = [reference.as_str(), "NUR-FUER-ERIKA", "GEHEIM-TEXT"];
        let mut wrong = Vec::new();
        for pattern in &routes {
            for tenant in ["solingen", "soest"] {
                let path = pattern.replace("{tenant}", tenant).replace("{id}", &id_of(pattern)).replace("{message}", &mid).replace("{file}", &fid).replace("{item}", "ummeldung");
                for (who, token) in [
                    ("owner", Some(owner.as_str())),
                    ("another account", Some(other_account.as_str())),
                    ("another guest", Some(other_guest.as_str())),
                    ("expired", Some(expired.as_str())),
                    ("revoked", Some(revoked.as_str())),
                    ("unknown", Some("0123456789abcdef0123456789abcdef")),
                    ("none", None),
                ] {
                    let mut req = reqwest::Client::new().get(app.url(&path));
                    if let Some(t) = token {
                        req = req.bearer_auth(t);
                    }
                    let res = req.send().await.unwrap();
                    let status = res.status().as_u16();
                    let body = res.text().await.unwrap();
                    let leaked = markers.iter().any(|m| body.contains(m));
                    let owner_here = who == "owner" && tenant == "solingen";
                    // The draft of a submitted application is checked no more (409); a
                    // file and the receipt PDF are the owner's bytes, not JSON with markers.
                    let bytes = path.contains("/files/") || path.ends_with("/receipt") || path.ends_with("/ics");
                    let expected = if path.ends_with("/check") { 409 } else { 200 };
                    // The fee names no marker (only amounts and the creditor reference).
                    let says = path.ends_with("/me") || path.ends_with("/payment") || bytes || expected != 200;
                    if owner_here && (status != expected || (!says && !leaked)) {
                        wrong.push(format!("the owner does not get {path}: {status} {body}"));
                    }
                    if !owner_here && leaked {
                        wrong.push(format!("{who} gets {path}: {status}"));
                    }
                    if !owner_here && status < 500 && status != 404 && status != 401 && (path.contains(&id_of(pattern)) || tenant == "soest") {
                        wrong.push(format!("{who} opens {path}"));
                    }
                }
            }
        }
        // Every route that changes an application or draft: nobody but the owner gets past
        // the access check (each with a body that would be accepted from the owner).
        let writes: Vec<_> = rathaus_web::paths::ALL
            .iter()
            .filter(|r| r.pattern.starts_with("/api/v1/tenants/{tenant}/") && r.pattern.contains("{id}"))
            .flat_map(|r| r.methods.iter().filter(|m| **m != "GET").map(move |m| (*m, r.pattern)))
            .collect();
        assert!(writes.len() >= 5, "{writes:?}");
        for (method, pattern) in &writes {
            let path = pattern.replace("{tenant}", "solingen").replace("{id}", &id_of(pattern))
                .replace("{step}", "wunsch").replace("{field}", "nachweis").replace("{item}", "ummeldung");
            for (who, token) in [
                ("another account", Some(other_account.as_str())),
                ("another guest", Some(other_guest.as_str())),
                ("expired", Some(expired.as_str())),
                ("revoked", Some(revoked.as_str())),
                ("none", None),
            ] {
                let mut req = reqwest::Client::new().request(method.parse().unwrap(), app.url(&path));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                req = if path.contains("/files/") {
                    req.header("content-type", "application/octet-stream").body(b"%PDF-1.4\n".to_vec())
                } else if path.ends_with("/messages") {
                    req.json(&serde_json::json!({"text": "FREMDE-ANTWORT"}))
                } else if path.ends_with("/cancel") {
                    req.json(&serde_json::json!({}))
                } else if path.contains("/appointments/") {
                    req.json(&serde_json::json!({"timestamp": at}))
                } else if path.ends_with("/submit") {
                    req.json(&serde_json::json!({"consent": true, "truth": true}))
                } else {
                    req.json(&serde_json::json!({"answers": {}}))
                };
                let status = req.send().await.unwrap().status().as_u16();
                if status != 404 && status != 401 {
                    wrong.push(format!("{who} gets {method} {path}: {status}"));
                }
            }
        }
        let (_, mine) = with_token(&app, &owner, "/api/v1/tenants/solingen/appointments").await;
        assert_eq!(mine["items"][0]["status"], "booked", "nobody else moved or cancelled it: {mine}");
        assert_eq!(mine["items"][0]["timestamp"], at);
        let (_, a) = with_token(&app, &owner, &format!("/api/v1/tenants/solingen/applications/{did}")).await;
        assert_eq!(a["status"], "received", "{a}");
        assert!(!a.to_string().contains("FREMDE-ANTWORT") && a["messages"].as_array().unwrap().len() == 1, "{a}");
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
        assert!(revoked_pair["refresh_token"].is_string());
    }
}
