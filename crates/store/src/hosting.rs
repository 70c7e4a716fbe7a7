//! What a cluster offered and answered as a host, for its reciprocity
//! standing: each site's desks and opening weekdays over time with its
//! closures, and a tally of its answers to requests within the guarantee
//! over the last 90 days. The store loads; [`deskvisa_rules::standing`]
//! judges.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use deskvisa_rules::{ANSWER_WINDOW_DAYS, Answers, ClusterId, Hosting, OfferChange, SiteOffer, WeekdaySet};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::convert::{count, zone};
use crate::entity::{closure, cluster, site, site_desk_count, stay};
use crate::error::StoreError;
use crate::tx::Tx;

/// One cluster's sites' shapes and closures, in one statement (a stay
/// request reads it on its hot path: one round trip, not three). A shape row
/// has `at`; a closure row has `closed_on`.
const OFFERS: &str = "\
SELECT c.site_id, s.timezone, c.at, c.desks, c.open_weekdays, NULL AS closed_on
  FROM site_desk_counts c JOIN sites s ON s.id = c.site_id WHERE s.cluster_id = $1
UNION ALL
SELECT x.site_id, s.timezone, NULL, NULL, NULL, x.date
  FROM closures x JOIN sites s ON s.id = x.site_id WHERE s.cluster_id = $1";

/// A row of [`OFFERS`].
#[derive(sea_orm::FromQueryResult)]
struct OfferRow {
    site_id: Uuid,
    timezone: String,
    at: Option<DateTime<Utc>>,
    desks: Option<i32>,
    open_weekdays: Option<i16>,
    closed_on: Option<NaiveDate>,
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
        let answers = self.answers(Some(cluster), now).await?.get(&cluster.as_uuid()).copied().unwrap_or_default();
        Ok(Hosting { joined_on: counted_from(joined_on, created_at), sites, answers })
    }

    /// [`Tx::hosting`] for every cluster at once, in five queries over the
    /// whole network (as the ledger needs every cluster's).
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

        let answers = self.answers(None, now).await?;

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
    /// Counted by the database: a busy host's rows never leave it.
    async fn answers(&self, only: Option<ClusterId>, now: DateTime<Utc>) -> Result<HashMap<Uuid, Answers>, StoreError> {
        let since = now.checked_sub_signed(TimeDelta::days(i64::from(ANSWER_WINDOW_DAYS))).unwrap_or(now);
        let answered = || {
            let query = stay::Entity::find()
                .select_only()
                .column(stay::Column::HostClusterId)
                .filter(stay::Column::WithinGuarantee.eq(true))
                .filter(stay::Column::CreatedAt.gte(since));
            match only {
                Some(cluster) => query.filter(stay::Column::HostClusterId.eq(cluster.as_uuid())),
                None => query,
            }
        };
        let refused: Vec<(Uuid, i64, Option<DateTime<Utc>>)> = answered()
            .column_as(Expr::col(stay::Column::Id).count(), "refused")
            .column_as(Expr::col(stay::Column::CreatedAt).min(), "first_refused_at")
            .filter(stay::Column::Status.is_in(["declined", "expired"]))
            .group_by(stay::Column::HostClusterId)
            .into_tuple()
            .all(&self.tx)
            .await?;
        let mut answers: HashMap<Uuid, Answers> = HashMap::new();
        for (host, n, first) in refused {
            answers.insert(
                host,
                Answers { approved: 0, refused: u32::try_from(n).unwrap_or(u32::MAX), first_refused_at: first },
            );
        }
        let approved = answered().filter(stay::Column::ApprovedAt.is_not_null());
        if only.is_some() {
            // One approval is enough to rule ground (b) out: ask for one row,
            // not a count of a busy host's every approval.
            if answers.is_empty() {
                return Ok(answers);
            }
            if let Some(host) = approved.limit(1).into_tuple::<Uuid>().one(&self.tx).await? {
                answers.entry(host).or_default().approved = 1;
            }
        } else {
            let counts: Vec<(Uuid, i64)> = approved
                .column_as(Expr::col(stay::Column::Id).count(), "approved")
                .group_by(stay::Column::HostClusterId)
                .into_tuple()
                .all(&self.tx)
                .await?;
            for (host, n) in counts {
                answers.entry(host).or_default().approved = u32::try_from(n).unwrap_or(u32::MAX);
            }
        }
        Ok(answers)
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
