//! The workbook's zip package: its parts read by name, parts changed or added,
//! and the package written again with every untouched part copied as it was
//! compressed (nothing of the user's file is unpacked that is not changed).

use std::{
    collections::BTreeMap,
    io::{Cursor, Read, Write},
    sync::mpsc::{SyncSender, sync_channel},
};

use zip::{CompressionMethod, ZipArchive, ZipWriter, write::SimpleFileOptions};

use super::xml::{Edits, Kind, start_tag, tags};

pub(super) const RELATIONSHIPS_NS: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const RELATIONSHIP_TYPES: &str =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

/// Why a part cannot be read or written.
pub(super) type PackageError = Box<dyn std::error::Error + Send + Sync>;

pub(super) struct Package<'a> {
    /// The file as it was sent.
    file: &'a [u8],
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Each part's name as the archive spells it, by its lower-case form (part
    /// names are case-insensitive in a package).
    names: BTreeMap<String, String>,
    changed: BTreeMap<String, Vec<u8>>,
    /// Changed parts already deflated ([`Package::put_streamed`]), each as a
    /// one-part zip whose part is copied into the package as it is.
    deflated: BTreeMap<String, Vec<u8>>,
}

/// Chunks a streamed part's writer hands to its deflating thread at most ahead.
const WAITING: usize = 4;

impl<'a> Package<'a> {
    pub fn open(bytes: &'a [u8]) -> Result<Self, PackageError> {
        let archive = ZipArchive::new(Cursor::new(bytes))?;
        let names = archive
            .file_names()
            .map(|name| (name.to_lowercase(), name.to_owned()))
            .collect();
        Ok(Package {
            file: bytes,
            archive,
            names,
            changed: BTreeMap::new(),
            deflated: BTreeMap::new(),
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.changed.contains_key(name)
            || self.deflated.contains_key(name)
            || self.names.contains_key(&name.to_lowercase())
    }

    /// A part's bytes, as changed so far; `None` when the package has none.
    pub fn bytes(&mut self, name: &str) -> Result<Option<Vec<u8>>, PackageError> {
        if let Some(bytes) = self.changed.get(name) {
            return Ok(Some(bytes.clone()));
        }
        if self.deflated.contains_key(name) {
            return Err(format!("«{name}» is written already").into());
        }
        let Some(actual) = self.names.get(&name.to_lowercase()) else {
            return Ok(None);
        };
        let mut file = self.archive.by_name(actual)?;
        let mut bytes = Vec::with_capacity(file.size() as usize);
        file.read_to_end(&mut bytes)?;
        Ok(Some(bytes))
    }

    pub fn text(&mut self, name: &str) -> Result<Option<String>, PackageError> {
        self.bytes(name)?
            .map(|bytes| String::from_utf8(bytes).map_err(Into::into))
            .transpose()
    }

    pub fn put(&mut self, name: &str, bytes: Vec<u8>) {
        let name = self.spelled(name);
        self.changed.insert(name, bytes);
    }

    /// A part as `write` writes it, deflated on another thread meanwhile: a
    /// marked sheet is as large as the user's, and neither its changed copy is
    /// held whole nor its compression waited for after it (issue #22's figures).
    pub fn put_streamed<T>(
        &mut self,
        name: &str,
        write: impl FnOnce(&mut dyn Write) -> Result<T, PackageError>,
    ) -> Result<T, PackageError> {
        let name = self.spelled(name);
        let (written, deflated) = std::thread::scope(|scope| {
            let (send, receive) = sync_channel::<Vec<u8>>(WAITING);
            let deflating = scope.spawn(move || -> Result<Vec<u8>, PackageError> {
                let mut one = ZipWriter::new(Cursor::new(Vec::new()));
                one.start_file("part", deflated())?;
                for chunk in receive {
                    one.write_all(&chunk)?;
                }
                Ok(one.finish()?.into_inner())
            });
            let written = write(&mut Chunks(send));
            let deflated = deflating
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (written, deflated)
        });
        let written = written?;
        self.changed.remove(&name);
        self.deflated.insert(name, deflated?);
        Ok(written)
    }

    /// Part `name` of the file rewritten by `rewrite` (from the part as it is
    /// inflated to what it writes, see [`Package::put_streamed`]).
    pub fn rewrite<T>(
        &mut self,
        name: &str,
        rewrite: impl FnOnce(&mut dyn Read, &mut dyn Write) -> Result<T, PackageError>,
    ) -> Result<T, PackageError> {
        let file = self.file;
        let actual = self
            .names
            .get(&name.to_lowercase())
            .cloned()
            .ok_or_else(|| format!("the file has no part «{name}»"))?;
        self.put_streamed(name, |sink| {
            // A reader of its own: the package's is busy with the package.
            let mut archive = ZipArchive::new(Cursor::new(file))?;
            let mut part = archive.by_name(&actual)?;
            rewrite(&mut part, sink)
        })
    }

    /// A part's name as the archive spells it, or as given for a new part.
    fn spelled(&self, name: &str) -> String {
        self.names
            .get(&name.to_lowercase())
            .cloned()
            .unwrap_or_else(|| name.to_owned())
    }

    /// The first name `pattern(n)` (n = 1, 2, …) no part has.
    pub fn unused(&self, pattern: impl Fn(usize) -> String) -> String {
        (1..)
            .map(pattern)
            .find(|name| !self.has(name))
            .unwrap_or_default()
    }

    /// An id no relationship of `part` has yet.
    pub fn fresh_id(&mut self, part: &str) -> Result<String, PackageError> {
        let taken: Vec<String> = self
            .relationships(part)?
            .into_iter()
            .map(|(id, _, _)| id)
            .collect();
        Ok((1..)
            .map(|n| format!("rIdOko{n}"))
            .find(|id| !taken.contains(id))
            .unwrap_or_default())
    }

    /// A relationship `id` from `part` to `target` (a part name) of `kind` (the
    /// last word of its type), added to `part`'s relationships.
    pub fn relate(
        &mut self,
        part: &str,
        id: &str,
        kind: &str,
        target: &str,
    ) -> Result<(), PackageError> {
        let path = rels_of(part);
        let rels = self.text(&path)?.unwrap_or_else(|| {
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>"#.to_owned()
        });
        let found = tags(&rels)?;
        let relationship = start_tag(
            "Relationship",
            &[
                ("Id".to_owned(), id.to_owned()),
                ("Type".to_owned(), format!("{RELATIONSHIP_TYPES}{kind}")),
                // From the package's root, which every reader resolves.
                ("Target".to_owned(), format!("/{target}")),
            ],
            true,
        );
        let mut edits = Edits::default();
        match found.iter().find(|tag| tag.depth == 0) {
            Some(root) if root.kind == Kind::Empty => edits.replace(
                root.at.clone(),
                format!(
                    "{}{relationship}</{}>",
                    start_tag(&root.qname, &root.attributes, false),
                    root.qname
                ),
            ),
            _ => {
                let end = found
                    .iter()
                    .find(|tag| tag.closes("Relationships"))
                    .ok_or("no </Relationships>")?;
                edits.insert(end.at.start, relationship);
            }
        }
        self.put(&path, edits.apply(&rels).into_bytes());
        Ok(())
    }

    /// `part`'s relationships: (id, type's last word, target part name).
    pub fn relationships(
        &mut self,
        part: &str,
    ) -> Result<Vec<(String, String, String)>, PackageError> {
        let Some(rels) = self.text(&rels_of(part))? else {
            return Ok(Vec::new());
        };
        Ok(tags(&rels)?
            .into_iter()
            .filter(|tag| {
                tag.opens("Relationship") && tag.attribute("TargetMode") != Some("External")
            })
            .filter_map(|tag| {
                let kind = tag.attribute("Type")?.rsplit('/').next()?.to_owned();
                Some((
                    tag.attribute("Id")?.to_owned(),
                    kind,
                    resolve(part, tag.attribute("Target")?),
                ))
            })
            .collect())
    }

    /// `[Content_Types].xml` with a part's type, or an extension's default type.
    pub fn declare(
        &mut self,
        override_part: Option<&str>,
        extension: &str,
        content_type: &str,
    ) -> Result<(), PackageError> {
        const TYPES: &str = "[Content_Types].xml";
        let types = self.text(TYPES)?.ok_or("no [Content_Types].xml")?;
        let found = tags(&types)?;
        let entry = match override_part {
            Some(part) => start_tag(
                "Override",
                &[
                    ("PartName".to_owned(), format!("/{part}")),
                    ("ContentType".to_owned(), content_type.to_owned()),
                ],
                true,
            ),
            None if found.iter().any(|tag| {
                tag.opens("Default")
                    && tag
                        .attribute("Extension")
                        .is_some_and(|e| e.eq_ignore_ascii_case(extension))
            }) =>
            {
                return Ok(());
            }
            None => start_tag(
                "Default",
                &[
                    ("Extension".to_owned(), extension.to_owned()),
                    ("ContentType".to_owned(), content_type.to_owned()),
                ],
                true,
            ),
        };
        let end = found
            .iter()
            .find(|tag| tag.closes("Types"))
            .ok_or("no </Types>")?;
        let mut edits = Edits::default();
        edits.insert(end.at.start, entry);
        self.put(TYPES, edits.apply(&types).into_bytes());
        Ok(())
    }

    /// The package again: untouched parts copied compressed as they were, changed
    /// and new parts deflated at the fastest level (the file is made for one
    /// download).
    pub fn finish(mut self) -> Result<Vec<u8>, PackageError> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        for index in 0..self.archive.len() {
            let file = self.archive.by_index_raw(index)?;
            if self.changed.contains_key(file.name()) || self.deflated.contains_key(file.name()) {
                continue;
            }
            writer.raw_copy_file(file)?;
        }
        for (name, one) in std::mem::take(&mut self.deflated) {
            let mut part = ZipArchive::new(Cursor::new(one))?;
            writer.raw_copy_file_rename(part.by_index_raw(0)?, name)?;
        }
        for (name, bytes) in std::mem::take(&mut self.changed) {
            writer.start_file(name, deflated())?;
            writer.write_all(&bytes)?;
        }
        Ok(writer.finish()?.into_inner())
    }
}

/// How changed parts are compressed: the fastest level (the file goes back to
/// its user at once; a few percent of size matter less than the wait).
fn deflated() -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(1))
}

/// A streamed part's writer: each write goes to the deflating thread.
struct Chunks(SyncSender<Vec<u8>>);

impl Write for Chunks {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .send(bytes.to_vec())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The relationships part of `part` (`xl/worksheets/_rels/sheet1.xml.rels`).
fn rels_of(part: &str) -> String {
    match part.rsplit_once('/') {
        Some((folder, file)) => format!("{folder}/_rels/{file}.rels"),
        None => format!("_rels/{part}.rels"),
    }
}

/// A relationship's target as a part name: relative to `part`'s folder, or from
/// the package's root when it starts with `/`.
pub(super) fn resolve(part: &str, target: &str) -> String {
    if let Some(absolute) = target.strip_prefix('/') {
        return absolute.to_owned();
    }
    let mut path: Vec<&str> = part.split('/').collect();
    path.pop();
    for step in target.split('/') {
        match step {
            ".." => {
                path.pop();
            }
            "." | "" => {}
            step => path.push(step),
        }
    }
    path.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_relative_to_their_part_or_from_the_root() {
        assert_eq!(
            resolve("xl/workbook.xml", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(
            resolve("xl/worksheets/sheet1.xml", "../comments1.xml"),
            "xl/comments1.xml"
        );
        assert_eq!(
            resolve("xl/workbook.xml", "/xl/worksheets/sheet2.xml"),
            "xl/worksheets/sheet2.xml"
        );
        assert_eq!(
            rels_of("xl/worksheets/sheet1.xml"),
            "xl/worksheets/_rels/sheet1.xml.rels"
        );
    }
}
