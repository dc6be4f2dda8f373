//! `/bench/validation`: validation of the 5,000-row demo sheet timed in the browser
//! (WASM), for `cargo xtask bench`. No login and no server data: the sheet is made
//! here by the same generator as the native benchmark.

use leptos::prelude::*;
use oko_domain::forms::{demo, validate};

/// Rows of the benchmark sheet (as the native benchmark).
const ROWS: u32 = 5_000;
/// Runs; the best is reported (as natively).
const RUNS: usize = 20;

/// The bench page; its result lands in `<output id="validation-ms">`.
#[component]
pub fn ValidationBench() -> impl IntoView {
    let result = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        // Let the page draw «Измерение…» first.
        gloo_timers::future::TimeoutFuture::new(0).await;
        let (form, data) = demo::college_filled(ROWS);
        let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
            result.set(Some("no performance clock".to_owned()));
            return;
        };
        let mut best = f64::MAX;
        let mut errors = 0;
        for _ in 0..RUNS {
            let started = performance.now();
            errors = validate(&form, &data).len();
            best = best.min(performance.now() - started);
        }
        result.set(Some(if errors == 0 {
            format!("{best:.2}")
        } else {
            format!("invalid sheet: {errors} errors")
        }));
    });
    view! {
        <main class="page">
            <h1 class="page-title">"Проверка 5 000 строк в браузере"</h1>
            {move || match result.get() {
                None => view! { <p role="status">"Измерение…"</p> }.into_any(),
                Some(ms) => view! { <p>"Лучшее из 20, мс: " <output id="validation-ms">{ms}</output></p> }.into_any(),
            }}
        </main>
    }
}
