//! A site's page: where it is, its house rules and opening days, a month of
//! free desks, the host's events, and the form that requests a stay. A
//! refused request comes back to this page with each broken rule in plain
//! words and, when desks are full, the nearest dates that fit, each one
//! button away.

use super::page::Page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, Months, NaiveDate};
use deskvisa_rules::{DateRange, Refusal, SiteId, parse_date};
use deskvisa_service::{Service, ServiceError, SiteRecord, StayRequestInput};

use super::calendar::{Month, first_of_month, month, month_key, month_range, parse_month};
use super::form::{Fields, SignedForm};
use super::view::{Chrome, html};
use super::{PageError, Viewer, redirect};

/// How far ahead the site page lists events.
const EVENT_DAYS: u64 = 120;

/// An event as a list shows it.
pub(crate) struct EventLine {
    pub(crate) title: String,
    pub(crate) when: String,
    pub(crate) description: String,
    pub(crate) places: String,
    pub(crate) members_only: bool,
}

/// A refused request (or move), in words: each broken rule, and the
/// nearest ranges that fit (first day, last day, in words).
pub(super) struct Refused {
    pub(super) sentences: Vec<String>,
    pub(super) alternatives: Vec<(String, String, String)>,
    /// Only desks are missing: the member may wait for these dates.
    pub(super) may_wait: bool,
}

#[derive(Template)]
#[template(path = "site.html")]
struct SitePage {
    c: Chrome,
    /// The photo and the arrival pack.
    face: super::site_faces::Face,
    action: String,
    /// Where "wait for these dates" posts.
    wait_action: String,
    name: String,
    cluster: String,
    address: String,
    contact: String,
    house_rules: String,
    open_days: String,
    zone: String,
    policy: Vec<(String, String)>,
    month: Month,
    previous: Option<String>,
    next: Option<String>,
    events: Vec<EventLine>,
    start: String,
    end: String,
    purpose: String,
    refused: Option<Refused>,
    error: Option<String>,
    /// A network staff account, which requests no stays.
    staff: bool,
}

fn site_id(id: &str) -> Result<SiteId, PageError> {
    Ok(crate::extract::id(id, SiteId::parse)?)
}

/// The weekdays a site opens, in words.
pub(crate) fn open_days(w: &'static super::Words, site: &SiteRecord) -> String {
    site.open_weekdays.iter().map(|d| w.weekday(d).1).collect::<Vec<_>>().join(", ")
}

/// What the form holds when the page is shown.
struct Draft {
    start: String,
    end: String,
    purpose: String,
    refused: Option<Refused>,
    error: Option<String>,
}

async fn render(
    service: &Service,
    viewer: &Viewer,
    id: SiteId,
    wanted_month: Option<NaiveDate>,
    draft: Draft,
    status: StatusCode,
) -> Result<Response, PageError> {
    viewer.caller()?;
    let w = viewer.words();
    let site = service.site(id).await?;
    let (cluster, _) = service.cluster_with_sites(site.cluster_id).await?;
    let policy = service.policy(cluster.id).await?;
    let today = site.timezone.date_at(service.now());
    let start = parse_date(&draft.start).ok();
    let end = parse_date(&draft.end).ok();
    let first = first_of_month(wanted_month.or(start).unwrap_or(today));
    let range = month_range(first);
    let days = service.availability(id, range).await?;
    let marked = start.zip(end).and_then(|(s, e)| DateRange::new(s, e));
    let calendar = month(w, first, &days, today, marked);
    let href = |d: NaiveDate| format!("/sites/{}?month={}#calendar", id.as_uuid(), month_key(d));
    let previous = first.checked_sub_months(Months::new(1)).filter(|d| *d >= first_of_month(today)).map(href);
    let next = first.checked_add_months(Months::new(1)).map(href);
    let own_members = viewer.caller.as_ref().is_some_and(|c| c.cluster == Some(cluster.id));
    let events = service
        .site_events(id, Some(today), today.checked_add_days(Days::new(EVENT_DAYS)))
        .await?
        .into_iter()
        .filter(|e| e.cancelled_at.is_none() && (e.open_to_visitors || own_members))
        .map(|e| EventLine {
            when: w.time_span(e.starts_at, e.ends_at),
            places: format!("{} {}", e.seats_left(), w.places_left),
            members_only: !e.open_to_visitors,
            title: e.title,
            description: e.description,
        })
        .collect();
    let approval = match policy.approval_mode() {
        deskvisa_rules::ApprovalMode::Manual => w.manual,
        deskvisa_rules::ApprovalMode::Auto => w.auto,
    };
    let face = super::site_faces::Face::of(service, id, w.locale()).await?;
    let page = SitePage {
        face,
        c: Chrome::new(viewer, site.name.clone(), "map"),
        action: format!("/sites/{}/request", id.as_uuid()),
        wait_action: format!("/sites/{}/waitlist", id.as_uuid()),
        staff: viewer.caller.as_ref().is_some_and(|c| c.cluster.is_none()),
        cluster: format!("{} · {}, {}", cluster.name, cluster.city, cluster.country),
        address: site.address.clone(),
        contact: site.contact_email.clone(),
        house_rules: site.house_rules.clone(),
        open_days: open_days(w, &site),
        zone: site.timezone.name().to_owned(),
        policy: vec![
            (w.max_days_per_stay.to_owned(), w.day_count(u64::from(policy.max_days_per_stay()))),
            (w.min_notice_days.to_owned(), w.day_count(u64::from(policy.min_notice_days()))),
            (w.horizon_days.to_owned(), w.day_count(u64::from(policy.horizon_days()))),
            (w.stays_per_year.to_owned(), policy.stays_per_year().to_string()),
            (w.approval_mode.to_owned(), approval.to_owned()),
        ],
        name: site.name,
        month: calendar,
        previous,
        next,
        events,
        start: draft.start,
        end: draft.end,
        purpose: draft.purpose,
        refused: draft.refused,
        error: draft.error,
    };
    html(status, &page)
}

/// `GET /sites/{id}` (`?month=YYYY-MM`; `?start=&end=` fill the form in).
pub(crate) async fn page(Page { service, viewer, query }: Page, Path(id): Path<String>) -> Result<Response, PageError> {
    let id = site_id(&id)?;
    let draft = Draft {
        start: query.get("start").to_owned(),
        end: query.get("end").to_owned(),
        purpose: String::new(),
        refused: None,
        error: None,
    };
    render(&service, &viewer, id, parse_month(query.get("month")), draft, StatusCode::OK).await
}

/// A refusal in the viewer's words.
pub(super) fn refused(w: &'static super::Words, refusal: &Refusal) -> Refused {
    Refused {
        may_wait: refusal.codes() == [deskvisa_rules::ViolationCode::NoCapacity],
        sentences: refusal.violations.iter().map(|v| w.violation(v)).collect(),
        alternatives: refusal
            .alternatives
            .iter()
            .map(|r| (r.start().to_string(), r.end().to_string(), w.range(r.start(), r.end())))
            .collect(),
    }
}

/// `POST /sites/{id}/request`: requests the stay; on to my stays, or back
/// to the site with why not.
pub(crate) async fn request(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let id = site_id(&id)?;
    let caller = viewer.caller()?;
    let w = viewer.words();
    let draft = |fields: &Fields, refused, error| Draft {
        start: fields.get("start_date").to_owned(),
        end: fields.get("end_date").to_owned(),
        purpose: fields.get("purpose").to_owned(),
        refused,
        error,
    };
    let (Ok(start_date), Ok(end_date)) = (parse_date(fields.get("start_date")), parse_date(fields.get("end_date")))
    else {
        let draft = draft(&fields, None, Some(w.bad_dates.to_owned()));
        return render(&service, &viewer, id, None, draft, StatusCode::BAD_REQUEST).await;
    };
    let input = StayRequestInput { site: id, start_date, end_date, purpose: fields.get("purpose").to_owned() };
    match service.request_stay(caller, &input).await {
        Ok(stay) => Ok(redirect(&format!("/stays?done=requested#stay-{}", stay.id.as_uuid()))),
        Err(ServiceError::Refused(refusal)) => {
            let draft = draft(&fields, Some(refused(w, &refusal)), None);
            render(&service, &viewer, id, None, draft, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(ServiceError::Invalid(message)) => {
            let draft = draft(&fields, None, Some(message));
            render(&service, &viewer, id, None, draft, StatusCode::BAD_REQUEST).await
        }
        Err(e) => Err(e.into()),
    }
}
