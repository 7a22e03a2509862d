//! Moving folders (Umzugsmappe): a citizen answers a plan's opening questions and gets
//! their own checklist — the items that apply, with due dates — kept in their account, or
//! for a guest in the browser that made it (and, with its reference and access code, in
//! any other). Applications started from an item are prefilled with the folder's facts
//! when the citizen agreed, and tick the item off when they are submitted.
//!
//! Access: an account's folder opens for that account only; a guest's for the browser
//! holding its token (a cookie the face keeps) — [`OwnFolder`] is the proof.

use crate::access::Citizen;
use crate::{App, AppError, AppResult};
use rathaus_domain::folder::{FolderItemDef, ItemState};
use rathaus_domain::form::{FieldError, Folder, StepInput};
use rathaus_domain::{TenantDef, Text};
use rathaus_store::{ApplicationSummary, FolderRow, StoreError};
use serde_json::{Map, Value as Json};
use std::net::IpAddr;
use std::sync::Arc;

/// A folder its owner opened.
pub struct OwnFolder {
    row: FolderRow,
}

impl OwnFolder {
    pub fn id(&self) -> &str {
        &self.row.id
    }
    pub fn row(&self) -> &FolderRow {
        &self.row
    }
    /// The answers to the opening questions.
    pub fn answers(&self) -> Map<String, Json> {
        serde_json::from_str(&self.row.answers).unwrap_or_default()
    }
}

/// The plan of `t` with id `plan`.
pub fn plan(app: &App, t: &TenantDef, plan: &str) -> Option<Arc<Folder>> {
    app.site().catalog.folder(t.id.as_str(), plan).cloned()
}

/// A folder just made.
pub struct Made {
    pub id: String,
    pub reference: String,
    /// A guest's: the token for their browser and the access code to note down.
    pub guest: Option<(String, String)>,
}

/// Makes a folder from `plan` with the answers posted (field errors keep every answer);
/// `consent`: its facts may prefill applications.
pub async fn create(
    app: &App,
    t: &TenantDef,
    plan: &Folder,
    c: &Citizen,
    input: &StepInput,
    consent: bool,
) -> AppResult<Result<Made, (Map<String, Json>, Vec<FieldError>)>> {
    let today = crate::clock::today();
    let mut answers = Map::new();
    let errors = plan.questions.read_step(0, input, &mut answers, &today);
    if !errors.is_empty() {
        return Ok(Err((answers, errors)));
    }
    let account = c.account_id().map(str::to_owned);
    let mut row = FolderRow {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: t.id.to_string(),
        plan_id: plan.def.id.clone(),
        reference: String::new(),
        account_id: account.clone(),
        answers: serde_json::to_string(&answers).unwrap_or_else(|_| "{}".into()),
        consent,
        created_at: 0,
        updated_at: 0,
    };
    for _ in 0..5 {
        row.reference = crate::secrets::new_reference('M');
        match app.db.add_folder(&row).await {
            Ok(()) => {
                tracing::info!(tenant = %t.id, plan = %plan.def.id, "moving folder made");
                let guest = account.is_none().then(|| {
                    (
                        app.keys.folder_token(&row.id),
                        app.keys.folder_code(&row.id),
                    )
                });
                return Ok(Ok(Made {
                    id: row.id,
                    reference: row.reference,
                    guest,
                }));
            }
            Err(StoreError::Conflict { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(AppError::Internal(
        "no free folder reference after five draws".into(),
    ))
}

/// Folder `id` for `c`: an account's own, or a guest's with the browser's `token`.
/// `NotFound` for everyone else (the same answer as for no folder at all).
pub async fn own(
    app: &App,
    t: &TenantDef,
    c: &Citizen,
    id: &str,
    token: Option<&str>,
) -> AppResult<OwnFolder> {
    let row = app
        .db
        .folder(t.id.as_str(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mine = match &row.account_id {
        Some(a) => c.account_id() == Some(a.as_str()),
        None => token.is_some_and(|tk| app.keys.folder_token_fits(&row.id, tk)),
    };
    if mine {
        Ok(OwnFolder { row })
    } else {
        Err(AppError::NotFound)
    }
}

/// What opening a guest's folder with its reference and code came to.
pub enum Opened {
    /// The folder, and the token for this browser.
    Found(Box<OwnFolder>, String),
    /// No folder for this reference and code (the same answer for both).
    NoFolder,
    /// Too many wrong tries: not before this many milliseconds.
    Wait(i64),
}

/// Opens a guest's folder in another browser with its reference and access code; wrong
/// tries count per reference and address with growing waits. Accounts' folders open in
/// the account only.
pub async fn open(
    app: &App,
    t: &TenantDef,
    ip: Option<IpAddr>,
    reference: &str,
    code: &str,
) -> AppResult<Opened> {
    let tid = t.id.as_str();
    let reference = crate::secrets::typed_reference('M', reference);
    let guess = format!("folder:{reference}");
    if let crate::guard::Verdict::Wait(ms) = app.guesses.check(&app.db, tid, &guess, ip).await? {
        return Ok(Opened::Wait(ms));
    }
    match app.db.folder_by_reference(tid, &reference).await? {
        Some(row) if row.account_id.is_none() && app.keys.folder_code_fits(&row.id, code) => {
            app.guesses.succeeded(&app.db, tid, &guess).await?;
            let token = app.keys.folder_token(&row.id);
            Ok(Opened::Found(Box::new(OwnFolder { row }), token))
        }
        _ => {
            app.guesses.failed(&app.db, tid, &guess).await?;
            Ok(Opened::NoFolder)
        }
    }
}

/// One item of a citizen's folder as it stands.
#[derive(Debug, Clone)]
pub struct Item {
    pub step: String,
    pub step_title: Text,
    pub def: FolderItemDef,
    /// By when (`YYYY-MM-DD`).
    pub due: Option<String>,
    pub state: ItemState,
    /// The application started from it.
    pub application: Option<ApplicationSummary>,
}

/// The folder's items that apply to its answers, each with its state: what the citizen
/// marked, or what the application started from it did.
pub async fn items(app: &App, plan: &Folder, f: &OwnFolder) -> AppResult<Vec<Item>> {
    let answers = f.answers();
    let rows = app.db.folder_items(f.id()).await?;
    let mut out = Vec::new();
    for p in plan.plan(&answers, &crate::clock::today()) {
        let row = rows.iter().find(|r| r.item_id == p.item.id);
        let application = match row.and_then(|r| r.draft_id.as_deref()) {
            Some(d) => app.db.application(&f.row.tenant_id, d).await?,
            None => None,
        };
        let marked = row
            .and_then(|r| ItemState::parse_marked(&r.state))
            .unwrap_or(ItemState::Open);
        let state = match &application {
            Some(a) if a.reference.is_some() => ItemState::Submitted,
            Some(_) if marked == ItemState::Open => ItemState::Draft,
            _ => marked,
        };
        out.push(Item {
            step: p.step.id.clone(),
            step_title: p.step.title.clone(),
            def: p.item.clone(),
            due: p.due,
            state,
            application,
        });
    }
    Ok(out)
}

/// Marks item `item` of the folder done, not for me, or open again. `NotFound` if the
/// folder's plan has no such item.
pub async fn mark(
    app: &App,
    plan: &Folder,
    f: &OwnFolder,
    item: &str,
    state: ItemState,
) -> AppResult<()> {
    if plan.item(item).is_none() || matches!(state, ItemState::Draft | ItemState::Submitted) {
        return Err(AppError::NotFound);
    }
    app.db
        .mark_folder_item(f.id(), item, state.as_str())
        .await?;
    Ok(())
}

/// Starts the application of service item `item`, prefilled with the folder's facts if the
/// citizen agreed, and records it with the item. An application already started from it
/// (and not submitted) is continued instead: its id comes back as `Ok(Err(draft))`.
pub async fn apply(
    app: &App,
    t: &TenantDef,
    plan: &Folder,
    f: &OwnFolder,
    item: &str,
    c: &Citizen,
    old_token: Option<&str>,
) -> AppResult<Result<crate::drafts::Started, ApplyRefused>> {
    let def = plan.item(item).ok_or(AppError::NotFound)?;
    let sid = def.service.as_deref().ok_or(AppError::NotFound)?;
    let site = app.site();
    let o = site
        .catalog
        .service(t.id.as_str(), sid)
        .ok_or(AppError::NotFound)?;
    let facts = if f.row.consent {
        plan.facts(&f.answers())
    } else {
        Map::new()
    };
    match crate::drafts::start_with(app, t, &o, c, old_token, &facts).await? {
        Ok(started) => {
            app.db
                .link_folder_item(f.id(), item, &started.draft)
                .await?;
            Ok(Ok(started))
        }
        Err(crate::drafts::NotStarted::Admission(a)) => Ok(Err(ApplyRefused::Admission(a))),
    }
}

/// Why an application could not be started from the folder.
pub enum ApplyRefused {
    Admission(crate::drafts::Admission),
}

/// Deletes the folder with what was marked in it (applications stay).
pub async fn delete(app: &App, f: OwnFolder) -> AppResult<()> {
    app.db.delete_folder(&f.row.tenant_id, &f.row.id).await?;
    tracing::info!(tenant = %f.row.tenant_id, "moving folder deleted");
    Ok(())
}

/// The folders of the citizen's account.
pub async fn of_account(app: &App, a: &crate::accounts::OwnAccount) -> AppResult<Vec<FolderRow>> {
    Ok(app.db.folders_of_account(a.tenant(), a.id()).await?)
}
