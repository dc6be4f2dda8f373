//! CSV as Russian Excel opens it: UTF-8 with a byte-order mark, `;` between fields
//! (Excel with Russian regional settings splits on semicolons), CRLF line ends.

use std::io::{self, Write};

/// The UTF-8 byte-order mark: without it Excel reads the file as Windows-1251.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes one record, quoting fields that need it.
pub fn write_record<W: Write, S: AsRef<str>>(out: &mut W, fields: &[S]) -> io::Result<()> {
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.write_all(b";")?;
        }
        write_field(out, field.as_ref())?;
    }
    out.write_all(b"\r\n")
}

fn write_field<W: Write>(out: &mut W, field: &str) -> io::Result<()> {
    if field.contains([';', '"', '\n', '\r']) {
        write!(out, "\"{}\"", field.replace('"', "\"\""))
    } else {
        out.write_all(field.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_quoting() {
        let mut out = Vec::new();
        write_record(
            &mut out,
            &["sch240012", "МБОУ «СОШ № 1»; филиал", "он сказал \"да\""],
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "sch240012;\"МБОУ «СОШ № 1»; филиал\";\"он сказал \"\"да\"\"\"\r\n"
        );
    }
}
