//! «Групповой отчет», `/reports/group`: a coordinator picks collections (open ones
//! or all, all of them or some) and gets one row per organisation with each
//! collection's status and submit time, made in the background.

use crate::api::analytics;
use crate::api::collections;
use std::collections::BTreeSet;

use leptos::prelude::*;
use oko_domain::{
    collections::CollectionList,
    jobs::{ExportFormat, GroupReportRequest, JobView},
};
use uuid::Uuid;

use crate::{
    components::{
        exports::{FormatSelect, JobFeed, JobItems},
        one_at_a_time::OneAtATime,
    },
    session::Session,
};

/// The page.
#[component]
pub fn GroupReportPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let open_only = RwSignal::new(true);
    let list = LocalResource::new(move || {
        let query = if open_only.get() { "?state=open" } else { "" };
        async move {
            session
                .get::<CollectionList>(&collections::list(query))
                .await
        }
    });
    let chosen = RwSignal::new(BTreeSet::<Uuid>::new());
    let format = RwSignal::new(ExportFormat::Xlsx);
    let problem = RwSignal::new(None::<String>);
    let feed = JobFeed::new(session);
    let all_ids = move || {
        list.get()
            .and_then(Result::ok)
            .map(|l| l.items.iter().map(|c| c.id).collect::<Vec<_>>())
            .unwrap_or_default()
    };
    let select_all = move |_| chosen.set(all_ids().into_iter().collect());
    let sending = OneAtATime::new();
    let make = move |_| {
        let request = GroupReportRequest {
            collections: chosen.get_untracked().into_iter().collect(),
            format: format.get_untracked(),
        };
        sending.run(
            move |key| async move {
                session
                    .create::<_, JobView>(analytics::GROUP_REPORT, &request, &key)
                    .await
            },
            move |answer| match answer {
                Ok(job) => {
                    problem.set(None);
                    feed.started(job);
                }
                Err(failure) => problem.set(Some(failure.first_message())),
            },
        )
    };
    view! {
        <section class="group-report" aria-labelledby="group-title">
            <h1 id="group-title" class="page-title">"Групповой отчет"</h1>
            <p class="muted">"Строка на каждую организацию вашей территории, по каждому выбранному сбору данных — статус и дата подачи."</p>
            <div class="export-controls">
                <label>
                    <input type="checkbox" prop:checked=move || open_only.get()
                        on:change=move |ev| { open_only.set(event_target_checked(&ev)); chosen.set(BTreeSet::new()); }/>
                    " Только открытые"
                </label>
                <button type="button" class="secondary" on:click=select_all>"Выбрать все"</button>
                <FormatSelect format=format/>
                <button type="button" on:click=make disabled=move || sending.busy() || chosen.with(BTreeSet::is_empty)>"Сформировать"</button>
            </div>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || list.get().map(|l| match l {
                Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Ok(l) if l.items.is_empty() => view! { <p class="muted">"Сборов данных нет"</p> }.into_any(),
                Ok(l) => view! {
                    <ul class="collection-picker">
                        {l.items.into_iter().map(|c| {
                            let id = c.id;
                            let label = format!("{} — {} ({}, {})", c.form_title, c.publication_title, c.state_title, c.window);
                            view! {
                                <li><label>
                                    <input type="checkbox" prop:checked=move || chosen.with(|s| s.contains(&id))
                                        on:change=move |ev| chosen.update(|s| {
                                            if event_target_checked(&ev) { s.insert(id); } else { s.remove(&id); }
                                        })/>
                                    " " {label}
                                </label></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            })}
            <h2>"Отчёты"</h2>
            <JobItems feed=feed/>
        </section>
    }
}
