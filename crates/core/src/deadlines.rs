//! Deadlines (frister): what the integration law and the municipality require to be done for a
//! participant, by when, counted from what. The rules are data — dated, versioned rule sets in a
//! TOML file (`assets/deadlines/`, documented in `docs/deadlines.md`) — because they change
//! (2018, 2024, 2025); this module reads them and derives a participant's due items from their
//! case. Pure: no IO, no clock.
//!
//! **A rule set applies from its date and never rewrites what was due before it:** an item is
//! derived by the rule set in force on the day its count starts (its *anchor*), so adding a new
//! set changes only items anchored on or after its date.

use chrono::{Months, NaiveDate};
use serde::Deserialize;
use toml::Spanned;

use crate::code_enum;
use crate::event::EventDetails;
use crate::model::{Code, ProgrammeKind, TargetGroup};
use crate::strategy_file::{ErrorKind, StrategyFileError, TomlFile, from_toml};

/// The version of the format this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// The default rule sets, built in.
pub const DEFAULT_FILE: &str = include_str!("../../../assets/deadlines/integrationsloven.toml");

code_enum!(
    /// What a deadline asks for.
    DueKind, "due" {
        Conversation = "conversation", "Samtale", "Conversation";
        Contract = "contract", "Kontrakt", "Contract";
        Plan = "plan", "Plan", "Plan";
        Review = "review", "Revurdering", "Review";
    }
);

/// What a deadline is counted from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// The programme's start (integrationsprogrammet, or the self-support programme).
    ProgrammeStart,
    /// The last conversation held: the next is due within the period.
    LastConversation,
    /// Each event of these types (a finding, an ended offer): something is due after it.
    Event(Vec<String>),
}

/// How long there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    Days(u32),
    Months(u32),
}

impl Within {
    pub fn after(self, day: NaiveDate) -> NaiveDate {
        match self {
            Within::Days(n) => day + chrono::Duration::days(i64::from(n)),
            Within::Months(n) => day.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX),
        }
    }
}

/// One rule of a set.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub key: String,
    pub due: DueKind,
    pub title: String,
    pub title_en: String,
    /// The programmes it applies to (empty: all).
    pub programmes: Vec<ProgrammeKind>,
    /// The target groups it applies to, as assessed on the anchor day (empty: any).
    pub target_groups: Vec<TargetGroup>,
    pub from: Anchor,
    pub within: Within,
    /// How many of `done_by` it takes (at least 1).
    pub count: u32,
    /// The event types that fulfil it. `conversation` counts held conversations (and the older
    /// "meeting held").
    pub done_by: Vec<String>,
    /// Whether the rule illustrates rather than states the law (see the set's `illustrative`).
    pub illustrative: bool,
}

/// A dated, versioned set of rules.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    pub key: String,
    pub version: String,
    pub valid_from: NaiveDate,
    /// The legal source.
    pub source: String,
    /// Which parts are illustrative, in words.
    pub illustrative: String,
    pub rules: Vec<Rule>,
}

impl RuleSet {
    /// `key:version`, as due items name their set.
    pub fn id(&self) -> String {
        format!("{}:{}", self.key, self.version)
    }
}

/// Every rule set, by date.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleBook {
    pub sets: Vec<RuleSet>,
}

/// What a case gives the deadlines.
#[derive(Debug, Clone, Copy)]
pub struct Case<'a> {
    pub programme: ProgrammeKind,
    pub programme_start: Option<NaiveDate>,
    /// The case's closing day, if closed.
    pub closed: Option<NaiveDate>,
    pub events: &'a [(NaiveDate, &'a EventDetails)],
}

/// One due item: what the rule asks, counted from `anchor`, due on `due`; `done` of `needed` by
/// the due day, and the day the last one needed came (late when after `due`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueItem {
    pub rule: String,
    /// The set it comes from (`key:version`).
    pub ruleset: String,
    pub due_kind: DueKind,
    pub anchor: NaiveDate,
    pub due: NaiveDate,
    pub needed: u32,
    pub done: u32,
    pub done_on: Option<NaiveDate>,
}

/// Where a due item stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueState {
    Done,
    DoneLate,
    Open,
    Overdue,
}

impl DueItem {
    pub fn state_on(&self, today: NaiveDate) -> DueState {
        match self.done_on {
            Some(d) if d <= self.due => DueState::Done,
            Some(_) => DueState::DoneLate,
            None if today > self.due => DueState::Overdue,
            None => DueState::Open,
        }
    }
}

fn fulfils(done_by: &[String], e: &EventDetails) -> bool {
    done_by.iter().any(|t| if t == "conversation" { e.is_held_conversation() } else { t == e.type_code() })
}

impl RuleBook {
    /// The built-in rule sets.
    pub fn default_book() -> RuleBook {
        // The file is checked by a test; a build whose file does not read has no rules rather
        // than a panic.
        parse(DEFAULT_FILE).unwrap_or(RuleBook { sets: Vec::new() })
    }

    /// The set in force on `day`.
    pub fn set_on(&self, day: NaiveDate) -> Option<&RuleSet> {
        self.sets.iter().rev().find(|s| s.valid_from <= day)
    }

    /// A fingerprint of the rules: the store re-derives every case's items when it changes.
    pub fn fingerprint(&self) -> String {
        self.sets.iter().map(RuleSet::id).collect::<Vec<_>>().join(",")
    }

    /// A case's due items, by anchor then rule. A case that ends (closed, or a closure event
    /// such as moving away) keeps what fell due before it ended; what would have fallen due
    /// after it lapses.
    pub fn items(&self, case: &Case<'_>) -> Vec<DueItem> {
        let mut events: Vec<(NaiveDate, &EventDetails)> = case.events.to_vec();
        events.sort_by_key(|(d, _)| *d);
        let closure = events.iter().find(|(_, e)| matches!(e, EventDetails::Closure { .. })).map(|(d, _)| *d);
        let end = match (case.closed, closure) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let group_on = |day: NaiveDate| {
            events.iter().rev().filter(|(d, _)| *d <= day).find_map(|(_, e)| match e {
                EventDetails::Visitation { target_group } => Some(*target_group),
                _ => None,
            })
        };
        let mut out = Vec::new();
        for set in &self.sets {
            for rule in &set.rules {
                if !rule.programmes.is_empty() && !rule.programmes.contains(&case.programme) {
                    continue;
                }
                let fulfilling: Vec<(usize, NaiveDate)> =
                    events.iter().enumerate().filter(|(_, (_, e))| fulfils(&rule.done_by, e)).map(|(i, (d, _))| (i, *d)).collect();
                // (anchor, the index of the event it starts from, if any)
                let anchors: Vec<(NaiveDate, Option<usize>)> = match &rule.from {
                    Anchor::ProgrammeStart => case.programme_start.map(|d| (d, None)).into_iter().collect(),
                    Anchor::LastConversation => {
                        events.iter().enumerate().filter(|(_, (_, e))| e.is_held_conversation()).map(|(i, (d, _))| (*d, Some(i))).collect()
                    }
                    Anchor::Event(types) => events
                        .iter()
                        .enumerate()
                        .filter(|(_, (_, e))| types.iter().any(|t| t == e.type_code()))
                        .map(|(i, (d, _))| (*d, Some(i)))
                        .collect(),
                };
                for (anchor, from_event) in anchors {
                    if self.set_on(anchor).map(RuleSet::id) != Some(set.id()) {
                        continue;
                    }
                    if !rule.target_groups.is_empty() && !group_on(anchor).is_some_and(|g| rule.target_groups.contains(&g)) {
                        continue;
                    }
                    if end.is_some_and(|e| anchor > e) {
                        continue;
                    }
                    let due = rule.within.after(anchor);
                    // What counts: on or after the anchor, and for an anchor that is an event,
                    // after that event (the next conversation, not the one counted from). The
                    // events are in date order, so each is a binary search, not a scan: a case
                    // may hold thousands of conversations.
                    let first = match from_event {
                        Some(at) => fulfilling.partition_point(|(i, _)| *i <= at),
                        None => fulfilling.partition_point(|(_, d)| *d < anchor),
                    };
                    let counting = &fulfilling[first..];
                    let needed = rule.count.max(1);
                    let by_due = counting.partition_point(|(_, d)| *d <= due);
                    let done = by_due.min(needed as usize) as u32;
                    let done_on = counting.get(needed as usize - 1).map(|(_, d)| *d);
                    if done_on.is_none() && end.is_some_and(|e| due > e) {
                        continue; // lapsed: the case ended before it fell due
                    }
                    out.push(DueItem { rule: rule.key.clone(), ruleset: set.id(), due_kind: rule.due, anchor, due, needed, done, done_on });
                }
            }
        }
        out.sort_by(|a, b| a.anchor.cmp(&b.anchor).then(a.rule.cmp(&b.rule)));
        out
    }

    /// The rule behind an item.
    pub fn rule(&self, ruleset: &str, rule: &str) -> Option<&Rule> {
        self.sets.iter().find(|s| s.id() == ruleset)?.rules.iter().find(|r| r.key == rule)
    }
}

// ---- The file ----------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    format: Spanned<i64>,
    #[serde(default)]
    ruleset: Vec<Spanned<SetRaw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetRaw {
    key: String,
    version: String,
    valid_from: Spanned<String>,
    source: String,
    #[serde(default)]
    illustrative: String,
    #[serde(default)]
    rule: Vec<Spanned<RuleRaw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleRaw {
    key: Spanned<String>,
    due: Spanned<String>,
    title: String,
    title_en: String,
    #[serde(default)]
    programmes: Vec<Spanned<String>>,
    #[serde(default)]
    target_groups: Vec<Spanned<String>>,
    from: Spanned<String>,
    #[serde(default)]
    after: Vec<Spanned<String>>,
    within_days: Option<Spanned<u32>>,
    within_months: Option<Spanned<u32>>,
    #[serde(default = "one")]
    count: u32,
    done_by: Spanned<Vec<String>>,
    #[serde(default)]
    illustrative: bool,
}

fn one() -> u32 {
    1
}

fn rule_error(src: &str, offset: usize, field: &str, da: String, en: String) -> StrategyFileError {
    StrategyFileError::at(src, offset, Some(field), ErrorKind::Rule { da, en }).in_file(TomlFile::Deadlines)
}

fn code<T: Code>(src: &str, s: &Spanned<String>, field: &str) -> Result<T, StrategyFileError> {
    T::parse(s.get_ref())
        .map_err(|e| StrategyFileError::at(src, s.span().start, Some(field), ErrorKind::BadCode(e)).in_file(TomlFile::Deadlines))
}

/// Whether `t` is an event type code.
fn known_event(t: &str) -> bool {
    crate::event::EVENT_TYPES.iter().any(|(c, _, _)| *c == t)
}

/// Parses and checks a rule-set file: errors name the line and the field.
pub fn parse(src: &str) -> Result<RuleBook, StrategyFileError> {
    let raw: FileRaw = toml::from_str(src).map_err(|e| from_toml(src, e).in_file(TomlFile::Deadlines))?;
    if *raw.format.get_ref() != i64::from(FORMAT_VERSION) {
        return Err(StrategyFileError::at(src, raw.format.span().start, Some("format"), ErrorKind::FormatVersion(*raw.format.get_ref()))
            .in_file(TomlFile::Deadlines));
    }
    let mut sets = Vec::new();
    for s in raw.ruleset {
        let at = s.span().start;
        let s = s.into_inner();
        let valid_from = NaiveDate::parse_from_str(s.valid_from.get_ref(), "%Y-%m-%d").map_err(|_| {
            rule_error(
                src,
                s.valid_from.span().start,
                "valid_from",
                format!("«{}» er ikke en dato. Skriv den som ÅÅÅÅ-MM-DD.", s.valid_from.get_ref()),
                format!("“{}” is not a date. Write it as YYYY-MM-DD.", s.valid_from.get_ref()),
            )
        })?;
        for (field, value) in [("key", &s.key), ("version", &s.version), ("source", &s.source)] {
            if value.trim().is_empty() {
                return Err(StrategyFileError::at(src, at, Some(field), ErrorKind::Empty).in_file(TomlFile::Deadlines));
            }
        }
        let mut rules: Vec<Rule> = Vec::new();
        for r in s.rule {
            let r_at = r.span().start;
            let r = r.into_inner();
            if rules.iter().any(|x| x.key == *r.key.get_ref()) {
                return Err(StrategyFileError::at(src, r.key.span().start, Some("rule"), ErrorKind::Duplicate(r.key.get_ref().clone()))
                    .in_file(TomlFile::Deadlines));
            }
            let from = match r.from.get_ref().as_str() {
                "programme_start" => Anchor::ProgrammeStart,
                "last_conversation" => Anchor::LastConversation,
                "event" => {
                    if r.after.is_empty() {
                        return Err(rule_error(
                            src,
                            r.from.span().start,
                            "after",
                            "«from = \"event\"» kræver «after»: de hændelsestyper, fristen regnes fra.".into(),
                            "“from = \"event\"” needs “after”: the event types the deadline counts from.".into(),
                        ));
                    }
                    Anchor::Event(r.after.iter().map(|a| a.get_ref().clone()).collect())
                }
                other => {
                    return Err(rule_error(
                        src,
                        r.from.span().start,
                        "from",
                        format!("«{other}» kendes ikke. Brug programme_start, last_conversation eller event."),
                        format!("“{other}” is unknown. Use programme_start, last_conversation or event."),
                    ));
                }
            };
            for a in &r.after {
                if !known_event(a.get_ref()) {
                    return Err(rule_error(
                        src,
                        a.span().start,
                        "after",
                        format!("«{}» er ikke en hændelsestype.", a.get_ref()),
                        format!("“{}” is not an event type.", a.get_ref()),
                    ));
                }
            }
            if let Some(t) = r.done_by.get_ref().iter().find(|t| !known_event(t)) {
                return Err(rule_error(
                    src,
                    r.done_by.span().start,
                    "done_by",
                    format!("«{t}» er ikke en hændelsestype."),
                    format!("“{t}” is not an event type."),
                ));
            }
            if r.done_by.get_ref().is_empty() {
                return Err(
                    StrategyFileError::at(src, r.done_by.span().start, Some("done_by"), ErrorKind::Empty).in_file(TomlFile::Deadlines)
                );
            }
            let within = match (&r.within_days, &r.within_months) {
                (Some(d), None) if *d.get_ref() > 0 => Within::Days(*d.get_ref()),
                (None, Some(m)) if *m.get_ref() > 0 => Within::Months(*m.get_ref()),
                _ => {
                    return Err(rule_error(
                        src,
                        r_at,
                        "within_days",
                        "giv præcis én af «within_days» og «within_months», større end 0.".into(),
                        "give exactly one of “within_days” and “within_months”, above 0.".into(),
                    ));
                }
            };
            if r.count == 0 {
                return Err(rule_error(src, r_at, "count", "«count» skal være mindst 1.".into(), "“count” must be at least 1.".into()));
            }
            rules.push(Rule {
                key: r.key.get_ref().clone(),
                due: code(src, &r.due, "due")?,
                title: r.title,
                title_en: r.title_en,
                programmes: r.programmes.iter().map(|p| code(src, p, "programmes")).collect::<Result<_, _>>()?,
                target_groups: r.target_groups.iter().map(|g| code(src, g, "target_groups")).collect::<Result<_, _>>()?,
                from,
                within,
                count: r.count,
                done_by: r.done_by.into_inner(),
                illustrative: r.illustrative,
            });
        }
        if sets.iter().any(|x: &RuleSet| x.valid_from == valid_from) {
            return Err(rule_error(
                src,
                at,
                "valid_from",
                format!("to regelsæt gælder fra {valid_from}. Giv hvert sit eget startdato."),
                format!("two rule sets start on {valid_from}. Give each its own start date."),
            ));
        }
        sets.push(RuleSet { key: s.key, version: s.version, valid_from, source: s.source, illustrative: s.illustrative, rules });
    }
    sets.sort_by_key(|s| s.valid_from);
    Ok(RuleBook { sets })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::event::{ConversationMode, ConversationOutcome};
    use crate::validate::Lang;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn held() -> EventDetails {
        EventDetails::Conversation { outcome: ConversationOutcome::Held, mode: ConversationMode::Phone, interpreter: None }
    }

    #[test]
    fn the_default_file_reads_and_states_its_source_and_what_is_illustrative() {
        let book = parse(DEFAULT_FILE).unwrap();
        assert!(book.sets.len() >= 2);
        for s in &book.sets {
            assert!(s.source.contains("integrationsloven") || s.source.contains("Integrationsloven"), "{}", s.source);
            assert!(!s.illustrative.trim().is_empty(), "{} says which parts are illustrative", s.id());
            assert!(s.rules.iter().any(|r| r.illustrative) && s.rules.iter().any(|r| !r.illustrative));
        }
        assert_eq!(RuleBook::default_book(), book);
    }

    /// The hand-worked case of docs/deadlines.md: an introduction programme from 10-03-2025, a
    /// contract signed late, three conversations, then the rules changing on 01-07-2025.
    fn worked_book() -> RuleBook {
        parse(
            r#"
format = 1
[[ruleset]]
key = "test"
version = "2018"
valid_from = "2018-07-01"
source = "integrationsloven (test)"
illustrative = "opfolgning"
[[ruleset.rule]]
key = "kontrakt"
due = "contract"
title = "Kontrakt"
title_en = "Contract"
programmes = ["introduktion"]
from = "programme_start"
within_months = 1
done_by = ["contract_signed"]
[[ruleset.rule]]
key = "fire-samtaler"
due = "conversation"
title = "4 samtaler"
title_en = "4 conversations"
from = "programme_start"
within_months = 6
count = 4
done_by = ["conversation"]
[[ruleset.rule]]
key = "opfolgning"
due = "conversation"
title = "Næste samtale"
title_en = "Next conversation"
from = "last_conversation"
within_months = 3
done_by = ["conversation"]
illustrative = true
[[ruleset.rule]]
key = "efter-tilbud"
due = "conversation"
title = "Samtale efter tilbud"
title_en = "Conversation after an offer"
from = "event"
after = ["offer_ended"]
within_days = 14
done_by = ["conversation"]
illustrative = true

[[ruleset]]
key = "test"
version = "2025"
valid_from = "2025-07-01"
source = "integrationsloven (test)"
illustrative = "opfolgning"
[[ruleset.rule]]
key = "opfolgning"
due = "conversation"
title = "Næste samtale"
title_en = "Next conversation"
from = "last_conversation"
within_months = 2
done_by = ["conversation"]
illustrative = true
"#,
        )
        .unwrap()
    }

    fn item<'a>(items: &'a [DueItem], rule: &str, anchor: NaiveDate) -> &'a DueItem {
        items.iter().find(|i| i.rule == rule && i.anchor == anchor).unwrap_or_else(|| panic!("{rule} from {anchor} in {items:#?}"))
    }

    #[test]
    fn each_rule_gives_the_hand_worked_dates() {
        let book = worked_book();
        let contract = EventDetails::ContractSigned {};
        let offer_end =
            EventDetails::OfferEnded { offer: crate::model::InitiativeType::WorkPlacement, result: crate::event::OfferResult::Completed };
        let (c1, c2, c3) = (held(), EventDetails::MeetingHeld {}, held());
        let no_show =
            EventDetails::Conversation { outcome: ConversationOutcome::NoShow, mode: ConversationMode::InPerson, interpreter: None };
        let events = [
            (d(2025, 4, 1), &c1),
            (d(2025, 4, 20), &contract),
            (d(2025, 5, 2), &offer_end),
            (d(2025, 5, 15), &c2),
            (d(2025, 6, 1), &no_show),
            (d(2025, 6, 20), &c3),
        ];
        let case = Case { programme: ProgrammeKind::Introduction, programme_start: Some(d(2025, 3, 10)), closed: None, events: &events };
        let items = book.items(&case);

        // The contract: one month from 10-03-2025 is 10-04-2025; signed 20-04-2025, late.
        let k = item(&items, "kontrakt", d(2025, 3, 10));
        assert_eq!((k.due, k.done_on, k.done, k.needed), (d(2025, 4, 10), Some(d(2025, 4, 20)), 0, 1));
        assert_eq!(k.state_on(d(2025, 12, 1)), DueState::DoneLate);
        assert_eq!(k.ruleset, "test:2018");
        // Four conversations in six months (to 10-09-2025): three held (a no-show does not count).
        let f = item(&items, "fire-samtaler", d(2025, 3, 10));
        assert_eq!((f.due, f.done, f.needed, f.done_on), (d(2025, 9, 10), 3, 4, None));
        assert_eq!(f.state_on(d(2025, 9, 10)), DueState::Open);
        assert_eq!(f.state_on(d(2025, 9, 11)), DueState::Overdue);
        // The next conversation within three months of each held one.
        let o1 = item(&items, "opfolgning", d(2025, 4, 1));
        assert_eq!((o1.due, o1.done_on), (d(2025, 7, 1), Some(d(2025, 5, 15))));
        let o2 = item(&items, "opfolgning", d(2025, 5, 15));
        assert_eq!((o2.due, o2.done_on), (d(2025, 8, 15), Some(d(2025, 6, 20))));
        // A conversation within 14 days after the offer ended on 02-05-2025 (by 16-05): the one of 15-05.
        let e = item(&items, "efter-tilbud", d(2025, 5, 2));
        assert_eq!((e.due, e.done_on), (d(2025, 5, 16), Some(d(2025, 5, 15))));
        assert_eq!(e.state_on(d(2025, 6, 1)), DueState::Done);
        // The last conversation (20-06-2025) is before the 2025 rules: three months, to 20-09-2025.
        let o3 = item(&items, "opfolgning", d(2025, 6, 20));
        assert_eq!((o3.due, o3.done_on, o3.ruleset.as_str()), (d(2025, 9, 20), None, "test:2018"));
        // Not for another programme: the contract rule is for the introduction programme.
        let other = Case { programme: ProgrammeKind::SelfSupport, ..case };
        assert!(book.items(&other).iter().all(|i| i.rule != "kontrakt"));
    }

    #[test]
    fn a_rule_set_that_changes_while_a_case_is_open_applies_from_its_date_and_rewrites_nothing_before() {
        let book = worked_book();
        let (c1, c2) = (held(), held());
        let events = [(d(2025, 6, 20), &c1), (d(2025, 7, 10), &c2)];
        let case = Case { programme: ProgrammeKind::Introduction, programme_start: Some(d(2025, 3, 10)), closed: None, events: &events };
        let items = book.items(&case);
        // Counted from 20-06-2025: the 2018 set (three months, to 20-09-2025), done on 10-07.
        let before = item(&items, "opfolgning", d(2025, 6, 20));
        assert_eq!((before.ruleset.as_str(), before.due), ("test:2018", d(2025, 9, 20)));
        // Counted from 10-07-2025: the 2025 set (two months, to 10-09-2025).
        let after = item(&items, "opfolgning", d(2025, 7, 10));
        assert_eq!((after.ruleset.as_str(), after.due, after.done_on), ("test:2025", d(2025, 9, 10), None));
        // The 2025 set has no contract rule, but the case started under 2018's: it keeps it.
        assert!(items.iter().any(|i| i.rule == "kontrakt"));
        // And the items from before the change are exactly what the 2018 set alone gives.
        let only_2018 = RuleBook { sets: vec![book.sets[0].clone()] };
        let old: Vec<_> = only_2018.items(&case).into_iter().filter(|i| i.anchor < d(2025, 7, 1)).collect();
        let new: Vec<_> = items.iter().filter(|i| i.anchor < d(2025, 7, 1)).cloned().collect();
        assert_eq!(old, new);
    }

    #[test]
    fn a_participant_who_moved_away_keeps_what_fell_due_before_and_nothing_after() {
        let book = worked_book();
        let c1 = held();
        let moved = EventDetails::Closure { reason: crate::event::ClosureReason::MovedAway };
        let events = [(d(2025, 4, 1), &c1), (d(2025, 5, 1), &moved)];
        let case = Case { programme: ProgrammeKind::Introduction, programme_start: Some(d(2025, 3, 10)), closed: None, events: &events };
        let items = book.items(&case);
        // The contract fell due on 10-04-2025, before the move: it stays, not done.
        let k = item(&items, "kontrakt", d(2025, 3, 10));
        assert_eq!((k.due, k.done_on), (d(2025, 4, 10), None));
        // Four conversations by 10-09-2025, and the next after 01-04 by 01-07: both after the
        // move, undone: they lapse.
        assert!(items.iter().all(|i| i.rule != "fire-samtaler" && i.rule != "opfolgning"), "{items:#?}");
        // Closing the case does the same.
        let closed = Case { closed: Some(d(2025, 5, 1)), events: &events[..1], ..case };
        assert_eq!(book.items(&closed).len(), 1);
    }

    #[test]
    fn a_misspelt_field_or_a_bad_value_names_its_line_and_field() {
        let base = worked_book_src();
        let misspelt = base.replace("within_months = 1\n", "within_month = 1\n");
        let e = parse(&misspelt).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("within_month"), "{e:?}");
        assert_eq!(e.line, Some(16));
        assert!(e.message(Lang::Da).starts_with("Fristfilen, linje 16: ukendt felt «within_month»"), "{}", e.message(Lang::Da));
        let bad_from = base.replace("from = \"programme_start\"\nwithin_months = 1", "from = \"programstart\"\nwithin_months = 1");
        let e = parse(&bad_from).unwrap_err();
        assert_eq!((e.field.as_deref(), e.line), (Some("from"), Some(15)));
        assert!(e.message(Lang::En).contains("programme_start, last_conversation or event"), "{}", e.message(Lang::En));
        let bad_event = base.replace("done_by = [\"contract_signed\"]", "done_by = [\"kontrakt\"]");
        assert_eq!(parse(&bad_event).unwrap_err().field.as_deref(), Some("done_by"));
        let both = base.replace("within_months = 1\n", "within_months = 1\nwithin_days = 30\n");
        assert_eq!(parse(&both).unwrap_err().field.as_deref(), Some("within_days"));
        let programme = base.replace("programmes = [\"introduktion\"]", "programmes = [\"intro\"]");
        assert!(parse(&programme).unwrap_err().message(Lang::Da).contains("introduktion"));
    }

    fn worked_book_src() -> String {
        r#"format = 1
[[ruleset]]
key = "test"
version = "2018"
valid_from = "2018-07-01"
source = "integrationsloven (test)"
illustrative = "ingen"
[[ruleset.rule]]
key = "kontrakt"
due = "contract"
title = "Kontrakt"
title_en = "Contract"
programmes = ["introduktion"]
# counted from the programme's start
from = "programme_start"
within_months = 1
done_by = ["contract_signed"]
"#
        .to_string()
    }
}
