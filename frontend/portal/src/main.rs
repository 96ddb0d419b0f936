//! The customer portal: a Leptos single-page app compiled to wasm32, served by `portal serve`
//! under `/p/{organization}/…` and talking to `/api/v1/portal`.

mod app;
mod components;
mod grid_state;
mod i18n;
mod pages;

fn main() {
    portal_web::lazy::reload_on_missing_chunk();
    leptos::mount::mount_to_body(app::App);
}
