//! What a form's submission came to: a status line, or the reasons it was
//! refused read out as an alert.

use leptos::prelude::*;

/// The outcome of the last submission: `Ok` a confirmation, `Err` its reasons,
/// `None` nothing sent yet.
pub type Outcome = RwSignal<Option<Result<String, Vec<String>>>>;

/// Shows `outcome` under a form.
#[component]
pub fn OutcomeLine(outcome: Outcome) -> impl IntoView {
    move || {
        outcome.get().map(|o| match o {
            Ok(text) => view! { <p role="status">{text}</p> }.into_any(),
            Err(lines) => view! {
                <div role="alert" class="error">{lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}</div>
            }
            .into_any(),
        })
    }
}
