//! Creating an organisation from the admin, two ways with one form:
//! - `/admin/setup`: the first-run setup of an instance without any organisation. The one-time
//!   code from the server's log, the company (name and portal address) and the owner's account;
//!   on success the owner is signed in and goes on to the company profile. Once an organisation
//!   exists the page says so and links to the sign-in.
//! - `/admin/signup` (public sign-up, when the server runs with `PORTAL_SIGNUP=open`): the same
//!   without the code; a link goes to the owner's address, and `/admin/signup/confirm` creates
//!   the organisation from it and signs the owner in.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use portal_types::{SetupRequest, SignupAccepted, SignupConfirm, SignupRequest, TokenResponse};
use portal_ui::{Alert, TextField, Tone};
use portal_web::api::{self, ApiError, Session};
use portal_web::components::FormMessage;

use crate::app::{AuthFrame, ROOT, set_title, show_failure};
use crate::i18n::{I18n, Texts, TextsOf, fill, tr, trs, use_i18n};

/// Which way the organisation is created.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Way {
    /// The first organisation, with the code from the server's log.
    Setup,
    /// Anyone's, confirmed by mail.
    Signup,
}

/// The text of the setup (`setup`) or of the sign-up.
fn either(
    i18n: I18n,
    setup: bool,
    pick: fn(&'static Texts) -> (&'static str, &'static str),
) -> impl Fn() -> &'static str + Copy + 'static {
    move || {
        let (for_setup, for_signup) = pick(i18n.t());
        if setup { for_setup } else { for_signup }
    }
}

/// The first-run setup page.
#[component]
pub fn SetupPage() -> impl IntoView {
    view! { <CreateOrganization way=Way::Setup /> }
}

/// The public sign-up page.
#[component]
pub fn SignupPage() -> impl IntoView {
    view! { <CreateOrganization way=Way::Signup /> }
}

/// Signs the new owner in and opens the company profile.
fn open_company(
    navigate: &impl Fn(&str, NavigateOptions),
    session: Session,
    token: &TokenResponse,
) {
    session.accept(token);
    navigate(
        &format!("{ROOT}/company"),
        NavigateOptions {
            replace: true,
            ..Default::default()
        },
    );
}

#[component]
fn CreateOrganization(way: Way) -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let navigate = StoredValue::new_local(use_navigate());
    let setup = way == Way::Setup;
    let title = either(i18n, setup, |t| (t.setup_title, t.signup_title));
    Effect::new(move |_| set_title(title()));
    let open = RwSignal::new(None::<bool>);
    spawn_local(async move {
        open.set(Some(
            api::auth_open(if setup { "setup" } else { "signup" }).await,
        ));
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
    let sent = RwSignal::new(None::<SignupAccepted>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        for e in errors {
            e.set(None);
        }
        failure.set(None);
        let signup = SignupRequest {
            name: name.get_untracked(),
            slug: slug.get_untracked().trim().to_owned(),
            owner_name: owner_name.get_untracked(),
            owner_email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            locale: Some(i18n.locale.get_untracked().as_str().to_owned()),
        };
        busy.set(true);
        spawn_local(async move {
            let result: Result<(), ApiError> = if setup {
                let request = SetupRequest {
                    code: code.get_untracked(),
                    name: signup.name,
                    slug: signup.slug,
                    owner_name: signup.owner_name,
                    owner_email: signup.owner_email,
                    password: signup.password,
                    locale: signup.locale,
                };
                api::auth_post::<TokenResponse>("setup", &request)
                    .await
                    .map(|token| {
                        password.set(String::new());
                        navigate.with_value(|navigate| open_company(navigate, session, &token));
                    })
            } else {
                api::auth_post::<SignupAccepted>("signup", &signup)
                    .await
                    .map(|accepted| {
                        password.set(String::new());
                        sent.set(Some(accepted));
                    })
            };
            busy.set(false);
            match result {
                Ok(()) => {}
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
        match (open.get(), sent.get()) {
        (None, _) => ().into_any(),
        (Some(_), Some(accepted)) => view! {
            <Alert tone=Tone::Success>
                <p id="signup-sent">
                    {move || fill(
                        i18n.t().signup_sent,
                        &[("email", &accepted.email), ("hours", &accepted.valid_hours.to_string())],
                    )}
                </p>
            </Alert>
        }
        .into_any(),
        (Some(false), None) => view! {
            <Alert tone=Tone::Info>
                <p id="setup-closed">
                    {either(i18n, setup, |t| (t.setup_closed, t.signup_closed))}
                </p>
            </Alert>
            <a class="btn btn-primary" href=format!("{ROOT}/login")>{tr(|t| t.login_title)}</a>
        }
        .into_any(),
        (Some(true), None) => view! {
            <p>{either(i18n, setup, |t| (t.setup_intro, t.signup_intro))}</p>
            <form class="form" on:submit=submit novalidate=true>
                {setup.then(|| view! {
                    <TextField id="setup-code" label=trs(|t| t.setup_code) value=code error=errors[0] required=true />
                })}
                <TextField id="setup-name" label=trs(|t| t.org_name) value=name error=errors[1] required=true autocomplete="organization" />
                <TextField id="setup-slug" label=trs(|t| t.org_slug) value=slug error=errors[2] required=true hint=trs(|t| t.org_slug_hint) />
                <TextField id="setup-owner" label=trs(|t| t.your_name) value=owner_name error=errors[3] required=true autocomplete="name" />
                <TextField id="setup-email" label=trs(|t| t.email) value=email error=errors[4] kind="email" required=true autocomplete="email" />
                <TextField id="setup-password" label=trs(|t| t.choose_password) value=password error=errors[5] kind="password" required=true autocomplete="new-password" />
                <FormMessage text=failure />
                <button type="submit" class="btn btn-primary btn-block" id="setup-submit" disabled=move || busy.get()>
                    {either(i18n, setup, |t| (t.setup_button, t.signup_button))}
                </button>
            </form>
            {(!setup).then(|| view! {
                <p class="muted"><a href=format!("{ROOT}/login")>{tr(|t| t.have_account)}</a></p>
            })}
        }
        .into_any(),
    }
    };
    view! {
        <AuthFrame>
            <h1>{either(i18n, setup, |t| (t.setup_title, t.signup_title))}</h1>
            {body}
        </AuthFrame>
    }
}

/// `/admin/signup/confirm?token=…`: the mailed link. Nothing happens until the owner presses
/// the button (a mail scanner opening the link creates nothing).
#[component]
pub fn SignupConfirmPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let query = use_query_map();
    let navigate = StoredValue::new_local(use_navigate());
    Effect::new(move |_| set_title(i18n.t().signup_confirm_title));
    let token = move || query.with(|q| q.get("token")).unwrap_or_default();
    // The reason the link cannot be used, once the server said so.
    let refused = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm = move |_| {
        if busy.get_untracked() {
            return;
        }
        failure.set(None);
        busy.set(true);
        let request = SignupConfirm { token: token() };
        spawn_local(async move {
            let result = api::auth_post::<TokenResponse>("signup/confirm", &request).await;
            busy.set(false);
            match result {
                Ok(token) => {
                    navigate.with_value(|navigate| open_company(navigate, session, &token))
                }
                Err(e) => match e.status() {
                    Some(409) => refused.set(Some(i18n.t().signup_taken)),
                    Some(404 | 422) => refused.set(Some(i18n.t().signup_link_invalid)),
                    _ => show_failure(i18n, &e, &[], failure),
                },
            }
        });
    };
    view! {
        <AuthFrame>
            <h1>{tr(|t| t.signup_confirm_title)}</h1>
            {move || match refused.get() {
                Some(reason) => view! {
                    <Alert tone=Tone::Danger>
                        <p id="signup-refused">{reason}</p>
                    </Alert>
                    <a class="btn btn-primary" href=format!("{ROOT}/signup")>{tr(|t| t.signup_button)}</a>
                }
                .into_any(),
                None => view! {
                    <p>{tr(|t| t.signup_confirm_intro)}</p>
                    <FormMessage text=failure />
                    <button type="button" class="btn btn-primary btn-block" id="signup-confirm"
                        on:click=confirm disabled=move || busy.get() || token().is_empty()>
                        {tr(|t| t.signup_confirm_button)}
                    </button>
                }
                .into_any(),
            }}
        </AuthFrame>
    }
}
