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
             (SELECT COUNT(*) FROM stay_days s WHERE s.site_id = sd.site_id AND s.date = sd.date) + \
             (SELECT COUNT(*) FROM waitlist_days o WHERE o.site_id = sd.site_id AND o.date = sd.date)",
        )
        .await;
    assert_eq!(mismatched, 0, "every counter equals the desk-days behind it (stays' and offers')");
    assert_ledger_totals_sound(t).await;
}

/// The ledger's running totals equal a count from scratch: held days of
/// stays approved, or cancelled after an approval (not moved back to
/// pending since: its history's last move from `approved`, if any, is
/// followed by an approval), not no-shows, per host, home and date; and per
/// host, every request and how each was first answered (approved,
/// declined, expired; by a host admin).
pub async fn assert_ledger_totals_sound(t: &TestDatabase) {
    let recount = "SELECT s.host_cluster_id AS host, s.home_cluster_id AS home, d.date AS date, COUNT(*) AS days
                     FROM stay_days d JOIN stays s ON s.id = d.stay_id
                    WHERE s.no_show = FALSE AND s.status IN ('approved', 'cancelled')
                      AND EXISTS (SELECT 1 FROM stay_history h WHERE h.stay_id = s.id AND h.to_status = 'approved'
                                     AND h.id > COALESCE((SELECT MAX(u.id) FROM stay_history u WHERE u.stay_id = s.id
                                                            AND u.from_status = 'approved' AND u.to_status = 'pending'), 0))
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
    let month = match t.backend() {
        deskvisa_testing::Backend::Postgres => "CAST(date_trunc('month', date) AS DATE)",
        deskvisa_testing::Backend::Sqlite => "date(date, 'start of month')",
    };
    let by_month = format!(
        "SELECT host_cluster_id AS host, home_cluster_id AS home, {month} AS month, SUM(days) AS days
           FROM ledger_days GROUP BY host_cluster_id, home_cluster_id, {month}"
    );
    let unequal = t
        .scalar(&format!(
            "SELECT COUNT(*) FROM ({by_month}) d LEFT JOIN ledger_months m
                ON m.host_cluster_id = d.host AND m.home_cluster_id = d.home AND m.month = d.month
              WHERE COALESCE(m.days, 0) <> d.days"
        ))
        .await
        + t.scalar(&format!(
            "SELECT COUNT(*) FROM ledger_months m WHERE m.days <> 0 AND NOT EXISTS (
                SELECT 1 FROM ({by_month}) d
                 WHERE m.host_cluster_id = d.host AND m.home_cluster_id = d.home AND m.month = d.month)"
        ))
        .await;
    assert_eq!(unequal, 0, "ledger_months sums ledger_days by month");
    let requests_unequal = t
        .scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT host_cluster_id AS host, {month} AS month, SUM(received) AS received,
                                          SUM(approved) AS approved, SUM(declined) AS declined,
                                          SUM(expired) AS expired, SUM(answered) AS answered,
                                          SUM(exceptions) AS exceptions
                                     FROM ledger_requests GROUP BY host_cluster_id, {month}) d
               FULL JOIN ledger_request_months m ON m.host_cluster_id = d.host AND m.month = d.month
              WHERE d.host IS NULL OR m.host_cluster_id IS NULL OR m.received <> d.received
                 OR m.approved <> d.approved OR m.declined <> d.declined OR m.expired <> d.expired
                 OR m.answered <> d.answered OR m.exceptions <> d.exceptions"
        ))
        .await;
    assert_eq!(requests_unequal, 0, "ledger_request_months sums ledger_requests by month");
    let requests = t
        .scalar(
            "SELECT COUNT(*) FROM (
                SELECT a.host, COUNT(*) AS received,
                       SUM(CASE WHEN a.first_to = 'approved' THEN 1 ELSE 0 END) AS approved,
                       SUM(CASE WHEN a.first_to = 'declined' THEN 1 ELSE 0 END) AS declined,
                       SUM(CASE WHEN a.first_to = 'expired' THEN 1 ELSE 0 END) AS expired,
                       SUM(CASE WHEN a.first_actor = 'host_admin' AND a.first_to IN ('approved', 'declined')
                                THEN 1 ELSE 0 END) AS answered
                  FROM (SELECT s.host_cluster_id AS host,
                               (SELECT h.to_status FROM stay_history h WHERE h.stay_id = s.id
                                   AND h.from_status = 'pending' AND h.to_status IN ('approved', 'declined', 'expired')
                                 ORDER BY h.id LIMIT 1) AS first_to,
                               (SELECT h.actor FROM stay_history h WHERE h.stay_id = s.id
                                   AND h.from_status = 'pending' AND h.to_status IN ('approved', 'declined', 'expired')
                                 ORDER BY h.id LIMIT 1) AS first_actor
                          FROM stays s) a
                 GROUP BY a.host) r
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
    let day = match t.backend() {
        deskvisa_testing::Backend::Postgres => "CAST(at AT TIME ZONE 'UTC' AS DATE)",
        deskvisa_testing::Backend::Sqlite => "substr(at, 1, 10)",
    };
    let exceptions_uncounted = t
        .scalar(&format!(
            "SELECT COUNT(*) FROM (SELECT host_cluster_id AS host, {day} AS day, COUNT(*) AS n
                                     FROM ledger_exceptions GROUP BY host_cluster_id, {day}) e
               FULL JOIN (SELECT host_cluster_id, date, exceptions FROM ledger_requests WHERE exceptions <> 0) r
                 ON r.host_cluster_id = e.host AND r.date = e.day
              WHERE e.host IS NULL OR r.host_cluster_id IS NULL OR r.exceptions <> e.n"
        ))
        .await;
    assert_eq!(exceptions_uncounted, 0, "ledger_requests counts each exception at its host on its UTC day");
}
