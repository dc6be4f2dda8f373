//! One module per page.

pub mod admin;
pub mod analytics;
pub mod api_tokens;
pub mod audit;
pub mod bench;
pub mod collection_form;
pub mod exchange;
pub mod forecast;
pub mod forms;
pub mod group_report;
pub mod login;
pub mod monitoring;
pub mod not_found;
pub mod passport;
pub mod publication;
pub mod publication_editor;
pub mod reminder;
pub mod review;
pub mod support;
