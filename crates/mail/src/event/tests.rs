//! Event email tests: every kind in every locale, the calendar file each
//! carries, times in the site's zone, escaping, names.

use std::collections::HashSet;

use chrono::NaiveDate;

use super::*;
use crate::ics::{event_uid, unfold};
use crate::tests::{assert_escaped, for_every_kind_and_locale, now, round_trip};
use crate::{AccountKind, StayMailKind};

/// The values of every (unfolded) line of `ics` that starts with `name`.
fn property(ics: &str, name: &str) -> Vec<String> {
    unfold(ics).split("\r\n").filter_map(|l| l.strip_prefix(name)).map(str::to_owned).collect()
}

fn calendar(mail: &EventMail) -> CalendarFile {
    render_event(mail, now()).calendar.unwrap()
}

#[test]
fn every_kind_renders_in_every_locale() {
    for_every_kind_and_locale(EventMailKind::ALL, event_sample, render_event, |mail, r, locale, what| {
        assert!(r.subject.contains(&mail.title), "{what}: {}", r.subject);
        assert!(r.text.len() > 300, "{what}: {}", r.text);
        assert!(r.text.ends_with('\n') && !r.text.ends_with("\n\n"), "{what}");
        assert!(r.html.contains(&format!("<title>{}</title>", r.subject)), "{what}");
        for body in [&r.text, &r.html] {
            assert!(body.contains(&mail.title), "{what}");
            assert!(body.contains("Copenhagen Digital Cluster – Nørrebro"), "{what}");
            assert!(body.contains("desks@copenhagen-digital-cluster.example"), "{what}");
            assert!(body.contains("(Europe/Copenhagen)"), "{what}: the zone is named");
            assert!(body.contains("https://deskvisa.example/events/0195b7a2-9e3d-7c41-8b2a-5f0d6e7c1a90"), "{what}");
            assert!(body.contains("smørrebrød"), "{what}: the description");
            if let Some(reason) = &mail.reason {
                assert!(body.contains(reason.as_str()), "{what}: the reason");
            }
        }
        assert!(!r.html.contains("http://"), "{what}");
        match locale {
            "pl" => {
                assert!(r.text.contains("wydarzeni"), "{what}");
                assert!(r.text.contains("Otrzymujesz tę wiadomość w związku z zapisem na wydarzenie"), "{what}");
                for english in ["Hello", " March ", "Tuesday", "Event:", "When:", "Questions", "Reason"] {
                    assert!(!r.text.contains(english) && !r.html.contains(english), "{what}: {english}");
                }
            }
            _ => {
                assert!(r.text.starts_with("Hello Anna Nowak,\n"), "{what}");
                assert!(r.text.contains("Tuesday, 10 March 2026"), "{what}");
                for polish in ["Dzień", "marca", "wtorek", "Powód", "Termin"] {
                    assert!(!r.text.contains(polish) && !r.html.contains(polish), "{what}: {polish}");
                }
            }
        }
    });
}

#[test]
fn each_kind_says_what_happened() {
    use EventMailKind::{EventCancelled, EventChanged, EventRegistered, EventRegistrationWithdrawn};
    for (kind, locale, says) in [
        (EventRegistered, "en", &["You are registered for “Fintech evening", "puts the event in your calendar"][..]),
        (EventChanged, "en", &["has changed “Fintech evening"]),
        (EventCancelled, "en", &["has cancelled “Fintech evening", "removes the event from your calendar"]),
        (EventRegistrationWithdrawn, "en", &["has been withdrawn", "you can register again in deskvisa"]),
        (EventRegistered, "pl", &["potwierdzamy Twój zapis na wydarzenie „Wieczór"]),
        (EventChanged, "pl", &["Twój zapis pozostaje ważny"]),
        (EventCancelled, "pl", &["odwołuje wydarzenie „Wieczór", "Powód:\nNasz główny prelegent zachorował"]),
        (EventRegistrationWithdrawn, "pl", &["został wycofany", "możesz ponownie zapisać się"]),
    ] {
        let text = render_event(&event_sample(kind, locale), now()).text;
        for says in says {
            assert!(text.contains(says), "{kind} {locale}: {says}\n{text}");
        }
    }
    // A withdrawal with no reason given says why registrations get withdrawn.
    let mut no_reason = event_sample(EventMailKind::EventRegistrationWithdrawn, "en");
    no_reason.reason = Some(" ".to_owned());
    let r = render_event(&no_reason, now());
    assert!(!r.text.contains("Reason:"), "{}", r.text);
    assert!(r.text.contains("while they hold an approved stay at the site"), "{}", r.text);
    let with_reason = render_event(&event_sample(EventMailKind::EventRegistrationWithdrawn, "en"), now());
    assert!(!with_reason.text.contains("while they hold an approved stay"));
}

#[test]
fn subjects_and_times_are_written_per_locale() {
    let en = render_event(&event_sample(EventMailKind::EventRegistered, "en"), now());
    assert_eq!(
        en.subject,
        "Registered: Fintech evening: open banking after PSD3, 10 March 2026, 17:00 at Copenhagen Digital Cluster – Nørrebro"
    );
    assert!(en.text.contains("When:       Tuesday, 10 March 2026, 17:00–19:00 (Europe/Copenhagen)\n"), "{}", en.text);
    let pl = render_event(&event_sample(EventMailKind::EventChanged, "pl"), now());
    assert_eq!(
        pl.subject,
        "Zmiany w wydarzeniu: Wieczór fintech: otwarta bankowość po PSD3, 10 marca 2026, godz. 18:00, \
         Copenhagen Digital Cluster – Nørrebro"
    );
    assert!(pl.text.contains("Termin:        wtorek, 10 marca 2026, 18:00–20:00 (Europe/Copenhagen)\n"), "{}", pl.text);
    let subjects: Vec<String> = EventMailKind::ALL
        .into_iter()
        .flat_map(|k| ["en", "pl"].map(|l| render_event(&event_sample(k, l), now()).subject))
        .collect();
    for (prefix, subject) in [
        "Registered: ",
        "Zapis potwierdzony: ",
        "Changed: ",
        "Zmiany w wydarzeniu: ",
        "Cancelled: ",
        "Wydarzenie odwołane: ",
        "Registration withdrawn: ",
        "Zapis wycofany: ",
    ]
    .into_iter()
    .zip(&subjects)
    {
        assert!(subject.starts_with(prefix), "{subject}");
    }
}

#[test]
fn registrations_and_changes_invite_cancellations_and_withdrawals_cancel() {
    for locale in ["en", "pl"] {
        for kind in EventMailKind::ALL {
            let mail = event_sample(kind, locale);
            let c = calendar(&mail);
            let what = format!("{kind} {locale}");
            let (method, status) = match kind {
                EventMailKind::EventRegistered | EventMailKind::EventChanged => (IcsMethod::Request, "CONFIRMED"),
                EventMailKind::EventCancelled | EventMailKind::EventRegistrationWithdrawn => {
                    (IcsMethod::Cancel, "CANCELLED")
                }
            };
            assert_eq!(c.method, method, "{what}");
            assert_eq!(kind.calendar_method(), method, "{what}");
            assert_eq!(property(&c.content, "METHOD:"), [method.as_str()], "{what}");
            assert_eq!(property(&c.content, "STATUS:"), [status], "{what}");
            assert_eq!(property(&c.content, "SEQUENCE:"), [mail.sequence.to_string()], "{what}");
            assert_eq!(property(&c.content, "DTSTAMP:"), ["20260302T090000Z"], "{what}");
            assert_eq!(property(&c.content, "SUMMARY:"), [crate::ics::escape_text(&mail.title)], "{what}");
            assert_eq!(
                property(&c.content, "ORGANIZER;"),
                ["CN=\"Copenhagen Digital Cluster – Nørrebro\":mailto:desks@copenhagen-digital-cluster.example"],
                "{what}"
            );
            let attendees = property(&c.content, "ATTENDEE;");
            assert_eq!(attendees.len(), 1, "{what}");
            assert!(attendees[0].starts_with("CN=\"Anna Nowak\";"), "{what}");
            assert!(attendees[0].ends_with(":mailto:anna.nowak@hubclub.example"), "{what}");
            assert_eq!(attendees[0].contains("PARTSTAT=ACCEPTED"), method == IcsMethod::Request, "{what}");
            assert!(c.content.ends_with("END:VCALENDAR\r\n"), "{what}");
            for physical in c.content.split("\r\n") {
                assert!(physical.len() <= 75, "{what}: {physical}");
            }
        }
    }
    let cancelled = calendar(&event_sample(EventMailKind::EventCancelled, "en"));
    let description = property(&cancelled.content, "DESCRIPTION:").remove(0);
    assert!(description.starts_with("This event is cancelled.\\nReason: Our keynote speaker"), "{description}");
    let withdrawn = calendar(&event_sample(EventMailKind::EventRegistrationWithdrawn, "pl"));
    let description = property(&withdrawn.content, "DESCRIPTION:").remove(0);
    assert!(description.starts_with("Twój zapis został wycofany.\\nPowód: Twój pobyt"), "{description}");
}

#[test]
fn the_uid_is_the_events_whatever_the_email() {
    let uids: HashSet<Vec<String>> = EventMailKind::ALL
        .into_iter()
        .flat_map(|k| ["en", "pl"].map(|l| property(&calendar(&event_sample(k, l)).content, "UID:")))
        .collect();
    assert_eq!(uids.len(), 1, "{uids:?}");
    let uid = uids.into_iter().next().unwrap();
    assert_eq!(uid, ["event-0195b7a2-9e3d-7c41-8b2a-5f0d6e7c1a90@deskvisa"]);
    assert_eq!(uid[0], event_uid("0195b7a2-9e3d-7c41-8b2a-5f0d6e7c1a90"));
    // A later email about the same event replaces the earlier entry.
    let registered = event_sample(EventMailKind::EventRegistered, "en");
    let changed = EventMail { kind: EventMailKind::EventChanged, sequence: 7, ..registered.clone() };
    assert_eq!(property(&calendar(&changed).content, "SEQUENCE:"), ["7"]);
    assert_eq!(property(&calendar(&changed).content, "UID:"), property(&calendar(&registered).content, "UID:"));
}

#[test]
fn times_are_the_utc_instants_of_the_sites_wall_clock() {
    // 17:00 in Copenhagen in March (UTC+1) is 16:00 UTC.
    let registered = calendar(&event_sample(EventMailKind::EventRegistered, "en"));
    assert_eq!(property(&registered.content, "DTSTART:"), ["20260310T160000Z"]);
    assert_eq!(property(&registered.content, "DTEND:"), ["20260310T180000Z"]);
    // The change moved it an hour later.
    let changed = calendar(&event_sample(EventMailKind::EventChanged, "pl"));
    assert_eq!(property(&changed.content, "DTSTART:"), ["20260310T170000Z"]);
    // Summer time: UTC+2.
    let mut summer = event_sample(EventMailKind::EventRegistered, "en");
    summer.starts_at = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap().and_hms_opt(9, 30, 0).unwrap();
    summer.ends_at = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap().and_hms_opt(11, 0, 0).unwrap();
    let c = calendar(&summer);
    assert_eq!(property(&c.content, "DTSTART:"), ["20260701T073000Z"]);
    assert_eq!(property(&c.content, "DTEND:"), ["20260701T090000Z"]);
    // Past midnight: both ends written out.
    let ends_at = NaiveDate::from_ymd_opt(2026, 3, 11).unwrap().and_hms_opt(1, 0, 0).unwrap();
    let r = render_event(&EventMail { ends_at, ..event_sample(EventMailKind::EventRegistered, "en") }, now());
    assert!(r.text.contains("Tuesday, 10 March 2026, 17:00 – Wednesday, 11 March 2026, 01:00 (Europe/Copenhagen)"));
    assert_eq!(property(&r.calendar.unwrap().content, "DTEND:"), ["20260311T000000Z"]);
}

#[test]
fn an_unknown_zone_is_utc_and_an_unknown_locale_english() {
    let mail = EventMail {
        site_timezone: "Mars/Olympus_Mons".to_owned(),
        locale: "de".to_owned(),
        ..event_sample(EventMailKind::EventRegistered, "pl")
    };
    let r = render_event(&mail, now());
    assert!(r.text.starts_with("Hello Anna Nowak,"), "{}", r.text);
    assert!(r.html.contains("<html lang=\"en\">"));
    assert!(r.text.contains("Tuesday, 10 March 2026, 17:00–19:00 (UTC)"), "{}", r.text);
    assert_eq!(property(&r.calendar.unwrap().content, "DTSTART:"), ["20260310T170000Z"]);
}

#[test]
fn user_text_is_escaped_in_html_and_kept_out_of_links_and_subjects() {
    let mut mail = event_sample(EventMailKind::EventRegistered, "en");
    mail.title = "<b>&</b>".to_owned();
    mail.description = "<script>alert(1)</script>".to_owned();
    mail.recipient_name = "Anna \"<i>\" Nowak".to_owned();
    mail.site_name = "Hub\r\nBcc: evil@x.example".to_owned();
    mail.event_url = "javascript:alert(1)".to_owned();
    let r = render_event(&mail, now());
    let escaped = ["&#60;b&#62;&#38;&#60;/b&#62;", "&#60;script&#62;alert(1)&#60;/script&#62;"];
    assert_escaped(&r, &["<b>&</b>", "<script>", "<i>"], &escaped);
    assert!(!r.subject.contains(['\r', '\n']));
    assert!(
        r.subject.starts_with("Registered: <b>&</b>, 10 March 2026, 17:00 at Hub Bcc: evil@x.example"),
        "{}",
        r.subject
    );
    // Plain text stays plain: nothing escaped there.
    assert!(r.text.contains("Event:      <b>&</b>\n"));
    let c = r.calendar.unwrap();
    assert_eq!(property(&c.content, "SUMMARY:"), ["<b>&</b>"]);
    assert!(!c.content.contains("javascript"));
}

#[test]
fn empty_parts_are_left_out() {
    let mut mail = event_sample(EventMailKind::EventCancelled, "pl");
    mail.description = "  \n ".to_owned();
    mail.reason = None;
    mail.event_url = String::new();
    let r = render_event(&mail, now());
    assert!(!r.text.contains("O wydarzeniu") && !r.html.contains("O wydarzeniu"));
    assert!(!r.text.contains("Powód") && !r.html.contains("Powód"));
    assert!(!r.text.contains("Wydarzenie w deskvisa") && !r.html.contains("<a href=\"http"));
    assert!(!r.text.contains("\n\n\n"), "{}", r.text);
    let description = property(&r.calendar.unwrap().content, "DESCRIPTION:").remove(0);
    assert!(description.starts_with("To wydarzenie zostało odwołane.\\n"), "{description}");
}

#[test]
fn names_round_trip_match_serde_and_never_collide_with_other_kinds() {
    for kind in EventMailKind::ALL {
        assert_eq!(EventMailKind::parse(kind.as_str()), Some(kind));
        assert_eq!(EventMailKind::parse(&format!(" {kind} ")), Some(kind));
        assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        let back: EventMailKind = serde_json::from_str(&format!("\"{kind}\"")).unwrap();
        assert_eq!(back, kind);
        assert_eq!(StayMailKind::parse(kind.as_str()), None);
        assert_eq!(AccountKind::parse(kind.as_str()), None);
    }
    for kind in StayMailKind::ALL {
        assert_eq!(EventMailKind::parse(kind.as_str()), None);
    }
    assert_eq!(EventMailKind::parse("event_unknown"), None);
    let names: Vec<&str> = StayMailKind::ALL
        .iter()
        .map(|k| k.as_str())
        .chain(EventMailKind::ALL.iter().map(|k| k.as_str()))
        .chain(AccountKind::ALL.iter().map(|k| k.as_str()))
        .collect();
    let distinct: HashSet<&str> = names.iter().copied().collect();
    assert_eq!(distinct.len(), names.len(), "{names:?}");
}

#[test]
fn an_event_mail_round_trips_through_json() {
    let json = round_trip(&event_sample(EventMailKind::EventRegistrationWithdrawn, "pl"));
    assert_eq!(json["kind"], "event_registration_withdrawn");
    assert_eq!(json["starts_at"], "2026-03-10T17:00:00");
}
