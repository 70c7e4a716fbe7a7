//! A site's face (issue 22): its arrival pack (`GET`/`PUT
//! /api/v1/sites/{id}/arrival`) and its one photo (`PUT`/`DELETE
//! /api/v1/sites/{id}/photo`, served re-encoded at `photo.jpg` and
//! `thumbnail.jpg` with an `ETag` and cache headers).

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use deskvisa_rules::{Amenity, ArrivalPack, OpeningHours, Phone, SiteId, arrival_text, parse_amenities, parse_hours};
use deskvisa_service::{MAX_PHOTO_BYTES, Service};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::api::dto::ProblemBody;
use crate::api::responses::{Forbidden, Malformed, NotFound, Unauthenticated};
use crate::extract::{ApiJson, Authenticated, id};
use crate::problem::Problem;

pub(crate) fn routes() -> OpenApiRouter<Service> {
    OpenApiRouter::new()
        .routes(routes!(arrival, save_arrival))
        // An upload may be 5 MB, more than any other body.
        .routes(routes!(upload_photo, remove_photo).layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 1)))
        .routes(routes!(photo))
        .routes(routes!(thumbnail))
}

const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// What a visitor needs on arriving; every field may be empty.
#[derive(Debug, Serialize, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ArrivalBody {
    /// Opening hours by weekday (`mon` … `sun`): `"08:00-18:00"`, or
    /// null, empty or missing for closed.
    #[serde(default)]
    #[schema(value_type = BTreeMap<String, Option<String>>)]
    pub opening_hours: BTreeMap<String, Option<String>>,
    /// How to get in: the entrance, the reception (at most 1,000 characters).
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub access: String,
    /// Whom to ask on site (at most 100 characters).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub contact_name: String,
    /// Their phone: 6 to 15 digits with `+ ( ) - .` or spaces; empty for none.
    #[serde(default)]
    #[schema(max_length = 30)]
    pub contact_phone: String,
    /// How to get on the Wi-Fi (at most 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub wifi: String,
    /// The nearest public transport (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub transport: String,
    /// Steps, lifts, toilets (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub accessibility: String,
    /// From `phone_booths`, `meeting_room`, `kitchen`, `coffee`, `showers`,
    /// `bike_parking`, `car_parking`, `step_free_access`, `accessible_toilet`,
    /// `lockers`, `printer`, `quiet_zone`.
    #[serde(default)]
    pub amenities: Vec<String>,
}

impl ArrivalBody {
    /// The pack as the API shows it.
    pub fn of(pack: &ArrivalPack) -> Self {
        let opening_hours = WEEKDAYS
            .iter()
            .zip(pack.hours.0.iter())
            .map(|(day, h)| {
                ((*day).to_owned(), h.map(|h| format!("{}-{}", h.opens.format("%H:%M"), h.closes.format("%H:%M"))))
            })
            .collect();
        ArrivalBody {
            opening_hours,
            access: pack.access.clone(),
            contact_name: pack.contact_name.clone(),
            contact_phone: pack.contact_phone.as_ref().map(|p| p.as_str().to_owned()).unwrap_or_default(),
            wifi: pack.wifi.clone(),
            transport: pack.transport.clone(),
            accessibility: pack.accessibility.clone(),
            amenities: pack.amenities.iter().map(|a: &Amenity| a.as_str().to_owned()).collect(),
        }
    }

    /// The pack as typed, each part through the rules' one parser; the
    /// first part that cannot be, as its message.
    pub fn parse(&self) -> Result<ArrivalPack, String> {
        let mut hours = OpeningHours::default();
        for (day, text) in &self.opening_hours {
            let i = WEEKDAYS
                .iter()
                .position(|d| d == day)
                .ok_or_else(|| format!("opening_hours: `{day}` is not mon … sun"))?;
            hours.0[i] = parse_hours(text.as_deref().unwrap_or("")).map_err(|e| format!("{e} ({day})"))?;
        }
        let text = |field, value: &str, max| arrival_text(field, value, max).map_err(|e| e.to_string());
        Ok(ArrivalPack {
            hours,
            access: text("access", &self.access, ArrivalPack::MAX_ACCESS)?,
            contact_name: text("contact_name", &self.contact_name, ArrivalPack::MAX_CONTACT_NAME)?,
            contact_phone: Phone::parse(&self.contact_phone).map_err(|e| e.to_string())?,
            wifi: text("wifi", &self.wifi, ArrivalPack::MAX_WIFI)?,
            transport: text("transport", &self.transport, ArrivalPack::MAX_TRANSPORT)?,
            accessibility: text("accessibility", &self.accessibility, ArrivalPack::MAX_ACCESSIBILITY)?,
            amenities: parse_amenities(self.amenities.iter().map(String::as_str)).map_err(|e| e.to_string())?,
        })
    }
}

/// The site's arrival pack, for every signed-in member.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}/arrival", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    responses((status = 200, description = "The arrival pack", body = ArrivalBody), Unauthenticated, NotFound)
)]
async fn arrival(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    Path(site): Path<String>,
) -> Result<Json<ArrivalBody>, Problem> {
    let site = id(&site, SiteId::parse)?;
    Ok(Json(ArrivalBody::of(&service.arrival_pack(site).await?)))
}

/// Its cluster's admins, or a network admin, write the site's arrival pack
/// (the whole of it: a field left out is emptied).
#[utoipa::path(
    put, path = "/api/v1/sites/{id}/arrival", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    request_body = ArrivalBody,
    responses(
        (status = 200, description = "The arrival pack", body = ArrivalBody),
        Unauthenticated,
        Malformed,
        Forbidden,
        NotFound,
    )
)]
async fn save_arrival(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    ApiJson(body): ApiJson<ArrivalBody>,
) -> Result<Json<ArrivalBody>, Problem> {
    let site = id(&site, SiteId::parse)?;
    let pack = body.parse().map_err(Problem::malformed)?;
    Ok(Json(ArrivalBody::of(&service.save_arrival_pack(&caller, site, &pack).await?)))
}

/// The photo's version, which its URLs carry.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhotoVersion {
    /// Changes with every upload.
    pub version: String,
    /// The photo (at most 1600 pixels a side).
    pub photo_url: String,
    /// Its thumbnail (360 × 240).
    pub thumbnail_url: String,
}

/// Its cluster's admins, or a network admin, upload the site's photo: the
/// body is the image itself (JPEG, PNG or WebP, at most 5 MB), which
/// deskvisa decodes, turns upright, scales and re-encodes as JPEG, keeping
/// nothing of its metadata (no EXIF, no GPS position).
#[utoipa::path(
    put, path = "/api/v1/sites/{id}/photo", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    request_body(content = Vec<u8>, content_type = "image/jpeg", description = "The image: JPEG, PNG or WebP"),
    responses(
        (status = 200, description = "The photo's new version", body = PhotoVersion),
        (status = 400, description = "`malformed_request`: not a JPEG, PNG or WebP image that can be read", body = ProblemBody, content_type = "application/problem+json"),
        Unauthenticated,
        Forbidden,
        NotFound,
        (status = 413, description = "`body_too_large`: more than 5 MB", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn upload_photo(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
    body: Bytes,
) -> Result<Json<PhotoVersion>, Problem> {
    let site = id(&site, SiteId::parse)?;
    let version = service.set_site_photo(&caller, site, body.to_vec()).await?;
    Ok(Json(PhotoVersion {
        photo_url: format!("/api/v1/sites/{site}/photo.jpg?v={version}"),
        thumbnail_url: format!("/api/v1/sites/{site}/thumbnail.jpg?v={version}"),
        version,
    }))
}

/// Its cluster's admins, or a network admin, remove the site's photo.
#[utoipa::path(
    delete, path = "/api/v1/sites/{id}/photo", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    responses((status = 204, description = "Removed"), Unauthenticated, Forbidden, NotFound)
)]
async fn remove_photo(
    State(service): State<Service>,
    Authenticated(caller): Authenticated,
    Path(site): Path<String>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    if service.remove_site_photo(&caller, site).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(Problem::not_found())
    }
}

/// The image with its validators: 304 when the browser has this version.
fn image(headers: &HeaderMap, version: &str, bytes: Vec<u8>) -> Response {
    let etag = format!("\"{version}\"");
    let cache = [
        (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
        // Behind sign-in, so only the browser's own cache keeps it; a new
        // upload has a new version, and so a new ETag and URL.
        (header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=86400")),
        (header::ETAG, HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""))),
    ];
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    if fresh { (StatusCode::NOT_MODIFIED, cache).into_response() } else { (cache, bytes).into_response() }
}

/// The site's photo (JPEG, at most 1600 pixels a side), for every signed-in member.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}/photo.jpg", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The photo", body = Vec<u8>, content_type = "image/jpeg"),
        (status = 304, description = "The browser's copy (`If-None-Match`) is this version"),
        Unauthenticated,
        (status = 404, description = "`not_found`: no such site, or it has no photo", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn photo(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    headers: HeaderMap,
    Path(site): Path<String>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let (version, bytes) = service.site_photo(site, false).await?;
    Ok(image(&headers, &version, bytes))
}

/// The site's thumbnail (JPEG, 360 × 240), for every signed-in member.
#[utoipa::path(
    get, path = "/api/v1/sites/{id}/thumbnail.jpg", tag = "map", security(("bearer" = [])),
    params(("id" = String, Path, description = "The site's id")),
    responses(
        (status = 200, description = "The thumbnail", body = Vec<u8>, content_type = "image/jpeg"),
        (status = 304, description = "The browser's copy (`If-None-Match`) is this version"),
        Unauthenticated,
        (status = 404, description = "`not_found`: no such site, or it has no photo", body = ProblemBody, content_type = "application/problem+json"),
    )
)]
async fn thumbnail(
    State(service): State<Service>,
    Authenticated(_): Authenticated,
    headers: HeaderMap,
    Path(site): Path<String>,
) -> Result<Response, Problem> {
    let site = id(&site, SiteId::parse)?;
    let (version, bytes) = service.site_photo(site, true).await?;
    Ok(image(&headers, &version, bytes))
}
