//! A site's settings for its host admins: the same fields as a new site,
//! its closures (close a day, reopen it), and what a refused change would
//! cost (days already held).

use crate::pages::calendar::{Month, first_of_month, month, month_range};
use crate::pages::form::{Fields, FormRefusal, SignedForm};
use crate::pages::page::Page;
use crate::pages::view::{Chrome, html};
use crate::pages::{PageError, Viewer, redirect, told};
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Months;
use deskvisa_rules::{MemberId, SiteId, parse_date};
use deskvisa_service::{Caller, Service, ServiceError, SitePatch, SiteRecord, StayRecord};
use std::collections::HashMap;

use super::inbox::{StayLine, stay_line};
use super::*;

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
    refused: FormRefusal,
    /// The stays that stand in the way of a refused change.
    in_the_way: Vec<StayLine>,
    /// The arrival pack's form, and the photo's thumbnail.
    arrival: crate::pages::site_faces::ArrivalForm,
    photo: Option<String>,
    /// Who is coming, day by day.
    roster: super::roster::Roster,
}

/// What a refused site form shows: the message, and the stays in its way.
#[derive(Default)]
struct SiteRefusal {
    form: FormRefusal,
    in_the_way: Vec<StayRecord>,
}

impl SiteRefusal {
    fn says(message: String) -> SiteRefusal {
        SiteRefusal { form: FormRefusal::says(message), in_the_way: Vec::new() }
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
            Ok(SiteRefusal { form: FormRefusal::says(format!("{held} {days}")), in_the_way })
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
    roster_month: bool,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let (site, sites) = run_site(service, caller, id).await?;
    let mut names: HashMap<MemberId, String> = HashMap::new();
    let mut in_the_way = Vec::new();
    for stay in &refusal.in_the_way {
        let visitor = member_name(service, &mut names, stay.member).await;
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
    let arrival = crate::pages::site_faces::ArrivalForm::of(w, &service.arrival_pack(id).await?);
    let photo =
        service.site_photo_versions().await?.remove(&id).map(|v| crate::pages::site_faces::photo_url(id, &v, true));
    let roster = super::roster::roster(service, caller, w, &site, roster_month).await?;
    let page = SitePage {
        roster,
        arrival,
        photo,
        c: Chrome::new(viewer, format!("{} — {}", w.site_settings, site.name), "host"),
        nav: cluster_nav(w, caller, site.cluster_id, &sites, &format!("/host/sites/{}", id.as_uuid())),
        timezone: value("timezone", site.timezone.name().to_owned()),
        id: id.as_uuid().to_string(),
        name: value("name", site.name.clone()),
        address: value("address", site.address.clone()),
        desks: value("desks", site.desks.get().to_string()),
        contact: value("contact_email", site.contact_email.clone()),
        house_rules: value("house_rules", site.house_rules.clone()),
        weekdays: crate::pages::cluster::weekday_boxes(w, &open),
        closures,
        months,
        refused: refusal.form,
        in_the_way,
    };
    html(status, &page)
}

fn site_id(id: &str) -> Result<SiteId, PageError> {
    Ok(crate::extract::id(id, SiteId::parse)?)
}

/// `GET /host/sites/{id}`.
pub(crate) async fn site_page(
    Page { service, viewer, query }: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let month = query.get("roster") == "month";
    site_page_with(&service, &viewer, site_id(&id)?, None, SiteRefusal::default(), StatusCode::OK, month).await
}

/// `POST /host/sites/{id}`: saves the settings.
pub(crate) async fn save_site(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, form }: SignedForm<crate::input::SiteForm>,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let id = site_id(&id)?;
    let again =
        |refusal: SiteRefusal, status| site_page_with(&service, &viewer, id, Some(&fields), refusal, status, false);
    // The same fields as a new site, through the same parser as the API.
    let site = match crate::pages::cluster::site_form(form) {
        Ok(site) => site,
        Err(e) => {
            let refusal = SiteRefusal { form: FormRefusal::fields(w, &e), in_the_way: Vec::new() };
            return again(refusal, StatusCode::BAD_REQUEST).await;
        }
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

/// `POST /host/sites/{id}/closures`: closes a day (`date`, `reason`), or
/// every open day from `date` to `until`, all or none.
pub(crate) async fn close_day(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let id = site_id(&id)?;
    // One day, or every open day up to an optional last day.
    let range = match (parse_date(fields.get("date")), fields.optional("until").map(parse_date)) {
        (Ok(date), None) => Some(deskvisa_rules::DateRange::day(date)),
        (Ok(date), Some(Ok(until))) => deskvisa_rules::DateRange::new(date, until),
        _ => None,
    };
    let Some(range) = range.filter(|r| r.len() <= deskvisa_service::MAX_CLOSED_AT_ONCE) else {
        let error = SiteRefusal::says(viewer.words().bad_closure_dates.to_owned());
        return site_page_with(&service, &viewer, id, Some(&fields), error, StatusCode::BAD_REQUEST, false).await;
    };
    match service.close_days(caller, id, range, fields.get("reason")).await {
        Ok(()) => Ok(redirect(&format!("/host/sites/{}?done=saved#closures", id.as_uuid()))),
        Err(e) => {
            let refusal = site_refusal(&service, &viewer, caller, id, e, viewer.words().day_holds_stays).await?;
            site_page_with(&service, &viewer, id, None, refusal, StatusCode::CONFLICT, false).await
        }
    }
}

/// `POST /host/sites/{id}/reopen`: opens a closed day again (`date`).
pub(crate) async fn reopen_day(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let id = site_id(&id)?;
    let date = parse_date(fields.get("date")).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    service.reopen_day(caller, id, date).await?;
    Ok(redirect(&format!("/host/sites/{}?done=saved#closures", id.as_uuid())))
}
