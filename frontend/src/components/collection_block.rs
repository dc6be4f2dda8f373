//! The «Сбор данных» block of a publication (seed 001 §4.3, seed 002 Рис. 16): the
//! state «Открыт»/«Закрыт» with its window, the last submission («Вы заполнили форму
//! … (мск)») and the button to the form («Заполнить» / «Редактировать» /
//! «Посмотреть»). The operator also attaches a form, sets the window, and closes
//! early or reopens.

use crate::api::analytics;
use crate::api::publications;
use crate::api::{collections, forms};
use chrono::{DateTime, Utc};
use leptos::{prelude::*, task::spawn_local};
use leptos_router::components::A;
use oko_domain::{
    acceptance::AcceptanceLevels,
    analytics::api::{AssessmentList, ProtocolInput, ProtocolView},
    api::FieldError,
    collections::{
        CollectionInput, CollectionState, CollectionView, FormList, StateInput, action_ru,
        default_reminder_hours, read_reminder_hours, reminder_hours_text, state_note_ru,
    },
    monitoring::CollectionStats,
    moscow_time::{time_left_ru, to_moscow_input},
    role::Role,
};
use uuid::Uuid;

use crate::{
    api::{ApiFailure, Method},
    components::{
        date_time_field::{DateTimeField, read_moment},
        error_summary::ErrorSummary,
    },
    session::Session,
};

/// The block under a publication; nothing when the publication collects nothing
/// (the operator gets the form to attach one instead).
#[component]
pub fn CollectionBlock(publication_id: Uuid) -> impl IntoView {
    let session = expect_context::<Session>();
    let reload = RwSignal::new(0u32);
    let block = LocalResource::new(move || {
        reload.track();
        async move {
            session
                .get::<CollectionView>(&publications::collection(publication_id))
                .await
        }
    });
    let is_operator = move || session.me().is_some_and(|me| me.role == Role::Operator);
    let saved = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        {move || match block.get() {
            None => ().into_any(),
            Some(Ok(view)) => view! {
                <Block view=view.clone() changed=saved/>
                <Show when=is_operator>
                    <CollectionSettings publication_id=publication_id current=Some(view.clone()) saved=saved/>
                </Show>
            }.into_any(),
            // 404: this publication collects nothing.
            Some(Err(failure)) if failure.status == 404 => view! {
                <Show when=is_operator>
                    <CollectionSettings publication_id=publication_id current=None saved=saved/>
                </Show>
            }.into_any(),
            Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
        }}
    }
}

/// What everyone sees.
#[component]
fn Block(view: CollectionView, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let state_class = match view.state {
        CollectionState::Open => "state open",
        CollectionState::Closed => "state closed",
    };
    let action = action_ru(view.state, view.progress.as_ref());
    let note = view
        .progress
        .as_ref()
        .and_then(|p| p.last_action.clone())
        .map(|line| format!("{line}."))
        .unwrap_or_else(|| state_note_ru(view.state, view.progress.is_some()).to_owned());
    let status = view.progress.as_ref().map(|p| p.status_title.clone());
    let returned = view
        .progress
        .as_ref()
        .and_then(|p| p.returned.as_ref())
        .map(|r| r.message.clone());
    let accepted = view
        .progress
        .as_ref()
        .and_then(|p| p.accepted.as_ref())
        .map(oko_domain::acceptance::AcceptanceNote::locked_ru);
    // Coordinators and the operator follow who has done what.
    let monitors = session.me().is_some_and(|me| me.role != Role::Organisation);
    let is_operator = move || session.me().is_some_and(|me| me.role == Role::Operator);
    let id = view.id;
    let message = RwSignal::new(None::<String>);
    let set_state = move |state: Option<CollectionState>| {
        spawn_local(async move {
            let saved = session
                .save::<_, CollectionView>(
                    Method::Put,
                    &collections::state(id),
                    &StateInput { state },
                )
                .await;
            match saved {
                Ok(_) => changed.run(()),
                Err(failure) => message.set(Some(failure.message)),
            }
        })
    };
    let overridden = view.state_override.is_some();
    let open = view.state == CollectionState::Open;
    view! {
        <section class="collection card" aria-labelledby=format!("collection-{id}")>
            <h2 id=format!("collection-{id}")>"Сбор данных"</h2>
            <p class="collection-title">{view.form_title.clone()}</p>
            <p class="collection-window">
                <span class=state_class>{view.state_title.clone()}</span>
                " "
                <span>{view.window.clone()}</span>
            </p>
            <p class="collection-action">
                <A href=format!("/collections/{id}") attr:class="button">{action}</A>
                {status.map(|s| view! { <span class="org-status">{s}</span> })}
            </p>
            <p class="collection-note" role="status">{note}</p>
            {returned.map(|message| view! { <p class="returned" role="alert">{message}</p> })}
            {accepted.map(|message| view! { <p class="accepted" role="status">{message}</p> })}
            {monitors.then(|| view! { <ScopeProgress id=id closes_at=view.closes_at open=open/> })}
            <Show when=is_operator>
                <div class="collection-controls">
                    {if open {
                        view! { <button type="button" on:click=move |_| set_state(Some(CollectionState::Closed))>"Закрыть досрочно"</button> }.into_any()
                    } else {
                        view! { <button type="button" on:click=move |_| set_state(Some(CollectionState::Open))>"Открыть снова"</button> }.into_any()
                    }}
                    {overridden.then(|| view! {
                        <button type="button" class="secondary" on:click=move |_| set_state(None)>"Вернуть к сроку"</button>
                    })}
                </div>
            </Show>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </section>
    }
}

/// The select's value prefix of a work's electronic protocol.
const PROTOCOL: &str = "protocol:";

/// The operator's form: which form (or a work's electronic protocol), from when to
/// when (Moscow time).
#[component]
fn CollectionSettings(
    publication_id: Uuid,
    current: Option<CollectionView>,
    saved: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let forms =
        LocalResource::new(move || async move { session.get::<FormList>(forms::LIST).await });
    // A new block may instead collect a work's electronic protocol («Аналитика»).
    let works = LocalResource::new(move || async move {
        session.get::<AssessmentList>(analytics::ASSESSMENTS).await
    });
    let is_new = current.is_none();
    let version = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.form_version_id.to_string())
            .unwrap_or_default(),
    );
    let opens = RwSignal::new(
        current
            .as_ref()
            .map(|c| to_moscow_input(c.opens_at))
            .unwrap_or_default(),
    );
    let closes = RwSignal::new(
        current
            .as_ref()
            .map(|c| to_moscow_input(c.closes_at))
            .unwrap_or_default(),
    );
    let reminders = RwSignal::new(reminder_hours_text(
        &current
            .as_ref()
            .map_or_else(default_reminder_hours, |c| c.reminder_hours.clone()),
    ));
    let acceptance = RwSignal::new(
        current
            .as_ref()
            .map(|c| c.acceptance_levels)
            .unwrap_or_default(),
    );
    let problems = RwSignal::new(Vec::<FieldError>::new());
    let pinned_title = current.as_ref().map(|c| c.form_title.clone());
    let answered = move |answer: Result<(), ApiFailure>| match answer {
        Ok(()) => {
            problems.set(Vec::new());
            saved.run(());
        }
        Err(failure) => problems.set(failure.problems()),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let window = read_window(&opens.get_untracked(), &closes.get_untracked());
        let chosen = version.get_untracked();
        if let Some(work) = chosen
            .strip_prefix(PROTOCOL)
            .and_then(|id| Uuid::parse_str(id).ok())
        {
            let (opens_at, closes_at) = match window {
                Ok(window) => window,
                Err(found) => return problems.set(found),
            };
            let input = ProtocolInput {
                publication_id,
                opens_at,
                closes_at,
            };
            spawn_local(async move {
                let path = analytics::protocol(work);
                let answer = session
                    .save::<_, ProtocolView>(Method::Post, &path, &input)
                    .await;
                answered(answer.map(drop));
            });
            return;
        }
        let form = Uuid::parse_str(&chosen).ok();
        let hours = read_reminder_hours(&reminders.get_untracked());
        // Every problem at once, in the fields' order.
        let mut found = Vec::new();
        if form.is_none() {
            found.push(FieldError::about_field(
                "form_version_id",
                "required",
                "Выберите форму",
            ));
        }
        let window = window.map_err(|problems| found.extend(problems)).ok();
        let input = form
            .zip(window)
            .map(|(form_version_id, (opens_at, closes_at))| CollectionInput {
                form_version_id,
                opens_at,
                closes_at,
                reminder_hours: hours.clone().unwrap_or_default(),
                acceptance_levels: acceptance.get_untracked(),
            });
        if let Some(input) = &input {
            found.extend(input.problems());
        }
        if let Err(message) = &hours {
            found.push(FieldError::about_field(
                "reminder_hours",
                "invalid",
                message,
            ));
        }
        let Some(input) = input.filter(|_| found.is_empty()) else {
            return problems.set(found);
        };
        spawn_local(async move {
            let answer = session
                .save::<_, CollectionView>(
                    Method::Put,
                    &publications::collection(publication_id),
                    &input,
                )
                .await;
            answered(answer.map(drop));
        })
    };
    view! {
        <form class="collection-settings card" on:submit=submit>
            <h3>{if current.is_some() { "Настройки сбора данных" } else { "Добавить сбор данных" }}</h3>
            <ErrorSummary problems=problems fields=COLLECTION_FIELDS/>
            <label>"Форма "
                <select id="collection-form" prop:value=move || version.get() on:change=move |ev| version.set(event_target_value(&ev))>
                    <option value="">"— выберите форму —"</option>
                    {pinned_title.map(|title| view! {
                        <option value=version.get_untracked()>{format!("{title} (закреплённая версия)")}</option>
                    })}
                    {move || forms.get().and_then(Result::ok).map(|list| list.items.into_iter().map(|form| view! {
                        <option value=form.latest_version_id.to_string()>{format!("{} (версия {})", form.title, form.latest_version)}</option>
                    }).collect_view())}
                    {move || is_new.then(|| works.get().and_then(Result::ok).map(|list| view! {
                        <optgroup label="Электронный протокол работы">
                            {list.items.into_iter().flat_map(|a| {
                                let assessment = a.title.clone();
                                a.works.into_iter().map(move |w| view! {
                                    <option value=format!("{PROTOCOL}{}", w.id)>{format!("{assessment}: {}", w.title)}</option>
                                })
                            }).collect_view()}
                        </optgroup>
                    }))}
                </select>
            </label>
            <label for="collection-opens">"Открыт с (мск) "</label>
            <DateTimeField id="collection-opens" value=opens/>
            <label for="collection-closes">"по (мск) "</label>
            <DateTimeField id="collection-closes" value=closes/>
            <label>"Напомнить не сдавшим за (часов до окончания) "
                <input id="collection-reminders" type="text" inputmode="numeric" placeholder="72, 24, 3"
                    aria-describedby="collection-reminders-hint"
                    prop:value=move || reminders.get() on:input=move |ev| reminders.set(event_target_value(&ev))/>
            </label>
            <p id="collection-reminders-hint" class="hint">"Через запятую, от 1 до 720 часов; пусто — без напоминаний"</p>
            <label>"Приемка сданных форм "
                <select id="collection-acceptance"
                    on:change=move |ev| acceptance.set(AcceptanceLevels::parse(&event_target_value(&ev)))>
                    {AcceptanceLevels::ALL.into_iter().map(|levels| view! {
                        <option value=levels.as_str() selected=move || acceptance.get() == levels>{levels.title_ru()}</option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit">"Сохранить сбор данных"</button>
            <A href="/forms">"Формы сбора данных"</A>
        </form>
    }
}

/// The settings' fields by the names the server gives their problems.
const COLLECTION_FIELDS: &[(&str, &str)] = &[
    ("form_version_id", "collection-form"),
    ("opens_at", "collection-opens"),
    ("closes_at", "collection-closes"),
    ("reminder_hours", "collection-reminders"),
    ("acceptance_levels", "collection-acceptance"),
];

/// The window as typed, or a problem for each end that is not a date and time.
fn read_window(
    opens: &str,
    closes: &str,
) -> Result<(DateTime<Utc>, DateTime<Utc>), Vec<FieldError>> {
    match (
        read_moment(opens, "opens_at", "когда сбор открывается (мск)"),
        read_moment(closes, "closes_at", "когда сбор закрывается (мск)"),
    ) {
        (Ok(opens), Ok(closes)) => Ok((opens, closes)),
        (opens, closes) => Err([opens.err(), closes.err()].into_iter().flatten().collect()),
    }
}

/// For coordinators and the operator: how far their territory is, in place
/// («Всего 868 · Сдано 412 · …», a bar, the time left), «Мониторинг» one click away.
#[component]
fn ScopeProgress(id: Uuid, closes_at: chrono::DateTime<chrono::Utc>, open: bool) -> impl IntoView {
    let session = expect_context::<Session>();
    let stats = LocalResource::new(move || async move {
        session
            .get::<CollectionStats>(&collections::statistics(id))
            .await
    });
    let left = open
        .then(|| time_left_ru(chrono::Utc::now(), closes_at))
        .flatten();
    view! {
        <div class="scope-progress">
            {move || stats.get().and_then(Result::ok).map(|s| {
                // Accepted forms were submitted too; returned ones are still in work.
                let submitted = s.submitted_in_all();
                view! {
                    <p class="scope-counts">{format!(
                        "Всего {} · Сдано {} · В работе {} · Не приступило {}",
                        s.total, submitted, s.in_progress + s.returned, s.not_started
                    )}</p>
                    <progress max=s.total.max(1) value=submitted
                        aria-label=format!("Сдано {} из {}", submitted, s.total)></progress>
                }
            })}
            {left.map(|left| view! { <p class="muted">{format!("До окончания приёма: {left}")}</p> })}
            <p><A href=format!("/collections/{id}/monitoring") attr:class="button secondary">"Мониторинг"</A></p>
        </div>
    }
}
