//! Configuration: defaults, then an optional TOML file, then `RATHAUS_*` environment
//! variables (highest precedence). The defaults need no configuration at all.

use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Address to listen on (`RATHAUS_LISTEN`).
    pub listen: SocketAddr,
    /// Where the embedded database and files live (`RATHAUS_DATA_DIR`).
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…` (`RATHAUS_DATABASE_URL`); default: SQLite in `data_dir`.
    pub database_url: Option<String>,
    /// Definitions folder (`RATHAUS_DEFINITIONS`); default: the built-in demo.
    pub definitions: Option<PathBuf>,
    /// Bearer token for `POST /admin/reload` (`RATHAUS_ADMIN_TOKEN`); unset disables it.
    pub admin_token: Option<String>,
    /// `text` or `json` (`RATHAUS_LOG_FORMAT`).
    pub log_format: String,
    /// Log filter, e.g. `info` or `debug,sqlx=warn` (`RATHAUS_LOG`).
    pub log: String,
    /// Seconds before a request is answered with 408/503 (`RATHAUS_REQUEST_TIMEOUT_SECS`).
    pub request_timeout_secs: u64,
    /// Largest accepted request body in bytes (`RATHAUS_MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
    /// Memory for rendered catalogue pages in bytes; 0 disables (`RATHAUS_PAGE_CACHE_BYTES`).
    pub page_cache_bytes: u64,
    /// SMTP server for mail, e.g. `smtp://mail.example:25` or `smtps://user:pw@host`
    /// (`RATHAUS_SMTP_URL`); unset: mails are written as files to `<data_dir>/mail`.
    pub smtp_url: Option<String>,
    /// Sender of mails (`RATHAUS_MAIL_FROM`).
    pub mail_from: String,
    /// Upper bound of all uploaded files of one application, in bytes
    /// (`RATHAUS_MAX_UPLOAD_BYTES_PER_APPLICATION`).
    pub max_upload_bytes_per_application: u64,
    /// Where uploaded files are kept (`RATHAUS_FILE_STORE`): unset for `<data_dir>/files`,
    /// or `s3://bucket[/prefix]` for S3-compatible storage configured by the standard
    /// `AWS_*` variables (credentials, `AWS_REGION`, `AWS_ENDPOINT_URL`, `AWS_ALLOW_HTTP`).
    pub file_store: Option<String>,
    /// Attempts before a mail or delivery is parked (`RATHAUS_OUTBOX_MAX_ATTEMPTS`).
    pub outbox_max_attempts: i64,
    /// First retry delay in seconds, doubling per attempt (`RATHAUS_OUTBOX_RETRY_SECS`).
    pub outbox_retry_secs: u64,
    /// Longest wait in seconds for a receiving system's answer during a hand-over
    /// (`RATHAUS_DELIVERY_TIMEOUT_SECS`).
    pub delivery_timeout_secs: u64,
    /// Seconds a claimed mail or delivery stays reserved for the worker sending it; after a
    /// crash it is sent again once this has passed (`RATHAUS_OUTBOX_LEASE_SECS`). Kept above
    /// the delivery timeout.
    pub outbox_lease_secs: u64,
    /// Web Push endpoints may be `http` and on this machine or a private network
    /// (`RATHAUS_PUSH_ALLOW_LOCAL`; development and tests only: in production an app's
    /// endpoint must be `https` on a public host, so the portal posts nowhere internal).
    pub push_allow_local: bool,
    /// API requests per network address and minute (`RATHAUS_API_REQUESTS_PER_MINUTE`);
    /// beyond it the API answers 429 with `Retry-After`.
    pub api_requests_per_minute: u32,
    /// Origins whose web pages may call the API from script, comma-separated
    /// (`RATHAUS_API_CORS_ORIGINS`, e.g. `https://app.solingen.example`); none by default.
    pub api_cors_origins: Option<String>,
    /// Seconds between looks at online payments that are still pending (the citizen may
    /// have paid and never come back); they are asked about once this old
    /// (`RATHAUS_PAYMENT_POLL_SECS`).
    pub payment_poll_secs: u64,
    /// The address citizens' browsers use to reach the portal, e.g.
    /// `https://service.soest.de` (`RATHAUS_PUBLIC_URL`); default `http://<listen>`. Login
    /// redirects and links in mails are built from it.
    pub public_url: Option<String>,
    /// Header in which a trusted reverse proxy passes the client's address, e.g.
    /// `X-Forwarded-For` (its last entry counts); unset: the connection's address
    /// (`RATHAUS_CLIENT_IP_HEADER`). Used for the booking limit per address.
    pub client_ip_header: Option<String>,
    /// Seconds between looks for appointment reminders to send (`RATHAUS_REMINDER_POLL_SECS`).
    pub reminder_poll_secs: u64,
    /// Identity providers for citizen login (`[[oidc]]` tables in the TOML file); none:
    /// citizens apply as guests only.
    pub oidc: Vec<OidcConfig>,
}

/// One OpenID Connect provider (Servicekonto.NRW, BundID via a bridge, Keycloak …).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// Short name, e.g. `servicekonto`.
    pub name: String,
    /// What the login button says, e.g. `Servicekonto.NRW`.
    pub label: String,
    /// Issuer URL; the provider's metadata is discovered from it.
    pub issuer: String,
    pub client_id: String,
    /// Name of the environment variable holding the client secret (never the secret
    /// itself in a file); unset for public clients (PKCE only).
    #[serde(default)]
    pub client_secret_env: Option<String>,
    /// Tenants that log in here; empty: all.
    #[serde(default)]
    pub tenants: Vec<String>,
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// The ID-token claim with the eIDAS level (`acr` is read when it is missing).
    #[serde(default = "default_level_claim")]
    pub level_claim: String,
    /// `true`: the municipality's staff directory (e.g. Keycloak, AD FS), used for the
    /// back office only; a separate client from the citizens' one.
    #[serde(default)]
    pub staff: bool,
    /// The ID-token claim with the staff member's groups, such as
    /// `/solingen/auslaenderbehoerde/sachbearbeitung` (staff providers only).
    #[serde(default = "default_groups_claim")]
    pub groups_claim: String,
}

fn default_groups_claim() -> String {
    "groups".into()
}

fn default_scopes() -> Vec<String> {
    ["openid", "profile", "email", "address"]
        .map(str::to_owned)
        .to_vec()
}

fn default_level_claim() -> String {
    "eidas_level".into()
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("rathaus-data"),
            database_url: None,
            definitions: None,
            admin_token: None,
            log_format: "text".into(),
            log: "info,sqlx=warn,tower_http=warn".into(),
            request_timeout_secs: 30,
            max_body_bytes: 64 * 1024,
            page_cache_bytes: 8 * 1024 * 1024,
            smtp_url: None,
            mail_from: "Rathaus Demo <no-reply@rathaus.invalid>".into(),
            max_upload_bytes_per_application: 50 * 1024 * 1024,
            file_store: None,
            outbox_max_attempts: 10,
            outbox_retry_secs: 30,
            delivery_timeout_secs: 30,
            outbox_lease_secs: 300,
            payment_poll_secs: 300,
            push_allow_local: false,
            api_requests_per_minute: 1200,
            api_cors_origins: None,
            public_url: None,
            client_ip_header: None,
            reminder_poll_secs: 60,
            oidc: Vec::new(),
        }
    }
}

impl Config {
    /// The configured file storage.
    pub fn blob_store(&self) -> Result<rathaus_store::BlobStore, String> {
        let local = self.data_dir.join("files");
        match self.file_store.as_deref().filter(|s| !s.is_empty()) {
            None => Ok(rathaus_store::BlobStore::local(&local)),
            Some(url) => rathaus_store::BlobStore::s3(url, &local.join("tmp")),
        }
    }

    /// Defaults < `file` (if given, else `rathaus.toml` if present) < environment.
    pub fn load(file: Option<&Path>) -> Result<Config, Box<figment::Error>> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(f) => fig = fig.merge(Toml::file_exact(f)),
            None => fig = fig.merge(Toml::file("rathaus.toml")),
        }
        // RATHAUS_CONFIG names the file; RATHAUS_TEST_* belong to the test suite.
        let env = Env::prefixed("RATHAUS_")
            .ignore(&["config"])
            .filter(|k| !k.starts_with("test_"));
        let config: Config = fig.merge(env).extract().map_err(Box::new)?;
        if config.log_format != "text" && config.log_format != "json" {
            return Err(Box::new(figment::Error::from(format!(
                "log_format must be \"text\" or \"json\", not {:?}",
                config.log_format
            ))));
        }
        Ok(config)
    }

    pub fn public_url(&self) -> String {
        self.public_url
            .clone()
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| format!("http://{}", self.listen))
    }

    /// The identity providers, with their secrets read from the environment.
    pub fn oidc_settings(&self) -> Result<Vec<rathaus_web::OidcSettings>, String> {
        self.oidc
            .iter()
            .map(|o| {
                let client_secret = match &o.client_secret_env {
                    Some(var) => Some(std::env::var(var).map_err(|_| {
                        format!(
                            "OIDC provider {}: environment variable {var} is not set",
                            o.name
                        )
                    })?),
                    None => None,
                };
                Ok(rathaus_web::OidcSettings {
                    name: o.name.clone(),
                    label: o.label.clone(),
                    issuer: o.issuer.clone(),
                    client_id: o.client_id.clone(),
                    client_secret,
                    tenants: o.tenants.clone(),
                    scopes: o.scopes.clone(),
                    level_claim: o.level_claim.clone(),
                    staff: o.staff,
                    groups_claim: o.groups_claim.clone(),
                })
            })
            .collect()
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("rathaus.db").display()))
    }
}
