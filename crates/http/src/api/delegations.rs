//! Delegations (issue 23): a home cluster's admin asks for stays for a
//! group of its members at one site and range (`POST /api/v1/delegations`,
//! all or nothing); the host answers once (`POST
//! /api/v1/delegations/{id}/approve` or `/decline`); each member's stay is
//! their own (cancelled with the stay's own route).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use deskvisa_rules::{MemberId, SiteId, parse_date};
use deskvisa_service::{Delegation, DelegationInput, GroupAnswer, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::dto::{ProblemBody, Stay};
use crate::api::responses::{Malformed, NotFound, Unauthenticated};
use crate::api::stays::{ReasonBody, reason};
use crate::extract::{ApiJson, Authenticated, MaybeJson};
use crate::problem::Problem;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(request_delegation))
        .routes(routes!(read_delegation))
        .routes(routes!(approve_delegation))
        .routes(routes!(decline_delegation))
}

/// The longest purpose accepted, in characters.
pub(crate) const MAX_PURPOSE_CHARS: usize = 1000;

/// A delegation as asked for.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DelegationBody {
    /// The host site.
    site_id: String,
    /// First date, `YYYY-MM-DD`, in the site's zone.
    start_date: String,
    /// Last date, included.
    end_date: String,
    /// Why the group comes (at most 1000 characters).
    #[serde(default)]
    purpose: Option<String>,
    /// Who: 2 to 20 members of the caller's cluster, each once.
    member_ids: Vec<String>,
}

/// A delegation: one request for a group, a stay for each member.
#[derive(Debug, Serialize, ToSchema)]
pub struct DelegationView {
    pub id: Uuid,
    /// The cluster that sends the group.
    pub home_cluster_id: Uuid,
    /// The host.
    pub host_cluster_id: Uuid,
    /// The site.
    pub site_id: Uuid,
    /// First date.
    pub start_date: NaiveDate,
    /// Last date, included.
    pub end_date: NaiveDate,
    /// Why the group comes.
    pub purpose: String,
    /// The home admin who asked.
    pub requested_by: Option<Uuid>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Each member's own stay, in the order named.
    pub stays: Vec<Stay>,
}

impl DelegationView {
    fn new(d: &Delegation) -> Self {
        DelegationView {
            id: d.row.id,
            home_cluster_id: d.row.home_cluster.as_uuid(),
            host_cluster_id: d.row.host_cluster.as_uuid(),
            site_id: d.row.site.as_uuid(),
            start_date: d.row.start_date,
            end_date: d.row.end_date,
            purpose: d.row.purpose.clone(),
            requested_by: d.row.requested_by.map(|m| m.as_uuid()),
            created_at: d.row.created_at,
            stays: d.stays.iter().map(|s| Stay::new(s, false)).collect(),
        }
    }
}

fn delegation_id(text: &str) -> Result<Uuid, Problem> {
    Uuid::parse_str(text).map_err(|_| Problem::not_found())
}

fn date(field: &str, text: &str) -> Result<NaiveDate, Problem> {
    parse_date(text).map_err(|e| Problem::malformed(format!("{field}: {e}")))
}

/// A home cluster's admin asks for stays for 2 to 20 of its members.
///
/// All or nothing, in one transaction: each member is judged by every rule
/// as their own request would be (the desks of the others counted), and
/// the desks of all are taken, or none. Each member gets their own stay and
/// emails; the host's admins get one email and answer once for the group.
#[utoipa::path(
    post, path = "/api/v1/delegations", tag = "stays", security(("bearer" = [])),
    request_body = DelegationBody,
    responses(
        (status = 201, description = "The delegation with each member's stay", body = DelegationView),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: only an admin of the members' cluster asks", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such site", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`delegation_refused` with `members`: each refused member's `member_id` and `violations` (a want of desks is the violation `no_capacity` with `full_dates`); nothing is written", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn request_delegation(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<DelegationBody>,
) -> Result<Response, Problem> {
    let site = SiteId::parse(&body.site_id).map_err(|e| Problem::malformed(format!("site_id: {e}")))?;
    let members = body
        .member_ids
        .iter()
        .map(|m| MemberId::parse(m).map_err(|e| Problem::malformed(format!("member_ids: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    let purpose =
        crate::input::optional_text("purpose", body.purpose.as_deref().unwrap_or_default(), MAX_PURPOSE_CHARS)?;
    let input = DelegationInput {
        site,
        start_date: date("start_date", &body.start_date)?,
        end_date: date("end_date", &body.end_date)?,
        purpose,
        members,
    };
    let delegation = service.request_delegation(&caller, &input).await?;
    Ok((StatusCode::CREATED, Json(DelegationView::new(&delegation))).into_response())
}

/// A delegation: for its home cluster's and host's admins, network admins
/// and its members.
#[utoipa::path(
    get, path = "/api/v1/delegations/{id}", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The delegation's id")),
    responses((status = 200, description = "The delegation", body = DelegationView), Unauthenticated, NotFound)
)]
async fn read_delegation(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let delegation = service.delegation(&caller, delegation_id(&id)?).await?;
    Ok(Json(DelegationView::new(&delegation)).into_response())
}

/// The host approves the group: every member's stay still pending.
#[utoipa::path(
    post, path = "/api/v1/delegations/{id}/approve", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The delegation's id")),
    responses(
        (status = 200, description = "The delegation, answered", body = DelegationView),
        Unauthenticated,
        (status = 403, description = "`forbidden`: visible, but not yours to decide", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_pending`: no member's stay waits for an answer", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn approve_delegation(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    let delegation = service.answer_delegation(&caller, delegation_id(&id)?, GroupAnswer::Approve).await?;
    Ok(Json(DelegationView::new(&delegation)).into_response())
}

/// The host declines the group, with a reason each member reads.
#[utoipa::path(
    post, path = "/api/v1/delegations/{id}/decline", tag = "stays", security(("bearer" = [])),
    request_body = ReasonBody,
    params(("id" = String, Path, description = "The delegation's id")),
    responses(
        (status = 200, description = "The delegation, answered", body = DelegationView),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: visible, but not yours to decide", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_pending`: no member's stay waits for an answer", body = ProblemBody, content_type = "application/problem+json"),
        (status = 422, description = "`reason_required`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn decline_delegation(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    MaybeJson(body): MaybeJson<ReasonBody>,
) -> Result<Response, Problem> {
    let reason = reason(body)?
        .ok_or_else(|| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "reason_required", "a decline needs a reason"))?;
    let delegation = service.answer_delegation(&caller, delegation_id(&id)?, GroupAnswer::Decline(reason)).await?;
    Ok(Json(DelegationView::new(&delegation)).into_response())
}
