//! The PostgreSQL server the API tests need: reachable, or a clear failure.

use std::{net::TcpStream, process::Command, time::Duration};

use crate::process::{Fail, stdout_of, succeeds};

/// `OKO_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432`.
pub fn test_url() -> String {
    std::env::var("OKO_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

/// The directory of the local PostgreSQL server's Unix socket (Debian's).
const SOCKET_DIR: &str = "/var/run/postgresql";

/// The URL of database `name` for the benchmarks: over the local server's Unix
/// socket when it has one, as a same-host deployment connects (the loopback TCP
/// stack cost PostgreSQL and `oko` a tenth of the machine's CPU per query in the
/// deadline surge), else over the test URL. `OKO_BENCH_POSTGRES_URL` (a server URL
/// without a database) overrides both.
pub fn bench_url(name: &str) -> String {
    if let Ok(server) = std::env::var("OKO_BENCH_POSTGRES_URL") {
        return format!("{server}/{name}");
    }
    if std::path::Path::new(SOCKET_DIR)
        .join(".s.PGSQL.5432")
        .exists()
    {
        return format!("postgres://postgres@localhost/{name}?host={SOCKET_DIR}");
    }
    format!("{}/{name}", test_url())
}

/// `host:port` of a `postgres://user@host:port` URL.
fn host_port(url: &str) -> String {
    let rest = url.split("://").nth(1).unwrap_or(url);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:5432")
    }
}

/// Fails with a message naming the variable when nothing answers.
pub fn require_reachable(url: &str) -> Result<(), Fail> {
    let address = host_port(url);
    let reachable = std::net::ToSocketAddrs::to_socket_addrs(&address)
        .ok()
        .and_then(|mut addrs| addrs.next())
        .is_some_and(|addr| TcpStream::connect_timeout(&addr, Duration::from_secs(3)).is_ok());
    if reachable {
        Ok(())
    } else {
        Err(Fail(format!(
            "PostgreSQL is not reachable at OKO_TEST_POSTGRES_URL={url}. The API tests run on SQLite AND PostgreSQL; \
start PostgreSQL (e.g. `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) \
or point OKO_TEST_POSTGRES_URL at one."
        )))
    }
}

/// Drops one database, if it is there.
pub fn drop_database(url: &str, name: &str) {
    drop_database_at(&format!("{url}/postgres"), name);
}

/// Drops database `name` through the connection URL `admin`.
pub fn drop_database_at(admin: &str, name: &str) {
    succeeds(Command::new("psql").args([
        admin,
        "-qc",
        &format!("DROP DATABASE IF EXISTS \"{name}\""),
    ]));
}

/// Lets PostgreSQL finish with a bulk insert before anything is timed: its
/// autovacuum and checkpoint would otherwise run in the middle of the next
/// measurement (`GET /api/me` p99 measured 300–1,500 ms right after the million
/// download marks, every list after it under 7 ms). A live server did this long
/// before anyone waits on it.
pub fn settle(url: &str) {
    succeeds(Command::new("psql").args([url, "-qc", "VACUUM (ANALYZE)", "-qc", "CHECKPOINT"]));
}

/// Drops `oko_t_*` databases left by earlier test runs (each test makes its own).
pub fn drop_stale_test_databases(url: &str) {
    let admin = format!("{url}/postgres");
    let Some(names) = stdout_of(Command::new("psql").args([
        &admin,
        "-Atc",
        "SELECT datname FROM pg_database WHERE datname LIKE 'oko\\_t\\_%'",
    ])) else {
        return;
    };
    for name in names.lines().filter(|n| !n.is_empty()) {
        drop_database(url, name);
    }
}

#[cfg(test)]
mod tests {
    use super::host_port;

    #[test]
    fn host_and_port_come_from_the_url() {
        assert_eq!(
            host_port("postgres://postgres@127.0.0.1:5432"),
            "127.0.0.1:5432"
        );
        assert_eq!(host_port("postgres://u:p@db/oko"), "db:5432");
    }
}
