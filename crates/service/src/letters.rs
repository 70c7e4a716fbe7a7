//! Invitation letters (issue 22): the member of an approved stay asks for a
//! letter naming them as in their passport; the host's letterhead and the
//! stay's facts make the PDF (rendered off the async threads), stored with
//! the hash of a 128-bit verification code. Anyone holding the code (a
//! consulate, a border officer) checks it without signing in, and learns
//! only the host, the dates, the site and the visitor's initials.

use std::net::IpAddr;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use deskvisa_letter::Letter;
use deskvisa_rules::{
    ClusterId, LetterCode, LetterStay, LetterValidity, Locale, MemberId, PassportName, StayId, letter_languages,
    letter_validity, may_have_letter,
};
use deskvisa_store::{Letterhead, MemberRecord, NewLetter, StayRecord, Tx};

use crate::caller::Caller;
use crate::conflict::Conflict;
use crate::error::ServiceError;
use crate::sign_in::window_start;
use crate::{Service, tokens};

/// The most characters of a letterhead's address.
pub const MAX_LETTERHEAD_ADDRESS_CHARS: usize = 300;

/// A letter just made.
#[derive(Debug, Clone)]
pub struct LetterMade {
    /// The letter's id.
    pub id: uuid::Uuid,
    /// Its stay.
    pub stay: StayId,
    /// The verification code (shown to the member, printed on the letter).
    pub code: LetterCode,
    /// Where anyone checks it.
    pub verify_url: String,
    /// The languages of its pages.
    pub languages: Vec<Locale>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
}

/// What a check of a letter's code says, to anyone.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Valid, or what became of the stay.
    pub validity: LetterValidity,
    /// The host cluster.
    pub host_name: String,
    /// The host cluster's city.
    pub city: String,
    /// The site the letter names.
    pub site_name: String,
    /// The dates the letter names.
    pub start_date: NaiveDate,
    /// The last of them.
    pub end_date: NaiveDate,
    /// The visitor's initials, not their name.
    pub initials: String,
    /// When the letter was made.
    pub issued_at: DateTime<Utc>,
}

/// A cluster's letterhead as its admins edit it.
#[derive(Debug, Clone)]
pub struct LetterheadView {
    /// The postal address.
    pub address: String,
    /// The admin who signs, if one is named.
    pub signatory: Option<MemberId>,
    /// The cluster's admins, any of whom may be named.
    pub admins: Vec<MemberRecord>,
}

impl Service {
    /// Makes the caller's letter for their approved stay, naming them
    /// `passport_name`; an earlier letter of the stay stops counting.
    pub async fn make_letter(
        &self,
        caller: &Caller,
        id: StayId,
        passport_name: PassportName,
    ) -> Result<LetterMade, ServiceError> {
        let now = self.now();
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| ServiceError::Internal(format!("no randomness: {e}")))?;
        let code = LetterCode::from_bytes(bytes);
        let verify_url = format!("{}/verify/{}", self.public_url, code.as_str());
        let (letter, stay) = {
            let tx = self.store.begin_read().await?;
            let stay = self.own_stay_for_letter(&tx, caller, id, now).await?;
            (self.letter_facts(&tx, &stay, &passport_name, &code, &verify_url, now).await?, stay)
        };
        let languages = letter.languages.clone();
        let pdf = tokio::task::spawn_blocking(move || deskvisa_letter::render(&letter))
            .await
            .map_err(|e| ServiceError::Internal(format!("the letter's renderer stopped: {e}")))?
            .map_err(|e| ServiceError::Internal(e.to_string()))?;
        let tx = self.store.begin_write().await?;
        // The stay may have moved or been called off while the PDF was made.
        let current = self.own_stay_for_letter(&tx, caller, id, now).await?;
        if (current.site, current.start_date, current.end_date) != (stay.site, stay.start_date, stay.end_date) {
            return Err(ServiceError::Conflict(Conflict::Letter(deskvisa_rules::LetterRefusal::StayNotApproved)));
        }
        let letter = NewLetter {
            id: uuid::Uuid::new_v4(),
            stay: id,
            member: caller.member,
            written: LetterStay { site: stay.site, start_date: stay.start_date, end_date: stay.end_date },
            passport_name: passport_name.as_str().to_owned(),
            initials: passport_name.initials(),
            code_hash: tokens::hash(code.as_str()),
            pdf,
        };
        tx.insert_letter(&letter, now).await?;
        tx.commit().await?;
        tracing::info!(stay = %id, letter = %letter.id, "invitation letter made");
        Ok(LetterMade { id: letter.id, stay: id, code, verify_url, languages, created_at: now })
    }

    /// The stay, if it is the caller's and may have a letter today.
    async fn own_stay_for_letter(
        &self,
        tx: &Tx,
        caller: &Caller,
        id: StayId,
        now: DateTime<Utc>,
    ) -> Result<StayRecord, ServiceError> {
        let stay = tx.stay(id, false).await?.ok_or(ServiceError::NotFound)?;
        if stay.member != caller.member {
            return Err(if caller.sees(&stay) { ServiceError::Forbidden } else { ServiceError::NotFound });
        }
        let today = stay.facts.zone.date_at(now);
        may_have_letter(stay.status, stay.no_show, stay.end_date, today)
            .map_err(|r| ServiceError::Conflict(Conflict::Letter(r)))?;
        Ok(stay)
    }

    /// Everything the letter says.
    async fn letter_facts(
        &self,
        tx: &Tx,
        stay: &StayRecord,
        passport_name: &PassportName,
        code: &LetterCode,
        verify_url: &str,
        now: DateTime<Utc>,
    ) -> Result<Letter, ServiceError> {
        let host = tx.cluster(stay.host_cluster).await?.ok_or(ServiceError::NotFound)?;
        let home = tx.cluster(stay.home_cluster).await?.ok_or(ServiceError::NotFound)?;
        let site = tx.site(stay.site).await?.ok_or(ServiceError::NotFound)?;
        let visitor = tx.member(stay.member).await?.ok_or(ServiceError::NotFound)?;
        let firm = match visitor.firm {
            Some(firm) => tx.firm(firm, false).await?.map(|f| f.profile.name),
            None => Some(visitor.company.clone()).filter(|c| !c.trim().is_empty()),
        };
        let letterhead = tx.letterhead(host.id).await?.unwrap_or_default();
        let admins = tx.cluster_admins(host.id).await?;
        let named = letterhead.signatory.filter(|s| admins.iter().any(|a| a.id == *s));
        let approver = tx.stay_approver(stay.id).await?.filter(|s| admins.iter().any(|a| a.id == *s));
        let signatory = named
            .or(approver)
            .and_then(|s| admins.iter().find(|a| a.id == s))
            .or_else(|| admins.first())
            .map_or_else(|| format!("{} desk team", host.name), |a| a.name.clone());
        let mut address: Vec<String> =
            letterhead.address.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
        if address.is_empty() {
            address.push(format!("{}, {}", host.city, host.country.as_str()));
        }
        Ok(Letter {
            languages: letter_languages(&host.country),
            host_cluster: host.name.clone(),
            host_address: address,
            host_city: host.city.clone(),
            signatory,
            passport_name: passport_name.as_str().to_owned(),
            visitor_firm: firm,
            home_cluster: home.name,
            start: stay.start_date,
            end: stay.end_date,
            site_name: site.name,
            site_address: site.address,
            purpose: stay.purpose.clone(),
            host_contact: site.contact_email,
            issued_on: site.timezone.date_at(now),
            code: code.grouped(),
            verify_url: verify_url.to_owned(),
        })
    }

    /// The PDF of the caller's current letter for their stay, and a file name.
    pub async fn letter_pdf(&self, caller: &Caller, id: StayId) -> Result<(Vec<u8>, String), ServiceError> {
        {
            let tx = self.store.begin_read().await?;
            self.own_stay_for_letter(&tx, caller, id, self.now()).await?;
        }
        let letter = self.store.current_letter(id).await?.ok_or(ServiceError::NotFound)?;
        let name = format!("invitation-letter-{}.pdf", letter.created_at.format("%Y-%m-%d"));
        Ok((letter.pdf, name))
    }

    /// Whether the caller's stay has a current letter (the stay page offers
    /// its download then).
    pub async fn has_letter(&self, id: StayId) -> Result<bool, ServiceError> {
        Ok(self.store.current_letter(id).await?.is_some())
    }

    /// What anyone with the code learns of the letter; `NotFound` for a
    /// code no letter has; `RateLimited` past the client's checks this minute.
    pub async fn verify_letter(&self, code: &LetterCode, client: Option<IpAddr>) -> Result<Verification, ServiceError> {
        let now = self.now();
        if let Some(client) = client {
            let minute = window_start(now, TimeDelta::minutes(1));
            let tx = self.store.begin_write().await?;
            let hits = tx.hit(&format!("letter-check-client:{client}"), minute).await?;
            tx.commit().await?;
            if hits > self.rate_limits.letter_checks_per_client_per_minute {
                let retry_after = (minute + TimeDelta::minutes(1) - now).num_seconds().max(1);
                return Err(ServiceError::RateLimited { retry_after_seconds: retry_after.unsigned_abs() });
            }
        }
        let check = self.store.letter_check(&tokens::hash(code.as_str())).await?.ok_or(ServiceError::NotFound)?;
        Ok(Verification {
            validity: letter_validity(check.written, check.now, check.status, check.no_show, check.replaced),
            host_name: check.host_name,
            city: check.city,
            site_name: check.site_name,
            start_date: check.written.start_date,
            end_date: check.written.end_date,
            initials: check.initials,
            issued_at: check.created_at,
        })
    }

    /// The cluster's letterhead, for those who run the cluster.
    pub async fn letterhead(&self, caller: &Caller, cluster: ClusterId) -> Result<LetterheadView, ServiceError> {
        if !caller.runs(cluster) {
            return Err(ServiceError::Forbidden);
        }
        let tx = self.store.begin_read().await?;
        tx.cluster(cluster).await?.ok_or(ServiceError::NotFound)?;
        let letterhead = tx.letterhead(cluster).await?.unwrap_or_default();
        Ok(LetterheadView {
            address: letterhead.address,
            signatory: letterhead.signatory,
            admins: tx.cluster_admins(cluster).await?,
        })
    }

    /// Writes the cluster's letterhead: `address` (trimmed, at most
    /// [`MAX_LETTERHEAD_ADDRESS_CHARS`]) and the admin who signs (one of
    /// the cluster's admins, else 422 `signatory_not_admin`).
    pub async fn save_letterhead(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        address: String,
        signatory: Option<MemberId>,
    ) -> Result<LetterheadView, ServiceError> {
        if !caller.runs(cluster) {
            return Err(ServiceError::Forbidden);
        }
        let tx = self.store.begin_write().await?;
        tx.cluster(cluster).await?.ok_or(ServiceError::NotFound)?;
        let admins = tx.cluster_admins(cluster).await?;
        if let Some(s) = signatory
            && !admins.iter().any(|a| a.id == s)
        {
            return Err(ServiceError::Conflict(Conflict::SignatoryNotAdmin));
        }
        let letterhead = Letterhead { address: address.trim().replace("\r\n", "\n"), signatory };
        tx.save_letterhead(cluster, &letterhead, self.now()).await?;
        tx.commit().await?;
        Ok(LetterheadView { address: letterhead.address, signatory, admins })
    }
}
