//! Templates (minijinja) and messages (Fluent) per tenant. Templates are compiled into the
//! binary from `assets/templates/`; a tenant may override any of them by putting a file of
//! the same name in `<tenant>/templates/` — no recompiling. Broken overrides are found at
//! load time with file, line and reason, like broken definitions.

use fluent_bundle::{FluentArgs, FluentValue};
use include_dir::{include_dir, Dir};
use minijinja::value::Kwargs;
use minijinja::{Environment, State};
use rathaus_app::texts::Messages;
use rathaus_defs::{Diagnostic, TenantFiles};
use rathaus_domain::{Lang, TenantId};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

static TEMPLATES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/../../assets/templates");

/// Names of the built-in templates.
pub fn template_names() -> impl Iterator<Item = &'static str> {
    TEMPLATES.files().filter_map(|f| f.path().to_str())
}

fn builtin(name: &str) -> Option<&'static str> {
    TEMPLATES.get_file(name).and_then(|f| f.contents_utf8())
}

/// Templates and messages of one tenant (or of the portal pages outside any tenant).
pub struct Theme {
    env: Environment<'static>,
    pub messages: Arc<Messages>,
}

impl std::fmt::Debug for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Theme")
    }
}

impl Theme {
    fn build(
        files: Option<&TenantFiles>,
        messages: Arc<Messages>,
    ) -> Result<Theme, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(false);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        let overrides: HashMap<String, String> = files
            .map(|f| {
                f.templates
                    .iter()
                    .map(|(k, (_, src))| (k.clone(), src.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let mut diags = Vec::new();
        for name in template_names() {
            let source = overrides
                .get(name)
                .cloned()
                .or_else(|| builtin(name).map(str::to_owned));
            if let Some(source) = source {
                if let Err(e) = env.add_template_owned(name.to_owned(), source) {
                    let display = files
                        .and_then(|f| f.templates.get(name))
                        .map(|(d, _)| d.clone())
                        .unwrap_or_else(|| format!("assets/templates/{name}"));
                    diags.push(Diagnostic::new(
                        display,
                        e.line().unwrap_or(1),
                        1,
                        format!("template error: {}", e.detail().unwrap_or("syntax error")),
                    ));
                }
            }
        }
        if let Some(f) = files {
            for (name, (display, _)) in &f.templates {
                if builtin(name).is_none() {
                    diags.push(Diagnostic::file(
                        display,
                        format!(
                            "no built-in template '{name}' to override (known: {})",
                            template_names().collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
        }
        if !diags.is_empty() {
            return Err(diags);
        }
        let m = messages.clone();
        env.add_function(
            "t",
            move |state: &State, key: &str, kwargs: Kwargs| -> String {
                let lang = state
                    .lookup("lang")
                    .and_then(|l| l.as_str().and_then(Lang::parse))
                    .unwrap_or(Lang::De);
                let mut args = FluentArgs::new();
                for k in kwargs.args() {
                    if let Ok(v) = kwargs.get::<minijinja::Value>(k) {
                        args.set(k.to_owned(), fluent_value(&v));
                    }
                }
                let _ = kwargs.assert_all_used();
                m.get(
                    lang,
                    key,
                    if args.iter().next().is_some() {
                        Some(&args)
                    } else {
                        None
                    },
                )
            },
        );
        Ok(Theme { env, messages })
    }

    pub fn render(&self, name: &str, ctx: minijinja::Value) -> Result<String, minijinja::Error> {
        self.env.get_template(name)?.render(ctx)
    }
}

/// The portal theme and one theme per tenant.
#[derive(Debug)]
pub struct Themes {
    portal: Theme,
    tenants: BTreeMap<TenantId, Theme>,
}

impl Themes {
    pub fn build(site: &rathaus_app::Site) -> Result<Themes, Vec<Diagnostic>> {
        let mut diags = Vec::new();
        let portal =
            Theme::build(None, site.portal_messages().clone()).map_err(|d| diags.extend(d));
        let mut tenants = BTreeMap::new();
        for t in site.catalog.tenants() {
            match Theme::build(site.files.get(&t.id), site.messages(t.id.as_str()).clone()) {
                Ok(theme) => {
                    tenants.insert(t.id.clone(), theme);
                }
                Err(d) => diags.extend(d),
            }
        }
        match portal {
            Ok(portal) if diags.is_empty() => Ok(Themes { portal, tenants }),
            _ => {
                diags.sort();
                diags.dedup();
                Err(diags)
            }
        }
    }

    pub fn portal(&self) -> &Theme {
        &self.portal
    }

    pub fn tenant(&self, id: &str) -> &Theme {
        self.tenants.get(id).unwrap_or(&self.portal)
    }
}

/// Validates the presentation files of a loaded set (template overrides, translations).
pub fn check(site: &rathaus_app::Site) -> Result<(), Vec<Diagnostic>> {
    Themes::build(site).map(|_| ())
}

/// Converts a template argument to a Fluent value (numbers stay numbers, for plurals).
fn fluent_value(v: &minijinja::Value) -> FluentValue<'static> {
    if let Some(n) = v.as_i64() {
        FluentValue::from(n)
    } else {
        FluentValue::from(v.to_string())
    }
}
