//! Background work from the durable outbox. Each kind of row has a handler; a handler may
//! run more than once for the same row (after a crash between sending and marking it done),
//! so every message carries the row id as its idempotency key (for mail: the Message-ID).
//!
//! Retries use exponential back-off with jitter; after `max_attempts` a row is parked and
//! shows up for administrators.

pub mod deliver;
pub mod push;

use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::AsyncSmtpTransport;
use lettre::{AsyncFileTransport, AsyncTransport, Message, Tokio1Executor};
use rathaus_store::{Db, OutboxItem};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Outbox kind of a mail to a citizen.
pub const MAIL: &str = "mail";

/// Payload of a `mail` row.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailPayload {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// One file to attach (e.g. an appointment as `.ics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachment: Option<MailAttachment>,
}

/// A small text attachment of a mail.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MailAttachment {
    pub filename: String,
    /// MIME type, e.g. `text/calendar; charset=utf-8; method=PUBLISH`.
    pub content_type: String,
    pub content: String,
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("refused: {0}")]
    Invalid(String),
    #[error("sending failed: {0}")]
    Send(String),
}

/// Where mail goes: an SMTP server, or files (`.eml`) in a folder for the demo.
#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>, PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(_, p) => write!(f, "Mailer::Files({})", p.display()),
        }
    }
}

impl Mailer {
    /// `smtp://host:port` (plain), `smtps://…` (TLS) or `smtp://…?tls=required` (STARTTLS),
    /// with optional `user:password@`.
    pub fn smtp(url: &str) -> Result<Mailer, JobError> {
        AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map(|b| Mailer::Smtp(b.timeout(Some(Duration::from_secs(20))).build()))
            .map_err(|e| JobError::Invalid(format!("SMTP URL: {e}")))
    }

    pub fn files(dir: PathBuf) -> Mailer {
        let _ = std::fs::create_dir_all(&dir);
        Mailer::Files(AsyncFileTransport::new(&dir), dir)
    }

    async fn send(&self, m: Message) -> Result<(), JobError> {
        match self {
            Mailer::Smtp(t) => t
                .send(m)
                .await
                .map(|_| ())
                .map_err(|e| JobError::Send(e.to_string())),
            Mailer::Files(t, _) => t
                .send(m)
                .await
                .map(|_| ())
                .map_err(|e| JobError::Send(e.to_string())),
        }
    }
}

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub from: String,
    pub max_attempts: i64,
    /// First retry delay; doubles with every attempt, capped at one hour.
    pub base_delay: Duration,
    pub poll: Duration,
    /// Longest wait for a receiver's answer (webhook, FIT-Connect).
    pub delivery_timeout: Duration,
    /// How long a claimed row stays reserved for the worker that claimed it. A worker that
    /// dies (kill -9) leaves its rows; after the lease another run sends them again.
    pub lease: Duration,
    /// Web Push to city apps (the portal's VAPID key); `None`: push rows fail.
    pub push: Option<push::PushConfig>,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            from: "Rathaus Demo <no-reply@rathaus.invalid>".into(),
            max_attempts: 10,
            base_delay: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            delivery_timeout: Duration::from_secs(30),
            lease: Duration::from_secs(5 * 60),
            push: None,
        }
    }
}

pub struct Worker {
    db: Db,
    mailer: Mailer,
    config: WorkerConfig,
    http: reqwest::Client,
    source: Option<Arc<dyn deliver::Source>>,
    pusher: Option<push::Pusher>,
}

/// Delay before retry number `attempts` (1-based): base × 2^(attempts-1), capped at one
/// hour, then ±25 % jitter so that many failed rows do not retry in lockstep.
pub fn backoff(base: Duration, attempts: i64, jitter: f64) -> Duration {
    let exp = u32::try_from(attempts.clamp(1, 30) - 1).unwrap_or(0);
    let raw = base
        .saturating_mul(2u32.saturating_pow(exp))
        .min(Duration::from_secs(3600));
    raw.mul_f64(0.75 + 0.5 * jitter.clamp(0.0, 1.0))
}

fn jitter() -> f64 {
    f64::from(uuid::Uuid::new_v4().as_u128() as u32) / f64::from(u32::MAX)
}

impl Worker {
    pub fn new(db: Db, mailer: Mailer, config: WorkerConfig) -> Worker {
        let http = reqwest::Client::builder()
            .timeout(config.delivery_timeout)
            .connect_timeout(config.delivery_timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Rathaus/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        let pusher = config.push.as_ref().and_then(|c| {
            push::Pusher::new(c, config.delivery_timeout)
                .map_err(|e| tracing::error!(%e, "Web Push is off"))
                .ok()
        });
        Worker {
            db,
            mailer,
            config,
            http,
            source: None,
            pusher,
        }
    }

    /// Enables deliveries (outbox kind `delivery`), reading targets and applications from
    /// `source`.
    pub fn with_source(mut self, source: Arc<dyn deliver::Source>) -> Worker {
        self.source = Some(source);
        self
    }

    async fn mail(
        &self,
        id: &str,
        to: &str,
        subject: String,
        body: String,
        attachment: Option<&MailAttachment>,
    ) -> Result<(), JobError> {
        let from: Mailbox = self
            .config
            .from
            .parse()
            .map_err(|e| JobError::Invalid(format!("from: {e}")))?;
        let to: Mailbox = to
            .parse()
            .map_err(|e| JobError::Invalid(format!("to: {e}")))?;
        let domain = from.email.domain().to_owned();
        let id = id.replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        let builder = Message::builder()
            .from(from)
            .to(to)
            .subject(subject)
            .message_id(Some(format!("<{id}@{domain}>")));
        let msg = match attachment {
            None => builder.header(ContentType::TEXT_PLAIN).body(body),
            Some(a) => {
                let kind = ContentType::parse(&a.content_type)
                    .map_err(|e| JobError::Invalid(format!("attachment type: {e}")))?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(body))
                        .singlepart(
                            Attachment::new(a.filename.clone()).body(a.content.clone(), kind),
                        ),
                )
            }
        }
        .map_err(|e| JobError::Invalid(e.to_string()))?;
        self.mailer.send(msg).await
    }

    /// One hand-over; returns the receiver's receipt.
    async fn deliver(&self, item: &OutboxItem) -> Result<String, JobError> {
        use deliver::Failure;
        let fail = |f: Failure| match f {
            Failure::Transient(m) => JobError::Send(m),
            Failure::Permanent(m) => JobError::Invalid(m),
        };
        let source = self
            .source
            .as_deref()
            .ok_or_else(|| JobError::Send("deliveries are not enabled in this worker".into()))?;
        let p: deliver::DeliveryPayload =
            serde_json::from_str(&item.payload).map_err(|e| JobError::Invalid(e.to_string()))?;
        let target = source.target(&item.tenant_id, &p.target).ok_or_else(|| {
            JobError::Invalid(format!(
                "delivery target '{}' is no longer configured for tenant '{}'",
                p.target, item.tenant_id
            ))
        })?;
        let prepared = source
            .prepare(&item.tenant_id, &p.reference, p.event, &item.id)
            .await
            .map_err(fail)?;
        if let Some(t) = &target.webhook {
            deliver::webhook::send(&self.http, source, t, &prepared)
                .await
                .map_err(fail)
        } else if let Some(t) = &target.fit_connect {
            deliver::fitconnect::send(
                &self.http,
                &self.db,
                source,
                &item.tenant_id,
                &item.id,
                t,
                &prepared,
            )
            .await
            .map_err(fail)
        } else if let Some(t) = &target.xdomea {
            deliver::xdomea::send(source, t, &prepared)
                .await
                .map_err(fail)
        } else if let Some(t) = &target.file_drop {
            deliver::file_drop(source, t, &prepared).await.map_err(fail)
        } else if let Some(t) = &target.email {
            let (subject, body) = deliver::office_mail(source, &prepared);
            self.mail(&item.id, &t.to, subject, body, None).await?;
            Ok(format!("mail to {}", t.to))
        } else {
            Err(JobError::Invalid(format!(
                "target '{}' has no way to deliver",
                p.target
            )))
        }
    }

    async fn handle(&self, item: &OutboxItem) -> Result<Option<String>, JobError> {
        match item.kind.as_str() {
            rathaus_store::DELIVERY => self.deliver(item).await.map(Some),
            MAIL => {
                let p: MailPayload = serde_json::from_str(&item.payload)
                    .map_err(|e| JobError::Invalid(e.to_string()))?;
                self.mail(&item.id, &p.to, p.subject, p.body, p.attachment.as_ref())
                    .await
                    .map(|()| None)
            }
            rathaus_store::PUSH => {
                let pusher = self.pusher.as_ref().ok_or_else(|| {
                    JobError::Send("Web Push is not enabled in this worker".into())
                })?;
                pusher
                    .send(&self.db, &item.payload)
                    .await
                    .map(Some)
                    .map_err(|f| match f {
                        deliver::Failure::Transient(m) => JobError::Send(m),
                        deliver::Failure::Permanent(m) => JobError::Invalid(m),
                    })
            }
            other => Err(JobError::Invalid(format!("unknown outbox kind '{other}'"))),
        }
    }

    fn lease_ms(&self) -> i64 {
        i64::try_from(self.config.lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// Processes what is due now (up to 20 rows); returns the number of rows handled. Rows
    /// are claimed one at a time, just before they are sent, so that the lease only has to
    /// cover one hand-over, however slow the ones before it were.
    pub async fn run_once(&self) -> usize {
        let mut handled = 0;
        while handled < 20 {
            let item = match self.db.claim_outbox(1, self.lease_ms()).await {
                Ok(mut items) if !items.is_empty() => items.remove(0),
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!(%e, "outbox: cannot claim");
                    break;
                }
            };
            handled += 1;
            let item = &item;
            let result = self.handle(item).await;
            let marked = match &result {
                Ok(receipt) => {
                    if let Some(r) = receipt {
                        tracing::info!(id = %item.id, receipt = %r, "delivered");
                    }
                    self.db.outbox_delivered(&item.id, receipt.as_deref()).await
                }
                Err(e) => {
                    let attempts = item.attempts + 1;
                    let permanent = matches!(e, JobError::Invalid(_));
                    let retry = (!permanent && attempts < self.config.max_attempts).then(|| {
                        now_ms()
                            + i64::try_from(
                                backoff(self.config.base_delay, attempts, jitter()).as_millis(),
                            )
                            .unwrap_or(i64::MAX)
                    });
                    if retry.is_none() {
                        tracing::error!(id = %item.id, %e, attempts, "outbox row parked");
                    } else {
                        tracing::warn!(id = %item.id, %e, attempts, "outbox row failed; will retry");
                    }
                    self.db.outbox_failed(&item.id, &e.to_string(), retry).await
                }
            };
            if let Err(e) = marked {
                tracing::error!(id = %item.id, %e, "outbox: cannot record the outcome");
            }
        }
        handled
    }

    /// Runs until `shutdown` resolves.
    pub async fn run(self, shutdown: tokio::sync::watch::Receiver<bool>) {
        let mut shutdown = shutdown;
        loop {
            let handled = self.run_once().await;
            if handled > 0 {
                continue;
            }
            tokio::select! {
                _ = tokio::time::sleep(self.config.poll) => {}
                _ = shutdown.changed() => return,
            }
        }
    }
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_caps_and_jitters() {
        let b = Duration::from_secs(30);
        assert_eq!(backoff(b, 1, 0.5), Duration::from_secs(30));
        assert_eq!(backoff(b, 2, 0.5), Duration::from_secs(60));
        assert_eq!(backoff(b, 20, 0.5), Duration::from_secs(3600));
        assert_eq!(backoff(b, 1, 0.0), Duration::from_millis(22_500));
        assert_eq!(backoff(b, 1, 1.0), Duration::from_millis(37_500));
    }
}
