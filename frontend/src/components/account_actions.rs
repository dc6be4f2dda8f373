//! A coordinator's actions on a subordinate account (seed 003, step 1): «Выдать
//! новый пароль» shows the new password once, «Заблокировать» / «Разблокировать».

use leptos::{prelude::*, task::spawn_local};
use oko_domain::accounts::{AccountAccess, IssuedPassword};

use crate::{api::Method, session::Session};

/// The buttons for account `login`, and what the last one did.
#[component]
pub fn AccountActions(login: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let login = StoredValue::new(login);
    let issue = move |_| {
        let login = login.get_value();
        spawn_local(async move {
            let path = format!("/api/users/{login}/password");
            outcome.set(Some(
                session
                    .save::<_, IssuedPassword>(Method::Post, &path, &())
                    .await
                    .map(|issued| {
                        format!(
                            "Новый пароль {}: {} — он показан один раз, передайте его организации",
                            issued.login, issued.password
                        )
                    })
                    .map_err(|f| f.message),
            ));
        });
    };
    let set_blocked = move |block: bool| {
        let login = login.get_value();
        spawn_local(async move {
            let verb = if block { "block" } else { "unblock" };
            let path = format!("/api/users/{login}/{verb}");
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
            <button type="button" class="secondary small" on:click=issue>"Выдать новый пароль"</button>
            <button type="button" class="secondary small" on:click=move |_| set_blocked(true)>"Заблокировать"</button>
            <button type="button" class="secondary small" on:click=move |_| set_blocked(false)>"Разблокировать"</button>
            {move || outcome.get().map(|o| match o {
                Ok(text) => view! { <p role="status" class="issued">{text}</p> }.into_any(),
                Err(text) => view! { <p role="alert" class="error">{text}</p> }.into_any(),
            })}
        </div>
    }
}
