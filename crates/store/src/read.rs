//! Reads. A [`Reader`] works over the store's connection or inside a write transaction.

use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use indsats_core::cpr::Cpr;
use indsats_core::event::{EventDetails, ProgressEvent};
use indsats_core::facts::Facts;
use indsats_core::ids::*;
use indsats_core::model::*;
use rusqlite::{Connection, OptionalExtension, Row};

use crate::access::{AccessChain, Review};
use crate::audit::{self, AuditFilter, AuditRecord, AuditRow};
use crate::error::{Result, StoreError};

pub struct Reader<'a> {
    conn: &'a Connection,
    dir: &'a Path,
}

/// Which initiatives to list.
#[derive(Debug, Clone, Default)]
pub struct InitiativeFilter {
    pub kind: Option<InitiativeType>,
    pub status: Option<InitiativeStatus>,
    pub goal: Option<GoalId>,
    pub owner: Option<String>,
}

/// An initiative with what a list shows beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct InitiativeSummary {
    pub initiative: Initiative,
    pub goals: Vec<GoalId>,
    pub enrolled_now: u32,
    pub enrolled_total: u32,
}

/// Which participants to list.
#[derive(Debug, Clone, Default)]
pub struct ParticipantFilter {
    pub caseworker: Option<String>,
    pub include_closed: bool,
    pub limit: Option<u32>,
}

/// A search result: enough to pick the right person, nothing more.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub id: ParticipantId,
    pub pseudonym: String,
    pub name: String,
    pub birth_year: i32,
    pub caseworker: String,
    pub case_closed: Option<NaiveDate>,
}

/// What the indicators need of one participant: no name, no CPR number.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRow {
    pub id: ParticipantId,
    /// The programme start, else the arrival.
    pub start: Option<NaiveDate>,
    pub programme_start: Option<NaiveDate>,
    pub case_closed: Option<NaiveDate>,
    pub facts: Facts,
}

/// One row of the change log, as a bundle carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub seq: u64,
    pub hlc: u64,
    pub table: String,
    pub row_id: String,
    /// `insert`, `update` or `delete`.
    pub op: String,
    pub field: Option<String>,
    /// The whole row (insert) or the field's new value (update), as JSON text.
    pub value: Option<String>,
    /// The write this change replaced: (HLC, device id).
    pub base: Option<(u64, String)>,
}

/// A [`CaseRow`] whose facts are still encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct RawCase {
    pub id: ParticipantId,
    pub start: Option<NaiveDate>,
    pub programme_start: Option<NaiveDate>,
    pub case_closed: Option<NaiveDate>,
    pub facts: Vec<u8>,
}

impl RawCase {
    pub fn decode(self) -> Result<CaseRow> {
        let facts = Facts::decode(&self.facts).map_err(|e| StoreError::Encoding(e.to_string()))?;
        Ok(CaseRow { id: self.id, start: self.start, programme_start: self.programme_start, case_closed: self.case_closed, facts })
    }
}

/// A value of a manual indicator, entered by a person for a period.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualValue {
    pub indicator: IndicatorId,
    /// `2026`, `2026-Q3` or `2026-05`.
    pub period: String,
    pub value: f64,
    pub note: String,
    pub entered_by: String,
    pub entered_at: DateTime<Utc>,
}

/// Open cases and last contact per caseworker.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseloadRow {
    pub caseworker: String,
    pub open_cases: u32,
    /// Open cases whose latest event is older than the cut-off given (or that have none).
    pub without_recent_contact: u32,
}

/// An open case's due item that is not done, with its case (the worklist).
#[derive(Debug, Clone, PartialEq)]
pub struct DueRow {
    pub participant: ParticipantId,
    pub pseudonym: String,
    pub name: String,
    pub caseworker: String,
    pub rule: String,
    pub ruleset: String,
    pub kind: String,
    pub anchor: NaiveDate,
    pub due: NaiveDate,
    pub needed: u32,
    pub done: u32,
}

/// An open case and its latest contact (the worklist's cases without contact).
#[derive(Debug, Clone, PartialEq)]
pub struct ContactRow {
    pub participant: ParticipantId,
    pub pseudonym: String,
    pub name: String,
    pub caseworker: String,
    pub last_event: Option<NaiveDate>,
}

/// One caseworker's workload: open cases, and due items overdue on the day asked.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkloadRow {
    pub caseworker: String,
    pub open_cases: u32,
    pub overdue: u32,
}

/// How much the store holds.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoreCounts {
    pub goals: u32,
    pub indicators: u32,
    pub initiatives_planned: u32,
    pub initiatives_active: u32,
    pub initiatives_closed: u32,
    pub participants_open: u32,
    pub participants_closed: u32,
    pub enrolments_active: u32,
    pub events: u64,
    pub changes: u64,
    pub audit_rows: u64,
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn date(s: &str) -> rusqlite::Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn odate(s: Option<String>) -> rusqlite::Result<Option<NaiveDate>> {
    s.as_deref().map(date).transpose()
}

fn code<T: Code>(s: &str) -> rusqlite::Result<T> {
    T::parse(s).map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

fn id<T: std::str::FromStr<Err = uuid::Error>>(s: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e)))
}

const INITIATIVE_COLS: &str = "id, title, kind, owner, start_date, end_date, capacity, status, description";
fn initiative_row(r: &Row) -> rusqlite::Result<Initiative> {
    Ok(Initiative {
        id: id(&r.get::<_, String>(0)?)?,
        title: r.get(1)?,
        kind: code(&r.get::<_, String>(2)?)?,
        owner: r.get(3)?,
        start: date(&r.get::<_, String>(4)?)?,
        end: odate(r.get(5)?)?,
        capacity: r.get(6)?,
        status: code(&r.get::<_, String>(7)?)?,
        description: r.get(8)?,
    })
}

const PARTICIPANT_COLS: &str =
    "id, pseudonym, name, cpr, birth_year, origin, arrival_date, programme, programme_start, programme_end, caseworker, case_closed";
fn participant_row(r: &Row) -> rusqlite::Result<Participant> {
    Ok(Participant {
        id: id(&r.get::<_, String>(0)?)?,
        pseudonym: r.get(1)?,
        name: r.get(2)?,
        cpr: r.get::<_, Option<String>>(3)?.map(Cpr::from_stored),
        birth_year: r.get(4)?,
        origin: code(&r.get::<_, String>(5)?)?,
        arrival_date: odate(r.get(6)?)?,
        programme: code(&r.get::<_, String>(7)?)?,
        programme_start: odate(r.get(8)?)?,
        programme_end: odate(r.get(9)?)?,
        caseworker: r.get(10)?,
        case_closed: odate(r.get(11)?)?,
    })
}

const ENROLMENT_COLS: &str = "id, participant_id, initiative_id, start_date, end_date, outcome";
fn enrolment_row(r: &Row) -> rusqlite::Result<Enrolment> {
    Ok(Enrolment {
        id: id(&r.get::<_, String>(0)?)?,
        participant: id(&r.get::<_, String>(1)?)?,
        initiative: id(&r.get::<_, String>(2)?)?,
        start: date(&r.get::<_, String>(3)?)?,
        end: odate(r.get(4)?)?,
        outcome: r.get::<_, Option<String>>(5)?.as_deref().map(code).transpose()?,
    })
}

fn event_row(r: &Row) -> rusqlite::Result<ProgressEvent> {
    let details: String = r.get(3)?;
    let at: String = r.get(5)?;
    Ok(ProgressEvent {
        id: id(&r.get::<_, String>(0)?)?,
        participant: id(&r.get::<_, String>(1)?)?,
        date: date(&r.get::<_, String>(2)?)?,
        details: serde_json::from_str::<EventDetails>(&details)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(3, rusqlite::types::Type::Text, Box::new(e)))?,
        recorded_by: r.get(4)?,
        recorded_at: DateTime::parse_from_rfc3339(&at).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
    })
}

const CORRECTION_COLS: &str = "id, participant_id, target, target_id, kind, changes, reason, made_by, made_at";
fn correction_row(r: &Row) -> rusqlite::Result<Correction> {
    let bad = |i: usize, what: String| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, Box::<dyn std::error::Error + Send + Sync>::from(what))
    };
    let target: String = r.get(2)?;
    let kind: String = r.get(4)?;
    let changes: String = r.get(5)?;
    let at: String = r.get(8)?;
    Ok(Correction {
        id: id(&r.get::<_, String>(0)?)?,
        participant: id(&r.get::<_, String>(1)?)?,
        target: CorrectionTarget::from_table(&target).ok_or_else(|| bad(2, format!("unknown correction target {target}")))?,
        target_id: r.get(3)?,
        kind: CorrectionKind::parse(&kind).ok_or_else(|| bad(4, format!("unknown correction kind {kind}")))?,
        changes: serde_json::from_str(&changes).map_err(|e| bad(5, e.to_string()))?,
        reason: r.get(6)?,
        made_by: r.get(7)?,
        made_at: DateTime::parse_from_rfc3339(&at).map(|d| d.with_timezone(&Utc)).map_err(|e| bad(8, e.to_string()))?,
    })
}

const NOTE_COLS: &str = "n.id, n.participant_id, n.event_id, n.replaces, n.text, n.written_by, n.written_at";
fn note_row(r: &Row) -> rusqlite::Result<JournalNote> {
    let at: String = r.get(6)?;
    let opt_id = |i: usize| -> rusqlite::Result<Option<String>> { r.get(i) };
    Ok(JournalNote {
        id: id(&r.get::<_, String>(0)?)?,
        participant: id(&r.get::<_, String>(1)?)?,
        event: opt_id(2)?.map(|s| id(&s)).transpose()?,
        replaces: opt_id(3)?.map(|s| id(&s)).transpose()?,
        text: r.get(4)?,
        written_by: r.get(5)?,
        written_at: DateTime::parse_from_rfc3339(&at)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(6, rusqlite::types::Type::Text, Box::new(e)))?,
    })
}

/// `text` as a LIKE pattern that matches it anywhere, its wildcards taken literally.
fn like_anywhere(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Turns what a person typed into an FTS5 query: each word a quoted prefix, all required.
fn fts_query(input: &str) -> Option<String> {
    let terms: Vec<String> = input.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(|t| format!("\"{t}\"*")).collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// A pseudonym (or the start of one) typed into the search box: `D-` and code letters.
fn pseudonym_prefix(input: &str) -> Option<String> {
    let t = input.trim().to_ascii_uppercase();
    (t.starts_with("D-") && t[2..].chars().all(|c| c.is_ascii_alphanumeric())).then_some(t)
}

/// A CPR number typed into the search box (only whole numbers are matched).
fn cpr_digits(input: &str) -> Option<String> {
    let t = input.trim();
    let digits: String = t.chars().filter(|c| c.is_ascii_digit()).collect();
    (digits.len() == 10 && t.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ')).then_some(digits)
}

impl<'a> Reader<'a> {
    pub(crate) fn new(conn: &'a Connection, dir: &'a Path) -> Self {
        Self { conn, dir }
    }

    fn sql(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(self.dir, e)
    }

    fn all<T>(&self, sql: &str, params: impl rusqlite::Params, f: impl FnMut(&Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.sql(e))?;
        let rows = stmt.query_map(params, f).map_err(|e| self.sql(e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>().map_err(|e| self.sql(e))
    }

    fn one<T>(&self, kind: &'static str, key: &str, sql: &str, f: impl FnOnce(&Row) -> rusqlite::Result<T>) -> Result<T> {
        self.conn
            .prepare_cached(sql)
            .map_err(|e| self.sql(e))?
            .query_row([key], f)
            .optional()
            .map_err(|e| self.sql(e))?
            .ok_or_else(|| StoreError::NotFound { kind, id: key.to_string() })
    }

    pub fn strategy(&self) -> Result<Option<Strategy>> {
        self.conn
            .query_row("SELECT id, key, municipality, title, vision, period_start, period_end FROM strategy LIMIT 1", [], |r| {
                Ok(Strategy {
                    id: id(&r.get::<_, String>(0)?)?,
                    key: r.get(1)?,
                    municipality: r.get(2)?,
                    title: r.get(3)?,
                    vision: r.get(4)?,
                    period_start: r.get(5)?,
                    period_end: r.get(6)?,
                })
            })
            .optional()
            .map_err(|e| self.sql(e))
    }

    pub fn goals(&self) -> Result<Vec<Goal>> {
        self.all("SELECT id, strategy_id, key, position, title, title_en, description FROM goal ORDER BY position", [], |r| {
            Ok(Goal {
                id: id(&r.get::<_, String>(0)?)?,
                strategy: id(&r.get::<_, String>(1)?)?,
                key: r.get(2)?,
                position: r.get(3)?,
                title: r.get(4)?,
                title_en: r.get(5)?,
                description: r.get(6)?,
            })
        })
    }

    /// A goal by id or by its key from the strategy file.
    pub fn goal(&self, id_or_key: &str) -> Result<Goal> {
        let goals = self.goals()?;
        let k = id_or_key.trim();
        goals
            .into_iter()
            .find(|g| g.id.to_string() == k || g.key.eq_ignore_ascii_case(k))
            .ok_or_else(|| StoreError::NotFound { kind: "goal", id: k.to_string() })
    }

    pub fn indicators(&self) -> Result<Vec<Indicator>> {
        let mut out = self.all(
            "SELECT i.id, i.goal_id, i.key, i.name, i.name_en, i.definition, i.unit, i.direction, i.measure, i.baseline, i.baseline_year, i.source
             FROM indicator i JOIN goal g ON g.id = i.goal_id ORDER BY g.position, i.rowid",
            [],
            |r| {
                Ok(Indicator {
                    id: id(&r.get::<_, String>(0)?)?,
                    goal: id(&r.get::<_, String>(1)?)?,
                    key: r.get(2)?,
                    name: r.get(3)?,
                    name_en: r.get(4)?,
                    definition: r.get(5)?,
                    unit: code(&r.get::<_, String>(6)?)?,
                    direction: code(&r.get::<_, String>(7)?)?,
                    measure: code(&r.get::<_, String>(8)?)?,
                    baseline: r.get(9)?,
                    baseline_year: r.get(10)?,
                    source: r.get(11)?,
                    targets: Vec::new(),
                })
            },
        )?;
        let targets = self.all("SELECT indicator_id, year, value, illustrative FROM indicator_target ORDER BY year", [], |r| {
            Ok((r.get::<_, String>(0)?, YearTarget { year: r.get(1)?, value: r.get(2)?, illustrative: r.get(3)? }))
        })?;
        for (ind, t) in targets {
            if let Some(i) = out.iter_mut().find(|i| i.id.to_string() == ind) {
                i.targets.push(t);
            }
        }
        Ok(out)
    }

    /// An indicator by id or key.
    pub fn indicator(&self, id_or_key: &str) -> Result<Indicator> {
        let k = id_or_key.trim();
        self.indicators()?
            .into_iter()
            .find(|i| i.id.to_string() == k || i.key.eq_ignore_ascii_case(k))
            .ok_or_else(|| StoreError::NotFound { kind: "indicator", id: k.to_string() })
    }

    pub fn initiative(&self, id: InitiativeId) -> Result<Initiative> {
        self.one("initiative", &id.to_string(), &format!("SELECT {INITIATIVE_COLS} FROM initiative WHERE id = ?1"), initiative_row)
    }

    pub fn initiatives(&self, f: &InitiativeFilter, today: NaiveDate) -> Result<Vec<InitiativeSummary>> {
        // Enrolled now: started, and not ended before today.
        let today_open = "e.start_date <= ?5 AND (e.end_date IS NULL OR e.end_date >= ?5)";
        let sql = format!(
            "SELECT {cols},
               (SELECT group_concat(goal_id) FROM initiative_goal g WHERE g.initiative_id = i.id),
               (SELECT count(*) FROM enrolment e WHERE e.initiative_id = i.id AND {today_open}),
               (SELECT count(*) FROM enrolment e WHERE e.initiative_id = i.id)
             FROM initiative i
             WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR owner = ?3)
               AND (?4 IS NULL OR EXISTS (SELECT 1 FROM initiative_goal g WHERE g.initiative_id = i.id AND g.goal_id = ?4))
             ORDER BY start_date DESC, title",
            cols = INITIATIVE_COLS.split(", ").map(|c| format!("i.{c}")).collect::<Vec<_>>().join(", ")
        );
        self.all(&sql, (f.kind.map(|k| k.code()), f.status.map(|s| s.code()), &f.owner, f.goal.map(|g| g.to_string()), iso(today)), |r| {
            let goals: Option<String> = r.get(9)?;
            Ok(InitiativeSummary {
                initiative: initiative_row(r)?,
                goals: goals.unwrap_or_default().split(',').filter(|s| !s.is_empty()).map(id).collect::<rusqlite::Result<_>>()?,
                enrolled_now: r.get(10)?,
                enrolled_total: r.get(11)?,
            })
        })
    }

    pub fn goal_links(&self, initiative: InitiativeId) -> Result<Vec<GoalLink>> {
        self.all(
            "SELECT l.initiative_id, l.goal_id, l.contribution FROM initiative_goal l JOIN goal g ON g.id = l.goal_id
             WHERE l.initiative_id = ?1 ORDER BY g.position",
            [initiative.to_string()],
            |r| Ok(GoalLink { initiative: id(&r.get::<_, String>(0)?)?, goal: id(&r.get::<_, String>(1)?)?, contribution: r.get(2)? }),
        )
    }

    pub fn participant(&self, id: ParticipantId) -> Result<Participant> {
        self.one("participant", &id.to_string(), &format!("SELECT {PARTICIPANT_COLS} FROM participant WHERE id = ?1"), participant_row)
    }

    /// The participant with this CPR number (ten digits), if any.
    pub fn participant_by_cpr(&self, digits: &str) -> Result<Option<ParticipantId>> {
        self.conn
            .prepare_cached("SELECT id FROM participant WHERE cpr = ?1")
            .map_err(|e| self.sql(e))?
            .query_row([digits], |r| id(&r.get::<_, String>(0)?))
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// A participant by id or by pseudonym.
    pub fn participant_ref(&self, id_or_pseudonym: &str) -> Result<ParticipantId> {
        let k = id_or_pseudonym.trim();
        if let Ok(pid) = k.parse::<ParticipantId>() {
            return Ok(pid);
        }
        self.one("participant", k, "SELECT id FROM participant WHERE pseudonym = ?1 COLLATE NOCASE", |r| id(&r.get::<_, String>(0)?))
    }

    pub fn participants(&self, f: &ParticipantFilter) -> Result<Vec<Participant>> {
        self.all(
            &format!(
                "SELECT {PARTICIPANT_COLS} FROM participant WHERE (?1 IS NULL OR caseworker = ?1) AND (?2 OR case_closed IS NULL)
                 ORDER BY name LIMIT ?3"
            ),
            (&f.caseworker, f.include_closed, f.limit.unwrap_or(u32::MAX)),
            participant_row,
        )
    }

    /// Search as you type: a whole CPR number matches exactly; words match names and pseudonyms
    /// by prefix, diacritics folded.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let hit = |r: &Row| {
            Ok(SearchHit {
                id: id(&r.get::<_, String>(0)?)?,
                pseudonym: r.get(1)?,
                name: r.get(2)?,
                birth_year: r.get(3)?,
                caseworker: r.get(4)?,
                case_closed: odate(r.get(5)?)?,
            })
        };
        if let Some(digits) = cpr_digits(query) {
            return self.all(
                "SELECT id, pseudonym, name, birth_year, caseworker, case_closed FROM participant WHERE cpr = ?1",
                [digits],
                hit,
            );
        }
        if let Some(prefix) = pseudonym_prefix(query) {
            // Pseudonyms are ordered codes: a prefix is a range on their unique index.
            let mut upper = prefix.clone();
            upper.push('\u{10FFFF}');
            return self.all(
                "SELECT id, pseudonym, name, birth_year, caseworker, case_closed FROM participant
                 WHERE pseudonym >= ?1 AND pseudonym < ?2 ORDER BY pseudonym LIMIT ?3",
                (prefix, upper, limit),
                hit,
            );
        }
        let Some(q) = fts_query(query) else {
            return Ok(Vec::new());
        };
        // Names only; no ranking: scoring every match of a short prefix costs more than a person
        // typing can wait for, and bm25 means little for names. The first matches are taken and
        // shown in name order; each keystroke narrows them.
        let mut hits = self.all(
            "SELECT p.id, p.pseudonym, p.name, p.birth_year, p.caseworker, p.case_closed
             FROM participant_fts f JOIN participant p ON p.num = f.rowid
             WHERE participant_fts MATCH ?1 LIMIT ?2",
            (format!("name : ({q})"), limit),
            hit,
        )?;
        hits.sort_by(|a, b| a.name.cmp(&b.name).then(a.pseudonym.cmp(&b.pseudonym)));
        Ok(hits)
    }

    pub fn enrolment(&self, id: EnrolmentId) -> Result<Enrolment> {
        self.one("enrolment", &id.to_string(), &format!("SELECT {ENROLMENT_COLS} FROM enrolment WHERE id = ?1"), enrolment_row)
    }

    pub fn enrolments_of_participant(&self, p: ParticipantId) -> Result<Vec<Enrolment>> {
        self.all(
            &format!("SELECT {ENROLMENT_COLS} FROM enrolment WHERE participant_id = ?1 ORDER BY start_date"),
            [p.to_string()],
            enrolment_row,
        )
    }

    /// Every enrolment, in no particular order (for initiative results).
    pub fn all_enrolments(&self) -> Result<Vec<Enrolment>> {
        self.all(&format!("SELECT {ENROLMENT_COLS} FROM enrolment"), [], enrolment_row)
    }

    /// Every initiative, by title (without the counts [`Reader::initiatives`] adds).
    pub fn all_initiatives(&self) -> Result<Vec<Initiative>> {
        self.all(&format!("SELECT {INITIATIVE_COLS} FROM initiative ORDER BY title, id"), [], initiative_row)
    }

    pub fn enrolments_of_initiative(&self, i: InitiativeId) -> Result<Vec<Enrolment>> {
        self.all(
            &format!("SELECT {ENROLMENT_COLS} FROM enrolment WHERE initiative_id = ?1 ORDER BY start_date"),
            [i.to_string()],
            enrolment_row,
        )
    }

    /// One progress event.
    pub fn event(&self, id: EventId) -> Result<ProgressEvent> {
        self.one(
            "progress event",
            &id.to_string(),
            "SELECT id, participant_id, date, details, recorded_by, recorded_at FROM progress_event WHERE id = ?1",
            event_row,
        )
    }

    /// The participant's timeline, oldest first.
    pub fn events_of_participant(&self, p: ParticipantId) -> Result<Vec<ProgressEvent>> {
        self.all(
            "SELECT id, participant_id, date, details, recorded_by, recorded_at FROM progress_event
             WHERE participant_id = ?1 ORDER BY date, recorded_at",
            [p.to_string()],
            event_row,
        )
    }

    /// The corrections of a participant's records, oldest first.
    pub fn corrections_of_participant(&self, p: ParticipantId) -> Result<Vec<Correction>> {
        self.all(
            &format!("SELECT {CORRECTION_COLS} FROM correction WHERE participant_id = ?1 ORDER BY made_at, rowid"),
            [p.to_string()],
            correction_row,
        )
    }

    /// Every version of every journal note of a participant, oldest first.
    pub fn notes_of_participant(&self, p: ParticipantId) -> Result<Vec<JournalNote>> {
        self.all(
            &format!("SELECT {NOTE_COLS} FROM note n WHERE n.participant_id = ?1 ORDER BY n.written_at, n.rowid"),
            [p.to_string()],
            note_row,
        )
    }

    pub fn note(&self, note: NoteId) -> Result<JournalNote> {
        self.one("note", &note.to_string(), &format!("SELECT {NOTE_COLS} FROM note n WHERE n.id = ?1"), note_row)
    }

    /// Whether a newer version replaces this note.
    pub fn note_replaced(&self, note: NoteId) -> Result<bool> {
        self.conn
            .prepare_cached("SELECT 1 FROM note WHERE replaces = ?1")
            .and_then(|mut s| s.exists([note.to_string()]))
            .map_err(|e| self.sql(e))
    }

    /// The current versions of the notes in `caseworker`'s open and closed cases whose text holds
    /// `query` (ASCII case folded), newest first, each with its case's pseudonym.
    pub fn search_notes(&self, caseworker: &str, query: &str, limit: u32) -> Result<Vec<(JournalNote, String)>> {
        self.all(
            &format!(
                "SELECT {NOTE_COLS}, p.pseudonym FROM note n JOIN participant p ON p.id = n.participant_id
                 WHERE p.caseworker = ?1 AND n.text LIKE ?2 ESCAPE '\\'
                   AND NOT EXISTS (SELECT 1 FROM note newer WHERE newer.replaces = n.id)
                 ORDER BY n.written_at DESC LIMIT ?3"
            ),
            (caseworker, like_anywhere(query), limit),
            |r| Ok((note_row(r)?, r.get(7)?)),
        )
    }

    /// The open cases' due items not yet done, due on or before `until`, soonest first: of one
    /// caseworker's caseload, or (`None`) the whole team's.
    pub fn due_open(&self, caseworker: Option<&str>, until: NaiveDate, limit: u32) -> Result<Vec<DueRow>> {
        let day = |n: i32| NaiveDate::from_num_days_from_ce_opt(n).unwrap_or_default();
        let row = |r: &Row| {
            Ok(DueRow {
                participant: id(&r.get::<_, String>(0)?)?,
                pseudonym: r.get(1)?,
                name: r.get(2)?,
                caseworker: r.get(3)?,
                rule: r.get(4)?,
                ruleset: r.get(5)?,
                kind: r.get(6)?,
                anchor: day(r.get(7)?),
                due: day(r.get(8)?),
                needed: r.get(9)?,
                done: r.get(10)?,
            })
        };
        let cols = "p.id, p.pseudonym, p.name, f.caseworker, d.rule, d.ruleset, d.kind, d.anchor, d.due, d.needed, d.done";
        match caseworker {
            // One caseload: its open cases from the caseload index, then each case's items.
            Some(w) => self.all(
                &format!(
                    // CROSS JOIN keeps this order: SQLite would otherwise start from every
                    // open item in the team (the `due` index) and filter by caseworker.
                    "SELECT {cols} FROM case_fact f CROSS JOIN case_due d ON d.num = f.num JOIN participant p ON p.num = f.num
                     WHERE f.caseworker = ?1 AND f.closed IS NULL AND d.done_on IS NULL AND d.due <= ?2
                     ORDER BY d.due, p.pseudonym LIMIT ?3"
                ),
                (w, until.num_days_from_ce(), limit),
                row,
            ),
            None => self.all(
                &format!(
                    "SELECT {cols} FROM case_due d JOIN case_fact f ON f.num = d.num JOIN participant p ON p.num = d.num
                     WHERE d.done_on IS NULL AND d.due <= ?1 AND f.closed IS NULL
                     ORDER BY d.due, p.pseudonym LIMIT ?2"
                ),
                (until.num_days_from_ce(), limit),
                row,
            ),
        }
    }

    /// Open cases whose latest event is before `before` (or that have none), longest without
    /// contact first: of one caseload, or the team's.
    pub fn without_contact(&self, caseworker: Option<&str>, before: NaiveDate, limit: u32) -> Result<Vec<ContactRow>> {
        let row = |r: &Row| {
            Ok(ContactRow {
                participant: id(&r.get::<_, String>(0)?)?,
                pseudonym: r.get(1)?,
                name: r.get(2)?,
                caseworker: r.get(3)?,
                last_event: r.get::<_, Option<i32>>(4)?.and_then(NaiveDate::from_num_days_from_ce_opt),
            })
        };
        // One caseload through the caseload index (an `?1 IS NULL OR` would scan every case).
        let cols = "p.id, p.pseudonym, p.name, f.caseworker, f.last_event";
        match caseworker {
            Some(w) => self.all(
                &format!(
                    "SELECT {cols} FROM case_fact f JOIN participant p ON p.num = f.num
                     WHERE f.caseworker = ?1 AND f.closed IS NULL AND coalesce(f.last_event, 0) < ?2
                     ORDER BY coalesce(f.last_event, 0), p.pseudonym LIMIT ?3"
                ),
                (w, before.num_days_from_ce(), limit),
                row,
            ),
            None => self.all(
                &format!(
                    "SELECT {cols} FROM case_fact f JOIN participant p ON p.num = f.num
                     WHERE f.closed IS NULL AND coalesce(f.last_event, 0) < ?1
                     ORDER BY coalesce(f.last_event, 0), p.pseudonym LIMIT ?2"
                ),
                (before.num_days_from_ce(), limit),
                row,
            ),
        }
    }

    /// Each caseworker's open cases and overdue items on `today`.
    pub fn workload(&self, today: NaiveDate) -> Result<Vec<WorkloadRow>> {
        self.all(
            "SELECT f.caseworker, count(*),
                    coalesce(sum((SELECT count(*) FROM case_due d WHERE d.num = f.num AND d.done_on IS NULL AND d.due < ?1)), 0)
             FROM case_fact f WHERE f.closed IS NULL GROUP BY f.caseworker ORDER BY f.caseworker",
            [today.num_days_from_ce()],
            |r| Ok(WorkloadRow { caseworker: r.get(0)?, open_cases: r.get(1)?, overdue: r.get(2)? }),
        )
    }

    /// Open cases per caseworker, and how many of them have had no event since `contact_since`.
    pub fn caseload(&self, contact_since: NaiveDate) -> Result<Vec<CaseloadRow>> {
        self.all(
            "SELECT caseworker, count(*), sum(CASE WHEN coalesce(last_event, 0) < ?1 THEN 1 ELSE 0 END)
             FROM case_fact WHERE closed IS NULL GROUP BY caseworker ORDER BY caseworker",
            [contact_since.num_days_from_ce()],
            |r| Ok(CaseloadRow { caseworker: r.get(0)?, open_cases: r.get(1)?, without_recent_contact: r.get(2)? }),
        )
    }

    /// How much the store holds; enrolments are active on `today` when started and not yet ended.
    pub fn counts(&self, today: NaiveDate) -> Result<StoreCounts> {
        self.conn
            .query_row(
                "SELECT (SELECT count(*) FROM goal), (SELECT count(*) FROM indicator),
                        (SELECT count(*) FROM initiative WHERE status = 'planned'),
                        (SELECT count(*) FROM initiative WHERE status = 'active'),
                        (SELECT count(*) FROM initiative WHERE status = 'closed'),
                        (SELECT count(*) FROM participant WHERE case_closed IS NULL),
                        (SELECT count(*) FROM participant WHERE case_closed IS NOT NULL),
                        (SELECT count(*) FROM enrolment WHERE start_date <= ?1 AND (end_date IS NULL OR end_date >= ?1)),
                        (SELECT count(*) FROM progress_event),
                        (SELECT count(*) FROM change_log),
                        (SELECT count(*) FROM audit_log)",
                [iso(today)],
                |r| {
                    Ok(StoreCounts {
                        goals: r.get(0)?,
                        indicators: r.get(1)?,
                        initiatives_planned: r.get(2)?,
                        initiatives_active: r.get(3)?,
                        initiatives_closed: r.get(4)?,
                        participants_open: r.get(5)?,
                        participants_closed: r.get(6)?,
                        enrolments_active: r.get(7)?,
                        events: r.get::<_, i64>(8)? as u64,
                        changes: r.get::<_, i64>(9)? as u64,
                        audit_rows: r.get::<_, i64>(10)? as u64,
                    })
                },
            )
            .map_err(|e| self.sql(e))
    }

    /// Events per type: how much has been done (for the status overview).
    pub fn event_counts(&self) -> Result<Vec<(String, u64)>> {
        self.all("SELECT type, count(*) FROM progress_event GROUP BY type ORDER BY count(*) DESC", [], |r| {
            Ok((r.get(0)?, r.get::<_, i64>(1)? as u64))
        })
    }

    /// Every participant's case with its facts (derived at write time), in no particular order.
    pub fn for_each_case(&self, mut f: impl FnMut(CaseRow)) -> Result<()> {
        let mut err = None;
        self.for_each_raw_case(|raw| match raw.decode() {
            Ok(row) => f(row),
            Err(e) => {
                err.get_or_insert(e);
            }
        })?;
        err.map_or(Ok(()), Err)
    }

    /// Every case with its facts still encoded, for callers that decode in parallel.
    pub fn for_each_raw_case(&self, f: impl FnMut(RawCase)) -> Result<()> {
        self.for_each_raw_case_since(0, f)
    }

    /// The stamp of the newest facts: cases whose facts changed after a load are those with a
    /// larger one ([`Reader::for_each_raw_case_since`]).
    pub fn facts_stamp(&self) -> Result<i64> {
        self.conn.query_row("SELECT coalesce(max(stamp), 0) FROM case_fact", [], |r| r.get(0)).map_err(|e| self.sql(e))
    }

    /// The cases whose facts were written after `stamp`, still encoded.
    pub fn for_each_raw_case_since(&self, stamp: i64, mut f: impl FnMut(RawCase)) -> Result<()> {
        // All of them by a plain scan; a few recent ones through the stamp's index.
        let sql = if stamp <= 0 {
            "SELECT id, start, programme_start, closed, facts FROM case_fact WHERE ?1 <= 0"
        } else {
            "SELECT id, start, programme_start, closed, facts FROM case_fact WHERE stamp > ?1"
        };
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.sql(e))?;
        let mut rows = stmt.query([stamp]).map_err(|e| self.sql(e))?;
        let day = |n: Option<i32>| n.and_then(NaiveDate::from_num_days_from_ce_opt);
        while let Some(r) = rows.next().map_err(|e| self.sql(e))? {
            let row = (|| -> rusqlite::Result<_> {
                let bad = |i: usize, e: std::array::TryFromSliceError| {
                    rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, Box::new(e))
                };
                let id: [u8; 16] = r.get_ref(0)?.as_blob()?.try_into().map_err(|e| bad(0, e))?;
                Ok(RawCase {
                    id: ParticipantId(uuid::Uuid::from_bytes(id)),
                    start: day(r.get(1)?),
                    programme_start: day(r.get(2)?),
                    case_closed: day(r.get(3)?),
                    facts: r.get_ref(4)?.as_blob()?.to_vec(),
                })
            })()
            .map_err(|e| self.sql(e))?;
            f(row);
        }
        Ok(())
    }

    /// Whose case each change belongs to, for sync's audiences: the caseworker of the
    /// participant that a `participant` change or a change of a case's record (an enrolment, an event,
    /// a correction) concerns, as this
    /// store has the case now; `None` for the team's own rows (strategy, goals, indicators,
    /// targets, initiatives and their goal links, manual values). A row that is gone (deleted) is
    /// traced through the change log. A case this store cannot trace gets an empty caseworker,
    /// which no device works as: it then goes to the team leads only.
    pub fn case_owners(&self, changes: &[ChangeRow]) -> Result<Vec<Option<String>>> {
        use std::collections::HashMap;
        let mut participant_of: HashMap<(&str, &str), String> = HashMap::new();
        let mut caseworker_of: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(changes.len());
        for c in changes {
            let participant = match (c.table.as_str(), crate::merge::case_table(&c.table)) {
                ("participant", _) => c.row_id.clone(),
                (_, Some(table)) => match participant_of.get(&(table, c.row_id.as_str())) {
                    Some(p) => p.clone(),
                    None => {
                        let p = match inserted_field(c, "participant_id") {
                            Some(p) => p,
                            None => self.traced_field(table, &c.row_id, "participant_id")?.unwrap_or_default(),
                        };
                        participant_of.insert((table, c.row_id.as_str()), p.clone());
                        p
                    }
                },
                _ => {
                    out.push(None);
                    continue;
                }
            };
            let caseworker = match caseworker_of.get(&participant) {
                Some(w) => w.clone(),
                None => {
                    let w = self.traced_field("participant", &participant, "caseworker")?.unwrap_or_default();
                    caseworker_of.insert(participant, w.clone());
                    w
                }
            };
            out.push(Some(caseworker));
        }
        Ok(out)
    }

    /// A text field of a row: from the table while the row is there, else its latest write in
    /// the change log.
    fn traced_field(&self, table: &'static str, id: &str, field: &'static str) -> Result<Option<String>> {
        let now: Option<String> = self
            .conn
            .prepare_cached(&format!("SELECT {field} FROM {table} WHERE id = ?1"))
            .and_then(|mut s| s.query_row([id], |r| r.get(0)).optional())
            .map_err(|e| self.sql(e))?;
        if now.is_some() {
            return Ok(now);
        }
        let history = crate::merge::history(self.conn, self.dir, table, id)?;
        Ok(crate::merge::field_latest(&history, field).and_then(|(_, v)| v.as_str().map(str::to_string)))
    }

    /// For each change that hands a case over (a participant's `caseworker` written anew), the
    /// caseworker it had before: the case's last caseworker write before it. `None` for every
    /// other change.
    pub fn handed_over_from(&self, changes: &[ChangeRow]) -> Result<Vec<Option<String>>> {
        let mut out = Vec::with_capacity(changes.len());
        for c in changes {
            if c.table != "participant" || c.op != "update" || c.field.as_deref() != Some("caseworker") {
                out.push(None);
                continue;
            }
            let history = crate::merge::history(self.conn, self.dir, "participant", &c.row_id)?;
            let before: Vec<_> = history.into_iter().filter(|e| e.hlc < c.hlc).collect();
            let from = crate::merge::field_latest(&before, "caseworker").and_then(|(_, v)| v.as_str().map(str::to_string));
            let to = c.value.as_deref().and_then(|v| serde_json::from_str::<String>(v).ok());
            out.push(from.filter(|f| Some(f) != to.as_ref()));
        }
        Ok(out)
    }

    /// A case's history as the change log holds it, for a handover bundle to carry: every
    /// logged write of the participant and of its records that are here now (enrolments, events,
    /// corrections, notes), as (device id, change), by clock. This device's own changes after
    /// seq `own_after` are left out: they travel in its own chain.
    pub fn case_history(&self, participant: &str, own_after: u64) -> Result<Vec<(String, ChangeRow)>> {
        let after = i64::try_from(own_after).unwrap_or(i64::MAX);
        // One indexed look-up per table (`change_log_row`), not a scan of the whole log.
        let select = |tbl: &str, rows: &str| {
            format!(
                "SELECT d.id, c.seq, c.hlc, c.tbl, c.row_id, c.op, c.field, c.value, c.base_hlc, b.id
                 FROM change_log c JOIN device d ON d.num = c.device LEFT JOIN device b ON b.num = c.base_device
                 WHERE c.tbl = '{tbl}' AND c.row_id {rows}
                   AND NOT (c.device = (SELECT d2.num FROM meta m JOIN device d2 ON d2.id = m.value WHERE m.key = 'device') AND c.seq > ?2)"
            )
        };
        let mut parts = vec![select("participant", "= ?1")];
        for t in crate::merge::CASE_TABLES {
            parts.push(select(t, &format!("IN (SELECT id FROM {t} WHERE participant_id = ?1)")));
        }
        let sql = parts.join(" UNION ALL ");
        let mut rows = self.all(&sql, rusqlite::params![participant, after], |r| {
            let (seq, hlc): (i64, i64) = (r.get(1)?, r.get(2)?);
            Ok((
                r.get::<_, String>(0)?,
                ChangeRow {
                    seq: u64::try_from(seq).unwrap_or(0),
                    hlc: u64::try_from(hlc).unwrap_or(0),
                    table: r.get(3)?,
                    row_id: r.get(4)?,
                    op: r.get(5)?,
                    field: r.get(6)?,
                    value: r.get(7)?,
                    base: match (r.get::<_, Option<i64>>(8)?, r.get::<_, Option<String>>(9)?) {
                        (Some(h), Some(d)) => Some((u64::try_from(h).unwrap_or(0), d)),
                        _ => None,
                    },
                },
            ))
        })?;
        rows.sort_by(|a, b| (a.1.hlc, &a.0, a.1.seq).cmp(&(b.1.hlc, &b.0, b.1.seq)));
        Ok(rows)
    }

    /// This device's changes with a seq after `after`, in order, at most `limit` of them (what
    /// the next bundle carries).
    pub fn own_changes(&self, after: u64, limit: u32) -> Result<Vec<ChangeRow>> {
        let after = i64::try_from(after).unwrap_or(i64::MAX);
        self.all(
            "SELECT c.seq, c.hlc, c.tbl, c.row_id, c.op, c.field, c.value, c.base_hlc, b.id FROM change_log c
             LEFT JOIN device b ON b.num = c.base_device
             WHERE c.device = (SELECT d.num FROM meta m JOIN device d ON d.id = m.value WHERE m.key = 'device')
               AND c.key > c.device * 1099511627776 + ?1
             ORDER BY c.key LIMIT ?2",
            (after, limit),
            |r| {
                let (seq, hlc): (i64, i64) = (r.get(0)?, r.get(1)?);
                Ok(ChangeRow {
                    seq: u64::try_from(seq).unwrap_or(0),
                    hlc: u64::try_from(hlc).unwrap_or(0),
                    table: r.get(2)?,
                    row_id: r.get(3)?,
                    op: r.get(4)?,
                    field: r.get(5)?,
                    value: r.get(6)?,
                    base: match (r.get::<_, Option<i64>>(7)?, r.get::<_, Option<String>>(8)?) {
                        (Some(h), Some(d)) => Some((u64::try_from(h).unwrap_or(0), d)),
                        _ => None,
                    },
                })
            },
        )
    }

    /// Every entered value of the manual indicators.
    pub fn manual_values(&self) -> Result<Vec<ManualValue>> {
        self.all(
            "SELECT indicator_id, period, value, note, entered_by, entered_at FROM manual_value ORDER BY indicator_id, period",
            [],
            |r| {
                Ok(ManualValue {
                    indicator: id(&r.get::<_, String>(0)?)?,
                    period: r.get(1)?,
                    value: r.get(2)?,
                    note: r.get(3)?,
                    entered_by: r.get(4)?,
                    entered_at: DateTime::parse_from_rfc3339(&r.get::<_, String>(5)?).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
                })
            },
        )
    }

    /// Every event's (participant, date, details), ordered by participant and date: what derived
    /// figures such as the ladder are computed from.
    pub fn for_each_event(&self, mut f: impl FnMut(ParticipantId, NaiveDate, EventDetails)) -> Result<()> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT participant_id, date, details FROM progress_event ORDER BY participant_id, date")
            .map_err(|e| self.sql(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.sql(e))?;
        while let Some(r) = rows.next().map_err(|e| self.sql(e))? {
            let p: String = r.get(0).map_err(|e| self.sql(e))?;
            let d: String = r.get(1).map_err(|e| self.sql(e))?;
            let details: String = r.get(2).map_err(|e| self.sql(e))?;
            let parsed = (|| -> rusqlite::Result<_> {
                Ok((
                    id::<ParticipantId>(&p)?,
                    date(&d)?,
                    serde_json::from_str::<EventDetails>(&details)
                        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, Box::new(e)))?,
                ))
            })()
            .map_err(|e| self.sql(e))?;
            f(parsed.0, parsed.1, parsed.2);
        }
        Ok(())
    }

    pub fn audit(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        audit::list(self.conn, self.dir, &self.own_device()?, f)
    }

    /// One audit row by device and seq: this laptop's own, or the team's copy on a lead's laptop.
    pub fn audit_row(&self, device: &str, seq: i64) -> Result<Option<AuditRow>> {
        audit::one(self.conn, self.dir, &self.own_device()?, device, seq)
    }

    /// This laptop's own audit rows after seq `after` (at most `limit`), exactly as stored, with
    /// the hash of the row at `after`: what an access bundle carries.
    pub fn audit_records_after(&self, after: i64, limit: u32) -> Result<(Vec<u8>, Vec<AuditRecord>)> {
        audit::records_after(self.conn, self.dir, after, limit)
    }

    /// The last row of this laptop's own audit log: (seq, hash).
    pub fn audit_head(&self) -> Result<Option<(i64, Vec<u8>)>> {
        audit::head(self.conn, self.dir)
    }

    /// The other devices' access logs this laptop holds (a team lead's), one per device.
    pub fn access_chains(&self) -> Result<Vec<AccessChain>> {
        crate::access::chains(self.conn, self.dir)
    }

    /// One device's access log as held here, if any.
    pub fn access_chain(&self, device: &str) -> Result<Option<AccessChain>> {
        crate::access::chain(self.conn, self.dir, device)
    }

    /// Whether the access bundle `bundle` of `device` was read or passed before.
    pub fn access_bundle_seen(&self, device: &str, bundle: &str) -> Result<bool> {
        crate::access::seen_bundle(self.conn, self.dir, device, bundle)
    }

    /// The review sample of `month` (YYYY-MM), in the order drawn.
    pub fn reviews(&self, month: &str) -> Result<Vec<Review>> {
        crate::access::reviews(self.conn, self.dir, Some(month))
    }

    /// One drawn review by id.
    pub fn review(&self, id: &str) -> Result<Option<Review>> {
        Ok(crate::access::reviews(self.conn, self.dir, None)?.into_iter().find(|r| r.id == id))
    }

    fn own_device(&self) -> Result<String> {
        self.conn
            .query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| r.get(0))
            .map_err(|e| StoreError::from_sqlite(self.dir, e))
    }

    /// Checks the audit log's hash chain; returns how many rows it holds.
    pub fn verify_audit(&self) -> Result<u64> {
        audit::verify(self.conn, self.dir)
    }
}

/// A text field of the row an `insert` change writes.
fn inserted_field(c: &ChangeRow, field: &str) -> Option<String> {
    if c.op != "insert" {
        return None;
    }
    let row: serde_json::Map<String, serde_json::Value> = serde_json::from_str(c.value.as_deref()?).ok()?;
    row.get(field)?.as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_becomes_a_safe_prefix_query() {
        assert_eq!(fts_query("ami han").as_deref(), Some("\"ami\"* \"han\"*"));
        assert_eq!(fts_query("\" OR x:*"), Some("\"OR\"* \"x\"*".into()));
        assert_eq!(fts_query("  -- "), None);
        assert_eq!(cpr_digits("010203-1234").as_deref(), Some("0102031234"));
        assert_eq!(cpr_digits("010203"), None);
        assert_eq!(cpr_digits("ali 0102031234"), None);
        assert_eq!(pseudonym_prefix(" d-4k ").as_deref(), Some("D-4K"));
        assert_eq!(pseudonym_prefix("d-"), Some("D-".into()));
        assert_eq!(pseudonym_prefix("dina"), None);
    }
}
