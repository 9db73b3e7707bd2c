//! From this device's change log to sealed bundles, and the outbox's state: how far this
//! device's changes have been pushed, and the outcome of the last attempt. The state lives in
//! the encrypted store (`sync_state`), so it survives a crash with the data it describes.

use std::collections::HashMap;

use indsats_store::{ChangeRow, Reader, Store};

use crate::SyncError;
use crate::audience;
use crate::bundle::{self, Change, Header, Op, SealedBundle};
use crate::keys::DeviceKeys;
use crate::team::Roster;

/// The last seq of this device that is on the target.
pub const PUSHED_TO: &str = "pushed_to";
/// The id of the last bundle pushed (the next one's `prev`).
pub const PUSHED_ID: &str = "pushed_id";
/// When the last sync succeeded (RFC 3339).
pub const LAST_SYNC: &str = "last_sync";
/// Why the last attempt failed: `code\tRFC 3339\tmessage`.
pub const LAST_ERROR: &str = "last_error";
/// Failed attempts in a row (for the backoff).
pub const FAILURES: &str = "failures";
/// Bundles refused by the last sync, one `name: why` per line.
pub const REFUSED: &str = "refused";

/// What the status line shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Status {
    /// This device's changes not yet on the target.
    pub pending: u64,
    pub last_sync: Option<String>,
    /// The last failed attempt, if the last attempt failed.
    pub last_error: Option<Failure>,
    pub failures: u32,
    pub refused: Vec<String>,
}

/// Why the last sync failed: its code, when (RFC 3339), and what to do in Danish and English.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
    pub at: String,
    pub da: String,
    pub en: String,
}

impl Failure {
    pub fn message(&self, lang: indsats_core::validate::Lang) -> &str {
        match lang {
            indsats_core::validate::Lang::Da => &self.da,
            indsats_core::validate::Lang::En => &self.en,
        }
    }
}

/// The outbox's state. `local_seq` is this device's last change (the store's clock).
pub fn status(store: &Store) -> Result<Status, SyncError> {
    let pushed: u64 = store.sync_state(PUSHED_TO)?.and_then(|v| v.parse().ok()).unwrap_or(0);
    let local: u64 = store.meta("clock")?.and_then(|c| c.split_once(' ').and_then(|(s, _)| s.parse().ok())).unwrap_or(0);
    let last_error = store.sync_state(LAST_ERROR)?.map(|e| {
        let mut parts = e.splitn(4, '\t').map(str::to_string);
        let mut next = || parts.next().unwrap_or_default();
        let (code, at, da) = (next(), next(), next());
        let en = next();
        Failure { code, at, en: if en.is_empty() { da.clone() } else { en }, da }
    });
    Ok(Status {
        pending: local.saturating_sub(pushed),
        last_sync: store.sync_state(LAST_SYNC)?,
        last_error,
        failures: store.sync_state(FAILURES)?.and_then(|v| v.parse().ok()).unwrap_or(0),
        refused: store.sync_state(REFUSED)?.map(|r| r.lines().map(str::to_string).collect()).unwrap_or_default(),
    })
}

/// A change-log row in its wire form.
pub fn to_change(row: ChangeRow) -> Result<Change, SyncError> {
    let o =
        Op::parse(&row.op).ok_or_else(|| SyncError::Malformed { detail: format!("change {} has the unknown op {:?}", row.seq, row.op) })?;
    Ok(Change { s: row.seq, h: row.hlc, t: row.table, r: row.row_id, o, f: row.field, v: row.value, b: row.base })
}

/// This device's next bundles: its changes after seq `after` (at most `limit` of them), split
/// where their audience changes (the team's rows, or one caseworker's caseload: see
/// [`crate::audience`]), each chained to the one before (the first to `prev`, the id of the
/// last bundle pushed, empty before any) and sealed to its audience and the escrow. Empty when
/// there is nothing new. Sealing the same changes again gives the same names.
pub fn next_bundles(
    r: &Reader<'_>,
    roster: &Roster,
    device: &str,
    keys: &DeviceKeys,
    prev: &str,
    after: u64,
    limit: u32,
) -> Result<Vec<SealedBundle>, SyncError> {
    let rows = r.own_changes(after, limit)?;
    let owners = r.case_owners(&rows)?;
    let auds: Vec<Option<String>> = owners.iter().map(|o| audience::of(&roster.name, o.as_deref())).collect();
    let changes = rows.into_iter().map(to_change).collect::<Result<Vec<_>, _>>()?;
    let mut recipients: HashMap<Option<String>, Vec<age::x25519::Recipient>> = HashMap::new();
    let mut out = Vec::new();
    let mut prev = prev.to_string();
    let mut start = 0;
    while start < changes.len() {
        let aud = &auds[start];
        let end = auds[start..].iter().position(|a| a != aud).map_or(changes.len(), |n| start + n);
        let to = match recipients.entry(aud.clone()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(audience::recipients(roster, aud.as_deref())?),
        };
        let header = Header::new(roster.name.clone(), device, prev, &changes[start..end])?.for_audience(aud.clone())?;
        let sealed = bundle::seal(&header, &changes[start..end], keys, to)?;
        prev = sealed.id.clone();
        out.push(sealed);
        start = end;
    }
    Ok(out)
}
