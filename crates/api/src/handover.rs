//! Handing a case over (overdragelse): one case, or a caseworker's whole caseload when they
//! leave, moves to another caseworker in the team, with a handover note. And the encrypted case
//! file that `participant export` writes, imported on another store.
//!
//! A handover is one transaction per call: each case's caseworker written anew (a change-log
//! write, so it syncs and merges like any edit) and a [`Correction`] of kind `handover` beside it
//! ("overdraget 03-12-2026 af Mette: anna → bo (note)"), which the timeline shows. Sync then
//! carries the case's history to the new caseworker's laptop and tells the old one
//! (docs/sync.md, "Handing a case over").

use chrono::{DateTime, NaiveDate, Utc};
use indsats_core::cpr::Cpr;
use indsats_core::event::{EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_core::validate;
use indsats_store::{InitiativeFilter, ParticipantFilter};
use serde::Deserialize;

use crate::error::{ApiError, Result};
use crate::session::Session;

/// The longest handover note.
pub const NOTE_MAX: usize = 2000;

/// What is handed over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HandoverScope {
    /// One case.
    Case(ParticipantId),
    /// Every case, open or closed, of one caseworker's caseload.
    Caseload(String),
}

/// One case that moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandedCase {
    pub id: ParticipantId,
    pub pseudonym: String,
    pub from: String,
}

/// What a handover did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverView {
    pub to: String,
    pub cases: Vec<HandedCase>,
}

/// What importing a case file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCase {
    pub id: ParticipantId,
    pub pseudonym: String,
    pub enrolments: usize,
    pub events: usize,
    pub notes: usize,
}

impl Session {
    /// The users of the team's roster who can hold a caseload (caseworkers and team leads), in
    /// roster order, each once. [`ApiError::HandoverNeedsTeam`] outside a team.
    pub fn team_caseworkers(&self) -> Result<Vec<String>> {
        let Some(m) = indsats_sync::membership::Membership::load(&self.store)? else {
            return Err(ApiError::HandoverNeedsTeam);
        };
        let mut users: Vec<String> = Vec::new();
        for d in &m.roster.devices {
            if matches!(d.role, Role::Caseworker | Role::TeamLead) && !users.contains(&d.user) {
                users.push(d.user.clone());
            }
        }
        Ok(users)
    }

    /// Hands one case, or a whole caseload, to `to`: a caseworker or team lead on the team's
    /// roster. A caseworker hands over the cases of their own caseload; a team lead any. The
    /// `note` goes with each case. Nothing changes unless every case can move.
    pub fn hand_over(&mut self, scope: HandoverScope, to: &str, note: &str) -> Result<HandoverView> {
        self.require(&[Role::Caseworker, Role::TeamLead], "hand a case over")?;
        let to = validate::required_text("to", to, 64)?;
        validate::optional_text("note", note, NOTE_MAX)?;
        let note = note.trim().to_string();
        let team = self.team_caseworkers()?;
        if !team.contains(&to) {
            return Err(ApiError::NotInTeam { user: to, caseworkers: team });
        }
        let cases: Vec<Participant> = match &scope {
            HandoverScope::Case(id) => {
                self.require_case(*id)?;
                let p = self.store.read().participant(*id)?;
                if p.caseworker == to {
                    return Err(ApiError::AlreadyTheirs { caseworker: to });
                }
                vec![p]
            }
            HandoverScope::Caseload(from) => {
                let from = validate::required_text("from", from, 64)?;
                if !self.user().role.includes(Role::TeamLead) && from != self.user().name {
                    return Err(ApiError::NotYourCase { caseworker: from });
                }
                if from == to {
                    return Err(ApiError::AlreadyTheirs { caseworker: to });
                }
                let cases = self.store.read().participants(&ParticipantFilter {
                    caseworker: Some(from.clone()),
                    include_closed: true,
                    limit: None,
                })?;
                if cases.is_empty() {
                    return Err(ApiError::NoCases { caseworker: from });
                }
                cases
            }
        };
        let mut moves = Vec::with_capacity(cases.len());
        for p in &cases {
            let changes = vec![FieldChange { field: "caseworker".into(), from: Some(p.caseworker.clone()), to: Some(to.clone()) }];
            let c = self.correction(p.id, CorrectionTarget::Participant, p.id.to_string(), CorrectionKind::Handover, changes, note.clone());
            moves.push((p.id, c));
        }
        let subject = match scope {
            HandoverScope::Case(id) => Some(id.to_string()),
            HandoverScope::Caseload(_) => None,
        };
        let detail = indsats_store::shown_detail(&format!("til {to}"), cases.iter().map(|p| p.pseudonym.as_str()));
        self.audited("participant.handover", subject, "sagsbehandling", detail, |tx| {
            for (id, c) in &moves {
                tx.set_caseworker(*id, &to)?;
                tx.insert_correction(c)?;
            }
            Ok(())
        })?;
        Ok(HandoverView {
            to,
            cases: cases.into_iter().map(|p| HandedCase { id: p.id, pseudonym: p.pseudonym, from: p.caseworker }).collect(),
        })
    }

    /// Imports a case file that `participant export` wrote (on this or another store) into the
    /// acting person's caseload: the participant, the enrolments, the events, every version of
    /// the journal notes and the corrections, as they were, and a handover correction saying
    /// where the case came from. Refused, with nothing changed: a file that is not a case file, a
    /// case that is already here, the CPR number of another case here (or, unless
    /// `not_a_duplicate`, the name and birth year of one), and enrolments in initiatives this
    /// store does not have (by id, or by the same title).
    pub fn import_case(&mut self, sealed: &[u8], passphrase: &str, not_a_duplicate: bool) -> Result<ImportedCase> {
        self.require(&[Role::Caseworker, Role::TeamLead], "import a participant's case")?;
        let plain = crate::case_file::open(sealed, passphrase)?;
        let file: CaseFile = serde_json::from_slice(&plain).map_err(|e| ApiError::CaseFileContent { detail: e.to_string() })?;
        if file.format != "indsats-case/1" {
            return Err(ApiError::CaseFileContent { detail: format!("format {:?}", file.format) });
        }
        let today = self.today();
        let bad = |what: &str| ApiError::CaseFileContent { detail: what.to_string() };
        let fp = &file.participant;
        let id: ParticipantId = fp.id.parse().map_err(|_| bad("participant.id"))?;
        if let Ok(p) = self.store.read().participant(id) {
            return Err(ApiError::CaseAlreadyHere { pseudonym: p.pseudonym });
        }
        let cpr = match fp.cpr.as_deref() {
            Some(c) => Some(Cpr::parse(c, today)?.cpr),
            None => None,
        };
        let mut p = Participant {
            id,
            pseudonym: fp.pseudonym.clone(),
            name: validate::required_text("name", &fp.name, 200)?,
            cpr,
            birth_year: fp.birth_year,
            origin: Origin::parse(&fp.origin)?,
            arrival_date: fp.arrival_date,
            programme: ProgrammeKind::parse(&fp.programme)?,
            programme_start: fp.programme_start,
            programme_end: fp.programme_end,
            caseworker: self.user().name.clone(),
            case_closed: fp.case_closed,
        };
        if self.store.read().participant_ref(&p.pseudonym).is_ok() || !p.pseudonym.starts_with("D-") {
            p.pseudonym = Self::pseudonym(&mut self.rng);
        }
        self.refuse_duplicate(&p, not_a_duplicate)?;

        // Initiatives by id, else by the same title; anything else is named and refused.
        let here = self.store.read().initiatives(&InitiativeFilter::default(), today)?;
        let mut missing: Vec<String> = Vec::new();
        let mut enrolments = Vec::with_capacity(file.enrolments.len());
        for e in &file.enrolments {
            let wanted: Option<InitiativeId> = e.initiative.parse().ok();
            let found = here
                .iter()
                .find(|i| Some(i.initiative.id) == wanted)
                .or_else(|| here.iter().find(|i| i.initiative.title.trim() == e.initiative_title.trim()));
            let Some(found) = found else {
                if !missing.contains(&e.initiative_title) {
                    missing.push(e.initiative_title.clone());
                }
                continue;
            };
            validate::period(e.start, e.end)?;
            enrolments.push(Enrolment {
                id: e.id.parse().map_err(|_| bad("enrolments.id"))?,
                participant: id,
                initiative: found.initiative.id,
                start: e.start,
                end: e.end,
                outcome: e.outcome.as_deref().map(EnrolmentOutcome::parse).transpose()?,
            });
        }
        if !missing.is_empty() {
            return Err(ApiError::UnknownInitiatives { titles: missing });
        }
        let events = file
            .events
            .iter()
            .map(|e| {
                if e.date > today {
                    return Err(bad("events.date"));
                }
                Ok(ProgressEvent {
                    id: e.id.parse().map_err(|_| bad("events.id"))?,
                    participant: id,
                    date: e.date,
                    details: serde_json::from_value::<EventDetails>(e.details.clone()).map_err(|_| bad("events.details"))?,
                    recorded_by: e.recorded_by.clone(),
                    recorded_at: e.recorded_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let notes = file
            .notes
            .iter()
            .map(|n| {
                Ok(JournalNote {
                    id: n.id.parse().map_err(|_| bad("notes.id"))?,
                    participant: id,
                    event: n.event.as_deref().map(str::parse).transpose().map_err(|_| bad("notes.event"))?,
                    replaces: n.replaces.as_deref().map(str::parse).transpose().map_err(|_| bad("notes.replaces"))?,
                    text: n.text.clone(),
                    written_by: n.written_by.clone(),
                    written_at: n.written_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let mut corrections = file
            .corrections
            .iter()
            .map(|c| {
                Ok(Correction {
                    id: c.id.parse().map_err(|_| bad("corrections.id"))?,
                    participant: id,
                    target: CorrectionTarget::from_table(&c.target).ok_or_else(|| bad("corrections.target"))?,
                    target_id: c.target_id.clone(),
                    kind: CorrectionKind::parse(&c.kind).ok_or_else(|| bad("corrections.kind"))?,
                    changes: c.changes.clone(),
                    reason: c.reason.clone(),
                    made_by: c.made_by.clone(),
                    made_at: c.made_at,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let exported = file.exported_at.get(..10).and_then(|d| d.parse::<NaiveDate>().ok()).map(|d| d.format("%d-%m-%Y").to_string());
        let reason = format!("sagsfil eksporteret {} af {}", exported.as_deref().unwrap_or("?"), file.exported_by);
        let changes = vec![FieldChange { field: "caseworker".into(), from: Some(fp.caseworker.clone()), to: Some(p.caseworker.clone()) }];
        corrections.push(self.correction(id, CorrectionTarget::Participant, id.to_string(), CorrectionKind::Handover, changes, reason));

        let view =
            ImportedCase { id, pseudonym: p.pseudonym.clone(), enrolments: enrolments.len(), events: events.len(), notes: notes.len() };
        let detail = format!("{} events, {} enrolments, {} notes", events.len(), enrolments.len(), notes.len());
        self.audited("participant.import", Some(id.to_string()), "sagsbehandling", detail, |tx| {
            tx.insert_participant(&p)?;
            for e in &enrolments {
                tx.insert_enrolment_as_is(e)?;
            }
            tx.insert_events(&events)?;
            tx.insert_notes(&notes)?;
            for c in &corrections {
                tx.insert_correction(c)?;
            }
            Ok(())
        })?;
        Ok(view)
    }
}

/// The case file `indsats-case/1` as [`crate::case_file::to_json`] writes it.
#[derive(Deserialize)]
struct CaseFile {
    format: String,
    exported_at: String,
    exported_by: String,
    participant: FileParticipant,
    #[serde(default)]
    enrolments: Vec<FileEnrolment>,
    #[serde(default)]
    events: Vec<FileEvent>,
    #[serde(default)]
    notes: Vec<FileNote>,
    #[serde(default)]
    corrections: Vec<FileCorrection>,
}

#[derive(Deserialize)]
struct FileParticipant {
    id: String,
    pseudonym: String,
    name: String,
    cpr: Option<String>,
    birth_year: i32,
    origin: String,
    arrival_date: Option<NaiveDate>,
    programme: String,
    programme_start: Option<NaiveDate>,
    programme_end: Option<NaiveDate>,
    caseworker: String,
    case_closed: Option<NaiveDate>,
}

#[derive(Deserialize)]
struct FileEnrolment {
    id: String,
    initiative: String,
    initiative_title: String,
    start: NaiveDate,
    end: Option<NaiveDate>,
    outcome: Option<String>,
}

#[derive(Deserialize)]
struct FileEvent {
    id: String,
    date: NaiveDate,
    details: serde_json::Value,
    recorded_by: String,
    recorded_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct FileNote {
    id: String,
    event: Option<String>,
    replaces: Option<String>,
    text: String,
    written_by: String,
    written_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct FileCorrection {
    id: String,
    target: String,
    target_id: String,
    kind: String,
    changes: Vec<FieldChange>,
    reason: String,
    made_by: String,
    made_at: DateTime<Utc>,
}
