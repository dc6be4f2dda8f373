//! `/api/publications`: listing, opening, saving and starring publications.

pub mod get;
pub mod list;
pub mod save;
pub mod star;
