//! Citizens' accounts and sessions: a session is a random token the face hands to the
//! browser (a cookie, for the web); the database keeps only its SHA-256. Logging in
//! renews the token; sessions end after the tenant's idle time and lifetime. Guests get a
//! session too, the moment they start a draft or open an application with its access code:
//! that is what their drafts and applications are bound to. Also the citizen's own data:
//! the export (DSGVO Art. 15/20) and deleting the account (Art. 17).

use crate::access::Citizen;
use crate::guard::Verdict;
use crate::secrets::{normalize_code, random_token, sha256_hex};
use crate::{App, AppError, AppResult};
use rathaus_domain::{Level, Profile, TenantDef};
use rathaus_store::{Db, Session, StoreError};
use serde_json::{json, Value as Json};
use std::net::IpAddr;

/// A session just started: the token to hand to the browser, and its hash.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub hash: String,
}

/// Starts a session; `old_token` (a session the browser still holds) is ended first, so
/// the id is renewed at every login.
pub async fn start_session(
    app: &App,
    t: &TenantDef,
    old_token: Option<&str>,
    account_id: Option<String>,
    draft_id: Option<String>,
    display_name: String,
    level: Level,
) -> Result<NewSession, StoreError> {
    if let Some(old) = old_token {
        app.db.end_session(&sha256_hex(old)).await?;
    }
    let token = random_token();
    let now = crate::clock::now_millis();
    let s = Session {
        tenant_id: t.id.to_string(),
        account_id,
        draft_id,
        display_name,
        level: level.as_str().to_owned(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + t.session.max_ms(),
    };
    let hash = sha256_hex(&token);
    app.db.create_session(&hash, &s).await?;
    Ok(NewSession { token, hash })
}

/// The guest session of this browser: the live one it has (`Ok((None, hash))`), or a new
/// one (`Ok((Some(new), hash))`, whose token the face must hand over).
pub async fn guest_session(
    app: &App,
    t: &TenantDef,
    c: &Citizen,
    old_token: Option<&str>,
) -> Result<(Option<NewSession>, String), StoreError> {
    if let Some(l) = c.live.as_ref().filter(|l| l.account_id().is_none()) {
        return Ok((None, l.hash.clone()));
    }
    let s = start_session(app, t, old_token, None, None, String::new(), Level::Low).await?;
    let hash = s.hash.clone();
    Ok((Some(s), hash))
}

/// What an identity provider said about a citizen who logged in (its token verified).
#[derive(Debug, Clone)]
pub struct Identity {
    pub issuer: String,
    pub subject: String,
    pub level: Level,
    pub profile: Profile,
}

/// A citizen logged in: the account is created or updated (profile and level as the
/// provider says now) and a new session started. `unnamed` is the display name for a
/// profile without names. Returns the account id and the session.
pub async fn logged_in(
    app: &App,
    t: &TenantDef,
    id: &Identity,
    old_token: Option<&str>,
    unnamed: String,
) -> AppResult<(String, NewSession)> {
    let account_id = app
        .db
        .upsert_account(
            t.id.as_str(),
            &id.issuer,
            &id.subject,
            &serde_json::to_string(&id.profile).unwrap_or_else(|_| "{}".into()),
            id.level.as_str(),
            &uuid::Uuid::new_v4().simple().to_string(),
        )
        .await?;
    let display = match id.profile.display_name() {
        n if n.is_empty() => unnamed,
        n => n,
    };
    let s = start_session(
        app,
        t,
        old_token,
        Some(account_id.clone()),
        None,
        display,
        id.level,
    )
    .await?;
    tracing::info!(tenant = %t.id, level = id.level.as_str(), "citizen logged in");
    Ok((account_id, s))
}

/// Ends the citizen's session, or (`everywhere`, for an account) every session of the
/// account on every device.
pub async fn log_out(app: &App, c: &Citizen, everywhere: bool) -> AppResult<()> {
    if let Some(live) = &c.live {
        match (everywhere, live.account_id()) {
            (true, Some(a)) => {
                app.db.end_all_sessions(a).await?;
                // Everywhere includes the apps the citizen let in.
                app.db.revoke_app_grants_of(a).await?;
                app.tokens.forget();
            }
            _ => app.db.end_session(&live.hash).await?,
        }
        tracing::info!(tenant = %live.session.tenant_id, everywhere, "citizen logged out");
    }
    Ok(())
}

/// The profile of the citizen's account (for prefilling), empty for guests.
pub async fn profile(app: &App, tid: &str, c: &Citizen) -> AppResult<Profile> {
    let Some(id) = c.account_id() else {
        return Ok(Profile::default());
    };
    Ok(match app.db.account(tid, id).await? {
        Some(a) => serde_json::from_str(&a.profile).unwrap_or_default(),
        None => Profile::default(),
    })
}

// ----- guests: reference and access code ----------------------------------------------------------

/// What entering reference and access code came to.
pub enum GuestAccess {
    /// The application opens in this browser (a browser it was bound to before loses it);
    /// a new session's token when the browser had none.
    Opened {
        draft: String,
        session: Option<NewSession>,
    },
    /// Reference and code do not fit (unknown references answer alike).
    Refused,
    /// Too many tries: not before this many milliseconds from now.
    Wait(i64),
}

/// Opens a guest's application with its reference and access code. A small pause on every
/// try, a lock-out per reference with growing delays and a limit per address make guessing
/// useless; unknown references count like known ones, so the answer never tells whether
/// one exists.
pub async fn guest_access(
    app: &App,
    t: &TenantDef,
    c: &Citizen,
    old_token: Option<&str>,
    ip: Option<IpAddr>,
    reference: &str,
    code: &str,
) -> AppResult<GuestAccess> {
    let tid = t.id.as_str();
    let draft = match guest_application(app, tid, ip, reference, code).await? {
        GuestFind::Found(d) => d,
        GuestFind::Refused => return Ok(GuestAccess::Refused),
        GuestFind::Wait(ms) => return Ok(GuestAccess::Wait(ms)),
    };
    let (session, hash) = guest_session(app, t, c, old_token).await?;
    bind(&app.db, tid, &draft, &hash).await?;
    Ok(GuestAccess::Opened { draft, session })
}

/// What reference and access code name.
pub(crate) enum GuestFind {
    /// The application (its draft id).
    Found(String),
    Refused,
    Wait(i64),
}

/// The guest's application of `reference` if `code` is its access code — one try against
/// the guessing limits, whichever face asks (a browser, an app).
pub(crate) async fn guest_application(
    app: &App,
    tid: &str,
    ip: Option<IpAddr>,
    reference: &str,
    code: &str,
) -> AppResult<GuestFind> {
    let reference: String = reference.trim().to_uppercase().chars().take(40).collect();
    let code = normalize_code(code);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let guess = format!("access:{reference}");
    if let Verdict::Wait(ms) = app.guesses.check(&app.db, tid, &guess, ip).await? {
        tracing::warn!(tenant = %tid, "guest access locked for a while");
        return Ok(GuestFind::Wait(ms));
    }
    let found = if code.len() == 12 && !reference.is_empty() {
        app.db
            .application_by_access_code(tid, &reference, &sha256_hex(&code))
            .await?
    } else {
        None
    };
    let Some(draft) = found else {
        tracing::warn!(tenant = %tid, "guest access refused");
        app.guesses.failed(&app.db, tid, &guess).await?;
        return Ok(GuestFind::Refused);
    };
    app.guesses.succeeded(&app.db, tid, &guess).await?;
    Ok(GuestFind::Found(draft))
}

/// Binds a guest's application (or draft) to session `hash`, which also links to it.
async fn bind(db: &Db, tid: &str, did: &str, hash: &str) -> Result<(), StoreError> {
    db.bind_draft(tid, did, hash).await?;
    db.set_session_draft(hash, did).await
}

// ----- the account's own data ---------------------------------------------------------------------

/// The citizen's applications: an account's all, a guest's the one their session (or
/// app) holds — if it is still theirs.
pub async fn applications(
    app: &App,
    tid: &str,
    c: &Citizen,
) -> AppResult<Vec<rathaus_store::ApplicationSummary>> {
    let Some(live) = &c.live else {
        return Ok(Vec::new());
    };
    if let Some(account) = live.account_id() {
        return Ok(app.db.applications_of_account(tid, account).await?);
    }
    let Some(did) = live.session.draft_id.as_deref() else {
        return Ok(Vec::new());
    };
    if crate::access::case(app, c, tid, did).await.is_err() {
        return Ok(Vec::new());
    }
    Ok(app.db.application(tid, did).await?.into_iter().collect())
}

/// The logged-in citizen's account, as a handle for what only its owner may do.
pub struct OwnAccount {
    tenant: String,
    id: String,
}

/// The account of the citizen's session, if logged in.
pub fn own_account(c: &Citizen, tid: &str) -> Option<OwnAccount> {
    c.account_id().map(|id| OwnAccount {
        tenant: tid.to_owned(),
        id: id.to_owned(),
    })
}

impl OwnAccount {
    pub fn id(&self) -> &str {
        &self.id
    }
    pub fn tenant(&self) -> &str {
        &self.tenant
    }
}

/// Everything stored about the citizen (DSGVO Art. 15 and 20), as one JSON document;
/// `NotFound` when the account is gone.
pub async fn export(app: &App, a: &OwnAccount) -> AppResult<Json> {
    let (db, tid, aid) = (&app.db, a.tenant(), a.id());
    let account = db.account(tid, aid).await?.ok_or(AppError::NotFound)?;
    let mut applications = Vec::new();
    let mut drafts = Vec::new();
    for s in db.applications_of_account(tid, aid).await? {
        let Some(d) = db.draft(tid, &s.draft_id).await? else {
            continue;
        };
        let answers: Json = serde_json::from_str(&d.answers).unwrap_or(Json::Null);
        if s.reference.is_none() {
            drafts.push(json!({
                "service": s.service_id, "provider": s.provider_id, "step": s.step,
                "updated_at": rfc3339(s.updated_at), "answers": answers,
            }));
            continue;
        }
        let sub = db.submission_of_draft(tid, &s.draft_id).await?;
        let files = db.message_files(&s.draft_id).await?;
        let messages: Vec<Json> = db
            .messages(&s.draft_id)
            .await?
            .into_iter()
            .map(|m| {
                json!({
                    "direction": m.direction, "kind": m.kind, "subject": m.subject,
                    "body": m.body, "sender": m.sender,
                    "created_at": rfc3339(m.created_at),
                    "read_at": m.read_at.map(rfc3339),
                    "attachments": files.iter().filter(|(mid, _)| *mid == m.id)
                        .map(|(_, f)| json!({"name": f.name, "size": f.size, "type": f.kind, "sha256": f.sha256}))
                        .collect::<Vec<_>>(),
                })
            })
            .collect();
        let events: Vec<Json> = db
            .status_events(&s.draft_id)
            .await?
            .into_iter()
            .map(|e| json!({"status": e.status, "note": e.note, "at": rfc3339(e.at)}))
            .collect();
        applications.push(json!({
            "reference": s.reference, "service": s.service_id, "authority": s.provider_id,
            "status": s.status,
            "submitted_at": s.submitted_at.map(rfc3339),
            "answers": sub.as_ref().and_then(|x| serde_json::from_str::<Json>(&x.answers).ok()),
            "computed": sub.as_ref().and_then(|x| serde_json::from_str::<Json>(&x.computed).ok()),
            "status_history": events, "messages": messages,
        }));
    }
    let appointments: Vec<Json> = db
        .appointments_of_account(tid, aid, true)
        .await?
        .iter()
        .map(|a| {
            json!({
                "office": a.office_id, "services": a.services(), "starts_at": rfc3339(a.starts_at),
                "ends_at": rfc3339(a.ends_at), "status": a.status, "name": a.name, "email": a.email,
                "booked_at": rfc3339(a.created_at), "application": a.reference,
            })
        })
        .collect();
    let notices: Vec<Json> = db
        .account_notices(tid, aid)
        .await?
        .iter()
        .map(|n| {
            json!({
                "kind": n.kind, "subject": n.subject, "body": n.body,
                "created_at": rfc3339(n.created_at), "read_at": n.read_at.map(rfc3339),
            })
        })
        .collect();
    let loss_reports: Vec<Json> = db
        .losses_of_account(tid, aid)
        .await?
        .iter()
        .map(|l| {
            json!({
                "reference": l.reference, "category": l.category, "colour": l.colour,
                "description": l.description, "place": l.place, "lost_on": l.lost_on,
                "email": (!l.email.is_empty()).then_some(&l.email),
                "reported_at": rfc3339(l.created_at),
            })
        })
        .collect();
    Ok(json!({
        "format": "rathaus-personal-data/1",
        "exported_at": rfc3339(crate::clock::now_millis()),
        "portal": tid,
        "account": {
            "identity_provider": account.issuer, "subject": account.subject,
            "level_of_assurance": account.level,
            "profile": serde_json::from_str::<Json>(&account.profile).unwrap_or(Json::Null),
        },
        "applications": applications,
        "drafts": drafts,
        "appointments": appointments,
        "notices": notices,
        "loss_reports": loss_reports,
        "moving_folders": db.folders_of_account(tid, aid).await?.iter().map(|f| json!({
            "plan": f.plan_id, "reference": f.reference, "consent": f.consent,
            "answers": serde_json::from_str::<Json>(&f.answers).unwrap_or(Json::Null),
            "created_at": rfc3339(f.created_at),
        })).collect::<Vec<_>>(),
    }))
}

fn rfc3339(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.to_string())
        .unwrap_or_default()
}

/// Deletes the account with its drafts, applications' personal data and files (Art. 17);
/// its appointments are detached. Every session of it ends.
pub async fn delete(app: &App, a: OwnAccount) -> AppResult<()> {
    let files = app.db.delete_account(a.tenant(), a.id()).await?;
    app.tokens.forget();
    for id in files {
        if let Err(e) = app.files.blobs.delete(a.tenant(), &id).await {
            // The metadata is gone; a leftover blob is unreachable. Logged for cleanup.
            tracing::error!(error = %e, file = %id, "deleting a file of a deleted account failed");
        }
    }
    tracing::info!(tenant = %a.tenant(), "citizen account deleted");
    Ok(())
}

/// What Mein Bereich shows: the account's applications (submitted ones and drafts), the
/// files of its Postkorb, how many sessions it has open, and the appointments ahead.
pub struct Overview {
    pub applications: Vec<rathaus_store::ApplicationSummary>,
    /// Postkorb attachments by application (draft id).
    pub files: Vec<(String, rathaus_store::FileMeta)>,
    pub sessions: i64,
    pub appointments: Vec<rathaus_store::Appointment>,
    /// Notices that belong to no application, newest first.
    pub notices: Vec<rathaus_store::AccountNotice>,
    /// The account's loss reports, each with the token for its certificate and withdrawal.
    pub losses: Vec<(rathaus_store::LossReport, String)>,
    /// The account's moving folders.
    pub folders: Vec<rathaus_store::FolderRow>,
}

pub async fn overview(app: &App, a: &OwnAccount) -> AppResult<Overview> {
    let applications = app.db.applications_of_account(a.tenant(), a.id()).await?;
    let mut files = Vec::new();
    for s in applications.iter().filter(|s| s.reference.is_some()) {
        for (_, f) in app.db.message_files(&s.draft_id).await? {
            files.push((s.draft_id.clone(), f));
        }
    }
    let losses = app
        .db
        .losses_of_account(a.tenant(), a.id())
        .await?
        .into_iter()
        .map(|l| {
            let token = app.keys.loss_certificate_token(&l.id);
            (l, token)
        })
        .collect();
    Ok(Overview {
        sessions: app.db.count_sessions(a.id()).await.unwrap_or(1),
        appointments: crate::appointments::of_account(app, a.tenant(), a.id()).await?,
        notices: app.db.account_notices(a.tenant(), a.id()).await?,
        folders: app.db.folders_of_account(a.tenant(), a.id()).await?,
        losses,
        applications,
        files,
    })
}

/// The application a guest session was opened for (its session bar links there).
pub fn session_case(c: &Citizen) -> Option<&str> {
    c.live
        .as_ref()
        .filter(|l| l.account_id().is_none())
        .and_then(|l| l.session.draft_id.as_deref())
}
