//! Delegations on the pages (issue 23): `/host/delegations` lists the
//! groups waiting for this cluster's answer (approve, or decline with a
//! reason, once for all) and those it sent, and has the form a home admin
//! sends a group with (a site elsewhere, the dates, 2 to 20 of the
//! cluster's members); `/delegations/{id}` shows one group and each
//! member's own stay. A refusal comes back at the form, each refused member
//! named with their reasons, the input kept.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::{MemberId, SiteId, StayStatus, parse_date};
use deskvisa_service::{Delegation, DelegationInput, GroupAnswer, Service, ServiceError};

use super::{HostNav, host_nav, own, own_sites};
use crate::pages::form::{Fields, SignedForm};
use crate::pages::page::Page;
use crate::pages::view::{Chrome, html};
use crate::pages::{PageError, Viewer, Words, redirect};

/// One group as the pages show it.
pub(super) struct GroupView {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) purpose: String,
    /// Each member: name, the stay's link, its status in words.
    pub(super) members: Vec<(String, String, &'static str)>,
    pub(super) pending: bool,
    /// Its decline fold-out (coming back to `back`).
    pub(super) decline: super::inbox::DeclineForm,
}

/// A group in the viewer's words.
pub(super) async fn group(service: &Service, w: &Words, d: &Delegation, back: &str) -> Result<GroupView, PageError> {
    let site = service.site(d.row.site).await?;
    let (home, _) = service.cluster_with_sites(d.row.home_cluster).await?;
    let mut members = Vec::with_capacity(d.stays.len());
    for stay in &d.stays {
        let name = service.member(stay.member).await.map(|m| m.name).unwrap_or_default();
        members.push((name, format!("/stays/{}", stay.id), w.stay_status(stay.status)));
    }
    let title = format!("{} → {}: {}", home.name, site.name, w.range(d.row.start_date, d.row.end_date));
    Ok(GroupView {
        decline: super::inbox::DeclineForm {
            id: d.row.id.to_string(),
            action: format!("/delegations/{}/decline", d.row.id),
            back: back.to_owned(),
            who: title.clone(),
        },
        id: d.row.id.to_string(),
        title,
        purpose: d.row.purpose.clone(),
        members,
        pending: d.pending(),
    })
}

/// Sites the form's menu lists at once. A network with more lists one
/// country's sites, the country chosen first: thousands of sites in one
/// menu are hundreds of kilobytes, and no one scrolls them.
const SITES_LISTED: usize = 200;

/// A choice of a menu: its value, its words, whether it is chosen.
type Choice = (String, String, bool);

/// What the send form shows: the choices and what was typed.
struct SendForm {
    /// Where the sites are many: each country with sites (code, name and
    /// count, chosen), and the country chosen.
    countries: Option<(Vec<Choice>, String)>,
    sites: Vec<Choice>,
    members: Vec<Choice>,
    start: String,
    end: String,
    purpose: String,
    /// Each refused member's name and reasons, or a sentence for the form.
    refused: Vec<(String, Vec<String>)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "host_delegations.html")]
struct DelegationsPage {
    c: Chrome,
    nav: HostNav,
    to_answer: Vec<GroupView>,
    sent: Vec<GroupView>,
    form: SendForm,
}

async fn render(
    service: &Service,
    viewer: &Viewer,
    query: &Fields,
    typed: Option<&Fields>,
    refused: Vec<(String, Vec<String>)>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let cluster = own(caller)?;
    let mut to_answer = Vec::new();
    for d in service.open_delegations(caller, cluster, false).await? {
        to_answer.push(group(service, w, &d, "/host/delegations").await?);
    }
    let mut sent = Vec::new();
    for d in service.open_delegations(caller, cluster, true).await? {
        sent.push(group(service, w, &d, "/host/delegations").await?);
    }
    let chosen_site = typed.map_or_else(|| query.get("site_id"), |f| f.get("site_id")).to_owned();
    let chosen: Vec<String> = typed.map(|f| f.all("member_id").map(str::to_owned).collect()).unwrap_or_default();
    let map = service.map().await?;
    let elsewhere: Vec<_> = map.clusters.iter().filter(|(c, _)| c.id != cluster).collect();
    let countries = (elsewhere.iter().map(|(_, sites)| sites.len()).sum::<usize>() > SITES_LISTED).then(|| {
        let country = typed.map_or_else(|| query.get("country"), |f| f.get("country")).to_owned();
        let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
        for (c, sites) in elsewhere.iter().filter(|(_, sites)| !sites.is_empty()) {
            *counts.entry(c.country.as_str()).or_default() += sites.len();
        }
        let mut choices: Vec<Choice> = counts
            .into_iter()
            .filter_map(|(code, n)| {
                let name = w.country(deskvisa_rules::Country::parse(code).ok()?);
                Some((code.to_owned(), format!("{name} ({n})"), code == country))
            })
            .collect();
        choices.sort_by(|a, b| a.1.cmp(&b.1));
        (choices, country)
    });
    let sites = elsewhere
        .iter()
        .flat_map(|(c, sites)| sites.iter().map(move |s| (s, c)))
        .filter(|(s, c)| {
            countries.as_ref().is_none_or(|(_, country)| c.country.as_str() == country)
                || s.id.as_uuid().to_string() == chosen_site
        })
        .map(|(s, c)| {
            let id = s.id.as_uuid().to_string();
            let chosen = id == chosen_site;
            (id, format!("{} ({}, {})", s.name, c.name, c.city), chosen)
        })
        .collect();
    let members = service
        .members_of(caller, cluster)
        .await?
        .into_iter()
        .filter(|(m, _)| m.status != deskvisa_rules::MemberStatus::Revoked)
        .map(|(m, _)| {
            let id = m.id.as_uuid().to_string();
            let chosen = chosen.contains(&id);
            (id, m.name, chosen)
        })
        .collect();
    let page = DelegationsPage {
        c: Chrome::new(viewer, w.delegations_title, "host").done(query),
        nav: host_nav(w, cluster, &own_sites(service, caller).await?, "/host/delegations"),
        to_answer,
        sent,
        form: SendForm {
            countries,
            sites,
            members,
            start: typed.map(|f| f.get("start_date").to_owned()).unwrap_or_default(),
            end: typed.map(|f| f.get("end_date").to_owned()).unwrap_or_default(),
            purpose: typed.map(|f| f.get("purpose").to_owned()).unwrap_or_default(),
            refused,
            error,
        },
    };
    html(status, &page)
}

/// `GET /host/delegations`.
pub(crate) async fn delegations_page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    render(&service, &viewer, &query, None, Vec::new(), None, StatusCode::OK).await
}

/// `POST /host/delegations`: sends a group; on to its page, or back with why not.
pub(crate) async fn send(SignedForm { service, viewer, fields, .. }: SignedForm) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let none = Fields::default();
    let again =
        |error: String, status| render(&service, &viewer, &none, Some(&fields), Vec::new(), Some(error), status);
    let (Ok(start_date), Ok(end_date)) = (parse_date(fields.get("start_date")), parse_date(fields.get("end_date")))
    else {
        return again(w.bad_dates.to_owned(), StatusCode::BAD_REQUEST).await;
    };
    let Ok(site) = SiteId::parse(fields.get("site_id")) else {
        return again(w.choose_site.to_owned(), StatusCode::BAD_REQUEST).await;
    };
    let members: Vec<MemberId> = fields.all("member_id").filter_map(|m| MemberId::parse(m).ok()).collect();
    let max = crate::api::delegations::MAX_PURPOSE_CHARS;
    let purpose = match crate::input::optional_text("purpose", fields.get("purpose"), max) {
        Ok(purpose) => purpose,
        Err(e) => return again(w.field_error(&e), StatusCode::BAD_REQUEST).await,
    };
    let input = DelegationInput { site, start_date, end_date, purpose, members };
    match service.request_delegation(caller, &input).await {
        Ok(d) => Ok(redirect(&format!("/delegations/{}?done=requested", d.row.id))),
        Err(ServiceError::GroupRefused(by_member)) => {
            let mut refused = Vec::new();
            for (member, refusal) in by_member {
                let name = service.member(member).await.map(|m| m.name).unwrap_or_default();
                refused.push((name, refusal.violations.iter().map(|v| w.violation(v)).collect()));
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render(&service, &viewer, &none, Some(&fields), refused, None, status).await
        }
        Err(ServiceError::Invalid(_)) => again(w.delegation_size.to_owned(), StatusCode::BAD_REQUEST).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "delegation.html")]
struct GroupPage {
    c: Chrome,
    g: GroupView,
    /// The viewer answers for the host.
    answers: bool,
    /// The decision whose decline came back without a reason.
    decline_error: String,
}

/// `GET /delegations/{id}`: one group (the host's email links here).
pub(crate) async fn group_page(
    Page { service, viewer, query }: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ServiceError::NotFound)?;
    let d = service.delegation(caller, id).await?;
    let answers = caller.admin_of(d.row.host_cluster) && d.stays.iter().any(|s| s.status == StayStatus::Pending);
    let g = group(&service, w, &d, &format!("/delegations/{}", d.row.id)).await?;
    let page = GroupPage {
        c: Chrome::new(&viewer, g.title.clone(), "host").done(&query),
        g,
        answers,
        decline_error: query.get("decline_error").to_owned(),
    };
    html(StatusCode::OK, &page)
}

/// `POST /delegations/{id}/approve`.
pub(crate) async fn approve(
    Path(id): Path<String>,
    SignedForm { service, viewer, .. }: SignedForm,
) -> Result<Response, PageError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ServiceError::NotFound)?;
    service.answer_delegation(viewer.caller()?, id, GroupAnswer::Approve).await?;
    Ok(redirect(&format!("/delegations/{id}?done=group-approved")))
}

/// `POST /delegations/{id}/decline` (a `reason`).
pub(crate) async fn decline(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ServiceError::NotFound)?;
    let reason = match crate::pages::stays::decline_reason(
        viewer.words(),
        &fields,
        &id.to_string(),
        &format!("/delegations/{id}"),
    )? {
        Ok(reason) => reason,
        Err(back_with_error) => return Ok(back_with_error),
    };
    service.answer_delegation(viewer.caller()?, id, GroupAnswer::Decline(reason)).await?;
    Ok(redirect(&format!("/delegations/{id}?done=group-declined")))
}
