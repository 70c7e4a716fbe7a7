//! Where a member can work: the availability search across the network
//! ("where can I work in Europe next month?"), and the nearest dates offered
//! when a request is refused for `no_capacity`. The rules find the ranges
//! ([`first_fits`], [`nearest_fits`]); this reads the days they look at and
//! applies each host's policy (longest stay, notice, horizon).

use chrono::{Days, NaiveDate};
use deskvisa_rules::{
    ClusterStatus, Continent, Country, DateRange, HostPolicy, SiteId, SiteLoad, Starts, StayRequest, first_fits,
    nearest_fits,
};
use deskvisa_store::{ClusterRecord, SiteDays, SiteRecord};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;
use crate::reads::MAX_AVAILABILITY_DAYS;

/// How many ranges each site offers.
const FITS_PER_SITE: usize = 3;

/// How far around a refused request alternatives are looked for.
const ALTERNATIVES_REACH_DAYS: u64 = 60;

/// What the member is looking for.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    /// The window the stay must lie in.
    pub window: DateRange,
    /// How many open days (not read when `exact`).
    pub days: u32,
    /// The stay is the window itself: every open day of it at the site.
    pub exact: bool,
    /// Only sites of clusters in this country (ISO 3166-1 alpha-2).
    pub country: Option<Country>,
    /// Only sites of clusters on this continent.
    pub continent: Option<Continent>,
}

/// A site that can take the stay, with the first dates that fit.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct SiteFits {
    /// The host cluster.
    pub cluster: ClusterRecord,
    pub site: SiteRecord,
    /// The first ranges that fit, earliest first, none overlapping.
    pub fits: Vec<DateRange>,
    /// The open days each range holds.
    pub open_days: u32,
    /// How the host answers.
    pub approval: deskvisa_rules::ApprovalMode,
}

/// What a result card says of a site's first fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FirstFitFacts {
    /// The fewest desks free on a day of it.
    pub free: u32,
    /// Events open to visitors at the site during it.
    pub events: u32,
}

/// The starts a host's policy accepts, from today at the site.
fn starts(policy: &HostPolicy, today: NaiveDate) -> Starts {
    Starts {
        earliest: today.checked_add_days(Days::new(u64::from(policy.min_notice_days()))).unwrap_or(today),
        latest: today.checked_add_days(Days::new(u64::from(policy.horizon_days()))).unwrap_or(today),
    }
}

impl Service {
    /// The sites of other active clusters that can take a stay of
    /// `query.days` open days inside the window, soonest first.
    pub async fn search_availability(
        &self,
        caller: &Caller,
        query: &SearchQuery,
    ) -> Result<Vec<SiteFits>, ServiceError> {
        if query.window.len() > MAX_AVAILABILITY_DAYS {
            return Err(ServiceError::Invalid(format!("a window of at most {MAX_AVAILABILITY_DAYS} days")));
        }
        if !query.exact && (query.days == 0 || u64::from(query.days) > query.window.len()) {
            return Err(ServiceError::Invalid("days: from 1 to the window's length".to_owned()));
        }
        let now = self.now();
        let map = self.map().await?;
        let in_the_way = self.store.days_in_the_way(query.window.start(), query.window.end()).await?;
        let country = query.country;
        let mut found = Vec::new();
        for (cluster, sites) in &map.clusters {
            let wanted = Some(cluster.id) != caller.cluster
                && cluster.status == ClusterStatus::Active
                && country.is_none_or(|c| c == cluster.country)
                && query.continent.is_none_or(|c| cluster.country.continent() == c);
            if !wanted {
                continue;
            }
            let policy = map.policy(cluster.id);
            for site in sites {
                let site_days = SiteDays::around(site.desks.get(), site.open_weekdays, in_the_way.get(&site.id));
                // Exact dates are every open day of the window at this site.
                let wanted = if query.exact {
                    u32::try_from(site_days.calendar.count_open_days(query.window)).unwrap_or(u32::MAX)
                } else {
                    query.days
                };
                if wanted == 0 || wanted > policy.max_days_per_stay() {
                    continue;
                }
                let load = SiteLoad { calendar: &site_days.calendar, held: &site_days.held, desks: site_days.desks };
                let allowed = starts(&policy, site.timezone.date_at(now));
                let fits = first_fits(load, query.window, wanted, allowed, FITS_PER_SITE);
                if fits.is_empty() {
                    continue;
                }
                let approval = policy.approval_mode();
                found.push(SiteFits {
                    cluster: cluster.clone(),
                    site: site.clone(),
                    fits,
                    open_days: wanted,
                    approval,
                });
            }
        }
        found.sort_by(|a, b| {
            (a.fits[0].start(), &a.cluster.name, &a.site.name).cmp(&(b.fits[0].start(), &b.cluster.name, &b.site.name))
        });
        Ok(found)
    }

    /// What the cards of the sites a page shows say of each site's first
    /// fit: the fewest desks free on a day of it, and the events there
    /// during it. A network's search finds thousands of sites; this is read
    /// for those shown only.
    pub async fn first_fit_facts(
        &self,
        shown: &[SiteFits],
    ) -> Result<std::collections::HashMap<SiteId, FirstFitFacts>, ServiceError> {
        let firsts: Vec<(SiteId, DateRange)> = shown.iter().map(|f| (f.site.id, f.fits[0])).collect();
        let facts = self.store.range_facts(&firsts).await?;
        Ok(shown
            .iter()
            .map(|f| {
                let range = facts.get(&f.site.id).copied().unwrap_or_default();
                let free = f.site.desks.get().saturating_sub(range.most_held);
                (f.site.id, FirstFitFacts { free, events: range.events })
            })
            .collect())
    }

    /// The nearest ranges with as many open days as `request` at `site`
    /// that fit now, for a request refused for `no_capacity`; `leaving` are
    /// the days a stay being moved holds there (free for itself).
    pub(crate) async fn alternatives(
        &self,
        site: SiteId,
        request: StayRequest,
        leaving: &[NaiveDate],
    ) -> Result<Vec<DateRange>, ServiceError> {
        let reach = Days::new(ALTERNATIVES_REACH_DAYS);
        let (Some(from), Some(to)) =
            (request.start_date.checked_sub_days(reach), request.end_date.checked_add_days(reach))
        else {
            return Ok(Vec::new());
        };
        let (record, policy) = {
            let tx = self.store.begin_read().await?;
            let Some(record) = tx.site(site).await? else { return Ok(Vec::new()) };
            let policy = tx.host_policy(record.cluster_id).await?;
            (record, policy)
        };
        let Some(site_days) = self.store.site_days(site, from, to).await? else { return Ok(Vec::new()) };
        let Some(wanted) = DateRange::new(request.start_date, request.end_date) else { return Ok(Vec::new()) };
        let days = u32::try_from(site_days.calendar.count_open_days(wanted)).unwrap_or(u32::MAX);
        let held = site_days.held.clone().without(leaving);
        let load = SiteLoad { calendar: &site_days.calendar, held: &held, desks: site_days.desks };
        let allowed = starts(&policy, record.timezone.date_at(self.now()));
        let window = DateRange::new(from, to).unwrap_or(wanted);
        Ok(nearest_fits(load, window, days, allowed, request.start_date, FITS_PER_SITE))
    }
}
