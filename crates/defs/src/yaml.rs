//! YAML → JSON value, remembering where every value and every mapping key stood.

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};
use std::collections::HashMap;

/// 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Positions by JSON pointer: of values, and of the keys that name them.
#[derive(Debug, Default)]
pub struct Positions {
    values: HashMap<String, Pos>,
    keys: HashMap<String, Pos>,
}

impl Positions {
    /// Where the value at `pointer` (or its closest ancestor) starts.
    pub fn value(&self, pointer: &str) -> Pos {
        let mut p = pointer;
        loop {
            if let Some(pos) = self.values.get(p) {
                return *pos;
            }
            match p.rfind('/') {
                Some(i) => p = &p[..i],
                None => return Pos { line: 1, column: 1 },
            }
        }
    }

    /// Where the key naming `pointer` stands, else where its value starts.
    pub fn key(&self, pointer: &str) -> Pos {
        self.keys
            .get(pointer)
            .copied()
            .unwrap_or_else(|| self.value(pointer))
    }
}

/// Escapes a mapping key as a JSON pointer segment (RFC 6901).
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

pub struct YamlError {
    pub pos: Pos,
    pub message: String,
}

/// Parses one YAML document into a JSON value and the positions of its parts.
pub fn parse(text: &str) -> Result<(Value, Positions), Vec<YamlError>> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        vec![YamlError {
            pos: Pos {
                line: e.marker().line(),
                column: e.marker().col() + 1,
            },
            message: format!("invalid YAML: {}", e.info()),
        }]
    })?;
    let mut docs = docs.into_iter();
    let Some(doc) = docs.next() else {
        return Err(vec![YamlError {
            pos: Pos { line: 1, column: 1 },
            message: "the file is empty".into(),
        }]);
    };
    if let Some(second) = docs.next() {
        return Err(vec![YamlError {
            pos: pos_of(&second),
            message: "only one YAML document per file is allowed".into(),
        }]);
    }
    let mut positions = Positions::default();
    let mut errors = Vec::new();
    let value = convert(&doc, String::new(), &mut positions, &mut errors);
    if errors.is_empty() {
        Ok((value, positions))
    } else {
        Err(errors)
    }
}

fn pos_of(node: &MarkedYaml<'_>) -> Pos {
    Pos {
        line: node.span.start.line().max(1),
        column: node.span.start.col() + 1,
    }
}

fn scalar(s: &Scalar<'_>, pos: Pos, errors: &mut Vec<YamlError>) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map(Value::Number)
            .unwrap_or_else(|| {
                errors.push(YamlError {
                    pos,
                    message: "infinite or NaN numbers are not allowed".into(),
                });
                Value::Null
            }),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

fn convert(
    node: &MarkedYaml<'_>,
    pointer: String,
    positions: &mut Positions,
    errors: &mut Vec<YamlError>,
) -> Value {
    let pos = pos_of(node);
    positions.values.insert(pointer.clone(), pos);
    match &node.data {
        YamlData::Value(s) => scalar(s, pos, errors),
        YamlData::Representation(raw, _, _) => Value::String(raw.to_string()),
        YamlData::Tagged(_, inner) => convert(inner, pointer, positions, errors),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| convert(item, format!("{pointer}/{i}"), positions, errors))
                .collect(),
        ),
        YamlData::Mapping(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                let key = match &k.data {
                    YamlData::Value(Scalar::String(s)) => s.to_string(),
                    YamlData::Representation(raw, _, _) => raw.to_string(),
                    _ => {
                        errors.push(YamlError {
                            pos: pos_of(k),
                            message: "mapping keys must be plain text".into(),
                        });
                        continue;
                    }
                };
                let child = format!("{pointer}/{}", escape(&key));
                positions.keys.insert(child.clone(), pos_of(k));
                let value = convert(v, child, positions, errors);
                out.insert(key, value);
            }
            Value::Object(out)
        }
        YamlData::Alias(_) | YamlData::BadValue => {
            errors.push(YamlError {
                pos,
                message: "unsupported YAML construct (aliases must refer to an earlier anchor)"
                    .into(),
            });
            Value::Null
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_values_and_keys() {
        let text = "id: hund\ntitle:\n  de: Hund\nlist:\n  - a\n  - b\n";
        let Ok((v, pos)) = parse(text) else {
            panic!("parse failed")
        };
        assert_eq!(v["title"]["de"], "Hund");
        assert_eq!(pos.value("/title/de"), Pos { line: 3, column: 7 });
        assert_eq!(pos.key("/title/de"), Pos { line: 3, column: 3 });
        assert_eq!(pos.value("/list/1"), Pos { line: 6, column: 5 });
        assert_eq!(pos.key("/id"), Pos { line: 1, column: 1 });
        // Unknown pointers fall back to their closest known ancestor.
        assert_eq!(pos.value("/title/en"), Pos { line: 3, column: 3 });
    }

    #[test]
    fn duplicate_keys_and_syntax_errors_have_positions() {
        let Err(e) = parse("a: 1\nb: 2\na: 3\n") else {
            panic!("accepted duplicate key")
        };
        assert_eq!(e[0].pos.line, 3);
        assert!(e[0].message.contains("duplicated key"), "{}", e[0].message);
        let Err(e) = parse("a: [1, 2\nb: 3\n") else {
            panic!("accepted broken flow")
        };
        assert!(e[0].message.starts_with("invalid YAML"));
    }

    #[test]
    fn scalars_keep_yaml_types() {
        let Ok((v, _)) = parse("n: 12\nf: 1.5\nb: true\ns: '12'\nz: ~\n") else {
            panic!()
        };
        assert_eq!(v["n"], 12);
        assert_eq!(v["f"], 1.5);
        assert_eq!(v["b"], true);
        assert_eq!(v["s"], "12");
        assert!(v["z"].is_null());
    }
}
