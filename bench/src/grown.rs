//! The network grown `factor` times: generated clusters, sites, members,
//! firms, events and three years of stays (two behind today, one ahead),
//! written through the store's bulk loader beside the demo network, whose
//! people sign in to measure it.
//!
//! One unit is the demo's size with a busy history: 43 clusters, 67 sites,
//! 100 members a cluster, 10 firms a cluster, an event a site a month for
//! the year ahead, and 50,000 stays. At 100× that is 4,300 clusters, 6,700
//! sites, 430,000 members and five million stays.
//!
//! The stays keep every rule the service keeps: a member's stays never
//! overlap (each has its own weeks), a visit is to a site of one of the 20
//! partner clusters of the member's own (clusters keep partners),
//! a site holds fewer desk-days a day than it has desks, and the statuses,
//! held days, history and ledger totals are those the service writes for
//! the same story (requested, approved or declined or expired, checked in
//! or a no-show, cancelled mid-way).

use anyhow::Result;
use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, TimeDelta, Utc, Weekday};
use deskvisa_rules::{
    Actor, ClusterId, ClusterStatus, Country, DeskCount, Email, EventId, EventTimes, FirmId, HistoryAction, HostPolicy,
    Latitude, Locale, Longitude, MemberId, MemberStatus, NetworkPolicy, PolicyDraft, SiteId, StayId, StayStatus,
    TimeZone, WeekdaySet,
};
use deskvisa_store::{
    ClusterRecord, FirmProfile, HistoryEntry, LoadedStay, MemberRecord, NetworkBlock, NewEvent, NewStay, SiteRecord,
    Store,
};

/// The first grown cluster's first member, who S1 makes its host admin:
/// its two sites take visitors from the whole grown network.
pub const GROWN_ADMIN: &str = "m0-0@grown.example";

/// Clusters of one unit.
pub const UNIT_CLUSTERS: usize = 43;
/// Sites of one unit: the first 24 clusters have two.
pub const UNIT_SITES: usize = 67;
/// Members of each cluster.
pub const MEMBERS_PER_CLUSTER: usize = 100;
/// Firms of each cluster.
pub const FIRMS_PER_CLUSTER: usize = 10;
/// Stays of one unit over the three years.
pub const UNIT_STAYS: usize = 50_000;
/// Visitor desks of every generated site: a site's busiest day holds far
/// fewer (about three desk-days a day on average).
const DESKS: u32 = 24;
/// Stays written a transaction.
const STAYS_PER_BLOCK: usize = 10_000;

/// Places the clusters are spread over: four continents.
const PLACES: [(&str, &str, f64, f64); 16] = [
    ("DK", "Europe/Copenhagen", 55.7, 12.6),
    ("PL", "Europe/Warsaw", 52.2, 21.0),
    ("DE", "Europe/Berlin", 52.5, 13.4),
    ("ES", "Europe/Madrid", 40.4, -3.7),
    ("FI", "Europe/Helsinki", 60.2, 24.9),
    ("IT", "Europe/Rome", 41.9, 12.5),
    ("GB", "Europe/London", 51.5, -0.1),
    ("US", "America/New_York", 40.7, -74.0),
    ("US", "America/Los_Angeles", 34.1, -118.2),
    ("CA", "America/Toronto", 43.7, -79.4),
    ("BR", "America/Sao_Paulo", -23.5, -46.6),
    ("JP", "Asia/Tokyo", 35.7, 139.7),
    ("SG", "Asia/Singapore", 1.35, 103.8),
    ("IN", "Asia/Kolkata", 12.97, 77.6),
    ("AU", "Australia/Sydney", -33.9, 151.2),
    ("NZ", "Pacific/Auckland", -36.8, 174.8),
];

/// The ids of the grown network, generated before any row is written so
/// stays can name sites and members of any unit.
pub struct Shape {
    /// Every generated cluster.
    pub clusters: Vec<ClusterId>,
    /// Every generated site and its cluster.
    pub sites: Vec<(SiteId, ClusterId)>,
    /// Every generated member and their cluster.
    pub members: Vec<(MemberId, ClusterId)>,
    /// Where each cluster's sites begin in `sites`, and how many it has.
    cluster_sites: Vec<(usize, usize)>,
    /// Times larger than one unit.
    pub factor: usize,
}

/// Clusters a cluster's members visit: clusters keep partners, so a network
/// a hundred times larger has a hundred times the pairs that meet, not ten
/// thousand times.
const PARTNERS: u64 = 20;

/// A stable pseudo-random number for `i` (SplitMix64): the same network
/// every run.
fn mix(i: u64) -> u64 {
    let mut z = i.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Shape {
    /// The ids of a network `factor` units large.
    pub fn new(factor: usize) -> Shape {
        let clusters: Vec<ClusterId> =
            (0..factor * UNIT_CLUSTERS).map(|_| ClusterId::from_uuid(uuid::Uuid::now_v7())).collect();
        let mut sites = Vec::new();
        let mut cluster_sites = Vec::new();
        for (c, cluster) in clusters.iter().enumerate() {
            let two = c % UNIT_CLUSTERS < UNIT_SITES - UNIT_CLUSTERS;
            let n = if two { 2 } else { 1 };
            cluster_sites.push((sites.len(), n));
            sites.extend((0..n).map(|_| (SiteId::from_uuid(uuid::Uuid::now_v7()), *cluster)));
        }
        let members = clusters
            .iter()
            .flat_map(|cluster| {
                (0..MEMBERS_PER_CLUSTER).map(move |_| (MemberId::from_uuid(uuid::Uuid::now_v7()), *cluster))
            })
            .collect();
        Shape { clusters, sites, members, cluster_sites, factor }
    }

    /// Unit `unit`'s clusters with their sites, members, firms and events.
    pub fn block(&self, unit: usize, now: DateTime<Utc>) -> Result<NetworkBlock> {
        let network = NetworkPolicy::default();
        let policy =
            HostPolicy::new(PolicyDraft { stays_per_year: 52, horizon_days: 730, ..PolicyDraft::default() }, &network)?;
        let range = unit * UNIT_CLUSTERS..(unit + 1) * UNIT_CLUSTERS;
        let mut block = NetworkBlock::default();
        for c in range.clone() {
            let (country, zone, lat, lon) = PLACES[c % PLACES.len()];
            let jitter = |k: u64| ((mix(c as u64 * 7 + k) % 2_000) as f64 - 1_000.0) / 400.0;
            block.clusters.push((
                ClusterRecord {
                    id: self.clusters[c],
                    name: format!("Grown cluster {c:05}"),
                    city: format!("City {c:05}"),
                    country: Country::parse(country)?,
                    timezone: TimeZone::parse(zone)?,
                    latitude: Latitude::new((lat + jitter(1)).clamp(-89.0, 89.0))?,
                    longitude: Longitude::new((lon + jitter(2)).clamp(-179.0, 179.0))?,
                    joined_on: NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default(),
                    status: ClusterStatus::Active,
                },
                policy,
            ));
        }
        let first_site = range.start * UNIT_SITES / UNIT_CLUSTERS;
        let last_site = range.end * UNIT_SITES / UNIT_CLUSTERS;
        for (s, (id, cluster)) in self.sites.iter().enumerate().take(last_site).skip(first_site) {
            let c = self.clusters.iter().position(|x| x == cluster).unwrap_or_default();
            block.sites.push(SiteRecord {
                id: *id,
                cluster_id: *cluster,
                name: format!("Grown site {s:05}"),
                address: format!("Street {s}"),
                timezone: TimeZone::parse(PLACES[c % PLACES.len()].1)?,
                desks: DeskCount::new(DESKS)?,
                open_weekdays: WeekdaySet::MON_TO_FRI,
                contact_email: format!("site{s}@grown.example"),
                house_rules: String::new(),
            });
            // An event a month for the year ahead, at ten in the morning.
            for month in 0..12u64 {
                let day = now.date_naive() + Days::new(14 + month * 30);
                let starts = day.and_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap_or_default());
                let zone = TimeZone::parse(PLACES[c % PLACES.len()].1)?;
                let Ok(times) = EventTimes::check(starts, starts + TimeDelta::hours(2), zone, now) else { continue };
                block.events.push(NewEvent {
                    id: EventId::from_uuid(uuid::Uuid::now_v7()),
                    site: *id,
                    cluster: *cluster,
                    title: format!("Business breakfast {month}"),
                    description: "Firms meet firms.".to_owned(),
                    times,
                    capacity: 30,
                    open_to_visitors: true,
                    created_by: self.members[c * MEMBERS_PER_CLUSTER].0,
                    series: None,
                });
            }
        }
        for c in range {
            for k in 0..MEMBERS_PER_CLUSTER {
                let (id, cluster) = self.members[c * MEMBERS_PER_CLUSTER + k];
                block.members.push(MemberRecord {
                    id,
                    email: Email::parse(&format!("m{c}-{k}@grown.example"))?,
                    name: format!("Member {c}-{k}"),
                    company: format!("Firm {c}-{}", k % FIRMS_PER_CLUSTER),
                    locale: if k % 4 == 0 { Locale::Pl } else { Locale::En },
                    cluster_id: Some(cluster),
                    status: MemberStatus::Active,
                    vouched_until: None,
                    firm: None,
                    open_to_meet: k % 3 == 0,
                });
            }
            for f in 0..FIRMS_PER_CLUSTER {
                let contact = self.members[c * MEMBERS_PER_CLUSTER + f].0;
                let mut profile = FirmProfile::named(&format!("Firm {c}-{f}"), Some(contact));
                profile.city = format!("City {c:05}");
                profile.open_to_visitors = f % 2 == 0;
                block.firms.push((FirmId::from_uuid(uuid::Uuid::now_v7()), self.clusters[c], profile));
            }
        }
        Ok(block)
    }

    /// Writes the whole grown network: every unit's block, then the stays.
    pub async fn load(&self, store: &Store, now: DateTime<Utc>) -> Result<u64> {
        let mut rows = 0;
        for unit in 0..self.factor {
            rows += store.load_network(&self.block(unit, now)?, now).await?.rows;
        }
        let total = self.factor * UNIT_STAYS;
        // Desk-days held a site a day, so a stay that would fill a desk
        // past the site's count is left out, as the service would refuse
        // it: partners are drawn at random, and at 100× one cluster's week
        // can draw more than its desks.
        let mut held = vec![0u8; self.sites.len() * SPAN_DAYS];
        let span = span_start(now.date_naive());
        let mut first = 0;
        while first < total {
            let last = (first + STAYS_PER_BLOCK).min(total);
            let stays: Vec<LoadedStay> = (first..last)
                .filter_map(|i| self.stay(i, now))
                .filter_map(|(site, stay)| {
                    let cells: Vec<usize> = stay
                        .stay
                        .held_days
                        .iter()
                        .map(|day| site * SPAN_DAYS + (*day - span).num_days() as usize)
                        .collect();
                    if cells.iter().any(|cell| u32::from(held[*cell]) >= DESKS) {
                        return None;
                    }
                    cells.iter().for_each(|cell| held[*cell] += 1);
                    Some(stay)
                })
                .collect();
            rows += store.load_stays(&stays).await?.rows;
            first = last;
        }
        Ok(rows)
    }

    /// Stay `i`: its member's `i / members`th, in weeks of its own, with
    /// the index of its site in `sites`.
    fn stay(&self, i: usize, now: DateTime<Utc>) -> Option<(usize, LoadedStay)> {
        let h = mix(i as u64);
        let (member, home) = self.members[i % self.members.len()];
        let per_member = (self.factor * UNIT_STAYS).div_ceil(self.members.len()).max(1);
        let spacing = (156 / per_member).max(1);
        let week = (i / self.members.len()) * spacing + (i % self.members.len()) % spacing;
        let today = now.date_naive();
        let length = 1 + (h >> 8) % 5;
        // Any weekday that leaves the stay within its week.
        let start = span_start(today) + Days::new(week as u64 * 7 + (h >> 40) % (6 - length));
        let end = start + Days::new(length - 1);
        // A site of one of the home cluster's partners, never its own.
        let clusters = self.clusters.len() as u64;
        let c = (i % self.members.len() / MEMBERS_PER_CLUSTER) as u64;
        let partner = (c + 1 + mix(c * 131 + (h >> 48) % PARTNERS) % (clusters - 1).max(1)) % clusters;
        let (first, n) = self.cluster_sites[partner as usize];
        let index = first + (h >> 56) as usize % n;
        let (site, host) = self.sites[index];
        if host == home {
            return None;
        }
        let past = start <= today;
        let created = if past {
            (start - Days::new(7 + (h >> 16) % 30)).and_time(NaiveTime::from_hms_opt(9, 0, 0)?).and_utc()
        } else {
            now - TimeDelta::days(((h >> 16) % 60) as i64)
        };
        let answered = (created + TimeDelta::minutes(30 + ((h >> 24) % 600) as i64)).min(now);
        let roll = (h >> 32) % 20;
        // Behind today: 70 in 100 approved (5 of them no-shows), 10
        // declined, 10 cancelled mid-way, 10 expired (the worker settles
        // every request by its deadline). Ahead: asked over the last 60
        // days; those asked in the last five wait for an answer, the rest
        // are 85 in 100 approved, 10 cancelled, 5 declined.
        let waiting = !past && created > now - TimeDelta::days(5);
        let (status, no_show, kept) = match (past, roll) {
            _ if waiting => (StayStatus::Pending, false, length),
            (true, 0 | 1) | (false, 0) => (StayStatus::Declined, false, 0),
            (true, 2 | 3) => (StayStatus::Cancelled, false, length.div_ceil(2)),
            (false, 1 | 2) => (StayStatus::Cancelled, false, 0),
            (true, 4 | 5) => (StayStatus::Expired, false, 0),
            (true, 6) => (StayStatus::Approved, true, 1),
            _ => (StayStatus::Approved, false, length),
        };
        let approved = matches!(status, StayStatus::Approved | StayStatus::Cancelled);
        let by_host = approved || status == StayStatus::Declined;
        let id = StayId::from_uuid(uuid::Uuid::now_v7());
        let held_days: Vec<NaiveDate> = (0..kept)
            .map(|d| start + Days::new(d))
            .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun))
            .collect();
        let entry = |at, actor, from, to, action, exception: bool| {
            HistoryEntry::change(at, actor, from, to, action).exception(exception)
        };
        let mut history = vec![entry(created, Actor::Member, None, StayStatus::Pending, HistoryAction::Request, false)];
        let pending = Some(StayStatus::Pending);
        match status {
            StayStatus::Declined => history.push(entry(
                answered,
                Actor::HostAdmin,
                pending,
                StayStatus::Declined,
                HistoryAction::Decline,
                true,
            )),
            StayStatus::Expired => {
                history.push(entry(answered, Actor::Worker, pending, StayStatus::Expired, HistoryAction::Expire, true));
            }
            StayStatus::Pending => {}
            StayStatus::Approved | StayStatus::Cancelled => history.push(entry(
                answered,
                Actor::HostAdmin,
                pending,
                StayStatus::Approved,
                HistoryAction::Approve,
                false,
            )),
        }
        if status == StayStatus::Cancelled {
            let at = if past {
                (start + Days::new(kept)).and_time(NaiveTime::from_hms_opt(8, 0, 0)?).and_utc()
            } else {
                answered + TimeDelta::days(1)
            };
            history.push(entry(
                at,
                Actor::Member,
                Some(StayStatus::Approved),
                StayStatus::Cancelled,
                HistoryAction::Cancel,
                i % 40 == 2,
            ));
        }
        Some((
            index,
            LoadedStay {
                stay: NewStay {
                    id,
                    member,
                    site,
                    host_cluster: host,
                    home_cluster: home,
                    start_date: start,
                    end_date: end,
                    status,
                    purpose: "Meeting the host's firms".to_owned(),
                    answer_deadline: (status == StayStatus::Pending).then(|| created + TimeDelta::days(5)),
                    within_guarantee: length <= 5,
                    held_days,
                    created_at: created,
                },
                approved_at: approved.then_some(answered),
                answered_at: by_host.then_some(answered),
                checked_in: past && status == StayStatus::Approved && !no_show && i.is_multiple_of(3),
                no_show,
                history,
            },
        ))
    }
}

/// Days the stays' weeks cover: 156 weeks and the days before the first
/// Monday.
const SPAN_DAYS: usize = 1_100;

/// The first Monday of the three years the stays cover, two years before
/// `today`.
fn span_start(today: NaiveDate) -> NaiveDate {
    let start = today - Days::new(728);
    start + Days::new(u64::from((7 - start.weekday().num_days_from_monday()) % 7))
}
