//! The form of a collection, `/collections/{id}` (seed 001 Рис. 14–18, seed 002 Рис.
//! 17–22): sheet tabs with their hints, the grid, «Ошибки» with the list of errors,
//! «Сохранить черновик», «Сдать отчет», «Закрыть», and the Excel template to
//! download and upload. Coordinators open an organisation's form read-only with
//! `?organisation=<login>`.

use crate::api::collections;
use crate::{
    api::{ApiFailure, Method, encode_query},
    components::file_picker::FilePicker,
    download::{download, download_made_from},
    editor::{
        grid::{GridState, SheetGrid},
        state::{EditorState, SaveState, Submitted, forget_outbox, stored_outboxes},
        texts,
    },
    pages::review::Review,
    session::Session,
};
use leptos::{html, prelude::*, task::spawn_local};
use leptos_router::{
    NavigateOptions,
    hooks::{use_navigate, use_params_map, use_query_map},
};
use oko_domain::{
    collections::{CollectionState, CollectionView, Draft, SubmissionHistory},
    forms::FormDefinition,
    moscow_time::{short_date_time, to_moscow},
    role::Role,
};

/// What the page needs before it can draw.
#[derive(Clone)]
struct Loaded {
    view: CollectionView,
    form: FormDefinition,
    draft: Draft,
    /// The organisation a coordinator looks at.
    organisation: Option<String>,
    /// Whether the user is an organisation, the ones who fill forms in.
    fills_in: bool,
    /// What could not be saved from a previous visit.
    replay_problem: Option<String>,
}

/// The page.
#[component]
pub fn CollectionFormPage() -> impl IntoView {
    let session = expect_context::<Session>();
    let params = use_params_map();
    let query = use_query_map();
    let loaded = LocalResource::new(move || {
        let id = params.read().get("id").unwrap_or_default();
        let organisation = query.read().get("organisation");
        async move { load(session, id, organisation).await }
    });
    view! {
        {move || match loaded.get() {
            None => view! { <p role="status">{texts::LOADING}</p> }.into_any(),
            Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
            Some(Ok(loaded)) => view! { <FormEditor loaded=loaded/> }.into_any(),
        }}
    }
}

/// The query naming the organisation a coordinator looks at (none for its own).
fn whose(organisation: &Option<String>) -> String {
    organisation
        .as_ref()
        .map(|login| format!("?organisation={}", encode_query(login)))
        .unwrap_or_default()
}

fn storage_prefix(session: Session, collection: &str) -> String {
    let login = session.me().map(|me| me.login).unwrap_or_default();
    format!("oko-outbox-{collection}-{login}")
}

async fn load(
    session: Session,
    id: String,
    organisation: Option<String>,
) -> Result<Loaded, ApiFailure> {
    let view = session
        .get::<CollectionView>(&collections::one(&id))
        .await?;
    let form = session
        .get::<FormDefinition>(&collections::form(&id))
        .await?;
    let draft_path = collections::draft(&id, &whose(&organisation));
    let fills_in = session.me().is_some_and(|me| me.role == Role::Organisation);
    if !fills_in && organisation.is_none() {
        // A coordinator or the operator without an organisation: the blank form.
        return Ok(Loaded {
            draft: blank_draft(&view, &form),
            view,
            form,
            organisation,
            fills_in,
            replay_problem: None,
        });
    }
    let mut draft = session.get::<Draft>(&draft_path).await?;
    // Changes a previous visit could not send (offline, tab closed) go first; the
    // server applies a batch it already has only once.
    let mut replay_problem = None;
    let stored = match organisation {
        None => stored_outboxes(&storage_prefix(session, &id)),
        Some(_) => Vec::new(),
    };
    let replayed = !stored.is_empty();
    for (key, mut outbox) in stored {
        outbox.version = draft.version;
        while let Some(patch) = outbox.next_patch() {
            let path = collections::draft(&id, "");
            match session
                .save::<_, oko_domain::collections::DraftSaved>(Method::Patch, &path, &patch)
                .await
            {
                Ok(saved) => {
                    outbox.saved(saved.version);
                    draft.version = saved.version;
                }
                Err(failure) => {
                    replay_problem = Some(texts::not_replayed(&failure.message));
                    break;
                }
            }
        }
        if outbox.is_empty() {
            forget_outbox(&key);
        }
    }
    if replayed {
        draft = session.get::<Draft>(&draft_path).await?;
    }
    Ok(Loaded {
        view,
        form,
        draft,
        organisation,
        fills_in,
        replay_problem,
    })
}

/// The form as nobody has filled it in (what coordinators preview).
fn blank_draft(view: &CollectionView, form: &FormDefinition) -> Draft {
    Draft {
        collection_id: view.id,
        organisation_id: uuid::Uuid::nil(),
        version: 0,
        data: oko_domain::forms::FormData::blank(form),
        errors: Vec::new(),
        references: Vec::new(),
        progress: oko_domain::collections::Progress::new(None, None, None, view.state, None, None),
    }
}

/// The editor around a loaded draft.
#[component]
fn FormEditor(loaded: Loaded) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let Loaded {
        view,
        form,
        draft,
        organisation,
        fills_in,
        replay_problem,
    } = loaded;
    let open = view.state == CollectionState::Open;
    let returned = draft.progress.returned.as_ref().map(|r| r.message.clone());
    let status = draft.progress.status;
    let accepted = draft
        .progress
        .accepted
        .as_ref()
        .map(oko_domain::acceptance::AcceptanceNote::locked_ru);
    // An accepted form is locked until a coordinator returns it (the server
    // refuses its saves with `form_accepted`).
    let read_only =
        !(fills_in && open && organisation.is_none()) || draft.progress.status.is_accepted();
    let key = storage_prefix(session, &view.id.to_string());
    let editor = EditorState::new(
        session,
        view.id,
        form.clone(),
        draft,
        read_only,
        key,
        whose(&organisation),
    );
    if let Some(problem) = replay_problem {
        editor.save_state.set(SaveState::Refused(problem));
    }
    // Back at this tab: what another tab or person saved meanwhile shows now,
    // not at this tab's next save.
    let caught_up = window_event_listener(leptos::ev::focus, move |_| {
        spawn_local(editor.catch_up());
    });
    on_cleanup(move || caught_up.remove());
    let sheet = RwSignal::new(0usize);
    let grid = GridState::new();
    // The cell the grid is on, for a comment on it.
    let active = Signal::derive(move || {
        let index = sheet.get();
        let (row, column) = grid.selection.get().active;
        editor.form.with_value(|f| {
            let shown = f.sheets.get(index)?;
            Some((
                shown.key.clone(),
                row,
                shown.columns.get(column)?.key.clone(),
            ))
        })
    });
    let show_errors = RwSignal::new(false);
    let publication = view.publication_id;
    let error_count = move || editor.errors.with(Vec::len);
    let submitting = RwSignal::new(false);
    let back = {
        let navigate = navigate.clone();
        move || {
            navigate(
                &format!("/publications/{publication}"),
                NavigateOptions::default(),
            )
        }
    };
    let close = {
        let back = back.clone();
        move |_| {
            if editor.has_unsaved() && !confirm(texts::CLOSE_UNSAVED) {
                return;
            }
            back();
        }
    };
    let save_now = move |_| {
        spawn_local(async move {
            if !editor.has_unsaved() {
                editor.save_state.set(SaveState::Saved(chrono::Utc::now()));
                return;
            }
            editor.flush().await;
        })
    };
    let submit = {
        let back = back.clone();
        move |_| {
            if !confirm(texts::SUBMIT_CONFIRM) {
                return;
            }
            let back = back.clone();
            submitting.set(true);
            spawn_local(async move {
                loop {
                    let done = editor.submit().await;
                    // The page may be gone by now (back, a second click): nothing to show.
                    if submitting.try_set(false).is_some() {
                        return;
                    }
                    let clean = editor.overlaps.with_untracked(Vec::is_empty)
                        && editor.errors.with_untracked(Vec::is_empty);
                    match done {
                        Ok(Submitted::Done) => back(),
                        // Someone saved in between: merged; asked again on what is there.
                        Ok(Submitted::Merged) if clean && confirm(texts::MERGED_SUBMIT_AGAIN) => {
                            submitting.set(true);
                            continue;
                        }
                        Ok(Submitted::Merged) => {
                            editor
                                .save_state
                                .set(SaveState::Refused(texts::MERGED_LOOK.to_owned()));
                            show_errors.set(!editor.errors.with_untracked(Vec::is_empty));
                        }
                        Err(message) => {
                            editor.save_state.set(SaveState::Refused(message));
                            show_errors.set(true);
                        }
                    }
                    return;
                }
            })
        }
    };
    let why_not = move || {
        if read_only {
            Some(texts::READ_ONLY_FORM)
        } else if error_count() > 0 {
            Some(texts::FIX_ERRORS)
        } else {
            None
        }
    };
    let sheets = form.sheets.clone();
    let title = form.title.clone();
    let template_name = format!("{}.xlsx", form.title);
    let template_path = collections::template(view.id, &whose(&organisation));
    let history_path = (fills_in || organisation.is_some())
        .then(|| collections::submissions(view.id, &whose(&organisation)));
    let download_message = RwSignal::new(None::<String>);
    let fetch = move |path: String, name: String| {
        spawn_local(async move {
            if let Err(failure) = download(session, &path, &name).await {
                download_message.set(Some(failure.message));
            }
        })
    };
    let download_template = move |_| fetch(template_path.clone(), template_name.clone());
    // The data with every attached file, for a form that takes files.
    let archive = form.has_file_columns().then(|| {
        let path = collections::archive(view.id, &whose(&organisation));
        let name = format!("{}.zip", form.title);
        move |_| fetch(path.clone(), name.clone())
    });
    let jump = move |sheet_key: String, row: u32, column: Option<String>| {
        let (index, at) = editor.form.with_value(|f| {
            let index = f
                .sheets
                .iter()
                .position(|s| s.key == sheet_key)
                .unwrap_or(0);
            let at = column
                .and_then(|key| f.sheets[index].columns.iter().position(|c| c.key == key))
                .unwrap_or(0);
            (index, at)
        });
        if sheet.get_untracked() == index {
            grid.go_to(row, at);
            return;
        }
        grid.reset();
        sheet.set(index);
        // The other sheet's grid draws first.
        spawn_local(async move {
            gloo_timers::future::TimeoutFuture::new(0).await;
            grid.go_to(row, at);
        });
    };
    view! {
        <section class="form-editor" aria-labelledby="form-title">
            <header class="form-head">
                <h1 id="form-title" class="page-title">{title}</h1>
                <p class="collection-window">
                    <span class=if open { "state open" } else { "state closed" }>{view.state_title.clone()}</span>
                    " " {view.window.clone()}
                </p>
                <p class="muted">{match (&organisation, fills_in) {
                    (Some(login), _) => texts::organisation_view(login),
                    (None, false) => texts::BLANK_FORM.to_owned(),
                    (None, true) => String::new(),
                }}</p>
                {returned.map(|message| view! { <p class="returned" role="alert">{message}</p> })}
                {accepted.map(|message| view! { <p class="accepted" role="status">{message}</p> })}
                <p class="save-state" role="status" aria-live="polite">{move || save_line(&editor.save_state.get(), read_only)}</p>
                {history_path.map(|path| view! { <History path=path/> })}
            </header>
            <div class="form-toolbar">
                {(!read_only).then(|| view! { <button type="button" class="secondary" on:click=save_now>{texts::SAVE_DRAFT}</button> })}
                // A form that can no longer change has no errors to fix.
                {open.then(|| view! {
                    <button type="button" class=move || { if error_count() > 0 && !read_only { "errors-button has-errors" } else { "errors-button" } }
                        aria-expanded=move || show_errors.get().to_string()
                        on:click=move |_| show_errors.update(|s| *s = !*s)>
                        {move || texts::errors_count(error_count())}
                    </button>
                })}
                {(!read_only).then(|| view! {
                    <span class="submit-wrap" title=move || why_not().unwrap_or_default()>
                        <button type="button" class="submit" disabled=move || why_not().is_some() || submitting.get() on:click=submit.clone()>{texts::SUBMIT}</button>
                    </span>
                })}
                <button type="button" class="secondary" on:click=download_template>{texts::DOWNLOAD_TEMPLATE}</button>
                {archive.map(|archive| view! {
                    <button type="button" class="secondary" on:click=archive>{texts::DOWNLOAD_ARCHIVE}</button>
                })}
                {(!read_only).then(|| view! { <TemplateUpload editor=editor shown=show_errors/> })}
                <button type="button" class="secondary" on:click=close>{texts::CLOSE}</button>
            </div>
            {move || download_message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <Show when=move || show_errors.get()>
                <ErrorsPanel editor=editor jump=Callback::new(move |(s, r, c)| jump(s, r, c))/>
            </Show>
            <Overlaps editor=editor jump=Callback::new(move |(s, r, c)| jump(s, r, Some(c)))/>
            {(fills_in || organisation.is_some()).then(|| view! {
                <Review editor=editor collection=view.id organisation=organisation.clone()
                    status=status jump=Callback::new(move |(s, r, c)| jump(s, r, c)) active=active/>
            })}
            <nav class="sheet-tabs" aria-label=texts::SHEETS>
                {sheets.into_iter().enumerate().map(|(index, s)| {
                    let hint = s.hint.clone();
                    let key = s.key.clone();
                    // Errors of every sheet, opened or not, counted on its tab.
                    let errors = Memo::new(move |_| {
                        editor.errors.with(|all| all.iter().filter(|e| e.sheet == key).count())
                    });
                    // A sheet its condition leaves out says so on its tab.
                    let off = Memo::new(move |_| {
                        editor.revision.track();
                        editor.sheet_off(index)
                    });
                    view! {
                        <span class="sheet-tab" class:active=move || sheet.get() == index
                            class:off=move || off.with(Option::is_some)
                            title=move || off.get().unwrap_or_default()>
                            <button type="button" aria-pressed=move || (sheet.get() == index).to_string()
                                on:click=move |_| { grid.reset(); sheet.set(index); }>
                                {s.title.clone()}
                                {move || off.with(Option::is_some).then(|| view! {
                                    " " <span class="tab-off">{texts::SHEET_OFF}</span>
                                })}
                                {move || (!read_only && errors.get() > 0).then(|| view! {
                                    " " <span class="tab-errors" title=texts::sheet_errors(errors.get())>
                                        <span class="visually-hidden">", " {texts::sheet_errors(errors.get())}</span>
                                        <span aria-hidden="true">{errors.get()}</span>
                                    </span>
                                })}
                            </button>
                            {(!hint.is_empty()).then(|| view! {
                                <span class="hint-mark" tabindex="0" role="note" data-hint=hint.clone() aria-label=texts::sheet_rules(&hint)>"i"</span>
                            })}
                        </span>
                    }
                }).collect_view()}
            </nav>
            {move || {
                editor.revision.track();
                editor.sheet_off(sheet.get()).map(|reason| view! {
                    <p class="sheet-off-note" role="note">{reason}</p>
                })
            }}
            {move || {
                let index = sheet.get();
                view! { <SheetGrid editor=editor index=index grid=grid/> }
            }}
        </section>
    }
}

/// «Сохранено в 17:42 (мск)» and its siblings.
fn save_line(state: &SaveState, read_only: bool) -> String {
    match state {
        SaveState::Idle if read_only => texts::READ_ONLY.to_owned(),
        SaveState::Idle => texts::AUTOSAVE.to_owned(),
        SaveState::Saving => texts::SAVING.to_owned(),
        SaveState::Saved(at) => texts::saved_at(&to_moscow(*at).format("%H:%M").to_string()),
        SaveState::Offline => texts::OFFLINE.to_owned(),
        SaveState::Refused(message) => message.clone(),
    }
}

/// «История сдачи»: every submission and every return for revision, newest first
/// (the newest submission counts unless returned since), with who.
#[component]
fn History(path: String) -> impl IntoView {
    let session = expect_context::<Session>();
    let path = StoredValue::new(path);
    let history = LocalResource::new(move || async move {
        session.get::<SubmissionHistory>(&path.get_value()).await
    });
    move || {
        history.get().and_then(Result::ok).map(|list| {
            let count = list.items.len();
            // Submissions and returns, newest first.
            let mut lines: Vec<(chrono::DateTime<chrono::Utc>, String)> = list
                .items
                .into_iter()
                .map(|item| {
                    (
                        item.submitted_at,
                        format!("{} — {}", short_date_time(item.submitted_at), item.submitted_by),
                    )
                })
                .chain(list.returns.into_iter().map(|r| {
                    (r.returned_at, format!("{} — {}", r.message, r.returned_by))
                }))
                .collect();
            lines.sort_by_key(|(at, _)| std::cmp::Reverse(*at));
            view! {
                <details class="history">
                    <summary>{texts::history(count)}</summary>
                    <ul>
                        {lines.into_iter().map(|(_, line)| view! { <li>{line}</li> }).collect_view()}
                    </ul>
                </details>
            }
        })
    }
}

/// Every error of the draft, and of the last uploaded file; a click goes to the cell.
#[component]
fn ErrorsPanel(
    editor: EditorState,
    jump: Callback<(String, u32, Option<String>)>,
) -> impl IntoView {
    let form = editor.form;
    view! {
        <div class="errors-panel card" role="region" aria-label=texts::ERRORS>
            {move || {
                let problems = editor.upload_problems.get();
                (!problems.is_empty()).then(|| view! {
                    <h2>{texts::UPLOAD_ERRORS}</h2>
                    <MarkedDownload editor=editor/>
                    <ul>{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                })
            }}
            {move || {
                let errors = editor.errors.get();
                if errors.is_empty() {
                    return view! { <p>{texts::NO_ERRORS}</p> }.into_any();
                }
                view! {
                    <ul class="error-list">
                        {errors.into_iter().map(|e| {
                            let text = form.with_value(|f| e.located(f, 0));
                            let target = (e.sheet.clone(), e.row, e.column.clone());
                            view! {
                                <li><button type="button" class="link" on:click=move |_| jump.run(target.clone())>{text}</button></li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </div>
    }
}

/// «Скачать файл с отметками ошибок»: the refused file sent back and saved with
/// each wrong cell red and its message as a note.
#[component]
fn MarkedDownload(editor: EditorState) -> impl IntoView {
    let session = expect_context::<Session>();
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let fetch = move |_| {
        let Some(file) = editor.refused_upload.get_untracked() else {
            return;
        };
        busy.set(true);
        spawn_local(async move {
            let path = collections::upload_marked(editor.collection_id);
            let name = texts::marked_file_name(&file.name());
            let saved = download_made_from(session, &path, file.into(), &name).await;
            busy.set(false);
            failed.set(saved.err().map(|failure| failure.message));
        });
    };
    move || {
        editor.refused_upload.with(Option::is_some).then(|| view! {
            <p class="marked-download">
                <button type="button" class="secondary" disabled=move || busy.get() on:click=fetch>
                    {texts::DOWNLOAD_MARKED}
                </button>
                " " <span class="hint">{texts::MARKED_HINT}</span>
                {move || failed.get().map(|message| view! { <span class="error" role="alert">" " {message}</span> })}
            </p>
        })
    }
}

/// The cells this tab and someone else both changed: each with both values and
/// a choice; ours is shown (and saved) until the user takes theirs.
#[component]
fn Overlaps(editor: EditorState, jump: Callback<(String, u32, String)>) -> impl IntoView {
    move || {
        let overlaps = editor.overlaps.get();
        (!overlaps.is_empty()).then(|| {
            view! {
                <div class="overlaps card" role="alert">
                    <h2>{texts::OVERLAPS_TITLE}</h2>
                    <ul>
                        {overlaps.into_iter().map(|overlap| {
                            let place = editor.form.with_value(|f| overlap.place(f));
                            let target = (overlap.sheet.clone(), overlap.row, overlap.column.clone());
                            let (mine, theirs) = (overlap.clone(), overlap.clone());
                            view! {
                                <li>
                                    <button type="button" class="link" on:click=move |_| jump.run(target.clone())>{place}</button>
                                    {texts::both_values(&overlap.mine, &overlap.theirs)}
                                    <button type="button" class="secondary" on:click=move |_| editor.settle(&mine, false)>{texts::KEEP_MINE}</button>
                                    <button type="button" class="secondary" on:click=move |_| editor.settle(&theirs, true)>{texts::TAKE_THEIRS}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// «Загрузить заполненный шаблон»: a readable file replaces the draft, its errors
/// (empty required cells, values out of range) opening the «Ошибки» panel as the
/// editor's own; a file that cannot be the draft changes nothing and its
/// problems join the panel.
#[component]
fn TemplateUpload(editor: EditorState, shown: RwSignal<bool>) -> impl IntoView {
    let session = expect_context::<Session>();
    let input = NodeRef::<html::Input>::new();
    let busy = RwSignal::new(false);
    let upload = move |_| {
        let Some(file) = input.get().and_then(|i| i.files()).and_then(|l| l.get(0)) else {
            editor
                .save_state
                .set(SaveState::Refused(texts::CHOOSE_TEMPLATE.to_owned()));
            return;
        };
        busy.set(true);
        let marked_source = file.clone();
        spawn_local(async move {
            // What was typed goes first; the file then replaces the draft.
            editor.flush().await;
            let path = collections::upload(editor.collection_id);
            let answer = session.post_file::<Draft>(&path, file.into()).await;
            busy.set(false);
            match answer {
                Ok(draft) => {
                    editor.upload_problems.set(Vec::new());
                    editor.refused_upload.set(None);
                    if !draft.errors.is_empty() {
                        shown.set(true);
                    }
                    editor.replace(draft.data, draft.version);
                    editor.save_state.set(SaveState::Saved(
                        draft.progress.updated_at.unwrap_or_else(chrono::Utc::now),
                    ));
                }
                Err(failure) => {
                    let mut problems: Vec<String> =
                        failure.errors.iter().map(|e| e.message.clone()).collect();
                    // Only a file whose cells were read has cells to mark.
                    let markable = failure.errors.iter().any(|e| e.sheet.is_some());
                    if problems.is_empty() {
                        problems.push(failure.message);
                    }
                    editor.refused_upload.set(markable.then_some(marked_source));
                    editor.upload_problems.set(problems);
                    shown.set(true);
                }
            }
        })
    };
    view! {
        <span class="template-upload">
            <FilePicker caption=texts::FILLED_TEMPLATE.trim() accept=".xlsx,.csv" input=input/>
            <button type="button" class="secondary" disabled=move || busy.get() on:click=upload>{texts::UPLOAD_TEMPLATE}</button>
        </span>
    }
}

fn confirm(question: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(question).ok())
        .unwrap_or(false)
}
