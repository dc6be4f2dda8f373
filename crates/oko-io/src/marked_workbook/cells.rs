//! A worksheet's XML with its wrong cells marked: each wrong cell's style
//! swapped for its red copy, an empty wrong cell (or row) the file lacks added,
//! and the sheet pointed at its notes. Read once as a stream of tags and copied
//! byte for byte between the changes: a 5,000-row sheet is marked in one pass.

use std::io::{Read, Write};

use memchr::memmem;
use quick_xml::{
    Reader,
    events::{BytesStart, Event},
};

use super::{
    package::{PackageError, RELATIONSHIPS_NS},
    styles::RedStyles,
    window::Window,
};
use crate::form_template::column_letters;

/// The worksheet's elements that come after `legacyDrawing` (the schema fixes
/// their order), before the first of which a new one goes.
const AFTER_LEGACY_DRAWING: [&[u8]; 9] = [
    b"legacyDrawingHF",
    b"drawingHF",
    b"picture",
    b"oleObjects",
    b"controls",
    b"webPublishItems",
    b"tableParts",
    b"extLst",
    b"AlternateContent",
];

/// What the marked sheet's writer is handed at a time.
const SPILL: usize = 128 * 1024;

/// The marked sheet.
pub(super) struct MarkedSheet {
    /// The relationship id of the sheet's own `legacyDrawing` (its notes'
    /// drawing), when it had one; otherwise one pointing at `drawing_id` was added.
    pub own_drawing: Option<String>,
}

/// The sheet read from `source` with the cells at `marks` ((row, column),
/// 0-based, in order) red, written to `sink` a piece at a time: the sheet is
/// read as it is inflated and written as it is marked, never held whole.
pub(super) fn mark_cells(
    source: &mut dyn Read,
    marks: &[(usize, usize)],
    styles: &mut RedStyles,
    drawing_id: &str,
    sink: &mut dyn Write,
) -> Result<MarkedSheet, PackageError> {
    let mut pass = Pass {
        xml: Window::new(source),
        out: Vec::with_capacity(SPILL + 4096),
        sink,
        failed: None,
        copied: 0,
        marks,
        next: 0,
        prefix: Vec::new(),
        columns: Vec::new(),
        row: None,
        last_row: None,
        column: None,
        styles,
    };
    // The sheet's tags are read up to its rows (`head`), the rows a row at a
    // time (`Pass::rows`), then what follows them (`tail`).
    let head_end = rows_start(&mut pass.xml)?;
    let head = pass.xml.at(0..head_end).to_vec();
    let mut tail: Vec<u8>;
    let mut reader = reader_of(&head);
    // Where `reader` starts in the sheet, and whether it reads the tail yet.
    let (mut base, mut in_tail) = (0, false);
    let (mut depth, mut after_data) = (0usize, false);
    let (mut own_drawing, mut drawing_written) = (None, false);
    loop {
        let start = base + reader.buffer_position() as usize;
        let event = reader.read_event()?;
        let end = base + reader.buffer_position() as usize;
        match event {
            Event::Eof if in_tail => break,
            Event::Eof => {
                // A sheet without rows (or with `<sheetData/>`) goes on here.
                pass.xml.hold_all()?;
                tail = pass.xml.at(head_end..pass.xml.end()).to_vec();
                reader = reader_of(&tail);
                (base, in_tail) = (head_end, true);
            }
            Event::Start(ref tag) | Event::Empty(ref tag) => {
                let empty = matches!(event, Event::Empty(_));
                let name = tag.local_name();
                match name.as_ref() {
                    _ if depth == 0 => {
                        let qname = tag.name();
                        pass.prefix =
                            qname.as_ref()[..qname.as_ref().len() - name.as_ref().len()].to_vec();
                    }
                    b"col" => pass.column_style(tag)?,
                    b"sheetData" if empty => {
                        pass.copy_to(start);
                        pass.write_tag(b"sheetData", "");
                        pass.rows_before(usize::MAX);
                        pass.write_end(b"sheetData");
                        pass.copied = end;
                        after_data = true;
                    }
                    b"sheetData" => {
                        let close = pass.rows(end)?;
                        pass.xml.hold_all()?;
                        tail = pass.xml.at(close..pass.xml.end()).to_vec();
                        reader = reader_of(&tail);
                        (base, in_tail) = (close, true);
                    }
                    b"legacyDrawing" if depth == 1 => {
                        own_drawing = attribute(tag, b"id")?;
                    }
                    other
                        if depth == 1
                            && after_data
                            && own_drawing.is_none()
                            && !drawing_written
                            && AFTER_LEGACY_DRAWING.contains(&other) =>
                    {
                        pass.copy_to(start);
                        pass.legacy_drawing(drawing_id);
                        drawing_written = true;
                    }
                    _ => {}
                }
                if !empty {
                    depth += 1;
                }
            }
            Event::End(ref tag) => {
                depth = depth.saturating_sub(1);
                match tag.local_name().as_ref() {
                    b"sheetData" => {
                        pass.copy_to(start);
                        pass.rows_before(usize::MAX);
                        after_data = true;
                    }
                    _ if depth == 0 && own_drawing.is_none() && !drawing_written => {
                        pass.copy_to(start);
                        pass.legacy_drawing(drawing_id);
                        drawing_written = true;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    pass.copy_to(pass.xml.end());
    pass.spill();
    match pass.failed {
        Some(error) => Err(error.into()),
        None => Ok(MarkedSheet { own_drawing }),
    }
}

/// Where the sheet's rows start: just after its `<sheetData …>` tag, or its
/// end when it has none (everything before is read as tags).
fn rows_start(xml: &mut Window) -> Result<usize, PackageError> {
    let name = memmem::Finder::new(b"sheetData");
    let mut from = 0;
    while let Some(at) = xml.find(from, &name)? {
        let named = at > 0 && matches!(xml.at(at - 1..at), [b'<' | b':']);
        let ends = matches!(
            xml.byte(at + b"sheetData".len())?,
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
        );
        if named && ends {
            let close = xml.find_byte(at, b'>')?.ok_or_else(unclosed)?;
            return Ok(close + 1);
        }
        from = at + 1;
    }
    xml.hold_all()?;
    Ok(xml.end())
}

fn unclosed() -> quick_xml::Error {
    quick_xml::Error::Syntax(quick_xml::errors::SyntaxError::UnclosedTag)
}

/// The state of one pass over a sheet.
struct Pass<'a> {
    /// The sheet as read so far (what is copied is let go of).
    xml: Window<'a>,
    /// What is written and not yet handed to `sink`.
    out: Vec<u8>,
    sink: &'a mut dyn Write,
    /// The first error `sink` gave (the pass goes on; its result says so).
    failed: Option<std::io::Error>,
    /// How much of `xml` is in `out`.
    copied: usize,
    marks: &'a [(usize, usize)],
    /// The first mark not yet written.
    next: usize,
    /// The main namespace's prefix (`x:`), empty when it is the default one.
    prefix: Vec<u8>,
    /// `<col min max style>`: the style of a column's empty cells.
    columns: Vec<(usize, usize, usize)>,
    /// The row being read: its index and the style of its empty cells.
    row: Option<(usize, Option<usize>)>,
    last_row: Option<usize>,
    /// The last cell's column in the row being read.
    column: Option<usize>,
    styles: &'a mut RedStyles,
}

impl Pass<'_> {
    /// The rows from `from` on, marked: only the tags of rows are read, and the
    /// cells of the rows that have marks. The place of `</sheetData>`.
    fn rows(&mut self, from: usize) -> Result<usize, PackageError> {
        let with_prefix = |before: &[u8], name: &[u8]| [before, &self.prefix, name].concat();
        let data_close = with_prefix(b"</", b"sheetData");
        let row_open = with_prefix(b"<", b"row");
        let row_close = with_prefix(b"</", b"row>");
        let (rows, close_finder, row_end_finder) = (
            memmem::Finder::new(&row_open),
            memmem::Finder::new(&data_close),
            memmem::Finder::new(&row_close),
        );
        let mut at = from;
        loop {
            // Rows without marks are copied as they pass: what is held stays small.
            self.copy_to(at);
            self.xml.forget_before(self.copied);
            let next = self.xml.find(at, &rows)?;
            // `</sheetData>` is looked for only between rows: each byte once.
            let between = at..next.unwrap_or_else(|| self.xml.end());
            if let Some(close) = self.xml.find_within(between, &close_finder) {
                return Ok(close);
            }
            let start = next.ok_or_else(unclosed)?;
            let after = start + row_open.len();
            // Rows hold only cells: a `<` in the sheet's data starts a tag.
            if !matches!(
                self.xml.byte(after)?,
                Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
            ) {
                at = after;
                continue;
            }
            let end = self.xml.find_byte(after, b'>')?.ok_or_else(unclosed)? + 1;
            let empty = self.xml.at(end - 2..end - 1) == b"/";
            let content = String::from_utf8(
                self.xml
                    .at(start + 1..end - if empty { 2 } else { 1 })
                    .to_vec(),
            )?;
            self.row(
                &BytesStart::from_content(content.as_str(), row_open.len() - 1),
                start,
                end,
                empty,
            )?;
            at = end;
            let Some((row, _)) = self.row else {
                continue;
            };
            if !self.has_marks_in(row) {
                self.row = None;
                continue;
            }
            let row_end = self.xml.find(end, &row_end_finder)?.ok_or_else(unclosed)?;
            self.cells(end, row_end)?;
            self.copy_to(row_end);
            self.cells_before(usize::MAX);
            self.row = None;
            at = row_end + row_close.len();
        }
    }

    /// The cells of the row being read, between `from` and `to`.
    fn cells(&mut self, from: usize, to: usize) -> Result<(), quick_xml::Error> {
        let row = self.xml.at(from..to).to_vec();
        let mut reader = reader_of(&row);
        loop {
            let start = from + reader.buffer_position() as usize;
            let event = reader.read_event()?;
            let end = from + reader.buffer_position() as usize;
            match event {
                Event::Eof => return Ok(()),
                Event::Start(ref tag) if tag.local_name().as_ref() == b"c" => {
                    self.cell(tag, start, end, false)?;
                }
                Event::Empty(ref tag) if tag.local_name().as_ref() == b"c" => {
                    self.cell(tag, start, end, true)?;
                }
                _ => {}
            }
        }
    }

    fn copy_to(&mut self, to: usize) {
        self.out.extend_from_slice(self.xml.at(self.copied..to));
        self.copied = to;
        if self.out.len() >= SPILL {
            self.spill();
        }
    }

    /// Hands what is written so far to the sink.
    fn spill(&mut self) {
        if self.failed.is_none()
            && let Err(error) = self.sink.write_all(&self.out)
        {
            self.failed = Some(error);
        }
        self.out.clear();
    }

    fn pending(&self) -> Option<(usize, usize)> {
        self.marks.get(self.next).copied()
    }

    fn has_marks_in(&self, row: usize) -> bool {
        self.pending().is_some_and(|(r, _)| r == row)
    }

    fn write_tag(&mut self, name: &[u8], attributes: &str) {
        self.out.push(b'<');
        self.out.extend_from_slice(&self.prefix);
        self.out.extend_from_slice(name);
        self.out.extend_from_slice(attributes.as_bytes());
        self.out.push(b'>');
    }

    fn write_end(&mut self, name: &[u8]) {
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(&self.prefix);
        self.out.extend_from_slice(name);
        self.out.push(b'>');
    }

    fn legacy_drawing(&mut self, id: &str) {
        self.write_tag(
            b"legacyDrawing",
            &format!(r#" xmlns:r="{RELATIONSHIPS_NS}" r:id="{id}"/"#),
        );
    }

    fn column_style(&mut self, tag: &BytesStart) -> Result<(), quick_xml::Error> {
        let number = |name: &[u8]| -> Result<Option<usize>, quick_xml::Error> {
            Ok(attribute(tag, name)?.and_then(|v| v.parse().ok()))
        };
        if let (Some(min), Some(max), Some(style)) =
            (number(b"min")?, number(b"max")?, number(b"style")?)
        {
            // 1-based in the file.
            self.columns
                .push((min.saturating_sub(1), max.saturating_sub(1), style));
        }
        Ok(())
    }

    /// A row's start: the marked rows the file lacks before it are written, and
    /// an empty row tag with marks opened to hold them.
    fn row(
        &mut self,
        tag: &BytesStart,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), quick_xml::Error> {
        let index = match attribute(tag, b"r")?.and_then(|r| r.parse::<usize>().ok()) {
            Some(r) => r.saturating_sub(1),
            None => self.last_row.map_or(0, |last| last + 1),
        };
        self.last_row = Some(index);
        if self.pending().is_some_and(|(row, _)| row < index) {
            self.copy_to(start);
            self.rows_before(index);
        }
        let customised = attribute(tag, b"customFormat")?.is_some_and(|v| v == "1" || v == "true");
        let style = if customised {
            attribute(tag, b"s")?.and_then(|s| s.parse().ok())
        } else {
            None
        };
        self.row = Some((index, style));
        self.column = None;
        if empty {
            if self.pending().is_some_and(|(row, _)| row == index) {
                self.copy_to(start);
                let qname = tag.name();
                self.out.push(b'<');
                self.out.extend_from_slice(qname.as_ref());
                self.out.extend_from_slice(tag.attributes_raw());
                self.out.push(b'>');
                self.copied = end;
                self.cells_before(usize::MAX);
                self.write_end(b"row");
            }
            self.row = None;
        }
        Ok(())
    }

    /// A cell: marks before it written as new cells; itself made red when marked.
    fn cell(
        &mut self,
        tag: &BytesStart,
        start: usize,
        end: usize,
        empty: bool,
    ) -> Result<(), quick_xml::Error> {
        let Some((row, _)) = self.row else {
            return Ok(());
        };
        if !self.has_marks_in(row) {
            // Nothing more to mark in this row: its cells need not be read.
            return Ok(());
        }
        let column = match attribute(tag, b"r")?.and_then(|r| column_of(&r)) {
            Some(column) => column,
            None => self.column.map_or(0, |c| c + 1),
        };
        self.column = Some(column);
        if self.pending().is_some_and(|(r, c)| r == row && c < column) {
            self.copy_to(start);
            self.cells_before(column);
        }
        if self.pending() == Some((row, column)) {
            self.copy_to(start);
            let own = attribute(tag, b"s")?
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let red = self.styles.red(own).to_string();
            self.out.push(b'<');
            self.out.extend_from_slice(tag.name().as_ref());
            for attribute in tag.attributes().flatten() {
                if attribute.key.as_ref() != b"s" {
                    self.out.push(b' ');
                    self.out.extend_from_slice(attribute.key.as_ref());
                    self.out.extend_from_slice(b"=\"");
                    self.out.extend_from_slice(&attribute.value);
                    self.out.push(b'"');
                }
            }
            self.out
                .extend_from_slice(format!(r#" s="{red}""#).as_bytes());
            self.out.extend_from_slice(if empty { b"/>" } else { b">" });
            self.copied = end;
            self.next += 1;
        }
        Ok(())
    }

    /// The marked cells of the current row before `column`, as new empty cells.
    fn cells_before(&mut self, column: usize) {
        let Some((row, row_style)) = self.row else {
            return;
        };
        while let Some((r, c)) = self.pending().filter(|&(r, c)| r == row && c < column) {
            let own = row_style.unwrap_or_else(|| self.column_style_of(c));
            let style = self.styles.red(own);
            self.write_tag(
                b"c",
                &format!(r#" r="{}{}" s="{style}"/"#, column_letters(c), r + 1),
            );
            self.next += 1;
        }
    }

    /// The marked rows the file lacks before row `index`, written whole.
    fn rows_before(&mut self, index: usize) {
        while let Some((row, _)) = self.pending().filter(|&(row, _)| row < index) {
            self.write_tag(b"row", &format!(r#" r="{}""#, row + 1));
            self.row = Some((row, None));
            self.cells_before(usize::MAX);
            self.write_end(b"row");
        }
        self.row = None;
    }

    fn column_style_of(&self, column: usize) -> usize {
        self.columns
            .iter()
            .find(|(min, max, _)| (*min..=*max).contains(&column))
            .map_or(0, |(_, _, style)| *style)
    }
}

/// A reader of a piece of the sheet: its tags' ends may be outside the piece.
fn reader_of(xml: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(xml);
    let config = reader.config_mut();
    config.check_end_names = false;
    config.allow_unmatched_ends = true;
    reader
}

/// An attribute's value by its name without prefix.
fn attribute(tag: &BytesStart, name: &[u8]) -> Result<Option<String>, quick_xml::Error> {
    for attribute in tag.attributes() {
        let attribute = attribute.map_err(quick_xml::Error::InvalidAttr)?;
        if attribute.key.local_name().as_ref() == name {
            // Numbers and cell references: nothing in them is escaped.
            return Ok(Some(String::from_utf8_lossy(&attribute.value).into_owned()));
        }
    }
    Ok(None)
}

/// The 0-based column of a cell reference (`AB12` → 27).
fn column_of(reference: &str) -> Option<usize> {
    let letters = reference.bytes().take_while(u8::is_ascii_alphabetic);
    let mut column = 0usize;
    let mut any = false;
    for letter in letters {
        column = column
            .checked_mul(26)?
            .checked_add(usize::from(letter.to_ascii_uppercase() - b'A') + 1)?;
        any = true;
    }
    any.then(|| column - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marked_workbook::styles::{DEFAULT_STYLES, RedStyles};

    fn marked(xml: &str, marks: &[(usize, usize)]) -> (String, Option<String>) {
        let mut styles = RedStyles::read(DEFAULT_STYLES.to_owned()).unwrap();
        let mut out = Vec::new();
        let sheet =
            mark_cells(&mut xml.as_bytes(), marks, &mut styles, "rIdNew", &mut out).unwrap();
        (String::from_utf8(out).unwrap(), sheet.own_drawing)
    }

    #[test]
    fn a_sheet_larger_than_a_piece_comes_out_whole() {
        let rows: String = (1..=20_000)
            .map(|r| format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#))
            .collect();
        let xml = format!("<worksheet><sheetData>{rows}</sheetData></worksheet>");
        assert!(xml.len() > 3 * SPILL);
        let (out, _) = marked(&xml, &[(9_999, 0)]);
        let expected = xml
            .replace(
                r#"<c r="A10000"><v>"#,
                r#"<c r="A10000" s="1"><v>"#,
            )
            .replace(
                "</sheetData></worksheet>",
                r#"</sheetData><legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdNew"/></worksheet>"#,
            );
        assert_eq!(out, expected);
    }

    #[test]
    fn marked_cells_rows_and_the_drawing_go_where_the_schema_wants_them() {
        let xml = concat!(
            r#"<worksheet xmlns="main"><cols><col min="1" max="3" width="9" style="0"/></cols><sheetData>"#,
            r#"<row r="2"><c r="A2" s="0"><v>1</v></c><c r="C2"><v>3</v></c></row>"#,
            r#"<row r="5"/>"#,
            r#"</sheetData><pageMargins left="0.7"/><tableParts count="0"/></worksheet>"#
        );
        let (out, own) = marked(xml, &[(0, 1), (1, 0), (1, 1), (1, 2), (4, 2), (6, 0)]);
        assert_eq!(own, None);
        assert_eq!(
            out,
            concat!(
                r#"<worksheet xmlns="main"><cols><col min="1" max="3" width="9" style="0"/></cols><sheetData>"#,
                r#"<row r="1"><c r="B1" s="1"/></row>"#,
                r#"<row r="2"><c r="A2" s="1"><v>1</v></c><c r="B2" s="1"/><c r="C2" s="1"><v>3</v></c></row>"#,
                r#"<row r="5"><c r="C5" s="1"/></row>"#,
                r#"<row r="7"><c r="A7" s="1"/></row>"#,
                r#"</sheetData><pageMargins left="0.7"/>"#,
                r#"<legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdNew"/>"#,
                r#"<tableParts count="0"/></worksheet>"#
            )
        );
    }

    #[test]
    fn a_prefixed_sheet_without_references_and_its_own_drawing() {
        let xml = concat!(
            r#"<x:worksheet xmlns:x="main" xmlns:r="rels"><x:sheetData>"#,
            r#"<x:row><x:c><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>"#,
            r#"</x:sheetData><x:legacyDrawing r:id="rId3"/></x:worksheet>"#
        );
        let (out, own) = marked(xml, &[(0, 1)]);
        assert_eq!(own.as_deref(), Some("rId3"));
        assert!(
            out.contains(r#"<x:c><x:v>1</x:v></x:c><x:c s="1"><x:v>2</x:v></x:c>"#),
            "{out}"
        );
        assert_eq!(out.matches("legacyDrawing").count(), 1, "{out}");
    }

    #[test]
    fn an_empty_sheet_gets_its_marked_rows() {
        let (out, _) = marked(r#"<worksheet><sheetData/></worksheet>"#, &[(2, 0)]);
        assert_eq!(
            out,
            r#"<worksheet><sheetData><row r="3"><c r="A3" s="1"/></row></sheetData><legacyDrawing xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdNew"/></worksheet>"#
        );
    }
}
