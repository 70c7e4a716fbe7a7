//! Bringing a cluster's members in from a file: the rows, already parsed
//! at the edge, are judged (to be added, already a member, or refused with
//! the reason) for a preview, and judged again inside the one transaction
//! that adds every acceptable row with its welcome email. The same file
//! twice adds nobody twice.

use std::collections::HashMap;

use chrono::NaiveDate;
use deskvisa_rules::{ClusterId, DateField, Email};
use deskvisa_store::Tx;

use crate::Service;
use crate::caller::{Caller, cluster_run_by};
use crate::error::ServiceError;
use crate::map::{NewMember, email_free};

/// The most rows one import may hold.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// One member of a file, parsed.
#[derive(Debug, Clone)]
pub struct ImportRow {
    /// The line of the file it came from (the header is line 1).
    pub line: usize,
    /// Who.
    pub member: NewMember,
    /// The last date the cluster vouches for them, if any.
    pub vouched_until: Option<NaiveDate>,
}

/// What an import does with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportVerdict {
    /// A new member of the cluster, invited.
    Add,
    /// The address is a member of this cluster already: left as it is.
    AlreadyMember,
    /// The address belongs to another cluster's member (or network staff).
    EmailTaken,
    /// The address came earlier in the file, on this line.
    RepeatsLine(usize),
    /// `vouched_until` is outside its bounds.
    VouchedUntilOutOfRange(deskvisa_rules::DateOutOfRange),
}

async fn judge(
    tx: &Tx,
    cluster: ClusterId,
    rows: &[ImportRow],
    today: NaiveDate,
) -> Result<Vec<ImportVerdict>, ServiceError> {
    let emails: Vec<Email> = rows.iter().map(|r| r.member.email.clone()).collect();
    let known: HashMap<Email, Option<ClusterId>> =
        tx.members_by_emails(&emails).await?.into_iter().map(|m| (m.email, m.cluster_id)).collect();
    let mut first: HashMap<&Email, usize> = HashMap::new();
    Ok(rows
        .iter()
        .map(|row| {
            let email = &row.member.email;
            let until = row.vouched_until.map(|d| deskvisa_rules::within_bounds(DateField::VouchedUntil, d, today));
            if let Some(Err(out)) = until {
                return ImportVerdict::VouchedUntilOutOfRange(out);
            }
            if let Some(line) = first.get(email) {
                return ImportVerdict::RepeatsLine(*line);
            }
            first.insert(email, row.line);
            match known.get(email) {
                None => ImportVerdict::Add,
                Some(home) if *home == Some(cluster) => ImportVerdict::AlreadyMember,
                Some(_) => ImportVerdict::EmailTaken,
            }
        })
        .collect())
}

impl Service {
    async fn may_import(&self, caller: &Caller, cluster: ClusterId, rows: &[ImportRow]) -> Result<(), ServiceError> {
        cluster_run_by(&self.store.begin_read().await?, caller, cluster).await?;
        if rows.len() > MAX_IMPORT_ROWS {
            return Err(ServiceError::Invalid(format!("at most {MAX_IMPORT_ROWS} members at a time")));
        }
        Ok(())
    }

    /// What importing `rows` into `cluster` would do, row by row.
    pub async fn preview_import(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        rows: &[ImportRow],
    ) -> Result<Vec<ImportVerdict>, ServiceError> {
        self.may_import(caller, cluster, rows).await?;
        let tx = self.store.begin_read().await?;
        judge(&tx, cluster, rows, self.now().date_naive()).await
    }

    /// Adds every row judged [`ImportVerdict::Add`] as an invited member of
    /// `cluster`, each with a welcome email, in one transaction; returns
    /// the verdicts it acted on.
    pub async fn import_members(
        &self,
        caller: &Caller,
        cluster: ClusterId,
        rows: &[ImportRow],
    ) -> Result<Vec<ImportVerdict>, ServiceError> {
        self.may_import(caller, cluster, rows).await?;
        let now = self.now();
        let tx = self.store.begin_write().await?;
        let verdicts = judge(&tx, cluster, rows, now.date_naive()).await?;
        let adding = verdicts.iter().filter(|v| **v == ImportVerdict::Add).count();
        self.count_invitations(&tx, caller, u32::try_from(adding).unwrap_or(u32::MAX)).await?;
        let mut mails = Vec::new();
        for (row, verdict) in rows.iter().zip(&verdicts) {
            if *verdict != ImportVerdict::Add {
                continue;
            }
            let mut record = crate::map::invited(row.member.clone(), Some(cluster), row.vouched_until);
            // Added by someone else since the judging began: the
            // transaction is left, nothing is half-imported.
            email_free(tx.insert_member(&record, now).await)?;
            crate::firms::join_firm_named(&tx, &mut record, now).await?;
            mails.extend(self.welcome(&tx, &record, now).await?);
        }
        tx.enqueue_mail(&mails, now).await?;
        tx.commit().await?;
        Ok(verdicts)
    }
}
