//! `indsats team`, `indsats sync` and `indsats conflicts`: the team, the target, syncing and the
//! conflicts inbox, through indsats-api.

use std::io::IsTerminal;
use std::time::Duration;

use zeroize::Zeroizing;

use indsats_api::core::Lang;
use indsats_api::core::model::{Code, Role};
use indsats_api::sync::{ConflictChoice, KeyringSecretStore, Secret, SecretStore, SyncError, TargetConfig, next_attempt};
use indsats_api::{ApiError, Session};

use crate::args::*;
use crate::files;
use crate::output::Out;

/// The environment variable that gives the target's password (for scripts and services): it
/// takes the place of the OS keystore.
pub const SECRET_ENV: &str = "INDSATS_TARGET_SECRET";

/// The target's password: from [`SECRET_ENV`] when set, otherwise the OS keystore.
struct CliSecrets {
    keyring: Result<KeyringSecretStore, SyncError>,
}

impl CliSecrets {
    fn new() -> CliSecrets {
        CliSecrets { keyring: KeyringSecretStore::platform("indsats") }
    }

    fn keyring(&self) -> Result<&KeyringSecretStore, SyncError> {
        self.keyring.as_ref().map_err(|e| SyncError::SecretStore { detail: e.to_string() })
    }
}

impl SecretStore for CliSecrets {
    fn get(&self, name: &str) -> Result<Option<Secret>, SyncError> {
        match std::env::var(SECRET_ENV) {
            Ok(v) if !v.is_empty() => Ok(Some(Secret::new(v))),
            _ => self.keyring()?.get(name),
        }
    }

    fn set(&self, name: &str, value: &Secret) -> Result<(), SyncError> {
        self.keyring()?.set(name, value)
    }

    fn delete(&self, name: &str) -> Result<(), SyncError> {
        match &self.keyring {
            Ok(k) => k.delete(name),
            // Nothing can have been saved where there is no keystore.
            Err(_) => Ok(()),
        }
    }
}

fn read_file(path: &std::path::Path) -> anyhow::Result<Vec<u8>> {
    Ok(files::read(path)?)
}

pub fn team(s: &mut Session, cmd: &TeamCmd, out: &Out) -> anyhow::Result<()> {
    match cmd {
        TeamCmd::Create { name, device_name, escrow } => out.team(&s.create_team(name, device_name, escrow)?),
        TeamCmd::Invite { out: path, note } => {
            if path.exists() {
                return Err(files::CliError::Exists(path.clone()).into());
            }
            let bytes = s.team_invite(note)?;
            files::write_new(path, &bytes)?;
            out.ok(
                &format!("Invitationen er gemt i {}. Giv den til den nye computer (USB-nøgle eller intern mail).", path.display()),
                &format!("The invite is saved in {}. Give it to the new computer (a USB stick or internal mail).", path.display()),
            );
        }
        TeamCmd::Join { invite, device_name, out: path } => {
            if path.exists() {
                return Err(files::CliError::Exists(path.clone()).into());
            }
            let request = s.join_team(&read_file(invite)?, device_name)?;
            files::write_new(path, &request)?;
            out.ok(
                &format!(
                    "Computeren er med i teamet, når teamlederen har tilføjet anmodningen i {}. Giv filen til teamlederen.",
                    path.display()
                ),
                &format!(
                    "This computer is in the team once the team lead has added the request in {}. Give the file to the team lead.",
                    path.display()
                ),
            );
        }
        TeamCmd::Add { request, as_user, as_role, yes } => {
            let bytes = read_file(request)?;
            let asked = s.read_join_request(&bytes)?;
            let role = as_role.as_deref().map(Role::parse).transpose().map_err(ApiError::from)?;
            if !*yes {
                out.join_request(&asked, as_user.as_deref(), role);
                return Err(files::CliError::Unconfirmed.into());
            }
            out.team(&s.team_add(&bytes, as_user.as_deref(), role)?)
        }
        TeamCmd::Role { device, new_role } => {
            let role = Role::parse(new_role).map_err(ApiError::from)?;
            out.team(&s.team_set_role(device, role)?)
        }
        TeamCmd::LeadTransfer { device } => out.team(&s.team_hand_over(device)?),
        TeamCmd::Recover { team, escrow_identity, device_name, yes } => {
            let identity = Zeroizing::new(String::from_utf8_lossy(&read_file(escrow_identity)?).into_owned());
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let view = runtime.block_on(s.team_recover(team, &identity, device_name, *yes, &CliSecrets::new()))?;
            out.team(&view);
            if !*yes {
                return Err(files::CliError::RecoverUnconfirmed.into());
            }
        }
        TeamCmd::EscrowServe { escrow_identity } => {
            let identity = Zeroizing::new(String::from_utf8_lossy(&read_file(escrow_identity)?).into_owned());
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let made = runtime.block_on(s.team_escrow_serve(&identity, &CliSecrets::new()))?;
            out.ok(
                &format!("{made} pakker er gjort læselige for de computere, der bad om dem. De får dem ved næste synkronisering."),
                &format!("{made} bundles were made readable for the computers that asked. They get them at their next sync."),
            );
        }
        TeamCmd::Remove { device } => out.team(&s.team_remove(device)?),
        TeamCmd::Show => match s.team()? {
            Some(t) => out.team(&t),
            None => return Err(ApiError::from(SyncError::NoTeam).into()),
        },
    }
    Ok(())
}

pub fn sync(mut s: Session, args: &SyncArgs, lang: Lang, out: &Out) -> anyhow::Result<()> {
    let secrets = CliSecrets::new();
    match &args.cmd {
        Some(SyncCmd::Status) => out.sync_status(&s.sync_status()?),
        Some(SyncCmd::Exports) => out.export_queue(&s.export_queue()?),
        Some(SyncCmd::Target(t)) => target(&mut s, t, lang, out, &secrets)?,
        None => {
            let mut handle = s.sync_handle()?;
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            loop {
                let target = handle.target(&secrets)?;
                let now = s.now();
                let result = runtime.block_on(handle.run(&target, now, lang));
                match (&result, args.once) {
                    (_, true) => {
                        out.sync_outcome(&result?);
                        return Ok(());
                    }
                    (Ok(r), false) => out.sync_outcome(r),
                    (Err(e), false) => out.warn(&e.message(lang)),
                }
                let wait = next_attempt(handle.failures()?, Duration::from_secs(args.interval.max(1)));
                std::thread::sleep(wait);
            }
        }
    }
    Ok(())
}

fn target(s: &mut Session, cmd: &TargetCmd, lang: Lang, out: &Out, secrets: &CliSecrets) -> anyhow::Result<()> {
    let config = match cmd {
        TargetCmd::Show => {
            out.sync_target(s.sync_target()?.as_ref());
            return Ok(());
        }
        TargetCmd::Remove => {
            s.set_sync_target(None, None, secrets)?;
            out.ok("Synkroniseringsstedet er fjernet.", "The sync target is removed.");
            return Ok(());
        }
        TargetCmd::Folder { path } => TargetConfig::Folder { path: path.clone() },
        TargetCmd::Webdav { endpoint, username } => TargetConfig::WebDav { endpoint: endpoint.clone(), username: username.clone() },
        TargetCmd::S3 { endpoint, bucket, region, access_key_id } => TargetConfig::S3 {
            endpoint: endpoint.clone(),
            bucket: bucket.clone(),
            region: region.clone(),
            access_key_id: access_key_id.clone(),
        },
    };
    config.validate().map_err(ApiError::from)?;
    // With the password in the environment nothing is saved: the environment gives it each
    // time. Otherwise it is asked for and kept in the OS keystore.
    let secret = match (config.secret_name(), std::env::var(SECRET_ENV)) {
        (None, _) => None,
        (Some(_), Ok(v)) if !v.is_empty() => None,
        (Some(_), _) => Some(ask_secret(lang)?),
    };
    s.set_sync_target(Some(config), secret.as_ref(), secrets)?;
    out.ok("Synkroniseringsstedet er gemt.", "The sync target is saved.");
    Ok(())
}

fn ask_secret(lang: Lang) -> anyhow::Result<Secret> {
    if !std::io::stdin().is_terminal() {
        anyhow::bail!(if lang == Lang::Da {
            format!("ingen adgangskode til synkroniseringsstedet: sæt {SECRET_ENV}, eller kør kommandoen i en terminal")
        } else {
            format!("no password for the sync target: set {SECRET_ENV}, or run the command in a terminal")
        });
    }
    let prompt = if lang == Lang::Da { "Adgangskode (S3: hemmelig nøgle): " } else { "Password (S3: secret key): " };
    Ok(Secret::new(rpassword::prompt_password(prompt)?))
}

pub fn conflicts(s: &mut Session, args: &ConflictsArgs, purpose: &str, out: &Out) -> anyhow::Result<()> {
    match &args.cmd {
        None => out.conflicts(&s.conflicts(!args.all, purpose)?),
        Some(ConflictsCmd::Resolve { id, keep, value }) => {
            let choice = match (keep.as_deref(), value) {
                (Some("mine"), None) => ConflictChoice::Mine,
                (Some("theirs"), None) => ConflictChoice::Theirs,
                (None, Some(v)) => {
                    serde_json::from_str::<serde_json::Value>(v).map_err(|e| {
                        ApiError::Invalid(indsats_api::core::ValidationError::UnknownCode {
                            field: "value",
                            value: format!("{v} ({e})"),
                            expected: "JSON, e.g. \"Ny titel\" or 12".into(),
                        })
                    })?;
                    ConflictChoice::Edited(v.clone())
                }
                _ => {
                    return Err(ApiError::Invalid(indsats_api::core::ValidationError::UnknownCode {
                        field: "keep",
                        value: keep.clone().unwrap_or_default(),
                        expected: "--keep mine, --keep theirs or --value JSON".into(),
                    })
                    .into());
                }
            };
            s.resolve_conflict(*id, choice)?;
            out.ok("Konflikten er afgjort.", "The conflict is settled.");
        }
    }
    Ok(())
}
