//! Firms (issue 21) as use cases: a cluster's admins add firms and, with
//! each firm's contact, keep its profile; a member says which firm of their
//! home cluster they work for; members of active clusters and network staff
//! search the directory. A firm of a cluster that is not active is hidden
//! from everyone but those who run that cluster.

use deskvisa_rules::{ClusterId, ClusterStatus, Continent, Country, FirmId, MemberId, MemberStatus, SearchTerms};
use deskvisa_store::{FirmFilter, FirmProfile, FirmRecord, MemberRecord, StoreError, Tx};

use crate::Service;
use crate::caller::{Caller, cluster_run_by};
use crate::conflict::Conflict;
use crate::error::ServiceError;
use crate::paging::{Page, PageRequest, foreign_cursor};

/// What a directory search asks for; every part is optional.
#[derive(Debug, Clone, Default)]
pub struct FirmQuery {
    /// Words the firm's name, tags or about must begin words of.
    pub terms: Option<SearchTerms>,
    /// A tag the firm offers or seeks, as spelled (`cloud`, `rust`).
    pub tag: Option<String>,
    /// The firm's cluster's country.
    pub country: Option<Country>,
    /// The firm's cluster's continent.
    pub continent: Option<Continent>,
    /// The firm's cluster.
    pub cluster: Option<ClusterId>,
}

/// A change to a firm: any subset of its profile.
#[derive(Debug, Clone, Default)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct FirmPatch {
    pub name: Option<String>,
    /// `Some(None)` clears it.
    pub website: Option<Option<deskvisa_rules::Website>>,
    pub about: Option<deskvisa_rules::About>,
    pub offers: Option<deskvisa_rules::Tags>,
    pub seeks: Option<deskvisa_rules::Tags>,
    pub languages: Option<deskvisa_rules::Languages>,
    pub city: Option<String>,
    pub open_to_visitors: Option<bool>,
    /// `Some(None)` leaves the firm without a contact.
    pub contact: Option<Option<MemberId>>,
}

impl FirmPatch {
    fn apply(self, mut p: FirmProfile) -> FirmProfile {
        p.name = self.name.unwrap_or(p.name);
        p.website = self.website.unwrap_or(p.website);
        p.about = self.about.unwrap_or(p.about);
        p.interests.offers = self.offers.unwrap_or(p.interests.offers);
        p.interests.seeks = self.seeks.unwrap_or(p.interests.seeks);
        p.languages = self.languages.unwrap_or(p.languages);
        p.city = self.city.unwrap_or(p.city);
        p.open_to_visitors = self.open_to_visitors.unwrap_or(p.open_to_visitors);
        p.contact = self.contact.unwrap_or(p.contact);
        p
    }
}

fn name_taken(name: &str) -> ServiceError {
    Conflict::FirmNameTaken { name: name.to_owned() }.into()
}

/// The member `id` of `cluster` who may be a firm's contact (not revoked),
/// or the refusal naming the field.
async fn contact_of(tx: &Tx, cluster: ClusterId, id: MemberId) -> Result<MemberRecord, ServiceError> {
    tx.member(id)
        .await?
        .filter(|m| m.cluster_id == Some(cluster) && m.status != MemberStatus::Revoked)
        .ok_or_else(|| ServiceError::Invalid("contact_member_id: not a member of the firm's cluster".to_owned()))
}

/// Writes the firm's contact into the firm (a contact speaks for it), and
/// leaves any other firm the contact spoke for without one.
async fn seat_contact(
    tx: &Tx,
    firm: FirmId,
    name: &str,
    contact: &MemberRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ServiceError> {
    if contact.firm != Some(firm) {
        tx.set_member_firm(contact.id, Some((firm, name)), now).await?;
    }
    Ok(())
}

/// A member newly added with a company text works for the cluster's firm of
/// that name, made (with them its contact, not yet open to visitors) when
/// the cluster has none: the same rule the migration applied to the
/// members there were.
pub(crate) async fn join_firm_named(
    tx: &Tx,
    member: &mut MemberRecord,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), ServiceError> {
    let typed = member.company.split_whitespace().collect::<Vec<_>>().join(" ");
    let Some(cluster) = member.cluster_id.filter(|_| !typed.is_empty()) else { return Ok(()) };
    let (firm, name) = match tx.firm_named(cluster, &typed).await? {
        Some(firm) => (firm.id, firm.profile.name),
        None => {
            let id = FirmId::from_uuid(uuid::Uuid::new_v4());
            tx.insert_firm(id, cluster, &FirmProfile::named(&typed, Some(member.id)), now).await?;
            (id, typed)
        }
    };
    tx.set_member_firm(member.id, Some((firm, &name)), now).await?;
    member.firm = Some(firm);
    member.company = name;
    Ok(())
}

impl Service {
    /// The active clusters a filter by cluster, country and continent lets
    /// through; `None` when nothing is filtered (every active cluster).
    pub(crate) async fn active_clusters_in(
        &self,
        cluster: Option<ClusterId>,
        country: Option<&Country>,
        continent: Option<Continent>,
    ) -> Result<Option<Vec<ClusterId>>, ServiceError> {
        if cluster.is_none() && country.is_none() && continent.is_none() {
            return Ok(None);
        }
        let tx = self.store.begin_read().await?;
        Ok(Some(
            tx.clusters()
                .await?
                .into_iter()
                .filter(|c| c.status == ClusterStatus::Active)
                .filter(|c| cluster.is_none_or(|id| c.id == id))
                .filter(|c| country.is_none_or(|k| &c.country == k))
                .filter(|c| continent.is_none_or(|k| Continent::of_country(c.country.as_str()) == Some(k)))
                .map(|c| c.id)
                .collect(),
        ))
    }

    /// Whether the caller may see the directory: network staff, and members
    /// whose home cluster is active (403 for others).
    pub(crate) async fn directory_reader(&self, caller: &Caller) -> Result<(), ServiceError> {
        let Some(home) = caller.cluster else { return Ok(()) };
        let tx = self.store.begin_read().await?;
        match tx.cluster(home).await? {
            Some(c) if c.status == ClusterStatus::Active => Ok(()),
            _ => Err(ServiceError::Forbidden),
        }
    }

    /// A page of the directory, ranked: firms whose name holds every word
    /// first, then those whose tags do, then the rest, each by name.
    pub async fn search_firms(
        &self,
        caller: &Caller,
        query: FirmQuery,
        page: PageRequest<FirmId>,
    ) -> Result<Page<FirmRecord, FirmId>, ServiceError> {
        self.directory_reader(caller).await?;
        let clusters = self.active_clusters_in(query.cluster, query.country.as_ref(), query.continent).await?;
        if let Some(after) = page.after
            && self.store.read_firm(after).await?.is_none()
        {
            return Err(foreign_cursor());
        }
        let filter = FirmFilter { terms: query.terms, tag: query.tag, clusters, open_to_visitors: false };
        let rows = self.store.search_firms(&filter, page.after, page.rows()).await?;
        Ok(page.page(rows, |f| f.id))
    }

    /// A firm, for whoever may see the directory (404 for a firm of a
    /// cluster that is not active, but to those who run it).
    pub async fn firm(&self, caller: &Caller, id: FirmId) -> Result<FirmRecord, ServiceError> {
        self.directory_reader(caller).await?;
        let firm = self.store.read_firm(id).await?.ok_or(ServiceError::NotFound)?;
        if caller.runs(firm.cluster) || caller.cluster == Some(firm.cluster) {
            return Ok(firm);
        }
        let tx = self.store.begin_read().await?;
        match tx.cluster(firm.cluster).await? {
            Some(c) if c.status == ClusterStatus::Active => Ok(firm),
            _ => Err(ServiceError::NotFound),
        }
    }

    /// The firms of a cluster, by name (at most 500), for whoever may see
    /// the directory.
    pub async fn firms_of(&self, caller: &Caller, cluster: ClusterId) -> Result<Vec<FirmRecord>, ServiceError> {
        self.directory_reader(caller).await?;
        Ok(self.store.cluster_firms(cluster, 500).await?)
    }

    /// A cluster's admin (or a network admin) adds a firm of the cluster.
    /// Its contact, if named, must be a member of the cluster, and becomes a
    /// member of the firm.
    pub async fn create_firm(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        profile: FirmProfile,
    ) -> Result<FirmRecord, ServiceError> {
        let id = FirmId::from_uuid(uuid::Uuid::new_v4());
        let now = self.now();
        let tx = self.store.begin_write().await?;
        cluster_run_by(&tx, caller, cluster).await?;
        let contact = match profile.contact {
            Some(m) => Some(contact_of(&tx, cluster, m).await?),
            None => None,
        };
        match tx.insert_firm(id, cluster, &profile, now).await {
            Err(StoreError::Unique(_)) => return Err(name_taken(&profile.name)),
            other => other?,
        }
        if let Some(contact) = &contact {
            seat_contact(&tx, id, &profile.name, contact, now).await?;
        }
        tx.commit().await?;
        tracing::info!(firm = %id, %cluster, "firm added");
        self.store.read_firm(id).await?.ok_or(ServiceError::NotFound)
    }

    /// The firm's contact or its cluster's admins change its profile.
    pub async fn update_firm(&self, caller: &Caller, id: FirmId, patch: FirmPatch) -> Result<FirmRecord, ServiceError> {
        let now = self.now();
        let tx = self.store.begin_write().await?;
        let firm = tx.firm(id, true).await?.ok_or(ServiceError::NotFound)?;
        // Any firm is in the directory, so seen: not the caller's to change is 403.
        if !caller.runs(firm.cluster) && firm.profile.contact != Some(caller.member) {
            return Err(ServiceError::Forbidden);
        }
        let profile = patch.apply(firm.profile.clone());
        let contact = match profile.contact {
            Some(m) if Some(m) != firm.profile.contact => Some(contact_of(&tx, firm.cluster, m).await?),
            _ => None,
        };
        match tx.update_firm(id, &profile, now).await {
            Err(StoreError::Unique(_)) => return Err(name_taken(&profile.name)),
            other => other?,
        }
        if let Some(contact) = &contact {
            seat_contact(&tx, id, &profile.name, contact, now).await?;
        }
        if profile.name != firm.profile.name {
            tx.rename_firm_members(id, &profile.name, now).await?;
        }
        tx.commit().await?;
        self.store.read_firm(id).await?.ok_or(ServiceError::NotFound)
    }

    /// Sets the firm of the cluster a member works for (`None`: none). The
    /// member does it for themselves; the cluster's admins and network
    /// admins for any of its members. A contact who leaves their firm
    /// leaves it without a contact.
    pub async fn set_member_firm(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        member: MemberId,
        firm: Option<FirmId>,
    ) -> Result<MemberRecord, ServiceError> {
        let now = self.now();
        let tx = self.store.begin_write().await?;
        if caller.member != member || caller.cluster != Some(cluster) {
            cluster_run_by(&tx, caller, cluster).await?;
        }
        let record =
            tx.member(member).await?.filter(|m| m.cluster_id == Some(cluster)).ok_or(ServiceError::NotFound)?;
        let chosen = match firm {
            Some(id) => Some(
                tx.firm(id, false)
                    .await?
                    .filter(|f| f.cluster == cluster)
                    .ok_or_else(|| ServiceError::Invalid("firm_id: not a firm of the member's cluster".to_owned()))?,
            ),
            None => None,
        };
        if let Some(old) = record.firm
            && Some(old) != firm
        {
            tx.drop_firm_contact(old, member, now).await?;
        }
        tx.set_member_firm(member, chosen.as_ref().map(|f| (f.id, f.profile.name.as_str())), now).await?;
        tx.commit().await?;
        let read = self.store.begin_read().await?;
        read.member(member).await?.ok_or(ServiceError::NotFound)
    }
}
