//! Issue #20's figures: the peak memory of reading crafted workbooks against the
//! same cells honestly laid out (`cargo run --release -p oko-io --example
//! hostile_bench`), and login throughput with the back-off's counters shared in
//! the database against raw argon2 verification on all cores, in the same run.

use super::{argon2_rate, example_output, row, wrk_login};
use crate::{e2e::Server, process::Fail};

/// Runs both and adds their rows.
pub fn rows(server: &Server, rows: &mut Vec<[String; 4]>) -> Result<(), Fail> {
    let text = example_output("oko-io", "hostile_bench", &[])?;
    for line in text.lines().filter(|l| l.contains(": crafted ")) {
        let (shape, figures) = line.split_once(": crafted ").unwrap_or((line, ""));
        let (crafted, rest) = figures.split_once(", honest ").unwrap_or((figures, ""));
        let (honest, ratio) = rest.split_once(" = ").unwrap_or((rest, ""));
        rows.push(row(
            &format!("Reading a crafted workbook: {shape}"),
            format!("peak +{crafted}"),
            &format!("the same cells laid out honestly: +{honest}"),
            format!("{ratio} (goal ≤ 2×, < 64 MiB)"),
        ));
    }
    let argon2 = argon2_rate()?;
    let logins = wrk_login(&server.base_url)?;
    rows.push(row(
        "Login throughput with the back-off's counters in the database (wrk 2 × 8, small demo, SQLite)",
        format!("{logins:.1} req/s"),
        &format!(
            "raw argon2id verify on all cores: {argon2:.1}/s (the per-instance limiter's ceiling)"
        ),
        format!("{:.0}% (goal ≥ 95%)", 100.0 * logins / argon2),
    ));
    Ok(())
}
