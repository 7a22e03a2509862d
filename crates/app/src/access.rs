//! Who is asking, and what they may touch. A face turns its credentials (a session cookie,
//! a bearer token, the command line) into one of the callers here; the functions of this
//! module hand out a *handle* to an object only to a caller with the right, and operations
//! take the handle. So code without the right cannot call them: there is no `is_admin`
//! to forget. The handles' fields are private; only this module makes them.
//!
//! - [`Citizen`] (an account's or a guest's session, or nobody) → [`OwnDraft`],
//!   [`OwnCase`] through [`draft`] and [`case`];
//! - [`Staff`] (a staff session with its rights) → [`StaffCase`] ([`Staff::case`]),
//!   [`AdminDesk`] ([`Staff::admin`]), [`LeadDesk`] ([`Staff::lead`]), [`OfficeDesk`]
//!   ([`Staff::office`]);
//! - a Fachverfahren's bearer token → [`Receiver`] → its [`InboundCase`];
//! - the operator on the command line → [`crate::postkorb::Operator`];
//! - an appointment's key or owner → [`crate::appointments::OwnAppointment`];
//! - a kiosk's key → [`Kiosk`].

use crate::{App, AppError, AppResult};
use rathaus_domain::case::Rights;
use rathaus_domain::delivery::DeliveryDef;
use rathaus_domain::{Level, TenantDef};
use rathaus_store::{AuditEvent, Case, Draft, Session, StaffSession};

// ----- citizens ---------------------------------------------------------------------------------

/// A live session of a tenant: a citizen's account or a guest. Reading it moved its idle
/// clock.
#[derive(Debug, Clone)]
pub struct Live {
    /// The SHA-256 of the session cookie (what drafts and applications are bound to).
    pub hash: String,
    pub session: Session,
    /// When the session ends without further requests (unix ms).
    pub idle_ends: i64,
    pub warn_ms: i64,
}

impl Live {
    pub fn account_id(&self) -> Option<&str> {
        self.session.account_id.as_deref()
    }
    pub fn level(&self) -> Level {
        Level::parse(&self.session.level).unwrap_or(Level::Low)
    }
}

/// Whoever asks on the citizens' side: a live session, or nobody (maybe one whose
/// session has just ended).
#[derive(Debug, Clone, Default)]
pub struct Citizen {
    pub live: Option<Live>,
    /// A session token was presented but its session has ended (idle or lifetime).
    pub expired: bool,
    /// The SHA-256 of that ended session's token (the browser that held it).
    pub stale: Option<String>,
}

impl Citizen {
    pub fn account_id(&self) -> Option<&str> {
        self.live.as_ref().and_then(Live::account_id)
    }

    /// The citizen's session of `tenant` for this token, if any (it is touched: the idle
    /// time starts again).
    pub async fn of_session(app: &App, tenant: &str, token: Option<&str>) -> Citizen {
        let Some(token) = token else {
            return Citizen::default();
        };
        let site = app.site();
        let Some(t) = site.tenant(tenant) else {
            return Citizen::default();
        };
        let policy = &t.session;
        let hash = crate::secrets::sha256_hex(token);
        match app.db.touch_session(tenant, &hash, policy.idle_ms()).await {
            Ok(Some(session)) => Citizen {
                live: Some(Live {
                    idle_ends: (session.last_seen_at + policy.idle_ms()).min(session.expires_at),
                    warn_ms: policy.warn_ms(),
                    hash,
                    session,
                }),
                expired: false,
                stale: None,
            },
            Ok(None) => Citizen {
                live: None,
                expired: true,
                stale: Some(hash),
            },
            Err(e) => {
                tracing::error!(error = %e, "reading the session failed");
                Citizen::default()
            }
        }
    }
}

/// Why a citizen may not open a draft or case as they are.
#[derive(Debug, PartialEq, Eq)]
pub enum Denied {
    /// Nothing there (or nothing for this caller, without a hint which).
    Gone,
    /// It belongs to an account, and nobody is logged in.
    Login,
    /// A guest's, and this is not the session it is bound to: it opens with the resume
    /// code (a draft) or reference and access code (an application).
    Code,
}

/// Whether `c` may open `draft`: an account's only in that account's session, a guest's
/// only in the guest session it is bound to (the browser that started it, or the one the
/// resume or access code was entered in). The draft id is never enough.
fn decide(draft: &Draft, c: &Citizen) -> Result<(), Denied> {
    match (&draft.account_id, c.account_id()) {
        (Some(owner), Some(me)) if owner == me => Ok(()),
        (Some(_), Some(_)) => Err(Denied::Gone),
        (Some(_), None) => Err(Denied::Login),
        (None, _) => match (&c.live, &draft.owner_session) {
            (Some(l), Some(owner)) if l.hash == *owner => Ok(()),
            _ => Err(Denied::Code),
        },
    }
}

/// A draft (open or submitted) its owner is looking at. Only [`draft`] makes one.
#[derive(Debug, Clone)]
pub struct OwnDraft {
    draft: Draft,
}

impl OwnDraft {
    pub fn draft(&self) -> &Draft {
        &self.draft
    }
    pub fn id(&self) -> &str {
        &self.draft.id
    }
    pub fn tenant(&self) -> &str {
        &self.draft.tenant_id
    }
    pub fn submitted(&self) -> bool {
        self.draft.reference.is_some()
    }
    /// A guest's (not an account's).
    pub fn guest(&self) -> bool {
        self.draft.account_id.is_none()
    }
}

/// The draft `id` of portal tenant `tid` for citizen `c`; `Err(Ok(denied))` says how it
/// might still open, with the draft so the face can offer the right way.
pub async fn draft(app: &App, c: &Citizen, tid: &str, id: &str) -> Result<OwnDraft, DraftRefusal> {
    let d = app
        .db
        .draft(tid, id)
        .await
        .map_err(|e| DraftRefusal::Error(e.into()))?
        .ok_or(DraftRefusal::Denied(Denied::Gone, None))?;
    match decide(&d, c) {
        Ok(()) => Ok(OwnDraft { draft: d }),
        Err(why) => Err(DraftRefusal::Denied(why, Some(Box::new(d)))),
    }
}

/// Why [`draft`] gave no handle.
#[derive(Debug)]
pub enum DraftRefusal {
    /// Not for this caller as they are; the draft (when there is one) tells the face
    /// whether to ask for a login, a resume code or the access code.
    Denied(Denied, Option<Box<Draft>>),
    Error(AppError),
}

/// A submitted application its owner is looking at (status, Postkorb, withdrawal). Only
/// [`case`] makes one.
#[derive(Debug, Clone)]
pub struct OwnCase {
    draft: Draft,
}

impl OwnCase {
    pub fn draft(&self) -> &Draft {
        &self.draft
    }
    pub fn id(&self) -> &str {
        &self.draft.id
    }
    pub fn tenant(&self) -> &str {
        &self.draft.tenant_id
    }
    /// The case as staff see it (status, office, contact) — read fresh.
    pub async fn case(&self, app: &App) -> AppResult<Case> {
        app.db
            .case_of_draft(&self.draft.id)
            .await?
            .ok_or(AppError::NotFound)
    }
}

/// The submitted application of draft `id`, for its owner.
pub async fn case(app: &App, c: &Citizen, tid: &str, id: &str) -> Result<OwnCase, Denied> {
    let d = match app.db.draft(tid, id).await {
        Ok(Some(d)) if d.reference.is_some() => d,
        Ok(_) => return Err(Denied::Gone),
        Err(e) => {
            tracing::error!(error = %e, "reading a case failed");
            return Err(Denied::Gone);
        }
    };
    decide(&d, c)?;
    Ok(OwnCase { draft: d })
}

// ----- staff --------------------------------------------------------------------------------

/// A live staff session of a tenant, with the rights of its grants in that tenant only.
#[derive(Debug, Clone)]
pub struct Staff {
    pub hash: String,
    pub session: StaffSession,
    pub rights: Rights,
}

/// The rights recorded with a staff member or session (their grants as JSON).
pub fn rights_of(grants: &str) -> Rights {
    Rights {
        grants: serde_json::from_str(grants).unwrap_or_default(),
    }
}

impl Staff {
    /// The staff session of `tenant` for this token, if live (and touched).
    pub async fn of_session(app: &App, tenant: &str, token: &str) -> Option<Staff> {
        let site = app.site();
        let t = site.tenant(tenant)?;
        let hash = crate::secrets::sha256_hex(token);
        match app
            .db
            .touch_staff_session(tenant, &hash, t.session.idle_ms())
            .await
        {
            Ok(Some(session)) => {
                // Only grants of this tenant count, whatever the row says.
                let mut rights = rights_of(&session.grants);
                rights.grants.retain(|g| g.tenant == tenant);
                Some(Staff {
                    hash,
                    session,
                    rights,
                })
            }
            Ok(None) => None,
            Err(e) => {
                tracing::error!(error = %e, "reading the staff session failed");
                None
            }
        }
    }

    pub fn id(&self) -> &str {
        &self.session.staff_id
    }

    pub fn tenant(&self) -> &str {
        &self.session.tenant_id
    }

    /// The offices this person works in.
    pub fn offices(&self) -> Vec<String> {
        self.rights.offices(self.tenant())
    }

    /// Whether the case is of this tenant and of an office this person works in.
    pub fn can_see(&self, c: &Case) -> bool {
        c.tenant_id == self.session.tenant_id
            && c.office_id
                .as_deref()
                .is_some_and(|o| self.rights.can_process(&c.tenant_id, o))
    }

    /// This member of staff as the actor of a change.
    pub fn actor(&self) -> crate::cases::Actor<'_> {
        crate::cases::Actor::Staff(&self.session.staff_id)
    }

    /// An audit entry by this member of staff.
    pub fn event(&self, action: &str, object: String, detail: String) -> AuditEvent {
        AuditEvent {
            actor: format!("staff:{}", self.session.staff_id),
            action: action.to_owned(),
            object,
            detail,
        }
    }

    /// The case `reference`, if this person may process it; otherwise "not found".
    pub async fn case(&self, app: &App, reference: &str) -> AppResult<StaffCase<'_>> {
        match app.db.case(self.tenant(), reference).await? {
            Some(c) if self.can_see(&c) => Ok(StaffCase {
                staff: self,
                case: c,
            }),
            _ => Err(AppError::NotFound),
        }
    }

    /// The admin desk of the tenant (print queue, audit trail, hand-overs, cash office).
    pub fn admin(&self) -> Option<AdminDesk<'_>> {
        self.rights
            .is_admin(self.tenant())
            .then_some(AdminDesk { staff: self })
    }

    /// The offices this person leads (figures), if any.
    pub fn lead(&self) -> Option<LeadDesk<'_>> {
        let offices: Vec<String> = self
            .offices()
            .into_iter()
            .filter(|o| self.rights.can_lead(self.tenant(), o))
            .collect();
        (!offices.is_empty()).then_some(LeadDesk {
            staff: self,
            offices,
        })
    }

    /// The waiting room of office `oid`, if this person works there.
    pub fn office(&self, oid: &str) -> Option<OfficeDesk<'_>> {
        self.rights
            .can_process(self.tenant(), oid)
            .then(|| OfficeDesk {
                staff: self,
                office: oid.to_owned(),
            })
    }
}

/// A case a member of staff may process. Only [`Staff::case`] makes one.
pub struct StaffCase<'s> {
    staff: &'s Staff,
    case: Case,
}

impl StaffCase<'_> {
    pub fn staff(&self) -> &Staff {
        self.staff
    }
    pub fn case(&self) -> &Case {
        &self.case
    }
}

/// An admin of a tenant. Only [`Staff::admin`] makes one.
pub struct AdminDesk<'s> {
    staff: &'s Staff,
}

impl<'s> AdminDesk<'s> {
    pub fn staff(&self) -> &'s Staff {
        self.staff
    }

    /// The cash office of the tenant, if it has one.
    pub fn cash<'t>(&self, t: &'t TenantDef) -> Option<CashDesk<'s, 't>> {
        (t.id.as_str() == self.staff.tenant())
            .then_some(())
            .and(t.cash_office.as_ref())
            .map(|office| CashDesk {
                staff: self.staff,
                office,
            })
    }
}

/// An admin at a tenant's cash office. Only [`AdminDesk::cash`] makes one.
pub struct CashDesk<'s, 't> {
    staff: &'s Staff,
    office: &'t rathaus_domain::tenant::CashOfficeDef,
}

impl<'s, 't> CashDesk<'s, 't> {
    pub fn staff(&self) -> &'s Staff {
        self.staff
    }
    pub fn office(&self) -> &'t rathaus_domain::tenant::CashOfficeDef {
        self.office
    }
}

/// A lead of one or more offices. Only [`Staff::lead`] makes one.
pub struct LeadDesk<'s> {
    staff: &'s Staff,
    offices: Vec<String>,
}

impl LeadDesk<'_> {
    pub fn staff(&self) -> &Staff {
        self.staff
    }
    pub fn offices(&self) -> &[String] {
        &self.offices
    }
}

/// A member of staff at the waiting room of one office. Only [`Staff::office`] makes one.
pub struct OfficeDesk<'s> {
    staff: &'s Staff,
    office: String,
}

impl OfficeDesk<'_> {
    pub fn staff(&self) -> &Staff {
        self.staff
    }
    pub fn office(&self) -> &str {
        &self.office
    }
}

// ----- machines ----------------------------------------------------------------------------

/// A receiving Fachverfahren, known by its inbound bearer token. Only [`receiver`] makes one.
pub struct Receiver<'t> {
    target: &'t DeliveryDef,
    tenant: String,
}

/// The delivery target of `t` whose inbound token is `token` (at least 16 characters,
/// compared in constant time).
pub fn receiver<'t>(t: &'t TenantDef, token: &str) -> Option<Receiver<'t>> {
    t.deliveries
        .iter()
        .find(|d| {
            d.inbound_token_env
                .as_deref()
                .and_then(|v| std::env::var(v).ok())
                .filter(|s| s.len() >= 16)
                .is_some_and(|expected| crate::secrets::token_matches(token, &expected))
        })
        .map(|target| Receiver {
            target,
            tenant: t.id.to_string(),
        })
}

impl Receiver<'_> {
    pub fn target(&self) -> &DeliveryDef {
        self.target
    }

    /// The application `reference`, if it was handed to this receiver (others are "not
    /// found", as if they did not exist).
    pub async fn case(&self, app: &App, reference: &str) -> AppResult<InboundCase<'_>> {
        let c = app
            .db
            .case(&self.tenant, reference)
            .await?
            .ok_or(AppError::NotFound)?;
        let handed = app
            .db
            .deliveries_of(&self.tenant, &c.reference)
            .await?
            .iter()
            .any(|r| r.target == self.target.id);
        if !handed {
            return Err(AppError::NotFound);
        }
        Ok(InboundCase {
            receiver: self,
            case: c,
        })
    }
}

/// An application a receiver got and may report on. Only [`Receiver::case`] makes one.
pub struct InboundCase<'r> {
    receiver: &'r Receiver<'r>,
    case: Case,
}

impl InboundCase<'_> {
    pub fn case(&self) -> &Case {
        &self.case
    }
    pub fn target(&self) -> &DeliveryDef {
        self.receiver.target
    }
}

/// The check-in terminal of an office, known by its key. Only [`kiosk`] makes one.
pub struct Kiosk<'t> {
    pub office: &'t rathaus_domain::OfficeDef,
    pub calendar: &'t rathaus_domain::appointment::CalendarDef,
    tenant: String,
}

impl Kiosk<'_> {
    pub fn tenant(&self) -> &str {
        &self.tenant
    }
}

/// The kiosk key of an office's calendar, if its variable is set (at least 16 characters).
pub fn kiosk_key(def: &rathaus_domain::appointment::CalendarDef) -> Option<String> {
    def.kiosk_key_env
        .as_deref()
        .and_then(|v| std::env::var(v).ok())
        .filter(|k| k.len() >= 16)
}

/// The kiosk of office `oid` of `t`, if `key` is its key.
pub fn kiosk<'t>(t: &'t TenantDef, oid: &str, key: &str) -> Option<Kiosk<'t>> {
    let (office, calendar) = crate::appointments::calendar_of(t, oid)?;
    let expected = kiosk_key(calendar)?;
    crate::secrets::token_matches(key, &expected).then(|| Kiosk {
        office,
        calendar,
        tenant: t.id.to_string(),
    })
}
