//! The worklist ("I dag" / "Today"): what is overdue, what is due this week, the conversations
//! coming up, the cases without contact, and the drafts left open; for a team lead also per
//! caseworker and for the team, with the workload. Everything in it is derived in the store (the
//! due items of `core::deadlines`, the caseload index); this module only asks and labels.

use chrono::{Duration, NaiveDate};
use indsats_core::deadlines::DueKind;
use indsats_core::model::{Code, Role};
use indsats_core::validate::Lang;
use indsats_store::{ContactRow, DueRow, WorkloadRow};

use crate::error::Result;
use crate::session::Session;

/// The most rows a list of the worklist shows (the counts in the workload are whole).
pub const LIST_MAX: u32 = 200;
/// "Due this week": within this many days from today.
pub const WEEK_DAYS: i64 = 7;
/// Upcoming conversations: due after this week and within this many days.
pub const UPCOMING_DAYS: i64 = 28;

/// Whose worklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorklistScope {
    /// The acting person's own caseload.
    Mine,
    /// One caseworker's (team lead, admin).
    Caseworker(String),
    /// The whole team's (team lead, admin).
    Team,
}

/// One due item on the worklist.
#[derive(Debug, Clone, PartialEq)]
pub struct DueLine {
    pub item: DueRow,
    /// What is due, as the rule calls it, in Danish and English.
    pub title: String,
    pub title_en: String,
    pub kind: DueKind,
    /// Whether the rule illustrates rather than states the law.
    pub illustrative: bool,
    /// Days past the due day (positive) or left until it (negative or zero).
    pub days_overdue: i64,
}

impl DueLine {
    pub fn title(&self, lang: Lang) -> &str {
        if lang == Lang::Da { &self.title } else { &self.title_en }
    }
}

/// The worklist of one caseload or the team.
#[derive(Debug, Clone, PartialEq)]
pub struct WorklistView {
    pub today: NaiveDate,
    /// The caseworker it is for (`None`: the team).
    pub caseworker: Option<String>,
    pub no_contact_days: u32,
    pub overdue: Vec<DueLine>,
    pub this_week: Vec<DueLine>,
    pub upcoming_conversations: Vec<DueLine>,
    pub without_contact: Vec<ContactRow>,
    /// The acting person's own drafts left open (form, saved at); only on their own worklist.
    pub drafts: Vec<(String, String)>,
    /// Per caseworker: open cases and overdue items (the team's worklist only).
    pub workload: Vec<WorkloadRow>,
}

impl Session {
    /// The worklist. A caseworker sees her own; a team lead or an admin also any caseworker's
    /// and the team's, with the workload. An audited read: it shows persons.
    pub fn worklist(&mut self, scope: WorklistScope, no_contact_days: u32) -> Result<WorklistView> {
        let me = self.user().name.clone();
        let caseworker = match &scope {
            WorklistScope::Mine => Some(me.clone()),
            WorklistScope::Caseworker(w) if *w == me => Some(me.clone()),
            WorklistScope::Caseworker(w) => {
                self.require(&[Role::TeamLead], "see another caseworker's worklist")?;
                Some(w.trim().to_string())
            }
            WorklistScope::Team => {
                self.require(&[Role::TeamLead], "see the team's worklist")?;
                None
            }
        };
        let today = self.today();
        let book = indsats_store::rule_book();
        let r = self.store.read();
        let line = |item: DueRow| {
            let rule = book.rule(&item.ruleset, &item.rule);
            DueLine {
                title: rule.map_or_else(|| item.rule.clone(), |r| r.title.clone()),
                title_en: rule.map_or_else(|| item.rule.clone(), |r| r.title_en.clone()),
                kind: DueKind::parse(&item.kind).unwrap_or(DueKind::Review),
                illustrative: rule.is_some_and(|r| r.illustrative),
                days_overdue: (today - item.due).num_days(),
                item,
            }
        };
        let due = r.due_open(caseworker.as_deref(), today + Duration::days(UPCOMING_DAYS), LIST_MAX * 3)?;
        let (mut overdue, mut this_week, mut upcoming) = (Vec::new(), Vec::new(), Vec::new());
        for d in due.into_iter().map(line) {
            if d.days_overdue > 0 {
                overdue.push(d);
            } else if d.days_overdue >= -WEEK_DAYS {
                this_week.push(d);
            } else if d.kind == DueKind::Conversation {
                upcoming.push(d);
            }
        }
        for list in [&mut overdue, &mut this_week, &mut upcoming] {
            list.truncate(LIST_MAX as usize);
        }
        let without_contact = r.without_contact(caseworker.as_deref(), today - Duration::days(i64::from(no_contact_days)), LIST_MAX)?;
        // The workload is the team's view (it reads every open case).
        let workload = if caseworker.is_none() { r.workload(today)? } else { Vec::new() };
        let drafts = if caseworker.as_deref() == Some(me.as_str()) {
            self.drafts()?.into_iter().map(|(form, _, at)| (form, at)).collect()
        } else {
            Vec::new()
        };
        let shown = overdue
            .iter()
            .chain(&this_week)
            .chain(&upcoming)
            .map(|d| d.item.pseudonym.as_str())
            .chain(without_contact.iter().map(|c| c.pseudonym.as_str()));
        let mut seen = std::collections::BTreeSet::new();
        let detail = indsats_store::shown_detail("", shown.filter(|p| seen.insert(*p)));
        let view = WorklistView {
            today,
            caseworker: caseworker.clone(),
            no_contact_days,
            overdue,
            this_week,
            upcoming_conversations: upcoming,
            without_contact,
            drafts,
            workload,
        };
        self.audited("worklist.read", caseworker, "sagsbehandling", detail, |_| Ok(()))?;
        Ok(view)
    }
}
