//! The audit log: who did what, to whom, when and why. Append-only and hash-chained: each row's
//! hash covers the previous row's hash and its own fields, so an edit or a deletion of any row is
//! found by [`Reader::verify_audit`](crate::Reader::verify_audit).

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};

/// What a transaction records about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditEntry {
    pub user: String,
    pub role: String,
    /// What was done: `participant.read`, `participant.search`, `event.record`, …
    pub action: String,
    /// Whom or what it concerned: a participant id, an initiative id; the search term for searches.
    pub subject: Option<String>,
    /// Why (the purpose a person gave, or the task's own purpose).
    pub purpose: String,
    /// Anything else worth keeping (never a CPR number).
    pub detail: String,
}

/// A row of the audit log as read back: this laptop's own, or (on a team lead's laptop) another
/// device's, received in its access bundles.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    /// The device whose log holds the row (this laptop's own device id for its own rows).
    pub device: String,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub role: String,
    pub action: String,
    pub subject: Option<String>,
    pub purpose: String,
    pub detail: String,
}

/// Which audit rows to list. Every condition given must hold.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: Option<String>,
    /// Rows whose subject is this (a participant id, an initiative id, …).
    pub subject: Option<String>,
    /// Rows about one person: whose subject is the participant's id, or whose detail names the
    /// participant's pseudonym among those shown (searches, lists, drill-downs).
    pub citizen: Option<Citizen>,
    pub action_prefix: Option<String>,
    /// From this time on (inclusive).
    pub since: Option<DateTime<Utc>>,
    /// Before this time (exclusive).
    pub until: Option<DateTime<Utc>>,
    /// Only this device's rows.
    pub device: Option<String>,
    pub limit: Option<u32>,
}

/// One person, as the audit log names them: by id as a subject, by pseudonym among those shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizen {
    pub id: String,
    pub pseudonym: String,
}

/// What a read that shows persons writes in its detail before their pseudonyms (`vist: D-0001
/// D-0002`), so that the citizen's extract finds every time a person was shown.
pub const SHOWN: &str = "vist:";

/// The detail of a read that showed `pseudonyms`: `{note} vist: P1 P2 …` (or just the note).
pub fn shown_detail(note: &str, pseudonyms: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    let mut out = note.to_string();
    let mut first = true;
    for p in pseudonyms {
        if first {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(SHOWN);
            first = false;
        }
        out.push(' ');
        out.push_str(p.as_ref());
    }
    out
}

/// The hash before a device's first audit row.
pub const CHAIN_START: [u8; 32] = [0; 32];

/// An audit row exactly as its device holds it, for carrying it to the team leads: `at` is the
/// text its hash covers.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRecord {
    pub seq: i64,
    pub at: String,
    pub entry: AuditEntry,
}

/// The hash of audit row `seq` (at `at`, holding `e`) after the row whose hash is `prev`
/// ([`CHAIN_START`] before the first row). SHA-256 over the previous hash, the seq and every
/// field with its length.
pub fn chain_hash(prev: &[u8], seq: i64, at: &str, e: &AuditEntry) -> Vec<u8> {
    hash(prev, seq, at, e)
}

fn hash(prev: &[u8], seq: i64, at: &str, e: &AuditEntry) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(prev);
    h.update(seq.to_le_bytes());
    for part in [at, &e.user, &e.role, &e.action, e.subject.as_deref().unwrap_or("\u{0}"), &e.purpose, &e.detail] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().to_vec()
}

pub(crate) fn append(conn: &Connection, dir: &Path, now: DateTime<Utc>, e: &AuditEntry) -> Result<()> {
    let sql = |err| StoreError::from_sqlite(dir, err);
    let (seq, prev) = head(conn, dir)?.map_or((1, CHAIN_START.to_vec()), |(s, h)| (s + 1, h));
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let h = hash(&prev, seq, &at, e);
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, user, role, action, subject, purpose, detail, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )
    .map_err(sql)?
    .execute((seq, at, &e.user, &e.role, &e.action, &e.subject, &e.purpose, &e.detail, h))
    .map_err(sql)?;
    Ok(())
}

pub(crate) fn list(conn: &Connection, dir: &Path, own_device: &str, f: &AuditFilter) -> Result<Vec<AuditRow>> {
    let sql = |err| StoreError::from_sqlite(dir, err);
    // The same conditions over this laptop's log and the team's copy (a team lead's laptop).
    let cond = "(?1 IS NULL OR user = ?1) AND (?2 IS NULL OR subject = ?2)
               AND (?3 IS NULL OR action LIKE ?3 || '%') AND (?4 IS NULL OR at >= ?4) AND (?5 IS NULL OR at < ?5)
               AND (?6 IS NULL OR subject = ?6 OR instr(' ' || detail || ' ', ' ' || ?7 || ' ') > 0)";
    let query = format!(
        "SELECT device, seq, at, user, role, action, subject, purpose, detail FROM (
           SELECT ?8 AS device, seq, at, user, role, action, subject, purpose, detail FROM audit_log WHERE {cond} AND (?9 IS NULL OR ?9 = ?8)
           UNION ALL
           SELECT device, seq, at, user, role, action, subject, purpose, detail FROM team_audit WHERE {cond} AND (?9 IS NULL OR device = ?9))
         ORDER BY at DESC, device, seq DESC LIMIT ?10"
    );
    let mut stmt = conn.prepare_cached(&query).map_err(sql)?;
    let time = |t: Option<DateTime<Utc>>| t.map(|s| s.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    let (cid, pseudonym) = match &f.citizen {
        Some(c) => (Some(c.id.as_str()), Some(c.pseudonym.as_str())),
        None => (None, None),
    };
    let params = rusqlite::params![
        f.user,
        f.subject,
        f.action_prefix,
        time(f.since),
        time(f.until),
        cid,
        pseudonym,
        own_device,
        f.device,
        f.limit.unwrap_or(1000)
    ];
    let rows = stmt.query_map(params, row).map_err(sql)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
}

/// An [`AuditRow`] from `device, seq, at, user, role, action, subject, purpose, detail`.
fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AuditRow> {
    let at: String = r.get(2)?;
    Ok(AuditRow {
        device: r.get(0)?,
        seq: r.get(1)?,
        at: DateTime::parse_from_rfc3339(&at).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
        user: r.get(3)?,
        role: r.get(4)?,
        action: r.get(5)?,
        subject: r.get(6)?,
        purpose: r.get(7)?,
        detail: r.get(8)?,
    })
}

/// One row of a device's log by seq: this laptop's own (`device` is its own id) or the team's copy.
pub(crate) fn one(conn: &Connection, dir: &Path, own_device: &str, device: &str, seq: i64) -> Result<Option<AuditRow>> {
    let sql = |err| StoreError::from_sqlite(dir, err);
    let q = if device == own_device {
        "SELECT ?1, seq, at, user, role, action, subject, purpose, detail FROM audit_log WHERE seq = ?2"
    } else {
        "SELECT device, seq, at, user, role, action, subject, purpose, detail FROM team_audit WHERE device = ?1 AND seq = ?2"
    };
    conn.prepare_cached(q).map_err(sql)?.query_row(rusqlite::params![device, seq], row).optional().map_err(sql)
}

/// This laptop's own rows after `after`, at most `limit`, exactly as stored, with the hash of
/// the row at `after` ([`CHAIN_START`] for 0).
pub(crate) fn records_after(conn: &Connection, dir: &Path, after: i64, limit: u32) -> Result<(Vec<u8>, Vec<AuditRecord>)> {
    let sql = |err| StoreError::from_sqlite(dir, err);
    let anchor = if after == 0 {
        CHAIN_START.to_vec()
    } else {
        conn.prepare_cached("SELECT hash FROM audit_log WHERE seq = ?1")
            .map_err(sql)?
            .query_row([after], |r| r.get(0))
            .optional()
            .map_err(sql)?
            .ok_or(StoreError::AuditTampered { seq: after })?
    };
    let mut stmt = conn
        .prepare_cached("SELECT seq, at, user, role, action, subject, purpose, detail FROM audit_log WHERE seq > ?1 ORDER BY seq LIMIT ?2")
        .map_err(sql)?;
    let rows = stmt
        .query_map(rusqlite::params![after, limit], |r| {
            Ok(AuditRecord {
                seq: r.get(0)?,
                at: r.get(1)?,
                entry: AuditEntry {
                    user: r.get(2)?,
                    role: r.get(3)?,
                    action: r.get(4)?,
                    subject: r.get(5)?,
                    purpose: r.get(6)?,
                    detail: r.get(7)?,
                },
            })
        })
        .map_err(sql)?;
    Ok((anchor, rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)?))
}

/// The last row of this laptop's own log: (seq, hash); `None` while it is empty.
pub(crate) fn head(conn: &Connection, dir: &Path) -> Result<Option<(i64, Vec<u8>)>> {
    conn.prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .map_err(|e| StoreError::from_sqlite(dir, e))?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(|e| StoreError::from_sqlite(dir, e))
}

/// Walks the whole chain; returns the number of rows, or the first row that does not match.
pub(crate) fn verify(conn: &Connection, dir: &Path) -> Result<u64> {
    let sql = |err| StoreError::from_sqlite(dir, err);
    let mut stmt =
        conn.prepare("SELECT seq, at, user, role, action, subject, purpose, detail, hash FROM audit_log ORDER BY seq").map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    let mut prev = CHAIN_START.to_vec();
    let mut expected_seq = 1;
    let mut n = 0;
    while let Some(r) = rows.next().map_err(sql)? {
        let seq: i64 = r.get(0).map_err(sql)?;
        let at: String = r.get(1).map_err(sql)?;
        let e = AuditEntry {
            user: r.get(2).map_err(sql)?,
            role: r.get(3).map_err(sql)?,
            action: r.get(4).map_err(sql)?,
            subject: r.get(5).map_err(sql)?,
            purpose: r.get(6).map_err(sql)?,
            detail: r.get(7).map_err(sql)?,
        };
        let stored: Vec<u8> = r.get(8).map_err(sql)?;
        if seq != expected_seq || hash(&prev, seq, &at, &e) != stored {
            return Err(StoreError::AuditTampered { seq });
        }
        prev = stored;
        expected_seq += 1;
        n += 1;
    }
    Ok(n)
}
