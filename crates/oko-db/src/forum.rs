//! The support forums in the database. A question's `search_text` holds the words
//! of its title, text and answers; SQLite searches them through the `forum_search`
//! FTS5 table (kept in step here), PostgreSQL through the stored `search_vector`
//! (`to_tsvector('simple', search_text)`) and its GIN index. Both take the query's stems as prefixes.

use chrono::{DateTime, Utc};
use oko_domain::forum::{Moderation, search_words};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Statement,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::entities::{forum_answer, forum_attachment, forum_question};

/// A new question.
pub struct NewQuestion<'a> {
    pub forum: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub author_id: Uuid,
    pub author: &'a str,
    pub now: DateTime<Utc>,
}

/// The words a question is found by.
fn words_of(parts: &[&str]) -> String {
    parts
        .iter()
        .flat_map(|p| search_words(p))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Keeps SQLite's FTS5 table in step with a question's words. An entry's rowid is
/// its question's rowid (a `VACUUM` may renumber those: rebuild `forum_search`
/// after one, see docs/accounts.md).
/// The entry also carries its forum's tag, so that SQLite counts a forum's matches
/// from the index alone; a merged question leaves the index.
async fn index(
    conn: &impl ConnectionTrait,
    id: Uuid,
    forum: &str,
    words: &str,
) -> Result<(), DbErr> {
    if conn.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    unindex(conn, id).await?;
    conn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "INSERT INTO forum_search (rowid, words) SELECT rowid, ? FROM forum_questions WHERE id = ?",
        [format!("{words} {}", forum_tag(forum)).into(), id.into()],
    ))
    .await?;
    Ok(())
}

async fn unindex(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    if conn.get_database_backend() != DatabaseBackend::Sqlite {
        return Ok(());
    }
    conn.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Sqlite,
        "DELETE FROM forum_search WHERE rowid = (SELECT rowid FROM forum_questions WHERE id = ?)",
        [id.into()],
    ))
    .await?;
    Ok(())
}

/// A token no one types, standing for the forum in SQLite's index.
fn forum_tag(forum: &str) -> String {
    format!("zzforum{}", forum.replace('-', ""))
}

/// SQLite's FTS5 query: the forum's tag and every stem as a word prefix (stems
/// hold letters and digits only: safe inside FTS5's syntax).
fn fts_query(forum: &str, stems: &[String]) -> String {
    let mut terms = vec![forum_tag(forum)];
    terms.extend(stems.iter().map(|s| format!("\"{s}\"*")));
    format!("words : ({})", terms.join(" AND "))
}

/// Stores a question with `answers` answers counted and its search `words`.
async fn insert_question(
    conn: &impl ConnectionTrait,
    new: &NewQuestion<'_>,
    answers: i32,
    words: &str,
) -> Result<forum_question::Model, DbErr> {
    let question = forum_question::ActiveModel {
        id: Set(Uuid::new_v4()),
        forum: Set(new.forum.to_owned()),
        title: Set(new.title.trim().to_owned()),
        body: Set(new.body.trim().to_owned()),
        author_id: Set(new.author_id),
        author: Set(new.author.to_owned()),
        created_at: Set(new.now),
        faq: Set(false),
        closed: Set(false),
        merged_into: Set(None),
        answers: Set(answers),
        search_text: Set(words.to_owned()),
    }
    .insert(conn)
    .await?;
    index(conn, question.id, new.forum, words).await?;
    Ok(question)
}

/// Stores an answer (the question's count and words are the caller's).
async fn insert_answer(
    conn: &impl ConnectionTrait,
    question_id: Uuid,
    author: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<forum_answer::Model, DbErr> {
    forum_answer::ActiveModel {
        id: Set(Uuid::new_v4()),
        question_id: Set(question_id),
        author: Set(author.to_owned()),
        body: Set(body.trim().to_owned()),
        created_at: Set(now),
    }
    .insert(conn)
    .await
}

pub async fn ask(
    db: &DatabaseConnection,
    new: NewQuestion<'_>,
) -> Result<forum_question::Model, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let words = words_of(&[new.title, new.body]);
    let question = insert_question(&txn, &new, 0, &words).await?;
    txn.commit().await?;
    Ok(question)
}

/// Adds an answer; its words join the question's.
pub async fn answer(
    db: &DatabaseConnection,
    question: &forum_question::Model,
    author: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<forum_answer::Model, DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    let answer = insert_answer(&txn, question.id, author, body, now).await?;
    let words = format!("{} {}", question.search_text, words_of(&[body]));
    forum_question::Entity::update_many()
        .col_expr(
            forum_question::Column::Answers,
            Expr::col(forum_question::Column::Answers).add(1),
        )
        .col_expr(
            forum_question::Column::SearchText,
            Expr::value(words.clone()),
        )
        .filter(forum_question::Column::Id.eq(question.id))
        .exec(&txn)
        .await?;
    index(&txn, question.id, &question.forum, &words).await?;
    txn.commit().await?;
    Ok(answer)
}

/// Marks frequently asked, closes or merges.
pub async fn moderate(
    db: &DatabaseConnection,
    question: forum_question::Model,
    change: &Moderation,
) -> Result<forum_question::Model, DbErr> {
    let mut row: forum_question::ActiveModel = question.into();
    if let Some(faq) = change.faq {
        row.faq = Set(faq);
    }
    if let Some(closed) = change.closed {
        row.closed = Set(closed);
    }
    if let Some(target) = change.merged_into {
        row.merged_into = Set(Some(target));
        row.closed = Set(true);
    }
    let changed = row.update(db).await?;
    if changed.merged_into.is_some() {
        unindex(db, changed.id).await?;
    }
    Ok(changed)
}

pub async fn find(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<forum_question::Model>, DbErr> {
    forum_question::Entity::find_by_id(id).one(db).await
}

pub async fn answers(db: &DatabaseConnection, id: Uuid) -> Result<Vec<forum_answer::Model>, DbErr> {
    forum_answer::Entity::find()
        .filter(forum_answer::Column::QuestionId.eq(id))
        .order_by_asc(forum_answer::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn attachments(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Vec<forum_attachment::Model>, DbErr> {
    forum_attachment::Entity::find()
        .filter(forum_attachment::Column::QuestionId.eq(id))
        .order_by_asc(forum_attachment::Column::CreatedAt)
        .all(db)
        .await
}

pub async fn attachment(
    db: &DatabaseConnection,
    id: Uuid,
) -> Result<Option<forum_attachment::Model>, DbErr> {
    forum_attachment::Entity::find_by_id(id).one(db).await
}

/// A stored file, attached.
pub struct NewAttachment<'a> {
    pub question_id: Uuid,
    pub name: &'a str,
    pub content_type: &'a str,
    pub size: u64,
    pub store_key: &'a str,
    pub now: DateTime<Utc>,
}

pub async fn attach(
    db: &DatabaseConnection,
    new: NewAttachment<'_>,
) -> Result<forum_attachment::Model, DbErr> {
    forum_attachment::ActiveModel {
        id: Set(Uuid::new_v4()),
        question_id: Set(new.question_id),
        name: Set(new.name.to_owned()),
        content_type: Set(new.content_type.to_owned()),
        size: Set(new.size as i64),
        store_key: Set(new.store_key.to_owned()),
        created_at: Set(new.now),
    }
    .insert(db)
    .await
}

/// Open (not merged) questions per forum.
pub async fn counts(db: &DatabaseConnection) -> Result<Vec<(String, i64)>, DbErr> {
    forum_question::Entity::find()
        .select_only()
        .column(forum_question::Column::Forum)
        .column_as(forum_question::Column::Id.count(), "n")
        .filter(forum_question::Column::MergedInto.is_null())
        .group_by(forum_question::Column::Forum)
        .into_tuple()
        .all(db)
        .await
}

/// A forum's questions matching the query's stems (all of them, each as a word
/// prefix), frequently asked first, then newest; and how many match.
pub async fn list(
    db: &DatabaseConnection,
    forum: &str,
    stems: &[String],
    page: u64,
    per_page: u64,
) -> Result<(Vec<forum_question::Model>, u64), DbErr> {
    let backend = db.get_database_backend();
    let query = matching(backend, forum, stems);
    let total = if backend == DatabaseBackend::Sqlite {
        // From the FTS5 index alone: no table rows are read.
        let counted = db
            .query_one_raw(Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                "SELECT count(*) AS n FROM forum_search WHERE forum_search MATCH ?",
                [fts_query(forum, stems).into()],
            ))
            .await?;
        counted.map_or(Ok(0), |row| row.try_get::<i64>("", "n"))? as u64
    } else {
        // Counting ids only: the full rows are read for the page alone.
        query
            .clone()
            .select_only()
            .column(forum_question::Column::Id)
            .count(db)
            .await?
    };
    let rows = query
        .order_by_desc(forum_question::Column::Faq)
        .order_by_desc(forum_question::Column::CreatedAt)
        .offset(oko_domain::paging::offset(page, per_page))
        .limit(per_page)
        .all(db)
        .await?;
    Ok((rows, total))
}

fn matching(
    backend: DatabaseBackend,
    forum: &str,
    stems: &[String],
) -> Select<forum_question::Entity> {
    let query = forum_question::Entity::find()
        .filter(forum_question::Column::Forum.eq(forum))
        .filter(forum_question::Column::MergedInto.is_null());
    if stems.is_empty() {
        return query;
    }
    match backend {
        DatabaseBackend::Sqlite => query.filter(Expr::cust_with_values(
            "forum_questions.rowid IN (SELECT rowid FROM forum_search WHERE forum_search MATCH ?)",
            [fts_query(forum, stems)],
        )),
        _ => {
            let expression = stems
                .iter()
                .map(|s| format!("{s}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            query.filter(Expr::cust_with_values(
                "forum_questions.search_vector @@ to_tsquery('simple', $1)",
                [expression],
            ))
        }
    }
}

/// The rows of generated questions (for `oko seed-forum`), each with one answer.
pub async fn seed(
    db: &DatabaseConnection,
    questions: &[(String, String, String, String)],
    author_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let txn = crate::connection::begin_write(db).await?;
    for (forum, title, body, reply) in questions {
        let new = NewQuestion {
            forum,
            title,
            body,
            author_id,
            author: "spo_coord_24",
            now,
        };
        let question = insert_question(&txn, &new, 1, &words_of(&[title, body, reply])).await?;
        insert_answer(&txn, question.id, "admin", reply, now).await?;
    }
    txn.commit().await
}
