//! Importing an existing caseload: participants and enrolments from CSV or XLSX
//! (docs/operations.md, "Importing a caseload").
//!
//! indsats-import reads the file and checks each cell; here each row meets the rules that need
//! the data (the core's checks of a new participant, an existing case, the initiative's period),
//! all inside one transaction: a dry run or an all-or-nothing import with a bad row undoes it,
//! so what a dry run reports is exactly what the import does. Existing participants are matched
//! by CPR number or pseudonym and never registered again, so an import can be run twice.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

use indsats_core::event::{self, EventDetails, ProgressEvent};
use indsats_core::ids::{EnrolmentId, InitiativeId, ParticipantId};
use indsats_core::ids::{EventId, NoteId};
use indsats_core::model::JournalNote;
use indsats_core::model::{Enrolment, Participant, Role};
use indsats_core::{Lang, ValidationError};
pub use indsats_import::{CellProblem, Kind, Problem, Table};
use indsats_import::{EnrolmentRow, EventRow, Mapping, ParticipantRow};
use indsats_store::{ParticipantFilter, StoreError};

use crate::error::{ApiError, Result};
use crate::session::{Session, normalised_name};
use crate::views::NewParticipant;

/// What to do with the rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Check every row as the import would, and write nothing.
    DryRun,
    /// Write every row, or none when any row is bad.
    AllOrNothing,
    /// Write the good rows; the bad ones are reported (and written to a file by the front end).
    KeepGood,
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportReport {
    pub kind: Kind,
    pub mode: ImportMode,
    /// Rows read under the header.
    pub rows: usize,
    /// Rows written (on a dry run: that would be written).
    pub imported: usize,
    /// Rows whose person already has a case, with its pseudonym: not registered again.
    pub matched: Vec<(usize, String)>,
    /// Every problem of every bad row.
    pub problems: Vec<CellProblem>,
    /// Headers no field reads.
    pub unused_columns: Vec<String>,
    /// Whether anything was written.
    pub written: bool,
}

impl ImportReport {
    fn empty(kind: Kind, mode: ImportMode, table: &Table, map: &Mapping) -> ImportReport {
        ImportReport {
            kind,
            mode,
            rows: table.rows.len(),
            imported: 0,
            matched: Vec::new(),
            problems: Vec::new(),
            unused_columns: map.unused.clone(),
            written: false,
        }
    }

    /// The numbers of the bad rows.
    pub fn bad_rows(&self) -> BTreeSet<usize> {
        self.problems.iter().map(|p| p.row).collect()
    }

    /// Each bad row's problems in `lang`, by row.
    pub fn reasons(&self, lang: Lang) -> Vec<(usize, String)> {
        self.problems.iter().map(|p| (p.row, p.message(lang))).collect()
    }

    /// The bad rows of `file` (the bytes imported) as a CSV file Danish Excel opens, each with
    /// its errors in `lang` in a last column; formula-looking cells are made harmless.
    pub fn rejected_file(&self, file: &[u8], lang: Lang) -> Result<Vec<u8>> {
        let table = Table::read(file)?;
        let header = if lang == Lang::Da { "fejl" } else { "error" };
        Ok(indsats_import::rejected_csv(&table, &self.reasons(lang), header))
    }
}

type RowWrite = Box<dyn FnOnce(&mut indsats_store::Tx<'_>) -> indsats_store::Result<()>>;

/// How far an import is, told every [`Steps::EVERY`] rows.
struct Steps<'a> {
    progress: &'a mut dyn FnMut(u64, u64) -> bool,
    total: u64,
}

impl Steps<'_> {
    const EVERY: usize = 500;

    /// At row `i` of the checks (`written`: of the writes): whether to go on.
    fn at(&mut self, i: usize, written: bool) -> bool {
        if !i.is_multiple_of(Self::EVERY) {
            return true;
        }
        let done = i as u64 + if written { self.total / 2 } else { 0 };
        (self.progress)(done, self.total)
    }
}

/// One row's write inside the import's transaction, and the field to blame when a rule of the
/// store refuses it.
struct Pending {
    row: usize,
    write: RowWrite,
    blame: fn(&ValidationError) -> &'static str,
}

fn blame_enrolment(e: &ValidationError, who: &'static str) -> &'static str {
    match e {
        ValidationError::CaseClosed => who,
        ValidationError::EnrolmentOutsideInitiative { .. } => "start",
        _ => "initiative",
    }
}
fn blame_enrolment_cpr(e: &ValidationError) -> &'static str {
    blame_enrolment(e, "cpr")
}
fn blame_enrolment_pseudonym(e: &ValidationError) -> &'static str {
    blame_enrolment(e, "pseudonym")
}

/// The field a core error names, as the import's column is called.
fn import_field(field: &str) -> &str {
    match field {
        "arrival_date" => "arrival",
        f => f,
    }
}

fn problem_of(e: ApiError) -> Problem {
    match e {
        ApiError::Invalid(v) | ApiError::Store(StoreError::Invalid(v)) => Problem::Invalid(v),
        ApiError::NotYourCase { caseworker } => Problem::NotYourCase { caseworker },
        e => Problem::Refused { code: e.code(), da: e.message(Lang::Da), en: e.message(Lang::En) },
    }
}

impl Session {
    /// Imports the rows of `file` (CSV or XLSX bytes) as `kind`, with the mapping file's text if
    /// given. A file that cannot be read at all, or whose columns do not map, is an error; a bad
    /// row is a problem in the report. Audited as one write (or, for a dry run, one read).
    pub fn import(&mut self, kind: Kind, file: &[u8], mapping: Option<&str>, mode: ImportMode) -> Result<ImportReport> {
        self.import_with_progress(kind, file, mapping, mode, &mut |_, _| true)
    }

    /// [`Session::import`], reporting how far it is (`done` of `total`: each row checked, then
    /// each row written) every few hundred rows. When `progress` answers false the import stops
    /// and writes nothing ([`ApiError::Cancelled`]).
    pub fn import_with_progress(
        &mut self,
        kind: Kind,
        file: &[u8],
        mapping: Option<&str>,
        mode: ImportMode,
        progress: &mut dyn FnMut(u64, u64) -> bool,
    ) -> Result<ImportReport> {
        self.require(&[Role::Caseworker], "import")?;
        let table = Table::read(file)?;
        let map = Mapping::resolve(kind, &table.headers, mapping)?;
        let mut steps = Steps { progress, total: 2 * table.rows.len() as u64 };
        match kind {
            Kind::Participants => self.import_participants(&table, &map, mode, &mut steps),
            Kind::Enrolments => self.import_enrolments(&table, &map, mode, &mut steps),
            Kind::Events => self.import_events(&table, &map, mode, &mut steps),
        }
    }

    /// Runs the `writes` in one transaction, keeping or undoing it by `mode`, and audits it as
    /// `action` (what the transaction did) and `action`_result (the counts, or why it was undone).
    /// `finish` runs after the rows' writes, in the same transaction (a bulk insert of what they
    /// checked).
    #[allow(clippy::too_many_arguments)]
    fn import_write(
        &mut self,
        action: &str,
        mode: ImportMode,
        writes: Vec<Pending>,
        finish: Option<RowWrite>,
        mut report: ImportReport,
        map: &Mapping,
        headers: &[String],
        steps: &mut Steps<'_>,
    ) -> Result<ImportReport> {
        let mut cancelled = false;
        let mut refused: Vec<CellProblem> = Vec::new();
        let mut imported = 0;
        let bad_before = !report.problems.is_empty();
        let entry = self.entry(action, None, "registrering", format!("{} rows", report.rows));
        let now = self.clock.now();
        let outcome = self.store.write(now, &entry, |tx| {
            for (i, w) in writes.into_iter().enumerate() {
                if !steps.at(i, true) {
                    cancelled = true;
                    return Err(StoreError::Undone);
                }
                match (w.write)(tx) {
                    Ok(()) => imported += 1,
                    Err(StoreError::Invalid(v)) => {
                        let column = map.column((w.blame)(&v));
                        refused.push(CellProblem::new(w.row, column, headers, Problem::Invalid(v)));
                    }
                    Err(e) => return Err(e),
                }
            }
            if let Some(finish) = finish {
                finish(tx)?;
            }
            let keep = match mode {
                ImportMode::DryRun => false,
                ImportMode::AllOrNothing => !bad_before && refused.is_empty(),
                ImportMode::KeepGood => true,
            };
            if keep { Ok(()) } else { Err(StoreError::Undone) }
        });
        if cancelled {
            return Err(ApiError::Cancelled);
        }
        report.problems.extend(refused);
        report.problems.sort_by_key(|p| p.row);
        report.imported = imported;
        let (written, what) = match outcome {
            Ok(()) => (true, "result"),
            Err(StoreError::Undone) if mode == ImportMode::DryRun => (false, "dry_run"),
            Err(StoreError::Undone) => {
                report.imported = 0;
                (false, "refused")
            }
            Err(e) => return Err(e.into()),
        };
        report.written = written;
        let detail = format!(
            "{} rows: {} imported, {} matched, {} refused",
            report.rows,
            report.imported,
            report.matched.len(),
            report.bad_rows().len()
        );
        self.audited(&format!("{action}_{what}"), None, "registrering", detail, |_| Ok(()))?;
        Ok(report)
    }

    fn import_participants(&mut self, table: &Table, map: &Mapping, mode: ImportMode, steps: &mut Steps<'_>) -> Result<ImportReport> {
        let mut report = ImportReport::empty(Kind::Participants, mode, table, map);
        // Who is here already: by CPR number, pseudonym, and name with birth year.
        let existing = self.store.read().participants(&ParticipantFilter { include_closed: true, ..Default::default() })?;
        let mut by_cpr: HashMap<String, String> = HashMap::new();
        let mut by_pseudonym: HashMap<String, String> = HashMap::new();
        let mut by_name: HashMap<(String, i32), String> = HashMap::new();
        for p in &existing {
            if let Some(c) = &p.cpr {
                by_cpr.insert(c.digits().to_string(), p.pseudonym.clone());
            }
            by_pseudonym.insert(p.pseudonym.to_uppercase(), p.pseudonym.clone());
            by_name.insert((normalised_name(&p.name), p.birth_year), p.pseudonym.clone());
        }
        drop(existing);
        let lead = self.user.role.includes(Role::TeamLead);
        // Ids in order, so that every index is appended to (crate::demo::IdSeq).
        let mut ids = crate::demo::IdSeq::from(self.clock.now());
        // What the rows' writes checked, inserted together at the end (several rows a statement).
        let checked_list: Rc<RefCell<Vec<Participant>>> = Rc::default();
        // Rows of this file seen so far, by CPR number and pseudonym.
        let mut seen_cpr: HashMap<String, usize> = HashMap::new();
        let mut seen_pseudonym: HashMap<String, usize> = HashMap::new();
        let mut writes: Vec<Pending> = Vec::new();
        let headers = &table.headers;
        for (i, row) in table.rows.iter().enumerate() {
            if !steps.at(i, false) {
                return Err(ApiError::Cancelled);
            }
            let r = match ParticipantRow::read(row, map, headers) {
                Ok(r) => r,
                Err(problems) => {
                    report.problems.extend(problems);
                    continue;
                }
            };
            let bad = |report: &mut ImportReport, field: Option<&str>, problem: Problem| {
                report.problems.push(CellProblem::new(r.row, field.and_then(|f| map.column(f)), headers, problem));
            };
            let new = NewParticipant {
                name: r.name.clone(),
                cpr: r.cpr.clone(),
                birth_year: r.birth_year,
                origin: r.origin,
                arrival_date: r.arrival,
                programme: r.programme,
                programme_start: r.programme_start,
                programme_end: r.programme_end,
                caseworker: r.caseworker.clone(),
                not_a_duplicate: false,
            };
            let checked = match self.checked_details(&new) {
                Ok(c) => c,
                Err(e) => {
                    let field = e.field().map(|f| import_field(&f).to_string());
                    bad(&mut report, field.as_deref(), problem_of(e));
                    continue;
                }
            };
            // The same person twice in the file, or already here.
            let cpr_digits = checked.cpr.as_ref().map(|c| c.digits().to_string());
            if let Some(first) = cpr_digits.as_ref().and_then(|c| seen_cpr.get(c)) {
                bad(&mut report, Some("cpr"), Problem::SameAsRow { row: *first });
                continue;
            }
            if let Some(first) = r.pseudonym.as_ref().and_then(|p| seen_pseudonym.get(&p.to_uppercase())) {
                bad(&mut report, Some("pseudonym"), Problem::SameAsRow { row: *first });
                continue;
            }
            if let Some(c) = &cpr_digits {
                seen_cpr.insert(c.clone(), r.row);
            }
            if let Some(p) = &r.pseudonym {
                seen_pseudonym.insert(p.to_uppercase(), r.row);
            }
            let found = cpr_digits
                .as_ref()
                .and_then(|c| by_cpr.get(c))
                .or_else(|| r.pseudonym.as_ref().and_then(|p| by_pseudonym.get(&p.to_uppercase())));
            if let Some(pseudonym) = found {
                report.matched.push((r.row, pseudonym.clone()));
                continue;
            }
            if let Some(p) = &r.pseudonym {
                bad(&mut report, Some("pseudonym"), Problem::UnknownParticipant { value: p.clone() });
                continue;
            }
            let key = (normalised_name(&checked.name), checked.birth_year);
            if let Some(pseudonym) = by_name.get(&key) {
                bad(&mut report, Some("name"), Problem::PossibleDuplicate { pseudonym: pseudonym.clone() });
                continue;
            }
            let caseworker = match r.caseworker.as_deref() {
                Some(c) => match indsats_core::validate::required_text("caseworker", c, 64) {
                    Ok(c) => c,
                    Err(e) => {
                        bad(&mut report, Some("caseworker"), Problem::Invalid(e));
                        continue;
                    }
                },
                None => self.user.name.clone(),
            };
            if !lead && caseworker != self.user.name {
                bad(&mut report, Some("caseworker"), Problem::NotYourCase { caseworker });
                continue;
            }
            let mut pseudonym = Self::pseudonym(&mut self.rng);
            while by_pseudonym.contains_key(&pseudonym) {
                pseudonym = Self::pseudonym(&mut self.rng);
            }
            by_pseudonym.insert(pseudonym.clone(), pseudonym.clone());
            by_name.insert(key, pseudonym.clone());
            let p = Participant {
                id: ids.next(&mut self.rng, ParticipantId::new),
                pseudonym,
                name: checked.name,
                cpr: checked.cpr,
                birth_year: checked.birth_year,
                origin: r.origin,
                arrival_date: r.arrival,
                programme: r.programme,
                programme_start: r.programme_start,
                programme_end: r.programme_end,
                caseworker,
                case_closed: None,
            };
            let checked = checked_list.clone();
            let write: RowWrite = Box::new(move |tx| {
                tx.check_new_cpr(&p)?;
                checked.borrow_mut().push(p);
                Ok(())
            });
            writes.push(Pending { row: r.row, write, blame: |_| "cpr" });
        }
        self.set_cache_mib(256)?;
        let all = checked_list.clone();
        let finish: RowWrite = Box::new(move |tx| tx.insert_participants(&all.borrow()));
        let out = self.import_write("participant.import", mode, writes, Some(finish), report, map, headers, steps);
        self.set_cache_mib(64)?;
        out
    }

    fn import_enrolments(&mut self, table: &Table, map: &Mapping, mode: ImportMode, steps: &mut Steps<'_>) -> Result<ImportReport> {
        let mut report = ImportReport::empty(Kind::Enrolments, mode, table, map);
        let initiatives = self.store.read().all_initiatives()?;
        let mut titles: HashMap<String, Vec<InitiativeId>> = HashMap::new();
        for i in &initiatives {
            titles.entry(i.title.trim().to_lowercase()).or_default().push(i.id);
        }
        let headers = &table.headers;
        let mut seen: HashMap<(ParticipantId, InitiativeId, chrono::NaiveDate), usize> = HashMap::new();
        let mut ids = crate::demo::IdSeq::from(self.clock.now());
        let mut writes: Vec<Pending> = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            if !steps.at(i, false) {
                return Err(ApiError::Cancelled);
            }
            let r = match EnrolmentRow::read(row, map, headers) {
                Ok(r) => r,
                Err(problems) => {
                    report.problems.extend(problems);
                    continue;
                }
            };
            let bad = |report: &mut ImportReport, field: &str, problem: Problem| {
                report.problems.push(CellProblem::new(r.row, map.column(field), headers, problem));
            };
            let (participant, who_field) = match self.find_participant(r.cpr.as_deref(), r.pseudonym.as_deref()) {
                Ok(found) => found,
                Err((field, problem)) => {
                    bad(&mut report, field, problem);
                    continue;
                }
            };
            let initiative = match r.initiative.parse::<InitiativeId>() {
                Ok(id) if initiatives.iter().any(|i| i.id == id) => id,
                _ => match titles.get(&r.initiative.trim().to_lowercase()).map(Vec::as_slice) {
                    Some([one]) => *one,
                    _ => {
                        bad(&mut report, "initiative", Problem::UnknownInitiative { value: r.initiative.clone() });
                        continue;
                    }
                },
            };
            if let Err(e) = self.require_case(participant) {
                bad(&mut report, who_field, problem_of(e));
                continue;
            }
            if let Some(first) = seen.insert((participant, initiative, r.start), r.row) {
                bad(&mut report, "initiative", Problem::SameAsRow { row: first });
                continue;
            }
            let e = Enrolment {
                id: ids.next(&mut self.rng, EnrolmentId::new),
                participant,
                initiative,
                start: r.start,
                end: r.end,
                outcome: None,
            };
            let blame = if who_field == "cpr" { blame_enrolment_cpr } else { blame_enrolment_pseudonym };
            writes.push(Pending { row: r.row, write: Box::new(move |tx| tx.insert_enrolment(&e)), blame });
        }
        self.import_write("enrolment.import", mode, writes, None, report, map, headers, steps)
    }

    fn import_events(&mut self, table: &Table, map: &Mapping, mode: ImportMode, steps: &mut Steps<'_>) -> Result<ImportReport> {
        let mut report = ImportReport::empty(Kind::Events, mode, table, map);
        let headers = &table.headers;
        let today = self.today();
        // What each case already has, to match a row that is there (an import run again).
        let mut known: HashMap<ParticipantId, (String, Vec<(chrono::NaiveDate, EventDetails)>)> = HashMap::new();
        let mut seen: HashMap<(ParticipantId, chrono::NaiveDate, String), usize> = HashMap::new();
        let mut ids = crate::demo::IdSeq::from(self.clock.now());
        let mut writes: Vec<Pending> = Vec::new();
        for (i, row) in table.rows.iter().enumerate() {
            if !steps.at(i, false) {
                return Err(ApiError::Cancelled);
            }
            let r = match EventRow::read(row, map, headers) {
                Ok(r) => r,
                Err(problems) => {
                    report.problems.extend(problems);
                    continue;
                }
            };
            let bad = |report: &mut ImportReport, field: &str, problem: Problem| {
                report.problems.push(CellProblem::new(r.row, map.column(field), headers, problem));
            };
            let (participant, who_field) = match self.find_participant(r.cpr.as_deref(), r.pseudonym.as_deref()) {
                Ok(found) => found,
                Err((field, problem)) => {
                    bad(&mut report, field, problem);
                    continue;
                }
            };
            let get = |key: &'static str| r.details.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone());
            let details = match event::details_from(&r.kind, &get) {
                Ok(d) => d,
                Err(e) => {
                    bad(&mut report, e.key, Problem::Invalid(e.error));
                    continue;
                }
            };
            if let Err(e) = event::validate_new(&details, r.date, today) {
                let field = match e.field() {
                    Some("date") | None => "date",
                    Some(f) => import_field(f),
                };
                bad(&mut report, field, Problem::Invalid(e));
                continue;
            }
            if let Err(e) = self.require_case(participant) {
                bad(&mut report, who_field, problem_of(e));
                continue;
            }
            let key = (participant, r.date, format!("{details:?}"));
            if let Some(first) = seen.insert(key, r.row) {
                bad(&mut report, "type", Problem::SameAsRow { row: first });
                continue;
            }
            if let std::collections::hash_map::Entry::Vacant(slot) = known.entry(participant) {
                let rd = self.store.read();
                let pseudonym = rd.participant(participant)?.pseudonym;
                let events = rd.events_of_participant(participant)?.into_iter().map(|e| (e.date, e.details)).collect();
                slot.insert((pseudonym, events));
            }
            if let Some((pseudonym, events)) = known.get(&participant)
                && events.iter().any(|(d, e)| *d == r.date && *e == details)
            {
                report.matched.push((r.row, pseudonym.clone()));
                continue;
            }
            let note = match get("note") {
                Some(text) => match indsats_core::validate::required_text("text", &text, crate::notes::NOTE_MAX) {
                    Ok(text) => Some(text),
                    Err(e) => {
                        bad(&mut report, "note", Problem::Invalid(e));
                        continue;
                    }
                },
                None => None,
            };
            let id = ids.next(&mut self.rng, EventId::new);
            let note = note.map(|text| JournalNote {
                id: ids.next(&mut self.rng, NoteId::new),
                participant,
                event: Some(id),
                replaces: None,
                text,
                written_by: self.user.name.clone(),
                written_at: self.clock.now(),
            });
            let date = r.date;
            let ev = ProgressEvent { id, participant, date, details, recorded_by: self.user.name.clone(), recorded_at: self.clock.now() };
            let write: RowWrite = Box::new(move |tx| {
                if tx.read().participant(participant)?.case_closed.is_some_and(|c| c < date) {
                    return Err(ValidationError::CaseClosed.into());
                }
                tx.insert_event(&ev)?;
                if let Some(n) = &note {
                    tx.insert_note(n)?;
                }
                Ok(())
            });
            writes.push(Pending { row: r.row, write, blame: |_| "date" });
        }
        self.set_cache_mib(256)?;
        let out = self.import_write("event.import", mode, writes, None, report, map, headers, steps);
        self.set_cache_mib(64)?;
        out
    }

    /// The case a row names by CPR number (first) or pseudonym; else the field to blame.
    fn find_participant(
        &self,
        cpr: Option<&str>,
        pseudonym: Option<&str>,
    ) -> std::result::Result<(ParticipantId, &'static str), (&'static str, Problem)> {
        let r = self.store.read();
        if let Some(c) = cpr {
            let digits: String = c.chars().filter(char::is_ascii_digit).collect();
            return match r.participant_by_cpr(&digits) {
                Ok(Some(id)) => Ok((id, "cpr")),
                _ => Err(("cpr", Problem::UnknownParticipant { value: c.to_string() })),
            };
        }
        let p = pseudonym.unwrap_or_default();
        match r.participant_ref(p) {
            Ok(id) if r.participant(id).is_ok() => Ok((id, "pseudonym")),
            _ => Err(("pseudonym", Problem::UnknownParticipant { value: p.to_string() })),
        }
    }
}
