//! Delegations (issue 23): the group's row, its members' stays (each an
//! ordinary stay naming it), and the host's list of groups to answer.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, MemberId, SiteId, StayId};
use sea_orm::FromQueryResult;

use crate::error::StoreError;
use crate::tx::Tx;

/// A delegation as stored (its stays are read with [`Tx::stay`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct DelegationRow {
    pub id: uuid::Uuid,
    pub home_cluster: ClusterId,
    pub host_cluster: ClusterId,
    pub site: SiteId,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub purpose: String,
    /// The home admin who asked.
    pub requested_by: Option<MemberId>,
    pub created_at: DateTime<Utc>,
    /// Its members' stays, in the order they were named.
    pub stays: Vec<StayId>,
}

#[derive(FromQueryResult)]
struct Row {
    id: uuid::Uuid,
    home_cluster_id: uuid::Uuid,
    host_cluster_id: uuid::Uuid,
    site_id: uuid::Uuid,
    start_date: NaiveDate,
    end_date: NaiveDate,
    purpose: String,
    requested_by: Option<uuid::Uuid>,
    created_at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct Id {
    id: uuid::Uuid,
}

impl Tx {
    /// Writes a delegation and names it on its members' stays (written
    /// already in this transaction).
    pub async fn insert_delegation(&self, d: &DelegationRow) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO delegations (id, home_cluster_id, host_cluster_id, site_id, start_date, end_date, purpose, \
             requested_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            vec![
                d.id.into(),
                d.home_cluster.as_uuid().into(),
                d.host_cluster.as_uuid().into(),
                d.site.as_uuid().into(),
                d.start_date.into(),
                d.end_date.into(),
                d.purpose.clone().into(),
                d.requested_by.map(|m| m.as_uuid()).into(),
                d.created_at.into(),
            ],
        )
        .await?;
        for stay in &d.stays {
            self.run("UPDATE stays SET delegation_id = $1 WHERE id = $2", vec![d.id.into(), stay.as_uuid().into()])
                .await?;
        }
        Ok(())
    }

    /// A delegation with its stays, if it exists.
    pub async fn delegation(&self, id: uuid::Uuid) -> Result<Option<DelegationRow>, StoreError> {
        let Some(row) = self
            .rows::<Row>(
                "SELECT id, home_cluster_id, host_cluster_id, site_id, start_date, end_date, purpose, requested_by, \
                 created_at FROM delegations WHERE id = $1",
                vec![id.into()],
            )
            .await?
            .pop()
        else {
            return Ok(None);
        };
        let stays: Vec<Id> =
            self.rows("SELECT id FROM stays WHERE delegation_id = $1 ORDER BY created_at, id", vec![id.into()]).await?;
        Ok(Some(DelegationRow {
            id: row.id,
            home_cluster: ClusterId::from_uuid(row.home_cluster_id),
            host_cluster: ClusterId::from_uuid(row.host_cluster_id),
            site: SiteId::from_uuid(row.site_id),
            start_date: row.start_date,
            end_date: row.end_date,
            purpose: row.purpose,
            requested_by: row.requested_by.map(MemberId::from_uuid),
            created_at: row.created_at,
            stays: stays.into_iter().map(|s| StayId::from_uuid(s.id)).collect(),
        }))
    }

    /// The delegations hosted by `host` (or sent from it, with `from_home`)
    /// that still have a pending stay, soonest first, at most `limit`.
    pub async fn open_delegations(
        &self,
        cluster: ClusterId,
        from_home: bool,
        limit: u64,
    ) -> Result<Vec<uuid::Uuid>, StoreError> {
        let column = if from_home { "home_cluster_id" } else { "host_cluster_id" };
        let sql = format!(
            "SELECT d.id FROM delegations d WHERE d.{column} = $1 AND EXISTS \
             (SELECT 1 FROM stays s WHERE s.delegation_id = d.id AND s.status = 'pending') \
             ORDER BY d.start_date, d.id LIMIT $2"
        );
        let ids: Vec<Id> = self.rows(&sql, vec![cluster.as_uuid().into(), limit.cast_signed().into()]).await?;
        Ok(ids.into_iter().map(|i| i.id).collect())
    }
}
