//! A site's page: a request card that stays in view beside the site's
//! facts, a month of free desks whose days pick the stay's first and last
//! day (links, no script), the house rules and the host's events. The card
//! says the host's policy as the visitor reads it, sums up the chosen
//! dates, and takes a refused request back with each broken rule in plain
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

use super::calendar::{Month, Picking, first_of_month, month_key, month_range, month_to_pick, parse_month};
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
    month: Month,
    /// The host's policy, a sentence each.
    promises: Vec<String>,
    /// The chosen dates in a line: range, desk days, how the host answers.
    summary: Option<String>,
    /// Why there is no form: staff, one's own cluster, no visitor desks.
    closed_note: Option<String>,
    /// A cluster admin's link to the delegation form, this site chosen.
    delegation: Option<String>,
    /// Whether the calendar's days are links.
    picking: bool,
    /// The site's page, for "choose other dates".
    page: String,
    /// The site has no desks for visitors.
    no_desks: bool,
    previous: Option<String>,
    next: Option<String>,
    events: Vec<EventLine>,
    start: String,
    end: String,
    purpose: String,
    refused: Option<Refused>,
    error: Option<String>,
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
    let caller = viewer.caller()?;
    let w = viewer.words();
    let site = service.site(id).await?;
    let (cluster, _) = service.cluster_with_sites(site.cluster_id).await?;
    let policy = service.policy(cluster.id).await?;
    let network = service.network_policy().await?;
    let today = site.timezone.date_at(service.now());
    let start = parse_date(&draft.start).ok();
    let end = parse_date(&draft.end).ok().filter(|e| start.is_some_and(|s| s <= *e));
    let chosen = start.zip(end).and_then(|(s, e)| DateRange::new(s, e));
    let first = first_of_month(wanted_month.or(start).unwrap_or(today));
    let days = service.availability(id, month_range(first)).await?;
    let own_members = caller.cluster == Some(cluster.id);
    let staff = caller.cluster.is_none();
    let no_desks = site.desks.get() == 0;
    let closed_note = if staff {
        Some(w.staff_requests_nothing)
    } else if own_members {
        Some(w.own_site)
    } else if no_desks {
        Some(w.no_visitors_now)
    } else {
        None
    };
    let page_path = format!("/sites/{}", id.as_uuid());
    let picking = closed_note.is_none().then(|| Picking {
        page: page_path.clone(),
        start,
        end,
        starts: booking_window(today, &policy),
    });
    let calendar = month_to_pick(w, first, &days, today, chosen, picking.as_ref());
    let href = |d: NaiveDate| {
        let keep = start.map(|s| format!("&start={s}")).unwrap_or_default()
            + &end.map(|e| format!("&end={e}")).unwrap_or_default();
        format!("{page_path}?month={}{keep}#calendar", month_key(d))
    };
    let previous = first.checked_sub_months(Months::new(1)).filter(|d| *d >= first_of_month(today)).map(href);
    let next = first.checked_add_months(Months::new(1)).map(href);
    let summary = match chosen {
        Some(range) if closed_note.is_none() => Some(summary(service, w, id, range, &policy).await?),
        _ => None,
    };
    let left =
        if closed_note.is_none() { Some(service.stays_left(caller, cluster.id, &policy, today).await?) } else { None };
    let face = super::site_faces::Face::of(service, id, w.locale()).await?;
    let delegation = (caller.cluster_admin && closed_note.is_none())
        .then(|| format!("/host/delegations?country={}&site_id={}#send-title", cluster.country.as_str(), id.as_uuid()));
    let page = SitePage {
        delegation,
        face,
        c: Chrome::new(viewer, site.name.clone(), "map"),
        action: format!("/sites/{}/request", id.as_uuid()),
        wait_action: format!("/sites/{}/waitlist", id.as_uuid()),
        cluster: format!("{} · {}, {}", cluster.name, cluster.city, w.country(cluster.country)),
        address: site.address.clone(),
        contact: site.contact_email.clone(),
        house_rules: site.house_rules.clone(),
        open_days: open_days(w, &site),
        zone: site.timezone.name().to_owned(),
        promises: w.policy_for_visitor(&policy, policy.effective_max_days(&network), left),
        summary,
        closed_note: closed_note.map(str::to_owned),
        picking: picking.is_some(),
        page: page_path,
        no_desks,
        name: site.name,
        month: calendar,
        previous,
        next,
        events: events(service, w, id, today, own_members).await?,
        start: draft.start,
        end: draft.end,
        purpose: draft.purpose,
        refused: draft.refused,
        error: draft.error,
    };
    html(status, &page)
}

/// The days a stay may begin on today: the host's notice to its horizon.
fn booking_window(today: NaiveDate, policy: &deskvisa_rules::HostPolicy) -> DateRange {
    let from = today.checked_add_days(Days::new(u64::from(policy.min_notice_days()))).unwrap_or(today);
    let to = today.checked_add_days(Days::new(u64::from(policy.horizon_days()))).unwrap_or(today);
    DateRange::new(from, to).unwrap_or(DateRange::day(from))
}

/// The chosen dates in one line: "Mon 4 – Fri 8 January 2027 · 5 desk
/// days · the host answers within 3 days, or the stay is approved".
async fn summary(
    service: &Service,
    w: &'static super::Words,
    site: SiteId,
    range: DateRange,
    policy: &deskvisa_rules::HostPolicy,
) -> Result<String, PageError> {
    let desk_days = if range.len() <= deskvisa_service::MAX_AVAILABILITY_DAYS {
        service.availability(site, range).await?.iter().filter(|d| d.open).count() as u64
    } else {
        0
    };
    Ok(format!("{} · {} · {}", w.range(range.start(), range.end()), w.desk_days(desk_days), w.answer_promise(policy)))
}

/// The host's events at the site in the coming months that the viewer may
/// join (members-only ones for the host's own members).
async fn events(
    service: &Service,
    w: &'static super::Words,
    id: SiteId,
    today: NaiveDate,
    own_members: bool,
) -> Result<Vec<EventLine>, PageError> {
    Ok(service
        .site_events(id, Some(today), today.checked_add_days(Days::new(EVENT_DAYS)))
        .await?
        .into_iter()
        .filter(|e| e.cancelled_at.is_none() && (e.open_to_visitors || own_members))
        .map(|e| EventLine {
            when: w.time_span(e.starts_at, e.ends_at),
            places: w.places(e.seats_left()),
            members_only: !e.open_to_visitors,
            title: e.title,
            description: e.description,
        })
        .collect())
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
