//! What an email about a stay is written from, read in two statements on
//! the read pool (the stay with its member, site, host cluster and the
//! recipient joined; then its held days): the worker writes every message
//! from the database as it is when the message goes out.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{MemberId, StayId, StayStatus};
use sea_orm::{ConnectionTrait, FromQueryResult};

use crate::convert::parse;
use crate::error::StoreError;
use crate::tx::Store;

/// The facts of one stay email, for one recipient.
#[derive(Debug, Clone, PartialEq, FromQueryResult)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct MailFacts {
    pub stay_id: uuid::Uuid,
    /// Its site.
    pub site_id: uuid::Uuid,
    /// Its first date.
    pub start_date: NaiveDate,
    /// Its last date.
    pub end_date: NaiveDate,
    /// Its status, as stored.
    pub status: String,
    /// Why the member comes.
    pub purpose: String,
    /// When the host's answer is due.
    pub answer_deadline: Option<DateTime<Utc>>,
    /// The visiting member's name.
    pub member_name: String,
    /// The visiting member's address.
    pub member_email: String,
    /// The visiting member's company.
    pub member_company: String,
    /// The recipient, the site and its host.
    #[sea_orm(nested)]
    pub context: MailContext,
    /// The site's house rules.
    pub house_rules: String,
    /// The open days it holds now (filled by the second statement).
    #[sea_orm(skip)]
    pub days: Vec<NaiveDate>,
}

/// Who an email goes to, and the site (with its host) of the stay or the
/// event it is about: what every stay and event email is written from.
/// Read from the columns of these names.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct MailContext {
    /// The recipient's name.
    pub recipient_name: String,
    /// The recipient's address.
    pub recipient_email: String,
    /// The recipient's language.
    pub recipient_locale: String,
    /// The site's name.
    pub site_name: String,
    /// The site's address.
    pub site_address: String,
    /// The site's zone.
    pub site_timezone: String,
    /// The site's contact (a calendar's ORGANIZER).
    pub site_contact_email: String,
    /// The host cluster's name.
    pub host_cluster_name: String,
}

impl MailFacts {
    /// The stay's status.
    pub fn stay_status(&self) -> Result<StayStatus, StoreError> {
        parse("stay status", &self.status)
    }
}

const FACTS: &str = "\
SELECT s.id AS stay_id, s.site_id, s.start_date, s.end_date, s.status, s.purpose, s.answer_deadline,
       v.name AS member_name, v.email AS member_email, v.company AS member_company,
       r.name AS recipient_name, r.email AS recipient_email, r.locale AS recipient_locale,
       t.name AS site_name, t.address AS site_address, t.timezone AS site_timezone,
       t.contact_email AS site_contact_email, t.house_rules, c.name AS host_cluster_name
  FROM stays s
  JOIN members v ON v.id = s.member_id
  JOIN sites t ON t.id = s.site_id
  JOIN clusters c ON c.id = s.host_cluster_id
  JOIN members r ON r.id = $2
 WHERE s.id = $1";

const DAYS: &str = "SELECT date FROM stay_days WHERE stay_id = $1 ORDER BY date";

impl Store {
    /// The facts of an email about `stay` to `recipient`; `None` when either
    /// no longer exists.
    pub async fn mail_facts(&self, stay: StayId, recipient: MemberId) -> Result<Option<MailFacts>, StoreError> {
        let reads = self.reads();
        let statement = self.statement(FACTS, [stay.as_uuid().into(), recipient.as_uuid().into()]);
        let Some(row) = reads.query_one_raw(statement).await? else {
            return Ok(None);
        };
        let mut facts = MailFacts::from_query_result(&row, "")?;
        let days = reads.query_all_raw(self.statement(DAYS, [stay.as_uuid().into()])).await?;
        facts.days = days.iter().map(|r| r.try_get_by_index::<NaiveDate>(0)).collect::<Result<_, _>>()?;
        Ok(Some(facts))
    }
}
