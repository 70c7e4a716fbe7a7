//! The map's picture: where each site's pin goes, which pins merge into a
//! numbered group (a link that opens the zoomed view of its country or
//! continent), what the view shows, and which pins are greyed (one's own
//! cluster, a site taking no visitors). Sizes are in the picture's units and
//! scale with the view, so a pin's target stays about 24 px wide on a
//! phone's world map and groups do not overlap.

use std::collections::{HashMap, HashSet};

use deskvisa_rules::{ClusterId, Continent, Country, SiteId};
use deskvisa_service::{ClusterRecord, SiteRecord};

/// The world picture's size (equirectangular, from 90° N to 60° S).
pub(super) const WORLD: (f64, f64) = (360.0, 150.0);

/// Pins closer than the view's width over this merge into a group.
const CELLS_ACROSS: f64 = 12.0;

/// The area the map shows (and the search looks in): `continent:europe`,
/// `country:DK`, or the whole world.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Area {
    Anywhere,
    Continent(Continent),
    Country(Country),
}

impl Area {
    pub(super) fn parse(text: &str) -> Area {
        match text.split_once(':') {
            Some(("continent", c)) => Continent::parse(c).map_or(Area::Anywhere, Area::Continent),
            Some(("country", c)) => Country::parse(&c.to_ascii_uppercase()).map_or(Area::Anywhere, Area::Country),
            _ => Area::Anywhere,
        }
    }

    /// The area's form value, as the chips and the select send it.
    pub(super) fn key(self) -> String {
        match self {
            Area::Anywhere => String::new(),
            Area::Continent(c) => format!("continent:{}", c.as_str()),
            Area::Country(c) => format!("country:{c}"),
        }
    }

    /// The continent the area lies in, if it is smaller than the world.
    pub(super) fn continent(self) -> Option<Continent> {
        match self {
            Area::Anywhere => None,
            Area::Continent(c) => Some(c),
            Area::Country(c) => Some(c.continent()),
        }
    }
}

/// A site on the map.
pub(super) struct Pin {
    pub(super) href: String,
    pub(super) x: String,
    pub(super) y: String,
    pub(super) title: String,
    /// Its name, written beside it when the view is close enough.
    pub(super) name: String,
    pub(super) fits: bool,
    /// One's own cluster's, or taking no visitors: drawn grey.
    pub(super) off: bool,
}

/// Pins too close to tell apart at this view, as one numbered link.
pub(super) struct Group {
    pub(super) href: String,
    pub(super) x: String,
    pub(super) y: String,
    pub(super) count: usize,
    pub(super) title: String,
    pub(super) fits: bool,
}

/// The picture for one view.
pub(super) struct Drawing {
    pub(super) view_box: String,
    pub(super) radius: String,
    pub(super) fits_radius: String,
    pub(super) group_radius: String,
    /// The invisible target around each pin and group.
    pub(super) hit_radius: String,
    pub(super) font: String,
    pub(super) pins: Vec<Pin>,
    pub(super) groups: Vec<Group>,
    /// Names are written beside the pins.
    pub(super) labels: bool,
}

/// A site placed on the picture, before grouping.
pub(super) struct Placed {
    pub(super) x: f64,
    pub(super) y: f64,
    pub(super) pin: Pin,
    pub(super) country: Country,
}

/// Where a point of the earth is on the picture.
pub(super) fn project(latitude: f64, longitude: f64) -> (f64, f64) {
    ((longitude + 180.0).clamp(0.0, WORLD.0), (90.0 - latitude).clamp(0.0, WORLD.1))
}

/// The part of the picture that shows every point, with a margin, in the
/// picture's proportions; the whole world when there is nothing to show.
pub(super) fn view_box(points: &[(f64, f64)]) -> (f64, f64, f64, f64) {
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

/// Every site of the map placed, sites of one cluster set around its point.
pub(super) fn place(
    map: &[super::map::ClusterSites<'_>],
    own: Option<ClusterId>,
    fitting: &HashSet<SiteId>,
    title: impl Fn(&ClusterRecord, &SiteRecord) -> String,
) -> Vec<Placed> {
    let mut placed = Vec::new();
    for (cluster, sites) in map {
        let (x, y) = project(cluster.latitude.degrees(), cluster.longitude.degrees());
        for (i, site) in sites.iter().enumerate() {
            let href = format!("/sites/{}", site.id.as_uuid());
            let (dx, dy) = if sites.len() > 1 {
                let angle = std::f64::consts::TAU * i as f64 / sites.len() as f64;
                (0.9 * angle.cos(), 0.9 * angle.sin())
            } else {
                (0.0, 0.0)
            };
            placed.push(Placed {
                x: x + dx,
                y: y + dy,
                country: cluster.country,
                pin: Pin {
                    fits: fitting.contains(&site.id),
                    off: own == Some(cluster.id) || site.desks.get() == 0,
                    x: format!("{:.2}", x + dx),
                    y: format!("{:.2}", y + dy),
                    title: title(cluster, site),
                    name: site.name.clone(),
                    href,
                },
            });
        }
    }
    placed
}

/// The drawing of `area`: the view fits the area's pins (or all when none
/// is chosen); below a country's view, pins in one cell of a grid twelve
/// cells across merge into a numbered group that opens the zoomed view of
/// their country (or of their continent when they span several).
pub(super) fn draw(placed: Vec<Placed>, area: Area, group_title: impl Fn(usize, &[String]) -> String) -> Drawing {
    let focus: Vec<(f64, f64)> = placed
        .iter()
        .filter(|p| match area {
            Area::Anywhere => false,
            Area::Continent(c) => p.country.continent() == c,
            Area::Country(code) => p.country == code,
        })
        .map(|p| (p.x, p.y))
        .collect();
    let (vx, vy, width, height) = view_box(&focus);
    let scale = width / WORLD.0;
    let labels = matches!(area, Area::Country(_));
    // Cells in the order their first pin came, found by their place: a
    // network has thousands of pins.
    let mut cells: Vec<Vec<Placed>> = Vec::new();
    let mut cell_at: HashMap<(i64, i64), usize> = HashMap::new();
    for p in placed {
        if labels {
            // A country's view names every pin: no groups.
            cells.push(vec![p]);
            continue;
        }
        let size = width / CELLS_ACROSS;
        let cell = (((p.x - vx) / size).floor() as i64, ((p.y - vy) / size).floor() as i64);
        match cell_at.get(&cell) {
            Some(&at) => cells[at].push(p),
            None => {
                cell_at.insert(cell, cells.len());
                cells.push(vec![p]);
            }
        }
    }
    let (mut pins, mut groups) = (Vec::new(), Vec::new());
    for mut members in cells {
        if members.len() == 1 {
            pins.extend(members.pop().map(|p| p.pin));
            continue;
        }
        let n = members.len() as f64;
        let (x, y) = members.iter().fold((0.0, 0.0), |(x, y), p| (x + p.x / n, y + p.y / n));
        let first = members[0].country;
        let zoom = if members.iter().all(|p| p.country == first) {
            Area::Country(first)
        } else {
            Area::Continent(first.continent())
        };
        let names: Vec<String> = members.iter().map(|p| p.pin.name.clone()).collect();
        groups.push(Group {
            href: format!("/?area={}#map", zoom.key()),
            x: format!("{x:.2}"),
            y: format!("{y:.2}"),
            count: members.len(),
            title: group_title(members.len(), &names),
            fits: members.iter().any(|p| p.pin.fits),
        });
    }
    // Pins that fit are drawn last, on top.
    pins.sort_by_key(|p| p.fits);
    Drawing {
        view_box: format!("{vx:.2} {vy:.2} {width:.2} {height:.2}"),
        radius: format!("{:.3}", scale * 2.6),
        fits_radius: format!("{:.3}", scale * 3.6),
        group_radius: format!("{:.3}", scale * 5.5),
        hit_radius: format!("{:.3}", scale * 12.0),
        // A group's number fills its circle; a name is about 12 px at 1,100.
        font: format!("{:.3}", if labels { width / 80.0 } else { scale * 6.0 }),
        pins,
        groups,
        labels,
    }
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

    fn placed(x: f64, y: f64, country: &str, name: &str) -> Placed {
        let country = Country::parse(country).unwrap();
        Placed {
            x,
            y,
            country,
            pin: Pin {
                href: format!("/sites/{name}"),
                x: x.to_string(),
                y: y.to_string(),
                title: name.to_owned(),
                name: name.to_owned(),
                fits: false,
                off: false,
            },
        }
    }

    #[test]
    fn close_pins_merge_into_a_group_that_zooms_into_their_country() {
        let paris = [placed(182.3, 41.1, "FR", "a"), placed(182.5, 41.2, "FR", "b"), placed(182.4, 40.9, "FR", "c")];
        let far = placed(320.0, 120.0, "AU", "d");
        let drawing = draw(paris.into_iter().chain([far]).collect(), Area::Anywhere, |n, _| format!("{n} sites"));
        assert_eq!(drawing.pins.len(), 1);
        assert_eq!(drawing.groups.len(), 1);
        assert_eq!((drawing.groups[0].count, drawing.groups[0].href.as_str()), (3, "/?area=country:FR#map"));
        // In France's view, every pin is drawn and named.
        let paris = [placed(182.3, 41.1, "FR", "a"), placed(182.5, 41.2, "FR", "b")];
        let drawing =
            draw(paris.into_iter().collect(), Area::Country(Country::parse("FR").unwrap()), |n, _| n.to_string());
        assert_eq!((drawing.pins.len(), drawing.groups.len(), drawing.labels), (2, 0, true));
    }

    #[test]
    fn pins_of_several_countries_open_their_continent() {
        let near = [placed(190.0, 35.0, "DK", "a"), placed(191.0, 36.0, "SE", "b")];
        let drawing = draw(near.into_iter().collect(), Area::Anywhere, |n, _| n.to_string());
        assert_eq!(drawing.groups[0].href, "/?area=continent:europe#map");
    }
}
