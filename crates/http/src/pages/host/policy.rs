//! The host policy: approval mode, answer window, what happens with no
//! answer, the stay limits, with the network's floors beside each.

use crate::pages::form::{Shown, SignedForm};
use crate::pages::page::Page;
use crate::pages::view::{Chrome, html};
use crate::pages::{PageError, Viewer, redirect};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::{ApprovalMode, NetworkPolicy, OnNoAnswer, PolicyDraft};
use deskvisa_service::{Service, ServiceError};

use super::*;

/// A number field of the policy form with its floor explained.
struct NumberField {
    name: &'static str,
    label: &'static str,
    value: String,
    min: u32,
    max: u32,
    floor: String,
}

#[derive(Template)]
#[template(path = "host_policy.html")]
struct PolicyPage {
    c: Chrome,
    nav: HostNav,
    guaranteed: String,
    numbers: Vec<NumberField>,
    manual: bool,
    expire: bool,
    breaches: Vec<String>,
    error: Option<String>,
    /// The letterhead: the postal address, and the admins who may sign
    /// (id, name, chosen).
    letterhead_address: String,
    signatories: Vec<(String, String, bool)>,
}

/// The policy's number fields: as typed when sent back, else as saved.
fn number_fields(
    w: &'static crate::pages::Words,
    policy: &PolicyDraft,
    fields: Option<&crate::pages::form::Fields>,
    g: u32,
) -> Vec<NumberField> {
    use deskvisa_rules::HostPolicy as P;
    let value = |name: &str, saved: u32| fields.map_or(saved.to_string(), |f| f.get(name).to_owned());
    vec![
        NumberField {
            name: "max_days_per_stay",
            label: w.max_days_per_stay,
            value: value("max_days_per_stay", policy.max_days_per_stay),
            min: g,
            max: P::MAX_DAYS_PER_STAY,
            floor: format!("{} {}", w.at_least, g),
        },
        NumberField {
            name: "stays_per_year",
            label: w.stays_per_year,
            value: value("stays_per_year", policy.stays_per_year),
            min: P::MIN_STAYS_PER_YEAR,
            max: P::MAX_STAYS_PER_YEAR,
            floor: format!("{} {}", w.at_least, P::MIN_STAYS_PER_YEAR),
        },
        NumberField {
            name: "min_notice_days",
            label: w.min_notice_days,
            value: value("min_notice_days", policy.min_notice_days),
            min: 0,
            max: P::MAX_MIN_NOTICE_DAYS,
            floor: format!("{} {}", w.at_most, P::MAX_MIN_NOTICE_DAYS),
        },
        NumberField {
            name: "horizon_days",
            label: w.horizon_days,
            value: value("horizon_days", policy.horizon_days),
            min: P::MIN_HORIZON_DAYS,
            max: P::MAX_HORIZON_DAYS,
            floor: format!("{} {}", w.at_least, P::MIN_HORIZON_DAYS),
        },
        NumberField {
            name: "answer_window_days",
            label: w.answer_window_days,
            value: value("answer_window_days", policy.answer_window_days),
            min: P::ANSWER_WINDOW_DAYS.0,
            max: P::ANSWER_WINDOW_DAYS.1,
            floor: format!("{}–{}", P::ANSWER_WINDOW_DAYS.0, P::ANSWER_WINDOW_DAYS.1),
        },
        NumberField {
            name: "offer_hold_hours",
            label: w.offer_hold_hours,
            value: value("offer_hold_hours", policy.offer_hold_hours),
            min: P::OFFER_HOLD_HOURS.0,
            max: P::OFFER_HOLD_HOURS.1,
            floor: format!("{}–{}", P::OFFER_HOLD_HOURS.0, P::OFFER_HOLD_HOURS.1),
        },
    ]
}

async fn policy_page_with(
    service: &Service,
    viewer: &Viewer,
    shown: Shown<'_, Vec<String>>,
) -> Result<Response, PageError> {
    let Shown { query, typed: fields, refusal: breaches, status } = shown;
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let sites = own_sites(service, caller).await?;
    let policy = *service.policy(own(caller)?).await?.draft();
    let network: NetworkPolicy = service.network_policy().await?;
    let g = network.guaranteed_days();
    let numbers = number_fields(w, &policy, fields, g);
    let manual = fields.map_or(policy.approval_mode == ApprovalMode::Manual, |f| f.get("approval_mode") != "auto");
    let expire = fields.map_or(policy.on_no_answer == OnNoAnswer::Expire, |f| f.get("on_no_answer") == "expire");
    let letterhead = service.letterhead(caller, own(caller)?).await?;
    let signatories = letterhead
        .admins
        .iter()
        .map(|a| (a.id.as_uuid().to_string(), a.name.clone(), letterhead.signatory == Some(a.id)))
        .collect();
    let page = PolicyPage {
        c: Chrome::new(viewer, w.host_policy, "host").done(query),
        nav: host_nav(w, own(caller)?, &sites, "/host/policy"),
        guaranteed: w.day_count(u64::from(g)),
        numbers,
        manual,
        expire,
        error: (!breaches.is_empty()).then(|| w.policy_refused.to_owned()),
        breaches,
        letterhead_address: letterhead.address,
        signatories,
    };
    html(status, &page)
}

/// `GET /host/policy`.
pub(crate) async fn policy_page(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    policy_page_with(&service, &viewer, Shown::fresh(&query)).await
}

/// `POST /host/policy`.
pub(crate) async fn save_policy(SignedForm { service, viewer, fields, .. }: SignedForm) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let w = viewer.words();
    let number = |name: &str| fields.get(name).parse::<u32>();
    let (Ok(max_days_per_stay), Ok(stays_per_year), Ok(min_notice_days), Ok(horizon_days), Ok(answer_window_days)) = (
        number("max_days_per_stay"),
        number("stays_per_year"),
        number("min_notice_days"),
        number("horizon_days"),
        number("answer_window_days"),
    ) else {
        let breaches = vec![w.bad_number.to_owned()];
        return policy_page_with(&service, &viewer, Shown::again(&fields, breaches, StatusCode::BAD_REQUEST)).await;
    };
    // A form from before the waitlist has no hold: the default.
    let offer_hold_hours = match fields.get("offer_hold_hours") {
        "" => deskvisa_rules::DEFAULT_OFFER_HOLD_HOURS,
        text => match text.parse::<u32>() {
            Ok(hours) => hours,
            Err(_) => {
                let breaches = vec![w.bad_number.to_owned()];
                let again = Shown::again(&fields, breaches, StatusCode::BAD_REQUEST);
                return policy_page_with(&service, &viewer, again).await;
            }
        },
    };
    let draft = PolicyDraft {
        offer_hold_hours,
        max_days_per_stay,
        stays_per_year,
        min_notice_days,
        horizon_days,
        approval_mode: if fields.get("approval_mode") == "auto" { ApprovalMode::Auto } else { ApprovalMode::Manual },
        answer_window_days,
        on_no_answer: if fields.get("on_no_answer") == "expire" { OnNoAnswer::Expire } else { OnNoAnswer::Approve },
    };
    match service.save_policy(caller, own(caller)?, draft).await {
        Ok(_) => Ok(redirect("/host/policy?done=saved")),
        Err(ServiceError::Policy(below)) => {
            let breaches = below.breaches.iter().map(|b| w.breach(b)).collect();
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            policy_page_with(&service, &viewer, Shown::again(&fields, breaches, status)).await
        }
        Err(e) => Err(e.into()),
    }
}
