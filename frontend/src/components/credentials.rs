//! «Архив с паролями» for a coordinator: new passwords for every subordinate
//! account of its territory, made in the background as a workbook it downloads
//! from the list below (the old passwords stop working).

use crate::api::admin;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::{accounts::CredentialsRequest, jobs::JobView};

use crate::{
    api::Method,
    components::exports::{JobFeed, JobItems},
    session::Session,
};

/// The card.
#[component]
pub fn CredentialsArchive() -> impl IntoView {
    let session = expect_context::<Session>();
    let feed = JobFeed::new(session);
    let problem = RwSignal::new(None::<String>);
    let confirm = RwSignal::new(false);
    let issue = move |_| {
        if !confirm.get_untracked() {
            confirm.set(true);
            return;
        }
        confirm.set(false);
        spawn_local(async move {
            match session
                .save::<_, JobView>(
                    Method::Post,
                    admin::CREDENTIALS,
                    &CredentialsRequest::default(),
                )
                .await
            {
                Ok(job) => feed.started(job),
                Err(f) => problem.set(Some(f.message)),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="credentials-title">
            <h2 id="credentials-title">"Архив с паролями"</h2>
            <p class="muted">"Новые пароли для всех подчиненных учетных записей вашей территории — файлом Excel. Старые пароли перестанут действовать."</p>
            <button type="button" on:click=issue>
                {move || if confirm.get() { "Подтвердите: выдать новые пароли всем" } else { "Выдать новые пароли всем" }}
            </button>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <JobItems feed=feed/>
        </section>
    }
}
