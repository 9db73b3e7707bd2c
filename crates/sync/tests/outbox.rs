//! A real encrypted store's change log, bundled: what leaves is this device's changes, in order,
//! sealed so that the team reads the team's rows, a caseload goes to its caseworker and the
//! leads only, and nobody else reads anything.

use chrono::{NaiveDate, TimeZone, Utc};
use indsats_core::event::{EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_store::{AuditEntry, KdfParams, Store};
use indsats_sync::audience;
use indsats_sync::bundle;
use indsats_sync::keys::DeviceKeys;
use indsats_sync::outbox::next_bundles;
use indsats_sync::team::{Device, Roster};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

const NAME: &str = "Zarathustra Quixbyfjeld";

fn keys(seed: u64) -> DeviceKeys {
    DeviceKeys::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

#[test]
fn the_change_log_leaves_as_sealed_bundles_in_order() {
    let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(dir.path(), "correct horse battery", KdfParams::FAST_INSECURE, "dev-anna", now).unwrap();
    let audit = AuditEntry {
        user: "anna".into(),
        role: "caseworker".into(),
        action: "test".into(),
        subject: None,
        purpose: "test".into(),
        detail: String::new(),
    };
    let p = Participant {
        id: ParticipantId::new(1_700_000_000_000, [1; 10]),
        pseudonym: "D-0001".into(),
        name: NAME.into(),
        cpr: None,
        birth_year: 1990,
        origin: Origin::NonWestern,
        arrival_date: Some(day(1, 1)),
        programme: ProgrammeKind::SelfSupport,
        programme_start: Some(day(2, 1)),
        programme_end: None,
        caseworker: "anna".into(),
        case_closed: None,
    };
    store.write(now, &audit, |tx| tx.insert_participant(&p)).unwrap();
    for n in 0..3u8 {
        let e = ProgressEvent {
            id: EventId::new(1_700_000_000_100 + u64::from(n), [n; 10]),
            participant: p.id,
            date: day(3, 1 + u32::from(n)),
            details: EventDetails::MeetingHeld {},
            recorded_by: "anna".into(),
            recorded_at: now,
        };
        store.write(now, &audit, |tx| tx.insert_event(&e)).unwrap();
    }
    store.write(now, &audit, |tx| tx.set_case_closed(p.id, Some(day(11, 20)))).unwrap();
    let course = Initiative {
        id: InitiativeId::new(1_700_000_000_200, [7; 10]),
        title: "Danskuddannelse modul 3".into(),
        kind: InitiativeType::Mentor,
        owner: "mette".into(),
        start: day(1, 1),
        end: None,
        capacity: None,
        status: InitiativeStatus::Active,
        description: String::new(),
    };
    store.write(now, &audit, |tx| tx.insert_initiative(&course)).unwrap();

    let (lead, anna, bo, outsider) = (keys(1), keys(2), keys(3), keys(9));
    let mut roster =
        Roster::new("ballerup-integration", Device::new("dev-lead", "Leder", "mette", Role::TeamLead, &lead), keys(4).recipient_string())
            .unwrap();
    roster.devices.push(Device::new(store.device(), "Annas bærbare", "anna", Role::Caseworker, &anna));
    roster.devices.push(Device::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &bo));
    roster.sign(&lead).unwrap();
    let tag = audience::tag("ballerup-integration", "anna");

    // At most 3 changes at a time: 1 insert + 3 events + 1 update of Anna's case, then the
    // initiative (the team's). The first three are one bundle, for Anna's caseload.
    let first = next_bundles(&store.read(), &roster, store.device(), &anna, "", 0, 3).unwrap();
    let [first] = first.as_slice() else { panic!("one bundle: {first:?}") };
    assert!(first.name.ends_with(&format!(".{tag}.bundle")), "{}", first.name);
    assert!(!first.bytes.windows(NAME.len()).any(|w| w == NAME.as_bytes()), "no plaintext on the target");
    let opened = bundle::open(&first.bytes, lead.identity(), &roster).unwrap();
    assert_eq!((opened.header.from, opened.header.to, opened.changes.len()), (1, 3, 3));
    assert_eq!(opened.header.aud.as_deref(), Some(tag.as_str()));
    assert_eq!(opened.changes[0].t, "participant");
    assert!(opened.changes[0].v.as_deref().unwrap().contains(NAME), "the lead reads the case");
    assert!(matches!(bundle::open(&first.bytes, bo.identity(), &roster), Err(indsats_sync::SyncError::NotForUs)), "Bo does not");
    assert!(!bundle::addressed_to(&first.bytes, bo.identity()).unwrap());

    // The rest: split where the audience changes, chained.
    let rest = next_bundles(&store.read(), &roster, store.device(), &anna, &first.id, opened.header.to, 3).unwrap();
    let [case, team] = rest.as_slice() else { panic!("two bundles: {rest:?}") };
    let opened2 = bundle::open(&case.bytes, anna.identity(), &roster).unwrap();
    assert_eq!((opened2.header.from, opened2.header.to, opened2.header.prev.as_str()), (4, 5, first.id.as_str()));
    let last = &opened2.changes[1];
    assert_eq!((last.t.as_str(), last.f.as_deref(), last.v.as_deref()), ("participant", Some("case_closed"), Some("\"2026-11-20\"")));
    let opened3 = bundle::open(&team.bytes, bo.identity(), &roster).unwrap();
    assert_eq!((opened3.header.from, opened3.header.to, opened3.header.prev.as_str()), (6, 6, case.id.as_str()));
    assert_eq!(opened3.header.aud, None, "the team's rows go to everyone");
    assert!(team.name.ends_with(&format!("-{}.bundle", team.id)), "{}", team.name);
    assert!(bundle::addressed_to(&team.bytes, bo.identity()).unwrap());
    assert!(next_bundles(&store.read(), &roster, store.device(), &anna, &team.id, 6, 3).unwrap().is_empty(), "nothing new");
    assert!(bundle::open(&first.bytes, outsider.identity(), &roster).is_err());
}
