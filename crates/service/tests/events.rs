//! Events during the visit, on SQLite and the real PostgreSQL: who may
//! publish and register (every reason for a refusal), the last seat under
//! concurrency, and what a cancelled stay, a changed event and a cancelled
//! event do to the registrations, their seats and the outbox.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

use deskvisa_rules::{EventId, parse_local_time};
use deskvisa_service::*;
use deskvisa_testing::Backend;
use deskvisa_testing::world::*;

fn draft(title: &str, starts: &str, ends: &str, capacity: u32, open: bool) -> EventDraft {
    EventDraft {
        title: title.to_owned(),
        description: "Talks and networking.".to_owned(),
        starts_at: parse_local_time(starts).unwrap(),
        ends_at: parse_local_time(ends).unwrap(),
        capacity,
        open_to_visitors: open,
    }
}

/// Tuesday 10 March, 17:00–19:00 in Copenhagen.
async fn meetup(w: &World, capacity: u32) -> EventId {
    let e = draft("Fintech meetup", "2026-03-10T17:00", "2026-03-10T19:00", capacity, true);
    w.service.publish_event(&w.host_admin, w.site, e).await.unwrap().id
}

/// Thursday 12 March, 15:00–18:00 in Copenhagen, five seats.
async fn demo_day(w: &World) -> EventId {
    let e = draft("Demo day", "2026-03-12T15:00", "2026-03-12T18:00", 5, true);
    w.service.publish_event(&w.host_admin, w.site, e).await.unwrap().id
}

/// The member's one registration ended (`why`) and they were told; the
/// seats of `event` are `seats_left` again.
async fn assert_withdrawn(w: &World, why: &str, event: EventId, seats_left: u32) {
    let ended = w.test_db.scalar(&format!("SELECT COUNT(*) FROM event_registrations WHERE status = '{why}'")).await;
    assert_eq!(ended, 1, "kept as history, with why it ended");
    assert_eq!(w.service.event(event).await.unwrap().seats_left(), seats_left, "the seat is free again");
    assert_eq!(mails(w, "event_registration_withdrawn").await, 1, "the visitor is told");
    assert!(w.service.my_registrations(&w.member).await.unwrap().is_empty());
}

/// An approved stay of `who` at the world's site.
async fn approved(w: &World, who: &Caller, start: &str, end: &str) -> StayRecord {
    let stay = w.service.request_stay(who, &w.input(start, end)).await.unwrap();
    w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap()
}

fn code(result: Result<impl std::fmt::Debug, ServiceError>) -> String {
    match result {
        Err(ServiceError::Conflict(c)) => c.code().to_owned(),
        Err(ServiceError::Forbidden) => "forbidden".to_owned(),
        Err(ServiceError::NotFound) => "not_found".to_owned(),
        Err(ServiceError::Invalid(_) | ServiceError::EventTimes(_)) => "malformed_request".to_owned(),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn mails(w: &World, kind: &str) -> i64 {
    w.test_db.scalar(&format!("SELECT COUNT(*) FROM outbox WHERE kind = '{kind}'")).await
}

/// Seats taken equal the live registrations behind them, never above capacity.
async fn assert_seats_sound(w: &World) {
    let t = &w.test_db;
    assert_eq!(t.scalar("SELECT COUNT(*) FROM events WHERE registered > capacity OR registered < 0").await, 0);
    let mismatched = t
        .scalar(
            "SELECT COUNT(*) FROM events e WHERE e.registered <> \
             (SELECT COUNT(*) FROM event_registrations g WHERE g.event_id = e.id AND g.status = 'registered')",
        )
        .await;
    assert_eq!(mismatched, 0, "every seat counter equals its live registrations");
}

#[tokio::test]
async fn only_the_sites_cluster_admins_publish_and_times_are_checked_in_the_site_zone() {
    World::on_both_backends(3, async |w| {
        let e = || draft("Meetup", "2026-03-10T17:00", "2026-03-10T19:00", 10, true);
        assert_eq!(code(w.service.publish_event(&w.member, w.site, e()).await), "forbidden");
        // The home cluster's admin administers another cluster.
        let home_admin = w.add_admin(w.home, member("boss@hubclub.example")).await;
        assert_eq!(code(w.service.publish_event(&home_admin, w.site, e()).await), "forbidden");
        // The clock says 10:00 in Copenhagen: 09:59 there has passed, 10:01 has not.
        let past = draft("Breakfast", "2026-03-02T09:59", "2026-03-02T11:00", 10, true);
        assert_eq!(code(w.service.publish_event(&w.host_admin, w.site, past).await), "event_in_the_past");
        let soon = draft("Coffee", "2026-03-02T10:01", "2026-03-02T11:00", 10, true);
        assert!(w.service.publish_event(&w.host_admin, w.site, soon).await.is_ok());
        let backwards = draft("Backwards", "2026-03-10T19:00", "2026-03-10T17:00", 10, true);
        assert_eq!(code(w.service.publish_event(&w.host_admin, w.site, backwards).await), "malformed_request");
        let long = draft("Marathon", "2026-03-10T09:00", "2026-03-25T09:00", 10, true);
        assert_eq!(code(w.service.publish_event(&w.host_admin, w.site, long).await), "malformed_request");

        let event = w.service.publish_event(&w.host_admin, w.site, e()).await.unwrap();
        assert_eq!((event.capacity, event.seats_left(), event.sequence), (10, 10, 0));
        // 17:00 in Copenhagen in March (CET) is 16:00 UTC.
        assert_eq!(event.starts_utc, t("2026-03-10T16:00:00Z"));
        let listed = w.service.site_events(w.site, Some(d("2026-03-09")), Some(d("2026-03-13"))).await.unwrap();
        assert_eq!(listed.iter().map(|e| e.id).collect::<Vec<_>>(), vec![event.id]);
        assert_eq!(w.service.site_events(w.site, None, None).await.unwrap().len(), 2, "today's coffee too");
        assert_eq!(
            code(w.service.site_events(w.site, Some(d("2026-03-09")), Some(d("2026-03-08"))).await),
            "malformed_request"
        );
    })
    .await;
}

#[tokio::test]
async fn registration_is_allowed_and_refused_for_each_reason() {
    World::on_both_backends(3, async |w| {
        let event = meetup(&w, 2).await;

        // No stay at all; then a pending stay: neither covers the event.
        assert_eq!(code(w.service.register_for_event(&w.member, event).await), "no_stay_covering_event");
        let stay = w.service.request_stay(&w.member, &w.input("2026-03-09", "2026-03-13")).await.unwrap();
        assert_eq!(code(w.service.register_for_event(&w.member, event).await), "no_stay_covering_event");
        // Approved: the visitor may register, once; asking again returns the same registration.
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        let first = w.service.register_for_event(&w.member, event).await.unwrap();
        assert!(first.created);
        assert_eq!(first.registration.stay, Some(stay.id));
        let again = w.service.register_for_event(&w.member, event).await.unwrap();
        assert!(!again.created);
        assert_eq!(again.registration.id, first.registration.id);
        assert_eq!(mails(&w, "event_registered").await, 1, "one confirmation");

        // An approved stay that does not hold the event's date (11–13 March).
        let late = w.another_member("late@hubclub.example").await;
        approved(&w, &late, "2026-03-11", "2026-03-13").await;
        assert_eq!(code(w.service.register_for_event(&late, event).await), "no_stay_covering_event");

        // A member of the host cluster needs no stay.
        let local = w.add_member(w.host, member("mette@cph.example")).await;
        let host_member = w.service.register_for_event(&local, event).await.unwrap();
        assert_eq!(host_member.registration.stay, None);

        // Two seats, both taken.
        let third = w.another_member("third@hubclub.example").await;
        approved(&w, &third, "2026-03-10", "2026-03-10").await;
        assert_eq!(code(w.service.register_for_event(&third, event).await), "event_full");
        // A seat given back is a seat again.
        w.service.withdraw_registration(&local, event).await.unwrap();
        assert_eq!(code(w.service.withdraw_registration(&local, event).await), "not_found");
        assert!(w.service.register_for_event(&third, event).await.unwrap().created);

        // An event for the host's own members only.
        let members_only = draft("Board meeting", "2026-03-10T12:00", "2026-03-10T13:00", 5, false);
        let closed = w.service.publish_event(&w.host_admin, w.site, members_only).await.unwrap().id;
        assert_eq!(code(w.service.register_for_event(&w.member, closed).await), "event_not_open_to_visitors");
        assert!(w.service.register_for_event(&local, closed).await.is_ok());

        // Cancelled; begun; unknown.
        let cancelled = meetup(&w, 5).await;
        w.service.cancel_event(&w.host_admin, cancelled, None).await.unwrap();
        assert_eq!(code(w.service.register_for_event(&w.member, cancelled).await), "event_cancelled");
        w.clock.set(t("2026-03-10T16:30:00Z"));
        let other = meetup_at(&w, "2026-03-10T17:45").await;
        w.clock.set(t("2026-03-10T16:50:00Z"));
        assert_eq!(code(w.service.register_for_event(&w.member, other).await), "event_over");
        let unknown = EventId::from_uuid(uuid::Uuid::new_v4());
        assert_eq!(code(w.service.register_for_event(&w.member, unknown).await), "not_found");

        // Who is coming: for the host's admins only.
        let coming = w.service.event_registrations(&w.host_admin, event).await.unwrap();
        // Registered at the same instant of the test's clock: in either order.
        let mut emails: Vec<&str> = coming.iter().map(|r| r.email.as_str()).collect();
        emails.sort_unstable();
        assert_eq!(emails, ["anna@hubclub.example", "third@hubclub.example"]);
        assert_eq!(code(w.service.event_registrations(&w.member, event).await), "forbidden");
        assert_seats_sound(&w).await;
    })
    .await;
}

async fn meetup_at(w: &World, starts: &str) -> EventId {
    let ends = format!("{}T23:00", &starts[..10]);
    w.service.publish_event(&w.host_admin, w.site, draft("Late talk", starts, &ends, 5, true)).await.unwrap().id
}

#[tokio::test]
async fn cancelling_a_stay_withdraws_the_registrations_it_allowed_for_events_to_come() {
    World::on_both_backends(3, async |w| {
        let tuesday = meetup(&w, 5).await;
        let thursday = demo_day(&w).await;
        let stay = approved(&w, &w.member, "2026-03-09", "2026-03-13").await;
        w.service.register_for_event(&w.member, tuesday).await.unwrap();
        w.service.register_for_event(&w.member, thursday).await.unwrap();
        // A host member's registration is no stay's and stays.
        let local = w.add_member(w.host, member("mette@cph.example")).await;
        w.service.register_for_event(&local, thursday).await.unwrap();

        // Wednesday 11 March: Tuesday's event is over, Thursday's to come.
        w.clock.set(t("2026-03-11T08:00:00Z"));
        w.service.act_on_stay(&w.member, stay.id, StayCommand::Cancel(None)).await.unwrap();

        let coming = |event: EventId| {
            let w = &w;
            async move {
                w.service
                    .event_registrations(&w.host_admin, event)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| r.member)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(coming(tuesday).await, vec![w.member.member], "an event already held keeps its attendee");
        assert_eq!(coming(thursday).await, vec![local.member]);
        assert_withdrawn(&w, "stay_cancelled", thursday, 4).await;
        assert_eq!(w.service.my_registrations(&local).await.unwrap().len(), 1);
        assert_seats_sound(&w).await;
    })
    .await;
}

/// A visitor marked no-show keeps no seat at the host's events still to
/// come: the registrations are withdrawn as a cancellation's are, the seats
/// are free again, and the visitor is told (with a calendar cancellation).
#[tokio::test]
async fn a_no_show_gives_back_the_seats_of_events_to_come() {
    World::on_both_backends(3, async |w| {
        let thursday = demo_day(&w).await;
        let stay = approved(&w, &w.member, "2026-03-09", "2026-03-13").await;
        w.service.register_for_event(&w.member, thursday).await.unwrap();
        assert_eq!(w.service.event(thursday).await.unwrap().seats_left(), 4);

        // Tuesday 10 March: Monday ended without the visitor.
        w.clock.set(t("2026-03-10T08:00:00Z"));
        w.service.act_on_stay(&w.host_admin, stay.id, StayCommand::NoShow).await.unwrap();

        assert_withdrawn(&w, "no_longer_eligible", thursday, 5).await;
        assert_seats_sound(&w).await;
    })
    .await;
}

#[tokio::test]
async fn a_changed_event_keeps_those_who_may_still_come_and_tells_everyone() {
    World::on_both_backends(3, async |w| {
        let event = meetup(&w, 3).await;
        approved(&w, &w.member, "2026-03-09", "2026-03-11").await;
        w.service.register_for_event(&w.member, event).await.unwrap();
        let local = w.add_member(w.host, member("mette@cph.example")).await;
        w.service.register_for_event(&local, event).await.unwrap();

        // Only admins of the host change it; seats never below those registered.
        let patch = |capacity| EventPatch { capacity: Some(capacity), ..EventPatch::default() };
        assert_eq!(code(w.service.update_event(&w.member, event, patch(5)).await), "forbidden");
        assert_eq!(code(w.service.update_event(&w.host_admin, event, patch(1)).await), "capacity_below_registrations");
        let bigger = w.service.update_event(&w.host_admin, event, patch(4)).await.unwrap();
        assert_eq!((bigger.capacity, bigger.seats_left(), bigger.sequence), (4, 2, 1));
        assert_eq!(mails(&w, "event_changed").await, 0, "seats alone change nothing for those coming");

        // Moved to Thursday: the visitor's stay ends on Wednesday.
        let moved = EventPatch {
            starts_at: Some(parse_local_time("2026-03-12T17:00").unwrap()),
            ends_at: Some(parse_local_time("2026-03-12T19:00").unwrap()),
            ..EventPatch::default()
        };
        let moved = w.service.update_event(&w.host_admin, event, moved).await.unwrap();
        assert_eq!(moved.starts_utc, t("2026-03-12T16:00:00Z"));
        assert_eq!(moved.seats_left(), 3);
        let coming = w.service.event_registrations(&w.host_admin, event).await.unwrap();
        assert_eq!(coming.iter().map(|r| r.member).collect::<Vec<_>>(), vec![local.member]);
        assert_eq!(mails(&w, "event_registration_withdrawn").await, 1);
        assert_eq!(mails(&w, "event_changed").await, 1, "the host member hears of the new time");

        // Cancelled: everyone still registered is told, every seat is free.
        let cancelled = w.service.cancel_event(&w.host_admin, event, Some("Speaker ill".to_owned())).await.unwrap();
        assert_eq!((cancelled.cancelled_at.is_some(), cancelled.seats_left()), (true, 4));
        assert_eq!(cancelled.cancel_reason.as_deref(), Some("Speaker ill"));
        assert_eq!(mails(&w, "event_cancelled").await, 1);
        assert_eq!(code(w.service.cancel_event(&w.host_admin, event, None).await), "event_cancelled");
        assert_eq!(code(w.service.update_event(&w.host_admin, event, patch(9)).await), "event_cancelled");
        assert!(w.service.site_events(w.site, Some(d("2026-03-01")), Some(d("2026-03-31"))).await.unwrap().is_empty());
        assert_seats_sound(&w).await;
    })
    .await;
}

/// Many visitors, each with an approved stay covering the event, ask for
/// the last seats at once (on PostgreSQL through two instances): exactly
/// `seats` win, every other gets `event_full`.
async fn last_seats(backend: Backend, visitors: usize, seats: u32, rounds: usize) {
    let Some(w) = World::on(backend, u32::try_from(visitors).unwrap()).await else {
        return;
    };
    let second = w.another_instance(6).await;
    let mut members = Vec::new();
    for i in 0..visitors {
        let m = w.another_member(&format!("visitor{i}@hubclub.example")).await;
        approved(&w, &m, "2026-03-09", "2026-03-13").await;
        members.push(m);
    }
    for round in 0..rounds {
        let starts = format!("2026-03-1{}T1{round}:00", round % 3 + 1);
        let ends = format!("{}T20:00", &starts[..10]);
        let event = w
            .service
            .publish_event(&w.host_admin, w.site, draft(&format!("Round {round}"), &starts, &ends, seats, true))
            .await
            .unwrap()
            .id;
        let mut tasks = tokio::task::JoinSet::new();
        for (i, member) in members.iter().enumerate() {
            let service = if i % 2 == 0 { w.service.clone() } else { second.clone() };
            let member = *member;
            tasks.spawn(async move { service.register_for_event(&member, event).await });
        }
        let results = tasks.join_all().await;
        let won = results.iter().filter(|r| matches!(r, Ok(r) if r.created)).count();
        let full = results.iter().filter(|r| matches!(r, Err(ServiceError::Conflict(Conflict::EventFull)))).count();
        let others: Vec<_> =
            results.iter().filter(|r| !matches!(r, Ok(_) | Err(ServiceError::Conflict(Conflict::EventFull)))).collect();
        assert!(others.is_empty(), "{backend:?} round {round}: {others:?}");
        assert_eq!((won, full), (seats as usize, visitors - seats as usize), "{backend:?} round {round}");
        assert_eq!(w.service.event(event).await.unwrap().seats_left(), 0);
        assert_seats_sound(&w).await;
    }
}

#[tokio::test]
async fn the_last_seat_goes_to_exactly_one_on_sqlite() {
    last_seats(Backend::Sqlite, 30, 1, 3).await;
}

#[tokio::test]
async fn the_last_seats_go_to_exactly_as_many_over_two_instances_on_postgres() {
    last_seats(Backend::Postgres, 40, 3, 3).await;
}
