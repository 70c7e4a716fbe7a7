//! Introductions (issue 21): a visitor's request, during an approved stay,
//! to meet a firm of the host. An answer is a conditional update of a
//! pending row, so two answers at once give one winner; at most one request
//! per stay and firm is the schema's (a unique index). Reads join what the
//! answers and emails show (names, firms, the stay's site and dates); what
//! each party may see of the other is the caller's to decide.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{
    ClusterId, FirmId, IntroductionId, IntroductionStatus, Locale, MemberId, StayId, StayStatus, TimeZone,
};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Value};

use crate::convert::{parse, zone};
use crate::error::StoreError;
use crate::tx::{Store, Tx, raw_statement};

/// A new introduction, asked for now.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct NewIntroduction {
    pub id: IntroductionId,
    pub stay: StayId,
    pub firm: FirmId,
    /// The stay's member.
    pub visitor: MemberId,
    /// The firm's contact when asked.
    pub contact: MemberId,
    pub host_cluster: ClusterId,
    pub home_cluster: ClusterId,
    /// The visitor's note.
    pub note: String,
}

/// One side of an introduction, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Party {
    pub member: MemberId,
    pub name: String,
    pub email: String,
    pub locale: Locale,
    /// Their firm's name (the company they wrote, for a visitor with no firm).
    pub firm_name: String,
    /// Their home cluster's name.
    pub cluster_name: String,
}

/// An introduction with what is shown of it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct IntroductionRecord {
    pub id: IntroductionId,
    pub stay: StayId,
    pub firm: FirmId,
    pub status: IntroductionStatus,
    /// The visitor's note.
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    pub visitor: Party,
    /// The contact asked (whose firm is the firm asked).
    pub contact: Party,
    pub host_cluster: ClusterId,
    pub home_cluster: ClusterId,
    /// The stay's site, its address and zone, its dates and status.
    pub site_name: String,
    pub site_address: String,
    pub site_zone: TimeZone,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub stay_status: StayStatus,
    pub no_show: bool,
}

#[derive(FromQueryResult)]
struct Row {
    id: uuid::Uuid,
    stay_id: uuid::Uuid,
    firm_id: uuid::Uuid,
    status: String,
    note: String,
    created_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    host_cluster_id: uuid::Uuid,
    home_cluster_id: uuid::Uuid,
    visitor_id: uuid::Uuid,
    visitor_name: String,
    visitor_email: String,
    visitor_locale: String,
    visitor_company: String,
    visitor_cluster: String,
    contact_id: uuid::Uuid,
    contact_name: String,
    contact_email: String,
    contact_locale: String,
    firm_name: String,
    host_name: String,
    site_name: String,
    site_address: String,
    site_timezone: String,
    start_date: NaiveDate,
    end_date: NaiveDate,
    stay_status: String,
    no_show: bool,
}

const SELECT: &str = "SELECT i.id, i.stay_id, i.firm_id, i.status, i.note, i.created_at, i.answered_at, \
    i.host_cluster_id, i.home_cluster_id, \
    v.id AS visitor_id, v.name AS visitor_name, v.email AS visitor_email, v.locale AS visitor_locale, \
    v.company AS visitor_company, vc.name AS visitor_cluster, \
    c.id AS contact_id, c.name AS contact_name, c.email AS contact_email, c.locale AS contact_locale, \
    f.name AS firm_name, hc.name AS host_name, \
    si.name AS site_name, si.address AS site_address, si.timezone AS site_timezone, \
    s.start_date, s.end_date, s.status AS stay_status, s.no_show \
    FROM introductions i \
    JOIN members v ON v.id = i.visitor_id \
    JOIN clusters vc ON vc.id = i.home_cluster_id \
    JOIN members c ON c.id = i.contact_id \
    JOIN firms f ON f.id = i.firm_id \
    JOIN clusters hc ON hc.id = i.host_cluster_id \
    JOIN stays s ON s.id = i.stay_id \
    JOIN sites si ON si.id = s.site_id";

fn locale(text: &str) -> Result<Locale, StoreError> {
    Locale::parse(text).map_err(|_| StoreError::Corrupt(format!("locale `{text}`")))
}

impl TryFrom<Row> for IntroductionRecord {
    type Error = StoreError;

    fn try_from(r: Row) -> Result<Self, StoreError> {
        Ok(IntroductionRecord {
            id: IntroductionId::from_uuid(r.id),
            stay: StayId::from_uuid(r.stay_id),
            firm: FirmId::from_uuid(r.firm_id),
            status: IntroductionStatus::parse(&r.status)
                .ok_or_else(|| StoreError::Corrupt(format!("introduction status `{}`", r.status)))?,
            note: r.note,
            created_at: r.created_at,
            answered_at: r.answered_at,
            visitor: Party {
                member: MemberId::from_uuid(r.visitor_id),
                name: r.visitor_name,
                email: r.visitor_email,
                locale: locale(&r.visitor_locale)?,
                firm_name: r.visitor_company,
                cluster_name: r.visitor_cluster,
            },
            contact: Party {
                member: MemberId::from_uuid(r.contact_id),
                name: r.contact_name,
                email: r.contact_email,
                locale: locale(&r.contact_locale)?,
                firm_name: r.firm_name,
                cluster_name: r.host_name,
            },
            host_cluster: ClusterId::from_uuid(r.host_cluster_id),
            home_cluster: ClusterId::from_uuid(r.home_cluster_id),
            site_name: r.site_name,
            site_address: r.site_address,
            site_zone: zone(&r.site_timezone)?,
            start_date: r.start_date,
            end_date: r.end_date,
            stay_status: parse("stay status", &r.stay_status)?,
            no_show: r.no_show,
        })
    }
}

async fn read<C: ConnectionTrait>(
    db: &C,
    backend: DbBackend,
    sql: &str,
    values: Vec<Value>,
) -> Result<Vec<IntroductionRecord>, StoreError> {
    db.query_all_raw(raw_statement(backend, sql, values))
        .await?
        .iter()
        .map(|row| Row::from_query_result(row, "")?.try_into())
        .collect()
}

impl Tx {
    /// Writes a pending introduction (`Unique` when the stay asked the firm already).
    pub async fn insert_introduction(&self, new: &NewIntroduction, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO introductions (id, stay_id, firm_id, visitor_id, contact_id, host_cluster_id, \
             home_cluster_id, note, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9)",
            vec![
                new.id.as_uuid().into(),
                new.stay.as_uuid().into(),
                new.firm.as_uuid().into(),
                new.visitor.as_uuid().into(),
                new.contact.as_uuid().into(),
                new.host_cluster.as_uuid().into(),
                new.home_cluster.as_uuid().into(),
                new.note.clone().into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// An introduction, if it exists.
    pub async fn introduction(&self, id: IntroductionId) -> Result<Option<IntroductionRecord>, StoreError> {
        let sql = format!("{SELECT} WHERE i.id = $1");
        Ok(read(&self.tx, self.backend, &sql, vec![id.as_uuid().into()]).await?.into_iter().next())
    }

    /// The firms a stay has asked, each once.
    pub async fn firms_asked(&self, stay: StayId) -> Result<Vec<FirmId>, StoreError> {
        #[derive(FromQueryResult)]
        struct Asked {
            firm_id: uuid::Uuid,
        }
        let rows: Vec<Asked> =
            self.rows("SELECT firm_id FROM introductions WHERE stay_id = $1", vec![stay.as_uuid().into()]).await?;
        Ok(rows.into_iter().map(|r| FirmId::from_uuid(r.firm_id)).collect())
    }

    /// Answers a pending introduction (`to`: accepted, declined or lapsed):
    /// `false` when it was answered meanwhile.
    pub async fn answer_introduction(
        &self,
        id: IntroductionId,
        to: IntroductionStatus,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .run(
                "UPDATE introductions SET status = $2, answered_at = $3 WHERE id = $1 AND status = 'pending'",
                vec![id.as_uuid().into(), to.as_str().into(), now.into()],
            )
            .await?;
        Ok(changed == 1)
    }

    /// The pending introductions of a stay.
    pub async fn pending_introductions(&self, stay: StayId) -> Result<Vec<IntroductionRecord>, StoreError> {
        let sql = format!("{SELECT} WHERE i.stay_id = $1 AND i.status = 'pending' ORDER BY i.created_at, i.id");
        read(&self.tx, self.backend, &sql, vec![stay.as_uuid().into()]).await
    }
}

impl Store {
    /// An introduction, if it exists.
    pub async fn read_introduction(&self, id: IntroductionId) -> Result<Option<IntroductionRecord>, StoreError> {
        let sql = format!("{SELECT} WHERE i.id = $1");
        Ok(read(self.reads(), self.db_backend(), &sql, vec![id.as_uuid().into()]).await?.into_iter().next())
    }

    /// The introductions a member asked for or was asked, newest first (at most `limit`).
    pub async fn member_introductions(
        &self,
        member: MemberId,
        limit: u64,
    ) -> Result<Vec<IntroductionRecord>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE i.visitor_id = $1 OR i.contact_id = $1 ORDER BY i.created_at DESC, i.id DESC LIMIT $2"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read(self.reads(), self.db_backend(), &sql, vec![member.as_uuid().into(), limit.into()]).await
    }

    /// Pending introductions whose stay is off, or ends on or before
    /// `last_day` (in UTC, a day past the latest zone's): the worker judges
    /// each at its site ([`deskvisa_rules::lapses`]). At most `limit`.
    pub async fn lapse_candidates(
        &self,
        last_day: NaiveDate,
        limit: u64,
    ) -> Result<Vec<IntroductionRecord>, StoreError> {
        let sql = format!(
            "{SELECT} WHERE i.status = 'pending' AND (s.status <> 'approved' OR s.no_show OR s.end_date <= $1) \
             ORDER BY s.end_date, i.id LIMIT $2"
        );
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        read(self.reads(), self.db_backend(), &sql, vec![last_day.into(), limit.into()]).await
    }
}
