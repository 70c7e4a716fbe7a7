//! Starting a network from an empty database: the operator at the terminal
//! (`deskvisa admin network`) makes a person a network admin, creating a
//! **network staff** account (no home cluster) when nobody has the address,
//! and may print that person's first sign-in link, before any mail is set
//! up. The terminal is trusted: there is no caller to check.

use deskvisa_rules::{Email, Locale, MemberStatus};
use deskvisa_store::{MemberRecord, Role, StoreError};

use crate::Service;
use crate::conflict::Conflict;
use crate::error::ServiceError;
use crate::map::NewMember;
use crate::tokens::hash;

/// What [`Service::appoint_network_admin`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Appointment {
    /// Nobody had the address: a network staff account was made, with the role.
    CreatedStaff,
    /// The account existed and now holds the role.
    Granted,
    /// The account already held the role: nothing changed.
    AlreadyHeld,
}

/// A sign-in link handed out directly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedLink {
    /// The link (the page with the "Sign in" button).
    pub url: String,
    /// When it stops working.
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl Service {
    /// Makes the person with `email` a network admin, in one transaction.
    /// Nobody has the address: a network staff account named `name` (which
    /// is then required) in `locale`. A revoked member is refused: they
    /// could not sign in. Repeating it changes nothing.
    pub async fn appoint_network_admin(
        &self,
        email: &Email,
        name: Option<&str>,
        locale: Locale,
    ) -> Result<(MemberRecord, Appointment), ServiceError> {
        let now = self.now();
        let tx = self.store.begin_write().await?;
        let (member, appointment) = match tx.member_by_email(email).await? {
            Some(m) if m.status == MemberStatus::Revoked => {
                return Err(Conflict::MemberRevoked { email: email.clone() }.into());
            }
            Some(m) => {
                let held = tx.roles(m.id).await?.contains(&Role::NetworkAdmin);
                (m, if held { Appointment::AlreadyHeld } else { Appointment::Granted })
            }
            None => {
                let Some(name) = name.map(str::trim).filter(|n| !n.is_empty()) else {
                    return Err(Conflict::NameRequired { email: email.clone() }.into());
                };
                let new = NewMember { email: email.clone(), name: name.to_owned(), company: String::new(), locale };
                let record = crate::map::invited(new, None, None);
                match tx.insert_member(&record, now).await {
                    // Another operator made it a moment ago: theirs stands,
                    // and running the command again grants the role.
                    Err(StoreError::Unique(_)) => {
                        return Err(Conflict::EmailTakenJustNow { email: email.clone() }.into());
                    }
                    other => other?,
                }
                (record, Appointment::CreatedStaff)
            }
        };
        tx.grant_role(member.id, Role::NetworkAdmin, now).await?;
        tx.commit().await?;
        Ok((member, appointment))
    }

    /// A single-use sign-in link for the person with `email`, under the same
    /// rules as an emailed one (15 minutes, once, only its hash stored),
    /// for a first sign-in before mail is set up. `NotFound` when nobody
    /// (or only a revoked member) has the address.
    pub async fn issue_sign_in_link(&self, email: &Email) -> Result<IssuedLink, ServiceError> {
        let now = self.now();
        let expires_at = now + crate::SIGN_IN_LINK_LIFETIME;
        let token = crate::secret("sg_")?;
        let tx = self.store.begin_write().await?;
        let member = tx
            .member_by_email(email)
            .await?
            .filter(|m| m.status != MemberStatus::Revoked)
            .ok_or(ServiceError::NotFound)?;
        tx.insert_sign_in_token(uuid::Uuid::new_v4(), member.id, Some(&hash(&token)), now, expires_at).await?;
        tx.commit().await?;
        Ok(IssuedLink { url: format!("{}/auth/verify?token={token}", self.public_url), expires_at })
    }
}
