//! The network's map: every cluster with its sites and its host policy,
//! read in one transaction. It is the most read and least written part of
//! the database (the map page, the search and the programme read it on
//! every call), so the service keeps a copy; a commit that writes a
//! cluster, a site or a policy counts a change ([`Store::map_changes`]),
//! which tells the copy to be read again.

use std::collections::HashMap;

use deskvisa_rules::{ClusterId, HostPolicy};

use crate::error::StoreError;
use crate::map::{ClusterRecord, SiteRecord};
use crate::tx::Store;

/// Every cluster, by name, with its sites, by name; and the host policies
/// saved (a cluster without one has the defaults).
#[derive(Debug, Default)]
pub struct NetworkMap {
    /// The clusters and their sites.
    pub clusters: Vec<(ClusterRecord, Vec<SiteRecord>)>,
    /// The policies clusters saved.
    pub policies: HashMap<ClusterId, HostPolicy>,
}

impl NetworkMap {
    /// A cluster's host policy (the defaults until one is saved).
    pub fn policy(&self, cluster: ClusterId) -> HostPolicy {
        self.policies.get(&cluster).copied().unwrap_or_default()
    }
}

impl Store {
    /// The map as the database has it now, in one read transaction.
    pub async fn read_network_map(&self) -> Result<NetworkMap, StoreError> {
        let tx = self.begin_read().await?;
        let clusters = tx.clusters().await?;
        // Grouped in one pass: a large network has thousands of each.
        let mut sites_of: HashMap<ClusterId, Vec<SiteRecord>> = HashMap::new();
        for site in tx.sites(None).await? {
            sites_of.entry(site.cluster_id).or_default().push(site);
        }
        let policies = tx.host_policies().await?.into_iter().collect();
        let clusters = clusters
            .into_iter()
            .map(|c| {
                let own = sites_of.remove(&c.id).unwrap_or_default();
                (c, own)
            })
            .collect();
        Ok(NetworkMap { clusters, policies })
    }
}
