//! The store's key in the OS keystore, in the real app with a real Secret Service (GNOME Keyring
//! on a private D-Bus session): the first run shows the recovery code once, "lock" and one
//! button unlock, and after a restart the recovery code, typed loosely, unlocks too.

use anyhow::{Result, ensure};
use indsats_e2e::*;

#[tokio::test(flavor = "multi_thread")]
async fn the_key_in_the_keystore_unlocks_with_one_button_and_the_recovery_code_unlocks_too() -> Result<()> {
    let home = tempfile::tempdir()?;
    let keys = tempfile::tempdir()?;
    let keyring = Keyring::start(keys.path())?;
    let env = [("DBUS_SESSION_BUS_ADDRESS", keyring.address.as_str())];

    let app = App::launch_with(home.path(), &env).await?;
    app.click("firstrun-method-keystore").await?;
    ensure!(!app.has("firstrun-passphrase").await, "no passphrase to choose with the keystore");
    app.fill("firstrun-user", "Mette Testesen").await?;
    app.select("firstrun-role", "team_lead").await?;
    app.click("firstrun-create").await?;
    let code = app.wait_text("recovery-code", "-").await?;
    ensure!(code.len() == 29 && code.matches('-').count() == 5, "a code of six groups: {code}");
    let problems = app.axe().await?;
    ensure!(problems.is_empty(), "the recovery code screen: {problems:?}");
    app.screenshot("keystore-recovery-code").await?;
    ensure!(!app.has("overview").await, "not in the app before the code is written down");
    app.click("recovery-saved").await?;
    app.click("recovery-continue").await?;
    app.el("overview").await?;

    // Locked: one button opens it again.
    app.click("lock").await?;
    app.click("unlock-keystore").await?;
    app.el("overview").await?;
    app.close().await?;

    // A new start: the recovery code, in lower case with spaces, opens it as well.
    let app = App::launch_with(home.path(), &env).await?;
    app.el("unlock-keystore").await?;
    let problems = app.axe().await?;
    ensure!(problems.is_empty(), "the unlock screen with the keystore: {problems:?}");
    app.unlock(&code.to_lowercase().replace('-', " ")).await?;
    app.el("overview").await?;
    app.screenshot("keystore-unlocked-with-code").await?;
    app.close().await?;

    // The keystore's copy of the key gone (a new user account): the message says what to do.
    drop(keyring);
    let keyring = Keyring::start(&keys.path().join("new-account"))?;
    let app = App::launch_with(home.path(), &[("DBUS_SESSION_BUS_ADDRESS", keyring.address.as_str())]).await?;
    app.click("unlock-keystore").await?;
    let msg = app.wait_text("unlock-error", "gendannelseskoden").await?;
    ensure!(msg.contains("gendannelseskoden"), "{msg}");
    app.unlock(&code).await?;
    app.el("overview").await?;
    app.close().await?;
    Ok(())
}
