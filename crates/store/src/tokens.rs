//! API tokens: only a hash of each token is stored, so a copy of the
//! database gives no one a way in.

use chrono::{DateTime, Utc};
use deskvisa_rules::MemberId;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, FromQueryResult, Iterable, Set};

use crate::entity::{api_token, member, member_role};
use crate::error::StoreError;
use crate::map::{MemberRecord, Role, member_record, role};
use crate::tx::{Store, Tx};

impl Store {
    /// The member a live token belongs to, with their roles: one statement
    /// on the read pool (a single statement needs no transaction to be
    /// consistent), since every API request asks it.
    pub async fn token_holder(&self, token_hash: &str) -> Result<Option<(MemberRecord, Vec<Role>)>, StoreError> {
        let mut query = Query::select();
        for column in member::Column::iter() {
            query.column((member::Entity, column));
        }
        query
            .expr_as(Expr::col((member_role::Entity, member_role::Column::Role)), "role")
            .from(api_token::Entity)
            .inner_join(
                member::Entity,
                Expr::col((member::Entity, member::Column::Id))
                    .equals((api_token::Entity, api_token::Column::MemberId)),
            )
            .left_join(
                member_role::Entity,
                Expr::col((member_role::Entity, member_role::Column::MemberId))
                    .equals((member::Entity, member::Column::Id)),
            )
            .and_where(Expr::col((api_token::Entity, api_token::Column::TokenHash)).eq(token_hash))
            .and_where(Expr::col((api_token::Entity, api_token::Column::RevokedAt)).is_null());
        let rows = self.reads().query_all(&query).await?;
        member_with_roles(&rows)
    }
}

/// A member and their roles from rows of the member's columns joined with
/// one `role` each (none when the rows are empty).
pub(crate) fn member_with_roles(
    rows: &[sea_orm::QueryResult],
) -> Result<Option<(MemberRecord, Vec<Role>)>, StoreError> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let member = member_record(member::Model::from_query_result(first, "")?)?;
    let roles = rows
        .iter()
        .filter_map(|row| row.try_get::<Option<String>>("", "role").transpose())
        .map(|text| role(&text?))
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(Some((member, roles)))
}

impl Tx {
    /// Stores a new token's hash for a member.
    pub async fn insert_token(
        &self,
        member: MemberId,
        token_hash: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.insert_row(api_token::ActiveModel {
            id: Set(uuid::Uuid::new_v4()),
            member_id: Set(member.as_uuid()),
            token_hash: Set(token_hash.to_owned()),
            label: Set(label.to_owned()),
            created_at: Set(now),
            revoked_at: Set(None),
        })
        .await
    }
}
