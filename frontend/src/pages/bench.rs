//! `/bench/validation`: validation of the 5,000-row demo sheet timed in the browser
//! (WASM), for `cargo xtask bench`, and of the ВПР form with calculated columns
//! and rules across sheets (issue #26). No login and no server data: the sheets
//! are made here by the same generators as the native benchmark's.

use leptos::prelude::*;
use oko_domain::forms::{demo, validate, validate_with};

/// Rows of the benchmark sheet (as the native benchmark).
const ROWS: u32 = 5_000;
/// Runs; the best is reported (as natively).
const RUNS: usize = 20;

/// The best of [`RUNS`] of `run`, in ms, by the page's clock.
fn best_of(performance: &web_sys::Performance, mut run: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..RUNS {
        let started = performance.now();
        run();
        best = best.min(performance.now() - started);
    }
    best
}

/// The bench page; its results land in `<output id="validation-ms">` and
/// `<output id="formulas-ms">`.
#[component]
pub fn ValidationBench() -> impl IntoView {
    let result = RwSignal::new(None::<(String, String)>);
    leptos::task::spawn_local(async move {
        // Let the page draw «Измерение…» first.
        gloo_timers::future::TimeoutFuture::new(0).await;
        let (form, data) = demo::college_filled(ROWS);
        let Some(performance) = web_sys::window().and_then(|w| w.performance()) else {
            result.set(Some(("no performance clock".to_owned(), String::new())));
            return;
        };
        let mut errors = validate(&form, &data).len();
        let best = best_of(&performance, || {
            std::hint::black_box(validate(&form, &data));
        });
        let (vpr_form, mut vpr_data) = demo::vpr_info_filled(ROWS);
        let references = demo::vpr_info_references(&vpr_form, &vpr_data);
        errors += validate_with(&vpr_form, &vpr_data, &references).len();
        let formulas = best_of(&performance, || {
            vpr_data.calculate(&vpr_form);
            std::hint::black_box(validate_with(&vpr_form, &vpr_data, &references));
        });
        result.set(Some(if errors == 0 {
            (format!("{best:.2}"), format!("{formulas:.2}"))
        } else {
            (format!("invalid sheet: {errors} errors"), String::new())
        }));
    });
    view! {
        <main class="page">
            <h1 class="page-title">"Проверка 5 000 строк в браузере"</h1>
            {move || match result.get() {
                None => view! { <p role="status">"Измерение…"</p> }.into_any(),
                Some((ms, formulas)) => view! {
                    <p>"Лучшее из 20, мс: " <output id="validation-ms">{ms}</output></p>
                    <p>"Форма с формулами и правилами между листами, мс: "
                        <output id="formulas-ms">{formulas}</output></p>
                }.into_any(),
            }}
        </main>
    }
}
