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
    Ok(items_of(app, plan, &f.row)
        .await?
        .into_iter()
        .map(|(i, _)| i)
        .collect())
}

/// [`items`] of a stored folder, each with when it was reminded of.
async fn items_of(app: &App, plan: &Folder, f: &FolderRow) -> AppResult<Vec<(Item, Option<i64>)>> {
    let answers: Map<String, Json> = serde_json::from_str(&f.answers).unwrap_or_default();
    let rows = app.db.folder_items(&f.id).await?;
    let mut out = Vec::new();
    for p in plan.plan(&answers, &crate::clock::today()) {
        let row = rows.iter().find(|r| r.item_id == p.item.id);
        let application = match row.and_then(|r| r.draft_id.as_deref()) {
            Some(d) => app.db.application(&f.tenant_id, d).await?,
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
        out.push((
            Item {
                step: p.step.id.clone(),
                step_title: p.step.title.clone(),
                def: p.item.clone(),
                due: p.due,
                state,
                application,
            },
            row.and_then(|r| r.reminded_at),
        ));
    }
    // Alternatives: once one item of a choice is taken, the open others are not needed.
    let taken: Vec<String> = out
        .iter()
        .filter(|(i, _)| matches!(i.state, ItemState::Done | ItemState::Submitted))
        .filter_map(|(i, _)| i.def.choice.clone())
        .collect();
    for (i, _) in &mut out {
        if matches!(i.state, ItemState::Open)
            && i.def.choice.as_ref().is_some_and(|c| taken.contains(c))
        {
            i.state = ItemState::OtherChosen;
        }
    }
    Ok(out)
}

/// How many days ahead of a due date the citizen is reminded.
pub const REMIND_DAYS: i64 = 3;

/// Reminds citizens of folder items due within [`REMIND_DAYS`] that are still open (or an
/// application begun): once per item, by a mail to the folder's e-mail address (if it has
/// one) and, for an account, a notice in Mein Bereich. The reminder names no item and no
/// answer — only how many are due and where the folder is. Run with the other periodic work.
pub async fn remind(app: &App) -> AppResult<u64> {
    let today = crate::clock::today();
    let until = crate::clock::today_date()
        .checked_add(jiff::Span::new().days(REMIND_DAYS))
        .map(|d| d.to_string())
        .unwrap_or_else(|_| today.clone());
    let since = crate::clock::now_millis() - 400 * crate::clock::DAY_MS;
    let site = app.site();
    let mut sent = 0;
    for f in app.db.folders_since(since).await? {
        let (Some(t), Some(plan)) = (
            site.tenant(&f.tenant_id),
            site.catalog.folder(&f.tenant_id, &f.plan_id),
        ) else {
            continue;
        };
        let due: Vec<String> = items_of(app, plan, &f)
            .await?
            .into_iter()
            .filter(|(i, reminded)| {
                reminded.is_none()
                    && matches!(i.state, ItemState::Open | ItemState::Draft)
                    && i.due
                        .as_deref()
                        .is_some_and(|d| *d >= *today && *d <= *until)
            })
            .map(|(i, _)| i.def.id)
            .collect();
        if due.is_empty() {
            continue;
        }
        let answers: Map<String, Json> = serde_json::from_str(&f.answers).unwrap_or_default();
        let email = plan
            .facts(&answers)
            .get("email")
            .and_then(Json::as_str)
            .map(str::to_owned);
        let lang = rathaus_domain::Lang::De;
        let w = site.words(t.id.as_str(), lang);
        let path = match &f.account_id {
            Some(_) => crate::links::folder(t.id.as_str(), &f.id),
            None => crate::links::folder_open(t.id.as_str()),
        };
        let mut args = fluent_bundle::FluentArgs::new();
        args.set("count", due.len());
        args.set("folder", plan.def.title.get(lang).0.to_owned());
        args.set("authority", t.name.get(lang).0.to_owned());
        args.set("link", app.config.url(&path));
        // A guest opens it with its reference (and the code they noted down).
        let reference = match f.account_id {
            None => format!("({} {})", w.get("folder-reference"), f.reference),
            Some(_) => String::new(),
        };
        args.set("reference", reference);
        let subject = w.with("folder-remind-subject", &args);
        let body = w.with("folder-remind-body", &args);
        let mail = email.map(|to| {
            let payload = rathaus_jobs::MailPayload {
                to,
                subject: subject.clone(),
                body: body.clone(),
                attachment: None,
            };
            serde_json::to_string(&payload).unwrap_or_default()
        });
        let notice = f.account_id.as_deref().map(|a| {
            crate::notices::to(
                a,
                crate::notices::FOLDER_DUE,
                subject.clone(),
                body.clone(),
                Some(path.clone()),
            )
        });
        if mail.is_none() && notice.is_none() {
            continue;
        }
        if app
            .db
            .remind_folder_items(&f.tenant_id, &f.id, &due, mail, notice)
            .await?
        {
            sent += 1;
        }
    }
    if sent > 0 {
        tracing::info!(folders = sent, "moving folder reminders queued");
    }
    Ok(sent)
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

/// What an item is called: its service's title, its bookable's name, or its task.
pub fn item_text(site: &crate::Site, t: &TenantDef, def: &FolderItemDef) -> Option<Text> {
    if let Some(sid) = &def.service {
        return site
            .catalog
            .service(t.id.as_str(), sid)
            .map(|o| o.service.title.clone());
    }
    if let Some(a) = &def.appointment {
        return crate::appointments::calendar_of(t, &a.office).and_then(|(_, c)| {
            c.services
                .iter()
                .find(|b| b.id == a.bookable)
                .map(|b| b.name.clone())
        });
    }
    def.task.clone()
}

/// The folder's due dates as an iCalendar file (RFC 5545): one all-day event per item
/// that has a due date and is not done.
pub async fn ics(
    app: &App,
    t: &TenantDef,
    plan: &Folder,
    f: &OwnFolder,
    lang: rathaus_domain::Lang,
) -> AppResult<String> {
    use icalendar::Component;
    let site = app.site();
    let host = app
        .config
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("rathaus.invalid")
        .split(['/', ':'])
        .next()
        .unwrap_or("rathaus.invalid")
        .to_owned();
    let stamp = jiff::Timestamp::from_millisecond(crate::clock::now_millis())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        .strftime("%Y%m%dT%H%M%SZ")
        .to_string();
    let title = plan.def.title.get(lang).0.to_owned();
    let mut cal = icalendar::Calendar::new();
    for it in items(app, plan, f).await? {
        let Some(due) = it.due.as_deref() else {
            continue;
        };
        if !matches!(it.state, ItemState::Open | ItemState::Draft) {
            continue;
        }
        let what = item_text(&site, t, &it.def)
            .map(|x| x.get(lang).0.to_owned())
            .unwrap_or_else(|| it.def.id.clone());
        let event = icalendar::Event::new()
            .uid(&format!("{}-{}@{host}", f.id(), it.def.id))
            .summary(&format!("{what} ({title})"))
            .add_property("DTSTART;VALUE=DATE", due.replace('-', ""))
            .add_property("DTSTAMP", stamp.clone())
            .add_property("TRANSP", "TRANSPARENT")
            .done();
        cal.push(event);
    }
    cal.append_property(("METHOD", "PUBLISH"));
    Ok(cal.to_string())
}

/// The folder as an archivable checklist (PDF/A): each item with its state and due date.
pub async fn checklist_pdf(
    app: &App,
    t: &TenantDef,
    plan: &Folder,
    f: &OwnFolder,
    lang: rathaus_domain::Lang,
) -> AppResult<Vec<u8>> {
    use rathaus_pdf::Block;
    let site = app.site();
    let w = site.words(t.id.as_str(), lang);
    let authority = t.name.get(lang).0.to_owned();
    let mut blocks = vec![
        Block::Title(plan.def.title.get(lang).0.to_owned()),
        Block::Paragraph(w.get("folder-pdf-intro")),
    ];
    let mut step = String::new();
    for it in items(app, plan, f).await? {
        if it.step != step {
            step = it.step.clone();
            blocks.push(Block::Heading(it.step_title.get(lang).0.to_owned()));
        }
        let what = item_text(&site, t, &it.def)
            .map(|x| x.get(lang).0.to_owned())
            .unwrap_or_else(|| it.def.id.clone());
        let mut lines = vec![w.get(&format!("folder-state-{}", it.state.as_str()))];
        if let Some(d) = &it.due {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("date", rathaus_domain::form::format_date_de(d));
            lines.push(w.with("folder-due", &args));
        }
        if let Some(r) = it.application.as_ref().and_then(|a| a.reference.clone()) {
            let mut args = fluent_bundle::FluentArgs::new();
            args.set("reference", r);
            lines.push(w.with("folder-application", &args));
        }
        if let Some(n) = &it.def.note {
            lines.push(n.get(lang).0.to_owned());
        }
        blocks.push(Block::Field { label: what, lines });
    }
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("authority", authority.clone());
    args.set("page", "{page}");
    args.set("pages", "{pages}");
    let doc = rathaus_pdf::Document {
        lang: lang.code().to_owned(),
        title: plan.def.title.get(lang).0.to_owned(),
        author: authority,
        creator: "Rathaus".to_owned(),
        created: crate::clock::pdf_timestamp(crate::clock::now_millis()),
        blocks,
        footer: w.with("folder-pdf-footer", &args),
    };
    crate::receipts::render(doc)
        .await
        .map_err(AppError::Internal)
}
