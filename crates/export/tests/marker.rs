//! Every format carries the marker `indsats report --verify` reads back.

mod support;

use indsats_core::validate::Lang;
use indsats_export::{csv, find_marker, pdf, xlsx};

#[test]
fn each_format_carries_its_parameters_and_snapshot() {
    for lang in [Lang::Da, Lang::En] {
        let s = support::fixture(lang);
        let want = (s.period, s.provenance.as_of, s.lang, s.provenance.threshold, s.provenance.snapshot.clone());
        let about = csv(&s).into_iter().find(|(name, _)| name == "om.csv" || name == "about.csv").expect("the about file").1;
        for (format, bytes) in [("pdf", pdf(&s).unwrap()), ("xlsx", xlsx(&s).unwrap()), ("csv", about.into_bytes())] {
            let (p, snapshot) = find_marker(&bytes).unwrap_or_else(|| panic!("no marker in the {format}"));
            assert_eq!((p.period, p.as_of, p.lang, p.threshold, snapshot), want, "{format}");
        }
    }
    // Other files have none.
    assert!(find_marker(b"%PDF-1.7 nothing here").is_none());
    assert!(find_marker(b"PK\x03\x04 not really a zip").is_none());
}
