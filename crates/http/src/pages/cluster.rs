//! A cluster's own pages, for its admins and for network admins (who start
//! a network's clusters and help them): `/clusters/{id}` with its sites
//! (add one; each site's settings are `/host/sites/{id}`) and its admins
//! (appoint, remove, never the last), and `/clusters/{id}/members` with
//! its members (invite one, import many from a CSV file with a preview,
//! set how long the cluster vouches for each, make admin, revoke). Every
//! form goes through the same parser as the API ([`crate::input`]); a
//! refusal is told in the viewer's language with what was typed kept.

use super::confirm::{Ask, confirmed};
use super::page::Page;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{Datelike, Days, NaiveDate};
use deskvisa_rules::{ClusterId, Locale, MemberId, MemberStatus};
use deskvisa_service::{Caller, ClusterRecord, ImportRow, ImportVerdict, Role, Service, ServiceError, SiteRecord};

use super::form::{Fields, FormRefusal, Shown, SignedForm};
use super::host::{HostNav, cluster_nav};
use super::view::{Chrome, html};
use super::{PageError, Viewer, Words, redirect, told};
use crate::api::member_file::{self, FileProblem, FileRow};
use crate::input::{self, AdminRequest, FieldError, MeRequest, MemberRequest, SiteForm};

/// What a cluster's page works on: who runs it, the cluster, its sites.
struct Running<'a> {
    caller: &'a Caller,
    cluster: ClusterRecord,
    sites: Vec<SiteRecord>,
}

/// The cluster, for its admins and network admins; 403 for others.
async fn running<'a>(service: &Service, viewer: &'a Viewer, id: &str) -> Result<Running<'a>, PageError> {
    let caller = viewer.caller()?;
    let id: ClusterId = crate::extract::id(id, ClusterId::parse)?;
    let (cluster, sites) = service.cluster_with_sites(id).await?;
    if !caller.admin_of(id) && !caller.network_admin {
        return Err(ServiceError::Forbidden.into());
    }
    Ok(Running { caller, cluster, sites })
}

const WEEKDAY_NAMES: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// The seven weekdays as checkboxes: value, label, ticked.
pub(super) fn weekday_boxes(w: &Words, ticked: &[String]) -> Vec<(&'static str, &'static str, bool)> {
    let monday = NaiveDate::from_isoywd_opt(2027, 1, chrono::Weekday::Mon).unwrap_or_default();
    WEEKDAY_NAMES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let day = (monday + Days::new(i as u64)).weekday();
            (*name, w.weekday(day).1, ticked.iter().any(|t| t == name))
        })
        .collect()
}

/// A site's form (adding one, or its settings), read by the API's parser.
pub(super) fn site_form(form: SiteForm) -> Result<deskvisa_service::NewSite, Vec<FieldError>> {
    form.request().map_err(|e| vec![e])?.parse()
}

// ---------------------------------------------------------- the cluster

/// A site on the cluster's page.
struct SiteLine {
    id: String,
    name: String,
    address: String,
    desks: u32,
    open: String,
}

/// An admin on the cluster's page.
struct AdminLine {
    id: String,
    name: String,
    email: String,
    status: &'static str,
}

/// The add-a-site form's values.
struct SiteDraft {
    name: String,
    address: String,
    timezone: String,
    desks: String,
    weekdays: Vec<(&'static str, &'static str, bool)>,
    contact_email: String,
    house_rules: String,
}

#[derive(Template)]
#[template(path = "cluster.html")]
struct ClusterPage {
    c: Chrome,
    nav: HostNav,
    id: String,
    name: String,
    place: String,
    status_words: &'static str,
    sites: Vec<SiteLine>,
    admins: Vec<AdminLine>,
    site: SiteDraft,
    site_refused: FormRefusal,
    admin_email: String,
    admin_name: String,
    admin_refused: FormRefusal,
}

/// Which form of the cluster's page was refused, with what was typed.
enum ClusterForm<'a> {
    None,
    Site(&'a Fields, FormRefusal),
    Admin(&'a Fields, FormRefusal),
}

async fn cluster_page_with(
    service: &Service,
    viewer: &Viewer,
    id: &str,
    query: &Fields,
    form: ClusterForm<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let Running { caller, cluster, sites } = running(service, viewer, id).await?;
    let admins = service
        .members_of(caller, cluster.id)
        .await?
        .into_iter()
        .filter(|(_, roles)| roles.contains(&Role::ClusterAdmin))
        .map(|(m, _)| AdminLine {
            id: m.id.as_uuid().to_string(),
            status: w.member_status(m.status),
            email: m.email.to_string(),
            name: m.name,
        })
        .collect();
    let (site_fields, site_refused, admin_fields, admin_refused) = match form {
        ClusterForm::None => (None, FormRefusal::default(), None, FormRefusal::default()),
        ClusterForm::Site(f, e) => (Some(f), e, None, FormRefusal::default()),
        ClusterForm::Admin(f, e) => (None, FormRefusal::default(), Some(f), e),
    };
    let typed = |f: Option<&Fields>, name: &str, default: String| f.map_or(default, |f| f.get(name).to_owned());
    let ticked: Vec<String> = match site_fields {
        Some(f) => f.all("open").map(str::to_owned).collect(),
        None => ["mon", "tue", "wed", "thu", "fri"].iter().map(|d| (*d).to_owned()).collect(),
    };
    let here = format!("/clusters/{}", cluster.id.as_uuid());
    let page = ClusterPage {
        c: Chrome::new(viewer, format!("{} — {}", w.cluster_admin_title, cluster.name), "host").done(query),
        nav: cluster_nav(w, caller, cluster.id, &sites, &here),
        id: cluster.id.as_uuid().to_string(),
        place: format!("{}, {}", cluster.city, cluster.country),
        status_words: w.cluster_status(cluster.status),
        sites: sites
            .iter()
            .map(|s| SiteLine {
                id: s.id.as_uuid().to_string(),
                name: s.name.clone(),
                address: s.address.clone(),
                desks: s.desks.get(),
                open: super::site::open_days(w, s),
            })
            .collect(),
        admins,
        site: SiteDraft {
            name: typed(site_fields, "name", String::new()),
            address: typed(site_fields, "address", String::new()),
            timezone: typed(site_fields, "timezone", cluster.timezone.name().to_owned()),
            desks: typed(site_fields, "desks", "4".to_owned()),
            weekdays: weekday_boxes(w, &ticked),
            contact_email: typed(site_fields, "contact_email", String::new()),
            house_rules: typed(site_fields, "house_rules", String::new()),
        },
        site_refused,
        admin_email: typed(admin_fields, "email", String::new()),
        admin_name: typed(admin_fields, "name", String::new()),
        admin_refused,
        name: cluster.name,
    };
    html(status, &page)
}

/// `GET /clusters/{id}`.
pub(crate) async fn page(Page { service, viewer, query }: Page, Path(id): Path<String>) -> Result<Response, PageError> {
    cluster_page_with(&service, &viewer, &id, &query, ClusterForm::None, StatusCode::OK).await
}

/// `POST /clusters/{id}/sites`: adds a site (every field the API takes).
pub(crate) async fn add_site(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, form }: SignedForm<SiteForm>,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let run = running(&service, &viewer, &id).await?;
    let none = Fields::default();
    let parsed = site_form(form);
    let refused = |refusal: FormRefusal, status| {
        cluster_page_with(&service, &viewer, &id, &none, ClusterForm::Site(&fields, refusal), status)
    };
    let new = match parsed {
        Ok(new) => new,
        Err(e) => return refused(FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST).await,
    };
    match service.create_site(run.caller, run.cluster.id, new).await {
        Ok(site) => Ok(redirect(&format!("/host/sites/{}?done=saved", site.id.as_uuid()))),
        Err(e) => refused(FormRefusal::says(told(w, e)?), StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// `POST /clusters/{id}/admins`: appoints an admin (`email`, `name`),
/// inviting them as the cluster's member first if they are not one.
pub(crate) async fn appoint_admin(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, form }: SignedForm<AdminRequest>,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let run = running(&service, &viewer, &id).await?;
    let none = Fields::default();
    let refused = |refusal: FormRefusal, status| {
        cluster_page_with(&service, &viewer, &id, &none, ClusterForm::Admin(&fields, refusal), status)
    };
    let (email, name) = match form.parse() {
        Ok(admin) => admin,
        Err(e) => return refused(FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST).await,
    };
    match service.add_cluster_admin(run.caller, run.cluster.id, email, name).await {
        Ok(_) => Ok(redirect(&format!("/clusters/{id}?done=saved#admins"))),
        Err(e) => refused(FormRefusal::says(told(w, e)?), StatusCode::CONFLICT).await,
    }
}

/// `POST /clusters/{id}/admins/{member}/remove`: never the last admin.
pub(crate) async fn remove_admin(
    Path((id, member)): Path<(String, String)>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let run = running(&service, &viewer, &id).await?;
    let member: MemberId = crate::extract::id(&member, MemberId::parse)?;
    match service.remove_cluster_admin(run.caller, run.cluster.id, member).await {
        Ok(()) => Ok(redirect(&format!("/clusters/{id}?done=saved#admins"))),
        Err(e) => {
            let refusal = FormRefusal::says(told(w, e)?);
            let none = Fields::default();
            cluster_page_with(&service, &viewer, &id, &none, ClusterForm::Admin(&fields, refusal), StatusCode::CONFLICT)
                .await
        }
    }
}

// --------------------------------------------------------------- members

/// A member on the list.
struct MemberLine {
    id: String,
    name: String,
    email: String,
    company: String,
    status: &'static str,
    admin: bool,
    revoked: bool,
    vouched_until: String,
    vouched_words: String,
    /// The viewer may change this member: a cluster's admin runs its
    /// members, not network admins and not themselves.
    changeable: bool,
}

#[derive(Template)]
#[template(path = "cluster_members.html")]
struct MembersPage {
    c: Chrome,
    nav: HostNav,
    id: String,
    name: String,
    members: Vec<MemberLine>,
    email: String,
    member_name: String,
    company: String,
    polish: bool,
    refused: FormRefusal,
    import_error: Option<String>,
}

/// Which form of the members page was refused.
enum MembersForm<'a> {
    None,
    Invite(&'a Fields, FormRefusal),
    Import(String),
    Row(String),
}

async fn members_page_with(
    service: &Service,
    viewer: &Viewer,
    id: &str,
    query: &Fields,
    form: MembersForm<'_>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let Running { caller, cluster, sites } = running(service, viewer, id).await?;
    let members = service
        .members_of(caller, cluster.id)
        .await?
        .into_iter()
        .map(|(m, roles)| MemberLine {
            id: m.id.as_uuid().to_string(),
            email: m.email.to_string(),
            company: m.company,
            status: w.member_status(m.status),
            admin: roles.contains(&Role::ClusterAdmin),
            revoked: m.status == MemberStatus::Revoked,
            vouched_until: m.vouched_until.map(|d| d.to_string()).unwrap_or_default(),
            vouched_words: m.vouched_until.map_or_else(|| w.no_end.to_owned(), |d| w.date(d)),
            changeable: caller.network_admin || (m.id != caller.member && !roles.contains(&Role::NetworkAdmin)),
            name: m.name,
        })
        .collect();
    let (invite, refused, import_error) = match form {
        MembersForm::None => (None, FormRefusal::default(), None),
        MembersForm::Invite(f, e) => (Some(f), e, None),
        MembersForm::Row(e) => (None, FormRefusal::says(e), None),
        MembersForm::Import(e) => (None, FormRefusal::default(), Some(e)),
    };
    let typed = |name: &str| invite.map(|f| f.get(name).to_owned()).unwrap_or_default();
    let here = format!("/clusters/{}/members", cluster.id.as_uuid());
    let page = MembersPage {
        c: Chrome::new(viewer, format!("{} — {}", w.host_members, cluster.name), "host").done(query),
        nav: cluster_nav(w, caller, cluster.id, &sites, &here),
        id: cluster.id.as_uuid().to_string(),
        name: cluster.name,
        members,
        email: typed("email"),
        member_name: typed("name"),
        company: typed("company"),
        polish: invite.map_or(viewer.locale == Locale::Pl, |f| f.get("locale") == "pl"),
        refused,
        import_error,
    };
    html(status, &page)
}

/// `GET /clusters/{id}/members`.
pub(crate) async fn members(
    Page { service, viewer, query }: Page,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    members_page_with(&service, &viewer, &id, &query, MembersForm::None, StatusCode::OK).await
}

/// `POST /clusters/{id}/members`: invites a member (a welcome email with a
/// sign-in link).
pub(crate) async fn invite(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, form }: SignedForm<MemberRequest>,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let run = running(&service, &viewer, &id).await?;
    let none = Fields::default();
    let refused = |refusal: FormRefusal, status| {
        members_page_with(&service, &viewer, &id, &none, MembersForm::Invite(&fields, refusal), status)
    };
    let new = match form.parse() {
        Ok(new) => new,
        Err(e) => return refused(FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST).await,
    };
    match service.invite_member(run.caller, run.cluster.id, new).await {
        Ok(_) => Ok(redirect(&format!("/clusters/{id}/members?done=invited"))),
        Err(e) => refused(FormRefusal::says(told(w, e)?), StatusCode::CONFLICT).await,
    }
}

/// `POST /clusters/{id}/members/{member}/{vouch|revoke|admin}`.
pub(crate) async fn act_on_member(
    Path((id, member, action)): Path<(String, String, String)>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let run = running(&service, &viewer, &id).await?;
    let member: MemberId = crate::extract::id(&member, MemberId::parse)?;
    let none = Fields::default();
    let done = match action.as_str() {
        "vouch" => {
            let until = match fields.optional("vouched_until").map(|d| input::date("vouched_until", d)).transpose() {
                Ok(until) => until,
                Err(e) => {
                    let error = MembersForm::Row(w.field_error(&e));
                    return members_page_with(&service, &viewer, &id, &none, error, StatusCode::BAD_REQUEST).await;
                }
            };
            service.set_vouched_until(run.caller, run.cluster.id, member, until).await.map(drop)
        }
        "revoke" if !confirmed(&fields) => {
            let record = service.member(member).await?;
            let ask = Ask {
                title: w.confirm_revoke_title.to_owned(),
                consequence: w.revoke_consequence(&record.name, &record.email.to_string()),
                yes: w.confirm_revoke.to_owned(),
                back: format!("/clusters/{id}/members#member-{}", member.as_uuid()),
            };
            let action = format!("/clusters/{id}/members/{}/revoke", member.as_uuid());
            return super::confirm::ask(&viewer, "host", action, &fields, ask);
        }
        "revoke" => service.revoke_member(run.caller, run.cluster.id, member).await.map(drop),
        "restore" => service.restore_member(run.caller, run.cluster.id, member).await.map(drop),
        "admin" => {
            let record = service.member(member).await?;
            service.add_cluster_admin(run.caller, run.cluster.id, record.email, record.name).await.map(drop)
        }
        _ => return Err(ServiceError::NotFound.into()),
    };
    match done {
        Ok(()) => Ok(redirect(&format!("/clusters/{id}/members?done=saved#member-{}", member.as_uuid()))),
        Err(e) => {
            let error = MembersForm::Row(told(w, e)?);
            members_page_with(&service, &viewer, &id, &none, error, StatusCode::CONFLICT).await
        }
    }
}

// ---------------------------------------------------------------- import

/// A members file posted from the members page (`multipart/form-data`),
/// its form token checked as every signed-in form's is.
pub(crate) struct SignedUpload {
    viewer: Viewer,
    /// The file's bytes; `None` when it was larger than a file may be.
    file: Option<Vec<u8>>,
}

impl FromRequest<Service> for SignedUpload {
    type Rejection = PageError;

    async fn from_request(req: Request, service: &Service) -> Result<Self, Self::Rejection> {
        let viewer = req.extensions().get::<Viewer>().cloned().ok_or(PageError::SignIn)?;
        let session = viewer.session.clone().ok_or(PageError::SignIn)?;
        crate::extract::same_origin(req.headers(), service.public_url())?;
        let bad = || PageError::Problem(crate::problem::Problem::malformed("the file could not be read"));
        let mut multipart = Multipart::from_request(req, service).await.map_err(|_| bad())?;
        let (mut token, mut file) = (String::new(), Some(Vec::new()));
        while let Some(mut field) = multipart.next_field().await.map_err(|_| bad())? {
            match field.name() {
                Some(super::form::FIELD) => token = field.text().await.map_err(|_| bad())?,
                Some("file") => {
                    while let Some(chunk) = field.chunk().await.map_err(|_| bad())? {
                        if let Some(bytes) = file.as_mut() {
                            bytes.extend_from_slice(&chunk);
                            if bytes.len() > member_file::MAX_FILE_BYTES {
                                file = None;
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
        Ok(SignedUpload { viewer, file })
    }
}

/// A row of the preview.
struct PreviewLine {
    line: usize,
    email: String,
    name: String,
    verdict: &'static str,
    words: String,
}

#[derive(Template)]
#[template(path = "cluster_import.html")]
struct ImportPage {
    c: Chrome,
    nav: HostNav,
    id: String,
    name: String,
    rows: Vec<PreviewLine>,
    summary: String,
    to_add: usize,
    csv: String,
}

/// The file's members, and what the cluster makes of each row.
fn verdict_words(w: &Words, row: &FileRow, verdict: Option<ImportVerdict>) -> (&'static str, String) {
    match (&row.parsed, verdict) {
        (Err(e), _) => ("refused", format!("{}: {}", w.refused_word, w.field_error(e))),
        (Ok(_), Some(ImportVerdict::Add)) => ("add", w.verdict_add.to_owned()),
        (Ok(_), Some(ImportVerdict::AlreadyMember)) => ("member", w.verdict_member.to_owned()),
        (Ok(_), Some(ImportVerdict::EmailTaken)) => ("refused", format!("{}: {}", w.refused_word, w.email_taken)),
        (Ok(_), Some(ImportVerdict::RepeatsLine(line))) => ("refused", w.repeats_line(line)),
        (Ok(_), Some(ImportVerdict::VouchedUntilOutOfRange(out))) => (
            "refused",
            format!("{}: {}", w.refused_word, w.date_out_of_range(w.vouched_until, out.earliest, out.latest)),
        ),
        (Ok(_), None) => ("refused", w.refused_word.to_owned()),
    }
}

/// The file read, or the page saying why it cannot be.
fn read_file(w: &Words, file: Option<&[u8]>) -> Result<Vec<FileRow>, String> {
    match file {
        None => Err(w.file_problem(&FileProblem::TooLarge)),
        Some(bytes) => member_file::parse(bytes).map_err(|p| w.file_problem(&p)),
    }
}

fn rows_of(file: &[FileRow]) -> Vec<ImportRow> {
    file.iter().filter_map(|r| r.parsed.as_ref().ok().cloned()).collect()
}

/// `POST /clusters/{id}/members/import`: the preview, row by row.
pub(crate) async fn import_preview(
    State(service): State<Service>,
    Path(id): Path<String>,
    SignedUpload { viewer, file }: SignedUpload,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let Running { caller, cluster, sites } = running(&service, &viewer, &id).await?;
    let none = Fields::default();
    let file_rows = match read_file(w, file.as_deref()) {
        Ok(rows) => rows,
        Err(error) => {
            return members_page_with(
                &service,
                &viewer,
                &id,
                &none,
                MembersForm::Import(error),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    let rows = rows_of(&file_rows);
    let verdicts = service.preview_import(caller, cluster.id, &rows).await?;
    let mut by_line = rows.iter().map(|r| r.line).zip(verdicts);
    let mut lines = Vec::new();
    let (mut add, mut already, mut refused) = (0, 0, 0);
    for row in &file_rows {
        let verdict = row.parsed.as_ref().ok().and_then(|_| by_line.next().map(|(_, v)| v));
        let (class, words) = verdict_words(w, row, verdict);
        match class {
            "add" => add += 1,
            "member" => already += 1,
            _ => refused += 1,
        }
        lines.push(PreviewLine {
            line: row.line,
            email: row.email.clone(),
            name: row.name.clone(),
            verdict: class,
            words,
        });
    }
    let here = format!("/clusters/{}/members", cluster.id.as_uuid());
    let page = ImportPage {
        c: Chrome::new(&viewer, format!("{} — {}", w.import_preview_title, cluster.name), "host"),
        nav: cluster_nav(w, caller, cluster.id, &sites, &here),
        id: cluster.id.as_uuid().to_string(),
        name: cluster.name,
        rows: lines,
        summary: w.import_summary(add, already, refused),
        to_add: add,
        csv: String::from_utf8_lossy(file.as_deref().unwrap_or_default()).into_owned(),
    };
    html(StatusCode::OK, &page)
}

/// `POST /clusters/{id}/members/import/confirm` (the file's text, carried
/// by the preview): adds every acceptable row in one transaction.
pub(crate) async fn import_confirm(
    Path(id): Path<String>,
    SignedForm { service, viewer, fields, .. }: SignedForm,
) -> Result<Response, PageError> {
    let w = viewer.words();
    let run = running(&service, &viewer, &id).await?;
    let none = Fields::default();
    // The text as the preview showed it (a form's line breaks are CRLF).
    let text = fields.0.iter().find(|(k, _)| k == "csv").map(|(_, v)| v.as_str()).unwrap_or_default();
    let file_rows = match read_file(w, Some(text.as_bytes())) {
        Ok(rows) => rows,
        Err(error) => {
            return members_page_with(
                &service,
                &viewer,
                &id,
                &none,
                MembersForm::Import(error),
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
    };
    match service.import_members(run.caller, run.cluster.id, &rows_of(&file_rows)).await {
        Ok(_) => Ok(redirect(&format!("/clusters/{id}/members?done=imported"))),
        Err(e) => {
            let error = MembersForm::Import(told(w, e)?);
            members_page_with(&service, &viewer, &id, &none, error, StatusCode::CONFLICT).await
        }
    }
}

// ---------------------------------------------------------------- me

#[derive(Template)]
#[template(path = "me.html")]
struct MePage {
    c: Chrome,
    name: String,
    email: String,
    polish: bool,
    home: Option<String>,
    roles: Vec<&'static str>,
    /// May the host's firms see me while I visit.
    open_to_meet: bool,
    /// My home cluster's firms to choose from (id, name, mine), and the page
    /// of mine if I answer for it.
    firms: Vec<(String, String, bool)>,
    /// A calendar feed's secret URL, shown once, right after it was made.
    feed_url: Option<String>,
    refused: FormRefusal,
}

async fn me_page_with(
    service: &Service,
    viewer: &Viewer,
    shown: Shown<'_, FormRefusal>,
) -> Result<Response, PageError> {
    me_page_showing(service, viewer, shown, None).await
}

async fn me_page_showing(
    service: &Service,
    viewer: &Viewer,
    shown: Shown<'_, FormRefusal>,
    feed_url: Option<String>,
) -> Result<Response, PageError> {
    let Shown { query, typed: fields, refusal: refused, status } = shown;
    let caller = viewer.caller()?;
    let w = viewer.words();
    let me = service.member(caller.member).await?;
    let home = match me.cluster_id {
        Some(home) => Some(service.cluster_with_sites(home).await?.0.name),
        None => None,
    };
    let mut roles = Vec::new();
    if caller.cluster.is_none() {
        roles.push(w.network_staff);
    }
    if caller.cluster_admin {
        roles.push(w.role_cluster_admin);
    }
    if caller.network_admin {
        roles.push(w.role_network_admin);
    }
    let firms = match me.cluster_id {
        Some(home) => service
            .firms_of(caller, home)
            .await?
            .into_iter()
            .map(|f| (f.id.as_uuid().to_string(), f.profile.name, me.firm == Some(f.id)))
            .collect(),
        None => Vec::new(),
    };
    let page = MePage {
        c: Chrome::new(viewer, w.me_title, "me").done(query),
        open_to_meet: fields.map_or(me.open_to_meet, |f| f.ticked("open_to_meet")),
        firms,
        feed_url,
        name: fields.map_or(me.name.clone(), |f| f.get("name").to_owned()),
        email: me.email.to_string(),
        polish: fields.map_or(me.locale == Locale::Pl, |f| f.get("locale") == "pl"),
        home,
        roles,
        refused,
    };
    html(status, &page)
}

/// `GET /me`: my name and language.
pub(crate) async fn me(Page { service, viewer, query }: Page) -> Result<Response, PageError> {
    me_page_with(&service, &viewer, Shown::fresh(&query)).await
}

/// `POST /me/calendar-feed`: a new calendar feed, its URL shown this once.
pub(crate) async fn make_feed(SignedForm { service, viewer, .. }: SignedForm) -> Result<Response, PageError> {
    let url = service.create_calendar_feed(viewer.caller()?).await?;
    me_page_showing(&service, &viewer, Shown::fresh(Fields::none()), Some(url)).await
}

/// `POST /me/calendar-feed/revoke`.
pub(crate) async fn revoke_feed(SignedForm { service, viewer, .. }: SignedForm) -> Result<Response, PageError> {
    service.revoke_calendar_feed(viewer.caller()?).await?;
    Ok(redirect("/me?done=saved"))
}

/// `POST /me`: saves them; the pages follow the language chosen.
pub(crate) async fn save_me(
    SignedForm { service, viewer, fields, form }: SignedForm<MeRequest>,
) -> Result<Response, PageError> {
    let caller = viewer.caller()?;
    let w = viewer.words();
    let _none = Fields::default();
    // Both are asked for on this page; the API may change either alone.
    let parsed = form.parse().and_then(|(name, locale)| {
        let name = name.map_or_else(|| input::text("name", "", input::MAX_NAME_CHARS), Ok).map_err(|e| vec![e])?;
        Ok((name, locale.unwrap_or_default()))
    });
    let (name, locale) = match parsed {
        Ok(me) => me,
        Err(e) => {
            return me_page_with(
                &service,
                &viewer,
                Shown::again(&fields, FormRefusal::fields(w, &e), StatusCode::BAD_REQUEST),
            )
            .await;
        }
    };
    service.update_me(caller, Some(name), Some(locale), Some(fields.ticked("open_to_meet"))).await?;
    if let Some(home) = caller.cluster {
        let chosen =
            fields.optional("firm_id").map(|f| crate::extract::id(f, deskvisa_rules::FirmId::parse)).transpose()?;
        if service.member(caller.member).await?.firm != chosen {
            service.set_member_firm(caller, home, caller.member, chosen).await?;
        }
    }
    // A language chosen with the switcher would hide the one just saved.
    let mut response = redirect("/me?done=saved");
    response.headers_mut().append(axum::http::header::SET_COOKIE, crate::cookies::lang_cleared());
    Ok(response)
}
