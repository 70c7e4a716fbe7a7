//! The letter read back as a person and a PDF reader would: poppler's
//! `pdftotext` and `pdfinfo` (installed by `make test`), and a picture of
//! page one from `pdftoppm` in `var/screenshots/letter`.

use std::path::{Path, PathBuf};
use std::process::Command;

use deskvisa_rules::Locale;

use super::*;

fn letter() -> Letter {
    crate::sample()
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn poppler(program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} (poppler-utils, installed by `make test`): {e}"));
    assert!(out.status.success(), "{program}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

fn written(pdf: &[u8], name: &str) -> PathBuf {
    let dir = workspace().join("var/tmp/letter");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, pdf).unwrap();
    path
}

/// Text as `pdftotext` gives it, runs of white space made one space (a
/// wrapped line is a line break there).
fn text_of(path: &Path) -> String {
    let raw = poppler("pdftotext", &["-enc", "UTF-8", path.to_str().unwrap(), "-"]);
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// One field of `pdfinfo`'s answer ("Pages:   2" gives "2").
fn field<'a>(info: &'a str, name: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(':')))
        .map(str::trim)
        .unwrap_or_else(|| panic!("no {name} in pdfinfo's answer:\n{info}"))
}

#[test]
fn every_fact_and_every_letter_reads_back_from_the_pdf() {
    let pdf = render(&letter()).unwrap();
    let path = written(&pdf, "bilingual.pdf");
    let text = text_of(&path);
    for expected in [
        "Letter of invitation",
        "List zapraszający",
        "Śląski Klaster ICT",
        "ul. Żółkiewskiego 12",
        "Ærøskøbing Ðorđević Ŧŀő",
        "Nørrebro Data ApS",
        "Copenhagen Tech Cluster",
        "4–8 January 2027 (5 days)",
        "4–8 stycznia 2027 (liczba dni: 5)",
        "from 4 January 2027 to 8 January 2027",
        "Hub Gliwicka, ul. Gliwicka 3, 41-700 Ruda Śląska",
        "free of charge",
        "bezpłatnie",
        "desks@klaster.example",
        "Małgorzata Łęcka-Źródłowska",
        "Ruda Śląska, 6 December 2026",
        "Ruda Śląska, 6 grudnia 2026",
        "Verification code: 7QH3KX2M9VBNC4TRWDZ5PJ6YAE",
        "Kod weryfikacyjny: 7QH3KX2M9VBNC4TRWDZ5PJ6YAE",
    ] {
        assert!(text.contains(expected), "{expected:?} not in the letter's text:\n{text}");
    }
    // The URL wraps across lines on the page; read it without the breaks.
    let joined: String = text.split(' ').collect();
    assert!(joined.contains("https://desks.example.org/verify/7QH3KX2M9VBNC4TRWDZ5PJ6YAE"), "{text}");
}

#[test]
fn pdfinfo_sees_an_a4_letter_with_its_fonts_embedded() {
    let pdf = render(&letter()).unwrap();
    let path = written(&pdf, "info.pdf");
    let info = poppler("pdfinfo", &[path.to_str().unwrap()]);
    assert_eq!(field(&info, "Pages"), "2", "{info}");
    assert_eq!(field(&info, "Page size"), "595 x 842 pts (A4)", "{info}");
    assert_eq!(field(&info, "Title"), "Letter of invitation: Śląski Klaster ICT", "{info}");
    let fonts = poppler("pdffonts", &[path.to_str().unwrap()]);
    let embedded: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!embedded.is_empty(), "{fonts}");
    assert!(embedded.iter().all(|l| l.contains(" yes ")), "every font embedded:\n{fonts}");
    // Subsets, not the whole 380 KB faces.
    assert!(pdf.len() < 120_000, "{} bytes", pdf.len());
}

#[test]
fn an_english_host_gives_one_page() {
    let mut english = letter();
    english.languages = vec![Locale::En];
    english.visitor_firm = None;
    let pdf = render(&english).unwrap();
    let path = written(&pdf, "english.pdf");
    let info = poppler("pdfinfo", &[path.to_str().unwrap()]);
    assert_eq!(field(&info, "Pages"), "1", "{info}");
    let text = text_of(&path);
    assert!(!text.contains("Firm "), "no firm line without a firm: {text}");
}

#[test]
fn page_one_is_pictured_for_a_person_to_look_at() {
    let pdf = render(&letter()).unwrap();
    let path = written(&pdf, "screenshot.pdf");
    let dir = workspace().join("var/screenshots/letter");
    std::fs::create_dir_all(&dir).unwrap();
    let prefix = dir.join("letter-page-1");
    poppler(
        "pdftoppm",
        &["-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", path.to_str().unwrap(), prefix.to_str().unwrap()],
    );
    let png = std::fs::read(dir.join("letter-page-1.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
}
