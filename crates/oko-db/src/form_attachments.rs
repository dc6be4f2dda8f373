//! Files organisations attach to their drafts (file cells): recorded once the
//! bytes are in the file store, never changed afterwards; forgotten only once
//! no cell of the draft or of any submission refers to them.

use chrono::{DateTime, Utc};
use oko_domain::forms::files::{Attachment, FileRef};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
    Set,
};
use uuid::Uuid;

use crate::entities::form_attachment;

/// A file just stored for an organisation's draft.
pub struct NewAttachment<'a> {
    pub collection_id: Uuid,
    pub organisation_id: Uuid,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub crc32: u32,
    pub store_key: &'a str,
    pub created_by: Uuid,
    pub now: DateTime<Utc>,
}

/// The attachment as the API shows it.
pub fn describe(row: &form_attachment::Model) -> Attachment {
    Attachment {
        id: row.id,
        name: row.name.clone(),
        size: u64::try_from(row.size).unwrap_or(0),
        content_type: row.content_type.clone(),
        value: FileRef::text(row.id, &row.name),
    }
}

/// Records a stored file.
pub async fn add(
    db: &impl ConnectionTrait,
    new: NewAttachment<'_>,
) -> Result<form_attachment::Model, DbErr> {
    form_attachment::ActiveModel {
        id: Set(Uuid::new_v4()),
        collection_id: Set(new.collection_id),
        organisation_id: Set(new.organisation_id),
        name: Set(new.name.to_owned()),
        content_type: Set(new.content_type.to_owned()),
        size: Set(i64::try_from(new.size).unwrap_or(i64::MAX)),
        crc32: Set(i64::from(new.crc32)),
        store_key: Set(new.store_key.to_owned()),
        created_by: Set(new.created_by),
        created_at: Set(new.now),
    }
    .insert(db)
    .await
}

/// Those of `ids` that are the organisation's attachments in the collection
/// (an id of another organisation's or collection's file is not among them).
pub async fn owned(
    db: &impl ConnectionTrait,
    collection_id: Uuid,
    organisation_id: Uuid,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<form_attachment::Model>, DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    form_attachment::Entity::find()
        .filter(form_attachment::Column::CollectionId.eq(collection_id))
        .filter(form_attachment::Column::OrganisationId.eq(organisation_id))
        .filter(form_attachment::Column::Id.is_in(ids))
        .all(db)
        .await
}

/// The organisation's attachments to the collection stored before `before`.
pub async fn stored_before(
    db: &impl ConnectionTrait,
    collection_id: Uuid,
    organisation_id: Uuid,
    before: DateTime<Utc>,
) -> Result<Vec<form_attachment::Model>, DbErr> {
    form_attachment::Entity::find()
        .filter(form_attachment::Column::CollectionId.eq(collection_id))
        .filter(form_attachment::Column::OrganisationId.eq(organisation_id))
        .filter(form_attachment::Column::CreatedAt.lt(before))
        .all(db)
        .await
}

/// Forgets attachments `ids` (the caller removes their bytes after).
pub async fn delete(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = Uuid>,
) -> Result<(), DbErr> {
    let ids: Vec<Uuid> = ids.into_iter().collect();
    if !ids.is_empty() {
        form_attachment::Entity::delete_many()
            .filter(form_attachment::Column::Id.is_in(ids))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// How many files the organisation attached to its draft of the collection,
/// and their bytes (those no cell refers to any more included, until pruned).
pub async fn usage(
    db: &impl ConnectionTrait,
    collection_id: Uuid,
    organisation_id: Uuid,
) -> Result<(u64, u64), DbErr> {
    let sizes: Vec<i64> = form_attachment::Entity::find()
        .select_only()
        .column(form_attachment::Column::Size)
        .filter(form_attachment::Column::CollectionId.eq(collection_id))
        .filter(form_attachment::Column::OrganisationId.eq(organisation_id))
        .into_tuple()
        .all(db)
        .await?;
    let bytes = sizes.iter().map(|&n| u64::try_from(n).unwrap_or(0)).sum();
    Ok((sizes.len() as u64, bytes))
}
