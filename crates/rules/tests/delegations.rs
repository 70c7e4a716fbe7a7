//! Delegations (issue 23's reference rules): a group is judged member by
//! member, each with the desks of those before counted held; all accepted
//! or the refused ones listed by their place. Examples, then a property: a
//! group accepted never puts more stays on a day than the site has desks.
#![allow(clippy::unwrap_used, missing_docs)]

mod support;

use deskvisa_rules::*;
use proptest::prelude::*;
use support::*;

/// Member `n`'s snapshot of the default world, with `held` desks held on
/// every day of the week of 9 March.
fn member(n: u128, held: u32) -> Snapshot {
    let mut snapshot = world();
    snapshot.member.id = MemberId::from_uuid(uuid(600 + n));
    for _ in 0..held {
        snapshot.held = snapshot.held.clone().with_held(&[
            d("2026-03-09"),
            d("2026-03-10"),
            d("2026-03-11"),
            d("2026-03-12"),
            d("2026-03-13"),
        ]);
    }
    snapshot
}

#[test]
fn a_group_that_fits_is_accepted_whole_and_one_too_many_is_refused_by_place() {
    let req = request("2026-03-09", "2026-03-11");
    let GroupDecision::Accepted(all) =
        decide_group(&[member(1, 0), member(2, 0), member(3, 0)], &req, monday_morning())
    else {
        panic!("three desks, three members");
    };
    assert_eq!(all.len(), 3);
    // One desk is held already: the third member finds none.
    let GroupDecision::Refused(refused) =
        decide_group(&[member(1, 1), member(2, 1), member(3, 1)], &req, monday_morning())
    else {
        panic!("two desks, three members");
    };
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, 2);
    assert_eq!(refused[0].1.codes(), [ViolationCode::NoCapacity]);
}

#[test]
fn each_member_is_judged_by_their_own_rules() {
    let mut revoked = member(2, 0);
    revoked.member.status = MemberStatus::Revoked;
    let GroupDecision::Refused(refused) =
        decide_group(&[member(1, 0), revoked], &request("2026-03-09", "2026-03-10"), monday_morning())
    else {
        panic!("a revoked member refuses the group");
    };
    assert_eq!(refused.iter().map(|(place, _)| *place).collect::<Vec<_>>(), [1]);
}

proptest! {
    #[test]
    fn an_accepted_group_never_overfills_a_day(size in 2usize..8, held in 0u32..3, start in 0u64..5, len in 0u64..5) {
        let first = d("2026-03-09") + chrono::Days::new(start);
        let last = first + chrono::Days::new(len);
        let req = StayRequest { start_date: first, end_date: last };
        let snapshots: Vec<Snapshot> = (0..size).map(|n| member(n as u128, held)).collect();
        if let GroupDecision::Accepted(all) = decide_group(&snapshots, &req, monday_morning()) {
            let mut load = snapshots[0].held.clone();
            for a in all.iter().filter(|a| a.holds_desks()) {
                load = load.with_held(&a.days);
            }
            for (_, n) in load.iter() {
                prop_assert!(n <= 3, "{n} stays on a day of 3 desks");
            }
        }
    }
}
