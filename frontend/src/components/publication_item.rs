//! One publication in a list: date, title, star, permalink; opens in place.

use crate::api::publications;
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use oko_domain::{
    moscow_time::publication_date,
    publications::{Publication, PublicationSummary},
};

use crate::{
    api::Method,
    components::{collection_block::CollectionBlock, storages::Storages},
    session::Session,
};

/// A collapsed publication that expands to show its body.
#[component]
pub fn PublicationItem(summary: PublicationSummary, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let id = summary.id;
    let expanded = RwSignal::new(false);
    let body = RwSignal::new(None::<Result<String, String>>);
    let is_new = RwSignal::new(summary.is_new);
    let toggle = move |_| {
        expanded.update(|e| *e = !*e);
        if expanded.get_untracked() && body.get_untracked().is_none() {
            spawn_local(async move {
                let opened = session.get::<Publication>(&publications::one(id)).await;
                body.set(Some(opened.map(|p| p.body_html).map_err(|f| f.message)));
                if is_new.get_untracked() {
                    is_new.set(false);
                    changed.run(());
                }
            });
        }
    };
    view! {
        <li class="publication" class:unread=move || is_new.get()>
            <div class="publication-head">
                <span class="date">{publication_date(summary.published_on)}</span>
                <StarButton id=id starred=summary.starred changed=changed/>
                <A href=format!("/publications/{id}") attr:class="permalink">"Ссылка"</A>
            </div>
            <button type="button" class="publication-title" aria-expanded=move || expanded.get().to_string() on:click=toggle>
                {summary.title}
                {move || is_new.get().then(|| view! { <span class="new-badge">"новая"</span> })}
            </button>
            <Show when=move || expanded.get()>
                {move || match body.get() {
                    None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
                    Some(Err(message)) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
                    // Sanitised on the server by oko_domain::markdown.
                    Some(Ok(html)) => view! {
                        <div class="publication-body" inner_html=html></div>
                        <Storages publication_id=id/>
                        <CollectionBlock publication_id=id/>
                    }.into_any(),
                }}
            </Show>
        </li>
    }
}

/// «В избранное» / «Убрать из избранного».
#[component]
pub fn StarButton(id: uuid::Uuid, starred: bool, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let starred = RwSignal::new(starred);
    let toggle = move |_| {
        let wanted = !starred.get_untracked();
        spawn_local(async move {
            let method = if wanted { Method::Put } else { Method::Delete };
            if session
                .send(method, &publications::star(id), None)
                .await
                .is_ok()
            {
                starred.set(wanted);
                changed.run(());
            }
        });
    };
    view! {
        <button type="button" class="star" aria-pressed=move || starred.get().to_string() on:click=toggle
            title=move || if starred.get() { "Убрать из избранного" } else { "В избранное" }>
            {move || if starred.get() { "★ В избранном" } else { "☆ В избранное" }}
        </button>
    }
}
