//! Countries by name, in the reader's language, from the Unicode CLDR's
//! region names (ICU4X's display names, with its compiled data): "Denmark"
//! / "Dania" for `DK`. A code the data does not name is shown as the code.

use deskvisa_rules::{Country, Locale};
use icu_experimental::displaynames::multi::RegionDisplayNames;
use icu_locale_core::locale;
use icu_locale_core::subtags::Region;

/// The region names of a locale. The compiled data is static: making
/// them is a lookup, not a load.
fn names(locale: Locale) -> Option<RegionDisplayNames> {
    let prefs = match locale {
        Locale::En => locale!("en").into(),
        Locale::Pl => locale!("pl").into(),
    };
    RegionDisplayNames::try_new(prefs, Default::default()).ok()
}

/// A country's name in the locale.
pub fn country_name(locale: Locale, country: Country) -> String {
    let names = names(locale);
    Region::try_from_str(country.as_str())
        .ok()
        .and_then(|region| names.as_ref()?.of(region).map(str::to_owned))
        .unwrap_or_else(|| country.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn countries_are_named_in_each_language() {
        let name = |locale, code| Country::parse(code).map(|c| country_name(locale, c)).unwrap_or_default();
        assert_eq!(name(Locale::En, "DK"), "Denmark");
        assert_eq!(name(Locale::Pl, "DK"), "Dania");
        assert_eq!(name(Locale::Pl, "DE"), "Niemcy");
        assert_eq!(name(Locale::En, "NZ"), "New Zealand");
    }
}
