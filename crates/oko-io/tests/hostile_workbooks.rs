//! Workbooks crafted to make a reader allocate what their cells claim, not what
//! they hold. The binary runs on an allocator capped at 256 MiB: a reader that
//! sizes anything by a cell reference aborts the test instead of the machine.

use std::alloc::System;

use cap::Cap;
use oko_domain::forms::{FormDefinition, demo};
use oko_io::{
    form_description::read_description,
    form_import::{ImportError, import},
    form_template::column_letters,
    work_description::read_work,
    workbook::{WorkbookLimits, minimal_workbook as workbook, open_xlsx, read_xlsx},
};
use proptest::prelude::*;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, 256 << 20);

/// The tests take turns: the allocator's count is the whole binary's, and a file
/// that makes calamine panic (caught) has the panic's backtrace symbolised, which
/// keeps tens of MiB of debug information for the rest of the process.
static MEASURING: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn measuring() -> std::sync::MutexGuard<'static, ()> {
    MEASURING.lock().unwrap_or_else(|p| p.into_inner())
}

fn text_cell(reference: &str, text: &str) -> String {
    format!(r#"<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn number_cell(reference: &str, value: f64) -> String {
    format!(r#"<c r="{reference}"><v>{value}</v></c>"#)
}

/// The header row of the demo college form's only sheet, then `extra` cells.
fn college_sheet(extra: &str) -> (FormDefinition, Vec<u8>) {
    let form = demo::college();
    let sheet = &form.sheets[0];
    let header: String = sheet
        .columns
        .iter()
        .enumerate()
        .map(|(at, column)| text_cell(&format!("{}1", column_letters(at)), &column.header()))
        .collect();
    let bytes = workbook(
        "СПЕЦИАЛЬНОСТИ",
        "A1",
        &format!(r#"<row r="1">{header}</row>{extra}"#),
    );
    (form, bytes)
}

fn upload_refusal(form: &FormDefinition, bytes: &[u8]) -> String {
    let mut book = match open_xlsx(bytes, WorkbookLimits::default()) {
        Ok(book) => book,
        Err(refusal) => return refusal.message,
    };
    match import(form, &mut book) {
        Ok(_) => panic!("a crafted upload was accepted"),
        Err(ImportError::Unreadable(refusal)) => refusal.message,
        Err(ImportError::Cells(errors)) => errors
            .iter()
            .map(|e| e.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
    }
}

#[test]
fn a_cell_past_excels_last_column_is_refused_naming_it() {
    let _turn = measuring();
    for reference in ["ZZZZZ2", "XFE2", "ZZZZZZZ2", "AAAAAAAAAA2"] {
        let (form, bytes) = college_sheet(&format!(
            r#"<row r="2">{}</row>"#,
            number_cell(reference, 1.0)
        ));
        assert!(bytes.len() < 4096, "a small file: {} bytes", bytes.len());
        let message = upload_refusal(&form, &bytes);
        assert!(
            message.contains("СПЕЦИАЛЬНОСТИ"),
            "{reference}: names the sheet: {message}"
        );
    }
    let (form, bytes) = college_sheet(&format!(r#"<row r="2">{}</row>"#, number_cell("XFE2", 1.0)));
    assert_eq!(
        upload_refusal(&form, &bytes),
        "Лист «СПЕЦИАЛЬНОСТИ», ячейка XFE2: за пределами листа Excel (1 048 576 строк, 16 384 столбца)"
    );
}

#[test]
fn a_row_past_excels_last_row_is_refused_naming_it() {
    let _turn = measuring();
    let (form, bytes) = college_sheet(&format!(
        r#"<row r="1048577">{}</row>"#,
        number_cell("A1048577", 1.0)
    ));
    assert_eq!(
        upload_refusal(&form, &bytes),
        "Лист «СПЕЦИАЛЬНОСТИ», ячейка A1048577: за пределами листа Excel (1 048 576 строк, 16 384 столбца)"
    );
}

#[test]
fn a_value_right_of_the_forms_columns_is_refused_not_dropped() {
    let _turn = measuring();
    let (form, bytes) = college_sheet(&format!(
        r#"<row r="2">{}{}</row>"#,
        text_cell("A2", "38.02.01"),
        number_cell("Z2", 5.0)
    ));
    let message = upload_refusal(&form, &bytes);
    assert!(
        message.starts_with("Лист «СПЕЦИАЛЬНОСТИ», ячейка Z2: значение правее таблицы формы"),
        "{message}"
    );
}

#[test]
fn cells_scattered_to_excels_corners_cost_no_more_than_their_content() {
    // Inside Excel's limits, but each row as wide as the sheet: dense rows of
    // them would take 512 KiB each.
    let scattered: String = (2..2_000)
        .map(|row| {
            format!(
                r#"<row r="{row}">{}</row>"#,
                number_cell(&format!("XFD{row}"), 1.0)
            )
        })
        .collect();
    let _turn = measuring();
    let before = ALLOCATOR.allocated();
    let bytes = workbook("Лист1", "A1:XFD1048576", &scattered);
    let refusal = read_xlsx(&bytes, WorkbookLimits::default()).unwrap_err();
    assert_eq!(refusal.code, "cell_out_of_bounds");
    assert!(
        refusal
            .message
            .contains("слишком далеко от остальных данных листа"),
        "{}",
        refusal.message
    );
    // A lying <dimension> and far rows do not make a description reader allocate.
    let far = workbook(
        "Работа",
        "A1:XFD1048576",
        &format!(
            r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
            text_cell("A1", "Предмет"),
            text_cell("A1048576", "Математика")
        ),
    );
    let refusal = read_xlsx(&far, WorkbookLimits::default()).unwrap_err();
    assert!(refusal.message.contains("ячейка A1048576"), "{refusal:?}");
    let after = ALLOCATOR.allocated();
    assert!(after < before + (16 << 20), "{before} → {after}");
}

#[test]
fn every_reader_refuses_a_far_cell_with_a_message() {
    let _turn = measuring();
    let bytes = workbook(
        "Работа",
        "A1",
        &format!(r#"<row r="1">{}</row>"#, number_cell("ZZZZZZZ1", 1.0)),
    );
    let sheets = read_xlsx(&bytes, WorkbookLimits::default());
    let refusal = sheets.expect_err("refused before any reader sees it");
    assert!(refusal.message.contains("«Работа»"), "{}", refusal.message);
    // Descriptions read the same sheets: an honest small one still reads.
    let honest = workbook(
        "Работа",
        "A1:B2",
        &format!(
            r#"<row r="1">{}{}</row><row r="2">{}{}</row>"#,
            text_cell("A1", "Предмет"),
            text_cell("B1", "Математика"),
            text_cell("A2", "Класс"),
            text_cell("B2", "5 класс")
        ),
    );
    let sheets = read_xlsx(&honest, WorkbookLimits::default()).unwrap();
    assert!(
        read_work(&sheets).is_err(),
        "no tasks or scale: refused by field"
    );
    assert!(read_description(&sheets).is_err());
}

/// A cell reference as a hostile file may spell it: letters of any length, row
/// numbers past `u32`, nothing at all.
fn hostile_reference() -> impl Strategy<Value = String> {
    prop_oneof![
        ("[A-Z]{1,12}", 0u64..u64::MAX).prop_map(|(l, r)| format!("{l}{r}")),
        ("[A-Z]{1,3}", 1u32..1_048_577).prop_map(|(l, r)| format!("{l}{r}")),
        "[A-Za-z0-9:$]{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// Whatever the references, rows and dimension claim, reading ends in data
    /// or a refusal, never a panic or an allocation the cap refuses.
    #[test]
    fn hostile_sheets_read_in_bounded_memory(
        dimension in hostile_reference(),
        cells in proptest::collection::vec((hostile_reference(), 0u64..u64::MAX, any::<bool>()), 0..40),
    ) {
        let data: String = cells
            .iter()
            .map(|(reference, row, text)| {
                let cell = if *text { text_cell(reference, "x") } else { number_cell(reference, 1.0) };
                format!(r#"<row r="{row}">{cell}</row>"#)
            })
            .collect();
        let bytes = workbook("Лист1", &dimension, &data);
        let _turn = measuring();
        let before = ALLOCATOR.allocated();
        let _ = read_xlsx(&bytes, WorkbookLimits::default());
        let form = demo::college();
        if let Ok(mut book) = open_xlsx(&bytes, WorkbookLimits::default()) {
            let _ = import(&form, &mut book);
        }
        prop_assert!(ALLOCATOR.allocated() < before + (64 << 20));
    }
}

#[test]
fn a_csv_of_separators_costs_no_more_than_its_content() {
    // 8 MiB of `;` (under the upload limit) are 8 million empty fields: held as
    // fields and cells, 448 MiB — past this binary's cap.
    let _turn = measuring();
    let separators = ";".repeat(8 << 20);
    let before = ALLOCATOR.allocated();
    let sheet = oko_io::csv_read::read_csv(separators.as_bytes()).expect("nothing in it to refuse");
    assert!(
        sheet.rows.iter().all(Vec::is_empty),
        "empty fields are not kept"
    );
    drop(separators);
    let after = ALLOCATOR.allocated();
    assert!(after < before + (16 << 20), "{before} → {after}");
    let far = format!("{}1\n", ";".repeat(20_000));
    let refusal = oko_io::csv_read::read_csv(far.as_bytes()).unwrap_err();
    assert_eq!(refusal.code, "cell_out_of_bounds");
    assert!(
        refusal.message.contains("ячейка ACOG1"),
        "{}",
        refusal.message
    );
}
