//! `cargo xtask bench`: measures the figures of `docs/benchmarks.md` on a release
//! build and rewrites the generated part of that file. Each figure comes with a
//! baseline measured in the same run, so the ratio means something on any machine.

use std::{
    fmt::Write as _,
    path::{Path, PathBuf},
    process::Command,
    time::{Duration, Instant},
};

mod acceptance;
mod analytics;
mod cpu;
mod export;
mod faults;
mod forms;
mod forum;
mod hardening;
mod logins;
mod operations;
mod reminders;
mod storages;
mod surge;

use crate::{
    e2e::{Server, start_server, start_server_on},
    process::{Fail, output},
    toolchain,
};

const OKO: &str = "target/release/oko";
const DOC: &str = "docs/benchmarks.md";
const START: &str = "<!-- bench:start -->";
const END: &str = "<!-- bench:end -->";

/// Runs every benchmark and writes the table into `docs/benchmarks.md`.
pub fn run_all() -> Result<(), Fail> {
    toolchain::build_release(&["--example", "argon2_rate"])?;
    let dir = PathBuf::from("target/bench");
    let mut rows = Vec::new();

    let spawn_baseline = time_command(Command::new(OKO).arg("--version"))?;
    let empty = start_server(Path::new(OKO), &dir.join("empty"), "small")?;
    let cold_start = cold_start(&dir.join("cold"))?;
    rows.push(row(
        "Cold start of `oko serve` to first answer (small demo, SQLite)",
        ms(cold_start),
        &format!("process spawn `oko --version`: {}", ms(spawn_baseline)),
        ratio(cold_start, spawn_baseline),
    ));
    let idle = peak_rss_kib(&empty)?;
    forms::rows(&empty, &mut rows)?;
    hardening::rows(&empty, &mut rows)?;
    drop(empty);

    let seed_started = Instant::now();
    let full = start_server(Path::new(OKO), &dir.join("full"), "full")?;
    let seed_time = seed_started.elapsed();
    let budget = Duration::from_secs(60);
    rows.push(row(
        "Full demo seed on SQLite (89 regions, ≥ 45,000 organisations), incl. start",
        secs(seed_time),
        "goal: 60 s",
        format!(
            "{:.2} of goal",
            seed_time.as_secs_f64() / budget.as_secs_f64()
        ),
    ));
    let token = login_token(&full.base_url, "admin")?;
    wrk(
        &full.base_url,
        "/api/orgs?per_page=50&search=%D0%B3%D0%B8%D0%BC%D0%BD%D0%B0%D0%B7%D0%B8%D1%8F",
        Some(&token),
        2,
        16,
        3,
    )?;
    let seeded = peak_rss_kib(&full)?;
    rows.push(row(
        "`oko serve` peak memory (VmHWM), idle on the small demo",
        format!("{} MiB", idle / 1024),
        "—",
        "—".into(),
    ));
    rows.push(row(
        "`oko serve` peak memory after the full seed and 3 s of org searches",
        format!("{} MiB", seeded / 1024),
        &format!("idle: {} MiB", idle / 1024),
        format!("{:.2}×", seeded as f64 / idle as f64),
    ));

    let argon2 = argon2_rate()?;
    let logins = wrk_login(&full.base_url)?;
    rows.push(row(
        "Login throughput (`POST /api/auth/login`, wrk 2 threads × 8 connections)",
        format!("{logins:.1} req/s"),
        &format!("raw argon2id verify on all cores: {argon2:.1}/s"),
        format!("{:.0}% (goal ≥ 90%)", 100.0 * logins / argon2),
    ));
    let after_logins = peak_rss_kib(&full)?;
    rows.push(row(
        "`oko serve` peak memory after 10 s of logins (wrk 2 × 8)",
        format!("{} MiB", after_logins / 1024),
        &format!("before: {} MiB", seeded / 1024),
        format!("+{} MiB", after_logins.saturating_sub(seeded) / 1024),
    ));

    let static_rate = wrk(&full.base_url, "/api/openapi.json", None, 2, 64, 10)?;
    let me_rate = wrk(&full.base_url, "/api/me", Some(&token), 2, 64, 10)?;
    rows.push(row(
        "`GET /api/me` with a valid token (wrk 2 threads × 64 connections, same machine)",
        format!("{me_rate:.0} req/s"),
        &format!("`GET /api/openapi.json` (no auth, no database): {static_rate:.0} req/s"),
        format!("{:.2} (goal ≥ 20,000 req/s)", me_rate / static_rate),
    ));
    let (storage, seeding) = storages::seed_marks(&full)?;
    rows.push(row(
        "`oko seed-downloads`: a storage of 21 files and 1,000,000 download marks (SQLite)",
        secs(seeding),
        "—",
        "—".into(),
    ));
    let me_latency = wrk_latency(&full.base_url, "/api/me", Some(&token), 2, 8, 5)?;
    publication_rows("SQLite", &full.base_url, &me_latency, &mut rows)?;
    storages::file_list_row("SQLite", &full.base_url, &storage, &me_latency, &mut rows)?;
    storages::report_row(&full, &storage, &mut rows)?;
    let surged = surge::run(&full, surge::ALL_ORGANISATIONS, &dir)?;
    surge::rows("SQLite", &surged, &mut rows);
    let baseline = export::baseline(surged.organisations)?;
    export_rows("SQLite", &full, &surged, baseline, &mut rows)?;
    drop(full);

    let on_postgres = start_bench_postgres(&dir.join("postgres"))?;
    let pg_token = login_token(&on_postgres.base_url, "admin")?;
    let (pg_storage, _) = storages::seed_marks(&on_postgres)?;
    crate::postgres::settle(&crate::postgres::bench_url("oko_bench"));
    let pg_me = me_after_seeding(&on_postgres.base_url, &pg_token, &mut rows)?;
    publication_rows("PostgreSQL", &on_postgres.base_url, &pg_me, &mut rows)?;
    storages::file_list_row(
        "PostgreSQL",
        &on_postgres.base_url,
        &pg_storage,
        &pg_me,
        &mut rows,
    )?;
    let surged = surge::run(&on_postgres, surge::ALL_ORGANISATIONS, &dir)?;
    surge::rows("PostgreSQL", &surged, &mut rows);
    export_rows("PostgreSQL", &on_postgres, &surged, baseline, &mut rows)?;
    drop(on_postgres);
    storages::zip_rows(&dir, &mut rows)?;

    rows.push(spa_size_row()?);

    write_table(&rows)
}

/// `cargo xtask bench surge [N] [postgres]`: the deadline surge alone on both
/// databases, or on PostgreSQL only (full demo), its rows printed rather than
/// written into the document.
pub fn run_surge(organisations: Option<usize>, only_postgres: bool) -> Result<(), Fail> {
    toolchain::build_release(&[])?;
    let dir = PathBuf::from("target/bench");
    let organisations = organisations.unwrap_or(surge::ALL_ORGANISATIONS);
    let mut rows = Vec::new();
    if !only_postgres {
        let on_sqlite = start_server(Path::new(OKO), &dir.join("surge-sqlite"), "full")?;
        let surged = surge::run(&on_sqlite, organisations, &dir)?;
        surge::rows("SQLite", &surged, &mut rows);
    }
    let on_postgres = start_bench_postgres(&dir.join("surge-postgres"))?;
    let surged = surge::run(&on_postgres, organisations, &dir)?;
    surge::rows("PostgreSQL", &surged, &mut rows);
    drop(on_postgres);
    print_rows(&rows);
    Ok(())
}

/// The surge collection's exports by the operator and by a region, beside the
/// baseline.
fn export_rows(
    database: &str,
    server: &Server,
    surged: &surge::Surge,
    baseline: (f64, u64),
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    let country = export::export(server, &surged.collection, "admin")?;
    let region = export::export(server, &surged.collection, "spo_coord_24")?;
    export::rows(
        database,
        surged.organisations,
        &country,
        &region,
        baseline,
        rows,
    );
    Ok(())
}

/// `cargo xtask bench export [N]`: the surge (N organisations, with the watching
/// operator) then its exports, on SQLite and on PostgreSQL, printed.
pub fn run_export(organisations: Option<usize>) -> Result<(), Fail> {
    let organisations = organisations.unwrap_or(surge::ALL_ORGANISATIONS);
    // The baseline (the same cells written from memory) is measured once.
    let mut baseline = None;
    let rows = on_both_databases("export", |database, server, dir, rows| {
        let surged = surge::run(server, organisations, dir)?;
        surge::rows(database, &surged, rows);
        let baseline = match baseline {
            Some(measured) => measured,
            None => *baseline.insert(export::baseline(surged.organisations)?),
        };
        export_rows(database, server, &surged, baseline, rows)
    })?;
    print_rows(&rows);
    Ok(())
}

/// The rows `measure` gives against a release server on the full demo, first on
/// SQLite (its files under `target/bench/<name>`), then on a fresh PostgreSQL
/// database (`target/bench/<name>-postgres`); `measure` gets the database's
/// name and `target/bench` for its own files.
fn on_both_databases(
    name: &str,
    mut measure: impl FnMut(&str, &Server, &Path, &mut Vec<[String; 4]>) -> Result<(), Fail>,
) -> Result<Vec<[String; 4]>, Fail> {
    toolchain::build_release(&[])?;
    let dir = PathBuf::from("target/bench");
    let mut rows = Vec::new();
    let on_sqlite = start_server(Path::new(OKO), &dir.join(name), "full")?;
    measure("SQLite", &on_sqlite, &dir, &mut rows)?;
    drop(on_sqlite);
    let on_postgres = start_bench_postgres(&dir.join(format!("{name}-postgres")))?;
    measure("PostgreSQL", &on_postgres, &dir, &mut rows)?;
    Ok(rows)
}

/// A server on a fresh `oko_bench` PostgreSQL database with the full demo.
fn start_bench_postgres(dir: &Path) -> Result<Server, Fail> {
    let postgres_url = crate::postgres::bench_url("oko_bench");
    crate::postgres::drop_database_at(&crate::postgres::bench_url("postgres"), "oko_bench");
    start_server_on(Path::new(OKO), dir, "full", &postgres_url)
}

/// Organisations per run of `cargo xtask bench faults`: long enough a surge
/// (about a minute on this machine) for a restart in its middle.
const FAULT_ORGANISATIONS: usize = 10_000;

/// `cargo xtask bench faults [N]`: issue #21's figures (two instances against
/// one; PostgreSQL restarted mid-surge), N organisations a run, printed.
pub fn run_faults(organisations: Option<usize>) -> Result<(), Fail> {
    let organisations = organisations.unwrap_or(FAULT_ORGANISATIONS);
    let rows = on_full_postgres("faults-postgres", |server, dir, rows| {
        crate::postgres::settle(&crate::postgres::bench_url("oko_bench"));
        faults::rows(server, organisations, dir, rows)
    })?;
    print_rows(&rows);
    Ok(())
}

/// The rows `measure` gives against a release server on the full demo in a
/// fresh PostgreSQL database (its files under `target/bench/<name>`; `measure`
/// gets `target/bench` for its own).
fn on_full_postgres(
    name: &str,
    measure: impl FnOnce(&Server, &Path, &mut Vec<[String; 4]>) -> Result<(), Fail>,
) -> Result<Vec<[String; 4]>, Fail> {
    toolchain::build_release(&[])?;
    let dir = PathBuf::from("target/bench");
    let server = start_bench_postgres(&dir.join(name))?;
    let mut rows = Vec::new();
    measure(&server, &dir, &mut rows)?;
    Ok(rows)
}

/// Organisations per run of `cargo xtask bench operations`.
const OPERATIONS_ORGANISATIONS: usize = 5_000;

/// `cargo xtask bench operations [N]`: issue #24's figures on PostgreSQL with the
/// full demo and a million download marks: the surge with metrics kept and
/// scraped against without, and `oko backup` during the surge; N organisations
/// a run (four runs for the metrics, two for the backup).
pub fn run_operations(organisations: Option<usize>) -> Result<(), Fail> {
    let organisations = organisations.unwrap_or(OPERATIONS_ORGANISATIONS);
    let rows = on_full_postgres("operations-postgres", |server, dir, rows| {
        crate::process::run(server.command(Path::new(OKO)).arg("seed-downloads"))?;
        crate::postgres::settle(&crate::postgres::bench_url("oko_bench"));
        operations::metrics_row(server, organisations, dir, rows)?;
        operations::backup_row(server, organisations, 4 * organisations, dir, rows)
    })?;
    print_rows(&rows);
    Ok(())
}

/// Submissions «Принять все» accepts in issue #25's figure.
const ACCEPTED_AT_ONCE: usize = 1_000;

/// `cargo xtask bench reminders [N]`: issue #25's reminder to the country while
/// the surge of N organisations (default 5,000) runs, and a thousand
/// submissions accepted at once, on PostgreSQL.
pub fn run_reminders(organisations: Option<usize>) -> Result<(), Fail> {
    let organisations = organisations.unwrap_or(OPERATIONS_ORGANISATIONS);
    let rows = on_full_postgres("reminders-postgres", |server, dir, rows| {
        // First, while the surge's collection holds only its own submissions.
        let used = acceptance::acceptance_row(server, ACCEPTED_AT_ONCE, 0, dir, rows)?;
        reminders::reminder_row(server, organisations, used, dir, rows)
    })?;
    print_rows(&rows);
    Ok(())
}

/// `cargo xtask bench analytics [N]`: N results (default 10,000,000) on the full
/// demo, SQLite and PostgreSQL; report latencies against the GROUP BY baseline.
pub fn run_analytics(students: Option<u64>) -> Result<(), Fail> {
    let students = students.unwrap_or(analytics::STUDENTS);
    let rows = on_both_databases("analytics", |database, server, _, rows| {
        if database == "SQLite" {
            let size = || analytics::sqlite_size(server);
            analytics::rows(database, server, students, size, rows)
        } else {
            analytics::rows(database, server, students, analytics::postgres_size, rows)
        }
    })?;
    print_rows(&rows);
    Ok(())
}

/// `cargo xtask bench logins`: the brute force against one account while others
/// log in (small demo, SQLite), printed.
pub fn run_logins() -> Result<(), Fail> {
    print_rows(&on_small_demo("logins", logins::rows)?);
    Ok(())
}

/// `cargo xtask bench hardening`: issue #20's figures (crafted workbooks' memory,
/// login throughput on the shared back-off), printed.
pub fn run_hardening() -> Result<(), Fail> {
    toolchain::build_release(&["--example", "argon2_rate"])?;
    print_rows(&on_small_demo("hardening", hardening::rows)?);
    Ok(())
}

/// `cargo xtask bench forum [N]`: N questions with an answer each on the full
/// demo, SQLite and PostgreSQL; search latencies, printed.
pub fn run_forum(questions: Option<u64>) -> Result<(), Fail> {
    let questions = questions.unwrap_or(forum::QUESTIONS);
    let rows = on_both_databases("forum", |database, server, _, rows| {
        forum::rows(database, server, questions, rows)
    })?;
    print_rows(&rows);
    Ok(())
}

/// `cargo xtask bench editor`: the form editor's figures and the SPA's size alone
/// (small demo), printed rather than written into the document.
pub fn run_editor() -> Result<(), Fail> {
    let mut rows = on_small_demo("editor", forms::editor_rows)?;
    rows.push(spa_size_row()?);
    print_rows(&rows);
    Ok(())
}

/// The rows `measure` gives against a release server on a fresh small demo
/// (its data under `target/bench/<name>`).
fn on_small_demo(
    name: &str,
    measure: impl FnOnce(&Server, &mut Vec<[String; 4]>) -> Result<(), Fail>,
) -> Result<Vec<[String; 4]>, Fail> {
    toolchain::build_release(&[])?;
    let server = start_server(
        Path::new(OKO),
        &PathBuf::from("target/bench").join(name),
        "small",
    )?;
    let mut rows = Vec::new();
    measure(&server, &mut rows)?;
    Ok(rows)
}

/// `cargo xtask bench forms`: the forms' figures alone (issues #4, #5, #22, #26).
pub fn run_forms() -> Result<(), Fail> {
    print_rows(&on_small_demo("forms", forms::rows)?);
    Ok(())
}

/// What `cargo run --release -p <package> --example <name> -- <args>` printed.
pub(crate) fn example_output(package: &str, name: &str, args: &[&str]) -> Result<String, Fail> {
    let mut command = vec![
        "run",
        "--release",
        "--quiet",
        "-p",
        package,
        "--example",
        name,
    ];
    if !args.is_empty() {
        command.push("--");
        command.extend_from_slice(args);
    }
    let printed = output(crate::process::cargo(&command))?;
    Ok(String::from_utf8_lossy(&printed).into_owned())
}

fn print_rows(rows: &[[String; 4]]) {
    for [what, value, baseline, ratio] in rows {
        println!("| {what} | {value} | {baseline} | {ratio} |");
    }
}

fn row(what: &str, value: String, baseline: &str, ratio: String) -> [String; 4] {
    [what.to_owned(), value, baseline.to_owned(), ratio]
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

fn ratio(a: Duration, b: Duration) -> String {
    format!("{:.1}×", a.as_secs_f64() / b.as_secs_f64())
}

fn time_command(command: &mut Command) -> Result<Duration, Fail> {
    let started = Instant::now();
    let status = command
        .output()
        .map_err(Fail::io("run a timed command"))?
        .status;
    if !status.success() {
        return Err(Fail("timed command failed".into()));
    }
    Ok(started.elapsed())
}

/// Time from `oko serve` spawn to its first HTTP answer, on an already seeded database.
fn cold_start(dir: &Path) -> Result<Duration, Fail> {
    // Seed and stop once, so the measured start is a restart on an existing database.
    drop(start_server(Path::new(OKO), dir, "small")?);
    let port = crate::e2e::free_port()?;
    let started = Instant::now();
    let mut child = Command::new(OKO)
        .arg("serve")
        .env(
            "OKO_DATABASE_URL",
            format!("sqlite://{}/oko.db?mode=rwc", dir.display()),
        )
        .env("OKO_DATA_DIR", dir)
        .env("OKO_LISTEN", format!("127.0.0.1:{port}"))
        .stderr(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(Fail::io("start oko"))?;
    let url = format!("http://127.0.0.1:{port}/api/openapi.json");
    let elapsed = loop {
        let ok = Command::new("curl")
            .args(["-sf", "-o", "/dev/null", &url])
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            break started.elapsed();
        }
        if started.elapsed() > Duration::from_secs(30) {
            break Duration::MAX;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = child.kill();
    let _ = child.wait();
    if elapsed == Duration::MAX {
        Err(Fail("oko did not answer within 30 s".into()))
    } else {
        Ok(elapsed)
    }
}

/// VmHWM of the server process, KiB.
fn peak_rss_kib(server: &Server) -> Result<u64, Fail> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", server.pid()))
        .map_err(Fail::io("read /proc status"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| Fail("no VmHWM in /proc status".into()))
}

fn login_token(base: &str, login: &str) -> Result<String, Fail> {
    let body = format!(r#"{{"login":"{login}","password":"oko-demo-2026"}}"#);
    first_string_field(
        &post_json(&format!("{base}/api/auth/login"), None, &body)?,
        "access_token",
    )
}

/// `POST` of the JSON `body` to `url`, as `token`'s user when given: the answer.
fn post_json(url: &str, token: Option<&str>, body: &str) -> Result<String, Fail> {
    let auth = token.map(|token| format!("Authorization: Bearer {token}"));
    let mut args = vec![
        "-X",
        "POST",
        "-H",
        "content-type: application/json",
        "-d",
        body,
    ];
    if let Some(auth) = &auth {
        args.extend(["-H", auth.as_str()]);
    }
    curl(url, &args)
}

/// `curl -sf <args> <url>`: the body of a successful answer.
fn curl(url: &str, args: &[&str]) -> Result<String, Fail> {
    let mut command = Command::new("curl");
    command.arg("-sf").args(args).arg(url);
    Ok(String::from_utf8_lossy(&output(command)?).into_owned())
}

/// The number right after `marker` in `text` (a program's output, a JSON text).
fn number_after(text: &str, marker: &str) -> Result<f64, Fail> {
    text.split(marker)
        .nth(1)
        .and_then(|rest| {
            let digits: String = rest
                .trim_start()
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            digits.parse().ok()
        })
        .ok_or_else(|| Fail(format!("no number after «{marker}» in:\n{text}")))
}

/// The first `"field":"value"` of a JSON text (xtask has no JSON parser on purpose).
fn first_string_field(text: &str, field: &str) -> Result<String, Fail> {
    text.split(&format!("\"{field}\":\""))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .map(str::to_owned)
        .ok_or_else(|| Fail(format!("no {field} in: {text}")))
}

pub(crate) fn argon2_rate() -> Result<f64, Fail> {
    let out = output({
        let mut c = Command::new("target/release/examples/argon2_rate");
        c.env("SECONDS", "10");
        c
    })?;
    String::from_utf8_lossy(&out)
        .trim()
        .parse()
        .map_err(|_| Fail("argon2_rate printed no number".into()))
}

/// `GET /api/me` three times in a row right after the million download marks,
/// each with the kernel's dirty page cache before it: earlier full runs read a
/// p99 of 300–1,500 ms here that no run in isolation showed (issue #24). A bad
/// first run only, with gigabytes dirty, is the machine writing back the
/// seeding, not the endpoint. The last run is the lists' baseline.
fn me_after_seeding(
    base: &str,
    token: &str,
    rows: &mut Vec<[String; 4]>,
) -> Result<WrkResult, Fail> {
    let mut runs = Vec::new();
    let mut shown = Vec::new();
    for _ in 0..3 {
        let dirty = dirty_mib();
        let run = wrk_latency(base, "/api/me", Some(token), 2, 8, 5)?;
        shown.push(format!(
            "p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s ({dirty} MiB dirty before)",
            run.p50_ms, run.p99_ms, run.rate
        ));
        runs.push(run);
    }
    rows.push(row(
        "`GET /api/me` on PostgreSQL right after the million download marks, wrk 2 × 8 for 5 s, three times in a row",
        shown.join("; "),
        "—",
        "—".into(),
    ));
    Ok(runs.pop().expect("three runs"))
}

/// The kernel's dirty page cache (`Dirty:` of /proc/meminfo), in MiB.
fn dirty_mib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|line| line.strip_prefix("Dirty:"))
                .and_then(|kib| kib.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kib| kib / 1024)
}

/// What wrk measured.
struct WrkResult {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// Requests per second that wrk reports.
fn wrk(
    base: &str,
    path: &str,
    token: Option<&str>,
    threads: u32,
    connections: u32,
    seconds: u32,
) -> Result<f64, Fail> {
    Ok(wrk_latency(base, path, token, threads, connections, seconds)?.rate)
}

/// Rate and latency percentiles that `wrk --latency` reports.
fn wrk_latency(
    base: &str,
    path: &str,
    token: Option<&str>,
    threads: u32,
    connections: u32,
    seconds: u32,
) -> Result<WrkResult, Fail> {
    let mut command = Command::new("wrk");
    command.args([
        "--latency",
        "-t",
        &threads.to_string(),
        "-c",
        &connections.to_string(),
        "-d",
        &format!("{seconds}s"),
    ]);
    if let Some(token) = token {
        command.args(["-H", &format!("Authorization: Bearer {token}")]);
    }
    command.arg(format!("{base}{path}"));
    let out = output(command)?;
    let text = String::from_utf8_lossy(&out);
    let percentile = |label: &str| -> Result<f64, Fail> {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(label))
            .and_then(|v| parse_duration_ms(v.trim()))
            .ok_or_else(|| Fail(format!("no {label} latency in wrk output:\n{text}")))
    };
    Ok(WrkResult {
        rate: parse_wrk(&out)?,
        p50_ms: percentile("50%")?,
        p99_ms: percentile("99%")?,
    })
}

/// `512.00us`, `3.41ms`, `1.20s` in milliseconds.
fn parse_duration_ms(text: &str) -> Option<f64> {
    let (number, factor) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.parse::<f64>().ok().map(|n| n * factor)
}

/// The id of the first section the token's user sees.
fn first_section_id(base: &str, token: &str) -> Result<String, Fail> {
    let auth = format!("Authorization: Bearer {token}");
    first_string_field(
        &curl(&format!("{base}/api/sections"), &["-H", &auth])?,
        "id",
    )
}

/// Section tabs and the first page of a section, for an organisation and for a
/// regional coordinator, against `GET /api/me` (no database) in the same run.
fn publication_rows(
    database: &str,
    base: &str,
    me: &WrkResult,
    rows: &mut Vec<[String; 4]>,
) -> Result<(), Fail> {
    for (who, login) in [
        ("organisation", "sch240001"),
        ("regional coordinator", "spo_coord_24"),
    ] {
        let token = login_token(base, login)?;
        let section = first_section_id(base, &token)?;
        for (what, path) in [
            ("`GET /api/sections`", "/api/sections".to_owned()),
            (
                "first page of a section",
                format!("/api/publications?section_id={section}&per_page=20"),
            ),
        ] {
            let result = wrk_latency(base, &path, Some(&token), 2, 8, 5)?;
            rows.push(row(
                &format!(
                    "{what} as {who} `{login}` (2,000 publications, 1,000,000 download marks, full country, {database}), wrk 2 × 8"
                ),
                format!(
                    "p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s",
                    result.p50_ms, result.p99_ms, result.rate
                ),
                &format!("`GET /api/me` p99 {:.2} ms", me.p99_ms),
                format!("p99 {:.0}× (goal < 20 ms)", result.p99_ms / me.p99_ms),
            ));
        }
    }
    Ok(())
}

pub(crate) fn wrk_login(base: &str) -> Result<f64, Fail> {
    let script = Path::new("target/bench/login.lua");
    std::fs::write(
        script,
        "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"application/json\"\n\
         wrk.body = '{\"login\":\"sch240001\",\"password\":\"oko-demo-2026\"}'\n",
    )
    .map_err(Fail::io("write login.lua"))?;
    let mut command = Command::new("wrk");
    command
        .args(["-t", "2", "-c", "8", "-d", "10s", "-s"])
        .arg(script)
        .arg(format!("{base}/api/auth/login"));
    parse_wrk(&output(command)?)
}

fn parse_wrk(out: &[u8]) -> Result<f64, Fail> {
    let text = String::from_utf8_lossy(out);
    if text.contains("Non-2xx") {
        return Err(Fail(format!("wrk saw failed requests:\n{text}")));
    }
    text.lines()
        .find_map(|l| l.strip_prefix("Requests/sec:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| Fail(format!("cannot read wrk output:\n{text}")))
}

/// (raw, gzip -9) bytes of the SPA's wasm and js.
/// The release SPA's size against the editor issue's goal.
fn spa_size_row() -> Result<[String; 4], Fail> {
    let (raw, gzipped) = spa_size()?;
    Ok(row(
        "Release SPA (wasm + js)",
        format!("{} KiB raw, {} KiB gzip", raw / 1024, gzipped / 1024),
        "goal: < 800 KB gzip",
        format!("{:.2} of goal", gzipped as f64 / 800_000.0),
    ))
}

fn spa_size() -> Result<(u64, u64), Fail> {
    let mut raw = 0;
    let mut gzipped = 0;
    for entry in std::fs::read_dir("frontend/dist").map_err(Fail::io("list frontend/dist"))? {
        let path = entry.map_err(Fail::io("list frontend/dist"))?.path();
        if !matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("wasm" | "js")
        ) {
            continue;
        }
        raw += std::fs::metadata(&path).map_err(Fail::io("stat"))?.len();
        gzipped += output({
            let mut c = Command::new("gzip");
            c.args(["-9", "-c"]).arg(&path);
            c
        })?
        .len() as u64;
    }
    Ok((raw, gzipped))
}

fn write_table(rows: &[[String; 4]]) -> Result<(), Fail> {
    let mut table =
        String::from("| figure | value | baseline (same run) | ratio |\n|---|---|---|---|\n");
    for [a, b, c, d] in rows {
        let _ = writeln!(table, "| {a} | {b} | {c} | {d} |");
    }
    println!("\n{table}");
    let doc = std::fs::read_to_string(DOC).map_err(Fail::io("read docs/benchmarks.md"))?;
    let (head, rest) = doc
        .split_once(START)
        .ok_or_else(|| Fail(format!("{DOC} has no {START}")))?;
    let (_, tail) = rest
        .split_once(END)
        .ok_or_else(|| Fail(format!("{DOC} has no {END}")))?;
    std::fs::write(DOC, format!("{head}{START}\n{table}{END}{tail}"))
        .map_err(Fail::io("write docs/benchmarks.md"))
}
