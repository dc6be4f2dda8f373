//! «Обмен данными»: the section tabs with their counters and the publications of the
//! chosen section. Sections arrive with the publications feature; until then the
//! page says there are none.

use leptos::prelude::*;

/// The data-exchange page.
#[component]
pub fn Exchange() -> impl IntoView {
    view! {
        <h1 class="page-title">"Обмен данными"</h1>
        <nav class="section-tabs" aria-label="Разделы публикаций" data-testid="section-tabs">
            <p class="empty">"Разделов с публикациями пока нет."</p>
        </nav>
    }
}
