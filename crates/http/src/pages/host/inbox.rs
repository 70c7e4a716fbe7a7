//! The host's inbox: stays waiting for an answer (with the deadline),
//! who is here today and who arrives this week, and the answer itself.

use crate::pages::form::SignedForm;
use crate::pages::page::Page;
use crate::pages::view::{Chrome, html};
use crate::pages::{PageError, Words};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Days;
use deskvisa_rules::{ClusterId, MemberId, StayId, StayStatus};
use deskvisa_service::{ServiceError, SiteRecord, StayCommand, StayRecord};
use std::collections::HashMap;

use super::*;

/// A stay in the inbox.
pub(super) struct StayLine {
    pub(super) id: String,
    pub(super) visitor: String,
    pub(super) home: String,
    pub(super) site: String,
    pub(super) dates: String,
    pub(super) days: String,
    pub(super) purpose: String,
    pub(super) deadline: String,
    pub(super) checked_in: bool,
    pub(super) no_show: bool,
}

#[derive(Template)]
#[template(path = "host_inbox.html")]
struct InboxPage {
    c: Chrome,
    nav: HostNav,
    pending: Vec<StayLine>,
    /// Groups waiting for one answer (their stays are not listed one by one).
    groups: Vec<super::delegations::GroupView>,
    today: Vec<StayLine>,
    week: Vec<StayLine>,
}

/// `GET /host`.
pub(crate) async fn inbox(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let sites = own_sites(&service, caller).await?;
    let clusters: HashMap<ClusterId, String> =
        service.map().await?.into_iter().map(|(c, _)| (c.id, format!("{} ({})", c.name, c.country))).collect();
    let mut names: HashMap<MemberId, String> = HashMap::new();
    let (mut pending, mut today_lines, mut week) = (Vec::new(), Vec::new(), Vec::new());
    for site in &sites {
        let today = site.timezone.date_at(service.now());
        let week_end = today + Days::new(7);
        let waiting = service.site_stays(caller, site.id, Some(StayStatus::Pending), None, None).await?;
        let approved =
            service.site_stays(caller, site.id, Some(StayStatus::Approved), Some(today), Some(week_end)).await?;
        // A delegation's stays are answered together, as its group.
        let waiting = waiting.into_iter().filter(|s| s.delegation.is_none());
        for (stay, list) in waiting.map(|s| (s, 0)).chain(
            approved.into_iter().filter(|s| s.start_date <= week_end && s.end_date >= today).map(|s| {
                let list = if s.start_date <= today { 1 } else { 2 };
                (s, list)
            }),
        ) {
            let visitor = match names.get(&stay.member) {
                Some(name) => name.clone(),
                None => {
                    let name = service.member(stay.member).await.map(|m| m.name).unwrap_or_else(|_| "—".to_owned());
                    names.insert(stay.member, name.clone());
                    name
                }
            };
            let line = stay_line(w, &stay, site, visitor, clusters.get(&stay.home_cluster).cloned());
            match list {
                0 => pending.push(line),
                1 => today_lines.push(line),
                _ => week.push(line),
            }
        }
    }
    let mut groups = Vec::new();
    for d in service.open_delegations(caller, own(caller)?, false).await? {
        groups.push(super::delegations::group(&service, w, &d).await?);
    }
    let page = InboxPage {
        c: Chrome::new(&viewer, w.host_title, "host").done(&query),
        nav: host_nav(w, own(caller)?, &sites, "/host"),
        pending,
        groups,
        today: today_lines,
        week,
    };
    html(StatusCode::OK, &page)
}

pub(super) fn stay_line(
    w: &'static Words,
    stay: &StayRecord,
    site: &SiteRecord,
    visitor: String,
    home: Option<String>,
) -> StayLine {
    StayLine {
        id: stay.id.as_uuid().to_string(),
        visitor,
        home: home.unwrap_or_default(),
        site: site.name.clone(),
        dates: w.range(stay.start_date, stay.end_date),
        days: w.day_count(stay.days.len() as u64),
        purpose: stay.purpose.clone(),
        deadline: stay.answer_deadline.map(|d| w.instant(d, site.timezone.name())).unwrap_or_default(),
        checked_in: stay.checked_in,
        no_show: stay.no_show,
    }
}

/// `POST /host/stays/{id}/{approve|decline|check-in|no-show}`.
pub(crate) async fn act(
    Path((id, action)): Path<(String, String)>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let id: StayId = crate::extract::id(&id, StayId::parse)?;
    let command = match action.as_str() {
        "approve" => StayCommand::Approve,
        "decline" => match crate::pages::stays::reason(fields.get("reason"))? {
            Some(reason) => StayCommand::Decline(reason),
            None => {
                return Err(ServiceError::Invalid(viewer.words().reason_needed.to_owned()).into());
            }
        },
        "check-in" => StayCommand::CheckIn,
        "no-show" => StayCommand::NoShow,
        _ => return Err(ServiceError::NotFound.into()),
    };
    service.act_on_stay(caller, id, command).await?;
    Ok(crate::pages::back(&fields, "/host", "saved"))
}
