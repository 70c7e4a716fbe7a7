//! Loading what `decide` needs, inside the request's transaction.

use chrono::{Days, NaiveDate, NaiveTime};
use deskvisa_rules::{
    ClusterId, ClusterStatus, DeskCount, DeskLoad, DeskOffering, HomeCluster, HostCluster, HostPolicy, MemberFacts,
    MemberId, MemberStatus, MemberStay, NetworkPolicy, PolicyDraft, SiteCalendar, SiteFacts, SiteId, Snapshot, StayId,
    StayRequest, WeekdaySet,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use crate::convert::{approval_mode, count, on_no_answer, parse, zone};
use crate::entity::{closure, cluster, member, network_policy, policy, site, site_day, site_desk_count, stay};
use crate::error::StoreError;
use crate::tx::Tx;

/// Why a snapshot could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The member does not exist.
    #[error("unknown member")]
    UnknownMember,
    /// The site does not exist.
    #[error("unknown site")]
    UnknownSite,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for SnapshotError {
    fn from(err: sea_orm::DbErr) -> Self {
        SnapshotError::Store(err.into())
    }
}

impl Tx {
    /// Serializes a member's stay-writing transactions: quotas and overlaps
    /// span sites, so no per-day guard covers them. PostgreSQL locks the
    /// member's row; on SQLite, `BEGIN IMMEDIATE` already admits one writer.
    pub async fn lock_member(&self, member: MemberId) -> Result<(), StoreError> {
        if self.is_postgres() {
            member::Entity::find_by_id(member.as_uuid()).lock_exclusive().one(&self.tx).await?;
        }
        Ok(())
    }

    /// The network policy (the defaults until one is saved).
    pub async fn network_policy(&self) -> Result<NetworkPolicy, StoreError> {
        let Some(row) = network_policy::Entity::find_by_id(1).one(&self.tx).await? else {
            return Ok(NetworkPolicy::default());
        };
        NetworkPolicy::new(count("guaranteed_days", row.guaranteed_days)?, count("grace", row.reciprocity_grace_days)?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// A cluster's host policy (the defaults until one is saved).
    pub async fn host_policy(&self, cluster: ClusterId) -> Result<HostPolicy, StoreError> {
        let Some(row) = policy::Entity::find_by_id(cluster.as_uuid()).one(&self.tx).await? else {
            return Ok(HostPolicy::default());
        };
        HostPolicy::from_saved(PolicyDraft {
            max_days_per_stay: count("max_days_per_stay", row.max_days_per_stay)?,
            stays_per_year: count("stays_per_year", row.stays_per_year)?,
            min_notice_days: count("min_notice_days", row.min_notice_days)?,
            horizon_days: count("horizon_days", row.horizon_days)?,
            approval_mode: approval_mode(&row.approval_mode)?,
            answer_window_days: count("answer_window_days", row.answer_window_days)?,
            on_no_answer: on_no_answer(&row.on_no_answer)?,
        })
        .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Whether a cluster offers visitor desks now, from its sites' desk
    /// counts over time.
    pub async fn desk_offering(&self, cluster: ClusterId, joined_on: NaiveDate) -> Result<DeskOffering, StoreError> {
        let site_ids: Vec<uuid::Uuid> = site::Entity::find()
            .select_only()
            .column(site::Column::Id)
            .filter(site::Column::ClusterId.eq(cluster.as_uuid()))
            .into_tuple()
            .all(&self.tx)
            .await?;
        let counts = site_desk_count::Entity::find()
            .filter(site_desk_count::Column::SiteId.is_in(site_ids))
            .order_by_asc(site_desk_count::Column::At)
            .order_by_asc(site_desk_count::Column::Id)
            .all(&self.tx)
            .await?;
        // Replay the per-site counts into the cluster's total over time.
        let mut per_site = std::collections::HashMap::new();
        let history: Vec<DeskCount> = counts
            .iter()
            .map(|c| {
                per_site.insert(c.site_id, c.desks.max(0).unsigned_abs());
                DeskCount { at: c.at, desks: per_site.values().sum() }
            })
            .collect();
        let joined_at = joined_on.and_time(NaiveTime::MIN).and_utc();
        Ok(DeskOffering::from_history(joined_at, &history))
    }

    /// The site's calendar over `from..=to` (closures outside are not loaded).
    pub async fn site_calendar(
        &self,
        site: SiteId,
        open_weekdays: i16,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<SiteCalendar, StoreError> {
        let closures: Vec<NaiveDate> = closure::Entity::find()
            .select_only()
            .column(closure::Column::Date)
            .filter(closure::Column::SiteId.eq(site.as_uuid()))
            .filter(closure::Column::Date.between(from, to))
            .into_tuple()
            .all(&self.tx)
            .await?;
        let bits =
            u8::try_from(open_weekdays).map_err(|_| StoreError::Corrupt(format!("open weekdays {open_weekdays}")))?;
        Ok(SiteCalendar::new(WeekdaySet::from_bits(bits), closures))
    }

    /// Desks held per day at a site over `from..=to`.
    pub async fn desk_load(&self, site: SiteId, from: NaiveDate, to: NaiveDate) -> Result<DeskLoad, StoreError> {
        let rows: Vec<(NaiveDate, i32)> = site_day::Entity::find()
            .select_only()
            .column(site_day::Column::Date)
            .column(site_day::Column::Held)
            .filter(site_day::Column::SiteId.eq(site.as_uuid()))
            .filter(site_day::Column::Date.between(from, to))
            .into_tuple()
            .all(&self.tx)
            .await?;
        Ok(rows.into_iter().map(|(d, held)| (d, held.max(0).unsigned_abs())).collect())
    }

    /// Everything `decide` needs for `request` by `member` at `site`.
    pub async fn stay_snapshot(
        &self,
        member_id: MemberId,
        site_id: SiteId,
        request: &StayRequest,
    ) -> Result<Snapshot, SnapshotError> {
        let member =
            member::Entity::find_by_id(member_id.as_uuid()).one(&self.tx).await?.ok_or(SnapshotError::UnknownMember)?;
        // Shares the site's row lock with other requests; a site change waits.
        let mut site_query = site::Entity::find_by_id(site_id.as_uuid());
        if self.is_postgres() {
            site_query = site_query.lock_shared();
        }
        let site = site_query.one(&self.tx).await?.ok_or(SnapshotError::UnknownSite)?;
        let clusters = cluster::Entity::find()
            .filter(cluster::Column::Id.is_in([member.cluster_id, site.cluster_id]))
            .all(&self.tx)
            .await?;
        let find = |id| {
            clusters.iter().find(|c| c.id == id).ok_or_else(|| StoreError::Corrupt(format!("cluster {id} missing")))
        };
        let (home, host) = (find(member.cluster_id)?, find(site.cluster_id)?);

        let (first, last) = (request.start_date.min(request.end_date), request.start_date.max(request.end_date));
        let home_id = ClusterId::from_uuid(home.id);
        let host_id = ClusterId::from_uuid(host.id);
        // Stays that can overlap the range or share a quota window with its start.
        let window_start = request.start_date.checked_sub_days(Days::new(365)).unwrap_or(NaiveDate::MIN);
        let window_end = last.max(request.start_date.checked_add_days(Days::new(365)).unwrap_or(NaiveDate::MAX));
        let stays = stay::Entity::find()
            .filter(stay::Column::MemberId.eq(member.id))
            .filter(stay::Column::Status.is_in(["pending", "approved"]))
            .filter(stay::Column::EndDate.gte(window_start.min(first)))
            .filter(stay::Column::StartDate.lte(window_end))
            .all(&self.tx)
            .await?;
        let member_stays = stays
            .into_iter()
            .map(|s| {
                Ok(MemberStay {
                    id: StayId::from_uuid(s.id),
                    site: SiteId::from_uuid(s.site_id),
                    host_cluster: ClusterId::from_uuid(s.host_cluster_id),
                    start_date: s.start_date,
                    end_date: s.end_date,
                    status: parse("stay status", &s.status)?,
                    no_show: s.no_show,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;

        Ok(Snapshot {
            network: self.network_policy().await?,
            member: MemberFacts {
                id: member_id,
                status: parse::<MemberStatus>("member status", &member.status)?,
                vouched_until: member.vouched_until,
            },
            home: HomeCluster {
                id: home_id,
                status: parse::<ClusterStatus>("cluster status", &home.status)?,
                zone: zone(&home.timezone)?,
                offering: self.desk_offering(home_id, home.joined_on).await?,
            },
            host: HostCluster {
                id: host_id,
                status: parse::<ClusterStatus>("cluster status", &host.status)?,
                policy: self.host_policy(host_id).await?,
            },
            site: SiteFacts {
                id: site_id,
                zone: zone(&site.timezone)?,
                desks: count("desks", site.desks)?,
                calendar: self.site_calendar(site_id, site.open_weekdays, first, last).await?,
            },
            member_stays,
            held: self.desk_load(site_id, first, last).await?,
        })
    }
}
