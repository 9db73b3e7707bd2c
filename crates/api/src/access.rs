//! The access log as a team lead reviews it: this laptop's audit rows and, on a lead's laptop,
//! the team's (received in access bundles, docs/sync.md "The access log"); filters by person,
//! citizen, action and period; the chains' check; the monthly review sample; the citizen's
//! extract (GDPR art. 15).

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc};
use indsats_core::ids::ParticipantId;
use indsats_core::model::Role;
use indsats_core::validate;
use indsats_report::Period;
use indsats_store::{AuditFilter, AuditRow, Citizen, ReviewOutcome};
use rand::Rng;

use crate::error::{ApiError, Result};
use crate::session::Session;

/// Who may read the access log: team leads (and admins, who have a lead's rights).
const LEADS: &[Role] = &[Role::TeamLead];

/// The actions that show a person's data to someone: what the review samples and what a
/// citizen's extract is about.
pub const ACCESS_ACTIONS: &[&str] = &[
    "participant.read",
    "participant.search",
    "participant.list",
    "participant.export",
    "participant.plan",
    "indicator.participants",
    "audit.extract",
];

/// How many accesses per person the monthly review draws (all of them when fewer).
pub const SAMPLE_PER_PERSON: usize = 5;

/// What to list: every condition given must hold. Front ends pass what a person typed.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// The person who acted (a user name).
    pub user: Option<String>,
    /// The citizen the rows are about: a pseudonym, or a name that finds exactly one person.
    pub citizen: Option<String>,
    /// The start of an action code (`participant.`, `participant.read`).
    pub action: Option<String>,
    /// From this day (inclusive, UTC).
    pub from: Option<NaiveDate>,
    /// To this day (inclusive, UTC).
    pub to: Option<NaiveDate>,
    /// Rows whose subject is this id (an initiative, an indicator).
    pub subject: Option<String>,
    /// The most rows (newest first); 1,000 when not given.
    pub limit: Option<u32>,
}

/// One row of the access log, for a screen.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditLine {
    /// The device whose log holds the row, and its name on the roster (if in a team).
    pub device: String,
    pub device_name: Option<String>,
    /// Whether the row is this laptop's own.
    pub own: bool,
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user: String,
    pub role: String,
    pub action: String,
    pub subject: Option<String>,
    /// The subject's pseudonym when it is a participant on this laptop.
    pub subject_label: Option<String>,
    pub purpose: String,
    pub detail: String,
}

/// The access log's check.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditCheck {
    /// Rows in this laptop's own log, whose chain holds.
    pub own_rows: u64,
    /// The other devices' logs held here (a team lead's laptop).
    pub devices: Vec<DeviceLog>,
}

impl AuditCheck {
    /// Whether everything checked holds.
    pub fn ok(&self) -> bool {
        self.devices.iter().all(|d| d.problem.is_none())
    }
}

/// One other device's log as held on this laptop.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceLog {
    pub device: String,
    pub name: Option<String>,
    pub user: Option<String>,
    pub first_seq: i64,
    pub last_seq: i64,
    pub rows: u64,
    pub received_at: String,
    /// `changed` (a row differs from the one held: cut or altered on the device) or `broken`
    /// (a bundle did not continue the chain held), with the first row concerned.
    pub problem: Option<String>,
    pub problem_seq: Option<i64>,
}

/// A drawn access and its review.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewView {
    pub id: String,
    pub month: String,
    pub line: AuditLine,
    /// `ok`, `questioned`, or none yet.
    pub outcome: Option<String>,
    pub note: String,
    pub reviewer: Option<String>,
    pub reviewed_at: Option<String>,
}

/// A month's review: the drawn accesses, and whether they were drawn now.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewSample {
    pub month: String,
    pub drawn_now: bool,
    pub items: Vec<ReviewView>,
}

/// The citizen's extract: every access to one person's data across the team.
#[derive(Debug, Clone)]
pub struct Extract {
    pub participant: ParticipantId,
    pub name: String,
    pub pseudonym: String,
    pub lines: Vec<AuditLine>,
    /// The file, when one was asked for.
    pub file: Option<Vec<u8>>,
}

/// The file format of an extract.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractFormat {
    Pdf,
    Csv,
}

impl ExtractFormat {
    /// From a file name's extension (`.pdf`, `.csv`).
    pub fn of_path(path: &std::path::Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "pdf" => Some(Self::Pdf),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

impl Session {
    /// The access log (team leads and administrators): this laptop's rows and the team's held
    /// here, newest first. Reading it is itself audited, with the citizen it was about.
    pub fn audit_log(&mut self, q: &AuditQuery) -> Result<Vec<AuditLine>> {
        self.require(LEADS, "read the audit log")?;
        let f = self.audit_filter(q)?;
        let subject = f.citizen.as_ref().map(|c| c.id.clone()).or(f.subject.clone());
        let rows = self.audited("audit.read", subject, "kontrol", String::new(), |tx| tx.read().audit(&f))?;
        self.lines(rows)
    }

    /// Checks this laptop's audit chain ([`indsats_store::StoreError::AuditTampered`] if it
    /// does not hold) and reports every other device's log held here, with any problem found.
    pub fn verify_audit(&mut self) -> Result<AuditCheck> {
        self.require(LEADS, "read the audit log")?;
        let own_rows = self.store.read().verify_audit()?;
        let roster = self.roster()?;
        let devices = self
            .store
            .read()
            .access_chains()?
            .into_iter()
            .map(|c| {
                let d = roster.as_ref().and_then(|r| r.device(&c.device));
                DeviceLog {
                    name: d.map(|d| d.name.clone()),
                    user: d.map(|d| d.user.clone()),
                    device: c.device,
                    first_seq: c.first_seq,
                    last_seq: c.last_seq,
                    rows: c.rows,
                    received_at: c.received_at,
                    problem: c.problem,
                    problem_seq: c.problem_seq,
                }
            })
            .collect();
        let check = AuditCheck { own_rows, devices };
        let detail = format!("{} egne, {} enheder, {}", check.own_rows, check.devices.len(), if check.ok() { "ok" } else { "fejl" });
        self.audited("audit.verify", None, "kontrol", detail, |_| Ok(()))?;
        Ok(check)
    }

    /// The review sample of `month` (YYYY-MM; the month before today's when none). Drawn once, at
    /// random, the first time it is asked for: up to [`SAMPLE_PER_PERSON`] accesses per person
    /// who accessed anyone's data that month. Drawing is audited.
    pub fn audit_sample(&mut self, month: Option<&str>) -> Result<ReviewSample> {
        self.require(LEADS, "review access")?;
        let month = match month {
            Some(m) => match m.trim().parse::<Period>()? {
                p @ Period::Month { .. } => p,
                _ => return Err(indsats_core::ValidationError::InvalidDate { field: "month", value: m.trim().to_string() }.into()),
            },
            None => {
                let t = self.today();
                Period::Month { year: t.year(), month: t.month() }.previous()
            }
        };
        let key = month.to_string();
        let existing = self.store.read().reviews(&key)?;
        let drawn_now = existing.is_empty();
        if drawn_now {
            let start = month.first_day().and_time(NaiveTime::MIN).and_utc();
            let end = month.last_day().succ_opt().unwrap_or(NaiveDate::MAX).and_time(NaiveTime::MIN).and_utc();
            let mut by_user: std::collections::BTreeMap<String, Vec<AuditRow>> = Default::default();
            for action in ACCESS_ACTIONS {
                let f = AuditFilter {
                    action_prefix: Some((*action).to_string()),
                    since: Some(start),
                    until: Some(end),
                    limit: Some(u32::MAX),
                    ..Default::default()
                };
                for r in self.store.read().audit(&f)? {
                    // The exact action: a prefix would also take longer codes.
                    if r.action == *action {
                        by_user.entry(r.user.clone()).or_default().push(r);
                    }
                }
            }
            let mut drawn = Vec::new();
            for rows in by_user.values_mut() {
                rows.sort_by(|a, b| (&a.device, a.seq).cmp(&(&b.device, b.seq)));
                // A partial Fisher–Yates shuffle with the session's generator (seeded in tests).
                let k = SAMPLE_PER_PERSON.min(rows.len());
                for i in 0..k {
                    let j = self.rng.random_range(i..rows.len());
                    rows.swap(i, j);
                }
                drawn.extend(rows.drain(..k).map(|r| (r.device, r.seq)));
            }
            let by = self.user.name.clone();
            let detail = format!("{} adgange, {} personer", drawn.len(), by_user.len());
            self.audited("audit.sample", None, "kontrol", format!("{key}: {detail}"), |tx| {
                for (device, seq) in &drawn {
                    tx.draw_review(&key, device, *seq, &by)?;
                }
                Ok(())
            })?;
        }
        let items = self.store.read().reviews(&key)?;
        let items = items.into_iter().map(|r| self.review_view(r)).collect::<Result<Vec<_>>>()?;
        Ok(ReviewSample { month: key, drawn_now, items })
    }

    /// Marks a drawn access reviewed (`questioned: None`) or questioned, with the reason. Audited.
    pub fn audit_review(&mut self, id: &str, questioned: Option<&str>, note: &str) -> Result<ReviewView> {
        self.require(LEADS, "review access")?;
        let id = validate::required_text("id", id, 32)?;
        let (outcome, note) = match questioned {
            Some(why) => (ReviewOutcome::Questioned, validate::required_text("note", why, 2000)?),
            None => {
                validate::optional_text("note", note, 2000)?;
                (ReviewOutcome::Ok, note.trim().to_string())
            }
        };
        if self.store.read().review(&id)?.is_none() {
            return Err(indsats_store::StoreError::NotFound { kind: "review", id }.into());
        }
        let by = self.user.name.clone();
        self.audited("audit.review", None, "kontrol", format!("{id} {}", outcome.code()), |tx| tx.mark_review(&id, outcome, &note, &by))?;
        let r = self.store.read().review(&id)?.ok_or_else(|| indsats_store::StoreError::NotFound { kind: "review", id: id.clone() })?;
        self.review_view(r)
    }

    /// The citizen's extract (team leads): every access to the person's data across the team,
    /// oldest first, and the file in `format` if asked for. Audited as `audit.extract`.
    pub fn audit_extract(&mut self, citizen: &str, format: Option<ExtractFormat>, lang: indsats_core::validate::Lang) -> Result<Extract> {
        self.require(LEADS, "make a citizen's access extract")?;
        let c = self.citizen(citizen)?;
        let p = self
            .store
            .read()
            .participant(c.id.parse().map_err(|_| indsats_store::StoreError::NotFound { kind: "participant", id: c.id.clone() })?)?;
        let f = AuditFilter { citizen: Some(c.clone()), limit: Some(u32::MAX), ..Default::default() };
        let rows = self.audited("audit.extract", Some(c.id.clone()), "indsigt", String::new(), |tx| tx.read().audit(&f))?;
        let mut lines = self.lines(rows)?;
        lines.reverse();
        let file = match format {
            None => None,
            Some(fmt) => {
                let team = self.roster()?.map(|r| r.name);
                let e = indsats_export::extract::AccessExtract {
                    lang,
                    generated_at: self.now(),
                    generated_by: self.user.name.clone(),
                    team,
                    citizen_name: p.name.clone(),
                    citizen_pseudonym: p.pseudonym.clone(),
                    rows: lines
                        .iter()
                        .map(|l| indsats_export::extract::AccessLine {
                            at: l.at,
                            user: l.user.clone(),
                            role: l.role.clone(),
                            action: l.action.clone(),
                            purpose: l.purpose.clone(),
                            device: l.device_name.clone().unwrap_or_else(|| l.device.clone()),
                        })
                        .collect(),
                };
                Some(match fmt {
                    ExtractFormat::Csv => indsats_export::extract::csv(&e).into_bytes(),
                    ExtractFormat::Pdf => indsats_export::extract::pdf(&e)?,
                })
            }
        };
        Ok(Extract { participant: p.id, name: p.name, pseudonym: p.pseudonym, lines, file })
    }

    /// The store's filter for a query: the citizen resolved to one person, the days to times.
    fn audit_filter(&self, q: &AuditQuery) -> Result<AuditFilter> {
        let some = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let citizen = match some(&q.citizen) {
            Some(c) => Some(self.citizen(&c)?),
            None => None,
        };
        let day = |d: NaiveDate| d.and_time(NaiveTime::MIN).and_utc();
        Ok(AuditFilter {
            user: some(&q.user),
            subject: some(&q.subject),
            citizen,
            action_prefix: some(&q.action),
            since: q.from.map(day),
            until: q.to.and_then(|d| d.succ_opt()).map(day),
            device: None,
            limit: Some(q.limit.unwrap_or(1000).clamp(1, 100_000)),
        })
    }

    /// One person named by pseudonym, or by a name (or CPR number) that finds exactly one.
    fn citizen(&self, text: &str) -> Result<Citizen> {
        let text = validate::required_text("citizen", text, 200)?;
        let r = self.store.read();
        let id = match r.participant_ref(&text) {
            Ok(id) => id,
            Err(_) => {
                let hits = r.search(&text, 3)?;
                match hits.as_slice() {
                    [one] => one.id,
                    [] => return Err(indsats_store::StoreError::NotFound { kind: "participant", id: text }.into()),
                    _ => return Err(ApiError::CitizenAmbiguous),
                }
            }
        };
        let p = r.participant(id)?;
        Ok(Citizen { id: id.to_string(), pseudonym: p.pseudonym })
    }

    fn roster(&self) -> Result<Option<indsats_sync::team::Roster>> {
        Ok(indsats_sync::membership::Membership::load(&self.store)?.map(|m| m.roster))
    }

    /// Rows for a screen: the device's name, and the subject's pseudonym where it is a participant.
    fn lines(&self, rows: Vec<AuditRow>) -> Result<Vec<AuditLine>> {
        let roster = self.roster()?;
        let own = self.store.device().to_string();
        let r = self.store.read();
        let mut pseudonyms: std::collections::HashMap<String, Option<String>> = Default::default();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let label = match &row.subject {
                Some(s) => match pseudonyms.get(s) {
                    Some(l) => l.clone(),
                    None => {
                        let l = s.parse::<ParticipantId>().ok().and_then(|id| r.participant(id).ok()).map(|p| p.pseudonym);
                        pseudonyms.insert(s.clone(), l.clone());
                        l
                    }
                },
                None => None,
            };
            out.push(AuditLine {
                device_name: roster.as_ref().and_then(|ro| ro.device(&row.device)).map(|d| d.name.clone()),
                own: row.device == own,
                device: row.device,
                seq: row.seq,
                at: row.at,
                user: row.user,
                role: row.role,
                action: row.action,
                subject: row.subject,
                subject_label: label,
                purpose: row.purpose,
                detail: row.detail,
            });
        }
        Ok(out)
    }

    fn review_view(&self, r: indsats_store::Review) -> Result<ReviewView> {
        let row = self
            .store
            .read()
            .audit_row(&r.device, r.seq)?
            .ok_or_else(|| indsats_store::StoreError::NotFound { kind: "audit row", id: format!("{} {}", r.device, r.seq) })?;
        let line = self.lines(vec![row])?.remove(0);
        Ok(ReviewView {
            id: r.id,
            month: r.month,
            line,
            outcome: r.outcome.map(|o| o.code().to_string()),
            note: r.note,
            reviewer: r.reviewer,
            reviewed_at: r.reviewed_at,
        })
    }
}
