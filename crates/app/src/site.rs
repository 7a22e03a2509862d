//! A `Site` is everything that comes from the definitions folder, validated and ready for
//! every face: the catalogue (tenants, offices, services with their forms), the words of
//! each tenant (Fluent messages with its overrides) and the files a tenant brings for its
//! pages (template overrides, assets). It is immutable; a reload builds a new one and swaps
//! it in atomically ([`crate::App::install`]), so an operation never sees half of an old and
//! half of a new set.

use crate::texts::{Messages, Words};
use rathaus_defs::{Diagnostic, Loaded, Source, TenantFiles};
use rathaus_domain::{Catalog, Lang, TenantDef, TenantId};
use rathaus_store::ServiceVersion;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug)]
pub struct Site {
    pub catalog: Catalog,
    /// The portal's own words (pages outside any tenant).
    portal_texts: Arc<Messages>,
    texts: BTreeMap<TenantId, Arc<Messages>>,
    /// What each tenant brings for its pages: template overrides and assets (read by the
    /// web face; the application layer does not look inside).
    pub files: BTreeMap<TenantId, TenantFiles>,
}

impl Site {
    /// Reads and validates a definitions folder; returns the site and the definition
    /// versions to record before it goes live.
    pub fn load(source: &Source) -> Result<(Site, Vec<ServiceVersion>), Vec<Diagnostic>> {
        Site::from_loaded(rathaus_defs::load(source)?)
    }

    pub fn from_loaded(loaded: Loaded) -> Result<(Site, Vec<ServiceVersion>), Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let portal_texts = Messages::new(None, None).map_err(|d| diags.extend(d));
        let mut texts = BTreeMap::new();
        for t in loaded.catalog.tenants() {
            let files = loaded.tenant_files.get(&t.id);
            match Messages::new(
                files.and_then(|f| f.locales.get("de")),
                files.and_then(|f| f.locales.get("en")),
            ) {
                Ok(m) => {
                    texts.insert(t.id.clone(), m);
                }
                Err(d) => diags.extend(d),
            }
        }
        let portal_texts = match portal_texts {
            Ok(p) if diags.is_empty() => p,
            _ => {
                diags.sort();
                diags.dedup();
                return Err(diags);
            }
        };
        let versions = loaded
            .service_json
            .iter()
            .filter_map(|((tenant, service), (hash, json))| {
                let def = loaded.catalog.service(tenant.as_str(), service.as_str())?;
                Some(ServiceVersion {
                    tenant_id: tenant.to_string(),
                    service_id: service.to_string(),
                    version: i64::from(def.service.version),
                    content_hash: hash.clone(),
                    definition: json.clone(),
                })
            })
            .collect();
        Ok((
            Site {
                catalog: loaded.catalog,
                portal_texts,
                texts,
                files: loaded.tenant_files,
            },
            versions,
        ))
    }

    /// The messages of tenant `id` (the portal's for an unknown id).
    pub fn messages(&self, id: &str) -> &Arc<Messages> {
        self.texts.get(id).unwrap_or(&self.portal_texts)
    }

    /// The portal's own messages.
    pub fn portal_messages(&self) -> &Arc<Messages> {
        &self.portal_texts
    }

    /// The words of tenant `id` in `lang`.
    pub fn words(&self, id: &str, lang: Lang) -> Words<'_> {
        Words {
            messages: self.messages(id),
            lang,
        }
    }

    pub fn tenant(&self, id: &str) -> Option<&TenantDef> {
        self.catalog.tenant(id)
    }

    /// The name under which the authority writes ("Stadt Solingen, Ausländerbehörde"): the
    /// responsible tenant and office of `service` as offered in portal `tid`.
    pub fn authority_name(&self, tid: &str, service: &str, provider: &str) -> String {
        self.catalog
            .service(tid, service)
            .map(|o| format!("{}, {}", o.provider.name.de, o.office.name.de))
            .unwrap_or_else(|| provider.to_owned())
    }
}
