//! A `Site` is everything that comes from the definitions folder, validated and ready to
//! serve: catalogue, themes, tenant assets. It is immutable; a reload builds a new one and
//! swaps it in atomically, so a request never sees half of an old and half of a new set.

use crate::cache::PageCache;
use crate::theme::Themes;
use rathaus_defs::{Diagnostic, Loaded, Source};
use rathaus_domain::{Catalog, TenantId};
use rathaus_store::ServiceVersion;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug)]
pub struct Site {
    pub catalog: Catalog,
    pub themes: Themes,
    pub assets: BTreeMap<TenantId, BTreeMap<String, Arc<Vec<u8>>>>,
    /// Per-tenant stylesheet with the branding colours.
    pub theme_css: BTreeMap<TenantId, String>,
    /// Rendered pages of this site (emptied with it on reload).
    pub cache: PageCache,
}

impl Site {
    /// Loads a site and the definition versions to record before it goes live.
    pub fn load(
        source: &Source,
        cache_bytes: u64,
    ) -> Result<(Site, Vec<ServiceVersion>), Vec<Diagnostic>> {
        let loaded = rathaus_defs::load(source)?;
        Site::from_loaded(loaded, cache_bytes)
    }

    pub fn from_loaded(
        loaded: Loaded,
        cache_bytes: u64,
    ) -> Result<(Site, Vec<ServiceVersion>), Vec<Diagnostic>> {
        let themes = Themes::build(&loaded)?;
        let theme_css = loaded
            .catalog
            .tenants()
            .map(|t| {
                (
                    t.id.clone(),
                    format!(":root {{ --primary: {}; }}\n", t.branding.primary_color),
                )
            })
            .collect();
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
        let assets = loaded
            .tenant_files
            .iter()
            .map(|(t, f)| (t.clone(), f.assets.clone()))
            .collect();
        let site = Site {
            catalog: loaded.catalog,
            themes,
            assets,
            theme_css,
            cache: PageCache::new(cache_bytes),
        };
        Ok((site, versions))
    }
}
