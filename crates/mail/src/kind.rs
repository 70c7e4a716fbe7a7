//! The stay emails among [`MailKind`]s: the kinds this crate's stay renderer
//! writes. Their stable names are [`MailKind`]'s, defined once in the rules.
//! Every family of emails (stay, event, account) is declared with
//! `mail_family!`, which gives each the same names, parsing and `ALL`.
//!
//! [`MailKind`]: deskvisa_rules::MailKind

/// Declares a family of emails: an enum whose variants are the
/// [`MailKind`](deskvisa_rules::MailKind)s of the same names, serialized as
/// their stable names, with what every family has: `ALL` (in the order
/// declared), `as_str`, `kind`, `of`, `parse` and `Display`. What a family
/// has besides goes in an `impl` of its own.
macro_rules! mail_family {
    (
        $(#[$meta:meta])*
        pub enum $family:ident {
            $( $(#[$variant_meta:meta])* $variant:ident, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $family {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $family {
            /// Every kind of the family, in the order declared.
            pub const ALL: [$family; [$(stringify!($variant)),+].len()] = [$($family::$variant),+];

            /// The stable name ([`MailKind::as_str`](::deskvisa_rules::MailKind::as_str)):
            /// `stay_requested`, `event_changed`, `sign_in`, ...
            pub const fn as_str(self) -> &'static str {
                self.kind().as_str()
            }

            /// The kind of [`MailKind`](::deskvisa_rules::MailKind) this is.
            pub const fn kind(self) -> ::deskvisa_rules::MailKind {
                match self {
                    $( $family::$variant => ::deskvisa_rules::MailKind::$variant, )+
                }
            }

            /// The email of this family that `kind` is, if it is one.
            pub fn of(kind: ::deskvisa_rules::MailKind) -> Option<$family> {
                $family::ALL.into_iter().find(|k| k.kind() == kind)
            }

            /// The email of this family with this stable name, if any.
            pub fn parse(name: &str) -> Option<$family> {
                ::deskvisa_rules::MailKind::parse(name).and_then($family::of)
            }
        }

        impl ::std::fmt::Display for $family {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use mail_family;

mail_family! {
    /// Which stay email this is: decides the recipient's wording and whether a
    /// calendar file goes with it. In the order of a stay's life.
    pub enum StayMailKind {
        /// To the member: the request was received and waits for the host.
        StayRequested,
        /// To the host's cluster admins: a member asks for a stay; decide.
        StayRequestedHost,
        /// To the member: the stay is approved (carries a `METHOD:REQUEST` invitation).
        StayApproved,
        /// To the host's cluster admins: a stay was approved with no admin's
        /// decision (automatic approval, or the answer deadline passed).
        StayApprovedHost,
        /// To the member: the host declined the stay.
        StayDeclined,
        /// To the member: the host did not answer in time and the request lapsed.
        StayExpired,
        /// To the member: the stay is cancelled (a `METHOD:CANCEL` if it had been approved).
        StayCancelled,
        /// To the host's cluster admins: a stay at their site is cancelled.
        StayCancelledHost,
        /// To the member: the stay begins in a few days.
        StayReminder,
        /// To the host's cluster admins: a pending stay's answer window is about to close.
        AnswerReminder,
        /// To the member: the stay has new dates (an updated invitation when
        /// it had one).
        StayMoved,
        /// To the host's cluster admins: a visitor moved their stay; decide
        /// when it waits for an answer again.
        StayMovedHost,
    }
}

impl StayMailKind {
    /// Whether the email goes to the host's cluster admins (not the member).
    pub const fn to_host(self) -> bool {
        self.kind().to_host()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_match_serde() {
        for kind in StayMailKind::ALL {
            assert_eq!(StayMailKind::parse(kind.as_str()), Some(kind));
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
            let back: StayMailKind = serde_json::from_str(&format!("\"{kind}\"")).unwrap();
            assert_eq!(back, kind);
        }
        assert_eq!(StayMailKind::parse("stay_unknown"), None);
        assert_eq!(StayMailKind::parse("event_changed"), None, "an event's kind is no stay's");
    }
}
