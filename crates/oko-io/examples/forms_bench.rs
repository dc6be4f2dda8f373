//! Form figures of issue #4: validating a 5,000-row sheet, and reading a filled
//! 5,000-row template (archive checks + calamine + import + validation) against
//! calamine alone reading the same file, in the same run.
//!
//! `cargo run --release -p oko-io --example forms_bench`

use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx};
use oko_domain::forms::{Change, FormData, demo, validate};
use oko_io::{
    form_import::import,
    form_template::template,
    workbook::{WorkbookLimits, read_xlsx},
};

const ROWS: u32 = 5_000;

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let started = Instant::now();
            f();
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let mut form = demo::college();
    form.sheets[0].max_rows = Some(ROWS);
    let mut data = FormData::blank(&form);
    let mut changes = Vec::new();
    for row in 1..=ROWS {
        let cells = [
            (
                "code",
                format!("{:02}.02.{:02} Специальность {row}", row / 100, row % 100),
            ),
            ("subject_a", "Математика".into()),
            ("subject_b", "—".into()),
            ("course", (1 + row % 4).to_string()),
            ("students", "34".into()),
            ("after_9", "30".into()),
            ("after_11", "4".into()),
            ("digital", "35".into()),
            ("admitted", "Нет".into()),
        ];
        changes.extend(cells.into_iter().map(|(column, value)| Change::Set {
            sheet: "specialties".into(),
            row,
            column: column.into(),
            value,
        }));
    }
    data.apply(&form, &changes).expect("valid changes");
    assert!(
        validate(&form, &data).is_empty(),
        "the generated sheet is valid"
    );

    let validation = best_of(20, || {
        std::hint::black_box(validate(&form, &data));
    });
    let bytes = template(&form, &data).expect("a template");
    let calamine_alone = best_of(5, || {
        let mut workbook = Xlsx::new(std::io::Cursor::new(bytes.as_slice())).expect("a workbook");
        let range = workbook
            .worksheet_range("СПЕЦИАЛЬНОСТИ")
            .expect("the sheet");
        std::hint::black_box(range.rows().count());
    });
    let upload = best_of(5, || {
        let sheets = read_xlsx(&bytes, WorkbookLimits::default()).expect("readable");
        let read = import(&form, &sheets).expect("valid");
        assert_eq!(read.rows("specialties").len(), ROWS as usize);
    });
    println!(
        "validation of {ROWS} rows × 10 columns (native): {:.2} ms (goal < 20 ms)",
        validation.as_secs_f64() * 1e3
    );
    println!("template of {ROWS} rows: {} KiB", bytes.len() / 1024);
    println!(
        "calamine alone reading it: {:.1} ms",
        calamine_alone.as_secs_f64() * 1e3
    );
    println!(
        "upload (zip checks + calamine + import + validation): {:.1} ms = {:.2}× calamine alone (goal ≤ 1.5×)",
        upload.as_secs_f64() * 1e3,
        upload.as_secs_f64() / calamine_alone.as_secs_f64()
    );
}
