//! What a cluster offered and answered as a host, for its reciprocity
//! standing: each site's desks and opening weekdays over time with its
//! closures, and a tally of its answers to requests within the guarantee
//! over the last 90 days. The store loads; [`deskvisa_rules::standing`]
//! judges.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use deskvisa_rules::{ANSWER_WINDOW_DAYS, Answers, ClusterId, Hosting, OfferChange, SiteOffer, WeekdaySet};
use sea_orm::{EntityTrait, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::convert::{count, zone};
use crate::entity::{closure, cluster, site, site_desk_count};
use crate::error::StoreError;
use crate::tx::Tx;

/// One cluster's sites' shapes and closures, in one statement (a stay
/// request reads it on its hot path: one round trip, not three). A shape row
/// has `at`; a closure row has `closed_on`.
pub(crate) const OFFERS: &str = "\
SELECT c.site_id, s.timezone, c.at, c.desks, c.open_weekdays, NULL AS closed_on
  FROM site_desk_counts c JOIN sites s ON s.id = c.site_id WHERE s.cluster_id = $1
UNION ALL
SELECT x.site_id, s.timezone, NULL, NULL, NULL, x.date
  FROM closures x JOIN sites s ON s.id = x.site_id WHERE s.cluster_id = $1";

/// A row of [`OFFERS`].
/// One row of [`OFFERS`]: a site's offer change, or one of its closures.
#[derive(sea_orm::FromQueryResult)]
pub(crate) struct OfferRow {
    pub(crate) site_id: Uuid,
    pub(crate) timezone: String,
    pub(crate) at: Option<DateTime<Utc>>,
    pub(crate) desks: Option<i32>,
    pub(crate) open_weekdays: Option<i16>,
    pub(crate) closed_on: Option<NaiveDate>,
}

impl Tx {
    /// One cluster's record as a host at `now`: its sites' shapes and
    /// closures in one statement, and its answers (see [`Tx::hostings`] for
    /// the whole network at once).
    pub async fn hosting(&self, cluster: ClusterId, now: DateTime<Utc>) -> Result<Hosting, StoreError> {
        let (joined_on, created_at): (NaiveDate, DateTime<Utc>) = cluster::Entity::find_by_id(cluster.as_uuid())
            .select_only()
            .columns([cluster::Column::JoinedOn, cluster::Column::CreatedAt])
            .into_tuple()
            .one(&self.tx)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("hosting of unknown cluster {cluster}")))?;
        self.hosting_of(cluster, joined_on, created_at, now).await
    }

    /// [`Tx::hosting`] when the cluster's dates are known already.
    pub(crate) async fn hosting_of(
        &self,
        cluster: ClusterId,
        joined_on: NaiveDate,
        created_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Hosting, StoreError> {
        let rows: Vec<OfferRow> = self.rows(OFFERS, vec![cluster.as_uuid().into()]).await?;
        let since = answers_since(now);
        let values = vec![cluster.as_uuid().into(), true.into(), since.into()];
        let refused: Vec<RefusedRow> = self.rows(REFUSED, values.clone()).await?;
        let approved = match refused.first() {
            Some(r) if r.refused > 0 => !self.rows::<ApprovedRow>(APPROVED, values).await?.is_empty(),
            _ => false,
        };
        let answers = answers_of(refused.first().map(|r| (r.refused, r.first_refused_at)), approved);
        hosting_from(rows, answers, joined_on, created_at)
    }

    /// [`Tx::hosting`] for every cluster at once, in five queries over the
    /// whole network and one more for each host that refused a request (as
    /// the ledger needs every cluster's).
    pub async fn hostings(&self, now: DateTime<Utc>) -> Result<HashMap<ClusterId, Hosting>, StoreError> {
        let clusters_query = cluster::Entity::find().select_only().columns([
            cluster::Column::Id,
            cluster::Column::JoinedOn,
            cluster::Column::CreatedAt,
        ]);
        let clusters: Vec<(Uuid, NaiveDate, DateTime<Utc>)> = clusters_query.into_tuple().all(&self.tx).await?;
        let sites_query = site::Entity::find()
            .select_only()
            .columns([site::Column::Id, site::Column::ClusterId, site::Column::Timezone])
            .order_by_asc(site::Column::Id);
        let sites: Vec<(Uuid, Uuid, String)> = sites_query.into_tuple().all(&self.tx).await?;

        let changes_query = site_desk_count::Entity::find()
            .order_by_asc(site_desk_count::Column::At)
            .order_by_asc(site_desk_count::Column::Id);
        let mut changes: HashMap<Uuid, Vec<OfferChange>> = HashMap::new();
        for row in changes_query.all(&self.tx).await? {
            changes.entry(row.site_id).or_default().push(OfferChange {
                at: row.at,
                desks: count("desks", row.desks)?,
                open: weekdays(row.open_weekdays)?,
            });
        }

        let closures_query =
            closure::Entity::find().select_only().columns([closure::Column::SiteId, closure::Column::Date]);
        let mut closed: HashMap<Uuid, Vec<NaiveDate>> = HashMap::new();
        for (site_id, date) in closures_query.into_tuple::<(Uuid, NaiveDate)>().all(&self.tx).await? {
            closed.entry(site_id).or_default().push(date);
        }

        let answers = self.answers(now).await?;

        let mut offers: HashMap<Uuid, Vec<SiteOffer>> = HashMap::new();
        for (site_id, cluster_id, timezone) in sites {
            let (site_changes, site_closed) =
                (changes.remove(&site_id).unwrap_or_default(), closed.remove(&site_id).unwrap_or_default());
            // A site with no record offers nothing; left out, as one by one.
            if !site_changes.is_empty() || !site_closed.is_empty() {
                offers.entry(cluster_id).or_default().push(SiteOffer::new(zone(&timezone)?, site_changes, site_closed));
            }
        }
        Ok(clusters
            .into_iter()
            .map(|(cluster, joined_on, created_at)| {
                let hosting = Hosting {
                    joined_on: counted_from(joined_on, created_at),
                    sites: offers.remove(&cluster).unwrap_or_default(),
                    answers: answers.get(&cluster).copied().unwrap_or_default(),
                };
                (ClusterId::from_uuid(cluster), hosting)
            })
            .collect())
    }

    /// Each host's answers to requests within the guarantee made over the
    /// last [`ANSWER_WINDOW_DAYS`]: approved (an approval instant, whatever
    /// came after), refused (declined or expired), and the first refused.
    /// Counted by the database in one statement: a busy host's rows never
    /// leave it, and whether a host that refused some approved any is one
    /// `EXISTS` each (a round trip a host was a second on PostgreSQL for a
    /// network of thousands).
    async fn answers(&self, now: DateTime<Utc>) -> Result<HashMap<Uuid, Answers>, StoreError> {
        #[derive(sea_orm::FromQueryResult)]
        struct Row {
            host_cluster_id: Uuid,
            refused: i64,
            first_refused_at: Option<DateTime<Utc>>,
            approved: bool,
        }
        // The refused ones are read off the partial index `stays_refused`,
        // whose predicate this repeats word for word. SQLite's planner, with
        // the statistics of a load, walks every declined and expired stay
        // through the status index instead (6 s against 0.1 s at 100×), so
        // it is told.
        let refused = if self.is_postgres() { "" } else { "INDEXED BY stays_refused" };
        let sql = format!(
            "\
SELECT r.host_cluster_id, r.refused, r.first_refused_at,
       EXISTS (SELECT 1 FROM stays a WHERE a.host_cluster_id = r.host_cluster_id AND a.within_guarantee = TRUE
                  AND a.created_at >= $1 AND a.approved_at IS NOT NULL) AS approved
  FROM (SELECT host_cluster_id, COUNT(*) AS refused, MIN(created_at) AS first_refused_at FROM stays {refused}
         WHERE within_guarantee = TRUE AND status IN ('declined', 'expired') AND created_at >= $1
         GROUP BY host_cluster_id) r"
        );
        let rows: Vec<Row> = self.rows(&sql, vec![answers_since(now).into()]).await?;
        Ok(rows
            .into_iter()
            .map(|r| (r.host_cluster_id, answers_of(Some((r.refused, r.first_refused_at)), r.approved)))
            .collect())
    }
}

/// A cluster's hosting, from its rows of [`OFFERS`] and its answers.
pub(crate) fn hosting_from(
    rows: Vec<OfferRow>,
    answers: Answers,
    joined_on: NaiveDate,
    created_at: DateTime<Utc>,
) -> Result<Hosting, StoreError> {
    // By site id, as the whole network's are.
    let mut by_site: std::collections::BTreeMap<Uuid, (String, Vec<OfferChange>, Vec<NaiveDate>)> =
        std::collections::BTreeMap::new();
    for row in rows {
        let site = by_site.entry(row.site_id).or_insert_with(|| (row.timezone.clone(), Vec::new(), Vec::new()));
        match (row.at, row.desks, row.open_weekdays, row.closed_on) {
            (Some(at), Some(desks), Some(open), _) => {
                site.1.push(OfferChange { at, desks: count("desks", desks)?, open: weekdays(open)? })
            }
            (_, _, _, Some(date)) => site.2.push(date),
            _ => return Err(StoreError::Corrupt(format!("an offer row of site {}", row.site_id))),
        }
    }
    let sites = by_site
        .into_values()
        .map(|(timezone, changes, closed)| Ok(SiteOffer::new(zone(&timezone)?, changes, closed)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Hosting { joined_on: counted_from(joined_on, created_at), sites, answers })
}

/// One cluster's (`$1`) refused requests within the guarantee (`$2`,
/// true) made since `$3`: how many, and the first one's time.
pub(crate) const REFUSED: &str = "\
SELECT COUNT(id) AS refused, MIN(created_at) AS first_refused_at FROM stays
 WHERE host_cluster_id = $1 AND within_guarantee = $2 AND created_at >= $3 AND status IN ('declined', 'expired')";

/// One of the same cluster's approved requests, if any: one approval is
/// enough to rule ground (b) out, so a busy host's are not counted.
pub(crate) const APPROVED: &str = "\
SELECT id FROM stays WHERE host_cluster_id = $1 AND within_guarantee = $2 AND created_at >= $3
   AND approved_at IS NOT NULL LIMIT 1";

#[derive(sea_orm::FromQueryResult)]
struct RefusedRow {
    refused: i64,
    first_refused_at: Option<DateTime<Utc>>,
}

#[derive(sea_orm::FromQueryResult)]
struct ApprovedRow {
    #[allow(dead_code, reason = "the row's presence is the answer")]
    id: Uuid,
}

/// When the answers that count began: [`ANSWER_WINDOW_DAYS`] ago.
pub(crate) fn answers_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now.checked_sub_signed(TimeDelta::days(i64::from(ANSWER_WINDOW_DAYS))).unwrap_or(now)
}

/// One cluster's answers from [`REFUSED`]'s row and whether [`APPROVED`]
/// found one (asked only when something was refused).
pub(crate) fn answers_of(refused: Option<(i64, Option<DateTime<Utc>>)>, approved: bool) -> Answers {
    match refused {
        Some((n, first_refused_at)) if n > 0 => {
            Answers { approved: u32::from(approved), refused: u32::try_from(n).unwrap_or(u32::MAX), first_refused_at }
        }
        _ => Answers::default(),
    }
}

/// Stored opening weekdays.
fn weekdays(bits: i16) -> Result<WeekdaySet, StoreError> {
    u8::try_from(bits).map(WeekdaySet::from_bits).map_err(|_| StoreError::Corrupt(format!("opening weekdays {bits}")))
}

/// The first day that counts for a cluster: when it joined the network or
/// was entered here, whichever is later. Before that deskvisa knows nothing
/// of its sites, and a network moving onto deskvisa gives each cluster its
/// grace to enter them.
fn counted_from(joined_on: NaiveDate, created_at: DateTime<Utc>) -> NaiveDate {
    Ord::max(joined_on, created_at.date_naive())
}
