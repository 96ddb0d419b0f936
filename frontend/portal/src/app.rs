//! Routes, the signed-in shell (header, navigation, language, sign-out) and the shared state.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use leptos_router::{Lazy, NavigateOptions, path};
use portal_types::PortalMe;
use portal_ui::{Icon, IconKind, Spinner};

use crate::components::LanguageSwitcher;
use crate::i18n::{I18n, TextsOf, tr, trs, use_i18n};
use crate::pages::account::AccountPage;
use crate::pages::company::CompanyPage;
use crate::pages::document::DocumentPage;
use crate::pages::documents::DocumentsPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFound;
use crate::pages::password::{ForgotPasswordPage, SetPasswordPage};
use crate::pages::summary::SummaryPage;
use portal_web::api::{self, ApiError, AuthState, Session};
use portal_web::url::encode;

/// The signed-in user, loaded once per session.
#[derive(Debug, Clone, Copy)]
pub struct Account {
    /// `GET /me`, once loaded.
    pub me: RwSignal<Option<PortalMe>>,
    /// Where "back to documents" leads: the grid address last seen (with its filters).
    pub last_grid: RwSignal<Option<String>>,
}

/// The organisation slug of the current address (`/p/{org}/…`).
pub fn use_org() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("org").unwrap_or_default()))
}

/// `/p/{org}{rest}`.
pub fn portal_path(org: &str, rest: &str) -> String {
    format!("/p/{}{rest}", encode(org))
}

/// Sets the document title: "{page} · {app}".
pub fn set_title(page: &str) {
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let app = use_i18n().t().app_title;
        doc.set_title(&if page.is_empty() {
            app.to_owned()
        } else {
            format!("{page} · {app}")
        });
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::new("portal.locale");
    provide_context(i18n);
    let session = api::init_session(api::PORTAL);
    provide_context(session);
    crate::components::provide_narrow();
    provide_context(Account {
        me: RwSignal::new(None),
        last_grid: RwSignal::new(None),
    });
    Effect::new(move |_| {
        let lang = i18n.locale.get().as_str();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("lang", lang);
        }
    });
    view! {
        <Router>
            // Routes match in order: the shell's only match its own pages; then the pages before
            // sign-in; other addresses of the portal, and any other, are "Page not found"
            // (the catch-all keeps `/p/{org}/…` from ending in the shell with nothing in it).
            <Routes fallback=|| view! { <StandaloneNotFound /> }>
                <ParentRoute path=path!("/p/:org") view=Shell>
                    <Route path=path!("") view=SummaryPage />
                    <Route path=path!("documents") view=DocumentsPage />
                    <Route path=path!("documents/:id") view={Lazy::<DocumentRoute>::new()} />
                    <Route path=path!("account") view={Lazy::<AccountRoute>::new()} />
                    <Route path=path!("company") view={Lazy::<CompanyRoute>::new()} />
                </ParentRoute>
                <Route path=path!("/p/:org/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} />
                <Route path=path!("/p/:org/set-password") view={Lazy::<SetPasswordRoute>::new()} />
                <Route path=path!("/p/:org/login") view={Lazy::<LoginRoute>::new()} />
                <Route path=path!("/p/:org/*page") view=StandaloneNotFound />
            </Routes>
        </Router>
    }
}

// Each page but the overview and the grid is a wasm chunk of its own, fetched when the page is
// first opened (the page's chunks are preloaded with the main bundle when a visit starts there;
// see frontend/build.sh).
portal_web::lazy_page!(
    /// `/p/{org}/documents/{id}`.
    DocumentRoute => DocumentPage
);
portal_web::lazy_page!(
    /// `/p/{org}/account`.
    AccountRoute => AccountPage
);
portal_web::lazy_page!(
    /// `/p/{org}/company`.
    CompanyRoute => CompanyPage
);
portal_web::lazy_page!(
    /// `/p/{org}/login` (a signed-in visit never needs it).
    LoginRoute => LoginPage
);
portal_web::lazy_page!(
    /// `/p/{org}/forgot-password`.
    ForgotPasswordRoute => ForgotPasswordPage
);
portal_web::lazy_page!(
    /// `/p/{org}/set-password` (the link of an invitation or a reset).
    SetPasswordRoute => SetPasswordPage
);

/// A page that is not there, without the signed-in frame.
#[component]
fn StandaloneNotFound() -> impl IntoView {
    view! {
        <main id="main" class="standalone">
            <NotFound />
        </main>
    }
}

/// The login address for `org` that returns to `next` afterwards.
pub fn login_url(org: &str, next: Option<&str>, reason: Option<&str>) -> String {
    let mut query = Vec::new();
    if let Some(next) = next {
        query.push(format!("next={}", encode(next)));
    }
    if let Some(reason) = reason {
        query.push(format!("reason={reason}"));
    }
    let mut url = portal_path(org, "/login");
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

/// Everything a signed-in user sees around the pages: header, navigation, language, sign-out.
/// Signs in silently with the refresh cookie when the page is opened fresh, and sends the user
/// to the login (and back afterwards) when that is not possible.
#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let account = expect_context::<Account>();
    let org = use_org();
    let location = use_location();
    let navigate = use_navigate();
    let boot_error = RwSignal::new(false);

    let current = move || {
        let search = location.search.get_untracked();
        let path = location.pathname.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };

    let try_refresh = move || {
        boot_error.set(false);
        spawn_local(async move {
            match api::refresh().await {
                Ok(_) => {}
                Err(ApiError::Network) => boot_error.set(true),
                Err(_) => session.end(AuthState::SignedOut),
            }
        });
    };

    Effect::new(move |_| {
        let org = org.get();
        let state = session.state.get();
        match state {
            AuthState::Unknown => try_refresh(),
            AuthState::SignedIn => {
                if session.organization.get_untracked().as_deref() != Some(org.as_str()) {
                    session.end(AuthState::SignedOut);
                } else if session.must_change_password.get()
                    && !location.pathname.get_untracked().ends_with("/account")
                {
                    navigate(&portal_path(&org, "/account"), NavigateOptions::default());
                }
            }
            AuthState::SignedOut | AuthState::Expired | AuthState::LoggedOut => {
                account.me.set(None);
                let (next, reason) = match state {
                    AuthState::Expired => (Some(current()), Some("expired")),
                    AuthState::LoggedOut => (None, Some("signed_out")),
                    _ => (Some(current()), None),
                };
                navigate(
                    &login_url(&org, next.as_deref(), reason),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });

    // The user's name and the organisation's, once signed in.
    Effect::new(move |_| {
        if session.state.get() == AuthState::SignedIn && account.me.with_untracked(Option::is_none)
        {
            spawn_local(async move {
                if let Ok(me) = api::get::<PortalMe>(&format!("{}/me", api::base())).await {
                    i18n.default_to(&me.locale);
                    account.me.set(Some(me));
                }
            });
        }
    });

    let signed_in = move || session.state.get() == AuthState::SignedIn;
    view! {
        <Show
            when=signed_in
            fallback=move || {
                view! {
                    <div class="boot">
                        <Show
                            when=move || boot_error.get()
                            fallback=move || {
                                view! { <Spinner label=trs(|t| t.common.loading) /> }
                            }
                        >
                            <div class="alert alert-danger" role="alert">
                                <p>{tr(|t| t.common.error_network)}</p>
                                <button class="btn" on:click=move |_| try_refresh()>
                                    {tr(|t| t.common.retry)}
                                </button>
                            </div>
                        </Show>
                    </div>
                }
            }
        >
            <SkipLink />
            <Header />
            <main id="main" class="page" tabindex="-1">
                <Outlet />
            </main>
        </Show>
    }
}

/// "Skip to content": moves focus to the main region without changing the address.
#[component]
pub fn SkipLink() -> impl IntoView {
    view! {
        <a
            class="skip-link"
            href="#main"
            on:click=move |ev| {
                ev.prevent_default();
                if let Some(main) = web_sys::window()
                    .and_then(|w| w.document())
                    .and_then(|d| d.get_element_by_id("main"))
                {
                    use wasm_bindgen::JsCast;
                    if let Ok(main) = main.dyn_into::<web_sys::HtmlElement>() {
                        let _ = main.focus();
                    }
                }
            }
        >
            {tr(|t| t.skip_to_content)}
        </a>
    }
}

#[component]
fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let account = expect_context::<Account>();
    let org = use_org();
    let location = use_location();

    let nav_link = move |rest: &'static str, label: fn(&crate::i18n::Texts) -> &'static str| {
        let href = move || portal_path(&org.get(), rest);
        let current = move || {
            let path = location.pathname.get();
            let target = portal_path(&org.get(), rest);
            let active = if rest.is_empty() {
                path.trim_end_matches('/') == target
            } else {
                path == target || path.starts_with(&format!("{target}/"))
            };
            active.then_some("page")
        };
        view! {
            <a href=href aria-current=current class="nav-link">
                {move || label(i18n.t())}
            </a>
        }
    };

    // The shell sees the session end and shows the login.
    let sign_out = move |_| spawn_local(api::logout());

    let org_name = move || {
        account
            .me
            .with(|me| me.as_ref().map(|m| m.organization_name.clone()))
            .unwrap_or_default()
    };
    let user_name = move || {
        account
            .me
            .with(|me| {
                me.as_ref().map(|m| {
                    let name = format!("{} {}", m.first_name, m.last_name);
                    let name = name.trim();
                    if name.is_empty() {
                        m.username.clone()
                    } else {
                        name.to_owned()
                    }
                })
            })
            .unwrap_or_default()
    };
    let contractor = move || {
        account
            .me
            .with(|me| me.as_ref().map(|m| m.contractor_name.clone()))
            .unwrap_or_default()
    };

    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <a class="brand" href=move || portal_path(&org.get(), "")>
                    <span class="brand-mark" aria-hidden="true">
                        <Icon kind=IconKind::Document />
                    </span>
                    <span class="brand-text">
                        <span class="brand-name">{org_name}</span>
                        <span class="brand-sub">{tr(|t| t.app_title)}</span>
                    </span>
                </a>
                <nav class="main-nav" aria-label=tr(|t| t.main_nav)>
                    {nav_link("", |t| t.nav_summary)}
                    {nav_link("/documents", |t| t.nav_documents)}
                    {nav_link("/company", |t| t.nav_company)}
                    {nav_link("/account", |t| t.nav_account)}
                </nav>
                <div class="topbar-tools">
                    <LanguageSwitcher />
                    <span class="user" title=contractor>
                        <span class="user-name">{user_name}</span>
                        <span class="user-org">{contractor}</span>
                    </span>
                    <button class="btn btn-ghost" on:click=sign_out>
                        <Icon kind=IconKind::Logout />
                        <span>{tr(|t| t.logout)}</span>
                    </button>
                </div>
            </div>
        </header>
    }
}
