//! The firm directory's routes (issue 21): the vocabulary of fields of ICT
//! work that firms offer and seek (each named in every language deskvisa
//! speaks, for clients that build tag pickers), the directory's search, a
//! firm, and a cluster's admins and a firm's contact keeping its profile.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use deskvisa_rules::{ClusterId, Continent, Country, FieldTag, FirmId, Locale, SearchTerms, Tags};
use deskvisa_service::{Caller, FirmQuery, FirmRecord, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::api::admin::bad;
use crate::api::dto::ProblemBody;
use crate::api::paging::{Paging, shown};
use crate::api::responses::{Forbidden, Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, id};
use crate::input::{FirmPatchRequest, FirmRequest};
use crate::problem::Problem;
use crate::query::ApiQuery;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(field_tags))
        .routes(routes!(search_firms))
        .routes(routes!(firm, update_firm))
        .routes(routes!(create_firm))
}

/// A firm of a cluster, as the directory shows it.
#[derive(Debug, Serialize, ToSchema)]
#[allow(missing_docs, reason = "fields the names say all of")]
pub struct Firm {
    pub id: Uuid,
    /// Its cluster.
    pub cluster_id: Uuid,
    pub name: String,
    /// Its web site.
    pub website: Option<String>,
    /// What it does.
    pub about: String,
    /// What it offers: tags of the vocabulary, then its own.
    pub offers: Vec<String>,
    /// What it looks for.
    pub seeks: Vec<String>,
    /// ISO 639-1 codes of the languages it works in.
    pub languages: Vec<&'static str>,
    /// Its city.
    pub city: String,
    /// It agrees to be asked for introductions by visitors.
    pub open_to_visitors: bool,
    /// It has a contact who answers introductions.
    pub has_contact: bool,
    /// The contact's member id: shown only to the firm's own cluster and
    /// network admins (a visitor learns who the contact is when an
    /// introduction is accepted).
    pub contact_member_id: Option<Uuid>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

impl Firm {
    /// From the record, as `caller` may see it.
    pub fn new(f: &FirmRecord, caller: &Caller) -> Self {
        let p = &f.profile;
        let insider = caller.network_admin || caller.cluster == Some(f.cluster);
        Firm {
            id: f.id.as_uuid(),
            cluster_id: f.cluster.as_uuid(),
            name: p.name.clone(),
            website: p.website.as_ref().map(|w| w.as_str().to_owned()),
            about: p.about.as_str().to_owned(),
            offers: p.interests.offers.texts(),
            seeks: p.interests.seeks.texts(),
            languages: p.languages.iter().map(|l| l.as_str()).collect(),
            city: p.city.clone(),
            open_to_visitors: p.open_to_visitors,
            has_contact: p.contact.is_some(),
            contact_member_id: p.contact.filter(|_| insider).map(|m| m.as_uuid()),
            updated_at: f.updated_at,
        }
    }
}

/// A page of the directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct FirmList {
    /// Ranked: names holding every word first, then tags, then the rest; each by name.
    pub items: Vec<Firm>,
    /// The cursor of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// What the directory is searched for.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct DirectoryQuery {
    /// Words (at most 8, 200 characters): each must begin a word of the
    /// firm's name, tags or about; `clou` finds `cloud`.
    q: Option<String>,
    /// A tag the firm offers or seeks (a tag of the vocabulary, or a free tag).
    tag: Option<String>,
    /// The country of the firm's cluster (ISO 3166-1 alpha-2).
    country: Option<String>,
    /// The continent of the firm's cluster: `europe`, `asia`, `africa`,
    /// `north_america`, `south_america`, `oceania`.
    continent: Option<String>,
    /// The firm's cluster.
    cluster_id: Option<String>,
    /// 1 to 200 (default 50).
    limit: Option<u64>,
    /// The `next_cursor` of the page before.
    cursor: Option<String>,
}

impl DirectoryQuery {
    fn parse(&self) -> Result<FirmQuery, Problem> {
        let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let terms = match given(&self.q) {
            Some(q) => SearchTerms::parse(&q).map_err(|e| Problem::malformed(e.to_string()))?,
            None => None,
        };
        let tag = match given(&self.tag) {
            Some(t) => Some(
                Tags::parse([t.as_str()]).map_err(|e| bad("tag", e))?.texts().into_iter().next().unwrap_or_default(),
            ),
            None => None,
        };
        Ok(FirmQuery {
            terms,
            tag,
            country: given(&self.country).map(|c| Country::parse(&c).map_err(|e| bad("country", e))).transpose()?,
            continent: given(&self.continent)
                .map(|c| Continent::parse(&c).map_err(|e| bad("continent", e)))
                .transpose()?,
            // A query's malformed id is a malformed request (a path's is 404).
            cluster: given(&self.cluster_id)
                .map(|c| ClusterId::parse(&c).map_err(|e| bad("cluster_id", e)))
                .transpose()?,
        })
    }
}

/// The directory: firms of the network's active clusters, searched in the
/// database's own full-text engine. Members of active clusters and network
/// staff see it.
#[utoipa::path(
    get, path = "/api/v1/firms", tag = "firms", security(("bearer" = [])),
    params(DirectoryQuery),
    responses(
        (status = 200, description = "A page of firms, ranked", body = FirmList),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: the caller's home cluster is not active", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn search_firms(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    ApiQuery(query): ApiQuery<DirectoryQuery>,
) -> Result<Json<FirmList>, Problem> {
    let firms = query.parse()?;
    let page = Paging { limit: query.limit, cursor: query.cursor.clone() }.request(FirmId::parse)?;
    let (items, next_cursor) = shown(service.search_firms(&caller, firms, page).await?, |f| Firm::new(f, &caller));
    Ok(Json(FirmList { items, next_cursor }))
}

/// A firm of the directory.
#[utoipa::path(
    get, path = "/api/v1/firms/{id}", tag = "firms", security(("bearer" = [])),
    params(("id" = String, Path, description = "The firm's id")),
    responses(
        (status = 200, description = "The firm", body = Firm),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: the caller's home cluster is not active", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
    )
)]
async fn firm(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(firm): Path<String>,
) -> Result<Json<Firm>, Problem> {
    let firm = id(&firm, FirmId::parse)?;
    Ok(Json(Firm::new(&service.firm(&caller, firm).await?, &caller)))
}

/// A cluster's admins (and network admins) add a firm of the cluster.
#[utoipa::path(
    post, path = "/api/v1/clusters/{id}/firms", tag = "firms", security(("bearer" = [])),
    params(("id" = String, Path, description = "The cluster's id")),
    request_body = FirmRequest,
    responses(
        (status = 201, description = "The firm", body = Firm),
        Malformed,
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 409, description = "`firm_name_taken`: the cluster has a firm of that name, ignoring case", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn create_firm(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(cluster): Path<String>,
    ApiJson(body): ApiJson<FirmRequest>,
) -> Result<Response, Problem> {
    let cluster = id(&cluster, ClusterId::parse)?;
    let profile = body.parse()?;
    let firm = service.create_firm(&caller, cluster, profile).await?;
    Ok((StatusCode::CREATED, Json(Firm::new(&firm, &caller))).into_response())
}

/// The firm's contact and its cluster's admins change its profile: any
/// subset of its fields.
#[utoipa::path(
    patch, path = "/api/v1/firms/{id}", tag = "firms", security(("bearer" = [])),
    params(("id" = String, Path, description = "The firm's id")),
    request_body = FirmPatchRequest,
    responses(
        (status = 200, description = "The firm", body = Firm),
        Malformed,
        Unauthenticated,
        (status = 403, description = "`forbidden`: neither the firm's contact nor its cluster's admin", body = ProblemBody, content_type = "application/problem+json"),
        NotFound,
        (status = 409, description = "`firm_name_taken`", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn update_firm(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(firm): Path<String>,
    ApiJson(body): ApiJson<FirmPatchRequest>,
) -> Result<Json<Firm>, Problem> {
    let firm = id(&firm, FirmId::parse)?;
    let patch = body.parse()?;
    Ok(Json(Firm::new(&service.update_firm(&caller, firm, patch).await?, &caller)))
}

/// A field's name in each language.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldNames {
    /// English.
    en: &'static str,
    /// Polish.
    pl: &'static str,
}

/// One field of the vocabulary.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldTagBody {
    /// The tag as firms' `offers` and `seeks` spell it, e.g. `cybersecurity`.
    tag: &'static str,
    /// What it is called.
    names: FieldNames,
}

/// The whole vocabulary, in the order it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct FieldTagList {
    /// Every field.
    items: Vec<FieldTagBody>,
    /// Free tags (outside the vocabulary) a firm may add to each list.
    max_free_tags: usize,
}

/// The fields of ICT work firms offer and seek: a firm's `offers` and
/// `seeks` hold these tags and at most `max_free_tags` of its own.
#[utoipa::path(
    get, path = "/api/v1/firms/tags", tag = "firms", security(("bearer" = [])),
    responses(
        (status = 200, description = "The vocabulary", body = FieldTagList),
        Unauthenticated,
    )
)]
async fn field_tags(Authenticated(_): Authenticated) -> Json<FieldTagList> {
    let items = FieldTag::ALL
        .iter()
        .map(|tag| FieldTagBody {
            tag: tag.as_str(),
            names: FieldNames {
                en: deskvisa_words::field_name(Locale::En, *tag),
                pl: deskvisa_words::field_name(Locale::Pl, *tag),
            },
        })
        .collect();
    Json(FieldTagList { items, max_free_tags: deskvisa_rules::Tags::MAX_FREE })
}
