//! `/p/{org}/forgot-password` (ask for a link) and `/p/{org}/set-password?token=…` (choose a
//! password from an invitation or reset link, then signed in).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use portal_types::{PasswordResetRequest, SetPassword};
use portal_ui::{Alert, TextField, Tone};

use crate::app::{portal_path, set_title, use_org};
use crate::components::{AuthCard, FormMessage};
use crate::i18n::{TextsOf, tr, trs, use_i18n};
use portal_web::api::{self, ApiError, Session};

/// A message for an answer that is neither success nor a field error.
fn failure_text(i18n: crate::i18n::I18n, e: &ApiError) -> String {
    let t = i18n.t();
    match e {
        ApiError::Network => t.common.error_network.to_owned(),
        ApiError::Http {
            status: 429,
            retry_after,
            ..
        } => t.retry_after(retry_after.unwrap_or(60)),
        _ => t.common.error_generic.to_owned(),
    }
}

/// Asks for a reset link. The answer is the same whether or not the login exists.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let org = use_org();
    let login = RwSignal::new(String::new());
    let login_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<String>);
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    Effect::new(move |_| set_title(i18n.t().forgot_title));

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let value = login.get_untracked().trim().to_owned();
        login_error.set(
            value
                .is_empty()
                .then(|| i18n.t().common.required.to_owned()),
        );
        if value.is_empty() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let request = PasswordResetRequest {
            organization: org.get_untracked(),
            login: value,
        };
        spawn_local(async move {
            let result = api::request_password_reset(&request).await;
            busy.set(false);
            match result {
                Ok(()) => sent.set(true),
                Err(e) => failure.set(Some(failure_text(i18n, &e))),
            }
        });
    };

    view! {
        <AuthCard>
            <h1>{tr(|t| t.forgot_title)}</h1>
            <Show
                when=move || sent.get()
                fallback=move || {
                    view! {
                        <p class="muted">{tr(|t| t.forgot_intro)}</p>
                        <form class="form" on:submit=submit novalidate=true>
                            <TextField
                                id="login"
                                label=trs(|t| t.login_or_email)
                                value=login
                                error=login_error
                                autocomplete="username"
                                required=true
                            />
                            <FormMessage text=failure />
                            <button
                                type="submit"
                                class="btn btn-primary btn-block"
                                disabled=move || busy.get()
                            >
                                {move || {
                                    if busy.get() { i18n.t().sending } else { i18n.t().send_link }
                                }}
                            </button>
                        </form>
                    }
                }
            >
                <Alert tone=Tone::Success>
                    <p>{tr(|t| t.reset_sent)}</p>
                </Alert>
            </Show>
            <p class="login-links">
                <a href=move || portal_path(&org.get(), "/login")>{tr(|t| t.back_to_login)}</a>
            </p>
        </AuthCard>
    }
}

/// Chooses a password from the link's token, then signs in and opens the portal.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let org = use_org();
    let query = use_query_map();
    // Kept in the reactive owner, so the submit handler stays a copyable closure.
    let navigate = StoredValue::new_local(use_navigate());
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let password_error = RwSignal::new(None::<String>);
    let repeat_error = RwSignal::new(None::<String>);
    let link_invalid = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    Effect::new(move |_| set_title(i18n.t().set_password_title));
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let t = i18n.t();
        let new = password.get_untracked();
        let again = repeat.get_untracked();
        password_error.set(new.is_empty().then(|| t.common.required.to_owned()));
        repeat_error.set((new != again).then(|| t.common.err_mismatch.to_owned()));
        if new.is_empty() || new != again {
            return;
        }
        busy.set(true);
        failure.set(None);
        let request = SetPassword {
            token: token(),
            password: new,
        };
        let home = portal_path(&org.get_untracked(), "");
        spawn_local(async move {
            let result = api::set_password(&request).await;
            busy.set(false);
            match result {
                Ok(token) => {
                    i18n.default_to(&token.locale);
                    session.accept(&token);
                    password.set(String::new());
                    repeat.set(String::new());
                    navigate.with_value(|navigate| {
                        navigate(
                            &home,
                            NavigateOptions {
                                replace: true,
                                ..Default::default()
                            },
                        )
                    });
                }
                Err(e) => {
                    let fields = e.field_errors();
                    if fields.iter().any(|f| f.field == "token") {
                        link_invalid.set(true);
                    } else if let Some(f) = fields.iter().find(|f| f.field == "password") {
                        password_error.set(Some(i18n.t().field_error(&f.code).to_owned()));
                    } else {
                        failure.set(Some(failure_text(i18n, &e)));
                    }
                }
            }
        });
    };

    view! {
        <AuthCard>
            <h1>{tr(|t| t.set_password_title)}</h1>
            <Show
                when=move || !link_invalid.get() && !token().is_empty()
                fallback=move || {
                    view! {
                        <Alert tone=Tone::Danger>
                            <p>{tr(|t| t.link_invalid)}</p>
                        </Alert>
                        <p class="login-links">
                            <a href=move || {
                                portal_path(&org.get(), "/forgot-password")
                            }>{tr(|t| t.ask_new_link)}</a>
                        </p>
                    }
                }
            >
                <p class="muted">{tr(|t| t.set_password_intro)}</p>
                <form class="form" on:submit=submit novalidate=true>
                    <TextField
                        id="new-password"
                        label=trs(|t| t.new_password)
                        value=password
                        error=password_error
                        kind="password"
                        autocomplete="new-password"
                        hint=trs(|t| t.new_password_hint)
                        required=true
                    />
                    <TextField
                        id="repeat-password"
                        label=trs(|t| t.repeat_password)
                        value=repeat
                        error=repeat_error
                        kind="password"
                        autocomplete="new-password"
                        required=true
                    />
                    <FormMessage text=failure />
                    <button
                        type="submit"
                        class="btn btn-primary btn-block"
                        disabled=move || busy.get()
                    >
                        {move || {
                            if busy.get() { i18n.t().saving } else { i18n.t().set_password_submit }
                        }}
                    </button>
                </form>
            </Show>
        </AuthCard>
    }
}
