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

/// A row of the audit log as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub role: String,
    pub action: String,
    pub subject: Option<String>,
    pub purpose: String,
    pub detail: String,
}

/// Which audit rows to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub user: Option<String>,
    pub subject: Option<String>,
    pub action_prefix: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub limit: Option<u32>,
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
    let last: Option<(i64, Vec<u8>)> = conn
        .prepare_cached("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .map_err(sql)?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(sql)?;
    let (seq, prev) = last.map_or((1, vec![0u8; 32]), |(s, h)| (s + 1, h));
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

pub(crate) fn list(conn: &Connection, dir: &Path, f: &AuditFilter) -> Result<Vec<AuditRow>> {
    let sql = |err| StoreError::from_sqlite(dir, err);
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, at, user, role, action, subject, purpose, detail FROM audit_log
             WHERE (?1 IS NULL OR user = ?1) AND (?2 IS NULL OR subject = ?2)
               AND (?3 IS NULL OR action LIKE ?3 || '%') AND (?4 IS NULL OR at >= ?4)
             ORDER BY seq DESC LIMIT ?5",
        )
        .map_err(sql)?;
    let since = f.since.map(|s| s.to_rfc3339_opts(chrono::SecondsFormat::Micros, true));
    let rows = stmt
        .query_map((&f.user, &f.subject, &f.action_prefix, since, f.limit.unwrap_or(1000)), |r| {
            let at: String = r.get(1)?;
            Ok(AuditRow {
                seq: r.get(0)?,
                at: DateTime::parse_from_rfc3339(&at).map(|d| d.with_timezone(&Utc)).unwrap_or_default(),
                user: r.get(2)?,
                role: r.get(3)?,
                action: r.get(4)?,
                subject: r.get(5)?,
                purpose: r.get(6)?,
                detail: r.get(7)?,
            })
        })
        .map_err(sql)?;
    rows.collect::<rusqlite::Result<Vec<_>>>().map_err(sql)
}

/// Walks the whole chain; returns the number of rows, or the first row that does not match.
pub(crate) fn verify(conn: &Connection, dir: &Path) -> Result<u64> {
    let sql = |err| StoreError::from_sqlite(dir, err);
    let mut stmt =
        conn.prepare("SELECT seq, at, user, role, action, subject, purpose, detail, hash FROM audit_log ORDER BY seq").map_err(sql)?;
    let mut rows = stmt.query([]).map_err(sql)?;
    let mut prev = vec![0u8; 32];
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
