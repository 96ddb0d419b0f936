//! Pages loaded on first use. `lazy_page!(XRoute => XPage)` makes a route type whose view is
//! cut into its own wasm chunk by `frontend/build.sh` (wasm-split-cli) and fetched the first
//! time the page is opened: `<Route path=… view=Lazy::<XRoute>::new() />`. The pages where a
//! visit starts stay in the main bundle, so a first load fetches no chunk.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Defines `$route`, a lazily loaded route that shows the component `$page`.
#[macro_export]
macro_rules! lazy_page {
    ($(#[$attr:meta])* $route:ident => $page:ident) => {
        $(#[$attr])*
        pub struct $route;

        #[::leptos_router::lazy_route]
        impl ::leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }
            fn view(_this: Self) -> ::leptos::prelude::AnyView {
                ::leptos::prelude::IntoAny::into_any(::leptos::prelude::view! { <$page /> })
            }
        }
    };
}

/// What the split loader panics with when a chunk cannot be fetched or instantiated.
const LOAD_FAILED: &str = "load callback should succeed";
/// When the page was last reloaded for a missing chunk (milliseconds, in session storage).
const RELOADED_AT: &str = "portal.chunk_reload";

thread_local! {
    /// The last link followed in the app and when (the router changes the address only once
    /// the page's chunks are there, so a failed load leaves the old address).
    static LAST_LINK: RefCell<Option<(String, f64)>> = const { RefCell::new(None) };
}

/// Opens the page again from the server when a page's chunk cannot be loaded — typically a tab
/// opened before a new version was deployed asks for a chunk the server no longer has: the
/// new version is fetched and shows the page the link led to (or, without a link just followed,
/// the current one). At most once in 30 s, so a chunk that stays unreachable (offline) ends in
/// the browser's error rather than a loop. Call before mounting the app.
pub fn reload_on_missing_chunk() {
    let Some(window) = web_sys::window() else {
        return;
    };
    // Capture phase: seen before the router takes the click over.
    let remember = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        let link = event
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("a[href]").ok().flatten())
            .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
        if let Some(link) = link {
            LAST_LINK.with(|l| *l.borrow_mut() = Some((link.href(), js_sys::Date::now())));
        }
    });
    let _ = window.add_event_listener_with_callback_and_bool(
        "click",
        remember.as_ref().unchecked_ref(),
        true,
    );
    remember.forget();

    std::panic::set_hook(Box::new(|info| {
        if !info.to_string().contains(LOAD_FAILED) {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let now = js_sys::Date::now();
        let storage = window.session_storage().ok().flatten();
        let last = storage
            .as_ref()
            .and_then(|s| s.get_item(RELOADED_AT).ok().flatten())
            .and_then(|at| at.parse::<f64>().ok());
        if last.is_some_and(|at| now - at < 30_000.0) {
            return;
        }
        if let Some(storage) = &storage {
            let _ = storage.set_item(RELOADED_AT, &now.to_string());
        }
        let origin = window.location().origin().unwrap_or_default();
        let followed = LAST_LINK
            .with(|l| l.borrow().clone())
            .filter(|(href, at)| now - at < 10_000.0 && href.starts_with(&format!("{origin}/")));
        let _ = match followed {
            Some((href, _)) => window.location().assign(&href),
            None => window.location().reload(),
        };
    }));
}
