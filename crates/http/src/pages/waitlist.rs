//! The waitlist on the pages (issue 23): a request refused only for want of
//! desks offers "wait for these dates" (`POST /sites/{id}/waitlist`); my
//! stays list my places in line with their places and offers; an offer's
//! email links to `/waitlist/{id}`, where the member takes it (`POST
//! /waitlist/{id}/accept`, on to the stay) or lets it go (`POST
//! /waitlist/{id}/leave`).

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::{SiteId, WaitStatus, parse_date};
use deskvisa_service::{MyWait, Service, ServiceError};

use super::form::SignedForm;
use super::page::Page;
use super::view::{Chrome, html};
use super::{PageError, Words, redirect};

/// A place in line as the pages show it.
pub(super) struct WaitView {
    pub(super) id: String,
    pub(super) site: String,
    pub(super) site_href: String,
    pub(super) dates: String,
    pub(super) status: &'static str,
    pub(super) state: String,
    pub(super) offered: bool,
    pub(super) live: bool,
    pub(super) stay_href: Option<String>,
}

impl WaitView {
    pub(super) async fn new(service: &Service, w: &Words, wait: &MyWait) -> Result<WaitView, PageError> {
        let e = &wait.entry;
        let site = service.site(e.site).await?;
        let state = match (e.status, wait.place, e.offer_expires_at) {
            (WaitStatus::Offered, _, Some(until)) => w.wait_offered(&w.instant(until, site.timezone.name())),
            (WaitStatus::Waiting, Some(place), _) => w.wait_place(place),
            (WaitStatus::Accepted, _, _) => w.wait_accepted.to_owned(),
            (WaitStatus::Lapsed, _, _) => w.wait_lapsed.to_owned(),
            _ => w.wait_left.to_owned(),
        };
        Ok(WaitView {
            id: e.id.to_string(),
            site_href: format!("/sites/{}", site.id.as_uuid()),
            site: site.name,
            dates: w.range(e.start_date, e.end_date),
            status: e.status.as_str(),
            state,
            offered: e.status == WaitStatus::Offered,
            live: e.status.is_live(),
            stay_href: e.stay.map(|s| format!("/stays/{s}")),
        })
    }
}

/// The caller's places in line, for my stays.
pub(super) async fn my_waits(
    service: &Service,
    caller: &deskvisa_service::Caller,
    w: &Words,
) -> Result<Vec<WaitView>, PageError> {
    let mut views = Vec::new();
    for wait in service.my_waitlist(caller).await? {
        views.push(WaitView::new(service, w, &wait).await?);
    }
    Ok(views)
}

#[derive(Template)]
#[template(path = "waitlist_entry.html")]
struct EntryPage {
    c: Chrome,
    e: WaitView,
}

/// `GET /waitlist/{id}`: one of my places in line (an offer's email lands here).
pub(crate) async fn page(Page { service, viewer, query }: Page, Path(id): Path<String>) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ServiceError::NotFound)?;
    let wait = service.my_wait(caller, id).await?;
    let e = WaitView::new(&service, w, &wait).await?;
    let page = EntryPage { c: Chrome::new(&viewer, format!("{}: {}", e.site, e.dates), "stays").done(&query), e };
    html(StatusCode::OK, &page)
}

/// `POST /sites/{id}/waitlist`: joins the line; on to my stays.
pub(crate) async fn join(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let site = crate::extract::id(&id, SiteId::parse)?;
    let w = viewer.words();
    let (Ok(start), Ok(end)) = (parse_date(fields.get("start_date")), parse_date(fields.get("end_date"))) else {
        return Err(ServiceError::Invalid(w.bad_dates.to_owned()).into());
    };
    let wait = service.join_waitlist(viewer.caller()?, site, start, end).await?;
    Ok(redirect(&format!("/stays?done=waiting#wait-{}", wait.entry.id)))
}

/// `POST /waitlist/{id}/accept`: takes the offer; on to the stay.
pub(crate) async fn accept(
    Path(id): Path<String>,
    SignedForm { service, viewer, .. }: SignedForm,
) -> Result<Response, PageError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ServiceError::NotFound)?;
    let stay = service.accept_offer(viewer.caller()?, id).await?;
    Ok(redirect(&format!("/stays/{}?done=requested", stay.id)))
}

/// `POST /waitlist/{id}/leave`: leaves the line or lets the offer go.
pub(crate) async fn leave(
    Path(id): Path<String>,
    SignedForm { service, viewer, .. }: SignedForm,
) -> Result<Response, PageError> {
    let id = uuid::Uuid::parse_str(&id).map_err(|_| ServiceError::NotFound)?;
    service.leave_waitlist(viewer.caller()?, id).await?;
    Ok(redirect("/stays?done=left#waitlist"))
}
