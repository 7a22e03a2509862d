//! Case processing in the back office: the lifecycle of an application as an explicit state
//! machine, staff roles per office, the notice (Bescheid) a service defines, and the
//! processing-time figures.

use crate::account::ApplicationStatus;
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of a decided application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Approved,
    Rejected,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approved => "approved",
            Decision::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<Decision> {
        match s {
            "approved" => Some(Decision::Approved),
            "rejected" => Some(Decision::Rejected),
            _ => None,
        }
    }
}

/// What can happen to an application. Staff act on the first five; the citizen replies
/// and withdraws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Staff start working on it.
    StartReview,
    /// Staff ask the citizen for information or documents.
    RequestInfo,
    /// Staff go on without waiting any longer.
    Resume,
    /// Staff decide (approve or reject); the notice is released with it.
    Decide,
    /// Staff close a decided or withdrawn application.
    Close,
    /// The citizen answered a request.
    CitizenReplied,
    /// The citizen withdraws the application.
    Withdraw,
}

impl Action {
    /// Actions offered to staff, in the order the case page shows them.
    pub const STAFF: [Action; 5] = [
        Action::StartReview,
        Action::RequestInfo,
        Action::Resume,
        Action::Decide,
        Action::Close,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::StartReview => "start_review",
            Action::RequestInfo => "request_info",
            Action::Resume => "resume",
            Action::Decide => "decide",
            Action::Close => "close",
            Action::CitizenReplied => "citizen_replied",
            Action::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::STAFF
            .into_iter()
            .chain([Action::CitizenReplied, Action::Withdraw])
            .find(|a| a.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{action}' is not possible while the application is '{from}'")]
pub struct TransitionError {
    pub from: &'static str,
    pub action: &'static str,
}

impl ApplicationStatus {
    /// The state machine of an application. Every change of status goes through here.
    ///
    /// ```text
    /// received ─start_review→ in_review ─request_info→ waiting_for_citizen
    ///    │                      │  ↑ └─decide→ decided ─close→ closed     │
    ///    │                      │  └──────citizen_replied / resume────────┘
    ///    └──── withdraw (citizen, before a decision) → withdrawn ─close→ closed
    /// ```
    pub fn apply(self, action: Action) -> Result<ApplicationStatus, TransitionError> {
        use ApplicationStatus as S;
        let next = match (self, action) {
            (S::Received, Action::StartReview) => S::InReview,
            (S::Received | S::InReview, Action::RequestInfo) => S::WaitingForCitizen,
            (S::WaitingForCitizen, Action::CitizenReplied | Action::Resume) => S::InReview,
            (S::InReview, Action::Decide) => S::Decided,
            (S::Decided | S::Withdrawn, Action::Close) => S::Closed,
            (S::Received | S::InReview | S::WaitingForCitizen, Action::Withdraw) => S::Withdrawn,
            _ => {
                return Err(TransitionError {
                    from: self.as_str(),
                    action: action.as_str(),
                })
            }
        };
        Ok(next)
    }

    /// The action that leads from here to `target`, if any (operators name a status).
    pub fn action_to(self, target: ApplicationStatus) -> Option<Action> {
        Action::STAFF
            .into_iter()
            .chain([Action::CitizenReplied, Action::Withdraw])
            .find(|a| self.apply(*a) == Ok(target))
    }

    /// The staff actions possible now.
    pub fn staff_actions(self) -> Vec<Action> {
        Action::STAFF
            .into_iter()
            .filter(|a| self.apply(*a).is_ok())
            .collect()
    }

    /// Whether the application still waits for someone (counts as open in the figures).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Received
                | ApplicationStatus::InReview
                | ApplicationStatus::WaitingForCitizen
        )
    }
}

// ----- staff and their rights -------------------------------------------------------------

/// Roles of staff, per office.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Processes cases: assigns them to themself, asks, decides.
    Sachbearbeitung,
    /// Also assigns cases to colleagues and sees the figures.
    Teamleitung,
    /// Also verifies and exports the audit trail and exports the print queue.
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sachbearbeitung => "sachbearbeitung",
            Role::Teamleitung => "teamleitung",
            Role::Admin => "admin",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        match s.to_ascii_lowercase().as_str() {
            "sachbearbeitung" => Some(Role::Sachbearbeitung),
            "teamleitung" => Some(Role::Teamleitung),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// One role in one office of one tenant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Grant {
    pub tenant: String,
    pub office: String,
    pub role: Role,
}

impl Grant {
    /// Reads a directory group such as `/solingen/auslaenderbehoerde/sachbearbeitung`
    /// (Keycloak's full group path; the leading slash is optional). Anything else is not a
    /// Rathaus group and is ignored.
    pub fn parse(group: &str) -> Option<Grant> {
        let mut parts = group.trim_start_matches('/').split('/');
        let (tenant, office, role) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || tenant.is_empty() || office.is_empty() {
            return None;
        }
        Some(Grant {
            tenant: tenant.to_owned(),
            office: office.to_owned(),
            role: Role::parse(role)?,
        })
    }
}

/// What a staff member may do, from their grants. Only grants of one tenant are ever
/// considered: a session belongs to one tenant.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rights {
    pub grants: Vec<Grant>,
}

impl Rights {
    /// The grants of `tenant` among `groups` (others are dropped).
    pub fn from_groups<'a>(tenant: &str, groups: impl IntoIterator<Item = &'a str>) -> Rights {
        let mut grants: Vec<Grant> = groups
            .into_iter()
            .filter_map(Grant::parse)
            .filter(|g| g.tenant == tenant)
            .collect();
        grants.sort();
        grants.dedup();
        Rights { grants }
    }

    fn role_in(&self, tenant: &str, office: &str) -> Option<Role> {
        self.grants
            .iter()
            .filter(|g| g.tenant == tenant && g.office == office)
            .map(|g| g.role)
            .max()
    }

    /// Offices of `tenant` this person works in.
    pub fn offices(&self, tenant: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .grants
            .iter()
            .filter(|g| g.tenant == tenant)
            .map(|g| g.office.clone())
            .collect();
        v.dedup();
        v
    }

    /// May see (and process) the cases of this office.
    pub fn can_process(&self, tenant: &str, office: &str) -> bool {
        self.role_in(tenant, office).is_some()
    }

    /// May assign cases of this office to colleagues and see its figures.
    pub fn can_lead(&self, tenant: &str, office: &str) -> bool {
        self.role_in(tenant, office) >= Some(Role::Teamleitung)
    }

    /// Administers the tenant's back office (audit trail, print queue) in some office.
    pub fn is_admin(&self, tenant: &str) -> bool {
        self.grants
            .iter()
            .any(|g| g.tenant == tenant && g.role == Role::Admin)
    }

    pub fn is_empty(&self) -> bool {
        self.grants.is_empty()
    }
}

// ----- the notice a service defines -------------------------------------------------------

/// Placeholders a notice text may use.
pub const NOTICE_PLACEHOLDERS: &[&str] = &["name", "reference", "service", "submitted", "fee"];

/// The notice (Bescheid) of a service: the decision's standard wording per outcome and the
/// Rechtsbehelfsbelehrung. Staff add the reasons as free text. Texts may use
/// `{name}`, `{reference}`, `{service}`, `{submitted}` and `{fee}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeDef {
    /// The operative part when the application is approved.
    pub approved: Text,
    /// The operative part when the application is rejected.
    pub rejected: Text,
    /// The Rechtsbehelfsbelehrung (how to object, where, by when).
    pub remedy: Text,
}

impl NoticeDef {
    /// Unknown placeholders, as `(json pointer below the notice, placeholder)`.
    pub fn unknown_placeholders(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, text) in [
            ("approved", &self.approved),
            ("rejected", &self.rejected),
            ("remedy", &self.remedy),
        ] {
            for (lang, s) in [("de", Some(&text.de)), ("en", text.en.as_ref())] {
                for p in s.map(|s| placeholders(s)).unwrap_or_default() {
                    if !NOTICE_PLACEHOLDERS.contains(&p.as_str()) {
                        out.push((format!("{key}/{lang}"), p));
                    }
                }
            }
        }
        out
    }
}

fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(after[..end].to_owned());
                rest = &after[end + 1..];
            }
            None => {
                out.push(after.to_owned());
                break;
            }
        }
    }
    out
}

/// Fills the placeholders of a notice text; unknown ones stay as they are (the loader
/// refuses them anyway).
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_owned();
    for (k, v) in values {
        out = out.replace(&format!("{{{k}}}"), v);
    }
    out
}

// ----- figures ----------------------------------------------------------------------------

/// The value below which `p` percent of the sorted values lie (nearest rank); `None` for
/// no values.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (u64::from(p.min(100)) * n as u64).div_ceil(100).max(1) as usize;
    Some(sorted[rank.min(n) - 1])
}

/// One application's history, as the figures need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub submitted_at: i64,
    /// Status changes in order: (status, at).
    pub events: Vec<(ApplicationStatus, i64)>,
}

impl History {
    pub fn status(&self) -> ApplicationStatus {
        self.events
            .last()
            .map(|e| e.0)
            .unwrap_or(ApplicationStatus::Received)
    }

    /// Time from submission to the (first) decision.
    pub fn processing_ms(&self) -> Option<i64> {
        self.events
            .iter()
            .find(|e| e.0 == ApplicationStatus::Decided)
            .map(|e| e.1 - self.submitted_at)
    }

    /// Total time spent waiting for the citizen (until `now` if still waiting).
    pub fn waiting_ms(&self, now: i64) -> i64 {
        let mut total = 0;
        let mut since = None;
        for (s, at) in &self.events {
            match (since, *s == ApplicationStatus::WaitingForCitizen) {
                (None, true) => since = Some(*at),
                (Some(from), false) => {
                    total += at - from;
                    since = None;
                }
                _ => {}
            }
        }
        if let Some(from) = since {
            total += now - from;
        }
        total
    }
}

/// The figures of a set of applications (one service of one office).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Figures {
    pub received: usize,
    pub open: usize,
    pub decided: usize,
    pub median_ms: Option<i64>,
    pub p90_ms: Option<i64>,
    /// Mean waiting-for-citizen time of the applications that ever waited.
    pub waiting_mean_ms: Option<i64>,
}

impl Figures {
    pub fn of(histories: &[History], now: i64) -> Figures {
        let mut times: Vec<i64> = histories
            .iter()
            .filter_map(History::processing_ms)
            .collect();
        times.sort_unstable();
        let waits: Vec<i64> = histories
            .iter()
            .map(|h| h.waiting_ms(now))
            .filter(|w| *w > 0)
            .collect();
        Figures {
            received: histories.len(),
            open: histories.iter().filter(|h| h.status().is_open()).count(),
            decided: times.len(),
            median_ms: percentile(&times, 50),
            p90_ms: percentile(&times, 90),
            waiting_mean_ms: (!waits.is_empty())
                .then(|| waits.iter().sum::<i64>() / waits.len() as i64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ApplicationStatus as S;

    #[test]
    fn the_lifecycle_allows_only_its_transitions() {
        assert_eq!(S::Received.apply(Action::StartReview), Ok(S::InReview));
        assert_eq!(
            S::InReview.apply(Action::RequestInfo),
            Ok(S::WaitingForCitizen)
        );
        assert_eq!(
            S::WaitingForCitizen.apply(Action::CitizenReplied),
            Ok(S::InReview)
        );
        assert_eq!(S::InReview.apply(Action::Decide), Ok(S::Decided));
        assert_eq!(S::Decided.apply(Action::Close), Ok(S::Closed));
        assert!(S::Received.apply(Action::Decide).is_err());
        assert!(S::Decided.apply(Action::Withdraw).is_err());
        assert!(S::Closed.apply(Action::StartReview).is_err());
        assert_eq!(
            S::Received.staff_actions(),
            vec![Action::StartReview, Action::RequestInfo]
        );
        assert_eq!(
            S::InReview.staff_actions(),
            vec![Action::RequestInfo, Action::Decide]
        );
        assert!(S::Closed.staff_actions().is_empty());
    }

    proptest! {
        /// Whatever happens, a decided, closed or withdrawn application is never reopened,
        /// and nothing is decided without having been in review.
        #[test]
        fn no_way_back_from_a_decision(actions in proptest::collection::vec(0usize..7, 0..30)) {
            let all = [Action::StartReview, Action::RequestInfo, Action::Resume, Action::Decide,
                       Action::Close, Action::CitizenReplied, Action::Withdraw];
            let mut s = S::Received;
            let mut reviewed = false;
            for i in actions {
                let before = s;
                if let Ok(next) = s.apply(all[i]) {
                    if matches!(before, S::Decided | S::Closed | S::Withdrawn) {
                        prop_assert!(matches!(next, S::Closed));
                    }
                    if next == S::Decided { prop_assert!(reviewed && before == S::InReview); }
                    if next == S::InReview { reviewed = true; }
                    s = next;
                }
            }
        }
    }

    #[test]
    fn groups_become_grants_of_one_tenant_only() {
        let r = Rights::from_groups(
            "solingen",
            [
                "/solingen/auslaenderbehoerde/sachbearbeitung",
                "solingen/buergerbuero/Teamleitung",
                "/soest/ordnungsamt/admin",
                "/solingen/x",
                "/solingen/x/chef",
                "Domain Users",
            ],
        );
        assert_eq!(r.grants.len(), 2);
        assert!(r.can_process("solingen", "auslaenderbehoerde"));
        assert!(!r.can_lead("solingen", "auslaenderbehoerde"));
        assert!(r.can_lead("solingen", "buergerbuero"));
        assert!(!r.can_process("soest", "ordnungsamt"));
        assert!(!r.is_admin("solingen"));
        assert_eq!(
            r.offices("solingen"),
            vec!["auslaenderbehoerde", "buergerbuero"]
        );
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 90), Some(7));
        let v: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&v, 50), Some(5));
        assert_eq!(percentile(&v, 90), Some(9));
        assert_eq!(percentile(&v, 100), Some(10));
    }

    #[test]
    fn figures_count_waiting_time_and_processing_time() {
        let h = History {
            submitted_at: 0,
            events: vec![
                (S::Received, 0),
                (S::InReview, 10),
                (S::WaitingForCitizen, 20),
                (S::InReview, 50),
                (S::Decided, 100),
            ],
        };
        let open = History {
            submitted_at: 0,
            events: vec![(S::Received, 0), (S::WaitingForCitizen, 5)],
        };
        assert_eq!(h.processing_ms(), Some(100));
        assert_eq!(h.waiting_ms(1000), 30);
        assert_eq!(open.waiting_ms(1000), 995);
        let f = Figures::of(&[h, open], 1000);
        assert_eq!((f.received, f.open, f.decided), (2, 1, 1));
        assert_eq!(f.median_ms, Some(100));
        assert_eq!(f.waiting_mean_ms, Some((30 + 995) / 2));
    }

    #[test]
    fn notice_placeholders_are_checked_and_filled() {
        let t = |s: &str| Text {
            de: s.into(),
            en: Some(s.into()),
        };
        let n = NoticeDef {
            approved: t("Für {name}: {reference}"),
            rejected: t("{unbekannt}"),
            remedy: t("ok"),
        };
        assert_eq!(
            n.unknown_placeholders(),
            vec![
                ("rejected/de".to_owned(), "unbekannt".to_owned()),
                ("rejected/en".to_owned(), "unbekannt".to_owned())
            ]
        );
        assert_eq!(
            fill(
                "Für {name}: {reference}",
                &[("name", "Erika"), ("reference", "SG-1")]
            ),
            "Für Erika: SG-1"
        );
    }
}
