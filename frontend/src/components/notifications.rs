//! The bell «Уведомления» in the header: the unread count, the latest
//! notifications with links, «Отметить все как прочитанные». An open page hears of
//! new ones through the server's event stream and reloads the list; a broken stream
//! is reopened with a fresh ticket a few seconds later.

use crate::api::notifications;
use gloo_timers::future::TimeoutFuture;
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use oko_domain::{
    jobs::JobView, moscow_time::short_date_time, notifications::NotificationList,
    storages::DownloadLink,
};
use wasm_bindgen::{JsCast, closure::Closure};

use crate::{api::Method, download::download, session::Session};

/// Wait before reopening a broken stream.
const RECONNECT_MS: u32 = 5_000;

/// The bell and its panel.
#[component]
pub fn NotificationBell() -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        reload.track();
        async move { session.get::<NotificationList>(notifications::LIST).await }
    });
    let open = RwSignal::new(false);
    let alive = StoredValue::new(true);
    on_cleanup(move || alive.set_value(false));
    listen(session, reload, alive);
    let unread = move || list.get().and_then(Result::ok).map_or(0, |l| l.unread);
    let label = move || match unread() {
        0 => "Уведомления".to_owned(),
        n => format!("Уведомления: непрочитанных {n}"),
    };
    let read_all = move |_| {
        spawn_local(async move {
            let _ = session
                .send(Method::Post, notifications::READ_ALL, None)
                .await;
            reload.update(|n| *n += 1);
        })
    };
    let read_one = move |id: uuid::Uuid| {
        spawn_local(async move {
            let path = notifications::read(id);
            let _ = session.send(Method::Post, &path, None).await;
            reload.update(|n| *n += 1);
        })
    };
    view! {
        <div class="notifications">
            <button type="button" class="bell" aria-label=label title=label aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
                    <path fill="currentColor" d="M12 22a2 2 0 0 0 2-2h-4a2 2 0 0 0 2 2zm6-6V11a6 6 0 0 0-5-5.9V4a1 1 0 0 0-2 0v1.1A6 6 0 0 0 6 11v5l-2 2v1h16v-1z"/>
                </svg>
                {move || (unread() > 0).then(|| view! { <span class="badge" data-testid="unread">{unread()}</span> })}
            </button>
            <Show when=move || open.get()>
                <div class="notification-panel card" role="region" aria-label="Уведомления">
                    <div class="panel-head">
                        <strong>"Уведомления"</strong>
                        <button type="button" class="link" on:click=read_all>"Отметить все как прочитанные"</button>
                    </div>
                    {move || list.get().and_then(Result::ok).map(|l| {
                        if l.items.is_empty() {
                            return view! { <p class="muted">"Уведомлений нет"</p> }.into_any();
                        }
                        view! {
                            <ul>
                                {l.items.into_iter().map(|n| {
                                    let id = n.id;
                                    view! {
                                        <li class=if n.read { "notification" } else { "notification unread" }>
                                            <span class="notification-title">{n.title.clone()}</span>
                                            <span class="notification-body">{n.body.clone()}</span>
                                            <span class="muted">{short_date_time(n.created_at)}</span>
                                            {n.link.clone().map(|href| if href.starts_with("/api/") {
                                                // A ready report: its file, at once.
                                                view! {
                                                    <button type="button" class="link" on:click=move |_| {
                                                        read_one(id);
                                                        spawn_local(download_report(session, href.clone()));
                                                    }>"Скачать"</button>
                                                }.into_any()
                                            } else {
                                                view! {
                                                    <A href=href on:click=move |_| { read_one(id); open.set(false); }>"Открыть"</A>
                                                }.into_any()
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    })}
                </div>
            </Show>
        </div>
    }
}

/// Downloads a ready report's file (`/api/jobs/{id}/file`) under its own name.
async fn download_report(session: Session, file: String) {
    let job = file.trim_end_matches("/file");
    let name = match session.get::<JobView>(job).await {
        Ok(view) => view.file_name,
        Err(_) => "Отчёт".to_owned(),
    };
    // A failure shows on the report's own page; the bell has no room for it.
    let _ = download(session, &file, &name).await;
}

/// Keeps an event stream open while the page lives; every event reloads the list.
fn listen(session: Session, reload: RwSignal<u32>, alive: StoredValue<bool>) {
    spawn_local(async move {
        // `alive` is gone with the header (logout): the loop ends, never panics.
        while alive.try_get_value().unwrap_or(false) {
            if let Ok(link) = session
                .save::<_, DownloadLink>(Method::Post, notifications::LINK, &())
                .await
                && let Ok(source) = web_sys::EventSource::new(&link.url)
            {
                let heard = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
                    reload.try_update(|n| *n += 1);
                });
                let _ = source.add_event_listener_with_callback(
                    "notification",
                    heard.as_ref().unchecked_ref(),
                );
                // Wait until the stream breaks (or the page goes).
                while alive.try_get_value().unwrap_or(false)
                    && source.ready_state() != web_sys::EventSource::CLOSED
                {
                    TimeoutFuture::new(1_000).await;
                }
                source.close();
                drop(heard);
            }
            TimeoutFuture::new(RECONNECT_MS).await;
        }
    });
}
