//! The description spreadsheet: how operators describe a form in Excel (docs/forms.md,
//! «Описание формы в Excel»). A worksheet «Форма» holds the form's title; every
//! other worksheet is one sheet of the form: a few parameter lines («Ключ листа»,
//! «Подсказка», «Правило», …), then a header row starting with «Столбец» and one row
//! per column (title, key, type, required, hint, constraints).

mod read;
mod write;

pub use read::{read_description, read_description_with};
pub use write::{Undescribable, describe};

/// The worksheet with the form's own settings.
pub const FORM_SHEET: &str = "Форма";
/// Its line with the form's title.
pub const FORM_TITLE: &str = "Название формы";
/// Its lines with rules across sheets: the rule in B, its message in C.
pub const FORM_RULE: &str = "Правило между листами";
/// Its lines with named lists: the name in B, the values in C.
pub const FORM_LIST: &str = "Список";

/// A parameter line above a sheet's column table: its name in column A, its value
/// in B, and for rules and fixed rows a second value in C.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Param {
    Key,
    Title,
    Hint,
    MaxRows,
    /// B: the column whose values the rows preset; C: the values.
    FixedRows,
    /// B: the rule line (`forms::rule_text`); C: its message.
    Rule,
    /// B: `sheet.column = value`: the sheet is asked for only then.
    ShownIf,
    /// B: the columns of the totals row: `students` (summed) or `share:
    /// среднее` (`минимум`, `максимум`, `количество`).
    Totals,
}

impl Param {
    pub const ALL: [Param; 8] = [
        Param::Key,
        Param::Title,
        Param::Hint,
        Param::MaxRows,
        Param::FixedRows,
        Param::Rule,
        Param::ShownIf,
        Param::Totals,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Param::Key => "Ключ листа",
            Param::Title => "Название листа",
            Param::Hint => "Подсказка листа",
            Param::MaxRows => "Наибольшее число строк",
            Param::FixedRows => "Строки по столбцу",
            Param::Rule => "Правило",
            Param::ShownIf => "Лист заполняется, если",
            Param::Totals => "Итоги по столбцам",
        }
    }
}

/// A column of the column table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attr {
    Title,
    Key,
    Type,
    Required,
    Hint,
    Min,
    Max,
    MinLength,
    MaxLength,
    Pattern,
    DateFrom,
    DateTo,
    Values,
    Decimals,
    Unit,
    Formula,
    Multiple,
    ShownIf,
    KeepHidden,
    Prefill,
    PrefillLocked,
    /// With «Прошлая сдача»: the earlier submission's column.
    PrefillFrom,
    List,
    /// Soft checks: an unusual value asks for an explanation.
    UsualMin,
    UsualMax,
    FromLastTime,
    FromMedian,
    /// A text column's allowed words.
    Words,
}

impl Attr {
    pub const ALL: [Attr; 28] = [
        Attr::Title,
        Attr::Key,
        Attr::Type,
        Attr::Required,
        Attr::Hint,
        Attr::Min,
        Attr::Max,
        Attr::MinLength,
        Attr::MaxLength,
        Attr::Pattern,
        Attr::DateFrom,
        Attr::DateTo,
        Attr::Values,
        Attr::Decimals,
        Attr::Unit,
        Attr::Formula,
        Attr::Multiple,
        Attr::ShownIf,
        Attr::KeepHidden,
        Attr::Prefill,
        Attr::PrefillLocked,
        Attr::PrefillFrom,
        Attr::List,
        Attr::UsualMin,
        Attr::UsualMax,
        Attr::FromLastTime,
        Attr::FromMedian,
        Attr::Words,
    ];

    /// The header of the column table.
    pub fn title(self) -> &'static str {
        match self {
            Attr::Title => "Столбец",
            Attr::Key => "Ключ",
            Attr::Type => "Тип",
            Attr::Required => "Обязательный",
            Attr::Hint => "Подсказка",
            Attr::Min => "Минимум",
            Attr::Max => "Максимум",
            Attr::MinLength => "Мин. длина",
            Attr::MaxLength => "Макс. длина",
            Attr::Pattern => "Маска",
            Attr::DateFrom => "Дата с",
            Attr::DateTo => "Дата по",
            Attr::Values => "Значения",
            Attr::Decimals => "Знаков после запятой",
            Attr::Unit => "Единица измерения",
            Attr::Formula => "Формула",
            Attr::Multiple => "Несколько значений",
            Attr::ShownIf => "Заполняется, если",
            Attr::KeepHidden => "Скрытое сохранять",
            Attr::Prefill => "Из паспорта",
            Attr::PrefillLocked => "Паспортное не изменять",
            Attr::PrefillFrom => "Столбец прошлой сдачи",
            Attr::List => "Список",
            Attr::UsualMin => "Обычно от",
            Attr::UsualMax => "Обычно до",
            Attr::FromLastTime => "Отличие от прошлой сдачи, %",
            Attr::FromMedian => "Отличие от медианы МО, %",
            Attr::Words => "Допустимые слова",
        }
    }

    /// The field of `ColumnDef` it fills, as `check_definition` names it.
    pub fn field(self) -> &'static str {
        match self {
            Attr::Title => "title",
            Attr::Key => "key",
            Attr::Type => "type",
            Attr::Required => "required",
            Attr::Hint => "hint",
            Attr::Min => "min",
            Attr::Max => "max",
            Attr::MinLength => "min_length",
            Attr::MaxLength => "max_length",
            Attr::Pattern => "pattern",
            Attr::DateFrom => "date_from",
            Attr::DateTo => "date_to",
            Attr::Values => "values",
            Attr::Decimals => "decimals",
            Attr::Unit => "unit",
            Attr::Formula => "formula",
            Attr::Multiple => "multiple",
            Attr::ShownIf => "shown_if",
            Attr::KeepHidden => "keep_hidden",
            Attr::Prefill => "prefill",
            Attr::PrefillLocked => "prefill_locked",
            Attr::PrefillFrom => "prefill_from",
            Attr::List => "list",
            Attr::UsualMin => "soft.usual_min",
            Attr::UsualMax => "soft.usual_max",
            Attr::FromLastTime => "soft.from_last_time",
            Attr::FromMedian => "soft.from_median",
            Attr::Words => "words",
        }
    }
}

/// A list of values in one cell: one per line, or separated by `;`.
pub fn split_values(text: &str) -> Vec<String> {
    let separator = if text.contains('\n') { '\n' } else { ';' };
    text.split(separator)
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The cell of a list: `; ` between values unless one of them holds a `;`.
pub fn join_values(values: &[String]) -> String {
    let separator = if values.iter().any(|v| v.contains(';')) {
        "\n"
    } else {
        "; "
    };
    values.join(separator)
}
