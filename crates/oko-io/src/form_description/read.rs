//! Reading a description spreadsheet into a form definition. Every problem names
//! the worksheet, row and column of the description where it sits, both the ones
//! found while reading (an unknown type, a number that is not one) and the ones
//! `check_definition` finds in the result (a repeated key, a rule over a missing
//! column).

use std::collections::HashMap;

use chrono::NaiveDate;
use oko_domain::{
    api::FieldError,
    forms::{
        ColumnDef, ColumnType, FormDefinition, Prefill, Row, SheetDef, check::check_definition,
        rule_text, shared_lists::SharedLists, totals::TotalDef, value,
    },
};

use super::{Attr, FORM_LIST, FORM_RULE, FORM_SHEET, FORM_TITLE, Param, split_values};
use crate::form_import::{RawCell, RawSheet, excel_serial_date, header_key, raw_text};

/// Code of a problem found while reading the spreadsheet.
const INVALID: &str = "invalid_description";

/// The form a description spreadsheet describes, or every problem with its place.
pub fn read_description(sheets: &[RawSheet]) -> Result<FormDefinition, Vec<FieldError>> {
    read_description_with(sheets, &SharedLists::new())
}

/// [`read_description`] with the operator's `shared` lists, which the
/// description's list columns may name.
pub fn read_description_with(
    sheets: &[RawSheet],
    shared: &SharedLists,
) -> Result<FormDefinition, Vec<FieldError>> {
    let mut problems = Vec::new();
    let form_sheet = sheets
        .iter()
        .position(|s| header_key(&s.name) == header_key(FORM_SHEET));
    let mut title_row = 0;
    let mut rule_rows = Vec::new();
    let mut form_rules = Vec::new();
    let mut lists = std::collections::BTreeMap::new();
    if let Some(index) = form_sheet {
        for (at, cells) in sheets[index].rows.iter().enumerate() {
            if cells.first().is_some_and(|c| is(c, FORM_LIST)) {
                lists.insert(text_at(cells, 1), split_values(&text_at(cells, 2)));
                continue;
            }
            if !cells.first().is_some_and(|c| is(c, FORM_RULE)) {
                continue;
            }
            let row = at as u32 + 1;
            let message = Some(text_at(cells, 2)).filter(|m| !m.is_empty());
            match rule_text::parse_form_rule(&text_at(cells, 1), message) {
                Ok(rule) => {
                    form_rules.push(rule);
                    rule_rows.push(row);
                }
                Err(why) => problems.push(problem(FORM_SHEET, row, None, &why)),
            }
        }
    }
    let title = match form_sheet {
        Some(index) => {
            let found = find_line(&sheets[index], FORM_TITLE);
            title_row = found.map_or(0, |(row, _)| row);
            found
                .map(|(_, cells)| text_at(cells, 1))
                .unwrap_or_default()
        }
        None => {
            problems.push(problem(
                FORM_SHEET,
                0,
                None,
                "В книге нет листа «Форма» с названием формы",
            ));
            String::new()
        }
    };
    let mut places = Vec::new();
    let mut form = FormDefinition {
        lists: Default::default(),
        rules: form_rules,
        title,
        sheets: Vec::new(),
    };
    for (index, raw) in sheets.iter().enumerate() {
        // The form's own sheet, and the empty «Лист2» every new book has.
        if Some(index) == form_sheet || is_blank(raw) {
            continue;
        }
        let mut reader = SheetReader {
            raw,
            problems: &mut problems,
            places: Places {
                worksheet: raw.name.clone(),
                ..Places::default()
            },
        };
        if let Some(sheet) = reader.read() {
            form.sheets.push(sheet);
        }
        places.push(reader.places);
    }
    form.lists = lists;
    form.resolve_lists(shared);
    // The definition's own problems come in the same answer as the reading's,
    // but not a second one for a row already refused (a rule over a column
    // whose line could not be read would only repeat it).
    let read_wrong: Vec<(Option<String>, Option<u32>)> =
        problems.iter().map(|p| (p.sheet.clone(), p.row)).collect();
    problems.extend(
        check_definition(&form)
            .into_iter()
            .map(|found| locate(found, title_row, &rule_rows, &places))
            .filter(|found| !read_wrong.contains(&(found.sheet.clone(), found.row))),
    );
    if problems.is_empty() {
        Ok(form)
    } else {
        Err(problems)
    }
}

/// Whether a worksheet holds nothing at all.
fn is_blank(sheet: &RawSheet) -> bool {
    sheet
        .rows
        .iter()
        .all(|row| row.iter().all(|cell| *cell == RawCell::Empty))
}

/// Where each part of a sheet's description sits, to place `check_definition`'s
/// findings (rows as the spreadsheet numbers them).
#[derive(Default)]
struct Places {
    worksheet: String,
    params: HashMap<Param, u32>,
    rules: Vec<u32>,
    columns: Vec<u32>,
    /// Each attribute's column letter position, for the header title.
    header: u32,
}

struct SheetReader<'a> {
    raw: &'a RawSheet,
    problems: &'a mut Vec<FieldError>,
    places: Places,
}

impl SheetReader<'_> {
    fn problem(&mut self, row: u32, column: Option<&str>, message: &str) {
        self.problems
            .push(problem(&self.raw.name, row, column, message));
    }

    fn read(&mut self) -> Option<SheetDef> {
        let raw = self.raw;
        let Some(header) = raw
            .rows
            .iter()
            .position(|row| row.first().is_some_and(|c| is(c, Attr::Title.title())))
        else {
            self.problem(
                0,
                None,
                "Не найдена строка заголовков таблицы столбцов: в столбце A должно быть «Столбец»",
            );
            return None;
        };
        self.places.header = header as u32 + 1;
        let mut sheet = SheetDef {
            totals: Vec::new(),
            shown_if: None,
            key: String::new(),
            title: raw.name.trim().to_owned(),
            hint: String::new(),
            columns: Vec::new(),
            fixed_rows: Vec::new(),
            max_rows: None,
            rules: Vec::new(),
        };
        for (index, cells) in raw.rows[..header].iter().enumerate() {
            self.read_param(&mut sheet, index as u32 + 1, cells);
        }
        let positions = self.header_positions(&raw.rows[header])?;
        for (index, cells) in raw.rows.iter().enumerate().skip(header + 1) {
            if cells.iter().all(|c| *c == RawCell::Empty) {
                continue;
            }
            let row = index as u32 + 1;
            let column = self.read_column(row, cells, &positions);
            sheet.columns.push(column);
            self.places.columns.push(row);
        }
        Some(sheet)
    }

    fn read_param(&mut self, sheet: &mut SheetDef, row: u32, cells: &[RawCell]) {
        let name = cells.first().map(raw_text).unwrap_or_default();
        if name.trim().is_empty() {
            return;
        }
        let Some(param) = Param::ALL
            .into_iter()
            .find(|p| header_key(p.title()) == header_key(&name))
        else {
            let known: Vec<String> = Param::ALL
                .iter()
                .map(|p| format!("«{}»", p.title()))
                .collect();
            self.problem(
                row,
                None,
                &format!(
                    "Неизвестный параметр «{}»: над таблицей столбцов ожидаются {}",
                    name.trim(),
                    known.join(", ")
                ),
            );
            return;
        };
        self.places.params.entry(param).or_insert(row);
        let value = text_at(cells, 1);
        let extra = text_at(cells, 2);
        match param {
            Param::Key => sheet.key = value,
            Param::Title if !value.is_empty() => sheet.title = value,
            Param::Title => {}
            Param::Hint => sheet.hint = value,
            Param::MaxRows => match cells.get(1).and_then(whole_number) {
                Some(n) => sheet.max_rows = Some(n.clamp(0, u32::MAX as i64) as u32),
                None => self.problem(row, None, "Укажите целое число строк"),
            },
            Param::FixedRows => {
                sheet.fixed_rows = split_values(&extra)
                    .into_iter()
                    .map(|preset| Row::from([(value.clone(), preset)]))
                    .collect();
            }
            Param::Totals => {
                for text in split_values(&value) {
                    match TotalDef::parse_ru(&text) {
                        Ok(total) => sheet.totals.push(total),
                        Err(why) => self.problem(row, None, &why),
                    }
                }
            }
            Param::ShownIf => match rule_text::parse_sheet_condition(&value) {
                Ok(condition) => sheet.shown_if = Some(condition),
                Err(why) => self.problem(row, None, &why),
            },
            Param::Rule => {
                let message = (!extra.is_empty()).then_some(extra);
                match rule_text::parse(&value, message) {
                    Ok(rule) => {
                        sheet.rules.push(rule);
                        self.places.rules.push(row);
                    }
                    Err(why) => self.problem(row, None, &why),
                }
            }
        }
    }

    /// The position of each attribute in the header row; title, key and type must be there.
    fn header_positions(&mut self, cells: &[RawCell]) -> Option<Vec<(Attr, usize)>> {
        let positions: Vec<(Attr, usize)> = Attr::ALL
            .into_iter()
            .filter_map(|attr| Some((attr, cells.iter().position(|c| is(c, attr.title()))?)))
            .collect();
        let missing: Vec<String> = [Attr::Key, Attr::Type]
            .into_iter()
            .filter(|attr| !positions.iter().any(|(a, _)| a == attr))
            .map(|attr| format!("«{}»", attr.title()))
            .collect();
        if missing.is_empty() {
            return Some(positions);
        }
        let row = self.places.header;
        self.problem(
            row,
            None,
            &format!("В строке заголовков нет столбцов {}", missing.join(", ")),
        );
        None
    }

    fn read_column(
        &mut self,
        row: u32,
        cells: &[RawCell],
        positions: &[(Attr, usize)],
    ) -> ColumnDef {
        let mut column = ColumnDef::new("", "", ColumnType::Text);
        for (attr, at) in positions {
            let cell = cells.get(*at).unwrap_or(&RawCell::Empty);
            if *cell == RawCell::Empty {
                continue;
            }
            if let Err(why) = fill(&mut column, *attr, cell) {
                self.problem(row, Some(attr.title()), &why);
            }
        }
        column
    }
}

/// Sets `attr` of `column` from `cell`, or says why the cell does not fit.
fn fill(column: &mut ColumnDef, attr: Attr, cell: &RawCell) -> Result<(), String> {
    let text = cell_text(cell);
    match attr {
        Attr::Title => column.title = text,
        Attr::Key => column.key = text,
        Attr::Hint => column.hint = text,
        Attr::Pattern => column.pattern = Some(text),
        Attr::Values => column.values = split_values(&text),
        Attr::Words => column.words = split_values(&text),
        Attr::Type => column.kind = column_type(&text)?,
        Attr::Required => column.required = yes_or_no(cell, &text)?,
        Attr::Multiple => column.multiple = yes_or_no(cell, &text)?,
        Attr::KeepHidden => column.keep_hidden = yes_or_no(cell, &text)?,
        Attr::PrefillLocked => column.prefill_locked = yes_or_no(cell, &text)?,
        Attr::Prefill => column.prefill = Some(prefill_source(&text)?),
        Attr::PrefillFrom => column.prefill_from = Some(text.trim().to_owned()),
        Attr::List => column.list = Some(text),
        Attr::ShownIf => column.shown_if = Some(rule_text::parse_condition(&text)?),
        Attr::Min => column.min = Some(number(cell).ok_or("Укажите число")?),
        Attr::Max => column.max = Some(number(cell).ok_or("Укажите число")?),
        Attr::MinLength => column.min_length = Some(length(cell)?),
        Attr::MaxLength => column.max_length = Some(length(cell)?),
        Attr::DateFrom => column.date_from = Some(date(cell)?),
        Attr::DateTo => column.date_to = Some(date(cell)?),
        Attr::Decimals => {
            column.decimals = Some(
                whole_number(cell)
                    .and_then(|n| u8::try_from(n).ok())
                    .ok_or("Укажите целое число знаков от 0 до 9")?,
            )
        }
        Attr::Unit => column.unit = Some(text),
        Attr::UsualMin | Attr::UsualMax | Attr::FromLastTime | Attr::FromMedian => {
            let n = Some(number(cell).ok_or("Укажите число")?);
            let soft = column.soft.get_or_insert_default();
            match attr {
                Attr::UsualMin => soft.usual_min = n,
                Attr::UsualMax => soft.usual_max = n,
                Attr::FromLastTime => soft.from_last_time = n,
                _ => soft.from_median = n,
            }
        }
        // Typed with a leading «=», Excel takes it for its own formula and
        // stores its error.
        Attr::Formula if text.starts_with('#') => {
            return Err(
                "Excel принял формулу за свою и не смог ее вычислить: запишите ее без «=» в начале"
                    .into(),
            );
        }
        Attr::Formula => column.formula = Some(text),
    }
    Ok(())
}

/// A prefill source by its Russian name («Руководитель», «Муниципалитет») or
/// its key («head»).
fn prefill_source(text: &str) -> Result<Prefill, String> {
    let wanted = header_key(text);
    let key = |source: Prefill| serde_json::to_value(source).ok();
    Prefill::all()
        .find(|&source| {
            header_key(source.title_ru()) == wanted
                || key(source).is_some_and(|k| k.as_str() == Some(wanted.as_str()))
        })
        .ok_or_else(|| {
            let known: Vec<String> = Prefill::all()
                .map(|source| format!("«{}»", source.title_ru()))
                .collect();
            format!(
                "Неизвестный источник «{text}»: ожидается одно из {}",
                known.join(", ")
            )
        })
}

fn yes_or_no(cell: &RawCell, text: &str) -> Result<bool, String> {
    match cell {
        RawCell::Bool(b) => Ok(*b),
        _ => value::parse_yes_no(text).ok_or_else(|| "Укажите «да» или «нет»".to_owned()),
    }
}

fn column_type(text: &str) -> Result<ColumnType, String> {
    let wanted = header_key(text);
    ColumnType::ALL
        .into_iter()
        .find(|kind| {
            header_key(kind.title_ru()) == wanted || header_key(&format!("{kind:?}")) == wanted
        })
        .ok_or_else(|| {
            let known: Vec<String> = ColumnType::ALL
                .iter()
                .map(|k| format!("«{}»", k.title_ru()))
                .collect();
            format!(
                "Неизвестный тип «{text}»: ожидается один из {}",
                known.join(", ")
            )
        })
}

fn number(cell: &RawCell) -> Option<f64> {
    match cell {
        RawCell::Number(n) => Some(*n),
        RawCell::Text(text) => value::parse_decimal(text.trim()),
        _ => None,
    }
}

fn whole_number(cell: &RawCell) -> Option<i64> {
    number(cell).filter(|n| n.fract() == 0.0).map(|n| n as i64)
}

fn length(cell: &RawCell) -> Result<u32, String> {
    whole_number(cell)
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| "Укажите целое неотрицательное число символов".to_owned())
}

fn date(cell: &RawCell) -> Result<NaiveDate, String> {
    match cell {
        RawCell::Date(day) => Some(*day),
        RawCell::Number(serial) => excel_serial_date(*serial),
        RawCell::Text(text) => value::parse_date(text.trim()),
        _ => None,
    }
    .ok_or_else(|| "Укажите дату в формате дд.мм.гггг".to_owned())
}

/// A cell as text: numbers without a trailing `.0`, dates as `дд.мм.гггг`.
fn cell_text(cell: &RawCell) -> String {
    match cell {
        RawCell::Empty => String::new(),
        RawCell::Text(text) => text.trim().to_owned(),
        RawCell::Number(n) => value::decimal_ru(*n).replace(',', "."),
        RawCell::Bool(b) => if *b { "Да" } else { "Нет" }.to_owned(),
        RawCell::Date(day) => day.format("%d.%m.%Y").to_string(),
    }
}

fn text_at(cells: &[RawCell], at: usize) -> String {
    cells.get(at).map(cell_text).unwrap_or_default()
}

fn is(cell: &RawCell, title: &str) -> bool {
    header_key(&raw_text(cell)) == header_key(title)
}

/// The first row whose column A is `name`: its number and cells.
fn find_line<'a>(sheet: &'a RawSheet, name: &str) -> Option<(u32, &'a [RawCell])> {
    sheet
        .rows
        .iter()
        .position(|row| row.first().is_some_and(|c| is(c, name)))
        .map(|at| (at as u32 + 1, sheet.rows[at].as_slice()))
}

fn problem(sheet: &str, row: u32, column: Option<&str>, message: &str) -> FieldError {
    FieldError::in_sheet(sheet, row, column, INVALID, message)
}

/// `check_definition`'s finding (`sheets[1].columns[2].min`) at its place in the
/// description.
fn locate(found: FieldError, title_row: u32, rule_rows: &[u32], places: &[Places]) -> FieldError {
    let path = found.field.clone().unwrap_or_default();
    let rule_row = path
        .strip_prefix("rules[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(index, _)| rule_rows.get(index.parse::<usize>().ok()?).copied());
    let (sheet, row, column) = match path.strip_prefix("sheets[") {
        None => (FORM_SHEET, rule_row.unwrap_or(title_row), None),
        Some(rest) => {
            let (index, rest) = rest.split_once(']').unwrap_or((rest, ""));
            match index.parse::<usize>().ok().and_then(|i| places.get(i)) {
                None => (FORM_SHEET, 0, None),
                Some(at) => {
                    let (row, column) = place_in_sheet(at, rest.trim_start_matches('.'));
                    (at.worksheet.as_str(), row, column)
                }
            }
        }
    };
    FieldError::in_sheet(sheet, row, column, &found.code, &found.message)
}

/// Row and column of `path` (`columns[2].min`, `rules[0]`, `key`) within a sheet.
fn place_in_sheet(at: &Places, path: &str) -> (u32, Option<&'static str>) {
    let param_row = |param: Param| at.params.get(&param).copied().unwrap_or(0);
    let indexed = |prefix: &str| -> Option<(usize, String)> {
        let rest = path.strip_prefix(prefix)?;
        let (index, rest) = rest.split_once(']')?;
        Some((index.parse().ok()?, rest.trim_start_matches('.').to_owned()))
    };
    if let Some((index, field)) = indexed("columns[") {
        let row = at.columns.get(index).copied().unwrap_or(at.header);
        let name = field.split(['.', '[']).next().unwrap_or("");
        let attr = Attr::ALL.into_iter().find(|a| a.field() == name);
        return (row, attr.map(Attr::title));
    }
    if let Some((index, _)) = indexed("rules[") {
        return (at.rules.get(index).copied().unwrap_or(0), None);
    }
    match path.split(['.', '[']).next().unwrap_or("") {
        "key" => (param_row(Param::Key), None),
        "title" => (param_row(Param::Title), None),
        "max_rows" => (param_row(Param::MaxRows), None),
        "fixed_rows" => (param_row(Param::FixedRows), None),
        "shown_if" => (param_row(Param::ShownIf), None),
        _ => (at.header, None),
    }
}
