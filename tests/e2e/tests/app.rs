//! The scenarios of the desktop app, end to end: the real binary with its embedded front end, in
//! a WebKit window under Xvfb, driven through tauri-driver. One session at a time
//! (`--test-threads=1`); each scenario has its own data folder; a screenshot of each is saved in
//! target/e2e-screenshots.

use std::time::Duration;

use anyhow::{Context, Result, ensure};
use indsats_e2e::*;

/// Picks the option of a `<select>` whose text contains `needle`.
async fn select_text(app: &App, id: &str, needle: &str) -> Result<()> {
    let picked = app
        .js(
            r#"const s = document.querySelector(`[data-testid="${arguments[0]}"]`);
               const o = s && [...s.options].find(o => o.text.includes(arguments[1]));
               if (!o) return false;
               s.value = o.value; s.dispatchEvent(new Event('change', { bubbles: true })); return true;"#,
            vec![id.into(), needle.into()],
        )
        .await?;
    ensure!(picked == serde_json::Value::Bool(true), "no option with {needle:?} in {id}");
    Ok(())
}

/// Creates an initiative linked to a goal, a participant, and an enrolment; returns when the
/// profile shows the enrolment.
async fn initiative_participant_enrolment(app: &App) -> Result<()> {
    app.click("nav-initiatives").await?;
    app.click("initiative-new").await?;
    app.fill("initiative-title", "Sprogcafé Nord").await?;
    app.select("initiative-kind", "danskuddannelse").await?;
    app.fill("initiative-owner", "Team Nord").await?;
    app.fill("initiative-start", "01-01-2026").await?;
    app.click("initiative-save").await?;
    app.select("initiative-link-goal", "demokrati-dansk").await?;
    app.fill("initiative-link-contribution", "Dansk på modulniveau, tæt på hverdagen").await?;
    app.click("initiative-link-save").await?;
    app.wait_text("initiative-goals", "Dansk på modulniveau").await?;

    app.click("nav-participants").await?;
    app.click("participant-new").await?;
    app.fill("participant-name", "Zainab Testdatter").await?;
    app.fill("participant-birth-year", "1990").await?;
    app.fill("participant-programme-start", "01-03-2025").await?;
    app.click("participant-save").await?;
    app.wait_text("profile", "Zainab Testdatter").await?;

    select_text(app, "enrol-initiative", "Sprogcafé Nord").await?;
    app.fill("enrol-start", "01-10-2026").await?;
    app.click("enrol-save").await?;
    app.wait_text("profile", "Sprogcafé Nord").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn first_run_to_a_logged_module_test_changes_the_overview() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.el("firstrun-passphrase").await?;
    app.screenshot("01-first-run").await?;
    app.first_run("Mette Testesen").await?;

    initiative_participant_enrolment(&app).await?;
    app.click("nav-overview").await?;
    let before = app.text("ladder").await?;

    app.click("nav-participants").await?;
    app.fill("participant-search", "Zainab").await?;
    app.click("participant-hit").await?;
    app.click("profile-log").await?;
    app.el("progress-dialog").await?;
    app.click("progress-type-module_test_passed").await?;
    app.fill("progress-module", "2").await?;
    app.click("progress-save").await?;
    app.wait_text("timeline", "Modultest bestået").await?;
    app.screenshot("02-profile-after-module-test").await?;

    app.click("nav-overview").await?;
    app.el("overview").await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let after = loop {
        let now = app.text("ladder").await?;
        if now != before || std::time::Instant::now() > deadline {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    ensure!(after != before, "the overview's ladder did not change after the module test:\n{before}");
    app.screenshot("03-overview-after").await?;
    app.close().await
}

/// Waits until `id`'s text is `want`, or fails after 20 s saying what it was.
async fn wait_until_text_is(app: &App, id: &str, want: &str, what: &str) -> Result<()> {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let now = app.text(id).await?;
        if now == want {
            return Ok(());
        }
        ensure!(std::time::Instant::now() < deadline, "{what}: {id} is\n{now}\nnot\n{want}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Opens Zainab's profile from the participants screen.
async fn open_zainab(app: &App) -> Result<()> {
    app.click("nav-participants").await?;
    app.fill("participant-search", "Zainab").await?;
    app.click("participant-hit").await?;
    app.wait_text("profile", "Zainab Testdatter").await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_note_written_a_date_corrected_an_event_removed_and_a_case_reopened_move_the_overview_back() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    initiative_participant_enrolment(&app).await?;
    app.click("nav-overview").await?;
    app.el("overview").await?;
    let ladder = app.text("ladder").await?;
    let caseload = app.text("caseload").await?;

    open_zainab(&app).await?;
    app.click("profile-log").await?;
    app.click("progress-type-module_test_passed").await?;
    app.fill("progress-module", "2").await?;
    app.click("progress-save").await?;
    app.wait_text("timeline", "Modultest bestået").await?;

    // What was said goes in a journal note, on the event.
    app.click("note-new").await?;
    select_text(&app, "note-event", "Modultest bestået").await?;
    app.fill("note-text", "Talte om modul 3; tolk ikke nødvendig.").await?;
    app.click("note-save").await?;
    app.wait_text("notes", "Talte om modul 3").await?;
    app.wait_text("notes", "Modultest bestået").await?;

    // A typo in the date, corrected with a reason: the timeline and its history say so.
    app.click("event-correct").await?;
    app.fill("correct-event-date", "20-11-2026").await?;
    app.fill("correct-event-reason", "tastefejl").await?;
    app.click("correct-event-save").await?;
    app.wait_text("timeline", "20-11-2026").await?;
    app.wait_text("corrections", "20-11-2026 (tastefejl)").await?;
    app.click("nav-overview").await?;
    app.el("overview").await?;
    ensure!(app.text("ladder").await? != ladder, "the module test moves the ladder");

    // The event was on the wrong person: removed, and the overview's ladder is as before.
    open_zainab(&app).await?;
    app.click("event-correct").await?;
    app.fill("correct-event-reason", "registreret på forkert borger").await?;
    app.click("correct-event-remove").await?;
    app.wait_text("corrections", "(registreret på forkert borger)").await?;
    app.screenshot("corrections-on-the-profile").await?;
    app.click("nav-overview").await?;
    app.el("overview").await?;
    wait_until_text_is(&app, "ladder", &ladder, "the removed event no longer counts").await?;

    // Closed by mistake, then reopened: the caseload counts the case again.
    open_zainab(&app).await?;
    app.click("profile-close").await?;
    app.click("profile-close-confirm").await?;
    app.el("profile-reopen").await?;
    app.click("nav-overview").await?;
    app.el("overview").await?;
    let closed = app.wait_text("caseload", "").await?;
    ensure!(closed != caseload, "closing the case moves the caseload:\n{closed}");
    open_zainab(&app).await?;
    app.click("profile-reopen").await?;
    app.el("profile-close").await?;
    app.wait_text("corrections", "genåbnet").await?;
    app.click("nav-overview").await?;
    app.el("overview").await?;
    wait_until_text_is(&app, "caseload", &caseload, "the reopened case counts again").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn from_the_worklist_to_a_logged_conversation_with_a_note_in_two_interactions_plus_typing() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    // An introduction programme from 15-09-2026 (today is 25-11-2026): its contract is overdue.
    app.click("nav-participants").await?;
    app.click("participant-new").await?;
    app.fill("participant-name", "Zainab Testdatter").await?;
    app.fill("participant-birth-year", "1990").await?;
    app.select("participant-programme", "introduktion").await?;
    app.fill("participant-programme-start", "15-09-2026").await?;
    app.click("participant-save").await?;
    app.wait_text("profile", "Zainab Testdatter").await?;
    // A conversation on 28-09-2026: the next is due within two months, by 28-11-2026 (this week).
    app.click("profile-log").await?;
    app.click("progress-type-conversation").await?;
    app.fill("progress-date", "28-09-2026").await?;
    app.click("progress-save").await?;
    app.wait_text("timeline", "Samtale").await?;

    app.click("nav-today").await?;
    app.wait_text("today-overdue", "Integrationskontrakt").await?;
    app.wait_text("today-overdue", "Zainab Testdatter").await?;
    let week = app.wait_text("today-this-week", "Næste samtale").await?;
    ensure!(week.contains("28-11-2026"), "the next conversation is due 28-11-2026: {week}");
    app.screenshot("worklist").await?;

    // From the worklist: Log on the line (1), the note typed, Save (2).
    let mut interactions = 0;
    app.js(r#"document.querySelector('[data-testid="today-this-week"] [data-testid="today-log"]').click()"#, vec![]).await?;
    interactions += 1;
    app.el("progress-dialog").await?;
    app.fill("progress-note", "Talte om praktik; tolk ikke nødvendig.").await?;
    app.click("progress-save").await?;
    interactions += 1;
    app.wait_text("toast", "").await?;
    ensure!(interactions <= 3, "{interactions} interactions");
    // The conversation is held today: the next is due in two months, so it leaves this week.
    app.wait_text("today-this-week", "Intet her").await?;
    app.js(r#"document.querySelector('[data-testid="today-overdue"] [data-testid="today-open"]').click()"#, vec![]).await?;
    app.wait_text("notes", "Talte om praktik").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn the_wrong_passphrase_is_refused() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    app.click("lock").await?;
    app.unlock("forkert adgangsfrase").await?;
    let msg = app.wait_text("unlock-error", "").await?;
    ensure!(msg.to_lowercase().contains("adgangsfrase"), "the refusal should name the passphrase: {msg}");
    app.screenshot("04-wrong-passphrase").await?;
    ensure!(!app.has("overview").await || app.has("unlock-passphrase").await, "the overview must stay locked");
    app.unlock(PASSPHRASE).await?;
    app.el("overview").await?;
    ensure!(!app.has("unlock-error").await, "the error must go once unlocked");
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn switching_to_english() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    app.wait_text("nav-participants", "Deltagere").await?;
    app.click("nav-settings").await?;
    app.select("settings-lang", "en").await?;
    app.click("settings-save").await?;
    app.wait_text("nav-participants", "Participants").await?;
    app.click("nav-overview").await?;
    app.el("overview").await?;
    let lang = app.js("return document.documentElement.lang;", vec![]).await?;
    ensure!(lang == "en", "the document language should be en, is {lang}");
    app.screenshot("05-english-overview").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn logging_an_event_by_keyboard_alone() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    initiative_participant_enrolment(&app).await?;
    app.click("nav-overview").await?;
    app.el("overview").await?;

    // From here on: keys only. Ctrl+L opens the dialog; the participant is found by typing.
    app.js("document.activeElement && document.activeElement.blur(); document.body.focus();", vec![]).await?;
    app.keys("\u{E009}l\u{E000}").await?; // Ctrl down, l, release all
    app.el("progress-dialog").await?;
    app.keys("Zainab").await?;
    tokio::time::sleep(Duration::from_millis(600)).await;
    app.keys("\u{E007}").await?; // Enter picks the first hit
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.keys("\u{E007}").await?; // Enter picks the first (most common) type: module test passed
    tokio::time::sleep(Duration::from_millis(300)).await;
    app.keys("\u{E009}\u{E007}\u{E000}").await?; // Ctrl+Enter saves
    app.wait_text("toast", "").await?;
    app.screenshot("06-keyboard-logged").await?;

    app.click("nav-participants").await?;
    app.fill("participant-search", "Zainab").await?;
    app.click("participant-hit").await?;
    app.wait_text("timeline", "Modultest bestået").await.context("the event logged by keyboard is on the timeline")?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_draft_survives_the_app_being_killed() -> Result<()> {
    let home = tempfile::tempdir()?;
    {
        let app = App::launch(home.path()).await?;
        app.first_run("Mette Testesen").await?;
        initiative_participant_enrolment(&app).await?;
        app.click("profile-log").await?;
        app.click("progress-type-offer_started").await?;
        app.fill("progress-hours", "17,5").await?;
        // The draft is saved shortly after typing stops.
        tokio::time::sleep(Duration::from_millis(1500)).await;
        app.screenshot("07-before-kill").await?;
        app.kill_app()?;
        let _ = app.close().await;
    }
    let app = App::launch(home.path()).await?;
    app.unlock(PASSPHRASE).await?;
    app.el("overview").await?;
    app.keys("\u{E009}l\u{E000}").await?;
    app.el("progress-dialog").await?;
    app.wait_text("progress-dialog", "17").await.context("the restored draft holds the hours typed before the kill")?;
    app.el("progress-draft-restored").await?;
    app.screenshot("08-draft-restored").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn every_screen_passes_axe_without_serious_or_critical_violations() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    let mut problems = Vec::new();
    let mut check = async |screen: &str| -> Result<()> {
        for v in app.axe().await? {
            problems.push(format!("{screen}: {v}"));
        }
        Ok(())
    };
    app.el("firstrun-passphrase").await?;
    check("first run").await?;
    app.first_run("Mette Testesen").await?;
    initiative_participant_enrolment(&app).await?;
    check("profile").await?;
    app.click("profile-log").await?;
    app.el("progress-dialog").await?;
    check("log progress").await?;
    app.keys("\u{E00C}").await?; // Escape
    for (nav, root) in [
        ("nav-today", "today"),
        ("nav-overview", "overview"),
        ("nav-goals", "goals"),
        ("nav-initiatives", "initiatives"),
        ("nav-participants", "participants"),
        ("nav-audit", "audit"),
        ("nav-sync", "sync-screen"),
        ("nav-settings", "settings"),
    ] {
        if let Err(e) = app.click(nav).await {
            app.screenshot(&format!("failed-{nav}")).await?;
            return Err(e);
        }
        app.el(root).await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        check(root).await?;
    }
    app.click("lock").await?;
    app.el("unlock-passphrase").await?;
    check("unlock").await?;
    ensure!(problems.is_empty(), "axe found serious or critical violations:\n{}", problems.join("\n"));
    app.close().await
}

/// The demo (made with progress), the drill-down from a goal's indicator to the participants
/// behind it and on to a profile, and the management summary exported from the overview.
#[tokio::test(flavor = "multi_thread")]
async fn demo_drill_down_and_export_of_the_summary() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.fill("firstrun-user", "Mette Testesen").await?;
    app.select("firstrun-role", "team_lead").await?;
    app.click("firstrun-demo").await?;
    app.el("job-progress").await?;
    app.screenshot("09-demo-progress").await?;
    // Making 5,000 participants takes a while in a debug build.
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    while !app.has("overview").await {
        if std::time::Instant::now() > deadline {
            app.screenshot("failed-demo").await?;
            anyhow::bail!("the demo did not open within 4 minutes");
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    app.el("demo-badge").await?;
    app.wait_text("caseload", "").await?;
    app.screenshot("10-demo-overview").await?;

    // Drill down: the first computed indicator with people behind it.
    let drills = app.all("[data-testid$=\"-drill\"]").await?;
    ensure!(!drills.is_empty(), "a team lead sees drill-down links on the overview");
    let mut opened = false;
    for d in drills {
        d.click().await?;
        app.el("drill").await?;
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while !app.has("drill-hit").await && std::time::Instant::now() < deadline {
            if app.text("drill").await?.contains(" 0 ") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        if app.has("drill-hit").await {
            app.screenshot("11-drill-down").await?;
            app.click("drill-hit").await?;
            app.el("profile").await?;
            opened = true;
            break;
        }
        app.keys("\u{E00C}").await?;
    }
    ensure!(opened, "no indicator led to a participant's profile");

    // Export the summary as a PDF to a typed path, with progress, and check the file.
    app.click("nav-overview").await?;
    app.click("export-open").await?;
    app.el("export-dialog").await?;
    let out = home.path().join("status.pdf");
    app.click("export-format-pdf").await?;
    app.fill("export-path", &out.display().to_string()).await?;
    app.click("export-run").await?;
    app.wait_text("export-result", "status.pdf").await?;
    app.screenshot("12-export-done").await?;
    let pdf = std::fs::read(&out).context("the exported PDF")?;
    ensure!(pdf.starts_with(b"%PDF"), "not a PDF");
    ensure!(pdf.windows(18).any(|w| w == b"indsats-report/1 p"), "the PDF carries its reproducibility marker");
    app.close().await
}

/// The web process runs without accelerated compositing and without the JIT (what keeps the
/// window under its memory budget, src-tauri/src/main.rs), unless the environment says otherwise.
#[tokio::test(flavor = "multi_thread")]
async fn the_web_process_runs_lean_unless_the_environment_says_otherwise() -> Result<()> {
    for (given, compositing_off, jit) in [(None, "1", "0"), (Some("0"), "0", "1")] {
        let home = tempfile::tempdir()?;
        let env: Vec<(&str, &str)> = match given {
            Some(v) => vec![("WEBKIT_DISABLE_COMPOSITING_MODE", v), ("JSC_useJIT", "1")],
            None => vec![],
        };
        let app = App::launch_with(home.path(), &env).await?;
        app.el("firstrun-passphrase").await?;
        let pid = app.pid().context("no app process")?;
        let web =
            process_tree(pid).into_iter().find(|p| comm(*p).starts_with("WebKitWebProces")).context("the app has no WebKit web process")?;
        ensure!(
            env_of(web, "WEBKIT_DISABLE_COMPOSITING_MODE").as_deref() == Some(compositing_off)
                && env_of(web, "JSC_useJIT").as_deref() == Some(jit),
            "started with {env:?}, the web process has WEBKIT_DISABLE_COMPOSITING_MODE={:?} JSC_useJIT={:?}",
            env_of(web, "WEBKIT_DISABLE_COMPOSITING_MODE"),
            env_of(web, "JSC_useJIT")
        );
        app.close().await?;
    }
    Ok(())
}

/// The lock leaves nothing personal in the window: after locking on a profile, the page's DOM
/// holds neither the participant's name nor the CPR number; unlocking brings the profile back.
/// The app's log file (its own data folder here) holds neither, even after an error about the
/// number.
#[tokio::test(flavor = "multi_thread")]
async fn a_locked_window_and_the_log_file_hold_no_name_or_cpr_number() -> Result<()> {
    const NAME: &str = "Ysolde Låsprøvesen";
    let home = tempfile::tempdir()?;
    let xdg = home.path().join("xdg");
    let app = App::launch_with(home.path(), &[("XDG_DATA_HOME", &xdg.display().to_string())]).await?;
    app.first_run("Mette Testesen").await?;
    app.click("nav-participants").await?;
    app.click("participant-new").await?;
    app.fill("participant-name", NAME).await?;
    // A CPR number with no such day first: refused, with the field named.
    app.fill("participant-cpr", "320761-4286").await?;
    app.fill("participant-programme-start", "01-03-2025").await?;
    app.click("participant-save").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    ensure!(!app.has("profile").await, "a CPR number with no such day is refused");
    app.fill("participant-cpr", "070761-4286").await?;
    app.click("participant-save").await?;
    // The synthetic number fails modulus 11: a warning, then on to the profile.
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    while !app.has("profile").await && std::time::Instant::now() < deadline {
        if app.has("participant-continue").await {
            app.click("participant-continue").await?;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.wait_text("profile", NAME).await?;

    app.click("lock").await?;
    app.el("unlock-passphrase").await?;
    let html = app.js("return document.documentElement.outerHTML;", vec![]).await?;
    let html = html.as_str().context("the page's HTML")?.to_string();
    for needle in [NAME, "Ysolde", "070761-4286", "0707614286", "320761"] {
        ensure!(!html.contains(needle), "the locked window holds {needle:?}");
    }
    app.screenshot("locked-blank").await?;
    app.unlock(PASSPHRASE).await?;
    app.wait_text("profile", NAME).await?;
    app.close().await?;

    let mut logs = Vec::new();
    let mut stack = vec![xdg.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "log") {
                logs.push(p);
            }
        }
    }
    ensure!(!logs.is_empty(), "the app wrote no log file under {}", xdg.display());
    for log in &logs {
        let text = std::fs::read_to_string(log)?;
        for needle in [NAME, "Ysolde", "070761", "0707614286", "320761"] {
            ensure!(!text.contains(needle), "{} holds {needle:?}", log.display());
        }
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn an_automatic_backup_is_made_into_the_settings_folder_and_restores_with_the_cli() -> Result<()> {
    let home = tempfile::tempdir()?;
    let folder = home.path().join("kopier");
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    app.click("nav-settings").await?;
    app.fill("settings-backup-dir", folder.to_str().context("a UTF-8 path")?).await?;
    app.fill("settings-backup-keep", "3").await?;
    app.click("settings-save").await?;
    // Saving the settings shows the screens again with a folder set: the first backup is due.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    let file = loop {
        let found: Vec<_> = std::fs::read_dir(&folder)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "indsats-backup")).collect())
            .unwrap_or_default();
        if let Some(f) = found.into_iter().next() {
            break f;
        }
        ensure!(std::time::Instant::now() < deadline, "no backup appeared in {}", folder.display());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    app.screenshot("12-automatic-backup").await?;
    app.close().await?;
    // IT restores it on another folder with the CLI, with the passphrase of the first run.
    let cli = root().join("target/debug/indsats");
    let into = home.path().join("gendannet");
    let out = std::process::Command::new(&cli)
        .args(["--json", "--data-dir"])
        .arg(&into)
        .arg("restore")
        .arg(&file)
        .env("INDSATS_PASSPHRASE", PASSPHRASE)
        .env_remove("INDSATS_DATA_DIR")
        .output()
        .with_context(|| format!("running {}", cli.display()))?;
    ensure!(out.status.success(), "restore failed: {}", String::from_utf8_lossy(&out.stderr));
    let status = std::process::Command::new(&cli)
        .args(["--json", "--data-dir"])
        .arg(&into)
        .arg("status")
        .env("INDSATS_PASSPHRASE", PASSPHRASE)
        .output()?;
    ensure!(status.status.success(), "the restored store opens: {}", String::from_utf8_lossy(&status.stderr));
    let status: serde_json::Value = serde_json::from_slice(&status.stdout)?;
    ensure!(status["counts"]["goals"].as_u64().unwrap_or(0) > 0, "the restored store has the strategy: {status}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_caseload_file_is_checked_then_its_good_rows_imported_from_settings() -> Result<()> {
    let home = tempfile::tempdir()?;
    let file = home.path().join("sagsstamme.csv");
    std::fs::write(&file, "navn;fødselsår;herkomst\r\nOrla Importsen;1984;Ikke-vestlig\r\nPia Importsen;19x4;ikke-vestlig\r\n")?;
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    app.click("nav-settings").await?;
    app.fill("import-file", file.to_str().context("a UTF-8 path")?).await?;
    app.click("import-check").await?;
    let report = app.wait_text("import-report", "har fejl").await?;
    ensure!(report.contains("1 kan indlæses") && report.contains("1 har fejl"), "the check's report: {report}");
    let problems = app.text("import-problems").await?;
    ensure!(problems.contains("Række 3, kolonne B"), "the bad row by row and column: {problems}");
    app.screenshot("13-import-checked").await?;
    app.click("import-good").await?;
    app.wait_text("import-rejected", "sagsstamme-afviste.csv").await?;
    ensure!(home.path().join("sagsstamme-afviste.csv").exists(), "the rejected rows' file");
    app.click("nav-participants").await?;
    app.fill("participant-search", "Orla").await?;
    app.wait_text("participants", "Orla Importsen").await?;
    app.close().await
}

#[tokio::test(flavor = "multi_thread")]
async fn a_team_lead_enters_a_manual_indicator_s_value_and_the_overview_shows_it() -> Result<()> {
    let home = tempfile::tempdir()?;
    let app = App::launch(home.path()).await?;
    app.first_run("Mette Testesen").await?;
    app.click("nav-goals").await?;
    let key = "demokratisk-deltagelse";
    app.wait_text(&format!("manual-{key}-values"), "Ingen værdi").await?;
    app.fill(&format!("manual-{key}-period"), "2026").await?;
    app.fill(&format!("manual-{key}-value"), "42,5").await?;
    app.fill(&format!("manual-{key}-note"), "Valgundersøgelsen").await?;
    app.click(&format!("manual-{key}-save")).await?;
    app.wait_text(&format!("manual-{key}-values"), "Valgundersøgelsen").await?;
    let shown = app.text(&format!("manual-{key}-values")).await?;
    ensure!(shown.contains("42,5"), "the value entered: {shown}");
    app.screenshot("14-manual-value").await?;
    // The overview's year is 2026 (the test clock): the indicator is no longer unknown.
    app.click("nav-overview").await?;
    app.wait_text(&format!("indicator-{key}-value"), "42,5").await?;
    app.close().await
}
