//! Every transition of a stay: who, when, from, to, why.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "stay_history")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub stay_id: Uuid,
    pub at: DateTimeUtc,
    pub actor: String,
    pub by_member_id: Option<Uuid>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub action: String,
    pub reason: Option<String>,
    pub guarantee_exception: bool,
    pub moved_from_start: Option<Date>,
    pub moved_from_end: Option<Date>,
    pub moved_to_start: Option<Date>,
    pub moved_to_end: Option<Date>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
