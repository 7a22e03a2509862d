//! Shared application state and the reload of definitions.

use crate::metrics::Metrics;
use crate::site::Site;
use arc_swap::ArcSwap;
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
    pub files: crate::uploads::FileStore,
    /// Identity providers for citizen login; none: only guests can apply.
    pub oidc: Vec<crate::auth::OidcSettings>,
    /// The portal's address as citizens' browsers reach it (for the login's redirect URI).
    pub public_url: String,
    /// Header a trusted reverse proxy sets to the client's address (its last entry counts),
    /// e.g. `x-forwarded-for`; unset: the connection's peer address.
    pub client_ip_header: Option<String>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            admin_token: None,
            request_timeout: Duration::from_secs(30),
            max_body_bytes: 64 * 1024,
            page_cache_bytes: 8 * 1024 * 1024,
            files: crate::uploads::FileStore {
                blobs: rathaus_store::BlobStore::local(std::path::Path::new("rathaus-data/files")),
                max_per_application: 50 * 1024 * 1024,
            },
            oidc: Vec::new(),
            public_url: "http://127.0.0.1:8080".into(),
            client_ip_header: None,
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
    site: ArcSwap<Site>,
    pub db: Db,
    pub source: Source,
    pub config: WebConfig,
    pub metrics: Metrics,
    pub files: crate::uploads::FileStore,
    pub auth: crate::auth::Oidc,
    reload_lock: tokio::sync::Mutex<()>,
    /// Bookings per network address (appointments).
    pub bookings: crate::appointments::BookingLimiter,
    /// Cancelled at shutdown: ends the display's event streams so the server can stop.
    pub shutdown: tokio_util::sync::CancellationToken,
    /// The portal's secret key (derived codes, CSRF tokens).
    pub keys: rathaus_app::secrets::Keys,
    /// Tries of access and resume codes (lock-outs with growing delays).
    pub guesses: rathaus_app::guard::Guesses,
}

/// Submissions from before the back office lack their office, due date and applicant
/// name; the service definitions tell them (once, at start).
async fn backfill_cases(db: &Db, site: &Site) -> Result<(), rathaus_store::StoreError> {
    for (draft, tenant, service, submitted_at, answers) in db.cases_to_backfill().await? {
        // The responsible tenant's own portal offers its services, with the compiled form.
        let Some(o) = site.catalog.service(&tenant, &service) else {
            continue;
        };
        let answers: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&answers).unwrap_or_default();
        let name = o
            .form
            .map(|f| f.applicant_name(&answers))
            .unwrap_or_default();
        let due =
            submitted_at + i64::from(o.service.processing_time.days) * rathaus_app::clock::DAY_MS;
        db.backfill_case(&draft, o.service.office.as_str(), Some(due), &name)
            .await?;
    }
    Ok(())
}

impl AppState {
    /// Loads the definitions, records their versions and returns the ready state.
    pub async fn start(
        source: Source,
        db: Db,
        config: WebConfig,
    ) -> Result<Arc<AppState>, StartError> {
        let (site, versions) =
            Site::load(&source, config.page_cache_bytes).map_err(StartError::Definitions)?;
        db.migrate().await?;
        let keys = rathaus_app::secrets::Keys::load(&db).await?;
        crate::csrf::init(keys.clone());
        publish(&db, &site, &versions).await?;
        backfill_cases(&db, &site).await?;
        // Uploads cut off by a crash left spool files behind; none is in progress yet.
        match config
            .files
            .blobs
            .sweep_spool(Duration::from_secs(60))
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "removed spool files of cut-off uploads"),
            Err(e) => tracing::warn!(error = %e, "sweeping the upload spool failed"),
        }
        let metrics = Metrics::new();
        metrics.set_services(site.catalog.service_count());
        Ok(Arc::new(AppState {
            site: ArcSwap::from_pointee(site),
            db,
            source,
            files: config.files.clone(),
            auth: crate::auth::Oidc::new(config.oidc.clone(), &config.public_url),
            config,
            metrics,
            reload_lock: tokio::sync::Mutex::new(()),
            bookings: crate::appointments::BookingLimiter::default(),
            shutdown: tokio_util::sync::CancellationToken::new(),
            keys,
            guesses: rathaus_app::guard::Guesses::default(),
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
            Ok((site, versions)) => match publish(&self.db, &site, &versions).await {
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

async fn publish(
    db: &Db,
    site: &Site,
    versions: &[rathaus_store::ServiceVersion],
) -> Result<(), StoreError> {
    let tenants: Vec<(String, String)> = site
        .catalog
        .tenants()
        .map(|t| (t.id.to_string(), t.name.de.clone()))
        .collect();
    db.sync_tenants(&tenants).await?;
    let out = db.publish_versions(versions).await?;
    tracing::info!(
        published = out.published,
        unchanged = out.unchanged,
        "service definition versions recorded"
    );
    Ok(())
}
