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
    crate::cases::step(&c.status, status).map_err(|e| SendError::of(e, reference))?;
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
