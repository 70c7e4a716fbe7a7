//! A host's sites: adding and changing them, closing and reopening days,
//! and the inbox of stays at a site. A change never strands a held day:
//! desks, opening weekdays or the zone that would take a held day away are
//! refused with those dates (409 `dates_hold_stays`).

use chrono::NaiveDate;
use deskvisa_rules::{ClusterId, DeskCount, SiteCalendar, SiteId, SiteSetup, StayId, StayStatus, dates_hold_stays};
use deskvisa_store::{SitePatch, SiteRecord, StayRecord, StoreError};

use crate::Service;
use crate::caller::{Caller, cluster_run_by};
use crate::error::ServiceError;
use crate::map::NewSite;
use crate::paging::{Page, PageRequest, foreign_cursor};

fn hold_stays(dates: &[NaiveDate]) -> ServiceError {
    ServiceError::DatesHoldStays { dates: dates.to_vec() }
}

impl Service {
    /// A cluster's admin adds a site.
    pub async fn create_site(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        new: NewSite,
    ) -> Result<SiteRecord, ServiceError> {
        cluster_run_by(&self.store.begin_read().await?, caller, cluster).await?;
        self.add_site(cluster, new).await
    }

    /// A site's admin changes it, unless the change would take held days away.
    pub async fn update_site(
        &self,
        caller: &Caller,
        site: SiteId,
        patch: SitePatch,
    ) -> Result<SiteRecord, ServiceError> {
        let tx = self.store.begin_write().await?;
        tx.lock_site(site, true).await?;
        let current = tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        if !caller.runs(current.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        let today = current.timezone.date_at(self.now());
        let held = tx.held_from(site, today).await?;
        let closures: Vec<NaiveDate> = tx.closures(site).await?.into_iter().map(|(d, _)| d).collect();
        let setup = |zone, desks: DeskCount, weekdays| SiteSetup {
            zone,
            desks: desks.get(),
            calendar: SiteCalendar::new(weekdays, closures.clone()),
        };
        let before = setup(current.timezone, current.desks, current.open_weekdays);
        let after = setup(
            patch.timezone.unwrap_or(current.timezone),
            patch.desks.unwrap_or(current.desks),
            patch.open_weekdays.unwrap_or(current.open_weekdays),
        );
        let lost = dates_hold_stays(&held, today, &before, &after);
        if !lost.is_empty() {
            return Err(hold_stays(&lost));
        }
        let updated = match tx.update_site(&current, &patch, today, self.now()).await {
            // The schema's backstop (held <= desks) caught a day held meanwhile.
            Err(StoreError::Check(_)) => return Err(hold_stays(&[])),
            other => other?,
        };
        tx.commit().await?;
        Ok(updated)
    }

    /// A site's closures.
    pub async fn closures(&self, site: SiteId) -> Result<Vec<(NaiveDate, String)>, ServiceError> {
        let tx = self.store.begin_read().await?;
        tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        Ok(tx.closures(site).await?)
    }

    /// A site's admin reopens a closed day.
    pub async fn reopen_day(&self, caller: &Caller, site: SiteId, date: NaiveDate) -> Result<(), ServiceError> {
        let tx = self.store.begin_write().await?;
        let record = tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        if !caller.admin_of(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        if !tx.delete_closure(site, date).await? {
            return Err(ServiceError::NotFound);
        }
        Ok(tx.commit().await?)
    }

    /// The stays at a site, for its cluster's admins (the host's inbox):
    /// the first 500, for the pages.
    pub async fn site_stays(
        &self,
        caller: &Caller,
        site: SiteId,
        status: Option<StayStatus>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<StayRecord>, ServiceError> {
        let tx = self.store.begin_read().await?;
        let record = tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        if !caller.admin_of(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        let ids = tx.site_stays(site, status, from, to, None, 500).await?.unwrap_or_default();
        Ok(tx.stays(&ids).await?)
    }

    /// A page of the stays at a site (the host's inbox, by start date), for
    /// its cluster's admins.
    pub async fn site_stays_page(
        &self,
        caller: &Caller,
        site: SiteId,
        filter: InboxFilter,
        page: PageRequest<StayId>,
    ) -> Result<Page<StayRecord, StayId>, ServiceError> {
        let tx = self.store.begin_read().await?;
        let record = tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        if !caller.admin_of(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        let ids = tx
            .site_stays(site, filter.status, filter.from, filter.to, page.after, page.rows())
            .await?
            .ok_or_else(foreign_cursor)?;
        let stays = tx.stays(&ids).await?;
        Ok(page.page(stays, |s| s.id))
    }

    /// The live stays at a site that hold any of `dates`: what stands in
    /// the way of a change refused with `dates_hold_stays`, for those who
    /// run the site.
    pub async fn stays_in_the_way(
        &self,
        caller: &Caller,
        site: SiteId,
        dates: &[NaiveDate],
    ) -> Result<Vec<StayRecord>, ServiceError> {
        let (Some(first), Some(last)) = (dates.iter().min(), dates.iter().max()) else {
            return Ok(Vec::new());
        };
        let tx = self.store.begin_read().await?;
        let record = tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        if !caller.runs(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        // A stay holding `first` began at most a year before it.
        let from = first.checked_sub_days(chrono::Days::new(366)).unwrap_or(*first);
        let ids = tx.site_stays(site, None, Some(from), Some(*last), None, 500).await?.unwrap_or_default();
        let mut stays = tx.stays(&ids).await?;
        stays.retain(|stay| stay.status.is_live() && stay.days.iter().any(|d| dates.contains(d)));
        Ok(stays)
    }
}

/// Which stays of a host's inbox.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InboxFilter {
    /// Only stays in this status.
    pub status: Option<StayStatus>,
    /// Only stays not ended before this date.
    pub from: Option<NaiveDate>,
    /// Only stays starting by this date.
    pub to: Option<NaiveDate>,
}
