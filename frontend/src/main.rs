//! Oko's single-page app: Leptos, rendered in the browser, in Russian.

mod api;
mod app;
mod components;
mod download;
mod editor;
mod pages;
mod panic_report;
mod session;

fn main() {
    panic_report::install();
    leptos::mount::mount_to_body(app::App);
}
