//! The home page: the world map with a pin for every site of the network,
//! every site listed by continent, and the search for sites that can take a
//! stay (dates, number of days, country or continent), shown on the map
//! and as a list.

use super::page::Page;
use std::collections::BTreeMap;
use std::ops::Range;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Months};
use deskvisa_rules::{ClusterStatus, Continent, Country, DateRange, SiteId, parse_date};
use deskvisa_service::{ClusterRecord, SearchQuery, Service, SiteFits, SiteRecord};

use super::PageError;
use super::calendar::{first_of_month, month_key, month_range, parse_month};
use super::form::Fields;
use super::map_drawing::{self, Area, Drawing};
use super::numbered::{Numbered, Pages};
use super::view::{Chrome, html};

/// The most date ranges shown per site in the results.
const FITS_SHOWN: usize = 3;

/// How many sites the results show before "show all".
const RESULTS_SHOWN: usize = 12;

/// How many sites a page of "show all" lists.
const RESULTS_A_PAGE: usize = 100;

/// The months the flexible search offers, from this one.
const MONTHS_OFFERED: u32 = 12;

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
    /// "2 desks free · the host decides · 1 event during your stay".
    facts: Vec<String>,
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
    drawing: Drawing,
    /// Chips that zoom the map: the world, continents, and the chosen
    /// continent's countries (`href`, label, current).
    zoom: Vec<Chip>,
    country_zoom: Vec<Chip>,
    areas: Vec<AreaList>,
    continents: Vec<Choice>,
    countries: Vec<Choice>,
    from: String,
    to: String,
    days: String,
    /// "N days in a month" rather than exact dates.
    flexible: bool,
    /// The months the flexible search offers: value, label, chosen.
    months: Vec<(String, String, bool)>,
    searched: bool,
    /// How many sites fit, and the link that shows them all when only the
    /// first are shown.
    found: usize,
    every: Option<String>,
    /// Where the page of "show all" is among the sites found, when there are several.
    results_pages: Option<Numbered>,
    fits: Vec<Fit>,
    error: Option<String>,
}

fn place(cluster: &ClusterRecord, w: &'static super::Words) -> String {
    format!("{}, {} · {}", cluster.city, w.country(cluster.country), cluster.name)
}

/// The sites that fit the search the form sent, soonest first, or why it
/// cannot be run.
async fn search(
    service: &Service,
    caller: &deskvisa_service::Caller,
    query: &Fields,
    area: &Area,
    w: &'static super::Words,
) -> Result<Result<Vec<SiteFits>, String>, PageError> {
    let search = match search_query(query, area) {
        Ok(search) => search,
        Err(message) => return Ok(Err(message(w))),
    };
    Ok(Ok(service.search_availability(caller, &search).await?))
}

/// The cards of the sites shown: their free desks, events and photos are
/// read for these alone (a network's search finds thousands of sites).
async fn cards(service: &Service, shown: &[SiteFits], w: &'static super::Words) -> Result<Vec<Fit>, PageError> {
    let photos = service.site_photo_versions().await?;
    let first_fits = service.first_fit_facts(shown).await?;
    let mut fits = Vec::with_capacity(shown.len());
    for found in shown {
        let href = format!("/sites/{}", found.site.id.as_uuid());
        let requests = found
            .fits
            .iter()
            .take(FITS_SHOWN)
            .map(|r| {
                let label = format!("{} ({})", w.range(r.start(), r.end()), w.open_day_count(found.open_days));
                (format!("{href}?start={}&end={}#request-card", r.start(), r.end()), label)
            })
            .collect();
        let (free, during) = first_fits.get(&found.site.id).map_or((0, 0), |f| (f.free, f.events));
        let approval = match found.approval {
            deskvisa_rules::ApprovalMode::Auto => w.approved_at_once,
            deskvisa_rules::ApprovalMode::Manual => w.host_decides,
        };
        let mut facts = vec![w.free(free), approval.to_owned()];
        if during > 0 {
            facts.push(w.events_during_count(usize::try_from(during).unwrap_or(usize::MAX)));
        }
        let thumb = photos.get(&found.site.id).map(|v| super::site_faces::photo_url(found.site.id, v, true));
        let place = place(&found.cluster, w);
        fits.push(Fit { href, name: found.site.name.clone(), place, requests, thumb, facts });
    }
    Ok(fits)
}

/// Sites a continent lists by name; past this it lists its countries, each
/// a link to its own zoomed map, where that country's sites are listed. A
/// network of thousands of sites keeps a page of a few hundred kilobytes.
const SITES_LISTED: usize = 60;

/// One continent of the list of every site.
struct AreaList {
    label: String,
    /// Its sites.
    count: usize,
    /// Its countries (link, name, sites) when it has too many sites to list.
    countries: Vec<(String, String, usize)>,
    /// The sites listed: all of them, or those of the country in view.
    sites: Vec<SiteLine>,
}

/// A site with its cluster.
type SiteOf<'a> = (&'a ClusterRecord, &'a SiteRecord);

/// A cluster with its sites, as the network's map holds them.
pub(super) type ClusterSites<'a> = &'a (ClusterRecord, Vec<SiteRecord>);

/// Every site, by continent in the network's order of continents.
fn sites_by_continent(
    map: &[ClusterSites<'_>],
    photos: &std::collections::HashMap<deskvisa_rules::SiteId, String>,
    area: Area,
    w: &'static super::Words,
) -> Vec<AreaList> {
    let mut by_continent: BTreeMap<usize, (Continent, Vec<SiteOf<'_>>)> = BTreeMap::new();
    for (cluster, sites) in map {
        let continent = cluster.country.continent();
        let order = Continent::ALL.iter().position(|a| *a == continent).unwrap_or(usize::MAX);
        let entry = by_continent.entry(order).or_insert_with(|| (continent, Vec::new()));
        entry.1.extend(sites.iter().map(|site| (cluster, site)));
    }
    let line = |(cluster, site): &SiteOf<'_>| SiteLine {
        href: format!("/sites/{}", site.id.as_uuid()),
        name: site.name.clone(),
        place: place(cluster, w),
        thumb: photos.get(&site.id).map(|v| super::site_faces::photo_url(site.id, v, true)),
    };
    by_continent
        .into_values()
        .map(|(continent, sites)| {
            let label = w.continent(continent).to_owned();
            if sites.len() <= SITES_LISTED {
                return AreaList {
                    label,
                    count: sites.len(),
                    countries: Vec::new(),
                    sites: sites.iter().map(line).collect(),
                };
            }
            let mut countries: BTreeMap<String, (String, usize)> = BTreeMap::new();
            for (cluster, _) in &sites {
                let href = format!("/?area=country%3A{}#all-sites", cluster.country);
                countries.entry(w.country(cluster.country)).or_insert((href, 0)).1 += 1;
            }
            let shown = sites.iter().filter(|(c, _)| area == Area::Country(c.country)).map(line).collect();
            AreaList {
                label,
                count: sites.len(),
                countries: countries.into_iter().map(|(name, (href, n))| (href, name, n)).collect(),
                sites: shown,
            }
        })
        .collect()
}

/// A chip that zooms the map: its link, its label, whether it is the view.
type Chip = (String, String, bool);

/// The chips that zoom the map: the world and each continent with sites;
/// once an area is chosen, its continent's countries by name. `keep`
/// carries a search's dates along.
fn zoom_chips(map: &[ClusterSites<'_>], area: Area, keep: &str, w: &'static super::Words) -> (Vec<Chip>, Vec<Chip>) {
    let chip = |a: Area, label: String| (format!("/?area={}{keep}#map", a.key()), label, a == area);
    let mut zoom = vec![chip(Area::Anywhere, w.world.to_owned())];
    zoom.extend(continent_choices(map, "", w).into_iter().map(|c| chip(Area::parse(&c.value), c.label)));
    let mut countries: Vec<Chip> = match area.continent() {
        Some(continent) => countries(map)
            .into_iter()
            .filter(|(code, _)| code.continent() == continent)
            .map(|(code, _)| chip(Area::Country(code), w.country(code)))
            .collect(),
        None => Vec::new(),
    };
    countries.sort_by(|a, b| a.1.cmp(&b.1));
    (zoom, countries)
}

/// The area chooser's continents that have sites, `area` selected.
fn continent_choices(map: &[ClusterSites<'_>], area: &str, w: &'static super::Words) -> Vec<Choice> {
    Continent::ALL
        .iter()
        .filter(|c| map.iter().any(|(cluster, sites)| cluster.country.continent() == **c && !sites.is_empty()))
        .map(|c| {
            let value = format!("continent:{}", c.as_str());
            Choice { selected: value == area, value, label: w.continent(*c).to_owned() }
        })
        .collect()
}

/// The area chooser's countries by name, with their cities, `area` selected.
fn country_choices(map: &[ClusterSites<'_>], area: &str, w: &'static super::Words) -> Vec<Choice> {
    let mut choices: Vec<Choice> = countries(map)
        .into_iter()
        .map(|(code, cities)| {
            let value = format!("country:{code}");
            Choice { selected: value == area, value, label: format!("{} — {}", w.country(code), cities.join(", ")) }
        })
        .collect();
    choices.sort_by(|a, b| a.label.cmp(&b.label));
    choices
}

/// The most cities a country's choice names; the rest are "…".
const CITIES_NAMED: usize = 4;

/// The countries on the map that have sites, each with its first cities
/// (at most [`CITIES_NAMED`] and "…"), in the order the map has them.
fn countries(map: &[ClusterSites<'_>]) -> Vec<(Country, Vec<String>)> {
    let mut countries: Vec<(Country, Vec<String>)> = Vec::new();
    // Found by code, not by a walk of the list: a large network has
    // thousands of clusters in a few hundred countries.
    let mut at: std::collections::HashMap<Country, usize> = std::collections::HashMap::new();
    for (cluster, _) in map.iter().filter(|(_, sites)| !sites.is_empty()) {
        let i = *at.entry(cluster.country).or_insert_with(|| {
            countries.push((cluster.country, Vec::new()));
            countries.len() - 1
        });
        let cities = &mut countries[i].1;
        if cities.len() <= CITIES_NAMED && !cities.contains(&cluster.city) {
            cities.push(if cities.len() == CITIES_NAMED { "…".to_owned() } else { cluster.city.clone() });
        }
    }
    countries
}

/// Which of the `found` sites, soonest first, the page shows: a screenful,
/// or with "show all" a page of them; the "show all" link, or where the
/// page is among the pages of all.
fn results_shown(
    query: &Fields,
    found: usize,
    w: &'static super::Words,
) -> (Range<usize>, Option<String>, Option<Numbered>) {
    let kept = super::form::query_string(query, &["all", "page"]);
    if query.get("all") != "1" {
        let every = (found > RESULTS_SHOWN).then(|| format!("/?{kept}&all=1#results"));
        return (0..found.min(RESULTS_SHOWN), every, None);
    }
    let link = |n: usize| format!("/?{kept}&all=1&page={n}#results");
    let pages =
        Pages { id: "results-pages", size: RESULTS_A_PAGE, words: (w.previous_sites, w.next_sites), link: &link };
    let (shown, line) = pages.cut(found, query.get("page"));
    (shown, None, line)
}

/// `GET /`: the map, and the search when the form was sent.
pub(crate) async fn page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let network = service.map().await?;
    let map: Vec<ClusterSites<'_>> =
        network.clusters.iter().filter(|(c, _)| c.status == ClusterStatus::Active).collect();
    let today = service.now().date_naive();
    let next_month = first_of_month(today).checked_add_months(Months::new(1)).unwrap_or(today);
    let area_text = query.get("area").to_owned();
    let area = Area::parse(&area_text);

    let searched = !query.get("from").is_empty() || !query.get("to").is_empty() || !query.get("month").is_empty();
    let flexible = query.get("mode") == "flexible" || (query.get("mode").is_empty() && !query.get("days").is_empty());
    let (from, to, days) = if searched {
        (query.get("from").to_owned(), query.get("to").to_owned(), query.get("days").to_owned())
    } else {
        // A working week next month, to change.
        let monday = (0..7u64)
            .filter_map(|n| next_month.checked_add_days(chrono::Days::new(n)))
            .find(|d| d.weekday() == chrono::Weekday::Mon)
            .unwrap_or(next_month);
        let friday = monday.checked_add_days(chrono::Days::new(4)).unwrap_or(monday);
        (monday.to_string(), friday.to_string(), "5".to_owned())
    };
    let chosen_month = parse_month(query.get("month")).unwrap_or(next_month);
    let months = (0..MONTHS_OFFERED)
        .filter_map(|n| first_of_month(today).checked_add_months(Months::new(n)))
        .map(|m| (month_key(m), w.month(m), m == chosen_month))
        .collect();
    let (searched_sites, error) = if searched {
        match search(&service, caller, &query, &area, w).await? {
            Ok(found) => (Some(found), None),
            Err(message) => (None, Some(message)),
        }
    } else {
        (None, None)
    };
    let found = searched_sites.as_ref().map_or(0, Vec::len);
    let (shown, every, results_pages) = results_shown(&query, found, w);
    let fits = match &searched_sites {
        Some(sites) => cards(&service, &sites[shown], w).await?,
        None => Vec::new(),
    };
    let fitting: std::collections::HashSet<SiteId> = searched_sites.iter().flatten().map(|f| f.site.id).collect();
    let areas = sites_by_continent(&map, &service.site_photo_versions().await?, area, w);
    let placed = map_drawing::place(&map, caller.cluster, &fitting, |cluster, site| {
        let mut title = format!("{} — {}", site.name, place(cluster, w));
        if caller.cluster == Some(cluster.id) {
            title.push_str(&format!(" ({})", w.own_cluster));
        } else if site.desks.get() == 0 {
            title.push_str(&format!(" ({})", w.no_desks));
        }
        title
    });
    let drawing = map_drawing::draw(placed, area, |n, names| w.group_title(n, names));
    let keep = if searched { format!("&from={from}&to={to}&days={days}") } else { String::new() };
    let (zoom, country_zoom) = zoom_chips(&map, area, &keep, w);
    let page = MapPage {
        c: Chrome::new(&viewer, w.map_title, "map"),
        drawing,
        zoom,
        country_zoom,
        areas,
        continents: continent_choices(&map, &area_text, w),
        countries: country_choices(&map, &area_text, w),
        from,
        to,
        days,
        flexible,
        months,
        searched,
        found,
        every,
        results_pages,
        fits,
        error,
    };
    html(if page.error.is_some() { StatusCode::BAD_REQUEST } else { StatusCode::OK }, &page)
}

type Message = fn(&'static super::Words) -> String;

/// The search the form asks for, or what is wrong with it: exact dates
/// (`from`, `to`: every open day between them), or flexible (`days` open
/// days in `month`; or, as older links say it, `days` between `from` and
/// `to`).
fn search_query(query: &Fields, area: &Area) -> Result<SearchQuery, Message> {
    let dates = |name: &str| parse_date(query.get(name)).ok();
    let flexible = query.get("mode") == "flexible" || (query.get("mode").is_empty() && !query.get("days").is_empty());
    let window = match (flexible, parse_month(query.get("month")), dates("from"), dates("to")) {
        (true, Some(month), _, _) if query.get("mode") == "flexible" => month_range(month),
        (_, _, Some(from), Some(to)) => match DateRange::new(from, to) {
            Some(window) => window,
            None => return Err(|w| w.search_backwards.to_owned()),
        },
        _ => return Err(|w| w.bad_dates.to_owned()),
    };
    if window.len() > 366 {
        return Err(|w| w.search_too_long.to_owned());
    }
    let days = match (flexible, query.get("days")) {
        (false, _) => 0,
        (true, "") => 5,
        (true, text) => match text.parse::<u32>() {
            Ok(days) if (1..=90).contains(&days) && u64::from(days) <= window.len() => days,
            _ => return Err(|w| w.bad_days.to_owned()),
        },
    };
    let (country, continent) = match area {
        Area::Anywhere => (None, None),
        Area::Continent(c) => (None, Some(*c)),
        Area::Country(code) => (Some(*code), None),
    };
    Ok(SearchQuery { window, days, exact: !flexible, country, continent })
}
