//! An address that leads nowhere.

use leptos::prelude::*;

use crate::app::{ROOT, set_title};
use crate::i18n::{TextsOf, tr, use_i18n};

/// "Page not found", with a way back.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| set_title(i18n.t().not_found_title));
    view! {
        <section class="empty-page">
            <h1>{tr(|t| t.not_found_title)}</h1>
            <p>{tr(|t| t.not_found_text)}</p>
            <a class="btn btn-primary" href=ROOT>
                {tr(|t| t.go_home)}
            </a>
        </section>
    }
}
