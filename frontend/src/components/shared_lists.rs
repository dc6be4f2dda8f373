//! «Общие списки» (operator, on «Формы сбора данных»): lists of values named
//! once — the subjects, the kinds of rooms — that list columns of any form
//! take by name. Each list's values are edited one per line.

use crate::api::lists;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::forms::shared_lists::{SharedList, SharedListInput, SharedListPage};

use crate::{
    api::{Method, encode_query},
    session::Session,
};

/// The lists, each editable, and a form for a new one.
#[component]
pub fn SharedLists() -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let lists = LocalResource::new(move || {
        reload.track();
        async move { session.get::<SharedListPage>(lists::ALL).await }
    });
    let changed = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        <section class="card shared-lists" aria-labelledby="shared-lists-title">
            <h2 id="shared-lists-title">"Общие списки"</h2>
            <p class="muted">"Список, названный здесь один раз, берет любой столбец-список формы: «Список» = его название. Форма получает значения при сохранении; изменения списка попадут в следующие версии форм."</p>
            {move || match lists.get() {
                None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Some(Ok(page)) => page.items.into_iter().map(|list| view! {
                    <ListEditor list=Some(list) changed=changed/>
                }).collect_view().into_any(),
            }}
            <ListEditor list=None changed=changed/>
        </section>
    }
}

/// One list (or, without `list`, a new one): its name, its values one per
/// line, «Сохранить» and «Удалить».
#[component]
fn ListEditor(list: Option<SharedList>, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let existing = list.is_some();
    let name = RwSignal::new(list.as_ref().map(|l| l.name.clone()).unwrap_or_default());
    let values = RwSignal::new(list.map(|l| l.values.join("\n")).unwrap_or_default());
    let message = RwSignal::new(None::<(bool, String)>);
    // Ids without spaces, whatever the list is called.
    let key = if existing {
        encode_query(&name.get_untracked())
    } else {
        "new".to_owned()
    };
    let id = |what: &str| format!("list-{what}-{key}");
    let (name_id, values_id) = (id("name"), id("values"));
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = SharedListInput {
            values: values
                .get_untracked()
                .lines()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        let path = lists::one(name.get_untracked().trim());
        spawn_local(async move {
            match session
                .save::<_, SharedList>(Method::Put, &path, &input)
                .await
            {
                Ok(saved) => {
                    message.set(Some((false, format!("Список «{}» сохранен", saved.name))));
                    values.set(saved.values.join("\n"));
                    // A new list joins the ones above; an existing one stays
                    // where it is, with its message.
                    if !existing {
                        name.set(String::new());
                        values.set(String::new());
                        changed.run(());
                    }
                }
                Err(failure) => message.set(Some((true, failure.first_message()))),
            }
        });
    };
    let remove = move |_| {
        let path = lists::one(&name.get_untracked());
        spawn_local(async move {
            match session.send(Method::Delete, &path, None).await {
                Ok(_) => changed.run(()),
                Err(failure) => message.set(Some((true, failure.first_message()))),
            }
        });
    };
    view! {
        <form class="shared-list" on:submit=save>
            {if existing {
                view! { <h3>{move || name.get()}</h3> }.into_any()
            } else {
                view! {
                    <label for=name_id.clone()>"Название нового списка"</label>
                    <input id=name_id type="text" required maxlength="100" prop:value=move || name.get()
                        on:input=move |ev| name.set(event_target_value(&ev))/>
                }.into_any()
            }}
            <label for=values_id.clone()>"Значения, по одному в строке"</label>
            <textarea id=values_id rows="4" prop:value=move || values.get()
                on:input=move |ev| values.set(event_target_value(&ev))></textarea>
            <div class="actions">
                <button type="submit">{if existing { "Сохранить" } else { "Добавить список" }}</button>
                {existing.then(|| view! {
                    <button type="button" class="secondary" on:click=remove>"Удалить"</button>
                })}
            </div>
            {move || message.get().map(|(error, text)| if error {
                view! { <p class="error" role="alert">{text}</p> }.into_any()
            } else {
                view! { <p role="status">{text}</p> }.into_any()
            })}
        </form>
    }
}
