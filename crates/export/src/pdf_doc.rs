//! The PDF: a title block with the provenance, an overview of the goals, each goal with its
//! indicators and a small trend chart per indicator, the initiative results by type, the method
//! notes, and a footer with page numbers on every page.

use chrono::{DateTime, Datelike, Timelike, Utc};
use indsats_core::model::{Code, Unit};
use indsats_core::validate::Lang;
use indsats_report::Status;
use indsats_report::summary::{Cell, IndicatorRow, ResultTable, Summary};
use krilla::metadata::{DateTime as PdfDateTime, Metadata};

use crate::ExportError;
use crate::pdf_layout::{Align, BLACK, Flow, Fonts, GREY, LIGHT, Op, PAGE_H, PAGE_W, Rgb, render};
use crate::text::{self, MISSING, SUPPRESSED, texts};

pub(crate) const LEFT: f32 = 50.0;
pub(crate) const RIGHT: f32 = PAGE_W - 50.0;
pub(crate) const TOP: f32 = 48.0;
pub(crate) const BOTTOM: f32 = PAGE_H - 62.0;

pub(crate) const ACCENT: Rgb = Rgb(0x1F4E79);
const TARGET: Rgb = Rgb(0xC0504D);
pub(crate) const ZEBRA: Rgb = Rgb(0xF2F5F9);

fn status_color(s: Status) -> Rgb {
    match s {
        Status::OnTrack => Rgb(0x2E7D32),
        Status::AtRisk => Rgb(0xB26A00),
        Status::OffTrack => Rgb(0xC62828),
        Status::Unknown => Rgb(0x757575),
    }
}

pub(crate) fn document(s: &Summary) -> Result<Vec<u8>, ExportError> {
    let created = crate::generated_at(&s.provenance)?;
    let fonts = Fonts::new()?;
    let mut f = Flow::new(&fonts, LEFT, RIGHT, TOP, BOTTOM);
    title_block(&mut f, s, created);
    overview(&mut f, s);
    goals(&mut f, s);
    results(&mut f, s);
    method(&mut f, s);
    footers(&mut f, s);

    let t = texts(s.lang);
    let metadata = Metadata::new()
        .title(format!("{} – {} – {}", t.title, s.strategy, text::period(s.period, s.lang)))
        .description(format!("{}: {}", t.snapshot, s.provenance.snapshot))
        .authors(vec![s.provenance.generated_by.clone()])
        .keywords(vec![crate::marker(s)])
        .creator(format!("Indsats {}", s.provenance.version))
        .language(text::language_tag(s.lang).to_string())
        .creation_date(pdf_time(created))
        .document_id(format!("indsats-summary:{}:{}:{}", s.provenance.snapshot, s.period, text::language_tag(s.lang)));
    render(&fonts, &f.pages, metadata)
}

pub(crate) fn pdf_time(t: DateTime<Utc>) -> PdfDateTime {
    PdfDateTime::new(u16::try_from(t.year()).unwrap_or(1970))
        .month(t.month() as u8)
        .day(t.day() as u8)
        .hour(t.hour() as u8)
        .minute(t.minute() as u8)
        .second(t.second() as u8)
        .utc_offset_hour(0)
        .utc_offset_minute(0)
}

/// A cell as text: `35,8 %`, `×` or `–`.
fn cell_text(c: Cell, unit: Unit, lang: Lang) -> String {
    match c {
        Cell::Value(v) => text::quantity(v, unit, lang),
        Cell::Suppressed => SUPPRESSED.into(),
        Cell::Missing => MISSING.into(),
    }
}

/// A results table cell as text.
fn number_text(c: Cell, decimals: usize, lang: Lang) -> String {
    match c {
        Cell::Value(v) => text::number(v, decimals, lang, true),
        Cell::Suppressed => SUPPRESSED.into(),
        Cell::Missing => MISSING.into(),
    }
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(first) => first.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

pub(crate) fn heading(f: &mut Flow<'_>, title: &str, keep_with: f32) {
    f.ensure(30.0 + keep_with);
    f.y += 8.0;
    f.text((f.left, f.y + 13.0), title, 13.0, true, ACCENT, Align::Left);
    f.y += 22.0;
}

/// A status as a coloured dot and its label, from `x`; returns the width used.
fn status_badge(f: &mut Flow<'_>, x: f32, baseline: f32, status: Status, lang: Lang, size: f32, align: Align) -> f32 {
    let label = status.label(lang);
    let w = f.fonts.width(label, size, true) + size;
    let x0 = if align == Align::Right { x - w } else { x };
    let color = status_color(status);
    f.push(Op::Dot { x: x0 + size * 0.35, y: baseline - size * 0.36, r: size * 0.35, fill: color });
    f.text((x0 + size, baseline), label, size, true, color, Align::Left);
    w
}

fn title_block(f: &mut Flow<'_>, s: &Summary, created: DateTime<Utc>) {
    let (lang, t, p) = (s.lang, texts(s.lang), &s.provenance);
    f.push(Op::Rect { x: f.left, y: f.y, w: f.width(), h: 4.0, fill: ACCENT });
    f.y += 20.0;
    f.text((f.left, f.y), &t.title.to_uppercase(), 9.5, true, ACCENT, Align::Left);
    f.y += 8.0;
    let w = f.width();
    f.paragraph(f.left, w, &s.strategy, 18.0, true, BLACK);
    f.y += 2.0;
    let period_line = format!("{} · {} {}", text::period(s.period, lang), lower_first(t.as_of), text::date(p.as_of, lang));
    f.paragraph(f.left, w, &period_line, 12.0, false, BLACK);
    f.y += 8.0;
    let rows = [
        (t.generated_at, text::date_time(created, lang)),
        (t.generated_by, p.generated_by.clone()),
        (t.snapshot, p.snapshot.clone()),
        (t.threshold, p.threshold.to_string()),
        (t.version, p.version.clone()),
    ];
    let label_w = 150.0;
    for (label, value) in rows {
        let y = f.y + 8.0;
        f.text((f.left, y), label, 8.0, false, GREY, Align::Left);
        let value = f.fonts.fit(&value, 8.0, false, w - label_w);
        f.text((f.left + label_w, y), &value, 8.0, false, BLACK, Align::Left);
        f.y += 11.5;
    }
    f.y += 6.0;
    f.rule(f.y, 0.6, LIGHT);
    f.y += 4.0;
}

fn overview(f: &mut Flow<'_>, s: &Summary) {
    let (lang, t) = (s.lang, texts(s.lang));
    heading(f, t.overview, 16.0 * s.goals.len().min(3) as f32);
    let status_w = 90.0;
    for g in &s.goals {
        f.ensure(16.0);
        let baseline = f.y + 10.0;
        let title = f.fonts.fit(&g.title, 10.0, false, f.width() - status_w - 10.0);
        f.text((f.left, baseline), &title, 10.0, false, BLACK, Align::Left);
        status_badge(f, f.right, baseline, g.status, lang, 8.5, Align::Right);
        f.y += 16.0;
    }
    let mut counts = [0usize; 4];
    for i in s.goals.iter().flat_map(|g| &g.indicators) {
        counts[i.status as usize] += 1;
    }
    let all = [Status::OnTrack, Status::AtRisk, Status::OffTrack, Status::Unknown];
    let parts: Vec<String> = all.iter().map(|st| format!("{}: {}", st.label(lang), counts[*st as usize])).collect();
    f.y += 2.0;
    let w = f.width();
    f.paragraph(f.left, w, &format!("{} ({}) – {}", t.indicators, counts.iter().sum::<usize>(), parts.join(" · ")), 8.5, false, GREY);
}

const CHART_W: f32 = 205.0;
const CHART_H: f32 = 74.0;

fn goals(f: &mut Flow<'_>, s: &Summary) {
    let (lang, t) = (s.lang, texts(s.lang));
    heading(f, t.goals_heading, 120.0);
    for g in &s.goals {
        let first = g.indicators.first().map(|i| indicator_height(f, i, lang)).unwrap_or(14.0);
        let lines = f.fonts.wrap(&g.title, 12.0, true, f.width() - 110.0);
        f.ensure(lines.len() as f32 * 15.0 + 12.0 + first);
        f.y += 6.0;
        for (n, line) in lines.iter().enumerate() {
            f.text((f.left, f.y + 12.0), line, 12.0, true, BLACK, Align::Left);
            if n == 0 {
                status_badge(f, f.right, f.y + 12.0, g.status, lang, 9.0, Align::Right);
            }
            f.y += 15.0;
        }
        f.y += 2.0;
        f.rule(f.y, 0.8, ACCENT);
        f.y += 8.0;
        if g.indicators.is_empty() {
            f.text((f.left, f.y + 9.0), t.no_indicators, 8.5, false, GREY, Align::Left);
            f.y += 16.0;
        }
        for (n, i) in g.indicators.iter().enumerate() {
            let h = indicator_height(f, i, lang);
            f.ensure(h);
            if n > 0 {
                f.rule(f.y - 5.0, 0.4, LIGHT);
            }
            indicator(f, i, lang);
            f.y += h;
        }
        f.y += 6.0;
    }
}

const LEFT_W: f32 = 270.0;

fn indicator_details(i: &IndicatorRow, lang: Lang) -> Vec<String> {
    let t = texts(lang);
    let target = match i.target {
        Some(v) => {
            let star = if i.illustrative { "*" } else { "" };
            format!("{}: {}{star} ({})", t.target_short, text::quantity(v, i.unit, lang), lower_first(i.direction.label(lang)))
        }
        None => format!("{}: {}", t.target_short, t.no_target),
    };
    let mut out = vec![
        format!("{}: {}", t.previous_short, cell_text(i.previous, i.unit, lang)),
        target,
        format!("{}: {}", t.persons_short, number_text(i.persons, 0, lang)),
    ];
    if i.manual {
        out.push(t.manual_short.to_string());
    }
    out
}

fn indicator_height(f: &Flow<'_>, i: &IndicatorRow, lang: Lang) -> f32 {
    let name = f.fonts.wrap(&i.name, 9.0, true, LEFT_W).len() as f32 * 11.5;
    let details = indicator_details(i, lang).len() as f32 * 10.0;
    (name + 24.0 + details).max(CHART_H + 4.0) + 11.0
}

fn indicator(f: &mut Flow<'_>, i: &IndicatorRow, lang: Lang) {
    let top = f.y;
    let mut y = top;
    for line in f.fonts.wrap(&i.name, 9.0, true, LEFT_W) {
        f.text((f.left, y + 9.0), &line, 9.0, true, BLACK, Align::Left);
        y += 11.5;
    }
    y += 2.0;
    let value = cell_text(i.value, i.unit, lang);
    f.text((f.left, y + 16.0), &value, 16.0, true, ACCENT, Align::Left);
    let vw = f.fonts.width(&value, 16.0, true);
    status_badge(f, f.left + vw + 12.0, y + 15.0, i.status, lang, 8.5, Align::Left);
    y += 24.0;
    for d in indicator_details(i, lang) {
        f.text((f.left, y + 7.5), &d, 7.5, false, GREY, Align::Left);
        y += 10.0;
    }
    trend_chart(f, f.right - CHART_W, top, i, lang);
}

/// A small line chart of the monthly values with the target as a dashed line. Hidden months
/// are gaps marked `×`, empty months gaps marked `–`.
fn trend_chart(f: &mut Flow<'_>, x0: f32, y0: f32, i: &IndicatorRow, lang: Lang) {
    let t = texts(lang);
    let (px0, px1, py0, py1) = (x0 + 34.0, x0 + CHART_W - 6.0, y0 + 6.0, y0 + CHART_H - 14.0);
    f.push(Op::Rect { x: x0, y: y0, w: CHART_W, h: CHART_H, fill: Rgb(0xFAFBFC) });
    if i.trend.is_empty() {
        f.text((x0 + CHART_W / 2.0, y0 + CHART_H / 2.0 + 3.0), t.no_trend, 7.5, false, GREY, Align::Center);
        return;
    }
    let values: Vec<f64> = i.trend.iter().filter_map(|p| p.value.value()).chain(i.target).collect();
    let (mut lo, mut hi) = values.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    if !lo.is_finite() {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.15).max(hi.abs() * 0.05).max(1.0);
    let min_zero = lo >= 0.0;
    lo = (lo - pad).floor();
    hi = (hi + pad).ceil();
    if min_zero {
        lo = lo.max(0.0);
    }
    let n = i.trend.len();
    let inner = 6.0;
    let x_at = |k: usize| {
        if n == 1 { (px0 + px1) / 2.0 } else { px0 + inner + (px1 - px0 - 2.0 * inner) * k as f32 / (n - 1) as f32 }
    };
    let y_at = |v: f64| py1 - (py1 - py0) * ((v - lo) / (hi - lo)) as f32;

    // Axis: the bounds as grid lines with their values.
    let d = text::unit_decimals(i.unit).min(if hi - lo >= 10.0 { 0 } else { 1 });
    for v in [lo, hi] {
        let y = y_at(v);
        f.line(vec![(px0, y), (px1, y)], 0.4, LIGHT, None);
        f.text((px0 - 4.0, y + 2.5), &text::number(v, d, lang, true), 6.5, false, GREY, Align::Right);
    }
    // Target.
    if let Some(target) = i.target {
        let y = y_at(target);
        f.line(vec![(px0, y), (px1, y)], 1.0, TARGET, Some((3.0, 2.0)));
        // Its label above the line, or below it when the line runs along the top.
        let label_y = if y - py0 < 8.0 { y + 7.5 } else { y - 2.5 };
        f.text((px1, label_y), t.target_line, 6.0, false, TARGET, Align::Right);
    }
    // The values, as runs between gaps.
    let mut run: Vec<(f32, f32)> = Vec::new();
    let mut runs = Vec::new();
    for (k, p) in i.trend.iter().enumerate() {
        match p.value {
            Cell::Value(v) => run.push((x_at(k), y_at(v))),
            gap => {
                runs.push(std::mem::take(&mut run));
                let mark = if gap == Cell::Suppressed { SUPPRESSED } else { MISSING };
                f.text((x_at(k), (py0 + py1) / 2.0 + 2.5), mark, 7.0, false, GREY, Align::Center);
            }
        }
    }
    runs.push(run);
    for r in runs.into_iter().filter(|r| !r.is_empty()) {
        for &(x, y) in &r {
            f.push(Op::Dot { x, y, r: 2.0, fill: ACCENT });
        }
        f.line(r, 1.6, ACCENT, None);
    }
    // Ticks: every month when they fit, else every other or third.
    let step = if n <= 12 { 1 } else { n.div_ceil(12) };
    for (k, p) in i.trend.iter().enumerate().filter(|(k, _)| k % step == 0) {
        f.text((x_at(k), py1 + 10.0), &text::trend_tick(&p.label, lang), 6.0, false, GREY, Align::Center);
    }
}

/// A column of a PDF table: its group header (if any), its header, and where its cells are.
struct Col {
    group: Option<String>,
    header: String,
    index: usize,
    decimals: usize,
}

fn results(f: &mut Flow<'_>, s: &Summary) {
    let (lang, t) = (s.lang, texts(s.lang));
    let table = &s.by_type;
    heading(f, t.results_heading, 160.0);
    let plain: Vec<Col> = table
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| text::is_how_much_or_well(**c))
        .map(|(index, c)| Col { group: None, header: text::column_header(*c, lang), index, decimals: text::column_decimals(*c) })
        .collect();
    let grouped: Vec<Col> = table
        .columns
        .iter()
        .enumerate()
        .filter_map(|(index, c)| {
            let (group, months) = text::horizon_group(*c, lang)?;
            Some(Col { group: Some(group.to_string()), header: months.to_string(), index, decimals: text::column_decimals(*c) })
        })
        .collect();
    if !plain.is_empty() {
        caption(f, t.how_much_well);
        result_table(f, s, table, &plain);
    }
    // At most 12 grouped columns to a table.
    for chunk in grouped.chunks(12) {
        caption(f, &format!("{} (%)", t.better_off));
        result_table(f, s, table, chunk);
    }
    f.y += 2.0;
    let w = f.width();
    for note in [
        text::per_initiative_note(lang, s.by_initiative.rows.len()),
        t.share_note.to_string(),
        text::suppressed_note(lang, s.provenance.threshold),
        t.missing_note.to_string(),
    ] {
        f.paragraph(f.left, w, &note, 7.5, false, GREY);
        f.y += 1.5;
    }
}

fn caption(f: &mut Flow<'_>, text: &str) {
    f.ensure(80.0);
    f.y += 6.0;
    f.text((f.left, f.y + 9.0), text, 9.0, true, BLACK, Align::Left);
    f.y += 15.0;
}

const LABEL_W: f32 = 140.0;
const CELL: f32 = 7.5;

fn result_table(f: &mut Flow<'_>, s: &Summary, table: &ResultTable, cols: &[Col]) {
    let (lang, t) = (s.lang, texts(s.lang));
    let cw = (f.width() - LABEL_W) / cols.len().max(1) as f32;
    let header_lines: Vec<Vec<String>> = cols.iter().map(|c| f.fonts.wrap(&c.header, 7.0, true, cw - 4.0)).collect();
    // Runs of columns under one group header, with the header wrapped to the run's width.
    let mut spans: Vec<(usize, usize, Vec<String>)> = Vec::new();
    let mut k = 0;
    while k < cols.len() {
        let end = (k..cols.len()).find(|&j| cols[j].group != cols[k].group).unwrap_or(cols.len());
        if let Some(g) = &cols[k].group {
            spans.push((k, end, f.fonts.wrap(g, 7.0, true, cw * (end - k) as f32 - 6.0)));
        }
        k = end;
    }
    let group_h = spans.iter().map(|(_, _, l)| l.len()).max().map_or(0.0, |n| n as f32 * 8.5 + 5.0);
    let header_h = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * 8.5 + 5.0 + group_h;

    let draw_header = |f: &mut Flow<'_>| {
        let top = f.y;
        for (k, end, lines) in &spans {
            let (x0, x1) = (f.left + LABEL_W + cw * *k as f32, f.left + LABEL_W + cw * *end as f32);
            let n = lines.len() as f32;
            let rule = top + group_h - 3.0;
            for (m, line) in lines.iter().enumerate() {
                let y = rule - 3.0 - (n - 1.0 - m as f32) * 8.5;
                f.text(((x0 + x1) / 2.0, y), line, 7.0, true, BLACK, Align::Center);
            }
            f.line(vec![(x0 + 3.0, rule), (x1 - 3.0, rule)], 0.5, GREY, None);
        }
        let bottom = top + header_h;
        for (k, lines) in header_lines.iter().enumerate() {
            let right = f.left + LABEL_W + cw * (k + 1) as f32 - 3.0;
            let n = lines.len() as f32;
            for (m, line) in lines.iter().enumerate() {
                let y = bottom - 4.0 - (n - 1.0 - m as f32) * 8.5;
                f.text((right, y), line, 7.0, true, BLACK, Align::Right);
            }
        }
        f.text((f.left, bottom - 4.0), t.initiative_type, 7.0, true, BLACK, Align::Left);
        f.line(vec![(f.left, bottom), (f.right, bottom)], 0.8, BLACK, None);
        f.y = bottom + 2.0;
    };

    f.ensure(header_h + 3.0 * 14.0);
    draw_header(f);
    let body: Vec<(&str, &[Cell], bool)> = table
        .rows
        .iter()
        .map(|r| (r.label.as_str(), r.cells.as_slice(), false))
        .chain(std::iter::once((t.total, table.totals.as_slice(), true)))
        .collect();
    for (n, (label, cells, total)) in body.into_iter().enumerate() {
        let lines = f.fonts.wrap(label, CELL, total, LABEL_W - 6.0);
        let lines: Vec<String> = lines.iter().take(2).map(|l| f.fonts.fit(l, CELL, total, LABEL_W - 6.0)).collect();
        let h = lines.len() as f32 * 9.5 + 4.5;
        if f.y + h > f.bottom {
            f.new_page();
            draw_header(f);
        }
        if total {
            f.line(vec![(f.left, f.y), (f.right, f.y)], 0.6, BLACK, None);
        } else if n % 2 == 1 {
            f.push(Op::Rect { x: f.left, y: f.y, w: f.width(), h, fill: ZEBRA });
        }
        let baseline = f.y + 2.5 + CELL;
        for (m, line) in lines.iter().enumerate() {
            f.text((f.left + 2.0, baseline + m as f32 * 9.5), line, CELL, total, BLACK, Align::Left);
        }
        for (k, c) in cols.iter().enumerate() {
            let cell = cells.get(c.index).copied().unwrap_or(Cell::Missing);
            let right = f.left + LABEL_W + cw * (k + 1) as f32 - 3.0;
            let color = if matches!(cell, Cell::Value(_)) { BLACK } else { GREY };
            f.text((right, baseline), &number_text(cell, c.decimals, lang), CELL, total, color, Align::Right);
        }
        f.y += h;
    }
    f.y += 4.0;
}

fn method(f: &mut Flow<'_>, s: &Summary) {
    let (lang, t) = (s.lang, texts(s.lang));
    heading(f, t.method_heading, 40.0);
    let w = f.width();
    let disclosure = text::disclosure_rule(lang, s.provenance.threshold, s.suppressed.0, s.suppressed.1);
    for p in [t.status_rule, &disclosure, t.employment_rule, t.self_support_rule, t.results_rule, t.illustrative_note] {
        f.paragraph(f.left, w, p, 8.0, false, BLACK);
        f.y += 3.5;
    }
}

fn footers(f: &mut Flow<'_>, s: &Summary) {
    let (lang, t) = (s.lang, texts(s.lang));
    let pages = f.pages.len();
    let y = PAGE_H - 34.0;
    let left = format!("{} · {}", t.title, text::period(s.period, lang));
    for n in 0..pages {
        let label = text::page_of(lang, n + 1, pages);
        let room = f.width() - f.fonts.width(&label, 7.5, false) - 20.0;
        let strategy = f.fonts.fit(&format!("{left} · {}", s.strategy), 7.5, false, room);
        let ops = [
            Op::Line { points: vec![(LEFT, y - 10.0), (RIGHT, y - 10.0)], width: 0.5, color: LIGHT, dash: None },
            Op::Text { x: LEFT, y, size: 7.5, bold: false, color: GREY, text: strategy },
            Op::Text { x: RIGHT - f.fonts.width(&label, 7.5, false), y, size: 7.5, bold: false, color: GREY, text: label },
        ];
        if let Some(page) = f.pages.get_mut(n) {
            page.extend(ops);
        }
    }
}
