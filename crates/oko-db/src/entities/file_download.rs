//! `file_downloads`: a user's first and last download of a file.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "file_downloads")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub file_id: Uuid,
    /// The user's organisation (none for coordinators and the operator).
    pub organisation_id: Option<Uuid>,
    pub first_at: DateTimeUtc,
    pub last_at: DateTimeUtc,
    pub count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::stored_file::Entity",
        from = "Column::FileId",
        to = "super::stored_file::Column::Id"
    )]
    StoredFile,
}

impl Related<super::stored_file::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::StoredFile.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
