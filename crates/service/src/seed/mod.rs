//! `deskvisa seed demo`: a realistic network to try deskvisa with. 43
//! clusters in their real cities and zones on five continents, 1 to 3 sites
//! each, an admin and two members per cluster, each working for one of the
//! cluster's three firms (two open to visitors), a network admin, some
//! closures, events, stays and introductions around today, and visits of the past two
//! months (made with the clock set back) for the ledger. Loading is skipped when the
//! database already holds clusters; fresh tokens are made every time.

mod firms;
pub mod network;

use std::sync::Arc;

use chrono::{Datelike, Days, NaiveDate, TimeDelta, Weekday};
use deskvisa_rules::{
    ClusterId, Country, DeskCount, Email, Latitude, Locale, Longitude, Reason, SiteId, TimeZone, WeekdaySet, parse_date,
};
use deskvisa_store::{ClusterRecord, SiteRecord};

use crate::error::ServiceError;
use crate::map::{NewCluster, NewMember, NewSite};
use crate::stays::{StayCommand, StayRequestInput};
use crate::{ManualClock, Role, Service};

/// The demo member whose token `make run` prints: Anna of HubClub.
pub const DEMO_MEMBER: &str = "anna.nowak@hubclub.example";
/// The demo host admin whose token `make run` prints: Copenhagen's admin.
pub const DEMO_HOST_ADMIN: &str = "admin@copenhagen-digital-cluster.example";
/// The network admin.
pub const DEMO_NETWORK_ADMIN: &str = "network@deskvisa.example";
/// The demo host that declined every visitor of the past months, and so has
/// stopped hosting by ground (b) of `home_not_reciprocating` (the Athens
/// cluster, whose only site is under renovation with no desks, shows ground
/// (a)).
pub const DEMO_REFUSING_HOST: &str = "Dublin Digital Cluster";

/// What seeding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Whether the network was loaded now (false: it was there already).
    pub loaded: bool,
    /// Clusters in the database.
    pub clusters: usize,
    /// A fresh token for [`DEMO_MEMBER`].
    pub member_token: String,
    /// A fresh token for [`DEMO_HOST_ADMIN`].
    pub host_admin_token: String,
    /// A fresh token for [`DEMO_NETWORK_ADMIN`].
    pub network_admin_token: String,
}

const FIRST: [&str; 12] =
    ["Anna", "Lars", "Mette", "Piotr", "Sofia", "Kenji", "Aroha", "Lucas", "Maya", "Jonas", "Elif", "Diego"];
const LAST: [&str; 12] = [
    "Nowak",
    "Jensen",
    "Lindqvist",
    "Kowalski",
    "Rossi",
    "Tanaka",
    "Ngata",
    "Silva",
    "Cohen",
    "Müller",
    "Yılmaz",
    "García",
];

fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

/// Letters of the demo names as ASCII, for email addresses.
fn ascii(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            'ü' => 'u',
            'ı' | 'í' => 'i',
            'á' => 'a',
            'é' => 'e',
            other => other,
        })
        .collect()
}

/// A demo visit: from the `home`th cluster (counting round) to the first
/// site of the `host`th; none when they are one cluster, or the host is the
/// refusing one or offers no desk.
fn demo_visit(
    clusters: &[(ClusterId, Vec<SiteId>)],
    map: &[(ClusterRecord, Vec<SiteRecord>)],
    home: usize,
    host: usize,
) -> Option<(ClusterId, ClusterId, SiteId)> {
    let (home, _) = &clusters[home % clusters.len()];
    let (host, host_sites) = &clusters[host % clusters.len()];
    let site = host_sites.first().filter(|_| home != host)?;
    let (host_record, sites) = map.iter().find(|(c, _)| c.id == *host)?;
    if host_record.name == DEMO_REFUSING_HOST || sites.iter().all(|s| s.desks.get() == 0) {
        return None;
    }
    Some((*home, *host, *site))
}

fn bad(what: &str, e: impl std::fmt::Display) -> ServiceError {
    ServiceError::Internal(format!("demo data: {what}: {e}"))
}

fn next_weekday(from: NaiveDate, weekday: Weekday, weeks_ahead: u64) -> NaiveDate {
    let ahead = (7 + weekday.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
    from + Days::new(u64::from(ahead) + 7 * weeks_ahead)
}

/// A demo site's arrival pack: open 09:00–17:00 on its open days, the
/// reception, and a few amenities that differ from site to site.
fn demo_arrival(site: &deskvisa_store::SiteRecord, n: usize) -> deskvisa_rules::ArrivalPack {
    use deskvisa_rules::{Amenity, ArrivalPack, OpeningHours, parse_hours};
    let hours = parse_hours("09:00-17:00").unwrap_or_default();
    let mut week = OpeningHours::default();
    for day in site.open_weekdays.iter() {
        week.0[day.num_days_from_monday() as usize] = hours;
    }
    let amenities =
        Amenity::ALL.iter().copied().enumerate().filter(|(k, _)| (k + n).is_multiple_of(3)).map(|(_, a)| a).collect();
    ArrivalPack {
        hours: week,
        access: format!("Main entrance at {}; the reception gives visitors a badge.", site.address),
        contact_name: "Reception".to_owned(),
        transport: "Public transport stops within a five-minute walk.".to_owned(),
        amenities,
        ..ArrivalPack::default()
    }
}

impl Service {
    /// Loads the demo network if the database is empty, and makes fresh
    /// tokens for the demo people.
    pub async fn seed_demo(&self) -> Result<SeedReport, ServiceError> {
        let empty = {
            let tx = self.store.begin_read().await?;
            tx.is_empty().await?
        };
        if empty {
            // The network as it stood three months ago, and visits made
            // since (so the ledger has visitor-days to show); then today's
            // closures, events and stays.
            let clock = ManualClock::new(self.now() - TimeDelta::days(90));
            let past = Service { clock: Arc::new(clock.clone()), ..self.clone() };
            let clusters = past.load_demo().await?;
            clock.set(self.now() - TimeDelta::days(60));
            past.demo_past_visits(&clock, &clusters).await?;
            self.demo_stays_and_closures(&clusters).await?;
        }
        let clusters = self.map().await?.clusters.len();
        let token = |email: &'static str| async move {
            let email = Email::parse(email).map_err(|e| bad("email", e))?;
            self.create_token(&email, "demo").await
        };
        Ok(SeedReport {
            loaded: empty,
            clusters,
            member_token: token(DEMO_MEMBER).await?,
            host_admin_token: token(DEMO_HOST_ADMIN).await?,
            network_admin_token: token(DEMO_NETWORK_ADMIN).await?,
        })
    }

    async fn load_demo(&self) -> Result<Vec<(ClusterId, Vec<SiteId>)>, ServiceError> {
        let mut clusters: Vec<(ClusterId, Vec<SiteId>)> = Vec::new();
        for (i, demo) in network::NETWORK.iter().enumerate() {
            let cluster = self
                .add_cluster(NewCluster {
                    name: demo.name.to_owned(),
                    city: demo.city.to_owned(),
                    country: Country::parse(demo.country).map_err(|e| bad(demo.name, e))?,
                    timezone: TimeZone::parse(demo.timezone).map_err(|e| bad(demo.name, e))?,
                    latitude: Latitude::new(demo.latitude).map_err(|e| bad(demo.name, e))?,
                    longitude: Longitude::new(demo.longitude).map_err(|e| bad(demo.name, e))?,
                    joined_on: parse_date(demo.joined_on).map_err(|e| bad(demo.name, e))?,
                })
                .await?;
            let mut sites = Vec::new();
            for s in demo.sites {
                let site = self
                    .add_site(
                        cluster.id,
                        NewSite {
                            name: s.name.to_owned(),
                            address: s.address.to_owned(),
                            timezone: None,
                            desks: DeskCount::new(s.desks).map_err(|e| bad(s.name, e))?,
                            open_weekdays: WeekdaySet::parse(s.open_weekdays.split(',')).map_err(|e| bad(s.name, e))?,
                            contact_email: Email::parse(s.contact_email).map_err(|e| bad(s.name, e))?,
                            house_rules: s.house_rules.to_owned(),
                        },
                    )
                    .await?;
                let tx = self.store.begin_write().await?;
                tx.save_arrival_pack(site.id, &demo_arrival(&site, sites.len() + i), self.now()).await?;
                tx.commit().await?;
                sites.push(site.id);
            }
            let domain = format!("{}.example", slug(demo.name));
            // Each person's address is made from their name, so the demo
            // reads true: anna.nowak@… is Anna Nowak (the first cluster's
            // first member is the demo member).
            let people = [
                ((FIRST[(i + 7) % 12], LAST[(i + 3) % 12]), true),
                ((FIRST[i % 12], LAST[i % 12]), false),
                ((FIRST[(i + 5) % 12], LAST[(i + 7) % 12]), false),
            ];
            let mut persons = Vec::new();
            for ((first, last), admin) in people {
                let email = if admin { format!("admin@{domain}") } else { format!("{first}.{last}@{domain}") };
                let member = self
                    .add_member(
                        cluster.id,
                        NewMember {
                            email: Email::parse(&ascii(&email.to_lowercase())).map_err(|e| bad(&email, e))?,
                            name: format!("{first} {last}"),
                            // Their firm's name, once the firms are made.
                            company: String::new(),
                            locale: if demo.country == "PL" { Locale::Pl } else { Locale::En },
                        },
                    )
                    .await?;
                if admin {
                    self.grant_role(member.id, Role::ClusterAdmin).await?;
                }
                persons.push(member.id);
            }
            self.demo_firms(i, cluster.id, (demo.city, demo.country), &persons).await?;
            if i == 0 {
                let network_admin = self
                    .add_member(
                        cluster.id,
                        NewMember {
                            email: Email::parse(DEMO_NETWORK_ADMIN).map_err(|e| bad("network admin", e))?,
                            name: "Joanna Sochacka".to_owned(),
                            company: "Rudzki Inkubator Przedsiębiorczości".to_owned(),
                            locale: Locale::Pl,
                        },
                    )
                    .await?;
                self.grant_role(network_admin.id, Role::NetworkAdmin).await?;
            }
            clusters.push((cluster.id, sites));
        }
        Ok(clusters)
    }

    /// Visits that have happened: stays requested and answered while
    /// `clock` (this service's) moves on through the past two months.
    async fn demo_past_visits(
        &self,
        clock: &ManualClock,
        clusters: &[(ClusterId, Vec<SiteId>)],
    ) -> Result<(), ServiceError> {
        let map = self.map().await?;
        for n in 0..clusters.len() {
            let Some((home, host, site)) = demo_visit(clusters, &map.clusters, n * 5, n * 11 + 2) else {
                continue;
            };
            let monday = next_weekday(self.now().date_naive(), Weekday::Mon, 1 + (n as u64 % 5));
            let input = StayRequestInput {
                site,
                start_date: monday,
                end_date: monday + Days::new(1 + (n as u64 % 4)),
                purpose: "Meeting partners and joining the business breakfast".to_owned(),
            };
            let member = self.visitor_caller(home).await?;
            let Ok(stay) = self.request_stay(&member, &input).await else {
                continue;
            };
            // Hosts take a few hours to answer.
            clock.advance(TimeDelta::hours(2 + (n as i64 % 20)));
            let admin = self.admin_caller(host).await?;
            let command = if n % 9 == 4 {
                StayCommand::Decline(Reason::parse("No desk free that week, sorry").map_err(|e| bad("reason", e))?)
            } else {
                StayCommand::Approve
            };
            let _ = self.act_on_stay(&admin, stay.id, command).await;
        }
        // The refusing host declines three visitors, each inside the guarantee.
        let Some((refusing, refusing_sites)) = map.clusters.iter().find(|(c, _)| c.name == DEMO_REFUSING_HOST) else {
            return Ok(());
        };
        let Some(site) = refusing_sites.first() else { return Ok(()) };
        let admin = self.admin_caller(refusing.id).await?;
        let reason = Reason::parse("We are not taking visitors this quarter").map_err(|e| bad("reason", e))?;
        for (n, (home, _)) in clusters.iter().filter(|(c, _)| *c != refusing.id).take(3).enumerate() {
            let monday = next_weekday(self.now().date_naive(), Weekday::Mon, 6 + n as u64);
            let input = StayRequestInput {
                site: site.id,
                start_date: monday,
                end_date: monday + Days::new(2),
                purpose: "Meeting Irish partners".to_owned(),
            };
            let member = self.visitor_caller(*home).await?;
            clock.advance(TimeDelta::hours(3));
            if let Ok(stay) = self.request_stay(&member, &input).await {
                let _ = self.act_on_stay(&admin, stay.id, StayCommand::Decline(reason.clone())).await;
            }
        }
        Ok(())
    }

    /// A few closures and stays around today, so the calendars and inboxes
    /// have something to show.
    async fn demo_stays_and_closures(&self, clusters: &[(ClusterId, Vec<SiteId>)]) -> Result<(), ServiceError> {
        let map = self.map().await?;
        let today = self.now().date_naive();
        for (n, (cluster, sites)) in clusters.iter().enumerate().take(10) {
            let Some(site) = sites.first() else { continue };
            let admin = self.admin_caller(*cluster).await?;
            let closed = next_weekday(today, Weekday::Fri, 2 + (n as u64 % 3));
            self.close_day(&admin, *site, closed, "Staff training day").await?;
            // A breakfast every week for a month, and a meetup, for visitors to join.
            for week in 1..=4u64 {
                let day = next_weekday(today, Weekday::Tue, week);
                let at = |h, m| day.and_hms_opt(h, m, 0).unwrap_or_default();
                let draft = crate::EventDraft {
                    title: "Business breakfast".to_owned(),
                    description: "Members and visiting members meet over breakfast: ten-minute pitches, then talk."
                        .to_owned(),
                    starts_at: at(8, 30),
                    ends_at: at(10, 0),
                    capacity: 30,
                    open_to_visitors: true,
                };
                self.publish_event(&admin, *site, draft).await?;
            }
            let day = next_weekday(today, Weekday::Thu, 2);
            let at = |h, m| day.and_hms_opt(h, m, 0).unwrap_or_default();
            let draft = crate::EventDraft {
                title: "Cluster meetup: AI in small firms".to_owned(),
                description: "Three short talks from member firms, then drinks.".to_owned(),
                starts_at: at(17, 0),
                ends_at: at(19, 30),
                capacity: 60,
                open_to_visitors: true,
            };
            self.publish_event(&admin, *site, draft).await?;
        }
        // Members of the first clusters visit the next ones.
        for n in 0..12usize {
            let Some((home, host, site)) = demo_visit(clusters, &map.clusters, n, n * 7 + 3) else {
                continue;
            };
            let member = self.visitor_caller(home).await?;
            let monday = next_weekday(today, Weekday::Mon, 1 + (n as u64 % 4));
            let input = StayRequestInput {
                site,
                start_date: monday,
                end_date: monday + Days::new(2 + (n as u64 % 3)),
                purpose: "Meeting partners and joining the business breakfast".to_owned(),
            };
            let Ok(stay) = self.request_stay(&member, &input).await else {
                continue;
            };
            if n % 3 != 2 {
                let admin = self.admin_caller(host).await?;
                if let Ok(approved) = self.act_on_stay(&admin, stay.id, StayCommand::Approve).await {
                    self.demo_introduction(n, &member, &approved).await?;
                    // One visit called off: its open request lapses.
                    if n == 3 {
                        self.act_on_stay(&member, stay.id, StayCommand::Cancel(None)).await?;
                    }
                }
            }
        }
        // Anna asks Copenhagen for three days in two weeks: her stays page
        // and Copenhagen's inbox (the demo host admin's) have it waiting.
        let anna = Email::parse(DEMO_MEMBER).map_err(|e| bad("demo member", e))?;
        let anna = self.caller(self.member_by_email(&anna).await?.id).await?;
        let copenhagen = map.clusters.iter().find(|(c, _)| c.name == "Copenhagen Digital Cluster");
        if let Some(site) = copenhagen.and_then(|(_, sites)| sites.first()) {
            let monday = next_weekday(today, Weekday::Mon, 2);
            let input = StayRequestInput {
                site: site.id,
                start_date: monday,
                end_date: monday + Days::new(2),
                purpose: "Meeting Danish partners for a joint bid".to_owned(),
            };
            let _ = self.request_stay(&anna, &input).await;
        }
        if let Some((host, sites)) = copenhagen {
            self.demo_delegation(clusters, host.id, sites, today).await?;
        }
        Ok(())
    }

    /// A delegation of two from another cluster waits in Copenhagen's inbox
    /// as one decision (issue 23): from the first cluster whose two members
    /// the rules let go (past visits fill some quotas).
    async fn demo_delegation(
        &self,
        clusters: &[(ClusterId, Vec<SiteId>)],
        host: ClusterId,
        sites: &[crate::SiteRecord],
        today: chrono::NaiveDate,
    ) -> Result<(), ServiceError> {
        let Some(site) = sites.first() else { return Ok(()) };
        let monday = next_weekday(today, Weekday::Mon, 3);
        for (home, _) in clusters.iter().rev().filter(|(c, _)| *c != host).take(10) {
            let (boss, visitor) = (self.admin_caller(*home).await?, self.visitor_caller(*home).await?);
            let input = crate::DelegationInput {
                site: site.id,
                start_date: monday,
                end_date: monday + Days::new(1),
                purpose: "A study visit: fintech firms and the cluster's programme".to_owned(),
                members: vec![boss.member, visitor.member],
            };
            if self.request_delegation(&boss, &input).await.is_ok() {
                break;
            }
        }
        Ok(())
    }

    async fn admin_caller(&self, cluster: ClusterId) -> Result<crate::Caller, ServiceError> {
        self.cluster_member(cluster, true).await
    }

    async fn visitor_caller(&self, cluster: ClusterId) -> Result<crate::Caller, ServiceError> {
        self.cluster_member(cluster, false).await
    }

    async fn cluster_member(&self, cluster: ClusterId, admin: bool) -> Result<crate::Caller, ServiceError> {
        // Read the members, then let the connection go: SQLite's pool has one.
        let members = {
            let tx = self.store.begin_read().await?;
            tx.cluster_members(cluster).await?
        };
        for member in members {
            let caller = self.caller(member.id).await?;
            if caller.cluster_admin == admin {
                return Ok(caller);
            }
        }
        Err(ServiceError::NotFound)
    }
}
