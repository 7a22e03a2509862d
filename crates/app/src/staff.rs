//! The back office: staff log in at the municipality's directory, see the inbox of their
//! offices, open a case, assign, ask the citizen, decide and release the notice (Bescheid)
//! as PDF/A into the Postkorb and, for letters, into the print queue. Admins run the print
//! queue, the audit trail and the hand-overs; leads see the figures. Every operation takes
//! the handle that proves the right ([`crate::access`]); every view of personal data and
//! every change is written to the audit trail.

use crate::access::{rights_of, AdminDesk, LeadDesk, Staff, StaffCase};
use crate::accounts::NewSession;
use crate::cases::{Change, MAX_SUBJECT_CHARS, MAX_TEXT_CHARS};
use crate::secrets::{random_token, sha256_hex};
use crate::{App, AppError, AppResult, Site};
use rathaus_domain::case::{fill, Action, Decision, Figures, History, Rights};
use rathaus_domain::{ApplicationStatus, Lang, MessageKind, TenantDef};
use rathaus_store::{
    AuditEvent, Case, DeliveryRow, InboxFilter, Letter, Message, Note, StaffMember, StaffSession,
};
use serde_json::{Map, Value as Json};

// ----- login ----------------------------------------------------------------------------------

/// Why a verified directory login does not open the back office.
#[derive(Debug, PartialEq, Eq)]
pub enum NoEntry {
    /// The person has no group of this tenant.
    NoRights,
}

/// A member of staff logged in at the directory (its token verified): their groups give
/// the rights in this tenant; the staff record is kept up to date and a new session
/// started (`old_token`: a staff session the browser still holds, ended first). Audited.
pub async fn logged_in(
    app: &App,
    t: &TenantDef,
    issuer: &str,
    subject: &str,
    name: &str,
    groups: &[&str],
    old_token: Option<&str>,
) -> AppResult<Result<NewSession, NoEntry>> {
    let tid = t.id.as_str();
    let rights = Rights::from_groups(tid, groups.iter().copied());
    if rights.is_empty() {
        return Ok(Err(NoEntry::NoRights));
    }
    let grants = serde_json::to_string(&rights.grants).unwrap_or_else(|_| "[]".into());
    let staff_id = app
        .db
        .upsert_staff(
            tid,
            issuer,
            subject,
            name,
            &grants,
            &uuid::Uuid::new_v4().simple().to_string(),
        )
        .await?;
    if let Some(old) = old_token {
        app.db.end_staff_session(&sha256_hex(old)).await?;
    }
    let token = random_token();
    let now = crate::clock::now_millis();
    let session = StaffSession {
        tenant_id: tid.to_owned(),
        staff_id: staff_id.clone(),
        name: name.to_owned(),
        grants,
        created_at: now,
        last_seen_at: now,
        expires_at: now + t.session.max_ms(),
    };
    let hash = sha256_hex(&token);
    app.db.create_staff_session(&hash, &session).await?;
    let ev = AuditEvent {
        actor: format!("staff:{staff_id}"),
        action: "login".into(),
        object: format!("staff:{staff_id}"),
        detail: String::new(),
    };
    app.db.audit(tid, &ev).await?;
    tracing::info!(tenant = %tid, "staff logged in");
    Ok(Ok(NewSession { token, hash }))
}

/// Ends the staff session.
pub async fn log_out(app: &App, staff: &Staff) -> AppResult<()> {
    Ok(app.db.end_staff_session(&staff.hash).await?)
}

// ----- inbox --------------------------------------------------------------------------------

/// Whose cases an inbox shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    Me,
    Nobody,
    Someone(String),
}

/// The inbox's filters and order.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    pub office: Option<String>,
    pub service: Option<String>,
    pub status: Option<ApplicationStatus>,
    pub assignee: Option<Assignee>,
    pub search: Option<String>,
    pub overdue: bool,
    pub sort: rathaus_store::Sort,
}

/// A colleague a case may be assigned to.
#[derive(Debug, Clone)]
pub struct Colleague {
    pub id: String,
    pub name: String,
    pub me: bool,
}

/// What the inbox shows.
pub struct Inbox {
    pub cases: Vec<Case>,
    /// Cases per status in the staff member's offices.
    pub counts: Vec<(ApplicationStatus, i64)>,
    pub colleagues: Vec<Colleague>,
    /// The offices the staff member works in.
    pub offices: Vec<String>,
    /// Whether they lead one of them (may assign to others).
    pub can_lead: bool,
    pub now: i64,
}

/// The inbox of the staff member's offices (audited as a view).
pub async fn inbox(app: &App, staff: &Staff, q: &InboxQuery) -> AppResult<Inbox> {
    let tid = staff.tenant();
    let offices = staff.offices();
    let now = crate::clock::now_millis();
    let filter = InboxFilter {
        offices: offices.clone(),
        office: q.office.clone(),
        service: q.service.clone(),
        status: q.status,
        assignee: q.assignee.as_ref().map(|a| match a {
            Assignee::Me => staff.id().to_owned(),
            Assignee::Nobody => String::new(),
            Assignee::Someone(x) => x.clone(),
        }),
        query: q.search.clone(),
        overdue_at: q.overdue.then_some(now),
        sort: q.sort,
        limit: 200,
    };
    let cases = app.db.inbox(tid, &filter).await?;
    let counts = app.db.status_counts(tid, &offices).await?;
    let members = app.db.staff(tid).await?;
    let colleagues = colleagues(staff, &offices, &members);
    let ev = staff.event(
        "view_inbox",
        format!("inbox:{tid}"),
        format!("cases={}", cases.len()),
    );
    app.db.audit(tid, &ev).await?;
    Ok(Inbox {
        cases,
        counts,
        colleagues,
        can_lead: offices.iter().any(|o| staff.rights.can_lead(tid, o)),
        offices,
        now,
    })
}

/// Whether a case is overdue: its processing time has passed and it is still open.
pub fn overdue(c: &Case, now: i64) -> bool {
    c.due_at.is_some_and(|d| d < now) && c.status.is_open()
}

/// Colleagues a case may be assigned to: staff of the tenant with a grant in one of these
/// offices (a staff member without the lead role sees only themself).
fn colleagues(staff: &Staff, offices: &[String], members: &[StaffMember]) -> Vec<Colleague> {
    let tid = staff.tenant();
    members
        .iter()
        .filter(|m| {
            let r = rights_of(&m.grants);
            offices.iter().any(|o| {
                r.can_process(tid, o) && (m.id == staff.id() || staff.rights.can_lead(tid, o))
            })
        })
        .map(|m| Colleague {
            id: m.id.clone(),
            name: m.name.clone(),
            me: m.id == staff.id(),
        })
        .collect()
}

/// Assigns the cases `references` to `to` (`None`: nobody). Oneself (or nobody, for one's
/// own cases) is always allowed; others need the lead role of the case's office, and the
/// colleague must work there. `NotFound` for a case the staff member may not see or an
/// unknown colleague, `Forbidden` for a missing right; nothing is changed then.
pub async fn assign(
    app: &App,
    staff: &Staff,
    references: &[&str],
    to: Option<Assignee>,
) -> AppResult<()> {
    let tid = staff.tenant();
    let target = match to {
        None | Some(Assignee::Nobody) => None,
        Some(Assignee::Me) => Some(staff.id().to_owned()),
        Some(Assignee::Someone(x)) => Some(x),
    };
    let members = app.db.staff(tid).await?;
    let target_rights = match &target {
        Some(id) => Some(
            members
                .iter()
                .find(|m| &m.id == id)
                .map(|m| rights_of(&m.grants))
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };
    let mut ids = Vec::new();
    for r in references.iter().take(500) {
        let c = staff.case(app, r).await?;
        let c = c.case();
        let office = c.office_id.clone().unwrap_or_default();
        let own = target.as_deref() == Some(staff.id())
            || (target.is_none() && c.assignee.as_deref() == Some(staff.id()));
        if !own && !staff.rights.can_lead(tid, &office) {
            return Err(AppError::Forbidden);
        }
        if target_rights
            .as_ref()
            .is_some_and(|r| !r.can_process(tid, &office))
        {
            return Err(AppError::Forbidden);
        }
        ids.push(c.draft_id.clone());
    }
    let actor = format!("staff:{}", staff.id());
    app.db.assign(tid, &ids, target.as_deref(), &actor).await?;
    Ok(())
}

// ----- one case -----------------------------------------------------------------------------

/// Everything the case page shows beside the form's answers.
pub struct CaseFile {
    pub files: Vec<rathaus_store::FileMeta>,
    pub messages: Vec<Message>,
    pub notes: Vec<Note>,
    pub events: Vec<rathaus_store::StatusEvent>,
    pub audit: Vec<rathaus_store::AuditEntry>,
    pub members: Vec<StaffMember>,
    pub colleagues: Vec<Colleague>,
    pub deliveries: Vec<DeliveryRow>,
    pub payment: Option<rathaus_store::Payment>,
    /// What staff may do now (the lifecycle decides).
    pub actions: Vec<Action>,
    pub can_assign_others: bool,
}

/// The case with everything around it; looking at it is a view of personal data and is
/// recorded.
pub async fn open(app: &App, sc: &StaffCase<'_>) -> AppResult<CaseFile> {
    let (c, staff) = (sc.case(), sc.staff());
    let tid = staff.tenant();
    let members = app.db.staff(tid).await?;
    let office = c.office_id.clone().unwrap_or_default();
    let file = CaseFile {
        files: app.db.case_files(&c.draft_id).await?,
        messages: app.db.messages(&c.draft_id).await?,
        notes: app.db.notes(&c.draft_id).await?,
        events: app.db.status_events(&c.draft_id).await?,
        audit: app
            .db
            .audit_entries(tid, Some(&format!("case:{}", c.reference)))
            .await?,
        colleagues: colleagues(staff, std::slice::from_ref(&office), &members),
        members,
        deliveries: app.db.deliveries_of(tid, &c.reference).await?,
        payment: app.db.payment_of(&c.draft_id).await?,
        actions: c.status.staff_actions(),
        can_assign_others: staff.rights.can_lead(tid, &office),
    };
    let ev = staff.event("view", format!("case:{}", c.reference), String::new());
    app.db.audit(tid, &ev).await?;
    Ok(file)
}

/// The form of the case in the version it was filled with.
pub async fn form<'a>(
    app: &App,
    site: &'a Site,
    sc: &StaffCase<'_>,
) -> AppResult<crate::forms::Loaded<'a>> {
    let c = sc.case();
    Ok(crate::forms::at(
        app,
        site,
        &c.portal_tenant_id,
        &c.tenant_id,
        &c.service_id,
        c.version,
    )
    .await?)
}

/// A file of the case (form upload or Postkorb attachment); opening it is recorded.
pub async fn file(app: &App, sc: &StaffCase<'_>, id: &str) -> AppResult<rathaus_store::FileMeta> {
    let c = sc.case();
    let meta = app
        .db
        .case_files(&c.draft_id)
        .await?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or(AppError::NotFound)?;
    let ev = sc.staff().event(
        "view_file",
        format!("case:{}", c.reference),
        format!("file={id}"),
    );
    app.db.audit(sc.staff().tenant(), &ev).await?;
    Ok(meta)
}

/// Starts the review, goes on after waiting, or closes (`Conflict` when the case's status
/// does not allow it, or it changed meanwhile).
pub async fn transition(app: &App, sc: &StaffCase<'_>, action: Action) -> AppResult<()> {
    if !matches!(action, Action::StartReview | Action::Resume | Action::Close) {
        return Err(AppError::Conflict);
    }
    let c = sc.case();
    let from = c.status;
    let to = from.apply(action).map_err(|_| AppError::Conflict)?;
    let mut change = Change::new(sc.staff().actor(), c, action.as_str());
    change.to = Some(to);
    Ok(crate::cases::change(app, &change).await?)
}

/// Adds an internal note; an empty or too long one is ignored (`Ok(false)`).
pub async fn note(app: &App, sc: &StaffCase<'_>, text: &str) -> AppResult<bool> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Ok(false);
    }
    let note = Note {
        id: uuid::Uuid::new_v4().simple().to_string(),
        author: sc.staff().session.name.clone(),
        body: text.to_owned(),
        created_at: crate::clock::now_millis(),
    };
    let mut change = Change::new(sc.staff().actor(), sc.case(), "note");
    change.note = Some(&note);
    crate::cases::change(app, &change).await?;
    Ok(true)
}

/// Asks the citizen for information or documents: the request goes to the Postkorb and the
/// case waits. `Ok(false)`: subject or text missing or too long.
pub async fn request_info(
    app: &App,
    sc: &StaffCase<'_>,
    subject: &str,
    text: &str,
) -> AppResult<bool> {
    let subject: String = subject.trim().chars().take(MAX_SUBJECT_CHARS).collect();
    let text = text.trim();
    if subject.is_empty() || text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return Ok(false);
    }
    let c = sc.case();
    let from = c.status;
    let to = from
        .apply(Action::RequestInfo)
        .map_err(|_| AppError::Conflict)?;
    let site = app.site();
    let m = Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: c.portal_tenant_id.clone(),
        draft_id: c.draft_id.clone(),
        direction: rathaus_store::TO_CITIZEN.into(),
        kind: MessageKind::Request.as_str().into(),
        subject,
        body: text.to_owned(),
        sender: site.authority_name(&c.portal_tenant_id, &c.service_id, &c.tenant_id),
        created_at: crate::clock::now_millis(),
        read_at: None,
    };
    let mut change = Change::new(sc.staff().actor(), c, "request_info");
    change.to = Some(to);
    change.message = Some((&m, &[]));
    change.detail = format!("message={}", m.id);
    crate::cases::change(app, &change).await?;
    Ok(true)
}

// ----- the notice (Bescheid) ---------------------------------------------------------------

/// What staff enter to decide.
#[derive(Debug, Clone, Default)]
pub struct NoticeInput {
    pub decision: Option<Decision>,
    pub reasons: String,
    /// The fee in cents, as typed (`None`: not a sum of money).
    pub fee: Option<i64>,
    /// A letter by post as well (always for guests).
    pub by_post: bool,
}

/// The texts of a notice, in German (the official language).
#[derive(Debug, Clone, serde::Serialize)]
pub struct NoticeText {
    pub title: String,
    pub operative: String,
    pub reasons: String,
    pub fee: String,
    pub remedy: String,
    pub recipient: Vec<String>,
    pub sender: String,
    pub date: String,
}

/// A notice ready to be shown, previewed or released.
pub struct Notice {
    pub decision: Decision,
    pub fee: i64,
    pub by_post: bool,
    pub text: NoticeText,
}

/// Checks what staff entered and writes the notice from the service's `notice:` texts (or
/// generic ones), the reasons and fee, and the applicant's name and address.
/// `Ok(Err(key))`: the message key of what is wrong; `Conflict`: the case cannot be
/// decided in its status.
pub async fn notice(
    app: &App,
    sc: &StaffCase<'_>,
    input: &NoticeInput,
) -> AppResult<Result<Notice, &'static str>> {
    let c = sc.case();
    let from = c.status;
    from.apply(Action::Decide).map_err(|_| AppError::Conflict)?;
    let site = app.site();
    let l = form(app, &site, sc).await?;
    let answers: Map<String, Json> = serde_json::from_str(&c.answers).unwrap_or_default();
    let by_post = input.by_post || c.account_id.is_none();
    let reasons = input.reasons.trim();
    let (decision, fee) = match (input.decision, input.fee) {
        (None, _) => return Ok(Err("staff-notice-error-decision")),
        _ if reasons.is_empty() || reasons.chars().count() > MAX_TEXT_CHARS => {
            return Ok(Err("staff-notice-error-reasons"))
        }
        (Some(_), f) if f.is_none_or(|x| !(0..=10_000_000).contains(&x)) => {
            return Ok(Err("staff-notice-error-fee"))
        }
        _ if by_post && l.form().applicant_address(&answers).is_none() => {
            return Ok(Err("staff-notice-error-address"))
        }
        (Some(d), Some(f)) => (d, f),
        (Some(_), None) => return Ok(Err("staff-notice-error-fee")),
    };
    let text = notice_text(&site, &l, c, decision, reasons, fee, &answers);
    Ok(Ok(Notice {
        decision,
        fee,
        by_post,
        text,
    }))
}

fn notice_text(
    site: &Site,
    l: &crate::forms::Loaded<'_>,
    c: &Case,
    decision: Decision,
    reasons: &str,
    fee_cents: i64,
    answers: &Map<String, Json>,
) -> NoticeText {
    let w = site.words(&c.portal_tenant_id, Lang::De);
    let service = l.service();
    let fee = rathaus_domain::service::format_eur_de_i64(fee_cents);
    let submitted = crate::clock::berlin_format(c.submitted_at, "%d.%m.%Y");
    let values = [
        ("name", c.applicant.as_str()),
        ("reference", c.reference.as_str()),
        ("service", service.title.de.as_str()),
        ("submitted", submitted.as_str()),
        ("fee", fee.as_str()),
    ];
    let (operative, remedy) = match &service.notice {
        Some(n) => (
            match decision {
                Decision::Approved => fill(&n.approved.de, &values),
                Decision::Rejected => fill(&n.rejected.de, &values),
            },
            fill(&n.remedy.de, &values),
        ),
        None => (
            fill(
                &w.get(&format!("notice-default-{}", decision.as_str())),
                &values,
            ),
            w.get("notice-default-remedy"),
        ),
    };
    let mut recipient = vec![c.applicant.clone()];
    if let Some(a) = l.form().applicant_address(answers) {
        recipient.extend(a);
    }
    let fee = if fee_cents > 0 {
        let mut text = fill(&w.get("notice-fee"), &values);
        if let Some(cash) = site
            .tenant(&c.tenant_id)
            .and_then(|t| t.cash_office.as_ref())
        {
            let rf = rathaus_domain::payment::CreditorReference::for_base(&c.reference)
                .map(|r| r.grouped())
                .unwrap_or_default();
            text.push(' ');
            text.push_str(&fill(
                &w.get("notice-fee-transfer"),
                &[
                    ("beneficiary", cash.name.as_str()),
                    ("iban", cash.iban.as_str()),
                    ("reference", rf.as_str()),
                ],
            ));
        }
        text
    } else {
        w.get("notice-no-fee")
    };
    NoticeText {
        title: format!("{} – {}", w.get("notice-title"), service.title.de),
        operative,
        reasons: reasons.to_owned(),
        fee,
        remedy,
        recipient,
        sender: site.authority_name(&c.portal_tenant_id, &c.service_id, &c.tenant_id),
        date: crate::clock::berlin_format(crate::clock::now_millis(), "%d.%m.%Y"),
    }
}

/// The notice as PDF/A.
pub async fn notice_pdf(app: &App, sc: &StaffCase<'_>, n: &Notice) -> AppResult<Vec<u8>> {
    use rathaus_pdf::Block;
    let c = sc.case();
    let site = app.site();
    let w = site.words(&c.portal_tenant_id, Lang::De);
    let t = &n.text;
    let blocks = vec![
        Block::Paragraph(t.sender.clone()),
        Block::Field {
            label: w.get("notice-to"),
            lines: t.recipient.clone(),
        },
        Block::Field {
            label: w.get("notice-reference"),
            lines: vec![c.reference.clone()],
        },
        Block::Field {
            label: w.get("notice-date"),
            lines: vec![t.date.clone()],
        },
        Block::Title(t.title.clone()),
        Block::Heading(w.get("notice-decision")),
        Block::Paragraph(t.operative.clone()),
        Block::Heading(w.get("notice-reasons")),
        Block::Paragraph(t.reasons.clone()),
        Block::Heading(w.get("notice-fee-heading")),
        Block::Paragraph(t.fee.clone()),
        Block::Heading(w.get("notice-remedy")),
        Block::Paragraph(t.remedy.clone()),
    ];
    let doc = rathaus_pdf::Document {
        lang: "de".into(),
        title: t.title.clone(),
        author: t.sender.clone(),
        creator: "Rathaus".into(),
        created: crate::clock::pdf_timestamp(crate::clock::now_millis()),
        blocks,
        footer: format!("{} · {} · {{page}}/{{pages}}", c.reference, t.sender),
    };
    crate::receipts::render(doc)
        .await
        .map_err(AppError::Internal)
}

/// Releases the notice: the case is decided; the PDF/A goes to the Postkorb (and, for
/// letters, into the print queue); a fee becomes a payment the citizen can make (unless the
/// application took one already); the hand-overs of the decision are queued — one
/// transaction. If it fails, the stored PDF is removed again.
pub async fn release(app: &App, sc: &StaffCase<'_>, n: &Notice) -> AppResult<()> {
    let c = sc.case();
    let from = c.status;
    let to = from.apply(Action::Decide).map_err(|_| AppError::Conflict)?;
    let bytes = notice_pdf(app, sc, n).await?;
    let name = format!("Bescheid-{}.pdf", c.reference);
    let file = crate::postkorb::store_attachment(
        &app.files.blobs,
        &c.portal_tenant_id,
        &c.draft_id,
        &name,
        &bytes,
    )
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let m = Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: c.portal_tenant_id.clone(),
        draft_id: c.draft_id.clone(),
        direction: rathaus_store::TO_CITIZEN.into(),
        kind: MessageKind::Notice.as_str().into(),
        subject: n.text.title.clone(),
        body: format!("{}\n\n{}", n.text.operative, n.text.reasons),
        sender: n.text.sender.clone(),
        created_at: crate::clock::now_millis(),
        read_at: None,
    };
    let letter = n.by_post.then(|| Letter {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: c.portal_tenant_id.clone(),
        draft_id: c.draft_id.clone(),
        reference: c.reference.clone(),
        file_id: file.id.clone(),
        recipient: n.text.recipient.clone(),
        created_at: m.created_at,
        batch: None,
    });
    let site = app.site();
    let has_cash = site
        .tenant(&c.tenant_id)
        .is_some_and(|t| t.cash_office.is_some());
    let fee_payment = if n.fee > 0 && has_cash && app.db.payment_of(&c.draft_id).await?.is_none() {
        let l = form(app, &site, sc).await?;
        Some(notice_payment(&l, n.fee))
    } else {
        None
    };
    let sha = file.sha256.clone();
    let files = [file];
    let mut change = Change::new(sc.staff().actor(), c, "decide");
    change.to = Some(to);
    change.decision = Some(n.decision.as_str());
    change.payment = fee_payment.as_ref();
    change.message = Some((&m, &files));
    change.letter = letter.as_ref();
    change.detail = format!(
        "decision={} fee={} post={} sha256={sha}",
        n.decision.as_str(),
        n.fee,
        n.by_post
    );
    match crate::cases::change(app, &change).await {
        Ok(()) => {
            tracing::info!(tenant = %c.tenant_id, reference = %c.reference, decision = n.decision.as_str(), "notice released");
            Ok(())
        }
        Err(e) => {
            // Nothing was released: the stored PDF goes too.
            let _ = app
                .files
                .blobs
                .delete(&files[0].tenant_id, &files[0].id)
                .await;
            Err(e.into())
        }
    }
}

/// The payment of a fee set in a notice: one item, the service's booking code.
fn notice_payment(l: &crate::forms::Loaded<'_>, fee_cents: i64) -> rathaus_store::NewPayment {
    let service = l.service();
    let line = rathaus_domain::payment::FeeLine {
        label: rathaus_domain::Text {
            de: format!("Gebühr laut Bescheid – {}", service.title.de),
            en: service
                .title
                .en
                .as_ref()
                .map(|t| format!("Fee set by the notice – {t}")),
        },
        quantity: 1,
        unit_cents: fee_cents,
        total_cents: fee_cents,
    };
    rathaus_store::NewPayment {
        amount_cents: fee_cents,
        booking_code: service
            .form
            .as_ref()
            .and_then(|f| f.payment.as_ref())
            .map(|p| p.booking_code.clone())
            .unwrap_or_else(|| "-".into()),
        purpose: service.title.de.clone(),
        lines: serde_json::to_string(&[line]).unwrap_or_default(),
        mandate: None,
    }
}

// ----- print queue ------------------------------------------------------------------------------

/// Letters waiting to be printed and posted.
pub async fn print_queue(app: &App, admin: &AdminDesk<'_>) -> AppResult<Vec<Letter>> {
    Ok(app.db.letters(admin.staff().tenant(), true).await?)
}

/// A ZIP for the hybrid-mail service: every pending letter's PDF plus `adressen.csv` (file,
/// reference, address lines); the letters are then marked as exported in this batch.
/// Returns the file name and the bytes.
pub async fn print_export(app: &App, admin: &AdminDesk<'_>) -> AppResult<(String, Vec<u8>)> {
    use futures_util::StreamExt;
    use std::io::Write;
    let tid = admin.staff().tenant();
    let letters = app.db.letters(tid, true).await?;
    let batch = crate::clock::berlin_format(crate::clock::now_millis(), "%Y%m%d-%H%M%S");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let zipped = |e: zip::result::ZipError| AppError::Internal(format!("print batch: {e}"));
    let mut csv = String::from("datei;aktenzeichen;zeile1;zeile2;zeile3\r\n");
    for l in &letters {
        let mut bytes = Vec::new();
        let mut s = app.files.blobs.open(&l.tenant_id, &l.file_id).await?;
        while let Some(chunk) = s.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        let name = format!("{}.pdf", l.reference);
        zip.start_file(name.as_str(), opts).map_err(zipped)?;
        zip.write_all(&bytes)?;
        let mut cols = vec![name, l.reference.clone()];
        cols.extend(l.recipient.iter().take(3).cloned());
        cols.resize(5, String::new());
        let line: Vec<String> = cols
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        csv.push_str(&line.join(";"));
        csv.push_str("\r\n");
    }
    zip.start_file("adressen.csv", opts).map_err(zipped)?;
    zip.write_all(csv.as_bytes())?;
    let bytes = zip.finish().map_err(zipped)?.into_inner();
    let ids: Vec<String> = letters.iter().map(|l| l.id.clone()).collect();
    let actor = format!("staff:{}", admin.staff().id());
    app.db.mark_exported(tid, &ids, &batch, &actor).await?;
    Ok((format!("druck-{tid}-{batch}.zip"), bytes))
}

// ----- figures ----------------------------------------------------------------------------------

/// Per office and service: received, open, decided, median and 90th-percentile processing
/// time, mean waiting-for-citizen time — of the offices the staff member leads.
pub async fn figures(
    app: &App,
    lead: &LeadDesk<'_>,
) -> AppResult<Vec<((String, String), Figures)>> {
    let rows = app
        .db
        .case_histories(lead.staff().tenant(), lead.offices())
        .await?;
    let now = crate::clock::now_millis();
    let mut groups: std::collections::BTreeMap<(String, String), Vec<History>> = Default::default();
    for (service, office, submitted_at, events) in rows {
        groups.entry((office, service)).or_default().push(History {
            submitted_at,
            events,
        });
    }
    Ok(groups
        .into_iter()
        .map(|(k, hs)| (k, Figures::of(&hs, now)))
        .collect())
}

// ----- audit trail ----------------------------------------------------------------------------

/// The tenant's audit trail: the chain verified, and every entry.
pub async fn audit_trail(
    app: &App,
    admin: &AdminDesk<'_>,
) -> AppResult<(rathaus_store::AuditCheck, Vec<rathaus_store::AuditEntry>)> {
    let tid = admin.staff().tenant();
    Ok((
        app.db.verify_audit(tid).await?,
        app.db.audit_entries(tid, None).await?,
    ))
}

/// The whole chain as JSON Lines, so it can be verified elsewhere (the hash rule is in
/// `AuditEntry::compute_hash`). The export itself is audited first.
pub async fn audit_export(app: &App, admin: &AdminDesk<'_>) -> AppResult<String> {
    let tid = admin.staff().tenant();
    let ev = admin
        .staff()
        .event("audit_export", format!("audit:{tid}"), String::new());
    app.db.audit(tid, &ev).await?;
    let mut out = String::new();
    for e in app.db.audit_entries(tid, None).await? {
        out.push_str(
            &serde_json::json!({"tenant": e.tenant_id, "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                    "object": e.object, "detail": e.detail, "prev_hash": e.prev_hash, "hash": e.hash})
            .to_string(),
        );
        out.push('\n');
    }
    Ok(out)
}

// ----- hand-overs ---------------------------------------------------------------------------

/// The tenant's hand-overs (the parked and failing ones, or `all`) and the counts by state;
/// looking is audited.
pub async fn deliveries(
    app: &App,
    admin: &AdminDesk<'_>,
    all: bool,
) -> AppResult<(Vec<DeliveryRow>, Vec<(String, i64)>)> {
    let tid = admin.staff().tenant();
    let filter = if all {
        rathaus_store::DeliveryFilter::All
    } else {
        rathaus_store::DeliveryFilter::Troubled
    };
    let rows = app.db.deliveries(tid, filter, 200).await?;
    let counts = app.db.delivery_counts(tid).await?;
    let ev = admin
        .staff()
        .event("view_deliveries", "deliveries".into(), String::new());
    app.db.audit(tid, &ev).await?;
    Ok((rows, counts))
}

/// Retries a parked or failing hand-over now (`retry`), or cancels one that is not done;
/// with its audit entry in one transaction. `Conflict` when it changed meanwhile.
pub async fn change_delivery(
    app: &App,
    admin: &AdminDesk<'_>,
    id: &str,
    retry: bool,
) -> AppResult<()> {
    let tid = admin.staff().tenant();
    let d = app.db.delivery(tid, id).await?.ok_or(AppError::NotFound)?;
    let action = if retry {
        "delivery_retry"
    } else {
        "delivery_cancel"
    };
    let event = admin.staff().event(
        action,
        format!("case:{}", d.reference),
        format!("delivery={}", d.id),
    );
    if app.db.change_delivery(tid, &d.id, retry, &event).await? {
        tracing::info!(tenant = %tid, delivery = %d.id, action, "delivery changed by an administrator");
        Ok(())
    } else {
        Err(AppError::Conflict)
    }
}
