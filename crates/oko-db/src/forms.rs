//! Form definitions and their versions. A version never changes once saved, so
//! parsed definitions are cached by version id for the life of the process: on
//! deadline day every save needs its form, and parsing it each time would be waste.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use oko_domain::{
    collections::{FormSummary, FormVersion},
    forms::FormDefinition,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use uuid::Uuid;

use crate::{
    entities::{form, form_version},
    sync::Recent,
};

/// Saves a new form with `definition` as its version 1.
pub async fn create(
    db: &DatabaseConnection,
    definition: &FormDefinition,
    now: DateTime<Utc>,
) -> Result<FormVersion, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let form = form::ActiveModel {
        id: Set(Uuid::new_v4()),
        title: Set(definition.title.clone()),
        created_at: Set(now),
    }
    .insert(&txn)
    .await?;
    let version = insert_version(&txn, form.id, 1, definition, now).await?;
    txn.commit().await?;
    Ok(version)
}

/// Saves `definition` as the next version of form `form_id`; `None` if no such form.
pub async fn add_version(
    db: &DatabaseConnection,
    form_id: Uuid,
    definition: &FormDefinition,
    now: DateTime<Utc>,
) -> Result<Option<FormVersion>, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let Some(form) = form::Entity::find_by_id(form_id).one(&txn).await? else {
        return Ok(None);
    };
    let latest = latest_version(&txn, form_id)
        .await?
        .map_or(0, |v| v.version);
    let mut row: form::ActiveModel = form.into();
    row.title = Set(definition.title.clone());
    row.update(&txn).await?;
    let version = insert_version(&txn, form_id, latest + 1, definition, now).await?;
    txn.commit().await?;
    Ok(Some(version))
}

async fn insert_version(
    db: &impl sea_orm::ConnectionTrait,
    form_id: Uuid,
    number: i32,
    definition: &FormDefinition,
    now: DateTime<Utc>,
) -> Result<FormVersion, DbErr> {
    let json = serde_json::to_string(definition).map_err(|e| DbErr::Custom(e.to_string()))?;
    let row = form_version::ActiveModel {
        id: Set(Uuid::new_v4()),
        form_id: Set(form_id),
        version: Set(number),
        definition: Set(json),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    Ok(FormVersion {
        id: row.id,
        form_id,
        version: number,
        definition: definition.clone(),
        created_at: now,
    })
}

async fn latest_version(
    db: &impl sea_orm::ConnectionTrait,
    form_id: Uuid,
) -> Result<Option<form_version::Model>, DbErr> {
    form_version::Entity::find()
        .filter(form_version::Column::FormId.eq(form_id))
        .order_by_desc(form_version::Column::Version)
        .one(db)
        .await
}

/// Every form with its latest version, newest form first.
pub async fn list(db: &DatabaseConnection) -> Result<Vec<FormSummary>, DbErr> {
    let forms = form::Entity::find()
        .order_by_desc(form::Column::CreatedAt)
        .all(db)
        .await?;
    let mut latest: HashMap<Uuid, (i32, Uuid)> = HashMap::new();
    let versions: Vec<(Uuid, i32, Uuid)> = form_version::Entity::find()
        .select_only()
        .columns([
            form_version::Column::FormId,
            form_version::Column::Version,
            form_version::Column::Id,
        ])
        .into_tuple()
        .all(db)
        .await?;
    for (form_id, number, id) in versions {
        let entry = latest.entry(form_id).or_insert((number, id));
        if number > entry.0 {
            *entry = (number, id);
        }
    }
    Ok(forms
        .into_iter()
        .filter_map(|f| {
            let (latest_version, latest_version_id) = *latest.get(&f.id)?;
            Some(FormSummary {
                id: f.id,
                title: f.title,
                latest_version,
                latest_version_id,
                created_at: f.created_at,
            })
        })
        .collect())
}

/// The latest version of form `form_id`.
pub async fn latest(db: &DatabaseConnection, form_id: Uuid) -> Result<Option<FormVersion>, DbErr> {
    latest_version(db, form_id)
        .await?
        .map(to_version)
        .transpose()
}

/// Version `id`.
pub async fn version(db: &DatabaseConnection, id: Uuid) -> Result<Option<FormVersion>, DbErr> {
    form_version::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(to_version)
        .transpose()
}

fn to_version(row: form_version::Model) -> Result<FormVersion, DbErr> {
    Ok(FormVersion {
        id: row.id,
        form_id: row.form_id,
        version: row.version,
        definition: parse(&row.definition)?,
        created_at: row.created_at,
    })
}

fn parse(json: &str) -> Result<FormDefinition, DbErr> {
    serde_json::from_str(json).map_err(|e| DbErr::Custom(format!("a stored form definition: {e}")))
}

/// Parsed definitions by version id (a version never changes).
pub struct DefinitionCache {
    parsed: Recent<Uuid, Arc<FormDefinition>>,
}

/// Form versions held at once.
const MAX_DEFINITIONS: usize = 10_000;

impl Default for DefinitionCache {
    fn default() -> Self {
        DefinitionCache {
            parsed: Recent::unchanging(MAX_DEFINITIONS),
        }
    }
}

impl DefinitionCache {
    /// The definition of version `id` (it must exist: collections pin it with a
    /// foreign key).
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        id: Uuid,
    ) -> Result<Arc<FormDefinition>, DbErr> {
        if let Some(found) = self.parsed.get(&id) {
            return Ok(found);
        }
        let row = form_version::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or_else(|| DbErr::RecordNotFound(format!("form version {id}")))?;
        let definition = Arc::new(parse(&row.definition)?);
        self.parsed.put(id, definition.clone());
        Ok(definition)
    }
}
