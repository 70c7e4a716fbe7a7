//! S1's chart: each cost against the network's size, as an SVG the README
//! links to. Two panels on log–log axes: the latencies (p99, with the
//! targets as grey lines) and the rates (W1, the outbox drain). SQLite's
//! lines are solid, PostgreSQL's dashed.
//!
//! Written by hand rather than with a plotting crate: plotters, the usual
//! one, lays out its text with a font it must load (a TrueType file or a
//! bundled one), while this chart is a few polylines and labels that any
//! browser lays out itself.

use std::fmt::Write as _;

use crate::scale::Size;

const WIDTH: f64 = 1000.0;
const HEIGHT: f64 = 460.0;
const PANEL: f64 = 380.0;
const TOP: f64 = 50.0;
const PLOT_HEIGHT: f64 = 300.0;
const COLOURS: [&str; 10] =
    ["#1b6ca8", "#d1495b", "#2e8540", "#8e44ad", "#e07a00", "#00798c", "#6b4f2a", "#c2185b", "#455a64", "#7cb342"];

/// A panel's axes: decades from `low` to `high` (powers of ten).
struct Axes {
    left: f64,
    low: f64,
    high: f64,
    factors: (f64, f64),
}

impl Axes {
    fn x(&self, factor: f64) -> f64 {
        let (a, b) = (self.factors.0.log10(), self.factors.1.log10());
        let t = if b > a { (factor.log10() - a) / (b - a) } else { 0.5 };
        self.left + 20.0 + t * (PANEL - 40.0)
    }

    fn y(&self, value: f64) -> f64 {
        let t = (value.max(self.low).log10() - self.low.log10()) / (self.high.log10() - self.low.log10());
        TOP + PLOT_HEIGHT - t * PLOT_HEIGHT
    }
}

/// Decades that hold every value, at least one.
fn decades(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut low, mut high) = (f64::MAX, f64::MIN);
    for v in values.filter(|v| *v > 0.0) {
        low = low.min(v);
        high = high.max(v);
    }
    if low > high {
        return (1.0, 10.0);
    }
    let low = 10f64.powf(low.log10().floor());
    let high = 10f64.powf(high.log10().ceil()).max(low * 10.0);
    (low, high)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The chart of every size measured.
pub fn svg(sizes: &[Size]) -> String {
    let mut names: Vec<&'static str> = Vec::new();
    for cost in sizes.iter().flat_map(|s| &s.costs) {
        if !names.contains(&cost.name) {
            names.push(cost.name);
        }
    }
    let factors = sizes.iter().map(|s| s.factor as f64);
    let factors = (factors.clone().fold(f64::MAX, f64::min), factors.fold(1.0, f64::max));
    let latencies = sizes.iter().flat_map(|s| &s.costs).filter(|c| c.rate.is_none());
    let (low, high) = decades(latencies.filter_map(|c| c.p99).map(|d| d.as_secs_f64() * 1e3).chain([50.0, 1000.0]));
    let rates = decades(sizes.iter().flat_map(|s| &s.costs).filter_map(|c| c.rate));
    let left = Axes { left: 70.0, low, high, factors };
    let right = Axes { left: 70.0 + PANEL + 90.0, low: rates.0, high: rates.1, factors };

    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="{}" y="22" font-size="15" text-anchor="middle">deskvisa S1: each cost as the network grows (log–log; SQLite solid, PostgreSQL dashed)</text>"#,
        WIDTH / 2.0
    );
    for (axes, title, unit) in [(&left, "p99 of a call", "ms"), (&right, "throughput", "a second")] {
        frame(&mut out, axes, title, unit, sizes);
    }
    for target in [50.0, 100.0, 1000.0].into_iter().filter(|t| *t >= low && *t <= high) {
        let y = left.y(target);
        let _ = writeln!(
            out,
            r##"<line x1="{}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#999" stroke-dasharray="2 3"/><text x="{}" y="{:.1}" fill="#777" font-size="10" text-anchor="end">target {target} ms</text>"##,
            left.left,
            left.left + PANEL,
            left.left + PANEL - 2.0,
            y - 3.0
        );
    }
    for (i, name) in names.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        for (database, dash) in [("SQLite", ""), ("PostgreSQL", r#" stroke-dasharray="6 4""#)] {
            let points: Vec<(usize, f64, bool)> = sizes
                .iter()
                .filter(|s| s.database == database)
                .filter_map(|s| {
                    let cost = s.costs.iter().find(|c| c.name == *name)?;
                    match cost.rate {
                        Some(rate) => Some((s.factor, rate, true)),
                        None => Some((s.factor, cost.p99?.as_secs_f64() * 1e3, false)),
                    }
                })
                .collect();
            let line: Vec<String> = points
                .iter()
                .map(|(f, v, is_rate)| {
                    let axes = if *is_rate { &right } else { &left };
                    format!("{:.1},{:.1}", axes.x(*f as f64), axes.y(*v))
                })
                .collect();
            if line.is_empty() {
                continue;
            }
            let _ = writeln!(
                out,
                r#"<polyline points="{}" fill="none" stroke="{colour}" stroke-width="2"{dash}><title>{} {}</title></polyline>"#,
                line.join(" "),
                database,
                escape(name)
            );
            for point in &line {
                let (x, y) = point.split_once(',').unwrap_or(("0", "0"));
                let _ = writeln!(out, r#"<circle cx="{x}" cy="{y}" r="3" fill="{colour}"/>"#);
            }
        }
        let y = TOP + PLOT_HEIGHT + 60.0 + (i / 3) as f64 * 16.0;
        let x = 70.0 + (i % 3) as f64 * 300.0;
        let _ = writeln!(
            out,
            r#"<rect x="{x}" y="{:.1}" width="14" height="4" fill="{colour}"/><text x="{}" y="{y:.1}">{}</text>"#,
            y - 5.0,
            x + 20.0,
            escape(name)
        );
    }
    out.push_str("</svg>\n");
    out
}

/// A panel's frame, its decade lines and the sizes on its x axis.
fn frame(out: &mut String, axes: &Axes, title: &str, unit: &str, sizes: &[Size]) {
    let bottom = TOP + PLOT_HEIGHT;
    let _ = writeln!(
        out,
        r##"<rect x="{}" y="{TOP}" width="{PANEL}" height="{PLOT_HEIGHT}" fill="none" stroke="#333"/><text x="{}" y="{}" text-anchor="middle">{title} ({unit})</text>"##,
        axes.left,
        axes.left + PANEL / 2.0,
        TOP - 8.0
    );
    let mut decade = axes.low;
    while decade <= axes.high * 1.0001 {
        let y = axes.y(decade);
        let _ = writeln!(
            out,
            r##"<line x1="{}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#eee"/><text x="{}" y="{:.1}" text-anchor="end">{decade}</text>"##,
            axes.left,
            axes.left + PANEL,
            axes.left - 6.0,
            y + 4.0
        );
        decade *= 10.0;
    }
    let mut seen = Vec::new();
    for size in sizes {
        if seen.contains(&size.factor) {
            continue;
        }
        seen.push(size.factor);
        let x = axes.x(size.factor as f64);
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}× ({} clusters)</text>"#,
            bottom + 18.0,
            size.factor,
            size.counts[0]
        );
    }
}
