//! The network's programme, `/programme` (issue 22): every event open to
//! visitors across the network for the coming months, a list by day, with a
//! country or continent to narrow it, so a member can plan a trip around an
//! event; each event leads to its page and to its site's request form with
//! the event's date filled in.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use deskvisa_rules::{Continent, EventId};
use deskvisa_service::PageRequest;

use super::PageError;
use super::page::Page;
use super::view::{Chrome, html};

/// Events a page lists.
const SHOWN: u64 = 100;

/// An event of the programme as the page lists it.
struct Item {
    id: String,
    title: String,
    when: String,
    place: String,
    places: String,
    /// The site's request form with the event's date filled in.
    request: String,
}

#[derive(Template)]
#[template(path = "programme.html")]
struct ProgrammePage {
    c: Chrome,
    continent: String,
    continents: Vec<(&'static str, &'static str)>,
    /// Days, each with its events.
    days: Vec<(String, Vec<Item>)>,
    next: Option<String>,
}

/// `GET /programme`.
pub(crate) async fn page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let continent = Continent::parse(query.get("continent")).ok();
    let after = query.optional("after").and_then(|a| EventId::parse(a).ok());
    let found = service.programme(caller, (None, None), (None, continent), PageRequest { after, limit: SHOWN }).await?;
    let map = service.map().await?;
    let mut days: Vec<(NaiveDate, Vec<Item>)> = Vec::new();
    for e in &found.items {
        let (cluster, site) = map
            .iter()
            .find(|(c, _)| c.id == e.cluster)
            .map(|(c, sites)| (c.name.as_str(), sites.iter().find(|s| s.id == e.site).map_or("", |s| s.name.as_str())))
            .unwrap_or_default();
        let day = e.starts_at.date();
        let item = Item {
            id: e.id.as_uuid().to_string(),
            title: e.title.clone(),
            when: w.time_span(e.starts_at, e.ends_at),
            place: format!("{site}, {cluster}"),
            places: format!("{} {}", e.seats_left(), w.places_left),
            request: format!("/sites/{}?start={day}&end={day}", e.site.as_uuid()),
        };
        match days.last_mut() {
            Some((d, items)) if *d == day => items.push(item),
            _ => days.push((day, vec![item])),
        }
    }
    let next = found.next.map(|id| format!("/programme?continent={}&after={id}", query.get("continent")));
    let page = ProgrammePage {
        c: Chrome::new(&viewer, w.programme_title, "programme").done(&query),
        continent: query.get("continent").to_owned(),
        continents: Continent::ALL.iter().map(|k| (k.as_str(), w.continent(*k))).collect(),
        days: days.into_iter().map(|(d, items)| (w.date(d), items)).collect(),
        next,
    };
    html(StatusCode::OK, &page)
}
