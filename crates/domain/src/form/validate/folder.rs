//! Compiling a moving folder's plan (`crate::folder`): its questions as a one-step form
//! (parsing, validation and rendering reuse the form code, as for the pre-check), its
//! items' conditions and due dates as CEL over the answers, checked with sample answers.

use super::*;
use crate::folder::{FolderDef, FolderItemDef, FolderStepDef};

/// A plan, checked and compiled.
#[derive(Debug)]
pub struct Folder {
    /// The opening questions as a one-step form.
    pub questions: Box<Form>,
    pub def: FolderDef,
    /// Item id → its `when` and `due` expressions.
    when: HashMap<String, Expr>,
    due: HashMap<String, Expr>,
}

/// An item as it applies to one citizen's answers.
#[derive(Debug)]
pub struct Planned<'a> {
    pub step: &'a FolderStepDef,
    pub item: &'a FolderItemDef,
    /// By when (`YYYY-MM-DD`), if the plan says.
    pub due: Option<String>,
}

impl Folder {
    pub fn compile(
        def: &FolderDef,
        codelists: &HashMap<String, Arc<CodeListDef>>,
        base: &str,
    ) -> Result<Folder, Vec<Problem>> {
        let mut problems = Vec::new();
        for (i, q) in def.questions.iter().enumerate() {
            if matches!(q.kind, FieldKind::File | FieldKind::Group) {
                problems.push(Problem::at(
                    format!("{base}/questions/{i}/kind"),
                    "a folder question cannot be a file or a group",
                ));
            }
        }
        let questions = questions_form(
            "fragen",
            &def.title,
            Some(&def.intro),
            &def.questions,
            codelists,
            base,
            &mut problems,
        );
        let ids: HashSet<&str> = def.questions.iter().map(|q| q.id.as_str()).collect();
        let mut steps = HashSet::new();
        let mut items = HashSet::new();
        let mut when = HashMap::new();
        let mut due = HashMap::new();
        let mut pointers: Vec<(String, String, bool)> = Vec::new();
        for (si, s) in def.steps.iter().enumerate() {
            if !steps.insert(s.id.as_str()) {
                problems.push(Problem::at(
                    format!("{base}/steps/{si}/id"),
                    format!("duplicate step id '{}'", s.id),
                ));
            }
            for (ii, it) in s.items.iter().enumerate() {
                let at = format!("{base}/steps/{si}/items/{ii}");
                if !items.insert(it.id.as_str()) {
                    problems.push(Problem::at(
                        format!("{at}/id"),
                        format!("duplicate item id '{}'", it.id),
                    ));
                }
                let kinds = [
                    it.service.is_some(),
                    it.appointment.is_some(),
                    it.task.is_some(),
                ]
                .into_iter()
                .filter(|k| *k)
                .count();
                if kinds != 1 {
                    problems.push(Problem::at(
                        at.clone(),
                        "an item is exactly one of service, appointment or task",
                    ));
                }
                for (key, src, is_when) in [("when", &it.when, true), ("due", &it.due, false)] {
                    let Some(src) = src else { continue };
                    match Expr::compile(src) {
                        Ok(e) => {
                            for v in e.variables() {
                                if !ids.contains(v.as_str())
                                    && !BUILTIN_VARIABLES.contains(&v.as_str())
                                {
                                    problems.push(Problem::at(
                                        format!("{at}/{key}"),
                                        format!("unknown question '{v}'"),
                                    ));
                                }
                            }
                            pointers.push((it.id.clone(), format!("{at}/{key}"), is_when));
                            if is_when {
                                when.insert(it.id.clone(), e);
                            } else {
                                due.insert(it.id.clone(), e);
                            }
                        }
                        Err(m) => problems.push(Problem::at(format!("{at}/{key}"), m)),
                    }
                }
            }
        }
        // A choice has at least two items to choose from.
        let mut choices: HashMap<&str, (usize, String)> = HashMap::new();
        for (si, st) in def.steps.iter().enumerate() {
            for (ii, it) in st.items.iter().enumerate() {
                if let Some(ch) = &it.choice {
                    let e = choices
                        .entry(ch.as_str())
                        .or_insert((0, format!("{base}/steps/{si}/items/{ii}/choice")));
                    e.0 += 1;
                }
            }
        }
        let mut single: Vec<_> = choices.into_iter().filter(|(_, (n, _))| *n < 2).collect();
        single.sort_by(|a, b| a.1 .1.cmp(&b.1 .1));
        // (Reported with the others, not stopping the expressions' checks.)
        let lonely: Vec<Problem> = single
            .into_iter()
            .map(|(ch, (_, at))| {
                Problem::at(
                    at,
                    format!("choice '{ch}' has only one item; a choice needs two or more"),
                )
            })
            .collect();
        let Some(questions) = questions.filter(|_| problems.is_empty()) else {
            problems.extend(lonely);
            return Err(problems);
        };
        let sample = questions.sample_answers();
        let empty = Map::new();
        let vars = Vars {
            top: &sample,
            computed: &empty,
            item: None,
            today: "2026-01-15",
            known: &questions.known,
        };
        for (id, at, is_when) in pointers {
            if is_when {
                if !matches!(when[&id].eval(&vars), Ok(cel::Value::Bool(_))) {
                    problems.push(Problem::at(at, "must give true or false"));
                }
            } else if !matches!(due[&id].eval(&vars), Ok(cel::Value::String(s)) if parse_iso_ok(&s))
            {
                problems.push(Problem::at(
                    at,
                    "must give a date as 'YYYY-MM-DD' (e.g. add_days(umzugsdatum, 14))",
                ));
            }
        }
        problems.extend(lonely);
        if !problems.is_empty() {
            return Err(problems);
        }
        Ok(Folder {
            questions: Box::new(questions),
            def: def.clone(),
            when,
            due,
        })
    }

    /// The items that apply to `answers`, in the plan's order, with their due dates. An
    /// item whose condition cannot be decided (an answer missing) is left out.
    pub fn plan(&self, answers: &Map<String, Json>, today: &str) -> Vec<Planned<'_>> {
        let empty = Map::new();
        let vars = Vars {
            top: answers,
            computed: &empty,
            item: None,
            today,
            known: &self.questions.known,
        };
        let mut out = Vec::new();
        for step in &self.def.steps {
            for item in &step.items {
                let applies = match self.when.get(&item.id) {
                    None => true,
                    Some(e) => matches!(e.eval(&vars), Ok(cel::Value::Bool(true))),
                };
                if !applies {
                    continue;
                }
                let due = self.due.get(&item.id).and_then(|e| match e.eval(&vars) {
                    Ok(cel::Value::String(s)) if parse_iso_ok(&s) => Some(s.as_ref().clone()),
                    _ => None,
                });
                out.push(Planned { step, item, due });
            }
        }
        out
    }

    /// The folder's facts among `answers`: each answered question marked `prefill:`, by its
    /// source name (`address`, `moving_date`, …).
    pub fn facts(&self, answers: &Map<String, Json>) -> Map<String, Json> {
        self.def
            .questions
            .iter()
            .filter_map(|q| {
                let source = q.prefill.as_ref()?;
                let v = answers.get(&q.id).filter(|v| !v.is_null())?;
                Some((source.clone(), v.clone()))
            })
            .collect()
    }

    pub fn item(&self, id: &str) -> Option<&FolderItemDef> {
        self.def
            .steps
            .iter()
            .flat_map(|s| s.items.iter())
            .find(|i| i.id == id)
    }
}
