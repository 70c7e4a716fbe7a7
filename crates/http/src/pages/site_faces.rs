//! A site's face on the pages (issue 22): the arrival pack and the photo
//! as the site and stay pages show them, and as its admins keep them on the
//! host's site page (`/host/sites/{id}/arrival`, `/photo`, `/photo/remove`).

use std::collections::BTreeMap;

use axum::extract::{FromRequest, Multipart, Path, Request};
use axum::response::Response;
use deskvisa_rules::{Amenity, ArrivalPack, Locale, SiteId};
use deskvisa_service::{MAX_PHOTO_BYTES, Service, ServiceError};

use super::form::{Fields, SignedForm};
use super::{PageError, Viewer, Words, redirect};
use crate::api::site_faces::ArrivalBody;

/// The pack's lines and the photo, as a visitor sees them.
pub(crate) struct Face {
    /// The photo's URL, when the site has one.
    pub(crate) photo: Option<String>,
    /// Label and text of each part the host wrote.
    pub(crate) lines: Vec<(&'static str, String)>,
    /// Shown inside a card whose title is an `h2` (the stay page): its
    /// heading is then an `h3`.
    pub(crate) nested: bool,
}

impl Face {
    /// The site's face in the viewer's language.
    pub(crate) async fn of(service: &Service, site: SiteId, locale: Locale) -> Result<Face, PageError> {
        let pack = service.arrival_pack(site).await?;
        let photo = service.site_photo_versions().await?.remove(&site).map(|v| photo_url(site, &v, false));
        Ok(Face { photo, lines: deskvisa_words::arrival_lines(locale, &pack), nested: false })
    }
}

/// The URL of a site's photo or thumbnail of version `v`.
pub(crate) fn photo_url(site: SiteId, v: &str, thumbnail: bool) -> String {
    let file = if thumbnail { "thumbnail" } else { "photo" };
    format!("/api/v1/sites/{}/{file}.jpg?v={v}", site.as_uuid())
}

/// The arrival form's fields, filled with the saved pack.
pub(crate) struct ArrivalForm {
    /// Field name, weekday label, hours as typed.
    pub(crate) hours: Vec<(String, &'static str, String)>,
    pub(crate) access: String,
    pub(crate) contact_name: String,
    pub(crate) contact_phone: String,
    pub(crate) wifi: String,
    pub(crate) transport: String,
    pub(crate) accessibility: String,
    /// Value, label, ticked.
    pub(crate) amenities: Vec<(&'static str, &'static str, bool)>,
}

const DAYS: [(&str, chrono::Weekday); 7] = [
    ("mon", chrono::Weekday::Mon),
    ("tue", chrono::Weekday::Tue),
    ("wed", chrono::Weekday::Wed),
    ("thu", chrono::Weekday::Thu),
    ("fri", chrono::Weekday::Fri),
    ("sat", chrono::Weekday::Sat),
    ("sun", chrono::Weekday::Sun),
];

impl ArrivalForm {
    pub(crate) fn of(w: &Words, pack: &ArrivalPack) -> ArrivalForm {
        let body = ArrivalBody::of(pack);
        ArrivalForm {
            hours: DAYS
                .iter()
                .map(|(key, day)| {
                    let typed = body.opening_hours.get(*key).cloned().flatten().unwrap_or_default();
                    (format!("hours_{key}"), w.weekday(*day).1, typed)
                })
                .collect(),
            amenities: Amenity::ALL
                .iter()
                .map(|a| (a.as_str(), deskvisa_words::amenity_name(w.locale(), *a), pack.amenities.contains(a)))
                .collect(),
            access: body.access,
            contact_name: body.contact_name,
            contact_phone: body.contact_phone,
            wifi: body.wifi,
            transport: body.transport,
            accessibility: body.accessibility,
        }
    }
}

/// The form's fields as the API's body, so both are read by one parser.
fn body_of(fields: &Fields) -> ArrivalBody {
    let opening_hours: BTreeMap<String, Option<String>> = DAYS
        .iter()
        .map(|(key, _)| ((*key).to_owned(), fields.optional(&format!("hours_{key}")).map(str::to_owned)))
        .collect();
    ArrivalBody {
        opening_hours,
        access: fields.get("access").to_owned(),
        contact_name: fields.get("contact_name").to_owned(),
        contact_phone: fields.get("contact_phone").to_owned(),
        wifi: fields.get("wifi").to_owned(),
        transport: fields.get("transport").to_owned(),
        accessibility: fields.get("accessibility").to_owned(),
        amenities: fields.all("amenity").map(str::to_owned).collect(),
    }
}

fn site_id(id: &str) -> Result<SiteId, PageError> {
    Ok(crate::extract::id(id, SiteId::parse)?)
}

/// `POST /host/sites/{id}/arrival`.
pub(crate) async fn save_arrival(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let site = site_id(&id)?;
    let pack = body_of(&fields).parse().map_err(ServiceError::Invalid)?;
    service.save_arrival_pack(viewer.caller()?, site, &pack).await?;
    Ok(redirect(&format!("/host/sites/{site}?done=saved#arrival")))
}

/// An image posted from the host's site page (`multipart/form-data`), its
/// form token checked as every signed-in form's is.
pub(crate) struct PhotoUpload {
    viewer: Viewer,
    /// The image; `None` when it was larger than a photo may be.
    photo: Option<Vec<u8>>,
}

impl FromRequest<Service> for PhotoUpload {
    type Rejection = PageError;

    async fn from_request(req: Request, service: &Service) -> Result<Self, Self::Rejection> {
        let viewer = req.extensions().get::<Viewer>().cloned().ok_or(PageError::SignIn)?;
        let session = viewer.session.clone().ok_or(PageError::SignIn)?;
        crate::extract::same_origin(req.headers(), service.public_url())?;
        let bad = || PageError::Problem(crate::problem::Problem::malformed("the photo could not be read"));
        let mut multipart = Multipart::from_request(req, service).await.map_err(|_| bad())?;
        let (mut token, mut photo) = (String::new(), Some(Vec::new()));
        while let Some(mut field) = multipart.next_field().await.map_err(|_| bad())? {
            match field.name() {
                Some(super::form::FIELD) => token = field.text().await.map_err(|_| bad())?,
                Some("photo") => {
                    while let Some(chunk) = field.chunk().await.map_err(|_| bad())? {
                        if let Some(bytes) = photo.as_mut() {
                            bytes.extend_from_slice(&chunk);
                            if bytes.len() > MAX_PHOTO_BYTES {
                                photo = None;
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if !crate::csrf::equal(token.as_bytes(), super::form::token(&session).as_bytes()) {
            return Err(PageError::FormExpired);
        }
        Ok(PhotoUpload { viewer, photo })
    }
}

/// `POST /host/sites/{id}/photo`.
pub(crate) async fn upload_photo(
    axum::extract::State(service): axum::extract::State<Service>,
    Path(id): Path<String>,
    PhotoUpload { viewer, photo }: PhotoUpload,
) -> Result<Response, PageError> {
    let site = site_id(&id)?;
    let w = viewer.words();
    let photo = photo.ok_or_else(|| ServiceError::Invalid(w.photo_too_large.to_owned()))?;
    match service.set_site_photo(viewer.caller()?, site, photo).await {
        Ok(_) => Ok(redirect(&format!("/host/sites/{site}?done=saved#photo"))),
        Err(ServiceError::Invalid(_)) => Err(ServiceError::Invalid(w.photo_not_an_image.to_owned()).into()),
        Err(e) => Err(e.into()),
    }
}

/// `POST /host/sites/{id}/photo/remove`.
pub(crate) async fn remove_photo(
    Path(id): Path<String>,
    SignedForm { service, viewer, .. }: SignedForm,
) -> Result<Response, PageError> {
    let site = site_id(&id)?;
    service.remove_site_photo(viewer.caller()?, site).await?;
    Ok(redirect(&format!("/host/sites/{site}?done=saved#photo")))
}
