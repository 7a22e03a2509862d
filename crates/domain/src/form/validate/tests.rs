use super::*;
use proptest::prelude::*;

fn form_def(v: Json) -> FormDef {
    serde_json::from_value(v).unwrap_or_else(|e| panic!("bad test form: {e}"))
}

fn breeds() -> HashMap<String, Arc<CodeListDef>> {
    let l: CodeListDef = serde_json::from_value(json!({
        "id": "listenhunde", "title": {"de": "Listenhunde"}, "source": "§ 10 LHundG NRW (Auszug, Demo)",
        "entries": [{"value": "rottweiler", "label": {"de": "Rottweiler"}}, {"value": "mastiff", "label": {"de": "Mastiff"}}]
    })).unwrap_or_else(|e| panic!("{e}"));
    HashMap::from([("listenhunde".to_owned(), Arc::new(l))])
}

/// A small dog-tax form: dogs as a group, listed breeds, a computed tax, a date rule.
fn dog_form() -> Form {
    let def = form_def(json!({
        "steps": [
            {"id": "halter", "title": {"de": "Halter"}, "fields": [
                {"id": "name", "kind": "text", "label": {"de": "Name"}, "max_length": 50},
                {"id": "geburt", "kind": "date", "label": {"de": "Geburtsdatum"}, "max_date": "add_years(today, -18)"},
                {"id": "anschrift", "kind": "address", "label": {"de": "Anschrift"}},
                {"id": "iban", "kind": "iban", "label": {"de": "IBAN"}, "required": false}
            ]},
            {"id": "hunde", "title": {"de": "Hunde"}, "fields": [
                {"id": "hunde", "kind": "group", "label": {"de": "Hunde"}, "min": 1, "max": 3, "fields": [
                    {"id": "rufname", "kind": "text", "label": {"de": "Rufname"}},
                    {"id": "gelistet", "kind": "yes_no", "label": {"de": "Listenhund?"}},
                    {"id": "rasse", "kind": "choice", "code_list": "listenhunde", "label": {"de": "Rasse"}, "visible_if": "gelistet"}
                ]},
                {"id": "beginn", "kind": "date", "label": {"de": "Haltung seit"}},
                {"id": "ende", "kind": "date", "label": {"de": "Haltung bis"}, "required": false}
            ]},
            {"id": "sachkunde", "title": {"de": "Sachkunde"}, "visible_if": "hunde.exists(h, h.gelistet)", "fields": [
                {"id": "nachweis", "kind": "yes_no", "label": {"de": "Sachkundenachweis vorhanden?"}}
            ]}
        ],
        "rules": [{"check": "ende > beginn", "field": "ende", "message": {"de": "Das Ende muss nach dem Beginn liegen."}}],
        "computed": [
            {"id": "steuer", "label": {"de": "Hundesteuer im Jahr"}, "format": "money",
             "expr": "size(hunde) * 10800 + size(hunde.filter(h, h.gelistet)) * 61200"}
        ]
    }));
    Form::compile(&def, &breeds(), "/form").unwrap_or_else(|p| panic!("{p:?}"))
}

fn input(pairs: &[(&str, &str)]) -> StepInput {
    let mut m = StepInput::new();
    for (k, v) in pairs {
        m.entry((*k).to_owned()).or_default().push((*v).to_owned());
    }
    m
}

fn names(errors: &[FieldError]) -> Vec<&str> {
    errors.iter().map(|e| e.name.as_str()).collect()
}

const TODAY: &str = "2026-11-23";

#[test]
fn first_step_reads_and_validates() {
    let f = dog_form();
    let mut a = Map::new();
    let errs = f.read_step(
        0,
        &input(&[
            ("name", "Erika Mustermann"),
            ("geburt", "31.02.1980"),
            ("anschrift.street", "Markt"),
            ("anschrift.house_number", "1"),
            ("anschrift.postal_code", "5949"),
            ("anschrift.city", "Soest"),
            ("iban", "DE02 1203 0000 0000 2020 51"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["geburt", "anschrift.postal_code"]);
    // Valid answers are kept even though others have errors.
    assert_eq!(a["name"], "Erika Mustermann");
    assert_eq!(a["iban"], "DE02120300000000202051");
    // Too young: the date bound is a CEL expression.
    let errs = f.read_step(
        0,
        &input(&[
            ("name", "E"),
            ("geburt", "01.01.2010"),
            ("anschrift.street", "Markt"),
            ("anschrift.house_number", "1"),
            ("anschrift.postal_code", "59494"),
            ("anschrift.city", "Soest"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(
        errs,
        vec![FieldError {
            name: "geburt".into(),
            message: Message::Key("error-date-max", vec![("limit", "23.11.2008".into())])
        }]
    );
    let errs = f.read_step(
        0,
        &input(&[
            ("name", "E"),
            ("geburt", "1.1.1980"),
            ("anschrift.street", "Markt"),
            ("anschrift.house_number", "1"),
            ("anschrift.postal_code", "59494"),
            ("anschrift.city", "Soest"),
            ("iban", "DE02120300000000202052"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["iban"]);
    assert_eq!(a["geburt"], "1980-01-01");
}

#[test]
fn groups_visibility_rules_and_computed_values() {
    let f = dog_form();
    let mut a = Map::new();
    // Two dogs; the second is listed but has no breed; end before start.
    let errs = f.read_step(
        1,
        &input(&[
            ("hunde.count", "2"),
            ("hunde.0.rufname", "Bello"),
            ("hunde.0.gelistet", "nein"),
            ("hunde.0.rasse", "mastiff"),
            ("hunde.1.rufname", "Rex"),
            ("hunde.1.gelistet", "ja"),
            ("beginn", "01.03.2024"),
            ("ende", "01.02.2024"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["hunde.1.rasse", "ende"]);
    assert!(matches!(&errs[1].message, Message::Custom(t) if t.de.starts_with("Das Ende")));
    // The breed of the unlisted dog is not kept (its branch is not taken).
    assert_eq!(a["hunde"][0].get("rasse"), None);
    let errs = f.read_step(
        1,
        &input(&[
            ("hunde.count", "2"),
            ("hunde.0.rufname", "Bello"),
            ("hunde.0.gelistet", "nein"),
            ("hunde.1.rufname", "Rex"),
            ("hunde.1.gelistet", "ja"),
            ("hunde.1.rasse", "rottweiler"),
            ("beginn", "01.03.2024"),
        ]),
        &mut a,
        TODAY,
    );
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(f.computed(&a, TODAY)["steuer"], 2 * 10800 + 61200);
    // The Sachkunde step appears only because a listed dog is kept.
    assert_eq!(f.visible_steps(&a, TODAY), [0, 1, 2]);
    a["hunde"][1]["gelistet"] = json!(false);
    assert_eq!(f.visible_steps(&a, TODAY), [0, 1]);
    a.insert("nachweis".into(), json!(true));
    // Pruning drops the answer of the step that is no longer on the way, and the breed.
    let pruned = f.prune(&a, TODAY);
    assert!(!pruned.contains_key("nachweis"));
    assert_eq!(pruned["hunde"][1].get("rasse"), None);
}

#[test]
fn group_bounds_and_manipulated_choices() {
    let f = dog_form();
    let mut a = Map::new();
    let errs = f.read_step(
        1,
        &input(&[("hunde.count", "0"), ("beginn", "01.03.2024")]),
        &mut a,
        TODAY,
    );
    assert_eq!(
        errs,
        vec![FieldError {
            name: "hunde".into(),
            message: Message::Key("error-group-min", vec![("min", "1".into())])
        }]
    );
    let errs = f.read_step(
        1,
        &input(&[
            ("hunde.count", "1"),
            ("hunde.0.rufname", "X"),
            ("hunde.0.gelistet", "vielleicht"),
            ("beginn", "01.03.2024"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["hunde.0.gelistet"]);
    let errs = f.read_step(
        1,
        &input(&[
            ("hunde.count", "1"),
            ("hunde.0.rufname", "X"),
            ("hunde.0.gelistet", "ja"),
            ("hunde.0.rasse", "wolf"),
            ("beginn", "01.03.2024"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["hunde.0.rasse"]);
    // A huge count cannot make the server read unbounded entries.
    let errs = f.read_step(
        1,
        &input(&[("hunde.count", "100000"), ("beginn", "01.03.2024")]),
        &mut a,
        TODAY,
    );
    assert!(
        a["hunde"].as_array().is_some_and(|h| h.len() <= 4),
        "{errs:?}"
    );
}

#[test]
fn stored_answers_revalidate() {
    let f = dog_form();
    let mut a = Map::new();
    assert!(f
        .read_step(
            0,
            &input(&[
                ("name", "E"),
                ("geburt", "1.1.1980"),
                ("anschrift.street", "Markt"),
                ("anschrift.house_number", "1"),
                ("anschrift.postal_code", "59494"),
                ("anschrift.city", "Soest")
            ]),
            &mut a,
            TODAY
        )
        .is_empty());
    assert_eq!(f.first_incomplete_step(&a, TODAY), Some(1));
    assert!(f
        .read_step(
            1,
            &input(&[
                ("hunde.count", "1"),
                ("hunde.0.rufname", "Bello"),
                ("hunde.0.gelistet", "nein"),
                ("beginn", "01.03.2024")
            ]),
            &mut a,
            TODAY
        )
        .is_empty());
    assert_eq!(f.first_incomplete_step(&a, TODAY), None);
    // A manipulated stored answer is caught again.
    a.insert("name".into(), json!("x".repeat(51)));
    assert_eq!(f.first_incomplete_step(&a, TODAY), Some(0));
}

#[test]
fn load_time_checks() {
    let bad = |v: Json| -> Vec<String> {
        match Form::compile(&form_def(v), &breeds(), "/form") {
            Ok(_) => vec![],
            Err(p) => p
                .into_iter()
                .map(|p| format!("{}: {}", p.pointer, p.message))
                .collect(),
        }
    };
    let step =
        |fields: Json| json!({"steps": [{"id": "a", "title": {"de": "A"}, "fields": fields}]});
    assert_eq!(
        bad(step(
            json!([{"id": "x", "kind": "text", "label": {"de": "X"}, "visible_if": "y == 1"}])
        )),
        ["/form/steps/0/fields/0/visible_if: unknown field 'y' in condition"]
    );
    assert_eq!(
        bad(step(
            json!([{"id": "x", "kind": "text", "label": {"de": "X"}, "visible_if": "x =="}])
        ))[0]
            .split(':')
            .next(),
        Some("/form/steps/0/fields/0/visible_if")
    );
    assert_eq!(bad(step(json!([{"id": "x", "kind": "number", "label": {"de": "X"}, "visible_if": "x + 1"}]))),
        ["/form/steps/0/fields/0/visible_if: must give true or false; with sample answers it gave Int(2)"]);
    assert_eq!(bad(step(json!([{"id": "x", "kind": "date", "label": {"de": "X"}, "max_length": 3}]))),
        ["/form/steps/0/fields/0/max_length: 'max_length' does not apply to a field of kind date"]);
    assert_eq!(
        bad(step(
            json!([{"id": "x", "kind": "choice", "label": {"de": "X"}, "code_list": "nope"}])
        )),
        ["/form/steps/0/fields/0/code_list: unknown code list 'nope' (see codelists/)"]
    );
    assert_eq!(bad(json!({"steps": [
        {"id": "a", "title": {"de": "A"}, "visible_if": "b", "fields": [{"id": "a1", "kind": "yes_no", "label": {"de": "A"}}]},
        {"id": "b", "title": {"de": "B"}, "fields": [{"id": "b", "kind": "yes_no", "label": {"de": "B"}}]}]})),
        ["/form/steps/0/visible_if: step condition uses 'b', which is not answered before this step"]);
    assert_eq!(bad(json!({"steps": [{"id": "a", "title": {"de": "A"}, "fields": [{"id": "n", "kind": "number", "label": {"de": "N"}}]}],
        "computed": [{"id": "c", "label": {"de": "C"}, "format": "money", "expr": "'x' + string(n)"}]})),
        ["/form/computed/0/expr: must give an integer number of cents; with sample answers it gave \"x1\""]);
}

proptest! {
    #[test]
    fn money_round_trips(cents in 0i64..10_000_000_000) {
        let shown = crate::service::format_eur_de_i64(cents).replace(['\u{a0}', '€'], "");
        prop_assert_eq!(parse_money(&shown), Some(cents));
        prop_assert_eq!(parse_money(&format!("{}.{:02}", cents / 100, cents % 100)), Some(cents));
    }

    #[test]
    fn dates_round_trip(y in 1900i32..=2100, m in 1u8..=12, d in 1u8..=31) {
        let de = format!("{d}.{m}.{y}");
        match time::Date::from_calendar_date(y, time::Month::try_from(m).unwrap_or(time::Month::January), d) {
            Ok(_) => {
                let iso = parse_date_de(&de);
                prop_assert!(iso.is_some());
                let iso = iso.unwrap_or_default();
                prop_assert_eq!(parse_date_de(&format_date_de(&iso)), Some(iso));
            }
            Err(_) => prop_assert_eq!(parse_date_de(&de), None),
        }
    }

    /// Changing one digit of a valid IBAN always breaks the check digits.
    #[test]
    fn iban_detects_single_digit_errors(pos in 4usize..22, delta in 1u32..10) {
        let valid = "DE02120300000000202051";
        prop_assert!(iban_valid(valid));
        let mut chars: Vec<char> = valid.chars().collect();
        let d = chars[pos].to_digit(10).unwrap_or(0);
        chars[pos] = char::from_digit((d + delta) % 10, 10).unwrap_or('0');
        let changed: String = chars.into_iter().collect();
        prop_assert!(!iban_valid(&changed));
    }
}

#[test]
fn control_characters_are_refused_and_others_kept() {
    let f = dog_form();
    let mut a = Map::new();
    let errs = f.read_step(
        0,
        &input(&[
            ("name", "Erika\u{1}Mustermann"),
            ("geburt", "1.1.1980"),
            ("anschrift.street", "Markt\u{0}"),
            ("anschrift.house_number", "1"),
            ("anschrift.postal_code", "59494"),
            ("anschrift.city", "So\u{85}est"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(
        names(&errs),
        ["name", "anschrift.street", "anschrift.city"],
        "{errs:?}"
    );
    assert!(errs
        .iter()
        .all(|e| e.message == Message::Key("error-control", vec![])));
    assert!(
        !a.contains_key("name"),
        "nothing with a control character is stored"
    );
    assert_eq!(a["geburt"], "1980-01-01", "the valid answers are kept");
}

#[test]
fn e_mail_addresses_are_parsed() {
    for ok in [
        "erika@example.org",
        "e.m+soest@mail.example.de",
        "o'neil@example.ie",
    ] {
        assert!(email_valid(ok), "{ok}");
    }
    for bad in [
        "a@b@example.org",
        "<script>@x.de",
        "erika@localhost",
        "Erika <erika@example.org>",
        "erika@[127.0.0.1]",
        "\"erika mustermann\"@example.org",
        "erika@example.org\u{0}",
        "erika@exa mple.org",
        "",
        "@example.org",
        "erika@",
    ] {
        assert!(!email_valid(bad), "{bad}");
    }
}

#[test]
fn a_blank_entry_beyond_the_minimum_is_no_entry() {
    let def = form_def(json!({
        "steps": [{"id": "haushalt", "title": {"de": "Haushalt"}, "fields": [
            {"id": "personen", "kind": "group", "label": {"de": "Personen"}, "min": 0, "max": 4, "fields": [
                {"id": "vorname", "kind": "text", "label": {"de": "Vorname"}},
                {"id": "kind", "kind": "yes_no", "label": {"de": "Kind?"}}
            ]}
        ]}]
    }));
    let f = Form::compile(&def, &HashMap::new(), "/form").unwrap_or_else(|p| panic!("{p:?}"));
    let mut a = Map::new();
    // The one blank entry the page shows: nobody else lives there.
    let errs = f.read_step(
        0,
        &input(&[("personen.count", "1"), ("personen.0.vorname", "  ")]),
        &mut a,
        TODAY,
    );
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(a["personen"], json!([]));
    // An entry begun is an entry, and so is a blank one added to others: missing answers
    // are errors.
    let errs = f.read_step(
        0,
        &input(&[
            ("personen.count", "2"),
            ("personen.0.vorname", "Lotta"),
            ("personen.1.kind", "ja"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["personen.0.kind", "personen.1.vorname"]);
    let errs = f.read_step(
        0,
        &input(&[
            ("personen.count", "2"),
            ("personen.0.vorname", "Lotta"),
            ("personen.0.kind", "ja"),
        ]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["personen.1.vorname", "personen.1.kind"]);
    // Blank entries within the minimum still count, and are still refused.
    let g = dog_form();
    let errs = g.read_step(
        1,
        &input(&[("hunde.count", "1"), ("beginn", "01.03.2024")]),
        &mut a,
        TODAY,
    );
    assert_eq!(names(&errs), ["hunde.0.rufname", "hunde.0.gelistet"]);
}
