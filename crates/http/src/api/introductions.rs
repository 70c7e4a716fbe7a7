//! The routes of a visit's meetings (issue 21): a visitor asks to be
//! introduced to a host's firm, its contact accepts or declines, both list
//! theirs; the firms suggested to a stay; and who is visiting a cluster.
//!
//! What each party sees of the other follows the introduction's status:
//! until the contact accepts, nothing of the contact (name, address) is in
//! any answer to the visitor; after, both have each other's address.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{ClusterId, FirmId, IntroductionId, IntroductionStatus, Note, StayId};
use deskvisa_service::{Caller, IntroductionAnswer, IntroductionRecord, Service, Suggestion, VisitorWithFirm};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::admin::bad;
use crate::api::dto::ProblemBody;
use crate::api::firms::Firm;
use crate::api::responses::{Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, id};
use crate::input::date;
use crate::problem::Problem;
use crate::query::ApiQuery;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(ask_introduction))
        .routes(routes!(accept_introduction))
        .routes(routes!(decline_introduction))
        .routes(routes!(my_introductions))
        .routes(routes!(suggested_firms))
        .routes(routes!(cluster_visitors))
}

/// A person of an introduction, as the viewer may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroductionParty {
    /// Their name.
    pub name: String,
    /// Their firm.
    pub firm: String,
    /// Their home cluster.
    pub cluster: String,
    /// Their address: only once the introduction is accepted.
    pub email: Option<String>,
}

/// An introduction, as its visitor or its contact sees it.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Introduction {
    pub id: Uuid,
    /// `sent` (the viewer is the visitor) or `received` (the viewer is the firm's contact).
    pub role: &'static str,
    /// `pending`, `accepted`, `declined` or `lapsed`.
    pub status: &'static str,
    pub stay_id: Uuid,
    /// The host's firm asked.
    pub firm_id: Uuid,
    pub firm_name: String,
    /// The visitor's note to the firm.
    pub note: String,
    /// Where and when the visit is.
    pub site_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    /// The visitor (to the contact).
    pub visitor: Option<IntroductionParty>,
    /// The firm's contact (to the visitor): null until accepted.
    pub contact: Option<IntroductionParty>,
}

impl Introduction {
    /// The introduction as `caller` (its visitor or its contact) may see it.
    pub fn new(i: &IntroductionRecord, caller: &Caller) -> Self {
        let sent = i.visitor.member == caller.member;
        let accepted = i.status == IntroductionStatus::Accepted;
        let party = |p: &deskvisa_service::Party| IntroductionParty {
            name: p.name.clone(),
            firm: p.firm_name.clone(),
            cluster: p.cluster_name.clone(),
            email: accepted.then(|| p.email.clone()),
        };
        Introduction {
            id: i.id.as_uuid(),
            role: if sent { "sent" } else { "received" },
            status: i.status.as_str(),
            stay_id: i.stay.as_uuid(),
            firm_id: i.firm.as_uuid(),
            firm_name: i.contact.firm_name.clone(),
            note: i.note.clone(),
            site_name: i.site_name.clone(),
            start_date: i.start_date,
            end_date: i.end_date,
            created_at: i.created_at,
            answered_at: i.answered_at,
            visitor: (!sent).then(|| party(&i.visitor)),
            contact: (sent && accepted).then(|| party(&i.contact)),
        }
    }
}

/// The caller's introductions.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroductionList {
    /// Newest first, sent and received (at most 200).
    pub items: Vec<Introduction>,
    /// Always null.
    pub next_cursor: Option<String>,
}

/// Whom to meet, and a word to them.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct IntroductionBody {
    /// A firm of the stay's host cluster, open to visitors.
    #[schema(format = Uuid)]
    firm_id: String,
    /// Why the visitor would like to meet (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    note: Option<String>,
}

const REFUSALS: &str = "`stay_not_approved`, `stay_over`, `introductions_limit_reached` (ten a stay), \
    `introduction_already_asked`";

/// The stay's member asks to be introduced to a firm of the host; its
/// contact is emailed, in their language, with a link to answer.
#[utoipa::path(
    post, path = "/api/v1/stays/{id}/introductions", tag = "introductions", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    request_body = IntroductionBody,
    responses(
        (status = 201, description = "The introduction, pending", body = Introduction),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: not the stay's member", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = REFUSALS, body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`firm_not_of_host`, `firm_not_open_to_visitors`, `own_firm`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn ask_introduction(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
    ApiJson(body): ApiJson<IntroductionBody>,
) -> Result<Response, Problem> {
    let stay = id(&stay, StayId::parse)?;
    let firm = id(&body.firm_id, FirmId::parse)?;
    let note = Note::parse(body.note.as_deref().unwrap_or("")).map_err(|e| bad("note", e))?;
    let intro = service.ask_introduction(&caller, stay, firm, note).await?;
    Ok((StatusCode::CREATED, Json(Introduction::new(&intro, &caller))).into_response())
}

async fn answer(
    service: &Service,
    caller: &Caller,
    intro: &str,
    answer: IntroductionAnswer,
) -> Result<Json<Introduction>, Problem> {
    let intro = id(intro, IntroductionId::parse)?;
    Ok(Json(Introduction::new(&service.answer_introduction(caller, intro, answer).await?, caller)))
}

/// The firm's contact accepts: both are emailed the other's name, firm and
/// address, with the stay's site and dates.
#[utoipa::path(
    post, path = "/api/v1/introductions/{id}/accept", tag = "introductions", security(("bearer" = [])),
    params(("id" = String, Path, description = "The introduction's id")),
    responses(
        (status = 200, description = "The introduction, accepted", body = Introduction),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: the visitor, who does not answer their own request", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`introduction_answered`: answered already, or lapsed", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn accept_introduction(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(intro): Path<String>,
) -> Result<Json<Introduction>, Problem> {
    answer(&service, &caller, &intro, IntroductionAnswer::Accept).await
}

/// The firm's contact declines: the visitor is told politely, with no reason.
#[utoipa::path(
    post, path = "/api/v1/introductions/{id}/decline", tag = "introductions", security(("bearer" = [])),
    params(("id" = String, Path, description = "The introduction's id")),
    responses(
        (status = 200, description = "The introduction, declined", body = Introduction),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: the visitor", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`introduction_answered`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn decline_introduction(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(intro): Path<String>,
) -> Result<Json<Introduction>, Problem> {
    answer(&service, &caller, &intro, IntroductionAnswer::Decline).await
}

/// The introductions the caller asked for and was asked, newest first.
#[utoipa::path(
    get, path = "/api/v1/me/introductions", tag = "introductions", security(("bearer" = [])),
    responses(
        (status = 200, description = "Sent and received", body = IntroductionList),
        Unauthenticated,
    )
)]
async fn my_introductions(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
) -> Result<Json<IntroductionList>, Problem> {
    let items = service.my_introductions(&caller).await?.iter().map(|i| Introduction::new(i, &caller)).collect();
    Ok(Json(IntroductionList { items, next_cursor: None }))
}

/// A firm suggested to a stay.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedFirm {
    /// The host's firm.
    pub firm: Firm,
    /// Tags the visitor's firm seeks that this one offers, and the other way round.
    pub affinity: usize,
    /// The stay has asked this firm already.
    pub asked: bool,
}

/// Firms suggested to a stay.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestedFirmList {
    /// Best met first (at most five).
    pub items: Vec<SuggestedFirm>,
}

/// Up to five firms of the stay's host, open to visitors, ranked by how what
/// the visitor's firm seeks meets what they offer, and the other way round.
#[utoipa::path(
    get, path = "/api/v1/stays/{id}/suggested-firms", tag = "introductions", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The suggestions", body = SuggestedFirmList),
        Malformed,
        Unauthenticated,
        NotFound,
    )
)]
async fn suggested_firms(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
) -> Result<Json<SuggestedFirmList>, Problem> {
    let stay = id(&stay, StayId::parse)?;
    let items = service
        .suggested_firms(&caller, stay)
        .await?
        .iter()
        .map(|s: &Suggestion| SuggestedFirm { firm: Firm::new(&s.firm, &caller), affinity: s.affinity, asked: s.asked })
        .collect();
    Ok(Json(SuggestedFirmList { items }))
}

/// A visitor to the cluster, with their firm.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct ClusterVisitor {
    pub stay_id: Uuid,
    pub member_id: Uuid,
    pub name: String,
    /// Their firm (or company).
    pub company: String,
    pub home_cluster_id: Uuid,
    pub home_cluster_name: String,
    pub site_id: Uuid,
    pub site_name: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Their firm's profile, when they belong to one.
    pub firm: Option<Firm>,
}

/// Who is visiting.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClusterVisitorList {
    /// By first day, then name (at most 500).
    pub items: Vec<ClusterVisitor>,
}

/// A window of days.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct VisitorWindow {
    /// First day, `YYYY-MM-DD` (default: today).
    from: Option<String>,
    /// Last day (default: six days on; at most 62 days in all).
    to: Option<String>,
}

/// Who visits the cluster between two days: for its members, the approved
/// visitors who agreed to be seen (`open_to_meet`), with their firm and its
/// tags; its admins and network admins see every approved visitor.
#[utoipa::path(
    get, path = "/api/v1/clusters/{id}/visitors", tag = "introductions", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id"), VisitorWindow),
    responses(
        (status = 200, description = "The visitors", body = ClusterVisitorList),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: not a member of the cluster", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
    )
)]
async fn cluster_visitors(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiQuery(window): ApiQuery<VisitorWindow>,
) -> Result<Json<ClusterVisitorList>, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let from = window.from.as_deref().map(|d| date("from", d)).transpose()?;
    let to = window.to.as_deref().map(|d| date("to", d)).transpose()?;
    let items = service
        .cluster_visitors(&caller, cluster, from, to)
        .await?
        .iter()
        .map(|VisitorWithFirm { visitor: v, firm }| ClusterVisitor {
            stay_id: v.stay.as_uuid(),
            member_id: v.member.as_uuid(),
            name: v.name.clone(),
            company: v.company.clone(),
            home_cluster_id: v.home_cluster.as_uuid(),
            home_cluster_name: v.home_cluster_name.clone(),
            site_id: v.site.as_uuid(),
            site_name: v.site_name.clone(),
            start_date: v.start_date,
            end_date: v.end_date,
            firm: firm.as_ref().map(|f| Firm::new(f, &caller)),
        })
        .collect();
    Ok(Json(ClusterVisitorList { items }))
}
