//! The network's programme, `/programme` (issue 22): every event open to
//! visitors across the network for the coming months, a list by day or a
//! month's calendar (`?view=month&month=2027-04`), with a continent to
//! narrow it, so a member can plan a trip around an event; each event leads
//! to its page and to its site's request form with the event's date filled
//! in.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Days, Months, NaiveDate};
use deskvisa_rules::{Continent, EventId};
use deskvisa_service::PageRequest;

use super::PageError;
use super::page::Page;
use super::view::{Chrome, html};

/// Events a page lists.
const SHOWN: u64 = 100;
/// Events a month's calendar shows at most (the rest behind the list).
const MONTH_SHOWN: usize = 600;

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
    /// The month view, when asked for.
    month: Option<MonthView>,
}

/// One day of the month's calendar.
struct MonthDay {
    number: u32,
    /// The day written out, for screen readers and as the cell's title.
    said: String,
    today: bool,
    events: Vec<(String, String, String)>,
}

/// A month of the programme as a calendar: weeks from Monday.
struct MonthView {
    caption: String,
    weekdays: Vec<(&'static str, &'static str)>,
    weeks: Vec<Vec<Option<MonthDay>>>,
    previous: String,
    next: String,
    /// More events than the calendar shows.
    cut: bool,
}

/// The first of the month `?month=YYYY-MM` names, else this month.
fn month_asked(text: &str, today: NaiveDate) -> NaiveDate {
    NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
        .ok()
        .filter(|d| (d.year() - today.year()).abs() <= 3)
        .unwrap_or_else(|| today.with_day(1).unwrap_or(today))
}

/// The month's calendar of the programme's events.
async fn month_view(
    service: &deskvisa_service::Service,
    caller: &deskvisa_service::Caller,
    w: &'static super::Words,
    continent: Option<Continent>,
    first: NaiveDate,
    today: NaiveDate,
) -> Result<MonthView, PageError> {
    let last = first.checked_add_months(Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(first);
    let mut events = Vec::new();
    let mut after = None;
    loop {
        let page = PageRequest { after, limit: SHOWN };
        let found = service.programme(caller, (Some(first), Some(last)), (None, continent), page).await?;
        events.extend(found.items);
        match found.next {
            Some(next) if events.len() < MONTH_SHOWN => after = Some(next),
            rest => {
                after = rest;
                break;
            }
        }
    }
    let mut weeks = Vec::new();
    let mut week: Vec<Option<MonthDay>> = vec![];
    for _ in 0..first.weekday().num_days_from_monday() {
        week.push(None);
    }
    let mut day = first;
    while day <= last {
        let todays = events
            .iter()
            .filter(|e| e.starts_at.date() == day)
            .map(|e| (e.id.as_uuid().to_string(), e.title.clone(), e.starts_at.format("%H:%M").to_string()))
            .collect();
        week.push(Some(MonthDay { number: day.day(), said: w.date(day), today: day == today, events: todays }));
        if week.len() == 7 {
            weeks.push(std::mem::take(&mut week));
        }
        day = match day.checked_add_days(Days::new(1)) {
            Some(next) => next,
            None => break,
        };
    }
    if !week.is_empty() {
        week.resize_with(7, || None);
        weeks.push(week);
    }
    let link = |month: NaiveDate| {
        format!(
            "/programme?view=month&month={}&continent={}",
            month.format("%Y-%m"),
            continent.map_or("", |c| c.as_str())
        )
    };
    Ok(MonthView {
        caption: w.month(first),
        weekdays: [
            chrono::Weekday::Mon,
            chrono::Weekday::Tue,
            chrono::Weekday::Wed,
            chrono::Weekday::Thu,
            chrono::Weekday::Fri,
            chrono::Weekday::Sat,
            chrono::Weekday::Sun,
        ]
        .iter()
        .map(|d| w.weekday(*d))
        .collect(),
        weeks,
        previous: link(first.checked_sub_months(Months::new(1)).unwrap_or(first)),
        next: link(first.checked_add_months(Months::new(1)).unwrap_or(first)),
        cut: after.is_some(),
    })
}

/// `GET /programme`.
pub(crate) async fn page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let continent = Continent::parse(query.get("continent")).ok();
    if query.get("view") == "month" {
        let today = service.now().date_naive();
        let first = month_asked(query.get("month"), today);
        let month = month_view(&service, caller, w, continent, first, today).await?;
        let page = ProgrammePage {
            c: Chrome::new(&viewer, w.programme_title, "programme").done(&query),
            continent: query.get("continent").to_owned(),
            continents: Continent::ALL.iter().map(|k| (k.as_str(), w.continent(*k))).collect(),
            days: Vec::new(),
            next: None,
            month: Some(month),
        };
        return html(StatusCode::OK, &page);
    }
    let after = query.optional("after").and_then(|a| EventId::parse(a).ok());
    let found = service.programme(caller, (None, None), (None, continent), PageRequest { after, limit: SHOWN }).await?;
    let map = service.map().await?;
    let mut days: Vec<(NaiveDate, Vec<Item>)> = Vec::new();
    for e in &found.items {
        let (cluster, site) = map
            .clusters
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
            places: w.places(e.seats_left()),
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
        month: None,
    };
    html(StatusCode::OK, &page)
}
