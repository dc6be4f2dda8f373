//! «Паспорт»: who the user is, and for coordinators and the operator the
//! organisations under them, searchable by login or name.

use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::{components::A, hooks::use_params_map};
use oko_domain::{
    api::{Me, OrgPage},
    role::Role,
};

use crate::{
    components::{
        account_actions::AccountActions, credentials::CredentialsArchive,
        org_passport::OrgPassport, pager::Pager, password_change::PasswordChangeForm,
    },
    session::Session,
};

const PER_PAGE: u64 = 20;

/// The passport page.
#[component]
pub fn Passport() -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <h1 class="page-title">"Паспорт"</h1>
        {move || session.me().map(|me| {
            let own = (me.role == Role::Organisation).then(|| me.login.clone());
            let coordinator = matches!(me.role, Role::RegionCoordinator | Role::MunicipalCoordinator);
            view! {
                <UserCard me=me.clone()/>
                {own.map(|login| view! { <OrgPassport login=login/> })}
                <PasswordChangeForm login=me.login/>
                {coordinator.then(|| view! { <CredentialsArchive/> })}
            }
        })}
        <OrgList/>
    }
}

#[component]
fn UserCard(me: Me) -> impl IntoView {
    let region = me.region.map(|r| format!("{} ({})", r.name, r.code));
    let municipality = me.municipality.map(|m| m.name);
    view! {
        <section class="card" aria-labelledby="me-title">
            <h2 id="me-title">{me.display_name}</h2>
            <dl class="facts">
                <dt>"Логин"</dt><dd>{me.login}</dd>
                <dt>"Роль"</dt><dd>{me.role_title}</dd>
                {region.map(|r| view! { <dt>"Регион"</dt><dd>{r}</dd> })}
                {municipality.map(|m| view! { <dt>"Муниципалитет"</dt><dd>{m}</dd> })}
            </dl>
        </section>
    }
}

/// The organisations the user may see, a page at a time.
#[component]
fn OrgList() -> impl IntoView {
    let session = expect_context::<Session>();
    let draft = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(1u64);
    let orgs = LocalResource::new(move || {
        let path = crate::api::admin::orgs(&format!(
            "page={}&per_page={PER_PAGE}&search={}",
            page.get(),
            crate::api::encode_query(&search.get())
        ));
        async move { session.get::<OrgPage>(&path).await }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        search.set(draft.get_untracked());
        page.set(1);
    };
    view! {
        <section class="card" aria-labelledby="orgs-title">
            <h2 id="orgs-title">"Организации"</h2>
            <form class="search" role="search" on:submit=submit>
                <label class="visually-hidden" for="org-search">"Поиск по логину или названию"</label>
                <input id="org-search" placeholder="Логин или название" bind:value=draft/>
                <button type="submit">"Искать"</button>
            </form>
            {move || match orgs.get() {
                None => view! { <p role="status">"Загрузка…"</p> }.into_any(),
                Some(Err(failure)) => view! { <p class="error" role="alert">{failure.message}</p> }.into_any(),
                Some(Ok(found)) => view! { <OrgTable found=found page=page/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OrgTable(found: OrgPage, page: RwSignal<u64>) -> impl IntoView {
    let session = expect_context::<Session>();
    // Coordinators and the operator act on the accounts they list.
    let manages = session.me().is_some_and(|me| me.role != Role::Organisation);
    let (current, total) = (found.page, found.total);
    let rows = found
        .items
        .into_iter()
        .map(|org| {
            let login = org.login.clone();
            view! {
                <tr>
                    <td class="mono"><A href=format!("/passport/{}", org.login)>{org.login.clone()}</A></td>
                    <td>{org.short_name}</td>
                    <td>{org.region.name}</td>
                    <td>{org.municipality.name}</td>
                    {manages.then(|| view! { <td><AccountActions login=login/></td> })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="total" data-testid="orgs-total">{format!("Найдено: {}", found.total)}</p>
        <table class="grid">
            <thead><tr><th scope="col">"Логин"</th><th scope="col">"Организация"</th>
                <th scope="col">"Регион"</th><th scope="col">"Муниципалитет"</th>
                {manages.then(|| view! { <th scope="col">"Учетная запись"</th> })}</tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <Pager page=page current=current total=total per_page=PER_PAGE/>
    }
}

/// `/passport/{login}`: an organisation's passport for its coordinators and the
/// operator (opened from the list of organisations).
#[component]
pub fn OrgPassportPage() -> impl IntoView {
    let params = use_params_map();
    let login = move || params.read().get("login").unwrap_or_default();
    view! {
        <h1 class="page-title">"Паспорт организации"</h1>
        <p><A href="/passport">"← Все организации"</A></p>
        {move || view! { <OrgPassport login=login()/> }}
    }
}
