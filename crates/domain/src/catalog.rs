//! The catalogue: the validated set of portal, tenant and service definitions, with the
//! cross-file rules (unique ids, existing offices, topics, included services) and the
//! queries the portal pages need. A `Catalog` value is immutable; a reload builds a new one.

use crate::form::{CodeListDef, Form};
use crate::ids::{LifeSituationId, ServiceId, TenantId, TopicId};
use crate::portal::PortalDef;
use crate::search::{query_words, Prepared, SearchDoc};
use crate::service::ServiceDef;
use crate::tenant::{OfficeDef, TenantDef};
use crate::text::Lang;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// The longest search query considered: the web page cuts longer input (and says so), the
/// API refuses it.
pub const MAX_QUERY_CHARS: usize = 200;

/// Which input a catalogue error belongs to (index into the slices given to [`Catalog::build`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Portal,
    Tenant(usize),
    Service(usize),
    CodeList(usize),
}

/// A rule that spans several definitions was broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CatalogError {
    pub origin: Origin,
    /// JSON pointer into the definition named by `origin`.
    pub pointer: String,
    pub message: String,
}

/// A service as offered in one tenant's portal: its own, or included from another tenant.
#[derive(Debug, Clone, Copy)]
pub struct OfferedService<'a> {
    pub service: &'a ServiceDef,
    /// The tenant responsible for the service (differs from the portal's tenant for includes).
    pub provider: &'a TenantDef,
    pub office: &'a OfficeDef,
    /// The compiled online form, if the service has one.
    pub form: Option<&'a Form>,
}

impl OfferedService<'_> {
    pub fn is_included(&self, portal_tenant: &TenantId) -> bool {
        &self.provider.id != portal_tenant
    }
}

struct TenantEntry {
    def: TenantDef,
    /// Own services by id.
    services: BTreeMap<ServiceId, Arc<ServiceDef>>,
    /// Everything offered here (own and included), as (provider, service), sorted by German title.
    offered: Vec<(TenantId, ServiceId)>,
    /// Search documents parallel to `offered`.
    search: Vec<SearchDoc>,
    /// Moving folder plans, compiled.
    folders: Vec<Arc<crate::form::Folder>>,
}

pub struct Catalog {
    portal: PortalDef,
    forms: HashMap<(TenantId, ServiceId), Arc<Form>>,
    codelists: HashMap<String, Arc<CodeListDef>>,
    tenants: BTreeMap<TenantId, TenantEntry>,
    hosts: HashMap<String, TenantId>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("tenants", &self.tenants.len())
            .field("services", &self.service_count())
            .finish()
    }
}

impl Catalog {
    /// Builds the catalogue, checking every cross-file rule. `services` pairs each service
    /// with the tenant whose folder it came from. All errors are returned, not just the first.
    pub fn build(
        portal: PortalDef,
        tenants: Vec<TenantDef>,
        services: Vec<(TenantId, ServiceDef)>,
        codelists: Vec<CodeListDef>,
    ) -> Result<Catalog, Vec<CatalogError>> {
        let mut errors = Vec::new();
        let err = |origin, pointer: String, message: String| CatalogError {
            origin,
            pointer,
            message,
        };

        let mut seen = HashSet::new();
        for (i, t) in portal.topics.iter().enumerate() {
            if !seen.insert(t.id.as_str()) {
                errors.push(err(
                    Origin::Portal,
                    format!("/topics/{i}/id"),
                    format!("duplicate topic id '{}'", t.id),
                ));
            }
        }
        let mut seen = HashSet::new();
        for (i, l) in portal.life_situations.iter().enumerate() {
            if !seen.insert(l.id.as_str()) {
                errors.push(err(
                    Origin::Portal,
                    format!("/life_situations/{i}/id"),
                    format!("duplicate life situation id '{}'", l.id),
                ));
            }
        }
        let topics: HashSet<&TopicId> = portal.topics.iter().map(|t| &t.id).collect();
        let situations: HashSet<&LifeSituationId> =
            portal.life_situations.iter().map(|l| &l.id).collect();

        let mut tenant_index: HashMap<TenantId, usize> = HashMap::new();
        let mut hosts = HashMap::new();
        for (i, t) in tenants.iter().enumerate() {
            if crate::ids::RESERVED_TENANT_IDS.contains(&t.id.as_str()) {
                errors.push(err(
                    Origin::Tenant(i),
                    "/id".into(),
                    format!(
                        "tenant id '{}' is reserved for the portal's own pages",
                        t.id
                    ),
                ));
            }
            if tenant_index.insert(t.id.clone(), i).is_some() {
                errors.push(err(
                    Origin::Tenant(i),
                    "/id".into(),
                    format!("duplicate tenant id '{}'", t.id),
                ));
            }
            for (j, h) in t.hosts.iter().enumerate() {
                let h = h.to_ascii_lowercase();
                if let Some(other) = hosts.insert(h.clone(), t.id.clone()) {
                    errors.push(err(
                        Origin::Tenant(i),
                        format!("/hosts/{j}"),
                        format!("host '{h}' is already used by tenant '{other}'"),
                    ));
                }
            }
        }

        let mut lists = HashMap::new();
        for (i, l) in codelists.into_iter().enumerate() {
            if lists.contains_key(&l.id) {
                errors.push(err(
                    Origin::CodeList(i),
                    "/id".into(),
                    format!("duplicate code list id '{}'", l.id),
                ));
            }
            let mut seen = HashSet::new();
            for (j, e) in l.entries.iter().enumerate() {
                if !seen.insert(e.value.clone()) {
                    errors.push(err(
                        Origin::CodeList(i),
                        format!("/entries/{j}/value"),
                        format!("duplicate entry '{}'", e.value),
                    ));
                }
            }
            lists.insert(l.id.clone(), Arc::new(l));
        }
        let mut forms = HashMap::new();
        let mut own: HashMap<TenantId, BTreeMap<ServiceId, Arc<ServiceDef>>> = HashMap::new();
        for (i, (tenant, s)) in services.into_iter().enumerate() {
            if let Some(def) = &s.form {
                match Form::compile(def, &lists, "/form") {
                    Ok(f) => {
                        forms.insert((tenant.clone(), s.id.clone()), Arc::new(f));
                    }
                    Err(problems) => errors.extend(
                        problems
                            .into_iter()
                            .map(|p| err(Origin::Service(i), p.pointer, p.message)),
                    ),
                }
            }
            let Some(&ti) = tenant_index.get(&tenant) else {
                errors.push(err(
                    Origin::Service(i),
                    String::new(),
                    format!("no tenant '{tenant}' for this service"),
                ));
                continue;
            };
            if s.form.as_ref().is_some_and(|f| f.payment.is_some())
                && tenants[ti].cash_office.is_none()
            {
                errors.push(err(
                    Origin::Service(i),
                    "/form/payment".into(),
                    format!("tenant '{tenant}' has no cash_office to receive this payment"),
                ));
            }
            let debit = s
                .form
                .as_ref()
                .and_then(|f| f.payment.as_ref())
                .is_some_and(|p| p.direct_debit.is_some());
            let creditor = tenants[ti]
                .cash_office
                .as_ref()
                .and_then(|c| c.creditor_id.as_ref());
            if debit && creditor.is_none() {
                errors.push(err(
                    Origin::Service(i),
                    "/form/payment/direct_debit".into(),
                    format!("tenant '{tenant}' has no cash_office.creditor_id for direct debits"),
                ));
            }
            if tenants[ti].office(&s.office).is_none() {
                errors.push(err(
                    Origin::Service(i),
                    "/office".into(),
                    format!("office '{}' does not exist in tenant '{tenant}'", s.office),
                ));
            }
            for (j, topic) in s.topics.iter().enumerate() {
                if !topics.contains(topic) {
                    errors.push(err(
                        Origin::Service(i),
                        format!("/topics/{j}"),
                        format!("unknown topic '{topic}' (see portal.yaml)"),
                    ));
                }
            }
            for (j, ls) in s.life_situations.iter().enumerate() {
                if !situations.contains(ls) {
                    errors.push(err(
                        Origin::Service(i),
                        format!("/life_situations/{j}"),
                        format!("unknown life situation '{ls}' (see portal.yaml)"),
                    ));
                }
            }
            let map = own.entry(tenant.clone()).or_default();
            if map.contains_key(&s.id) {
                errors.push(err(
                    Origin::Service(i),
                    "/id".into(),
                    format!("duplicate service id '{}' in tenant '{tenant}'", s.id),
                ));
            } else {
                map.insert(s.id.clone(), Arc::new(s));
            }
        }

        // Includes may only name services that exist, and may not shadow own services.
        for (i, t) in tenants.iter().enumerate() {
            for (j, inc) in t.includes.iter().enumerate() {
                if !tenant_index.contains_key(&inc.tenant) {
                    errors.push(err(
                        Origin::Tenant(i),
                        format!("/includes/{j}/tenant"),
                        format!("unknown tenant '{}'", inc.tenant),
                    ));
                    continue;
                }
                for (k, sid) in inc.services.iter().enumerate() {
                    let exists = own.get(&inc.tenant).is_some_and(|m| m.contains_key(sid));
                    if !exists {
                        errors.push(err(
                            Origin::Tenant(i),
                            format!("/includes/{j}/services/{k}"),
                            format!("tenant '{}' has no service '{sid}'", inc.tenant),
                        ));
                    } else if own.get(&t.id).is_some_and(|m| m.contains_key(sid)) {
                        errors.push(err(
                            Origin::Tenant(i),
                            format!("/includes/{j}/services/{k}"),
                            format!(
                                "service id '{sid}' is already one of this tenant's own services"
                            ),
                        ));
                    }
                }
            }
        }
        // Bookable appointments may only link the tenant's own services.
        for (i, t) in tenants.iter().enumerate() {
            for (j, o) in t.offices.iter().enumerate() {
                for (k, b) in o
                    .appointments
                    .iter()
                    .flat_map(|c| c.services.iter())
                    .enumerate()
                {
                    if let Some(sid) = &b.service {
                        if !own.get(&t.id).is_some_and(|m| m.contains_key(sid)) {
                            errors.push(err(
                                Origin::Tenant(i),
                                format!("/offices/{j}/appointments/services/{k}/service"),
                                format!("tenant '{}' has no own service '{sid}'", t.id),
                            ));
                        }
                    }
                }
            }
        }
        // Moving folders: questions and expressions checked, and every item names a
        // service offered here, an office's bookable, or is a task.
        let mut folders: HashMap<TenantId, Vec<Arc<crate::form::Folder>>> = HashMap::new();
        for (i, t) in tenants.iter().enumerate() {
            let mut seen = HashSet::new();
            for (n, f) in t.folders.iter().enumerate() {
                let base = format!("/folders/{n}");
                if !seen.insert(f.id.as_str()) {
                    errors.push(err(
                        Origin::Tenant(i),
                        format!("{base}/id"),
                        format!("duplicate folder id '{}'", f.id),
                    ));
                }
                if !situations.contains(&f.life_situation) {
                    errors.push(err(
                        Origin::Tenant(i),
                        format!("{base}/life_situation"),
                        format!("unknown life situation '{}'", f.life_situation),
                    ));
                }
                for (si, step) in f.steps.iter().enumerate() {
                    for (ii, item) in step.items.iter().enumerate() {
                        let at = format!("{base}/steps/{si}/items/{ii}");
                        if let Some(sid) = &item.service {
                            let offered = own
                                .get(&t.id)
                                .is_some_and(|m| m.keys().any(|k| k.as_str() == sid))
                                || t.includes
                                    .iter()
                                    .any(|inc| inc.services.iter().any(|s| s.as_str() == sid));
                            if !offered {
                                errors.push(err(
                                    Origin::Tenant(i),
                                    format!("{at}/service"),
                                    format!("no service '{sid}' is offered in this portal"),
                                ));
                            }
                        }
                        if let Some(a) = &item.appointment {
                            match t.offices.iter().find(|o| o.id.as_str() == a.office) {
                                None => errors.push(err(
                                    Origin::Tenant(i),
                                    format!("{at}/appointment/office"),
                                    format!("unknown office '{}'", a.office),
                                )),
                                Some(o) => {
                                    let bookable = o
                                        .appointments
                                        .iter()
                                        .any(|c| c.services.iter().any(|b| b.id == a.bookable));
                                    if !bookable {
                                        errors.push(err(
                                            Origin::Tenant(i),
                                            format!("{at}/appointment/bookable"),
                                            format!(
                                                "office '{}' has no bookable '{}'",
                                                a.office, a.bookable
                                            ),
                                        ));
                                    }
                                }
                            }
                        }
                    }
                }
                match crate::form::Folder::compile(f, &lists, &base) {
                    Ok(c) => folders.entry(t.id.clone()).or_default().push(Arc::new(c)),
                    Err(problems) => errors.extend(
                        problems
                            .into_iter()
                            .map(|p| err(Origin::Tenant(i), p.pointer, p.message)),
                    ),
                }
            }
        }
        // Delivery targets may only name the tenant's own services.
        for (i, t) in tenants.iter().enumerate() {
            for (j, d) in t.deliveries.iter().enumerate() {
                for (k, sid) in d.services.iter().enumerate() {
                    if !own.get(&t.id).is_some_and(|m| m.contains_key(sid)) {
                        errors.push(err(
                            Origin::Tenant(i),
                            format!("/deliveries/{j}/services/{k}"),
                            format!("tenant '{}' has no own service '{sid}'", t.id),
                        ));
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let mut entries = BTreeMap::new();
        for t in &tenants {
            let services = own.remove(&t.id).unwrap_or_default();
            entries.insert(
                t.id.clone(),
                TenantEntry {
                    def: t.clone(),
                    services,
                    offered: Vec::new(),
                    search: Vec::new(),
                    folders: folders.remove(&t.id).unwrap_or_default(),
                },
            );
        }
        let mut catalog = Catalog {
            portal,
            forms,
            codelists: lists,
            tenants: entries,
            hosts,
        };
        catalog.index();
        Ok(catalog)
    }

    /// Computes every tenant's offered list and search documents.
    fn index(&mut self) {
        let mut offered_by: BTreeMap<TenantId, Vec<(TenantId, ServiceId)>> = BTreeMap::new();
        for (tid, entry) in &self.tenants {
            let mut list: Vec<(TenantId, ServiceId)> = entry
                .services
                .keys()
                .map(|s| (tid.clone(), s.clone()))
                .collect();
            for inc in &entry.def.includes {
                list.extend(inc.services.iter().map(|s| (inc.tenant.clone(), s.clone())));
            }
            offered_by.insert(tid.clone(), list);
        }
        for (tid, mut list) in offered_by {
            list.sort_by_cached_key(|(p, s)| self.tenants[p].services[s].title.de.to_lowercase());
            let search = list
                .iter()
                .map(|(p, s)| {
                    let provider = &self.tenants[p];
                    let svc = &provider.services[s];
                    let mut doc = SearchDoc::default();
                    for t in svc.title.all() {
                        doc.add(8, t);
                    }
                    for syn in &svc.synonyms {
                        doc.add(6, syn);
                    }
                    for t in svc.summary.all() {
                        doc.add(2, t);
                    }
                    if let Some(leika) = &svc.leika {
                        doc.add(4, leika);
                    }
                    for topic in &svc.topics {
                        if let Some(t) = self.portal.topics.iter().find(|t| &t.id == topic) {
                            for x in t.title.all() {
                                doc.add(1, x);
                            }
                        }
                    }
                    for t in svc.description.all() {
                        doc.add(1, t);
                    }
                    doc
                })
                .collect();
            if let Some(entry) = self.tenants.get_mut(&tid) {
                entry.offered = list;
                entry.search = search;
            }
        }
    }

    /// All code lists (to compile forms of older definition versions).
    pub fn codelists(&self) -> HashMap<String, Arc<CodeListDef>> {
        self.codelists.clone()
    }

    /// The portal's code lists by id.
    pub fn codelist(&self, id: &str) -> Option<&CodeListDef> {
        self.codelists.get(id).map(Arc::as_ref)
    }

    pub fn portal(&self) -> &PortalDef {
        &self.portal
    }

    pub fn tenants(&self) -> impl Iterator<Item = &TenantDef> {
        self.tenants.values().map(|e| &e.def)
    }

    pub fn tenant(&self, id: &str) -> Option<&TenantDef> {
        self.tenants.get(id).map(|e| &e.def)
    }

    /// The tenant configured for a request host, if any.
    pub fn tenant_for_host(&self, host: &str) -> Option<&TenantDef> {
        let host = host.split(':').next().unwrap_or(host).to_ascii_lowercase();
        self.hosts.get(&host).and_then(|t| self.tenant(t.as_str()))
    }

    pub fn service_count(&self) -> usize {
        self.tenants.values().map(|e| e.services.len()).sum()
    }

    /// Every own service of every tenant with its tenant id (for publishing versions).
    pub fn all_services(&self) -> impl Iterator<Item = (&TenantId, &ServiceDef)> {
        self.tenants
            .iter()
            .flat_map(|(t, e)| e.services.values().map(move |s| (t, s.as_ref())))
    }

    fn resolve(&self, provider: &TenantId, service: &ServiceId) -> Option<OfferedService<'_>> {
        let p = self.tenants.get(provider)?;
        let service = p.services.get(service)?;
        Some(OfferedService {
            service,
            provider: &p.def,
            office: p.def.office(&service.office)?,
            form: self
                .forms
                .get(&(provider.clone(), service.id.clone()))
                .map(Arc::as_ref),
        })
    }

    /// All services offered in `tenant`'s portal, sorted by German title.
    pub fn offered(&self, tenant: &str) -> Vec<OfferedService<'_>> {
        self.tenants
            .get(tenant)
            .map(|e| {
                e.offered
                    .iter()
                    .filter_map(|(p, s)| self.resolve(p, s))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The moving folder plans of `tenant`.
    pub fn folders(&self, tenant: &str) -> &[Arc<crate::form::Folder>] {
        self.tenants
            .get(tenant)
            .map(|e| e.folders.as_slice())
            .unwrap_or(&[])
    }

    /// Moving folder plan `id` of `tenant`.
    pub fn folder(&self, tenant: &str, id: &str) -> Option<&Arc<crate::form::Folder>> {
        self.folders(tenant).iter().find(|f| f.def.id == id)
    }

    /// One service as offered in `tenant`'s portal (own or included).
    pub fn service(&self, tenant: &str, service: &str) -> Option<OfferedService<'_>> {
        let e = self.tenants.get(tenant)?;
        e.offered
            .iter()
            .find(|(_, s)| s.as_str() == service)
            .and_then(|(p, s)| self.resolve(p, s))
    }

    pub fn by_topic(&self, tenant: &str, topic: &str) -> Vec<OfferedService<'_>> {
        self.offered(tenant)
            .into_iter()
            .filter(|o| o.service.topics.iter().any(|t| t.as_str() == topic))
            .collect()
    }

    pub fn by_life_situation(&self, tenant: &str, situation: &str) -> Vec<OfferedService<'_>> {
        self.offered(tenant)
            .into_iter()
            .filter(|o| {
                o.service
                    .life_situations
                    .iter()
                    .any(|t| t.as_str() == situation)
            })
            .collect()
    }

    /// Topics that have at least one service in `tenant`'s portal, in portal order, with counts.
    pub fn topics_in_use(&self, tenant: &str) -> Vec<(&crate::portal::TopicDef, usize)> {
        let offered = self.offered(tenant);
        self.portal
            .topics
            .iter()
            .map(|t| {
                (
                    t,
                    offered
                        .iter()
                        .filter(|o| o.service.topics.contains(&t.id))
                        .count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Life situations that have at least one service in `tenant`'s portal, with counts.
    pub fn life_situations_in_use(
        &self,
        tenant: &str,
    ) -> Vec<(&crate::portal::LifeSituationDef, usize)> {
        let offered = self.offered(tenant);
        self.portal
            .life_situations
            .iter()
            .map(|l| {
                (
                    l,
                    offered
                        .iter()
                        .filter(|o| o.service.life_situations.contains(&l.id))
                        .count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// Services of `tenant`'s portal matching `query`, best first. The UI language only
    /// breaks ties by title; both languages are always searched.
    pub fn search(&self, tenant: &str, query: &str, lang: Lang) -> Vec<OfferedService<'_>> {
        let Some(e) = self.tenants.get(tenant) else {
            return Vec::new();
        };
        let q = Prepared::new(&query_words(query));
        let mut hits: Vec<(u32, OfferedService<'_>)> = e
            .search
            .iter()
            .zip(&e.offered)
            .filter_map(|(doc, (p, s))| Some((doc.score_prepared(&q)?, self.resolve(p, s)?)))
            .collect();
        hits.sort_by(|(a, x), (b, y)| {
            b.cmp(a)
                .then_with(|| x.service.title.get(lang).0.cmp(y.service.title.get(lang).0))
        });
        hits.into_iter().map(|(_, o)| o).collect()
    }
}
