//! The compiled form: load-time checks, reading a step's input, visibility, computed values.

use super::expr::{cel_to_json, Expr, Vars, BUILTIN_VARIABLES};
use super::model::*;
use crate::tenant::Problem;
use crate::text::Text;
use serde_json::{json, Map, Value as Json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

/// Posted form data of one step: name → values (several for multiple choice).
pub type StepInput = BTreeMap<String, Vec<String>>;

/// A problem with one answer. `name` is the input name (`anschrift.plz`, `hunde.1.name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub name: String,
    pub message: Message,
}

/// An error message: a translation key with arguments, or a text from the definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    Key(&'static str, Vec<(&'static str, String)>),
    Custom(Text),
}

/// A compiled eligibility pre-check.
#[derive(Debug)]
pub struct Precheck {
    /// The questions as a one-step form (parsing, validation, rendering reuse the form code).
    pub questions: Box<Form>,
    outcomes: Vec<(Expr, OutcomeDef)>,
    pub def: PrecheckDef,
}

/// Questions (`<base>/questions`) compiled as a one-step form, so parsing, validation and
/// rendering reuse the form code (the pre-check's, a moving folder's). Problems point at
/// the questions, not at the inner form.
fn questions_form(
    id: &str,
    title: &Text,
    intro: Option<&Text>,
    questions: &[FieldDef],
    codelists: &HashMap<String, Arc<CodeListDef>>,
    base: &str,
    problems: &mut Vec<Problem>,
) -> Option<Form> {
    let form_def = FormDef {
        steps: vec![StepDef {
            id: id.into(),
            title: title.clone(),
            intro: intro.cloned(),
            visible_if: None,
            fields: questions.to_vec(),
        }],
        rules: Vec::new(),
        computed: Vec::new(),
        guests: true,
        precheck: None,
        checks: Vec::new(),
        payment: None,
    };
    match Form::compile(&form_def, codelists, base) {
        Ok(f) => Some(f),
        Err(p) => {
            // Pointers of the inner one-step form: /steps/0/fields/N → /questions/N.
            problems.extend(p.into_iter().map(|mut p| {
                p.pointer = p.pointer.replacen(
                    &format!("{base}/steps/0/fields"),
                    &format!("{base}/questions"),
                    1,
                );
                p
            }));
            None
        }
    }
}

impl Precheck {
    fn compile(
        def: &PrecheckDef,
        codelists: &HashMap<String, Arc<CodeListDef>>,
        base: &str,
    ) -> Result<Precheck, Vec<Problem>> {
        let mut problems = Vec::new();
        for (i, q) in def.questions.iter().enumerate() {
            if !matches!(
                q.kind,
                FieldKind::YesNo
                    | FieldKind::Number
                    | FieldKind::Choice
                    | FieldKind::Date
                    | FieldKind::Info
            ) {
                problems.push(Problem::at(
                    format!("{base}/questions/{i}/kind"),
                    "pre-check questions are yes_no, number, choice, date or info",
                ));
            }
        }
        let questions = questions_form(
            "vorpruefung",
            &def.intro,
            None,
            &def.questions,
            codelists,
            base,
            &mut problems,
        );
        let ids: HashSet<&str> = def.questions.iter().map(|q| q.id.as_str()).collect();
        let mut outcomes = Vec::new();
        for (i, o) in def.outcomes.iter().enumerate() {
            match Expr::compile(&o.when) {
                Ok(e) => {
                    for v in e.variables() {
                        if !ids.contains(v.as_str()) && !BUILTIN_VARIABLES.contains(&v.as_str()) {
                            problems.push(Problem::at(
                                format!("{base}/outcomes/{i}/when"),
                                format!("unknown question '{v}'"),
                            ));
                        }
                    }
                    outcomes.push((e, o.clone()));
                }
                Err(m) => problems.push(Problem::at(format!("{base}/outcomes/{i}/when"), m)),
            }
        }
        let Some(questions) = questions.filter(|_| problems.is_empty()) else {
            return Err(problems);
        };
        let sample = questions.sample_answers();
        for (i, (e, _)) in outcomes.iter().enumerate() {
            let empty = Map::new();
            let vars = Vars {
                top: &sample,
                computed: &empty,
                item: None,
                today: "2026-01-15",
                known: &questions.known,
            };
            if !matches!(e.eval(&vars), Ok(cel::Value::Bool(_))) {
                problems.push(Problem::at(
                    format!("{base}/outcomes/{i}/when"),
                    "must give true or false",
                ));
            }
        }
        if problems.is_empty() {
            Ok(Precheck {
                questions: Box::new(questions),
                outcomes,
                def: def.clone(),
            })
        } else {
            Err(problems)
        }
    }

    /// Reads the posted answers; on success, the outcomes that apply (in order).
    pub fn evaluate(
        &self,
        input: &StepInput,
        today: &str,
    ) -> Result<Vec<&OutcomeDef>, Vec<FieldError>> {
        let mut answers = Map::new();
        let errors = self.questions.read_step(0, input, &mut answers, today);
        if !errors.is_empty() {
            return Err(errors);
        }
        let empty = Map::new();
        let vars = Vars {
            top: &answers,
            computed: &empty,
            item: None,
            today,
            known: &self.questions.known,
        };
        Ok(self
            .outcomes
            .iter()
            .filter(|(e, _)| e.answered(&vars) && e.condition(&vars) == Some(true))
            .map(|(_, o)| o)
            .collect())
    }
}

/// A form ready to use: the definition plus its compiled expressions and code lists.
#[derive(Debug)]
pub struct Form {
    pub def: FormDef,
    /// The eligibility pre-check, if the form has one.
    pub precheck: Option<Precheck>,
    exprs: HashMap<String, Expr>,
    known: HashSet<String>,
    codelists: HashMap<String, Arc<CodeListDef>>,
    /// Top-level field id → step index.
    step_of: HashMap<String, usize>,
}

impl Form {
    /// Compiles and checks a form. Problems carry JSON pointers below `base` (e.g. `/form`).
    pub fn compile(
        def: &FormDef,
        codelists: &HashMap<String, Arc<CodeListDef>>,
        base: &str,
    ) -> Result<Form, Vec<Problem>> {
        let mut problems = Vec::new();
        let mut exprs = HashMap::new();
        let mut known = HashSet::new();
        let mut step_of = HashMap::new();
        let mut step_ids = HashSet::new();
        let mut used_lists = HashMap::new();

        // Ids first, so expressions can be checked against all of them.
        for (si, step) in def.steps.iter().enumerate() {
            if !step_ids.insert(step.id.clone()) {
                problems.push(Problem::at(
                    format!("{base}/steps/{si}/id"),
                    format!("duplicate step id '{}'", step.id),
                ));
            }
            for (fi, f) in step.fields.iter().enumerate() {
                if f.kind.has_answer() && step_of.insert(f.id.clone(), si).is_some() {
                    problems.push(Problem::at(
                        format!("{base}/steps/{si}/fields/{fi}/id"),
                        format!("duplicate field id '{}'", f.id),
                    ));
                }
                known.insert(f.id.clone());
            }
        }
        for (ci, c) in def.computed.iter().enumerate() {
            if !known.insert(c.id.clone()) {
                problems.push(Problem::at(
                    format!("{base}/computed/{ci}/id"),
                    format!("id '{}' is already used", c.id),
                ));
            }
        }

        let mut compile = |src: &str,
                           at: String,
                           allowed: &dyn Fn(&str) -> Option<String>,
                           problems: &mut Vec<Problem>| {
            match Expr::compile(src) {
                Ok(e) => {
                    for v in e.variables() {
                        if let Some(why) = allowed(v) {
                            problems.push(Problem::at(at.clone(), why));
                        }
                    }
                    exprs.insert(src.to_owned(), e);
                }
                Err(msg) => problems.push(Problem::at(at, msg)),
            }
        };
        let all_fields: HashSet<String> = known.clone();
        let group_members: HashSet<String> = def
            .steps
            .iter()
            .flat_map(|s| s.fields.iter())
            .flat_map(|f| f.fields.iter().map(|g| g.id.clone()))
            .collect();
        // Names bound by CEL macros (`hunde.exists(h, h.gelistet)`) are reported as
        // variables by the parser; they are local, not fields.
        let macro_local = |v: &str, src: &str| {
            src.contains(&format!("({v},")) || src.contains(&format!("({v} ,"))
        };

        for (si, step) in def.steps.iter().enumerate() {
            let p = format!("{base}/steps/{si}");
            if let Some(src) = &step.visible_if {
                let earlier = |v: &str| -> Option<String> {
                    if BUILTIN_VARIABLES.contains(&v) || macro_local(v, src) {
                        return None;
                    }
                    match step_of.get(v) {
                        Some(&s) if s < si => None,
                        Some(_) => Some(format!("step condition uses '{v}', which is not answered before this step")),
                        None if all_fields.contains(v) => Some(format!("step condition uses computed value '{v}'; use the fields it is computed from")),
                        None => Some(format!("unknown field '{v}' in condition")),
                    }
                };
                compile(src, format!("{p}/visible_if"), &earlier, &mut problems);
            }
            for (fi, f) in step.fields.iter().enumerate() {
                let fp = format!("{p}/fields/{fi}");
                check_field(f, &fp, codelists, &mut used_lists, &mut problems, false);
                let up_to_here = |v: &str| -> Option<String> {
                    if BUILTIN_VARIABLES.contains(&v)
                        || macro_local(v, f.visible_if.as_deref().unwrap_or(""))
                        || macro_local(v, f.required_if.as_deref().unwrap_or(""))
                    {
                        return None;
                    }
                    match step_of.get(v) {
                        Some(&s) if s <= si => None,
                        Some(_) => Some(format!(
                            "condition uses '{v}', which is only asked in a later step"
                        )),
                        None if all_fields.contains(v) => None,
                        None => Some(format!("unknown field '{v}' in condition")),
                    }
                };
                for (key, src) in f.expressions() {
                    compile(src, format!("{fp}/{key}"), &up_to_here, &mut problems);
                }
                for (gi, g) in f.fields.iter().enumerate() {
                    let gp = format!("{fp}/fields/{gi}");
                    check_field(g, &gp, codelists, &mut used_lists, &mut problems, true);
                    let siblings: HashSet<&str> = f.fields.iter().map(|x| x.id.as_str()).collect();
                    let in_group = |v: &str| -> Option<String> {
                        if siblings.contains(v) || BUILTIN_VARIABLES.contains(&v) {
                            return None;
                        }
                        up_to_here(v)
                    };
                    for (key, src) in g.expressions() {
                        compile(src, format!("{gp}/{key}"), &in_group, &mut problems);
                    }
                }
            }
        }
        for (ri, r) in def.rules.iter().enumerate() {
            let any = |v: &str| -> Option<String> {
                (!(all_fields.contains(v)
                    || BUILTIN_VARIABLES.contains(&v)
                    || group_members.contains(v)
                    || macro_local(v, &r.check)))
                .then(|| format!("unknown field '{v}' in rule"))
            };
            compile(
                &r.check,
                format!("{base}/rules/{ri}/check"),
                &any,
                &mut problems,
            );
            if !step_of.contains_key(&r.field) {
                problems.push(Problem::at(
                    format!("{base}/rules/{ri}/field"),
                    format!("unknown field '{}'", r.field),
                ));
            }
        }
        for (ci, c) in def.computed.iter().enumerate() {
            let earlier: HashSet<&str> = def.computed[..ci].iter().map(|x| x.id.as_str()).collect();
            let ok = |v: &str| -> Option<String> {
                if step_of.contains_key(v)
                    || earlier.contains(v)
                    || BUILTIN_VARIABLES.contains(&v)
                    || group_members.contains(v)
                    || macro_local(v, &c.expr)
                {
                    None
                } else if known.contains(v) {
                    Some(format!(
                        "'{v}' is computed later; computed values may only use earlier ones"
                    ))
                } else {
                    Some(format!("unknown field '{v}' in computation"))
                }
            };
            compile(
                &c.expr,
                format!("{base}/computed/{ci}/expr"),
                &ok,
                &mut problems,
            );
        }
        let mut check_ids = HashSet::new();
        for (ci, c) in def.checks.iter().enumerate() {
            if !check_ids.insert(c.id.as_str()) {
                problems.push(Problem::at(
                    format!("{base}/checks/{ci}/id"),
                    format!("duplicate check id '{}'", c.id),
                ));
            }
            let any = |v: &str| -> Option<String> {
                (!(all_fields.contains(v)
                    || BUILTIN_VARIABLES.contains(&v)
                    || group_members.contains(v)
                    || macro_local(v, &c.expr)))
                .then(|| format!("unknown field '{v}' in check"))
            };
            compile(
                &c.expr,
                format!("{base}/checks/{ci}/expr"),
                &any,
                &mut problems,
            );
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        let precheck = match &def.precheck {
            Some(p) => match Precheck::compile(p, codelists, &format!("{base}/precheck")) {
                Ok(p) => Some(p),
                Err(p) => return Err(p),
            },
            None => None,
        };
        let form = Form {
            def: def.clone(),
            precheck,
            exprs,
            known,
            codelists: used_lists,
            step_of,
        };
        // Types fit: evaluate every expression against a complete sample of answers.
        let sample = form.sample_answers();
        let computed = form.computed(&sample, "2026-01-15");
        let mut problems = Vec::new();
        for (si, step) in def.steps.iter().enumerate() {
            if let Some(src) = &step.visible_if {
                form.expect_bool(
                    src,
                    &sample,
                    None,
                    &format!("{base}/steps/{si}/visible_if"),
                    &mut problems,
                );
            }
            for (fi, f) in step.fields.iter().enumerate() {
                for (key, src) in [
                    ("visible_if", &f.visible_if),
                    ("required_if", &f.required_if),
                ] {
                    if let Some(src) = src {
                        form.expect_bool(
                            src,
                            &sample,
                            None,
                            &format!("{base}/steps/{si}/fields/{fi}/{key}"),
                            &mut problems,
                        );
                    }
                }
                let item = sample
                    .get(&f.id)
                    .and_then(|g| g.get(0))
                    .and_then(Json::as_object);
                for (gi, g) in f.fields.iter().enumerate() {
                    for (key, src) in [
                        ("visible_if", &g.visible_if),
                        ("required_if", &g.required_if),
                    ] {
                        if let Some(src) = src {
                            form.expect_bool(
                                src,
                                &sample,
                                item,
                                &format!("{base}/steps/{si}/fields/{fi}/fields/{gi}/{key}"),
                                &mut problems,
                            );
                        }
                    }
                }
            }
        }
        for (ri, r) in def.rules.iter().enumerate() {
            form.expect_bool(
                &r.check,
                &sample,
                None,
                &format!("{base}/rules/{ri}/check"),
                &mut problems,
            );
        }
        for (ci, c) in def.checks.iter().enumerate() {
            let at = format!("{base}/checks/{ci}/expr");
            match form.check(c, &sample, &computed, "2026-01-15") {
                Err(err) => problems.push(Problem::at(
                    at,
                    format!("cannot be evaluated with sample answers: {err}"),
                )),
                Ok(None) => problems.push(Problem::at(
                    at,
                    "must give true or false with sample answers",
                )),
                Ok(Some(_)) => {}
            }
        }
        for (si, step) in def.steps.iter().enumerate() {
            for (fi, f) in step.fields.iter().enumerate() {
                let item = sample
                    .get(&f.id)
                    .and_then(|g| g.get(0))
                    .and_then(Json::as_object);
                let mut check = |g: &FieldDef, at: String, item: Option<&Map<String, Json>>| {
                    for (key, src) in [("min_date", &g.min_date), ("max_date", &g.max_date)] {
                        if let Some(src) = src {
                            if form.date_bound(src, &sample, item, "2026-01-15").is_none() {
                                problems.push(Problem::at(
                                    format!("{at}/{key}"),
                                    "must give a date as 'YYYY-MM-DD'",
                                ));
                            }
                        }
                    }
                };
                check(f, format!("{base}/steps/{si}/fields/{fi}"), None);
                for (gi, g) in f.fields.iter().enumerate() {
                    check(
                        g,
                        format!("{base}/steps/{si}/fields/{fi}/fields/{gi}"),
                        item,
                    );
                }
            }
        }
        for (ci, c) in def.computed.iter().enumerate() {
            let v = computed.get(&c.id);
            let ok = match (c.format, v) {
                (ComputedFormat::Money | ComputedFormat::Number, Some(Json::Number(n))) => {
                    n.is_i64()
                }
                (ComputedFormat::Text, Some(Json::String(_))) => true,
                _ => false,
            };
            if !ok {
                let got = v
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "an error".into());
                let want = match c.format {
                    ComputedFormat::Money => "an integer number of cents",
                    ComputedFormat::Number => "an integer",
                    ComputedFormat::Text => "a string",
                };
                problems.push(Problem::at(
                    format!("{base}/computed/{ci}/expr"),
                    format!("must give {want}; with sample answers it gave {got}"),
                ));
            }
        }
        if let Some(pay) = &def.payment {
            let format_of = |id: &str| def.computed.iter().find(|c| c.id == id).map(|c| c.format);
            for (ii, item) in pay.items.iter().enumerate() {
                let at = format!("{base}/payment/items/{ii}");
                match (item.amount_cents, item.amount.as_deref()) {
                    (Some(_), None) => {}
                    (None, Some(id)) => {
                        if format_of(id) != Some(ComputedFormat::Money) {
                            problems.push(Problem::at(
                                format!("{at}/amount"),
                                format!("'{id}' is not a computed value with format money"),
                            ));
                        }
                    }
                    _ => problems.push(Problem::at(
                        at.clone(),
                        "a fee item needs exactly one of amount_cents and amount",
                    )),
                }
                if let Some(id) = item.quantity.as_deref() {
                    if format_of(id) != Some(ComputedFormat::Number) {
                        problems.push(Problem::at(
                            format!("{at}/quantity"),
                            format!("'{id}' is not a computed value with format number"),
                        ));
                    }
                }
            }
            if let Some(dd) = &pay.direct_debit {
                let kind_of = |id: &str| {
                    def.steps
                        .iter()
                        .flat_map(|s| s.fields.iter())
                        .find(|f| f.id == id)
                        .map(|f| f.kind)
                };
                if kind_of(&dd.iban) != Some(FieldKind::Iban) {
                    problems.push(Problem::at(
                        format!("{base}/payment/direct_debit/iban"),
                        format!("'{}' is not a field of kind iban", dd.iban),
                    ));
                }
                if kind_of(&dd.holder) != Some(FieldKind::Text) {
                    problems.push(Problem::at(
                        format!("{base}/payment/direct_debit/holder"),
                        format!("'{}' is not a field of kind text", dd.holder),
                    ));
                }
            }
        }
        if problems.is_empty() {
            Ok(form)
        } else {
            Err(problems)
        }
    }

    fn expect_bool(
        &self,
        src: &str,
        sample: &Map<String, Json>,
        item: Option<&Map<String, Json>>,
        at: &str,
        problems: &mut Vec<Problem>,
    ) {
        let Some(e) = self.exprs.get(src) else { return };
        let empty = Map::new();
        let vars = Vars {
            top: sample,
            computed: &empty,
            item,
            today: "2026-01-15",
            known: &self.known,
        };
        match e.eval(&vars) {
            Ok(cel::Value::Bool(_)) => {}
            Ok(other) => problems.push(Problem::at(
                at,
                format!("must give true or false; with sample answers it gave {other:?}"),
            )),
            Err(err) => problems.push(Problem::at(
                at,
                format!("cannot be evaluated with sample answers: {err}"),
            )),
        }
    }

    /// Evaluates a `min_date`/`max_date` expression to an ISO date.
    fn date_bound(
        &self,
        src: &str,
        answers: &Map<String, Json>,
        item: Option<&Map<String, Json>>,
        today: &str,
    ) -> Option<String> {
        let empty = Map::new();
        match self
            .exprs
            .get(src)?
            .eval(&self.vars(answers, &empty, item, today))
        {
            Ok(cel::Value::String(s)) if parse_iso_ok(&s) => Some(s.as_ref().clone()),
            _ => None,
        }
    }

    /// A plausible answer for every field, for type-checking expressions at load time.
    fn sample_answers(&self) -> Map<String, Json> {
        let mut m = Map::new();
        for step in &self.def.steps {
            for f in &step.fields {
                if let Some(v) = self.sample(f) {
                    m.insert(f.id.clone(), v);
                }
            }
        }
        m
    }

    fn sample(&self, f: &FieldDef) -> Option<Json> {
        Some(match f.kind {
            FieldKind::Info => return None,
            FieldKind::Text | FieldKind::Textarea | FieldKind::Phone => json!("Beispiel"),
            FieldKind::Email => json!("a@example.org"),
            FieldKind::Iban => json!("DE02120300000000202051"),
            FieldKind::Number => json!(f.min.unwrap_or(1).max(1)),
            FieldKind::Money => json!(f.min.unwrap_or(10000).max(1)),
            FieldKind::Date => json!("2000-01-01"),
            FieldKind::YesNo => json!(true),
            FieldKind::Choice | FieldKind::Country => json!(self
                .options(f)
                .first()
                .map(|o| o.value.clone())
                .unwrap_or_default()),
            FieldKind::MultiChoice => json!(self
                .options(f)
                .iter()
                .take(1)
                .map(|o| o.value.clone())
                .collect::<Vec<_>>()),
            FieldKind::Address => {
                json!({"street": "Markt", "house_number": "1", "postal_code": "59494", "city": "Soest"})
            }
            FieldKind::File => {
                json!({"id": "sample", "name": "nachweis.pdf", "size": 1000, "type": "pdf"})
            }
            FieldKind::Group => {
                let item: Map<String, Json> = f
                    .fields
                    .iter()
                    .filter_map(|g| Some((g.id.clone(), self.sample(g)?)))
                    .collect();
                json!([item])
            }
        })
    }

    /// Options of a choice field: its own, or its code list's.
    pub fn options<'a>(&'a self, f: &'a FieldDef) -> &'a [OptionDef] {
        match &f.code_list {
            Some(id) => self
                .codelists
                .get(id)
                .map(|l| l.entries.as_slice())
                .unwrap_or(&[]),
            None => &f.options,
        }
    }

    fn vars<'a>(
        &'a self,
        answers: &'a Map<String, Json>,
        computed: &'a Map<String, Json>,
        item: Option<&'a Map<String, Json>>,
        today: &'a str,
    ) -> Vars<'a> {
        Vars {
            top: answers,
            computed,
            item,
            today,
            known: &self.known,
        }
    }

    fn cond(&self, src: &Option<String>, vars: &Vars<'_>, default: bool) -> bool {
        match src.as_deref().and_then(|s| self.exprs.get(s)) {
            Some(e) => e.condition(vars).unwrap_or(false),
            None => default,
        }
    }

    /// Whether step `i` is part of the way, given the answers so far.
    pub fn step_visible(&self, i: usize, answers: &Map<String, Json>, today: &str) -> bool {
        let empty = Map::new();
        self.def.steps.get(i).is_some_and(|s| {
            self.cond(
                &s.visible_if,
                &self.vars(answers, &empty, None, today),
                true,
            )
        })
    }

    /// Indices of the steps on the way, given the answers so far.
    pub fn visible_steps(&self, answers: &Map<String, Json>, today: &str) -> Vec<usize> {
        (0..self.def.steps.len())
            .filter(|&i| self.step_visible(i, answers, today))
            .collect()
    }

    /// Whether a field is shown. Conditions on answers of the same step cannot change while
    /// the page is open (no JavaScript needed), so such fields are shown and their hint says
    /// when they apply; they are validated and kept only if their condition holds.
    pub fn field_shown(
        &self,
        step: usize,
        f: &FieldDef,
        answers: &Map<String, Json>,
        item: Option<&Map<String, Json>>,
        today: &str,
    ) -> bool {
        let Some(src) = &f.visible_if else {
            return true;
        };
        let Some(e) = self.exprs.get(src) else {
            return true;
        };
        let same_step = e
            .variables()
            .iter()
            .any(|v| self.step_of.get(v) == Some(&step) || item.is_some_and(|i| i.contains_key(v)));
        if same_step {
            return true;
        }
        let empty = Map::new();
        e.condition(&self.vars(answers, &empty, item, today))
            .unwrap_or(false)
    }

    fn date_range_error(
        &self,
        f: &FieldDef,
        name: &str,
        value: Option<&Json>,
        answers: &Map<String, Json>,
        item: Option<&Map<String, Json>>,
        today: &str,
    ) -> Option<FieldError> {
        let d = value?.as_str()?;
        let bound = |src: &Option<String>| {
            src.as_deref()
                .and_then(|s| self.date_bound(s, answers, item, today))
        };
        let err = |key, limit: String| {
            Some(FieldError {
                name: name.to_owned(),
                message: Message::Key(key, vec![("limit", format_date_de(&limit))]),
            })
        };
        if let Some(min) = bound(&f.min_date).filter(|m| d < m.as_str()) {
            return err("error-date-min", min);
        }
        if let Some(max) = bound(&f.max_date).filter(|m| d > m.as_str()) {
            return err("error-date-max", max);
        }
        None
    }

    fn applies(
        &self,
        f: &FieldDef,
        answers: &Map<String, Json>,
        item: Option<&Map<String, Json>>,
        today: &str,
    ) -> bool {
        let empty = Map::new();
        self.cond(
            &f.visible_if,
            &self.vars(answers, &empty, item, today),
            true,
        )
    }

    fn required(
        &self,
        f: &FieldDef,
        answers: &Map<String, Json>,
        item: Option<&Map<String, Json>>,
        today: &str,
    ) -> bool {
        let empty = Map::new();
        match &f.required_if {
            Some(_) => self.cond(
                &f.required_if,
                &self.vars(answers, &empty, item, today),
                false,
            ),
            None => f.required,
        }
    }

    /// Reads the posted input of step `i` into `answers`. Answers of this step are replaced
    /// by what was posted (valid ones are kept even when others have errors), and every
    /// problem is returned. `count` gives the entries of each repeatable group on the page.
    pub fn read_step(
        &self,
        i: usize,
        input: &StepInput,
        answers: &mut Map<String, Json>,
        today: &str,
    ) -> Vec<FieldError> {
        let Some(step) = self.def.steps.get(i) else {
            return Vec::new();
        };
        let mut errors = Vec::new();
        // First pass: parse everything, so conditions see this step's new answers.
        for f in &step.fields {
            if !f.kind.has_answer() {
                continue;
            }
            if f.kind == FieldKind::Group {
                // Entries are kept with their valid parts even when some have errors.
                let (items, errs) = self.parse_group(f, &f.id, input);
                answers.insert(f.id.clone(), items);
                errors.extend(errs);
                continue;
            }
            match self.parse_field(f, &f.id, input) {
                Ok(Some(v)) => {
                    answers.insert(f.id.clone(), v);
                }
                Ok(None) => {
                    answers.remove(&f.id);
                }
                Err(errs) => {
                    answers.remove(&f.id);
                    errors.extend(errs);
                }
            }
        }
        // Second pass: visibility, required, ranges that depend on others, group members.
        let snapshot = answers.clone();
        for f in &step.fields {
            if !f.kind.has_answer() {
                continue;
            }
            if !self.applies(f, &snapshot, None, today) {
                answers.remove(&f.id);
                errors.retain(|e| !e.name.starts_with(&f.id));
                continue;
            }
            if let Some(err) =
                self.date_range_error(f, &f.id, answers.get(&f.id), &snapshot, None, today)
            {
                answers.remove(&f.id);
                errors.push(err);
            }
            let has = answers.get(&f.id).is_some_and(|v| !is_empty(v));
            let errored = errors
                .iter()
                .any(|e| e.name == f.id || e.name.starts_with(&format!("{}.", f.id)));
            if !has
                && !errored
                && self.required(f, &snapshot, None, today)
                && f.kind != FieldKind::Group
            {
                errors.push(FieldError {
                    name: f.id.clone(),
                    message: Message::Key("error-required", vec![]),
                });
            }
            if f.kind == FieldKind::Group {
                let items: Vec<Json> = answers
                    .get(&f.id)
                    .and_then(Json::as_array)
                    .cloned()
                    .unwrap_or_default();
                let mut kept = Vec::new();
                for (n, item) in items.iter().enumerate() {
                    let mut item = item.as_object().cloned().unwrap_or_default();
                    for g in &f.fields {
                        let name = format!("{}.{n}.{}", f.id, g.id);
                        if !self.applies(g, &snapshot, Some(&item), today) {
                            item.remove(&g.id);
                            errors.retain(|e| !e.name.starts_with(&name));
                            continue;
                        }
                        if let Some(err) = self.date_range_error(
                            g,
                            &name,
                            item.get(&g.id),
                            &snapshot,
                            Some(&item),
                            today,
                        ) {
                            item.remove(&g.id);
                            errors.push(err);
                        }
                        let has = item.get(&g.id).is_some_and(|v| !is_empty(v));
                        let errored = errors.iter().any(|e| e.name.starts_with(&name));
                        if !has
                            && !errored
                            && g.kind.has_answer()
                            && self.required(g, &snapshot, Some(&item), today)
                        {
                            errors.push(FieldError {
                                name,
                                message: Message::Key("error-required", vec![]),
                            });
                        }
                    }
                    kept.push(Json::Object(item));
                }
                let count = kept.len() as i64;
                if let Some(min) = f.min.filter(|m| count < *m) {
                    errors.push(FieldError {
                        name: f.id.clone(),
                        message: Message::Key("error-group-min", vec![("min", min.to_string())]),
                    });
                }
                if let Some(max) = f.max.filter(|m| count > *m) {
                    errors.push(FieldError {
                        name: f.id.clone(),
                        message: Message::Key("error-group-max", vec![("max", max.to_string())]),
                    });
                }
                answers.insert(f.id.clone(), Json::Array(kept));
            }
        }
        // Cross-field rules whose target field is on this step.
        let order = |name: &str| -> usize {
            let top = name.split('.').next().unwrap_or(name);
            step.fields
                .iter()
                .position(|f| f.id == top)
                .unwrap_or(usize::MAX)
        };
        let computed = self.computed(answers, today);
        for r in &self.def.rules {
            if self.step_of.get(&r.field) != Some(&i) || errors.iter().any(|e| e.name == r.field) {
                continue;
            }
            let Some(e) = self.exprs.get(&r.check) else {
                continue;
            };
            let vars = self.vars(answers, &computed, None, today);
            if e.answered(&vars) && e.condition(&vars) == Some(false) {
                errors.push(FieldError {
                    name: r.field.clone(),
                    message: Message::Custom(r.message.clone()),
                });
            }
        }
        // Errors in the order of the fields on the page (the summary reads top to bottom).
        errors.sort_by_key(|e| order(&e.name));
        errors
    }

    /// Parses the entries of a repeatable group (`<name>.count` of them, bounded by `max`).
    /// A group that may be empty shows one blank entry; left entirely blank, that lone entry
    /// means "none". (A blank entry the citizen added to others is still an entry to fill.)
    fn parse_group(&self, f: &FieldDef, name: &str, input: &StepInput) -> (Json, Vec<FieldError>) {
        let count: usize = input
            .get(&format!("{name}.count"))
            .and_then(|v| v.first())
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(0usize)
            .min(usize::try_from(f.max.unwrap_or(50).clamp(0, 50)).unwrap_or(50) + 1);
        let mut items = Vec::new();
        let mut errors = Vec::new();
        let may_be_empty = f.min.unwrap_or(0) == 0 && count == 1;
        for n in 0..count {
            let mut item = Map::new();
            let mut item_errors = Vec::new();
            for g in &f.fields {
                match self.parse_field(g, &format!("{name}.{n}.{}", g.id), input) {
                    Ok(Some(v)) => {
                        item.insert(g.id.clone(), v);
                    }
                    Ok(None) => {}
                    Err(e) => item_errors.extend(e),
                }
            }
            if may_be_empty && item.is_empty() && item_errors.is_empty() {
                continue;
            }
            errors.extend(item_errors);
            items.push(Json::Object(item));
        }
        (Json::Array(items), errors)
    }

    /// Parses one field's input. `Ok(None)` means no answer.
    fn parse_field(
        &self,
        f: &FieldDef,
        name: &str,
        input: &StepInput,
    ) -> Result<Option<Json>, Vec<FieldError>> {
        let one = |n: &str| {
            input
                .get(n)
                .and_then(|v| v.first())
                .map(|s| s.trim().to_owned())
                .unwrap_or_default()
        };
        let err = |key: &'static str, args: Vec<(&'static str, String)>| {
            Err(vec![FieldError {
                name: name.to_owned(),
                message: Message::Key(key, args),
            }])
        };
        let raw = one(name);
        match f.kind {
            FieldKind::Info => Ok(None),
            FieldKind::Group => {
                let (items, errors) = self.parse_group(f, name, input);
                if errors.is_empty() {
                    Ok(Some(items))
                } else {
                    Err(errors)
                }
            }
            FieldKind::Address => {
                let part = |p: &str| one(&format!("{name}.{p}"));
                let (street, number, plz, city) = (
                    part("street"),
                    part("house_number"),
                    part("postal_code"),
                    part("city"),
                );
                if [&street, &number, &plz, &city].iter().all(|s| s.is_empty()) {
                    return Ok(None);
                }
                let mut errors = Vec::new();
                for (p, v) in [
                    ("street", &street),
                    ("house_number", &number),
                    ("city", &city),
                ] {
                    if v.is_empty() {
                        errors.push(FieldError {
                            name: format!("{name}.{p}"),
                            message: Message::Key("error-address-part", vec![]),
                        });
                    } else if crate::text::has_control(v, false) {
                        errors.push(FieldError {
                            name: format!("{name}.{p}"),
                            message: Message::Key("error-control", vec![]),
                        });
                    } else if v.chars().count() > 100 {
                        errors.push(FieldError {
                            name: format!("{name}.{p}"),
                            message: Message::Key("error-too-long", vec![("max", "100".into())]),
                        });
                    }
                }
                if !(plz.len() == 5 && plz.bytes().all(|b| b.is_ascii_digit())) {
                    errors.push(FieldError {
                        name: format!("{name}.postal_code"),
                        message: Message::Key("error-plz", vec![]),
                    });
                }
                if errors.is_empty() {
                    Ok(Some(
                        json!({"street": street, "house_number": number, "postal_code": plz, "city": city}),
                    ))
                } else {
                    Err(errors)
                }
            }
            FieldKind::MultiChoice => {
                let values: Vec<String> = input
                    .get(name)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|v| !v.is_empty())
                    .collect();
                if values.is_empty() {
                    return Ok(None);
                }
                let opts = self.options(f);
                if values.iter().any(|v| !opts.iter().any(|o| &o.value == v)) {
                    return err("error-choice", vec![]);
                }
                let mut values = values;
                values.sort();
                values.dedup();
                Ok(Some(json!(values)))
            }
            _ if raw.is_empty() => Ok(None),
            FieldKind::Text | FieldKind::Textarea
                if crate::text::has_control(&raw, f.kind == FieldKind::Textarea) =>
            {
                err("error-control", vec![])
            }
            FieldKind::Text | FieldKind::Textarea => {
                let n = raw.chars().count() as u32;
                let max =
                    f.max_length
                        .unwrap_or(if f.kind == FieldKind::Text { 200 } else { 5000 });
                if n > max {
                    return err("error-too-long", vec![("max", max.to_string())]);
                }
                if let Some(min) = f.min_length.filter(|m| n < *m) {
                    return err("error-too-short", vec![("min", min.to_string())]);
                }
                if let Some(p) = &f.pattern {
                    let ok = regex_full_match(p, &raw);
                    if !ok {
                        return Err(vec![FieldError {
                            name: name.to_owned(),
                            message: f
                                .pattern_message
                                .clone()
                                .map(Message::Custom)
                                .unwrap_or(Message::Key("error-pattern", vec![])),
                        }]);
                    }
                }
                Ok(Some(Json::String(raw)))
            }
            FieldKind::Number => {
                let Ok(n) = raw.replace('.', "").parse::<i64>() else {
                    return err("error-number", vec![]);
                };
                check_range(f, n, name, |v| v.to_string())?;
                Ok(Some(json!(n)))
            }
            FieldKind::Money => {
                let Some(c) = parse_money(&raw) else {
                    return err("error-money", vec![]);
                };
                check_range(f, c, name, crate::service::format_eur_de_i64)?;
                Ok(Some(json!(c)))
            }
            FieldKind::Date => {
                let Some(d) = parse_date_de(&raw) else {
                    return err("error-date", vec![]);
                };
                Ok(Some(Json::String(d)))
            }
            FieldKind::YesNo => match raw.as_str() {
                "ja" => Ok(Some(Json::Bool(true))),
                "nein" => Ok(Some(Json::Bool(false))),
                _ => err("error-choice", vec![]),
            },
            FieldKind::Choice | FieldKind::Country => {
                if self.options(f).iter().any(|o| o.value == raw) {
                    Ok(Some(Json::String(raw)))
                } else {
                    err("error-choice", vec![])
                }
            }
            FieldKind::Email => {
                if email_valid(&raw) {
                    Ok(Some(Json::String(raw)))
                } else {
                    err("error-email", vec![])
                }
            }
            FieldKind::Phone => {
                let digits = raw.chars().filter(char::is_ascii_digit).count();
                let ok = (6..=20).contains(&digits)
                    && raw
                        .chars()
                        .all(|c| c.is_ascii_digit() || " +-/()".contains(c));
                if ok {
                    Ok(Some(Json::String(raw)))
                } else {
                    err("error-phone", vec![])
                }
            }
            FieldKind::Iban => {
                let norm: String = raw
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect::<String>()
                    .to_ascii_uppercase();
                if iban_valid(&norm) {
                    Ok(Some(Json::String(norm)))
                } else {
                    err("error-iban", vec![])
                }
            }
            FieldKind::File => {
                // The web layer stores the upload, checks its content and writes the file's
                // metadata here; anything a browser posts under this name is discarded there.
                let Ok(Json::Object(meta)) = serde_json::from_str::<Json>(&raw) else {
                    return err("error-file-invalid", vec![]);
                };
                let kind = meta.get("type").and_then(Json::as_str).unwrap_or("");
                let size = meta.get("size").and_then(Json::as_u64).unwrap_or(u64::MAX);
                let allowed: Vec<&str> = f.accept.iter().map(|t| t.as_str()).collect();
                if !allowed.contains(&kind) {
                    return err(
                        "error-file-type",
                        vec![("allowed", allowed.join(", ").to_uppercase())],
                    );
                }
                if size > f.max_file_bytes() {
                    return err(
                        "error-file-size",
                        vec![("limit", format_bytes(f.max_file_bytes()))],
                    );
                }
                if meta
                    .get("id")
                    .and_then(Json::as_str)
                    .is_none_or(str::is_empty)
                {
                    return err("error-file-invalid", vec![]);
                }
                Ok(Some(Json::Object(meta)))
            }
        }
    }

    /// The fee for these answers, item by item (items that come to zero are left out);
    /// `None` when the form takes no payment.
    pub fn fee(&self, computed: &Map<String, Json>) -> Option<crate::payment::Fee> {
        let pay = self.def.payment.as_ref()?;
        let int = |id: &Option<String>| {
            id.as_deref()
                .map(|id| computed.get(id).and_then(Json::as_i64).unwrap_or(0))
        };
        let lines: Vec<crate::payment::FeeLine> = pay
            .items
            .iter()
            .filter_map(|item| {
                let unit = item
                    .amount_cents
                    .and_then(|c| i64::try_from(c).ok())
                    .or_else(|| int(&item.amount))
                    .unwrap_or(0);
                let quantity = int(&item.quantity).unwrap_or(1);
                let total = unit.checked_mul(quantity)?;
                (unit > 0 && quantity > 0).then(|| crate::payment::FeeLine {
                    label: item.label.clone(),
                    quantity,
                    unit_cents: unit,
                    total_cents: total,
                })
            })
            .collect();
        let total_cents = lines.iter().map(|l| l.total_cents).sum();
        Some(crate::payment::Fee {
            lines,
            total_cents,
            booking_code: pay.booking_code.clone(),
            purpose: pay.purpose.clone(),
        })
    }

    /// The SEPA mandate the (pruned) answers give: IBAN without spaces and account holder.
    pub fn mandate(&self, answers: &Map<String, Json>) -> Option<(String, String)> {
        let dd = self.def.payment.as_ref()?.direct_debit.as_ref()?;
        let iban: String = answers
            .get(&dd.iban)?
            .as_str()?
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        let holder = answers.get(&dd.holder)?.as_str()?.trim().to_owned();
        (iban_valid(&iban) && !holder.is_empty()).then_some((iban, holder))
    }

    /// The computed values for these answers (each `null` until its inputs are answered).
    pub fn computed(&self, answers: &Map<String, Json>, today: &str) -> Map<String, Json> {
        let mut out = Map::new();
        for c in &self.def.computed {
            let value = self.exprs.get(&c.expr).and_then(|e| {
                let vars = self.vars(answers, &out, None, today);
                if !e.answered(&vars) {
                    return None;
                }
                e.eval(&vars).ok().and_then(|v| cel_to_json(&v))
            });
            out.insert(c.id.clone(), value.unwrap_or(Json::Null));
        }
        out
    }

    /// The applicant's name, from the fields that are prefilled with the given and family
    /// name (the form declares them that way); empty if the form has none.
    pub fn applicant_name(&self, answers: &Map<String, Json>) -> String {
        let by = |source: &str| {
            self.def
                .steps
                .iter()
                .flat_map(|s| s.fields.iter())
                .find(|f| f.prefill.as_deref() == Some(source))
                .and_then(|f| answers.get(&f.id))
                .and_then(Json::as_str)
                .unwrap_or("")
                .trim()
                .to_owned()
        };
        [by("given_name"), by("family_name")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The applicant's postal address (street line, town line) from the first answered
    /// address field, if any.
    pub fn applicant_address(&self, answers: &Map<String, Json>) -> Option<[String; 2]> {
        let a = self
            .def
            .steps
            .iter()
            .flat_map(|s| s.fields.iter())
            .filter(|f| f.kind == FieldKind::Address)
            .find_map(|f| answers.get(&f.id)?.as_object())?;
        let p = |k: &str| a.get(k).and_then(Json::as_str).unwrap_or("").trim();
        Some([
            format!("{} {}", p("street"), p("house_number")),
            format!("{} {}", p("postal_code"), p("city")),
        ])
    }

    /// The automated pre-checks for staff: each check with `Some(met)`, or `None` when it
    /// could not be evaluated (shown as "not checkable").
    pub fn checks(
        &self,
        answers: &Map<String, Json>,
        today: &str,
    ) -> Vec<(&CheckDef, Option<bool>)> {
        let computed = self.computed(answers, today);
        self.def
            .checks
            .iter()
            .map(|c| (c, self.check(c, answers, &computed, today).ok().flatten()))
            .collect()
    }

    fn check(
        &self,
        c: &CheckDef,
        answers: &Map<String, Json>,
        computed: &Map<String, Json>,
        today: &str,
    ) -> Result<Option<bool>, String> {
        let Some(e) = self.exprs.get(&c.expr) else {
            return Ok(None);
        };
        // Unanswered fields are null, so `nachweis != null` asks whether a file is there.
        let mut top = answers.clone();
        for id in self.step_of.keys() {
            top.entry(id.clone()).or_insert(Json::Null);
        }
        let vars = self.vars(&top, computed, None, today);
        match e.eval(&vars)? {
            cel::Value::Bool(b) => Ok(Some(b)),
            _ => Ok(None),
        }
    }

    /// The answers that count: only fields of visible steps that apply, nothing unknown.
    /// Applied before the check page and before submitting.
    pub fn prune(&self, answers: &Map<String, Json>, today: &str) -> Map<String, Json> {
        let mut out = Map::new();
        for (si, step) in self.def.steps.iter().enumerate() {
            if !self.step_visible(si, &out, today) {
                continue;
            }
            for f in &step.fields {
                let Some(v) = answers.get(&f.id) else {
                    continue;
                };
                if !f.kind.has_answer() || !self.applies(f, answers, None, today) {
                    continue;
                }
                if f.kind == FieldKind::Group {
                    let items: Vec<Json> = v
                        .as_array()
                        .map(|items| {
                            items
                                .iter()
                                .filter_map(Json::as_object)
                                .map(|item| {
                                    let kept: Map<String, Json> = f
                                        .fields
                                        .iter()
                                        .filter(|g| {
                                            g.kind.has_answer()
                                                && self.applies(g, answers, Some(item), today)
                                        })
                                        .filter_map(|g| {
                                            Some((g.id.clone(), item.get(&g.id)?.clone()))
                                        })
                                        .collect();
                                    Json::Object(kept)
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    out.insert(f.id.clone(), Json::Array(items));
                } else {
                    out.insert(f.id.clone(), v.clone());
                }
            }
        }
        out
    }

    /// Validates every visible step against the stored answers, as the server does before
    /// accepting a submission (a manipulated or replayed post cannot skip a check).
    /// Returns the index of the first step with a problem.
    pub fn first_incomplete_step(&self, answers: &Map<String, Json>, today: &str) -> Option<usize> {
        for si in self.visible_steps(answers, today) {
            let input = to_input(&self.def.steps[si], answers);
            let mut copy = answers.clone();
            if !self.read_step(si, &input, &mut copy, today).is_empty() {
                return Some(si);
            }
        }
        None
    }

    /// The JSON Schema of the answers (for specialist systems and the app API).
    pub fn answer_schema(&self, title: &str) -> Json {
        let mut props = Map::new();
        for step in &self.def.steps {
            for f in &step.fields {
                if let Some(s) = self.field_schema(f) {
                    props.insert(f.id.clone(), s);
                }
            }
        }
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": title,
            "type": "object",
            "additionalProperties": false,
            "properties": props,
        })
    }

    fn field_schema(&self, f: &FieldDef) -> Option<Json> {
        let label = f.label.as_ref().map(|l| l.de.clone()).unwrap_or_default();
        let mut s = match f.kind {
            FieldKind::Info => return None,
            FieldKind::Text | FieldKind::Textarea | FieldKind::Phone => json!({"type": "string"}),
            FieldKind::Email => json!({"type": "string", "format": "email"}),
            FieldKind::Iban => {
                json!({"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"})
            }
            FieldKind::Number => json!({"type": "integer"}),
            FieldKind::Money => json!({"type": "integer", "description": "euro cents"}),
            FieldKind::Date => json!({"type": "string", "format": "date"}),
            FieldKind::YesNo => json!({"type": "boolean"}),
            FieldKind::Choice | FieldKind::Country => {
                json!({"type": "string", "enum": self.options(f).iter().map(|o| o.value.clone()).collect::<Vec<_>>()})
            }
            FieldKind::MultiChoice => {
                json!({"type": "array", "items": {"type": "string", "enum": self.options(f).iter().map(|o| o.value.clone()).collect::<Vec<_>>()}})
            }
            FieldKind::Address => json!({"type": "object", "additionalProperties": false,
                "required": ["street", "house_number", "postal_code", "city"],
                "properties": {"street": {"type": "string"}, "house_number": {"type": "string"},
                               "postal_code": {"type": "string", "pattern": "^[0-9]{5}$"}, "city": {"type": "string"}}}),
            FieldKind::File => {
                json!({"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"}, "type": {"type": "string"}}})
            }
            FieldKind::Group => {
                let props: Map<String, Json> = f
                    .fields
                    .iter()
                    .filter_map(|g| Some((g.id.clone(), self.field_schema(g)?)))
                    .collect();
                json!({"type": "array", "items": {"type": "object", "additionalProperties": false, "properties": props}})
            }
        };
        if let Some(o) = s.as_object_mut() {
            o.insert("title".into(), Json::String(label));
        }
        Some(s)
    }

    /// Whether a top-level id is a field of this form.
    pub fn step_of(&self, field: &str) -> Option<usize> {
        self.step_of.get(field).copied()
    }
}

/// Posted-style input reconstructed from stored answers (for re-validation).
pub fn to_input(step: &StepDef, answers: &Map<String, Json>) -> StepInput {
    let mut input = StepInput::new();
    for f in &step.fields {
        if let Some(v) = answers.get(&f.id) {
            write_input(f, &f.id, v, &mut input);
        }
    }
    input
}

/// Writes one answer as the input names and texts a citizen would have posted.
pub fn write_input(f: &FieldDef, name: &str, v: &Json, input: &mut StepInput) {
    let mut put = |n: String, s: String| input.entry(n).or_default().push(s);
    match (f.kind, v) {
        (FieldKind::Group, Json::Array(items)) => {
            put(format!("{name}.count"), items.len().to_string());
            for (n, item) in items.iter().enumerate() {
                for g in &f.fields {
                    if let Some(gv) = item.get(&g.id) {
                        write_input(g, &format!("{name}.{n}.{}", g.id), gv, input);
                    }
                }
            }
        }
        (FieldKind::Address, Json::Object(o)) => {
            for p in ["street", "house_number", "postal_code", "city"] {
                put(
                    format!("{name}.{p}"),
                    o.get(p).and_then(Json::as_str).unwrap_or("").to_owned(),
                );
            }
        }
        (FieldKind::MultiChoice, Json::Array(a)) => {
            for x in a {
                put(name.to_owned(), x.as_str().unwrap_or("").to_owned());
            }
        }
        (FieldKind::YesNo, Json::Bool(b)) => {
            put(name.to_owned(), if *b { "ja" } else { "nein" }.into())
        }
        (FieldKind::Money, Json::Number(n)) => put(
            name.to_owned(),
            crate::service::format_eur_de_i64(n.as_i64().unwrap_or(0))
                .replace("\u{a0}€", "")
                .replace('.', ""),
        ),
        (FieldKind::Date, Json::String(s)) => put(name.to_owned(), format_date_de(s)),
        (_, Json::String(s)) => put(name.to_owned(), s.clone()),
        (_, other) => put(name.to_owned(), other.to_string()),
    }
}

fn is_empty(v: &Json) -> bool {
    match v {
        Json::Null => true,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        _ => false,
    }
}

fn check_range(
    f: &FieldDef,
    n: i64,
    name: &str,
    show: impl Fn(i64) -> String,
) -> Result<(), Vec<FieldError>> {
    let e = |key, v: i64| {
        vec![FieldError {
            name: name.to_owned(),
            message: Message::Key(key, vec![("limit", show(v))]),
        }]
    };
    if let Some(min) = f.min.filter(|m| n < *m) {
        return Err(e("error-min", min));
    }
    if let Some(max) = f.max.filter(|m| n > *m) {
        return Err(e("error-max", max));
    }
    Ok(())
}

/// "12", "12,5", "12,50", "1.234,56", "1234.56" → cents.
pub fn parse_money(s: &str) -> Option<i64> {
    let s = s
        .trim()
        .trim_end_matches('€')
        .trim()
        .trim_end_matches("EUR")
        .trim();
    let (euros, cents) = match s.rsplit_once(',') {
        Some((e, c)) => (e.replace('.', ""), c.to_owned()),
        None => match s.rsplit_once('.') {
            Some((e, c)) if c.len() <= 2 && !e.contains('.') => (e.to_owned(), c.to_owned()),
            _ => (s.replace('.', ""), String::new()),
        },
    };
    if euros.is_empty()
        || !euros.bytes().all(|b| b.is_ascii_digit())
        || cents.len() > 2
        || !cents.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let e: i64 = euros.parse().ok()?;
    let c: i64 = if cents.is_empty() {
        0
    } else {
        format!("{cents:0<2}").parse().ok()?
    };
    e.checked_mul(100)?.checked_add(c)
}

/// "31.12.2024" or "1.2.2024" → "2024-12-31"; years 1900–2100 only.
pub fn parse_date_de(s: &str) -> Option<String> {
    let mut it = s.trim().split('.');
    let d: u8 = it.next()?.trim().parse().ok()?;
    let m: u8 = it.next()?.trim().parse().ok()?;
    let y_str = it.next()?.trim();
    if it.next().is_some() || y_str.len() != 4 {
        return None;
    }
    let y: i32 = y_str.parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return None;
    }
    let date = time::Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()?;
    Some(super::expr::iso(date))
}

fn parse_iso_ok(s: &str) -> bool {
    s.len() == 10 && parse_date_de(&format_date_de(s)).as_deref() == Some(s)
}

/// "2024-12-31" → "31.12.2024".
pub fn format_date_de(iso: &str) -> String {
    let p: Vec<&str> = iso.split('-').collect();
    if p.len() == 3 {
        format!("{}.{}.{}", p[2], p[1], p[0])
    } else {
        iso.to_owned()
    }
}

/// ISO 13616 check: country code, check digits, mod-97 = 1; German IBANs have 22 chars.
pub fn iban_valid(iban: &str) -> bool {
    if iban.len() < 15 || iban.len() > 34 || !iban.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    if iban.starts_with("DE") && iban.len() != 22 {
        return false;
    }
    if !iban[..2].bytes().all(|b| b.is_ascii_uppercase())
        || !iban[2..4].bytes().all(|b| b.is_ascii_digit())
    {
        return false;
    }
    crate::payment::mod97(&format!("{}{}", &iban[4..], &iban[..4])) == Some(1)
}

fn regex_full_match(pattern: &str, s: &str) -> bool {
    // Patterns are checked at load; anchoring makes them match the whole answer.
    regex_match(&format!("^(?:{pattern})$"), s)
}

fn regex_match(pattern: &str, s: &str) -> bool {
    REGEX_CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if !c.contains_key(pattern) {
            match regex::Regex::new(pattern) {
                Ok(r) => {
                    c.insert(pattern.to_owned(), r);
                }
                Err(_) => return false,
            }
        }
        c.get(pattern).is_some_and(|r| r.is_match(s))
    })
}

thread_local! {
    static REGEX_CACHE: std::cell::RefCell<HashMap<String, regex::Regex>> = std::cell::RefCell::new(HashMap::new());
}

/// Kind-specific keys used with the wrong kind, unknown code lists, bad patterns, bounds.
fn check_field(
    f: &FieldDef,
    p: &str,
    codelists: &HashMap<String, Arc<CodeListDef>>,
    used: &mut HashMap<String, Arc<CodeListDef>>,
    problems: &mut Vec<Problem>,
    in_group: bool,
) {
    use FieldKind as K;
    let k = f.kind;
    let mut not_for = |present: bool, key: &str, allowed: &[K]| {
        if present && !allowed.contains(&k) {
            problems.push(Problem::at(
                format!("{p}/{key}"),
                format!("'{key}' does not apply to a field of kind {:?}", k).to_lowercase(),
            ));
        }
    };
    not_for(
        f.min_length.is_some(),
        "min_length",
        &[K::Text, K::Textarea],
    );
    not_for(
        f.max_length.is_some(),
        "max_length",
        &[K::Text, K::Textarea],
    );
    not_for(f.pattern.is_some(), "pattern", &[K::Text]);
    not_for(f.min.is_some(), "min", &[K::Number, K::Money, K::Group]);
    not_for(f.max.is_some(), "max", &[K::Number, K::Money, K::Group]);
    not_for(f.min_date.is_some(), "min_date", &[K::Date]);
    not_for(f.max_date.is_some(), "max_date", &[K::Date]);
    not_for(
        !f.options.is_empty(),
        "options",
        &[K::Choice, K::MultiChoice],
    );
    not_for(
        f.code_list.is_some(),
        "code_list",
        &[K::Choice, K::MultiChoice, K::Country],
    );
    not_for(!f.accept.is_empty(), "accept", &[K::File]);
    not_for(f.max_bytes.is_some(), "max_bytes", &[K::File]);
    not_for(!f.fields.is_empty(), "fields", &[K::Group]);
    not_for(f.item_label.is_some(), "item_label", &[K::Group]);
    not_for(f.text.is_some(), "text", &[K::Info]);
    if k != K::Info && f.label.is_none() {
        problems.push(Problem::at(p.to_owned(), "a field needs a label"));
    }
    if k == K::Info && f.text.is_none() {
        problems.push(Problem::at(p.to_owned(), "an info block needs a text"));
    }
    if matches!(k, K::Choice | K::MultiChoice) && f.options.is_empty() && f.code_list.is_none() {
        problems.push(Problem::at(
            p.to_owned(),
            "a choice needs options or a code_list",
        ));
    }
    if k == K::Country && f.code_list.is_none() {
        problems.push(Problem::at(
            p.to_owned(),
            "a country field needs a code_list (e.g. countries)",
        ));
    }
    if let Some(src) = &f.prefill {
        let fits = match src.as_str() {
            "address" => k == K::Address,
            "email" => k == K::Email,
            "birth_date" | "moving_date" => k == K::Date,
            "given_name" | "family_name" => k == K::Text,
            _ => false,
        };
        if !fits {
            problems.push(Problem::at(
                format!("{p}/prefill"),
                format!(
                    "prefill '{src}' does not fit a {} field (one of: {})",
                    serde_json::to_value(k)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default(),
                    crate::account::PREFILL_SOURCES.join(", ")
                ),
            ));
        }
    }
    if let Some(id) = &f.code_list {
        match codelists.get(id) {
            Some(l) => {
                used.insert(id.clone(), l.clone());
            }
            None => problems.push(Problem::at(
                format!("{p}/code_list"),
                format!("unknown code list '{id}' (see codelists/)"),
            )),
        }
    }
    let mut seen = HashSet::new();
    for (i, o) in f.options.iter().enumerate() {
        if !seen.insert(&o.value) {
            problems.push(Problem::at(
                format!("{p}/options/{i}/value"),
                format!("duplicate option '{}'", o.value),
            ));
        }
    }
    if let (Some(a), Some(b)) = (f.min, f.max) {
        if a > b {
            problems.push(Problem::at(
                format!("{p}/max"),
                format!("max {b} is below min {a}"),
            ));
        }
    }
    if let Some(pat) = &f.pattern {
        if let Err(e) = regex::Regex::new(pat) {
            problems.push(Problem::at(
                format!("{p}/pattern"),
                format!("invalid regular expression: {e}"),
            ));
        }
    }
    if k == K::Group {
        if in_group {
            problems.push(Problem::at(p.to_owned(), "groups cannot be nested"));
        }
        if f.fields.is_empty() {
            problems.push(Problem::at(p.to_owned(), "a group needs fields"));
        }
        let mut ids = HashSet::new();
        for (i, g) in f.fields.iter().enumerate() {
            if !ids.insert(&g.id) {
                problems.push(Problem::at(
                    format!("{p}/fields/{i}/id"),
                    format!("duplicate field id '{}' in group", g.id),
                ));
            }
        }
    }
    if k == K::File && f.accept.is_empty() {
        problems.push(Problem::at(
            p.to_owned(),
            "a file field needs `accept` (pdf, jpeg, png)",
        ));
    }
    if let Some(max) = f.max_bytes {
        if max == 0 || max > MAX_FILE_BYTES {
            problems.push(Problem::at(
                format!("{p}/max_bytes"),
                format!("max_bytes must be between 1 and {MAX_FILE_BYTES}"),
            ));
        }
    }
}

/// The largest file any form may accept (20 MiB).
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// The default when a file field names no `max_bytes` (10 MiB).
pub const DEFAULT_FILE_BYTES: u64 = 10 * 1024 * 1024;

/// "10 MB", "512 KB" — for limits named in messages.
pub fn format_bytes(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MB", n / (1024 * 1024))
    } else if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0)).replace('.', ",")
    } else {
        format!("{} KB", n.div_ceil(1024))
    }
}

mod folder;
pub use folder::{Folder, Planned};

#[cfg(test)]
mod tests;

/// A single e-mail address as mail servers take it (RFC 5321/5322 through the
/// `email_address` parser): no display name, no domain literal, a domain with a top-level
/// part, no spaces or control characters.
pub fn email_valid(raw: &str) -> bool {
    use email_address::{EmailAddress, Options};
    raw.len() <= 254
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
        && EmailAddress::parse_with_options(
            raw,
            Options::default()
                .with_required_tld()
                .without_display_text()
                .without_domain_literal(),
        )
        .is_ok_and(|a| !a.local_part().starts_with('"'))
}
