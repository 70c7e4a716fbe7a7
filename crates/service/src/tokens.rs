//! API tokens for `Authorization: Bearer`: 256 bits from the operating
//! system's CSPRNG, shown once, stored as a SHA-256 hash. A revoked member's
//! tokens stop working at once, because every request looks the member up.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use deskvisa_rules::{Email, MemberStatus};
use sha2::{Digest, Sha256};

use crate::Service;
use crate::caller::Caller;
use crate::error::ServiceError;

/// The stored form of a token.
pub(crate) fn hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

impl Service {
    /// Creates a token for the member with this email; the token itself is
    /// returned once and never stored.
    pub async fn create_token(&self, email: &Email, label: &str) -> Result<String, ServiceError> {
        let mut bytes = [0u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
        let token = format!("dv_{}", URL_SAFE_NO_PAD.encode(bytes));
        let tx = self.store.begin_write().await?;
        let member = tx.member_by_email(email).await?.ok_or(ServiceError::NotFound)?;
        tx.insert_token(member.id, &hash(&token), label, self.now()).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The caller a bearer token speaks for, if the token is live and its
    /// member not revoked.
    pub async fn authenticate(&self, token: &str) -> Result<Caller, ServiceError> {
        let (member, roles) = self.store.token_holder(&hash(token)).await?.ok_or(ServiceError::Unauthenticated)?;
        if member.status == MemberStatus::Revoked {
            return Err(ServiceError::Unauthenticated);
        }
        Ok(Caller::new(&member, &roles))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_stored_hash_is_sha256_in_hex() {
        assert_eq!(super::hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
