//! From this device's change log to sealed bundles: the next run of changes after the last
//! bundle made, sealed to the team. (The outbox's states, pushing and retrying come next; see
//! docs/sync.md.)

use indsats_store::{ChangeRow, Reader};

use crate::SyncError;
use crate::bundle::{self, Change, Header, Op, SealedBundle};
use crate::keys::DeviceKeys;
use crate::team::Roster;

/// A change-log row in its wire form.
pub fn to_change(row: ChangeRow) -> Result<Change, SyncError> {
    let o =
        Op::parse(&row.op).ok_or_else(|| SyncError::Malformed { detail: format!("change {} has the unknown op {:?}", row.seq, row.op) })?;
    Ok(Change { s: row.seq, h: row.hlc, t: row.table, r: row.row_id, o, f: row.field, v: row.value, b: row.base })
}

/// The next bundle of this device: its changes after seq `after` (at most `limit`), chained
/// to `prev` (the id of its previous bundle, empty for the first), sealed to every device on
/// the roster and its escrow. `None` when there is nothing new.
pub fn next_bundle(
    r: &Reader<'_>,
    roster: &Roster,
    device: &str,
    keys: &DeviceKeys,
    prev: &str,
    after: u64,
    limit: u32,
) -> Result<Option<SealedBundle>, SyncError> {
    let changes = r.own_changes(after, limit)?.into_iter().map(to_change).collect::<Result<Vec<_>, _>>()?;
    if changes.is_empty() {
        return Ok(None);
    }
    let header = Header::new(roster.name.clone(), device, prev, &changes)?;
    bundle::seal(&header, &changes, keys, &roster.recipients()?).map(Some)
}
