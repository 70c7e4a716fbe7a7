//! The emails about an introduction: a visiting member asks to meet one of
//! the host cluster's firms during a stay, and the firm's contact accepts,
//! declines or lets the request lapse. Each goes in the recipient's locale,
//! as text and HTML in the common layout, with no calendar file.
//!
//! Who learns what is the point of these emails: the visitor learns nothing
//! about the contact until the contact accepts, and the contact learns the
//! visitor's address only then. The renderer enforces it whatever the
//! caller fills in, so a mistake upstream cannot leak an address.

use chrono::NaiveDate;
use deskvisa_rules::Locale;
use deskvisa_words::{date_range, long_date};

use crate::Rendered;
use crate::kind::mail_family;
use crate::render::{non_empty, one_line, pre_html, templates, tidy_text, web_link};

mail_family! {
    /// Which introduction email this is.
    pub enum IntroductionKind {
        /// To the firm's contact: a visitor asks to meet the firm during their stay; a link to accept or decline.
        IntroductionRequested,
        /// To the visitor and to the contact (one email each): accepted; each gets the other's name, firm and email address.
        IntroductionAccepted,
        /// To the visitor: the firm cannot meet them this time. Polite, NO reason, points to other firms.
        IntroductionDeclined,
        /// To the contact: the request lapsed unanswered because the stay was cancelled or has ended; nothing to do.
        IntroductionLapsed,
    }
}

impl IntroductionKind {
    /// Whether this email goes to the visitor: only an acceptance goes to
    /// both sides, so only there does the caller's `to_visitor` decide.
    const fn goes_to_visitor(self, to_visitor: bool) -> bool {
        match self {
            IntroductionKind::IntroductionRequested | IntroductionKind::IntroductionLapsed => false,
            IntroductionKind::IntroductionDeclined => true,
            IntroductionKind::IntroductionAccepted => to_visitor,
        }
    }
}

/// Everything one introduction email is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntroductionMail {
    /// Which email.
    pub kind: IntroductionKind,
    /// `en` or `pl` (anything else is English).
    pub locale: String,
    /// The recipient's name.
    pub recipient_name: String,
    /// The recipient's address.
    pub recipient_email: String,
    /// Whether the recipient is the visitor (else the firm's contact). Matters for IntroductionAccepted.
    pub to_visitor: bool,
    /// The visiting member.
    pub visitor_name: String,
    /// The visitor's firm; may be empty (then not mentioned).
    pub visitor_firm: String,
    /// The visitor's home cluster's name.
    pub visitor_cluster: String,
    /// The visitor's address: Some only in IntroductionAccepted to the contact.
    pub visitor_email: Option<String>,
    /// The host's firm the visitor asked to meet.
    pub firm_name: String,
    /// The firm's contact: Some only in IntroductionAccepted to the visitor.
    pub contact_name: Option<String>,
    /// The contact's address: Some only in IntroductionAccepted to the visitor.
    pub contact_email: Option<String>,
    /// The host cluster's name.
    pub host_cluster: String,
    /// The site of the stay.
    pub site_name: String,
    /// The site's postal address.
    pub site_address: String,
    /// The stay's first day.
    pub start_date: NaiveDate,
    /// The stay's last day.
    pub end_date: NaiveDate,
    /// The visitor's note to the firm (≤ 500 chars, may span lines, may be empty). Shown in Requested (and Accepted to the contact).
    pub note: String,
    /// Requested: the page where the contact accepts or declines. Accepted/Declined to the visitor: the stay's page
    /// (where suggestions of other firms are). Lapsed: the contact's introductions page. Shown only if http(s).
    pub link: String,
    /// Lapsed only: true when the stay was cancelled, false when it ended.
    pub stay_cancelled: bool,
}

/// What the templates see.
struct View<'a> {
    /// `en` or `pl`, for `<html lang>`.
    lang: &'static str,
    subject: String,
    name: &'a str,
    /// Whether the recipient is the visitor (only the acceptance templates ask).
    to_visitor: bool,
    visitor: &'a str,
    visitor_firm: Option<&'a str>,
    visitor_cluster: &'a str,
    /// Only in an acceptance to the contact.
    visitor_email: Option<&'a str>,
    firm: &'a str,
    /// Only in an acceptance to the visitor.
    contact: Option<&'a str>,
    /// Only in an acceptance to the visitor.
    contact_email: Option<&'a str>,
    host_cluster: &'a str,
    site: &'a str,
    address: &'a str,
    /// First and last day, written out, and both compactly ("16–20 March 2026").
    start: String,
    end: String,
    range: String,
    /// The visitor's note as typed (HTML keeps its lines with `pre-line`),
    /// only where the contact is meant to read it.
    note: Option<&'a str>,
    /// The same note for the text body, each line quoted with "> ".
    quoted_note: Option<String>,
    /// The link, only if it is an http(s) URL.
    url: Option<&'a str>,
    stay_cancelled: bool,
    footer: &'static str,
}

templates! {
    fn bodies((IntroductionKind, Locale)) for View {
        (IntroductionKind::IntroductionRequested, Locale::En) =>
            RequestedEnTxt("introduction_requested/en.txt"),
            RequestedEnHtml("introduction_requested/en.html");
        (IntroductionKind::IntroductionRequested, Locale::Pl) =>
            RequestedPlTxt("introduction_requested/pl.txt"),
            RequestedPlHtml("introduction_requested/pl.html");
        (IntroductionKind::IntroductionAccepted, Locale::En) =>
            AcceptedEnTxt("introduction_accepted/en.txt"),
            AcceptedEnHtml("introduction_accepted/en.html");
        (IntroductionKind::IntroductionAccepted, Locale::Pl) =>
            AcceptedPlTxt("introduction_accepted/pl.txt"),
            AcceptedPlHtml("introduction_accepted/pl.html");
        (IntroductionKind::IntroductionDeclined, Locale::En) =>
            DeclinedEnTxt("introduction_declined/en.txt"),
            DeclinedEnHtml("introduction_declined/en.html");
        (IntroductionKind::IntroductionDeclined, Locale::Pl) =>
            DeclinedPlTxt("introduction_declined/pl.txt"),
            DeclinedPlHtml("introduction_declined/pl.html");
        (IntroductionKind::IntroductionLapsed, Locale::En) =>
            LapsedEnTxt("introduction_lapsed/en.txt"),
            LapsedEnHtml("introduction_lapsed/en.html");
        (IntroductionKind::IntroductionLapsed, Locale::Pl) =>
            LapsedPlTxt("introduction_lapsed/pl.txt"),
            LapsedPlHtml("introduction_lapsed/pl.html");
    }
}

impl<'a> View<'a> {
    fn new(m: &'a IntroductionMail, locale: Locale) -> Self {
        use IntroductionKind::{IntroductionAccepted, IntroductionRequested};
        let to_visitor = m.kind.goes_to_visitor(m.to_visitor);
        // Each side's address (and the contact's name) only in the acceptance
        // that goes to the other side: what the caller passes elsewhere is
        // ignored, never shown.
        let accepted = m.kind == IntroductionAccepted;
        let to_contact_after_accepting = accepted && !to_visitor;
        let contact_side =
            |field: &'a Option<String>| field.as_deref().and_then(non_empty).filter(|_| accepted && to_visitor);
        // The note is written to the firm: the contact reads it, the visitor
        // (who wrote it) is not sent it back.
        let note = non_empty(&m.note).filter(|_| m.kind == IntroductionRequested || to_contact_after_accepting);
        View {
            lang: locale.as_str(),
            subject: one_line(&subject(m, locale, to_visitor)),
            name: m.recipient_name.trim(),
            to_visitor,
            visitor: m.visitor_name.trim(),
            visitor_firm: non_empty(&m.visitor_firm),
            visitor_cluster: m.visitor_cluster.trim(),
            visitor_email: m.visitor_email.as_deref().and_then(non_empty).filter(|_| to_contact_after_accepting),
            firm: m.firm_name.trim(),
            contact: contact_side(&m.contact_name),
            contact_email: contact_side(&m.contact_email),
            host_cluster: m.host_cluster.trim(),
            site: m.site_name.trim(),
            address: m.site_address.trim(),
            start: long_date(locale, m.start_date),
            end: long_date(locale, m.end_date),
            range: date_range(locale, m.start_date, m.end_date),
            note,
            quoted_note: note.map(|n| n.lines().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")),
            url: web_link(&m.link),
            stay_cancelled: m.stay_cancelled,
            footer: match locale {
                Locale::En => {
                    "deskvisa: free desks for members of the ICT cluster network, wherever they travel in it. \
                     You receive this email because of a request to meet a firm in deskvisa."
                }
                Locale::Pl => {
                    "deskvisa: bezpłatne biurka dla członków sieci klastrów ICT, gdziekolwiek podróżują. \
                     Otrzymujesz tę wiadomość w związku z prośbą o spotkanie z firmą w deskvisa."
                }
            },
        }
    }
}

/// The subject line. Polish avoids past tenses, which would need the
/// person's grammatical gender, and declined names, which cannot be
/// computed: names stay in the nominative.
fn subject(m: &IntroductionMail, locale: Locale, to_visitor: bool) -> String {
    use IntroductionKind::*;
    let (visitor, cluster, firm) = (m.visitor_name.trim(), m.visitor_cluster.trim(), m.firm_name.trim());
    let contact = m.contact_name.as_deref().and_then(non_empty);
    let range = date_range(locale, m.start_date, m.end_date);
    match (locale, m.kind, to_visitor) {
        (Locale::En, IntroductionRequested, _) => format!("{visitor} ({cluster}) would like to meet {firm}"),
        (Locale::En, IntroductionAccepted, true) => match contact {
            Some(contact) => format!("{contact} of {firm} agreed to meet you"),
            None => format!("{firm} agreed to meet you"),
        },
        (Locale::En, IntroductionAccepted, false) => format!("Introduction accepted: {visitor} ({cluster}), {range}"),
        (Locale::En, IntroductionDeclined, _) => format!("{firm} cannot meet you this time"),
        (Locale::En, IntroductionLapsed, _) => format!("Request lapsed: {visitor} ({cluster}) to meet {firm}"),
        (Locale::Pl, IntroductionRequested, _) => format!("{visitor} ({cluster}) prosi o spotkanie z firmą {firm}"),
        (Locale::Pl, IntroductionAccepted, true) => match contact {
            Some(contact) => format!("{contact} z firmy {firm} chętnie się z Tobą spotka"),
            None => format!("Firma {firm} chętnie się z Tobą spotka"),
        },
        (Locale::Pl, IntroductionAccepted, false) => format!("Spotkanie potwierdzone: {visitor} ({cluster}), {range}"),
        (Locale::Pl, IntroductionDeclined, _) => format!("{firm}: tym razem spotkanie nie jest możliwe"),
        (Locale::Pl, IntroductionLapsed, _) => format!("Prośba o spotkanie wygasła: {visitor} ({cluster}) – {firm}"),
    }
}

/// Writes `mail` in its recipient's locale. Never fails: should a template
/// ever fail to render, the body falls back to a plain summary.
pub fn render_introduction(mail: &IntroductionMail) -> Rendered {
    let locale = Locale::parse(&mail.locale).unwrap_or_default();
    let view = View::new(mail, locale);
    let (text, html) = bodies((mail.kind, locale), &view);
    Rendered {
        subject: view.subject.clone(),
        text: text.map(|t| tidy_text(&t)).unwrap_or_else(|_| fallback_text(&view)),
        html: html.unwrap_or_else(|_| pre_html(&fallback_text(&view))),
        calendar: None,
    }
}

fn fallback_text(v: &View<'_>) -> String {
    let mut text = format!("{}\n\n{}\n{}\n{}\n", v.subject, v.site, v.address, v.range);
    if let Some(url) = v.url {
        text.push_str(&format!("\n{url}\n"));
    }
    text
}

/// A realistic sample of `kind` in `locale`, for previews: Anna Nowak of
/// HubClub (Ruda Śląska) asks to meet Bastion Security of Copenhagen
/// Digital during her stay in Copenhagen; `to_visitor` picks the side of
/// an acceptance (the other kinds have one recipient).
pub fn introduction_sample(kind: IntroductionKind, locale: &str, to_visitor: bool) -> IntroductionMail {
    use IntroductionKind::*;
    let locale = Locale::parse(locale).unwrap_or_default();
    let to_visitor = kind.goes_to_visitor(to_visitor);
    let accepted = kind == IntroductionAccepted;
    let (recipient_name, recipient_email) = if to_visitor {
        ("Anna Nowak", "anna.nowak@hubclub.example")
    } else {
        ("Mette Larsen", "mette@bastion.example")
    };
    let note = match locale {
        Locale::En => {
            "We build access control software for co-working spaces and would love to compare notes on \
             NIS2 audits.\nAny afternoon that week suits me."
        }
        Locale::Pl => {
            "Tworzymy oprogramowanie do kontroli dostępu dla przestrzeni coworkingowych i chętnie \
             porozmawiamy o audytach NIS2.\nPasuje mi każde popołudnie w tym tygodniu."
        }
    };
    let id = "0195b7a2-5d2f-7e61-a3c4-8b9e0f1a2c3d";
    IntroductionMail {
        kind,
        locale: locale.as_str().to_owned(),
        recipient_name: recipient_name.to_owned(),
        recipient_email: recipient_email.to_owned(),
        to_visitor,
        visitor_name: "Anna Nowak".to_owned(),
        visitor_firm: "Hub Club Software sp. z o.o.".to_owned(),
        visitor_cluster: "HubClub".to_owned(),
        visitor_email: (accepted && !to_visitor).then(|| "anna.nowak@hubclub.example".to_owned()),
        firm_name: "Bastion Security".to_owned(),
        contact_name: (accepted && to_visitor).then(|| "Mette Larsen".to_owned()),
        contact_email: (accepted && to_visitor).then(|| "mette@bastion.example".to_owned()),
        host_cluster: "Copenhagen Digital".to_owned(),
        site_name: "Nyhavn House".to_owned(),
        site_address: "Nyhavn 12, 1051 København".to_owned(),
        start_date: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default(),
        end_date: NaiveDate::from_ymd_opt(2026, 3, 20).unwrap_or_default(),
        note: note.to_owned(),
        link: match (kind, to_visitor) {
            (IntroductionRequested, _) | (IntroductionAccepted, false) => {
                format!("https://deskvisa.example/introductions/{id}")
            }
            (IntroductionLapsed, _) => "https://deskvisa.example/introductions".to_owned(),
            (IntroductionAccepted | IntroductionDeclined, _) => {
                "https://deskvisa.example/stays/0195b7a2-4c1e-7d3a-9f50-2a6c8e1d4b73".to_owned()
            }
        },
        stay_cancelled: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every email of the family with the flag that picks its recipient.
    fn every_mail() -> Vec<(IntroductionKind, bool)> {
        IntroductionKind::ALL
            .into_iter()
            .flat_map(|kind| match kind {
                IntroductionKind::IntroductionAccepted => vec![(kind, true), (kind, false)],
                _ => vec![(kind, kind.goes_to_visitor(false))],
            })
            .collect()
    }

    fn bodies(r: &Rendered) -> [&str; 2] {
        [&r.text, &r.html]
    }

    /// The body without the English greeting of the contact: an email to
    /// the contact greets them by name, which tells them nothing new.
    fn without_contact_greeting(body: &str) -> String {
        body.replacen("Hello Mette Larsen,", "", 1)
    }

    /// The body above its footer (whose "because of" gives no reason).
    fn above_footer(body: &str) -> &str {
        body.split("\n--\n").next().and_then(|b| b.split("border-top:1px").next()).unwrap_or(body)
    }

    #[test]
    fn every_kind_renders_in_both_languages_to_each_recipient() {
        for (kind, to_visitor) in every_mail() {
            for locale in ["en", "pl"] {
                let mail = introduction_sample(kind, locale, to_visitor);
                let r = render_introduction(&mail);
                let what = format!("{kind} {locale} to_visitor={to_visitor}");
                assert!(!r.subject.trim().is_empty() && !r.subject.contains(|c: char| c.is_control()), "{what}");
                assert!(r.html.starts_with("<!DOCTYPE html>"), "{what}");
                assert!(r.html.contains(&format!("<html lang=\"{locale}\">")), "{what}");
                assert!(!r.text.contains("\n\n\n"), "{what}: {}", r.text);
                assert!(r.calendar.is_none(), "{what}");
                for body in [&r.text, &r.html] {
                    assert!(!body.contains("{{") && !body.contains("{%"), "{what}: template syntax left");
                    for needle in ["Bastion Security", "Nyhavn House", "https://deskvisa.example/"] {
                        assert!(body.contains(needle), "{what}: {needle} missing\n{body}");
                    }
                    // Named in every email but those greeting her without a name.
                    assert!(body.contains("Anna Nowak") || (locale == "pl" && to_visitor), "{what}: {body}");
                }
                let (dates, greeting) = match locale {
                    "pl" => ("16–20 marca 2026", "Dzień dobry,\n"),
                    _ => ("16–20 March 2026", "Hello "),
                };
                assert!(r.text.contains(dates) && r.html.contains(dates), "{what}: {}", r.text);
                assert!(r.text.starts_with(greeting), "{what}");
                if locale == "pl" {
                    let polish = r.text.trim_start_matches("Dzień dobry,");
                    assert!(polish.contains(|c| "ąćęłńóśźż".contains(c)), "{what}: {polish}");
                    assert!(!r.text.contains("Hello") && !r.text.contains("March"), "{what}");
                }
                if kind == IntroductionKind::IntroductionRequested {
                    assert!(r.text.contains("Hub Club Software sp. z o.o.") && r.text.contains("HubClub"), "{what}");
                    assert!(r.text.contains("Copenhagen Digital"), "{what}");
                }
            }
        }
    }

    #[test]
    fn subjects_name_who_asks_and_who_agreed() {
        let subject =
            |kind, locale, to_visitor| render_introduction(&introduction_sample(kind, locale, to_visitor)).subject;
        assert_eq!(
            subject(IntroductionKind::IntroductionRequested, "en", false),
            "Anna Nowak (HubClub) would like to meet Bastion Security"
        );
        assert_eq!(
            subject(IntroductionKind::IntroductionRequested, "pl", false),
            "Anna Nowak (HubClub) prosi o spotkanie z firmą Bastion Security"
        );
        assert_eq!(
            subject(IntroductionKind::IntroductionAccepted, "en", true),
            "Mette Larsen of Bastion Security agreed to meet you"
        );
        let mut mail = introduction_sample(IntroductionKind::IntroductionRequested, "en", false);
        mail.visitor_name = "Anna\r\nBcc: x@example.com".to_owned();
        assert_eq!(
            render_introduction(&mail).subject,
            "Anna Bcc: x@example.com (HubClub) would like to meet Bastion Security"
        );
    }

    #[test]
    fn each_address_reaches_only_the_other_side_after_accepting() {
        let contact_email = "mette@bastion.example";
        let visitor_email = "anna.nowak@hubclub.example";
        for (kind, to_visitor) in every_mail() {
            for locale in ["en", "pl"] {
                let r = render_introduction(&introduction_sample(kind, locale, to_visitor));
                let what = format!("{kind} {locale} to_visitor={to_visitor}");
                let accepted = kind == IntroductionKind::IntroductionAccepted;
                for body in bodies(&r) {
                    assert_eq!(body.contains(contact_email), accepted && to_visitor, "{what}: {body}");
                    assert_eq!(body.contains(visitor_email), accepted && !to_visitor, "{what}: {body}");
                    // To the visitor, the contact is named only once they accepted;
                    // to the contact, only in the English greeting.
                    let named = if to_visitor { body.to_owned() } else { without_contact_greeting(body) };
                    assert_eq!(named.contains("Mette Larsen"), accepted && to_visitor, "{what}: {body}");
                }
            }
        }
    }

    #[test]
    fn addresses_passed_where_they_do_not_belong_are_not_shown() {
        for (kind, to_visitor) in every_mail() {
            let mut mail = introduction_sample(kind, "en", to_visitor);
            mail.contact_name = Some("Mette Larsen".to_owned());
            mail.contact_email = Some("mette@bastion.example".to_owned());
            mail.visitor_email = Some("anna.nowak@hubclub.example".to_owned());
            let r = render_introduction(&mail);
            let accepted = kind == IntroductionKind::IntroductionAccepted;
            for body in bodies(&r) {
                assert_eq!(body.contains("mette@bastion.example"), accepted && to_visitor, "{kind}: {body}");
                assert_eq!(body.contains("anna.nowak@hubclub.example"), accepted && !to_visitor, "{kind}: {body}");
            }
        }
    }

    #[test]
    fn a_decline_gives_no_reason_and_names_no_contact() {
        for locale in ["en", "pl"] {
            let r = render_introduction(&introduction_sample(IntroductionKind::IntroductionDeclined, locale, true));
            for body in bodies(&r) {
                let lower = above_footer(body).to_lowercase();
                for reason in ["reason", "because", "powód", "powodu", "ponieważ", "dlatego"] {
                    assert!(!lower.contains(reason), "{locale}: {reason} in {body}");
                }
                assert!(!body.contains("Mette") && !body.contains("Larsen"), "{locale}: {body}");
            }
            assert!(r.text.contains("https://deskvisa.example/stays/"), "{locale}: points to the stay's page");
        }
    }

    #[test]
    fn the_note_keeps_its_lines_where_the_contact_reads_it() {
        for (kind, to_visitor) in every_mail() {
            let r = render_introduction(&introduction_sample(kind, "en", to_visitor));
            let shown = kind == IntroductionKind::IntroductionRequested
                || (kind == IntroductionKind::IntroductionAccepted && !to_visitor);
            assert_eq!(r.text.contains("> Any afternoon that week suits me."), shown, "{kind}: {}", r.text);
            assert_eq!(r.html.contains("NIS2 audits.\nAny afternoon"), shown, "{kind}");
        }
    }

    #[test]
    fn a_lapse_says_why_it_lapsed() {
        let mut mail = introduction_sample(IntroductionKind::IntroductionLapsed, "en", false);
        assert!(render_introduction(&mail).text.contains("has ended"));
        mail.stay_cancelled = true;
        assert!(render_introduction(&mail).text.contains("was cancelled"));
        mail.locale = "pl".to_owned();
        assert!(render_introduction(&mail).text.contains("został odwołany"));
    }

    #[test]
    fn untrusted_text_is_escaped_in_html_and_a_link_that_is_not_http_is_left_out() {
        let mut mail = introduction_sample(IntroductionKind::IntroductionRequested, "en", false);
        mail.note = "Hi <script>alert(1)</script>\nsee you".to_owned();
        mail.visitor_firm = "Smith & <b>Sons</b>".to_owned();
        mail.link = "javascript:alert(1)".to_owned();
        let r = render_introduction(&mail);
        assert!(!r.html.contains("<script>") && r.html.contains("Hi &#60;script&#62;alert(1)&#60;/script&#62;"));
        assert!(!r.html.contains("<b>Sons") && r.html.contains("Smith &#38; &#60;b&#62;Sons"));
        assert!(!r.html.contains("javascript") && !r.text.contains("javascript"));
        // The text body is not HTML: what was typed is shown as typed.
        assert!(r.text.contains("> Hi <script>alert(1)</script>") && r.text.contains("Smith & <b>Sons</b>"));
    }

    #[test]
    fn names_round_trip() {
        for kind in IntroductionKind::ALL {
            assert_eq!(IntroductionKind::parse(kind.as_str()), Some(kind));
            assert_eq!(IntroductionKind::of(kind.kind()), Some(kind));
        }
        assert_eq!(IntroductionKind::parse("introduction_requested"), Some(IntroductionKind::IntroductionRequested));
        assert_eq!(IntroductionKind::parse("sign_in"), None);
    }
}
