//! «Журнал событий» (`/audit`): the audit log of the caller's territory, filtered
//! by action, login and dates, a page at a time, and as CSV.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use oko_domain::{
    audit::{AuditAction, AuditPage},
    moscow_time::{from_moscow_input, short_date_time},
};

use crate::{
    api::encode_query,
    components::{date_time_field::DateTimeField, pager::Pager},
    download::download,
    session::Session,
};

const PER_PAGE: u64 = 50;

/// The page.
#[component]
pub fn AuditPageView() -> impl IntoView {
    let session = expect_context::<Session>();
    let action = RwSignal::new(String::new());
    let login = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    // The filter applied (the form's values when «Показать» was pressed).
    let applied = RwSignal::new(String::new());
    let page = RwSignal::new(1u64);
    let events = LocalResource::new(move || {
        let path = crate::api::admin::audit(&format!(
            "page={}&per_page={PER_PAGE}{}",
            page.get(),
            applied.get()
        ));
        async move { session.get::<AuditPage>(&path).await }
    });
    let filter = move || {
        let mut query = String::new();
        if !action.get_untracked().is_empty() {
            query.push_str(&format!("&action={}", action.get_untracked()));
        }
        if !login.get_untracked().trim().is_empty() {
            query.push_str(&format!(
                "&login={}",
                encode_query(login.get_untracked().trim())
            ));
        }
        for (name, value) in [("from", from), ("to", to)] {
            if let Some(at) = from_moscow_input(&value.get_untracked()) {
                query.push_str(&format!("&{name}={}", encode_query(&at.to_rfc3339())));
            }
        }
        query
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        applied.set(filter());
        page.set(1);
    };
    let export = move |_| {
        let path = crate::api::admin::audit_export(applied.get_untracked().trim_start_matches('&'));
        spawn_local(async move {
            let _ = download(session, &path, "Журнал событий.csv").await;
        });
    };
    view! {
        <section class="audit" aria-labelledby="audit-title">
            <h1 id="audit-title" class="page-title">"Журнал событий"</h1>
            <form class="inline-form" on:submit=submit>
                <label>"Действие "
                    <select on:change=move |ev| action.set(event_target_value(&ev))>
                        <option value="">"Все"</option>
                        {AuditAction::ALL.into_iter().map(|a| view! { <option value=a.as_str()>{a.title_ru()}</option> }).collect_view()}
                    </select>
                </label>
                <label>"Логин " <input type="text" bind:value=login/></label>
                <label for="audit-from">"С (мск) "</label>
                <DateTimeField id="audit-from" value=from/>
                <label for="audit-to">"По (мск) "</label>
                <DateTimeField id="audit-to" value=to/>
                <button type="submit">"Показать"</button>
                <button type="button" class="secondary" on:click=export>"Скачать CSV"</button>
            </form>
            {move || events.get().map(|found| match found {
                Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Ok(found) => {
                    let (current, total) = (found.page, found.total);
                    view! {
                        <p class="total">{format!("Событий: {total}")}</p>
                        <table class="grid audit-table">
                            <thead><tr>
                                <th scope="col">"Время (мск)"</th><th scope="col">"Кто"</th><th scope="col">"Действие"</th>
                                <th scope="col">"Кому / что"</th><th scope="col">"Подробности"</th><th scope="col">"Адрес"</th>
                            </tr></thead>
                            <tbody>
                                {found.items.into_iter().map(|e| view! {
                                    <tr>
                                        <td>{short_date_time(e.at)}</td>
                                        <td class="mono">{e.actor}</td>
                                        <td>{e.action_title}</td>
                                        <td>{e.target}</td>
                                        <td>{e.detail}</td>
                                        <td class="mono">{e.address.unwrap_or_default()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                        <Pager page=page current=current total=total per_page=PER_PAGE/>
                    }.into_any()
                }
            })}
        </section>
    }
}
