//! One CSV file per table of the summary (RFC 4180).
//!
//! The dialect is the one the language's Excel opens with a double click: Danish files use `;`
//! between fields and a decimal comma, English files `,` and a decimal point. Both are UTF-8 with
//! a byte-order mark (without it Excel reads UTF-8 as Windows-1252) and end lines with CRLF.
//! Numbers have no thousands separator. A hidden number is `×`; nothing to show is an empty field.
//! Text that Excel would take for a formula (`=`, `+`, `-`, `@` first) gets a leading `'`.

use indsats_core::model::Code;
use indsats_core::validate::Lang;
use indsats_report::summary::{Cell, ResultTable, Summary};

use crate::text::{self, SUPPRESSED, texts};

const BOM: char = '\u{feff}';

/// A CSV file being written.
pub(crate) struct Csv {
    pub(crate) out: String,
    sep: char,
    lang: Lang,
    /// Whether the current row has a field yet.
    in_row: bool,
}

impl Csv {
    pub(crate) fn new(lang: Lang) -> Csv {
        let sep = match lang {
            Lang::Da => ';',
            Lang::En => ',',
        };
        let mut out = String::with_capacity(4096);
        out.push(BOM);
        Csv { out, sep, lang, in_row: false }
    }

    /// A field as it is, quoted when it must be.
    pub(crate) fn raw(&mut self, s: &str) -> &mut Self {
        if self.in_row {
            self.out.push(self.sep);
        }
        self.in_row = true;
        if s.contains([self.sep, '"', '\r', '\n']) {
            self.out.push('"');
            for c in s.chars() {
                if c == '"' {
                    self.out.push('"');
                }
                self.out.push(c);
            }
            self.out.push('"');
        } else {
            self.out.push_str(s);
        }
        self
    }

    /// A text field: text that a spreadsheet would run as a formula is defused.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { self.raw(&format!("'{s}")) } else { self.raw(s) }
    }

    fn number(&mut self, v: f64, decimals: usize) -> &mut Self {
        let s = text::number(v, decimals, self.lang, false);
        self.raw(&s)
    }

    fn cell(&mut self, c: Cell, decimals: usize) -> &mut Self {
        match c {
            Cell::Value(v) => self.number(v, decimals),
            Cell::Suppressed => self.raw(SUPPRESSED),
            Cell::Missing => self.raw(""),
        }
    }

    pub(crate) fn end_row(&mut self) {
        self.out.push_str("\r\n");
        self.in_row = false;
    }

    pub(crate) fn row(&mut self, fields: &[&str]) {
        for f in fields {
            self.text(f);
        }
        self.end_row();
    }
}

pub(crate) fn files(s: &Summary) -> Vec<(String, String)> {
    let t = texts(s.lang);
    vec![
        (t.file_goals.to_string(), goals(s)),
        (t.file_trend.to_string(), trend(s)),
        (t.file_by_type.to_string(), results(s, &s.by_type, false)),
        (t.file_by_initiative.to_string(), results(s, &s.by_initiative, true)),
        (t.file_about.to_string(), about(s)),
    ]
}

/// The goals table's columns, in the CSV file and the workbook alike.
pub(crate) fn goal_columns(lang: Lang) -> [&'static str; 13] {
    let t = texts(lang);
    [
        t.goal_key,
        t.goal,
        t.goal_status,
        t.indicator_key,
        t.indicator,
        t.unit,
        t.value,
        t.previous,
        t.persons,
        t.target,
        t.illustrative,
        t.status,
        t.manual,
    ]
}

fn goals(s: &Summary) -> String {
    let lang = s.lang;
    let mut c = Csv::new(lang);
    c.row(&goal_columns(lang));
    for g in &s.goals {
        if g.indicators.is_empty() {
            c.text(&g.key).text(&g.title).text(g.status.label(lang));
            for _ in 0..10 {
                c.raw("");
            }
            c.end_row();
        }
        for i in &g.indicators {
            let d = text::unit_decimals(i.unit);
            c.text(&g.key).text(&g.title).text(g.status.label(lang));
            c.text(&i.key).text(&i.name).text(i.unit.label(lang));
            c.cell(i.value, d).cell(i.previous, d).cell(i.persons, 0);
            match i.target {
                Some(v) => c.number(v, d),
                None => c.raw(""),
            };
            c.text(text::yes_no(i.illustrative, lang)).text(i.status.label(lang)).text(text::yes_no(i.manual, lang));
            c.end_row();
        }
    }
    c.out
}

fn trend(s: &Summary) -> String {
    let (lang, t) = (s.lang, texts(s.lang));
    let mut c = Csv::new(lang);
    c.row(&[t.indicator_key, t.trend_label, t.value]);
    for i in s.goals.iter().flat_map(|g| &g.indicators) {
        let d = text::unit_decimals(i.unit);
        for p in &i.trend {
            c.text(&i.key).text(&p.label).cell(p.value, d);
            c.end_row();
        }
    }
    c.out
}

fn results(s: &Summary, table: &ResultTable, per_initiative: bool) -> String {
    let (lang, t) = (s.lang, texts(s.lang));
    let mut c = Csv::new(lang);
    if per_initiative {
        c.text(t.initiative).text(t.initiative_type);
    } else {
        c.text(t.initiative_type);
    }
    for col in &table.columns {
        c.text(&text::column_header(*col, lang));
    }
    c.end_row();
    let decimals: Vec<usize> = table.columns.iter().map(|col| text::column_decimals(*col)).collect();
    for r in &table.rows {
        c.text(&r.label);
        if per_initiative {
            c.text(r.kind.label(lang));
        }
        for (cell, d) in r.cells.iter().zip(&decimals) {
            c.cell(*cell, *d);
        }
        c.end_row();
    }
    c.text(t.total);
    if per_initiative {
        c.raw("");
    }
    for (cell, d) in table.totals.iter().zip(&decimals) {
        c.cell(*cell, *d);
    }
    c.end_row();
    c.out
}

/// The provenance as (key, field, value) rows. Keys are stable; values are in ISO form.
pub(crate) fn about_rows(s: &Summary) -> Vec<(&'static str, &'static str, String)> {
    let (t, p) = (texts(s.lang), &s.provenance);
    vec![
        ("strategy", t.strategy, s.strategy.clone()),
        ("period", t.period, s.period.to_string()),
        ("as_of", t.as_of, p.as_of.format("%Y-%m-%d").to_string()),
        ("generated_at", t.generated_at, p.generated_at.clone()),
        ("generated_by", t.generated_by, p.generated_by.clone()),
        ("snapshot", t.snapshot, p.snapshot.clone()),
        ("threshold", t.threshold, p.threshold.to_string()),
        ("version", t.version, p.version.clone()),
        ("suppressed_primary", t.suppressed_primary, s.suppressed.0.to_string()),
        ("suppressed_complementary", t.suppressed_complementary, s.suppressed.1.to_string()),
        ("language", t.language, text::language_tag(s.lang).to_string()),
        ("marker", "indsats report --verify", crate::marker(s)),
    ]
}

fn about(s: &Summary) -> String {
    let t = texts(s.lang);
    let mut c = Csv::new(s.lang);
    c.row(&[t.key, t.field, t.value]);
    for (key, field, value) in about_rows(s) {
        c.row(&[key, field, &value]);
    }
    c.out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        let mut c = Csv::new(Lang::Da);
        c.text("a;b").text("say \"hi\"").text("=SUM(A1)").text("-3").number(-3.26, 1).text("plain");
        c.end_row();
        assert_eq!(c.out, "\u{feff}\"a;b\";\"say \"\"hi\"\"\";'=SUM(A1);'-3;-3,3;plain\r\n");
        let mut e = Csv::new(Lang::En);
        e.text("a;b").text("1,5").number(1234.5, 1);
        e.end_row();
        assert_eq!(e.out, "\u{feff}a;b,\"1,5\",1234.5\r\n");
    }
}
