//! One sync: push this device's new changes as bundles, then pull and merge every other
//! device's new bundles, in chain order. Resumable at any point: what is pushed is recorded only
//! after the target has it (and a bundle re-sealed after a crash has the same name, so it is
//! never uploaded twice), and what is merged is recorded in the same transaction as the merge.
//!
//! The store is touched only between network calls, so a front end can hold it briefly: use
//! [`sync_once`], or the phases [`push`] and [`pull`].

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use indsats_core::model::Role;
use indsats_core::validate::Lang;
use indsats_store::{AccessReceipt, AuditEntry, Authority, CarriedChange, RemoteChange, Store};

use crate::SyncError;
use crate::access;
use crate::audience;
use crate::bundle::{self, Change, Next};
use crate::keys::DeviceKeys;
use crate::membership::{self, Membership};
use crate::outbox;
use crate::target::{PutOutcome, Target};
use crate::team::{Roster, RosterUpdate, accept_update};

/// Who syncs: this device, its keys, the roster it trusts, and the person at the keyboard (for
/// the audit log).
pub struct Me<'a> {
    pub device: &'a str,
    pub keys: &'a DeviceKeys,
    pub roster: &'a Roster,
    pub user: &'a str,
    pub role: &'a str,
}

/// The most changes in one bundle.
pub const BUNDLE_CHANGES: u32 = bundle::RECOMMENDED_MAX_CHANGES as u32;
/// The most bundles fetched from the target in one run (the rest come on the next).
pub const FETCH_PER_RUN: usize = 500;

/// What one sync did.
#[derive(Debug, Default)]
pub struct SyncReport {
    /// Names of the bundles pushed now.
    pub pushed: Vec<String>,
    pub pushed_changes: u64,
    /// Bundles merged now: (device, name, changes, of them applied, new conflicts).
    pub merged: Vec<Merged>,
    /// Bundles already merged before (replays, or listed again).
    pub skipped: usize,
    /// Bundles of other caseworkers' caseloads, passed without opening (they are not for this
    /// device).
    pub passed: usize,
    /// Devices whose next bundle is missing: (device, the first seq waited for).
    pub waiting: Vec<(String, u64)>,
    /// Bundles refused, and why: nothing of them was applied, nor anything after them.
    pub refused: Vec<(String, SyncError)>,
    /// The furthest another device's clock was ahead of ours, beyond the allowed drift.
    pub skew_ms: Option<u64>,
    /// The version of a newer roster taken from the target in this sync ([`sync_team`]).
    pub roster: Option<u64>,
    /// Bundles sealed before this device joined, asked of the lead now (see [`serve_requests`]).
    pub requested: usize,
    /// Such bundles the lead's device re-encrypted now for a device that asked.
    pub rekeyed: usize,
    /// Queued management exports put on the target now.
    pub exports: usize,
    /// This device's audit rows put on the target now, for the team leads and the escrow.
    pub access_pushed: u64,
    /// Other devices' audit rows taken into the team's access log now (a team lead's laptop).
    pub access_received: u64,
    /// Devices whose access log differs from the one this laptop holds (cut or altered after it
    /// arrived), with the first row concerned: shown until someone looks into it.
    pub access_problems: Vec<(String, i64)>,
}

impl SyncReport {
    pub fn conflicts(&self) -> u64 {
        self.merged.iter().map(|m| m.conflicts).sum()
    }
    pub fn merged_changes(&self) -> u64 {
        self.merged.iter().map(|m| m.changes).sum()
    }
}

/// One merged bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    pub device: String,
    pub name: String,
    pub changes: u64,
    pub applied: u64,
    pub conflicts: u64,
}

/// Where this device's pushed chain ends: (last seq, id of the last bundle; empty before any).
pub fn pushed(store: &Store) -> Result<(u64, String), SyncError> {
    let to = store.sync_state(outbox::PUSHED_TO)?.and_then(|v| v.parse().ok()).unwrap_or(0);
    let id = store.sync_state(outbox::PUSHED_ID)?.unwrap_or_default();
    Ok((to, id))
}

/// Pushes this device's changes made since the last push, as chained bundles. Each bundle is
/// recorded as pushed once the target has it. Returns (names pushed, changes).
pub async fn push(store: &mut Store, me: &Me<'_>, target: &Target) -> Result<(Vec<String>, u64), SyncError> {
    // A store restored from a backup may lack changes its device had already sent: it must not
    // send others under the same numbers (docs/operations.md, "Backup and restore").
    if store.sync_state(indsats_store::backup::RESTORED)?.is_some() {
        let (here, _) = pushed(store)?;
        let there = last_on_target(target, &me.roster.name, me.device).await?;
        if there > here {
            return Err(SyncError::RestoredBehind { device: me.device.to_string(), here, there });
        }
        store.set_sync_state(&[(indsats_store::backup::RESTORED, None)])?;
    }
    let mut names = Vec::new();
    let mut changes = 0;
    loop {
        let (after, prev) = pushed(store)?;
        let sealed = outbox::next_bundles(&store.read(), me.roster, me.device, me.keys, &prev, after, BUNDLE_CHANGES)?;
        if sealed.is_empty() {
            break;
        }
        for sealed in sealed {
            let name =
                bundle::parse_name(&sealed.name).ok_or_else(|| SyncError::Malformed { detail: format!("bundle name {}", sealed.name) })?;
            match target.put_new(&sealed.name, &sealed.bytes).await {
                Ok(PutOutcome::Written | PutOutcome::AlreadyExists) => {}
                // The same name holds the same signed content (the id is its hash): an earlier
                // attempt got it there and lost its answer. Age's randomness makes the bytes differ.
                Err(SyncError::TargetConflict { .. }) => {}
                Err(e) => return Err(e),
            }
            store.set_sync_state(&[(outbox::PUSHED_TO, Some(&name.to.to_string())), (outbox::PUSHED_ID, Some(&sealed.id))])?;
            changes += name.to - name.from + 1;
            names.push(sealed.name);
        }
    }
    Ok((names, changes))
}

/// Fetches and merges the other devices' new bundles, each device's in chain order. A bundle
/// that is refused (altered, from a device not on the roster, out of its chain) stops that
/// device's chain until a valid one is there; the others go on.
pub async fn pull(store: &mut Store, me: &Me<'_>, target: &Target, now: DateTime<Utc>) -> Result<SyncReport, SyncError> {
    let mut report = SyncReport::default();
    let prefix = format!("{}/bundles/", me.roster.name);
    let mut by_device: BTreeMap<String, Vec<bundle::BundleName>> = BTreeMap::new();
    for path in target.list(&prefix).await? {
        if let Some(n) = bundle::parse_name(&path)
            && n.team == me.roster.name
            && n.device != me.device
        {
            by_device.entry(n.device.clone()).or_default().push(n);
        }
    }
    // Whether this device reads a bundle: the team's, or a caseload its role lets it read.
    let ours = |n: &bundle::BundleName| {
        n.aud.is_none() || me.roster.device(me.device).is_some_and(|d| audience::reads(me.roster, d, n.aud.as_deref()))
    };
    let mut fetched = 0;
    for (device, mut names) in by_device {
        names.sort_by_key(|n| (n.from, n.to));
        let mut applied = store.peer(&device)?;
        for (i, n) in names.iter().enumerate() {
            let rest = &names[i + 1..];
            let applied_to = applied.as_ref().map_or(0, |(to, _)| *to);
            if n.to <= applied_to {
                report.skipped += 1;
                continue;
            }
            if n.from != applied_to + 1 {
                report.waiting.push((device.clone(), applied_to + 1));
                break;
            }
            if fetched == FETCH_PER_RUN {
                break;
            }
            fetched += 1;
            let path = n.path();
            let bytes = match target.get(&path).await {
                Ok(b) => b,
                Err(e @ SyncError::TooLarge { .. }) => {
                    report.refused.push((path, e));
                    break;
                }
                Err(e) => return Err(e),
            };
            if !ours(n) {
                // Another caseworker's caseload: pass it without opening, once its age header
                // shows it is indeed not for this device (a renamed file must not hide a bundle
                // meant for it: such a one is opened, and its signed header refuses the name).
                match bundle::addressed_to(&bytes, me.keys.identity()) {
                    Ok(false) => {
                        match store.pass(now, &device, &n.id, n.from, n.to) {
                            Ok(()) => {}
                            Err(e @ indsats_store::StoreError::OutOfOrder { .. }) => {
                                report.refused.push((path, e.into()));
                                break;
                            }
                            Err(e) => return Err(e.into()),
                        }
                        report.passed += 1;
                        applied = Some((n.to, n.id.clone()));
                        continue;
                    }
                    Ok(true) => {}
                    Err(e) => {
                        report.refused.push((path, e));
                        break;
                    }
                }
            }
            let opened = match bundle::open(&bytes, me.keys.identity(), me.roster) {
                Ok(b) => Ok(b),
                // Sealed before this device was on the roster: the lead's copy for it, if the
                // lead has made one; otherwise ask for it (and for the rest of the chain).
                Err(SyncError::NotForUs) => match target.get(&bundle::rekeyed_name(n, me.device)).await {
                    Ok(copy) => bundle::open(&copy, me.keys.identity(), me.roster),
                    Err(SyncError::TargetNotFound { .. }) => {
                        let rest: Vec<_> = rest.iter().filter(|r| ours(r)).cloned().collect();
                        report.requested += request_access(target, me.device, n, &rest).await?;
                        report.waiting.push((device.clone(), n.from));
                        break;
                    }
                    Err(e) => return Err(e),
                },
                Err(e) => Err(e),
            };
            let opened = match opened {
                Ok(b) => b,
                Err(e) => {
                    report.refused.push((path, e));
                    break;
                }
            };
            let h = &opened.header;
            if h.device != n.device || h.from != n.from || h.to != n.to || opened.id != n.id || h.aud != n.aud {
                report.refused.push((path, SyncError::Malformed { detail: "the name on the target and the signed header differ".into() }));
                break;
            }
            match bundle::check_next(applied.as_ref().map(|(to, id)| (*to, id.as_str())), h, &opened.id) {
                Next::Apply => {}
                Next::AlreadyApplied => {
                    report.skipped += 1;
                    continue;
                }
                Next::Gap { expected_from } => {
                    report.waiting.push((device.clone(), expected_from));
                    break;
                }
                Next::Fork => {
                    report.refused.push((
                        path,
                        SyncError::Malformed { detail: "it does not continue the chain of bundles already applied from its device".into() },
                    ));
                    break;
                }
            }
            // A handover's bundle carries the case's history made on other devices.
            let (carried, own): (Vec<Change>, Vec<Change>) = opened.changes.into_iter().partition(Change::is_carried);
            let changes: Vec<RemoteChange> = own.into_iter().map(remote).collect();
            let carried: Vec<CarriedChange> =
                carried.into_iter().map(|c| CarriedChange { device: c.d.clone().unwrap_or_default(), change: remote(c) }).collect();
            let audit = AuditEntry {
                user: me.user.to_string(),
                role: me.role.to_string(),
                action: "sync.merge".into(),
                subject: None,
                purpose: "synkronisering".into(),
                detail: format!("{device} {}–{} ({} ændringer, pakke {})", h.from, h.to, h.count, opened.id),
            };
            // What the roster lets the device write (docs/sync.md, "Write authority").
            let authority = match me.roster.author(&device) {
                Some((d, _)) if d.role.includes(Role::TeamLead) => Authority::Lead,
                Some((d, _)) => Authority::Member { user: d.user.clone() },
                None => {
                    report.refused.push((path, SyncError::UnknownDevice { device: device.clone() }));
                    break;
                }
            };
            match store.merge_carrying(now, &audit, &device, &opened.id, &changes, &carried, &authority) {
                Ok(r) => {
                    report.skew_ms = match (report.skew_ms, r.skew_ms) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        (a, b) => a.or(b),
                    };
                    report.merged.push(Merged {
                        device: device.clone(),
                        name: path,
                        changes: r.changes,
                        applied: r.applied,
                        conflicts: r.conflicts,
                    });
                    applied = Some((h.to, opened.id.clone()));
                }
                Err(
                    e @ (indsats_store::StoreError::BadChange { .. }
                    | indsats_store::StoreError::NotAuthorised { .. }
                    | indsats_store::StoreError::OutOfOrder { .. }),
                ) => {
                    report.refused.push((path, e.into()));
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    Ok(report)
}

/// Pushes, then pulls. The outcome (when, what is waiting or refused, or the error) is kept in
/// the store for the status line.
pub async fn sync_once(store: &mut Store, me: &Me<'_>, target: &Target, now: DateTime<Utc>) -> Result<SyncReport, SyncError> {
    let result = push_and_pull(store, me, target, now).await;
    record(store, now, &result)?;
    result
}

async fn push_and_pull(store: &mut Store, me: &Me<'_>, target: &Target, now: DateTime<Utc>) -> Result<SyncReport, SyncError> {
    let (pushed, pushed_changes) = push(store, me, target).await?;
    let mut report = pull(store, me, target, now).await?;
    report.pushed = pushed;
    report.pushed_changes = pushed_changes;
    pull_access(store, me, target, now, &mut report).await?;
    // Last, so that the rows of this sync's own merges and receipts go along.
    report.access_pushed = push_access(store, me, target).await?;
    if me.roster.lead == me.device {
        report.rekeyed = serve_requests(me, target).await?;
    }
    report.exports = push_exports(store, me, target, now).await?;
    Ok(report)
}

/// How far this device's audit rows are on the target (the last seq pushed).
pub const ACCESS_PUSHED_TO: &str = "access_pushed_to";

/// Pushes this device's audit rows written since the last push, as access bundles sealed to the
/// team leads' devices and the escrow (docs/sync.md, "The access log"). Returns the rows pushed.
pub async fn push_access(store: &mut Store, me: &Me<'_>, target: &Target) -> Result<u64, SyncError> {
    let recipients = access::recipients(me.roster)?;
    let mut rows = 0;
    loop {
        let after: i64 = store.sync_state(ACCESS_PUSHED_TO)?.and_then(|v| v.parse().ok()).unwrap_or(0);
        let (anchor, records) = store.read().audit_records_after(after, access::MAX_ROWS)?;
        if records.is_empty() {
            return Ok(rows);
        }
        let sealed = access::seal(&me.roster.name, me.device, &anchor, &records, me.keys, &recipients)?;
        match target.put_new(&sealed.name, &sealed.bytes).await {
            Ok(PutOutcome::Written | PutOutcome::AlreadyExists) | Err(SyncError::TargetConflict { .. }) => {}
            Err(e) => return Err(e),
        }
        store.set_sync_state(&[(ACCESS_PUSHED_TO, Some(&sealed.to.to_string()))])?;
        rows += records.len() as u64;
    }
}

/// On a team lead's laptop: takes the other devices' new access bundles into the team's access
/// log, each device's in order. A bundle that does not verify, or a device whose log differs
/// from the one held, stops that device only.
pub async fn pull_access(
    store: &mut Store,
    me: &Me<'_>,
    target: &Target,
    now: DateTime<Utc>,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    if !me.roster.device(me.device).is_some_and(|d| audience::reads_all(me.roster, d)) {
        return Ok(());
    }
    let mut by_device: BTreeMap<String, Vec<access::AccessName>> = BTreeMap::new();
    for path in target.list(&format!("{}/access/", me.roster.name)).await? {
        if let Some(n) = access::parse_name(&path)
            && n.team == me.roster.name
            && n.device != me.device
        {
            by_device.entry(n.device.clone()).or_default().push(n);
        }
    }
    for (device, mut names) in by_device {
        names.sort_by_key(|n| (n.from, n.to));
        for n in names {
            if let Some(c) = store.read().access_chain(&device)?
                && c.problem.is_some()
            {
                report.access_problems.push((device.clone(), c.problem_seq.unwrap_or(c.last_seq)));
                break;
            }
            // Each file once; one not seen before is read even when its rows seem held, so that
            // a rewritten log sent again is compared with the rows held.
            if store.read().access_bundle_seen(&device, &n.id)? {
                continue;
            }
            let path = n.path();
            let bytes = match target.get(&path).await {
                Ok(b) => b,
                Err(e @ SyncError::TooLarge { .. }) => {
                    report.refused.push((path, e));
                    break;
                }
                Err(e) => return Err(e),
            };
            let opened = match access::open(&bytes, me.keys.identity(), me.roster) {
                Ok(o) => o,
                // Sealed before this device led: its rows before then are the escrow's to read.
                Err(SyncError::NotForUs) => {
                    store.pass_access(&device, &n.id)?;
                    continue;
                }
                Err(e) => {
                    report.refused.push((path, e));
                    break;
                }
            };
            let h = &opened.header;
            if h.device != n.device || h.from != n.from || h.to != n.to || opened.id != n.id {
                report.refused.push((path, SyncError::Malformed { detail: "the name on the target and the signed header differ".into() }));
                break;
            }
            let audit = AuditEntry {
                user: me.user.to_string(),
                role: me.role.to_string(),
                action: "sync.access".into(),
                subject: None,
                purpose: "kontrol".into(),
                detail: format!("{device} {}–{} (pakke {})", h.from, h.to, opened.id),
            };
            match store.receive_access(now, &audit, &device, &opened.id, &opened.anchor, &opened.records)? {
                AccessReceipt::Added { rows } => report.access_received += rows,
                AccessReceipt::Gap { .. } => break,
                AccessReceipt::Problem { seq, .. } => {
                    report.access_problems.push((device.clone(), seq));
                    break;
                }
            }
        }
    }
    Ok(())
}

/// The path of a queued export on the target.
pub fn export_path(team: &str, name: &str) -> String {
    format!("{team}/exports/{name}.age")
}

/// Puts the queued management exports on the target, encrypted to the team and the escrow,
/// each once: a file is marked sent only once the target has it. A file the target refuses
/// for itself (a name it does not take, no permission) is marked failed with the reason and the
/// rest go on; a lost connection stops here and leaves the rest pending. Returns how many were
/// sent. Export names must say what the file is (period, format, data snapshot): one name, one
/// content.
pub async fn push_exports(store: &mut Store, me: &Me<'_>, target: &Target, now: DateTime<Utc>) -> Result<usize, SyncError> {
    let pending: Vec<_> = store.exports()?.into_iter().filter(|e| e.state == "pending").collect();
    if pending.is_empty() {
        return Ok(0);
    }
    let recipients = me.roster.recipients()?;
    let mut sent = 0;
    for e in pending {
        let sealed = bundle::encrypt_file(&store.export_bytes(e.id)?, &recipients)?;
        match target.put_new(&export_path(&me.roster.name, &e.name), &sealed).await {
            // The name carries the report's period, format and data snapshot, so a file already
            // under it is this report (an earlier attempt that lost its answer; age's randomness
            // makes the bytes differ).
            Ok(_) | Err(SyncError::TargetConflict { .. }) => {
                store.mark_export(e.id, Ok(()), now)?;
                sent += 1;
            }
            Err(err @ (SyncError::TargetPath { .. } | SyncError::TargetPermission { .. })) => {
                store.mark_export(e.id, Err(&err.message(Lang::Da)), now)?;
            }
            Err(err) => return Err(err),
        }
    }
    Ok(sent)
}

/// Asks the lead for `first` and the bundles after it, re-encrypted to this device: one empty
/// file per bundle under `{team}/requests/{device}/`. Returns how many were asked for now.
async fn request_access(
    target: &Target,
    device: &str,
    first: &bundle::BundleName,
    rest: &[bundle::BundleName],
) -> Result<usize, SyncError> {
    let mut asked = 0;
    for n in std::iter::once(first).chain(rest) {
        if let PutOutcome::Written = target.put_new(&bundle::request_name(n, device), b"").await? {
            asked += 1;
        }
    }
    Ok(asked)
}

/// On the lead's device: re-encrypts the bundles that devices on the roster have asked for
/// (they joined after those bundles were sealed) to the asking device and the escrow, under
/// `{team}/rekeyed/{device}/`. The signed inside is untouched, so the asking device verifies it
/// as usual. Devices not on the roster get nothing (their requests wait until they are), and a
/// device gets only what its role and caseload let it read (the audience in the bundle's signed
/// header). A request that has been answered, with a copy or with a refusal, is removed, so
/// the lead's syncs do not read it again. Returns how many copies were made now.
pub async fn serve_requests(me: &Me<'_>, target: &Target) -> Result<usize, SyncError> {
    serve_requests_with(me.keys.identity(), Some(me.device), me.roster, target).await
}

/// The same with IT's escrow identity, after a lost lead laptop was replaced (`team recover`):
/// what was sealed before the new lead joined is readable by the escrow only. The identity is
/// used for this call and kept nowhere.
pub async fn serve_requests_as_escrow(escrow: &age::x25519::Identity, roster: &Roster, target: &Target) -> Result<usize, SyncError> {
    serve_requests_with(escrow, None, roster, target).await
}

async fn serve_requests_with(
    identity: &age::x25519::Identity,
    me: Option<&str>,
    roster: &Roster,
    target: &Target,
) -> Result<usize, SyncError> {
    let escrow = crate::keys::parse_recipient(&roster.escrow)?;
    let mut made = 0;
    for path in target.list(&format!("{}/requests/", roster.name)).await? {
        let Some((asker, n)) = bundle::parse_request(&path) else { continue };
        let Some(device) = roster.device(&asker) else { continue };
        if n.team != roster.name || Some(asker.as_str()) == me {
            continue;
        }
        let copy = bundle::rekeyed_name(&n, &asker);
        if target.exists(&copy).await? {
            target.delete(&path).await?;
            continue;
        }
        let original = match target.get(&n.path()).await {
            Ok(b) => b,
            Err(SyncError::TargetNotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        match bundle::open(&original, identity, roster) {
            Ok(b) if audience::reads(roster, device, b.header.aud.as_deref()) => {}
            // Another caseload's: not for the asking device, now or later.
            Ok(_) => {
                target.delete(&path).await?;
                continue;
            }
            // Unreadable: the asking device is told when it reads the original.
            Err(_) => continue,
        }
        let bytes = match bundle::reencrypt(&original, identity, &[device.age_recipient()?, escrow.clone()]) {
            Ok(b) => b,
            // Damaged, or not readable by the lead either: the asking device will be told when
            // it reads the original.
            Err(SyncError::NotForUs | SyncError::Tampered | SyncError::Malformed { .. }) => continue,
            Err(e) => return Err(e),
        };
        match target.put_new(&copy, &bytes).await {
            Ok(_) | Err(SyncError::TargetConflict { .. }) => made += 1,
            Err(e) => return Err(e),
        }
        target.delete(&path).await?;
    }
    Ok(made)
}

/// One whole sync of this device with its team, as kept in the store ([`Membership`]): first
/// the roster (a newer one signed by the lead is taken from the target; the lead's device
/// publishes its own when the target's is older or missing), then push and pull. The outcome
/// is kept for the status line, as with [`sync_once`].
pub async fn sync_team(store: &mut Store, user: &str, role: &str, target: &Target, now: DateTime<Utc>) -> Result<SyncReport, SyncError> {
    let result = async {
        let mut m = Membership::load(store)?.ok_or(SyncError::NoTeam)?;
        let roster = refresh_roster(store, &mut m, target).await?;
        let device = store.device().to_string();
        if m.roster.device(&device).is_none() {
            return Err(SyncError::NotOnRoster { team: m.roster.name.clone() });
        }
        let me = Me { device: &device, keys: &m.keys, roster: &m.roster, user, role };
        let mut report = push_and_pull(store, &me, target, now).await?;
        report.roster = roster;
        Ok(report)
    }
    .await;
    record(store, now, &result)?;
    result
}

/// The last change of `device` on the target (the largest `to` among its bundles), 0 if none:
/// where a lost laptop's history ends when it is retired ([`Roster::recover`]).
pub async fn last_on_target(target: &Target, team: &str, device: &str) -> Result<u64, SyncError> {
    let mut last = 0;
    for path in target.list(&format!("{team}/bundles/{device}/")).await? {
        if let Some(n) = bundle::parse_name(&path)
            && n.team == team
            && n.device == device
        {
            last = last.max(n.to);
        }
    }
    Ok(last)
}

/// The roster's path on the target.
pub fn roster_path(team: &str) -> String {
    format!("{team}/team.json")
}

/// Takes a newer roster from the target, or (on the lead's device) publishes this one where the
/// target's is older or missing. Returns the version taken, if a newer one was.
async fn refresh_roster(store: &mut Store, m: &mut Membership, target: &Target) -> Result<Option<u64>, SyncError> {
    let path = roster_path(&m.roster.name);
    let theirs = match target.get(&path).await {
        Ok(bytes) => Some(Roster::from_json(&bytes)?),
        Err(SyncError::TargetNotFound { .. }) => None,
        Err(e) => return Err(e),
    };
    // A newer roster than the target's is published by the device that holds it: the lead's,
    // or the lead's before, right after it handed over (the roster is signed either way, and
    // every device checks it).
    let publishes = m.leads(store.device()) || m.roster.handovers.last().is_some_and(|h| h.from_key == m.keys.sign_key_base64());
    match theirs {
        Some(new) => match accept_update(&m.roster, &m.lead_key, &new) {
            Ok(RosterUpdate::Unchanged) => Ok(None),
            Ok(RosterUpdate::Changed { lead_key }) => {
                let key = crate::keys::encode_sign_key(&lead_key);
                store
                    .set_sync_state(&[(membership::ROSTER, Some(&membership::roster_value(&new)?)), (membership::LEAD_KEY, Some(&key))])?;
                let version = new.version;
                m.roster = new;
                m.lead_key = lead_key;
                Ok(Some(version))
            }
            Err(SyncError::RosterOlder { .. }) if publishes => {
                target.put_replace(&path, &m.roster.to_json()?).await?;
                Ok(None)
            }
            Err(e) => Err(e),
        },
        None if publishes => {
            target.put_replace(&path, &m.roster.to_json()?).await?;
            Ok(None)
        }
        None => Ok(None),
    }
}

/// Keeps the outcome of a sync for the status line.
fn record(store: &mut Store, now: DateTime<Utc>, result: &Result<SyncReport, SyncError>) -> Result<(), SyncError> {
    let at = now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    match result {
        Ok(r) => {
            let refused = r.refused.iter().map(|(name, e)| format!("{name}: {e}")).collect::<Vec<_>>().join("\n");
            store.set_sync_state(&[
                (outbox::LAST_SYNC, Some(&at)),
                (outbox::LAST_ERROR, None),
                (outbox::FAILURES, None),
                (outbox::REFUSED, (!refused.is_empty()).then_some(refused.as_str())),
            ])?;
        }
        Err(e) => {
            let failures = store.sync_state(outbox::FAILURES)?.and_then(|v| v.parse::<u32>().ok()).unwrap_or(0) + 1;
            let failures = failures.to_string();
            let flat = |m: String| m.replace(['\t', '\n'], " ");
            let error = format!("{}\t{}\t{}\t{}", e.code(), at, flat(e.message(Lang::Da)), flat(e.message(Lang::En)));
            store.set_sync_state(&[(outbox::LAST_ERROR, Some(&error)), (outbox::FAILURES, Some(&failures))])?;
        }
    }
    Ok(())
}

/// How long to wait before the next attempt after `failures` failed ones in a row: 30 s,
/// doubling, at most 30 minutes; `interval` when the last one succeeded.
pub fn next_attempt(failures: u32, interval: Duration) -> Duration {
    if failures == 0 {
        return interval;
    }
    let secs = 30u64.saturating_mul(1u64 << failures.saturating_sub(1).min(10));
    Duration::from_secs(secs.min(30 * 60))
}

fn remote(c: Change) -> RemoteChange {
    RemoteChange { seq: c.s, hlc: c.h, table: c.t, row_id: c.r, op: c.o.as_str().to_string(), field: c.f, value: c.v, base: c.b }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_from_half_a_minute_to_half_an_hour() {
        let interval = Duration::from_secs(300);
        let waits: Vec<u64> = (0..10).map(|f| next_attempt(f, interval).as_secs()).collect();
        assert_eq!(waits, [300, 30, 60, 120, 240, 480, 960, 1800, 1800, 1800]);
        assert_eq!(next_attempt(u32::MAX, interval).as_secs(), 1800);
    }
}
