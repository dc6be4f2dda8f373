//! An address the SPA does not know.

use leptos::prelude::*;
use leptos_router::components::A;

/// The 404 page.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <h1 class="page-title">"Страница не найдена"</h1>
        <p><A href="/exchange">"Перейти к обмену данными"</A></p>
    }
}
