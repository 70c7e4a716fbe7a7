//! Races, on SQLite and on the real PostgreSQL: the last desk, two admins
//! deciding at once, one member flooding a host with requests, two workers
//! settling deadlines. Every round checks the counters in SQL afterwards.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use deskvisa_rules::{MemberId, PolicyDraft, Reason, StayId, StayStatus, TransitionError, ViolationCode, WaitStatus};
use deskvisa_service::*;
use deskvisa_testing::world::*;
use deskvisa_testing::{Backend, races};
use support::*;

fn is_no_capacity(result: &Result<StayRecord, ServiceError>) -> bool {
    matches!(result, Err(ServiceError::Refused(r)) if r.codes() == [ViolationCode::NoCapacity])
}

async fn last_desk(backend: Backend, requests: usize, rounds: usize) {
    let Some(world) = World::on(backend, 3).await else {
        return;
    };
    // A second application instance: its own pool and service on the same database.
    let second = world.another_instance(6).await;
    let mut members = Vec::new();
    for i in 0..requests {
        members.push(world.another_member(&format!("visitor{i}@hubclub.example")).await);
    }
    for round in 0..rounds {
        // Weeks ahead, one week a round; two of three desks already taken.
        let monday = d("2026-03-09") + chrono::Days::new(7 * round as u64);
        let friday = monday + chrono::Days::new(4);
        let (start, end) = (monday.to_string(), friday.to_string());
        for early in [
            world.another_member(&format!("early{round}a@hubclub.example")).await,
            world.another_member(&format!("early{round}b@hubclub.example")).await,
        ] {
            world.service.request_stay(&early, &world.input(&start, &end)).await.unwrap();
        }
        let mut tasks = tokio::task::JoinSet::new();
        for (i, member) in members.iter().enumerate() {
            let service = if i % 2 == 0 { world.service.clone() } else { second.clone() };
            let (member, input) = (*member, world.input(&start, &end));
            tasks.spawn(async move { service.request_stay(&member, &input).await });
        }
        let results = tasks.join_all().await;
        let winners = results.iter().filter(|r| r.is_ok()).count();
        let losers = results.iter().filter(|r| is_no_capacity(r)).count();
        let others: Vec<_> = results.iter().filter(|r| !r.is_ok() && !is_no_capacity(r)).collect();
        assert!(others.is_empty(), "{backend:?} round {round}: unexpected answers {others:?}");
        assert_eq!((winners, losers), (1, requests - 1), "{backend:?} round {round}");
        assert_counters_sound(&world).await;
        // Members who won hold a stay that week; free them for the next round.
        for result in results.into_iter().flatten() {
            let winner = members.iter().find(|m| m.member == result.member).unwrap();
            world.service.act_on_stay(winner, result.id, StayCommand::Cancel(None)).await.unwrap();
        }
    }
    assert_counters_sound(&world).await;
}

async fn approval_race(backend: Backend) {
    let Some(world) = World::on(backend, 3).await else {
        return;
    };
    let other_admin = world.add_admin(world.host, member("mette@cph.example")).await;
    for round in 0..10u64 {
        let monday = d("2026-03-09") + chrono::Days::new(7 * round);
        let member = world.another_member(&format!("racer{round}@hubclub.example")).await;
        let stay =
            world.service.request_stay(&member, &world.input(&monday.to_string(), &monday.to_string())).await.unwrap();
        let (s1, s2) = (world.service.clone(), world.service.clone());
        let (a1, a2) = (world.host_admin, other_admin);
        let approve = tokio::spawn(async move { s1.act_on_stay(&a1, stay.id, StayCommand::Approve).await });
        let decline = tokio::spawn(async move {
            s2.act_on_stay(&a2, stay.id, StayCommand::Decline(Reason::parse("No room that day").unwrap())).await
        });
        let (approve, decline) = (approve.await.unwrap(), decline.await.unwrap());
        let lost = |r: &Result<StayRecord, ServiceError>| {
            matches!(r, Err(ServiceError::Transition(TransitionError::NotPending)))
        };
        assert!(
            (approve.is_ok() && lost(&decline)) || (decline.is_ok() && lost(&approve)),
            "{backend:?}: exactly one decision wins: {approve:?} / {decline:?}"
        );
        let final_stay = world.service.stay(&world.host_admin, stay.id).await.unwrap();
        assert_eq!(final_stay.history.len(), 2, "one request, one decision");
    }
    assert_counters_sound(&world).await;
}

async fn quota_race(backend: Backend) {
    let Some(world) = World::on(backend, 5).await else {
        return;
    };
    let mut sites = vec![world.site];
    for i in 0..5 {
        sites.push(world.another_site(&format!("Site {i}"), 5).await);
    }
    // Twenty requests at once, for different sites and weeks of one host.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20u64 {
        let service = world.service.clone();
        let member = world.member;
        let monday = d("2026-03-09") + chrono::Days::new(7 * (i % 6));
        let input = StayRequestInput {
            site: sites[(i % 6) as usize],
            start_date: monday,
            end_date: monday + chrono::Days::new(2),
            purpose: String::new(),
        };
        tasks.spawn(async move { service.request_stay(&member, &input).await });
    }
    let results = tasks.join_all().await;
    let stays: Vec<_> = results.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(stays.len(), 2, "{backend:?}: the default quota is 2 stays a year at one host");
    for r in results.iter().filter(|r| r.is_err()) {
        let Err(ServiceError::Refused(refusal)) = r else { panic!("{backend:?}: unexpected {r:?}") };
        assert!(
            refusal.codes().iter().all(|c| matches!(c, ViolationCode::QuotaExceeded | ViolationCode::OverlapsOwnStay)),
            "{refusal:?}"
        );
    }
    assert_ne!(stays[0].start_date, stays[1].start_date, "no overlapping pair");
    assert_eq!(world.test_db.scalar("SELECT COUNT(*) FROM stays").await, 2);
    assert_counters_sound(&world).await;
}

async fn two_workers(backend: Backend) {
    let Some(world) = World::on(backend, 10).await else {
        return;
    };
    let second = world.another_instance(4).await;
    for i in 0..8 {
        let member = world.another_member(&format!("w{i}@hubclub.example")).await;
        world.service.request_stay(&member, &world.input("2026-03-16", "2026-03-18")).await.unwrap();
    }
    world.clock.advance(chrono::TimeDelta::days(4));
    let (a, b) = (world.service.clone(), second.clone());
    let (x, y) = tokio::join!(a.settle_due_stays(), b.settle_due_stays());
    assert_eq!(x.unwrap() + y.unwrap(), 8, "{backend:?}: each stay settled exactly once");
    assert_eq!(world.test_db.scalar("SELECT COUNT(*) FROM stays WHERE status = 'approved'").await, 8);
    assert_eq!(world.test_db.scalar("SELECT COUNT(*) FROM stay_history WHERE action = 'auto_approve'").await, 8);
}

/// A member moving a stay onto the last desk of a day while others request
/// that day, and others request a day the stay keeps: the free day goes to
/// exactly one of them, and the kept day is never let go in between.
async fn move_race(backend: Backend) {
    let Some(world) = World::on(backend, 1).await else {
        return;
    };
    let second = world.another_instance(6).await;
    let stay = world.service.request_stay(&world.member, &world.input("2026-03-09", "2026-03-10")).await.unwrap();
    world.service.act_on_stay(&world.host_admin, stay.id, StayCommand::Approve).await.unwrap();
    let mut rivals = Vec::new();
    for i in 0..20 {
        rivals.push(world.another_member(&format!("rival{i}@hubclub.example")).await);
    }
    let mut tasks = tokio::task::JoinSet::new();
    let (service, member, id) = (world.service.clone(), world.member, stay.id);
    tasks.spawn(async move {
        service.move_stay(&member, id, d("2026-03-09"), d("2026-03-11")).await.map(|s| (s.member, s.days))
    });
    for (i, rival) in rivals.iter().enumerate() {
        let service = if i % 2 == 0 { world.service.clone() } else { second.clone() };
        // Half want Wednesday, free until someone takes it; half want Monday,
        // which the moving stay keeps.
        let day = if i % 2 == 0 { "2026-03-11" } else { "2026-03-09" };
        let (member, input) = (*rival, world.input(day, day));
        tasks.spawn(async move { service.request_stay(&member, &input).await.map(|s| (s.member, s.days)) });
    }
    let results = tasks.join_all().await;
    for r in &results {
        assert!(
            r.is_ok() || matches!(r, Err(ServiceError::Refused(f)) if f.codes() == [ViolationCode::NoCapacity]),
            "{backend:?}: unexpected {r:?}"
        );
    }
    let holding = |day: &str| -> Vec<MemberId> {
        let day = d(day);
        results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|(_, days)| days.contains(&day))
            .map(|(m, _)| *m)
            .collect()
    };
    assert_eq!(holding("2026-03-11").len(), 1, "{backend:?}: Wednesday went to exactly one");
    assert!(holding("2026-03-09").iter().all(|m| *m == world.member.member), "{backend:?}: Monday was never let go");
    let kept = world.service.stay(&world.member, stay.id).await.unwrap();
    assert!(kept.days.contains(&d("2026-03-09")) && kept.days.contains(&d("2026-03-10")), "{kept:?}");
    assert_counters_sound(&world).await;
}

/// Two desks freed at once while two workers offer them and ten members
/// request the same day: each desk goes to one holder, no waiting member is
/// offered twice, offers follow the order of the line; then the offers run
/// out under two workers and each lapses once, its desks going on.
async fn waitlist_race(backend: Backend) {
    let Some(world) = World::on(backend, 2).await else {
        return;
    };
    let second = world.another_instance(6).await;
    let day = "2026-03-09";
    let mut holders = Vec::new();
    for i in 0..2 {
        let m = world.another_member(&format!("holder{i}@hubclub.example")).await;
        holders.push((m, world.service.request_stay(&m, &world.input(day, day)).await.unwrap().id));
    }
    let mut line = Vec::new();
    for i in 0..4 {
        let m = world.another_member(&format!("waiting{i}@hubclub.example")).await;
        let wait = world.service.join_waitlist(&m, world.site, d(day), d(day)).await.unwrap();
        assert_eq!(wait.place, Some(i + 1), "{backend:?}: places follow the order of joining");
        line.push((m, wait.entry.id));
    }
    let mut rivals = Vec::new();
    for i in 0..10 {
        rivals.push(world.another_member(&format!("rival{i}@hubclub.example")).await);
    }
    for (m, stay) in &holders {
        world.service.act_on_stay(m, *stay, StayCommand::Cancel(None)).await.unwrap();
    }
    let mut requests = tokio::task::JoinSet::new();
    for (i, rival) in rivals.iter().enumerate() {
        let service = if i % 2 == 0 { world.service.clone() } else { second.clone() };
        let (member, input) = (*rival, world.input(day, day));
        requests.spawn(async move { service.request_stay(&member, &input).await });
    }
    let (a, b) = (world.service.clone(), second.clone());
    let (x, y) = tokio::join!(a.waitlist_pass(), b.waitlist_pass());
    let granted: Vec<(Caller, StayId)> = requests
        .join_all()
        .await
        .into_iter()
        .flatten()
        .map(|stay| (*rivals.iter().find(|r| r.member == stay.member).unwrap(), stay.id))
        .collect();
    let offered = x.unwrap().0 + y.unwrap().0;
    assert_eq!(granted.len() + offered, 2, "{backend:?}: two desks, two holders ({granted:?}, {offered} offers)");
    let (line, world) = (&line, &world);
    let in_order = |offered: usize| async move {
        for (i, (m, id)) in line.iter().enumerate() {
            let status = world.service.my_wait(m, *id).await.unwrap().entry.status;
            let expected = if i < offered { WaitStatus::Offered } else { WaitStatus::Waiting };
            assert_eq!(status, expected, "{backend:?}: the first in line first");
        }
    };
    in_order(offered).await;
    assert_counters_sound(world).await;

    // The requests' desks freed too: the next in line get them, once each
    // under two workers.
    for (m, stay) in &granted {
        world.service.act_on_stay(m, *stay, StayCommand::Cancel(None)).await.unwrap();
    }
    let (x, y) = tokio::join!(a.waitlist_pass(), b.waitlist_pass());
    assert_eq!(x.unwrap().0 + y.unwrap().0, granted.len(), "{backend:?}");
    in_order(2).await;
    let offers = world.test_db.scalar("SELECT COUNT(*) FROM waitlist WHERE status = 'offered'").await;
    assert_eq!(offers, 2, "{backend:?}: each offer once");
    assert_counters_sound(world).await;

    // The offers run out; two workers lapse each once and offer the desks
    // on to the rest of the line.
    world.clock.advance(chrono::TimeDelta::hours(25));
    let (x, y) = tokio::join!(a.waitlist_pass(), b.waitlist_pass());
    let (x, y) = (x.unwrap(), y.unwrap());
    assert_eq!((x.1 + y.1, x.0 + y.0), (2, 2), "{backend:?}: each offer lapsed once, its desks offered on");
    let lapse_mails = world.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'waitlist_lapsed'").await;
    let offer_mails = world.test_db.scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'waitlist_offered'").await;
    assert_eq!((lapse_mails, offer_mails), (2, 4), "{backend:?}");
    for (i, (m, id)) in line.iter().enumerate() {
        let status = world.service.my_wait(m, *id).await.unwrap().entry.status;
        assert_eq!(status, if i < 2 { WaitStatus::Lapsed } else { WaitStatus::Offered }, "{backend:?}");
    }
    assert_counters_sound(world).await;
}

/// Moves through a stay's life keep the desk counters and the ledger's
/// totals equal to a count from scratch: shortened, extended back to the
/// host, approved again, moved again, declined; and a pending stay moved
/// at a host that approves automatically.
#[tokio::test]
async fn moves_keep_the_counters_and_the_ledger_whole() {
    World::on_both_backends(2, async |w| {
        let s = &w.service;
        let stay = s.request_stay(&w.member, &w.input("2026-03-04", "2026-03-06")).await.unwrap();
        s.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        assert_counters_sound(&w).await;
        let moved = s.move_stay(&w.member, stay.id, d("2026-03-05"), d("2026-03-06")).await.unwrap();
        assert_eq!(moved.status, StayStatus::Approved);
        assert_counters_sound(&w).await;
        let moved = s.move_stay(&w.member, stay.id, d("2026-03-05"), d("2026-03-09")).await.unwrap();
        assert_eq!(moved.status, StayStatus::Pending);
        assert_counters_sound(&w).await;
        s.act_on_stay(&w.host_admin, stay.id, StayCommand::Approve).await.unwrap();
        assert_counters_sound(&w).await;
        s.move_stay(&w.member, stay.id, d("2026-03-09"), d("2026-03-10")).await.unwrap();
        assert_counters_sound(&w).await;
        let reason = Reason::parse("A delegation has every desk").unwrap();
        let declined = s.act_on_stay(&w.host_admin, stay.id, StayCommand::Decline(reason)).await.unwrap();
        assert_eq!((declined.status, declined.days.len()), (StayStatus::Declined, 0));
        assert_counters_sound(&w).await;
        assert_eq!(w.test_db.scalar("SELECT CAST(SUM(held) AS BIGINT) FROM site_days").await, 0);

        // At a host approving automatically, a pending request moved within
        // the guarantee is approved by the move: its first answer.
        let auto = PolicyDraft { approval_mode: deskvisa_rules::ApprovalMode::Auto, ..PolicyDraft::default() };
        let other = w.another_member("ola@hubclub.example").await;
        let waiting = s.request_stay(&other, &w.input("2026-03-16", "2026-03-18")).await.unwrap();
        assert_eq!(waiting.status, StayStatus::Pending);
        s.save_policy(&w.host_admin, w.host, auto).await.unwrap();
        let moved = s.move_stay(&other, waiting.id, d("2026-03-17"), d("2026-03-19")).await.unwrap();
        assert_eq!(moved.status, StayStatus::Approved);
        assert_counters_sound(&w).await;
        // Extended within the guarantee: still approved.
        let moved = s.move_stay(&other, waiting.id, d("2026-03-16"), d("2026-03-20")).await.unwrap();
        assert_eq!((moved.status, moved.days.len()), (StayStatus::Approved, 5));
        assert_counters_sound(&w).await;
    })
    .await;
}

/// A delegation answered once keeps the counters and the ledger whole: each
/// member's stay counts as any stay, a member's own cancellation too.
#[tokio::test]
async fn a_delegation_keeps_the_counters_and_the_ledger_whole() {
    World::on_both_backends(3, async |w| {
        let s = &w.service;
        let boss = w.add_admin(w.home, member("boss@hubclub.example")).await;
        let ola = w.another_member("ola@hubclub.example").await;
        let input = DelegationInput {
            site: w.site,
            start_date: d("2026-03-09"),
            end_date: d("2026-03-11"),
            purpose: "Study visit".into(),
            members: vec![w.member.member, ola.member],
        };
        let group = s.request_delegation(&boss, &input).await.unwrap();
        assert_eq!(group.stays.len(), 2);
        assert_counters_sound(&w).await;
        let answered = s.answer_delegation(&w.host_admin, group.row.id, GroupAnswer::Approve).await.unwrap();
        assert!(answered.stays.iter().all(|st| st.status == StayStatus::Approved));
        assert_counters_sound(&w).await;
        s.act_on_stay(&ola, answered.stays[1].id, StayCommand::Cancel(None)).await.unwrap();
        let kept = s.stay(&w.member, answered.stays[0].id).await.unwrap();
        assert_eq!((kept.status, kept.days.len()), (StayStatus::Approved, 3), "the others' places stand");
        assert_counters_sound(&w).await;
        assert_eq!(w.test_db.scalar("SELECT CAST(SUM(held) AS BIGINT) FROM site_days").await, 3);
    })
    .await;
}

/// The guard itself, as a request that lost a race meets it: of three days,
/// only the one that is full is named, and nothing stays held.
#[tokio::test]
async fn the_capacity_guard_names_only_the_full_days_and_takes_nothing() {
    World::on_both_backends(1, async |w| {
        w.service.request_stay(&w.member, &w.input("2026-03-05", "2026-03-05")).await.unwrap();
        let days = [d("2026-03-04"), d("2026-03-05"), d("2026-03-06")];
        let store = w.test_db.store().await;
        let tx = store.begin_write().await.unwrap();
        let taken = tx.hold_days(w.site, 1, &days).await.unwrap();
        assert_eq!(taken, Err(vec![d("2026-03-05")]));
        drop(tx);
        assert_eq!(w.test_db.scalar("SELECT SUM(held) FROM site_days").await, 1);
        let tx = store.begin_write().await.unwrap();
        assert_eq!(tx.hold_days(w.site, 1, &[d("2026-03-04"), d("2026-03-06")]).await.unwrap(), Ok(()));
        tx.commit().await.unwrap();
        assert_eq!(w.test_db.scalar("SELECT SUM(held) FROM site_days").await, 3);
        assert_eq!(w.test_db.scalar("SELECT CAST(MAX(held) AS BIGINT) FROM site_days").await, 1);
    })
    .await;
}

/// Writes that give up half-way (desks taken, then dropped) interleaved with
/// requests that succeed: on SQLite they share batches of one commit, and a
/// write that gives up must leave nothing behind while the others all land.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_that_give_up_leave_nothing_while_the_rest_of_their_batch_commits() {
    World::on_both_backends(100, async |w| {
        let store = w.test_db.store().await;
        let mut members = Vec::new();
        for i in 0..20 {
            members.push(w.another_member(&format!("batch{i}@hubclub.example")).await);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for (i, member) in members.iter().enumerate() {
            let (service, member, input) = (w.service.clone(), *member, w.input("2026-03-09", "2026-03-13"));
            tasks.spawn(
                async move { service.request_stay(&member, &input).await.map(|_| ()).map_err(|e| e.to_string()) },
            );
            let (store, site) = (store.clone(), w.site);
            let days = [d("2026-03-09"), d("2026-03-10"), d("2026-03-11")];
            tasks.spawn(async move {
                let tx = store.begin_write().await.map_err(|e| e.to_string())?;
                assert_eq!(tx.hold_days(site, 100, &days).await.unwrap(), Ok(()), "write {i}");
                drop(tx);
                Ok(())
            });
        }
        for result in tasks.join_all().await {
            assert_eq!(result, Ok(()));
        }
        assert_eq!(w.test_db.scalar("SELECT COUNT(*) FROM stays").await, 20);
        assert_eq!(w.test_db.scalar("SELECT CAST(SUM(held) AS BIGINT) FROM site_days").await, 20 * 5);
        assert_counters_sound(&w).await;
    })
    .await;
}

// The races, each as a test on SQLite and one on PostgreSQL.
races! {
    fifty_requests_for_the_last_desk_on_sqlite_one_wins => last_desk(Backend::Sqlite, 50, 5),
    two_hundred_requests_for_the_last_desk_over_two_instances_on_postgres_one_wins => last_desk(Backend::Postgres, 200, 3),
    two_admins_deciding_at_once_exactly_one_wins_on_sqlite => approval_race(Backend::Sqlite),
    two_admins_deciding_at_once_exactly_one_wins_on_postgres => approval_race(Backend::Postgres),
    one_member_flooding_a_host_never_exceeds_the_quota_on_sqlite => quota_race(Backend::Sqlite),
    one_member_flooding_a_host_never_exceeds_the_quota_on_postgres => quota_race(Backend::Postgres),
    two_workers_settle_each_due_stay_exactly_once_on_sqlite => two_workers(Backend::Sqlite),
    two_workers_settle_each_due_stay_exactly_once_on_postgres => two_workers(Backend::Postgres),
    a_move_and_twenty_requests_share_the_last_desk_on_sqlite => move_race(Backend::Sqlite),
    freed_desks_go_once_to_the_line_or_a_request_on_sqlite => waitlist_race(Backend::Sqlite),
    freed_desks_go_once_to_the_line_or_a_request_over_two_instances_on_postgres => waitlist_race(Backend::Postgres),
    a_move_and_twenty_requests_share_the_last_desk_over_two_instances_on_postgres => move_race(Backend::Postgres),
}
