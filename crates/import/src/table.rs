//! A file read into a table of cells: the header row, then each row with its number as a
//! spreadsheet shows it (the header is row 1).

use chrono::NaiveDate;

use crate::{ImportError, MAX_FILE_BYTES};

/// One cell as the file holds it. CSV cells are always text; XLSX cells keep their type.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Date(NaiveDate),
}

impl Cell {
    /// The cell as text, trimmed: a whole number without decimals, a date in ISO form.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.trim().to_string(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{}", *n as i64),
            Cell::Number(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }

    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The row's number in the file as a spreadsheet shows it (the header is 1).
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    pub headers: Vec<String>,
    /// The rows under the header, without the wholly empty ones.
    pub rows: Vec<Row>,
}

/// A spreadsheet column's letters: 0 is A, 26 is AA.
pub fn column_letters(mut column: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl Table {
    /// Reads `bytes`: XLSX when they are a zip archive (as every .xlsx is), CSV otherwise.
    pub fn read(bytes: &[u8]) -> Result<Table, ImportError> {
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(ImportError::TooLarge { bytes: bytes.len() as u64, max: MAX_FILE_BYTES });
        }
        if bytes.starts_with(b"PK\x03\x04") { Self::read_xlsx(bytes) } else { Self::read_csv(bytes) }
    }

    /// CSV as Excel writes it: `;` (Danish) or `,` (English) or tab between cells, as the header
    /// row shows; quotes around cells that hold them; UTF-8 (with or without its mark) or, when
    /// the bytes are not UTF-8, Windows-1252 (Excel's "CSV (semikolonsepareret)").
    pub fn read_csv(bytes: &[u8]) -> Result<Table, ImportError> {
        let text = decode(bytes);
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return Err(ImportError::Empty);
        }
        let delimiter = delimiter_of(text);
        let mut records = parse_csv(text, delimiter)?.into_iter();
        let (_, header) = records.next().ok_or(ImportError::Empty)?;
        let headers = check_headers(header)?;
        let rows = records
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
            .map(|(number, cells)| Row {
                number,
                cells: cells.into_iter().map(|c| if c.trim().is_empty() { Cell::Empty } else { Cell::Text(c) }).collect(),
            })
            .collect();
        Ok(Table { headers, rows })
    }

    /// The first worksheet of an XLSX workbook. Cells keep their type; a formula's cached value
    /// is what the cell shows, and the formula itself is never evaluated.
    pub fn read_xlsx(bytes: &[u8]) -> Result<Table, ImportError> {
        use calamine::{Data, Reader, Xlsx};
        let bad = |e: &dyn std::fmt::Display| ImportError::Spreadsheet { detail: e.to_string() };
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
        let range = match book.worksheet_range_at(0) {
            Some(r) => r.map_err(|e| bad(&e))?,
            None => return Err(ImportError::Empty),
        };
        let (first_row, first_col) = range.start().map_or((0, 0), |(r, c)| (r as usize, c as usize));
        let mut rows = range.rows().enumerate();
        // The header: the first row with anything in it.
        let header = loop {
            match rows.next() {
                None => return Err(ImportError::Empty),
                Some((_, r)) if r.iter().all(|c| matches!(c, Data::Empty)) => continue,
                Some((_, r)) => break r,
            }
        };
        // Columns before the used range's start are empty: keep positions as Excel shows them.
        let pad = |v: Vec<String>| -> Vec<String> { std::iter::repeat_n(String::new(), first_col).chain(v).collect() };
        let headers = check_headers(pad(header.iter().map(|c| cell_of(c).text()).collect()))?;
        let mut out = Vec::new();
        for (i, r) in rows {
            if r.iter().all(|c| cell_of(c).is_empty()) {
                continue;
            }
            let cells = std::iter::repeat_n(Cell::Empty, first_col).chain(r.iter().map(cell_of)).collect();
            out.push(Row { number: first_row + i + 1, cells });
        }
        Ok(Table { headers, rows: out })
    }
}

/// The rows refused, as a CSV file Danish Excel opens (`;`, UTF-8 with its mark): the header
/// and each refused row as it was, with a last column that says why. A cell that a spreadsheet
/// would take for a formula (`=`, `+`, `-`, `@`, tab or carriage return first) gets a leading
/// apostrophe, so the file cannot run anything when opened.
pub fn rejected_csv(table: &Table, why: &[(usize, String)], why_header: &str) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    let line = |cells: &mut dyn Iterator<Item = String>, out: &mut String| {
        let cells: Vec<String> = cells.map(|c| csv_cell(&c)).collect();
        out.push_str(&cells.join(";"));
        out.push_str("\r\n");
    };
    line(&mut table.headers.iter().cloned().chain(std::iter::once(why_header.to_string())), &mut out);
    for row in &table.rows {
        let reasons: Vec<&str> = why.iter().filter(|(r, _)| *r == row.number).map(|(_, m)| m.as_str()).collect();
        if reasons.is_empty() {
            continue;
        }
        let width = table.headers.len().max(row.cells.len());
        let cells = (0..width).map(|c| match row.cell(c) {
            Cell::Text(t) => t.clone(),
            other => other.text(),
        });
        line(&mut cells.chain(std::iter::once(reasons.join(" "))), &mut out);
    }
    out.into_bytes()
}

fn csv_cell(c: &str) -> String {
    let c = if c.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{c}") } else { c.to_string() };
    if c.contains([';', '"', '\n', '\r']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c }
}

fn cell_of(c: &calamine::Data) -> Cell {
    use calamine::Data;
    match c {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "true".into() } else { "false".into() }),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => Cell::Date(d.date()),
            None => Cell::Text(dt.as_f64().to_string()),
        },
        Data::DateTimeIso(s) => match NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d") {
            Ok(d) => Cell::Date(d),
            Err(_) => Cell::Text(s.clone()),
        },
        Data::DurationIso(s) => Cell::Text(s.clone()),
        // An error value (#N/A, #REF!) is text the rows' checks refuse where a value is needed.
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

/// Header cells trimmed; a header that is there twice is refused (which column would count?).
/// Empty headers are allowed: their columns are not read.
fn check_headers(header: Vec<String>) -> Result<Vec<String>, ImportError> {
    let headers: Vec<String> = header.into_iter().map(|h| h.trim().to_string()).collect();
    let mut seen = std::collections::HashSet::new();
    for h in &headers {
        if !h.is_empty() && !seen.insert(crate::mapping::normalise(h)) {
            return Err(ImportError::DuplicateColumn { header: h.clone() });
        }
    }
    Ok(headers)
}

fn decode(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The delimiter the header row uses most, outside quotes: `;`, `,` or tab (`;` on a tie, as
/// Danish Excel writes).
fn delimiter_of(text: &str) -> char {
    let mut counts = [(';', 0usize), (',', 0), ('\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if !quoted => {
                if let Some(e) = counts.iter_mut().find(|(d, _)| *d == c) {
                    e.1 += 1;
                }
            }
            _ => {}
        }
    }
    counts.iter().fold((';', 0), |best, &(d, n)| if n > best.1 { (d, n) } else { best }).0
}

/// RFC 4180 with Excel's habits: CRLF or LF, quotes doubled inside quoted cells, line breaks
/// inside them. Each record with its row number (the first is 1).
fn parse_csv(text: &str, delimiter: char) -> Result<Vec<(usize, Vec<String>)>, ImportError> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut number = 1;
    let mut quoted = false;
    let mut quote_started = 0;
    let mut at_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cell.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cell.push(c);
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() => {
                quoted = true;
                quote_started = number;
            }
            c if c == delimiter => record.push(std::mem::take(&mut cell)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut cell));
                records.push((number, std::mem::take(&mut record)));
                number += 1;
                at_start = true;
                continue;
            }
            c => cell.push(c),
        }
        at_start = false;
    }
    if quoted {
        return Err(ImportError::UnterminatedQuote { row: quote_started });
    }
    if !at_start || !cell.is_empty() || !record.is_empty() {
        record.push(cell);
        records.push((number, record));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(t: &Table) -> Vec<Vec<String>> {
        t.rows.iter().map(|r| r.cells.iter().map(Cell::text).collect()).collect()
    }

    #[test]
    fn danish_and_english_excel_csv_read_alike() {
        let da = "navn;cpr;fødselsår\r\n\"Hansen; Anna\";0101901234;\r\n\"Said \"\"Bo\"\"\";;1985\r\n;;\r\n";
        let en = "name,cpr,birth_year\n\"Hansen; Anna\",0101901234,\n\"Said \"\"Bo\"\"\",,1985\n";
        let (a, b) = (Table::read(da.as_bytes()).unwrap(), Table::read(en.as_bytes()).unwrap());
        assert_eq!(a.headers, ["navn", "cpr", "fødselsår"]);
        assert_eq!(b.headers, ["name", "cpr", "birth_year"]);
        assert_eq!(texts(&a), texts(&b));
        assert_eq!(texts(&a), [vec!["Hansen; Anna", "0101901234", ""], vec!["Said \"Bo\"", "", "1985"]]);
        // Row numbers as the spreadsheet shows them; the empty `;;` row is left out.
        assert_eq!(a.rows.iter().map(|r| r.number).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn windows_1252_a_byte_order_mark_and_a_line_break_in_a_cell() {
        // "navn;by\nSøren;Ærø" in Windows-1252, as Danish Excel saves "CSV (semikolonsepareret)".
        let bytes = b"navn;by\r\nS\xf8ren;\xc6r\xf8\r\n";
        assert_eq!(texts(&Table::read(bytes).unwrap()), [vec!["Søren", "Ærø"]]);
        let bom = "\u{feff}navn;note\n\"to\nlinjer\";x\nBo;y\n";
        let t = Table::read(bom.as_bytes()).unwrap();
        assert_eq!(t.headers[0], "navn");
        assert_eq!(texts(&t), [vec!["to\nlinjer", "x"], vec!["Bo", "y"]]);
        // A cell over two lines is one row, as the spreadsheet shows it.
        assert_eq!(t.rows[1].number, 3);
    }

    #[test]
    fn a_formula_is_text_and_bad_files_say_why() {
        let t = Table::read(b"navn;cpr\n=HYPERLINK(\"http://x\");@SUM(A1)\n").unwrap();
        assert_eq!(texts(&t), [vec!["=HYPERLINK(\"http://x\")", "@SUM(A1)"]]);
        assert_eq!(Table::read(b"").unwrap_err(), ImportError::Empty);
        assert_eq!(Table::read(b"  \n\n").unwrap_err(), ImportError::Empty);
        assert_eq!(Table::read(b"navn;cpr\n\"Anna;1\nBo;2\n").unwrap_err(), ImportError::UnterminatedQuote { row: 2 });
        assert!(matches!(Table::read(b"navn;Navn\n").unwrap_err(), ImportError::DuplicateColumn { .. }));
        assert!(matches!(Table::read(b"PK\x03\x04garbage").unwrap_err(), ImportError::Spreadsheet { .. }));
    }

    #[test]
    fn xlsx_keeps_types_positions_and_never_evaluates() {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let date = rust_xlsxwriter::Format::new().set_num_format("dd-mm-yyyy");
        sheet.write_string(1, 1, "navn").unwrap();
        sheet.write_string(1, 2, "cpr").unwrap();
        sheet.write_string(1, 3, "indrejsedato").unwrap();
        sheet.write_string(2, 1, "Anna Hansen").unwrap();
        // A CPR number typed as a number loses its leading zero: the rows put it back.
        sheet.write_number(2, 2, 101901234.0).unwrap();
        sheet.write_datetime_with_format(2, 3, rust_xlsxwriter::ExcelDateTime::from_ymd(2020, 3, 15).unwrap(), &date).unwrap();
        sheet.write_formula(3, 1, "=1+1").unwrap();
        let bytes = book.save_to_buffer().unwrap();
        let t = Table::read(&bytes).unwrap();
        assert_eq!(t.headers, ["", "navn", "cpr", "indrejsedato"]);
        assert_eq!(t.rows[0].number, 3);
        assert_eq!(t.rows[0].cells[1], Cell::Text("Anna Hansen".into()));
        assert_eq!(t.rows[0].cells[2], Cell::Number(101901234.0));
        assert_eq!(t.rows[0].cells[3], Cell::Date(NaiveDate::from_ymd_opt(2020, 3, 15).unwrap()));
        // rust_xlsxwriter stores no cached value: the formula cell reads as empty, never as 2.
        assert!(t.rows.iter().all(|r| r.cells.iter().all(|c| c.text() != "2")));
    }

    #[test]
    fn the_rejected_rows_file_reads_back_with_its_reasons_and_runs_no_formula() {
        let t = Table::read("navn;cpr\nAnna;=1+1\n\"Bo; \"\"B\"\"\";-2\nCy;3\n".as_bytes()).unwrap();
        let bytes = rejected_csv(&t, &[(2, "Række 2: dårlig".into()), (3, "Række 3: også".into())], "fejl");
        let back = Table::read(&bytes).unwrap();
        assert_eq!(back.headers, ["navn", "cpr", "fejl"]);
        assert_eq!(texts(&back), [vec!["Anna", "'=1+1", "Række 2: dårlig"], vec!["Bo; \"B\"", "'-2", "Række 3: også"]]);
    }

    #[test]
    fn column_letters_as_excel_names_them() {
        assert_eq!([0, 1, 25, 26, 27, 51, 52, 701, 702].map(column_letters), ["A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA"]);
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_give_a_table_or_a_clear_error_never_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = Table::read(&bytes);
            let mut zip = b"PK\x03\x04".to_vec();
            zip.extend_from_slice(&bytes);
            let _ = Table::read(&zip);
        }

        #[test]
        fn any_cells_written_as_excel_does_read_back(cells in proptest::collection::vec(proptest::collection::vec("[a-zæøå0-9 ;,\"\n=]{0,12}", 3), 1..20)) {
            let quote = |c: &String| format!("\"{}\"", c.replace('"', "\"\""));
            let mut text = String::from("a;b;c\r\n");
            for r in &cells {
                text.push_str(&r.iter().map(quote).collect::<Vec<_>>().join(";"));
                text.push_str("\r\n");
            }
            let t = Table::read(text.as_bytes()).unwrap();
            let want: Vec<Vec<String>> = cells.iter().filter(|r| r.iter().any(|c| !c.trim().is_empty())).map(|r| r.iter().map(|c| c.trim().to_string()).collect()).collect();
            prop_assert_eq!(texts(&t), want);
        }
    }
}
