//! «Уведомления» in the database: written for a set of users at once, listed with
//! the unread count, marked read; and the collections' opening and closing
//! announced once (whichever instance marks the collection first announces it).

use chrono::{DateTime, Duration, Utc};
use oko_domain::{
    collections,
    notifications::{NotificationKind, NotificationList, NotificationView},
};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, sea_query::Expr,
};
use uuid::Uuid;

use crate::entities::{collection, notification, user};

/// Rows written per statement.
const CHUNK: usize = 500;

/// What to tell.
pub struct Notice<'a> {
    pub kind: NotificationKind,
    pub title: &'a str,
    pub body: &'a str,
    pub link: Option<&'a str>,
}

/// Tells every user of `users`.
pub async fn notify(
    db: &DatabaseConnection,
    users: &[Uuid],
    notice: &Notice<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for chunk in users.chunks(CHUNK) {
        let rows = chunk.iter().map(|user_id| notification::ActiveModel {
            id: Set(Uuid::new_v4()),
            user_id: Set(*user_id),
            kind: Set(notice.kind.as_str().to_owned()),
            title: Set(notice.title.to_owned()),
            body: Set(notice.body.to_owned()),
            link: Set(notice.link.map(str::to_owned)),
            created_at: Set(now),
            read_at: Set(None),
        });
        notification::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// The accounts of these organisations (their responsible people).
pub async fn users_of_organisations(
    db: &DatabaseConnection,
    organisations: &[Uuid],
) -> Result<Vec<Uuid>, DbErr> {
    let mut users = Vec::new();
    for chunk in organisations.chunks(CHUNK) {
        users.extend(
            user::Entity::find()
                .select_only()
                .column(user::Column::Id)
                .filter(user::Column::OrganisationId.is_in(chunk.iter().copied()))
                .filter(user::Column::Blocked.eq(false))
                .into_tuple::<Uuid>()
                .all(db)
                .await?,
        );
    }
    Ok(users)
}

/// The user's latest notifications and how many are unread.
pub async fn list(
    db: &DatabaseConnection,
    user_id: Uuid,
    limit: u64,
) -> Result<NotificationList, DbErr> {
    let unread = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null())
        .count(db)
        .await?;
    let items = notification::Entity::find()
        .filter(notification::Column::UserId.eq(user_id))
        .order_by_desc(notification::Column::CreatedAt)
        .limit(limit)
        .all(db)
        .await?
        .iter()
        .map(describe)
        .collect();
    Ok(NotificationList { unread, items })
}

/// The newest notification's time, to tell a live client when something arrived.
pub async fn latest(
    db: &DatabaseConnection,
    user_id: Uuid,
) -> Result<Option<DateTime<Utc>>, DbErr> {
    notification::Entity::find()
        .select_only()
        .column_as(notification::Column::CreatedAt.max(), "latest")
        .filter(notification::Column::UserId.eq(user_id))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await
        .map(Option::flatten)
}

/// Marks one (`Some(id)`) or all of the user's notifications read; how many changed.
pub async fn mark_read(
    db: &DatabaseConnection,
    user_id: Uuid,
    id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let mut update = notification::Entity::update_many()
        .col_expr(notification::Column::ReadAt, Expr::value(now))
        .filter(notification::Column::UserId.eq(user_id))
        .filter(notification::Column::ReadAt.is_null());
    if let Some(id) = id {
        update = update.filter(notification::Column::Id.eq(id));
    }
    Ok(update.exec(db).await?.rows_affected)
}

pub fn describe(row: &notification::Model) -> NotificationView {
    view(
        row.id,
        &row.kind,
        (&row.title, &row.body, row.link.as_deref()),
        row.created_at,
        row.read_at.is_some(),
    )
}

/// The bell's view of a stored item (a notification or an announcement): its
/// id, kind, (title, body, link), time and whether the reader read it.
pub fn view(
    id: Uuid,
    kind: &str,
    (title, body, link): (&str, &str, Option<&str>),
    created_at: DateTime<Utc>,
    read: bool,
) -> NotificationView {
    NotificationView {
        id,
        kind: NotificationKind::parse(kind),
        title: title.to_owned(),
        body: body.to_owned(),
        link: link.map(str::to_owned),
        created_at,
        read,
    }
}

/// An announcement due now.
pub enum Announcement {
    Opened(collection::Model),
    ClosingSoon(collection::Model),
}

/// Collections whose opening (within the last day) or a closing reminder (the
/// nearest of its hours before the deadline whose moment has come, later than
/// the last one sent) is not announced yet, each claimed for this caller: the
/// mark is set with a conditional update, so of several instances exactly one
/// announces. Reminders missed while no instance ran are not sent late: only
/// the nearest.
pub async fn due_announcements(
    db: &DatabaseConnection,
    now: DateTime<Utc>,
) -> Result<Vec<Announcement>, DbErr> {
    let day = Duration::days(1);
    let mut due = Vec::new();
    let opened = collection::Entity::find()
        .filter(collection::Column::OpeningAnnouncedAt.is_null())
        .filter(collection::Column::OpensAt.lte(now))
        .filter(collection::Column::OpensAt.gt(now - day))
        .filter(collection::Column::ClosesAt.gt(now))
        .all(db)
        .await?;
    for found in opened {
        if claim(db, found.id, collection::Column::OpeningAnnouncedAt, now).await? {
            due.push(Announcement::Opened(found));
        }
    }
    let closing = collection::Entity::find()
        .filter(collection::Column::ClosesAt.gt(now))
        .filter(
            collection::Column::ClosesAt
                .lte(now + Duration::hours(i64::from(collections::MAX_REMINDER_HOURS))),
        )
        .filter(collection::Column::OpensAt.lte(now))
        .all(db)
        .await?;
    for found in closing {
        let Some(moment) =
            collections::due_closing_reminder(&found.reminder_hours(), found.closes_at, now)
        else {
            continue;
        };
        if found
            .closing_announced_at
            .is_some_and(|sent| sent >= moment)
        {
            continue;
        }
        if claim_closing(db, found.id, moment, now).await? {
            due.push(Announcement::ClosingSoon(found));
        }
    }
    Ok(due)
}

/// Marks the closing reminder of `moment` sent, unless another instance did.
async fn claim_closing(
    db: &DatabaseConnection,
    id: Uuid,
    moment: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mark = collection::Column::ClosingAnnouncedAt;
    let done = collection::Entity::update_many()
        .col_expr(mark, Expr::value(now))
        .filter(
            Condition::all()
                .add(collection::Column::Id.eq(id))
                .add(Condition::any().add(mark.is_null()).add(mark.lt(moment))),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}

async fn claim(
    db: &DatabaseConnection,
    id: Uuid,
    mark: collection::Column,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let done = collection::Entity::update_many()
        .col_expr(mark, Expr::value(now))
        .filter(
            Condition::all()
                .add(collection::Column::Id.eq(id))
                .add(mark.is_null()),
        )
        .exec(db)
        .await?;
    Ok(done.rows_affected == 1)
}
