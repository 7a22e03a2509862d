//! Templates (minijinja) per tenant, with the tenant's words. Templates are compiled into
//! the binary from `assets/templates/`, in one folder per audience (`kit/` for the frame
//! every page shares, `public/`, `citizen/`, `staff/`, `machine/`); a tenant may override
//! any of them by putting a file of the same path in `<tenant>/templates/` — no
//! recompiling. Broken overrides, and overrides under a name that no longer exists (with
//! the name it has now), are found at load time with file, line and reason, like broken
//! definitions.

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

/// Names of the built-in templates (`folder/name.html`).
pub fn template_names() -> impl Iterator<Item = &'static str> {
    TEMPLATES
        .dirs()
        .flat_map(|d| d.files())
        .chain(TEMPLATES.files())
        .filter_map(|f| f.path().to_str())
}

fn builtin(name: &str) -> Option<&'static str> {
    TEMPLATES.get_file(name).and_then(|f| f.contents_utf8())
}

/// Templates that had another name before they were sorted by audience: an override under
/// the old name is refused with the new one.
const RENAMED: &[(&str, &str)] = &[
    ("base.html", "kit/base.html"),
    ("macros.html", "kit/macros.html"),
    ("not_found.html", "kit/not_found.html"),
    ("problem.html", "kit/problem.html"),
    ("apply_expired.html", "kit/expired.html"),
    ("staff_conflict.html", "kit/conflict.html"),
    ("login_failed.html", "kit/login_failed.html"),
    ("logged_out.html", "kit/logged_out.html"),
    ("portal_home.html", "public/portal_home.html"),
    ("tenant_home.html", "public/tenant_home.html"),
    ("service_index.html", "public/service_index.html"),
    ("service.html", "public/service.html"),
    ("easy.html", "public/easy.html"),
    ("group_index.html", "public/group_index.html"),
    ("group.html", "public/group.html"),
    ("office_index.html", "public/office_index.html"),
    ("office.html", "public/office.html"),
    ("search.html", "public/search.html"),
    ("legal.html", "public/legal.html"),
    ("form_macros.html", "citizen/form_macros.html"),
    ("payment_fee.html", "citizen/payment_fee.html"),
    ("apply_start.html", "citizen/apply_start.html"),
    ("apply_step.html", "citizen/apply_step.html"),
    ("apply_check.html", "citizen/apply_check.html"),
    ("apply_saved.html", "citizen/apply_saved.html"),
    ("apply_sent.html", "citizen/apply_sent.html"),
    ("apply_resume.html", "citizen/apply_resume.html"),
    ("apply_receipt.html", "citizen/apply_receipt.html"),
    ("precheck.html", "citizen/precheck.html"),
    ("demo_pay.html", "citizen/demo_pay.html"),
    ("case.html", "citizen/case.html"),
    ("message.html", "citizen/message.html"),
    ("my_area.html", "citizen/my_area.html"),
    ("delete_account.html", "citizen/delete_account.html"),
    ("guest_access.html", "citizen/guest_access.html"),
    ("login_needed.html", "citizen/login_needed.html"),
    ("appointments.html", "citizen/appointments.html"),
    ("appointment_office.html", "citizen/appointment_office.html"),
    ("appointment_book.html", "citizen/appointment_book.html"),
    ("appointment.html", "citizen/appointment.html"),
    ("appointment_notice.html", "citizen/appointment_notice.html"),
    ("id_status.html", "citizen/id_status.html"),
    ("found_search.html", "citizen/found_search.html"),
    ("found_loss.html", "citizen/found_loss.html"),
    ("found_claim.html", "citizen/found_claim.html"),
    ("found_manage.html", "citizen/found_manage.html"),
    ("found_macros.html", "citizen/found_macros.html"),
    ("notice.html", "citizen/notice.html"),
    ("folder_new.html", "citizen/folder_new.html"),
    ("folder.html", "citizen/folder.html"),
    ("folder_open.html", "citizen/folder_open.html"),
    ("staff_base.html", "staff/base.html"),
    ("staff_inbox.html", "staff/inbox.html"),
    ("staff_case.html", "staff/case.html"),
    ("staff_cash.html", "staff/cash.html"),
    ("staff_cash_lines.html", "staff/cash_lines.html"),
    ("staff_deliveries.html", "staff/deliveries.html"),
    ("staff_figures.html", "staff/figures.html"),
    ("staff_print.html", "staff/print.html"),
    ("staff_audit.html", "staff/audit.html"),
    ("staff_visitors.html", "staff/visitors.html"),
    ("staff_id_status.html", "staff/id_status.html"),
    ("staff_found.html", "staff/found.html"),
    ("kiosk.html", "machine/kiosk.html"),
    ("kiosk_ticket.html", "machine/kiosk_ticket.html"),
    ("display.html", "machine/display.html"),
    ("screen_base.html", "machine/screen_base.html"),
];

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
                if builtin(name).is_some() {
                    continue;
                }
                let why = match RENAMED.iter().find(|(old, _)| old == name) {
                    Some((_, new)) => format!(
                        "the template '{name}' is now called '{new}': move the override to templates/{new}"
                    ),
                    None => {
                        let mut known: Vec<&str> = template_names().collect();
                        known.sort_unstable();
                        format!(
                            "no built-in template '{name}' to override (known: {})",
                            known.join(", ")
                        )
                    }
                };
                diags.push(Diagnostic::file(display, why));
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
