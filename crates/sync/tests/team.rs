//! The roster: signed by the lead, refused when altered, older or from another team; joining
//! offline through an invite and a join request; removing a device. Synthetic data only.

use indsats_core::model::Role;
use indsats_core::validate::Lang;
use indsats_sync::SyncError;
use indsats_sync::bundle::{Change, Header, Op, open, seal};
use indsats_sync::keys::{DeviceKeys, EscrowSigner};
use indsats_sync::team::*;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

const TEAM: &str = "ballerup-integration";

fn keys(seed: u64) -> DeviceKeys {
    DeviceKeys::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

/// A signed roster of the lead and one caseworker, with an escrow.
fn roster(lead: &DeviceKeys, anna: &DeviceKeys, escrow: &DeviceKeys) -> Roster {
    let mut r =
        Roster::new(TEAM, Device::new("dev-lead", "Mettes bærbare", "mette", Role::TeamLead, lead), escrow.recipient_string()).unwrap();
    r.add_device(&JoinRequest::new("dev-anna", "Annas bærbare", "anna", Role::Caseworker, anna)).unwrap();
    r.sign(lead).unwrap();
    r
}

#[test]
fn a_signed_roster_verifies_and_an_altered_one_does_not() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let r = roster(&lead, &anna, &escrow);
    assert_eq!(r.version, 2);
    r.verify(&lead.verifying_key()).unwrap();
    assert!(matches!(r.verify(&anna.verifying_key()), Err(SyncError::RosterNotSigned)));

    let mut role = r.clone();
    role.devices[1].role = Role::Admin;
    assert!(matches!(role.verify(&lead.verifying_key()), Err(SyncError::RosterNotSigned)));

    let mut version = r.clone();
    version.version += 1;
    assert!(matches!(version.verify(&lead.verifying_key()), Err(SyncError::RosterNotSigned)));

    let mut escrow_swapped = r.clone();
    escrow_swapped.escrow = keys(66).recipient_string();
    assert!(matches!(escrow_swapped.verify(&lead.verifying_key()), Err(SyncError::RosterNotSigned)));

    let mut recipient_swapped = r.clone();
    recipient_swapped.devices[1].recipient = keys(67).recipient_string();
    assert!(recipient_swapped.verify(&lead.verifying_key()).is_err());

    let mut unsigned = r.clone();
    unsigned.signature = None;
    assert!(matches!(unsigned.verify(&lead.verifying_key()), Err(SyncError::RosterNotSigned)));

    let mut garbage = r.clone();
    garbage.signature = Some("AAAA".into());
    assert!(matches!(garbage.verify(&lead.verifying_key()), Err(SyncError::RosterNotSigned)));

    // Through team.json and back, it still verifies.
    let back = Roster::from_json(&r.to_json().unwrap()).unwrap();
    back.verify(&lead.verifying_key()).unwrap();

    // The messages say what to do.
    let e = SyncError::RosterNotSigned;
    assert_eq!(e.code(), "roster_not_signed");
    assert!(e.message(Lang::Da).contains("teamlederen"));
    assert!(e.message(Lang::En).contains("team lead"));
}

#[test]
fn updates_are_taken_only_when_signed_by_the_trusted_lead_same_team_and_not_older() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let current = roster(&lead, &anna, &escrow);
    let trusted = lead.verifying_key();
    assert_eq!(accept_update(&current, &trusted, &current).unwrap(), RosterUpdate::Unchanged);

    let mut newer = current.clone();
    newer.add_device(&JoinRequest::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &keys(4))).unwrap();
    // Not signed yet.
    assert!(matches!(accept_update(&current, &trusted, &newer), Err(SyncError::RosterNotSigned)));
    newer.sign(&lead).unwrap();
    assert_eq!(accept_update(&current, &trusted, &newer).unwrap(), RosterUpdate::Changed { lead_key: trusted });

    // Older: refused.
    let err = accept_update(&newer, &trusted, &current).unwrap_err();
    assert!(matches!(err, SyncError::RosterOlder { have: 3, got: 2 }), "{err:?}");
    assert!(err.message(Lang::En).contains("version 2"));

    // Another team, same lead: refused.
    let mut other = newer.clone();
    other.name = "herlev-integration".into();
    other.sign(&lead).unwrap();
    assert!(matches!(accept_update(&current, &trusted, &other), Err(SyncError::WrongTeam { .. })));

    // Someone who puts their own key in as the lead's and signs: refused by a member who trusts
    // the real lead key.
    let mallory = keys(13);
    let mut hijack = newer.clone();
    hijack.devices[0].sign_key = mallory.sign_key_base64();
    hijack.version = 99;
    hijack.sign(&mallory).unwrap();
    assert!(matches!(accept_update(&current, &trusted, &hijack), Err(SyncError::RosterNotSigned)));

    // A mis-signed roster: the lead's key, but the signature of another roster.
    let mut mixed = newer.clone();
    mixed.signature = current.signature.clone();
    assert!(matches!(accept_update(&current, &trusted, &mixed), Err(SyncError::RosterNotSigned)));
}

#[test]
fn joining_offline_through_an_invite_and_a_join_request() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let current = roster(&lead, &anna, &escrow);

    // The lead writes an invite; it reaches the new device by hand.
    let invite = Invite::new(current.clone(), "Velkommen til teamet. Synkroniseringsmappe: S:\\Integration\\sync").unwrap();
    let invite_file = invite.to_json().unwrap();

    // The new device trusts the lead key in it and writes a join request.
    let bo = keys(4);
    let (bo_roster, bo_trusts) = Invite::from_json(&invite_file).unwrap().trust().unwrap();
    assert_eq!(bo_trusts, lead.verifying_key());
    assert_eq!(bo_roster, current);
    let request_file = JoinRequest::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &bo).to_json().unwrap();

    // The lead adds it and signs.
    let req = JoinRequest::from_json(&request_file).unwrap();
    let mut next = current.clone();
    next.add_device(&req).unwrap();
    assert_eq!(next.version, current.version + 1);
    assert!(next.signature.is_none());
    next.sign(&lead).unwrap();
    let published = next.to_json().unwrap();

    // A member who trusts the lead key from its own invite takes it; so does the new device.
    let taken = Roster::from_json(&published).unwrap();
    assert_eq!(accept_update(&current, &lead.verifying_key(), &taken).unwrap(), RosterUpdate::Changed { lead_key: lead.verifying_key() });
    assert_eq!(accept_update(&bo_roster, &bo_trusts, &taken).unwrap(), RosterUpdate::Changed { lead_key: lead.verifying_key() });
    assert_eq!(taken.device("dev-bo").unwrap().sign_key, bo.sign_key_base64());

    // Now bundles between anna and bo open both ways, and the escrow reads them.
    let changes =
        vec![Change { s: 1, h: 1 << 16, t: "participant".into(), r: "p1".into(), o: Op::Delete, f: None, v: None, b: None, d: None }];
    let header = Header::new(TEAM, "dev-bo", "", &changes).unwrap();
    let sealed = seal(&header, &changes, &bo, &taken.recipients().unwrap()).unwrap();
    for reader in [&anna, &lead, &escrow, &bo] {
        assert_eq!(open(&sealed.bytes, reader.identity(), &taken).unwrap().changes, changes);
    }
    // Under the old roster, bo was not a member.
    assert!(matches!(open(&sealed.bytes, anna.identity(), &current), Err(SyncError::UnknownDevice { .. })));
}

#[test]
fn join_requests_that_clash_are_refused() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let mut r = roster(&lead, &anna, &escrow);
    let before = r.clone();
    // The same id again.
    assert!(matches!(
        r.add_device(&JoinRequest::new("dev-anna", "x", "x", Role::Caseworker, &keys(9))),
        Err(SyncError::RosterInvalid { .. })
    ));
    // Another id with anna's keys.
    assert!(matches!(r.add_device(&JoinRequest::new("dev-copy", "x", "x", Role::Caseworker, &anna)), Err(SyncError::RosterInvalid { .. })));
    // An id that is not a path segment.
    assert!(r.add_device(&JoinRequest::new("../evil", "x", "x", Role::Caseworker, &keys(10))).is_err());
    // Keys that are not keys.
    let mut bad = JoinRequest::new("dev-x", "x", "x", Role::Caseworker, &keys(11));
    bad.sign_key = "AAAA".into();
    assert!(matches!(r.add_device(&bad), Err(SyncError::BadKey { .. })));
    assert!(JoinRequest::from_json(&bad.to_json().unwrap()).is_err());
    assert_eq!(r, before, "a refused request changes nothing");
}

#[test]
fn removing_a_device() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let current = roster(&lead, &anna, &escrow);
    let mut next = current.clone();
    assert!(next.remove_device("dev-lead").is_err());
    assert!(next.remove_device("dev-nobody").is_err());
    assert_eq!(next, current);
    let removed = next.remove_device("dev-anna").unwrap();
    assert_eq!(removed.user, "anna");
    assert_eq!(next.version, current.version + 1);
    next.sign(&lead).unwrap();
    assert_eq!(accept_update(&current, &lead.verifying_key(), &next).unwrap(), RosterUpdate::Changed { lead_key: lead.verifying_key() });

    // Anna's bundles are refused under the new roster, and new bundles are not encrypted to her.
    let changes = vec![Change {
        s: 1,
        h: 1,
        t: "participant".into(),
        r: "p1".into(),
        o: Op::Update,
        f: Some("phone".into()),
        v: Some("\"12345678\"".into()),
        b: None,
        d: None,
    }];
    let from_anna = seal(&Header::new(TEAM, "dev-anna", "", &changes).unwrap(), &changes, &anna, &current.recipients().unwrap()).unwrap();
    assert!(matches!(open(&from_anna.bytes, lead.identity(), &next), Err(SyncError::UnknownDevice { .. })));
    let from_lead = seal(&Header::new(TEAM, "dev-lead", "", &changes).unwrap(), &changes, &lead, &next.recipients().unwrap()).unwrap();
    assert!(matches!(open(&from_lead.bytes, anna.identity(), &current), Err(SyncError::NotForUs)));
    assert!(open(&from_lead.bytes, escrow.identity(), &next).is_ok());
}

#[test]
fn an_invite_must_carry_a_roster_signed_by_its_lead() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let mut r = roster(&lead, &anna, &escrow);
    r.signature = None;
    assert!(Invite::new(r.clone(), "note").is_err());
    r.sign(&lead).unwrap();
    let mut invite = Invite::new(r, "note").unwrap();
    invite.roster.devices[1].role = Role::TeamLead;
    assert!(matches!(invite.trust(), Err(SyncError::RosterNotSigned)));
}

#[test]
fn malformed_rosters_are_refused() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let r = roster(&lead, &anna, &escrow);
    let text = String::from_utf8(r.to_json().unwrap()).unwrap();
    assert!(Roster::from_json(text.replace("indsats-team/1", "indsats-team/2").as_bytes()).is_err());
    assert!(Roster::from_json(b"{}").is_err());
    assert!(Roster::from_json(b"not json").is_err());
    let mut no_lead = r.clone();
    no_lead.lead = "dev-gone".into();
    assert!(matches!(no_lead.check(), Err(SyncError::RosterInvalid { .. })));
    let mut bad_escrow = r.clone();
    bad_escrow.escrow = "age1nope".into();
    assert!(matches!(bad_escrow.check(), Err(SyncError::BadKey { .. })));
    let mut twice = r.clone();
    twice.devices.push(twice.devices[1].clone());
    assert!(twice.check().is_err());
    assert!(Roster::new("a/b", Device::new("dev-lead", "x", "x", Role::TeamLead, &lead), escrow.recipient_string()).is_err());
}

// ---- Handing the lead over, and replacing a lost lead laptop ------------------------------------

/// Anna's view of a newer roster: taken, with the lead key she trusts from then on.
fn take(current: &Roster, trusted: &ed25519_dalek::VerifyingKey, new: &Roster) -> Result<ed25519_dalek::VerifyingKey, SyncError> {
    match accept_update(current, trusted, new)? {
        RosterUpdate::Changed { lead_key } => Ok(lead_key),
        RosterUpdate::Unchanged => Ok(*trusted),
    }
}

#[test]
fn the_lead_hands_over_and_every_device_follows_even_one_that_missed_versions() {
    let (lead, anna, bo, escrow) = (keys(1), keys(2), keys(4), keys(3));
    let mut r = roster(&lead, &anna, &escrow);
    r.add_device(&JoinRequest::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &bo)).unwrap();
    r.sign(&lead).unwrap();
    let anna_has = r.clone();

    // Only the lead's own device hands over, and only to a device on the roster.
    assert!(r.clone().hand_over("dev-bo", &anna).is_err());
    assert!(r.clone().hand_over("dev-nobody", &lead).is_err());
    assert!(r.clone().hand_over("dev-lead", &lead).is_err());

    let mut handed = r.clone();
    let new_lead = handed.hand_over("dev-bo", &lead).unwrap();
    assert_eq!((new_lead.id.as_str(), new_lead.role), ("dev-bo", Role::TeamLead), "the new lead gets a lead's role");
    assert_eq!((handed.lead.as_str(), handed.version), ("dev-bo", r.version + 1));
    assert_eq!(handed.device("dev-lead").unwrap().role, Role::TeamLead, "the lead before keeps its entry and role");
    let handed = Roster::from_json(&handed.to_json().unwrap()).unwrap();
    assert_eq!(take(&anna_has, &lead.verifying_key(), &handed).unwrap(), bo.verifying_key(), "anna now trusts bo's key");

    // The old lead can no longer sign; the new one can, and a device that never saw the
    // handover's version follows the handover kept in the roster.
    let mut later = handed.clone();
    later.set_role("dev-lead", Role::Caseworker).unwrap();
    assert!(later.clone().sign(&lead).is_err(), "the lead before signs nothing now");
    later.sign(&bo).unwrap();
    assert_eq!(take(&handed, &bo.verifying_key(), &later).unwrap(), bo.verifying_key());
    assert_eq!(take(&anna_has, &lead.verifying_key(), &later).unwrap(), bo.verifying_key(), "two versions behind");
    assert!(
        matches!(accept_update(&handed, &lead.verifying_key(), &later), Err(SyncError::RosterNotSigned)),
        "a device that took the handover trusts bo only"
    );

    // A handover to and back: a device that missed both follows both.
    let mut back = later.clone();
    back.add_device(&JoinRequest::new("dev-mette2", "Mettes nye", "mette", Role::Caseworker, &keys(5))).unwrap();
    back.sign(&bo).unwrap();
    back.hand_over("dev-mette2", &bo).unwrap();
    assert_eq!(take(&anna_has, &lead.verifying_key(), &back).unwrap(), keys(5).verifying_key());
    // An invite made from it gives a joining device the new lead's key.
    let (_, k) = Invite::new(back.clone(), "").unwrap().trust().unwrap();
    assert_eq!(k, keys(5).verifying_key());
}

#[test]
fn a_handover_not_signed_by_the_trusted_lead_is_refused() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let r = roster(&lead, &anna, &escrow);

    // Anna names herself lead and signs it: refused, with or without a handover record.
    let mut forged = r.clone();
    forged.lead = "dev-anna".into();
    forged.devices[1].role = Role::TeamLead;
    forged.version += 1;
    forged.sign(&anna).unwrap();
    assert!(matches!(accept_update(&r, &lead.verifying_key(), &forged), Err(SyncError::RosterNotSigned)));
    assert!(r.clone().hand_over("dev-anna", &anna).is_err(), "her key is not the lead's");
    let mut by_anna = r.clone();
    by_anna.devices.swap(0, 1);
    by_anna.lead = "dev-anna".into();
    by_anna.devices[0].role = Role::TeamLead;
    by_anna.sign(&anna).unwrap();
    by_anna.hand_over("dev-lead", &anna).unwrap();
    assert!(
        matches!(accept_update(&r, &lead.verifying_key(), &by_anna), Err(SyncError::RosterNotSigned)),
        "a record signed by a lead anna made up"
    );

    // A genuine record, altered afterwards: refused; as made: taken.
    let mut handed = r.clone();
    handed.hand_over("dev-anna", &lead).unwrap();
    let mut tampered = handed.clone();
    tampered.handovers[0].signature = handed.signature.clone().unwrap();
    assert!(accept_update(&r, &lead.verifying_key(), &tampered).is_err(), "a record whose signature is not its own");
    assert_eq!(take(&r, &lead.verifying_key(), &handed).unwrap(), anna.verifying_key());
}

#[test]
fn it_s_escrow_replaces_a_lost_lead_laptop_and_the_team_follows() {
    let (lead, anna, escrow) = (keys(1), keys(2), keys(3));
    let r = roster(&lead, &anna, &escrow);
    let replacement = keys(6);
    let entry = Device::new("dev-mette-ny", "Mettes nye bærbare", "mette", Role::TeamLead, &replacement);

    // Another escrow's identity is refused, and changes nothing.
    let mut wrong = r.clone();
    let err = wrong.recover(entry.clone(), &EscrowSigner::new(keys(30).identity()).unwrap(), 2).unwrap_err();
    assert!(matches!(err, SyncError::NotTheEscrow), "{err:?}");
    assert!(err.message(Lang::Da).contains("intet er ændret"));
    assert_eq!(wrong, r);

    let mut recovered = r.clone();
    let lost = recovered.recover(entry, &EscrowSigner::new(escrow.identity()).unwrap(), 2).unwrap();
    assert_eq!(lost.id, "dev-lead");
    assert!(recovered.device("dev-lead").is_none(), "the lost laptop's keys are no longer the team's");
    assert_eq!(recovered.retired.len(), 1);
    assert!(!recovered.recipients().unwrap().iter().any(|r| r.to_string() == lead.recipient_string()), "nothing new is sealed to it");

    // Its bundles up to its change 2 stay the team's history; a later one (a thief's) is refused.
    let change = |s: u64| Change {
        s,
        h: s,
        t: "initiative".into(),
        r: "i1".into(),
        o: Op::Update,
        f: Some("title".into()),
        v: Some("\"x\"".into()),
        b: None,
        d: None,
    };
    let upto = vec![change(1), change(2)];
    let old = seal(&Header::new(TEAM, "dev-lead", "", &upto).unwrap(), &upto, &lead, &r.recipients().unwrap()).unwrap();
    assert_eq!(open(&old.bytes, escrow.identity(), &recovered).unwrap().header.to, 2);
    let later = vec![change(3)];
    let thief = seal(&Header::new(TEAM, "dev-lead", &old.id, &later).unwrap(), &later, &lead, &r.recipients().unwrap()).unwrap();
    let err = open(&thief.bytes, escrow.identity(), &recovered).unwrap_err();
    assert!(matches!(err, SyncError::Retired { last: 2, .. }), "{err:?}");
    assert!(err.message(Lang::Da).contains("resten af teamet synkroniserer videre"));
    assert_eq!((recovered.lead.as_str(), recovered.version), ("dev-mette-ny", r.version + 1));
    let recovered = Roster::from_json(&recovered.to_json().unwrap()).unwrap();
    assert_eq!(take(&r, &lead.verifying_key(), &recovered).unwrap(), replacement.verifying_key(), "anna follows IT's escrow");
    assert_eq!(recovered.verify_self().unwrap(), replacement.verifying_key());

    // The new lead signs from then on; a roster signed by the lost laptop is refused.
    let mut next = recovered.clone();
    next.add_device(&JoinRequest::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &keys(4))).unwrap();
    next.sign(&replacement).unwrap();
    assert_eq!(take(&recovered, &replacement.verifying_key(), &next).unwrap(), replacement.verifying_key());
    assert_eq!(take(&r, &lead.verifying_key(), &next).unwrap(), replacement.verifying_key(), "a device that missed the recovery");
    let mut thief = r.clone();
    thief.add_device(&JoinRequest::new("dev-thief", "x", "x", Role::TeamLead, &keys(9))).unwrap();
    thief.version = next.version + 1;
    thief.sign(&lead).unwrap();
    assert!(
        matches!(accept_update(&next, &replacement.verifying_key(), &thief), Err(SyncError::RosterNotSigned)),
        "the lost laptop signs nothing"
    );

    // An escrow record under a different escrow than the one the device trusts: refused.
    let mut other = r.clone();
    other.escrow = keys(31).recipient_string();
    other.sign(&lead).unwrap();
    let mut other_recovered = other.clone();
    other_recovered
        .recover(Device::new("dev-x", "X", "x", Role::TeamLead, &keys(10)), &EscrowSigner::new(keys(31).identity()).unwrap(), 0)
        .unwrap();
    assert!(matches!(accept_update(&r, &lead.verifying_key(), &other_recovered), Err(SyncError::RosterNotSigned)));
}
