//! Data-collection forms as data: sheets, typed columns with constraints, and sheet
//! rules. The server validates drafts and submissions with this code and the SPA runs
//! the same code as people type, so what one accepts the other accepts.
//!
//! docs/forms.md describes the format with the two demo forms (`demo`).

pub mod across;
pub mod calculate;
pub mod check;
pub mod data;
pub mod demo;
pub mod editing;
pub mod errors;
pub mod files;
pub mod formula;
pub mod outbox;
pub mod pattern;
pub mod row;
pub mod rule_text;
pub mod rules;
pub mod shared_lists;
pub mod soft;
#[cfg(test)]
mod tests;
pub mod totals;
pub mod validate;
pub mod value;

use serde::{Deserialize, Serialize};

pub use across::{FormRule, SheetColumn};
pub use calculate::PrefillFacts;
pub use data::{Change, FormData};
pub use errors::{CellCode, CellError};
pub use row::Row;
pub use rules::{CompareOp, Rule};
pub use soft::{Reference, SoftCheck};
pub use validate::{RowsChecked, validate, validate_checked, validate_with};

/// Free-row sheets hold at most this many rows unless the sheet says otherwise.
pub const DEFAULT_MAX_ROWS: u32 = 10_000;
/// No cell holds more characters than this, whatever its column allows.
pub const MAX_CELL_CHARS: usize = 4_000;

/// A form: one or more sheets, filled by each organisation of the audience.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(example = json!({
    "title": "Сбор расписания проведения ВПР СПО 2021",
    "sheets": [{
        "key": "paper", "title": "РАБОТЫ НА БЛАНКЕ",
        "hint": "Количество дней по одному предмету не должны превышать пяти.",
        "columns": [
            {"key": "subject", "title": "Предмет", "type": "list", "required": true,
             "values": ["Математика", "Русский язык"]},
            {"key": "date1", "title": "Дата 1й курс", "type": "date",
             "date_from": "2021-09-01", "date_to": "2021-10-31"},
            {"key": "participants1", "title": "Количество участников 1й курс", "type": "integer",
             "required": true, "min": 0, "max": 1000}
        ],
        "rules": [{"rule": "max_rows_per_value", "column": "subject", "max": 5,
                   "message": "Количество дней по одному предмету не должны превышать пяти"}]
    }]
})))]
pub struct FormDefinition {
    /// Title shown above the table.
    pub title: String,
    /// Sheets, in tab order.
    pub sheets: Vec<SheetDef>,
    /// Rules across sheets ([`across`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<FormRule>,
    /// Lists of values defined once and named, for the list columns that take
    /// their `values` from one (`"list": "subjects"`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub lists: std::collections::BTreeMap<String, Vec<String>>,
}

/// One sheet (tab) of a form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetDef {
    /// Stable key (Latin letters, digits, `_`), used in data and patches.
    pub key: String,
    /// Tab title, e.g. «РАБОТЫ НА БЛАНКЕ».
    pub title: String,
    /// Filling rules shown on the «i» next to the tab.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
    /// Columns, left to right.
    pub columns: Vec<ColumnDef>,
    /// Fixed-row sheet: one row per entry, its given cells preset and locked (e.g.
    /// one row per subject). Empty: a free-row sheet, the user adds rows.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub fixed_rows: Vec<Row>,
    /// Most rows a free-row sheet may hold (default 10,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_rows: Option<u32>,
    /// Rules across cells of the sheet.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Columns of a totals row «Итого» ([`totals`]), summed or with what is
    /// shown of them: the editor's footer and the template's row above the
    /// header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub totals: Vec<totals::TotalDef>,
    /// A sheet asked for only when another sheet says so (`{"sheet": "about",
    /// "column": "branches", "equals": "Да"}`: some row of that column holds
    /// it, or anything without `equals`); otherwise nothing on it is checked
    /// (what it holds is kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_if: Option<SheetCondition>,
}

/// When a sheet is asked for: a column of another sheet holds `equals` (or,
/// without it, anything) in some row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SheetCondition {
    pub sheet: String,
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
}

impl SheetDef {
    /// Whether the user adds and deletes rows.
    pub fn is_free(&self) -> bool {
        self.fixed_rows.is_empty()
    }

    /// The most rows the sheet may hold.
    pub fn row_limit(&self) -> u32 {
        if self.is_free() {
            self.max_rows.unwrap_or(DEFAULT_MAX_ROWS)
        } else {
            self.fixed_rows.len() as u32
        }
    }

    /// The column `key`.
    pub fn column(&self, key: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// Whether the cell of `row` (0-based) in `column` is given by the definition:
    /// preset, or computed by its column's formula.
    pub fn is_locked(&self, row: usize, column: &str) -> bool {
        self.lock_reason(row, column).is_some()
    }

    /// Whether the cell of `row` (0-based) in `column` is one of the presets.
    pub fn is_preset(&self, row: usize, column: &str) -> bool {
        self.fixed_rows
            .get(row)
            .is_some_and(|preset| preset.contains_key(column))
    }

    /// Why the cell of `row` (0-based) in `column` cannot be typed in, if so.
    pub fn lock_reason(&self, row: usize, column: &str) -> Option<&'static str> {
        let def = self.column(column);
        if self.is_preset(row, column) {
            Some(PRESET_CELL)
        } else if def.is_some_and(ColumnDef::is_calculated) {
            Some(CALCULATED_CELL)
        } else if let Some(source) = def.filter(|c| c.prefill_locked).and_then(|c| c.prefill)
            && self.is_prefilled_row(row)
        {
            Some(source.lock_reason())
        } else {
            None
        }
    }

    /// Whether a prefilled column fills row `row` (0-based): every row of a
    /// fixed sheet, the first of a free one.
    pub fn is_prefilled_row(&self, row: usize) -> bool {
        !self.is_free() || row == 0
    }
}

/// Why a preset cell cannot be typed in.
pub const PRESET_CELL: &str = "Эта ячейка заполнена заранее и не изменяется";
/// Why a locked prefilled cell cannot be typed in.
pub const PREFILLED_CELL: &str =
    "Эта ячейка заполнена из паспорта организации и не изменяется (исправьте паспорт)";
/// Why a locked cell filled from the earlier submission cannot be typed in.
pub const EARLIER_CELL: &str = "Эта ячейка заполнена из прошлой сдачи формы и не изменяется";
/// Why a calculated cell cannot be typed in.
pub const CALCULATED_CELL: &str = "Эта ячейка вычисляется по формуле и не изменяется";

impl SheetDef {
    /// Whether any column is calculated.
    pub fn has_formulas(&self) -> bool {
        self.columns.iter().any(ColumnDef::is_calculated)
    }

    /// Whether writes change cells beyond the ones set: formulas, or hidden
    /// cells cleared.
    pub fn derives_cells(&self) -> bool {
        self.columns
            .iter()
            .any(|c| c.is_calculated() || (c.shown_if.is_some() && !c.keep_hidden))
    }
}

/// A column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ColumnType {
    /// Any text.
    Text,
    /// A whole number, typed as `1 234`.
    Integer,
    /// A number with a fraction, typed with a comma or a dot: `1 234,5`.
    Decimal,
    /// A date, typed `дд.мм.гггг`.
    Date,
    /// One of `values`.
    List,
    /// «Да» or «Нет».
    YesNo,
    /// An attached file (a scan of a signed protocol): the cell holds its
    /// reference ([`files`]).
    File,
}

impl ColumnType {
    /// Whether sums and comparisons may use the column.
    pub fn is_numeric(self) -> bool {
        matches!(self, ColumnType::Integer | ColumnType::Decimal)
    }

    /// The Russian name operators use in description spreadsheets.
    pub fn title_ru(self) -> &'static str {
        match self {
            ColumnType::Text => "текст",
            ColumnType::Integer => "целое",
            ColumnType::Decimal => "число",
            ColumnType::Date => "дата",
            ColumnType::List => "список",
            ColumnType::YesNo => "да/нет",
            ColumnType::File => "файл",
        }
    }

    /// Every type, for parsing and listing.
    pub const ALL: [ColumnType; 7] = [
        ColumnType::Text,
        ColumnType::Integer,
        ColumnType::Decimal,
        ColumnType::Date,
        ColumnType::List,
        ColumnType::YesNo,
        ColumnType::File,
    ];
}

/// One column of a sheet, with its constraints (each only where it makes sense:
/// `min`/`max` for numbers, lengths and `pattern` for text, `date_from`/`date_to`
/// for dates, `values` for lists; [`check::check_definition`] refuses the rest).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ColumnDef {
    /// Stable key (Latin letters, digits, `_`).
    pub key: String,
    /// Header, e.g. «Дата 1й курс».
    pub title: String,
    /// Type of the values.
    #[serde(rename = "type")]
    pub kind: ColumnType,
    /// Shown with `*`; an empty cell is an error.
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Shown on hover and focus, e.g. «Число должно быть между 1 и 100».
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub hint: String,
    /// Smallest number allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest number allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Fewest characters of a text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// Most characters of a text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// Mask of a text: `#` a digit, `@` a letter, `?` any character, `*` any run of
    /// characters, anything else itself (e.g. `##.##.##` for a specialty code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// Earliest date allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_from: Option<chrono::NaiveDate>,
    /// Latest date allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_to: Option<chrono::NaiveDate>,
    /// The words a text column's text may be made of («очная», «заочная»,
    /// «вечерняя»): any of them, in any case, separated by spaces, commas or
    /// «;»; any other word is an error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub words: Vec<String>,
    /// The choices of a list column, in drop-down order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// The form's named list this list column takes its `values` from (they
    /// are copied in when the form is saved, see
    /// [`FormDefinition::resolve_lists`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// A list column whose cell holds several of its values (`a; b`), e.g. the
    /// subjects a teacher teaches.
    #[serde(default, skip_serializing_if = "is_false")]
    pub multiple: bool,
    /// A calculated column (numbers only): its cells are computed from the row's
    /// other cells by this formula ([`formula`]: `a + b`, `СУММ(a; b)`,
    /// `ЕСЛИ(a > 0; b / a; 0)`), shown read-only, never typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// Digits after the comma of a «число» column: a typed value may not have
    /// more, a computed one is rounded to them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// Unit of the values, shown after the header: «Площадь, м²».
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// A column asked for only in the rows where another column of the row
    /// says so (`{"column": "admitted", "equals": "Да"}`); elsewhere its cell is
    /// not shown, not required and not checked, and its value is cleared (kept
    /// with `keep_hidden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_if: Option<Condition>,
    /// Keeps what a hidden cell held (it comes back when the condition does).
    #[serde(default, skip_serializing_if = "is_false")]
    pub keep_hidden: bool,
    /// A column filled when the organisation's draft starts, in every row of
    /// a fixed sheet and the first row of a free one; editable unless
    /// `prefill_locked`. From its passport or its place in the roster («head»:
    /// the head's name, «municipality»; text columns), or «last_time»: from its
    /// own latest submission of an earlier collection of the form («как в
    /// прошлом году»; a fixed sheet's rows matched by their presets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "head"))]
    pub prefill: Option<Prefill>,
    /// With «last_time»: the earlier submission's column to take (this
    /// column's own when absent), e.g. last year's «participants» shown beside
    /// this year's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefill_from: Option<String>,
    /// The prefilled cells cannot be changed: they always hold the passport's
    /// value (a changed passport is changed there), or the earlier submission's.
    #[serde(default, skip_serializing_if = "is_false")]
    pub prefill_locked: bool,
    /// Soft checks of a numeric column ([`soft`]): an unusual value is
    /// saved, but submitted only with an explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft: Option<SoftCheck>,
}

/// What fills a prefilled column: a field of the organisation's passport
/// (`head`, `address`, …), its place in the roster (`login`, `region`,
/// `municipality`) or its earlier submission (`last_time`), written as the
/// source's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Prefill {
    Passport(crate::passport::PassportField),
    Roster(RosterFact),
    Earlier(Earlier),
}

/// The organisation's own latest submission of an earlier collection of the
/// same form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Earlier {
    LastTime,
}

/// An organisation's place in the roster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RosterFact {
    Login,
    Region,
    Municipality,
}

impl Prefill {
    /// Every source, in the order operators are offered them.
    pub fn all() -> impl Iterator<Item = Prefill> {
        crate::passport::PassportField::ALL
            .into_iter()
            .map(Prefill::Passport)
            .chain(
                [
                    RosterFact::Login,
                    RosterFact::Region,
                    RosterFact::Municipality,
                ]
                .map(Prefill::Roster),
            )
            .chain([Prefill::Earlier(Earlier::LastTime)])
    }

    /// Its Russian name («Руководитель», «Муниципалитет»).
    pub fn title_ru(self) -> &'static str {
        match self {
            Prefill::Passport(field) => field.title_ru(),
            Prefill::Roster(RosterFact::Login) => "Логин",
            Prefill::Roster(RosterFact::Region) => "Регион",
            Prefill::Roster(RosterFact::Municipality) => "Муниципалитет",
            Prefill::Earlier(Earlier::LastTime) => "Прошлая сдача",
        }
    }

    /// Why a locked cell it fills cannot be typed in.
    pub fn lock_reason(self) -> &'static str {
        match self {
            Prefill::Earlier(_) => EARLIER_CELL,
            _ => PREFILLED_CELL,
        }
    }
}

/// When a column is asked for: another column of the row holds `equals` (or,
/// without it, anything).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Condition {
    pub column: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl ColumnDef {
    /// A column of `kind` with no constraints.
    pub fn new(key: &str, title: &str, kind: ColumnType) -> ColumnDef {
        ColumnDef {
            key: key.to_owned(),
            title: title.to_owned(),
            kind,
            required: false,
            hint: String::new(),
            min: None,
            max: None,
            min_length: None,
            max_length: None,
            pattern: None,
            date_from: None,
            date_to: None,
            values: Vec::new(),
            words: Vec::new(),
            list: None,
            multiple: false,
            shown_if: None,
            keep_hidden: false,
            prefill: None,
            prefill_from: None,
            prefill_locked: false,
            soft: None,
            formula: None,
            decimals: None,
            unit: None,
        }
    }

    /// The header as shown: the title, its unit after a comma, `*` when required.
    pub fn header(&self) -> String {
        let star = if self.required { "*" } else { "" };
        format!("{}{star}", self.title_with_unit())
    }

    /// «Площадь, м²»: the title and its unit.
    pub fn title_with_unit(&self) -> String {
        match &self.unit {
            Some(unit) => format!("{}, {unit}", self.title),
            None => self.title.clone(),
        }
    }

    /// Where its cells in the prefilled rows come from, said to the person
    /// filling them («Заполнено из паспорта: Руководитель»).
    pub fn prefill_note(&self) -> Option<String> {
        let source = self.prefill?;
        let note = match source {
            Prefill::Earlier(_) => "Заполнено из прошлой сдачи формы".to_owned(),
            Prefill::Passport(_) => format!("Заполнено из паспорта: {}", source.title_ru()),
            Prefill::Roster(_) => format!("Заполнено из реестра: {}", source.title_ru()),
        };
        let then = if self.prefill_locked {
            "не изменяется"
        } else {
            "можно исправить"
        };
        Some(format!("{note}; {then}"))
    }

    /// The earlier submission's column a «last_time» prefill takes: its
    /// `prefill_from`, its own by default.
    pub fn earlier_key(&self) -> &str {
        self.prefill_from.as_deref().unwrap_or(&self.key)
    }

    /// Whether the column's cells are computed by a formula.
    pub fn is_calculated(&self) -> bool {
        self.formula.is_some()
    }

    /// Whether the column is asked for in `row` (its condition holds, or it
    /// has none). `sheet` is the column's own.
    pub fn is_shown(&self, sheet: &SheetDef, row: &Row) -> bool {
        let Some(condition) = &self.shown_if else {
            return true;
        };
        let Some(held) = row.get(&condition.column) else {
            return false;
        };
        match (&condition.equals, sheet.column(&condition.column)) {
            (None, _) => true,
            (Some(wanted), Some(decides)) => value::normalize(decides, wanted) == held,
            (Some(wanted), None) => wanted == held,
        }
    }

    /// «Заполняется, только если «Наличие поступления» = «Да»».
    pub fn condition_ru(&self, sheet: &SheetDef) -> Option<String> {
        let condition = self.shown_if.as_ref()?;
        let decides = sheet.column(&condition.column);
        let title = decides.map_or(condition.column.as_str(), |c| c.title.as_str());
        Some(match &condition.equals {
            Some(wanted) => {
                let wanted =
                    decides.map_or_else(|| wanted.clone(), |c| value::normalize(c, wanted));
                format!("Заполняется, только если «{title}» = «{wanted}»")
            }
            None => format!("Заполняется, только если заполнен столбец «{title}»"),
        })
    }
}

impl FormDefinition {
    /// Whether sheet `sheet` is asked for in `data` (its condition holds, or
    /// it has none).
    pub fn is_sheet_shown(&self, sheet: &SheetDef, data: &FormData) -> bool {
        let Some(condition) = &sheet.shown_if else {
            return true;
        };
        let wanted = self.condition_value(condition);
        data.rows(&condition.sheet)
            .iter()
            .any(|row| match (row.get(&condition.column), &wanted) {
                (Some(held), Some(wanted)) => held == wanted,
                (Some(_), None) => true,
                (None, _) => false,
            })
    }

    /// «Лист заполняется, только если на листе «ОБЩИЕ СВЕДЕНИЯ» в столбце «Есть
    /// филиалы» указано «Да»».
    pub fn sheet_condition_ru(&self, sheet: &SheetDef) -> Option<String> {
        let condition = sheet.shown_if.as_ref()?;
        let decider = self.sheet(&condition.sheet);
        let column = decider.and_then(|s| s.column(&condition.column));
        let sheet_title = decider.map_or(condition.sheet.as_str(), |s| s.title.as_str());
        let column_title = column.map_or(condition.column.as_str(), |c| c.title.as_str());
        Some(match self.condition_value(condition) {
            Some(wanted) => format!(
                "Лист заполняется, только если на листе «{sheet_title}» в столбце «{column_title}» указано «{wanted}»"
            ),
            None => format!(
                "Лист заполняется, только если на листе «{sheet_title}» заполнен столбец «{column_title}»"
            ),
        })
    }

    /// The value a sheet's condition wants, spelled as its column stores it.
    fn condition_value(&self, condition: &SheetCondition) -> Option<String> {
        let wanted = condition.equals.as_ref()?;
        let column = self
            .sheet(&condition.sheet)
            .and_then(|s| s.column(&condition.column));
        Some(column.map_or_else(|| wanted.clone(), |c| value::normalize(c, wanted)))
    }

    /// Gives every column that names one of the form's lists that list's
    /// values (an unknown name is left for `check_definition` to name). A
    /// name of one of the `shared` lists means that list, whatever the form
    /// holds under it: its current values are copied into the form's lists.
    pub fn resolve_lists(&mut self, shared: &shared_lists::SharedLists) {
        let named: Vec<String> = self
            .sheets
            .iter()
            .flat_map(|s| &s.columns)
            .filter_map(|c| c.list.clone())
            .collect();
        for name in named {
            if let Some(values) = shared.get(&name) {
                self.lists.insert(name, values.clone());
            }
        }
        for column in self.sheets.iter_mut().flat_map(|s| s.columns.iter_mut()) {
            if let Some(values) = column.list.as_ref().and_then(|name| self.lists.get(name)) {
                column.values = values.clone();
            }
        }
    }

    /// The columns filled when a draft starts (from the passport, the roster
    /// or the earlier submission).
    pub fn prefilled(&self) -> impl Iterator<Item = &ColumnDef> {
        self.sheets
            .iter()
            .flat_map(|s| &s.columns)
            .filter(|c| c.prefill.is_some())
    }

    /// Whether any column is prefilled.
    pub fn prefills(&self) -> bool {
        self.prefilled().next().is_some()
    }

    /// Whether a column is filled from the organisation's earlier submission.
    pub fn prefills_from_earlier(&self) -> bool {
        self.prefilled()
            .any(|c| matches!(c.prefill, Some(Prefill::Earlier(_))))
    }

    /// The soft checks of every column that has them.
    fn soft_checks(&self) -> impl Iterator<Item = &SoftCheck> {
        self.sheets
            .iter()
            .flat_map(|s| &s.columns)
            .filter_map(|c| c.soft.as_ref())
    }

    /// Whether any column asks for an explanation of unusual values.
    pub fn has_soft_checks(&self) -> bool {
        self.soft_checks().next().is_some()
    }

    /// Whether a soft check compares with the organisation's earlier submission.
    pub fn checks_last_time(&self) -> bool {
        self.soft_checks().any(|c| c.from_last_time.is_some())
    }

    /// Whether a soft check compares with the municipality's median.
    pub fn checks_medians(&self) -> bool {
        self.soft_checks().any(|c| c.from_median.is_some())
    }

    /// The sheet `key`.
    pub fn sheet(&self, key: &str) -> Option<&SheetDef> {
        self.sheets.iter().find(|s| s.key == key)
    }
}
