//! A publication's permalink page: `/publications/{id}`.

use crate::api::publications;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_params_map};
use oko_domain::{moscow_time::publication_date, publications::Publication};

use crate::{
    components::{
        collection_block::CollectionBlock, publication_item::StarButton, storages::Storages,
    },
    session::Session,
};

/// One publication, opened.
#[component]
pub fn PublicationPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let publication = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        async move { session.get::<Publication>(&publications::one(id)).await }
    });
    view! {
        <p><A href="/exchange">"← Обмен данными"</A></p>
        {move || match publication.get() {
            None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
            Some(Ok(p)) => view! {
                <article class="card">
                    <p class="date">{publication_date(p.summary.published_on)}</p>
                    <h1 class="page-title">{p.summary.title.clone()}</h1>
                    <StarButton id=p.summary.id starred=p.summary.starred changed=Callback::new(|()| {})/>
                    {p.audience.is_some().then(|| view! {
                        <A href=format!("/publications/{}/edit", p.summary.id) attr:class="edit-link">"Редактировать"</A>
                    })}
                    // Sanitised on the server by oko_domain::markdown.
                    <div class="publication-body" inner_html=p.body_html></div>
                </article>
                // As the seeds show: the files first, then the data to send.
                <Storages publication_id=p.summary.id/>
                <CollectionBlock publication_id=p.summary.id/>
            }.into_any(),
        }}
    }
}
