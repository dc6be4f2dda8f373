//! The content type of an uploaded file, from its first bytes: the type the client
//! claims is never trusted (a "PDF" that is HTML must not be served as HTML).

/// How many leading bytes [`content_type`] looks at.
pub const SNIFF_LEN: usize = 512;

/// The content type of a file whose first bytes are `head` and whose original name is
/// `name`. The name only refines formats that are ZIP containers (DOCX, XLSX, PPTX,
/// ODF) or plain text (CSV); anything unrecognised is `application/octet-stream`.
pub fn content_type(head: &[u8], name: &str) -> &'static str {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(b"%PDF-") {
        "application/pdf"
    } else if starts(b"PK\x03\x04") || starts(b"PK\x05\x06") {
        match ext.as_str() {
            "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "odt" => "application/vnd.oasis.opendocument.text",
            "ods" => "application/vnd.oasis.opendocument.spreadsheet",
            _ => "application/zip",
        }
    } else if starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        match ext.as_str() {
            "xls" => "application/vnd.ms-excel",
            "doc" => "application/msword",
            _ => "application/x-ole-storage",
        }
    } else if starts(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if starts(b"\xFF\xD8\xFF") {
        "image/jpeg"
    } else if starts(b"GIF87a") || starts(b"GIF89a") {
        "image/gif"
    } else if starts(b"Rar!\x1a\x07") {
        "application/vnd.rar"
    } else if starts(b"7z\xBC\xAF\x27\x1C") {
        "application/x-7z-compressed"
    } else if starts(b"\x1f\x8b") {
        "application/gzip"
    } else if is_text(head) {
        // Never text/html: a body that a browser would render stays inert text.
        if ext == "csv" {
            "text/csv; charset=utf-8"
        } else {
            "text/plain; charset=utf-8"
        }
    } else {
        "application/octet-stream"
    }
}

/// What a file that cannot be a spreadsheet is, in Russian, with what to send
/// instead (an upload of a template or a CSV that is a picture, a PDF or a form
/// post must say so, not «no header row found»). `None` when it may be a
/// spreadsheet or text.
pub fn not_a_spreadsheet(head: &[u8]) -> Option<&'static str> {
    let form_post = head.starts_with(b"--")
        && head
            .windows(19)
            .any(|w| w.eq_ignore_ascii_case(b"content-disposition"));
    if form_post {
        return Some("тело формы multipart/form-data (отправьте сам файл, без формы)");
    }
    match content_type(head, "") {
        "application/pdf" => Some("документ PDF"),
        "image/png" | "image/jpeg" | "image/gif" => Some("изображение"),
        "application/vnd.rar" | "application/x-7z-compressed" | "application/gzip" => Some("архив"),
        _ => None,
    }
}

/// UTF-8 (a cut multi-byte character at the end is fine) without control bytes
/// other than whitespace.
fn is_text(head: &[u8]) -> bool {
    let valid = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    valid
        && head
            .iter()
            .all(|&b| b >= 0x20 || matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
}

#[cfg(test)]
mod tests {
    use super::{content_type, not_a_spreadsheet};

    #[test]
    fn tells_what_a_wrong_upload_is() {
        assert_eq!(
            not_a_spreadsheet(b"\x89PNG\r\n\x1a\n...."),
            Some("изображение")
        );
        assert_eq!(not_a_spreadsheet(b"%PDF-1.4"), Some("документ PDF"));
        assert!(
            not_a_spreadsheet(b"--x\r\nContent-Disposition: form-data; name=\"file\"")
                .is_some_and(|w| w.contains("multipart"))
        );
        assert_eq!(not_a_spreadsheet("Код;Название\n".as_bytes()), None);
        assert_eq!(
            not_a_spreadsheet(b"--;--\n1;2"),
            None,
            "a CSV may start with dashes"
        );
    }

    #[test]
    fn magic_bytes_decide_not_the_name() {
        assert_eq!(content_type(b"%PDF-1.7\n", "plan.exe"), "application/pdf");
        assert_eq!(
            content_type(b"PK\x03\x04rest", "Форма.xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert_eq!(
            content_type(b"PK\x03\x04rest", "архив.zip"),
            "application/zip"
        );
        assert_eq!(content_type(b"\x89PNG\r\n\x1a\n....", "a.pdf"), "image/png");
        assert_eq!(
            content_type(&[0, 1, 2, 3, 255], "a.pdf"),
            "application/octet-stream"
        );
    }

    #[test]
    fn html_is_served_as_plain_text() {
        assert_eq!(
            content_type(b"<html><script>alert(1)</script>", "plan.pdf"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type("логин;пароль\n".as_bytes(), "доступы.csv"),
            "text/csv; charset=utf-8"
        );
    }

    #[test]
    fn a_cut_cyrillic_letter_at_the_end_is_still_text() {
        let text = "Пароль".as_bytes();
        assert_eq!(
            content_type(&text[..text.len() - 1], "a.txt"),
            "text/plain; charset=utf-8"
        );
    }
}
