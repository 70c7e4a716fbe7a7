//! Loading what `decide` needs, inside the request's transaction.

use chrono::{DateTime, Days, NaiveDate, Utc};
use deskvisa_rules::{
    ClusterId, ClusterStatus, DeskLoad, HomeCluster, HostCluster, HostPolicy, MemberFacts, MemberId, MemberStatus,
    MemberStay, NetworkPolicy, PolicyDraft, SiteCalendar, SiteFacts, SiteId, Snapshot, StayId, StayRequest, WeekdaySet,
};
use sea_orm::{EntityTrait, FromQueryResult, QuerySelect};

use crate::convert::{approval_mode, count, on_no_answer, parse, zone};
use crate::entity::{member, network_policy, policy, site};
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
        let rows: Vec<SiteDayRow> = self.rows(SITE_DAYS, vec![site.as_uuid().into(), from.into(), to.into()]).await?;
        calendar_and_load(open_weekdays, rows.into_iter().map(|r| (r.date, r.held, r.closed == 1)).collect())
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
        let window = StayWindow::of(request);
        let rows: Vec<MemberStayRow> = self.rows(MEMBER_STAYS, window.values(member_id)).await?;
        let member_stays = rows
            .into_iter()
            .map(|r| member_stay(r.id, r.site_id, r.host_cluster_id, (r.start_date, r.end_date), &r.status, r.no_show))
            .collect::<Result<Vec<_>, _>>()?;
        let (calendar, held) = self.site_days(site_id, row.site_open_weekdays, window.first, window.last).await?;
        let hosting =
            self.hosting_of(ClusterId::from_uuid(row.home_id), row.home_joined_on, row.home_created_at, now).await?;
        row.snapshot(member_id, site_id, (calendar, held), hosting, member_stays)
    }

    /// The member, the site, both clusters and both policies in one query.
    async fn snapshot_row(&self, member_id: MemberId, site_id: SiteId) -> Result<Option<SnapshotRow>, StoreError> {
        let values = vec![member_id.as_uuid().into(), site_id.as_uuid().into()];
        Ok(self.rows(SNAPSHOT, values).await?.into_iter().next())
    }
}

/// One row of [`Tx::snapshot_row`]: the policies are absent (NULL) until saved.
#[derive(Debug, FromQueryResult)]
pub(crate) struct SnapshotRow {
    pub(crate) member_status: String,
    pub(crate) vouched_until: Option<NaiveDate>,
    pub(crate) home_id: uuid::Uuid,
    pub(crate) home_status: String,
    pub(crate) home_timezone: String,
    pub(crate) home_joined_on: NaiveDate,
    pub(crate) home_created_at: DateTime<Utc>,
    pub(crate) host_id: uuid::Uuid,
    pub(crate) host_status: String,
    pub(crate) site_timezone: String,
    pub(crate) site_desks: i32,
    pub(crate) site_open_weekdays: i16,
    pub(crate) max_days_per_stay: Option<i32>,
    pub(crate) stays_per_year: Option<i32>,
    pub(crate) min_notice_days: Option<i32>,
    pub(crate) horizon_days: Option<i32>,
    pub(crate) approval_mode: Option<String>,
    pub(crate) answer_window_days: Option<i32>,
    pub(crate) on_no_answer: Option<String>,
    pub(crate) offer_hold_hours: Option<i32>,
    pub(crate) guaranteed_days: Option<i32>,
    pub(crate) reciprocity_grace_days: Option<i32>,
}

impl SnapshotRow {
    /// The snapshot, from this row and what was loaded beside it.
    pub(crate) fn snapshot(
        &self,
        member_id: MemberId,
        site_id: SiteId,
        (calendar, held): (SiteCalendar, DeskLoad),
        hosting: deskvisa_rules::Hosting,
        member_stays: Vec<MemberStay>,
    ) -> Result<Snapshot, SnapshotError> {
        Ok(Snapshot {
            network: self.network_policy()?,
            member: MemberFacts {
                id: member_id,
                status: parse::<MemberStatus>("member status", &self.member_status)?,
                vouched_until: self.vouched_until,
            },
            home: HomeCluster {
                id: ClusterId::from_uuid(self.home_id),
                status: parse::<ClusterStatus>("cluster status", &self.home_status)?,
                zone: zone(&self.home_timezone)?,
                hosting,
            },
            host: HostCluster {
                id: ClusterId::from_uuid(self.host_id),
                status: parse::<ClusterStatus>("cluster status", &self.host_status)?,
                policy: self.host_policy()?,
            },
            site: SiteFacts {
                id: site_id,
                zone: zone(&self.site_timezone)?,
                desks: count("desks", self.site_desks)?,
                calendar,
            },
            member_stays,
            held,
        })
    }

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

/// The member (`$1`), the site (`$2`), both clusters and both policies,
/// as one row; the policies are NULL until saved. Written once for both
/// databases and both paths (the pool's and the writer thread's).
pub(crate) const SNAPSHOT: &str = "\
SELECT m.status AS member_status, m.vouched_until AS vouched_until, home.id AS home_id,
       home.status AS home_status, home.timezone AS home_timezone, home.joined_on AS home_joined_on,
       home.created_at AS home_created_at, host.id AS host_id, host.status AS host_status,
       s.timezone AS site_timezone, s.desks AS site_desks, s.open_weekdays AS site_open_weekdays,
       p.max_days_per_stay AS max_days_per_stay, p.stays_per_year AS stays_per_year,
       p.min_notice_days AS min_notice_days, p.horizon_days AS horizon_days, p.approval_mode AS approval_mode,
       p.answer_window_days AS answer_window_days, p.offer_hold_hours AS offer_hold_hours,
       p.on_no_answer AS on_no_answer, n.guaranteed_days AS guaranteed_days,
       n.reciprocity_grace_days AS reciprocity_grace_days
  FROM members m
  JOIN sites s ON s.id = $2
  JOIN clusters home ON home.id = m.cluster_id
  JOIN clusters host ON host.id = s.cluster_id
  LEFT JOIN policies p ON p.cluster_id = s.cluster_id
  LEFT JOIN network_policy n ON n.id = 1
 WHERE m.id = $1";

/// The dates a stay request's snapshot looks at.
pub(crate) struct StayWindow {
    /// The request's first and last day.
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Stays that end on or after `from` and begin on or before `to` can
    /// overlap the range or share a quota window with its start.
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl StayWindow {
    pub(crate) fn of(request: &StayRequest) -> StayWindow {
        let (first, last) = (request.start_date.min(request.end_date), request.start_date.max(request.end_date));
        let from = request.start_date.checked_sub_days(Days::new(365)).unwrap_or(NaiveDate::MIN).min(first);
        let to = last.max(request.start_date.checked_add_days(Days::new(365)).unwrap_or(NaiveDate::MAX));
        StayWindow { first, last, from, to }
    }

    /// The values of [`MEMBER_STAYS`] for `member`.
    pub(crate) fn values(&self, member: MemberId) -> Vec<sea_orm::Value> {
        vec![member.as_uuid().into(), self.from.into(), self.to.into()]
    }
}

/// The member's (`$1`) live stays that end on or after `$2` and begin on
/// or before `$3` (see [`StayWindow`]).
pub(crate) const MEMBER_STAYS: &str = "\
SELECT id, site_id, host_cluster_id, start_date, end_date, status, no_show FROM stays
 WHERE member_id = $1 AND status IN ('pending', 'approved') AND end_date >= $2 AND start_date <= $3";

/// One row of [`MEMBER_STAYS`].
#[derive(FromQueryResult)]
pub(crate) struct MemberStayRow {
    pub(crate) id: uuid::Uuid,
    pub(crate) site_id: uuid::Uuid,
    pub(crate) host_cluster_id: uuid::Uuid,
    pub(crate) start_date: NaiveDate,
    pub(crate) end_date: NaiveDate,
    pub(crate) status: String,
    pub(crate) no_show: bool,
}

/// One of the member's stays, from a row of [`MEMBER_STAYS`].
pub(crate) fn member_stay(
    id: uuid::Uuid,
    site: uuid::Uuid,
    host_cluster: uuid::Uuid,
    (start_date, end_date): (NaiveDate, NaiveDate),
    status: &str,
    no_show: bool,
) -> Result<MemberStay, StoreError> {
    Ok(MemberStay {
        id: StayId::from_uuid(id),
        site: SiteId::from_uuid(site),
        host_cluster: ClusterId::from_uuid(host_cluster),
        start_date,
        end_date,
        status: parse("stay status", status)?,
        no_show,
    })
}

/// A site's (`$1`) day counters and closures from `$2` to `$3`: date,
/// held, closed (0 or 1).
pub(crate) const SITE_DAYS: &str = "\
SELECT date, held, 0 AS closed FROM site_days WHERE site_id = $1 AND date BETWEEN $2 AND $3
UNION ALL
SELECT date, 0 AS held, 1 AS closed FROM closures WHERE site_id = $1 AND date BETWEEN $2 AND $3";

/// One row of [`SITE_DAYS`].
#[derive(FromQueryResult)]
pub(crate) struct SiteDayRow {
    pub(crate) date: NaiveDate,
    pub(crate) held: i32,
    pub(crate) closed: i32,
}

/// The calendar and the desks held, from the rows of [`SITE_DAYS`].
pub(crate) fn calendar_and_load(
    open_weekdays: i16,
    rows: Vec<(NaiveDate, i32, bool)>,
) -> Result<(SiteCalendar, DeskLoad), StoreError> {
    let mut closures = Vec::new();
    let mut load = Vec::new();
    for (date, held, closed) in rows {
        if closed {
            closures.push(date);
        } else {
            load.push((date, Ord::max(held, 0).unsigned_abs()));
        }
    }
    let bits =
        u8::try_from(open_weekdays).map_err(|_| StoreError::Corrupt(format!("open weekdays {open_weekdays}")))?;
    Ok((SiteCalendar::new(WeekdaySet::from_bits(bits), closures), load.into_iter().collect()))
}
