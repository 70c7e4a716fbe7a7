//! What a firm offers and seeks, and which firms of a host to suggest to a
//! visitor: the network exists so that firms meet, and a visit is most
//! worth it where one firm seeks what the other offers.
//!
//! Tags come from a fixed vocabulary of ICT fields ([`FieldTag`], the same
//! spelling in the API, the database and the pages, which name each in the
//! viewer's language), plus at most [`Tags::MAX_FREE`] free tags a firm
//! words itself ([`FreeTag`]).

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! field_tags {
    ($($(#[$doc:meta])* $variant:ident => $text:literal),+ $(,)?) => {
        /// A field of ICT work from the network's vocabulary.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum FieldTag {
            $($(#[$doc])* #[serde(rename = $text)] $variant),+
        }

        impl FieldTag {
            /// The whole vocabulary, in the order it is shown.
            pub const ALL: &'static [FieldTag] = &[$(FieldTag::$variant),+];

            /// The tag as the API and the database spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(FieldTag::$variant => $text),+
                }
            }

            /// The tag its spelling names, in any case.
            pub fn of(text: &str) -> Option<FieldTag> {
                let text = text.trim();
                FieldTag::ALL.iter().copied().find(|t| t.as_str().eq_ignore_ascii_case(text))
            }
        }
    };
}

field_tags! {
    /// Bespoke software.
    SoftwareDevelopment => "software-development",
    /// Web sites and web applications.
    WebDevelopment => "web-development",
    /// Phone and tablet applications.
    MobileApps => "mobile-apps",
    /// Cloud platforms and migration.
    Cloud => "cloud",
    /// Build, release and operations.
    Devops => "devops",
    /// Security of systems and data.
    Cybersecurity => "cybersecurity",
    /// Data engineering, analytics and business intelligence.
    DataAnalytics => "data-analytics",
    /// Machine learning and artificial intelligence.
    ArtificialIntelligence => "artificial-intelligence",
    /// Connected devices.
    Iot => "iot",
    /// Firmware and embedded systems.
    EmbeddedSystems => "embedded-systems",
    /// ERP, CRM and business systems.
    BusinessSystems => "business-systems",
    /// Online shops and payments.
    Ecommerce => "e-commerce",
    /// Financial technology.
    Fintech => "fintech",
    /// Health and medical technology.
    Healthtech => "healthtech",
    /// Education technology and e-learning.
    Edtech => "edtech",
    /// Games and interactive media.
    Games => "games",
    /// User research and interface design.
    UxDesign => "ux-design",
    /// IT consulting and audits.
    ItConsulting => "it-consulting",
    /// Outsourced teams and staff.
    Outsourcing => "outsourcing",
    /// Networks and telecommunications.
    Telecom => "telecom",
    /// Hardware and electronics.
    Hardware => "hardware",
    /// Industrial automation and robotics.
    Automation => "automation",
    /// Maps and geographic information.
    Geospatial => "geospatial",
    /// Online marketing and media.
    DigitalMarketing => "digital-marketing",
    /// IT training and certification.
    Training => "training",
    /// Investment in and funding of firms.
    Investment => "investment",
}

impl fmt::Display for FieldTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A tag a firm words itself: 2 to 40 letters, digits, spaces or hyphens,
/// kept in lower case so that `Rust` and `rust` are one tag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FreeTag(String);

impl FreeTag {
    /// The shortest free tag, in characters.
    pub const MIN_CHARS: usize = 2;
    /// The longest free tag, in characters.
    pub const MAX_CHARS: usize = 40;

    /// The tag as kept.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a list of tags is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagsError {
    /// A free tag too short, too long, or with other characters.
    #[error(
        "`{0}` is no tag: {min} to {max} letters, digits, spaces or hyphens",
        min = FreeTag::MIN_CHARS,
        max = FreeTag::MAX_CHARS
    )]
    Malformed(String),
    /// More free tags than a list may hold.
    #[error("at most {} tags outside the network's vocabulary", Tags::MAX_FREE)]
    TooManyFree,
}

/// What a firm offers, or what it seeks: tags of the vocabulary and at most
/// [`Tags::MAX_FREE`] free tags, each once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    fields: BTreeSet<FieldTag>,
    free: BTreeSet<FreeTag>,
}

impl Tags {
    /// Free tags a list may hold.
    pub const MAX_FREE: usize = 5;

    /// Reads a list as typed: a vocabulary tag in any case is that tag;
    /// anything else is a free tag (trimmed, inner spaces folded, lower
    /// case); repeats count once.
    pub fn parse<'a>(texts: impl IntoIterator<Item = &'a str>) -> Result<Tags, TagsError> {
        let mut tags = Tags::default();
        for text in texts {
            if let Some(field) = FieldTag::of(text) {
                tags.fields.insert(field);
                continue;
            }
            let folded = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            let length = folded.chars().count();
            let plain = folded.chars().all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
            if !(FreeTag::MIN_CHARS..=FreeTag::MAX_CHARS).contains(&length) || !plain {
                return Err(TagsError::Malformed(text.chars().take(FreeTag::MAX_CHARS + 1).collect()));
            }
            tags.free.insert(FreeTag(folded));
        }
        if tags.free.len() > Self::MAX_FREE {
            return Err(TagsError::TooManyFree);
        }
        Ok(tags)
    }

    /// The vocabulary's tags, in its order.
    pub fn fields(&self) -> impl Iterator<Item = FieldTag> + '_ {
        self.fields.iter().copied()
    }

    /// The free tags, alphabetically.
    pub fn free(&self) -> impl Iterator<Item = &FreeTag> {
        self.free.iter()
    }

    /// Every tag as spelled: the vocabulary's first, then the free ones.
    pub fn texts(&self) -> Vec<String> {
        self.fields().map(|t| t.as_str().to_owned()).chain(self.free().map(|t| t.0.clone())).collect()
    }

    /// How many tags the two lists share.
    fn shared(&self, other: &Tags) -> usize {
        self.fields.intersection(&other.fields).count() + self.free.intersection(&other.free).count()
    }
}

/// What a firm offers and what it seeks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interests {
    /// What the firm does and sells.
    pub offers: Tags,
    /// What the firm looks for in others.
    pub seeks: Tags,
}

/// How well two firms meet: the tags one seeks that the other offers,
/// counted both ways, so that it is the same seen from either side.
pub fn affinity(a: &Interests, b: &Interests) -> usize {
    a.seeks.shared(&b.offers) + b.seeks.shared(&a.offers)
}

/// A host's firm that may be suggested to a visitor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate<Id> {
    /// The firm.
    pub id: Id,
    /// Its name, to order firms that meet the visitor equally well.
    pub name: String,
    /// What it offers and seeks.
    pub interests: Interests,
}

/// The firms to suggest to a visitor whose firm has `visitor`'s interests:
/// at most `count`, best met first, then by name (case folded) and id, so
/// the same firms always come in the same order. Firms that meet the
/// visitor in nothing still come, after those that do: a visitor with no
/// firm, or a firm with no tags, still sees whom they could meet.
pub fn suggest<Id: Ord + Clone>(visitor: &Interests, candidates: &[Candidate<Id>], count: usize) -> Vec<(Id, usize)> {
    let mut ranked: Vec<(usize, String, &Candidate<Id>)> =
        candidates.iter().map(|c| (affinity(visitor, &c.interests), c.name.to_lowercase(), c)).collect();
    ranked.sort_by(|(a_score, a_name, a), (b_score, b_name, b)| {
        b_score.cmp(a_score).then_with(|| a_name.cmp(b_name)).then_with(|| a.id.cmp(&b.id))
    });
    ranked.into_iter().take(count).map(|(score, _, c)| (c.id.clone(), score)).collect()
}

/// What a firm says of itself: trimmed, at most [`About::MAX_CHARS`]
/// characters, line breaks kept, no other control characters; may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct About(String);

/// A firm's web site: an `http` or `https` address with a host, at most
/// [`Website::MAX_CHARS`] characters, read by the `url` crate (WHATWG URL
/// parsing), kept as it serializes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Website(String);

/// Why a firm's text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// `about` is longer than its limit.
    #[error("about: at most {} characters", About::MAX_CHARS)]
    AboutTooLong,
    /// A control character other than a line break or a tab.
    #[error("holds a control character")]
    ControlCharacter,
    /// Not an `http`/`https` address with a host, or too long.
    #[error("website: an http or https address of at most {} characters", Website::MAX_CHARS)]
    Website,
}

impl About {
    /// The longest text accepted, in characters.
    pub const MAX_CHARS: usize = 2000;

    /// Reads what a firm wrote of itself.
    pub fn parse(input: &str) -> Result<About, ProfileError> {
        let text = input.trim();
        if text.chars().count() > Self::MAX_CHARS {
            return Err(ProfileError::AboutTooLong);
        }
        if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
            return Err(ProfileError::ControlCharacter);
        }
        Ok(About(text.replace("\r\n", "\n").replace('\r', "\n")))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Website {
    /// The longest address accepted, in characters.
    pub const MAX_CHARS: usize = 300;

    /// Reads an address as typed; one without a scheme is taken as `https`.
    pub fn parse(input: &str) -> Result<Website, ProfileError> {
        let text = input.trim();
        if text.is_empty() || text.chars().count() > Self::MAX_CHARS || text.chars().any(char::is_whitespace) {
            return Err(ProfileError::Website);
        }
        let with_scheme = if text.contains("://") { text.to_owned() } else { format!("https://{text}") };
        let url = url::Url::parse(&with_scheme).map_err(|_| ProfileError::Website)?;
        let host_is_a_name = url.host_str().is_some_and(|h| h.contains('.') && !h.starts_with('.'));
        if !matches!(url.scheme(), "http" | "https") || !host_is_a_name || !url.username().is_empty() {
            return Err(ProfileError::Website);
        }
        let kept = url.to_string();
        if kept.chars().count() > Self::MAX_CHARS {
            return Err(ProfileError::Website);
        }
        Ok(Website(kept))
    }

    /// The address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(texts: &[&str]) -> Tags {
        Tags::parse(texts.iter().copied()).unwrap()
    }

    fn firm(offers: &[&str], seeks: &[&str]) -> Interests {
        Interests { offers: tags(offers), seeks: tags(seeks) }
    }

    #[test]
    fn a_website_is_an_http_address_with_a_host() {
        let ok = |t: &str| Website::parse(t).map(|w| w.as_str().to_owned());
        assert_eq!(ok("hubclub.ruda.pl"), Ok("https://hubclub.ruda.pl/".to_owned()));
        assert_eq!(ok(" https://Bastion.DK/about "), Ok("https://bastion.dk/about".to_owned()));
        // A Polish host name is kept as the web spells it (punycode).
        assert!(ok("http://zażółć.pl").unwrap().starts_with("http://xn--"), "{:?}", ok("http://zażółć.pl"));
        for bad in [
            "",
            "javascript:alert(1)",
            "ftp://files.example.org",
            "https://localhost",
            "https://user:pw@example.org",
            "two words.example",
            "https://",
        ] {
            assert_eq!(Website::parse(bad), Err(ProfileError::Website), "{bad}");
        }
        assert_eq!(Website::parse(&format!("https://example.org/{}", "a".repeat(300))), Err(ProfileError::Website));
    }

    #[test]
    fn about_keeps_its_lines_within_its_limit() {
        assert_eq!(
            About::parse("  We build payment systems.\r\nSince 2009. ").unwrap().as_str(),
            "We build payment systems.\nSince 2009."
        );
        assert_eq!(About::parse("").unwrap().as_str(), "");
        assert_eq!(About::parse(&"x".repeat(2001)), Err(ProfileError::AboutTooLong));
        assert!(About::parse(&"ż".repeat(2000)).is_ok(), "characters, not bytes");
        assert_eq!(About::parse("bell\u{7}"), Err(ProfileError::ControlCharacter));
    }

    #[test]
    fn vocabulary_tags_are_known_in_any_case_and_others_are_free_tags_kept_in_lower_case() {
        let t = tags(&["Cybersecurity", " fintech ", "Rust  Consulting", "rust consulting"]);
        assert_eq!(t.fields().collect::<Vec<_>>(), vec![FieldTag::Cybersecurity, FieldTag::Fintech]);
        assert_eq!(t.free().map(FreeTag::as_str).collect::<Vec<_>>(), vec!["rust consulting"]);
        assert_eq!(t.texts(), vec!["cybersecurity", "fintech", "rust consulting"]);
    }

    #[test]
    fn a_free_tag_must_be_plain_and_of_a_sensible_length_and_five_at_most() {
        assert_eq!(Tags::parse(["x"]), Err(TagsError::Malformed("x".into())));
        assert!(matches!(Tags::parse(["<script>"]), Err(TagsError::Malformed(_))));
        assert!(matches!(Tags::parse([&*"a".repeat(41)]), Err(TagsError::Malformed(_))));
        assert!(Tags::parse(["łódź startups", "ai-act", "b2b"]).is_ok());
        let six = ["one1", "two2", "three", "four", "five", "six6"];
        assert_eq!(Tags::parse(six), Err(TagsError::TooManyFree));
        // The vocabulary does not count against the five.
        let many: Vec<&str> = FieldTag::ALL.iter().map(|t| t.as_str()).chain(six[..5].iter().copied()).collect();
        assert!(Tags::parse(many).is_ok());
    }

    #[test]
    fn every_vocabulary_tag_reads_back_from_its_spelling() {
        for tag in FieldTag::ALL {
            assert_eq!(FieldTag::of(tag.as_str()), Some(*tag));
            assert_eq!(serde_json::to_value(tag).unwrap(), serde_json::json!(tag.as_str()));
        }
    }

    #[test]
    fn affinity_counts_what_each_seeks_that_the_other_offers() {
        // A Polish fintech seeking security meets a Danish security firm
        // seeking fintech customers twice, and a games studio not at all.
        let visitor = firm(&["fintech", "software-development"], &["cybersecurity", "cloud"]);
        let security = firm(&["cybersecurity"], &["fintech"]);
        let games = firm(&["games"], &["investment"]);
        assert_eq!(affinity(&visitor, &security), 2);
        assert_eq!(affinity(&security, &visitor), 2);
        assert_eq!(affinity(&visitor, &games), 0);
        // Free tags meet as written, in any case.
        assert_eq!(affinity(&firm(&[], &["Rust"]), &firm(&["rust"], &[])), 1);
    }

    #[test]
    fn suggestions_come_best_met_first_then_by_name_and_at_most_as_many_as_asked() {
        let visitor = firm(&["fintech"], &["cybersecurity", "cloud"]);
        let candidate = |id: u32, name: &str, offers: &[&str], seeks: &[&str]| Candidate {
            id,
            name: name.to_owned(),
            interests: firm(offers, seeks),
        };
        let host = [
            candidate(1, "zeta games", &["games"], &[]),
            candidate(2, "Bastion Security", &["cybersecurity"], &["fintech"]),
            candidate(3, "Aurora Cloud", &["cloud"], &[]),
            candidate(4, "alpha apps", &["mobile-apps"], &[]),
            candidate(5, "Nimbus", &["cloud", "cybersecurity"], &[]),
        ];
        assert_eq!(suggest(&visitor, &host, 5), vec![(2, 2), (5, 2), (3, 1), (4, 0), (1, 0)]);
        assert_eq!(suggest(&visitor, &host, 2), vec![(2, 2), (5, 2)]);
        assert!(suggest(&visitor, &host[..0], 5).is_empty());
        // A visitor with no firm still sees whom they could meet, by name.
        assert_eq!(suggest(&Interests::default(), &host, 3), vec![(4, 0), (3, 0), (2, 0)]);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        /// Interests of up to six vocabulary tags and two free tags a side.
        fn interests() -> impl Strategy<Value = Interests> {
            let side = || {
                (
                    proptest::collection::vec(0..FieldTag::ALL.len(), 0..6),
                    proptest::collection::vec(prop_oneof!["rust", "sap", "b2b"], 0..2),
                )
                    .prop_map(|(fields, free)| {
                        let texts = fields.iter().map(|i| FieldTag::ALL[*i].as_str().to_owned()).chain(free);
                        let texts: Vec<String> = texts.collect();
                        Tags::parse(texts.iter().map(String::as_str)).unwrap()
                    })
            };
            (side(), side()).prop_map(|(offers, seeks)| Interests { offers, seeks })
        }

        proptest! {
            /// Two firms meet as well seen from either side.
            #[test]
            fn affinity_is_the_same_from_either_side(a in interests(), b in interests()) {
                prop_assert_eq!(affinity(&a, &b), affinity(&b, &a));
            }

            /// Suggestions are at most as many as asked, each firm once,
            /// and none is ranked below a firm that meets the visitor less.
            #[test]
            fn suggestions_are_ranked_and_distinct(visitor in interests(), host in proptest::collection::vec(interests(), 0..12), count in 0usize..8) {
                let candidates: Vec<Candidate<usize>> = host
                    .into_iter()
                    .enumerate()
                    .map(|(id, interests)| Candidate { id, name: format!("firm {}", id % 3), interests })
                    .collect();
                let suggested = suggest(&visitor, &candidates, count);
                prop_assert!(suggested.len() == count.min(candidates.len()));
                let ids: BTreeSet<usize> = suggested.iter().map(|(id, _)| *id).collect();
                prop_assert_eq!(ids.len(), suggested.len());
                prop_assert!(suggested.windows(2).all(|w| w[0].1 >= w[1].1));
                for (id, score) in &suggested {
                    prop_assert_eq!(*score, affinity(&visitor, &candidates[*id].interests));
                }
                // Nothing left out meets the visitor better than the last one in.
                if let Some((_, last)) = suggested.last() {
                    let left_out = candidates.iter().filter(|c| !ids.contains(&c.id));
                    prop_assert!(left_out.into_iter().all(|c| affinity(&visitor, &c.interests) <= *last));
                }
            }
        }
    }
}
