//! «Аналитика» figures (issue #7): 10,000,000 generated results over the full demo
//! (`oko seed-results`), their load time and database size, and every report for
//! the country (operator), a region (its coordinator) and a school, p50/p99 with
//! wrk — against a plain GROUP BY over the raw results of the same unit, measured
//! in the same run (`oko analytics-baseline`).

use std::{path::Path, process::Command, time::Instant};

use super::{OKO, curl, login_token, row, secs, wrk_latency};
use crate::{
    e2e::Server,
    process::{Fail, output, stdout_of},
};

/// Results the benchmark loads.
pub const STUDENTS: u64 = 10_000_000;

/// The reports shown on screen at every level («Индивидуальные результаты» of a
/// region or the country are ordered as files, so only the school's is shown).
const KINDS: [&str; 7] = [
    "marks",
    "tasks",
    "scores",
    "groups",
    "journal",
    "skills",
    "individual",
];

/// Loads the results, then measures; `size` tells the database's size in bytes.
pub fn rows(
    database: &str,
    server: &Server,
    students: u64,
    size: impl Fn() -> Option<u64>,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let started = Instant::now();
    let out = output({
        let mut c = server.command(Path::new(OKO));
        c.args([
            "seed-results",
            "--works",
            "4",
            "--students",
            &students.to_string(),
        ]);
        c
    })?;
    let loaded = started.elapsed();
    let text = String::from_utf8_lossy(&out);
    let work = text
        .lines()
        .find_map(|l| l.strip_prefix("work "))
        .ok_or_else(|| Fail(format!("seed-results printed no work: {text}")))?
        .trim()
        .to_owned();
    let size = size().map_or("—".to_owned(), |b| format!("{} MiB", b / (1024 * 1024)));
    rows.push(row(
        &format!("«Аналитика»: {students} generated results (4 works) loaded into the full demo ({database})"),
        format!("{} , database {size}", secs(loaded)),
        "—",
        "—".into(),
    ));
    let region = region_of(&server.base_url, "spo_coord_24", &work)?;
    for (level, login, unit) in [
        ("the country (operator)", "admin", "country".to_owned()),
        (
            "a region (`spo_coord_24`)",
            "spo_coord_24",
            format!("region:{region}"),
        ),
        (
            "a school (`sch240001`)",
            "sch240001",
            "organisation:sch240001".to_owned(),
        ),
    ] {
        let token = login_token(&server.base_url, login)?;
        let mut worst = (0.0, 0.0, "");
        let mut each = Vec::new();
        for kind in KINDS {
            if kind == "individual" && login != "sch240001" {
                continue;
            }
            let path = format!("/api/assessment-works/{work}/reports/{kind}");
            // The first request loads the work's statistics into memory.
            curl(
                &format!("{}{path}", server.base_url),
                &["-H", &format!("Authorization: Bearer {token}")],
            )?;
            let result = wrk_latency(&server.base_url, &path, Some(&token), 2, 8, 3)?;
            each.push(format!("{kind} {:.1}", result.p99_ms));
            if result.p99_ms > worst.1 {
                worst = (result.p50_ms, result.p99_ms, kind);
            }
        }
        let baseline = baseline(server, &work, &unit)?;
        rows.push(row(
            &format!("«Аналитика» reports for {level}, {database}, wrk 2 × 8 (p99 of each, ms: {})", each.join(", ")),
            format!("worst p50 {:.2} ms, p99 {:.2} ms ({})", worst.0, worst.1, worst.2),
            &format!("plain GROUP BY of the marks over the raw results of the unit: p50 {:.1} ms, p99 {:.1} ms", baseline.0, baseline.1),
            format!("p99 {:.2}× of the GROUP BY (goal < 200 ms)", worst.1 / baseline.1),
        ));
    }
    Ok(())
}

/// `oko analytics-baseline`'s p50 and p99 for `unit`.
fn baseline(server: &Server, work: &str, unit: &str) -> Result<(f64, f64), Fail> {
    let out = output({
        let mut c = server.command(Path::new(OKO));
        c.args([
            "analytics-baseline",
            "--work",
            work,
            "--unit",
            unit,
            "--runs",
            "10",
        ]);
        c
    })?;
    let text = String::from_utf8_lossy(&out);
    let number = |label: &str| {
        text.split(label)
            .nth(1)
            .and_then(|rest| rest.trim().split(' ').next())
            .and_then(|n| n.parse::<f64>().ok())
    };
    match (number("p50"), number("p99")) {
        (Some(p50), Some(p99)) => Ok((p50, p99)),
        _ => Err(Fail(format!(
            "analytics-baseline printed no figures: {text}"
        ))),
    }
}

/// The region id of a regional coordinator: its own marks report names it.
fn region_of(base: &str, login: &str, work: &str) -> Result<String, Fail> {
    let token = login_token(base, login)?;
    let report = curl(
        &format!("{base}/api/assessment-works/{work}/reports/marks"),
        &["-H", &format!("Authorization: Bearer {token}")],
    )?;
    report
        .split("\"unit\":\"region:")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .ok_or_else(|| Fail(format!("no region in {login}'s report: {report}")))
}

/// The SQLite database's size (file and write-ahead log).
pub fn sqlite_size(server: &Server) -> Option<u64> {
    let dir = server.data_dir();
    let file = |name: &str| {
        std::fs::metadata(dir.join(name))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    Some(file("oko.db") + file("oko.db-wal"))
}

/// PostgreSQL's `oko_bench` database size.
pub fn postgres_size() -> Option<u64> {
    let admin = crate::postgres::bench_url("postgres");
    stdout_of(Command::new("psql").args([&admin, "-Atc", "SELECT pg_database_size('oko_bench')"]))
        .and_then(|s| s.trim().parse().ok())
}
