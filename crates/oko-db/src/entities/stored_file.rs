//! `stored_files`: one file of a storage; its bytes live in the file store under
//! `store_key`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stored_files")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub storage_id: Uuid,
    /// `common`, `organisations` or `personal` (see `oko_domain::storages::FileKind`).
    pub kind: String,
    /// The organisation a personal file belongs to.
    pub organisation_id: Option<Uuid>,
    pub name: String,
    pub name_search: String,
    pub content_type: String,
    pub size: i64,
    pub crc32: i64,
    pub store_key: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::organisation::Entity",
        from = "Column::OrganisationId",
        to = "super::organisation::Column::Id"
    )]
    Organisation,
    #[sea_orm(has_many = "super::file_download::Entity")]
    Downloads,
}

impl Related<super::organisation::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Organisation.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
