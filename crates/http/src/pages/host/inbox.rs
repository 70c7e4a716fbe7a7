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

/// A host's decline fold-out (`_decline.html`): which decision, where it
/// posts, where it comes back to, and whom it declines.
pub(crate) struct DeclineForm {
    pub(crate) id: String,
    pub(crate) action: String,
    pub(crate) back: String,
    pub(crate) who: String,
}

/// What a host weighs before answering a stay.
pub(super) struct Weigh {
    pub(super) company: String,
    pub(super) visits: String,
    pub(super) no_shows: u32,
    /// The fullest of the stay's days: "2 of 4 desks free".
    pub(super) fewest_free: String,
    /// "2 d 23 h left".
    pub(super) left: String,
    pub(super) decline: DeclineForm,
}

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
    /// For a stay waiting for an answer.
    pub(super) weigh: Option<Weigh>,
    /// Its answer deadline, to sort by.
    deadline_at: Option<chrono::DateTime<chrono::Utc>>,
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
    /// The decision whose decline came back without a reason.
    decline_error: String,
}

/// What the host weighs for a waiting stay: the visitor's firm, earlier
/// visits and no-shows here, the fullest of its days, the time left.
fn weigh(
    service: &deskvisa_service::Service,
    w: &'static Words,
    stay: &StayRecord,
    visitor: &deskvisa_service::MemberRecord,
    record: deskvisa_service::VisitRecord,
    days: &[deskvisa_service::DayAvailability],
) -> Weigh {
    let fullest = days
        .iter()
        .filter(|d| stay.days.contains(&d.date))
        .min_by_key(|d| d.free)
        .map(|d| format!("{} ({})", w.desks_free(d.free, d.desks), w.date(d.date)));
    let id = stay.id.as_uuid().to_string();
    Weigh {
        company: visitor.company.clone(),
        visits: w.visit_count(record.visits),
        no_shows: record.no_shows,
        fewest_free: fullest.unwrap_or_default(),
        left: stay.answer_deadline.map(|d| w.time_left(d - service.now())).unwrap_or_default(),
        decline: DeclineForm {
            action: format!("/host/stays/{id}/decline"),
            back: "/host".to_owned(),
            who: visitor.name.clone(),
            id,
        },
    }
}

/// The site's desks over the days its waiting requests ask for: one read
/// for all the requests within a read's reach of the first, another for
/// those beyond it (a request may be asked up to the policy's horizon).
async fn waiting_days(
    service: &deskvisa_service::Service,
    site: deskvisa_rules::SiteId,
    waiting: &[StayRecord],
) -> Result<Vec<deskvisa_service::DayAvailability>, PageError> {
    let mut asked: Vec<(chrono::NaiveDate, chrono::NaiveDate)> =
        waiting.iter().map(|s| (s.start_date, s.end_date)).collect();
    asked.sort_unstable();
    let reach = Days::new(deskvisa_service::MAX_AVAILABILITY_DAYS.saturating_sub(1));
    let mut reads: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = Vec::new();
    for (start, end) in asked {
        match reads.last_mut() {
            Some((first, last)) if end <= *first + reach => *last = (*last).max(end),
            _ => reads.push((start, end.min(start + reach))),
        }
    }
    let mut days = Vec::new();
    for (first, last) in reads {
        if let Some(range) = deskvisa_rules::DateRange::new(first, last) {
            days.extend(service.availability(site, range).await?);
        }
    }
    Ok(days)
}

/// `GET /host`.
pub(crate) async fn inbox(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let sites = own_sites(&service, caller).await?;
    // Every stay first, then their visitors, home clusters and records, each
    // read once for the whole inbox.
    let mut listed = Vec::with_capacity(sites.len());
    for site in &sites {
        let today = site.timezone.date_at(service.now());
        let week_end = today + Days::new(7);
        let waiting = service.site_stays(caller, site.id, Some(StayStatus::Pending), None, None).await?;
        let approved =
            service.site_stays(caller, site.id, Some(StayStatus::Approved), Some(today), Some(week_end)).await?;
        // A delegation's stays are answered together, as its group.
        let waiting: Vec<StayRecord> = waiting.into_iter().filter(|s| s.delegation.is_none()).collect();
        let days = waiting_days(&service, site.id, &waiting).await?;
        let records = service.visit_records(caller, &waiting).await?;
        let approved: Vec<StayRecord> =
            approved.into_iter().filter(|s| s.start_date <= week_end && s.end_date >= today).collect();
        listed.push((site, today, waiting, records, days, approved));
    }
    let stays = listed.iter().flat_map(|(_, _, waiting, _, _, approved)| waiting.iter().chain(approved));
    let (mut members, mut homes): (Vec<MemberId>, Vec<ClusterId>) = stays.map(|s| (s.member, s.home_cluster)).unzip();
    members.sort_unstable();
    members.dedup();
    homes.sort_unstable();
    homes.dedup();
    let visitors = service.members(&members).await?;
    let clusters: HashMap<ClusterId, String> = service
        .clusters_named(&homes)
        .await?
        .into_iter()
        .map(|c| (c.id, format!("{} ({})", c.name, w.country(c.country))))
        .collect();
    let name = |member: MemberId| visitors.get(&member).map_or_else(|| "—".to_owned(), |m| m.name.clone());
    let (mut pending, mut today_lines, mut week) = (Vec::new(), Vec::new(), Vec::new());
    for (site, today, waiting, records, days, approved) in &listed {
        for (stay, record) in waiting.iter().zip(records) {
            let Some(visitor) = visitors.get(&stay.member) else { continue };
            let mut line = stay_line(w, stay, site, visitor.name.clone(), clusters.get(&stay.home_cluster).cloned());
            line.weigh = Some(weigh(&service, w, stay, visitor, *record, days));
            pending.push(line);
        }
        for stay in approved {
            let line = stay_line(w, stay, site, name(stay.member), clusters.get(&stay.home_cluster).cloned());
            if stay.start_date <= *today {
                today_lines.push(line);
            } else {
                week.push(line);
            }
        }
    }
    // The most urgent answer first.
    pending.sort_by_key(|l| l.deadline_at);
    let mut groups = Vec::new();
    for d in service.open_delegations(caller, own(caller)?, false).await? {
        groups.push(super::delegations::group(&service, w, &d, "/host").await?);
    }
    let page = InboxPage {
        c: Chrome::new(&viewer, w.host_title, "host").done(&query),
        nav: host_nav(w, own(caller)?, &sites, "/host"),
        pending,
        groups,
        today: today_lines,
        week,
        decline_error: query.get("decline_error").to_owned(),
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
        days: w.desk_days(stay.days.len() as u64),
        purpose: stay.purpose.clone(),
        deadline: stay.answer_deadline.map(|d| w.instant(d, site.timezone.name())).unwrap_or_default(),
        checked_in: stay.checked_in,
        no_show: stay.no_show,
        weigh: None,
        deadline_at: stay.answer_deadline,
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
        "decline" => {
            match crate::pages::stays::decline_reason(viewer.words(), &fields, &id.as_uuid().to_string(), "/host")? {
                Ok(reason) => StayCommand::Decline(reason),
                Err(back_with_error) => return Ok(back_with_error),
            }
        }
        "check-in" => StayCommand::CheckIn,
        "no-show" => StayCommand::NoShow,
        _ => return Err(ServiceError::NotFound.into()),
    };
    let done = match command {
        StayCommand::Approve => "approved",
        StayCommand::Decline(_) => "stay-declined",
        _ => "saved",
    };
    service.act_on_stay(caller, id, command).await?;
    Ok(crate::pages::back(&fields, "/host", done))
}
