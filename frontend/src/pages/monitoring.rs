//! «Мониторинг» of a collection, `/collections/{id}/monitoring` (seed 001 Рис.
//! 19–23, seed 002 Рис. 23–31): the counts by status over the coordinator's scope,
//! «Список участников» — those who started, then «Список пользователей, не
//! приступивших к сбору данных» — with filters, sorting and pages; each
//! organisation's form read-only, «Принять» and «Вернуть на доработку» where the
//! caller's level may (the same `oko_domain::acceptance` rules as the server's),
//! «Принять все без ошибок» for one municipality, and «Напомнить» while the
//! collection is open.

use crate::api::collections;
use leptos::{prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};
use oko_domain::{
    acceptance::{
        AcceptanceLevels, AcceptanceOutcome, AcceptanceRequest, BulkAcceptanceOutcome,
        BulkAcceptanceRequest, Decision, acceptance_by, return_by,
    },
    collections::{CollectionState, CollectionView, OrgStatus},
    monitoring::{Participant, ParticipantPage, ParticipantSort},
    moscow_time::short_date_time,
    reminders::suggested_text,
    role::Role,
};

use crate::{
    api::{Method, encode_query},
    components::{exports::Exports, pager::Pager},
    pages::{forecast::ForecastPanel, reminder::ReminderForm},
    session::Session,
};

/// Rows per page.
const PER_PAGE: u64 = 50;

/// The status filter's choices, in the order a form goes through them.
const FILTERED_STATUSES: [OrgStatus; 7] = [
    OrgStatus::NotStarted,
    OrgStatus::InProgress,
    OrgStatus::Returned,
    OrgStatus::Submitted,
    OrgStatus::AcceptedMunicipality,
    OrgStatus::AcceptedRegion,
    OrgStatus::NotSubmitted,
];

/// What the list is asked for.
#[derive(Clone, Debug, PartialEq)]
struct Filters {
    status: String,
    municipality: String,
    search: String,
    /// «есть пояснения»: only submissions that explain unusual values.
    explained: bool,
    sort: ParticipantSort,
    desc: bool,
    page: u64,
}

impl Filters {
    fn query(&self) -> String {
        let sort = serde_json::to_value(self.sort)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        let mut query = format!(
            "?page={}&per_page={PER_PAGE}&sort={sort}&desc={}",
            self.page, self.desc
        );
        for (name, value) in [
            ("status", &self.status),
            ("municipality", &self.municipality),
            ("search", &self.search),
        ] {
            if !value.is_empty() {
                query.push_str(&format!("&{name}={}", encode_query(value)));
            }
        }
        if self.explained {
            query.push_str("&explained=true");
        }
        query
    }
}

/// The page.
#[component]
pub fn MonitoringPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let view = LocalResource::new(move || {
        let id = id();
        async move { session.get::<CollectionView>(&collections::one(&id)).await }
    });
    let filters = RwSignal::new(Filters {
        status: String::new(),
        municipality: String::new(),
        search: String::new(),
        explained: false,
        sort: ParticipantSort::Status,
        desc: false,
        page: 1,
    });
    let reload = RwSignal::new(0u32);
    let list = LocalResource::new(move || {
        let (id, query) = (id(), filters.get().query());
        reload.track();
        async move {
            session
                .get::<ParticipantPage>(&collections::participants(&id, &query))
                .await
        }
    });
    let page = RwSignal::new(1u64);
    Effect::new(move |_| {
        let wanted = page.get();
        if filters.with_untracked(|f| f.page != wanted) {
            filters.update(|f| f.page = wanted);
        }
    });
    let municipalities = Signal::derive(move || {
        list.get()
            .and_then(Result::ok)
            .map(|p| p.municipalities)
            .unwrap_or_default()
    });
    // Tracked by the list: the collection may load after the list does.
    let levels = Signal::derive(move || {
        view.get()
            .and_then(Result::ok)
            .map(|v| v.acceptance_levels)
            .unwrap_or_default()
    });
    let role = session.me().map_or(Role::Organisation, |me| me.role);
    let decided = Callback::new(move |()| reload.update(|n| *n += 1));
    let search_text = RwSignal::new(String::new());
    let search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(1);
        filters.update(|f| {
            f.search = search_text.get_untracked();
            f.page = 1;
        });
    };
    view! {
        <section class="monitoring" aria-labelledby="monitoring-title">
            {move || view.get().map(|v| match v {
                Ok(v) => view! {
                    <h1 id="monitoring-title" class="page-title">{format!("Мониторинг: {}", v.form_title)}</h1>
                    <p class="collection-window">
                        <span class=if v.state == CollectionState::Open { "state open" } else { "state closed" }>{v.state_title.clone()}</span>" "{v.window.clone()}
                    </p>
                    <p><A href=format!("/publications/{}", v.publication_id)>"← К публикации"</A></p>
                }.into_any(),
                Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
            })}
            {move || list.get().and_then(Result::ok).map(|p| view! {
                <dl class="stats" aria-label="Статистика">
                    {p.statistics.lines.into_iter().map(|(title, count)| view! {
                        <div class="stat"><dt>{title}</dt><dd>{count}</dd></div>
                    }).collect_view()}
                </dl>
            })}
            {move || view.get().and_then(Result::ok).filter(|v| v.state == CollectionState::Open).map(|v| view! {
                <ReminderForm collection=id() suggested=suggested_text(&v.form_title, v.closes_at) municipalities=municipalities/>
            })}
            <ForecastPanel collection=id()/>
            <Exports collection=id()/>
            <h2>"Список участников"</h2>
            <form class="filters" on:submit=search>
                <label>"Статус "
                    <select on:change=move |ev| { page.set(1); filters.update(|f| { f.status = event_target_value(&ev); f.page = 1; }) }>
                        <option value="">"Все"</option>
                        {FILTERED_STATUSES
                            .into_iter()
                            .map(|s| {
                                let value = serde_json::to_value(s).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                                view! { <option value=value>{s.title_ru()}</option> }
                            })
                            .collect_view()}
                    </select>
                </label>
                <label>"Муниципалитет "
                    <select on:change=move |ev| { page.set(1); filters.update(|f| { f.municipality = event_target_value(&ev); f.page = 1; }) }>
                        <option value="">"Все"</option>
                        {move || list.get().and_then(Result::ok).map(|p| p.municipalities.into_iter().map(|m| {
                            let selected = filters.with_untracked(|f| f.municipality == m.id.to_string());
                            view! { <option value=m.id.to_string() selected=selected>{m.name}</option> }
                        }).collect_view())}
                    </select>
                </label>
                <label>"Логин или название "
                    <input type="search" prop:value=move || search_text.get() on:input=move |ev| search_text.set(event_target_value(&ev))/>
                </label>
                <label class="check">
                    <input type="checkbox" on:change=move |ev| { page.set(1); filters.update(|f| { f.explained = event_target_checked(&ev); f.page = 1; }) }/>
                    " есть пояснения"
                </label>
                <button type="submit">"Искать"</button>
            </form>
            {move || {
                let municipality = filters.with(|f| f.municipality.clone());
                (levels.get() != AcceptanceLevels::None).then(|| view! {
                    <BulkAcceptance collection=id() municipality=municipality decided=decided/>
                })
            }}
            {move || match list.get() {
                None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Some(Ok(p)) => view! { <Participants page=p filters=filters pager=page changed=decided collection=id() levels=levels.get() role=role/> }.into_any(),
            }}
        </section>
    }
}

/// The table of one page.
#[component]
fn Participants(
    page: ParticipantPage,
    filters: RwSignal<Filters>,
    pager: RwSignal<u64>,
    changed: Callback<()>,
    collection: String,
    levels: AcceptanceLevels,
    role: Role,
) -> impl IntoView {
    let grouped = filters.with_untracked(|f| f.sort == ParticipantSort::Status && !f.desc);
    let header = move |title: &'static str, sort: ParticipantSort| {
        let current = move || filters.with(|f| f.sort == sort);
        let aria = move || match (current(), filters.with(|f| f.desc)) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        view! {
            <th scope="col" aria-sort=aria>
                <button type="button" class="link" on:click=move |_| filters.update(|f| {
                    f.desc = f.sort == sort && !f.desc;
                    f.sort = sort;
                })>{title}</button>
            </th>
        }
    };
    let mut rows = Vec::new();
    let mut waiting_shown = false;
    for participant in page.items {
        if grouped && participant.status == OrgStatus::NotStarted && !waiting_shown {
            waiting_shown = true;
            rows.push(view! {
                <tr class="group-row"><th colspan="7" scope="rowgroup">"Список пользователей, не приступивших к сбору данных"</th></tr>
            }.into_any());
        }
        rows.push(view! { <ParticipantRow participant=participant collection=collection.clone() changed=changed levels=levels role=role/> }.into_any());
    }
    let (current, total) = (page.page, page.total);
    view! {
        <p class="muted">{format!("Найдено: {total}")}</p>
        <table class="grid participants">
            <thead>
                <tr>
                    {header("Логин", ParticipantSort::Login)}
                    {header("Наименование", ParticipantSort::Name)}
                    {header("Муниципалитет", ParticipantSort::Municipality)}
                    {header("Статус", ParticipantSort::Status)}
                    {header("Дата начала работы", ParticipantSort::Started)}
                    {header("Дата подачи", ParticipantSort::Submitted)}
                    <th scope="col"><span class="visually-hidden">"Действия"</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        {(total > PER_PAGE).then(|| view! { <Pager page=pager current=current total=total per_page=PER_PAGE/> })}
    }
}

/// «Принять все без ошибок»: every submission of the chosen municipality (or of
/// the whole territory while none is chosen) awaiting the caller's acceptance,
/// at once.
#[component]
fn BulkAcceptance(
    collection: String,
    municipality: String,
    decided: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let busy = RwSignal::new(false);
    let path = collections::acceptances_bulk(collection);
    let label = if municipality.is_empty() {
        "Принять все сданные формы без ошибок"
    } else {
        "Принять все сданные формы муниципалитета без ошибок"
    };
    let municipality = municipality.parse().ok();
    let accept = move |_| {
        let path = path.clone();
        busy.set(true);
        spawn_local(async move {
            let request = BulkAcceptanceRequest { municipality };
            let answer = session
                .save::<_, BulkAcceptanceOutcome>(Method::Post, &path, &request)
                .await;
            busy.set(false);
            outcome.set(Some(answer.map(|o| o.message).map_err(|f| f.message)));
            decided.run(());
        })
    };
    view! {
        <div class="bulk-acceptance">
            <button type="button" on:click=accept disabled=move || busy.get()>{label}</button>
            {move || outcome.get().map(|o| match o {
                Ok(message) => view! { <p role="status">{message}</p> }.into_any(),
                Err(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            })}
        </div>
    }
}

/// One organisation, with its form, «Принять» and «Вернуть на доработку».
#[component]
fn ParticipantRow(
    participant: Participant,
    collection: String,
    changed: Callback<()>,
    levels: AcceptanceLevels,
    role: Role,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let returning = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let login = participant.login.clone();
    let path = collections::acceptances(&collection);
    let decide = move |decision: Decision| {
        let (path, request) = (
            path.clone(),
            AcceptanceRequest {
                organisation: login.clone(),
                decision,
                comment: (decision == Decision::Return).then(|| comment.get_untracked()),
                cells: Vec::new(),
            },
        );
        if let Some(first) = request.problems().into_iter().next() {
            problem.set(Some(first.message));
            return;
        }
        spawn_local(async move {
            match session
                .save::<_, AcceptanceOutcome>(Method::Post, &path, &request)
                .await
            {
                Ok(_) => changed.run(()),
                Err(failure) => problem.set(Some(failure.first_message())),
            }
        })
    };
    let date =
        |at: Option<chrono::DateTime<chrono::Utc>>| at.map(short_date_time).unwrap_or_default();
    let can_return = return_by(role, participant.status, &participant.login).is_ok();
    let can_accept = acceptance_by(levels, role, participant.status, &participant.login).is_ok();
    let open = format!(
        "/collections/{collection}?organisation={}",
        encode_query(&participant.login)
    );
    let label = format!("Комментарий для {}", participant.login);
    let (accept, send) = (decide.clone(), decide);
    view! {
        <tr>
            <td>{participant.login.clone()}</td>
            <td>{participant.name.clone()}</td>
            <td>{participant.municipality.clone()}</td>
            <td>
                {participant.status_title.clone()}
                {participant.explained.then(|| view! {
                    <span class="badge" title="Организация пояснила необычные значения">" есть пояснения"</span>
                })}
            </td>
            <td>{date(participant.started_at)}</td>
            <td>{date(participant.submitted_at)}</td>
            <td class="actions">
                {(participant.status != OrgStatus::NotStarted).then(|| view! { <A href=open>"Посмотреть"</A> })}
                {can_accept.then(|| view! {
                    <button type="button" on:click=move |_| accept(Decision::Accept)>"Принять"</button>
                })}
                {can_return.then(|| view! {
                    <button type="button" class="secondary" on:click=move |_| returning.update(|r| *r = !*r)>"Вернуть на доработку"</button>
                })}
                {move || (!returning.get()).then(|| problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })).flatten()}
            </td>
        </tr>
        <Show when=move || returning.get()>
            <tr class="return-row">
                <td colspan="7">
                    <label>{label.clone()}
                        <textarea rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    </label>
                    <button type="button" on:click={let send = send.clone(); move |_| send(Decision::Return)}>"Вернуть"</button>
                    <button type="button" class="secondary" on:click=move |_| returning.set(false)>"Отмена"</button>
                    {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                </td>
            </tr>
        </Show>
    }
}
