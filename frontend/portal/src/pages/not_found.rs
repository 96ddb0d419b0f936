//! An address that leads nowhere.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::app::{portal_path, set_title};
use crate::i18n::{TextsOf, tr, use_i18n};

/// "Page not found", with a way back to the overview when inside an organisation's portal.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let org = move || params.with(|p| p.get("org"));
    Effect::new(move |_| set_title(i18n.t().not_found_title));
    view! {
        <section class="empty-page">
            <h1>{tr(|t| t.not_found_title)}</h1>
            <p>{tr(|t| t.not_found_text)}</p>
            {move || {
                org()
                    .map(|org| {
                        view! {
                            <a class="btn btn-primary" href=portal_path(&org, "")>
                                {tr(|t| t.go_home)}
                            </a>
                        }
                    })
            }}
        </section>
    }
}
