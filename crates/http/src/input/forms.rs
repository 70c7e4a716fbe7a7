//! What the pages' forms send, read as typed structs (`axum-extra`'s
//! `Form`, which keeps repeated keys such as ticked weekdays) and turned
//! into the same requests the API reads ([`super::requests`]). A form
//! sends every value as typed text: numbers are read as people type them
//! (a decimal comma is a point), and text that is no number stays absent,
//! so the request's own limit refuses it with its field named.

use deskvisa_rules::WeekdaySet;
use serde::Deserialize;

use super::{ClusterRequest, EventRequest, FieldError, FirmRequest, MemberRequest, SiteRequest, weekdays};

/// Degrees typed into a form: `55,68` is `55.68`; anything else is absent.
fn degrees(typed: &str) -> Option<f64> {
    typed.trim().replace(',', ".").parse::<f64>().ok().filter(|d| d.is_finite())
}

/// A cluster with its first admin, as the network page sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ClusterForm {
    name: String,
    city: String,
    country: String,
    timezone: String,
    latitude: String,
    longitude: String,
    joined_on: String,
    admin_email: String,
    admin_name: String,
    admin_locale: String,
}

impl ClusterForm {
    /// The cluster and its first admin, as the API would receive them.
    pub(crate) fn requests(self) -> (ClusterRequest, MemberRequest) {
        let optional = |t: String| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
        let cluster = ClusterRequest {
            name: self.name.trim().to_owned(),
            city: self.city.trim().to_owned(),
            country: self.country.trim().to_owned(),
            timezone: self.timezone.trim().to_owned(),
            latitude: degrees(&self.latitude),
            longitude: degrees(&self.longitude),
            joined_on: optional(self.joined_on),
        };
        let admin = MemberRequest {
            email: self.admin_email.trim().to_owned(),
            name: self.admin_name.trim().to_owned(),
            company: String::new(),
            locale: optional(self.admin_locale),
        };
        (cluster, admin)
    }

    /// The first admin's refusals, named as this form names its fields.
    pub(crate) fn admin_fields(refused: Vec<FieldError>) -> Vec<FieldError> {
        refused
            .into_iter()
            .map(|e| match e.field {
                "email" => FieldError { field: "admin_email", ..e },
                "name" => FieldError { field: "admin_name", ..e },
                "locale" => FieldError { field: "admin_locale", ..e },
                _ => e,
            })
            .collect()
    }
}

/// A site, as the cluster page and a site's settings send it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct SiteForm {
    name: String,
    address: String,
    timezone: String,
    desks: String,
    /// The ticked weekdays (none is allowed, as in the API: such a site
    /// offers nothing).
    open: Vec<String>,
    contact_email: String,
    house_rules: String,
}

impl SiteForm {
    /// The site as the API would receive it; weekdays that are not ours
    /// (only a hand-made post sends them) are refused at once.
    pub(crate) fn request(self) -> Result<SiteRequest, FieldError> {
        let open: WeekdaySet = weekdays(self.open.iter().map(String::as_str))?;
        Ok(SiteRequest {
            name: self.name.trim().to_owned(),
            address: self.address.trim().to_owned(),
            timezone: Some(self.timezone.trim().to_owned()).filter(|z| !z.is_empty()),
            desks: self.desks.trim().parse::<u32>().ok(),
            open_weekdays: Some(open),
            contact_email: self.contact_email.trim().to_owned(),
            house_rules: self.house_rules.trim().to_owned(),
        })
    }
}

/// An event, as the host's events page sends it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct EventForm {
    /// The site's id.
    pub(crate) site: String,
    title: String,
    description: String,
    starts_at: String,
    ends_at: String,
    capacity: String,
    /// A ticked checkbox sends its value; an unticked one nothing.
    open_to_visitors: Option<String>,
    /// `once` (or nothing), `weekly` or `monthly`.
    #[serde(default)]
    pub(crate) repeat: String,
    /// The series' last date, when it repeats.
    #[serde(default)]
    pub(crate) until: String,
}

impl EventForm {
    /// The event as the API would receive it. A browser's
    /// `datetime-local` sends seconds only when they are not zero, which
    /// the page's step of a minute never asks for.
    pub(crate) fn request(self) -> EventRequest {
        EventRequest {
            title: self.title.trim().to_owned(),
            description: self.description.trim().to_owned(),
            starts_at: self.starts_at.trim().to_owned(),
            ends_at: self.ends_at.trim().to_owned(),
            capacity: self.capacity.trim().parse::<u32>().ok(),
            open_to_visitors: self.open_to_visitors.is_some(),
        }
    }
}

/// A firm's profile as its page sends it: the vocabulary's fields as
/// ticked boxes, a firm's own tags and its languages as typed lists.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct FirmForm {
    name: String,
    website: String,
    about: String,
    offers: Vec<String>,
    offers_free: String,
    seeks: Vec<String>,
    seeks_free: String,
    languages: String,
    city: String,
    open_to_visitors: Option<String>,
}

/// A list typed as words separated by commas or semicolons.
fn listed(typed: &str) -> impl Iterator<Item = String> + '_ {
    typed.split([',', ';']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned)
}

impl FirmForm {
    /// The firm as the API would receive it (its contact left as it is).
    pub(crate) fn request(self) -> FirmRequest {
        let optional = |t: String| Some(t.trim().to_owned()).filter(|t| !t.is_empty());
        FirmRequest {
            name: self.name.trim().to_owned(),
            website: optional(self.website),
            about: optional(self.about),
            offers: self.offers.into_iter().chain(listed(&self.offers_free)).collect(),
            seeks: self.seeks.into_iter().chain(listed(&self.seeks_free)).collect(),
            languages: self
                .languages
                .split([',', ';', ' '])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
            city: optional(self.city),
            open_to_visitors: self.open_to_visitors.is_some(),
            contact_member_id: None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// A form body read as the pages read it.
    fn read<T: serde::de::DeserializeOwned>(body: &str) -> T {
        let request = axum::http::Request::builder()
            .method("POST")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body.to_owned()))
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
        let axum_extra::extract::Form(form) = runtime
            .block_on(<axum_extra::extract::Form<T> as axum::extract::FromRequest<()>>::from_request(request, &()))
            .unwrap();
        form
    }

    #[test]
    fn a_form_s_numbers_are_read_as_people_type_them() {
        assert_eq!(degrees(" 55,68 "), Some(55.68));
        assert_eq!(degrees("north"), None);
        assert_eq!(degrees("inf"), None);
        let site = read::<SiteForm>("name=Hub&desks=-1&open=mon&open=sat&contact_email=a%40b.pl").request().unwrap();
        assert_eq!(site.desks, None);
        assert_eq!(site.open_weekdays.map(WeekdaySet::len), Some(2));
    }

    #[test]
    fn a_weekday_that_is_not_ours_is_refused_with_its_field() {
        let refused = read::<SiteForm>("name=Hub&desks=12&open=sun&open=xyz").request().unwrap_err();
        assert_eq!(refused.field, "open_weekdays");
    }

    #[test]
    fn the_first_admin_s_refusals_name_the_form_s_fields() {
        let (_, admin) = read::<ClusterForm>("name=X&admin_email=nope&admin_name=&admin_locale=de").requests();
        let refused = ClusterForm::admin_fields(admin.parse().unwrap_err());
        assert_eq!(refused.iter().map(|e| e.field).collect::<Vec<_>>(), ["admin_email", "admin_name", "admin_locale"]);
    }
}
