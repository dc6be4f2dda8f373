//! Form figures of issue #4 from `cargo run --release -p oko-io --example
//! forms_bench` (validation and template upload against calamine alone, natively)
//! and from the SPA's `/bench/validation` page in Chromium (validation in WASM).

use std::process::Command;

use super::row;
use crate::{
    e2e::{Server, ensure_chromium, ensure_node_modules},
    process::{Fail, cargo, output},
};

/// Runs both and adds their rows.
pub fn rows(server: &Server, rows: &mut Vec<[String; 4]>) -> Result<(), Fail> {
    let native = output(cargo(&[
        "run",
        "--release",
        "--quiet",
        "-p",
        "oko-io",
        "--example",
        "forms_bench",
    ]))?;
    let text = String::from_utf8_lossy(&native).into_owned();
    let validation = number_after(&text, "(native): ")?;
    let calamine = number_after(&text, "calamine alone reading it: ")?;
    let upload = number_after(&text, "+ validation): ")?;
    let upload_peak = number_after(&text, "while reading: upload ")?;
    let calamine_peak = number_after(&text, "KiB, calamine alone ")?;
    ensure_chromium()?;
    ensure_node_modules()?;
    let wasm = output({
        let mut c = Command::new("node");
        c.arg("bench/validation.mjs")
            .current_dir("e2e")
            .env("OKO_BASE_URL", &server.base_url);
        c
    })?;
    let wasm_text = String::from_utf8_lossy(&wasm);
    let wasm_ms: f64 = wasm_text
        .trim()
        .parse()
        .map_err(|_| Fail(format!("the browser bench printed {wasm_text:?}")))?;
    rows.push(row(
        "Validation of a 5,000-row × 10-column sheet (college demo form), native",
        format!("{validation:.2} ms"),
        "goal: 20 ms",
        format!("{:.2} of goal", validation / 20.0),
    ));
    rows.push(row(
        "The same validation in Chromium (the SPA's WASM, release)",
        format!("{wasm_ms:.2} ms"),
        &format!("native, same run: {validation:.2} ms"),
        format!("{:.1}×", wasm_ms / validation),
    ));
    rows.push(row(
        "Upload of the filled 5,000-row template: zip checks + read + import + validation",
        format!("{upload:.1} ms, peak +{:.1} MiB", upload_peak / 1024.0),
        &format!(
            "calamine alone reading it: {calamine:.1} ms, peak +{:.1} MiB",
            calamine_peak / 1024.0
        ),
        format!(
            "time {:.2}×, memory {:.2}× (goal ≤ 1.5×)",
            upload / calamine,
            upload_peak / calamine_peak
        ),
    ));
    Ok(())
}

/// The number right after `marker` in `text`.
fn number_after(text: &str, marker: &str) -> Result<f64, Fail> {
    text.split(marker)
        .nth(1)
        .and_then(|rest| {
            let digits: String = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .collect();
            digits.parse().ok()
        })
        .ok_or_else(|| Fail(format!("forms_bench printed no «{marker}…»:\n{text}")))
}
