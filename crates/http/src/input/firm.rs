//! A firm's profile as both faces send it (`POST /api/v1/clusters/{id}/firms`,
//! `PATCH /api/v1/firms/{id}`): the limits first, then the rules' parsers
//! ([`Tags`], [`Website`], [`About`], [`Languages`]), every refused field
//! told at once.

use deskvisa_rules::{About, Languages, MemberId, Tags, Website};
use deskvisa_service::{FirmPatch, FirmProfile};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::requests::{Request, filled, keep, plain};
use super::{FieldError, MAX_NAME_CHARS, Rule};

/// The fields of a firm, with their rules, in the order they are told.
const FIRM_FIELDS: &[(&str, Rule)] = &[
    ("name", Rule::Text { max: MAX_NAME_CHARS }),
    ("website", Rule::Website),
    ("about", Rule::About),
    ("offers", Rule::Tags),
    ("seeks", Rule::Tags),
    ("languages", Rule::Languages),
    ("city", Rule::Text { max: MAX_NAME_CHARS }),
    ("contact_member_id", Rule::Id),
];

/// A firm to add.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[schema(as = FirmBody)]
#[serde(deny_unknown_fields)]
pub(crate) struct FirmRequest {
    /// Unique in its cluster, ignoring case.
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) name: String,
    /// Its web site, `http` or `https` (a bare host name is taken as `https`).
    #[serde(default)]
    pub(crate) website: Option<String>,
    /// What it does, at most 2,000 characters.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub(crate) about: Option<String>,
    /// Tags of `GET /api/v1/firms/tags`, and at most five of its own.
    #[serde(default)]
    pub(crate) offers: Vec<String>,
    /// What it looks for, tagged the same way.
    #[serde(default)]
    pub(crate) seeks: Vec<String>,
    /// ISO 639-1 codes, at most ten.
    #[serde(default)]
    pub(crate) languages: Vec<String>,
    /// Its city.
    #[serde(default)]
    #[validate(length(max = 200), custom(function = "plain"))]
    #[schema(max_length = 200)]
    pub(crate) city: Option<String>,
    /// It agrees to be asked for introductions by visitors (default false).
    #[serde(default)]
    pub(crate) open_to_visitors: bool,
    /// The member of the cluster who answers introductions; they become a
    /// member of the firm.
    #[serde(default)]
    #[schema(format = Uuid)]
    pub(crate) contact_member_id: Option<String>,
}

impl Request for FirmRequest {
    const FIELDS: &'static [(&'static str, Rule)] = FIRM_FIELDS;
}

/// A change to a firm: any subset of its fields; `website` and
/// `contact_member_id` may be null to clear them.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[schema(as = FirmPatchBody)]
#[serde(deny_unknown_fields)]
pub(crate) struct FirmPatchRequest {
    #[validate(length(min = 1, max = 200), custom(function = "filled"))]
    #[schema(min_length = 1, max_length = 200)]
    pub(crate) name: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    pub(crate) website: Option<Option<String>>,
    #[schema(max_length = 2000)]
    pub(crate) about: Option<String>,
    pub(crate) offers: Option<Vec<String>>,
    pub(crate) seeks: Option<Vec<String>>,
    pub(crate) languages: Option<Vec<String>>,
    #[validate(length(max = 200), custom(function = "plain"))]
    #[schema(max_length = 200)]
    pub(crate) city: Option<String>,
    pub(crate) open_to_visitors: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub(crate) contact_member_id: Option<Option<String>>,
}

impl Request for FirmPatchRequest {
    const FIELDS: &'static [(&'static str, Rule)] = FIRM_FIELDS;
}

/// A field that may be absent (outer `None`) or null (inner `None`).
fn nullable<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

fn refuse(field: &'static str, rule: Rule, e: impl std::fmt::Display) -> FieldError {
    FieldError::new(field, rule, e.to_string())
}

fn tags(field: &'static str, texts: &[String]) -> Result<Tags, FieldError> {
    Tags::parse(texts.iter().map(String::as_str)).map_err(|e| refuse(field, Rule::Tags, e))
}

fn website(text: &str) -> Result<Option<Website>, FieldError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    Website::parse(text).map(Some).map_err(|e| refuse("website", Rule::Website, e))
}

fn about(text: &str) -> Result<About, FieldError> {
    About::parse(text).map_err(|e| refuse("about", Rule::About, e))
}

fn languages(codes: &[String]) -> Result<Languages, FieldError> {
    Languages::parse(codes.iter().map(String::as_str)).map_err(|e| refuse("languages", Rule::Languages, e))
}

/// A contact's id; to leave a firm without one, a patch sends null (an
/// empty string is no id, as the document's `uuid` format says).
fn contact(text: &str) -> Result<Option<MemberId>, FieldError> {
    MemberId::parse(text).map(Some).map_err(|e| refuse("contact_member_id", Rule::Id, e))
}

impl FirmRequest {
    /// The firm's profile, or every field refused.
    pub(crate) fn parse(self) -> Result<FirmProfile, Vec<FieldError>> {
        let mut refused = self.limits();
        let website = keep(&mut refused, self.website.as_deref().map_or(Ok(None), website));
        let about = keep(&mut refused, about(self.about.as_deref().unwrap_or("")));
        let offers = keep(&mut refused, tags("offers", &self.offers));
        let seeks = keep(&mut refused, tags("seeks", &self.seeks));
        let languages = keep(&mut refused, languages(&self.languages));
        let contact = keep(&mut refused, self.contact_member_id.as_deref().map_or(Ok(None), contact));
        match (website, about, offers, seeks, languages, contact) {
            (Some(website), Some(about), Some(offers), Some(seeks), Some(languages), Some(contact))
                if refused.is_empty() =>
            {
                Ok(FirmProfile {
                    name: self.name.split_whitespace().collect::<Vec<_>>().join(" "),
                    website,
                    about,
                    interests: deskvisa_rules::Interests { offers, seeks },
                    languages,
                    city: self.city.unwrap_or_default().trim().to_owned(),
                    open_to_visitors: self.open_to_visitors,
                    contact,
                })
            }
            _ => Err(Self::in_order(refused)),
        }
    }
}

impl FirmPatchRequest {
    /// The change, or every field refused.
    pub(crate) fn parse(self) -> Result<FirmPatch, Vec<FieldError>> {
        let mut refused = self.limits();
        let mut patch = FirmPatch {
            name: self.name.map(|n| n.split_whitespace().collect::<Vec<_>>().join(" ")),
            city: self.city.map(|c| c.trim().to_owned()),
            open_to_visitors: self.open_to_visitors,
            ..FirmPatch::default()
        };
        if let Some(w) = &self.website {
            patch.website = keep(&mut refused, w.as_deref().map_or(Ok(None), website));
        }
        if let Some(a) = &self.about {
            patch.about = keep(&mut refused, about(a));
        }
        if let Some(t) = &self.offers {
            patch.offers = keep(&mut refused, tags("offers", t));
        }
        if let Some(t) = &self.seeks {
            patch.seeks = keep(&mut refused, tags("seeks", t));
        }
        if let Some(l) = &self.languages {
            patch.languages = keep(&mut refused, languages(l));
        }
        if let Some(c) = &self.contact_member_id {
            patch.contact = keep(&mut refused, c.as_deref().map_or(Ok(None), contact));
        }
        if refused.is_empty() { Ok(patch) } else { Err(Self::in_order(refused)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(json: serde_json::Value) -> Result<FirmProfile, Vec<FieldError>> {
        serde_json::from_value::<FirmRequest>(json).unwrap().parse()
    }

    #[test]
    fn a_firm_is_read_into_the_rules_types() {
        let p = firm(serde_json::json!({
            "name": "  Bastion   Security ", "website": "bastion.dk", "offers": ["Cybersecurity", "Rust"],
            "seeks": ["cloud"], "languages": ["da", "EN"], "city": "Aalborg", "open_to_visitors": true
        }))
        .unwrap();
        assert_eq!(p.name, "Bastion Security");
        assert_eq!(p.website.unwrap().as_str(), "https://bastion.dk/");
        assert_eq!(p.interests.offers.texts(), ["cybersecurity", "rust"]);
        assert_eq!(p.languages.joined(), "da,en");
        assert!(p.open_to_visitors);
    }

    #[test]
    fn every_refused_field_is_told_in_order() {
        let refused = firm(serde_json::json!({
            "name": "", "website": "ftp://x.example", "offers": ["a"], "languages": ["xx"],
            "contact_member_id": "42"
        }))
        .unwrap_err();
        let fields: Vec<_> = refused.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "website", "offers", "languages", "contact_member_id"]);
    }

    #[test]
    fn an_empty_contact_is_no_id() {
        let refused = firm(serde_json::json!({"name": "X", "contact_member_id": ""})).unwrap_err();
        assert_eq!(refused[0].field, "contact_member_id");
        let p = serde_json::from_value::<FirmPatchRequest>(serde_json::json!({"contact_member_id": ""})).unwrap();
        assert_eq!(p.parse().unwrap_err()[0].field, "contact_member_id");
    }

    #[test]
    fn a_patch_tells_null_from_absent() {
        let p = serde_json::from_value::<FirmPatchRequest>(serde_json::json!({"website": null})).unwrap().parse();
        assert!(matches!(p.unwrap().website, Some(None)));
        let p = serde_json::from_value::<FirmPatchRequest>(serde_json::json!({"city": "Łódź"})).unwrap().parse();
        let p = p.unwrap();
        assert!(p.website.is_none() && p.city.as_deref() == Some("Łódź"));
    }
}
