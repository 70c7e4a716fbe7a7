//! The reciprocity ledger's use case: the store counts, the rules judge the
//! days around today and add up, and the caller sees what they may: network
//! admins everything, a cluster admin their own cluster's rows, columns and
//! figures; anyone else is refused.

use deskvisa_rules::{Ledger, LedgerCounts, MatrixCell, Period, is_visitor_day, standing};
use deskvisa_store::{ClusterRecord, ExceptionPage, Tx};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;

/// The ledger with the clusters it names.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct LedgerReport {
    pub ledger: Ledger,
    /// Every cluster on the map, by name (for names and places).
    pub clusters: Vec<ClusterRecord>,
}

/// Guarantee exceptions on a page of the API's report: a year of a large
/// network has hundreds of thousands, and the figures count them all.
pub const EXCEPTIONS_A_PAGE: u32 = 1_000;

/// Which guarantee exceptions a report lists; the figures count every one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExceptionsListed {
    /// Every one (the network's own reports).
    All,
    /// None (the pages show the counts only).
    Nothing,
    /// Page `n` (from 1) of [`EXCEPTIONS_A_PAGE`].
    Page(std::num::NonZeroU32),
}

impl ExceptionsListed {
    fn page(self) -> Option<ExceptionPage> {
        match self {
            ExceptionsListed::All => None,
            ExceptionsListed::Nothing => Some(ExceptionPage { limit: 0, offset: 0 }),
            ExceptionsListed::Page(n) => Some(ExceptionPage {
                limit: EXCEPTIONS_A_PAGE,
                offset: u64::from(n.get() - 1) * u64::from(EXCEPTIONS_A_PAGE),
            }),
        }
    }
}

impl Service {
    /// The ledger over `period`, as the caller may see it, listing the
    /// exceptions `listed` asks for.
    pub async fn reciprocity_ledger(
        &self,
        caller: &Caller,
        period: Period,
        listed: ExceptionsListed,
    ) -> Result<LedgerReport, ServiceError> {
        if !caller.network_admin && !caller.cluster_admin {
            return Err(ServiceError::Forbidden);
        }
        // A cluster admin's list is of the exceptions their cluster took part in.
        let scope = if caller.network_admin { None } else { caller.cluster };
        if !caller.network_admin && scope.is_none() {
            return Err(ServiceError::Forbidden);
        }
        let ledger = self.ledger_listing(period, scope, listed).await?;
        let report = LedgerReport {
            ledger: match scope {
                Some(own) => ledger.ledger.seen_by(own),
                None => ledger.ledger,
            },
            clusters: ledger.clusters,
        };
        Ok(report)
    }

    /// The whole ledger with every exception, for the network's own reports
    /// (`deskvisa report`).
    pub async fn ledger(&self, period: Period) -> Result<LedgerReport, ServiceError> {
        self.ledger_listing(period, None, ExceptionsListed::All).await
    }

    /// The whole ledger's figures, listing the exceptions `scope` took part
    /// in (every one when none) as `listed` asks.
    async fn ledger_listing(
        &self,
        period: Period,
        scope: Option<deskvisa_rules::ClusterId>,
        listed: ExceptionsListed,
    ) -> Result<LedgerReport, ServiceError> {
        let now = self.now();
        let (start, end) = period.utc_bounds();
        // Every figure from the same moment: two read transactions at one
        // snapshot, each half read on its own core (about half a second
        // each at a hundred times the demo), or one when the store lends no
        // second.
        let (tx, beside) = self.store.begin_read_pair().await?;
        let report = Report { period, scope, listed, now };
        // Requests, answers and exceptions per host from the running totals,
        // read once, and the median answer time each.
        let answers = async |tx: &Tx| -> Result<_, ServiceError> {
            let totals = tx.request_totals(start, end).await?;
            let medians = tx.median_answer_seconds(start, end, &totals).await?;
            Ok((totals, medians))
        };
        // What every cluster offers and answered (for its standing) is read
        // by whichever half is done first: which half weighs more depends
        // on the database (on SQLite the visitor-days, on PostgreSQL the
        // medians) and on the period.
        let (first, (totals, median_answer_seconds), hostings) = match &beside {
            Some(beside) => {
                let (first_half, answers) = (report.first_half(&tx), answers(beside));
                tokio::pin!(first_half, answers);
                tokio::select! {
                    first = &mut first_half => {
                        let first = first?;
                        let (hostings, answers) = tokio::try_join!(hostings(&tx, now), &mut answers)?;
                        (first, answers, hostings)
                    }
                    done = &mut answers => {
                        let done = done?;
                        let (hostings, first) = tokio::try_join!(hostings(beside, now), &mut first_half)?;
                        (first, done, hostings)
                    }
                }
            }
            None => (report.first_half(&tx).await?, answers(&tx).await?, hostings(&tx, now).await?),
        };
        drop((tx, beside));
        let requests = totals.iter().map(|(host, t)| (*host, t.counts)).collect();
        let exception_counts: Vec<_> =
            totals.iter().filter(|(_, t)| t.exceptions > 0).map(|(host, t)| (*host, t.exceptions)).collect();
        let exceptions_total = first.involving.unwrap_or_else(|| exception_counts.iter().map(|(_, n)| n).sum());
        // Each cluster's standing, on its own today.
        let standings = first
            .clusters
            .iter()
            .filter_map(|c| hostings.get(&c.id).map(|h| (c.id, standing(h, &first.network, c.timezone.date_at(now)))))
            .collect();
        let counts = LedgerCounts {
            clusters: standings,
            visitor_days: first.visitor_days,
            requests,
            exceptions: first.exceptions,
            exception_counts,
            exceptions_total,
            median_answer_seconds,
            introductions: first.introductions,
        };
        Ok(LedgerReport { ledger: Ledger::assemble(period, counts), clusters: first.clusters })
    }
}

/// Every cluster's hosting (sites, offers, closures, answers), as its
/// standing is judged.
async fn hostings(
    tx: &Tx,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<std::collections::HashMap<deskvisa_rules::ClusterId, deskvisa_rules::Hosting>, ServiceError> {
    Ok(tx.hostings(now).await?)
}

/// What a ledger is asked for, and when.
struct Report {
    period: Period,
    scope: Option<deskvisa_rules::ClusterId>,
    listed: ExceptionsListed,
    now: chrono::DateTime<chrono::Utc>,
}

/// The half of a ledger read beside the request totals and the medians.
struct FirstHalf {
    visitor_days: Vec<MatrixCell>,
    exceptions: Vec<deskvisa_rules::GuaranteeException>,
    /// The exceptions the scope's cluster took part in (none: every one,
    /// counted from the request totals).
    involving: Option<u64>,
    introductions: Vec<deskvisa_rules::IntroductionCell>,
    clusters: Vec<ClusterRecord>,
    network: deskvisa_rules::NetworkPolicy,
}

impl Report {
    /// The visitor-days (the running totals, and the days around today
    /// judged in each site's zone), the exceptions listed, the
    /// introductions, the clusters and the network's policy.
    async fn first_half(&self, tx: &Tx) -> Result<FirstHalf, ServiceError> {
        let (period, now) = (self.period, self.now);
        let (start, end) = period.utc_bounds();
        let utc_today = now.date_naive();
        let mut visitor_days = tx.visitor_days(period.from(), period.to(), utc_today).await?;
        for near in tx.boundary_days(period.from(), period.to(), utc_today).await? {
            if is_visitor_day(&near.day, near.zone.date_at(now)) {
                visitor_days.push(MatrixCell {
                    host_cluster_id: near.host,
                    home_cluster_id: near.home,
                    visitor_days: near.desks,
                });
            }
        }
        let exceptions = match self.listed {
            ExceptionsListed::Nothing => Vec::new(),
            listed => tx.guarantee_exceptions(start, end, self.scope, listed.page()).await?,
        };
        let involving = match self.scope {
            None => None,
            Some(cluster) => Some(tx.exceptions_involving(start, end, cluster).await?),
        };
        let introductions = tx.introduction_counts(start, end).await?;
        let network = tx.network_policy().await?;
        let clusters = tx.clusters().await?;
        Ok(FirstHalf { visitor_days, exceptions, involving, introductions, clusters, network })
    }
}
