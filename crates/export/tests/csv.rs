//! The CSV files, Danish and English, as snapshots; and the rules of their dialect.

mod support;

use indsats_core::validate::Lang;
use indsats_report::summary::Cell;

/// The file without its byte-order mark, with LF line ends (the snapshots are easier to read).
fn readable(contents: &str) -> String {
    contents.trim_start_matches('\u{feff}').replace("\r\n", "\n")
}

#[test]
fn csv_files_in_danish_and_english() {
    for (lang, tag) in [(Lang::Da, "da"), (Lang::En, "en")] {
        let files = indsats_export::csv(&support::fixture(lang));
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        let expected: &[&str] = match lang {
            Lang::Da => &["maal.csv", "tendens.csv", "indsatser_type.csv", "indsatser.csv", "om.csv"],
            Lang::En => &["goals.csv", "trend.csv", "initiatives_by_type.csv", "initiatives.csv", "about.csv"],
        };
        assert_eq!(names, expected);
        for (name, contents) in &files {
            assert!(contents.starts_with('\u{feff}'), "{name} has no byte-order mark");
            assert!(contents.ends_with("\r\n"), "{name} does not end with CRLF");
            assert!(!contents.replace("\r\n", "").contains('\n'), "{name} has a bare LF outside quotes");
            insta::assert_snapshot!(format!("{tag}_{name}"), readable(contents));
        }
    }
}

#[test]
fn csv_is_deterministic() {
    let s = support::national(Lang::Da, 300);
    assert_eq!(indsats_export::csv(&s), indsats_export::csv(&s.clone()));
}

/// Splits one line of a CSV file into fields (RFC 4180; enough for these files' lines).
fn fields(line: &str, sep: char) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                out.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(String::new()),
            c => out.last_mut().unwrap().push(c),
        }
    }
    out
}

/// Every cell of the per-initiative table is what the summary says: a hidden cell is `×` and
/// never a number, an empty cell is empty, a number is that number in the language's form.
#[test]
fn hidden_cells_never_show_a_number() {
    for (lang, sep, file) in [(Lang::Da, ';', "indsatser.csv"), (Lang::En, ',', "initiatives.csv")] {
        let s = support::national(lang, 200);
        let files = indsats_export::csv(&s);
        let (_, contents) = files.iter().find(|(n, _)| n == file).unwrap();
        let lines: Vec<&str> = contents.trim_start_matches('\u{feff}').split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines.len(), 1 + s.by_initiative.rows.len() + 1);
        let mut hidden = 0;
        for (row, line) in s.by_initiative.rows.iter().zip(&lines[1..]) {
            let f = fields(line, sep);
            assert_eq!(f.len(), 2 + row.cells.len(), "{line}");
            for (cell, field) in row.cells.iter().zip(&f[2..]) {
                match cell {
                    Cell::Suppressed => {
                        hidden += 1;
                        assert_eq!(field, "×");
                    }
                    Cell::Missing => assert_eq!(field, ""),
                    Cell::Value(v) => {
                        let parsed: f64 = field.replace(',', ".").parse().unwrap();
                        assert!((parsed - v).abs() <= 0.05 + 1e-9, "{field} for {v}");
                    }
                }
            }
        }
        assert!(hidden > 100, "the benchmark data hides cells");
    }
}
