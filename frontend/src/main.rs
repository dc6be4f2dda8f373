//! Oko's single-page app: Leptos, rendered in the browser, in Russian.

mod api;
mod app;
mod components;
mod download;
mod editor;
mod pages;
mod session;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
