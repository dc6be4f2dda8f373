//! sea-orm entities, one per table; hand-written queries live in the sibling modules.

pub mod api_token;
pub mod collection;
pub mod draft;
pub mod draft_return;
pub mod file_download;
pub mod form;
pub mod form_version;
pub mod job;
pub mod municipality;
pub mod notification;
pub mod organisation;
pub mod publication;
pub mod publication_audience;
pub mod publication_read;
pub mod publication_star;
pub mod refresh_token;
pub mod region;
pub mod section;
pub mod storage;
pub mod stored_file;
pub mod submission;
pub mod user;
pub mod user_change;
