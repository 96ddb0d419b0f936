//! `/admin/setup`: the first-run setup of an instance without any organisation. The one-time
//! code from the server's log, the company (name and portal address) and the owner's account;
//! on success the owner is signed in and goes on to the company profile. Once an organisation
//! exists the page says so and links to the sign-in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use portal_types::SetupRequest;
use portal_ui::{Alert, TextField, Tone};
use portal_web::api::{self, Session};
use portal_web::components::FormMessage;

use crate::app::{AuthFrame, ROOT, set_title, show_failure};
use crate::i18n::{TextsOf, tr, trs, use_i18n};

/// The setup page.
#[component]
pub fn SetupPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let navigate = StoredValue::new_local(use_navigate());
    Effect::new(move |_| set_title(i18n.t().setup_title));
    let open = RwSignal::new(None::<bool>);
    spawn_local(async move {
        open.set(Some(api::setup_open().await));
    });
    let values: [RwSignal<String>; 6] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let [code, name, slug, owner_name, email, password] = values;
    let errors: [RwSignal<Option<String>>; 6] = std::array::from_fn(|_| RwSignal::new(None));
    const NAMES: [&str; 6] = [
        "code",
        "name",
        "slug",
        "owner_name",
        "owner_email",
        "password",
    ];
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        for e in errors {
            e.set(None);
        }
        failure.set(None);
        let request = SetupRequest {
            code: code.get_untracked(),
            name: name.get_untracked(),
            slug: slug.get_untracked().trim().to_owned(),
            owner_name: owner_name.get_untracked(),
            owner_email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            locale: Some(i18n.locale.get_untracked().as_str().to_owned()),
        };
        busy.set(true);
        spawn_local(async move {
            let result = api::setup(&request).await;
            busy.set(false);
            match result {
                Ok(token) => {
                    session.accept(&token);
                    password.set(String::new());
                    navigate.with_value(|navigate| {
                        navigate(
                            &format!("{ROOT}/company"),
                            NavigateOptions {
                                replace: true,
                                ..Default::default()
                            },
                        )
                    });
                }
                Err(e) if e.status() == Some(404) => open.set(Some(false)),
                Err(e) => {
                    let fields: Vec<(&str, RwSignal<Option<String>>)> =
                        NAMES.iter().copied().zip(errors).collect();
                    show_failure(i18n, &e, &fields, failure);
                }
            }
        });
    };
    let body = move || {
        match open.get() {
        None => ().into_any(),
        Some(false) => view! {
            <Alert tone=Tone::Info>
                <p id="setup-closed">{tr(|t| t.setup_closed)}</p>
            </Alert>
            <a class="btn btn-primary" href=format!("{ROOT}/login")>{tr(|t| t.login_title)}</a>
        }
        .into_any(),
        Some(true) => view! {
            <p>{tr(|t| t.setup_intro)}</p>
            <form class="form" on:submit=submit novalidate=true>
                <TextField id="setup-code" label=trs(|t| t.setup_code) value=code error=errors[0] required=true />
                <TextField id="setup-name" label=trs(|t| t.org_name) value=name error=errors[1] required=true autocomplete="organization" />
                <TextField id="setup-slug" label=trs(|t| t.org_slug) value=slug error=errors[2] required=true hint=trs(|t| t.org_slug_hint) />
                <TextField id="setup-owner" label=trs(|t| t.your_name) value=owner_name error=errors[3] required=true autocomplete="name" />
                <TextField id="setup-email" label=trs(|t| t.email) value=email error=errors[4] kind="email" required=true autocomplete="email" />
                <TextField id="setup-password" label=trs(|t| t.choose_password) value=password error=errors[5] kind="password" required=true autocomplete="new-password" />
                <FormMessage text=failure />
                <button type="submit" class="btn btn-primary btn-block" id="setup-submit" disabled=move || busy.get()>
                    {tr(|t| t.setup_button)}
                </button>
            </form>
        }
        .into_any(),
    }
    };
    view! {
        <AuthFrame>
            <h1>{tr(|t| t.setup_title)}</h1>
            {body}
        </AuthFrame>
    }
}
