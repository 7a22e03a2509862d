//! Rendering a page for one request: the site, the visitor's language and (maybe) the
//! tenant, the frame every page shares (`kit/base.html`: tenant navigation, language
//! switch, the citizen's session bar) and the headers of every page.

use crate::kit::error::WebError;
use crate::kit::prefs::Prefs;
use crate::kit::site::Site;
use crate::kit::views::{self, loc};
use crate::kit::{cache, paths};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use minijinja::{context, Value};
use rathaus_app::texts::Words;
use rathaus_domain::{Lang, TenantDef};

/// Renders pages for one request.
pub struct Page<'a> {
    site: &'a Site,
    prefs: &'a Prefs,
    tenant: Option<&'a TenantDef>,
    /// The session bar of a logged-in citizen (private pages only).
    session: Option<Value>,
}

impl<'a> Page<'a> {
    pub fn new(site: &'a Site, prefs: &'a Prefs, tenant: Option<&'a TenantDef>) -> Self {
        Page {
            site,
            prefs,
            tenant,
            session: None,
        }
    }

    /// A page of tenant `tid`; an unknown tenant is "not found".
    pub fn of(
        site: &'a Site,
        prefs: &'a Prefs,
        tid: &str,
    ) -> Result<(&'a TenantDef, Self), WebError> {
        let t = site.catalog.tenant(tid).ok_or(WebError::NotFound)?;
        Ok((t, Page::new(site, prefs, Some(t))))
    }

    /// Shows who is logged in, when the session ends and how to extend it or log out.
    pub fn with_session(mut self, session: Option<Value>) -> Self {
        self.session = session;
        self
    }

    pub fn site(&self) -> &'a Site {
        self.site
    }

    pub fn lang(&self) -> Lang {
        self.prefs.lang
    }

    /// Path and query of the request (where a login returns to).
    pub fn here(&self) -> &str {
        &self.prefs.here
    }

    pub fn theme(&self) -> &crate::kit::theme::Theme {
        match self.tenant {
            Some(t) => self.site.themes.tenant(t.id.as_str()),
            None => self.site.themes.portal(),
        }
    }

    /// The words of the page's tenant in its language.
    pub fn words(&self) -> Words<'_> {
        Words {
            messages: &self.theme().messages,
            lang: self.prefs.lang,
        }
    }

    /// The message `key` in the page's language.
    pub fn text(&self, key: &str) -> String {
        self.words().get(key)
    }

    /// The words for an application's status (`in_review` → "In Bearbeitung").
    pub fn status_label(&self, status: rathaus_domain::ApplicationStatus) -> String {
        self.words().status(status)
    }

    /// A page with personal data: never cached, by us or by the browser.
    pub fn render_private(&self, status: StatusCode, template: &str, extra: Value) -> Response {
        let mut res = self.render(status, template, extra);
        res.extensions_mut().remove::<cache::Cacheable>();
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        res
    }

    /// A private page with status 200.
    pub fn private(&self, template: &str, extra: Value) -> Response {
        self.render_private(StatusCode::OK, template, extra)
    }

    fn render(&self, status: StatusCode, template: &str, extra: Value) -> Response {
        let lang = self.prefs.lang;
        let other = match lang {
            Lang::De => Lang::En,
            Lang::En => Lang::De,
        };
        let portal = self.site.catalog.portal();
        let ctx = context! {
            lang => lang.code(),
            other_lang => other.code(),
            switch_href => paths::switch_lang(other.code(), &self.prefs.here),
            portal_name => loc(&portal.name, lang),
            demo => portal.demo || self.tenant.is_some_and(|t| t.demo),
            home_href => paths::portal_home(),
            css_href => paths::static_file("rathaus.css"),
            tenant => self.tenant.map(|t| views::tenant(t, lang)),
            active => "",
            step_form => false,
            session => self.session.clone(),
            ..extra
        };
        match self.theme().render(template, ctx) {
            Ok(html) => {
                let mut res = (status, Html(html)).into_response();
                page_headers(res.headers_mut(), lang);
                res.extensions_mut().insert(cache::Cacheable);
                res
            }
            Err(e) => WebError::from(e).into_response(),
        }
    }

    /// A public page with status 200 (may be cached).
    pub fn ok(&self, template: &str, extra: Value) -> Response {
        self.render(StatusCode::OK, template, extra)
    }

    pub fn not_found(&self) -> Response {
        self.render(StatusCode::NOT_FOUND, "kit/not_found.html", context! {})
    }

    /// A private object that does not exist, or that this visitor may not see (the same
    /// answer, so nobody learns which).
    pub fn gone(&self) -> Response {
        self.render_private(StatusCode::NOT_FOUND, "kit/expired.html", context! {})
    }

    /// A post larger than its route takes (413), with the limit in words.
    pub fn too_large(&self, limit: u64) -> Response {
        self.render_private(
            StatusCode::PAYLOAD_TOO_LARGE,
            "kit/problem.html",
            context! {
                title_key => "too-large-title", text_key => "too-large-text",
                limit => rathaus_domain::form::format_bytes(limit),
            },
        )
    }

    /// Not allowed (a form post without a valid CSRF token, a missing right).
    pub fn forbidden(&self) -> Response {
        self.render_private(StatusCode::FORBIDDEN, "kit/expired.html", context! {})
    }

    /// The object changed meanwhile (another colleague, the citizen): nothing was done.
    pub fn conflict(&self) -> Response {
        self.render_private(StatusCode::CONFLICT, "kit/conflict.html", context! {})
    }
}

/// Headers of every rendered page.
pub fn page_headers(h: &mut HeaderMap, lang: Lang) {
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
