//! Routes, the signed-in shell (header, navigation, language, sign-out) and the shared state.
//!
//! Every page but the sign-in and set-password pages is inside the shell, which shows nothing
//! of the admin until a staff session is there: without one it sends the user to the sign-in
//! page and, afterwards, back to the page first asked for.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, ParentRoute, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::{Lazy, NavigateOptions, path};
use portal_types::StaffMe;
use portal_ui::{Icon, IconKind, Spinner};
use portal_web::api::{self, ApiError, AuthState, Session};
use portal_web::components::{LanguageSwitcher, provide_narrow};
use portal_web::i18n::cts;
use portal_web::url::encode;

use crate::i18n::{I18n, TextsOf, tr, use_i18n};
use crate::pages::activity::ActivityPage;
use crate::pages::company::CompanyPage;
use crate::pages::contractor::ContractorPage;
use crate::pages::contractors::ContractorsPage;
use crate::pages::document::DocumentPage;
use crate::pages::documents::DocumentsPage;
use crate::pages::editor::EditorPage;
use crate::pages::home::HomePage;
use crate::pages::import::ImportPage;
use crate::pages::login::{LoginPage, SetPasswordPage};
use crate::pages::not_found::NotFound;
use crate::pages::settings::{SettingsPage, may_manage};
use crate::pages::setup::{SetupPage, SignupConfirmPage, SignupPage};

/// The signed-in staff member, loaded once per session.
#[derive(Debug, Clone, Copy)]
pub struct Staff {
    /// `GET /me`, once loaded.
    pub me: RwSignal<Option<StaffMe>>,
}

/// The admin's root.
pub const ROOT: &str = "/admin";

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

/// The sign-in address that returns to `next` afterwards.
pub fn login_url(next: Option<&str>, reason: Option<&str>) -> String {
    let mut query = Vec::new();
    if let Some(next) = next {
        query.push(format!("next={}", encode(next)));
    }
    if let Some(reason) = reason {
        query.push(format!("reason={reason}"));
    }
    let mut url = format!("{ROOT}/login");
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::new("admin.locale");
    provide_context(i18n);
    let session = api::init_session(api::ISSUER);
    provide_context(session);
    provide_narrow();
    provide_context(Staff {
        me: RwSignal::new(None),
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
            <Routes fallback=|| view! { <main id="main" class="standalone"><NotFound /></main> }>
                <Route path=path!("/admin/login") view=LoginPage />
                <Route path=path!("/admin/set-password") view={Lazy::<SetPasswordRoute>::new()} />
                <Route path=path!("/admin/setup") view={Lazy::<SetupRoute>::new()} />
                <Route path=path!("/admin/signup") view={Lazy::<SignupRoute>::new()} />
                <Route path=path!("/admin/signup/confirm") view={Lazy::<SignupConfirmRoute>::new()} />
                <ParentRoute path=path!("/admin") view=Shell>
                    <Route path=path!("") view=HomePage />
                    <Route path=path!("documents") view=DocumentsPage />
                    <Route path=path!("documents/new") view={Lazy::<EditorRoute>::new()} />
                    <Route path=path!("documents/:id") view={Lazy::<DocumentRoute>::new()} />
                    <Route path=path!("documents/:id/edit") view={Lazy::<EditorRoute>::new()} />
                    <Route path=path!("contractors") view={Lazy::<ContractorsRoute>::new()} />
                    <Route path=path!("contractors/import") view={Lazy::<ImportRoute>::new()} />
                    <Route path=path!("contractors/:id") view={Lazy::<ContractorRoute>::new()} />
                    <Route path=path!("settings") view={Lazy::<SettingsRoute>::new()} />
                    <Route path=path!("company") view={Lazy::<CompanyRoute>::new()} />
                    <Route path=path!("activity") view={Lazy::<ActivityRoute>::new()} />
                    <Route path=path!("*any") view=NotFound />
                </ParentRoute>
            </Routes>
        </Router>
    }
}

// Every page but the sign-in, the home page and the documents list is its own wasm chunk,
// fetched when the page is first opened.
portal_web::lazy_page!(
    /// `/admin/set-password`.
    SetPasswordRoute => SetPasswordPage
);
portal_web::lazy_page!(
    /// `/admin/setup`.
    SetupRoute => SetupPage
);
portal_web::lazy_page!(
    /// `/admin/signup`.
    SignupRoute => SignupPage
);
portal_web::lazy_page!(
    /// `/admin/signup/confirm`.
    SignupConfirmRoute => SignupConfirmPage
);
portal_web::lazy_page!(
    /// `/admin/documents/new and …/{id}/edit`.
    EditorRoute => EditorPage
);
portal_web::lazy_page!(
    /// `/admin/documents/{id}`.
    DocumentRoute => DocumentPage
);
portal_web::lazy_page!(
    /// `/admin/contractors`.
    ContractorsRoute => ContractorsPage
);
portal_web::lazy_page!(
    /// `/admin/contractors/import`.
    ImportRoute => ImportPage
);
portal_web::lazy_page!(
    /// `/admin/contractors/{id}`.
    ContractorRoute => ContractorPage
);
portal_web::lazy_page!(
    /// `/admin/settings`.
    SettingsRoute => SettingsPage
);
portal_web::lazy_page!(
    /// `/admin/company`.
    CompanyRoute => CompanyPage
);
portal_web::lazy_page!(
    /// `/admin/activity`.
    ActivityRoute => ActivityPage
);

/// The frame of the pages before sign-in: the language and a card.
#[component]
pub fn AuthFrame(children: Children) -> impl IntoView {
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
                        <span class="login-org">{tr(|t| t.app_title)}</span>
                    </div>
                    {children()}
                </div>
            </main>
        </div>
    }
}

/// Everything a signed-in staff member sees around the pages. Signs in silently with the
/// refresh cookie when the page is opened fresh, and sends the user to the sign-in page (and
/// back afterwards) when that is not possible.
#[component]
fn Shell() -> impl IntoView {
    let i18n = use_i18n();
    let session = expect_context::<Session>();
    let staff = expect_context::<Staff>();
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
        let state = session.state.get();
        match state {
            AuthState::Unknown => try_refresh(),
            // Staff choose their password from the invitation link, so a staff token never
            // asks for a change.
            AuthState::SignedIn => {}
            AuthState::SignedOut | AuthState::Expired | AuthState::LoggedOut => {
                staff.me.set(None);
                let (next, reason) = match state {
                    AuthState::Expired => (Some(current()), Some("expired")),
                    AuthState::LoggedOut => (None, Some("signed_out")),
                    _ => (Some(current()), None),
                };
                navigate(
                    &login_url(next.as_deref(), reason),
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                );
            }
        }
    });

    Effect::new(move |_| {
        if session.state.get() == AuthState::SignedIn && staff.me.with_untracked(Option::is_none) {
            spawn_local(async move {
                if let Ok(me) = api::get::<StaffMe>(&format!("{}/me", api::base())).await {
                    staff.me.set(Some(me));
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
                            fallback=move || view! { <Spinner label=cts(|c| c.loading) /> }
                        >
                            <div class="alert alert-danger" role="alert">
                                <p>{move || i18n.common().error_network}</p>
                                <button class="btn" on:click=move |_| try_refresh()>
                                    {move || i18n.common().retry}
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
fn SkipLink() -> impl IntoView {
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
    let staff = expect_context::<Staff>();
    let location = use_location();

    let nav_link = move |rest: &'static str, label: fn(&crate::i18n::Texts) -> &'static str| {
        let target = format!("{ROOT}{rest}");
        let href = target.clone();
        let current = move || {
            let path = location.pathname.get();
            let active = if rest.is_empty() {
                path.trim_end_matches('/') == ROOT
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

    let sign_out = move |_| spawn_local(api::logout());
    let org_name = move || {
        staff
            .me
            .with(|me| me.as_ref().map(|m| m.organization_name.clone()))
            .unwrap_or_default()
    };
    let user_name = move || {
        staff
            .me
            .with(|me| me.as_ref().map(|m| m.name.clone()))
            .unwrap_or_default()
    };
    let role = move || {
        let t = i18n.t();
        staff
            .me
            .with(|me| me.as_ref().map(|m| t.role(&m.role).to_owned()))
            .unwrap_or_default()
    };

    view! {
        <header class="topbar">
            <div class="topbar-inner">
                <a class="brand" href=ROOT>
                    <span class="brand-mark" aria-hidden="true">
                        <Icon kind=IconKind::Document />
                    </span>
                    <span class="brand-text">
                        <span class="brand-name">{org_name}</span>
                        <span class="brand-sub">{tr(|t| t.app_title)}</span>
                    </span>
                </a>
                <nav class="main-nav" aria-label=tr(|t| t.main_nav)>
                    {nav_link("", |t| t.nav_home)}
                    {nav_link("/documents", |t| t.nav_documents)}
                    {nav_link("/contractors", |t| t.nav_contractors)}
                    {nav_link("/activity", |t| t.activity)}
                    <Show when=move || may_manage(staff, portal_domain::access::Permission::ManageSettings)>
                        {nav_link("/company", |t| t.nav_company)}
                        {nav_link("/settings", |t| t.nav_settings)}
                    </Show>
                </nav>
                <div class="topbar-tools">
                    <LanguageSwitcher />
                    <span class="user">
                        <span class="user-name">{user_name}</span>
                        <span class="user-org">{role}</span>
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

/// Shows a failed save: each field error of the API under its field (`fields` maps the API's
/// field names to the fields' error signals), and a message for the form. Takes the language
/// as an argument: it runs after an await, outside the component that could look it up.
pub fn show_failure(
    i18n: I18n,
    e: &ApiError,
    fields: &[(&str, RwSignal<Option<String>>)],
    failure: RwSignal<Option<String>>,
) {
    let c = i18n.common();
    let mut placed = false;
    for f in e.field_errors() {
        if let Some((_, target)) = fields.iter().find(|(name, _)| *name == f.field) {
            target.set(Some(i18n.t().field_error(&f.code).to_owned()));
            placed = true;
        }
    }
    failure.set(Some(match e {
        _ if placed => i18n.t().fix_errors.to_owned(),
        ApiError::Network => c.error_network.to_owned(),
        _ => c.error_generic.to_owned(),
    }));
}

/// A success message (shown while `text` holds one).
#[component]
pub fn Notice(text: RwSignal<Option<String>>) -> impl IntoView {
    move || {
        text.get().map(|text| {
            view! {
                <portal_ui::Alert tone=portal_ui::Tone::Success>
                    <p>{text}</p>
                </portal_ui::Alert>
            }
        })
    }
}

/// Focuses an element once the view has drawn it.
pub fn focus_later(element_id: String) {
    request_animation_frame(move || {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&element_id))
        {
            use wasm_bindgen::JsCast;
            if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        }
    });
}

/// A question before a destructive or weighty action (an `alertdialog`: Escape or "Keep it"
/// answers no).
#[component]
pub fn ConfirmBox(
    /// Element id prefix: the question is `{id}-q`, the confirming button `{id}-yes`.
    id: &'static str,
    /// The question.
    #[prop(into)]
    question: Signal<String>,
    /// The confirming button.
    #[prop(into)]
    yes: Signal<String>,
    /// The confirming button is the primary action (not a danger).
    #[prop(optional)]
    primary: bool,
    /// Disables the confirming button while it works.
    #[prop(optional, into)]
    busy: Signal<bool>,
    on_yes: impl Fn() + Copy + Send + Sync + 'static,
    on_no: impl Fn() + Copy + Send + Sync + 'static,
    /// Shown under the question (an error of the action).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <div
            class="card confirm-box"
            role="alertdialog"
            aria-labelledby=format!("{id}-q")
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    on_no();
                }
            }
        >
            <p id=format!("{id}-q")>{question}</p>
            {children.map(|c| c())}
            <div class="form-actions">
                <button
                    type="button"
                    id=format!("{id}-yes")
                    class=if primary { "btn btn-primary" } else { "btn btn-danger" }
                    disabled=move || busy.get()
                    on:click=move |_| on_yes()
                >
                    {yes}
                </button>
                <button type="button" class="btn" on:click=move |_| on_no()>
                    {tr(|t| t.keep)}
                </button>
            </div>
        </div>
    }
}

/// Loads one record, `{base}/{what}/{id}`, into `target`; without an id, or when it is not
/// there, `error` holds a 404 (a lost session is left to the shell, which signs in again).
pub fn load_one<T>(
    what: &'static str,
    id: Option<i64>,
    target: RwSignal<Option<T>>,
    error: RwSignal<Option<ApiError>>,
) where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    load_one_with(what, id, target, error, api::parse::<T>);
}

/// [`load_one`] with the caller's decoder (for a type whose derived one is large in the wasm).
pub fn load_one_with<T>(
    what: &'static str,
    id: Option<i64>,
    target: RwSignal<Option<T>>,
    error: RwSignal<Option<ApiError>>,
    decode: fn(&str) -> Result<T, ApiError>,
) where
    T: Send + Sync + 'static,
{
    let Some(id) = id else {
        error.set(Some(ApiError::Http {
            status: 404,
            problem: None,
            retry_after: None,
        }));
        return;
    };
    spawn_local(async move {
        match api::get_text(&format!("{}/{what}/{id}", api::base()))
            .await
            .and_then(|body| decode(&body))
        {
            Ok(v) => {
                error.set(None);
                target.set(Some(v));
            }
            Err(ApiError::Unauthorized) => {}
            Err(e) => error.set(Some(e)),
        }
    });
}
