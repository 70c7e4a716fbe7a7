//! Each site's desks and opening weekdays over time (reciprocity standing is
//! judged from them).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "site_desk_counts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub site_id: Uuid,
    pub at: DateTimeUtc,
    pub desks: i32,
    pub open_weekdays: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
