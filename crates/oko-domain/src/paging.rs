//! Paging arithmetic every list shares: pages past any list are refused before a
//! query is built, and offsets never overflow (a `page` of 2⁶³ once panicked a
//! handler).

/// The last page a client may ask for: a million pages of the largest size is
/// past every list Oko keeps.
pub const MAX_PAGE: u64 = 1_000_000;

/// Rows before `page` (1-based) of `per_page` rows, saturating instead of
/// overflowing.
pub fn offset(page: u64, per_page: u64) -> u64 {
    page.saturating_sub(1).saturating_mul(per_page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_saturate() {
        assert_eq!(offset(1, 50), 0);
        assert_eq!(offset(3, 50), 100);
        assert_eq!(offset(0, 50), 0);
        assert_eq!(offset(u64::MAX, u64::MAX), u64::MAX);
    }
}
