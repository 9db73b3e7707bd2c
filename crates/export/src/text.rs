//! Every word the exports print, in Danish (the default) and English, and how numbers, dates and
//! periods are written in each language.
//!
//! The fixed words are two instances of [`Texts`], so a word missing in one language does not
//! compile. Words with a number in them are functions below.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use indsats_core::model::Unit;
use indsats_core::validate::Lang;
use indsats_report::Period;
use indsats_report::summary::ResultColumn;

/// The fixed words of one language.
pub struct Texts {
    // The document.
    pub title: &'static str,
    pub overview: &'static str,
    pub goals_heading: &'static str,
    pub results_heading: &'static str,
    pub how_much_well: &'static str,
    pub better_off: &'static str,
    pub method_heading: &'static str,
    pub about_heading: &'static str,
    pub previous_short: &'static str,
    pub target_short: &'static str,
    pub persons_short: &'static str,
    pub no_target: &'static str,
    pub manual_short: &'static str,
    pub no_indicators: &'static str,
    pub indicators: &'static str,
    pub target_line: &'static str,
    pub no_trend: &'static str,
    pub illustrative_note: &'static str,
    pub missing_note: &'static str,
    pub empty_note: &'static str,
    pub share_note: &'static str,

    // Provenance.
    pub strategy: &'static str,
    pub period: &'static str,
    pub as_of: &'static str,
    pub generated_at: &'static str,
    pub generated_by: &'static str,
    pub snapshot: &'static str,
    pub threshold: &'static str,
    pub version: &'static str,
    pub language: &'static str,
    pub suppressed_primary: &'static str,
    pub suppressed_complementary: &'static str,
    pub key: &'static str,
    pub field: &'static str,

    // Table headers.
    pub goal_key: &'static str,
    pub goal: &'static str,
    pub goal_status: &'static str,
    pub indicator_key: &'static str,
    pub indicator: &'static str,
    pub unit: &'static str,
    pub value: &'static str,
    pub previous: &'static str,
    pub persons: &'static str,
    pub target: &'static str,
    pub illustrative: &'static str,
    pub status: &'static str,
    pub manual: &'static str,
    pub trend_label: &'static str,
    pub initiative: &'static str,
    pub initiative_type: &'static str,
    pub total: &'static str,
    pub yes: &'static str,
    pub no: &'static str,

    // Sheets and files.
    pub sheet_goals: &'static str,
    pub sheet_trend: &'static str,
    pub sheet_charts: &'static str,
    pub sheet_by_type: &'static str,
    pub sheet_by_initiative: &'static str,
    pub sheet_about: &'static str,
    pub file_goals: &'static str,
    pub file_trend: &'static str,
    pub file_by_type: &'static str,
    pub file_by_initiative: &'static str,
    pub file_about: &'static str,

    // Method notes.
    pub status_rule: &'static str,
    pub self_support_rule: &'static str,
    pub employment_rule: &'static str,
    pub results_rule: &'static str,
}

pub const DA: Texts = Texts {
    title: "Ledelsesoverblik",
    overview: "Overblik",
    goals_heading: "Mål og indikatorer",
    results_heading: "Indsatsernes resultater efter type",
    how_much_well: "Hvor meget og hvor godt",
    better_off: "Er nogen bedre stillet?",
    method_heading: "Metode",
    about_heading: "Om opgørelsen",
    previous_short: "Forrige periode",
    target_short: "Måltal",
    persons_short: "Personer",
    no_target: "intet måltal",
    manual_short: "indtastet manuelt",
    no_indicators: "Målet har ingen indikatorer.",
    indicators: "Indikatorer",
    target_line: "måltal",
    no_trend: "Ingen månedsværdier",
    illustrative_note: "* = illustrativt måltal (ikke vedtaget politisk).",
    missing_note: "– = intet at opgøre (ingen i grundlaget, ikke indtastet eller endnu ikke sket).",
    empty_note: "Tom celle = intet at opgøre (ingen i grundlaget, ikke indtastet eller endnu ikke sket).",
    share_note: "Andele er procent af de forløb, der sluttede længe nok før opgørelsen; dage til start er et gennemsnit.",

    strategy: "Strategi",
    period: "Periode",
    as_of: "Opgjort pr.",
    generated_at: "Dannet",
    generated_by: "Dannet af",
    snapshot: "Datagrundlag (SHA-256)",
    threshold: "Diskretionsgrænse (personer)",
    version: "Indsats-version",
    language: "Sprog",
    suppressed_primary: "Skjulte tal under grænsen",
    suppressed_complementary: "Skjulte tal for at beskytte andre",
    key: "Nøgle",
    field: "Felt",

    goal_key: "Mål-id",
    goal: "Mål",
    goal_status: "Målets status",
    indicator_key: "Indikator-id",
    indicator: "Indikator",
    unit: "Enhed",
    value: "Værdi",
    previous: "Forrige periode",
    persons: "Personer",
    target: "Måltal",
    illustrative: "Illustrativt måltal",
    status: "Status",
    manual: "Indtastet manuelt",
    trend_label: "Periode",
    initiative: "Indsats",
    initiative_type: "Indsatstype",
    total: "I alt",
    yes: "ja",
    no: "nej",

    sheet_goals: "Mål",
    sheet_trend: "Tendens",
    sheet_charts: "Diagrammer",
    sheet_by_type: "Indsatser efter type",
    sheet_by_initiative: "Indsatser",
    sheet_about: "Om",
    file_goals: "maal.csv",
    file_trend: "tendens.csv",
    file_by_type: "indsatser_type.csv",
    file_by_initiative: "indsatser.csv",
    file_about: "om.csv",

    status_rule: "Status: En indikator er på sporet, når måltallet er nået, og i risiko, når den højst mangler 10 % af måltallet for at nå det; ellers er den bagud. Uden værdi eller måltal er status ukendt. Et måls status er den dårligste blandt dets indikatorer.",
    self_support_rule: "Selvforsørgelse opgøres som i Jobindsats: en periode med offentlig ydelse slutter først, når der er gået en hel kalendermåned uden ydelse.",
    employment_rule: "Beskæftigelse opgøres som andele af personmåneder: for et kvartal eller et år tælles alle månederne sammen, så måneder med flere deltagere vejer mere.",
    results_rule: "Indsatsernes resultater tæller forløb: en person i to indsatser tæller med i begge. Andelene i job, uddannelse og selvforsørgelse efter 1, 3, 6 og 12 måneder gælder forløb, der sluttede mindst så længe før opgørelsesdagen.",
};

pub const EN: Texts = Texts {
    title: "Management summary",
    overview: "Overview",
    goals_heading: "Goals and indicators",
    results_heading: "Results of the initiatives by type",
    how_much_well: "How much and how well",
    better_off: "Is anyone better off?",
    method_heading: "Method",
    about_heading: "About these figures",
    previous_short: "Previous period",
    target_short: "Target",
    persons_short: "Persons",
    no_target: "no target",
    manual_short: "entered manually",
    no_indicators: "This goal has no indicators.",
    indicators: "Indicators",
    target_line: "target",
    no_trend: "No monthly values",
    illustrative_note: "* = illustrative target (not adopted by the council).",
    missing_note: "– = nothing to count (nobody in the base, not entered, or not happened yet).",
    empty_note: "Empty cell = nothing to count (nobody in the base, not entered, or not happened yet).",
    share_note: "Shares are percentages of the enrolments that ended long enough before the count; days to start is a mean.",

    strategy: "Strategy",
    period: "Period",
    as_of: "As of",
    generated_at: "Generated",
    generated_by: "Generated by",
    snapshot: "Data snapshot (SHA-256)",
    threshold: "Confidentiality threshold (persons)",
    version: "Indsats version",
    language: "Language",
    suppressed_primary: "Numbers hidden under the threshold",
    suppressed_complementary: "Numbers hidden to protect others",
    key: "Key",
    field: "Field",

    goal_key: "Goal key",
    goal: "Goal",
    goal_status: "Goal status",
    indicator_key: "Indicator key",
    indicator: "Indicator",
    unit: "Unit",
    value: "Value",
    previous: "Previous period",
    persons: "Persons",
    target: "Target",
    illustrative: "Illustrative target",
    status: "Status",
    manual: "Entered manually",
    trend_label: "Period",
    initiative: "Initiative",
    initiative_type: "Initiative type",
    total: "Total",
    yes: "yes",
    no: "no",

    sheet_goals: "Goals",
    sheet_trend: "Trend",
    sheet_charts: "Charts",
    sheet_by_type: "Initiatives by type",
    sheet_by_initiative: "Initiatives",
    sheet_about: "About",
    file_goals: "goals.csv",
    file_trend: "trend.csv",
    file_by_type: "initiatives_by_type.csv",
    file_by_initiative: "initiatives.csv",
    file_about: "about.csv",

    status_rule: "Status: an indicator is on track when its target is reached, and at risk when it falls short of the target by no more than 10 % of the target; otherwise it is off track. Without a value or a target the status is unknown. A goal's status is the worst among its indicators.",
    self_support_rule: "Self-supporting is counted as Jobindsats counts it: a period on public benefit ends only after a full calendar month without benefit.",
    employment_rule: "Employment is counted as shares of person-months: a quarter or a year adds up all its months, so months with more participants weigh more.",
    results_rule: "Initiative results count enrolments: a person in two initiatives counts in both. The shares in a job, in education and self-supporting 1, 3, 6 and 12 months after apply to enrolments that ended at least that long before the count.",
};

/// The words of a language.
pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::Da => &DA,
        Lang::En => &EN,
    }
}

/// The footnote that explains the marker of a hidden number.
pub fn suppressed_note(lang: Lang, threshold: u64) -> String {
    match lang {
        Lang::Da => format!(
            "{SUPPRESSED} = skjult af hensyn til diskretion (færre end {threshold} personer, eller for at et skjult tal ikke kan regnes ud)"
        ),
        Lang::En => format!(
            "{SUPPRESSED} = hidden for confidentiality (fewer than {threshold} persons, or so that a hidden number cannot be worked out)"
        ),
    }
}

/// The method note on disclosure control.
pub fn disclosure_rule(lang: Lang, threshold: u64, primary: usize, complementary: usize) -> String {
    match lang {
        Lang::Da => format!(
            "Diskretion: Tal, der bygger på færre end {threshold} personer, vises ikke ({SUPPRESSED}). Derudover skjules så mange andre tal, at intet skjult tal kan regnes ud af totaler og de øvrige tal. Her er {primary} tal skjult under grænsen og {complementary} for at beskytte dem."
        ),
        Lang::En => format!(
            "Confidentiality: numbers based on fewer than {threshold} persons are not shown ({SUPPRESSED}). Further numbers are hidden so that no hidden number can be worked out from totals and the other numbers. Here {primary} numbers are hidden under the threshold and {complementary} to protect them."
        ),
    }
}

/// The note that the per-initiative table is only in the spreadsheet and the CSV files.
pub fn per_initiative_note(lang: Lang, initiatives: usize) -> String {
    match lang {
        Lang::Da => format!(
            "Tabellen for hver enkelt indsats ({initiatives} indsatser) findes i regnearket (XLSX) og i CSV-filen {}.",
            DA.file_by_initiative
        ),
        Lang::En => format!(
            "The table for each initiative ({initiatives} initiatives) is in the spreadsheet (XLSX) and in the CSV file {}.",
            EN.file_by_initiative
        ),
    }
}

/// "Side 2 af 4".
pub fn page_of(lang: Lang, page: usize, pages: usize) -> String {
    match lang {
        Lang::Da => format!("Side {page} af {pages}"),
        Lang::En => format!("Page {page} of {pages}"),
    }
}

/// The marker of a number hidden by disclosure control.
pub const SUPPRESSED: &str = "×";
/// The marker of nothing to show.
pub const MISSING: &str = "–";

/// The header of a column of the initiative results table.
pub fn column_header(column: ResultColumn, lang: Lang) -> String {
    let da = lang == Lang::Da;
    let months = |n: u32| match (da, n) {
        (true, 1) => "1 md.".to_string(),
        (true, n) => format!("{n} mdr."),
        (false, 1) => "1 month".to_string(),
        (false, n) => format!("{n} months"),
    };
    match column {
        ResultColumn::Participants => if da { "Deltagere" } else { "Participants" }.into(),
        ResultColumn::Starts => if da { "Startet" } else { "Started" }.into(),
        ResultColumn::Hours => if da { "Timer pr. uge" } else { "Hours per week" }.into(),
        ResultColumn::CompletedShare => if da { "Gennemført (%)" } else { "Completed (%)" }.into(),
        ResultColumn::DroppedShare => if da { "Afbrudt (%)" } else { "Dropped out (%)" }.into(),
        ResultColumn::DaysToStart => if da { "Dage til start" } else { "Days to start" }.into(),
        ResultColumn::Employed(n) => {
            if da {
                format!("I job efter {}", months(n))
            } else {
                format!("Employed after {}", months(n))
            }
        }
        ResultColumn::InEducation(n) => {
            if da {
                format!("I uddannelse efter {}", months(n))
            } else {
                format!("In education after {}", months(n))
            }
        }
        ResultColumn::SelfSupporting(n) => {
            if da {
                format!("Selvforsørgende efter {}", months(n))
            } else {
                format!("Self-supporting after {}", months(n))
            }
        }
    }
}

/// For a column of "is anyone better off": its group's header and its horizon in months.
pub fn horizon_group(column: ResultColumn, lang: Lang) -> Option<(&'static str, u32)> {
    let da = lang == Lang::Da;
    match column {
        ResultColumn::Employed(n) => Some((if da { "I job efter (måneder)" } else { "Employed after (months)" }, n)),
        ResultColumn::InEducation(n) => Some((if da { "I uddannelse efter (måneder)" } else { "In education after (months)" }, n)),
        ResultColumn::SelfSupporting(n) => Some((if da { "Selvforsørgende efter (måneder)" } else { "Self-supporting after (months)" }, n)),
        _ => None,
    }
}

/// Whether a column tells how much or how well (rather than whether anyone is better off).
pub fn is_how_much_or_well(column: ResultColumn) -> bool {
    !matches!(column, ResultColumn::Employed(_) | ResultColumn::InEducation(_) | ResultColumn::SelfSupporting(_))
}

/// How many decimals a column's numbers are shown with.
pub fn column_decimals(column: ResultColumn) -> usize {
    match column {
        ResultColumn::Participants | ResultColumn::Starts | ResultColumn::Hours | ResultColumn::DaysToStart => 0,
        ResultColumn::CompletedShare
        | ResultColumn::DroppedShare
        | ResultColumn::Employed(_)
        | ResultColumn::InEducation(_)
        | ResultColumn::SelfSupporting(_) => 1,
    }
}

/// How many decimals an indicator's numbers are shown with.
pub fn unit_decimals(unit: Unit) -> usize {
    match unit {
        Unit::Percent | Unit::PercentagePoints => 1,
        Unit::Count | Unit::Days => 0,
    }
}

/// What follows a number of the unit in running text: `62,4 %`, `3,0 pct.-point`, `41 dage`.
pub fn unit_suffix(unit: Unit, lang: Lang) -> &'static str {
    match (unit, lang) {
        (Unit::Percent, Lang::Da) => " %",
        (Unit::Percent, Lang::En) => "%",
        (Unit::PercentagePoints, Lang::Da) => " pct.-point",
        (Unit::PercentagePoints, Lang::En) => " pp",
        (Unit::Count, _) => "",
        (Unit::Days, Lang::Da) => " dage",
        (Unit::Days, Lang::En) => " days",
    }
}

/// A number with `decimals` decimals, the language's decimal mark and, with `grouping`, its
/// thousands separator: `12.345,6` (Danish), `12,345.6` (English). Never `-0`.
pub fn number(value: f64, decimals: usize, lang: Lang, grouping: bool) -> String {
    if !value.is_finite() {
        return MISSING.to_string();
    }
    let s = format!("{:.*}", decimals, value.abs());
    let negative = value < 0.0 && s.bytes().any(|b| matches!(b, b'1'..=b'9'));
    let (point, sep) = match lang {
        Lang::Da => (',', '.'),
        Lang::En => ('.', ','),
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut out = String::with_capacity(int.len() + 8);
    if negative {
        out.push('-');
    }
    let digits = int.len();
    for (i, c) in int.chars().enumerate() {
        if grouping && i > 0 && (digits - i) % 3 == 0 {
            out.push(sep);
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push(point);
        out.push_str(&f);
    }
    out
}

/// A value rounded to `decimals` decimals exactly as [`number`] prints it, so that the
/// spreadsheet holds the published number and not more digits than the other formats show.
pub fn rounded(value: f64, decimals: usize) -> f64 {
    let r: f64 = format!("{:.*}", decimals, value).parse().unwrap_or(value);
    if r == 0.0 { 0.0 } else { r }
}

/// A value of a unit as running text: `62,4 %`.
pub fn quantity(value: f64, unit: Unit, lang: Lang) -> String {
    format!("{}{}", number(value, unit_decimals(unit), lang, true), unit_suffix(unit, lang))
}

const MONTHS_DA: [&str; 12] =
    ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober", "november", "december"];
const MONTHS_EN: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

fn month_name(month: u32, lang: Lang) -> &'static str {
    let i = (month.clamp(1, 12) - 1) as usize;
    match lang {
        Lang::Da => MONTHS_DA[i],
        Lang::En => MONTHS_EN[i],
    }
}

/// The first three letters of a month's name: `mar`, `Mar`.
pub fn month_short(month: u32, lang: Lang) -> String {
    month_name(month, lang).chars().take(3).collect()
}

/// `24. november 2026` or `24 November 2026`.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Da => format!("{}. {} {}", d.day(), month_name(d.month(), lang), d.year()),
        Lang::En => format!("{} {} {}", d.day(), month_name(d.month(), lang), d.year()),
    }
}

/// `24. november 2026 kl. 09.00 UTC` or `24 November 2026, 09:00 UTC`.
pub fn date_time(t: DateTime<Utc>, lang: Lang) -> String {
    let day = date(t.date_naive(), lang);
    match lang {
        Lang::Da => format!("{day} kl. {:02}.{:02} UTC", t.hour(), t.minute()),
        Lang::En => format!("{day}, {:02}:{:02} UTC", t.hour(), t.minute()),
    }
}

/// `3. kvartal 2026`, `Q3 2026`, `marts 2026`, `2026`.
pub fn period(p: Period, lang: Lang) -> String {
    match (p, lang) {
        (Period::Year(y), _) => y.to_string(),
        (Period::Quarter { year, quarter }, Lang::Da) => format!("{quarter}. kvartal {year}"),
        (Period::Quarter { year, quarter }, Lang::En) => format!("Q{quarter} {year}"),
        (Period::Month { year, month }, Lang::Da) => format!("{} {year}", month_name(month, lang)),
        (Period::Month { year, month }, Lang::En) => format!("{} {year}", month_name(month, lang)),
    }
}

/// A trend point's label for a chart axis: `2026-03` becomes `mar`; anything else stays.
pub fn trend_tick(label: &str, lang: Lang) -> String {
    match label.split_once('-').and_then(|(y, m)| Some((y.parse::<i32>().ok()?, m.parse::<u32>().ok()?))) {
        Some((_, m)) if (1..=12).contains(&m) && label.len() == 7 => month_short(m, lang),
        _ => label.to_string(),
    }
}

/// `ja`/`nej`, `yes`/`no`.
pub fn yes_no(b: bool, lang: Lang) -> &'static str {
    let t = texts(lang);
    if b { t.yes } else { t.no }
}

/// The language's own name, for the provenance table.
pub fn language_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Da => "dansk",
        Lang::En => "English",
    }
}

/// The language's tag: `da`, `en`.
pub fn language_tag(lang: Lang) -> &'static str {
    match lang {
        Lang::Da => "da",
        Lang::En => "en",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(number(12345.67, 1, Lang::Da, true), "12.345,7");
        assert_eq!(number(12345.67, 1, Lang::En, true), "12,345.7");
        assert_eq!(number(12345.67, 1, Lang::Da, false), "12345,7");
        assert_eq!(number(1234567.0, 0, Lang::Da, true), "1.234.567");
        assert_eq!(number(999.0, 0, Lang::En, true), "999");
        assert_eq!(number(-0.01, 1, Lang::Da, true), "0,0");
        assert_eq!(number(-2.5, 1, Lang::Da, true), "-2,5");
        assert_eq!(number(-1234.0, 0, Lang::En, true), "-1,234");
        assert_eq!(number(f64::NAN, 1, Lang::En, true), MISSING);
        assert_eq!(rounded(31.8, 0), 32.0);
        assert_eq!(rounded(200.0 / 3.0, 1), 66.7);
        assert!(rounded(-0.04, 1).is_sign_positive());
        assert_eq!(quantity(62.44, Unit::Percent, Lang::Da), "62,4 %");
        assert_eq!(quantity(41.0, Unit::Days, Lang::En), "41 days");
    }

    #[test]
    fn dates_and_periods_follow_the_language() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(date(d, Lang::Da), "24. november 2026");
        assert_eq!(date(d, Lang::En), "24 November 2026");
        let t = DateTime::parse_from_rfc3339("2026-11-24T09:05:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(date_time(t, Lang::Da), "24. november 2026 kl. 09.05 UTC");
        assert_eq!(period(Period::Quarter { year: 2026, quarter: 3 }, Lang::Da), "3. kvartal 2026");
        assert_eq!(period(Period::Month { year: 2026, month: 3 }, Lang::En), "March 2026");
        assert_eq!(trend_tick("2026-05", Lang::Da), "maj");
        assert_eq!(trend_tick("2026-Q3", Lang::Da), "2026-Q3");
    }

    #[test]
    fn column_headers() {
        assert_eq!(column_header(ResultColumn::Employed(6), Lang::Da), "I job efter 6 mdr.");
        assert_eq!(column_header(ResultColumn::Employed(6), Lang::En), "Employed after 6 months");
        assert_eq!(column_header(ResultColumn::SelfSupporting(1), Lang::Da), "Selvforsørgende efter 1 md.");
    }
}
