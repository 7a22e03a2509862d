//! The inbox of the staff member's offices, with counts per status, filters, search and
//! sorting, and assigning cases (also in bulk).

use super::{service_name, Frame};
use crate::kit::views::loc;
use crate::kit::{paths, redirect, Form, Page, Prefs, St, StaffMember, WebError, WebResult};
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use minijinja::context;
use rathaus_app::staff::{Assignee, InboxQuery};
use rathaus_domain::ApplicationStatus;
use serde::Deserialize;
use serde_json::{json, Value as Json};

#[derive(Debug, Default, Deserialize)]
pub struct InboxParams {
    amt: Option<String>,
    leistung: Option<String>,
    status: Option<String>,
    bearbeitung: Option<String>,
    suche: Option<String>,
    sortierung: Option<String>,
    ueberfaellig: Option<String>,
}

fn nonempty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(|x| x.chars().take(100).collect())
}

fn assignee(v: Option<&str>) -> Option<Assignee> {
    match v {
        Some("ich") => Some(Assignee::Me),
        Some("niemand") => Some(Assignee::Nobody),
        Some(x) if !x.is_empty() => Some(Assignee::Someone(x.to_owned())),
        _ => None,
    }
}

impl InboxParams {
    fn query(&self) -> InboxQuery {
        InboxQuery {
            office: nonempty(&self.amt),
            service: nonempty(&self.leistung),
            status: nonempty(&self.status).and_then(|s| ApplicationStatus::parse(&s)),
            assignee: assignee(self.bearbeitung.as_deref()),
            search: nonempty(&self.suche),
            overdue: self.ueberfaellig.as_deref() == Some("ja"),
            sort: match self.sortierung.as_deref() {
                Some("neueste") => rathaus_store::Sort::Newest,
                Some("frist") => rathaus_store::Sort::Due,
                _ => rathaus_store::Sort::Oldest,
            },
        }
    }
}

/// `GET /{t}/verwaltung`: the inbox.
pub async fn inbox(
    state: St,
    prefs: Prefs,
    jar: CookieJar,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
    Query(q): Query<InboxParams>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let query = q.query();
    let inbox = rathaus_app::staff::inbox(&state.app, &staff, &query).await?;
    let lang = page.lang();
    let offices = &inbox.offices;
    let services: Vec<Json> = site
        .catalog
        .offered(&tid)
        .into_iter()
        .filter(|o| {
            o.provider.id.as_str() == tid && offices.iter().any(|x| x == o.office.id.as_str())
        })
        .map(|o| json!({"id": o.service.id.as_str(), "title": loc(&o.service.title, lang).text}))
        .collect();
    let office_list: Vec<Json> = t
        .offices
        .iter()
        .filter(|o| offices.iter().any(|x| x == o.id.as_str()))
        .map(|o| json!({"id": o.id.as_str(), "name": loc(&o.name, lang).text}))
        .collect();
    let rows = rows_view(&page, &site, &tid, &inbox);
    let (counts, statuses) = counts_view(&page, &tid, &inbox.counts);
    let colleagues: Vec<Json> = inbox
        .colleagues
        .iter()
        .map(|m| json!({"id": m.id, "name": m.name, "me": m.me}))
        .collect();
    let here = prefs.here.clone();
    let ctx = context! {
        cases => rows, counts, services, offices => office_list, statuses, colleagues,
        can_lead => inbox.can_lead,
        filter => json!({
            "amt": query.office, "leistung": query.service, "status": query.status.map(|s| s.as_str()),
            "bearbeitung": q.bearbeitung, "suche": query.search,
            "sortierung": q.sortierung, "ueberfaellig": query.overdue,
        }),
        action => paths::staff_home(&tid),
        assign_action => paths::staff_assign(&tid),
        here,
    };
    Ok(Frame::new(t, page, &staff, jar).render(StatusCode::OK, "staff/inbox.html", "inbox", ctx))
}

/// The inbox's cases as rows.
fn rows_view(
    page: &Page<'_>,
    site: &crate::kit::Site,
    tid: &str,
    inbox: &rathaus_app::staff::Inbox,
) -> Vec<Json> {
    let lang = page.lang();
    inbox
        .cases
        .iter()
        .map(|c| {
            json!({
                "draft": c.draft_id,
                "reference": c.reference,
                "href": paths::staff_case(tid, &c.reference),
                "applicant": c.applicant,
                "service": service_name(site, &c.portal_tenant_id, &c.service_id, lang),
                "status": page.status_label(c.status),
                "submitted": rathaus_app::clock::berlin_format(c.submitted_at, "%d.%m.%Y"),
                "due": c.due_at.map(|d| rathaus_app::clock::berlin_format(d, "%d.%m.%Y")),
                "overdue": rathaus_app::staff::overdue(c, inbox.now),
                "assignee": c.assignee_name,
            })
        })
        .collect()
}

/// Cases per status (each a link to the filtered inbox), and the statuses to filter by.
fn counts_view(
    page: &Page<'_>,
    tid: &str,
    counts: &[(ApplicationStatus, i64)],
) -> (Vec<Json>, Vec<Json>) {
    let count_of = |s: &ApplicationStatus| {
        counts
            .iter()
            .find(|(k, _)| k == s)
            .map(|(_, n)| *n)
            .unwrap_or(0)
    };
    let with_counts = ApplicationStatus::ALL
        .iter()
        .map(|s| {
            json!({"key": s.as_str(), "label": page.status_label(*s), "count": count_of(s),
                   "href": format!("{}?status={}", paths::staff_home(tid), s.as_str())})
        })
        .collect();
    let statuses = ApplicationStatus::ALL
        .iter()
        .map(|s| json!({"key": s.as_str(), "label": page.status_label(*s)}))
        .collect();
    (with_counts, statuses)
}

/// `POST /{t}/verwaltung/zuweisen`: assigns the ticked cases (or the one case) to the
/// chosen colleague, to oneself, or to nobody.
pub async fn assign(
    state: St,
    StaffMember(staff): StaffMember,
    Path(tid): Path<String>,
    Form(p, _): Form,
) -> WebResult {
    let refs = p.all("fall");
    let refs: Vec<&str> = refs.iter().map(String::as_str).collect();
    let to = match p.raw("an") {
        "" | "niemand" => None,
        "ich" => Some(Assignee::Me),
        other => Some(Assignee::Someone(other.to_owned())),
    };
    match rathaus_app::staff::assign(&state.app, &staff, &refs, to).await {
        Ok(()) => {}
        // A case the staff member may not see, or an unknown colleague.
        Err(rathaus_app::AppError::NotFound) => return Err(WebError::NotFound),
        Err(e) => return Err(e.into()),
    }
    let wanted = p.one("zurueck");
    let back = crate::kit::prefs::safe_return(wanted.as_deref());
    let back = if back.starts_with(&paths::staff_home(&tid)) {
        back
    } else {
        paths::staff_home(&tid)
    };
    Ok(redirect::to(&back))
}
