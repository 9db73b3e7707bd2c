//! The Session: who is acting, with what role, on which unlocked store.

use std::path::Path;

use chrono::{Duration, NaiveDate};
use indsats_core::cpr::Cpr;
use indsats_core::event::{self, EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::ladder::{self, LadderRules};
use indsats_core::model::*;
use indsats_core::strategy_file::{self, StrategySpec};
use indsats_core::validate::{self, Lang};
use indsats_report::summary::{Data as SummaryData, Params as SummaryParams, Provenance, Summary};
use indsats_report::{IndicatorResult, Period, Status};
use indsats_store::{AuditEntry, InitiativeFilter, KdfParams, ParticipantFilter, SearchHit, Store};
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

use crate::clock::Clock;
use crate::error::{ApiError, Result};
use crate::identity::{self, Ask, Identity, Source};
use crate::views::*;

/// The default strategy: Ballerup Kommune's, Vision 2029.
pub const DEFAULT_STRATEGY: &str = include_str!("../../../assets/strategy/ballerup-2029.toml");

/// Where the strategy loaded at first set-up comes from.
#[derive(Debug, Clone)]
pub enum StrategySource {
    /// Ballerup Kommune's (assets/strategy/ballerup-2029.toml).
    Default,
    /// The text of a strategy file (docs/strategy-file.md).
    File(String),
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub name: String,
    pub role: Role,
}

impl User {
    pub fn new(name: &str, role: Role) -> std::result::Result<User, indsats_core::ValidationError> {
        let name = validate::required_text("user", name, 64)?;
        Ok(User { name, role })
    }
}

/// An unlocked store and the person acting on it.
pub struct Session {
    pub(crate) store: Store,
    /// Who acts: asked for by the front end, within [`Session::granted`].
    pub(crate) user: User,
    /// What the store grants the person at this computer (crate::identity).
    pub(crate) granted: Identity,
    pub(crate) clock: Box<dyn Clock>,
    pub(crate) rng: ChaCha20Rng,
    /// The cases' facts as last loaded, with the store generation they were loaded at: the
    /// overview and the indicators reuse them until the data changes.
    cases: std::cell::RefCell<Option<CasesCache>>,
}

type Cases = std::sync::Arc<Vec<indsats_report::Case>>;

/// The loaded cases, the store generation they were checked at and the newest facts stamp
/// among them.
struct CasesCache {
    generation: (i64, u64),
    stamp: i64,
    cases: Cases,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("store", &self.store).field("user", &self.user).finish()
    }
}

const PSEUDONYM_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

impl Session {
    /// Creates a store in `dir`, loads the strategy, and opens a session as `user`, who owns the
    /// store with the role given (until a team's roster says otherwise).
    pub fn init(
        dir: &Path,
        passphrase: &str,
        strategy: StrategySource,
        user: User,
        clock: Box<dyn Clock>,
        seed: Option<u64>,
        kdf: KdfParams,
    ) -> Result<Session> {
        // Parse first: a bad strategy file must not leave a half-made store behind.
        let spec = match &strategy {
            StrategySource::Default => strategy_file::parse(DEFAULT_STRATEGY)?,
            StrategySource::File(text) => strategy_file::parse(text)?,
        };
        let mut rng = rng_from(seed);
        let now = clock.now();
        let device = DeviceTag::new(&mut rng, now.timestamp_millis());
        let store = Store::create(dir, passphrase, kdf, &device.0, now)?;
        let granted = Identity { user: user.name.clone(), role: user.role, source: Source::Owner };
        let mut s = Session { store, user, granted, clock, rng, cases: Default::default() };
        let result = s.record_owner("store.owner", false).and_then(|()| s.load_strategy(&spec));
        if let Err(e) = result {
            drop(s);
            for f in [indsats_store::DB_FILE, "indsats.db-wal", "indsats.db-shm", indsats_store::keys::KEY_FILE] {
                let _ = std::fs::remove_file(dir.join(f));
            }
            return Err(e);
        }
        Ok(s)
    }

    /// Unlocks an existing store with its passphrase and acts as `ask` asks, within what the
    /// store grants (crate::identity): a front end may ask for fewer rights, never more. A
    /// successful unlock is audited. A failed one is counted beside the locked store (a count and
    /// two times, nothing else) and logged by the next successful unlock.
    ///
    /// A store made before owners were recorded takes the first person who unlocks it, with the
    /// role asked for, as its owner (audited as `store.owner`).
    pub fn unlock(dir: &Path, passphrase: &str, ask: impl Into<Ask>, clock: Box<dyn Clock>, seed: Option<u64>) -> Result<Session> {
        let store = match Store::open(dir, passphrase) {
            Ok(s) => s,
            Err(e @ indsats_store::StoreError::WrongPassphrase) => {
                indsats_store::record_failed_unlock(dir, clock.now())?;
                return Err(e.into());
            }
            Err(e) => return Err(e.into()),
        };
        let ask = ask.into();
        let (granted, adopted) = match identity::granted(&store)? {
            Some(g) => (g, false),
            None => {
                let user = ask.user.clone().unwrap_or_default();
                let role = match ask.role {
                    identity::AskRole::Exactly(r) | identity::AskRole::AtMost(r) => r,
                    identity::AskRole::Granted => Role::Caseworker,
                };
                let u = User::new(&user, role)?;
                (Identity { user: u.name, role: u.role, source: Source::Owner }, true)
            }
        };
        let user = identity::grant(&granted, &ask)?;
        let mut s = Session { store, user, granted, clock, rng: rng_from(seed), cases: Default::default() };
        if adopted {
            s.record_owner("store.owner", false)?;
        }
        let detail = if s.user.role == s.granted.role { String::new() } else { format!("granted {}", s.granted.role.code()) };
        if let Some(f) = indsats_store::read_failed(dir)? {
            let detail = format!("{} forsøg {}–{}", f.count, f.first, f.last);
            s.audited("session.unlock_failed", None, "sikkerhed", detail, |_| Ok(()))?;
            indsats_store::clear_failed(dir)?;
        }
        s.audited("session.unlock", None, "adgang", detail, |_| Ok(()))?;
        Ok(s)
    }

    /// Records the granted identity as the store's owner, in one audited write.
    pub(crate) fn record_owner(&mut self, action: &str, demo: bool) -> Result<()> {
        let (user, role) = (self.granted.user.clone(), self.granted.role);
        self.audited(action, None, "sikkerhed", format!("{user} ({})", role.code()), |tx| tx.set_owner(&user, role.code(), demo))
    }

    /// Changes the passphrase (re-wraps the key; the data is not re-encrypted). Audited.
    pub fn change_passphrase(&mut self, old: &str, new: &str, kdf: KdfParams) -> Result<()> {
        let dir = self.store.dir().to_path_buf();
        Store::change_passphrase(&dir, old, new, kdf)?;
        self.audited("store.passphrase_change", None, "sikkerhed", String::new(), |_| Ok(()))
    }

    pub fn user(&self) -> &User {
        &self.user
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.today()
    }

    /// Sets the store's page cache (bulk loads raise it for their duration).
    pub(crate) fn set_cache_mib(&self, mib: u32) -> Result<()> {
        Ok(self.store.set_cache_mib(mib)?)
    }

    pub fn data_dir(&self) -> &Path {
        self.store.dir()
    }

    /// The one role check of an operation: the acting role must include one of `allowed`
    /// (an admin has a team lead's rights, a team lead a caseworker's).
    pub(crate) fn require(&self, allowed: &'static [Role], action: &'static str) -> Result<()> {
        if allowed.iter().any(|a| self.user.role.includes(*a)) {
            Ok(())
        } else {
            Err(ApiError::Forbidden { action, role: self.user.role, allowed })
        }
    }

    /// The one check of a write to a case: a caseworker writes only the cases of their own
    /// caseload (the team refuses anything else at merge, docs/sync.md "Write authority"); a
    /// team lead or an admin writes any.
    pub(crate) fn require_case(&self, participant: ParticipantId) -> Result<()> {
        if self.user.role.includes(Role::TeamLead) {
            return Ok(());
        }
        let owner = self.store.read().participant(participant)?.caseworker;
        if owner == self.user.name { Ok(()) } else { Err(ApiError::NotYourCase { caseworker: owner }) }
    }

    pub(crate) fn entry(&self, action: &str, subject: Option<String>, purpose: &str, detail: String) -> AuditEntry {
        AuditEntry {
            user: self.user.name.clone(),
            role: self.user.role.code().to_string(),
            action: action.to_string(),
            subject,
            purpose: purpose.to_string(),
            detail,
        }
    }

    /// One transaction with its audit row.
    pub(crate) fn audited<T>(
        &mut self,
        action: &str,
        subject: Option<String>,
        purpose: &str,
        detail: String,
        f: impl FnOnce(&mut indsats_store::Tx<'_>) -> indsats_store::Result<T>,
    ) -> Result<T> {
        let entry = self.entry(action, subject, purpose, detail);
        let now = self.clock.now();
        Ok(self.store.write(now, &entry, f)?)
    }

    pub(crate) fn new_id<T>(&mut self, make: fn(u64, [u8; 10]) -> T) -> T {
        let mut r = [0u8; 10];
        self.rng.fill_bytes(&mut r);
        make(u64::try_from(self.clock.now().timestamp_millis()).unwrap_or(0), r)
    }

    pub(crate) fn pseudonym(rng: &mut impl RngCore) -> String {
        let mut s = String::from("D-");
        for _ in 0..8 {
            s.push(char::from(PSEUDONYM_ALPHABET[rng.random_range(0..PSEUDONYM_ALPHABET.len())]));
        }
        s
    }

    // ---- Strategy ----------------------------------------------------------------------------

    fn load_strategy(&mut self, spec: &StrategySpec) -> Result<()> {
        // Named ids: every laptop that loads the same strategy makes the same rows, so that they
        // meet when the team syncs.
        let sid = StrategyId::named(&format!("strategy/{}", spec.key));
        let strategy = Strategy {
            id: sid,
            key: spec.key.clone(),
            municipality: spec.municipality.clone(),
            title: spec.title.clone(),
            vision: spec.vision.clone(),
            period_start: spec.period_start,
            period_end: spec.period_end,
        };
        let mut goals = Vec::new();
        for (pos, g) in spec.goals.iter().enumerate() {
            let gid = GoalId::named(&format!("goal/{}/{}", spec.key, g.key));
            let mut indicators = Vec::new();
            for i in &g.indicators {
                indicators.push(Indicator {
                    id: IndicatorId::named(&format!("indicator/{}/{}/{}", spec.key, g.key, i.key)),
                    goal: gid,
                    key: i.key.clone(),
                    name: i.name.clone(),
                    name_en: i.name_en.clone(),
                    definition: i.definition.clone(),
                    unit: i.unit,
                    direction: i.direction,
                    measure: i.measure,
                    baseline: i.baseline,
                    baseline_year: i.baseline_year,
                    source: i.source.clone(),
                    targets: i.targets.iter().map(|t| YearTarget { year: t.year, value: t.value, illustrative: t.illustrative }).collect(),
                });
            }
            goals.push((
                Goal {
                    id: gid,
                    strategy: sid,
                    key: g.key.clone(),
                    position: pos as u32 + 1,
                    title: g.title.clone(),
                    title_en: g.title_en.clone(),
                    description: g.description.clone(),
                },
                indicators,
            ));
        }
        self.audited("strategy.load", Some(sid.to_string()), "opsætning", spec.key.clone(), |tx| {
            tx.insert_strategy(&strategy)?;
            for (g, inds) in &goals {
                tx.insert_goal(g)?;
                for i in inds {
                    tx.insert_indicator(i)?;
                }
            }
            Ok(())
        })
    }

    pub fn strategy(&self) -> Result<Option<Strategy>> {
        Ok(self.store.read().strategy()?)
    }

    /// Every goal with its indicators and linked initiatives.
    pub fn goals(&self) -> Result<Vec<GoalView>> {
        let r = self.store.read();
        let indicators = r.indicators()?;
        let initiatives = r.initiatives(&InitiativeFilter::default(), self.today())?;
        let mut out = Vec::new();
        for goal in r.goals()? {
            let mut linked = Vec::new();
            for s in initiatives.iter().filter(|s| s.goals.contains(&goal.id)) {
                let contribution =
                    r.goal_links(s.initiative.id)?.into_iter().find(|l| l.goal == goal.id).map(|l| l.contribution).unwrap_or_default();
                linked.push((s.initiative.id, s.initiative.title.clone(), contribution));
            }
            out.push(GoalView {
                indicators: indicators.iter().filter(|i| i.goal == goal.id).cloned().collect(),
                initiatives: linked,
                goal,
            });
        }
        Ok(out)
    }

    /// Sets (or replaces) an indicator's target for a year; a set target is no longer illustrative.
    pub fn set_target(&mut self, indicator: &str, year: i32, value: f64) -> Result<()> {
        self.require(&[Role::TeamLead, Role::Admin], "set indicator targets")?;
        validate::in_range("year", f64::from(year), 2000.0, 2100.0)?;
        if !value.is_finite() {
            return Err(indsats_core::ValidationError::OutOfRange { field: "value", min: f64::MIN, max: f64::MAX, value }.into());
        }
        let ind = self.store.read().indicator(indicator)?;
        self.audited("indicator.set_target", Some(ind.id.to_string()), "målstyring", format!("{year}={value}"), |tx| {
            tx.set_target(ind.id, &YearTarget { year, value, illustrative: false })
        })
    }

    /// Enters (or corrects) a manual indicator's value for a period: team leads and administrators.
    pub fn set_manual_value(&mut self, indicator: &str, period: Period, value: f64, note: &str) -> Result<()> {
        self.require(&[Role::TeamLead, Role::Admin], "enter indicator values")?;
        validate::optional_text("note", note, 500)?;
        if !value.is_finite() {
            return Err(indsats_core::ValidationError::NotANumber { field: "value", value: value.to_string() }.into());
        }
        let ind = self.store.read().indicator(indicator)?;
        let entry = indsats_store::ManualValue {
            indicator: ind.id,
            period: period.to_string(),
            value,
            note: note.trim().to_string(),
            entered_by: self.user.name.clone(),
            entered_at: self.clock.now(),
        };
        self.audited("indicator.set_value", Some(ind.id.to_string()), "målstyring", format!("{period}={value}"), |tx| {
            tx.set_manual_value(&entry)
        })
    }

    /// The values entered for the manual indicators, each with its period, note and who entered
    /// it (aggregates from a survey or a register: nothing about anyone). Newest period first.
    pub fn manual_values(&self) -> Result<Vec<indsats_store::ManualValue>> {
        let mut all = self.store.read().manual_values()?;
        all.sort_by(|a, b| b.period.cmp(&a.period));
        Ok(all)
    }

    // ---- Initiatives ---------------------------------------------------------------------------

    pub fn add_initiative(&mut self, new: NewInitiative) -> Result<InitiativeId> {
        let id = self.new_id(InitiativeId::new);
        let initiative = checked_initiative(id, new)?;
        self.audited("initiative.create", Some(id.to_string()), "registrering", String::new(), |tx| tx.insert_initiative(&initiative))?;
        Ok(id)
    }

    /// Edits an initiative's details with the same rules as a new one. Audited.
    pub fn update_initiative(&mut self, id: InitiativeId, edit: NewInitiative) -> Result<()> {
        let initiative = checked_initiative(id, edit)?;
        self.audited("initiative.update", Some(id.to_string()), "registrering", String::new(), |tx| tx.update_initiative(&initiative))
    }

    pub fn initiatives(&self, filter: &InitiativeFilter) -> Result<Vec<InitiativeRow>> {
        Ok(self.store.read().initiatives(filter, self.today())?)
    }

    /// Resolves a goal given by id or key (for front ends that accept either).
    pub fn goal_id(&self, id_or_key: &str) -> Result<GoalId> {
        Ok(self.store.read().goal(id_or_key)?.id)
    }

    pub fn initiative(&self, id: InitiativeId) -> Result<InitiativeView> {
        let r = self.store.read();
        let initiative = r.initiative(id)?;
        let goals = r.goals()?;
        let links = r
            .goal_links(id)?
            .into_iter()
            .map(|l| {
                let title = goals.iter().find(|g| g.id == l.goal).map(|g| g.title.clone()).unwrap_or_default();
                (l, title)
            })
            .collect();
        let mut enrolments = Vec::new();
        let (mut ended, mut good, mut dropped, mut better) = (0, 0, 0, 0);
        let mut people = std::collections::HashSet::new();
        for e in r.enrolments_of_initiative(id)? {
            people.insert(e.participant);
            if e.end.is_some() {
                ended += 1;
            }
            match e.outcome {
                Some(EnrolmentOutcome::DroppedOut) => dropped += 1,
                Some(EnrolmentOutcome::WentToJob | EnrolmentOutcome::WentToEducation) => {
                    good += 1;
                    better += 1;
                }
                Some(EnrolmentOutcome::Completed) => good += 1,
                None => {}
            }
            let pseudonym = r.participant(e.participant).map(|p| p.pseudonym).unwrap_or_default();
            enrolments.push((e, pseudonym));
        }
        Ok(InitiativeView {
            initiative,
            goals: links,
            enrolments,
            participants: people.len() as u32,
            ended,
            completed_or_better: good,
            dropped_out: dropped,
            to_job_or_education: better,
        })
    }

    /// Links an initiative to a goal with a sentence on how it contributes.
    pub fn link_initiative(&mut self, initiative: InitiativeId, goal: &str, contribution: &str) -> Result<()> {
        let contribution = validate::required_text("contribution", contribution, 500)?;
        let goal = self.store.read().goal(goal)?;
        let link = GoalLink { initiative, goal: goal.id, contribution };
        self.audited("initiative.link", Some(initiative.to_string()), "registrering", goal.key, |tx| tx.link_goal(&link))
    }

    /// Sets an initiative's status; closing takes an end date (today when none is given).
    pub fn set_initiative_status(&mut self, id: InitiativeId, status: InitiativeStatus, end: Option<NaiveDate>) -> Result<()> {
        let end = match (status, end) {
            (InitiativeStatus::Closed, None) => Some(self.today()),
            (_, e) => e,
        };
        self.audited("initiative.status", Some(id.to_string()), "registrering", status.code().to_string(), |tx| {
            tx.set_initiative_status(id, status, end)
        })
    }

    // ---- Participants --------------------------------------------------------------------------

    /// A participant's details checked with the day's date, as a new registration and a
    /// correction both need them: name, CPR number (its modulus-11 check only warns), birth year
    /// (from the CPR number when not given), and dates in order and not in the future.
    pub(crate) fn checked_details(&self, new: &NewParticipant) -> Result<CheckedDetails> {
        let today = self.today();
        let name = validate::required_text("name", &new.name, 200)?;
        let mut warnings = Vec::new();
        let cpr = match new.cpr.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => {
                let check = Cpr::parse(c, today)?;
                if !check.modulus11_ok {
                    warnings.push(Warning::CprModulus11);
                }
                Some(check)
            }
        };
        let birth_year = match (new.birth_year, &cpr) {
            (Some(y), _) => y,
            (None, Some(c)) => chrono::Datelike::year(&c.birth_date),
            (None, None) => {
                return Err(indsats_core::ValidationError::Required { field: "birth_year" }.into());
            }
        };
        validate::in_range("birth_year", f64::from(birth_year), 1900.0, f64::from(chrono::Datelike::year(&today)))?;
        if let Some(a) = new.arrival_date {
            validate::not_in_future("arrival_date", a, today)?;
        }
        if let Some(start) = new.programme_start {
            validate::programme(start, new.programme_end)?;
        } else if new.programme_end.is_some() {
            return Err(indsats_core::ValidationError::Required { field: "programme_start" }.into());
        }
        Ok(CheckedDetails { name, cpr: cpr.map(|c| c.cpr), birth_year, warnings })
    }

    pub fn add_participant(&mut self, new: NewParticipant) -> Result<Added> {
        let CheckedDetails { name, cpr, birth_year, mut warnings } = self.checked_details(&new)?;
        let caseworker = match new.caseworker.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => validate::required_text("caseworker", c, 64)?,
            None => self.user.name.clone(),
        };
        if !self.user.role.includes(Role::TeamLead) && caseworker != self.user.name {
            return Err(ApiError::NotYourCase { caseworker });
        }
        let id = self.new_id(ParticipantId::new);
        let mut p = Participant {
            id,
            pseudonym: Self::pseudonym(&mut self.rng),
            name,
            cpr,
            birth_year,
            origin: new.origin,
            arrival_date: new.arrival_date,
            programme: new.programme,
            programme_start: new.programme_start,
            programme_end: new.programme_end,
            caseworker,
            case_closed: None,
        };
        // A pseudonym collision is astronomically rare; pick another rather than fail.
        for _ in 0..8 {
            if self.store.read().participant_ref(&p.pseudonym).is_err() {
                break;
            }
            p.pseudonym = Self::pseudonym(&mut self.rng);
        }
        self.refuse_duplicate(&p, new.not_a_duplicate)?;
        if p.caseworker != self.user.name
            && let Some(m) = indsats_sync::membership::Membership::load(&self.store)?
            && !m.roster.devices.iter().any(|d| d.user == p.caseworker)
        {
            warnings.push(Warning::CaseworkerNotInTeam);
        }
        let pseudonym = p.pseudonym.clone();
        self.audited("participant.create", Some(id.to_string()), "registrering", String::new(), |tx| tx.insert_participant(&p))?;
        Ok(Added { id, pseudonym, warnings })
    }

    /// Refuses a new participant who may already have a case: the same CPR number, or (unless
    /// confirmed as someone else) the same name and birth year. The existing case is named by its
    /// pseudonym, and showing it is audited like a search hit.
    pub(crate) fn refuse_duplicate(&mut self, p: &Participant, confirmed_other: bool) -> Result<()> {
        let found = {
            let r = self.store.read();
            let by_cpr = match &p.cpr {
                Some(cpr) => r.participant_by_cpr(cpr.digits())?,
                None => None,
            };
            let found = match by_cpr {
                Some(id) => Some((id, true)),
                None if confirmed_other => None,
                None => {
                    let wanted = normalised_name(&p.name);
                    r.search(&p.name, 200)?
                        .into_iter()
                        .find(|h| h.birth_year == p.birth_year && normalised_name(&h.name) == wanted)
                        .map(|h| (h.id, false))
                }
            };
            match found {
                Some((id, by_cpr)) => Some((id, by_cpr, r.participant(id)?.pseudonym)),
                None => None,
            }
        };
        let Some((id, by_cpr, pseudonym)) = found else { return Ok(()) };
        let why = if by_cpr { "samme cpr" } else { "samme navn og fødselsår" };
        let detail = indsats_store::shown_detail(why, std::iter::once(pseudonym.as_str()));
        self.audited("participant.duplicate", Some(id.to_string()), "registrering", detail, |_| Ok(()))?;
        Err(ApiError::PossibleDuplicate { pseudonym, id, by_cpr })
    }

    /// Resolves a participant given by id or pseudonym.
    pub fn participant_id(&self, id_or_pseudonym: &str) -> Result<ParticipantId> {
        Ok(self.store.read().participant_ref(id_or_pseudonym)?)
    }

    /// Lists participants (names included): an audited read that records whom it showed.
    pub fn participants(&mut self, filter: &ParticipantFilter, purpose: &str) -> Result<Vec<Participant>> {
        let purpose = validate::required_text("purpose", purpose, 200)?;
        let list = self.store.read().participants(filter)?;
        let detail = indsats_store::shown_detail("", list.iter().map(|p| p.pseudonym.as_str()));
        self.audited("participant.list", filter.caseworker.clone(), &purpose, detail, |_| Ok(()))?;
        Ok(list)
    }

    /// Search as you type: an audited read whose subject is the search term (never a CPR
    /// number) and whose detail names the persons shown. The hits are returned only once that
    /// row is committed.
    pub fn find_participants(&mut self, query: &str, limit: u32, purpose: &str) -> Result<Vec<SearchHit>> {
        let purpose = validate::required_text("purpose", purpose, 200)?;
        let q = query.trim().to_string();
        if q.is_empty() {
            return Ok(Vec::new());
        }
        let hits = self.store.read().search(&q, limit)?;
        let shown = hits.iter().map(|h| h.pseudonym.as_str());
        let (subject, detail) = if is_whole_cpr(&q) {
            // The log records whom a CPR search found, never the number itself.
            let note = if hits.is_empty() { "cpr: ingen fundet" } else { "cpr" };
            (hits.first().map(|h| h.id.to_string()), indsats_store::shown_detail(note, shown))
        } else {
            (Some(q.clone()), indsats_store::shown_detail("", shown))
        };
        self.audited("participant.search", subject, &purpose, detail, |_| Ok(()))?;
        Ok(hits)
    }

    /// A participant's whole case: an audited read.
    pub fn participant(&mut self, id: ParticipantId, purpose: &str) -> Result<ParticipantView> {
        let purpose = validate::required_text("purpose", purpose, 200)?;
        let today = self.today();
        self.audited("participant.read", Some(id.to_string()), &purpose, String::new(), |tx| view_of(&tx.read(), id, today))
    }

    /// Closes a participant's case on `date` (today when none): ends nothing else.
    pub fn close_case(&mut self, id: ParticipantId, date: Option<NaiveDate>) -> Result<()> {
        let today = self.today();
        let date = date.unwrap_or(today);
        validate::not_in_future("closed", date, today)?;
        self.require_case(id)?;
        self.audited("participant.close", Some(id.to_string()), "sagsbehandling", String::new(), |tx| {
            tx.read().participant(id)?;
            tx.set_case_closed(id, Some(date))
        })
    }

    /// Reopens a closed case (closed by mistake, or the citizen is back): its closing date is
    /// cleared, a logged write that syncs like any edit. An open case is left as it is.
    pub fn reopen_case(&mut self, id: ParticipantId) -> Result<()> {
        self.require_case(id)?;
        if self.store.read().participant(id)?.case_closed.is_none() {
            return Ok(());
        }
        let closed = self.store.read().participant(id)?.case_closed;
        let changes = vec![indsats_core::model::FieldChange { field: "closed".into(), from: closed.map(|d| d.to_string()), to: None }];
        let c = self.correction(id, CorrectionTarget::Participant, id.to_string(), CorrectionKind::Reopen, changes, String::new());
        self.audited("participant.reopen", Some(id.to_string()), "sagsbehandling", String::new(), |tx| {
            tx.set_case_closed(id, None)?;
            tx.insert_correction(&c)
        })
    }

    // ---- Enrolments and progress ---------------------------------------------------------------

    pub fn enrol(
        &mut self,
        participant: ParticipantId,
        initiative: InitiativeId,
        start: NaiveDate,
        end: Option<NaiveDate>,
    ) -> Result<EnrolmentId> {
        validate::period(start, end)?;
        self.require_case(participant)?;
        let id = self.new_id(EnrolmentId::new);
        let e = Enrolment { id, participant, initiative, start, end, outcome: None };
        self.audited("enrolment.create", Some(participant.to_string()), "sagsbehandling", initiative.to_string(), |tx| {
            tx.insert_enrolment(&e)
        })?;
        Ok(id)
    }

    pub fn end_enrolment(&mut self, id: EnrolmentId, end: NaiveDate, outcome: EnrolmentOutcome) -> Result<()> {
        validate::not_in_future("end", end, self.today())?;
        let p = self.store.read().enrolment(id)?.participant;
        self.require_case(p)?;
        self.audited("enrolment.end", Some(p.to_string()), "sagsbehandling", id.to_string(), |tx| tx.end_enrolment(id, end, outcome))
    }

    /// Records one progress event, durably (one fsync'd transaction with its change log and audit).
    pub fn record_progress(&mut self, participant: ParticipantId, date: NaiveDate, details: EventDetails) -> Result<EventId> {
        self.record_progress_with_note(participant, date, details, None)
    }

    /// Records one progress event and, when given, the journal note on it (what was said in a
    /// conversation), in one transaction: both or neither.
    pub fn record_progress_with_note(
        &mut self,
        participant: ParticipantId,
        date: NaiveDate,
        details: EventDetails,
        note: Option<&str>,
    ) -> Result<EventId> {
        event::validate_new(&details, date, self.today())?;
        self.require_case(participant)?;
        let note = match note.map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) => Some(validate::required_text("text", n, crate::notes::NOTE_MAX)?),
            None => None,
        };
        let id = self.new_id(EventId::new);
        let note = match note {
            Some(text) => Some(JournalNote {
                id: self.new_id(NoteId::new),
                participant,
                event: Some(id),
                replaces: None,
                text,
                written_by: self.user.name.clone(),
                written_at: self.clock.now(),
            }),
            None => None,
        };
        let ev = ProgressEvent { id, participant, date, details, recorded_by: self.user.name.clone(), recorded_at: self.clock.now() };
        let mut detail = ev.details.type_code().to_string();
        if let Some(n) = &note {
            detail.push_str(&format!(" note {}", n.id));
        }
        self.audited("event.record", Some(participant.to_string()), "sagsbehandling", detail, |tx| {
            let p = tx.read().participant(participant)?;
            if p.case_closed.is_some_and(|c| c < date) {
                return Err(indsats_core::ValidationError::CaseClosed.into());
            }
            tx.insert_event(&ev)?;
            if let Some(n) = &note {
                tx.insert_note(n)?;
            }
            Ok(())
        })?;
        Ok(id)
    }

    /// A participant's timeline with the ladder step after each event, and the corrections of
    /// the case's records: an audited read.
    pub fn timeline(&mut self, id: ParticipantId, purpose: &str) -> Result<TimelineView> {
        let view = self.participant(id, purpose)?;
        let rules = LadderRules::default();
        let pairs: Vec<_> = view.events.iter().map(|e| (e.date, &e.details)).collect();
        let events = view.events.iter().map(|e| (e.clone(), ladder::step_on(&pairs, e.date, &rules))).collect();
        Ok(TimelineView { events, corrections: view.corrections, notes: view.notes })
    }

    // ---- Overview ------------------------------------------------------------------------------

    /// Caseload and goal overview, as numbers. Aggregates only: not an audited read of anyone.
    pub fn status(&self, no_contact_days: u32) -> Result<StatusView> {
        let today = self.today();
        let r = self.store.read();
        let strategy = r.strategy()?;
        let counts = r.counts(today)?;
        let caseload = r.caseload(today - Duration::days(i64::from(no_contact_days)))?;
        let ladder_counts = ladder_today(&self.cases()?, today);
        let initiatives = r.initiatives(&InitiativeFilter::default(), today)?;
        let indicators = r.indicators()?;
        let goals = r
            .goals()?
            .into_iter()
            .map(|g| {
                let linked: Vec<_> = initiatives.iter().filter(|s| s.goals.contains(&g.id)).collect();
                GoalStatusRow {
                    indicators: indicators.iter().filter(|i| i.goal == g.id).count() as u32,
                    initiatives_active: linked.iter().filter(|s| s.initiative.status == InitiativeStatus::Active).count() as u32,
                    participants_enrolled_now: linked.iter().map(|s| s.enrolled_now).sum(),
                    key: g.key,
                    title: g.title,
                }
            })
            .collect();
        Ok(StatusView {
            municipality: strategy.as_ref().map(|s| s.municipality.clone()).unwrap_or_default(),
            strategy: strategy.map(|s| s.title).unwrap_or_default(),
            today,
            counts,
            caseload,
            no_contact_days,
            ladder: ladder_counts,
            events_by_type: r.event_counts()?,
            goals,
        })
    }

    // ---- Indicators and goal status -------------------------------------------------------------

    /// Every indicator for `period` with its value, target, status and trend; aggregates only (the
    /// participants behind a value are left out: see [`Session::indicator_participants`]).
    pub fn indicators(&self, period: Period) -> Result<Vec<IndicatorResult>> {
        let r = self.store.read();
        let mut results = indsats_report::evaluate_all(r.indicators()?, period, &self.cases()?, &r.manual_values()?, self.today());
        for r in &mut results {
            r.computed.participants.clear();
            r.previous.participants.clear();
        }
        Ok(results)
    }

    /// Every case's facts: loaded once, then only the cases whose facts changed since are read
    /// again (by the facts' stamp), when the store's data has changed at all.
    fn cases(&self) -> Result<Cases> {
        let generation = self.store.generation()?;
        let mut cache = self.cases.borrow_mut();
        if let Some(c) = cache.as_mut() {
            if c.generation == generation {
                return Ok(c.cases.clone());
            }
            let r = self.store.read();
            let stamp = r.facts_stamp()?;
            if stamp < c.stamp {
                // The facts were rebuilt from scratch meanwhile: load them all again below.
            } else {
                if stamp > c.stamp {
                    let changed = indsats_report::load_cases_since(&r, c.stamp)?;
                    indsats_report::merge_cases(std::sync::Arc::make_mut(&mut c.cases), changed);
                }
                c.generation = generation;
                c.stamp = stamp;
                return Ok(c.cases.clone());
            }
        }
        let r = self.store.read();
        let stamp = r.facts_stamp()?;
        let cases = std::sync::Arc::new(indsats_report::load_cases(&r)?);
        *cache = Some(CasesCache { generation, stamp, cases: cases.clone() });
        Ok(cases)
    }

    /// The team lead's landing page, in one read: every goal with its indicators (value, target,
    /// previous period, status) for `period`, the caseload per caseworker with how many cases
    /// have had no contact for `no_contact_days`, and open cases per ladder step today.
    /// Aggregates only: not an audited read of anyone.
    pub fn overview(&self, period: Period, no_contact_days: u32) -> Result<OverviewView> {
        let today = self.today();
        let r = self.store.read();
        let cases = self.cases()?;
        let manual = r.manual_values()?;
        let mut results = indsats_report::evaluate_all(r.indicators()?, period, &cases, &manual, today);
        for x in &mut results {
            x.computed.participants.clear();
            x.previous.participants.clear();
        }
        let mut goals = Vec::new();
        for g in r.goals()? {
            let mine: Vec<IndicatorResult> = results.iter().filter(|x| x.indicator.goal == g.id).cloned().collect();
            let status = indsats_report::goal_status(&mine.iter().collect::<Vec<_>>());
            goals.push((g, status, mine));
        }
        let ladder = ladder_today(&cases, today);
        let caseload = r.caseload(today - Duration::days(i64::from(no_contact_days)))?;
        Ok(OverviewView { period, today, goals, caseload, no_contact_days, ladder })
    }

    /// Every indicator over `periods` (in the order given): the points of the trend charts.
    /// The facts are loaded once for all periods. Aggregates only: not an audited read.
    pub fn trend(&self, periods: &[Period]) -> Result<Vec<(Period, Vec<IndicatorResult>)>> {
        periods.iter().map(|p| Ok((*p, self.indicators(*p)?))).collect()
    }

    /// Each goal with its status for `period`: the worst of its indicators' known statuses.
    pub fn goal_status(&self, period: Period) -> Result<Vec<(Goal, Status, Vec<IndicatorResult>)>> {
        let results = self.indicators(period)?;
        let mut out = Vec::new();
        for g in self.store.read().goals()? {
            let mine: Vec<IndicatorResult> = results.iter().filter(|r| r.indicator.goal == g.id).cloned().collect();
            let status = indsats_report::goal_status(&mine.iter().collect::<Vec<_>>());
            out.push((g, status, mine));
        }
        Ok(out)
    }

    /// The participants counted in an indicator's value (drill-down): team leads and
    /// administrators only, and an audited read with its purpose.
    pub fn indicator_participants(&mut self, indicator: &str, period: Period, purpose: &str) -> Result<Vec<SearchHit>> {
        self.require(&[Role::TeamLead, Role::Admin], "see the participants behind an indicator")?;
        let purpose = validate::required_text("purpose", purpose, 200)?;
        let ind = self.store.read().indicator(indicator)?;
        let cases = self.cases()?;
        let ids = indsats_report::compute(ind.measure, period, &cases, self.today()).participants;
        let hits = {
            let r = self.store.read();
            let mut hits = Vec::with_capacity(ids.len());
            for id in &ids {
                let p = r.participant(*id)?;
                hits.push(SearchHit {
                    id: p.id,
                    pseudonym: p.pseudonym,
                    name: p.name,
                    birth_year: p.birth_year,
                    caseworker: p.caseworker,
                    case_closed: p.case_closed,
                });
            }
            hits
        };
        let note = format!("{} {period} ({} deltagere)", ind.key, ids.len());
        let detail = indsats_store::shown_detail(&note, hits.iter().map(|h| h.pseudonym.as_str()));
        self.audited("indicator.participants", Some(ind.id.to_string()), &purpose, detail, |_| Ok(()))?;
        Ok(hits)
    }

    /// A participant's whole case as an encrypted file (age, passphrase) for handing the case
    /// over: the case's own caseworker or a team lead; an audited read with its purpose.
    /// `work_factor` is for tests (scrypt log2 N); `None` is about a second's work.
    pub fn export_case(&mut self, id: ParticipantId, passphrase: &str, purpose: &str, work_factor: Option<u8>) -> Result<Vec<u8>> {
        self.require(&[Role::Caseworker, Role::TeamLead], "export a participant's case")?;
        let purpose = validate::required_text("purpose", purpose, 200)?;
        indsats_store::keys::check_passphrase(passphrase)?;
        let owner = self.store.read().participant(id)?.caseworker;
        if self.user.role == Role::Caseworker && owner != self.user.name {
            return Err(ApiError::NotYourCase { caseworker: owner });
        }
        let view = view_of(&self.store.read(), id, self.today())?;
        let at = self.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let doc = crate::case_file::to_json(&view, &at, &self.user.name);
        let plain = serde_json::to_vec_pretty(&doc).map_err(|_| ApiError::CaseFile("encrypted"))?;
        let sealed = crate::case_file::seal(&plain, passphrase, work_factor)?;
        let detail = format!("{} bytes, {} events", sealed.len(), view.events.len());
        self.audited("participant.export", Some(id.to_string()), &purpose, detail, |_| Ok(()))?;
        Ok(sealed)
    }

    // ---- Reports -------------------------------------------------------------------------------

    /// The management summary for `period`: aggregates only, through disclosure control with
    /// cells under `threshold` persons hidden (never below 3). Team leads and administrators;
    /// logged with the snapshot hash it was made from.
    pub fn summary(&mut self, period: Period, lang: Lang, threshold: u64) -> Result<Summary> {
        self.require(&[Role::TeamLead, Role::Admin], "make management summaries")?;
        let min = indsats_report::disclosure::MIN_THRESHOLD;
        validate::in_range("threshold", threshold as f64, min as f64, 1000.0)?;
        let params = SummaryParams { period, as_of: self.today(), lang, threshold };
        let data = SummaryData::load(&self.store.read())?;
        let snapshot = data.snapshot();
        let provenance = Provenance {
            generated_at: self.clock.now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            generated_by: format!("{} ({})", self.user.name, self.user.role.label(lang)),
            snapshot: snapshot.clone(),
            as_of: params.as_of,
            threshold,
            version: env!("CARGO_PKG_VERSION").to_string(),
        };
        let summary = indsats_report::summary::build(&data, &params, provenance)?;
        self.audited("report.summary", None, "ledelsesrapportering", indsats_report::summary::marker(&params, &snapshot), |_| Ok(()))?;
        Ok(summary)
    }

    /// Whether the data behind a report made with `params` and `snapshot` is unchanged: the
    /// snapshot hash made again from the data as it is now.
    pub fn verify_summary(&self, snapshot: &str) -> Result<(bool, String)> {
        let data = SummaryData::load(&self.store.read())?;
        let now = data.snapshot();
        Ok((now == snapshot, now))
    }

    // ---- Drafts --------------------------------------------------------------------------------

    /// Keeps the acting user's unsaved form `form` (its fields as JSON) in the encrypted store, so
    /// that a crash or the idle lock loses nothing. Not audited: it is the user's own typing.
    pub fn save_draft(&self, form: &str, body: &str) -> Result<()> {
        let key = self.draft_key(form)?;
        validate::optional_text("draft", body, 64 * 1024)?;
        Ok(self.store.save_draft(&key, body, self.clock.now())?)
    }

    /// The acting user's drafts: (form, body, saved at RFC 3339), oldest first.
    pub fn drafts(&self) -> Result<Vec<(String, String, String)>> {
        let prefix = format!("{}/", self.user.name);
        let rows = self.store.drafts(&prefix)?;
        Ok(rows.into_iter().map(|(k, b, at)| (k[prefix.len()..].to_string(), b, at)).collect())
    }

    /// Drops the acting user's draft of `form` (saved or discarded).
    pub fn discard_draft(&self, form: &str) -> Result<()> {
        let key = self.draft_key(form)?;
        Ok(self.store.discard_draft(&key)?)
    }

    fn draft_key(&self, form: &str) -> Result<String> {
        let form = validate::required_text("form", form, 64)?;
        Ok(format!("{}/{form}", self.user.name))
    }
}

/// A whole CPR number typed into search (10 digits, perhaps with a hyphen or spaces).
fn is_whole_cpr(q: &str) -> bool {
    q.chars().filter(char::is_ascii_digit).count() == 10 && q.chars().all(|c| c.is_ascii_digit() || c == '-' || c == ' ')
}

fn rng_from(seed: Option<u64>) -> ChaCha20Rng {
    match seed {
        Some(s) => ChaCha20Rng::seed_from_u64(s),
        None => ChaCha20Rng::from_os_rng(),
    }
}

/// A device's name in the change log: a UUIDv7, unique per installation.
struct DeviceTag(String);

impl DeviceTag {
    fn new(rng: &mut ChaCha20Rng, millis: i64) -> Self {
        let mut r = [0u8; 10];
        rng.fill_bytes(&mut r);
        DeviceTag(indsats_core::ids::uuid_v7(u64::try_from(millis).unwrap_or(0), r).to_string())
    }
}

/// A participant's case as the profile shows it.
fn view_of(r: &indsats_store::Reader<'_>, id: ParticipantId, today: NaiveDate) -> indsats_store::Result<ParticipantView> {
    let participant = r.participant(id)?;
    let events = r.events_of_participant(id)?;
    let mut enrolments = Vec::new();
    for e in r.enrolments_of_participant(id)? {
        let title = r.initiative(e.initiative).map(|i| i.title).unwrap_or_default();
        enrolments.push((e, title));
    }
    let pairs: Vec<_> = events.iter().map(|e| (e.date, &e.details)).collect();
    let rules = LadderRules::default();
    let target_group = events.iter().rev().find_map(|e| match e.details {
        EventDetails::Visitation { target_group } => Some((target_group, e.date)),
        _ => None,
    });
    Ok(ParticipantView {
        corrections: r.corrections_of_participant(id)?,
        notes: crate::notes::threads(r.notes_of_participant(id)?),
        ladder_step: ladder::step_on(&pairs, today, &rules),
        ladder_history: ladder::history(&pairs, today, &rules),
        participant,
        target_group,
        enrolments,
        events,
    })
}

/// Open cases per ladder step 0–6 on `today` (a case without events is step 0).
fn ladder_today(cases: &[indsats_report::Case], today: NaiveDate) -> [u32; 7] {
    let mut ladder = [0u32; 7];
    for case in cases.iter().filter(|c| c.closed.is_none()) {
        ladder[usize::from(case.facts.step_on(today)).min(6)] += 1;
    }
    ladder
}

/// A new or edited initiative, checked: required texts, dates in order, a sane capacity.
fn checked_initiative(id: InitiativeId, new: NewInitiative) -> Result<Initiative> {
    let title = validate::required_text("title", &new.title, 200)?;
    let owner = validate::required_text("owner", &new.owner, 120)?;
    validate::optional_text("description", &new.description, 4000)?;
    validate::period(new.start, new.end)?;
    if let Some(c) = new.capacity {
        validate::in_range("capacity", f64::from(c), 1.0, 100_000.0)?;
    }
    Ok(Initiative {
        id,
        title,
        kind: new.kind,
        owner,
        start: new.start,
        end: new.end,
        capacity: new.capacity,
        status: new.status,
        description: new.description.trim().to_string(),
    })
}

/// A participant's details after [`Session::checked_details`].
pub(crate) struct CheckedDetails {
    pub name: String,
    pub cpr: Option<indsats_core::cpr::Cpr>,
    pub birth_year: i32,
    pub warnings: Vec<Warning>,
}

/// A name compared for duplicates: case and spacing folded.
pub(crate) fn normalised_name(name: &str) -> String {
    name.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}
