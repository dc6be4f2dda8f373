//! Handlers, one file per resource action; each carries its `#[utoipa::path]`, its
//! auth check and its call into `oko-db`.

use utoipa_actix_web::service_config::ServiceConfig;

mod access;
mod accounts;
mod admin;
mod analytics;
mod api_tokens;
mod audit;
mod auth;
mod client_errors;
mod collections;
mod common_responses;
mod forum;
mod health;
mod jobs;
mod me;
mod meta;
mod notifications;
mod orgs;
mod paging;
mod passport;
mod publications;
mod sections;
mod shared_lists;
mod storages;
mod uploads;
mod zip_stream;

/// Registers every `/api` handler. Handlers are added with `.service(handler)` only:
/// that is what puts them into the OpenAPI document.
pub fn configure(cfg: &mut ServiceConfig) {
    // Deadline day's hottest requests first: actix tries the routes in this order,
    // matching each dynamic path with a regular expression.
    cfg.service(collections::draft::save_draft)
        .service(collections::submit::submit_draft)
        .service(collections::draft::get_draft)
        .service(collections::attachments::attach_file)
        .service(collections::attachments::download_attached_file)
        .service(collections::attachments::download_organisation_archive)
        .service(auth::login::login)
        .service(auth::refresh::refresh)
        .service(auth::logout::logout)
        .service(me::get_me)
        .service(accounts::change_password)
        .service(accounts::issue_password)
        .service(accounts::block_user)
        .service(accounts::unblock_user)
        .service(accounts::issue_credentials)
        .service(forum::list_forums)
        .service(forum::list_questions)
        .service(forum::ask_question)
        .service(forum::get_question)
        .service(forum::answer_question)
        .service(forum::moderate_question)
        .service(forum::attach_to_question)
        .service(forum::download_forum_attachment)
        .service(admin::regions::create_region)
        .service(admin::regions::import_regions)
        .service(admin::municipalities::create_municipality)
        .service(admin::municipalities::import_municipalities)
        .service(admin::organisations::create_organisation)
        .service(admin::organisations::import_organisations)
        .service(admin::organisations::close_organisation)
        .service(audit::list_audit_events)
        .service(audit::export_audit_events)
        .service(orgs::list_orgs)
        .service(passport::get_passport)
        .service(passport::update_passport)
        .service(passport::get_passport_history)
        .service(sections::list::list_sections)
        .service(sections::save::create_section)
        .service(sections::save::update_section)
        .service(publications::list::list_publications)
        .service(publications::get::get_publication)
        .service(publications::save::create_publication)
        .service(publications::save::update_publication)
        .service(publications::star::star_publication)
        .service(publications::star::unstar_publication)
        .service(storages::list::list_storages)
        .service(storages::save::create_storage)
        .service(storages::save::update_storage)
        .service(storages::save::delete_storage)
        .service(storages::files::list_files)
        .service(storages::files::delete_file)
        .service(storages::upload::upload_file)
        .service(storages::download::link_file)
        .service(storages::download::download_file)
        .service(storages::zip::link_zip)
        .service(storages::zip::download_zip)
        .service(storages::reports::create_report)
        .service(storages::reports::get_report)
        .service(storages::reports::link_report)
        .service(storages::reports::download_report_file)
        .service(shared_lists::list_shared_lists)
        .service(shared_lists::put_shared_list)
        .service(shared_lists::delete_shared_list)
        .service(collections::forms::create_form)
        .service(collections::forms::import_form)
        .service(collections::forms::import_form_version)
        .service(collections::forms::download_form_description)
        .service(collections::forms::add_form_version)
        .service(collections::forms::list_forms)
        .service(collections::forms::get_form)
        .service(collections::collection::save_collection)
        .service(collections::collection::get_publication_collection)
        .service(collections::collection::list_collections)
        .service(collections::collection::get_collection)
        .service(collections::collection::set_collection_state)
        .service(collections::collection::get_collection_form)
        .service(collections::submit::list_submissions)
        .service(collections::monitoring::collection_statistics)
        .service(collections::monitoring::list_participants)
        .service(collections::forecast::collection_forecast)
        .service(collections::decisions::return_submission)
        .service(collections::decisions::accept_municipality)
        .service(collections::decisions::decide_submission)
        .service(collections::comments::list_cell_comments)
        .service(collections::comments::answer_cell_comment)
        .service(collections::comments::submission_changes)
        .service(collections::reminders::send_reminder)
        .service(api_tokens::create_api_token)
        .service(api_tokens::list_api_tokens)
        .service(api_tokens::revoke_api_token)
        .service(notifications::list_notifications)
        .service(notifications::read_all_notifications)
        .service(notifications::read_notification)
        .service(notifications::link_notification_stream)
        .service(notifications::notification_stream)
        .service(jobs::create_export)
        .service(jobs::create_group_report)
        .service(jobs::list_jobs)
        .service(jobs::get_job)
        .service(jobs::download_job_file)
        .service(analytics::assessments::create_assessment)
        .service(analytics::assessments::list_assessments)
        .service(analytics::assessments::create_work)
        .service(analytics::assessments::import_work)
        .service(analytics::assessments::get_work)
        .service(analytics::assessments::download_work_description)
        .service(analytics::results::create_protocol)
        .service(analytics::results::import_results)
        .service(analytics::reports::get_analytics_report)
        .service(analytics::reports::order_analytics_report)
        .service(collections::exchange::download_template)
        .service(collections::exchange::upload_draft)
        .service(collections::exchange::mark_upload_errors)
        .service(meta::get_openapi)
        .service(meta::get_api_docs)
        .service(client_errors::report_client_error)
        .service(health::get_health)
        .service(health::get_ready);
}
