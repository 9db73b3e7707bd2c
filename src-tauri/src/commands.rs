//! The `#[tauri::command]`s: each translates DTOs, calls indsats-api and translates back. No SQL
//! and no rules live here; the rules are indsats-api's, and so are its audit rows.
//!
//! Every command runs off the window's thread (`spawn_blocking`), so that a long read never
//! freezes the window, and reports failure as a [`UiError`] in the user's language.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDate;
use indsats_api::core::ids::{EnrolmentId, EventId, InitiativeId, NoteId, ParticipantId};
use indsats_api::core::model::Role;
use indsats_api::core::validate::{self, Lang};
use indsats_api::demo::DemoOptions;
use indsats_api::sync::{Secret, SecretStore};
use indsats_api::{Ask, AskRole, KdfParams, Period, Session, Source, StrategySource, SystemClock, User};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager};

use crate::dto::*;
use crate::error::{DesktopError, Result};
use crate::state::{App, DEMO_PASSPHRASE, Open};

type UiResult<T> = std::result::Result<T, UiError>;

/// Runs `f` on a blocking thread with the app's state, and turns its error into a [`UiError`].
async fn run<T: Send + 'static>(h: AppHandle, f: impl FnOnce(&App) -> Result<T> + Send + 'static) -> UiResult<T> {
    tauri::async_runtime::spawn_blocking(move || {
        let app = h.state::<App>();
        f(&app).map_err(|e| {
            // The code only: an error's text can hold what a person typed (a CPR number, a name).
            log::warn!("{}", e.code());
            e.to_ui(app.lang())
        })
    })
    .await
    .map_err(|e| DesktopError::Internal(e.to_string()).to_ui(Lang::Da))?
}

/// Runs `f` with the unlocked session; refused with "locked" when there is none.
async fn with_session<T: Send + 'static>(h: AppHandle, f: impl FnOnce(&mut Session, Lang) -> Result<T> + Send + 'static) -> UiResult<T> {
    run(h, move |app| {
        let lang = app.lang();
        let mut open = app.session();
        let open = open.as_mut().ok_or(DesktopError::Locked)?;
        f(&mut open.session, lang)
    })
    .await
}

/// The app's clock: the system's (a test build may pin it: indsats_api::switches). A value the
/// test build cannot read falls back to the system clock here; the CLI refuses it.
fn clock() -> Box<dyn indsats_api::Clock> {
    indsats_api::switches::clock().unwrap_or_else(|_| Box::new(SystemClock))
}

/// The key derivation for a new passphrase (a test build may weaken it: indsats_api::switches).
fn kdf() -> KdfParams {
    indsats_api::switches::kdf(KdfParams::INTERACTIVE)
}

/// What the settings ask for on the store `mode` opens: in the demo, the person and role chosen
/// there; on the municipality's store, the store's own person, with at most the role kept in the
/// settings (indsats-api decides what is granted).
fn ask_of(s: &Settings, mode: Mode) -> Result<Ask> {
    Ok(match mode {
        Mode::Demo => Ask::from(User::new(&s.user, s.role)?),
        _ => Ask { user: None, role: AskRole::AtMost(s.role) },
    })
}

/// After an unlock: the settings name the person the store grants (the window shows who acts).
fn remember_who(app: &App, session: &Session, mode: Mode) -> Result<()> {
    let s = app.settings();
    if mode == Mode::Store && s.user != session.user().name {
        app.set_settings(Settings { user: session.user().name.clone(), ..s })?;
    }
    Ok(())
}

fn date(d: NaiveDate) -> String {
    d.to_string()
}

fn odate(d: Option<NaiveDate>) -> Option<String> {
    d.map(date)
}

/// A date as typed; empty is none.
fn parse_opt_date(field: &'static str, v: &str) -> Result<Option<NaiveDate>> {
    if v.trim().is_empty() { Ok(None) } else { Ok(Some(validate::parse_date(field, v)?)) }
}

fn parse_date(field: &'static str, v: &str) -> Result<NaiveDate> {
    Ok(validate::parse_date(field, v)?)
}

/// A number as typed, with a Danish or English decimal mark.
fn parse_number(field: &'static str, v: &str) -> Result<f64> {
    let t = v.trim().replace(' ', "").replace(',', ".");
    t.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or(DesktopError::Invalid { field, value: v.trim().to_string() })
}

fn parse_opt_u32(field: &'static str, v: &str) -> Result<Option<u32>> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    v.trim().parse::<u32>().map(Some).map_err(|_| DesktopError::Invalid { field, value: v.trim().to_string() })
}

fn parse_id<T: FromStr>(field: &'static str, v: &str) -> Result<T> {
    v.trim().parse::<T>().map_err(|_| DesktopError::Invalid { field, value: v.trim().to_string() })
}

fn period(v: &str) -> Result<Period> {
    Period::from_str(v).map_err(|e| DesktopError::Api(e.into()))
}

/// The period before (for "previous" beside a value).
fn previous(p: Period) -> Period {
    match p {
        Period::Year(y) => Period::Year(y - 1),
        Period::Quarter { year, quarter: 1 } => Period::Quarter { year: year - 1, quarter: 4 },
        Period::Quarter { year, quarter } => Period::Quarter { year, quarter: quarter - 1 },
        Period::Month { year, month: 1 } => Period::Month { year: year - 1, month: 12 },
        Period::Month { year, month } => Period::Month { year, month: month - 1 },
    }
}

// ---- App, first run, unlock --------------------------------------------------------------------

fn info(app: &App) -> AppInfo {
    let dir = app.store_dir();
    let open = app.session();
    let (mode, municipality, strategy) = match open.as_ref() {
        Some(o) => {
            let st = o.session.strategy().ok().flatten();
            (o.mode, st.as_ref().map(|s| s.municipality.clone()).unwrap_or_default(), st.map(|s| s.title).unwrap_or_default())
        }
        None => (Mode::None, String::new(), String::new()),
    };
    let who = open.as_ref().map(|o| {
        let (user, granted) = (o.session.user(), o.session.identity());
        let source = match granted.source {
            Source::Roster => "roster",
            Source::Owner => "owner",
            Source::Demo => "demo",
        };
        Who { user: user.name.clone(), role: user.role, granted: granted.role, source: source.into(), roles: o.session.roles_to_ask() }
    });
    let today = clock().today();
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        initialised: indsats_api::is_initialised(&dir),
        demo_exists: indsats_api::is_initialised(&app.paths.demo),
        mode,
        last_mode: app.last_mode(),
        settings: app.settings(),
        data_dir: dir.display().to_string(),
        today: date(today),
        municipality,
        strategy,
        keystore_available: crate::sync::keystore_available(),
        recovery_code: None,
        who,
    }
}

#[tauri::command]
pub async fn app_info(h: AppHandle) -> UiResult<AppInfo> {
    run(h, |app| Ok(info(app))).await
}

/// Saves the settings. A change of user or role locks the app: the audit log must name who acts.
#[tauri::command]
pub async fn save_settings(h: AppHandle, settings: Settings) -> UiResult<AppInfo> {
    run(h, move |app| {
        let mut s = settings;
        s.user = validate::required_text("user", &s.user, 64)?;
        validate::in_range("idle_minutes", f64::from(s.idle_minutes), 1.0, 240.0)?;
        validate::in_range("no_contact_days", f64::from(s.no_contact_days), 1.0, 3650.0)?;
        s.backup_dir = s.backup_dir.trim().to_string();
        if !s.backup_dir.is_empty() && !Path::new(&s.backup_dir).is_absolute() {
            return Err(DesktopError::RelativeFolder { field: "backup_dir", value: s.backup_dir.clone() });
        }
        validate::in_range("backup_keep", f64::from(s.backup_keep), 1.0, f64::from(indsats_api::backup::MAX_KEEP))?;
        validate::in_range("backup_every_days", f64::from(s.backup_every_days), 1.0, 30.0)?;
        let before = app.settings();
        // Set by the first run only: the window cannot switch it.
        s.keystore = before.keystore;
        let relock = before.user != s.user || before.role != s.role || before.data_dir.trim() != s.data_dir.trim();
        // On the municipality's store the person and the most rights are the store's to grant:
        // a change that asks for more is refused here, before anything is saved.
        if let Some(o) = app.session().as_ref()
            && o.mode == Mode::Store
            && s.data_dir.trim() == before.data_dir.trim()
        {
            o.session.may_act_as(&Ask { user: Some(s.user.clone()), role: AskRole::Exactly(s.role) })?;
        }
        app.set_settings(s)?;
        if relock {
            app.set_open(None);
        }
        Ok(info(app))
    })
    .await
}

/// Changes the role of the store's owner (outside a team), with the passphrase (or the recovery
/// code); audited by indsats-api. The session acts with the new role at once, and the settings
/// ask for it from then on.
#[tauri::command]
pub async fn change_owner_role(h: AppHandle, passphrase: String, role: Role) -> UiResult<AppInfo> {
    run(h, move |app| {
        {
            let mut open = app.session();
            let open = open.as_mut().ok_or(DesktopError::Locked)?;
            open.session.change_role(&passphrase, role)?;
        }
        let mut s = app.settings();
        s.role = role;
        app.set_settings(s)?;
        Ok(info(app))
    })
    .await
}

#[tauri::command]
pub async fn first_run(h: AppHandle, input: FirstRun) -> UiResult<AppInfo> {
    run(h, move |app| {
        let dir = app.store_dir();
        if indsats_api::is_initialised(&dir) {
            return Err(DesktopError::AlreadyInitialised(dir.display().to_string()));
        }
        if !input.keystore && input.passphrase != input.repeat {
            return Err(DesktopError::PassphrasesDiffer);
        }
        let user = User::new(&input.user, input.role)?;
        let strategy = match input.strategy_file.filter(|t| !t.trim().is_empty()) {
            Some(text) => StrategySource::File(text),
            None => StrategySource::Default,
        };
        std::fs::create_dir_all(&dir).map_err(|source| DesktopError::Write { path: dir.display().to_string(), source })?;
        // With the keystore: a recovery code is the passphrase, kept in the keystore before the
        // store exists (so a keystore that refuses leaves nothing behind).
        let (passphrase, keystore) = if input.keystore {
            let keystore = crate::sync::store_keys()?;
            let code = indsats_api::recovery::new_code();
            let name = indsats_api::recovery::key_name(&dir);
            keystore.set(&name, &Secret::new(code.clone())).map_err(|e| DesktopError::Keystore(e.to_string()))?;
            (code, Some((keystore, name)))
        } else {
            (input.passphrase, None)
        };
        let session = match Session::init(&dir, &passphrase, strategy, user.clone(), clock(), None, kdf()) {
            Ok(s) => s,
            Err(e) => {
                if let Some((keystore, name)) = &keystore {
                    let _ = keystore.delete(name);
                }
                return Err(e.into());
            }
        };
        app.set_settings(Settings { user: user.name, role: user.role, keystore: keystore.is_some(), ..app.settings() })?;
        app.set_open(Some(Open { session, mode: Mode::Store }));
        let mut out = info(app);
        out.recovery_code = keystore.map(|_| passphrase);
        Ok(out)
    })
    .await
}

/// The text of a strategy file the person chose in the open dialog (read here: the window has
/// no file access). At most 1 MiB; it is parsed and checked when the store is created.
#[tauri::command]
pub async fn read_strategy_file(h: AppHandle, path: String) -> UiResult<String> {
    run(h, move |_| {
        let invalid = || DesktopError::Invalid { field: "strategy_file", value: path.clone() };
        let meta = std::fs::metadata(&path).map_err(|_| invalid())?;
        if !meta.is_file() || meta.len() > 1024 * 1024 {
            return Err(invalid());
        }
        let bytes = std::fs::read(&path).map_err(|_| invalid())?;
        String::from_utf8(bytes).map_err(|_| invalid())
    })
    .await
}

/// Unlocks the last open store (the municipality's, or the demo). For a store whose key is in
/// the keystore, `passphrase` is its recovery code, however it was typed.
#[tauri::command]
pub async fn unlock(h: AppHandle, passphrase: String) -> UiResult<AppInfo> {
    run(h, move |app| {
        let settings = app.settings();
        let (dir, mode) = last_store(app)?;
        let passphrase = match (mode, settings.keystore) {
            (Mode::Store, true) => indsats_api::recovery::normalise(&passphrase).unwrap_or(passphrase),
            _ => passphrase,
        };
        let session = Session::unlock(&dir, &passphrase, ask_of(&settings, mode)?, clock(), None)?;
        remember_who(app, &session, mode)?;
        app.set_open(Some(Open { session, mode }));
        Ok(info(app))
    })
    .await
}

/// Unlocks the municipality's store with its key from the OS keystore.
#[tauri::command]
pub async fn unlock_keystore(h: AppHandle) -> UiResult<AppInfo> {
    run(h, move |app| {
        let settings = app.settings();
        let dir = app.store_dir();
        if !indsats_api::is_initialised(&dir) {
            return Err(DesktopError::NoStore(dir.display().to_string()));
        }
        let keystore = crate::sync::store_keys()?;
        let code = keystore
            .get(&indsats_api::recovery::key_name(&dir))
            .map_err(|e| DesktopError::Keystore(e.to_string()))?
            .ok_or(DesktopError::KeyNotInKeystore)?;
        let session = Session::unlock(&dir, code.expose(), ask_of(&settings, Mode::Store)?, clock(), None)?;
        remember_who(app, &session, Mode::Store)?;
        app.set_open(Some(Open { session, mode: Mode::Store }));
        Ok(info(app))
    })
    .await
}

/// The store "unlock" opens: the last one open (the municipality's, or the demo).
fn last_store(app: &App) -> Result<(std::path::PathBuf, Mode)> {
    let (dir, mode) = match app.last_mode() {
        Mode::Demo => (app.paths.demo.clone(), Mode::Demo),
        _ => (app.store_dir(), Mode::Store),
    };
    if !indsats_api::is_initialised(&dir) {
        return Err(DesktopError::NoStore(dir.display().to_string()));
    }
    Ok((dir, mode))
}

/// Locks: the session and its key are dropped. What the window holds unsaved stays in the
/// window, and in the store's drafts since the last keystroke.
#[tauri::command]
pub async fn lock(h: AppHandle) -> UiResult<AppInfo> {
    run(h, |app| {
        app.set_open(None);
        Ok(info(app))
    })
    .await
}

/// The window listens for the operating system's locks (session lock, sleep) on `channel`.
#[tauri::command]
pub fn os_lock_watch(h: AppHandle, channel: Channel<String>) {
    h.state::<App>().set_os_lock_channel(channel);
}

/// Opens the demo store as `user` in `role`, making it first (with progress) when there is none.
#[tauri::command]
pub async fn open_demo(h: AppHandle, participants: u32, user: String, role: Role, progress: Channel<Progress>) -> UiResult<AppInfo> {
    run(h, move |app| {
        let job = app.start_job()?;
        let dir = app.paths.demo.clone();
        // Who explores the demo is who the audit log names, as in the municipality's store.
        let who = User::new(&user, role)?;
        app.set_settings(Settings { user: who.name, role: who.role, ..app.settings() })?;
        let settings = app.settings();
        if !indsats_api::is_initialised(&dir) {
            std::fs::create_dir_all(&dir).map_err(|source| DesktopError::Write { path: dir.display().to_string(), source })?;
            let admin = User::new(&settings.user, Role::Admin)?;
            let made = (|| -> Result<()> {
                let mut s =
                    Session::init(&dir, DEMO_PASSPHRASE, StrategySource::Default, admin, clock(), Some(1), KdfParams::FAST_INSECURE)?;
                let opts = DemoOptions { participants, seed: 1 };
                let _ = progress.send(Progress { stage: "demo".into(), done: 0, total: u64::from(participants) });
                let mut report = |done: u64, total: u64| {
                    let _ = progress.send(Progress { stage: "demo".into(), done, total });
                    !job.cancelled()
                };
                s.generate_demo(&opts, &mut report)?;
                if job.cancelled() {
                    return Err(DesktopError::Cancelled);
                }
                Ok(())
            })();
            if let Err(e) = made {
                // A half-made demo is no demo: remove it whole.
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        }
        let session = Session::unlock(&dir, DEMO_PASSPHRASE, ask_of(&settings, Mode::Demo)?, clock(), None)?;
        app.set_open(Some(Open { session, mode: Mode::Demo }));
        Ok(info(app))
    })
    .await
}

/// Leaves the demo: closes it; "unlock" opens the municipality's store again.
#[tauri::command]
pub async fn leave_demo(h: AppHandle) -> UiResult<AppInfo> {
    run(h, |app| {
        app.set_open(None);
        app.set_last_mode(Mode::Store);
        Ok(info(app))
    })
    .await
}

#[tauri::command]
pub async fn cancel_job(h: AppHandle) -> UiResult<()> {
    run(h, |app| {
        app.cancel_job();
        Ok(())
    })
    .await
}

#[tauri::command]
pub async fn catalogue(h: AppHandle) -> UiResult<Catalogue> {
    run(h, |app| Ok(Catalogue::new(app.lang(), clock().today()))).await
}

// ---- Overview and goals ------------------------------------------------------------------------

fn indicator_value(r: &indsats_api::IndicatorResult, lang: Lang) -> IndicatorValue {
    let i = &r.indicator;
    IndicatorValue {
        key: i.key.clone(),
        name: if lang == Lang::En && !i.name_en.is_empty() { i.name_en.clone() } else { i.name.clone() },
        unit: i.unit,
        direction: i.direction,
        measure: i.measure,
        value: r.computed.value,
        numerator: r.computed.numerator,
        denominator: r.computed.denominator,
        previous: r.previous.value,
        target: r.target,
        target_illustrative: r.target_illustrative,
        status: r.status.code().into(),
    }
}

fn goal_title(g: &indsats_api::core::model::Goal, lang: Lang) -> String {
    if lang == Lang::En && !g.title_en.is_empty() { g.title_en.clone() } else { g.title.clone() }
}

fn initiative_refs(v: &indsats_api::GoalView) -> Vec<InitiativeRef> {
    v.initiatives
        .iter()
        .map(|(id, title, contribution)| InitiativeRef { id: id.to_string(), title: title.clone(), contribution: contribution.clone() })
        .collect()
}

/// The overview for a period (`2026`, `2026-Q3`, `2026-05`).
#[tauri::command]
pub async fn overview(h: AppHandle, period_text: String) -> UiResult<Overview> {
    let no_contact = h.state::<App>().settings().no_contact_days;
    with_session(h, move |s, lang| {
        let p = period(&period_text)?;
        let v = s.overview(p, no_contact)?;
        let goal_views = s.goals()?;
        let goals = v
            .goals
            .iter()
            .map(|(g, status, results)| GoalOverview {
                id: g.id.to_string(),
                key: g.key.clone(),
                title: goal_title(g, lang),
                status: status.code().into(),
                indicators: results.iter().map(|r| indicator_value(r, lang)).collect(),
                initiatives: goal_views.iter().find(|x| x.goal.id == g.id).map(initiative_refs).unwrap_or_default(),
            })
            .collect();
        Ok(Overview {
            period: p.to_string(),
            previous_period: previous(p).to_string(),
            today: date(v.today),
            goals,
            caseload: v
                .caseload
                .iter()
                .map(|c| CaseloadRow {
                    caseworker: c.caseworker.clone(),
                    open_cases: c.open_cases,
                    without_recent_contact: c.without_recent_contact,
                })
                .collect(),
            no_contact_days: v.no_contact_days,
            ladder: v.ladder.to_vec(),
        })
    })
    .await
}

/// Every indicator over the quarters from the strategy's first year to the quarter of `today`:
/// the trend charts, with each year's target as the target line.
#[tauri::command]
pub async fn trends(h: AppHandle) -> UiResult<Vec<Trend>> {
    with_session(h, move |s, _| {
        use chrono::Datelike;
        let today = s.today();
        let first = s.strategy()?.map_or(today.year() - 1, |st| st.period_start).min(today.year());
        let mut periods = Vec::new();
        for year in first..=today.year() {
            for quarter in 1..=4u32 {
                let p = Period::Quarter { year, quarter };
                if p.first_day() <= today {
                    periods.push(p);
                }
            }
        }
        let defs: Vec<_> = s.goals()?.into_iter().flat_map(|g| g.indicators).collect();
        let mut out: Vec<Trend> = defs.iter().map(|i| Trend { key: i.key.clone(), points: Vec::new() }).collect();
        for (p, results) in s.trend(&periods)? {
            let year = p.first_day().year();
            for (t, def) in out.iter_mut().zip(&defs) {
                let value = results.iter().find(|r| r.indicator.key == def.key).and_then(|r| r.computed.value);
                let target = def.targets.iter().find(|x| x.year == year).map(|x| x.value);
                t.points.push(TrendPoint { period: p.to_string(), value, target });
            }
        }
        Ok(out)
    })
    .await
}

#[tauri::command]
pub async fn goals(h: AppHandle) -> UiResult<Vec<GoalDetail>> {
    with_session(h, |s, lang| {
        let manual = s.manual_values()?;
        Ok(s.goals()?
            .iter()
            .map(|v| GoalDetail {
                id: v.goal.id.to_string(),
                key: v.goal.key.clone(),
                title: goal_title(&v.goal, lang),
                description: v.goal.description.clone(),
                indicators: v
                    .indicators
                    .iter()
                    .map(|i| IndicatorDef {
                        key: i.key.clone(),
                        name: if lang == Lang::En && !i.name_en.is_empty() { i.name_en.clone() } else { i.name.clone() },
                        definition: i.definition.clone(),
                        unit: i.unit,
                        direction: i.direction,
                        measure: i.measure,
                        baseline: i.baseline,
                        baseline_year: i.baseline_year,
                        source: i.source.clone(),
                        targets: i
                            .targets
                            .iter()
                            .map(|t| YearTarget { year: t.year, value: t.value, illustrative: t.illustrative })
                            .collect(),
                        values: manual
                            .iter()
                            .filter(|m| m.indicator == i.id)
                            .map(|m| ManualEntry {
                                period: m.period.clone(),
                                value: m.value,
                                note: m.note.clone(),
                                entered_by: m.entered_by.clone(),
                                entered_at: m.entered_at.to_rfc3339(),
                            })
                            .collect(),
                    })
                    .collect(),
                initiatives: initiative_refs(v),
            })
            .collect())
    })
    .await
}

#[tauri::command]
pub async fn set_target(h: AppHandle, input: TargetInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        let value = parse_number("value", &input.value)?;
        Ok(s.set_target(&input.indicator, input.year, value)?)
    })
    .await
}

/// Enters a manual indicator's value for a period (team leads and admins; audited by the core).
#[tauri::command]
pub async fn set_manual_value(h: AppHandle, input: ManualValueInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        let p = period(&input.period)?;
        let value = parse_number("value", &input.value)?;
        Ok(s.set_manual_value(&input.indicator, p, value, &input.note)?)
    })
    .await
}

/// The participants behind an indicator's value (team leads; an audited read).
#[tauri::command]
pub async fn indicator_participants(h: AppHandle, indicator: String, period_text: String) -> UiResult<Vec<ParticipantHit>> {
    with_session(h, move |s, _| {
        let p = period(&period_text)?;
        Ok(s.indicator_participants(&indicator, p, "opfølgning på mål")?.into_iter().map(hit).collect())
    })
    .await
}

// ---- Initiatives -------------------------------------------------------------------------------

fn initiative_row(x: &indsats_api::InitiativeRow) -> InitiativeRow {
    let i = &x.initiative;
    InitiativeRow {
        id: i.id.to_string(),
        title: i.title.clone(),
        kind: i.kind,
        owner: i.owner.clone(),
        start: date(i.start),
        end: odate(i.end),
        status: i.status,
        capacity: i.capacity,
        goals: x.goals.iter().map(|g| g.to_string()).collect(),
        enrolled_now: x.enrolled_now,
        enrolled_total: x.enrolled_total,
    }
}

#[tauri::command]
pub async fn initiatives(h: AppHandle, filter: InitiativeFilter) -> UiResult<Vec<InitiativeRow>> {
    with_session(h, move |s, _| {
        let goal = match filter.goal.as_deref().filter(|g| !g.trim().is_empty()) {
            Some(g) => Some(s.goal_id(g)?),
            None => None,
        };
        let f = indsats_api::InitiativeFilter {
            kind: filter.kind,
            status: filter.status,
            goal,
            owner: filter.owner.filter(|o| !o.trim().is_empty()),
        };
        Ok(s.initiatives(&f)?.iter().map(initiative_row).collect())
    })
    .await
}

#[tauri::command]
pub async fn initiative(h: AppHandle, id: String) -> UiResult<InitiativeDetail> {
    with_session(h, move |s, _| {
        let id: InitiativeId = parse_id("initiative", &id)?;
        let v = s.initiative(id)?;
        let rows = s.initiatives(&indsats_api::InitiativeFilter::default())?;
        let row = rows.iter().find(|r| r.initiative.id == id).map(initiative_row).ok_or(DesktopError::Internal("initiative".into()))?;
        Ok(InitiativeDetail {
            row,
            description: v.initiative.description.clone(),
            goals: v
                .goals
                .iter()
                .map(|(l, title)| GoalLinkRow {
                    goal_id: l.goal.to_string(),
                    goal_title: title.clone(),
                    contribution: l.contribution.clone(),
                })
                .collect(),
            enrolments: v.enrolments.iter().map(|(e, pseudonym)| enrolment_row(e, pseudonym)).collect(),
            participants: v.participants,
            ended: v.ended,
            completed_or_better: v.completed_or_better,
            dropped_out: v.dropped_out,
            to_job_or_education: v.to_job_or_education,
        })
    })
    .await
}

/// Creates an initiative, or saves an edited one; returns its id.
#[tauri::command]
pub async fn save_initiative(h: AppHandle, input: InitiativeInput) -> UiResult<String> {
    with_session(h, move |s, _| {
        let new = indsats_api::NewInitiative {
            title: input.title,
            kind: input.kind,
            owner: input.owner,
            start: parse_date("start", &input.start)?,
            end: parse_opt_date("end", &input.end)?,
            capacity: parse_opt_u32("capacity", &input.capacity)?,
            status: input.status,
            description: input.description,
        };
        match input.id.as_deref().filter(|i| !i.trim().is_empty()) {
            Some(id) => {
                let id: InitiativeId = parse_id("initiative", id)?;
                s.update_initiative(id, new)?;
                Ok(id.to_string())
            }
            None => Ok(s.add_initiative(new)?.to_string()),
        }
    })
    .await
}

#[tauri::command]
pub async fn link_initiative(h: AppHandle, initiative: String, goal: String, contribution: String) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: InitiativeId = parse_id("initiative", &initiative)?;
        Ok(s.link_initiative(id, &goal, &contribution)?)
    })
    .await
}

#[tauri::command]
pub async fn unlink_initiative(h: AppHandle, initiative: String, goal: String) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: InitiativeId = parse_id("initiative", &initiative)?;
        Ok(s.unlink_initiative(id, &goal)?)
    })
    .await
}

// ---- Participants ------------------------------------------------------------------------------

fn hit(x: indsats_api::SearchHit) -> ParticipantHit {
    ParticipantHit {
        id: x.id.to_string(),
        pseudonym: x.pseudonym,
        name: x.name,
        birth_year: x.birth_year,
        caseworker: x.caseworker,
        case_closed: odate(x.case_closed),
    }
}

fn enrolment_row(e: &indsats_api::core::model::Enrolment, label: &str) -> EnrolmentRow {
    EnrolmentRow {
        id: e.id.to_string(),
        participant: e.participant.to_string(),
        label: label.to_string(),
        initiative: e.initiative.to_string(),
        start: date(e.start),
        end: odate(e.end),
        outcome: e.outcome,
    }
}

/// Search as you type (an audited search, with the term).
#[tauri::command]
pub async fn find_participants(h: AppHandle, query: String) -> UiResult<Vec<ParticipantHit>> {
    with_session(h, move |s, _| {
        if query.trim().is_empty() {
            let mine = indsats_api::ParticipantFilter { caseworker: Some(s.user().name.clone()), include_closed: false, limit: Some(50) };
            return Ok(s
                .participants(&mine, "sagsbehandling")?
                .into_iter()
                .map(|p| ParticipantHit {
                    id: p.id.to_string(),
                    pseudonym: p.pseudonym,
                    name: p.name,
                    birth_year: p.birth_year,
                    caseworker: p.caseworker,
                    case_closed: odate(p.case_closed),
                })
                .collect());
        }
        Ok(s.find_participants(&query, 25, "sagsbehandling")?.into_iter().map(hit).collect())
    })
    .await
}

/// A participant's profile (an audited read).
#[tauri::command]
pub async fn participant(h: AppHandle, id: String) -> UiResult<Profile> {
    with_session(h, move |s, lang| {
        let id: ParticipantId = parse_id("participant", &id)?;
        let v = s.participant(id, "sagsbehandling")?;
        let rules = indsats_api::core::ladder::LadderRules::default();
        let pairs: Vec<_> = v.events.iter().map(|e| (e.date, &e.details)).collect();
        let mut events: Vec<TimelineEvent> = v
            .events
            .iter()
            .map(|e| TimelineEvent {
                id: e.id.to_string(),
                date: date(e.date),
                type_code: e.details.type_code().into(),
                type_label: e.details.type_label(lang).into(),
                summary: e.details.summary(lang),
                recorded_by: e.recorded_by.clone(),
                recorded_at: e.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                step: indsats_api::core::ladder::step_on(&pairs, e.date, &rules),
            })
            .collect();
        events.reverse();
        let p = &v.participant;
        Ok(Profile {
            id: p.id.to_string(),
            pseudonym: p.pseudonym.clone(),
            name: p.name.clone(),
            cpr: p.cpr.as_ref().map(|c| c.formatted()),
            birth_year: p.birth_year,
            origin: p.origin,
            arrival_date: odate(p.arrival_date),
            programme: p.programme,
            programme_start: odate(p.programme_start),
            programme_end: odate(p.programme_end),
            caseworker: p.caseworker.clone(),
            case_closed: odate(p.case_closed),
            target_group: v.target_group.map(|t| t.0),
            target_group_since: v.target_group.map(|t| date(t.1)),
            ladder_step: v.ladder_step,
            ladder_history: v.ladder_history.iter().map(|(d, step)| LadderPoint { date: date(*d), step: *step }).collect(),
            enrolments: v.enrolments.iter().map(|(e, title)| enrolment_row(e, title)).collect(),
            events,
            corrections: v
                .corrections
                .iter()
                .rev()
                .map(|c| CorrectionLine {
                    id: c.id.to_string(),
                    target: c.target.table().into(),
                    target_id: c.target_id.clone(),
                    kind: c.kind.code().into(),
                    text: indsats_api::corrections::describe(c, lang),
                })
                .collect(),
            notes: v
                .notes
                .iter()
                .rev()
                .map(|t| {
                    let at = |n: &indsats_api::core::model::JournalNote| n.written_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                    NoteLine {
                        id: t.current.id.to_string(),
                        event: t.current.event.map(|e| e.to_string()),
                        text: t.current.text.clone(),
                        written_by: t.current.written_by.clone(),
                        written_at: at(&t.current),
                        earlier: t
                            .earlier
                            .iter()
                            .map(|n| NoteVersion {
                                id: n.id.to_string(),
                                text: n.text.clone(),
                                written_by: n.written_by.clone(),
                                written_at: at(n),
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
    })
    .await
}

/// The participant form's fields, parsed.
fn new_participant(input: ParticipantInput) -> Result<indsats_api::NewParticipant> {
    Ok(indsats_api::NewParticipant {
        name: input.name,
        cpr: Some(input.cpr).filter(|c| !c.trim().is_empty()),
        birth_year: parse_opt_u32("birth_year", &input.birth_year)?.map(|y| y as i32),
        origin: input.origin,
        arrival_date: parse_opt_date("arrival_date", &input.arrival_date)?,
        programme: input.programme,
        programme_start: parse_opt_date("programme_start", &input.programme_start)?,
        programme_end: parse_opt_date("programme_end", &input.programme_end)?,
        caseworker: Some(input.caseworker).filter(|c| !c.trim().is_empty()),
        not_a_duplicate: input.not_a_duplicate,
    })
}

#[tauri::command]
pub async fn add_participant(h: AppHandle, input: ParticipantInput) -> UiResult<Added> {
    with_session(h, move |s, lang| {
        let added = s.add_participant(new_participant(input)?)?;
        Ok(Added {
            id: added.id.to_string(),
            pseudonym: added.pseudonym,
            warnings: added.warnings.iter().map(|w| w.message(lang).to_string()).collect(),
        })
    })
    .await
}

#[tauri::command]
pub async fn enrol(h: AppHandle, input: EnrolInput) -> UiResult<String> {
    with_session(h, move |s, _| {
        let p: ParticipantId = parse_id("participant", &input.participant)?;
        let i: InitiativeId = parse_id("initiative", &input.initiative)?;
        let id = s.enrol(p, i, parse_date("start", &input.start)?, parse_opt_date("end", &input.end)?)?;
        Ok(id.to_string())
    })
    .await
}

#[tauri::command]
pub async fn end_enrolment(h: AppHandle, input: EndEnrolmentInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: EnrolmentId = parse_id("enrolment", &input.enrolment)?;
        Ok(s.end_enrolment(id, parse_date("end", &input.end)?, input.outcome)?)
    })
    .await
}

/// Corrects a participant's details; returns the warnings worth a second look.
#[tauri::command]
pub async fn edit_participant(h: AppHandle, input: EditParticipantInput) -> UiResult<Vec<String>> {
    with_session(h, move |s, lang| {
        let id: ParticipantId = parse_id("participant", &input.participant)?;
        let warnings = s.edit_participant(id, new_participant(input.details)?, &input.reason)?;
        Ok(warnings.iter().map(|w| w.message(lang).to_string()).collect())
    })
    .await
}

/// The worklist: the acting person's own (`caseworker` empty, `team` false), a caseworker's or
/// the team's (team leads).
#[tauri::command]
pub async fn worklist(h: AppHandle, caseworker: String, team: bool) -> UiResult<Worklist> {
    with_session(h, move |s, lang| {
        use indsats_api::core::model::Code;
        use indsats_api::worklist::{DueLine, WorklistScope};
        let scope = match (team, caseworker.trim()) {
            (true, _) => WorklistScope::Team,
            (false, "") => WorklistScope::Mine,
            (false, w) => WorklistScope::Caseworker(w.to_string()),
        };
        let v = s.worklist(scope, 60)?;
        let item = |d: &DueLine| WorkItem {
            participant: d.item.participant.to_string(),
            pseudonym: d.item.pseudonym.clone(),
            name: d.item.name.clone(),
            caseworker: d.item.caseworker.clone(),
            title: d.title(lang).to_string(),
            kind: d.kind.code().into(),
            due: date(d.item.due),
            done: d.item.done,
            needed: d.item.needed,
            days_overdue: d.days_overdue,
            illustrative: d.illustrative,
        };
        Ok(Worklist {
            today: date(v.today),
            caseworker: v.caseworker.clone(),
            no_contact_days: v.no_contact_days,
            overdue: v.overdue.iter().map(item).collect(),
            this_week: v.this_week.iter().map(item).collect(),
            upcoming_conversations: v.upcoming_conversations.iter().map(item).collect(),
            without_contact: v
                .without_contact
                .iter()
                .map(|c| QuietCase {
                    participant: c.participant.to_string(),
                    pseudonym: c.pseudonym.clone(),
                    name: c.name.clone(),
                    caseworker: c.caseworker.clone(),
                    last_event: odate(c.last_event),
                })
                .collect(),
            drafts: v.drafts.iter().map(|(form, saved_at)| DraftRef { form: form.clone(), saved_at: saved_at.clone() }).collect(),
            workload: v
                .workload
                .iter()
                .map(|w| WorkloadLine { caseworker: w.caseworker.clone(), open_cases: w.open_cases, overdue: w.overdue })
                .collect(),
            may_choose: s.user().role.includes(Role::TeamLead),
        })
    })
    .await
}

/// Writes a journal note (or a new version of one); its form's draft goes with it.
#[tauri::command]
pub async fn write_note(h: AppHandle, input: NoteInput, draft: Option<String>) -> UiResult<String> {
    with_session(h, move |s, _| {
        let p: ParticipantId = parse_id("participant", &input.participant)?;
        let event: Option<EventId> = Some(input.event.trim()).filter(|e| !e.is_empty()).map(|e| parse_id("event", e)).transpose()?;
        let replaces: Option<NoteId> = Some(input.replaces.trim()).filter(|e| !e.is_empty()).map(|e| parse_id("note", e)).transpose()?;
        let id = s.write_note(p, event, replaces, &input.text)?;
        if let Some(form) = draft {
            s.discard_draft(&form)?;
        }
        Ok(id.to_string())
    })
    .await
}

/// The team's users who can hold a caseload: whom a case can be handed to.
#[tauri::command]
pub async fn team_caseworkers(h: AppHandle) -> UiResult<Vec<String>> {
    with_session(h, move |s, _| Ok(s.team_caseworkers()?)).await
}

/// Hands one case to a colleague in the team, with the handover note; its form's draft goes with it.
#[tauri::command]
pub async fn hand_over(h: AppHandle, input: HandoverInput, draft: Option<String>) -> UiResult<HandoverDone> {
    with_session(h, move |s, _| {
        let id: ParticipantId = parse_id("participant", &input.participant)?;
        let view = s.hand_over(indsats_api::handover::HandoverScope::Case(id), &input.to, &input.note)?;
        if let Some(form) = draft {
            s.discard_draft(&form)?;
        }
        let from = view.cases.first().map(|c| c.from.clone()).unwrap_or_default();
        Ok(HandoverDone { to: view.to, from })
    })
    .await
}

/// Merges a duplicate case into the case kept; its form's draft goes with it.
#[tauri::command]
pub async fn merge_cases(h: AppHandle, input: MergeInput, draft: Option<String>) -> UiResult<MergeDone> {
    with_session(h, move |s, _| {
        let keep: ParticipantId = parse_id("participant", &input.keep)?;
        let duplicate = s.participant_id(input.duplicate.trim())?;
        let (events, enrolments, notes) = s.merge_cases(keep, duplicate, &input.reason)?;
        if let Some(form) = draft {
            s.discard_draft(&form)?;
        }
        Ok(MergeDone { events, enrolments, notes })
    })
    .await
}

/// A backup of the open store, written where the save dialog said (a new file).
#[tauri::command]
pub async fn backup_now(h: AppHandle, path: String) -> UiResult<BackupDone> {
    with_session(h, move |s, _| {
        let made = s.backup(Path::new(&path))?;
        Ok(BackupDone::of(&made, 0))
    })
    .await
}

/// The automatic backup of the settings' folder, when one is due (the municipality's store
/// only: the demo is never backed up). `None` when none is set or due.
#[tauri::command]
pub async fn backup_if_due(h: AppHandle) -> UiResult<Option<BackupDone>> {
    run(h, move |app| {
        let settings = app.settings();
        if settings.backup_dir.trim().is_empty() {
            return Ok(None);
        }
        let mut open = app.session();
        let Some(open) = open.as_mut().filter(|o| o.mode == Mode::Store) else { return Ok(None) };
        let done = open.session.backup_if_due(Path::new(settings.backup_dir.trim()), settings.backup_keep, settings.backup_every_days)?;
        Ok(done.map(|r| BackupDone::of(&r.made, r.removed.len())))
    })
    .await
}

/// Imports the file the open dialog chose (team leads and admins set up caseloads; a caseworker
/// imports into their own), with progress; Cancel stops it with nothing written. With "keep the
/// good rows" the bad ones are written beside the file, with their errors, to a new CSV file.
#[tauri::command]
pub async fn import_file(h: AppHandle, request: ImportRequest, progress: Channel<Progress>) -> UiResult<ImportDone> {
    use indsats_api::import::{ImportMode as Mode, Kind};
    run(h, move |app| {
        let job = app.start_job()?;
        let lang = app.lang();
        let path = PathBuf::from(&request.path);
        let bytes = std::fs::read(&path).map_err(|source| DesktopError::Read { path: request.path.clone(), source })?;
        let mapping = match &request.mapping {
            Some(m) if !m.trim().is_empty() => {
                let text = std::fs::read(m).map_err(|source| DesktopError::Read { path: m.clone(), source })?;
                Some(String::from_utf8(text).map_err(|_| DesktopError::Invalid { field: "mapping", value: m.clone() })?)
            }
            _ => None,
        };
        let kind = match request.kind {
            ImportKind::Participants => Kind::Participants,
            ImportKind::Enrolments => Kind::Enrolments,
            ImportKind::Events => Kind::Events,
        };
        let mode = match request.mode {
            ImportMode::DryRun => Mode::DryRun,
            ImportMode::AllOrNothing => Mode::AllOrNothing,
            ImportMode::KeepGood => Mode::KeepGood,
        };
        let report = {
            let mut open = app.session();
            let open = open.as_mut().ok_or(DesktopError::Locked)?;
            let mut tell = |done: u64, total: u64| {
                let _ = progress.send(Progress { stage: "import".into(), done, total });
                !job.cancelled()
            };
            open.session.import_with_progress(kind, &bytes, mapping.as_deref(), mode, &mut tell)?
        };
        let bad = report.bad_rows();
        let rejected_file = if mode == Mode::KeepGood && !bad.is_empty() {
            let target = rejected_beside(&path, lang);
            let text = report.rejected_file(&bytes, lang)?;
            crate::state::write_atomically(&target, &text)
                .map_err(|source| DesktopError::Write { path: target.display().to_string(), source })?;
            Some(target.display().to_string())
        } else {
            None
        };
        Ok(ImportDone {
            rows: report.rows as u64,
            imported: report.imported as u64,
            matched: report.matched.len() as u64,
            bad_rows: bad.len() as u64,
            problems: report
                .problems
                .iter()
                .take(500)
                .map(|p| ImportProblem { row: p.row as u64, column: p.column.as_ref().map(|c| c.0.clone()), message: p.message(lang) })
                .collect(),
            unused_columns: report.unused_columns.clone(),
            written: report.written,
            rejected_file,
        })
    })
    .await
}

/// A new file beside `file` for its rejected rows: `NAME-afviste.csv`, then `-2`, `-3`… so that
/// nothing is overwritten.
fn rejected_beside(file: &Path, lang: Lang) -> PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let word = if lang == Lang::Da { "afviste" } else { "rejected" };
    let mut n = 1;
    loop {
        let name = if n == 1 { format!("{stem}-{word}.csv") } else { format!("{stem}-{word}-{n}.csv") };
        let candidate = file.with_file_name(name);
        if !candidate.exists() {
            return candidate;
        }
        n += 1;
    }
}

/// The citizen's plan as a PDF, written where the save dialog said.
#[tauri::command]
pub async fn participant_plan(h: AppHandle, request: PlanRequest) -> UiResult<String> {
    with_session(h, move |s, _| {
        let path = PathBuf::from(&request.path);
        if !path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf")) {
            let value = request.path.clone();
            return Err(indsats_api::ApiError::from(indsats_api::core::ValidationError::UnknownCode {
                field: "path",
                value,
                expected: ".pdf".into(),
            })
            .into());
        }
        let id: ParticipantId = parse_id("participant", &request.participant)?;
        let pdf = s.participant_plan(id, request.lang.into(), "sagsbehandling")?;
        crate::state::write_atomically(&path, &pdf).map_err(|source| DesktopError::Write { path: request.path.clone(), source })?;
        Ok(request.path)
    })
    .await
}

#[tauri::command]
pub async fn correct_event(h: AppHandle, input: CorrectEventInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: EventId = parse_id("event", &input.event)?;
        Ok(s.correct_event(id, Some(parse_date("date", &input.date)?), None, &input.reason)?)
    })
    .await
}

#[tauri::command]
pub async fn remove_event(h: AppHandle, input: RemoveInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: EventId = parse_id("event", &input.id)?;
        Ok(s.remove_event(id, &input.reason)?)
    })
    .await
}

#[tauri::command]
pub async fn edit_enrolment(h: AppHandle, input: EditEnrolmentInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: EnrolmentId = parse_id("enrolment", &input.enrolment)?;
        let end = parse_opt_date("end", &input.end)?;
        let edit = indsats_api::EnrolmentEdit {
            start: Some(parse_date("start", &input.start)?),
            end: Some(end),
            outcome: Some(input.outcome.filter(|_| end.is_some())),
        };
        Ok(s.edit_enrolment(id, edit, &input.reason)?)
    })
    .await
}

#[tauri::command]
pub async fn remove_enrolment(h: AppHandle, input: RemoveInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: EnrolmentId = parse_id("enrolment", &input.id)?;
        Ok(s.remove_enrolment(id, &input.reason)?)
    })
    .await
}

#[tauri::command]
pub async fn reopen_case(h: AppHandle, participant: String) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: ParticipantId = parse_id("participant", &participant)?;
        Ok(s.reopen_case(id)?)
    })
    .await
}

#[tauri::command]
pub async fn close_case(h: AppHandle, participant: String, date_text: String) -> UiResult<()> {
    with_session(h, move |s, _| {
        let id: ParticipantId = parse_id("participant", &participant)?;
        Ok(s.close_case(id, parse_opt_date("closed", &date_text)?)?)
    })
    .await
}

/// Records a progress event durably; the form's draft goes with it.
#[tauri::command]
pub async fn record_progress(h: AppHandle, input: ProgressInput, draft: Option<String>) -> UiResult<String> {
    with_session(h, move |s, _| {
        let p: ParticipantId = parse_id("participant", &input.participant)?;
        let id = s.record_progress_with_note(p, parse_date("date", &input.date)?, input.details, Some(input.note.as_str()))?;
        if let Some(form) = draft {
            s.discard_draft(&form)?;
        }
        Ok(id.to_string())
    })
    .await
}

// ---- Drafts ------------------------------------------------------------------------------------

#[tauri::command]
pub async fn drafts(h: AppHandle) -> UiResult<Vec<Draft>> {
    with_session(h, |s, _| Ok(s.drafts()?.into_iter().map(|(form, body, saved_at)| Draft { form, body, saved_at }).collect())).await
}

#[tauri::command]
pub async fn save_draft(h: AppHandle, form: String, body: String) -> UiResult<()> {
    with_session(h, move |s, _| Ok(s.save_draft(&form, &body)?)).await
}

#[tauri::command]
pub async fn discard_draft(h: AppHandle, form: String) -> UiResult<()> {
    with_session(h, move |s, _| Ok(s.discard_draft(&form)?)).await
}

// ---- Audit and export --------------------------------------------------------------------------

#[tauri::command]
pub async fn audit_log(h: AppHandle, query: AuditQuery) -> UiResult<Vec<AuditEntry>> {
    with_session(h, move |s, _| {
        let some = |x: String| Some(x.trim().to_string()).filter(|x| !x.is_empty());
        let day = |field: &'static str, x: String| some(x).map(|d| indsats_api::core::validate::parse_date(field, &d)).transpose();
        let q = indsats_api::AuditQuery {
            user: some(query.user),
            citizen: some(query.citizen),
            action: some(query.action),
            from: day("from", query.from).map_err(indsats_api::ApiError::from)?,
            to: day("to", query.to).map_err(indsats_api::ApiError::from)?,
            subject: None,
            limit: Some(query.limit.unwrap_or(500).clamp(1, 5000)),
        };
        Ok(s.audit_log(&q)?.into_iter().map(audit_entry).collect())
    })
    .await
}

fn audit_entry(r: indsats_api::AuditLine) -> AuditEntry {
    AuditEntry {
        device: r.device,
        device_name: r.device_name,
        own: r.own,
        seq: r.seq,
        at: r.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        user: r.user,
        role: r.role,
        action: r.action,
        subject: r.subject_label.or(r.subject),
        purpose: r.purpose,
        detail: r.detail,
    }
}

/// The "check the log" button: this computer's chain and every other computer's log held here.
#[tauri::command]
pub async fn audit_verify(h: AppHandle) -> UiResult<AuditCheck> {
    with_session(h, move |s, _| {
        let c = s.verify_audit()?;
        Ok(AuditCheck {
            ok: c.ok(),
            own_rows: c.own_rows,
            devices: c
                .devices
                .into_iter()
                .map(|d| DeviceLog {
                    device: d.device,
                    name: d.name,
                    user: d.user,
                    rows: d.rows,
                    first_seq: d.first_seq,
                    last_seq: d.last_seq,
                    received_at: d.received_at,
                    problem: d.problem,
                    problem_seq: d.problem_seq,
                })
                .collect(),
        })
    })
    .await
}

fn review_item(r: indsats_api::ReviewView) -> ReviewItem {
    ReviewItem { id: r.id, access: audit_entry(r.line), outcome: r.outcome, note: r.note, reviewer: r.reviewer, reviewed_at: r.reviewed_at }
}

/// The month's review sample (YYYY-MM; empty: last month), drawn the first time it is asked for.
#[tauri::command]
pub async fn audit_sample(h: AppHandle, month: String) -> UiResult<ReviewSample> {
    with_session(h, move |s, _| {
        let month = Some(month.trim().to_string()).filter(|m| !m.is_empty());
        let r = s.audit_sample(month.as_deref())?;
        Ok(ReviewSample { month: r.month, drawn_now: r.drawn_now, items: r.items.into_iter().map(review_item).collect() })
    })
    .await
}

#[tauri::command]
pub async fn audit_review(h: AppHandle, input: ReviewInput) -> UiResult<ReviewItem> {
    with_session(h, move |s, _| {
        let question = input.question.as_deref().map(str::trim).filter(|q| !q.is_empty());
        Ok(review_item(s.audit_review(&input.id, question, &input.note)?))
    })
    .await
}

/// The citizen's extract (team leads), written where the save dialog said: .pdf or .csv.
#[tauri::command]
pub async fn audit_extract(h: AppHandle, request: ExtractRequest) -> UiResult<ExtractWritten> {
    with_session(h, move |s, lang| {
        let path = PathBuf::from(&request.path);
        let format = indsats_api::ExtractFormat::of_path(&path).ok_or_else(|| {
            indsats_api::ApiError::from(indsats_api::core::ValidationError::UnknownCode {
                field: "path",
                value: request.path.clone(),
                expected: ".pdf, .csv".into(),
            })
        })?;
        let e = s.audit_extract(&request.participant, Some(format), lang)?;
        crate::state::write_atomically(&path, e.file.as_deref().unwrap_or_default())
            .map_err(|source| DesktopError::Write { path: path.display().to_string(), source })?;
        Ok(ExtractWritten { path: request.path, accesses: e.lines.len() as u64 })
    })
    .await
}

/// Makes the management summary and writes it where the save dialog said, with progress; can
/// be cancelled between its steps. Nothing is written unless everything succeeded.
#[tauri::command]
pub async fn export_summary(h: AppHandle, request: ExportRequest, progress: Channel<Progress>) -> UiResult<Exported> {
    run(h, move |app| {
        let job = app.start_job()?;
        let step = |stage: &str, done: u64| {
            let _ = progress.send(Progress { stage: stage.into(), done, total: 3 });
        };
        step("summary", 0);
        let summary = {
            let mut open = app.session();
            let open = open.as_mut().ok_or(DesktopError::Locked)?;
            if request.share && open.session.team()?.is_none() {
                return Err(DesktopError::Api(indsats_api::sync::SyncError::NoTeam.into()));
            }
            let p = period(&request.period)?;
            open.session.summary(p, request.lang.into(), u64::from(request.threshold))?
        };
        if job.cancelled() {
            return Err(DesktopError::Cancelled);
        }
        step("render", 1);
        let files: Vec<(PathBuf, Vec<u8>)> = match request.format {
            ExportFormat::Pdf => vec![(PathBuf::from(&request.path), indsats_export::pdf(&summary)?)],
            ExportFormat::Xlsx => vec![(PathBuf::from(&request.path), indsats_export::xlsx(&summary)?)],
            ExportFormat::Csv => indsats_export::csv(&summary)
                .into_iter()
                .map(|(name, text)| (PathBuf::from(&request.path).join(name), text.into_bytes()))
                .collect(),
        };
        if job.cancelled() {
            return Err(DesktopError::Cancelled);
        }
        step("write", 2);
        for (path, bytes) in &files {
            crate::state::write_atomically(path, bytes)
                .map_err(|source| DesktopError::Write { path: path.display().to_string(), source })?;
        }
        let shared = if request.share {
            let named: Vec<(String, Vec<u8>)> = files
                .iter()
                .map(|(p, bytes)| (p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(), bytes.clone()))
                .collect();
            let mut open = app.session();
            let open = open.as_mut().ok_or(DesktopError::Locked)?;
            let names = open.session.queue_export(&summary, &named)?;
            if let Some(r) = app.sync() {
                r.wake();
            }
            names
        } else {
            Vec::new()
        };
        step("write", 3);
        Ok(Exported {
            files: files.iter().map(|(p, _)| p.display().to_string()).collect(),
            snapshot: summary.provenance.snapshot.clone(),
            shared,
        })
    })
    .await
}

// ---- Sync ---------------------------------------------------------------------------------------

/// Now, by the app's clock (INDSATS_TODAY pins it for the end-to-end tests).
pub fn now() -> chrono::DateTime<chrono::Utc> {
    clock().now()
}

/// The header's sync line: last sync, changes waiting, the last error (in the user's language)
/// and open conflicts.
#[tauri::command]
pub async fn sync_status(h: AppHandle) -> UiResult<SyncStatus> {
    let running = h.state::<App>().sync().is_some_and(|r| r.running());
    with_session(h, move |s, lang| {
        let v = s.sync_status()?;
        Ok(SyncStatus {
            team: v.team,
            on_roster: v.on_roster,
            target: v.target,
            pending: v.pending,
            last_sync: v.last_sync,
            error: v.last_error.as_ref().map(|f| if lang == Lang::Da { f.da.clone() } else { f.en.clone() }),
            error_at: v.last_error.map(|f| f.at),
            failures: v.failures,
            refused: v.refused,
            conflicts: v.conflicts,
            running,
        })
    })
    .await
}

/// Syncs now (after a running sync, if one is running) and says what it did.
#[tauri::command]
pub async fn sync_now(h: AppHandle) -> UiResult<SyncResult> {
    let app = h.state::<App>();
    let lang = app.lang();
    let runner = app.sync().ok_or_else(|| DesktopError::Locked.to_ui(lang))?;
    let out = runner.sync(now(), lang).await.map_err(|e| {
        log::info!("sync now: {}", e.code());
        e.to_ui(lang)
    })?;
    let mut notes: Vec<String> = out.refused.iter().map(|(name, _, message)| format!("{name}: {message}")).collect();
    notes.extend(out.access_problems.iter().map(|(_, _, message)| message.clone()));
    for (device, from) in &out.waiting {
        notes.push(match lang {
            Lang::Da => format!("Venter på ændring {from} fra {device}: den er ikke nået frem til synkroniseringsstedet endnu."),
            Lang::En => format!("Waiting for change {from} from {device}: it has not reached the sync target yet."),
        });
    }
    if out.requested > 0 {
        notes.push(match lang {
            Lang::Da => format!("{} ældre pakker er bedt om hos teamlederen; de kommer, når teamlederen har synkroniseret.", out.requested),
            Lang::En => format!("{} older bundles were asked of the team lead; they arrive once the lead has synced.", out.requested),
        });
    }
    if let Some(ms) = out.skew_ms {
        notes.push(match lang {
            Lang::Da => format!("En anden computers ur går {} minutter foran. Bed IT kontrollere uret.", ms / 60_000),
            Lang::En => format!("Another computer's clock is {} minutes ahead. Ask IT to check its clock.", ms / 60_000),
        });
    }
    Ok(SyncResult {
        pushed_changes: out.pushed_changes,
        merged_changes: out.merged_changes,
        merged_bundles: out.merged_bundles as u64,
        conflicts: out.conflicts,
        notes,
    })
}

/// The sync target's settings (never its password).
#[tauri::command]
pub async fn sync_target(h: AppHandle) -> UiResult<SyncTargetForm> {
    with_session(h, |s, _| {
        use indsats_api::sync::TargetConfig as T;
        Ok(match s.sync_target()? {
            None => SyncTargetForm::default(),
            Some(T::Folder { path }) => SyncTargetForm { kind: "folder".into(), path: path.display().to_string(), ..Default::default() },
            Some(T::WebDav { endpoint, username }) => SyncTargetForm { kind: "webdav".into(), endpoint, username, ..Default::default() },
            Some(T::S3 { endpoint, bucket, region, access_key_id }) => {
                SyncTargetForm { kind: "s3".into(), endpoint, bucket, region, access_key_id, ..Default::default() }
            }
        })
    })
    .await
}

/// Saves the sync target (an empty kind removes it); its password goes to the OS keystore. The
/// background sync tries it at once.
#[tauri::command]
pub async fn set_sync_target(h: AppHandle, form: SyncTargetForm) -> UiResult<SyncStatus> {
    let h2 = h.clone();
    with_session(h, move |s, _| {
        use indsats_api::sync::TargetConfig as T;
        let config = match form.kind.as_str() {
            "" => None,
            "folder" => Some(T::Folder { path: PathBuf::from(form.path.trim()) }),
            "webdav" => Some(T::WebDav { endpoint: form.endpoint.trim().into(), username: form.username.trim().into() }),
            "s3" => Some(T::S3 {
                endpoint: form.endpoint.trim().into(),
                bucket: form.bucket.trim().into(),
                region: form.region.trim().into(),
                access_key_id: form.access_key_id.trim().into(),
            }),
            _ => return Err(DesktopError::Invalid { field: "kind", value: form.kind.clone() }),
        };
        let secret = (!form.password.is_empty()).then(|| Secret::new(form.password.clone()));
        let fallback = indsats_api::sync::MemorySecretStore::new();
        // No keystore: only a target without a password can be kept.
        let needs_secret = config.as_ref().is_some_and(|c| c.secret_name().is_some());
        let keystore = match crate::sync::secrets() {
            Ok(k) => Some(k),
            Err(e) if needs_secret => return Err(DesktopError::Api(e.into())),
            Err(_) => None,
        };
        let store: &dyn indsats_api::sync::SecretStore = match &keystore {
            Some(k) => k,
            None => &fallback,
        };
        s.set_sync_target(config, secret.as_ref(), store)?;
        Ok(())
    })
    .await?;
    if let Some(r) = h2.state::<App>().sync() {
        r.wake();
    }
    sync_status(h2).await
}

/// The team this computer is in, if any.
#[tauri::command]
pub async fn team(h: AppHandle) -> UiResult<Option<TeamInfo>> {
    with_session(h, |s, _| {
        Ok(s.team()?.map(|t| TeamInfo {
            name: t.name,
            version: t.version,
            leads: t.leads,
            on_roster: t.on_roster,
            devices: t
                .devices
                .into_iter()
                .map(|d| TeamMember { id: d.id, name: d.name, user: d.user, role: d.role, lead: d.lead, me: d.me })
                .collect(),
        }))
    })
    .await
}

/// A stored value (JSON text) as a person reads it: strings without their quotes.
fn readable(v: Option<&str>) -> String {
    match v.map(serde_json::from_str::<serde_json::Value>) {
        Some(Ok(serde_json::Value::String(s))) => s,
        Some(Ok(serde_json::Value::Null)) | None => String::new(),
        Some(Ok(other)) => other.to_string(),
        Some(Err(_)) => v.unwrap_or_default().to_string(),
    }
}

/// The conflicts inbox: the open ones, or all. Reading it is audited.
#[tauri::command]
pub async fn conflicts(h: AppHandle, open_only: bool) -> UiResult<Vec<Conflict>> {
    with_session(h, move |s, _| {
        Ok(s.conflicts(open_only, "synkronisering")?
            .into_iter()
            .map(|c| Conflict {
                id: c.id,
                kind: c.kind,
                table: c.table,
                about: c.about,
                field: c.field,
                mine: readable(c.mine.as_deref()),
                theirs: readable(c.theirs.as_deref()),
                mine_at: c.mine_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                theirs_at: c.theirs_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                theirs_who: c.theirs_who,
                resolution: c.resolution,
            })
            .collect())
    })
    .await
}

/// The value a person typed, as the stored JSON of the field it replaces: a number where the
/// field holds numbers (with a Danish or English decimal mark), a date where it holds dates
/// (typed as the app's dates are), otherwise text.
fn typed_value(like: Option<&str>, typed: &str) -> Result<String> {
    let like = like.and_then(|v| serde_json::from_str::<serde_json::Value>(v).ok());
    let value = match like {
        Some(serde_json::Value::Number(_)) => {
            let n = parse_number("value", typed)?;
            serde_json::Number::from_f64(n)
                .map(serde_json::Value::Number)
                .ok_or(DesktopError::Invalid { field: "value", value: typed.into() })?
        }
        Some(serde_json::Value::String(s)) if NaiveDate::from_str(&s).is_ok() => {
            serde_json::Value::String(date(parse_date("value", typed)?))
        }
        _ => serde_json::Value::String(validate::required_text("value", typed, 4000)?),
    };
    Ok(value.to_string())
}

/// Settles a conflict: keep mine, keep theirs, or a new value. The next sync carries it to the
/// team, where it wins.
#[tauri::command]
pub async fn resolve_conflict(h: AppHandle, input: ResolveInput) -> UiResult<()> {
    with_session(h, move |s, _| {
        use indsats_api::sync::ConflictChoice;
        let choice = match input.keep.as_str() {
            "mine" => ConflictChoice::Mine,
            "theirs" => ConflictChoice::Theirs,
            "edited" => {
                let open = s.conflicts(true, "synkronisering")?;
                let c = open.iter().find(|c| c.id == input.id).ok_or(DesktopError::Invalid { field: "id", value: input.id.to_string() })?;
                ConflictChoice::Edited(typed_value(c.theirs.as_deref().or(c.mine.as_deref()), &input.value)?)
            }
            _ => return Err(DesktopError::Invalid { field: "keep", value: input.keep.clone() }),
        };
        s.resolve_conflict(input.id, choice)?;
        Ok(())
    })
    .await
}
