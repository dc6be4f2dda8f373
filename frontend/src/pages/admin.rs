//! «Администрирование» (operator): regions, municipalities, organisations with
//! their accounts — one by one or from a spreadsheet — and closing organisations.
//! New passwords are shown once.

use crate::api::admin;
use leptos::{ev::SubmitEvent, prelude::*};
use oko_domain::{
    accounts::IssuedPassword,
    admin::{
        AccountsCreated, MunicipalityCreated, MunicipalityInput, OrganisationClosed,
        OrganisationInput, RegionCreated, RegionInput,
    },
};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    components::{one_at_a_time::OneAtATime, spreadsheet_upload::SpreadsheetUpload},
    session::Session,
};

/// The page.
#[component]
pub fn AdminPage() -> impl IntoView {
    let region_code = RwSignal::new(String::new());
    let region_name = RwSignal::new(String::new());
    let municipality_region = RwSignal::new(String::new());
    let municipality_code = RwSignal::new(String::new());
    let municipality_name = RwSignal::new(String::new());
    let org_login = RwSignal::new(String::new());
    let org_name = RwSignal::new(String::new());
    let org_short = RwSignal::new(String::new());
    let org_municipality = RwSignal::new(String::new());
    let closing = RwSignal::new(String::new());
    view! {
        <h1 class="page-title">"Администрирование"</h1>
        <Action title="Новый регион" button="Добавить регион" path=admin::REGIONS
            body=move || RegionInput { code: region_code.get_untracked(), name: region_name.get_untracked() }
            done=|r: RegionCreated| with_coordinator(format!("Добавлен регион {} ({})", r.region.name, r.region.code), r.coordinator)>
            <label>"Код " <input type="text" bind:value=region_code size="3"/></label>
            <label>"Название " <input type="text" bind:value=region_name/></label>
        </Action>
        <Action title="Новый муниципалитет" button="Добавить муниципалитет" path=admin::MUNICIPALITIES
            body=move || MunicipalityInput {
                region_code: municipality_region.get_untracked(),
                code: municipality_code.get_untracked().trim().parse().unwrap_or(0),
                name: municipality_name.get_untracked(),
            }
            done=|m: MunicipalityCreated| with_coordinator(format!("Добавлен муниципалитет {}", m.municipality.name), m.coordinator)>
            <label>"Код региона " <input type="text" bind:value=municipality_region size="3"/></label>
            <label>"Номер " <input type="text" bind:value=municipality_code size="4"/></label>
            <label>"Название " <input type="text" bind:value=municipality_name/></label>
        </Action>
        <section class="card" aria-labelledby="regions-import-title">
            <h2 id="regions-import-title">"Регионы из Excel или CSV"</h2>
            <p class="muted">"Столбцы: «Код региона», «Название». Координаторы получат логины spo_coord_RR."</p>
            <SpreadsheetUpload path=admin::REGIONS_IMPORT.to_owned() label="Файл"
                accept=".xlsx,.csv" describe=credentials uploaded=Callback::new(|()| ())/>
        </section>
        <section class="card" aria-labelledby="municipalities-import-title">
            <h2 id="municipalities-import-title">"Муниципалитеты из Excel или CSV"</h2>
            <p class="muted">"Столбцы: «Код региона», «Номер», «Название». Координаторы получат логины munRRMMM; если в файле есть ошибки, не создается ничего."</p>
            <SpreadsheetUpload path=admin::MUNICIPALITIES_IMPORT.to_owned() label="Файл"
                accept=".xlsx,.csv" describe=credentials uploaded=Callback::new(|()| ())/>
        </section>
        <Action title="Новая организация" button="Добавить организацию" path=admin::ORGANISATIONS
            body=move || OrganisationInput {
                login: org_login.get_untracked(),
                name: org_name.get_untracked(),
                short_name: org_short.get_untracked(),
                municipality: org_municipality.get_untracked().trim().parse().unwrap_or(0),
            }
            done=credentials>
            <label>"Логин " <input type="text" bind:value=org_login placeholder="sch240999" size="10"/></label>
            <label>"Полное наименование " <input type="text" bind:value=org_name/></label>
            <label>"Краткое наименование " <input type="text" bind:value=org_short/></label>
            <label>"Номер муниципалитета " <input type="text" bind:value=org_municipality size="4"/></label>
        </Action>
        <section class="card" aria-labelledby="import-title">
            <h2 id="import-title">"Организации из Excel или CSV"</h2>
            <p class="muted">"Столбцы: «Логин», «Полное наименование», «Краткое наименование», «Номер муниципалитета». Если в файле есть ошибки, не создается ничего."</p>
            <SpreadsheetUpload path=admin::ORGANISATIONS_IMPORT.to_owned() label="Файл"
                accept=".xlsx,.csv" describe=credentials uploaded=Callback::new(|()| ())/>
        </section>
        <Action title="Закрыть организацию" button="Закрыть организацию" path=""
            path_of=move || admin::close_organisation(closing.get_untracked().trim())
            body=|| ()
            done=|c: OrganisationClosed| format!("Организация {} закрыта: ее учетная запись заблокирована", c.login)>
            <label>"Логин " <input type="text" bind:value=closing size="10"/></label>
        </Action>
    }
}

/// What was added and its coordinator's new password (shown once).
fn with_coordinator(added: String, coordinator: Option<IssuedPassword>) -> String {
    match coordinator {
        Some(c) => format!(
            "{added}. Координатор: {};{} — пароль показан один раз",
            c.login, c.password
        ),
        None => format!("{added}. Учетная запись координатора уже была"),
    }
}

/// «Создано: N» and the logins with their passwords, shown once.
fn credentials(created: AccountsCreated) -> String {
    let mut text = format!(
        "Создано: {}. Пароли показаны один раз — сохраните их:",
        created.created
    );
    for c in created.credentials {
        text.push_str(&format!("\n{};{}", c.login, c.password));
    }
    text
}

/// One form posting `body` to `path` (or `path_of`), showing what was done or why not.
#[component]
fn Action<B, T>(
    title: &'static str,
    button: &'static str,
    path: &'static str,
    #[prop(optional, into)] path_of: Option<Callback<(), String>>,
    body: impl Fn() -> B + Send + Sync + 'static,
    done: fn(T) -> String,
    children: Children,
) -> impl IntoView
where
    B: Serialize + 'static,
    T: DeserializeOwned + 'static,
{
    let session = expect_context::<Session>();
    let outcome = RwSignal::new(None::<Result<String, Vec<String>>>);
    // A region, a municipality or an organisation is made once however clicked.
    let sending = OneAtATime::new();
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let input = body();
        let target = path_of.map_or_else(|| path.to_owned(), |p| p.run(()));
        sending.run(
            move |key| async move { session.create::<_, T>(&target, &input, &key).await },
            move |answer| {
                outcome.set(Some(match answer {
                    Ok(value) => Ok(done(value)),
                    Err(f) => Err(f.problems().into_iter().map(|e| e.message).collect()),
                }))
            },
        );
    };
    view! {
        <form class="card admin-action" on:submit=submit>
            <h2>{title}</h2>
            <div class="inline-form">{children()}</div>
            <button type="submit" disabled=move || sending.busy()>{button}</button>
            {move || outcome.get().map(|o| match o {
                Ok(text) => view! { <p role="status" class="issued">{text}</p> }.into_any(),
                Err(lines) => view! {
                    <div role="alert" class="error">{lines.into_iter().map(|l| view! { <p>{l}</p> }).collect_view()}</div>
                }.into_any(),
            })}
        </form>
    }
}
