//! The red of a wrong cell, added to the file's own styles: each style a wrong
//! cell had is copied with a red fill, so its number format, font, borders and
//! protection stay (an unlocked cell of a protected template stays unlocked).

use super::{
    package::PackageError,
    xml::{Edits, Kind, Tag, tags},
};

/// Excel's own «Плохой» red.
const RED_FILL: &str = r#"<fill><patternFill patternType="solid"><fgColor rgb="FFFFC7CE"/><bgColor indexed="64"/></patternFill></fill>"#;
/// The fonts of the error list: bold, a link, plain.
const LIST_FONTS: &str = concat!(
    r#"<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>"#,
    r#"<font><u/><sz val="11"/><color rgb="FF0563C1"/><name val="Calibri"/><family val="2"/></font>"#,
);

/// The styles of a file that has none: Excel's minimum.
pub(super) const DEFAULT_STYLES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    r#"<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>"#,
    r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
    r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
    r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
    r#"<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>"#,
    r#"</styleSheet>"#
);

/// The styles part and the red copies asked for so far.
pub(super) struct RedStyles {
    xml: String,
    tags: Vec<Tag>,
    /// Each cell style (`cellXfs`' `xf`) as its byte range in the part.
    xfs: Vec<std::ops::Range<usize>>,
    /// The original style of each red copy, in the order they were asked for.
    reds: Vec<usize>,
}

struct StyleList<'a> {
    open: &'a Tag,
    close: &'a Tag,
    children: usize,
}

/// The error list's styles (indices in `cellXfs`).
pub(super) struct ListStyles {
    pub bold: usize,
    pub link: usize,
    pub wrapped: usize,
}

impl RedStyles {
    pub fn read(xml: String) -> Result<Self, PackageError> {
        let tags = tags(&xml)?;
        let mut xfs = Vec::new();
        let mut in_cell_xfs = false;
        for (at, tag) in tags.iter().enumerate() {
            match tag.kind {
                _ if tag.name() == "cellXfs" => in_cell_xfs = tag.kind == Kind::Start,
                Kind::Empty if in_cell_xfs && tag.name() == "xf" => xfs.push(tag.at.clone()),
                Kind::Start if in_cell_xfs && tag.name() == "xf" => {
                    let end = tags[at..]
                        .iter()
                        .find(|t| t.closes("xf"))
                        .ok_or("an xf without its end")?;
                    xfs.push(tag.at.start..end.at.end);
                }
                _ => {}
            }
        }
        if xfs.is_empty() {
            return Err("the styles have no cell styles".into());
        }
        Ok(RedStyles {
            xml,
            tags,
            xfs,
            reds: Vec::new(),
        })
    }

    /// The red copy of cell style `style` (a style the file lacks: its first).
    pub fn red(&mut self, style: usize) -> usize {
        let style = if style < self.xfs.len() { style } else { 0 };
        let at = match self.reds.iter().position(|&s| s == style) {
            Some(at) => at,
            None => {
                self.reds.push(style);
                self.reds.len() - 1
            }
        };
        self.xfs.len() + at
    }

    /// The list's styles, after every red copy.
    pub fn list_styles(&self) -> ListStyles {
        let first = self.xfs.len() + self.reds.len();
        ListStyles {
            bold: first,
            link: first + 1,
            wrapped: first + 2,
        }
    }

    /// The part with the red fill, the list's fonts and every style added.
    pub fn finish(self) -> Result<String, PackageError> {
        let (fills, fonts, xfs) = (
            self.list("fills")?,
            self.list("fonts")?,
            self.list("cellXfs")?,
        );
        let mut edits = Edits::default();
        for (list, added, text) in [
            (&fills, 1, RED_FILL.to_owned()),
            (&fonts, 2, LIST_FONTS.to_owned()),
            (
                &xfs,
                self.reds.len() + 3,
                self.added_styles(fills.children, fonts.children),
            ),
        ] {
            let count = (list.children + added).to_string();
            edits.replace(
                list.open.at.clone(),
                list.open.with_attributes(&[("count", &count)]),
            );
            edits.insert(list.close.at.start, text);
        }
        Ok(edits.apply(&self.xml))
    }

    /// A list of styles (`fills`, `fonts`, `cellXfs`): its tags and how many
    /// entries it has.
    fn list(&self, name: &str) -> Result<StyleList<'_>, PackageError> {
        let missing = || format!("the styles have no {name}");
        let at = self
            .tags
            .iter()
            .position(|t| t.depth == 1 && t.kind == Kind::Start && t.name() == name)
            .ok_or_else(missing)?;
        let open = &self.tags[at];
        let inside = &self.tags[at + 1..];
        let close = inside
            .iter()
            .find(|t| t.depth == 1 && t.closes(name))
            .ok_or_else(missing)?;
        let children = inside
            .iter()
            .take_while(|t| !std::ptr::eq(*t, close))
            .filter(|t| t.depth == 2 && t.kind != Kind::End)
            .count();
        Ok(StyleList {
            open,
            close,
            children,
        })
    }

    /// The red copies, then the list's three styles.
    fn added_styles(&self, red_fill: usize, first_font: usize) -> String {
        let mut added = String::new();
        for &style in &self.reds {
            let range = self.xfs[style].clone();
            let tag = self
                .tags
                .iter()
                .find(|t| t.at.start == range.start)
                .expect("each style is a tag");
            added.push_str(
                &tag.with_attributes(&[("fillId", &red_fill.to_string()), ("applyFill", "1")]),
            );
            added.push_str(&self.xml[tag.at.end..range.end]);
        }
        let (bold, link) = (first_font, first_font + 1);
        added.push_str(&format!(
            r#"<xf numFmtId="0" fontId="{bold}" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="{link}" fillId="0" borderId="0" xfId="0" applyFont="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>"#
        ));
        added
    }
}
