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

/// The site as the application layer sees it when a case changes (`rathaus_app::cases`):
/// the tenants' hand-over targets and the notification mail in the tenant's words.
pub struct CasePortal<'a> {
    pub site: &'a Site,
    pub public_url: &'a str,
}

impl Site {
    pub fn case_portal<'a>(&'a self, public_url: &'a str) -> CasePortal<'a> {
        CasePortal {
            site: self,
            public_url,
        }
    }
}

impl rathaus_app::cases::Portal for CasePortal<'_> {
    fn tenant(&self, id: &str) -> Option<&rathaus_domain::TenantDef> {
        self.site.catalog.tenant(id)
    }

    /// The mail "something new in your Postkorb" (links only, no content).
    fn postkorb_mail(&self, tid: &str, to: &str) -> String {
        let messages = &self.site.themes.tenant(tid).messages;
        let base = self.public_url.trim_end_matches('/');
        let mut a = fluent_bundle::FluentArgs::new();
        a.set("link", format!("{base}{}", crate::urls::my_area(tid)));
        a.set(
            "guest_link",
            format!("{base}{}", crate::urls::guest_access(tid)),
        );
        serde_json::to_string(&rathaus_jobs::MailPayload {
            to: to.to_owned(),
            subject: messages.get(rathaus_domain::Lang::De, "mail-postkorb-subject", None),
            body: messages.get(rathaus_domain::Lang::De, "mail-postkorb-body", Some(&a)),
            attachment: None,
        })
        .unwrap_or_default()
    }
}
