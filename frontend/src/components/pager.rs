//! «← Назад», «Страница N из M», «Вперёд →» under a paged list.

use leptos::prelude::*;

/// Moves `page` (1-based) through `total` items shown `per_page` at a time.
#[component]
pub fn Pager(page: RwSignal<u64>, current: u64, total: u64, per_page: u64) -> impl IntoView {
    let pages = total.div_ceil(per_page).max(1);
    let on_first = current <= 1;
    let on_last = current >= pages;
    // One page has nowhere to go: no pager at all (unless the user is past the
    // end, e.g. after a filter, and needs the way back).
    (pages > 1 || current > 1).then(|| {
        view! {
            <nav class="pager" aria-label="Страницы">
                <button type="button" disabled=on_first on:click=move |_| page.update(|p| *p -= 1)>"← Назад"</button>
                <span>{format!("Страница {current} из {pages}")}</span>
                <button type="button" disabled=on_last on:click=move |_| page.update(|p| *p += 1)>"Вперёд →"</button>
            </nav>
        }
    })
}
