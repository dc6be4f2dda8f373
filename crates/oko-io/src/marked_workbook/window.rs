//! A part read as it is inflated, a stretch at a time: the marking of a sheet
//! looks at its bytes by their place in the whole part, and only the stretch
//! from what is not yet copied on is held (a 5,000-row sheet is 1.7 MB inflated;
//! its marking holds a few hundred KiB of it).

use std::{io::Read, ops::Range};

use memchr::memmem;

/// Bytes inflated at a time.
const STRETCH: usize = 64 * 1024;
/// Bytes before the first still needed that are kept rather than moved.
const KEEP: usize = 256 * 1024;

pub(super) struct Window<'r> {
    source: &'r mut dyn Read,
    /// The part's bytes from `base` on, as far as read.
    held: Vec<u8>,
    base: usize,
    ended: bool,
}

impl<'r> Window<'r> {
    pub fn new(source: &'r mut dyn Read) -> Self {
        Window {
            source,
            held: Vec::with_capacity(KEEP + 2 * STRETCH),
            base: 0,
            ended: false,
        }
    }

    /// Where what is held ends, in the part.
    pub fn end(&self) -> usize {
        self.base + self.held.len()
    }

    /// Reads one more stretch; `false` at the part's end.
    fn read_on(&mut self) -> std::io::Result<bool> {
        if self.ended {
            return Ok(false);
        }
        let before = self.held.len();
        self.held.resize(before + STRETCH, 0);
        let read = loop {
            match self.source.read(&mut self.held[before..]) {
                Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
                other => break other,
            }
        };
        let read = read.inspect_err(|_| self.held.truncate(before))?;
        self.held.truncate(before + read);
        self.ended = read == 0;
        Ok(read > 0)
    }

    /// Reads on until `to` is held (or the part ends first: `false`).
    pub fn hold_to(&mut self, to: usize) -> std::io::Result<bool> {
        while self.end() < to {
            if !self.read_on()? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Reads the rest of the part.
    pub fn hold_all(&mut self) -> std::io::Result<()> {
        while self.read_on()? {}
        Ok(())
    }

    /// The bytes at `range` (held: see [`Window::hold_to`]).
    pub fn at(&self, range: Range<usize>) -> &[u8] {
        &self.held[range.start - self.base..range.end - self.base]
    }

    /// The byte at `at`, reading on to it.
    pub fn byte(&mut self, at: usize) -> std::io::Result<Option<u8>> {
        Ok(if self.hold_to(at + 1)? {
            Some(self.held[at - self.base])
        } else {
            None
        })
    }

    /// Where `needle` is first found from `from` on, reading on as far as it
    /// takes.
    pub fn find(&mut self, from: usize, needle: &memmem::Finder) -> std::io::Result<Option<usize>> {
        let overlap = needle.needle().len().saturating_sub(1);
        self.search(from, overlap, |held| needle.find(held))
    }

    /// Where `byte` is first found from `from` on, reading on as far as it takes.
    pub fn find_byte(&mut self, from: usize, byte: u8) -> std::io::Result<Option<usize>> {
        self.search(from, 0, |held| memchr::memchr(byte, held))
    }

    /// Where `needle` is in `range` (held), if it is.
    pub fn find_within(&self, range: Range<usize>, needle: &memmem::Finder) -> Option<usize> {
        needle
            .find(self.at(range.clone()))
            .map(|at| range.start + at)
    }

    /// Each byte is searched once: a needle may start in the last `overlap`
    /// bytes searched and end in the next stretch.
    fn search(
        &mut self,
        from: usize,
        overlap: usize,
        find: impl Fn(&[u8]) -> Option<usize>,
    ) -> std::io::Result<Option<usize>> {
        let mut searched = from;
        loop {
            if searched < self.end()
                && let Some(at) = find(self.at(searched..self.end()))
            {
                return Ok(Some(searched + at));
            }
            searched = self.end().saturating_sub(overlap).max(from);
            if !self.read_on()? {
                return Ok(None);
            }
        }
    }

    /// Lets go of what comes before `at` (nothing before it is asked for again).
    pub fn forget_before(&mut self, at: usize) {
        let spent = at.saturating_sub(self.base).min(self.held.len());
        if spent >= KEEP {
            self.held.drain(..spent);
            self.base += spent;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needles_across_stretches_are_found_and_forgotten_bytes_are_not_kept() {
        let far = 5 * STRETCH;
        let mut part = vec![b'.'; far + 10];
        let needle_at = STRETCH - 2;
        part[needle_at..needle_at + 5].copy_from_slice(b"<row ");
        part[far..far + 5].copy_from_slice(b"</end");
        let mut source = part.as_slice();
        let mut window = Window::new(&mut source);
        let (row, end) = (memmem::Finder::new(b"<row"), memmem::Finder::new(b"</end"));
        assert_eq!(window.find(0, &row).unwrap(), Some(needle_at));
        assert_eq!(window.find_within(0..needle_at, &end), None);
        assert_eq!(window.find(needle_at + 1, &end).unwrap(), Some(far));
        assert_eq!(
            window.find_byte(needle_at, b' ').unwrap(),
            Some(needle_at + 4)
        );
        window.forget_before(far);
        assert_eq!(window.at(far..far + 5), b"</end");
        assert!(window.held.len() < STRETCH, "{}", window.held.len());
        assert_eq!(window.find(far + 1, &row).unwrap(), None);
        assert_eq!(window.end(), part.len());
    }
}
