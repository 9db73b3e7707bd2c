//! `indsats team`, `indsats sync` and `indsats conflicts`, run as the real binary: a team lead's
//! laptop and a caseworker's, each with its own encrypted store, syncing through a folder that
//! stands in for the network share.

mod support;

use serde_json::Value;
use support::*;

/// IT's escrow recipient (synthetic: the key behind it exists nowhere).
const ESCROW: &str = "age1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5z5tpwxqergd3c8g7rusqmwn7f2";
const INDICATOR: &str = "mm13-ustoettet-beskaeftigelse";
const NAME: &str = "Quirinia Zabłocka-Fenwright";

struct Pair {
    lead: Indsats,
    cw: Indsats,
    share: std::path::PathBuf,
    _files: tempfile::TempDir,
}

fn target(goals: &Value, year: i64) -> Option<f64> {
    goals
        .as_array()?
        .iter()
        .flat_map(|g| g["indicators"].as_array().cloned().unwrap_or_default())
        .find(|i| i["key"] == INDICATOR)?["targets"]
        .as_array()?
        .iter()
        .find(|t| t["year"] == year)?["value"]
        .as_f64()
}

/// A lead's laptop with a team and a caseworker's laptop that has joined it (the lead has added
/// its request), both set to sync through the same folder.
fn pair() -> Pair {
    pair_with("caseworker")
}

/// As [`pair`], the second laptop joining with `role` on the roster.
fn pair_with(role: &str) -> Pair {
    let files = tempfile::tempdir().unwrap();
    let share = files.path().join("share");
    std::fs::create_dir(&share).unwrap();
    let (lead, cw) = (Indsats::new(), Indsats::new());
    lead.init();
    cw.init();

    let team = lead
        .cmd(&["team", "create", "--name", "ballerup-integration", "--device-name", "Mettes bærbare", "--escrow", ESCROW])
        .role("team_lead")
        .run()
        .ok()
        .json();
    assert_eq!(team["name"], "ballerup-integration");
    assert_eq!(team["version"], 1);
    assert_eq!(team["leads"], true);

    let invite = files.path().join("invite.json");
    let request = files.path().join("request.json");
    lead.cmd(&["team", "invite", "--out", invite.to_str().unwrap(), "--note", "Velkommen"]).role("team_lead").run().ok();
    cw.cmd(&["team", "join", invite.to_str().unwrap(), "--device-name", "Annas bærbare", "--out", request.to_str().unwrap()])
        .role(role)
        .run()
        .ok();
    // Joined, but not on the roster until the lead adds it.
    let waiting = cw.cmd(&["team", "show"]).run().ok().json();
    assert_eq!(waiting["on_roster"], false);
    for l in [&lead, &cw] {
        l.cmd(&["sync", "target", "folder", share.to_str().unwrap()]).run().ok();
    }
    cw.cmd(&["sync", "--once"]).run().fails(2, "not_on_roster", &["teamlederen"]);

    let added = lead.cmd(&["team", "add", request.to_str().unwrap(), "--yes"]).role("team_lead").run().ok().json();
    assert_eq!(added["version"], 2);
    assert_eq!(added["devices"].as_array().unwrap().len(), 2);
    Pair { lead, cw, share, _files: files }
}

fn sync(l: &Indsats) -> Value {
    l.cmd(&["sync", "--once"]).run().ok().json()
}

#[test]
fn a_team_syncs_through_a_folder_and_a_lost_edit_is_settled_from_the_inbox() {
    // Two team leads: only leads set targets.
    let p = pair_with("team_lead");
    // Offline, both set next year's target of the same indicator, and the second laptop
    // registers a participant.
    p.lead.cmd(&["target", INDICATOR, "2030", "40"]).role("team_lead").run().ok();
    p.cw.cmd(&["target", INDICATOR, "2030", "45"]).role("team_lead").run().ok();
    p.cw.add_participant(NAME, None);

    // The lead makes a management summary and queues it for the target.
    let pdf = p.share.join("../ledelsesrapport.pdf");
    p.lead.cmd(&["report", "--period", "2026", "--out", pdf.to_str().unwrap(), "--share"]).role("team_lead").run().ok();
    let queue = p.lead.cmd(&["sync", "exports"]).role("team_lead").run().ok().json();
    assert_eq!(queue[0]["state"], "pending", "{queue:#}");

    // The lead publishes the roster with the caseworker on it; the caseworker takes it, pushes
    // and pulls; the lead pulls.
    let first = sync(&p.lead);
    assert_eq!(first["exports"], 1, "{first:#}");
    let queue = p.lead.cmd(&["sync", "exports"]).role("team_lead").run().ok().json();
    assert_eq!(queue[0]["state"], "sent", "{queue:#}");
    let name = queue[0]["name"].as_str().unwrap();
    assert!(name.starts_with("2026-") && name.ends_with("/ledelsesrapport.pdf"), "{name}");
    assert!(p.share.join(format!("ballerup-integration/exports/{name}.age")).is_file());
    assert!(first["pushed_changes"].as_u64().unwrap() > 0, "{first:#}");
    let second = sync(&p.cw);
    assert_eq!(second["roster"], 2, "the caseworker takes the roster that has it on: {second:#}");
    assert!(second["merged_changes"].as_u64().unwrap() > 0, "{second:#}");
    sync(&p.lead);

    // Both laptops hold the same target and the caseworker's participant.
    let (lg, cg) = (p.lead.cmd(&["goals"]).run().ok().json(), p.cw.cmd(&["goals"]).run().ok().json());
    let winner = target(&lg, 2030).unwrap();
    assert_eq!(target(&cg, 2030), Some(winner));
    let hits = p.lead.cmd(&["participant", "find", "Quirinia"]).role("team_lead").run().ok().json();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits:#}");

    // Exactly one of them lost an edit, and it is in that laptop's inbox with both values.
    let inbox = |l: &Indsats| l.cmd(&["conflicts"]).run().ok().json().as_array().unwrap().clone();
    let (li, ci) = (inbox(&p.lead), inbox(&p.cw));
    assert_eq!(li.len() + ci.len(), 1, "lead {li:?}, caseworker {ci:?}");
    let (loser, conflict) = if li.len() == 1 { (&p.lead, &li[0]) } else { (&p.cw, &ci[0]) };
    let mine: f64 = conflict["mine"].as_str().unwrap().parse().unwrap();
    let theirs: f64 = conflict["theirs"].as_str().unwrap().parse().unwrap();
    assert_eq!(theirs, winner);
    assert_eq!([mine, theirs].iter().sum::<f64>(), 85.0, "{conflict:#}");
    assert!(conflict["theirs_who"].as_str().unwrap().contains("bærbare"), "{conflict:#}");
    let about = conflict["about"].as_str().unwrap();
    assert!(about.ends_with(" 2030") && !about.contains(':'), "the indicator's name and the year, not an id: {about}");

    // Nonsense is refused and settles nothing.
    loser.cmd(&["conflicts", "resolve", &conflict["id"].to_string(), "--keep", "hers"]).run().fails(2, "unknown_code", &["--keep mine"]);
    assert_eq!(inbox(loser).len(), 1);

    // Keep mine: it becomes the value on both laptops after a sync each way, with no new conflict.
    loser.cmd(&["conflicts", "resolve", &conflict["id"].to_string(), "--keep", "mine"]).run().ok();
    assert_eq!(inbox(loser).len(), 0);
    let all = loser.cmd(&["conflicts", "--all"]).run().ok().json();
    assert_eq!(all[0]["resolution"], "mine", "{all:#}");
    sync(loser);
    let other = if std::ptr::eq(loser, &p.lead) { &p.cw } else { &p.lead };
    sync(other);
    for l in [&p.lead, &p.cw] {
        assert_eq!(target(&l.cmd(&["goals"]).run().ok().json(), 2030), Some(mine));
        assert_eq!(inbox(l).len(), 0);
        let status = l.cmd(&["sync", "status"]).run().ok().json();
        assert_eq!(status["team"], "ballerup-integration");
        assert_eq!(status["pending"], 0, "{status:#}");
        assert_eq!(status["last_sync"], "2026-11-24T09:00:00Z");
        assert_eq!(status["last_error"], Value::Null);
    }

    // Nothing on the share can be read without the team's keys.
    let mut files = 0;
    for entry in walk(&p.share) {
        let bytes = std::fs::read(&entry).unwrap();
        files += 1;
        for needle in [NAME.as_bytes(), b"Quirinia", b"participant", INDICATOR.as_bytes()] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle), "{} holds {:?}", entry.display(), String::from_utf8_lossy(needle));
        }
    }
    assert!(files >= 3, "the roster and each laptop's bundles on the share: {files}");
    assert!(p.share.join("ballerup-integration/team.json").is_file());

    // Reading the inbox is audited with its purpose.
    let audit = p.lead.cmd(&["audit", "--action", "sync.", "--limit", "1000"]).role("team_lead").run().ok().json();
    let actions: Vec<&str> = audit.as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    for a in ["sync.conflicts", "sync.merge", "sync.target"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
}

#[test]
fn team_commands_refuse_what_they_cannot_do_and_change_nothing() {
    let p = pair();
    let before = p.cw.data_state();
    // A caseworker cannot create a team, and a joined laptop cannot join again or add devices.
    p.cw.cmd(&["team", "create", "--name", "x", "--device-name", "y", "--escrow", ESCROW]).run().fails(2, "forbidden", &["må ikke"]);
    let invite = p.share.join("../invite.json");
    p.cw.cmd(&["team", "join", invite.to_str().unwrap(), "--device-name", "igen", "--out", p.share.join("../r2.json").to_str().unwrap()])
        .run()
        .fails(2, "already_in_team", &["allerede"]);
    p.cw.cmd(&["team", "add", invite.to_str().unwrap(), "--yes"]).run().fails(2, "forbidden", &["må ikke"]);
    // Its owner's rights (an admin, until the roster reaches it) do not make it the lead's.
    p.cw.cmd(&["team", "add", invite.to_str().unwrap(), "--yes"]).role("team_lead").run().fails(2, "not_lead", &["teamlederens"]);
    // A bad escrow recipient and a relative folder are refused with what to do.
    let fresh = Indsats::new();
    fresh.init();
    fresh.cmd(&["team", "create", "--name", "t", "--device-name", "d", "--escrow", "age1notakey"]).role("team_lead").run().fails(
        2,
        "bad_escrow",
        &["age1", "intet er ændret"],
    );
    fresh.cmd(&["sync", "target", "folder", "relative/share"]).run().fails(2, "target_config", &["Indstillinger"]);
    fresh.cmd(&["sync", "--once"]).run().fails(2, "no_team", &["invitation"]);
    let pdf = fresh.tmp().join("r.pdf");
    fresh.cmd(&["report", "--out", pdf.to_str().unwrap(), "--share"]).role("team_lead").run().fails(2, "no_team", &["team"]);
    assert!(!pdf.exists(), "nothing written when it cannot be shared");
    assert_eq!(fresh.cmd(&["sync", "status"]).run().ok().json()["team"], Value::Null);
    // Plain http to another computer would send the password in the clear.
    fresh
        .cmd(&["sync", "target", "webdav", "--endpoint", "http://nextcloud.example/remote.php/dav", "--username", "anna"])
        .env("INDSATS_TARGET_SECRET", "hemmelig")
        .run()
        .fails(2, "target_config", &["https://"]);
    assert_eq!(p.cw.data_state(), before);
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

#[test]
fn a_case_goes_to_its_caseworker_s_laptops_and_one_for_a_caseworker_without_a_laptop_warns() {
    let p = pair();
    let add = |name: &str, caseworker: Option<&str>| {
        let mut args = vec!["participant", "add", "--name", name, "--birth-year", "1990"];
        if let Some(c) = caseworker {
            args.extend(["--caseworker", c]);
        }
        p.lead.cmd(&args).role("team_lead").run().ok().json()
    };
    // The caseworker's laptop is on the roster (both laptops work as the same user here); a
    // name no laptop in the team works as gets a warning that says what it means.
    let theirs = add("Ole Fjordsen", None);
    assert_eq!(theirs["warnings"], serde_json::json!([]), "{theirs:#}");
    let nobody = add("Olga Fjordsen", Some("Ukendt Person"));
    assert_eq!(nobody["warnings"][0]["code"], "caseworker_not_in_team", "{nobody:#}");
    assert!(nobody["warnings"][0]["message"].as_str().unwrap().contains("kun teamledernes"), "{nobody:#}");

    sync(&p.lead);
    let got = sync(&p.cw);
    assert_eq!(got["passed"], 1, "the case of the caseworker without a laptop is passed unread: {got:#}");
    let hits = p.cw.cmd(&["participant", "find", "Fjordsen"]).run().ok().json();
    let names: Vec<&str> = hits.as_array().unwrap().iter().filter_map(|h| h["name"].as_str()).collect();
    assert_eq!(names, ["Ole Fjordsen"], "{hits:#}");
}

#[test]
fn a_correction_syncs_with_its_history_and_one_made_meanwhile_elsewhere_is_a_conflict() {
    // Both laptops work as the same caseworker (the caseworker's and the lead's).
    let p = pair();
    let added = p.cw.add_participant("Ole Fjordsen", None);
    let ev = p.cw.cmd(&["log", &added, "meeting_held", "--date", "02-11-2026"]).run().ok().json()["id"].as_str().unwrap().to_string();
    let removed =
        p.cw.cmd(&["log", &added, "contract_signed", "--date", "03-11-2026"]).run().ok().json()["id"].as_str().unwrap().to_string();
    sync(&p.lead);
    sync(&p.cw);
    sync(&p.lead);
    let role = |l: &Indsats| if std::ptr::eq(l, &p.lead) { "team_lead" } else { "caseworker" };
    let events = |l: &Indsats| l.cmd(&["timeline", &added]).role(role(l)).run().ok().json();
    assert_eq!(events(&p.lead)["events"].as_array().unwrap().len(), 2);

    // The caseworker removes one event and corrects the other's date; the lead, offline at the
    // same time, corrects that same date differently.
    p.cw.cmd(&["event", "remove", &removed, "--reason", "registreret på forkert borger"]).run().ok();
    p.cw.cmd(&["event", "edit", &ev, "--date", "04-11-2026", "--why", "tastefejl"]).run().ok();
    p.lead.cmd(&["event", "edit", &ev, "--date", "05-11-2026"]).role("team_lead").run().ok();
    sync(&p.cw);
    sync(&p.lead);
    sync(&p.cw);

    // Both laptops agree: one event, one date, and the whole history of corrections.
    let (a, b) = (events(&p.lead), events(&p.cw));
    assert_eq!(a["events"], b["events"], "the laptops converge");
    assert_eq!(a["events"].as_array().unwrap().len(), 1, "the removal reached the lead: {a:#}");
    let texts = |v: &Value| -> Vec<String> {
        let mut t: Vec<String> = v["corrections"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap().to_string()).collect();
        t.sort();
        t
    };
    assert_eq!(texts(&a), texts(&b));
    assert_eq!(texts(&a).len(), 3, "{:#}", a["corrections"]);
    assert!(texts(&a).iter().any(|t| t.starts_with("fjernet") && t.ends_with("(registreret på forkert borger)")));
    // The correction that lost is in its laptop's inbox, with both dates.
    let inbox = |l: &Indsats| l.cmd(&["conflicts"]).role(role(l)).run().ok().json().as_array().unwrap().clone();
    let (li, ci) = (inbox(&p.lead), inbox(&p.cw));
    assert_eq!(li.len() + ci.len(), 1, "lead {li:?}, caseworker {ci:?}");
    let conflict = if li.len() == 1 { &li[0] } else { &ci[0] };
    assert_eq!(conflict["field"], "date", "{conflict:#}");
    // The inbox holds each value as its JSON text.
    let value = |k: &str| serde_json::from_str::<String>(conflict[k].as_str().unwrap()).unwrap();
    let mut dates = [value("mine"), value("theirs")];
    dates.sort();
    assert_eq!(dates, ["2026-11-04", "2026-11-05"], "{conflict:#}");
    assert_eq!(a["events"][0]["date"], value("theirs"), "the winner is the date shown");
}

#[test]
fn a_laptop_restored_from_a_backup_older_than_its_last_sync_sends_nothing_and_a_current_one_syncs_on() {
    let p = pair();
    sync(&p.lead);
    sync(&p.cw);
    let early = p.cw.tmp().join("tidlig.indsats-backup");
    p.cw.cmd(&["backup", "--out", early.to_str().unwrap()]).run().ok();
    // The laptop goes on working and syncing after the backup.
    let later = p.cw.add_participant("Ulrikke Fenstad-Qvist", None);
    sync(&p.cw);

    // Restored from the older backup: it would send other changes under numbers the team has.
    let old = Indsats::new();
    old.cmd(&["restore", early.to_str().unwrap()]).run().ok();
    old.cmd(&["sync", "target", "folder", p.share.to_str().unwrap()]).run().ok();
    let on_target = walk(&p.share);
    let e = old.cmd(&["sync", "--once"]).run().fails(1, "restored_behind", &["sikkerhedskopi", "ny enhed"]);
    assert!(e.message.contains("teamlederen"), "{}", e.message);
    assert_eq!(walk(&p.share), on_target, "nothing was sent");
    old.cmd(&["participant", "add", "--name", "Vigdis Ørnberg-Lamb", "--birth-year", "1985"]).run().ok();
    old.cmd(&["sync", "--once"]).run().fails(1, "restored_behind", &[]);
    assert_eq!(walk(&p.share), on_target, "still nothing");

    // Restored from a backup made after the last sync: it syncs on, and its new work reaches the team.
    let current = p.share.with_file_name("nu.indsats-backup");
    p.cw.cmd(&["backup", "--out", current.to_str().unwrap()]).run().ok();
    drop(p.cw);
    let new = Indsats::new();
    new.cmd(&["restore", current.to_str().unwrap()]).run().ok();
    new.cmd(&["sync", "target", "folder", p.share.to_str().unwrap()]).run().ok();
    sync(&new);
    new.cmd(&["participant", "show", &later]).run().ok();
    let after = new.add_participant("Wilhelmina Ystad-Brekke", None);
    sync(&new);
    sync(&p.lead);
    p.lead.cmd(&["participant", "show", &after]).role("team_lead").run().ok();
}
