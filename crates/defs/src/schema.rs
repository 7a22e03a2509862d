//! The JSON Schemas of the definition files, generated from the domain types so that the
//! file format, the validator and the shipped `schema/*.schema.json` can never disagree.

use rathaus_domain::form::CodeListDef;
use rathaus_domain::{PortalDef, ServiceDef, TenantDef};
use schemars::generate::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;
use std::sync::OnceLock;

/// The kinds of definition file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Portal,
    Tenant,
    Service,
    CodeList,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Portal, Kind::Tenant, Kind::Service, Kind::CodeList];

    /// File name of the shipped schema.
    pub fn file_name(self) -> &'static str {
        match self {
            Kind::Portal => "portal.schema.json",
            Kind::Tenant => "tenant.schema.json",
            Kind::Service => "service.schema.json",
            Kind::CodeList => "codelist.schema.json",
        }
    }
}

fn generate<T: JsonSchema>(title: &str) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let mut schema = generator.into_root_schema_for::<T>().to_value();
    strip_null(&mut schema);
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("title".into(), Value::String(title.into()));
    }
    schema
}

/// Optional keys are simply left out of our files; `null` is not a value. Removing the
/// `null` alternatives schemars adds for `Option` also keeps errors inside optional sections
/// precise (a mismatch inside `anyOf` would only say "not valid under any schema").
fn strip_null(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            if obj.get("default") == Some(&Value::Null) {
                obj.remove("default");
            }
            if let Some(Value::Array(types)) = obj.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let single = types.remove(0);
                    obj.insert("type".into(), single);
                }
            }
            if let Some(Value::Array(alts)) = obj.get("anyOf") {
                let non_null: Vec<Value> = alts
                    .iter()
                    .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                    .cloned()
                    .collect();
                if non_null.len() == 1 && alts.len() == 2 {
                    obj.remove("anyOf");
                    if let Some(Value::Object(inner)) = non_null.into_iter().next() {
                        for (k, val) in inner {
                            obj.entry(k).or_insert(val);
                        }
                    }
                }
            }
            for child in obj.values_mut() {
                strip_null(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

/// The schema of `kind`, as shipped in `schema/`.
pub fn schema(kind: Kind) -> Value {
    match kind {
        Kind::Portal => generate::<PortalDef>("Rathaus portal definition (portal.yaml)"),
        Kind::Tenant => generate::<TenantDef>("Rathaus tenant definition (<tenant>/tenant.yaml)"),
        Kind::Service => {
            generate::<ServiceDef>("Rathaus service definition (<tenant>/services/<id>.yaml)")
        }
        Kind::CodeList => generate::<CodeListDef>("Rathaus code list (codelists/<id>.yaml)"),
    }
}

/// The schema as pretty JSON text with a trailing newline, exactly as committed.
pub fn schema_text(kind: Kind) -> String {
    let mut s = serde_json::to_string_pretty(&schema(kind)).unwrap_or_default();
    s.push('\n');
    s
}

pub(crate) fn validator(kind: Kind) -> Option<&'static jsonschema::Validator> {
    static V: OnceLock<[Option<jsonschema::Validator>; 4]> = OnceLock::new();
    let all = V.get_or_init(|| Kind::ALL.map(|k| jsonschema::validator_for(&schema(k)).ok()));
    all[kind as usize].as_ref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_compile_and_are_strict() {
        for k in Kind::ALL {
            assert!(validator(k).is_some(), "{k:?} schema does not compile");
        }
        let s = schema(Kind::Service);
        assert_eq!(s["additionalProperties"], false);
        assert!(s["required"]
            .as_array()
            .is_some_and(|r| r.contains(&"title".into())));
    }

    /// The committed schema files are exactly what the types generate.
    #[test]
    fn shipped_schemas_are_current() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema");
        for k in Kind::ALL {
            let shipped = std::fs::read_to_string(dir.join(k.file_name())).unwrap_or_default();
            assert!(
                shipped == schema_text(k),
                "schema/{} is stale: run `cargo run -p rathaus -- schema --out schema`",
                k.file_name()
            );
        }
    }
}
