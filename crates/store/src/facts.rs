//! Keeping the derived facts (`case_fact`) in step with the events: refreshed in the transaction
//! that writes events, and rebuilt whole when the derivation's version changes.

use std::path::Path;

use chrono::{Datelike, NaiveDate};
use indsats_core::event::EventDetails;
use indsats_core::facts::{self, Facts};
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Result, StoreError};

const VERSION_KEY: &str = "facts_version";
const DUE_KEY: &str = "due_rules";

/// The rule sets due items are derived by (built in; parsed once).
pub fn rule_book() -> &'static indsats_core::deadlines::RuleBook {
    static BOOK: std::sync::OnceLock<indsats_core::deadlines::RuleBook> = std::sync::OnceLock::new();
    BOOK.get_or_init(indsats_core::deadlines::RuleBook::default_book)
}

/// Writes a case's due items anew: `num` is the participant's local number.
fn store_due(
    conn: &Connection,
    dir: &Path,
    num: i64,
    programme: indsats_core::model::ProgrammeKind,
    programme_start: Option<NaiveDate>,
    closed: Option<NaiveDate>,
    events: &[(NaiveDate, &EventDetails)],
) -> Result<()> {
    use indsats_core::model::Code;
    let sql = |e| StoreError::from_sqlite(dir, e);
    conn.prepare_cached("DELETE FROM case_due WHERE num = ?1").and_then(|mut s| s.execute([num])).map_err(sql)?;
    let case = indsats_core::deadlines::Case { programme, programme_start, closed, events };
    let mut insert = conn
        .prepare_cached(
            "INSERT OR REPLACE INTO case_due (num, rule, ruleset, kind, anchor, due, needed, done, done_on)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )
        .map_err(sql)?;
    // Only what is not done yet: the worklist's rows. A done item has nothing left to show, and
    // the core derives it again whenever it is wanted.
    for i in rule_book().items(&case).into_iter().filter(|i| i.done_on.is_none()) {
        insert
            .execute((
                num,
                &i.rule,
                &i.ruleset,
                i.due_kind.code(),
                i.anchor.num_days_from_ce(),
                i.due.num_days_from_ce(),
                i.needed,
                i.done,
                i.done_on.map(|d| d.num_days_from_ce()),
            ))
            .map_err(sql)?;
    }
    Ok(())
}

/// A participant's number, programme, programme start and closing day, for their due items.
type DueCase = (i64, indsats_core::model::ProgrammeKind, Option<NaiveDate>, Option<NaiveDate>);

fn due_case(conn: &Connection, dir: &Path, participant: &str) -> Result<Option<DueCase>> {
    use indsats_core::model::Code;
    let row: Option<(i64, String, Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT num, programme, programme_start, case_closed FROM participant WHERE id = ?1")
        .and_then(|mut s| s.query_row([participant], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).optional())
        .map_err(|e| StoreError::from_sqlite(dir, e))?;
    let Some((num, programme, start, closed)) = row else { return Ok(None) };
    let day = |s: Option<String>| s.and_then(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok());
    let programme = indsats_core::model::ProgrammeKind::parse(&programme).map_err(|e| StoreError::Encoding(e.to_string()))?;
    Ok(Some((num, programme, day(start), day(closed))))
}

/// julianday() of 0000-12-31: `julianday(d) - JD_BEFORE_CE` is chrono's `num_days_from_ce`.
const JD_BEFORE_CE: f64 = 1_721_424.5;

/// The stamp for facts written by the current transaction: one more than any before.
pub(crate) fn next_stamp(conn: &Connection, dir: &Path) -> Result<i64> {
    conn.query_row("SELECT coalesce(max(stamp), 0) + 1 FROM case_fact", [], |r| r.get(0)).map_err(|e| StoreError::from_sqlite(dir, e))
}

fn derive_and_store(conn: &Connection, dir: &Path, participant: &str, events: &[(NaiveDate, EventDetails)], stamp: i64) -> Result<()> {
    let refs: Vec<(NaiveDate, &EventDetails)> = events.iter().map(|(d, e)| (*d, e)).collect();
    let facts = Facts::derive(&refs);
    let id = uuid::Uuid::parse_str(participant).map_err(|e| StoreError::Encoding(format!("participant id {participant:?}: {e}")))?;
    let last = facts.last.map(|d| d.num_days_from_ce());
    conn.prepare_cached(
        "INSERT OR REPLACE INTO case_fact (num, id, start, programme_start, closed, caseworker, last_event, facts, stamp)
         SELECT num, ?2,
                CAST(julianday(coalesce(programme_start, arrival_date)) - ?5 AS INTEGER),
                CAST(julianday(programme_start) - ?5 AS INTEGER),
                CAST(julianday(case_closed) - ?5 AS INTEGER),
                caseworker, ?3, ?4, ?6
         FROM participant WHERE id = ?1",
    )
    .and_then(|mut s| s.execute((participant, id.as_bytes().as_slice(), last, facts.encode(), JD_BEFORE_CE, stamp)))
    .map_err(|e| StoreError::from_sqlite(dir, e))?;
    if let Some((num, programme, start, closed)) = due_case(conn, dir, participant)? {
        store_due(conn, dir, num, programme, start, closed, &refs)?;
    }
    Ok(())
}

fn parse_event(date: &str, details: &str) -> Result<(NaiveDate, EventDetails)> {
    let d = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|e| StoreError::Encoding(format!("event date {date:?}: {e}")))?;
    let e = serde_json::from_str(details).map_err(|e| StoreError::Encoding(format!("event details: {e}")))?;
    Ok((d, e))
}

/// Participants added in a transaction: what their facts row takes from them, and their events.
pub(crate) type NewCases = std::collections::BTreeMap<String, (NewCase, Vec<(NaiveDate, EventDetails)>)>;

/// What a new participant's facts row takes from the participant (known in memory when the
/// participant is inserted in the same transaction).
#[derive(Debug, Clone)]
pub(crate) struct NewCase {
    id: [u8; 16],
    start: Option<i32>,
    programme_start: Option<i32>,
    closed: Option<i32>,
    caseworker: String,
    programme: indsats_core::model::ProgrammeKind,
    programme_start_day: Option<NaiveDate>,
    closed_day: Option<NaiveDate>,
}

impl NewCase {
    pub(crate) fn of(p: &indsats_core::model::Participant) -> NewCase {
        let day = |d: Option<NaiveDate>| d.map(|d| d.num_days_from_ce());
        NewCase {
            id: *p.id.as_uuid().as_bytes(),
            start: day(p.programme_start.or(p.arrival_date)),
            programme_start: day(p.programme_start),
            closed: day(p.case_closed),
            caseworker: p.caseworker.clone(),
            programme: p.programme,
            programme_start_day: p.programme_start,
            closed_day: p.case_closed,
        }
    }
}

/// Writes the facts rows of participants inserted in this transaction, from their events in
/// memory, several rows per statement (the bulk path: demo data, imports).
pub(crate) fn store_new(conn: &Connection, dir: &Path, new: &NewCases, stamp: i64) -> Result<()> {
    const PER_STATEMENT: usize = 32;
    let rows: Vec<(&str, &NewCase, Option<i32>, Vec<u8>)> = new
        .iter()
        .map(|(id, (case, events))| {
            let refs: Vec<(NaiveDate, &EventDetails)> = events.iter().map(|(d, e)| (*d, e)).collect();
            let facts = Facts::derive(&refs);
            (id.as_str(), case, facts.last.map(|d| d.num_days_from_ce()), facts.encode())
        })
        .collect();
    for chunk in rows.chunks(PER_STATEMENT) {
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| {
                // ?1 is the stamp; each row's eight values follow.
                let b = i * 8 + 1;
                format!(
                    "((SELECT num FROM participant WHERE id = ?{}), ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?1)",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 8
                )
            })
            .collect();
        let sql = format!(
            "INSERT OR REPLACE INTO case_fact (num, id, start, programme_start, closed, caseworker, last_event, facts, stamp) VALUES {}",
            marks.join(", ")
        );
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * 8 + 1);
        params.push(&stamp);
        let ids: Vec<&[u8]> = chunk.iter().map(|(_, c, _, _)| c.id.as_slice()).collect();
        for ((id, case, last, blob), raw) in chunk.iter().zip(&ids) {
            params.push(id);
            params.push(raw);
            params.push(&case.start);
            params.push(&case.programme_start);
            params.push(&case.closed);
            params.push(&case.caseworker);
            params.push(last);
            params.push(blob);
        }
        conn.prepare_cached(&sql).and_then(|mut s| s.execute(params.as_slice())).map_err(|e| StoreError::from_sqlite(dir, e))?;
    }
    // Their due items: new cases have none yet, so only inserts, several rows per statement.
    use indsats_core::model::Code;
    let sql = |e| StoreError::from_sqlite(dir, e);
    let mut num_of = conn.prepare_cached("SELECT num FROM participant WHERE id = ?1").map_err(sql)?;
    let mut rows: Vec<(i64, indsats_core::deadlines::DueItem)> = Vec::new();
    for (id, (case, events)) in new {
        let refs: Vec<(NaiveDate, &EventDetails)> = events.iter().map(|(d, e)| (*d, e)).collect();
        let num: i64 = num_of.query_row([id], |r| r.get(0)).map_err(sql)?;
        let c = indsats_core::deadlines::Case {
            programme: case.programme,
            programme_start: case.programme_start_day,
            closed: case.closed_day,
            events: &refs,
        };
        rows.extend(rule_book().items(&c).into_iter().filter(|i| i.done_on.is_none()).map(|i| (num, i)));
    }
    const DUE_PER_STATEMENT: usize = 100;
    for chunk in rows.chunks(DUE_PER_STATEMENT) {
        let marks: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 9;
                format!("(?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{}, ?{})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9)
            })
            .collect();
        let stmt = format!(
            "INSERT OR REPLACE INTO case_due (num, rule, ruleset, kind, anchor, due, needed, done, done_on) VALUES {}",
            marks.join(", ")
        );
        let values: Vec<[rusqlite::types::Value; 9]> = chunk
            .iter()
            .map(|(num, i)| {
                use rusqlite::types::Value as V;
                [
                    V::Integer(*num),
                    V::Text(i.rule.clone()),
                    V::Text(i.ruleset.clone()),
                    V::Text(i.due_kind.code().to_string()),
                    V::Integer(i.anchor.num_days_from_ce().into()),
                    V::Integer(i.due.num_days_from_ce().into()),
                    V::Integer(i.needed.into()),
                    V::Integer(i.done.into()),
                    i.done_on.map_or(V::Null, |d| V::Integer(d.num_days_from_ce().into())),
                ]
            })
            .collect();
        let params: Vec<&dyn rusqlite::ToSql> = values.iter().flat_map(|v| v.iter().map(|x| x as &dyn rusqlite::ToSql)).collect();
        conn.prepare_cached(&stmt).and_then(|mut s| s.execute(params.as_slice())).map_err(sql)?;
    }
    Ok(())
}

/// Derives one participant's facts from their events in the database.
pub(crate) fn refresh(conn: &Connection, dir: &Path, participant: &str, stamp: i64) -> Result<()> {
    let sql = |e| StoreError::from_sqlite(dir, e);
    let mut stmt = conn.prepare_cached("SELECT date, details FROM progress_event WHERE participant_id = ?1").map_err(sql)?;
    let mut rows = stmt.query([participant]).map_err(sql)?;
    let mut events = Vec::new();
    while let Some(r) = rows.next().map_err(sql)? {
        let (d, details): (String, String) = (r.get(0).map_err(sql)?, r.get(1).map_err(sql)?);
        events.push(parse_event(&d, &details)?);
    }
    derive_and_store(conn, dir, participant, &events, stamp)
}

/// Rebuilds every participant's facts and due items when they were written by another version
/// of the derivation or other rule sets (or never). One transaction; derived data only, so no change log and no audit.
pub(crate) fn rebuild_if_stale(conn: &mut Connection, dir: &Path) -> Result<bool> {
    let sql = |e| StoreError::from_sqlite(dir, e);
    let current = facts::VERSION.to_string();
    let rules = rule_book().fingerprint();
    let meta = |key: &str| -> Result<Option<String>> {
        conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0)).optional().map_err(sql)
    };
    if meta(VERSION_KEY)?.as_deref() == Some(current.as_str()) && meta(DUE_KEY)?.as_deref() == Some(rules.as_str()) {
        return Ok(false);
    }
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(sql)?;
    let stamp = next_stamp(&tx, dir)?;
    tx.execute("DELETE FROM case_fact", []).map_err(sql)?;
    tx.execute("DELETE FROM case_due", []).map_err(sql)?;
    {
        let mut people = tx.prepare("SELECT id FROM participant ORDER BY id").map_err(sql)?;
        let ids: Vec<String> = people.query_map([], |r| r.get(0)).map_err(sql)?.collect::<rusqlite::Result<_>>().map_err(sql)?;
        let mut stmt = tx.prepare("SELECT participant_id, date, details FROM progress_event ORDER BY participant_id").map_err(sql)?;
        let mut rows = stmt.query([]).map_err(sql)?;
        let mut next = rows.next().map_err(sql)?;
        for id in ids {
            let mut events = Vec::new();
            while let Some(r) = next {
                let pid: String = r.get(0).map_err(sql)?;
                if pid > id {
                    break;
                }
                if pid == id {
                    let (d, details): (String, String) = (r.get(1).map_err(sql)?, r.get(2).map_err(sql)?);
                    events.push(parse_event(&d, &details)?);
                }
                next = rows.next().map_err(sql)?;
            }
            derive_and_store(&tx, dir, &id, &events, stamp)?;
        }
    }
    tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", [VERSION_KEY, current.as_str()]).map_err(sql)?;
    tx.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", [DUE_KEY, rules.as_str()]).map_err(sql)?;
    tx.commit().map_err(sql)?;
    Ok(true)
}
