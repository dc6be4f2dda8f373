//! The messages as cell notes: added to the sheet's own notes when it has some
//! (a template's hints), in a notes part of their own otherwise, each with the
//! legacy drawing shape Excel needs to show a note.

use super::{
    package::{Package, PackageError},
    xml::{Edits, escaped, tags},
};
use crate::form_template::column_letters;

const AUTHOR: &str = "ФИС ОКО";
const COMMENTS_TYPE: &str =
    "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml";
const VML_TYPE: &str = "application/vnd.openxmlformats-officedocument.vmlDrawing";
/// The note shape's type, as Excel writes it.
const NOTE_SHAPE_TYPE: &str = r#"<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>"#;

/// Where a sheet's notes go.
pub(super) struct NotesOf<'a> {
    pub sheet_part: &'a str,
    /// The sheet's own `legacyDrawing` id, or `None` when the marking added one
    /// with `new_drawing_id`.
    pub own_drawing: Option<&'a str>,
    pub new_drawing_id: &'a str,
}

/// Adds `notes` ((row, column) 0-based, text) to the sheet. A cell that already
/// has a note keeps it (its fill and the error list still show the problem).
pub(super) fn add_notes(
    package: &mut Package,
    sheet: NotesOf,
    notes: &[((usize, usize), &str)],
) -> Result<(), PackageError> {
    let relationships = package.relationships(sheet.sheet_part)?;
    // A new drawing's relationship first: its id was chosen before the notes'.
    let (drawing_part, drawing) = match sheet.own_drawing {
        Some(id) => {
            let part = relationships
                .iter()
                .find(|(own, _, _)| own == id)
                .map(|(_, _, part)| part.clone())
                .ok_or("the sheet's drawing is missing")?;
            let drawing = package
                .text(&part)?
                .ok_or("the sheet's drawing is missing")?;
            (part, drawing)
        }
        None => {
            let part = package.unused(|n| format!("xl/drawings/vmlDrawing{n}.vml"));
            package.relate(sheet.sheet_part, sheet.new_drawing_id, "vmlDrawing", &part)?;
            package.declare(None, "vml", VML_TYPE)?;
            (part, EMPTY_DRAWING.to_owned())
        }
    };
    let added = match relationships.iter().find(|(_, kind, _)| kind == "comments") {
        Some((_, _, part)) => {
            let part = part.clone();
            let existing = package.text(&part)?.ok_or("a missing notes part")?;
            let (merged, added) = merge_comments(&existing, notes)?;
            package.put(&part, merged.into_bytes());
            added
        }
        None => {
            let part = package.unused(|n| format!("xl/comments{n}.xml"));
            let id = package.fresh_id(sheet.sheet_part)?;
            package.relate(sheet.sheet_part, &id, "comments", &part)?;
            package.declare(Some(&part), "", COMMENTS_TYPE)?;
            let (text, added) = merge_comments(EMPTY_COMMENTS, notes)?;
            package.put(&part, text.into_bytes());
            added
        }
    };
    let shapes: Vec<(usize, usize)> = notes
        .iter()
        .zip(&added)
        .filter(|(_, added)| **added)
        .map(|(((row, column), _), _)| (*row, *column))
        .collect();
    package.put(&drawing_part, with_shapes(&drawing, &shapes)?.into_bytes());
    Ok(())
}

const EMPTY_COMMENTS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><comments xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><authors></authors><commentList></commentList></comments>"#;
const EMPTY_DRAWING: &str = r#"<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout></xml>"#;

/// The notes part with ours added (our author last); whether each was added (a
/// cell with a note of its own keeps it).
fn merge_comments(
    xml: &str,
    notes: &[((usize, usize), &str)],
) -> Result<(String, Vec<bool>), PackageError> {
    let found = tags(xml)?;
    let authors: Vec<&str> = found
        .windows(2)
        .filter(|pair| pair[0].opens("author"))
        .map(|pair| &xml[pair[0].at.end..pair[1].at.start])
        .collect();
    let (author, new_author) = match authors.iter().position(|name| *name == AUTHOR) {
        Some(at) => (at, false),
        None => (authors.len(), true),
    };
    let taken: std::collections::HashSet<&str> = found
        .iter()
        .filter(|t| t.opens("comment"))
        .filter_map(|t| t.attribute("ref"))
        .collect();
    let prefix = found
        .first()
        .map(|root| root.qname[..root.qname.len() - root.name().len()].to_owned())
        .unwrap_or_default();
    let mut added = Vec::with_capacity(notes.len());
    let mut comments = String::new();
    for ((row, column), text) in notes {
        let reference = format!("{}{}", column_letters(*column), row + 1);
        let fresh = !taken.contains(reference.as_str());
        if fresh {
            comments.push_str(&format!(
                r#"<{prefix}comment ref="{reference}" authorId="{author}"><{prefix}text><{prefix}t xml:space="preserve">{}</{prefix}t></{prefix}text></{prefix}comment>"#,
                escaped(text)
            ));
        }
        added.push(fresh);
    }
    let mut edits = Edits::default();
    let end_of = |name: &str| {
        found
            .iter()
            .find(|t| t.closes(name))
            .map(|t| t.at.start)
            .ok_or_else(|| format!("the notes part has no {name}"))
    };
    if new_author {
        edits.insert(
            end_of("authors")?,
            format!("<{prefix}author>{AUTHOR}</{prefix}author>"),
        );
    }
    edits.insert(end_of("commentList")?, comments);
    Ok((edits.apply(xml), added))
}

/// The drawing with a note shape for each cell. A drawing is not always
/// well-formed XML (Excel's own leaves `<br>` open), so it is only appended to.
fn with_shapes(drawing: &str, cells: &[(usize, usize)]) -> Result<String, PackageError> {
    let end = drawing.rfind("</xml>").ok_or("the drawing has no </xml>")?;
    let mut shapes = String::new();
    if !drawing.contains("_x0000_t202") {
        shapes.push_str(NOTE_SHAPE_TYPE);
    }
    let mut id = last_shape_id(drawing).max(1024);
    for (row, column) in cells {
        id += 1;
        shapes.push_str(&note_shape(id, *row, *column));
    }
    Ok(format!("{}{shapes}{}", &drawing[..end], &drawing[end..]))
}

/// The largest `_x0000_sN` of the drawing's shapes.
fn last_shape_id(drawing: &str) -> usize {
    drawing
        .match_indices("_x0000_s")
        .filter_map(|(at, found)| {
            let digits = &drawing[at + found.len()..];
            let end = digits
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(digits.len());
            digits[..end].parse().ok()
        })
        .max()
        .unwrap_or(0)
}

/// A hidden note box to the right of its cell, six columns wide.
fn note_shape(id: usize, row: usize, column: usize) -> String {
    let (left, top) = ((column + 1) * 48 + 3, row * 15 + 2);
    format!(
        concat!(
            r##"<v:shape id="_x0000_s{id}" type="#_x0000_t202" style="position:absolute;margin-left:{left}pt;margin-top:{top}pt;width:270pt;height:90pt;z-index:{id};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto">"##,
            r##"<v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>"##,
            r##"<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>"##,
            r##"<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>{c1}, 15, {row}, 2, {c2}, 15, {r2}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{column}</x:Column></x:ClientData></v:shape>"##
        ),
        id = id,
        left = left,
        top = top,
        c1 = column + 1,
        c2 = column + 6,
        row = row,
        r2 = row + 6,
        column = column,
    )
}
