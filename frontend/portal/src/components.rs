//! Pieces used by several pages of the portal: document badges, the PDF download, the frame
//! of the pages before sign-in. Those the admin app uses too are in `portal_web::components`.

use leptos::prelude::*;
use portal_ui::{Icon, IconKind};
pub use portal_web::components::{
    DelayedSpinner, FormMessage, LanguageSwitcher, LoadError, Narrow, delayed, provide_narrow,
};
use portal_web::html::Html;

use crate::i18n::{Texts, TextsOf, use_i18n};

/// What a page whose data did not load says: the network is down, or something else went wrong.
pub fn load_failure(e: portal_web::api::ApiError) -> Signal<String> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let t = i18n.t();
        if e == portal_web::api::ApiError::Network {
            t.common.error_network
        } else {
            t.common.error_generic
        }
        .to_owned()
    })
}

/// Payment status, state and overdue of a document as badges.
pub fn badges_html(h: &mut Html, t: &Texts, r: &portal_types::DocumentRow) {
    use portal_types::{DocumentState, PaymentStatus};
    if r.state != DocumentState::Issued {
        h.element("span", "badge badge-muted", t.state(r.state));
    }
    if let Some(s) = r.payment_status {
        let class = match s {
            PaymentStatus::Paid => "badge badge-success",
            PaymentStatus::Unpaid => "badge badge-warning",
            PaymentStatus::PartiallyPaid => "badge badge-info",
        };
        h.element("span", class, t.payment_status(s));
    }
    if r.overdue {
        h.element("span", "badge badge-danger", t.overdue);
    }
}

/// Downloads a document's PDF (the server records the download) and saves it as a file.
pub async fn download_document(id: i64, number: &str) -> Result<(), portal_web::api::ApiError> {
    let path = format!("{}/documents/{id}/pdf", portal_web::api::base());
    let (blob, filename) = portal_web::api::get_blob(&path).await?;
    let filename = filename.unwrap_or_else(|| format!("{number}.pdf"));
    portal_web::api::save_blob(&blob, &filename).map_err(|_| portal_web::api::ApiError::Decode)
}

/// The frame of the pages before sign-in: the language, the organisation, a card.
#[component]
pub fn AuthCard(children: Children) -> impl IntoView {
    let org = crate::app::use_org();
    view! {
        <div class="login-page">
            <div class="login-lang">
                <LanguageSwitcher />
            </div>
            <main id="main" class="login-main">
                <div class="login-card">
                    <div class="login-brand">
                        <span class="brand-mark" aria-hidden="true">
                            <Icon kind=IconKind::Document />
                        </span>
                        <span class="login-org">{move || org.get()}</span>
                    </div>
                    {children()}
                </div>
            </main>
        </div>
    }
}
