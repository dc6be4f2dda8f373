//! The review beside a submitted form (issue #25): the comments a return left
//! on its cells (the organisation answers each; the cells carry a mark and the
//! text), what the latest submission changed against the one before (cells
//! highlighted, the old value on hover; coordinators), and a return for
//! revision with comments on the cells chosen in the grid.

use crate::api::collections;
use std::collections::HashMap;

use leptos::{prelude::*, task::spawn_local};
use oko_domain::{
    acceptance::{AcceptanceOutcome, AcceptanceRequest, Decision, return_by},
    collections::OrgStatus,
    comments::{
        CellComment, CellCommentInput, CommentAnswer, CommentList, SubmissionChanges, place_of,
    },
    forms::FormDefinition,
    role::Role,
};
use uuid::Uuid;

use crate::{
    api::{Method, encode_query},
    editor::state::{CellKey, CellNote, EditorState, NoteKind},
    session::Session,
};

/// Where a review jumps to: sheet key, row, column key.
pub type Jump = Callback<(String, u32, Option<String>)>;

/// The notes the cells show: what changed (with the old value), then the open
/// comments (added to a changed cell's note).
fn notes_of(
    changes: Option<&SubmissionChanges>,
    comments: &[CellComment],
) -> HashMap<CellKey, CellNote> {
    let mut notes = HashMap::new();
    for cell in changes.map_or(&[][..], |c| &c.cells[..]) {
        let before = if cell.before.is_empty() {
            "пусто"
        } else {
            &cell.before
        };
        notes.insert(
            (cell.sheet.clone(), cell.row, cell.column.clone()),
            CellNote {
                kind: NoteKind::Changed,
                text: format!("Изменено, было: {before}"),
            },
        );
    }
    for comment in comments.iter().filter(|c| c.open) {
        let text = format!("Комментарий {}: {}", comment.author, comment.comment);
        notes
            .entry((comment.sheet.clone(), comment.row, comment.column.clone()))
            .and_modify(|note: &mut CellNote| note.text = format!("{}. {text}", note.text))
            .or_insert(CellNote {
                kind: NoteKind::Comment,
                text,
            });
    }
    notes
}

/// The review panel. `organisation`: the organisation a coordinator looks at
/// (`None`: the organisation's own form); `active`: the grid's current cell.
#[component]
pub fn Review(
    editor: EditorState,
    collection: Uuid,
    organisation: Option<String>,
    status: OrgStatus,
    jump: Jump,
    active: Signal<Option<CellKey>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let whose = organisation
        .as_ref()
        .map(|login| format!("?organisation={}", encode_query(login)))
        .unwrap_or_default();
    let reload = RwSignal::new(0u32);
    let comments = {
        let path = collections::comments(collection, &whose);
        LocalResource::new(move || {
            let path = path.clone();
            reload.track();
            async move { session.get::<CommentList>(&path).await }
        })
    };
    let changes = {
        let path = organisation
            .is_some()
            .then(|| collections::changes(collection, &whose));
        LocalResource::new(move || {
            let path = path.clone();
            async move {
                match path {
                    Some(path) => session.get::<SubmissionChanges>(&path).await.ok(),
                    None => None,
                }
            }
        })
    };
    Effect::new(move |_| {
        let listed = comments.get().and_then(Result::ok).map(|l| l.items);
        let changed = changes.get().flatten();
        editor
            .notes
            .set(notes_of(changed.as_ref(), &listed.unwrap_or_default()));
    });
    let answers = organisation.is_none();
    let role = session.me().map_or(Role::Organisation, |me| me.role);
    let may_return = organisation
        .clone()
        .filter(|login| return_by(role, status, login).is_ok());
    view! {
        {move || changes.get().flatten().filter(|c| c.previous_submitted_at.is_some()).map(|c| view! {
            <Changes changes=c form=editor.form.get_value() jump=jump/>
        })}
        {move || comments.get().and_then(Result::ok).filter(|l| !l.items.is_empty()).map(|l| view! {
            <Comments items=l.items collection=collection answers=answers jump=jump changed=Callback::new(move |()| reload.update(|n| *n += 1))/>
        })}
        {may_return.map(|login| view! {
            <ReturnWithComments collection=collection organisation=login form=editor.form.get_value() active=active/>
        })}
    }
}

/// «Что изменилось»: the summary and each changed cell.
#[component]
fn Changes(changes: SubmissionChanges, form: FormDefinition, jump: Jump) -> impl IntoView {
    view! {
        <section class="review card" aria-labelledby="changes-title">
            <h2 id="changes-title">"Что изменилось с прошлой сдачи"</h2>
            <p role="status">{changes.summary.clone()}</p>
            <ul>
                {changes.cells.into_iter().map(|cell| {
                    let place = place_of(&form, &cell.sheet, cell.row, &cell.column);
                    let go = (cell.sheet.clone(), cell.row, Some(cell.column.clone()));
                    let before = if cell.before.is_empty() { "пусто".to_owned() } else { cell.before };
                    let after = if cell.after.is_empty() { "пусто".to_owned() } else { cell.after };
                    view! {
                        <li>
                            <button type="button" class="comment-place" on:click=move |_| jump.run(go.clone())>{place}</button>
                            <p class="answer">{format!("было: {before}; стало: {after}")}</p>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// «Комментарии координатора»: each with its place (a jump), and the answer
/// box for the organisation while it is open.
#[component]
fn Comments(
    items: Vec<CellComment>,
    collection: Uuid,
    answers: bool,
    jump: Jump,
    changed: Callback<()>,
) -> impl IntoView {
    let open = items.iter().filter(|c| c.open).count();
    view! {
        <section class="review card" aria-labelledby="comments-title">
            <h2 id="comments-title">{format!("Комментарии координатора ({open} открыто из {})", items.len())}</h2>
            <ul>
                {items.into_iter().map(|comment| view! {
                    <CommentItem comment=comment collection=collection answers=answers jump=jump changed=changed/>
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn CommentItem(
    comment: CellComment,
    collection: Uuid,
    answers: bool,
    jump: Jump,
    changed: Callback<()>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let typed = RwSignal::new(comment.answer.clone().unwrap_or_default());
    let problem = RwSignal::new(None::<String>);
    let path = collections::comment_answer(collection, comment.id);
    let send = move |_| {
        let request = CommentAnswer {
            answer: typed.get_untracked(),
        };
        if let Some(first) = request.problems().into_iter().next() {
            return problem.set(Some(first.message));
        }
        let path = path.clone();
        spawn_local(async move {
            match session
                .save::<_, CellComment>(Method::Post, &path, &request)
                .await
            {
                Ok(_) => {
                    problem.set(None);
                    changed.run(());
                }
                Err(failure) => problem.set(Some(failure.message)),
            }
        })
    };
    let go = (
        comment.sheet.clone(),
        comment.row,
        Some(comment.column.clone()),
    );
    let label = format!("Ответ на комментарий: {}", comment.place);
    view! {
        <li class:closed=!comment.open>
            <button type="button" class="comment-place" on:click=move |_| jump.run(go.clone())>{comment.place.clone()}</button>
            <p>{format!("{}: {}", comment.author, comment.comment)}{(!comment.open).then_some(" (закрыт: форма принята)")}</p>
            {comment.answer.clone().map(|answer| view! { <p class="answer">{format!("Ответ: {answer}")}</p> })}
            {(answers && comment.open).then(|| view! {
                <label>{label}
                    <textarea rows="2" prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev))></textarea>
                </label>
                <button type="button" class="secondary" on:click=send.clone()>"Ответить"</button>
                {move || problem.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            })}
        </li>
    }
}

/// «Вернуть на доработку» from the form itself: a comment for the whole form
/// and comments on the cells chosen in the grid.
#[component]
fn ReturnWithComments(
    collection: Uuid,
    organisation: String,
    form: FormDefinition,
    active: Signal<Option<CellKey>>,
) -> impl IntoView {
    let session = expect_context::<Session>();
    let cells = RwSignal::new(Vec::<CellCommentInput>::new());
    let on_cell = RwSignal::new(String::new());
    let overall = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let form = StoredValue::new(form);
    let place_now = move || {
        active
            .get()
            .map(|(sheet, row, column)| form.with_value(|f| place_of(f, &sheet, row, &column)))
    };
    let add = move |_| {
        let (Some((sheet, row, column)), text) = (active.get_untracked(), on_cell.get_untracked())
        else {
            return;
        };
        if text.trim().is_empty() {
            return outcome.set(Some(Err("Напишите комментарий к ячейке".into())));
        }
        cells.update(|list| {
            list.retain(|c| (c.sheet.as_str(), c.row, c.column.as_str()) != (&sheet, row, &column));
            list.push(CellCommentInput {
                sheet,
                row,
                column,
                comment: text.trim().to_owned(),
            });
        });
        on_cell.set(String::new());
        outcome.set(None);
    };
    let path = collections::acceptances(collection);
    let send = move |_| {
        let request = AcceptanceRequest {
            organisation: organisation.clone(),
            decision: Decision::Return,
            comment: Some(overall.get_untracked()),
            cells: cells.get_untracked(),
        };
        if let Some(first) = request.problems().into_iter().next() {
            return outcome.set(Some(Err(first.message)));
        }
        let path = path.clone();
        spawn_local(async move {
            let answer = session
                .save::<_, AcceptanceOutcome>(Method::Post, &path, &request)
                .await;
            if answer.is_ok() {
                cells.set(Vec::new());
            }
            outcome.set(Some(
                answer.map(|o| o.message).map_err(|f| f.first_message()),
            ));
        })
    };
    view! {
        <section class="review card" aria-labelledby="return-title">
            <h2 id="return-title">"Вернуть на доработку"</h2>
            <p class="muted">{move || place_now().map_or_else(
                || "Выберите ячейку в таблице, чтобы оставить к ней комментарий".to_owned(),
                |place| format!("Выбрана ячейка: {place}"),
            )}</p>
            <label>"Комментарий к выбранной ячейке"
                <textarea rows="2" prop:value=move || on_cell.get() on:input=move |ev| on_cell.set(event_target_value(&ev))></textarea>
            </label>
            <button type="button" class="secondary" on:click=add disabled=move || active.get().is_none()>"Добавить комментарий к ячейке"</button>
            <ul aria-label="Комментарии к ячейкам">
                {move || cells.get().into_iter().enumerate().map(|(at, c)| {
                    let place = form.with_value(|f| place_of(f, &c.sheet, c.row, &c.column));
                    view! {
                        <li>
                            {format!("{place}: {}", c.comment)}" "
                            <button type="button" class="link" on:click=move |_| cells.update(|l| { l.remove(at); })>"Убрать"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <label>"Комментарий для организации"
                <textarea rows="2" prop:value=move || overall.get() on:input=move |ev| overall.set(event_target_value(&ev))></textarea>
            </label>
            <button type="button" on:click=send>"Вернуть на доработку"</button>
            {move || outcome.get().map(|o| match o {
                Ok(message) => view! { <p role="status">{message}</p> }.into_any(),
                Err(message) => view! { <p class="error" role="alert">{message}</p> }.into_any(),
            })}
        </section>
    }
}
