//! Changing a case: the one way every face does it. Staff in the back office, the citizen
//! in the Postkorb, the operator with `rathaus postkorb`, a Fachverfahren through the
//! inbound API — each describes what it wants ([`Change`]) and [`change`] derives the rest
//! from it, in one transaction:
//!
//! - the transition is checked against the lifecycle (`rathaus_domain::case`);
//! - the hand-overs configured for it are queued (the start of the review, the decision);
//! - the citizen gets the notification mail exactly when a message reaches the Postkorb
//!   (the mail says so, and nothing else); a status change alone shows in the case's
//!   timeline but sends no mail, whoever made it;
//! - apps that follow the application get a push message (no content) for either;
//! - the audit entry names the actor and, first in its detail, the new status.
//!
//! So no caller can forget a hand-over or mail differently from another.

use crate::{App, Site};
use rathaus_domain::delivery::{delivery_key, DeliveryEvent};
use rathaus_domain::{ApplicationStatus, TenantDef};
use rathaus_store::{
    AuditEvent, Case, CaseChange, FileMeta, Letter, Message, NewPayment, Note, QueuedDelivery,
    StoreError,
};

/// Longest text of a message, a request or a note, in characters (every face).
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Longest subject of a message, in characters.
pub const MAX_SUBJECT_CHARS: usize = 200;

/// Who changes a case (named in the audit trail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A member of staff, by id.
    Staff(&'a str),
    /// The applicant (an account or a guest session).
    Citizen,
    /// The operator on the command line.
    Operator,
    /// A receiving Fachverfahren, by its delivery target id.
    Fachverfahren(&'a str),
}

impl Actor<'_> {
    pub fn audit_name(&self) -> String {
        match self {
            Actor::Staff(id) => format!("staff:{id}"),
            Actor::Citizen => "citizen".into(),
            Actor::Operator => "operator".into(),
            Actor::Fachverfahren(target) => format!("fachverfahren:{target}"),
        }
    }
}

/// What the caller wants done to one case.
#[derive(Debug)]
pub struct Change<'a> {
    pub actor: Actor<'a>,
    pub case: &'a Case,
    /// The audit action (`start_review`, `reply`, `inbound_decide`, …) and its detail.
    pub action: &'a str,
    pub detail: String,
    /// The new status; `None` (or the current one) leaves it.
    pub to: Option<ApplicationStatus>,
    /// The transition's note in the status history.
    pub transition_note: Option<&'a str>,
    pub decision: Option<&'a str>,
    pub message: Option<(&'a Message, &'a [FileMeta])>,
    pub letter: Option<&'a Letter>,
    pub note: Option<&'a Note>,
    pub external_ref: Option<&'a str>,
    pub payment: Option<&'a NewPayment>,
}

impl<'a> Change<'a> {
    /// A change of `case` by `actor`, recorded as `action`; add what it does.
    pub fn new(actor: Actor<'a>, case: &'a Case, action: &'a str) -> Self {
        Change {
            actor,
            case,
            action,
            detail: String::new(),
            to: None,
            transition_note: None,
            decision: None,
            message: None,
            letter: None,
            note: None,
            external_ref: None,
            payment: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    #[error("the status cannot change from {from} to {to}")]
    NotAllowed { from: String, to: String },
    /// The case changed meanwhile (another colleague, the citizen): nothing was done.
    #[error("the application changed meanwhile")]
    Changed,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The status change from `current` to `to`, if any, checked against the lifecycle
/// (`None` when there is none to make: no new status, or the current one).
pub fn step(
    from: ApplicationStatus,
    to: Option<ApplicationStatus>,
) -> Result<Option<(ApplicationStatus, ApplicationStatus)>, CaseError> {
    let Some(to) = to else { return Ok(None) };
    if from == to {
        return Ok(None);
    }
    from.action_to(to).ok_or_else(|| CaseError::NotAllowed {
        from: from.as_str().to_owned(),
        to: to.as_str().into(),
    })?;
    Ok(Some((from, to)))
}

/// Carries out `c` in one transaction with everything it causes.
pub async fn change(app: &App, c: &Change<'_>) -> Result<(), CaseError> {
    let case = c.case;
    let site = app.site();
    let transition = step(case.status, c.to)?;
    let deliveries = transition
        .map(|(from, to)| for_transition(&site, case, from, to))
        .unwrap_or_default();
    let notify = match (c.message, case.contact_email.as_deref()) {
        (Some((m, _)), Some(to)) if m.direction == rathaus_store::TO_CITIZEN => {
            Some(postkorb_mail(app, &site, &case.portal_tenant_id, to))
        }
        _ => None,
    };
    // Apps that follow the application hear of the same news (Web Push, no content).
    let to_citizen = c
        .message
        .is_some_and(|(m, _)| m.direction == rathaus_store::TO_CITIZEN);
    let push = if to_citizen {
        Some(crate::push::news(
            "message",
            &case.portal_tenant_id,
            &case.draft_id,
        ))
    } else {
        transition.map(|_| crate::push::news("status", &case.portal_tenant_id, &case.draft_id))
    };
    let row = CaseChange {
        tenant_id: &case.tenant_id,
        draft_id: &case.draft_id,
        transition: transition.map(|(from, to)| (from, to, c.transition_note)),
        decision: c.decision,
        message: c.message,
        notify: notify.as_deref().map(|p| (rathaus_jobs::MAIL, p)),
        push,
        letter: c.letter,
        note: c.note,
        audit: Some(AuditEvent {
            actor: c.actor.audit_name(),
            action: c.action.to_owned(),
            object: format!("case:{}", case.reference),
            detail: match transition {
                Some((_, to)) if c.detail.is_empty() => format!("status={}", to.as_str()),
                Some((_, to)) => format!("status={} {}", to.as_str(), c.detail),
                None => c.detail.clone(),
            },
        }),
        deliveries,
        external_ref: c.external_ref,
        payment: c.payment.map(|p| (p, case.reference.as_str())),
    };
    if app.db.change_case(&row).await? {
        Ok(())
    } else {
        Err(CaseError::Changed)
    }
}

/// The deliveries `provider` configured for `service` at `event`. `reference` may be the
/// placeholder `{reference}` (a submission learns its number in the transaction).
pub fn queued(
    provider: &TenantDef,
    service: &str,
    event: DeliveryEvent,
    reference: &str,
) -> Vec<QueuedDelivery> {
    let Some(service) = rathaus_domain::ServiceId::parse(service) else {
        return Vec::new();
    };
    provider
        .deliveries_for(&service, event)
        .map(|d| QueuedDelivery {
            id: delivery_key(provider.id.as_str(), &d.id, reference, event),
            target: d.id.clone(),
            reference: reference.to_owned(),
            payload: serde_json::json!({ "target": d.id, "reference": reference, "event": event })
                .to_string(),
        })
        .collect()
}

/// The deliveries a status change of case `c` causes: the start of the review (from
/// `received` only, not a resumption) and the decision.
pub fn for_transition(
    site: &Site,
    c: &Case,
    from: ApplicationStatus,
    to: ApplicationStatus,
) -> Vec<QueuedDelivery> {
    let event = match (from, to) {
        (ApplicationStatus::Received, ApplicationStatus::InReview) => DeliveryEvent::ReviewStarted,
        (_, ApplicationStatus::Decided) => DeliveryEvent::Decided,
        _ => return Vec::new(),
    };
    site.tenant(&c.tenant_id)
        .map(|t| queued(t, &c.service_id, event, &c.reference))
        .unwrap_or_default()
}

/// The mail "something new in your Postkorb" in the portal tenant's words: links only, no
/// content (the message itself is read after logging in).
fn postkorb_mail(app: &App, site: &Site, tid: &str, to: &str) -> String {
    let words = site.words(tid, rathaus_domain::Lang::De);
    let mut a = fluent_bundle::FluentArgs::new();
    a.set("link", app.config.url(&crate::links::my_area(tid)));
    a.set(
        "guest_link",
        app.config.url(&crate::links::guest_access(tid)),
    );
    serde_json::to_string(&rathaus_jobs::MailPayload {
        to: to.to_owned(),
        subject: words.get("mail-postkorb-subject"),
        body: words.with("mail-postkorb-body", &a),
        attachment: None,
    })
    .unwrap_or_default()
}
