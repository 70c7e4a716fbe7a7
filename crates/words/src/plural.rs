//! Counted phrases: which of a phrase's forms a number takes, by the Unicode
//! CLDR plural rules (ICU4X's `icu_plurals`, with its compiled data), so no
//! phrase picks its form by hand. English has one and other ("1 desk",
//! "2 desks"); Polish one, few and many ("1 biurko", "2 biurka",
//! "5 biurek", "22 biurka", "25 biurek").

use deskvisa_rules::Locale;
use icu_locale_core::locale;
use icu_plurals::{PluralCategory, PluralRules};

/// A phrase with a number in it, in each language's forms; `{n}` stands
/// for the number.
#[derive(Debug, Clone, Copy)]
pub struct Counted {
    /// English: one, other.
    pub en: [&'static str; 2],
    /// Polish: one, few, many.
    pub pl: [&'static str; 3],
}

/// The cardinal rules of a locale. The compiled data is static: making
/// them is a lookup, not a load.
fn rules(locale: Locale) -> Option<PluralRules> {
    let prefs = match locale {
        Locale::En => locale!("en").into(),
        Locale::Pl => locale!("pl").into(),
    };
    PluralRules::try_new_cardinal(prefs).ok()
}

/// The plural category `n` takes in the locale.
pub fn category(locale: Locale, n: u64) -> PluralCategory {
    rules(locale).map_or(PluralCategory::Other, |r| r.category_for(n))
}

/// The phrase for `n` in the locale: "3 desks free", "3 wolne biurka".
pub fn counted(locale: Locale, n: u64, phrase: &Counted) -> String {
    let form = match (locale, category(locale, n)) {
        (Locale::En, PluralCategory::One) => phrase.en[0],
        (Locale::En, _) => phrase.en[1],
        (Locale::Pl, PluralCategory::One) => phrase.pl[0],
        (Locale::Pl, PluralCategory::Few) => phrase.pl[1],
        (Locale::Pl, _) => phrase.pl[2],
    };
    form.replace("{n}", &n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const DESKS: Counted = Counted { en: ["{n} desk", "{n} desks"], pl: ["{n} biurko", "{n} biurka", "{n} biurek"] };

    #[test]
    fn english_has_one_and_other() {
        let said: Vec<String> = [0, 1, 2, 21].iter().map(|n| counted(Locale::En, *n, &DESKS)).collect();
        assert_eq!(said, ["0 desks", "1 desk", "2 desks", "21 desks"]);
    }

    #[test]
    fn polish_has_one_few_and_many_by_the_last_digits() {
        let said: Vec<String> =
            [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112].iter().map(|n| counted(Locale::Pl, *n, &DESKS)).collect();
        assert_eq!(
            said,
            [
                "0 biurek",
                "1 biurko",
                "2 biurka",
                "4 biurka",
                "5 biurek",
                "11 biurek",
                "12 biurek",
                "14 biurek",
                "21 biurek",
                "22 biurka",
                "25 biurek",
                "102 biurka",
                "112 biurek"
            ]
        );
    }
}
