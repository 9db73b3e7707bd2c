//! The team roster (`team.json`), invites and join requests (docs/sync.md, "Team roster").
//!
//! The roster names the team, its lead, every device with its role and public keys, and the
//! escrow recipient (IT holds that identity). The lead signs it; a device accepts a roster only
//! when it is signed by the lead key it already trusts (from its invite) and is not older than
//! the one it has ([`accept_update`]).
//!
//! Joining offline: the lead writes an [`Invite`] (the signed roster, which carries the lead's
//! key, and a note); the new device writes a [`JoinRequest`]; the lead calls
//! [`Roster::add_device`], [`Roster::sign`] and publishes the new roster; every device takes it
//! with [`accept_update`].
//!
//! This module knows nothing about bundles or targets.

use std::collections::HashSet;

use ed25519_dalek::VerifyingKey;
use indsats_core::model::Role;
use serde::{Deserialize, Serialize};

use crate::SyncError;
use crate::keys::{
    DeviceKeys, EscrowSigner, encode_sign_key, encode_signature, is_escrow_key, parse_recipient, parse_sign_key, parse_signature,
    verify_escrow,
};

/// The roster's `format`.
pub const ROSTER_FORMAT: &str = "indsats-team/1";
/// An invite file's `format`.
pub const INVITE_FORMAT: &str = "indsats-invite/1";
/// A join request file's `format`.
pub const JOIN_FORMAT: &str = "indsats-join/1";

/// One device on the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// The device id: also a path segment on the target, so letters, digits, `-`, `_` and `.`.
    pub id: String,
    /// A name people recognise ("Mettes bærbare").
    pub name: String,
    /// The user who works on it.
    pub user: String,
    pub role: Role,
    /// Base64 of the ed25519 public key that signs the device's bundles.
    pub sign_key: String,
    /// The `age1…` recipient bundles are encrypted to.
    pub recipient: String,
}

impl Device {
    /// A roster entry for a device with these keys.
    pub fn new(id: impl Into<String>, name: impl Into<String>, user: impl Into<String>, role: Role, keys: &DeviceKeys) -> Self {
        Self {
            id: id.into(),
            name: name.into(),
            user: user.into(),
            role,
            sign_key: keys.sign_key_base64(),
            recipient: keys.recipient_string(),
        }
    }

    /// The device's signing key, parsed.
    pub fn verifying_key(&self) -> Result<VerifyingKey, SyncError> {
        parse_sign_key(&self.sign_key)
    }

    /// The device's age recipient, parsed.
    pub fn age_recipient(&self) -> Result<age::x25519::Recipient, SyncError> {
        parse_recipient(&self.recipient)
    }
}

/// The signed roster: `{team}/team.json` on the target and inside invites.
///
/// Field order is the canonical order of docs/sync.md; do not reorder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub format: String,
    /// The team name: also the first path segment on the target.
    pub name: String,
    /// Raised by every change; a device never goes back to an older version.
    pub version: u64,
    /// The lead's device id; that device's `sign_key` signs the roster.
    pub lead: String,
    pub devices: Vec<Device>,
    /// The escrow `age1…` recipient: every bundle is also encrypted to it (IT holds the identity).
    pub escrow: String,
    /// Every time the lead role moved to another device, oldest first: each signed by the lead
    /// before it or, for a lost lead laptop, by the escrow. A device that trusts an earlier lead
    /// follows them to this roster's lead ([`accept_update`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub handovers: Vec<Handover>,
    /// Devices that left the team without handing over (a lost lead laptop): their bundles up
    /// to `last` stay the team's history, later ones are refused, and nothing new is encrypted
    /// to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<Retired>,
    /// Base64 of the lead's ed25519 signature over [`Roster::canonical_bytes`]; absent while
    /// the roster is being edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// The roster without its signature, in the canonical key order.
#[derive(Serialize)]
struct Canonical<'a> {
    format: &'a str,
    name: &'a str,
    version: u64,
    lead: &'a str,
    devices: &'a [Device],
    escrow: &'a str,
    #[serde(skip_serializing_if = "<[Handover]>::is_empty")]
    handovers: &'a [Handover],
    #[serde(skip_serializing_if = "<[Retired]>::is_empty")]
    retired: &'a [Retired],
}

/// A device that left the team after its change `last` ([`Roster::retired`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Retired {
    pub device: Device,
    /// The last change (`s`) of its that the team keeps.
    pub last: u64,
}

/// Who signed a [`Handover`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandoverBy {
    /// The lead before: `team lead-transfer`.
    Lead,
    /// IT's escrow, for a lost lead laptop: `team recover`.
    Escrow,
}

/// The lead role moving to another device at a roster version: the roster of that version is
/// signed by `from_key` (not yet by the new lead), later ones by the new lead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Handover {
    /// The roster version that names the new lead.
    pub version: u64,
    pub by: HandoverBy,
    /// Base64 of the signer's key: the lead's before, or the escrow's ([`EscrowSigner`]).
    pub from_key: String,
    /// The new lead's device id and signing key.
    pub to: String,
    pub to_key: String,
    /// Base64 of `from_key`'s signature over [`Handover::message`].
    pub signature: String,
}

impl Handover {
    /// What the signer signs: the team, the version, who signs, and the new lead.
    fn message(team: &str, version: u64, by: HandoverBy, from_key: &str, to: &str, to_key: &str) -> Vec<u8> {
        let by = match by {
            HandoverBy::Lead => "lead",
            HandoverBy::Escrow => "escrow",
        };
        format!("indsats-handover/1\n{team}\n{version}\n{by}\n{from_key}\n{to}\n{to_key}").into_bytes()
    }

    /// Checks the handover's signature (not whether its signer is trusted).
    fn verify(&self, team: &str) -> Result<(VerifyingKey, VerifyingKey), SyncError> {
        let from = parse_sign_key(&self.from_key)?;
        let to = parse_sign_key(&self.to_key)?;
        let sig = parse_signature(&self.signature).ok_or(SyncError::RosterNotSigned)?;
        let msg = Self::message(team, self.version, self.by, &self.from_key, &self.to, &self.to_key);
        let ok = match self.by {
            HandoverBy::Lead => from.verify_strict(&msg, &sig).is_ok(),
            HandoverBy::Escrow => verify_escrow(&from, &msg, &sig),
        };
        if ok { Ok((from, to)) } else { Err(SyncError::RosterNotSigned) }
    }
}

/// What [`accept_update`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterUpdate {
    /// The new roster differs from the current one: store it and use it, and trust `lead_key`
    /// from now on (the same key unless the lead was handed over).
    Changed { lead_key: VerifyingKey },
    /// The same roster: nothing to do.
    Unchanged,
}

impl Roster {
    /// A new team (version 1) with the lead as its only device, unsigned: call [`Roster::sign`].
    pub fn new(name: impl Into<String>, lead: Device, escrow: impl Into<String>) -> Result<Self, SyncError> {
        let roster = Self {
            format: ROSTER_FORMAT.to_string(),
            name: name.into(),
            version: 1,
            lead: lead.id.clone(),
            devices: vec![lead],
            escrow: escrow.into(),
            handovers: Vec::new(),
            retired: Vec::new(),
            signature: None,
        };
        roster.check()?;
        Ok(roster)
    }

    /// The bytes the lead signs: the object without `signature`, by serde_json, keys in the
    /// order of docs/sync.md.
    pub fn canonical_bytes(&self) -> Result<Vec<u8>, SyncError> {
        let c = Canonical {
            format: &self.format,
            name: &self.name,
            version: self.version,
            lead: &self.lead,
            devices: &self.devices,
            escrow: &self.escrow,
            handovers: &self.handovers,
            retired: &self.retired,
        };
        serde_json::to_vec(&c).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })
    }

    /// The roster as `team.json`.
    pub fn to_json(&self) -> Result<Vec<u8>, SyncError> {
        serde_json::to_vec_pretty(self).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })
    }

    /// Reads `team.json`. This checks the shape only: [`accept_update`] or [`Roster::verify`]
    /// decide whether to trust it.
    pub fn from_json(bytes: &[u8]) -> Result<Self, SyncError> {
        let roster: Self = serde_json::from_slice(bytes).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })?;
        roster.check()?;
        Ok(roster)
    }

    /// A device on the roster.
    pub fn device(&self, id: &str) -> Option<&Device> {
        self.devices.iter().find(|d| d.id == id)
    }

    /// Who made a bundle: a device on the roster, or a retired one with the last change of its
    /// that the team keeps.
    pub fn author(&self, id: &str) -> Option<(&Device, Option<u64>)> {
        self.device(id).map(|d| (d, None)).or_else(|| self.retired.iter().find(|r| r.device.id == id).map(|r| (&r.device, Some(r.last))))
    }

    /// The lead's device entry.
    pub fn lead_device(&self) -> Result<&Device, SyncError> {
        self.device(&self.lead).ok_or_else(|| SyncError::RosterInvalid { detail: format!("the lead {:?} is not on the roster", self.lead) })
    }

    /// The lead's signing key as the roster states it. Trust it only from an invite
    /// ([`Invite::trust`]); afterwards use the key the device already trusts.
    pub fn lead_key(&self) -> Result<VerifyingKey, SyncError> {
        self.lead_device()?.verifying_key()
    }

    /// Every recipient a bundle is encrypted to: each device's, then the escrow's.
    pub fn recipients(&self) -> Result<Vec<age::x25519::Recipient>, SyncError> {
        let mut out = Vec::with_capacity(self.devices.len() + 1);
        for d in &self.devices {
            out.push(d.age_recipient()?);
        }
        out.push(parse_recipient(&self.escrow)?);
        Ok(out)
    }

    /// Checks the roster's shape: format, names usable as path segments, unique device ids and
    /// keys, every key readable, the lead on the roster. It does not check the signature.
    pub fn check(&self) -> Result<(), SyncError> {
        let invalid = |detail: String| Err(SyncError::RosterInvalid { detail });
        if self.format != ROSTER_FORMAT {
            return invalid(format!("format {:?}, expected {ROSTER_FORMAT:?}", self.format));
        }
        if !is_segment(&self.name) {
            return invalid(format!("team name {:?} (letters, digits, '-', '_', '.')", self.name));
        }
        let mut ids = HashSet::new();
        let mut sign_keys = HashSet::new();
        let mut recipients = HashSet::new();
        for d in &self.devices {
            if !is_segment(&d.id) {
                return invalid(format!("device id {:?} (letters, digits, '-', '_', '.')", d.id));
            }
            if !ids.insert(d.id.as_str()) {
                return invalid(format!("device {:?} is listed twice", d.id));
            }
            let key = d.verifying_key()?;
            if !sign_keys.insert(key.to_bytes()) {
                return invalid(format!("device {:?} reuses another device's signing key", d.id));
            }
            let r = d.age_recipient()?.to_string();
            if !recipients.insert(r) {
                return invalid(format!("device {:?} reuses another device's recipient", d.id));
            }
        }
        for r in &self.retired {
            if !ids.insert(r.device.id.as_str()) {
                return invalid(format!("device {:?} is listed twice", r.device.id));
            }
            if !sign_keys.insert(r.device.verifying_key()?.to_bytes()) {
                return invalid(format!("device {:?} reuses another device's signing key", r.device.id));
            }
        }
        self.lead_device()?;
        parse_recipient(&self.escrow)?;
        let mut last = 0;
        for h in &self.handovers {
            if h.version <= last || h.version > self.version {
                return invalid(format!("handover at version {} out of order", h.version));
            }
            last = h.version;
            parse_sign_key(&h.from_key)?;
            parse_sign_key(&h.to_key)?;
        }
        if let Some(h) = self.handovers.last()
            && (h.to != self.lead || h.to_key != self.lead_device()?.sign_key)
        {
            return invalid("the last handover does not name the roster's lead".into());
        }
        Ok(())
    }

    /// The handover this version made, if it made one: its roster is signed by the handover's
    /// signer, not yet by the new lead.
    fn handover_now(&self) -> Option<&Handover> {
        self.handovers.last().filter(|h| h.version == self.version)
    }

    /// The key that must have signed this roster: the lead's, or at a handover's version the
    /// handover's signer.
    pub fn signer_key(&self) -> Result<VerifyingKey, SyncError> {
        match self.handover_now() {
            Some(h) => parse_sign_key(&h.from_key),
            None => self.lead_key(),
        }
    }

    /// Checks the roster's own signature against `key` (an escrow's in its own context).
    fn verify_signature(&self, key: &VerifyingKey) -> Result<(), SyncError> {
        let Some(sig) = self.signature.as_deref() else {
            return Err(SyncError::RosterNotSigned);
        };
        let sig = parse_signature(sig).ok_or(SyncError::RosterNotSigned)?;
        let bytes = self.canonical_bytes()?;
        let ok = match self.handover_now() {
            Some(h) if h.by == HandoverBy::Escrow => verify_escrow(key, &bytes, &sig),
            _ => key.verify_strict(&bytes, &sig).is_ok(),
        };
        if ok { Ok(()) } else { Err(SyncError::RosterNotSigned) }
    }

    /// The next version, led by `to` (already in `devices`), with the handover that says so,
    /// both signed by `sign` (the lead before's key or the escrow's, `from_key`).
    fn lead_to(
        &mut self,
        to: &Device,
        by: HandoverBy,
        from_key: &str,
        sign: impl Fn(&[u8]) -> ed25519_dalek::Signature,
    ) -> Result<(), SyncError> {
        self.version = self.version.saturating_add(1);
        self.lead = to.id.clone();
        let msg = Handover::message(&self.name, self.version, by, from_key, &to.id, &to.sign_key);
        let signature = encode_signature(&sign(&msg));
        self.handovers.push(Handover {
            version: self.version,
            by,
            from_key: from_key.to_string(),
            to: to.id.clone(),
            to_key: to.sign_key.clone(),
            signature,
        });
        self.check()?;
        self.signature = Some(encode_signature(&sign(&self.canonical_bytes()?)));
        Ok(())
    }

    /// Hands the lead role to device `to` (already on the roster), signed by the lead's own
    /// device (`lead`): raises the version; `to` gets a team lead's role if its role does not
    /// include one, and the lead before keeps its entry and role (change it afterwards from the
    /// new lead's device). The roster is signed and ready to publish. Returns the new lead.
    pub fn hand_over(&mut self, to: &str, lead: &DeviceKeys) -> Result<Device, SyncError> {
        self.check()?;
        if self.lead_key()? != lead.verifying_key() {
            return Err(SyncError::RosterInvalid { detail: "only the lead's device can hand the lead over".into() });
        }
        if to == self.lead {
            return Err(SyncError::RosterInvalid { detail: format!("device {to:?} already leads the team") });
        }
        let mut next = self.clone();
        let Some(d) = next.devices.iter_mut().find(|d| d.id == to) else {
            return Err(SyncError::RosterInvalid { detail: format!("device {to:?} is not on the roster") });
        };
        if !d.role.includes(Role::TeamLead) {
            d.role = Role::TeamLead;
        }
        let new_lead = d.clone();
        next.lead_to(&new_lead, HandoverBy::Lead, &lead.sign_key_base64(), |m| lead.sign(m))?;
        *self = next;
        Ok(new_lead)
    }

    /// Replaces a lost lead laptop, signed by IT's escrow: the device `new_lead` (this laptop's
    /// entry, added if it is not on the roster) leads with a team lead's role, and the lost
    /// lead's device is retired after its change `lost_last` (the last of its bundles on the
    /// target: what it made before is the team's history, anything later is refused). Raises the
    /// version; the roster is signed and ready to publish. Returns the lost device's entry.
    pub fn recover(&mut self, new_lead: Device, escrow: &EscrowSigner, lost_last: u64) -> Result<Device, SyncError> {
        self.check()?;
        if !is_escrow_key(&escrow.verifying_key(), &self.escrow) {
            return Err(SyncError::NotTheEscrow);
        }
        if new_lead.id == self.lead {
            return Err(SyncError::RosterInvalid { detail: format!("device {:?} already leads the team", new_lead.id) });
        }
        let mut next = self.clone();
        let lost = next.lead_device()?.clone();
        next.devices.retain(|d| d.id != lost.id && d.id != new_lead.id);
        next.retired.push(Retired { device: lost.clone(), last: lost_last });
        let mut entry = new_lead;
        if !entry.role.includes(Role::TeamLead) {
            entry.role = Role::TeamLead;
        }
        next.devices.push(entry.clone());
        next.lead_to(&entry, HandoverBy::Escrow, &encode_sign_key(&escrow.verifying_key()), |m| escrow.sign(m))?;
        *self = next;
        Ok(lost)
    }

    /// Checks a roster that arrived by hand (an invite, IT's copy of `team.json`) on its own
    /// terms: signed by its signer, every handover signed by the lead before it or by the
    /// escrow, ending at the roster's lead. Returns the lead key to trust from now on.
    pub fn verify_self(&self) -> Result<VerifyingKey, SyncError> {
        self.check()?;
        let mut trust: Option<VerifyingKey> = None;
        for h in &self.handovers {
            let (from, to) = h.verify(&self.name)?;
            let allowed = match (h.by, trust) {
                (HandoverBy::Lead, Some(t)) => from == t,
                // The first handover's lead before is not on record here: the roster's own
                // signature chain is what this checks, as an invite always did.
                (HandoverBy::Lead, None) => true,
                (HandoverBy::Escrow, _) => is_escrow_key(&from, &self.escrow),
            };
            if !allowed {
                return Err(SyncError::RosterNotSigned);
            }
            trust = Some(to);
        }
        self.verify_signature(&self.signer_key()?)?;
        self.lead_key()
    }

    /// Signs the roster as its lead. `lead` must be the keys of the device named `lead`.
    pub fn sign(&mut self, lead: &DeviceKeys) -> Result<(), SyncError> {
        self.check()?;
        if self.lead_key()? != lead.verifying_key() {
            return Err(SyncError::RosterInvalid { detail: "only the lead's device can sign the roster".into() });
        }
        let sig = lead.sign(&self.canonical_bytes()?);
        self.signature = Some(encode_signature(&sig));
        Ok(())
    }

    /// Checks that the roster is well formed and signed by `lead_key`, and that `lead_key` is
    /// the key of the roster's own lead.
    pub fn verify(&self, lead_key: &VerifyingKey) -> Result<(), SyncError> {
        self.check()?;
        if self.signer_key()? != *lead_key {
            return Err(SyncError::RosterNotSigned);
        }
        self.verify_signature(lead_key)
    }

    /// Adds the device of a join request; raises the version and drops the signature (sign
    /// again before publishing).
    pub fn add_device(&mut self, req: &JoinRequest) -> Result<(), SyncError> {
        if req.format != JOIN_FORMAT {
            return Err(SyncError::RosterInvalid { detail: format!("join request format {:?}, expected {JOIN_FORMAT:?}", req.format) });
        }
        if self.device(&req.id).is_some() {
            return Err(SyncError::RosterInvalid { detail: format!("device {:?} is already on the roster", req.id) });
        }
        let mut next = self.clone();
        next.devices.push(req.device());
        next.version = self.version.saturating_add(1);
        next.signature = None;
        next.check()?;
        *self = next;
        Ok(())
    }

    /// Changes a device's role; raises the version and drops the signature (sign again before
    /// publishing). The lead's own device keeps a role that leads (team lead or admin).
    pub fn set_role(&mut self, id: &str, role: Role) -> Result<Device, SyncError> {
        if id == self.lead && !role.includes(Role::TeamLead) {
            return Err(SyncError::RosterInvalid {
                detail: "the lead's device must keep a team lead's role: hand the lead over first".into(),
            });
        }
        let Some(d) = self.devices.iter_mut().find(|d| d.id == id) else {
            return Err(SyncError::RosterInvalid { detail: format!("device {id:?} is not on the roster") });
        };
        d.role = role;
        let changed = d.clone();
        self.version = self.version.saturating_add(1);
        self.signature = None;
        Ok(changed)
    }

    /// Removes a device (not the lead); raises the version and drops the signature (sign again
    /// before publishing). Bundles the device made earlier can no longer be verified by this
    /// roster, so apply them first.
    pub fn remove_device(&mut self, id: &str) -> Result<Device, SyncError> {
        if id == self.lead {
            return Err(SyncError::RosterInvalid { detail: "the lead's own device cannot be removed".into() });
        }
        let Some(at) = self.devices.iter().position(|d| d.id == id) else {
            return Err(SyncError::RosterInvalid { detail: format!("device {id:?} is not on the roster") });
        };
        let removed = self.devices.remove(at);
        self.version = self.version.saturating_add(1);
        self.signature = None;
        Ok(removed)
    }
}

/// Decides whether to take `new` in place of `current`: it must be signed by the lead key the
/// device trusts, name the same team, and not be older. Refused rosters change nothing.
///
/// A roster whose lead has changed since `current` is taken only through its handovers: each
/// signed by the lead this device trusts at that point (or by the escrow `current` names), in
/// order, ending at the new roster's lead. Its key is then the one to trust
/// ([`RosterUpdate::Changed`]).
pub fn accept_update(current: &Roster, trusted_lead: &VerifyingKey, new: &Roster) -> Result<RosterUpdate, SyncError> {
    new.check()?;
    if new.name != current.name {
        return Err(SyncError::WrongTeam { expected: current.name.clone(), found: new.name.clone() });
    }
    if new.version < current.version {
        return Err(SyncError::RosterOlder { have: current.version, got: new.version });
    }
    if new.version == current.version && new.canonical_bytes()? == current.canonical_bytes()? {
        return Ok(RosterUpdate::Unchanged);
    }
    let mut trust = *trusted_lead;
    for h in new.handovers.iter().filter(|h| h.version > current.version) {
        let (from, to) = h.verify(&new.name)?;
        let allowed = match h.by {
            HandoverBy::Lead => from == trust,
            HandoverBy::Escrow => is_escrow_key(&from, &current.escrow),
        };
        if !allowed {
            return Err(SyncError::RosterNotSigned);
        }
        trust = to;
    }
    match new.handover_now() {
        // The handover was checked above (its version is newer than `current`).
        Some(h) if h.version > current.version => new.verify_signature(&parse_sign_key(&h.from_key)?)?,
        _ => new.verify(&trust)?,
    }
    if new.lead_key()? != trust {
        return Err(SyncError::RosterNotSigned);
    }
    Ok(RosterUpdate::Changed { lead_key: trust })
}

/// An invite: the lead's signed roster (which carries the lead's key) and a note for the person
/// joining. It reaches the new device by hand (a USB stick, a mail inside the municipality); the
/// device then trusts the lead key in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub format: String,
    pub roster: Roster,
    pub note: String,
}

impl Invite {
    /// An invite with a roster signed by its lead.
    pub fn new(roster: Roster, note: impl Into<String>) -> Result<Self, SyncError> {
        roster.verify_self()?;
        Ok(Self { format: INVITE_FORMAT.to_string(), roster, note: note.into() })
    }

    /// The roster and the lead key the joining device will trust from now on, after checking
    /// that the roster is signed by the lead it names.
    pub fn trust(&self) -> Result<(Roster, VerifyingKey), SyncError> {
        if self.format != INVITE_FORMAT {
            return Err(SyncError::RosterInvalid { detail: format!("invite format {:?}, expected {INVITE_FORMAT:?}", self.format) });
        }
        let key = self.roster.verify_self()?;
        Ok((self.roster.clone(), key))
    }

    /// The invite file's bytes.
    pub fn to_json(&self) -> Result<Vec<u8>, SyncError> {
        serde_json::to_vec_pretty(self).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })
    }

    /// Reads an invite file (shape only; [`Invite::trust`] checks it).
    pub fn from_json(bytes: &[u8]) -> Result<Self, SyncError> {
        serde_json::from_slice(bytes).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })
    }
}

/// A new device's request to join: its id, name, user, role and public keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub format: String,
    pub id: String,
    pub name: String,
    pub user: String,
    pub role: Role,
    pub sign_key: String,
    pub recipient: String,
}

impl JoinRequest {
    /// The request for a device with these keys.
    pub fn new(id: impl Into<String>, name: impl Into<String>, user: impl Into<String>, role: Role, keys: &DeviceKeys) -> Self {
        let d = Device::new(id, name, user, role, keys);
        Self {
            format: JOIN_FORMAT.to_string(),
            id: d.id,
            name: d.name,
            user: d.user,
            role: d.role,
            sign_key: d.sign_key,
            recipient: d.recipient,
        }
    }

    /// The fingerprint of the key it asks to sign with, for the lead to compare with the one the
    /// joining computer shows.
    pub fn fingerprint(&self) -> Result<String, SyncError> {
        Ok(crate::keys::fingerprint(&parse_sign_key(&self.sign_key)?))
    }

    /// The roster entry it asks for.
    pub fn device(&self) -> Device {
        Device {
            id: self.id.clone(),
            name: self.name.clone(),
            user: self.user.clone(),
            role: self.role,
            sign_key: self.sign_key.clone(),
            recipient: self.recipient.clone(),
        }
    }

    /// The join request file's bytes.
    pub fn to_json(&self) -> Result<Vec<u8>, SyncError> {
        serde_json::to_vec_pretty(self).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })
    }

    /// Reads a join request file and checks that its id and keys are usable.
    pub fn from_json(bytes: &[u8]) -> Result<Self, SyncError> {
        let req: Self = serde_json::from_slice(bytes).map_err(|e| SyncError::RosterInvalid { detail: e.to_string() })?;
        if req.format != JOIN_FORMAT {
            return Err(SyncError::RosterInvalid { detail: format!("join request format {:?}, expected {JOIN_FORMAT:?}", req.format) });
        }
        if !is_segment(&req.id) {
            return Err(SyncError::RosterInvalid { detail: format!("device id {:?} (letters, digits, '-', '_', '.')", req.id) });
        }
        parse_sign_key(&req.sign_key)?;
        parse_recipient(&req.recipient)?;
        Ok(req)
    }
}

/// A name that is safe as one path segment on every target: 1–128 ASCII letters, digits, `-`,
/// `_` or `.`, not starting with `.`.
pub fn is_segment(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && !s.starts_with('.')
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn keys(seed: u64) -> DeviceKeys {
        DeviceKeys::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(seed))
    }

    #[test]
    fn canonical_form_has_the_documented_key_order_and_no_signature() {
        let lead = keys(1);
        let escrow = keys(9);
        let mut r = Roster::new(
            "ballerup-integration",
            Device::new("dev-a", "Mettes bærbare", "mette", Role::TeamLead, &lead),
            escrow.recipient_string(),
        )
        .unwrap();
        r.sign(&lead).unwrap();
        let text = String::from_utf8(r.canonical_bytes().unwrap()).unwrap();
        let expected_prefix = r#"{"format":"indsats-team/1","name":"ballerup-integration","version":1,"lead":"dev-a","devices":[{"id":"dev-a","name":"Mettes bærbare","user":"mette","role":"team_lead","sign_key":""#;
        assert!(text.starts_with(expected_prefix), "{text}");
        assert!(text.contains(r#"","recipient":"age1"#));
        assert!(text.contains(r#"}],"escrow":"age1"#));
        assert!(!text.contains("signature"));
        let json = String::from_utf8(r.to_json().unwrap()).unwrap();
        assert!(json.contains("\"signature\""));
        let back = Roster::from_json(json.as_bytes()).unwrap();
        assert_eq!(back, r);
        back.verify(&lead.verifying_key()).unwrap();
    }

    #[test]
    fn only_the_lead_signs() {
        let lead = keys(1);
        let other = keys(2);
        let mut r = Roster::new("t", Device::new("a", "A", "a", Role::TeamLead, &lead), keys(9).recipient_string()).unwrap();
        assert!(matches!(r.sign(&other), Err(SyncError::RosterInvalid { .. })));
        assert!(matches!(r.verify(&lead.verifying_key()), Err(SyncError::RosterNotSigned)));
    }

    #[test]
    fn segments() {
        assert!(is_segment("ballerup-integration"));
        assert!(is_segment("0190a3c2-7f7e-7c4b-9b0c-1234567890ab"));
        for bad in ["", ".", "..", "a/b", "a b", "æ", &"x".repeat(129)] {
            assert!(!is_segment(bad), "{bad:?}");
        }
    }
}
