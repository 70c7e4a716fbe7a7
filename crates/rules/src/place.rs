//! Where a cluster is and what a site offers, as values that are right by
//! construction: a [`Country`] is an assigned ISO 3166-1 alpha-2 code on a
//! continent, a [`Latitude`] and a [`Longitude`] are finite degrees within
//! their bounds, a [`DeskCount`] is at most [`DeskCount::MAX`]. Each is
//! parsed once at the edge (the API, a form, a members file, the database)
//! and carried as itself to the other edge.

use serde::{Deserialize, Deserializer, Serialize};

use crate::Continent;
use crate::text_form::text_form;

/// A country's ISO 3166-1 alpha-2 code, upper case, one with a continent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Country([u8; 2]);

/// Text that is not an assigned ISO 3166-1 alpha-2 code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 code, such as PL")]
pub struct CountryError(String);

impl Country {
    /// Two capital letters of an assigned code (`pl` is not one: the API
    /// has always asked for the code as ISO writes it).
    pub fn parse(text: &str) -> Result<Country, CountryError> {
        let refused = || CountryError(text.chars().take(8).collect());
        match text.as_bytes() {
            [a, b] if a.is_ascii_uppercase() && b.is_ascii_uppercase() && Continent::of_country(text).is_some() => {
                Ok(Country([*a, *b]))
            }
            _ => Err(refused()),
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        // Two ASCII capitals, by construction.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The continent the search files it under.
    pub fn continent(self) -> Continent {
        Continent::of_country(self.as_str()).unwrap_or(Continent::Europe)
    }
}

text_form!(Country as as_str => Display, Serialize, Deserialize);

/// Degrees out of bounds, or no number at all.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
#[error("between -{limit} and {limit}")]
pub struct DegreesError {
    /// 90 or 180.
    pub limit: u16,
}

macro_rules! degrees {
    ($name:ident, $limit:expr, $what:literal) => {
        #[doc = concat!("Degrees ", $what, ", finite, from -", stringify!($limit), " to ", stringify!($limit), ".")]
        #[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
        pub struct $name(f64);

        impl $name {
            /// The bound, either way.
            pub const LIMIT: u16 = $limit;

            /// Degrees within the bound.
            pub fn new(degrees: f64) -> Result<$name, DegreesError> {
                if degrees.is_finite() && degrees.abs() <= f64::from(Self::LIMIT) {
                    Ok($name(degrees))
                } else {
                    Err(DegreesError { limit: Self::LIMIT })
                }
            }

            /// The degrees.
            pub const fn degrees(self) -> f64 {
                self.0
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $name::new(f64::deserialize(deserializer)?).map_err(serde::de::Error::custom)
            }
        }
    };
}

degrees!(Latitude, 90, "north");
degrees!(Longitude, 180, "east");

/// The desks a site offers visitors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct DeskCount(u32);

/// More desks than one site may offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("at most {}", DeskCount::MAX)]
pub struct DeskCountError;

impl DeskCount {
    /// The most desks one site may offer (a sanity bound).
    pub const MAX: u32 = 10_000;

    /// At most [`DeskCount::MAX`].
    pub const fn new(desks: u32) -> Result<DeskCount, DeskCountError> {
        if desks <= Self::MAX { Ok(DeskCount(desks)) } else { Err(DeskCountError) }
    }

    /// How many.
    pub const fn get(self) -> u32 {
        self.0
    }
}

impl<'de> Deserialize<'de> for DeskCount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        DeskCount::new(u32::deserialize(deserializer)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_country_is_an_assigned_code_in_capitals() {
        assert_eq!(Country::parse("PL").map(|c| c.to_string()), Ok("PL".to_owned()));
        assert_eq!(Country::parse("DK").map(Country::continent), Ok(Continent::Europe));
        for refused in ["pl", "ZZ", "XX", "AQ", "POL", "", "P", "ÓL"] {
            assert!(Country::parse(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn degrees_are_finite_and_within_their_bound() {
        assert_eq!(Latitude::new(90.0).map(Latitude::degrees), Ok(90.0));
        assert_eq!(Latitude::new(-90.5), Err(DegreesError { limit: 90 }));
        assert!(Longitude::new(180.0).is_ok() && Longitude::new(f64::NAN).is_err());
        assert_eq!(Longitude::new(f64::INFINITY).unwrap_err().to_string(), "between -180 and 180");
    }

    #[test]
    fn a_site_offers_at_most_ten_thousand_desks() {
        assert_eq!(DeskCount::new(10_000).map(DeskCount::get), Ok(10_000));
        assert_eq!(DeskCount::new(10_001), Err(DeskCountError));
        assert_eq!(DeskCountError.to_string(), "at most 10000");
    }
}
