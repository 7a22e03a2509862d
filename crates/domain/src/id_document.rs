//! The status of ID cards and passports (Statusabfrage): the office's Fachverfahren
//! reports where each document is (produced, ready for pick-up, handed out, sent by direct
//! dispatch …); a citizen asks with the application number or the document's serial
//! number and their birth date.
//!
//! The rules here: the fixed vocabulary of states, how numbers and birth dates are read
//! (the letter O is the digit 0; spaces, dashes and case do not matter), a report row and
//! the CSV files of the nightly export, read all or nothing with line and reason, and the
//! office's settings in `tenant.yaml` with their checks.

use crate::tenant::Problem;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Where a document is. The order is the usual course of a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Ordered from the Bundesdruckerei, not yet at the office.
    InProduction,
    /// At the office, ready to be picked up (since the report's date).
    Ready,
    /// Handed out at the office.
    HandedOut,
    /// On its way to the applicant by direct dispatch.
    Dispatched,
    /// Delivered by direct dispatch.
    Delivered,
    /// Direct dispatch failed; the document came back to the office.
    Returned,
}

impl DocumentStatus {
    pub const ALL: [DocumentStatus; 6] = [
        DocumentStatus::InProduction,
        DocumentStatus::Ready,
        DocumentStatus::HandedOut,
        DocumentStatus::Dispatched,
        DocumentStatus::Delivered,
        DocumentStatus::Returned,
    ];

    /// The code in files, the database and the JSON interface.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentStatus::InProduction => "in_production",
            DocumentStatus::Ready => "ready",
            DocumentStatus::HandedOut => "handed_out",
            DocumentStatus::Dispatched => "dispatched",
            DocumentStatus::Delivered => "delivered",
            DocumentStatus::Returned => "returned",
        }
    }

    /// Reads a code, the English one or the German one of the exports
    /// (`in_produktion`, `abholbereit`, `ausgehaendigt`, `direktversand`, `zugestellt`,
    /// `zurueck`), in any case.
    pub fn parse(s: &str) -> Option<DocumentStatus> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match s.as_str() {
            "in_production" | "in_produktion" => DocumentStatus::InProduction,
            "ready" | "abholbereit" => DocumentStatus::Ready,
            "handed_out" | "ausgehaendigt" | "ausgehändigt" => DocumentStatus::HandedOut,
            "dispatched" | "direktversand" => DocumentStatus::Dispatched,
            "delivered" | "zugestellt" => DocumentStatus::Delivered,
            "returned" | "zurueck" | "zurück" => DocumentStatus::Returned,
            _ => return None,
        })
    }

    /// The document is with its owner: from now on the entry waits only for its deletion.
    pub fn is_final(self) -> bool {
        matches!(self, DocumentStatus::HandedOut | DocumentStatus::Delivered)
    }

    /// The document lies at the office for its owner to pick up.
    pub fn can_be_picked_up(self) -> bool {
        matches!(self, DocumentStatus::Ready | DocumentStatus::Returned)
    }
}

/// Which document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Personalausweis.
    IdCard,
    /// Reisepass.
    Passport,
    /// Kinderreisepass.
    ChildPassport,
    /// eID-Karte for citizens of the EU and the EEA.
    EidCard,
}

impl DocumentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::IdCard => "id_card",
            DocumentKind::Passport => "passport",
            DocumentKind::ChildPassport => "child_passport",
            DocumentKind::EidCard => "eid_card",
        }
    }

    /// Reads a code, English or German (`personalausweis`, `reisepass`, `kinderreisepass`,
    /// `eid_karte`).
    pub fn parse(s: &str) -> Option<DocumentKind> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Some(match s.as_str() {
            "id_card" | "personalausweis" | "pa" => DocumentKind::IdCard,
            "passport" | "reisepass" | "pass" => DocumentKind::Passport,
            "child_passport" | "kinderreisepass" => DocumentKind::ChildPassport,
            "eid_card" | "eid_karte" => DocumentKind::EidCard,
            _ => return None,
        })
    }
}

/// Shortest and longest number (application or serial) after normalising.
pub const NUMBER_MIN: usize = 6;
pub const NUMBER_MAX: usize = 24;

/// A number as compared: letters and digits only, capitals, the letter O read as the digit
/// 0 (serial numbers have no O; people mistype the 0). `None` if what is left is too short
/// or too long to be a number.
pub fn normalize_number(s: &str) -> Option<String> {
    let n: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '/' | '.' | '_'))
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            c => c,
        })
        .collect();
    (n.chars().all(|c| c.is_ascii_alphanumeric()) && (NUMBER_MIN..=NUMBER_MAX).contains(&n.len()))
        .then_some(n)
}

/// A birth date as people write it: `TT.MM.JJJJ` (also with one-digit day or month) or
/// `JJJJ-MM-TT`; not in the future, not before 1900.
pub fn parse_birth_date(s: &str, today: Date) -> Option<Date> {
    let s = s.trim();
    let d = if let Some((d, rest)) = s.split_once('.') {
        let (m, y) = rest.split_once('.')?;
        Date::new(
            y.trim().parse().ok()?,
            m.trim().parse().ok()?,
            d.trim().parse().ok()?,
        )
        .ok()?
    } else {
        s.parse::<Date>().ok()?
    };
    (d.year() >= 1900 && d <= today).then_some(d)
}

/// One document as the Fachverfahren reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentReport {
    pub kind: DocumentKind,
    /// The Antragsnummer (as normalised by [`normalize_number`]).
    #[serde(default)]
    pub application_number: Option<String>,
    /// The document's serial number (Seriennummer).
    #[serde(default)]
    pub serial_number: Option<String>,
    /// The applicant's birth date, `YYYY-MM-DD`.
    pub birth_date: String,
    pub status: DocumentStatus,
    /// Since when (`YYYY-MM-DD`); default: the day of the report.
    #[serde(default)]
    pub since: Option<String>,
}

/// A report that was read: numbers normalised, dates parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub kind: DocumentKind,
    pub application_number: Option<String>,
    pub serial_number: Option<String>,
    pub birth_date: Date,
    pub status: DocumentStatus,
    pub since: Option<Date>,
}

/// What is wrong with one row (the line of a file, or the index of a JSON list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the file (1 = the header), or index in the list (from 0).
    pub at: usize,
    pub field: &'static str,
    pub reason: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}: {}", self.at, self.field, self.reason)
    }
}

/// The most rows one import takes.
pub const MAX_ROWS: usize = 200_000;

impl DocumentReport {
    /// Checks and normalises the row; `at` names it in errors.
    pub fn read(&self, at: usize, today: Date) -> Result<Report, Vec<RowError>> {
        let mut errors = Vec::new();
        let mut err =
            |field: &'static str, reason: String| errors.push(RowError { at, field, reason });
        let number = |v: &Option<String>,
                      field: &'static str,
                      err: &mut dyn FnMut(&'static str, String)| {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => match normalize_number(s) {
                    Some(n) => Some(n),
                    None => {
                        err(field, format!("'{s}' is not a number of {NUMBER_MIN} to {NUMBER_MAX} letters and digits"));
                        None
                    }
                },
            }
        };
        let application_number = number(&self.application_number, "application_number", &mut err);
        let serial_number = number(&self.serial_number, "serial_number", &mut err);
        let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
        if blank(&self.application_number) && blank(&self.serial_number) {
            err(
                "application_number",
                "neither an application number nor a serial number".into(),
            );
        }
        let birth_date = parse_birth_date(&self.birth_date, today);
        if birth_date.is_none() {
            err(
                "birth_date",
                format!(
                    "'{}' is not a birth date (YYYY-MM-DD or DD.MM.YYYY)",
                    self.birth_date
                ),
            );
        }
        let since = match self
            .since
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(s) => match s
                .parse::<Date>()
                .ok()
                .or_else(|| parse_birth_date(s, today))
            {
                Some(d) if d <= today => Some(d),
                _ => {
                    err("since", format!("'{s}' is not a date up to today"));
                    None
                }
            },
        };
        match birth_date {
            Some(birth_date) if errors.is_empty() => Ok(Report {
                kind: self.kind,
                application_number,
                serial_number,
                birth_date,
                status: self.status,
                since,
            }),
            _ => Err(errors),
        }
    }
}

/// The columns of the CSV export (German names, as the Fachverfahren's export writes them;
/// the English ones are read too).
const COLUMNS: [(&str, &str); 6] = [
    ("art", "kind"),
    ("antragsnummer", "application_number"),
    ("seriennummer", "serial_number"),
    ("geburtsdatum", "birth_date"),
    ("status", "status"),
    ("seit", "since"),
];

/// Reads a CSV export (separated by `;` or `,`, UTF-8, a header row naming the columns
/// `art`, `antragsnummer`, `seriennummer`, `geburtsdatum`, `status`, `seit` in any order;
/// `seit` may be left out). All or nothing: any wrong row fails the whole file with its
/// line and reason, so a half-read export never replaces a good state.
pub fn read_csv(text: &str, today: Date) -> Result<Vec<Report>, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header = text.lines().next().unwrap_or("");
    let delimiter = if header.matches(';').count() >= header.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(false)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let fail =
        |at: usize, field: &'static str, reason: String| vec![RowError { at, field, reason }];
    let headers = reader
        .headers()
        .map_err(|e| fail(1, "header", e.to_string()))?
        .clone();
    let mut index = [None; 6];
    for (i, h) in headers.iter().enumerate() {
        let h = h.to_ascii_lowercase();
        match COLUMNS.iter().position(|(de, en)| h == *de || h == *en) {
            Some(c) if index[c].is_none() => index[c] = Some(i),
            Some(_) => return Err(fail(1, "header", format!("column '{h}' appears twice"))),
            None => {
                return Err(fail(
                    1,
                    "header",
                    format!(
                        "unknown column '{h}' (expected {})",
                        COLUMNS.map(|c| c.0).join(", ")
                    ),
                ))
            }
        }
    }
    for (c, (de, _)) in COLUMNS.iter().enumerate() {
        if index[c].is_none() && !matches!(*de, "seit" | "antragsnummer" | "seriennummer") {
            return Err(fail(1, "header", format!("column '{de}' is missing")));
        }
    }
    if index[1].is_none() && index[2].is_none() {
        return Err(fail(
            1,
            "header",
            "neither 'antragsnummer' nor 'seriennummer' is a column".into(),
        ));
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        if out.len() >= MAX_ROWS {
            return Err(fail(
                line,
                "file",
                format!("more than {MAX_ROWS} rows; split the export"),
            ));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    at: e.position().map_or(line, |p| p.line() as usize),
                    field: "row",
                    reason: e.to_string(),
                });
                continue;
            }
        };
        let cell = |c: usize| index[c].and_then(|i| record.get(i)).map(str::to_owned);
        let kind_text = cell(0).unwrap_or_default();
        let Some(kind) = DocumentKind::parse(&kind_text) else {
            errors.push(RowError { at: line, field: "kind", reason: format!("unknown document '{kind_text}' (personalausweis, reisepass, kinderreisepass, eid_karte)") });
            continue;
        };
        let status_text = cell(4).unwrap_or_default();
        let Some(status) = DocumentStatus::parse(&status_text) else {
            errors.push(RowError { at: line, field: "status", reason: format!("unknown status '{status_text}' (in_produktion, abholbereit, ausgehaendigt, direktversand, zugestellt, zurueck)") });
            continue;
        };
        let row = DocumentReport {
            kind,
            application_number: cell(1),
            serial_number: cell(2),
            birth_date: cell(3).unwrap_or_default(),
            status,
            since: cell(5),
        };
        match row.read(line, today) {
            Ok(r) => out.push(r),
            Err(e) => errors.extend(e),
        }
        if errors.len() >= 20 {
            break;
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// An office's Statusabfrage, in `tenant.yaml` under the office.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdStatusDef {
    /// The environment variable holding the bearer token with which the Fachverfahren
    /// reports over the JSON interface (at least 16 characters; never a `RATHAUS_*`
    /// variable). Without it, only CSV imports (back office, command line) report.
    #[serde(default)]
    pub token_env: Option<String>,
    /// Days an entry is kept after the document was handed out or delivered.
    #[serde(default = "thirty")]
    #[schemars(range(min = 1, max = 365))]
    pub keep_days: u32,
    /// Days an entry is kept at most, whatever its status (a document never picked up).
    #[serde(default = "year")]
    #[schemars(range(min = 30, max = 1000))]
    pub keep_days_max: u32,
    /// The bookable of the office's calendar for picking a document up; a ready document
    /// then offers that appointment.
    #[serde(default)]
    pub pickup: Option<String>,
}

fn thirty() -> u32 {
    30
}
fn year() -> u32 {
    365
}

impl IdStatusDef {
    /// Problems, with pointers below `at` (the office's `id_status`); `calendar` are the
    /// office calendar's bookable ids.
    pub fn check(&self, at: &str, calendar: Option<Vec<&str>>) -> Vec<Problem> {
        let mut problems = Vec::new();
        if let Some(v) = &self.token_env {
            if v.starts_with("RATHAUS_") || v.is_empty() {
                problems.push(Problem::at(
                    format!("{at}/token_env"),
                    format!("'{v}' must name a variable of its own, not a RATHAUS_* setting"),
                ));
            }
        }
        if !(1..=365).contains(&self.keep_days) {
            problems.push(Problem::at(
                format!("{at}/keep_days"),
                format!("{} days: between 1 and 365", self.keep_days),
            ));
        }
        if self.keep_days_max < self.keep_days.max(30) || self.keep_days_max > 1000 {
            problems.push(Problem::at(
                format!("{at}/keep_days_max"),
                format!(
                    "{} days: at least keep_days and 30, at most 1000",
                    self.keep_days_max
                ),
            ));
        }
        if let Some(p) = &self.pickup {
            match &calendar {
                None => problems.push(Problem::at(
                    format!("{at}/pickup"),
                    format!("'{p}': the office has no appointment calendar"),
                )),
                Some(ids) if !ids.contains(&p.as_str()) => problems.push(Problem::at(
                    format!("{at}/pickup"),
                    format!(
                        "'{p}' is not a bookable of the office's calendar ({})",
                        ids.join(", ")
                    ),
                )),
                Some(_) => {}
            }
        }
        problems
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn today() -> Date {
        Date::new(2026, 12, 7).unwrap()
    }

    #[test]
    fn numbers_are_read_as_people_type_them() {
        assert_eq!(
            normalize_number("l01x 00t4 7").as_deref(),
            Some("L01X00T47")
        );
        assert_eq!(
            normalize_number("LO1XOOT47").as_deref(),
            Some("L01X00T47"),
            "O is 0"
        );
        assert_eq!(
            normalize_number("2026-000-123").as_deref(),
            Some("2026000123")
        );
        assert_eq!(normalize_number("12345"), None, "too short");
        assert_eq!(normalize_number("L01X00T47; DROP"), None);
        assert_eq!(normalize_number("L01X00T4ß"), None);
    }

    #[test]
    fn birth_dates_in_both_ways() {
        let d = Date::new(1972, 11, 9).unwrap();
        assert_eq!(parse_birth_date("09.11.1972", today()), Some(d));
        assert_eq!(parse_birth_date("9.11.1972", today()), Some(d));
        assert_eq!(parse_birth_date("1972-11-09", today()), Some(d));
        assert_eq!(parse_birth_date("31.02.1972", today()), None);
        assert_eq!(
            parse_birth_date("01.01.2027", today()),
            None,
            "not in the future"
        );
        assert_eq!(parse_birth_date("01.01.1850", today()), None);
    }

    #[test]
    fn the_vocabulary_reads_german_and_english() {
        for s in DocumentStatus::ALL {
            assert_eq!(DocumentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(
            DocumentStatus::parse("Abholbereit"),
            Some(DocumentStatus::Ready)
        );
        assert_eq!(
            DocumentStatus::parse("ausgehändigt"),
            Some(DocumentStatus::HandedOut)
        );
        assert_eq!(DocumentStatus::parse("verloren"), None);
        assert!(DocumentStatus::Delivered.is_final() && !DocumentStatus::Returned.is_final());
        assert!(DocumentStatus::Returned.can_be_picked_up());
    }

    #[test]
    fn a_csv_export_is_read_whole_or_not_at_all() {
        let good = "\u{feff}art;antragsnummer;seriennummer;geburtsdatum;status;seit\n\
                    personalausweis;2026-000123;L01X00T47;09.11.1972;abholbereit;2026-12-01\n\
                    reisepass;;C4F1GH2JK;1980-02-29;in_produktion;\n";
        let rows = read_csv(good, today()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].application_number.as_deref(), Some("2026000123"));
        assert_eq!(rows[0].status, DocumentStatus::Ready);
        assert_eq!(rows[0].since, Date::new(2026, 12, 1).ok());
        assert_eq!(rows[1].application_number, None);
        assert_eq!(rows[1].kind, DocumentKind::Passport);

        let comma =
            "kind,serial_number,birth_date,status\nid_card,L01X00T47,1972-11-09,handed_out\n";
        assert_eq!(
            read_csv(comma, today()).unwrap()[0].status,
            DocumentStatus::HandedOut
        );

        let bad = "art;antragsnummer;geburtsdatum;status\n\
                   personalausweis;2026000123;09.11.1972;abholbereit\n\
                   personalausweis;2026000124;31.02.1972;abholbereit\n\
                   reisepass;2026000125;01.01.1990;verloren\n";
        let errors = read_csv(bad, today()).unwrap_err();
        assert_eq!(
            errors.iter().map(|e| (e.at, e.field)).collect::<Vec<_>>(),
            [(3, "birth_date"), (4, "status")]
        );

        let header = read_csv("art;nummer;geburtsdatum;status\n", today()).unwrap_err();
        assert_eq!((header[0].at, header[0].field), (1, "header"));
        assert!(header[0].reason.contains("nummer"), "{}", header[0].reason);
        let missing = read_csv("art;seriennummer;status\n", today()).unwrap_err();
        assert!(missing[0].reason.contains("geburtsdatum"));
        let short = read_csv(
            "art;seriennummer;geburtsdatum;status\nreisepass;C4F1GH2JK;1980-02-29\n",
            today(),
        )
        .unwrap_err();
        assert_eq!(short[0].at, 2, "{short:?}");
        let no_number = read_csv("art;antragsnummer;seriennummer;geburtsdatum;status\nreisepass;;;1980-02-29;abholbereit\n", today()).unwrap_err();
        assert_eq!(no_number[0].field, "application_number");
    }

    #[test]
    fn the_office_settings_are_checked() {
        let mut d = IdStatusDef {
            token_env: Some("RATHAUS_SECRET".into()),
            keep_days: 0,
            keep_days_max: 10,
            pickup: Some("abholen".into()),
        };
        let at: Vec<String> = d
            .check("/x", Some(vec!["beratung"]))
            .into_iter()
            .map(|p| p.pointer)
            .collect();
        assert_eq!(
            at,
            [
                "/x/token_env",
                "/x/keep_days",
                "/x/keep_days_max",
                "/x/pickup"
            ]
        );
        d = IdStatusDef {
            token_env: Some("SOEST_TOKEN".into()),
            keep_days: 30,
            keep_days_max: 365,
            pickup: Some("abholen".into()),
        };
        assert!(d.check("/x", Some(vec!["abholen"])).is_empty());
        assert_eq!(d.check("/x", None).len(), 1, "a pick-up needs a calendar");
    }

    proptest! {
        /// However a number is typed — spaces, dashes, case, O for 0 — it is read the same.
        #[test]
        fn typing_variants_read_the_same(n in "[0-9CFGHJKLMNPRTVWXYZ]{9}", cuts in proptest::collection::vec(0usize..9, 0..3), lower in any::<bool>()) {
            let mut typed = String::new();
            for (i, c) in n.chars().enumerate() {
                if cuts.contains(&i) { typed.push(' '); }
                let c = if c == '0' && i % 2 == 0 { 'O' } else { c };
                typed.push(if lower { c.to_ascii_lowercase() } else { c });
            }
            prop_assert_eq!(normalize_number(&typed), Some(n));
        }
    }
}
