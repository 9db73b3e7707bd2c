//! Sync in the app, end to end: the app's laptop joins a team whose lead works with the
//! `indsats` command line, both sync through a folder, an edit the app's laptop lost shows in
//! its conflicts inbox, and keeping it there carries it back to the lead.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use indsats_e2e::*;
use serde_json::Value;

const LEAD_PASSPHRASE: &str = "teamlederens-frase";
const INDICATOR: &str = "mm13-ustoettet-beskaeftigelse";
/// IT's escrow recipient (synthetic: the key behind it exists nowhere).
const ESCROW: &str = "age1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5z5tpwxqergd3c8g7rusqmwn7f2";

/// `indsats --json --data-dir DIR --role ROLE ARGS…` at `at` (RFC 3339); its JSON output. Each
/// store acts as its own person (its owner, or the roster's entry); `init` names mette.
fn cli(dir: &Path, passphrase: &str, role: &str, at: &str, args: &[&str]) -> Result<Value> {
    let bin = root().join("target/debug/indsats");
    if !bin.exists() {
        bail!("the command line is not built at {}: run `make e2e` (it builds it)", bin.display());
    }
    let out = Command::new(&bin)
        .arg("--json")
        .arg("--data-dir")
        .arg(dir)
        .args(["--role", role])
        .args(if args.first() == Some(&"init") { &["--user", "mette"][..] } else { &[] })
        .args(args)
        .env("INDSATS_PASSPHRASE", passphrase)
        .env("INDSATS_NOW", at)
        .env_remove("INDSATS_TARGET_SECRET")
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    ensure!(out.status.success(), "indsats {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    Ok(if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).context("JSON from indsats")? })
}

fn target_2030(goals: &Value) -> Option<f64> {
    goals
        .as_array()?
        .iter()
        .flat_map(|g| g["indicators"].as_array().cloned().unwrap_or_default())
        .find(|i| i["key"] == INDICATOR)?["targets"]
        .as_array()?
        .iter()
        .find(|t| t["year"] == 2030)?["value"]
        .as_f64()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_syncs_with_its_team_and_settles_a_lost_edit_from_the_inbox() -> Result<()> {
    let home = tempfile::tempdir()?;
    let files = tempfile::tempdir()?;
    let (lead, share) = (files.path().join("lead"), files.path().join("share"));
    std::fs::create_dir_all(&share)?;
    let (early, late) = (format!("{TODAY}T07:00:00Z"), format!("{TODAY}T10:00:00Z"));
    let share_text = share.display().to_string();

    // The lead's laptop (command line): a store and a team, with an invite for the app's laptop.
    cli(&lead, LEAD_PASSPHRASE, "admin", &early, &["init"])?;
    cli(
        &lead,
        LEAD_PASSPHRASE,
        "team_lead",
        &early,
        &["team", "create", "--name", "nord", "--device-name", "Mettes bærbare", "--escrow", ESCROW],
    )?;
    let invite = files.path().join("invite.json");
    cli(&lead, LEAD_PASSPHRASE, "team_lead", &early, &["team", "invite", "--out", &invite.display().to_string()])?;

    // The app's laptop: first run in the window, then it joins the team and gets its target.
    let app = App::launch(home.path()).await?;
    app.el("firstrun-passphrase").await?;
    app.first_run("Anna Testesen").await?;
    ensure!(!app.has("sync-line").await, "no sync line before the laptop is in a team");
    app.close().await?;
    let store = home.path().join("store");
    let request = files.path().join("request.json");
    // Anna is a team lead too (the roster says so once the lead adds her as she asks): only
    // leads set targets, so both laptops may.
    cli(
        &store,
        PASSPHRASE,
        "team_lead",
        &early,
        &["team", "join", &invite.display().to_string(), "--device-name", "Annas bærbare", "--out", &request.display().to_string()],
    )?;
    cli(&store, PASSPHRASE, "caseworker", &early, &["sync", "target", "folder", &share_text])?;
    // Offline on the app's laptop: next year's target set early in the morning.
    cli(&store, PASSPHRASE, "team_lead", &early, &["target", INDICATOR, "2030", "45"])?;

    // The lead adds the laptop, sets the same target later in the day, and syncs.
    cli(&lead, LEAD_PASSPHRASE, "team_lead", &late, &["team", "add", &request.display().to_string(), "--yes"])?;
    cli(&lead, LEAD_PASSPHRASE, "team_lead", &late, &["sync", "target", "folder", &share_text])?;
    cli(&lead, LEAD_PASSPHRASE, "team_lead", &late, &["target", INDICATOR, "2030", "40"])?;
    cli(&lead, LEAD_PASSPHRASE, "team_lead", &late, &["sync", "--once"])?;

    // The app: the header's sync line, "Sync now", and the conflict in the inbox.
    let app = App::launch(home.path()).await?;
    app.unlock(PASSPHRASE).await?;
    app.el("overview").await?;
    app.el("sync-line").await?;
    app.click("sync-now").await?;
    app.wait_text("sync-line", "Synkroniseret").await?;
    app.click("nav-sync").await?;
    app.el("sync-screen").await?;
    app.wait_text("sync-screen", "Mettes bærbare").await?;
    app.wait_text("sync-screen", &share_text).await?;
    let inbox = app.text("conflicts").await?;
    ensure!(inbox.contains("45") && inbox.contains("40"), "both values in the inbox: {inbox}");
    app.screenshot("sync-conflict").await?;
    let id = app
        .js(
            r#"const b = document.querySelector('button[data-testid^="conflict-mine-"]');
               return b ? b.getAttribute('data-testid').slice('conflict-mine-'.length) : null;"#,
            vec![],
        )
        .await?;
    let id = id.as_str().context("a keep-mine button")?.to_string();
    app.click(&format!("conflict-mine-{id}")).await?;
    if let Err(e) = app.wait_text("conflicts", "Ingen konflikter").await {
        let toast =
            app.text("toast").await.unwrap_or_default() + " | row: " + &app.text(&format!("conflict-{id}")).await.unwrap_or_default();
        app.screenshot("sync-keep-mine-failed").await?;
        return Err(e.context(format!("the status line says: {toast}")));
    }
    app.click("sync-now-screen").await?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    app.wait_text("sync-line", "Synkroniseret").await?;
    app.close().await?;

    // Kept mine on the app's laptop: after the lead's next sync it is the value there too.
    cli(&lead, LEAD_PASSPHRASE, "team_lead", &late, &["sync", "--once"])?;
    let goals = cli(&lead, LEAD_PASSPHRASE, "team_lead", &late, &["goals"])?;
    ensure!(target_2030(&goals) == Some(45.0), "the lead has the kept value: {:?}", target_2030(&goals));
    let status = cli(&lead, LEAD_PASSPHRASE, "team_lead", &late, &["conflicts"])?;
    ensure!(status.as_array().is_some_and(|a| a.is_empty()), "no conflict on the lead's laptop: {status}");
    Ok(())
}
