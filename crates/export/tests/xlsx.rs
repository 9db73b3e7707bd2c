//! The workbook read back: every sheet's cells as snapshots, the charts, the hidden cells, and
//! the fixed creation time.

mod support;

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use indsats_core::validate::Lang;
use indsats_report::summary::Cell;

fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("the workbook opens")
}

fn show(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(v) => format!("{v}"),
        Data::Int(v) => format!("{v}"),
        Data::Bool(b) => format!("{b}"),
        other => format!("{other:?}"),
    }
}

/// A sheet as text: one line per row, cells separated by ` | `, with the range's origin.
fn grid(wb: &mut Xlsx<Cursor<Vec<u8>>>, sheet: &str) -> String {
    let range = wb.worksheet_range(sheet).expect("the sheet reads");
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut out = format!("origin: row {r0}, column {c0}\n");
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(show).collect();
        out.push_str(cells.join(" | ").trim_end());
        out.push('\n');
    }
    out
}

fn zip_entry(bytes: &[u8], name: &str) -> Option<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut file = zip.by_name(name).ok()?;
    let mut s = String::new();
    file.read_to_string(&mut s).ok()?;
    Some(s)
}

#[test]
fn workbook_sheets_in_danish_and_english() {
    for (lang, tag) in [(Lang::Da, "da"), (Lang::En, "en")] {
        let bytes = indsats_export::xlsx(&support::fixture(lang)).unwrap();
        let mut wb = open(&bytes);
        let names = wb.sheet_names().to_vec();
        let expected: &[&str] = match lang {
            Lang::Da => &["Mål", "Diagrammer", "Tendens", "Indsatser efter type", "Indsatser", "Om"],
            Lang::En => &["Goals", "Charts", "Trend", "Initiatives by type", "Initiatives", "About"],
        };
        assert_eq!(names, expected);
        // Snapshot names in ASCII, whatever the sheet's name.
        let ids = ["goals", "charts", "trend", "by_type", "initiatives", "about"];
        for (n, name) in names.iter().enumerate() {
            insta::assert_snapshot!(format!("{tag}_{n}_{}", ids[n]), grid(&mut wb, name));
        }
    }
}

#[test]
fn workbook_has_a_native_chart_per_indicator_with_a_trend() {
    let s = support::fixture(Lang::Da);
    let bytes = indsats_export::xlsx(&s).unwrap();
    let with_trend = s.goals.iter().flat_map(|g| &g.indicators).filter(|i| !i.trend.is_empty()).count();
    assert_eq!(with_trend, 4);
    for n in 1..=with_trend {
        let chart = zip_entry(&bytes, &format!("xl/charts/chart{n}.xml")).unwrap_or_else(|| panic!("chart{n}.xml is missing"));
        assert!(chart.contains("<c:lineChart>"), "chart{n} is a line chart");
        assert!(chart.contains("<c:dispBlanksAs val=\"gap\"/>"), "chart{n} leaves gaps for hidden months");
    }
    assert!(zip_entry(&bytes, &format!("xl/charts/chart{}.xml", with_trend + 1)).is_none());
    // The first indicator has a target: a dashed second series.
    let first = zip_entry(&bytes, "xl/charts/chart1.xml").unwrap();
    assert_eq!(first.matches("<c:ser>").count(), 2);
    assert!(first.contains("<a:prstDash val=\"dash\"/>"));
    assert!(first.contains("<c:f>Diagrammer!$B$3:$B$5</c:f>"), "the values are the data beside the chart");
}

#[test]
fn workbook_is_deterministic_and_dated_by_the_summary() {
    let s = support::fixture(Lang::En);
    let a = indsats_export::xlsx(&s).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = indsats_export::xlsx(&s).unwrap();
    assert!(a == b, "the same summary gives the same bytes");
    let core = zip_entry(&a, "docProps/core.xml").unwrap();
    assert!(core.contains("<dcterms:created xsi:type=\"dcterms:W3CDTF\">2026-11-24T09:00:00Z</dcterms:created>"), "{core}");
    let mut later = s.clone();
    later.provenance.generated_at = "2026-11-25T10:30:00Z".into();
    let c = indsats_export::xlsx(&later).unwrap();
    assert!(zip_entry(&c, "docProps/core.xml").unwrap().contains("2026-11-25T10:30:00Z"));
}

/// A hidden cell is the string `×` and never a number; an empty cell is empty; a number is the
/// number itself.
#[test]
fn hidden_cells_never_show_a_number() {
    let s = support::national(Lang::Da, 500);
    let bytes = indsats_export::xlsx(&s).unwrap();
    let mut wb = open(&bytes);
    let range = wb.worksheet_range("Indsatser").unwrap();
    let mut hidden = 0;
    for (r, row) in s.by_initiative.rows.iter().enumerate() {
        for (c, cell) in row.cells.iter().enumerate() {
            let got = range.get_value((r as u32 + 1, c as u32 + 2)).cloned().unwrap_or(Data::Empty);
            match cell {
                Cell::Suppressed => {
                    hidden += 1;
                    assert_eq!(got, Data::String("×".into()), "row {r}, column {c}");
                }
                Cell::Missing => assert_eq!(got, Data::Empty, "row {r}, column {c}"),
                Cell::Value(v) => match got {
                    // The published number: rounded to the column's decimals.
                    Data::Float(x) => assert!((x - v).abs() <= 0.05 + 1e-9, "row {r}, column {c}: {x} for {v}"),
                    other => panic!("row {r}, column {c}: {other:?} for {v}"),
                },
            }
        }
    }
    assert!(hidden > 100);
    // The chart data leaves a hidden month empty, so the chart shows a gap and not a zero.
    let fixture = indsats_export::xlsx(&support::fixture(Lang::Da)).unwrap();
    let mut wb = open(&fixture);
    let charts = wb.worksheet_range("Diagrammer").unwrap();
    assert_eq!(charts.get_value((2, 1)), Some(&Data::Float(34.2)));
    assert_eq!(charts.get_value((3, 1)).cloned().unwrap_or(Data::Empty), Data::Empty);
    assert_eq!(charts.get_value((3, 3)), Some(&Data::String("×".into())));
    assert_eq!(charts.get_value((4, 1)), Some(&Data::Float(36.9)));
}
