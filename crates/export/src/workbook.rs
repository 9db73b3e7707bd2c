//! The XLSX workbook: the summary's tables as sheets, and a native Excel line chart per indicator.
//!
//! Numbers are written as numbers, rounded to the decimals the other formats publish, with a
//! number format (Excel shows them with the reader's own decimal mark); a hidden number is the string `×`, nothing to show is an empty cell. Each sheet
//! has a bold header row that stays in view. The charts sheet keeps each chart's data beside it
//! (period, value, target), so the chart can be read as a table too; hidden months are empty
//! there, which Excel draws as a gap, and marked `×` in the next column.

use chrono::{DateTime, Datelike, Timelike, Utc};
use indsats_core::model::Code;
use indsats_report::summary::{Cell, IndicatorRow, ResultTable, Summary};
use rust_xlsxwriter::{
    Chart, ChartEmptyCells, ChartFont, ChartFormat, ChartLegendPosition, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType,
    ChartType, Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use crate::text::{self, SUPPRESSED, texts};
use crate::{ExportError, csv_files};

/// Excel's last row (1,048,576) less the header and totals rows.
const MAX_ROWS: usize = 1_048_576 - 2;

const HEADER_FILL: u32 = 0xDCE6F1;
const VALUE_COLOR: u32 = 0x1F4E79;
const TARGET_COLOR: u32 = 0xC0504D;

/// The cell formats of the workbook.
struct Formats {
    header: Format,
    title: Format,
    text: Format,
    num: [Format; 2],
    hidden: Format,
    total_text: Format,
    total_num: [Format; 2],
    total_hidden: Format,
}

impl Formats {
    fn new() -> Formats {
        let num = |d: usize| Format::new().set_num_format(if d == 0 { "#,##0" } else { "#,##0.0" });
        let total = |f: Format| f.set_bold().set_border_top(FormatBorder::Thin);
        let hidden = Format::new().set_align(FormatAlign::Right);
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(HEADER_FILL))
                .set_border_bottom(FormatBorder::Thin),
            title: Format::new().set_bold().set_font_size(12),
            text: Format::new().set_align(FormatAlign::Top),
            num: [num(0), num(1)],
            hidden: hidden.clone(),
            total_text: total(Format::new()),
            total_num: [total(num(0)), total(num(1))],
            total_hidden: total(hidden),
        }
    }
}

pub(crate) fn workbook(s: &Summary) -> Result<Vec<u8>, ExportError> {
    let created = crate::generated_at(&s.provenance)?;
    for (table, t) in [("by_type", &s.by_type), ("by_initiative", &s.by_initiative)] {
        if t.rows.len() > MAX_ROWS {
            return Err(ExportError::TooManyRows { table, rows: t.rows.len(), max: MAX_ROWS });
        }
    }
    let trend_rows: usize = s.goals.iter().flat_map(|g| &g.indicators).map(|i| i.trend.len()).sum();
    if trend_rows > MAX_ROWS {
        return Err(ExportError::TooManyRows { table: "trend", rows: trend_rows, max: MAX_ROWS });
    }

    let t = texts(s.lang);
    let f = Formats::new();
    let mut wb = Workbook::new();
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!("{} – {} – {}", t.title, s.strategy, text::period(s.period, s.lang)))
            .set_subject(t.title)
            .set_author(&s.provenance.generated_by)
            .set_comment(format!("{}: {}", t.snapshot, s.provenance.snapshot))
            .set_keywords(crate::marker(s))
            .set_creation_datetime(&excel_time(created)?),
    );
    goals_sheet(wb.add_worksheet(), s, &f)?;
    charts_sheet(wb.add_worksheet(), s, &f)?;
    trend_sheet(wb.add_worksheet(), s, &f)?;
    results_sheet(wb.add_worksheet(), s, &s.by_type, false, &f)?;
    results_sheet(wb.add_worksheet(), s, &s.by_initiative, true, &f)?;
    about_sheet(wb.add_worksheet(), s, &f)?;
    Ok(wb.save_to_buffer()?)
}

fn excel_time(t: DateTime<Utc>) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(t.year()).unwrap_or(1900);
    ExcelDateTime::from_ymd(year, t.month() as u8, t.day() as u8)?.and_hms(t.hour() as u16, t.minute() as u8, t.second())
}

/// Writes a header row and keeps it in view.
fn header(ws: &mut Worksheet, headers: &[&str], widths: &[f64], f: &Formats) -> Result<(), XlsxError> {
    for (c, (h, w)) in headers.iter().zip(widths).enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *w)?;
    }
    ws.set_freeze_panes(1, 0)?;
    Ok(())
}

fn write_cell(ws: &mut Worksheet, row: u32, col: u16, cell: Cell, decimals: usize, f: &Formats, total: bool) -> Result<(), XlsxError> {
    let d = decimals.min(1);
    match cell {
        Cell::Value(v) => {
            ws.write_number_with_format(row, col, text::rounded(v, d), if total { &f.total_num[d] } else { &f.num[d] })?;
        }
        Cell::Suppressed => {
            ws.write_string_with_format(row, col, SUPPRESSED, if total { &f.total_hidden } else { &f.hidden })?;
        }
        Cell::Missing if total => {
            ws.write_blank(row, col, &f.total_text)?;
        }
        Cell::Missing => {}
    }
    Ok(())
}

fn goals_sheet(ws: &mut Worksheet, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    let (lang, t) = (s.lang, texts(s.lang));
    ws.set_name(t.sheet_goals)?;
    header(ws, &csv_files::goal_columns(lang), &[18.0, 36.0, 12.0, 28.0, 60.0, 14.0, 10.0, 10.0, 10.0, 10.0, 11.0, 12.0, 11.0], f)?;
    ws.set_row_height(0, 30)?;
    let mut r = 1u32;
    for g in &s.goals {
        ws.write_string(r, 0, &g.key)?;
        ws.write_string(r, 1, &g.title)?;
        ws.write_string(r, 2, g.status.label(lang))?;
        for (n, i) in g.indicators.iter().enumerate() {
            if n > 0 {
                ws.write_string(r, 0, &g.key)?;
                ws.write_string(r, 1, &g.title)?;
                ws.write_string(r, 2, g.status.label(lang))?;
            }
            let d = text::unit_decimals(i.unit);
            ws.write_string(r, 3, &i.key)?;
            ws.write_string(r, 4, &i.name)?;
            ws.write_string(r, 5, i.unit.label(lang))?;
            write_cell(ws, r, 6, i.value, d, f, false)?;
            write_cell(ws, r, 7, i.previous, d, f, false)?;
            write_cell(ws, r, 8, i.persons, 0, f, false)?;
            if let Some(v) = i.target {
                write_cell(ws, r, 9, Cell::Value(v), d, f, false)?;
            }
            ws.write_string(r, 10, text::yes_no(i.illustrative, lang))?;
            ws.write_string(r, 11, i.status.label(lang))?;
            ws.write_string(r, 12, text::yes_no(i.manual, lang))?;
            r += 1;
        }
        if g.indicators.is_empty() {
            r += 1;
        }
    }
    ws.autofilter(0, 0, r.saturating_sub(1).max(1), 12)?;
    Ok(())
}

fn trend_sheet(ws: &mut Worksheet, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    let t = texts(s.lang);
    ws.set_name(t.sheet_trend)?;
    header(ws, &[t.indicator_key, t.trend_label, t.value], &[34.0, 12.0, 10.0], f)?;
    let mut r = 1u32;
    for i in s.goals.iter().flat_map(|g| &g.indicators) {
        let d = text::unit_decimals(i.unit);
        for p in &i.trend {
            ws.write_string(r, 0, &i.key)?;
            ws.write_string(r, 1, &p.label)?;
            write_cell(ws, r, 2, p.value, d, f, false)?;
            r += 1;
        }
    }
    Ok(())
}

/// Rows a chart covers (at Excel's default row height of 20 pixels).
const CHART_ROWS: u32 = 13;
const CHART_WIDTH: u32 = 520;
const CHART_HEIGHT: u32 = CHART_ROWS * 20;

fn charts_sheet(ws: &mut Worksheet, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    let (lang, t) = (s.lang, texts(s.lang));
    ws.set_name(t.sheet_charts)?;
    for (c, w) in [12.0, 10.0, 10.0, 4.0, 2.0].iter().enumerate() {
        ws.set_column_width(c as u16, *w)?;
    }
    let sheet = t.sheet_charts;
    let mut r = 0u32;
    for i in s.goals.iter().flat_map(|g| &g.indicators) {
        ws.write_string_with_format(r, 0, &i.name, &f.title)?;
        r += 1;
        if i.trend.is_empty() {
            ws.write_string(r, 0, t.no_trend)?;
            r += 2;
            continue;
        }
        let top = r;
        chart_data(ws, r, i, f, t)?;
        let (first, last) = (top + 1, top + i.trend.len() as u32);
        let mut chart = Chart::new(ChartType::Line);
        chart.set_width(CHART_WIDTH).set_height(CHART_HEIGHT).show_empty_cells_as(ChartEmptyCells::Gaps);
        chart.title().set_name(&i.name).set_font(ChartFont::new().set_size(10).set_bold());
        chart.y_axis().set_name(i.unit.label(lang)).set_num_format(if text::unit_decimals(i.unit) == 0 { "#,##0" } else { "#,##0.0" });
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart
            .add_series()
            .set_name((sheet, top, 1))
            .set_categories((sheet, first, 0, last, 0))
            .set_values((sheet, first, 1, last, 1))
            .set_format(ChartFormat::new().set_line(ChartLine::new().set_color(Color::RGB(VALUE_COLOR)).set_width(2.25)))
            .set_marker(ChartMarker::new().set_type(ChartMarkerType::Circle).set_size(5));
        if i.target.is_some() {
            chart
                .add_series()
                .set_name((sheet, top, 2))
                .set_categories((sheet, first, 0, last, 0))
                .set_values((sheet, first, 2, last, 2))
                .set_format(
                    ChartFormat::new().set_line(
                        ChartLine::new().set_color(Color::RGB(TARGET_COLOR)).set_width(1.5).set_dash_type(ChartLineDashType::Dash),
                    ),
                )
                .set_marker(ChartMarker::new().set_none());
        }
        ws.insert_chart(top, 5, &chart)?;
        r = top + (i.trend.len() as u32 + 1).max(CHART_ROWS) + 2;
    }
    Ok(())
}

/// The data beside a chart: a header at `top`, then one row per trend point.
fn chart_data(ws: &mut Worksheet, top: u32, i: &IndicatorRow, f: &Formats, t: &text::Texts) -> Result<(), XlsxError> {
    let d = text::unit_decimals(i.unit);
    ws.write_string_with_format(top, 0, t.trend_label, &f.header)?;
    ws.write_string_with_format(top, 1, t.value, &f.header)?;
    if i.target.is_some() {
        ws.write_string_with_format(top, 2, t.target, &f.header)?;
    }
    for (n, p) in i.trend.iter().enumerate() {
        let r = top + 1 + n as u32;
        ws.write_string_with_format(r, 0, &p.label, &f.text)?;
        match p.value {
            Cell::Value(v) => {
                ws.write_number_with_format(r, 1, text::rounded(v, d), &f.num[d.min(1)])?;
            }
            Cell::Suppressed => {
                ws.write_string_with_format(r, 3, SUPPRESSED, &f.hidden)?;
            }
            Cell::Missing => {}
        }
        if let Some(target) = i.target {
            ws.write_number_with_format(r, 2, text::rounded(target, d), &f.num[d.min(1)])?;
        }
    }
    Ok(())
}

fn results_sheet(ws: &mut Worksheet, s: &Summary, table: &ResultTable, per_initiative: bool, f: &Formats) -> Result<(), XlsxError> {
    let (lang, t) = (s.lang, texts(s.lang));
    ws.set_name(if per_initiative { t.sheet_by_initiative } else { t.sheet_by_type })?;
    let column_headers: Vec<String> = table.columns.iter().map(|c| text::column_header(*c, lang)).collect();
    let mut headers: Vec<&str> = if per_initiative { vec![t.initiative, t.initiative_type] } else { vec![t.initiative_type] };
    let mut widths: Vec<f64> = if per_initiative { vec![44.0, 28.0] } else { vec![34.0] };
    headers.extend(column_headers.iter().map(String::as_str));
    widths.extend(table.columns.iter().map(|_| 13.0));
    header(ws, &headers, &widths, f)?;
    ws.set_row_height(0, 45)?;
    let first = headers.len() - table.columns.len();
    let decimals: Vec<usize> = table.columns.iter().map(|c| text::column_decimals(*c)).collect();
    let mut r = 1u32;
    for row in &table.rows {
        ws.write_string(r, 0, &row.label)?;
        if per_initiative {
            ws.write_string(r, 1, row.kind.label(lang))?;
        }
        for (c, (cell, d)) in row.cells.iter().zip(&decimals).enumerate() {
            write_cell(ws, r, (first + c) as u16, *cell, *d, f, false)?;
        }
        r += 1;
    }
    if per_initiative && !table.rows.is_empty() {
        ws.autofilter(0, 0, r - 1, (headers.len() - 1) as u16)?;
    }
    ws.write_string_with_format(r, 0, t.total, &f.total_text)?;
    if per_initiative {
        ws.write_blank(r, 1, &f.total_text)?;
    }
    for (c, (cell, d)) in table.totals.iter().zip(&decimals).enumerate() {
        write_cell(ws, r, (first + c) as u16, *cell, *d, f, true)?;
    }
    Ok(())
}

fn about_sheet(ws: &mut Worksheet, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    let t = texts(s.lang);
    ws.set_name(t.sheet_about)?;
    header(ws, &[t.key, t.field, t.value], &[26.0, 36.0, 70.0], f)?;
    let rows = csv_files::about_rows(s);
    let mut r = 1u32;
    for (key, field, value) in &rows {
        ws.write_string(r, 0, *key)?;
        ws.write_string(r, 1, *field)?;
        // Counts as numbers, so Excel does not flag them as numbers stored as text.
        match value.parse::<u64>() {
            Ok(n) if matches!(*key, "threshold" | "suppressed_primary" | "suppressed_complementary") => {
                ws.write_number(r, 2, n as f64)?;
            }
            _ => {
                ws.write_string(r, 2, value)?;
            }
        }
        r += 1;
    }
    r += 1;
    for note in [text::suppressed_note(s.lang, s.provenance.threshold), t.empty_note.to_string(), t.share_note.to_string()] {
        ws.write_string(r, 0, &note)?;
        r += 1;
    }
    Ok(())
}
