//! «API-токены», `/tokens`: the user's personal tokens for scripts and integrations
//! (they act as the user), made with a name and a life in days, shown once, and
//! revoked here.

use crate::api::me;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::{
    api_tokens::{ApiTokenList, CreatedApiToken, NewApiToken},
    moscow_time::short_date_time,
};

use crate::{api::Method, session::Session};

/// The page.
#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        async move { session.get::<ApiTokenList>(me::TOKENS).await }
    });
    let name = RwSignal::new(String::new());
    let days = RwSignal::new("90".to_owned());
    let made = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewApiToken {
            name: name.get_untracked(),
            expires_in_days: days.get_untracked().trim().parse().unwrap_or(0),
        };
        spawn_local(async move {
            match session
                .save::<_, CreatedApiToken>(Method::Post, me::TOKENS, &request)
                .await
            {
                Ok(created) => {
                    made.set(Some(created.token));
                    problem.set(None);
                    name.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(failure) => problem.set(Some(if failure.errors.is_empty() {
                    failure.message
                } else {
                    failure
                        .errors
                        .iter()
                        .map(|e| e.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                })),
            }
        })
    };
    let revoke = move |id: uuid::Uuid| {
        spawn_local(async move {
            let path = me::token(id);
            match session.send(Method::Delete, &path, None).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(failure) => problem.set(Some(failure.message)),
            }
        })
    };
    view! {
        <section class="tokens" aria-labelledby="tokens-title">
            <h1 id="tokens-title" class="page-title">"API-токены"</h1>
            <p class="muted">"Токен действует от вашего имени и в пределах ваших прав: для выгрузок и интеграций (заголовок «Authorization: Bearer …»). Описание API — /api/docs."</p>
            <form class="card token-form" on:submit=create>
                <label>"Название "
                    <input type="text" required prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                </label>
                <label>"Срок действия, дней "
                    <input type="number" min="1" max="366" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev))/>
                </label>
                <button type="submit">"Создать токен"</button>
            </form>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || made.get().map(|token| view! {
                <div class="card new-token" role="status">
                    <p>"Скопируйте токен сейчас: он больше не будет показан."</p>
                    <code data-testid="new-token">{token}</code>
                </div>
            })}
            {move || list.get().and_then(Result::ok).map(|list| view! {
                <table class="grid">
                    <thead><tr>
                        <th scope="col">"Название"</th><th scope="col">"Токен"</th><th scope="col">"Создан"</th>
                        <th scope="col">"Действует до"</th><th scope="col">"Использован"</th><th scope="col">"Состояние"</th>
                        <th scope="col"><span class="visually-hidden">"Действия"</span></th>
                    </tr></thead>
                    <tbody>
                        {list.items.into_iter().map(|token| {
                            let id = token.id;
                            let live = !token.revoked;
                            view! {
                                <tr>
                                    <td>{token.name.clone()}</td>
                                    <td><code>{format!("{}…", token.prefix)}</code></td>
                                    <td>{short_date_time(token.created_at)}</td>
                                    <td>{short_date_time(token.expires_at)}</td>
                                    <td>{token.last_used_at.map(short_date_time).unwrap_or_else(|| "—".to_owned())}</td>
                                    <td>{if live { "Действует" } else { "Отозван" }}</td>
                                    <td>{live.then(|| view! {
                                        <button type="button" class="secondary" aria-label=format!("Отозвать {}", token.name)
                                            on:click=move |_| revoke(id)>"Отозвать"</button>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
