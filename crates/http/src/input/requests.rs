//! The typed requests both faces send: a cluster, a site, a member, an
//! admin, an event, a member's own name and language. The API reads them
//! from JSON (through [`ApiJson`](crate::extract::ApiJson)), the pages from
//! their forms (through `axum-extra`'s `Form`, converted in [`super::forms`]);
//! both then run the same checks: `validator`'s field-level limits
//! (lengths, ranges) first, then the domain parse into the rules crate's
//! types. Every refusal names its field; all of a request's are told at
//! once. The limits are in the OpenAPI document through the same numbers.

use chrono::NaiveDate;
use deskvisa_rules::{Locale, WeekdaySet};
use deskvisa_service::{NewCluster, NewMember, NewSite};
use serde::{Deserialize, Deserializer};
use utoipa::ToSchema;
use validator::{Validate, ValidationError, ValidationErrors};

use super::{
    FieldError, MAX_ADDRESS_CHARS, MAX_DESKS, MAX_NAME_CHARS, MAX_RULES_CHARS, Rule, country, date, email, locale, zone,
};

/// An optional string read trimmed; empty is absent.
pub(crate) fn trimmed_option<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(deserializer)?.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()))
}

/// Text that must say something: not only white space, and [`plain`].
/// (The limits count the text as sent; what is kept is trimmed.)
pub(crate) fn filled(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        return Err(ValidationError::new("blank"));
    }
    plain(value)
}

/// No control characters (a line break is allowed) and none of the
/// characters that change how the text around them reads without being
/// seen: bidirectional embeddings, overrides and isolates (a name could
/// show as another's in a page or an email) and the byte-order mark.
pub(crate) fn plain(value: &str) -> Result<(), ValidationError> {
    if value.chars().any(super::invisible_control) {
        return Err(ValidationError::new("invisible").with_message("no direction controls or byte-order marks".into()));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(ValidationError::new("control"));
    }
    Ok(())
}

/// Turns `validator`'s errors into field errors, in the order of `fields`
/// (a request's fields as declared), each with its field's rule.
fn refusals(errors: &ValidationErrors, fields: &[(&'static str, Rule)]) -> Vec<FieldError> {
    let by_field = errors.field_errors();
    fields
        .iter()
        .filter_map(|(field, rule)| {
            let first = by_field.get(*field)?.first()?;
            let english = first.message.as_deref().map_or_else(|| rule.english(), str::to_owned);
            Some(FieldError::new(field, rule.clone(), english))
        })
        .collect()
}

/// Collects the domain parse's refusals beside those already found.
pub(super) fn keep<T>(refused: &mut Vec<FieldError>, parsed: Result<T, FieldError>) -> Option<T> {
    parsed.map_err(|e| refused.push(e)).ok()
}

/// What every request does after it is read: checked, then parsed.
pub(crate) trait Request: Validate {
    /// The fields with their rules, as declared.
    const FIELDS: &'static [(&'static str, Rule)];

    /// The field-level limits' refusals.
    fn limits(&self) -> Vec<FieldError> {
        self.validate().err().map(|e| refusals(&e, Self::FIELDS)).unwrap_or_default()
    }

    /// The refusals in the order the fields are declared (the limits' and
    /// the domain parse's together), one per field.
    fn in_order(mut refused: Vec<FieldError>) -> Vec<FieldError> {
        let position = |e: &FieldError| Self::FIELDS.iter().position(|(f, _)| *f == e.field);
        refused.sort_by_key(position);
        refused.dedup_by_key(|e| e.field);
        refused
    }
}

/// A cluster to add (`POST /api/v1/clusters`, and the network page).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = ClusterBody)]
pub(crate) struct ClusterRequest {
    /// Unique in the network, ignoring case.
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) name: String,
    /// The city the cluster is in.
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) city: String,
    /// ISO 3166-1 alpha-2, upper case.
    #[schema(pattern = "^[A-Z]{2}$", example = "PL")]
    pub(crate) country: String,
    /// An IANA zone, such as `Europe/Warsaw`.
    pub(crate) timezone: String,
    /// Degrees north.
    #[validate(required, range(min = -90.0, max = 90.0))]
    #[schema(value_type = f64, minimum = -90, maximum = 90)]
    pub(crate) latitude: Option<f64>,
    /// Degrees east.
    #[validate(required, range(min = -180.0, max = 180.0))]
    #[schema(value_type = f64, minimum = -180, maximum = 180)]
    pub(crate) longitude: Option<f64>,
    /// When it joined the network (`YYYY-MM-DD`); absent: today.
    #[serde(default)]
    #[schema(format = Date)]
    pub(crate) joined_on: Option<String>,
}

impl Request for ClusterRequest {
    const FIELDS: &'static [(&'static str, Rule)] = &[
        ("name", Rule::Text { max: MAX_NAME_CHARS }),
        ("city", Rule::Text { max: MAX_NAME_CHARS }),
        ("country", Rule::Country),
        ("timezone", Rule::Zone),
        ("latitude", Rule::Coordinate { limit: 90.0 }),
        ("longitude", Rule::Coordinate { limit: 180.0 }),
        ("joined_on", Rule::Date),
    ];
}

impl ClusterRequest {
    /// The cluster, or every field it is refused for.
    pub(crate) fn parse(self, today: NaiveDate) -> Result<NewCluster, Vec<FieldError>> {
        let mut refused = self.limits();
        let country = keep(&mut refused, country(&self.country));
        let timezone = keep(&mut refused, zone(&self.timezone));
        let joined_on = keep(&mut refused, self.joined_on.as_deref().map(|d| date("joined_on", d)).transpose());
        let latitude = self.latitude.and_then(|d| keep(&mut refused, super::latitude(d)));
        let longitude = self.longitude.and_then(|d| keep(&mut refused, super::longitude(d)));
        match (refused.is_empty(), country, timezone, joined_on, latitude, longitude) {
            (true, Some(country), Some(timezone), Some(joined_on), Some(latitude), Some(longitude)) => Ok(NewCluster {
                name: self.name.trim().to_owned(),
                city: self.city.trim().to_owned(),
                country,
                timezone,
                latitude,
                longitude,
                joined_on: joined_on.unwrap_or(today),
            }),
            _ => Err(Self::in_order(refused)),
        }
    }
}

/// A site to add (`POST /api/v1/clusters/{id}/sites`, and the cluster page).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = SiteBody)]
pub(crate) struct SiteRequest {
    /// The site's name.
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) name: String,
    /// Its street address.
    #[validate(length(min = 1, max = 500), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 500)]
    pub(crate) address: String,
    /// An IANA zone; absent: the cluster's.
    #[serde(default, deserialize_with = "trimmed_option")]
    pub(crate) timezone: Option<String>,
    /// Desks offered to visitors.
    #[validate(required, range(max = 10_000))]
    #[schema(value_type = u32, minimum = 0, maximum = 10_000)]
    pub(crate) desks: Option<u32>,
    /// The weekdays it opens (`mon` … `sun`); absent: Monday to Friday.
    #[serde(default)]
    #[schema(value_type = Option<Vec<String>>)]
    pub(crate) open_weekdays: Option<WeekdaySet>,
    /// Who visitors write to.
    #[validate(length(min = 1, max = 254))]
    #[schema(max_length = 254)]
    pub(crate) contact_email: String,
    /// What a visitor should know; may be empty.
    #[serde(default)]
    #[validate(length(max = 5000), custom(function = "plain"))]
    #[schema(max_length = 5000)]
    pub(crate) house_rules: String,
}

impl Request for SiteRequest {
    const FIELDS: &'static [(&'static str, Rule)] = &[
        ("name", Rule::Text { max: MAX_NAME_CHARS }),
        ("address", Rule::Text { max: MAX_ADDRESS_CHARS }),
        ("timezone", Rule::Zone),
        ("desks", Rule::WholeNumber { max: MAX_DESKS }),
        ("open_weekdays", Rule::Weekdays),
        ("contact_email", Rule::Email),
        ("house_rules", Rule::Text { max: MAX_RULES_CHARS }),
    ];
}

impl SiteRequest {
    /// The site, or every field it is refused for.
    pub(crate) fn parse(self) -> Result<NewSite, Vec<FieldError>> {
        let mut refused = self.limits();
        let timezone = keep(&mut refused, self.timezone.as_deref().map(zone).transpose());
        let contact_email = keep(&mut refused, email("contact_email", &self.contact_email));
        let desks = self.desks.and_then(|n| keep(&mut refused, super::desks(n)));
        match (refused.is_empty(), timezone, contact_email, desks) {
            (true, Some(timezone), Some(contact_email), Some(desks)) => Ok(NewSite {
                name: self.name.trim().to_owned(),
                address: self.address.trim().to_owned(),
                timezone,
                desks,
                open_weekdays: self.open_weekdays.unwrap_or(WeekdaySet::MON_TO_FRI),
                contact_email,
                house_rules: self.house_rules.trim().to_owned(),
            }),
            _ => Err(Self::in_order(refused)),
        }
    }
}

/// A member to invite (`POST /api/v1/clusters/{id}/members`, the members
/// page, and each row of a members file).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = MemberBody)]
pub(crate) struct MemberRequest {
    /// Their address, where sign-in links go.
    #[validate(length(min = 1, max = 254))]
    #[schema(max_length = 254)]
    pub(crate) email: String,
    /// Their name.
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) name: String,
    /// Their company; may be empty.
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "plain"))]
    #[schema(max_length = 200)]
    pub(crate) company: String,
    /// `en` or `pl`; absent: English.
    #[serde(default, deserialize_with = "trimmed_option")]
    pub(crate) locale: Option<String>,
}

impl Request for MemberRequest {
    const FIELDS: &'static [(&'static str, Rule)] = &[
        ("email", Rule::Email),
        ("name", Rule::Text { max: MAX_NAME_CHARS }),
        ("company", Rule::Text { max: MAX_NAME_CHARS }),
        ("locale", Rule::Locale),
    ];
}

impl MemberRequest {
    /// The member, or every field they are refused for.
    pub(crate) fn parse(self) -> Result<NewMember, Vec<FieldError>> {
        let mut refused = self.limits();
        let address = keep(&mut refused, email("email", &self.email));
        let language = keep(&mut refused, locale(self.locale.as_deref()));
        match (refused.is_empty(), address, language) {
            (true, Some(email), Some(locale)) => Ok(NewMember {
                email,
                name: self.name.trim().to_owned(),
                company: self.company.trim().to_owned(),
                locale,
            }),
            _ => Err(Self::in_order(refused)),
        }
    }
}

/// A person to make a cluster's admin (`POST /api/v1/clusters/{id}/admins`,
/// and the cluster page).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = AdminBody)]
pub(crate) struct AdminRequest {
    /// Their address.
    #[validate(length(min = 1, max = 254))]
    #[schema(max_length = 254)]
    pub(crate) email: String,
    /// Their name (kept if they are a member already).
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) name: String,
}

impl Request for AdminRequest {
    const FIELDS: &'static [(&'static str, Rule)] =
        &[("email", Rule::Email), ("name", Rule::Text { max: MAX_NAME_CHARS })];
}

impl AdminRequest {
    /// The address and name, or every field refused.
    pub(crate) fn parse(self) -> Result<(deskvisa_rules::Email, String), Vec<FieldError>> {
        let mut refused = self.limits();
        match (keep(&mut refused, email("email", &self.email)), refused.is_empty()) {
            (Some(address), true) => Ok((address, self.name.trim().to_owned())),
            _ => Err(Self::in_order(refused)),
        }
    }
}

/// A member's own name and language (`PATCH /api/v1/me`, and `/me`).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = MePatch)]
pub(crate) struct MeRequest {
    /// Their name.
    #[serde(default)]
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) name: Option<String>,
    /// `en` or `pl`.
    #[serde(default)]
    pub(crate) locale: Option<String>,
    /// May the host's firms see me (name, firm, tags) while I visit them.
    #[serde(default)]
    pub(crate) open_to_meet: Option<bool>,
}

impl Request for MeRequest {
    const FIELDS: &'static [(&'static str, Rule)] =
        &[("name", Rule::Text { max: MAX_NAME_CHARS }), ("locale", Rule::Locale)];
}

impl MeRequest {
    /// What changes (name, language), or every field refused; `open_to_meet`
    /// needs no parse.
    pub(crate) fn parse(self) -> Result<(Option<String>, Option<Locale>), Vec<FieldError>> {
        let mut refused = self.limits();
        let language = match self.locale.as_deref() {
            None => Some(None),
            // Given, it must be one: empty is no language.
            Some(l) => keep(
                &mut refused,
                Locale::parse(l).map(Some).map_err(|e| FieldError::new("locale", Rule::Locale, e.to_string())),
            ),
        };
        match (refused.is_empty(), language) {
            (true, Some(locale)) => Ok((self.name.map(|n| n.trim().to_owned()), locale)),
            _ => Err(Self::in_order(refused)),
        }
    }
}

/// The longest event title.
pub(crate) const MAX_TITLE_CHARS: usize = 200;
/// The longest event description.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 5000;

fn yes() -> bool {
    true
}

/// An event to publish (`POST /api/v1/sites/{id}/events`, and the host's
/// events page).
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[schema(as = EventBody)]
pub(crate) struct EventRequest {
    /// What it is called.
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) title: String,
    /// What happens; may be empty.
    #[serde(default)]
    #[validate(length(max = 5000), custom(function = "plain"))]
    #[schema(max_length = 5000)]
    pub(crate) description: String,
    /// Local start at the site, `YYYY-MM-DDTHH:MM`, not yet passed.
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")]
    pub(crate) starts_at: String,
    /// Local end at the site, after the start, at most 14 days later.
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")]
    pub(crate) ends_at: String,
    /// Seats.
    #[validate(required, range(min = 1, max = 10_000))]
    #[schema(value_type = u32, minimum = 1, maximum = 10_000)]
    pub(crate) capacity: Option<u32>,
    /// Whether visitors may register (default true).
    #[serde(default = "yes")]
    pub(crate) open_to_visitors: bool,
}

impl Request for EventRequest {
    const FIELDS: &'static [(&'static str, Rule)] = &[
        ("title", Rule::Text { max: MAX_TITLE_CHARS }),
        ("description", Rule::Text { max: MAX_DESCRIPTION_CHARS }),
        ("starts_at", Rule::LocalTime),
        ("ends_at", Rule::LocalTime),
        ("capacity", Rule::Seats { max: deskvisa_rules::MAX_EVENT_CAPACITY }),
    ];
}

impl EventRequest {
    /// The event, or every field it is refused for.
    pub(crate) fn parse(self) -> Result<deskvisa_service::EventDraft, Vec<FieldError>> {
        let mut refused = self.limits();
        let starts_at = keep(&mut refused, super::local_time("starts_at", &self.starts_at));
        let ends_at = keep(&mut refused, super::local_time("ends_at", &self.ends_at));
        match (refused.is_empty(), starts_at, ends_at, self.capacity) {
            (true, Some(starts_at), Some(ends_at), Some(capacity)) => Ok(deskvisa_service::EventDraft {
                title: self.title.trim().to_owned(),
                description: self.description.trim().to_owned(),
                starts_at,
                ends_at,
                capacity,
                open_to_visitors: self.open_to_visitors,
            }),
            _ => Err(Self::in_order(refused)),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn cluster(json: serde_json::Value) -> Result<NewCluster, Vec<FieldError>> {
        serde_json::from_value::<ClusterRequest>(json).unwrap().parse(NaiveDate::MIN)
    }

    #[test]
    fn every_refused_field_is_named_at_once_in_declared_order() {
        let refused = cluster(serde_json::json!({
            "name": "", "city": "Gdańsk", "country": "pl", "timezone": "Mars/Olympus",
            "latitude": 91.0, "longitude": 18.6
        }))
        .unwrap_err();
        let fields: Vec<_> = refused.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "country", "timezone", "latitude"]);
        assert_eq!(refused[0].to_string(), "name: 1 to 200 characters, no control characters");
        assert_eq!(refused[3].to_string(), "latitude: between -90 and 90");
    }

    #[test]
    fn a_cluster_is_kept_trimmed_and_joins_today_unless_told() {
        let body = serde_json::json!({
            "name": " Pomeranian ICT ", "city": "Gdańsk", "country": "PL", "timezone": "Europe/Warsaw",
            "latitude": 54.35, "longitude": 18.65
        });
        let new = cluster(body.clone()).unwrap();
        assert_eq!((new.name.as_str(), new.joined_on), ("Pomeranian ICT", NaiveDate::MIN));
        // What the document says a field is, the API holds it to: an empty
        // date is no date, a blank name no name, a code with a space no code.
        for (field, value) in [("joined_on", ""), ("name", "   "), ("country", " PL"), ("name", &"x".repeat(201))] {
            let mut wrong = body.clone();
            wrong[field] = serde_json::json!(value);
            assert_eq!(cluster(wrong).unwrap_err()[0].field, field, "{field}: {value:?}");
        }
    }

    #[test]
    fn text_that_would_read_as_something_else_is_refused() {
        let refused = serde_json::from_value::<AdminRequest>(serde_json::json!({
            "email": "anna@example.org", "name": "Anna\u{202E}moc.live"
        }))
        .unwrap()
        .parse()
        .unwrap_err();
        assert_eq!(refused[0].to_string(), "name: no direction controls or byte-order marks");
    }

    #[test]
    fn an_empty_name_or_language_is_refused_not_taken_for_no_change() {
        let me = |json| serde_json::from_value::<MeRequest>(json).unwrap().parse();
        assert_eq!(me(serde_json::json!({"name": "", "locale": "en"})).unwrap_err()[0].field, "name");
        assert_eq!(me(serde_json::json!({"locale": " "})).unwrap_err()[0].field, "locale");
        assert_eq!(me(serde_json::json!({})).unwrap(), (None, None));
    }

    #[test]
    fn a_member_s_address_and_language_are_parsed_after_the_limits() {
        let refused = serde_json::from_value::<MemberRequest>(serde_json::json!({
            "email": "not-an-address", "name": "Ola", "locale": "de"
        }))
        .unwrap()
        .parse()
        .unwrap_err();
        assert_eq!(refused.iter().map(|e| e.field).collect::<Vec<_>>(), ["email", "locale"]);
    }
}
