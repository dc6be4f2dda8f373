//! «Обмен данными» (seed 001, Рис. 3 and 5): the section tabs with their counters,
//! «Избранные публикации», «Показать новости», the search by title and the list of
//! publications, newest first, collapsed until opened.

use crate::api::publications;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::components::A;
use oko_domain::{
    publications::{PublicationPage, SectionList},
    role::Role,
};
use uuid::Uuid;

use crate::{
    api::encode_query,
    components::{
        pager::Pager, publication_item::PublicationItem, section_manager::SectionManager,
    },
    session::Session,
};

/// Publications per page.
const PER_PAGE: u64 = 30;

/// Which tab is open.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tab {
    Section(Uuid),
    Starred,
}

/// The data-exchange page.
#[component]
pub fn Exchange() -> impl IntoView {
    let session = expect_context::<Session>();
    // Bumped whenever something changes the counters (a publication opened or starred).
    let counters_version = RwSignal::new(0u32);
    let sections = LocalResource::new(move || {
        counters_version.get();
        async move { session.get::<SectionList>(publications::SECTIONS).await }
    });
    let tab = RwSignal::new(None::<Tab>);
    Effect::new(move || {
        if tab.get().is_none()
            && let Some(Ok(list)) = sections.get()
            && let Some(first) = list.sections.first()
        {
            tab.set(Some(Tab::Section(first.id)));
        }
    });
    let search = RwSignal::new(String::new());
    let show_news = RwSignal::new(false);
    let is_operator = move || session.me().is_some_and(|me| me.role == Role::Operator);
    let changed = Callback::new(move |()| counters_version.update(|v| *v += 1));
    let sections_added = RwSignal::new(0u32);
    view! {
        <h1 class="page-title">"Обмен данными"</h1>
        <Show when=is_operator>
            <OperatorTools on_saved=Callback::new(move |()| {
                sections_added.update(|v| *v += 1);
                changed.run(());
            })/>
            <SectionManager added=sections_added on_saved=changed/>
        </Show>
        <button type="button" class="link-button" aria-expanded=move || show_news.get().to_string()
            on:click=move |_| show_news.update(|s| *s = !*s)>
            {move || if show_news.get() { "Скрыть новости" } else { "Показать новости" }}
        </button>
        <Show when=move || show_news.get()>
            <section class="news" aria-label="Новости">
                <PublicationList query=Signal::derive(|| "&news=true".to_owned()) changed=changed/>
            </section>
        </Show>
        {move || match sections.get() {
            None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
            Some(Ok(list)) if list.sections.is_empty() => view! {
                <p class="empty" data-testid="section-tabs">"Разделов с публикациями пока нет."</p>
            }.into_any(),
            Some(Ok(list)) => view! { <Tabs list=list tab=tab/> }.into_any(),
        }}
        <SearchForm search=search/>
        {move || tab.get().map(|current| {
            let filter = match current {
                Tab::Section(id) => format!("&section_id={id}"),
                Tab::Starred => "&starred=true".to_owned(),
            };
            let query = Signal::derive(move || format!("{filter}&search={}", encode_query(&search.get())));
            view! { <PublicationList query=query changed=changed/> }
        })}
    }
}

#[component]
fn Tabs(list: SectionList, tab: RwSignal<Option<Tab>>) -> impl IntoView {
    let tab_button = move |which: Tab, title: String, total: u64, new: u64| {
        view! {
            <button type="button" role="tab" class="tab" aria-selected=move || (tab.get() == Some(which)).to_string()
                on:click=move |_| tab.set(Some(which))>
                <span class="tab-title">{title}</span>
                <span class="count" title="Публикаций">{total}</span>
                {(new > 0).then(|| view! { <span class="new-badge" title="Новых">{format!("+{new}")}</span> })}
            </button>
        }
    };
    let starred = list.starred;
    view! {
        <nav class="section-tabs" role="tablist" aria-label="Разделы" data-testid="section-tabs">
            {list.sections.into_iter().map(|s| tab_button(Tab::Section(s.id), s.title, s.total, s.new)).collect_view()}
            {tab_button(Tab::Starred, "Избранные публикации".to_owned(), starred, 0)}
        </nav>
    }
}

#[component]
fn SearchForm(search: RwSignal<String>) -> impl IntoView {
    let draft = RwSignal::new(String::new());
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        search.set(draft.get_untracked());
    };
    view! {
        <form class="search" role="search" on:submit=submit>
            <label class="visually-hidden" for="publication-search">"Поиск по названию"</label>
            <input id="publication-search" placeholder="Поиск по названию" bind:value=draft/>
            <button type="submit">"Искать"</button>
        </form>
    }
}

/// Publications matching `query` (extra query-string parameters), newest first.
#[component]
fn PublicationList(#[prop(into)] query: Signal<String>, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let page = RwSignal::new(1u64);
    // A new filter starts again from the first page.
    Effect::watch(move || query.get(), move |_, _, _| page.set(1), false);
    let publications = LocalResource::new(move || {
        let path = publications::page(&format!(
            "per_page={PER_PAGE}&page={}{}",
            page.get(),
            query.get()
        ));
        async move { session.get::<PublicationPage>(&path).await }
    });
    view! {
        {move || match publications.get() {
            None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
            Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
            Some(Ok(found)) if found.items.is_empty() => view! { <p class="empty">"Публикаций нет."</p> }.into_any(),
            Some(Ok(found)) => view! {
                <ul class="publications">
                    {found.items.into_iter().map(|summary| view! { <PublicationItem summary=summary changed=changed/> }).collect_view()}
                </ul>
                {(found.total > PER_PAGE).then(|| view! {
                    <Pager page=page current=found.page total=found.total per_page=PER_PAGE/>
                })}
            }.into_any(),
        }}
    }
}

/// The operator's shortcuts: a new section, a new publication.
#[component]
fn OperatorTools(on_saved: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let title = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = oko_domain::publications::SectionInput {
            title: title.get_untracked(),
            position: None,
        };
        leptos::task::spawn_local(async move {
            let saved = session
                .save::<_, oko_domain::publications::Section>(
                    crate::api::Method::Post,
                    publications::SECTIONS,
                    &body,
                )
                .await;
            match saved {
                Ok(section) => {
                    message.set(Some(format!("Раздел «{}» добавлен", section.title)));
                    title.set(String::new());
                    on_saved.run(());
                }
                Err(failure) => message.set(Some(failure.message)),
            }
        });
    };
    view! {
        <div class="operator-tools card">
            <form class="search" on:submit=submit>
                <label class="visually-hidden" for="new-section">"Название нового раздела"</label>
                <input id="new-section" placeholder="Название нового раздела" bind:value=title/>
                <button type="submit">"Добавить раздел"</button>
            </form>
            <p role="status">{move || message.get()}</p>
            <A href="/publications/new">"Новая публикация"</A>
            " · "
            <A href="/forms">"Формы сбора данных"</A>
        </div>
    }
}
