//! One pooled connection held for a few statements in a row.
//!
//! sqlx checks every connection handed back to its pool with a round trip to the
//! database (a "ping"), so each statement run through the pool costs two round
//! trips. An autosave reads the draft and writes it back: on one held connection
//! that is three round trips instead of four, and round trips (with the process
//! wake-ups they cost on both sides) are most of a save's price on deadline day.

use sea_orm::{
    DatabaseConnection, DbBackend, DbErr, FromQueryResult, QueryResult, QueryTrait, RuntimeErr,
    Statement, Values,
    sqlx::{self, Postgres, Sqlite, pool::PoolConnection},
};
use sea_query_sqlx::SqlxValues;

/// A connection taken from the pool until dropped.
pub struct Held(Connection);

enum Connection {
    Postgres(PoolConnection<Postgres>),
    Sqlite(PoolConnection<Sqlite>),
}

impl Held {
    /// Takes a connection from `db`'s pool.
    pub async fn acquire(db: &DatabaseConnection) -> Result<Held, DbErr> {
        let connection = match db.get_database_backend() {
            DbBackend::Postgres => Connection::Postgres(
                db.get_postgres_connection_pool()
                    .acquire()
                    .await
                    .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e.into())))?,
            ),
            DbBackend::Sqlite => Connection::Sqlite(
                db.get_sqlite_connection_pool()
                    .acquire()
                    .await
                    .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e.into())))?,
            ),
            other => return Err(DbErr::Custom(format!("unsupported database: {other:?}"))),
        };
        Ok(Held(connection))
    }

    fn backend(&self) -> DbBackend {
        match self.0 {
            Connection::Postgres(_) => DbBackend::Postgres,
            Connection::Sqlite(_) => DbBackend::Sqlite,
        }
    }

    /// The first row `query` selects, if any.
    pub async fn one<M: FromQueryResult>(
        &mut self,
        query: &impl QueryTrait,
    ) -> Result<Option<M>, DbErr> {
        let statement = query.build(self.backend());
        let row: Option<QueryResult> = match &mut self.0 {
            Connection::Postgres(c) => sqlx_query(&statement)
                .fetch_optional(&mut **c)
                .await
                .map(|row| row.map(QueryResult::from)),
            Connection::Sqlite(c) => sqlx_query(&statement)
                .fetch_optional(&mut **c)
                .await
                .map(|row| row.map(QueryResult::from)),
        }
        .map_err(|e| DbErr::Query(RuntimeErr::SqlxError(e.into())))?;
        row.map(|row| M::from_query_result(&row, "")).transpose()
    }

    /// Runs `query`; how many rows it changed.
    pub async fn execute(&mut self, query: &impl QueryTrait) -> Result<u64, DbErr> {
        let statement = query.build(self.backend());
        match &mut self.0 {
            Connection::Postgres(c) => sqlx_query(&statement)
                .execute(&mut **c)
                .await
                .map(|done| done.rows_affected()),
            Connection::Sqlite(c) => sqlx_query(&statement)
                .execute(&mut **c)
                .await
                .map(|done| done.rows_affected()),
        }
        .map_err(|e| DbErr::Exec(RuntimeErr::SqlxError(e.into())))
    }
}

/// `statement` as an sqlx query with its values bound.
fn sqlx_query<DB>(statement: &Statement) -> sqlx::query::Query<'_, DB, SqlxValues>
where
    DB: sqlx::Database,
    SqlxValues: sqlx::IntoArguments<DB>,
{
    let values = statement.values.clone().unwrap_or(Values(Vec::new()));
    sqlx::query_with(
        sqlx::AssertSqlSafe(statement.sql.as_str()),
        SqlxValues(values),
    )
}
