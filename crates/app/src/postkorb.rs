//! The Postkorb: the messages between the authority and the citizen about one application.
//! What the authority writes reaches the citizen through [`crate::cases::change`] (with the
//! notification mail and the status the message implies); files of the authority are
//! stored here first, typed by their bytes.

use crate::cases::{Actor, CaseError, Change};
use crate::App;
use rathaus_domain::{ApplicationStatus, MessageKind};
use rathaus_store::{BlobStore, FileMeta, Message};
use serde::Serialize;

/// A message of the authority, as an operator (or the back office) sends it.
#[derive(Debug, Clone, Serialize)]
pub struct OutgoingMessage {
    pub kind: MessageKind,
    pub subject: String,
    pub body: String,
    /// Files to attach: display name and bytes (PDF, JPEG or PNG).
    pub files: Vec<(String, Vec<u8>)>,
    /// Moves the application to this status in the same step.
    pub status: Option<ApplicationStatus>,
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error("no application {0} of tenant {1}")]
    NotFound(String, String),
    #[error("{0}: only PDF, JPEG and PNG files can be attached")]
    FileType(String),
    #[error("storing {0} failed: {1}")]
    Storage(String, std::io::Error),
    #[error("the application is '{0}'; it cannot become '{1}'")]
    Transition(String, String),
    #[error("{0} changed meanwhile; try again")]
    Changed(String),
    #[error(transparent)]
    Store(#[from] rathaus_store::StoreError),
}

impl SendError {
    /// The error of a case change, naming the application in a "changed meanwhile".
    fn of(e: CaseError, reference: &str) -> SendError {
        match e {
            CaseError::NotAllowed { from, to } => SendError::Transition(from, to),
            CaseError::Changed => SendError::Changed(reference.to_owned()),
            CaseError::Store(e) => SendError::Store(e),
        }
    }
}

/// The operator at the command line: trusted like the database it holds the address of,
/// and named in the audit trail as such.
#[derive(Debug, Clone, Copy)]
pub struct Operator(());

impl Operator {
    /// Only the command line constructs this (it runs with the portal's own configuration).
    pub fn at_the_command_line() -> Operator {
        Operator(())
    }
}

/// Posts a message of the authority into the Postkorb of the application `reference` of
/// the responsible tenant `provider`, optionally with a new status (a request waits for
/// the citizen, a notice decides, unless `msg.status` says otherwise). The citizen is told
/// by e-mail that something is waiting (without any personal content). Returns the
/// message id.
pub async fn send(
    app: &App,
    _operator: Operator,
    provider: &str,
    reference: &str,
    msg: OutgoingMessage,
) -> Result<String, SendError> {
    let c = app
        .db
        .case(provider, reference)
        .await?
        .ok_or_else(|| SendError::NotFound(reference.into(), provider.into()))?;
    let status = msg.status.or(match msg.kind {
        MessageKind::Request => Some(ApplicationStatus::WaitingForCitizen),
        MessageKind::Notice => Some(ApplicationStatus::Decided),
        _ => None,
    });
    // Refused before any file is stored.
    crate::cases::step(c.status, status).map_err(|e| SendError::of(e, reference))?;
    let tid = c.portal_tenant_id.clone();
    let sender = app.site().authority_name(&tid, &c.service_id, &c.tenant_id);
    let mut attachments = Vec::new();
    for (name, bytes) in &msg.files {
        attachments.push(store_attachment(&app.files.blobs, &tid, &c.draft_id, name, bytes).await?);
    }
    let m = Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: tid,
        draft_id: c.draft_id.clone(),
        direction: rathaus_store::TO_CITIZEN.into(),
        kind: msg.kind.as_str().into(),
        subject: msg.subject,
        body: msg.body,
        sender,
        created_at: crate::clock::now_millis(),
        read_at: None,
    };
    let mut change = Change::new(Actor::Operator, &c, "postkorb_send");
    change.to = status;
    change.message = Some((&m, &attachments));
    change.detail = format!("message={}", m.id);
    let done = crate::cases::change(app, &change).await;
    if let Err(e) = done {
        for f in &attachments {
            let _ = app.files.blobs.delete(&f.tenant_id, &f.id).await;
        }
        return Err(SendError::of(e, reference));
    }
    Ok(m.id)
}

/// Sets the status of an application (operators), with its audit entry and the hand-overs
/// the change causes, in one transaction as in the back office.
pub async fn set_status(
    app: &App,
    _operator: Operator,
    provider: &str,
    reference: &str,
    status: ApplicationStatus,
    note: Option<&str>,
) -> Result<(), SendError> {
    let c = app
        .db
        .case(provider, reference)
        .await?
        .ok_or_else(|| SendError::NotFound(reference.into(), provider.into()))?;
    let mut change = Change::new(Actor::Operator, &c, "postkorb_status");
    change.to = Some(status);
    change.transition_note = note;
    crate::cases::change(app, &change)
        .await
        .map_err(|e| SendError::of(e, reference))
}

/// Stores a file of the authority (PDF, JPEG or PNG, checked by its bytes) for the
/// application `draft_id` of portal tenant `tid`.
pub async fn store_attachment(
    blobs: &BlobStore,
    tid: &str,
    draft_id: &str,
    name: &str,
    bytes: &[u8],
) -> Result<FileMeta, SendError> {
    let Some(kind) = rathaus_domain::form::FileType::sniff(bytes) else {
        return Err(SendError::FileType(name.to_owned()));
    };
    let fid = uuid::Uuid::new_v4().simple().to_string();
    let spool = blobs
        .spool_path(&fid)
        .await
        .map_err(|e| SendError::Storage(name.to_owned(), e))?;
    tokio::fs::write(&spool, bytes)
        .await
        .map_err(|e| SendError::Storage(name.to_owned(), e))?;
    blobs
        .commit(tid, &fid, &spool)
        .await
        .map_err(|e| SendError::Storage(name.to_owned(), e))?;
    Ok(FileMeta {
        tenant_id: tid.to_owned(),
        id: fid,
        draft_id: draft_id.to_owned(),
        field: "postkorb".into(),
        name: crate::files::sanitize_name(name),
        size: bytes.len() as i64,
        kind: kind.as_str().into(),
        sha256: crate::secrets::sha256_hex(bytes),
    })
}

// ----- the citizen's side ---------------------------------------------------------------------

use crate::access::{Citizen, OwnCase};
use crate::{AppError, AppResult};
use rathaus_domain::form::{FieldError, StepDef};
use rathaus_domain::Lang;
use rathaus_store::{ApplicationSummary, Payment, StatusEvent};

/// Longest reply text in characters.
pub const MAX_REPLY_CHARS: usize = 5000;
/// Largest file attached to a reply.
pub const MAX_REPLY_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// The reply form as a step, so that its file goes through the same checks as in forms.
pub fn reply_step() -> StepDef {
    let def = serde_json::json!({
        "id": "antwort", "title": {"de": "Antwort", "en": "Reply"},
        "fields": [
            {"id": "text", "kind": "textarea", "label": {"de": "Ihre Nachricht", "en": "Your message"}, "required": false},
            {"id": "datei", "kind": "file", "label": {"de": "Datei", "en": "File"}, "required": false,
             "accept": ["pdf", "jpeg", "png"], "max_bytes": MAX_REPLY_FILE_BYTES}
        ]
    });
    serde_json::from_value(def).unwrap_or_else(|e| unreachable!("reply step: {e}"))
}

/// Everything the citizen's case page shows.
pub struct CaseView {
    pub summary: ApplicationSummary,
    pub events: Vec<StatusEvent>,
    pub messages: Vec<Message>,
    /// Attachments by message id.
    pub files: Vec<(String, FileMeta)>,
    /// The receiving Fachverfahren's case number, once it reported one.
    pub external_ref: Option<String>,
    pub payment: Option<Payment>,
    pub status: ApplicationStatus,
}

/// The citizen's view of their application: status timeline, messages, payment.
pub async fn case_view(app: &App, own: &OwnCase) -> AppResult<CaseView> {
    let summary = app
        .db
        .application(own.tenant(), own.id())
        .await?
        .ok_or(AppError::NotFound)?;
    let status = summary.status.unwrap_or(ApplicationStatus::Received);
    Ok(CaseView {
        events: app.db.status_events(own.id()).await?,
        messages: app.db.messages(own.id()).await?,
        files: app.db.message_files(own.id()).await?,
        external_ref: app
            .db
            .case_of_draft(own.id())
            .await?
            .and_then(|c| c.external_ref),
        payment: app.db.payment_of(own.id()).await?,
        summary,
        status,
    })
}

/// One message of the case, with its attachments; the first opening of a message of the
/// authority is recorded (the authority sees when it was read).
pub async fn read(
    app: &App,
    own: &OwnCase,
    id: &str,
) -> AppResult<(Message, Vec<(String, FileMeta)>)> {
    let mut m = app
        .db
        .messages(own.id())
        .await?
        .into_iter()
        .find(|m| m.id == id)
        .ok_or(AppError::NotFound)?;
    if m.direction == rathaus_store::TO_CITIZEN && m.read_at.is_none() {
        m.read_at = app.db.mark_read(own.id(), &m.id).await?;
        tracing::info!(tenant = %own.tenant(), message = %m.id, "message opened by the citizen for the first time");
    }
    Ok((m, app.db.message_files(own.id()).await?))
}

/// An attachment of a message of the case.
pub async fn file(app: &App, own: &OwnCase, id: &str) -> AppResult<FileMeta> {
    app.db
        .message_files(own.id())
        .await?
        .into_iter()
        .map(|(_, f)| f)
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)
}

/// Sends the citizen's reply (text and the files stored for it) into the case; a case
/// waiting for the citizen goes back to review — if the status moved meanwhile, the reply
/// is kept and the status left alone. `Ok(Err(message))`: what is wrong with the reply.
pub async fn reply(
    app: &App,
    own: &OwnCase,
    c: &Citizen,
    text: &str,
    file_ids: &[String],
    upload_error: Option<FieldError>,
    lang: Lang,
) -> AppResult<Result<(), rathaus_domain::form::Message>> {
    use rathaus_domain::form::Message as Said;
    let text = text.trim();
    if let Some(e) = upload_error {
        return Ok(Err(e.message));
    }
    if text.chars().count() > MAX_REPLY_CHARS {
        return Ok(Err(Said::Key(
            "reply-error-long",
            vec![("max", MAX_REPLY_CHARS.to_string())],
        )));
    }
    if text.is_empty() && file_ids.is_empty() {
        return Ok(Err(Said::Key("reply-error-empty", Vec::new())));
    }
    let mut attachments = Vec::new();
    for id in file_ids {
        if let Some(f) = app.db.file_of_draft(own.tenant(), own.id(), id).await? {
            attachments.push(f);
        }
    }
    let site = app.site();
    let sender = c
        .live
        .as_ref()
        .map(|l| l.session.display_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            site.words(own.tenant(), Lang::De)
                .get("message-sender-guest")
        });
    let m = Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: own.tenant().to_owned(),
        draft_id: own.id().to_owned(),
        direction: rathaus_store::FROM_CITIZEN.into(),
        kind: MessageKind::Reply.as_str().into(),
        subject: site.words(own.tenant(), lang).get("reply-subject"),
        body: text.to_owned(),
        sender,
        created_at: crate::clock::now_millis(),
        read_at: None,
    };
    let case = own.case(app).await?;
    let mut change = Change::new(Actor::Citizen, &case, "reply");
    change.to = case
        .status
        .apply(rathaus_domain::case::Action::CitizenReplied)
        .ok();
    change.message = Some((&m, &attachments));
    change.detail = format!("files={}", attachments.len());
    match crate::cases::change(app, &change).await {
        Err(CaseError::Changed) => {
            // The status moved meanwhile: keep the reply, leave the status alone.
            change.to = None;
            crate::cases::change(app, &change).await?;
        }
        other => other?,
    }
    tracing::info!(tenant = %own.tenant(), files = attachments.len(), "citizen replied in the Postkorb");
    Ok(Ok(()))
}

/// Whether the citizen may still withdraw (only before a decision; the lifecycle decides).
pub fn can_withdraw(status: ApplicationStatus) -> bool {
    status.apply(rathaus_domain::case::Action::Withdraw).is_ok()
}

/// The citizen withdraws the application. If it changed meanwhile (decided, say), nothing
/// happens: the case page shows what it is now.
pub async fn withdraw(app: &App, own: &OwnCase) -> AppResult<()> {
    let case = own.case(app).await?;
    let from = case.status;
    if let Ok(to) = from.apply(rathaus_domain::case::Action::Withdraw) {
        let mut change = Change::new(Actor::Citizen, &case, "withdraw");
        change.to = Some(to);
        match crate::cases::change(app, &change).await {
            Err(CaseError::Store(e)) => return Err(e.into()),
            _ => return Ok(()),
        }
    }
    Ok(())
}
