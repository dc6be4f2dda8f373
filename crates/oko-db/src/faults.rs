//! Telling a database that is away for a moment from a statement that is wrong.
//! A restart, a dropped connection, a full pool or a locked SQLite file pass: the
//! request may succeed when tried again, so the API answers 503 with
//! `Retry-After` (and the SPA's autosave tries again) instead of 500.

use sea_orm::{DbErr, RuntimeErr, sqlx};

/// How the database failed, as far as the caller can act on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Out of reach or busy for now: try again in a few seconds.
    Unavailable,
    /// The disk under the database is full.
    DiskFull,
    /// Anything else: a bug or a broken schema.
    Other,
}

/// What kind of failure `err` is.
pub fn fault_of(err: &DbErr) -> Fault {
    match err {
        DbErr::ConnectionAcquire(_) => Fault::Unavailable,
        DbErr::Conn(runtime) | DbErr::Exec(runtime) | DbErr::Query(runtime) => match runtime {
            RuntimeErr::SqlxError(sqlx) => sqlx_fault(sqlx),
            _ => Fault::Other,
        },
        _ => Fault::Other,
    }
}

fn sqlx_fault(err: &sqlx::Error) -> Fault {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => Fault::Unavailable,
        sqlx::Error::Database(database) => match database.code().as_deref() {
            Some(code) => database_fault(code),
            None => Fault::Other,
        },
        _ => Fault::Other,
    }
}

/// PostgreSQL's SQLSTATE or SQLite's (extended) result code.
fn database_fault(code: &str) -> Fault {
    match code {
        // PostgreSQL: connection exceptions, shutting down or starting up, too
        // many connections, a read-only server (a replica after a failover),
        // serialization failures and deadlocks.
        c if c.starts_with("08") => Fault::Unavailable,
        "57P01" | "57P02" | "57P03" | "53300" | "25006" | "40001" | "40P01" => Fault::Unavailable,
        "53100" => Fault::DiskFull,
        // SQLite: busy, locked, busy recovering or with a stale snapshot.
        "5" | "6" | "261" | "517" | "262" => Fault::Unavailable,
        "13" => Fault::DiskFull,
        _ => Fault::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_both_databases_are_told_apart() {
        assert_eq!(
            database_fault("57P01"),
            Fault::Unavailable,
            "admin shutdown"
        );
        assert_eq!(database_fault("08006"), Fault::Unavailable);
        assert_eq!(
            database_fault("517"),
            Fault::Unavailable,
            "SQLITE_BUSY_SNAPSHOT"
        );
        assert_eq!(database_fault("53100"), Fault::DiskFull);
        assert_eq!(
            database_fault("23505"),
            Fault::Other,
            "a unique violation is a bug"
        );
        assert_eq!(
            fault_of(&DbErr::ConnectionAcquire(
                sea_orm::error::ConnAcquireErr::Timeout
            )),
            Fault::Unavailable
        );
    }
}
