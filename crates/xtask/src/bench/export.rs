//! #6's figures. «Экспорт результатов» of the whole-country surge collection
//! (45,000 organisations × the 200-cell schedule form, after the surge submitted
//! them) made by the server, against rust_xlsxwriter writing the same cells from
//! memory (`oko-io/examples/export_baseline.rs`): wall time and the server's peak
//! memory during the export (its peak is reset first through
//! `/proc/<pid>/clear_refs`); and a region's export, to show memory does not grow
//! with the number of organisations.

use std::time::{Duration, Instant};

use super::{curl, first_string_field, login_token, peak_rss_kib, post_json, row};
use crate::{e2e::Server, process::Fail};

/// One export as the server made it.
pub struct Exported {
    pub seconds: f64,
    /// The server's peak resident memory during the export, above what it held
    /// when the export started.
    pub peak_kib: u64,
    pub bytes: u64,
}

/// `login` exports the results of `collection` as XLSX; waits for the file.
pub fn export(server: &Server, collection: &str, login: &str) -> Result<Exported, Fail> {
    let base = &server.base_url;
    let token = login_token(base, login)?;
    let auth = format!("authorization: Bearer {token}");
    // Forget the surge's peak: from here VmHWM is the export's.
    std::fs::write(format!("/proc/{}/clear_refs", server.pid()), "5")
        .map_err(Fail::io("reset the server's peak memory"))?;
    let before = peak_rss_kib(server)?;
    let started = Instant::now();
    let job = post_json(
        &format!("{base}/api/collections/{collection}/exports"),
        Some(&token),
        r#"{"kind":"results","format":"xlsx"}"#,
    )?;
    let id = first_string_field(&job, "id")?;
    loop {
        let state = curl(&format!("{base}/api/jobs/{id}"), &["-H", &auth])?;
        if state.contains(r#""status":"ready""#) {
            break;
        }
        if state.contains(r#""status":"failed""#) {
            return Err(Fail(format!("the export failed: {state}")));
        }
        if started.elapsed() > Duration::from_secs(1800) {
            return Err(Fail("the export took over 30 minutes".into()));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let seconds = started.elapsed().as_secs_f64();
    let peak_kib = peak_rss_kib(server)?.saturating_sub(before);
    let size = curl(
        &format!("{base}/api/jobs/{id}/file"),
        &["-H", &auth, "-o", "/dev/null", "-w", "%{size_download}"],
    )?;
    Ok(Exported {
        seconds,
        peak_kib,
        bytes: size.trim().parse().unwrap_or(0),
    })
}

/// rust_xlsxwriter alone on the same cells: (seconds, peak KiB).
pub fn baseline(organisations: usize) -> Result<(f64, u64), Fail> {
    let text = super::example_output("oko-io", "export_baseline", &[&organisations.to_string()])?;
    let number = |marker: &str| {
        text.split(marker)
            .nth(1)
            .and_then(|rest| {
                rest.chars()
                    .take_while(|c| c.is_ascii_digit() || *c == '.')
                    .collect::<String>()
                    .parse::<f64>()
                    .ok()
            })
            .ok_or_else(|| Fail(format!("export_baseline printed {text:?}")))
    };
    Ok((number("organisations, ")?, number("peak +")? as u64))
}

/// The rows of one database's exports.
pub fn rows(
    database: &str,
    organisations: usize,
    country: &Exported,
    region: &Exported,
    (base_seconds, base_kib): (f64, u64),
    rows: &mut Vec<[String; 4]>,
) {
    rows.push(row(
        &format!(
            "«Экспорт результатов» XLSX of the surge collection ({organisations} organisations × 200 cells, {database})"
        ),
        format!(
            "{:.1} s, peak +{} MiB, {} MiB file",
            country.seconds,
            country.peak_kib / 1024,
            country.bytes / (1024 * 1024)
        ),
        &format!(
            "rust_xlsxwriter from memory, same cells: {base_seconds:.1} s, peak +{} MiB",
            base_kib / 1024
        ),
        format!(
            "time {:.2}× (goal ≤ 2×), memory {} MiB (goal < 256)",
            country.seconds / base_seconds,
            country.peak_kib / 1024
        ),
    ));
    rows.push(row(
        &format!("The same export by region 24's coordinator ({database})"),
        format!(
            "{:.1} s, peak +{} MiB",
            region.seconds,
            region.peak_kib / 1024
        ),
        &format!("whole country: peak +{} MiB", country.peak_kib / 1024),
        format!(
            "memory {:.2}× the country's (constant: ≈ 1)",
            region.peak_kib as f64 / country.peak_kib.max(1) as f64
        ),
    ));
}
