//! Form figures of issue #4: validating a 5,000-row sheet, and reading a filled
//! 5,000-row template (archive checks + calamine + import + validation) against
//! calamine alone reading the same file, in the same run. Issue #22's: the same
//! template as a fixed-row sheet (every row matched by its preset), and the same
//! rows as a `;` CSV read as an upload against the `csv` crate reading it alone.
//!
//! `cargo run --release -p oko-io --example forms_bench`
//!
//! Peak memory is measured in a child process per reader (the bench runs itself
//! with `--peak calamine|upload <file>`): the growth of the process's high-water
//! mark (`VmHWM`) while reading, after the file's bytes are loaded.

use std::time::{Duration, Instant};

use calamine::{Reader, Xlsx};
use oko_domain::forms::{FormData, FormDefinition, Row, demo, validate, validate_with};
use oko_io::{
    csv::write_record,
    csv_read::read_csv,
    form_import::{RawCell, RawSheet, import_draft},
    form_template::template,
    marked_workbook::{Upload, mark_errors},
    workbook::{WorkbookLimits, open_xlsx},
};

mod support;

use support::{high_water_kib, peak_of};

const ROWS: u32 = 5_000;
/// Runs of each reading, by turns with its baseline; the best of each counts
/// (15: on a shared 2-core machine a neighbour often takes the second core for
/// a while, which the two-threaded readings feel and calamine alone does not).
const RUNS: usize = 15;

fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs).map(|_| timed(&mut f)).min().unwrap_or_default()
}

fn timed(f: &mut impl FnMut()) -> Duration {
    let started = Instant::now();
    f();
    started.elapsed()
}

/// The best time of `subject` and of its `baseline`, run by turns: on a shared
/// machine whose speed drifts, both meet the same moments.
fn against(
    runs: usize,
    mut baseline: impl FnMut(),
    mut subject: impl FnMut(),
) -> (Duration, Duration) {
    let (mut base, mut best) = (Duration::MAX, Duration::MAX);
    for _ in 0..runs {
        base = base.min(timed(&mut baseline));
        best = best.min(timed(&mut subject));
    }
    (base, best)
}

fn read_with_calamine_alone(bytes: &[u8]) {
    let mut workbook = Xlsx::new(std::io::Cursor::new(bytes)).expect("a workbook");
    let range = workbook
        .worksheet_range("СПЕЦИАЛЬНОСТИ")
        .expect("the sheet");
    std::hint::black_box(range.rows().count());
}

fn read_upload(form: &FormDefinition, bytes: &[u8]) {
    let mut workbook = open_xlsx(bytes, WorkbookLimits::default()).expect("readable");
    let read = import_draft(form, &mut workbook).expect("valid");
    assert_eq!(read.data.rows("specialties").len(), ROWS as usize);
}

/// The college form with its rows fixed: each row's code preset, as a
/// one-row-per-specialty sheet would be.
fn fixed_college(form: &FormDefinition, data: &FormData) -> FormDefinition {
    let mut fixed = form.clone();
    fixed.sheets[0].fixed_rows = data
        .rows("specialties")
        .iter()
        .map(|row| Row::from([("code".to_owned(), row["code"].to_owned())]))
        .collect();
    fixed
}

/// The sheet as a `;` CSV, with its header, as a school's script writes it.
fn csv_of(form: &FormDefinition, data: &FormData) -> Vec<u8> {
    let columns = &form.sheets[0].columns;
    let mut out = Vec::new();
    let header: Vec<String> = columns.iter().map(|c| c.header()).collect();
    write_record(&mut out, &header).expect("in memory");
    for row in data.rows("specialties") {
        let fields: Vec<&str> = columns
            .iter()
            .map(|c| row.get(&c.key).unwrap_or(""))
            .collect();
        write_record(&mut out, &fields).expect("in memory");
    }
    out
}

fn read_csv_upload(form: &FormDefinition, bytes: &[u8]) {
    let read = import_draft(form, &mut vec![read_csv(bytes).expect("readable")]).expect("valid");
    assert_eq!(read.data.rows("specialties").len(), ROWS as usize);
}

fn read_with_csv_crate_alone(bytes: &[u8]) {
    let mut reader = csv::ReaderBuilder::new().delimiter(b';').from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let mut fields = 0;
    while reader.read_record(&mut record).expect("a record") {
        fields += record.len();
    }
    std::hint::black_box(fields);
}

/// The csv crate as the parser, then the same conversion and validation as an
/// upload: what our own reader costs beyond the csv crate's.
fn read_with_csv_crate_then_import(form: &FormDefinition, bytes: &[u8]) {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(bytes);
    let rows = reader
        .records()
        .map(|record| {
            record
                .expect("a record")
                .iter()
                .map(|field| match field {
                    "" => RawCell::Empty,
                    text => RawCell::Text(text.into()),
                })
                .collect()
        })
        .collect();
    let sheet = RawSheet {
        name: String::new(),
        rows,
    };
    let read = import_draft(form, &mut vec![sheet]).expect("valid");
    assert_eq!(read.data.rows("specialties").len(), ROWS as usize);
}

/// «Скачать файл с отметками ошибок» of a refused 5,000-row template: the
/// workbook read, imported, and written back with its marks.
fn mark_refused(form: &FormDefinition, bytes: &[u8]) -> usize {
    mark_errors(form, Upload::Workbook(bytes))
        .expect("marked")
        .len()
}

/// The college sheet with a word in the course of every tenth row: 500 errors.
fn with_words(data: &FormData) -> FormData {
    let mut wrong = data.clone();
    for (at, row) in wrong
        .sheets
        .get_mut("specialties")
        .expect("the sheet")
        .iter_mut()
        .enumerate()
    {
        if at % 10 == 0 {
            row.insert("course", "второй".to_owned());
        }
    }
    wrong
}

/// The growth of the peak while one reader reads the file (child process side).
fn peak_child(reader: &str, path: &str, form: &FormDefinition) {
    let bytes = std::fs::read(path).expect("the template file");
    let before = high_water_kib();
    match reader {
        "calamine" => read_with_calamine_alone(&bytes),
        "csv-crate" => read_with_csv_crate_alone(&bytes),
        "csv-upload" => read_csv_upload(form, &bytes),
        "marked" => {
            mark_refused(form, &bytes);
        }
        _ => read_upload(form, &bytes),
    }
    println!("{}", high_water_kib().saturating_sub(before));
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, reader, path] = &args[..]
        && flag == "--peak"
    {
        // Only the form: building the sheet here would raise the high-water mark
        // past what the reading adds.
        return peak_child(reader, path, &demo::college_for(ROWS));
    }
    let (form, data) = demo::college_filled(ROWS);
    assert!(
        validate(&form, &data).is_empty(),
        "the generated sheet is valid"
    );

    let validation = best_of(20, || {
        std::hint::black_box(validate(&form, &data));
    });
    // Issue #26: the ВПР form's 5,000 classes (two calculated columns, a soft
    // check against last time and the median) and 5,000 rooms with a look-up
    // and a totals rule across the sheets; every calculated cell computed
    // again (as an upload does), then everything checked.
    let (vpr_form, mut vpr_data) = demo::vpr_info_filled(ROWS);
    let references = demo::vpr_info_references(&vpr_form, &vpr_data);
    assert!(
        validate_with(&vpr_form, &vpr_data, &references).is_empty() && !references.is_empty(),
        "the generated form is valid"
    );
    let (college_again, formulas) = against(
        20,
        || {
            std::hint::black_box(validate(&form, &data));
        },
        || {
            vpr_data.calculate(&vpr_form);
            std::hint::black_box(validate_with(&vpr_form, &vpr_data, &references));
        },
    );
    let bytes = template(&form, &data).expect("a template");
    let (calamine_alone, upload) = against(
        RUNS,
        || read_with_calamine_alone(&bytes),
        || read_upload(&form, &bytes),
    );
    let path = std::env::temp_dir().join(format!("oko-forms-bench-{}.xlsx", std::process::id()));
    std::fs::write(&path, &bytes).expect("a temporary file");
    let (calamine_peak, upload_peak) = (peak_of("calamine", &path), peak_of("upload", &path));
    let fixed = fixed_college(&form, &data);
    let fixed_bytes = template(&fixed, &data).expect("a template");
    let (fixed_calamine, fixed_upload) = against(
        RUNS,
        || read_with_calamine_alone(&fixed_bytes),
        || read_upload(&fixed, &fixed_bytes),
    );
    let refused = template(&form, &with_words(&data)).expect("a template");
    let (refused_calamine, marking) = against(
        RUNS,
        || read_with_calamine_alone(&refused),
        || {
            std::hint::black_box(mark_refused(&form, &refused));
        },
    );
    std::fs::write(&path, &refused).expect("a temporary file");
    let (refused_calamine_peak, marking_peak) =
        (peak_of("calamine", &path), peak_of("marked", &path));
    let csv = csv_of(&form, &data);
    let (csv_crate, csv_upload) = against(
        RUNS,
        || read_with_csv_crate_alone(&csv),
        || read_csv_upload(&form, &csv),
    );
    let (csv_crate_import, _) =
        against(RUNS, || read_with_csv_crate_then_import(&form, &csv), || {});
    std::fs::write(&path, &csv).expect("a temporary file");
    let (csv_crate_peak, csv_upload_peak) =
        (peak_of("csv-crate", &path), peak_of("csv-upload", &path));
    let _ = std::fs::remove_file(&path);
    println!(
        "validation of {ROWS} rows × 10 columns (native): {:.2} ms (goal < 20 ms)",
        validation.as_secs_f64() * 1e3
    );
    println!(
        "form language: {ROWS} classes with 2 calculated columns and {ROWS} rooms, a look-up and a totals rule across the sheets, computed and validated, native: {:.2} ms (goal < 20 ms); the college sheet's validation, same run: {:.2} ms = {:.2}×",
        formulas.as_secs_f64() * 1e3,
        college_again.as_secs_f64() * 1e3,
        formulas.as_secs_f64() / college_again.as_secs_f64()
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
    println!(
        "peak memory growth while reading: upload {upload_peak} KiB, calamine alone {calamine_peak} KiB = {:.2}×",
        upload_peak as f64 / calamine_peak.max(1) as f64
    );
    println!(
        "fixed-row template, every row matched by its preset: upload {:.1} ms, calamine alone {:.1} ms = {:.2}×",
        fixed_upload.as_secs_f64() * 1e3,
        fixed_calamine.as_secs_f64() * 1e3,
        fixed_upload.as_secs_f64() / fixed_calamine.as_secs_f64()
    );
    println!(
        "error-marked workbook of a refused {ROWS}-row template (500 wrong cells): {:.1} ms, calamine alone reading it {:.1} ms = {:.2}×; peak {marking_peak} KiB vs {refused_calamine_peak} KiB = {:.2}×",
        marking.as_secs_f64() * 1e3,
        refused_calamine.as_secs_f64() * 1e3,
        marking.as_secs_f64() / refused_calamine.as_secs_f64(),
        marking_peak as f64 / refused_calamine_peak.max(1) as f64
    );
    println!(
        "CSV of {ROWS} rows ({} KiB): upload {:.1} ms, csv crate alone {:.1} ms = {:.2}×; peak upload {csv_upload_peak} KiB, csv crate {csv_crate_peak} KiB",
        csv.len() / 1024,
        csv_upload.as_secs_f64() * 1e3,
        csv_crate.as_secs_f64() * 1e3,
        csv_upload.as_secs_f64() / csv_crate.as_secs_f64()
    );
    println!(
        "CSV: the csv crate reading it, then the same conversion and validation: {:.1} ms; the upload = {:.2}× that",
        csv_crate_import.as_secs_f64() * 1e3,
        csv_upload.as_secs_f64() / csv_crate_import.as_secs_f64()
    );
}
