//! Stays.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stays")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub member_id: Uuid,
    pub site_id: Uuid,
    pub host_cluster_id: Uuid,
    pub home_cluster_id: Uuid,
    pub start_date: Date,
    pub end_date: Date,
    pub status: String,
    pub purpose: String,
    pub decline_reason: Option<String>,
    pub cancel_reason: Option<String>,
    pub answer_deadline: Option<DateTimeUtc>,
    pub within_guarantee: bool,
    pub checked_in: bool,
    pub no_show: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub reminded_at: Option<DateTimeUtc>,
    pub answer_reminded_at: Option<DateTimeUtc>,
    pub approved_at: Option<DateTimeUtc>,
    pub answer_seconds: Option<i64>,
    pub delegation_id: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
