//! `TestApp`: starts the real binary as a child process and talks HTTP to it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per storage backend.
#[macro_export]
macro_rules! both_backends {
    ($(#[$m:meta])* async fn $name:ident($b:ident: Backend) $body:block) => {
        mod $name {
            use super::*;
            async fn run($b: Backend) $body
            #[tokio::test]
            async fn sqlite() { run(Backend::Sqlite).await }
            #[tokio::test]
            async fn postgres() { run(Backend::Postgres).await }
        }
    };
}

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

pub fn demo_definitions() -> PathBuf {
    workspace_root().join("demo/definitions")
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_rathaus"))
}

/// PostgreSQL server for tests: `RATHAUS_TEST_PG` (set by scripts/test), else the local default.
pub fn pg_server_url() -> String {
    std::env::var("RATHAUS_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates a fresh, empty PostgreSQL database and returns its URL.
pub async fn fresh_pg_database() -> String {
    use sqlx::Connection;
    let server = pg_server_url();
    let mut conn = sqlx::PgConnection::connect(&server)
        .await
        .unwrap_or_else(|e| {
            panic!("PostgreSQL not reachable at {server} ({e}); run scripts/test, which starts one")
        });
    let name = format!("rathaus_t_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    let base = server.rsplit_once('/').map(|(b, _)| b).unwrap_or(&server);
    format!("{base}/{name}")
}

pub struct TestApp {
    pub base: String,
    pub child: Child,
    pub data_dir: tempfile::TempDir,
    pub database_url: String,
    pub http: reqwest::Client,
    /// Everything the server printed on stderr (logs), collected in the background.
    pub log: std::sync::Arc<std::sync::Mutex<String>>,
}

pub struct Options {
    pub backend: Backend,
    pub definitions: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    /// Data folder and database of an earlier run (for restarts).
    reuse: Option<(tempfile::TempDir, String)>,
}

impl Options {
    pub fn new(backend: Backend) -> Self {
        Options {
            backend,
            definitions: None,
            // The tests run from one address; a test of the API's limit sets its own.
            env: vec![("RATHAUS_API_REQUESTS_PER_MINUTE".into(), "1000000".into())],
            reuse: None,
        }
    }
    pub fn definitions(mut self, dir: impl Into<PathBuf>) -> Self {
        self.definitions = Some(dir.into());
        self
    }
    pub fn env(mut self, k: &str, v: &str) -> Self {
        self.env.push((k.into(), v.into()));
        self
    }
}

impl TestApp {
    pub async fn start(backend: Backend) -> TestApp {
        Self::start_with(Options::new(backend)).await
    }

    pub async fn start_with(opts: Options) -> TestApp {
        Self::try_start(opts)
            .await
            .unwrap_or_else(|(code, log)| panic!("server did not start (exit {code:?}):\n{log}"))
    }

    /// Starts the server; on failure returns its exit code and output.
    pub async fn try_start(opts: Options) -> Result<TestApp, (Option<i32>, String)> {
        let (data_dir, database_url) = match opts.reuse {
            Some(r) => r,
            None => {
                let data_dir = tempfile::tempdir().unwrap();
                let url = match opts.backend {
                    Backend::Sqlite => {
                        format!("sqlite://{}", data_dir.path().join("rathaus.db").display())
                    }
                    Backend::Postgres => fresh_pg_database().await,
                };
                (data_dir, url)
            }
        };
        let mut cmd = Command::new(bin());
        cmd.arg("serve")
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RATHAUS_LISTEN", "127.0.0.1:0")
            .env("RATHAUS_DATA_DIR", data_dir.path())
            .env("RATHAUS_DATABASE_URL", &database_url)
            .env("RATHAUS_LOG", "info")
            .current_dir(data_dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(d) = &opts.definitions {
            cmd.env("RATHAUS_DEFINITIONS", d);
        }
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let log2 = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut l = log2.lock().unwrap();
                l.push_str(&line);
                l.push('\n');
            }
        });
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("rathaus listening on ") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let base = loop {
            if let Ok(url) = rx.try_recv() {
                break url;
            }
            if let Ok(Some(status)) = child.try_wait() {
                std::thread::sleep(Duration::from_millis(100));
                return Err((status.code(), log.lock().unwrap().clone()));
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                return Err((None, format!("timeout\n{}", log.lock().unwrap())));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        Ok(TestApp {
            base,
            child,
            data_dir,
            database_url,
            http,
            log,
        })
    }

    /// Kills the server with SIGKILL (no shutdown of any kind) and starts it again on the
    /// same data folder and database.
    pub async fn kill9_and_restart(mut self, backend: Backend) -> TestApp {
        self.signal("KILL");
        let _ = self.wait_exit(Duration::from_secs(10));
        let data_dir = std::mem::replace(&mut self.data_dir, tempfile::tempdir().unwrap());
        let url = self.database_url.clone();
        drop(self);
        let mut opts = Options::new(backend);
        opts.reuse = Some((data_dir, url));
        TestApp::start_with(opts).await
    }

    /// Like [`TestApp::kill9_and_restart`], with the options (environment, definitions) of
    /// the new process given.
    pub async fn kill9_and_restart_with(mut self, mut opts: Options) -> TestApp {
        self.signal("KILL");
        let _ = self.wait_exit(Duration::from_secs(10));
        let data_dir = std::mem::replace(&mut self.data_dir, tempfile::tempdir().unwrap());
        let url = self.database_url.clone();
        drop(self);
        opts.reuse = Some((data_dir, url));
        TestApp::start_with(opts).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.unwrap()
    }

    /// GET with a language preference header.
    pub async fn get_lang(&self, path: &str, accept: &str) -> reqwest::Response {
        self.http
            .get(self.url(path))
            .header("accept-language", accept)
            .send()
            .await
            .unwrap()
    }

    /// GET, assert 200, return the body.
    pub async fn page(&self, path: &str) -> String {
        let res = self.get(path).await;
        let status = res.status();
        let body = res.text().await.unwrap();
        assert_eq!(status, 200, "GET {path}: {status}\n{body}");
        body
    }

    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .args([format!("-{sig}"), self.child.id().to_string()])
            .status()
            .unwrap()
            .success();
        assert!(ok, "kill -{sig} failed");
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits until the process exits; returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies a folder recursively (for tests that edit definitions).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// All `href="…"` values of a page that point into the portal.
pub fn local_links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("href=\"") {
        rest = &rest[i + 6..];
        if let Some(end) = rest.find('"') {
            let href = rest[..end].replace("&amp;", "&").replace("&#x2f;", "/");
            if href.starts_with('/') && !href.starts_with("//") {
                out.push(href);
            }
            rest = &rest[end..];
        }
    }
    out
}

/// Percent-encodes a query value (UTF-8).
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Fails unless `pdf` is a valid PDF/A-1b file according to Apache PDFBox Preflight
/// (installed by `scripts/test` from Debian's libpdfbox2-java).
pub fn assert_pdf_a(pdf: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let jars = [
        "preflight",
        "pdfbox2",
        "fontbox2",
        "xmpbox",
        "commons-logging",
        "javax.activation",
        "jaxb-api",
    ];
    let cp: Vec<String> = jars
        .iter()
        .map(|j| format!("/usr/share/java/{j}.jar"))
        .collect();
    let out = Command::new("java")
        .arg("-cp")
        .arg(cp.join(":"))
        .arg("org.apache.pdfbox.preflight.Validator_A1b")
        .arg(&path)
        .output()
        .expect("java (PDFBox Preflight) — run scripts/test to install it");
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && report.contains("is a valid PDF/A-1b file"),
        "not PDF/A-1b: {report} {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Validates `xml` against the schema at `schema` (relative to the workspace) with libxml2's
/// xmllint (installed by `scripts/test`); panics with xmllint's report and the document.
pub fn assert_valid_xml(xml: &str, schema: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.xml");
    std::fs::write(&path, xml).unwrap();
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(workspace_root().join(schema))
        .arg(&path)
        .output()
        .expect("xmllint (libxml2-utils, installed by scripts/test)");
    assert!(
        out.status.success(),
        "xmllint against {schema}: {}\n{xml}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The text of a PDF, by poppler's pdftotext.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) — run scripts/test to install it");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A real S3-compatible server (moto, installed by `scripts/test` into `tests/s3/venv`) on
/// a free loopback port, with one empty bucket. Killed when dropped.
pub struct S3Server {
    child: Child,
    pub endpoint: String,
    pub bucket: String,
}

impl S3Server {
    pub async fn start() -> S3Server {
        let exe = workspace_root().join("tests/s3/venv/bin/moto_server");
        assert!(
            exe.exists(),
            "{} missing — run scripts/test to install moto",
            exe.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(exe)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let endpoint = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(30);
        let bucket = "rathaus-test".to_owned();
        loop {
            if let Ok(res) = http.put(format!("{endpoint}/{bucket}")).send().await {
                assert!(res.status().is_success(), "create bucket: {}", res.status());
                break;
            }
            assert!(Instant::now() < deadline, "moto did not start");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        S3Server {
            child,
            endpoint,
            bucket,
        }
    }

    /// Server settings for a Rathaus that keeps its files under `prefix` in the bucket.
    pub fn options(&self, opts: Options, prefix: &str) -> Options {
        opts.env(
            "RATHAUS_FILE_STORE",
            &format!("s3://{}/{prefix}", self.bucket),
        )
        .env("AWS_ACCESS_KEY_ID", "rathaus-test")
        .env("AWS_SECRET_ACCESS_KEY", "rathaus-test")
        .env("AWS_REGION", "eu-central-1")
        .env("AWS_ENDPOINT_URL", &self.endpoint)
        .env("AWS_ALLOW_HTTP", "true")
    }

    /// The keys in the bucket.
    pub async fn keys(&self) -> Vec<String> {
        let xml = reqwest::get(format!("{}/{}?list-type=2", self.endpoint, self.bucket))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        xml.split("<Key>")
            .skip(1)
            .filter_map(|k| k.split_once("</Key>").map(|(k, _)| k.to_owned()))
            .collect()
    }

    /// Stops the server (to test what happens while storage is down).
    pub fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// HTML with the escapes minijinja writes turned back (for searching rendered pages).
pub fn decode_html(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
}

/// The CSRF token of the first form on a page, if there is one.
pub fn csrf_token(html: &str) -> Option<String> {
    let i = html.find("name=\"_csrf\" value=\"")? + 20;
    html.get(i..i + 32).map(str::to_owned)
}

/// A free TCP port on 127.0.0.1 (bound and released; the tiny race is acceptable in tests).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A real OpenID Connect provider (npm oidc-provider, `tests/oidc/provider.mjs`) on loopback.
pub struct OidcProvider {
    pub issuer: String,
    child: Child,
}

impl OidcProvider {
    /// Starts the provider with the client `rathaus` for an app listening on `app_port`
    /// (every demo tenant's redirect URI), and a second client `andere` (another service).
    pub async fn start(app_port: u16) -> OidcProvider {
        let port = free_port();
        let redirects: Vec<String> = ["solingen", "soest", "kreis-soest", "kreis-paderborn"]
            .iter()
            .map(|t| format!("http://127.0.0.1:{app_port}/{t}/anmelden/rueckkehr"))
            .collect();
        let staff_redirects: Vec<String> = ["solingen", "soest", "kreis-soest", "kreis-paderborn"]
            .iter()
            .map(|t| format!("http://127.0.0.1:{app_port}/{t}/verwaltung/anmelden/rueckkehr"))
            .collect();
        let clients = serde_json::json!([
            {"client_id": "rathaus", "redirect_uris": redirects},
            {"client_id": "andere", "redirect_uris": redirects},
            {"client_id": "verwaltung", "client_secret": "test-only-staff-secret", "redirect_uris": staff_redirects},
        ]);
        let child = Command::new("node")
            .arg(workspace_root().join("tests/oidc/provider.mjs"))
            .env("PORT", port.to_string())
            .env("OIDC_CLIENTS", clients.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("node (installed by scripts/test)");
        let issuer = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..200 {
            if let Ok(r) = http
                .get(format!("{issuer}/.well-known/openid-configuration"))
                .send()
                .await
            {
                if r.status().is_success() {
                    return OidcProvider { issuer, child };
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let mut child = child;
        let _ = child.kill();
        let _ = child.wait();
        panic!("oidc-provider did not start");
    }

    /// Options for an app on `app_port` that logs citizens in here.
    pub fn options(&self, opts: Options, app_port: u16, dir: &Path) -> Options {
        let toml = dir.join("rathaus-oidc.toml");
        std::fs::write(
            &toml,
            format!(
                "[[oidc]]\nname = \"servicekonto\"\nlabel = \"Servicekonto (Test)\"\nissuer = \"{0}\"\nclient_id = \"rathaus\"\nscopes = [\"openid\", \"profile\", \"email\", \"address\", \"eidas\"]\n\n\
                 [[oidc]]\nname = \"verzeichnis\"\nlabel = \"Verzeichnis (Test)\"\nissuer = \"{0}\"\nclient_id = \"verwaltung\"\nclient_secret_env = \"RATHAUS_TEST_STAFF_SECRET\"\nstaff = true\nscopes = [\"openid\", \"profile\", \"groups\"]\n",
                self.issuer
            ),
        )
        .unwrap();
        opts.env("RATHAUS_LISTEN", &format!("127.0.0.1:{app_port}"))
            .env(
                "RATHAUS_PUBLIC_URL",
                &format!("http://127.0.0.1:{app_port}"),
            )
            .env("RATHAUS_CONFIG", toml.to_str().unwrap())
            .env("RATHAUS_TEST_STAFF_SECRET", "test-only-staff-secret")
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs one SQL statement against the app's database (tests that move clocks).
pub async fn sql(app: &TestApp, query: &str) {
    if app.database_url.starts_with("sqlite:") {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(query).execute(&mut c).await.unwrap();
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(query).execute(&mut c).await.unwrap();
    }
}

/// Runs the `rathaus` binary with the app's database and data folder (operator commands).
pub fn run_cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = Command::new(bin())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RATHAUS_DATA_DIR", app.data_dir.path())
        .env("RATHAUS_DATABASE_URL", &app.database_url)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The first column (text) of every row of a query against the app's database.
pub async fn sql_strings(app: &TestApp, query: &str) -> Vec<String> {
    use sqlx::Row;
    if app.database_url.starts_with("sqlite:") {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(query)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect()
    } else {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&app.database_url)
            .await
            .unwrap();
        sqlx::query(query)
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect()
    }
}
