//! The cabinet's header (seed 001, Рис. 3): the system's name, the three sections, the
//! notifications bell, the user's login and whose account it is, «API-токены» and «Выйти».

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_navigate};

use oko_domain::role::Role;

use crate::{components::notifications::NotificationBell, session::Session};

/// The header of every cabinet page.
#[component]
pub fn Header() -> impl IntoView {
    let session = expect_context::<Session>();
    let login = move || session.me().map(|me| me.login).unwrap_or_default();
    let role = move || session.me().map(|me| me.role_title).unwrap_or_default();
    let display_name = move || session.me().map(|me| me.display_name).unwrap_or_default();
    let navigate = use_navigate();
    // The next person to log in on this computer starts on the main page, not on
    // whatever the previous one had open.
    let log_out = move |_| {
        navigate("/", Default::default());
        spawn_local(session.log_out());
    };
    view! {
        <a class="skip-link" href="#main">"К содержанию"</a>
        <header class="top">
            <div class="brand">
                <span class="brand-name">"ФИС ОКО"</span>
                <span class="brand-owner">"Федеральный институт оценки качества образования"</span>
            </div>
            <nav class="sections" aria-label="Разделы">
                <A href="/exchange">"Обмен данными"</A>
                <A href="/analytics">"Аналитика"</A>
                <A href="/passport">"Паспорт"</A>
                <Show when=move || session.me().is_some_and(|me| me.role != Role::Organisation)>
                    <A href="/reports/group">"Групповой отчет"</A>
                    <A href="/support">"Техническая поддержка"</A>
                    <A href="/audit">"Журнал событий"</A>
                </Show>
                <Show when=move || session.me().is_some_and(|me| me.role == Role::Operator)>
                    <A href="/admin">"Администрирование"</A>
                </Show>
            </nav>
            <div class="user">
                <NotificationBell/>
                <span class="who">
                    <span class="login" data-testid="user-login" title=role>{login}</span>
                    // Whose account this is, as the seeds show it beside the login.
                    <span class="who-name" title=display_name>{display_name}</span>
                </span>
                // Short on screen (the header must fit seven sections at 1366 px),
                // named in full for screen readers and on hover.
                <A href="/tokens" attr:class="tokens-link" attr:aria-label="API-токены" attr:title="API-токены">"API"</A>
                <button type="button" class="logout" on:click=log_out>"Выйти"</button>
            </div>
        </header>
    }
}
