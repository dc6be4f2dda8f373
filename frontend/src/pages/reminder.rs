//! «Напомнить» on the monitoring page: whom (statuses, optionally one
//! municipality) and what; the server tells how many organisations it is for.

use crate::api::collections;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::{
    monitoring::MunicipalityOption,
    reminders::{ReminderRequest, ReminderSent, ReminderStatus},
};
use uuid::Uuid;

use crate::{api::Method, session::Session};

/// The button and, once pressed, the reminder's form.
#[component]
pub fn ReminderForm(
    collection: String,
    /// The text offered (the form's title and deadline).
    suggested: String,
    /// The scope's municipalities (a choice only when there are several).
    municipalities: Signal<Vec<MunicipalityOption>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let open = RwSignal::new(false);
    let statuses = RwSignal::new(vec![ReminderStatus::NotStarted]);
    let municipality = RwSignal::new(String::new());
    let text = RwSignal::new(suggested);
    let problems = RwSignal::new(Vec::<String>::new());
    let sent = RwSignal::new(None::<String>);
    let path = collections::reminders(collection);
    let send = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = ReminderRequest {
            statuses: statuses.get_untracked(),
            municipality: municipality.with_untracked(|m| m.parse::<Uuid>().ok()),
            text: text.get_untracked(),
        };
        // The same checks as the server's, before asking it.
        let found: Vec<String> = request.problems().into_iter().map(|p| p.message).collect();
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        let path = path.clone();
        spawn_local(async move {
            match session
                .save::<_, ReminderSent>(Method::Post, &path, &request)
                .await
            {
                Ok(answer) => {
                    problems.set(Vec::new());
                    sent.set(Some(answer.said_ru()));
                    open.set(false);
                }
                Err(failure) => problems.set(if failure.errors.is_empty() {
                    vec![failure.message]
                } else {
                    failure.errors.into_iter().map(|e| e.message).collect()
                }),
            }
        });
    };
    let toggle = move |status: ReminderStatus, on: bool| {
        statuses.update(|chosen| {
            chosen.retain(|s| *s != status);
            if on {
                chosen.push(status);
            }
        })
    };
    view! {
        <div class="reminder">
            <button type="button" aria-expanded=move || open.get().to_string()
                on:click=move |_| { sent.set(None); open.update(|o| *o = !*o) }>"Напомнить"</button>
            {move || sent.get().map(|said| view! { <p role="status">{said}</p> })}
            <Show when=move || open.get()>
                <form class="reminder-form" aria-label="Напоминание" on:submit=send.clone()>
                    <fieldset>
                        <legend>"Кому напомнить"</legend>
                        {ReminderStatus::ALL.into_iter().map(|status| view! {
                            <label class="check">
                                <input type="checkbox" prop:checked=move || statuses.with(|s| s.contains(&status))
                                    on:change=move |ev| toggle(status, event_target_checked(&ev))/>
                                {status.title_ru()}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    {move || (municipalities.with(Vec::len) > 1).then(|| view! {
                        <label>"Муниципалитет "
                            <select on:change=move |ev| municipality.set(event_target_value(&ev))>
                                <option value="">"Все"</option>
                                {municipalities.get().into_iter().map(|m| view! {
                                    <option value=m.id.to_string()>{m.name}</option>
                                }).collect_view()}
                            </select>
                        </label>
                    })}
                    <label>"Текст напоминания"
                        <textarea rows="3" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="submit">"Отправить"</button>
                    " "
                    <button type="button" class="secondary" on:click=move |_| open.set(false)>"Отмена"</button>
                    {move || (!problems.with(Vec::is_empty)).then(|| view! {
                        // The alert around the list: a list given the alert role
                        // is no longer a list to a screen reader.
                        <div class="error" role="alert">
                            <ul>{problems.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}</ul>
                        </div>
                    })}
                </form>
            </Show>
        </div>
    }
}
