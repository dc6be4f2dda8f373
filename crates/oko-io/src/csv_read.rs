//! Reading an uploaded CSV the way people make them: UTF-8 with or without a BOM
//! or Windows-1251 (Excel's «CSV» on a Russian Windows), `;` or `,` between fields,
//! quoted fields with `""` and line breaks inside. Detected, never asked.

use crate::form_import::{RawSheet, text_cell};

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

/// Every record's fields.
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let separator = separator(text);
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, c) if c == separator => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n' | '\r') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// The file as one sheet.
pub fn read_csv(bytes: &[u8]) -> RawSheet {
    let rows = parse(&decode(bytes))
        .into_iter()
        .map(|record| record.into_iter().map(|f| text_cell(&f)).collect())
        .collect();
    RawSheet {
        name: String::new(),
        rows,
    }
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
