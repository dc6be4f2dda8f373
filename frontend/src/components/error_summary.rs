//! The error summary of a form (GOV.UK's pattern): at the top, taking the focus
//! when it appears, so a screen reader and a keyboard user meet it first; each
//! problem a link that puts the cursor in its field.

use leptos::{html, prelude::*, task::spawn_local};
use oko_domain::api::FieldError;
use wasm_bindgen::JsCast;

/// The summary of `problems`; `fields` maps a problem's field to its input's id.
#[component]
pub fn ErrorSummary(
    problems: RwSignal<Vec<FieldError>>,
    fields: &'static [(&'static str, &'static str)],
) -> impl IntoView {
    let summary = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if problems.with(Vec::is_empty) {
            return;
        }
        // Once drawn.
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(0).await;
            if let Some(summary) = summary.get_untracked() {
                let _ = summary.focus();
            }
        });
    });
    move || {
        let list = problems.get();
        (!list.is_empty()).then(|| {
            view! {
                <div class="error-summary" role="alert" tabindex="-1" node_ref=summary>
                    <h2>"Исправьте ошибки"</h2>
                    <ul class="problems">
                        {list.into_iter().map(|problem| {
                            let input = problem.field.as_deref().and_then(|field| {
                                fields.iter().find(|(f, _)| *f == field).map(|(_, id)| *id)
                            });
                            match input {
                                Some(id) => view! {
                                    <li><a href=format!("#{id}") on:click=move |ev| {
                                        ev.prevent_default();
                                        focus_by_id(id);
                                    }>{problem.message}</a></li>
                                }.into_any(),
                                None => view! { <li>{problem.message}</li> }.into_any(),
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// Puts the keyboard on the element `id`, if it is shown.
pub fn focus_by_id(id: &str) {
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(input) = input {
        let _ = input.focus();
    }
}
