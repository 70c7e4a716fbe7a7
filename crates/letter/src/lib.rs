//! # deskvisa-letter: the invitation letter, as a PDF
//!
//! A visitor travelling to a host cluster often needs a letter for a visa
//! or a border officer: who invites whom, when, where, why, and that the
//! desk is free under the network's agreement. [`render`] turns the
//! letter's facts ([`Letter`]) into an A4 PDF: one page in English, and one
//! in the host cluster's language where deskvisa speaks it; the fonts
//! (DejaVu Serif, every Polish and Latin-extended letter) embedded as
//! subsets; a QR code of the verification URL beside the URL and the code
//! printed out, so a reader without a phone can check it too.
//!
//! Pure: no I/O, no clock. The caller gives the date of issue.

mod layout;
mod qr;
mod wording;

use std::sync::LazyLock;

use chrono::NaiveDate;
use deskvisa_rules::Locale;
use krilla::Document;
use krilla::geom::Point;
use krilla::metadata::{DateTime, Metadata};
use krilla::page::PageSettings;

use crate::layout::{Fonts, Pen};
use crate::wording::Wording;

/// What an invitation letter says.
#[derive(Debug, Clone)]
pub struct Letter {
    /// The languages of its pages, English first; the host's own after it.
    pub languages: Vec<Locale>,
    /// The host cluster's name.
    pub host_cluster: String,
    /// The host cluster's postal address (its lines).
    pub host_address: Vec<String>,
    /// The city the letter is written in (the host cluster's).
    pub host_city: String,
    /// Who signs it: a cluster admin the cluster named, or the one who
    /// approved the stay.
    pub signatory: String,
    /// The visitor's full name as in their passport.
    pub passport_name: String,
    /// The visitor's firm, when they work for one.
    pub visitor_firm: Option<String>,
    /// The visitor's home cluster.
    pub home_cluster: String,
    /// The stay's first day.
    pub start: NaiveDate,
    /// The stay's last day.
    pub end: NaiveDate,
    /// The site's name.
    pub site_name: String,
    /// The site's address.
    pub site_address: String,
    /// The stay's purpose, as the visitor wrote it.
    pub purpose: String,
    /// Whom to ask about the visit (the site's contact address).
    pub host_contact: String,
    /// The day the letter is issued.
    pub issued_on: NaiveDate,
    /// The verification code, printed out.
    pub code: String,
    /// Where anyone checks the letter (and what the QR code holds).
    pub verify_url: String,
}

/// The letter could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LetterError {
    /// The embedded font did not load (a broken build).
    #[error("the embedded font did not load")]
    Font,
    /// The verification URL does not fit a QR code.
    #[error("the verification URL does not fit a QR code: {0}")]
    Qr(String),
    /// The PDF writer refused the document.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSerif.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSerif-Bold.ttf");

/// A4, in points.
const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;

/// The letter as PDF bytes.
pub fn render(letter: &Letter) -> Result<Vec<u8>, LetterError> {
    static FONTS: LazyLock<Option<Fonts>> = LazyLock::new(|| Fonts::load(REGULAR, BOLD));
    let fonts = FONTS.as_ref().ok_or(LetterError::Font)?;
    let modules = qr::modules(&letter.verify_url)?;
    let mut document = Document::new();
    let languages = if letter.languages.is_empty() { vec![Locale::En] } else { letter.languages.clone() };
    for locale in &languages {
        let settings = PageSettings::from_wh(PAGE_WIDTH, PAGE_HEIGHT).ok_or(LetterError::Pdf("page size".into()))?;
        let mut page = document.start_page_with(settings);
        let mut surface = page.surface();
        let wording = Wording::new(*locale, letter);
        let mut pen = Pen::new(&mut surface, fonts, PAGE_WIDTH);
        write_page(&mut pen, letter, &wording);
        let bottom = PAGE_HEIGHT - layout::MARGIN;
        qr::draw(&mut surface, &modules, Point::from_xy(layout::MARGIN, bottom - qr::SIZE), qr::SIZE);
        let note_x = layout::MARGIN + qr::SIZE + 14.0;
        let mut pen = Pen::at(&mut surface, fonts, note_x, PAGE_WIDTH - layout::MARGIN, bottom - qr::SIZE + 10.0);
        pen.paragraph(&wording.verify(), 9.0, false);
        pen.gap(4.0);
        pen.line(&letter.verify_url, 9.0, false);
        pen.gap(4.0);
        pen.line(&format!("{} {}", wording.code_label(), letter.code), 10.0, true);
        surface.finish();
        page.finish();
    }
    document.set_metadata(metadata(letter));
    document.finish().map_err(|e| LetterError::Pdf(format!("{e:?}")))
}

/// The body of one page, top to bottom.
fn write_page(pen: &mut Pen<'_, '_>, letter: &Letter, words: &Wording) {
    pen.line(&letter.host_cluster, 16.0, true);
    for line in &letter.host_address {
        pen.line(line, 10.0, false);
    }
    pen.gap(18.0);
    pen.line_right(&words.place_and_date(), 10.0);
    pen.gap(18.0);
    pen.line(words.title(), 15.0, true);
    pen.gap(12.0);
    pen.line(words.salutation(), 11.0, false);
    pen.gap(6.0);
    pen.paragraph(&words.opening(), 11.0, false);
    pen.gap(10.0);
    for (label, value) in words.facts() {
        pen.fact(&label, &value, 10.5);
    }
    pen.gap(10.0);
    for paragraph in words.body() {
        pen.paragraph(&paragraph, 11.0, false);
        pen.gap(8.0);
    }
    pen.gap(10.0);
    pen.line(words.closing(), 11.0, false);
    pen.gap(26.0);
    pen.line(&letter.signatory, 11.0, true);
    pen.line(&words.on_behalf(), 10.0, false);
}

fn metadata(letter: &Letter) -> Metadata {
    let issued = letter.issued_on;
    let date = DateTime::new(u16::try_from(chrono::Datelike::year(&issued)).unwrap_or(2000))
        .month(u8::try_from(chrono::Datelike::month(&issued)).unwrap_or(1))
        .day(u8::try_from(chrono::Datelike::day(&issued)).unwrap_or(1));
    Metadata::new()
        .title(format!("Letter of invitation: {}", letter.host_cluster))
        .authors(vec![letter.host_cluster.clone()])
        .creator("deskvisa".to_string())
        .language("en".to_string())
        .creation_date(date)
}

/// A letter with Polish, Danish, Serbian and Sami letters in it, hosted in
/// Poland (so in two languages): what the tests and the benchmark render.
#[doc(hidden)]
pub fn sample() -> Letter {
    Letter {
        languages: vec![Locale::En, Locale::Pl],
        host_cluster: "Śląski Klaster ICT".into(),
        host_address: vec!["ul. Żółkiewskiego 12".into(), "41-700 Ruda Śląska, Polska".into()],
        host_city: "Ruda Śląska".into(),
        signatory: "Małgorzata Łęcka-Źródłowska".into(),
        passport_name: "Ærøskøbing Ðorđević Ŧŀő".into(),
        visitor_firm: Some("Nørrebro Data ApS".into()),
        home_cluster: "Copenhagen Tech Cluster".into(),
        start: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default(),
        end: NaiveDate::from_ymd_opt(2027, 1, 8).unwrap_or_default(),
        site_name: "Hub Gliwicka".into(),
        site_address: "ul. Gliwicka 3, 41-700 Ruda Śląska".into(),
        purpose: "Meet firms building payment systems; join the Tuesday business breakfast.".into(),
        host_contact: "desks@klaster.example".into(),
        issued_on: NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or_default(),
        code: "7QH3KX2M9VBNC4TRWDZ5PJ6YAE".into(),
        verify_url: "https://desks.example.org/verify/7QH3KX2M9VBNC4TRWDZ5PJ6YAE".into(),
    }
}

#[cfg(test)]
mod tests;
