//! Which column holds which field.
//!
//! A header maps by itself when it is the field's name (`birth_year`) or its Danish or English
//! label (`Fødselsår`, `Birth year`), in any case and with any spaces, dashes or underscores. A
//! mapping file names the others; it is TOML, saved once and reused for every file of the same
//! layout:
//!
//! ```toml
//! [columns]
//! "Fulde navn" = "name"
//! "Personnummer" = "cpr"
//! ```

use std::collections::BTreeMap;

use indsats_core::Lang;
use indsats_core::validate::field_label;
use serde::Deserialize;

use crate::ImportError;

/// What a file brings in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Participants,
    Enrolments,
    Events,
}

/// A field of an import: its name and the other headers that mean it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// Headers beside the name and the field's labels (`field_label`).
    pub also: &'static [&'static str],
}

const fn f(name: &'static str, also: &'static [&'static str]) -> Field {
    Field { name, also }
}

const PARTICIPANTS: &[Field] = &[
    f("name", &["navn", "fulde navn", "full name"]),
    f("cpr", &["cpr", "cpr nr", "personnummer"]),
    f("pseudonym", &["pseudonym"]),
    f("birth_year", &["født"]),
    f("origin", &["oprindelse"]),
    f("arrival", &["arrival_date", "indrejsedato", "indrejse", "ankomst"]),
    f("programme", &["program", "programme"]),
    f("programme_start", &["programstart"]),
    f("programme_end", &["programslut"]),
    f("caseworker", &["sagsbehandler"]),
];

const ENROLMENTS: &[Field] = &[
    f("cpr", &["cpr", "cpr nr", "personnummer"]),
    f("pseudonym", &["pseudonym", "deltager", "participant"]),
    f("initiative", &["indsats", "initiative"]),
    f("start", &["startdato", "start date", "fra", "from"]),
    f("end", &["slut", "slutdato", "end date", "til", "to"]),
];

const EVENTS: &[Field] = &[
    f("cpr", &["cpr", "cpr nr", "personnummer"]),
    f("pseudonym", &["pseudonym", "deltager", "participant"]),
    f("type", &["hændelse", "event", "type"]),
    f("date", &["dato", "date"]),
    f("course", &["danskuddannelse", "kursus"]),
    f("module", &["modul"]),
    f("exam", &["prøve", "eksamen"]),
    f("offer", &["tilbud"]),
    f("hours", &["timer", "timer om ugen"]),
    f("kind", &["art", "slags"]),
    f("level", &["niveau"]),
    f("result", &["udfald"]),
    f("dimension", &["dimension"]),
    f("scale", &["skala"]),
    f("score", &["score", "vurdering"]),
    f("outcome", &["resultat", "outcome"]),
    f("mode", &["form", "kanal"]),
    f("interpreter", &["tolk", "tolkesprog"]),
    f("target_group", &["målgruppe"]),
    f("new_end", &["ny slutdato", "new end"]),
    f("reason", &["årsag", "begrundelse"]),
    f("note", &["notat", "journalnotat"]),
];

impl Kind {
    pub fn fields(self) -> &'static [Field] {
        match self {
            Kind::Participants => PARTICIPANTS,
            Kind::Enrolments => ENROLMENTS,
            Kind::Events => EVENTS,
        }
    }

    /// The fields that must have a column.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Participants => &["name"],
            Kind::Enrolments => &["initiative", "start"],
            Kind::Events => &["type", "date"],
        }
    }
}

/// A header as compared: lower case, letters and digits only.
pub fn normalise(header: &str) -> String {
    header.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn means(field: &Field, header: &str) -> bool {
    let h = normalise(header);
    !h.is_empty()
        && (h == normalise(field.name)
            || h == normalise(field_label(field.name, Lang::Da))
            || h == normalise(field_label(field.name, Lang::En))
            || field.also.iter().any(|a| normalise(a) == h))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    columns: BTreeMap<String, String>,
}

/// Each field's column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mapping {
    columns: Vec<(&'static str, usize)>,
    /// Headers no field reads.
    pub unused: Vec<String>,
}

impl Mapping {
    /// Maps `headers` for `kind`: the mapping file's names first (`file`, its text), then the
    /// headers that map by themselves. A field two columns claim, a required field no column
    /// holds, or a mapping file that names what is not there is refused.
    pub fn resolve(kind: Kind, headers: &[String], file: Option<&str>) -> Result<Mapping, ImportError> {
        let fields = kind.fields();
        let mut columns: Vec<(&'static str, usize)> = Vec::new();
        let claim = |field: &'static str, column: usize, columns: &mut Vec<(&'static str, usize)>| -> Result<(), ImportError> {
            if let Some(&(_, other)) = columns.iter().find(|(f, _)| *f == field) {
                if other == column {
                    return Ok(());
                }
                return Err(ImportError::FieldTwice { field, first: headers[other].clone(), second: headers[column].clone() });
            }
            columns.push((field, column));
            Ok(())
        };
        let mut named = std::collections::HashSet::new();
        let mut by_file: Vec<&'static str> = Vec::new();
        if let Some(src) = file {
            let parsed: MappingFile = toml::from_str(src).map_err(|e| ImportError::MappingFile {
                line: e.span().map_or(1, |s| src[..s.start.min(src.len())].matches('\n').count() + 1),
                detail: e.message().trim().to_string(),
            })?;
            for (header, field) in parsed.columns {
                let Some(f) = fields.iter().find(|f| f.name == field.trim()) else {
                    return Err(ImportError::UnknownField { field, allowed: fields.iter().map(|f| f.name).collect::<Vec<_>>().join(", ") });
                };
                let want = normalise(&header);
                let Some(column) = headers.iter().position(|h| normalise(h) == want) else {
                    return Err(ImportError::MappedColumnMissing { header });
                };
                claim(f.name, column, &mut columns)?;
                named.insert(column);
                by_file.push(f.name);
            }
        }
        for (column, header) in headers.iter().enumerate() {
            if named.contains(&column) {
                continue;
            }
            // A field the file gave a column keeps it: a header that would map by itself is unused.
            if let Some(f) = fields.iter().find(|f| means(f, header))
                && !by_file.contains(&f.name)
            {
                claim(f.name, column, &mut columns)?;
            }
        }
        for field in kind.required() {
            if !columns.iter().any(|(f, _)| f == field) {
                return Err(ImportError::MissingColumn { field });
            }
        }
        if kind != Kind::Participants && !columns.iter().any(|(f, _)| *f == "cpr" || *f == "pseudonym") {
            return Err(ImportError::MissingColumn { field: "pseudonym" });
        }
        let unused = headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !h.is_empty() && !columns.iter().any(|(_, c)| c == i))
            .map(|(_, h)| h.clone())
            .collect();
        Ok(Mapping { columns, unused })
    }

    /// The column of `field`, if any column holds it.
    pub fn column(&self, field: &str) -> Option<usize> {
        self.columns.iter().find(|(f, _)| *f == field).map(|&(_, c)| c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn field_names_and_danish_or_english_labels_map_without_a_file() {
        let m = Mapping::resolve(
            Kind::Participants,
            &h(&["Navn", "CPR-nummer", "Fødselsår", "programme_start", "Indrejsedato", "Bemærkning"]),
            None,
        )
        .unwrap();
        assert_eq!(m.column("name"), Some(0));
        assert_eq!(m.column("cpr"), Some(1));
        assert_eq!(m.column("birth_year"), Some(2));
        assert_eq!(m.column("programme_start"), Some(3));
        assert_eq!(m.column("arrival"), Some(4));
        assert_eq!(m.unused, ["Bemærkning"]);
        let en = Mapping::resolve(Kind::Participants, &h(&["Name", "Birth year", "Programme end", "Caseworker"]), None).unwrap();
        assert_eq!((en.column("birth_year"), en.column("programme_end"), en.column("caseworker")), (Some(1), Some(2), Some(3)));
    }

    #[test]
    fn a_mapping_file_names_the_others_and_its_mistakes_are_named() {
        let headers = h(&["Fulde navn", "Personnr.", "Navn"]);
        let file = "[columns]\n\"Fulde navn\" = \"name\"\n\"Personnr.\" = \"cpr\"\n";
        // "Navn" would map to name by itself: the file's choice wins, and "Navn" is unused.
        let m = Mapping::resolve(Kind::Participants, &headers, Some(file)).unwrap();
        assert_eq!((m.column("name"), m.column("cpr")), (Some(0), Some(1)));
        assert_eq!(m.unused, ["Navn"]);
        assert!(matches!(
            Mapping::resolve(Kind::Participants, &headers, Some("[columns]\n\"Fulde navn\" = \"navn\"\n")).unwrap_err(),
            ImportError::UnknownField { .. }
        ));
        assert!(matches!(
            Mapping::resolve(Kind::Participants, &headers, Some("[columns]\n\"Efternavn\" = \"name\"\n")).unwrap_err(),
            ImportError::MappedColumnMissing { .. }
        ));
        let e = Mapping::resolve(Kind::Participants, &headers, Some("[columns]\n\"a\" = \"name\"\nfoo = [\n")).unwrap_err();
        assert!(matches!(e, ImportError::MappingFile { line: 3, .. }), "{e:?}");
        let e = Mapping::resolve(Kind::Participants, &headers, Some("[kolonner]\n")).unwrap_err();
        assert!(matches!(e, ImportError::MappingFile { line: 1, .. }), "{e:?}");
    }

    #[test]
    fn two_columns_for_one_field_or_none_for_a_required_one_is_refused() {
        assert!(matches!(
            Mapping::resolve(Kind::Participants, &h(&["Navn", "name"]), None).unwrap_err(),
            ImportError::FieldTwice { field: "name", .. }
        ));
        assert_eq!(Mapping::resolve(Kind::Participants, &h(&["cpr"]), None).unwrap_err(), ImportError::MissingColumn { field: "name" });
        assert_eq!(
            Mapping::resolve(Kind::Enrolments, &h(&["indsats", "start"]), None).unwrap_err(),
            ImportError::MissingColumn { field: "pseudonym" }
        );
        for e in
            [ImportError::MissingColumn { field: "name" }, ImportError::FieldTwice { field: "name", first: "a".into(), second: "b".into() }]
        {
            assert_ne!(e.message(Lang::Da), e.message(Lang::En));
        }
    }
}
