//! Hand-built summaries for the tests and the benchmark. Synthetic data only: no real people.
//! Shared by the integration tests, the unit tests (`lib.rs` includes it) and the benchmark.
#![allow(dead_code)]

use chrono::NaiveDate;
use indsats_core::model::{Code, Direction, InitiativeType, Unit};
use indsats_core::validate::Lang;
use indsats_report::summary::*;
use indsats_report::{Period, Status};

use Cell::{Missing, Suppressed, Value};

fn tr(lang: Lang, da: &str, en: &str) -> String {
    if lang == Lang::Da { da.to_string() } else { en.to_string() }
}

fn trend(labels: &[&str], cells: &[Cell]) -> Vec<TrendPoint> {
    labels.iter().zip(cells).map(|(l, c)| TrendPoint { label: l.to_string(), value: *c }).collect()
}

/// The columns of the initiative results table, in the engine's order.
pub fn columns() -> Vec<ResultColumn> {
    let mut c = vec![
        ResultColumn::Participants,
        ResultColumn::Starts,
        ResultColumn::Hours,
        ResultColumn::CompletedShare,
        ResultColumn::DroppedShare,
        ResultColumn::DaysToStart,
    ];
    c.extend(HORIZONS.iter().map(|&n| ResultColumn::Employed(n)));
    c.extend(HORIZONS.iter().map(|&n| ResultColumn::InEducation(n)));
    c.extend(HORIZONS.iter().map(|&n| ResultColumn::SelfSupporting(n)));
    c
}

/// The columns the engine publishes today.
pub fn engine_columns() -> Vec<ResultColumn> {
    indsats_report::summary::result_columns()
}

/// A plausible value for a column, from a seed.
fn cell_value(column: ResultColumn, seed: u64) -> f64 {
    let r = (seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 33) % 1000;
    let f = r as f64 / 1000.0;
    match column {
        ResultColumn::Participants => (20.0 + f * 180.0).round(),
        ResultColumn::Starts => (5.0 + f * 60.0).round(),
        ResultColumn::Hours => (100.0 + f * 2000.0).round(),
        ResultColumn::DaysToStart => (8.0 + f * 40.0).round(),
        ResultColumn::CompletedShare => (400.0 + f * 500.0).round() / 10.0,
        ResultColumn::DroppedShare => (f * 250.0).round() / 10.0,
        ResultColumn::Employed(n) | ResultColumn::InEducation(n) | ResultColumn::SelfSupporting(n) => {
            (50.0 + f * 200.0 + n as f64 * 10.0).round() / 10.0
        }
    }
}

/// The fixture: one quarter, three goals, five indicators, four initiative types and five
/// initiatives, with hidden (`Suppressed`) and empty (`Missing`) cells in every kind of table.
pub fn fixture(lang: Lang) -> Summary {
    let q3 = ["2026-07", "2026-08", "2026-09"];
    let goals = vec![
        GoalRow {
            key: "selvforsoergelse".into(),
            title: tr(lang, "Selvforsørgelse gennem job og uddannelse", "Self-support through job and education"),
            status: Status::AtRisk,
            indicators: vec![
                IndicatorRow {
                    key: "mm13-ustoettet-beskaeftigelse".into(),
                    name: tr(
                        lang,
                        "Andel flygtninge og familiesammenførte i ustøttet beskæftigelse (MM13)",
                        "Share of refugees and family-reunified persons in unsupported employment (MM13)",
                    ),
                    unit: Unit::Percent,
                    direction: Direction::Up,
                    value: Value(35.8),
                    previous: Value(33.1),
                    persons: Value(412.0),
                    target: Some(38.0),
                    illustrative: true,
                    status: Status::AtRisk,
                    manual: false,
                    trend: trend(&q3, &[Value(34.2), Suppressed, Value(36.9)]),
                },
                IndicatorRow {
                    key: "dage-til-foerste-tilbud".into(),
                    name: tr(lang, "Dage til første jobrettede tilbud", "Days to the first job-oriented offer"),
                    unit: Unit::Days,
                    direction: Direction::Down,
                    value: Value(41.0),
                    previous: Missing,
                    persons: Value(87.0),
                    target: Some(30.0),
                    illustrative: true,
                    status: Status::OffTrack,
                    manual: false,
                    trend: trend(&q3, &[Value(44.0), Value(39.0), Missing]),
                },
                IndicatorRow {
                    key: "beskaeftigelsesgab-dansk-oprindelse".into(),
                    name: tr(lang, "Beskæftigelsesgab til personer med dansk oprindelse", "Employment gap to persons of Danish origin"),
                    unit: Unit::PercentagePoints,
                    direction: Direction::Down,
                    value: Value(12.5),
                    previous: Value(13.1),
                    persons: Missing,
                    target: Some(10.0),
                    illustrative: false,
                    status: Status::OffTrack,
                    manual: true,
                    trend: vec![],
                },
            ],
        },
        GoalRow {
            key: "uddannelse".into(),
            title: tr(lang, "Uddannelse og kompetencer", "Education and skills"),
            status: Status::Unknown,
            indicators: vec![IndicatorRow {
                key: "uddannelse-paabegyndt".into(),
                name: tr(lang, "Andel deltagere der starter en uddannelse", "Share of participants starting an education"),
                unit: Unit::Percent,
                direction: Direction::Up,
                value: Suppressed,
                previous: Value(8.0),
                persons: Suppressed,
                target: Some(12.0),
                illustrative: true,
                status: Status::Unknown,
                manual: false,
                trend: trend(&q3, &[Value(9.5), Suppressed, Suppressed]),
            }],
        },
        GoalRow {
            key: "faellesskab".into(),
            title: tr(lang, "Aktivt medborgerskab og fællesskab", "Active citizenship and community"),
            status: Status::OnTrack,
            indicators: vec![IndicatorRow {
                key: "foreningsliv".into(),
                name: tr(
                    lang,
                    "Andel deltagere i foreningsliv eller frivilligt arbejde",
                    "Share of participants in associations or volunteering",
                ),
                unit: Unit::Percent,
                direction: Direction::Up,
                value: Value(22.4),
                previous: Value(19.0),
                persons: Value(398.0),
                target: Some(20.0),
                illustrative: false,
                status: Status::OnTrack,
                manual: false,
                trend: trend(&q3, &[Value(21.0), Value(22.9), Value(23.3)]),
            }],
        },
    ];

    // The initiatives' numbers before disclosure control; the table by type and the totals are
    // worked out from them (counts summed, shares and means averaged), as the engine does.
    let columns = columns();
    let initiatives = [
        (tr(lang, "Dansk på arbejdspladsen", "Danish at the workplace"), InitiativeType::DanishCourse),
        (tr(lang, "Praktik i Ballerup Kommunes ældrepleje", "Placement in the municipal elder care"), InitiativeType::WorkPlacement),
        (tr(lang, "Virksomhedsmentor; \"Vejen til job\"", "Company mentor; \"The road to work\""), InitiativeType::Mentor),
        (tr(lang, "Netværksmentor for kvinder", "Network mentor for women"), InitiativeType::Mentor),
        (tr(lang, "Idræt og fællesskab", "Sport and community"), InitiativeType::Community),
    ];
    let raw: Vec<Vec<f64>> = (0..initiatives.len())
        .map(|i| columns.iter().enumerate().map(|(j, c)| cell_value(*c, (i * 1000 + j + 7) as u64)).collect())
        .collect();
    let aggregate = |rows: &[&Vec<f64>]| -> Vec<f64> {
        columns
            .iter()
            .enumerate()
            .map(|(j, c)| {
                let sum: f64 = rows.iter().map(|r| r[j]).sum();
                match c {
                    ResultColumn::Participants | ResultColumn::Starts | ResultColumn::Hours => sum,
                    _ => (sum / rows.len() as f64 * 10.0).round() / 10.0,
                }
            })
            .collect()
    };
    let kinds = [InitiativeType::DanishCourse, InitiativeType::WorkPlacement, InitiativeType::Mentor, InitiativeType::Community];
    let values = |v: &[f64]| v.iter().map(|x| Value(*x)).collect::<Vec<_>>();
    let mut by_type_rows: Vec<ResultRow> = kinds
        .iter()
        .map(|k| {
            let rows: Vec<&Vec<f64>> = initiatives.iter().zip(&raw).filter(|((_, kind), _)| kind == k).map(|(_, r)| r).collect();
            ResultRow { label: k.label(lang).to_string(), kind: *k, cells: values(&aggregate(&rows)) }
        })
        .collect();
    let mut by_initiative_rows: Vec<ResultRow> =
        initiatives.iter().zip(&raw).map(|((label, kind), r)| ResultRow { label: label.clone(), kind: *kind, cells: values(r) }).collect();
    let mut totals = values(&aggregate(&raw.iter().collect::<Vec<_>>()));

    // Disclosure control's marks: a small count hidden, and a second cell of its column hidden
    // so that it cannot be worked out from the total.
    by_type_rows[1].cells[1] = Suppressed;
    by_type_rows[3].cells[1] = Suppressed;
    by_type_rows[0].cells[7] = Suppressed;
    by_type_rows[3].cells[7] = Suppressed;
    by_initiative_rows[2].cells[0] = Suppressed;
    by_initiative_rows[3].cells[0] = Suppressed;
    by_initiative_rows[0].cells[6] = Suppressed;
    by_initiative_rows[4].cells[6] = Suppressed;
    // Nothing ended long enough ago for 12 months after.
    for row in by_type_rows.iter_mut().chain(&mut by_initiative_rows) {
        for h in [9, 13, 17] {
            row.cells[h] = Missing;
        }
    }
    for h in [9, 13, 17] {
        totals[h] = Missing;
    }

    Summary {
        lang,
        strategy: tr(
            lang,
            "Strategi for bedre integration i Ballerup Kommune 2021–2029",
            "Strategy for better integration in Ballerup Municipality 2021–2029",
        ),
        period: Period::Quarter { year: 2026, quarter: 3 },
        provenance: Provenance {
            generated_at: "2026-11-24T09:00:00Z".into(),
            generated_by: tr(lang, "Testbruger A (teamleder)", "Test user A (team lead)"),
            snapshot: "9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d".into(),
            as_of: NaiveDate::from_ymd_opt(2026, 10, 31).unwrap_or_default(),
            threshold: 5,
            version: "0.1.0".into(),
        },
        goals,
        by_type: ResultTable { columns: columns.clone(), rows: by_type_rows, totals: totals.clone() },
        by_initiative: ResultTable { columns, rows: by_initiative_rows, totals },
        suppressed: (5, 6),
    }
}

/// Counts grow with the number of initiatives; shares and means do not.
fn scale(column: ResultColumn, by: f64) -> f64 {
    match column {
        ResultColumn::Participants | ResultColumn::Starts | ResultColumn::Hours => by,
        _ => 1.0,
    }
}

/// A national-scale summary for the benchmark: a year, 5 goals of 3 indicators with monthly
/// trends, every initiative type, `initiatives` initiatives, and the engine's columns.
/// Deterministic.
pub fn national(lang: Lang, initiatives: usize) -> Summary {
    let mut s = fixture(lang);
    s.period = Period::Year(2026);
    let months: Vec<String> = (1..=12).map(|m| format!("2026-{m:02}")).collect();
    s.goals = (0..5)
        .map(|g| GoalRow {
            key: format!("goal-{g}"),
            title: format!("{} {}", tr(lang, "Mål", "Goal"), g + 1),
            status: Status::AtRisk,
            indicators: (0..3)
                .map(|i| {
                    let seed = (g * 10 + i) as u64;
                    let base = cell_value(ResultColumn::CompletedShare, seed) / 2.0;
                    IndicatorRow {
                        key: format!("goal-{g}-indicator-{i}"),
                        name: format!("{} {}.{}", tr(lang, "Indikator", "Indicator"), g + 1, i + 1),
                        unit: Unit::Percent,
                        direction: Direction::Up,
                        value: Value(base),
                        previous: Value(base - 1.5),
                        persons: Value(5000.0 + seed as f64 * 37.0),
                        target: Some(base + 2.0),
                        illustrative: i == 0,
                        status: Status::AtRisk,
                        manual: false,
                        trend: months
                            .iter()
                            .enumerate()
                            .map(|(m, l)| TrendPoint {
                                label: l.clone(),
                                value: if (m + i) % 7 == 3 { Suppressed } else { Value(base - 3.0 + m as f64 * 0.4) },
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let columns = engine_columns();
    s.by_type = ResultTable {
        columns: columns.clone(),
        rows: InitiativeType::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| ResultRow {
                label: k.label(lang).to_string(),
                kind: *k,
                cells: columns.iter().enumerate().map(|(j, c)| Value(cell_value(*c, (i * 31 + j) as u64) * scale(*c, 40.0))).collect(),
            })
            .collect(),
        totals: columns.iter().enumerate().map(|(j, c)| Value(cell_value(*c, j as u64) * scale(*c, 400.0))).collect(),
    };
    s.by_initiative = ResultTable {
        columns: columns.clone(),
        rows: (0..initiatives)
            .map(|i| {
                let kind = InitiativeType::ALL[i % InitiativeType::ALL.len()];
                ResultRow {
                    label: format!("{} {} {}", tr(lang, "Indsats", "Initiative"), i + 1, kind.label(lang)),
                    kind,
                    cells: columns
                        .iter()
                        .enumerate()
                        .map(|(j, c)| if (i + j) % 11 == 0 { Suppressed } else { Value(cell_value(*c, (i * 29 + j) as u64)) })
                        .collect(),
                }
            })
            .collect(),
        totals: columns.iter().enumerate().map(|(j, c)| Value(cell_value(*c, j as u64) * scale(*c, 4000.0))).collect(),
    };
    s
}
