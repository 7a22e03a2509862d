//! What the API answers: plain JSON shapes, versioned with the API (`/api/v1`), apart from
//! the definition format and the HTML views so either can change without breaking apps.
//! Texts are in the language asked for (`lang`), falling back to German where a definition
//! has no English; amounts are integer cents; links (`href`) are paths on this server.

use rathaus_domain::{Lang, OfferedService, OfficeDef, PortalDef, TenantDef, Text};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::kit::paths;

/// The services of a topic or life situation in the API.
pub fn services_of(tenant: &str, filter: &str, id: &str) -> String {
    format!(
        "{}?{filter}={}",
        paths::api_services(tenant),
        rathaus_app::links::encode(id)
    )
}

fn tx(text: &Text, lang: Lang) -> String {
    text.get(lang).0.to_owned()
}

/// The language of the texts in an answer.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApiLang {
    De,
    En,
}

impl From<ApiLang> for Lang {
    fn from(l: ApiLang) -> Lang {
        match l {
            ApiLang::De => Lang::De,
            ApiLang::En => Lang::En,
        }
    }
}

/// `?lang=`: the language of the texts (default: the `Accept-Language` header, else `de`).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct LangQuery {
    #[param(inline)]
    pub lang: Option<ApiLang>,
}

/// `?q=&topic=&life_situation=&lang=&page=&per_page=`: services, searched or filtered.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ServiceQuery {
    /// Search words (umlauts and case folded, synonyms included), at most 200 characters.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only services of this topic.
    pub topic: Option<String>,
    /// Only services of this life situation.
    pub life_situation: Option<String>,
    #[param(inline)]
    pub lang: Option<ApiLang>,
    /// The page, from 1.
    #[param(minimum = 1, maximum = 100000)]
    pub page: Option<u32>,
    /// Entries per page (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// Where a list stands.
#[derive(Debug, Serialize, ToSchema)]
pub struct Paging {
    /// This page, from 1.
    pub page: u32,
    pub per_page: u32,
    /// Entries in the whole list.
    pub total: u64,
    /// The next page, if there is one.
    pub next: Option<String>,
}

/// The index of the API.
#[derive(Debug, Serialize, ToSchema)]
pub struct Index {
    /// The portal's name.
    pub name: String,
    /// Whether the portal runs with fictional demo data.
    pub demo: bool,
    /// The portals of the municipalities in this installation.
    pub tenants: String,
    /// This API's OpenAPI document.
    pub openapi: String,
    /// This API's reference, as a web page.
    pub reference: String,
}

/// The portals of this installation.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantList {
    pub items: Vec<TenantSummary>,
}

/// A municipality's portal, in short.
#[derive(Debug, Serialize, ToSchema)]
pub struct TenantSummary {
    pub id: String,
    pub name: String,
    /// `stadt`, `gemeinde` or `kreis`.
    pub kind: String,
    /// Fictional demo data.
    pub demo: bool,
    /// This portal in the API.
    pub href: String,
    /// This portal's web pages.
    pub web: String,
}

impl TenantSummary {
    pub fn of(t: &TenantDef, lang: Lang) -> Self {
        let id = t.id.as_str();
        TenantSummary {
            id: id.to_owned(),
            name: tx(&t.name, lang),
            kind: kind(t),
            demo: t.demo,
            href: paths::api_tenant(id),
            web: paths::tenant_home(id),
        }
    }
}

fn kind(t: &TenantDef) -> String {
    serde_json::to_value(t.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// A municipality's portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    /// `stadt`, `gemeinde` or `kreis`.
    pub kind: String,
    pub demo: bool,
    /// The welcome text of the portal's home page.
    pub welcome: String,
    /// How many services the portal offers (its own and those included from others).
    pub services: u64,
    pub offices: Vec<Office>,
    /// The portal's services in the API.
    pub services_href: String,
    pub topics_href: String,
    pub life_situations_href: String,
    pub web: String,
}

impl Tenant {
    pub fn of(t: &TenantDef, services: usize, lang: Lang) -> Self {
        let id = t.id.as_str();
        Tenant {
            id: id.to_owned(),
            name: tx(&t.name, lang),
            kind: kind(t),
            demo: t.demo,
            welcome: tx(&t.welcome, lang),
            services: services as u64,
            offices: t.offices.iter().map(|o| Office::of(t, o, lang)).collect(),
            services_href: paths::api_services(id),
            topics_href: paths::api_topics(id),
            life_situations_href: paths::api_life_situations(id),
            web: paths::tenant_home(id),
        }
    }
}

/// A postal address.
#[derive(Debug, Serialize, ToSchema)]
pub struct Address {
    pub street: String,
    pub house_number: String,
    pub postal_code: String,
    pub city: String,
}

/// Opening hours on some weekdays.
#[derive(Debug, Serialize, ToSchema)]
pub struct Hours {
    /// Weekdays: `mon` … `sun`.
    pub days: Vec<String>,
    /// Opening time, `HH:MM` (Europe/Berlin).
    pub from: String,
    /// Closing time, `HH:MM`.
    pub to: String,
}

/// An office (Amt) where services are provided.
#[derive(Debug, Serialize, ToSchema)]
pub struct Office {
    pub id: String,
    /// The municipality the office belongs to.
    pub tenant: String,
    pub name: String,
    pub address: Address,
    pub opening_hours: Vec<Hours>,
    pub opening_note: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// How the office can be reached without barriers.
    pub accessibility: Option<String>,
    /// Whether appointments can be booked online.
    pub appointments: bool,
    pub href: String,
    pub web: String,
}

impl Office {
    pub fn of(owner: &TenantDef, o: &OfficeDef, lang: Lang) -> Self {
        let tid = owner.id.as_str();
        Office {
            id: o.id.to_string(),
            tenant: tid.to_owned(),
            name: tx(&o.name, lang),
            address: Address {
                street: o.address.street.clone(),
                house_number: o.address.house_number.clone(),
                postal_code: o.address.postal_code.clone(),
                city: o.address.city.clone(),
            },
            opening_hours: o
                .opening_hours
                .iter()
                .map(|h| Hours {
                    days: h.days.iter().map(|d| d.key().to_owned()).collect(),
                    from: h.from.clone(),
                    to: h.to.clone(),
                })
                .collect(),
            opening_note: o.opening_note.as_ref().map(|n| tx(n, lang)),
            phone: o.phone.clone(),
            email: o.email.clone(),
            accessibility: o.accessibility.as_ref().map(|n| tx(n, lang)),
            appointments: o.appointments.is_some(),
            href: paths::api_office(tid, o.id.as_str()),
            web: paths::office(tid, o.id.as_str()),
        }
    }
}

/// Offices of a portal.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeList {
    pub items: Vec<Office>,
}

/// A service, in short (as in a list).
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceSummary {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The municipality responsible (differs from the portal for included services).
    pub provider: String,
    /// Whether it can be applied for online from start to finish.
    pub fully_online: bool,
    /// Whether the portal has an online form for it.
    pub online_form: bool,
    pub href: String,
    pub web: String,
}

impl ServiceSummary {
    pub fn of(portal_tenant: &str, o: &OfferedService<'_>, lang: Lang) -> Self {
        let s = o.service;
        ServiceSummary {
            id: s.id.to_string(),
            title: tx(&s.title, lang),
            summary: tx(&s.summary, lang),
            provider: o.provider.id.to_string(),
            fully_online: s.fully_online,
            online_form: o.form.is_some(),
            href: paths::api_service(portal_tenant, s.id.as_str()),
            web: paths::service(portal_tenant, s.id.as_str()),
        }
    }
}

/// A page of services.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceList {
    pub items: Vec<ServiceSummary>,
    pub paging: Paging,
}

/// A document to bring or upload.
#[derive(Debug, Serialize, ToSchema)]
pub struct Document {
    pub name: String,
    pub required: bool,
    pub note: Option<String>,
}

/// A fee: a fixed amount, or a range from `amount_cents` to `amount_max_cents`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Fee {
    pub label: String,
    /// In euro cents.
    pub amount_cents: u64,
    pub amount_max_cents: Option<u64>,
    pub note: Option<String>,
}

/// A legal basis.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalRef {
    pub title: String,
    pub url: Option<String>,
}

/// How long processing usually takes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcessingTime {
    /// Working days.
    pub days: u32,
    pub note: Option<String>,
}

/// A topic or life situation a service belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupRef {
    pub id: String,
    pub title: String,
    /// The group's services in the API.
    pub href: String,
}

/// A service with everything the catalogue says about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Service {
    pub id: String,
    /// The definition's version (drafts keep the version they were started in).
    pub version: u32,
    /// The LeiKa key, if known.
    pub leika: Option<String>,
    pub title: String,
    pub summary: String,
    pub description: String,
    /// Who may apply.
    pub eligibility: String,
    pub documents: Vec<Document>,
    pub fees: Vec<Fee>,
    pub legal_basis: Vec<LegalRef>,
    pub processing_time: ProcessingTime,
    pub fully_online: bool,
    pub online_note: Option<String>,
    /// The service explained in Leichte Sprache (plain language).
    pub easy_language: String,
    pub topics: Vec<GroupRef>,
    pub life_situations: Vec<GroupRef>,
    /// The municipality responsible.
    pub provider: TenantSummary,
    /// Whether the service is included from another municipality's catalogue.
    pub included: bool,
    /// The office that provides it.
    pub office: Office,
    /// Whether the portal has an online form for it.
    pub online_form: bool,
    /// Whether the form starts with an eligibility pre-check.
    pub precheck: bool,
    pub web: String,
    /// The form on the web.
    pub web_apply: Option<String>,
}

impl Service {
    pub fn of(portal_tenant: &str, o: &OfferedService<'_>, portal: &PortalDef, lang: Lang) -> Self {
        let s = o.service;
        let sid = s.id.as_str();
        Service {
            id: sid.to_owned(),
            version: s.version,
            leika: s.leika.clone(),
            title: tx(&s.title, lang),
            summary: tx(&s.summary, lang),
            description: tx(&s.description, lang),
            eligibility: tx(&s.eligibility, lang),
            documents: s
                .documents
                .iter()
                .map(|d| Document {
                    name: tx(&d.name, lang),
                    required: d.required,
                    note: d.note.as_ref().map(|n| tx(n, lang)),
                })
                .collect(),
            fees: s
                .fees
                .iter()
                .map(|f| Fee {
                    label: tx(&f.label, lang),
                    amount_cents: f.amount_cents,
                    amount_max_cents: f.amount_max_cents,
                    note: f.note.as_ref().map(|n| tx(n, lang)),
                })
                .collect(),
            legal_basis: s
                .legal_basis
                .iter()
                .map(|l| LegalRef {
                    title: l.title.clone(),
                    url: l.url.clone(),
                })
                .collect(),
            processing_time: ProcessingTime {
                days: s.processing_time.days,
                note: s.processing_time.note.as_ref().map(|n| tx(n, lang)),
            },
            fully_online: s.fully_online,
            online_note: s.online_note.as_ref().map(|n| tx(n, lang)),
            easy_language: tx(&s.easy_language, lang),
            topics: s
                .topics
                .iter()
                .filter_map(|id| portal.topics.iter().find(|x| &x.id == id))
                .map(|x| GroupRef {
                    id: x.id.to_string(),
                    title: tx(&x.title, lang),
                    href: services_of(portal_tenant, "topic", x.id.as_str()),
                })
                .collect(),
            life_situations: s
                .life_situations
                .iter()
                .filter_map(|id| portal.life_situations.iter().find(|x| &x.id == id))
                .map(|x| GroupRef {
                    id: x.id.to_string(),
                    title: tx(&x.title, lang),
                    href: services_of(portal_tenant, "life_situation", x.id.as_str()),
                })
                .collect(),
            provider: TenantSummary::of(o.provider, lang),
            included: o.provider.id.as_str() != portal_tenant,
            office: Office::of(o.provider, o.office, lang),
            online_form: o.form.is_some(),
            precheck: o.form.is_some_and(|f| f.precheck.is_some()),
            web: paths::service(portal_tenant, sid),
            web_apply: o.form.map(|_| paths::apply_start(portal_tenant, sid)),
        }
    }
}

/// A topic or a life situation, with how many of the portal's services it holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    pub id: String,
    pub title: String,
    pub description: String,
    pub services: u64,
    /// Its services in the API.
    pub href: String,
}

/// Topics or life situations of a portal (those with services).
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupList {
    pub items: Vec<Group>,
}
