//! Whom a visit could meet (issue 21): the host's firms suggested to a
//! stay, ranked by the rules ([`deskvisa_rules::suggest`]) on what the
//! visitor's firm seeks and offers; and, for a host's members, who is
//! visiting with their firms. A visitor is shown to the host's members only
//! if they said so (`open_to_meet`); the host's admins see every approved
//! visitor, as they always have in their inbox.

use chrono::{Days, NaiveDate};
use deskvisa_rules::{Candidate, ClusterId, FirmId, Interests, StayId, suggest};
use deskvisa_store::{FirmFilter, FirmRecord, Visitor};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;

/// Firms suggested to a stay.
pub const SUGGESTED_FIRMS: usize = 5;

/// The longest window of `GET /api/v1/clusters/{id}/visitors`, in days.
pub const MAX_VISITOR_WINDOW_DAYS: i64 = 62;

/// The most visitors one answer lists.
const MAX_VISITORS: u64 = 500;

/// The most of a host's firms weighed for suggestions (the best of them
/// are shown; a host with more is still answered at once).
const MAX_CANDIDATES: u64 = 1000;

/// A firm suggested to a visit, with how well it meets the visitor's firm.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The host's firm.
    pub firm: FirmRecord,
    /// Tags one seeks that the other offers, counted both ways.
    pub affinity: usize,
    /// The stay has asked this firm already.
    pub asked: bool,
}

/// A visitor with their firm, as the host sees them.
#[derive(Debug, Clone)]
pub struct VisitorWithFirm {
    /// The visit.
    pub visitor: Visitor,
    /// Their firm, when they belong to one.
    pub firm: Option<FirmRecord>,
}

impl Service {
    /// Up to five firms of the stay's host, open to visitors, that the stay's
    /// visitor could meet, best first; for whoever may see the stay.
    pub async fn suggested_firms(&self, caller: &Caller, id: StayId) -> Result<Vec<Suggestion>, ServiceError> {
        let stay = self.stay(caller, id).await?;
        let visitor = {
            let tx = self.store.begin_read().await?;
            tx.member(stay.member).await?.ok_or(ServiceError::NotFound)?
        };
        let interests = match visitor.firm {
            Some(firm) => self.store.read_firm(firm).await?.map(|f| f.profile.interests).unwrap_or_default(),
            None => Interests::default(),
        };
        let filter =
            FirmFilter { clusters: Some(vec![stay.host_cluster]), open_to_visitors: true, ..FirmFilter::default() };
        let firms: Vec<FirmRecord> = self
            .store
            .search_firms(&filter, None, MAX_CANDIDATES)
            .await?
            .into_iter()
            .filter(|f| f.profile.contact.is_some_and(|c| c != stay.member))
            .collect();
        let candidates: Vec<Candidate<FirmId>> = firms
            .iter()
            .map(|f| Candidate { id: f.id, name: f.profile.name.clone(), interests: f.profile.interests.clone() })
            .collect();
        let asked = {
            let tx = self.store.begin_read().await?;
            tx.firms_asked(id).await?
        };
        Ok(suggest(&interests, &candidates, SUGGESTED_FIRMS)
            .into_iter()
            .filter_map(|(firm, affinity)| {
                let record = firms.iter().find(|f| f.id == firm)?.clone();
                Some(Suggestion { firm: record, affinity, asked: asked.contains(&firm) })
            })
            .collect())
    }

    /// Who visits `cluster` on a day of `from..=to` (by default the seven
    /// days from today, UTC): its members see those who agreed to be seen,
    /// its admins and network admins every approved visitor; 403 for others.
    pub async fn cluster_visitors(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<VisitorWithFirm>, ServiceError> {
        {
            let tx = self.store.begin_read().await?;
            tx.cluster(cluster).await?.ok_or(ServiceError::NotFound)?;
        }
        if caller.cluster != Some(cluster) && !caller.network_admin {
            return Err(ServiceError::Forbidden);
        }
        let from = from.unwrap_or_else(|| self.now().date_naive());
        let to = to.unwrap_or_else(|| from.checked_add_days(Days::new(6)).unwrap_or(from));
        if to < from {
            return Err(ServiceError::Invalid("to: not before from".to_owned()));
        }
        if (to - from).num_days() >= MAX_VISITOR_WINDOW_DAYS {
            return Err(ServiceError::Invalid(format!("from..to: at most {MAX_VISITOR_WINDOW_DAYS} days")));
        }
        let everyone = caller.runs(cluster);
        let visitors = self.store.cluster_visitors(cluster, from, to, !everyone, MAX_VISITORS).await?;
        let mut ids: Vec<FirmId> = visitors.iter().filter_map(|v| v.firm).collect();
        ids.sort();
        ids.dedup();
        let firms = self.store.firms_by_ids(&ids).await?;
        Ok(visitors
            .into_iter()
            .map(|visitor| {
                let firm = visitor.firm.and_then(|id| firms.iter().find(|f| f.id == id).cloned());
                VisitorWithFirm { visitor, firm }
            })
            .collect())
    }
}
