//! One event's page, `/events/{id}`: where every event email's link lands.
//! The title, when and where (in the site's local time), the description,
//! the places left, whether it is cancelled (and why), and for the viewer:
//! registered or not, register or withdraw, the calendar file. Any signed-in
//! member may read an event, as the API lets them.

use super::page::Page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::EventId;

use super::PageError;
use super::stays::registered_events;
use super::view::{Chrome, html};

#[derive(Template)]
#[template(path = "event.html")]
struct EventPage {
    c: Chrome,
    id: String,
    /// The series it is an occurrence of.
    series: Option<String>,
    title: String,
    when: String,
    site: String,
    site_href: String,
    address: String,
    description: String,
    places: String,
    members_only: bool,
    cancelled: Option<String>,
    over: bool,
    registered: bool,
    full: bool,
    /// The site's request form with the event's date filled in, for a
    /// visitor (not for the host's own members, who sit at home).
    request: Option<String>,
}

/// `GET /events/{id}`.
pub(crate) async fn page(Page { service, viewer, query }: Page, Path(id): Path<String>) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let id: EventId = crate::extract::id(&id, EventId::parse)?;
    let event = service.event(id).await?;
    let site = service.site(event.site).await?;
    let registered = registered_events(&service, caller).await?.contains(&event.id);
    let page = EventPage {
        c: Chrome::new(&viewer, event.title.clone(), "stays").done(&query),
        id: event.id.as_uuid().to_string(),
        series: event.series.map(|s| s.to_string()),
        when: w.time_span(event.starts_at, event.ends_at),
        site: site.name,
        site_href: format!("/sites/{}", site.id.as_uuid()),
        address: site.address,
        description: event.description.clone(),
        places: w.places(event.seats_left()),
        members_only: !event.open_to_visitors,
        cancelled: event.cancelled_at.map(|_| event.cancel_reason.clone().unwrap_or_default()),
        over: event.starts_utc <= service.now(),
        registered,
        full: event.seats_left() == 0,
        request: (caller.cluster != Some(event.cluster) && event.open_to_visitors).then(|| {
            let day = event.starts_at.date();
            format!("/sites/{}?start={day}&end={day}", event.site.as_uuid())
        }),
        title: event.title,
    };
    html(StatusCode::OK, &page)
}
