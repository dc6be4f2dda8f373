//! Publications: saving them with their audience, listing what a user may see, opening
//! one (which marks it read) and stars.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use oko_domain::{
    api::FieldError,
    org::OrgKind,
    publications::{Audience, Publication, PublicationInput, PublicationSummary},
    text::search_key,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, Set,
    sea_query::{Expr, OnConflict, Query, SelectStatement, UnionType},
};
use uuid::Uuid;

use crate::{
    board::{Board, BoardEntry},
    entities::{
        organisation, publication, publication_audience as audience, publication_read,
        publication_star, region,
    },
    reach::Reach,
};

/// An audience with its region codes and logins resolved to ids.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResolvedAudience {
    everyone: bool,
    kinds: Vec<OrgKind>,
    regions: Vec<Uuid>,
    organisations: Vec<Uuid>,
}

/// Resolves region codes and organisation logins; each unknown one is a problem that
/// names its place in the request (`audience.region_codes[1]`).
pub async fn resolve_audience(
    db: &DatabaseConnection,
    wanted: &Audience,
) -> Result<Result<ResolvedAudience, Vec<FieldError>>, DbErr> {
    let mut problems = Vec::new();
    let mut resolved = ResolvedAudience {
        everyone: wanted.everyone,
        kinds: wanted.org_kinds.clone(),
        ..ResolvedAudience::default()
    };
    for (i, code) in wanted.region_codes.iter().enumerate() {
        match region::Entity::find()
            .filter(region::Column::Code.eq(code.trim()))
            .one(db)
            .await?
        {
            Some(found) => resolved.regions.push(found.id),
            None => problems.push(FieldError::about_field(
                &format!("audience.region_codes[{i}]"),
                "unknown_region",
                &format!("Нет региона с кодом «{code}»"),
            )),
        }
    }
    for (i, login) in wanted.organisation_logins.iter().enumerate() {
        match organisation::Entity::find()
            .filter(organisation::Column::Login.eq(login.trim()))
            .one(db)
            .await?
        {
            Some(found) => resolved.organisations.push(found.id),
            None => problems.push(FieldError::about_field(
                &format!("audience.organisation_logins[{i}]"),
                "unknown_organisation",
                &format!("Нет организации с логином «{login}»"),
            )),
        }
    }
    Ok(if problems.is_empty() {
        Ok(resolved)
    } else {
        Err(problems)
    })
}

/// The newest publication for everyone, where demo storages and the surge
/// benchmark's collection go.
pub async fn newest_for_everyone(
    db: &DatabaseConnection,
) -> Result<Option<publication::Model>, DbErr> {
    publication::Entity::find()
        .filter(publication::Column::ForEveryone.eq(true))
        .order_by_desc(publication::Column::PublishedOn)
        .one(db)
        .await
}

/// Saves a new publication; this instance's `board` shows it at once.
pub async fn create(
    db: &DatabaseConnection,
    board: &crate::board::BoardCache,
    input: &PublicationInput,
    targets: &ResolvedAudience,
) -> Result<Uuid, DbErr> {
    let id = Uuid::new_v4();
    let now = Utc::now();
    let txn = crate::connection::begin_write(db).await?;
    let mut row = publication::ActiveModel {
        id: Set(id),
        created_at: Set(now),
        ..Default::default()
    };
    fill(&mut row, input, targets, now);
    row.insert(&txn).await?;
    replace_audience(&txn, id, targets).await?;
    txn.commit().await?;
    board.invalidate();
    Ok(id)
}

/// Replaces a publication's content and audience (this instance's `board` shows
/// it at once); `false` when it does not exist.
pub async fn update(
    db: &DatabaseConnection,
    board: &crate::board::BoardCache,
    id: Uuid,
    input: &PublicationInput,
    targets: &ResolvedAudience,
) -> Result<bool, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let Some(found) = publication::Entity::find_by_id(id).one(&txn).await? else {
        return Ok(false);
    };
    let mut row: publication::ActiveModel = found.into();
    fill(&mut row, input, targets, Utc::now());
    row.update(&txn).await?;
    replace_audience(&txn, id, targets).await?;
    txn.commit().await?;
    board.invalidate();
    Ok(true)
}

fn fill(
    row: &mut publication::ActiveModel,
    input: &PublicationInput,
    targets: &ResolvedAudience,
    now: DateTime<Utc>,
) {
    let title = input.title.trim().to_owned();
    row.section_id = Set(input.section_id);
    row.title_search = Set(search_key(&title));
    row.title = Set(title);
    row.body_html = Set(oko_domain::markdown::to_safe_html(&input.body_markdown));
    row.body_markdown = Set(input.body_markdown.clone());
    row.published_on = Set(input.published_on);
    row.visible_from = Set(input.visible_from.unwrap_or(input.published_on));
    row.is_news = Set(input.is_news);
    row.for_everyone = Set(targets.everyone);
    row.updated_at = Set(now);
}

async fn replace_audience(
    db: &impl ConnectionTrait,
    id: Uuid,
    targets: &ResolvedAudience,
) -> Result<(), DbErr> {
    audience::Entity::delete_many()
        .filter(audience::Column::PublicationId.eq(id))
        .exec(db)
        .await?;
    let target =
        |kind: Option<OrgKind>, region: Option<Uuid>, org: Option<Uuid>| audience::ActiveModel {
            id: Set(Uuid::new_v4()),
            publication_id: Set(id),
            org_kind: Set(kind.map(|k| k.as_str().to_owned())),
            region_id: Set(region),
            organisation_id: Set(org),
        };
    let rows: Vec<audience::ActiveModel> = targets
        .kinds
        .iter()
        .map(|k| target(Some(*k), None, None))
        .chain(targets.regions.iter().map(|r| target(None, Some(*r), None)))
        .chain(
            targets
                .organisations
                .iter()
                .map(|o| target(None, None, Some(*o))),
        )
        .collect();
    if !rows.is_empty() {
        audience::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// What to list.
#[derive(Clone, Debug, Default)]
pub struct PublicationQuery {
    /// Only this section.
    pub section_id: Option<Uuid>,
    /// Part of the title, any case.
    pub search: Option<String>,
    /// Only the user's starred ones.
    pub starred_only: bool,
    /// Only news.
    pub news_only: bool,
    /// 1-based page.
    pub page: u64,
    /// Page size.
    pub per_page: u64,
}

/// The publications the user may see, the user's starred ones first, then newest
/// first, and how many match in all.
pub async fn list(
    db: &DatabaseConnection,
    board: &Board,
    reach: &Reach,
    user_id: Uuid,
    query: &PublicationQuery,
    now: DateTime<Utc>,
) -> Result<(Vec<PublicationSummary>, u64), DbErr> {
    let marks = UserMarks::load(db, user_id, None).await?;
    let key = query
        .search
        .as_deref()
        .map(search_key)
        .filter(|k| !k.is_empty());
    let mut matching: Vec<&BoardEntry> = board
        .visible(reach, now)
        .filter(|e| query.section_id.is_none_or(|s| e.section_id == s))
        .filter(|e| !query.news_only || e.is_news)
        .filter(|e| !query.starred_only || marks.starred.contains(&e.id))
        .filter(|e| key.as_deref().is_none_or(|k| e.title_search.contains(k)))
        .collect();
    // Starred publications come first in their section («Избранные публикации»),
    // each group still newest first (the sort is stable).
    matching.sort_by_key(|e| !marks.starred.contains(&e.id));
    let skip = usize::try_from(oko_domain::paging::offset(query.page, query.per_page))
        .unwrap_or(usize::MAX);
    let take = usize::try_from(query.per_page).unwrap_or(usize::MAX);
    let items = matching
        .iter()
        .skip(skip)
        .take(take)
        .map(|e| summary_of(e, &marks))
        .collect();
    Ok((items, matching.len() as u64))
}

/// What a list shows of a publication, with the user's marks.
fn summary_of(entry: &BoardEntry, marks: &UserMarks) -> PublicationSummary {
    PublicationSummary {
        id: entry.id,
        section_id: entry.section_id,
        title: entry.title.clone(),
        published_on: entry.published_on,
        visible_from: entry.visible_from,
        is_news: entry.is_news,
        starred: marks.starred.contains(&entry.id),
        is_new: !marks.read.contains(&entry.id),
    }
}

/// What a user has read and starred.
pub(crate) struct UserMarks {
    pub(crate) read: HashSet<Uuid>,
    pub(crate) starred: HashSet<Uuid>,
}

impl UserMarks {
    /// The user's marks, on every publication or only on `only`: both tables in one
    /// round trip (`UNION ALL`), as every list request needs them.
    pub(crate) async fn load(
        db: &DatabaseConnection,
        user_id: Uuid,
        only: Option<&[Uuid]>,
    ) -> Result<UserMarks, DbErr> {
        let mut query = marked::<publication_read::Entity>(user_id, only, READ);
        query.union(
            UnionType::All,
            marked::<publication_star::Entity>(user_id, only, STAR),
        );
        let mut marks = UserMarks {
            read: HashSet::new(),
            starred: HashSet::new(),
        };
        for row in db.query_all(&query).await? {
            let id: Uuid = row.try_get_by_index(0)?;
            let mark: String = row.try_get_by_index(1)?;
            if mark == STAR {
                marks.starred.insert(id);
            } else {
                marks.read.insert(id);
            }
        }
        Ok(marks)
    }
}

const READ: &str = "read";
const STAR: &str = "star";

/// The publications a user has a mark on in one mark table, labelled `mark`.
fn marked<E: MarkTable>(user_id: Uuid, only: Option<&[Uuid]>, mark: &str) -> SelectStatement {
    let [user, publication] = E::key();
    let mut select = Query::select();
    select
        .column(publication)
        .expr(Expr::val(mark))
        .from(E::Entity::default())
        .and_where(user.eq(user_id));
    if let Some(ids) = only {
        select.and_where(publication.is_in(ids.to_vec()));
    }
    select
}

/// Opens a publication the user may see and marks it read; `None` when it does not
/// exist for them. The operator also gets the source and the audience.
pub async fn open(
    db: &DatabaseConnection,
    board: &Board,
    reach: &Reach,
    user_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Option<Publication>, DbErr> {
    let Some(entry) = board.find_visible(id, reach, now) else {
        return Ok(None);
    };
    let Some(found) = publication::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let marks = UserMarks::load(db, user_id, Some(&[id])).await?;
    let mut summary = summary_of(entry, &marks);
    mark::<publication_read::Entity>(db, user_id, id, now).await?;
    summary.is_new = false;
    let audience = match reach.is_operator() {
        true => Some(audience_of(db, &found).await?),
        false => None,
    };
    Ok(Some(Publication {
        summary,
        body_html: found.body_html,
        body_markdown: reach.is_operator().then_some(found.body_markdown),
        audience,
    }))
}

async fn audience_of(
    db: &DatabaseConnection,
    found: &publication::Model,
) -> Result<Audience, DbErr> {
    let rows = audience::Entity::find()
        .filter(audience::Column::PublicationId.eq(found.id))
        .all(db)
        .await?;
    let mut result = Audience {
        everyone: found.for_everyone,
        ..Audience::default()
    };
    for row in rows {
        if let Some(kind) = row.org_kind.as_deref().and_then(OrgKind::parse) {
            result.org_kinds.push(kind);
        }
        if let Some(id) = row.region_id
            && let Some(found) = region::Entity::find_by_id(id).one(db).await?
        {
            result.region_codes.push(found.code);
        }
        if let Some(id) = row.organisation_id
            && let Some(found) = organisation::Entity::find_by_id(id).one(db).await?
        {
            result.organisation_logins.push(found.login);
        }
    }
    result.region_codes.sort();
    result.organisation_logins.sort();
    Ok(result)
}

/// Stars or unstars a publication the user may see; `false` when it does not exist
/// for them. Starring twice or unstarring an unstarred one changes nothing.
pub async fn set_star(
    db: &DatabaseConnection,
    board: &Board,
    reach: &Reach,
    user_id: Uuid,
    id: Uuid,
    starred: bool,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    if board.find_visible(id, reach, now).is_none() {
        return Ok(false);
    }
    if starred {
        mark::<publication_star::Entity>(db, user_id, id, now).await?;
    } else {
        publication_star::Entity::delete_many()
            .filter(publication_star::Column::UserId.eq(user_id))
            .filter(publication_star::Column::PublicationId.eq(id))
            .exec(db)
            .await?;
    }
    Ok(true)
}

/// Inserts a (user, publication, time) mark unless it is there already.
async fn mark<E>(
    db: &DatabaseConnection,
    user_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr>
where
    E: MarkTable,
{
    let result = E::Entity::insert(E::row(user_id, id, now))
        .on_conflict(OnConflict::columns(E::key()).do_nothing().to_owned())
        .exec_without_returning(db)
        .await;
    match result {
        Ok(_) | Err(DbErr::RecordNotInserted) => Ok(()),
        Err(err) => Err(err),
    }
}

/// The two per-user mark tables, stars and reads, which share their shape.
trait MarkTable {
    type Entity: EntityTrait;
    fn row(
        user_id: Uuid,
        id: Uuid,
        now: DateTime<Utc>,
    ) -> <Self::Entity as EntityTrait>::ActiveModel;
    fn key() -> [<Self::Entity as EntityTrait>::Column; 2];
}

impl MarkTable for publication_star::Entity {
    type Entity = publication_star::Entity;
    fn row(user_id: Uuid, id: Uuid, now: DateTime<Utc>) -> publication_star::ActiveModel {
        publication_star::ActiveModel {
            user_id: Set(user_id),
            publication_id: Set(id),
            created_at: Set(now),
        }
    }
    fn key() -> [publication_star::Column; 2] {
        [
            publication_star::Column::UserId,
            publication_star::Column::PublicationId,
        ]
    }
}

impl MarkTable for publication_read::Entity {
    type Entity = publication_read::Entity;
    fn row(user_id: Uuid, id: Uuid, now: DateTime<Utc>) -> publication_read::ActiveModel {
        publication_read::ActiveModel {
            user_id: Set(user_id),
            publication_id: Set(id),
            read_at: Set(now),
        }
    }
    fn key() -> [publication_read::Column; 2] {
        [
            publication_read::Column::UserId,
            publication_read::Column::PublicationId,
        ]
    }
}
