//! The emails about a person's account rather than a stay: the sign-in link
//! and the welcome of an invited member (DOMAIN.md, "Emails"), in the
//! recipient's locale, as text and HTML with the same layout as every other.

use deskvisa_rules::Locale;

use crate::Rendered;
use crate::kind::mail_family;
use crate::render::{templates, web_link};

mail_family! {
    /// Which account email this is.
    pub enum AccountKind {
        /// A single-use sign-in link.
        SignIn,
        /// The welcome of a newly invited member, with a sign-in link.
        MemberInvited,
    }
}

/// Everything one account email is written from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountMail {
    /// Which email.
    pub kind: AccountKind,
    /// `en` or `pl` (anything else is English).
    pub locale: String,
    /// The recipient's name.
    pub recipient_name: String,
    /// The recipient's address.
    pub recipient_email: String,
    /// The single-use sign-in link.
    pub link: String,
    /// The sign-in page, for when the link has expired.
    pub sign_in_page: String,
    /// The member's home cluster.
    pub cluster_name: String,
    /// How long the link works, in minutes.
    pub valid_minutes: u32,
}

struct View<'a> {
    lang: &'static str,
    subject: String,
    name: &'a str,
    cluster: &'a str,
    link: String,
    sign_in_page: String,
    minutes: u32,
    footer: &'static str,
}

templates! {
    fn bodies((AccountKind, Locale)) for View {
        (AccountKind::SignIn, Locale::En) => SignInEnTxt("sign_in/en.txt"), SignInEnHtml("sign_in/en.html");
        (AccountKind::SignIn, Locale::Pl) => SignInPlTxt("sign_in/pl.txt"), SignInPlHtml("sign_in/pl.html");
        (AccountKind::MemberInvited, Locale::En) =>
            InvitedEnTxt("member_invited/en.txt"),
            InvitedEnHtml("member_invited/en.html");
        (AccountKind::MemberInvited, Locale::Pl) =>
            InvitedPlTxt("member_invited/pl.txt"),
            InvitedPlHtml("member_invited/pl.html");
    }
}

/// The link, or nothing when it is not an http(s) URL ([`web_link`]).
fn safe_url(url: &str) -> String {
    web_link(url).unwrap_or_default().to_owned()
}

/// Writes `mail` in its recipient's locale.
pub fn render_account(mail: &AccountMail) -> Rendered {
    let locale = Locale::parse(&mail.locale).unwrap_or_default();
    let cluster = mail.cluster_name.trim();
    let subject = match (locale, mail.kind) {
        (Locale::En, AccountKind::SignIn) => "Your deskvisa sign-in link".to_owned(),
        (Locale::Pl, AccountKind::SignIn) => "Twój link do logowania w deskvisa".to_owned(),
        (Locale::En, AccountKind::MemberInvited) => format!("{cluster} invites you to deskvisa"),
        (Locale::Pl, AccountKind::MemberInvited) => format!("{cluster} zaprasza Cię do deskvisa"),
    };
    let view = View {
        lang: locale.as_str(),
        subject: subject.split(|c: char| c.is_control()).collect::<Vec<_>>().join(" "),
        name: mail.recipient_name.trim(),
        cluster,
        link: safe_url(&mail.link),
        sign_in_page: safe_url(&mail.sign_in_page),
        minutes: mail.valid_minutes,
        footer: match locale {
            Locale::En => {
                "deskvisa: free desks for members of the ICT cluster network, wherever they travel in it. \
                 You receive this email because of your deskvisa account."
            }
            Locale::Pl => {
                "deskvisa: bezpłatne biurka dla członków sieci klastrów ICT, gdziekolwiek podróżują. \
                 Otrzymujesz tę wiadomość w związku z Twoim kontem w deskvisa."
            }
        },
    };
    let (text, html) = bodies((mail.kind, locale), &view);
    // Never an email without its link: should a template fail, the link alone.
    let fallback = format!("{}\n\n{}\n", view.subject, view.link);
    Rendered {
        subject: view.subject.clone(),
        text: text.unwrap_or_else(|_| fallback.clone()),
        html: html.unwrap_or_else(|_| format!("<!DOCTYPE html><html><body><p>{}</p></body></html>", view.link)),
        calendar: None,
    }
}

/// A sample of `kind` in `locale`, for previews.
pub fn account_sample(kind: AccountKind, locale: &str) -> AccountMail {
    AccountMail {
        kind,
        locale: Locale::parse(locale).unwrap_or_default().as_str().to_owned(),
        recipient_name: "Anna Nowak".to_owned(),
        recipient_email: "anna.nowak@hubclub.example".to_owned(),
        link: "https://deskvisa.example/auth/verify?token=dv_sample-token-for-preview".to_owned(),
        sign_in_page: "https://deskvisa.example/sign-in".to_owned(),
        cluster_name: "HubClub".to_owned(),
        valid_minutes: 15,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_render_in_both_languages_with_the_link() {
        for kind in AccountKind::ALL {
            for locale in ["en", "pl"] {
                let mail = account_sample(kind, locale);
                let r = render_account(&mail);
                assert!(r.text.contains(&mail.link) && r.html.contains(&mail.link), "{kind} {locale}");
                assert!(r.html.contains(&format!("<html lang=\"{locale}\">")));
                assert!(r.text.contains("15 minut"), "{kind} {locale}: {}", r.text);
                assert!(r.calendar.is_none());
                if locale == "pl" {
                    assert!(r.text.starts_with("Dzień dobry,"));
                }
                if kind == AccountKind::MemberInvited {
                    assert!(r.text.contains("https://deskvisa.example/sign-in"));
                    assert!(r.subject.contains("HubClub"));
                }
                assert_eq!(AccountKind::parse(kind.as_str()), Some(kind));
            }
        }
    }

    #[test]
    fn a_link_that_is_not_http_is_left_out() {
        let mut mail = account_sample(AccountKind::SignIn, "en");
        mail.link = "javascript:alert(1)".to_owned();
        let r = render_account(&mail);
        assert!(!r.text.contains("javascript") && !r.html.contains("javascript"));
    }
}
