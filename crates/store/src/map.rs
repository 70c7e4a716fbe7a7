//! The map: clusters, their sites, members and roles, host policies.
//! Plain records in, plain records out.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{
    ClusterId, ClusterStatus, Email, HostPolicy, Locale, MemberId, MemberStatus, SiteId, TimeZone, WeekdaySet,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use crate::convert::{approval_mode_text, count, on_no_answer_text, parse, stored, zone};
use crate::entity::{cluster, member, member_role, policy, site, site_desk_count};
use crate::error::StoreError;
use crate::tx::Tx;

/// A cluster on the map.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterRecord {
    /// Its id.
    pub id: ClusterId,
    /// Name.
    pub name: String,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Its zone.
    pub timezone: TimeZone,
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
    /// Joined the network on.
    pub joined_on: NaiveDate,
    /// Active, suspended or left.
    pub status: ClusterStatus,
}

/// A site of a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRecord {
    /// Its id.
    pub id: SiteId,
    /// Its cluster.
    pub cluster_id: ClusterId,
    /// Name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// Its zone.
    pub timezone: TimeZone,
    /// Visitor desks.
    pub desks: u32,
    /// Opening weekdays.
    pub open_weekdays: WeekdaySet,
    /// Contact address.
    pub contact_email: String,
    /// House rules.
    pub house_rules: String,
}

/// A member.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRecord {
    /// Its id.
    pub id: MemberId,
    /// Email, lower-cased.
    pub email: Email,
    /// Name.
    pub name: String,
    /// Company.
    pub company: String,
    /// Language.
    pub locale: Locale,
    /// Home cluster.
    pub cluster_id: ClusterId,
    /// Invited, active, revoked.
    pub status: MemberStatus,
    /// Last date vouched for.
    pub vouched_until: Option<NaiveDate>,
}

/// A role a member holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Administers the member's own cluster.
    ClusterAdmin,
    /// Administers the network.
    NetworkAdmin,
}

impl Role {
    /// As stored and shown.
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::ClusterAdmin => "cluster_admin",
            Role::NetworkAdmin => "network_admin",
        }
    }
}

fn cluster_record(row: cluster::Model) -> Result<ClusterRecord, StoreError> {
    Ok(ClusterRecord {
        id: ClusterId::from_uuid(row.id),
        name: row.name,
        city: row.city,
        country: row.country,
        timezone: zone(&row.timezone)?,
        latitude: row.latitude,
        longitude: row.longitude,
        joined_on: row.joined_on,
        status: parse("cluster status", &row.status)?,
    })
}

fn site_record(row: site::Model) -> Result<SiteRecord, StoreError> {
    let bits = u8::try_from(row.open_weekdays)
        .map_err(|_| StoreError::Corrupt(format!("open weekdays {}", row.open_weekdays)))?;
    Ok(SiteRecord {
        id: SiteId::from_uuid(row.id),
        cluster_id: ClusterId::from_uuid(row.cluster_id),
        name: row.name,
        address: row.address,
        timezone: zone(&row.timezone)?,
        desks: count("desks", row.desks)?,
        open_weekdays: WeekdaySet::from_bits(bits),
        contact_email: row.contact_email,
        house_rules: row.house_rules,
    })
}

fn member_record(row: member::Model) -> Result<MemberRecord, StoreError> {
    Ok(MemberRecord {
        id: MemberId::from_uuid(row.id),
        email: Email::parse(&row.email).map_err(|_| StoreError::Corrupt(format!("email of member {}", row.id)))?,
        name: row.name,
        company: row.company,
        locale: Locale::parse(&row.locale).map_err(|_| StoreError::Corrupt(format!("locale `{}`", row.locale)))?,
        cluster_id: ClusterId::from_uuid(row.cluster_id),
        status: parse("member status", &row.status)?,
        vouched_until: row.vouched_until,
    })
}

impl Tx {
    /// Adds a cluster.
    pub async fn insert_cluster(&self, c: &ClusterRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        cluster::Entity::insert(cluster::ActiveModel {
            id: Set(c.id.as_uuid()),
            name: Set(c.name.clone()),
            city: Set(c.city.clone()),
            country: Set(c.country.clone()),
            timezone: Set(c.timezone.name().to_owned()),
            latitude: Set(c.latitude),
            longitude: Set(c.longitude),
            joined_on: Set(c.joined_on),
            status: Set(c.status.as_str().to_owned()),
            created_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// One cluster.
    pub async fn cluster(&self, id: ClusterId) -> Result<Option<ClusterRecord>, StoreError> {
        cluster::Entity::find_by_id(id.as_uuid()).one(&self.tx).await?.map(cluster_record).transpose()
    }

    /// Every cluster, by name.
    pub async fn clusters(&self) -> Result<Vec<ClusterRecord>, StoreError> {
        cluster::Entity::find()
            .order_by_asc(cluster::Column::Name)
            .all(&self.tx)
            .await?
            .into_iter()
            .map(cluster_record)
            .collect()
    }

    /// Adds a site and records its first desk count.
    pub async fn insert_site(&self, s: &SiteRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        site::Entity::insert(site::ActiveModel {
            id: Set(s.id.as_uuid()),
            cluster_id: Set(s.cluster_id.as_uuid()),
            name: Set(s.name.clone()),
            address: Set(s.address.clone()),
            timezone: Set(s.timezone.name().to_owned()),
            desks: Set(stored(s.desks)),
            open_weekdays: Set(i16::from(s.open_weekdays.bits())),
            contact_email: Set(s.contact_email.clone()),
            house_rules: Set(s.house_rules.clone()),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        self.record_desk_count(s.id, s.desks, now).await
    }

    /// Records a site's desk count from `at` on (reciprocity standing).
    pub async fn record_desk_count(&self, site: SiteId, desks: u32, at: DateTime<Utc>) -> Result<(), StoreError> {
        site_desk_count::Entity::insert(site_desk_count::ActiveModel {
            id: NotSet,
            site_id: Set(site.as_uuid()),
            at: Set(at),
            desks: Set(stored(desks)),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// One site.
    pub async fn site(&self, id: SiteId) -> Result<Option<SiteRecord>, StoreError> {
        site::Entity::find_by_id(id.as_uuid()).one(&self.tx).await?.map(site_record).transpose()
    }

    /// Every site, or a cluster's, by name.
    pub async fn sites(&self, cluster: Option<ClusterId>) -> Result<Vec<SiteRecord>, StoreError> {
        let mut query = site::Entity::find().order_by_asc(site::Column::Name);
        if let Some(cluster) = cluster {
            query = query.filter(site::Column::ClusterId.eq(cluster.as_uuid()));
        }
        query.all(&self.tx).await?.into_iter().map(site_record).collect()
    }

    /// Adds a member (`Unique` if the email is taken).
    pub async fn insert_member(&self, m: &MemberRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        member::Entity::insert(member::ActiveModel {
            id: Set(m.id.as_uuid()),
            email: Set(m.email.as_str().to_owned()),
            name: Set(m.name.clone()),
            company: Set(m.company.clone()),
            locale: Set(m.locale.as_str().to_owned()),
            cluster_id: Set(m.cluster_id.as_uuid()),
            status: Set(m.status.as_str().to_owned()),
            vouched_until: Set(m.vouched_until),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// One member.
    pub async fn member(&self, id: MemberId) -> Result<Option<MemberRecord>, StoreError> {
        member::Entity::find_by_id(id.as_uuid()).one(&self.tx).await?.map(member_record).transpose()
    }

    /// A member by email.
    pub async fn member_by_email(&self, email: &Email) -> Result<Option<MemberRecord>, StoreError> {
        member::Entity::find()
            .filter(member::Column::Email.eq(email.as_str()))
            .one(&self.tx)
            .await?
            .map(member_record)
            .transpose()
    }

    /// Gives a member a role (no-op if held).
    pub async fn grant_role(&self, member: MemberId, role: Role, now: DateTime<Utc>) -> Result<(), StoreError> {
        member_role::Entity::insert(member_role::ActiveModel {
            member_id: Set(member.as_uuid()),
            role: Set(role.as_str().to_owned()),
            granted_at: Set(now),
        })
        .on_conflict(
            OnConflict::columns([member_role::Column::MemberId, member_role::Column::Role]).do_nothing().to_owned(),
        )
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// The roles a member holds.
    pub async fn roles(&self, member: MemberId) -> Result<Vec<Role>, StoreError> {
        let rows = member_role::Entity::find()
            .filter(member_role::Column::MemberId.eq(member.as_uuid()))
            .all(&self.tx)
            .await?;
        rows.into_iter()
            .map(|r| match r.role.as_str() {
                "cluster_admin" => Ok(Role::ClusterAdmin),
                "network_admin" => Ok(Role::NetworkAdmin),
                other => Err(StoreError::Corrupt(format!("role `{other}`"))),
            })
            .collect()
    }

    /// Saves a cluster's host policy.
    pub async fn save_policy(&self, cluster: ClusterId, p: &HostPolicy, now: DateTime<Utc>) -> Result<(), StoreError> {
        let d = p.draft();
        let model = policy::ActiveModel {
            cluster_id: Set(cluster.as_uuid()),
            max_days_per_stay: Set(stored(d.max_days_per_stay)),
            stays_per_year: Set(stored(d.stays_per_year)),
            min_notice_days: Set(stored(d.min_notice_days)),
            horizon_days: Set(stored(d.horizon_days)),
            approval_mode: Set(approval_mode_text(d.approval_mode).to_owned()),
            answer_window_days: Set(stored(d.answer_window_days)),
            on_no_answer: Set(on_no_answer_text(d.on_no_answer).to_owned()),
            updated_at: Set(now),
        };
        policy::Entity::insert(model)
            .on_conflict(
                OnConflict::column(policy::Column::ClusterId)
                    .update_columns([
                        policy::Column::MaxDaysPerStay,
                        policy::Column::StaysPerYear,
                        policy::Column::MinNoticeDays,
                        policy::Column::HorizonDays,
                        policy::Column::ApprovalMode,
                        policy::Column::AnswerWindowDays,
                        policy::Column::OnNoAnswer,
                        policy::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec_without_returning(&self.tx)
            .await?;
        Ok(())
    }
}

impl Tx {
    /// Closes a site on a date (`Unique` if it is closed already).
    pub async fn insert_closure(
        &self,
        site: SiteId,
        date: NaiveDate,
        reason: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        crate::entity::closure::Entity::insert(crate::entity::closure::ActiveModel {
            site_id: Set(site.as_uuid()),
            date: Set(date),
            reason: Set(reason.to_owned()),
            created_at: Set(now),
        })
        .exec_without_returning(&self.tx)
        .await?;
        Ok(())
    }

    /// Whether any cluster exists yet.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(cluster::Entity::find().one(&self.tx).await?.is_none())
    }
}

impl Tx {
    /// A cluster's members, by email.
    pub async fn cluster_members(&self, cluster: ClusterId) -> Result<Vec<MemberRecord>, StoreError> {
        member::Entity::find()
            .filter(member::Column::ClusterId.eq(cluster.as_uuid()))
            .order_by_asc(member::Column::Email)
            .all(&self.tx)
            .await?
            .into_iter()
            .map(member_record)
            .collect()
    }
}
