//! Form figures of issue #4 from `cargo run --release -p oko-io --example
//! forms_bench` (validation and template upload against calamine alone, natively)
//! and from the SPA's `/bench/validation` page in Chromium (validation in WASM);
//! the editor's of issue #5 from `e2e/bench/editor.mjs` (a 5,000 × 20 sheet
//! opened and typed into in Chromium); issue #26's for the ВПР form with
//! calculated columns and rules across sheets, natively, in WASM and typed into
//! (`cargo xtask bench forms` runs only these).

use std::process::Command;

use super::{number_after, row};
use crate::{
    e2e::{Server, ensure_chromium, ensure_node_modules},
    process::{Fail, output},
};

/// Runs both and adds their rows.
pub fn rows(server: &Server, rows: &mut Vec<[String; 4]>) -> Result<(), Fail> {
    let text = super::example_output("oko-io", "forms_bench", &[])?;
    let validation = number_after(&text, "(native): ")?;
    let calamine = number_after(&text, "calamine alone reading it: ")?;
    let upload = number_after(&text, "+ validation): ")?;
    let upload_peak = number_after(&text, "while reading: upload ")?;
    let calamine_peak = number_after(&text, "KiB, calamine alone ")?;
    let fixed_upload = number_after(&text, "matched by its preset: upload ")?;
    let fixed_calamine = number_after(&text, "ms, calamine alone ")?;
    let csv_upload = number_after(&text, "KiB): upload ")?;
    let csv_crate = number_after(&text, "ms, csv crate alone ")?;
    let csv_upload_peak = number_after(&text, "peak upload ")?;
    let csv_crate_peak = number_after(&text, "KiB, csv crate ")?;
    let formulas = number_after(&text, "computed and validated, native: ")?;
    let college_again = number_after(&text, "validation, same run: ")?;
    let wasm_text = browser_bench(server, "bench/validation.mjs")?;
    let wasm_ms = number_after(&wasm_text, "\"validation_ms\":")?;
    let wasm_formulas = number_after(&wasm_text, "\"formulas_ms\":")?;
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
        "The ВПР form (issue #26): 5,000 classes with 2 calculated columns and 5,000 rooms, a look-up and a totals rule across the sheets, every calculated cell computed, then validated, native",
        format!("{formulas:.2} ms"),
        &format!("the college sheet's validation, same run: {college_again:.2} ms; goal 20 ms"),
        format!("{:.2}× college, {:.2} of goal", formulas / college_again, formulas / 20.0),
    ));
    rows.push(row(
        "The same in Chromium (the SPA's WASM, release)",
        format!("{wasm_formulas:.2} ms"),
        &format!("native, same run: {formulas:.2} ms; goal ≤ 2×"),
        format!("{:.1}×", wasm_formulas / formulas),
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
    rows.push(row(
        "Upload of the same 5,000 rows as a fixed-row sheet (each row matched by its preset)",
        format!("{fixed_upload:.1} ms"),
        &format!("calamine alone reading it: {fixed_calamine:.1} ms"),
        format!("{:.2}× (goal ≤ 1.5×)", fixed_upload / fixed_calamine),
    ));
    rows.push(row(
        "Upload of the same 5,000 rows as a `;` CSV: decode + csv-core + import + validation",
        format!(
            "{csv_upload:.1} ms, peak +{:.1} MiB",
            csv_upload_peak / 1024.0
        ),
        &format!(
            "the `csv` crate alone reading it: {csv_crate:.1} ms, peak +{:.1} MiB",
            csv_crate_peak / 1024.0
        ),
        format!("time {:.1}×", csv_upload / csv_crate),
    ));
    editor_rows(server, rows)
}

/// Runs `script` (in `e2e/`) against `server` in Chromium; what it printed.
fn browser_bench(server: &Server, script: &str) -> Result<String, Fail> {
    ensure_chromium()?;
    ensure_node_modules()?;
    let printed = output({
        let mut c = Command::new("node");
        c.arg(script)
            .current_dir("e2e")
            .env("OKO_BASE_URL", &server.base_url);
        c
    })?;
    Ok(String::from_utf8_lossy(&printed).into_owned())
}

/// The editor on a sheet of 5,000 rows × 20 columns (issue #5's figures).
pub fn editor_rows(server: &Server, rows: &mut Vec<[String; 4]>) -> Result<(), Fail> {
    let text = browser_bench(server, "bench/editor.mjs")?;
    let open = number_after(&text, "\"open_ms\":")?;
    let open_empty = number_after(&text, "\"open_empty_ms\":")?;
    let key_median = number_after(&text, "\"key_median_ms\":")?;
    let key_p95 = number_after(&text, "\"key_p95_ms\":")?;
    let key_plain = number_after(&text, "\"key_baseline_median_ms\":")?;
    let drawn = number_after(&text, "\"drawn_rows\":")?;
    let formula_median = number_after(&text, "\"formula_key_median_ms\":")?;
    let formula_p95 = number_after(&text, "\"formula_key_p95_ms\":")?;
    rows.push(row(
        "Editor: open a 5,000 × 20 sheet in Chromium (navigation to a drawn grid with its errors counted)",
        format!("{open:.0} ms ({drawn:.0} rows drawn)"),
        &format!("same form, empty draft: {open_empty:.0} ms; goal 1,000 ms"),
        format!(
            "{:.1}× empty, {:.2} of goal",
            open / open_empty.max(1.0),
            open / 1000.0
        ),
    ));
    rows.push(row(
        "Editor: a keystroke in a cell of that sheet (input handler, validation, every reactive update)",
        format!("median {key_median:.1} ms, p95 {key_p95:.1} ms"),
        &format!("a plain `<input>` in the same page: median {key_plain:.1} ms; goal 16 ms"),
        format!("p95 {:.2} of goal", key_p95 / 16.0),
    ));
    rows.push(row(
        "Editor: a keystroke in the ВПР form (issue #26: 5,000 classes with 2 calculated columns, 5,000 rooms, a look-up and a totals rule across the sheets): the row recomputed, both sheets' rules checked again",
        format!("median {formula_median:.1} ms, p95 {formula_p95:.1} ms"),
        &format!("the 5,000 × 20 sheet's keystroke, same run: p95 {key_p95:.1} ms; goal 16 ms"),
        format!("p95 {:.2} of goal", formula_p95 / 16.0),
    ));
    Ok(())
}
