//! The default strategy that ships with Indsats (`assets/strategy/ballerup-2029.toml`) and the
//! minimal example in `docs/strategy-file.md` both parse, and the default keeps its shape: the
//! four real focus areas of Ballerup Kommune, in order, with illustrative targets for 2026–2029.

use std::collections::HashSet;

use indsats_core::model::Measure;
use indsats_core::strategy_file::{self, StrategySpec};

const DEFAULT: &str = include_str!("../../../assets/strategy/ballerup-2029.toml");
const DOC: &str = include_str!("../../../docs/strategy-file.md");

fn default_strategy() -> StrategySpec {
    strategy_file::parse(DEFAULT).unwrap_or_else(|e| panic!("the default strategy does not parse: {}", e.message(indsats_core::Lang::En)))
}

#[test]
fn the_default_strategy_is_ballerups() {
    let s = default_strategy();
    assert_eq!(s.key, "ballerup-2029");
    assert_eq!(s.municipality, "Ballerup Kommune");
    assert_eq!((s.period_start, s.period_end), (2021, 2029));
    assert!(!s.title.is_empty());
    assert!(s.vision.contains("I Ballerup skaber vi fremtiden sammen"));
}

#[test]
fn the_four_focus_areas_in_order() {
    let s = default_strategy();
    let goals: Vec<(&str, &str)> = s.goals.iter().map(|g| (g.key.as_str(), g.title.as_str())).collect();
    assert_eq!(
        goals,
        vec![
            ("selvforsoergelse", "Selvforsørgelse gennem job og uddannelse"),
            ("uddannelse", "Uddannelse og kompetencer"),
            ("inklusion", "Inklusion i boligsociale fællesskaber og foreninger"),
            ("demokrati-dansk", "Deltagelse i demokratiet og styrkede danskkundskaber"),
        ]
    );
    for g in &s.goals {
        assert!(!g.title_en.is_empty(), "goal {} has no English title", g.key);
        assert!(!g.description.is_empty(), "goal {} has no description", g.key);
        assert!(!g.indicators.is_empty(), "goal {} has no indicator", g.key);
    }
}

#[test]
fn every_indicator_has_illustrative_targets_for_2026_to_2029() {
    let s = default_strategy();
    for i in s.goals.iter().flat_map(|g| &g.indicators) {
        let years: Vec<i32> = i.targets.iter().map(|t| t.year).collect();
        assert_eq!(years, vec![2026, 2027, 2028, 2029], "indicator {}", i.key);
        assert!(i.targets.iter().all(|t| t.illustrative), "indicator {}: every target must be marked illustrative", i.key);
        assert!(i.targets.iter().all(|t| t.value.is_finite() && t.value >= 0.0), "indicator {}", i.key);
        for field in [&i.name, &i.name_en, &i.definition, &i.source] {
            assert!(!field.is_empty(), "indicator {} has an empty text field", i.key);
        }
        assert!(i.baseline_year.is_none() || i.baseline.is_some(), "indicator {}: a baseline year without a baseline", i.key);
    }
}

#[test]
fn indicator_keys_are_unique_and_measures_mixed() {
    let s = default_strategy();
    let indicators: Vec<_> = s.goals.iter().flat_map(|g| &g.indicators).collect();
    let keys: HashSet<&str> = indicators.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys.len(), indicators.len(), "indicator keys must be unique");
    assert!(indicators.iter().any(|i| i.measure == Measure::Manual), "at least one indicator is entered manually");
    assert!(indicators.iter().any(|i| i.measure != Measure::Manual), "at least one indicator is computed from events");
}

/// The first ```toml fenced block of the document.
fn first_toml_block(doc: &str) -> &str {
    let start = doc.find("```toml\n").expect("docs/strategy-file.md has a ```toml block") + "```toml\n".len();
    let len = doc[start..].find("\n```").expect("the ```toml block is closed");
    &doc[start..start + len + 1]
}

#[test]
fn the_minimal_example_in_the_docs_parses() {
    let example = first_toml_block(DOC);
    let s = strategy_file::parse(example)
        .unwrap_or_else(|e| panic!("the minimal example does not parse: {}", e.message(indsats_core::Lang::En)));
    assert!(!s.goals.is_empty());
}

/// The example messages in the docs are the parser's own, word for word: each edit of the minimal
/// example gives a message that the document quotes.
#[test]
fn the_error_examples_in_the_docs_are_what_the_parser_says() {
    let example = first_toml_block(DOC);
    let edits = [
        ("title_en = \"Self-support\"\n", ""),
        ("direction = \"up\"", "dirction = \"up\""),
        ("measure = \"ordinary_employment\"", "measure = \"jobs\""),
        ("unit = \"percent\"", "unit = \"%\""),
        ("baseline = 32.0", "baseline = \"32\""),
        ("baseline = 32.0", "baseline = 32,5"),
        ("title = \"Job\"", "title = \"Job"),
        ("targets = [\n", "targets = [\n  { year = 2026, value = 40.0, illustrative = true },\n"),
        ("format = 1", "format = 2"),
        ("[2021, 2029]", "[2029, 2021]"),
    ];
    for (from, to) in edits {
        assert!(example.contains(from), "the example has no {from:?}");
        let e = strategy_file::parse(&example.replacen(from, to, 1)).expect_err(&format!("{from:?} → {to:?} must be refused"));
        let msg = e.message(indsats_core::Lang::Da);
        assert!(DOC.contains(&msg), "docs/strategy-file.md does not quote the message for {from:?} → {to:?}:\n{msg}");
    }
}
