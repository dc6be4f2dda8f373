//! The login page (seed 001, Рис. 2 and 4).

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use crate::session::Session;

/// Login and password form; a failure shows the server's message.
#[component]
pub fn Login() -> impl IntoView {
    let session = expect_context::<Session>();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let result = session
                .log_in(login.get_untracked(), password.get_untracked())
                .await;
            if let Err(failure) = result {
                error.set(Some(failure.message));
                busy.set(false);
            }
        });
    };
    view! {
        <main class="login-page">
            <form class="login-card" on:submit=submit novalidate>
                <h1>"ФИС ОКО"</h1>
                <label for="login">"Логин" <span aria-hidden="true">"*"</span></label>
                <input id="login" name="login" autocomplete="username" required
                    placeholder="Введите логин" autocapitalize="none" spellcheck="false" bind:value=login/>
                <label for="password">"Пароль" <span aria-hidden="true">"*"</span></label>
                <input id="password" name="password" type="password" autocomplete="current-password" required
                    placeholder="Введите пароль" bind:value=password/>
                <p class="login-error" role="alert">{move || error.get()}</p>
                <button type="submit" disabled=move || busy.get()>"ВОЙТИ"</button>
                <p class="login-hint">
                    "Логин и пароль вводятся в том же регистре, в котором они выданы. "
                    "Если войти не удаётся, напишите в техническую поддержку: "
                    <a href="mailto:helpfisoko@fioco.ru">"helpfisoko@fioco.ru"</a>
                </p>
            </form>
        </main>
    }
}
