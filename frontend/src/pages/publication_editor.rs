//! The operator's form for a new or an existing publication: section, title, Markdown body with a
//! preview rendered by the very function the server stores it with, dates in Moscow
//! time, and the audience.

use crate::api::publications;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;
use oko_domain::{
    api::FieldError,
    markdown::to_safe_html,
    moscow_time::{from_moscow_input, to_moscow_input},
    org::OrgKind,
    publications::{Audience, Publication, PublicationInput, SectionList},
};
use uuid::Uuid;

use crate::{
    components::{
        date_time_field::DateTimeField, error_summary::ErrorSummary, one_at_a_time::OneAtATime,
    },
    session::Session,
};

/// Comma- or space-separated items.
fn items(text: &str) -> Vec<String> {
    text.split([',', ' ', ';', '\n'])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The new-publication page (`/publications/new`).
/// Each field of `PublicationInput` and its input, for the error summary's links.
const FIELDS: &[(&str, &str)] = &[
    ("section_id", "pub-section"),
    ("title", "pub-title"),
    ("body_markdown", "pub-body"),
    ("published_on", "pub-date"),
    ("visible_from", "pub-visible"),
    ("audience", "pub-regions"),
];

/// The problem of a publication without its date.
const NO_DATE: &str = "Укажите дату публикации";

#[component]
pub fn NewPublication() -> impl IntoView {
    view! { <PublicationEditor editing=None/> }
}

/// The edit page of a publication (`/publications/{id}/edit`).
#[component]
pub fn EditPublication() -> impl IntoView {
    let params = leptos_router::hooks::use_params_map();
    move || {
        let id = params
            .read()
            .get("id")
            .and_then(|id| id.parse::<Uuid>().ok());
        view! { <PublicationEditor editing=id/> }
    }
}

/// The form; `editing` is the publication to change, `None` for a new one.
#[component]
fn PublicationEditor(editing: Option<Uuid>) -> impl IntoView {
    let session = expect_context::<Session>();
    let sections = LocalResource::new(move || async move {
        session.get::<SectionList>(publications::SECTIONS).await
    });
    let section = RwSignal::new(String::new());
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let published_on = RwSignal::new(String::new());
    let visible_from = RwSignal::new(String::new());
    let is_news = RwSignal::new(false);
    let everyone = RwSignal::new(true);
    let kinds = OrgKind::ALL.map(|kind| (kind, RwSignal::new(false)));
    let regions = RwSignal::new(String::new());
    let logins = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let navigate = use_navigate();
    if let Some(id) = editing {
        // The operator's view of a publication carries its source and audience.
        spawn_local(async move {
            match session.get::<Publication>(&publications::one(id)).await {
                Ok(current) => {
                    section.set(current.summary.section_id.to_string());
                    title.set(current.summary.title);
                    body.set(current.body_markdown.unwrap_or_default());
                    published_on.set(to_moscow_input(current.summary.published_on));
                    visible_from.set(to_moscow_input(current.summary.visible_from));
                    is_news.set(current.summary.is_news);
                    let audience = current.audience.unwrap_or_default();
                    everyone.set(audience.everyone);
                    for (kind, on) in kinds {
                        on.set(audience.org_kinds.contains(&kind));
                    }
                    regions.set(audience.region_codes.join(", "));
                    logins.set(audience.organisation_logins.join(", "));
                }
                Err(failure) => problems.set(failure.problems()),
            }
        });
    }

    // The date's own problem goes as soon as a date is there.
    Effect::new(move |_| {
        if from_moscow_input(&published_on.get()).is_some() {
            problems.update(|p| p.retain(|m| m.message != NO_DATE));
        }
    });
    let sending = OneAtATime::new();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(published) = from_moscow_input(&published_on.get_untracked()) else {
            problems.set(vec![FieldError::about_field(
                "published_on",
                "required",
                NO_DATE,
            )]);
            return;
        };
        let input = PublicationInput {
            section_id: section.get_untracked().parse().unwrap_or(Uuid::nil()),
            title: title.get_untracked(),
            body_markdown: body.get_untracked(),
            published_on: published,
            visible_from: from_moscow_input(&visible_from.get_untracked()),
            is_news: is_news.get_untracked(),
            audience: Audience {
                everyone: everyone.get_untracked(),
                org_kinds: kinds
                    .iter()
                    .filter(|(_, on)| on.get_untracked())
                    .map(|(k, _)| *k)
                    .collect(),
                region_codes: items(&regions.get_untracked()),
                organisation_logins: items(&logins.get_untracked()),
            },
        };
        // The same rules the server checks, shown before the round trip.
        let local = input.problems();
        if !local.is_empty() {
            problems.set(local);
            return;
        }
        let navigate = navigate.clone();
        sending.run(
            move |key| async move {
                session
                    .create::<_, Publication>(publications::PUBLICATIONS, &input, &key)
                    .await
            },
            move |answer| match answer {
                Ok(saved) => navigate(
                    &format!("/publications/{}", saved.summary.id),
                    Default::default(),
                ),
                Err(failure) => problems.set(failure.problems()),
            },
        );
    };

    view! {
        <h1 class="page-title">{if editing.is_some() { "Изменение публикации" } else { "Новая публикация" }}</h1>
        <form class="card editor" on:submit=submit>
            <ErrorSummary problems=problems fields=FIELDS/>
            <label for="pub-section">"Раздел*"</label>
            <select id="pub-section" on:change=move |ev| section.set(event_target_value(&ev))>
                <option value="">"— выберите —"</option>
                {move || sections.get().and_then(Result::ok).map(|list| list.sections.into_iter().map(|s| {
                    let id = s.id.to_string();
                    let selected = section.get() == id;
                    view! { <option value=id selected=selected>{s.title}</option> }
                }).collect_view())}
            </select>
            <label for="pub-title">"Название*"</label>
            <input id="pub-title" bind:value=title/>
            <label for="pub-body">"Текст (Markdown)"</label>
            <textarea id="pub-body" rows="8" bind:value=body></textarea>
            <details>
                <summary>"Предпросмотр"</summary>
                <div class="publication-body" inner_html=move || to_safe_html(&body.get())></div>
            </details>
            <label for="pub-date">"Дата публикации (мск)*"</label>
            <DateTimeField id="pub-date" value=published_on/>
            <label for="pub-visible">"Доступна с (мск), если позже"</label>
            <DateTimeField id="pub-visible" value=visible_from/>
            <label class="check"><input type="checkbox" bind:checked=is_news/>" Показывать в новостях"</label>
            <fieldset>
                <legend>"Кому"</legend>
                <label class="check"><input type="checkbox" bind:checked=everyone/>" Всем организациям"</label>
                {kinds.into_iter().map(|(kind, on)| view! {
                    <label class="check"><input type="checkbox" bind:checked=on/>{format!(" {}", kind.title_ru())}</label>
                }).collect_view()}
                <label for="pub-regions">"Регионы (коды через запятую)"</label>
                <input id="pub-regions" placeholder="24, 77" bind:value=regions/>
                <label for="pub-logins">"Организации (логины через запятую)"</label>
                <input id="pub-logins" placeholder="sch240001" bind:value=logins/>
            </fieldset>
            <button type="submit" disabled=move || sending.busy()>{if editing.is_some() { "Сохранить" } else { "Опубликовать" }}</button>
        </form>
    }
}
