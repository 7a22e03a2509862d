//! The web face's state: the application core it calls, its own view of the loaded
//! definitions (templates, assets, page cache), and the reload of both as one.

use crate::kit::metrics::Metrics;
use crate::kit::site::Site;
use arc_swap::ArcSwap;
use rathaus_app::App;
use rathaus_defs::{Diagnostic, Source};
use rathaus_store::{Db, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// Settings of the HTTP layer.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Bearer token for `POST /admin/reload`; `None` disables the endpoint.
    pub admin_token: Option<String>,
    pub request_timeout: Duration,
    pub max_body_bytes: usize,
    /// Memory for rendered catalogue pages; 0 disables the cache.
    pub page_cache_bytes: u64,
    /// Where uploaded files are stored, and the limit per application.
    pub files: rathaus_app::FileStore,
    /// Identity providers for citizen login; none: only guests can apply.
    pub oidc: Vec<crate::kit::oidc::OidcSettings>,
    /// The portal's address as citizens' browsers reach it (for the login's redirect URI).
    pub public_url: String,
    /// Header a trusted reverse proxy sets to the client's address (its last entry counts),
    /// e.g. `x-forwarded-for`; unset: the connection's peer address.
    pub client_ip_header: Option<String>,
    /// Web Push endpoints may be local (development and tests only).
    pub push_allow_local: bool,
    /// API requests per network address and minute.
    pub api_requests_per_minute: u32,
    /// Origins whose web pages may call the API from script (CORS); none by default.
    pub api_cors_origins: Vec<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            admin_token: None,
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024,
            page_cache_bytes: 8 * 1024 * 1024,
            files: rathaus_app::FileStore {
                blobs: rathaus_store::BlobStore::local(std::path::Path::new("rathaus-data/files")),
                max_per_application: 50 * 1024 * 1024,
            },
            oidc: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            client_ip_header: None,
            push_allow_local: false,
            api_requests_per_minute: 1200,
            api_cors_origins: Vec::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{} problem(s) in the definitions", .0.len())]
    Definitions(Vec<Diagnostic>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error("{} problem(s) in the definitions; the previous set stays active", .0.len())]
    Definitions(Vec<Diagnostic>),
    #[error("{0}; the previous set stays active")]
    Store(#[from] StoreError),
}

pub struct AppState {
    /// The application core every handler calls.
    pub app: Arc<App>,
    site: ArcSwap<Site>,
    pub source: Source,
    pub config: WebConfig,
    pub metrics: Metrics,
    pub auth: crate::kit::oidc::Oidc,
    reload_lock: tokio::sync::Mutex<()>,
    /// Cancelled at shutdown: ends the display's event streams so the server can stop.
    pub shutdown: tokio_util::sync::CancellationToken,
    /// The API's requests per network address.
    pub api_limiter: crate::kit::rate::ApiLimiter,
}

impl AppState {
    /// Loads the definitions, starts the application core (migrations, definition
    /// versions) and returns the ready state.
    pub async fn start(
        source: Source,
        db: Db,
        config: WebConfig,
    ) -> Result<Arc<AppState>, StartError> {
        let (core, versions) = rathaus_app::Site::load(&source).map_err(StartError::Definitions)?;
        let core = Arc::new(core);
        let site =
            Site::build(core.clone(), config.page_cache_bytes).map_err(StartError::Definitions)?;
        let app = App::start(
            core,
            &versions,
            db,
            config.files.clone(),
            rathaus_app::AppConfig {
                public_url: config.public_url.clone(),
                push_allow_local: config.push_allow_local,
            },
        )
        .await?;
        crate::kit::csrf::init(app.keys.clone());
        let metrics = Metrics::new();
        metrics.set_services(site.catalog.service_count());
        Ok(Arc::new(AppState {
            app,
            site: ArcSwap::from_pointee(site),
            source,
            auth: crate::kit::oidc::Oidc::new(config.oidc.clone(), &config.public_url),
            api_limiter: crate::kit::rate::ApiLimiter::new(config.api_requests_per_minute),
            config,
            metrics,
            reload_lock: tokio::sync::Mutex::new(()),
            shutdown: tokio_util::sync::CancellationToken::new(),
        }))
    }

    /// The current site (cheap; hold it for the length of one request).
    pub fn site(&self) -> Arc<Site> {
        self.site.load_full()
    }

    /// Re-reads the definitions. On any problem the running set is kept unchanged.
    pub async fn reload(&self) -> Result<usize, ReloadError> {
        let _guard = self.reload_lock.lock().await;
        let source = self.source.clone();
        let cache_bytes = self.config.page_cache_bytes;
        let result = tokio::task::spawn_blocking(move || Site::load(&source, cache_bytes))
            .await
            .unwrap_or_else(|e| {
                Err(vec![Diagnostic::file(
                    "reload",
                    format!("loader panicked: {e}"),
                )])
            });
        let outcome = match result {
            Err(diags) => Err(ReloadError::Definitions(diags)),
            Ok((site, versions)) => match self.app.install(site.core.clone(), &versions).await {
                Err(e) => Err(ReloadError::Store(e)),
                Ok(()) => {
                    let n = site.catalog.service_count();
                    self.metrics.set_services(n);
                    self.site.store(Arc::new(site));
                    Ok(n)
                }
            },
        };
        self.metrics.reload(outcome.is_ok());
        match &outcome {
            Ok(n) => tracing::info!(services = n, "definitions reloaded"),
            Err(ReloadError::Definitions(diags)) => {
                for d in diags {
                    tracing::error!(%d, "definition problem");
                }
                tracing::error!("reload refused; previous definitions stay active");
            }
            Err(e) => tracing::error!(%e, "reload refused"),
        }
        outcome
    }
}
