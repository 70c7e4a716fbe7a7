//! What every page handler starts from, read in one extractor: the
//! service, who is looking (put in the request by the viewer middleware),
//! and the page's query string.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use deskvisa_service::Service;

use super::form::Fields;
use super::{PageError, Viewer};

/// A page request: the service, the viewer, the query string.
pub(crate) struct Page {
    /// The service.
    pub(crate) service: Service,
    /// Who is looking (signed in or not).
    pub(crate) viewer: Viewer,
    /// The query string's fields.
    pub(crate) query: Fields,
}

impl FromRequestParts<Service> for Page {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, service: &Service) -> Result<Self, Self::Rejection> {
        let viewer = parts.extensions.get::<Viewer>().cloned().ok_or(PageError::SignIn)?;
        let query = Fields(super::form::pairs(parts.uri.query().unwrap_or_default().as_bytes()));
        Ok(Page { service: service.clone(), viewer, query })
    }
}
