//! Issue #20's memory figure: the peak memory of reading each crafted workbook
//! against reading the same cells honestly laid out (goal ≤ 2×, never more than
//! 64 MiB for a file under 1 MiB), through both readers an upload meets — the
//! streamed form import (filled templates, results, organisations, regions,
//! municipalities) and the whole-sheet reader (form and work descriptions).
//!
//! `cargo run --release -p oko-io --example hostile_bench`
//!
//! Each reading runs in a child process of its own (`--peak reader file`); the
//! figure is the growth of its high-water mark (`VmHWM`) while reading.

use oko_domain::forms::demo;
use oko_io::{
    form_import::import,
    form_template::column_letters,
    workbook::{WorkbookLimits, minimal_workbook, open_xlsx, read_xlsx},
};

mod support;

use support::{high_water_kib, peak_of};

fn cell(reference: &str) -> String {
    format!(r#"<c r="{reference}"><v>7</v></c>"#)
}

fn row(number: usize, cells: &str) -> String {
    format!(r#"<row r="{number}">{cells}</row>"#)
}

/// Each shape: its name, the crafted sheet and the same cells laid out honestly.
fn shapes() -> Vec<(&'static str, Vec<u8>, Vec<u8>)> {
    let header = row(1, r#"<c r="A1" t="inlineStr"><is><t>Код</t></is></c>"#);
    let with_header = |cells: &str| minimal_workbook("Лист1", "A1", &format!("{header}{cells}"));
    let scattered: String = (2..2_002)
        .map(|r| row(r, &cell(&format!("XFD{r}"))))
        .collect();
    let compact: String = (2..2_002)
        .map(|r| row(r, &cell(&format!("A{r}"))))
        .collect();
    let sparse_wide: String = (0..160)
        .map(|i| cell(&format!("{}2", column_letters(i * 100))))
        .collect();
    let dense_wide: String = (0..160)
        .map(|i| cell(&format!("{}2", column_letters(i))))
        .collect();
    vec![
        (
            "one cell at ZZZZZZZ2",
            with_header(&row(2, &cell("ZZZZZZZ2"))),
            with_header(&row(2, &cell("B2"))),
        ),
        (
            "one cell past the last row (A1048577)",
            with_header(&row(1_048_577, &cell("A1048577"))),
            with_header(&row(2, &cell("A2"))),
        ),
        (
            "2,000 rows, each one cell at XFD",
            with_header(&scattered),
            with_header(&compact),
        ),
        (
            "160 cells 100 columns apart in one row",
            with_header(&row(2, &sparse_wide)),
            with_header(&row(2, &dense_wide)),
        ),
        (
            "a lying <dimension> A1:XFD1048576 and a cell at A1048576",
            minimal_workbook(
                "Лист1",
                "A1:XFD1048576",
                &format!("{header}{}", row(1_048_576, &cell("A1048576"))),
            ),
            with_header(&row(2, &cell("A2"))),
        ),
    ]
}

fn peak_child(reader: &str, path: &str) {
    let bytes = std::fs::read(path).expect("the workbook");
    let form = demo::college();
    let before = high_water_kib();
    match reader {
        "upload" => {
            if let Ok(mut book) = open_xlsx(&bytes, WorkbookLimits::default()) {
                let _ = std::hint::black_box(import(&form, &mut book));
            }
        }
        _ => {
            let _ = std::hint::black_box(read_xlsx(&bytes, WorkbookLimits::default()));
        }
    }
    println!("{}", high_water_kib().saturating_sub(before));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, reader, path] = &args[..]
        && flag == "--peak"
    {
        return peak_child(reader, path);
    }
    let dir = std::env::temp_dir().join(format!("oko-hostile-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let mut worst: f64 = 0.0;
    let mut largest_kib = 0;
    for (name, crafted, honest) in shapes() {
        let crafted_path = dir.join("crafted.xlsx");
        let honest_path = dir.join("honest.xlsx");
        std::fs::write(&crafted_path, &crafted).expect("write");
        std::fs::write(&honest_path, &honest).expect("write");
        for reader in ["upload", "description"] {
            let crafted_kib = peak_of(reader, &crafted_path);
            let honest_kib = peak_of(reader, &honest_path);
            // The high-water mark moves in pages: below one page both are «nothing».
            let ratio = crafted_kib.max(4) as f64 / honest_kib.max(4) as f64;
            worst = worst.max(ratio);
            largest_kib = largest_kib.max(crafted_kib);
            println!(
                "{name} ({} bytes), {reader}: crafted {crafted_kib} KiB, honest {honest_kib} KiB = {ratio:.2}×",
                crafted.len()
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "worst: {worst:.2}× (goal ≤ 2×), largest crafted peak {largest_kib} KiB (goal < 65536 KiB)"
    );
}
