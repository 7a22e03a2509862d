//! Is my ID card or passport ready? (Statusabfrage.) The office's Fachverfahren reports
//! the status of each document — as a CSV export (uploaded in the back office or imported
//! on the command line) or over its JSON interface — and a citizen asks with the
//! application or serial number and their birth date.
//!
//! Nothing here is an oracle: an unknown number and a known number with the wrong birth
//! date get the same answer, after the same pause; every try counts against the network
//! address and against the number (growing waits, as for access codes, see `guard`). The
//! database files entries under keyed hashes only; the e-mail of "tell me when it is ready"
//! lives until that one mail is queued; entries go a set time after hand-out. Logs name
//! neither numbers nor dates.

use crate::access::OfficeDesk;
use crate::guard::Verdict;
use crate::{App, AppResult};
use rathaus_domain::form::Message;
use rathaus_domain::id_document::{
    normalize_number, parse_birth_date, DocumentReport, DocumentStatus, IdStatusDef, Report,
    RowError, MAX_ROWS,
};
use rathaus_domain::tenant::OfficeDef;
use rathaus_domain::{Lang, TenantDef};
use rathaus_store::{IdDocument, ReportOutcome, ReportedDocument};
use std::net::IpAddr;

/// A citizen's question, as typed.
#[derive(Debug, Clone, Default)]
pub struct Question {
    pub number: String,
    pub birth_date: String,
}

/// What a document's entry says, for the citizen who named it.
#[derive(Debug, Clone)]
pub struct Found {
    pub entry: IdDocument,
    pub status: DocumentStatus,
    /// The office that has (or made) the document.
    pub office: String,
    /// The bookable of the office's calendar for picking it up, when it can be picked up.
    pub pickup: Option<String>,
    /// "Tell me when it is ready" can be asked for (while it is being made, once).
    pub can_notify: bool,
}

/// The answer to a question.
#[derive(Debug)]
pub enum Answer {
    Found(Box<Found>),
    /// No status for this combination — whether the number is unknown or the birth date
    /// does not fit.
    NoStatus,
    /// Too many tries: the next one not before this many milliseconds.
    Wait(i64),
    /// The input is not a number or not a date: field errors (`nummer`, `geburtsdatum`).
    Invalid(Vec<(&'static str, Message)>),
}

/// The offices of `t` that report document states.
pub fn offices(t: &TenantDef) -> impl Iterator<Item = (&OfficeDef, &IdStatusDef)> {
    t.offices
        .iter()
        .filter_map(|o| o.id_status.as_ref().map(|s| (o, s)))
}

/// Whether `t` offers the Statusabfrage at all.
pub fn offered(t: &TenantDef) -> bool {
    offices(t).next().is_some()
}

/// Reads a CSV export of the Fachverfahren (all rows or none; errors with line and reason).
pub fn read_csv(text: &str) -> Result<Vec<Report>, Vec<RowError>> {
    rathaus_domain::id_document::read_csv(text, crate::clock::today_date())
}

/// Reads the rows of a JSON report (all or none; errors with index and reason).
pub fn read_rows(rows: &[DocumentReport]) -> Result<Vec<Report>, Vec<RowError>> {
    if rows.len() > MAX_ROWS {
        return Err(vec![RowError {
            at: MAX_ROWS,
            field: "documents",
            reason: format!("more than {MAX_ROWS} documents in one report"),
        }]);
    }
    let today = crate::clock::today_date();
    let mut out = Vec::with_capacity(rows.len());
    let mut errors = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        match r.read(i, today) {
            Ok(r) => out.push(r),
            Err(e) => errors.extend(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Reads the question; field errors if it cannot be a number and a birth date.
fn read(q: &Question) -> Result<(String, String), Vec<(&'static str, Message)>> {
    let mut errors = Vec::new();
    let number = normalize_number(&q.number);
    if number.is_none() {
        let key = if q.number.trim().is_empty() {
            "idstatus-error-number-missing"
        } else {
            "idstatus-error-number"
        };
        errors.push(("nummer", Message::Key(key, Vec::new())));
    }
    let birth = parse_birth_date(&q.birth_date, crate::clock::today_date());
    if birth.is_none() {
        let key = if q.birth_date.trim().is_empty() {
            "idstatus-error-birth-missing"
        } else {
            "idstatus-error-birth"
        };
        errors.push(("geburtsdatum", Message::Key(key, Vec::new())));
    }
    match (number, birth) {
        (Some(n), Some(b)) if errors.is_empty() => Ok((n, b.to_string())),
        _ => Err(errors),
    }
}

/// Looks the document up: one try against the limits of the address and of the number.
pub async fn lookup(
    app: &App,
    t: &TenantDef,
    ip: Option<IpAddr>,
    q: &Question,
) -> AppResult<Answer> {
    if !offered(t) {
        return Err(crate::AppError::NotFound);
    }
    let (number, birth) = match read(q) {
        Ok(v) => v,
        Err(e) => return Ok(Answer::Invalid(e)),
    };
    let tid = t.id.as_str();
    // The same pause for every answer, so neither timing nor speed helps a guesser.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let guess = format!("idnumber:{}", app.keys.id_number_key(tid, &number));
    if let Verdict::Wait(ms) = app.guesses.check(&app.db, tid, &guess, ip).await? {
        tracing::warn!(tenant = %tid, "document status lookups locked for a while");
        return Ok(Answer::Wait(ms));
    }
    let key = app.keys.id_document_key(tid, &number, &birth);
    let entry = match app.db.id_document(tid, &key).await? {
        // An office no longer reporting keeps nothing to show.
        Some(e) if offices(t).any(|(o, _)| o.id.as_str() == e.office_id) => e,
        _ => {
            app.guesses.failed(&app.db, tid, &guess).await?;
            return Ok(Answer::NoStatus);
        }
    };
    app.guesses.succeeded(&app.db, tid, &guess).await?;
    let status = DocumentStatus::parse(&entry.status).unwrap_or(DocumentStatus::InProduction);
    let pickup = offices(t)
        .find(|(o, _)| o.id.as_str() == entry.office_id)
        .and_then(|(_, s)| s.pickup.clone())
        .filter(|_| status.can_be_picked_up());
    Ok(Answer::Found(Box::new(Found {
        office: entry.office_id.clone(),
        can_notify: matches!(status, DocumentStatus::InProduction) && entry.notified_at.is_none(),
        entry,
        status,
        pickup,
    })))
}

/// What asking to be told came to.
#[derive(Debug)]
pub enum Notify {
    /// The one mail (or Postkorb notice) will be sent when the document is ready.
    Subscribed,
    /// Not (any more) possible: ready already, or told already.
    NotNeeded(Box<Found>),
    /// The e-mail address is missing or not one (with the document's status).
    BadEmail(Box<Found>, Message),
    /// As for [`lookup`].
    NoStatus,
    Wait(i64),
    Invalid(Vec<(&'static str, Message)>),
}

/// "Tell me when it is ready": asked again with number and birth date (one more try), so
/// the request names nothing a stranger could hold. A guest names an e-mail address; a
/// logged-in citizen is told in the account's Postkorb (and its apps), and by e-mail too
/// if they name an address.
pub async fn notify(
    app: &App,
    t: &TenantDef,
    ip: Option<IpAddr>,
    q: &Question,
    email: &str,
    account: Option<&crate::accounts::OwnAccount>,
    lang: Lang,
) -> AppResult<Notify> {
    let email = email.trim();
    let account = account.filter(|a| a.tenant() == t.id.as_str());
    let email_ok = crate::notices::reachable(email, account.is_some());
    let found = match lookup(app, t, ip, q).await? {
        Answer::Found(f) => f,
        Answer::NoStatus => return Ok(Notify::NoStatus),
        Answer::Wait(ms) => return Ok(Notify::Wait(ms)),
        Answer::Invalid(e) => return Ok(Notify::Invalid(e)),
    };
    if !found.can_notify {
        return Ok(Notify::NotNeeded(found));
    }
    if !email_ok {
        let key = if email.is_empty() {
            "idstatus-error-email-missing"
        } else {
            "error-email"
        };
        return Ok(Notify::BadEmail(found, Message::Key(key, Vec::new())));
    }
    if app
        .db
        .id_document_notify(
            &found.entry.id,
            Some(email).filter(|e| !e.is_empty()),
            account.map(|a| a.id()),
            lang.code(),
        )
        .await?
    {
        Ok(Notify::Subscribed)
    } else {
        Ok(Notify::NotNeeded(found))
    }
}

/// Who reports: the Fachverfahren by its token, staff of the office, or the operator.
pub enum Reporter<'a> {
    System,
    Staff(&'a OfficeDesk<'a>),
    Operator(&'a crate::postkorb::Operator),
}

impl Reporter<'_> {
    fn actor(&self, office: &str) -> String {
        match self {
            Reporter::System => format!("system:id-status:{office}"),
            Reporter::Staff(d) => format!("staff:{}", d.staff().session.staff_id),
            Reporter::Operator(_) => "operator".into(),
        }
    }
}

/// A Fachverfahren's right to report for one office: its bearer token (at least 16
/// characters, compared in constant time) fits the office's `id_status.token_env`.
pub fn system_may_report(t: &TenantDef, office: &str, token: &str) -> bool {
    offices(t).any(|(o, s)| {
        o.id.as_str() == office
            && s.token_env
                .as_deref()
                .and_then(|v| std::env::var(v).ok())
                .filter(|s| s.len() >= 16)
                .is_some_and(|expected| crate::secrets::token_matches(token, &expected))
    })
}

/// Files `reports` for `office` of `t` in one transaction (audited, with the "ready" mails
/// they cause). `Err(NotFound)` if the office does not report document states.
pub async fn report(
    app: &App,
    t: &TenantDef,
    office: &str,
    by: Reporter<'_>,
    reports: &[Report],
) -> AppResult<ReportOutcome> {
    let tid = t.id.as_str();
    let (o, _) = offices(t)
        .find(|(o, _)| o.id.as_str() == office)
        .ok_or(crate::AppError::NotFound)?;
    if let Reporter::Staff(d) = &by {
        if d.office() != office || d.staff().tenant() != tid {
            return Err(crate::AppError::NotFound);
        }
    }
    let today = crate::clock::today_date().to_string();
    let documents: Vec<ReportedDocument> = reports
        .iter()
        .map(|r| {
            let birth = r.birth_date.to_string();
            ReportedDocument {
                kind: r.kind.as_str().to_owned(),
                key_application: r
                    .application_number
                    .as_ref()
                    .map(|n| app.keys.id_document_key(tid, n, &birth)),
                key_serial: r
                    .serial_number
                    .as_ref()
                    .map(|n| app.keys.id_document_key(tid, n, &birth)),
                status: r.status.as_str().to_owned(),
                since: r
                    .since
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| today.clone()),
                is_final: r.status.is_final(),
                ready: r.status.can_be_picked_up(),
            }
        })
        .collect();
    let site = app.site();
    let mail = |email: &str, lang: &str| {
        let lang = Lang::parse(lang).unwrap_or(Lang::De);
        let (subject, body, _) = ready_texts(app, &site, t, o, lang, "idstatus-mail-body");
        let payload = rathaus_jobs::MailPayload {
            to: email.to_owned(),
            subject,
            body,
            attachment: None,
        };
        serde_json::to_string(&payload).unwrap_or_default()
    };
    let notice = |account: &str, lang: &str| {
        let (subject, body, link) = ready_texts(
            app,
            &site,
            t,
            o,
            Lang::parse(lang).unwrap_or(Lang::De),
            "idstatus-notice-body",
        );
        crate::notices::to(account, crate::notices::ID_READY, subject, body, Some(link))
    };
    let out = app
        .db
        .report_id_documents(tid, office, &documents, &by.actor(office), &mail, &notice)
        .await?;
    tracing::info!(tenant = %tid, office, added = out.added, updated = out.updated, notified = out.notified, "document states reported");
    Ok(out)
}

/// The one "ready" news (mail or notice): no name, no number — only that a document
/// waits at the office, its address and hours and where to book the pick-up. Subject, body
/// and the local path of the booking (or of the office).
fn ready_texts(
    app: &App,
    site: &crate::Site,
    t: &TenantDef,
    o: &OfficeDef,
    lang: Lang,
    body: &str,
) -> (String, String, String) {
    let w = site.words(t.id.as_str(), lang);
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("office", o.name.get(lang).0.to_owned());
    args.set("authority", t.name.get(lang).0.to_owned());
    args.set(
        "address",
        format!(
            "{} {}, {} {}",
            o.address.street, o.address.house_number, o.address.postal_code, o.address.city
        ),
    );
    let pickup = o.id_status.as_ref().and_then(|s| s.pickup.as_deref());
    let path = match (pickup, &o.appointments) {
        (Some(b), Some(_)) => {
            crate::links::appointment_office(t.id.as_str(), o.id.as_str(), Some(b))
        }
        _ => crate::links::office(t.id.as_str(), o.id.as_str()),
    };
    args.set("link", app.config.url(&path));
    (
        w.with("idstatus-mail-subject", &args),
        w.with(body, &args),
        path,
    )
}

/// Deletes what has been kept long enough, in every office of every tenant; how many.
pub async fn purge(app: &App) -> AppResult<u64> {
    let site = app.site();
    let now = crate::clock::now_millis();
    let mut n = 0;
    for t in site.catalog.tenants() {
        for (o, s) in offices(t) {
            n += app
                .db
                .purge_id_documents(
                    t.id.as_str(),
                    o.id.as_str(),
                    now - i64::from(s.keep_days) * crate::clock::DAY_MS,
                    now - i64::from(s.keep_days_max) * crate::clock::DAY_MS,
                )
                .await?;
        }
    }
    if n > 0 {
        tracing::info!(entries = n, "document states deleted after their time");
    }
    Ok(n)
}

/// Entries per status of the office at `desk` (the back office's overview).
pub async fn counts(app: &App, desk: &OfficeDesk<'_>) -> AppResult<Vec<(DocumentStatus, i64)>> {
    Ok(app
        .db
        .id_document_counts(desk.staff().tenant(), desk.office())
        .await?
        .into_iter()
        .filter_map(|(s, n)| DocumentStatus::parse(&s).map(|s| (s, n)))
        .collect())
}
