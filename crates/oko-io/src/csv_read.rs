//! Reading an uploaded CSV the way people make them: UTF-8 with or without a BOM
//! or Windows-1251 (Excel's «CSV» on a Russian Windows), `;` or `,` between fields,
//! quoted fields with `""` and line breaks inside. Detected, never asked.

use crate::{
    form_import::{RawCell, RawSheet, text_cell},
    workbook::{Refusal, SpreadBudget},
};

/// The text of the file: UTF-8 (BOM dropped) when it is valid UTF-8, otherwise
/// Windows-1251.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1251.decode(bytes).0.into_owned(),
    }
}

/// `;` or `,`: whichever appears more often outside quotes in the first line.
fn separator(text: &str) -> char {
    let mut quoted = false;
    let (mut semicolons, mut commas) = (0, 0);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' if !quoted => break,
            ';' if !quoted => semicolons += 1,
            ',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if semicolons >= commas && semicolons > 0 {
        ';'
    } else {
        ','
    }
}

/// What the reader meets as it goes through the text.
enum Event<'a> {
    /// A field of the current record, its 0-based column and its text.
    Field(usize, &'a mut String),
    /// The end of a record.
    EndOfRecord,
}

/// Every record's fields.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    tokenize(text, &mut |event| {
        match event {
            Event::Field(_, text) => record.push(std::mem::take(text)),
            Event::EndOfRecord => records.push(std::mem::take(&mut record)),
        }
        Ok(())
    })
    .expect("collecting never fails");
    records
}

/// Hands each field and each record's end to `each` as the text is read: a file is
/// never held as fields, and an empty field costs nothing.
fn tokenize(text: &str, each: &mut dyn FnMut(Event) -> Result<(), Refusal>) -> Result<(), Refusal> {
    let separator = separator(text);
    let mut col = 0;
    let mut field = String::new();
    let mut quoted = false;
    let mut pending = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        pending = true;
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == separator => {
                each(Event::Field(col, &mut field))?;
                field.clear();
                col += 1;
            }
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                each(Event::Field(col, &mut field))?;
                field.clear();
                each(Event::EndOfRecord)?;
                col = 0;
                pending = false;
            }
            (false, c) => field.push(c),
        }
    }
    if pending {
        each(Event::Field(col, &mut field))?;
        each(Event::EndOfRecord)?;
    }
    Ok(())
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

    #[test]
    fn quotes_escape_quotes_and_line_breaks() {
        let text = "a;b\n\"он сказал \"\"да\"\"\";\"две\nстроки\"\n";
        assert_eq!(
            parse(text),
            vec![vec!["a", "b"], vec!["он сказал \"да\"", "две\nстроки"]]
        );
    }
}
