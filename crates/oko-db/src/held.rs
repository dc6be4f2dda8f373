//! Connections for deadline day's hot path: an autosave reads the draft and writes
//! it back on one connection, and that connection goes back without a round trip.
//!
//! sqlx checks every connection handed back to its pool with a round trip to the
//! database (a "ping", unconditionally), so on sqlx's pool a save cost three round
//! trips: read, write, ping. Round trips, with the process wake-ups they cost on
//! both sides, are most of a save's price. A [`HeldPool`] keeps its own few
//! connections, opened with the main pool's settings, and takes one back as it is
//! when every statement on it ran to the end; a connection whose statement failed
//! or was abandoned half way (the request was cancelled) is closed instead, since
//! nobody knows what state it is in. One idle long enough for a server, proxy or
//! firewall to have dropped it is pinged before use, as the main pool does.

use crate::sync::Locked;
use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sea_orm::{
    DatabaseConnection, DbBackend, DbErr, FromQueryResult, QueryResult, QueryTrait, RuntimeErr,
    Statement, Values,
    sqlx::{
        self, ConnectOptions, Connection as _, PgConnection, SqliteConnection,
        postgres::PgConnectOptions, sqlite::SqliteConnectOptions,
    },
};
use sea_query_sqlx::SqlxValues;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// A connection idle this long is pinged before it is used again (as the main pool).
const PING_AFTER_IDLE: Duration = Duration::from_secs(30);
/// How long a request waits for a connection before it fails (as the main pool).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// How this pool's PostgreSQL connections are named (`application_name`).
pub const APPLICATION_NAME: &str = "oko-drafts";

/// A few connections for statements run in a row on one of them.
#[derive(Clone)]
pub struct HeldPool(Arc<Inner>);

struct Inner {
    options: Options,
    /// One per connection that may be open: bounds what this pool adds to the
    /// database's connection count.
    permits: Arc<Semaphore>,
    size: usize,
    /// Acquisitions that found every connection taken, and their time waited.
    waits: AtomicU64,
    waited_micros: AtomicU64,
    /// Connections not in use, the last one back on top (the warmest is reused).
    idle: Mutex<Vec<Idle>>,
}

enum Options {
    Postgres(Arc<PgConnectOptions>),
    Sqlite(Arc<SqliteConnectOptions>),
}

struct Idle {
    connection: Connection,
    since: Instant,
}

enum Connection {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

impl HeldPool {
    /// Up to `size` connections to `db`'s database, opened with its pool's settings
    /// (SQLite's WAL, busy timeout and foreign keys included) when first needed.
    pub fn new(db: &DatabaseConnection, size: usize) -> Result<HeldPool, DbErr> {
        let options = match db.get_database_backend() {
            DbBackend::Postgres => {
                let options = db.get_postgres_connection_pool().connect_options();
                // Told apart from the main pool's in `pg_stat_activity`.
                Options::Postgres(Arc::new(
                    options.as_ref().clone().application_name(APPLICATION_NAME),
                ))
            }
            DbBackend::Sqlite => Options::Sqlite(db.get_sqlite_connection_pool().connect_options()),
            other => return Err(DbErr::Custom(format!("unsupported database: {other:?}"))),
        };
        Ok(HeldPool(Arc::new(Inner {
            options,
            permits: Arc::new(Semaphore::new(size)),
            size,
            waits: AtomicU64::new(0),
            waited_micros: AtomicU64::new(0),
            idle: Mutex::default(),
        })))
    }

    /// A connection until the [`Held`] is dropped.
    pub async fn acquire(&self) -> Result<Held, DbErr> {
        let permit = match Arc::clone(&self.0.permits).try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => self.wait_for_permit().await?,
        };
        let idle = self.0.idle.locked().pop();
        let (connection, unproven) = match idle {
            Some(idle) if idle.since.elapsed() < PING_AFTER_IDLE => (idle.connection, true),
            Some(mut idle) => match idle.connection.ping().await {
                Ok(()) => (idle.connection, false),
                Err(_) => (self.0.options.connect().await?, false),
            },
            None => (self.0.options.connect().await?, false),
        };
        Ok(Held {
            connection: Some(connection),
            unproven,
            in_transaction: false,
            pool: Arc::clone(&self.0),
            _permit: permit,
        })
    }
}

impl HeldPool {
    /// A permit once one is given back, the wait counted.
    async fn wait_for_permit(&self) -> Result<OwnedSemaphorePermit, DbErr> {
        let started = Instant::now();
        let permit =
            tokio::time::timeout(ACQUIRE_TIMEOUT, Arc::clone(&self.0.permits).acquire_owned())
                .await;
        self.0.waits.fetch_add(1, Ordering::Relaxed);
        self.0.waited_micros.fetch_add(
            u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        permit
            .map_err(|_| DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::Timeout))?
            .map_err(|_| DbErr::ConnectionAcquire(sea_orm::error::ConnAcquireErr::ConnectionClosed))
    }

    /// How the pool is used now, and its waits so far.
    pub fn usage(&self) -> PoolUsage {
        let idle = self.0.idle.locked().len();
        PoolUsage {
            max: self.0.size,
            in_use: self.0.size - self.0.permits.available_permits(),
            idle,
            waits: self.0.waits.load(Ordering::Relaxed),
            waited: Duration::from_micros(self.0.waited_micros.load(Ordering::Relaxed)),
        }
    }
}

/// A pool's connections and waits, for the metrics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolUsage {
    /// Connections it may open.
    pub max: usize,
    /// Connections lent out now.
    pub in_use: usize,
    /// Open connections waiting to be lent.
    pub idle: usize,
    /// Acquisitions so far that found every connection taken.
    pub waits: u64,
    /// Their time waited, in all.
    pub waited: Duration,
}

impl Options {
    fn backend(&self) -> DbBackend {
        match self {
            Options::Postgres(_) => DbBackend::Postgres,
            Options::Sqlite(_) => DbBackend::Sqlite,
        }
    }

    async fn connect(&self) -> Result<Connection, DbErr> {
        match self {
            Options::Postgres(o) => o.connect().await.map(Connection::Postgres),
            Options::Sqlite(o) => o.connect().await.map(Connection::Sqlite),
        }
        .map_err(|e| DbErr::Conn(RuntimeErr::SqlxError(e.into())))
    }
}

impl Connection {
    async fn ping(&mut self) -> Result<(), sqlx::Error> {
        match self {
            Connection::Postgres(c) => c.ping().await,
            Connection::Sqlite(c) => c.ping().await,
        }
    }
}

/// A connection of a [`HeldPool`], back in the pool when dropped if every statement
/// on it finished (otherwise closed).
pub struct Held {
    /// `None` while a statement runs: if the request is cancelled then, or the
    /// statement fails, the connection is not given back.
    connection: Option<Connection>,
    /// Taken from the idle ones without a ping and not yet used: it may have been
    /// closed by the database meanwhile (a restart), so a first read that fails is
    /// tried once more on a new connection.
    unproven: bool,
    /// Between [`Held::begin_write`] and its commit or rollback: dropped then (the
    /// request was cancelled, a statement failed), the connection is closed, and
    /// the database rolls back, never given back with a transaction open.
    in_transaction: bool,
    pool: Arc<Inner>,
    // Released after the connection is back (fields drop after `drop`).
    _permit: OwnedSemaphorePermit,
}

impl Drop for Held {
    fn drop(&mut self) {
        if self.in_transaction {
            return;
        }
        if let Some(connection) = self.connection.take() {
            self.pool.idle.locked().push(Idle {
                connection,
                since: Instant::now(),
            });
        }
    }
}

impl Held {
    /// The first row `query` selects, if any.
    pub async fn one<M: FromQueryResult>(
        &mut self,
        query: &impl QueryTrait,
    ) -> Result<Option<M>, DbErr> {
        let statement = query.build(self.pool.options.backend());
        let row = match self.fetch_optional(&statement).await {
            // Reading twice changes nothing; writing twice might.
            Err(_) if self.unproven => {
                self.unproven = false;
                self.connection = Some(self.pool.options.connect().await?);
                self.fetch_optional(&statement).await?
            }
            read => read?,
        };
        row.map(|row| M::from_query_result(&row, "")).transpose()
    }

    async fn fetch_optional(
        &mut self,
        statement: &Statement,
    ) -> Result<Option<QueryResult>, DbErr> {
        let mut connection = self.take()?;
        let row = match &mut connection {
            Connection::Postgres(c) => sqlx_query(statement)
                .fetch_optional(&mut *c)
                .await
                .map(|row| row.map(QueryResult::from)),
            Connection::Sqlite(c) => sqlx_query(statement)
                .fetch_optional(&mut *c)
                .await
                .map(|row| row.map(QueryResult::from)),
        }
        .map_err(|e| DbErr::Query(RuntimeErr::SqlxError(e.into())))?;
        self.give_back(connection);
        Ok(row)
    }

    /// Runs `query`; how many rows it changed.
    pub async fn execute(&mut self, query: &impl QueryTrait) -> Result<u64, DbErr> {
        let statement = query.build(self.pool.options.backend());
        self.execute_statement(&statement).await
    }

    /// Starts a transaction that takes SQLite's write lock at once (as
    /// [`crate::connection::begin_write`]); its statements run here until
    /// [`Held::commit`] or [`Held::rollback`], with no pool round trip between.
    pub async fn begin_write(&mut self) -> Result<(), DbErr> {
        let begin = match self.pool.options.backend() {
            DbBackend::Sqlite => "BEGIN IMMEDIATE",
            _ => "BEGIN",
        };
        self.plain(begin).await?;
        self.in_transaction = true;
        Ok(())
    }

    pub async fn commit(&mut self) -> Result<(), DbErr> {
        self.plain("COMMIT").await?;
        self.in_transaction = false;
        Ok(())
    }

    pub async fn rollback(&mut self) -> Result<(), DbErr> {
        self.plain("ROLLBACK").await?;
        self.in_transaction = false;
        Ok(())
    }

    async fn plain(&mut self, sql: &str) -> Result<(), DbErr> {
        let statement = Statement::from_string(self.pool.options.backend(), sql);
        self.execute_statement(&statement).await.map(drop)
    }

    async fn execute_statement(&mut self, statement: &Statement) -> Result<u64, DbErr> {
        let mut connection = self.take()?;
        let changed = match &mut connection {
            Connection::Postgres(c) => sqlx_query(statement)
                .execute(&mut *c)
                .await
                .map(|done| done.rows_affected()),
            Connection::Sqlite(c) => sqlx_query(statement)
                .execute(&mut *c)
                .await
                .map(|done| done.rows_affected()),
        }
        .map_err(|e| DbErr::Exec(RuntimeErr::SqlxError(e.into())))?;
        self.give_back(connection);
        Ok(changed)
    }

    /// The connection, out of `self` while a statement runs on it.
    fn take(&mut self) -> Result<Connection, DbErr> {
        self.connection
            .take()
            .ok_or_else(|| DbErr::Custom("a statement on this connection failed before".into()))
    }

    /// The connection back after a statement ran to its end.
    fn give_back(&mut self, connection: Connection) {
        self.connection = Some(connection);
        self.unproven = false;
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
