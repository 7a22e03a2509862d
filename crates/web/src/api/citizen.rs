//! The citizen's own data in the API, with an access token from the app login: who they
//! are to the portal, their applications with the status timeline, and the Postkorb.
//! Access is checked by the application layer exactly as for the web pages.

use super::auth::caller;
use super::{bad_query, lang};
use crate::kit::paths;
use crate::kit::problem::Problem;
use crate::kit::{Prefs, St};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rathaus_app::access::{self, Citizen};
use rathaus_domain::Lang;
use rathaus_store::{ApplicationSummary, Message};
use serde::Serialize;
use utoipa::ToSchema;

use super::model::LangQuery;

type Answer = Result<Response, Problem>;

/// Personal answers are never stored by caches.
fn private<T: Serialize>(lang: Lang, value: &T) -> Response {
    (
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_LANGUAGE, lang.code()),
        ],
        Json(value),
    )
        .into_response()
}

/// Who the token stands for.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// `account` (a logged-in citizen) or `guest` (one application, by its access code).
    pub kind: String,
    /// The account's name (empty for guests).
    pub name: String,
    /// The eIDAS level of the login: `low`, `substantial` or `high`.
    pub level: String,
    pub applications: String,
}

/// A citizen's application, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationItem {
    /// The application's id (in paths).
    pub id: String,
    /// Its reference number, as on the receipt.
    pub reference: Option<String>,
    pub service: String,
    pub service_title: String,
    /// `received`, `in_review`, `waiting_for_citizen`, `decided`, `closed`, `withdrawn`.
    pub status: Option<String>,
    /// The status in words.
    pub status_label: Option<String>,
    /// Unix milliseconds.
    pub submitted_at: Option<i64>,
    /// Messages of the authority not yet opened.
    pub unread: i64,
    pub href: String,
}

/// The citizen's applications.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    pub items: Vec<ApplicationItem>,
}

/// A step of the status timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusStep {
    pub status: String,
    pub status_label: String,
    pub note: Option<String>,
    /// Unix milliseconds.
    pub at: i64,
}

/// A message of the Postkorb, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct MessageItem {
    pub id: String,
    /// `to_citizen` or `from_citizen`.
    pub direction: String,
    /// `message`, `request`, `notice` (Bescheid) or `reply`.
    pub kind: String,
    pub subject: String,
    pub sender: String,
    pub created_at: i64,
    /// When the citizen first opened it (messages of the authority).
    pub read_at: Option<i64>,
    pub href: String,
}

/// An application with its timeline and Postkorb.
#[derive(Debug, Serialize, ToSchema)]
pub struct Application {
    #[serde(flatten)]
    pub item: ApplicationItem,
    /// The receiving office's case number, once it reported one.
    pub case_number: Option<String>,
    pub timeline: Vec<StatusStep>,
    pub messages: Vec<MessageItem>,
    /// Whether the citizen may still withdraw it.
    pub can_withdraw: bool,
}

/// An attachment of a message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attachment {
    pub id: String,
    pub name: String,
    pub media_type: String,
    pub size: u64,
    /// The file itself.
    pub href: String,
}

/// A message with its text (reading it records the first opening, as on the web).
#[derive(Debug, Serialize, ToSchema)]
pub struct FullMessage {
    #[serde(flatten)]
    pub item: MessageItem,
    pub body: String,
    pub attachments: Vec<Attachment>,
}

fn item(state: &St, tid: &str, a: &ApplicationSummary, l: Lang) -> ApplicationItem {
    let site = state.site();
    let title = site
        .catalog
        .service(tid, &a.service_id)
        .map(|o| o.service.title.get(l).0.to_owned())
        .unwrap_or_else(|| a.service_id.clone());
    let words = site.core.words(tid, l);
    ApplicationItem {
        id: a.draft_id.clone(),
        reference: a.reference.clone(),
        service: a.service_id.clone(),
        service_title: title,
        status: a.status.map(|s| s.as_str().to_owned()),
        status_label: a.status.map(|s| words.status(s)),
        submitted_at: a.submitted_at,
        unread: a.unread,
        href: paths::api_application(tid, &a.draft_id),
    }
}

fn message_item(tid: &str, m: &Message) -> MessageItem {
    MessageItem {
        id: m.id.clone(),
        direction: m.direction.clone(),
        kind: m.kind.clone(),
        subject: m.subject.clone(),
        sender: m.sender.clone(),
        created_at: m.created_at,
        read_at: m.read_at,
        href: paths::api_message(tid, &m.draft_id, &m.id),
    }
}

/// The application `id` of the token's citizen, as the web would open it.
pub(super) async fn own_case(
    state: &St,
    c: &Citizen,
    tid: &str,
    id: &str,
) -> Result<access::OwnCase, Problem> {
    access::case(&state.app, c, tid, id)
        .await
        .map_err(|_| Problem::not_found().detail("no such application of yours"))
}

/// Who the access token stands for.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/me",
    tag = "citizen",
    operation_id = "me",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id")),
    responses(
        (status = 200, description = "The token's citizen", body = Me),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn me(state: St, headers: HeaderMap, Path(tid): Path<String>) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let live = c.live.as_ref().ok_or_else(|| Problem::unauthorized(None))?;
    let me = Me {
        kind: if live.account_id().is_some() {
            "account"
        } else {
            "guest"
        }
        .to_owned(),
        name: live.session.display_name.clone(),
        level: live.level().as_str().to_owned(),
        applications: paths::api_applications(&tid),
    };
    Ok(private(Lang::De, &me))
}

/// The citizen's submitted applications (a guest: the one application), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/applications",
    tag = "citizen",
    operation_id = "listApplications",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id"), LangQuery),
    responses(
        (status = 200, description = "The applications", body = ApplicationList, links(
            ("application" = (operation_id = "getApplication", parameters(("tenant" = "$request.path.tenant"), ("id" = "$response.body#/items/0/id"))))
        )),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn applications(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(bad_query)?;
    let l = lang(q.lang, &prefs);
    let list = rathaus_app::accounts::applications(&state.app, &tid, &c).await?;
    let items = list
        .iter()
        .filter(|a| a.reference.is_some())
        .map(|a| item(&state, &tid, a, l))
        .collect();
    Ok(private(l, &ApplicationList { items }))
}

/// One application: status and timeline, the receiving office's case number, the
/// Postkorb's messages.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/applications/{id}",
    tag = "citizen",
    operation_id = "getApplication",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The application", body = Application, links(
            ("message" = (operation_id = "getMessage", parameters(("tenant" = "$request.path.tenant"), ("id" = "$request.path.id"), ("message" = "$response.body#/messages/0/id"))))
        )),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such application of the token's citizen", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn application(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
    q: Result<Query<LangQuery>, QueryRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let Query(q) = q.map_err(bad_query)?;
    let l = lang(q.lang, &prefs);
    let own = own_case(&state, &c, &tid, &id).await?;
    let v = rathaus_app::postkorb::case_view(&state.app, &own).await?;
    let site = state.site();
    let words = site.core.words(&tid, l);
    let a = Application {
        item: item(&state, &tid, &v.summary, l),
        case_number: v.external_ref.clone(),
        timeline: v
            .events
            .iter()
            .map(|e| StatusStep {
                status: e.status.as_str().to_owned(),
                status_label: words.status(e.status),
                note: e.note.clone(),
                at: e.at,
            })
            .collect(),
        messages: v.messages.iter().map(|m| message_item(&tid, m)).collect(),
        can_withdraw: rathaus_app::postkorb::can_withdraw(v.status),
    };
    Ok(private(l, &a))
}

/// One message of an application's Postkorb with its text and attachments. The first
/// opening of a message of the authority is recorded (the office sees it was read).
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/applications/{id}/messages/{message}",
    tag = "citizen",
    operation_id = "getMessage",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The application's id"),
        ("message" = String, Path, description = "The message's id"),
    ),
    responses(
        (status = 200, description = "The message", body = FullMessage),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such message of the token's citizen", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn message(
    state: St,
    headers: HeaderMap,
    Path((tid, id, mid)): Path<(String, String, String)>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let own = own_case(&state, &c, &tid, &id).await?;
    let (m, files) = rathaus_app::postkorb::read(&state.app, &own, &mid).await?;
    let attachments = files
        .iter()
        .filter(|(msg, _)| *msg == m.id)
        .map(|(_, f)| Attachment {
            id: f.id.clone(),
            href: paths::api_file(&tid, &id, &f.id),
            name: f.name.clone(),
            media_type: f.kind.clone(),
            size: f.size.max(0) as u64,
        })
        .collect();
    let full = FullMessage {
        item: message_item(&tid, &m),
        body: m.body.clone(),
        attachments,
    };
    Ok(private(Lang::De, &full))
}

/// A notice to the account that belongs to no application ("your ID card is ready", "a
/// found item may be yours"); a push of type `notice` names its id.
#[derive(Debug, Serialize, ToSchema)]
pub struct Notice {
    pub id: String,
    /// `id-ready` or `found-match`.
    pub kind: String,
    pub subject: String,
    /// Unix milliseconds.
    pub created_at: i64,
    /// When the citizen first opened it (on the web or here).
    pub read_at: Option<i64>,
    pub href: String,
}

/// The account's notices, newest first (a guest's token has none).
#[derive(Debug, Serialize, ToSchema)]
pub struct NoticeList {
    pub items: Vec<Notice>,
}

/// A notice with its text and where it leads.
#[derive(Debug, Serialize, ToSchema)]
pub struct FullNotice {
    #[serde(flatten)]
    pub item: Notice,
    pub body: String,
    /// A path of the portal the notice leads to (the pick-up booking, the Fundbüro).
    pub link: Option<String>,
}

fn notice_item(tid: &str, n: &rathaus_store::AccountNotice) -> Notice {
    Notice {
        id: n.id.clone(),
        kind: n.kind.clone(),
        subject: n.subject.clone(),
        created_at: n.created_at,
        read_at: n.read_at,
        href: paths::api_notice(tid, &n.id),
    }
}

/// The notices of the token's account that belong to no application.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/notices",
    tag = "citizen",
    operation_id = "listNotices",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id")),
    responses(
        (status = 200, description = "The notices", body = NoticeList, links(
            ("notice" = (operation_id = "getNotice", parameters(("tenant" = "$request.path.tenant"), ("id" = "$response.body#/items/0/id"))))
        )),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn notices(state: St, headers: HeaderMap, Path(tid): Path<String>) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let items = match rathaus_app::accounts::own_account(&c, &tid) {
        Some(a) => rathaus_app::notices::of_account(&state.app, &a)
            .await?
            .iter()
            .map(|n| notice_item(&tid, n))
            .collect(),
        None => Vec::new(),
    };
    Ok(private(Lang::De, &NoticeList { items }))
}

/// One notice of the token's account with its text (the first opening is recorded).
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/notices/{id}",
    tag = "citizen",
    operation_id = "getNotice",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The notice's id"),
    ),
    responses(
        (status = 200, description = "The notice", body = FullNotice),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such notice of the token's account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn notice(
    state: St,
    headers: HeaderMap,
    Path((tid, id)): Path<(String, String)>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let gone = || Problem::not_found().detail("no such notice of yours");
    let a = rathaus_app::accounts::own_account(&c, &tid).ok_or_else(gone)?;
    let n = rathaus_app::notices::read(&state.app, &a, &id)
        .await?
        .ok_or_else(gone)?;
    let full = FullNotice {
        item: notice_item(&tid, &n),
        body: n.body.clone(),
        link: n.link.clone(),
    };
    Ok(private(Lang::De, &full))
}
