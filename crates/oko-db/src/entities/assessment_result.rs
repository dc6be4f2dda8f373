//! `assessment_results`: one student's result in one work (a pseudonymous code,
//! points per task as `1,0,2,…`, the computed primary score and mark).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "assessment_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub work_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub organisation_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub code: String,
    pub class_name: String,
    pub variant: String,
    pub scores: String,
    pub primary_score: i32,
    pub mark: i32,
    pub journal_mark: Option<i32>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
