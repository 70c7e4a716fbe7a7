//! Invitation letters on the pages (issue 22): the stay page's form posts
//! to `/stays/{id}/letter` and then offers the PDF; `/verify/{code}` (the
//! letter's QR code) tells anyone, without signing in, what the letter is
//! worth now; the host policy page's letterhead form posts to
//! `/host/letterhead`.

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use deskvisa_rules::{LetterValidity, MemberId, PassportName, StayId};
use deskvisa_service::{ServiceError, Verification};

use super::form::SignedForm;
use super::view::{Chrome, html};
use super::{PageError, Viewer, redirect};

/// `POST /stays/{id}/letter`: makes the letter, back to the stay to download it.
pub(crate) async fn make(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let stay = crate::extract::id(&id, StayId::parse)?;
    let name = PassportName::parse(fields.get("passport_name"))
        .map_err(|_| ServiceError::Invalid(viewer.words().bad_passport_name.to_owned()))?;
    service.make_letter(viewer.caller()?, stay, name).await?;
    Ok(redirect(&format!("/stays/{stay}?done=letter#letter")))
}

#[derive(Template)]
#[template(path = "letter_check.html")]
struct CheckPage<'a> {
    c: Chrome,
    valid: bool,
    verdict: &'static str,
    status: &'static str,
    v: Option<&'a Verification>,
    dates: String,
    issued: String,
}

/// The page of a letter found by its code.
pub(crate) fn verification(viewer: &Viewer, v: &Verification) -> Response {
    let w = viewer.words();
    let verdict = match v.validity {
        LetterValidity::Valid => w.letter_valid,
        LetterValidity::Cancelled => w.letter_cancelled,
        LetterValidity::Changed => w.letter_changed,
        LetterValidity::Replaced => w.letter_replaced,
    };
    let page = CheckPage {
        c: Chrome::new(viewer, w.verify_letter_title, ""),
        valid: v.validity == LetterValidity::Valid,
        verdict,
        status: v.validity.as_str(),
        v: Some(v),
        dates: w.range(v.start_date, v.end_date),
        issued: w.date(v.issued_at.date_naive()),
    };
    no_store(html(StatusCode::OK, &page).unwrap_or_else(IntoResponse::into_response))
}

/// The page of a code no letter has.
pub(crate) fn unknown(viewer: &Viewer) -> Response {
    let w = viewer.words();
    let page = CheckPage {
        c: Chrome::new(viewer, w.verify_letter_title, ""),
        valid: false,
        verdict: w.letter_unknown,
        status: "unknown",
        v: None,
        dates: String::new(),
        issued: String::new(),
    };
    no_store(html(StatusCode::NOT_FOUND, &page).unwrap_or_else(IntoResponse::into_response))
}

/// The page past a client's checks this minute.
pub(crate) fn too_many(viewer: &Viewer, retry_after_seconds: u64) -> Response {
    let w = viewer.words();
    let mut response = super::view::error(viewer, StatusCode::TOO_MANY_REQUESTS, w.letter_checks_too_many);
    if let Ok(value) = HeaderValue::from_str(&retry_after_seconds.to_string()) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// A verification is of now: no cache keeps it.
fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /host/letterhead`: the cluster's postal address and signatory.
pub(crate) async fn save_letterhead(
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let cluster = caller.cluster.ok_or(ServiceError::Forbidden)?;
    let address = crate::input::letterhead_address(fields.get("address"))
        .map_err(|e| ServiceError::Invalid(format!("{}: {e}", viewer.words().letterhead_address)))?;
    let signatory = match fields.get("signatory") {
        "" => None,
        text => Some(crate::extract::id(text, MemberId::parse)?),
    };
    service.save_letterhead(caller, cluster, address, signatory).await?;
    Ok(redirect("/host/policy?done=saved#letterhead"))
}
