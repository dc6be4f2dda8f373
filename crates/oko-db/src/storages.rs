//! File storages: which storages and files a user sees, what they may download, and
//! their download marks. A storage is seen by whoever sees its publication (the
//! board decides); inside it, personal files are seen only by their organisation,
//! its coordinators and the operator.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use oko_domain::{
    storages::{
        DownloadRight, Downloader, FileKind, FileOwner, FilePage, Storage, StorageInput, StoredFile,
    },
    text::search_key,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbErr,
    EntityTrait, FromQueryResult, JoinType, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Set,
    sea_query::{Expr, ExprTrait, IntoCondition, OnConflict},
};
use uuid::Uuid;

use crate::{
    board::Board,
    entities::{file_download, organisation, storage, stored_file},
    orgs::contains,
    reach::Reach,
};

/// Who the user is for the download rule.
pub fn downloader(reach: &Reach) -> Downloader {
    match reach {
        Reach::Everything => Downloader::Operator,
        Reach::Region(_) | Reach::Municipality { .. } => Downloader::Coordinator,
        Reach::Organisation { .. } => Downloader::Organisation,
    }
}

/// The files of a storage the user sees: everything but other organisations'
/// personal files. Queries using it join `organisations`.
fn seen_by(reach: &Reach) -> Condition {
    let not_personal = stored_file::Column::Kind.ne(FileKind::Personal.as_str());
    match reach {
        Reach::Everything => Condition::all(),
        Reach::Region(region) => Condition::any()
            .add(not_personal)
            .add(organisation::Column::RegionId.eq(*region)),
        Reach::Municipality { id, .. } => Condition::any()
            .add(not_personal)
            .add(organisation::Column::MunicipalityId.eq(*id)),
        Reach::Organisation { id, .. } => Condition::any()
            .add(not_personal)
            .add(stored_file::Column::OrganisationId.eq(*id)),
    }
}

/// Whether a personal file of `owner` is seen by the user (other kinds always are).
fn owner_seen_by(owner: &organisation::Model, reach: &Reach) -> bool {
    match reach {
        Reach::Everything => true,
        Reach::Region(region) => owner.region_id == *region,
        Reach::Municipality { id, .. } => owner.municipality_id == *id,
        Reach::Organisation { id, .. } => owner.id == *id,
    }
}

/// The storage `id`, for the operator.
pub async fn find(db: &DatabaseConnection, id: Uuid) -> Result<Option<storage::Model>, DbErr> {
    storage::Entity::find_by_id(id).one(db).await
}

/// The storage `id` if the user sees its publication.
pub async fn visible_storage(
    db: &DatabaseConnection,
    board: &Board,
    reach: &Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<storage::Model>, DbErr> {
    Ok(storage::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|s| board.find_visible(s.publication_id, reach, now).is_some()))
}

/// The storages of a publication the user sees, in their order, with the user's
/// counters; `None` when the publication is not there for the user.
pub async fn list(
    db: &DatabaseConnection,
    board: &Board,
    reach: &Reach,
    user_id: Uuid,
    publication_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Vec<Storage>>, DbErr> {
    if board.find_visible(publication_id, reach, now).is_none() {
        return Ok(None);
    }
    let rows = storage::Entity::find()
        .filter(storage::Column::PublicationId.eq(publication_id))
        .order_by_asc(storage::Column::Position)
        .order_by_asc(storage::Column::CreatedAt)
        .all(db)
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let seen_files = stored_file::Entity::find()
        .left_join(organisation::Entity)
        .filter(stored_file::Column::StorageId.is_in(ids.clone()))
        .filter(seen_by(reach));
    let files = per_storage(db, seen_files, stored_file::Column::Id).await?;
    let own_downloads = file_download::Entity::find()
        .inner_join(stored_file::Entity)
        .filter(file_download::Column::UserId.eq(user_id))
        .filter(stored_file::Column::StorageId.is_in(ids));
    let downloaded = per_storage(db, own_downloads, file_download::Column::FileId).await?;
    Ok(Some(
        rows.into_iter()
            .map(|s| Storage {
                file_count: files.get(&s.id).copied().unwrap_or(0) as u64,
                downloaded_count: downloaded.get(&s.id).copied().unwrap_or(0) as u64,
                ..storage_of(s, now)
            })
            .collect(),
    ))
}

/// The rows of `query` (stored files joined in) counted per storage, by `counted`.
async fn per_storage<E: EntityTrait>(
    db: &DatabaseConnection,
    query: sea_orm::Select<E>,
    counted: impl ColumnTrait,
) -> Result<HashMap<Uuid, i64>, DbErr> {
    Ok(query
        .select_only()
        .column(stored_file::Column::StorageId)
        .column_as(counted.count(), "n")
        .group_by(stored_file::Column::StorageId)
        .into_tuple::<(Uuid, i64)>()
        .all(db)
        .await?
        .into_iter()
        .collect())
}

/// The API view of a storage row, before counting files.
pub fn storage_of(s: storage::Model, now: DateTime<Utc>) -> Storage {
    Storage {
        id: s.id,
        publication_id: s.publication_id,
        available: now >= s.available_from,
        title: s.title,
        available_from: s.available_from,
        file_count: 0,
        downloaded_count: 0,
    }
}

/// Adds a storage after the publication's others.
pub async fn create(
    db: &DatabaseConnection,
    publication_id: Uuid,
    input: &StorageInput,
    now: DateTime<Utc>,
) -> Result<storage::Model, DbErr> {
    let position = storage::Entity::find()
        .filter(storage::Column::PublicationId.eq(publication_id))
        .count(db)
        .await? as i32;
    storage::ActiveModel {
        id: Set(Uuid::new_v4()),
        publication_id: Set(publication_id),
        title: Set(input.title.trim().to_owned()),
        available_from: Set(input.available_from),
        position: Set(position),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

/// Renames a storage or moves its opening time.
pub async fn update(
    db: &DatabaseConnection,
    found: storage::Model,
    input: &StorageInput,
) -> Result<storage::Model, DbErr> {
    let mut row: storage::ActiveModel = found.into();
    row.title = Set(input.title.trim().to_owned());
    row.available_from = Set(input.available_from);
    row.update(db).await
}

/// Deletes a storage with its files and marks; returns the files' store keys, whose
/// bytes the caller removes.
pub async fn delete(db: &DatabaseConnection, id: Uuid) -> Result<Vec<String>, DbErr> {
    let keys = stored_file::Entity::find()
        .filter(stored_file::Column::StorageId.eq(id))
        .select_only()
        .column(stored_file::Column::StoreKey)
        .into_tuple::<String>()
        .all(db)
        .await?;
    storage::Entity::delete_by_id(id).exec(db).await?;
    Ok(keys)
}

/// What to list of a storage's files.
#[derive(Clone, Debug)]
pub struct FileQuery {
    /// Part of the file name or the owner's login, any case.
    pub search: Option<String>,
    pub page: u64,
    pub per_page: u64,
}

/// A page of the files the user sees in `storage`, by name, with the user's marks,
/// in one query (and a count only when the page is not the whole answer).
pub async fn files_page(
    db: &DatabaseConnection,
    reach: &Reach,
    user_id: Uuid,
    storage: &storage::Model,
    query: &FileQuery,
    now: DateTime<Utc>,
) -> Result<FilePage, DbErr> {
    let mut condition = Condition::all()
        .add(stored_file::Column::StorageId.eq(storage.id))
        .add(seen_by(reach));
    if let Some(key) = query
        .search
        .as_deref()
        .map(search_key)
        .filter(|k| !k.is_empty())
    {
        condition = condition.add(
            Condition::any()
                .add(contains(stored_file::Column::NameSearch, &key))
                .add(contains(organisation::Column::SearchText, &key)),
        );
    }
    let offset = oko_domain::paging::offset(query.page, query.per_page);
    let rows = stored_file::Entity::find()
        .select_only()
        .columns([
            stored_file::Column::Id,
            stored_file::Column::StorageId,
            stored_file::Column::Kind,
            stored_file::Column::Name,
            stored_file::Column::ContentType,
            stored_file::Column::Size,
        ])
        .column_as(organisation::Column::Login, "owner_login")
        .column_as(organisation::Column::ShortName, "owner_short_name")
        .column_as(file_download::Column::FirstAt, "first_at")
        .column_as(file_download::Column::LastAt, "last_at")
        .left_join(organisation::Entity)
        .join(
            JoinType::LeftJoin,
            stored_file::Relation::Downloads
                .def()
                .on_condition(move |_, downloads| {
                    Expr::col((downloads, file_download::Column::UserId))
                        .eq(user_id)
                        .into_condition()
                }),
        )
        .filter(condition.clone())
        .order_by_asc(stored_file::Column::NameSearch)
        .order_by_asc(stored_file::Column::Id)
        .offset(offset)
        .limit(query.per_page)
        .into_model::<FileRow>()
        .all(db)
        .await?;
    let total = if (rows.len() as u64) < query.per_page && (!rows.is_empty() || offset == 0) {
        offset + rows.len() as u64
    } else {
        stored_file::Entity::find()
            .left_join(organisation::Entity)
            .filter(condition)
            .count(db)
            .await?
    };
    let who = downloader(reach);
    Ok(FilePage {
        items: rows
            .into_iter()
            .map(|row| row.into_api(who, storage.available_from, now))
            .collect(),
        total,
        page: query.page,
        per_page: query.per_page,
    })
}

/// A file of a page with its owner and the user's marks.
#[derive(Debug, FromQueryResult)]
struct FileRow {
    id: Uuid,
    storage_id: Uuid,
    kind: String,
    name: String,
    content_type: String,
    size: i64,
    owner_login: Option<String>,
    owner_short_name: Option<String>,
    first_at: Option<DateTime<Utc>>,
    last_at: Option<DateTime<Utc>>,
}

impl FileRow {
    fn into_api(
        self,
        who: Downloader,
        available_from: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoredFile {
        let kind = parse_kind(&self.kind);
        StoredFile {
            id: self.id,
            storage_id: self.storage_id,
            name: self.name,
            size: u64::try_from(self.size).unwrap_or(0),
            content_type: self.content_type,
            kind,
            owner: self
                .owner_login
                .zip(self.owner_short_name)
                .map(|(login, short_name)| FileOwner { login, short_name }),
            download: DownloadRight::of(kind, who, available_from, now),
            first_downloaded_at: self.first_at,
            last_downloaded_at: self.last_at,
        }
    }
}

/// The file's kind as stored.
pub fn kind_of(file: &stored_file::Model) -> FileKind {
    parse_kind(&file.kind)
}

fn parse_kind(stored: &str) -> FileKind {
    // Only the API writes this column, from the same enum; an unknown value would be
    // a bug, and the narrowest kind is the safe reading.
    FileKind::parse(stored).unwrap_or(FileKind::Personal)
}

/// A file the user sees, with its storage and what the user may do with it; `None`
/// when it is not there for the user (another organisation's personal file, a
/// publication out of reach): the API answers 404 as if it did not exist.
pub async fn visible_file(
    db: &DatabaseConnection,
    board: &Board,
    reach: &Reach,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<(stored_file::Model, storage::Model, DownloadRight)>, DbErr> {
    let Some((file, owner)) = stored_file::Entity::find_by_id(id)
        .find_also_related(organisation::Entity)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let kind = kind_of(&file);
    if kind == FileKind::Personal && !owner.is_some_and(|o| owner_seen_by(&o, reach)) {
        return Ok(None);
    }
    let Some(storage) = visible_storage(db, board, reach, file.storage_id, now).await? else {
        return Ok(None);
    };
    let right = DownloadRight::of(kind, downloader(reach), storage.available_from, now);
    Ok(Some((file, storage, right)))
}

/// Every file of `storage` the user may download now, by name: what «Скачать всё.zip»
/// holds.
pub async fn downloadable_files(
    db: &DatabaseConnection,
    reach: &Reach,
    storage: &storage::Model,
    now: DateTime<Utc>,
) -> Result<Vec<stored_file::Model>, DbErr> {
    let who = downloader(reach);
    Ok(stored_file::Entity::find()
        .left_join(organisation::Entity)
        .filter(stored_file::Column::StorageId.eq(storage.id))
        .filter(seen_by(reach))
        .order_by_asc(stored_file::Column::NameSearch)
        .order_by_asc(stored_file::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .filter(|f| {
            DownloadRight::of(kind_of(f), who, storage.available_from, now)
                == DownloadRight::Allowed
        })
        .collect())
}

/// Records that the user downloaded `files` at `now`: the first time is kept, the
/// last one moves.
pub async fn record_downloads(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    organisation_id: Option<Uuid>,
    files: &[Uuid],
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    // One statement per chunk keeps the bound parameters under SQLite's limit.
    for chunk in files.chunks(500) {
        file_download::Entity::insert_many(chunk.iter().map(|file_id| {
            file_download::ActiveModel {
                user_id: Set(user_id),
                file_id: Set(*file_id),
                organisation_id: Set(organisation_id),
                first_at: Set(now),
                last_at: Set(now),
                count: Set(1),
            }
        }))
        .on_conflict(
            OnConflict::columns([file_download::Column::UserId, file_download::Column::FileId])
                .update_column(file_download::Column::LastAt)
                .value(
                    file_download::Column::Count,
                    Expr::col((file_download::Entity, file_download::Column::Count)).add(1),
                )
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// A new file's description; the bytes are already in the file store.
#[derive(Clone, Debug)]
pub struct NewFile {
    pub kind: FileKind,
    /// The organisation of a personal file.
    pub owner: Option<Uuid>,
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub crc32: u32,
    pub store_key: String,
}

/// Adds a file to a storage.
pub async fn add_file(
    db: &DatabaseConnection,
    storage_id: Uuid,
    file: NewFile,
    now: DateTime<Utc>,
) -> Result<stored_file::Model, DbErr> {
    stored_file::ActiveModel {
        id: Set(Uuid::new_v4()),
        storage_id: Set(storage_id),
        kind: Set(file.kind.as_str().to_owned()),
        organisation_id: Set(file.owner),
        name_search: Set(search_key(&file.name)),
        name: Set(file.name),
        content_type: Set(file.content_type),
        size: Set(file.size as i64),
        crc32: Set(file.crc32 as i64),
        store_key: Set(file.store_key),
        created_at: Set(now),
    }
    .insert(db)
    .await
}

/// The API view of a file just added (with its `owner`, already known to the
/// caller), for the operator who added it.
pub fn describe_new_file(
    file: stored_file::Model,
    owner: Option<organisation::Model>,
    storage: &storage::Model,
    now: DateTime<Utc>,
) -> StoredFile {
    let row = FileRow {
        id: file.id,
        storage_id: file.storage_id,
        kind: file.kind,
        name: file.name,
        content_type: file.content_type,
        size: file.size,
        owner_login: owner.as_ref().map(|o| o.login.clone()),
        owner_short_name: owner.map(|o| o.short_name),
        first_at: None,
        last_at: None,
    };
    row.into_api(Downloader::Operator, storage.available_from, now)
}

/// The store key of a file, whose bytes go before its row; `None` when there is
/// no such file.
pub async fn file_key(db: &DatabaseConnection, id: Uuid) -> Result<Option<String>, DbErr> {
    Ok(stored_file::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|file| file.store_key))
}

/// Deletes a file with its marks (its bytes are gone already).
pub async fn delete_file(db: &DatabaseConnection, id: Uuid) -> Result<(), DbErr> {
    stored_file::Entity::delete_by_id(id).exec(db).await?;
    Ok(())
}

/// The organisation with this login, for a personal file.
pub async fn organisation_by_login(
    db: &DatabaseConnection,
    login: &str,
) -> Result<Option<organisation::Model>, DbErr> {
    organisation::Entity::find()
        .filter(organisation::Column::Login.eq(login.trim()))
        .one(db)
        .await
}

/// The owner logins of the personal files among `files`.
pub async fn owner_logins(
    db: &DatabaseConnection,
    files: &[stored_file::Model],
) -> Result<HashMap<Uuid, String>, DbErr> {
    let owners: Vec<Uuid> = files.iter().filter_map(|f| f.organisation_id).collect();
    if owners.is_empty() {
        return Ok(HashMap::new());
    }
    let logins: HashMap<Uuid, String> = organisation::Entity::find()
        .filter(organisation::Column::Id.is_in(owners))
        .select_only()
        .column(organisation::Column::Id)
        .column(organisation::Column::Login)
        .into_tuple::<(Uuid, String)>()
        .all(db)
        .await?
        .into_iter()
        .collect();
    Ok(files
        .iter()
        .filter_map(|f| Some((f.id, logins.get(&f.organisation_id?)?.clone())))
        .collect())
}
