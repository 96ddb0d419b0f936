//! `/admin/login` (e-mail and password; afterwards back to the page first asked for) and
//! `/admin/set-password?token=…` (an invited staff member chooses a password, then is signed
//! in).

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use portal_types::{IssuerLoginRequest, SetPassword};
use portal_ui::{Alert, TextField, Tone};
use portal_web::api::{self, ApiError, Session};
use portal_web::components::FormMessage;

use crate::app::{AuthFrame, ROOT, set_title};
use crate::i18n::{TextsOf, tr, trs, use_i18n};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Failure {
    /// Wrong e-mail or password (never saying which).
    Invalid,
    /// Throttled until this time (ms since the epoch).
    Throttled(f64),
    Network,
    Other,
}

/// Where to go after signing in: `next` when it is a page of the admin.
fn safe_next(next: Option<String>) -> String {
    match next {
        Some(n)
            if (n == ROOT || n.starts_with(&format!("{ROOT}/")))
                && !n.contains("//")
                && !n.contains('\\')
                && !n.starts_with(&format!("{ROOT}/login")) =>
        {
            n
        }
        _ => ROOT.to_owned(),
    }
}

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());

    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let email_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let now = RwSignal::new(js_sys::Date::now());
    Effect::new(move |_| set_title(i18n.t().login_title));
    let signup_open = RwSignal::new(false);
    spawn_local(async move { signup_open.set(api::auth_open("signup").await) });

    // A countdown while throttled.
    let ticker = set_interval_with_handle(
        move || {
            if matches!(failure.get_untracked(), Some(Failure::Throttled(_))) {
                now.set(js_sys::Date::now());
            }
        },
        Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = ticker {
            t.clear();
        }
    });
    let wait_seconds = move || match failure.get() {
        Some(Failure::Throttled(until)) => {
            let left = ((until - now.get()) / 1000.0).ceil();
            (left > 0.0).then_some(left as u32)
        }
        _ => None,
    };
    let notice = move || {
        let t = i18n.t();
        match query.with(|q| q.get("reason")).as_deref() {
            Some("expired") => Some((Tone::Warning, t.session_expired)),
            Some("signed_out") => Some((Tone::Success, t.signed_out)),
            _ => None,
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() || wait_seconds().is_some() {
            return;
        }
        let c = i18n.common();
        let mail = email.get_untracked().trim().to_owned();
        let pass = password.get_untracked();
        email_error.set(mail.is_empty().then(|| c.required.to_owned()));
        password_error.set(pass.is_empty().then(|| c.required.to_owned()));
        if mail.is_empty() || pass.is_empty() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let next = safe_next(query.with_untracked(|q| q.get("next")));
        spawn_local(async move {
            let request = IssuerLoginRequest {
                email: mail,
                password: pass,
            };
            let result = api::login(&request).await;
            busy.set(false);
            password.set(String::new());
            match result {
                Ok(token) => {
                    i18n.default_to(&token.locale);
                    session.accept(&token);
                    navigate.with_value(|navigate| {
                        navigate(
                            &next,
                            NavigateOptions {
                                replace: true,
                                ..Default::default()
                            },
                        )
                    });
                }
                Err(e) => {
                    failure.set(Some(match &e {
                        ApiError::Network => Failure::Network,
                        ApiError::Http {
                            status: 429,
                            retry_after,
                            ..
                        } => Failure::Throttled(
                            js_sys::Date::now() + f64::from(retry_after.unwrap_or(60)) * 1000.0,
                        ),
                        ApiError::Http {
                            status: 401 | 422, ..
                        } => Failure::Invalid,
                        _ => Failure::Other,
                    }));
                    now.set(js_sys::Date::now());
                }
            }
        });
    };

    let failure_text = move || {
        let t = i18n.t();
        failure.get().map(|f| match f {
            Failure::Invalid => t.invalid_credentials.to_owned(),
            Failure::Throttled(_) => t.common.retry_after(wait_seconds().unwrap_or(0)),
            Failure::Network => t.common.error_network.to_owned(),
            Failure::Other => t.common.error_generic.to_owned(),
        })
    };
    Effect::new(move |_| {
        if matches!(failure.get(), Some(Failure::Throttled(_))) && wait_seconds().is_none() {
            failure.set(None);
        }
    });

    view! {
        <AuthFrame>
            <h1>{tr(|t| t.login_title)}</h1>
            <p class="muted">{tr(|t| t.login_intro)}</p>
            {move || {
                notice()
                    .map(|(tone, text)| {
                        view! {
                            <Alert tone=tone>
                                <p>{text}</p>
                            </Alert>
                        }
                    })
            }}
            <form class="form" on:submit=submit novalidate=true>
                <TextField
                    id="email"
                    label=trs(|t| t.email)
                    value=email
                    error=email_error
                    kind="email"
                    autocomplete="username"
                    required=true
                />
                <TextField
                    id="password"
                    label=trs(|t| t.password)
                    value=password
                    error=password_error
                    kind="password"
                    autocomplete="current-password"
                    required=true
                />
                <FormMessage text=Signal::derive(failure_text) id="login-error" />
                <button
                    type="submit"
                    class="btn btn-primary btn-block"
                    disabled=move || busy.get() || wait_seconds().is_some()
                >
                    {move || if busy.get() { i18n.t().signing_in } else { i18n.t().sign_in }}
                </button>
            </form>
            {move || signup_open.get().then(|| view! {
                <p class="muted"><a id="signup-link" href=format!("{ROOT}/signup")>{tr(|t| t.signup_link)}</a></p>
            })}
        </AuthFrame>
    }
}

/// An invited staff member chooses a password from the mailed link, then is signed in.
#[component]
pub fn SetPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let query = use_query_map();
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
        let c = i18n.common();
        let new = password.get_untracked();
        let again = repeat.get_untracked();
        password_error.set(new.is_empty().then(|| c.required.to_owned()));
        repeat_error.set((new != again).then(|| c.err_mismatch.to_owned()));
        if new.is_empty() || new != again {
            return;
        }
        busy.set(true);
        failure.set(None);
        let request = SetPassword {
            token: token(),
            password: new,
        };
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
                            ROOT,
                            NavigateOptions {
                                replace: true,
                                ..Default::default()
                            },
                        )
                    });
                }
                Err(e) => {
                    let c = i18n.common();
                    let fields = e.field_errors();
                    if fields.iter().any(|f| f.field == "token") {
                        link_invalid.set(true);
                    } else if let Some(f) = fields.iter().find(|f| f.field == "password") {
                        password_error.set(Some(c.field_error(&f.code).to_owned()));
                    } else {
                        failure.set(Some(match e {
                            ApiError::Network => c.error_network.to_owned(),
                            ApiError::Http {
                                status: 429,
                                retry_after,
                                ..
                            } => c.retry_after(retry_after.unwrap_or(60)),
                            _ => c.error_generic.to_owned(),
                        }));
                    }
                }
            }
        });
    };

    view! {
        <AuthFrame>
            <h1>{tr(|t| t.set_password_title)}</h1>
            <Show
                when=move || !link_invalid.get() && !token().is_empty()
                fallback=move || {
                    view! {
                        <Alert tone=Tone::Danger>
                            <p>{tr(|t| t.link_invalid)}</p>
                        </Alert>
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
        </AuthFrame>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_admin() {
        let ok = |n: &str| safe_next(Some(n.to_owned()));
        assert_eq!(ok("/admin/contractors?q=a"), "/admin/contractors?q=a");
        assert_eq!(ok("/admin"), "/admin");
        assert_eq!(ok("/p/demo/documents"), "/admin");
        assert_eq!(ok("https://evil.example/admin/"), "/admin");
        assert_eq!(ok("/admin//evil.example"), "/admin");
        assert_eq!(ok("/admin/login?next=x"), "/admin");
        assert_eq!(ok("/administrator"), "/admin");
        assert_eq!(safe_next(None), "/admin");
    }
}
