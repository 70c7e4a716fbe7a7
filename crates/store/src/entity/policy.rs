//! Host policies, one per cluster (absent: the defaults).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policies")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub cluster_id: Uuid,
    pub max_days_per_stay: i32,
    pub stays_per_year: i32,
    pub min_notice_days: i32,
    pub horizon_days: i32,
    pub approval_mode: String,
    pub answer_window_days: i32,
    pub on_no_answer: String,
    pub offer_hold_hours: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
