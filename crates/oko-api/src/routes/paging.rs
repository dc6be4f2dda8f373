//! `page` and `per_page`, the same for every list.

use oko_domain::paging::MAX_PAGE;

use crate::error::ApiError;

/// Largest page a client may ask for.
pub const MAX_PER_PAGE: u64 = 200;

/// The paging parameters of a list request, as given. (Each list declares its own
/// query fields: serde's `flatten` would turn the numbers into strings.)
pub struct Paging {
    page: Option<u64>,
    per_page: Option<u64>,
}

impl Paging {
    /// The request's `page` and `per_page`.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Paging {
        Paging { page, per_page }
    }

    /// `(page, per_page)` with defaults, or the parameter that is out of range.
    pub fn checked(&self) -> Result<(u64, u64), ApiError> {
        let page = self.page.unwrap_or(1);
        if !(1..=MAX_PAGE).contains(&page) {
            return Err(ApiError::invalid_parameter(
                "page",
                format!("должно быть от 1 до {MAX_PAGE}"),
            ));
        }
        let per_page = self.per_page.unwrap_or(50);
        if !(1..=MAX_PER_PAGE).contains(&per_page) {
            return Err(ApiError::invalid_parameter(
                "per_page",
                format!("должно быть от 1 до {MAX_PER_PAGE}"),
            ));
        }
        Ok((page, per_page))
    }
}
