//! Who is asking: a member with their home cluster and roles. Every use case
//! that reads or changes another's data checks it here, so that another
//! cluster's objects are invisible (404), and visible ones that are not the
//! caller's to change are forbidden (403).

use deskvisa_rules::{ClusterId, MemberId};
use deskvisa_store::{ClusterRecord, MemberRecord, Role, StayRecord, Tx};

use crate::conflict::Conflict;
use crate::error::ServiceError;

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Caller {
    pub member: MemberId,
    /// Their home cluster; `None` for network staff.
    pub cluster: Option<ClusterId>,
    /// Administers their home cluster.
    pub cluster_admin: bool,
    /// Administers the network.
    pub network_admin: bool,
}

impl Caller {
    /// The caller a member record with these roles is.
    pub fn new(member: &MemberRecord, roles: &[Role]) -> Caller {
        Caller {
            member: member.id,
            cluster: member.cluster_id,
            // Only a member of a cluster administers one.
            cluster_admin: member.cluster_id.is_some() && roles.contains(&Role::ClusterAdmin),
            network_admin: roles.contains(&Role::NetworkAdmin),
        }
    }

    /// The caller's home cluster, or the refusal a network staff account
    /// gets for what only a cluster's member can do (request a stay,
    /// register for an event): 422 `no_home_cluster`.
    pub fn home(&self) -> Result<ClusterId, ServiceError> {
        self.cluster.ok_or(ServiceError::Conflict(Conflict::NoHomeCluster))
    }

    /// Whether the caller administers `cluster`.
    pub fn admin_of(&self, cluster: ClusterId) -> bool {
        self.cluster_admin && self.cluster == Some(cluster)
    }

    /// Whether the caller runs `cluster` (its sites, admins and members):
    /// its admins, and network admins (who start a network's clusters and
    /// help them).
    pub(crate) fn runs(&self, cluster: ClusterId) -> bool {
        self.network_admin || self.admin_of(cluster)
    }

    /// Whether the caller may see the stay: its member, the host's and the
    /// home cluster's admins, network admins.
    pub fn sees(&self, stay: &StayRecord) -> bool {
        stay.member == self.member
            || self.admin_of(stay.host_cluster)
            || self.admin_of(stay.home_cluster)
            || self.network_admin
    }
}

/// `cluster`, read in `tx`, for a caller who runs it: 404 when there is no
/// such cluster, else 403 when the caller does not run it.
pub(crate) async fn cluster_run_by(
    tx: &Tx,
    caller: &Caller,
    cluster: ClusterId,
) -> Result<ClusterRecord, ServiceError> {
    let record = tx.cluster(cluster).await?.ok_or(ServiceError::NotFound)?;
    if caller.runs(cluster) { Ok(record) } else { Err(ServiceError::Forbidden) }
}
