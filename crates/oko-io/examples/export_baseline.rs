//! The baseline of the export benchmark (`cargo xtask bench`): rust_xlsxwriter
//! writing the cells of a whole-country «Экспорт результатов» of the schedule demo
//! form straight from memory (every cell built first, the standard in-memory
//! worksheet), with its wall time and peak memory. Usage:
//! `cargo run --release -p oko-io --example export_baseline -- <organisations>`.

use std::time::Instant;

use rust_xlsxwriter::{Format, Workbook};

/// The schedule form's sheets and their rows per organisation (as the surge fills it).
const SHEETS: [(&str, u32); 3] = [
    ("РАБОТЫ НА БЛАНКЕ", 14),
    ("МЕТАПРЕДМЕТ НА КОМПЬЮТЕРЕ", 2),
    ("РАБОТЫ НА КОМПЬЮТЕРЕ", 14),
];

/// One cell, as the export writes it.
enum Value {
    Text(String),
    Number(f64),
}

fn peak_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let organisations: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(45_000);
    let before = peak_kib();
    let started = Instant::now();
    // Every row in memory first, as a program that has its data would.
    let sheets: Vec<Vec<Vec<Value>>> = SHEETS
        .iter()
        .map(|(_, rows)| {
            (0..organisations)
                .flat_map(|org| {
                    (1..=*rows).map(move |row| {
                        let mut cells = vec![
                            Value::Text("Красноярский край".into()),
                            Value::Text("г. Красноярск".into()),
                            Value::Text(format!("sch{org:06}")),
                            Value::Text(format!("МБОУ СОШ № {org}")),
                            Value::Text("24.11.2026 15:30 (мск)".into()),
                            Value::Number(f64::from(row)),
                            Value::Text("Математика".into()),
                            Value::Text(format!("{:02}.09.2021", 13 + row)),
                        ];
                        cells.extend([2.0, 25.0].map(Value::Number));
                        cells.push(Value::Text(format!("{:02}.09.2021", 13 + row)));
                        cells.extend([1.0, 10.0].map(Value::Number));
                        cells
                    })
                })
                .collect()
        })
        .collect();
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for ((title, _), rows) in SHEETS.iter().zip(&sheets) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*title)?;
        for col in 0..13u16 {
            sheet.write_string_with_format(0, col, format!("Столбец {col}"), &bold)?;
        }
        for (at, cells) in rows.iter().enumerate() {
            let row = at as u32 + 1;
            for (col, value) in cells.iter().enumerate() {
                match value {
                    Value::Text(text) => sheet.write_string(row, col as u16, text)?,
                    Value::Number(n) => sheet.write_number(row, col as u16, *n)?,
                };
            }
        }
    }
    let path =
        std::env::temp_dir().join(format!("oko-export-baseline-{}.xlsx", std::process::id()));
    workbook.save(&path)?;
    let elapsed = started.elapsed();
    let size = std::fs::metadata(&path)?.len();
    std::fs::remove_file(&path)?;
    println!(
        "baseline: {organisations} organisations, {:.2} s, peak +{} KiB, {} KiB file",
        elapsed.as_secs_f64(),
        peak_kib().saturating_sub(before),
        size / 1024
    );
    Ok(())
}
