//! Corrections (rettelser): a participant's details edited, an event's date or details corrected
//! or the event removed, an enrolment edited or removed, a closed case reopened, an initiative
//! unlinked from a goal.
//!
//! Each is one transaction: the record's own change-log write (so it syncs and merges like any
//! edit, and a correction made while someone else edits the same field goes to the conflicts
//! inbox) and, for a case's records, a [`Correction`] beside it that the timeline shows ("rettet
//! 03-12-2026 af Anna: …"). Nothing is rewritten without leaving that trace.

use chrono::NaiveDate;
use indsats_core::event::{self, EventDetails, ProgressEvent};
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_core::validate::{self, Lang, field_label};

use crate::error::Result;
use crate::session::Session;
use crate::views::{EnrolmentEdit, NewParticipant};

/// The longest reason a correction keeps.
const REASON_MAX: usize = 500;

impl Session {
    /// Corrects a participant's details, with the rules of a new registration. `edit.caseworker`
    /// is ignored: moving a case is a handover. Fields left as they were are not written.
    pub fn edit_participant(&mut self, id: ParticipantId, edit: NewParticipant, reason: &str) -> Result<Vec<crate::Warning>> {
        self.require_case(id)?;
        let reason = optional_reason(reason)?;
        let before = self.store.read().participant(id)?;
        let checked = self.checked_details(&edit)?;
        let after = Participant {
            name: checked.name,
            cpr: checked.cpr,
            birth_year: checked.birth_year,
            origin: edit.origin,
            arrival_date: edit.arrival_date,
            programme: edit.programme,
            programme_start: edit.programme_start,
            programme_end: edit.programme_end,
            ..before.clone()
        };
        let changes = participant_changes(&before, &after);
        if changes.is_empty() {
            return Ok(checked.warnings);
        }
        let c = self.correction(id, CorrectionTarget::Participant, id.to_string(), CorrectionKind::Edit, changes, reason);
        let detail = fields_of(&c);
        self.audited("participant.edit", Some(id.to_string()), "sagsbehandling", detail, |tx| {
            tx.update_participant(&after)?;
            tx.insert_correction(&c)
        })?;
        Ok(checked.warnings)
    }

    /// Corrects an event's date or details, with the rules of a new event (a date in the future
    /// is refused). A correction that changes nothing writes nothing.
    /// `None` keeps the date or the details as they are.
    pub fn correct_event(&mut self, id: EventId, date: Option<NaiveDate>, details: Option<EventDetails>, reason: &str) -> Result<()> {
        let reason = optional_reason(reason)?;
        let before = self.store.read().event(id)?;
        self.require_case(before.participant)?;
        let date = date.unwrap_or(before.date);
        let details = details.unwrap_or_else(|| before.details.clone());
        event::validate_new(&details, date, self.today())?;
        let after = ProgressEvent { date, details, ..before.clone() };
        let mut changes = Vec::new();
        change(&mut changes, "date", Some(before.date.to_string()), Some(after.date.to_string()));
        change(&mut changes, "details", Some(details_json(&before.details)?), Some(details_json(&after.details)?));
        if changes.is_empty() {
            return Ok(());
        }
        let p = before.participant;
        let c = self.correction(p, CorrectionTarget::Event, id.to_string(), CorrectionKind::Edit, changes, reason);
        let detail = format!("{id} {}", fields_of(&c));
        self.audited("event.edit", Some(p.to_string()), "sagsbehandling", detail, |tx| {
            let case = tx.read().participant(p)?;
            if case.case_closed.is_some_and(|closed| closed < date) {
                return Err(indsats_core::ValidationError::CaseClosed.into());
            }
            tx.update_event(&after)?;
            tx.insert_correction(&c)
        })
    }

    /// Removes an event registered in error (on the wrong person, or twice), with a reason. The
    /// removal reaches every laptop; the timeline keeps what was removed, when, by whom and why.
    pub fn remove_event(&mut self, id: EventId, reason: &str) -> Result<()> {
        let reason = validate::required_text("reason", reason, REASON_MAX)?;
        let before = self.store.read().event(id)?;
        self.require_case(before.participant)?;
        let p = before.participant;
        let changes = vec![
            FieldChange { field: "date".into(), from: Some(before.date.to_string()), to: None },
            FieldChange { field: "details".into(), from: Some(details_json(&before.details)?), to: None },
        ];
        let c = self.correction(p, CorrectionTarget::Event, id.to_string(), CorrectionKind::Remove, changes, reason);
        self.audited("event.remove", Some(p.to_string()), "sagsbehandling", id.to_string(), |tx| {
            tx.delete_event(id)?;
            tx.insert_correction(&c)
        })
    }

    /// Corrects an enrolment's start, end and outcome (what `edit` leaves out stays; clearing
    /// the end clears the outcome). An outcome needs an end; an end with an outcome may not lie
    /// in the future.
    pub fn edit_enrolment(&mut self, id: EnrolmentId, edit: EnrolmentEdit, reason: &str) -> Result<()> {
        let reason = optional_reason(reason)?;
        let before = self.store.read().enrolment(id)?;
        self.require_case(before.participant)?;
        let start = edit.start.unwrap_or(before.start);
        let end = edit.end.unwrap_or(before.end);
        let outcome = match edit.outcome {
            Some(o) => o,
            None if end.is_none() => None,
            None => before.outcome,
        };
        validate::period(start, end)?;
        match (end, outcome) {
            (None, Some(_)) => return Err(indsats_core::ValidationError::Required { field: "end" }.into()),
            (Some(e), Some(_)) => validate::not_in_future("end", e, self.today())?,
            _ => {}
        }
        let after = Enrolment { start, end, outcome, ..before.clone() };
        let mut changes = Vec::new();
        change(&mut changes, "start", Some(before.start.to_string()), Some(start.to_string()));
        change(&mut changes, "end", before.end.map(|d| d.to_string()), end.map(|d| d.to_string()));
        change(&mut changes, "outcome", before.outcome.map(|o| o.code().to_string()), outcome.map(|o| o.code().to_string()));
        if changes.is_empty() {
            return Ok(());
        }
        let p = before.participant;
        let c = self.correction(p, CorrectionTarget::Enrolment, id.to_string(), CorrectionKind::Edit, changes, reason);
        let detail = format!("{id} {}", fields_of(&c));
        self.audited("enrolment.edit", Some(p.to_string()), "sagsbehandling", detail, |tx| {
            tx.update_enrolment(&after)?;
            tx.insert_correction(&c)
        })
    }

    /// Removes an enrolment registered in error, with a reason; the timeline keeps what it was.
    pub fn remove_enrolment(&mut self, id: EnrolmentId, reason: &str) -> Result<()> {
        let reason = validate::required_text("reason", reason, REASON_MAX)?;
        let before = self.store.read().enrolment(id)?;
        self.require_case(before.participant)?;
        let p = before.participant;
        // The initiative by its title as it is now: the timeline says what was removed.
        let title = self.store.read().initiative(before.initiative).map(|i| i.title).unwrap_or_else(|_| before.initiative.to_string());
        let changes = vec![
            FieldChange { field: "initiative".into(), from: Some(title), to: None },
            FieldChange { field: "start".into(), from: Some(before.start.to_string()), to: None },
        ];
        let c = self.correction(p, CorrectionTarget::Enrolment, id.to_string(), CorrectionKind::Remove, changes, reason);
        self.audited("enrolment.remove", Some(p.to_string()), "sagsbehandling", id.to_string(), |tx| {
            tx.delete_enrolment(id)?;
            tx.insert_correction(&c)
        })
    }

    /// Removes an initiative's link to a goal (given by key or id). The initiative stays; the
    /// goal no longer counts it.
    pub fn unlink_initiative(&mut self, initiative: InitiativeId, goal: &str) -> Result<()> {
        let goal = self.store.read().goal(goal)?;
        self.store.read().initiative(initiative)?;
        self.audited("initiative.unlink", Some(initiative.to_string()), "registrering", goal.key.clone(), |tx| {
            if tx.unlink_goal(initiative, goal.id)? {
                Ok(())
            } else {
                Err(indsats_store::StoreError::NotFound { kind: "goal link", id: format!("{initiative} → {}", goal.key) })
            }
        })
    }

    /// Merges two cases of one person (registered twice): the duplicate's events, enrolments
    /// and notes move into the case kept (the events and enrolments as new records there, the
    /// originals removed; the notes copied, every version), its CPR number too when the case kept
    /// has none, and the duplicate is closed. One audited transaction, synced like any edit; both
    /// timelines say so. Returns how many events, enrolments and notes moved.
    pub fn merge_cases(&mut self, keep: ParticipantId, duplicate: ParticipantId, reason: &str) -> Result<(u32, u32, u32)> {
        if keep == duplicate {
            return Err(crate::error::ApiError::SameCase);
        }
        let reason = validate::required_text("reason", reason, REASON_MAX)?;
        self.require_case(keep)?;
        self.require_case(duplicate)?;
        let today = self.today();
        let (a, b, events, enrolments, notes) = {
            let r = self.store.read();
            (
                r.participant(keep)?,
                r.participant(duplicate)?,
                r.events_of_participant(duplicate)?,
                r.enrolments_of_participant(duplicate)?,
                r.notes_of_participant(duplicate)?,
            )
        };
        let mut moved_events = Vec::new();
        let mut event_ids = std::collections::HashMap::new();
        for e in &events {
            let id = self.new_id(EventId::new);
            event_ids.insert(e.id, id);
            moved_events.push(ProgressEvent { id, participant: keep, ..e.clone() });
        }
        let moved_enrolments: Vec<Enrolment> =
            enrolments.iter().map(|e| Enrolment { id: self.new_id(EnrolmentId::new), participant: keep, ..e.clone() }).collect();
        let mut note_ids = std::collections::HashMap::new();
        for n in &notes {
            note_ids.insert(n.id, self.new_id(NoteId::new));
        }
        let copied_notes: Vec<JournalNote> = notes
            .iter()
            .map(|n| JournalNote {
                id: note_ids[&n.id],
                participant: keep,
                event: n.event.and_then(|e| event_ids.get(&e).copied()),
                replaces: n.replaces.and_then(|r| note_ids.get(&r).copied()),
                ..n.clone()
            })
            .collect();
        let into_kept = self.correction(
            keep,
            CorrectionTarget::Participant,
            keep.to_string(),
            CorrectionKind::Merge,
            vec![FieldChange { field: "merged_from".into(), from: Some(b.pseudonym.clone()), to: None }],
            reason.clone(),
        );
        let into_duplicate = self.correction(
            duplicate,
            CorrectionTarget::Participant,
            duplicate.to_string(),
            CorrectionKind::Merge,
            vec![FieldChange { field: "merged_into".into(), from: None, to: Some(a.pseudonym.clone()) }],
            reason,
        );
        let counts = (moved_events.len() as u32, moved_enrolments.len() as u32, copied_notes.len() as u32);
        let detail = format!("{} <- {}", a.pseudonym, b.pseudonym);
        self.audited("participant.merge", Some(keep.to_string()), "sagsbehandling", detail, |tx| {
            for e in &events {
                tx.delete_event(e.id)?;
            }
            tx.insert_events(&moved_events)?;
            for e in &enrolments {
                tx.delete_enrolment(e.id)?;
            }
            for e in &moved_enrolments {
                tx.insert_enrolment_as_is(e)?;
            }
            for n in &copied_notes {
                tx.insert_note(n)?;
            }
            if a.cpr.is_none() && b.cpr.is_some() {
                tx.update_participant(&Participant { cpr: None, ..b.clone() })?;
                tx.update_participant(&Participant { cpr: b.cpr.clone(), ..a.clone() })?;
            }
            if b.case_closed.is_none() {
                tx.set_case_closed(duplicate, Some(today))?;
            }
            tx.insert_correction(&into_kept)?;
            tx.insert_correction(&into_duplicate)
        })?;
        Ok(counts)
    }

    /// A correction by this session's person, now.
    pub(crate) fn correction(
        &mut self,
        participant: ParticipantId,
        target: CorrectionTarget,
        target_id: String,
        kind: CorrectionKind,
        changes: Vec<FieldChange>,
        reason: String,
    ) -> Correction {
        let id = self.new_id(CorrectionId::new);
        Correction { id, participant, target, target_id, kind, changes, reason, made_by: self.user().name.clone(), made_at: self.now() }
    }
}

fn optional_reason(reason: &str) -> Result<String> {
    validate::optional_text("reason", reason, REASON_MAX)?;
    Ok(reason.trim().to_string())
}

fn details_json(d: &EventDetails) -> Result<String> {
    serde_json::to_string(d).map_err(|e| indsats_store::StoreError::Encoding(e.to_string()).into())
}

/// Adds a field's change when its value differs.
fn change(out: &mut Vec<FieldChange>, field: &str, from: Option<String>, to: Option<String>) {
    if from != to {
        out.push(FieldChange { field: field.to_string(), from, to });
    }
}

/// What an edit changes in a participant's details. A CPR number's values are left out: the
/// correction says only that it changed.
fn participant_changes(a: &Participant, b: &Participant) -> Vec<FieldChange> {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    let mut out = Vec::new();
    change(&mut out, "name", Some(a.name.clone()), Some(b.name.clone()));
    if a.cpr != b.cpr {
        out.push(FieldChange { field: "cpr".into(), from: None, to: None });
    }
    change(&mut out, "birth_year", Some(a.birth_year.to_string()), Some(b.birth_year.to_string()));
    change(&mut out, "origin", Some(a.origin.code().into()), Some(b.origin.code().into()));
    change(&mut out, "arrival_date", date(a.arrival_date), date(b.arrival_date));
    change(&mut out, "programme", Some(a.programme.code().into()), Some(b.programme.code().into()));
    change(&mut out, "programme_start", date(a.programme_start), date(b.programme_start));
    change(&mut out, "programme_end", date(a.programme_end), date(b.programme_end));
    out
}

/// The audit row's detail: which fields a correction touched (never their values).
fn fields_of(c: &Correction) -> String {
    c.changes.iter().map(|f| f.field.as_str()).collect::<Vec<_>>().join(",")
}

/// A correction as a person reads it on the timeline: "rettet 03-12-2026 af Anna: Dato
/// 02-11-2026 → 03-11-2026 (tastefejl)".
pub fn describe(c: &Correction, lang: Lang) -> String {
    let da = lang == Lang::Da;
    let verb = match (c.kind, da) {
        (CorrectionKind::Edit, true) => "rettet",
        (CorrectionKind::Edit, false) => "corrected",
        (CorrectionKind::Remove, true) => "fjernet",
        (CorrectionKind::Remove, false) => "removed",
        (CorrectionKind::Reopen, true) => "genåbnet",
        (CorrectionKind::Reopen, false) => "reopened",
        (CorrectionKind::Merge, true) => "sammenlagt",
        (CorrectionKind::Merge, false) => "merged",
        (CorrectionKind::Handover, true) => "overdraget",
        (CorrectionKind::Handover, false) => "handed over",
    };
    let by = if da { "af" } else { "by" };
    let when = lang.date(c.made_at.date_naive());
    let value = |field: &str, v: &Option<String>| -> String {
        let Some(v) = v else { return "–".into() };
        match field {
            "details" => serde_json::from_str::<EventDetails>(v)
                .map(|d| {
                    let s = d.summary(lang);
                    if s.is_empty() { d.type_label(lang).to_string() } else { format!("{}: {s}", d.type_label(lang)) }
                })
                .unwrap_or_else(|_| v.clone()),
            "origin" => Origin::parse(v).map(|o| o.label(lang).to_string()).unwrap_or_else(|_| v.clone()),
            "programme" => ProgrammeKind::parse(v).map(|o| o.label(lang).to_string()).unwrap_or_else(|_| v.clone()),
            "outcome" => EnrolmentOutcome::parse(v).map(|o| o.label(lang).to_string()).unwrap_or_else(|_| v.clone()),
            // Stored dates are ISO 8601; anything else (a name, a year) is shown as it is.
            _ => NaiveDate::parse_from_str(v, "%Y-%m-%d").map(|d| lang.date(d)).unwrap_or_else(|_| v.clone()),
        }
    };
    let parts: Vec<String> = match c.kind {
        CorrectionKind::Remove => c.changes.iter().map(|f| value(&f.field, &f.from)).collect(),
        CorrectionKind::Reopen => Vec::new(),
        CorrectionKind::Merge => c
            .changes
            .iter()
            .map(|f| match (f.field.as_str(), da) {
                ("merged_from", true) => format!("{} er lagt ind i denne sag", f.from.as_deref().unwrap_or("?")),
                ("merged_from", false) => format!("{} is merged into this case", f.from.as_deref().unwrap_or("?")),
                (_, true) => format!("lagt ind i {}", f.to.as_deref().unwrap_or("?")),
                (_, false) => format!("merged into {}", f.to.as_deref().unwrap_or("?")),
            })
            .collect(),
        CorrectionKind::Handover => {
            c.changes.iter().map(|f| format!("{} → {}", f.from.as_deref().unwrap_or("–"), f.to.as_deref().unwrap_or("–"))).collect()
        }
        CorrectionKind::Edit => c
            .changes
            .iter()
            .map(|f| {
                let label = field_label(&f.field, lang);
                if f.field == "cpr" {
                    label.to_string()
                } else {
                    format!("{label} {} → {}", value(&f.field, &f.from), value(&f.field, &f.to))
                }
            })
            .collect(),
    };
    let mut s = format!("{verb} {when} {by} {}", c.made_by);
    if !parts.is_empty() {
        s.push_str(": ");
        s.push_str(&parts.join("; "));
    }
    if !c.reason.is_empty() {
        s.push_str(&format!(" ({})", c.reason));
    }
    s
}
