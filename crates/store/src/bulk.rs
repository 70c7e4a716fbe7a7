//! The bulk loader: a whole network, its people and years of stays written
//! straight into the tables, a thousand rows a statement and a block a
//! transaction, for the scale benchmark and for importing a network's past.
//!
//! It writes what the service's own statements write and keeps the derived
//! tables the way the service keeps them stay by stay (the sites' day
//! counters, the ledger's totals and exceptions, the desk-count history), so
//! a network loaded in bulk reads and books exactly as one grown by requests.
//! The database's own checks still hold every row: a block that would hold
//! more desks than a site has is refused whole.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, FirmId, HostPolicy, SiteId, StayStatus, counts_held_days};
use sea_orm::sea_query::SimpleExpr;
use sea_orm::{ConnectionTrait, Value};

use crate::error::StoreError;
use crate::ledger_totals::{RequestTally, month_of, requests_added_on_conflict};
use crate::map::{ClusterRecord, MemberRecord, SiteRecord};
use crate::stays::{HistoryEntry, NewStay, history_insert};
use crate::tx::{Store, Tx, insert_rows};
use crate::{FirmProfile, NewEvent};

/// Bound values a statement carries on SQLite: far under its 32,766, since
/// sqlx looks each one's name up in a list as long as the statement's
/// (30,000 a statement spent 40 % of a load there).
const SQLITE_VALUES: usize = 1_000;
/// And on PostgreSQL, under its 65,535: each statement is a round trip.
const POSTGRES_VALUES: usize = 30_000;

/// Clusters with their sites, members, firms and events, written in one
/// transaction. Stays come after, in their own blocks
/// ([`Store::load_stays`]), once every site they name is written.
#[derive(Debug, Clone, Default)]
pub struct NetworkBlock {
    /// Clusters and their host policies.
    pub clusters: Vec<(ClusterRecord, HostPolicy)>,
    /// Sites of those clusters (or of clusters written before).
    pub sites: Vec<SiteRecord>,
    /// Members of those clusters.
    pub members: Vec<MemberRecord>,
    /// Firms, each with its contact among the members.
    pub firms: Vec<(FirmId, ClusterId, FirmProfile)>,
    /// Events at the sites.
    pub events: Vec<NewEvent>,
}

/// A stay as it stands now and how it got there.
#[derive(Debug, Clone)]
pub struct LoadedStay {
    /// The stay; its status is the one it has now and `held_days` the
    /// desk-days it holds now (none once declined or expired, the days
    /// before a cancellation, a no-show's own).
    pub stay: NewStay,
    /// When a host admin approved it, if one did.
    pub approved_at: Option<DateTime<Utc>>,
    /// When its request had a host admin's first answer, if it had one.
    pub answered_at: Option<DateTime<Utc>>,
    /// Arrived.
    pub checked_in: bool,
    /// Did not come.
    pub no_show: bool,
    /// Every transition, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// Rows a load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Rows inserted or added to, in every table.
    pub rows: u64,
}

impl Store {
    /// Writes a block of the network in one transaction.
    pub async fn load_network(&self, block: &NetworkBlock, now: DateTime<Utc>) -> Result<Loaded, StoreError> {
        let tx = self.begin_write().await?;
        tx.map_changed();
        let mut rows = 0;
        rows += tx.insert_chunked(&block.clusters, |(c, _)| cluster_values(c, now)).await?;
        for (c, policy) in &block.clusters {
            tx.save_policy(c.id, policy, now).await?;
        }
        rows += block.clusters.len() as u64;
        rows += tx.insert_chunked(&block.sites, |s| site_values(s, now)).await?;
        for s in &block.sites {
            tx.record_offer(s.id, s.desks.get(), s.open_weekdays, now).await?;
        }
        rows += block.sites.len() as u64;
        rows += tx.insert_chunked(&block.members, |m| member_values(m, now)).await?;
        for (id, cluster, profile) in &block.firms {
            tx.insert_firm(*id, *cluster, profile, now).await?;
        }
        for event in &block.events {
            tx.insert_event(event, now).await?;
        }
        rows += (block.firms.len() + block.events.len()) as u64;
        tx.commit().await?;
        Ok(Loaded { rows })
    }

    /// Writes stays in one transaction: the stays, their desk-days and
    /// history, and what they add to the sites' day counters and the
    /// ledger's totals and exceptions.
    pub async fn load_stays(&self, stays: &[LoadedStay]) -> Result<Loaded, StoreError> {
        let tx = self.begin_write().await?;
        let mut rows = tx.insert_chunked(stays, stay_values).await?;
        let days: Vec<(&NewStay, NaiveDate)> =
            stays.iter().flat_map(|s| s.stay.held_days.iter().map(move |d| (&s.stay, *d))).collect();
        rows += tx.add_held(&days).await?;
        rows += tx.insert_chunked(&days, |(s, d)| stay_day_values(s, *d)).await?;
        let history: Vec<_> = stays.iter().flat_map(|s| s.history.iter().map(move |h| (s, h))).collect();
        for chunk in history.chunks(tx.values_per_statement() / 13) {
            let statement = history_insert(chunk.iter().map(|(s, h)| (s.stay.id, *h)))?;
            rows += tx.tx.execute(&statement).await?.rows_affected();
        }
        // The ledger's list of exceptions, as `ledger_exception_added` copies them.
        let exceptions: Vec<_> = history.iter().filter(|(_, h)| h.guarantee_exception).collect();
        rows += tx.insert_chunked(&exceptions, |(s, h)| exception_values(s, h)).await?;
        rows += tx.add_totals(stays).await?;
        tx.commit().await?;
        Ok(Loaded { rows })
    }
}

impl Tx {
    /// Bound values a bulk statement carries on this database.
    fn values_per_statement(&self) -> usize {
        if self.is_postgres() { POSTGRES_VALUES } else { SQLITE_VALUES }
    }

    /// Inserts one row per item in statements of as many rows as fit.
    async fn insert_chunked<T, const N: usize>(
        &self,
        items: &[T],
        values: impl Fn(&T) -> RowOf<N>,
    ) -> Result<u64, StoreError> {
        let mut rows = 0;
        for chunk in items.chunks((self.values_per_statement() / N).max(1)) {
            let Some(first) = chunk.first() else { continue };
            let (table, columns, _) = values(first);
            let statement = insert_rows(table, columns, chunk.iter().map(|item| values(item).2))?;
            rows += self.tx.execute(&statement).await?.rows_affected();
        }
        Ok(rows)
    }

    /// Adds the held desk-days to the sites' day counters, at each site's
    /// desks; the counters' check refuses a day held beyond them.
    async fn add_held(&self, days: &[(&NewStay, NaiveDate)]) -> Result<u64, StoreError> {
        let mut held: BTreeMap<(SiteId, NaiveDate), i32> = BTreeMap::new();
        for (stay, date) in days {
            *held.entry((stay.site, *date)).or_default() += 1;
        }
        let sites: Vec<SiteId> = {
            let mut sites: Vec<SiteId> = held.keys().map(|(s, _)| *s).collect();
            sites.dedup();
            sites
        };
        let mut desks: HashMap<SiteId, i32> = HashMap::new();
        for chunk in sites.chunks(self.values_per_statement()) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT id, desks FROM sites WHERE id IN ({})", marks.join(", "));
            let found: Vec<SiteDesks> = self.rows(&sql, chunk.iter().map(|s| s.as_uuid().into()).collect()).await?;
            desks.extend(found.into_iter().map(|r| (SiteId::from_uuid(r.id), r.desks)));
        }
        let rows: Vec<[Value; 4]> = held
            .iter()
            .map(|((site, date), n)| {
                [site.as_uuid().into(), (*date).into(), desks.get(site).copied().unwrap_or(0).into(), (*n).into()]
            })
            .collect();
        self.upsert_adding(
            "site_days",
            ["site_id", "date", "desks", "held"],
            &rows,
            "(site_id, date) DO UPDATE SET held = site_days.held + excluded.held",
        )
        .await
    }

    /// Adds the stays to the ledger's running totals: the days that count
    /// and every request with its outcome.
    async fn add_totals(&self, stays: &[LoadedStay]) -> Result<u64, StoreError> {
        let mut counted: BTreeMap<(ClusterId, ClusterId, NaiveDate), i32> = BTreeMap::new();
        let mut requests: BTreeMap<(ClusterId, NaiveDate), RequestTally> = BTreeMap::new();
        for s in stays {
            let new = &s.stay;
            if counts_held_days(new.status, s.approved_at.is_some(), s.no_show) {
                for date in &new.held_days {
                    *counted.entry((new.host_cluster, new.home_cluster, *date)).or_default() += 1;
                }
            }
            let tally = requests.entry((new.host_cluster, new.created_at.date_naive())).or_default();
            tally.received += 1;
            tally.approved += i32::from(s.approved_at.is_some());
            tally.declined += i32::from(new.status == StayStatus::Declined);
            tally.expired += i32::from(new.status == StayStatus::Expired);
            tally.answered += i32::from(s.answered_at.is_some());
            for h in s.history.iter().filter(|h| h.guarantee_exception) {
                requests.entry((new.host_cluster, h.at.date_naive())).or_default().exceptions += 1;
            }
        }
        let mut by_month: BTreeMap<(ClusterId, ClusterId, NaiveDate), i32> = BTreeMap::new();
        for ((host, home, date), n) in &counted {
            *by_month.entry((*host, *home, month_of(*date))).or_default() += n;
        }
        let as_row = |((host, home, date), n): (&(ClusterId, ClusterId, NaiveDate), &i32)| -> [Value; 4] {
            [host.as_uuid().into(), home.as_uuid().into(), (*date).into(), (*n).into()]
        };
        let months: Vec<[Value; 4]> = by_month.iter().map(as_row).collect();
        let mut rows = self
            .upsert_adding(
                "ledger_months",
                ["host_cluster_id", "home_cluster_id", "month", "days"],
                &months,
                "(host_cluster_id, home_cluster_id, month) DO UPDATE SET days = ledger_months.days + excluded.days",
            )
            .await?;
        let days: Vec<[Value; 4]> = counted.iter().map(as_row).collect();
        rows += self
            .upsert_adding(
                "ledger_days",
                ["host_cluster_id", "home_cluster_id", "date", "days"],
                &days,
                "(host_cluster_id, home_cluster_id, date) DO UPDATE SET days = ledger_days.days + excluded.days",
            )
            .await?;
        rows += self.add_request_totals(&requests).await?;
        Ok(rows)
    }

    /// Adds requests' tallies per host and UTC date to the request totals,
    /// by month and by day.
    async fn add_request_totals(
        &self,
        requests: &BTreeMap<(ClusterId, NaiveDate), RequestTally>,
    ) -> Result<u64, StoreError> {
        let mut rows = 0;
        let mut request_months: BTreeMap<(ClusterId, NaiveDate), RequestTally> = BTreeMap::new();
        for ((host, date), t) in requests {
            let month = request_months.entry((*host, month_of(*date))).or_default();
            month.received += t.received;
            month.approved += t.approved;
            month.declined += t.declined;
            month.expired += t.expired;
            month.answered += t.answered;
            month.exceptions += t.exceptions;
        }
        let tally_row = |((host, date), t): (&(ClusterId, NaiveDate), &RequestTally)| -> [Value; 8] {
            [
                host.as_uuid().into(),
                (*date).into(),
                t.received.into(),
                t.approved.into(),
                t.declined.into(),
                t.expired.into(),
                t.answered.into(),
                t.exceptions.into(),
            ]
        };
        for (table, key, tallies) in
            [("ledger_request_months", "month", &request_months), ("ledger_requests", "date", requests)]
        {
            let totals: Vec<[Value; 8]> = tallies.iter().map(tally_row).collect();
            let on_conflict = requests_added_on_conflict(table, key);
            rows += self
                .upsert_adding(
                    table,
                    ["host_cluster_id", key, "received", "approved", "declined", "expired", "answered", "exceptions"],
                    &totals,
                    &on_conflict,
                )
                .await?;
        }
        Ok(rows)
    }

    /// Inserts rows that add to a total where its row exists already.
    async fn upsert_adding<const N: usize>(
        &self,
        table: &str,
        columns: [&str; N],
        rows: &[[Value; N]],
        on_conflict: &str,
    ) -> Result<u64, StoreError> {
        let mut changed = 0;
        for chunk in rows.chunks((self.values_per_statement() / N).max(1)) {
            let marks: Vec<String> = (0..chunk.len())
                .map(|r| {
                    let row: Vec<String> = (1..=N).map(|c| format!("${}", r * N + c)).collect();
                    format!("({})", row.join(", "))
                })
                .collect();
            let sql = format!(
                "INSERT INTO {table} ({}) VALUES {} ON CONFLICT {on_conflict}",
                columns.join(", "),
                marks.join(", ")
            );
            changed += self.run(&sql, chunk.iter().flat_map(|r| r.iter().cloned()).collect()).await?;
        }
        Ok(changed)
    }
}

#[derive(sea_orm::FromQueryResult)]
struct SiteDesks {
    id: uuid::Uuid,
    desks: i32,
}

/// A row: its table, its columns and their values.
type RowOf<const N: usize> = (&'static str, [&'static str; N], [SimpleExpr; N]);

fn cluster_values(c: &ClusterRecord, now: DateTime<Utc>) -> RowOf<10> {
    (
        "clusters",
        ["id", "name", "city", "country", "timezone", "latitude", "longitude", "joined_on", "status", "created_at"],
        [
            c.id.as_uuid().into(),
            c.name.clone().into(),
            c.city.clone().into(),
            c.country.to_string().into(),
            c.timezone.name().into(),
            c.latitude.degrees().into(),
            c.longitude.degrees().into(),
            c.joined_on.into(),
            c.status.as_str().into(),
            now.into(),
        ],
    )
}

fn site_values(s: &SiteRecord, now: DateTime<Utc>) -> RowOf<11> {
    (
        "sites",
        [
            "id",
            "cluster_id",
            "name",
            "address",
            "timezone",
            "desks",
            "open_weekdays",
            "contact_email",
            "house_rules",
            "created_at",
            "updated_at",
        ],
        [
            s.id.as_uuid().into(),
            s.cluster_id.as_uuid().into(),
            s.name.clone().into(),
            s.address.clone().into(),
            s.timezone.name().into(),
            crate::convert::stored(s.desks.get()).into(),
            i16::from(s.open_weekdays.bits()).into(),
            s.contact_email.clone().into(),
            s.house_rules.clone().into(),
            now.into(),
            now.into(),
        ],
    )
}

fn member_values(m: &MemberRecord, now: DateTime<Utc>) -> RowOf<12> {
    (
        "members",
        [
            "id",
            "email",
            "name",
            "company",
            "locale",
            "cluster_id",
            "status",
            "vouched_until",
            "created_at",
            "updated_at",
            "firm_id",
            "open_to_meet",
        ],
        [
            m.id.as_uuid().into(),
            m.email.as_str().into(),
            m.name.clone().into(),
            m.company.clone().into(),
            m.locale.as_str().into(),
            m.cluster_id.map(|c| c.as_uuid()).into(),
            m.status.as_str().into(),
            m.vouched_until.into(),
            now.into(),
            now.into(),
            m.firm.map(|f| f.as_uuid()).into(),
            m.open_to_meet.into(),
        ],
    )
}

fn stay_values(s: &LoadedStay) -> RowOf<18> {
    let new = &s.stay;
    let answer_seconds = s.answered_at.map(|at| (at - new.created_at).num_seconds());
    let updated = s.history.last().map_or(new.created_at, |h| h.at);
    (
        "stays",
        [
            "id",
            "member_id",
            "site_id",
            "host_cluster_id",
            "home_cluster_id",
            "start_date",
            "end_date",
            "status",
            "purpose",
            "answer_deadline",
            "within_guarantee",
            "checked_in",
            "no_show",
            "created_at",
            "updated_at",
            "approved_at",
            "answer_seconds",
            "delegation_id",
        ],
        [
            new.id.as_uuid().into(),
            new.member.as_uuid().into(),
            new.site.as_uuid().into(),
            new.host_cluster.as_uuid().into(),
            new.home_cluster.as_uuid().into(),
            new.start_date.into(),
            new.end_date.into(),
            new.status.as_str().into(),
            new.purpose.clone().into(),
            new.answer_deadline.into(),
            new.within_guarantee.into(),
            s.checked_in.into(),
            s.no_show.into(),
            new.created_at.into(),
            updated.into(),
            s.approved_at.into(),
            answer_seconds.into(),
            Option::<uuid::Uuid>::None.into(),
        ],
    )
}

fn exception_values(s: &LoadedStay, h: &HistoryEntry) -> RowOf<6> {
    (
        "ledger_exceptions",
        ["stay_id", "host_cluster_id", "home_cluster_id", "at", "to_status", "reason"],
        [
            s.stay.id.as_uuid().into(),
            s.stay.host_cluster.as_uuid().into(),
            s.stay.home_cluster.as_uuid().into(),
            h.at.into(),
            h.to.as_str().into(),
            h.reason.as_ref().map(deskvisa_rules::Reason::as_str).into(),
        ],
    )
}

fn stay_day_values(s: &NewStay, date: NaiveDate) -> RowOf<4> {
    (
        "stay_days",
        ["stay_id", "date", "site_id", "member_id"],
        [s.id.as_uuid().into(), date.into(), s.site.as_uuid().into(), s.member.as_uuid().into()],
    )
}

impl Store {
    /// Refreshes the query planner's statistics after a bulk load, as the
    /// database would soon do by itself: PostgreSQL's `VACUUM (ANALYZE)`
    /// (what autovacuum runs after many inserts; the vacuum marks the pages
    /// all-visible, without which an index-only scan reads every row's
    /// page too: the ledger's medians at 100×, 1.4 s against 0.2 s), SQLite's
    /// `PRAGMA optimize`.
    pub async fn refresh_statistics(&self) -> Result<(), StoreError> {
        if self.backend() == crate::Backend::Postgres {
            // Outside a transaction: PostgreSQL refuses to vacuum in one.
            self.connection().execute_unprepared("VACUUM (ANALYZE)").await?;
            return Ok(());
        }
        let tx = self.begin_write().await?;
        tx.tx.execute_unprepared("PRAGMA optimize").await?;
        tx.commit().await
    }

    /// Clusters, sites, members and stays in the database.
    pub async fn network_counts(&self) -> Result<[u64; 4], StoreError> {
        let tx = self.begin_read().await?;
        let found: Vec<Counts> = tx
            .rows(
                "SELECT (SELECT COUNT(*) FROM clusters) AS clusters, (SELECT COUNT(*) FROM sites) AS sites, \
                 (SELECT COUNT(*) FROM members) AS members, (SELECT COUNT(*) FROM stays) AS stays",
                vec![],
            )
            .await?;
        let c = found.first().ok_or_else(|| StoreError::Corrupt("no counts".to_owned()))?;
        let n = |v: i64| u64::try_from(v).unwrap_or(0);
        Ok([n(c.clusters), n(c.sites), n(c.members), n(c.stays)])
    }
}

#[derive(sea_orm::FromQueryResult)]
struct Counts {
    clusters: i64,
    sites: i64,
    members: i64,
    stays: i64,
}
