//! The operator's list of sections: rename and reorder («Порядок»), one row each.

use crate::api::publications;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use oko_domain::publications::{Section, SectionInput, SectionList, SectionSummary};

use crate::{api::Method, session::Session};

/// Every section with its title and position, each saved on its own. The list is
/// read again only when `added` changes (a new section), so a save does not redraw
/// the rows under the operator's hands.
#[component]
pub fn SectionManager(#[prop(into)] added: Signal<u32>, on_saved: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let sections = LocalResource::new(move || {
        added.get();
        async move { session.get::<SectionList>(publications::SECTIONS).await }
    });
    view! {
        <details class="section-manager">
            <summary>"Разделы: названия и порядок"</summary>
            <ul>
                {move || sections.get().and_then(Result::ok).map(|list| list.sections.into_iter()
                    .map(|s| view! { <SectionRow section=s on_saved=on_saved/> })
                    .collect_view())}
            </ul>
        </details>
    }
}

#[component]
fn SectionRow(section: SectionSummary, on_saved: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let title = RwSignal::new(section.title.clone());
    let position = RwSignal::new(section.position.to_string());
    let message = RwSignal::new(None::<String>);
    let id = section.id;
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Ok(position) = position.get_untracked().trim().parse::<i32>() else {
            message.set(Some("Порядок — целое число".to_owned()));
            return;
        };
        let body = SectionInput {
            title: title.get_untracked(),
            position: Some(position),
        };
        spawn_local(async move {
            match session
                .save::<_, Section>(Method::Put, &publications::section(id), &body)
                .await
            {
                Ok(saved) => {
                    message.set(Some(format!("Сохранено: «{}»", saved.title)));
                    on_saved.run(());
                }
                Err(failure) => message.set(Some(failure.message)),
            }
        });
    };
    let title_id = format!("section-title-{id}");
    let position_id = format!("section-position-{id}");
    view! {
        <li>
            <form class="section-row" on:submit=submit>
                <label for=title_id.clone()>"Название"</label>
                <input id=title_id bind:value=title/>
                <label for=position_id.clone()>"Порядок"</label>
                <input id=position_id class="position" inputmode="numeric" bind:value=position/>
                <button type="submit">"Сохранить"</button>
                <span role="status">{move || message.get()}</span>
            </form>
        </li>
    }
}
