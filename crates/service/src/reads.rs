//! What callers read: their own stays, the map, a site's free desks.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, DateRange, HostPolicy, SiteId, StayId};
use deskvisa_store::{ClusterRecord, NetworkMap, SiteRecord, StayRecord};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;

/// One day of a site's calendar, as the availability route shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct DayAvailability {
    pub date: NaiveDate,
    /// An open day.
    pub open: bool,
    /// Desks offered (0 on a closed day).
    pub desks: u32,
    /// Desks held by pending and approved stays.
    pub held: u32,
    /// Desks still free.
    pub free: u32,
}

/// The most days one availability call may cover.
pub const MAX_AVAILABILITY_DAYS: u64 = 366;

impl Service {
    /// The caller's own stays, newest first.
    pub async fn my_stays(
        &self,
        caller: &Caller,
        limit: u64,
        before: Option<(DateTime<Utc>, StayId)>,
    ) -> Result<Vec<StayRecord>, ServiceError> {
        let tx = self.store.begin_read().await?;
        let ids = tx.member_stays(caller.member, limit, before).await?;
        Ok(tx.stays(&ids).await?)
    }

    /// Every cluster with its sites, and the host policies: this service's
    /// copy, read again after a change (see [`crate::map_copy`]).
    pub async fn map(&self) -> Result<std::sync::Arc<NetworkMap>, ServiceError> {
        Ok(self.map_copy.map(&self.store).await?)
    }

    /// One cluster with its sites.
    pub async fn cluster_with_sites(&self, id: ClusterId) -> Result<(ClusterRecord, Vec<SiteRecord>), ServiceError> {
        let tx = self.store.begin_read().await?;
        let cluster = tx.cluster(id).await?.ok_or(ServiceError::NotFound)?;
        let sites = tx.sites(Some(id)).await?;
        Ok((cluster, sites))
    }

    /// One site.
    pub async fn site(&self, id: SiteId) -> Result<SiteRecord, ServiceError> {
        let tx = self.store.begin_read().await?;
        tx.site(id).await?.ok_or(ServiceError::NotFound)
    }

    /// How many more stays the caller may have at a host cluster's sites
    /// this year, by its yearly limit (the site page's "1 left").
    pub async fn stays_left(
        &self,
        caller: &Caller,
        host: ClusterId,
        policy: &HostPolicy,
        today: NaiveDate,
    ) -> Result<u32, ServiceError> {
        let tx = self.store.begin_read().await?;
        // Every start a window holding today can hold.
        let year = chrono::Days::new(364);
        let (from, to) = (today.checked_sub_days(year).unwrap_or(today), today.checked_add_days(year).unwrap_or(today));
        let window = DateRange::new(from, to).unwrap_or(DateRange::day(today));
        let starts = tx.live_stay_starts(caller.member, host, window).await?;
        Ok(deskvisa_rules::stays_left(policy.stays_per_year(), today, starts.into_iter()))
    }

    /// A cluster's host policy (the defaults until one is saved).
    pub async fn policy(&self, cluster: ClusterId) -> Result<HostPolicy, ServiceError> {
        let tx = self.store.begin_read().await?;
        tx.cluster(cluster).await?.ok_or(ServiceError::NotFound)?;
        Ok(tx.host_policy(cluster).await?)
    }

    /// Free desks at a site, day by day, over at most 366 days.
    pub async fn availability(&self, site: SiteId, range: DateRange) -> Result<Vec<DayAvailability>, ServiceError> {
        if range.len() > MAX_AVAILABILITY_DAYS {
            return Err(ServiceError::Invalid(format!("at most {MAX_AVAILABILITY_DAYS} days a call")));
        }
        let days = self.store.site_days(site, range.start(), range.end()).await?.ok_or(ServiceError::NotFound)?;
        Ok(range
            .dates()
            .map(|date| {
                let open = days.calendar.is_open(date);
                let desks = if open { days.desks } else { 0 };
                let held = days.held.held_on(date);
                DayAvailability { date, open, desks, held, free: desks.saturating_sub(held) }
            })
            .collect())
    }
}

impl Service {
    /// One member's record.
    pub async fn member(&self, id: deskvisa_rules::MemberId) -> Result<deskvisa_store::MemberRecord, ServiceError> {
        let tx = self.store.begin_read().await?;
        tx.member(id).await?.ok_or(ServiceError::NotFound)
    }

    /// The records of these members that exist, by id: read together, as
    /// an inbox names its visitors.
    pub async fn members(
        &self,
        ids: &[deskvisa_rules::MemberId],
    ) -> Result<std::collections::HashMap<deskvisa_rules::MemberId, deskvisa_store::MemberRecord>, ServiceError> {
        let tx = self.store.begin_read().await?;
        Ok(tx.members(ids).await?.into_iter().map(|m| (m.id, m)).collect())
    }

    /// These sites' records, by name.
    pub async fn sites_named(&self, ids: &[SiteId]) -> Result<Vec<SiteRecord>, ServiceError> {
        let tx = self.store.begin_read().await?;
        Ok(tx.sites_by_id(ids).await?)
    }

    /// These clusters' records, by id.
    pub async fn clusters_named(&self, ids: &[ClusterId]) -> Result<Vec<ClusterRecord>, ServiceError> {
        let tx = self.store.begin_read().await?;
        Ok(tx.clusters_by_id(ids).await?)
    }
}

impl Service {
    /// A member by email.
    pub async fn member_by_email(
        &self,
        email: &deskvisa_rules::Email,
    ) -> Result<deskvisa_store::MemberRecord, ServiceError> {
        let tx = self.store.begin_read().await?;
        tx.member_by_email(email).await?.ok_or(ServiceError::NotFound)
    }
}

/// Figures for `/metrics`, read from the database at each scrape.
#[derive(Debug, Clone, Default)]
pub struct Gauges {
    /// Stays per status, every status named (0 where no stay has it, so
    /// a gauge falls to 0 rather than keeping its last value).
    pub stays_by_status: Vec<(deskvisa_rules::StayStatus, i64)>,
    /// Emails waiting in the outbox.
    pub outbox_depth: u64,
    /// Seconds since the oldest waiting email was written.
    pub outbox_age_seconds: f64,
    /// Emails that failed for good (dead letters).
    pub outbox_dead: u64,
}

impl Service {
    /// The gauges `/metrics` shows.
    pub async fn gauges(&self) -> Result<Gauges, ServiceError> {
        let tx = self.store.begin_read().await?;
        let counted = tx.stays_by_status().await?;
        let stays_by_status = deskvisa_rules::StayStatus::ALL
            .iter()
            .map(|s| (*s, counted.iter().find(|(name, _)| name == s.as_str()).map_or(0, |(_, n)| *n)))
            .collect();
        let (outbox_depth, oldest) = tx.outbox_depth().await?;
        let outbox_age_seconds = oldest.map_or(0.0, |at| (self.now() - at).num_milliseconds().max(0) as f64 / 1000.0);
        drop(tx);
        let (_, outbox_dead) = self.store.mail_counts().await?;
        Ok(Gauges { stays_by_status, outbox_depth, outbox_age_seconds, outbox_dead })
    }
}
