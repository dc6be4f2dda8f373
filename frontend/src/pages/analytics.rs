//! «Аналитика» (seed 003, steps 9–10): choose the assessment, the work and the
//! report, «Показать отчет» for the caller's territory (or a subordinate unit
//! opened from the table), «Скачать отчет» as XLSX, «Заказать отчет» as a file
//! made in the background for the biggest ones.

use crate::api::analytics;
use leptos::{prelude::*, task::spawn_local};
use oko_domain::{
    analytics::{
        Report, ReportKind, ReportRow, ReportValue,
        api::{
            AssessmentInput, AssessmentList, AssessmentView, ResultsImported, WorkView,
            report_kinds,
        },
        on_screen::{RowGroup, fold_lists},
    },
    role::Role,
    text::count_ru,
};

use crate::{
    api::{Method, encode_query},
    components::{
        bar_chart::BarChart,
        exports::{JobFeed, JobItems},
        pager::Pager,
        spreadsheet_upload::SpreadsheetUpload,
    },
    download::download,
    session::Session,
};

/// The page.
#[component]
pub fn Analytics() -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let assessments = LocalResource::new(move || {
        reload.track();
        async move { session.get::<AssessmentList>(analytics::ASSESSMENTS).await }
    });
    let changed = Callback::new(move |()| reload.update(|n| *n += 1));
    let is_operator = move || session.me().is_some_and(|me| me.role == Role::Operator);
    let assessment = RwSignal::new(None::<String>);
    let work = RwSignal::new(None::<String>);
    let kind = RwSignal::new(ReportKind::Marks);
    // The unit the report is for: `None` is the caller's own territory.
    let unit = RwSignal::new(None::<String>);
    let shown = RwSignal::new(None::<Result<Report, String>>);
    let feed = JobFeed::new(session);
    let problem = RwSignal::new(None::<String>);

    // The first assessment and work are chosen once the list arrives.
    Effect::new(move || {
        if let Some(Ok(list)) = assessments.get()
            && assessment.get_untracked().is_none()
            && let Some(first) = list.items.first()
        {
            assessment.set(Some(first.id.to_string()));
            work.set(first.works.first().map(|w| w.id.to_string()));
        }
    });
    let works = move || {
        let chosen = assessment.get();
        assessments
            .get()
            .and_then(Result::ok)
            .and_then(|l| {
                l.items
                    .into_iter()
                    .find(|a| Some(a.id.to_string()) == chosen)
            })
            .map(|a| a.works)
            .unwrap_or_default()
    };
    let query = move || {
        unit.get_untracked()
            .map(|u| format!("?unit={}", encode_query(&u)))
            .unwrap_or_default()
    };
    let path = move |suffix: &str| {
        work.get_untracked()
            .map(|w| analytics::report(w, kind.get_untracked().slug(), suffix))
    };
    let show = move || {
        let Some(path) = path("") else { return };
        let path = format!("{path}{}", query());
        spawn_local(async move {
            shown.set(Some(
                session
                    .get::<Report>(&path)
                    .await
                    .map_err(|f| f.first_message()),
            ));
        });
    };
    let open_unit = move |key: String| {
        unit.set(Some(key));
        show();
    };
    let fetch_xlsx = move |_| {
        let Some(path) = path("") else { return };
        let join = if unit.get_untracked().is_some() {
            "&"
        } else {
            "?"
        };
        let path = format!("{path}{}{join}format=xlsx", query());
        let name = format!("{}.xlsx", kind.get_untracked().title_ru());
        spawn_local(async move {
            if let Err(failure) = download(session, &path, &name).await {
                problem.set(Some(failure.message));
            }
        });
    };
    let order = move |_| {
        let Some(path) = path("/jobs") else { return };
        let path = format!("{path}{}", query());
        spawn_local(async move {
            match session
                .save::<_, oko_domain::jobs::JobView>(Method::Post, &path, &())
                .await
            {
                Ok(job) => {
                    problem.set(None);
                    feed.started(job);
                }
                Err(failure) => problem.set(Some(failure.message)),
            }
        });
    };
    view! {
        <section class="analytics" aria-labelledby="analytics-title">
            <h1 id="analytics-title" class="page-title">"Аналитика"</h1>
            {move || assessments.get().map(|l| match l {
                Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Ok(l) if l.items.is_empty() => view! {
                    <p class="empty">"Результатов оценочных процедур пока нет."</p>
                }.into_any(),
                Ok(l) => view! {
                    <div class="report-controls">
                        <label>"Процедура "
                            <select on:change=move |ev| {
                                assessment.set(Some(event_target_value(&ev)));
                                work.set(works().first().map(|w| w.id.to_string()));
                            }>
                                {l.items.into_iter().map(|a| {
                                    let id = a.id.to_string();
                                    let selected = assessment.get_untracked().as_deref() == Some(id.as_str());
                                    view! { <option value=id selected=selected>{format!("{} ({})", a.title, a.project)}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label>"Работа "
                            <select on:change=move |ev| work.set(Some(event_target_value(&ev)))>
                                {move || works().into_iter().map(|w| {
                                    let id = w.id.to_string();
                                    let selected = work.get_untracked().as_deref() == Some(id.as_str());
                                    view! { <option value=id selected=selected>{w.title}</option> }
                                }).collect_view()}
                            </select>
                        </label>
                        <label>"Отчёт "
                            <select on:change=move |ev| {
                                if let Some(k) = ReportKind::from_slug(&event_target_value(&ev)) { kind.set(k); }
                            }>
                                {report_kinds().into_iter().map(|(k, title)| view! {
                                    <option value=k.slug() selected=move || kind.get() == k>{title}</option>
                                }).collect_view()}
                            </select>
                        </label>
                        <button type="button" on:click=move |_| show()>"Показать отчет"</button>
                        <button type="button" class="secondary" on:click=fetch_xlsx>"Скачать отчет"</button>
                        <button type="button" class="secondary" on:click=order>"Заказать отчет"</button>
                        {move || unit.get().map(|_| view! {
                            <button type="button" class="link" on:click=move |_| { unit.set(None); show(); }>
                                "К своей территории"
                            </button>
                        })}
                    </div>
                }.into_any(),
            })}
            {move || is_operator().then(|| view! { <OperatorPanel assessment=assessment work=work changed=changed/> })}
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || shown.get().map(|r| match r {
                Err(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
                Ok(report) => view! { <ReportView report=report open=open_unit/> }.into_any(),
            })}
            <h2>"Заказанные отчёты"</h2>
            <JobItems feed=feed/>
        </section>
    }
}

/// The operator's tools: a new assessment, a work from its description
/// spreadsheet (docs/analytics.md), a work's description, results of many schools.
#[component]
fn OperatorPanel(
    assessment: RwSignal<Option<String>>,
    work: RwSignal<Option<String>>,
    changed: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let title = RwSignal::new(String::new());
    let project = RwSignal::new("ВПР".to_owned());
    let problem = RwSignal::new(None::<String>);
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let input = AssessmentInput {
            title: title.get_untracked(),
            project: project.get_untracked(),
        };
        spawn_local(async move {
            match session
                .save::<_, AssessmentView>(Method::Post, analytics::ASSESSMENTS, &input)
                .await
            {
                Ok(created) => {
                    problem.set(None);
                    title.set(String::new());
                    assessment.set(Some(created.id.to_string()));
                    work.set(None);
                    changed.run(());
                }
                Err(f) => problem.set(Some(f.first_message())),
            }
        });
    };
    let describe = move |_| {
        let Some(id) = work.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let path = analytics::description(id);
            if let Err(f) = download(session, &path, "Описание работы.xlsx").await {
                problem.set(Some(f.message));
            }
        });
    };
    view! {
        <details class="operator-panel card">
            <summary>"Процедуры и результаты (оператор)"</summary>
            <form class="inline-form" on:submit=create>
                <label>"Новая процедура " <input type="text" placeholder="ВПР 2026" prop:value=move || title.get()
                    on:input=move |ev| title.set(event_target_value(&ev))/></label>
                <label>"Проект " <input type="text" prop:value=move || project.get()
                    on:input=move |ev| project.set(event_target_value(&ev))/></label>
                <button type="submit">"Создать"</button>
            </form>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || assessment.get().map(|id| view! {
                <SpreadsheetUpload path=analytics::import_works(id) label="Новая работа из Excel"
                    accept=".xlsx" describe=added_work uploaded=changed/>
            })}
            {move || work.get().map(|id| view! {
                <SpreadsheetUpload path=analytics::import_results(id)
                    label="Результаты ОО (Excel или CSV)" accept=".xlsx,.csv" describe=imported uploaded=changed/>
                <button type="button" class="secondary" on:click=describe>"Скачать описание работы"</button>
            })}
        </details>
    }
}

fn added_work(work: WorkView) -> String {
    format!("Добавлена работа «{}»", work.title)
}

fn imported(done: ResultsImported) -> String {
    format!(
        "Загружены результаты: организаций {}, участников {}",
        done.organisations, done.students
    )
}

/// Rows on one page of a shown report: «Индивидуальные результаты» of a region
/// run to thousands, and a page of them stays quick to draw and to read.
const ROWS_PER_PAGE: usize = 100;

/// A shown report: heading, notes, chart and table (its header stays in view as
/// the table scrolls). Rows of units the caller may open are links to that unit's
/// report; a region's schools are folded under their municipality.
#[component]
fn ReportView(
    report: Report,
    open: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let labelled = report.kind != ReportKind::Individual;
    let groups = fold_lists(report.rows);
    let total = groups.len();
    let groups = StoredValue::new(groups);
    let page = RwSignal::new(1u64);
    let shown = move || {
        let start = (page.get() as usize - 1) * ROWS_PER_PAGE;
        groups.with_value(|all| {
            all.iter()
                .skip(start)
                .take(ROWS_PER_PAGE)
                .cloned()
                .map(|group| view! { <FoldedRows group=group labelled=labelled open=open/> })
                .collect_view()
        })
    };
    let table_name = format!("Таблица: {}", report.title);
    view! {
        <article class="report" aria-label=report.title.clone()>
            <h2>{report.title.clone()}</h2>
            <p class="muted">{format!("{} — {}", report.work, report.unit)}</p>
            {report.notes.iter().map(|n| view! { <p class="note" role="note">{n.clone()}</p> }).collect_view()}
            <BarChart chart=report.chart.clone()/>
            // Focusable, so the keyboard can scroll it too.
            <div class="table-scroll report-scroll" tabindex="0" role="region" aria-label=table_name>
                <table class="report-table">
                    <thead><tr>
                        {labelled.then(|| view! { <th scope="col"></th> })}
                        {report.columns.iter().map(|c| view! { <th scope="col">{c.clone()}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>{shown}</tbody>
                </table>
            </div>
            {move || view! {
                <Pager page=page current=page.get() total=total as u64 per_page=ROWS_PER_PAGE as u64/>
            }}
        </article>
    }
}

/// A row and, when it is a municipality in a region's report, its schools: folded
/// until «Раскрыть список школ».
#[component]
fn FoldedRows(
    group: RowGroup,
    labelled: bool,
    open: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let RowGroup { head, members } = group;
    let expanded = RwSignal::new(false);
    let toggle = (!members.is_empty()).then(|| {
        let schools = count_ru(members.len() as u64, ["школа", "школы", "школ"]);
        let flagged = members.iter().filter(|m| !m.flags.is_empty()).count() as u64;
        view! {
            <button type="button" class="link fold" aria-expanded=move || expanded.get().to_string()
                on:click=move |_| expanded.update(|e| *e = !*e)>
                {move || if expanded.get() { "Свернуть список школ" } else { "Раскрыть список школ" }}
                {format!(" ({schools})")}
            </button>
            {(flagged > 0).then(|| view! {
                <span class="flag">{format!(" ⚠ {} с признаками необъективности", count_ru(flagged, ["ОО", "ОО", "ОО"]))}</span>
            })}
        }
        .into_any()
    });
    let members = StoredValue::new(members);
    view! {
        {report_row(head, labelled, open, toggle)}
        {move || expanded.get().then(|| members.with_value(|rows| {
            rows.iter().cloned().map(|row| report_row(row, labelled, open, None)).collect_view()
        }))}
    }
}

/// One line of the table; `extra` goes after the row's name (the fold's button).
fn report_row(
    row: ReportRow,
    labelled: bool,
    open: impl Fn(String) + Copy + Send + Sync + 'static,
    extra: Option<AnyView>,
) -> impl IntoView {
    let flagged = !row.flags.is_empty();
    let level = row
        .level
        .map(|l| format!("{l:?}").to_lowercase())
        .unwrap_or_default();
    let label = match row.unit.clone() {
        Some(key) => view! {
            <button type="button" class="link" on:click=move |_| open(key.clone())>{row.label.clone()}</button>
        }
        .into_any(),
        None => view! { <span>{row.label.clone()}</span> }.into_any(),
    };
    view! {
        <tr class=format!("level-{level}") class:flagged=flagged>
            {labelled.then(|| view! {
                <th scope="row">
                    {label}
                    {flagged.then(|| view! {
                        <span class="flag" title=row.flags.join("\n")>" ⚠ "{row.flags.join("; ")}</span>
                    })}
                    {extra}
                </th>
            })}
            {row.values.iter().map(|v| view! { <td>{cell(v.as_ref())}</td> }).collect_view()}
        </tr>
    }
}

fn cell(value: Option<&ReportValue>) -> String {
    match value {
        None => "—".to_owned(),
        Some(ReportValue::Number(n)) => oko_domain::forms::value::decimal_ru(*n),
        Some(ReportValue::Text(t)) => t.clone(),
    }
}
