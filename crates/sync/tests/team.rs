//! The roster: signed by the lead, refused when altered, older or from another team; joining
//! offline through an invite and a join request; removing a device. Synthetic data only.

use indsats_core::model::Role;
use indsats_core::validate::Lang;
use indsats_sync::SyncError;
use indsats_sync::bundle::{Change, Header, Op, open, seal};
use indsats_sync::keys::DeviceKeys;
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
    assert_eq!(accept_update(&current, &trusted, &newer).unwrap(), RosterUpdate::Changed);

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
    assert_eq!(accept_update(&current, &lead.verifying_key(), &taken).unwrap(), RosterUpdate::Changed);
    assert_eq!(accept_update(&bo_roster, &bo_trusts, &taken).unwrap(), RosterUpdate::Changed);
    assert_eq!(taken.device("dev-bo").unwrap().sign_key, bo.sign_key_base64());

    // Now bundles between anna and bo open both ways, and the escrow reads them.
    let changes = vec![Change { s: 1, h: 1 << 16, t: "participant".into(), r: "p1".into(), o: Op::Delete, f: None, v: None, b: None }];
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
    assert_eq!(accept_update(&current, &lead.verifying_key(), &next).unwrap(), RosterUpdate::Changed);

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
