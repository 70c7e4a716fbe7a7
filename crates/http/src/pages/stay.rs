//! One stay's page, `/stays/{id}`: where every stay email's link lands.
//!
//! Its member sees a trip card: the dates and the days held, the status and
//! what happens next (the host's answer deadline and what the host's policy
//! does when it passes), the site's address, house rules and contact, the
//! host's events during the stay (register, withdraw), the calendar file
//! and cancel. The host's admins and network admins see a decision card
//! beside it: who the visitor is (name, company, home cluster), their
//! earlier visits and no-shows with this host, the free desks left on the
//! stay's days, the deadline, approve and decline with a reason, and
//! check-in and no-show once approved. The home cluster's admins read it.
//! Anyone else gets the not-found page, as the API answers 404.
//!
//! The member may give a live stay new dates (issue 23): the form posts to
//! `/stays/{id}/dates`; a refusal comes back at the form, the dates kept,
//! with every broken rule and the nearest dates that fit.

use super::page::Page;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::{DateRange, OnNoAnswer, StayId, StayStatus, parse_date};
use deskvisa_service::{Caller, Service, ServiceError, StayRecord};

use super::form::Fields;
use super::form::SignedForm;
use super::introductions::IntroductionView;
use super::site::{Refused, refused};
use super::stays::{EventChoice, events_during, registered_events};
use super::view::{Chrome, html};
use super::{PageError, Viewer, Words, redirect};

/// The member's form for new dates, as shown or as sent back.
struct DatesForm {
    start: String,
    end: String,
    /// The stay is under way: its first day stays.
    started: bool,
    refused: Option<Refused>,
    error: Option<String>,
}

/// What the host's admins see to decide.
struct Decision {
    visitor: String,
    company: String,
    home: String,
    visits: String,
    no_shows: u32,
    /// Each held day with its free desks left, in words.
    free: Vec<(String, String)>,
    deadline: Option<String>,
    /// The viewer is an admin of the host: the buttons are theirs.
    acts: bool,
    pending: bool,
    can_check_in: bool,
    can_no_show: bool,
    decline: super::host::DeclineForm,
}

#[derive(Template)]
#[template(path = "stay.html")]
struct StayPage {
    c: Chrome,
    id: String,
    status: &'static str,
    status_words: &'static str,
    next: Option<String>,
    site: String,
    site_href: String,
    host: String,
    address: String,
    house_rules: String,
    contact: String,
    dates: String,
    days: String,
    held: Vec<String>,
    purpose: String,
    reason: Option<String>,
    checked_in: bool,
    no_show: bool,
    /// The viewer is the stay's member.
    own: bool,
    can_cancel: bool,
    calendar: bool,
    events: Vec<EventChoice>,
    /// Firms of the host the visitor could meet, and what they asked.
    meeting: Option<Meeting>,
    decision: Option<Decision>,
    /// The site's photo and arrival pack.
    face: super::site_faces::Face,
    /// The member may make an invitation letter; whether one is made.
    letter: Option<bool>,
    /// The member's form for new dates, when the stay can move.
    new_dates: Option<DatesForm>,
    history: Vec<(String, &'static str, Option<String>)>,
    /// The decision whose decline came back without a reason.
    decline_error: String,
}

/// A firm of the host suggested to the visitor.
struct SuggestedFirm {
    id: String,
    name: String,
    about: String,
    /// Its fields and tags, in the viewer's language.
    tags: String,
    /// This stay has asked it already.
    asked: bool,
}

/// Whom the visitor could meet during an approved stay, and whom they asked.
struct Meeting {
    suggested: Vec<SuggestedFirm>,
    asked: Vec<IntroductionView>,
}

/// The host's firms suggested to the stay's visitor, and the introductions
/// the stay asked for.
async fn meeting(service: &Service, caller: &Caller, stay: &StayRecord, w: &Words) -> Result<Meeting, PageError> {
    let suggested = service
        .suggested_firms(caller, stay.id)
        .await?
        .into_iter()
        .map(|s| SuggestedFirm {
            id: s.firm.id.as_uuid().to_string(),
            about: shortened(s.firm.profile.about.as_str(), 200),
            tags: super::firms::tag_words(w, &s.firm.profile.interests.offers),
            name: s.firm.profile.name,
            asked: s.asked,
        })
        .collect();
    let asked = service
        .my_introductions(caller)
        .await?
        .iter()
        .filter(|i| i.stay == stay.id)
        .map(|i| IntroductionView::new(i, caller, w))
        .collect();
    Ok(Meeting { suggested, asked })
}

/// `text` cut to at most `max` characters at a word's end, with an
/// ellipsis when anything was cut.
fn shortened(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    format!("{}…", cut[..at].trim_end_matches(|c: char| c.is_whitespace() || c.is_ascii_punctuation()))
}

/// What happens next, for the visitor.
fn next_step(w: &Words, stay: &StayRecord, on_no_answer: OnNoAnswer, deadline: Option<String>) -> Option<String> {
    let polish = w.locale() == deskvisa_rules::Locale::Pl;
    match (stay.status, deadline) {
        (StayStatus::Pending, Some(deadline)) => Some(match (polish, on_no_answer) {
            (false, OnNoAnswer::Approve) => format!(
                "The host answers by {deadline}. Your desk is held meanwhile; without an answer by then, the stay \
                 is approved automatically."
            ),
            (false, OnNoAnswer::Expire) => format!(
                "The host answers by {deadline}. Your desk is held meanwhile; without an answer by then, this host's \
                 policy lets the request expire and the desk is released."
            ),
            (true, OnNoAnswer::Approve) => format!(
                "Gospodarz odpowie do {deadline}. Do tego czasu biurko jest zarezerwowane; bez odpowiedzi pobyt \
                 zostanie zatwierdzony automatycznie."
            ),
            (true, OnNoAnswer::Expire) => format!(
                "Gospodarz odpowie do {deadline}. Do tego czasu biurko jest zarezerwowane; bez odpowiedzi, zgodnie \
                 z zasadami tego gospodarza, prośba wygaśnie, a biurko zostanie zwolnione."
            ),
        }),
        (StayStatus::Approved, _) if !stay.no_show => Some(
            if polish {
                "Pobyt jest zatwierdzony: biurko czeka na Ciebie w każdy z dni poniżej. Po przyjeździe zamelduj się \
                 u gospodarza."
            } else {
                "The stay is approved: a desk waits for you on each of the days below. Check in with the host when \
                 you arrive."
            }
            .to_owned(),
        ),
        _ => None,
    }
}

/// What a host admin (or a network admin) decides a stay by: who the
/// visitor is, their record with this host, the free desks on its days, and
/// which moves are open now.
async fn decision_card(
    service: &Service,
    caller: &Caller,
    stay: &deskvisa_service::StayRecord,
    today: chrono::NaiveDate,
    deadline: Option<String>,
    w: &'static super::Words,
) -> Result<Decision, PageError> {
    let visitor = service.member(stay.member).await?;
    let (home, _) = service.cluster_with_sites(stay.home_cluster).await?;
    let record = service.visit_record(caller, stay).await?;
    let free = match DateRange::new(stay.start_date, stay.end_date) {
        Some(range) if range.len() <= deskvisa_service::MAX_AVAILABILITY_DAYS => service
            .availability(stay.site, range)
            .await?
            .into_iter()
            .filter(|d| stay.days.contains(&d.date))
            .map(|d| (w.date(d.date), w.desks_free(d.free, d.desks)))
            .collect(),
        _ => Vec::new(),
    };
    let approved = stay.status == StayStatus::Approved && !stay.checked_in && !stay.no_show;
    let first_day = stay.days.first().copied();
    let id = stay.id.as_uuid().to_string();
    Ok(Decision {
        decline: super::host::DeclineForm {
            action: format!("/host/stays/{id}/decline"),
            back: format!("/stays/{id}"),
            who: visitor.name.clone(),
            id,
        },
        visitor: visitor.name,
        company: visitor.company,
        home: format!("{} ({})", home.name, home.country),
        visits: w.visit_count(record.visits),
        no_shows: record.no_shows,
        free,
        deadline,
        acts: caller.admin_of(stay.host_cluster),
        pending: stay.status == StayStatus::Pending,
        can_check_in: approved && stay.days.contains(&today),
        can_no_show: approved && first_day.is_some_and(|d| d < today),
    })
}

/// `GET /stays/{id}`.
pub(crate) async fn page(Page { service, viewer, query }: Page, Path(id): Path<String>) -> Result<Response, PageError> {
    let id: StayId = crate::extract::id(&id, StayId::parse)?;
    render(&service, &viewer, &query, id, None, StatusCode::OK).await
}

/// `POST /stays/{id}/dates`: gives the stay new dates; back to the stay,
/// or to its form with why not.
pub(crate) async fn move_dates(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let id: StayId = crate::extract::id(&id, StayId::parse)?;
    let caller = viewer.caller()?;
    let w = viewer.words();
    let sent = |refused, error| DatesForm {
        start: fields.get("start_date").to_owned(),
        end: fields.get("end_date").to_owned(),
        started: false,
        refused,
        error,
    };
    let (Ok(start), Ok(end)) = (parse_date(fields.get("start_date")), parse_date(fields.get("end_date"))) else {
        let form = sent(None, Some(w.bad_dates.to_owned()));
        return render(&service, &viewer, &Fields::default(), id, Some(form), StatusCode::BAD_REQUEST).await;
    };
    let (form, status) = match service.move_stay(caller, id, start, end).await {
        Ok(stay) => return Ok(redirect(&format!("/stays/{}?done=moved", stay.id.as_uuid()))),
        Err(ServiceError::Refused(refusal)) => {
            (sent(Some(refused(w, &refusal)), None), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(ServiceError::Conflict(conflict)) => (sent(None, Some(w.conflict(&conflict))), StatusCode::CONFLICT),
        Err(ServiceError::Invalid(message)) => (sent(None, Some(message)), StatusCode::BAD_REQUEST),
        Err(e) => return Err(e.into()),
    };
    render(&service, &viewer, &Fields::default(), id, Some(form), status).await
}

/// The stay's page, with the member's dates form as sent back when `sent`.
async fn render(
    service: &Service,
    viewer: &Viewer,
    query: &Fields,
    id: StayId,
    sent: Option<DatesForm>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let service = service.clone();
    let caller: &Caller = viewer.caller()?;
    let w = viewer.words();
    let stay = service.stay(caller, id).await?;
    let site = service.site(stay.site).await?;
    let (host, _) = service.cluster_with_sites(stay.host_cluster).await?;
    let zone = site.timezone;
    let today = zone.date_at(service.now());
    let own = stay.member == caller.member;
    let live = stay.status.is_live();
    let ahead = live && stay.end_date >= today;
    let deadline =
        stay.answer_deadline.filter(|_| stay.status == StayStatus::Pending).map(|d| w.instant(d, zone.name()));
    let policy = service.policy(stay.host_cluster).await?;
    let events = if own && ahead {
        events_during(&service, &stay, &registered_events(&service, caller).await?, w).await?
    } else {
        Vec::new()
    };
    let meets = own && stay.status == StayStatus::Approved && !stay.no_show && stay.end_date >= today;
    let meeting = if meets { Some(meeting(&service, caller, &stay, w).await?) } else { None };
    let face =
        super::site_faces::Face { nested: true, ..super::site_faces::Face::of(&service, stay.site, w.locale()).await? };
    let letter = if meets { Some(service.has_letter(stay.id).await?) } else { None };
    let deciding = caller.admin_of(stay.host_cluster) || caller.network_admin;
    let decision =
        if deciding { Some(decision_card(&service, caller, &stay, today, deadline.clone(), w).await?) } else { None };
    let started = stay.start_date <= today;
    let movable = own && ahead && !stay.no_show;
    let new_dates = movable.then(|| match sent {
        Some(form) => DatesForm { started, ..form },
        None => DatesForm {
            start: stay.start_date.to_string(),
            end: stay.end_date.to_string(),
            started,
            refused: None,
            error: None,
        },
    });
    let page = StayPage {
        c: Chrome::new(
            viewer,
            format!("{}: {}", site.name, w.range(stay.start_date, stay.end_date)),
            if own { "stays" } else { "host" },
        )
        .done(query),
        id: stay.id.as_uuid().to_string(),
        status: stay.status.as_str(),
        status_words: w.stay_status(stay.status),
        next: next_step(w, &stay, policy.draft().on_no_answer, deadline),
        site_href: format!("/sites/{}", site.id.as_uuid()),
        host: format!("{} ({})", host.name, host.city),
        address: site.address,
        house_rules: site.house_rules,
        contact: site.contact_email,
        site: site.name,
        dates: w.range(stay.start_date, stay.end_date),
        days: if stay.days.is_empty() { String::new() } else { w.desk_days(stay.days.len() as u64) },
        held: stay.days.iter().map(|d| w.date(*d)).collect(),
        purpose: stay.purpose.clone(),
        reason: stay.decline_reason.as_ref().or(stay.cancel_reason.as_ref()).map(ToString::to_string),
        checked_in: stay.checked_in,
        no_show: stay.no_show,
        own,
        can_cancel: own && ahead,
        calendar: stay.status == StayStatus::Approved && (own || caller.admin_of(stay.host_cluster)),
        events,
        meeting,
        decision,
        decline_error: query.get("decline_error").to_owned(),
        letter,
        face,
        new_dates,
        history: stay.history.iter().map(|h| super::stays::history_line(w, h, zone.name())).collect(),
    };
    html(status, &page)
}

#[cfg(test)]
mod tests {
    use super::shortened;

    #[test]
    fn a_long_text_is_cut_at_a_word_end() {
        assert_eq!(shortened("Short enough.", 200), "Short enough.");
        assert_eq!(shortened("Zażółć gęślą jaźń, and more words here", 20), "Zażółć gęślą jaźń…");
        assert_eq!(shortened("Oneverylongwordwithoutspaces", 10), "Oneverylon…");
    }
}
