//! A small network for the service's tests: a home cluster (Silesia) with a
//! member, a host cluster (Copenhagen) with a site and an admin, and a clock
//! fixed at Monday 2 March 2026, 10:00 in Copenhagen.
#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, Country, DeskCount, Email, Latitude, Locale, Longitude, SiteId, TimeZone, WeekdaySet};
use deskvisa_service::*;
use deskvisa_testing::TestDatabase;

pub fn d(s: &str) -> NaiveDate {
    deskvisa_rules::parse_date(s).unwrap()
}

pub fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

pub struct World {
    pub service: Service,
    pub clock: ManualClock,
    pub home: ClusterId,
    pub host: ClusterId,
    pub site: SiteId,
    pub member: Caller,
    pub host_admin: Caller,
    pub test_db: TestDatabase,
}

impl World {
    pub async fn new(test_db: TestDatabase, desks: u32) -> World {
        let clock = ManualClock::new(t("2026-03-02T09:00:00Z"));
        let service = Service::with_store(test_db.store().await, Arc::new(clock.clone()));
        let home = service.add_cluster(cluster("HubClub", "Ruda Śląska", "PL", "Europe/Warsaw")).await.unwrap();
        let host =
            service.add_cluster(cluster("Copenhagen Digital", "Copenhagen", "DK", "Europe/Copenhagen")).await.unwrap();
        service.add_site(home.id, site("HubClub Incubator", 4)).await.unwrap();
        let site = service.add_site(host.id, site("Nyhavn House", desks)).await.unwrap();
        let member = service.add_member(home.id, person("anna@hubclub.example")).await.unwrap();
        let admin = service.add_member(host.id, person("lars@cph.example")).await.unwrap();
        service.grant_role(admin.id, Role::ClusterAdmin).await.unwrap();
        World {
            member: service.caller(member.id).await.unwrap(),
            host_admin: service.caller(admin.id).await.unwrap(),
            service,
            clock,
            home: home.id,
            host: host.id,
            site: site.id,
            test_db,
        }
    }

    /// Another member of the home cluster.
    pub async fn another_member(&self, email: &str) -> Caller {
        let m = self.service.add_member(self.home, person(email)).await.unwrap();
        self.service.caller(m.id).await.unwrap()
    }

    /// Another site of the host cluster.
    pub async fn another_site(&self, name: &str, desks: u32) -> SiteId {
        self.service.add_site(self.host, site(name, desks)).await.unwrap().id
    }

    pub fn input(&self, start: &str, end: &str) -> StayRequestInput {
        StayRequestInput {
            site: self.site,
            start_date: d(start),
            end_date: d(end),
            purpose: "Meeting Danish partners".to_owned(),
        }
    }
}

pub fn cluster(name: &str, city: &str, country: &str, zone: &str) -> NewCluster {
    NewCluster {
        name: name.to_owned(),
        city: city.to_owned(),
        country: Country::parse(country).unwrap(),
        timezone: TimeZone::parse(zone).unwrap(),
        latitude: Latitude::new(50.0).unwrap(),
        longitude: Longitude::new(10.0).unwrap(),
        joined_on: d("2013-01-15"),
    }
}

pub fn site(name: &str, desks: u32) -> NewSite {
    NewSite {
        name: name.to_owned(),
        address: "Nyhavn 1, 1051 København".to_owned(),
        timezone: None,
        desks: DeskCount::new(desks).unwrap(),
        open_weekdays: WeekdaySet::MON_TO_FRI,
        contact_email: Email::parse("desks@cph.example").unwrap(),
        house_rules: "Badge at the door.".to_owned(),
    }
}

pub fn person(email: &str) -> NewMember {
    NewMember {
        email: Email::parse(email).unwrap(),
        name: "A Person".to_owned(),
        company: "Firm".to_owned(),
        locale: Locale::En,
    }
}

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
