//! The root: restores the session, then shows the login page or the cabinet.

use leptos::{prelude::*, task::spawn_local};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::pages::{
    admin::AdminPage,
    api_tokens::ApiTokensPage,
    audit::AuditPageView,
    collection_form::CollectionFormPage,
    forms::FormsPage,
    group_report::GroupReportPage,
    monitoring::MonitoringPage,
    publication::PublicationPage,
    publication_editor::{EditPublication, NewPublication},
    support::{QuestionPage, SupportPage},
};
use crate::{
    components::header::Header,
    pages::{
        analytics::Analytics,
        bench::ValidationBench,
        exchange::Exchange,
        login::Login,
        not_found::NotFound,
        passport::{OrgPassportPage, Passport},
    },
    session::{Session, SessionState},
};

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    // The browser benchmark needs no session and no server data.
    let path = web_sys::window().and_then(|w| w.location().pathname().ok());
    match path.as_deref() {
        Some("/bench/validation") => return view! { <ValidationBench/> }.into_any(),
        // A deliberate failure, for the test that a crash is shown and reported.
        Some("/bench/panic") => {
            spawn_local(async { panic!("a deliberate failure at /bench/panic") });
        }
        _ => {}
    }
    let session = Session::new();
    provide_context(session);
    spawn_local(session.restore());
    view! {
        <Router>
            {move || match session.state() {
                SessionState::Restoring => view! { <p class="loading" role="status">"Загрузка…"</p> }.into_any(),
                SessionState::Anonymous => view! { <Login/> }.into_any(),
                SessionState::Active { .. } => view! { <Cabinet/> }.into_any(),
            }}
        </Router>
    }
    .into_any()
}

/// The logged-in user's cabinet: header and the page of the current address.
#[component]
fn Cabinet() -> impl IntoView {
    view! {
        <Header/>
        <main id="main" class="page">
            <Routes fallback=NotFound>
                <Route path=path!("/") view=Exchange/>
                <Route path=path!("/exchange") view=Exchange/>
                <Route path=path!("/analytics") view=Analytics/>
                <Route path=path!("/passport") view=Passport/>
                <Route path=path!("/passport/:login") view=OrgPassportPage/>
                <Route path=path!("/publications/new") view=NewPublication/>
                <Route path=path!("/publications/:id/edit") view=EditPublication/>
                <Route path=path!("/publications/:id") view=PublicationPage/>
                <Route path=path!("/collections/:id/monitoring") view=MonitoringPage/>
                <Route path=path!("/collections/:id") view=CollectionFormPage/>
                <Route path=path!("/forms") view=FormsPage/>
                <Route path=path!("/tokens") view=ApiTokensPage/>
                <Route path=path!("/reports/group") view=GroupReportPage/>
                <Route path=path!("/audit") view=AuditPageView/>
                <Route path=path!("/admin") view=AdminPage/>
                <Route path=path!("/support") view=SupportPage/>
                <Route path=path!("/support/questions/:id") view=QuestionPage/>
            </Routes>
        </main>
    }
}
