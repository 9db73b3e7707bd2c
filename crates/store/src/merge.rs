//! Merging other devices' changes into this store (docs/sync.md, "Merge").
//!
//! Every applied change goes into `change_log` under its own device and seq, so the log holds
//! every device's history and a field's current clock is the largest (HLC, device id) among the
//! log rows that wrote it (an `insert` writes every field of its row). A change is recorded in
//! the log whether or not it wins, so every replica that has seen the same changes holds the
//! same values, whatever order they came in:
//!
//! - **update** (one field): applied when its clock is later than the field's; otherwise only
//!   recorded.
//! - **insert**: a new row; when the row is already there (two laptops writing the same
//!   deterministic id, e.g. an indicator's target for a year), field by field as updates. Later
//!   writes that arrived before the insert (from a device that saw it earlier) are laid over it.
//! - **delete**: a tombstone. The row goes, and later inserts or edits of it are only recorded:
//!   a delete always wins.
//!
//! A **conflict** is a local edit that lost to a concurrent one: the remote change's `base` (the
//! write it replaced where it was made) is not the local write it overwrites. Sequential edits
//! (the other person saw ours and changed it) are not conflicts. An edit that a concurrent
//! delete removes is always one. Two laptops registering the same CPR: the earlier registration
//! keeps the CPR on every replica, and the local one goes to the inbox. The inbox is local.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use indsats_core::hlc::HlcTimestamp;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use crate::error::{Result, StoreError};
use crate::tx::Tx;

/// The tables and columns sync carries (besides `id`). A change naming anything else is
/// refused; a test checks this against the schema.
pub(crate) const SYNCED: &[(&str, &[&str])] = &[
    ("strategy", &["key", "municipality", "title", "vision", "period_start", "period_end"]),
    ("goal", &["strategy_id", "key", "position", "title", "title_en", "description"]),
    (
        "indicator",
        &["goal_id", "key", "name", "name_en", "definition", "unit", "direction", "measure", "baseline", "baseline_year", "source"],
    ),
    ("indicator_target", &["indicator_id", "year", "value", "illustrative"]),
    ("initiative", &["title", "kind", "owner", "start_date", "end_date", "capacity", "status", "description"]),
    ("initiative_goal", &["initiative_id", "goal_id", "contribution"]),
    (
        "participant",
        &[
            "pseudonym",
            "name",
            "cpr",
            "birth_year",
            "origin",
            "arrival_date",
            "programme",
            "programme_start",
            "programme_end",
            "caseworker",
            "case_closed",
        ],
    ),
    ("enrolment", &["participant_id", "initiative_id", "start_date", "end_date", "outcome"]),
    ("progress_event", &["participant_id", "date", "type", "details", "recorded_by", "recorded_at"]),
    ("manual_value", &["indicator_id", "period", "value", "note", "entered_by", "entered_at"]),
    ("correction", &["participant_id", "target", "target_id", "kind", "changes", "reason", "made_by", "made_at"]),
    ("note", &["participant_id", "event_id", "replaces", "text", "written_by", "written_at"]),
];

/// The tables whose rows belong to one case through their `participant_id`: written by the
/// case's caseworkers and the leads, sent only to them (docs/sync.md, "Write authority").
pub(crate) const CASE_TABLES: &[&str] = &["enrolment", "progress_event", "correction", "note"];

/// `table`'s static name when it is one of [`CASE_TABLES`].
pub(crate) fn case_table(table: &str) -> Option<&'static str> {
    CASE_TABLES.iter().find(|t| **t == table).copied()
}

/// The tables that decide the strategy's picture: only a team lead's device writes them.
const LEAD_TABLES: &[&str] = &["strategy", "goal", "indicator", "indicator_target", "manual_value"];

/// How far ahead of this laptop's clock a change's clock may be. Beyond it the change is
/// refused: a laptop whose clock is months ahead would otherwise win every edit for months.
pub const MAX_CLOCK_AHEAD_MS: u64 = 30 * 24 * 3600 * 1000;

/// What the team's roster lets the sending device write (docs/sync.md, "Write authority"). The
/// store knows no roles: sync decides this from the roster and the store holds each change to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Authority {
    /// A team lead's (or admin's) device: every row.
    Lead,
    /// A member's device: initiatives and their goal links, and the cases of `user` (a case it
    /// registers for `user`, and a case whose caseworker is or was `user`, so that edits made
    /// offline before a handover still land).
    Member { user: String },
}

/// What [`Tx::authorise`] decided about one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Decision {
    Apply,
    /// A copy of a strategy row already here: skipped.
    Known,
}

/// A synced table's static name and columns.
pub(crate) fn synced(table: &str) -> Option<(&'static str, &'static [&'static str])> {
    SYNCED.iter().find(|(t, _)| *t == table).copied()
}

/// One change of another device, as its bundle carries it: the same shape as a row of this
/// device's own log.
pub type RemoteChange = crate::read::ChangeRow;

/// A change made on a third device that a bundle carries along (docs/sync.md, "Handing a case
/// over"): a handed-over case's history, which the new caseworker's laptop never read because
/// it was sealed to the old caseload. It is vouched for by the signature of the bundle that
/// carries it, recorded under its own device and seq with its own clock, and does not move that
/// device's chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CarriedChange {
    /// The device that made it.
    pub device: String,
    pub change: RemoteChange,
}

/// The authority carried changes are merged with once the whole set has been checked against
/// the carrying device's ([`Tx::check_carried`]).
static CHECKED: Authority = Authority::Lead;

/// What one merge did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MergeReport {
    /// Changes recorded.
    pub changes: u64,
    /// Changes that won and changed a row.
    pub applied: u64,
    /// New entries in the conflicts inbox.
    pub conflicts: u64,
    /// How far the device's clock was ahead of ours, when beyond the allowed drift.
    pub skew_ms: Option<u64>,
}

/// What a conflict is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConflictKind {
    /// Two concurrent values of one field; ours lost.
    Field,
    /// Our edit of a row that another laptop deleted at the same time.
    Deleted,
    /// Our participant and another laptop's have the same CPR number; the earlier registration
    /// keeps it.
    DuplicateCpr,
}

impl ConflictKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Field => "field",
            Self::Deleted => "deleted",
            Self::DuplicateCpr => "duplicate_cpr",
        }
    }
    fn parse(s: &str) -> Self {
        match s {
            "deleted" => Self::Deleted,
            "duplicate_cpr" => Self::DuplicateCpr,
            _ => Self::Field,
        }
    }
}

/// An entry of the conflicts inbox.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictRow {
    pub id: i64,
    pub kind: ConflictKind,
    pub table: String,
    pub row_id: String,
    pub field: Option<String>,
    /// Our value (JSON text); for a deleted row, the row as it was.
    pub mine: Option<String>,
    pub mine_at: DateTime<Utc>,
    /// The value that won (JSON text); `None` when the row was deleted.
    pub theirs: Option<String>,
    pub theirs_at: DateTime<Utc>,
    pub theirs_device: String,
    pub found_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

/// How a person settles a conflict.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolution {
    /// Write our value again (a new edit, after theirs: it wins everywhere).
    Mine,
    /// Keep what won.
    Theirs,
    /// Write a new value (JSON text).
    Edited(String),
}

/// One write in a row's history.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub hlc: u64,
    pub device: String,
    pub num: i64,
    pub op: String,
    pub field: Option<String>,
    pub value: Option<String>,
}

impl Entry {
    fn clock(&self) -> (u64, &str) {
        (self.hlc, &self.device)
    }
}

/// Every logged write of a row, from any device.
pub(crate) fn history(conn: &Connection, dir: &std::path::Path, table: &str, row: &str) -> Result<Vec<Entry>> {
    let sql = |e| StoreError::from_sqlite(dir, e);
    let mut stmt = conn
        .prepare_cached(
            "SELECT c.hlc, d.id, c.device, c.op, c.field, c.value FROM change_log c JOIN device d ON d.num = c.device
             WHERE c.tbl = ?1 AND c.row_id = ?2",
        )
        .map_err(sql)?;
    let rows = stmt
        .query_map([table, row], |r| {
            Ok(Entry {
                hlc: u64::try_from(r.get::<_, i64>(0)?).unwrap_or(0),
                device: r.get(1)?,
                num: r.get(2)?,
                op: r.get(3)?,
                field: r.get(4)?,
                value: r.get(5)?,
            })
        })
        .map_err(sql)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
}

/// The latest write of `field` in a history, with the value it wrote.
pub(crate) fn field_latest<'h>(history: &'h [Entry], field: &str) -> Option<(&'h Entry, serde_json::Value)> {
    let mut best: Option<(&Entry, serde_json::Value)> = None;
    for e in history {
        if best.as_ref().is_some_and(|(b, _)| b.clock() >= e.clock()) {
            continue;
        }
        let value = match (e.op.as_str(), e.field.as_deref()) {
            ("update", Some(f)) if f == field => e.value.as_deref().and_then(|v| serde_json::from_str(v).ok()),
            ("insert", _) => e
                .value
                .as_deref()
                .and_then(|v| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).ok())
                .and_then(|mut m| m.remove(field)),
            _ => None,
        };
        if let Some(v) = value {
            best = Some((e, v));
        }
    }
    best
}

/// The latest write of a row, whatever it wrote.
pub(crate) fn row_latest(history: &[Entry]) -> Option<&Entry> {
    history.iter().max_by(|a, b| a.clock().cmp(&b.clock()))
}

fn is_deleted(history: &[Entry]) -> bool {
    history.iter().any(|e| e.op == "delete")
}

fn sql_value(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Integer(i64::from(*b)),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Integer(i),
            None => Value::Real(n.as_f64()?),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        _ => return None,
    })
}

fn millis_to_time(hlc: u64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(i64::try_from(HlcTimestamp(hlc).millis()).unwrap_or(0)).unwrap_or_default()
}

/// The state of one merge: the device it is from and the local numbers of the devices named.
struct Merge<'m> {
    device: &'m str,
    own: String,
    nums: HashMap<String, i64>,
    report: MergeReport,
    authority: &'m Authority,
    /// Every caseworker a participant's case has had, per participant, as far as checked.
    owners: HashMap<String, Vec<String>>,
    /// Whether the changes are carried ones (of `device`, in another device's bundle).
    carried: bool,
}

impl Tx<'_> {
    /// Records and applies a contiguous run of another device's changes (one bundle), checked to
    /// follow the last one applied from it, after the changes of other devices it carries (a
    /// handed-over case's history). All or nothing: on any error nothing is changed.
    pub(crate) fn merge(
        &mut self,
        device: &str,
        bundle: &str,
        changes: &[RemoteChange],
        carried: &[CarriedChange],
        authority: &Authority,
    ) -> Result<MergeReport> {
        let own: String =
            self.conn().query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| r.get(0)).map_err(|e| self.sql(e))?;
        let bad = |detail: String| StoreError::BadChange { device: device.to_string(), detail };
        if device == own {
            return Err(bad("the changes are this laptop's own".into()));
        }
        let applied: u64 = self
            .conn()
            .query_row("SELECT applied_to FROM sync_peer WHERE device = ?1", [device], |r| r.get::<_, i64>(0))
            .optional()
            .map_err(|e| self.sql(e))?
            .map_or(0, |n| u64::try_from(n).unwrap_or(0));
        let Some(first) = changes.first() else {
            return Ok(MergeReport::default());
        };
        if first.seq != applied + 1 {
            return Err(StoreError::OutOfOrder { device: device.to_string(), applied, from: first.seq });
        }
        let mut m =
            Merge { device, own, nums: HashMap::new(), report: MergeReport::default(), authority, owners: HashMap::new(), carried: false };
        self.merge_carried(&mut m, first.seq, carried)?;
        let num = self.device_number(&mut m, device)?;
        for (i, c) in changes.iter().enumerate() {
            if c.seq != applied + 1 + i as u64 {
                return Err(bad(format!("change {} follows change {}", c.seq, applied + i as u64)));
            }
            self.merge_one(&mut m, num, c)?;
        }
        let last = changes.last().map_or(applied, |c| c.seq);
        let now = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.conn()
            .execute(
                "INSERT INTO sync_peer (device, applied_to, bundle, applied_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT(device) DO UPDATE SET applied_to = excluded.applied_to, bundle = excluded.bundle, applied_at = excluded.applied_at",
                rusqlite::params![device, last as i64, bundle, now],
            )
            .map_err(|e| self.sql(e))?;
        Ok(m.report)
    }

    /// The changes of other devices a bundle carries, before its own (`from` is its first seq):
    /// checked as a set against the sending device's authority, then each merged as its own
    /// device's. This laptop's own changes are skipped: it has them.
    fn merge_carried(&mut self, m: &mut Merge<'_>, from: u64, carried: &[CarriedChange]) -> Result<()> {
        if carried.is_empty() {
            return Ok(());
        }
        self.check_carried(m, from, carried)?;
        for c in carried.iter().filter(|c| c.device != m.own) {
            let mut sub = Merge {
                device: &c.device,
                own: m.own.clone(),
                nums: std::mem::take(&mut m.nums),
                report: MergeReport::default(),
                authority: &CHECKED,
                owners: HashMap::new(),
                carried: true,
            };
            let num = self.device_number(&mut sub, &c.device)?;
            let out = self.merge_one(&mut sub, num, &c.change);
            m.nums = sub.nums;
            // A carried change that cannot be taken refuses the carrying device's bundle: its
            // chain waits, never the chain of the device the change names.
            out.map_err(|e| match e {
                StoreError::BadChange { detail, .. } => StoreError::BadChange { device: m.device.to_string(), detail },
                StoreError::NotAuthorised { detail, .. } => StoreError::NotAuthorised { device: m.device.to_string(), detail },
                e => e,
            })?;
            m.report.changes += sub.report.changes;
            m.report.applied += sub.report.applied;
            m.report.conflicts += sub.report.conflicts;
            m.report.skew_ms = match (m.report.skew_ms, sub.report.skew_ms) {
                (Some(a), Some(b)) => Some(a.max(b)),
                (a, b) => a.or(b),
            };
        }
        Ok(())
    }

    /// Carried changes must be a case's history (the participant and its records), each of a
    /// case the sending device may write (a lead's: any; a member's: a case whose caseworker is
    /// or was its user, counting the carried writes of its caseworker), and not of the sender's
    /// own chain from `from` on.
    fn check_carried(&self, m: &Merge<'_>, from: u64, carried: &[CarriedChange]) -> Result<()> {
        let refuse = |detail: String| Err(StoreError::NotAuthorised { device: m.device.to_string(), detail });
        let row_of =
            |c: &RemoteChange| c.value.as_deref().and_then(|v| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).ok());
        // Each carried record's case, from its insert (carried or here).
        let mut case_of_row: HashMap<(&str, &str), String> = HashMap::new();
        for c in carried {
            let ch = &c.change;
            if c.device.is_empty() || c.device.len() > 200 {
                return Err(StoreError::BadChange {
                    device: m.device.to_string(),
                    detail: format!("carried change {} names no device", ch.seq),
                });
            }
            if c.device == m.device && ch.seq >= from {
                return Err(StoreError::BadChange {
                    device: m.device.to_string(),
                    detail: format!("carried change {} is of the bundle's own chain", ch.seq),
                });
            }
            if ch.op == "insert"
                && case_table(&ch.table).is_some()
                && let Some(p) = row_of(ch).and_then(|r| r.get("participant_id").and_then(|v| v.as_str()).map(str::to_string))
            {
                case_of_row.insert((ch.table.as_str(), ch.row_id.as_str()), p);
            }
        }
        let mut cases: HashMap<String, Vec<Entry>> = HashMap::new();
        for c in carried {
            let ch = &c.change;
            let participant = if ch.table == "participant" {
                ch.row_id.clone()
            } else if case_table(&ch.table).is_some() {
                let known = case_of_row.get(&(ch.table.as_str(), ch.row_id.as_str())).cloned();
                let here = || -> Result<Option<String>> {
                    Ok(history(self.conn(), self.dir(), case_table(&ch.table).unwrap_or_default(), &ch.row_id)?
                        .iter()
                        .filter(|e| e.op == "insert")
                        .find_map(|e| {
                            e.value
                                .as_deref()
                                .and_then(|v| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).ok())
                                .and_then(|row| row.get("participant_id").and_then(|v| v.as_str()).map(str::to_string))
                        }))
                };
                match known.map_or_else(here, |p| Ok(Some(p)))? {
                    Some(p) => p,
                    None => {
                        return refuse(format!("carried change {} of {} writes {} of a case not known here", ch.seq, c.device, ch.table));
                    }
                }
            } else {
                return refuse(format!("carried change {} of {} writes {}, which is not a case's record", ch.seq, c.device, ch.table));
            };
            let entries = cases.entry(participant).or_default();
            if ch.table == "participant" {
                entries.push(Entry {
                    hlc: ch.hlc,
                    device: c.device.clone(),
                    num: 0,
                    op: ch.op.clone(),
                    field: ch.field.clone(),
                    value: ch.value.clone(),
                });
            }
        }
        let Authority::Member { user } = m.authority else { return Ok(()) };
        for (participant, mut entries) in cases {
            entries.extend(history(self.conn(), self.dir(), "participant", &participant)?);
            if !owners_of(&entries).iter().any(|o| o == user) {
                return refuse(format!("it carries the history of a case that {user} has never been the caseworker of"));
            }
        }
        Ok(())
    }

    /// A change already recorded under the same device and seq: `Some(true)` when it is the
    /// same, `Some(false)` when it differs, `None` when none is.
    fn recorded(&self, num: i64, c: &RemoteChange) -> Result<Option<bool>> {
        self.conn()
            .prepare_cached("SELECT hlc, tbl, row_id, op, field, value FROM change_log WHERE key = (?1 << 40) + ?2")
            .and_then(|mut s| {
                s.query_row(rusqlite::params![num, c.seq as i64], |r| {
                    Ok(u64::try_from(r.get::<_, i64>(0)?).ok() == Some(c.hlc)
                        && r.get::<_, String>(1)? == c.table
                        && r.get::<_, String>(2)? == c.row_id
                        && r.get::<_, String>(3)? == c.op
                        && r.get::<_, Option<String>>(4)? == c.field
                        && r.get::<_, Option<String>>(5)? == c.value)
                })
                .optional()
            })
            .map_err(|e| self.sql(e))
    }

    /// A row made again from its history, after a carried change that was not what its device
    /// wrote has been replaced by the device's own: each field's latest write, or no row when
    /// the history deletes it or holds no insert.
    fn rederive(&mut self, table: &'static str, cols: &'static [&'static str], id: &str) -> Result<()> {
        let h = history(self.conn(), self.dir(), table, id)?;
        if is_deleted(&h) || !h.iter().any(|e| e.op == "insert") {
            self.conn().execute(&format!("DELETE FROM {table} WHERE id = ?1"), [id]).map_err(|e| self.sql(e))?;
            self.case_of(table, id, None)?;
            return Ok(());
        }
        let mut names = Vec::with_capacity(cols.len());
        let mut values = vec![Value::Text(id.to_string())];
        for field in cols {
            if let Some((_, v)) = field_latest(&h, field)
                && let Some(v) = sql_value(&v)
            {
                names.push(*field);
                values.push(v);
            }
        }
        let marks: Vec<String> = (2..=values.len()).map(|i| format!("?{i}")).collect();
        let sets: Vec<String> = names.iter().map(|n| format!("{n} = excluded.{n}")).collect();
        let sql = format!(
            "INSERT INTO {table} (id, {}) VALUES (?1, {}) ON CONFLICT(id) DO UPDATE SET {}",
            names.join(", "),
            marks.join(", "),
            sets.join(", ")
        );
        self.conn().execute(&sql, rusqlite::params_from_iter(values.iter())).map_err(|e| self.sql(e))?;
        self.case_of(table, id, None)?;
        Ok(())
    }

    fn device_number(&self, m: &mut Merge<'_>, id: &str) -> Result<i64> {
        if let Some(n) = m.nums.get(id) {
            return Ok(*n);
        }
        let sql = |e| StoreError::from_sqlite(self.dir(), e);
        self.conn().execute("INSERT INTO device (id) VALUES (?1) ON CONFLICT(id) DO NOTHING", [id]).map_err(sql)?;
        let n: i64 = self.conn().query_row("SELECT num FROM device WHERE id = ?1", [id], |r| r.get(0)).map_err(sql)?;
        m.nums.insert(id.to_string(), n);
        Ok(n)
    }

    fn merge_one(&mut self, m: &mut Merge<'_>, num: i64, c: &RemoteChange) -> Result<()> {
        let bad = |detail: String| StoreError::BadChange { device: m.device.to_string(), detail };
        let Some((table, cols)) = synced(&c.table) else {
            return Err(bad(format!("change {} names the unknown table {:?}", c.seq, c.table)));
        };
        if !matches!(c.op.as_str(), "insert" | "update" | "delete") {
            return Err(bad(format!("change {} has the unknown op {:?}", c.seq, c.op)));
        }
        let ahead = HlcTimestamp(c.hlc).millis().saturating_sub(u64::try_from(self.now().timestamp_millis()).unwrap_or(0));
        if i64::try_from(c.hlc).is_err() || ahead > MAX_CLOCK_AHEAD_MS {
            return Err(bad(format!("change {} is dated {} days ahead of this laptop's clock", c.seq, ahead / (24 * 3600 * 1000))));
        }
        if let Some(skew) = self.observe(HlcTimestamp(c.hlc)) {
            m.report.skew_ms = Some(m.report.skew_ms.map_or(skew, |s| s.max(skew)));
        }
        let history = history(self.conn(), self.dir(), table, &c.row_id)?;
        // An insert's row, read once for the authority check and the write.
        let row = if c.op == "insert" {
            c.value.as_deref().and_then(|v| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).ok())
        } else {
            None
        };
        if self.authorise(m, c, table, &history, row.as_ref())? == Decision::Known {
            // The shared strategy as every laptop loads it at set-up: nothing new, and not a
            // write that may win over a lead's later edit.
            m.report.changes += 1;
            return Ok(());
        }
        if table == "participant" {
            // Its caseworker may change now: check the case's owners afresh next time.
            m.owners.remove(&c.row_id);
        }
        // Already recorded: carried here by another device (a handover), or carried again.
        let mut replaced = None;
        match self.recorded(num, c)? {
            Some(true) => return Ok(()),
            Some(false) if m.carried => {
                return Err(bad(format!("carried change {} of {} differs from the one this laptop has from that device", c.seq, m.device)));
            }
            Some(false) => {
                // What another device carried was not what this one wrote: its own signed chain
                // wins, and the row the carried copy wrote is made again from its history.
                let (tbl, row): (String, String) = self
                    .conn()
                    .query_row(
                        "SELECT tbl, row_id FROM change_log WHERE key = (?1 << 40) + ?2",
                        rusqlite::params![num, c.seq as i64],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .map_err(|e| self.sql(e))?;
                self.conn()
                    .execute("DELETE FROM change_log WHERE key = (?1 << 40) + ?2", rusqlite::params![num, c.seq as i64])
                    .map_err(|e| self.sql(e))?;
                replaced = synced(&tbl).map(|(t, cols)| (t, cols, row));
            }
            None => {}
        }
        if let Some((t, cols, row)) = &replaced {
            self.rederive(t, cols, row)?;
        }
        let history = if replaced.is_some() { self::history(self.conn(), self.dir(), table, &c.row_id)? } else { history };
        let base_num = match &c.base {
            Some((_, d)) => Some(self.device_number(m, d)?),
            None => None,
        };
        self.conn()
            .prepare_cached(
                "INSERT INTO change_log (key, device, seq, hlc, tbl, row_id, op, field, value, base_hlc, base_device)
                 VALUES ((?1 << 40) + ?2, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    num,
                    c.seq as i64,
                    c.hlc as i64,
                    table,
                    c.row_id,
                    c.op,
                    c.field,
                    c.value,
                    c.base.as_ref().map(|(h, _)| *h as i64),
                    base_num
                ])
            })
            .map_err(|e| self.sql(e))?;
        m.report.changes += 1;
        let clock = (c.hlc, m.device);
        match c.op.as_str() {
            "insert" => {
                let Some(row) = row else {
                    return Err(bad(format!("change {} inserts no row", c.seq)));
                };
                if let Some(k) = row.keys().find(|k| !cols.contains(&k.as_str())) {
                    return Err(bad(format!("change {} names the unknown field {table}.{k}", c.seq)));
                }
                if is_deleted(&history) {
                    return Ok(());
                }
                // Every row got here through the change log: a row with no history is not here.
                if !history.is_empty() && self.row_exists(table, &c.row_id)? {
                    for (field, value) in &row {
                        let field = cols.iter().copied().find(|f| f == field).unwrap_or_default();
                        self.merge_field(m, table, &c.row_id, field, value, clock, None, &history)?;
                    }
                } else {
                    self.insert_remote(m, table, cols, &c.row_id, row, clock, &history)?;
                }
            }
            "update" => {
                let field = c.field.as_deref().and_then(|f| cols.iter().copied().find(|x| *x == f));
                let Some(field) = field else {
                    return Err(bad(format!("change {} updates the unknown field {table}.{}", c.seq, c.field.as_deref().unwrap_or("?"))));
                };
                let Some(value) = c.value.as_deref().and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok()) else {
                    return Err(bad(format!("change {} has no value", c.seq)));
                };
                if is_deleted(&history) || !self.row_exists(table, &c.row_id)? {
                    // Recorded: a delete wins, and a row not here yet gets this on its insert.
                    return Ok(());
                }
                let base = c.base.as_ref().map(|(h, d)| (*h, d.as_str()));
                self.merge_field(m, table, &c.row_id, field, &value, clock, base, &history)?;
            }
            "delete" => {
                if !self.row_exists(table, &c.row_id)? {
                    return Ok(());
                }
                if let Some(latest) = row_latest(&history)
                    && latest.device == m.own
                    && c.base.as_ref().map(|(h, d)| (*h, d.as_str())) != Some(latest.clock())
                {
                    let mine = self.row_as_json(table, cols, &c.row_id)?;
                    self.add_conflict(ConflictKind::Deleted, table, &c.row_id, None, Some(&mine), latest.hlc, None, c.hlc, m.device)?;
                    m.report.conflicts += 1;
                }
                self.case_of(table, &c.row_id, None)?;
                self.conn().execute(&format!("DELETE FROM {table} WHERE id = ?1"), [&c.row_id]).map_err(|e| self.sql(e))?;
                m.report.applied += 1;
            }
            other => return Err(bad(format!("change {} has the unknown op {other:?}", c.seq))),
        }
        Ok(())
    }

    /// Refuses a change the sending device has no authority for ([`Authority`]). A member's
    /// insert of a strategy row that is already here with the same content (the strategy every
    /// laptop loads at set-up, with the same named ids) is [`Decision::Known`]: skipped, not
    /// refused.
    fn authorise(
        &self,
        m: &mut Merge<'_>,
        c: &RemoteChange,
        table: &str,
        history: &[Entry],
        row: Option<&serde_json::Map<String, serde_json::Value>>,
    ) -> Result<Decision> {
        let Authority::Member { user } = m.authority else { return Ok(Decision::Apply) };
        let refuse = |what: String| Err(StoreError::NotAuthorised { device: m.device.to_string(), detail: what });
        let inserted = |field: &str| -> Option<String> { row.and_then(|row| row.get(field).and_then(|v| v.as_str()).map(str::to_string)) };
        let parse = |v: Option<&str>| v.and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok());
        match table {
            "initiative" | "initiative_goal" => Ok(Decision::Apply),
            t if LEAD_TABLES.contains(&t) => {
                let known = c.op == "insert"
                    && parse(c.value.as_deref())
                        .is_some_and(|v| history.iter().any(|e| e.op == "insert" && parse(e.value.as_deref()) == Some(v.clone())));
                if known {
                    Ok(Decision::Known)
                } else {
                    refuse(format!("change {} writes {t}, which only a team lead's computer may", c.seq))
                }
            }
            "participant" => {
                // The row's own history, already read: no second read.
                let owners = owners_of(history);
                let new_case_of_own = owners.is_empty() && inserted("caseworker").as_deref() == Some(user.as_str());
                if owners.iter().any(|o| o == user) || new_case_of_own {
                    Ok(Decision::Apply)
                } else {
                    refuse(format!("change {} writes a case of another caseworker's caseload", c.seq))
                }
            }
            t if CASE_TABLES.contains(&t) => {
                if c.op == "update" && c.field.as_deref() == Some("participant_id") {
                    // A record is removed from the wrong case and logged on the right one; moving
                    // it would let a caseworker write into a colleague's case.
                    return refuse(format!("change {} moves {t} to another case", c.seq));
                }
                let participant = match inserted("participant_id") {
                    Some(p) => Some(p),
                    None => history.iter().filter(|e| e.op == "insert").find_map(|e| {
                        e.value
                            .as_deref()
                            .and_then(|v| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).ok())
                            .and_then(|row| row.get("participant_id").and_then(|v| v.as_str()).map(str::to_string))
                    }),
                };
                let Some(participant) = participant else {
                    return refuse(format!("change {} writes {table} of a case not known here", c.seq));
                };
                if self.case_owners(m, &participant)?.iter().any(|o| o == user) {
                    Ok(Decision::Apply)
                } else {
                    refuse(format!("change {} writes {table} of a case of another caseworker's caseload", c.seq))
                }
            }
            t => refuse(format!("change {} writes {t}", c.seq)),
        }
    }

    /// Every caseworker a participant's case has had, from its logged writes.
    fn case_owners(&self, m: &mut Merge<'_>, participant: &str) -> Result<Vec<String>> {
        if let Some(o) = m.owners.get(participant) {
            return Ok(o.clone());
        }
        let owners = owners_of(&history(self.conn(), self.dir(), "participant", participant)?);
        m.owners.insert(participant.to_string(), owners.clone());
        Ok(owners)
    }

    fn row_exists(&self, table: &str, id: &str) -> Result<bool> {
        self.conn()
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))
            .and_then(|mut s| s.exists([id]))
            .map_err(|e| self.sql(e))
    }

    fn row_as_json(&self, table: &str, cols: &[&str], id: &str) -> Result<String> {
        let pairs: Vec<String> = cols.iter().map(|c| format!("'{c}', {c}")).collect();
        self.conn()
            .query_row(&format!("SELECT json_object({}) FROM {table} WHERE id = ?1", pairs.join(", ")), [id], |r| r.get(0))
            .map_err(|e| self.sql(e))
    }

    /// Marks the participant a row belongs to for a facts refresh (their case or events changed).
    fn case_of(&mut self, table: &str, id: &str, inserted: Option<&serde_json::Map<String, serde_json::Value>>) -> Result<()> {
        let participant = match table {
            "participant" => Some(id.to_string()),
            "progress_event" => match inserted {
                Some(row) => row.get("participant_id").and_then(|v| v.as_str()).map(str::to_string),
                None => self
                    .conn()
                    .query_row("SELECT participant_id FROM progress_event WHERE id = ?1", [id], |r| r.get(0))
                    .optional()
                    .map_err(|e| self.sql(e))?,
            },
            _ => None,
        };
        if let Some(p) = participant {
            self.case_changed(p);
        }
        Ok(())
    }

    /// One field of an existing row: last writer wins; a local value that loses to a concurrent
    /// write goes to the inbox.
    #[allow(clippy::too_many_arguments)]
    fn merge_field(
        &mut self,
        m: &mut Merge<'_>,
        table: &'static str,
        id: &str,
        field: &'static str,
        value: &serde_json::Value,
        clock: (u64, &str),
        base: Option<(u64, &str)>,
        history: &[Entry],
    ) -> Result<()> {
        let current = field_latest(history, field);
        if let Some((e, _)) = &current
            && e.clock() >= clock
        {
            return Ok(());
        }
        let Some(v) = sql_value(value) else {
            return Err(StoreError::BadChange {
                device: m.device.to_string(),
                detail: format!("{table}.{field} has a value of no column type"),
            });
        };
        if let Some((e, mine)) = &current
            && e.device == m.own
            && base != Some(e.clock())
            && mine != value
        {
            self.add_conflict(
                ConflictKind::Field,
                table,
                id,
                Some(field),
                Some(&mine.to_string()),
                e.hlc,
                Some(&value.to_string()),
                clock.0,
                m.device,
            )?;
            m.report.conflicts += 1;
        }
        self.conn()
            .prepare_cached(&format!("UPDATE {table} SET {field} = ?2 WHERE id = ?1"))
            .and_then(|mut s| s.execute(rusqlite::params![id, v]))
            .map_err(|e| self.sql(e))?;
        self.case_of(table, id, None)?;
        m.report.applied += 1;
        Ok(())
    }

    /// A row that is not here yet, with any later writes of its fields laid over it.
    #[allow(clippy::too_many_arguments)]
    fn insert_remote(
        &mut self,
        m: &mut Merge<'_>,
        table: &'static str,
        cols: &[&'static str],
        id: &str,
        mut row: serde_json::Map<String, serde_json::Value>,
        clock: (u64, &str),
        history: &[Entry],
    ) -> Result<()> {
        for field in cols {
            if let Some((e, v)) = field_latest(history, field)
                && e.clock() > clock
            {
                row.insert((*field).to_string(), v);
            }
        }
        if table == "participant"
            && let Some(cpr) = row.get("cpr").and_then(|v| v.as_str()).map(str::to_string)
            && !self.cpr_free(m, id, &cpr, clock, &row)?
        {
            row.insert("cpr".into(), serde_json::Value::Null);
        }
        let mut names = Vec::with_capacity(cols.len());
        let mut values = Vec::with_capacity(cols.len() + 1);
        values.push(Value::Text(id.to_string()));
        for field in cols {
            if let Some(v) = row.get(*field) {
                let Some(v) = sql_value(v) else {
                    return Err(StoreError::BadChange {
                        device: m.device.to_string(),
                        detail: format!("{table}.{field} has a value of no column type"),
                    });
                };
                names.push(*field);
                values.push(v);
            }
        }
        let marks: Vec<String> = (2..=values.len()).map(|i| format!("?{i}")).collect();
        let sql = format!("INSERT INTO {table} (id, {}) VALUES (?1, {})", names.join(", "), marks.join(", "));
        self.conn().prepare_cached(&sql).and_then(|mut s| s.execute(rusqlite::params_from_iter(values.iter()))).map_err(|e| match e {
            rusqlite::Error::SqliteFailure(f, ref msg) if f.code == rusqlite::ErrorCode::ConstraintViolation => StoreError::BadChange {
                device: m.device.to_string(),
                detail: format!("{table} {id}: {}", msg.as_deref().unwrap_or("a uniqueness rule")),
            },
            e => self.sql(e),
        })?;
        self.case_of(table, id, Some(&row))?;
        m.report.applied += 1;
        Ok(())
    }

    /// Whether an incoming participant may keep its CPR number: yes unless another participant
    /// here has it and was registered earlier. When ours was later, ours gives it up. Either way
    /// a local participant involved goes to the inbox.
    fn cpr_free(
        &mut self,
        m: &mut Merge<'_>,
        id: &str,
        cpr: &str,
        clock: (u64, &str),
        row: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<bool> {
        let other: Option<(String, String)> = self
            .conn()
            .query_row("SELECT id, pseudonym FROM participant WHERE cpr = ?1 AND id <> ?2", [cpr, id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.sql(e))?;
        let Some((other, pseudonym)) = other else {
            return Ok(true);
        };
        let other_history = history(self.conn(), self.dir(), "participant", &other)?;
        let Some(registered) = other_history.iter().filter(|e| e.op == "insert").max_by(|a, b| a.clock().cmp(&b.clock())) else {
            return Ok(true);
        };
        let theirs_pseudonym = row.get("pseudonym").cloned().unwrap_or_default();
        if registered.device == m.own {
            let mine = serde_json::Value::from(pseudonym).to_string();
            self.add_conflict(
                ConflictKind::DuplicateCpr,
                "participant",
                &other,
                Some("cpr"),
                Some(&mine),
                registered.hlc,
                Some(&theirs_pseudonym.to_string()),
                clock.0,
                m.device,
            )?;
            m.report.conflicts += 1;
        }
        if registered.clock() < clock {
            return Ok(false);
        }
        self.conn().execute("UPDATE participant SET cpr = NULL WHERE id = ?1", [&other]).map_err(|e| self.sql(e))?;
        Ok(true)
    }

    #[allow(clippy::too_many_arguments)]
    fn add_conflict(
        &self,
        kind: ConflictKind,
        table: &str,
        id: &str,
        field: Option<&str>,
        mine: Option<&str>,
        mine_hlc: u64,
        theirs: Option<&str>,
        theirs_hlc: u64,
        theirs_device: &str,
    ) -> Result<()> {
        let now = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.conn()
            .prepare_cached(
                "INSERT INTO conflict (kind, tbl, row_id, field, mine, mine_hlc, theirs, theirs_hlc, theirs_device, found_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )
            .and_then(|mut s| {
                s.execute(rusqlite::params![
                    kind.code(),
                    table,
                    id,
                    field,
                    mine,
                    mine_hlc as i64,
                    theirs,
                    theirs_hlc as i64,
                    theirs_device,
                    now
                ])
            })
            .map_err(|e| self.sql(e))?;
        Ok(())
    }

    /// Settles an open conflict. Keeping ours or an edited value is a new edit, made after
    /// theirs (so it is sequential, not a new conflict, wherever it arrives). Keeping ours of a
    /// deleted row writes the row again under `new_id`. Returns the row written, if any.
    pub fn resolve_conflict(&mut self, id: i64, resolution: &Resolution, new_id: &str) -> Result<Option<String>> {
        let c = conflict(self.conn(), self.dir(), id)?.filter(|c| c.resolved_at.is_none()).ok_or(StoreError::ConflictClosed { id })?;
        let Some((table, cols)) = synced(&c.table) else {
            return Err(StoreError::ConflictClosed { id });
        };
        let bad = |detail: String| StoreError::Encoding(detail);
        let (code, written) = match (resolution, c.kind) {
            (Resolution::Theirs, _) | (_, ConflictKind::DuplicateCpr) => ("theirs", None),
            (Resolution::Mine | Resolution::Edited(_), ConflictKind::Deleted) => {
                let text = match resolution {
                    Resolution::Edited(v) => v.as_str(),
                    _ => c.mine.as_deref().unwrap_or("{}"),
                };
                let row: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
                let mut values = Vec::new();
                for col in cols {
                    if let Some(v) = row.get(*col) {
                        values.push((*col, sql_value(v).ok_or_else(|| bad(format!("{table}.{col}")))?));
                    }
                }
                self.insert(table, new_id, &values)?;
                self.case_of(table, new_id, Some(&row))?;
                (if matches!(resolution, Resolution::Mine) { "mine" } else { "edited" }, Some(new_id.to_string()))
            }
            (Resolution::Mine | Resolution::Edited(_), ConflictKind::Field) => {
                let text = match resolution {
                    Resolution::Edited(v) => v.as_str(),
                    _ => c.mine.as_deref().unwrap_or("null"),
                };
                let value: serde_json::Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
                let field =
                    c.field.as_deref().and_then(|f| cols.iter().copied().find(|x| *x == f)).ok_or(StoreError::ConflictClosed { id })?;
                let v = sql_value(&value).ok_or_else(|| bad(format!("{table}.{field}")))?;
                if !self.update(table, &c.row_id, &[(field, v)])? {
                    return Err(StoreError::NotFound { kind: "row", id: c.row_id.clone() });
                }
                self.case_of(table, &c.row_id, None)?;
                (if matches!(resolution, Resolution::Mine) { "mine" } else { "edited" }, Some(c.row_id.clone()))
            }
        };
        let now = self.now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        self.conn()
            .execute("UPDATE conflict SET resolved_at = ?2, resolution = ?3 WHERE id = ?1", rusqlite::params![id, now, code])
            .map_err(|e| self.sql(e))?;
        Ok(written)
    }
}

const CONFLICT_COLS: &str =
    "id, kind, tbl, row_id, field, mine, mine_hlc, theirs, theirs_hlc, theirs_device, found_at, resolved_at, resolution";

fn conflict_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ConflictRow> {
    Ok(ConflictRow {
        id: r.get(0)?,
        kind: ConflictKind::parse(&r.get::<_, String>(1)?),
        table: r.get(2)?,
        row_id: r.get(3)?,
        field: r.get(4)?,
        mine: r.get(5)?,
        mine_at: millis_to_time(u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0)),
        theirs: r.get(7)?,
        theirs_at: millis_to_time(u64::try_from(r.get::<_, i64>(8)?).unwrap_or(0)),
        theirs_device: r.get(9)?,
        found_at: r.get(10)?,
        resolved_at: r.get(11)?,
        resolution: r.get(12)?,
    })
}

pub(crate) fn conflict(conn: &Connection, dir: &std::path::Path, id: i64) -> Result<Option<ConflictRow>> {
    conn.query_row(&format!("SELECT {CONFLICT_COLS} FROM conflict WHERE id = ?1"), [id], conflict_row)
        .optional()
        .map_err(|e| StoreError::from_sqlite(dir, e))
}

pub(crate) fn conflicts(conn: &Connection, dir: &std::path::Path, open_only: bool) -> Result<Vec<ConflictRow>> {
    let sql = |e| StoreError::from_sqlite(dir, e);
    let filter = if open_only { "WHERE resolved_at IS NULL" } else { "" };
    let mut stmt = conn.prepare(&format!("SELECT {CONFLICT_COLS} FROM conflict {filter} ORDER BY id")).map_err(sql)?;
    let rows = stmt.query_map([], conflict_row).map_err(sql)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
}

pub(crate) fn synced_rows(conn: &Connection, dir: &std::path::Path) -> Result<Vec<(String, String, String)>> {
    let sql = |e| StoreError::from_sqlite(dir, e);
    let mut out = Vec::new();
    for (table, cols) in SYNCED {
        let pairs: Vec<String> = cols.iter().map(|c| format!("'{c}', {c}")).collect();
        let mut stmt = conn.prepare(&format!("SELECT id, json_object({}) FROM {table} ORDER BY id", pairs.join(", "))).map_err(sql)?;
        let rows = stmt.query_map([], |r| Ok(((*table).to_string(), r.get(0)?, r.get(1)?))).map_err(sql)?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)?);
    }
    Ok(out)
}

/// Every caseworker a participant's case has had, from its row's logged writes.
fn owners_of(history: &[Entry]) -> Vec<String> {
    let mut owners: Vec<String> = Vec::new();
    for e in history {
        let owner = match (e.op.as_str(), e.field.as_deref()) {
            ("insert", _) => e
                .value
                .as_deref()
                .and_then(|v| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(v).ok())
                .and_then(|row| row.get("caseworker").and_then(|v| v.as_str()).map(str::to_string)),
            ("update", Some("caseworker")) => e.value.as_deref().and_then(|v| serde_json::from_str::<String>(v).ok()),
            _ => None,
        };
        if let Some(o) = owner
            && !owners.contains(&o)
        {
            owners.push(o);
        }
    }
    owners
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synced_columns_are_the_schema_s() {
        let conn = Connection::open_in_memory().unwrap();
        crate::migrate::apply_schema_for_benchmark(&conn).unwrap();
        for (table, cols) in SYNCED {
            let mut stmt = conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
            let mut found: Vec<String> = stmt.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect();
            found.retain(|c| c != "id" && c != "num");
            let mut want: Vec<String> = cols.iter().map(|c| c.to_string()).collect();
            found.sort();
            want.sort();
            assert_eq!(found, want, "table {table}: sync must carry every column");
        }
        let logged: Vec<String> = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('meta', 'device', 'change_log', 'audit_log', 'case_fact', 'case_due', 'draft', 'sync_peer', 'conflict', 'sync_state', 'export_outbox', 'owner', 'team_audit', 'team_audit_chain', 'team_audit_bundle', 'audit_review') AND name NOT LIKE 'participant_fts%' AND name NOT LIKE 'sqlite_%'")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        for t in &logged {
            assert!(synced(t).is_some(), "table {t} is written through the change log but sync does not carry it");
        }
    }

    fn entry(hlc: u64, device: &str, op: &str, field: Option<&str>, value: &str) -> Entry {
        Entry { hlc, device: device.into(), num: 0, op: op.into(), field: field.map(Into::into), value: Some(value.into()) }
    }

    #[test]
    fn a_field_s_latest_write_is_the_largest_clock_among_inserts_and_its_updates() {
        let h = vec![
            entry(10, "a", "insert", None, r#"{"title":"x","owner":"kim"}"#),
            entry(30, "b", "update", Some("owner"), r#""mette""#),
            entry(30, "c", "update", Some("owner"), r#""ali""#),
            entry(40, "a", "update", Some("status"), r#""closed""#),
        ];
        assert_eq!(field_latest(&h, "title").map(|(e, v)| (e.hlc, v)), Some((10, serde_json::json!("x"))));
        // Equal HLCs: the device id decides, the same way on every replica.
        assert_eq!(field_latest(&h, "owner").map(|(e, v)| (e.device.clone(), v)), Some(("c".into(), serde_json::json!("ali"))));
        assert!(field_latest(&h, "capacity").is_none());
        assert_eq!(row_latest(&h).map(|e| e.hlc), Some(40));
    }
}
