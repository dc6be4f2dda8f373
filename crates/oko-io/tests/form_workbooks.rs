//! A form's Excel template read back, and workbooks that must be refused.

use std::io::Write;

use oko_domain::forms::{CellCode, Change, FormData, demo};
use oko_io::{
    form_import::{ImportError, import},
    form_template::template,
    workbook::{WorkbookLimits, open_xlsx, read_xlsx},
};

#[test]
fn a_filled_template_reads_back_as_the_same_draft() {
    let form = demo::schedule();
    let mut data = FormData::blank(&form);
    let mut changes = Vec::new();
    for row in 1..=3 {
        changes.extend([
            Change::set("paper", row, "subject", "Математика"),
            Change::set("paper", row, "date1", &format!("{}.09.2021", 13 + row)),
            Change::set("paper", row, "rooms1", "2"),
            Change::set("paper", row, "participants1", "1 234"),
            Change::set("paper", row, "participants2", "0"),
        ]);
    }
    for row in 1..=2 {
        changes.extend([
            Change::set("meta", row, "participants1", "10"),
            Change::set("meta", row, "participants2", "5"),
        ]);
    }
    data.apply(&form, &changes).unwrap();
    assert_eq!(oko_domain::forms::validate(&form, &data), vec![]);

    let bytes = template(&form, &data).unwrap();
    let sheets = read_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "РАБОТЫ НА БЛАНКЕ",
            "МЕТАПРЕДМЕТ НА КОМПЬЮТЕРЕ",
            "РАБОТЫ НА КОМПЬЮТЕРЕ"
        ]
    );
    let mut streamed = open_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    assert_eq!(import(&form, &mut streamed).unwrap(), data);
    let mut whole = sheets;
    assert_eq!(import(&form, &mut whole).unwrap(), data);
}

#[test]
fn errors_name_the_sheet_row_and_column_as_excel_shows_them() {
    let form = demo::college();
    let mut data = FormData::blank(&form);
    data.apply(
        &form,
        &[
            Change::set("specialties", 1, "code", "38.02.01 Экономика"),
            Change::set("specialties", 2, "course", "9"),
        ],
    )
    .unwrap();
    let bytes = template(&form, &data).unwrap();
    let mut book = open_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    let Err(ImportError::Cells(errors)) = import(&form, &mut book) else {
        panic!("the cells are wrong");
    };
    let course = errors
        .iter()
        .find(|e| e.column.as_deref() == Some("course") && e.row == 3);
    let course = course.expect("row 2 of the data is row 3 of the sheet");
    assert_eq!(course.code, CellCode::OutOfRange);
    assert_eq!(
        course.located(&form, 0),
        "Лист «СПЕЦИАЛЬНОСТИ», строка 3, столбец «3. Курс, на котором выполняется обучение»: Число должно быть между 1 и 6"
    );
}

#[test]
fn refuses_what_is_not_a_workbook() {
    let limits = WorkbookLimits::default();
    let refusal = read_xlsx(b"\xD0\xCF\x11\xE0 an old xls", limits).unwrap_err();
    assert_eq!(refusal.code, "not_a_workbook");
    assert!(refusal.message.contains(".xls"), "{}", refusal.message);
    assert_eq!(
        read_xlsx(b"PK\x03\x04 broken", limits).unwrap_err().code,
        "not_a_workbook"
    );
    let plain_zip = zip_with(&[("readme.txt", b"hello".to_vec())]);
    assert_eq!(
        read_xlsx(&plain_zip, limits).unwrap_err().code,
        "not_a_workbook"
    );
}

#[test]
fn refuses_zip_bombs_without_inflating_them() {
    let bomb = zip_with(&[
        ("xl/workbook.xml", b"<workbook/>".to_vec()),
        ("xl/worksheets/sheet1.xml", vec![b'0'; 64 << 20]),
    ]);
    assert!(
        bomb.len() < 1 << 20,
        "the bomb is small: {} bytes",
        bomb.len()
    );
    let refusal = read_xlsx(&bomb, WorkbookLimits::default()).unwrap_err();
    assert_eq!(refusal.code, "workbook_too_large", "{refusal:?}");
    let many: Vec<(String, Vec<u8>)> = (0..50).map(|i| (format!("xl/{i}.xml"), vec![])).collect();
    let many: Vec<(&str, Vec<u8>)> = many.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    let limits = WorkbookLimits {
        max_entries: 20,
        ..WorkbookLimits::default()
    };
    assert_eq!(
        read_xlsx(&zip_with(&many), limits).unwrap_err().code,
        "workbook_too_large"
    );
}

fn zip_with(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(bytes).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// The text of one part of an `.xlsx` archive.
fn part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut archive.by_name(name).unwrap(), &mut text).unwrap();
    text
}

#[test]
fn a_fixed_sheet_is_protected_without_a_password_and_only_its_presets_are_locked() {
    let form = demo::schedule();
    let bytes = template(&form, &FormData::blank(&form)).unwrap();
    // Sheets in the form's order: «РАБОТЫ НА БЛАНКЕ» (free), the fixed
    // «МЕТАПРЕДМЕТ НА КОМПЬЮТЕРЕ», «РАБОТЫ НА КОМПЬЮТЕРЕ» (free).
    let free = part(&bytes, "xl/worksheets/sheet1.xml");
    let fixed = part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(!free.contains("<sheetProtection"), "a free sheet is open");
    let protection = fixed
        .split("<sheetProtection")
        .nth(1)
        .and_then(|rest| rest.split("/>").next())
        .expect("the fixed sheet is protected");
    assert!(!protection.contains("password"), "{protection}");
    assert!(
        protection.contains(r#"sort="0""#),
        "sorting stays allowed: {protection}"
    );
    // The preset cell A2 («Читательская грамотность») carries a locked style,
    // the input columns an unlocked one.
    let styles = part(&bytes, "xl/styles.xml");
    let xfs: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    let style_of = |cell: &str| -> usize {
        let at = fixed.find(&format!(r#"<c r="{cell}""#)).unwrap();
        let tag = &fixed[at..at + fixed[at..].find('>').unwrap()];
        tag.split(r#"s=""#)
            .nth(1)
            .map_or(0, |rest| rest.split('"').next().unwrap().parse().unwrap())
    };
    let unlocked = |xf: usize| xfs[xf].contains(r#"locked="0""#);
    assert!(!unlocked(style_of("A2")), "the preset is locked");
    let columns = fixed
        .split("<cols>")
        .nth(1)
        .unwrap()
        .split("</cols>")
        .next()
        .unwrap();
    let column_styles: Vec<usize> = columns
        .split("<col ")
        .skip(1)
        .map(|c| {
            c.split(r#"style=""#)
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        })
        .collect();
    assert!(
        column_styles.iter().all(|&xf| unlocked(xf)),
        "every column is typed in"
    );
}

/// The «КЛАССЫ» sheet of the ВПР form with two classes typed.
fn two_classes() -> (oko_domain::forms::FormDefinition, FormData) {
    let form = demo::vpr_classes();
    let mut data = FormData::blank(&form);
    data.apply(
        &form,
        &[
            Change::set("classes", 1, "class", "5А"),
            Change::set("classes", 1, "students", "24"),
            Change::set("classes", 1, "russian", "20"),
            Change::set("classes", 1, "mathematics", "3"),
            Change::set("classes", 1, "area", "52,5"),
            Change::set("classes", 2, "class", "5Б"),
            Change::set("classes", 2, "students", "0"),
        ],
    )
    .unwrap();
    (form, data)
}

#[test]
fn a_calculated_column_is_a_real_formula_in_the_template_and_recomputed_on_upload() {
    let (form, data) = two_classes();
    assert_eq!(data.rows("classes")[0].get("participants"), Some("23"));
    let bytes = template(&form, &data).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    // «Участников всего» (E) sums C and D; «Доля» (F) is rounded to one place
    // and shows the value the form computed until Excel recalculates.
    assert!(
        sheet.contains(r#"<c r="E2" s="#)
            && sheet.contains("<f>IF(OR(LEN(C2)&gt;0,LEN(D2)&gt;0),IFERROR(ROUND(SUM(N(C2),N(D2)),0),\"\"),\"\")</f><v>23</v>"),
        "{}",
        &sheet[sheet.find(r#"<c r="E2""#).unwrap()..][..300]
    );
    assert!(sheet.contains("<v>95.8</v>"), "the share's computed value");
    assert!(
        sheet.contains("<sheetProtection"),
        "calculated cells are protected"
    );
    assert!(
        sheet.contains(r#"insertRows="0""#) && sheet.contains(r#"deleteRows="0""#),
        "rows of a free sheet may still be added and removed"
    );
    // Headers carry their units, as the editor shows them.
    let shared = part(&bytes, "xl/sharedStrings.xml");
    assert!(shared.contains("Доля участников, %") && shared.contains("Площадь кабинета, м²"));
    let mut streamed = open_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    assert_eq!(import(&form, &mut streamed).unwrap(), data);
}

#[test]
fn what_a_file_claims_in_a_calculated_cell_is_never_trusted() {
    let (form, data) = two_classes();
    let bytes = template(&form, &data).unwrap();
    let mut sheets = read_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    // Someone typed over the total and the share, and dropped no input.
    sheets[0].rows[1][4] = oko_io::form_import::RawCell::Number(999.0);
    sheets[0].rows[1][5] = oko_io::form_import::RawCell::Text("много".into());
    // (an import takes the sheets' rows as it reads them)
    assert_eq!(import(&form, &mut sheets.clone()).unwrap(), data);
    // A file without the calculated columns at all reads the same.
    for row in &mut sheets[0].rows {
        row.resize(7, oko_io::form_import::RawCell::Empty);
        row[4] = oko_io::form_import::RawCell::Empty;
        row[5] = oko_io::form_import::RawCell::Empty;
    }
    sheets[0].rows[0][6] = oko_io::form_import::RawCell::Text("Площадь кабинета".into());
    sheets[0].rows[1][6] = oko_io::form_import::RawCell::Number(52.5);
    assert_eq!(import(&form, &mut sheets).unwrap(), data);
}

#[test]
fn a_list_of_several_values_is_typed_with_semicolons_and_read_in_the_lists_order() {
    let mut form = demo::vpr_info();
    let mut subjects = oko_domain::forms::ColumnDef::new(
        "subjects",
        "Предметы",
        oko_domain::forms::ColumnType::List,
    );
    subjects.values = ["Математика", "Русский язык", "Физика"]
        .map(String::from)
        .to_vec();
    subjects.multiple = true;
    subjects.shown_if = Some(oko_domain::forms::Condition {
        column: "room".into(),
        equals: None,
    });
    form.sheets[1].columns.push(subjects);
    let bytes = template(&form, &FormData::blank(&form)).unwrap();
    // Excel's drop-down takes one value: the column gets its message only.
    let rooms = part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(
        rooms.contains("Одно или несколько значений через «;»: Математика; Русский язык; Физика. Заполняется, только если заполнен столбец «Аудитория»"),
        "{rooms}"
    );
    assert!(
        !rooms.contains(r#"type="list""#),
        "no single-value drop-down"
    );
    let mut sheets = read_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    let text = |t: &str| oko_io::form_import::RawCell::Text(t.into());
    sheets[0]
        .rows
        .push(vec![text("5А"), oko_io::form_import::RawCell::Number(20.0)]);
    sheets[1].rows.push(vec![
        text("12"),
        text("5А"),
        oko_io::form_import::RawCell::Number(25.0),
        text("физика;Математика"),
    ]);
    let data = import(&form, &mut sheets).unwrap();
    assert_eq!(
        data.rows("rooms")[0].get("subjects"),
        Some("Математика; Физика")
    );
}

#[test]
fn a_totals_row_sums_above_the_header_and_is_never_read_as_data() {
    let (mut form, data) = two_classes();
    form.sheets[0].totals = vec!["students".into(), "participants".into()];
    let bytes = template(&form, &data).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    // «Обучающихся» (B) and «Участников всего» (E) summed over every row the
    // sheet may have (200, under the header in row 2), with the sums computed.
    assert!(
        sheet.contains("<f>SUM(B3:B202)</f><v>24</v>")
            && sheet.contains("<f>SUM(E3:E202)</f><v>23</v>"),
        "{}",
        &sheet[..sheet.len().min(1500)]
    );
    let read = read_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    assert_eq!(
        read[0].rows[0][0],
        oko_io::form_import::RawCell::Text("Итого".into())
    );
    let mut streamed = open_xlsx(&bytes, WorkbookLimits::default()).unwrap();
    assert_eq!(
        import(&form, &mut streamed).unwrap(),
        data,
        "the same rows come back"
    );
}

#[test]
fn a_totals_row_averages_counts_and_finds_extremes_with_its_marks() {
    use oko_domain::forms::totals::{Aggregate, TotalDef};
    let (mut form, data) = two_classes();
    form.sheets[0].totals = vec![
        TotalDef::new("class", Aggregate::Count),
        TotalDef::new("students", Aggregate::Average),
        TotalDef::new("russian", Aggregate::Min),
        TotalDef::new("mathematics", Aggregate::Max),
    ];
    let bytes = template(&form, &data).unwrap();
    let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
    for formula in [
        "<f>ROWS(A3:A202)-COUNTBLANK(A3:A202)</f><v>2</v>",
        "<f>IF(COUNT(B3:B202)=0,\"\",AVERAGE(B3:B202))</f><v>12</v>",
        "<f>IF(COUNT(C3:C202)=0,\"\",MIN(C3:C202))</f><v>20</v>",
    ] {
        assert!(
            sheet.contains(formula),
            "{formula}: {}",
            &sheet[..sheet.len().min(2500)]
        );
    }
    let styles = part(&bytes, "xl/styles.xml");
    assert!(styles.contains("&quot;ср. &quot;0.00"), "{styles}");
    assert!(styles.contains("&quot;кол. &quot;0"), "{styles}");
}
