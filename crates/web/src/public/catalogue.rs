//! The catalogue: the portal's and a tenant's home, services (also in Leichte Sprache),
//! topics and life situations, offices, search.

use crate::kit::paths;
use crate::kit::views::{self, loc};
use crate::kit::{Page, Prefs, St, WebError, WebResult};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap};
use minijinja::context;
use rathaus_domain::{Catalog, Lang, OfferedService, Text};
use serde::Deserialize;

use rathaus_domain::catalog::MAX_QUERY_CHARS;

fn cards(tenant: &str, list: &[OfferedService<'_>], lang: Lang) -> Vec<views::ServiceCard> {
    list.iter().map(|o| views::card(tenant, o, lang)).collect()
}

/// `GET /`: the tenants (or, on a tenant's own host name, that tenant's home).
pub async fn portal_home(state: St, prefs: Prefs, headers: HeaderMap) -> WebResult {
    let site = state.site();
    if let Some(t) = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| site.catalog.tenant_for_host(h))
    {
        return Ok(crate::kit::redirect::to(&paths::tenant_home(t.id.as_str())));
    }
    let lang = prefs.lang;
    let tenants: Vec<_> = site
        .catalog
        .tenants()
        .map(|t| {
            context! {
                href => paths::tenant_home(t.id.as_str()),
                name => loc(&t.name, lang),
                kind => views::kind_key(t.kind),
                services => site.catalog.offered(t.id.as_str()).len(),
            }
        })
        .collect();
    Ok(Page::new(&site, &prefs, None).ok("public/portal_home.html", context! { tenants }))
}

/// `GET /{tenant}`.
pub async fn tenant_home(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let lang = prefs.lang;
    let id = t.id.as_str();
    let group = |href: String, title: &Text, description: &Text, n: usize| {
        context! { href, title => loc(title, lang), description => loc(description, lang), count => n }
    };
    let topics: Vec<_> = site
        .catalog
        .topics_in_use(id)
        .into_iter()
        .map(|(x, n)| group(paths::topic(id, x.id.as_str()), &x.title, &x.description, n))
        .collect();
    let situations: Vec<_> = site
        .catalog
        .life_situations_in_use(id)
        .into_iter()
        .map(|(x, n)| {
            let href = paths::life_situation(id, x.id.as_str());
            group(href, &x.title, &x.description, n)
        })
        .collect();
    let count = site.catalog.offered(id).len();
    Ok(page.ok(
        "public/tenant_home.html",
        context! { welcome => views::paragraphs(&t.welcome, lang), topics, situations, count },
    ))
}

/// `GET /{tenant}/`: to `/{tenant}`, only for a tenant that exists — the target is built
/// from the tenant's id, never from the request's path (`/%2Fevil.example/` is no tenant).
pub async fn tenant_slash(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    let site = state.site();
    let (t, _) = Page::of(&site, &prefs, &tid)?;
    Ok(crate::kit::redirect::permanent(&paths::tenant_home(
        t.id.as_str(),
    )))
}

/// `GET /{tenant}/leistungen`.
pub async fn service_index(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let services = cards(
        t.id.as_str(),
        &site.catalog.offered(t.id.as_str()),
        prefs.lang,
    );
    Ok(page.ok("public/service_index.html", context! { services }))
}

async fn service_view(
    state: St,
    prefs: Prefs,
    tid: String,
    sid: String,
    template: &str,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let o = site
        .catalog
        .service(t.id.as_str(), &sid)
        .ok_or(WebError::NotFound)?;
    let service = views::service(t.id.as_str(), &o, site.catalog.portal(), prefs.lang);
    Ok(page.ok(template, context! { service }))
}

/// `GET /{tenant}/leistungen/{service}`.
pub async fn service(
    state: St,
    prefs: Prefs,
    Path((tid, sid)): Path<(String, String)>,
) -> WebResult {
    service_view(state, prefs, tid, sid, "public/service.html").await
}

/// `GET /{tenant}/leistungen/{service}/leichte-sprache`.
pub async fn service_easy(
    state: St,
    prefs: Prefs,
    Path((tid, sid)): Path<(String, String)>,
) -> WebResult {
    service_view(state, prefs, tid, sid, "public/easy.html").await
}

/// The two ways the catalogue is grouped; their pages work alike.
#[derive(Debug, Clone, Copy)]
enum Grouping {
    Topics,
    LifeSituations,
}

/// A group with services in a portal: id, title, description, number of services.
type Group = (String, Text, Text, usize);

impl Grouping {
    fn key(self) -> &'static str {
        match self {
            Grouping::Topics => "topics",
            Grouping::LifeSituations => "life_situations",
        }
    }

    fn index_href(self, t: &str) -> String {
        match self {
            Grouping::Topics => paths::topics(t),
            Grouping::LifeSituations => paths::life_situations(t),
        }
    }

    fn href(self, t: &str, id: &str) -> String {
        match self {
            Grouping::Topics => paths::topic(t, id),
            Grouping::LifeSituations => paths::life_situation(t, id),
        }
    }

    fn in_use(self, c: &Catalog, t: &str) -> Vec<Group> {
        match self {
            Grouping::Topics => c
                .topics_in_use(t)
                .into_iter()
                .map(|(x, n)| (x.id.to_string(), x.title.clone(), x.description.clone(), n))
                .collect(),
            Grouping::LifeSituations => c
                .life_situations_in_use(t)
                .into_iter()
                .map(|(x, n)| (x.id.to_string(), x.title.clone(), x.description.clone(), n))
                .collect(),
        }
    }

    /// Title and description of one group.
    fn find(self, c: &Catalog, id: &str) -> Option<(Text, Text)> {
        let p = c.portal();
        match self {
            Grouping::Topics => p
                .topics
                .iter()
                .find(|x| x.id.as_str() == id)
                .map(|x| (x.title.clone(), x.description.clone())),
            Grouping::LifeSituations => p
                .life_situations
                .iter()
                .find(|x| x.id.as_str() == id)
                .map(|x| (x.title.clone(), x.description.clone())),
        }
    }

    fn members<'a>(self, c: &'a Catalog, t: &str, id: &str) -> Vec<OfferedService<'a>> {
        match self {
            Grouping::Topics => c.by_topic(t, id),
            Grouping::LifeSituations => c.by_life_situation(t, id),
        }
    }
}

async fn group_index(state: St, prefs: Prefs, tid: String, g: Grouping) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let id = t.id.as_str();
    let lang = prefs.lang;
    let items: Vec<_> = g
        .in_use(&site.catalog, id)
        .into_iter()
        .map(|(gid, title, description, n)| {
            context! { href => g.href(id, &gid), title => loc(&title, lang), description => loc(&description, lang), count => n }
        })
        .collect();
    Ok(page.ok(
        "public/group_index.html",
        context! { kind => g.key(), items },
    ))
}

async fn group_page(state: St, prefs: Prefs, tid: String, gid: String, g: Grouping) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let (title, description) = g.find(&site.catalog, &gid).ok_or(WebError::NotFound)?;
    let id = t.id.as_str();
    let services = cards(id, &g.members(&site.catalog, id, &gid), prefs.lang);
    if services.is_empty() {
        return Err(WebError::NotFound);
    }
    // A life situation with a moving folder plan offers it first.
    let folders: Vec<_> = match g {
        Grouping::LifeSituations => site
            .catalog
            .folders(id)
            .iter()
            .filter(|f| f.def.life_situation.as_str() == gid)
            .map(|f| {
                context! {
                    title => loc(&f.def.title, prefs.lang), intro => loc(&f.def.intro, prefs.lang),
                    href => paths::folder_new(id, &f.def.id),
                }
            })
            .collect(),
        Grouping::Topics => Vec::new(),
    };
    Ok(page.ok(
        "public/group.html",
        context! {
            kind => g.key(), index_href => g.index_href(id),
            title => loc(&title, prefs.lang), description => loc(&description, prefs.lang), services,
            folders, folder_open_href => paths::folder_open(id),
        },
    ))
}

/// `GET /{tenant}/themen`.
pub async fn topics(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    group_index(state, prefs, tid, Grouping::Topics).await
}

/// `GET /{tenant}/themen/{topic}`.
pub async fn topic(state: St, prefs: Prefs, Path((tid, id)): Path<(String, String)>) -> WebResult {
    group_page(state, prefs, tid, id, Grouping::Topics).await
}

/// `GET /{tenant}/lebenslagen`.
pub async fn life_situations(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    group_index(state, prefs, tid, Grouping::LifeSituations).await
}

/// `GET /{tenant}/lebenslagen/{situation}`.
pub async fn life_situation(
    state: St,
    prefs: Prefs,
    Path((tid, id)): Path<(String, String)>,
) -> WebResult {
    group_page(state, prefs, tid, id, Grouping::LifeSituations).await
}

/// `GET /{tenant}/aemter`.
pub async fn offices(state: St, prefs: Prefs, Path(tid): Path<String>) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let id = t.id.as_str();
    let offices: Vec<_> = t
        .offices
        .iter()
        .map(|o| views::office(id, id, o, prefs.lang))
        .collect();
    Ok(page.ok("public/office_index.html", context! { offices }))
}

/// `GET /{tenant}/aemter/{office}`: the office and its services.
pub async fn office(
    state: St,
    prefs: Prefs,
    Path((tid, oid)): Path<(String, String)>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let office = t
        .offices
        .iter()
        .find(|o| o.id.as_str() == oid)
        .ok_or(WebError::NotFound)?;
    let id = t.id.as_str();
    let services: Vec<_> = site
        .catalog
        .offered(id)
        .iter()
        .filter(|o| o.provider.id == t.id && o.service.office == office.id)
        .map(|o| views::card(id, o, prefs.lang))
        .collect();
    Ok(page.ok(
        "public/office.html",
        context! { office => views::office(id, id, office, prefs.lang), services },
    ))
}

#[derive(Deserialize)]
pub struct SearchQuery {
    q: Option<String>,
}

/// `GET /{tenant}/suche?q=…`: umlauts and case folded, with synonyms.
pub async fn search(
    state: St,
    prefs: Prefs,
    Path(tid): Path<String>,
    Query(q): Query<SearchQuery>,
) -> WebResult {
    let site = state.site();
    let (t, page) = Page::of(&site, &prefs, &tid)?;
    let raw = q.q.unwrap_or_default();
    let truncated = raw.chars().count() > MAX_QUERY_CHARS;
    let query: String = raw.trim().chars().take(MAX_QUERY_CHARS).collect();
    let lang = prefs.lang;
    let id = t.id.as_str();
    let results = if query.is_empty() {
        Vec::new()
    } else {
        cards(id, &site.catalog.search(id, &query, lang), lang)
    };
    let topics: Vec<_> = site
        .catalog
        .topics_in_use(id)
        .into_iter()
        .map(|(x, _)| context! { href => paths::topic(id, x.id.as_str()), title => loc(&x.title, lang) })
        .collect();
    Ok(page.ok(
        "public/search.html",
        context! { query, truncated, max_chars => MAX_QUERY_CHARS, count => results.len(), results, topics },
    ))
}
