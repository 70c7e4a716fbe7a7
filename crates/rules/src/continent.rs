//! Continents, for "where can I work in Europe next month?": each ISO 3166-1
//! alpha-2 country on the one continent the search files it under.

use serde::Serialize;

/// A continent of the availability search.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Continent {
    /// Europe.
    Europe,
    /// Africa.
    Africa,
    /// Asia.
    Asia,
    /// Oceania.
    Oceania,
    /// North and Central America with the Caribbean.
    NorthAmerica,
    /// South America.
    SouthAmerica,
}

/// The text given as a continent is not one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is no continent (europe, africa, asia, oceania, north_america, south_america)")]
pub struct ContinentError(String);

const COUNTRIES: [(Continent, &str); 6] = [
    (
        Continent::Europe,
        "AD AL AT AX BA BE BG BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD \
         ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA XK",
    ),
    (
        Continent::Asia,
        "AE AF AM AZ BD BH BN BT CC CN CX GE HK ID IL IN IO IQ IR JO JP KG KH KP KR KW KZ LA LB LK MM MN MO MV MY \
         NP OM PH PK PS QA SA SG SY TH TJ TL TM TR TW UZ VN YE",
    ),
    (
        Continent::Africa,
        "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EG EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ \
         NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TG TN TZ UG YT ZA ZM ZW",
    ),
    (
        Continent::NorthAmerica,
        "AG AI AW BB BL BM BQ BS BZ CA CR CU CW DM DO GD GL GP GT HN HT JM KN KY LC MF MQ MS MX NI PA PM PR SV SX \
         TC TT UM US VC VG VI",
    ),
    (Continent::SouthAmerica, "AR BO BR CL CO EC FK GF GS GY PE PY SR UY VE"),
    (Continent::Oceania, "AS AU CK FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS"),
];

impl Continent {
    /// Every continent.
    pub const ALL: [Continent; 6] = [
        Continent::Europe,
        Continent::Africa,
        Continent::Asia,
        Continent::Oceania,
        Continent::NorthAmerica,
        Continent::SouthAmerica,
    ];

    /// The continent of an ISO 3166-1 alpha-2 code (any case); `None` for
    /// Antarctica and codes that are none.
    pub fn of_country(code: &str) -> Option<Continent> {
        let code = code.trim().to_ascii_uppercase();
        if code.len() != 2 {
            return None;
        }
        COUNTRIES.iter().find(|(_, codes)| codes.split_whitespace().any(|c| c == code)).map(|(continent, _)| *continent)
    }

    /// Its name in the API.
    pub const fn as_str(self) -> &'static str {
        match self {
            Continent::Europe => "europe",
            Continent::Africa => "africa",
            Continent::Asia => "asia",
            Continent::Oceania => "oceania",
            Continent::NorthAmerica => "north_america",
            Continent::SouthAmerica => "south_america",
        }
    }

    /// Parses the API's name.
    pub fn parse(text: &str) -> Result<Continent, ContinentError> {
        let wanted = text.trim().to_ascii_lowercase();
        Continent::ALL
            .into_iter()
            .find(|c| c.as_str() == wanted)
            .ok_or_else(|| ContinentError(text.chars().take(40).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_fall_on_their_continent() {
        assert_eq!(Continent::of_country("pl"), Some(Continent::Europe));
        assert_eq!(Continent::of_country("JP"), Some(Continent::Asia));
        assert_eq!(Continent::of_country("NZ"), Some(Continent::Oceania));
        assert_eq!(Continent::of_country("MX"), Some(Continent::NorthAmerica));
        assert_eq!(Continent::of_country("AR"), Some(Continent::SouthAmerica));
        assert_eq!(Continent::of_country("KE"), Some(Continent::Africa));
        assert_eq!(Continent::of_country("AQ"), None);
        assert_eq!(Continent::of_country("Poland"), None);
    }

    #[test]
    fn no_country_is_on_two_continents() {
        let mut seen = std::collections::HashSet::new();
        for (_, codes) in COUNTRIES {
            for code in codes.split_whitespace() {
                assert_eq!(code.len(), 2, "{code}");
                assert!(seen.insert(code), "{code} twice");
            }
        }
        assert!(seen.len() > 240, "{}", seen.len());
    }

    #[test]
    fn names_round_trip() {
        for c in Continent::ALL {
            assert_eq!(Continent::parse(c.as_str()), Ok(c));
        }
        assert!(Continent::parse("atlantis").is_err());
        assert_eq!(Continent::parse(" Europe "), Ok(Continent::Europe));
    }
}
