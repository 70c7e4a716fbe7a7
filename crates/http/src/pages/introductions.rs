//! Introductions on the pages (issue 21): `/introductions` lists what I
//! asked for and what I was asked, with accept and decline for the latter;
//! `/introductions/{id}` is one, where a contact's email link lands; the
//! stay page's suggestions post to `/stays/{id}/introductions`.
//!
//! What the page shows of the other party follows the API: before the
//! contact accepts, nothing of the contact reaches the visitor.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::{FirmId, IntroductionId, IntroductionStatus, Note, StayId};
use deskvisa_service::{Caller, IntroductionAnswer, IntroductionRecord, ServiceError};

use super::form::SignedForm;
use super::page::Page;
use super::view::{Chrome, html};
use super::{PageError, Words, back};

/// An introduction as the page shows it to its visitor or its contact.
pub(super) struct IntroductionView {
    pub(super) id: String,
    /// The viewer asked for it.
    pub(super) sent: bool,
    pub(super) status: &'static str,
    pub(super) status_words: &'static str,
    pub(super) firm: String,
    pub(super) firm_href: String,
    /// Who asks (to the contact): name, firm, home cluster.
    pub(super) visitor: String,
    /// The contact, once accepted (to the visitor).
    pub(super) contact: Option<String>,
    /// The other party's address, once accepted.
    pub(super) email: Option<String>,
    pub(super) site: String,
    pub(super) stay_href: String,
    pub(super) dates: String,
    pub(super) note: String,
    /// The viewer may answer it now.
    pub(super) answerable: bool,
}

impl IntroductionView {
    pub(super) fn new(i: &IntroductionRecord, caller: &Caller, w: &Words) -> Self {
        let sent = i.visitor.member == caller.member;
        let accepted = i.status == IntroductionStatus::Accepted;
        let other = if sent { &i.contact } else { &i.visitor };
        let firm_part =
            if i.visitor.firm_name.is_empty() { String::new() } else { format!(", {}", i.visitor.firm_name) };
        IntroductionView {
            id: i.id.as_uuid().to_string(),
            sent,
            status: i.status.as_str(),
            status_words: w.introduction_status(i.status),
            firm: i.contact.firm_name.clone(),
            firm_href: format!("/firms/{}", i.firm.as_uuid()),
            visitor: format!("{}{firm_part} ({})", i.visitor.name, i.visitor.cluster_name),
            contact: (sent && accepted).then(|| i.contact.name.clone()),
            email: accepted.then(|| other.email.clone()),
            site: i.site_name.clone(),
            stay_href: format!("/stays/{}", i.stay.as_uuid()),
            dates: w.range(i.start_date, i.end_date),
            note: i.note.clone(),
            answerable: !sent && i.status == IntroductionStatus::Pending,
        }
    }
}

#[derive(Template)]
#[template(path = "introductions.html")]
struct IntroductionsPage {
    c: Chrome,
    received: Vec<IntroductionView>,
    sent: Vec<IntroductionView>,
}

#[derive(Template)]
#[template(path = "introduction.html")]
struct IntroductionPage {
    c: Chrome,
    i: IntroductionView,
}

fn introduction_id(id: &str) -> Result<IntroductionId, PageError> {
    Ok(crate::extract::id(id, IntroductionId::parse)?)
}

/// `GET /introductions`.
pub(crate) async fn list(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let (sent, received): (Vec<_>, Vec<_>) = service
        .my_introductions(caller)
        .await?
        .iter()
        .map(|i| IntroductionView::new(i, caller, w))
        .partition(|v| v.sent);
    let c = Chrome::new(&viewer, w.introductions_title, "introductions").done(&query);
    html(StatusCode::OK, &IntroductionsPage { c, received, sent })
}

/// `GET /introductions/{id}`: its visitor and its contact see it.
pub(crate) async fn page(Page { service, viewer, query }: Page, Path(id): Path<String>) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let intro = service.introduction(caller, introduction_id(&id)?).await?;
    let i = IntroductionView::new(&intro, caller, w);
    let c = Chrome::new(&viewer, format!("{}: {}", w.introduction_to, i.firm), "introductions").done(&query);
    html(StatusCode::OK, &IntroductionPage { c, i })
}

/// `POST /introductions/{id}/{accept|decline}`.
pub(crate) async fn answer(
    Path((id, action)): Path<(String, String)>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let (answer, done) = match action.as_str() {
        "accept" => (IntroductionAnswer::Accept, "accepted"),
        "decline" => (IntroductionAnswer::Decline, "declined"),
        _ => return Err(ServiceError::NotFound.into()),
    };
    let id = introduction_id(&id)?;
    service.answer_introduction(viewer.caller()?, id, answer).await?;
    Ok(back(&fields, &format!("/introductions/{id}"), done))
}

/// `POST /stays/{id}/introductions` (`firm_id`, `note`).
pub(crate) async fn ask(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let stay = crate::extract::id(&id, StayId::parse)?;
    let firm = crate::extract::id(fields.get("firm_id"), FirmId::parse)?;
    let note = Note::parse(fields.get("note")).map_err(|e| ServiceError::Invalid(e.to_string()))?;
    service.ask_introduction(viewer.caller()?, stay, firm, note).await?;
    Ok(back(&fields, &format!("/stays/{stay}"), "asked"))
}

/// A visitor to my cluster as the page lists them.
struct VisitorView {
    name: String,
    company: String,
    home: String,
    site: String,
    dates: String,
    firm: Option<(String, String)>,
    offers: String,
    seeks: String,
}

#[derive(Template)]
#[template(path = "visitors.html")]
struct VisitorsPage {
    c: Chrome,
    visitors: Vec<VisitorView>,
    /// The viewer sees every approved visitor (an admin), not only those
    /// who agreed to be seen.
    everyone: bool,
}

/// `GET /visitors`: who visits my cluster in the coming week, with their firms.
pub(crate) async fn visitors(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let home = caller.cluster.ok_or(ServiceError::Forbidden)?;
    let visitors = service
        .cluster_visitors(caller, home, None, None)
        .await?
        .into_iter()
        .map(|v| VisitorView {
            firm: v.firm.as_ref().map(|f| (f.id.as_uuid().to_string(), f.profile.name.clone())),
            offers: v
                .firm
                .as_ref()
                .map(|f| super::firms::tag_words(w, &f.profile.interests.offers))
                .unwrap_or_default(),
            seeks: v.firm.as_ref().map(|f| super::firms::tag_words(w, &f.profile.interests.seeks)).unwrap_or_default(),
            name: v.visitor.name,
            company: v.visitor.company,
            home: v.visitor.home_cluster_name,
            site: v.visitor.site_name,
            dates: w.range(v.visitor.start_date, v.visitor.end_date),
        })
        .collect();
    let c = Chrome::new(&viewer, w.visitors_title, "introductions").done(&query);
    html(StatusCode::OK, &VisitorsPage { c, visitors, everyone: caller.cluster_admin })
}
