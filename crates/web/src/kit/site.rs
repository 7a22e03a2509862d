//! The web face's view of a loaded definition set: the application layer's [`Site`]
//! (catalogue and words) plus what only pages need — the templates of every tenant, its
//! assets and branding stylesheet, and the cache of rendered pages. Built together with
//! the core site on every (re)load and swapped in as one, so a request never sees half of
//! an old and half of a new set.

use crate::kit::cache::PageCache;
use crate::kit::theme::Themes;
use rathaus_defs::Diagnostic;
use rathaus_domain::TenantId;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug)]
pub struct Site {
    /// Catalogue and words, shared with the application layer.
    pub core: Arc<rathaus_app::Site>,
    pub themes: Themes,
    pub assets: BTreeMap<TenantId, BTreeMap<String, Arc<Vec<u8>>>>,
    /// Per-tenant stylesheet with the branding colours.
    pub theme_css: BTreeMap<TenantId, String>,
    /// Rendered pages of this site (emptied with it on reload).
    pub cache: PageCache,
}

impl std::ops::Deref for Site {
    type Target = rathaus_app::Site;

    fn deref(&self) -> &rathaus_app::Site {
        &self.core
    }
}

impl Site {
    /// The pages' part of a loaded core site: templates (with every tenant's overrides,
    /// checked here with file, line and reason), assets and stylesheets.
    pub fn build(core: Arc<rathaus_app::Site>, cache_bytes: u64) -> Result<Site, Vec<Diagnostic>> {
        let themes = Themes::build(&core)?;
        let theme_css = core
            .catalog
            .tenants()
            .map(|t| {
                (
                    t.id.clone(),
                    format!(":root {{ --primary: {}; }}\n", t.branding.primary_color),
                )
            })
            .collect();
        let assets = core
            .files
            .iter()
            .map(|(t, f)| (t.clone(), f.assets.clone()))
            .collect();
        Ok(Site {
            core,
            themes,
            assets,
            theme_css,
            cache: PageCache::new(cache_bytes),
        })
    }

    /// Loads a definitions folder for the web face: the core site, its pages' part and the
    /// definition versions to record before it goes live.
    pub fn load(
        source: &rathaus_defs::Source,
        cache_bytes: u64,
    ) -> Result<(Site, Vec<rathaus_store::ServiceVersion>), Vec<Diagnostic>> {
        let (core, versions) = rathaus_app::Site::load(source)?;
        Ok((Site::build(Arc::new(core), cache_bytes)?, versions))
    }
}
