//! Persistence for Rathaus: SQLite (embedded default, WAL) or PostgreSQL, chosen by URL.
//!
//! Both engines run the same migrations (side by side in `migrations/`) and the same
//! queries; [`Db`] hides which one is in use. Every tenant-owned query takes the tenant id.
//! Errors come back typed ([`StoreError`]); a unique-constraint violation is a
//! [`StoreError::Conflict`] naming the constraint, never a string to parse.

mod accounts;
mod applications;
mod appointments;
mod apps;
mod blobs;
mod cases;
mod files;
mod folders;
mod found;
mod guard;
mod id_documents;
mod notices;
mod outbox;
pub(crate) mod payments;
mod postkorb;
mod push;
mod versions;

pub use accounts::{Account, LoginAttempt, Session};
pub use applications::{Draft, FollowUp, Submission, SubmitOutcome};
pub use appointments::{Appointment, BookOutcome, NewAppointment, NewVisit, QueuedMail, Visit};
pub use apps::{
    AppCode, AppGrant, Refresh as AppRefresh, ACCESS as APP_ACCESS, REFRESH as APP_REFRESH,
};
pub use blobs::{BlobStore, BlobStream};
pub use cases::{
    AuditCheck, AuditEntry, AuditEvent, Case, CaseChange, InboxFilter, Letter, Note, Sort,
    StaffMember, StaffSession,
};
pub use files::FileMeta;
pub use folders::{FolderItemRow, FolderRow};
pub use found::{
    ClaimDecided, FoundClaim, FoundItem, FoundMatch, FoundPhoto, FoundQuery, LossReport, MatchNews,
};
pub use id_documents::{IdDocument, ReportOutcome, ReportedDocument};
pub use notices::{AccountNotice, NewNotice};
pub use outbox::{DeliveryFilter, DeliveryRow, OutboxItem, OutboxStats, QueuedDelivery, DELIVERY};
pub use payments::{BankLine, DemoTransaction, NewPayment, Payment};
pub use postkorb::{ApplicationSummary, Message, StatusEvent, FROM_CITIZEN, TO_CITIZEN};
pub use push::{PushSubscription, Subscribed, MAX_PER_GRANT as MAX_PUSH_PER_GRANT, PUSH};
pub use versions::{PublishOutcome, ServiceVersion};

use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database URL not supported (use sqlite://… or postgres://…): {0}")]
    UnsupportedUrl(String),
    #[error("conflict with existing data ({constraint})")]
    Conflict { constraint: String },
    #[error("published definition changed without a new version: {0}")]
    VersionReused(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value the code does not know (a status, a kind): the row is refused, not
    /// guessed.
    #[error("unknown {what} '{value}' in the database")]
    Corrupt { what: &'static str, value: String },
}

/// A value stored as text, read back as its type (status values are enums at the store's
/// boundary, never strings).
pub(crate) fn decode<T>(
    what: &'static str,
    value: String,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<T, StoreError> {
    parse(&value).ok_or(StoreError::Corrupt { what, value })
}

impl StoreError {
    /// Maps unique-violation errors to [`StoreError::Conflict`].
    pub(crate) fn from_sqlx(e: sqlx::Error) -> StoreError {
        if let sqlx::Error::Database(db) = &e {
            if db.is_unique_violation() {
                return StoreError::Conflict {
                    constraint: db.constraint().unwrap_or("unique").to_owned(),
                };
            }
        }
        StoreError::Database(e)
    }
}

/// A connection pool to either engine.
#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same body against whichever pool is in use (the body is compiled once per engine).
macro_rules! with_pool {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::Db::Sqlite($pool) => $body,
            $crate::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use with_pool;

impl Db {
    /// Connects to `url`; for SQLite the file and its folder are created if missing.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        if url.starts_with("sqlite:") {
            if let Some(path) = url
                .strip_prefix("sqlite://")
                .map(|p| p.split('?').next().unwrap_or(p))
            {
                if let Some(parent) = std::path::Path::new(path).parent() {
                    if !parent.as_os_str().is_empty() {
                        let _ = std::fs::create_dir_all(parent);
                    }
                }
            }
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Ok(Db::Sqlite(pool))
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect(url)
                .await?;
            Ok(Db::Postgres(pool))
        } else {
            Err(StoreError::UnsupportedUrl(
                url.split(':').next().unwrap_or("").to_owned(),
            ))
        }
    }

    pub fn engine(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("./migrations/sqlite").run(p).await?,
            Db::Postgres(p) => sqlx::migrate!("./migrations/postgres").run(p).await?,
        }
        Ok(())
    }

    /// Cheap liveness check for `/readyz`.
    pub async fn ping(&self) -> Result<(), StoreError> {
        with_pool!(self, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        with_pool!(self, |p| p.close().await)
    }

    /// Keeps the `tenants` table in step with the loaded definitions (tenants are never
    /// deleted here: their data may still be referenced).
    pub async fn sync_tenants(&self, tenants: &[(String, String)]) -> Result<(), StoreError> {
        let now = now_millis();
        for (id, name) in tenants {
            with_pool!(self, |p| sqlx::query(
                "INSERT INTO tenants (id, name, first_seen, updated_at) VALUES ($1, $2, $3, $3) \
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, updated_at = excluded.updated_at"
            )
            .bind(id)
            .bind(name)
            .bind(now)
            .execute(p)
            .await
            .map(|_| ()))
            .map_err(StoreError::from_sqlx)?;
        }
        Ok(())
    }
}

pub(crate) fn now_millis() -> i64 {
    time::OffsetDateTime::now_utc()
        .unix_timestamp_nanos()
        .div_euclid(1_000_000) as i64
}
