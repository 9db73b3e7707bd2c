//! Who acts, as the real binary sees it: three laptops (a team lead and two caseworkers) syncing
//! through a folder. The roster decides each laptop's person and role; a caseworker who asks for
//! more is refused; a change of the strategy from a caseworker's laptop is refused on the lead's
//! for that laptop's chain only, while the rest of the team keeps syncing.

mod support;

use serde_json::Value;
use support::*;

/// IT's escrow recipient (synthetic: the key behind it exists nowhere).
const ESCROW: &str = "age1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5z5tpwxqergd3c8g7rusqmwn7f2";
const INDICATOR: &str = "mm13-ustoettet-beskaeftigelse";

fn sync(l: &Indsats) -> Value {
    l.cmd(&["sync", "--once"]).run().ok().json()
}

/// The target for 2027 of [`INDICATOR`] as a laptop's `goals` shows it.
fn target_2027(l: &Indsats) -> Option<Value> {
    let goals = l.cmd(&["goals"]).run().ok().json();
    goals
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["indicators"].as_array().cloned().unwrap_or_default())
        .find(|i| i["key"] == INDICATOR)
        .and_then(|i| i["targets"].as_array().unwrap().iter().find(|t| t["year"] == 2027).map(|t| t["value"].clone()))
}

#[test]
fn the_roster_decides_who_acts_and_merge_holds_each_laptop_to_it() {
    let files = tempfile::tempdir().unwrap();
    let path = |name: &str| files.path().join(name).to_str().unwrap().to_string();
    std::fs::create_dir(path("share")).unwrap();
    let (lead, anna, bo) = (Indsats::new_as("mette"), Indsats::new_as("anna"), Indsats::new_as("bo"));
    lead.init();
    // anna sets up her laptop as a caseworker; bo's laptop was set up by IT, as an admin.
    anna.cmd(&["init"]).role("caseworker").run().ok();
    bo.init();
    assert_eq!(anna.cmd(&["whoami"]).run().ok().json()["granted_role"], "caseworker");

    lead.cmd(&["team", "create", "--name", "ballerup-tillid", "--device-name", "Mettes bærbare", "--escrow", ESCROW])
        .role("team_lead")
        .run()
        .ok();
    lead.cmd(&["team", "invite", "--out", &path("invite.json")]).role("team_lead").run().ok();
    anna.cmd(&["team", "join", &path("invite.json"), "--device-name", "Annas bærbare", "--out", &path("anna.json")]).run().ok();
    // bo asks to be a team lead.
    bo.cmd(&["team", "join", &path("invite.json"), "--device-name", "Bos bærbare", "--out", &path("bo.json")]).role("team_lead").run().ok();
    let bo_print = bo.cmd(&["team", "show"]).run().ok().json()["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(bo_print.len(), 24, "{bo_print}");

    // The lead sees what bo asks for and his key's fingerprint; nothing is added without --yes.
    let shown = lead.cmd(&["team", "add", &path("bo.json")]).role("team_lead").plain().run().exit(2);
    assert!(shown.stdout.contains(&bo_print) && shown.stdout.contains("Teamleder"), "{}", shown.stdout);
    assert!(shown.stderr.contains("--yes"), "{}", shown.stderr);
    assert_eq!(lead.cmd(&["team", "show"]).run().ok().json()["devices"].as_array().unwrap().len(), 1);
    // The lead adds him as a caseworker, and anna as she asked.
    let team = lead.cmd(&["team", "add", &path("bo.json"), "--as-role", "caseworker", "--yes"]).role("team_lead").run().ok().json();
    let bo_entry = team["devices"].as_array().unwrap().iter().find(|d| d["user"] == "bo").unwrap().clone();
    assert_eq!(bo_entry["role"], "caseworker");
    lead.cmd(&["team", "add", &path("anna.json"), "--yes"]).role("team_lead").run().ok();

    // Before the roster reaches bo, his laptop is still his owner's (an admin): he sets a target.
    bo.cmd(&["target", INDICATOR, "2027", "99"]).role("team_lead").run().ok();

    for l in [&lead, &anna, &bo] {
        l.cmd(&["sync", "target", "folder", &path("share")]).run().ok();
    }
    sync(&lead);
    sync(&anna);
    sync(&bo);
    // Now the roster decides: bo's laptop is a caseworker's, whatever its owner was.
    let who = bo.cmd(&["whoami"]).run().ok().json();
    assert_eq!((who["granted_role"].as_str(), who["granted_by"].as_str()), (Some("caseworker"), Some("roster")));

    // A caseworker who asks for the lead's role is refused for targets, manual values, the audit
    // log, drill-down and summaries, and changes nothing.
    let before = anna.data_state();
    let pdf = path("rapport.pdf");
    for args in [
        vec!["target", INDICATOR, "2027", "40"],
        vec!["value", "beskaeftigelse-ikke-vestlige-25-64", "2026", "58.5"],
        vec!["audit"],
        vec!["indicators", "--period", "2026", "--participants", INDICATOR],
        vec!["report", "--period", "2026", "--out", &pdf],
    ] {
        anna.cmd(&args).role("team_lead").run().fails(2, "role_not_granted", &["Teamets liste"]);
        anna.cmd(&args).run().fails(2, "forbidden", &["må ikke"]);
    }
    bo.cmd(&["audit"]).role("admin").run().fails(2, "role_not_granted", &["Teamets liste"]);
    anna.cmd(&["whoami"]).user("mette").run().fails(2, "not_this_user", &["teamets liste som"]);
    assert!(!std::path::Path::new(&pdf).exists());
    assert_eq!(anna.data_state(), before);

    // anna registers a case; the lead's sync takes it, and refuses bo's target for bo's chain only.
    let added = anna.cmd(&["participant", "add", "--name", "Wilhelmina Tillidsprøve", "--birth-year", "1990"]).run().ok().json();
    let pseudonym = added["pseudonym"].as_str().unwrap().to_string();
    sync(&anna);
    let got = sync(&lead);
    let refused = got["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 1, "{got:#}");
    let (name, code, message) = (refused[0][0].as_str().unwrap(), refused[0][1].as_str().unwrap(), refused[0][2].as_str().unwrap());
    assert!(name.contains(bo_entry["id"].as_str().unwrap()), "{name}");
    assert_eq!(code, "not_authorised");
    assert!(message.contains("resten af teamet synkroniserer videre"), "{message}");
    let hits = lead.cmd(&["participant", "find", "Tillidsprøve"]).role("team_lead").run().ok().json();
    assert_eq!(hits[0]["pseudonym"], pseudonym.as_str(), "anna's case arrived: {hits:#}");
    assert_ne!(target_2027(&lead), Some(serde_json::json!(99.0)), "bo's target is not the team's");
    // The status line on the lead's laptop keeps saying so.
    let status = lead.cmd(&["sync", "status"]).run().ok().json();
    assert_eq!(status["refused"].as_array().unwrap().len(), 1, "{status:#}");

    // Outside a team the owner's role changes only with the passphrase, and the change is logged.
    let solo = Indsats::new_as("kim");
    solo.cmd(&["init"]).role("caseworker").run().ok();
    solo.cmd(&["target", INDICATOR, "2027", "40"]).role("team_lead").run().fails(2, "role_not_granted", &["indsats role set"]);
    solo.cmd(&["role", "set", "team_lead"]).passphrase("forkert-hele-vejen").run().fails(3, "wrong_passphrase", &[]);
    solo.cmd(&["role", "set", "team_lead"]).run().ok();
    solo.cmd(&["target", INDICATOR, "2027", "40"]).role("team_lead").run().ok();
    let log = solo.cmd(&["audit", "--action", "store.role_change"]).role("team_lead").run().ok().json();
    assert_eq!(log.as_array().unwrap().len(), 1, "{log:#}");
    // In a team, the roster decides instead.
    anna.cmd(&["role", "set", "team_lead"]).run().fails(2, "role_from_roster", &["teamlederen"]);
}

/// A team through the folder `share` (made by the caller under `path`): mette's laptop leads,
/// anna's and bo's are caseworkers', each with its target set and nothing synced yet.
fn team_of_three(team: &str, escrow: &str, path: &dyn Fn(&str) -> String) -> [Indsats; 3] {
    let (lead, anna, bo) = (Indsats::new_as("mette"), Indsats::new_as("anna"), Indsats::new_as("bo"));
    lead.init();
    anna.cmd(&["init"]).run().ok();
    bo.cmd(&["init"]).run().ok();
    lead.cmd(&["team", "create", "--name", team, "--device-name", "Mettes bærbare", "--escrow", escrow]).role("team_lead").run().ok();
    lead.cmd(&["team", "invite", "--out", &path("invite.json")]).role("team_lead").run().ok();
    for (l, name) in [(&anna, "Annas bærbare"), (&bo, "Bos bærbare")] {
        let req = path(&format!("{name}.json"));
        l.cmd(&["team", "join", &path("invite.json"), "--device-name", name, "--out", &req]).run().ok();
        lead.cmd(&["team", "add", &req, "--yes"]).role("team_lead").run().ok();
    }
    for l in [&lead, &anna, &bo] {
        l.cmd(&["sync", "target", "folder", &path("share")]).run().ok();
    }
    [lead, anna, bo]
}

#[test]
fn the_lead_hands_the_team_over_and_every_laptop_follows() {
    let files = tempfile::tempdir().unwrap();
    let path = |name: &str| files.path().join(name).to_str().unwrap().to_string();
    std::fs::create_dir(path("share")).unwrap();
    let [lead, anna, bo] = team_of_three("ballerup-skifte", ESCROW, &path);
    sync(&lead);
    sync(&anna);
    sync(&bo);
    let id = |l: &Indsats| l.cmd(&["team", "show"]).run().ok().json()["me"].as_str().unwrap().to_string();
    let (mette_id, anna_id, bo_id) = (id(&lead), id(&anna), id(&bo));

    // Only the lead's laptop hands over, and only to a computer on the team.
    anna.cmd(&["team", "lead-transfer", &bo_id]).run().fails(2, "forbidden", &[]);
    lead.cmd(&["team", "lead-transfer", "dev-nobody"]).role("team_lead").run().fails(2, "roster_invalid", &[]);
    let handed = lead.cmd(&["team", "lead-transfer", &bo_id]).role("team_lead").run().ok().json();
    assert_eq!(handed["leads"], false, "{handed:#}");
    let bo_now = handed["devices"].as_array().unwrap().iter().find(|d| d["id"] == bo_id.as_str()).unwrap().clone();
    assert_eq!(bo_now["role"], "team_lead", "the new lead gets a lead's role");
    lead.cmd(&["team", "role", &anna_id, "team_lead"]).role("team_lead").run().fails(2, "not_lead", &[]);
    let logged = lead.cmd(&["audit", "--action", "team.lead_transfer"]).role("team_lead").run().ok().json();
    assert_eq!(logged.as_array().unwrap().len(), 1, "{logged:#}");

    // The old lead's laptop publishes the handover; bo's and anna's follow it.
    sync(&lead);
    sync(&bo);
    sync(&anna);
    let bo_team = bo.cmd(&["team", "show"]).run().ok().json();
    assert_eq!(bo_team["leads"], true, "{bo_team:#}");
    assert_eq!(bo.cmd(&["whoami"]).run().ok().json()["granted_role"], "team_lead");
    assert_eq!(anna.cmd(&["team", "show"]).run().ok().json()["version"], bo_team["version"]);

    // The new lead signs the team's changes: mette becomes a caseworker, and the target bo sets
    // is the team's on every laptop.
    bo.cmd(&["team", "role", &mette_id, "caseworker"]).role("team_lead").run().ok();
    bo.cmd(&["target", INDICATOR, "2027", "61"]).role("team_lead").run().ok();
    sync(&bo);
    let got = sync(&anna);
    assert_eq!(got["refused"].as_array().unwrap().len(), 0, "{got:#}");
    let got = sync(&lead);
    assert_eq!(got["refused"].as_array().unwrap().len(), 0, "{got:#}");
    assert_eq!(lead.cmd(&["whoami"]).run().ok().json()["granted_role"], "caseworker");
    lead.cmd(&["target", INDICATOR, "2027", "40"]).role("team_lead").run().fails(2, "role_not_granted", &[]);
    for l in [&lead, &anna] {
        assert_eq!(target_2027(l), Some(serde_json::json!(61.0)), "bo's target reached every laptop");
    }
}

/// IT's escrow identity for the recovery test (synthetic, made for it; guards nothing real).
const ESCROW_IDENTITY: &str = "# created: 2026-12-03\nAGE-SECRET-KEY-1LVWS7SMEH89J78NTCYSYR92724R7CYQ3PFZL7EAW883ZEMJRWKJQZJL27F\n";

#[test]
fn it_replaces_a_lost_lead_laptop_with_the_escrow_and_the_new_lead_gets_the_team_s_history() {
    let files = tempfile::tempdir().unwrap();
    let path = |name: &str| files.path().join(name).to_str().unwrap().to_string();
    std::fs::create_dir(path("share")).unwrap();
    let escrow = indsats_sync::keys::EscrowSigner::from_identity_file(ESCROW_IDENTITY).unwrap().recipient();
    let [lost, anna, bo] = team_of_three("ballerup-noed", &escrow, &path);
    sync(&lost);
    sync(&anna);
    sync(&bo);
    // The lead sets a target; anna registers a case. Then the lead's laptop is lost.
    lost.cmd(&["target", INDICATOR, "2027", "55"]).role("team_lead").run().ok();
    anna.cmd(&["participant", "add", "--name", "Wilhelmina Nødprøve", "--birth-year", "1991"]).run().ok();
    sync(&lost);
    sync(&anna);

    // IT sets up the replacement: the target first, then the recovery with the escrow's file.
    let new = Indsats::new_as("mette");
    new.init();
    new.cmd(&["sync", "target", "folder", &path("share")]).run().ok();
    std::fs::write(path("escrow.txt"), ESCROW_IDENTITY).unwrap();
    std::fs::write(path("other.txt"), "AGE-SECRET-KEY-1VF4UGUY4LUFZ3H4UTEKM87HHSA6WWE8PRHRTQDXYU0H3MXP2VLFQT2NKZQ\n").unwrap();
    let recover = |file: &str| -> Vec<String> {
        ["team", "recover", "--team", "ballerup-noed", "--escrow-identity", &path(file), "--device-name", "Mettes nye bærbare"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let args = |v: &[String], more: &[&str]| -> Vec<String> { v.iter().cloned().chain(more.iter().map(|s| s.to_string())).collect() };
    let run = |v: Vec<String>| new.cmd(&v.iter().map(String::as_str).collect::<Vec<_>>()).role("team_lead").run();
    run(args(&recover("other.txt"), &["--yes"])).fails(2, "not_the_escrow", &["intet er ændret"]);
    // Without --yes it shows the team it would make, and changes nothing.
    let shown = run(recover("escrow.txt")).exit(2);
    assert!(shown.stdout.contains("anna") && shown.stdout.contains("Mettes nye bærbare"), "{}", shown.stdout);
    assert_eq!(shown.error().code, "not_confirmed");
    new.cmd(&["team", "show"]).run().fails(2, "no_team", &[]);
    let team = run(args(&recover("escrow.txt"), &["--yes"])).ok().json();
    assert_eq!(team["leads"], true, "{team:#}");
    assert!(
        !team["devices"].as_array().unwrap().iter().any(|d| d["name"] == "Mettes bærbare"),
        "the lost laptop is off the team: {team:#}"
    );

    // Its first sync publishes the roster and asks for what it cannot read; the escrow answers;
    // the next sync brings the team's history: anna's case and the lost lead's target.
    let first = sync(&new);
    assert!(first["requested"].as_u64().unwrap() > 0, "{first:#}");
    new.cmd(&["team", "escrow-serve", "--escrow-identity", &path("other.txt")]).role("team_lead").run().fails(2, "not_the_escrow", &[]);
    let served = new.cmd(&["team", "escrow-serve", "--escrow-identity", &path("escrow.txt")]).role("team_lead").run().ok();
    assert!(!served.stdout.contains("AGE-SECRET-KEY"), "the identity is never printed");
    let second = sync(&new);
    assert_eq!(second["refused"].as_array().unwrap().len(), 0, "{second:#}");
    let hits = new.cmd(&["participant", "find", "Nødprøve"]).role("team_lead").run().ok().json();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits:#}");
    assert_eq!(target_2027(&new), Some(serde_json::json!(55.0)), "the lost lead's target is the team's history");

    // anna's laptop follows the escrow's handover; the lost laptop is off the team.
    sync(&anna);
    let anna_team = anna.cmd(&["team", "show"]).run().ok().json();
    let lead_name = anna_team["devices"].as_array().unwrap().iter().find(|d| d["lead"] == true).unwrap()["name"].clone();
    assert_eq!(lead_name, "Mettes nye bærbare", "{anna_team:#}");
    let found = lost.cmd(&["sync", "--once"]).run();
    assert_eq!(found.error().code, "not_on_roster", "{}", found.stderr);
    let log = new.cmd(&["audit", "--action", "team.recover"]).role("team_lead").run().ok().json();
    assert_eq!(log.as_array().unwrap().len(), 1, "{log:#}");
}

/// Deletes the last `n` rows of a laptop's own audit log behind Indsats's back, as someone with
/// the passphrase and a SQLite shell would.
fn cut_audit_tail(l: &Indsats, n: i64) {
    let key = indsats_store::keys::read_wrapped(&l.dir, PASSPHRASE).unwrap();
    let c = rusqlite::Connection::open(l.dir.join(indsats_store::DB_FILE)).unwrap();
    c.execute_batch(&key.sqlcipher_pragma()).unwrap();
    c.execute("DELETE FROM audit_log WHERE seq > (SELECT max(seq) FROM audit_log) - ?1", [n]).unwrap();
}

#[test]
fn the_lead_holds_the_team_s_access_log_reviews_it_and_finds_a_cut_tail() {
    let files = tempfile::tempdir().unwrap();
    let path = |name: &str| files.path().join(name).to_str().unwrap().to_string();
    std::fs::create_dir(path("share")).unwrap();
    let [lead, anna, bo] = team_of_three("ballerup-adgang", ESCROW, &path);
    sync(&lead);

    // anna registers a case and reads it; bo registers one of his own.
    let p = anna.cmd(&["participant", "add", "--name", "Wilhelmina Adgangsprøve", "--birth-year", "1988"]).run().ok().json();
    let pseudonym = p["pseudonym"].as_str().unwrap().to_string();
    anna.cmd(&["participant", "show", &pseudonym]).purpose("opfølgningssamtale").run().ok();
    let q = bo.cmd(&["participant", "add", "--name", "Bertil Andenprøve", "--birth-year", "1979"]).run().ok().json();
    let other = q["pseudonym"].as_str().unwrap().to_string();
    let got = sync(&anna);
    assert!(got["access_pushed"].as_u64().unwrap() > 0, "{got:#}");
    sync(&bo);
    let got = sync(&lead);
    assert!(got["access_received"].as_u64().unwrap() > 0, "{got:#}");
    assert_eq!(got["access_problems"].as_array().unwrap().len(), 0, "{got:#}");

    // The access bundles are for the leads and the escrow: a caseworker's laptop holds none of
    // the team's rows (and may not read even its own log).
    sync(&anna);
    anna.cmd(&["audit"]).run().fails(2, "forbidden", &[]);

    // The lead lists anna's read of the person, with her user, time and purpose, by citizen.
    let rows = lead.cmd(&["audit", "--citizen", &pseudonym]).role("team_lead").run().ok().json();
    let rows = rows.as_array().unwrap();
    let actions: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r["user"].as_str().unwrap(), r["action"].as_str().unwrap(), r["device_name"].as_str().unwrap_or("")))
        .collect();
    assert!(actions.contains(&("anna", "participant.read", "Annas bærbare")), "{rows:#?}");
    assert!(actions.contains(&("anna", "participant.create", "Annas bærbare")), "{rows:#?}");
    let read = rows.iter().find(|r| r["action"] == "participant.read").unwrap();
    assert_eq!((read["purpose"].as_str(), read["subject_label"].as_str()), (Some("opfølgningssamtale"), Some(pseudonym.as_str())));
    assert!(read["at"].as_str().unwrap().starts_with("20"), "{read:#}");
    assert!(rows.iter().all(|r| r["user"] == "anna"), "only anna touched her case: {rows:#?}");
    // By name too (one person), and by person and action across the team.
    let by_name = lead.cmd(&["audit", "--citizen", "Wilhelmina Adgangsprøve"]).role("team_lead").run().ok().json();
    assert_eq!(by_name.as_array().unwrap().len(), rows.len() + 1, "the listing before is itself logged");
    let bo_rows = lead.cmd(&["audit", "--by", "bo", "--action", "participant.create"]).role("team_lead").run().ok().json();
    assert_eq!(bo_rows.as_array().unwrap().len(), 1, "{bo_rows:#}");
    assert_eq!(bo_rows[0]["subject_label"], other.as_str());
    let none = lead.cmd(&["audit", "--by", "anna", "--to", "2000-01-01"]).role("team_lead").run().ok().json();
    assert_eq!(none.as_array().unwrap().len(), 0);

    // The citizen's extract lists exactly that person's accesses across the team.
    let csv = path("indsigt.csv");
    let before = lead.cmd(&["audit", "--citizen", &pseudonym]).role("team_lead").run().ok().json();
    let written = lead.cmd(&["audit", "extract", &pseudonym, "--out", &csv]).role("team_lead").run().ok().json();
    assert_eq!(written["accesses"].as_u64().unwrap() as usize, before.as_array().unwrap().len() + 1, "the listing just made is one more");
    let text = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(text.lines().count() as u64, written["accesses"].as_u64().unwrap() + 1, "a header and one row per access: {text}");
    assert!(text.contains("opfølgningssamtale") && text.contains("anna"), "{text}");
    assert!(!text.contains(&other) && !text.contains("Bertil"), "nobody else's accesses: {text}");
    let pdf = path("indsigt.pdf");
    lead.cmd(&["audit", "extract", &pseudonym, "--out", &pdf]).role("team_lead").run().ok();
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    lead.cmd(&["audit", "extract", &pseudonym, "--out", &pdf]).role("team_lead").run().fails(2, "file_exists", &[]);
    anna.cmd(&["audit", "extract", &pseudonym, "--out", &path("anna.csv")]).run().fails(2, "forbidden", &[]);

    // The month's review: a sample per person, drawn once, marked reviewed or questioned.
    let month = read["at"].as_str().unwrap()[..7].to_string();
    let sample = lead.cmd(&["audit", "sample", "--month", &month]).role("team_lead").run().ok().json();
    assert_eq!(sample["drawn_now"], true);
    let items = sample["items"].as_array().unwrap().clone();
    assert!(items.iter().any(|i| i["access"]["user"] == "anna"), "{sample:#}");
    let again = lead.cmd(&["audit", "sample", "--month", &month]).role("team_lead").run().ok().json();
    assert_eq!((again["drawn_now"].as_bool(), again["items"].as_array().unwrap().len()), (Some(false), items.len()));
    let id = items[0]["id"].as_str().unwrap();
    lead.cmd(&["audit", "review", id]).role("team_lead").run().fails(2, "required", &[]);
    let q = lead.cmd(&["audit", "review", id, "--question", "Ingen aftalt samtale den dag"]).role("team_lead").run().ok().json();
    assert_eq!((q["outcome"].as_str(), q["reviewer"].as_str()), (Some("questioned"), Some("mette")));
    let logged = lead.cmd(&["audit", "--action", "audit.review"]).role("team_lead").run().ok().json();
    assert_eq!(logged.as_array().unwrap().len(), 1, "the review is logged");

    // anna's log is cut behind Indsats's back after the lead had it; she goes on working.
    cut_audit_tail(&anna, 4);
    for _ in 0..8 {
        anna.cmd(&["participant", "show", &pseudonym]).purpose("opfølgning").run().ok();
    }
    sync(&anna);
    let got = sync(&lead);
    let problems = got["access_problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{got:#}");
    assert!(problems[0][2].as_str().unwrap().contains("skåret af eller ændret"), "{got:#}");
    let check = lead.cmd(&["audit", "--verify"]).role("team_lead").run();
    let check = check.exit(4);
    let v: Value = serde_json::from_str(&check.stdout).unwrap();
    let anna_log = v["devices"].as_array().unwrap().iter().find(|d| d["user"] == "anna").unwrap().clone();
    assert!(anna_log["problem"].is_string(), "{v:#}");
    assert_eq!(v["verified"], false);
    // The rows as they first arrived are kept: the cut read is still in the lead's log.
    let kept = lead.cmd(&["audit", "--citizen", &pseudonym, "--by", "anna"]).role("team_lead").run().ok().json();
    assert!(kept.as_array().unwrap().iter().any(|r| r["purpose"] == "opfølgningssamtale"), "{kept:#}");
    // bo's log is untouched and still verifies.
    let bo_log = v["devices"].as_array().unwrap().iter().find(|d| d["user"] == "bo").unwrap().clone();
    assert!(bo_log["problem"].is_null(), "{v:#}");
}

/// The texts of a timeline's notes and corrections, as `timeline --json` shows them.
fn timeline_texts(l: &Indsats, pseudonym: &str, role: &str) -> (usize, Vec<String>, Vec<String>) {
    let tl = l.cmd(&["timeline", pseudonym]).role(role).run().ok().json();
    let texts = |key: &str, field: &str| -> Vec<String> {
        tl[key].as_array().map(|a| a.iter().filter_map(|x| x[field].as_str().map(str::to_string)).collect()).unwrap_or_default()
    };
    (tl["events"].as_array().map_or(0, Vec::len), texts("notes", "text"), texts("corrections", "text"))
}

#[test]
fn a_handed_over_case_takes_its_history_to_the_new_caseworker_and_the_old_laptop_stops_receiving_it() {
    let files = tempfile::tempdir().unwrap();
    let path = |name: &str| files.path().join(name).to_str().unwrap().to_string();
    std::fs::create_dir(path("share")).unwrap();
    let [lead, anna, bo] = team_of_three("ballerup-overdragelse", ESCROW, &path);
    sync(&lead);
    sync(&anna);
    sync(&bo);

    // anna's case, with a conversation and a journal note, reaches the lead; bo's laptop passes it.
    let p = anna.cmd(&["participant", "add", "--name", "Wilhelmina Overdragelse", "--birth-year", "1991"]).run().ok().json();
    let p = p["pseudonym"].as_str().unwrap().to_string();
    anna.cmd(&["log", &p, "conversation", "--outcome", "held", "--mode", "in_person", "--date", "10-11-2026"]).run().ok();
    anna.cmd(&["note", &p, "--text", "Borgeren vil gerne i praktik i en børnehave."]).run().ok();
    sync(&anna);
    sync(&lead);
    let got = sync(&bo);
    assert!(got["passed"].as_u64().unwrap() > 0, "{got:#}");
    bo.cmd(&["participant", "show", &p]).run().fails(2, "not_found", &[]);

    // A handover to someone not in the team is refused with the team's caseworkers named, and
    // changes nothing; so is one to the case's own caseworker.
    let before = anna.data_state();
    anna.cmd(&["handover", &p, "--to", "kim"]).run().fails(2, "not_in_team", &["kim", "anna", "bo"]);
    anna.cmd(&["handover", &p, "--to", "anna"]).run().fails(2, "already_caseworker", &[]);
    bo.cmd(&["handover", "--from", "anna", "--to", "bo"]).run().fails(2, "not_your_case", &[]);
    assert_eq!(anna.data_state(), before);

    // anna hands the case to bo with a note; at the next syncs bo's laptop has its whole history.
    let handed = anna.cmd(&["handover", &p, "--to", "bo", "--note", "Samtaler helst om formiddagen."]).run().ok().json();
    assert_eq!((handed["to"].as_str(), handed["cases"][0]["pseudonym"].as_str()), (Some("bo"), Some(p.as_str())), "{handed:#}");
    anna.cmd(&["note", &p, "--text", "Ikke længere min sag."]).run().fails(2, "not_your_case", &[]);
    sync(&anna);
    let got = sync(&bo);
    assert_eq!(got["refused"].as_array().unwrap().len(), 0, "{got:#}");
    let (events, notes, corrections) = timeline_texts(&bo, &p, "caseworker");
    assert_eq!(events, 1, "the conversation anna logged");
    assert_eq!(notes, ["Borgeren vil gerne i praktik i en børnehave."]);
    assert_eq!(corrections, ["overdraget 24-11-2026 af anna: anna → bo (Samtaler helst om formiddagen.)"]);
    let mine = bo.cmd(&["participant", "list", "--caseworker", "bo"]).run().ok().json();
    assert_eq!(mine[0]["pseudonym"], p.as_str(), "{mine:#}");
    // The lead's laptop holds it once, with the same history.
    let got = sync(&lead);
    assert_eq!(got["refused"].as_array().unwrap().len(), 0, "{got:#}");
    assert_eq!(timeline_texts(&lead, &p, "team_lead").0, 1);

    // bo works on; anna's laptop no longer receives the case's changes (it passes them), and the
    // lead's does.
    bo.cmd(&["log", &p, "conversation", "--outcome", "held", "--mode", "phone", "--date", "20-11-2026"]).run().ok();
    bo.cmd(&["note", &p, "--text", "Praktik aftalt fra januar."]).run().ok();
    sync(&bo);
    let got = sync(&anna);
    assert_eq!(got["merged_changes"], 0, "{got:#}");
    assert!(got["passed"].as_u64().unwrap() > 0, "{got:#}");
    assert_eq!(anna.cmd(&["participant", "show", &p]).run().ok().json()["events"].as_array().map_or(0, Vec::len), 1);
    assert!(
        anna.cmd(&["participant", "list", "--caseworker", "anna"]).run().ok().json().as_array().unwrap().is_empty(),
        "not in anna's caseload any more"
    );
    sync(&lead);
    assert_eq!(timeline_texts(&lead, &p, "team_lead").0, 2);

    // When anna leaves, the lead hands her whole caseload to bo: her other case goes to bo's
    // laptop with its history, and anna's laptop learns that it has left her caseload.
    let q = anna.cmd(&["participant", "add", "--name", "Bertram Sagsstamme", "--birth-year", "1985"]).run().ok().json();
    let q = q["pseudonym"].as_str().unwrap().to_string();
    anna.cmd(&["log", &q, "conversation", "--outcome", "no_show", "--date", "12-11-2026"]).run().ok();
    sync(&anna);
    sync(&lead);
    let handed = lead.cmd(&["handover", "--from", "anna", "--to", "bo", "--note", "Anna er stoppet."]).role("team_lead").run().ok().json();
    assert_eq!(handed["cases"].as_array().unwrap().len(), 1, "{handed:#}");
    sync(&lead);
    let got = sync(&bo);
    assert_eq!(got["refused"].as_array().unwrap().len(), 0, "{got:#}");
    let (events, _, corrections) = timeline_texts(&bo, &q, "caseworker");
    assert_eq!(events, 1);
    assert_eq!(corrections, ["overdraget 24-11-2026 af mette: anna → bo (Anna er stoppet.)"]);
    let got = sync(&anna);
    assert_eq!(got["refused"].as_array().unwrap().len(), 0, "{got:#}");
    assert!(
        anna.cmd(&["participant", "list", "--caseworker", "anna"]).run().ok().json().as_array().unwrap().is_empty(),
        "anna's laptop learnt of the handover"
    );
    assert_eq!(bo.cmd(&["participant", "list", "--caseworker", "bo"]).run().ok().json().as_array().unwrap().len(), 2);
}
