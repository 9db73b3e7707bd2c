//! Who reads a bundle (docs/sync.md, "Roles: what flows where"). The team's own rows (the
//! strategy, goals, indicators, targets, initiatives, manual values) go to every device on the
//! roster; a participant's case (the participant, enrolments, progress events) goes to the devices
//! of the case's caseworker and to every team lead's device. The escrow reads everything.
//!
//! A bundle for a caseload carries the caseworker's **tag** in its signed header and in its name
//! on the target: 16 hex digits of SHA-256 over the team and the user name, so that the name
//! says whose caseload it is without saying the person's name. Devices outside the audience pass
//! such a bundle without opening it (it is not encrypted to them); the chain of its device goes
//! on past it.

use sha2::{Digest, Sha256};

use crate::SyncError;
use crate::keys::parse_recipient;
use crate::team::{Device, Roster};
use indsats_core::model::Role;

/// The tag of `user`'s caseload in `team`.
pub fn tag(team: &str, user: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"indsats-audience\0");
    h.update(team.as_bytes());
    h.update(b"\0");
    h.update(user.as_bytes());
    hex::encode(&h.finalize()[..8])
}

/// Whether `s` looks like a tag: 16 lower-case hex digits, the shape of a bundle id.
pub fn is_tag(s: &str) -> bool {
    crate::bundle::is_bundle_id(s)
}

/// The audience of a change whose case belongs to `owner` (`None`: a team row): `None` for the
/// whole team, else the caseworker's tag.
pub fn of(team: &str, owner: Option<&str>) -> Option<String> {
    owner.map(|user| tag(team, user))
}

/// Whether a device reads everything: the roster's lead, and every team lead.
pub fn reads_all(roster: &Roster, device: &Device) -> bool {
    device.role == Role::TeamLead || device.id == roster.lead
}

/// Whether `device` is in the audience `aud` (`None`: the whole team).
pub fn reads(roster: &Roster, device: &Device, aud: Option<&str>) -> bool {
    match aud {
        None => true,
        Some(t) => reads_all(roster, device) || tag(&roster.name, &device.user) == t,
    }
}

/// What a bundle for `aud` is encrypted to: the devices that read it, and the escrow.
pub fn recipients(roster: &Roster, aud: Option<&str>) -> Result<Vec<age::x25519::Recipient>, SyncError> {
    let mut out = Vec::with_capacity(roster.devices.len() + 1);
    for d in roster.devices.iter().filter(|d| reads(roster, d, aud)) {
        out.push(d.age_recipient()?);
    }
    out.push(parse_recipient(&roster.escrow)?);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::DeviceKeys;
    use rand::SeedableRng;

    fn keys(seed: u64) -> DeviceKeys {
        DeviceKeys::generate(&mut rand_chacha::ChaCha20Rng::seed_from_u64(seed))
    }

    #[test]
    fn caseloads_go_to_their_caseworker_and_the_leads_the_team_rows_to_all() {
        let lead = keys(1);
        let mut roster = Roster::new("t", Device::new("l", "L", "mette", Role::TeamLead, &lead), keys(9).recipient_string()).unwrap();
        roster.devices.push(Device::new("a1", "A1", "anna", Role::Caseworker, &keys(2)));
        roster.devices.push(Device::new("a2", "A2", "anna", Role::Caseworker, &keys(3)));
        roster.devices.push(Device::new("b", "B", "bo", Role::Caseworker, &keys(4)));
        roster.devices.push(Device::new("it", "IT", "it", Role::Admin, &keys(5)));
        roster.devices.push(Device::new("l2", "L2", "sara", Role::TeamLead, &keys(6)));
        let anna = of("t", Some("anna"));
        let who = |aud: Option<&str>| roster.devices.iter().filter(|d| reads(&roster, d, aud)).map(|d| d.id.as_str()).collect::<Vec<_>>();
        assert_eq!(who(None), ["l", "a1", "a2", "b", "it", "l2"]);
        assert_eq!(who(anna.as_deref()), ["l", "a1", "a2", "l2"]);
        assert_eq!(who(of("t", Some("bo")).as_deref()), ["l", "b", "l2"]);
        // A case whose caseworker has no device, or cannot be traced: the leads only.
        assert_eq!(who(of("t", Some("")).as_deref()), ["l", "l2"]);
        assert_eq!(recipients(&roster, anna.as_deref()).unwrap().len(), 5, "four devices and the escrow");
        // The tag is the team's: the same user in another team has another.
        assert_ne!(tag("t", "anna"), tag("u", "anna"));
        assert!(is_tag(&tag("t", "anna")));
        assert!(!is_tag("anna"));
    }
}
