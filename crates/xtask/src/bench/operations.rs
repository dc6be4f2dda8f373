//! Issue #24's figures, on PostgreSQL with the full demo: the deadline surge
//! through an instance that keeps metrics (scraped every second, as Prometheus
//! would) against one that keeps none, by turns on fresh organisations; and
//! `oko backup` of the full demo with a million download marks while the surge
//! runs, against the same surge without it.

use std::{
    path::Path,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant},
};

use super::{OKO, curl, faults, row, surge::Driven};
use crate::{
    e2e::Server,
    process::{Fail, run},
};

/// Runs of each kind, by turns: the machine drifts, turns share the drift.
const TURNS: usize = 2;
const METRICS_TOKEN: &str = "bench-metrics-token-0123";

/// The surge through `server` on organisations `skip..skip + organisations`.
fn surge(server: &Server, organisations: usize, skip: usize, dir: &Path) -> Result<Driven, Fail> {
    faults::surge_through(&[server], organisations, skip, dir)
}

/// Metrics on against off: `organisations` a run, [`TURNS`] runs of each.
pub fn metrics_row(
    server: &Server,
    organisations: usize,
    dir: &Path,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let measured = server.another_instance_with(
        Path::new(OKO),
        &[("OKO_METRICS_TOKEN", METRICS_TOKEN.to_owned())],
    )?;
    let (mut off, mut on) = (0.0_f64, 0.0_f64);
    let mut p99 = (0.0_f64, 0.0_f64);
    for turn in 0..TURNS {
        let plain = surge(server, organisations, 2 * turn * organisations, dir)?;
        off = off.max(plain.save_rate());
        p99.0 = plain.saves.percentile_ms(0.99);
        let scraping = Arc::new(AtomicBool::new(true));
        let scraper = {
            let (url, scraping) = (format!("{}/metrics", measured.base_url), scraping.clone());
            std::thread::spawn(move || scrape_every_second(&url, &scraping))
        };
        let kept = surge(
            &measured,
            organisations,
            (2 * turn + 1) * organisations,
            dir,
        );
        scraping.store(false, Ordering::Relaxed);
        let scrapes = scraper
            .join()
            .map_err(|_| Fail("the scraper panicked".into()))??;
        let kept = kept?;
        if scrapes == 0 {
            return Err(Fail("/metrics was never scraped".into()));
        }
        on = on.max(kept.save_rate());
        p99.1 = kept.saves.percentile_ms(0.99);
    }
    rows.push(row(
        &format!(
            "Deadline surge with metrics kept and `/metrics` scraped every second (PostgreSQL, {organisations} organisations a run, best of {TURNS} by turns)"
        ),
        format!("{on:.0} saves/s; saves p99 {:.1} ms", p99.1),
        &format!(
            "the same surge through an instance keeping no metrics: {off:.0} saves/s, p99 {:.1} ms",
            p99.0
        ),
        format!("{:.1}% (goal ≥ 97%)", 100.0 * on / off),
    ));
    Ok(())
}

/// Scrapes `url` every second while `scraping`; how many answered.
fn scrape_every_second(url: &str, scraping: &AtomicBool) -> Result<usize, Fail> {
    let header = format!("Authorization: Bearer {METRICS_TOKEN}");
    let mut scrapes = 0;
    while scraping.load(Ordering::Relaxed) {
        let page = curl(url, &["-H", &header])?;
        if !page.contains("oko_draft_saves_total") {
            return Err(Fail(format!("/metrics answered without the saves: {page}")));
        }
        scrapes += 1;
        std::thread::sleep(Duration::from_secs(1));
    }
    Ok(scrapes)
}

/// `oko backup` while the surge runs, against the surge alone: `organisations`
/// a run, on organisations after those `skip` used before.
pub fn backup_row(
    server: &Server,
    organisations: usize,
    skip: usize,
    dir: &Path,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let copy = dir.join("operations.backup");
    let _ = std::fs::remove_file(&copy);
    let _ = std::fs::remove_dir_all(dir.join("operations.backup.files"));
    let mut command = server.command(Path::new(OKO));
    command.arg("backup").arg(&copy);
    let (alone, during, took) =
        faults::surge_alone_and_beside(server, organisations, skip, dir, move |_| {
            let started = Instant::now();
            run(&mut command).map(|()| started.elapsed())
        })?;
    let size = std::fs::metadata(&copy).map_or(0, |m| m.len());
    let _ = std::fs::remove_file(&copy);
    rows.push(row(
        &format!(
            "`oko backup` of the full demo with a million download marks (PostgreSQL, `pg_dump`), while the surge of {organisations} organisations runs"
        ),
        format!(
            "{:.1} s, {:.0} MiB; the surge meanwhile: {:.0} saves/s, saves p99 {:.1} ms",
            took.as_secs_f64(),
            size as f64 / 1048576.0,
            during.save_rate(),
            during.saves.percentile_ms(0.99)
        ),
        &format!(
            "the same surge without a backup: {:.0} saves/s, p99 {:.1} ms",
            alone.save_rate(),
            alone.saves.percentile_ms(0.99)
        ),
        format!(
            "p99 {:.2}× of the surge alone; {:.0}% of its rate",
            during.saves.percentile_ms(0.99) / alone.saves.percentile_ms(0.99),
            100.0 * during.save_rate() / alone.save_rate()
        ),
    ));
    Ok(())
}
