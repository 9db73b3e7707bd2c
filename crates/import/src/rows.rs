//! Each row read into the fields of what it brings in, with every problem named by its row and
//! column. A cell is checked on its own here (a date is a date, a code is a code); the rules that
//! need the store (an existing case, an initiative's period) are indsats-api's.

use chrono::NaiveDate;
use indsats_core::model::{Code, Origin, ProgrammeKind};
use indsats_core::{Lang, ValidationError, validate};

use crate::mapping::Mapping;
use crate::table::{Cell, Row, column_letters};

/// What is wrong with a row (or, for `Exists`, what was found for it).
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// A value a rule of the core refuses.
    Invalid(ValidationError),
    /// Another row of the file is the same person (the same CPR number or pseudonym).
    SameAsRow { row: usize },
    /// The person has a case already: matched, not registered again.
    Exists { pseudonym: String },
    /// The same name and birth year as a case that has no CPR number to tell them apart.
    PossibleDuplicate { pseudonym: String },
    /// No case has this CPR number or pseudonym.
    UnknownParticipant { value: String },
    /// No initiative has this id or title (or more than one has the title).
    UnknownInitiative { value: String },
    /// A caseworker imports only into their own caseload.
    NotYourCase { caseworker: String },
    /// Any other refusal of the core, with its message in both languages.
    Refused { code: &'static str, da: String, en: String },
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Invalid(e) => e.code(),
            Problem::SameAsRow { .. } => "same_as_row",
            Problem::Exists { .. } => "exists",
            Problem::PossibleDuplicate { .. } => "possible_duplicate",
            Problem::UnknownParticipant { .. } => "unknown_participant",
            Problem::UnknownInitiative { .. } => "unknown_initiative",
            Problem::NotYourCase { .. } => "not_your_case",
            Problem::Refused { code, .. } => code,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        match self {
            Problem::Invalid(e) => e.message(lang),
            Problem::SameAsRow { row } => {
                if da {
                    format!("Samme person som række {row}. Slet den ene række.")
                } else {
                    format!("The same person as row {row}. Delete one of the rows.")
                }
            }
            Problem::Exists { pseudonym } => {
                if da {
                    format!("Personen har allerede en sag ({pseudonym}) og oprettes ikke igen.")
                } else {
                    format!("The person already has a case ({pseudonym}) and is not registered again.")
                }
            }
            Problem::PossibleDuplicate { pseudonym } => {
                if da {
                    format!(
                        "Samme navn og fødselsår som {pseudonym}, der ikke har CPR-nummer. Tilføj CPR-nummeret, eller opret personen for sig med «participant add --not-a-duplicate»."
                    )
                } else {
                    format!(
                        "The same name and birth year as {pseudonym}, who has no CPR number. Add the CPR number, or register the person on their own with “participant add --not-a-duplicate”."
                    )
                }
            }
            Problem::UnknownParticipant { value } => {
                if da {
                    format!("Ingen sag har «{value}» som CPR-nummer eller pseudonym. Indlæs deltagerne først, eller ret cellen.")
                } else {
                    format!("No case has “{value}” as its CPR number or pseudonym. Import the participants first, or fix the cell.")
                }
            }
            Problem::UnknownInitiative { value } => {
                if da {
                    format!("Ingen indsats har id'et eller titlen «{value}» (eller flere har titlen). Opret indsatsen, eller brug dens id.")
                } else {
                    format!(
                        "No initiative has the id or title “{value}” (or several have the title). Create the initiative, or use its id."
                    )
                }
            }
            Problem::NotYourCase { caseworker } => {
                if da {
                    format!(
                        "Sagen hører til {caseworker}. En sagsbehandler indlæser kun i sin egen sagsstamme; en teamleder eller IT indlæser for alle."
                    )
                } else {
                    format!(
                        "The case belongs to {caseworker}. A caseworker imports only into their own caseload; a team lead or IT imports for everyone."
                    )
                }
            }
            Problem::Refused { da: d, en, .. } => {
                if da {
                    d.clone()
                } else {
                    en.clone()
                }
            }
        }
    }
}

/// A problem at a row, and at a column where one cell is the cause.
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    pub row: usize,
    /// The column's letters and its header.
    pub column: Option<(String, String)>,
    pub problem: Problem,
}

impl CellProblem {
    pub fn new(row: usize, column: Option<usize>, headers: &[String], problem: Problem) -> CellProblem {
        let column = column.map(|c| (column_letters(c), headers.get(c).cloned().unwrap_or_default()));
        CellProblem { row, column, problem }
    }

    /// "Række 7, kolonne C (CPR): …"
    pub fn message(&self, lang: Lang) -> String {
        let da = lang == Lang::Da;
        let at = match (&self.column, da) {
            (Some((letters, header)), true) => format!("Række {}, kolonne {letters} ({header})", self.row),
            (Some((letters, header)), false) => format!("Row {}, column {letters} ({header})", self.row),
            (None, true) => format!("Række {}", self.row),
            (None, false) => format!("Row {}", self.row),
        };
        format!("{at}: {}", self.problem.message(lang))
    }
}

/// Reads the cells of one row by field, gathering the problems.
pub struct Reading<'a> {
    row: &'a Row,
    mapping: &'a Mapping,
    headers: &'a [String],
    pub problems: Vec<CellProblem>,
}

impl<'a> Reading<'a> {
    pub fn new(row: &'a Row, mapping: &'a Mapping, headers: &'a [String]) -> Reading<'a> {
        Reading { row, mapping, headers, problems: Vec::new() }
    }

    fn cell(&self, field: &str) -> (&Cell, Option<usize>) {
        match self.mapping.column(field) {
            Some(c) => (self.row.cell(c), Some(c)),
            None => (&Cell::Empty, None),
        }
    }

    fn problem(&mut self, field: &str, e: ValidationError) {
        let column = self.mapping.column(field);
        self.problems.push(CellProblem::new(self.row.number, column, self.headers, Problem::Invalid(e)));
    }

    /// The text of `field`'s cell, trimmed; `None` when empty.
    pub fn text(&self, field: &str) -> Option<String> {
        let (c, _) = self.cell(field);
        if c.is_empty() { None } else { Some(c.text()) }
    }

    pub fn required(&mut self, field: &'static str) -> String {
        match self.text(field) {
            Some(t) => t,
            None => {
                self.problem(field, ValidationError::Required { field });
                String::new()
            }
        }
    }

    pub fn date(&mut self, field: &'static str) -> Option<NaiveDate> {
        let (cell, _) = self.cell(field);
        let parsed = match cell {
            Cell::Empty => return None,
            Cell::Date(d) => Ok(*d),
            // A date typed as 20200315, or a date cell Excel lost its format for (a serial).
            Cell::Number(n) if n.fract() == 0.0 && (19_000_101.0..=29_991_231.0).contains(n) => {
                NaiveDate::parse_from_str(&format!("{}", *n as i64), "%Y%m%d")
                    .map_err(|_| ValidationError::InvalidDate { field, value: cell.text() })
            }
            Cell::Number(n) if n.fract() == 0.0 && (1.0..=2_958_465.0).contains(n) => NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|d| d.checked_add_days(chrono::Days::new(*n as u64)))
                .ok_or(ValidationError::InvalidDate { field, value: cell.text() }),
            c if c.is_empty() => return None,
            c => validate::parse_date(field, &c.text()),
        };
        match parsed {
            Ok(d) => Some(d),
            Err(e) => {
                self.problem(field, e);
                None
            }
        }
    }

    pub fn year(&mut self, field: &'static str) -> Option<i32> {
        let text = self.text(field)?;
        match text.parse::<i32>() {
            Ok(y) => Some(y),
            Err(_) => {
                self.problem(field, ValidationError::NotANumber { field, value: text });
                None
            }
        }
    }

    /// A code of `T`, or its Danish or English label; `default` when the cell is empty.
    pub fn code<T: Code>(&mut self, field: &'static str, default: T) -> T {
        let Some(text) = self.text(field) else { return default };
        let folded = text.to_lowercase();
        match T::ALL.iter().copied().find(|x| {
            x.code().eq_ignore_ascii_case(&text) || x.label(Lang::Da).to_lowercase() == folded || x.label(Lang::En).to_lowercase() == folded
        }) {
            Some(v) => v,
            None => {
                let e = T::parse(&text).err().unwrap_or(ValidationError::Required { field });
                let e = match e {
                    ValidationError::UnknownCode { value, expected, .. } => ValidationError::UnknownCode { field, value, expected },
                    e => e,
                };
                self.problem(field, e);
                default
            }
        }
    }

    /// A CPR number's ten digits (with or without the dash). A number cell of nine digits lost
    /// its leading zero to Excel: it is put back.
    pub fn cpr(&mut self) -> Option<String> {
        let (cell, _) = self.cell("cpr");
        match cell {
            Cell::Number(n) if n.fract() == 0.0 && *n >= 0.0 && *n < 1e10 => Some(format!("{:010}", *n as u64)),
            c if c.is_empty() => None,
            c => Some(c.text()),
        }
    }

    pub fn row(&self) -> usize {
        self.row.number
    }
}

/// A participant as a row gives them. Empty cells take the CLI's defaults: origin non-western,
/// the self-support programme.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantRow {
    pub row: usize,
    pub name: String,
    pub cpr: Option<String>,
    /// To match an existing case (a file exported from Indsats has it).
    pub pseudonym: Option<String>,
    pub birth_year: Option<i32>,
    pub origin: Origin,
    pub arrival: Option<NaiveDate>,
    pub programme: ProgrammeKind,
    pub programme_start: Option<NaiveDate>,
    pub programme_end: Option<NaiveDate>,
    pub caseworker: Option<String>,
}

impl ParticipantRow {
    pub fn read(row: &Row, mapping: &Mapping, headers: &[String]) -> Result<ParticipantRow, Vec<CellProblem>> {
        let mut r = Reading::new(row, mapping, headers);
        let p = ParticipantRow {
            row: row.number,
            name: r.required("name"),
            cpr: r.cpr(),
            pseudonym: r.text("pseudonym"),
            birth_year: r.year("birth_year"),
            origin: r.code("origin", Origin::NonWestern),
            arrival: r.date("arrival"),
            programme: r.code("programme", ProgrammeKind::SelfSupport),
            programme_start: r.date("programme_start"),
            programme_end: r.date("programme_end"),
            caseworker: r.text("caseworker"),
        };
        if r.problems.is_empty() { Ok(p) } else { Err(r.problems) }
    }
}

/// An enrolment as a row gives it: whose (CPR number or pseudonym), in which initiative (its id
/// or title), from and to.
#[derive(Debug, Clone, PartialEq)]
pub struct EnrolmentRow {
    pub row: usize,
    pub cpr: Option<String>,
    pub pseudonym: Option<String>,
    pub initiative: String,
    pub start: NaiveDate,
    pub end: Option<NaiveDate>,
}

impl EnrolmentRow {
    pub fn read(row: &Row, mapping: &Mapping, headers: &[String]) -> Result<EnrolmentRow, Vec<CellProblem>> {
        let mut r = Reading::new(row, mapping, headers);
        let (cpr, pseudonym) = (r.cpr(), r.text("pseudonym"));
        if cpr.is_none() && pseudonym.is_none() {
            let field = if mapping.column("cpr").is_some() { "cpr" } else { "pseudonym" };
            r.problem(field, ValidationError::Required { field });
        }
        let initiative = r.required("initiative");
        let start = r.date("start");
        if start.is_none() && r.text("start").is_none() {
            r.problem("start", ValidationError::Required { field: "start" });
        }
        let end = r.date("end");
        if let (Some(s), Some(e)) = (start, end)
            && let Err(err) = validate::period(s, Some(e))
        {
            r.problem("end", err);
        }
        match (r.problems.is_empty(), start) {
            (true, Some(start)) => Ok(EnrolmentRow { row: row.number, cpr, pseudonym, initiative, start, end }),
            _ => Err(r.problems),
        }
    }
}

/// A progress event as a row gives it: whose, which type, when, and the detail cells its type
/// needs (as text, by field; indsats-api reads them into the event).
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    pub row: usize,
    pub cpr: Option<String>,
    pub pseudonym: Option<String>,
    pub kind: String,
    pub date: NaiveDate,
    pub details: Vec<(&'static str, String)>,
}

impl EventRow {
    pub fn read(row: &Row, mapping: &Mapping, headers: &[String]) -> Result<EventRow, Vec<CellProblem>> {
        let mut r = Reading::new(row, mapping, headers);
        let (cpr, pseudonym) = (r.cpr(), r.text("pseudonym"));
        if cpr.is_none() && pseudonym.is_none() {
            let field = if mapping.column("cpr").is_some() { "cpr" } else { "pseudonym" };
            r.problem(field, ValidationError::Required { field });
        }
        let kind = r.required("type");
        let date = r.date("date");
        if date.is_none() && r.text("date").is_none() {
            r.problem("date", ValidationError::Required { field: "date" });
        }
        let details = crate::mapping::Kind::Events
            .fields()
            .iter()
            .filter(|f| !matches!(f.name, "cpr" | "pseudonym" | "type" | "date"))
            .filter_map(|f| r.text(f.name).map(|t| (f.name, t)))
            .collect();
        match (r.problems.is_empty(), date) {
            (true, Some(date)) => Ok(EventRow { row: row.number, cpr, pseudonym, kind, date, details }),
            _ => Err(r.problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mapping::Kind;
    use crate::table::Table;
    use proptest::prelude::*;

    fn participants(csv: &str) -> Vec<Result<ParticipantRow, Vec<CellProblem>>> {
        let t = Table::read(csv.as_bytes()).unwrap();
        let m = Mapping::resolve(Kind::Participants, &t.headers, None).unwrap();
        t.rows.iter().map(|r| ParticipantRow::read(r, &m, &t.headers)).collect()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn dates_in_three_forms_codes_by_label_and_defaults() {
        let rows = participants(
            "Navn;Herkomst;Program;Indrejsedato;Programstart;Programslut\n\
             Anna;Ikke-vestlig;introduktion;2020-03-15;15-03-2020;15.03.2021\n\
             Bo;;;15/03/2020;;\n",
        );
        let a = rows[0].clone().unwrap();
        assert_eq!((a.origin, a.programme), (Origin::NonWestern, ProgrammeKind::Introduction));
        assert_eq!((a.arrival, a.programme_start, a.programme_end), (Some(d(2020, 3, 15)), Some(d(2020, 3, 15)), Some(d(2021, 3, 15))));
        let b = rows[1].clone().unwrap();
        assert_eq!((b.origin, b.programme, b.arrival), (Origin::NonWestern, ProgrammeKind::SelfSupport, Some(d(2020, 3, 15))));
    }

    #[test]
    fn every_bad_cell_of_a_row_is_named_by_row_and_column() {
        let rows = participants("navn;fødselsår;herkomst;indrejsedato\n;19x0;nordisk;31-02-2020\n");
        let problems = rows[0].clone().unwrap_err();
        let at: Vec<_> = problems.iter().map(|p| (p.row, p.column.clone().unwrap().0, p.problem.code())).collect();
        assert_eq!(
            at,
            [
                (2, "A".to_string(), "required"),
                (2, "B".to_string(), "not_a_number"),
                (2, "C".to_string(), "unknown_code"),
                (2, "D".to_string(), "invalid_date")
            ]
        );
        let da = problems[3].message(Lang::Da);
        assert!(da.starts_with("Række 2, kolonne D (indrejsedato): "), "{da}");
        assert!(problems[2].message(Lang::En).contains("danish, western, non_western"), "{}", problems[2].message(Lang::En));
    }

    #[test]
    fn an_enrolment_row_needs_whose_which_and_when_and_an_end_not_before_its_start() {
        let t = Table::read(b"cpr;indsats;start;slut\n0101901234;Praktik;01-02-2026;01-01-2026\n;;;\n;Praktik;;\n").unwrap();
        let m = Mapping::resolve(Kind::Enrolments, &t.headers, None).unwrap();
        let e = EnrolmentRow::read(&t.rows[0], &m, &t.headers).unwrap_err();
        assert_eq!(e.iter().map(|p| p.problem.code()).collect::<Vec<_>>(), ["end_before_start"]);
        let e = EnrolmentRow::read(&t.rows[1], &m, &t.headers).unwrap_err();
        assert_eq!(e.iter().map(|p| p.column.clone().unwrap().0).collect::<Vec<_>>(), ["A", "C"]);
    }

    #[test]
    fn a_50_mb_file_reads_whole_and_its_one_bad_row_is_found() {
        let mut text = String::from("navn;cpr;herkomst;indrejsedato;program;programstart;bemærkning\r\n");
        let filler = "x".repeat(40);
        let mut n = 0;
        while text.len() < 50 * 1024 * 1024 {
            n += 1;
            let arrival = if n == 123_456 { "31-02-2020".to_string() } else { format!("{:02}-03-2020", 1 + n % 28) };
            text.push_str(&format!("Testperson {n};;non_western;{arrival};selvforsoergelse;01-04-2020;{filler}\r\n"));
        }
        let t = Table::read(text.as_bytes()).unwrap();
        assert_eq!(t.rows.len(), n);
        let m = Mapping::resolve(Kind::Participants, &t.headers, None).unwrap();
        let bad: Vec<usize> =
            t.rows.iter().filter_map(|r| ParticipantRow::read(r, &m, &t.headers).err()).flatten().map(|p| p.row).collect();
        assert_eq!(bad, [123_457], "the header is row 1");
    }

    proptest! {
        #[test]
        fn any_well_formed_but_wrong_row_is_refused_with_a_message_never_a_panic(
            cells in proptest::collection::vec("[-a-zA-Z0-9æøå ./:=@+]{0,14}", 10)
        ) {
            let text = format!("name;cpr;pseudonym;birth_year;origin;arrival;programme;programme_start;programme_end;caseworker\n{}\n", cells.join(";"));
            if let Ok(t) = Table::read(text.as_bytes()) {
                let m = Mapping::resolve(Kind::Participants, &t.headers, None).unwrap();
                for row in &t.rows {
                    if let Err(problems) = ParticipantRow::read(row, &m, &t.headers) {
                        for p in problems {
                            prop_assert!(!p.message(Lang::Da).is_empty());
                            prop_assert!(!p.message(Lang::En).is_empty());
                        }
                    }
                }
            }
        }
    }
}
