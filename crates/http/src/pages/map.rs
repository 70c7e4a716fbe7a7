//! The home page: the world map with a pin for every site of the network,
//! every site listed by continent, and the search for sites that can take a
//! stay (dates, number of days, country or continent), shown on the map
//! and as a list.

use super::page::Page;
use std::collections::BTreeMap;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Months;
use deskvisa_rules::{ClusterStatus, Continent, Country, DateRange, parse_date};
use deskvisa_service::{ClusterRecord, SearchQuery, Service, SiteRecord};

use super::PageError;
use super::calendar::{first_of_month, month_range};
use super::form::Fields;
use super::view::{Chrome, html};

/// The world picture's size (equirectangular, from 90° N to 60° S).
const WORLD: (f64, f64) = (360.0, 150.0);

/// The most date ranges shown per site in the results.
const FITS_SHOWN: usize = 3;

/// A site on the map.
struct Pin {
    href: String,
    x: String,
    y: String,
    title: String,
    fits: bool,
}

/// A site in a list.
struct SiteLine {
    href: String,
    name: String,
    place: String,
    /// The photo's thumbnail, when the site has one.
    thumb: Option<String>,
}

/// A site that can take the stay, with the first ranges that fit.
struct Fit {
    href: String,
    name: String,
    place: String,
    thumb: Option<String>,
    requests: Vec<(String, String)>,
}

/// A choice in a `<select>`.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "map.html")]
struct MapPage {
    c: Chrome,
    view_box: String,
    radius: String,
    fits_radius: String,
    pins: Vec<Pin>,
    areas: Vec<(String, Vec<SiteLine>)>,
    continents: Vec<Choice>,
    countries: Vec<Choice>,
    from: String,
    to: String,
    days: String,
    searched: bool,
    fits: Vec<Fit>,
    error: Option<String>,
}

/// Where a point of the earth is on the picture.
fn project(latitude: f64, longitude: f64) -> (f64, f64) {
    ((longitude + 180.0).clamp(0.0, WORLD.0), (90.0 - latitude).clamp(0.0, WORLD.1))
}

/// The part of the picture that shows every point, with a margin, in the
/// picture's proportions; the whole world when there is nothing to show.
fn view_box(points: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    if points.is_empty() {
        return (0.0, 0.0, WORLD.0, WORLD.1);
    }
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for (x, y) in points {
        x0 = x0.min(*x);
        y0 = y0.min(*y);
        x1 = x1.max(*x);
        y1 = y1.max(*y);
    }
    let aspect = WORLD.0 / WORLD.1;
    let mut width = (x1 - x0 + 16.0).max(24.0);
    let mut height = (y1 - y0 + 12.0).max(10.0);
    if width / height < aspect {
        width = height * aspect;
    } else {
        height = width / aspect;
    }
    let width = width.min(WORLD.0);
    let height = height.min(WORLD.1);
    let x = ((x0 + x1) / 2.0 - width / 2.0).clamp(0.0, WORLD.0 - width);
    let y = ((y0 + y1) / 2.0 - height / 2.0).clamp(0.0, WORLD.1 - height);
    (x, y, width, height)
}

/// The chosen area: `continent:europe` or `country:DK`.
enum Area {
    Anywhere,
    Continent(Continent),
    Country(Country),
}

impl Area {
    fn parse(text: &str) -> Area {
        match text.split_once(':') {
            Some(("continent", c)) => Continent::parse(c).map_or(Area::Anywhere, Area::Continent),
            Some(("country", c)) => Country::parse(&c.to_ascii_uppercase()).map_or(Area::Anywhere, Area::Country),
            _ => Area::Anywhere,
        }
    }

    fn holds(&self, cluster: &ClusterRecord) -> bool {
        match self {
            Area::Anywhere => true,
            Area::Continent(c) => cluster.country.continent() == *c,
            Area::Country(code) => cluster.country == *code,
        }
    }
}

fn place(cluster: &ClusterRecord) -> String {
    format!("{}, {} · {}", cluster.city, cluster.country, cluster.name)
}

/// The sites that fit the search the form sent, or why it cannot be run.
async fn search(
    service: &Service,
    caller: &deskvisa_service::Caller,
    query: &Fields,
    area: &Area,
    w: &'static super::Words,
) -> Result<(Vec<Fit>, Option<String>), PageError> {
    let search = match search_query(query, area) {
        Ok(search) => search,
        Err(message) => return Ok((Vec::new(), Some(message(w)))),
    };
    let mut fits = Vec::new();
    let photos = service.site_photo_versions().await?;
    for found in service.search_availability(caller, &search).await? {
        let href = format!("/sites/{}", found.site.id.as_uuid());
        let requests = found
            .fits
            .iter()
            .take(FITS_SHOWN)
            .map(|r| (format!("{href}?start={}&end={}#request", r.start(), r.end()), w.range(r.start(), r.end())))
            .collect();
        let thumb = photos.get(&found.site.id).map(|v| super::site_faces::photo_url(found.site.id, v, true));
        fits.push(Fit { href, name: found.site.name, place: place(&found.cluster), requests, thumb });
    }
    Ok((fits, None))
}

/// The area chooser's continents, `area` selected.
fn continent_choices(area: &str, w: &'static super::Words) -> Vec<Choice> {
    Continent::ALL
        .iter()
        .map(|c| {
            let value = format!("continent:{}", c.as_str());
            Choice { selected: value == area, value, label: w.continent(*c).to_owned() }
        })
        .collect()
}

/// The area chooser's countries with their cities, `area` selected.
fn country_choices(map: &[(ClusterRecord, Vec<SiteRecord>)], area: &str) -> Vec<Choice> {
    countries(map)
        .into_iter()
        .map(|(code, cities)| {
            let value = format!("country:{code}");
            Choice { selected: value == area, value, label: format!("{code} — {}", cities.join(", ")) }
        })
        .collect()
}

/// The countries on the map, each with its cities.
fn countries(map: &[(ClusterRecord, Vec<SiteRecord>)]) -> Vec<(String, Vec<String>)> {
    let mut countries: Vec<(String, Vec<String>)> = Vec::new();
    for (cluster, _) in map {
        match countries.iter_mut().find(|(code, _)| *code == cluster.country.as_str()) {
            Some((_, cities)) if !cities.contains(&cluster.city) => cities.push(cluster.city.clone()),
            Some(_) => {}
            None => countries.push((cluster.country.to_string(), vec![cluster.city.clone()])),
        }
    }
    countries.sort();
    countries
}

/// `GET /`: the map, and the search when the form was sent.
pub(crate) async fn page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let map: Vec<(ClusterRecord, Vec<SiteRecord>)> =
        service.map().await?.into_iter().filter(|(c, _)| c.status == ClusterStatus::Active).collect();
    let today = service.now().date_naive();
    let next_month = first_of_month(today).checked_add_months(Months::new(1)).unwrap_or(today);
    let area_text = query.get("area").to_owned();
    let area = Area::parse(&area_text);

    let searched = !query.get("from").is_empty() || !query.get("to").is_empty();
    let (from, to, days) = if searched {
        (query.get("from").to_owned(), query.get("to").to_owned(), query.get("days").to_owned())
    } else {
        let range = month_range(next_month);
        (range.start().to_string(), range.end().to_string(), "5".to_owned())
    };
    let (fits, error) = if searched { search(&service, caller, &query, &area, w).await? } else { (Vec::new(), None) };

    let fitting: Vec<String> = fits.iter().map(|f| f.href.clone()).collect();
    let mut pins = Vec::new();
    let mut focus = Vec::new();
    let mut areas: BTreeMap<usize, (String, Vec<SiteLine>)> = BTreeMap::new();
    let photos = service.site_photo_versions().await?;
    for (cluster, sites) in &map {
        let (x, y) = project(cluster.latitude.degrees(), cluster.longitude.degrees());
        if !matches!(area, Area::Anywhere) && area.holds(cluster) {
            focus.push((x, y));
        }
        let continent = Some(cluster.country.continent());
        let order = continent.and_then(|c| Continent::ALL.iter().position(|a| *a == c)).unwrap_or(usize::MAX);
        let label = continent.map_or("—", |c| w.continent(c)).to_owned();
        for (i, site) in sites.iter().enumerate() {
            let href = format!("/sites/{}", site.id.as_uuid());
            // Sites of one cluster share its point: set them around it.
            let (dx, dy) = if sites.len() > 1 {
                let angle = std::f64::consts::TAU * i as f64 / sites.len() as f64;
                (0.9 * angle.cos(), 0.9 * angle.sin())
            } else {
                (0.0, 0.0)
            };
            pins.push(Pin {
                fits: fitting.contains(&href),
                href: href.clone(),
                x: format!("{:.2}", x + dx),
                y: format!("{:.2}", y + dy),
                title: format!("{} — {}", site.name, place(cluster)),
            });
            areas.entry(order).or_insert_with(|| (label.clone(), Vec::new())).1.push(SiteLine {
                href,
                name: site.name.clone(),
                place: place(cluster),
                thumb: photos.get(&site.id).map(|v| super::site_faces::photo_url(site.id, v, true)),
            });
        }
    }
    // Pins that fit are drawn last, on top.
    pins.sort_by_key(|p| p.fits);
    let (x, y, width, height) = view_box(&focus);

    let page = MapPage {
        c: Chrome::new(&viewer, w.map_title, "map"),
        view_box: format!("{x:.2} {y:.2} {width:.2} {height:.2}"),
        radius: format!("{:.3}", width / WORLD.0 * 2.6),
        fits_radius: format!("{:.3}", width / WORLD.0 * 3.6),
        pins,
        areas: areas.into_values().collect(),
        continents: continent_choices(&area_text, w),
        countries: country_choices(&map, &area_text),
        from,
        to,
        days,
        searched,
        fits,
        error,
    };
    html(if page.error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK }, &page)
}

type Message = fn(&'static super::Words) -> String;

/// The search the form asks for, or what is wrong with it.
fn search_query(query: &Fields, area: &Area) -> Result<SearchQuery, Message> {
    let dates = |name: &str| parse_date(query.get(name)).ok();
    let (Some(from), Some(to)) = (dates("from"), dates("to")) else {
        return Err(|w| w.bad_dates.to_owned());
    };
    let Some(window) = DateRange::new(from, to) else {
        return Err(|w| w.search_backwards.to_owned());
    };
    if window.len() > 366 {
        return Err(|w| w.search_too_long.to_owned());
    }
    let days = match query.get("days") {
        "" => 5,
        text => match text.parse::<u32>() {
            Ok(days) if (1..=90).contains(&days) => days,
            _ => return Err(|w| w.bad_days.to_owned()),
        },
    };
    let (country, continent) = match area {
        Area::Anywhere => (None, None),
        Area::Continent(c) => (None, Some(*c)),
        Area::Country(code) => (Some(*code), None),
    };
    Ok(SearchQuery { window, days, country, continent })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_land_where_they_are_on_earth() {
        assert_eq!(project(0.0, 0.0), (180.0, 90.0));
        assert_eq!(project(55.68, 12.57), (192.57, 34.32));
        // South of the picture's edge stays on it.
        assert_eq!(project(-77.0, 166.0).1, 150.0);
    }

    #[test]
    fn the_view_fits_its_points_in_the_pictures_proportions() {
        assert_eq!(view_box(&[]), (0.0, 0.0, 360.0, 150.0));
        let (x, y, w, h) = view_box(&[(190.0, 35.0), (200.0, 40.0)]);
        assert!((w / h - 2.4).abs() < 1e-9);
        assert!(x <= 190.0 && x + w >= 200.0 && y <= 35.0 && y + h >= 40.0);
        let (x, y, w, h) = view_box(&[(1.0, 1.0), (359.0, 149.0)]);
        assert_eq!((x, y, w, h), (0.0, 0.0, 360.0, 150.0));
    }
}
