//! Invitation letters (issue 22): a cluster's letterhead (its postal
//! address and the admin who signs), and the letters made, each with the
//! stay as it said it, the PDF and the hash of its verification code.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, LetterStay, MemberId, SiteId, StayId, StayStatus};
use sea_orm::FromQueryResult;

use crate::convert::parse;
use crate::error::StoreError;
use crate::tx::{Store, Tx};

/// What a cluster's letters say of the host.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Letterhead {
    /// The postal address, its lines as the cluster wrote them.
    pub address: String,
    /// The admin who signs the cluster's letters (else the one who
    /// approved the stay).
    pub signatory: Option<MemberId>,
}

/// A letter to store.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct NewLetter {
    pub id: uuid::Uuid,
    pub stay: StayId,
    pub member: MemberId,
    /// The stay as the letter says it.
    pub written: LetterStay,
    pub passport_name: String,
    pub initials: String,
    /// SHA-256 of the verification code, hex.
    pub code_hash: String,
    pub pdf: Vec<u8>,
}

/// The stay's current letter, as its member downloads it.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct StoredLetter {
    pub id: uuid::Uuid,
    pub created_at: DateTime<Utc>,
    pub pdf: Vec<u8>,
}

/// What a verification reads of a letter and its stay now.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct LetterCheck {
    pub stay: StayId,
    /// The stay as the letter says it.
    pub written: LetterStay,
    /// The stay as it stands.
    pub now: LetterStay,
    pub status: StayStatus,
    pub no_show: bool,
    pub replaced: bool,
    pub initials: String,
    pub created_at: DateTime<Utc>,
    pub host_cluster: ClusterId,
    pub host_name: String,
    pub site_name: String,
    pub city: String,
}

impl Tx {
    /// The cluster's letterhead, if it wrote one.
    pub async fn letterhead(&self, cluster: ClusterId) -> Result<Option<Letterhead>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            address: String,
            signatory_member_id: Option<uuid::Uuid>,
        }
        let rows: Vec<Row> = self
            .rows(
                "SELECT address, signatory_member_id FROM letterheads WHERE cluster_id = $1",
                vec![cluster.as_uuid().into()],
            )
            .await?;
        Ok(rows
            .into_iter()
            .next()
            .map(|r| Letterhead { address: r.address, signatory: r.signatory_member_id.map(MemberId::from_uuid) }))
    }

    /// Writes the cluster's letterhead.
    pub async fn save_letterhead(
        &self,
        cluster: ClusterId,
        letterhead: &Letterhead,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.run(
            "INSERT INTO letterheads (cluster_id, address, signatory_member_id, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (cluster_id) DO UPDATE SET address = excluded.address, \
             signatory_member_id = excluded.signatory_member_id, updated_at = excluded.updated_at",
            vec![
                cluster.as_uuid().into(),
                letterhead.address.clone().into(),
                letterhead.signatory.map(|m| m.as_uuid()).into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// The member who last approved the stay, if a person did.
    pub async fn stay_approver(&self, stay: StayId) -> Result<Option<MemberId>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            by_member_id: uuid::Uuid,
        }
        let rows: Vec<Row> = self
            .rows(
                "SELECT by_member_id FROM stay_history WHERE stay_id = $1 AND to_status = 'approved' \
                 AND action = 'approve' AND by_member_id IS NOT NULL ORDER BY at DESC, id DESC LIMIT 1",
                vec![stay.as_uuid().into()],
            )
            .await?;
        Ok(rows.into_iter().next().map(|r| MemberId::from_uuid(r.by_member_id)))
    }

    /// Stores a letter; the stay's earlier letters are replaced by it.
    pub async fn insert_letter(&self, letter: &NewLetter, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.run(
            "UPDATE letters SET replaced_at = $2 WHERE stay_id = $1 AND replaced_at IS NULL",
            vec![letter.stay.as_uuid().into(), now.into()],
        )
        .await?;
        self.run(
            "INSERT INTO letters (id, stay_id, member_id, site_id, start_date, end_date, passport_name, initials, \
             code_hash, pdf, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            vec![
                letter.id.into(),
                letter.stay.as_uuid().into(),
                letter.member.as_uuid().into(),
                letter.written.site.as_uuid().into(),
                letter.written.start_date.into(),
                letter.written.end_date.into(),
                letter.passport_name.clone().into(),
                letter.initials.clone().into(),
                letter.code_hash.clone().into(),
                letter.pdf.clone().into(),
                now.into(),
            ],
        )
        .await?;
        Ok(())
    }
}

impl Store {
    /// The stay's current letter (the newest), if one was made.
    pub async fn current_letter(&self, stay: StayId) -> Result<Option<StoredLetter>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            id: uuid::Uuid,
            created_at: DateTime<Utc>,
            pdf: Vec<u8>,
        }
        let statement = self.statement(
            "SELECT id, created_at, pdf FROM letters WHERE stay_id = $1 AND replaced_at IS NULL",
            vec![stay.as_uuid().into()],
        );
        Ok(Row::find_by_statement(statement).one(self.reads()).await?.map(|r| StoredLetter {
            id: r.id,
            created_at: r.created_at,
            pdf: r.pdf,
        }))
    }

    /// The letter whose code hashes to `hash`, with its stay as it stands.
    pub async fn letter_check(&self, hash: &str) -> Result<Option<LetterCheck>, StoreError> {
        #[derive(FromQueryResult)]
        struct Row {
            stay_id: uuid::Uuid,
            site_id: uuid::Uuid,
            start_date: NaiveDate,
            end_date: NaiveDate,
            stay_site_id: uuid::Uuid,
            stay_start: NaiveDate,
            stay_end: NaiveDate,
            status: String,
            no_show: bool,
            replaced: bool,
            initials: String,
            created_at: DateTime<Utc>,
            host_cluster_id: uuid::Uuid,
            host_name: String,
            site_name: String,
            city: String,
        }
        let statement = self.statement(
            "SELECT l.stay_id, l.site_id, l.start_date, l.end_date, s.site_id AS stay_site_id, \
             s.start_date AS stay_start, s.end_date AS stay_end, s.status, s.no_show, \
             (l.replaced_at IS NOT NULL) AS replaced, l.initials, l.created_at, c.id AS host_cluster_id, \
             c.name AS host_name, si.name AS site_name, c.city \
             FROM letters l JOIN stays s ON s.id = l.stay_id JOIN sites si ON si.id = l.site_id \
             JOIN clusters c ON c.id = si.cluster_id WHERE l.code_hash = $1",
            vec![hash.into()],
        );
        let Some(r) = Row::find_by_statement(statement).one(self.reads()).await? else {
            return Ok(None);
        };
        Ok(Some(LetterCheck {
            stay: StayId::from_uuid(r.stay_id),
            written: LetterStay { site: SiteId::from_uuid(r.site_id), start_date: r.start_date, end_date: r.end_date },
            now: LetterStay { site: SiteId::from_uuid(r.stay_site_id), start_date: r.stay_start, end_date: r.stay_end },
            status: parse("stay status", &r.status)?,
            no_show: r.no_show,
            replaced: r.replaced,
            initials: r.initials,
            created_at: r.created_at,
            host_cluster: ClusterId::from_uuid(r.host_cluster_id),
            host_name: r.host_name,
            site_name: r.site_name,
            city: r.city,
        }))
    }
}
