//! `GET /api/v1/reports/reciprocity`: the reciprocity ledger as JSON, or as
//! CSV for spreadsheets (`Accept: text/csv`; `table=clusters`, the default,
//! `matrix` or `exceptions`).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, ExceptionKind, Ledger, Period, Standing, parse_date};
use deskvisa_service::{EXCEPTIONS_A_PAGE, ExceptionsListed, LedgerReport, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::dto::ProblemBody;
use crate::api::responses::Unauthenticated;
use crate::extract::Authenticated;
use crate::problem::Problem;
use crate::query::ApiQuery;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new().routes(routes!(reciprocity))
}

/// The period, and for CSV which table.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct LedgerQuery {
    /// First date, `YYYY-MM-DD`.
    from: String,
    /// Last date, included (at most 1830 days).
    to: String,
    /// For `Accept: text/csv`: `clusters` (default), `matrix`, `exceptions` or `introductions`.
    table: Option<String>,
    /// Which page of the guarantee exceptions the JSON lists, from 1 (the
    /// default), 1,000 a page; the CSV table `exceptions` lists them all.
    exceptions_page: Option<u32>,
}

/// One cluster's figures over the period.
#[derive(Serialize, ToSchema)]
pub(crate) struct ClusterFiguresBody {
    pub(crate) cluster_id: uuid::Uuid,
    pub(crate) name: String,
    pub(crate) country: String,
    /// `reciprocating`, `in_grace` or `not_reciprocating` (now).
    pub(crate) standing: &'static str,
    /// With no bookable desk-day offered (in grace, or ground `nothing_offered`):
    /// the start of the first day without one, in the cluster's zone.
    pub(crate) no_desks_since: Option<DateTime<Utc>>,
    /// The same first day without a bookable desk-day, as a date.
    pub(crate) nothing_offered_since: Option<NaiveDate>,
    /// In grace: when it ends (the start of `lapses_on` in the cluster's zone).
    pub(crate) grace_ends: Option<DateTime<Utc>>,
    /// In grace: the first day it is no longer reciprocating unless it offers a desk-day.
    pub(crate) lapses_on: Option<NaiveDate>,
    /// Not reciprocating: why, `nothing_offered` (no bookable desk-day over the
    /// last grace period) and/or `none_approved` (at least 3 requests within the
    /// guarantee over 90 days, none approved).
    pub(crate) grounds: Vec<&'static str>,
    /// Ground `none_approved`: when the earliest refused request was made.
    pub(crate) none_approved_since: Option<DateTime<Utc>>,
    /// Ground `none_approved`: how many it declined or let expire.
    pub(crate) refused_requests: Option<u32>,
    pub(crate) days_hosted: u64,
    pub(crate) days_used: u64,
    /// Hosted − used.
    pub(crate) balance: i64,
    pub(crate) requests_received: u64,
    pub(crate) requests_approved: u64,
    pub(crate) requests_declined: u64,
    pub(crate) requests_expired: u64,
    pub(crate) guarantee_exceptions: u64,
    /// Median time from request to a host admin's answer.
    pub(crate) median_answer_seconds: Option<i64>,
    /// Introductions visitors asked of its firms in the period.
    pub(crate) introductions_hosted: u64,
    /// Of them, accepted.
    pub(crate) introductions_hosted_accepted: u64,
    /// Introductions its members asked of other clusters' firms.
    pub(crate) introductions_asked: u64,
    /// Of them, accepted.
    pub(crate) introductions_asked_accepted: u64,
}

/// Introductions one home cluster's visitors asked of one host's firms.
#[derive(Serialize, ToSchema)]
pub(crate) struct IntroductionCellBody {
    pub(crate) host_cluster_id: uuid::Uuid,
    pub(crate) host_name: String,
    pub(crate) home_cluster_id: uuid::Uuid,
    pub(crate) home_name: String,
    pub(crate) asked: u64,
    pub(crate) accepted: u64,
}

/// Visitor-days one host gave one home cluster's members.
#[derive(Serialize, ToSchema)]
pub(crate) struct MatrixCellBody {
    pub(crate) host_cluster_id: uuid::Uuid,
    pub(crate) host_name: String,
    pub(crate) home_cluster_id: uuid::Uuid,
    pub(crate) home_name: String,
    pub(crate) visitor_days: u64,
}

/// A guarantee exception.
#[derive(Serialize, ToSchema)]
pub(crate) struct ExceptionBody {
    stay_id: uuid::Uuid,
    host_cluster_id: uuid::Uuid,
    home_cluster_id: uuid::Uuid,
    at: DateTime<Utc>,
    /// `declined`, `expired` or `cancelled_by_host`.
    kind: &'static str,
    reason: Option<String>,
}

/// The ledger of DOMAIN.md over a period.
#[derive(Serialize, ToSchema)]
pub(crate) struct LedgerBody {
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
    /// Per cluster (a cluster admin: their own only).
    pub(crate) clusters: Vec<ClusterFiguresBody>,
    /// The non-zero cells of host × home (a cluster admin: their row and column).
    pub(crate) matrix: Vec<MatrixCellBody>,
    /// The guarantee exceptions, oldest first: in JSON one page of
    /// `exceptions_total` (1,000 a page).
    pub(crate) exceptions: Vec<ExceptionBody>,
    /// How many guarantee exceptions the period holds (a cluster admin:
    /// those their cluster took part in).
    pub(crate) exceptions_total: u64,
    /// The page `exceptions` is, from 1.
    pub(crate) exceptions_page: u32,
    /// The address of the next page of exceptions, when there is one.
    pub(crate) exceptions_next: Option<String>,
    /// Introductions asked in the period, per host × home (a cluster admin:
    /// their row and column): the business the visits were for.
    pub(crate) introductions: Vec<IntroductionCellBody>,
}

fn kind_name(kind: ExceptionKind) -> &'static str {
    match kind {
        ExceptionKind::Declined => "declined",
        ExceptionKind::Expired => "expired",
        ExceptionKind::CancelledByHost => "cancelled_by_host",
    }
}

impl LedgerBody {
    /// The report as the API shows it.
    pub(crate) fn new(report: &LedgerReport, listed: ExceptionsListed) -> LedgerBody {
        // By id: the matrix of a large network has millions of cells.
        let by_id: std::collections::HashMap<ClusterId, &deskvisa_service::ClusterRecord> =
            report.clusters.iter().map(|c| (c.id, c)).collect();
        let cluster = |id: ClusterId| by_id.get(&id).copied();
        let name = |id: ClusterId| cluster(id).map(|c| c.name.clone()).unwrap_or_default();
        let Ledger { period, clusters, matrix, exceptions, exceptions_total, introductions } = &report.ledger;
        let (exceptions_page, exceptions_next) = exceptions_paging(period, *exceptions_total, listed);
        LedgerBody {
            exceptions_total: *exceptions_total,
            exceptions_page,
            exceptions_next,
            from: period.from(),
            to: period.to(),
            clusters: clusters
                .iter()
                .map(|f| {
                    let zone = cluster(f.cluster_id).map_or(deskvisa_rules::TimeZone::UTC, |c| c.timezone);
                    let view = StandingView::of(&f.standing);
                    let standing = view.standing;
                    ClusterFiguresBody {
                        cluster_id: f.cluster_id.as_uuid(),
                        name: name(f.cluster_id),
                        country: cluster(f.cluster_id).map(|c| c.country.to_string()).unwrap_or_default(),
                        standing,
                        no_desks_since: view.nothing_offered_since.map(|day| zone.start_of_day(day)),
                        nothing_offered_since: view.nothing_offered_since,
                        grace_ends: view.lapses_on.map(|day| zone.start_of_day(day)),
                        lapses_on: view.lapses_on,
                        grounds: view.grounds,
                        none_approved_since: view.none_approved.map(|n| n.since),
                        refused_requests: view.none_approved.map(|n| n.refused),
                        days_hosted: f.days_hosted,
                        days_used: f.days_used,
                        balance: f.balance,
                        requests_received: f.requests_received,
                        requests_approved: f.requests_approved,
                        requests_declined: f.requests_declined,
                        requests_expired: f.requests_expired,
                        guarantee_exceptions: f.guarantee_exceptions,
                        median_answer_seconds: f.median_answer_seconds,
                        introductions_hosted: f.introductions_hosted,
                        introductions_hosted_accepted: f.introductions_hosted_accepted,
                        introductions_asked: f.introductions_asked,
                        introductions_asked_accepted: f.introductions_asked_accepted,
                    }
                })
                .collect(),
            matrix: matrix
                .iter()
                .map(|c| MatrixCellBody {
                    host_cluster_id: c.host_cluster_id.as_uuid(),
                    host_name: name(c.host_cluster_id),
                    home_cluster_id: c.home_cluster_id.as_uuid(),
                    home_name: name(c.home_cluster_id),
                    visitor_days: c.visitor_days,
                })
                .collect(),
            exceptions: exceptions
                .iter()
                .map(|e| ExceptionBody {
                    stay_id: e.stay_id.as_uuid(),
                    host_cluster_id: e.host_cluster_id.as_uuid(),
                    home_cluster_id: e.home_cluster_id.as_uuid(),
                    at: e.at,
                    kind: kind_name(e.kind),
                    reason: e.reason.clone(),
                })
                .collect(),
            introductions: introductions
                .iter()
                .map(|c| IntroductionCellBody {
                    host_cluster_id: c.host_cluster_id.as_uuid(),
                    host_name: name(c.host_cluster_id),
                    home_cluster_id: c.home_cluster_id.as_uuid(),
                    home_name: name(c.home_cluster_id),
                    asked: c.asked,
                    accepted: c.accepted,
                })
                .collect(),
        }
    }
}

/// Which page of exceptions a report lists, and the address of the next
/// one when there is one.
fn exceptions_paging(period: &Period, total: u64, listed: ExceptionsListed) -> (u32, Option<String>) {
    let ExceptionsListed::Page(page) = listed else { return (1, None) };
    let listed_through = u64::from(page.get()) * u64::from(EXCEPTIONS_A_PAGE);
    let next = (listed_through < total).then(|| {
        format!(
            "/api/v1/reports/reciprocity?from={}&to={}&exceptions_page={}",
            period.from(),
            period.to(),
            page.get().saturating_add(1)
        )
    });
    (page.get(), next)
}

/// A CSV field: quoted when it must be, and a text that a spreadsheet would
/// run as a formula made inert with a leading apostrophe.
fn text_field(value: &str) -> String {
    let value =
        if value.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{value}") } else { value.to_owned() };
    if value.contains([',', '"', '\n', '\r']) { format!("\"{}\"", value.replace('"', "\"\"")) } else { value }
}

fn optional<T: ToString>(value: Option<T>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// A standing spelled for the API, the CSV and the pages alike.
pub(crate) struct StandingView {
    /// `reciprocating`, `in_grace` or `not_reciprocating`.
    pub(crate) standing: &'static str,
    /// In grace or ground (a): the first day without a bookable desk-day.
    pub(crate) nothing_offered_since: Option<NaiveDate>,
    /// In grace: the first day it is no longer reciprocating.
    pub(crate) lapses_on: Option<NaiveDate>,
    /// Not reciprocating: `nothing_offered`, `none_approved` or both.
    pub(crate) grounds: Vec<&'static str>,
    /// Ground (b).
    pub(crate) none_approved: Option<deskvisa_rules::NoneApproved>,
}

impl StandingView {
    pub(crate) fn of(standing: &Standing) -> StandingView {
        match *standing {
            Standing::Reciprocating => StandingView {
                standing: "reciprocating",
                nothing_offered_since: None,
                lapses_on: None,
                grounds: Vec::new(),
                none_approved: None,
            },
            Standing::InGrace { nothing_offered_since, lapses_on } => StandingView {
                standing: "in_grace",
                nothing_offered_since: Some(nothing_offered_since),
                lapses_on: Some(lapses_on),
                grounds: Vec::new(),
                none_approved: None,
            },
            Standing::NotReciprocating(lapse) => StandingView {
                standing: "not_reciprocating",
                nothing_offered_since: lapse.nothing_offered_since,
                lapses_on: None,
                grounds: [
                    lapse.nothing_offered_since.map(|_| "nothing_offered"),
                    lapse.none_approved.map(|_| "none_approved"),
                ]
                .into_iter()
                .flatten()
                .collect(),
                none_approved: lapse.none_approved,
            },
        }
    }
}

/// A cluster named in a CSV row: its id and its name.
type Named<'a> = (uuid::Uuid, &'a String);

/// A table of host × home cells: the pair, then the cell's own columns.
fn pair_table<'a>(lines: &mut Vec<String>, columns: &str, cells: impl Iterator<Item = (Named<'a>, Named<'a>, String)>) {
    lines.push(format!("host_cluster_id,host_name,home_cluster_id,home_name,{columns}"));
    for ((host, host_name), (home, home_name), values) in cells {
        lines.push(format!("{host},{},{home},{},{values}", text_field(host_name), text_field(home_name)));
    }
}

fn csv(body: &LedgerBody, table: &str) -> Result<String, Problem> {
    let mut lines = Vec::new();
    match table {
        "clusters" => {
            lines.push(
                "cluster_id,name,country,standing,days_hosted,days_used,balance,requests_received,requests_approved,\
                 requests_declined,requests_expired,guarantee_exceptions,median_answer_seconds,grounds,\
                 nothing_offered_since,none_approved_since,introductions_hosted,introductions_hosted_accepted,\
                 introductions_asked,introductions_asked_accepted"
                    .to_owned(),
            );
            for c in &body.clusters {
                lines.push(format!(
                    "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    c.cluster_id,
                    text_field(&c.name),
                    text_field(&c.country),
                    c.standing,
                    c.days_hosted,
                    c.days_used,
                    c.balance,
                    c.requests_received,
                    c.requests_approved,
                    c.requests_declined,
                    c.requests_expired,
                    c.guarantee_exceptions,
                    optional(c.median_answer_seconds),
                    c.grounds.join(";"),
                    optional(c.nothing_offered_since),
                    optional(c.none_approved_since.map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))),
                    c.introductions_hosted,
                    c.introductions_hosted_accepted,
                    c.introductions_asked,
                    c.introductions_asked_accepted,
                ));
            }
        }
        "matrix" => pair_table(
            &mut lines,
            "visitor_days",
            body.matrix.iter().map(|c| {
                ((c.host_cluster_id, &c.host_name), (c.home_cluster_id, &c.home_name), c.visitor_days.to_string())
            }),
        ),
        "exceptions" => {
            lines.push("stay_id,host_cluster_id,home_cluster_id,at,kind,reason".to_owned());
            for e in &body.exceptions {
                lines.push(format!(
                    "{},{},{},{},{},{}",
                    e.stay_id,
                    e.host_cluster_id,
                    e.home_cluster_id,
                    e.at.to_rfc3339(),
                    e.kind,
                    text_field(e.reason.as_deref().unwrap_or_default())
                ));
            }
        }
        "introductions" => pair_table(
            &mut lines,
            "asked,accepted",
            body.introductions.iter().map(|c| {
                (
                    (c.host_cluster_id, &c.host_name),
                    (c.home_cluster_id, &c.home_name),
                    format!("{},{}", c.asked, c.accepted),
                )
            }),
        ),
        other => {
            return Err(Problem::malformed(format!(
                "table: `{other}` is none of clusters, matrix, exceptions, introductions"
            )));
        }
    }
    let mut text = lines.join("\r\n");
    text.push_str("\r\n");
    Ok(text)
}

fn wants_csv(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case("text/csv")))
}

/// The reciprocity ledger over a period.
#[utoipa::path(
    get, path = "/api/v1/reports/reciprocity", tag = "reports", security(("bearer" = [])),
    params(LedgerQuery),
    responses(
        (status = 200, description = "The ledger (as CSV with `Accept: text/csv`)",
         content((LedgerBody = "application/json"), (String = "text/csv"))),
        (status = 400, description = "`malformed_request`: bad dates, table or exceptions page, a period backwards or over 1830 days", body = ProblemBody, content_type = "application/problem+json"),
        Unauthenticated,
        (status = 403, description = "`forbidden`: neither a network admin nor a cluster admin", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn reciprocity(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<LedgerQuery>,
) -> Result<Response, Problem> {
    let from = parse_date(&query.from).map_err(|e| Problem::malformed(format!("from: {e}")))?;
    let to = parse_date(&query.to).map_err(|e| Problem::malformed(format!("to: {e}")))?;
    let period = Period::new(from, to).map_err(|e| Problem::malformed(e.to_string()))?;
    let page = match query.exceptions_page {
        None => std::num::NonZeroU32::MIN,
        Some(n) => std::num::NonZeroU32::new(n)
            .ok_or_else(|| Problem::malformed("exceptions_page: pages are counted from 1".to_owned()))?,
    };
    let table = query.table.as_deref().unwrap_or("clusters");
    let listed = exceptions_listed(wants_csv(&headers).then_some(table), page);
    let report = service.reciprocity_ledger(&caller, period, listed).await?;
    let body = LedgerBody::new(&report, listed);
    if !wants_csv(&headers) {
        return Ok(Json(body).into_response());
    }
    csv_download(&body, table)
}

/// The exceptions a report lists: in a CSV file every one when it is the
/// table asked for and none otherwise; in JSON, the page.
pub(crate) fn exceptions_listed(csv_table: Option<&str>, page: std::num::NonZeroU32) -> ExceptionsListed {
    match csv_table {
        Some("exceptions") => ExceptionsListed::All,
        Some(_) => ExceptionsListed::Nothing,
        None => ExceptionsListed::Page(page),
    }
}

/// The ledger as a CSV file to download (the API's `Accept: text/csv`, and
/// the ledger page's link).
pub(crate) fn csv_download(body: &LedgerBody, table: &str) -> Result<Response, Problem> {
    let text = csv(body, table)?;
    let disposition =
        HeaderValue::from_str(&format!("attachment; filename=\"reciprocity-{table}-{}-{}.csv\"", body.from, body.to))
            .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8")),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        text,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use axum::http::HeaderValue;
    use proptest::prelude::*;
    use proptest::sample::{Index, select};

    use super::{HeaderMap, header, text_field, wants_csv};

    #[test]
    fn csv_text_is_quoted_and_formulas_are_made_inert() {
        assert_eq!(text_field("Copenhagen Digital"), "Copenhagen Digital");
        assert_eq!(text_field("Łódź, Poland"), "\"Łódź, Poland\"");
        assert_eq!(text_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text_field("-1"), "'-1");
    }

    /// One CSV field read back as a spreadsheet reads it, or `None` when it
    /// is not one well-formed field.
    fn read_field(field: &str) -> Option<String> {
        if let Some(inner) = field.strip_prefix('"').and_then(|f| f.strip_suffix('"')) {
            let mut out = String::new();
            let mut chars = inner.chars();
            while let Some(c) = chars.next() {
                if c == '"' && chars.next() != Some('"') {
                    return None;
                }
                out.push(c);
            }
            Some(out)
        } else if field.contains([',', '"', '\n', '\r']) {
            None
        } else {
            Some(field.to_owned())
        }
    }

    /// Media ranges that are not `text/csv`, some of them close to it.
    const OTHER_TYPES: [&str; 9] = [
        "application/json",
        "*/*",
        "text/*",
        "text/csvx",
        "text/cs",
        "application/csv",
        "text/plain",
        "csv",
        "text/csv2",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

        /// CSV is answered exactly when an `Accept` value lists `text/csv`,
        /// in any case, with parameters (`;q=0.9`, `;charset=utf-8`) and
        /// spaces, among any other media ranges, in one `Accept` header or
        /// several.
        #[test]
        fn csv_is_answered_exactly_when_accept_lists_text_csv(
            others in prop::collection::vec((select(OTHER_TYPES.to_vec()), select(vec!["", ";q=0.5", "; charset=utf-8", " ;q=1"])), 0..5),
            csv in prop::option::of((any::<u64>(), select(vec!["", ";q=0.9", "; charset=utf-8", ";header=present"]), " {0,2}", " {0,2}")),
            at in any::<Index>(),
            split in any::<bool>(),
        ) {
            let mut ranges: Vec<String> = others.iter().map(|(t, p)| format!("{t}{p}")).collect();
            if let Some((mask, params, before, after)) = &csv {
                let cased: String = "text/csv".chars().enumerate().map(|(i, c)| if (mask >> i) & 1 == 1 { c.to_ascii_uppercase() } else { c }).collect();
                ranges.insert(at.index(ranges.len() + 1), format!("{before}{cased}{params}{after}"));
            }
            let mut headers = HeaderMap::new();
            if split && ranges.len() > 1 {
                let (a, b) = ranges.split_at(ranges.len() / 2);
                headers.append(header::ACCEPT, HeaderValue::from_str(&a.join(", ")).unwrap());
                headers.append(header::ACCEPT, HeaderValue::from_str(&b.join(", ")).unwrap());
            } else {
                headers.insert(header::ACCEPT, HeaderValue::from_str(&ranges.join(", ")).unwrap());
            }
            prop_assert_eq!(wants_csv(&headers), csv.is_some(), "{:?}", headers);
        }

        /// No `Accept` header, whatever its bytes, makes `wants_csv` panic.
        #[test]
        fn wants_csv_never_panics(bytes in prop::collection::vec(prop_oneof![0x20u8..=0x7e, 0x80u8..=0xff], 0..60)) {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT, HeaderValue::from_bytes(&bytes).unwrap());
            let _ = wants_csv(&headers);
        }

        /// Any text put in a CSV field reads back, through a CSV reader, as
        /// itself, with an apostrophe before it when it begins like a
        /// spreadsheet formula (`=`, `+`, `-`, `@`, tab, CR), so a field
        /// never runs as one.
        #[test]
        fn a_csv_field_reads_back_as_its_text_made_inert(text in prop_oneof![
            "(?s:.{0,40})",
            "[=+@\t\r,\"\n-][a-z,\"\n =]{0,10}",
        ]) {
            let read = read_field(&text_field(&text)).unwrap();
            let inert = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.clone() };
            prop_assert_eq!(&read, &inert);
            prop_assert!(!read.starts_with(['=', '+', '-', '@', '\t', '\r']));
        }
    }
}
