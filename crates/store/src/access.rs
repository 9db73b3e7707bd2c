//! The team's access log on a team lead's laptop (migration 0007): the other devices' audit rows,
//! received in their access bundles and kept per device after checking each device's hash
//! chain, and the lead's monthly review of a sample of them.
//!
//! A device's chain is checked as it arrives: every row's hash is computed again from the row
//! before it, a row this laptop already holds must come again exactly as it was, and a bundle
//! must continue from the last row held. A device whose log was cut or changed after a lead
//! received it therefore shows up here as a problem, and its rows as they first arrived stay.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};

use crate::audit::{AuditRecord, chain_hash};
use crate::error::{Result, StoreError};
use crate::tx::Tx;

/// One device's access log as held on this laptop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessChain {
    pub device: String,
    /// The first row held (1 unless this laptop joined the team's leads later).
    pub first_seq: i64,
    /// The last row held.
    pub last_seq: i64,
    pub rows: u64,
    /// When the last rows arrived (RFC 3339).
    pub received_at: String,
    /// What was found wrong, if anything: `changed` (a row differs from the one held: the
    /// device's log was cut or altered) or `broken` (a bundle does not continue the chain held).
    pub problem: Option<String>,
    /// The first row the problem concerns.
    pub problem_seq: Option<i64>,
    pub problem_at: Option<String>,
}

/// What receiving one access bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessReceipt {
    /// Rows added (0 when the bundle held only rows already here, exactly as they were).
    Added { rows: u64 },
    /// Rows are missing before the bundle: wait for the one starting at `expected`.
    Gap { expected: i64 },
    /// The device's log differs from what this laptop holds, from row `seq` on; nothing of the
    /// bundle was added. The problem is kept ([`AccessChain::problem`]).
    Problem { seq: i64, problem: String },
}

/// A drawn access to review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: String,
    pub month: String,
    pub device: String,
    pub seq: i64,
    pub drawn_at: String,
    pub drawn_by: String,
    pub outcome: Option<ReviewOutcome>,
    pub note: String,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
}

/// The lead's judgement of a drawn access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// Reviewed: the access had a purpose that fits the person's work.
    Ok,
    /// Questioned: to be taken up with the person (the note says why).
    Questioned,
}

impl ReviewOutcome {
    pub fn code(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Questioned => "questioned",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "ok" => Some(Self::Ok),
            "questioned" => Some(Self::Questioned),
            _ => None,
        }
    }
}

fn sql(dir: &Path) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |e| StoreError::from_sqlite(dir, e)
}

const CHAIN_SQL: &str = "SELECT c.device, c.first_seq, coalesce(max(t.seq), c.first_seq - 1), count(t.seq), c.received_at,
            c.problem, c.problem_seq, c.problem_at
     FROM team_audit_chain c LEFT JOIN team_audit t ON t.device = c.device";

fn chain_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AccessChain> {
    Ok(AccessChain {
        device: r.get(0)?,
        first_seq: r.get(1)?,
        last_seq: r.get(2)?,
        rows: u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0),
        received_at: r.get(4)?,
        problem: r.get(5)?,
        problem_seq: r.get(6)?,
        problem_at: r.get(7)?,
    })
}

pub(crate) fn chains(conn: &Connection, dir: &Path) -> Result<Vec<AccessChain>> {
    let mut stmt = conn.prepare(&format!("{CHAIN_SQL} GROUP BY c.device ORDER BY c.device")).map_err(sql(dir))?;
    let rows = stmt.query_map([], chain_row).map_err(sql(dir))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql(dir))
}

pub(crate) fn chain(conn: &Connection, dir: &Path, device: &str) -> Result<Option<AccessChain>> {
    conn.prepare_cached(&format!("{CHAIN_SQL} WHERE c.device = ?1 GROUP BY c.device"))
        .map_err(sql(dir))?
        .query_row([device], chain_row)
        .optional()
        .map_err(sql(dir))
}

pub(crate) fn reviews(conn: &Connection, dir: &Path, month: Option<&str>) -> Result<Vec<Review>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id, month, device, seq, drawn_at, drawn_by, outcome, note, reviewer, reviewed_at FROM audit_review
             WHERE ?1 IS NULL OR month = ?1 ORDER BY month, rowid",
        )
        .map_err(sql(dir))?;
    let rows = stmt
        .query_map([month], |r| {
            let outcome: Option<String> = r.get(6)?;
            Ok(Review {
                id: r.get(0)?,
                month: r.get(1)?,
                device: r.get(2)?,
                seq: r.get(3)?,
                drawn_at: r.get(4)?,
                drawn_by: r.get(5)?,
                outcome: outcome.as_deref().and_then(ReviewOutcome::parse),
                note: r.get(7)?,
                reviewer: r.get(8)?,
                reviewed_at: r.get(9)?,
            })
        })
        .map_err(sql(dir))?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql(dir))
}

/// Records an access bundle as read (or passed).
pub(crate) fn note_bundle(conn: &Connection, dir: &Path, device: &str, bundle: &str) -> Result<()> {
    conn.execute("INSERT OR IGNORE INTO team_audit_bundle (device, id) VALUES (?1, ?2)", [device, bundle]).map_err(sql(dir))?;
    Ok(())
}

/// Whether an access bundle was read (or passed) before.
pub(crate) fn seen_bundle(conn: &Connection, dir: &Path, device: &str, bundle: &str) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM team_audit_bundle WHERE device = ?1 AND id = ?2")
        .map_err(sql(dir))?
        .query_row([device, bundle], |_| Ok(()))
        .optional()
        .map(|o| o.is_some())
        .map_err(sql(dir))
}

/// The hash held for `device`'s row `seq`.
fn held_hash(conn: &Connection, dir: &Path, device: &str, seq: i64) -> Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT hash FROM team_audit WHERE device = ?1 AND seq = ?2")
        .map_err(sql(dir))?
        .query_row(rusqlite::params![device, seq], |r| r.get(0))
        .optional()
        .map_err(sql(dir))
}

impl Tx<'_> {
    /// Takes a run of `device`'s audit rows (one access bundle, already verified as signed by
    /// it): `anchor` is the hash of the row before the first. See [`AccessReceipt`].
    pub(crate) fn receive_access(&mut self, device: &str, bundle: &str, anchor: &[u8], records: &[AuditRecord]) -> Result<AccessReceipt> {
        let dir = self.dir;
        let conn: &Connection = &self.tx;
        let Some(first) = records.first() else {
            return Ok(AccessReceipt::Added { rows: 0 });
        };
        for (i, r) in records.iter().enumerate() {
            if r.seq != first.seq + i as i64 {
                return Err(StoreError::BadChange { device: device.to_string(), detail: "access rows out of order".into() });
            }
        }
        let now = self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let held = chain(conn, dir, device)?;
        let (first_seq, last_seq) = match &held {
            None => {
                conn.execute(
                    "INSERT INTO team_audit_chain (device, first_seq, anchor, received_at) VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![device, first.seq, anchor, now],
                )
                .map_err(sql(dir))?;
                (first.seq, first.seq - 1)
            }
            Some(c) if c.problem.is_some() => {
                return Ok(AccessReceipt::Problem {
                    seq: c.problem_seq.unwrap_or(c.last_seq),
                    problem: c.problem.clone().unwrap_or_default(),
                });
            }
            Some(c) => (c.first_seq, c.last_seq),
        };
        if first.seq > last_seq + 1 {
            return Ok(AccessReceipt::Gap { expected: last_seq + 1 });
        }
        let our_anchor: Option<Vec<u8>> = if held.is_none() {
            None
        } else {
            conn.query_row("SELECT anchor FROM team_audit_chain WHERE device = ?1", [device], |r| r.get(0)).optional().map_err(sql(dir))?
        };
        // What this laptop holds as the hash before the bundle's first row.
        let before = first.seq - 1;
        let held_before = if held.is_none() || before < first_seq - 1 {
            None
        } else if before == first_seq - 1 {
            our_anchor.clone()
        } else {
            held_hash(conn, dir, device, before)?
        };
        let problem = |t: &Tx<'_>, seq: i64, what: &str| -> Result<AccessReceipt> {
            t.tx.execute(
                "UPDATE team_audit_chain SET problem = ?2, problem_seq = ?3, problem_at = ?4 WHERE device = ?1",
                rusqlite::params![device, what, seq, now],
            )
            .map_err(sql(dir))?;
            note_bundle(&t.tx, dir, device, bundle)?;
            Ok(AccessReceipt::Problem { seq, problem: what.to_string() })
        };
        if held_before.as_deref().is_some_and(|h| h != anchor) {
            return problem(self, before.max(1), "broken");
        }
        let mut prev = anchor.to_vec();
        let mut added = 0u64;
        for r in records {
            let h = chain_hash(&prev, r.seq, &r.at, &r.entry);
            if r.seq < first_seq {
                // Before this laptop's copy begins: it must lead to the row held first.
                if r.seq == first_seq - 1 && our_anchor.as_deref().is_some_and(|a| a != h.as_slice()) {
                    return problem(self, r.seq, "changed");
                }
            } else if r.seq <= last_seq {
                if held_hash(&self.tx, dir, device, r.seq)?.as_deref() != Some(h.as_slice()) {
                    return problem(self, r.seq, "changed");
                }
            } else {
                let e = &r.entry;
                self.tx
                    .prepare_cached(
                        "INSERT INTO team_audit (device, seq, at, user, role, action, subject, purpose, detail, hash)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                    )
                    .map_err(sql(dir))?
                    .execute(rusqlite::params![device, r.seq, r.at, e.user, e.role, e.action, e.subject, e.purpose, e.detail, h])
                    .map_err(sql(dir))?;
                added += 1;
            }
            prev = h;
        }
        self.tx
            .execute("UPDATE team_audit_chain SET received_at = ?2 WHERE device = ?1", rusqlite::params![device, now])
            .map_err(sql(dir))?;
        note_bundle(&self.tx, dir, device, bundle)?;
        Ok(AccessReceipt::Added { rows: added })
    }

    /// Draws an audit row into `month`'s review sample; returns its id (`{month}-{n}`). A row
    /// already drawn keeps its id.
    pub fn draw_review(&mut self, month: &str, device: &str, seq: i64, drawn_by: &str) -> Result<String> {
        let dir = self.dir;
        let existing: Option<String> = self
            .tx
            .query_row(
                "SELECT id FROM audit_review WHERE month = ?1 AND device = ?2 AND seq = ?3",
                rusqlite::params![month, device, seq],
                |r| r.get(0),
            )
            .optional()
            .map_err(sql(dir))?;
        if let Some(id) = existing {
            return Ok(id);
        }
        let n: i64 = self.tx.query_row("SELECT count(*) FROM audit_review WHERE month = ?1", [month], |r| r.get(0)).map_err(sql(dir))?;
        let id = format!("{month}-{}", n + 1);
        let at = self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.tx
            .execute(
                "INSERT INTO audit_review (id, month, device, seq, drawn_at, drawn_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![id, month, device, seq, at, drawn_by],
            )
            .map_err(sql(dir))?;
        Ok(id)
    }

    /// Marks a drawn access reviewed or questioned, with a note. A review may be marked again
    /// (the audit log keeps each marking).
    pub fn mark_review(&mut self, id: &str, outcome: ReviewOutcome, note: &str, reviewer: &str) -> Result<()> {
        let at = self.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let n = self
            .tx
            .execute(
                "UPDATE audit_review SET outcome = ?2, note = ?3, reviewer = ?4, reviewed_at = ?5 WHERE id = ?1",
                rusqlite::params![id, outcome.code(), note, reviewer, at],
            )
            .map_err(sql(self.dir))?;
        if n == 0 {
            return Err(StoreError::NotFound { kind: "review", id: id.to_string() });
        }
        Ok(())
    }
}

/// Failed unlocks since the last successful one, kept beside the store (the log itself is
/// locked): a count and the first and last time, no name, nothing typed.
const FAILED_UNLOCKS: &str = "failed-unlocks";

/// Failed unlock attempts since the last successful unlock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedUnlocks {
    pub count: u32,
    pub first: String,
    pub last: String,
}

/// Counts one failed unlock of the store in `dir`.
pub fn record_failed_unlock(dir: &Path, now: DateTime<Utc>) -> Result<()> {
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let path = dir.join(FAILED_UNLOCKS);
    let f = read_failed(dir)?;
    let (count, first) = f.map_or((1, at.clone()), |f| (f.count.saturating_add(1), f.first));
    let tmp = dir.join(format!("{FAILED_UNLOCKS}.tmp"));
    std::fs::write(&tmp, format!("{count}\n{first}\n{at}\n")).map_err(|e| StoreError::from_io(dir, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| StoreError::from_io(dir, e))
}

/// The failed unlocks counted since the last successful unlock, if any.
pub fn read_failed(dir: &Path) -> Result<Option<FailedUnlocks>> {
    let text = match std::fs::read_to_string(dir.join(FAILED_UNLOCKS)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::from_io(dir, e)),
    };
    let mut lines = text.lines();
    let count = lines.next().and_then(|c| c.trim().parse().ok()).unwrap_or(1);
    let first = lines.next().unwrap_or_default().to_string();
    let last = lines.next().unwrap_or_default().to_string();
    Ok(Some(FailedUnlocks { count, first, last }))
}

/// Forgets the failed unlocks (once the next unlock has logged them).
pub fn clear_failed(dir: &Path) -> Result<()> {
    match std::fs::remove_file(dir.join(FAILED_UNLOCKS)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::from_io(dir, e)),
    }
}
