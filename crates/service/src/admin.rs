//! Running the network and a cluster: adding and changing clusters, the
//! network policy, a cluster's admins and members. Network admins may do all
//! of it; a cluster's admins, what concerns their own cluster.

use chrono::NaiveDate;
use deskvisa_rules::{
    ClusterId, ClusterStatus, Country, Email, Latitude, Locale, Longitude, MemberId, MemberStatus, NetworkPolicy,
    TimeZone,
};
use deskvisa_store::{ClusterRecord, MemberRecord, Role, StoreError};

use crate::Service;
use crate::caller::{Caller, cluster_run_by};
use crate::conflict::Conflict;
use crate::error::ServiceError;
use crate::map::{NewCluster, NewMember, email_free, invited, joined, name_free};
use crate::paging::{Page, PageRequest, foreign_cursor};

/// Changes to a cluster; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ClusterPatch {
    pub name: Option<String>,
    /// City.
    pub city: Option<String>,
    pub country: Option<Country>,
    /// Zone.
    pub timezone: Option<TimeZone>,
    pub latitude: Option<Latitude>,
    pub longitude: Option<Longitude>,
    /// Active, suspended, left.
    pub status: Option<ClusterStatus>,
}

/// What a cluster's admin changes of a member.
enum MemberChange {
    VouchedUntil(Option<NaiveDate>),
    Revoke,
    Restore,
}

/// 409 `last_admin`.
fn last_admin() -> ServiceError {
    Conflict::LastAdmin.into()
}

fn network_admin(caller: &Caller) -> Result<(), ServiceError> {
    if caller.network_admin { Ok(()) } else { Err(ServiceError::Forbidden) }
}

impl Service {
    /// A network admin adds a cluster to the map.
    pub async fn create_cluster(&self, caller: &Caller, new: NewCluster) -> Result<ClusterRecord, ServiceError> {
        network_admin(caller)?;
        self.bounded(deskvisa_rules::DateField::JoinedOn, new.joined_on, self.now().date_naive())?;
        self.add_cluster(new).await
    }

    /// A network admin adds a cluster with its first admin, in one
    /// transaction: the cluster, the admin invited as its member (a welcome
    /// email with a sign-in link in the outbox) and given the role. An
    /// address that already has an account is 409 `email_taken`, and
    /// nothing is added.
    pub async fn create_cluster_with_admin(
        &self,
        caller: &Caller,
        new: NewCluster,
        admin: NewMember,
    ) -> Result<(ClusterRecord, MemberRecord), ServiceError> {
        network_admin(caller)?;
        self.bounded(deskvisa_rules::DateField::JoinedOn, new.joined_on, self.now().date_naive())?;
        let now = self.now();
        let cluster = joined(new);
        let member = invited(admin, Some(cluster.id), None);
        let tx = self.store.begin_write().await?;
        name_free(tx.insert_cluster(&cluster, now).await, &cluster.name)?;
        email_free(tx.insert_member(&member, now).await)?;
        tx.grant_role(member.id, Role::ClusterAdmin, now).await?;
        self.count_invitations(&tx, caller, 1).await?;
        if let Some(mail) = self.welcome(&tx, &member, now).await? {
            tx.enqueue_mail(&[mail], now).await?;
        }
        tx.commit().await?;
        Ok((cluster, member))
    }

    /// A network admin changes a cluster, its status included.
    pub async fn update_cluster(
        &self,
        caller: &Caller,
        id: ClusterId,
        patch: ClusterPatch,
    ) -> Result<ClusterRecord, ServiceError> {
        let tx = self.store.begin_write().await?;
        let mut c = tx.cluster(id).await?.ok_or(ServiceError::NotFound)?;
        network_admin(caller)?;
        c.name = patch.name.unwrap_or(c.name);
        c.city = patch.city.unwrap_or(c.city);
        c.country = patch.country.unwrap_or(c.country);
        c.timezone = patch.timezone.unwrap_or(c.timezone);
        c.latitude = patch.latitude.unwrap_or(c.latitude);
        c.longitude = patch.longitude.unwrap_or(c.longitude);
        c.status = patch.status.unwrap_or(c.status);
        name_free(tx.update_cluster(&c).await, &c.name)?;
        tx.commit().await?;
        Ok(c)
    }

    /// The network policy.
    pub async fn network_policy(&self) -> Result<NetworkPolicy, ServiceError> {
        let tx = self.store.begin_read().await?;
        Ok(tx.network_policy().await?)
    }

    /// A network admin changes the network policy.
    pub async fn save_network_policy(
        &self,
        caller: &Caller,
        guaranteed_days: u32,
        reciprocity_grace_days: u32,
    ) -> Result<NetworkPolicy, ServiceError> {
        network_admin(caller)?;
        let policy = NetworkPolicy::new(guaranteed_days, reciprocity_grace_days).map_err(ServiceError::Policy)?;
        let tx = self.store.begin_write().await?;
        tx.save_network_policy(&policy, self.now()).await?;
        tx.commit().await?;
        Ok(policy)
    }

    /// Makes a person one of a cluster's admins, inviting them as a member of
    /// that cluster first if they are not one.
    pub async fn add_cluster_admin(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        email: Email,
        name: String,
    ) -> Result<MemberRecord, ServiceError> {
        cluster_run_by(&self.store.begin_read().await?, caller, cluster).await?;
        let existing = {
            let tx = self.store.begin_read().await?;
            tx.member_by_email(&email).await?
        };
        let member = match existing {
            Some(m) if m.cluster_id == Some(cluster) => m,
            Some(_) => {
                return Err(Conflict::EmailTakenElsewhere.into());
            }
            None => {
                let new = NewMember { email, name, company: String::new(), locale: Locale::En };
                self.insert_member(cluster, new, Some(caller)).await?
            }
        };
        self.grant_role(member.id, Role::ClusterAdmin).await?;
        Ok(member)
    }

    /// Takes the admin role away, never from a cluster's last admin (409 `last_admin`).
    pub async fn remove_cluster_admin(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        member: MemberId,
    ) -> Result<(), ServiceError> {
        let tx = self.store.begin_write().await?;
        cluster_run_by(&tx, caller, cluster).await?;
        let record =
            tx.member(member).await?.filter(|m| m.cluster_id == Some(cluster)).ok_or(ServiceError::NotFound)?;
        if !tx.roles(record.id).await?.contains(&Role::ClusterAdmin) {
            return Err(ServiceError::NotFound);
        }
        if tx.admin_count(cluster).await? <= 1 {
            return Err(last_admin());
        }
        tx.revoke_role(member, Role::ClusterAdmin).await?;
        Ok(tx.commit().await?)
    }

    /// A cluster's admin (or a network admin) invites a member of that cluster.
    pub async fn invite_member(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        new: NewMember,
    ) -> Result<MemberRecord, ServiceError> {
        cluster_run_by(&self.store.begin_read().await?, caller, cluster).await?;
        self.insert_member(cluster, new, Some(caller)).await
    }

    /// A cluster's members, with their roles.
    pub async fn members_of(
        &self,
        caller: &Caller,
        cluster: ClusterId,
    ) -> Result<Vec<(MemberRecord, Vec<Role>)>, ServiceError> {
        let tx = self.store.begin_read().await?;
        cluster_run_by(&tx, caller, cluster).await?;
        let mut out = Vec::new();
        for m in tx.cluster_members(cluster).await? {
            let roles = tx.roles(m.id).await?;
            out.push((m, roles));
        }
        Ok(out)
    }

    /// A page of a cluster's members (by email), with their roles.
    pub async fn members_page(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        page: PageRequest<MemberId>,
    ) -> Result<Page<(MemberRecord, Vec<Role>), MemberId>, ServiceError> {
        let tx = self.store.begin_read().await?;
        cluster_run_by(&tx, caller, cluster).await?;
        let rows = tx.cluster_members_after(cluster, page.after, page.rows()).await?.ok_or_else(foreign_cursor)?;
        let mut roles = tx.roles_of(&rows.iter().map(|m| m.id).collect::<Vec<_>>()).await?;
        let out = rows
            .into_iter()
            .map(|m| {
                let held = roles.remove(&m.id).unwrap_or_default();
                (m, held)
            })
            .collect();
        Ok(page.page(out, |(m, _)| m.id))
    }

    /// Changes how long a cluster vouches for one of its members (`None`: no end).
    pub async fn set_vouched_until(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        member: MemberId,
        vouched_until: Option<NaiveDate>,
    ) -> Result<MemberRecord, ServiceError> {
        self.change_member(caller, cluster, member, MemberChange::VouchedUntil(vouched_until)).await
    }

    /// Revokes a member: their tokens and sessions stop working at once.
    /// Never the cluster's last admin who is not revoked (409 `last_admin`).
    pub async fn revoke_member(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        member: MemberId,
    ) -> Result<MemberRecord, ServiceError> {
        self.change_member(caller, cluster, member, MemberChange::Revoke).await
    }

    /// Gives a revoked member back their membership: `active` again if they
    /// ever signed in, else `invited`. A member who is not revoked is left
    /// as they are.
    pub async fn restore_member(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        member: MemberId,
    ) -> Result<MemberRecord, ServiceError> {
        self.change_member(caller, cluster, member, MemberChange::Restore).await
    }

    async fn change_member(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        member: MemberId,
        change: MemberChange,
    ) -> Result<MemberRecord, ServiceError> {
        let tx = self.store.begin_write().await?;
        cluster_run_by(&tx, caller, cluster).await?;
        let mut record =
            tx.member(member).await?.filter(|m| m.cluster_id == Some(cluster)).ok_or(ServiceError::NotFound)?;
        let roles = tx.roles(member).await?;
        // A cluster's admin runs its members, not the network's admins and
        // not themselves: else a cluster could lock the network out, or its
        // sole admin lock the cluster out.
        if !caller.network_admin && (roles.contains(&Role::NetworkAdmin) || member == caller.member) {
            return Err(ServiceError::Forbidden);
        }
        match change {
            MemberChange::VouchedUntil(until) => {
                let today = self.now().date_naive();
                record.vouched_until =
                    until.map(|d| self.bounded(deskvisa_rules::DateField::VouchedUntil, d, today)).transpose()?;
            }
            MemberChange::Revoke => {
                if record.status != MemberStatus::Revoked
                    && roles.contains(&Role::ClusterAdmin)
                    && tx.admin_count(cluster).await? <= 1
                {
                    return Err(last_admin());
                }
                record.status = MemberStatus::Revoked;
            }
            MemberChange::Restore if record.status == MemberStatus::Revoked => {
                record.status =
                    if tx.has_signed_in(member).await? { MemberStatus::Active } else { MemberStatus::Invited };
            }
            MemberChange::Restore => return Ok(record),
        }
        tx.update_member(&record, self.now()).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// A member changes their own name, language, or whether local firms
    /// may see them while they visit.
    pub async fn update_me(
        &self,
        caller: &Caller,
        name: Option<String>,
        locale: Option<Locale>,
        open_to_meet: Option<bool>,
    ) -> Result<MemberRecord, ServiceError> {
        let tx = self.store.begin_write().await?;
        let mut record = tx.member(caller.member).await?.ok_or(ServiceError::NotFound)?;
        record.name = name.unwrap_or(record.name);
        record.locale = locale.unwrap_or(record.locale);
        record.open_to_meet = open_to_meet.unwrap_or(record.open_to_meet);
        match tx.update_member(&record, self.now()).await {
            Err(StoreError::Unique(_)) => return Err(ServiceError::Internal("unexpected unique violation".into())),
            other => other?,
        }
        tx.commit().await?;
        Ok(record)
    }
}
