//! The map: clusters, their sites, members and roles, host policies.
//! Plain records in, plain records out.

use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{
    ClusterId, ClusterStatus, Country, DeskCount, Email, FirmId, HostPolicy, Latitude, Locale, Longitude, MemberId,
    MemberStatus, SiteId, TimeZone, WeekdaySet,
};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveValue::NotSet, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Select, Set};

use crate::convert::{approval_mode_text, count, on_no_answer_text, parse, stored, zone};
use crate::entity::{cluster, member, member_role, policy, site, site_desk_count};
use crate::error::StoreError;
use crate::tx::Tx;

/// A cluster on the map.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ClusterRecord {
    pub id: ClusterId,
    pub name: String,
    /// City.
    pub city: String,
    pub country: Country,
    pub timezone: TimeZone,
    pub latitude: Latitude,
    pub longitude: Longitude,
    /// Joined the network on.
    pub joined_on: NaiveDate,
    /// Active, suspended or left.
    pub status: ClusterStatus,
}

/// A site of a cluster.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct SiteRecord {
    pub id: SiteId,
    pub cluster_id: ClusterId,
    pub name: String,
    /// Street address.
    pub address: String,
    pub timezone: TimeZone,
    /// Visitor desks.
    pub desks: DeskCount,
    /// Opening weekdays.
    pub open_weekdays: WeekdaySet,
    /// Contact address.
    pub contact_email: String,
    /// House rules.
    pub house_rules: String,
}

/// A member.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct MemberRecord {
    pub id: MemberId,
    /// Email, lower-cased.
    pub email: Email,
    pub name: String,
    /// Company.
    pub company: String,
    /// Language.
    pub locale: Locale,
    /// Home cluster; `None` for network staff, who belong to no cluster
    /// (they run the network and never request stays).
    pub cluster_id: Option<ClusterId>,
    /// Invited, active, revoked.
    pub status: MemberStatus,
    /// Last date vouched for.
    pub vouched_until: Option<NaiveDate>,
    /// The firm of their home cluster they belong to.
    pub firm: Option<FirmId>,
    /// Whether local firms may see them while they visit.
    pub open_to_meet: bool,
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
        country: Country::parse(&row.country).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        timezone: zone(&row.timezone)?,
        latitude: Latitude::new(row.latitude).map_err(|e| StoreError::Corrupt(format!("latitude {e}")))?,
        longitude: Longitude::new(row.longitude).map_err(|e| StoreError::Corrupt(format!("longitude {e}")))?,
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
        desks: DeskCount::new(count("desks", row.desks)?)
            .map_err(|e| StoreError::Corrupt(format!("desks {}: {e}", row.desks)))?,
        open_weekdays: WeekdaySet::from_bits(bits),
        contact_email: row.contact_email,
        house_rules: row.house_rules,
    })
}

/// A cluster as its row: every column but when it was added.
fn cluster_row(c: &ClusterRecord) -> cluster::ActiveModel {
    cluster::ActiveModel {
        id: Set(c.id.as_uuid()),
        name: Set(c.name.clone()),
        city: Set(c.city.clone()),
        country: Set(c.country.to_string()),
        timezone: Set(c.timezone.name().to_owned()),
        latitude: Set(c.latitude.degrees()),
        longitude: Set(c.longitude.degrees()),
        joined_on: Set(c.joined_on),
        status: Set(c.status.as_str().to_owned()),
        created_at: NotSet,
    }
}

/// A site as its row, written at `now`: every column but when it was added.
fn site_row(s: &SiteRecord, now: DateTime<Utc>) -> site::ActiveModel {
    site::ActiveModel {
        id: Set(s.id.as_uuid()),
        cluster_id: Set(s.cluster_id.as_uuid()),
        name: Set(s.name.clone()),
        address: Set(s.address.clone()),
        timezone: Set(s.timezone.name().to_owned()),
        desks: Set(stored(s.desks.get())),
        open_weekdays: Set(i16::from(s.open_weekdays.bits())),
        contact_email: Set(s.contact_email.clone()),
        house_rules: Set(s.house_rules.clone()),
        created_at: NotSet,
        updated_at: Set(now),
    }
}

/// A stored role.
pub(crate) fn role(text: &str) -> Result<Role, StoreError> {
    match text {
        "cluster_admin" => Ok(Role::ClusterAdmin),
        "network_admin" => Ok(Role::NetworkAdmin),
        other => Err(StoreError::Corrupt(format!("role `{other}`"))),
    }
}

pub(crate) fn member_record(row: member::Model) -> Result<MemberRecord, StoreError> {
    Ok(MemberRecord {
        id: MemberId::from_uuid(row.id),
        email: Email::parse(&row.email).map_err(|_| StoreError::Corrupt(format!("email of member {}", row.id)))?,
        name: row.name,
        company: row.company,
        locale: Locale::parse(&row.locale).map_err(|_| StoreError::Corrupt(format!("locale `{}`", row.locale)))?,
        cluster_id: row.cluster_id.map(ClusterId::from_uuid),
        status: parse("member status", &row.status)?,
        vouched_until: row.vouched_until,
        firm: row.firm_id.map(FirmId::from_uuid),
        open_to_meet: row.open_to_meet,
    })
}

impl Tx {
    /// Adds a cluster.
    pub async fn insert_cluster(&self, c: &ClusterRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.map_changed();
        self.insert_row(cluster::ActiveModel { created_at: Set(now), ..cluster_row(c) }).await
    }

    /// One cluster.
    pub async fn cluster(&self, id: ClusterId) -> Result<Option<ClusterRecord>, StoreError> {
        cluster::Entity::find_by_id(id.as_uuid()).one(&self.tx).await?.map(cluster_record).transpose()
    }

    /// The clusters of `ids` that exist, by name (looked up 500 at a time).
    pub async fn clusters_by_id(&self, ids: &[ClusterId]) -> Result<Vec<ClusterRecord>, StoreError> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let rows = cluster::Entity::find()
                .filter(cluster::Column::Id.is_in(chunk.iter().map(|id| id.as_uuid())))
                .all(&self.tx)
                .await?;
            for row in rows {
                found.push(cluster_record(row)?);
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(found)
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
        self.map_changed();
        self.insert_row(site::ActiveModel { created_at: Set(now), ..site_row(s, now) }).await?;
        self.record_offer(s.id, s.desks.get(), s.open_weekdays, now).await
    }

    /// Records a site's desks and opening weekdays from `at` on, which its
    /// cluster's reciprocity standing is judged from.
    pub async fn record_offer(
        &self,
        site: SiteId,
        desks: u32,
        open_weekdays: WeekdaySet,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.insert_row(site_desk_count::ActiveModel {
            id: NotSet,
            site_id: Set(site.as_uuid()),
            at: Set(at),
            desks: Set(stored(desks)),
            open_weekdays: Set(i16::from(open_weekdays.bits())),
        })
        .await
    }

    /// One site.
    pub async fn site(&self, id: SiteId) -> Result<Option<SiteRecord>, StoreError> {
        site::Entity::find_by_id(id.as_uuid()).one(&self.tx).await?.map(site_record).transpose()
    }

    /// The sites of `ids` that exist, by name (looked up 500 at a time).
    pub async fn sites_by_id(&self, ids: &[SiteId]) -> Result<Vec<SiteRecord>, StoreError> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let rows = site::Entity::find()
                .filter(site::Column::Id.is_in(chunk.iter().map(|id| id.as_uuid())))
                .all(&self.tx)
                .await?;
            for row in rows {
                found.push(site_record(row)?);
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(found)
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
        self.insert_row(member::ActiveModel {
            id: Set(m.id.as_uuid()),
            email: Set(m.email.as_str().to_owned()),
            name: Set(m.name.clone()),
            company: Set(m.company.clone()),
            locale: Set(m.locale.as_str().to_owned()),
            cluster_id: Set(m.cluster_id.map(|c| c.as_uuid())),
            status: Set(m.status.as_str().to_owned()),
            vouched_until: Set(m.vouched_until),
            created_at: Set(now),
            updated_at: Set(now),
            firm_id: Set(m.firm.map(|f| f.as_uuid())),
            open_to_meet: Set(m.open_to_meet),
        })
        .await
    }

    /// One member.
    pub async fn member(&self, id: MemberId) -> Result<Option<MemberRecord>, StoreError> {
        member::Entity::find_by_id(id.as_uuid()).one(&self.tx).await?.map(member_record).transpose()
    }

    /// The members of `ids` that exist (looked up 500 at a time).
    pub async fn members(&self, ids: &[MemberId]) -> Result<Vec<MemberRecord>, StoreError> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let rows = member::Entity::find()
                .filter(member::Column::Id.is_in(chunk.iter().map(|id| id.as_uuid())))
                .all(&self.tx)
                .await?;
            for row in rows {
                found.push(member_record(row)?);
            }
        }
        Ok(found)
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

    /// The members with any of these addresses (looked up 500 at a time).
    pub async fn members_by_emails(&self, emails: &[Email]) -> Result<Vec<MemberRecord>, StoreError> {
        let mut found = Vec::new();
        for chunk in emails.chunks(500) {
            let rows = member::Entity::find()
                .filter(member::Column::Email.is_in(chunk.iter().map(|e| e.as_str().to_owned())))
                .all(&self.tx)
                .await?;
            for row in rows {
                found.push(member_record(row)?);
            }
        }
        Ok(found)
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
        rows.into_iter().map(|r| role(&r.role)).collect()
    }

    /// The roles of several members (a page of a list), in one read.
    pub async fn roles_of(
        &self,
        members: &[MemberId],
    ) -> Result<std::collections::HashMap<MemberId, Vec<Role>>, StoreError> {
        let rows = member_role::Entity::find()
            .filter(member_role::Column::MemberId.is_in(members.iter().map(|m| m.as_uuid())))
            .all(&self.tx)
            .await?;
        let mut roles: std::collections::HashMap<MemberId, Vec<Role>> = std::collections::HashMap::new();
        for row in rows {
            roles.entry(MemberId::from_uuid(row.member_id)).or_default().push(role(&row.role)?);
        }
        Ok(roles)
    }

    /// Saves a cluster's host policy.
    pub async fn save_policy(&self, cluster: ClusterId, p: &HostPolicy, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.map_changed();
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
            offer_hold_hours: Set(stored(d.offer_hold_hours)),
            updated_at: Set(now),
        };
        self.save_row(model).await
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
        self.insert_row(crate::entity::closure::ActiveModel {
            site_id: Set(site.as_uuid()),
            date: Set(date),
            reason: Set(reason.to_owned()),
            created_at: Set(now),
        })
        .await
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

    /// A page of a cluster's members, by email: at most `limit`, after the
    /// member `after` (a cursor: `None` when they are not of this cluster).
    /// The cursor is the member's id, so no address is put in a URL.
    pub async fn cluster_members_after(
        &self,
        cluster: ClusterId,
        after: Option<MemberId>,
        limit: u64,
    ) -> Result<Option<Vec<MemberRecord>>, StoreError> {
        use sea_orm::QuerySelect;
        let mut query = member::Entity::find()
            .filter(member::Column::ClusterId.eq(cluster.as_uuid()))
            .order_by_asc(member::Column::Email)
            .limit(limit);
        if let Some(after) = after {
            let email: Option<String> = member::Entity::find_by_id(after.as_uuid())
                .filter(member::Column::ClusterId.eq(cluster.as_uuid()))
                .select_only()
                .column(member::Column::Email)
                .into_tuple()
                .one(&self.tx)
                .await?;
            let Some(email) = email else { return Ok(None) };
            query = query.filter(member::Column::Email.gt(email));
        }
        query.all(&self.tx).await?.into_iter().map(member_record).collect::<Result<_, _>>().map(Some)
    }
}

/// Changes to a site; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct SitePatch {
    pub name: Option<String>,
    /// Address.
    pub address: Option<String>,
    /// Zone.
    pub timezone: Option<TimeZone>,
    /// Visitor desks.
    pub desks: Option<DeskCount>,
    /// Opening weekdays.
    pub open_weekdays: Option<WeekdaySet>,
    /// Contact.
    pub contact_email: Option<String>,
    /// House rules.
    pub house_rules: Option<String>,
}

impl Tx {
    /// Locks a site's row until the transaction ends (PostgreSQL): a site
    /// change takes it exclusively, a stay request shares it, so desks never
    /// change under a request that is taking them.
    pub async fn lock_site(&self, site: SiteId, exclusive: bool) -> Result<(), StoreError> {
        use sea_orm::QuerySelect;
        if self.is_postgres() {
            let query = site::Entity::find_by_id(site.as_uuid());
            if exclusive {
                query.lock_exclusive().one(&self.tx).await?;
            } else {
                query.lock_shared().one(&self.tx).await?;
            }
        }
        Ok(())
    }

    /// Dates from `from` on that hold desks at a site, with how many.
    pub async fn held_from(&self, site: SiteId, from: NaiveDate) -> Result<deskvisa_rules::DeskLoad, StoreError> {
        use sea_orm::QuerySelect;
        let rows: Vec<(NaiveDate, i32)> = crate::entity::site_day::Entity::find()
            .select_only()
            .column(crate::entity::site_day::Column::Date)
            .column(crate::entity::site_day::Column::Held)
            .filter(crate::entity::site_day::Column::SiteId.eq(site.as_uuid()))
            .filter(crate::entity::site_day::Column::Date.gte(from))
            .filter(crate::entity::site_day::Column::Held.gt(0))
            .into_tuple()
            .all(&self.tx)
            .await?;
        Ok(rows.into_iter().map(|(d, n)| (d, n.max(0).unsigned_abs())).collect())
    }

    /// Applies a patch to a site; when the desks change, the day counters
    /// from `today` on follow and the desk count over time is recorded.
    pub async fn update_site(
        &self,
        current: &SiteRecord,
        patch: &SitePatch,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<SiteRecord, StoreError> {
        use sea_orm::sea_query::Expr;
        self.map_changed();
        let patched = |new: &Option<String>, old: &String| new.as_ref().unwrap_or(old).clone();
        let next = SiteRecord {
            name: patched(&patch.name, &current.name),
            address: patched(&patch.address, &current.address),
            timezone: patch.timezone.unwrap_or(current.timezone),
            desks: patch.desks.unwrap_or(current.desks),
            open_weekdays: patch.open_weekdays.unwrap_or(current.open_weekdays),
            contact_email: patched(&patch.contact_email, &current.contact_email),
            house_rules: patched(&patch.house_rules, &current.house_rules),
            ..current.clone()
        };
        // A site stays where it was made, in the cluster that made it.
        site::Entity::update_many()
            .set(site::ActiveModel { id: NotSet, cluster_id: NotSet, ..site_row(&next, now) })
            .filter(site::Column::Id.eq(current.id.as_uuid()))
            .exec(&self.tx)
            .await?;
        if next.desks != current.desks {
            crate::entity::site_day::Entity::update_many()
                .col_expr(crate::entity::site_day::Column::Desks, Expr::value(stored(next.desks.get())))
                .filter(crate::entity::site_day::Column::SiteId.eq(current.id.as_uuid()))
                .filter(crate::entity::site_day::Column::Date.gte(today))
                .exec(&self.tx)
                .await?;
        }
        if next.desks != current.desks || next.open_weekdays != current.open_weekdays {
            self.record_offer(current.id, next.desks.get(), next.open_weekdays, now).await?;
        }
        Ok(next)
    }

    /// A site's closures over a window, by date.
    pub async fn closures(&self, site: SiteId) -> Result<Vec<(NaiveDate, String)>, StoreError> {
        use sea_orm::QuerySelect;
        Ok(crate::entity::closure::Entity::find()
            .select_only()
            .column(crate::entity::closure::Column::Date)
            .column(crate::entity::closure::Column::Reason)
            .filter(crate::entity::closure::Column::SiteId.eq(site.as_uuid()))
            .order_by_asc(crate::entity::closure::Column::Date)
            .into_tuple()
            .all(&self.tx)
            .await?)
    }

    /// Reopens a closed day; whether it was closed.
    pub async fn delete_closure(&self, site: SiteId, date: NaiveDate) -> Result<bool, StoreError> {
        Ok(crate::entity::closure::Entity::delete_many()
            .filter(crate::entity::closure::Column::SiteId.eq(site.as_uuid()))
            .filter(crate::entity::closure::Column::Date.eq(date))
            .exec(&self.tx)
            .await?
            .rows_affected
            == 1)
    }

    /// Changes a cluster's fields.
    pub async fn update_cluster(&self, c: &ClusterRecord) -> Result<(), StoreError> {
        self.map_changed();
        // The date a cluster joined the network stays as it was.
        cluster::Entity::update_many()
            .set(cluster::ActiveModel { id: NotSet, joined_on: NotSet, ..cluster_row(c) })
            .filter(cluster::Column::Id.eq(c.id.as_uuid()))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Saves the network policy.
    pub async fn save_network_policy(
        &self,
        p: &deskvisa_rules::NetworkPolicy,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        use crate::entity::network_policy;
        self.save_row(network_policy::ActiveModel {
            id: Set(1),
            guaranteed_days: Set(stored(p.guaranteed_days())),
            reciprocity_grace_days: Set(stored(p.reciprocity_grace_days())),
            updated_at: Set(now),
        })
        .await
    }

    /// Changes a member's name, locale, status or vouched-until date.
    pub async fn update_member(&self, m: &MemberRecord, now: DateTime<Utc>) -> Result<(), StoreError> {
        use sea_orm::sea_query::Expr;
        member::Entity::update_many()
            .col_expr(member::Column::Name, Expr::value(m.name.clone()))
            .col_expr(member::Column::Locale, Expr::value(m.locale.as_str()))
            .col_expr(member::Column::Status, Expr::value(m.status.as_str()))
            .col_expr(member::Column::VouchedUntil, Expr::value(m.vouched_until))
            .col_expr(member::Column::OpenToMeet, Expr::value(m.open_to_meet))
            .col_expr(member::Column::UpdatedAt, Expr::value(now))
            .filter(member::Column::Id.eq(m.id.as_uuid()))
            .exec(&self.tx)
            .await?;
        Ok(())
    }

    /// Takes a role away; whether it was held.
    pub async fn revoke_role(&self, member: MemberId, role: Role) -> Result<bool, StoreError> {
        Ok(member_role::Entity::delete_many()
            .filter(member_role::Column::MemberId.eq(member.as_uuid()))
            .filter(member_role::Column::Role.eq(role.as_str()))
            .exec(&self.tx)
            .await?
            .rows_affected
            == 1)
    }

    /// Everyone who holds the cluster-admin role (of whichever cluster).
    async fn cluster_admin_ids(&self) -> Result<Vec<uuid::Uuid>, StoreError> {
        use sea_orm::QuerySelect;
        Ok(member_role::Entity::find()
            .select_only()
            .column(member_role::Column::MemberId)
            .filter(member_role::Column::Role.eq(Role::ClusterAdmin.as_str()))
            .into_tuple()
            .all(&self.tx)
            .await?)
    }

    /// The members of `cluster` who hold its admin role and are not revoked.
    async fn live_admins(&self, cluster: ClusterId) -> Result<Select<member::Entity>, StoreError> {
        let admins = self.cluster_admin_ids().await?;
        Ok(member::Entity::find()
            .filter(member::Column::ClusterId.eq(cluster.as_uuid()))
            .filter(member::Column::Id.is_in(admins))
            .filter(member::Column::Status.ne(MemberStatus::Revoked.as_str())))
    }

    /// A cluster's admins who may still act (not revoked), by email: the
    /// people mail "to the host's cluster admins" goes to.
    pub async fn cluster_admins(&self, cluster: ClusterId) -> Result<Vec<MemberRecord>, StoreError> {
        let query = self.live_admins(cluster).await?.order_by_asc(member::Column::Email);
        query.all(&self.tx).await?.into_iter().map(member_record).collect()
    }

    /// How many admins a cluster has who are not revoked.
    pub async fn admin_count(&self, cluster: ClusterId) -> Result<u64, StoreError> {
        use sea_orm::PaginatorTrait;
        Ok(self.live_admins(cluster).await?.count(&self.tx).await?)
    }

    /// Whether a member ever signed in (a used sign-in link or a session
    /// on record).
    pub async fn has_signed_in(&self, member: MemberId) -> Result<bool, StoreError> {
        #[derive(sea_orm::FromQueryResult)]
        struct Row {
            n: i64,
        }
        let rows = self
            .rows::<Row>(
                "SELECT (SELECT COUNT(*) FROM sign_in_tokens WHERE member_id = $1 AND used_at IS NOT NULL) \
                 + (SELECT COUNT(*) FROM sessions WHERE member_id = $1) AS n",
                vec![member.as_uuid().into()],
            )
            .await?;
        Ok(rows.first().is_some_and(|r| r.n > 0))
    }
}
