//! The network admin's pages: the clusters of the network (add one,
//! suspend one, record that one left) and the reciprocity ledger as a
//! host × home heatmap, per-cluster balance bars and the figures as a
//! table, the same figures the API returns, with a CSV download.

use super::page::Page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Days, NaiveDate};
use deskvisa_rules::{ClusterId, ClusterStatus, Period, parse_date};
use deskvisa_service::{ClusterPatch, NewCluster, NewMember, Service, ServiceError};

use super::form::{Fields, FormRefusal, Shown, SignedForm};
use super::view::{Chrome, html};
use super::{PageError, Viewer, Words, redirect};
use crate::api::reports::{ClusterFiguresBody, LedgerBody, csv_download};
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

#[derive(Template)]
#[template(path = "network.html")]
struct NetworkPage<'a> {
    c: Chrome,
    clusters: Vec<ClusterLine>,
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
    let mut clusters: Vec<ClusterLine> = service
        .map()
        .await?
        .into_iter()
        .map(|(c, sites)| ClusterLine {
            id: c.id.as_uuid().to_string(),
            place: format!("{}, {}", c.city, c.country),
            status: c.status.as_str(),
            status_words: w.cluster_status(c.status),
            sites: sites.len(),
            joined: w.range(c.joined_on, c.joined_on),
            name: c.name,
        })
        .collect();
    clusters.sort_by(|a, b| a.name.cmp(&b.name));
    let page = NetworkPage {
        c: Chrome::new(viewer, w.network_title, "network").done(query),
        clusters,
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

#[derive(Template)]
#[template(path = "confirm_status.html")]
struct ConfirmPage {
    c: Chrome,
    id: String,
    status: &'static str,
    consequence: String,
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
    if fields.get("confirm") != "yes" {
        let w = viewer.words();
        let page = ConfirmPage {
            c: Chrome::new(&viewer, w.confirm_status_title, "network"),
            id: id.as_uuid().to_string(),
            status: status.as_str(),
            consequence: w.status_consequence(&cluster.name, status),
        };
        return html(StatusCode::OK, &page);
    }
    let patch = ClusterPatch { status: Some(status), ..ClusterPatch::default() };
    service.update_cluster(caller, id, patch).await?;
    Ok(redirect("/network?done=saved"))
}

// ---------------------------------------------------------------- ledger

/// A row of the heatmap.
struct HeatRow {
    host: String,
    cells: Vec<(u64, u8)>,
}

/// A cluster's balance bar.
struct Bar {
    name: String,
    balance: i64,
    negative: String,
    positive: String,
}

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
    homes: Vec<String>,
    heat: Vec<HeatRow>,
    bars: Vec<Bar>,
    columns: Vec<&'static str>,
    figures: Vec<FigureRow>,
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

/// The host × home matrix as rows of shaded cells, with the homes' names
/// for the column heads.
fn heat_map(body: &LedgerBody) -> (Vec<String>, Vec<HeatRow>) {
    let mut hosts: Vec<(String, uuid::Uuid)> = Vec::new();
    let mut homes: Vec<(String, uuid::Uuid)> = Vec::new();
    for cell in &body.matrix {
        if !hosts.iter().any(|(_, id)| *id == cell.host_cluster_id) {
            hosts.push((cell.host_name.clone(), cell.host_cluster_id));
        }
        if !homes.iter().any(|(_, id)| *id == cell.home_cluster_id) {
            homes.push((cell.home_name.clone(), cell.home_cluster_id));
        }
    }
    hosts.sort();
    homes.sort();
    let most = body.matrix.iter().map(|c| c.visitor_days).max().unwrap_or(0).max(1);
    let heat = hosts
        .iter()
        .map(|(name, host)| HeatRow {
            host: name.clone(),
            cells: homes
                .iter()
                .map(|(_, home)| {
                    let days = body
                        .matrix
                        .iter()
                        .find(|c| c.host_cluster_id == *host && c.home_cluster_id == *home)
                        .map_or(0, |c| c.visitor_days);
                    // Five shades; the number is always written too.
                    let shade = if days == 0 { 0 } else { (1 + (days * 4 - 1) / most).min(4) as u8 };
                    (days, shade)
                })
                .collect(),
        })
        .collect();
    (homes.into_iter().map(|(name, _)| name).collect(), heat)
}

/// Each cluster's balance as a bar, most hosting first.
fn balance_bars(body: &LedgerBody) -> Vec<Bar> {
    let widest = body.clusters.iter().map(|c| c.balance.unsigned_abs()).max().unwrap_or(0).max(1);
    let mut bars: Vec<Bar> = body
        .clusters
        .iter()
        .filter(|c| c.days_hosted > 0 || c.days_used > 0)
        .map(|c| {
            let share = format!("{:.1}%", c.balance.unsigned_abs() as f64 * 100.0 / widest as f64);
            Bar {
                name: c.name.clone(),
                balance: c.balance,
                negative: if c.balance < 0 { share.clone() } else { "0%".to_owned() },
                positive: if c.balance > 0 { share } else { "0%".to_owned() },
            }
        })
        .collect();
    bars.sort_by(|a, b| b.balance.cmp(&a.balance).then_with(|| a.name.cmp(&b.name)));
    bars
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
    let report = service.reciprocity_ledger(caller, period).await?;
    let body = LedgerBody::new(&report);

    let (homes, heat) = heat_map(&body);
    let bars = balance_bars(&body);
    let mut figures: Vec<FigureRow> = body
        .clusters
        .iter()
        .map(|c| FigureRow {
            id: c.cluster_id.to_string(),
            name: c.name.clone(),
            standing: standing_words(w, c.standing),
            why: report
                .ledger
                .clusters
                .iter()
                .find(|f| f.cluster_id.as_uuid() == c.cluster_id)
                .map(|f| w.standing_reason(&f.standing))
                .unwrap_or_default(),
            cells: COLUMNS.iter().map(|(field, _, value)| (*field, value(c))).collect(),
        })
        .collect();
    figures.sort_by(|a, b| a.name.cmp(&b.name));
    let (from, to) = (period.from().to_string(), period.to().to_string());
    let page = LedgerPage {
        c: Chrome::new(&viewer, w.ledger_title, if caller.network_admin { "network" } else { "host" }),
        period: w.range(period.from(), period.to()),
        csv: format!("/network/ledger.csv?from={from}&to={to}"),
        from,
        to,
        homes,
        heat,
        bars,
        columns: COLUMNS.iter().map(|(_, label, _)| label(w)).collect(),
        figures,
        error,
    };
    html(StatusCode::OK, &page)
}

/// `GET /network/ledger.csv?from=&to=&table=`: the figures as the API's CSV.
pub(crate) async fn ledger_csv(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let today = service.now().date_naive();
    let period = period(&query, today).map_err(|()| ServiceError::Invalid(viewer.words().bad_period.to_owned()))?;
    let report = service.reciprocity_ledger(caller, period).await?;
    let table = Some(query.get("table")).filter(|t| !t.is_empty()).unwrap_or("clusters");
    Ok(csv_download(&LedgerBody::new(&report), table)?)
}
