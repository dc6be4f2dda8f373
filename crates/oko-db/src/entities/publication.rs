//! `publications`: announcements, instructions and materials in a section.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub section_id: Uuid,
    pub title: String,
    pub title_search: String,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    pub published_on: DateTimeUtc,
    pub visible_from: DateTimeUtc,
    pub is_news: bool,
    pub for_everyone: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::publication_read::Entity")]
    Reads,
    #[sea_orm(has_many = "super::publication_star::Entity")]
    Stars,
}

impl Related<super::publication_read::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Reads.def()
    }
}

impl Related<super::publication_star::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Stars.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
