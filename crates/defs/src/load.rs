//! Reading a definitions folder (from disk or embedded in the binary) into a [`Loaded`] set.

use crate::diag::Diagnostic;
use crate::schema::{validator, Kind};
use crate::yaml::{self, Positions};
use include_dir::Dir;
use jsonschema::error::ValidationErrorKind;
use rathaus_domain::catalog::Origin;
use rathaus_domain::form::CodeListDef;
use rathaus_domain::tenant::Problem;
use rathaus_domain::{Catalog, PortalDef, ServiceDef, ServiceId, TenantDef, TenantId};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Definition files larger than this are refused (a service definition is a few KiB).
pub const MAX_DEFINITION_BYTES: usize = 1024 * 1024;
/// Tenant assets (logos) larger than this are refused.
pub const MAX_ASSET_BYTES: usize = 2 * 1024 * 1024;

/// Where definitions come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// A folder on disk.
    Dir(PathBuf),
    /// A folder compiled into the binary (the demo), shown under the given name.
    Embedded(&'static Dir<'static>, &'static str),
}

impl Source {
    /// What to call this source in messages.
    pub fn describe(&self) -> String {
        match self {
            Source::Dir(p) => p.display().to_string(),
            Source::Embedded(_, name) => format!("{name} (built in)"),
        }
    }

    /// All files as (path relative to the root with `/` separators, bytes), sorted.
    fn read(&self) -> Result<Vec<(String, Vec<u8>)>, Vec<Diagnostic>> {
        let mut out = Vec::new();
        match self {
            Source::Dir(root) => {
                if !root.is_dir() {
                    return Err(vec![Diagnostic::file(
                        root.display().to_string(),
                        "definitions folder does not exist or is not a folder",
                    )]);
                }
                let mut errors = Vec::new();
                walk(root, root, &mut out, &mut errors);
                if !errors.is_empty() {
                    return Err(errors);
                }
            }
            Source::Embedded(dir, _) => collect_embedded(dir, &mut out),
        }
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    fn display(&self, rel: &str) -> String {
        match self {
            Source::Dir(root) => root.join(rel).display().to_string(),
            Source::Embedded(_, name) => format!("{name}/{rel}"),
        }
    }
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>, errors: &mut Vec<Diagnostic>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(Diagnostic::file(
                dir.display().to_string(),
                format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            walk(root, &path, out, errors);
        } else {
            let rel = path
                .strip_prefix(root)
                .map(|p| {
                    p.components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/")
                })
                .unwrap_or(name);
            match std::fs::read(&path) {
                Ok(bytes) => out.push((rel, bytes)),
                Err(e) => errors.push(Diagnostic::file(
                    path.display().to_string(),
                    format!("cannot read file: {e}"),
                )),
            }
        }
    }
}

fn collect_embedded(dir: &Dir<'static>, out: &mut Vec<(String, Vec<u8>)>) {
    for file in dir.files() {
        let rel = file.path().to_string_lossy().replace('\\', "/");
        if !rel.rsplit('/').next().unwrap_or("").starts_with('.') {
            out.push((rel, file.contents().to_vec()));
        }
    }
    for sub in dir.dirs() {
        collect_embedded(sub, out);
    }
}

/// A tenant's overrides: templates, static assets and translations.
#[derive(Debug, Clone, Default)]
pub struct TenantFiles {
    /// Template name (e.g. `kit/base.html`) → (display path, source).
    pub templates: BTreeMap<String, (String, String)>,
    /// Asset file name → bytes.
    pub assets: BTreeMap<String, Arc<Vec<u8>>>,
    /// Language code → (display path, Fluent source).
    pub locales: BTreeMap<String, (String, String)>,
}

/// A fully validated definition set.
#[derive(Debug)]
pub struct Loaded {
    pub catalog: Catalog,
    pub tenant_files: BTreeMap<TenantId, TenantFiles>,
    /// Canonical JSON of each service definition and its SHA-256, by (tenant, service).
    /// Comments and formatting do not change it; any change of content does.
    pub service_json: BTreeMap<(TenantId, ServiceId), (String, String)>,
    /// Number of files read.
    pub file_count: usize,
}

struct Parsed<T> {
    value: T,
    display: String,
    positions: Positions,
}

/// Loads and validates everything under `source`; on failure returns every problem found.
pub fn load(source: &Source) -> Result<Loaded, Vec<Diagnostic>> {
    let files = source.read()?;
    let file_count = files.len();
    let mut diags = Vec::new();
    let mut portal: Option<Parsed<PortalDef>> = None;
    let mut tenants: Vec<(String, Parsed<TenantDef>)> = Vec::new();
    let mut services: Vec<(String, Parsed<ServiceDef>)> = Vec::new();
    let mut codelists: Vec<Parsed<CodeListDef>> = Vec::new();
    let mut tenant_files: BTreeMap<String, TenantFiles> = BTreeMap::new();
    let mut tenant_folders: BTreeMap<String, String> = BTreeMap::new();
    // Set when some definition could not be read as its type: cross-file checks would then
    // only report follow-up errors.
    let mut incomplete = false;

    for (rel, bytes) in files {
        let display = source.display(&rel);
        let parts: Vec<&str> = rel.split('/').collect();
        if parts
            .last()
            .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
        {
            continue;
        }
        if parts.len() >= 2 && parts[0] != "codelists" {
            tenant_folders
                .entry(parts[0].to_owned())
                .or_insert_with(|| source.display(parts[0]));
        }
        match parts.as_slice() {
            ["portal.yaml"] => {
                match parse_file::<PortalDef>(Kind::Portal, &display, &bytes, &mut diags) {
                    Some(p) => portal = Some(p),
                    None => incomplete = true,
                }
            }
            ["codelists", file] if file.ends_with(".yaml") => {
                let stem = file.trim_end_matches(".yaml");
                let parsed = parse_file::<CodeListDef>(Kind::CodeList, &display, &bytes, &mut diags);
                incomplete |= parsed.is_none();
                if let Some(p) = parsed {
                    if p.value.id != stem {
                        let pos = p.positions.value("/id");
                        diags.push(Diagnostic::new(
                            &display,
                            pos.line,
                            pos.column,
                            format!("code list id '{}' must equal the file name '{stem}'", p.value.id),
                        ));
                    }
                    codelists.push(p);
                }
            }
            [tenant, "tenant.yaml"] => {
                let parsed = parse_file::<TenantDef>(Kind::Tenant, &display, &bytes, &mut diags);
                incomplete |= parsed.is_none();
                if let Some(p) = parsed {
                    if p.value.id.as_str() != *tenant {
                        let pos = p.positions.value("/id");
                        diags.push(Diagnostic::new(
                            &display,
                            pos.line,
                            pos.column,
                            format!("tenant id '{}' must equal its folder name '{tenant}'", p.value.id),
                        ));
                    }
                    tenants.push(((*tenant).to_owned(), p));
                }
            }
            [tenant, "services", file] if file.ends_with(".yaml") => {
                let stem = file.trim_end_matches(".yaml");
                let parsed = parse_file::<ServiceDef>(Kind::Service, &display, &bytes, &mut diags);
                incomplete |= parsed.is_none();
                if let Some(p) = parsed {
                    if p.value.id.as_str() != stem {
                        let pos = p.positions.value("/id");
                        diags.push(Diagnostic::new(
                            &display,
                            pos.line,
                            pos.column,
                            format!("service id '{}' must equal the file name '{stem}'", p.value.id),
                        ));
                    }
                    services.push(((*tenant).to_owned(), p));
                }
            }
            [tenant, "templates", path @ ..]
                if (1..=2).contains(&path.len()) && path.last().is_some_and(|n| n.ends_with(".html")) =>
            {
                match String::from_utf8(bytes) {
                    Ok(text) => {
                        tenant_files
                            .entry((*tenant).to_owned())
                            .or_default()
                            .templates
                            .insert(path.join("/"), (display, text));
                    }
                    Err(_) => diags.push(Diagnostic::file(display, "template is not valid UTF-8")),
                }
            }
            [tenant, "locales", name] if *name == "de.ftl" || *name == "en.ftl" => match String::from_utf8(bytes) {
                Ok(text) => {
                    let lang = name.trim_end_matches(".ftl").to_owned();
                    tenant_files.entry((*tenant).to_owned()).or_default().locales.insert(lang, (display, text));
                }
                Err(_) => diags.push(Diagnostic::file(display, "translation file is not valid UTF-8")),
            },
            [tenant, "assets", name] => {
                if bytes.len() > MAX_ASSET_BYTES {
                    diags.push(Diagnostic::file(
                        display,
                        format!("asset is {} bytes, the limit is {MAX_ASSET_BYTES} bytes", bytes.len()),
                    ));
                } else {
                    tenant_files
                        .entry((*tenant).to_owned())
                        .or_default()
                        .assets
                        .insert((*name).to_owned(), Arc::new(bytes));
                }
            }
            _ => diags.push(Diagnostic::file(
                display,
                "unexpected file: expected portal.yaml, codelists/<id>.yaml, <tenant>/tenant.yaml, <tenant>/services/<id>.yaml, \
                 <tenant>/templates/<folder>/<name>.html, <tenant>/locales/de.ftl|en.ftl or <tenant>/assets/<file>",
            )),
        }
    }

    for (folder, display) in &tenant_folders {
        let has_file = tenants.iter().any(|(t, _)| t == folder)
            || diags
                .iter()
                .any(|d| d.file == source.display(&format!("{folder}/tenant.yaml")));
        if !has_file {
            incomplete = true;
            diags.push(Diagnostic::file(
                display,
                format!("tenant folder '{folder}' has no tenant.yaml"),
            ));
        }
    }
    let Some(portal) = portal else {
        if !diags.iter().any(|d| d.file.ends_with("portal.yaml")) {
            diags.push(Diagnostic::file(
                source.display("portal.yaml"),
                "portal.yaml is missing",
            ));
        }
        return Err(finish(diags));
    };

    // Per-tenant file checks that need the typed tenant.
    for (folder, t) in &tenants {
        if let Some(logo) = &t.value.branding.logo {
            let exists = tenant_files
                .get(folder)
                .is_some_and(|f| f.assets.contains_key(logo));
            if !exists {
                let pos = t.positions.value("/branding/logo");
                diags.push(Diagnostic::new(
                    &t.display,
                    pos.line,
                    pos.column,
                    format!("logo '{logo}' not found in {folder}/assets/"),
                ));
            }
        }
    }
    if incomplete {
        return Err(finish(diags));
    }

    let tenant_defs: Vec<TenantDef> = tenants.iter().map(|(_, t)| t.value.clone()).collect();
    let service_defs: Vec<(TenantId, ServiceDef)> = services
        .iter()
        .filter_map(|(folder, s)| Some((TenantId::parse(folder)?, s.value.clone())))
        .collect();
    let list_defs: Vec<CodeListDef> = codelists.iter().map(|c| c.value.clone()).collect();
    let catalog = match Catalog::build(portal.value.clone(), tenant_defs, service_defs, list_defs) {
        Ok(_) if !diags.is_empty() => return Err(finish(diags)),
        Ok(c) => c,
        Err(errors) => {
            for e in errors {
                let (display, positions) = match e.origin {
                    Origin::Portal => (&portal.display, &portal.positions),
                    Origin::Tenant(i) => (&tenants[i].1.display, &tenants[i].1.positions),
                    Origin::Service(i) => (&services[i].1.display, &services[i].1.positions),
                    Origin::CodeList(i) => (&codelists[i].display, &codelists[i].positions),
                };
                let pos = positions.value(&e.pointer);
                diags.push(Diagnostic::new(display, pos.line, pos.column, e.message));
            }
            return Err(finish(diags));
        }
    };

    let service_json = services
        .into_iter()
        .filter_map(|(folder, s)| {
            let json = serde_json::to_string(&s.value).ok()?;
            let hash = hex(&Sha256::digest(json.as_bytes()));
            Some(((TenantId::parse(&folder)?, s.value.id), (hash, json)))
        })
        .collect();
    let tenant_files = tenant_files
        .into_iter()
        .filter_map(|(folder, files)| Some((TenantId::parse(&folder)?, files)))
        .collect();
    Ok(Loaded {
        catalog,
        tenant_files,
        service_json,
        file_count,
    })
}

fn finish(mut diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diags.sort();
    diags.dedup();
    diags
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs steps 1–3 of the pipeline for one file; pushes every problem to `diags`.
fn parse_file<T: DeserializeOwned + CheckRules>(
    kind: Kind,
    display: &str,
    bytes: &[u8],
    diags: &mut Vec<Diagnostic>,
) -> Option<Parsed<T>> {
    if bytes.len() > MAX_DEFINITION_BYTES {
        diags.push(Diagnostic::file(
            display,
            format!(
                "file is {} bytes, the limit is {MAX_DEFINITION_BYTES} bytes",
                bytes.len()
            ),
        ));
        return None;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        diags.push(Diagnostic::file(display, "file is not valid UTF-8"));
        return None;
    };
    let (value, positions) = match yaml::parse(text) {
        Ok(v) => v,
        Err(errors) => {
            for e in errors {
                diags.push(Diagnostic::new(
                    display,
                    e.pos.line,
                    e.pos.column,
                    e.message,
                ));
            }
            return None;
        }
    };
    let before = diags.len();
    if let Some(v) = validator(kind) {
        for err in v.iter_errors(&value) {
            push_schema_error(display, &positions, &err, diags);
        }
    } else {
        diags.push(Diagnostic::file(
            display,
            "internal error: schema did not compile",
        ));
    }
    if diags.len() > before {
        return None;
    }
    let typed: T = match serde_json::from_value(value) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::file(display, e.to_string()));
            return None;
        }
    };
    let problems = typed.check_rules();
    for p in &problems {
        let pos = positions.value(&p.pointer);
        diags.push(Diagnostic::new(
            display,
            pos.line,
            pos.column,
            p.message.clone(),
        ));
    }
    // Rule problems are reported, but the typed value is still returned so that the
    // cross-file checks can run too and every problem is reported in one go.
    Some(Parsed {
        value: typed,
        display: display.to_owned(),
        positions,
    })
}

fn push_schema_error(
    display: &str,
    positions: &Positions,
    err: &jsonschema::ValidationError<'_>,
    diags: &mut Vec<Diagnostic>,
) {
    let pointer = err.instance_path().as_str();
    let at = |p: &str| positions.value(p);
    let field = pointer
        .rsplit('/')
        .next()
        .filter(|s| !s.is_empty())
        .map(|s| format!("'{s}': "))
        .unwrap_or_default();
    match err.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            for key in unexpected {
                let pos = positions.key(&format!("{pointer}/{}", yaml::escape(key)));
                diags.push(Diagnostic::new(
                    display,
                    pos.line,
                    pos.column,
                    format!("unknown key '{key}'"),
                ));
            }
        }
        ValidationErrorKind::Required { property } => {
            let pos = at(pointer);
            let name = property
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| property.to_string());
            diags.push(Diagnostic::new(
                display,
                pos.line,
                pos.column,
                format!("missing required key '{name}'"),
            ));
        }
        ValidationErrorKind::Type { kind } => {
            let pos = at(pointer);
            let expected = match kind {
                jsonschema::error::TypeKind::Single(t) => t.to_string(),
                jsonschema::error::TypeKind::Multiple(ts) => ts
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = describe(err.instance());
            let hint = if expected == "string"
                && (err.instance().is_number() || err.instance().is_boolean())
            {
                " (put the value in quotes)"
            } else {
                ""
            };
            diags.push(Diagnostic::new(
                display,
                pos.line,
                pos.column,
                format!("{field}expected {expected}, found {found}{hint}"),
            ));
        }
        _ => {
            let pos = at(pointer);
            diags.push(Diagnostic::new(
                display,
                pos.line,
                pos.column,
                format!("{field}{err}"),
            ));
        }
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("boolean {b}"),
        Value::Number(n) => format!("number {n}"),
        Value::String(s) => format!("string \"{s}\""),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

/// The per-file rules of each definition type.
trait CheckRules {
    fn check_rules(&self) -> Vec<Problem>;
}
impl CheckRules for PortalDef {
    fn check_rules(&self) -> Vec<Problem> {
        Vec::new()
    }
}
impl CheckRules for TenantDef {
    fn check_rules(&self) -> Vec<Problem> {
        self.check()
    }
}
impl CheckRules for CodeListDef {
    fn check_rules(&self) -> Vec<Problem> {
        Vec::new()
    }
}
impl CheckRules for ServiceDef {
    fn check_rules(&self) -> Vec<Problem> {
        self.check()
    }
}
