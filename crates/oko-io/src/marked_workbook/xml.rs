//! The small parts of a workbook (styles, the workbook, relationships, content
//! types, notes) read as a list of tags with their byte places, and changed by
//! splicing text in: everything the edit does not touch stays byte for byte.

use std::ops::Range;

use quick_xml::{Reader, escape::escape, events::Event};

/// One tag of a part.
pub(super) struct Tag {
    /// As written, with its prefix (`x:c`).
    pub qname: String,
    pub kind: Kind,
    /// Its bytes in the part.
    pub at: Range<usize>,
    /// 0 for the root element, 1 for its children.
    pub depth: usize,
    /// Qualified names and unescaped values, in order.
    pub attributes: Vec<(String, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Kind {
    Start,
    Empty,
    End,
}

impl Tag {
    /// The name without its prefix.
    pub fn name(&self) -> &str {
        local(&self.qname)
    }

    pub fn opens(&self, name: &str) -> bool {
        self.kind != Kind::End && self.name() == name
    }

    pub fn closes(&self, name: &str) -> bool {
        self.kind == Kind::End && self.name() == name
    }

    /// An attribute's value by its name without prefix (`id` finds `r:id`).
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| local(key) == name)
            .map(|(_, value)| value.as_str())
    }

    /// The tag written again with each `(name, value)` set (added when missing).
    pub fn with_attributes(&self, changes: &[(&str, &str)]) -> String {
        let mut attributes = self.attributes.clone();
        for (name, value) in changes {
            match attributes.iter_mut().find(|(key, _)| local(key) == *name) {
                Some((_, old)) => *old = (*value).to_owned(),
                None => attributes.push(((*name).to_owned(), (*value).to_owned())),
            }
        }
        start_tag(&self.qname, &attributes, self.kind == Kind::Empty)
    }
}

/// `<name a="v" …>` (or `…/>` when `empty`), values escaped.
pub(super) fn start_tag(qname: &str, attributes: &[(String, String)], empty: bool) -> String {
    let mut tag = format!("<{qname}");
    for (key, value) in attributes {
        tag.push_str(&format!(" {key}=\"{}\"", escape(value.as_str())));
    }
    tag.push_str(if empty { "/>" } else { ">" });
    tag
}

/// The name without its prefix.
pub(super) fn local(qname: &str) -> &str {
    qname.rsplit(':').next().unwrap_or(qname)
}

/// Every tag of `xml`.
pub(super) fn tags(xml: &str) -> Result<Vec<Tag>, quick_xml::Error> {
    let mut reader = Reader::from_str(xml);
    let mut found = Vec::new();
    let mut depth = 0;
    loop {
        let start = reader.buffer_position() as usize;
        let event = reader.read_event()?;
        let end = reader.buffer_position() as usize;
        let (kind, element) = match event {
            Event::Eof => return Ok(found),
            Event::Start(element) => (Kind::Start, element),
            Event::Empty(element) => (Kind::Empty, element),
            Event::End(element) => {
                depth -= 1;
                found.push(Tag {
                    qname: String::from_utf8_lossy(element.name().as_ref()).into_owned(),
                    kind: Kind::End,
                    at: start..end,
                    depth,
                    attributes: Vec::new(),
                });
                continue;
            }
            _ => continue,
        };
        let mut attributes = Vec::new();
        for attribute in element.attributes() {
            let attribute = attribute.map_err(quick_xml::Error::InvalidAttr)?;
            attributes.push((
                String::from_utf8_lossy(attribute.key.as_ref()).into_owned(),
                attribute
                    .decode_and_unescape_value(reader.decoder())?
                    .into_owned(),
            ));
        }
        found.push(Tag {
            qname: String::from_utf8_lossy(element.name().as_ref()).into_owned(),
            kind,
            at: start..end,
            depth,
            attributes,
        });
        if kind == Kind::Start {
            depth += 1;
        }
    }
}

/// Text to splice into a part: inserted at a place or replacing a range.
#[derive(Default)]
pub(super) struct Edits(Vec<(Range<usize>, String)>);

impl Edits {
    pub fn insert(&mut self, at: usize, text: String) {
        self.0.push((at..at, text));
    }

    pub fn replace(&mut self, range: Range<usize>, text: String) {
        self.0.push((range, text));
    }

    /// `xml` with every edit made (insertions at one place keep their order).
    pub fn apply(mut self, xml: &str) -> String {
        self.0.sort_by_key(|(range, _)| range.start);
        let mut out =
            String::with_capacity(xml.len() + self.0.iter().map(|(_, t)| t.len()).sum::<usize>());
        let mut copied = 0;
        for (range, text) in self.0 {
            out.push_str(&xml[copied..range.start]);
            out.push_str(&text);
            copied = range.end;
        }
        out.push_str(&xml[copied..]);
        out
    }
}

/// Text escaped for an element's content or an attribute.
pub(super) fn escaped(text: &str) -> std::borrow::Cow<'_, str> {
    escape(text)
}
