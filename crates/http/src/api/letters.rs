//! Invitation letters (issue 22): the member of an approved stay makes a
//! letter naming them as in their passport and downloads its PDF; a
//! cluster's admins write its letterhead (postal address, who signs);
//! anyone holding a letter's code checks it at `/verify/{code}` (see
//! `crate::verify`) without signing in.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use deskvisa_rules::{ClusterId, MemberId, PassportName, StayId};
use deskvisa_service::{LetterMade, LetterheadView, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::admin::bad;
use crate::api::dto::ProblemBody;
use crate::api::responses::{Forbidden, Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, id};
use crate::problem::Problem;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(make_letter))
        .routes(routes!(letter_pdf))
        .routes(routes!(letterhead, save_letterhead))
}

/// Who the letter names.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LetterBody {
    /// The visitor's full name exactly as in their passport (2 to 100
    /// characters: letters of any script, spaces, hyphens, apostrophes,
    /// full stops). Kept only with the letter.
    #[schema(min_length = 2, max_length = 100)]
    passport_name: String,
}

/// A letter just made.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterRecord {
    /// The letter's id.
    pub id: Uuid,
    /// Its stay.
    pub stay_id: Uuid,
    /// The verification code, printed on the letter (32 hexadecimal digits).
    pub code: String,
    /// Where anyone checks the letter, without signing in (the QR code's URL).
    pub verify_url: String,
    /// Where its member downloads the PDF.
    pub pdf_url: String,
    /// The languages of its pages: `en`, then the host's own where deskvisa speaks it.
    pub languages: Vec<String>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

impl From<LetterMade> for LetterRecord {
    fn from(made: LetterMade) -> Self {
        LetterRecord {
            id: made.id,
            stay_id: made.stay.as_uuid(),
            pdf_url: format!("/api/v1/stays/{}/letter.pdf", made.stay.as_uuid()),
            code: made.code.as_str().to_owned(),
            verify_url: made.verify_url,
            languages: made.languages.iter().map(|l| l.as_str().to_owned()).collect(),
            created_at: made.created_at,
        }
    }
}

/// The stay's member makes its invitation letter: a PDF from the host
/// cluster, in English and the host's language where deskvisa speaks it,
/// with a verification code and its QR code. An earlier letter of the stay
/// is replaced (its code then says so).
#[utoipa::path(
    post, path = "/api/v1/stays/{id}/letter", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    request_body = LetterBody,
    responses(
        (status = 201, description = "The letter", body = LetterRecord),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: not the stay's member", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`stay_not_approved` (pending, called off, or no-show), `stay_over`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn make_letter(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
    ApiJson(body): ApiJson<LetterBody>,
) -> Result<Response, Problem> {
    let stay = id(&stay, StayId::parse)?;
    let name = PassportName::parse(&body.passport_name).map_err(|e| Problem::malformed(e.to_string()))?;
    let made = service.make_letter(&caller, stay, name).await?;
    Ok((StatusCode::CREATED, Json(LetterRecord::from(made))).into_response())
}

/// The PDF of the stay's current letter, for its member, while the stay is
/// approved and not over.
#[utoipa::path(
    get, path = "/api/v1/stays/{id}/letter.pdf", tag = "stays", security(("bearer" = [])),
    params(("id" = String, Path, description = "The stay's id")),
    responses(
        (status = 200, description = "The letter", body = Vec<u8>, content_type = "application/pdf"),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: not the stay's member", body = ProblemBody, content_type = "application/problem+json"),
        (status = 404, description = "`not_found`: no such stay, or no letter made for it yet", body = ProblemBody, content_type = "application/problem+json"),
        (status = 409, description = "`stay_not_approved`, `stay_over`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn letter_pdf(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(stay): Path<String>,
) -> Result<Response, Problem> {
    let stay = id(&stay, StayId::parse)?;
    let (pdf, name) = service.letter_pdf(&caller, stay).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            // It names a person: no shared cache keeps it.
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        pdf,
    )
        .into_response())
}

/// What a cluster's letters say of the host.
#[derive(Debug, Serialize, ToSchema)]
pub struct LetterheadBody {
    /// The postal address, one line per line.
    pub address: String,
    /// The admin who signs; null: the admin who approved the stay signs
    /// (or, for a stay approved by the policy, the first admin).
    pub signatory_member_id: Option<Uuid>,
}

/// A cluster's letterhead to write.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LetterheadRequest {
    /// The postal address (at most 300 characters, lines kept).
    #[schema(max_length = 300)]
    address: String,
    /// One of the cluster's admins, or null.
    #[serde(default)]
    #[schema(format = Uuid)]
    signatory_member_id: Option<String>,
}

impl From<LetterheadView> for LetterheadBody {
    fn from(view: LetterheadView) -> Self {
        LetterheadBody { address: view.address, signatory_member_id: view.signatory.map(|m| m.as_uuid()) }
    }
}

/// The cluster's letterhead, for its admins and network admins.
#[utoipa::path(
    get, path = "/api/v1/clusters/{id}/letterhead", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    responses(
        (status = 200, description = "The letterhead", body = LetterheadBody),
        Malformed,
        Unauthenticated,
        Forbidden,
        NotFound,
    )
)]
async fn letterhead(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
) -> Result<Json<LetterheadBody>, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    Ok(Json(service.letterhead(&caller, cluster).await?.into()))
}

/// Writes the cluster's letterhead: its postal address, and which of its
/// admins signs its invitation letters.
#[utoipa::path(
    put, path = "/api/v1/clusters/{id}/letterhead", tag = "members", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    request_body = LetterheadRequest,
    responses(
        (status = 200, description = "The letterhead", body = LetterheadBody),
        Malformed,
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 422, description = "`signatory_not_admin`: the signatory is not one of the cluster's admins", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn save_letterhead(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<LetterheadRequest>,
) -> Result<Json<LetterheadBody>, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let address = crate::input::letterhead_address(&body.address).map_err(|e| bad("address", e))?;
    let signatory = body.signatory_member_id.as_deref().map(|s| id(s, MemberId::parse)).transpose()?;
    Ok(Json(service.save_letterhead(&caller, cluster, address, signatory).await?.into()))
}
