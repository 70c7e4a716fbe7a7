//! The JSON bodies of API.md ("Bodies"), as typed structs: serialized for
//! answers and described in the OpenAPI document by the same definitions.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::HostPolicy;
use deskvisa_service::{Caller, ClusterRecord, DayAvailability, MemberRecord, SiteRecord, StayRecord};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// One line of a stay's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// The member who acted (none for the worker).
    pub by: Option<Uuid>,
    /// `member`, `host_admin` or `worker`.
    pub actor: String,
    /// What was done: `request`, `approve`, `decline`, `auto_approve` (at the answer deadline),
    /// `auto_approve_policy` (at once, by the host's `auto` mode), `expire`, `cancel`, `check_in`, `no_show`,
    /// `move` (the member gave the stay new dates).
    pub action: String,
    /// The status before (none for the request).
    pub from: Option<String>,
    /// The status after.
    pub to: String,
    /// Why, when a reason was given.
    pub reason: Option<String>,
    /// For a `move`: the first and last day before it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_from: Option<DateSpan>,
    /// For a `move`: the first and last day after it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub moved_to: Option<DateSpan>,
}

/// A stay.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Stay {
    pub id: Uuid,
    /// The host site.
    pub site_id: Uuid,
    /// The visiting member.
    pub member_id: Uuid,
    /// The site's cluster.
    pub host_cluster_id: Uuid,
    /// The member's cluster.
    pub home_cluster_id: Uuid,
    /// First date, in the host site's zone.
    pub start_date: NaiveDate,
    /// Last date, included.
    pub end_date: NaiveDate,
    /// The open dates the stay holds now.
    pub days: Vec<NaiveDate>,
    /// `pending`, `approved`, `declined`, `cancelled` or `expired`.
    pub status: String,
    /// Why the member comes.
    pub purpose: String,
    /// The host's reason for declining.
    pub decline_reason: Option<String>,
    /// The reason given for cancelling.
    pub cancel_reason: Option<String>,
    /// When the host's answer is due (pending stays).
    pub answer_deadline: Option<DateTime<Utc>>,
    /// Free under the network's guarantee.
    pub within_guarantee: bool,
    /// The visitor arrived.
    pub checked_in: bool,
    /// The visitor did not come.
    pub no_show: bool,
    /// When it was requested.
    pub created_at: DateTime<Utc>,
    /// The delegation it was asked for with, if any.
    pub delegation_id: Option<Uuid>,
    /// Every transition, oldest first (on a single stay).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
}

impl Stay {
    /// The stay, with its history when `with_history`.
    pub fn new(s: &StayRecord, with_history: bool) -> Self {
        Stay {
            id: s.id.as_uuid(),
            site_id: s.site.as_uuid(),
            member_id: s.member.as_uuid(),
            host_cluster_id: s.host_cluster.as_uuid(),
            home_cluster_id: s.home_cluster.as_uuid(),
            start_date: s.start_date,
            end_date: s.end_date,
            days: s.days.clone(),
            status: s.status.as_str().to_owned(),
            purpose: s.purpose.clone(),
            decline_reason: s.decline_reason.as_ref().map(ToString::to_string),
            cancel_reason: s.cancel_reason.as_ref().map(ToString::to_string),
            answer_deadline: s.answer_deadline,
            within_guarantee: s.within_guarantee,
            checked_in: s.checked_in,
            no_show: s.no_show,
            created_at: s.created_at,
            delegation_id: s.delegation,
            history: with_history.then(|| {
                s.history
                    .iter()
                    .map(|h| HistoryEntry {
                        at: h.at,
                        by: h.by.map(|m| m.as_uuid()),
                        actor: h.actor.as_str().to_owned(),
                        action: h.action.as_str().to_owned(),
                        from: h.from.map(|s| s.as_str().to_owned()),
                        to: h.to.as_str().to_owned(),
                        reason: h.reason.as_ref().map(ToString::to_string),
                        moved_from: h.moved.map(|m| DateSpan { start_date: m.from.0, end_date: m.from.1 }),
                        moved_to: h.moved.map(|m| DateSpan { start_date: m.to.0, end_date: m.to.1 }),
                    })
                    .collect()
            }),
        }
    }
}

/// A page of stays.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct StayList {
    pub items: Vec<Stay>,
    /// Pass as `cursor` for the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A site.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Site {
    pub id: Uuid,
    pub cluster_id: Uuid,
    pub name: String,
    /// Street address.
    pub address: String,
    /// IANA time zone: the dates of its stays are its calendar dates.
    pub timezone: String,
    /// Visitor desks on each open day.
    pub desks: u32,
    /// Opening weekdays, such as `["mon","tue","wed","thu","fri"]`.
    pub open_weekdays: Vec<String>,
    /// Contact address.
    pub contact_email: String,
    /// House rules.
    pub house_rules: String,
}

impl Site {
    /// From the record.
    pub fn new(s: &SiteRecord) -> Self {
        Site {
            id: s.id.as_uuid(),
            cluster_id: s.cluster_id.as_uuid(),
            name: s.name.clone(),
            address: s.address.clone(),
            timezone: s.timezone.name().to_owned(),
            desks: s.desks.get(),
            open_weekdays: s.open_weekdays.names().map(str::to_owned).collect(),
            contact_email: s.contact_email.clone(),
            house_rules: s.house_rules.clone(),
        }
    }
}

/// A cluster on the map, with its sites.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Cluster {
    pub id: Uuid,
    pub name: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// IANA time zone.
    pub timezone: String,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// Joined the network on.
    pub joined_on: NaiveDate,
    /// `active`, `suspended` or `left`.
    pub status: String,
    /// Visitor desks in all its sites.
    pub desks: u32,
    pub sites: Vec<Site>,
}

impl Cluster {
    /// From the records.
    pub fn new(c: &ClusterRecord, sites: &[SiteRecord]) -> Self {
        Cluster {
            id: c.id.as_uuid(),
            name: c.name.clone(),
            city: c.city.clone(),
            country: c.country.to_string(),
            timezone: c.timezone.name().to_owned(),
            latitude: c.latitude.degrees(),
            longitude: c.longitude.degrees(),
            joined_on: c.joined_on,
            status: c.status.as_str().to_owned(),
            desks: sites.iter().map(|s| s.desks.get()).sum(),
            sites: sites.iter().map(Site::new).collect(),
        }
    }
}

/// Every cluster on the map.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterList {
    /// The clusters, by name.
    pub items: Vec<Cluster>,
    /// Always null: the map is one page.
    pub next_cursor: Option<String>,
}

/// How a host answers requests.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalMode {
    /// A cluster admin decides each request.
    Manual,
    /// Accepted requests are approved at once.
    Auto,
}

/// What the answer deadline does to an undecided stay.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OnNoAnswer {
    /// Approve it.
    Approve,
    /// Expire it, releasing its desks.
    Expire,
}

/// A host cluster's policy.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Policy {
    /// The most open days one stay may have (at least the network's guarantee).
    pub max_days_per_stay: u32,
    /// The most stays one member may have here within 365 days (at least 1).
    pub stays_per_year: u32,
    /// A stay must start at least this many days after today (at most 7).
    pub min_notice_days: u32,
    /// A stay must start at most this many days after today (at least 30).
    pub horizon_days: u32,
    /// Manual or automatic approval.
    pub approval_mode: ApprovalMode,
    /// How many 24-hour days the host has to answer (1 to 14).
    pub answer_window_days: u32,
    /// What happens at the deadline.
    pub on_no_answer: OnNoAnswer,
    /// Hours a waitlist offer holds its desks for the member (1 to 168;
    /// 24 when not given).
    #[serde(default = "default_offer_hold_hours")]
    pub offer_hold_hours: u32,
}

fn default_offer_hold_hours() -> u32 {
    deskvisa_rules::DEFAULT_OFFER_HOLD_HOURS
}

impl Policy {
    /// From the rules' policy.
    pub fn new(p: &HostPolicy) -> Self {
        let d = p.draft();
        Policy {
            max_days_per_stay: d.max_days_per_stay,
            stays_per_year: d.stays_per_year,
            min_notice_days: d.min_notice_days,
            horizon_days: d.horizon_days,
            approval_mode: match d.approval_mode {
                deskvisa_rules::ApprovalMode::Manual => ApprovalMode::Manual,
                deskvisa_rules::ApprovalMode::Auto => ApprovalMode::Auto,
            },
            answer_window_days: d.answer_window_days,
            on_no_answer: match d.on_no_answer {
                deskvisa_rules::OnNoAnswer::Approve => OnNoAnswer::Approve,
                deskvisa_rules::OnNoAnswer::Expire => OnNoAnswer::Expire,
            },
            offer_hold_hours: d.offer_hold_hours,
        }
    }

    /// As the rules' unchecked draft.
    pub fn draft(&self) -> deskvisa_rules::PolicyDraft {
        deskvisa_rules::PolicyDraft {
            max_days_per_stay: self.max_days_per_stay,
            stays_per_year: self.stays_per_year,
            min_notice_days: self.min_notice_days,
            horizon_days: self.horizon_days,
            approval_mode: match self.approval_mode {
                ApprovalMode::Manual => deskvisa_rules::ApprovalMode::Manual,
                ApprovalMode::Auto => deskvisa_rules::ApprovalMode::Auto,
            },
            answer_window_days: self.answer_window_days,
            on_no_answer: match self.on_no_answer {
                OnNoAnswer::Approve => deskvisa_rules::OnNoAnswer::Approve,
                OnNoAnswer::Expire => deskvisa_rules::OnNoAnswer::Expire,
            },
            offer_hold_hours: self.offer_hold_hours,
        }
    }
}

/// The network's policy.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct NetworkPolicy {
    /// Open days every host grants per stay (5 to 30).
    pub guaranteed_days: u32,
    /// Days a cluster may offer no desks before its members are refused (0 to 365).
    pub reciprocity_grace_days: u32,
}

/// A role a member holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoleGrant {
    /// `member`, `cluster_admin` or `network_admin`.
    pub role: String,
    /// The cluster administered (cluster admins).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster_id: Option<Uuid>,
}

/// A member.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Member {
    pub id: Uuid,
    /// Email, lower-cased.
    pub email: String,
    pub name: String,
    /// Company.
    pub company: String,
    /// `en` or `pl`.
    pub locale: String,
    /// Home cluster; null for a network staff account, which belongs to no
    /// cluster (it runs the network and requests no stays).
    pub cluster_id: Option<Uuid>,
    /// A network staff account: no home cluster.
    pub network_staff: bool,
    /// `invited`, `active` or `revoked`.
    pub status: String,
    /// The last date the home cluster vouches for them.
    pub vouched_until: Option<NaiveDate>,
    /// The firm of their home cluster they work for.
    pub firm_id: Option<Uuid>,
    /// Whether the host's firms may see them while they visit.
    pub open_to_meet: bool,
    /// Roles held.
    pub roles: Vec<RoleGrant>,
}

impl Member {
    /// From the record and the roles held.
    pub fn new(m: &MemberRecord, roles: Vec<RoleGrant>) -> Self {
        Member {
            id: m.id.as_uuid(),
            email: m.email.to_string(),
            name: m.name.clone(),
            company: m.company.clone(),
            locale: m.locale.as_str().to_owned(),
            cluster_id: m.cluster_id.map(|c| c.as_uuid()),
            network_staff: m.cluster_id.is_none(),
            status: m.status.as_str().to_owned(),
            vouched_until: m.vouched_until,
            firm_id: m.firm.map(|f| f.as_uuid()),
            open_to_meet: m.open_to_meet,
            roles,
        }
    }

    /// The roles a caller holds.
    pub fn roles_of(c: &Caller) -> Vec<RoleGrant> {
        let mut roles = Vec::new();
        // Network staff belong to no cluster: not a member of one.
        if let Some(home) = c.cluster {
            roles.push(RoleGrant { role: "member".into(), cluster_id: None });
            if c.cluster_admin {
                roles.push(RoleGrant { role: "cluster_admin".into(), cluster_id: Some(home.as_uuid()) });
            }
        }
        if c.network_admin {
            roles.push(RoleGrant { role: "network_admin".into(), cluster_id: None });
        }
        roles
    }
}

/// The caller: member, home cluster, roles.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Me {
    #[serde(flatten)]
    pub member: Member,
    /// Their home cluster; null for a network staff account.
    pub cluster: Option<Cluster>,
}

/// A cluster's members.
#[derive(Debug, Serialize, ToSchema)]
pub struct MemberList {
    /// The members, by email.
    pub items: Vec<Member>,
    /// Always null: one page.
    pub next_cursor: Option<String>,
}

/// One day at a site.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Day {
    #[serde(serialize_with = "iso_date")]
    pub date: NaiveDate,
    /// An open day.
    pub open: bool,
    /// Desks offered (0 when closed).
    pub desks: u32,
    /// Desks held by pending and approved stays.
    pub held: u32,
    /// Desks free.
    pub free: u32,
}

impl Day {
    /// From the service's figures.
    pub fn new(d: &DayAvailability) -> Self {
        Day { date: d.date, open: d.open, desks: d.desks, held: d.held, free: d.free }
    }
}

/// `YYYY-MM-DD` written straight into the output: availability answers are
/// mostly dates, and chrono's serializer formats them a character at a time.
fn iso_date<S: serde::Serializer>(date: &NaiveDate, serializer: S) -> Result<S::Ok, S::Error> {
    use chrono::Datelike;
    let (year, month, day) = (date.year(), date.month(), date.day());
    if !(0..=9999).contains(&year) {
        return serializer.collect_str(date);
    }
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let y = year.unsigned_abs();
    let text = [
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ];
    serializer.serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?)
}

/// Free desks at a site, day by day.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Availability {
    pub site_id: Uuid,
    /// Every day asked for.
    pub days: Vec<Day>,
}

/// A closed day.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Closure {
    pub date: NaiveDate,
    /// Why.
    pub reason: String,
}

/// A site's closures.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ClosureList {
    pub site_id: Uuid,
    /// Its closed days, by date.
    pub items: Vec<Closure>,
}

/// A health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok`, `ready` or `unavailable`.
    pub status: String,
    /// Why it is unavailable: the database does not answer, or migrations
    /// are pending.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One broken rule in a refusal.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationBody {
    /// A rule code of DOMAIN.md, such as `too_soon`.
    pub code: String,
    /// What it means, in words.
    pub message: String,
}

/// A range of dates.
#[derive(Debug, Serialize, ToSchema)]
pub struct DateSpan {
    /// First date.
    pub start_date: NaiveDate,
    /// Last date.
    pub end_date: NaiveDate,
}

/// An error (RFC 9457 problem details).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemBody {
    /// A URI reference naming the problem type.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's name.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened, for people.
    pub detail: String,
    /// The stable code clients act on.
    pub code: String,
    /// With `rule_violation`: every rule broken.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub violations: Option<Vec<ViolationBody>>,
    /// With `no_capacity`: the dates with no free desk.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_dates: Option<Vec<NaiveDate>>,
    /// With `no_capacity`: nearby ranges of the same length that fit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alternatives: Option<Vec<DateSpan>>,
    /// With `malformed_request` for a body whose fields were refused: each
    /// of them, in the body's order (`detail` tells the first).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<FieldErrorBody>>,
}

/// A refused field of a request body.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldErrorBody {
    /// The field, as the body names it.
    pub field: String,
    /// The limit it broke, for people.
    pub detail: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_written_as_chrono_writes_its_date() {
        for text in ["2026-03-04", "0999-01-09", "2027-12-31", "0000-01-01"] {
            let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
            let day = Day { date, open: true, desks: 3, held: 1, free: 2 };
            let json = serde_json::to_value(&day).unwrap();
            assert_eq!(json["date"], serde_json::to_value(date).unwrap(), "{text}");
            assert_eq!(json["date"], text);
        }
        let far = NaiveDate::from_ymd_opt(12_345, 6, 7).unwrap();
        let json = serde_json::to_value(Day { date: far, open: false, desks: 0, held: 0, free: 0 }).unwrap();
        assert_eq!(json["date"], serde_json::to_value(far).unwrap());
    }
}
