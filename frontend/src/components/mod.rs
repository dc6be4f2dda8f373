//! Parts shared by pages.

pub mod account_actions;
pub mod bar_chart;
pub mod collection_block;
pub mod credentials;
pub mod date_time_field;
pub mod error_summary;
pub mod exports;
pub mod file_picker;
pub mod header;
pub mod notifications;
pub mod one_at_a_time;
pub mod org_passport;
pub mod outcome;
pub mod pager;
pub mod password_change;
pub mod publication_item;
pub mod section_manager;
pub mod shared_lists;
pub mod spreadsheet_upload;
pub mod storages;
pub mod upload;
