//! What a cluster offered and answered as a host, for its reciprocity
//! standing: each site's desks and opening weekdays over time with its
//! closures, and a tally of its answers to requests within the guarantee
//! over the last 90 days. The store loads; [`deskvisa_rules::standing`]
//! judges.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use deskvisa_rules::{ANSWER_WINDOW_DAYS, Answers, ClusterId, Hosting, OfferChange, SiteOffer, WeekdaySet};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::convert::{count, zone};
use crate::entity::{closure, cluster, site, site_desk_count, stay};
use crate::error::StoreError;
use crate::tx::Tx;

impl Tx {
    /// One cluster's record as a host at `now`: four small queries, each
    /// by an index (sites by cluster, their histories and closures by site,
    /// the answers by host and creation).
    pub async fn hosting(&self, cluster: ClusterId, now: DateTime<Utc>) -> Result<Hosting, StoreError> {
        let mut all = self.hostings_of(Some(cluster), now).await?;
        all.remove(&cluster).ok_or_else(|| StoreError::Corrupt(format!("hosting of cluster {cluster}")))
    }

    /// [`Tx::hosting`] for every cluster at once, in the same queries over
    /// the whole network (as the ledger needs every cluster's).
    pub async fn hostings(&self, now: DateTime<Utc>) -> Result<HashMap<ClusterId, Hosting>, StoreError> {
        self.hostings_of(None, now).await
    }

    async fn hostings_of(
        &self,
        only: Option<ClusterId>,
        now: DateTime<Utc>,
    ) -> Result<HashMap<ClusterId, Hosting>, StoreError> {
        // Days count from when the cluster joined the network or was entered
        // here, whichever is later: before that deskvisa knows nothing of its
        // sites, and a network moving onto deskvisa gives each cluster its
        // grace to enter them.
        let mut clusters_query = cluster::Entity::find().select_only().columns([
            cluster::Column::Id,
            cluster::Column::JoinedOn,
            cluster::Column::CreatedAt,
        ]);
        if let Some(cluster) = only {
            clusters_query = clusters_query.filter(cluster::Column::Id.eq(cluster.as_uuid()));
        }
        let clusters: Vec<(Uuid, NaiveDate, DateTime<Utc>)> = clusters_query.into_tuple().all(&self.tx).await?;
        let mut sites_query = site::Entity::find().select_only().columns([
            site::Column::Id,
            site::Column::ClusterId,
            site::Column::Timezone,
        ]);
        if let Some(cluster) = only {
            sites_query = sites_query.filter(site::Column::ClusterId.eq(cluster.as_uuid()));
        }
        let sites: Vec<(Uuid, Uuid, String)> = sites_query.into_tuple().all(&self.tx).await?;
        let sites_of = |cluster: ClusterId| {
            Query::select()
                .column(site::Column::Id)
                .from(site::Entity)
                .and_where(site::Column::ClusterId.eq(cluster.as_uuid()))
                .to_owned()
        };

        let mut changes_query = site_desk_count::Entity::find()
            .order_by_asc(site_desk_count::Column::At)
            .order_by_asc(site_desk_count::Column::Id);
        if let Some(cluster) = only {
            changes_query = changes_query.filter(site_desk_count::Column::SiteId.in_subquery(sites_of(cluster)));
        }
        let mut changes: HashMap<Uuid, Vec<OfferChange>> = HashMap::new();
        for row in changes_query.all(&self.tx).await? {
            let open = u8::try_from(row.open_weekdays)
                .map(WeekdaySet::from_bits)
                .map_err(|_| StoreError::Corrupt(format!("opening weekdays {}", row.open_weekdays)))?;
            changes.entry(row.site_id).or_default().push(OfferChange {
                at: row.at,
                desks: count("desks", row.desks)?,
                open,
            });
        }

        let mut closures_query =
            closure::Entity::find().select_only().columns([closure::Column::SiteId, closure::Column::Date]);
        if let Some(cluster) = only {
            closures_query = closures_query.filter(closure::Column::SiteId.in_subquery(sites_of(cluster)));
        }
        let mut closed: HashMap<Uuid, Vec<NaiveDate>> = HashMap::new();
        for (site_id, date) in closures_query.into_tuple::<(Uuid, NaiveDate)>().all(&self.tx).await? {
            closed.entry(site_id).or_default().push(date);
        }

        let answers = self.answers(only, now).await?;

        let mut offers: HashMap<Uuid, Vec<SiteOffer>> = HashMap::new();
        for (site_id, cluster_id, timezone) in sites {
            let offer = SiteOffer::new(
                zone(&timezone)?,
                changes.remove(&site_id).unwrap_or_default(),
                closed.remove(&site_id).unwrap_or_default(),
            );
            offers.entry(cluster_id).or_default().push(offer);
        }
        Ok(clusters
            .into_iter()
            .map(|(cluster, joined_on, created_at)| {
                let hosting = Hosting {
                    joined_on: Ord::max(joined_on, created_at.date_naive()),
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
