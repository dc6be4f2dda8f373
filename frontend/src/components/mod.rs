//! Parts shared by pages.

pub mod header;
pub mod publication_item;
