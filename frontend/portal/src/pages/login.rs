//! `/p/{org}/login`: username and password; afterwards back to the page first asked for.

use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use portal_types::PortalLoginRequest;
use portal_ui::{Alert, TextField, Tone};

use crate::app::{portal_path, set_title, use_org};
use crate::components::{AuthCard, FormMessage};
use crate::i18n::{TextsOf, tr, trs, use_i18n};
use portal_web::api::{self, ApiError, Session};

#[derive(Debug, Clone, Copy, PartialEq)]
enum Failure {
    /// Wrong username or password (never saying which).
    Invalid,
    /// Throttled until this time (ms since the epoch).
    Throttled(f64),
    Network,
    Other,
}

/// Where to go after signing in: `next` when it is a page of this organisation's portal.
fn safe_next(org: &str, next: Option<String>) -> String {
    let home = portal_path(org, "");
    match next {
        Some(n)
            if (n == home || n.starts_with(&format!("{home}/")))
                && !n.contains("//")
                && !n.contains('\\')
                && !n.starts_with(&portal_path(org, "/login")) =>
        {
            n
        }
        _ => home,
    }
}

/// The sign-in page.
#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let org = use_org();
    let query = use_query_map();
    let navigate = use_navigate();

    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let username_error = RwSignal::new(None::<String>);
    let password_error = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<Failure>);
    let busy = RwSignal::new(false);
    let now = RwSignal::new(js_sys::Date::now());

    Effect::new(move |_| set_title(i18n.t().login_title));

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

    let reason = move || query.with(|q| q.get("reason"));
    let notice = move || {
        let t = i18n.t();
        match reason().as_deref() {
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
        let t = i18n.t();
        let user = username.get_untracked().trim().to_owned();
        let pass = password.get_untracked();
        username_error.set(user.is_empty().then(|| t.common.required.to_owned()));
        password_error.set(pass.is_empty().then(|| t.common.required.to_owned()));
        if user.is_empty() || pass.is_empty() {
            return;
        }
        busy.set(true);
        failure.set(None);
        let org = org.get_untracked();
        let next = safe_next(&org, query.with_untracked(|q| q.get("next")));
        let navigate = navigate.clone();
        spawn_local(async move {
            let request = PortalLoginRequest {
                organization: org,
                username: user,
                password: pass,
            };
            let result = api::login(&request).await;
            busy.set(false);
            match result {
                Ok(token) => {
                    i18n.default_to(&token.locale);
                    session.accept(&token);
                    password.set(String::new());
                    navigate(
                        &next,
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    );
                }
                Err(e) => {
                    password.set(String::new());
                    failure.set(Some(match &e {
                        ApiError::Network => Failure::Network,
                        ApiError::Http {
                            status: 429,
                            retry_after,
                            ..
                        } => Failure::Throttled(
                            js_sys::Date::now() + f64::from(retry_after.unwrap_or(60)) * 1000.0,
                        ),
                        ApiError::Http { status: 401, .. } => Failure::Invalid,
                        // Validation of the body: the only fields are these two.
                        ApiError::Http { status: 422, .. } => Failure::Invalid,
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
            Failure::Throttled(_) => t.retry_after(wait_seconds().unwrap_or(0)),
            Failure::Network => t.common.error_network.to_owned(),
            Failure::Other => t.common.error_generic.to_owned(),
        })
    };
    // A finished throttle leaves no message behind.
    Effect::new(move |_| {
        if matches!(failure.get(), Some(Failure::Throttled(_))) && wait_seconds().is_none() {
            failure.set(None);
        }
    });

    view! {
        <AuthCard>
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
                    id="username"
                    label=trs(|t| t.username)
                    value=username
                    error=username_error
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
                    {move || { if busy.get() { i18n.t().signing_in } else { i18n.t().sign_in } }}
                </button>
            </form>
            <p class="login-links">
                <a href=move || {
                    portal_path(&org.get(), "/forgot-password")
                }>{tr(|t| t.forgot_link)}</a>
            </p>
        </AuthCard>
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_organisations_portal() {
        let ok = |n: &str| safe_next("demo", Some(n.to_owned()));
        assert_eq!(ok("/p/demo/documents?page=2"), "/p/demo/documents?page=2");
        assert_eq!(ok("/p/demo"), "/p/demo");
        assert_eq!(ok("/p/other/documents"), "/p/demo");
        assert_eq!(ok("https://evil.example/p/demo/"), "/p/demo");
        assert_eq!(ok("/p/demo//evil.example"), "/p/demo");
        assert_eq!(ok("/p/demo/login?next=x"), "/p/demo");
        assert_eq!(safe_next("demo", None), "/p/demo");
    }
}
