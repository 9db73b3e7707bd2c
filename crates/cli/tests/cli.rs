//! End-to-end tests of the `indsats` binary: each test runs the real executable in its own temp
//! data folder, with a fixed clock (INDSATS_NOW = 24-11-2026 09:00 UTC).
//!
//! Exit codes: 0 ok, 2 bad input, 3 wrong passphrase or locked store, 1 anything else. Errors are
//! ONE line on stderr (Danish by default, `--lang en` for English); with `--json` that line is
//! `{"error":{"code","message","field"}}`.

mod support;

use std::collections::BTreeSet;
use std::io::Write;

use serde_json::Value;
use support::*;

/// A valid CPR number (passes modulus 11): 15-03-1985.
const CPR: &str = "150385-1233";

/// A store with one initiative (01-01-2026 – 31-12-2026) and one participant (with [`CPR`]).
fn store_with_participant() -> (Indsats, String, String) {
    let t = Indsats::new();
    t.init();
    let initiative = t.add_initiative("Virksomhedspraktik i detailhandlen");
    let pseudonym = t.add_participant("Amina Hassan", Some(CPR));
    (t, pseudonym, initiative)
}

fn find<'a>(rows: &'a Value, key: &str, value: &str) -> Vec<&'a Value> {
    rows.as_array().expect("an array").iter().filter(|r| r[key] == value).collect()
}

// ---- 1. The happy scenario ---------------------------------------------------------------------

#[test]
fn happy_scenario_from_init_to_verified_audit_log() {
    let t = Indsats::new();
    let init = t.init();
    assert_eq!(init["goals"], 4);
    assert_eq!(init["strategy"], "ballerup-2029");

    let goals = t.cmd(&["goals"]).run().ok().json();
    let keys: Vec<&str> = goals.as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["selvforsoergelse", "uddannelse", "inklusion", "demokrati-dansk"]);

    let initiative = t.add_initiative("Virksomhedspraktik i detailhandlen");
    let contribution = "Praktik i private virksomheder fører til ordinært job";
    let linked =
        t.cmd(&["initiative", "link", &initiative, "--goal", "selvforsoergelse", "--contribution", contribution]).run().ok().json();
    assert_eq!(linked["ok"], true);
    let goals = t.cmd(&["goals"]).run().ok().json();
    assert_eq!(goals[0]["initiatives"][0]["id"], initiative.as_str());
    assert_eq!(goals[0]["initiatives"][0]["contribution"], contribution);

    let added = t.cmd(&["participant", "add", "--name", "Amina Hassan", "--cpr", CPR]).run().ok();
    assert_eq!(added.stderr, "", "a valid CPR number gives no warning");
    let added = added.json();
    let pseudonym = added["pseudonym"].as_str().unwrap().to_string();
    let participant_id = added["id"].as_str().unwrap().to_string();

    let enrolled = t.cmd(&["enrol", &pseudonym, &initiative, "--start", "01-02-2026", "--end", "31-12-2026"]).run().ok().json();
    assert_eq!(enrolled["created"], "enrolment");

    let logged =
        t.cmd(&["log", &pseudonym, "module_test_passed", "--course", "du2", "--module", "3", "--date", "01-03-2026"]).run().ok().json();
    assert_eq!(logged["created"], "event");

    let purpose = "opfølgning på jobplan";
    let timeline = t.cmd(&["timeline", &pseudonym]).purpose(purpose).run().ok().json();
    let events = timeline["events"].as_array().unwrap();
    assert_eq!(events.len(), 1, "{timeline:#}");
    let ev = &events[0];
    assert_eq!(ev["type"], "module_test_passed");
    assert_eq!(ev["date"], "2026-03-01");
    assert_eq!(ev["details"]["course"], "du2");
    assert_eq!(ev["details"]["module"], 3);
    assert_eq!(ev["recorded_by"], USER);
    assert_eq!(ev["id"], logged["id"]);
    let step = ev["ladder_step"].as_u64().expect("ladder_step");
    assert!((1..=6).contains(&step), "a passed module test is progress");

    let status = t.status();
    let c = &status["counts"];
    assert_eq!(status["today"], "2026-11-24");
    assert_eq!(c["participants"]["open"], 1);
    assert_eq!(c["participants"]["closed"], 0);
    assert_eq!(c["events"], 1);
    assert_eq!(c["initiatives"]["active"], 1);
    assert_eq!(c["goals"], 4);
    // `enrolments_active` is asserted in
    // `an_enrolment_in_a_time_limited_initiative_counts_as_active` (ignored: a bug).
    assert_eq!(status["ladder"][step as usize], 1, "the one participant stands on the timeline's step");
    assert_eq!(status["ladder"].as_array().unwrap().iter().map(|n| n.as_u64().unwrap()).sum::<u64>(), 1);
    assert_eq!(status["events_by_type"][0]["type"], "module_test_passed");
    assert_eq!(status["events_by_type"][0]["count"], 1);
    let g = find(&status["goals"], "key", "selvforsoergelse");
    assert_eq!(g[0]["initiatives_active"], 1);

    let shown = t.cmd(&["initiative", "show", &initiative]).run().ok().json();
    assert_eq!(shown["id"], initiative.as_str());
    assert_eq!(shown["type"], "virksomhedspraktik");
    assert_eq!(shown["start"], "2026-01-01");
    assert_eq!(shown["end"], "2026-12-31");
    assert_eq!(shown["status"], "active");
    assert_eq!(shown["goals"][0]["contribution"], contribution);
    assert_eq!(shown["enrolments"].as_array().unwrap().len(), 1);
    assert_eq!(shown["enrolments"][0]["participant"], pseudonym.as_str());
    assert_eq!(shown["enrolments"][0]["start"], "2026-02-01");
    assert_eq!(shown["results"]["participants"], 1);

    for query in ["Ami", "Amina Has", CPR, "1503851233"] {
        let hits = t.cmd(&["participant", "find", query]).purpose(purpose).run().ok().json();
        let hits = hits.as_array().unwrap();
        assert_eq!(hits.len(), 1, "find {query:?}: {hits:?}");
        assert_eq!(hits[0]["pseudonym"], pseudonym.as_str());
        assert_eq!(hits[0]["name"], "Amina Hassan");
        assert_eq!(hits[0]["birth_year"], 1985);
    }
    let none = t.cmd(&["participant", "find", "Zebulon"]).run().ok().json();
    assert_eq!(none.as_array().unwrap().len(), 0);

    let audit = t.cmd(&["audit", "--limit", "1000"]).role("team_lead").run().ok().json();
    let reads = find(&audit, "action", "participant.read");
    assert!(!reads.is_empty(), "the timeline is an audited read");
    assert!(reads.iter().any(|r| r["purpose"] == purpose && r["subject"] == participant_id.as_str() && r["user"] == USER));
    let searches = find(&audit, "action", "participant.search");
    assert_eq!(searches.len(), 5, "every search is audited: {audit:#}");
    assert!(searches.iter().any(|r| r["purpose"] == purpose && r["subject"] == "Ami"));
    for action in ["strategy.load", "initiative.create", "initiative.link", "participant.create", "enrolment.create", "event.record"] {
        assert_eq!(find(&audit, "action", action).len(), 1, "{action} in {audit:#}");
    }

    let verified = t.cmd(&["audit", "--verify"]).role("admin").run().ok().json();
    assert_eq!(verified["verified"], true);
    assert!(verified["rows"].as_u64().unwrap() as usize > audit.as_array().unwrap().len());

    t.cmd(&["audit"]).run().fails(2, "forbidden", &["må ikke"]);
    t.cmd(&["audit", "--verify"]).run().fails(2, "forbidden", &["må ikke"]);
    let plain = t.cmd(&["audit"]).plain().run().exit(2);
    assert!(plain.stderr_line().starts_with("fejl: "));
    assert!(plain.stderr_line().contains("logningen"));
}

/// BUG: `status` counts an enrolment as active only when its end date is empty, but an initiative
/// with an end date only accepts enrolments that end inside its period (an open end is rejected
/// as `enrolment_outside_initiative`), so enrolments in time-limited initiatives are never
/// "active" / "enrolled now".
#[test]
fn an_enrolment_in_a_time_limited_initiative_counts_as_active() {
    let (t, p, i) = store_with_participant();
    t.cmd(&["initiative", "link", &i, "--goal", "selvforsoergelse", "--contribution", "Job"]).run().ok();
    t.cmd(&["enrol", &p, &i, "--start", "01-02-2026", "--end", "31-12-2026"]).run().ok();
    let status = t.status();
    assert_eq!(status["counts"]["enrolments_active"], 1, "{status:#}");
    let g = find(&status["goals"], "key", "selvforsoergelse");
    assert_eq!(g[0]["participants_enrolled_now"], 1);
    let list = t.cmd(&["initiative", "list"]).run().ok().json();
    assert_eq!(list[0]["enrolled_now"], 1);
    assert_eq!(list[0]["enrolled_total"], 1);
}

// ---- 2. Help ------------------------------------------------------------------------------------

/// The subcommands listed under "Commands:" in a help text (without `help`).
fn listed_subcommands(help: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line.trim_end() == "Commands:" {
            inside = true;
            continue;
        }
        if inside {
            if !line.starts_with("  ") {
                break;
            }
            let name = line.split_whitespace().next().unwrap_or_default();
            if name != "help" {
                out.push(name.to_string());
            }
        }
    }
    out
}

#[test]
fn help_works_for_the_top_level_and_every_subcommand() {
    let t = Indsats::new();
    let mut seen = BTreeSet::new();
    let mut todo: Vec<Vec<String>> = vec![vec![]];
    while let Some(path) = todo.pop() {
        let mut args: Vec<&str> = path.iter().map(String::as_str).collect();
        args.push("--help");
        let out = t.cmd(&args).plain().run().ok();
        assert!(out.stdout.contains("Usage: indsats"), "help of {path:?}: {}", out.stdout);
        assert_eq!(out.stderr, "", "help of {path:?} writes nothing to stderr");
        for sub in listed_subcommands(&out.stdout) {
            let mut p = path.clone();
            p.push(sub);
            todo.push(p);
        }
        seen.insert(path.join(" "));
    }
    let expected: BTreeSet<String> = [
        "",
        "init",
        "goals",
        "indicators",
        "target",
        "value",
        "initiative",
        "initiative add",
        "initiative list",
        "initiative show",
        "initiative link",
        "initiative unlink",
        "initiative close",
        "participant",
        "participant add",
        "participant list",
        "participant find",
        "participant show",
        "participant close",
        "participant reopen",
        "participant merge",
        "participant edit",
        "participant export",
        "participant plan",
        "participant import",
        "handover",
        "enrol",
        "enrolment",
        "enrolment end",
        "enrolment edit",
        "enrolment remove",
        "log",
        "event",
        "event edit",
        "event remove",
        "note",
        "notes",
        "worklist",
        "timeline",
        "status",
        "demo",
        "report",
        "passphrase",
        "passphrase change",
        "whoami",
        "role",
        "role set",
        "audit",
        "audit sample",
        "audit review",
        "audit extract",
        "team",
        "team create",
        "team invite",
        "team join",
        "team add",
        "team role",
        "team lead-transfer",
        "team recover",
        "team escrow-serve",
        "team remove",
        "team show",
        "sync",
        "sync status",
        "sync exports",
        "sync target",
        "sync target folder",
        "sync target webdav",
        "sync target s3",
        "sync target show",
        "sync target remove",
        "conflicts",
        "conflicts resolve",
        "backup",
        "restore",
        "import",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(seen, expected);
    // `-h` and the `help` subcommand work too, and no store was made by asking for help.
    assert!(!t.cmd(&["-h"]).plain().run().ok().stdout.is_empty());
    assert!(!t.cmd(&["help", "participant", "add"]).plain().run().ok().stdout.is_empty());
    assert!(!t.dir.exists());
}

// ---- 3. Bad input: one test each; nothing may change -------------------------------------------

/// Runs `args` (expecting failure), and asserts that `status --json` (but for the audit row
/// count) is the same before and after.
fn rejected(t: &Indsats, args: &[&str], code: &str, field: Option<&str>, words: &[&str]) {
    let before = t.data_state();
    let e = t.cmd(args).run().fails(2, code, words);
    assert_eq!(e.field.as_deref(), field, "{e:?}");
    assert_eq!(t.data_state(), before, "nothing may change after {args:?}");
}

#[test]
fn cpr_with_a_day_that_does_not_exist_is_rejected() {
    let (t, _, _) = store_with_participant();
    rejected(
        &t,
        &["participant", "add", "--name", "Bo Berg", "--cpr", "320190-1234"],
        "cpr_date",
        Some("cpr"),
        &["CPR-nummeret", "32-01-1990", "ikke findes", "Kontrollér"],
    );
}

#[test]
fn cpr_whose_century_digit_makes_the_date_invalid_is_rejected() {
    // 7th digit 0: the 1900s, and 1900 was no leap year.
    let (t, _, _) = store_with_participant();
    rejected(
        &t,
        &["participant", "add", "--name", "Bo Berg", "--cpr", "290200-0001"],
        "cpr_date",
        Some("cpr"),
        &["29-02-1900", "ikke findes", "7. ciffer"],
    );
}

#[test]
fn cpr_with_a_birth_date_in_the_future_is_rejected() {
    // 7th digit 5 with year 30: 2030.
    let (t, _, _) = store_with_participant();
    rejected(
        &t,
        &["participant", "add", "--name", "Bo Berg", "--cpr", "010130-5000"],
        "cpr_in_future",
        Some("cpr"),
        &["01-01-2030", "fremtiden", "Kontrollér"],
    );
}

#[test]
fn duplicate_cpr_is_rejected() {
    let (t, p, _) = store_with_participant();
    for same in [CPR, "1503851233", " 150385-1233 "] {
        rejected(
            &t,
            &["participant", "add", "--name", "Anden Person", "--cpr", same],
            "duplicate_cpr",
            Some("cpr"),
            &["allerede", "CPR-nummer", &p, "Åbn den sag"],
        );
    }
}

#[test]
fn cpr_failing_modulus_11_is_accepted_with_a_warning() {
    let (t, _, _) = store_with_participant();
    let before = t.open_participants();
    // Under --json the warning is part of the JSON answer, and stderr stays empty.
    let out = t.cmd(&["participant", "add", "--name", "Bo Berg", "--cpr", "070761-4286"]).run().ok();
    let json = out.json();
    assert_eq!(json["created"], "participant");
    assert_eq!(json["warnings"][0]["code"], "cpr_modulus11");
    let message = json["warnings"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("modulus 11") && message.contains("kontrollér"), "{message}");
    assert!(out.stderr.trim().is_empty(), "{}", out.stderr);
    assert_eq!(t.open_participants(), before + 1);

    let out = t.cmd(&["participant", "add", "--name", "Cy Berg", "--cpr", "070761-4287"]).lang("en").run().ok();
    let message = out.json()["warnings"][0]["message"].as_str().unwrap().to_string();
    assert!(message.contains("modulus 11") && message.contains("check it"), "{message}");
    assert_eq!(t.open_participants(), before + 2);
}

#[test]
fn unknown_goal_key_in_initiative_link_is_not_found() {
    let (t, _, i) = store_with_participant();
    rejected(
        &t,
        &["initiative", "link", &i, "--goal", "selvforsorgelse", "--contribution", "Job"],
        "not_found",
        None,
        &["ingen mål", "selvforsorgelse", "Kontrollér"],
    );
}

#[test]
fn unknown_initiative_id_in_enrol_is_not_found() {
    let (t, p, _) = store_with_participant();
    let missing = "01a20cc8-8e80-7563-8f79-000000000000";
    rejected(&t, &["enrol", &p, missing, "--start", "01-02-2026", "--end", "01-03-2026"], "not_found", None, &["ingen indsats", missing]);
    rejected(
        &t,
        &["enrol", &p, "ikke-et-id", "--start", "01-02-2026", "--end", "01-03-2026"],
        "not_found",
        None,
        &["ingen indsats", "ikke-et-id"],
    );
}

#[test]
fn initiative_ending_before_it_starts_is_rejected() {
    let (t, _, _) = store_with_participant();
    let args = [
        "initiative",
        "add",
        "--title",
        "Mentorforløb",
        "--type",
        "mentor",
        "--owner",
        "Jobcenter",
        "--start",
        "01-02-2026",
        "--end",
        "01-01-2026",
    ];
    rejected(&t, &args, "end_before_start", Some("end"), &["01-01-2026", "ligger før", "01-02-2026", "Ret en af datoerne"]);
    // In English.
    let before = t.data_state();
    let e = t.cmd(&args).lang("en").run().fails(2, "end_before_start", &["2026-01-01", "is before", "2026-02-01"]);
    assert!(e.message.contains("Correct one of the dates"), "{e:?}");
    assert_eq!(t.data_state(), before);
}

#[test]
fn score_outside_its_scale_is_rejected() {
    let (t, p, _) = store_with_participant();
    let args = ["log", &p, "progression_measured", "--dimension", "language", "--score", "6", "--date", "01-03-2026"];
    rejected(&t, &args, "score_out_of_scale", Some("score"), &["Scoren 6", "uden for skalaen 1–5", "Vælg en score"]);
    // In English.
    let before = t.data_state();
    t.cmd(&args).lang("en").run().fails(2, "score_out_of_scale", &["score 6", "outside the scale 1–5", "Choose a score from 1 to 5"]);
    assert_eq!(t.data_state(), before);
    // The same score is fine on the 1-10 scale.
    let mut ok = args.to_vec();
    ok.extend(["--scale", "1-10"]);
    t.cmd(&ok).run().ok();
    assert_eq!(t.counts()["events"], 1);
}

#[test]
fn enrolment_outside_its_initiatives_period_is_rejected() {
    let (t, p, i) = store_with_participant();
    // The initiative runs 01-01-2026 – 31-12-2026.
    for (start, end) in [("01-12-2025", "01-03-2026"), ("01-06-2026", "31-01-2027")] {
        rejected(
            &t,
            &["enrol", &p, &i, "--start", start, "--end", end],
            "enrolment_outside_initiative",
            Some("start"),
            &["uden for indsatsens periode", "01-01-2026", "31-12-2026"],
        );
    }
}

#[test]
fn event_dated_in_the_future_is_rejected() {
    let (t, p, _) = store_with_participant();
    rejected(
        &t,
        &["log", &p, "meeting_held", "--date", "25-11-2026"],
        "in_future",
        Some("date"),
        &["25-11-2026", "fremtiden", "når det er sket"],
    );
}

#[test]
fn unknown_event_type_is_rejected() {
    let (t, p, _) = store_with_participant();
    rejected(
        &t,
        &["log", &p, "fest", "--date", "01-03-2026"],
        "unknown_code",
        Some("event"),
        &["Ukendt", "fest", "Vælg en af", "module_test_passed"],
    );
}

/// The default strategy file, changed by `edit`, written into the temp dir.
fn broken_strategy(t: &Indsats, name: &str, edit: impl Fn(&str) -> String) -> std::path::PathBuf {
    let original = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../assets/strategy/ballerup-2029.toml"))
        .expect("the default strategy file");
    let broken = edit(&original);
    assert_ne!(broken, original, "the edit changed nothing");
    let path = t.tmp().join(name);
    std::fs::write(&path, broken).unwrap();
    path
}

/// 1-based number of the first line satisfying `pred`.
fn line_no(text: &str, pred: impl Fn(&str) -> bool) -> usize {
    text.lines().position(pred).expect("line") + 1
}

fn assert_no_store_left(t: &Indsats) {
    assert!(!t.dir.join("key.json").exists(), "key.json left behind");
    assert!(!t.dir.join("indsats.db").exists(), "indsats.db left behind");
    assert!(t.files().is_empty(), "files left behind: {:?}", t.files().keys());
    // A later plain `init` works.
    let init = t.init();
    assert_eq!(init["goals"], 4);
}

#[test]
fn strategy_file_with_a_missing_field_leaves_no_store() {
    let t = Indsats::new();
    // Drop the first goal's `title_en`.
    let path = broken_strategy(&t, "mangler-felt.toml", |s| {
        let mut done = false;
        s.lines()
            .filter(|l| {
                if !done && l.starts_with("title_en = ") {
                    done = true;
                    return false;
                }
                true
            })
            .map(|l| format!("{l}\n"))
            .collect()
    });
    let text = std::fs::read_to_string(&path).unwrap();
    // The goal table that lacks the field.
    let line = line_no(&text, |l| l.trim() == "[[goal]]");
    let e = t.cmd(&["init", "--strategy", path.to_str().unwrap()]).role("admin").run().fails(
        2,
        "strategy_file",
        &[&format!("linje {line}"), "title_en", "mangler"],
    );
    assert_eq!(e.field.as_deref(), Some("title_en"));
    // In English, as one plain line.
    let out = t.cmd(&["init", "--strategy", path.to_str().unwrap()]).role("admin").lang("en").plain().run().exit(2);
    let msg = out.stderr_line();
    assert!(msg.starts_with("error: "), "{msg}");
    assert!(msg.contains(&format!("line {line}")), "{msg}");
    assert!(msg.contains("title_en") && msg.contains("missing"), "{msg}");
    assert_no_store_left(&t);
}

#[test]
fn strategy_file_with_a_misspelt_field_leaves_no_store() {
    let t = Indsats::new();
    std::fs::create_dir_all(&t.dir).unwrap();
    let path = broken_strategy(&t, "stavefejl.toml", |s| s.replacen("\nmunicipality = ", "\nmunicipalty = ", 1));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = line_no(&text, |l| l.starts_with("municipalty = "));
    let e = t.cmd(&["init", "--strategy", path.to_str().unwrap()]).role("admin").run().fails(
        2,
        "strategy_file",
        &[&format!("linje {line}"), "municipalty", "Ret stavningen", "municipality"],
    );
    assert_eq!(e.field.as_deref(), Some("municipalty"));
    assert_no_store_left(&t);
}

// ---- 4. The wrong passphrase --------------------------------------------------------------------

#[test]
fn a_case_closed_by_mistake_is_reopened_and_counts_as_open_again() {
    let (t, p, _) = store_with_participant();
    assert_eq!(t.open_participants(), 1);
    t.cmd(&["participant", "close", &p]).run().ok();
    assert_eq!(t.open_participants(), 0);
    let reopened = t.cmd(&["participant", "reopen", &p]).plain().run().ok();
    assert_eq!(reopened.stdout.trim(), "Sagen er åben igen.");
    assert_eq!(t.open_participants(), 1);
    t.cmd(&["log", &p, "meeting_held"]).run().ok();
    let log = t.cmd(&["audit", "--action", "participant.reopen"]).role("team_lead").run().ok().json();
    assert_eq!(log.as_array().unwrap().len(), 1, "{log:#}");
    t.cmd(&["participant", "reopen", "D-NOBODY1"]).run().fails(2, "not_found", &[]);
}

#[test]
fn corrections_rewrite_the_record_keep_their_history_and_move_the_numbers() {
    let (t, p, initiative) = store_with_participant();
    let events = |t: &Indsats| t.counts()["events"].as_u64().expect("events");
    let timeline = |t: &Indsats| t.cmd(&["timeline", &p]).run().ok().json();

    // A typo in a date, then in the details.
    let logged = t.cmd(&["log", &p, "module_test_passed", "--course", "du2", "--module", "3", "--date", "01-03-2026"]).run().ok().json();
    let ev = logged["id"].as_str().expect("log --json returns the event's id").to_string();
    t.cmd(&["event", "edit", &ev, "--date", "02-03-2026", "--why", "tastefejl"]).run().ok();
    t.cmd(&["event", "edit", &ev, "--event", "module_test_passed", "--course", "du2", "--module", "4"]).run().ok();
    let tl = timeline(&t);
    assert_eq!(tl["events"][0]["date"], "2026-03-02", "{tl:#}");
    assert_eq!(tl["events"][0]["details"]["module"], 4);
    let texts: Vec<&str> = tl["corrections"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(
        texts,
        [
            "rettet 24-11-2026 af testbruger: Dato 01-03-2026 → 02-03-2026 (tastefejl)",
            "rettet 24-11-2026 af testbruger: Detaljer Modultest bestået: DU2 modul 3 → Modultest bestået: DU2 modul 4",
        ]
    );
    // Giving details without the event type is refused, and so is a correction into the future.
    rejected(&t, &["event", "edit", &ev, "--module", "5"], "required", Some("event"), &[]);
    rejected(&t, &["event", "edit", &ev, "--date", "01-12-2026"], "in_future", Some("date"), &[]);

    // An event logged on the wrong person is removed, with a reason; the count moves.
    let wrong = t.cmd(&["log", &p, "employment_started", "--kind", "ordinary", "--hours", "37"]).run().ok().json();
    let wrong = wrong["id"].as_str().unwrap().to_string();
    assert_eq!(events(&t), 2);
    rejected(&t, &["event", "remove", &wrong, "--reason", "  "], "required", Some("reason"), &[]);
    t.cmd(&["event", "remove", &wrong, "--reason", "registreret på forkert borger"]).run().ok();
    assert_eq!(events(&t), 1);
    let tl = timeline(&t);
    assert_eq!(tl["events"].as_array().unwrap().len(), 1);
    let removed = tl["corrections"][2]["text"].as_str().unwrap();
    assert!(removed.starts_with("fjernet 24-11-2026 af testbruger: 24-11-2026; Ansættelse startet: Ordinær, 37 t/uge"), "{removed}");
    assert!(removed.ends_with("(registreret på forkert borger)"), "{removed}");
    t.cmd(&["event", "edit", &wrong, "--date", "01-11-2026"]).run().fails(2, "not_found", &["hændelse"]);

    // The participant's details; a CPR number another case has is refused.
    t.cmd(&["participant", "edit", &p, "--name", "Amina Hassan Ali", "--arrival", "01-06-2019", "--why", "stavefejl"]).run().ok();
    let shown = t.cmd(&["participant", "show", &p]).run().ok().json();
    assert_eq!(shown["name"], "Amina Hassan Ali");
    assert_eq!(shown["arrival_date"], "2019-06-01");
    let found = t.cmd(&["participant", "find", "Ali"]).run().ok().json();
    assert_eq!(found.as_array().unwrap().len(), 1, "the search finds the corrected name");
    let other = t.add_participant("Bo Berg", Some("010190-1236"));
    rejected(&t, &["participant", "edit", &other, "--cpr", CPR], "duplicate_cpr", Some("cpr"), &[]);
    let tl = timeline(&t);
    let edited = tl["corrections"][3]["text"].as_str().unwrap();
    assert_eq!(edited, "rettet 24-11-2026 af testbruger: Navn Amina Hassan → Amina Hassan Ali; Indrejsedato – → 01-06-2019 (stavefejl)");

    // An enrolment: its start, its end and outcome, then removed as never begun.
    let e = t.cmd(&["enrol", &p, &initiative, "--start", "01-02-2026"]).run().ok().json();
    let e = e["id"].as_str().unwrap().to_string();
    let active = |t: &Indsats| t.counts()["enrolments_active"].as_u64().unwrap();
    assert_eq!(active(&t), 1);
    t.cmd(&["enrolment", "edit", &e, "--start", "01-03-2026"]).run().ok();
    t.cmd(&["enrolment", "edit", &e, "--end", "01-10-2026", "--outcome", "completed"]).run().ok();
    assert_eq!(active(&t), 0);
    let shown = t.cmd(&["participant", "show", &p]).run().ok().json();
    assert_eq!(shown["enrolments"][0]["start"], "2026-03-01");
    assert_eq!(shown["enrolments"][0]["outcome"], "completed");
    t.cmd(&["enrolment", "edit", &e, "--end", ""]).run().ok();
    let shown = t.cmd(&["participant", "show", &p]).run().ok().json();
    assert_eq!(shown["enrolments"][0]["outcome"], Value::Null, "clearing the end clears the outcome");
    assert_eq!(active(&t), 1);
    rejected(&t, &["enrolment", "edit", &e, "--outcome", "job"], "required", Some("end"), &[]);
    rejected(&t, &["enrolment", "edit", &e, "--start", "01-01-2025"], "enrolment_outside_initiative", Some("start"), &[]);
    t.cmd(&["enrolment", "remove", &e, "--reason", "aldrig startet"]).run().ok();
    assert_eq!(active(&t), 0);
    let shown = t.cmd(&["participant", "show", &p]).run().ok().json();
    assert_eq!(shown["enrolments"].as_array().unwrap().len(), 0);
    let tl = timeline(&t);
    let last = tl["corrections"].as_array().unwrap().last().unwrap()["text"].as_str().unwrap().to_string();
    assert_eq!(last, "fjernet 24-11-2026 af testbruger: Virksomhedspraktik i detailhandlen; 01-03-2026 (aldrig startet)");

    // An initiative's link to a goal.
    t.cmd(&["initiative", "link", &initiative, "--goal", "selvforsoergelse", "--contribution", "Praktik fører til job"]).run().ok();
    assert_eq!(t.cmd(&["initiative", "show", &initiative]).run().ok().json()["goals"].as_array().unwrap().len(), 1);
    t.cmd(&["initiative", "unlink", &initiative, "--goal", "selvforsoergelse"]).run().ok();
    assert_eq!(t.cmd(&["initiative", "show", &initiative]).run().ok().json()["goals"].as_array().unwrap().len(), 0);
    rejected(&t, &["initiative", "unlink", &initiative, "--goal", "selvforsoergelse"], "not_found", None, &["kobling til målet"]);

    // Each correction is audited with the fields it touched, never their values.
    let log = t.cmd(&["audit", "--action", "participant.edit"]).role("team_lead").run().ok().json();
    let row = &log.as_array().unwrap()[0];
    assert_eq!(row["detail"], "name,arrival_date", "{row:#}");
    for action in ["event.edit", "event.remove", "enrolment.edit", "enrolment.remove", "initiative.unlink"] {
        let log = t.cmd(&["audit", "--action", action]).role("team_lead").run().ok().json();
        assert!(!log.as_array().unwrap().is_empty(), "{action} is audited");
    }
}

#[test]
fn a_caseworker_corrects_only_her_own_caseload() {
    let (t, p, _) = store_with_participant();
    let ev = t.cmd(&["log", &p, "meeting_held"]).run().ok().json()["id"].as_str().unwrap().to_string();
    let theirs = t
        .cmd(&["participant", "add", "--name", "Cem Demir", "--birth-year", "1988", "--caseworker", "kollega"])
        .role("team_lead")
        .run()
        .ok()
        .json();
    let theirs = theirs["pseudonym"].as_str().unwrap().to_string();
    let theirs_ev = t.cmd(&["log", &theirs, "meeting_held"]).role("team_lead").run().ok().json()["id"].as_str().unwrap().to_string();
    rejected(&t, &["event", "remove", &theirs_ev, "--reason", "fejl"], "not_your_case", None, &["kollega"]);
    rejected(&t, &["participant", "edit", &theirs, "--name", "Cem D."], "not_your_case", None, &[]);
    t.cmd(&["event", "remove", &ev, "--reason", "dobbelt registreret"]).run().ok();
}

#[test]
fn a_possible_duplicate_is_refused_naming_the_existing_case_unless_confirmed_as_another_person() {
    let (t, p, _) = store_with_participant();
    let born = t.cmd(&["participant", "show", &p]).run().ok().json()["birth_year"].to_string();
    // The same CPR number: always refused, with the case it is registered on.
    rejected(&t, &["participant", "add", "--name", "A. Hassan", "--cpr", CPR], "duplicate_cpr", Some("cpr"), &[&p]);
    rejected(&t, &["participant", "add", "--name", "A. Hassan", "--cpr", CPR, "--not-a-duplicate"], "duplicate_cpr", Some("cpr"), &[&p]);
    // The same name (case and spacing aside) and birth year: refused unless confirmed.
    rejected(&t, &["participant", "add", "--name", "amina  HASSAN", "--birth-year", &born], "possible_duplicate", Some("name"), &[&p]);
    assert_eq!(t.open_participants(), 1);
    // Another birth year, or confirmed as another person: registered.
    t.cmd(&["participant", "add", "--name", "Amina Hassan", "--birth-year", "1971"]).run().ok();
    t.cmd(&["participant", "add", "--name", "Amina Hassan", "--birth-year", &born, "--not-a-duplicate"]).run().ok();
    assert_eq!(t.open_participants(), 3);
    // Each refusal showed a case: logged like a search hit, with the pseudonym shown.
    let log = t.cmd(&["audit", "--action", "participant.duplicate"]).role("team_lead").run().ok().json();
    let rows = log.as_array().unwrap();
    assert_eq!(rows.len(), 3, "{log:#}");
    assert!(rows.iter().all(|r| r["detail"].as_str().unwrap().contains(&p)), "{log:#}");
}

#[test]
fn a_journal_note_is_corrected_by_a_new_version_searched_in_the_own_caseload_and_never_exported() {
    let (t, p, _) = store_with_participant();
    let ev = t.cmd(&["log", &p, "meeting_held"]).run().ok().json()["id"].as_str().unwrap().to_string();
    let first = t.cmd(&["note", &p, "--on", &ev, "--text", "Talte om praktik i Bagerforretningen-Ø; tolk på arabisk"]).run().ok().json();
    assert_eq!(first["created"], "note");
    let first = first["id"].as_str().unwrap().to_string();
    let second =
        t.cmd(&["note", &p, "--replaces", &first, "--text", "Talte om praktik i Bagerforretningen-Ø; tolk på somali"]).run().ok().json();
    let second = second["id"].as_str().unwrap().to_string();
    // An earlier version cannot be corrected twice; a note needs text.
    rejected(&t, &["note", &p, "--replaces", &first, "--text", "x"], "note_not_current", None, &["nyeste version"]);
    rejected(&t, &["note", &p, "--text", "   "], "required", Some("text"), &[]);

    // The timeline has the current version, on its event, with the earlier one in its history.
    let tl = t.cmd(&["timeline", &p]).run().ok().json();
    let notes = tl["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1, "{tl:#}");
    assert_eq!(notes[0]["id"], second.as_str());
    assert_eq!(notes[0]["event"], ev.as_str(), "a new version stays on its event");
    assert!(notes[0]["text"].as_str().unwrap().ends_with("somali"));
    assert_eq!(notes[0]["earlier"][0]["id"], first.as_str());
    assert!(notes[0]["earlier"][0]["text"].as_str().unwrap().ends_with("arabisk"));

    // Search finds the current version in one's own caseload, and nothing of a colleague's.
    let hits = t.cmd(&["notes", "--search", "bagerforretningen"]).run().ok().json();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits:#}");
    assert_eq!(hits[0]["pseudonym"], p.as_str());
    assert!(hits[0]["text"].as_str().unwrap().ends_with("somali"));
    let theirs = t
        .cmd(&["participant", "add", "--name", "Cem Demir", "--birth-year", "1988", "--caseworker", "kollega"])
        .role("team_lead")
        .run()
        .ok()
        .json();
    t.cmd(&["note", theirs["pseudonym"].as_str().unwrap(), "--text", "Bagerforretningen-Ø ringede"]).role("team_lead").run().ok();
    let hits = t.cmd(&["notes", "--search", "Bagerforretningen"]).run().ok().json();
    assert_eq!(hits.as_array().unwrap().len(), 1, "only her own caseload: {hits:#}");
    // A caseworker writes notes only in her own caseload.
    rejected(&t, &["note", theirs["pseudonym"].as_str().unwrap(), "--text", "x"], "not_your_case", None, &[]);

    // The audit log names the notes and the search, never a note's text.
    let log = t.cmd(&["audit", "--action", "note."]).role("team_lead").run().ok().json();
    let rows = log.as_array().unwrap();
    let actions: Vec<&str> = rows.iter().map(|r| r["action"].as_str().unwrap()).collect();
    for a in ["note.write", "note.correct", "note.search"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    assert!(!log.to_string().contains("somali"), "{log:#}");

    // No management export holds a note (the CSV files: plain text a search can read).
    let out = t.tmp().join("rapport");
    t.cmd(&["report", "--period", "2026", "--format", "csv", "--out", out.to_str().unwrap()]).role("team_lead").run().ok();
    let files: Vec<std::path::PathBuf> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(!files.is_empty());
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        for needle in ["Bagerforretningen", "somali", "arabisk"] {
            assert!(!bytes.windows(needle.len()).any(|w| w == needle.as_bytes()), "{} holds {needle}", f.display());
        }
    }
}

#[test]
fn the_worklist_shows_what_is_overdue_due_this_week_coming_up_and_without_contact() {
    let (t, amina, _) = store_with_participant();
    let add = |name: &str, start: &str| {
        let args =
            ["participant", "add", "--name", name, "--birth-year", "1990", "--programme", "introduktion", "--programme-start", start];
        t.cmd(&args).run().ok().json()["pseudonym"].as_str().unwrap().to_string()
    };
    // Today is 24-11-2026 (the test clock). Bo's programme began 01-10-2026: the contract was due
    // 01-11-2026. Cem's began 28-10-2026: due 28-11-2026, this week.
    let bo = add("Bo Berg", "01-10-2026");
    let cem = add("Cem Demir", "28-10-2026");
    // Cem had a conversation on 15-10-2026: the next is due within two months (the 2025 set),
    // by 15-12-2026; a no-show counts for nothing.
    t.cmd(&["log", &cem, "conversation", "--outcome", "held", "--mode", "phone", "--interpreter", "arabisk", "--date", "15-10-2026"])
        .run()
        .ok();
    t.cmd(&["log", &cem, "conversation", "--outcome", "no_show", "--date", "10-11-2026"]).run().ok();

    let w = t.cmd(&["worklist"]).run().ok().json();
    let who = |list: &str| -> Vec<(String, String, String)> {
        w[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["pseudonym"].as_str().unwrap().into(), d["rule"].as_str().unwrap().into(), d["due"].as_str().unwrap().into()))
            .collect()
    };
    assert_eq!(who("overdue"), [(bo.clone(), "kontrakt".into(), "2026-11-01".into())], "{w:#}");
    assert_eq!(w["overdue"][0]["days_overdue"], 23);
    assert_eq!(w["overdue"][0]["title"], "Integrationskontrakt");
    assert_eq!(who("this_week"), [(cem.clone(), "kontrakt".into(), "2026-11-28".into())]);
    assert_eq!(who("upcoming_conversations"), [(cem.clone(), "naeste-samtale".into(), "2026-12-15".into())]);
    assert_eq!(w["upcoming_conversations"][0]["illustrative"], true);
    // Without contact for 60 days: Amina and Bo, who have no events (a list, not a number).
    let quiet: Vec<&str> = w["without_contact"].as_array().unwrap().iter().map(|c| c["pseudonym"].as_str().unwrap()).collect();
    assert_eq!(quiet.len(), 2, "{w:#}");
    assert!(quiet.contains(&amina.as_str()) && quiet.contains(&bo.as_str()));
    assert_eq!(w["workload"], serde_json::json!([]), "a caseworker's own worklist has no workload view");

    // The contract signed, late: it leaves the worklist.
    t.cmd(&["log", &bo, "contract_signed", "--date", "20-11-2026"]).run().ok();
    let w = t.cmd(&["worklist"]).run().ok().json();
    assert_eq!(w["overdue"].as_array().unwrap().len(), 0, "{w:#}");

    // A team lead sees a caseworker's and the team's, with the workload; a caseworker may not.
    t.cmd(&["worklist", "--team"]).run().fails(2, "forbidden", &[]);
    t.cmd(&["worklist", "--caseworker", "kollega"]).run().fails(2, "forbidden", &[]);
    let team = t.cmd(&["worklist", "--team"]).role("team_lead").run().ok().json();
    assert_eq!(team["caseworker"], Value::Null);
    assert_eq!(team["workload"], serde_json::json!([{"caseworker": USER, "open_cases": 3, "overdue": 0}]));
    let hers = t.cmd(&["worklist", "--caseworker", USER]).role("team_lead").run().ok().json();
    assert_eq!(hers["this_week"].as_array().unwrap().len(), 1);
    // The text form in English.
    let plain = t.cmd(&["worklist"]).lang("en").plain().run().ok().stdout;
    assert!(plain.contains("This week: 1") && plain.contains("Integration contract"), "{plain}");
    // Reading it is audited with the persons shown.
    let log = t.cmd(&["audit", "--action", "worklist.read"]).role("team_lead").run().ok().json();
    assert!(log.as_array().unwrap().iter().any(|r| r["detail"].as_str().unwrap().contains(&cem)), "{log:#}");
}

#[test]
fn two_cases_of_one_person_are_merged_and_the_numbers_count_the_person_once() {
    let (t, amina, initiative) = store_with_participant();
    let born = t.cmd(&["participant", "show", &amina]).run().ok().json()["birth_year"].to_string();
    let twin = t.cmd(&["participant", "add", "--name", "Amina Hassan", "--birth-year", &born, "--not-a-duplicate"]).run().ok().json();
    let twin = twin["pseudonym"].as_str().unwrap().to_string();
    t.cmd(&["log", &amina, "meeting_held", "--date", "01-06-2026"]).run().ok();
    t.cmd(&["log", &twin, "module_test_passed", "--course", "du2", "--module", "3", "--date", "01-07-2026", "--note", "Bestod modul 3"])
        .run()
        .ok();
    t.cmd(&["enrol", &twin, &initiative, "--start", "01-02-2026"]).run().ok();
    assert_eq!(t.open_participants(), 2);
    let events_before = t.counts()["events"].as_u64().unwrap();

    rejected(&t, &["participant", "merge", &amina, &amina, "--reason", "x"], "same_case", None, &[]);
    rejected(&t, &["participant", "merge", &amina, &twin, "--reason", " "], "required", Some("reason"), &[]);
    let merged = t.cmd(&["participant", "merge", &amina, &twin, "--reason", "registreret to gange"]).run().ok().json();
    assert_eq!((merged["events"].as_u64(), merged["enrolments"].as_u64(), merged["notes"].as_u64()), (Some(1), Some(1), Some(1)));

    // One open case, with both timelines' events, the enrolment and the note; no event counted twice.
    assert_eq!(t.open_participants(), 1);
    assert_eq!(t.counts()["events"].as_u64().unwrap(), events_before);
    let tl = t.cmd(&["timeline", &amina]).run().ok().json();
    let types: Vec<&str> = tl["events"].as_array().unwrap().iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["meeting_held", "module_test_passed"]);
    assert_eq!(tl["notes"][0]["text"], "Bestod modul 3");
    assert_eq!(tl["notes"][0]["event"], tl["events"][1]["id"], "the note follows its event");
    let shown = t.cmd(&["participant", "show", &amina]).run().ok().json();
    assert_eq!(shown["enrolments"].as_array().unwrap().len(), 1);
    let texts = |p: &str| -> Vec<String> {
        let tl = t.cmd(&["timeline", p]).run().ok().json();
        tl["corrections"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(texts(&amina), [format!("sammenlagt 24-11-2026 af testbruger: {twin} er lagt ind i denne sag (registreret to gange)")]);
    assert_eq!(texts(&twin), [format!("sammenlagt 24-11-2026 af testbruger: lagt ind i {amina} (registreret to gange)")]);
    let dup = t.cmd(&["participant", "show", &twin]).run().ok().json();
    assert_eq!(dup["case_closed"], "2026-11-24");
    assert_eq!(dup["events"].as_array().unwrap().len(), 0);
    let log = t.cmd(&["audit", "--action", "participant.merge"]).role("team_lead").run().ok().json();
    assert_eq!(log[0]["detail"], format!("{amina} <- {twin}"));
}

#[test]
fn wrong_passphrase_exits_3_and_changes_no_byte() {
    let (t, p, _) = store_with_participant();
    let before = t.files();
    assert!(before.contains_key("key.json") && before.contains_key("indsats.db"));

    t.cmd(&["status"]).passphrase("forkert-adgangsfrase").run().fails(3, "wrong_passphrase", &["Forkert adgangsfrase", "Prøv igen"]);
    t.cmd(&["participant", "add", "--name", "Ny", "--birth-year", "1990"]).passphrase("forkert-adgangsfrase").run().fails(
        3,
        "wrong_passphrase",
        &["Forkert adgangsfrase"],
    );
    t.cmd(&["timeline", &p]).passphrase("forkert-adgangsfrase").lang("en").run().fails(
        3,
        "wrong_passphrase",
        &["Wrong passphrase", "Try again"],
    );
    let plain = t.cmd(&["status"]).passphrase("forkert-adgangsfrase").plain().run().exit(3);
    assert_eq!(plain.stderr_line(), "fejl: Forkert adgangsfrase. Prøv igen; data er ikke ændret.");

    // The data is untouched; beside it, only the count of failed unlocks (four, no name, nothing
    // typed) for the next unlock to log.
    let mut after = t.files();
    let failed = after.remove("failed-unlocks").expect("the failed unlocks are counted");
    assert!(String::from_utf8_lossy(&failed).starts_with("4\n"), "{}", String::from_utf8_lossy(&failed));
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (name, bytes) in &before {
        assert!(after[name] == *bytes, "{name} changed");
    }
    // The right passphrase still works, logs the attempts and forgets the count.
    assert_eq!(t.open_participants(), 1);
    assert!(!t.files().contains_key("failed-unlocks"));
    let log = t.cmd(&["audit", "--action", "session.unlock_failed"]).role("team_lead").run().ok().json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 1, "{log:#?}");
    assert!(log[0]["detail"].as_str().unwrap().starts_with("4 forsøg"), "{log:#?}");
}

// ---- 6. A read-only data folder -----------------------------------------------------------------

#[test]
fn read_only_data_folder_exits_1_with_read_only() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mnt");
    std::fs::create_dir_all(&dir).unwrap();
    let mount = Tmpfs::mount(&dir, "8m");
    let t = Indsats::at(&dir);
    t.init();
    t.add_participant("Amina Hassan", Some(CPR));
    let guard = match mount {
        Ok(m) => {
            m.remount("ro").expect("remount read-only");
            Some(m)
        }
        Err(why) => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
            if can_write_in(&dir) {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
                println!("not run: cannot mount a tmpfs ({why}) and this process can write in a 0o555 folder");
                return;
            }
            None
        }
    };
    let before = files_in(&dir);
    let e = t
        .cmd(&["initiative", "add", "--title", "Mentor", "--type", "mentor", "--owner", "Jobcenter", "--start", "01-01-2026"])
        .run()
        .fails(1, "read_only", &["skrivebeskyttet", "Intet er gemt"]);
    assert!(e.message.contains(&dir.display().to_string()), "{e:?}");
    t.cmd(&["participant", "add", "--name", "Bo", "--birth-year", "1990"]).lang("en").run().fails(
        1,
        "read_only",
        &["read-only", "Nothing was saved"],
    );
    assert_eq!(files_in(&dir), before);
    if let Some(m) = &guard {
        // Writable again: the data is intact and writes work.
        m.remount("rw").expect("remount read-write");
        assert_eq!(t.open_participants(), 1);
        t.add_initiative("Mentor");
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    drop(guard);
}

// ---- 7. A full disk -----------------------------------------------------------------------------

/// Fills the file system holding `dir` with `dir/filler` until ENOSPC, then gives back `free`
/// bytes (so that a few more commands fit before the disk is full again).
fn fill_disk(dir: &std::path::Path, free: u64) {
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    let mut written: u64 = 0;
    'outer: for size in [64 * 1024, 4096, 512] {
        loop {
            match f.write(&chunk[..size]) {
                Ok(0) => break,
                Ok(n) => written += n as u64,
                Err(_) => continue 'outer,
            }
        }
    }
    let _ = f.sync_all();
    f.set_len(written.saturating_sub(free)).unwrap();
}

#[test]
fn full_disk_exits_1_with_disk_full_and_keeps_the_data() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mnt");
    let mount = match Tmpfs::mount(&dir, "3m") {
        Ok(m) => m,
        Err(why) => {
            println!("not run: cannot mount a tmpfs ({why})");
            return;
        }
    };
    let t = Indsats::at(&dir);
    t.init();
    // Filling 3 MiB one small row at a time takes thousands of commands (each with an Argon2id
    // key derivation); a filler file leaves room for a few WAL commits (16 KiB pages) and rows
    // with long descriptions (about 8 KiB each with their change-log row) do the rest.
    fill_disk(&dir, 400 * 1024);
    let description = "Beskrivelse ".repeat(325);
    let active = |t: &Indsats| t.cmd(&["status"]).run().ok().json()["counts"]["initiatives"]["active"].as_u64().unwrap();
    let mut added = 0u64;
    let mut failure = None;
    for i in 0..200 {
        let title = format!("Indsats {i}");
        let args = [
            "initiative",
            "add",
            "--title",
            &title,
            "--type",
            "mentor",
            "--owner",
            "Jobcenter",
            "--start",
            "01-01-2026",
            "--description",
            &description,
        ];
        let out = t.cmd(&args).run();
        if out.code == 0 {
            added += 1;
        } else {
            failure = Some(out);
            break;
        }
    }
    let failure = failure.expect("the disk never filled up");
    let e = failure.fails(1, "disk_full", &["fuld", "Frigør plads", "intet er gemt"]);
    assert!(e.message.contains(&dir.display().to_string()), "{e:?}");

    // With the disk full to the last byte even reading is refused with the same clear message:
    // opening the store writes its audit row, and access that cannot be logged is not given.
    // (Right after the failed add a small audit row may still fit in what the big row could not
    // use, so the filler first takes the rest.)
    fill_disk(&dir, 0);
    t.cmd(&["status"]).run().fails(1, "disk_full", &["Frigør plads"]);
    // Room again (nothing deleted: the tmpfs grows): every initiative that was added is there and
    // none that failed, and writing works again.
    mount.remount("size=16m").expect("grow the tmpfs");
    assert_eq!(active(&t), added);
    t.add_participant("Efter oprydning", None);
    assert_eq!(t.open_participants(), 1);
    t.cmd(&["audit", "--verify"]).role("admin").run().ok();
}

/// BUG: when the disk is already completely full, opening the store fails while SQLite sets up
/// the shared-memory file; that is a SQLITE_IOERR (not SQLITE_FULL), reported as code `database`
/// "Databasefejl: disk I/O error … kontakt IT" instead of `disk_full` "Frigør plads".
#[test]
fn completely_full_disk_is_reported_as_disk_full() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("mnt");
    let _mount = match Tmpfs::mount(&dir, "3m") {
        Ok(m) => m,
        Err(why) => {
            println!("not run: cannot mount a tmpfs ({why})");
            return;
        }
    };
    let t = Indsats::at(&dir);
    t.init();
    fill_disk(&dir, 0);
    t.cmd(&["participant", "add", "--name", "Bo", "--birth-year", "1990"]).run().fails(1, "disk_full", &["fuld", "Frigør plads"]);
}

// ---- 8. Two processes writing at once -----------------------------------------------------------

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let t = Indsats::new();
    t.init();
    let start = std::sync::Barrier::new(2);
    let outs: Vec<Out> = std::thread::scope(|s| {
        let workers: Vec<_> = ["A", "B"]
            .into_iter()
            .map(|w| {
                let (t, start) = (&t, &start);
                s.spawn(move || {
                    start.wait();
                    (1..=15)
                        .map(|i| t.cmd(&["participant", "add", "--name", &format!("{w} {i}"), "--birth-year", "1990"]).run())
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(outs.len(), 30);
    for out in outs {
        out.ok();
    }
    assert_eq!(t.open_participants(), 30);
    let verified = t.cmd(&["audit", "--verify"]).role("admin").run().ok().json();
    assert_eq!(verified["verified"], true);
    let creates = t.cmd(&["audit", "--action", "participant.create", "--limit", "1000"]).role("admin").run().ok().json();
    assert_eq!(creates.as_array().unwrap().len(), 30, "one audit row per add");
    let list = t.cmd(&["participant", "list", "--all"]).run().ok().json();
    let names: BTreeSet<String> = list.as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    let expected: BTreeSet<String> = ["A", "B"].iter().flat_map(|w| (1..=15).map(move |i| format!("{w} {i}"))).collect();
    assert_eq!(names, expected);
    let pseudonyms: BTreeSet<&str> = list.as_array().unwrap().iter().map(|p| p["pseudonym"].as_str().unwrap()).collect();
    assert_eq!(pseudonyms.len(), 30);
}

// ---- 9. No plaintext on disk ------------------------------------------------------------------

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_known_name_and_cpr_appear_in_no_file_of_the_data_folder() {
    let (t, _, i) = store_with_participant();
    let name = "Quixotica Zanzibarova";
    let cpr = "030795-3102";
    let p = t.add_participant(name, Some(cpr));
    t.cmd(&["participant", "find", "Quixotica"]).run().ok();
    t.cmd(&["participant", "find", cpr]).run().ok();
    t.cmd(&["participant", "show", &p]).run().ok();
    t.cmd(&["enrol", &p, &i, "--start", "01-03-2026", "--end", "30-11-2026"]).run().ok();
    t.cmd(&["log", &p, "meeting_held", "--date", "02-03-2026"]).run().ok();
    t.cmd(&["timeline", &p]).run().ok();
    t.cmd(&["audit"]).role("admin").run().ok();
    t.status();
    // The name is really in there (decrypted), so the search below is meaningful.
    let shown = t.cmd(&["participant", "show", &p]).run().ok().json();
    assert_eq!(shown["name"], name);
    assert_eq!(shown["cpr"], cpr);

    let files = t.files();
    assert!(files.contains_key("indsats.db") && files.contains_key("key.json"));
    let needles: [&[u8]; 5] = [name.as_bytes(), b"Quixotica", b"Zanzibarova", b"0307953102", cpr.as_bytes()];
    for (file, bytes) in &files {
        for needle in needles {
            assert!(!contains(bytes, needle), "{file} contains {:?}", String::from_utf8_lossy(needle));
        }
    }
    // Nothing beside the store's own files.
    for file in files.keys() {
        assert!(["indsats.db", "indsats.db-wal", "indsats.db-shm", "key.json"].contains(&file.as_str()), "unexpected file {file}");
    }
}

// ---- 10. Changing the passphrase ---------------------------------------------------------------

#[test]
fn passphrase_change_replaces_the_old_one() {
    let (t, _, _) = store_with_participant();
    let new = "et-helt-nyt-kodeord";
    let out = t.cmd(&["passphrase", "change"]).env("INDSATS_NEW_PASSPHRASE", new).run().ok();
    assert_eq!(out.json()["ok"], true);
    t.cmd(&["status"]).run().fails(3, "wrong_passphrase", &["Forkert adgangsfrase"]);
    let status = t.cmd(&["status"]).passphrase(new).run().ok().json();
    assert_eq!(status["counts"]["participants"]["open"], 1);
    // Writes work with the new one, and the change is in the audit log.
    t.cmd(&["participant", "add", "--name", "Bo", "--birth-year", "1990"]).passphrase(new).run().ok();
    let audit = t.cmd(&["audit"]).role("admin").passphrase(new).run().ok().json();
    assert_eq!(find(&audit, "action", "store.passphrase_change").len(), 1);
}

#[test]
fn too_short_new_passphrase_is_rejected_and_changes_nothing() {
    let (t, _, _) = store_with_participant();
    let key_before = std::fs::read(t.dir.join("key.json")).unwrap();
    let status_before = t.data_state();
    t.cmd(&["passphrase", "change"]).env("INDSATS_NEW_PASSPHRASE", "kort").run().fails(
        2,
        "passphrase_too_short",
        &["mindst 8 tegn", "Vælg en længere"],
    );
    t.cmd(&["passphrase", "change"]).env("INDSATS_NEW_PASSPHRASE", "seks76").lang("en").run().fails(
        2,
        "passphrase_too_short",
        &["at least 8 characters", "Choose a longer one"],
    );
    assert_eq!(std::fs::read(t.dir.join("key.json")).unwrap(), key_before);
    assert_eq!(t.data_state(), status_before);
    t.cmd(&["status"]).passphrase("kort").run().fails(3, "wrong_passphrase", &[]);
}

// ---- 11. Demo data ------------------------------------------------------------------------------

#[test]
fn demo_data_is_reproducible_and_admin_only() {
    let a = Indsats::new();
    let b = Indsats::new();
    let mut statuses = Vec::new();
    for t in [&a, &b] {
        let out = t.cmd(&["demo", "--participants", "300", "--seed", "5"]).role("admin").run().ok().json();
        assert_eq!(out["participants"], 300);
        let status = t.status();
        let p = &status["counts"]["participants"];
        assert_eq!(p["open"].as_u64().unwrap() + p["closed"].as_u64().unwrap(), 300);
        assert!(status["counts"]["events"].as_u64().unwrap() > 300);
        statuses.push(status);
    }
    assert_eq!(statuses[0], statuses[1], "same seed, same clock: the same data");

    let before = a.data_state();
    a.cmd(&["demo", "--participants", "10", "--seed", "5"]).run().fails(2, "forbidden", &["må ikke", "demodata"]);
    assert_eq!(a.data_state(), before);
}

// ---- 12. Language -------------------------------------------------------------------------------

#[test]
fn messages_are_danish_by_default_and_english_with_lang_en() {
    let (t, _, _) = store_with_participant();
    let args = ["participant", "add", "--name", "Bo Berg", "--cpr", "320190-1234"];

    let da = t.cmd(&args).plain().run().exit(2);
    let line = da.stderr_line();
    assert!(line.starts_with("fejl: CPR-nummeret giver datoen 32-01-1990"), "{line}");
    assert!(line.contains("Kontrollér nummeret"), "{line}");

    let en = t.cmd(&args).plain().lang("en").run().exit(2);
    let line = en.stderr_line();
    assert!(line.starts_with("error: The CPR number gives the date 32-01-1990"), "{line}");
    assert!(line.contains("does not exist") && line.contains("Check the number"), "{line}");

    let e = t.cmd(&args).lang("en").run().fails(2, "cpr_date", &["The CPR number", "does not exist", "Check the number"]);
    assert_eq!(e.field.as_deref(), Some("cpr"));
    // INDSATS_LANG works like --lang.
    let en = t.cmd(&args).plain().env("INDSATS_LANG", "en").run().exit(2);
    assert!(en.stderr_line().starts_with("error: The CPR number"));
    assert_eq!(t.open_participants(), 1);
}

// ---- Other contract points ----------------------------------------------------------------------

#[test]
fn a_missing_store_says_to_run_init() {
    let t = Indsats::new();
    t.cmd(&["status"]).run().fails(2, "not_initialised", &["indsats init"]);
    t.cmd(&["status"]).lang("en").run().fails(2, "not_initialised", &["indsats init", "data folder"]);
    assert!(!t.dir.exists());
}

/// BUG: clap's own errors (a missing required flag, an out-of-range number) are printed as
/// several English lines and never as JSON, whatever `--json` and `--lang` say.
#[test]
fn a_usage_error_is_one_error_line() {
    let t = Indsats::new();
    t.init();
    let out = t.cmd(&["initiative", "add", "--title", "X"]).run().exit(2);
    let e = out.error();
    assert!(!e.code.is_empty());
    let out = t.cmd(&["initiative", "add", "--title", "X"]).plain().run().exit(2);
    assert!(out.stderr_line().starts_with("fejl: "));
}

#[test]
fn indicators_show_aggregates_and_only_team_leads_see_who_is_behind_them() {
    let (t, pseudonym, _) = store_with_participant();
    t.cmd(&["log", &pseudonym, "employment_started", "--kind", "ordinary", "--hours", "30", "--date", "05-01-2026"]).run().ok();
    let out = t.cmd(&["indicators", "--period", "2026-Q1"]).run().ok().json();
    assert_eq!(out["period"], "2026-Q1");
    let goal = &out["goals"][0];
    assert_eq!(goal["goal"], "selvforsoergelse");
    let mm13 = goal["indicators"].as_array().unwrap().iter().find(|i| i["measure"] == "ordinary_employment").unwrap();
    // One open case (no programme start: active from its first event, 5 January) for three
    // months, employed in all three.
    assert_eq!((mm13["numerator"].as_f64(), mm13["denominator"].as_u64()), (Some(3.0), Some(3)));
    assert_eq!(mm13["value"].as_f64(), Some(100.0));
    assert!(!out.to_string().contains(&pseudonym), "aggregates only");
    let key = mm13["key"].as_str().unwrap().to_string();

    t.cmd(&["indicators", "--period", "2026-13"]).run().fails(2, "invalid_period", &["Perioden", "2026-Q3"]);
    t.cmd(&["indicators", "--participants", &key, "--period", "2026-Q1"]).run().fails(2, "forbidden", &["Teamleder"]);
    let who = t.cmd(&["indicators", "--participants", &key, "--period", "2026-Q1"]).role("team_lead").run().ok().json();
    assert_eq!(who[0]["pseudonym"], pseudonym.as_str());
}

#[test]
fn a_manual_indicator_takes_an_entered_value_and_a_computed_one_refuses() {
    let t = Indsats::new();
    t.init();
    let key = "beskaeftigelse-ikke-vestlige-25-64";
    t.cmd(&["value", key, "2026", "58.5", "--note", "Jobindsats, udtræk november"]).run().fails(2, "forbidden", &["Teamleder"]);
    t.cmd(&["value", key, "2026", "58.5", "--note", "Jobindsats, udtræk november"]).role("team_lead").run().ok();
    t.cmd(&["value", key, "2025", "55"]).role("team_lead").run().ok();
    t.cmd(&["value", "mm13-ustoettet-beskaeftigelse", "2026", "40"]).role("team_lead").run().fails(2, "not_manual", &["beregnes"]);
    t.cmd(&["value", key, "2026-13", "40"]).role("team_lead").run().fails(2, "invalid_period", &["2026-Q3"]);
    let out = t.cmd(&["indicators", "--period", "2026"]).run().ok().json();
    let found: Vec<&Value> = out["goals"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["indicators"].as_array().unwrap().iter())
        .filter(|i| i["key"] == key)
        .collect();
    assert_eq!(found.len(), 1, "{out}");
    assert_eq!(found[0]["value"], 58.5, "{}", found[0]);
    assert_eq!(found[0]["previous"], 55.0, "{}", found[0]);
}

#[test]
fn a_case_is_exported_encrypted_once_and_never_over_a_file() {
    let (t, pseudonym, _) = store_with_participant();
    let out = t.tmp().join("sag.age");
    let path = out.to_str().unwrap();
    let pass = "en lang nok adgangskode";
    t.cmd(&["participant", "export", &pseudonym, "--out", path]).env("INDSATS_EXPORT_PASSPHRASE", "kort").run().fails(
        2,
        "passphrase_too_short",
        &[],
    );
    assert!(!out.exists(), "a refused export writes nothing");
    t.cmd(&["participant", "export", &pseudonym, "--out", path]).env("INDSATS_EXPORT_PASSPHRASE", pass).run().ok();
    let sealed = std::fs::read(&out).unwrap();
    assert!(sealed.starts_with(b"age-encryption.org/v1"));
    let name = "Amina Hassan";
    assert!(!sealed.windows(name.len()).any(|w| w == name.as_bytes()));
    t.cmd(&["participant", "export", &pseudonym, "--out", path]).env("INDSATS_EXPORT_PASSPHRASE", pass).run().fails(
        2,
        "file_exists",
        &["findes allerede"],
    );
    assert_eq!(std::fs::read(&out).unwrap(), sealed, "the first file is untouched");
    t.cmd(&["participant", "export", &pseudonym, "--out", path]).role("admin").env("INDSATS_EXPORT_PASSPHRASE", pass).run().fails(
        2,
        "file_exists",
        &[],
    );
    // An admin has a team lead's rights, and a team lead may hand any case over.
    let other = t.tmp().join("sag2.age");
    t.cmd(&["participant", "export", &pseudonym, "--out", other.to_str().unwrap()])
        .role("admin")
        .env("INDSATS_EXPORT_PASSPHRASE", pass)
        .run()
        .ok();
    assert!(other.exists());
}

#[test]
fn an_exported_case_is_imported_on_another_store_with_its_history_once_and_only_whole() {
    let (a, p, initiative) = store_with_participant();
    let pass = "en lang nok adgangskode";
    a.cmd(&["enrol", &p, &initiative, "--start", "01-02-2026"]).run().ok();
    let ev = a.cmd(&["log", &p, "conversation", "--outcome", "held", "--mode", "phone", "--date", "01-10-2026"]).run().ok().json();
    let ev = ev["id"].as_str().unwrap().to_string();
    a.cmd(&["note", &p, "--on", &ev, "--text", "Aftalte praktik i Bagerforretningen-Ø"]).run().ok();
    a.cmd(&["event", "edit", &ev, "--date", "02-10-2026", "--why", "tastefejl"]).run().ok();
    let file = a.tmp().join("sag.age");
    let path = file.to_str().unwrap();
    a.cmd(&["participant", "export", &p, "--out", path]).env("INDSATS_EXPORT_PASSPHRASE", pass).run().ok();

    // Another municipality's store, where the initiative is not (yet) set up.
    let b = Indsats::new_as("bo");
    b.init();
    let import = |args: &[&str], passphrase: &str| {
        let mut all = vec!["participant", "import"];
        all.extend_from_slice(args);
        b.cmd(&all).env("INDSATS_IMPORT_PASSPHRASE", passphrase).run()
    };
    let refused = |args: &[&str], passphrase: &str, code: &str, words: &[&str]| {
        let before = b.data_state();
        let e = import(args, passphrase).fails(2, code, words);
        assert_eq!(b.data_state(), before, "nothing may change after {args:?}");
        e
    };
    refused(&[path], pass, "unknown_initiative", &["Virksomhedspraktik i detailhandlen"]);
    refused(&[path], "forkert adgangskode", "case_file", &["adgangskode"]);
    let garbage = b.tmp().join("ikke-en-sag.age");
    std::fs::write(&garbage, b"age-encryption.org/v1\nnot really").unwrap();
    refused(&[garbage.to_str().unwrap()], pass, "case_file", &[]);
    let missing = b.tmp().join("findes-ikke.age");
    let e = import(&[missing.to_str().unwrap()], pass).error();
    assert_ne!(e.code, "", "{e:?}");

    // With an initiative of the same title, the case comes whole: the enrolment, the event as
    // corrected, its note and the correction, in the importer's caseload; a handover correction
    // says where it came from.
    b.add_initiative("Virksomhedspraktik i detailhandlen");
    let got = import(&[path], pass).ok().json();
    assert_eq!(got["created"], "participant", "{got:#}");
    assert_eq!((got["events"].as_u64(), got["enrolments"].as_u64(), got["notes"].as_u64()), (Some(1), Some(1), Some(1)), "{got:#}");
    let q = got["pseudonym"].as_str().unwrap().to_string();
    let shown = b.cmd(&["participant", "show", &q]).run().ok().json();
    assert_eq!(shown["name"], "Amina Hassan", "{shown:#}");
    assert_eq!(shown["caseworker"], "bo", "{shown:#}");
    let tl = b.cmd(&["timeline", &q]).run().ok().json();
    assert_eq!(tl["events"][0]["date"], "2026-10-02", "{tl:#}");
    assert!(tl["notes"][0]["text"].as_str().unwrap().contains("Bagerforretningen"), "{tl:#}");
    let texts: Vec<&str> = tl["corrections"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert!(texts.iter().any(|t| t.starts_with("rettet 24-11-2026 af testbruger: Dato 01-10-2026 → 02-10-2026")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("overdraget 24-11-2026 af bo") && t.contains("sagsfil eksporteret")), "{texts:?}");
    let log = b.cmd(&["audit", "--action", "participant.import"]).role("team_lead").run().ok().json();
    assert_eq!(log.as_array().unwrap().len(), 1, "{log:#}");

    // Once only: the same case again, or another case with the same CPR number, is refused.
    refused(&[path], pass, "case_exists", &[&q]);
    let c = Indsats::new();
    c.init();
    c.add_initiative("Virksomhedspraktik i detailhandlen");
    c.add_participant("Amina H.", Some(CPR));
    let before = c.data_state();
    let e = c.cmd(&["participant", "import", path]).env("INDSATS_IMPORT_PASSPHRASE", pass).run().error();
    assert_eq!(e.code, "duplicate_cpr", "{e:?}");
    assert_eq!(c.data_state(), before);
}

/// pdftotext's text of a PDF, with runs of white space made single spaces.
fn pdf_words(path: &std::path::Path) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("pdftotext did not run ({e}): install poppler-utils (apt-get install poppler-utils)"));
    assert!(out.status.success(), "pdftotext failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_participants_plan_is_a_pdf_with_the_current_goals_the_agreed_activities_and_the_next_conversation() {
    let t = Indsats::new();
    t.init();
    let praktik = t.add_initiative("Virksomhedspraktik i detailhandlen");
    let contribution = "Praktik i private virksomheder fører til ordinært job";
    t.cmd(&["initiative", "link", &praktik, "--goal", "selvforsoergelse", "--contribution", contribution]).run().ok();
    let dansk = t.add_initiative("Danskuddannelse på Sprogcenter Vest");
    t.cmd(&["initiative", "link", &dansk, "--goal", "demokrati-dansk", "--contribution", "Bedre dansk"]).run().ok();
    let added = t.cmd(&["participant", "add", "--name", "Amina Hassan", "--cpr", CPR, "--programme-start", "15-09-2026"]).run().ok().json();
    let (p, pid) = (added["pseudonym"].as_str().unwrap().to_string(), added["id"].as_str().unwrap().to_string());
    // An agreed activity (open), and one that has ended: only the first is in the plan, with its goal.
    t.cmd(&["enrol", &p, &praktik, "--start", "01-10-2026", "--end", "31-12-2026"]).run().ok();
    let ended = t.cmd(&["enrol", &p, &dansk, "--start", "01-02-2026"]).run().ok().json()["id"].as_str().unwrap().to_string();
    t.cmd(&["enrolment", "end", &ended, "--end", "30-06-2026", "--outcome", "completed"]).run().ok();
    // A conversation held on 30-09-2026: by the 2025 rule set (from 01-07-2025) the next is due
    // within 2 months, by 30-11-2026 (the 2018 set's 3 months would give 30-12-2026). A no-show
    // counts for nothing. The four follow-up conversations are due by 15-03-2027, later.
    t.cmd(&["log", &p, "conversation", "--outcome", "held", "--mode", "phone", "--date", "30-09-2026"]).run().ok();
    t.cmd(&["log", &p, "conversation", "--outcome", "no_show", "--date", "10-11-2026"]).run().ok();

    let out = t.tmp().join("plan.pdf");
    let made = t.cmd(&["participant", "plan", &p, "--out", out.to_str().unwrap()]).run().ok().json();
    assert_eq!(made["ok"], true);
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdf_words(&out);
    for expect in [
        "BALLERUP KOMMUNE",
        "Din plan",
        "Amina Hassan",
        p.as_str(),
        USER,
        "Lavet den",
        "24. november 2026",
        "Din næste samtale",
        "Senest den 30. november 2026",
        "Hvad: Næste samtale.",
        "Dine mål",
        "Selvforsørgelse gennem job og uddannelse",
        contribution,
        "Det har vi aftalt",
        "Virksomhedspraktik i detailhandlen",
        "Jobcenter Ballerup",
        "01-10-2026",
        "31-12-2026",
    ] {
        assert!(text.contains(expect), "{expect:?} is missing from the plan: {text}");
    }
    for absent in ["Danskuddannelse på Sprogcenter Vest", "Deltagelse i demokratiet", "30. december 2026", "15. marts 2027", CPR] {
        assert!(!text.contains(absent), "{absent:?} is in the plan: {text}");
    }

    // In English, on request; never over an existing file; only as a PDF.
    let en = t.tmp().join("plan-en.pdf");
    t.cmd(&["participant", "plan", &p, "--out", en.to_str().unwrap()]).lang("en").run().ok();
    let text = pdf_words(&en);
    for expect in ["Your plan", "No later than 30 November 2026", "Self-support through job and education", "Work placement", "2026-10-01"]
    {
        assert!(text.contains(expect), "{expect:?} is missing from the English plan: {text}");
    }
    assert!(!text.contains("Senest"), "{text}");
    t.cmd(&["participant", "plan", &p, "--out", out.to_str().unwrap()]).run().fails(2, "file_exists", &["findes allerede"]);
    assert_eq!(std::fs::read(&out).unwrap(), bytes, "the first file is untouched");
    let txt = t.tmp().join("plan.txt");
    t.cmd(&["participant", "plan", &p, "--out", txt.to_str().unwrap()]).run().fails(2, "unknown_code", &[".pdf"]);
    assert!(!txt.exists());

    // Making it is an audited read of the case, with its purpose.
    let log = t.cmd(&["audit", "--action", "participant.plan"]).role("team_lead").run().ok().json();
    let rows = log.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{log:#}");
    assert!(rows.iter().all(|r| r["subject"] == pid.as_str() && r["user"] == USER && r["purpose"] == "sagsbehandling"), "{log:#}");
    assert!(rows.iter().any(|r| r["detail"].as_str().unwrap().contains("2026-11-30")), "{log:#}");
}

#[test]
fn a_caseworker_makes_a_plan_only_for_her_own_caseload_and_never_for_a_closed_case() {
    let (t, p, _) = store_with_participant();
    let theirs = t
        .cmd(&["participant", "add", "--name", "Cem Demir", "--birth-year", "1988", "--caseworker", "kollega"])
        .role("team_lead")
        .run()
        .ok()
        .json();
    let theirs = theirs["pseudonym"].as_str().unwrap().to_string();
    let out = t.tmp().join("cem.pdf");
    let path = out.to_str().unwrap();
    t.cmd(&["participant", "plan", &theirs, "--out", path]).run().fails(2, "not_your_case", &["kollega"]);
    let e = t.cmd(&["participant", "plan", &theirs, "--out", path]).lang("en").run().fails(2, "not_your_case", &["kollega"]);
    assert!(e.message.contains("caseload"), "{e:?}");
    assert!(!out.exists(), "a refused plan writes nothing");
    // A team lead may make any case's plan. Nothing is due for Cem: the plan says so in words.
    t.cmd(&["participant", "plan", &theirs, "--out", path]).role("team_lead").run().ok();
    let text = pdf_words(&out);
    assert!(text.contains("Cem Demir") && text.contains("kollega"), "{text}");
    assert!(text.contains("Der er ingen samtale, som skal holdes inden en bestemt dato lige nu."), "{text}");
    assert!(text.contains("Der er ingen aftalte aktiviteter lige nu."), "{text}");
    // A closed case has no plan to give.
    t.cmd(&["participant", "close", &p]).run().ok();
    let closed = t.tmp().join("lukket.pdf");
    t.cmd(&["participant", "plan", &p, "--out", closed.to_str().unwrap()]).run().fails(2, "plan_case_closed", &["lukket", "genåbn"]);
    assert!(!closed.exists());
}

#[test]
fn reports_are_written_in_three_formats_and_verified_against_the_data() {
    let t = Indsats::new();
    t.cmd(&["demo", "--participants", "300", "--seed", "5"]).role("admin").run().ok();
    let at = |name: &str| t.tmp().join(name).to_str().unwrap().to_string();
    let (pdf, xlsx, csv) = (at("rapport.pdf"), at("rapport.xlsx"), at("rapport-csv"));
    t.cmd(&["report", "--period", "2026", "--out", &pdf]).run().fails(2, "forbidden", &["Teamleder"]);
    assert!(!std::path::Path::new(&pdf).exists());
    t.cmd(&["report", "--period", "2026", "--out", &pdf, "--threshold", "2"]).role("team_lead").run().fails(2, "out_of_range", &[]);
    t.cmd(&["report", "--period", "2026", "--out", &pdf, "--format", "docx"]).role("team_lead").run().fails(
        2,
        "unknown_code",
        &["pdf, xlsx, csv"],
    );
    let made = t.cmd(&["report", "--period", "2026", "--out", &pdf]).role("team_lead").run().ok().json();
    let snapshot = made["snapshot"].as_str().unwrap().to_string();
    assert_eq!(snapshot.len(), 64);
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    t.cmd(&["report", "--period", "2026", "--out", &xlsx, "--lang", "en"]).role("team_lead").run().ok();
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
    t.cmd(&["report", "--period", "2026", "--format", "csv", "--out", &csv]).role("team_lead").run().ok();
    let files: Vec<String> = std::fs::read_dir(&csv).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    assert_eq!(files.len(), 5, "{files:?}");
    t.cmd(&["report", "--period", "2026", "--out", &pdf]).role("team_lead").run().fails(2, "file_exists", &[]);
    // Nobody's name is in any of them.
    let names: Vec<String> = t
        .cmd(&["participant", "list", "--all"])
        .run()
        .ok()
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.len() >= 250);
    let csv_text: String = files.iter().map(|f| std::fs::read_to_string(std::path::Path::new(&csv).join(f)).unwrap()).collect();
    for n in &names {
        assert!(!csv_text.contains(n.as_str()), "{n} is in the CSV");
    }

    for file in [&pdf, &xlsx, &csv] {
        let v = t.cmd(&["report", "--verify", file]).run().ok().json();
        assert_eq!(v["unchanged"], true, "{file}: {v}");
        assert_eq!(v["snapshot"], snapshot.as_str());
    }
    t.cmd(&["report", "--verify", &at("rapport-csv/om.csv")]).plain().run().ok();
    let not_a_report = at("notes.txt");
    std::fs::write(&not_a_report, "hello").unwrap();
    t.cmd(&["report", "--verify", &not_a_report]).run().fails(2, "not_a_report", &["ikke en rapport"]);

    // A registration that changes a number changes the data behind the reports.
    let someone = t.cmd(&["participant", "list"]).run().ok().json()[0]["pseudonym"].as_str().unwrap().to_string();
    t.cmd(&["log", &someone, "community", "--kind", "frivillig", "--date", "20-11-2026"]).role("team_lead").run().ok();
    for file in [&pdf, &xlsx, &csv] {
        let out = t.cmd(&["report", "--verify", file]).run();
        assert_eq!(out.json()["unchanged"], false, "{file}");
        out.fails(4, "data_changed", &["ændret"]);
    }
}

// ---- Backup and restore --------------------------------------------------------------------------

#[test]
fn a_backup_restores_on_another_folder_whole_and_a_damaged_one_restores_nothing() {
    let (a, p, _) = store_with_participant();
    a.cmd(&["log", &p, "conversation", "--outcome", "held", "--mode", "phone", "--date", "01-10-2026"]).run().ok();
    let file = a.tmp().join("kopi.indsats-backup");
    let path = file.to_str().unwrap();
    let made = a.cmd(&["backup", "--out", path]).run().ok().json();
    assert_eq!(made["file"], path);
    assert!(made["bytes"].as_u64().unwrap() > 0);
    // Never over an existing file.
    a.cmd(&["backup", "--out", path]).run().fails(2, "backup_exists", &["kopi.indsats-backup"]);
    // The audit log says who made it.
    let log = a.cmd(&["audit", "--action", "store.backup"]).role("admin").run().ok().json();
    assert_eq!(log.as_array().map(Vec::len), Some(1), "{log:#}");

    // Restored into a new data folder: the same people, events and audit trail, plus the restore.
    let b = Indsats::new();
    let done = b.cmd(&["restore", path]).run().ok().json();
    assert_eq!(done["created_at"], made["created_at"]);
    let mut before = a.data_state();
    let mut after = b.data_state();
    for s in [&mut before, &mut after] {
        s["counts"].as_object_mut().unwrap().remove("changes");
    }
    assert_eq!(after["counts"], before["counts"]);
    let shown = b.cmd(&["participant", "show", &p]).run().ok().json();
    assert_eq!(shown["pseudonym"], p.as_str());
    let restored = b.cmd(&["audit", "--action", "store.restore"]).role("admin").run().ok().json();
    assert_eq!(restored.as_array().map(Vec::len), Some(1), "{restored:#}");

    // Not over data that is there, not with the wrong passphrase, not from a damaged file.
    b.cmd(&["restore", path]).run().fails(2, "restore_not_empty", &["tom"]);
    let c = Indsats::new();
    c.cmd(&["restore", path]).passphrase("ikke den rigtige frase").run().fails(2, "backup_passphrase", &["adgangsfrase"]);
    assert!(!c.dir.exists());
    let mut bytes = std::fs::read(&file).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x10;
    let bad = c.tmp().join("beskadiget.indsats-backup");
    std::fs::write(&bad, &bytes).unwrap();
    c.cmd(&["restore", bad.to_str().unwrap()]).run().fails(2, "backup_damaged", &["ændret", "anden sikkerhedskopi"]);
    std::fs::write(&bad, &bytes[..middle]).unwrap();
    c.cmd(&["restore", bad.to_str().unwrap()]).lang("en").run().fails(2, "backup_damaged", &["cut off"]);
    assert!(!c.dir.exists(), "a refused restore leaves nothing");
}

#[test]
fn backups_into_a_folder_keep_the_newest_of_this_store_and_touch_nothing_else() {
    let a = Indsats::new();
    a.init();
    let folder = a.tmp().join("kopier");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("noter.txt"), b"IT's own file").unwrap();
    // Another laptop's backup in the same folder.
    let other = Indsats::new();
    other.init();
    let theirs = folder.join("anden.indsats-backup");
    other.cmd(&["backup", "--out", theirs.to_str().unwrap()]).run().ok();
    let dir = folder.to_str().unwrap();
    let mut made = Vec::new();
    for (i, now) in ["2026-11-24T09:00:00Z", "2026-11-25T09:00:00Z", "2026-11-26T09:00:00Z", "2026-11-27T09:00:00Z"].iter().enumerate() {
        let v = a.cmd(&["backup", "--folder", dir, "--keep", "2"]).env("INDSATS_NOW", now).run().ok().json();
        made.push(v["file"].as_str().unwrap().to_string());
        let removed = v["removed"].as_array().unwrap().len();
        assert_eq!(removed, usize::from(i >= 2), "backup {i}: {v:#}");
    }
    let mut names: Vec<String> = std::fs::read_dir(&folder).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    let newest: Vec<String> =
        made[2..].iter().map(|f| std::path::Path::new(f).file_name().unwrap().to_string_lossy().into_owned()).collect();
    let mut expected = vec!["anden.indsats-backup".to_string(), "noter.txt".to_string()];
    expected.extend(newest);
    expected.sort();
    assert_eq!(names, expected);
    a.cmd(&["backup", "--folder", dir, "--keep", "0"]).run().fails(2, "out_of_range", &[]);
}

// ---- Import ----------------------------------------------------------------------------------------

fn golden(name: &str) -> String {
    format!("{}/tests/import/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// (row, column, code) of each problem of an import report.
fn problems(report: &Value) -> Vec<(u64, String, String)> {
    report["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| (p["row"].as_u64().unwrap(), p["column"].as_str().unwrap_or("").to_string(), p["code"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn a_caseload_imports_from_danish_excel_csv_and_every_bad_row_is_named_changing_nothing_until_asked() {
    let t = Indsats::new();
    t.init();
    let file = golden("deltagere.csv");
    let before = t.data_state();
    let import = |args: &[&str]| {
        let mut all = vec!["import", "participants", file.as_str()];
        all.extend_from_slice(args);
        t.cmd(&all).role("admin").run()
    };
    // The dry run names every bad row by row and column, in Danish, and writes nothing.
    let dry = import(&["--dry-run"]).exit(2);
    let report = dry.json();
    assert_eq!(report["rows"], 10, "the empty last row is not a row");
    assert_eq!(report["imported"], 4, "rows 2, 3, 4 and 8 would be imported");
    assert_eq!(report["written"], false);
    assert_eq!(report["unused_columns"], serde_json::json!(["bemærkning"]));
    assert_eq!(
        problems(&report),
        [
            (5, "B".into(), "cpr_date".into()),
            (6, "H".into(), "end_before_start".into()),
            (7, "B".into(), "same_as_row".into()),
            (9, "D".into(), "unknown_code".into()),
            (10, "E".into(), "invalid_date".into()),
            (11, "E".into(), "in_future".into()),
        ]
    );
    insta::assert_json_snapshot!("import_participants_dry_run", report["problems"]);
    let e = dry.error();
    assert_eq!(e.code, "import_bad_rows");
    assert!(e.message.contains("5, 6, 7, 9, 10 og 11"), "{}", e.message);
    assert_eq!(t.data_state(), before, "a dry run changes nothing");

    // All or nothing: nothing.
    let all = import(&[]).exit(2).json();
    assert_eq!((all["imported"].clone(), all["written"].clone()), (serde_json::json!(0), serde_json::json!(false)));
    assert_eq!(t.data_state(), before, "a bad row stops the whole import");

    // The good rows, and a file of the bad ones with why.
    let good = import(&["--keep-good"]).exit(2).json();
    assert_eq!((good["imported"].clone(), good["written"].clone()), (serde_json::json!(4), serde_json::json!(true)));
    let rejected = std::path::PathBuf::from(good["rejected_file"].as_str().unwrap());
    assert!(rejected.ends_with("deltagere-afviste.csv"));
    let text = String::from_utf8(std::fs::read(&rejected).unwrap()).unwrap();
    std::fs::remove_file(&rejected).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 7, "the header and the six bad rows: {text}");
    assert!(lines[0].ends_with(";fejl"));
    assert!(lines[1].starts_with("Dilan Fiktiv;3213901234;") && lines[1].contains("Række 5, kolonne B (cpr)"), "{}", lines[1]);
    assert_eq!(t.open_participants(), 4);
    // The formula-looking name is kept as its text, never evaluated.
    let found = t.cmd(&["participant", "find", "HYPERLINK"]).role("admin").run().ok().json();
    assert_eq!(found[0]["name"], "=HYPERLINK(\"http://x\";\"klik\")", "{found:#}");
    // The dates in three forms all read.
    let amira = t.cmd(&["participant", "find", "0101901233"]).role("admin").run().ok().json();
    let amira = t.cmd(&["participant", "show", amira[0]["pseudonym"].as_str().unwrap()]).role("admin").run().ok().json();
    assert_eq!(amira["arrival_date"], "2020-03-15", "{amira:#}");

    // Run again: the people with a CPR number are matched, never registered twice.
    let again = import(&["--dry-run"]).exit(2).json();
    assert_eq!(again["matched"].as_array().unwrap().iter().map(|m| m["row"].as_u64().unwrap()).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(again["imported"], 0);
    assert!(problems(&again).contains(&(4, "A".into(), "possible_duplicate".into())), "{again:#}");
    assert_eq!(t.open_participants(), 4);
    // Audited: each import says what it did.
    let log = t.cmd(&["audit", "--action", "participant.import"]).role("admin").run().ok().json();
    let actions: Vec<&str> = log.as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"participant.import_dry_run") && actions.contains(&"participant.import_refused"), "{actions:?}");
    assert!(actions.contains(&"participant.import_result"), "{actions:?}");
}

#[test]
fn enrolments_and_events_import_onto_the_cases_and_a_caseworker_imports_only_their_own() {
    let t = Indsats::new();
    t.init();
    t.add_initiative("Virksomhedspraktik i detailhandlen");
    let people = golden("deltagere.csv");
    t.cmd(&["import", "participants", &people, "--keep-good", "--rejected", t.tmp().join("x.csv").to_str().unwrap()])
        .role("admin")
        .run()
        .exit(2);
    let before = t.data_state();

    let enrol = golden("forloeb.csv");
    let report = t.cmd(&["import", "enrolments", &enrol, "--dry-run"]).role("admin").run().exit(2).json();
    assert_eq!(
        problems(&report),
        [
            (3, "D".into(), "end_before_start".into()),
            (4, "B".into(), "unknown_initiative".into()),
            (5, "A".into(), "unknown_participant".into()),
            (6, "C".into(), "enrolment_outside_initiative".into()),
            (7, "B".into(), "same_as_row".into()),
        ]
    );
    assert_eq!(t.data_state(), before);

    let events = golden("events.csv");
    let report = t.cmd(&["import", "events", &events, "--lang", "en", "--dry-run"]).role("admin").run().exit(2).json();
    assert_eq!(
        problems(&report),
        [
            (4, "E".into(), "required".into()),
            (5, "B".into(), "unknown_code".into()),
            (6, "C".into(), "in_future".into()),
            (7, "B".into(), "same_as_row".into()),
        ]
    );
    assert!(report["problems"][0]["message"].as_str().unwrap().starts_with("Row 4, column E (module): "), "{report:#}");
    let done = t
        .cmd(&["import", "events", &events, "--keep-good", "--rejected", t.tmp().join("e.csv").to_str().unwrap()])
        .role("admin")
        .run()
        .exit(2)
        .json();
    assert_eq!(done["imported"], 2);
    let amira = t.cmd(&["participant", "find", "0101901233"]).role("admin").run().ok().json();
    let p = amira[0]["pseudonym"].as_str().unwrap().to_string();
    let timeline = t.cmd(&["timeline", &p]).role("admin").run().ok().json();
    let text = timeline.to_string();
    assert!(text.contains("module_test_passed") && text.contains("Startede på DU2"), "{timeline:#}");
    // The same events again are matched, not recorded twice.
    let again = t.cmd(&["import", "events", &events, "--dry-run"]).role("admin").run().exit(2).json();
    assert_eq!(again["matched"].as_array().unwrap().len(), 2, "{again:#}");

    // A caseworker imports only into their own caseload: bo's case is refused at its row.
    let theirs = t.tmp().join("bo.csv");
    std::fs::write(&theirs, "navn;fødselsår;sagsbehandler\nJonas Testbo;1990;bo\n").unwrap();
    let report = t.cmd(&["import", "participants", theirs.to_str().unwrap()]).role("caseworker").run().exit(2).json();
    assert_eq!(problems(&report), [(2, "C".into(), "not_your_case".into())]);
    t.cmd(&["import", "participants", theirs.to_str().unwrap()]).role("admin").run().ok();
    let event = t.tmp().join("bo-event.csv");
    std::fs::write(&event, "navn;pseudonym;hændelse;dato\n;PLACEHOLDER;meeting_held;02-11-2026\n").unwrap();
    let jonas = t.cmd(&["participant", "find", "Jonas Testbo"]).role("admin").run().ok().json();
    let jonas = jonas[0]["pseudonym"].as_str().unwrap().to_string();
    std::fs::write(&event, format!("pseudonym;hændelse;dato\n{jonas};meeting_held;02-11-2026\n")).unwrap();
    let report = t.cmd(&["import", "events", event.to_str().unwrap()]).role("caseworker").run().exit(2).json();
    assert_eq!(problems(&report), [(2, "A".into(), "not_your_case".into())]);
}

#[test]
fn an_xlsx_caseload_reads_its_dates_and_a_cpr_number_excel_stored_as_a_number() {
    let t = Indsats::new();
    t.init();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd-mm-yyyy");
    for (c, h) in ["Navn", "CPR-nummer", "Indrejsedato", "Programstart"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "Amira Testesen").unwrap();
    sheet.write_number(1, 1, 101901233.0).unwrap();
    sheet.write_datetime_with_format(1, 2, rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 3, 15).unwrap(), &date).unwrap();
    sheet.write_string(1, 3, "01-04-2020").unwrap();
    sheet.write_string(2, 0, "Bo Testesen").unwrap();
    sheet.write_string(2, 1, "0101901233").unwrap();
    let file = t.tmp().join("sagsstamme.xlsx");
    book.save(&file).unwrap();
    let report = t.cmd(&["import", "participants", file.to_str().unwrap(), "--dry-run"]).role("admin").run().exit(2).json();
    assert_eq!(problems(&report), [(3, "B".into(), "same_as_row".into())], "the number 101901233 is CPR 0101901233");
    let with_mapping = t.tmp().join("kolonner.toml");
    std::fs::write(&with_mapping, "[columns]\n\"Navn\" = \"navne\"\n").unwrap();
    let e = t
        .cmd(&["import", "participants", file.to_str().unwrap(), "--mapping", with_mapping.to_str().unwrap()])
        .role("admin")
        .run()
        .fails(2, "import_unknown_field", &["navne"]);
    assert!(e.message.contains("birth_year"), "{}", e.message);
    let not_a_sheet = t.tmp().join("x.xlsx");
    std::fs::write(&not_a_sheet, b"PK\x03\x04 not really").unwrap();
    t.cmd(&["import", "participants", not_a_sheet.to_str().unwrap()]).role("admin").run().fails(2, "import_spreadsheet", &["xlsx"]);
    t.cmd(&["import", "people", file.to_str().unwrap()]).role("admin").run().fails(2, "unknown_code", &["participants"]);
    // Only Bo's row is bad: with --keep-good Amira comes in with her dates.
    t.cmd(&["import", "participants", file.to_str().unwrap(), "--keep-good"]).role("admin").run().exit(2);
    let amira = t.cmd(&["participant", "find", "0101901233"]).role("admin").run().ok().json();
    let shown = t.cmd(&["participant", "show", amira[0]["pseudonym"].as_str().unwrap()]).role("admin").run().ok().json();
    assert_eq!(
        (shown["arrival_date"].clone(), shown["programme_start"].clone()),
        (serde_json::json!("2020-03-15"), serde_json::json!("2020-04-01"))
    );
}
