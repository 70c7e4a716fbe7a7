//! The host cluster admin's pages: the inbox (stays waiting for an answer,
//! with the deadline; who is here today and who arrives this week), each
//! site's settings and closures, the host policy with the network's floors,
//! the events, and the cluster's members.

use std::collections::HashMap;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, Months, NaiveDateTime};
use deskvisa_rules::{
    ApprovalMode, ClusterId, EventId, MemberId, NetworkPolicy, OnNoAnswer, PolicyDraft, SiteId, StayId, StayStatus,
    parse_date,
};
use deskvisa_service::{Caller, EventDraft, Service, ServiceError, SitePatch, SiteRecord, StayCommand, StayRecord};

use super::calendar::{Month, first_of_month, month, month_range};
use super::form::{Fields, Query, SignedForm};
use super::view::{Chrome, html};
use super::{PageError, Viewer, Words, redirect, told};

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

// ---------------------------------------------------------------- inbox

/// A stay in the inbox.
struct StayLine {
    id: String,
    visitor: String,
    home: String,
    site: String,
    dates: String,
    days: String,
    purpose: String,
    deadline: String,
    checked_in: bool,
    no_show: bool,
}

#[derive(Template)]
#[template(path = "host_inbox.html")]
struct InboxPage {
    c: Chrome,
    nav: HostNav,
    pending: Vec<StayLine>,
    today: Vec<StayLine>,
    week: Vec<StayLine>,
}

/// `GET /host`.
pub(crate) async fn inbox(
    State(service): State<Service>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query,
) -> Result<Response, PageError> {
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
        for (stay, list) in waiting.into_iter().map(|s| (s, 0)).chain(
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
    let page = InboxPage {
        c: Chrome::new(&viewer, w.host_title, "host").done(&query),
        nav: host_nav(w, own(caller)?, &sites, "/host"),
        pending,
        today: today_lines,
        week,
    };
    html(StatusCode::OK, &page)
}

fn stay_line(
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
    State(service): State<Service>,
    Path((id, action)): Path<(String, String)>,
    SignedForm { viewer, fields }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let id: StayId = crate::extract::id(&id, StayId::parse)?;
    let command = match action.as_str() {
        "approve" => StayCommand::Approve,
        "decline" => match super::stays::reason(fields.get("reason"))? {
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
    Ok(super::back(&fields, "/host", "saved"))
}

// ------------------------------------------------------------ a site

#[derive(Template)]
#[template(path = "host_site.html")]
struct SitePage {
    c: Chrome,
    nav: HostNav,
    id: String,
    name: String,
    address: String,
    desks: String,
    contact: String,
    house_rules: String,
    weekdays: Vec<(&'static str, &'static str, bool)>,
    timezone: String,
    closures: Vec<(String, String, String)>,
    months: Vec<Month>,
    error: Option<String>,
    /// The stays that stand in the way of a refused change.
    in_the_way: Vec<StayLine>,
}

/// What a refused site form shows: the message, and the stays in its way.
#[derive(Default)]
struct SiteRefusal {
    message: Option<String>,
    in_the_way: Vec<StayRecord>,
}

impl SiteRefusal {
    fn says(message: String) -> SiteRefusal {
        SiteRefusal { message: Some(message), in_the_way: Vec::new() }
    }
}

/// Why a site's change was refused, as the page shows it: the stays in the
/// way of a `dates_hold_stays`, else the message; anything else is an error
/// page.
async fn site_refusal(
    service: &Service,
    viewer: &Viewer,
    caller: &Caller,
    site: SiteId,
    e: ServiceError,
    held: &'static str,
) -> Result<SiteRefusal, PageError> {
    match e {
        ServiceError::DatesHoldStays { dates } => {
            let w = viewer.words();
            let days = dates.iter().map(|d| w.date(*d)).collect::<Vec<_>>().join("; ");
            let in_the_way = service.stays_in_the_way(caller, site, &dates).await?;
            Ok(SiteRefusal { message: Some(format!("{held} {days}")), in_the_way })
        }
        other => told(viewer.words(), other).map(SiteRefusal::says),
    }
}

/// A site's page for those who run it: its cluster's admins and network admins.
async fn run_site(service: &Service, caller: &Caller, id: SiteId) -> Result<(SiteRecord, Vec<SiteRecord>), PageError> {
    let site = service.site(id).await?;
    if !caller.admin_of(site.cluster_id) && !caller.network_admin {
        return Err(ServiceError::Forbidden.into());
    }
    let (_, sites) = service.cluster_with_sites(site.cluster_id).await?;
    Ok((site, sites))
}

async fn site_page_with(
    service: &Service,
    viewer: &Viewer,
    id: SiteId,
    fields: Option<&Fields>,
    refusal: SiteRefusal,
    status: StatusCode,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let (site, sites) = run_site(service, caller, id).await?;
    let mut names: HashMap<MemberId, String> = HashMap::new();
    let mut in_the_way = Vec::new();
    for stay in &refusal.in_the_way {
        let visitor = match names.get(&stay.member) {
            Some(name) => name.clone(),
            None => {
                let name = service.member(stay.member).await.map(|m| m.name).unwrap_or_else(|_| "—".to_owned());
                names.insert(stay.member, name.clone());
                name
            }
        };
        in_the_way.push(stay_line(w, stay, &site, visitor, None));
    }
    let today = site.timezone.date_at(service.now());
    let mut months = Vec::new();
    for n in 0..2 {
        let first = first_of_month(today).checked_add_months(Months::new(n)).unwrap_or(today);
        let days = service.availability(id, month_range(first)).await?;
        months.push(month(w, first, &days, today, None));
    }
    let closures = service
        .closures(id)
        .await?
        .into_iter()
        .filter(|(d, _)| *d >= today)
        .map(|(d, reason)| (d.to_string(), w.date(d), reason))
        .collect();
    let value = |name: &str, saved: String| fields.map_or(saved, |f| f.get(name).to_owned());
    let open: Vec<String> = match fields {
        Some(f) => f.all("open").map(str::to_owned).collect(),
        None => site.open_weekdays.names().map(str::to_owned).collect(),
    };
    let page = SitePage {
        c: Chrome::new(viewer, format!("{} — {}", w.site_settings, site.name), "host"),
        nav: cluster_nav(w, caller, site.cluster_id, &sites, &format!("/host/sites/{}", id.as_uuid())),
        timezone: value("timezone", site.timezone.name().to_owned()),
        id: id.as_uuid().to_string(),
        name: value("name", site.name.clone()),
        address: value("address", site.address.clone()),
        desks: value("desks", site.desks.to_string()),
        contact: value("contact_email", site.contact_email.clone()),
        house_rules: value("house_rules", site.house_rules.clone()),
        weekdays: super::cluster::weekday_boxes(w, &open),
        closures,
        months,
        error: refusal.message,
        in_the_way,
    };
    html(status, &page)
}

fn site_id(id: &str) -> Result<SiteId, PageError> {
    Ok(crate::extract::id(id, SiteId::parse)?)
}

/// `GET /host/sites/{id}`.
pub(crate) async fn site_page(
    State(service): State<Service>,
    Extension(viewer): Extension<Viewer>,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    site_page_with(&service, &viewer, site_id(&id)?, None, SiteRefusal::default(), StatusCode::OK).await
}

/// `POST /host/sites/{id}`: saves the settings.
pub(crate) async fn save_site(
    State(service): State<Service>,
    Path(id): Path<String>,
    SignedForm { viewer, fields }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let id = site_id(&id)?;
    let again = |refusal: SiteRefusal, status| site_page_with(&service, &viewer, id, Some(&fields), refusal, status);
    // The same fields as a new site, through the same parser as the API.
    let site = match super::cluster::site_form(&fields) {
        Ok(site) => site,
        Err(e) => return again(SiteRefusal::says(w.field_error(&e)), StatusCode::BAD_REQUEST).await,
    };
    let patch = SitePatch {
        name: Some(site.name),
        address: Some(site.address),
        timezone: site.timezone,
        desks: Some(site.desks),
        open_weekdays: Some(site.open_weekdays),
        contact_email: Some(site.contact_email.to_string()),
        house_rules: Some(site.house_rules),
    };
    match service.update_site(caller, id, patch).await {
        Ok(_) => Ok(redirect(&format!("/host/sites/{}?done=saved", id.as_uuid()))),
        Err(e) => {
            let refusal = site_refusal(&service, &viewer, caller, id, e, w.change_takes_days).await?;
            again(refusal, StatusCode::CONFLICT).await
        }
    }
}

/// `POST /host/sites/{id}/closures`: closes a day (`date`, `reason`).
pub(crate) async fn close_day(
    State(service): State<Service>,
    Path(id): Path<String>,
    SignedForm { viewer, fields }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let id = site_id(&id)?;
    let Ok(date) = parse_date(fields.get("date")) else {
        let error = SiteRefusal::says(viewer.words().bad_dates.to_owned());
        return site_page_with(&service, &viewer, id, None, error, StatusCode::BAD_REQUEST).await;
    };
    match service.close_day(caller, id, date, fields.get("reason")).await {
        Ok(()) => Ok(redirect(&format!("/host/sites/{}?done=saved#closures", id.as_uuid()))),
        Err(e) => {
            let refusal = site_refusal(&service, &viewer, caller, id, e, viewer.words().day_holds_stays).await?;
            site_page_with(&service, &viewer, id, None, refusal, StatusCode::CONFLICT).await
        }
    }
}

/// `POST /host/sites/{id}/reopen`: opens a closed day again (`date`).
pub(crate) async fn reopen_day(
    State(service): State<Service>,
    Path(id): Path<String>,
    SignedForm { viewer, fields }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let id = site_id(&id)?;
    let date = parse_date(fields.get("date")).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    service.reopen_day(caller, id, date).await?;
    Ok(redirect(&format!("/host/sites/{}?done=saved#closures", id.as_uuid())))
}

// ---------------------------------------------------------------- policy

/// A number field of the policy form with its floor explained.
struct NumberField {
    name: &'static str,
    label: &'static str,
    value: String,
    min: u32,
    max: u32,
    floor: String,
}

#[derive(Template)]
#[template(path = "host_policy.html")]
struct PolicyPage {
    c: Chrome,
    nav: HostNav,
    guaranteed: String,
    numbers: Vec<NumberField>,
    manual: bool,
    expire: bool,
    breaches: Vec<String>,
    error: Option<String>,
}

async fn policy_page_with(
    service: &Service,
    viewer: &Viewer,
    query: &Fields,
    fields: Option<&Fields>,
    breaches: Vec<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    use deskvisa_rules::HostPolicy as P;
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let sites = own_sites(service, caller).await?;
    let policy = *service.policy(own(caller)?).await?.draft();
    let network: NetworkPolicy = service.network_policy().await?;
    let g = network.guaranteed_days();
    let value = |name: &str, saved: u32| fields.map_or(saved.to_string(), |f| f.get(name).to_owned());
    let numbers = vec![
        NumberField {
            name: "max_days_per_stay",
            label: w.max_days_per_stay,
            value: value("max_days_per_stay", policy.max_days_per_stay),
            min: g,
            max: P::MAX_DAYS_PER_STAY,
            floor: format!("{} {}", w.at_least, g),
        },
        NumberField {
            name: "stays_per_year",
            label: w.stays_per_year,
            value: value("stays_per_year", policy.stays_per_year),
            min: P::MIN_STAYS_PER_YEAR,
            max: P::MAX_STAYS_PER_YEAR,
            floor: format!("{} {}", w.at_least, P::MIN_STAYS_PER_YEAR),
        },
        NumberField {
            name: "min_notice_days",
            label: w.min_notice_days,
            value: value("min_notice_days", policy.min_notice_days),
            min: 0,
            max: P::MAX_MIN_NOTICE_DAYS,
            floor: format!("{} {}", w.at_most, P::MAX_MIN_NOTICE_DAYS),
        },
        NumberField {
            name: "horizon_days",
            label: w.horizon_days,
            value: value("horizon_days", policy.horizon_days),
            min: P::MIN_HORIZON_DAYS,
            max: P::MAX_HORIZON_DAYS,
            floor: format!("{} {}", w.at_least, P::MIN_HORIZON_DAYS),
        },
        NumberField {
            name: "answer_window_days",
            label: w.answer_window_days,
            value: value("answer_window_days", policy.answer_window_days),
            min: P::ANSWER_WINDOW_DAYS.0,
            max: P::ANSWER_WINDOW_DAYS.1,
            floor: format!("{}–{}", P::ANSWER_WINDOW_DAYS.0, P::ANSWER_WINDOW_DAYS.1),
        },
    ];
    let manual = fields.map_or(policy.approval_mode == ApprovalMode::Manual, |f| f.get("approval_mode") != "auto");
    let expire = fields.map_or(policy.on_no_answer == OnNoAnswer::Expire, |f| f.get("on_no_answer") == "expire");
    let page = PolicyPage {
        c: Chrome::new(viewer, w.host_policy, "host").done(query),
        nav: host_nav(w, own(caller)?, &sites, "/host/policy"),
        guaranteed: w.day_count(u64::from(g)),
        numbers,
        manual,
        expire,
        error: (!breaches.is_empty()).then(|| w.policy_refused.to_owned()),
        breaches,
    };
    html(status, &page)
}

/// `GET /host/policy`.
pub(crate) async fn policy_page(
    State(service): State<Service>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query,
) -> Result<Response, PageError> {
    policy_page_with(&service, &viewer, &query, None, Vec::new(), StatusCode::OK).await
}

/// `POST /host/policy`.
pub(crate) async fn save_policy(
    State(service): State<Service>,
    SignedForm { viewer, fields }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let number = |name: &str| fields.get(name).parse::<u32>();
    let (Ok(max_days_per_stay), Ok(stays_per_year), Ok(min_notice_days), Ok(horizon_days), Ok(answer_window_days)) = (
        number("max_days_per_stay"),
        number("stays_per_year"),
        number("min_notice_days"),
        number("horizon_days"),
        number("answer_window_days"),
    ) else {
        let breaches = vec![w.bad_number.to_owned()];
        return policy_page_with(
            &service,
            &viewer,
            &Fields::default(),
            Some(&fields),
            breaches,
            StatusCode::BAD_REQUEST,
        )
        .await;
    };
    let draft = PolicyDraft {
        max_days_per_stay,
        stays_per_year,
        min_notice_days,
        horizon_days,
        approval_mode: if fields.get("approval_mode") == "auto" { ApprovalMode::Auto } else { ApprovalMode::Manual },
        answer_window_days,
        on_no_answer: if fields.get("on_no_answer") == "expire" { OnNoAnswer::Expire } else { OnNoAnswer::Approve },
    };
    match service.save_policy(caller, own(caller)?, draft).await {
        Ok(_) => Ok(redirect("/host/policy?done=saved")),
        Err(ServiceError::Policy(below)) => {
            let breaches = below.breaches.iter().map(|b| w.breach(b)).collect();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            policy_page_with(&service, &viewer, &Fields::default(), Some(&fields), breaches, status).await
        }
        Err(e) => Err(e.into()),
    }
}

// ---------------------------------------------------------------- events

/// An event on the host's list.
struct HostEvent {
    id: String,
    title: String,
    site: String,
    when: String,
    places: String,
    open: bool,
    cancelled: bool,
}

#[derive(Template)]
#[template(path = "host_events.html")]
struct EventsPage {
    c: Chrome,
    nav: HostNav,
    sites: Vec<(String, String, bool)>,
    events: Vec<HostEvent>,
    title: String,
    description: String,
    starts_at: String,
    ends_at: String,
    capacity: String,
    open_ticked: bool,
    error: Option<String>,
}

async fn events_page_with(
    service: &Service,
    viewer: &Viewer,
    query: &Fields,
    fields: Option<&Fields>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let sites = own_sites(service, caller).await?;
    let mut events = Vec::new();
    for site in &sites {
        let today = site.timezone.date_at(service.now());
        for e in service.site_events(site.id, Some(today), today.checked_add_days(Days::new(EVENT_DAYS))).await? {
            events.push((
                e.starts_utc,
                HostEvent {
                    id: e.id.as_uuid().to_string(),
                    site: site.name.clone(),
                    when: w.time_span(e.starts_at, e.ends_at),
                    places: format!("{}/{}", e.registered, e.capacity),
                    open: e.open_to_visitors,
                    cancelled: e.cancelled_at.is_some(),
                    title: e.title,
                },
            ));
        }
    }
    events.sort_by_key(|(at, _)| *at);
    let get = |name: &str| fields.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let chosen = get("site");
    let page = EventsPage {
        c: Chrome::new(viewer, w.host_events, "host").done(query),
        nav: host_nav(w, own(caller)?, &sites, "/host/events"),
        sites: sites
            .iter()
            .map(|s| {
                let id = s.id.as_uuid().to_string();
                (id.clone(), s.name.clone(), id == chosen)
            })
            .collect(),
        events: events.into_iter().map(|(_, e)| e).collect(),
        title: get("title"),
        description: get("description"),
        starts_at: get("starts_at"),
        ends_at: get("ends_at"),
        capacity: fields.map_or_else(|| "20".to_owned(), |f| f.get("capacity").to_owned()),
        open_ticked: fields.is_none_or(|f| f.ticked("open_to_visitors")),
        error,
    };
    html(status, &page)
}

/// `GET /host/events`.
pub(crate) async fn events_page(
    State(service): State<Service>,
    Extension(viewer): Extension<Viewer>,
    Query(query): Query,
) -> Result<Response, PageError> {
    events_page_with(&service, &viewer, &query, None, None, StatusCode::OK).await
}

/// A `datetime-local` value: `YYYY-MM-DDTHH:MM` (seconds allowed).
fn local_time(text: &str) -> Option<NaiveDateTime> {
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text.trim(), f).ok())
}

/// `POST /host/events`: publishes an event.
pub(crate) async fn publish_event(
    State(service): State<Service>,
    SignedForm { viewer, fields }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let no_query = Fields::default();
    let again =
        |error: String, status| events_page_with(&service, &viewer, &no_query, Some(&fields), Some(error), status);
    let site = match crate::extract::id(fields.get("site"), SiteId::parse) {
        Ok(site) => site,
        Err(_) => return again(w.bad_site.to_owned(), StatusCode::BAD_REQUEST).await,
    };
    let (Some(starts_at), Some(ends_at)) = (local_time(fields.get("starts_at")), local_time(fields.get("ends_at")))
    else {
        return again(w.bad_times.to_owned(), StatusCode::BAD_REQUEST).await;
    };
    let Ok(capacity) = fields.get("capacity").parse::<u32>() else {
        return again(w.bad_number.to_owned(), StatusCode::BAD_REQUEST).await;
    };
    let draft = EventDraft {
        title: fields.get("title").to_owned(),
        description: fields.get("description").to_owned(),
        starts_at,
        ends_at,
        capacity,
        open_to_visitors: fields.ticked("open_to_visitors"),
    };
    match service.publish_event(caller, site, draft).await {
        Ok(_) => Ok(redirect("/host/events?done=saved")),
        Err(e) => again(told(viewer.words(), e)?, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// `POST /host/events/{id}/cancel` (an optional `reason`).
pub(crate) async fn cancel_event(
    State(service): State<Service>,
    Path(id): Path<String>,
    SignedForm { viewer, fields }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let id: EventId = crate::extract::id(&id, EventId::parse)?;
    service.cancel_event(caller, id, fields.optional("reason").map(str::to_owned)).await?;
    Ok(redirect("/host/events?done=saved"))
}

// --------------------------------------------------------------- members

/// `GET /host/members`: the host's own cluster's members page.
pub(crate) async fn members_page(Extension(viewer): Extension<Viewer>) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    Ok(redirect(&format!("/clusters/{}/members", own(caller)?.as_uuid())))
}
