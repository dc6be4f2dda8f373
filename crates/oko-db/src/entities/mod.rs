//! sea-orm entities, one per table; hand-written queries live in the sibling modules.

pub mod announcement;
pub mod announcement_read;
pub mod api_token;
pub mod assessment;
pub mod assessment_org_stat;
pub mod assessment_result;
pub mod assessment_work;
pub mod audit_event;
pub mod cell_comment;
pub mod collection;
pub mod draft;
pub mod draft_return;
pub mod file_download;
pub mod form;
pub mod form_attachment;
pub mod form_version;
pub mod forum_answer;
pub mod forum_attachment;
pub mod forum_question;
pub mod idempotency_key;
pub mod job;
pub mod login_failure;
pub mod municipality;
pub mod notification;
pub mod organisation;
pub mod organisation_profile;
pub mod passport_change;
pub mod publication;
pub mod publication_audience;
pub mod publication_read;
pub mod publication_star;
pub mod refresh_token;
pub mod region;
pub mod section;
pub mod shared_list;
pub mod storage;
pub mod stored_file;
pub mod submission;
pub mod user;
pub mod user_change;

/// Form data as a draft or a submission stores it (JSON), read back; `what`
/// names the row in the error, which only a damaged database can cause.
pub(crate) fn stored_form_data(
    json: &str,
    what: &str,
) -> Result<oko_domain::forms::FormData, sea_orm::DbErr> {
    serde_json::from_str(json).map_err(|e| sea_orm::DbErr::Custom(format!("a stored {what}: {e}")))
}
