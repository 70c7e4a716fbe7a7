//! The reciprocity ledger, on SQLite and PostgreSQL: DOMAIN.md's worked
//! example gives exactly its figures, and a larger scripted network (stays
//! approved, declined, cancelled mid-way by the host, expired, no-show,
//! across a period boundary and across time zones from Auckland to Los
//! Angeles) gives the figures worked out by hand below, figure by figure.
#![allow(clippy::unwrap_used, missing_docs, clippy::too_many_lines)]

mod support;

use std::sync::Arc;

use deskvisa_rules::{
    ClusterFigures, ClusterId, ExceptionKind, Lapse, Ledger, MatrixCell, Period, PolicyDraft, Reason, SiteId, Standing,
    StayId,
};
use deskvisa_service::*;
use deskvisa_testing::on_both_backends;
use deskvisa_testing::world::{add_person, cluster, d, member, site, t};

struct Network {
    service: Service,
    clock: ManualClock,
}

/// A cluster with one site of three desks, open Monday to Friday, an admin and a member.
struct Party {
    cluster: ClusterId,
    site: SiteId,
    admin: Caller,
    member: Caller,
}

impl Network {
    fn new(store: deskvisa_store::Store) -> Network {
        let clock = ManualClock::new(t("2026-02-20T09:00:00Z"));
        Network { service: Service::with_store(store, Arc::new(clock.clone())), clock }
    }

    /// The network with Alpha (Warsaw) and Beta (Copenhagen).
    async fn alpha_and_beta(test_db: &deskvisa_testing::TestDatabase) -> (Network, Party, Party) {
        let net = Network::new(test_db.store().await);
        let a = net.party("Alpha", "PL", "Europe/Warsaw").await;
        let b = net.party("Beta", "DK", "Europe/Copenhagen").await;
        (net, a, b)
    }

    async fn party(&self, name: &str, country: &str, zone: &str) -> Party {
        let c = self.service.add_cluster(cluster(name, name, country, zone)).await.unwrap();
        let s = self.service.add_site(c.id, site(&format!("{name} House"), 3)).await.unwrap();
        let slug = name.to_lowercase();
        let admin = member(&format!("admin@{slug}.example"));
        Party {
            cluster: c.id,
            site: s.id,
            admin: add_person(&self.service, c.id, admin, Some(Role::ClusterAdmin)).await,
            member: add_person(&self.service, c.id, member(&format!("member@{slug}.example")), None).await,
        }
    }

    async fn request(&self, who: &Caller, at: &Party, start: &str, end: &str) -> StayId {
        let input =
            StayRequestInput { site: at.site, start_date: d(start), end_date: d(end), purpose: "Partners".into() };
        self.service.request_stay(who, &input).await.unwrap().id
    }

    async fn act(&self, who: &Caller, stay: StayId, command: StayCommand) {
        self.service.act_on_stay(who, stay, command).await.unwrap();
    }

    /// At `when` (UTC), `who` does `command` to `stay`.
    async fn act_at(&self, when: &str, who: &Caller, stay: StayId, command: StayCommand) {
        self.clock.set(t(when));
        self.act(who, stay, command).await;
    }

    async fn ledger(&self, from: &str, to: &str) -> Ledger {
        self.service.ledger(Period::new(d(from), d(to)).unwrap()).await.unwrap().ledger
    }
}

/// The host declines, saying why.
fn decline(reason: &str) -> StayCommand {
    StayCommand::Decline(Reason::parse(reason).unwrap())
}

fn figures(ledger: &Ledger, cluster: ClusterId) -> &ClusterFigures {
    ledger.clusters.iter().find(|f| f.cluster_id == cluster).unwrap()
}

fn cell(host: &Party, home: &Party, visitor_days: u64) -> MatrixCell {
    MatrixCell { host_cluster_id: host.cluster, home_cluster_id: home.cluster, visitor_days }
}

/// (hosted, used, balance, received, approved, declined, expired, exceptions, median answer).
type Row = (u64, u64, i64, u64, u64, u64, u64, u64, Option<i64>);

fn row(f: &ClusterFigures) -> Row {
    (
        f.days_hosted,
        f.days_used,
        f.balance,
        f.requests_received,
        f.requests_approved,
        f.requests_declined,
        f.requests_expired,
        f.guarantee_exceptions,
        f.median_answer_seconds,
    )
}

#[tokio::test]
async fn the_worked_example_of_domain_md_gives_exactly_its_figures() {
    on_both_backends(|test_db| async move {
        let (net, a, b) = Network::alpha_and_beta(&test_db).await;
        let c = net.party("Gamma", "SE", "Europe/Stockholm").await;
        // The requests are made in March (a request belongs to the period of
        // its creation), on Sunday 1 March at 08:00 UTC.
        net.clock.set(t("2026-03-01T08:00:00Z"));
        let a_at_b = net.request(&a.member, &b, "2026-03-02", "2026-03-06").await;
        let c_at_b = net.request(&c.member, &b, "2026-03-09", "2026-03-13").await;
        let b_at_a = net.request(&b.member, &a, "2026-03-16", "2026-03-20").await;
        net.act_at("2026-03-01T09:00:00Z", &b.admin, a_at_b, StayCommand::Approve).await;
        net.act_at("2026-03-01T10:00:00Z", &b.admin, c_at_b, StayCommand::Approve).await;
        net.act_at("2026-03-01T12:00:00Z", &a.admin, b_at_a, decline("A delegation has every desk")).await;
        // C's member cancels on Wednesday 11 March: the 9th and 10th stay.
        net.act_at("2026-03-11T07:00:00Z", &c.member, c_at_b, StayCommand::Cancel(None)).await;

        net.clock.set(t("2026-04-02T09:00:00Z"));
        let ledger = net.ledger("2026-03-01", "2026-03-31").await;
        assert_eq!(ledger.matrix, vec![cell(&b, &a, 5), cell(&b, &c, 2)].tap_sort());
        assert_eq!(figures(&ledger, b.cluster).days_hosted, 7, "B hosted 7");
        assert_eq!(figures(&ledger, a.cluster).days_used, 5, "A used 5");
        assert_eq!(figures(&ledger, c.cluster).days_used, 2, "C used 2");
        let balances: Vec<i64> = [&a, &b, &c].iter().map(|p| figures(&ledger, p.cluster).balance).collect();
        assert_eq!(balances, [-5, 7, -2]);
        let fb = figures(&ledger, b.cluster);
        assert_eq!((fb.requests_received, fb.requests_approved), (2, 2), "B received 2, approved 2");
        let fa = figures(&ledger, a.cluster);
        assert_eq!((fa.requests_received, fa.requests_declined, fa.guarantee_exceptions), (1, 1, 1));
        // Answers: B after one and two hours (median 1.5 h), A after four.
        assert_eq!((fb.median_answer_seconds, fa.median_answer_seconds), (Some(5400), Some(14400)));
        assert_eq!(ledger.exceptions.len(), 1);
        assert_eq!((ledger.exceptions[0].stay_id, ledger.exceptions[0].kind), (b_at_a, ExceptionKind::Declined));
        assert!(ledger.clusters.iter().all(|f| f.standing == Standing::Reciprocating));

        // Who sees what: a network admin everything, a cluster admin their
        // own row, column and figures, a member nothing.
        let period = Period::new(d("2026-03-01"), d("2026-03-31")).unwrap();
        let seen = net.service.reciprocity_ledger(&c.admin, period, ExceptionsListed::All).await.unwrap().ledger;
        assert_eq!(seen.matrix, vec![cell(&b, &c, 2)]);
        assert_eq!(seen.clusters.iter().map(|f| f.cluster_id).collect::<Vec<_>>(), [c.cluster]);
        assert!(seen.exceptions.is_empty());
        assert_eq!(seen.exceptions_total, 0);
        // A declined B's member: A's admin lists that exception on the first
        // page, and B's figures count it under A.
        let first = std::num::NonZeroU32::MIN;
        let seen =
            net.service.reciprocity_ledger(&a.admin, period, ExceptionsListed::Page(first)).await.unwrap().ledger;
        assert_eq!(seen.exceptions.iter().map(|e| e.stay_id).collect::<Vec<_>>(), [b_at_a]);
        assert_eq!((seen.exceptions_total, seen.clusters[0].guarantee_exceptions), (1, 1));
        let counted = net.service.reciprocity_ledger(&a.admin, period, ExceptionsListed::Nothing).await.unwrap().ledger;
        assert!(counted.exceptions.is_empty(), "the pages list none");
        assert_eq!((counted.exceptions_total, counted.clusters[0].guarantee_exceptions), (1, 1));
        let refused = net.service.reciprocity_ledger(&c.member, period, ExceptionsListed::All).await;
        assert!(matches!(refused, Err(ServiceError::Forbidden)), "{refused:?}");
        support::assert_ledger_totals_sound(&test_db).await;
    })
    .await;
}

trait TapSort {
    fn tap_sort(self) -> Self;
}

impl TapSort for Vec<MatrixCell> {
    fn tap_sort(mut self) -> Self {
        self.sort_by_key(|c| (c.host_cluster_id, c.home_cluster_id));
        self
    }
}

#[tokio::test]
async fn a_scripted_network_gives_the_figures_worked_out_by_hand() {
    on_both_backends(|test_db| async move {
        let (net, a, b) = Network::alpha_and_beta(&test_db).await;
        let n = net.party("Kiwi", "NZ", "Pacific/Auckland").await;
        let l = net.party("Lumen", "US", "America/Los_Angeles").await;
        // A takes stays of up to ten days (only five are guaranteed); L lets
        // unanswered requests expire after a day.
        let long = PolicyDraft { max_days_per_stay: 10, ..PolicyDraft::default() };
        net.service.save_policy(&a.admin, a.cluster, long).await.unwrap();
        let strict = PolicyDraft {
            answer_window_days: 1,
            on_no_answer: deskvisa_rules::OnNoAnswer::Expire,
            ..PolicyDraft::default()
        };
        net.service.save_policy(&l.admin, l.cluster, strict).await.unwrap();

        // February: A's member asks for a stay at B across the month's end.
        let s1 = net.request(&a.member, &b, "2026-02-26", "2026-03-04").await; // Feb 26, 27; Mar 2, 3, 4
        net.act_at("2026-02-20T09:30:00Z", &b.admin, s1, StayCommand::Approve).await;

        // Monday 2 March, 09:00 UTC: six requests.
        net.clock.set(t("2026-03-02T09:00:00Z"));
        let s2 = net.request(&b.member, &n, "2026-03-30", "2026-04-03").await; // at Auckland, into April
        let s3 = net.request(&l.member, &a, "2026-03-09", "2026-03-13").await; // will be a no-show
        let s4 = net.request(&n.member, &l, "2026-03-16", "2026-03-20").await; // the host cancels mid-way
        let s5 = net.request(&a.member, &l, "2026-03-23", "2026-03-27").await; // expires unanswered
        let s6 = net.request(&b.member, &a, "2026-03-09", "2026-03-17").await; // 7 days: declined outside the guarantee
        let s9 = net.request(&n.member, &a, "2026-03-30", "2026-03-31").await; // Mon 30, Tue 31 at Warsaw
        net.act_at("2026-03-02T10:00:00Z", &n.admin, s2, StayCommand::Approve).await;
        net.act(&a.admin, s3, StayCommand::Approve).await;
        net.act_at("2026-03-02T11:00:00Z", &a.admin, s9, StayCommand::Approve).await;
        net.act_at("2026-03-02T12:00:00Z", &l.admin, s4, StayCommand::Approve).await;
        net.act_at("2026-03-02T13:00:00Z", &a.admin, s6, decline("Too long for us")).await;
        net.clock.set(t("2026-03-04T09:00:00Z"));
        assert_eq!(net.service.settle_due_stays().await.unwrap(), 1, "s5 expires");
        // Tuesday 10 March: nobody came to A on the 9th.
        net.act_at("2026-03-10T09:00:00Z", &a.admin, s3, StayCommand::NoShow).await;
        // Wednesday 18 March, 02:00 in Los Angeles: L cancels s4; the 16th and 17th stay.
        net.act_at(
            "2026-03-18T09:00:00Z",
            &l.admin,
            s4,
            StayCommand::Cancel(Some(Reason::parse("Water damage").unwrap())),
        )
        .await;

        // Tuesday 31 March, 12:00 UTC: 01:00 on 1 April in Auckland (the 31st
        // has passed there), 14:00 on the 31st in Warsaw (it has not).
        net.clock.set(t("2026-03-31T12:00:00Z"));
        let march = net.ledger("2026-03-01", "2026-03-31").await;
        let expected_matrix = vec![cell(&b, &a, 3), cell(&n, &b, 2), cell(&l, &n, 2), cell(&a, &n, 1)].tap_sort();
        assert_eq!(march.matrix, expected_matrix, "on the 31st");

        net.clock.set(t("2026-04-10T12:00:00Z"));
        let march = net.ledger("2026-03-01", "2026-03-31").await;
        let expected_matrix = vec![cell(&b, &a, 3), cell(&n, &b, 2), cell(&l, &n, 2), cell(&a, &n, 2)].tap_sort();
        assert_eq!(march.matrix, expected_matrix, "once March is over everywhere");
        // (hosted, used, balance, received, approved, declined, expired, exceptions, median answer)
        // A: hosts N 2 (s9); L's s3 was a no-show, B's s6 declined. Uses 3 at B (s1).
        //    Received s3, s6, s9; approved s3, s9; declined s6 (outside the
        //    guarantee: no exception). Answers 1 h, 2 h, 4 h.
        assert_eq!(row(figures(&march, a.cluster)), (2, 3, -1, 3, 2, 1, 0, 0, Some(7200)));
        // B: hosts A 3 (March 2–4 of s1, asked for in February). Uses 2 at N.
        assert_eq!(row(figures(&march, b.cluster)), (3, 2, 1, 0, 0, 0, 0, 0, None));
        // N: hosts B 2 (30, 31 of s2). Uses 2 at L (s4) and 2 at A (s9).
        assert_eq!(row(figures(&march, n.cluster)), (2, 4, -2, 1, 1, 0, 0, 0, Some(3600)));
        // L: hosts N 2 (16, 17 of s4). Received s4, s5: approved s4, s5
        //    expired; exceptions: s5's expiry and s4's cancellation.
        assert_eq!(row(figures(&march, l.cluster)), (2, 0, 2, 2, 1, 0, 1, 2, Some(10800)));
        let exceptions: Vec<_> = march.exceptions.iter().map(|e| (e.stay_id, e.kind)).collect();
        assert_eq!(exceptions, [(s5, ExceptionKind::Expired), (s4, ExceptionKind::CancelledByHost)]);
        assert_eq!(march.exceptions[1].reason.as_deref(), Some("Water damage"));
        let total: i64 = march.clusters.iter().map(|f| f.balance).sum();
        assert_eq!(total, 0, "every visitor-day hosted is one used");

        // February: s1's 26th and 27th, and its request.
        let february = net.ledger("2026-02-01", "2026-02-28").await;
        assert_eq!(february.matrix, vec![cell(&b, &a, 2)]);
        assert_eq!(row(figures(&february, b.cluster)), (2, 0, 2, 1, 1, 0, 0, 0, Some(1800)));
        // April holds the rest of s2: April 1–3 at Auckland.
        let april = net.ledger("2026-04-01", "2026-04-30").await;
        assert_eq!(april.matrix, vec![cell(&n, &b, 3)]);
        support::assert_ledger_totals_sound(&test_db).await;
    })
    .await;
}

#[tokio::test]
async fn a_cluster_without_desks_past_the_grace_period_loses_its_standing_and_regains_it() {
    on_both_backends(|test_db| async move {
        let (net, a, b) = Network::alpha_and_beta(&test_db).await;
        let patch = |desks| deskvisa_store::SitePatch {
            desks: Some(deskvisa_rules::DeskCount::new(desks).unwrap()),
            ..Default::default()
        };
        net.service.update_site(&a.admin, a.site, patch(0)).await.unwrap();
        let period = Period::new(d("2026-02-01"), d("2026-02-28")).unwrap();
        let standing = |ledger: &Ledger| figures(ledger, a.cluster).standing;

        // Friday 20 February was the last day with a desk: thirty days of
        // grace run from the 21st to 22 March.
        net.clock.set(t("2026-03-21T09:00:00Z"));
        let ledger = net.service.ledger(period).await.unwrap().ledger;
        assert!(matches!(standing(&ledger), Standing::InGrace { .. }), "{:?}", standing(&ledger));
        net.request(&a.member, &b, "2026-03-30", "2026-04-03").await;

        // Past it, A's members are refused, and the ledger says why.
        net.clock.set(t("2026-03-22T09:00:00Z"));
        let ledger = net.service.ledger(period).await.unwrap().ledger;
        assert_eq!(
            standing(&ledger),
            Standing::NotReciprocating(Lapse { nothing_offered_since: Some(d("2026-02-21")), none_approved: None })
        );
        let input = StayRequestInput {
            site: b.site,
            start_date: d("2026-04-06"),
            end_date: d("2026-04-10"),
            purpose: String::new(),
        };
        let refused = net.service.request_stay(&a.member, &input).await.unwrap_err();
        assert!(format!("{refused:?}").contains("HomeNotReciprocating"), "{refused:?}");

        // Desks again, on Monday (the site opens Monday to Friday): back on
        // the first day it offers a desk.
        net.clock.set(t("2026-03-23T09:00:00Z"));
        net.service.request_stay(&a.member, &input).await.unwrap_err();
        net.service.update_site(&a.admin, a.site, patch(2)).await.unwrap();
        let ledger = net.service.ledger(period).await.unwrap().ledger;
        assert_eq!(standing(&ledger), Standing::Reciprocating);
        net.service.request_stay(&a.member, &input).await.unwrap();
        support::assert_ledger_totals_sound(&test_db).await;
    })
    .await;
}

/// The ledger's two halves, read side by side, see the database at one
/// moment: a commit after they began shows in neither (on SQLite the second
/// takes its snapshot before the pair is handed over, not at its first
/// query). Only so many reports at once are read in halves, so they cannot
/// take the pool from the pages.
#[tokio::test]
async fn a_report_read_in_two_halves_sees_one_moment() {
    on_both_backends(|test_db| async move {
        let net = Network::new(test_db.store().await);
        net.party("Alpha", "PL", "Europe/Warsaw").await;
        let store = net.service.store();
        let (first, beside) = store.begin_read_pair().await.unwrap();
        let before = first.clusters().await.unwrap().len();
        net.party("Beta", "DK", "Europe/Copenhagen").await;
        assert_eq!(first.clusters().await.unwrap().len(), before, "the first half keeps its moment");
        assert_eq!(store.begin_read().await.unwrap().clusters().await.unwrap().len(), before + 1);
        let beside = beside.expect("a second half");
        assert_eq!(beside.clusters().await.unwrap().len(), before, "the second half sees the same moment");
        // PostgreSQL reads two reports in halves at once; SQLite one, which
        // leaves two of its four readers to the pages.
        let pairs = match test_db.backend() {
            deskvisa_testing::Backend::Postgres => 2,
            deskvisa_testing::Backend::Sqlite => 1,
        };
        let mut held = vec![beside];
        for _ in 1..pairs {
            let (_first, also) = store.begin_read_pair().await.unwrap();
            held.push(also.expect("another report read in halves"));
        }
        let (_alone, none) = store.begin_read_pair().await.unwrap();
        assert!(none.is_none(), "the next reads alone");
        assert_eq!(store.begin_read().await.unwrap().clusters().await.unwrap().len(), before + 1, "pages still read");
        drop(held);
        let (_again, beside) = store.begin_read_pair().await.unwrap();
        assert!(beside.is_some(), "a place given back is taken again");
    })
    .await;
}

/// Two members of Alpha hold desks at Beta on the same days: on Friday 6
/// March at noon UTC (13:00 in Copenhagen), the 2nd to the 4th have passed
/// everywhere (the running totals), the 5th has passed at Beta (judged in
/// its zone, two desks of one host, home, zone and day), the 6th has not.
#[tokio::test]
async fn two_desks_held_the_same_day_around_today_count_two_visitor_days() {
    on_both_backends(|test_db| async move {
        let (net, a, b) = Network::alpha_and_beta(&test_db).await;
        let second = add_person(&net.service, a.cluster, member("second@alpha.example"), None).await;
        net.clock.set(t("2026-02-20T09:00:00Z"));
        for who in [&a.member, &second] {
            let stay = net.request(who, &b, "2026-03-02", "2026-03-06").await;
            net.act(&b.admin, stay, StayCommand::Approve).await;
        }
        net.clock.set(t("2026-03-06T12:00:00Z"));
        let march = net.ledger("2026-03-01", "2026-03-31").await;
        assert_eq!(march.matrix, vec![cell(&b, &a, 8)], "three days twice, and the 5th twice");
        assert_eq!((figures(&march, b.cluster).days_hosted, figures(&march, a.cluster).days_used), (8, 8));
        net.clock.set(t("2026-03-09T12:00:00Z"));
        let march = net.ledger("2026-03-01", "2026-03-31").await;
        assert_eq!(march.matrix, vec![cell(&b, &a, 10)], "once the 6th has passed: five days twice");
    })
    .await;
}

/// Visitor-days per (host, home), and per cluster (in id order): days
/// hosted and used, requests received, approved, declined and expired,
/// guarantee exceptions.
type Additive = (std::collections::BTreeMap<(ClusterId, ClusterId), u64>, Vec<[u64; 7]>);

/// What a period's ledger adds up, as sums that any cut of the period into
/// parts must give again: visitor-days per (host, home), and per cluster the
/// requests and their outcomes, the days hosted and used, the exceptions.
fn additive(ledger: &Ledger) -> Additive {
    let matrix = ledger.matrix.iter().map(|c| ((c.host_cluster_id, c.home_cluster_id), c.visitor_days)).collect();
    let mut figures: Vec<_> = ledger.clusters.iter().map(|f| (f.cluster_id, f)).collect();
    figures.sort_by_key(|(id, _)| *id);
    let figures = figures
        .into_iter()
        .map(|(_, f)| {
            [
                f.days_hosted,
                f.days_used,
                f.requests_received,
                f.requests_approved,
                f.requests_declined,
                f.requests_expired,
                f.guarantee_exceptions,
            ]
        })
        .collect();
    (matrix, figures)
}

/// The running totals are read as whole months plus the days of the months
/// a period cuts, or as a cut month less the days outside the period,
/// whichever reads fewer rows. Either way a period's ledger is the sum of
/// its days' ledgers: checked for periods starting and ending early, late
/// and in the middle of months, against every day of the quarter read
/// alone (a day is read from the daily rows only).
#[tokio::test]
async fn a_period_cut_anywhere_in_its_months_counts_the_sum_of_its_days() {
    on_both_backends(|test_db| async move {
        let (net, a, b) = Network::alpha_and_beta(&test_db).await;
        let second = add_person(&net.service, a.cluster, member("second@alpha.example"), None).await;
        // Requests made on the 2nd, 5th and 27th of January, the 3rd, 10th
        // and 26th of February; stays from late January to mid-March.
        net.clock.set(t("2026-01-02T10:00:00Z"));
        let first = net.request(&a.member, &b, "2026-01-26", "2026-01-30").await;
        net.act(&b.admin, first, StayCommand::Approve).await;
        net.clock.set(t("2026-01-05T10:00:00Z"));
        let across = net.request(&second, &b, "2026-01-29", "2026-02-04").await;
        net.act(&b.admin, across, StayCommand::Approve).await;
        net.clock.set(t("2026-01-27T10:00:00Z"));
        let back = net.request(&b.member, &a, "2026-02-23", "2026-02-27").await;
        net.act(&a.admin, back, StayCommand::Approve).await;
        net.clock.set(t("2026-02-03T10:00:00Z"));
        let declined = net.request(&a.member, &b, "2026-03-02", "2026-03-06").await;
        net.act(&b.admin, declined, StayCommand::Decline(Reason::parse("Fully booked").unwrap())).await;
        net.clock.set(t("2026-02-10T10:00:00Z"));
        let march = net.request(&second, &b, "2026-03-09", "2026-03-13").await;
        net.act(&b.admin, march, StayCommand::Approve).await;
        net.clock.set(t("2026-02-26T10:00:00Z"));
        let late = net.request(&b.member, &a, "2026-03-27", "2026-03-31").await;
        net.act(&a.admin, late, StayCommand::Approve).await;

        net.clock.set(t("2026-04-10T12:00:00Z"));
        let mut days = Vec::new();
        let mut day = d("2026-01-01");
        while day <= d("2026-03-31") {
            days.push((day, additive(&net.ledger(&day.to_string(), &day.to_string()).await)));
            day = day.succ_opt().unwrap();
        }
        let starts = ["2026-01-01", "2026-01-04", "2026-01-27", "2026-02-03", "2026-02-25"];
        let ends = ["2026-02-02", "2026-02-26", "2026-03-03", "2026-03-30", "2026-03-31"];
        let mut cut_months = 0;
        for (start, end) in starts.iter().flat_map(|s| ends.iter().map(move |e| (d(s), d(e)))) {
            if end < start {
                continue;
            }
            let (mut matrix, mut figures) = (std::collections::BTreeMap::new(), vec![[0u64; 7]; 2]);
            for (_, (day_matrix, day_figures)) in days.iter().filter(|(day, _)| (start..=end).contains(day)) {
                for (pair, n) in day_matrix {
                    *matrix.entry(*pair).or_insert(0) += n;
                }
                for (sum, day) in figures.iter_mut().zip(day_figures) {
                    for (total, n) in sum.iter_mut().zip(day) {
                        *total += n;
                    }
                }
            }
            let whole = additive(&net.ledger(&start.to_string(), &end.to_string()).await);
            assert_eq!(whole, (matrix, figures), "{start} to {end}");
            cut_months += 1;
        }
        assert_eq!(cut_months, 23);
        let everything = additive(&net.ledger("2026-01-04", "2026-03-30").await);
        assert_eq!(
            everything.0.values().sum::<u64>(),
            5 + 5 + 5 + 5 + 2,
            "every approved stay's days to the 30th of March"
        );
        assert_eq!(everything.1.iter().map(|f| f[2]).sum::<u64>(), 5, "requests from the 4th of January");
    })
    .await;
}

/// A host with sites in two zones: the days around today are judged in
/// each site's zone, not in one zone for the host. On Thursday 5 March at
/// 20:00 UTC it is Friday morning in Auckland and Thursday noon in Los
/// Angeles: the 2nd and 3rd have passed everywhere; the 4th has passed at
/// both sites, the 5th at the Auckland site only. At noon UTC on Friday it
/// is Saturday in Auckland: all five days have passed there, four in Los
/// Angeles.
#[tokio::test]
async fn a_host_with_sites_in_two_zones_counts_the_days_around_today_in_each_sites_zone() {
    on_both_backends(|test_db| async move {
        let (net, a, _) = Network::alpha_and_beta(&test_db).await;
        let gamma = net.party("Gamma", "NZ", "Pacific/Auckland").await;
        let mut west = site("Gamma West", 3);
        west.timezone = Some(deskvisa_rules::TimeZone::parse("America/Los_Angeles").unwrap());
        let west = net.service.add_site(gamma.cluster, west).await.unwrap().id;
        let second = add_person(&net.service, a.cluster, member("second@alpha.example"), None).await;
        let in_auckland = net.request(&a.member, &gamma, "2026-03-02", "2026-03-06").await;
        let input = StayRequestInput {
            site: west,
            start_date: d("2026-03-02"),
            end_date: d("2026-03-06"),
            purpose: "Partners".into(),
        };
        let in_los_angeles = net.service.request_stay(&second, &input).await.unwrap().id;
        for stay in [in_auckland, in_los_angeles] {
            net.act(&gamma.admin, stay, StayCommand::Approve).await;
        }
        net.clock.set(t("2026-03-05T20:00:00Z"));
        let march = net.ledger("2026-03-01", "2026-03-31").await;
        assert_eq!(march.matrix, vec![cell(&gamma, &a, 2 + 2 + 2 + 1)], "the 2nd to the 4th at both, the 5th at one");
        net.clock.set(t("2026-03-06T12:00:00Z"));
        let march = net.ledger("2026-03-01", "2026-03-31").await;
        assert_eq!(march.matrix, vec![cell(&gamma, &a, 5 + 4)], "Friday has passed in Auckland (1:00 on Saturday)");
    })
    .await;
}
