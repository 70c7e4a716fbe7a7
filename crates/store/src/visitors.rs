//! Who is visiting a cluster (issue 21): approved stays at its sites over a
//! window, with each visitor's firm, so that the host's members can see whom
//! they could meet. Whether a visitor agreed to be seen (`open_to_meet`) is
//! kept with each row; the service decides who sees which.

use chrono::NaiveDate;
use deskvisa_rules::{ClusterId, FirmId, MemberId, SiteId, StayId};
use sea_orm::FromQueryResult;

use crate::error::StoreError;
use crate::tx::Store;

/// An approved visit to a cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Visitor {
    pub stay: StayId,
    pub member: MemberId,
    pub name: String,
    /// Their company (their firm's name when they have one).
    pub company: String,
    pub firm: Option<FirmId>,
    pub home_cluster: ClusterId,
    pub home_cluster_name: String,
    pub site: SiteId,
    pub site_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// They agreed that the host's firms may see them.
    pub open_to_meet: bool,
}

#[derive(FromQueryResult)]
struct Row {
    stay_id: uuid::Uuid,
    member_id: uuid::Uuid,
    name: String,
    company: String,
    firm_id: Option<uuid::Uuid>,
    home_cluster_id: uuid::Uuid,
    home_cluster_name: String,
    site_id: uuid::Uuid,
    site_name: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    open_to_meet: bool,
}

impl Store {
    /// The approved visits (members who came or may still come) to
    /// `cluster`'s sites that share a day with `from..=to`, by first day
    /// and name; only those `open_to_meet` when `only_open`. At most `limit`.
    pub async fn cluster_visitors(
        &self,
        cluster: ClusterId,
        from: NaiveDate,
        to: NaiveDate,
        only_open: bool,
        limit: u64,
    ) -> Result<Vec<Visitor>, StoreError> {
        let open = if only_open { " AND m.open_to_meet" } else { "" };
        let sql = format!(
            "SELECT s.id AS stay_id, m.id AS member_id, m.name, m.company, m.firm_id, s.home_cluster_id, \
             c.name AS home_cluster_name, s.site_id, si.name AS site_name, s.start_date, s.end_date, m.open_to_meet \
             FROM stays s JOIN members m ON m.id = s.member_id JOIN clusters c ON c.id = s.home_cluster_id \
             JOIN sites si ON si.id = s.site_id \
             WHERE s.host_cluster_id = $1 AND s.status = 'approved' AND NOT s.no_show \
             AND s.start_date <= $3 AND s.end_date >= $2{open} \
             ORDER BY s.start_date, m.name, s.id LIMIT $4"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let statement = self.statement(&sql, vec![cluster.as_uuid().into(), from.into(), to.into(), limit.into()]);
        let rows = Row::find_by_statement(statement).all(self.reads()).await?;
        Ok(rows
            .into_iter()
            .map(|r| Visitor {
                stay: StayId::from_uuid(r.stay_id),
                member: MemberId::from_uuid(r.member_id),
                name: r.name,
                company: r.company,
                firm: r.firm_id.map(FirmId::from_uuid),
                home_cluster: ClusterId::from_uuid(r.home_cluster_id),
                home_cluster_name: r.home_cluster_name,
                site: SiteId::from_uuid(r.site_id),
                site_name: r.site_name,
                start_date: r.start_date,
                end_date: r.end_date,
                open_to_meet: r.open_to_meet,
            })
            .collect())
    }
}
