//! Reading a cell's text as people type it («1 234,5», «15.09.2021», «да») and
//! writing it back in one canonical form («1234.5», «2021-09-15», «Да»), so drafts,
//! submissions and exports hold one spelling whatever was typed or pasted.

use chrono::NaiveDate;
use smol_str::SmolStr;

use super::{ColumnDef, ColumnType};

/// A cell's value once read.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A text: the cell's own text is it (not copied: validation keeps every
    /// cell's value, and a school's 5,000-row upload is held whole meanwhile).
    Text,
    Integer(i64),
    Decimal(f64),
    Date(NaiveDate),
    /// Index into the column's `values`.
    Choice(usize),
    /// Several of the column's `values` (a `multiple` list): the cell's own
    /// text names them, `; `-separated in the list's order.
    Choices,
    YesNo(bool),
    /// An attached file: the cell's own text is its reference.
    File,
}

impl Value {
    /// The number, for sums and comparisons.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Integer(n) => Some(*n as f64),
            Value::Decimal(n) => Some(*n),
            _ => None,
        }
    }
}

/// Why a cell's text is not a value of its column's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseProblem {
    NotInteger,
    NotDecimal,
    NotDate,
    NotInList,
    NotYesNo,
    NotAttached,
}

/// Reads `text` (not empty, trimmed) as a value of `column`.
pub fn parse(column: &ColumnDef, text: &str) -> Result<Value, ParseProblem> {
    match column.kind {
        ColumnType::Text => Ok(Value::Text),
        ColumnType::Integer => parse_integer(text)
            .map(Value::Integer)
            .ok_or(ParseProblem::NotInteger),
        ColumnType::Decimal => parse_decimal(text)
            .map(Value::Decimal)
            .ok_or(ParseProblem::NotDecimal),
        ColumnType::Date => parse_date(text)
            .map(Value::Date)
            .ok_or(ParseProblem::NotDate),
        ColumnType::List if column.multiple => choices_of(column, text)
            .map(|_| Value::Choices)
            .ok_or(ParseProblem::NotInList),
        ColumnType::List => choice_of(column, text)
            .map(Value::Choice)
            .ok_or(ParseProblem::NotInList),
        ColumnType::YesNo => parse_yes_no(text)
            .map(Value::YesNo)
            .ok_or(ParseProblem::NotYesNo),
        ColumnType::File => super::files::FileRef::parse(text)
            .map(|_| Value::File)
            .ok_or(ParseProblem::NotAttached),
    }
}

/// The canonical text of `text` in `column`: trimmed, and for values that read, in
/// their one spelling. Text that does not read is kept as typed (trimmed) so nothing
/// the user typed is lost; validation reports it.
pub fn normalize(column: &ColumnDef, text: &str) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() || column.kind == ColumnType::Text {
        return trimmed.to_owned();
    }
    match parse(column, trimmed) {
        Ok(value) => canonical(column, &value, trimmed),
        Err(_) => trimmed.to_owned(),
    }
}

/// The one spelling of a value read from `text`.
fn canonical(column: &ColumnDef, value: &Value, text: &str) -> String {
    match value {
        Value::Text | Value::File => text.to_owned(),
        Value::Integer(n) => integer_text(*n).into(),
        Value::Decimal(n) => format_decimal(*n),
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        Value::Choice(index) => column.values[*index].clone(),
        Value::Choices => join_choices(column, &choices_of(column, text).unwrap_or_default()),
        Value::YesNo(true) => "Да".to_owned(),
        Value::YesNo(false) => "Нет".to_owned(),
    }
}

/// How a canonical value is shown to people: `1 234,5`, `15.09.2021`.
pub fn display(column: &ColumnDef, text: &str) -> String {
    match (column.kind, parse(column, text)) {
        (ColumnType::Decimal, Ok(Value::Decimal(n))) => decimal_ru(n),
        (ColumnType::Date, Ok(Value::Date(date))) => date.format("%d.%m.%Y").to_string(),
        (ColumnType::File, _) => super::files::shown(text).to_owned(),
        _ => text.to_owned(),
    }
}

/// A number as Russian text shows it: `1234,5`, `100`.
pub fn decimal_ru(n: f64) -> String {
    format_decimal(n).replace('.', ",")
}

/// Digits with spaces (also non-breaking, as Excel copies them) between groups.
fn without_group_spaces(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect()
}

fn parse_integer(text: &str) -> Option<i64> {
    // Most cells are plain digits: read them without building a compacted copy.
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let compact = without_group_spaces(text);
    if let Ok(n) = compact.parse::<i64>() {
        return Some(n);
    }
    // «25,0» and «25.0» from spreadsheets that store every number as decimal.
    let n = parse_decimal(text)?;
    (n.fract() == 0.0 && n.abs() < 9.0e15).then_some(n as i64)
}

/// A number typed `1 234,5`, `-3`, `0.25`.
pub fn parse_decimal(text: &str) -> Option<f64> {
    if text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return text.parse::<f64>().ok().filter(|n| n.is_finite());
    }
    let compact = without_group_spaces(text).replace(',', ".");
    let digits_only = compact
        .trim_start_matches(['-', '+'])
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    if !digits_only || compact.matches('.').count() > 1 {
        return None;
    }
    compact.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// The values a cell of a `multiple` list names (`;`-separated, any case, in
/// any order, repeats once): their indices in the list's order, or `None`
/// when one of them is not in the list.
pub fn choices_of(column: &ColumnDef, text: &str) -> Option<Vec<usize>> {
    let mut chosen = text
        .split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| choice_of(column, part))
        .collect::<Option<Vec<usize>>>()?;
    chosen.sort_unstable();
    chosen.dedup();
    Some(chosen)
}

/// The values of `chosen` (indices) as a cell holds them: `a; b`.
pub fn join_choices(column: &ColumnDef, chosen: &[usize]) -> String {
    chosen
        .iter()
        .map(|&index| column.values[index].as_str())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The parts of a `multiple` list's text that are not in the list.
pub fn unknown_choices<'a>(column: &ColumnDef, text: &'a str) -> Vec<&'a str> {
    text.split(';')
        .map(str::trim)
        .filter(|part| !part.is_empty() && choice_of(column, part).is_none())
        .collect()
}

/// The digits of `n`, written by hand: `to_string` goes through the formatting
/// machinery, which costs more than the rest of reading a number cell. Inline
/// (at most 20 bytes), so a number cell costs no allocation.
pub fn integer_text(n: i64) -> SmolStr {
    let mut digits = [0u8; 21];
    let mut at = digits.len();
    let mut rest = n.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        digits[at] = b'-';
    }
    SmolStr::new(std::str::from_utf8(&digits[at..]).expect("ASCII digits"))
}

/// A decimal without a trailing `.0` and without float noise (`0.1 + 0.2`).
pub fn format_decimal(n: f64) -> String {
    let rounded = (n * 1e9).round() / 1e9;
    let text = format!("{rounded}");
    if text == "-0" { "0".to_owned() } else { text }
}

/// A date as people and programs write it: `15.09.2021`, `5.9.2021`, `15/09/2021`,
/// `15.09.21` (two-digit years by Excel's rule: 00–29 are 20xx, 30–99 are 19xx),
/// `2021-09-15` (ISO, as the API and exports write it), and any of these followed
/// by a time of day (`15.09.2021 0:00:00`, `2021-09-15T00:00:00`), as a date-time
/// cell saved as text comes.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    if let Some(date) = parse_canonical_date(text) {
        return Some(date);
    }
    let text = text.trim();
    let day_part = text
        .split_once(['T', ' '])
        .filter(|(_, time)| is_time_of_day(time.trim()))
        .map_or(text, |(day, _)| day);
    if let Some(date) = parse_canonical_date(day_part) {
        return Some(date);
    }
    let parts: Vec<&str> = day_part.split(['.', '/']).collect();
    let [day, month, year] = parts[..] else {
        return None;
    };
    if !(1..=2).contains(&day.len()) || !(1..=2).contains(&month.len()) {
        return None;
    }
    let year: i32 = match year.len() {
        4 => year.parse().ok()?,
        2 => excel_two_digit_year(year.parse().ok()?),
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month.parse().ok()?, day.parse().ok()?)
}

/// The century Excel gives a two-digit year (its «1930–2029» window).
fn excel_two_digit_year(year: i32) -> i32 {
    if year < 30 { 2000 + year } else { 1900 + year }
}

/// `10:30`, `0:00:00`, `00:00:00.000`, `10:30:00Z`: a time after a date.
fn is_time_of_day(text: &str) -> bool {
    let text = text.trim_end_matches('Z');
    let (clock, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let parts: Vec<&str> = clock.split(':').collect();
    (2..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Exactly `YYYY-MM-DD`, the way drafts store dates: every date cell of every
/// save is read again, and chrono's format parser costs several times this.
/// Anything else (or an impossible date) is left to the general readers.
fn parse_canonical_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let number = |range: std::ops::Range<usize>| {
        bytes[range].iter().try_fold(0u32, |n, &b| {
            b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)
}

fn choice_of(column: &ColumnDef, text: &str) -> Option<usize> {
    // Stored values are canonical: an exact match needs no case folding.
    if let Some(index) = column.values.iter().position(|v| v == text) {
        return Some(index);
    }
    let wanted = crate::text::search_key(text);
    column
        .values
        .iter()
        .position(|v| crate::text::search_key(v) == wanted)
}

/// «Да»/«Нет» and the spellings spreadsheets and programs use for them.
pub fn parse_yes_no(text: &str) -> Option<bool> {
    match text {
        "Да" => return Some(true),
        "Нет" => return Some(false),
        _ => {}
    }
    match crate::text::search_key(text).as_str() {
        "да" | "yes" | "true" | "1" | "истина" => Some(true),
        "нет" | "no" | "false" | "0" | "ложь" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_as_rust_writes_them() {
        for n in [0, 7, -7, 10, 1_234_567, i64::MAX, i64::MIN] {
            assert_eq!(integer_text(n), n.to_string());
        }
    }

    fn column(kind: ColumnType) -> ColumnDef {
        let mut c = ColumnDef::new("c", "Столбец", kind);
        c.values = vec!["Математика".into(), "Русский язык".into()];
        c
    }

    #[test]
    fn reads_numbers_as_people_type_them() {
        let integer = column(ColumnType::Integer);
        assert_eq!(normalize(&integer, " 1 234 "), "1234");
        assert_eq!(normalize(&integer, "1\u{a0}234"), "1234");
        assert_eq!(normalize(&integer, "25,0"), "25");
        assert_eq!(normalize(&integer, "-7"), "-7");
        assert_eq!(parse(&integer, "2,5"), Err(ParseProblem::NotInteger));
        let decimal = column(ColumnType::Decimal);
        assert_eq!(normalize(&decimal, "1 234,5"), "1234.5");
        assert_eq!(normalize(&decimal, "0.1"), "0.1");
        assert_eq!(display(&decimal, "1234.5"), "1234,5");
        assert_eq!(parse(&decimal, "1,2,3"), Err(ParseProblem::NotDecimal));
        assert_eq!(parse(&decimal, "12a"), Err(ParseProblem::NotDecimal));
        assert_eq!(parse(&decimal, "inf"), Err(ParseProblem::NotDecimal));
    }

    #[test]
    fn reads_russian_and_iso_dates() {
        let date = column(ColumnType::Date);
        assert_eq!(normalize(&date, "15.09.2021"), "2021-09-15");
        assert_eq!(normalize(&date, "15.09.21"), "2021-09-15");
        assert_eq!(normalize(&date, "5.9.2021"), "2021-09-05");
        assert_eq!(normalize(&date, "05/09/2021"), "2021-09-05");
        // Excel's window for two-digit years: 00–29 are this century, 30–99 the last.
        assert_eq!(normalize(&date, "03.02.70"), "1970-02-03");
        assert_eq!(normalize(&date, "03.02.30"), "1930-02-03");
        assert_eq!(normalize(&date, "03.02.29"), "2029-02-03");
        assert_eq!(normalize(&date, "03.02.00"), "2000-02-03");
        // Date-times saved as text read as their day.
        assert_eq!(normalize(&date, "15.09.2021 0:00:00"), "2021-09-15");
        assert_eq!(normalize(&date, "2021-09-15T00:00:00"), "2021-09-15");
        assert_eq!(normalize(&date, "2021-09-15 10:30"), "2021-09-15");
        assert_eq!(normalize(&date, " 15.09.2021 "), "2021-09-15");
        assert_eq!(
            parse(&date, "15.09.2021 завтра"),
            Err(ParseProblem::NotDate)
        );
        assert_eq!(parse(&date, "150.09.2021"), Err(ParseProblem::NotDate));
        assert_eq!(normalize(&date, "2021-09-15"), "2021-09-15");
        assert_eq!(display(&date, "2021-09-15"), "15.09.2021");
        assert_eq!(parse(&date, "31.02.2021"), Err(ParseProblem::NotDate));
        assert_eq!(normalize(&date, "завтра"), "завтра");
    }

    proptest::proptest! {
        /// The quick reader of `YYYY-MM-DD` agrees with chrono's on every string of
        /// that shape (and leaves impossible dates to it).
        #[test]
        fn canonical_dates_read_as_chrono_reads_them(text in "[0-9]{4}-[0-9]{2}-[0-9]{2}") {
            let chrono = NaiveDate::parse_from_str(&text, "%Y-%m-%d").ok();
            proptest::prop_assert_eq!(parse_canonical_date(&text), chrono);
            proptest::prop_assert_eq!(parse_date(&text), chrono);
        }
    }

    #[test]
    fn lists_and_yes_no_ignore_case() {
        let list = column(ColumnType::List);
        assert_eq!(normalize(&list, "математика"), "Математика");
        assert_eq!(parse(&list, "Физика"), Err(ParseProblem::NotInList));
        let yes_no = column(ColumnType::YesNo);
        assert_eq!(normalize(&yes_no, "да"), "Да");
        assert_eq!(normalize(&yes_no, "НЕТ"), "Нет");
        assert_eq!(parse(&yes_no, "может"), Err(ParseProblem::NotYesNo));
    }
}
