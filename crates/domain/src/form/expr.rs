//! CEL expressions over form answers.
//!
//! Variables: every top-level field by id (unanswered: `null`), every computed value, and
//! `today` (YYYY-MM-DD). Inside a repeatable group, the fields of the current entry are
//! variables too (shadowing nothing: ids are unique). Groups are lists of maps.
//! Extra functions: `years_between(a, b)` (full years from date a to date b),
//! `add_years(date, n)`, `add_days(date, n)`.

use cel::{Context, Program, Value};
use serde_json::{Map, Value as Json};
use std::sync::Arc;

/// A compiled expression and the variables it refers to.
#[derive(Debug)]
pub struct Expr {
    pub source: String,
    program: Program,
    variables: Vec<String>,
}

/// Names every expression may use besides fields and computed values.
pub const BUILTIN_VARIABLES: &[&str] = &["today"];

impl Expr {
    pub fn compile(source: &str) -> Result<Expr, String> {
        let program =
            Program::compile(source).map_err(|e| format!("invalid CEL expression: {e}"))?;
        let mut variables: Vec<String> = program
            .references()
            .variables()
            .into_iter()
            .map(str::to_owned)
            .collect();
        variables.sort();
        variables.dedup();
        Ok(Expr {
            source: source.to_owned(),
            program,
            variables,
        })
    }

    /// Variables the expression refers to (without macro-local names such as `x` in `all(x, …)`
    /// — the CEL parser reports those as well, which the loader tolerates for known macros).
    pub fn variables(&self) -> &[String] {
        &self.variables
    }

    /// Evaluates with the given variables.
    pub fn eval(&self, vars: &Vars<'_>) -> Result<Value, String> {
        ROOT.with(|root| {
            let mut ctx = root.new_inner_scope();
            for (k, v) in vars.top.iter().chain(vars.computed.iter()) {
                ctx.add_variable_from_value(k.clone(), json_to_cel(v));
            }
            if let Some(item) = vars.item {
                for (k, v) in item {
                    ctx.add_variable_from_value(k.clone(), json_to_cel(v));
                }
            }
            ctx.add_variable_from_value("today", Value::String(Arc::new(vars.today.to_owned())));
            self.program.execute(&ctx).map_err(|e| e.to_string())
        })
    }

    /// True if every variable the expression uses has an answer (is not null/missing).
    pub fn answered(&self, vars: &Vars<'_>) -> bool {
        self.variables.iter().all(|v| {
            BUILTIN_VARIABLES.contains(&v.as_str())
                || vars
                    .item
                    .and_then(|i| i.get(v))
                    .or_else(|| vars.top.get(v))
                    .or_else(|| vars.computed.get(v))
                    .is_some_and(|x| !x.is_null())
                || !vars.knows(v)
        })
    }

    /// A condition: `Some(bool)`, or `None` when it cannot be evaluated or is not a bool.
    pub fn condition(&self, vars: &Vars<'_>) -> Option<bool> {
        match self.eval(vars) {
            Ok(Value::Bool(b)) => Some(b),
            _ => None,
        }
    }
}

/// The variables of one evaluation.
pub struct Vars<'a> {
    pub top: &'a Map<String, Json>,
    pub computed: &'a Map<String, Json>,
    pub item: Option<&'a Map<String, Json>>,
    pub today: &'a str,
    /// All names that are fields or computed values (answered or not).
    pub known: &'a std::collections::HashSet<String>,
}

impl Vars<'_> {
    fn knows(&self, name: &str) -> bool {
        self.known.contains(name)
    }
}

/// JSON answers to CEL values: numbers stay integers where they are integers.
pub fn json_to_cel(v: &Json) -> Value {
    match v {
        Json::Null => Value::Null,
        Json::Bool(b) => Value::Bool(*b),
        Json::Number(n) => n
            .as_i64()
            .map(Value::Int)
            .unwrap_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0))),
        Json::String(s) => Value::String(Arc::new(s.clone())),
        Json::Array(a) => Value::List(Arc::new(a.iter().map(json_to_cel).collect())),
        Json::Object(o) => {
            let map: std::collections::HashMap<String, Value> =
                o.iter().map(|(k, v)| (k.clone(), json_to_cel(v))).collect();
            Value::from(map)
        }
    }
}

/// CEL result to JSON (for computed values).
pub fn cel_to_json(v: &Value) -> Option<Json> {
    Some(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::UInt(u) => Json::from(*u),
        Value::Float(f) => serde_json::Number::from_f64(*f).map(Json::Number)?,
        Value::String(s) => Json::String(s.as_ref().clone()),
        Value::List(l) => Json::Array(l.iter().map(cel_to_json).collect::<Option<Vec<_>>>()?),
        _ => return None,
    })
}

fn parse_iso(d: &str) -> Option<time::Date> {
    let mut it = d.splitn(3, '-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let day: u8 = it.next()?.parse().ok()?;
    time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, day).ok()
}

pub(crate) fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Full years from `a` to `b` (negative if `b` is earlier).
pub fn years_between(a: &str, b: &str) -> Option<i64> {
    let (a, b) = (parse_iso(a)?, parse_iso(b)?);
    let mut years = i64::from(b.year() - a.year());
    if (u8::from(b.month()), b.day()) < (u8::from(a.month()), a.day()) {
        years -= 1;
    }
    Some(years)
}

/// `date` plus `n` years (29 February becomes 28 February in common years).
pub fn add_years(date: &str, n: i64) -> Option<String> {
    let d = parse_iso(date)?;
    let y = i32::try_from(i64::from(d.year()) + n).ok()?;
    let day = d.day().min(time::util::days_in_month(d.month(), y));
    time::Date::from_calendar_date(y, d.month(), day)
        .ok()
        .map(iso)
}

pub fn add_days(date: &str, n: i64) -> Option<String> {
    parse_iso(date)?
        .checked_add(time::Duration::days(n))
        .map(iso)
}

fn root() -> Context<'static, 'static> {
    let mut ctx = Context::default();
    let _ = ctx.add_function("years_between", |a: Arc<String>, b: Arc<String>| -> Value {
        years_between(&a, &b).map(Value::Int).unwrap_or(Value::Null)
    });
    let _ = ctx.add_function("add_years", |a: Arc<String>, n: i64| -> Value {
        add_years(&a, n)
            .map(|s| Value::String(Arc::new(s)))
            .unwrap_or(Value::Null)
    });
    let _ = ctx.add_function("add_days", |a: Arc<String>, n: i64| -> Value {
        add_days(&a, n)
            .map(|s| Value::String(Arc::new(s)))
            .unwrap_or(Value::Null)
    });
    ctx
}

thread_local! {
    static ROOT: Context<'static, 'static> = root();
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn vars<'a>(
        top: &'a Map<String, Json>,
        known: &'a std::collections::HashSet<String>,
    ) -> Vars<'a> {
        static EMPTY: std::sync::OnceLock<Map<String, Json>> = std::sync::OnceLock::new();
        Vars {
            top,
            computed: EMPTY.get_or_init(Map::new),
            item: None,
            today: "2026-11-23",
            known,
        }
    }

    #[test]
    fn evaluates_over_answers() {
        let top = json!({"anzahl": 2, "gelistet": true, "beginn": "2024-01-01", "ende": "2023-12-31",
                         "hunde": [{"gelistet": false}, {"gelistet": true}]});
        let top = top.as_object().cloned().unwrap_or_default();
        let known = top.keys().cloned().collect();
        let v = vars(&top, &known);
        let e = Expr::compile("anzahl * 9000 + (gelistet ? 60000 : 0)")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.eval(&v), Ok(Value::Int(78000)));
        assert_eq!(
            Expr::compile("ende > beginn").map(|e| e.condition(&v)),
            Ok(Some(false))
        );
        assert_eq!(
            Expr::compile("hunde.exists(h, h.gelistet)").map(|e| e.condition(&v)),
            Ok(Some(true))
        );
        assert_eq!(
            Expr::compile("size(hunde)").map(|e| e.eval(&v)),
            Ok(Ok(Value::Int(2)))
        );
        assert_eq!(
            Expr::compile("years_between('2000-11-24', today)").map(|e| e.eval(&v)),
            Ok(Ok(Value::Int(25)))
        );
        assert!(Expr::compile("anzahl +").is_err());
        let e = Expr::compile("nicht_da == 1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.variables(), ["nicht_da"]);
    }

    #[test]
    fn dates() {
        assert_eq!(years_between("2000-02-29", "2018-02-28"), Some(17));
        assert_eq!(years_between("2000-02-29", "2018-03-01"), Some(18));
        assert_eq!(add_years("2024-02-29", 1).as_deref(), Some("2025-02-28"));
        assert_eq!(add_days("2024-12-31", 1).as_deref(), Some("2025-01-01"));
        assert_eq!(add_days("2024-13-01", 1), None);
    }
}
