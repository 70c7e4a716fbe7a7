//! The emails of the waitlist for full days (issue 23): desks are free for
//! a waiting member's dates and held for them until the offer expires
//! (accept on the linked page, or let it go); and the offer ran out, the
//! desks gone to the next in line. In the recipient's locale, as text and
//! HTML with the same layout as every other email.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::Locale;
use deskvisa_words::{date_range, instant_in_zone};

use crate::Rendered;
use crate::kind::mail_family;
use crate::render::{one_line, templates, web_link};

mail_family! {
    /// Which waitlist email this is.
    pub enum WaitlistKind {
        /// Desks are held for the member: accept before the offer expires.
        WaitlistOffered,
        /// The offer ran out.
        WaitlistLapsed,
    }
}

/// Everything one waitlist email is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistMail {
    /// Which email.
    pub kind: WaitlistKind,
    /// `en` or `pl` (anything else is English).
    pub locale: String,
    /// The waiting member's name.
    pub recipient_name: String,
    /// The site.
    pub site_name: String,
    /// The host cluster.
    pub host_cluster_name: String,
    /// The site's IANA zone (the expiry is given in it).
    pub site_timezone: String,
    /// The dates waited for.
    pub start_date: NaiveDate,
    /// Last date, included.
    pub end_date: NaiveDate,
    /// When the offer stops holding the desks.
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// The entry's page: accept there.
    pub url: String,
}

struct View<'a> {
    lang: &'static str,
    subject: String,
    name: &'a str,
    site: &'a str,
    host: &'a str,
    range: String,
    expires: Option<String>,
    url: Option<&'a str>,
    footer: &'static str,
}

templates! {
    fn bodies((WaitlistKind, Locale)) for View {
        (WaitlistKind::WaitlistOffered, Locale::En) =>
            OfferedEnTxt("waitlist_offered/en.txt"),
            OfferedEnHtml("waitlist_offered/en.html");
        (WaitlistKind::WaitlistOffered, Locale::Pl) =>
            OfferedPlTxt("waitlist_offered/pl.txt"),
            OfferedPlHtml("waitlist_offered/pl.html");
        (WaitlistKind::WaitlistLapsed, Locale::En) =>
            LapsedEnTxt("waitlist_lapsed/en.txt"),
            LapsedEnHtml("waitlist_lapsed/en.html");
        (WaitlistKind::WaitlistLapsed, Locale::Pl) =>
            LapsedPlTxt("waitlist_lapsed/pl.txt"),
            LapsedPlHtml("waitlist_lapsed/pl.html");
    }
}

/// Writes `mail` in its recipient's locale.
pub fn render_waitlist(mail: &WaitlistMail) -> Rendered {
    let locale = Locale::parse(&mail.locale).unwrap_or_default();
    let site = mail.site_name.trim();
    let range = date_range(locale, mail.start_date, mail.end_date);
    let subject = match (locale, mail.kind) {
        (Locale::En, WaitlistKind::WaitlistOffered) => format!("A desk is free for you: {site}, {range}"),
        (Locale::Pl, WaitlistKind::WaitlistOffered) => format!("Biurko czeka na Ciebie: {site}, {range}"),
        (Locale::En, WaitlistKind::WaitlistLapsed) => format!("Offer lapsed: {site}, {range}"),
        (Locale::Pl, WaitlistKind::WaitlistLapsed) => format!("Oferta wygasła: {site}, {range}"),
    };
    let view = View {
        lang: locale.as_str(),
        subject: one_line(&subject),
        name: mail.recipient_name.trim(),
        site,
        host: mail.host_cluster_name.trim(),
        range,
        expires: mail.offer_expires_at.map(|at| instant_in_zone(locale, at, &mail.site_timezone)),
        url: web_link(&mail.url),
        footer: match locale {
            Locale::En => {
                "deskvisa: free desks for members of the ICT cluster network, wherever they travel in it. \
                 You receive this email because you waited for a desk in deskvisa."
            }
            Locale::Pl => {
                "deskvisa: bezpłatne biurka dla członków sieci klastrów ICT, gdziekolwiek podróżują. \
                 Otrzymujesz tę wiadomość, ponieważ czekasz na biurko w deskvisa."
            }
        },
    };
    crate::render::with_bodies(view.subject.clone(), bodies((mail.kind, locale), &view), view.url)
}

/// A sample of `kind` in `locale`, for previews.
pub fn waitlist_sample(kind: WaitlistKind, locale: &str) -> WaitlistMail {
    let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
    WaitlistMail {
        kind,
        locale: Locale::parse(locale).unwrap_or_default().as_str().to_owned(),
        recipient_name: "Anna Nowak".to_owned(),
        site_name: "Copenhagen Digital Cluster – Nørrebro".to_owned(),
        host_cluster_name: "Copenhagen Digital Cluster".to_owned(),
        site_timezone: "Europe/Copenhagen".to_owned(),
        start_date: day(9),
        end_date: day(13),
        offer_expires_at: (kind == WaitlistKind::WaitlistOffered)
            .then(|| day(4).and_hms_opt(11, 0, 0).unwrap_or_default().and_utc()),
        url: "https://deskvisa.example/waitlist/0195b7a2-4c1e-7d3a-9f50-2a6c8e1d4b73".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_render_in_both_languages_with_the_link_and_the_expiry() {
        for kind in WaitlistKind::ALL {
            for locale in ["en", "pl"] {
                let mail = waitlist_sample(kind, locale);
                let r = render_waitlist(&mail);
                assert!(r.text.contains(&mail.url) && r.html.contains(&mail.url), "{kind} {locale}");
                assert!(r.html.contains(&format!("<html lang=\"{locale}\">")));
                assert!(r.calendar.is_none());
                if kind == WaitlistKind::WaitlistOffered {
                    assert!(r.text.contains("12:00"), "the expiry in the site's zone: {}", r.text);
                }
            }
        }
        let r = render_waitlist(&waitlist_sample(WaitlistKind::WaitlistOffered, "en"));
        assert_eq!(r.subject, "A desk is free for you: Copenhagen Digital Cluster – Nørrebro, 9–13 March 2026");
    }
}
