//! The one byte range a download asks for (`Range: bytes=…`), for stores that do
//! not answer ranges themselves. Several ranges, or a malformed header, mean the
//! whole file, as RFC 9110 allows.

/// A single requested range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteRange {
    /// `bytes=a-b`: from `a` to `b` inclusive.
    FromTo(u64, u64),
    /// `bytes=a-`: from `a` to the end.
    From(u64),
    /// `bytes=-n`: the last `n` bytes.
    Last(u64),
}

/// The range in a `Range` header value, if there is exactly one well-formed one.
pub fn parse(header: &str) -> Option<ByteRange> {
    let spec = header.trim().strip_prefix("bytes=")?;
    if spec.contains(',') {
        return None;
    }
    let (start, end) = spec.split_once('-')?;
    let number = |s: &str| s.trim().parse::<u64>().ok();
    match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, false) => number(end).filter(|n| *n > 0).map(ByteRange::Last),
        (false, true) => number(start).map(ByteRange::From),
        (false, false) => {
            let (a, b) = (number(start)?, number(end)?);
            (a <= b).then_some(ByteRange::FromTo(a, b))
        }
        (true, true) => None,
    }
}

/// The bytes `range` covers in a file of `size` bytes; `None` when it covers none
/// (416 Range Not Satisfiable).
pub fn resolve(range: ByteRange, size: u64) -> Option<std::ops::Range<u64>> {
    match range {
        ByteRange::FromTo(a, b) if a < size => Some(a..(b + 1).min(size)),
        ByteRange::From(a) if a < size => Some(a..size),
        ByteRange::Last(n) if size > 0 => Some(size - n.min(size)..size),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_range_is_read_in_each_form() {
        assert_eq!(parse("bytes=0-99"), Some(ByteRange::FromTo(0, 99)));
        assert_eq!(parse("bytes=50000-"), Some(ByteRange::From(50_000)));
        assert_eq!(parse("bytes=-500"), Some(ByteRange::Last(500)));
    }

    #[test]
    fn ranges_are_clamped_to_the_file() {
        assert_eq!(resolve(ByteRange::FromTo(0, 99), 50), Some(0..50));
        assert_eq!(resolve(ByteRange::From(10), 50), Some(10..50));
        assert_eq!(resolve(ByteRange::Last(500), 50), Some(0..50));
        assert_eq!(resolve(ByteRange::From(50), 50), None);
        assert_eq!(resolve(ByteRange::Last(1), 0), None);
    }

    #[test]
    fn anything_else_means_the_whole_file() {
        for header in [
            "bytes=0-1,5-9",
            "bytes=9-1",
            "items=0-1",
            "bytes=-",
            "bytes=-0",
            "bytes=a-b",
        ] {
            assert_eq!(parse(header), None, "{header}");
        }
    }
}
