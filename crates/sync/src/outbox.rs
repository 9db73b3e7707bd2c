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
    Ok(Change { s: row.seq, h: row.hlc, t: row.table, r: row.row_id, o, f: row.field, v: row.value, b: row.base, d: None })
}

/// This device's next bundles: its changes after seq `after` (at most `limit` of them), split
/// where their audience changes (the team's rows, or one caseworker's caseload: see
/// [`crate::audience`]), each chained to the one before (the first to `prev`, the id of the
/// last bundle pushed, empty before any) and sealed to its audience and the escrow. Empty when
/// there is nothing new. Sealing the same changes again gives the same names.
///
/// A run of handovers from one caseload to another (a participant's caseworker written anew) is
/// a bundle of its own: it carries each case's history as this store holds it (the writes of
/// every device, [`Reader::case_history`]; this device's own from `after` on travel in its
/// chain), and it is encrypted to the caseload the cases leave as well, so that the old
/// caseworker's laptop learns of it (docs/sync.md, "Handing a case over"). Push seals and
/// uploads before it pulls, so a retry after a lost answer seals the same history again.
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
    let handed = r.handed_over_from(&rows)?;
    let auds: Vec<Option<String>> = owners.iter().map(|o| audience::of(&roster.name, o.as_deref())).collect();
    // What a bundle is for: its audience, and for a handover the caseload the cases leave.
    let keys_of: Vec<(Option<String>, Option<String>)> =
        auds.iter().zip(&handed).map(|(a, h)| (a.clone(), h.as_deref().map(|from| audience::tag(&roster.name, from)))).collect();
    let participants: Vec<String> = rows.iter().map(|c| c.row_id.clone()).collect();
    let changes = rows.into_iter().map(to_change).collect::<Result<Vec<_>, _>>()?;
    let mut recipients: HashMap<(Option<String>, Option<String>), Vec<age::x25519::Recipient>> = HashMap::new();
    let mut out = Vec::new();
    let mut prev = prev.to_string();
    let mut start = 0;
    while start < changes.len() {
        let key = &keys_of[start];
        let end = keys_of[start..].iter().position(|k| k != key).map_or(changes.len(), |n| start + n);
        let to = match recipients.entry(key.clone()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let mut to = audience::recipients(roster, key.0.as_deref())?;
                if let Some(left) = &key.1 {
                    let also = audience::recipients(roster, Some(left))?;
                    let have: Vec<String> = to.iter().map(|r| r.to_string()).collect();
                    to.extend(also.into_iter().filter(|r| !have.contains(&r.to_string())));
                }
                e.insert(to)
            }
        };
        let mut run: Vec<Change> = changes[start..end].to_vec();
        if key.1.is_some() {
            let mut seen = std::collections::HashSet::new();
            for p in &participants[start..end] {
                if !seen.insert(p.as_str()) {
                    continue;
                }
                for (from, row) in r.case_history(p, after)? {
                    let mut c = to_change(row)?;
                    c.d = Some(from);
                    run.push(c);
                }
            }
        }
        let header = Header::new(roster.name.clone(), device, prev, &run)?.for_audience(key.0.clone())?.leaving(key.1.clone())?;
        let sealed = bundle::seal(&header, &run, keys, to)?;
        prev = sealed.id.clone();
        out.push(sealed);
        start = end;
    }
    Ok(out)
}
