//! The catalogue in the API: portals, offices, services (searched and filtered, in pages),
//! topics and life situations. Public: no login, nothing personal.

use super::model::{
    Group, GroupList, Index, LangQuery, Office, OfficeList, Paging, Service, ServiceList,
    ServiceQuery, ServiceSummary, Tenant, TenantList, TenantSummary,
};
use super::{bad_query, cached, lang};
use crate::kit::paths;
use crate::kit::problem::Problem;
use crate::kit::{Prefs, St};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query};
use axum::http::HeaderMap;
use axum::response::Response;
use rathaus_domain::catalog::MAX_QUERY_CHARS;
use rathaus_domain::TenantDef;

type Q<T> = Result<Query<T>, QueryRejection>;
type Answer = Result<Response, Problem>;

/// Entries per page unless asked otherwise, and at most.
const PER_PAGE: u32 = 20;
const MAX_PER_PAGE: u32 = 100;

fn portal<'a>(site: &'a crate::kit::Site, id: &str) -> Result<&'a TenantDef, Problem> {
    site.catalog
        .tenant(id)
        .ok_or_else(|| Problem::not_found().detail(format!("no portal '{id}'")))
}

/// The API's index: the installation's name, its portals, where the description is.
#[utoipa::path(
    get,
    path = "/api/v1",
    tag = "catalogue",
    operation_id = "index",
    params(LangQuery),
    responses(
        (status = 200, description = "The index", body = Index),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn index(state: St, prefs: Prefs, headers: HeaderMap, q: Q<LangQuery>) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let name = site.catalog.portal().name.get(lang).0.to_owned();
    let index = Index {
        name,
        demo: site.catalog.portal().demo,
        tenants: paths::api_tenants(),
        openapi: paths::api_openapi(),
        reference: paths::api_reference(),
    };
    Ok(cached(&headers, lang, &index))
}

/// The portals of the municipalities in this installation.
#[utoipa::path(
    get,
    path = "/api/v1/tenants",
    tag = "catalogue",
    operation_id = "listTenants",
    params(LangQuery),
    responses(
        (status = 200, description = "The portals", body = TenantList, links(
            ("tenant" = (operation_id = "getTenant", parameters(("tenant" = "$response.body#/items/0/id")))),
            ("services" = (operation_id = "listServices", parameters(("tenant" = "$response.body#/items/0/id")))),
            ("offices" = (operation_id = "listOffices", parameters(("tenant" = "$response.body#/items/0/id")))),
            ("topics" = (operation_id = "listTopics", parameters(("tenant" = "$response.body#/items/0/id")))),
            ("life_situations" = (operation_id = "listLifeSituations", parameters(("tenant" = "$response.body#/items/0/id"))))
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn tenants(state: St, prefs: Prefs, headers: HeaderMap, q: Q<LangQuery>) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let items = site
        .catalog
        .tenants()
        .map(|t| TenantSummary::of(t, lang))
        .collect();
    Ok(cached(&headers, lang, &TenantList { items }))
}

/// One municipality's portal, with its offices.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}",
    tag = "catalogue",
    operation_id = "getTenant",
    params(("tenant" = String, Path, description = "The portal's id"), LangQuery),
    responses(
        (status = 200, description = "The portal", body = Tenant, links(
            ("office" = (operation_id = "getOffice", parameters(("tenant" = "$request.path.tenant"), ("office" = "$response.body#/offices/0/id"))))
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn tenant(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Q<LangQuery>,
) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let count = site.catalog.offered(t.id.as_str()).len();
    Ok(cached(&headers, lang, &Tenant::of(t, count, lang)))
}

/// The offices of a municipality.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/offices",
    tag = "catalogue",
    operation_id = "listOffices",
    params(("tenant" = String, Path, description = "The portal's id"), LangQuery),
    responses(
        (status = 200, description = "The offices", body = OfficeList, links(
            ("office" = (operation_id = "getOffice", parameters(("tenant" = "$request.path.tenant"), ("office" = "$response.body#/items/0/id"))))
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn offices(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Q<LangQuery>,
) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let items = t.offices.iter().map(|o| Office::of(t, o, lang)).collect();
    Ok(cached(&headers, lang, &OfficeList { items }))
}

/// One office: address, opening hours, contact, whether appointments can be booked.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/offices/{office}",
    tag = "catalogue",
    operation_id = "getOffice",
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("office" = String, Path, description = "The office's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The office", body = Office),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal or office", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn office(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, oid)): Path<(String, String)>,
    q: Q<LangQuery>,
) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let o = t
        .offices
        .iter()
        .find(|o| o.id.as_str() == oid)
        .ok_or_else(|| Problem::not_found().detail(format!("no office '{oid}'")))?;
    Ok(cached(&headers, lang, &Office::of(t, o, lang)))
}

/// The services of a portal (its own and those included from other municipalities):
/// all by title, or searched (`q`, best first), or those of a topic or life situation.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/services",
    tag = "catalogue",
    operation_id = "listServices",
    params(("tenant" = String, Path, description = "The portal's id"), ServiceQuery),
    responses(
        (status = 200, description = "A page of services", body = ServiceList, links(
            ("service" = (operation_id = "getService", parameters(("tenant" = "$request.path.tenant"), ("service" = "$response.body#/items/0/id"))))
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit (a query too long, a page size out of range)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal, topic or life situation", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn services(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Q<ServiceQuery>,
) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let id = t.id.as_str();
    let per_page = q.per_page.unwrap_or(PER_PAGE);
    if !(1..=MAX_PER_PAGE).contains(&per_page) {
        return Err(Problem::invalid_parameter(format!(
            "per_page must be between 1 and {MAX_PER_PAGE}"
        )));
    }
    let page = q.page.unwrap_or(1);
    if page == 0 {
        return Err(Problem::invalid_parameter("page counts from 1"));
    }
    let words = q.q.as_deref().map(str::trim).unwrap_or("");
    if words.chars().count() > MAX_QUERY_CHARS {
        return Err(Problem::invalid_parameter(format!(
            "q has at most {MAX_QUERY_CHARS} characters"
        )));
    }
    let portal_def = site.catalog.portal();
    if let Some(topic) = &q.topic {
        if !portal_def.topics.iter().any(|x| x.id.as_str() == topic) {
            return Err(Problem::not_found().detail(format!("no topic '{topic}'")));
        }
    }
    if let Some(ls) = &q.life_situation {
        if !portal_def
            .life_situations
            .iter()
            .any(|x| x.id.as_str() == ls)
        {
            return Err(Problem::not_found().detail(format!("no life situation '{ls}'")));
        }
    }
    let mut found = if words.is_empty() {
        site.catalog.offered(id)
    } else {
        site.catalog.search(id, words, lang)
    };
    found.retain(|o| {
        q.topic
            .as_ref()
            .is_none_or(|x| o.service.topics.iter().any(|t| t.as_str() == x))
            && q.life_situation
                .as_ref()
                .is_none_or(|x| o.service.life_situations.iter().any(|l| l.as_str() == x))
    });
    let total = found.len() as u64;
    let skip = (u64::from(page) - 1).saturating_mul(u64::from(per_page));
    let items: Vec<ServiceSummary> = found
        .iter()
        .skip(usize::try_from(skip).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .map(|o| ServiceSummary::of(id, o, lang))
        .collect();
    let next = (skip + u64::from(per_page) < total).then(|| next_page(id, &q, page + 1, per_page));
    let list = ServiceList {
        items,
        paging: Paging {
            page,
            per_page,
            total,
            next,
        },
    };
    Ok(cached(&headers, lang, &list))
}

/// The link to another page of the same list.
fn next_page(tenant: &str, q: &ServiceQuery, page: u32, per_page: u32) -> String {
    use rathaus_app::links::encode;
    let mut parts = Vec::new();
    if let Some(w) = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        parts.push(format!("q={}", encode(w)));
    }
    if let Some(t) = &q.topic {
        parts.push(format!("topic={}", encode(t)));
    }
    if let Some(l) = &q.life_situation {
        parts.push(format!("life_situation={}", encode(l)));
    }
    if let Some(l) = q.lang {
        parts.push(format!("lang={}", rathaus_domain::Lang::from(l).code()));
    }
    parts.push(format!("page={page}"));
    parts.push(format!("per_page={per_page}"));
    format!("{}?{}", paths::api_services(tenant), parts.join("&"))
}

/// One service with everything the catalogue says about it: description, documents,
/// fees, legal basis, processing time, Leichte Sprache, office, whether there is an online
/// form.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/services/{service}",
    tag = "catalogue",
    operation_id = "getService",
    params(
        ("tenant" = String, Path, description = "The portal's id"),
        ("service" = String, Path, description = "The service's id"),
        LangQuery
    ),
    responses(
        (status = 200, description = "The service", body = Service),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal or service", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn service(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path((tid, sid)): Path<(String, String)>,
    q: Q<LangQuery>,
) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let o = site
        .catalog
        .service(t.id.as_str(), &sid)
        .ok_or_else(|| Problem::not_found().detail(format!("no service '{sid}'")))?;
    let s = Service::of(t.id.as_str(), &o, site.catalog.portal(), lang);
    Ok(cached(&headers, lang, &s))
}

/// The topics that hold services of this portal, with how many.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/topics",
    tag = "catalogue",
    operation_id = "listTopics",
    params(("tenant" = String, Path, description = "The portal's id"), LangQuery),
    responses(
        (status = 200, description = "The topics", body = GroupList, links(
            ("services" = (operation_id = "listServices", parameters(("tenant" = "$request.path.tenant"), ("topic" = "$response.body#/items/0/id"))))
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn topics(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Q<LangQuery>,
) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let id = t.id.as_str();
    let items = site
        .catalog
        .topics_in_use(id)
        .into_iter()
        .map(|(x, n)| Group {
            id: x.id.to_string(),
            title: x.title.get(lang).0.to_owned(),
            description: x.description.get(lang).0.to_owned(),
            services: n as u64,
            href: super::model::services_of(id, "topic", x.id.as_str()),
        })
        .collect();
    Ok(cached(&headers, lang, &GroupList { items }))
}

/// The life situations (Lebenslagen) that hold services of this portal, with how many.
#[utoipa::path(
    get,
    path = "/api/v1/tenants/{tenant}/life-situations",
    tag = "catalogue",
    operation_id = "listLifeSituations",
    params(("tenant" = String, Path, description = "The portal's id"), LangQuery),
    responses(
        (status = 200, description = "The life situations", body = GroupList, links(
            ("services" = (operation_id = "listServices", parameters(("tenant" = "$request.path.tenant"), ("life_situation" = "$response.body#/items/0/id"))))
        )),
        (status = 304, description = "Not modified since the ETag given in If-None-Match"),
        (status = 400, description = "A parameter does not fit", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such portal", body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn life_situations(
    state: St,
    prefs: Prefs,
    headers: HeaderMap,
    Path(tid): Path<String>,
    q: Q<LangQuery>,
) -> Answer {
    let Query(q) = q.map_err(bad_query)?;
    let lang = lang(q.lang, &prefs);
    let site = state.site();
    let t = portal(&site, &tid)?;
    let id = t.id.as_str();
    let items = site
        .catalog
        .life_situations_in_use(id)
        .into_iter()
        .map(|(x, n)| Group {
            id: x.id.to_string(),
            title: x.title.get(lang).0.to_owned(),
            description: x.description.get(lang).0.to_owned(),
            services: n as u64,
            href: super::model::services_of(id, "life_situation", x.id.as_str()),
        })
        .collect();
    Ok(cached(&headers, lang, &GroupList { items }))
}
