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
        let utc_today = now.date_naive();
        let (start, end) = period.utc_bounds();
        // Every figure from the same moment: one read transaction, or on
        // PostgreSQL two at one snapshot, each half read on its own core.
        let (tx, beside) = self.store.begin_read_pair().await?;
        // The visitor-days: the running totals, and the days around today
        // judged in each site's zone.
        let days = async |tx: &Tx| -> Result<Vec<MatrixCell>, ServiceError> {
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
            Ok(visitor_days)
        };
        // Requests, answers and exceptions per host from the running totals,
        // read once, and the median answer time each.
        let answers = async |tx: &Tx| -> Result<_, ServiceError> {
            let totals = tx.request_totals(start, end).await?;
            let medians = tx.median_answer_seconds(start, end, &totals).await?;
            Ok((totals, medians))
        };
        let (visitor_days, (totals, median_answer_seconds)) = match &beside {
            Some(beside) => tokio::try_join!(days(&tx), answers(beside))?,
            None => (days(&tx).await?, answers(&tx).await?),
        };
        drop(beside);
        let requests = totals.iter().map(|(host, t)| (*host, t.counts)).collect();
        let exception_counts: Vec<_> =
            totals.iter().filter(|(_, t)| t.exceptions > 0).map(|(host, t)| (*host, t.exceptions)).collect();
        let exceptions = match listed {
            ExceptionsListed::Nothing => Vec::new(),
            _ => tx.guarantee_exceptions(start, end, scope, listed.page()).await?,
        };
        let exceptions_total = match scope {
            None => exception_counts.iter().map(|(_, n)| n).sum(),
            Some(cluster) => tx.exceptions_involving(start, end, cluster).await?,
        };
        let introductions = tx.introduction_counts(start, end).await?;
        let network = tx.network_policy().await?;
        let clusters = tx.clusters().await?;
        let hostings = tx.hostings(now).await?;
        // Each cluster's standing on its own today.
        let standings = clusters
            .iter()
            .filter_map(|c| hostings.get(&c.id).map(|h| (c.id, standing(h, &network, c.timezone.date_at(now)))))
            .collect();
        let counts = LedgerCounts {
            clusters: standings,
            visitor_days,
            requests,
            exceptions,
            exception_counts,
            exceptions_total,
            median_answer_seconds,
            introductions,
        };
        Ok(LedgerReport { ledger: Ledger::assemble(period, counts), clusters })
    }
}
