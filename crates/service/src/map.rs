//! The map's use cases: clusters, sites, members, roles and host policies.

use chrono::NaiveDate;
use deskvisa_rules::{
    ClusterId, ClusterStatus, Country, DeskCount, Email, HostPolicy, Latitude, Locale, Longitude, MemberId,
    MemberStatus, NetworkPolicy, PolicyDraft, SiteId, TimeZone, WeekdaySet,
};
use deskvisa_store::{ClusterRecord, MemberRecord, Role, SiteRecord, StoreError};

use crate::Service;
use crate::caller::Caller;
use crate::conflict::Conflict;
use crate::error::ServiceError;

/// A cluster to add.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct NewCluster {
    pub name: String,
    /// City.
    pub city: String,
    pub country: Country,
    pub timezone: TimeZone,
    pub latitude: Latitude,
    pub longitude: Longitude,
    /// Joined on.
    pub joined_on: NaiveDate,
}

/// A site to add.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct NewSite {
    pub name: String,
    /// Address.
    pub address: String,
    /// Zone (the cluster's when absent).
    pub timezone: Option<TimeZone>,
    /// Visitor desks.
    pub desks: DeskCount,
    /// Opening weekdays.
    pub open_weekdays: WeekdaySet,
    /// Contact.
    pub contact_email: Email,
    /// House rules.
    pub house_rules: String,
}

/// A member to invite.
#[derive(Debug, Clone)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct NewMember {
    /// Email.
    pub email: Email,
    pub name: String,
    /// Company.
    pub company: String,
    /// Language.
    pub locale: Locale,
}

/// The record of a person newly invited: `invited` until their first
/// sign-in; `cluster` is `None` for network staff.
pub(crate) fn invited(new: NewMember, cluster: Option<ClusterId>, vouched_until: Option<NaiveDate>) -> MemberRecord {
    MemberRecord {
        id: MemberId::from_uuid(uuid::Uuid::new_v4()),
        email: new.email,
        name: new.name,
        company: new.company,
        locale: new.locale,
        cluster_id: cluster,
        status: MemberStatus::Invited,
        vouched_until,
        firm: None,
        open_to_meet: false,
    }
}

/// The record of a cluster newly on the map: active from the start.
pub(crate) fn joined(new: NewCluster) -> ClusterRecord {
    ClusterRecord {
        id: ClusterId::from_uuid(uuid::Uuid::new_v4()),
        name: new.name,
        city: new.city,
        country: new.country,
        timezone: new.timezone,
        latitude: new.latitude,
        longitude: new.longitude,
        joined_on: new.joined_on,
        status: ClusterStatus::Active,
    }
}

/// What writing a cluster called `name` gave: a unique violation is the
/// name taken by another cluster (409 `cluster_name_taken`).
pub(crate) fn name_free(written: Result<(), StoreError>, name: &str) -> Result<(), ServiceError> {
    match written {
        Err(StoreError::Unique(_)) => Err(Conflict::ClusterNameTaken { name: name.to_owned() }.into()),
        other => Ok(other?),
    }
}

/// What writing a new member gave: a unique violation is the address
/// taken by a member already (409 `email_taken`).
pub(crate) fn email_free(written: Result<(), StoreError>) -> Result<(), ServiceError> {
    match written {
        Err(StoreError::Unique(_)) => Err(Conflict::EmailTaken.into()),
        other => Ok(other?),
    }
}

impl Service {
    /// Adds a cluster (the network's operator, or the seed).
    pub async fn add_cluster(&self, new: NewCluster) -> Result<ClusterRecord, ServiceError> {
        let record = joined(new);
        let tx = self.store.begin_write().await?;
        name_free(tx.insert_cluster(&record, self.now()).await, &record.name)?;
        tx.commit().await?;
        Ok(record)
    }

    /// Adds a site to a cluster.
    pub async fn add_site(&self, cluster: ClusterId, new: NewSite) -> Result<SiteRecord, ServiceError> {
        let tx = self.store.begin_write().await?;
        let owner = tx.cluster(cluster).await?.ok_or(ServiceError::NotFound)?;
        let record = SiteRecord {
            id: SiteId::from_uuid(uuid::Uuid::new_v4()),
            cluster_id: cluster,
            name: new.name,
            address: new.address,
            timezone: new.timezone.unwrap_or(owner.timezone),
            desks: new.desks,
            open_weekdays: new.open_weekdays,
            contact_email: new.contact_email.to_string(),
            house_rules: new.house_rules,
        };
        tx.insert_site(&record, self.now()).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Adds a member of `cluster` without telling them (the demo, tools,
    /// tests); 409 `email_taken` if the address is known.
    pub async fn add_member(&self, cluster: ClusterId, new: NewMember) -> Result<MemberRecord, ServiceError> {
        self.insert_member(cluster, new, None).await
    }

    /// Adds a member of `cluster` and, invited by someone (`invited_by`),
    /// queues the welcome email with a sign-in link in the same
    /// transaction, within the inviter's hourly invitations.
    pub(crate) async fn insert_member(
        &self,
        cluster: ClusterId,
        new: NewMember,
        invited_by: Option<&Caller>,
    ) -> Result<MemberRecord, ServiceError> {
        let mut record = invited(new, Some(cluster), None);
        let now = self.now();
        let tx = self.store.begin_write().await?;
        tx.cluster(cluster).await?.ok_or(ServiceError::NotFound)?;
        email_free(tx.insert_member(&record, now).await)?;
        crate::firms::join_firm_named(&tx, &mut record, now).await?;
        if let Some(inviter) = invited_by {
            self.count_invitations(&tx, inviter, 1).await?;
            if let Some(mail) = self.welcome(&tx, &record, now).await? {
                tx.enqueue_mail(&[mail], now).await?;
            }
        }
        tx.commit().await?;
        Ok(record)
    }

    /// Gives a member a role.
    pub async fn grant_role(&self, member: MemberId, role: Role) -> Result<(), ServiceError> {
        let tx = self.store.begin_write().await?;
        tx.member(member).await?.ok_or(ServiceError::NotFound)?;
        tx.grant_role(member, role, self.now()).await?;
        Ok(tx.commit().await?)
    }

    /// Saves a host policy, if it passes its floors under the network's policy.
    pub async fn save_policy(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        draft: PolicyDraft,
    ) -> Result<HostPolicy, ServiceError> {
        if !caller.admin_of(cluster) {
            return Err(ServiceError::Forbidden);
        }
        let tx = self.store.begin_write().await?;
        let network: NetworkPolicy = tx.network_policy().await?;
        let policy = HostPolicy::new(draft, &network).map_err(ServiceError::Policy)?;
        tx.save_policy(cluster, &policy, self.now()).await?;
        tx.commit().await?;
        Ok(policy)
    }

    /// The caller behind a member id (for authentication).
    pub async fn caller(&self, member: MemberId) -> Result<Caller, ServiceError> {
        let tx = self.store.begin_read().await?;
        let record = tx.member(member).await?.ok_or(ServiceError::NotFound)?;
        let roles = tx.roles(member).await?;
        Ok(Caller::new(&record, &roles))
    }
}

impl Service {
    /// A host admin closes a site on a date, unless the day holds stays
    /// (409 `dates_hold_stays` with the date).
    pub async fn close_day(
        &self,
        caller: &Caller,
        site: SiteId,
        date: NaiveDate,
        reason: &str,
    ) -> Result<(), ServiceError> {
        self.close_days(caller, site, deskvisa_rules::DateRange::day(date), reason).await
    }

    /// A host admin closes every open day of a range (at most
    /// [`MAX_CLOSED_AT_ONCE`] days) in one transaction: all of them, or
    /// none when any holds stays (409 `dates_hold_stays` with those dates).
    /// Days closed already stay closed.
    pub async fn close_days(
        &self,
        caller: &Caller,
        site: SiteId,
        range: deskvisa_rules::DateRange,
        reason: &str,
    ) -> Result<(), ServiceError> {
        use deskvisa_rules::{SiteSetup, dates_hold_stays};
        if range.len() > MAX_CLOSED_AT_ONCE {
            return Err(ServiceError::Invalid(format!("close at most {MAX_CLOSED_AT_ONCE} days at once")));
        }
        let tx = self.store.begin_write().await?;
        let record = tx.site(site).await?.ok_or(ServiceError::NotFound)?;
        if !caller.admin_of(record.cluster_id) {
            return Err(ServiceError::Forbidden);
        }
        let today = record.timezone.date_at(self.now());
        self.bounded(deskvisa_rules::DateField::Closure, range.start(), today)?;
        self.bounded(deskvisa_rules::DateField::Closure, range.end(), today)?;
        let (calendar, held) =
            tx.site_days(site, i16::from(record.open_weekdays.bits()), range.start(), range.end()).await?;
        // One day is closed as asked (as it always was); a range, on its open days.
        let open: Vec<NaiveDate> =
            if range.len() == 1 { vec![range.start()] } else { calendar.open_days(range).collect() };
        let current = SiteSetup { zone: record.timezone, desks: record.desks.get(), calendar: calendar.clone() };
        let closed = open.iter().fold(calendar, |c, d| c.with_closure(*d));
        let proposed = SiteSetup { calendar: closed, ..current.clone() };
        let lost = dates_hold_stays(&held, today, &current, &proposed);
        if !lost.is_empty() {
            return Err(ServiceError::DatesHoldStays { dates: lost });
        }
        for date in open {
            match tx.insert_closure(site, date, reason, self.now()).await {
                Err(StoreError::Unique(_)) => {}
                other => other?,
            }
        }
        Ok(tx.commit().await?)
    }
}

/// The most days one closing may cover (a year).
pub const MAX_CLOSED_AT_ONCE: u64 = 366;
