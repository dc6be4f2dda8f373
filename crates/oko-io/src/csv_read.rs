//! Reading an uploaded CSV the way Russian users make them, detected, never asked:
//!
//! - the encoding: UTF-8 with or without a BOM, UTF-16 with its BOM (Excel's
//!   «Текст Юникод»), or Windows-1251 (Excel's «CSV» and «Текст (разделители —
//!   табуляция)» on a Russian Windows);
//! - the separator: Excel's `sep=X` first line when there is one, otherwise
//!   whichever of `;`, tab and `,` the first lines hold most outside quotes;
//! - quoted fields with `""` and line breaks inside (stored as `\n`).
//!
//! The fields are split by `csv-core` (the `csv` crate's own parser) one at a
//! time, never as whole records: a line of a million empty fields costs nothing.

use csv_core::{ReadFieldResult, Reader, ReaderBuilder};

use crate::{
    form_import::{RawCell, RawSheet, text_cell},
    workbook::{Refusal, SpreadBudget},
};

/// How many lines the separator is looked for in: a title line above the header
/// may hold a comma of its text.
const SEPARATOR_LINES: usize = 10;
/// The separators a Russian user's programs write, in the order a tie goes.
const SEPARATORS: [u8; 3] = [b';', b'\t', b','];

/// The text of the file: UTF-16 by its BOM, UTF-8 (BOM dropped) when it is valid
/// UTF-8, otherwise Windows-1251.
pub fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1251.decode(bytes).0.into_owned(),
    }
}

/// The separator and where the records start: after a `sep=X` line (Excel's
/// way to name it), or at the top with the separator counted.
fn separator(text: &str) -> (u8, usize) {
    let first = text.split('\n').next().unwrap_or("");
    if let Some(sep) = first.trim_end_matches('\r').strip_prefix("sep=")
        && let [only] = sep.as_bytes()
    {
        return (*only, first.len() + 1);
    }
    let mut counts = [0usize; SEPARATORS.len()];
    let (mut quoted, mut lines) = (false, 0);
    for b in text.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => {
                lines += 1;
                if lines == SEPARATOR_LINES {
                    break;
                }
            }
            _ if !quoted => {
                if let Some(at) = SEPARATORS.iter().position(|s| *s == b) {
                    counts[at] += 1;
                }
            }
            _ => {}
        }
    }
    let best = (0..SEPARATORS.len())
        .rev()
        .max_by_key(|&at| counts[at])
        .unwrap_or(0);
    (SEPARATORS[best], 0)
}

/// What the reader meets as it goes through the text.
enum Event<'a> {
    /// A field of the current record, its 0-based column and its text.
    Field(usize, &'a str),
    /// The end of a record.
    EndOfRecord,
}

/// Every record's fields.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    tokenize(text, &mut |event| {
        match event {
            Event::Field(_, text) => record.push(text.to_owned()),
            Event::EndOfRecord => records.push(std::mem::take(&mut record)),
        }
        Ok(())
    })
    .expect("collecting never fails");
    records
}

/// A field's text with its line breaks as `\n` (Windows writes `\r\n` inside
/// quotes too).
fn with_plain_line_breaks(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains('\r') {
        field.replace("\r\n", "\n").replace('\r', "\n").into()
    } else {
        field.into()
    }
}

/// Hands each field and each record's end to `each` as the text is read. A blank
/// line is an empty record, as Excel shows an empty row: `csv-core` would skip
/// it, and every row after it would be named one too high.
fn tokenize(text: &str, each: &mut dyn FnMut(Event) -> Result<(), Refusal>) -> Result<(), Refusal> {
    let (separator, start) = separator(text);
    let mut reader: Reader = ReaderBuilder::new().delimiter(separator).build();
    let mut input = blank_lines(&text.as_bytes()[start.min(text.len())..], each)?;
    let mut field = vec![0u8; 1024];
    let mut filled = 0;
    let mut col = 0;
    loop {
        let (result, read, written) = reader.read_field(input, &mut field[filled..]);
        let ended_on_cr = input[..read].last() == Some(&b'\r');
        input = &input[read..];
        filled += written;
        match result {
            ReadFieldResult::InputEmpty => {}
            ReadFieldResult::OutputFull => {
                let grown = field.len() * 2;
                field.resize(grown, 0);
            }
            ReadFieldResult::Field { record_end } => {
                // The input is UTF-8 and the separators ASCII: a field is UTF-8.
                let text = String::from_utf8_lossy(&field[..filled]);
                each(Event::Field(col, &with_plain_line_breaks(&text)))?;
                filled = 0;
                col += 1;
                if record_end {
                    each(Event::EndOfRecord)?;
                    col = 0;
                    // The `\n` of a CRLF the record ended on is no blank line.
                    if ended_on_cr && input.first() == Some(&b'\n') {
                        input = &input[1..];
                    }
                    input = blank_lines(input, each)?;
                }
            }
            ReadFieldResult::End => return Ok(()),
        }
    }
}

/// The input after the blank lines at its start, each handed on as an empty record.
fn blank_lines<'a>(
    mut input: &'a [u8],
    each: &mut dyn FnMut(Event) -> Result<(), Refusal>,
) -> Result<&'a [u8], Refusal> {
    loop {
        let terminator = match input {
            [b'\r', b'\n', ..] => 2,
            [b'\n' | b'\r', ..] => 1,
            _ => return Ok(input),
        };
        input = &input[terminator..];
        each(Event::EndOfRecord)?;
    }
}

/// The file as one sheet, each row up to its last non-empty field. Held in bounded
/// memory like a workbook's rows: empty fields take no room, and a value far from
/// the others is refused by the same spread budget, naming its cell.
pub fn read_csv(bytes: &[u8]) -> Result<RawSheet, Refusal> {
    let mut budget = SpreadBudget::default();
    let mut rows: Vec<Vec<RawCell>> = Vec::new();
    let mut current: Vec<RawCell> = Vec::new();
    tokenize(&decode(bytes), &mut |event| {
        match event {
            Event::Field(col, text) => {
                let cell = text_cell(text);
                if cell != RawCell::Empty {
                    budget.place("CSV", rows.len(), col)?;
                    current.resize(col, RawCell::Empty);
                    current.push(cell);
                }
            }
            Event::EndOfRecord => rows.push(std::mem::take(&mut current)),
        }
        Ok(())
    })?;
    Ok(RawSheet {
        name: String::new(),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_encoding_and_separator() {
        let utf8 = "\u{feff}Предмет;Дата\n\"Математика; профиль\";15.09.2021\r\n";
        assert_eq!(
            parse(&decode(utf8.as_bytes())),
            vec![
                vec!["Предмет", "Дата"],
                vec!["Математика; профиль", "15.09.2021"]
            ]
        );
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode("Предмет,Дата\nФизика,\"1 234,5\"\n");
        assert_eq!(
            parse(&decode(&cp1251)),
            vec![vec!["Предмет", "Дата"], vec!["Физика", "1 234,5"]]
        );
    }

    /// Excel's «Текст Юникод»: UTF-16LE with its BOM, tabs between fields.
    #[test]
    fn reads_excel_unicode_text() {
        let text = "Предмет\tУчастники\r\nХимия\t1\u{a0}234\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            parse(&decode(&bytes)),
            vec![vec!["Предмет", "Участники"], vec!["Химия", "1\u{a0}234"]]
        );
    }

    /// Excel's «Текст (разделители — табуляция)»: Windows-1251 with tabs, and a
    /// no-break space from a copied number.
    #[test]
    fn reads_cp1251_tab_separated_text() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251
            .encode("Предмет\tУчастники\r\nОбществознание\t2\u{a0}500\r\n");
        assert_eq!(
            parse(&decode(&bytes)),
            vec![
                vec!["Предмет", "Участники"],
                vec!["Обществознание", "2\u{a0}500"]
            ]
        );
    }

    #[test]
    fn a_sep_line_names_the_separator_and_is_no_row() {
        let text = "sep=,\r\nПредмет;код,Дата\r\nФизика;1,15.09.2021\r\n";
        assert_eq!(
            parse(text),
            vec![vec!["Предмет;код", "Дата"], vec!["Физика;1", "15.09.2021"]]
        );
    }

    #[test]
    fn a_title_line_with_a_comma_does_not_decide_the_separator() {
        let text = "Расписание, 2021 год\nПредмет;Дата;Аудиторий\nФизика;15.09.2021;2\n";
        assert_eq!(parse(text)[1], vec!["Предмет", "Дата", "Аудиторий"]);
    }

    #[test]
    fn quotes_escape_quotes_and_line_breaks() {
        let text = "a;b\r\n\"он сказал \"\"да\"\"\";\"две\r\nстроки\"\r\n";
        assert_eq!(
            parse(text),
            vec![vec!["a", "b"], vec!["он сказал \"да\"", "две\nстроки"]]
        );
    }

    #[test]
    fn blank_lines_are_empty_rows() {
        for end in ["\n", "\r\n", "\r"] {
            let text = ["Заголовок", "", "a;b", "", "", "1;2", ""].join(end);
            let rows = parse(&text);
            assert_eq!(rows.len(), 6, "{end:?}: {rows:?}");
            assert_eq!(rows[2], vec!["a", "b"], "{end:?}");
            assert!(rows[3].is_empty() && rows[4].is_empty(), "{end:?}");
            assert_eq!(rows[5], vec!["1", "2"], "{end:?}");
        }
    }

    #[test]
    fn a_long_field_is_read_whole() {
        let long = "я".repeat(5_000);
        assert_eq!(
            parse(&format!("a;{long}\n")),
            vec![vec!["a", long.as_str()]]
        );
    }
}
