//! `rathaus serve` and `rathaus migrate`.

use crate::config::Config;
use anyhow::Context;
use rathaus_defs::Source;
use rathaus_store::Db;
use rathaus_web::{AppState, StartError, WebConfig};
use std::path::PathBuf;
use std::time::Duration;

fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if config.log_format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub fn run_migrate(config: &Config) -> anyhow::Result<()> {
    init_logging(config);
    runtime()?.block_on(async {
        let db = Db::connect(&config.database_url()).await?;
        db.migrate().await?;
        println!("database schema is up to date ({})", db.engine());
        Ok(())
    })
}

pub fn run(config: Config, source_for: fn(Option<PathBuf>) -> Source) -> anyhow::Result<()> {
    init_logging(&config);
    let started = std::time::Instant::now();
    let source = source_for(config.definitions.clone());
    runtime()?.block_on(async move {
        let db = Db::connect(&config.database_url()).await.with_context(|| {
            format!(
                "connecting to the {} database",
                engine_of(&config.database_url())
            )
        })?;
        let web = WebConfig {
            admin_token: config.admin_token.clone().filter(|t| !t.is_empty()),
            request_timeout: Duration::from_secs(config.request_timeout_secs.max(1)),
            max_body_bytes: config.max_body_bytes,
            page_cache_bytes: config.page_cache_bytes,
            files: rathaus_web::FileStore {
                blobs: config.blob_store().map_err(anyhow::Error::msg)?,
                max_per_application: config.max_upload_bytes_per_application,
            },
            oidc: config.oidc_settings().map_err(anyhow::Error::msg)?,
            public_url: config.public_url(),
            client_ip_header: config
                .client_ip_header
                .clone()
                .filter(|h| !h.is_empty())
                .map(|h| h.to_ascii_lowercase()),
            push_allow_local: config.push_allow_local,
            api_requests_per_minute: config.api_requests_per_minute,
            api_cors_origins: config
                .api_cors_origins
                .as_deref()
                .unwrap_or("")
                .split(',')
                .map(|o| o.trim().to_owned())
                .filter(|o| !o.is_empty())
                .collect(),
        };
        tracing::info!(files = %web.files.blobs.describe(), "file storage");
        let state = match AppState::start(source.clone(), db.clone(), web).await {
            Ok(s) => s,
            Err(StartError::Definitions(diags)) => {
                for d in &diags {
                    eprintln!("{d}");
                }
                anyhow::bail!(
                    "refusing to start: {} problem(s) in {}",
                    diags.len(),
                    source.describe()
                );
            }
            Err(e) => return Err(e.into()),
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let addr = listener.local_addr()?;
        // Signal handlers first, so that a signal right after "ready" is handled.
        let stop_signal = shutdown_signal();
        spawn_reload_on_sighup(state.clone());
        let site = state.site();
        tracing::info!(
            %addr,
            definitions = %source.describe(),
            database = db.engine(),
            tenants = site.catalog.tenants().count(),
            services = site.catalog.service_count(),
            startup_ms = started.elapsed().as_millis() as u64,
            "ready"
        );
        drop(site);
        // A line on stdout that scripts and tests can wait for.
        println!("rathaus listening on http://{addr}");

        let mailer = match &config.smtp_url {
            Some(url) => rathaus_jobs::Mailer::smtp(url)?,
            None => rathaus_jobs::Mailer::files(config.data_dir.join("mail")),
        };
        tracing::info!(?mailer, "outbox worker started");
        let worker = rathaus_jobs::Worker::new(
            db.clone(),
            mailer,
            rathaus_jobs::WorkerConfig {
                from: config.mail_from.clone(),
                max_attempts: config.outbox_max_attempts.max(1),
                base_delay: Duration::from_secs(config.outbox_retry_secs.max(1)),
                poll: Duration::from_millis(500),
                delivery_timeout: Duration::from_secs(config.delivery_timeout_secs.max(1)),
                lease: Duration::from_secs(
                    config
                        .outbox_lease_secs
                        .max(config.delivery_timeout_secs.max(1) * 2 + 10),
                ),
                push: Some(rathaus_jobs::push::PushConfig {
                    vapid_secret: state.app.keys.vapid_secret().to_vec(),
                    contact: config.public_url(),
                    allow_local: config.push_allow_local,
                }),
            },
        )
        .with_source(std::sync::Arc::new(rathaus_app::handover::PortalSource {
            app: state.app.clone(),
            data_dir: config.data_dir.clone(),
        }));
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(worker.run(stop_rx));
        // Online payments whose citizen never came back from the pay page.
        let poll = Duration::from_secs(config.payment_poll_secs.max(1));
        let poller_app = state.app.clone();
        let poller = tokio::spawn(async move {
            let mut tick = tokio::time::interval(poll);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                rathaus_app::payments::poll_pending(&poller_app, poll).await;
            }
        });
        // Appointment reminders the day before, erasing old appointment data, deleting
        // document states kept long enough and loss reports past their year.
        let remind_every = Duration::from_secs(config.reminder_poll_secs.max(1));
        let reminder_app = state.app.clone();
        let reminder = tokio::spawn(async move {
            let mut tick = tokio::time::interval(remind_every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                rathaus_app::appointments::remind(&reminder_app).await;
                if let Err(e) = rathaus_app::id_status::purge(&reminder_app).await {
                    tracing::warn!(error = %e, "deleting old document states failed");
                }
                if let Err(e) = rathaus_app::folders::remind(&reminder_app).await {
                    tracing::warn!(error = %e, "moving folder reminders failed");
                }
                if let Err(e) = rathaus_app::found::purge(&reminder_app).await {
                    tracing::warn!(error = %e, "deleting old loss reports failed");
                }
            }
        });
        rathaus_web::serve(listener, state, stop_signal).await?;
        let _ = stop_tx.send(true);
        poller.abort();
        reminder.abort();
        let _ = worker.await;
        db.close().await;
        tracing::info!("stopped");
        Ok(())
    })
}

fn engine_of(url: &str) -> &str {
    url.split(':').next().unwrap_or("")
}

#[cfg(unix)]
fn spawn_reload_on_sighup(state: std::sync::Arc<AppState>) {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::hangup()) {
        Ok(mut hup) => {
            tokio::spawn(async move {
                while hup.recv().await.is_some() {
                    tracing::info!("SIGHUP: reloading definitions");
                    let _ = state.reload().await;
                }
            });
        }
        Err(e) => tracing::warn!(%e, "cannot listen for SIGHUP; reload only via /admin/reload"),
    }
}

#[cfg(not(unix))]
fn spawn_reload_on_sighup(_state: std::sync::Arc<AppState>) {}

/// Registers the stop signals (SIGINT, SIGTERM) at once and returns the future that resolves
/// on the first of them. The handlers must exist before the server says it is ready: a
/// signal handler tokio installs only when the future is first polled would leave a window
/// in which SIGTERM still kills the process with its default action.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            if term.is_err() || int.is_err() {
                tracing::warn!("cannot listen for one of SIGTERM/SIGINT");
            }
            // Whichever could be registered stops the server; one that could not never fires.
            let wait = |s: std::io::Result<tokio::signal::unix::Signal>| async move {
                match s {
                    Ok(mut s) => {
                        s.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(term) => {},
                () = wait(int) => {},
            }
            tracing::info!("shutting down: finishing requests in flight");
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing requests in flight");
    }
}

/// What `rathaus postkorb` does.
pub enum PostkorbAction {
    Send {
        reference: String,
        kind: rathaus_domain::MessageKind,
        subject: String,
        body: String,
        attach: Vec<PathBuf>,
        status: Option<rathaus_domain::ApplicationStatus>,
    },
    Status {
        reference: String,
        status: rathaus_domain::ApplicationStatus,
        note: Option<String>,
    },
}

/// `rathaus postkorb send|status`: the operators' way to write to a citizen from a script
/// (the back office does the same from the browser). Uses the same database, file storage
/// and definitions as `serve`, and the same operation as every other face: the change is
/// audited as `operator`, the citizen mailed when a message arrives, and the hand-overs
/// the transition causes are queued.
/// The core for a one-off command: the configured database (schema brought up to date),
/// file storage and definitions.
async fn open_core(
    config: &Config,
    source: Source,
) -> anyhow::Result<(Db, std::sync::Arc<rathaus_app::App>)> {
    let db = Db::connect(&config.database_url()).await?;
    db.migrate().await?;
    let (site, _) = rathaus_app::Site::load(&source)
        .map_err(|d| anyhow::anyhow!("{} problem(s) in the definitions", d.len()))?;
    let app = rathaus_app::App::open(
        std::sync::Arc::new(site),
        db.clone(),
        rathaus_app::FileStore {
            blobs: config.blob_store().map_err(anyhow::Error::msg)?,
            max_per_application: config.max_upload_bytes_per_application,
        },
        rathaus_app::AppConfig {
            public_url: config.public_url(),
            push_allow_local: config.push_allow_local,
        },
    )
    .await?;
    Ok((db, app))
}

/// What `rathaus ausweise` does.
pub enum IdStatusAction {
    /// Files a CSV export of the Fachverfahren for one office.
    Import {
        tenant: String,
        office: String,
        file: PathBuf,
    },
    /// Deletes what has been kept long enough (the worker does this every hour, too).
    Purge,
}

/// `rathaus ausweise import|purge`: the nightly export of the Fachverfahren, or the
/// deletion, from a script — the same operations the back office and the worker call
/// (imports audited as `operator`, their "ready" mails queued in the same transaction).
pub fn run_id_status(
    config: &Config,
    source: Source,
    action: IdStatusAction,
) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (db, app) = open_core(config, source).await?;
        match action {
            IdStatusAction::Import { tenant, office, file } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("reading {} (UTF-8 CSV)", file.display()))?;
                let reports = rathaus_app::id_status::read_csv(&text).map_err(|rows| {
                    let lines: Vec<String> = rows
                        .iter()
                        .map(|e| format!("{}:{}: {}: {}", file.display(), e.at, e.field, e.reason))
                        .collect();
                    anyhow::anyhow!("nothing was imported:\n{}", lines.join("\n"))
                })?;
                let site = app.site();
                let t = site
                    .catalog
                    .tenant(&tenant)
                    .with_context(|| format!("unknown tenant {tenant:?}"))?;
                let operator = rathaus_app::postkorb::Operator::at_the_command_line();
                let done = rathaus_app::id_status::report(
                    &app,
                    t,
                    &office,
                    rathaus_app::id_status::Reporter::Operator(&operator),
                    &reports,
                )
                .await
                .map_err(|e| match e {
                    rathaus_app::AppError::NotFound => anyhow::anyhow!(
                        "office {office:?} of {tenant:?} does not report document states (id_status in tenant.yaml)"
                    ),
                    e => e.into(),
                })?;
                println!(
                    "{tenant}/{office}: {} documents read, {} new, {} updated, {} ready notifications queued",
                    reports.len(),
                    done.added,
                    done.updated,
                    done.notified
                );
            }
            IdStatusAction::Purge => {
                let n = rathaus_app::id_status::purge(&app).await?;
                println!("{n} document states deleted");
            }
        }
        db.close().await;
        Ok(())
    })
}

pub fn run_postkorb(
    config: &Config,
    source: Source,
    tenant: &str,
    action: PostkorbAction,
) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (db, app) = open_core(config, source).await?;
        let operator = rathaus_app::postkorb::Operator::at_the_command_line();
        match action {
            PostkorbAction::Status {
                reference,
                status,
                note,
            } => {
                rathaus_app::postkorb::set_status(
                    &app,
                    operator,
                    tenant,
                    &reference,
                    status,
                    note.as_deref(),
                )
                .await?;
                println!("{reference}: status {}", status.as_str());
            }
            PostkorbAction::Send {
                reference,
                kind,
                subject,
                body,
                attach,
                status,
            } => {
                let mut files = Vec::new();
                for p in attach {
                    let bytes =
                        std::fs::read(&p).with_context(|| format!("reading {}", p.display()))?;
                    let name = p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "anhang.pdf".into());
                    files.push((name, bytes));
                }
                let message = rathaus_app::postkorb::OutgoingMessage {
                    kind,
                    subject,
                    body,
                    files,
                    status,
                };
                let id = rathaus_app::postkorb::send(&app, operator, tenant, &reference, message)
                    .await?;
                println!("{reference}: message {id} posted");
            }
        }
        db.close().await;
        Ok(())
    })
}
