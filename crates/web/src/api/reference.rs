//! The API's description: the OpenAPI 3.1 document as JSON, and the same document as a web
//! page (no JavaScript): every operation with its parameters and answers, every schema
//! with its fields. The descriptions are written for developers, in English.

use super::DOCUMENT;
use crate::kit::{Page, Prefs, St};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use minijinja::context;
use serde::Serialize;
use serde_json::Value;

/// `GET /api/v1/openapi.json`.
pub async fn openapi() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        DOCUMENT.as_str(),
    )
        .into_response()
}

#[derive(Serialize)]
struct Operation {
    anchor: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    params: Vec<Param>,
    responses: Vec<Answer>,
}

#[derive(Serialize)]
struct Param {
    name: String,
    place: String,
    required: bool,
    kind: Kind,
    description: String,
}

#[derive(Serialize)]
struct Answer {
    status: String,
    description: String,
    media: String,
    kind: Option<Kind>,
}

/// A schema's type as a reader sees it: a name with a link to its schema, or a plain type.
#[derive(Serialize, Default)]
struct Kind {
    text: String,
    href: Option<String>,
}

#[derive(Serialize)]
struct Schema {
    anchor: String,
    name: String,
    description: String,
    fields: Vec<Field>,
    values: Vec<String>,
}

#[derive(Serialize)]
struct Field {
    name: String,
    kind: Kind,
    required: bool,
    description: String,
}

#[derive(Serialize)]
struct Tag {
    name: String,
    description: String,
    operations: Vec<Operation>,
}

fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_owned()
}

fn schema_anchor(name: &str) -> String {
    format!("schema-{name}")
}

/// How a schema reads: `Service`, `array of ServiceSummary`, `string or null`, …
fn kind(s: &Value) -> Kind {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r).to_owned();
        return Kind {
            href: Some(format!("#{}", schema_anchor(&name))),
            text: name,
        };
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(list) = s.get(key).and_then(Value::as_array) {
            let parts: Vec<Kind> = list.iter().map(kind).collect();
            let href = parts.iter().find_map(|k| k.href.clone());
            let text = parts
                .into_iter()
                .map(|k| k.text)
                .collect::<Vec<_>>()
                .join(" or ");
            return Kind { text, href };
        }
    }
    let base = match s.get("type") {
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect::<Vec<_>>()
            .join(" or "),
        Some(Value::String(t)) => t.clone(),
        _ => String::new(),
    };
    if base.starts_with("array") {
        if let Some(items) = s.get("items") {
            let inner = kind(items);
            return Kind {
                text: base.replacen("array", &format!("array of {}", inner.text), 1),
                href: inner.href,
            };
        }
    }
    Kind {
        text: base,
        href: None,
    }
}

fn operations(doc: &Value) -> Vec<Tag> {
    let mut tags: Vec<Tag> = doc
        .get("tags")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|t| Tag {
                    name: text(t, "name"),
                    description: text(t, "description"),
                    operations: Vec::new(),
                })
                .collect()
        })
        .unwrap_or_default();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return tags;
    };
    for (path, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            let params = op
                .get("parameters")
                .and_then(Value::as_array)
                .map(|ps| {
                    ps.iter()
                        .map(|p| Param {
                            name: text(p, "name"),
                            place: text(p, "in"),
                            required: p.get("required").and_then(Value::as_bool) == Some(true),
                            kind: p.get("schema").map(kind).unwrap_or_default(),
                            description: text(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let responses = op
                .get("responses")
                .and_then(Value::as_object)
                .map(|rs| {
                    rs.iter()
                        .map(|(status, r)| {
                            let content = r.get("content").and_then(Value::as_object);
                            let first = content.and_then(|c| c.iter().next());
                            Answer {
                                status: status.clone(),
                                description: text(r, "description"),
                                media: first.map(|(m, _)| m.clone()).unwrap_or_default(),
                                kind: first.and_then(|(_, c)| c.get("schema")).map(kind),
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let operation = Operation {
                anchor: format!("op-{}", text(op, "operationId")),
                method: method.to_uppercase(),
                path: path.clone(),
                summary: text(op, "summary"),
                description: text(op, "description"),
                params,
                responses,
            };
            let tag = op
                .get("tags")
                .and_then(Value::as_array)
                .and_then(|t| t.first())
                .and_then(Value::as_str)
                .unwrap_or("");
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(operation),
                None => tags.push(Tag {
                    name: tag.to_owned(),
                    description: String::new(),
                    operations: vec![operation],
                }),
            }
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    tags
}

fn schemas(doc: &Value) -> Vec<Schema> {
    let Some(all) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    all.iter()
        .map(|(name, s)| {
            let required: Vec<&str> = s
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let fields = s
                .get("properties")
                .and_then(Value::as_object)
                .map(|props| {
                    props
                        .iter()
                        .map(|(f, p)| Field {
                            name: f.clone(),
                            kind: kind(p),
                            required: required.contains(&f.as_str()),
                            description: text(p, "description"),
                        })
                        .collect()
                })
                .unwrap_or_default();
            let values = s
                .get("enum")
                .and_then(Value::as_array)
                .map(|v| {
                    v.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default();
            Schema {
                anchor: schema_anchor(name),
                name: name.clone(),
                description: text(s, "description"),
                fields,
                values,
            }
        })
        .collect()
}

/// `GET /api/v1/reference`: the API's reference as a web page.
pub async fn page(state: St, prefs: Prefs) -> Response {
    let site = state.site();
    let doc: Value = serde_json::from_str(&DOCUMENT).unwrap_or(Value::Null);
    let info = doc.get("info").cloned().unwrap_or(Value::Null);
    let page = Page::new(&site, &prefs, None);
    page.ok(
        "api/reference.html",
        context! {
            title => text(&info, "title"),
            version => text(&info, "version"),
            description => text(&info, "description"),
            openapi_href => crate::kit::paths::api_openapi(),
            index_href => crate::kit::paths::api_index(),
            tags => operations(&doc),
            schemas => schemas(&doc),
        },
    )
}
