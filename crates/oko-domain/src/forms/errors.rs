//! What is wrong with a cell: where (sheet, row, column), a stable code for
//! integrators and a Russian message for people.

use serde::{Deserialize, Serialize};

use super::FormDefinition;
use crate::api::{FieldError, place_ru};

/// Stable codes of cell errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CellCode {
    /// A required cell is empty.
    Required,
    /// Not a whole number.
    NotInteger,
    /// Not a number.
    NotDecimal,
    /// Not a date.
    NotDate,
    /// Not one of the list's values.
    NotInList,
    /// Not «Да» or «Нет».
    NotYesNo,
    /// A number below `min` or above `max`.
    OutOfRange,
    /// A number with more digits after the comma than `decimals`.
    TooManyDecimals,
    /// A text shorter than `min_length` or longer than `max_length`.
    WrongLength,
    /// A text that does not match the column's mask.
    PatternMismatch,
    /// A text with a word not among the column's allowed words.
    WordNotAllowed,
    /// A file cell holding a name (typed, or from a spreadsheet) rather than a
    /// file attached on the site.
    FileNotAttached,
    /// A date outside `date_from`..`date_to`.
    DateOutOfRange,
    /// A value (or set of values) that must be unique repeats.
    Duplicate,
    /// A comparison between columns fails.
    ComparisonFailed,
    /// A value not found on the sheet a rule between sheets looks it up on.
    NotFoundInSheet,
    /// Two sheets' totals do not compare as a rule between sheets says.
    TotalsDiffer,
    /// A value appears in more rows than allowed.
    TooManyRowsWithValue,
    /// A cell required by another cell's value is empty.
    RequiredIf,
    /// More rows than the sheet allows, or rows missing from a fixed-row sheet.
    RowCount,
    /// A cell the definition gives was changed.
    LockedCell,
    /// An unusual value (a soft check) without an explanation: saved, not
    /// submitted.
    ExplanationRequired,
    /// A sheet or column the form does not have.
    Unknown,
}

impl CellCode {
    /// Whether the value cannot be what its column holds at all (a word in a
    /// number cell): an uploaded file with such a cell is refused whole, while
    /// the other errors (an empty required cell, a number out of range, a rule)
    /// are a draft's to keep and its submission's to refuse.
    pub fn is_unreadable_value(self) -> bool {
        matches!(
            self,
            CellCode::NotInteger
                | CellCode::NotDecimal
                | CellCode::NotDate
                | CellCode::NotInList
                | CellCode::NotYesNo
        )
    }

    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            CellCode::Required => "required",
            CellCode::NotInteger => "not_integer",
            CellCode::NotDecimal => "not_decimal",
            CellCode::NotDate => "not_date",
            CellCode::NotInList => "not_in_list",
            CellCode::NotYesNo => "not_yes_no",
            CellCode::OutOfRange => "out_of_range",
            CellCode::TooManyDecimals => "too_many_decimals",
            CellCode::WrongLength => "wrong_length",
            CellCode::PatternMismatch => "pattern_mismatch",
            CellCode::WordNotAllowed => "word_not_allowed",
            CellCode::FileNotAttached => "file_not_attached",
            CellCode::DateOutOfRange => "date_out_of_range",
            CellCode::Duplicate => "duplicate",
            CellCode::ComparisonFailed => "comparison_failed",
            CellCode::NotFoundInSheet => "not_found_in_sheet",
            CellCode::TotalsDiffer => "totals_differ",
            CellCode::TooManyRowsWithValue => "too_many_rows_with_value",
            CellCode::RequiredIf => "required_if",
            CellCode::RowCount => "row_count",
            CellCode::LockedCell => "locked_cell",
            CellCode::ExplanationRequired => "explanation_required",
            CellCode::Unknown => "unknown",
        }
    }
}

/// One problem in a form's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "sheet": "paper", "row": 12, "column": "date1", "code": "not_date",
    "message": "Введите дату в формате дд.мм.гггг, например 15.09.2021"
})))]
pub struct CellError {
    /// Sheet key.
    pub sheet: String,
    /// 1-based row of the sheet's data (0: the sheet as a whole).
    pub row: u32,
    /// Column key, when the error is about a cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// Stable code.
    pub code: CellCode,
    /// Russian explanation.
    pub message: String,
}

/// How a repeated value names the row it repeats (followed by that row's number).
pub const SAME_VALUE_IN_ROW: &str = "то же значение в строке ";

impl CellError {
    /// The error with its rows numbered as a file numbers them: its own row and
    /// the row a repeated value names in its message; `file_row` maps a data row
    /// (1-based) to the file's, `None` keeps it.
    pub fn renumbered(mut self, file_row: impl Fn(u32) -> Option<u32>) -> CellError {
        if self.row > 0
            && let Some(row) = file_row(self.row)
        {
            self.row = row;
        }
        if let Some((before, after)) = self.message.split_once(SAME_VALUE_IN_ROW) {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if let Some(row) = after[..digits].parse().ok().and_then(&file_row) {
                self.message = format!("{before}{SAME_VALUE_IN_ROW}{row}{}", &after[digits..]);
            }
        }
        self
    }

    /// An error about the cell in `column` of data row `row` (0-based).
    pub fn at(sheet: &str, row: usize, column: &str, code: CellCode, message: String) -> Self {
        CellError {
            sheet: sheet.to_owned(),
            row: row as u32 + 1,
            column: Some(column.to_owned()),
            code,
            message,
        }
    }

    /// The sheet's and column's titles (keys when the form lacks them) and the row
    /// as shown: `header_rows` is added when the rows are a spreadsheet's (whose data
    /// starts under its header); 0 for the sheet as a whole.
    fn titles<'a>(
        &'a self,
        form: &'a FormDefinition,
        header_rows: u32,
    ) -> (&'a str, u32, Option<&'a str>) {
        let sheet = form.sheet(&self.sheet);
        let sheet_title = sheet.map_or(self.sheet.as_str(), |s| s.title.as_str());
        let row = if self.row > 0 {
            self.row + header_rows
        } else {
            0
        };
        let column = self.column.as_deref().map(|key| {
            sheet
                .and_then(|s| s.column(key))
                .map_or(key, |c| c.title.as_str())
        });
        (sheet_title, row, column)
    }

    /// The error with its place, as in an upload's error list: «Лист «РАБОТЫ НА
    /// БЛАНКЕ», строка 12, столбец «Дата 1й курс»: …».
    pub fn located(&self, form: &FormDefinition, header_rows: u32) -> String {
        format!("{}: {}", self.place(form, header_rows), self.message)
    }

    /// Where the error is: «Лист «…», строка 12, столбец «…»».
    pub fn place(&self, form: &FormDefinition, header_rows: u32) -> String {
        let (sheet, row, column) = self.titles(form, header_rows);
        place_ru(sheet, row, column)
    }

    /// The error as an API problem entry (sheet and column titles, spreadsheet row).
    pub fn to_field_error(&self, form: &FormDefinition, header_rows: u32) -> FieldError {
        let (sheet, row, column) = self.titles(form, header_rows);
        FieldError::in_sheet(sheet, row, column, self.code.as_str(), &self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::{CellCode, CellError, SAME_VALUE_IN_ROW};

    #[test]
    fn renumbering_moves_the_row_and_the_repeated_row_it_names() {
        let error = CellError::at(
            "orgs",
            4,
            "login",
            CellCode::Duplicate,
            format!("«Логин» повторяется: {SAME_VALUE_IN_ROW}2"),
        );
        // The file has a title line and a blank line above its header.
        let renumbered = error.renumbered(|row| Some(row + 3));
        assert_eq!(renumbered.row, 8);
        assert_eq!(
            renumbered.message,
            "«Логин» повторяется: то же значение в строке 5"
        );
        let sheet_wide = CellError {
            row: 0,
            ..renumbered.clone()
        };
        assert_eq!(sheet_wide.renumbered(|_| None).row, 0);
    }
}
