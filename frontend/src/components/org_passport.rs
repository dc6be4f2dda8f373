//! An organisation's «Паспорт»: registry data, address, head and contacts, the
//! fields the user may change as inputs, and the history of changes.

use super::outcome::{Outcome, OutcomeLine};
use crate::api::admin;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use oko_domain::{
    moscow_time::short_date_time,
    passport::{Passport, PassportChange, PassportField, PassportHistory},
};

use crate::{api::Method, session::Session};

/// The passport of organisation `login`.
#[component]
pub fn OrgPassport(login: String) -> impl IntoView {
    let session = expect_context::<Session>();
    // A save changes the history; the card keeps what was typed (and its message).
    let reload = RwSignal::new(0u32);
    let login = StoredValue::new(login);
    let passport = LocalResource::new(move || {
        let path = admin::passport(login.get_value());
        async move { session.get::<Passport>(&path).await }
    });
    let history = LocalResource::new(move || {
        reload.track();
        let path = admin::passport_history(login.get_value());
        async move { session.get::<PassportHistory>(&path).await }
    });
    let saved = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        {move || passport.get().map(|p| match p {
            Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
            Ok(passport) => view! { <PassportCard passport=passport saved=saved/> }.into_any(),
        })}
        {move || history.get().and_then(Result::ok).filter(|h| !h.items.is_empty()).map(|h| view! {
            <section class="card" aria-labelledby="passport-history">
                <h2 id="passport-history">"История изменений"</h2>
                <table class="grid passport-history">
                    <thead><tr><th scope="col">"Когда (мск)"</th><th scope="col">"Кто"</th><th scope="col">"Поле"</th>
                        <th scope="col">"Было"</th><th scope="col">"Стало"</th></tr></thead>
                    <tbody>{h.items.into_iter().map(|i| view! {
                        <tr><td>{short_date_time(i.at)}</td><td class="mono">{i.by}</td><td>{i.field_title}</td>
                            <td>{i.old_value}</td><td>{i.new_value}</td></tr>
                    }).collect_view()}</tbody>
                </table>
            </section>
        })}
    }
}

#[component]
fn PassportCard(passport: Passport, saved: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let org = passport.organisation.clone();
    let login = org.login.clone();
    let value = |field: PassportField| passport.value(field).to_owned();
    let fields: Vec<(PassportField, RwSignal<String>, bool)> = PassportField::ALL
        .into_iter()
        .map(|f| (f, RwSignal::new(value(f)), passport.editable.contains(&f)))
        .collect();
    let originals: Vec<String> = PassportField::ALL.into_iter().map(value).collect();
    let can_edit = !passport.editable.is_empty();
    let outcome = Outcome::new(None);
    let inputs = fields.clone();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut change = PassportChange::default();
        for ((field, signal, editable), original) in inputs.iter().zip(&originals) {
            let typed = signal.get_untracked();
            if !*editable || typed == *original {
                continue;
            }
            *change.slot(*field) = Some(typed);
        }
        let problems: Vec<String> = change.problems().into_iter().map(|p| p.message).collect();
        if !problems.is_empty() {
            outcome.set(Some(Err(problems)));
            return;
        }
        let path = admin::passport(&login);
        spawn_local(async move {
            match session
                .save::<_, Passport>(Method::Put, &path, &change)
                .await
            {
                Ok(_) => {
                    outcome.set(Some(Ok("Паспорт сохранен".to_owned())));
                    saved.run(());
                }
                Err(f) if f.errors.is_empty() => outcome.set(Some(Err(vec![f.message]))),
                Err(f) => outcome.set(Some(Err(f.errors.into_iter().map(|e| e.message).collect()))),
            }
        });
    };
    view! {
        <form class="card passport" on:submit=submit aria-labelledby="passport-title">
            <h2 id="passport-title">{format!("Паспорт: {}", org.short_name)}</h2>
            <dl class="facts">
                <dt>"Логин"</dt><dd class="mono">{org.login.clone()}</dd>
                <dt>"Код"</dt><dd>{org.code.clone()}</dd>
                <dt>"Вид"</dt><dd>{org.kind.title_ru()}</dd>
                <dt>"Регион"</dt><dd>{org.region.name.clone()}</dd>
                <dt>"Муниципалитет"</dt><dd>{org.municipality.name.clone()}</dd>
                {fields.into_iter().map(|(field, signal, editable)| view! {
                    <dt><label for=format!("passport-{}", field.as_str())>{field.title_ru()}</label></dt>
                    <dd>{if editable {
                        view! { <input id=format!("passport-{}", field.as_str()) type="text" bind:value=signal/> }.into_any()
                    } else {
                        view! { <span id=format!("passport-{}", field.as_str())>{move || signal.get()}</span> }.into_any()
                    }}</dd>
                }).collect_view()}
            </dl>
            {can_edit.then(|| view! { <button type="submit">"Сохранить паспорт"</button> })}
            <OutcomeLine outcome=outcome/>
        </form>
    }
}
