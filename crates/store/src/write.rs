//! What can be written, each method one change (or a few) inside a [`Tx`]. Rules that need the
//! data (a duplicate CPR, an enrolment inside its initiative's period) are checked here, inside
//! the transaction, so that two writers cannot both pass them.

use chrono::NaiveDate;
use indsats_core::ValidationError;
use indsats_core::event::ProgressEvent;
use indsats_core::ids::*;
use indsats_core::model::*;
use indsats_core::validate;
use rusqlite::types::Value;

use crate::error::{Result, StoreError};
use crate::tx::Tx;

fn t(s: &str) -> Value {
    Value::Text(s.to_string())
}
fn d(x: NaiveDate) -> Value {
    // NaiveDate's Display is ISO 8601 (YYYY-MM-DD) and parses no format string.
    Value::Text(x.to_string())
}
fn od(x: Option<NaiveDate>) -> Value {
    x.map_or(Value::Null, d)
}
fn i(x: i64) -> Value {
    Value::Integer(x)
}

impl Tx<'_> {
    pub fn insert_strategy(&mut self, s: &Strategy) -> Result<()> {
        self.insert(
            "strategy",
            &s.id.to_string(),
            &[
                ("key", t(&s.key)),
                ("municipality", t(&s.municipality)),
                ("title", t(&s.title)),
                ("vision", t(&s.vision)),
                ("period_start", i(s.period_start.into())),
                ("period_end", i(s.period_end.into())),
            ],
        )
    }

    pub fn insert_goal(&mut self, g: &Goal) -> Result<()> {
        self.insert(
            "goal",
            &g.id.to_string(),
            &[
                ("strategy_id", t(&g.strategy.to_string())),
                ("key", t(&g.key)),
                ("position", i(g.position.into())),
                ("title", t(&g.title)),
                ("title_en", t(&g.title_en)),
                ("description", t(&g.description)),
            ],
        )
    }

    pub fn insert_indicator(&mut self, x: &Indicator) -> Result<()> {
        self.insert(
            "indicator",
            &x.id.to_string(),
            &[
                ("goal_id", t(&x.goal.to_string())),
                ("key", t(&x.key)),
                ("name", t(&x.name)),
                ("name_en", t(&x.name_en)),
                ("definition", t(&x.definition)),
                ("unit", t(x.unit.code())),
                ("direction", t(x.direction.code())),
                ("measure", t(x.measure.code())),
                ("baseline", x.baseline.map_or(Value::Null, Value::Real)),
                ("baseline_year", x.baseline_year.map_or(Value::Null, |y| i(y.into()))),
                ("source", t(&x.source)),
            ],
        )?;
        for target in &x.targets {
            self.set_target(x.id, target)?;
        }
        Ok(())
    }

    /// Sets an indicator's target for a year. The id is `indicator:year` on every device, so two
    /// laptops setting the same target edit the same row and sync can merge them.
    pub fn set_target(&mut self, indicator: IndicatorId, target: &YearTarget) -> Result<()> {
        let id = format!("{indicator}:{}", target.year);
        let cols = [("value", Value::Real(target.value)), ("illustrative", i(target.illustrative.into()))];
        if !self.update("indicator_target", &id, &cols)? {
            self.insert(
                "indicator_target",
                &id,
                &[("indicator_id", t(&indicator.to_string())), ("year", i(target.year.into())), cols[0].clone(), cols[1].clone()],
            )?;
        }
        Ok(())
    }

    pub fn insert_initiative(&mut self, x: &Initiative) -> Result<()> {
        validate::period(x.start, x.end)?;
        self.insert(
            "initiative",
            &x.id.to_string(),
            &[
                ("title", t(&x.title)),
                ("kind", t(x.kind.code())),
                ("owner", t(&x.owner)),
                ("start_date", d(x.start)),
                ("end_date", od(x.end)),
                ("capacity", x.capacity.map_or(Value::Null, |c| i(c.into()))),
                ("status", t(x.status.code())),
                ("description", t(&x.description)),
            ],
        )
    }

    /// Rewrites an initiative's details; only the fields that differ reach the change log.
    pub fn update_initiative(&mut self, x: &Initiative) -> Result<()> {
        validate::period(x.start, x.end)?;
        self.read().initiative(x.id)?;
        self.update(
            "initiative",
            &x.id.to_string(),
            &[
                ("title", t(&x.title)),
                ("kind", t(x.kind.code())),
                ("owner", t(&x.owner)),
                ("start_date", d(x.start)),
                ("end_date", od(x.end)),
                ("capacity", x.capacity.map_or(Value::Null, |c| i(c.into()))),
                ("status", t(x.status.code())),
                ("description", t(&x.description)),
            ],
        )?;
        Ok(())
    }

    /// Changes an initiative's status, and its end date when it closes.
    pub fn set_initiative_status(&mut self, id: InitiativeId, status: InitiativeStatus, end: Option<NaiveDate>) -> Result<()> {
        let current = self.read().initiative(id)?;
        let end = end.or(current.end);
        validate::period(current.start, end)?;
        self.update("initiative", &id.to_string(), &[("status", t(status.code())), ("end_date", od(end))])?;
        Ok(())
    }

    /// Links an initiative to a goal, or rewrites the sentence of an existing link.
    pub fn link_goal(&mut self, link: &GoalLink) -> Result<()> {
        self.read().initiative(link.initiative)?;
        let id = format!("{}:{}", link.initiative, link.goal);
        if !self.update("initiative_goal", &id, &[("contribution", t(&link.contribution))])? {
            self.insert(
                "initiative_goal",
                &id,
                &[
                    ("initiative_id", t(&link.initiative.to_string())),
                    ("goal_id", t(&link.goal.to_string())),
                    ("contribution", t(&link.contribution)),
                ],
            )?;
        }
        Ok(())
    }

    /// Removes an initiative's link to a goal (a tombstone, synced). Returns false when there
    /// was no such link.
    pub fn unlink_goal(&mut self, initiative: InitiativeId, goal: GoalId) -> Result<bool> {
        self.delete("initiative_goal", &format!("{initiative}:{goal}"))
    }

    pub fn insert_participant(&mut self, p: &Participant) -> Result<()> {
        self.check_new_cpr(p)?;
        let cols = participant_cols(p);
        self.insert("participant", &p.id.to_string(), &cols)?;
        self.participant_added(p);
        Ok(())
    }

    /// Refuses a new participant whose CPR number another case has.
    pub fn check_new_cpr(&self, p: &Participant) -> Result<()> {
        if let Some(cpr) = &p.cpr
            && self.read().participant_by_cpr(cpr.digits())?.is_some()
        {
            return Err(ValidationError::DuplicateCpr.into());
        }
        Ok(())
    }

    /// Inserts many new participants, several per statement, each logged exactly as
    /// [`Tx::insert_participant`] would (a bulk load: an import). Their CPR numbers must be
    /// checked first ([`Tx::check_new_cpr`], and against each other); the unique index refuses
    /// one that is not.
    pub fn insert_participants(&mut self, list: &[Participant]) -> Result<()> {
        let rows: Vec<(String, Vec<Value>)> =
            list.iter().map(|p| (p.id.to_string(), participant_cols(p).into_iter().map(|(_, v)| v).collect())).collect();
        self.insert_many("participant", &PARTICIPANT_COLS, &rows)?;
        for p in list {
            self.participant_added(p);
        }
        Ok(())
    }

    /// Rewrites a participant's details (not the caseworker: that is a handover, nor the case's
    /// closing: [`Tx::set_case_closed`]); only the fields that differ reach the change log. A CPR
    /// number another participant has is refused.
    pub fn update_participant(&mut self, p: &Participant) -> Result<()> {
        if let Some(cpr) = &p.cpr
            && self.read().participant_by_cpr(cpr.digits())?.is_some_and(|other| other != p.id)
        {
            return Err(ValidationError::DuplicateCpr.into());
        }
        let found = self.update(
            "participant",
            &p.id.to_string(),
            &[
                ("name", t(&p.name)),
                ("cpr", p.cpr.as_ref().map_or(Value::Null, |c| t(c.digits()))),
                ("birth_year", i(p.birth_year.into())),
                ("origin", t(p.origin.code())),
                ("arrival_date", od(p.arrival_date)),
                ("programme", t(p.programme.code())),
                ("programme_start", od(p.programme_start)),
                ("programme_end", od(p.programme_end)),
            ],
        )?;
        if !found {
            return Err(StoreError::NotFound { kind: "participant", id: p.id.to_string() });
        }
        Ok(())
    }

    /// Moves a case to another caseworker (a handover; the caller records its correction).
    pub fn set_caseworker(&mut self, p: ParticipantId, caseworker: &str) -> Result<()> {
        if !self.update("participant", &p.to_string(), &[("caseworker", t(caseworker))])? {
            return Err(StoreError::NotFound { kind: "participant", id: p.to_string() });
        }
        Ok(())
    }

    /// Saves a journal note (a new version, when it `replaces` one; the caller checks that).
    pub fn insert_note(&mut self, n: &JournalNote) -> Result<()> {
        self.insert_notes(std::slice::from_ref(n))
    }

    /// Saves many journal notes at once (bulk loads), logged exactly as one by one.
    pub fn insert_notes(&mut self, notes: &[JournalNote]) -> Result<()> {
        let rows: Vec<(String, Vec<Value>)> = notes
            .iter()
            .map(|n| {
                (
                    n.id.to_string(),
                    vec![
                        t(&n.participant.to_string()),
                        n.event.map_or(Value::Null, |e| t(&e.to_string())),
                        n.replaces.map_or(Value::Null, |r| t(&r.to_string())),
                        t(&n.text),
                        t(&n.written_by),
                        t(&n.written_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
                    ],
                )
            })
            .collect();
        self.insert_many("note", &["participant_id", "event_id", "replaces", "text", "written_by", "written_at"], &rows)
    }

    /// Records a correction beside the record it corrects (the caller writes the record).
    pub fn insert_correction(&mut self, c: &Correction) -> Result<()> {
        let changes = serde_json::to_string(&c.changes).map_err(|err| StoreError::Encoding(err.to_string()))?;
        self.insert(
            "correction",
            &c.id.to_string(),
            &[
                ("participant_id", t(&c.participant.to_string())),
                ("target", t(c.target.table())),
                ("target_id", t(&c.target_id)),
                ("kind", t(c.kind.code())),
                ("changes", Value::Text(changes)),
                ("reason", t(&c.reason)),
                ("made_by", t(&c.made_by)),
                ("made_at", t(&c.made_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))),
            ],
        )
    }

    /// Closes (or with `None` reopens) a participant's case.
    pub fn set_case_closed(&mut self, p: ParticipantId, closed: Option<NaiveDate>) -> Result<()> {
        if !self.update("participant", &p.to_string(), &[("case_closed", od(closed))])? {
            return Err(StoreError::NotFound { kind: "participant", id: p.to_string() });
        }
        Ok(())
    }

    /// Enrols a participant. Checked here: the initiative is open, the dates lie inside its
    /// period, the case is open, and there is no open enrolment in the same initiative.
    pub fn insert_enrolment(&mut self, e: &Enrolment) -> Result<()> {
        let initiative = self.read().initiative(e.initiative)?;
        let participant = self.read().participant(e.participant)?;
        if initiative.status == InitiativeStatus::Closed {
            return Err(ValidationError::InitiativeClosed.into());
        }
        if participant.case_closed.is_some() {
            return Err(ValidationError::CaseClosed.into());
        }
        validate::enrolment_within(e.start, e.end, initiative.start, initiative.end)?;
        if let Some(open) =
            self.read().enrolments_of_participant(e.participant)?.into_iter().find(|x| x.initiative == e.initiative && x.end.is_none())
        {
            return Err(ValidationError::AlreadyEnrolled { start: open.start }.into());
        }
        self.insert(
            "enrolment",
            &e.id.to_string(),
            &[
                ("participant_id", t(&e.participant.to_string())),
                ("initiative_id", t(&e.initiative.to_string())),
                ("start_date", d(e.start)),
                ("end_date", od(e.end)),
                ("outcome", e.outcome.map_or(Value::Null, |o| t(o.code()))),
            ],
        )
    }

    /// Writes an enrolment as it is, without the rules of a new one (a closed initiative, a
    /// closed case): for moving a duplicate case's enrolments into the case kept.
    pub fn insert_enrolment_as_is(&mut self, e: &Enrolment) -> Result<()> {
        self.insert(
            "enrolment",
            &e.id.to_string(),
            &[
                ("participant_id", t(&e.participant.to_string())),
                ("initiative_id", t(&e.initiative.to_string())),
                ("start_date", d(e.start)),
                ("end_date", od(e.end)),
                ("outcome", e.outcome.map_or(Value::Null, |o| t(o.code()))),
            ],
        )
    }

    /// Ends an enrolment with its outcome.
    pub fn end_enrolment(&mut self, id: EnrolmentId, end: NaiveDate, outcome: EnrolmentOutcome) -> Result<()> {
        let e = self.read().enrolment(id)?;
        let initiative = self.read().initiative(e.initiative)?;
        validate::enrolment_within(e.start, Some(end), initiative.start, initiative.end)?;
        self.update("enrolment", &id.to_string(), &[("end_date", d(end)), ("outcome", t(outcome.code()))])?;
        Ok(())
    }

    /// Corrects an enrolment's dates and outcome, with the rules of a new one: inside its
    /// initiative's period, and no second open enrolment in the same initiative.
    pub fn update_enrolment(&mut self, e: &Enrolment) -> Result<()> {
        let initiative = self.read().initiative(e.initiative)?;
        validate::enrolment_within(e.start, e.end, initiative.start, initiative.end)?;
        if e.end.is_none()
            && let Some(open) = self
                .read()
                .enrolments_of_participant(e.participant)?
                .into_iter()
                .find(|x| x.id != e.id && x.initiative == e.initiative && x.end.is_none())
        {
            return Err(ValidationError::AlreadyEnrolled { start: open.start }.into());
        }
        let found = self.update(
            "enrolment",
            &e.id.to_string(),
            &[("start_date", d(e.start)), ("end_date", od(e.end)), ("outcome", e.outcome.map_or(Value::Null, |o| t(o.code())))],
        )?;
        if !found {
            return Err(StoreError::NotFound { kind: "enrolment", id: e.id.to_string() });
        }
        Ok(())
    }

    /// Deletes an enrolment registered in error (a tombstone, as [`Tx::delete_event`]).
    pub fn delete_enrolment(&mut self, id: EnrolmentId) -> Result<Enrolment> {
        let e = self.read().enrolment(id)?;
        self.delete("enrolment", &id.to_string())?;
        Ok(e)
    }

    /// Enters (or corrects) the value of a manual indicator for a period (`2026`, `2026-Q3`,
    /// `2026-05`; the caller checks the form).
    pub fn set_manual_value(&mut self, v: &crate::ManualValue) -> Result<()> {
        let indicator = self.read().indicator(&v.indicator.to_string())?;
        if indicator.measure != Measure::Manual {
            return Err(ValidationError::NotManual { indicator: indicator.key }.into());
        }
        if !v.value.is_finite() {
            return Err(ValidationError::NotANumber { field: "value", value: v.value.to_string() }.into());
        }
        let id = format!("{}:{}", v.indicator, v.period);
        let at = v.entered_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        let cols = [("value", Value::Real(v.value)), ("note", t(&v.note)), ("entered_by", t(&v.entered_by)), ("entered_at", t(&at))];
        if !self.update("manual_value", &id, &cols)? {
            let mut all = vec![("indicator_id", t(&v.indicator.to_string())), ("period", t(&v.period))];
            all.extend(cols);
            self.insert("manual_value", &id, &all)?;
        }
        Ok(())
    }

    /// Records many progress events at once (bulk loads), logged exactly as one by one.
    pub fn insert_events(&mut self, events: &[ProgressEvent]) -> Result<()> {
        let mut rows = Vec::with_capacity(events.len());
        for e in events {
            let (id, cols) = event_row(e)?;
            rows.push((id, cols.into_iter().map(|(_, v)| v).collect()));
        }
        self.insert_many("progress_event", &EVENT_COLS, &rows)?;
        self.events_added(events);
        Ok(())
    }

    /// Deletes a progress event registered in error. The change log keeps a tombstone: the
    /// deletion reaches every laptop, and an edit of the event made elsewhere meanwhile goes to
    /// that laptop's conflicts inbox.
    pub fn delete_event(&mut self, id: EventId) -> Result<ProgressEvent> {
        let event = self.read().event(id)?;
        self.delete("progress_event", &id.to_string())?;
        self.case_changed(event.participant.to_string());
        Ok(event)
    }

    /// Corrects an event's date and details (the caller checks them with the day's date).
    pub fn update_event(&mut self, e: &ProgressEvent) -> Result<()> {
        let details = serde_json::to_string(&e.details).map_err(|err| StoreError::Encoding(err.to_string()))?;
        let found = self.update(
            "progress_event",
            &e.id.to_string(),
            &[("date", d(e.date)), ("type", t(e.details.type_code())), ("details", Value::Text(details))],
        )?;
        if !found {
            return Err(StoreError::NotFound { kind: "progress event", id: e.id.to_string() });
        }
        self.case_changed(e.participant.to_string());
        Ok(())
    }

    /// Records one progress event (its rules are checked by the caller with the day's date).
    pub fn insert_event(&mut self, e: &ProgressEvent) -> Result<()> {
        let (id, cols) = event_row(e)?;
        self.insert("progress_event", &id, &cols)?;
        self.events_added(std::slice::from_ref(e));
        Ok(())
    }
}

const EVENT_COLS: [&str; 6] = ["participant_id", "date", "type", "details", "recorded_by", "recorded_at"];

fn event_row(e: &ProgressEvent) -> Result<(String, Vec<(&'static str, Value)>)> {
    let details = serde_json::to_string(&e.details).map_err(|err| StoreError::Encoding(err.to_string()))?;
    let values = [
        t(&e.participant.to_string()),
        d(e.date),
        t(e.details.type_code()),
        Value::Text(details),
        t(&e.recorded_by),
        t(&e.recorded_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
    ];
    Ok((e.id.to_string(), EVENT_COLS.iter().copied().zip(values).collect()))
}

const PARTICIPANT_COLS: [&str; 11] = [
    "pseudonym",
    "name",
    "cpr",
    "birth_year",
    "origin",
    "arrival_date",
    "programme",
    "programme_start",
    "programme_end",
    "caseworker",
    "case_closed",
];

fn participant_cols(p: &Participant) -> Vec<(&'static str, Value)> {
    let values = [
        t(&p.pseudonym),
        t(&p.name),
        p.cpr.as_ref().map_or(Value::Null, |c| t(c.digits())),
        i(p.birth_year.into()),
        t(p.origin.code()),
        od(p.arrival_date),
        t(p.programme.code()),
        od(p.programme_start),
        od(p.programme_end),
        t(&p.caseworker),
        od(p.case_closed),
    ];
    PARTICIPANT_COLS.into_iter().zip(values).collect()
}
