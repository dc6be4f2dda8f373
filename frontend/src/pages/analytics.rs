//! «Аналитика»: reports on collected data; they come with the analytics feature.

use leptos::prelude::*;

/// The analytics page.
#[component]
pub fn Analytics() -> impl IntoView {
    view! {
        <h1 class="page-title">"Аналитика"</h1>
        <p class="empty">"Отчётов пока нет: они появятся после первых сборов данных."</p>
    }
}
