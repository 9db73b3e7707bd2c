//! The participant's plan: for the citizen, in plain Danish (or English), the goals they work
//! towards, the activities agreed with them and the latest day of their next conversation, as a
//! short tagged A4 PDF.
//!
//! Like the access extract (`extract.rs`), the plan prints what it is given and computes
//! nothing: indsats-api picks the current goals, the open enrolments and the next conversation
//! from the case and the deadline rules, and passes the day it was made (never the clock), so
//! the same plan gives the same bytes.
//!
//! The PDF is tagged for screen readers: the title is a heading (H1), each section has one (H2)
//! and each goal one (H3); the initiatives under a goal are a list (L, LI, Lbl, LBody); the
//! agreed activities are a table with a header row of column header cells (repeated, as
//! artifacts, on any page the table continues on); the rest are paragraphs in reading order.
//! Rules, shading and the page footers are artifacts.

use std::collections::BTreeMap;
use std::num::NonZeroU16;

use chrono::{DateTime, NaiveDate, Utc};
use indsats_core::ladder::STEP_LABELS;
use indsats_core::model::{Code, InitiativeType};
use indsats_core::validate::Lang;
use krilla::Document;
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::tagging::{ArtifactType, ContentTag, Identifier, ListNumbering, Node, SpanTag, TableHeaderScope, Tag, TagGroup, TagTree};

use crate::ExportError;
use crate::extract::cell_lines;
use crate::pdf_doc::{ACCENT, BOTTOM, LEFT, RIGHT, TOP, ZEBRA, heading, pdf_time};
use crate::pdf_layout::{Align, BLACK, Flow, Fonts, GREY, LIGHT, Op, PAGE_H, PAGE_W, describe, draw};
use crate::text::{self, MISSING};

/// A goal of the strategy that one of the participant's current activities works towards.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanGoal {
    /// The goal's title in the plan's language.
    pub title: String,
    /// The current activities linked to it, in the order given.
    pub initiatives: Vec<PlanLink>,
}

/// An initiative under a goal, with the sentence on how it contributes (may be empty).
#[derive(Debug, Clone, PartialEq)]
pub struct PlanLink {
    pub initiative: String,
    pub contribution: String,
}

/// An agreed activity: an open enrolment in an initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanActivity {
    pub initiative: String,
    pub kind: InitiativeType,
    /// Who runs it (the initiative's owner).
    pub owner: String,
    pub start: NaiveDate,
    /// The planned end, if one is set.
    pub planned_end: Option<NaiveDate>,
}

/// The next conversation: the earliest conversation the deadline rules have due and not yet
/// held.
#[derive(Debug, Clone, PartialEq)]
pub struct NextConversation {
    /// The day it is due by.
    pub due: NaiveDate,
    /// What the rule calls it, in the plan's language.
    pub title: String,
    /// How many conversations the rule asks for, and how many of them are held.
    pub needed: u32,
    pub done: u32,
    /// Whether its day has passed (on the day the plan is made).
    pub overdue: bool,
}

/// The plan, ready to print.
#[derive(Debug, Clone, PartialEq)]
pub struct ParticipantPlan {
    /// Danish (the default) or English.
    pub lang: Lang,
    /// The day the plan is made, as printed: passed in, never read from the clock.
    pub made_on: NaiveDate,
    /// When it was made: the document's creation time.
    pub generated_at: DateTime<Utc>,
    /// Who made it (the document's author).
    pub made_by: String,
    pub municipality: String,
    /// The strategy's title.
    pub strategy: String,
    pub citizen_name: String,
    pub citizen_pseudonym: String,
    /// The case's caseworker.
    pub caseworker: String,
    /// In the strategy's order.
    pub goals: Vec<PlanGoal>,
    /// In the order given.
    pub activities: Vec<PlanActivity>,
    pub next_conversation: Option<NextConversation>,
    /// The step on the labour-market ladder, 1–6, when the api shows one.
    pub ladder_step: Option<u8>,
}

/// The plan as a PDF document (A4).
pub fn pdf(p: &ParticipantPlan) -> Result<Vec<u8>, ExportError> {
    let fonts = Fonts::new()?;
    let layout = layout(&fonts, p);
    let w = words(p.lang);
    let tag = text::language_tag(p.lang);
    let metadata = Metadata::new()
        .title(format!("{} – {}", w.title, p.citizen_pseudonym))
        .authors(vec![p.made_by.clone()])
        .creator(format!("Indsats {}", env!("CARGO_PKG_VERSION")))
        .language(tag.to_string())
        .creation_date(pdf_time(p.generated_at))
        .document_id(format!("indsats-plan:{}:{}:{tag}", p.citizen_pseudonym, p.generated_at.format("%Y-%m-%dT%H:%M:%SZ")));
    render_tagged(&fonts, &layout, p.lang, metadata)
}

// ---- The words --------------------------------------------------------------------------------

/// The fixed words of the plan in one language.
struct Words {
    title: &'static str,
    name: &'static str,
    reference: &'static str,
    caseworker: &'static str,
    made_on: &'static str,
    next: &'static str,
    goals: &'static str,
    goals_intro: &'static str,
    no_goals: &'static str,
    activities: &'static str,
    no_activities: &'static str,
    activity: &'static str,
    kind: &'static str,
    owner: &'static str,
    start: &'static str,
    end: &'static str,
    not_set: &'static str,
    ladder: &'static str,
}

const DA: Words = Words {
    title: "Din plan",
    name: "Navn",
    reference: "Reference",
    caseworker: "Din sagsbehandler",
    made_on: "Lavet den",
    next: "Din næste samtale",
    goals: "Dine mål",
    goals_intro: "Det, du er i gang med, skal hjælpe dig mod disse mål:",
    no_goals: "Dine aktiviteter er ikke knyttet til et af kommunens mål endnu.",
    activities: "Det har vi aftalt",
    no_activities: "Der er ingen aftalte aktiviteter lige nu.",
    activity: "Aktivitet",
    kind: "Type",
    owner: "Hvor / hos",
    start: "Starter",
    end: "Slutter (planlagt)",
    not_set: "Ikke fastsat",
    ladder: "Hvor du er nu",
};

const EN: Words = Words {
    title: "Your plan",
    name: "Name",
    reference: "Reference",
    caseworker: "Your caseworker",
    made_on: "Made on",
    next: "Your next conversation",
    goals: "Your goals",
    goals_intro: "What you are doing now is to help you towards these goals:",
    no_goals: "Your activities are not yet linked to one of the municipality's goals.",
    activities: "What we have agreed",
    no_activities: "There are no agreed activities just now.",
    activity: "Activity",
    kind: "Type",
    owner: "Where / with",
    start: "Starts",
    end: "Ends (planned)",
    not_set: "Not set",
    ladder: "Where you are now",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

/// The table's columns.
fn columns(w: &Words) -> [&'static str; 5] {
    [w.activity, w.kind, w.owner, w.start, w.end]
}

/// What the plan is, and where its goals come from.
fn intro(p: &ParticipantPlan) -> Vec<String> {
    let mut out = Vec::new();
    match p.lang {
        Lang::Da => {
            out.push(
                "Her er din plan: de mål, du arbejder hen imod, de aktiviteter, du og kommunen har aftalt, og hvornår du senest skal have din næste samtale med din sagsbehandler.".to_string(),
            );
            if !p.strategy.trim().is_empty() {
                let whose = if p.municipality.trim().is_empty() { String::new() } else { format!("{}s ", p.municipality.trim()) };
                out.push(format!("Målene kommer fra {whose}strategi «{}».", p.strategy.trim()));
            }
        }
        Lang::En => {
            out.push(
                "This is your plan: the goals you are working towards, the activities you and the municipality have agreed, and the latest date for your next conversation with your caseworker.".to_string(),
            );
            if !p.strategy.trim().is_empty() {
                let whose = if p.municipality.trim().is_empty() { "the".to_string() } else { format!("{}'s", p.municipality.trim()) };
                out.push(format!("The goals come from {whose} strategy “{}”.", p.strategy.trim()));
            }
        }
    }
    out
}

/// The next conversation in words: a line in large type, then what it is and what happens.
fn conversation(n: Option<&NextConversation>, lang: Lang) -> (Option<String>, Vec<String>) {
    let Some(n) = n else {
        let none = match lang {
            Lang::Da => {
                "Der er ingen samtale, som skal holdes inden en bestemt dato lige nu. Din sagsbehandler kontakter dig, når I skal have en samtale."
            }
            Lang::En => {
                "No conversation has to be held by a set date just now. Your caseworker will contact you when you are to have a conversation."
            }
        };
        return (None, vec![none.to_string()]);
    };
    let day = text::date(n.due, lang);
    let count = if n.needed > 1 {
        match lang {
            Lang::Da => format!(" ({} af {} er holdt)", n.done, n.needed),
            Lang::En => format!(" ({} of {} held)", n.done, n.needed),
        }
    } else {
        String::new()
    };
    match lang {
        Lang::Da => {
            let what = format!("Hvad: {}{count}.", n.title.trim());
            if n.overdue {
                (
                    Some("Snarest".to_string()),
                    vec![
                        format!("Samtalen skulle have været holdt senest den {day}. Din sagsbehandler kontakter dig for at aftale en tid."),
                        what,
                    ],
                )
            } else {
                (
                    Some(format!("Senest den {day}")),
                    vec![
                        what,
                        "Din sagsbehandler aftaler tid og sted med dig. Kan du ikke komme, så sig det så tidligt som muligt.".into(),
                    ],
                )
            }
        }
        Lang::En => {
            let what = format!("What: {}{count}.", n.title.trim());
            if n.overdue {
                (
                    Some("As soon as possible".to_string()),
                    vec![
                        format!("The conversation should have been held by {day}. Your caseworker will contact you to agree a time."),
                        what,
                    ],
                )
            } else {
                (
                    Some(format!("No later than {day}")),
                    vec![
                        what,
                        "Your caseworker agrees the time and place with you. If you cannot come, say so as early as you can.".into(),
                    ],
                )
            }
        }
    }
}

/// The ladder step in words, e.g. "Trin 2 af 6 …: Jobrettet tilbud."
fn ladder(step: u8, lang: Lang) -> String {
    let top = STEP_LABELS.len() - 1;
    let (da, en) = STEP_LABELS[usize::from(step).min(top)];
    match lang {
        Lang::Da => format!("Trin {step} af {top} på vejen mod at kunne forsørge dig selv: {da}."),
        Lang::En => format!("Step {step} of {top} on the way to supporting yourself: {en}."),
    }
}

/// The last words: what the plan rests on, and whom to ask.
fn closing(p: &ParticipantPlan) -> String {
    let day = text::date(p.made_on, p.lang);
    match p.lang {
        Lang::Da => format!(
            "Planen er lavet den {day} ud fra det, kommunen har registreret om dig. Er noget forkert, eller har du spørgsmål, så tal med din sagsbehandler."
        ),
        Lang::En => format!(
            "The plan was made on {day} from what the municipality has recorded about you. If something is wrong, or you have questions, talk to your caseworker."
        ),
    }
}

/// A row's cells as text, in the order of [`columns`].
fn cells(a: &PlanActivity, lang: Lang) -> [String; 5] {
    let w = words(lang);
    [
        a.initiative.clone(),
        a.kind.label(lang).to_string(),
        a.owner.clone(),
        lang.date(a.start),
        a.planned_end.map_or_else(|| w.not_set.to_string(), |d| lang.date(d)),
    ]
}

// ---- The layout -------------------------------------------------------------------------------

/// What a drawn text is in the logical structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    H1,
    H2,
    H3,
    P,
    /// A list item's label (the bullet) and body.
    Lbl,
    LBody,
    Th(usize),
    Td(usize, usize),
    Footer,
}

/// A part of the document: its place in reading order (`n`, given as it is laid out) and what
/// it is. A list item's label and body share their `n`, and so do a table's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Part {
    n: usize,
    role: Role,
}

/// A run of drawing operations on one page that belong to a part.
#[derive(Debug, Clone, Copy)]
struct Mark {
    page: usize,
    start: usize,
    end: usize,
    part: Part,
}

/// The laid-out pages and what their texts are.
struct Layout<'f> {
    f: Flow<'f>,
    marks: Vec<Mark>,
    /// The next part's place in reading order.
    next: usize,
    /// The headings' texts, by part.
    titles: BTreeMap<usize, String>,
}

impl<'f> Layout<'f> {
    fn at(&self) -> (usize, usize) {
        let p = self.f.pages.len().saturating_sub(1);
        (p, self.f.pages.get(p).map_or(0, Vec::len))
    }

    /// A new place in reading order.
    fn place(&mut self) -> usize {
        self.next += 1;
        self.next
    }

    /// Draws with `draw` and marks what it drew (on every page it reached) as `part`.
    fn mark_as(&mut self, part: Part, draw: impl FnOnce(&mut Flow<'f>)) {
        let (p0, n0) = self.at();
        draw(&mut self.f);
        let (p1, _) = self.at();
        for page in p0..=p1 {
            let start = if page == p0 { n0 } else { 0 };
            let end = self.f.pages.get(page).map_or(0, Vec::len);
            if end > start {
                self.marks.push(Mark { page, start, end, part });
            }
        }
    }

    /// Draws a new part in reading order.
    fn mark(&mut self, role: Role, draw: impl FnOnce(&mut Flow<'f>)) {
        let n = self.place();
        self.mark_as(Part { n, role }, draw);
    }

    /// A heading at `level` (1–3) with its text.
    fn heading(&mut self, role: Role, title: &str, draw: impl FnOnce(&mut Flow<'f>)) {
        let n = self.place();
        self.titles.insert(n, title.to_string());
        self.mark_as(Part { n, role }, draw);
    }
}

/// The text size of the body and the table.
const BODY: f32 = 9.5;
const SIZE: f32 = 8.5;
const LEADING: f32 = 11.0;
const ROW_PAD: f32 = 5.0;
const PAD_X: f32 = 5.0;
/// The columns' shares of the text width.
const SHARES: [f32; 5] = [0.31, 0.19, 0.21, 0.13, 0.16];

fn layout<'f>(fonts: &'f Fonts, p: &ParticipantPlan) -> Layout<'f> {
    let (lang, w) = (p.lang, words(p.lang));
    let mut d = Layout { f: Flow::new(fonts, LEFT, RIGHT, TOP, BOTTOM), marks: Vec::new(), next: 0, titles: BTreeMap::new() };
    let width = d.f.width();

    // The municipality and the title.
    let (x, y) = (d.f.left, d.f.y);
    d.f.push(Op::Rect { x, y, w: width, h: 4.0, fill: ACCENT });
    d.f.y += 20.0;
    if !p.municipality.trim().is_empty() {
        let kicker = fonts.fit(&p.municipality.trim().to_uppercase(), 9.5, true, width);
        d.mark(Role::P, |f| f.text((f.left, f.y), &kicker, 9.5, true, ACCENT, Align::Left));
        d.f.y += 8.0;
    }
    d.heading(Role::H1, w.title, |f| f.paragraph(f.left, width, w.title, 20.0, true, BLACK));
    d.f.y += 8.0;

    // Whose plan, with whom, when.
    let info: [(&str, String, bool); 4] = [
        (w.name, p.citizen_name.clone(), true),
        (w.reference, p.citizen_pseudonym.clone(), false),
        (w.caseworker, p.caseworker.clone(), false),
        (w.made_on, text::date(p.made_on, lang), false),
    ];
    let label_w = 110.0;
    for (label, value, bold) in info {
        let value = if value.trim().is_empty() { MISSING.to_string() } else { value };
        let lines = cell_lines(fonts, &value, 10.0, bold, width - label_w);
        d.mark(Role::P, |f| {
            f.ensure(lines.len() as f32 * 13.5);
            f.text((f.left, f.y + 10.0), label, 8.5, false, GREY, Align::Left);
            for line in &lines {
                f.text((f.left + label_w, f.y + 10.0), line, 10.0, bold, BLACK, Align::Left);
                f.y += 13.5;
            }
        });
    }
    d.f.y += 6.0;
    let rule_y = d.f.y;
    d.f.rule(rule_y, 0.6, LIGHT);
    d.f.y += 8.0;
    for para in intro(p) {
        d.mark(Role::P, |f| f.paragraph(f.left, width, &para, BODY, false, BLACK));
        d.f.y += 4.0;
    }

    // The next conversation.
    d.heading(Role::H2, w.next, |f| heading(f, w.next, 50.0));
    let (line, paras) = conversation(p.next_conversation.as_ref(), lang);
    if let Some(line) = line {
        d.mark(Role::P, |f| f.paragraph(f.left, width, &line, 15.0, true, ACCENT));
        d.f.y += 4.0;
    }
    for para in paras {
        d.mark(Role::P, |f| f.paragraph(f.left, width, &para, BODY, false, BLACK));
        d.f.y += 3.0;
    }

    // The goals, each with its initiatives as a list.
    d.heading(Role::H2, w.goals, |f| heading(f, w.goals, 40.0));
    if p.goals.is_empty() {
        d.mark(Role::P, |f| f.paragraph(f.left, width, w.no_goals, BODY, false, GREY));
    } else {
        d.mark(Role::P, |f| f.paragraph(f.left, width, w.goals_intro, BODY, false, BLACK));
        d.f.y += 4.0;
        for g in &p.goals {
            let title = g.title.trim();
            d.f.ensure(40.0);
            d.heading(Role::H3, title, |f| f.paragraph(f.left, width, title, 11.0, true, BLACK));
            d.f.y += 2.0;
            goal_list(&mut d, g);
            d.f.y += 4.0;
        }
    }

    // The agreed activities.
    d.heading(Role::H2, w.activities, |f| heading(f, w.activities, 40.0));
    if p.activities.is_empty() {
        d.mark(Role::P, |f| f.paragraph(f.left, width, w.no_activities, BODY, false, GREY));
    } else {
        table(&mut d, p);
    }

    // The ladder step.
    if let Some(step) = p.ladder_step {
        d.heading(Role::H2, w.ladder, |f| heading(f, w.ladder, 20.0));
        let said = ladder(step, lang);
        d.mark(Role::P, |f| f.paragraph(f.left, width, &said, BODY, false, BLACK));
    }

    // What it rests on, and whom to ask.
    d.f.ensure(40.0);
    d.f.y += 14.0;
    let rule_y = d.f.y;
    d.f.rule(rule_y, 0.6, LIGHT);
    d.f.y += 8.0;
    let last = closing(p);
    d.mark(Role::P, |f| f.paragraph(f.left, width, &last, 8.5, false, GREY));
    footers(&mut d, p);
    d
}

/// A goal's initiatives as a bulleted list: the initiative in bold, how it contributes under it.
fn goal_list(d: &mut Layout<'_>, g: &PlanGoal) {
    let fonts = d.f.fonts;
    let indent = 16.0;
    let body_w = d.f.width() - indent;
    for link in &g.initiatives {
        let title = cell_lines(fonts, link.initiative.trim(), BODY, true, body_w);
        let contribution = link.contribution.trim();
        let more = if contribution.is_empty() { Vec::new() } else { cell_lines(fonts, contribution, 8.5, false, body_w) };
        let h = title.len() as f32 * 12.5 + more.len() as f32 * 11.0 + 3.0;
        d.f.ensure(h.min(d.f.bottom - d.f.top));
        let n = d.place();
        let top = d.f.y;
        d.mark_as(Part { n, role: Role::Lbl }, |f| f.text((f.left + 4.0, top + BODY), "•", BODY, true, ACCENT, Align::Left));
        d.mark_as(Part { n, role: Role::LBody }, |f| {
            for line in &title {
                f.ensure(12.5);
                f.text((f.left + indent, f.y + BODY), line, BODY, true, BLACK, Align::Left);
                f.y += 12.5;
            }
            for line in &more {
                f.ensure(11.0);
                f.text((f.left + indent, f.y + 8.5), line, 8.5, false, GREY, Align::Left);
                f.y += 11.0;
            }
        });
        d.f.y += 3.0;
    }
}

/// Where the table's columns are and its header row.
struct Cols {
    x: [f32; 5],
    header: Vec<Vec<String>>,
    header_h: f32,
}

fn column_lines(f: &mut Flow<'_>, x: f32, baseline: f32, lines: &[String], bold: bool) {
    for (m, line) in lines.iter().enumerate() {
        f.text((x, baseline + m as f32 * LEADING), line, SIZE, bold, BLACK, Align::Left);
    }
}

/// The header row at the cursor; the first one is the table's header, the ones repeated on
/// later pages are artifacts.
fn header_row(d: &mut Layout<'_>, cols: &Cols, table: usize, first: bool) {
    let bottom = d.f.y + cols.header_h;
    for (c, lines) in cols.header.iter().enumerate() {
        let x = d.f.left + cols.x[c] + 2.0;
        let baseline = bottom - 4.0 - lines.len().saturating_sub(1) as f32 * LEADING;
        if first {
            d.mark_as(Part { n: table, role: Role::Th(c) }, |f| column_lines(f, x, baseline, lines, true));
        } else {
            column_lines(&mut d.f, x, baseline, lines, true);
        }
    }
    let (left, right) = (d.f.left, d.f.right);
    d.f.line(vec![(left, bottom), (right, bottom)], 0.8, BLACK, None);
    d.f.y = bottom + 2.0;
}

fn table(d: &mut Layout<'_>, p: &ParticipantPlan) {
    let fonts = d.f.fonts;
    let total = d.f.width();
    let widths = SHARES.map(|s| s * total);
    let mut x = [0.0; 5];
    for c in 1..5 {
        x[c] = x[c - 1] + widths[c - 1];
    }
    let header: Vec<Vec<String>> =
        columns(words(p.lang)).iter().zip(widths).map(|(h, cw)| cell_lines(fonts, h, SIZE, true, cw - PAD_X)).collect();
    let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * LEADING + 5.0;
    let cols = Cols { x, header, header_h };
    let table = d.place();

    d.f.ensure(header_h + 2.0 + 2.0 * (LEADING + ROW_PAD));
    header_row(d, &cols, table, true);
    for (r, a) in p.activities.iter().enumerate() {
        let lines: Vec<Vec<String>> = cells(a, p.lang)
            .iter()
            .zip(widths)
            .map(|(t, cw)| {
                let t = if t.trim().is_empty() { MISSING } else { t.as_str() };
                cell_lines(fonts, t, SIZE, false, cw - PAD_X)
            })
            .collect();
        let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = n as f32 * LEADING + ROW_PAD;
        // A row is a few lines: it is kept whole, on a new page under the header if need be.
        if d.f.y + h > d.f.bottom {
            d.f.new_page();
            header_row(d, &cols, table, false);
        }
        if r % 2 == 1 {
            let (x, y, w) = (d.f.left, d.f.y, d.f.width());
            d.f.push(Op::Rect { x, y, w, h, fill: ZEBRA });
        }
        let baseline = d.f.y + 3.0 + SIZE;
        for (c, cell) in lines.iter().enumerate() {
            let x = d.f.left + cols.x[c] + 2.0;
            d.mark_as(Part { n: table, role: Role::Td(r, c) }, |f| column_lines(f, x, baseline, cell, false));
        }
        d.f.y += h;
    }
}

fn footers(d: &mut Layout<'_>, p: &ParticipantPlan) {
    let (lang, w) = (p.lang, words(p.lang));
    let pages = d.f.pages.len();
    let y = PAGE_H - 34.0;
    for n in 0..pages {
        let label = text::page_of(lang, n + 1, pages);
        let label_w = d.f.fonts.width(&label, 7.5, false);
        let left = d.f.fonts.fit(&format!("{} · {}", w.title, p.citizen_pseudonym), 7.5, false, d.f.width() - label_w - 20.0);
        let ops = [
            Op::Line { points: vec![(LEFT, y - 10.0), (RIGHT, y - 10.0)], width: 0.5, color: LIGHT, dash: None },
            Op::Text { x: LEFT, y, size: 7.5, bold: false, color: GREY, text: left },
            Op::Text { x: RIGHT - label_w, y, size: 7.5, bold: false, color: GREY, text: label },
        ];
        if let Some(page) = d.f.pages.get_mut(n) {
            let start = page.len();
            page.extend(ops);
            d.marks.push(Mark { page: n, start, end: page.len(), part: Part { n: usize::MAX, role: Role::Footer } });
        }
    }
}

// ---- The PDF ----------------------------------------------------------------------------------

/// Draws the laid-out pages with every text marked as the part it belongs to and everything
/// else as an artifact, and attaches the tag tree.
fn render_tagged(fonts: &Fonts, d: &Layout<'_>, lang: Lang, metadata: Metadata) -> Result<Vec<u8>, ExportError> {
    let pages = &d.f.pages;
    let mut parts: Vec<Vec<Option<Part>>> = pages.iter().map(|p| vec![None; p.len()]).collect();
    for m in &d.marks {
        if let Some(page) = parts.get_mut(m.page) {
            for slot in page.iter_mut().take(m.end).skip(m.start) {
                *slot = Some(m.part);
            }
        }
    }
    let mut ids: BTreeMap<Part, Vec<Identifier>> = BTreeMap::new();
    let mut doc = Document::new();
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| ExportError::Pdf("page size".into()))?;
    for (ops, parts) in pages.iter().zip(&parts) {
        let mut page = doc.start_page_with(settings.clone());
        let mut surface = page.surface();
        for (op, part) in ops.iter().zip(parts) {
            match (op, part) {
                (Op::Text { .. }, Some(part)) if part.role != Role::Footer => {
                    let id = surface.start_tagged(ContentTag::Span(SpanTag::empty()));
                    draw(&mut surface, fonts, op);
                    surface.end_tagged();
                    ids.entry(*part).or_default().push(id);
                }
                _ => {
                    let kind = if part.is_some_and(|p| p.role == Role::Footer) { ArtifactType::Footer } else { ArtifactType::Other };
                    surface.start_tagged(ContentTag::Artifact(kind));
                    draw(&mut surface, fonts, op);
                    surface.end_tagged();
                }
            }
        }
        surface.finish();
        page.finish();
    }
    doc.set_tag_tree(tag_tree(ids, &d.titles, lang));
    doc.set_metadata(metadata);
    doc.finish().map_err(|e| ExportError::Pdf(describe(&e)))
}

/// The tag tree being built in reading order: the open list and table are closed by the next
/// part that is neither.
struct Tree {
    tree: TagTree,
    items: Vec<Node>,
    item: Option<(usize, Vec<Node>)>,
    head: Vec<Node>,
    rows: Vec<Node>,
    row: Option<(usize, Vec<Node>)>,
}

impl Tree {
    fn close_list(&mut self) {
        if let Some((_, kids)) = self.item.take() {
            self.items.push(TagGroup::with_children(Tag::LI, kids).into());
        }
        if !self.items.is_empty() {
            self.tree.push(TagGroup::with_children(Tag::L(ListNumbering::Disc), std::mem::take(&mut self.items)));
        }
    }

    fn close_table(&mut self) {
        if let Some((_, kids)) = self.row.take() {
            self.rows.push(TagGroup::with_children(Tag::TR, kids).into());
        }
        if self.head.is_empty() && self.rows.is_empty() {
            return;
        }
        let mut table = TagGroup::new(Tag::Table);
        if !self.head.is_empty() {
            let head = TagGroup::with_children(Tag::TR, std::mem::take(&mut self.head));
            table.push(TagGroup::with_children(Tag::THead, vec![head.into()]));
        }
        if !self.rows.is_empty() {
            table.push(TagGroup::with_children(Tag::TBody, std::mem::take(&mut self.rows)));
        }
        self.tree.push(table);
    }

    /// A list item's label or body: in the item of its place, opened when new.
    fn item_part(&mut self, n: usize, group: TagGroup) {
        self.close_table();
        if self.item.as_ref().map(|(k, _)| *k) != Some(n)
            && let Some((_, kids)) = self.item.replace((n, Vec::new()))
        {
            self.items.push(TagGroup::with_children(Tag::LI, kids).into());
        }
        if let Some((_, kids)) = self.item.as_mut() {
            kids.push(group.into());
        }
    }

    /// A body cell, in the row it belongs to, opened when new.
    fn cell(&mut self, r: usize, group: TagGroup) {
        self.close_list();
        if self.row.as_ref().map(|(k, _)| *k) != Some(r)
            && let Some((_, kids)) = self.row.replace((r, Vec::new()))
        {
            self.rows.push(TagGroup::with_children(Tag::TR, kids).into());
        }
        if let Some((_, kids)) = self.row.as_mut() {
            kids.push(group.into());
        }
    }

    /// A heading or paragraph: after any open list or table.
    fn block(&mut self, group: TagGroup) {
        self.close_list();
        self.close_table();
        self.tree.push(group);
    }
}

/// The logical structure, in reading order (see the module's documentation).
fn tag_tree(ids: BTreeMap<Part, Vec<Identifier>>, titles: &BTreeMap<usize, String>, lang: Lang) -> TagTree {
    let mut t = Tree {
        tree: TagTree::new().with_lang(Some(text::language_tag(lang).to_string())),
        items: Vec::new(),
        item: None,
        head: Vec::new(),
        rows: Vec::new(),
        row: None,
    };
    let level = |n: u16| NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN);
    for (part, leaves) in ids {
        let nodes: Vec<Node> = leaves.into_iter().map(Node::from).collect();
        let title = titles.get(&part.n).cloned();
        match part.role {
            Role::H1 => t.block(TagGroup::with_children(Tag::Hn(level(1), title), nodes)),
            Role::H2 => t.block(TagGroup::with_children(Tag::Hn(level(2), title), nodes)),
            Role::H3 => t.block(TagGroup::with_children(Tag::Hn(level(3), title), nodes)),
            Role::P | Role::Footer => t.block(TagGroup::with_children(Tag::P, nodes)),
            Role::Lbl => t.item_part(part.n, TagGroup::with_children(Tag::Lbl, nodes)),
            Role::LBody => t.item_part(part.n, TagGroup::with_children(Tag::LBody, nodes)),
            Role::Th(_) => {
                t.close_list();
                t.head.push(TagGroup::with_children(Tag::TH(TableHeaderScope::Column), nodes).into());
            }
            Role::Td(r, _) => t.cell(r, TagGroup::with_children(Tag::TD, nodes)),
        }
    }
    t.close_list();
    t.close_table();
    t.tree
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    /// A synthetic plan: no real people.
    fn sample(lang: Lang) -> ParticipantPlan {
        let (goal1, goal2) = match lang {
            Lang::Da => ("Selvforsørgelse gennem job og uddannelse", "Deltagelse i demokratiet og styrkede danskkundskaber"),
            Lang::En => ("Self-support through job and education", "Democratic participation and stronger Danish"),
        };
        ParticipantPlan {
            lang,
            made_on: day("2026-11-24"),
            generated_at: DateTime::parse_from_rfc3339("2026-11-24T09:00:00Z").unwrap().with_timezone(&Utc),
            made_by: "sb.testbruger".into(),
            municipality: "Testby Kommune".into(),
            strategy: "Vision 2029: Integration i Testby".into(),
            citizen_name: "Amina Testesen".into(),
            citizen_pseudonym: "D-0042TEST".into(),
            caseworker: "sb.testbruger".into(),
            goals: vec![
                PlanGoal {
                    title: goal1.into(),
                    initiatives: vec![PlanLink {
                        initiative: "Virksomhedspraktik i detailhandlen".into(),
                        contribution: "Praktik i private virksomheder fører til ordinært job".into(),
                    }],
                },
                PlanGoal {
                    title: goal2.into(),
                    initiatives: vec![PlanLink { initiative: "Danskuddannelse 2, modul 4".into(), contribution: String::new() }],
                },
            ],
            activities: vec![
                PlanActivity {
                    initiative: "Virksomhedspraktik i detailhandlen".into(),
                    kind: InitiativeType::WorkPlacement,
                    owner: "Jobcenter Testby".into(),
                    start: day("2026-02-01"),
                    planned_end: Some(day("2026-12-31")),
                },
                PlanActivity {
                    initiative: "Danskuddannelse 2, modul 4".into(),
                    kind: InitiativeType::DanishCourse,
                    owner: "Sprogcenter Testby".into(),
                    start: day("2026-08-10"),
                    planned_end: None,
                },
            ],
            next_conversation: Some(NextConversation {
                due: day("2027-01-15"),
                title: match lang {
                    Lang::Da => "Næste samtale".into(),
                    Lang::En => "Next conversation".into(),
                },
                needed: 1,
                done: 0,
                overdue: false,
            }),
            ladder_step: Some(2),
        }
    }

    fn run(cmd: &str, args: &[&str]) -> String {
        let out = Command::new(cmd)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{cmd} did not run ({e}): install poppler-utils (apt-get install poppler-utils)"));
        assert!(out.status.success(), "{cmd} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// pdftotext's text with runs of white space made single spaces.
    fn words_of(pdf: &Path) -> String {
        run("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]).split_whitespace().collect::<Vec<_>>().join(" ")
    }

    fn pages_of(pdf: &Path) -> usize {
        let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
        let pages = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap_or_else(|| panic!("no page count: {info}"));
        pages.trim().parse().unwrap()
    }

    fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    #[test]
    fn plan_in_danish_shows_the_goals_the_activities_and_the_next_conversation_and_is_deterministic() {
        let p = sample(Lang::Da);
        let a = pdf(&p).unwrap();
        assert!(a == pdf(&p).unwrap(), "the same plan gives the same bytes");
        let mut later = p.clone();
        later.generated_at = DateTime::parse_from_rfc3339("2026-11-25T10:30:00Z").unwrap().with_timezone(&Utc);
        assert!(pdf(&later).unwrap() != a, "the time it was made is in the document");

        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "plan.pdf", &a);
        let text = words_of(&path);
        for expect in [
            "TESTBY KOMMUNE",
            "Din plan",
            "Amina Testesen",
            "D-0042TEST",
            "Din sagsbehandler",
            "sb.testbruger",
            "Lavet den",
            "24. november 2026",
            "Testby Kommunes strategi «Vision 2029: Integration i Testby»",
            "Din næste samtale",
            "Senest den 15. januar 2027",
            "Hvad: Næste samtale.",
            "Dine mål",
            "Selvforsørgelse gennem job og uddannelse",
            "Praktik i private virksomheder fører til ordinært job",
            "Deltagelse i demokratiet og styrkede danskkundskaber",
            "Det har vi aftalt",
            "Aktivitet",
            "Slutter (planlagt)",
            "Virksomhedspraktik i detailhandlen",
            "Jobcenter Testby",
            "01-02-2026",
            "31-12-2026",
            "Danskuddannelse",
            "Ikke fastsat",
            "Trin 2 af 6",
            "Jobrettet tilbud",
            "Planen er lavet den 24. november 2026",
            "Side 1 af 1",
        ] {
            assert!(text.contains(expect), "{expect:?} is missing: {text}");
        }
        assert!(!text.contains("Your plan"), "{text}");
        assert_eq!(pages_of(&path), 1, "the plan is short");
        let info = run("pdfinfo", &["-isodates", path.to_str().unwrap()]);
        assert!(info.contains("2026-11-24T09:00:00"), "{info}");
        assert!(info.contains("D-0042TEST") && !info.contains("Amina"), "the metadata names the pseudonym only: {info}");
    }

    #[test]
    fn plan_in_english() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "plan.pdf", &pdf(&sample(Lang::En)).unwrap());
        let text = words_of(&path);
        for expect in [
            "Your plan",
            "Your caseworker",
            "Made on",
            "24 November 2026",
            "Testby Kommune's strategy “Vision 2029: Integration i Testby”",
            "Your next conversation",
            "No later than 15 January 2027",
            "What: Next conversation.",
            "Your goals",
            "Self-support through job and education",
            "What we have agreed",
            "Ends (planned)",
            "Work placement",
            "Danish language course",
            "2026-02-01",
            "Not set",
            "Step 2 of 6",
            "Job-oriented offer",
            "Page 1 of 1",
        ] {
            assert!(text.contains(expect), "{expect:?} is missing: {text}");
        }
        for danish in ["Din plan", "Senest", "Dine mål", "Ikke fastsat", "Side 1"] {
            assert!(!text.contains(danish), "{danish:?} in the English plan: {text}");
        }
    }

    #[test]
    fn a_plan_without_goals_activities_or_a_conversation_due_says_so() {
        for lang in [Lang::Da, Lang::En] {
            let mut p = sample(lang);
            p.goals.clear();
            p.activities.clear();
            p.next_conversation = None;
            p.ladder_step = None;
            p.strategy.clear();
            let dir = tempfile::tempdir().unwrap();
            let path = write(&dir, "tom.pdf", &pdf(&p).unwrap());
            let text = words_of(&path);
            let expect: &[&str] = match lang {
                Lang::Da => &[
                    "Der er ingen samtale, som skal holdes inden en bestemt dato lige nu.",
                    "ikke knyttet til et af kommunens mål endnu",
                    "Der er ingen aftalte aktiviteter lige nu.",
                ],
                Lang::En => &[
                    "No conversation has to be held by a set date just now.",
                    "not yet linked to one of the municipality's goals",
                    "There are no agreed activities just now.",
                ],
            };
            for e in expect {
                assert!(text.contains(e), "{e:?} is missing: {text}");
            }
            for absent in ["Aktivitet", "Activity", "Senest den", "No later than", "Trin", "Step", "strategi", "strategy"] {
                assert!(!text.contains(absent), "{absent:?} without its data: {text}");
            }
        }
    }

    #[test]
    fn an_overdue_conversation_is_as_soon_as_possible_with_its_day_and_how_many_are_held() {
        let mut p = sample(Lang::Da);
        p.next_conversation = Some(NextConversation {
            due: day("2026-11-01"),
            title: "Fire opfølgningssamtaler i de første 6 måneder".into(),
            needed: 4,
            done: 1,
            overdue: true,
        });
        let dir = tempfile::tempdir().unwrap();
        let text = words_of(&write(&dir, "snarest.pdf", &pdf(&p).unwrap()));
        for expect in ["Snarest", "skulle have været holdt senest den 1. november 2026", "(1 af 4 er holdt)"] {
            assert!(text.contains(expect), "{expect:?} is missing: {text}");
        }
        assert!(!text.contains("Senest den"), "{text}");
        p.lang = Lang::En;
        let text = words_of(&write(&dir, "asap.pdf", &pdf(&p).unwrap()));
        assert!(
            text.contains("As soon as possible") && text.contains("held by 1 November 2026") && text.contains("(1 of 4 held)"),
            "{text}"
        );
    }

    #[test]
    fn plan_is_tagged_with_headings_a_list_and_a_table_in_reading_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "tagged.pdf", &pdf(&sample(Lang::Da)).unwrap());
        let info = run("pdfinfo", &[path.to_str().unwrap()]);
        assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{info}");
        let tree = run("pdfinfo", &["-struct-text", path.to_str().unwrap()]);
        for expect in ["H1", "H2", "H3", "L ", "LI", "Lbl", "LBody", "Table", "THead", "TBody", "TH", "TD"] {
            assert!(tree.contains(expect), "{expect:?} is missing from the structure: {tree}");
        }
        assert_eq!(tree.matches("TR").count(), 3, "a header row and two activities: {tree}");
        assert_eq!(tree.matches("LI").count(), 2, "an initiative under each goal: {tree}");
        assert!(!tree.contains("Side 1 af"), "footers are artifacts: {tree}");
        // Reading order: the title, the conversation, the goals, the activities, the ladder.
        let order = ["Din plan", "Senest den 15. januar 2027", "Dine mål", "Det har vi aftalt", "Jobcenter Testby", "Hvor du er nu"];
        let at: Vec<usize> = order.iter().map(|s| tree.find(s).unwrap_or_else(|| panic!("{s:?} not in {tree}"))).collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "reading order {at:?}: {tree}");
    }

    #[test]
    fn many_activities_continue_on_a_new_page_under_the_header_and_stay_inside_the_margins() {
        let mut p = sample(Lang::Da);
        let one = p.activities[0].clone();
        p.activities = (0..70)
            .map(|k| PlanActivity {
                initiative: format!("Aktivitet nummer {:02} {}", k + 1, "med en lang titel ".repeat(k % 4)),
                ..one.clone()
            })
            .collect();
        let fonts = Fonts::new().unwrap();
        let d = layout(&fonts, &p);
        assert!(d.f.pages.len() > 1);
        for m in &d.marks {
            for op in &d.f.pages[m.page][m.start..m.end] {
                let Op::Text { x, y, size, bold, text, .. } = op else { continue };
                if m.part.role != Role::Footer {
                    assert!(*y <= BOTTOM + 0.01, "{text:?} below the bottom margin ({y})");
                }
                assert!(*x >= LEFT - 0.01 && x + fonts.width(text, *size, *bold) <= RIGHT + 0.01, "{text:?} outside the margins");
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "lang.pdf", &pdf(&p).unwrap());
        let pages = pages_of(&path);
        let text = words_of(&path);
        for k in 1..=70 {
            assert!(text.contains(&format!("Aktivitet nummer {k:02}")), "row {k} is missing");
        }
        let last = run("pdftotext", &["-enc", "UTF-8", "-f", &pages.to_string(), "-l", &pages.to_string(), path.to_str().unwrap(), "-"]);
        let last = last.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(last.contains("Slutter (planlagt)") && last.contains("Aktivitet nummer 70"), "the header is repeated: {last}");
        let tree = run("pdfinfo", &["-struct-text", path.to_str().unwrap()]);
        assert_eq!(tree.matches("(planlagt)").count(), 1, "the header is in the structure once: {tree}");
        assert_eq!(tree.matches("TR").count(), 71, "a header row and 70 rows: {tree}");
    }
}
