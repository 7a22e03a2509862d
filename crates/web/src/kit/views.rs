//! View models: what templates see. Built from domain values for one language; every text
//! that fell back to German carries `lang: "de"` so the page can mark it for screen readers.

use crate::kit::paths;
use rathaus_domain::service::{format_eur_de, format_eur_en};
use rathaus_domain::tenant::{OfficeDef, TenantKind};
use rathaus_domain::{Lang, OfferedService, TenantDef, Text};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Loc {
    pub text: String,
    /// Set when the text is not in the page's language.
    pub lang: Option<&'static str>,
}

pub fn loc(t: &Text, lang: Lang) -> Loc {
    let (text, actual) = t.get(lang);
    Loc {
        text: text.to_owned(),
        lang: (actual != lang).then(|| actual.code()),
    }
}

/// A long text split into paragraphs at line breaks (a blank line inside a folded YAML
/// `>-` text becomes one line break).
#[derive(Debug, Serialize)]
pub struct Paragraphs {
    pub paragraphs: Vec<String>,
    pub lang: Option<&'static str>,
}

pub fn paragraphs(t: &Text, lang: Lang) -> Paragraphs {
    let l = loc(t, lang);
    Paragraphs {
        paragraphs: l
            .text
            .split('\n')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect(),
        lang: l.lang,
    }
}

pub fn money(cents: u64, lang: Lang) -> String {
    match lang {
        Lang::De => format_eur_de(cents),
        Lang::En => format_eur_en(cents),
    }
}

#[derive(Debug, Serialize)]
pub struct TenantView {
    pub id: String,
    pub name: Loc,
    pub kind: &'static str,
    pub demo: bool,
    pub href: String,
    pub logo: Option<String>,
    pub theme_css: String,
    pub search_href: String,
    pub nav: Nav,
}

#[derive(Debug, Serialize)]
pub struct Nav {
    pub services: String,
    pub topics: String,
    pub life_situations: String,
    pub offices: String,
    /// Online appointments, where an office takes them.
    pub appointments: Option<String>,
    /// "Is my ID card ready?", where an office reports document states.
    pub id_status: Option<String>,
    /// The Fundbüro, where an office runs one.
    pub found: Option<String>,
    pub imprint: String,
    pub privacy: String,
    pub accessibility: String,
}

pub fn kind_key(kind: TenantKind) -> &'static str {
    match kind {
        TenantKind::Stadt => "stadt",
        TenantKind::Gemeinde => "gemeinde",
        TenantKind::Kreis => "kreis",
    }
}

pub fn tenant(t: &TenantDef, lang: Lang) -> TenantView {
    let id = t.id.as_str();
    TenantView {
        id: id.to_owned(),
        name: loc(&t.name, lang),
        kind: kind_key(t.kind),
        demo: t.demo,
        href: paths::tenant_home(id),
        logo: t.branding.logo.as_ref().map(|l| paths::asset(id, l)),
        theme_css: paths::theme_css(id),
        search_href: paths::search(id),
        nav: Nav {
            services: paths::services(id),
            topics: paths::topics(id),
            life_situations: paths::life_situations(id),
            offices: paths::offices(id),
            appointments: t
                .offices
                .iter()
                .any(|o| o.appointments.is_some())
                .then(|| paths::appointments(id)),
            id_status: rathaus_app::id_status::offered(t).then(|| paths::id_status(id)),
            found: rathaus_app::found::offered(t).then(|| paths::found_search(id)),
            imprint: paths::imprint(id),
            privacy: paths::privacy(id),
            accessibility: paths::accessibility(id),
        },
    }
}

/// A service in a result list.
#[derive(Debug, Serialize)]
pub struct ServiceCard {
    pub href: String,
    pub title: Loc,
    pub summary: Loc,
    pub fully_online: bool,
    /// The responsible tenant where it is not the portal's own.
    pub provider: Option<Loc>,
}

pub fn card(portal_tenant: &str, o: &OfferedService<'_>, lang: Lang) -> ServiceCard {
    ServiceCard {
        href: paths::service(portal_tenant, o.service.id.as_str()),
        title: loc(&o.service.title, lang),
        summary: loc(&o.service.summary, lang),
        fully_online: o.service.fully_online,
        provider: (o.provider.id.as_str() != portal_tenant).then(|| loc(&o.provider.name, lang)),
    }
}

#[derive(Debug, Serialize)]
pub struct OfficeView {
    pub href: String,
    pub name: Loc,
    pub street: String,
    pub city: String,
    pub phone: Option<String>,
    pub phone_href: Option<String>,
    pub email: Option<String>,
    pub hours: Vec<HoursRow>,
    pub opening_note: Option<Loc>,
    pub accessibility: Option<Loc>,
}

#[derive(Debug, Serialize)]
pub struct HoursRow {
    /// Message keys of the weekdays.
    pub days: Vec<String>,
    pub from: String,
    pub to: String,
}

/// An office for a page (`provider`: the tenant that owns it).
pub fn office(_portal_tenant: &str, provider: &str, o: &OfficeDef, lang: Lang) -> OfficeView {
    OfficeView {
        href: paths::office(provider, o.id.as_str()),
        name: loc(&o.name, lang),
        street: format!("{} {}", o.address.street, o.address.house_number),
        city: format!("{} {}", o.address.postal_code, o.address.city),
        phone: o.phone.clone(),
        phone_href: o.phone.as_ref().map(|p| {
            format!(
                "tel:{}",
                p.chars()
                    .filter(|c| c.is_ascii_digit() || *c == '+')
                    .collect::<String>()
            )
        }),
        email: o.email.clone(),
        hours: o
            .opening_hours
            .iter()
            .map(|h| HoursRow {
                days: h
                    .days
                    .iter()
                    .map(|d| format!("weekday-{}", d.key()))
                    .collect(),
                from: h.from.clone(),
                to: h.to.clone(),
            })
            .collect(),
        opening_note: o.opening_note.as_ref().map(|t| loc(t, lang)),
        accessibility: o.accessibility.as_ref().map(|t| loc(t, lang)),
    }
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub href: String,
    pub title: Loc,
}

#[derive(Debug, Serialize)]
pub struct DocumentView {
    pub name: Loc,
    pub required: bool,
    pub note: Option<Loc>,
}

#[derive(Debug, Serialize)]
pub struct FeeView {
    pub label: Loc,
    pub amount: String,
    pub amount_max: Option<String>,
    pub note: Option<Loc>,
}

#[derive(Debug, Serialize)]
pub struct LegalView {
    pub title: String,
    pub url: Option<String>,
}

/// Everything on a service's detail page.
#[derive(Debug, Serialize)]
pub struct ServiceView {
    pub id: String,
    pub href: String,
    pub easy_href: String,
    pub title: Loc,
    pub summary: Loc,
    pub description: Paragraphs,
    pub eligibility: Paragraphs,
    pub documents: Vec<DocumentView>,
    pub fees: Vec<FeeView>,
    pub legal_basis: Vec<LegalView>,
    pub processing_days: u32,
    pub processing_note: Option<Loc>,
    pub fully_online: bool,
    pub online_note: Option<Loc>,
    pub easy_language: Paragraphs,
    pub leika: Option<String>,
    pub version: u32,
    pub office: OfficeView,
    pub provider: Loc,
    pub provider_href: String,
    pub included: bool,
    pub topics: Vec<Link>,
    pub life_situations: Vec<Link>,
    /// Start of the online application, where the service has a form.
    pub apply_href: Option<String>,
    /// The eligibility pre-check, where the form has one.
    pub precheck_href: Option<String>,
}

pub fn service(
    portal_tenant: &str,
    o: &OfferedService<'_>,
    portal: &rathaus_domain::PortalDef,
    lang: Lang,
) -> ServiceView {
    let s = o.service;
    let provider = o.provider.id.as_str();
    ServiceView {
        id: s.id.to_string(),
        href: paths::service(portal_tenant, s.id.as_str()),
        easy_href: paths::service_easy(portal_tenant, s.id.as_str()),
        title: loc(&s.title, lang),
        summary: loc(&s.summary, lang),
        description: paragraphs(&s.description, lang),
        eligibility: paragraphs(&s.eligibility, lang),
        documents: s
            .documents
            .iter()
            .map(|d| DocumentView {
                name: loc(&d.name, lang),
                required: d.required,
                note: d.note.as_ref().map(|n| loc(n, lang)),
            })
            .collect(),
        fees: s
            .fees
            .iter()
            .map(|f| FeeView {
                label: loc(&f.label, lang),
                amount: money(f.amount_cents, lang),
                amount_max: f.amount_max_cents.map(|c| money(c, lang)),
                note: f.note.as_ref().map(|n| loc(n, lang)),
            })
            .collect(),
        legal_basis: s
            .legal_basis
            .iter()
            .map(|l| LegalView {
                title: l.title.clone(),
                url: l.url.clone(),
            })
            .collect(),
        processing_days: s.processing_time.days,
        processing_note: s.processing_time.note.as_ref().map(|n| loc(n, lang)),
        fully_online: s.fully_online,
        online_note: s.online_note.as_ref().map(|n| loc(n, lang)),
        easy_language: paragraphs(&s.easy_language, lang),
        leika: s.leika.clone(),
        version: s.version,
        office: office(portal_tenant, provider, o.office, lang),
        provider: loc(&o.provider.name, lang),
        provider_href: paths::tenant_home(provider),
        included: provider != portal_tenant,
        topics: s
            .topics
            .iter()
            .filter_map(|id| portal.topics.iter().find(|t| &t.id == id))
            .map(|t| Link {
                href: paths::topic(portal_tenant, t.id.as_str()),
                title: loc(&t.title, lang),
            })
            .collect(),
        life_situations: s
            .life_situations
            .iter()
            .filter_map(|id| portal.life_situations.iter().find(|l| &l.id == id))
            .map(|l| Link {
                href: paths::life_situation(portal_tenant, l.id.as_str()),
                title: loc(&l.title, lang),
            })
            .collect(),
        apply_href: o
            .form
            .map(|_| paths::apply_start(portal_tenant, s.id.as_str())),
        precheck_href: o
            .form
            .and_then(|f| f.precheck.as_ref())
            .map(|_| paths::precheck(portal_tenant, s.id.as_str())),
    }
}

/// Field errors as the self-service pages list them: `{field, message}` in the page's
/// language, in the order found (the error summary links each to its field).
pub fn field_errors(
    page: &crate::kit::Page<'_>,
    errors: &[(&'static str, rathaus_domain::form::Message)],
) -> Vec<serde_json::Value> {
    let w = page.words();
    errors
        .iter()
        .map(|(f, m)| serde_json::json!({"field": f, "message": w.text(m)}))
        .collect()
}

/// The message of `field` among listed errors, if any.
pub fn error_at(errors: &[serde_json::Value], field: &str) -> Option<serde_json::Value> {
    errors
        .iter()
        .find(|e| e["field"] == field)
        .map(|e| e["message"].clone())
}
