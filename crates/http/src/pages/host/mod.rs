//! The host cluster admin's pages: the inbox (stays waiting for an answer,
//! with the deadline; who is here today and who arrives this week), each
//! site's settings and closures, the host policy with the network's floors,
//! the events, and the cluster's members.

mod delegations;
mod events;
mod inbox;
mod policy;
mod roster;
mod site;

use super::{PageError, Viewer, Words, redirect};
use axum::Extension;
use axum::response::Response;
pub(crate) use delegations::{
    approve as approve_delegation, decline as decline_delegation, delegations_page, group_page, send as send_delegation,
};
use deskvisa_rules::ClusterId;
use deskvisa_service::{Caller, Service, ServiceError, SiteRecord};
pub(crate) use events::{cancel_event, cancel_rest, events_page, publish_event};
pub(crate) use inbox::{DeclineForm, act, inbox};
pub(crate) use policy::{policy_page, save_policy};
pub(crate) use site::{close_day, reopen_day, save_site, site_page};

/// A member's name, asked of the service once per page (`names` keeps
/// those already asked); "—" for one the service no longer knows.
pub(super) async fn member_name(
    service: &Service,
    names: &mut std::collections::HashMap<deskvisa_rules::MemberId, String>,
    member: deskvisa_rules::MemberId,
) -> String {
    if let Some(name) = names.get(&member) {
        return name.clone();
    }
    let name = service.member(member).await.map(|m| m.name).unwrap_or_else(|_| "—".to_owned());
    names.insert(member, name.clone());
    name
}

/// How far ahead the events page lists events.
const EVENT_DAYS: u64 = 365;

/// The host pages' own navigation.
pub(super) struct HostNav {
    pub(super) links: Vec<(String, String, bool)>,
}

/// The host pages' navigation for an admin of `cluster` (a cluster with no
/// site yet still reaches the page where its first site is added).
pub(super) fn host_nav(w: &'static Words, cluster: ClusterId, sites: &[SiteRecord], here: &str) -> HostNav {
    let mut links = vec![("/host".to_owned(), w.host_title.to_owned())];
    links.push((format!("/clusters/{}", cluster.as_uuid()), w.cluster_admin_title.to_owned()));
    links.extend(sites.iter().map(|s| (format!("/host/sites/{}", s.id.as_uuid()), s.name.clone())));
    links.push(("/host/policy".to_owned(), w.host_policy.to_owned()));
    links.push(("/host/events".to_owned(), w.host_events.to_owned()));
    links.push(("/host/delegations".to_owned(), w.delegations_title.to_owned()));
    links.push(("/host/members".to_owned(), w.host_members.to_owned()));
    links.push(("/network/ledger".to_owned(), w.ledger_title.to_owned()));
    let here = if here.starts_with("/clusters/") && here.ends_with("/members") { "/host/members" } else { here };
    HostNav { links: links.into_iter().map(|(href, label)| (href.clone(), label, href == here)).collect() }
}

/// The navigation of a cluster's pages: the host's own for its admins;
/// for a network admin helping another cluster, that cluster's pages.
pub(super) fn cluster_nav(
    w: &'static Words,
    caller: &Caller,
    cluster: ClusterId,
    sites: &[SiteRecord],
    here: &str,
) -> HostNav {
    if caller.admin_of(cluster) {
        return host_nav(w, cluster, sites, here);
    }
    let base = format!("/clusters/{}", cluster.as_uuid());
    let mut links = vec![(base.clone(), w.cluster_admin_title.to_owned())];
    links.extend(sites.iter().map(|s| (format!("/host/sites/{}", s.id.as_uuid()), s.name.clone())));
    links.push((format!("{base}/members"), w.host_members.to_owned()));
    links.push(("/network".to_owned(), w.network_title.to_owned()));
    HostNav { links: links.into_iter().map(|(href, label)| (href.clone(), label, href == here)).collect() }
}

/// The cluster a host admin administers: their home cluster.
fn own(caller: &Caller) -> Result<ClusterId, PageError> {
    caller.cluster.ok_or(PageError::Service(ServiceError::Forbidden))
}

async fn own_sites(service: &Service, caller: &Caller) -> Result<Vec<SiteRecord>, PageError> {
    Ok(service.cluster_with_sites(own(caller)?).await?.1)
}

/// `GET /host/members`: the host's own cluster's members page.
pub(crate) async fn members_page(Extension(viewer): Extension<Viewer>) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    Ok(redirect(&format!("/clusters/{}/members", own(caller)?.as_uuid())))
}
