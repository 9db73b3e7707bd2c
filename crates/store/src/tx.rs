//! The write handle. Every insert, update and delete made through it is also written to the change
//! log, and [`Store::write`](crate::Store::write) adds the audit row before committing. There is no
//! other way to write case data.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use indsats_core::event::ProgressEvent;
use indsats_core::hlc::{Hlc, HlcTimestamp};
use rusqlite::Transaction;
use rusqlite::types::Value;

use crate::audit::{self, AuditEntry};
use crate::error::{Result, StoreError};
use crate::read::Reader;

/// The largest clock lead of another laptop accepted without a warning (sync reports it).
pub const MAX_CLOCK_DRIFT_MS: u64 = 60 * 60 * 1000;

pub struct Tx<'a> {
    pub(crate) tx: Transaction<'a>,
    device: i64,
    pub(crate) dir: &'a Path,
    seq: i64,
    hlc: Hlc,
    pub(crate) now: DateTime<Utc>,
    now_ms: u64,
    /// Participants added in this transaction, with every event they got in it: their facts are
    /// derived from memory at commit.
    facts_new: crate::facts::NewCases,
    /// Participants that existed before and got events: their facts are re-read at commit.
    facts_dirty: BTreeSet<String>,
}

impl<'a> Tx<'a> {
    pub(crate) fn begin(tx: Transaction<'a>, device: i64, dir: &'a Path, now: DateTime<Utc>) -> Result<Tx<'a>> {
        // Read the clock inside the transaction: another process may have written since we opened.
        let clock: String =
            tx.query_row("SELECT value FROM meta WHERE key = 'clock'", [], |r| r.get(0)).map_err(|e| StoreError::from_sqlite(dir, e))?;
        let (seq, hlc) = clock.split_once(' ').unwrap_or(("0", "0"));
        let seq = seq.parse().unwrap_or(0);
        let hlc = HlcTimestamp(hlc.parse().unwrap_or(0));
        Ok(Tx {
            tx,
            device,
            dir,
            seq,
            hlc: Hlc::new(hlc, MAX_CLOCK_DRIFT_MS),
            now,
            now_ms: u64::try_from(now.timestamp_millis()).unwrap_or(0),
            facts_new: BTreeMap::new(),
            facts_dirty: BTreeSet::new(),
        })
    }

    /// The time this transaction is written at.
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }

    /// Reads that see this transaction's own writes.
    pub fn read(&self) -> Reader<'_> {
        Reader::new(&self.tx, self.dir)
    }

    pub(crate) fn sql(&self, e: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(self.dir, e)
    }

    /// Inserts a row and logs it as one `insert` change holding the whole row.
    pub(crate) fn insert(&mut self, table: &'static str, id: &str, cols: &[(&'static str, Value)]) -> Result<()> {
        let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
        let marks: Vec<String> = (2..=cols.len() + 1).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {table} (id, {}) VALUES (?1, {})", names.join(", "), marks.join(", "));
        {
            let mut stmt = self.tx.prepare_cached(&sql).map_err(|e| self.sql(e))?;
            let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(cols.len() + 1);
            params.push(&id);
            for (_, v) in cols {
                params.push(v);
            }
            stmt.execute(params.as_slice()).map_err(|e| self.sql(e))?;
        }
        let row = row_json(cols.iter().map(|(n, v)| (*n, v)));
        self.log(table, id, "insert", None, Some(row), None)
    }

    /// Inserts many rows of one table, several per statement, each logged as an `insert` change
    /// exactly as [`Tx::insert`] would. For bulk loads (demo data, imports).
    pub(crate) fn insert_many(&mut self, table: &'static str, names: &[&'static str], rows: &[(String, Vec<Value>)]) -> Result<()> {
        const PER_STATEMENT: usize = 32;
        let width = names.len() + 1;
        let mut sql_for = SqlBySize::default();
        for chunk in rows.chunks(PER_STATEMENT) {
            let sql = sql_for.get(chunk.len(), |n| multi_insert_sql(table, names, n));
            let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(chunk.len() * width);
            for (id, values) in chunk {
                params.push(id);
                for v in values {
                    params.push(v);
                }
            }
            let mut stmt = self.tx.prepare_cached(sql).map_err(|e| StoreError::from_sqlite(self.dir, e))?;
            stmt.execute(params.as_slice()).map_err(|e| StoreError::from_sqlite(self.dir, e))?;
        }
        let mut changes = Vec::with_capacity(rows.len());
        for (id, values) in rows {
            let row = row_json(names.iter().copied().zip(values));
            self.seq += 1;
            let hlc = self.hlc.tick(self.now_ms);
            changes.push((self.seq, hlc.0 as i64, id.as_str(), row));
        }
        let mut sql_for = SqlBySize::default();
        for chunk in changes.chunks(PER_STATEMENT) {
            let sql = sql_for.get(chunk.len(), |n| {
                let marks: Vec<String> = (0..n)
                    .map(|i| {
                        let b = i * 4;
                        format!("((?1 << 40) + ?{}, ?1, ?{}, ?{}, '{table}', ?{}, 'insert', NULL, ?{})", b + 2, b + 2, b + 3, b + 4, b + 5)
                    })
                    .collect();
                format!("INSERT INTO change_log (key, device, seq, hlc, tbl, row_id, op, field, value) VALUES {}", marks.join(", "))
            });
            let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(1 + chunk.len() * 4);
            params.push(&self.device);
            for (seq, hlc, id, value) in chunk {
                params.push(seq);
                params.push(hlc);
                params.push(id);
                params.push(value);
            }
            let mut stmt = self.tx.prepare_cached(sql).map_err(|e| StoreError::from_sqlite(self.dir, e))?;
            stmt.execute(params.as_slice()).map_err(|e| StoreError::from_sqlite(self.dir, e))?;
        }
        Ok(())
    }

    /// Updates fields of one row and logs one `update` change per field whose value changed.
    /// Returns false when there is no such row.
    pub(crate) fn update(&mut self, table: &'static str, id: &str, cols: &[(&'static str, Value)]) -> Result<bool> {
        let sets: Vec<String> = cols.iter().enumerate().map(|(i, (n, _))| format!("{n} = ?{}", i + 2)).collect();
        let sql = format!("UPDATE {table} SET {} WHERE id = ?1", sets.join(", "));
        let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
        let select = format!("SELECT {} FROM {table} WHERE id = ?1", names.join(", "));
        let before: Option<Vec<Value>> = {
            let mut stmt = self.tx.prepare_cached(&select).map_err(|e| self.sql(e))?;
            let mut rows = stmt.query([id]).map_err(|e| self.sql(e))?;
            match rows.next().map_err(|e| self.sql(e))? {
                None => None,
                Some(r) => Some((0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<_>>().map_err(|e| self.sql(e))?),
            }
        };
        let Some(before) = before else {
            return Ok(false);
        };
        if table == "participant" {
            // The case's dates and caseworker are part of its facts row: read it again at commit
            // (a participant added in this transaction too: its row and events are in the
            // database by then).
            self.facts_new.remove(id);
            self.facts_dirty.insert(id.to_string());
        }
        {
            let mut stmt = self.tx.prepare_cached(&sql).map_err(|e| self.sql(e))?;
            let mut params: Vec<&dyn rusqlite::ToSql> = vec![&id];
            for (_, v) in cols {
                params.push(v);
            }
            stmt.execute(params.as_slice()).map_err(|e| self.sql(e))?;
        }
        let mut history = None;
        for ((name, value), old) in cols.iter().zip(before) {
            if *value != old {
                // The base: the write this edit replaces, so that a receiver can tell a sequential
                // edit from a concurrent one (docs/sync.md, "Merge").
                let h = match &history {
                    Some(h) => h,
                    None => history.insert(crate::merge::history(&self.tx, self.dir, table, id)?),
                };
                let base = crate::merge::field_latest(h, name).map(|(e, _)| (e.hlc, e.num));
                self.log(table, id, "update", Some(name), Some(to_json(value).to_string()), base)?;
            }
        }
        Ok(true)
    }

    /// Deletes a row and logs a tombstone whose base is the row's latest write. Returns false
    /// when there is no such row.
    pub(crate) fn delete(&mut self, table: &'static str, id: &str) -> Result<bool> {
        let n = self.tx.execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id]).map_err(|e| self.sql(e))?;
        if n == 0 {
            return Ok(false);
        }
        let h = crate::merge::history(&self.tx, self.dir, table, id)?;
        let base = crate::merge::row_latest(&h).map(|e| (e.hlc, e.num));
        self.log(table, id, "delete", None, None, base)?;
        Ok(true)
    }

    fn log(&mut self, table: &str, id: &str, op: &str, field: Option<&str>, value: Option<String>, base: Option<(u64, i64)>) -> Result<()> {
        self.seq += 1;
        let hlc = self.hlc.tick(self.now_ms);
        let mut stmt = self
            .tx
            .prepare_cached(
                "INSERT INTO change_log (key, device, seq, hlc, tbl, row_id, op, field, value, base_hlc, base_device)
                 VALUES ((?1 << 40) + ?2, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .map_err(|e| StoreError::from_sqlite(self.dir, e))?;
        let (base_hlc, base_device) = base.map_or((None, None), |(h, d)| (Some(h as i64), Some(d)));
        stmt.execute(rusqlite::params![self.device, self.seq, hlc.0 as i64, table, id, op, field, value, base_hlc, base_device])
            .map_err(|e| StoreError::from_sqlite(self.dir, e))?;
        Ok(())
    }

    /// The transaction, for the merge of other devices' changes.
    pub(crate) fn conn(&self) -> &Transaction<'a> {
        &self.tx
    }

    pub(crate) fn dir(&self) -> &Path {
        self.dir
    }

    /// Takes in another device's clock: later local changes are ordered after it. Returns how
    /// far it is ahead of our wall clock when that is beyond [`MAX_CLOCK_DRIFT_MS`].
    pub(crate) fn observe(&mut self, remote: HlcTimestamp) -> Option<u64> {
        self.hlc.observe(remote, self.now_ms).map(|s| s.ahead_by_millis)
    }

    /// A participant whose case or events changed: their facts are derived again at commit.
    pub(crate) fn case_changed(&mut self, participant: String) {
        self.facts_new.remove(&participant);
        self.facts_dirty.insert(participant);
    }

    /// A participant was inserted: their facts start empty and follow their events.
    pub(crate) fn participant_added(&mut self, p: &indsats_core::model::Participant) {
        self.facts_new.insert(p.id.to_string(), (crate::facts::NewCase::of(p), Vec::new()));
    }

    /// Events were written: their participants' facts are derived again at commit.
    pub(crate) fn events_added(&mut self, events: &[ProgressEvent]) {
        for e in events {
            let id = e.participant.to_string();
            match self.facts_new.get_mut(&id) {
                Some((_, list)) => list.push((e.date, e.details.clone())),
                None => {
                    self.facts_dirty.insert(id);
                }
            }
        }
    }

    /// Sets values of the sync state (`None` removes one) inside this write, so a change of the
    /// team or the target commits with its audit row or not at all. Not part of the change log.
    pub fn set_sync_state(&mut self, values: &[(&str, Option<&str>)]) -> Result<()> {
        for (key, value) in values {
            match value {
                Some(v) => self.tx.execute(
                    "INSERT INTO sync_state (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, v],
                ),
                None => self.tx.execute("DELETE FROM sync_state WHERE key = ?1", [key]),
            }
            .map_err(|e| StoreError::from_sqlite(self.dir, e))?;
        }
        Ok(())
    }

    /// Records who the store belongs to (replacing what was recorded), at this write's time.
    pub fn set_owner(&mut self, user: &str, role: &str, demo: bool) -> Result<()> {
        let at = self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.tx
            .execute(
                "INSERT INTO owner (id, user, role, demo, since) VALUES (1, ?1, ?2, ?3, ?4)
                 ON CONFLICT(id) DO UPDATE SET user = excluded.user, role = excluded.role, demo = excluded.demo, since = excluded.since",
                rusqlite::params![user, role, demo, at],
            )
            .map_err(|e| StoreError::from_sqlite(self.dir, e))?;
        Ok(())
    }

    /// Queues a management export file for the team's target (`name`: its path under the team's
    /// `exports/`). A name already queued keeps what it has (the same report queued twice is
    /// sent once); returns the queued file's id.
    pub fn queue_export(&mut self, name: &str, bytes: &[u8]) -> Result<i64> {
        let at = self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let sql = |e| StoreError::from_sqlite(self.dir, e);
        self.tx
            .execute("INSERT OR IGNORE INTO export_outbox (name, bytes, queued_at) VALUES (?1, ?2, ?3)", rusqlite::params![name, bytes, at])
            .map_err(sql)?;
        self.tx.query_row("SELECT id FROM export_outbox WHERE name = ?1", [name], |r| r.get(0)).map_err(sql)
    }

    /// Writes the derived facts, the audit row and the clock, then commits.
    pub(crate) fn finish(self, entry: &AuditEntry) -> Result<()> {
        if !self.facts_new.is_empty() || !self.facts_dirty.is_empty() {
            let stamp = crate::facts::next_stamp(&self.tx, self.dir)?;
            crate::facts::store_new(&self.tx, self.dir, &self.facts_new, stamp)?;
            for id in &self.facts_dirty {
                crate::facts::refresh(&self.tx, self.dir, id, stamp)?;
            }
        }
        audit::append(&self.tx, self.dir, self.now, entry)?;
        self.tx
            .execute("UPDATE meta SET value = ?1 WHERE key = 'clock'", [format!("{} {}", self.seq, self.hlc.last().0)])
            .map_err(|e| StoreError::from_sqlite(self.dir, e))?;
        self.tx.commit().map_err(|e| StoreError::from_sqlite(self.dir, e))
    }
}

/// The SQL of a multi-row statement, built once per row count.
#[derive(Default)]
struct SqlBySize(Vec<(usize, String)>);

impl SqlBySize {
    fn get(&mut self, n: usize, build: impl FnOnce(usize) -> String) -> &str {
        let i = match self.0.iter().position(|(k, _)| *k == n) {
            Some(i) => i,
            None => {
                self.0.push((n, build(n)));
                self.0.len() - 1
            }
        };
        &self.0[i].1
    }
}

/// A row as the change log holds it: a JSON object of its columns (not the id), written directly.
fn row_json<'v>(cols: impl Iterator<Item = (&'v str, &'v Value)>) -> String {
    let mut out = String::with_capacity(256);
    out.push('{');
    for (i, (name, v)) in cols.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('"');
        out.push_str(name);
        out.push_str("\":");
        match v {
            Value::Text(t) => json_string(&mut out, t),
            other => out.push_str(&to_json(other).to_string()),
        }
    }
    out.push('}');
    out
}

fn json_string(out: &mut String, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push('"');
        out.push_str(s);
        out.push('"');
    } else {
        out.push_str(&serde_json::Value::from(s).to_string());
    }
}

fn multi_insert_sql(table: &str, names: &[&str], rows: usize) -> String {
    let width = names.len() + 1;
    let tuples: Vec<String> =
        (0..rows).map(|r| format!("({})", (1..=width).map(|c| format!("?{}", r * width + c)).collect::<Vec<_>>().join(", "))).collect();
    format!("INSERT INTO {table} (id, {}) VALUES {}", names.join(", "), tuples.join(", "))
}

fn to_json(v: &Value) -> serde_json::Value {
    match v {
        Value::Null => serde_json::Value::Null,
        Value::Integer(i) => (*i).into(),
        Value::Real(f) => serde_json::Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number),
        Value::Text(t) => t.clone().into(),
        Value::Blob(b) => b.iter().map(|x| format!("{x:02x}")).collect::<String>().into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_json_is_the_json_of_the_row() {
        let cols = [
            ("a", Value::Text("plain".into())),
            ("b", Value::Text("quote \" back\\ nl\n æøå".into())),
            ("c", Value::Integer(-3)),
            ("d", Value::Real(1.5)),
            ("e", Value::Null),
        ];
        let text = row_json(cols.iter().map(|(n, v)| (*n, v)));
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, serde_json::json!({"a": "plain", "b": "quote \" back\\ nl\n æøå", "c": -3, "d": 1.5, "e": null}));
    }
}
