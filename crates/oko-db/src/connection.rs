//! Opening the database and bringing its schema up to date.

use std::time::Duration;

use oko_migrations::{Migrator, MigratorTrait};

use crate::held::PoolUsage;
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

/// Creates the PostgreSQL database named in `url` when the server does not have it yet,
/// so `oko serve` on a fresh server needs no `createdb`. SQLite files are created by
/// `mode=rwc` anyway.
pub async fn create_postgres_database_if_missing(url: &str) -> Result<(), DbErr> {
    let Some((scheme, after_scheme)) = url.split_once("://") else {
        return Ok(());
    };
    let Some((authority, path)) = after_scheme.split_once('/') else {
        return Ok(());
    };
    let (name, query) = path.split_once('?').unwrap_or((path, ""));
    let is_plain_name =
        !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !scheme.starts_with("postgres") || !is_plain_name {
        return Ok(());
    }
    let server = format!("{scheme}://{authority}/postgres?{query}");
    let admin = Database::connect(server).await?;
    let exists = admin
        .query_one_raw(sea_orm::Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if !exists {
        tracing::info!(database = name, "creating the PostgreSQL database");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
    }
    admin.close().await
}

/// How long a SQLite writer waits for the write lock before the request answers
/// 503.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a pool on `url` (`sqlite://…` or `postgres://…`).
///
/// SQLite gets WAL and a busy timeout so that readers never wait for the writer and
/// concurrent writers queue instead of failing with "database is locked".
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let is_sqlite = url.starts_with("sqlite:");
    if is_sqlite {
        create_sqlite_parent_dir(url);
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if is_sqlite { 8 } else { 32 })
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx pings a connection on every checkout by default: a whole extra round
        // trip per query, a third of a deadline day's database traffic. Only a
        // connection idle long enough to have been dropped (by the server, a proxy,
        // a firewall) is checked first.
        .test_before_acquire_if_idle_for(Duration::from_secs(30))
        .sqlx_logging(false);
    if is_sqlite {
        options.map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                // A locked database says so (503 «нет связи с базой») within 5 s
                // rather than hanging a request; writers queue well inside it.
                .busy_timeout(SQLITE_BUSY_TIMEOUT)
                .foreign_keys(true)
        });
    }
    let db = Database::connect(options).await?;
    if db.get_database_backend() == DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA journal_mode=WAL").await?;
    }
    Ok(db)
}

/// Begins a transaction that writes. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred transaction that reads first and writes after
/// fails at once with «database is locked» (`SQLITE_BUSY_SNAPSHOT`) when another
/// writer committed in between, instead of waiting its turn in the busy timeout.
/// PostgreSQL ignores the mode.
pub async fn begin_write<C: TransactionTrait>(db: &C) -> Result<C::Transaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

/// How the main pool is used now (sqlx counts no waits: `waits` stay 0).
pub fn pool_usage(db: &DatabaseConnection) -> PoolUsage {
    let (size, idle, max) = match db.get_database_backend() {
        DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
    };
    PoolUsage {
        max: max as usize,
        in_use: (size as usize).saturating_sub(idle),
        idle,
        waits: 0,
        waited: Duration::ZERO,
    }
}

/// Whether the database takes writes: a table made and dropped again in a rolled
/// back transaction (a read-only file, a replica or a full disk refuse it).
pub async fn probe_writable(db: &DatabaseConnection) -> Result<(), DbErr> {
    let txn = begin_write(db).await?;
    txn.execute_unprepared("CREATE TABLE oko_write_probe (x INTEGER)")
        .await?;
    txn.rollback().await
}

/// How many migrations of this build the database has not had.
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<usize, DbErr> {
    Ok(Migrator::get_pending_migrations(db).await?.len())
}

/// `sqlite://./data/oko.db?mode=rwc` needs `./data` to exist before SQLite creates the file.
fn create_sqlite_parent_dir(url: &str) {
    let Some(path) = sqlite_path(url) else {
        return;
    };
    if let Some(parent) = path.parent()
        && !parent.as_os_str().is_empty()
    {
        // An error here surfaces as a clear connect error from SQLite right after.
        let _ = std::fs::create_dir_all(parent);
    }
}

/// The file of a `sqlite://…` URL; `None` for PostgreSQL or an in-memory database.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    (!path.is_empty() && !path.starts_with(':')).then(|| path.into())
}

/// How many tables the database has (0: a new, empty one).
pub async fn table_count(db: &DatabaseConnection) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Sqlite => "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'",
        _ => "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'public'",
    };
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(backend, sql))
        .await?;
    row.map_or(Ok(0), |row| row.try_get("", "n"))
}

/// Writes a SQLite database, as one read transaction sees it, to `path` (a new
/// file): a consistent copy while others keep writing.
pub async fn sqlite_copy_into(db: &DatabaseConnection, path: &str) -> Result<(), DbErr> {
    db.execute_unprepared(&format!("VACUUM INTO '{}'", path.replace('\'', "''")))
        .await
        .map(drop)
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), DbErr> {
    Migrator::up(db, None).await
}
