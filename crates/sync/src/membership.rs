//! This device's place in a team, kept in the encrypted store's sync state (never in a plain
//! file): its keys, the roster it uses, the lead key it trusts (from its invite, or its own when
//! it leads) and the target's settings (without the password, which is in the OS keystore).
//!
//! Writing these is the front end's business (inside an audited write: `Tx::set_sync_state`);
//! this module only names the keys, encodes and decodes.

use ed25519_dalek::VerifyingKey;
use indsats_store::Store;
use zeroize::Zeroizing;

use crate::SyncError;
use crate::keys::{DeviceKeys, encode_sign_key, parse_sign_key};
use crate::target::TargetConfig;
use crate::team::Roster;

/// The device's keys (secret: the signing key and the age identity).
pub const KEYS: &str = "team.keys";
/// The roster in use (its JSON, signed).
pub const ROSTER: &str = "team.roster";
/// The lead key this device trusts (base64).
pub const LEAD_KEY: &str = "team.lead_key";
/// The target's settings (JSON of [`TargetConfig`]).
pub const TARGET: &str = "team.target";

/// This device in its team.
pub struct Membership {
    pub keys: DeviceKeys,
    pub roster: Roster,
    pub lead_key: VerifyingKey,
}

impl std::fmt::Debug for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membership").field("team", &self.roster.name).field("version", &self.roster.version).finish()
    }
}

impl Membership {
    /// The membership kept in `store`, or `None` before the device creates or joins a team.
    pub fn load(store: &Store) -> Result<Option<Membership>, SyncError> {
        let (Some(keys), Some(roster), Some(lead)) = (store.sync_state(KEYS)?, store.sync_state(ROSTER)?, store.sync_state(LEAD_KEY)?)
        else {
            return Ok(None);
        };
        let keys = DeviceKeys::from_secret_string(&Zeroizing::new(keys))?;
        let roster = Roster::from_json(roster.as_bytes())?;
        let lead_key = parse_sign_key(&lead)?;
        Ok(Some(Membership { keys, roster, lead_key }))
    }

    /// The values to keep (all three keys), for `Tx::set_sync_state`.
    pub fn encode(&self) -> Result<Encoded, SyncError> {
        Ok(Encoded {
            keys: self.keys.to_secret_string()?,
            roster: String::from_utf8(self.roster.to_json()?).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })?,
            lead_key: encode_sign_key(&self.lead_key),
        })
    }

    /// Whether `device` leads the team.
    pub fn leads(&self, device: &str) -> bool {
        self.roster.lead == device
    }
}

/// [`Membership`] as sync-state values.
pub struct Encoded {
    pub keys: Zeroizing<String>,
    pub roster: String,
    pub lead_key: String,
}

impl Encoded {
    /// The pairs for `Tx::set_sync_state`.
    pub fn pairs(&self) -> [(&'static str, Option<&str>); 3] {
        [(KEYS, Some(self.keys.as_str())), (ROSTER, Some(self.roster.as_str())), (LEAD_KEY, Some(self.lead_key.as_str()))]
    }
}

/// The roster alone, as the sync-state value (after taking a newer one from the target).
pub fn roster_value(roster: &Roster) -> Result<String, SyncError> {
    String::from_utf8(roster.to_json()?).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })
}

/// The target's settings kept in `store`.
pub fn target(store: &Store) -> Result<Option<TargetConfig>, SyncError> {
    match store.sync_state(TARGET)? {
        None => Ok(None),
        Some(v) => serde_json::from_str(&v).map(Some).map_err(|e| SyncError::TargetConfig { detail: e.to_string() }),
    }
}

/// The target's settings as the sync-state value.
pub fn target_value(config: &TargetConfig) -> Result<String, SyncError> {
    serde_json::to_string(config).map_err(|e| SyncError::TargetConfig { detail: e.to_string() })
}
