//! «Ход сбора и прогноз» on the monitoring page: the completion curve over the
//! window and each municipality's forecast share at the deadline, the laggards
//! first (the server computes both; this only draws them).

use crate::api::collections;
use leptos::prelude::*;
use oko_domain::forecast::{Forecast, MunicipalityForecast, RECENT_HOURS};

use crate::session::Session;

/// Rows shown before «Показать все».
const FIRST_ROWS: usize = 20;
/// The curve's drawing size (the SVG scales to its box).
const WIDTH: f64 = 600.0;
const HEIGHT: f64 = 120.0;

#[component]
pub fn ForecastPanel(collection: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let found = LocalResource::new(move || {
        let path = collections::forecast(&collection);
        async move { session.get::<Forecast>(&path).await }
    });
    let all = RwSignal::new(false);
    view! {
        <section class="forecast card" aria-labelledby="forecast-title">
            <h2 id="forecast-title">"Ход сбора и прогноз"</h2>
            {move || found.get().map(|answer| match answer {
                Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Ok(forecast) => {
                    let count = forecast.municipalities.len();
                    view! {
                        <Curve forecast=forecast.clone()/>
                        <p class="muted">{format!(
                            "Прогноз — при темпе сдачи последних {RECENT_HOURS} часов в каждом муниципалитете; сначала отстающие."
                        )}</p>
                        <div class="table-scroll" tabindex="0" role="region" aria-label="Прогноз по муниципалитетам">
                            <table class="forecast-table">
                                <thead><tr>
                                    <th scope="col">"Муниципалитет"</th>
                                    <th scope="col">"Сдано"</th>
                                    <th scope="col">"Всего"</th>
                                    <th scope="col">"Темп, в час"</th>
                                    <th scope="col">"Прогноз к сроку"</th>
                                </tr></thead>
                                <tbody>
                                    {move || {
                                        let shown = if all.get() { count } else { FIRST_ROWS };
                                        forecast.municipalities.iter().take(shown).map(row).collect_view()
                                    }}
                                </tbody>
                            </table>
                        </div>
                        {(count > FIRST_ROWS).then(|| view! {
                            <button type="button" class="secondary" aria-expanded=move || all.get().to_string()
                                on:click=move |_| all.update(|a| *a = !*a)>
                                {move || if all.get() { "Свернуть".to_owned() } else { format!("Показать все ({count})") }}
                            </button>
                        })}
                    }.into_any()
                }
            })}
        </section>
    }
}

/// One municipality's line; a forecast under 100 % is marked.
fn row(place: &MunicipalityForecast) -> impl IntoView + use<> {
    let short = place.forecast_percent < 100.0;
    view! {
        <tr class:short=short>
            <th scope="row">{place.name.clone()}</th>
            <td>{place.submitted}</td>
            <td>{place.total}</td>
            <td>{decimal_ru(place.rate_per_hour)}</td>
            <td>{format!("{} %", decimal_ru(place.forecast_percent))}</td>
        </tr>
    }
}

/// `47.5` as «47,5».
fn decimal_ru(value: f64) -> String {
    format!("{value:.1}").replace('.', ",")
}

/// Submitted over the window so far: the line ends now, the rest of the
/// window is the time left.
#[component]
fn Curve(forecast: Forecast) -> impl IntoView {
    let label = format!(
        "Сдано {} из {}; кривая сдачи от открытия до сейчас",
        forecast.submitted, forecast.total
    );
    let (Some(first), Some(last)) = (forecast.curve.first(), forecast.curve.last()) else {
        return view! { <p>{label}</p> }.into_any();
    };
    let start = first.at.timestamp() as f64;
    let span = (forecast.closes_at.timestamp() as f64 - start).max(1.0);
    let total = forecast.total.max(1) as f64;
    let points: Vec<String> = forecast
        .curve
        .iter()
        .map(|p| {
            let x = WIDTH * (p.at.timestamp() as f64 - start) / span;
            let y = HEIGHT * (1.0 - p.submitted as f64 / total);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let now_x = WIDTH * (last.at.timestamp() as f64 - start) / span;
    view! {
        <svg class="forecast-curve" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img" aria-label=label.clone()>
            <line class="axis" x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT/>
            <line class="now" x1=now_x y1="0" x2=now_x y2=HEIGHT/>
            <polyline points=points.join(" ")/>
        </svg>
        <p class="muted">{label}</p>
    }
    .into_any()
}
