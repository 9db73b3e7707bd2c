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
    let goals = lead.cmd(&["goals"]).run().ok().json();
    let target = goals
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["indicators"].as_array().cloned().unwrap_or_default())
        .find(|i| i["key"] == INDICATOR)
        .unwrap()["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["year"] == 2027)
        .map(|t| t["value"].clone());
    assert_ne!(target, Some(serde_json::json!(99.0)), "bo's target is not the team's");
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
