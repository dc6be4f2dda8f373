//! `cargo xtask <task>`: the project's developer commands. Standard library only.
//!
//! - `run`: install what is missing, build the SPA, migrate, seed the demo once, serve.
//! - `test`: everything CI checks: formatting, clippy, unit and API tests on SQLite
//!   and PostgreSQL, the OpenAPI staleness check, browser tests in Chromium.
//! - `openapi`: rewrite `api-spec/openapi.json` from the code.
//! - `bench`: measure the figures of `docs/benchmarks.md`; `bench editor` runs the
//!   form editor's alone, `bench forms` every form figure; `bench export [N]` the surge and its exports on SQLite;
//!   `bench surge [N]` runs
//!   only the deadline surge (N organisations, all by default) and prints its rows;
//!   `bench faults [N]` two instances against one and PostgreSQL restarted mid-surge;
//!   `bench reminders [N]` «Напомнить» to the country during the surge.

mod bench;
mod e2e;
mod office;
mod postgres;
mod process;
mod s3;
mod schemathesis;
mod toolchain;

use std::{path::PathBuf, process::ExitCode};

use process::{Fail, cargo, run};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root).expect("enter the workspace root");
    let result = match args.first().map(String::as_str) {
        Some("run") => run_app(),
        Some("test") => test_everything(),
        Some("openapi") => write_openapi(),
        Some("spa") => toolchain::build_spa(),
        Some("attack") => schemathesis::run_attack(),
        Some("bench") if args.get(1).map(String::as_str) == Some("surge") => bench::run_surge(
            args.get(2).and_then(|n| n.parse().ok()),
            args.iter().any(|a| a == "postgres"),
        ),
        Some("bench") if args.get(1).map(String::as_str) == Some("editor") => bench::run_editor(),
        Some("bench") if args.get(1).map(String::as_str) == Some("forms") => bench::run_forms(),
        Some("bench") if args.get(1).map(String::as_str) == Some("logins") => bench::run_logins(),
        Some("bench") if args.get(1).map(String::as_str) == Some("hardening") => {
            bench::run_hardening()
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("forum") => {
            bench::run_forum(args.get(2).and_then(|n| n.parse().ok()))
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("analytics") => {
            bench::run_analytics(args.get(2).and_then(|n| n.parse().ok()))
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("faults") => {
            bench::run_faults(args.get(2).and_then(|n| n.parse().ok()))
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("operations") => {
            bench::run_operations(args.get(2).and_then(|n| n.parse().ok()))
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("reminders") => {
            bench::run_reminders(args.get(2).and_then(|n| n.parse().ok()))
        }
        Some("bench") if args.get(1).map(String::as_str) == Some("export") => {
            bench::run_export(args.get(2).and_then(|n| n.parse().ok()))
        }
        Some("bench") => bench::run_all(),
        _ => {
            eprintln!(
                "usage: cargo xtask run | test | spa | openapi | attack | bench [surge [N] [postgres] | export [N] | operations [N] | analytics [N] | faults [N] | logins | hardening | forum [N] | editor]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Fail(message)) => {
            eprintln!("\nxtask: {message}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// `cargo xtask run`.
fn run_app() -> Result<(), Fail> {
    toolchain::build_release(&[])?;
    let oko = "target/release/oko";
    run(std::process::Command::new(oko).arg("seed-demo"))?;
    run(std::process::Command::new(oko).arg("serve"))
}

/// `cargo xtask test`.
fn test_everything() -> Result<(), Fail> {
    let started = std::time::Instant::now();
    let postgres_url = postgres::test_url();
    postgres::require_reachable(&postgres_url)?;
    postgres::drop_stale_test_databases(&postgres_url);
    run(&mut cargo(&["fmt", "--all", "--check"]))
        .map_err(|_| Fail("code is not formatted: run `cargo fmt --all`".into()))?;
    run(&mut cargo(&[
        "clippy",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    toolchain::ensure_wasm_tools()?;
    run(&mut cargo(&[
        "clippy",
        "--package",
        "oko-frontend",
        "--target",
        "wasm32-unknown-unknown",
        "--",
        "-D",
        "warnings",
    ]))?;
    toolchain::build_spa()?;
    let s3 = s3::start()?;
    let openpyxl_python = office::ensure()?;
    run(cargo(&["test", "--all-targets"])
        .env("OKO_TEST_POSTGRES_URL", &postgres_url)
        .env("OKO_TEST_OPENPYXL_PYTHON", &openpyxl_python)
        .env("OKO_TEST_S3_ENDPOINT", &s3.endpoint)
        // moto accepts any credentials; object_store wants some.
        .env("AWS_ACCESS_KEY_ID", "oko-test")
        .env("AWS_SECRET_ACCESS_KEY", "oko-test"))?;
    drop(s3);
    run(&mut cargo(&["test", "--doc"]))?;
    schemathesis::run_attack()?;
    e2e::run_browser_tests()?;
    postgres::drop_stale_test_databases(&postgres_url);
    println!(
        "\nxtask: all tests passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `cargo xtask openapi`.
fn write_openapi() -> Result<(), Fail> {
    let output = process::output(cargo(&[
        "run",
        "--quiet",
        "--package",
        "oko-api",
        "--bin",
        "oko",
        "--",
        "openapi",
    ]))?;
    std::fs::create_dir_all("api-spec").map_err(Fail::io("create api-spec"))?;
    std::fs::write("api-spec/openapi.json", output)
        .map_err(Fail::io("write api-spec/openapi.json"))?;
    println!("api-spec/openapi.json rewritten");
    Ok(())
}
