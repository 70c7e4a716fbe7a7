//! Every link in every email opens a page: each kind of email (stays,
//! events, accounts) is sent through a real SMTP server (aiosmtpd), and each
//! link in it is opened with a browser session of its recipient. Each must
//! answer 200 with a page that names the stay or the event the email is
//! about; a link that 404s fails the build. A recipient who is signed out
//! comes back to the link's page after the sign-in link. Both databases.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use crate::support::*;
use axum::http::StatusCode;
use chrono::{NaiveDateTime, TimeDelta};
use deskvisa_rules::{ApprovalMode, Email, Locale, OnNoAnswer, PolicyDraft, Reason};
use deskvisa_service::*;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::smtp::Received;
use deskvisa_testing::world::{Setup, World};
use sea_orm::{ConnectionTrait, Statement};

/// The links to this server in a text.
fn links(text: &str) -> Vec<String> {
    text.match_indices(ORIGIN)
        .map(|(at, _)| {
            text[at + ORIGIN.len()..]
                .chars()
                .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '<' | '>' | ')'))
                .collect::<String>()
        })
        .map(|path| if path.is_empty() { "/".to_owned() } else { path })
        .collect()
}

fn time(text: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").unwrap()
}

#[tokio::test]
async fn every_link_in_every_email_opens_a_page_that_names_its_stay_or_event() {
    on_both_backends(|db| async move {
        let setup = Setup {
            house_rules: "Quiet after six.".to_owned(),
            member: person("anna@hubclub.example", Locale::En),
            host_admin: person("lars@cph.example", Locale::En),
            ..Setup::desks(3)
        };
        let w = Web::with_mail(World::with(db, setup).await);
        let (app, service, clock, host, db) = (&w.app, &w.service, &w.clock, w.host, &w.test_db);
        let (sink, mailer) = (w.sink(), w.mailer());
        let (anna, lars) = (w.member, w.host_admin);
        let ola = w.add_member(w.home, person("ola@hubclub.example", Locale::Pl)).await;
        let piotr = w.add_member(w.home, person("piotr@hubclub.example", Locale::En)).await;
        let stay = |start, end| StayRequestInput { purpose: "Meet Danish firms".into(), ..w.input(start, end) };
        let policy =
            |approval_mode, on_no_answer| PolicyDraft { approval_mode, on_no_answer, ..PolicyDraft::default() };

        // Every email, through the real SMTP server, sent as the clock
        // goes (a sign-in link is only written while it still works).
        // Accounts: an invitation and a sign-in link.
        service.invite_member(&lars, host, person("newbie@cph.example", Locale::Pl)).await.unwrap();
        service.request_sign_in(&Email::parse("anna@hubclub.example").unwrap(), None).await.unwrap();
        // A stay requested and approved; the host's events during it.
        let trip = service.request_stay(&anna, &stay("2026-03-09", "2026-03-13")).await.unwrap();
        service.act_on_stay(&lars, trip.id, StayCommand::Approve).await.unwrap();
        let event = |title: &str, starts: &str, ends: &str| EventDraft {
            title: title.into(),
            description: "Firms of the harbour meet their visitors.".into(),
            starts_at: time(starts),
            ends_at: time(ends),
            capacity: 20,
            open_to_visitors: true,
        };
        let breakfast = service
            .publish_event(&lars, w.site, event("Harbour business breakfast", "2026-03-10T08:00", "2026-03-10T10:00"))
            .await
            .unwrap();
        let meetup = service
            .publish_event(&lars, w.site, event("Fintech meetup", "2026-03-11T17:00", "2026-03-11T19:00"))
            .await
            .unwrap();
        service.register_for_event(&anna, breakfast.id).await.unwrap();
        // Introductions during the trip: one accepted, one declined, one
        // left unanswered until the trip is cancelled.
        let mut asked = Vec::new();
        for (n, name) in ["Bastion Security", "Harbour Labs", "Quay Data"].iter().enumerate() {
            let contact = w.add_member(host, person(&format!("contact{n}@cph.example"), Locale::En)).await;
            let profile = FirmProfile { open_to_visitors: true, ..FirmProfile::named(name, Some(contact.member)) };
            let firm = service.create_firm(&lars, host, profile).await.unwrap();
            let note = deskvisa_rules::Note::parse("Coffee during my visit?").unwrap();
            let intro = service.ask_introduction(&anna, trip.id, firm.id, note).await.unwrap();
            asked.push((contact, intro.id));
        }
        service.answer_introduction(&asked[0].0, asked[0].1, IntroductionAnswer::Accept).await.unwrap();
        service.answer_introduction(&asked[1].0, asked[1].1, IntroductionAnswer::Decline).await.unwrap();
        service.register_for_event(&anna, meetup.id).await.unwrap();
        let moved = EventPatch {
            starts_at: Some(time("2026-03-12T08:00")),
            ends_at: Some(time("2026-03-12T10:00")),
            ..EventPatch::default()
        };
        service.update_event(&lars, breakfast.id, moved).await.unwrap();
        service.cancel_event(&lars, breakfast.id, Some("The hall is flooded".into())).await.unwrap();
        service.withdraw_registration(&anna, meetup.id).await.unwrap();
        // Declined; approved at once; expired after an answer reminder.
        let declined = service.request_stay(&ola, &stay("2026-03-16", "2026-03-18")).await.unwrap();
        let reason = Reason::parse("A delegation has every desk that week").unwrap();
        service.act_on_stay(&lars, declined.id, StayCommand::Decline(reason)).await.unwrap();
        service.save_policy(&lars, host, policy(ApprovalMode::Auto, OnNoAnswer::Approve)).await.unwrap();
        let at_once = service.request_stay(&ola, &stay("2026-03-23", "2026-03-24")).await.unwrap();
        // Given new dates: the member and the host's admins are told.
        service
            .move_stay(&ola, at_once.id, at_once.start_date, chrono::NaiveDate::from_ymd_opt(2026, 3, 25).unwrap())
            .await
            .unwrap();
        service.save_policy(&lars, host, policy(ApprovalMode::Manual, OnNoAnswer::Expire)).await.unwrap();
        service.deliver_mail(mailer).await.unwrap();
        let lapsing = service.request_stay(&piotr, &stay("2026-03-30", "2026-04-01")).await.unwrap();
        let deadline = lapsing.answer_deadline.unwrap();
        let worker = WorkerConfig::default();
        clock.set(deadline - TimeDelta::hours(12));
        assert_eq!(service.send_reminders(&worker).await.unwrap().1, 1, "the host is reminded to answer");
        clock.set(deadline + TimeDelta::seconds(1));
        assert_eq!(service.settle_due_stays().await.unwrap(), 1);
        // Reminded two days ahead; then cancelled.
        clock.set("2026-03-07T09:00:00Z".parse().unwrap());
        assert_eq!(service.send_reminders(&worker).await.unwrap().0, 1, "the visitor is reminded");
        service.act_on_stay(&anna, trip.id, StayCommand::Cancel(None)).await.unwrap();
        // A full Monday: Piotr waits; a desk frees up and is offered to him;
        // he lets the offer lapse.
        let mut full = Vec::new();
        for i in 0..3 {
            let m = w.add_member(w.home, person(&format!("early{i}@hubclub.example"), Locale::En)).await;
            full.push((m, service.request_stay(&m, &stay("2026-04-06", "2026-04-06")).await.unwrap().id));
        }
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 4, 6).unwrap();
        service.join_waitlist(&piotr, w.site, monday, monday).await.unwrap();
        service.act_on_stay(&full[0].0, full[0].1, StayCommand::Cancel(None)).await.unwrap();
        assert_eq!(service.waitlist_pass().await.unwrap(), (1, 0));
        clock.advance(TimeDelta::hours(25));
        assert_eq!(service.waitlist_pass().await.unwrap(), (0, 1));
        // A delegation of two: the host's admins are asked once.
        let boss = w.add_admin(w.home, person("boss@hubclub.example", Locale::En)).await;
        let group = DelegationInput {
            site: w.site,
            start_date: chrono::NaiveDate::from_ymd_opt(2026, 4, 13).unwrap(),
            end_date: chrono::NaiveDate::from_ymd_opt(2026, 4, 14).unwrap(),
            purpose: "Study visit".into(),
            members: vec![full[1].0.member, full[2].0.member],
        };
        service.request_delegation(&boss, &group).await.unwrap();

        service.deliver_mail(mailer).await.unwrap();
        // A row to a cluster's admins is sent as one row per admin.
        let queued = db.scalar("SELECT COUNT(*) FROM outbox WHERE recipient LIKE 'member:%'").await as usize;
        assert_eq!(db.scalar("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'").await, 0);
        let messages: Vec<Received> = sink.wait_for(queued, Duration::from_secs(20)).await;
        assert_eq!(messages.len(), queued, "every email arrived");
        let kinds: HashMap<String, String> = db
            .db
            .query_all_raw(Statement::from_string(db.db.get_database_backend(), "SELECT id, kind FROM outbox"))
            .await
            .unwrap()
            .into_iter()
            .map(|row| {
                let id: uuid::Uuid = row.try_get("", "id").unwrap();
                (format!("<{id}@deskvisa.example>"), row.try_get::<String>("", "kind").unwrap())
            })
            .collect();

        // What a link's page must name: the event it is about, else the site
        // of the stay.
        let titles = [(breakfast.id, "Harbour business breakfast"), (meetup.id, "Fintech meetup")];
        let about = |path: &str| -> &'static str {
            titles.iter().find(|(id, _)| path.contains(&id.to_string())).map_or("Nyhavn House", |(_, title)| title)
        };
        let mut sessions: BTreeMap<String, String> = BTreeMap::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut opened = 0;
        for message in &messages {
            let kind = kinds.get(message.message_id()).unwrap_or_else(|| panic!("{}", message.message_id())).clone();
            let recipient = message.rcpt_tos[0].clone();
            let found = links(message.text());
            assert!(!found.is_empty(), "{kind} to {recipient} has a link to deskvisa:\n{}", message.text());
            for path in found {
                let account_link = path.starts_with("/auth/verify") || path.starts_with("/sign-in");
                let cookie = if account_link {
                    String::new()
                } else {
                    if !sessions.contains_key(&recipient) {
                        sessions.insert(recipient.clone(), session(app, service, &recipient).await);
                    }
                    sessions[&recipient].clone()
                };
                let page = send(app, get(&path, &cookie)).await;
                assert_eq!(page.status, StatusCode::OK, "{kind} to {recipient}: {path} answered {}", page.status);
                let name = about(&path);
                if kind.starts_with("event_") {
                    assert!(path.starts_with("/events/"), "{kind} links to its event: {path}");
                } else if kind.starts_with("introduction_") {
                    let to_visitor = recipient == "anna@hubclub.example";
                    let home = if to_visitor { "/stays/" } else { "/introductions" };
                    assert!(path.starts_with(home), "{kind} to {recipient} links to {home}: {path}");
                } else if kind.starts_with("delegation_") {
                    assert!(path.starts_with("/delegations/"), "{kind} links to the group: {path}");
                } else if kind.starts_with("waitlist_") {
                    assert!(path.starts_with("/waitlist/"), "{kind} links to the place in line: {path}");
                } else if !account_link {
                    assert!(path.starts_with("/stays/"), "{kind} links to its stay: {path}");
                }
                let names_it = if account_link { page.body.contains("<button") } else { page.body.contains(name) };
                assert!(names_it, "{kind} to {recipient}: {path} does not name {name}");
                opened += 1;
            }
            seen.insert(kind);
        }
        let every: BTreeSet<String> = deskvisa_rules::MailKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
        assert_eq!(seen, every, "every kind of email was sent and its links opened");
        assert!(opened >= every.len());

        // Signed out, the approval's link leads through sign-in and back.
        let approved = messages
            .iter()
            .find(|m| kinds[m.message_id()] == "stay_approved" && m.rcpt_tos[0] == "anna@hubclub.example")
            .unwrap();
        let path = links(approved.text()).into_iter().find(|p| p.starts_with("/stays/")).unwrap();
        assert_eq!(path, format!("/stays/{}", trip.id));
        let stranger = send(app, get(&path, "")).await;
        assert_eq!(stranger.status, StatusCode::SEE_OTHER);
        let sign_in_page = stranger.location().to_owned();
        assert!(sign_in_page.starts_with("/sign-in?next="), "{sign_in_page}");
        let form = send(app, get(&sign_in_page, "")).await;
        let body = format!(
            "email=anna%40hubclub.example&next={}&csrf={}",
            form_urlencoded::byte_serialize(field(&form.body, "next").as_bytes()).collect::<String>(),
            field(&form.body, "csrf")
        );
        let sent = send(app, post("/sign-in", &form.cookie(), &body)).await;
        assert_eq!(sent.status, StatusCode::OK);
        let next_cookie = sent.cookie();
        let before = sink.messages().len();
        service.deliver_mail(mailer).await.unwrap();
        let mail = sink.wait_for(before + 1, Duration::from_secs(10)).await;
        let link = links(mail[before].text()).into_iter().find(|p| p.starts_with("/auth/verify")).unwrap();
        let signed_in = follow_sign_in(app, &link, &next_cookie).await;
        assert_eq!((signed_in.status, signed_in.location()), (StatusCode::SEE_OTHER, path.as_str()));
        let page = send(app, get(&path, &signed_in.cookie())).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Nyhavn House") && page.body.contains("Cancelled"), "the trip card");
    })
    .await;
}
