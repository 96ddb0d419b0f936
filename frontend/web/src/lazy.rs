//! Pages loaded on first use. `lazy_page!(XRoute => XPage)` makes a route type whose view is
//! cut into its own wasm chunk by `frontend/build.sh` (wasm-split-cli) and fetched the first
//! time the page is opened: `<Route path=… view=Lazy::<XRoute>::new() />`. The pages where a
//! visit starts stay in the main bundle, so a first load fetches no chunk.

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

/// Reloads the page when a page's chunk cannot be loaded — typically a tab opened before a new
/// version was deployed asks for a chunk the server no longer has; the reload fetches the new
/// version (the address is kept). At most once in 30 s, so a chunk that stays unreachable
/// (offline) ends in the browser's error rather than a loop. Call before mounting the app.
pub fn reload_on_missing_chunk() {
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
        let _ = window.location().reload();
    }));
}
