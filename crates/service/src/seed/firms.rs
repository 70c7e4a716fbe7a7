//! The demo's firms (issue 21): three a cluster, each with a believable
//! profile (what it offers and seeks from the vocabulary, a few of its own
//! words, the languages it works in), each of the cluster's people the
//! contact of one and working for it; two of the three open to visitors.
//! Then introductions in every state on the stays around today.

use deskvisa_rules::{About, ClusterId, FieldTag, Interests, Languages, Note, Tags, Website};
use deskvisa_store::FirmProfile;

use super::{bad, slug};
use crate::error::ServiceError;
use crate::{Caller, IntroductionAnswer, Service, StayRecord};

/// What a firm is called after its city.
const WORDS: [&str; 12] =
    ["Data", "Cloud", "Secure", "Pixel", "Byte", "Quantum", "Signal", "Harbour", "Bridge", "Spark", "Vector", "Forge"];
/// What kind of firm.
const FORMS: [&str; 6] = ["Labs", "Systems", "Works", "Software", "Studio", "Consulting"];
/// Words of its own a firm adds.
const OWN: [&str; 8] = ["rust", "open source", "smart city", "maritime", "gdpr", "mining", "agritech", "space"];

/// The local language of a demo country, beside English.
fn local_language(country: &str) -> &'static str {
    match country {
        "PL" => "pl",
        "DK" => "da",
        "SE" => "sv",
        "NO" => "no",
        "FI" => "fi",
        "EE" => "et",
        "DE" | "AT" | "CH" => "de",
        "FR" | "BE" => "fr",
        "NL" => "nl",
        "ES" | "MX" | "AR" | "CL" => "es",
        "PT" | "BR" => "pt",
        "IT" => "it",
        "CZ" => "cs",
        "HU" => "hu",
        "GR" => "el",
        "IL" => "he",
        "AE" => "ar",
        "IN" => "hi",
        "NP" => "ne",
        "JP" => "ja",
        "KR" => "ko",
        "TW" => "zh",
        _ => "en",
    }
}

/// The `k`th firm of the `i`th demo cluster, its contact `contact`.
fn profile(
    i: usize,
    k: usize,
    city: &str,
    country: &str,
    contact: deskvisa_rules::MemberId,
) -> Result<FirmProfile, ServiceError> {
    let field = |n: usize| FieldTag::ALL[n % FieldTag::ALL.len()];
    let offers = [field(i * 3 + k * 5), field(i * 3 + k * 5 + 1)];
    let seeks = [field(i * 7 + k * 3 + 11)];
    let own = OWN[(i + k) % OWN.len()];
    let name = format!("{city} {} {}", WORDS[(i + k * 5) % WORDS.len()], FORMS[(i * 2 + k) % FORMS.len()]);
    let offer_texts: Vec<&str> = offers.iter().map(|t| t.as_str()).chain([own]).collect();
    let about = format!(
        "{name} is a firm of {} people in {city}. We work in {} and {}, often with {own}; we look for partners in {} \
         to grow across the network.",
        8 + (i * 7 + k * 13) % 90,
        offers[0].as_str().replace('-', " "),
        offers[1].as_str().replace('-', " "),
        seeks[0].as_str().replace('-', " "),
    );
    let local = local_language(country);
    Ok(FirmProfile {
        website: Some(Website::parse(&format!("https://{}.example/", slug(&name))).map_err(|e| bad(&name, e))?),
        about: About::parse(&about).map_err(|e| bad(&name, e))?,
        interests: Interests {
            offers: Tags::parse(offer_texts).map_err(|e| bad(&name, e))?,
            seeks: Tags::parse(seeks.iter().map(|t| t.as_str())).map_err(|e| bad(&name, e))?,
        },
        languages: Languages::parse([local, "en"]).map_err(|e| bad(&name, e))?,
        city: city.to_owned(),
        open_to_visitors: k != 2,
        contact: Some(contact),
        name,
    })
}

impl Service {
    /// Three firms of the `i`th demo cluster, one per person of `people`
    /// (who works for it and is its contact).
    pub(super) async fn demo_firms(
        &self,
        i: usize,
        cluster: ClusterId,
        (city, country): (&str, &str),
        people: &[deskvisa_rules::MemberId],
    ) -> Result<(), ServiceError> {
        let admin = self.cluster_member(cluster, true).await?;
        for (k, person) in people.iter().enumerate() {
            let firm = self.create_firm(&admin, cluster, profile(i, k, city, country, *person)?).await?;
            self.set_member_firm(&admin, cluster, *person, Some(firm.id)).await?;
        }
        Ok(())
    }

    /// The `n`th demo visitor, on an approved `stay`, asks to meet a firm of
    /// the host; the contact accepts, declines or has not answered yet.
    pub(super) async fn demo_introduction(
        &self,
        n: usize,
        visitor: &Caller,
        stay: &StayRecord,
    ) -> Result<(), ServiceError> {
        let suggested = self.suggested_firms(visitor, stay.id).await?;
        let Some(suggestion) = suggested.get(n % 2).or_else(|| suggested.first()) else { return Ok(()) };
        let note = Note::parse("Your work matches what my firm looks for: could we meet for a coffee during my visit?")
            .map_err(|e| bad("note", e))?;
        let intro = self.ask_introduction(visitor, stay.id, suggestion.firm.id, note).await?;
        let contact = self.caller(intro.contact.member).await?;
        match n % 4 {
            0 => drop(self.answer_introduction(&contact, intro.id, IntroductionAnswer::Accept).await?),
            1 => drop(self.answer_introduction(&contact, intro.id, IntroductionAnswer::Decline).await?),
            _ => {}
        }
        Ok(())
    }
}
