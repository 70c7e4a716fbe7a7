//! Rendering tests: every kind in every locale, calendar files, escaping.

use chrono::{DateTime, NaiveDate, Utc};

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::ics::unfold;
use crate::{IcsMethod, Rendered, StayEventLine, StayMail, StayMailKind, render, sample};

/// When the samples are rendered: Monday 2 March 2026, 10:00 in Copenhagen.
pub(crate) fn now() -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc()
}

/// What every email is, whatever its family: a one-line subject, text with
/// no run of blank lines, an HTML page in its language that loads nothing,
/// no template syntax left, and the greeting of its language.
pub(crate) fn assert_well_formed(r: &Rendered, locale: &str, what: &str) {
    assert!(!r.subject.trim().is_empty(), "{what}");
    assert!(!r.subject.contains(|c: char| c.is_control()), "{what}");
    assert!(!r.text.contains("\n\n\n"), "{what}: {}", r.text);
    assert!(r.html.starts_with("<!DOCTYPE html>"), "{what}");
    assert!(r.html.contains(&format!("<html lang=\"{locale}\">")), "{what}");
    for body in [&r.text, &r.html] {
        assert!(!body.contains("{{") && !body.contains("{%") && !body.contains("%}"), "{what}: template syntax left");
        assert!(body.contains("Nørrebrogade 45, 2200 København N, Denmark"), "{what}");
    }
    assert!(!r.html.contains("<img") && !r.html.contains("<link") && !r.html.contains("<script"), "{what}");
    if locale == "pl" {
        assert!(r.text.starts_with("Dzień dobry,\n"), "{what}");
        assert!(r.text.contains("marca 2026"), "{what}");
    } else {
        assert!(r.text.starts_with("Hello "), "{what}");
    }
}

/// Renders the sample of every kind in both languages, checks each is well
/// formed, and hands it to `check` with the sample and a name for messages.
pub(crate) fn for_every_kind_and_locale<K: Copy + std::fmt::Display, M>(
    kinds: impl IntoIterator<Item = K>,
    sample: impl Fn(K, &str) -> M,
    render: impl Fn(&M, DateTime<Utc>) -> Rendered,
    mut check: impl FnMut(&M, &Rendered, &str, &str),
) {
    for kind in kinds {
        for locale in ["en", "pl"] {
            let mail = sample(kind, locale);
            let r = render(&mail, now());
            let what = format!("{kind} {locale}");
            assert_well_formed(&r, locale, &what);
            check(&mail, &r, locale, &what);
        }
    }
}

/// Text a user typed (`raw`) is escaped in the HTML (as `escaped`), and a
/// link made of it leads nowhere.
pub(crate) fn assert_escaped(r: &Rendered, raw: &[&str], escaped: &[&str]) {
    for raw in raw {
        assert!(!r.html.contains(raw), "{raw} in {}", r.html);
    }
    for escaped in escaped {
        assert!(r.html.contains(escaped), "{escaped} not in {}", r.html);
    }
    assert!(!r.html.contains("javascript:") && !r.text.contains("javascript:"));
}

/// `value` as JSON, which reads back as the same value.
pub(crate) fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(
    value: &T,
) -> serde_json::Value {
    let json = serde_json::to_value(value).unwrap();
    let back: T = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(&back, value);
    json
}

fn uid(ics: &str) -> String {
    unfold(ics).split("\r\n").find(|l| l.starts_with("UID:")).unwrap().to_owned()
}

fn sequence(ics: &str) -> u32 {
    unfold(ics).split("\r\n").find_map(|l| l.strip_prefix("SEQUENCE:")).unwrap().parse().unwrap()
}

#[test]
fn every_kind_renders_in_every_locale() {
    for_every_kind_and_locale(StayMailKind::ALL, sample, render, |_, r, locale, what| {
        assert!(r.text.len() > 200, "{what}: {}", r.text);
        for body in [&r.text, &r.html] {
            assert!(body.contains("Copenhagen Digital Cluster"), "{what}");
        }
        assert!(!r.html.contains("http://") || r.html.contains("https://"), "{what}");
        match locale {
            "pl" => {
                assert!(r.text.contains("lokalizacji"), "{what}");
                assert!(!r.text.contains("Hello") && !r.text.contains(" March "), "{what}");
            }
            _ => assert!(r.text.contains("March 2026"), "{what}"),
        }
    });
}

#[test]
fn dates_deadlines_and_links_are_written_per_locale() {
    let says = |kind, locale, lines: &[&str]| {
        let r = render(&sample(kind, locale), now());
        for line in lines {
            assert!(r.text.contains(line), "{kind} {locale}: {line}\n{}", r.text);
        }
        r
    };
    let stay_url = "https://deskvisa.example/stays/0195b7a2-4c1e-7d3a-9f50-2a6c8e1d4b73";
    let en = says(
        StayMailKind::StayRequestedHost,
        "en",
        &[
            "From:       Monday, 9 March 2026",
            "To:         Friday, 13 March 2026",
            "Please decide by 4 March 2026, 00:00 (Europe/Copenhagen).",
            stay_url,
        ],
    );
    assert!(en.html.contains(&format!("href=\"{stay_url}\"")));
    assert_eq!(
        en.subject,
        "Please decide: Anna Nowak asks for a desk at Copenhagen Digital Cluster – Nørrebro, 9–13 March 2026"
    );

    let pl = says(
        StayMailKind::StayRequestedHost,
        "pl",
        &[
            "poniedziałek, 9 marca 2026",
            "piątek, 13 marca 2026",
            "Prosimy o decyzję do 4 marca 2026, 00:00 (Europe/Copenhagen).",
        ],
    );
    assert!(pl.html.contains("Zatwierdź lub odrzuć"));
    assert!(pl.subject.starts_with("Prośba o decyzję: Anna Nowak"));

    says(
        StayMailKind::StayApproved,
        "pl",
        &[
            "Zasady obowiązujące na miejscu:\nRecepcja jest czynna od 8:00",
            "  - środa, 11 marca 2026\n",
            "desks@copenhagen-digital-cluster.example",
        ],
    );
    says(StayMailKind::StayDeclined, "en", &["The host's reason:\nThe site is closed that week"]);
    let mut no_reason = sample(StayMailKind::StayDeclined, "pl");
    no_reason.reason = Some("  ".to_owned());
    assert!(render(&no_reason, now()).text.contains("Gospodarz nie podał powodu."));
}

#[test]
fn an_unknown_locale_is_english() {
    let mut mail = sample(StayMailKind::StayExpired, "en");
    mail.locale = "de".to_owned();
    let r = render(&mail, now());
    assert!(r.text.starts_with("Hello Anna Nowak,"));
    assert!(r.html.contains("<html lang=\"en\">"));
}

#[test]
fn user_text_is_escaped_in_html_and_kept_out_of_links() {
    let r = render(
        &StayMail {
            member_name: "<script>alert(1)</script> & \"Co\"".to_owned(),
            purpose: "<b>bold</b> plans".to_owned(),
            stay_url: "javascript:alert(1)".to_owned(),
            site_name: "Hub\r\nBcc: evil@x.example".to_owned(),
            ..sample(StayMailKind::StayRequestedHost, "en")
        },
        now(),
    );
    assert_escaped(&r, &["<script>", "<b>bold"], &["&#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;Co&#34;"]);
    assert_eq!(
        r.subject,
        "Please decide: <script>alert(1)</script> & \"Co\" asks for a desk at Hub Bcc: evil@x.example, 9–13 March 2026"
    );
    // The text body is plain text: nothing escaped there.
    assert!(r.text.contains("<b>bold</b> plans"));
}

#[test]
fn which_mails_carry_a_calendar() {
    for kind in StayMailKind::ALL {
        let mut mail = sample(kind, "en");
        let expected = match kind {
            StayMailKind::StayApproved | StayMailKind::StayMoved => Some(IcsMethod::Request),
            StayMailKind::StayCancelled | StayMailKind::StayCancelledHost => Some(IcsMethod::Cancel),
            _ => None,
        };
        assert_eq!(render(&mail, now()).calendar.map(|c| c.method), expected, "{kind}");
        mail.had_been_approved = false;
        // A moved stay still approved updates its invitation either way.
        let expected =
            matches!(kind, StayMailKind::StayApproved | StayMailKind::StayMoved).then_some(IcsMethod::Request);
        assert_eq!(render(&mail, now()).calendar.map(|c| c.method), expected, "{kind} never approved");
    }
    let mut pending_cancel = sample(StayMailKind::StayCancelled, "en");
    pending_cancel.had_been_approved = false;
    let r = render(&pending_cancel, now());
    assert!(!r.text.contains("calendar"), "{}", r.text);
}

#[test]
fn a_move_updates_the_invitation_and_says_whether_the_host_must_answer() {
    let approved = sample(StayMailKind::StayApproved, "en");
    let invitation = render(&approved, now()).calendar.unwrap();
    let moved = sample(StayMailKind::StayMoved, "en");
    let r = render(&moved, now());
    assert_eq!(r.subject, "New dates: your stay at Copenhagen Digital Cluster – Nørrebro, 9–13 March 2026");
    assert!(r.text.contains("has moved from 2–6 March 2026 to 9–13 March 2026. It is approved"), "{}", r.text);
    let update = r.calendar.unwrap();
    assert_eq!(update.method, IcsMethod::Request);
    assert!(update.content.contains("DTSTART;VALUE=DATE:20260309\r\n"));
    assert!(update.content.contains("STATUS:CONFIRMED\r\n"));
    assert_eq!(uid(&update.content), uid(&invitation.content), "the same event in the calendar");
    assert!(sequence(&update.content) > sequence(&invitation.content));

    // Back to the host: tentative in the calendar, a deadline in the text.
    let deadline = Some(chrono::DateTime::parse_from_rfc3339("2026-03-04T22:00:00Z").unwrap().to_utc());
    let waiting = StayMail { answer_deadline: deadline, ..moved.clone() };
    let r = render(&waiting, now());
    assert!(r.text.contains("is asked to approve the new dates"), "{}", r.text);
    assert!(r.calendar.unwrap().content.contains("STATUS:TENTATIVE\r\n"));
    let never_approved = StayMail { had_been_approved: false, ..waiting.clone() };
    assert!(render(&never_approved, now()).calendar.is_none(), "no invitation to update");

    let host = StayMail { answer_deadline: deadline, ..sample(StayMailKind::StayMovedHost, "pl") };
    let r = render(&host, now());
    assert!(r.subject.starts_with("Prośba o decyzję: Anna Nowak prosi o nowe terminy"), "{}", r.subject);
    assert!(r.text.contains("zamiast 2–6 marca 2026 teraz 9–13 marca 2026"), "{}", r.text);
    assert!(r.calendar.is_none());
    let r = render(&sample(StayMailKind::StayMovedHost, "en"), now());
    assert!(r.text.contains("It stays approved"), "{}", r.text);
}

#[test]
fn a_cancellation_replaces_the_invitation() {
    let approved = sample(StayMailKind::StayApproved, "en");
    let invitation = render(&approved, now()).calendar.unwrap();
    assert_eq!(invitation.method, IcsMethod::Request);
    assert!(invitation.content.contains("METHOD:REQUEST\r\n"));

    let cancelled = StayMail {
        kind: StayMailKind::StayCancelled,
        sequence: approved.sequence + 1,
        had_been_approved: true,
        ..approved.clone()
    };
    let cancellation = render(&cancelled, now()).calendar.unwrap();
    assert_eq!(cancellation.method, IcsMethod::Cancel);
    assert!(cancellation.content.contains("METHOD:CANCEL\r\n"));
    assert!(cancellation.content.contains("STATUS:CANCELLED\r\n"));
    assert_eq!(uid(&cancellation.content), uid(&invitation.content));
    assert!(sequence(&cancellation.content) > sequence(&invitation.content));
    assert!(render(&cancelled, now()).text.contains("removes the stay from your calendar"));
}

#[test]
fn a_stay_mail_round_trips_through_json() {
    let json = round_trip(&sample(StayMailKind::StayCancelledHost, "pl"));
    assert_eq!(json["kind"], "stay_cancelled_host");
    assert_eq!(json["start_date"], "2026-03-09");
}

fn event(title: &str, day: u32, hour: u32, open_to_visitors: bool, seats_left: u32) -> StayEventLine {
    let at = |h: u32| NaiveDate::from_ymd_opt(2026, 3, day).unwrap().and_hms_opt(h, 0, 0).unwrap();
    StayEventLine { title: title.to_owned(), starts_at: at(hour), ends_at: at(hour + 2), open_to_visitors, seats_left }
}

#[test]
fn the_approval_lists_the_hosts_events_open_to_visitors() {
    let mut mail = sample(StayMailKind::StayApproved, "en");
    assert_eq!(mail.events.len(), 2);
    mail.events = vec![
        event("Members-only board meeting", 11, 9, false, 8),
        event("Demo day", 12, 15, true, 1),
        event("Fintech evening", 10, 17, true, 14),
        event("Sold-out hackathon", 13, 10, true, 0),
    ];
    let r = render(&mail, now());
    assert!(r.text.contains("Events at the site during your stay (local time, Europe/Copenhagen):\n"), "{}", r.text);
    assert!(
        r.text.contains(
            "  - Fintech evening\n    Tuesday, 10 March 2026, 17:00–19:00; 14 seats left\n  \
             - Demo day\n    Thursday, 12 March 2026, 15:00–17:00; 1 seat left\n  \
             - Sold-out hackathon\n    Friday, 13 March 2026, 10:00–12:00; fully booked\n"
        ),
        "earliest first: {}",
        r.text
    );
    assert!(r.text.contains("register in deskvisa while seats are left"));
    assert!(r.html.contains("<strong>Events at the site during your stay</strong>"));
    assert!(r.html.contains("<strong>Fintech evening</strong><br>Tuesday, 10 March 2026, 17:00–19:00<br>"));
    for body in [&r.text, &r.html] {
        assert!(!body.contains("Members-only board meeting"), "a closed event is not listed");
        assert!(!body.contains("{{") && !body.contains("{%"));
    }

    let pl = render(&sample(StayMailKind::StayApproved, "pl"), now());
    assert!(pl.text.contains("Wydarzenia w lokalizacji w czasie Twojego pobytu (czas lokalny, Europe/Copenhagen):\n"));
    assert!(pl.text.contains("  - Wieczór fintech: otwarta bankowość po PSD3\n    wtorek, 10 marca 2026, 17:00–19:00; wolnych miejsc: 14\n"), "{}", pl.text);
    assert!(pl.text.contains("na wydarzenia zapiszesz się w deskvisa"));
    assert!(pl.html.contains(
        "<strong>Dzień demo: AI w usługach publicznych</strong><br>czwartek, 12 marca 2026, 15:00–18:00<br>"
    ));
}

#[test]
fn no_events_no_list() {
    for locale in ["en", "pl"] {
        let mut mail = sample(StayMailKind::StayApproved, locale);
        mail.events.clear();
        let none = render(&mail, now());
        mail.events = vec![event("Members-only board meeting", 11, 9, false, 8)];
        let only_closed = render(&mail, now());
        assert_eq!(none, only_closed, "{locale}: closed events alone show nothing");
        for body in [&none.text, &none.html] {
            assert!(!body.contains("Events at the site") && !body.contains("Wydarzenia w lokalizacji"), "{locale}");
            assert!(!body.contains("deskvisa while seats") && !body.contains("zapiszesz się"), "{locale}");
        }
        assert!(!none.text.contains("\n\n\n"), "{}", none.text);
    }
    // Only approvals list events, and no other sample carries any.
    for kind in StayMailKind::ALL.into_iter().filter(|k| *k != StayMailKind::StayApproved) {
        assert!(sample(kind, "en").events.is_empty(), "{kind}");
        let mut mail = sample(kind, "en");
        mail.events = vec![event("Fintech evening", 10, 17, true, 14)];
        assert!(!render(&mail, now()).text.contains("Fintech evening"), "{kind}");
    }
}

#[test]
fn event_titles_are_escaped_in_the_approval() {
    let mut mail = sample(StayMailKind::StayApproved, "en");
    mail.events = vec![event("<b>&</b>", 10, 17, true, 3)];
    let r = render(&mail, now());
    assert!(!r.html.contains("<b>&</b>"));
    assert!(r.html.contains("<strong>&#60;b&#62;&#38;&#60;/b&#62;</strong>"), "{}", r.html);
    assert!(r.text.contains("  - <b>&</b>\n"));
}

#[test]
fn a_stay_mail_stored_before_events_existed_still_reads() {
    let mut json = serde_json::to_value(sample(StayMailKind::StayApproved, "en")).unwrap();
    assert_eq!(json["events"][0]["starts_at"], "2026-03-10T17:00:00");
    json.as_object_mut().unwrap().remove("events");
    let old: StayMail = serde_json::from_value(json).unwrap();
    assert!(old.events.is_empty());
    let r = render(&old, now());
    assert!(!r.text.contains("Events at the site"));
}

#[test]
fn the_approval_and_the_reminder_carry_the_arrival_pack_in_the_readers_language() {
    for kind in [StayMailKind::StayApproved, StayMailKind::StayReminder] {
        let en = render(&sample(kind, "en"), now());
        assert!(en.text.contains("\nArriving:\nOpening hours: Mon–Fri 08:00–18:00\n"), "{kind}: {}", en.text);
        assert!(en.text.contains("On-site contact: Mette Sørensen, +45 33 12 34 56"), "{kind}");
        assert!(en.text.contains("Amenities: phone booths, kitchen, step-free access"), "{kind}");
        assert!(en.html.contains(">Opening hours</td><td") && en.html.contains("Metro M3"), "{kind}: {}", en.html);
        let pl = render(&sample(kind, "pl"), now());
        assert!(pl.text.contains("\nNa miejscu:\nGodziny otwarcia: pon.–pt. 08:00–18:00\n"), "{kind}: {}", pl.text);
        assert!(pl.text.contains("Udogodnienia: budki telefoniczne, kuchnia, wejście bez schodów"), "{kind}");
    }
    // A pack from before sites had one, or an empty one: nothing is said.
    let mut none = sample(StayMailKind::StayApproved, "en");
    none.arrival = None;
    assert!(!render(&none, now()).text.contains("Arriving:"));
    let json = serde_json::to_value(sample(StayMailKind::StayApproved, "en")).unwrap();
    let mut old = json.clone();
    old.as_object_mut().unwrap().remove("arrival");
    let read: StayMail = serde_json::from_value(old).unwrap();
    assert_eq!(read.arrival, None, "emails queued before the arrival pack still render");
}
