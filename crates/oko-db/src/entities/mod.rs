//! sea-orm entities, one per table; hand-written queries live in the sibling modules.

pub mod municipality;
pub mod organisation;
pub mod refresh_token;
pub mod region;
pub mod user;
