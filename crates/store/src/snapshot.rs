//! Loading what `decide` needs, inside the request's transaction.

use chrono::{DateTime, Days, NaiveDate, Utc};
use deskvisa_rules::{
    ClusterId, ClusterStatus, DeskLoad, HomeCluster, HostCluster, HostPolicy, MemberFacts, MemberId, MemberStatus,
    MemberStay, NetworkPolicy, PolicyDraft, SiteCalendar, SiteFacts, SiteId, Snapshot, StayId, StayRequest, WeekdaySet,
};
use sea_orm::sea_query::{Alias, Expr, JoinType, Query, UnionType};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, FromQueryResult, QueryFilter, QuerySelect};

use crate::convert::{approval_mode, count, on_no_answer, parse, zone};
use crate::entity::{closure, cluster, member, network_policy, policy, site, site_day, stay};
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
        network_policy_from(row.guaranteed_days, row.reciprocity_grace_days)
    }

    /// Every saved host policy (clusters without one have the defaults).
    pub async fn host_policies(&self) -> Result<Vec<(ClusterId, HostPolicy)>, StoreError> {
        policy::Entity::find()
            .all(&self.tx)
            .await?
            .into_iter()
            .map(|row| Ok((ClusterId::from_uuid(row.cluster_id), policy_of(&row)?)))
            .collect()
    }

    /// A cluster's host policy (the defaults until one is saved).
    pub async fn host_policy(&self, cluster: ClusterId) -> Result<HostPolicy, StoreError> {
        let Some(row) = policy::Entity::find_by_id(cluster.as_uuid()).one(&self.tx).await? else {
            return Ok(HostPolicy::default());
        };
        policy_of(&row)
    }

    /// The site's calendar and the desks held on each day over `from..=to`,
    /// from its closures and its day counters, in one query.
    pub async fn site_days(
        &self,
        site: SiteId,
        open_weekdays: i16,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(SiteCalendar, DeskLoad), StoreError> {
        use sea_orm::sea_query::ExprTrait as _;
        let mut query = Query::select()
            .column(site_day::Column::Date)
            .column(site_day::Column::Held)
            .expr_as(Expr::val(0), "closed")
            .from(site_day::Entity)
            .and_where(Expr::col(site_day::Column::SiteId).eq(site.as_uuid()))
            .and_where(Expr::col(site_day::Column::Date).between(from, to))
            .to_owned();
        query.union(
            UnionType::All,
            Query::select()
                .column(closure::Column::Date)
                .expr_as(Expr::val(0), "held")
                .expr_as(Expr::val(1), "closed")
                .from(closure::Entity)
                .and_where(Expr::col(closure::Column::SiteId).eq(site.as_uuid()))
                .and_where(Expr::col(closure::Column::Date).between(from, to))
                .to_owned(),
        );
        let mut closures = Vec::new();
        let mut load = Vec::new();
        for row in self.tx.query_all(&query).await? {
            let date: NaiveDate = row.try_get("", "date")?;
            if row.try_get::<i32>("", "closed")? == 1 {
                closures.push(date);
            } else {
                load.push((date, Ord::max(row.try_get::<i32>("", "held")?, 0).unsigned_abs()));
            }
        }
        let bits =
            u8::try_from(open_weekdays).map_err(|_| StoreError::Corrupt(format!("open weekdays {open_weekdays}")))?;
        Ok((SiteCalendar::new(WeekdaySet::from_bits(bits), closures), load.into_iter().collect()))
    }

    /// Everything `decide` needs for `request` by `member` at `site`.
    pub async fn stay_snapshot(
        &self,
        member_id: MemberId,
        site_id: SiteId,
        request: &StayRequest,
        now: DateTime<Utc>,
    ) -> Result<Snapshot, SnapshotError> {
        if self.is_postgres() {
            // Shares the site's row lock with other requests; a site change waits.
            site::Entity::find_by_id(site_id.as_uuid())
                .select_only()
                .column(site::Column::Id)
                .lock_shared()
                .into_tuple::<uuid::Uuid>()
                .one(&self.tx)
                .await?;
        }
        let Some(row) = self.snapshot_row(member_id, site_id).await? else {
            return Err(if member::Entity::find_by_id(member_id.as_uuid()).one(&self.tx).await?.is_none() {
                SnapshotError::UnknownMember
            } else {
                SnapshotError::UnknownSite
            });
        };
        let home_id = ClusterId::from_uuid(row.home_id);
        let host_id = ClusterId::from_uuid(row.host_id);
        let (first, last) = (request.start_date.min(request.end_date), request.start_date.max(request.end_date));
        // Stays that can overlap the range or share a quota window with its start.
        let window_start = request.start_date.checked_sub_days(Days::new(365)).unwrap_or(NaiveDate::MIN);
        let window_end = last.max(request.start_date.checked_add_days(Days::new(365)).unwrap_or(NaiveDate::MAX));
        let stays = stay::Entity::find()
            .filter(stay::Column::MemberId.eq(member_id.as_uuid()))
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

        let (calendar, held) = self.site_days(site_id, row.site_open_weekdays, first, last).await?;
        Ok(Snapshot {
            network: row.network_policy()?,
            member: MemberFacts {
                id: member_id,
                status: parse::<MemberStatus>("member status", &row.member_status)?,
                vouched_until: row.vouched_until,
            },
            home: HomeCluster {
                id: home_id,
                status: parse::<ClusterStatus>("cluster status", &row.home_status)?,
                zone: zone(&row.home_timezone)?,
                hosting: self.hosting_of(home_id, row.home_joined_on, row.home_created_at, now).await?,
            },
            host: HostCluster {
                id: host_id,
                status: parse::<ClusterStatus>("cluster status", &row.host_status)?,
                policy: row.host_policy()?,
            },
            site: SiteFacts {
                id: site_id,
                zone: zone(&row.site_timezone)?,
                desks: count("desks", row.site_desks)?,
                calendar,
            },
            member_stays,
            held,
        })
    }

    /// The member, the site, both clusters and both policies in one query.
    async fn snapshot_row(&self, member_id: MemberId, site_id: SiteId) -> Result<Option<SnapshotRow>, StoreError> {
        use sea_orm::sea_query::ExprTrait as _;
        let (m, s, home, host, p, n) = (
            Alias::new("m"),
            Alias::new("s"),
            Alias::new("home"),
            Alias::new("host"),
            Alias::new("p"),
            Alias::new("n"),
        );
        let col = |table: &Alias, column: &str| Expr::col((table.clone(), Alias::new(column)));
        let mut query = Query::select();
        query
            .expr_as(col(&m, "status"), "member_status")
            .expr_as(col(&m, "vouched_until"), "vouched_until")
            .expr_as(col(&home, "id"), "home_id")
            .expr_as(col(&home, "status"), "home_status")
            .expr_as(col(&home, "timezone"), "home_timezone")
            .expr_as(col(&home, "joined_on"), "home_joined_on")
            .expr_as(col(&home, "created_at"), "home_created_at")
            .expr_as(col(&host, "id"), "host_id")
            .expr_as(col(&host, "status"), "host_status")
            .expr_as(col(&s, "timezone"), "site_timezone")
            .expr_as(col(&s, "desks"), "site_desks")
            .expr_as(col(&s, "open_weekdays"), "site_open_weekdays")
            .expr_as(col(&p, "max_days_per_stay"), "max_days_per_stay")
            .expr_as(col(&p, "stays_per_year"), "stays_per_year")
            .expr_as(col(&p, "min_notice_days"), "min_notice_days")
            .expr_as(col(&p, "horizon_days"), "horizon_days")
            .expr_as(col(&p, "approval_mode"), "approval_mode")
            .expr_as(col(&p, "answer_window_days"), "answer_window_days")
            .expr_as(col(&p, "offer_hold_hours"), "offer_hold_hours")
            .expr_as(col(&p, "on_no_answer"), "on_no_answer")
            .expr_as(col(&n, "guaranteed_days"), "guaranteed_days")
            .expr_as(col(&n, "reciprocity_grace_days"), "reciprocity_grace_days")
            .from_as(member::Entity, m.clone())
            .join_as(JoinType::InnerJoin, site::Entity, s.clone(), col(&s, "id").eq(site_id.as_uuid()))
            .join_as(
                JoinType::InnerJoin,
                cluster::Entity,
                home.clone(),
                col(&home, "id").equals((m.clone(), Alias::new("cluster_id"))),
            )
            .join_as(
                JoinType::InnerJoin,
                cluster::Entity,
                host.clone(),
                col(&host, "id").equals((s.clone(), Alias::new("cluster_id"))),
            )
            .join_as(
                JoinType::LeftJoin,
                policy::Entity,
                p.clone(),
                col(&p, "cluster_id").equals((s.clone(), Alias::new("cluster_id"))),
            )
            .join_as(JoinType::LeftJoin, network_policy::Entity, n.clone(), col(&n, "id").eq(1))
            .and_where(col(&m, "id").eq(member_id.as_uuid()));
        let statement = self.tx.get_database_backend().build(&query);
        Ok(SnapshotRow::find_by_statement(statement).one(&self.tx).await?)
    }
}

/// One row of [`Tx::snapshot_row`]: the policies are absent (NULL) until saved.
#[derive(Debug, FromQueryResult)]
struct SnapshotRow {
    member_status: String,
    vouched_until: Option<NaiveDate>,
    home_id: uuid::Uuid,
    home_status: String,
    home_timezone: String,
    home_joined_on: NaiveDate,
    home_created_at: DateTime<Utc>,
    host_id: uuid::Uuid,
    host_status: String,
    site_timezone: String,
    site_desks: i32,
    site_open_weekdays: i16,
    max_days_per_stay: Option<i32>,
    stays_per_year: Option<i32>,
    min_notice_days: Option<i32>,
    horizon_days: Option<i32>,
    approval_mode: Option<String>,
    answer_window_days: Option<i32>,
    on_no_answer: Option<String>,
    offer_hold_hours: Option<i32>,
    guaranteed_days: Option<i32>,
    reciprocity_grace_days: Option<i32>,
}

impl SnapshotRow {
    fn network_policy(&self) -> Result<NetworkPolicy, StoreError> {
        match (self.guaranteed_days, self.reciprocity_grace_days) {
            (Some(days), Some(grace)) => network_policy_from(days, grace),
            _ => Ok(NetworkPolicy::default()),
        }
    }

    fn host_policy(&self) -> Result<HostPolicy, StoreError> {
        match (
            self.max_days_per_stay,
            self.stays_per_year,
            self.min_notice_days,
            self.horizon_days,
            &self.approval_mode,
            self.answer_window_days,
            &self.on_no_answer,
        ) {
            (Some(max), Some(per_year), Some(notice), Some(horizon), Some(mode), Some(window), Some(no_answer)) => {
                let hold = self.offer_hold_hours.unwrap_or(deskvisa_rules::DEFAULT_OFFER_HOLD_HOURS.cast_signed());
                host_policy_from(max, per_year, notice, horizon, mode, window, no_answer, hold)
            }
            _ => Ok(HostPolicy::default()),
        }
    }
}

fn network_policy_from(guaranteed_days: i32, grace_days: i32) -> Result<NetworkPolicy, StoreError> {
    NetworkPolicy::new(count("guaranteed_days", guaranteed_days)?, count("grace", grace_days)?)
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored policy row as the rules' policy.
fn policy_of(row: &policy::Model) -> Result<HostPolicy, StoreError> {
    host_policy_from(
        row.max_days_per_stay,
        row.stays_per_year,
        row.min_notice_days,
        row.horizon_days,
        &row.approval_mode,
        row.answer_window_days,
        &row.on_no_answer,
        row.offer_hold_hours,
    )
}

#[allow(clippy::too_many_arguments, reason = "one per column of the policy row")]
fn host_policy_from(
    max_days_per_stay: i32,
    stays_per_year: i32,
    min_notice_days: i32,
    horizon_days: i32,
    mode: &str,
    answer_window_days: i32,
    no_answer: &str,
    offer_hold_hours: i32,
) -> Result<HostPolicy, StoreError> {
    HostPolicy::from_saved(PolicyDraft {
        max_days_per_stay: count("max_days_per_stay", max_days_per_stay)?,
        stays_per_year: count("stays_per_year", stays_per_year)?,
        min_notice_days: count("min_notice_days", min_notice_days)?,
        horizon_days: count("horizon_days", horizon_days)?,
        approval_mode: approval_mode(mode)?,
        answer_window_days: count("answer_window_days", answer_window_days)?,
        on_no_answer: on_no_answer(no_answer)?,
        offer_hold_hours: count("offer_hold_hours", offer_hold_hours)?,
    })
    .map_err(|e| StoreError::Corrupt(e.to_string()))
}
