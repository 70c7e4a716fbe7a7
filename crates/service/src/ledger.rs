//! The reciprocity ledger's use case: the store counts, the rules judge the
//! days around today and add up, and the caller sees what they may: network
//! admins everything, a cluster admin their own cluster's rows, columns and
//! figures; anyone else is refused.

use deskvisa_rules::{Ledger, LedgerCounts, MatrixCell, Period, is_visitor_day, standing};
use deskvisa_store::ClusterRecord;

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

impl Service {
    /// The ledger over `period`, as the caller may see it.
    pub async fn reciprocity_ledger(&self, caller: &Caller, period: Period) -> Result<LedgerReport, ServiceError> {
        if !caller.network_admin && !caller.cluster_admin {
            return Err(ServiceError::Forbidden);
        }
        let ledger = self.ledger(period).await?;
        let report = LedgerReport {
            ledger: match (caller.network_admin, caller.cluster) {
                (false, Some(own)) => ledger.ledger.seen_by(own),
                _ => ledger.ledger,
            },
            clusters: ledger.clusters,
        };
        Ok(report)
    }

    /// The whole ledger, for the network's own reports (`deskvisa report`).
    pub async fn ledger(&self, period: Period) -> Result<LedgerReport, ServiceError> {
        let now = self.now();
        let utc_today = now.date_naive();
        let (start, end) = period.utc_bounds();
        // One read transaction: every figure from the same moment.
        let tx = self.store.begin_read().await?;
        let mut visitor_days = tx.visitor_days(period.from(), period.to(), utc_today).await?;
        for near in tx.boundary_days(period.from(), period.to(), utc_today).await? {
            if is_visitor_day(&near.day, near.zone.date_at(now)) {
                visitor_days.push(MatrixCell {
                    host_cluster_id: near.host,
                    home_cluster_id: near.home,
                    visitor_days: 1,
                });
            }
        }
        let requests = tx.request_counts(start, end).await?;
        let exceptions = tx.guarantee_exceptions(start, end).await?;
        let median_answer_seconds = tx.median_answer_seconds(start, end).await?;
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
            median_answer_seconds,
            introductions,
        };
        Ok(LedgerReport { ledger: Ledger::assemble(period, counts), clusters })
    }
}
