//! Posted forms: `application/x-www-form-urlencoded` bodies read as typed
//! structs through `axum-extra`'s `Form` (repeated names kept, as
//! checkboxes send them) and as the name/value pairs a refused form is
//! filled again from, and the cross-site request forgery check every form
//! passes first.
//!
//! A signed-in page's forms carry a token derived from the session
//! (SHA-256 of the session id under a fixed label): another site can make a
//! browser post, but cannot read the page, so it cannot know the token. It
//! lives as long as the session and needs nothing stored. The browser's
//! `Sec-Fetch-Site` / `Origin` are checked as well
//! ([`crate::extract::same_origin`]).

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use deskvisa_service::Service;
use sha2::{Digest, Sha256};

use super::{PageError, Viewer, Words};
use crate::problem::Problem;

/// The hidden field's name.
pub(crate) const FIELD: &str = "csrf";

/// The token of a session's forms.
pub(crate) fn token(session: &str) -> String {
    let digest = Sha256::new().chain_update(b"deskvisa form token\0").chain_update(session.as_bytes()).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A query string of the fields, those named in `leave_out` left out.
pub(crate) fn query_string(fields: &Fields, leave_out: &[&str]) -> String {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields.0.iter().filter(|(name, _)| !leave_out.contains(&name.as_str())) {
        out.append_pair(name, value);
    }
    out.finish()
}

/// Name/value pairs of a query string or form body, decoded.
pub(crate) fn pairs(bytes: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(bytes).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// A form's fields.
#[derive(Debug, Default, Clone)]
pub(crate) struct Fields(pub(crate) Vec<(String, String)>);

impl Fields {
    /// No fields: a form shown fresh.
    pub(crate) fn none() -> &'static Fields {
        &NO_FIELDS
    }

    /// The first value of `name`, trimmed; `""` when absent.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
    }

    /// The first value of `name`, trimmed, if it is there and not empty.
    pub(crate) fn optional(&self, name: &str) -> Option<&str> {
        Some(self.get(name)).filter(|v| !v.is_empty())
    }

    /// Every value of `name`.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0.iter().filter(move |(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Whether a checkbox `name` was ticked.
    pub(crate) fn ticked(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }
}

/// How a page with a form is shown: fresh (with its query string), or
/// again after a refusal, with what was typed, why, and the status.
pub(crate) struct Shown<'a, E> {
    /// The page's query string (empty when shown again).
    pub(crate) query: &'a Fields,
    /// What was typed, to fill the form in again.
    pub(crate) typed: Option<&'a Fields>,
    /// Why it was refused.
    pub(crate) refusal: E,
    /// The answer's status.
    pub(crate) status: StatusCode,
}

/// Why a form was refused, as its page shows it: a summary above the form
/// and, for each refused field, its message beside it.
#[derive(Debug, Default)]
pub(crate) struct FormRefusal {
    summary: Option<String>,
    at: Vec<(&'static str, String)>,
}

impl FormRefusal {
    /// A refusal that is no one field's (a name already taken, say).
    pub(crate) fn says(message: String) -> FormRefusal {
        FormRefusal { summary: Some(message), at: Vec::new() }
    }

    /// FormRefusal fields, each told in the viewer's language.
    pub(crate) fn fields(w: &Words, refused: &[crate::input::FieldError]) -> FormRefusal {
        FormRefusal {
            summary: Some(w.field_errors(refused)),
            at: refused.iter().map(|e| (e.field, w.field_rule(e))).collect(),
        }
    }

    /// What is said above the form.
    pub(crate) fn summary(&self) -> Option<&str> {
        self.summary.as_deref()
    }

    /// What is said beside `field`.
    pub(crate) fn at(&self, field: &str) -> Option<&str> {
        self.at.iter().find(|(f, _)| *f == field).map(|(_, m)| m.as_str())
    }

    /// The attributes of `field`'s input when it was refused: marked
    /// invalid and described by its message (`{field}-error`).
    pub(crate) fn marks(&self, field: &str) -> String {
        match self.at(field) {
            Some(_) => format!(" aria-invalid=\"true\" aria-describedby=\"{field}-error\""),
            None => String::new(),
        }
    }
}

/// No fields: the query string of a page shown again after a post.
static NO_FIELDS: Fields = Fields(Vec::new());

impl<'a, E: Default> Shown<'a, E> {
    /// The page as asked for.
    pub(crate) fn fresh(query: &'a Fields) -> Self {
        Shown { query, typed: None, refusal: E::default(), status: StatusCode::OK }
    }
}

impl<'a, E> Shown<'a, E> {
    /// The page again after `typed` was refused.
    pub(crate) fn again(typed: &'a Fields, refusal: E, status: StatusCode) -> Self {
        Shown { query: &NO_FIELDS, typed: Some(typed), refusal, status }
    }
}

/// The query string of a page.
pub(crate) struct Query(pub(crate) Fields);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Query {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Query(Fields(pairs(parts.uri.query().unwrap_or_default().as_bytes()))))
    }
}

/// A form that is read only as name/value pairs.
#[derive(Debug, Default, serde::Deserialize)]
pub(crate) struct Untyped {}

/// A posted form: its request's head, its pairs, and its bytes.
struct Posted {
    parts: axum::http::request::Parts,
    fields: Fields,
    bytes: axum::body::Bytes,
}

impl Posted {
    async fn read(req: Request, service: &Service) -> Result<Posted, PageError> {
        crate::extract::same_origin(req.headers(), service.public_url())?;
        let (parts, body) = req.into_parts();
        // Through the extractor, so that the body limit of the router holds.
        let bytes =
            axum::body::Bytes::from_request(Request::from_parts(parts.clone(), body), service).await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    Problem::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        "body_too_large",
                        "the form is larger than this server accepts",
                    )
                } else {
                    Problem::malformed("the form could not be read")
                }
            })?;
        Ok(Posted { fields: Fields(pairs(&bytes)), parts, bytes })
    }

    /// The form as `T`, once its token is checked.
    async fn typed<T: serde::de::DeserializeOwned>(self, service: &Service) -> Result<(Fields, T), PageError> {
        let request = Request::from_parts(self.parts, axum::body::Body::from(self.bytes));
        let axum_extra::extract::Form(form) = axum_extra::extract::Form::<T>::from_request(request, service)
            .await
            .map_err(|_| Problem::malformed("the form could not be read"))?;
        Ok((self.fields, form))
    }
}

/// A form posted from a signed-in page, its token checked.
pub(crate) struct SignedForm<T = Untyped> {
    /// The service it is posted to.
    pub(crate) service: Service,
    /// Who posted it.
    pub(crate) viewer: Viewer,
    /// Its fields as typed, to fill the form again with.
    pub(crate) fields: Fields,
    /// The form, read.
    pub(crate) form: T,
}

impl<T: serde::de::DeserializeOwned> FromRequest<Service> for SignedForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, service: &Service) -> Result<Self, Self::Rejection> {
        let viewer = req.extensions().get::<Viewer>().cloned().ok_or(PageError::SignIn)?;
        let session = viewer.session.clone().ok_or(PageError::SignIn)?;
        let posted = Posted::read(req, service).await?;
        let expected = token(&session);
        if !crate::csrf::equal(posted.fields.get(FIELD).as_bytes(), expected.as_bytes()) {
            return Err(PageError::FormExpired);
        }
        let (fields, form) = posted.typed(service).await?;
        Ok(SignedForm { service: service.clone(), viewer, fields, form })
    }
}

/// A form posted by someone not signed in (the sign-in form), its
/// double-submit token checked ([`crate::csrf`]).
pub(crate) struct AnonymousForm {
    /// Who posted it.
    pub(crate) viewer: Viewer,
    /// Its fields.
    pub(crate) fields: Fields,
}

impl FromRequest<Service> for AnonymousForm {
    type Rejection = PageError;

    async fn from_request(req: Request, service: &Service) -> Result<Self, Self::Rejection> {
        let viewer = req.extensions().get::<Viewer>().cloned().ok_or(PageError::SignIn)?;
        let posted = Posted::read(req, service).await?;
        crate::csrf::check(service, &posted.parts.headers, posted.fields.optional(FIELD))
            .map_err(|_| PageError::FormExpired)?;
        Ok(AnonymousForm { viewer, fields: posted.fields })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_bound_to_its_session() {
        assert_eq!(token("abc"), token("abc"));
        assert_ne!(token("abc"), token("abd"));
        assert_eq!(token("abc").len(), 64);
    }

    #[test]
    fn fields_keep_repeated_names_and_decode() {
        let fields = Fields(pairs(b"open=mon&open=tue&name=Caf%C3%A9+Nord&empty=&flag"));
        assert_eq!(fields.all("open").collect::<Vec<_>>(), ["mon", "tue"]);
        assert_eq!(fields.get("name"), "Café Nord");
        assert_eq!(fields.optional("empty"), None);
        assert!(fields.ticked("flag"));
        assert!(!fields.ticked("other"));
    }
}
