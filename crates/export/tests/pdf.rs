//! The PDF rendered by poppler: its pages, its text, and its bytes twice.
//!
//! Needs `pdftoppm` and `pdftotext` (Debian: poppler-utils).

mod support;

use std::path::Path;
use std::process::Command;

use indsats_core::validate::Lang;

fn run(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd} did not run ({e}): install poppler-utils (apt-get install poppler-utils)"));
    assert!(out.status.success(), "{cmd} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pages_as_png(pdf: &Path, dir: &Path) -> Vec<std::path::PathBuf> {
    let prefix = dir.join("page");
    run("pdftoppm", &["-png", "-r", "60", pdf.to_str().unwrap(), prefix.to_str().unwrap()]);
    let mut pngs: Vec<_> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "png")).collect();
    pngs.sort();
    pngs
}

/// pdftotext's text with its line breaks and runs of spaces made single spaces.
fn words(pdf: &Path) -> String {
    let text = run("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"]);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn pdf_renders_two_to_five_pages_with_its_text() {
    for lang in [Lang::Da, Lang::En] {
        let s = support::fixture(lang);
        let bytes = indsats_export::pdf(&s).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.pdf");
        std::fs::write(&path, &bytes).unwrap();
        let pngs = pages_as_png(&path, dir.path());
        assert!((2..=5).contains(&pngs.len()), "{} pages", pngs.len());
        if lang == Lang::Da && std::env::var_os("INDSATS_SAVE_PAGE").is_some() {
            let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/img");
            run(
                "pdftoppm",
                &[
                    "-png",
                    "-r",
                    "110",
                    "-f",
                    "1",
                    "-l",
                    "1",
                    "-singlefile",
                    path.to_str().unwrap(),
                    docs.join("summary-page1").to_str().unwrap(),
                ],
            );
        }

        let text = words(&path);
        for g in &s.goals {
            assert!(text.contains(&g.title), "{:?} is missing from the text", g.title);
        }
        for i in s.goals.iter().flat_map(|g| &g.indicators) {
            let first_words: String = i.name.split(' ').take(3).collect::<Vec<_>>().join(" ");
            assert!(text.contains(&first_words), "{:?} is missing", i.name);
        }
        assert!(text.contains(&s.provenance.snapshot), "the snapshot hash is missing");
        assert!(text.contains(&s.strategy));
        let note = match lang {
            Lang::Da => "× = skjult af hensyn til diskretion (færre end 5 personer, eller for at et skjult tal ikke kan regnes ud)",
            Lang::En => "× = hidden for confidentiality (fewer than 5 persons, or so that a hidden number cannot be worked out)",
        };
        assert!(text.contains(note), "the footnote is missing: {text}");
        let expect = match lang {
            Lang::Da => [
                "Side 1 af",
                "24. november 2026 kl. 09.00 UTC",
                "31. oktober 2026",
                "3. kvartal 2026",
                "35,8 %",
                "I job efter (måneder)",
                "Jobindsats",
            ],
            Lang::En => {
                ["Page 1 of", "24 November 2026, 09:00 UTC", "31 October 2026", "Q3 2026", "35.8%", "Employed after (months)", "Jobindsats"]
            }
        };
        for e in expect {
            assert!(text.contains(e), "{e:?} is missing: {text}");
        }
        for r in &s.by_type.rows {
            assert!(text.contains(&r.label), "type {:?} is missing", r.label);
        }
        // The per-initiative table is not in the PDF, only named.
        for r in &s.by_initiative.rows {
            assert!(!text.contains(&r.label), "initiative {:?} should not be in the PDF", r.label);
        }
    }
}

#[test]
fn pdf_is_deterministic_and_dated_by_the_summary() {
    let s = support::fixture(Lang::Da);
    let a = indsats_export::pdf(&s).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = indsats_export::pdf(&s).unwrap();
    assert!(a == b, "the same summary gives the same bytes");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.pdf");
    std::fs::write(&path, &a).unwrap();
    let info = run("pdfinfo", &["-isodates", path.to_str().unwrap()]);
    assert!(info.contains("2026-11-24T09:00:00"), "{info}");
    assert!(info.contains("Testbruger A"), "{info}");
}

#[test]
fn national_pdf_stays_within_five_pages() {
    let s = support::national(Lang::Da, 8000);
    let bytes = indsats_export::pdf(&s).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("national.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let info = run("pdfinfo", &[path.to_str().unwrap()]);
    let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
    assert!((2..=5).contains(&pages), "{pages} pages");
    assert!(bytes.len() < 400_000, "{} bytes", bytes.len());
}
