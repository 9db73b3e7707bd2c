//! Bundles end to end: seal on one device, open on every other, the escrow can read, an outsider
//! cannot; any damage or a wrong key is refused without a panic; no plaintext on the wire; the
//! chain; the size on the wire. All data is synthetic.

use std::io::{Read, Write};

use indsats_core::model::Role;
use indsats_sync::SyncError;
use indsats_sync::bundle::*;
use indsats_sync::keys::DeviceKeys;
use indsats_sync::team::{Device, Roster};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha20Rng;
use sha2::Digest;

const TEAM: &str = "ballerup-integration";
const NAME: &str = "Zarathustra Quixbyfjeld";

struct Team {
    lead: DeviceKeys,
    anna: DeviceKeys,
    bo: DeviceKeys,
    escrow: DeviceKeys,
    roster: Roster,
}

fn keys(seed: u64) -> DeviceKeys {
    DeviceKeys::generate(&mut ChaCha20Rng::seed_from_u64(seed))
}

fn team() -> Team {
    let lead = keys(1);
    let anna = keys(2);
    let bo = keys(3);
    let escrow = keys(4);
    let mut roster =
        Roster::new(TEAM, Device::new("dev-lead", "Mettes bærbare", "mette", Role::TeamLead, &lead), escrow.recipient_string()).unwrap();
    roster.devices.push(Device::new("dev-anna", "Annas bærbare", "anna", Role::Caseworker, &anna));
    roster.devices.push(Device::new("dev-bo", "Bos bærbare", "bo", Role::Caseworker, &bo));
    roster.sign(&lead).unwrap();
    Team { lead, anna, bo, escrow, roster }
}

fn row(participant: &str, day: u32, kind: &str, by: &str, minute: u32) -> String {
    // In the store's column order, as the change log writes it.
    format!(
        r#"{{"participant_id":"{participant}","date":"2026-03-{day:02}","type":"{kind}","details":{},"recorded_by":"{by}","recorded_at":"2026-03-{day:02}T{:02}:{:02}:00.000Z"}}"#,
        serde_json::to_string(&format!("{{\"type\":\"{kind}\"}}")).unwrap(),
        8 + minute / 60 % 9,
        minute % 60
    )
}

/// `n` realistic changes from seq `from`: progress-event inserts for a caseload of 300
/// participants, with v7 row ids and a rising HLC.
fn realistic(n: usize, from: u64, seed: u64) -> Vec<Change> {
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let base = 1_772_355_600_000u64; // 2026-03-01T09:00Z
    let participants: Vec<String> =
        (0..300).map(|i| indsats_core::ids::uuid_v7(base - 86_400_000 * (i + 1), rng.random()).to_string()).collect();
    let kinds = ["meeting_held", "cv_updated", "job_interview", "internship_started", "danish_class", "no_show"];
    let users = ["mette", "anna", "bo"];
    let mut millis = base;
    (0..n)
        .map(|i| {
            millis += rng.random_range(1_000..120_000);
            let p = &participants[rng.random_range(0..participants.len())];
            let kind = kinds[rng.random_range(0..kinds.len())];
            let by = users[rng.random_range(0..users.len())];
            Change {
                s: from + i as u64,
                h: (millis << 16) | rng.random_range(0..4u64),
                t: "progress_event".into(),
                r: indsats_core::ids::uuid_v7(millis, rng.random()).to_string(),
                o: Op::Insert,
                f: None,
                v: Some(row(p, 1 + (i % 28) as u32, kind, by, i as u32 % 540)),
                b: None,
                d: None,
            }
        })
        .collect()
}

fn seal_for(t: &Team, keys: &DeviceKeys, device: &str, prev: &str, changes: &[Change]) -> SealedBundle {
    let header = Header::new(TEAM, device, prev, changes).unwrap();
    seal(&header, changes, keys, &t.roster.recipients().unwrap()).unwrap()
}

/// Builds a bundle by hand from docs/sync.md, from any plaintext and any key.
fn seal_raw(jsonl: &[u8], signer: &DeviceKeys, recipients: &[age::x25519::Recipient]) -> Vec<u8> {
    let z = zstd::bulk::compress(jsonl, 3).unwrap();
    let mut signed = b"IDSB1".to_vec();
    signed.extend_from_slice(&z);
    let sig = signer.sign(&signed);
    let mut inner = b"IDSB1".to_vec();
    inner.extend_from_slice(&sig.to_bytes());
    inner.extend_from_slice(&z);
    encrypt_raw(&inner, recipients)
}

fn encrypt_raw(inner: &[u8], recipients: &[age::x25519::Recipient]) -> Vec<u8> {
    let e = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)).unwrap();
    let mut out = vec![];
    let mut w = e.wrap_output(&mut out).unwrap();
    w.write_all(inner).unwrap();
    w.finish().unwrap();
    out
}

fn decrypt_raw(bytes: &[u8], identity: &age::x25519::Identity) -> Vec<u8> {
    let d = age::Decryptor::new_buffered(bytes).unwrap();
    let mut r = d.decrypt(std::iter::once(identity as &dyn age::Identity)).unwrap();
    let mut out = vec![];
    r.read_to_end(&mut out).unwrap();
    out
}

#[test]
fn every_device_and_the_escrow_can_open_an_outsider_cannot() {
    let t = team();
    let changes = realistic(50, 1, 7);
    let sealed = seal_for(&t, &t.anna, "dev-anna", "", &changes);
    assert_eq!(sealed.name, format!("{TEAM}/bundles/dev-anna/000000000001-000000000050-{}.bundle", sealed.id));
    assert!(is_bundle_id(&sealed.id));
    let parsed = parse_name(&sealed.name).unwrap();
    assert_eq!((parsed.device.as_str(), parsed.from, parsed.to, parsed.id.as_str()), ("dev-anna", 1, 50, sealed.id.as_str()));

    for reader in [&t.lead, &t.anna, &t.bo, &t.escrow] {
        let opened = open(&sealed.bytes, reader.identity(), &t.roster).unwrap();
        assert_eq!(opened.changes, changes);
        assert_eq!(opened.id, sealed.id);
        assert_eq!(opened.header, Header::new(TEAM, "dev-anna", "", &changes).unwrap());
    }
    let outsider = keys(99);
    assert!(matches!(open(&sealed.bytes, outsider.identity(), &t.roster), Err(SyncError::NotForUs)));
}

#[test]
fn the_file_follows_docs_sync_md() {
    let t = team();
    let changes = realistic(5, 1, 8);
    let sealed = seal_for(&t, &t.bo, "dev-bo", "", &changes);
    assert!(sealed.bytes.starts_with(b"age-encryption.org/v1\n"), "binary age format");
    let inner = decrypt_raw(&sealed.bytes, t.lead.identity());
    assert_eq!(&inner[..5], b"IDSB1");
    let id = hex::encode(&sha2::Sha256::digest(&inner)[..8]);
    assert_eq!(id, sealed.id);
    let z = &inner[69..];
    let mut signed = b"IDSB1".to_vec();
    signed.extend_from_slice(z);
    let sig = ed25519_dalek::Signature::from_bytes(inner[5..69].try_into().unwrap());
    t.bo.verifying_key().verify_strict(&signed, &sig).unwrap();
    let jsonl = String::from_utf8(zstd::decode_all(z).unwrap()).unwrap();
    let lines: Vec<&str> = jsonl.lines().collect();
    assert_eq!(lines.len(), 6);
    assert!(jsonl.ends_with('\n'));
    assert_eq!(
        lines[0],
        r#"{"format":"indsats-bundle/1","team":"ballerup-integration","device":"dev-bo","from":1,"to":5,"prev":"","count":5}"#
    );
    assert!(lines[1].starts_with(r#"{"s":1,"h":"#), "{}", lines[1]);
    assert!(lines[1].contains(r#","t":"progress_event","r":""#));
    assert!(lines[1].contains(r#","o":"insert","f":null,"v":"{\"participant_id\":"#));

    // A bundle built by hand from the document opens, with the same id.
    let by_hand = seal_raw(jsonl.as_bytes(), &t.bo, &t.roster.recipients().unwrap());
    let opened = open(&by_hand, t.anna.identity(), &t.roster).unwrap();
    assert_eq!(opened.changes, changes);
    assert_eq!(opened.id, sealed.id);

    // Sealing the same changes again gives the same id (and name).
    let again = seal_for(&t, &t.bo, "dev-bo", "", &changes);
    assert_eq!(again.id, sealed.id);
    assert_eq!(again.name, sealed.name);
    assert_ne!(again.bytes, sealed.bytes, "age's file key is fresh each time");
}

#[test]
fn one_flipped_byte_anywhere_is_refused() {
    let t = team();
    let changes = realistic(20, 1, 9);
    let sealed = seal_for(&t, &t.anna, "dev-anna", "", &changes);
    let len = sealed.bytes.len();
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    // Every byte, each with two different flips.
    for at in 0..len {
        for mask in [0x01u8, 0x80] {
            let mut bytes = sealed.bytes.clone();
            bytes[at] ^= mask;
            match open(&bytes, t.lead.identity(), &t.roster) {
                Ok(_) => panic!("a flipped byte at {at} of {len} was accepted"),
                Err(e) => *outcomes.entry(e.code()).or_default() += 1,
            }
        }
    }
    // Truncated and extended files too.
    for cut in [1, 16, len / 2, len - 1] {
        assert!(open(&sealed.bytes[..len - cut], t.lead.identity(), &t.roster).is_err());
    }
    let mut longer = sealed.bytes.clone();
    longer.push(0);
    assert!(open(&longer, t.lead.identity(), &t.roster).is_err());
    println!("{len} bytes, outcomes of flips: {outcomes:?}");
    assert!(outcomes.keys().all(|k| ["tampered", "not_for_us"].contains(k)), "{outcomes:?}");
}

#[test]
fn an_altered_inner_bundle_is_refused_even_when_re_encrypted() {
    // A team member can decrypt and re-encrypt; only the signature stops an edit.
    let t = team();
    let changes = realistic(20, 1, 10);
    let sealed = seal_for(&t, &t.anna, "dev-anna", "", &changes);
    let inner = decrypt_raw(&sealed.bytes, t.bo.identity());
    let recipients = t.roster.recipients().unwrap();
    for at in [5, 6, 40, 68, 69, 70, inner.len() / 2, inner.len() - 1] {
        let mut bad = inner.clone();
        bad[at] ^= 0x04;
        let bytes = encrypt_raw(&bad, &recipients);
        match open(&bytes, t.lead.identity(), &t.roster) {
            Err(SyncError::Tampered | SyncError::Malformed { .. }) => {}
            other => panic!("a change at {at} gave {other:?}"),
        }
    }
    // Changing the header inside, re-compressed and signed by another member, is refused too.
    let jsonl = String::from_utf8(zstd::decode_all(&inner[69..]).unwrap()).unwrap();
    let forged = jsonl.replacen("meeting_held", "job_started", 1);
    let bytes = seal_raw(forged.as_bytes(), &t.bo, &recipients);
    assert!(matches!(open(&bytes, t.lead.identity(), &t.roster), Err(SyncError::Tampered)));
}

#[test]
fn a_device_not_on_the_roster_is_refused() {
    let t = team();
    let outsider = keys(50);
    let changes = realistic(3, 1, 11);
    let recipients = t.roster.recipients().unwrap();
    let header = Header::new(TEAM, "dev-stranger", "", &changes).unwrap();
    let sealed = seal(&header, &changes, &outsider, &recipients).unwrap();
    let err = open(&sealed.bytes, t.lead.identity(), &t.roster).unwrap_err();
    assert!(matches!(&err, SyncError::UnknownDevice { device } if device == "dev-stranger"), "{err:?}");
    assert_eq!(err.code(), "unknown_device");
    assert!(err.message(indsats_core::validate::Lang::En).contains("Ask the team lead whether it should be added"));

    // Claiming to be a device on the roster without its key.
    let header = Header::new(TEAM, "dev-anna", "", &changes).unwrap();
    let sealed = seal(&header, &changes, &outsider, &recipients).unwrap();
    assert!(matches!(open(&sealed.bytes, t.lead.identity(), &t.roster), Err(SyncError::Tampered)));
}

#[test]
fn a_roster_entry_with_a_swapped_sign_key_is_refused() {
    let t = team();
    let changes = realistic(3, 1, 12);
    let sealed = seal_for(&t, &t.anna, "dev-anna", "", &changes);
    let mut swapped = t.roster.clone();
    let (a, b) = (swapped.devices[1].sign_key.clone(), swapped.devices[2].sign_key.clone());
    swapped.devices[1].sign_key = b;
    swapped.devices[2].sign_key = a;
    assert!(matches!(open(&sealed.bytes, t.lead.identity(), &swapped), Err(SyncError::Tampered)));
    // And the swapped roster no longer carries the lead's signature.
    assert!(swapped.verify(&t.lead.verifying_key()).is_err());
    // A sign key that is not a key at all.
    let mut broken = t.roster.clone();
    broken.devices[1].sign_key = "not base64!".into();
    assert!(matches!(open(&sealed.bytes, t.lead.identity(), &broken), Err(SyncError::BadKey { .. })));
}

#[test]
fn another_teams_roster_is_refused() {
    let t = team();
    let changes = realistic(3, 1, 13);
    let sealed = seal_for(&t, &t.anna, "dev-anna", "", &changes);
    let mut other = t.roster.clone();
    other.name = "herlev-integration".into();
    assert!(matches!(open(&sealed.bytes, t.lead.identity(), &other), Err(SyncError::WrongTeam { .. })));
}

#[test]
fn signed_bundles_whose_header_and_changes_disagree_are_refused() {
    let t = team();
    let recipients = t.roster.recipients().unwrap();
    let changes = realistic(4, 10, 14);
    let line = |c: &Change| serde_json::to_string(c).unwrap();
    let head = |from: u64, to: u64, count: u64, format: &str| {
        format!(r#"{{"format":"{format}","team":"{TEAM}","device":"dev-anna","from":{from},"to":{to},"prev":"","count":{count}}}"#)
    };
    let body = |cs: &[Change]| cs.iter().map(|c| line(c) + "\n").collect::<String>();
    let cases = [
        format!("{}\n{}", head(10, 13, 4, "indsats-bundle/1"), body(&changes[..3])),
        format!("{}\n{}", head(10, 12, 3, "indsats-bundle/1"), body(&changes)),
        format!("{}\n{}", head(10, 13, 3, "indsats-bundle/1"), body(&changes[..3])),
        format!("{}\n{}", head(11, 14, 4, "indsats-bundle/1"), body(&changes)),
        format!(
            "{}\n{}{}",
            head(10, 13, 4, "indsats-bundle/1"),
            body(&changes[..1]),
            body(&[changes[2].clone(), changes[1].clone(), changes[3].clone()])
        ),
        format!("{}\n{}", head(10, 13, 4, "indsats-bundle/2"), body(&changes)),
        format!("{}\n{}", head(10, 13, 4, "indsats-bundle/1"), body(&changes).trim_end()),
        format!("{}\n{}not json\n", head(10, 13, 4, "indsats-bundle/1"), body(&changes)),
        format!("{}\n", head(10, 13, 4, "indsats-bundle/1")),
        "not a header\n".to_string(),
        String::new(),
    ];
    for (i, jsonl) in cases.iter().enumerate() {
        let bytes = seal_raw(jsonl.as_bytes(), &t.anna, &recipients);
        match open(&bytes, t.lead.identity(), &t.roster) {
            Err(SyncError::Malformed { .. }) => {}
            other => panic!("case {i} gave {other:?}"),
        }
    }
    // The good one opens.
    let good = format!("{}\n{}", head(10, 13, 4, "indsats-bundle/1"), body(&changes));
    assert_eq!(open(&seal_raw(good.as_bytes(), &t.anna, &recipients), t.lead.identity(), &t.roster).unwrap().changes, changes);
    // An age file that is not a bundle, and bytes that are not age.
    assert!(matches!(open(&encrypt_raw(b"hello", &recipients), t.lead.identity(), &t.roster), Err(SyncError::Malformed { .. })));
    assert!(matches!(open(b"hello", t.lead.identity(), &t.roster), Err(SyncError::Tampered)));
    assert!(open(&[], t.lead.identity(), &t.roster).is_err());
}

#[test]
fn seal_refuses_inconsistent_input() {
    let t = team();
    let changes = realistic(4, 1, 15);
    let recipients = t.roster.recipients().unwrap();
    let mut h = Header::new(TEAM, "dev-anna", "", &changes).unwrap();
    assert!(matches!(seal(&h, &changes[..3], &t.anna, &recipients), Err(SyncError::Malformed { .. })));
    assert!(matches!(seal(&h, &changes, &t.anna, &[]), Err(SyncError::Malformed { .. })));
    h.count = 5;
    assert!(matches!(seal(&h, &changes, &t.anna, &recipients), Err(SyncError::Malformed { .. })));
}

#[test]
fn no_plaintext_on_the_wire() {
    let t = team();
    let mut changes = realistic(200, 1, 16);
    for (i, c) in changes.iter_mut().enumerate().step_by(3) {
        c.o = Op::Update;
        c.t = "participant".into();
        c.f = Some("name".into());
        c.v = Some(serde_json::to_string(&format!("{NAME} {i}")).unwrap());
    }
    let sealed = seal_for(&t, &t.lead, "dev-lead", "", &changes);
    for needle in [NAME, "Zarathustra", "Quixbyfjeld", "progress_event", "participant_id", "meeting_held", TEAM, "dev-lead"] {
        assert!(!contains(&sealed.bytes, needle.as_bytes()), "{needle:?} is readable in the file");
    }
    let opened = open(&sealed.bytes, t.bo.identity(), &t.roster).unwrap();
    assert!(opened.changes.iter().filter_map(|c| c.v.as_deref()).any(|v| v.contains(NAME)));
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn the_chain_of_one_device() {
    let t = team();
    let all = realistic(30, 1, 17);
    let b1 = seal_for(&t, &t.anna, "dev-anna", "", &all[..10]);
    let b2 = seal_for(&t, &t.anna, "dev-anna", &b1.id, &all[10..20]);
    let b3 = seal_for(&t, &t.anna, "dev-anna", &b2.id, &all[20..]);
    let o = |s: &SealedBundle| open(&s.bytes, t.bo.identity(), &t.roster).unwrap();
    let (o1, o2, o3) = (o(&b1), o(&b2), o(&b3));

    assert_eq!(check_next(None, &o1.header, &o1.id), Next::Apply);
    assert_eq!(check_next(None, &o2.header, &o2.id), Next::Gap { expected_from: 1 });
    assert_eq!(check_next(Some((10, &o1.id)), &o2.header, &o2.id), Next::Apply);
    assert_eq!(check_next(Some((10, &o1.id)), &o3.header, &o3.id), Next::Gap { expected_from: 11 });
    assert_eq!(check_next(Some((10, &o1.id)), &o1.header, &o1.id), Next::AlreadyApplied);
    assert_eq!(check_next(Some((30, &o3.id)), &o2.header, &o2.id), Next::AlreadyApplied);
    assert_eq!(check_next(Some((20, &o2.id)), &o3.header, &o3.id), Next::Apply);

    // The device lost its state and sealed other changes under the same numbers: a fork.
    let mut other = realistic(10, 11, 18);
    other[0].v = Some("{}".into());
    let fork = seal_for(&t, &t.anna, "dev-anna", &b1.id, &other);
    let of = o(&fork);
    assert_ne!(of.id, o2.id);
    assert_eq!(check_next(Some((20, &o2.id)), &of.header, &of.id), Next::Fork);
    let wrong_prev = seal_for(&t, &t.anna, "dev-anna", &b3.id, &all[10..20]);
    let ow = o(&wrong_prev);
    assert_eq!(check_next(Some((10, &o1.id)), &ow.header, &ow.id), Next::Fork);
}

#[test]
fn bytes_per_change_on_the_wire() {
    let t = team();
    let n = 10_000;
    let changes = realistic(n, 1, 19);
    let plain: usize = changes.iter().map(|c| serde_json::to_string(c).unwrap().len() + 1).sum();
    let sealed = seal_for(&t, &t.anna, "dev-anna", "", &changes);
    let per_change = sealed.bytes.len() as f64 / n as f64;
    println!(
        "{n} changes: {} bytes on the wire, {per_change:.1} bytes per change ({:.1} bytes of JSON per change)",
        sealed.bytes.len(),
        plain as f64 / n as f64
    );
    assert!(per_change < 100.0, "{per_change:.1} bytes per change");
    assert_eq!(open(&sealed.bytes, t.escrow.identity(), &t.roster).unwrap().changes.len(), n);
}

fn any_change() -> impl Strategy<Value = (u64, String, String, Op, Option<String>, Option<String>)> {
    (
        any::<u64>(),
        "[a-z_]{1,20}",
        ".{0,40}",
        prop_oneof![Just(Op::Insert), Just(Op::Update), Just(Op::Delete)],
        proptest::option::of(".{0,12}"),
        proptest::option::of(".{0,200}"),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn seal_then_open_returns_the_same_changes(
        from in 1u64..1_000_000_000_000,
        rows in proptest::collection::vec(any_change(), 1..40),
        prev in proptest::option::of("[0-9a-f]{16}"),
    ) {
        let t = team();
        let changes: Vec<Change> = rows
            .into_iter()
            .enumerate()
            .map(|(i, (h, tbl, r, o, f, v))| Change { s: from + i as u64, h, t: tbl, r, o, f, v, b: None, d: None })
            .collect();
        let prev = prev.unwrap_or_default();
        let sealed = seal_for(&t, &t.bo, "dev-bo", &prev, &changes);
        let opened = open(&sealed.bytes, t.anna.identity(), &t.roster).unwrap();
        prop_assert_eq!(&opened.changes, &changes);
        prop_assert_eq!(&opened.header.prev, &prev);
        prop_assert_eq!(opened.id, sealed.id);
        let name = parse_name(&sealed.name).unwrap();
        prop_assert_eq!((name.from, name.to), (from, from + changes.len() as u64 - 1));
    }
}
