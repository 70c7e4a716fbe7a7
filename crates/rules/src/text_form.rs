//! The text form of the types read from text at the edge: one way, for all
//! of them, to show a value, to write it as a JSON string and to read it
//! back, always through the type's own `parse`, so that a value arriving in
//! JSON is checked exactly as one typed into a form.

/// Implements, for `$ty` (which has `fn parse(&str) -> Result<Self, E>` with
/// a displayable `E`, and a method `$text` that gives the value back as text)
/// the traits named after `=>`:
///
/// - `Display`: the text;
/// - `Serialize`: the text, as a string;
/// - `Deserialize`: a string, through `parse` (its error is serde's message);
/// - `FromStr(E)`: `parse`, failing with its error `E`.
macro_rules! text_form {
    ($ty:ident as $text:ident => $($form:ident $(($err:ty))?),+ $(,)?) => {
        $($crate::text_form::text_form!(@$form $ty, $text $(, $err)?);)+
    };
    (@Display $ty:ident, $text:ident) => {
        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.$text())
            }
        }
    };
    (@Serialize $ty:ident, $text:ident) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.$text())
            }
        }
    };
    (@Deserialize $ty:ident, $text:ident) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                $ty::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
    (@FromStr $ty:ident, $text:ident, $err:ty) => {
        impl std::str::FromStr for $ty {
            type Err = $err;

            fn from_str(text: &str) -> Result<Self, Self::Err> {
                $ty::parse(text)
            }
        }
    };
}

pub(crate) use text_form;
