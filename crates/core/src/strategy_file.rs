//! The strategy file: how a municipality describes its strategy, goals and indicators (TOML).
//! The format is documented in `docs/strategy-file.md`; `assets/strategy/ballerup-2029.toml` is
//! the default. Parsing is pure: the caller reads the file.
//!
//! Unknown or misspelt fields are refused, not ignored, and every error names the line and the
//! field so that a municipality's IT can fix its file without guessing.

use std::collections::HashSet;
use std::fmt;

use serde::Deserialize;
use toml::Spanned;

use crate::model::{Code, Direction, Measure, Unit};
use crate::validate::Lang;

/// The version of the format this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// A strategy as the file describes it, checked. Ids are given when it is loaded into a store.
#[derive(Debug, Clone, PartialEq)]
pub struct StrategySpec {
    pub key: String,
    pub municipality: String,
    pub title: String,
    pub vision: String,
    pub period_start: i32,
    pub period_end: i32,
    pub goals: Vec<GoalSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalSpec {
    pub key: String,
    pub title: String,
    pub title_en: String,
    pub description: String,
    pub indicators: Vec<IndicatorSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorSpec {
    pub key: String,
    pub name: String,
    pub name_en: String,
    pub definition: String,
    pub unit: Unit,
    pub direction: Direction,
    pub measure: Measure,
    pub baseline: Option<f64>,
    pub baseline_year: Option<i32>,
    pub source: String,
    pub targets: Vec<TargetSpec>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetSpec {
    pub year: i32,
    pub value: f64,
    pub illustrative: bool,
}

/// Which TOML file an error is about (the strategy file and the deadlines file share the
/// checking and its messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TomlFile {
    #[default]
    Strategy,
    Deadlines,
}

/// What is wrong with a strategy file (or a deadlines file: [`TomlFile`]), and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct StrategyFileError {
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// The field concerned, where known.
    pub field: Option<String>,
    kind: ErrorKind,
    file: TomlFile,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ErrorKind {
    MissingField,
    UnknownField {
        expected: String,
    },
    Syntax(String),
    BadValue(String),
    BadCode(crate::ValidationError),
    Duplicate(String),
    FormatVersion(i64),
    Period,
    NoGoals,
    Empty,
    TargetOutsidePeriod {
        year: i32,
        start: i32,
        end: i32,
    },
    BaselineYearWithoutBaseline,
    /// A rule of a deadlines file that does not hold, in both languages.
    Rule {
        da: String,
        en: String,
    },
}

impl fmt::Display for StrategyFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl StrategyFileError {
    pub(crate) fn at(src: &str, offset: usize, field: Option<&str>, kind: ErrorKind) -> Self {
        Self { line: Some(line_of(src, offset)), field: field.map(str::to_string), kind, file: TomlFile::Strategy }
    }

    pub(crate) fn in_file(self, file: TomlFile) -> Self {
        Self { file, ..self }
    }

    /// The message for a person: where, what, and what to do.
    pub fn message(&self, lang: Lang) -> String {
        let name = match (self.file, lang) {
            (TomlFile::Strategy, Lang::Da) => "Strategifilen",
            (TomlFile::Strategy, Lang::En) => "Strategy file",
            (TomlFile::Deadlines, Lang::Da) => "Fristfilen",
            (TomlFile::Deadlines, Lang::En) => "Deadlines file",
        };
        let place = match (self.line, lang) {
            (Some(l), Lang::Da) => format!("{name}, linje {l}"),
            (Some(l), Lang::En) => format!("{name}, line {l}"),
            (None, _) => name.to_string(),
        };
        let field = self.field.as_deref().unwrap_or("?");
        let what = match (&self.kind, lang) {
            (ErrorKind::MissingField, Lang::Da) => format!("feltet «{field}» mangler. Tilføj det."),
            (ErrorKind::MissingField, Lang::En) => {
                format!("the field “{field}” is missing. Add it.")
            }
            (ErrorKind::UnknownField { expected }, Lang::Da) => {
                format!("ukendt felt «{field}». Ret stavningen; tilladte felter er: {expected}.")
            }
            (ErrorKind::UnknownField { expected }, Lang::En) => {
                format!("unknown field “{field}”. Fix the spelling; allowed fields are: {expected}.")
            }
            (ErrorKind::Syntax(m), Lang::Da) => {
                format!("filen er ikke gyldig TOML ({m}). Ret linjen.")
            }
            (ErrorKind::Syntax(m), Lang::En) => {
                format!("the file is not valid TOML ({m}). Fix the line.")
            }
            (ErrorKind::BadValue(m), Lang::Da) => {
                format!("feltet «{field}» har en ugyldig værdi: {m}")
            }
            (ErrorKind::BadValue(m), Lang::En) => {
                format!("the field “{field}” has an invalid value: {m}")
            }
            (ErrorKind::BadCode(e), Lang::Da) => format!("feltet «{field}» har en ugyldig værdi: {}", e.message(lang)),
            (ErrorKind::BadCode(e), Lang::En) => format!("the field “{field}” has an invalid value: {}", e.message(lang)),
            (ErrorKind::Duplicate(k), Lang::Da) => {
                format!("nøglen «{k}» i «{field}» er brugt før. Giv den en unik nøgle.")
            }
            (ErrorKind::Duplicate(k), Lang::En) => {
                format!("the key “{k}” in “{field}” is used twice. Give it a unique key.")
            }
            (ErrorKind::FormatVersion(v), Lang::Da) => format!(
                "formatversion {v} kendes ikke; denne version af Indsats læser version {FORMAT_VERSION}. Opdatér Indsats eller ret «format»."
            ),
            (ErrorKind::FormatVersion(v), Lang::En) => format!(
                "format version {v} is unknown; this version of Indsats reads version {FORMAT_VERSION}. Update Indsats or fix “format”."
            ),
            (ErrorKind::Period, Lang::Da) => "perioden skal være [startår, slutår] med startår ≤ slutår.".to_string(),
            (ErrorKind::Period, Lang::En) => "the period must be [first year, last year] with first ≤ last.".to_string(),
            (ErrorKind::Empty, Lang::Da) => format!("feltet «{field}» er tomt. Udfyld det."),
            (ErrorKind::Empty, Lang::En) => format!("the field “{field}” is empty. Fill it in."),
            (ErrorKind::TargetOutsidePeriod { year, start, end }, Lang::Da) => {
                format!("målet for {year} ligger uden for strategiens periode {start}–{end}. Ret året eller perioden.")
            }
            (ErrorKind::TargetOutsidePeriod { year, start, end }, Lang::En) => {
                format!("the target for {year} lies outside the strategy's period {start}–{end}. Correct the year or the period.")
            }
            (ErrorKind::BaselineYearWithoutBaseline, Lang::Da) => {
                "«baseline_year» er angivet uden «baseline». Tilføj basisværdien eller fjern året.".to_string()
            }
            (ErrorKind::BaselineYearWithoutBaseline, Lang::En) => {
                "“baseline_year” is given without “baseline”. Add the baseline or remove the year.".to_string()
            }
            (ErrorKind::NoGoals, Lang::Da) => "strategien har ingen mål. Tilføj mindst ét [[goal]].".to_string(),
            (ErrorKind::NoGoals, Lang::En) => "the strategy has no goals. Add at least one [[goal]].".to_string(),
            (ErrorKind::Rule { da, .. }, Lang::Da) => da.clone(),
            (ErrorKind::Rule { en, .. }, Lang::En) => en.clone(),
        };
        format!("{place}: {what}")
    }
}

fn line_of(src: &str, offset: usize) -> usize {
    src.as_bytes()[..offset.min(src.len())].iter().filter(|b| **b == b'\n').count() + 1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    format: Spanned<i64>,
    strategy: Spanned<StrategyRaw>,
    #[serde(default)]
    goal: Vec<Spanned<GoalRaw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StrategyRaw {
    key: String,
    municipality: String,
    title: String,
    #[serde(default)]
    vision: String,
    period: Spanned<Vec<i32>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GoalRaw {
    key: Spanned<String>,
    title: String,
    title_en: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    indicator: Vec<Spanned<IndicatorRaw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorRaw {
    key: Spanned<String>,
    name: String,
    name_en: String,
    definition: String,
    unit: Spanned<String>,
    direction: Spanned<String>,
    measure: Spanned<String>,
    baseline: Option<f64>,
    baseline_year: Option<i32>,
    #[serde(default)]
    source: String,
    #[serde(default)]
    targets: Vec<Spanned<TargetRaw>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TargetRaw {
    year: i32,
    value: f64,
    #[serde(default)]
    illustrative: bool,
}

/// Turns toml's own error into ours, keeping the line and naming the field.
pub(crate) fn from_toml(src: &str, e: toml::de::Error) -> StrategyFileError {
    let msg = e.message().to_string();
    let line = e.span().map(|s| line_of(src, s.start));
    let between = |m: &str, open: char, close: char| -> Option<String> {
        let a = m.find(open)? + open.len_utf8();
        let b = m[a..].find(close)? + a;
        Some(m[a..b].to_string())
    };
    let kind_field = if let Some(rest) = msg.strip_prefix("missing field ") {
        (ErrorKind::MissingField, between(rest, '`', '`'))
    } else if let Some(rest) = msg.strip_prefix("unknown field ") {
        let expected = rest.split_once("expected ").map(|(_, x)| x.replace("one of ", "").replace('`', "")).unwrap_or_default();
        (ErrorKind::UnknownField { expected }, between(rest, '`', '`'))
    } else if e.span().is_some() && (msg.contains("invalid type") || msg.contains("invalid value")) {
        (ErrorKind::BadValue(msg.trim().to_string()), e.span().and_then(|s| key_at(src, s.start)))
    } else {
        (ErrorKind::Syntax(msg.trim().to_string()), e.span().and_then(|s| key_at(src, s.start)))
    };
    StrategyFileError { line, field: kind_field.1, kind: kind_field.0, file: TomlFile::Strategy }
}

/// The key whose value starts at (or contains) `offset`: the name just before the nearest `=`
/// on the same line, so that `{ year = "2026" }` names `year`.
fn key_at(src: &str, offset: usize) -> Option<String> {
    let offset = offset.min(src.len());
    let line_start = src[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = src[offset..].find('\n').map_or(src.len(), |i| offset + i);
    let before = &src[line_start..offset];
    let eq = before.rfind('=').or_else(|| src[line_start..line_end].find('=').map(|i| i.min(before.len())))?;
    let name: String = src[line_start..line_start + eq]
        .trim_end()
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-' || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    (!name.is_empty()).then_some(name)
}

fn code<T: Code>(src: &str, s: &Spanned<String>, field: &str) -> Result<T, StrategyFileError> {
    T::parse(s.get_ref()).map_err(|e| StrategyFileError::at(src, s.span().start, Some(field), ErrorKind::BadCode(e)))
}

/// Parses and checks a strategy file.
pub fn parse(src: &str) -> Result<StrategySpec, StrategyFileError> {
    let raw: FileRaw = toml::from_str(src).map_err(|e| from_toml(src, e))?;
    if *raw.format.get_ref() != i64::from(FORMAT_VERSION) {
        return Err(StrategyFileError::at(src, raw.format.span().start, Some("format"), ErrorKind::FormatVersion(*raw.format.get_ref())));
    }
    let s_span = raw.strategy.span().start;
    let s = raw.strategy.into_inner();
    let period = s.period.get_ref();
    if period.len() != 2 || period[0] > period[1] {
        return Err(StrategyFileError::at(src, s.period.span().start, Some("period"), ErrorKind::Period));
    }
    if raw.goal.is_empty() {
        return Err(StrategyFileError::at(src, s_span, Some("goal"), ErrorKind::NoGoals));
    }
    let not_empty = |offset: usize, field: &str, value: &str| -> Result<(), StrategyFileError> {
        if value.trim().is_empty() { Err(StrategyFileError::at(src, offset, Some(field), ErrorKind::Empty)) } else { Ok(()) }
    };
    not_empty(s_span, "key", &s.key)?;
    not_empty(s_span, "municipality", &s.municipality)?;
    not_empty(s_span, "title", &s.title)?;
    let (period_start, period_end) = (period[0], period[1]);
    let mut goal_keys = HashSet::new();
    let mut indicator_keys = HashSet::new();
    let mut goals = Vec::new();
    for g in raw.goal {
        let g_span = g.span().start;
        let g = g.into_inner();
        not_empty(g.key.span().start, "goal.key", g.key.get_ref())?;
        not_empty(g_span, "title", &g.title)?;
        not_empty(g_span, "title_en", &g.title_en)?;
        if !goal_keys.insert(g.key.get_ref().clone()) {
            return Err(StrategyFileError::at(src, g.key.span().start, Some("goal.key"), ErrorKind::Duplicate(g.key.into_inner())));
        }
        let mut indicators = Vec::new();
        for i in g.indicator {
            let i_span = i.span().start;
            let i = i.into_inner();
            not_empty(i.key.span().start, "indicator.key", i.key.get_ref())?;
            not_empty(i_span, "name", &i.name)?;
            not_empty(i_span, "name_en", &i.name_en)?;
            not_empty(i_span, "definition", &i.definition)?;
            if i.baseline_year.is_some() && i.baseline.is_none() {
                return Err(StrategyFileError::at(src, i_span, Some("baseline_year"), ErrorKind::BaselineYearWithoutBaseline));
            }
            if !indicator_keys.insert(i.key.get_ref().clone()) {
                return Err(StrategyFileError::at(
                    src,
                    i.key.span().start,
                    Some("indicator.key"),
                    ErrorKind::Duplicate(i.key.into_inner()),
                ));
            }
            let mut years = HashSet::new();
            let mut targets = Vec::new();
            for t in &i.targets {
                let tr = t.get_ref();
                if !years.insert(tr.year) {
                    return Err(StrategyFileError::at(
                        src,
                        t.span().start,
                        Some("targets.year"),
                        ErrorKind::Duplicate(tr.year.to_string()),
                    ));
                }
                if tr.year < period_start || tr.year > period_end {
                    return Err(StrategyFileError::at(
                        src,
                        t.span().start,
                        Some("targets.year"),
                        ErrorKind::TargetOutsidePeriod { year: tr.year, start: period_start, end: period_end },
                    ));
                }
                if !tr.value.is_finite() {
                    return Err(StrategyFileError::at(
                        src,
                        t.span().start,
                        Some("targets.value"),
                        ErrorKind::BadValue("not a number".into()),
                    ));
                }
                targets.push(TargetSpec { year: tr.year, value: tr.value, illustrative: tr.illustrative });
            }
            targets.sort_by_key(|t| t.year);
            indicators.push(IndicatorSpec {
                unit: code(src, &i.unit, "unit")?,
                direction: code(src, &i.direction, "direction")?,
                measure: code(src, &i.measure, "measure")?,
                key: i.key.into_inner(),
                name: i.name,
                name_en: i.name_en,
                definition: i.definition,
                baseline: i.baseline,
                baseline_year: i.baseline_year,
                source: i.source,
                targets,
            });
        }
        goals.push(GoalSpec { key: g.key.into_inner(), title: g.title, title_en: g.title_en, description: g.description, indicators });
    }
    Ok(StrategySpec { key: s.key, municipality: s.municipality, title: s.title, vision: s.vision, period_start, period_end, goals })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"format = 1

[strategy]
key = "test"
municipality = "Testkommune"
title = "Strategi"
period = [2021, 2029]

[[goal]]
key = "job"
title = "Job"
title_en = "Jobs"

[[goal.indicator]]
key = "mm13"
name = "Andel i job"
name_en = "Share employed"
definition = "…"
unit = "percent"
direction = "up"
measure = "ordinary_employment"
baseline = 32.0
targets = [ { year = 2027, value = 36.0, illustrative = true }, { year = 2026, value = 34.0 } ]
"#;

    #[test]
    fn a_good_file_parses() {
        let s = parse(GOOD).unwrap();
        assert_eq!(s.goals.len(), 1);
        let i = &s.goals[0].indicators[0];
        assert_eq!(i.measure, Measure::OrdinaryEmployment);
        assert_eq!(i.targets.iter().map(|t| t.year).collect::<Vec<_>>(), vec![2026, 2027]);
        assert!(i.targets[1].illustrative && !i.targets[0].illustrative);
    }

    #[test]
    fn a_missing_field_names_the_field_and_line() {
        let src = GOOD.replace("title_en = \"Jobs\"\n", "");
        let e = parse(&src).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("title_en"));
        assert_eq!(e.line, Some(9), "{}", e.message(Lang::En));
        assert_eq!(e.message(Lang::Da), "Strategifilen, linje 9: feltet «title_en» mangler. Tilføj det.");
    }

    #[test]
    fn a_misspelt_field_is_refused_with_the_allowed_ones() {
        let src = GOOD.replace("direction = \"up\"", "dirction = \"up\"");
        let e = parse(&src).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("dirction"));
        assert_eq!(e.line, Some(20));
        assert!(e.message(Lang::En).contains("direction"), "{}", e.message(Lang::En));
    }

    #[test]
    fn a_bad_code_names_its_line() {
        let src = GOOD.replace("measure = \"ordinary_employment\"", "measure = \"jobs\"");
        let e = parse(&src).unwrap_err();
        assert_eq!((e.field.as_deref(), e.line), (Some("measure"), Some(21)));
        assert!(e.message(Lang::Da).contains("ordinary_employment"));
        // Wholly in the user's language.
        assert!(e.message(Lang::Da).contains("Ukendt measure «jobs». Vælg en af"), "{}", e.message(Lang::Da));
    }

    #[test]
    fn duplicates_versions_periods_and_syntax() {
        let dup = GOOD.replace("{ year = 2026, value = 34.0 }", "{ year = 2027, value = 34.0 }");
        assert_eq!(parse(&dup).unwrap_err().field.as_deref(), Some("targets.year"));
        let v2 = GOOD.replace("format = 1", "format = 2");
        assert_eq!(parse(&v2).unwrap_err().line, Some(1));
        let per = GOOD.replace("[2021, 2029]", "[2029, 2021]");
        assert_eq!(parse(&per).unwrap_err().field.as_deref(), Some("period"));
        let syn = GOOD.replace("title = \"Job\"", "title = \"Job");
        let e = parse(&syn).unwrap_err();
        assert_eq!(e.line, Some(11), "{}", e.message(Lang::En));
        let outside = GOOD.replace("{ year = 2026, value = 34.0 }", "{ year = 2030, value = 34.0 }");
        let e = parse(&outside).unwrap_err();
        assert!(e.message(Lang::Da).contains("uden for strategiens periode 2021–2029"), "{}", e.message(Lang::Da));
        let empty = GOOD.replace("title = \"Job\"", "title = \"  \"");
        assert_eq!(parse(&empty).unwrap_err().message(Lang::En), "Strategy file, line 9: the field “title” is empty. Fill it in.");
        let by = GOOD.replace("baseline = 32.0", "baseline_year = 2020");
        assert_eq!(parse(&by).unwrap_err().field.as_deref(), Some("baseline_year"));
        let wrong_type = GOOD.replace("baseline = 32.0", "baseline = \"32\"");
        let e = parse(&wrong_type).unwrap_err();
        assert_eq!(e.line, Some(22), "{}", e.message(Lang::En));
        assert_eq!(e.field.as_deref(), Some("baseline"));
        // Inside an inline table the field is the key before the value, not the whole prefix.
        let inline = GOOD.replace("{ year = 2026, value = 34.0 }", "{ year = \"2026\", value = 34.0 }");
        let e = parse(&inline).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("year"), "{}", e.message(Lang::En));
    }
}
