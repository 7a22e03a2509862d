//! The router and its handlers. Handlers read the request and the visitor's preferences,
//! ask the catalogue, and render one template (or redirect).

use crate::error::HtmlError;
use crate::prefs::{safe_return, Prefs, LANG_COOKIE};
use crate::site::Site;
use crate::state::ReloadError;
use crate::views::{self, loc};
use crate::{urls, AppState};
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use include_dir::{include_dir, Dir};
use minijinja::{context, Value};
use rathaus_domain::{Lang, TenantDef};
use serde::Deserialize;
use std::sync::Arc;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

static STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/static");

/// Longest search query considered; longer input is cut (and the page says so).
pub const MAX_QUERY_CHARS: usize = 200;

type AppStateRef = State<Arc<AppState>>;

pub fn router(state: Arc<AppState>) -> Router {
    let mut app = Router::new()
        .route("/", get(portal_home))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/admin/reload", post(admin_reload))
        .route("/static/{file}", get(static_file))
        .route("/sprache/{lang}", get(switch_language))
        .route("/{tenant}", get(tenant_home))
        .route("/{tenant}/", get(trailing_slash))
        .route("/{tenant}/leistungen", get(service_index))
        .route("/{tenant}/leistungen/{service}", get(service_page))
        .route(
            "/{tenant}/leistungen/{service}/leichte-sprache",
            get(easy_page),
        )
        .route("/{tenant}/themen", get(topic_index))
        .route("/{tenant}/themen/{topic}", get(topic_page))
        .route("/{tenant}/lebenslagen", get(situation_index))
        .route("/{tenant}/lebenslagen/{situation}", get(situation_page))
        .route("/{tenant}/aemter", get(office_index))
        .route("/{tenant}/aemter/{office}", get(office_page))
        .route("/{tenant}/suche", get(search_page))
        .route(
            "/{tenant}/leistungen/{service}/antrag",
            get(crate::apply::start_page).post(crate::apply::start),
        )
        .route(
            "/{tenant}/leistungen/{service}/antrag/schema.json",
            get(crate::apply::answer_schema),
        )
        .route(
            "/{tenant}/leistungen/{service}/vorpruefung",
            get(crate::apply::precheck_page).post(crate::apply::precheck_post),
        )
        .route(
            "/{tenant}/antrag/{draft}",
            get(crate::apply::resume).post(crate::apply::resume_post),
        )
        .route(
            "/{tenant}/antrag/{draft}/schritt/{step}",
            get(crate::apply::step_page)
                .post(crate::apply::step_post)
                .layer(
                    // Steps may carry files: up to the per-application limit plus the form.
                    DefaultBodyLimit::max(
                        usize::try_from(state.app.files.max_per_application)
                            .unwrap_or(usize::MAX)
                            .saturating_add(state.config.max_body_bytes),
                    ),
                ),
        )
        .route(
            "/{tenant}/antrag/{draft}/datei/{file}",
            get(crate::apply::file),
        )
        .route(
            "/{tenant}/antrag/{draft}/pruefen",
            get(crate::apply::check_page),
        )
        .route(
            "/{tenant}/antrag/{draft}/absenden",
            post(crate::apply::submit),
        )
        .route(
            "/{tenant}/antrag/{draft}/eingang",
            get(crate::apply::receipt),
        )
        .route(
            "/{tenant}/antrag/{draft}/eingang.pdf",
            get(crate::apply::receipt_pdf),
        )
        .route(
            "/{tenant}/antrag/{draft}/girocode.svg",
            get(crate::apply::girocode),
        )
        .route(
            "/{tenant}/antrag/{draft}/zahlung",
            post(crate::apply::pay_online),
        )
        .route(
            "/{tenant}/antrag/{draft}/zahlung/rueckkehr",
            get(crate::apply::pay_return),
        )
        .route(
            "/{tenant}/demo-bezahldienst/{id}",
            get(crate::apply::demo_pay_page).post(crate::apply::demo_pay_action),
        )
        .route("/{tenant}/anmelden", get(crate::auth::login))
        .route(
            "/{tenant}/anmelden/rueckkehr",
            get(crate::auth::login_return),
        )
        .route("/{tenant}/abmelden", post(crate::auth::logout))
        .route(
            "/{tenant}/abmelden/ueberall",
            post(crate::auth::logout_everywhere),
        )
        .route("/{tenant}/sitzung", post(crate::auth::extend))
        .route("/{tenant}/mein-bereich", get(crate::account::my_area))
        .route(
            "/{tenant}/mein-bereich/daten.json",
            get(crate::account::my_data),
        )
        .route(
            "/{tenant}/mein-bereich/konto-loeschen",
            get(crate::account::delete_page).post(crate::account::delete_account),
        )
        .route(
            "/{tenant}/zugang",
            get(crate::account::guest_page).post(crate::account::guest_login),
        )
        .route("/{tenant}/vorgang/{draft}", get(crate::account::case_page))
        .route(
            "/{tenant}/vorgang/{draft}/nachricht/{message}",
            get(crate::account::message_page),
        )
        .route(
            "/{tenant}/vorgang/{draft}/antwort",
            post(crate::account::reply).layer(DefaultBodyLimit::max(
                usize::try_from(state.app.files.max_per_application)
                    .unwrap_or(usize::MAX)
                    .saturating_add(state.config.max_body_bytes),
            )),
        )
        .route(
            "/{tenant}/vorgang/{draft}/datei/{file}",
            get(crate::account::case_file),
        )
        .route(
            "/{tenant}/vorgang/{draft}/zurueckziehen",
            post(crate::account::withdraw),
        )
        .route("/{tenant}/verwaltung", get(crate::backoffice::inbox))
        .route(
            "/{tenant}/verwaltung/anmelden",
            get(crate::backoffice::login),
        )
        .route(
            "/{tenant}/verwaltung/anmelden/rueckkehr",
            get(crate::backoffice::login_return),
        )
        .route(
            "/{tenant}/verwaltung/abmelden",
            post(crate::backoffice::logout),
        )
        .route(
            "/{tenant}/verwaltung/zuweisen",
            post(crate::backoffice::assign),
        )
        .route(
            "/{tenant}/verwaltung/fall/{reference}",
            get(crate::backoffice::case_page),
        )
        .route(
            "/{tenant}/verwaltung/fall/{reference}/datei/{file}",
            get(crate::backoffice::case_file),
        )
        .route(
            "/{tenant}/verwaltung/fall/{reference}/status",
            post(crate::backoffice::case_action),
        )
        .route(
            "/{tenant}/verwaltung/fall/{reference}/notiz",
            post(crate::backoffice::add_note),
        )
        .route(
            "/{tenant}/verwaltung/fall/{reference}/anfrage",
            post(crate::backoffice::request_info),
        )
        .route(
            "/{tenant}/verwaltung/fall/{reference}/bescheid",
            post(crate::backoffice::notice),
        )
        .route(
            "/{tenant}/verwaltung/druck",
            get(crate::backoffice::print_queue),
        )
        .route(
            "/{tenant}/verwaltung/druck/export",
            post(crate::backoffice::print_export),
        )
        .route(
            "/{tenant}/verwaltung/zustellungen",
            get(crate::backoffice::deliveries),
        )
        .route(
            "/{tenant}/verwaltung/zustellungen/aktion",
            post(crate::backoffice::delivery_action),
        )
        .route(
            "/{tenant}/verwaltung/kasse",
            get(crate::backoffice::cash_office),
        )
        .route(
            "/{tenant}/verwaltung/kasse/{file}",
            get(crate::backoffice::bookings_export),
        )
        .route(
            "/{tenant}/verwaltung/kasse/lastschriften",
            post(crate::backoffice::export_direct_debits),
        )
        .route(
            "/{tenant}/verwaltung/kasse/kontoauszug",
            post(crate::backoffice::import_statement).layer(DefaultBodyLimit::max(
                crate::backoffice::MAX_STATEMENT_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/api/v1/{tenant}/antraege/{reference}",
            post(crate::handover::inbound),
        )
        .route(
            "/api/fit-connect/callback/{tenant}",
            post(crate::handover::fit_connect_callback),
        )
        .route(
            "/{tenant}/verwaltung/kennzahlen",
            get(crate::backoffice::figures),
        )
        .route(
            "/{tenant}/verwaltung/protokoll",
            get(crate::backoffice::audit_page),
        )
        .route(
            "/{tenant}/verwaltung/protokoll.jsonl",
            get(crate::backoffice::audit_export),
        )
        .route("/{tenant}/termine", get(crate::appointments::index))
        .route(
            "/{tenant}/termine/{office}",
            get(crate::appointments::office),
        )
        .route(
            "/{tenant}/termine/{office}/buchen",
            get(crate::appointments::book_form).post(crate::appointments::book),
        )
        .route("/{tenant}/termin/{id}", get(crate::appointments::manage))
        .route(
            "/{tenant}/termin/{id}/termin.ics",
            get(crate::appointments::ics_file),
        )
        .route(
            "/{tenant}/termin/{id}/absagen",
            post(crate::appointments::cancel),
        )
        .route(
            "/{tenant}/termin/{id}/verlegen",
            post(crate::appointments::reschedule),
        )
        .route(
            "/{tenant}/vor-ort/{office}/anzeige",
            get(crate::visitors::display),
        )
        .route(
            "/{tenant}/vor-ort/{office}/anzeige/ereignisse",
            get(crate::visitors::display_events),
        )
        .route(
            "/{tenant}/vor-ort/{office}/kiosk/{key}",
            get(crate::visitors::kiosk).post(crate::visitors::kiosk_post),
        )
        .route(
            "/{tenant}/verwaltung/vor-ort/{office}",
            get(crate::visitors::staff_page),
        )
        .route(
            "/{tenant}/verwaltung/vor-ort/{office}/aktion",
            post(crate::visitors::staff_action),
        )
        .route("/{tenant}/impressum", get(imprint))
        .route("/{tenant}/datenschutz", get(privacy))
        .route("/{tenant}/barrierefreiheit", get(accessibility))
        .route("/{tenant}/theme.css", get(theme_css))
        .route("/{tenant}/assets/{file}", get(tenant_asset))
        .fallback(fallback)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::cache::serve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::metrics::track,
        ));
    for layer in crate::security::layers() {
        app = app.layer(layer);
    }
    if state.config.public_url.starts_with("https://") {
        app = app.layer(middleware::from_fn(crate::security::https_only));
    }
    app.layer(
        ServiceBuilder::new()
            .layer(TraceLayer::new_for_http())
            .layer(CatchPanicLayer::custom(|_| {
                HtmlError::Panic.into_response()
            }))
            .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
            .layer(TimeoutLayer::with_status_code(
                StatusCode::SERVICE_UNAVAILABLE,
                state.config.request_timeout,
            )),
    )
    .with_state(state)
}

/// The friendly 500 page for an unexpected failure (the detail goes to the log only).
pub(crate) fn internal(e: impl std::fmt::Display) -> Response {
    PageError::Internal(e.to_string()).into_response()
}

/// Failures of a handler that has no page context at hand.
#[derive(Debug)]
pub(crate) enum PageError {
    NotFound,
    Internal(String),
}

impl From<rathaus_app::forms::FormError> for PageError {
    fn from(e: rathaus_app::forms::FormError) -> Self {
        match e {
            rathaus_app::forms::FormError::NotFound => PageError::NotFound,
            rathaus_app::forms::FormError::Internal(s) => PageError::Internal(s),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound => (StatusCode::NOT_FOUND, Html("<!DOCTYPE html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>Nicht gefunden</title></head><body><main><h1>Seite nicht gefunden</h1><p><a href=\"/\">Zur Startseite</a></p></main></body></html>")).into_response(),
            PageError::Internal(e) => {
                tracing::error!(error = %e, "request failed");
                HtmlError::Panic.into_response()
            }
        }
    }
}

/// Renders pages for one request: knows the site, the language and (maybe) the tenant.
pub(crate) struct Page<'a> {
    site: &'a Site,
    prefs: &'a Prefs,
    tenant: Option<&'a TenantDef>,
    /// The session bar of a logged-in citizen (private pages only).
    session: Option<Value>,
}

impl<'a> Page<'a> {
    pub(crate) fn new(site: &'a Site, prefs: &'a Prefs, tenant: Option<&'a TenantDef>) -> Self {
        Page {
            site,
            prefs,
            tenant,
            session: None,
        }
    }

    /// Shows who is logged in, when the session ends and how to extend it or log out.
    pub(crate) fn with_session(mut self, session: Option<Value>) -> Self {
        self.session = session;
        self
    }

    pub(crate) fn site(&self) -> &'a Site {
        self.site
    }

    pub(crate) fn lang(&self) -> Lang {
        self.prefs.lang
    }

    pub(crate) fn theme(&self) -> &crate::theme::Theme {
        match self.tenant {
            Some(t) => self.site.themes.tenant(t.id.as_str()),
            None => self.site.themes.portal(),
        }
    }

    /// A page with personal data: never cached, by us or by the browser.
    pub(crate) fn render_private(
        &self,
        status: StatusCode,
        template: &str,
        extra: Value,
    ) -> Response {
        let mut res = self.render(status, template, extra);
        res.extensions_mut().remove::<crate::cache::Cacheable>();
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }

    fn render(&self, status: StatusCode, template: &str, extra: Value) -> Response {
        let lang = self.prefs.lang;
        let other = match lang {
            Lang::De => Lang::En,
            Lang::En => Lang::De,
        };
        let portal = self.site.catalog.portal();
        let theme = match self.tenant {
            Some(t) => self.site.themes.tenant(t.id.as_str()),
            None => self.site.themes.portal(),
        };
        let ctx = context! {
            lang => lang.code(),
            other_lang => other.code(),
            switch_href => urls::switch_lang(other.code(), &self.prefs.here),
            portal_name => loc(&portal.name, lang),
            demo => portal.demo || self.tenant.is_some_and(|t| t.demo),
            home_href => urls::portal_home(),
            css_href => urls::static_file("rathaus.css"),
            tenant => self.tenant.map(|t| views::tenant(t, lang)),
            active => "",
            step_form => false,
            session => self.session.clone(),
            ..extra
        };
        match theme.render(template, ctx) {
            Ok(html) => {
                let mut res = (status, Html(html)).into_response();
                page_headers(res.headers_mut(), lang);
                res.extensions_mut().insert(crate::cache::Cacheable);
                res
            }
            Err(e) => HtmlError::from(e).into_response(),
        }
    }

    pub(crate) fn ok(&self, template: &str, extra: Value) -> Response {
        self.render(StatusCode::OK, template, extra)
    }

    pub(crate) fn not_found(&self) -> Response {
        self.render(StatusCode::NOT_FOUND, "not_found.html", context! {})
    }

    /// A private object that does not exist, or that this visitor may not see (the same
    /// answer, so nobody learns which).
    pub(crate) fn gone(&self) -> Response {
        self.render_private(StatusCode::NOT_FOUND, "apply_expired.html", context! {})
    }

    /// A post larger than its route takes (413), with the limit in words.
    pub(crate) fn too_large(&self, limit: u64) -> Response {
        self.render_private(
            StatusCode::PAYLOAD_TOO_LARGE,
            "problem.html",
            context! {
                title_key => "too-large-title", text_key => "too-large-text",
                limit => rathaus_domain::form::format_bytes(limit),
            },
        )
    }

    /// A form post without a valid CSRF token.
    pub(crate) fn forbidden(&self) -> Response {
        self.render_private(StatusCode::FORBIDDEN, "apply_expired.html", context! {})
    }
}

/// Headers of every rendered page.
pub(crate) fn page_headers(h: &mut HeaderMap, lang: Lang) {
    h.insert(
        header::CONTENT_LANGUAGE,
        HeaderValue::from_static(lang.code()),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Accept-Language"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
}

macro_rules! tenant_or_404 {
    ($site:expr, $prefs:expr, $id:expr) => {
        match $site.catalog.tenant(&$id) {
            Some(t) => t,
            None => return Page::new(&$site, &$prefs, None).not_found(),
        }
    };
}

// ----- portal-level pages -------------------------------------------------------------

async fn portal_home(State(state): AppStateRef, prefs: Prefs, headers: HeaderMap) -> Response {
    let site = state.site();
    if let Some(t) = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .and_then(|h| site.catalog.tenant_for_host(h))
    {
        return crate::redirect::to(&urls::tenant_home(t.id.as_str())).into_response();
    }
    let lang = prefs.lang;
    let tenants: Vec<_> = site
        .catalog
        .tenants()
        .map(|t| {
            context! {
                href => urls::tenant_home(t.id.as_str()),
                name => loc(&t.name, lang),
                kind => views::kind_key(t.kind),
                services => site.catalog.offered(t.id.as_str()).len(),
            }
        })
        .collect();
    Page::new(&site, &prefs, None).ok("portal_home.html", context! { tenants })
}

async fn fallback(State(state): AppStateRef, prefs: Prefs, uri: axum::http::Uri) -> Response {
    let site = state.site();
    let first = uri
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let tenant = site.catalog.tenant(first);
    Page::new(&site, &prefs, tenant).not_found()
}

/// `/{tenant}/` → `/{tenant}`, only for a tenant that exists: the target is built from the
/// tenant's id, never from the request's path (`/%2Fevil.example/` is not a tenant).
async fn trailing_slash(
    State(state): AppStateRef,
    prefs: Prefs,
    Path(tenant): Path<String>,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tenant);
    crate::redirect::permanent(&urls::tenant_home(t.id.as_str()))
}

#[derive(Deserialize)]
struct SwitchQuery {
    zurueck: Option<String>,
}

/// The language switch: a plain link (no JavaScript, no form), remembered in a cookie.
async fn switch_language(
    Path(lang): Path<String>,
    Query(q): Query<SwitchQuery>,
    jar: CookieJar,
) -> Response {
    let back = safe_return(q.zurueck.as_deref());
    let Some(lang) = Lang::parse(&lang) else {
        return crate::redirect::to(&back).into_response();
    };
    // The target may carry an explicit ?lang= from an earlier visit; drop it so the new
    // choice wins.
    let back = strip_lang_param(&back);
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .permanent()
        .build();
    (jar.add(cookie), crate::redirect::to(&back)).into_response()
}

fn strip_lang_param(path: &str) -> String {
    match path.split_once('?') {
        None => path.to_owned(),
        Some((p, q)) => {
            let kept: Vec<&str> = q.split('&').filter(|kv| !kv.starts_with("lang=")).collect();
            if kept.is_empty() {
                p.to_owned()
            } else {
                format!("{p}?{}", kept.join("&"))
            }
        }
    }
}

// ----- tenant pages ---------------------------------------------------------------------

fn cards(
    tenant: &str,
    list: &[rathaus_domain::OfferedService<'_>],
    lang: Lang,
) -> Vec<views::ServiceCard> {
    list.iter().map(|o| views::card(tenant, o, lang)).collect()
}

async fn tenant_home(State(state): AppStateRef, prefs: Prefs, Path(tid): Path<String>) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let lang = prefs.lang;
    let id = t.id.as_str();
    let topics: Vec<_> = site
        .catalog
        .topics_in_use(id)
        .into_iter()
        .map(|(topic, n)| context! { href => urls::topic(id, topic.id.as_str()), title => loc(&topic.title, lang), description => loc(&topic.description, lang), count => n })
        .collect();
    let situations: Vec<_> = site
        .catalog
        .life_situations_in_use(id)
        .into_iter()
        .map(|(l, n)| context! { href => urls::life_situation(id, l.id.as_str()), title => loc(&l.title, lang), description => loc(&l.description, lang), count => n })
        .collect();
    let count = site.catalog.offered(id).len();
    Page::new(&site, &prefs, Some(t)).ok(
        "tenant_home.html",
        context! { welcome => views::paragraphs(&t.welcome, lang), topics, situations, count },
    )
}

async fn service_index(
    State(state): AppStateRef,
    prefs: Prefs,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let services = cards(
        t.id.as_str(),
        &site.catalog.offered(t.id.as_str()),
        prefs.lang,
    );
    Page::new(&site, &prefs, Some(t)).ok("service_index.html", context! { services })
}

async fn service_page(
    State(state): AppStateRef,
    prefs: Prefs,
    Path((tid, sid)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let page = Page::new(&site, &prefs, Some(t));
    match site.catalog.service(t.id.as_str(), &sid) {
        Some(o) => page.ok(
            "service.html",
            context! { service => views::service(t.id.as_str(), &o, site.catalog.portal(), prefs.lang) },
        ),
        None => page.not_found(),
    }
}

async fn easy_page(
    State(state): AppStateRef,
    prefs: Prefs,
    Path((tid, sid)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let page = Page::new(&site, &prefs, Some(t));
    match site.catalog.service(t.id.as_str(), &sid) {
        Some(o) => page.ok(
            "easy.html",
            context! { service => views::service(t.id.as_str(), &o, site.catalog.portal(), prefs.lang) },
        ),
        None => page.not_found(),
    }
}

/// The two ways the catalogue is grouped; their pages work alike.
#[derive(Debug, Clone, Copy)]
enum Grouping {
    Topics,
    LifeSituations,
}

impl Grouping {
    fn key(self) -> &'static str {
        match self {
            Grouping::Topics => "topics",
            Grouping::LifeSituations => "life_situations",
        }
    }

    fn index_href(self, t: &str) -> String {
        match self {
            Grouping::Topics => urls::topics(t),
            Grouping::LifeSituations => urls::life_situations(t),
        }
    }

    fn href(self, t: &str, id: &str) -> String {
        match self {
            Grouping::Topics => urls::topic(t, id),
            Grouping::LifeSituations => urls::life_situation(t, id),
        }
    }

    /// Groups with services in `t`'s portal: (id, title, description, number of services).
    fn in_use(
        self,
        c: &rathaus_domain::Catalog,
        t: &str,
    ) -> Vec<(String, rathaus_domain::Text, rathaus_domain::Text, usize)> {
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
    fn find(
        self,
        c: &rathaus_domain::Catalog,
        id: &str,
    ) -> Option<(rathaus_domain::Text, rathaus_domain::Text)> {
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

    fn members<'a>(
        self,
        c: &'a rathaus_domain::Catalog,
        t: &str,
        id: &str,
    ) -> Vec<rathaus_domain::OfferedService<'a>> {
        match self {
            Grouping::Topics => c.by_topic(t, id),
            Grouping::LifeSituations => c.by_life_situation(t, id),
        }
    }
}

async fn group_index(state: Arc<AppState>, prefs: Prefs, tid: String, g: Grouping) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let id = t.id.as_str();
    let lang = prefs.lang;
    let items: Vec<_> = g
        .in_use(&site.catalog, id)
        .into_iter()
        .map(|(gid, title, description, n)| {
            context! { href => g.href(id, &gid), title => loc(&title, lang), description => loc(&description, lang), count => n }
        })
        .collect();
    Page::new(&site, &prefs, Some(t)).ok("group_index.html", context! { kind => g.key(), items })
}

async fn group_page(
    state: Arc<AppState>,
    prefs: Prefs,
    tid: String,
    gid: String,
    g: Grouping,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let page = Page::new(&site, &prefs, Some(t));
    let Some((title, description)) = g.find(&site.catalog, &gid) else {
        return page.not_found();
    };
    let services = cards(
        t.id.as_str(),
        &g.members(&site.catalog, t.id.as_str(), &gid),
        prefs.lang,
    );
    if services.is_empty() {
        return page.not_found();
    }
    page.ok(
        "group.html",
        context! {
            kind => g.key(), index_href => g.index_href(t.id.as_str()),
            title => loc(&title, prefs.lang), description => loc(&description, prefs.lang), services,
        },
    )
}

async fn topic_index(State(state): AppStateRef, prefs: Prefs, Path(tid): Path<String>) -> Response {
    group_index(state, prefs, tid, Grouping::Topics).await
}

async fn topic_page(
    State(state): AppStateRef,
    prefs: Prefs,
    Path((tid, id)): Path<(String, String)>,
) -> Response {
    group_page(state, prefs, tid, id, Grouping::Topics).await
}

async fn situation_index(
    State(state): AppStateRef,
    prefs: Prefs,
    Path(tid): Path<String>,
) -> Response {
    group_index(state, prefs, tid, Grouping::LifeSituations).await
}

async fn situation_page(
    State(state): AppStateRef,
    prefs: Prefs,
    Path((tid, id)): Path<(String, String)>,
) -> Response {
    group_page(state, prefs, tid, id, Grouping::LifeSituations).await
}

async fn office_index(
    State(state): AppStateRef,
    prefs: Prefs,
    Path(tid): Path<String>,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let id = t.id.as_str();
    let offices: Vec<_> = t
        .offices
        .iter()
        .map(|o| views::office(id, id, o, prefs.lang))
        .collect();
    Page::new(&site, &prefs, Some(t)).ok("office_index.html", context! { offices })
}

async fn office_page(
    State(state): AppStateRef,
    prefs: Prefs,
    Path((tid, oid)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let page = Page::new(&site, &prefs, Some(t));
    let Some(office) = t.offices.iter().find(|o| o.id.as_str() == oid) else {
        return page.not_found();
    };
    let id = t.id.as_str();
    let services: Vec<_> = site
        .catalog
        .offered(id)
        .iter()
        .filter(|o| o.provider.id == t.id && o.service.office == office.id)
        .map(|o| views::card(id, o, prefs.lang))
        .collect();
    page.ok(
        "office.html",
        context! { office => views::office(id, id, office, prefs.lang), services },
    )
}

#[derive(Deserialize)]
struct SearchQuery {
    q: Option<String>,
}

async fn search_page(
    State(state): AppStateRef,
    prefs: Prefs,
    Path(tid): Path<String>,
    Query(q): Query<SearchQuery>,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let raw = q.q.unwrap_or_default();
    let truncated = raw.chars().count() > MAX_QUERY_CHARS;
    let query: String = raw.trim().chars().take(MAX_QUERY_CHARS).collect();
    let results = if query.is_empty() {
        Vec::new()
    } else {
        cards(
            t.id.as_str(),
            &site.catalog.search(t.id.as_str(), &query, prefs.lang),
            prefs.lang,
        )
    };
    let lang = prefs.lang;
    let id = t.id.as_str();
    let topics: Vec<_> = site
        .catalog
        .topics_in_use(id)
        .into_iter()
        .map(|(x, _)| context! { href => urls::topic(id, x.id.as_str()), title => loc(&x.title, lang) })
        .collect();
    Page::new(&site, &prefs, Some(t)).ok(
        "search.html",
        context! { query, truncated, max_chars => MAX_QUERY_CHARS, count => results.len(), results, topics },
    )
}

async fn legal_page(
    state: Arc<AppState>,
    prefs: Prefs,
    tid: String,
    which: &'static str,
) -> Response {
    let site = state.site();
    let t = tenant_or_404!(site, prefs, tid);
    let text = match which {
        "imprint" => &t.legal.imprint,
        "privacy" => &t.legal.privacy,
        _ => &t.legal.accessibility,
    };
    Page::new(&site, &prefs, Some(t)).ok(
        "legal.html",
        context! { which, body => views::paragraphs(text, prefs.lang) },
    )
}

async fn imprint(State(state): AppStateRef, prefs: Prefs, Path(tid): Path<String>) -> Response {
    legal_page(state, prefs, tid, "imprint").await
}
async fn privacy(State(state): AppStateRef, prefs: Prefs, Path(tid): Path<String>) -> Response {
    legal_page(state, prefs, tid, "privacy").await
}
async fn accessibility(
    State(state): AppStateRef,
    prefs: Prefs,
    Path(tid): Path<String>,
) -> Response {
    legal_page(state, prefs, tid, "accessibility").await
}

// ----- files ----------------------------------------------------------------------------

fn content_type(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or("") {
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "ico" => "image/x-icon",
        "js" => "text/javascript; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn file_response(name: &str, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    if name.ends_with(".svg") {
        // An SVG opened directly must not run script.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        );
    }
    res
}

async fn static_file(Path(file): Path<String>) -> Response {
    match STATIC.get_file(&file) {
        Some(f) => {
            let mut res = f.contents().into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static(content_type(&file)),
            );
            h.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            res
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn theme_css(State(state): AppStateRef, Path(tid): Path<String>) -> Response {
    let site = state.site();
    match site.theme_css.get(tid.as_str()) {
        Some(css) => file_response("theme.css", css.clone().into_bytes()),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn tenant_asset(
    State(state): AppStateRef,
    Path((tid, file)): Path<(String, String)>,
) -> Response {
    let site = state.site();
    match site.assets.get(tid.as_str()).and_then(|a| a.get(&file)) {
        Some(bytes) => file_response(&file, bytes.as_ref().clone()),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

// ----- operations -----------------------------------------------------------------------

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): AppStateRef) -> Response {
    match state.app.db.ping().await {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(%e, "not ready: database");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn metrics(State(state): AppStateRef) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
        .into_response()
}

/// `POST /admin/reload` with `Authorization: Bearer <RATHAUS_ADMIN_TOKEN>`.
async fn admin_reload(State(state): AppStateRef, headers: HeaderMap) -> Response {
    let Some(expected) = state.config.admin_token.as_deref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    if !rathaus_app::secrets::token_matches(given, expected) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    match state.reload().await {
        Ok(n) => Json(serde_json::json!({ "status": "ok", "services": n })).into_response(),
        Err(ReloadError::Definitions(diags)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({
                "status": "refused",
                "problems": diags.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })),
        )
            .into_response(),
        Err(e) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(serde_json::json!({ "status": "refused", "problems": [e.to_string()] })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_param_is_dropped_on_switch() {
        assert_eq!(strip_lang_param("/a?lang=de"), "/a");
        assert_eq!(strip_lang_param("/a?q=x&lang=de"), "/a?q=x");
        assert_eq!(strip_lang_param("/a"), "/a");
    }
}
