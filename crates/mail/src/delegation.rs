//! The email of a delegation (issue 23): to the host's cluster admins, a
//! cluster asks for stays for a group of its members at one site and range;
//! they decide once for all on the delegation's page.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::Locale;
use deskvisa_words::{date_range, instant_in_zone};

use crate::Rendered;
use crate::kind::mail_family;
use crate::render::{non_empty, one_line, templates, web_link};

mail_family! {
    /// Which delegation email this is.
    pub enum DelegationKind {
        /// To the host's admins: decide for the group.
        DelegationRequestedHost,
    }
}

/// Everything one delegation email is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DelegationMail {
    /// Which email.
    pub kind: DelegationKind,
    /// `en` or `pl` (anything else is English).
    pub locale: String,
    /// The host admin's name.
    pub recipient_name: String,
    /// The host admin's address.
    pub recipient_email: String,
    /// The cluster that sends the group.
    pub home_cluster_name: String,
    /// The host cluster.
    pub host_cluster_name: String,
    /// The site.
    pub site_name: String,
    /// The site's zone (the deadline is given in it).
    pub site_timezone: String,
    /// First date.
    pub start_date: NaiveDate,
    /// Last date, included.
    pub end_date: NaiveDate,
    /// Why the group comes.
    pub purpose: String,
    /// The members, with their firms.
    pub members: Vec<(String, String)>,
    /// When the answer is due (none when the group was approved at once).
    pub answer_deadline: Option<DateTime<Utc>>,
    /// The delegation's page.
    pub url: String,
}

struct View<'a> {
    lang: &'static str,
    subject: String,
    name: &'a str,
    home: &'a str,
    host: &'a str,
    site: &'a str,
    range: String,
    purpose: Option<&'a str>,
    members: Vec<String>,
    deadline: Option<String>,
    url: Option<&'a str>,
    footer: &'static str,
}

templates! {
    fn bodies((DelegationKind, Locale)) for View {
        (DelegationKind::DelegationRequestedHost, Locale::En) =>
            RequestedEnTxt("delegation_requested_host/en.txt"),
            RequestedEnHtml("delegation_requested_host/en.html");
        (DelegationKind::DelegationRequestedHost, Locale::Pl) =>
            RequestedPlTxt("delegation_requested_host/pl.txt"),
            RequestedPlHtml("delegation_requested_host/pl.html");
    }
}

/// Writes `mail` in its recipient's locale.
pub fn render_delegation(mail: &DelegationMail) -> Rendered {
    let locale = Locale::parse(&mail.locale).unwrap_or_default();
    let range = date_range(locale, mail.start_date, mail.end_date);
    let (home, site, n) = (mail.home_cluster_name.trim(), mail.site_name.trim(), mail.members.len());
    let subject = match locale {
        Locale::En => format!("Please decide: a delegation of {n} from {home} at {site}, {range}"),
        Locale::Pl => format!("Prośba o decyzję: delegacja z {home} (osoby: {n}) – {site}, {range}"),
    };
    let view = View {
        lang: locale.as_str(),
        subject: one_line(&subject),
        name: mail.recipient_name.trim(),
        home,
        host: mail.host_cluster_name.trim(),
        site,
        range,
        purpose: non_empty(&mail.purpose),
        members: mail
            .members
            .iter()
            .map(|(name, firm)| if firm.trim().is_empty() { name.clone() } else { format!("{name} ({})", firm.trim()) })
            .collect(),
        deadline: mail.answer_deadline.map(|d| instant_in_zone(locale, d, &mail.site_timezone)),
        url: web_link(&mail.url),
        footer: match locale {
            Locale::En => {
                "deskvisa: free desks for members of the ICT cluster network, wherever they travel in it. \
                 You receive this email as an admin of a host cluster."
            }
            Locale::Pl => {
                "deskvisa: bezpłatne biurka dla członków sieci klastrów ICT, gdziekolwiek podróżują. \
                 Otrzymujesz tę wiadomość jako osoba administrująca klastrem-gospodarzem."
            }
        },
    };
    crate::render::with_bodies(view.subject.clone(), bodies((mail.kind, locale), &view), view.url)
}

/// A sample of `kind` in `locale`, for previews.
pub fn delegation_sample(kind: DelegationKind, locale: &str) -> DelegationMail {
    let day = |d| NaiveDate::from_ymd_opt(2026, 3, d).unwrap_or_default();
    DelegationMail {
        kind,
        locale: Locale::parse(locale).unwrap_or_default().as_str().to_owned(),
        recipient_name: "Mette Sørensen".to_owned(),
        recipient_email: "admin@copenhagen-digital-cluster.example".to_owned(),
        home_cluster_name: "HubClub".to_owned(),
        host_cluster_name: "Copenhagen Digital Cluster".to_owned(),
        site_name: "Copenhagen Digital Cluster – Nørrebro".to_owned(),
        site_timezone: "Europe/Copenhagen".to_owned(),
        start_date: day(9),
        end_date: day(13),
        purpose: "A study visit: fintech and the public sector.".to_owned(),
        members: vec![
            ("Anna Nowak".to_owned(), "Hub Club Software".to_owned()),
            ("Piotr Zieliński".to_owned(), "Silesia Robotics".to_owned()),
            ("Ola Wiśniewska".to_owned(), String::new()),
        ],
        answer_deadline: Some(day(5).and_hms_opt(11, 0, 0).unwrap_or_default().and_utc()),
        url: "https://deskvisa.example/delegations/0195b7a2-4c1e-7d3a-9f50-2a6c8e1d4b73".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_reads_every_member_and_one_link_to_decide() {
        for locale in ["en", "pl"] {
            let mail = delegation_sample(DelegationKind::DelegationRequestedHost, locale);
            let r = render_delegation(&mail);
            assert!(r.text.contains(&mail.url) && r.html.contains(&mail.url), "{locale}");
            for name in ["Anna Nowak (Hub Club Software)", "Piotr Zieliński", "Ola Wiśniewska"] {
                assert!(r.text.contains(name) && r.html.contains(name), "{locale}: {name}\n{}", r.text);
            }
            assert!(r.text.contains("12:00"), "the deadline in the site's zone: {}", r.text);
        }
        let r = render_delegation(&delegation_sample(DelegationKind::DelegationRequestedHost, "en"));
        assert!(r.subject.starts_with("Please decide: a delegation of 3 from HubClub"), "{}", r.subject);
    }
}
