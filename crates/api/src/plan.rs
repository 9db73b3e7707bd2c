//! The participant's plan ("Din plan"): for the citizen, the goals they work towards, the
//! activities agreed with them and the latest day of their next conversation, as a short PDF in
//! Danish or English, made from the case as it stands. This module picks what goes in (from the
//! store's records and core's deadline rules) and audits it; indsats-export only prints it.

use chrono::NaiveDate;
use indsats_core::deadlines::{self, DueKind};
use indsats_core::ids::ParticipantId;
use indsats_core::ladder::{self, LadderRules};
use indsats_core::model::{Enrolment, Role};
use indsats_core::validate::{self, Lang};
use indsats_export::plan::{NextConversation, ParticipantPlan, PlanActivity, PlanGoal, PlanLink};

use crate::error::{ApiError, Result};
use crate::session::Session;

impl Session {
    /// The participant's plan as a PDF for the citizen, in `lang`: the case's own caseworker or a
    /// team lead; an audited read with its purpose. A closed case has no plan to give.
    ///
    /// What it holds, on today's date:
    /// - the agreed activities: the enrolments without an outcome that have not ended before
    ///   today (also those starting later), by start;
    /// - the current goals: the strategy's goals that those activities' initiatives are linked
    ///   to, in the strategy's order, each with its initiatives and how they contribute;
    /// - the next conversation: the conversation item of the deadline rules
    ///   (`indsats_core::deadlines`, the same items as the worklist's) that is not yet held and is
    ///   due first, overdue or not; none when nothing is due;
    /// - the ladder step, when the participant has one above 0 (not assessed).
    pub fn participant_plan(&mut self, id: ParticipantId, lang: Lang, purpose: &str) -> Result<Vec<u8>> {
        self.require(&[Role::Caseworker, Role::TeamLead], "make a participant's plan")?;
        let purpose = validate::required_text("purpose", purpose, 200)?;
        let today = self.today();
        let plan = {
            let r = self.store.read();
            let p = r.participant(id)?;
            if !self.user.role.includes(Role::TeamLead) && p.caseworker != self.user.name {
                return Err(ApiError::NotYourCase { caseworker: p.caseworker });
            }
            if p.case_closed.is_some() {
                return Err(ApiError::PlanOfClosedCase { pseudonym: p.pseudonym });
            }
            let strategy = r.strategy()?;
            let goals = r.goals()?;
            let events = r.events_of_participant(id)?;
            let pairs: Vec<_> = events.iter().map(|e| (e.date, &e.details)).collect();

            let mut open: Vec<Enrolment> = r.enrolments_of_participant(id)?.into_iter().filter(|e| is_agreed(e, today)).collect();
            open.sort_by_key(|e| (e.start, e.id));
            let mut activities = Vec::new();
            let mut links = Vec::new();
            for e in &open {
                let initiative = r.initiative(e.initiative)?;
                for l in r.goal_links(initiative.id)? {
                    links.push((l.goal, initiative.id, initiative.title.clone(), l.contribution));
                }
                activities.push(PlanActivity {
                    initiative: initiative.title,
                    kind: initiative.kind,
                    owner: initiative.owner,
                    start: e.start,
                    planned_end: e.end,
                });
            }
            let plan_goals = goals
                .iter()
                .filter_map(|g| {
                    let mut seen = std::collections::BTreeSet::new();
                    let initiatives: Vec<PlanLink> = links
                        .iter()
                        .filter(|(goal, initiative, ..)| *goal == g.id && seen.insert(*initiative))
                        .map(|(_, _, title, contribution)| PlanLink { initiative: title.clone(), contribution: contribution.clone() })
                        .collect();
                    let title = if lang == Lang::En && !g.title_en.trim().is_empty() { &g.title_en } else { &g.title };
                    (!initiatives.is_empty()).then(|| PlanGoal { title: title.clone(), initiatives })
                })
                .collect();

            let case =
                deadlines::Case { programme: p.programme, programme_start: p.programme_start, closed: p.case_closed, events: &pairs };
            let book = indsats_store::rule_book();
            let next_conversation = book
                .items(&case)
                .into_iter()
                .filter(|i| i.due_kind == DueKind::Conversation && i.done_on.is_none())
                .min_by(|a, b| (a.due, &a.rule).cmp(&(b.due, &b.rule)))
                .map(|i| {
                    let rule = book.rule(&i.ruleset, &i.rule);
                    let title = match (rule, lang) {
                        (Some(r), Lang::Da) => r.title.clone(),
                        (Some(r), Lang::En) => r.title_en.clone(),
                        (None, _) => i.rule.clone(),
                    };
                    NextConversation { due: i.due, title, needed: i.needed, done: i.done, overdue: i.due < today }
                });
            let step = ladder::step_on(&pairs, today, &LadderRules::default());

            ParticipantPlan {
                lang,
                made_on: today,
                generated_at: self.now(),
                made_by: self.user.name.clone(),
                municipality: strategy.as_ref().map(|s| s.municipality.clone()).unwrap_or_default(),
                strategy: strategy.map(|s| s.title).unwrap_or_default(),
                citizen_name: p.name,
                citizen_pseudonym: p.pseudonym,
                caseworker: p.caseworker,
                goals: plan_goals,
                activities,
                next_conversation,
                ladder_step: (step > 0).then_some(step),
            }
        };
        let bytes = indsats_export::plan::pdf(&plan)?;
        let detail = format!(
            "{} bytes, {} mål, {} aktiviteter, næste samtale {}, {}",
            bytes.len(),
            plan.goals.len(),
            plan.activities.len(),
            plan.next_conversation.as_ref().map_or_else(|| "ingen".to_string(), |n| n.due.to_string()),
            if lang == Lang::Da { "da" } else { "en" },
        );
        self.audited("participant.plan", Some(id.to_string()), &purpose, detail, |_| Ok(()))?;
        Ok(bytes)
    }
}

/// Whether an enrolment is agreed and current on `today`: no outcome recorded, and not ended
/// (or planned to end) before today. One starting later is agreed too.
fn is_agreed(e: &Enrolment, today: NaiveDate) -> bool {
    e.outcome.is_none() && e.end.is_none_or(|end| end >= today)
}
