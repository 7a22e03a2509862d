//! Moving folders in the API, for an app logged in to an account: the account's folders
//! with their items and states, making one from a plan's answers, marking an item. The
//! operations are `rathaus_app::folders`, as on the web; an application is started from an
//! item with the folder's facts through the web page (`href`) or the drafts API.

use super::apply::{bad_body, private};
use super::auth::caller;
use crate::kit::paths;
use crate::kit::problem::{FieldProblem, Problem};
use crate::kit::St;
use axum::extract::rejection::JsonRejection;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::Json;
use rathaus_app::access::Citizen;
use rathaus_app::folders::{self, OwnFolder};
use rathaus_domain::folder::ItemState;
use rathaus_domain::form::{to_input, Folder};
use rathaus_domain::{Lang, TenantDef};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as JsonValue};
use utoipa::ToSchema;

type Answer = Result<Response, Problem>;

/// One of the account's folders, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolderRef {
    pub id: String,
    pub plan: String,
    pub title: String,
    pub href: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FolderList {
    pub items: Vec<FolderRef>,
}

/// An item of a folder as it stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolderItem {
    pub id: String,
    /// `service`, `appointment` or `task`.
    pub kind: String,
    pub title: String,
    /// The service's id (for `service` items).
    pub service: Option<String>,
    pub optional: bool,
    /// Items with the same choice are alternatives (one of them is enough).
    pub choice: Option<String>,
    /// `YYYY-MM-DD`.
    pub due: Option<String>,
    /// `open`, `draft`, `submitted`, `done`, `not_for_me` or `other_chosen` (another item of
    /// its `choice` was taken).
    pub state: String,
    /// The reference of the application started from it, once submitted.
    pub reference: Option<String>,
    /// The web page for it (the service, the booking page).
    pub href: Option<String>,
}

/// A folder with its items.
#[derive(Debug, Serialize, ToSchema)]
pub struct FolderView {
    pub id: String,
    pub plan: String,
    pub title: String,
    /// The facts may prefill applications started from the folder.
    pub consent: bool,
    #[schema(value_type = Object)]
    pub answers: Map<String, JsonValue>,
    pub items: Vec<FolderItem>,
}

/// A new folder: the plan and the answers to its questions (in the shape of form answers).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFolder {
    pub plan: String,
    #[schema(value_type = Object)]
    pub answers: Map<String, JsonValue>,
    #[serde(default)]
    pub consent: bool,
}

/// What to mark an item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemMark {
    /// `done`, `not_for_me` or `open`.
    pub state: String,
}

fn account_only(c: &Citizen) -> Result<(), Problem> {
    if c.account_id().is_none() {
        return Err(Problem::forbidden(
            "account-needed",
            "moving folders in an app need the login of an account",
        ));
    }
    Ok(())
}

fn plan_of(state: &St, t: &TenantDef, plan: &str) -> Result<std::sync::Arc<Folder>, Problem> {
    folders::plan(&state.app, t, plan)
        .ok_or_else(|| Problem::not_found().detail(format!("no moving folder plan '{plan}'")))
}

async fn view(state: &St, t: &TenantDef, f: &OwnFolder) -> Result<FolderView, Problem> {
    let plan = plan_of(state, t, &f.row().plan_id)?;
    let site = state.site();
    let tid = t.id.as_str();
    let items = folders::items(&state.app, &plan, f)
        .await?
        .into_iter()
        .map(|it| {
            let (kind, href) = if let Some(s) = &it.def.service {
                ("service", Some(paths::service(tid, s)))
            } else if let Some(a) = &it.def.appointment {
                (
                    "appointment",
                    Some(rathaus_app::links::appointment_office(
                        tid,
                        &a.office,
                        Some(&a.bookable),
                    )),
                )
            } else {
                ("task", None)
            };
            FolderItem {
                title: folders::item_text(&site.core, t, &it.def)
                    .map(|x| x.get(Lang::De).0.to_owned())
                    .unwrap_or_default(),
                kind: kind.to_owned(),
                service: it.def.service.clone(),
                optional: it.def.optional,
                choice: it.def.choice.clone(),
                due: it.due.clone(),
                state: it.state.as_str().to_owned(),
                reference: it.application.as_ref().and_then(|a| a.reference.clone()),
                href,
                id: it.def.id,
            }
        })
        .collect();
    Ok(FolderView {
        id: f.id().to_owned(),
        plan: plan.def.id.clone(),
        title: plan.def.title.get(Lang::De).0.to_owned(),
        consent: f.row().consent,
        answers: f.answers(),
        items,
    })
}

/// The account's moving folders (none for a guest's token).
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/folders",
    tag = "citizen",
    operation_id = "listFolders",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id")),
    responses(
        (status = 200, description = "The folders", body = FolderList),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn list(state: St, headers: HeaderMap, Path(tid): Path<String>) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let site = state.site();
    let items = match rathaus_app::accounts::own_account(&c, &tid) {
        Some(a) => folders::of_account(&state.app, &a)
            .await?
            .into_iter()
            .map(|f| FolderRef {
                title: site
                    .catalog
                    .folder(&tid, &f.plan_id)
                    .map(|p| p.def.title.get(Lang::De).0.to_owned())
                    .unwrap_or_default(),
                href: paths::api_folder(&tid, &f.id),
                plan: f.plan_id,
                id: f.id,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(private(StatusCode::OK, Lang::De, &FolderList { items }))
}

/// Makes a folder for the account from a plan's answers (checked as on the web: `422`
/// names each answer that does not hold).
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/folders",
    tag = "citizen",
    operation_id = "createFolder",
    security(("app" = [])),
    params(("tenant" = String, Path, description = "The portal's id")),
    request_body(content = NewFolder, content_type = "application/json"),
    responses(
        (status = 201, description = "Made", body = FolderView),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an account's token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such plan", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Answers that do not hold", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn create(
    state: St,
    headers: HeaderMap,
    Path(tid): Path<String>,
    body: Result<Json<NewFolder>, JsonRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    account_only(&c)?;
    let Json(body) = body.map_err(bad_body)?;
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or_else(Problem::not_found)?;
    let plan = plan_of(&state, t, &body.plan)?;
    let input = to_input(&plan.questions.def.steps[0], &body.answers);
    match folders::create(&state.app, t, &plan, &c, &input, body.consent).await? {
        Ok(made) => {
            let f = folders::own(&state.app, t, &c, &made.id, None).await?;
            Ok(private(
                StatusCode::CREATED,
                Lang::De,
                &view(&state, t, &f).await?,
            ))
        }
        Err((_, errors)) => {
            let words = site.core.words(&tid, Lang::De);
            Err(Problem::invalid_answers(
                errors
                    .iter()
                    .map(|e| FieldProblem {
                        field: e.name.clone(),
                        message: words.text(&e.message),
                    })
                    .collect(),
            ))
        }
    }
}

/// One of the account's folders with its items and their states.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/folders/{id}",
    tag = "citizen",
    operation_id = "getFolder",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The folder's id"),
    ),
    responses(
        (status = 200, description = "The folder", body = FolderView),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such folder of the token's account", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn get(state: St, headers: HeaderMap, Path((tid, id)): Path<(String, String)>) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or_else(Problem::not_found)?;
    let f = folders::own(&state.app, t, &c, &id, None).await?;
    Ok(private(
        StatusCode::OK,
        Lang::De,
        &view(&state, t, &f).await?,
    ))
}

/// Marks an item done, not for me, or open again.
#[utoipa::path(
    post,
    path = "/api/v1/tenants/{tenant}/folders/{id}/items/{item}",
    tag = "citizen",
    operation_id = "markFolderItem",
    security(("app" = [])),
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("id" = String, Path, description = "The folder's id"),
        ("item" = String, Path, description = "The item's id"),
    ),
    request_body(content = ItemMark, content_type = "application/json"),
    responses(
        (status = 200, description = "The folder after the change", body = FolderView),
        (status = 400, description = "The request does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such folder or item", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn mark(
    state: St,
    headers: HeaderMap,
    Path((tid, id, item)): Path<(String, String, String)>,
    body: Result<Json<ItemMark>, JsonRejection>,
) -> Answer {
    let c = caller(&state, &tid, &headers).await?;
    let site = state.site();
    let t = site.catalog.tenant(&tid).ok_or_else(Problem::not_found)?;
    // Whose folder, before anything of the request is read.
    let f = folders::own(&state.app, t, &c, &id, None).await?;
    let Json(body) = body.map_err(bad_body)?;
    let plan = plan_of(&state, t, &f.row().plan_id)?;
    let s = ItemState::parse_marked(&body.state)
        .ok_or_else(|| Problem::invalid_parameter("state: one of done, not_for_me, open"))?;
    folders::mark(&state.app, &plan, &f, &item, s).await?;
    Ok(private(
        StatusCode::OK,
        Lang::De,
        &view(&state, t, &f).await?,
    ))
}
