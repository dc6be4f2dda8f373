//! A coordinator's actions on a subordinate account (seed 003, step 1): «Выдать
//! новый пароль» shows the new password once, «Заблокировать» / «Разблокировать».

use crate::api::admin;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::accounts::{AccountAccess, IssuedPassword};

use crate::{api::Method, components::one_at_a_time::OneAtATime, session::Session};

/// The buttons for account `login`, and what the last one did.
#[component]
pub fn AccountActions(login: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let login = StoredValue::new(login);
    // The old password stops working at once: asked first, as the bulk one is,
    // and sent once however often the button is clicked.
    let confirming = RwSignal::new(false);
    let issuing = OneAtATime::new();
    let issue = move |_| {
        if !confirming.get_untracked() {
            confirming.set(true);
            return;
        }
        confirming.set(false);
        let login = login.get_value();
        let path = admin::user_action(login, "password");
        issuing.run(
            move |key| async move { session.create::<_, IssuedPassword>(&path, &(), &key).await },
            move |answer| {
                outcome.set(Some(
                    answer
                        .map(|issued| {
                            format!(
                                "Новый пароль {}: {} — он показан один раз, передайте его организации",
                                issued.login, issued.password
                            )
                        })
                        .map_err(|f| f.message),
                ))
            },
        );
    };
    let set_blocked = move |block: bool| {
        let login = login.get_value();
        spawn_local(async move {
            let verb = if block { "block" } else { "unblock" };
            let path = admin::user_action(login, verb);
            outcome.set(Some(
                session
                    .save::<_, AccountAccess>(Method::Post, &path, &())
                    .await
                    .map(|access| {
                        if access.blocked {
                            format!("{} заблокирована: все сеансы завершены", access.login)
                        } else {
                            format!("{} разблокирована", access.login)
                        }
                    })
                    .map_err(|f| f.message),
            ));
        });
    };
    view! {
        <div class="account-actions">
            <button type="button" class="secondary small" disabled=move || issuing.busy() on:click=issue>
                {move || if confirming.get() {
                    format!("Подтвердите: новый пароль для {}", login.get_value())
                } else {
                    "Выдать новый пароль".to_owned()
                }}
            </button>
            {move || confirming.get().then(|| view! {
                <button type="button" class="link small" on:click=move |_| confirming.set(false)>"Отмена"</button>
            })}
            <button type="button" class="secondary small" on:click=move |_| set_blocked(true)>"Заблокировать"</button>
            <button type="button" class="secondary small" on:click=move |_| set_blocked(false)>"Разблокировать"</button>
            {move || outcome.get().map(|o| match o {
                Ok(text) => view! { <p role="status" class="issued">{text}</p> }.into_any(),
                Err(text) => view! { <p role="alert" class="error">{text}</p> }.into_any(),
            })}
        </div>
    }
}
