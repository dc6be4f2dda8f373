//! Issue #21's figures, on PostgreSQL with the full demo: the deadline surge driven
//! through one `oko serve` and through two on the same database and data
//! directory (the several-instances deployment on one machine), and the surge with
//! PostgreSQL restarted in the middle of it, the load generator retrying as the
//! SPA's autosave does.

use std::{
    path::Path,
    process::Command,
    time::{Duration, Instant},
};

use super::{
    OKO, curl, login_token, number_after, row,
    surge::{self, Driven, OnFailure, address_of, drive_all, prepare},
};
use crate::{
    e2e::Server,
    process::{Fail, run},
};

/// When PostgreSQL is restarted, after the surge's start: long enough for the
/// rate before it to be measured.
const RESTART_AFTER: Duration = Duration::from_secs(10);
/// «Full rate» again: this share of the rate before the restart, over one second.
const FULL_RATE_SHARE: f64 = 0.9;

/// The rows of both figures: `organisations` per run, three runs on fresh
/// organisations of one full demo on PostgreSQL.
pub fn rows(
    server: &Server,
    organisations: usize,
    dir: &Path,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let one = surge_through(&[server], organisations, 0, dir)?;
    let second = server.another_instance(Path::new(OKO))?;
    let two = surge_through(&[server, &second], organisations, organisations, dir)?;
    drop(second);
    let rate = |d: &Driven| d.saves.0.len() as f64 / d.elapsed.as_secs_f64();
    rows.push(row(
        &format!(
            "Deadline surge through two `oko serve` on one PostgreSQL and one data directory ({organisations} organisations, {} connections dealt between them)",
            surge::CONNECTIONS
        ),
        format!(
            "{:.0} saves/s; saves p99 {:.1} ms",
            rate(&two),
            two.saves.percentile_ms(0.99)
        ),
        &format!(
            "one instance, same run, fresh organisations: {:.0} saves/s, p99 {:.1} ms",
            rate(&one),
            one.saves.percentile_ms(0.99)
        ),
        format!("{:.2}× of one instance", rate(&two) / rate(&one)),
    ));
    restart_row(server, organisations, dir, rows)
}

/// The surge on fresh organisations through `servers`, nothing allowed to fail.
pub(super) fn surge_through(
    servers: &[&Server],
    organisations: usize,
    skip: usize,
    dir: &Path,
) -> Result<Driven, Fail> {
    let prepared = prepare(servers[0], organisations, skip, dir)?;
    let addresses: Vec<String> = servers.iter().map(|s| address_of(s)).collect();
    drive_all(
        &addresses,
        &prepared.collection,
        prepared.tokens,
        OnFailure::Stop,
    )
}

/// The surge through `server` on organisations `skip..skip + organisations`,
/// then on the next as many with `action` (given the second surge's collection)
/// started 3 s into it, in the surge's stride: both surges and what the action
/// gave, to set a deed done under load against the same load alone.
pub(super) fn surge_alone_and_beside<T: Send + 'static>(
    server: &Server,
    organisations: usize,
    skip: usize,
    dir: &Path,
    action: impl FnOnce(String) -> Result<T, Fail> + Send + 'static,
) -> Result<(Driven, Driven, T), Fail> {
    let alone = surge_through(&[server], organisations, skip, dir)?;
    let prepared = prepare(server, organisations, skip + organisations, dir)?;
    let collection = prepared.collection.clone();
    let acting = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(3));
        action(collection)
    });
    let during = drive_all(
        &[address_of(server)],
        &prepared.collection,
        prepared.tokens,
        OnFailure::Stop,
    )?;
    let done = acting
        .join()
        .map_err(|_| Fail("the thread acting beside the surge panicked".into()))??;
    Ok((alone, during, done))
}

/// The surge with PostgreSQL restarted [`RESTART_AFTER`] into it.
fn restart_row(
    server: &Server,
    organisations: usize,
    dir: &Path,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let prepared = prepare(server, organisations, 2 * organisations, dir)?;
    let admin = login_token(&server.base_url, "admin")?;
    let submitted_before = submitted(server, &prepared.collection, &admin)?;
    let started = Instant::now();
    let restarter = std::thread::spawn(move || -> Result<(Duration, Duration), Fail> {
        std::thread::sleep(RESTART_AFTER);
        let at = started.elapsed();
        restart_postgres()?;
        Ok((at, started.elapsed()))
    });
    let driven = drive_all(
        &[address_of(server)],
        &prepared.collection,
        prepared.tokens,
        OnFailure::Retry,
    )?;
    let (restart_at, restarted_at) = restarter
        .join()
        .map_err(|_| Fail("the restarting thread panicked".into()))??;
    if driven.elapsed < restarted_at + Duration::from_secs(5) {
        return Err(Fail(format!(
            "the surge ended {:.0} s after PostgreSQL's restart: give it more organisations",
            driven.elapsed.saturating_sub(restarted_at).as_secs_f64()
        )));
    }
    let submitted_after = submitted(server, &prepared.collection, &admin)?;
    let lost = organisations.saturating_sub(submitted_after.saturating_sub(submitted_before));
    let before = rate_between(&driven.acknowledged_at, Duration::from_secs(2), restart_at);
    let recovered = full_rate_again(&driven.acknowledged_at, restart_at, before)
        .map_or("never".to_owned(), |t| {
            format!("{:.1} s", t.saturating_sub(restart_at).as_secs_f64())
        });
    rows.push(row(
        &format!(
            "PostgreSQL restarted (`pg_ctlcluster … restart -m fast`, {:.1} s) {} s into the surge ({organisations} organisations, retries as the SPA's autosave: `Retry-After`)",
            restarted_at.saturating_sub(restart_at).as_secs_f64(),
            RESTART_AFTER.as_secs()
        ),
        format!(
            "{} answers not 2xx (all retried), {} refused; longest answer {:.1} s, longest save until acknowledged {:.1} s; organisations without their submission: {lost} (goal 0); full rate again {recovered} after the restart began",
            driven.failed_answers,
            driven.refused,
            f64::from(driven.longest_answer) / 1e6,
            f64::from(driven.longest_acknowledgement) / 1e6,
        ),
        &format!("rate before the restart: {before:.0} requests/s"),
        format!(
            "{:.3}% of the requests not 2xx; {lost} lost",
            100.0 * driven.failed_answers as f64
                / (driven.saves.0.len() + driven.submits.0.len()).max(1) as f64
        ),
    ));
    Ok(())
}

/// «Сдано» of the collection, as the operator's statistics count it.
fn submitted(server: &Server, collection: &str, admin: &str) -> Result<usize, Fail> {
    let auth = format!("Authorization: Bearer {admin}");
    let text = curl(
        &format!(
            "{}/api/collections/{collection}/statistics",
            server.base_url
        ),
        &["-H", &auth],
    )?;
    Ok(number_after(&text, "\"submitted\":")? as usize)
}

/// Restarts the local PostgreSQL cluster, ending every connection at once.
fn restart_postgres() -> Result<(), Fail> {
    let version = std::fs::read_dir("/etc/postgresql")
        .ok()
        .and_then(|mut versions| versions.next()?.ok())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .ok_or_else(|| Fail("no PostgreSQL cluster in /etc/postgresql to restart".into()))?;
    run(Command::new("pg_ctlcluster").args([
        "--skip-systemctl-redirect",
        &version,
        "main",
        "restart",
        "-m",
        "fast",
    ]))
}

/// Requests acknowledged per second between `from` and `to`.
fn rate_between(acknowledged_at: &[u32], from: Duration, to: Duration) -> f64 {
    let (from_us, to_us) = (from.as_micros() as u32, to.as_micros() as u32);
    let count = acknowledged_at
        .iter()
        .filter(|&&t| t >= from_us && t < to_us)
        .count();
    count as f64 / to.saturating_sub(from).as_secs_f64().max(1e-3)
}

/// The first moment after `restart_at` from which one second holds
/// [`FULL_RATE_SHARE`] of `rate_before`'s acknowledgements (100 ms steps).
fn full_rate_again(
    acknowledged_at: &[u32],
    restart_at: Duration,
    rate_before: f64,
) -> Option<Duration> {
    let end = Duration::from_micros(u64::from(*acknowledged_at.last()?));
    let step = Duration::from_millis(100);
    let mut at = restart_at;
    while at + Duration::from_secs(1) <= end {
        if rate_between(acknowledged_at, at, at + Duration::from_secs(1))
            >= FULL_RATE_SHARE * rate_before
        {
            return Some(at);
        }
        at += step;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{full_rate_again, rate_between};

    #[test]
    fn the_rate_comes_back_when_a_second_holds_nine_tenths_of_it() {
        // 100/s for 10 s, nothing for 2 s, then 50/s for 2 s, then 100/s again.
        let mut at: Vec<u32> = (0..1000).map(|i| i * 10_000).collect();
        at.extend((0..100).map(|i| 12_000_000 + i * 20_000));
        at.extend((0..300).map(|i| 14_000_000 + i * 10_000));
        let before = rate_between(&at, Duration::ZERO, Duration::from_secs(10));
        assert!((before - 100.0).abs() < 1e-9, "{before}");
        let back = full_rate_again(&at, Duration::from_secs(10), before).expect("comes back");
        assert!(
            back >= Duration::from_millis(13_700) && back <= Duration::from_secs(14),
            "{back:?}"
        );
        assert_eq!(
            full_rate_again(&at[..1100], Duration::from_secs(10), before),
            None
        );
    }
}
