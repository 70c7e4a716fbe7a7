//! A small network for the service's tests: a home cluster (Silesia) with a
//! member, a host cluster (Copenhagen) with a site and an admin, and a clock
//! fixed at Monday 2 March 2026, 10:00 in Copenhagen.
#![allow(dead_code, clippy::unwrap_used, missing_docs)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, Email, Locale, SiteId, TimeZone, WeekdaySet};
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
        country: country.to_owned(),
        timezone: TimeZone::parse(zone).unwrap(),
        latitude: 50.0,
        longitude: 10.0,
        joined_on: d("2013-01-15"),
    }
}

pub fn site(name: &str, desks: u32) -> NewSite {
    NewSite {
        name: name.to_owned(),
        address: "Nyhavn 1, 1051 København".to_owned(),
        timezone: None,
        desks,
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
    let t = &world.test_db;
    assert_eq!(t.scalar("SELECT COUNT(*) FROM site_days WHERE held > desks OR held < 0").await, 0);
    let mismatched = t
        .scalar(
            "SELECT COUNT(*) FROM site_days sd WHERE sd.held <> \
             (SELECT COUNT(*) FROM stay_days s WHERE s.site_id = sd.site_id AND s.date = sd.date)",
        )
        .await;
    assert_eq!(mismatched, 0, "every counter equals the desk-days behind it");
}
