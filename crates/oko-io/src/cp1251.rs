//! A UTF-8 CSV re-encoded as Windows-1251 on its way out (`?encoding=cp1251`),
//! for the old systems that read nothing else: chunk by chunk, so a large export
//! never sits whole in memory. Its UTF-8 byte-order mark is dropped (a
//! Windows-1251 file has none); a character Windows-1251 lacks becomes `?`.

use encoding_rs::{EncoderResult, WINDOWS_1251};

use crate::csv::BOM;

/// Re-encodes a stream of UTF-8 chunks; a character split between chunks is
/// held until its end arrives.
pub struct Cp1251Transcoder {
    encoder: encoding_rs::Encoder,
    /// The start of a character the last chunk ended in.
    pending: Vec<u8>,
    /// Whether the beginning (where a BOM may be) has been seen.
    started: bool,
}

impl Default for Cp1251Transcoder {
    fn default() -> Self {
        Cp1251Transcoder {
            encoder: WINDOWS_1251.new_encoder(),
            pending: Vec::new(),
            started: false,
        }
    }
}

impl Cp1251Transcoder {
    /// The Windows-1251 bytes of `chunk` (with what the last chunk left over).
    pub fn push(&mut self, chunk: &[u8]) -> Vec<u8> {
        self.pending.extend_from_slice(chunk);
        if !self.started {
            if self.pending.len() < BOM.len() && BOM.starts_with(&self.pending) {
                return Vec::new();
            }
            self.started = true;
            if self.pending.starts_with(BOM) {
                self.pending.drain(..BOM.len());
            }
        }
        let whole = match std::str::from_utf8(&self.pending) {
            Ok(text) => text.len(),
            // An incomplete character at the end waits for the next chunk; an
            // invalid one (never written by our exports) is replaced.
            Err(error) if error.error_len().is_none() => error.valid_up_to(),
            Err(_) => self.pending.len(),
        };
        let rest = self.pending.split_off(whole);
        let text = String::from_utf8_lossy(&self.pending).into_owned();
        self.pending = rest;
        self.encode(&text)
    }

    /// What is left at the end of the stream.
    pub fn finish(mut self) -> Vec<u8> {
        let text = String::from_utf8_lossy(&std::mem::take(&mut self.pending)).into_owned();
        self.encode(&text)
    }

    fn encode(&mut self, mut text: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len());
        loop {
            let room = self
                .encoder
                .max_buffer_length_from_utf8_without_replacement(text.len())
                .unwrap_or(text.len() * 2 + 16);
            let start = out.len();
            out.resize(start + room, 0);
            let (result, read, written) =
                self.encoder
                    .encode_from_utf8_without_replacement(text, &mut out[start..], false);
            out.truncate(start + written);
            text = &text[read..];
            match result {
                EncoderResult::InputEmpty => return out,
                EncoderResult::Unmappable(_) => out.push(b'?'),
                EncoderResult::OutputFull => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn transcoded(chunks: &[&[u8]]) -> Vec<u8> {
        let mut transcoder = Cp1251Transcoder::default();
        let mut out = Vec::new();
        for chunk in chunks {
            out.extend(transcoder.push(chunk));
        }
        out.extend(transcoder.finish());
        out
    }

    #[test]
    fn russian_text_split_anywhere_comes_out_whole_without_the_bom() {
        let text = "\u{feff}Логин;Статус\r\nsch240001;Сдано — «№ 1», ёж\r\n";
        let expected = WINDOWS_1251.encode(&text['\u{feff}'.len_utf8()..]).0;
        for split in 0..text.len() {
            let (a, b) = text.as_bytes().split_at(split);
            assert_eq!(transcoded(&[a, b]), *expected, "split at byte {split}");
        }
        let bytes: Vec<&[u8]> = text.as_bytes().chunks(1).collect();
        assert_eq!(transcoded(&bytes), *expected, "byte by byte");
    }

    #[test]
    fn a_character_windows_1251_lacks_becomes_a_question_mark() {
        assert_eq!(
            transcoded(&["Школа 😀 №1".as_bytes()]),
            WINDOWS_1251.encode("Школа ? №1").0.into_owned()
        );
    }
}
