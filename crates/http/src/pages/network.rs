//! The network admin's pages: the clusters of the network (add one,
//! suspend one, record that one left) and the reciprocity ledger as a
//! host × home heatmap, per-cluster balance bars and the figures as a
//! table, the same figures the API returns, with a CSV download.

use super::confirm::{Ask, confirmed};
use super::page::Page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, NaiveDate};
use deskvisa_rules::{ClusterId, ClusterStatus, Period, parse_date};
use deskvisa_service::{ClusterPatch, ExceptionsListed, NewCluster, NewMember, Service, ServiceError};

use super::form::{Fields, FormRefusal, Shown, SignedForm};
use super::numbered::{Numbered, Pages};
use super::view::{Chrome, html};
use super::{PageError, Viewer, Words, redirect};
use crate::api::reports::{ClusterFiguresBody, LedgerBody, csv_download, exceptions_listed};
use crate::input::{ClusterForm, FieldError};

/// The ledger page's default period: the year up to today.
const DEFAULT_DAYS: u64 = 364;

/// A cluster on the list.
struct ClusterLine {
    id: String,
    name: String,
    place: String,
    status: &'static str,
    status_words: &'static str,
    sites: usize,
    joined: String,
}

/// Rows of the clusters table a page: a network of thousands of clusters,
/// each row with its status form, would be megabytes.
const CLUSTERS_A_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage<'a> {
    c: Chrome,
    /// The page of clusters shown, of those found.
    clusters: Vec<ClusterLine>,
    /// Clusters in the network.
    in_all: usize,
    /// Clusters found by `find` (all when it is empty).
    found: usize,
    /// What the find box holds.
    find: String,
    /// Where the page is among the pages of clusters found.
    paging: Option<Numbered>,
    statuses: Vec<(&'static str, &'static str)>,
    /// The add-cluster form as typed, empty when fresh.
    draft: &'a Fields,
    /// The date the form offers: as typed, else today.
    joined_on: String,
    refused: FormRefusal,
}

async fn network_page_with(
    service: &Service,
    viewer: &Viewer,
    shown: Shown<'_, FormRefusal>,
) -> Result<Response, PageError> {
    let Shown { query, typed: fields, refusal: refused, status } = shown;
    viewer.network_admin()?;
    let w = viewer.words();
    let map = service.map().await?;
    let find = query.get("find").trim().to_owned();
    let wanted = find.to_lowercase();
    let mut found: Vec<_> = map
        .clusters
        .iter()
        .filter(|(c, _)| {
            wanted.is_empty()
                || [&c.name, &c.city, c.country.as_str()].iter().any(|t| t.to_lowercase().contains(&wanted))
        })
        .collect();
    found.sort_by(|(a, _), (b, _)| a.name.cmp(&b.name));
    let kept = super::form::query_string(query, &["page", "done"]);
    let link = |n: usize| format!("/network?{kept}&page={n}#clusters-title");
    let pages = Pages {
        id: "clusters-pages",
        size: CLUSTERS_A_PAGE,
        words: (w.previous_clusters, w.next_clusters),
        link: &link,
    };
    let (shown, paging) = pages.cut(found.len(), query.get("page"));
    // Lines for the page shown only.
    let clusters: Vec<ClusterLine> = found[shown]
        .iter()
        .map(|(c, sites)| ClusterLine {
            id: c.id.as_uuid().to_string(),
            place: format!("{}, {}", c.city, c.country),
            status: c.status.as_str(),
            status_words: w.cluster_status(c.status),
            sites: sites.len(),
            joined: w.range(c.joined_on, c.joined_on),
            name: c.name.clone(),
        })
        .collect();
    let found = found.len();
    let page = NetworkPage {
        c: Chrome::new(viewer, w.network_title, "network").done(query),
        clusters,
        in_all: map.clusters.len(),
        found,
        find,
        paging,
        statuses: [ClusterStatus::Active, ClusterStatus::Suspended, ClusterStatus::Left]
            .iter()
            .map(|s| (s.as_str(), w.cluster_status(*s)))
            .collect(),
        draft: fields.unwrap_or(Fields::none()),
        joined_on: fields.map_or_else(|| service.now().date_naive().to_string(), |f| f.get("joined_on").to_owned()),
        refused,
    };
    html(status, &page)
}

/// `GET /network`.
pub(crate) async fn page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    network_page_with(&service, &viewer, Shown::fresh(&query)).await
}

/// The add-cluster form, through the same parser as the API's cluster and
/// member: the cluster and its first admin, every refused field told.
fn new_cluster(form: ClusterForm, today: NaiveDate) -> Result<(NewCluster, NewMember), Vec<FieldError>> {
    let (cluster, admin) = form.requests();
    match (cluster.parse(today), admin.parse().map_err(ClusterForm::admin_fields)) {
        (Ok(cluster), Ok(admin)) => Ok((cluster, admin)),
        (cluster, admin) => Err(cluster.err().into_iter().chain(admin.err()).flatten().collect()),
    }
}

/// `POST /network/clusters`: adds a cluster with its first admin, who is
/// invited (a welcome email with a sign-in link).
pub(crate) async fn add_cluster(
    SignedForm { service, viewer, fields, form }: SignedForm<ClusterForm>,
) -> Result<Response, PageError> {
    let caller = viewer.network_admin()?;
    let w = viewer.words();
    let _none = Fields::default();
    let again =
        |refused: FormRefusal, status| network_page_with(&service, &viewer, Shown::again(&fields, refused, status));
    let (cluster, admin) = match new_cluster(form, service.now().date_naive()) {
        Ok(new) => new,
        Err(e) => return again(FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST).await,
    };
    match service.create_cluster_with_admin(caller, cluster, admin).await {
        Ok((cluster, _)) => Ok(redirect(&format!("/clusters/{}?done=saved", cluster.id.as_uuid()))),
        Err(e) => {
            let status = match &e {
                ServiceError::Conflict(c) => StatusCode::from_u16(c.status()).unwrap_or(StatusCode::CONFLICT),
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            again(FormRefusal::says(super::told(w, e)?), status).await
        }
    }
}

/// `POST /network/clusters/{id}/status`: active, suspended, or left.
pub(crate) async fn change_status(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.network_admin()?;
    let id: ClusterId = crate::extract::id(&id, ClusterId::parse)?;
    let status: ClusterStatus =
        fields.get("status").parse().map_err(|e: deskvisa_rules::StatusError| ServiceError::Invalid(e.to_string()))?;
    let (cluster, _) = service.cluster_with_sites(id).await?;
    if cluster.status == status {
        return Ok(redirect("/network"));
    }
    // A status change stops or starts a whole cluster's visits: it is
    // asked for once more, with what it means, before it happens.
    if !confirmed(&fields) {
        let w = viewer.words();
        let ask = Ask {
            title: w.confirm_status_title.to_owned(),
            consequence: w.status_consequence(&cluster.name, status),
            yes: w.confirm_yes.to_owned(),
            back: "/network".to_owned(),
        };
        return super::confirm::ask(
            &viewer,
            "network",
            format!("/network/clusters/{}/status", id.as_uuid()),
            &fields,
            ask,
        );
    }
    let patch = ClusterPatch { status: Some(status), ..ClusterPatch::default() };
    service.update_cluster(caller, id, patch).await?;
    Ok(redirect("/network?done=saved"))
}

// ---------------------------------------------------------------- ledger

/// A row of the heatmap: the host, its cells (blank for none, else the
/// days and a shade from 1 to 4), its total.
struct HeatRow {
    host: String,
    cells: Vec<(String, u8)>,
    total: u64,
}

/// The heatmap: the busiest hosts and homes, the rest summed in "others".
struct Heat {
    homes: Vec<String>,
    rows: Vec<HeatRow>,
    /// Each column's total, then the grand total.
    totals: Vec<u64>,
    total: u64,
}

/// A cluster's two bars: days hosted and days used, as shares of the most.
struct Bar {
    name: String,
    hosted: u64,
    used: u64,
    hosted_width: String,
    used_width: String,
    balance: String,
}

/// The ledger's story in three lists: who hosts more than it sends, who
/// sends more than it hosts (each with its balance), who does not host in
/// return (with why).
struct Story {
    hosts: Vec<(String, String)>,
    senders: Vec<(String, String)>,
    lapsed: Vec<(String, String)>,
    /// Lapsed clusters past the ones named.
    lapsed_more: usize,
}

/// How many hosts and homes the heatmap names; the rest are one "others".
const HEAT_NAMED: usize = 10;
/// How many clusters each list of the story names.
const STORY_NAMED: usize = 5;
/// How many clusters the balance bars show, the busiest first; the figures
/// table and the CSV hold every cluster.
const BARS_SHOWN: usize = 30;
/// Rows of the figures table a page: a network of thousands of clusters
/// pages through them by name.
const FIGURES_A_PAGE: usize = 100;
/// Clusters not hosting in return the story names; the rest are counted.
const LAPSED_NAMED: usize = 20;

/// A column of the figures table: the API's field name (the cell's
/// `data-field`), its heading, its value.
type Column = (&'static str, fn(&'static Words) -> &'static str, fn(&ClusterFiguresBody) -> String);

/// The figures table's columns, in the API's order.
const COLUMNS: [Column; 10] = [
    ("days_hosted", |w| w.days_hosted, |c| c.days_hosted.to_string()),
    ("days_used", |w| w.days_used, |c| c.days_used.to_string()),
    ("balance", |w| w.balance, |c| c.balance.to_string()),
    ("requests_received", |w| w.requests_received, |c| c.requests_received.to_string()),
    ("requests_approved", |w| w.requests_approved, |c| c.requests_approved.to_string()),
    ("requests_declined", |w| w.requests_declined, |c| c.requests_declined.to_string()),
    ("requests_expired", |w| w.requests_expired, |c| c.requests_expired.to_string()),
    ("guarantee_exceptions", |w| w.exceptions, |c| c.guarantee_exceptions.to_string()),
    ("introductions_hosted", |w| w.introductions_hosted, |c| c.introductions_hosted.to_string()),
    (
        "introductions_hosted_accepted",
        |w| w.introductions_hosted_accepted,
        |c| c.introductions_hosted_accepted.to_string(),
    ),
];

/// A row of the figures table.
struct FigureRow {
    id: String,
    name: String,
    standing: &'static str,
    /// Not hosting in return.
    lapsed: bool,
    /// Why it is in grace or not reciprocating, in the viewer's language.
    why: String,
    cells: Vec<(&'static str, String)>,
}

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    c: Chrome,
    from: String,
    to: String,
    period: String,
    csv: String,
    story: Story,
    heat: Heat,
    bars: Vec<Bar>,
    columns: Vec<&'static str>,
    figures: Vec<FigureRow>,
    /// Where the page of figures is among all of them, when there are several.
    paging: Option<Numbered>,
    /// The bars show only the busiest clusters.
    bars_cut: bool,
    error: Option<String>,
}

/// The period asked for, or the year up to today.
fn period(query: &Fields, today: NaiveDate) -> Result<Period, ()> {
    let default_from = today.checked_sub_days(Days::new(DEFAULT_DAYS)).unwrap_or(today);
    let from = match query.get("from") {
        "" => default_from,
        text => parse_date(text).map_err(|_| ())?,
    };
    let to = match query.get("to") {
        "" => today,
        text => parse_date(text).map_err(|_| ())?,
    };
    Period::new(from, to).map_err(|_| ())
}

fn standing_words(w: &'static Words, standing: &str) -> &'static str {
    match standing {
        "reciprocating" => w.reciprocating,
        "in_grace" => w.in_grace,
        _ => w.not_reciprocating,
    }
}

/// Clusters by what they weigh in the matrix (by `of`), the busiest first.
fn busiest(
    body: &LedgerBody,
    of: fn(&crate::api::reports::MatrixCellBody) -> (uuid::Uuid, &str),
) -> Vec<(uuid::Uuid, String, u64)> {
    let mut sums: std::collections::HashMap<uuid::Uuid, (&str, u64)> = std::collections::HashMap::new();
    for cell in &body.matrix {
        let (id, name) = of(cell);
        sums.entry(id).or_insert((name, 0)).1 += cell.visitor_days;
    }
    let mut found: Vec<(uuid::Uuid, String, u64)> =
        sums.into_iter().map(|(id, (name, days))| (id, name.to_owned(), days)).collect();
    found.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.1.cmp(&b.1)));
    found
}

/// The host × home matrix, busiest first both ways: the ten busiest
/// hosts and homes by name, the rest summed as "others", with totals.
fn heat_map(body: &LedgerBody, others: &str) -> Heat {
    let hosts = busiest(body, |c| (c.host_cluster_id, &c.host_name));
    let homes = busiest(body, |c| (c.home_cluster_id, &c.home_name));
    // The named few by id; every other cluster is in the "others" slot.
    let named = |list: &[(uuid::Uuid, String, u64)]| -> std::collections::HashMap<uuid::Uuid, usize> {
        list.iter().take(HEAT_NAMED).enumerate().map(|(p, (id, _, _))| (*id, p)).collect()
    };
    let (host_slots, home_slots) = (named(&hosts), named(&homes));
    let slot = |slots: &std::collections::HashMap<uuid::Uuid, usize>, id: uuid::Uuid| {
        slots.get(&id).copied().unwrap_or(HEAT_NAMED)
    };
    let (rows_n, cols_n) = (hosts.len().min(HEAT_NAMED + 1), homes.len().min(HEAT_NAMED + 1));
    let mut days = vec![vec![0u64; cols_n]; rows_n];
    for cell in &body.matrix {
        days[slot(&host_slots, cell.host_cluster_id)][slot(&home_slots, cell.home_cluster_id)] += cell.visitor_days;
    }
    let most = days.iter().flatten().copied().max().unwrap_or(0).max(1);
    let label = |list: &[(uuid::Uuid, String, u64)], i: usize| {
        if i < HEAT_NAMED { list[i].1.clone() } else { others.to_owned() }
    };
    let rows = days
        .iter()
        .enumerate()
        .map(|(i, row)| HeatRow {
            host: label(&hosts, i),
            // Five shades; the number is written too, and zero is blank.
            cells: row
                .iter()
                .map(|d| match d {
                    0 => (String::new(), 0),
                    d => (d.to_string(), (1 + (d * 4 - 1) / most).min(4) as u8),
                })
                .collect(),
            total: row.iter().sum(),
        })
        .collect();
    let totals = (0..cols_n).map(|j| days.iter().map(|r| r[j]).sum()).collect();
    Heat { homes: (0..cols_n).map(|j| label(&homes, j)).collect(), rows, totals, total: days.iter().flatten().sum() }
}

/// Each cluster's days hosted and used as two bars, busiest first.
fn balance_bars(body: &LedgerBody) -> Vec<Bar> {
    let most = body.clusters.iter().map(|c| c.days_hosted.max(c.days_used)).max().unwrap_or(0).max(1);
    let width = |days: u64| format!("{:.1}%", days as f64 * 100.0 / most as f64);
    let mut bars: Vec<Bar> = body
        .clusters
        .iter()
        .filter(|c| c.days_hosted > 0 || c.days_used > 0)
        .map(|c| Bar {
            name: c.name.clone(),
            hosted: c.days_hosted,
            used: c.days_used,
            hosted_width: width(c.days_hosted),
            used_width: width(c.days_used),
            balance: format!("{:+}", c.balance),
        })
        .collect();
    bars.sort_by(|a, b| (b.hosted + b.used).cmp(&(a.hosted + a.used)).then_with(|| a.name.cmp(&b.name)));
    bars.truncate(BARS_SHOWN);
    bars
}

/// The story the figures tell, for the top of the page.
fn story(body: &LedgerBody, figures: &[FigureRow]) -> Story {
    let mut by_balance: Vec<&crate::api::reports::ClusterFiguresBody> = body.clusters.iter().collect();
    by_balance.sort_by(|a, b| b.balance.cmp(&a.balance).then_with(|| a.name.cmp(&b.name)));
    let line = |c: &&crate::api::reports::ClusterFiguresBody| (c.name.clone(), format!("{:+}", c.balance));
    Story {
        hosts: by_balance.iter().filter(|c| c.balance > 0).take(STORY_NAMED).map(line).collect(),
        senders: by_balance.iter().rev().filter(|c| c.balance < 0).take(STORY_NAMED).map(line).collect(),
        lapsed: figures
            .iter()
            .filter(|f| f.lapsed)
            .take(LAPSED_NAMED)
            .map(|f| (f.name.clone(), f.why.clone()))
            .collect(),
        lapsed_more: figures.iter().filter(|f| f.lapsed).count().saturating_sub(LAPSED_NAMED),
    }
}

/// `GET /network/ledger?from=&to=` (network admins see every cluster; a
/// cluster admin sees their own row and column, as in the API).
pub(crate) async fn ledger(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let today = service.now().date_naive();
    let (period, error) = match period(&query, today) {
        Ok(p) => (p, None),
        Err(()) => (
            period(&Fields::default(), today).map_err(|()| ServiceError::Internal("no period".into()))?,
            Some(w.bad_period.to_owned()),
        ),
    };
    // The page shows each cluster's count of exceptions, not the list.
    let report = service.reciprocity_ledger(caller, period, ExceptionsListed::Nothing).await?;
    let body = LedgerBody::new(&report, ExceptionsListed::Nothing);

    let heat = heat_map(&body, w.others);
    let bars = balance_bars(&body);
    let standings: std::collections::HashMap<uuid::Uuid, &deskvisa_rules::Standing> =
        report.ledger.clusters.iter().map(|f| (f.cluster_id.as_uuid(), &f.standing)).collect();
    let mut figures: Vec<FigureRow> = body
        .clusters
        .iter()
        .map(|c| FigureRow {
            id: c.cluster_id.to_string(),
            name: c.name.clone(),
            standing: standing_words(w, c.standing),
            lapsed: c.standing == "not_reciprocating",
            why: standings.get(&c.cluster_id).map(|s| w.standing_reason(s)).unwrap_or_default(),
            cells: COLUMNS.iter().map(|(field, _, value)| (*field, value(c))).collect(),
        })
        .collect();
    figures.sort_by(|a, b| a.name.cmp(&b.name));
    let story = story(&body, &figures);
    let (from, to) = (period.from().to_string(), period.to().to_string());
    let link = |n: usize| format!("/network/ledger?from={from}&to={to}&page={n}#figures-title");
    let pages =
        Pages { id: "figures-pages", size: FIGURES_A_PAGE, words: (w.previous_clusters, w.next_clusters), link: &link };
    let (shown, paging) = pages.cut(figures.len(), query.get("page"));
    let figures: Vec<FigureRow> = figures.into_iter().skip(shown.start).take(shown.len()).collect();
    let bars_cut = body.clusters.iter().filter(|c| c.days_hosted > 0 || c.days_used > 0).count() > bars.len();
    let page = LedgerPage {
        c: Chrome::new(&viewer, w.ledger_title, if caller.network_admin { "network" } else { "host" }),
        period: w.range(period.from(), period.to()),
        csv: format!("/network/ledger.csv?from={from}&to={to}"),
        from,
        to,
        story,
        heat,
        bars,
        columns: COLUMNS.iter().map(|(_, label, _)| label(w)).collect(),
        figures,
        paging,
        bars_cut,
        error,
    };
    html(StatusCode::OK, &page)
}

/// `GET /network/ledger.csv?from=&to=&table=`: the figures as the API's CSV.
pub(crate) async fn ledger_csv(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let today = service.now().date_naive();
    let period = period(&query, today).map_err(|()| ServiceError::Invalid(viewer.words().bad_period.to_owned()))?;
    let table = Some(query.get("table")).filter(|t| !t.is_empty()).unwrap_or("clusters");
    let listed = exceptions_listed(Some(table), std::num::NonZeroU32::MIN);
    let report = service.reciprocity_ledger(caller, period, listed).await?;
    Ok(csv_download(&LedgerBody::new(&report, listed), table)?)
}
