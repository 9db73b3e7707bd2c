//! Team sync for the front ends (docs/sync.md): the team (create, invite, join, add, remove),
//! the target's settings, the status line, the conflicts inbox, and [`SyncHandle`], which runs
//! a sync on its own connection to the store so the session is not held during network I/O.
//!
//! The device's keys, the roster and the target's settings live in the encrypted store's sync
//! state; the target's password lives in the OS keystore ([`SecretStore`]). Every change of them
//! is one audited write.

use chrono::{DateTime, Utc};
use indsats_core::Lang;
use indsats_core::model::{Code, Role};
use indsats_store::{ConflictKind, ConflictRow, Resolution, Store};
use indsats_sync::engine::{self, SyncReport};
use indsats_sync::keys::{DeviceKeys, EscrowSigner};
use indsats_sync::membership::{self, Membership};
use indsats_sync::outbox;
pub use indsats_sync::target::{KeyringSecretStore, MemorySecretStore, Secret, SecretStore, Secrets, Target, TargetConfig};
use indsats_sync::team::{Device, Invite, JoinRequest, Roster};
pub use indsats_sync::{SyncError, engine::next_attempt};
use serde::Serialize;

use crate::error::Result;
use crate::session::{Session, User};

/// The page cache of a [`SyncHandle`]'s connection.
pub const SYNC_CACHE_MIB: u32 = 16;

/// One device on the team, as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamDevice {
    pub id: String,
    pub name: String,
    pub user: String,
    pub role: Role,
    pub lead: bool,
    /// This computer.
    pub me: bool,
}

/// The team this device is in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamView {
    pub name: String,
    pub version: u64,
    pub devices: Vec<TeamDevice>,
    /// This device's id (also what a join request names).
    pub me: String,
    /// Whether this device is on the roster yet (a device that has joined waits for the lead to
    /// add it).
    pub on_roster: bool,
    /// Whether this device leads the team (and so may invite and add).
    pub leads: bool,
    /// This device's key fingerprint: read it to the lead, who compares it with the request's.
    pub fingerprint: String,
}

/// A join request as the lead checks it before adding it: the computer, the person and role it
/// asks for, and its key's fingerprint (compare it with the one the joining computer shows).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JoinRequestView {
    pub id: String,
    pub name: String,
    pub user: String,
    pub role: Role,
    pub fingerprint: String,
}

/// What the header's sync status shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncStatusView {
    pub team: Option<String>,
    pub on_roster: bool,
    /// The target as a person reads it (folder or address), if one is set.
    pub target: Option<String>,
    /// This device's changes not yet on the target.
    pub pending: u64,
    pub last_sync: Option<String>,
    pub last_error: Option<SyncFailure>,
    /// Failed attempts in a row.
    pub failures: u32,
    /// Bundles refused at the last sync (name: why).
    pub refused: Vec<String>,
    /// Open conflicts in the inbox.
    pub conflicts: u64,
}

/// The last failed attempt: what to do, in Danish and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncFailure {
    pub code: String,
    pub at: String,
    pub da: String,
    pub en: String,
}

/// What one sync did, for the front ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncOutcome {
    pub pushed_bundles: usize,
    pub pushed_changes: u64,
    pub merged_bundles: usize,
    pub merged_changes: u64,
    pub conflicts: u64,
    pub skipped: usize,
    /// Bundles of other caseworkers' caseloads, passed unopened (not for this device's role).
    pub passed: usize,
    /// Devices whose next bundle has not arrived: (device, the first change waited for).
    pub waiting: Vec<(String, u64)>,
    /// Bundles refused: (name, code, message in the user's language).
    pub refused: Vec<(String, String, String)>,
    /// How far ahead another device's clock was, if beyond the allowed drift.
    pub skew_ms: Option<u64>,
    /// A newer roster taken from the target.
    pub roster: Option<u64>,
    /// Bundles sealed before this device joined, asked of the team lead now.
    pub requested: usize,
    /// Such bundles re-encrypted now for devices that asked (on the lead's device).
    pub rekeyed: usize,
    /// Queued management exports put on the target now.
    pub exports: usize,
    /// This computer's audit rows sent now, for the team leads and the escrow.
    pub access_pushed: u64,
    /// Other computers' audit rows taken into the team's access log now (a team lead's laptop).
    pub access_received: u64,
    /// Computers whose access log differs from the one held here (cut or changed after it
    /// arrived): (device, the first entry concerned, what to do in the user's language).
    pub access_problems: Vec<(String, i64, String)>,
}

/// What the lead's laptop says about a computer whose access log was cut or changed.
pub fn access_problem_message(device: &str, seq: i64, lang: Lang) -> String {
    match lang {
        Lang::Da => format!(
            "Logningen fra computeren {device} afviger fra den modtagne fra post {seq}: den er skåret af eller ændret på computeren. De modtagne poster er bevaret; kontakt IT."
        ),
        Lang::En => format!(
            "The access log from the computer {device} differs from the one received, from entry {seq}: it was cut or changed on that computer. The entries received are kept; contact IT."
        ),
    }
}

impl SyncOutcome {
    fn new(r: &SyncReport, lang: Lang) -> SyncOutcome {
        SyncOutcome {
            pushed_bundles: r.pushed.len(),
            pushed_changes: r.pushed_changes,
            merged_bundles: r.merged.len(),
            merged_changes: r.merged_changes(),
            conflicts: r.conflicts(),
            skipped: r.skipped,
            passed: r.passed,
            waiting: r.waiting.clone(),
            refused: r.refused.iter().map(|(n, e)| (n.clone(), e.code().to_string(), e.message(lang))).collect(),
            skew_ms: r.skew_ms,
            roster: r.roster,
            requested: r.requested,
            rekeyed: r.rekeyed,
            exports: r.exports,
            access_pushed: r.access_pushed,
            access_received: r.access_received,
            access_problems: r.access_problems.iter().map(|(d, seq)| (d.clone(), *seq, access_problem_message(d, *seq, lang))).collect(),
        }
    }
}

/// One entry of the conflicts inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictView {
    pub id: i64,
    /// `field`, `deleted` or `duplicate_cpr`.
    pub kind: String,
    pub table: String,
    pub row_id: String,
    pub field: Option<String>,
    /// What the row is, for a person: an initiative's title, a participant's pseudonym.
    pub about: String,
    /// Our value (JSON text); for a deleted row, the row as it was.
    pub mine: Option<String>,
    pub mine_at: DateTime<Utc>,
    /// The value that won (JSON text); `None` when the row was deleted.
    pub theirs: Option<String>,
    pub theirs_at: DateTime<Utc>,
    pub theirs_device: String,
    /// Who made the winning change: the device's name and user, from the roster.
    pub theirs_who: String,
    pub found_at: String,
    pub resolved_at: Option<String>,
    pub resolution: Option<String>,
}

/// How a person settles a conflict.
pub use indsats_store::Resolution as ConflictChoice;

impl Session {
    /// The team this device is in, if any.
    pub fn team(&self) -> Result<Option<TeamView>> {
        Ok(Membership::load(&self.store)?.map(|m| team_view(&m, self.store.device())))
    }

    fn membership(&self) -> Result<Membership> {
        Ok(Membership::load(&self.store)?.ok_or(SyncError::NoTeam)?)
    }

    fn lead_membership(&self) -> Result<Membership> {
        self.require(&[Role::TeamLead], "change the team")?;
        let m = self.membership()?;
        if !m.leads(self.store.device()) {
            return Err(SyncError::NotLead.into());
        }
        Ok(m)
    }

    fn save_membership(&mut self, action: &str, detail: String, m: &Membership) -> Result<()> {
        let encoded = m.encode()?;
        self.audited(action, None, "synkronisering", detail, |tx| tx.set_sync_state(&encoded.pairs()))
    }

    /// Creates a team led by this device: new keys, a roster with this device on it, signed.
    /// `escrow` is the `age1…` recipient IT holds the identity of (every bundle is encrypted to
    /// it too, so IT can recover the team's data).
    pub fn create_team(&mut self, name: &str, device_name: &str, escrow: &str) -> Result<TeamView> {
        self.require(&[Role::TeamLead], "create a team")?;
        if let Some(m) = Membership::load(&self.store)? {
            return Err(SyncError::AlreadyInTeam { team: m.roster.name }.into());
        }
        let device_name = indsats_core::validate::required_text("device_name", device_name, 64)?;
        let escrow = escrow.trim();
        if indsats_sync::keys::parse_recipient(escrow).is_err() {
            return Err(SyncError::BadEscrow { value: escrow.to_string() }.into());
        }
        let keys = DeviceKeys::generate(&mut self.rng);
        let me = Device::new(self.store.device(), device_name, self.user.name.clone(), self.user.role, &keys);
        let mut roster = Roster::new(name.trim(), me, escrow)?;
        roster.sign(&keys)?;
        let m = Membership { lead_key: keys.verifying_key(), keys, roster };
        self.save_membership("team.create", m.roster.name.clone(), &m)?;
        Ok(team_view(&m, self.store.device()))
    }

    /// The invite file for a new device: the signed roster (which carries the lead's key) and a
    /// note. Only the lead's device writes one.
    pub fn team_invite(&mut self, note: &str) -> Result<Vec<u8>> {
        let m = self.lead_membership()?;
        let bytes = Invite::new(m.roster.clone(), note.trim())?.to_json()?;
        self.audited("team.invite", None, "synkronisering", m.roster.name.clone(), |_| Ok(()))?;
        Ok(bytes)
    }

    /// Joins the team of an invite: this device trusts the lead key in it, gets new keys, and
    /// returns its join request file for the lead to add.
    pub fn join_team(&mut self, invite: &[u8], device_name: &str) -> Result<Vec<u8>> {
        if let Some(m) = Membership::load(&self.store)? {
            return Err(SyncError::AlreadyInTeam { team: m.roster.name }.into());
        }
        let device_name = indsats_core::validate::required_text("device_name", device_name, 64)?;
        let (roster, lead_key) = Invite::from_json(invite)?.trust()?;
        let keys = DeviceKeys::generate(&mut self.rng);
        let request = JoinRequest::new(self.store.device(), device_name, self.user.name.clone(), self.user.role, &keys).to_json()?;
        let m = Membership { keys, roster, lead_key };
        self.save_membership("team.join", m.roster.name.clone(), &m)?;
        Ok(request)
    }

    /// This device's join request again (the file was lost before it reached the lead).
    pub fn join_request(&self, device_name: &str) -> Result<Vec<u8>> {
        let m = self.membership()?;
        Ok(JoinRequest::new(self.store.device(), device_name, self.user.name.clone(), self.user.role, &m.keys).to_json()?)
    }

    /// What a join request asks for, for the lead to check before [`Session::team_add`].
    pub fn read_join_request(&self, request: &[u8]) -> Result<JoinRequestView> {
        self.lead_membership()?;
        let req = JoinRequest::from_json(request)?;
        Ok(JoinRequestView { fingerprint: req.fingerprint()?, id: req.id, name: req.name, user: req.user, role: req.role })
    }

    /// Adds the device of a join request to the roster and signs it; the next sync publishes it.
    /// The request's user and role are only what the person asked for: the lead confirms them or
    /// sets others (`user`, `role`), and the roster says what is granted from then on.
    pub fn team_add(&mut self, request: &[u8], user: Option<&str>, role: Option<Role>) -> Result<TeamView> {
        let mut m = self.lead_membership()?;
        let mut req = JoinRequest::from_json(request)?;
        if let Some(u) = user {
            req.user = indsats_core::validate::required_text("user", u, 64)?;
        }
        if let Some(r) = role {
            req.role = r;
        }
        let fingerprint = req.fingerprint()?;
        m.roster.add_device(&req)?;
        m.roster.sign(&m.keys)?;
        self.save_membership("team.add", format!("{} ({}, {}, {fingerprint})", req.id, req.user, req.role.code()), &m)?;
        Ok(team_view(&m, self.store.device()))
    }

    /// Changes the role of a device on the roster (the lead's computer); the next sync publishes
    /// it, and each computer acts with its new role from its next unlock or sync.
    pub fn team_set_role(&mut self, device: &str, role: Role) -> Result<TeamView> {
        let mut m = self.lead_membership()?;
        let before = m.roster.device(device).map(|d| d.role);
        let changed = m.roster.set_role(device, role)?;
        m.roster.sign(&m.keys)?;
        let detail = format!("{} ({}): {} -> {}", changed.id, changed.user, before.map(|r| r.code()).unwrap_or("?"), role.code());
        self.save_membership("team.role", detail, &m)?;
        self.refresh_identity()?;
        Ok(team_view(&m, self.store.device()))
    }

    /// Hands the lead role to another computer on the roster (`team lead-transfer`): the roster
    /// names it lead, signed by this computer, and the next sync publishes it; every computer
    /// follows the handover, and the new lead's computer signs the team's changes from then on.
    /// This computer keeps its entry and role (the new lead may change it) but no longer
    /// changes the team.
    pub fn team_hand_over(&mut self, device: &str) -> Result<TeamView> {
        let mut m = self.lead_membership()?;
        let to = m.roster.hand_over(device.trim(), &m.keys)?;
        m.lead_key = to.verifying_key()?;
        self.save_membership("team.lead_transfer", format!("{} ({})", to.id, to.user), &m)?;
        Ok(team_view(&m, self.store.device()))
    }

    /// Replaces the team's lost lead laptop with this computer, with IT's escrow identity (the
    /// text of its identity file): reads the team's roster from the target set here, retires the
    /// lost lead after its last change on the target, and names this computer lead, signed by
    /// the escrow (docs/sync.md, "A lost lead laptop"). With `confirm` false it only shows the
    /// team that would result and changes nothing: check its computers first, as anyone who can
    /// write to the target could have put a roster there. The next sync publishes it; then
    /// [`Session::team_escrow_serve`] lets this computer read the team's earlier bundles.
    pub async fn team_recover(
        &mut self,
        team: &str,
        escrow_identity: &str,
        device_name: &str,
        confirm: bool,
        secrets: &dyn SecretStore,
    ) -> Result<TeamView> {
        self.require(&[Role::TeamLead], "replace the team lead's computer")?;
        if let Some(m) = Membership::load(&self.store)? {
            return Err(SyncError::AlreadyInTeam { team: m.roster.name }.into());
        }
        let device_name = indsats_core::validate::required_text("device_name", device_name, 64)?;
        let escrow = EscrowSigner::from_identity_file(escrow_identity)?;
        let target = configured_target(&self.store, secrets)?;
        let mut roster = Roster::from_json(&target.get(&engine::roster_path(team.trim())).await?)?;
        roster.verify_self()?;
        let lost_last = engine::last_on_target(&target, &roster.name, &roster.lead).await?;
        let keys = DeviceKeys::generate(&mut self.rng);
        let me = Device::new(self.store.device(), device_name, self.user.name.clone(), self.user.role, &keys);
        let lost = roster.recover(me, &escrow, lost_last)?;
        let m = Membership { lead_key: keys.verifying_key(), keys, roster };
        if confirm {
            self.save_membership("team.recover", format!("{} ({}) erstattet efter ændring {lost_last}", lost.id, lost.user), &m)?;
        }
        Ok(team_view(&m, self.store.device()))
    }

    /// After [`Session::team_recover`], on the new lead's computer: re-encrypts, with IT's
    /// escrow identity, the earlier bundles that this team's computers have asked for (a sync
    /// asks for what it cannot read) to each asking computer. The identity is used for this
    /// call and kept nowhere. Returns the copies made.
    pub async fn team_escrow_serve(&mut self, escrow_identity: &str, secrets: &dyn SecretStore) -> Result<usize> {
        let m = self.lead_membership()?;
        let identity = indsats_sync::keys::identity_from_file(escrow_identity)?;
        if identity.to_public().to_string() != m.roster.escrow {
            return Err(SyncError::NotTheEscrow.into());
        }
        let target = configured_target(&self.store, secrets)?;
        let made = engine::serve_requests_as_escrow(&identity, &m.roster, &target).await?;
        self.audited("team.escrow_serve", None, "synkronisering", format!("{made} kopier"), |_| Ok(()))?;
        Ok(made)
    }

    /// Takes a device off the roster (a lost or replaced laptop); the next sync publishes it.
    /// Its bundles already applied stay; new ones are refused.
    pub fn team_remove(&mut self, device: &str) -> Result<TeamView> {
        let mut m = self.lead_membership()?;
        let removed = m.roster.remove_device(device)?;
        m.roster.sign(&m.keys)?;
        self.save_membership("team.remove", format!("{} ({})", removed.id, removed.user), &m)?;
        Ok(team_view(&m, self.store.device()))
    }

    /// The target's settings, if set.
    pub fn sync_target(&self) -> Result<Option<TargetConfig>> {
        Ok(membership::target(&self.store)?)
    }

    /// Sets (or, with `None`, removes) the target. Its password, if it has one, goes to the OS
    /// keystore, never into a file; removing a target forgets its password.
    pub fn set_sync_target(&mut self, config: Option<TargetConfig>, secret: Option<&Secret>, secrets: &dyn SecretStore) -> Result<()> {
        let old = self.sync_target()?;
        match &config {
            Some(c) => {
                c.validate()?;
                if c.secret_name().is_some() {
                    match secret {
                        Some(s) => c.save_secret(secrets, s)?,
                        None if Secrets::load(secrets, c)?.password().is_none() => {
                            return Err(SyncError::TargetSecretMissing { target: c.describe() }.into());
                        }
                        None => {}
                    }
                }
                let value = membership::target_value(c)?;
                self.audited("sync.target", None, "synkronisering", c.describe(), |tx| {
                    tx.set_sync_state(&[(membership::TARGET, Some(&value))])
                })?;
            }
            None => {
                self.audited("sync.target", None, "synkronisering", String::new(), |tx| tx.set_sync_state(&[(membership::TARGET, None)]))?;
            }
        }
        if let Some(old) = old
            && Some(&old) != config.as_ref()
            && old.secret_name() != config.as_ref().and_then(TargetConfig::secret_name)
        {
            old.forget_secret(secrets)?;
        }
        Ok(())
    }

    /// The header's sync status.
    pub fn sync_status(&self) -> Result<SyncStatusView> {
        let m = Membership::load(&self.store)?;
        let s = outbox::status(&self.store)?;
        let open = self.store.conflicts(true)?.len() as u64;
        Ok(SyncStatusView {
            team: m.as_ref().map(|m| m.roster.name.clone()),
            on_roster: m.as_ref().is_some_and(|m| m.roster.device(self.store.device()).is_some()),
            target: self.sync_target()?.map(|t| t.describe()),
            pending: s.pending,
            last_sync: s.last_sync,
            last_error: s.last_error.map(|f| SyncFailure { code: f.code, at: f.at, da: f.da, en: f.en }),
            failures: s.failures,
            refused: s.refused,
            conflicts: open,
        })
    }

    /// The conflicts inbox (open ones, or all), newest last. Reading it shows the values of
    /// people's records, so it is audited with its purpose.
    pub fn conflicts(&mut self, open_only: bool, purpose: &str) -> Result<Vec<ConflictView>> {
        let rows = self.store.conflicts(open_only)?;
        let roster = Membership::load(&self.store)?.map(|m| m.roster);
        let views = rows.into_iter().map(|c| self.conflict_view(c, roster.as_ref())).collect::<Result<Vec<_>>>()?;
        self.audited("sync.conflicts", None, purpose, format!("{} konflikter", views.len()), |_| Ok(()))?;
        Ok(views)
    }

    fn conflict_view(&self, c: ConflictRow, roster: Option<&Roster>) -> Result<ConflictView> {
        let read = self.store.read();
        let pseudonym = |id: indsats_core::ids::ParticipantId| read.participant(id).ok().map(|p| p.pseudonym);
        // Composite ids are `first:second` (an indicator and a year or period, an initiative and a goal).
        let (first, second) = c.row_id.split_once(':').unwrap_or((c.row_id.as_str(), ""));
        let about = match c.table.as_str() {
            "initiative" => c.row_id.parse().ok().and_then(|id| read.initiative(id).ok()).map(|i| i.title),
            "participant" => c.row_id.parse().ok().and_then(pseudonym),
            "enrolment" => c.row_id.parse().ok().and_then(|id| read.enrolment(id).ok()).and_then(|e| pseudonym(e.participant)),
            "progress_event" => c.row_id.parse().ok().and_then(|id| read.event(id).ok()).and_then(|e| pseudonym(e.participant)),
            "indicator_target" | "manual_value" => read.indicator(first).ok().map(|i| format!("{} {second}", i.name)),
            "initiative_goal" => first.parse().ok().and_then(|id| read.initiative(id).ok()).map(|i| i.title),
            _ => None,
        }
        .unwrap_or_else(|| c.row_id.clone());
        let theirs_who = roster
            .and_then(|r| r.device(&c.theirs_device))
            .map(|d| format!("{} ({})", d.name, d.user))
            .unwrap_or_else(|| c.theirs_device.clone());
        Ok(ConflictView {
            id: c.id,
            kind: match c.kind {
                ConflictKind::Field => "field",
                ConflictKind::Deleted => "deleted",
                ConflictKind::DuplicateCpr => "duplicate_cpr",
            }
            .to_string(),
            table: c.table,
            row_id: c.row_id,
            field: c.field,
            about,
            mine: c.mine,
            mine_at: c.mine_at,
            theirs: c.theirs,
            theirs_at: c.theirs_at,
            theirs_device: c.theirs_device,
            theirs_who,
            found_at: c.found_at,
            resolved_at: c.resolved_at,
            resolution: c.resolution,
        })
    }

    /// Settles a conflict: keep mine, keep theirs, or an edited value (JSON text). Keeping mine
    /// or editing is a new edit, made after the winning one, so it wins on every laptop.
    pub fn resolve_conflict(&mut self, id: i64, choice: ConflictChoice) -> Result<()> {
        let new_id = self.new_id(indsats_core::ids::ParticipantId::new).to_string();
        let how = match &choice {
            Resolution::Mine => "mine",
            Resolution::Theirs => "theirs",
            Resolution::Edited(_) => "edited",
        };
        self.audited("sync.resolve", Some(id.to_string()), "synkronisering", how.to_string(), |tx| {
            tx.resolve_conflict(id, &choice, &new_id).map(|_| ())
        })
    }

    /// Queues a management summary's files for the team's target, where they go at the next
    /// sync (encrypted to the team and IT's escrow). They are put under a folder named by the
    /// summary's period and data snapshot, so the same report queued twice goes once. Team leads
    /// and administrators, in a team.
    pub fn queue_export(&mut self, summary: &crate::Summary, files: &[(String, Vec<u8>)]) -> Result<Vec<String>> {
        self.require(&[Role::TeamLead, Role::Admin], "make management summaries")?;
        self.membership()?;
        let snapshot: String = summary.provenance.snapshot.chars().filter(char::is_ascii_alphanumeric).take(12).collect();
        let folder = format!("{}-{snapshot}", summary.period);
        let mut names = Vec::new();
        for (file, _) in files {
            let name = format!("{folder}/{file}");
            if !name.split('/').all(indsats_sync::team::is_segment) {
                return Err(SyncError::TargetPath { path: name }.into());
            }
            names.push(name);
        }
        let detail = names.join(", ");
        let queued = names.clone();
        self.audited("export.queue", None, "ledelsesinformation", detail, |tx| {
            for (name, (_, bytes)) in queued.iter().zip(files) {
                tx.queue_export(name, bytes)?;
            }
            Ok(())
        })?;
        Ok(names)
    }

    /// The management exports queued for the target, with what became of each.
    pub fn export_queue(&self) -> Result<Vec<indsats_store::QueuedExport>> {
        Ok(self.store.exports()?)
    }

    /// A handle that syncs on its own connection to this store, as this user.
    pub fn sync_handle(&self) -> Result<SyncHandle> {
        let store = self.store.reopen()?;
        // Sync reads and writes in runs: a small page cache is enough, and keeps the second
        // connection from doubling the app's memory.
        store.set_cache_mib(SYNC_CACHE_MIB)?;
        Ok(SyncHandle { store, user: self.user.clone() })
    }
}

/// Runs syncs beside a session: its own connection to the store, so the session (and the
/// window) is not held while the network is slow. SQLite serialises the two connections' writes.
pub struct SyncHandle {
    store: Store,
    user: User,
}

/// The target set in `store`, opened with its password.
fn configured_target(store: &Store, secrets: &dyn SecretStore) -> Result<Target> {
    let config = membership::target(store)?.ok_or(SyncError::NoTarget)?;
    let loaded = Secrets::load(secrets, &config)?;
    Ok(Target::open(&config, &loaded)?)
}

impl SyncHandle {
    /// The target's settings and its password, or why a sync cannot start.
    pub fn target(&self, secrets: &dyn SecretStore) -> Result<Target> {
        if Membership::load(&self.store)?.is_none() {
            return Err(SyncError::NoTeam.into());
        }
        configured_target(&self.store, secrets)
    }

    /// One sync: the roster, then push and pull. Its outcome is kept for the status line.
    pub async fn run(&mut self, target: &Target, now: DateTime<Utc>, lang: Lang) -> Result<SyncOutcome> {
        let report = engine::sync_team(&mut self.store, &self.user.name, self.user.role.code(), target, now).await?;
        Ok(SyncOutcome::new(&report, lang))
    }

    /// Failed attempts in a row, for the backoff ([`next_attempt`]).
    pub fn failures(&self) -> Result<u32> {
        Ok(outbox::status(&self.store)?.failures)
    }

    /// Whether a team and a target are set (whether the timer has anything to do).
    pub fn ready(&self) -> Result<bool> {
        Ok(Membership::load(&self.store)?.is_some() && membership::target(&self.store)?.is_some())
    }
}

fn team_view(m: &Membership, me: &str) -> TeamView {
    TeamView {
        name: m.roster.name.clone(),
        version: m.roster.version,
        devices: m
            .roster
            .devices
            .iter()
            .map(|d| TeamDevice {
                id: d.id.clone(),
                name: d.name.clone(),
                user: d.user.clone(),
                role: d.role,
                lead: d.id == m.roster.lead,
                me: d.id == me,
            })
            .collect(),
        me: me.to_string(),
        on_roster: m.roster.device(me).is_some(),
        leads: m.leads(me),
        fingerprint: indsats_sync::keys::fingerprint(&m.keys.verifying_key()),
    }
}
