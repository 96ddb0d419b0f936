//! Components and helpers both apps use: the language menu, a loading flag that does not
//! flash, the phone-width switch, error boxes and a form's message area.

use std::time::Duration;

use leptos::prelude::*;
use portal_domain::locale::Locale;
use portal_ui::{Icon, IconKind};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::i18n::{cts, native_name, use_i18n};

/// The language menu: English, Bulgarian, German, Spanish, each named in its own language.
#[component]
pub fn LanguageSwitcher() -> impl IntoView {
    let i18n = use_i18n();
    let order = [Locale::En, Locale::Bg, Locale::De, Locale::Es];
    view! {
        <div class="lang">
            <label for="lang-select" class="lang-label">
                <Icon kind=IconKind::Globe />
                <span class="sr-only">{cts(|c| c.language)}</span>
            </label>
            <select
                id="lang-select"
                class="select select-sm"
                prop:value=move || i18n.locale.get().as_str()
                on:change=move |ev| {
                    if let Some(locale) = Locale::parse(&event_target_value(&ev)) {
                        i18n.choose(locale);
                    }
                }
            >
                {order
                    .into_iter()
                    .map(|l| {
                        view! {
                            <option value=l.as_str() lang=l.as_str()>
                                {native_name(l)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// `true` once `busy` has stayed true for `delay`: a spinner bound to it never flashes on a
/// fast answer.
pub fn delayed(busy: RwSignal<bool>, delay: Duration) -> ReadSignal<bool> {
    let (shown, set_shown) = signal(false);
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        generation.update_value(|g| *g += 1);
        if busy.get() {
            let mine = generation.get_value();
            set_timeout(
                move || {
                    if generation.try_get_value() == Some(mine) && busy.get_untracked() {
                        set_shown.set(true);
                    }
                },
                delay,
            );
        } else {
            set_shown.set(false);
        }
    });
    shown
}

/// Whether the screen is phone-sized (the grid then shows cards).
#[derive(Debug, Clone, Copy)]
pub struct Narrow(pub ReadSignal<bool>);

/// Follows `(max-width: 760px)`; created once by the app.
pub fn provide_narrow() {
    let query = web_sys::window().and_then(|w| w.match_media("(max-width: 760px)").ok().flatten());
    let (narrow, set_narrow) = signal(query.as_ref().is_some_and(|q| q.matches()));
    if let Some(query) = query {
        let q = query.clone();
        let listener = Closure::<dyn Fn()>::new(move || set_narrow.set(q.matches()));
        let _ = query.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
        // One listener for the app's lifetime.
        listener.forget();
    }
    provide_context(Narrow(narrow));
}

/// A spinner that appears only when loading takes longer than 300 ms.
#[component]
pub fn DelayedSpinner() -> impl IntoView {
    let shown = RwSignal::new(false);
    set_timeout(
        move || {
            let _ = shown.try_set(true);
        },
        Duration::from_millis(300),
    );
    move || {
        shown.get().then(|| {
            view! {
                <div class="loading-block">
                    <portal_ui::Spinner label=cts(|c| c.loading) />
                </div>
            }
        })
    }
}

/// An error box with a retry button.
#[component]
pub fn LoadError(
    #[prop(into)] message: Signal<String>,
    on_retry: impl Fn() + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <div class="alert alert-danger load-error" role="alert">
            <Icon kind=IconKind::Warning />
            <p>{move || message.get()}</p>
            <button class="btn" on:click=move |_| on_retry()>
                {cts(|c| c.retry)}
            </button>
        </div>
    }
}

/// A form's message area, announced as soon as it shows something.
#[component]
pub fn FormMessage(
    /// The message, if any.
    #[prop(into)]
    text: Signal<Option<String>>,
    /// An id for the message (tests and `aria-describedby` find it by it).
    #[prop(optional)]
    id: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="form-message" aria-live="assertive">
            {move || {
                text.get()
                    .map(|text| {
                        view! {
                            <div class="alert alert-danger" id=id>
                                <p>{text}</p>
                            </div>
                        }
                    })
            }}
        </div>
    }
}

/// An object URL for the binary resource at `path` (a PDF to preview), revoked when the
/// calling view goes away: `(url, failed)`.
pub fn blob_url(path: String) -> (RwSignal<Option<String>>, RwSignal<bool>) {
    let url = RwSignal::new(None::<String>);
    let failed = RwSignal::new(false);
    leptos::task::spawn_local(async move {
        let made = crate::api::get_blob(&path)
            .await
            .ok()
            .and_then(|(blob, _)| web_sys::Url::create_object_url_with_blob(&blob).ok());
        match made {
            // The view is gone already.
            Some(u) if url.try_set(Some(u.clone())).is_some() => {
                let _ = web_sys::Url::revoke_object_url(&u);
            }
            Some(_) => {}
            None => {
                let _ = failed.try_set(true);
            }
        }
    });
    on_cleanup(move || {
        if let Some(Some(u)) = url.try_get_untracked() {
            let _ = web_sys::Url::revoke_object_url(&u);
        }
    });
    (url, failed)
}
