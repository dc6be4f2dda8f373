//! «Сменить пароль»: the old password and a new one, checked as it is typed by
//! the same policy the server applies.

use super::outcome::{Outcome, OutcomeLine};
use crate::api::me;
use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use oko_domain::{accounts::PasswordChange, password_policy};

use crate::{api::Method, session::Session};

/// The form.
#[component]
pub fn PasswordChangeForm(login: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let old = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let outcome = Outcome::new(None);
    let login = StoredValue::new(login);
    let hints = move || {
        let typed = new.get();
        if typed.is_empty() {
            return Vec::new();
        }
        password_policy::problems(&login.get_value(), &typed, "new_password")
            .into_iter()
            .map(|p| p.message)
            .collect::<Vec<_>>()
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let body = PasswordChange {
            old_password: old.get_untracked(),
            new_password: new.get_untracked(),
        };
        spawn_local(async move {
            let sent = session
                .send(Method::Post, me::PASSWORD, serde_json::to_value(&body).ok())
                .await;
            outcome.set(Some(match sent {
                Ok(_) => {
                    old.set(String::new());
                    new.set(String::new());
                    Ok("Пароль изменен. Другие сеансы завершены.".to_owned())
                }
                Err(f) if f.errors.is_empty() => Err(vec![f.message]),
                Err(f) => Err(f.errors.into_iter().map(|e| e.message).collect()),
            }));
        });
    };
    view! {
        <form class="card password-change" on:submit=submit aria-labelledby="password-title">
            <h2 id="password-title">"Сменить пароль"</h2>
            <label>"Текущий пароль " <input type="password" autocomplete="current-password" bind:value=old/></label>
            <label>"Новый пароль " <input type="password" autocomplete="new-password" bind:value=new/></label>
            <ul class="hints">{move || hints().into_iter().map(|h| view! { <li>{h}</li> }).collect_view()}</ul>
            <button type="submit" disabled=move || !hints().is_empty() || new.get().is_empty()>"Сменить пароль"</button>
            <OutcomeLine outcome=outcome/>
        </form>
    }
}
