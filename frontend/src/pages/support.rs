//! «Техническая поддержка» (seed 000, Рис. 3–4; seed 003, step 11): a forum per
//! project — search first (so people find an answer before they ask), «Часто
//! задаваемые вопросы» on top, then the newest; a question with its answers, the
//! operator's answer and moderation, screenshots.

use crate::api::forum;
use leptos::{ev::SubmitEvent, html, prelude::*, task::spawn_local};
use leptos_router::{components::A, hooks::use_params_map};
use oko_domain::{
    forum::{AnswerInput, ForumList, Moderation, QuestionInput, QuestionList, QuestionView},
    moscow_time::short_date_time,
    role::Role,
};
use uuid::Uuid;

use crate::{
    api::{Body, Method, encode_query},
    components::{file_picker::FilePicker, one_at_a_time::OneAtATime, pager::Pager},
    download::download,
    session::Session,
};

const PER_PAGE: u64 = 20;

/// `/support`: the forums.
#[component]
pub fn SupportPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let forums =
        LocalResource::new(move || async move { session.get::<ForumList>(forum::FORUMS).await });
    let forum = RwSignal::new("vpr-spo".to_owned());
    let draft = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u64);
    let reload = RwSignal::new(0u32);
    let questions = LocalResource::new(move || {
        reload.track();
        let path = forum::questions_page(
            forum.get(),
            &format!(
                "page={}&per_page={PER_PAGE}&search={}",
                page.get(),
                encode_query(&search.get())
            ),
        );
        async move { session.get::<QuestionList>(&path).await }
    });
    let find = move |ev: SubmitEvent| {
        ev.prevent_default();
        search.set(draft.get_untracked());
        page.set(1);
    };
    // The forum is the coordinators' and the operator's: a school that opens the
    // address is told whom to ask, not shown a form it cannot send.
    if session.me().is_some_and(|me| me.role == Role::Organisation) {
        return view! {
            <section class="support" aria-labelledby="support-title">
                <h1 id="support-title" class="page-title">"Техническая поддержка"</h1>
                <p class="empty">"Форум технической поддержки ведут координаторы и федеральный оператор. С вопросом обратитесь к своему муниципальному или региональному координатору."</p>
            </section>
        }
        .into_any();
    }
    view! {
        <section class="support" aria-labelledby="support-title">
            <h1 id="support-title" class="page-title">"Техническая поддержка"</h1>
            <nav class="tabs" role="tablist" aria-label="Форумы">
                {move || forums.get().and_then(Result::ok).map(|list| list.items.into_iter().map(|f| {
                    let slug = f.slug.clone();
                    let current = slug.clone();
                    view! {
                        <button type="button" role="tab" class="tab" aria-selected=move || (forum.get() == current).to_string()
                            on:click=move |_| { forum.set(slug.clone()); page.set(1); }>
                            {f.title} " " <span class="count">{f.questions}</span>
                        </button>
                    }
                }).collect_view())}
            </nav>
            <form class="search" role="search" on:submit=find>
                <label class="visually-hidden" for="forum-search">"Поиск по вопросам и ответам"</label>
                <input id="forum-search" placeholder="Поиск по вопросам и ответам" bind:value=draft/>
                <button type="submit">"Искать"</button>
            </form>
            {move || questions.get().map(|q| match q {
                Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Ok(list) if list.items.is_empty() => view! {
                    <p class="empty">"Ничего не найдено. Задайте вопрос ниже."</p>
                }.into_any(),
                Ok(list) => {
                    let (current, total) = (list.page, list.total);
                    view! {
                        <ul class="questions">
                            {list.items.into_iter().map(|q| view! {
                                <li class="question-item" class:faq=q.faq>
                                    {q.faq.then(|| view! { <span class="badge">"Часто задаваемый вопрос"</span> })}
                                    <A href=format!("/support/questions/{}", q.id)>{q.title}</A>
                                    <span class="muted">{format!(" — {}, {} · ответов: {}{}", q.author,
                                        short_date_time(q.created_at), q.answers, if q.closed { " · закрыт" } else { "" })}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                        <Pager page=page current=current total=total per_page=PER_PAGE/>
                    }.into_any()
                }
            })}
            <AskForm forum=forum asked=Callback::new(move |()| reload.update(|n| *n += 1))/>
        </section>
    }
    .into_any()
}

#[component]
fn AskForm(forum: RwSignal<String>, asked: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let sending = OneAtATime::new();
    let sent = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = QuestionInput {
            title: title.get_untracked(),
            body: body.get_untracked(),
        };
        if let Some(p) = input.problems().first() {
            problem.set(Some(p.message.clone()));
            return;
        }
        sent.set(None);
        let path = forum::questions(forum.get_untracked());
        sending.run(
            move |key| async move { session.create::<_, QuestionView>(&path, &input, &key).await },
            move |answer| match answer {
                Ok(question) => {
                    title.set(String::new());
                    body.set(String::new());
                    problem.set(None);
                    sent.set(Some(format!(
                        "Вопрос отправлен: «{}»",
                        question.summary.title
                    )));
                    asked.run(());
                }
                Err(f) => problem.set(Some(f.message)),
            },
        );
    };
    view! {
        <form class="card ask" on:submit=submit aria-labelledby="ask-title">
            <h2 id="ask-title">"Задать вопрос"</h2>
            <label>"Заголовок " <input type="text" bind:value=title/></label>
            <label>"Вопрос " <textarea rows="5" bind:value=body></textarea></label>
            <p class="muted">"Укажите логин и название ОО / МОУО и подробно опишите проблему; снимки экрана можно прикрепить после отправки."</p>
            <button type="submit" disabled=move || sending.busy()>"Отправить вопрос"</button>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <p class="done" role="status" aria-live="polite">{move || sent.get()}</p>
        </form>
    }
}

/// `/support/questions/:id`: a question with its answers.
#[component]
pub fn QuestionPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let reload = RwSignal::new(0u32);
    let question = LocalResource::new(move || {
        reload.track();
        let id = params.read().get("id").unwrap_or_default();
        async move { session.get::<QuestionView>(&forum::question(id)).await }
    });
    let changed = Callback::new(move |()| reload.update(|n| *n += 1));
    view! {
        <p><A href="/support">"← Все вопросы"</A></p>
        {move || question.get().map(|q| match q {
            Err(failure) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
            Ok(q) => view! { <QuestionCard question=q changed=changed/> }.into_any(),
        })}
    }
}

#[component]
fn QuestionCard(question: QuestionView, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let operator = session.me().is_some_and(|me| me.role == Role::Operator);
    let author = session
        .me()
        .is_some_and(|me| me.login == question.summary.author);
    let id = question.summary.id;
    let summary = question.summary.clone();
    view! {
        <article class="card question" aria-labelledby="question-title">
            <h1 id="question-title" class="page-title">{summary.title.clone()}</h1>
            <p class="muted">{format!("{}, {}", summary.author, short_date_time(summary.created_at))}
                {summary.faq.then(|| view! { " · " <span class="badge">"Часто задаваемый вопрос"</span> })}
                {summary.closed.then_some(" · вопрос закрыт")}</p>
            {question.merged_into.map(|target| view! {
                <p class="note">"Объединен с другим вопросом: " <A href=format!("/support/questions/{target}")>"перейти"</A></p>
            })}
            <p class="question-body">{question.body.clone()}</p>
            <ul class="attachments">
                {question.attachments.iter().map(|a| {
                    let (path, name) = (forum::attachment(a.id), a.name.clone());
                    view! {
                        <li><button type="button" class="link" on:click=move |_| {
                            let (path, name) = (path.clone(), name.clone());
                            spawn_local(async move { let _ = download(session, &path, &name).await; });
                        }>{a.name.clone()}</button></li>
                    }
                }).collect_view()}
            </ul>
            {(author || operator).then(|| view! { <AttachForm id=id changed=changed/> })}
            <h2>{format!("Ответы ({})", question.answers.len())}</h2>
            <ol class="answers">
                {question.answers.into_iter().map(|a| view! {
                    <li class="answer"><p class="muted">{format!("{}, {}", a.author, short_date_time(a.created_at))}</p>
                        <p>{a.body}</p></li>
                }).collect_view()}
            </ol>
            {(operator && !summary.closed).then(|| view! { <AnswerForm id=id changed=changed/> })}
            {operator.then(|| view! { <ModerationBar id=id faq=summary.faq closed=summary.closed changed=changed/> })}
        </article>
    }
}

#[component]
fn AnswerForm(id: Uuid, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let body = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = AnswerInput {
            body: body.get_untracked(),
        };
        spawn_local(async move {
            let path = forum::answers(id);
            match session
                .save::<_, QuestionView>(Method::Post, &path, &input)
                .await
            {
                Ok(_) => {
                    body.set(String::new());
                    changed.run(());
                }
                Err(f) => problem.set(Some(f.message)),
            }
        });
    };
    view! {
        <form class="answer-form" on:submit=submit>
            <label>"Ответ " <textarea rows="4" bind:value=body></textarea></label>
            <button type="submit">"Ответить"</button>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </form>
    }
}

#[component]
fn ModerationBar(id: Uuid, faq: bool, closed: bool, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let target = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let send = move |change: Moderation| {
        spawn_local(async move {
            let path = forum::moderation(id);
            match session
                .save::<_, QuestionView>(Method::Put, &path, &change)
                .await
            {
                Ok(_) => changed.run(()),
                Err(f) => problem.set(Some(f.first_message())),
            }
        });
    };
    let merge = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = target.get_untracked();
        let id_text = text.trim().rsplit('/').next().unwrap_or("").to_owned();
        match Uuid::parse_str(&id_text) {
            Ok(into) => send(Moderation {
                merged_into: Some(into),
                ..Moderation::default()
            }),
            Err(_) => problem.set(Some(
                "Вставьте ссылку на вопрос, с которым объединить".to_owned(),
            )),
        }
    };
    view! {
        <div class="moderation">
            <button type="button" class="secondary" on:click=move |_| send(Moderation { faq: Some(!faq), ..Moderation::default() })>
                {if faq { "Убрать из частых вопросов" } else { "В часто задаваемые вопросы" }}</button>
            <button type="button" class="secondary" on:click=move |_| send(Moderation { closed: Some(!closed), ..Moderation::default() })>
                {if closed { "Открыть вопрос" } else { "Закрыть вопрос" }}</button>
            <form class="inline-form" on:submit=merge>
                <label>"Дубликат вопроса (ссылка) " <input type="text" bind:value=target/></label>
                <button type="submit" class="secondary">"Объединить"</button>
            </form>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </div>
    }
}

#[component]
fn AttachForm(id: Uuid, changed: Callback<()>) -> impl IntoView {
    let session = expect_context::<Session>();
    let input = NodeRef::<html::Input>::new();
    let problem = RwSignal::new(None::<String>);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|l| l.get(0)) else {
            return;
        };
        let path = forum::attach(id, &file.name());
        spawn_local(async move {
            match session
                .send_body(Method::Post, &path, Body::File(file.into()))
                .await
            {
                Ok(_) => changed.run(()),
                Err(f) => problem.set(Some(f.first_message())),
            }
        });
    };
    view! {
        <form class="inline-form attach" on:submit=submit>
            <FilePicker caption="Снимок экрана" accept="image/*,.pdf" input=input/>
            <button type="submit" class="secondary">"Прикрепить"</button>
            {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
        </form>
    }
}
