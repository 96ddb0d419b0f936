//! The issuer's admin app: a Leptos single-page app compiled to wasm32, served by
//! `portal serve` under `/admin/…` and talking to `/api/v1/issuer`. A bundle of its own, so a
//! customer never downloads the issuer's screens; what it shares with the customer portal is
//! in `portal-web`.

mod app;
mod i18n;
mod listing;
mod pages;

fn main() {
    portal_web::lazy::reload_on_missing_chunk();
    leptos::mount::mount_to_body(app::App);
}
