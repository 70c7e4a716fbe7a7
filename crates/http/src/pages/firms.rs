//! The firm directory on the pages (issue 21): `/firms` searches it (the
//! same search as `GET /api/v1/firms`) and lets a cluster's admin add a
//! firm; `/firms/{id}` shows a firm, lets its contact and its cluster's
//! admins change its profile (the same parser as the API), and lets a
//! visitor with an approved stay at its cluster ask for an introduction.

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use deskvisa_rules::{ClusterId, Continent, FieldTag, FirmId, SearchTerms, StayStatus, Tags};
use deskvisa_service::{Caller, FirmPatch, FirmQuery, FirmRecord, PageRequest, Service};

use super::form::{Fields, FormRefusal, Shown, SignedForm};
use super::page::Page;
use super::view::{Chrome, html};
use super::{PageError, Viewer, Words, redirect};
use crate::input::FirmForm;

/// Firms a directory page shows.
const FIRMS_SHOWN: u64 = 30;

/// A list of tags in the viewer's language: the vocabulary's by their
/// names, the firm's own as written.
pub(super) fn tag_words(w: &Words, tags: &Tags) -> String {
    tags.fields()
        .map(|t| deskvisa_words::field_name(w.locale(), t).to_owned())
        .chain(tags.free().map(|t| t.as_str().to_owned()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A firm as the directory lists it.
struct FirmCard {
    id: String,
    name: String,
    cluster: String,
    city: String,
    offers: String,
    open: bool,
}

/// A field of the vocabulary as a choice: its tag, its name, whether chosen.
struct Choice {
    tag: &'static str,
    name: &'static str,
    offered: bool,
    sought: bool,
}

#[derive(Template)]
#[template(path = "firms.html")]
struct DirectoryPage<'a> {
    c: Chrome,
    q: String,
    tag: String,
    continent: String,
    fields: Vec<Choice>,
    continents: Vec<(&'static str, &'static str)>,
    firms: Vec<FirmCard>,
    next: Option<String>,
    problem: Option<String>,
    /// The viewer's cluster, where they may add a firm (its admins).
    adds_to: Option<String>,
    typed: &'a Fields,
    refused: FormRefusal,
}

#[derive(Template)]
#[template(path = "firm.html")]
struct FirmPage {
    c: Chrome,
    id: String,
    name: String,
    cluster: String,
    city: String,
    website: Option<String>,
    about: String,
    offers: String,
    seeks: String,
    languages: String,
    open: bool,
    has_contact: bool,
    /// The viewer's approved stays at the firm's cluster still to end.
    stays: Vec<(String, String)>,
    /// The viewer may change the profile: the form, filled.
    editable: bool,
    form: FirmFormView,
    refused: FormRefusal,
}

/// The profile form's values: the profile, or what was typed when refused.
struct FirmFormView {
    name: String,
    website: String,
    about: String,
    fields: Vec<Choice>,
    offers_free: String,
    seeks_free: String,
    languages: String,
    city: String,
    open: bool,
}

/// The vocabulary as choices, ticked as `offers` and `seeks` hold them.
fn choices(w: &Words, offers: &Tags, seeks: &Tags) -> Vec<Choice> {
    FieldTag::ALL
        .iter()
        .map(|t| Choice {
            tag: t.as_str(),
            name: deskvisa_words::field_name(w.locale(), *t),
            offered: offers.fields().any(|o| o == *t),
            sought: seeks.fields().any(|s| s == *t),
        })
        .collect()
}

/// The profile form filled again with what was typed.
fn typed_form(t: &Fields, w: &Words) -> FirmFormView {
    FirmFormView {
        name: t.get("name").to_owned(),
        website: t.get("website").to_owned(),
        about: t.get("about").to_owned(),
        fields: FieldTag::ALL
            .iter()
            .map(|f| Choice {
                tag: f.as_str(),
                name: deskvisa_words::field_name(w.locale(), *f),
                offered: t.all("offers").any(|o| o == f.as_str()),
                sought: t.all("seeks").any(|o| o == f.as_str()),
            })
            .collect(),
        offers_free: t.get("offers_free").to_owned(),
        seeks_free: t.get("seeks_free").to_owned(),
        languages: t.get("languages").to_owned(),
        city: t.get("city").to_owned(),
        open: t.ticked("open_to_visitors"),
    }
}

impl DirectoryPage<'_> {
    /// The form that adds a firm: empty, or as typed when refused.
    fn add_form(&self) -> FirmFormView {
        typed_form(self.typed, self.c.w)
    }
}

/// The names of the clusters, by id.
async fn cluster_names(service: &Service) -> Result<std::collections::HashMap<ClusterId, String>, PageError> {
    Ok(service.map().await?.clusters.iter().map(|(c, _)| (c.id, c.name.clone())).collect())
}

/// `GET /firms`.
pub(crate) async fn directory(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    directory_with(&service, &viewer, Shown::fresh(&query)).await
}

async fn directory_with(
    service: &Service,
    viewer: &Viewer,
    shown: Shown<'_, FormRefusal>,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let query = shown.query;
    let (q, tag, continent) = (query.get("q"), query.get("tag"), query.get("continent"));
    let mut problem = None;
    let terms = SearchTerms::parse(q).unwrap_or_else(|e| {
        problem = Some(e.to_string());
        None
    });
    let firm_query = FirmQuery {
        terms,
        tag: Tags::parse(Some(tag).filter(|t| !t.is_empty())).ok().and_then(|t| t.texts().into_iter().next()),
        continent: Continent::parse(continent).ok(),
        ..FirmQuery::default()
    };
    let after = query.optional("after").and_then(|a| FirmId::parse(a).ok());
    let page = service.search_firms(caller, firm_query, PageRequest { after, limit: FIRMS_SHOWN }).await?;
    let names = cluster_names(service).await?;
    let firms = page
        .items
        .iter()
        .map(|f| FirmCard {
            id: f.id.as_uuid().to_string(),
            name: f.profile.name.clone(),
            cluster: names.get(&f.cluster).cloned().unwrap_or_default(),
            city: f.profile.city.clone(),
            offers: tag_words(w, &f.profile.interests.offers),
            open: f.profile.open_to_visitors,
        })
        .collect();
    let next = page.next.map(|id| {
        let keep =
            |k: &str, v: &str| format!("{k}={}", form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>());
        format!("/firms?{}&{}&{}&after={id}", keep("q", q), keep("tag", tag), keep("continent", continent))
    });
    let adds_to = match caller.cluster.filter(|_| caller.cluster_admin) {
        Some(home) => names.get(&home).cloned(),
        None => None,
    };
    let page = DirectoryPage {
        c: Chrome::new(viewer, w.nav_firms, "firms").done(query),
        q: q.to_owned(),
        tag: tag.to_owned(),
        continent: continent.to_owned(),
        fields: choices(w, &Tags::default(), &Tags::default()),
        continents: Continent::ALL.iter().map(|k| (k.as_str(), w.continent(*k))).collect(),
        firms,
        next,
        problem,
        adds_to,
        typed: shown.typed.unwrap_or(Fields::none()),
        refused: shown.refusal,
    };
    html(shown.status, &page)
}

/// `POST /firms`: a cluster's admin adds a firm of their cluster.
pub(crate) async fn add(
    SignedForm { service, viewer, fields, form }: SignedForm<FirmForm>,
) -> Result<Response, PageError> {
    let caller = viewer.cluster_admin()?;
    let home = caller.cluster.ok_or(deskvisa_service::ServiceError::Forbidden)?;
    let w = viewer.words();
    let again = |refused, status| directory_with(&service, &viewer, Shown::again(&fields, refused, status));
    let profile = match form.request().parse() {
        Ok(profile) => profile,
        Err(e) => return again(FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST).await,
    };
    match service.create_firm(caller, home, profile).await {
        Ok(firm) => Ok(redirect(&format!("/firms/{}?done=saved", firm.id))),
        Err(e) => again(FormRefusal::says(super::told(w, e)?), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

fn firm_id(id: &str) -> Result<FirmId, PageError> {
    Ok(crate::extract::id(id, FirmId::parse)?)
}

/// Whether `caller` may change the firm's profile.
fn edits(caller: &Caller, firm: &FirmRecord) -> bool {
    caller.network_admin || caller.admin_of(firm.cluster) || firm.profile.contact == Some(caller.member)
}

/// `GET /firms/{id}`.
pub(crate) async fn page(Page { service, viewer, query }: Page, Path(id): Path<String>) -> Result<Response, PageError> {
    firm_page(&service, &viewer, firm_id(&id)?, Shown::fresh(&query)).await
}

async fn firm_page(
    service: &Service,
    viewer: &Viewer,
    id: FirmId,
    shown: Shown<'_, FormRefusal>,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let firm = service.firm(caller, id).await?;
    let (cluster, _) = service.cluster_with_sites(firm.cluster).await?;
    let mut stays = Vec::new();
    if firm.profile.open_to_visitors && firm.profile.contact.is_some_and(|c| c != caller.member) {
        for stay in service.my_stays(caller, 200, None).await? {
            let today = stay.facts.zone.date_at(service.now());
            if stay.host_cluster == firm.cluster
                && stay.status == StayStatus::Approved
                && !stay.no_show
                && stay.end_date >= today
            {
                stays.push((stay.id.as_uuid().to_string(), w.range(stay.start_date, stay.end_date)));
            }
        }
    }
    let p = &firm.profile;
    let free = |t: &Tags| t.free().map(|f| f.as_str().to_owned()).collect::<Vec<_>>().join(", ");
    let form = match shown.typed {
        Some(t) => typed_form(t, w),
        None => FirmFormView {
            name: p.name.clone(),
            website: p.website.as_ref().map(|u| u.as_str().to_owned()).unwrap_or_default(),
            about: p.about.as_str().to_owned(),
            fields: choices(w, &p.interests.offers, &p.interests.seeks),
            offers_free: free(&p.interests.offers),
            seeks_free: free(&p.interests.seeks),
            languages: p.languages.joined().replace(',', ", "),
            city: p.city.clone(),
            open: p.open_to_visitors,
        },
    };
    let page = FirmPage {
        c: Chrome::new(viewer, p.name.clone(), "firms").done(shown.query),
        id: firm.id.as_uuid().to_string(),
        name: p.name.clone(),
        cluster: format!("{} ({})", cluster.name, cluster.city),
        city: p.city.clone(),
        website: p.website.as_ref().map(|u| u.as_str().to_owned()),
        about: p.about.as_str().to_owned(),
        offers: tag_words(w, &p.interests.offers),
        seeks: tag_words(w, &p.interests.seeks),
        languages: p.languages.joined().replace(',', ", "),
        open: p.open_to_visitors,
        has_contact: p.contact.is_some(),
        stays,
        editable: edits(caller, &firm),
        form,
        refused: shown.refusal,
    };
    html(shown.status, &page)
}

/// `POST /firms/{id}`: its contact or its cluster's admins save its profile.
pub(crate) async fn save(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, form }: SignedForm<FirmForm>,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let id = firm_id(&id)?;
    let w = viewer.words();
    let again = |refused, status| firm_page(&service, &viewer, id, Shown::again(&fields, refused, status));
    let p = match form.request().parse() {
        Ok(profile) => profile,
        Err(e) => return again(FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST).await,
    };
    let patch = FirmPatch {
        name: Some(p.name),
        website: Some(p.website),
        about: Some(p.about),
        offers: Some(p.interests.offers),
        seeks: Some(p.interests.seeks),
        languages: Some(p.languages),
        city: Some(p.city),
        open_to_visitors: Some(p.open_to_visitors),
        contact: None,
    };
    match service.update_firm(caller, id, patch).await {
        Ok(_) => Ok(redirect(&format!("/firms/{id}?done=saved"))),
        Err(e) => again(FormRefusal::says(super::told(w, e)?), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}
