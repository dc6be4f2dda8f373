//! A grouped bar chart as SVG: one group of bars per category (marks, tasks,
//! scores), one bar per series (the unit and the levels above it). Plain SVG so it
//! prints and scales; the numbers are in the table beside it.

use leptos::prelude::*;
use oko_domain::analytics::report::Chart;

/// Colours of the series, in order (the unit last gets the strongest).
const COLOURS: [&str; 6] = [
    "#9aa5b1", "#5b8def", "#2f6fd6", "#1c4fa0", "#e07b39", "#7a4fd0",
];
const HEIGHT: f64 = 220.0;
const TOP: f64 = 16.0;
const LEFT: f64 = 40.0;
const BAR: f64 = 12.0;
const GAP: f64 = 10.0;

/// The chart.
#[component]
pub fn BarChart(chart: Chart) -> impl IntoView {
    let series = chart.series.len().max(1) as f64;
    let group = series * BAR + GAP;
    let width = LEFT + group * chart.categories.len() as f64 + GAP;
    let axis = chart.axis();
    let top = axis.top;
    let y = move |value: f64| TOP + HEIGHT - HEIGHT * (value / top).clamp(0.0, 1.0);
    let grid = axis.ticks.into_iter().map(move |value| {
        view! {
            <line x1=LEFT x2=width y1=y(value) y2=y(value) class="chart-grid"/>
            <text x=LEFT - 4.0 y=y(value) + 4.0 text-anchor="end" class="chart-axis">{format!("{value:.0}")}</text>
        }
    });
    let bars = chart.categories.iter().enumerate().map(|(c, category)| {
        let x0 = LEFT + GAP + group * c as f64;
        let bars = chart.series.iter().enumerate().map(|(s, line)| {
            let value = line.values.get(c).copied().unwrap_or(0.0);
            let x = x0 + BAR * s as f64;
            view! {
                <rect x=x y=y(value) width=BAR - 1.0 height=TOP + HEIGHT - y(value)
                    fill=COLOURS[s % COLOURS.len()]>
                    <title>{format!("{}, {category}: {}", line.name, oko_domain::forms::value::decimal_ru(value))}</title>
                </rect>
            }
        }).collect_view();
        view! {
            {bars}
            <text x=x0 + series * BAR / 2.0 y=TOP + HEIGHT + 14.0 text-anchor="middle" class="chart-axis">{category.clone()}</text>
        }
    }).collect_view();
    let label = format!("Диаграмма: {}", chart.measure);
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {width} {}", TOP + HEIGHT + 22.0) role="img" aria-label=label
                style=format!("max-width: {}px", width.max(320.0))>
                {grid.collect_view()}
                {bars}
            </svg>
            <figcaption>
                <span class="muted">{chart.measure.clone()}": "</span>
                {chart.series.iter().enumerate().map(|(s, line)| view! {
                    <span class="legend"><span class="swatch" style=format!("background: {}", COLOURS[s % COLOURS.len()])></span>{line.name.clone()}</span>
                }).collect_view()}
            </figcaption>
        </figure>
    }
}
