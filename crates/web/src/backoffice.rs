//! The back office (`/{t}/verwaltung/…`): staff log in at the municipality's directory
//! (OpenID Connect, a separate client), see the inbox of their offices, open a case,
//! assign, ask the citizen, decide and release the notice (Bescheid) as PDF/A into the
//! Postkorb and, for letters, into the print queue. Every request checks the staff
//! session of this tenant and the case's office against the staff member's grants; every
//! view of personal data and every change is written to the audit trail.

use crate::account::status_text;
use crate::auth::{begin_login, finish_login, Refusal, ReturnQuery};
use crate::csrf;
use crate::prefs::Prefs;
use crate::routes::{internal, Page};
use crate::views::loc;
use crate::{urls, AppState};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form as PostForm;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use fluent_bundle::FluentArgs;
use minijinja::{context, Value};
use rathaus_app::cases::{Actor, CaseError, Change};
use rathaus_app::postkorb::store_attachment;
use rathaus_app::secrets::{random_token, sha256_hex};
use rathaus_domain::case::{fill, Action, Decision, Figures, History, Rights};
use rathaus_domain::{ApplicationStatus, Lang, MessageKind, TenantDef};
use rathaus_store::{AuditEvent, Case, InboxFilter, Letter, Message, Note, StaffSession};
use serde::Deserialize;
use serde_json::{json, Map, Value as Json};
use std::convert::Infallible;
use std::sync::Arc;

type St = State<Arc<AppState>>;

pub const STAFF_COOKIE: &str = "rathaus_staff";
use rathaus_app::cases::{MAX_SUBJECT_CHARS, MAX_TEXT_CHARS};

// ----- the staff member of a request -------------------------------------------------------

/// A live staff session of the path's tenant.
#[derive(Debug, Clone)]
pub struct Staff {
    pub hash: String,
    pub session: StaffSession,
    pub rights: Rights,
}

impl Staff {
    fn id(&self) -> &str {
        &self.session.staff_id
    }
    fn offices(&self) -> Vec<String> {
        self.rights.offices(&self.session.tenant_id)
    }
    fn can_see(&self, c: &Case) -> bool {
        c.tenant_id == self.session.tenant_id
            && c.office_id
                .as_deref()
                .is_some_and(|o| self.rights.can_process(&c.tenant_id, o))
    }
    /// This member of staff as the actor of a case change.
    pub(crate) fn actor(&self) -> Actor<'_> {
        Actor::Staff(&self.session.staff_id)
    }

    pub(crate) fn event(&self, action: &str, object: String, detail: String) -> AuditEvent {
        AuditEvent {
            actor: format!("staff:{}", self.session.staff_id),
            action: action.to_owned(),
            object,
            detail,
        }
    }
}

/// The staff session of the request's tenant, if any.
#[derive(Debug, Clone, Default)]
pub struct MaybeStaff(pub Option<Staff>);

impl FromRequestParts<Arc<AppState>> for MaybeStaff {
    type Rejection = Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(&parts.headers);
        let Some(token) = jar.get(STAFF_COOKIE).map(|c| c.value().to_owned()) else {
            return Ok(MaybeStaff(None));
        };
        let tenant = crate::auth::path_tenant(parts);
        let site = state.site();
        let Some(t) = site.catalog.tenant(&tenant) else {
            return Ok(MaybeStaff(None));
        };
        let hash = sha256_hex(&token);
        match state
            .app
            .db
            .touch_staff_session(&tenant, &hash, t.session.idle_ms())
            .await
        {
            Ok(Some(session)) => {
                // Only grants of this tenant count, whatever the row says.
                let mut rights = rights_of(&session.grants);
                rights.grants.retain(|g| g.tenant == tenant);
                Ok(MaybeStaff(Some(Staff {
                    hash,
                    session,
                    rights,
                })))
            }
            Ok(None) => Ok(MaybeStaff(None)),
            Err(e) => {
                tracing::error!(error = %e, "reading the staff session failed");
                Ok(MaybeStaff(None))
            }
        }
    }
}

/// The rights recorded with a staff member or session (their grants as JSON).
fn rights_of(grants: &str) -> Rights {
    Rights {
        grants: serde_json::from_str(grants).unwrap_or_default(),
    }
}

fn staff_cookie(state: &AppState, tenant: &str, value: String) -> Cookie<'static> {
    Cookie::build((STAFF_COOKIE, value))
        .path(urls::staff_home(tenant))
        .http_only(true)
        .secure(state.auth.secure())
        .same_site(SameSite::Lax)
        .build()
}

/// The tenant, a page and the staff member; without a staff session: off to the login.
macro_rules! staff_ctx {
    ($site:expr, $prefs:expr, $tid:expr, $staff:expr) => {{
        let (t, page) = tenant_page!($site, $prefs, $tid);
        let Some(staff) = $staff.0 else {
            return crate::redirect::to(&format!(
                "{}?zurueck={}",
                urls::staff_login(&$tid),
                urls::encode(&$prefs.here)
            ))
            .into_response();
        };
        (t, page, staff)
    }};
}
pub(crate) use staff_ctx;

/// What every back-office page shows about the staff member and the navigation.
pub(crate) fn staff_view(
    t: &TenantDef,
    staff: &Staff,
    lang: Lang,
    csrf: &str,
    active: &str,
) -> Value {
    let tid = t.id.as_str();
    Value::from_serialize(json!({
        "name": staff.session.name,
        "csrf": csrf,
        "logout": urls::staff_logout(tid),
        "home": urls::staff_home(tid),
        "print": staff.rights.is_admin(tid).then(|| urls::staff_print(tid)),
        "figures": staff.offices().iter().any(|o| staff.rights.can_lead(tid, o)).then(|| urls::staff_figures(tid)),
        "audit": staff.rights.is_admin(tid).then(|| urls::staff_audit(tid)),
        "deliveries": staff.rights.is_admin(tid).then(|| urls::staff_deliveries(tid)),
        "cash": (staff.rights.is_admin(tid) && t.cash_office.is_some()).then(|| urls::staff_cash(tid)),
        "visitors": t.offices.iter().filter(|o| o.appointments.is_some() && staff.rights.can_process(tid, o.id.as_str())).map(|o| json!({"href": crate::visitors::staff_href(tid, o.id.as_str()), "id": o.id.as_str(), "name": loc(&o.name, lang)})).collect::<Vec<_>>(),
        "active": active,
    }))
}

// ----- login -----------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    zurueck: Option<String>,
}

fn staff_return(tid: &str, wanted: Option<&str>) -> String {
    let p = crate::prefs::safe_return(wanted);
    if p.starts_with(&urls::staff_home(tid)) {
        p
    } else {
        urls::staff_home(tid)
    }
}

fn login_failed(page: &Page<'_>, tid: &str, reason: &str, status: StatusCode) -> Response {
    page.render_private(
        status,
        "login_failed.html",
        context! { reason, retry => urls::staff_login(tid) },
    )
}

/// `GET /{t}/verwaltung/anmelden`: off to the staff directory.
pub async fn login(
    State(state): St,
    prefs: Prefs,
    Path(tid): Path<String>,
    Query(q): Query<LoginQuery>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    let Some(p) = state.auth.find(&tid, true) else {
        return login_failed(&page, &tid, "staff-error-none", StatusCode::NOT_FOUND);
    };
    let back = staff_return(&tid, q.zurueck.as_deref());
    match begin_login(&state, p, &tid, &back, false, None).await {
        Ok(url) => crate::redirect::external(&url).into_response(),
        Err(e) => {
            tracing::error!(error = %e, tenant = %tid, "staff login could not start");
            login_failed(&page, &tid, "login-error-provider", StatusCode::BAD_GATEWAY)
        }
    }
}

/// `GET /{t}/verwaltung/anmelden/rueckkehr`: the directory sends staff back here.
pub async fn login_return(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    Path(tid): Path<String>,
    Query(q): Query<ReturnQuery>,
) -> Response {
    let site = state.site();
    let (t, page) = tenant_page!(site, prefs, tid);
    let refuse = |reason: &str, detail: &str, status: StatusCode| {
        tracing::warn!(tenant = %tid, reason, detail, "staff login refused");
        login_failed(&page, &tid, reason, status)
    };
    let v = match finish_login(&state, &tid, &q).await {
        Ok(v) => v,
        Err(Refusal::Internal(e)) => return internal(e),
        Err(Refusal::Refused(reason, detail)) => {
            return refuse(reason, &detail, StatusCode::BAD_REQUEST)
        }
    };
    // A citizens' login cannot open the back office, even with a valid token.
    if !v.provider.settings.staff {
        return refuse(
            "login-error-state",
            "not a staff login",
            StatusCode::BAD_REQUEST,
        );
    }
    let groups: Vec<&str> = v
        .payload
        .get(&v.provider.settings.groups_claim)
        .and_then(Json::as_array)
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let rights = Rights::from_groups(&tid, groups);
    if rights.is_empty() {
        return refuse("staff-error-no-rights", &v.subject, StatusCode::FORBIDDEN);
    }
    let name = v
        .payload
        .get("name")
        .and_then(Json::as_str)
        .filter(|n| !n.is_empty())
        .unwrap_or(&v.subject)
        .to_owned();
    let grants = serde_json::to_string(&rights.grants).unwrap_or_else(|_| "[]".into());
    let staff_id = match state
        .app
        .db
        .upsert_staff(
            &tid,
            &v.issuer,
            &v.subject,
            &name,
            &grants,
            &uuid::Uuid::new_v4().simple().to_string(),
        )
        .await
    {
        Ok(id) => id,
        Err(e) => return internal(e),
    };
    if let Some(old) = jar.get(STAFF_COOKIE) {
        if let Err(e) = state
            .app
            .db
            .end_staff_session(&sha256_hex(old.value()))
            .await
        {
            return internal(e);
        }
    }
    let token = random_token();
    let now = rathaus_app::clock::now_millis();
    let session = StaffSession {
        tenant_id: tid.clone(),
        staff_id: staff_id.clone(),
        name,
        grants,
        created_at: now,
        last_seen_at: now,
        expires_at: now + t.session.max_ms(),
    };
    if let Err(e) = state
        .app
        .db
        .create_staff_session(&sha256_hex(&token), &session)
        .await
    {
        return internal(e);
    }
    let ev = AuditEvent {
        actor: format!("staff:{staff_id}"),
        action: "login".into(),
        object: format!("staff:{staff_id}"),
        detail: String::new(),
    };
    if let Err(e) = state.app.db.audit(&tid, &ev).await {
        return internal(e);
    }
    tracing::info!(tenant = %tid, "staff logged in");
    let jar = jar.add(staff_cookie(&state, &tid, token));
    let target = staff_return(&tid, Some(&v.attempt.return_to));
    (jar, crate::redirect::to(&target)).into_response()
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
}

/// `POST /{t}/verwaltung/abmelden`.
pub async fn logout(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    PostForm(f): PostForm<CsrfForm>,
) -> Response {
    let site = state.site();
    let (_t, page) = tenant_page!(site, prefs, tid);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    if let Some(s) = &staff.0 {
        if let Err(e) = state.app.db.end_staff_session(&s.hash).await {
            return internal(e);
        }
    }
    let jar = jar.remove(staff_cookie(&state, &tid, String::new()));
    let res = page.render_private(
        StatusCode::OK,
        "logged_out.html",
        context! { everywhere => false, deleted => false, login => Some(urls::staff_login(&tid)) },
    );
    (jar, res).into_response()
}

// ----- inbox ---------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
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

/// `GET /{t}/verwaltung`: the inbox of the staff member's offices.
pub async fn inbox(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    Query(q): Query<InboxQuery>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    let lang = page.lang();
    let offices = staff.offices();
    let now = rathaus_app::clock::now_millis();
    let assignee = match q.bearbeitung.as_deref() {
        Some("ich") => Some(staff.id().to_owned()),
        Some("niemand") => Some(String::new()),
        Some(x) if !x.is_empty() => Some(x.to_owned()),
        _ => None,
    };
    let filter = InboxFilter {
        offices: offices.clone(),
        office: nonempty(&q.amt),
        service: nonempty(&q.leistung),
        status: nonempty(&q.status).filter(|s| ApplicationStatus::parse(s).is_some()),
        assignee,
        query: nonempty(&q.suche),
        overdue_at: (q.ueberfaellig.as_deref() == Some("ja")).then_some(now),
        sort: match q.sortierung.as_deref() {
            Some("neueste") => rathaus_store::Sort::Newest,
            Some("frist") => rathaus_store::Sort::Due,
            _ => rathaus_store::Sort::Oldest,
        },
        limit: 200,
    };
    let cases = match state.app.db.inbox(&tid, &filter).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let counts = match state.app.db.status_counts(&tid, &offices).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let colleagues = match state.app.db.staff(&tid).await {
        Ok(members) => colleagues(&tid, &staff, &offices, &members),
        Err(e) => return internal(e),
    };
    let ev = staff.event(
        "view_inbox",
        format!("inbox:{tid}"),
        format!("cases={}", cases.len()),
    );
    if let Err(e) = state.app.db.audit(&tid, &ev).await {
        return internal(e);
    }
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
    let rows: Vec<Json> = cases
        .iter()
        .map(|c| {
            let overdue = c.due_at.is_some_and(|d| d < now)
                && ApplicationStatus::parse(&c.status).is_some_and(|s| s.is_open());
            json!({
                "draft": c.draft_id,
                "reference": c.reference,
                "href": urls::staff_case(&tid, &c.reference),
                "applicant": c.applicant,
                "service": service_name(&site, &c.portal_tenant_id, &c.service_id, lang),
                "status": status_text(&page, &c.status),
                "submitted": rathaus_app::clock::berlin_format(c.submitted_at, "%d.%m.%Y"),
                "due": c.due_at.map(|d| rathaus_app::clock::berlin_format(d, "%d.%m.%Y")),
                "overdue": overdue,
                "assignee": c.assignee_name,
            })
        })
        .collect();
    let count_view: Vec<Json> = ApplicationStatus::ALL
        .iter()
        .map(|s| {
            let n = counts
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map(|(_, n)| *n)
                .unwrap_or(0);
            json!({"key": s.as_str(), "label": status_text(&page, s.as_str()), "count": n,
                   "href": format!("{}?status={}", urls::staff_home(&tid), s.as_str())})
        })
        .collect();
    let statuses: Vec<Json> = ApplicationStatus::ALL
        .iter()
        .map(|s| json!({"key": s.as_str(), "label": status_text(&page, s.as_str())}))
        .collect();
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "staff_inbox.html",
        context! {
            staff => staff_view(t, &staff, page.lang(), &token, "inbox"),
            cases => rows,
            counts => count_view,
            services, offices => office_list, statuses, colleagues,
            can_lead => offices.iter().any(|o| staff.rights.can_lead(&tid, o)),
            filter => json!({
                "amt": filter.office, "leistung": filter.service, "status": filter.status,
                "bearbeitung": q.bearbeitung, "suche": filter.query,
                "sortierung": q.sortierung, "ueberfaellig": filter.overdue_at.is_some(),
            }),
            action => urls::staff_home(&tid),
            assign_action => urls::staff_assign(&tid),
            here => prefs.here.clone(),
            csrf => token,
        },
    );
    (jar, res).into_response()
}

fn service_name(site: &crate::Site, portal: &str, sid: &str, lang: Lang) -> String {
    site.catalog
        .service(portal, sid)
        .map(|o| loc(&o.service.title, lang).text)
        .unwrap_or_else(|| sid.to_owned())
}

/// Colleagues a case may be assigned to: staff of the tenant with a grant in one of these
/// offices (a staff member without the lead role sees only themself).
fn colleagues(
    tid: &str,
    staff: &Staff,
    offices: &[String],
    members: &[rathaus_store::StaffMember],
) -> Vec<Json> {
    members
        .iter()
        .filter(|m| {
            let r = rights_of(&m.grants);
            offices.iter().any(|o| {
                r.can_process(tid, o) && (m.id == staff.id() || staff.rights.can_lead(tid, o))
            })
        })
        .map(|m| json!({"id": m.id, "name": m.name, "me": m.id == staff.id()}))
        .collect()
}

/// `POST /{t}/verwaltung/zuweisen`: assigns the ticked cases (or the one case) to the
/// chosen colleague, to oneself, or to nobody.
pub async fn assign(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    PostForm(pairs): PostForm<Vec<(String, String)>>,
) -> Response {
    let site = state.site();
    let (_t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if !csrf::verify(&jar, get(csrf::FIELD)) {
        return page.forbidden();
    }
    let refs: Vec<&str> = pairs
        .iter()
        .filter(|(k, _)| k == "fall")
        .map(|(_, v)| v.as_str())
        .take(500)
        .collect();
    let target = match get("an").unwrap_or("") {
        "" | "niemand" => None,
        "ich" => Some(staff.id().to_owned()),
        other => Some(other.to_owned()),
    };
    let members = match state.app.db.staff(&tid).await {
        Ok(m) => m,
        Err(e) => return internal(e),
    };
    let target_rights = target.as_ref().map(|id| {
        members
            .iter()
            .find(|m| &m.id == id)
            .map(|m| rights_of(&m.grants))
    });
    if matches!(target_rights, Some(None)) {
        return page.not_found();
    }
    let mut ids = Vec::new();
    for r in refs {
        let c = match state.app.db.case(&tid, r).await {
            Ok(Some(c)) if staff.can_see(&c) => c,
            Ok(_) => return page.not_found(),
            Err(e) => return internal(e),
        };
        let office = c.office_id.clone().unwrap_or_default();
        // Oneself (or nobody, for one's own cases) is always allowed; others need the lead role.
        let own = target.as_deref() == Some(staff.id())
            || (target.is_none() && c.assignee.as_deref() == Some(staff.id()));
        if !own && !staff.rights.can_lead(&tid, &office) {
            return page.forbidden();
        }
        if let Some(Some(r)) = &target_rights {
            if !r.can_process(&tid, &office) {
                return page.forbidden();
            }
        }
        ids.push(c.draft_id);
    }
    let actor = format!("staff:{}", staff.id());
    if let Err(e) = state
        .app
        .db
        .assign(&tid, &ids, target.as_deref(), &actor)
        .await
    {
        return internal(e);
    }
    let back = staff_return(&tid, get("zurueck"));
    crate::redirect::to(&back).into_response()
}

// ----- one case ----------------------------------------------------------------------------

/// The case `reference` if this staff member may see it; otherwise "not found".
macro_rules! case_of {
    ($state:expr, $page:expr, $tid:expr, $reference:expr, $staff:expr) => {{
        match $state.app.db.case(&$tid, &$reference).await {
            Ok(Some(c)) if $staff.can_see(&c) => c,
            Ok(_) => return $page.not_found(),
            Err(e) => return internal(e),
        }
    }};
}

#[derive(Debug, Default, Clone, Deserialize)]
pub struct NoticeForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    entscheidung: Option<String>,
    begruendung: Option<String>,
    gebuehr: Option<String>,
    post: Option<String>,
    aktion: Option<String>,
}

/// `GET /{t}/verwaltung/fall/{reference}`.
pub async fn case_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path((tid, reference)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    let c = case_of!(state, page, tid, reference, staff);
    render_case(
        &state,
        &site,
        &page,
        jar,
        t,
        &staff,
        &c,
        None,
        None,
        StatusCode::OK,
    )
    .await
}

/// What the decide form shows again: the staff member's input, a preview, an error.
struct NoticeState {
    form: NoticeForm,
    preview: Option<NoticeText>,
    error: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn render_case(
    state: &AppState,
    site: &crate::Site,
    page: &Page<'_>,
    jar: CookieJar,
    t: &TenantDef,
    staff: &Staff,
    c: &Case,
    notice: Option<NoticeState>,
    request_error: Option<String>,
    status: StatusCode,
) -> Response {
    let tid = t.id.as_str();
    let lang = page.lang();
    let l = match rathaus_app::forms::at(
        &state.app,
        &site.core,
        &c.portal_tenant_id,
        &c.tenant_id,
        &c.service_id,
        c.version,
    )
    .await
    {
        Ok(l) => l,
        Err(e) => return crate::routes::PageError::from(e).into_response(),
    };
    let form = l.form.form();
    let answers: Map<String, Json> = serde_json::from_str(&c.answers).unwrap_or_default();
    let computed: Map<String, Json> = serde_json::from_str(&c.computed).unwrap_or_default();
    let mc = rathaus_app::texts::Words {
        messages: &page.theme().messages,
        lang,
    };
    let steps: Vec<Json> = rathaus_app::forms::answered_steps(form, &answers)
        .into_iter()
        .map(|(step, fields)| {
            let rows: Vec<Json> = fields
                .into_iter()
                .map(|(f, label, v)| {
                    json!({"label": loc(label, lang).text, "lines": rathaus_app::forms::display(form, f, v, &mc)})
                })
                .collect();
            json!({"title": loc(&step.title, lang).text, "rows": rows})
        })
        .collect();
    // Staff see every computed value, also those not shown to the citizen.
    let computed_rows: Vec<Json> =
        rathaus_app::forms::computed_entries(form, &computed, lang, true)
            .into_iter()
            .map(|(label, text)| json!({"label": loc(label, lang).text, "text": text}))
            .collect();
    let today = rathaus_app::clock::today();
    let checks: Vec<Json> = form
        .checks(&answers, &today)
        .into_iter()
        .map(|(d, met)| {
            json!({"label": loc(&d.label, lang).text,
                   "state": match met { Some(true) => "met", Some(false) => "not_met", None => "unknown" }})
        })
        .collect();
    let files = match state.app.db.case_files(&c.draft_id).await {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let file_rows: Vec<Json> = files
        .iter()
        .map(|f| {
            json!({"name": f.name, "size": rathaus_domain::form::format_bytes(f.size.max(0) as u64),
                   "kind": f.kind.to_uppercase(), "field": f.field,
                   "href": urls::staff_case_file(tid, &c.reference, &f.id),
                   "preview": f.kind != "pdf"})
        })
        .collect();
    let messages = match state.app.db.messages(&c.draft_id).await {
        Ok(m) => m,
        Err(e) => return internal(e),
    };
    let message_rows: Vec<Json> = messages
        .iter()
        .map(|m| {
            json!({"subject": m.subject, "body": m.body, "sender": m.sender,
                   "from_citizen": m.direction == rathaus_store::FROM_CITIZEN,
                   "kind": page.theme().messages.get(lang, &format!("message-kind-{}", m.kind), None),
                   "at": rathaus_app::clock::berlin_datetime(m.created_at),
                   "read": m.read_at.map(rathaus_app::clock::berlin_datetime)})
        })
        .collect();
    let notes = match state.app.db.notes(&c.draft_id).await {
        Ok(n) => n,
        Err(e) => return internal(e),
    };
    let note_rows: Vec<Json> = notes
        .iter()
        .map(|n| json!({"author": n.author, "body": n.body, "at": rathaus_app::clock::berlin_datetime(n.created_at)}))
        .collect();
    let events = match state.app.db.status_events(&c.draft_id).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let audit = match state
        .app
        .db
        .audit_entries(tid, Some(&format!("case:{}", c.reference)))
        .await
    {
        Ok(a) => a,
        Err(e) => return internal(e),
    };
    let members = match state.app.db.staff(tid).await {
        Ok(m) => m,
        Err(e) => return internal(e),
    };
    let actor_name = |actor: &str| -> String {
        match actor.strip_prefix("staff:") {
            Some(id) => members
                .iter()
                .find(|m| m.id == id)
                .map(|m| m.name.clone())
                .unwrap_or_else(|| id.to_owned()),
            None => page.theme().messages.get(lang, "staff-actor-citizen", None),
        }
    };
    let mut history: Vec<(i64, String)> = events
        .iter()
        .map(|e| {
            (
                e.at,
                format!(
                    "{}{}",
                    status_text(page, &e.status),
                    e.note
                        .as_deref()
                        .map(|n| format!(" – {n}"))
                        .unwrap_or_default()
                ),
            )
        })
        .collect();
    history.extend(audit.iter().map(|a| {
        (
            a.at,
            format!(
                "{}: {}",
                actor_name(&a.actor),
                page.theme().messages.get(
                    lang,
                    &format!("staff-audit-{}", a.action.replace('_', "-")),
                    None
                )
            ),
        )
    }));
    history.sort_by_key(|h| h.0);
    let history: Vec<Json> = history
        .into_iter()
        .map(|(at, text)| json!({"at": rathaus_app::clock::berlin_datetime(at), "text": text}))
        .collect();
    let current = ApplicationStatus::parse(&c.status).unwrap_or(ApplicationStatus::Received);
    let actions = current.staff_actions();
    let simple_actions: Vec<Json> = actions
        .iter()
        .filter(|a| matches!(a, Action::StartReview | Action::Resume | Action::Close))
        .map(|a| json!({"key": a.as_str(), "label": page.theme().messages.get(lang, &format!("staff-action-{}", a.as_str().replace('_', "-")), None)}))
        .collect();
    let office = c.office_id.clone().unwrap_or_default();
    let colleagues = colleagues(tid, staff, std::slice::from_ref(&office), &members);
    let default_fee: u64 = l.service().fees.iter().map(|f| f.amount_cents).sum();
    let notice = notice.unwrap_or(NoticeState {
        form: NoticeForm {
            gebuehr: Some(
                rathaus_domain::service::format_eur_de(default_fee).replace('\u{a0}', " "),
            ),
            post: c.account_id.is_none().then(|| "ja".to_owned()),
            ..Default::default()
        },
        preview: None,
        error: None,
    });
    // Looking at a case is a view of personal data: recorded.
    let ev = staff.event("view", format!("case:{}", c.reference), String::new());
    if let Err(e) = state.app.db.audit(tid, &ev).await {
        return internal(e);
    }
    let (jar, token) = csrf::token(jar);
    let base = urls::staff_case(tid, &c.reference);
    let delivery_rows: Vec<Json> = match state.app.db.deliveries_of(tid, &c.reference).await {
        Ok(rows) => rows.iter().map(|d| delivery_view(page, t, d)).collect(),
        Err(e) => return internal(e),
    };
    let payment = match state.app.db.payment_of(&c.draft_id).await {
        Ok(p) => p.map(|p| crate::payment::payment_view(&p, t, mc.messages, lang, None)),
        Err(e) => return internal(e),
    };
    let res = page.render_private(
        status,
        "staff_case.html",
        context! {
            staff => staff_view(t, staff, page.lang(), &token, "inbox"),
            reference => c.reference.clone(),
            service => service_name(site, &c.portal_tenant_id, &c.service_id, lang),
            applicant => c.applicant.clone(),
            status_label => status_text(page, &c.status),
            decision => c.decision.as_deref().map(|d| page.theme().messages.get(lang, &format!("staff-decision-{d}"), None)),
            submitted => rathaus_app::clock::berlin_datetime(c.submitted_at),
            due => c.due_at.map(rathaus_app::clock::berlin_datetime),
            assignee => c.assignee_name.clone(),
            guest => c.account_id.is_none(),
            steps, computed => computed_rows, checks, files => file_rows,
            messages => message_rows, notes => note_rows, history,
            simple_actions,
            can_request => actions.contains(&Action::RequestInfo),
            can_decide => actions.contains(&Action::Decide),
            colleagues,
            can_assign_others => staff.rights.can_lead(tid, &office),
            external_ref => c.external_ref.clone(),
            payment,
            deliveries => delivery_rows,
            me => staff.id().to_owned(),
            notice => json!({
                "decision": notice.form.entscheidung, "reasons": notice.form.begruendung,
                "fee": notice.form.gebuehr, "post": notice.form.post.is_some(),
                "error": notice.error, "preview": notice.preview,
            }),
            request_error,
            max_chars => MAX_TEXT_CHARS,
            action_href => format!("{base}/status"),
            note_href => format!("{base}/notiz"),
            request_href => format!("{base}/anfrage"),
            notice_href => format!("{base}/bescheid"),
            assign_href => urls::staff_assign(tid),
            here => base.clone(),
            csrf => token,
        },
    );
    (jar, res).into_response()
}

/// `GET /{t}/verwaltung/fall/{reference}/datei/{file}`: a file of the case (form upload or
/// Postkorb attachment); images are shown inline as a preview, PDFs too.
pub async fn case_file(
    State(state): St,
    prefs: Prefs,
    staff: MaybeStaff,
    Path((tid, reference, fid)): Path<(String, String, String)>,
) -> Response {
    let site = state.site();
    let (_t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    let c = case_of!(state, page, tid, reference, staff);
    let meta = match state.app.db.case_files(&c.draft_id).await {
        Ok(files) => files.into_iter().find(|f| f.id == fid),
        Err(e) => return internal(e),
    };
    let Some(meta) = meta else {
        return page.not_found();
    };
    let ev = staff.event(
        "view_file",
        format!("case:{}", c.reference),
        format!("file={fid}"),
    );
    if let Err(e) = state.app.db.audit(&tid, &ev).await {
        return internal(e);
    }
    let mut res = crate::apply::send_file(&state, &meta).await;
    // Shown in the browser (preview) rather than saved; the bytes were sniffed at upload.
    if let Some(v) = res.headers().get(header::CONTENT_DISPOSITION).cloned() {
        if let Ok(s) = v.to_str() {
            if let Ok(h) = HeaderValue::from_str(&s.replacen("attachment", "inline", 1)) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, h);
            }
        }
    }
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    aktion: Option<String>,
}

/// `POST /{t}/verwaltung/fall/{reference}/status`: start review, go on, close.
pub async fn case_action(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path((tid, reference)): Path<(String, String)>,
    PostForm(f): PostForm<ActionForm>,
) -> Response {
    let site = state.site();
    let (_t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let c = case_of!(state, page, tid, reference, staff);
    let Some(action) = f
        .aktion
        .as_deref()
        .and_then(Action::parse)
        .filter(|a| matches!(a, Action::StartReview | Action::Resume | Action::Close))
    else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let from = ApplicationStatus::parse(&c.status).unwrap_or(ApplicationStatus::Received);
    let Ok(to) = from.apply(action) else {
        return conflict(&page);
    };
    let mut change = Change::new(staff.actor(), &c, action.as_str());
    change.to = Some(to);
    let done = rathaus_app::cases::change(&state.app, &change).await;
    case_changed(done, &page, &urls::staff_case(&tid, &c.reference))
}

/// The answer to a case change: on to `next`, or the conflict page when the case changed
/// meanwhile (or the change no longer fits its status).
fn case_changed(done: Result<(), CaseError>, page: &Page<'_>, next: &str) -> Response {
    match done {
        Ok(()) => crate::redirect::to(next).into_response(),
        Err(CaseError::Changed | CaseError::NotAllowed { .. }) => conflict(page),
        Err(CaseError::Store(e)) => internal(e),
    }
}

/// The case changed meanwhile (another colleague, the citizen): nothing was done.
fn conflict(page: &Page<'_>) -> Response {
    page.render_private(StatusCode::CONFLICT, "staff_conflict.html", context! {})
}

#[derive(Debug, Deserialize)]
pub struct TextForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    betreff: Option<String>,
    text: Option<String>,
}

/// `POST /{t}/verwaltung/fall/{reference}/notiz`: an internal note.
pub async fn add_note(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path((tid, reference)): Path<(String, String)>,
    PostForm(f): PostForm<TextForm>,
) -> Response {
    let site = state.site();
    let (_t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let c = case_of!(state, page, tid, reference, staff);
    let text = f.text.unwrap_or_default().trim().to_owned();
    if text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        return crate::redirect::to(&format!("{}#notizen", urls::staff_case(&tid, &c.reference)))
            .into_response();
    }
    let note = Note {
        id: uuid::Uuid::new_v4().simple().to_string(),
        author: staff.session.name.clone(),
        body: text,
        created_at: rathaus_app::clock::now_millis(),
    };
    let mut change = Change::new(staff.actor(), &c, "note");
    change.note = Some(&note);
    let done = rathaus_app::cases::change(&state.app, &change).await;
    case_changed(
        done,
        &page,
        &format!("{}#notizen", urls::staff_case(&tid, &c.reference)),
    )
}

/// The name under which the authority writes about this case.
fn sender_of(site: &crate::Site, c: &Case) -> String {
    site.authority_name(&c.portal_tenant_id, &c.service_id, &c.tenant_id)
}

/// `POST /{t}/verwaltung/fall/{reference}/anfrage`: ask the citizen for information or
/// documents; the request goes to the Postkorb and the case waits.
pub async fn request_info(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path((tid, reference)): Path<(String, String)>,
    PostForm(f): PostForm<TextForm>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let c = case_of!(state, page, tid, reference, staff);
    let subject = f
        .betreff
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_SUBJECT_CHARS)
        .collect::<String>();
    let text = f.text.unwrap_or_default().trim().to_owned();
    if subject.is_empty() || text.is_empty() || text.chars().count() > MAX_TEXT_CHARS {
        let error = page
            .theme()
            .messages
            .get(page.lang(), "staff-request-error", None);
        return render_case(
            &state,
            &site,
            &page,
            jar,
            t,
            &staff,
            &c,
            None,
            Some(error),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let from = ApplicationStatus::parse(&c.status).unwrap_or(ApplicationStatus::Received);
    let Ok(to) = from.apply(Action::RequestInfo) else {
        return conflict(&page);
    };
    let m = Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: c.portal_tenant_id.clone(),
        draft_id: c.draft_id.clone(),
        direction: rathaus_store::TO_CITIZEN.into(),
        kind: MessageKind::Request.as_str().into(),
        subject,
        body: text,
        sender: sender_of(&site, &c),
        created_at: rathaus_app::clock::now_millis(),
        read_at: None,
    };
    let mut change = Change::new(staff.actor(), &c, "request_info");
    change.to = Some(to);
    change.message = Some((&m, &[]));
    change.detail = format!("message={}", m.id);
    let done = rathaus_app::cases::change(&state.app, &change).await;
    case_changed(done, &page, &urls::staff_case(&tid, &c.reference))
}

// ----- the notice (Bescheid) ---------------------------------------------------------------

/// The texts of a notice, in German (the official language).
#[derive(Debug, Clone, serde::Serialize)]
struct NoticeText {
    title: String,
    operative: String,
    reasons: String,
    fee: String,
    remedy: String,
    recipient: Vec<String>,
    sender: String,
    date: String,
}

fn notice_text(
    site: &crate::Site,
    page: &Page<'_>,
    l: &rathaus_app::forms::Loaded<'_>,
    c: &Case,
    decision: Decision,
    reasons: &str,
    fee_cents: i64,
) -> NoticeText {
    let messages = &page.theme().messages;
    let tr = |k: &str| messages.get(Lang::De, k, None);
    let service = l.service();
    let answers: Map<String, Json> = serde_json::from_str(&c.answers).unwrap_or_default();
    let fee = rathaus_domain::service::format_eur_de_i64(fee_cents);
    let submitted = rathaus_app::clock::berlin_format(c.submitted_at, "%d.%m.%Y");
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
                &tr(&format!("notice-default-{}", decision.as_str())),
                &values,
            ),
            tr("notice-default-remedy"),
        ),
    };
    let mut recipient = vec![c.applicant.clone()];
    if let Some(a) = l.form.form().applicant_address(&answers) {
        recipient.extend(a);
    }
    NoticeText {
        title: format!("{} – {}", tr("notice-title"), service.title.de),
        operative,
        reasons: reasons.to_owned(),
        fee: if fee_cents > 0 {
            let mut text = fill(&tr("notice-fee"), &values);
            if let Some(cash) = site
                .catalog
                .tenant(&c.tenant_id)
                .and_then(|t| t.cash_office.as_ref())
            {
                let rf = rathaus_domain::payment::CreditorReference::for_base(&c.reference)
                    .map(|r| r.grouped())
                    .unwrap_or_default();
                text.push(' ');
                text.push_str(&fill(
                    &tr("notice-fee-transfer"),
                    &[
                        ("beneficiary", cash.name.as_str()),
                        ("iban", cash.iban.as_str()),
                        ("reference", rf.as_str()),
                    ],
                ));
            }
            text
        } else {
            tr("notice-no-fee")
        },
        remedy,
        recipient,
        sender: sender_of(site, c),
        date: rathaus_app::clock::berlin_format(rathaus_app::clock::now_millis(), "%d.%m.%Y"),
    }
}

fn notice_pdf(n: &NoticeText, c: &Case, page: &Page<'_>) -> Result<Vec<u8>, String> {
    use rathaus_pdf::Block;
    let tr = |k: &str| page.theme().messages.get(Lang::De, k, None);
    let blocks = vec![
        Block::Paragraph(n.sender.clone()),
        Block::Field {
            label: tr("notice-to"),
            lines: n.recipient.clone(),
        },
        Block::Field {
            label: tr("notice-reference"),
            lines: vec![c.reference.clone()],
        },
        Block::Field {
            label: tr("notice-date"),
            lines: vec![n.date.clone()],
        },
        Block::Title(n.title.clone()),
        Block::Heading(tr("notice-decision")),
        Block::Paragraph(n.operative.clone()),
        Block::Heading(tr("notice-reasons")),
        Block::Paragraph(n.reasons.clone()),
        Block::Heading(tr("notice-fee-heading")),
        Block::Paragraph(n.fee.clone()),
        Block::Heading(tr("notice-remedy")),
        Block::Paragraph(n.remedy.clone()),
    ];
    let doc = rathaus_pdf::Document {
        lang: "de".into(),
        title: n.title.clone(),
        author: n.sender.clone(),
        creator: "Rathaus".into(),
        created: rathaus_app::clock::pdf_timestamp(rathaus_app::clock::now_millis()),
        blocks,
        footer: format!("{} · {} · {{page}}/{{pages}}", c.reference, n.sender),
    };
    rathaus_pdf::render(&doc).map_err(|e| e.to_string())
}

/// `POST /{t}/verwaltung/fall/{reference}/bescheid`: `aktion=vorschau` shows the notice
/// as it will read, `pdf` returns the PDF to look at, `freigeben` releases it: the case
/// is decided, the PDF/A goes to the Postkorb and, for letters, into the print queue.
pub async fn notice(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path((tid, reference)): Path<(String, String)>,
    PostForm(f): PostForm<NoticeForm>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let c = case_of!(state, page, tid, reference, staff);
    let from = ApplicationStatus::parse(&c.status).unwrap_or(ApplicationStatus::Received);
    let Ok(to) = from.apply(Action::Decide) else {
        return conflict(&page);
    };
    let l = match rathaus_app::forms::at(
        &state.app,
        &site.core,
        &c.portal_tenant_id,
        &c.tenant_id,
        &c.service_id,
        c.version,
    )
    .await
    {
        Ok(l) => l,
        Err(e) => return crate::routes::PageError::from(e).into_response(),
    };
    let tr = |k: &str| page.theme().messages.get(page.lang(), k, None);
    let decision = f.entscheidung.as_deref().and_then(Decision::parse);
    let reasons = f.begruendung.clone().unwrap_or_default().trim().to_owned();
    let fee = rathaus_domain::form::parse_money(f.gebuehr.as_deref().unwrap_or("0"));
    let answers: Map<String, Json> = serde_json::from_str(&c.answers).unwrap_or_default();
    let by_post = f.post.as_deref() == Some("ja") || c.account_id.is_none();
    let error = if decision.is_none() {
        Some(tr("staff-notice-error-decision"))
    } else if reasons.is_empty() || reasons.chars().count() > MAX_TEXT_CHARS {
        Some(tr("staff-notice-error-reasons"))
    } else if fee.is_none_or(|x| !(0..=10_000_000).contains(&x)) {
        Some(tr("staff-notice-error-fee"))
    } else if by_post && l.form.form().applicant_address(&answers).is_none() {
        Some(tr("staff-notice-error-address"))
    } else {
        None
    };
    let mut form = f.clone();
    form.post = by_post.then(|| "ja".to_owned());
    let (Some(decision), Some(fee), None) = (decision, fee, &error) else {
        let st = NoticeState {
            form,
            preview: None,
            error,
        };
        return render_case(
            &state,
            &site,
            &page,
            jar,
            t,
            &staff,
            &c,
            Some(st),
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let text = notice_text(&site, &page, &l, &c, decision, &reasons, fee);
    match f.aktion.as_deref() {
        Some("freigeben") => {}
        Some("pdf") => {
            return match notice_pdf(&text, &c, &page) {
                Ok(bytes) => (
                    [
                        (header::CONTENT_TYPE, "application/pdf".to_owned()),
                        (
                            header::CONTENT_DISPOSITION,
                            "inline; filename=\"bescheid-vorschau.pdf\"".to_owned(),
                        ),
                        (header::CACHE_CONTROL, "no-store".to_owned()),
                    ],
                    bytes,
                )
                    .into_response(),
                Err(e) => internal(e),
            };
        }
        _ => {
            let st = NoticeState {
                form,
                preview: Some(text),
                error: None,
            };
            return render_case(
                &state,
                &site,
                &page,
                jar,
                t,
                &staff,
                &c,
                Some(st),
                None,
                StatusCode::OK,
            )
            .await;
        }
    }
    // Release.
    let bytes = match notice_pdf(&text, &c, &page) {
        Ok(b) => b,
        Err(e) => return internal(e),
    };
    let name = format!("Bescheid-{}.pdf", c.reference);
    let file = match store_attachment(
        &state.app.files.blobs,
        &c.portal_tenant_id,
        &c.draft_id,
        &name,
        &bytes,
    )
    .await
    {
        Ok(f) => f,
        Err(e) => return internal(e),
    };
    let m = Message {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: c.portal_tenant_id.clone(),
        draft_id: c.draft_id.clone(),
        direction: rathaus_store::TO_CITIZEN.into(),
        kind: MessageKind::Notice.as_str().into(),
        subject: text.title.clone(),
        body: format!("{}\n\n{}", text.operative, text.reasons),
        sender: text.sender.clone(),
        created_at: rathaus_app::clock::now_millis(),
        read_at: None,
    };
    let letter = by_post.then(|| Letter {
        id: uuid::Uuid::new_v4().simple().to_string(),
        tenant_id: c.portal_tenant_id.clone(),
        draft_id: c.draft_id.clone(),
        reference: c.reference.clone(),
        file_id: file.id.clone(),
        recipient: text.recipient.clone(),
        created_at: m.created_at,
        batch: None,
    });
    let files = [file];
    // A fee in the notice becomes a payment the citizen can make (unless the application
    // already took one).
    let notice_fee = match (fee > 0, t.cash_office.is_some()) {
        (true, true) => match state.app.db.payment_of(&c.draft_id).await {
            Ok(None) => Some(notice_payment(&l, fee)),
            Ok(Some(_)) => None,
            Err(e) => return internal(e),
        },
        _ => None,
    };
    let mut change = Change::new(staff.actor(), &c, "decide");
    change.to = Some(to);
    change.decision = Some(decision.as_str());
    change.payment = notice_fee.as_ref();
    change.message = Some((&m, &files));
    change.letter = letter.as_ref();
    change.detail = format!(
        "decision={} fee={fee} post={by_post} sha256={}",
        decision.as_str(),
        files[0].sha256
    );
    let done = rathaus_app::cases::change(&state.app, &change).await;
    if done.is_ok() {
        tracing::info!(tenant = %tid, reference = %c.reference, decision = decision.as_str(), "notice released");
    } else {
        // Nothing was released: the stored PDF goes too.
        let _ = state
            .app
            .files
            .blobs
            .delete(&files[0].tenant_id, &files[0].id)
            .await;
    }
    case_changed(done, &page, &urls::staff_case(&tid, &c.reference))
}

// ----- print queue -----------------------------------------------------------------------------

/// `GET /{t}/verwaltung/druck`: letters waiting to be printed and posted (admins).
pub async fn print_queue(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !staff.rights.is_admin(&tid) {
        return page.forbidden();
    }
    let letters = match state.app.db.letters(&tid, true).await {
        Ok(l) => l,
        Err(e) => return internal(e),
    };
    let rows: Vec<Json> = letters
        .iter()
        .map(|l| json!({"reference": l.reference, "recipient": l.recipient, "at": rathaus_app::clock::berlin_datetime(l.created_at)}))
        .collect();
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "staff_print.html",
        context! {
            staff => staff_view(t, &staff, page.lang(), &token, "print"),
            letters => rows,
            export => format!("{}/export", urls::staff_print(&tid)),
            csrf => token,
        },
    );
    (jar, res).into_response()
}

/// `POST /{t}/verwaltung/druck/export`: a ZIP for the hybrid-mail service: every pending
/// letter's PDF plus `adressen.csv` (file, reference, address lines); the letters are then
/// marked as exported in this batch.
pub async fn print_export(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    PostForm(f): PostForm<CsrfForm>,
) -> Response {
    let site = state.site();
    let (_t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    if !staff.rights.is_admin(&tid) {
        return page.forbidden();
    }
    let letters = match state.app.db.letters(&tid, true).await {
        Ok(l) => l,
        Err(e) => return internal(e),
    };
    let batch =
        rathaus_app::clock::berlin_format(rathaus_app::clock::now_millis(), "%Y%m%d-%H%M%S");
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut csv = String::from("datei;aktenzeichen;zeile1;zeile2;zeile3\r\n");
    for l in &letters {
        let mut bytes = Vec::new();
        match state.app.files.blobs.open(&l.tenant_id, &l.file_id).await {
            Ok(mut s) => {
                use futures_util::StreamExt;
                while let Some(chunk) = s.next().await {
                    match chunk {
                        Ok(c) => bytes.extend_from_slice(&c),
                        Err(e) => return internal(e),
                    }
                }
            }
            Err(e) => return internal(e),
        }
        let name = format!("{}.pdf", l.reference);
        if let Err(e) = zip.start_file(name.as_str(), opts) {
            return internal(e);
        }
        if let Err(e) = std::io::Write::write_all(&mut zip, &bytes) {
            return internal(e);
        }
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
    if let Err(e) = zip.start_file("adressen.csv", opts) {
        return internal(e);
    }
    if let Err(e) = std::io::Write::write_all(&mut zip, csv.as_bytes()) {
        return internal(e);
    }
    let bytes = match zip.finish() {
        Ok(c) => c.into_inner(),
        Err(e) => return internal(e),
    };
    let ids: Vec<String> = letters.iter().map(|l| l.id.clone()).collect();
    if let Err(e) = state
        .app
        .db
        .mark_exported(&tid, &ids, &batch, &format!("staff:{}", staff.id()))
        .await
    {
        return internal(e);
    }
    (
        [
            (header::CONTENT_TYPE, "application/zip".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"druck-{tid}-{batch}.zip\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

// ----- figures ------------------------------------------------------------------------------

/// `GET /{t}/verwaltung/kennzahlen`: per office and service: received, open, decided,
/// median and 90th-percentile processing time, mean waiting-for-citizen time.
pub async fn figures(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    let lang = page.lang();
    let offices: Vec<String> = staff
        .offices()
        .into_iter()
        .filter(|o| staff.rights.can_lead(&tid, o))
        .collect();
    if offices.is_empty() {
        return page.forbidden();
    }
    let rows = match state.app.db.case_histories(&tid, &offices).await {
        Ok(r) => r,
        Err(e) => return internal(e),
    };
    let now = rathaus_app::clock::now_millis();
    let mut groups: std::collections::BTreeMap<(String, String), Vec<History>> = Default::default();
    for (service, office, submitted_at, events) in rows {
        groups.entry((office, service)).or_default().push(History {
            submitted_at,
            events: events
                .into_iter()
                .filter_map(|(s, at)| Some((ApplicationStatus::parse(&s)?, at)))
                .collect(),
        });
    }
    let days = |ms: Option<i64>| {
        ms.map(|m| {
            let d = m as f64 / rathaus_app::clock::DAY_MS as f64;
            match lang {
                Lang::De => format!("{d:.1}").replace('.', ","),
                Lang::En => format!("{d:.1}"),
            }
        })
    };
    let table: Vec<Json> = groups
        .iter()
        .map(|((office, service), hs)| {
            let f = Figures::of(hs, now);
            let office_name = t
                .offices
                .iter()
                .find(|o| o.id.as_str() == office)
                .map(|o| loc(&o.name, lang).text)
                .unwrap_or_else(|| office.clone());
            json!({
                "office": office_name,
                "service": site.catalog.offered(&tid).into_iter().find(|o| o.service.id.as_str() == service)
                    .map(|o| loc(&o.service.title, lang).text).unwrap_or_else(|| service.clone()),
                "received": f.received, "open": f.open, "decided": f.decided,
                "median": days(f.median_ms), "p90": days(f.p90_ms), "waiting": days(f.waiting_mean_ms),
            })
        })
        .collect();
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "staff_figures.html",
        context! { staff => staff_view(t, &staff, page.lang(), &token, "figures"), rows => table },
    );
    (jar, res).into_response()
}

// ----- audit trail ------------------------------------------------------------------------------

/// `GET /{t}/verwaltung/protokoll`: verifies the chain and shows the latest entries (admins).
pub async fn audit_page(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !staff.rights.is_admin(&tid) {
        return page.forbidden();
    }
    let check = match state.app.db.verify_audit(&tid).await {
        Ok(c) => c,
        Err(e) => return internal(e),
    };
    let entries = match state.app.db.audit_entries(&tid, None).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let latest: Vec<Json> = entries
        .iter()
        .rev()
        .take(50)
        .map(|e| {
            json!({"seq": e.seq, "at": rathaus_app::clock::berlin_datetime(e.at), "actor": e.actor,
                        "action": e.action, "object": e.object, "hash": e.hash.get(..16)})
        })
        .collect();
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "staff_audit.html",
        context! {
            staff => staff_view(t, &staff, page.lang(), &token, "audit"),
            entries => check.entries,
            broken_at => check.broken.as_ref().map(|b| b.0),
            broken_why => check.broken.as_ref().map(|b| b.1.clone()),
            latest,
            export => format!("{}.jsonl", urls::staff_audit(&tid)),
        },
    );
    (jar, res).into_response()
}

/// `GET /{t}/verwaltung/protokoll.jsonl`: the whole chain, one JSON object per line, so it
/// can be verified elsewhere (the hash rule is in `AuditEntry::compute_hash`).
pub async fn audit_export(
    State(state): St,
    prefs: Prefs,
    staff: MaybeStaff,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (_t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !staff.rights.is_admin(&tid) {
        return page.forbidden();
    }
    let ev = staff.event("audit_export", format!("audit:{tid}"), String::new());
    if let Err(e) = state.app.db.audit(&tid, &ev).await {
        return internal(e);
    }
    let entries = match state.app.db.audit_entries(&tid, None).await {
        Ok(e) => e,
        Err(e) => return internal(e),
    };
    let mut out = String::new();
    for e in entries {
        out.push_str(
            &json!({"tenant": e.tenant_id, "seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                    "object": e.object, "detail": e.detail, "prev_hash": e.prev_hash, "hash": e.hash})
            .to_string(),
        );
        out.push('\n');
    }
    (
        [
            (
                header::CONTENT_TYPE,
                "application/jsonl; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"protokoll-{tid}.jsonl\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        out,
    )
        .into_response()
}

// ----- deliveries (hand-over to Fachverfahren and e-file) ----------------------------------

/// One delivery for the case page and the admin list.
fn delivery_view(page: &Page<'_>, t: &TenantDef, d: &rathaus_store::DeliveryRow) -> Json {
    let lang = page.lang();
    let target = t.delivery(&d.target);
    let state = match d.status.as_str() {
        "pending" if d.attempts > 0 => "failing",
        other => other,
    };
    let event = d.id.rsplit('.').next().unwrap_or("");
    json!({
        "id": d.id,
        "reference": d.reference,
        "case_href": urls::staff_case(t.id.as_str(), &d.reference),
        "target": target.map(|x| x.name.get(lang).0.to_owned()).unwrap_or_else(|| d.target.clone()),
        "kind": target.and_then(|x| x.kind()).map(|k| page.theme().messages.get(lang, &format!("delivery-kind-{}", k.key()), None)),
        "event": page.theme().messages.get(lang, &format!("delivery-event-{event}"), None),
        "state": state,
        "state_label": page.theme().messages.get(lang, &format!("delivery-state-{state}"), None),
        "attempts": d.attempts,
        "error": d.last_error,
        "receipt": d.receipt,
        "created": rathaus_app::clock::berlin_datetime(d.created_at),
        "next": (d.status == "pending").then(|| rathaus_app::clock::berlin_datetime(d.next_attempt_at)),
        "done": d.done_at.map(rathaus_app::clock::berlin_datetime),
        "can_retry": matches!(state, "failing" | "parked"),
        "can_cancel": matches!(d.status.as_str(), "pending" | "parked"),
    })
}

#[derive(Debug, Deserialize)]
pub struct DeliveriesQuery {
    alle: Option<String>,
}

/// `GET /{t}/verwaltung/zustellungen`: the hand-overs of the tenant (admins): counts by
/// state, and the parked and failing ones (or all, newest first) with their last error.
pub async fn deliveries(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    axum::extract::Query(q): axum::extract::Query<DeliveriesQuery>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !staff.rights.is_admin(&tid) {
        return page.forbidden();
    }
    let all = q.alle.is_some();
    let filter = if all {
        rathaus_store::DeliveryFilter::All
    } else {
        rathaus_store::DeliveryFilter::Troubled
    };
    let (rows, counts) = match (
        state.app.db.deliveries(&tid, filter, 200).await,
        state.app.db.delivery_counts(&tid).await,
    ) {
        (Ok(r), Ok(c)) => (r, c),
        (Err(e), _) | (_, Err(e)) => return internal(e),
    };
    let lang = page.lang();
    let counts: Vec<Json> = counts
        .iter()
        .map(|(s, n)| json!({"label": page.theme().messages.get(lang, &format!("delivery-state-{s}"), None), "n": n}))
        .collect();
    let targets: Vec<Json> = t
        .deliveries
        .iter()
        .map(|d| {
            json!({
                "name": d.name.get(lang).0,
                "kind": d.kind().map(|k| page.theme().messages.get(lang, &format!("delivery-kind-{}", k.key()), None)),
                "event": page.theme().messages.get(lang, &format!("delivery-event-{}", d.when.key()), None),
                "services": if d.services.is_empty() { None } else { Some(d.services.iter().map(|s| service_name(&site, &tid, s.as_str(), lang)).collect::<Vec<_>>().join(", ")) },
            })
        })
        .collect();
    let rows: Vec<Json> = rows.iter().map(|d| delivery_view(&page, t, d)).collect();
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        StatusCode::OK,
        "staff_deliveries.html",
        context! {
            staff => staff_view(t, &staff, page.lang(), &token, "deliveries"),
            all, rows, counts, targets,
            all_href => format!("{}?alle=1", urls::staff_deliveries(&tid)),
            troubled_href => urls::staff_deliveries(&tid),
            action_href => format!("{}/aktion", urls::staff_deliveries(&tid)),
            csrf => token,
        },
    );
    state
        .app
        .db
        .audit(
            &tid,
            &staff.event("view_deliveries", "deliveries".into(), String::new()),
        )
        .await
        .ok();
    (jar, res).into_response()
}

#[derive(Debug, Deserialize)]
pub struct DeliveryActionForm {
    #[serde(rename = "_csrf")]
    csrf: Option<String>,
    id: String,
    aktion: String,
}

/// `POST /{t}/verwaltung/zustellungen/aktion`: retry a parked or failing delivery now, or
/// cancel one that is not done (admins; audited).
pub async fn delivery_action(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    PostForm(f): PostForm<DeliveryActionForm>,
) -> Response {
    let site = state.site();
    let (_t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    if !staff.rights.is_admin(&tid) {
        return page.forbidden();
    }
    let d = match state.app.db.delivery(&tid, &f.id).await {
        Ok(Some(d)) => d,
        Ok(None) => return page.not_found(),
        Err(e) => return internal(e),
    };
    let (retry, action) = match f.aktion.as_str() {
        "wiederholen" => (true, "delivery_retry"),
        "abbrechen" => (false, "delivery_cancel"),
        _ => return StatusCode::BAD_REQUEST.into_response(),
    };
    let event = staff.event(
        action,
        format!("case:{}", d.reference),
        format!("delivery={}", d.id),
    );
    match state
        .app
        .db
        .change_delivery(&tid, &d.id, retry, &event)
        .await
    {
        Ok(true) => {
            tracing::info!(tenant = %tid, delivery = %d.id, action, "delivery changed by an administrator");
            crate::redirect::to(&urls::staff_deliveries(&tid)).into_response()
        }
        Ok(false) => conflict(&page),
        Err(e) => internal(e),
    }
}

// ----- cash office: bank statements -------------------------------------------------------------

/// Largest bank statement file accepted (a camt.053 of a busy month fits easily).
pub(crate) const MAX_STATEMENT_BYTES: usize = 10 * 1024 * 1024;

/// `GET /{t}/verwaltung/kasse`: the cash office (admins): import a bank statement and see
/// the lines that did not match a fee.
pub async fn cash_office(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !staff.rights.is_admin(&tid) || t.cash_office.is_none() {
        return page.forbidden();
    }
    render_cash_office(&state, &page, jar, t, &staff, None, StatusCode::OK).await
}

/// What the cash office page reports above its forms: a summary, or an error.
fn cash_result(r: Result<String, String>) -> Value {
    let (summary, error) = match r {
        Ok(s) => (Some(s), None),
        Err(e) => (None, Some(e)),
    };
    Value::from_serialize(json!({"summary": summary, "error": error}))
}

async fn render_cash_office(
    state: &AppState,
    page: &Page<'_>,
    jar: CookieJar,
    t: &TenantDef,
    staff: &Staff,
    result: Option<Value>,
    status: StatusCode,
) -> Response {
    let tid = t.id.as_str();
    let lang = page.lang();
    let (waiting, recent) = match (
        state.app.db.bank_lines(tid, true, 200).await,
        state.app.db.bank_lines(tid, false, 50).await,
    ) {
        (Ok(w), Ok(r)) => (w, r),
        (Err(e), _) | (_, Err(e)) => return internal(e),
    };
    let debits_waiting = match state.app.db.direct_debits_waiting(tid).await {
        Ok(n) => {
            let mut a = FluentArgs::new();
            a.set("count", n);
            page.theme()
                .messages
                .get(lang, "cash-debit-waiting", Some(&a))
        }
        Err(e) => return internal(e),
    };
    let line_view = |l: &rathaus_store::BankLine| {
        json!({
            "booked_on": l.booked_on.as_deref().map(rathaus_domain::form::format_date_de),
            "amount": crate::views::money(u64::try_from(l.amount_cents).unwrap_or(0), lang),
            "debtor": l.debtor,
            "remittance": l.remittance,
            "reference": l.reference,
            "outcome": page.theme().messages.get(lang, &format!("cash-outcome-{}", l.outcome.replace('_', "-")), None),
        })
    };
    let (jar, token) = csrf::token(jar);
    let res = page.render_private(
        status,
        "staff_cash.html",
        context! {
            staff => staff_view(t, staff, page.lang(), &token, "cash"),
            waiting => waiting.iter().map(line_view).collect::<Vec<_>>(),
            recent => recent.iter().map(line_view).collect::<Vec<_>>(),
            action => format!("{}/kontoauszug", urls::staff_cash(tid)),
            debit_action => t.cash_office.as_ref().and_then(|c| c.creditor_id.as_ref()).map(|_| format!("{}/lastschriften", urls::staff_cash(tid))),
            debits_waiting => debits_waiting,
            export_action => format!("{}/buchungen.csv", urls::staff_cash(tid)),
            export_xml => format!("{}/buchungen.xml", urls::staff_cash(tid)),
            today => rathaus_app::clock::today(),
            max => rathaus_domain::form::format_bytes(MAX_STATEMENT_BYTES as u64),
            result,
            csrf => token,
        },
    );
    (jar, res).into_response()
}

/// `POST /{t}/verwaltung/kasse/kontoauszug`: import a camt.053/camt.054 file; every credit
/// that carries a fee's reference and amount marks the fee paid (each line once, even if the
/// file is imported again); the rest is listed for staff. Audited.
pub async fn import_statement(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    mut mp: axum::extract::Multipart,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !staff.rights.is_admin(&tid) || t.cash_office.is_none() {
        return page.forbidden();
    }
    let mut token = None;
    let mut file: Option<Vec<u8>> = None;
    loop {
        let field = match mp.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        };
        match field.name() {
            Some(csrf::FIELD) => token = field.text().await.ok(),
            Some("datei") => {
                // The CSRF token comes first in the form; nothing is read for a forged post.
                if !csrf::verify(&jar, token.as_deref()) {
                    return page.forbidden();
                }
                match field.bytes().await {
                    Ok(b) => file = Some(b.to_vec()),
                    Err(_) => {
                        let msg = {
                            let mut a = FluentArgs::new();
                            a.set(
                                "max",
                                rathaus_domain::form::format_bytes(MAX_STATEMENT_BYTES as u64),
                            );
                            page.theme()
                                .messages
                                .get(page.lang(), "cash-too-large", Some(&a))
                        };
                        return render_cash_office(
                            &state,
                            &page,
                            jar,
                            t,
                            &staff,
                            Some(cash_result(Err(msg))),
                            StatusCode::PAYLOAD_TOO_LARGE,
                        )
                        .await;
                    }
                }
            }
            _ => {}
        }
    }
    if !csrf::verify(&jar, token.as_deref()) {
        return page.forbidden();
    }
    let lang = page.lang();
    let fail = |key: &str, detail: Option<String>| {
        let mut a = FluentArgs::new();
        a.set("detail", detail.unwrap_or_default());
        cash_result(Err(page.theme().messages.get(lang, key, Some(&a))))
    };
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        let r = fail("cash-no-file", None);
        return render_cash_office(
            &state,
            &page,
            jar,
            t,
            &staff,
            Some(r),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let lines = match std::str::from_utf8(&bytes)
        .map_err(|e| rathaus_domain::bank::StatementError::Xml(e.to_string()))
        .and_then(rathaus_domain::bank::parse_statement)
    {
        Ok(l) => l,
        Err(e) => {
            let r = fail("cash-bad-file", Some(e.to_string()));
            return render_cash_office(
                &state,
                &page,
                jar,
                t,
                &staff,
                Some(r),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    // The fees the file's references name.
    let mut fees = std::collections::HashMap::new();
    for l in &lines {
        for r in l.references() {
            if fees.contains_key(r.as_str()) {
                continue;
            }
            match state.app.db.payment_by_creditor_ref(&tid, r.as_str()).await {
                Ok(Some(p)) => {
                    let open = !rathaus_domain::payment::PaymentStatus::parse(&p.status)
                        .is_some_and(|s| s.money_received());
                    fees.insert(
                        r.as_str().to_owned(),
                        rathaus_domain::bank::OpenFee {
                            payment_id: p.id,
                            amount_cents: p.amount_cents,
                            open,
                        },
                    );
                }
                Ok(None) => {}
                Err(e) => return internal(e),
            }
        }
    }
    let outcomes = rathaus_domain::bank::reconcile(&lines, &fees);
    let now = rathaus_app::clock::now_millis();
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let (mut new, mut paid, mut waiting, mut known) = (0, 0, 0, 0);
    for (l, o) in lines.iter().zip(&outcomes) {
        use rathaus_domain::bank::LineOutcome as O;
        let (outcome, payment_id) = match o {
            O::NotACredit => continue,
            O::Pays(p) => ("pays", Some(p.clone())),
            O::NoReference => ("no_reference", None),
            O::UnknownReference(_) => ("unknown_reference", None),
            O::AmountDiffers { payment_id, .. } => ("amount_differs", Some(payment_id.clone())),
            O::AlreadyPaid(p) => ("already_paid", Some(p.clone())),
        };
        let content = format!(
            "{tid}|{}|{}|{}|{}|{}|{}",
            l.bank_ref.as_deref().unwrap_or(""),
            l.booking_date.as_deref().unwrap_or(""),
            l.amount_cents,
            l.debtor.as_deref().unwrap_or(""),
            l.remittance,
            l.structured.join(",")
        );
        let n = seen.entry(content.clone()).or_insert(0);
        *n += 1;
        let row = rathaus_store::BankLine {
            id: rathaus_app::secrets::sha256_hex(format!("{content}|{n}")),
            tenant_id: tid.clone(),
            booked_on: l.booking_date.clone(),
            amount_cents: l.amount_cents,
            debtor: l.debtor.clone(),
            remittance: l.remittance.chars().take(500).collect(),
            reference: l.references().first().map(|r| r.as_str().to_owned()),
            outcome: outcome.into(),
            payment_id,
            imported_at: now,
        };
        let held = match (outcome, payment_id_of(&row)) {
            ("pays", Some(pid)) => match state.app.db.payment(&tid, pid).await {
                Ok(Some(p)) => {
                    match rathaus_app::payments::held_deliveries(&state.app, &site.core, &p).await {
                        Ok(w) => w,
                        Err(e) => return internal(e),
                    }
                }
                Ok(None) => Vec::new(),
                Err(e) => return internal(e),
            },
            _ => Vec::new(),
        };
        match state.app.db.record_bank_line(&row, &held).await {
            Ok(true) => {
                new += 1;
                if outcome == "pays" {
                    paid += 1;
                } else {
                    waiting += 1;
                }
            }
            Ok(false) => known += 1,
            Err(e) => return internal(e),
        }
    }
    state
        .app
        .db
        .audit(
            &tid,
            &staff.event(
                "import_statement",
                "cash".into(),
                format!(
                    "lines={} new={new} paid={paid} waiting={waiting} known={known}",
                    lines.len()
                ),
            ),
        )
        .await
        .ok();
    tracing::info!(tenant = %tid, new, paid, waiting, known, "bank statement imported");
    let mut a = FluentArgs::new();
    a.set("new", new);
    a.set("paid", paid);
    a.set("waiting", waiting);
    a.set("known", known);
    let summary = page.theme().messages.get(lang, "cash-imported", Some(&a));
    render_cash_office(
        &state,
        &page,
        jar,
        t,
        &staff,
        Some(cash_result(Ok(summary))),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct BookingsQuery {
    tag: Option<String>,
}

/// `GET /{t}/verwaltung/kasse/buchungen.{csv|xml}?tag=YYYY-MM-DD`: the fees paid on one day
/// (Europe/Berlin) as a booking file for the finance software (admins; audited).
pub async fn bookings_export(
    State(state): St,
    prefs: Prefs,
    staff: MaybeStaff,
    Path((tid, file)): Path<(String, String)>,
    Query(q): Query<BookingsQuery>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !staff.rights.is_admin(&tid) || t.cash_office.is_none() {
        return page.forbidden();
    }
    let xml = match file.as_str() {
        "buchungen.csv" => false,
        "buchungen.xml" => true,
        _ => return page.not_found(),
    };
    let day = q.tag.unwrap_or_else(rathaus_app::clock::today);
    let Ok(date) = day.parse::<jiff::civil::Date>() else {
        return (StatusCode::BAD_REQUEST, "tag: YYYY-MM-DD").into_response();
    };
    let bounds = date
        .in_tz("Europe/Berlin")
        .and_then(|start| Ok((start.timestamp(), start.tomorrow()?.timestamp())));
    let Ok((from, to)) = bounds else {
        return (StatusCode::BAD_REQUEST, "tag").into_response();
    };
    let payments = match state
        .app
        .db
        .paid_between(&tid, from.as_millisecond(), to.as_millisecond())
        .await
    {
        Ok(p) => p,
        Err(e) => return internal(e),
    };
    let rows: Vec<rathaus_domain::booking::Booking> = payments
        .iter()
        .map(|p| rathaus_domain::booking::Booking {
            kassenzeichen: p
                .kassenzeichen
                .clone()
                .unwrap_or_else(|| p.creditor_ref.clone()),
            reference: p.reference.clone(),
            booking_code: p.booking_code.clone(),
            amount_cents: p.amount_cents,
            method: p.method.clone().unwrap_or_else(|| "transfer".into()),
            creditor_ref: p.creditor_ref.clone(),
            purpose: p.purpose.clone(),
            paid_at: p
                .paid_at
                .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
                .map(|t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
                .unwrap_or_default(),
        })
        .collect();
    state
        .app
        .db
        .audit(
            &tid,
            &staff.event(
                "export_bookings",
                "cash".into(),
                format!("day={day} rows={} file={file}", rows.len()),
            ),
        )
        .await
        .ok();
    let (body, kind) = if xml {
        let created = jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        match rathaus_domain::booking::bookings_xml(&tid, &day, &created, &rows) {
            Ok(x) => (x, "application/xml; charset=utf-8"),
            Err(e) => return internal(e),
        }
    } else {
        (
            rathaus_domain::booking::bookings_csv(&day, &rows),
            "text/csv; charset=utf-8",
        )
    };
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"buchungen-{tid}-{day}.{}\"",
                    if xml { "xml" } else { "csv" }
                ),
            ),
        ],
        body,
    )
        .into_response()
}

/// `POST /{t}/verwaltung/kasse/lastschriften`: the collection file (pain.008.001.08) of every
/// direct debit not collected yet; each goes into exactly one file (admins; audited).
pub async fn export_direct_debits(
    State(state): St,
    prefs: Prefs,
    jar: CookieJar,
    staff: MaybeStaff,
    Path(tid): Path<String>,
    PostForm(f): PostForm<CsrfForm>,
) -> Response {
    let site = state.site();
    let (t, page, staff) = staff_ctx!(site, prefs, tid, staff);
    if !csrf::verify(&jar, f.csrf.as_deref()) {
        return page.forbidden();
    }
    let Some(office) = t
        .cash_office
        .as_ref()
        .filter(|_| staff.rights.is_admin(&tid))
    else {
        return page.forbidden();
    };
    let Some(creditor_id) = office.creditor_id.as_deref() else {
        return page.forbidden();
    };
    let payments = match state.app.db.take_direct_debits(&tid).await {
        Ok(p) => p,
        Err(e) => return internal(e),
    };
    if payments.is_empty() {
        let msg = page
            .theme()
            .messages
            .get(page.lang(), "cash-debit-none", None);
        return render_cash_office(
            &state,
            &page,
            jar,
            t,
            &staff,
            Some(cash_result(Ok(msg))),
            StatusCode::OK,
        )
        .await;
    }
    let collections: Vec<rathaus_domain::sepa::Collection> = payments
        .iter()
        .map(|p| rathaus_domain::sepa::Collection {
            end_to_end_id: p.reference.clone(),
            amount_cents: p.amount_cents,
            mandate_id: p.reference.clone(),
            mandate_date: p
                .mandate_date
                .clone()
                .unwrap_or_else(rathaus_app::clock::today),
            debtor_name: p.debtor_name.clone().unwrap_or_default(),
            debtor_iban: p.debtor_iban.clone().unwrap_or_default(),
            remittance: format!("{} {} {}", p.purpose, p.reference, p.creditor_ref),
        })
        .collect();
    let now = jiff::Zoned::now();
    let created = now.strftime("%Y-%m-%dT%H:%M:%S").to_string();
    // SEPA Core: at least one business day ahead; five calendar days are always enough.
    let collect_on = now
        .date()
        .checked_add(jiff::Span::new().days(5))
        .map(|d| d.to_string())
        .unwrap_or_default();
    let msg_id = format!(
        "RATHAUS-{}-{}",
        tid.to_ascii_uppercase(),
        now.strftime("%Y%m%d%H%M%S")
    );
    let msg_id: String = msg_id.chars().take(35).collect();
    let creditor = rathaus_domain::sepa::Creditor {
        name: &office.name,
        iban: &office.iban,
        bic: office.bic.as_deref(),
        creditor_id,
    };
    let xml = match rathaus_domain::sepa::pain008(
        &msg_id,
        &created,
        &collect_on,
        &creditor,
        rathaus_domain::sepa::Sequence::OneOff,
        &collections,
    ) {
        Ok(x) => x,
        Err(e) => return internal(e),
    };
    state
        .app
        .db
        .audit(
            &tid,
            &staff.event(
                "export_direct_debits",
                "cash".into(),
                format!("file={msg_id} count={}", collections.len()),
            ),
        )
        .await
        .ok();
    (
        [
            (
                header::CONTENT_TYPE,
                "application/xml; charset=utf-8".to_owned(),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{msg_id}.xml\""),
            ),
        ],
        xml,
    )
        .into_response()
}

fn payment_id_of(row: &rathaus_store::BankLine) -> Option<&str> {
    row.payment_id.as_deref()
}

/// The payment of a fee set in a notice: one item, the service's booking code.
fn notice_payment(l: &rathaus_app::forms::Loaded<'_>, fee_cents: i64) -> rathaus_store::NewPayment {
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
