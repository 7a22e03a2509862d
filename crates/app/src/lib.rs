//! The application layer of Rathaus: the one place where the portal's operations live, for
//! every face that calls them (the HTML pages, the JSON API, the operator CLI, the outbox
//! worker). It knows nothing of HTTP or HTML: a face parses its input, calls one function
//! here with the actor and the access handle it holds, and renders the typed result.
//!
//! [`App`] is the core every operation runs against: the database, the loaded [`Site`],
//! the file store, the portal's keys and the in-memory limits.

pub mod access;
pub mod accounts;
pub mod appointments;
pub mod apps;
pub mod cases;
pub mod cash;
pub mod clock;
pub mod drafts;
pub mod error;
pub mod files;
pub mod folders;
pub mod forms;
pub mod found;
pub mod guard;
pub mod handover;
pub mod id_status;
pub mod links;
pub mod notices;
pub mod payments;
pub mod postkorb;
pub mod push;
pub mod receipts;
pub mod secrets;
pub mod site;
pub mod staff;
pub mod texts;
pub mod visitors;

pub use error::{AppError, AppResult};
pub use site::Site;

use arc_swap::ArcSwap;
use rathaus_store::{BlobStore, Db, ServiceVersion, StoreError};
use std::sync::Arc;
use std::time::Duration;

/// Where the bytes of uploads live (a local folder or S3-compatible storage), and the
/// limit per application.
#[derive(Debug, Clone)]
pub struct FileStore {
    pub blobs: BlobStore,
    /// Upper bound of all files of one application together.
    pub max_per_application: u64,
}

/// What the operations need to know of the installation.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// The portal's address as citizens' browsers reach it (links in mails and PDFs).
    pub public_url: String,
    /// Web Push endpoints may be `http` and on this machine or a private network
    /// (development and tests only; `RATHAUS_PUSH_ALLOW_LOCAL`).
    pub push_allow_local: bool,
}

impl AppConfig {
    /// `path` of this portal as an absolute URL.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.public_url.trim_end_matches('/'))
    }
}

/// The core of a running portal, shared by every face and the background jobs.
pub struct App {
    pub db: Db,
    site: ArcSwap<Site>,
    pub files: FileStore,
    pub config: AppConfig,
    /// The portal's secret key (derived codes, CSRF tokens).
    pub keys: secrets::Keys,
    /// Tries of access and resume codes (lock-outs with growing delays).
    pub guesses: guard::Guesses,
    /// Appointment bookings per network address.
    pub bookings: appointments::BookingLimiter,
    /// Apps' access tokens recently looked up.
    pub tokens: apps::TokenMemory,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("db", &self.db.engine())
            .field("public_url", &self.config.public_url)
            .finish()
    }
}

impl App {
    /// Brings the database up to date, records the definition versions of `site` and
    /// returns the ready core.
    pub async fn start(
        site: Arc<Site>,
        versions: &[ServiceVersion],
        db: Db,
        files: FileStore,
        config: AppConfig,
    ) -> Result<Arc<App>, StoreError> {
        db.migrate().await?;
        let keys = secrets::Keys::load(&db).await?;
        publish(&db, &site, versions).await?;
        backfill_cases(&db, &site).await?;
        // Uploads cut off by a crash left spool files behind; none is in progress yet.
        match files.blobs.sweep_spool(Duration::from_secs(60)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(files = n, "removed spool files of cut-off uploads"),
            Err(e) => tracing::warn!(error = %e, "sweeping the upload spool failed"),
        }
        Ok(Arc::new(App {
            db,
            site: ArcSwap::from(site),
            files,
            config,
            keys,
            guesses: guard::Guesses::default(),
            bookings: appointments::BookingLimiter::default(),
            tokens: apps::TokenMemory::default(),
        }))
    }

    /// The core for a one-off command next to a running portal: the schema must be up to
    /// date; nothing is published, backfilled or swept.
    pub async fn open(
        site: Arc<Site>,
        db: Db,
        files: FileStore,
        config: AppConfig,
    ) -> Result<Arc<App>, StoreError> {
        let keys = secrets::Keys::load(&db).await?;
        Ok(Arc::new(App {
            db,
            site: ArcSwap::from(site),
            files,
            config,
            keys,
            guesses: guard::Guesses::default(),
            bookings: appointments::BookingLimiter::default(),
            tokens: apps::TokenMemory::default(),
        }))
    }

    /// The current site (cheap; hold it for the length of one operation).
    pub fn site(&self) -> Arc<Site> {
        self.site.load_full()
    }

    /// Records the definition versions of a newly loaded site, then makes it the current
    /// one. On an error the running site stays.
    pub async fn install(
        &self,
        site: Arc<Site>,
        versions: &[ServiceVersion],
    ) -> Result<(), StoreError> {
        publish(&self.db, &site, versions).await?;
        self.site.store(site);
        Ok(())
    }
}

async fn publish(db: &Db, site: &Site, versions: &[ServiceVersion]) -> Result<(), StoreError> {
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

/// Submissions from before the back office lack their office, due date and applicant
/// name; the service definitions tell them (once, at start).
async fn backfill_cases(db: &Db, site: &Site) -> Result<(), StoreError> {
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
        let due = submitted_at + i64::from(o.service.processing_time.days) * clock::DAY_MS;
        db.backfill_case(&draft, o.service.office.as_str(), Some(due), &name)
            .await?;
    }
    Ok(())
}
