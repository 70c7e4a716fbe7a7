//! Emails, end to end through a real SMTP server (aiosmtpd in a child
//! process): who gets what, in which language and shape; calendar files as
//! two independent parsers read them, in zones from UTC−10 to UTC+13 and
//! across DST changes; an SMTP outage that delays mail and loses none; a
//! crash between sending and marking; two workers on one PostgreSQL; dead
//! letters and their retry; reminders sent once; header injection.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs, clippy::too_many_lines)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use deskvisa_mail::{Security, Sender, TransportConfig};
use deskvisa_rules::{Email, Locale, OnNoAnswer, PolicyDraft, Reason, TimeZone, WeekdaySet};
use deskvisa_service::*;
use deskvisa_testing::ics::parse_ics;
use deskvisa_testing::smtp::{Received, SinkOptions, SmtpSink};
use deskvisa_testing::world::*;
use deskvisa_testing::{Backend, TestDatabase};

/// Retries that come quickly, a lease of a minute.
fn quick() -> DeliveryConfig {
    DeliveryConfig {
        retry_base: TimeDelta::milliseconds(100),
        retry_max: TimeDelta::seconds(1),
        lease: TimeDelta::seconds(60),
        ..DeliveryConfig::default()
    }
}

/// A member of the home cluster, called by their address.
async fn new_member(w: &World, email: &str, locale: Locale) -> Caller {
    w.add_member(w.home, member_named(email, email, locale)).await
}

/// The one envelope recipient of each message, with its kind guessed from
/// nothing: tests look at subjects and bodies themselves.
fn by_recipient(messages: &[Received]) -> BTreeMap<String, Vec<&Received>> {
    let mut map: BTreeMap<String, Vec<&Received>> = BTreeMap::new();
    for m in messages {
        assert_eq!(m.rcpt_tos.len(), 1, "one recipient per message: {:?}", m.rcpt_tos);
        map.entry(m.rcpt_tos[0].clone()).or_default().push(m);
    }
    map
}

/// Every message is multipart text + HTML in one language, from deskvisa,
/// to the envelope's recipient, with a Message-ID of the outbox's shape.
fn assert_well_formed(m: &Received) {
    assert_eq!(m.mail_from, FROM);
    let to = m.header_all("To");
    assert_eq!(to.len(), 1, "{:?}", m.headers);
    assert!(to[0].contains(&m.rcpt_tos[0]), "To {} vs envelope {:?}", to[0], m.rcpt_tos);
    assert!(m.header("From").unwrap().contains(FROM));
    assert!(m.header("Date").is_some());
    let id = m.message_id();
    let uuid =
        id.strip_prefix('<').and_then(|s| s.strip_suffix("@deskvisa.example>")).unwrap_or_else(|| panic!("{id}"));
    assert!(uuid::Uuid::parse_str(uuid).is_ok(), "{id}");
    assert!(m.header("Content-Type").unwrap().starts_with("multipart/"), "{:?}", m.header("Content-Type"));
    assert!(!m.text().is_empty() && m.html().starts_with("<!DOCTYPE html>"), "text and HTML");
}

fn calendar_of(m: &Received) -> Option<(&str, &str)> {
    m.part("text/calendar").map(|p| (p.params.get("method").map_or("", String::as_str), p.content.as_str()))
}

/// Delivers until `count` messages have arrived (the clock moves a second
/// per round, so retries come due).
async fn deliver_until(w: &World, mailer: &Arc<Mailer>, sink: &SmtpSink, count: usize) -> Vec<Received> {
    eventually(Duration::from_secs(60), async || {
        w.service.deliver_mail(mailer).await.unwrap();
        let messages = sink.messages();
        if messages.len() >= count {
            return Ok(messages);
        }
        w.clock.advance(TimeDelta::seconds(1));
        Err(format!("{} of {count} messages arrived", messages.len()))
    })
    .await
}

#[tokio::test]
async fn every_stay_email_reaches_the_right_people_in_their_language() {
    World::on_both_backends(3, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let ola = new_member(&w, "ola@hubclub.example", Locale::Pl).await;
        // A second admin of the host, who reads Polish.
        w.add_admin(w.host, member_named("piotr@cph.example", "Piotr", Locale::Pl)).await;

        // Requested: the member and both host admins hear of it.
        let stay = w.service.request_stay(&ola, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 3).await;
        let to = by_recipient(&messages);
        assert_eq!(
            to.keys().cloned().collect::<Vec<_>>(),
            ["lars@cph.example", "ola@hubclub.example", "piotr@cph.example"]
        );
        for m in &messages {
            assert_well_formed(m);
            assert!(calendar_of(m).is_none(), "a request carries no calendar");
        }
        let ola_mail = to["ola@hubclub.example"][0];
        assert!(
            ola_mail.subject().starts_with("Twój wniosek o pobyt: Nyhavn House, 9–13 marca 2026"),
            "{}",
            ola_mail.subject()
        );
        assert!(ola_mail.text().starts_with("Dzień dobry,"));
        assert!(to["lars@cph.example"][0].subject().starts_with("Please decide: "));
        assert!(to["lars@cph.example"][0].text().contains(&format!("/stays/{}", stay.id)), "a link to decide");
        assert!(to["piotr@cph.example"][0].subject().starts_with("Prośba o decyzję: "));

        // Approved: the member gets the invitation, inline and attached.
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 4).await;
        let approved = &messages[3];
        assert_well_formed(approved);
        assert_eq!(approved.rcpt_tos, ["ola@hubclub.example"]);
        assert!(approved.subject().starts_with("Pobyt zatwierdzony: Nyhavn House"));
        assert!(approved.text().contains("Badge at the door."), "house rules");
        assert!(approved.text().contains("desks@cph.example"), "the site's contact");
        let (method, ics) = calendar_of(approved).expect("an invitation");
        assert_eq!(method, "REQUEST");
        assert!(ics.contains("METHOD:REQUEST"));
        let attachment = approved.parts.iter().find(|p| p.filename.as_deref() == Some("invite.ics")).unwrap();
        assert_eq!(attachment.disposition.as_deref(), Some("attachment"));
        assert_eq!(attachment.content, ics);

        // Cancelled after approval: a calendar cancellation to the member,
        // word to both admins.
        w.service.act_on_stay(&ola, stay.id, StayCommand::Cancel(None)).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 7).await;
        let to = by_recipient(&messages[4..]);
        let cancelled = to["ola@hubclub.example"][0];
        assert!(cancelled.subject().starts_with("Pobyt odwołany: Nyhavn House"));
        let (method, cancel_ics) = calendar_of(cancelled).expect("a cancellation");
        assert_eq!(method, "CANCEL");
        let (invite, cancel) = (parse_ics(ics), parse_ics(cancel_ics));
        assert_eq!(invite.icalendar.events[0].uid, cancel.icalendar.events[0].uid);
        assert!(cancel.icalendar.events[0].sequence > invite.icalendar.events[0].sequence);
        assert!(to["lars@cph.example"][0].subject().starts_with("Cancelled: "));
        assert!(to["piotr@cph.example"][0].subject().starts_with("Pobyt odwołany: "));

        // Declined, with the host's reason.
        let second = w.service.request_stay(&w.member, &w.input("2026-03-16", "2026-03-18")).await.unwrap();
        let reason = Reason::parse("A delegation from Osaka has every desk that week").unwrap();
        w.service.act_on_stay(&w.host_admin, second.id, StayCommand::Decline(reason)).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 11).await;
        let declined: Vec<&Received> = messages[7..].iter().filter(|m| m.subject().starts_with("Declined")).collect();
        assert_eq!(declined.len(), 1);
        assert_eq!(declined[0].rcpt_tos, ["anna@hubclub.example"]);
        assert!(declined[0].text().contains("A delegation from Osaka has every desk that week"));
        assert!(calendar_of(declined[0]).is_none(), "nothing was ever in a calendar");

        // Expired: the host lets unanswered requests lapse.
        let draft = PolicyDraft { on_no_answer: OnNoAnswer::Expire, ..PolicyDraft::default() };
        w.service.save_policy(&w.host_admin, w.host, draft).await.unwrap();
        let third = w.service.request_stay(&ola, &w.input("2026-03-23", "2026-03-24")).await.unwrap();
        w.clock.set(third.answer_deadline.unwrap() + TimeDelta::seconds(1));
        assert_eq!(w.service.settle_due_stays().await.unwrap(), 1);
        let messages = deliver_until(&w, &mailer, &sink, 15).await;
        let expired: Vec<&Received> =
            messages[11..].iter().filter(|m| m.subject().starts_with("Wniosek wygasł")).collect();
        assert_eq!(expired.len(), 1, "{:?}", messages[11..].iter().map(Received::subject).collect::<Vec<_>>());
        assert_eq!(expired[0].rcpt_tos, ["ola@hubclub.example"]);

        // Nothing more, nothing twice.
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        let all = sink.messages();
        assert_eq!(all.len(), 15);
        let ids: BTreeSet<&str> = all.iter().map(Received::message_id).collect();
        assert_eq!(ids.len(), 15, "every message has its own Message-ID");
        assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await, 0);
    })
    .await;
}

/// A site of the host in `zone`.
async fn site_in(w: &World, name: &str, zone: &str, address: &str) -> deskvisa_rules::SiteId {
    let new = NewSite {
        name: name.to_owned(),
        address: address.to_owned(),
        timezone: Some(TimeZone::parse(zone).unwrap()),
        desks: deskvisa_rules::DeskCount::new(2).unwrap(),
        open_weekdays: WeekdaySet::MON_TO_FRI,
        contact_email: Email::parse("desks@cph.example").unwrap(),
        house_rules: String::new(),
    };
    w.service.add_site(w.host, new).await.unwrap().id
}

#[tokio::test]
async fn calendar_files_read_the_same_in_two_parsers_from_utc_minus_10_to_utc_plus_13_and_across_dst() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let (sink, mailer) = smtp_sink(quick());
    let w = World::new(db, 2).await;
    // (zone, first, last, why): the clock says 2 March 2026, 09:00 UTC.
    let cases = [
        ("Pacific/Honolulu", "2026-03-09", "2026-03-13", "UTC−10"),
        ("Europe/London", "2026-03-16", "2026-03-20", "UTC+0"),
        ("Asia/Kolkata", "2026-03-10", "2026-03-12", "UTC+5:30"),
        ("Pacific/Tongatapu", "2026-03-03", "2026-03-06", "UTC+13, where 3 March has begun"),
        ("Europe/Warsaw", "2026-03-26", "2026-03-31", "summer time begins on 29 March"),
        ("Pacific/Auckland", "2026-04-02", "2026-04-08", "summer time ends on 5 April"),
        ("America/New_York", "2026-03-05", "2026-03-10", "summer time begins on 8 March"),
    ];
    let mut expected = Vec::new();
    for (i, (zone, first, last, why)) in cases.iter().enumerate() {
        let site = site_in(&w, &format!("Site {i}"), zone, &format!("Street {i}, {zone}")).await;
        let visitor = new_member(&w, &format!("visitor{i}@hubclub.example"), Locale::En).await;
        let input = StayRequestInput { site, start_date: d(first), end_date: d(last), purpose: "Partners".to_owned() };
        let stay = w.service.request_stay(&visitor, &input).await.unwrap_or_else(|e| panic!("{zone}: {e:?}"));
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        let end_exclusive = d(last).succ_opt().unwrap().to_string();
        let address = format!("Street {i}, {zone}");
        expected.push((
            format!("visitor{i}@hubclub.example"),
            stay.id,
            *zone,
            *first,
            end_exclusive,
            *why,
            visitor,
            address,
        ));
    }
    // Each stay: a request to the member, one to the admin, an approval.
    let messages = deliver_until(&w, &mailer, &sink, cases.len() * 3).await;
    let to = by_recipient(&messages);
    for (email, stay, zone, first, end_exclusive, why, visitor, address) in &expected {
        let approval = to[email].iter().find(|m| calendar_of(m).is_some()).expect("an approval with a calendar");
        let (_, ics) = calendar_of(approval).unwrap();
        let served = w.service.stay_calendar(visitor, *stay).await.unwrap();
        for (what, text, method) in [("emailed", ics.to_owned(), "REQUEST"), ("served", served, "PUBLISH")] {
            let both = parse_ics(&text);
            for (parser, calendar) in [("icalendar", &both.icalendar), ("vobject", &both.vobject)] {
                let context = format!("{zone} ({why}), {what}, read by {parser}");
                assert_eq!(calendar.method.as_deref(), Some(method), "{context}");
                assert_eq!(calendar.events.len(), 1, "{context}");
                let event = &calendar.events[0];
                assert_eq!(event.dtstart.as_deref(), Some(*first), "{context}");
                assert_eq!(event.dtend.as_deref(), Some(end_exclusive.as_str()), "{context}: DTEND is exclusive");
                assert_eq!(event.uid.as_deref(), Some(format!("stay-{stay}@deskvisa").as_str()), "{context}");
                assert_eq!(event.location.as_deref(), Some(address.as_str()), "{context}");
                assert_eq!(
                    event.organizer.as_deref().map(str::to_lowercase),
                    Some("mailto:desks@cph.example".to_owned()),
                    "{context}"
                );
                assert_eq!(event.sequence, 1, "{context}: the approval is the stay's second move");
                assert_eq!(event.status.as_deref(), Some("CONFIRMED"), "{context}");
                if method == "REQUEST" {
                    assert_eq!(event.attendees, [format!("mailto:{email}")], "{context}");
                }
            }
        }
    }
}

/// Waits (a minute at most) until `done`, moving the clock a second a round
/// so that the running worker's retries come due.
async fn until(w: &World, missing: &str, mut done: impl AsyncFnMut() -> bool) {
    eventually(Duration::from_secs(60), async || {
        if done().await {
            return Ok(());
        }
        w.clock.advance(TimeDelta::seconds(1));
        Err(missing.to_owned())
    })
    .await;
}

#[tokio::test]
async fn an_smtp_outage_delays_mail_never_a_booking_and_loses_nothing() {
    World::on_both_backends(10, async |w| {
        let mut sink = SmtpSink::start();
        sink.stop();
        let mailer = mailer_to(&sink, quick());
        let config = WorkerConfig { mail_poll: Duration::from_millis(10), ..WorkerConfig::default() };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = {
            let (service, mailer) = (w.service.clone(), mailer.clone());
            tokio::spawn(async move {
                service
                    .run_worker(config, Some(mailer), async {
                        let _ = stopped.await;
                    })
                    .await;
            })
        };
        // Ten requests and five approvals while no mail server answers.
        let mut visitors = Vec::new();
        for i in 0..10 {
            let visitor = new_member(&w, &format!("v{i}@hubclub.example"), Locale::En).await;
            let stay = w.service.request_stay(&visitor, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
            if i % 2 == 0 {
                w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
            }
            visitors.push(stay.id);
        }
        // The worker tries, fails and keeps every email for later.
        let tried = "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts >= 2 AND last_error IS NOT NULL";
        until(&w, "the worker never tried to send", async || w.test_db.scalar(tried).await >= 10).await;
        assert_eq!(sink.messages().len(), 0);
        assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'dead'").await, 0);

        // The server comes back: every email arrives, once.
        sink.resume();
        let expected = 10 + 10 + 5;
        until(&w, &format!("not all {expected} arrived"), async || sink.messages().len() >= expected).await;
        // Everything is marked sent, and a few more rounds send nothing again.
        let unsent = "SELECT COUNT(*) FROM outbox WHERE status <> 'sent'";
        until(&w, "rows left unsent", async || w.test_db.scalar(unsent).await == 0).await;
        w.clock.advance(TimeDelta::minutes(10));
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        stop.send(()).unwrap();
        worker.await.unwrap();
        let messages = sink.messages();
        assert_eq!(messages.len(), expected);
        let ids: BTreeSet<&str> = messages.iter().map(Received::message_id).collect();
        assert_eq!(ids.len(), expected, "no message twice");
        let approvals = messages.iter().filter(|m| m.subject().starts_with("Approved")).count();
        assert_eq!(approvals, 5);
    })
    .await;
}

#[tokio::test]
async fn a_crash_between_sending_and_marking_sends_one_duplicate_with_the_same_message_id() {
    World::on_both_backends(2, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();

        // A worker claims the rows and sends the member's email, then dies
        // before marking it: exactly what the worker does, up to the crash.
        let lease = TimeDelta::seconds(60);
        let rows = w.service.store().claim_mail(10, w.service.now(), lease).await.unwrap();
        assert_eq!(rows.len(), 2, "the member's email and the one for the host's admins");
        let row = rows.iter().find(|r| r.recipient.starts_with("member:")).unwrap();
        let member = deskvisa_rules::MemberId::parse(&row.recipient["member:".len()..]).unwrap();
        let kind = deskvisa_mail::StayMailKind::of(row.kind.unwrap()).unwrap();
        let mail = w.service.compose(kind, member, &row.payload).await.unwrap().unwrap();
        let crashed = Sender::new(
            &TransportConfig::Smtp {
                host: "127.0.0.1".to_owned(),
                port: sink.port,
                security: Security::None,
                username: None,
                password: None,
                timeout: Duration::from_secs(5),
            },
            "deskvisa",
            FROM,
        )
        .unwrap();
        let rendered = deskvisa_mail::render(&mail, w.service.now());
        crashed.send(&row.id.to_string(), &rendered, &mail.recipient_name, &mail.recipient_email).await.unwrap();
        drop(crashed);

        // While the dead worker's lease lasts, nobody touches its rows.
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        assert_eq!(sink.messages().len(), 1);

        // The lease runs out: another worker takes over.
        w.clock.advance(lease + TimeDelta::seconds(1));
        let report = w.service.deliver_mail(&mailer).await.unwrap();
        assert_eq!((report.sent, report.expanded, report.dead), (2, 1, 0), "{report:?}");
        let messages = sink.messages();
        assert_eq!(messages.len(), 3);
        let to_member: Vec<&Received> = messages.iter().filter(|m| m.rcpt_tos == ["anna@hubclub.example"]).collect();
        assert_eq!(to_member.len(), 2, "one duplicate");
        let expected_id = format!("<{}@deskvisa.example>", row.id);
        assert_eq!(to_member[0].message_id(), expected_id);
        assert_eq!(to_member[1].message_id(), expected_id, "the same Message-ID: recognisably the same message");

        // And no more after that.
        w.clock.advance(TimeDelta::hours(1));
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        assert_eq!(sink.messages().len(), 3);
        assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await, 0);
    })
    .await;
}

#[tokio::test]
async fn two_workers_on_one_postgres_deliver_a_thousand_emails_each_exactly_once() {
    let Some(db) = TestDatabase::new(Backend::Postgres).await else {
        return;
    };
    let sink = SmtpSink::start();
    let w = World::new(db, 2).await;
    let stay = w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
    // Deliver the request's own emails first, so only the thousand remain.
    let setup = mailer_to(&sink, quick());
    deliver_until(&w, &setup, &sink, 2).await;
    let payload = serde_json::to_string(&StayEvent {
        stay: stay.id.as_uuid(),
        reason: None,
        had_been_approved: false,
        sequence: 0,
        moved_from: None,
    })
    .unwrap();
    let mails: Vec<deskvisa_store::NewMail> = (0..1000)
        .map(|_| deskvisa_store::NewMail {
            kind: deskvisa_rules::MailKind::StayRequested,
            recipient: format!("member:{}", w.member.member),
            payload: payload.clone(),
        })
        .collect();
    for chunk in mails.chunks(250) {
        let tx = w.service.store().begin_write().await.unwrap();
        tx.enqueue_mail(chunk, w.service.now()).await.unwrap();
        tx.commit().await.unwrap();
    }

    // Two workers, each with its own pool and its own SMTP connections.
    let second = w.another_instance(4).await;
    let config = DeliveryConfig { batch: 20, concurrency: 4, ..quick() };
    let (a, b) = (mailer_to(&sink, config.clone()), mailer_to(&sink, config));
    let (ra, rb) = tokio::join!(w.service.deliver_mail(&a), second.deliver_mail(&b));
    let (ra, rb) = (ra.unwrap(), rb.unwrap());
    assert_eq!(ra.sent + rb.sent, 1000, "{ra:?} {rb:?}");
    assert!(ra.sent > 0 && rb.sent > 0, "both workers took part: {ra:?} {rb:?}");
    let messages = sink.wait_for(1002, Duration::from_secs(30)).await;
    assert_eq!(messages.len(), 1002);
    let ids: BTreeSet<&str> = messages.iter().map(Received::message_id).collect();
    assert_eq!(ids.len(), 1002, "no duplicate");
    assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await, 0);
}

#[tokio::test]
async fn a_refused_address_is_a_dead_letter_at_once_and_can_be_sent_again() {
    World::on_both_backends(2, async |w| {
        let mut sink =
            SmtpSink::start_with(SinkOptions { reject: Some("bounce".to_owned()), ..SinkOptions::default() });
        let mailer = mailer_to(&sink, quick());
        let bouncer = new_member(&w, "bounce@hubclub.example", Locale::En).await;
        w.service.request_stay(&bouncer, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 1).await;
        assert_eq!(messages[0].rcpt_tos, ["lars@cph.example"], "the host admin's copy went out");
        let report = w.service.deliver_mail(&mailer).await.unwrap();
        assert_eq!(report, DeliveryReport::default(), "the refused one is not retried");
        let failed = w.service.failed_mail().await.unwrap();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].attempts, 1, "after one try");
        assert!(failed[0].last_error.as_deref().unwrap().contains("550"), "{:?}", failed[0].last_error);
        assert_eq!(w.service.gauges().await.unwrap().outbox_dead, 1);

        // The mailbox is fixed; an operator sends it again.
        sink.stop();
        sink.set_options(SinkOptions::default());
        sink.resume();
        let row = w.service.retry_mail(failed[0].id).await.unwrap();
        assert_eq!(row.status, "pending");
        let messages = deliver_until(&w, &mailer, &sink, 2).await;
        assert_eq!(messages[1].rcpt_tos, ["bounce@hubclub.example"]);
        assert_eq!(messages[1].message_id(), format!("<{}@deskvisa.example>", failed[0].id));
        assert!(w.service.failed_mail().await.unwrap().is_empty());
        assert!(matches!(w.service.retry_mail(uuid::Uuid::new_v4()).await, Err(ServiceError::NotFound)));
    })
    .await;
}

#[tokio::test]
async fn a_mailbox_that_keeps_failing_for_now_is_retried_with_backoff_then_dead_lettered() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let sink = SmtpSink::start_with(SinkOptions { tempfail: Some("later".to_owned()), ..SinkOptions::default() });
    let config = DeliveryConfig { max_attempts: 4, ..quick() };
    let mailer = mailer_to(&sink, config);
    let w = World::new(db, 2).await;
    let later = new_member(&w, "later@hubclub.example", Locale::En).await;
    w.service.request_stay(&later, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
    let mut retried = 0;
    for _ in 0..20 {
        let report = w.service.deliver_mail(&mailer).await.unwrap();
        retried += report.retried;
        if report.dead == 1 {
            break;
        }
        // Not due again before its backoff: a round right away sends nothing.
        if report.retried == 1 {
            assert_eq!(w.service.deliver_mail(&mailer).await.unwrap().retried, 0);
        }
        w.clock.advance(TimeDelta::seconds(2));
    }
    assert_eq!(retried, 3, "three retries, then the fourth attempt gives up");
    let failed = w.service.failed_mail().await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 4);
    assert!(failed[0].last_error.as_deref().unwrap().contains("451"));
}

#[tokio::test]
async fn reminders_go_out_once_however_many_workers_run() {
    World::on_both_backends(2, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let config = WorkerConfig::default();
        let coming = w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        w.service.act_on_stay(&w.host_admin, coming.id, StayCommand::Approve).await.unwrap();
        let other = new_member(&w, "ewa@hubclub.example", Locale::Pl).await;
        let pending = w.service.request_stay(&other, &w.input("2026-03-16", "2026-03-20")).await.unwrap();
        assert_eq!(pending.answer_deadline, Some(t("2026-03-05T09:00:00Z")));
        deliver_until(&w, &mailer, &sink, 5).await;

        // Nothing is due yet.
        assert_eq!(w.service.send_reminders(&config).await.unwrap(), (0, 0));
        // 4 March, 10:00 UTC: the answer window closes within 24 hours.
        w.clock.set(t("2026-03-04T10:00:00Z"));
        let second = Service::with_store(w.test_db.store().await, Arc::new(w.clock.clone()));
        let (a, b) = tokio::join!(w.service.send_reminders(&config), second.send_reminders(&config));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.1 + b.1, 1, "one answer reminder: {a:?} {b:?}");
        assert_eq!(a.0 + b.0, 0);
        // 7 March, 00:30 in Copenhagen: two days before the stay.
        w.clock.set(t("2026-03-06T23:30:00Z"));
        let (a, b) = tokio::join!(w.service.send_reminders(&config), second.send_reminders(&config));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!((a.0 + b.0, a.1 + b.1), (1, 0), "one stay reminder: {a:?} {b:?}");
        assert_eq!(w.service.send_reminders(&config).await.unwrap(), (0, 0));

        let messages = deliver_until(&w, &mailer, &sink, 7).await;
        let new = &messages[5..];
        let answer: Vec<&Received> = new.iter().filter(|m| m.subject().starts_with("Still waiting")).collect();
        assert_eq!(answer.len(), 1);
        assert_eq!(answer[0].rcpt_tos, ["lars@cph.example"]);
        assert!(answer[0].text().contains("5 March 2026, 10:00 (Europe/Copenhagen)"), "{}", answer[0].text());
        let soon: Vec<&Received> = new.iter().filter(|m| m.subject().starts_with("Soon: your stay")).collect();
        assert_eq!(soon.len(), 1);
        assert_eq!(soon[0].rcpt_tos, ["anna@hubclub.example"]);
        assert!(soon[0].text().contains("Monday, 9 March 2026"));
        w.clock.advance(TimeDelta::hours(12));
        assert_eq!(w.service.send_reminders(&config).await.unwrap(), (0, 0));
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        assert_eq!(sink.messages().len(), 7);
    })
    .await;
}

#[tokio::test]
async fn text_typed_by_users_adds_no_header_and_no_recipient() {
    World::on_both_backends(2, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let evil = "\r\nBcc: evil@attacker.example\r\nX-Injected: yes";
        let eve = w.add_member(w.home, member_named("eve@hubclub.example", &format!("Eve{evil}"), Locale::En)).await;
        let site = site_in(&w, &format!("Hub{evil}"), "Europe/Copenhagen", &format!("Street{evil}")).await;
        let input = StayRequestInput {
            site,
            start_date: d("2026-03-09"),
            end_date: d("2026-03-13"),
            purpose: format!("Work{evil}\r\n\r\nbody"),
        };
        let stay = w.service.request_stay(&eve, &input).await.unwrap();
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        let reason = Reason::parse(&format!("Sorry{evil}")).unwrap();
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Cancel(Some(reason))).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 5).await;
        assert_eq!(messages.len(), 5);
        for m in &messages {
            assert!(m.rcpt_tos == ["eve@hubclub.example"] || m.rcpt_tos == ["lars@cph.example"], "{:?}", m.rcpt_tos);
            for (name, value) in &m.raw_headers {
                assert!(
                    !name.eq_ignore_ascii_case("bcc") && !name.eq_ignore_ascii_case("x-injected"),
                    "{name}: {value}"
                );
                let unfolded = value.replace("\r\n ", " ").replace("\r\n\t", " ");
                assert!(!unfolded.contains(['\r', '\n']), "{name}: {value:?}");
            }
            // The header block as sent: no line of it starts with an injected name.
            let head = m.raw.split("\r\n\r\n").next().unwrap().to_ascii_lowercase();
            assert!(head.split("\r\n").all(|l| !l.starts_with("bcc:") && !l.starts_with("x-injected:")), "{head}");
            assert_eq!(m.header_all("Subject").len(), 1);
            assert_eq!(m.header_all("To").len(), 1);
            if let Some((_, ics)) = calendar_of(m) {
                let both = parse_ics(ics);
                assert_eq!(both.icalendar.events.len(), 1);
                assert_eq!(both.icalendar.events[0].attendees, ["mailto:eve@hubclub.example"]);
                assert_eq!(both.vobject.events[0].attendees, ["mailto:eve@hubclub.example"]);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn event_invitations_name_the_right_instant_in_two_parsers_around_dst() {
    use deskvisa_mail::{EventCalendar, IcsMethod, event_calendar};
    let at = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap();
    // (zone, local start, local end, UTC start, UTC end)
    let cases = [
        ("Pacific/Honolulu", "2026-03-10 08:00", "2026-03-10 09:30", "2026-03-10T18:00:00Z", "2026-03-10T19:30:00Z"),
        ("Asia/Kolkata", "2026-03-10 09:00", "2026-03-10 10:00", "2026-03-10T03:30:00Z", "2026-03-10T04:30:00Z"),
        ("Pacific/Tongatapu", "2026-03-10 07:30", "2026-03-10 09:00", "2026-03-09T18:30:00Z", "2026-03-09T20:00:00Z"),
        // The night summer time begins: 02:30 does not exist and means 03:30.
        ("Europe/Warsaw", "2026-03-29 02:30", "2026-03-29 04:00", "2026-03-29T01:30:00Z", "2026-03-29T02:00:00Z"),
        // The night summer time ends: 02:30 happens twice; the first is meant.
        ("Pacific/Auckland", "2026-04-05 02:30", "2026-04-05 08:00", "2026-04-04T13:30:00Z", "2026-04-04T20:00:00Z"),
    ];
    for (zone, start, end, utc_start, utc_end) in cases {
        let event = EventCalendar {
            event_id: "0195b7a2-0000-7000-8000-00000000e001".to_owned(),
            title: "Business breakfast; fintech, AI".to_owned(),
            description: "Coffee, then ten-minute pitches.".to_owned(),
            site_name: "Nyhavn House".to_owned(),
            address: "Nyhavn 1, 1051 København".to_owned(),
            timezone: TimeZone::parse(zone).unwrap(),
            starts_at: at(start),
            ends_at: at(end),
            organizer_email: "desks@cph.example".to_owned(),
            attendee: Some(("Anna Nowak".to_owned(), "anna@hubclub.example".to_owned())),
            sequence: 0,
            cancelled: false,
        };
        let ics = event_calendar(&event, IcsMethod::Request, t("2026-03-02T09:00:00Z"));
        let both = parse_ics(&ics);
        for (parser, calendar) in [("icalendar", &both.icalendar), ("vobject", &both.vobject)] {
            let e = &calendar.events[0];
            assert_eq!(calendar.method.as_deref(), Some("REQUEST"), "{zone} {parser}");
            assert_eq!((e.dtstart.as_deref(), e.dtend.as_deref()), (Some(utc_start), Some(utc_end)), "{zone} {parser}");
            assert_eq!(e.summary.as_deref(), Some("Business breakfast; fintech, AI"), "{zone} {parser}");
            assert_eq!(e.uid.as_deref(), Some("event-0195b7a2-0000-7000-8000-00000000e001@deskvisa"));
            assert_eq!(e.attendees, ["mailto:anna@hubclub.example"], "{zone} {parser}");
            assert!(e.description.as_deref().unwrap().contains(zone), "the site's zone is named");
        }
        let cancelled = event_calendar(
            &EventCalendar { sequence: 1, cancelled: true, ..event },
            IcsMethod::Cancel,
            t("2026-03-03T09:00:00Z"),
        );
        let both = parse_ics(&cancelled);
        assert_eq!(both.vobject.events[0].status.as_deref(), Some("CANCELLED"));
        assert_eq!(both.icalendar.events[0].sequence, 1);
    }
}

#[tokio::test]
async fn a_stay_approved_with_no_decision_tells_the_member_and_asks_the_admins_nothing() {
    World::on_both_backends(2, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let draft = PolicyDraft { approval_mode: deskvisa_rules::ApprovalMode::Auto, ..PolicyDraft::default() };
        w.service.save_policy(&w.host_admin, w.host, draft).await.unwrap();
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        assert_eq!(stay.status, deskvisa_rules::StayStatus::Approved);
        let messages = deliver_until(&w, &mailer, &sink, 2).await;
        let to = by_recipient(&messages);
        assert_eq!(to["anna@hubclub.example"].len(), 1, "one email, not a request and an approval");
        let approved = to["anna@hubclub.example"][0];
        assert!(approved.subject().starts_with("Approved: your desk at Nyhavn House"), "{}", approved.subject());
        let (method, ics) = calendar_of(approved).unwrap();
        assert_eq!(method, "REQUEST");
        assert_eq!(parse_ics(ics).icalendar.events[0].sequence, 1);
        let coming = to["lars@cph.example"][0];
        assert!(coming.subject().starts_with("Coming: A Person at Nyhavn House"), "{}", coming.subject());
        assert!(!coming.text().contains("decide"), "nothing to decide: {}", coming.text());
        assert!(calendar_of(coming).is_none());
        w.clock.advance(TimeDelta::hours(1));
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        assert_eq!(sink.messages().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_worker_stopping_mid_queue_finishes_its_sends_and_gives_the_rest_back() {
    World::on_both_backends(2, async |w| {
        let sink =
            SmtpSink::start_with(SinkOptions { delay: Some(Duration::from_millis(100)), ..SinkOptions::default() });
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        let payload = serde_json::to_string(&StayEvent {
            stay: stay.id.as_uuid(),
            reason: None,
            had_been_approved: false,
            sequence: 0,
            moved_from: None,
        })
        .unwrap();
        let mails: Vec<deskvisa_store::NewMail> = (0..40)
            .map(|_| deskvisa_store::NewMail {
                kind: deskvisa_rules::MailKind::StayRequested,
                recipient: format!("member:{}", w.member.member),
                payload: payload.clone(),
            })
            .collect();
        let tx = w.service.store().begin_write().await.unwrap();
        tx.enqueue_mail(&mails, w.service.now()).await.unwrap();
        tx.commit().await.unwrap();
        // 42 rows: the forty, and the request's own two.
        let mailer = mailer_to(&sink, DeliveryConfig { batch: 64, concurrency: 2, ..quick() });
        let config = WorkerConfig { mail_poll: Duration::from_millis(10), ..WorkerConfig::default() };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let worker = {
            let (service, mailer) = (w.service.clone(), mailer.clone());
            tokio::spawn(async move {
                service
                    .run_worker(config, Some(mailer), async {
                        let _ = stopped.await;
                    })
                    .await;
            })
        };
        sink.wait_for(2, Duration::from_secs(30)).await;
        stop.send(()).unwrap();
        worker.await.unwrap();
        let sent = w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'sent'").await;
        assert!(sent < 42, "it stopped before the end of the queue ({sent} sent)");
        assert_eq!(
            w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND lease_until IS NOT NULL").await,
            0,
            "nothing is left leased to a worker that is gone"
        );
        assert_eq!(
            w.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts > 0").await,
            0,
            "a row given back counts no attempt"
        );
        // Another worker, at once (no lease to wait for), sends the rest.
        w.service.deliver_mail(&mailer).await.unwrap();
        let messages = sink.wait_for(42, Duration::from_secs(60)).await;
        assert_eq!(messages.len(), 42);
        let ids: BTreeSet<&str> = messages.iter().map(Received::message_id).collect();
        assert_eq!(ids.len(), 42, "none twice");
    })
    .await;
}

#[tokio::test]
async fn stays_that_will_never_be_reminded_leave_the_candidates_without_an_email() {
    let db = TestDatabase::new(Backend::Sqlite).await.unwrap();
    let w = World::new(db, 2).await;
    // Requested on 2 March for 3 March: inside the two-day window from the start.
    let late = w.service.request_stay(&w.member, &w.input("2026-03-03", "2026-03-04")).await.unwrap();
    w.service.act_on_stay(&w.host_admin, late.id, StayCommand::Approve).await.unwrap();
    let queued = w.test_db.scalar("SELECT COUNT(*) FROM outbox").await;
    assert_eq!(w.service.send_reminders(&WorkerConfig::default()).await.unwrap(), (0, 0));
    assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM outbox").await, queued, "no reminder email");
    assert_eq!(
        w.test_db.scalar("SELECT COUNT(*) FROM stays WHERE reminded_at IS NOT NULL").await,
        1,
        "marked as handled, so it never crowds out stays that are due"
    );
}

// Events during the visit, by email: what the approval lists, the
// invitation a registration sends, and the calendar updates that follow a
// change, a cancelled stay, a cancelled event and a withdrawal.

/// An event at the world's site, its times on Copenhagen's wall clock.
async fn publish(w: &World, title: &str, starts: &str, ends: &str, open_to_visitors: bool) -> EventRecord {
    let draft = EventDraft {
        title: title.to_owned(),
        description: "Short talks, then open discussion.".to_owned(),
        starts_at: deskvisa_rules::parse_local_time(starts).unwrap(),
        ends_at: deskvisa_rules::parse_local_time(ends).unwrap(),
        capacity: 20,
        open_to_visitors,
    };
    w.service.publish_event(&w.host_admin, w.site, draft).await.unwrap()
}

/// The stay of 9–13 March at the world's site, requested and approved.
async fn approved_stay(w: &World, who: &Caller) -> StayRecord {
    let stay = w.service.request_stay(who, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
    w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap()
}

/// The one message to `email` whose subject starts with `prefix`.
fn the_one<'a>(messages: &'a [Received], email: &str, prefix: &str) -> &'a Received {
    let found: Vec<&Received> =
        messages.iter().filter(|m| m.rcpt_tos == [email] && m.subject().starts_with(prefix)).collect();
    assert_eq!(
        found.len(),
        1,
        "one message to {email} starting {prefix:?} among {:?}",
        messages.iter().map(|m| (&m.rcpt_tos[0], m.subject())).collect::<Vec<_>>()
    );
    found[0]
}

/// The event's calendar entry in `m`: one VEVENT with `method`, inline and
/// as the invite.ics attachment, read alike by both parsers.
fn event_entry(m: &Received, method: &str) -> deskvisa_testing::ics::ParsedEvent {
    assert_well_formed(m);
    let (inline_method, ics) = calendar_of(m).unwrap_or_else(|| panic!("a calendar in {:?}", m.subject()));
    assert_eq!(inline_method, method, "{}", m.subject());
    assert!(ics.contains(&format!("METHOD:{method}")), "{ics}");
    let attachment = m.parts.iter().find(|p| p.filename.as_deref() == Some("invite.ics")).expect("invite.ics");
    assert_eq!(attachment.disposition.as_deref(), Some("attachment"));
    assert_eq!(attachment.content, ics, "the attachment is the inline calendar");
    let both = parse_ics(ics);
    for (parser, calendar) in [("icalendar", &both.icalendar), ("vobject", &both.vobject)] {
        assert_eq!(calendar.method.as_deref(), Some(method), "{parser}: {ics}");
        assert_eq!(calendar.events.len(), 1, "{parser}: {ics}");
    }
    let (a, b) = (&both.icalendar.events[0], &both.vobject.events[0]);
    assert_eq!((&a.uid, a.sequence, &a.dtstart, &a.dtend), (&b.uid, b.sequence, &b.dtstart, &b.dtend), "{ics}");
    assert_eq!((&a.status, &a.attendees, &a.summary), (&b.status, &b.attendees, &b.summary), "{ics}");
    a.clone()
}

fn event_uid(event: &EventRecord) -> Option<String> {
    Some(format!("event-{}@deskvisa", event.id))
}

#[tokio::test]
async fn the_approval_lists_the_open_events_and_a_registration_sends_an_invitation_in_the_members_language() {
    World::on_both_backends(3, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let ola = w.add_member(w.home, member_named("ola@hubclub.example", "Ola Kowalska", Locale::Pl)).await;
        let anna = w.member;
        // During the stay, on the site's wall clock: an evening event; one
        // just after midnight on its first day (still 8 March in UTC); one
        // for the host's own members; one cancelled. Outside it: one just
        // after midnight the day after its last day (13 March in UTC).
        let evening = publish(&w, "Fintech evening: open banking", "2026-03-10T17:00", "2026-03-10T19:00", true).await;
        publish(&w, "Night hackathon kick-off", "2026-03-09T00:30", "2026-03-09T01:30", true).await;
        publish(&w, "Members breakfast", "2026-03-11T08:00", "2026-03-11T09:00", false).await;
        let called_off = publish(&w, "Called-off panel", "2026-03-12T15:00", "2026-03-12T16:00", true).await;
        w.service.cancel_event(&w.host_admin, called_off.id, None).await.unwrap();
        publish(&w, "Weekend hackathon", "2026-03-14T00:30", "2026-03-14T02:00", true).await;

        approved_stay(&w, &ola).await;
        approved_stay(&w, &anna).await;
        // Two requests (to the member and to the host's admin), two approvals.
        let messages = deliver_until(&w, &mailer, &sink, 6).await;
        assert_eq!(messages.len(), 6);
        for (email, prefix, heading, evening_line, night_line) in [
            (
                "ola@hubclub.example",
                "Pobyt zatwierdzony: Nyhavn House",
                "Wydarzenia w lokalizacji w czasie Twojego pobytu (czas lokalny, Europe/Copenhagen):",
                "wtorek, 10 marca 2026, 17:00–19:00; wolnych miejsc: 20",
                "poniedziałek, 9 marca 2026, 00:30–01:30; wolnych miejsc: 20",
            ),
            (
                "anna@hubclub.example",
                "Approved: your desk at Nyhavn House",
                "Events at the site during your stay (local time, Europe/Copenhagen):",
                "Tuesday, 10 March 2026, 17:00–19:00; 20 seats left",
                "Monday, 9 March 2026, 00:30–01:30; 20 seats left",
            ),
        ] {
            let approval = the_one(&messages, email, prefix);
            assert_well_formed(approval);
            let text = approval.text();
            let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{email}: {needle:?} in\n{text}"));
            let (heading_at, evening_at, night_at) = (at(heading), at(evening_line), at(night_line));
            assert!(heading_at < night_at && night_at < evening_at, "earliest first, under the heading:\n{text}");
            assert!(at("Fintech evening: open banking") < evening_at && at("Night hackathon kick-off") < night_at);
            for absent in ["Members breakfast", "Called-off panel", "Weekend hackathon"] {
                assert!(!text.contains(absent), "{email}: {absent:?} is not listed:\n{text}");
                assert!(!approval.html().contains(absent), "{email}: {absent:?} is not in the HTML");
            }
            let html = approval.html();
            assert!(html.contains("Fintech evening: open banking"), "{email}: the HTML lists it too");
            assert!(html.contains(evening_line.split(';').next().unwrap()), "{email}: its time in the HTML");
        }

        // Each visitor registers; registering again changes nothing.
        assert!(w.service.register_for_event(&ola, evening.id).await.unwrap().created);
        assert!(w.service.register_for_event(&anna, evening.id).await.unwrap().created);
        assert!(!w.service.register_for_event(&ola, evening.id).await.unwrap().created);
        let messages = deliver_until(&w, &mailer, &sink, 8).await;
        let new = &messages[6..];
        assert_eq!(new.len(), 2);
        for (email, prefix, lead, when) in [
            (
                "ola@hubclub.example",
                "Zapis potwierdzony: Fintech evening: open banking, 10 marca 2026, godz. 17:00, Nyhavn House",
                "potwierdzamy Twój zapis na wydarzenie „Fintech evening: open banking”",
                "wtorek, 10 marca 2026, 17:00–19:00 (Europe/Copenhagen)",
            ),
            (
                "anna@hubclub.example",
                "Registered: Fintech evening: open banking, 10 March 2026, 17:00 at Nyhavn House",
                "You are registered for “Fintech evening: open banking”",
                "Tuesday, 10 March 2026, 17:00–19:00 (Europe/Copenhagen)",
            ),
        ] {
            let m = the_one(new, email, prefix);
            let text = m.text();
            assert!(text.starts_with(if email.starts_with("ola") { "Dzień dobry," } else { "Hello A Person," }));
            assert!(text.contains(lead), "{email}: {text}");
            assert!(text.contains(when), "{email}: {text}");
            let (_, ics) = calendar_of(m).unwrap();
            assert!(ics.contains("DTSTART:20260310T160000Z") && ics.contains("DTEND:20260310T180000Z"), "{ics}");
            let entry = event_entry(m, "REQUEST");
            assert_eq!(entry.uid, event_uid(&evening), "{email}");
            assert_eq!(entry.dtstart.as_deref(), Some("2026-03-10T16:00:00Z"), "17:00 in Copenhagen, winter time");
            assert_eq!(entry.dtend.as_deref(), Some("2026-03-10T18:00:00Z"));
            assert_eq!(entry.attendees, [format!("mailto:{email}")], "the member, and only them");
            assert_eq!(entry.sequence, 0, "the event's first version");
            assert_eq!(entry.status.as_deref(), Some("CONFIRMED"));
            assert_eq!(entry.summary.as_deref(), Some("Fintech evening: open banking"));
            assert_eq!(entry.organizer.as_deref().map(str::to_lowercase).as_deref(), Some("mailto:desks@cph.example"));
        }

        assert_eq!(w.service.event(evening.id).await.unwrap().registered, 2);
        w.clock.advance(TimeDelta::minutes(1));
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        assert_eq!(sink.messages().len(), 8, "nothing more, nothing twice");
    })
    .await;
}

#[tokio::test]
async fn a_moved_event_a_cancelled_stay_and_a_cancelled_event_update_the_calendars_of_those_registered() {
    World::on_both_backends(3, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let ola = w.add_member(w.home, member_named("ola@hubclub.example", "Ola Kowalska", Locale::Pl)).await;
        let anna = w.member;
        let evening = publish(&w, "Fintech evening", "2026-03-10T17:00", "2026-03-10T19:00", true).await;
        let demo = publish(&w, "Design sprint demo", "2026-03-12T09:00", "2026-03-12T11:00", true).await;
        let ola_stay = approved_stay(&w, &ola).await;
        approved_stay(&w, &anna).await;
        for who in [&ola, &anna] {
            for event in [&evening, &demo] {
                w.service.register_for_event(who, event.id).await.unwrap();
            }
        }
        // Two requests, two admins' copies, two approvals, four registrations.
        let messages = deliver_until(&w, &mailer, &sink, 10).await;
        assert_eq!(messages.len(), 10);
        let invited = event_entry(the_one(&messages, "ola@hubclub.example", "Zapis potwierdzony: Fintech"), "REQUEST");
        assert_eq!(invited.sequence, 0);

        // The host moves the evening to Wednesday, still inside both stays.
        let patch = EventPatch {
            starts_at: Some(deskvisa_rules::parse_local_time("2026-03-11T17:00").unwrap()),
            ends_at: Some(deskvisa_rules::parse_local_time("2026-03-11T19:00").unwrap()),
            ..EventPatch::default()
        };
        w.service.update_event(&w.host_admin, evening.id, patch).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 12).await;
        let new = &messages[10..];
        assert_eq!(new.len(), 2, "{:?}", new.iter().map(Received::subject).collect::<Vec<_>>());
        let mut changed_sequence = 0;
        for (email, prefix, when) in [
            (
                "ola@hubclub.example",
                "Zmiany w wydarzeniu: Fintech evening, 11 marca 2026, godz. 17:00, Nyhavn House",
                "środa, 11 marca 2026, 17:00–19:00 (Europe/Copenhagen)",
            ),
            (
                "anna@hubclub.example",
                "Changed: Fintech evening, 11 March 2026, 17:00 at Nyhavn House",
                "Wednesday, 11 March 2026, 17:00–19:00 (Europe/Copenhagen)",
            ),
        ] {
            let m = the_one(new, email, prefix);
            assert!(m.text().contains(when), "{email}: {}", m.text());
            let entry = event_entry(m, "REQUEST");
            assert_eq!(entry.uid, event_uid(&evening), "the same calendar entry, updated");
            assert!(
                entry.sequence > invited.sequence,
                "{email}: SEQUENCE {} after {}",
                entry.sequence,
                invited.sequence
            );
            assert_eq!(entry.dtstart.as_deref(), Some("2026-03-11T16:00:00Z"));
            assert_eq!(entry.dtend.as_deref(), Some("2026-03-11T18:00:00Z"));
            assert_eq!(entry.attendees, [format!("mailto:{email}")]);
            assert_eq!(entry.status.as_deref(), Some("CONFIRMED"));
            changed_sequence = entry.sequence;
        }

        // Ola cancels her stay: both her registrations go, each calendar
        // entry is cancelled; Anna's stay: nothing changes for her.
        w.service.act_on_stay(&ola, ola_stay.id, StayCommand::Cancel(None)).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 16).await;
        let new = &messages[12..];
        assert_eq!(
            new.len(),
            4,
            "the stay's cancellation to Ola and the host's admin, two withdrawals: {:?}",
            new.iter().map(|m| (&m.rcpt_tos[0], m.subject())).collect::<Vec<_>>()
        );
        the_one(new, "ola@hubclub.example", "Pobyt odwołany: Nyhavn House");
        the_one(new, "lars@cph.example", "Cancelled: ");
        let withdrawn =
            the_one(new, "ola@hubclub.example", "Zapis wycofany: Fintech evening, 11 marca 2026, godz. 17:00");
        let text = withdrawn.text();
        assert!(
            text.contains("Twój zapis na wydarzenie „Fintech evening” w lokalizacji Nyhavn House został wycofany.")
        );
        assert!(text.contains("pobyt został odwołany"), "why, in Polish: {text}");
        let entry = event_entry(withdrawn, "CANCEL");
        assert_eq!(entry.uid, event_uid(&evening));
        assert!(entry.sequence >= changed_sequence, "SEQUENCE {} after {changed_sequence}", entry.sequence);
        assert_eq!(entry.dtstart.as_deref(), Some("2026-03-11T16:00:00Z"), "the entry as it was last sent");
        assert_eq!(entry.status.as_deref(), Some("CANCELLED"));
        assert_eq!(entry.attendees, ["mailto:ola@hubclub.example"]);
        let withdrawn = the_one(new, "ola@hubclub.example", "Zapis wycofany: Design sprint demo");
        let entry = event_entry(withdrawn, "CANCEL");
        assert_eq!(entry.uid, event_uid(&demo));
        assert!(entry.sequence > 0, "after the invitation's SEQUENCE 0");
        assert_eq!(entry.status.as_deref(), Some("CANCELLED"));
        assert_eq!(w.service.event(evening.id).await.unwrap().registered, 1, "Ola's seat is free again");
        assert_eq!(w.service.event(demo.id).await.unwrap().registered, 1);

        // The host cancels the demo, with a reason: only Anna is still registered.
        let reason = "Our speaker has fallen ill; a new date follows soon.";
        w.service.cancel_event(&w.host_admin, demo.id, Some(reason.to_owned())).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 17).await;
        let new = &messages[16..];
        assert_eq!(new.len(), 1);
        let cancelled = the_one(new, "anna@hubclub.example", "Cancelled: Design sprint demo, 12 March 2026, 09:00");
        let text = cancelled.text();
        assert!(text.contains("has cancelled “Design sprint demo”"), "{text}");
        assert!(text.contains(reason), "the host's reason: {text}");
        assert!(cancelled.html().contains("Our speaker has fallen ill"), "in the HTML too");
        let entry = event_entry(cancelled, "CANCEL");
        assert_eq!(entry.uid, event_uid(&demo));
        assert!(entry.sequence > 0, "after the invitation's SEQUENCE 0");
        assert_eq!(entry.status.as_deref(), Some("CANCELLED"));
        assert_eq!(entry.attendees, ["mailto:anna@hubclub.example"]);
        assert!(entry.description.as_deref().unwrap_or_default().contains(reason), "{:?}", entry.description);

        let coming = w.service.my_registrations(&anna).await.unwrap();
        assert_eq!(coming.iter().map(|(_, e)| e.id).collect::<Vec<_>>(), [evening.id]);
        assert!(w.service.my_registrations(&ola).await.unwrap().is_empty());
        w.clock.advance(TimeDelta::minutes(1));
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        assert_eq!(sink.messages().len(), 17, "nothing more, nothing twice");
    })
    .await;
}

#[tokio::test]
async fn a_member_who_withdraws_is_told_in_their_language_that_they_did_it_themselves() {
    World::on_both_backends(3, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let ola = w.add_member(w.home, member_named("ola@hubclub.example", "Ola Kowalska", Locale::Pl)).await;
        let anna = w.member;
        let evening = publish(&w, "Fintech evening", "2026-03-10T17:00", "2026-03-10T19:00", true).await;
        approved_stay(&w, &ola).await;
        approved_stay(&w, &anna).await;
        w.service.register_for_event(&ola, evening.id).await.unwrap();
        w.service.register_for_event(&anna, evening.id).await.unwrap();
        let messages = deliver_until(&w, &mailer, &sink, 8).await;
        assert_eq!(messages.len(), 8);
        let invited = event_entry(the_one(&messages, "anna@hubclub.example", "Registered: "), "REQUEST");

        w.service.withdraw_registration(&ola, evening.id).await.unwrap();
        w.service.withdraw_registration(&anna, evening.id).await.unwrap();
        assert!(matches!(w.service.withdraw_registration(&anna, evening.id).await, Err(ServiceError::NotFound)));
        let messages = deliver_until(&w, &mailer, &sink, 10).await;
        let new = &messages[8..];
        assert_eq!(new.len(), 2);
        for (email, prefix, said, not_said) in [
            (
                "ola@hubclub.example",
                "Zapis wycofany: Fintech evening, 10 marca 2026, godz. 17:00, Nyhavn House",
                "Zapis wycofano na Twoją prośbę.",
                "najczęściej dlatego, że pobyt został odwołany",
            ),
            (
                "anna@hubclub.example",
                "Registration withdrawn: Fintech evening, 10 March 2026, 17:00 at Nyhavn House",
                "You withdrew your registration yourself.",
                "most often the stay was cancelled",
            ),
        ] {
            let m = the_one(new, email, prefix);
            assert!(m.text().contains(said), "{email}: {}", m.text());
            assert!(m.html().contains(said), "{email}: in the HTML too");
            assert!(!m.text().contains(not_said), "{email}: no talk of a cancelled stay: {}", m.text());
            let entry = event_entry(m, "CANCEL");
            assert_eq!(entry.uid, event_uid(&evening));
            assert!(entry.sequence > invited.sequence, "{email}: SEQUENCE {}", entry.sequence);
            assert_eq!(entry.status.as_deref(), Some("CANCELLED"));
            assert_eq!(entry.dtstart.as_deref(), Some("2026-03-10T16:00:00Z"));
            assert_eq!(entry.attendees, [format!("mailto:{email}")]);
        }
        assert_eq!(w.service.event(evening.id).await.unwrap().registered, 0, "both seats are free again");
        w.clock.advance(TimeDelta::minutes(1));
        assert_eq!(w.service.deliver_mail(&mailer).await.unwrap(), DeliveryReport::default());
        assert_eq!(sink.messages().len(), 10);
    })
    .await;
}

/// A calendar ignores an update whose SEQUENCE is below the one it holds for
/// the UID (RFC 5546, 2.1.5): after a CANCEL, a new invitation for the same
/// event must not come with a lower SEQUENCE, or it never shows.
#[tokio::test]
async fn registering_again_after_withdrawing_sends_an_invitation_the_calendar_will_take() {
    World::on_both_backends(3, async |w| {
        let (sink, mailer) = smtp_sink(quick());
        let anna = w.member;
        let evening = publish(&w, "Fintech evening", "2026-03-10T17:00", "2026-03-10T19:00", true).await;
        approved_stay(&w, &anna).await;
        w.service.register_for_event(&anna, evening.id).await.unwrap();
        w.service.withdraw_registration(&anna, evening.id).await.unwrap();
        // A request to Anna and to the host's admin, the approval, the
        // registration, its withdrawal.
        let messages = deliver_until(&w, &mailer, &sink, 5).await;
        assert_eq!(messages.len(), 5);
        let cancel = event_entry(the_one(&messages, "anna@hubclub.example", "Registration withdrawn: "), "CANCEL");

        assert!(w.service.register_for_event(&anna, evening.id).await.unwrap().created);
        let messages = deliver_until(&w, &mailer, &sink, 6).await;
        assert_eq!(messages.len(), 6);
        let again = event_entry(&messages[5], "REQUEST");
        assert!(messages[5].subject().starts_with("Registered: Fintech evening"));
        assert_eq!(again.uid, cancel.uid);
        assert!(
            again.sequence >= cancel.sequence,
            "the new invitation has SEQUENCE {} after the cancellation's {}: calendars drop it as out of date",
            again.sequence,
            cancel.sequence
        );
    })
    .await;
}
