//! What the service's tests check of a database after the fact: no day
//! holds more desks than its site has, every counter equals the rows behind
//! it, and the ledger's running totals equal a count from scratch. (The
//! world the tests run in is `deskvisa_testing::world`.)
#![allow(dead_code, missing_docs)]

use deskvisa_testing::TestDatabase;
use deskvisa_testing::world::World;

/// No day holds more desks than its site has, and every counter equals the
/// desk-days behind it.
pub async fn assert_counters_sound(world: &World) {
    assert_database_sound(&world.test_db).await;
}

/// The same of any database (a backup, a restored file).
pub async fn assert_database_sound(t: &TestDatabase) {
    assert_eq!(t.scalar("SELECT COUNT(*) FROM site_days WHERE held > desks OR held < 0").await, 0);
    let mismatched = t
        .scalar(
            "SELECT COUNT(*) FROM site_days sd WHERE sd.held <> \
             (SELECT COUNT(*) FROM stay_days s WHERE s.site_id = sd.site_id AND s.date = sd.date)",
        )
        .await;
    assert_eq!(mismatched, 0, "every counter equals the desk-days behind it");
    assert_ledger_totals_sound(t).await;
}

/// The ledger's running totals equal a count from scratch: held days of
/// stays whose history shows an approval (not no-shows), per host, home and
/// date; and per host, every request, those ever approved, declined, expired.
pub async fn assert_ledger_totals_sound(t: &TestDatabase) {
    let recount = "SELECT s.host_cluster_id AS host, s.home_cluster_id AS home, d.date AS date, COUNT(*) AS days
                     FROM stay_days d JOIN stays s ON s.id = d.stay_id
                    WHERE s.no_show = FALSE AND s.status IN ('approved', 'cancelled')
                      AND EXISTS (SELECT 1 FROM stay_history h WHERE h.stay_id = s.id AND h.to_status = 'approved')
                    GROUP BY s.host_cluster_id, s.home_cluster_id, d.date";
    let missing = t
        .scalar(&format!(
            "SELECT COUNT(*) FROM ({recount}) r LEFT JOIN ledger_days l
                ON l.host_cluster_id = r.host AND l.home_cluster_id = r.home AND l.date = r.date
             WHERE l.days IS NULL OR l.days <> r.days"
        ))
        .await;
    let extra = t
        .scalar(&format!(
            "SELECT COUNT(*) FROM ledger_days l WHERE l.days <> 0 AND NOT EXISTS (
                SELECT 1 FROM ({recount}) r
                 WHERE l.host_cluster_id = r.host AND l.home_cluster_id = r.home AND l.date = r.date)"
        ))
        .await;
    assert_eq!((missing, extra), (0, 0), "ledger_days equals the held days it counts");
    let requests = t
        .scalar(
            "SELECT COUNT(*) FROM (
                SELECT s.host_cluster_id AS host, COUNT(*) AS received,
                       SUM(CASE WHEN EXISTS (SELECT 1 FROM stay_history h WHERE h.stay_id = s.id
                                              AND h.to_status = 'approved') THEN 1 ELSE 0 END) AS approved,
                       SUM(CASE WHEN s.status = 'declined' THEN 1 ELSE 0 END) AS declined,
                       SUM(CASE WHEN s.status = 'expired' THEN 1 ELSE 0 END) AS expired,
                       SUM(CASE WHEN EXISTS (SELECT 1 FROM stay_history h WHERE h.stay_id = s.id
                                              AND h.from_status = 'pending' AND h.actor = 'host_admin'
                                              AND h.to_status IN ('approved', 'declined')) THEN 1 ELSE 0 END)
                         AS answered
                  FROM stays s GROUP BY s.host_cluster_id) r
             LEFT JOIN (SELECT host_cluster_id AS host, SUM(received) AS received, SUM(approved) AS approved,
                               SUM(declined) AS declined, SUM(expired) AS expired, SUM(answered) AS answered
                          FROM ledger_requests GROUP BY host_cluster_id) l ON l.host = r.host
             WHERE l.host IS NULL OR l.received <> r.received OR l.approved <> r.approved
                OR l.declined <> r.declined OR l.expired <> r.expired OR l.answered <> r.answered",
        )
        .await;
    assert_eq!(requests, 0, "ledger_requests equals the requests it counts");
    let listed = t
        .scalar(
            "SELECT COUNT(*) FROM stay_history h JOIN stays s ON s.id = h.stay_id
              WHERE h.guarantee_exception = TRUE AND EXISTS (
                SELECT 1 FROM ledger_exceptions e WHERE e.stay_id = h.stay_id AND e.at = h.at
                   AND e.to_status = h.to_status AND e.host_cluster_id = s.host_cluster_id
                   AND e.home_cluster_id = s.home_cluster_id)",
        )
        .await;
    let (history, list) = (
        t.scalar("SELECT COUNT(*) FROM stay_history WHERE guarantee_exception = TRUE").await,
        t.scalar("SELECT COUNT(*) FROM ledger_exceptions").await,
    );
    assert_eq!((listed, list), (history, history), "ledger_exceptions lists every exception once");
}
