//! The encrypted participant export: who may, what is in it, and that nothing else can read it.

use chrono::{TimeZone, Utc};
use indsats_api::core::model::*;
use indsats_api::*;

const PASS: &str = "correct horse battery";
const FILE_PASS: &str = "overdragelse til Herlev";

fn clock() -> FixedClock {
    FixedClock::new(Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap())
}
fn user(name: &str, role: Role) -> User {
    User::new(name, role).unwrap()
}
/// The store's owner, mette, acting with `role` (at most her own).
fn unlock(dir: &std::path::Path, role: Role) -> Session {
    Session::unlock(dir, PASS, Ask::role(role), Box::new(clock()), Some(5)).unwrap()
}

#[test]
fn a_case_leaves_only_encrypted_to_its_caseworker_or_a_team_lead_and_is_logged() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Session::init(
        dir.path(),
        PASS,
        StrategySource::Default,
        user("mette", Role::TeamLead),
        Box::new(clock()),
        Some(1),
        KdfParams::FAST_INSECURE,
    )
    .unwrap();
    // A case of jonas's caseload, registered by the team lead.
    let jonas = s
        .add_participant(NewParticipant {
            name: "Xandra Jonasdottir-Prøve".into(),
            cpr: None,
            birth_year: Some(1988),
            origin: Origin::NonWestern,
            arrival_date: None,
            programme: ProgrammeKind::SelfSupport,
            programme_start: None,
            programme_end: None,
            caseworker: Some("jonas".into()),
            not_a_duplicate: false,
        })
        .unwrap()
        .id;
    drop(s);
    let mut s = unlock(dir.path(), Role::Caseworker);
    let name = "Yrsa Qvistgaard-Testesen";
    let id = s
        .add_participant(NewParticipant {
            name: name.into(),
            cpr: None,
            birth_year: Some(1991),
            origin: Origin::NonWestern,
            arrival_date: None,
            programme: ProgrammeKind::SelfSupport,
            programme_start: None,
            programme_end: None,
            caseworker: None,
            not_a_duplicate: false,
        })
        .unwrap()
        .id;
    s.record_progress(id, chrono::NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(), indsats_api::core::event::EventDetails::MeetingHeld {})
        .unwrap();
    let first = s.write_note(id, None, None, "Første notat").unwrap();
    s.write_note(id, None, Some(first), "Første notat, rettet").unwrap();

    let sealed = s.export_case(id, FILE_PASS, "overdragelse", Some(10)).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1"));
    assert!(!sealed.windows(name.len()).any(|w| w == name.as_bytes()), "the name must not be readable in the file");
    let plain = case_file::open(&sealed, FILE_PASS).unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(doc["format"], "indsats-case/1");
    assert_eq!(doc["participant"]["name"], name);
    assert_eq!(doc["events"][0]["type"], "meeting_held");
    // The notes travel with the case, every version.
    let notes: Vec<&str> = doc["notes"].as_array().unwrap().iter().map(|n| n["text"].as_str().unwrap()).collect();
    assert_eq!(notes, ["Første notat", "Første notat, rettet"]);
    assert_eq!(doc["exported_by"], "mette");
    assert_eq!(case_file::open(&sealed, "not the passphrase at all").unwrap_err().code(), "case_file");
    let mut damaged = sealed.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 1;
    assert_eq!(case_file::open(&damaged, FILE_PASS).unwrap_err().code(), "case_file");
    assert_eq!(s.export_case(id, "short", "overdragelse", Some(10)).unwrap_err().code(), "passphrase_too_short");
    assert_eq!(s.export_case(id, FILE_PASS, " ", Some(10)).unwrap_err().code(), "required");
    drop(s);

    assert_eq!(unlock(dir.path(), Role::Caseworker).export_case(jonas, FILE_PASS, "x", Some(10)).unwrap_err().code(), "not_your_case");
    let err = Session::unlock(dir.path(), PASS, Ask::role(Role::Admin), Box::new(clock()), None).unwrap_err();
    assert_eq!(err.code(), "role_not_granted");
    let mut lead = unlock(dir.path(), Role::TeamLead);
    lead.export_case(id, FILE_PASS, "kvalitetssikring", Some(10)).unwrap();
    let mut exports: Vec<_> = lead
        .audit_log(&AuditQuery::default())
        .unwrap()
        .into_iter()
        .filter(|r| r.action == "participant.export")
        .map(|r| (r.user, r.subject, r.purpose))
        .collect();
    exports.sort();
    assert_eq!(
        exports,
        vec![
            ("mette".to_string(), Some(id.to_string()), "kvalitetssikring".to_string()),
            ("mette".to_string(), Some(id.to_string()), "overdragelse".to_string())
        ]
    );
}
