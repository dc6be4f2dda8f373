//! The layout of a «Скачать всё.zip» archive, computed before a byte is sent.
//!
//! Files are stored, not compressed (they are PDFs, spreadsheets and archives
//! already), and their CRC-32 is known from upload, so every header is complete up
//! front: the caller streams `local_header(i)`, then file `i`'s bytes, for each
//! entry, then `trailer()`, with constant memory and a `Content-Length` known in
//! advance. Names are UTF-8 with the language-encoding flag (bit 11), which
//! Windows Explorer, 7-Zip, macOS and Info-ZIP `unzip` read as Unicode. ZIP64
//! records appear only when sizes, offsets or the entry count need them.

use std::collections::HashSet;

/// Local file header signature.
const LOCAL: u32 = 0x0403_4b50;
/// Central directory header signature.
const CENTRAL: u32 = 0x0201_4b50;
/// End of central directory signatures.
const END: u32 = 0x0605_4b50;
const END64: u32 = 0x0606_4b50;
const END64_LOCATOR: u32 = 0x0706_4b50;
/// General purpose flag: names are UTF-8.
const UTF8_NAMES: u16 = 1 << 11;
/// "Version made by / needed": 2.0 plain, 4.5 with ZIP64; high byte 3 = Unix.
const VERSION_PLAIN: u16 = 20;
const VERSION_ZIP64: u16 = 45;
/// A 32-bit field that says "look in the ZIP64 extra field".
const SATURATED: u32 = u32::MAX;

/// One file to put in the archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ZipEntry {
    /// The name inside the archive, may contain `/` for folders.
    pub name: String,
    pub size: u64,
    pub crc32: u32,
    /// MS-DOS date and time (local, which for us is Moscow time).
    pub dos_date: u16,
    pub dos_time: u16,
}

/// The whole archive's layout.
#[derive(Clone, Debug)]
pub struct ZipPlan {
    entries: Vec<ZipEntry>,
    offsets: Vec<u64>,
    central_offset: u64,
}

impl ZipPlan {
    /// Lays out `entries` in order; names that repeat get « (2)», « (3)» before the
    /// extension, so nothing is overwritten on unpacking.
    pub fn new(mut entries: Vec<ZipEntry>) -> ZipPlan {
        let mut taken = HashSet::new();
        for entry in &mut entries {
            entry.name = unique_name(&entry.name, &mut taken);
        }
        let mut offsets = Vec::with_capacity(entries.len());
        let mut at = 0u64;
        for entry in &entries {
            offsets.push(at);
            at += local_header_len(entry) + entry.size;
        }
        ZipPlan {
            entries,
            offsets,
            central_offset: at,
        }
    }

    /// The entries, with their final names.
    pub fn entries(&self) -> &[ZipEntry] {
        &self.entries
    }

    /// The archive's exact size in bytes.
    pub fn total_len(&self) -> u64 {
        self.central_offset + self.trailer().len() as u64
    }

    /// The bytes that precede entry `i`'s data.
    pub fn local_header(&self, i: usize) -> Vec<u8> {
        let entry = &self.entries[i];
        let zip64 = entry.size >= SATURATED as u64;
        let mut out = Vec::with_capacity(local_header_len(entry) as usize);
        put32(&mut out, LOCAL);
        put16(&mut out, if zip64 { VERSION_ZIP64 } else { VERSION_PLAIN });
        put16(&mut out, UTF8_NAMES);
        put16(&mut out, 0); // stored
        put16(&mut out, entry.dos_time);
        put16(&mut out, entry.dos_date);
        put32(&mut out, entry.crc32);
        let size32 = if zip64 { SATURATED } else { entry.size as u32 };
        put32(&mut out, size32);
        put32(&mut out, size32);
        put16(&mut out, entry.name.len() as u16);
        put16(&mut out, if zip64 { 20 } else { 0 });
        out.extend_from_slice(entry.name.as_bytes());
        if zip64 {
            put16(&mut out, 0x0001);
            put16(&mut out, 16);
            put64(&mut out, entry.size);
            put64(&mut out, entry.size);
        }
        out
    }

    /// The central directory and end records that follow the last entry's data.
    pub fn trailer(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (entry, &offset) in self.entries.iter().zip(&self.offsets) {
            central_header(&mut out, entry, offset);
        }
        let central_len = out.len() as u64;
        let count = self.entries.len() as u64;
        let needs_zip64 = count >= 0xFFFF
            || self.central_offset >= SATURATED as u64
            || central_len >= SATURATED as u64;
        if needs_zip64 {
            let end64_offset = self.central_offset + central_len;
            put32(&mut out, END64);
            put64(&mut out, 44); // size of the rest of this record
            put16(&mut out, VERSION_ZIP64 | (3 << 8));
            put16(&mut out, VERSION_ZIP64);
            put32(&mut out, 0); // this disk
            put32(&mut out, 0); // disk with the central directory
            put64(&mut out, count);
            put64(&mut out, count);
            put64(&mut out, central_len);
            put64(&mut out, self.central_offset);
            put32(&mut out, END64_LOCATOR);
            put32(&mut out, 0);
            put64(&mut out, end64_offset);
            put32(&mut out, 1); // total disks
        }
        put32(&mut out, END);
        put16(&mut out, 0);
        put16(&mut out, 0);
        let count16 = count.min(0xFFFF) as u16;
        put16(&mut out, count16);
        put16(&mut out, count16);
        put32(&mut out, central_len.min(SATURATED as u64) as u32);
        put32(&mut out, self.central_offset.min(SATURATED as u64) as u32);
        put16(&mut out, 0); // comment length
        out
    }
}

fn local_header_len(entry: &ZipEntry) -> u64 {
    let extra = if entry.size >= SATURATED as u64 {
        20
    } else {
        0
    };
    30 + entry.name.len() as u64 + extra
}

fn central_header(out: &mut Vec<u8>, entry: &ZipEntry, offset: u64) {
    let big_size = entry.size >= SATURATED as u64;
    let big_offset = offset >= SATURATED as u64;
    let mut extra = Vec::new();
    if big_size || big_offset {
        put16(&mut extra, 0x0001);
        let fields = if big_size { 16 } else { 0 } + if big_offset { 8 } else { 0 };
        put16(&mut extra, fields);
        if big_size {
            put64(&mut extra, entry.size);
            put64(&mut extra, entry.size);
        }
        if big_offset {
            put64(&mut extra, offset);
        }
    }
    let version = if extra.is_empty() {
        VERSION_PLAIN
    } else {
        VERSION_ZIP64
    };
    put32(out, CENTRAL);
    put16(out, version | (3 << 8));
    put16(out, version);
    put16(out, UTF8_NAMES);
    put16(out, 0);
    put16(out, entry.dos_time);
    put16(out, entry.dos_date);
    put32(out, entry.crc32);
    let size32 = if big_size {
        SATURATED
    } else {
        entry.size as u32
    };
    put32(out, size32);
    put32(out, size32);
    put16(out, entry.name.len() as u16);
    put16(out, extra.len() as u16);
    put16(out, 0); // comment
    put16(out, 0); // disk
    put16(out, 0); // internal attributes
    put32(out, 0o100644 << 16); // external: a regular file, rw-r--r--
    put32(out, if big_offset { SATURATED } else { offset as u32 });
    out.extend_from_slice(entry.name.as_bytes());
    out.extend_from_slice(&extra);
}

/// `name`, or `name (2).ext`, `name (3).ext`… whichever is not taken yet
/// (compared case-insensitively, as Windows does).
fn unique_name(name: &str, taken: &mut HashSet<String>) -> String {
    let mut candidate = name.to_owned();
    let (stem, ext) = match name.rfind('.') {
        Some(dot) if dot > 0 && !name[dot..].contains('/') => name.split_at(dot),
        _ => (name, ""),
    };
    let mut n = 2;
    while !taken.insert(candidate.to_lowercase()) {
        candidate = format!("{stem} ({n}){ext}");
        n += 1;
    }
    candidate
}

/// MS-DOS date and time fields for a local date-time (years before 1980 clamp to 1980).
pub fn dos_date_time(
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
) -> (u16, u16) {
    let year = (year.clamp(1980, 2107) - 1980) as u16;
    let date = (year << 9) | ((month as u16) << 5) | day as u16;
    let time = ((hour as u16) << 11) | ((minute as u16) << 5) | (second as u16 / 2);
    (date, time)
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;

    fn entry(name: &str, data: &[u8]) -> ZipEntry {
        let (dos_date, dos_time) = dos_date_time(2021, 9, 1, 9, 30, 0);
        ZipEntry {
            name: name.to_owned(),
            size: data.len() as u64,
            crc32: crc32fast::hash(data),
            dos_date,
            dos_time,
        }
    }

    fn build(files: &[(&str, &[u8])]) -> (ZipPlan, Vec<u8>) {
        let plan = ZipPlan::new(files.iter().map(|(n, d)| entry(n, d)).collect());
        let mut out = Vec::new();
        for (i, (_, data)) in files.iter().enumerate() {
            out.extend(plan.local_header(i));
            out.extend_from_slice(data);
        }
        out.extend(plan.trailer());
        (plan, out)
    }

    #[test]
    fn unzip_reads_cyrillic_names_and_checks_every_crc() {
        let files: [(&str, &[u8]); 3] = [
            ("План-график ВПР СПО.pdf", b"%PDF-1.4 plan"),
            (
                "sch240012/Логин и пароль.txt",
                "логин: sch240012".as_bytes(),
            ),
            ("пустой.txt", b""),
        ];
        let (plan, bytes) = build(&files);
        assert_eq!(plan.total_len(), bytes.len() as u64);
        let dir = std::env::temp_dir().join(format!("oko-zip-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("all.zip");
        std::fs::write(&path, &bytes).unwrap();
        let test = Command::new("unzip").arg("-t").arg(&path).output().unwrap();
        assert!(
            test.status.success(),
            "{}",
            String::from_utf8_lossy(&test.stdout)
        );
        let names = Command::new("unzip")
            .arg("-Z1")
            .arg(&path)
            .output()
            .unwrap();
        let listed = String::from_utf8(names.stdout).unwrap();
        assert_eq!(
            listed.lines().collect::<Vec<_>>(),
            [
                "План-график ВПР СПО.pdf",
                "sch240012/Логин и пароль.txt",
                "пустой.txt"
            ]
        );
        let content = Command::new("unzip")
            .args(["-p"])
            .arg(&path)
            .arg("sch240012/Логин и пароль.txt")
            .output()
            .unwrap();
        assert_eq!(content.stdout, "логин: sch240012".as_bytes());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn repeated_names_are_numbered() {
        let plan = ZipPlan::new(vec![
            entry("Отчет.xlsx", b"a"),
            entry("отчет.xlsx", b"b"),
            entry("Отчет.xlsx", b"c"),
            entry("README", b"d"),
            entry("README", b"e"),
        ]);
        let names: Vec<&str> = plan.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Отчет.xlsx",
                "отчет (2).xlsx",
                "Отчет (3).xlsx",
                "README",
                "README (2)"
            ]
        );
    }

    #[test]
    fn huge_entries_switch_to_zip64() {
        let big = ZipEntry {
            size: 5 * 1024 * 1024 * 1024,
            ..entry("большой.bin", b"")
        };
        let plan = ZipPlan::new(vec![big.clone(), entry("after.txt", b"x")]);
        let header = plan.local_header(0);
        assert_eq!(header.len() as u64, 30 + big.name.len() as u64 + 20);
        assert_eq!(
            &header[18..26],
            &[0xFF; 8],
            "sizes point at the ZIP64 field"
        );
        let trailer = plan.trailer();
        let end64 = trailer
            .windows(4)
            .position(|w| w == END64.to_le_bytes())
            .expect("a ZIP64 end record");
        assert!(end64 > 0);
        assert_eq!(plan.total_len(), plan.central_offset + trailer.len() as u64);
    }

    #[test]
    fn dos_time_packs_fields() {
        assert_eq!(
            dos_date_time(2021, 9, 1, 9, 30, 10),
            ((41 << 9) | (9 << 5) | 1, (9 << 11) | (30 << 5) | 5)
        );
    }
}
