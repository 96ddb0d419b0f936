//! What the admin's filtered lists share: the address holds the filters (in the API's own
//! parameter names, in a fixed order, so a filtered list can be bookmarked and shared), chips
//! for filters set from elsewhere, loading that drops stale answers, the table's messages and
//! a pager under it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use portal_ui::dyn_view;
use portal_web::api::{self, ApiError};
use portal_web::components::LoadError;
use portal_web::i18n::cts;
use portal_web::url::encode;

use crate::i18n::{Texts, TextsOf, fill, tr, use_i18n};

/// The pairs of `all` whose key is in `keys`, non-empty, in `keys` order.
pub fn known(all: &[(String, String)], keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .filter_map(|k| {
            all.iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| ((*k).to_owned(), v.clone()))
        })
        .collect()
}

/// `a=1&b=x%20y`.
pub fn query_of(state: &[(String, String)]) -> String {
    state
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The value of `key` ("" when absent).
pub fn get<'a>(state: &'a [(String, String)], key: &str) -> &'a str {
    state
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// The address of `path` with `state` set to `value` for `key` (removed when empty), in
/// `keys` order; any change but the page's own goes back to the first page.
pub fn address_with(
    path: &str,
    keys: &[&str],
    state: &[(String, String)],
    key: &str,
    value: &str,
) -> String {
    let mut next: Vec<(String, String)> = state
        .iter()
        .filter(|(k, _)| k != key && k != "page")
        .cloned()
        .collect();
    if !value.is_empty() {
        next.push((key.to_owned(), value.to_owned()));
    }
    next.sort_by_key(|(k, _)| keys.iter().position(|x| x == k));
    let query = query_of(&next);
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

/// "21–40 of 345" and previous / next; `page` is `(page, per_page, rows shown, total)` of the
/// answer shown, `go` moves to a page.
#[component]
pub fn Pager(
    #[prop(into)] page: Signal<Option<(u32, u32, usize, u64)>>,
    go: impl Fn(u32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let range = move || {
        page.get().map(|(page, per_page, shown, total)| {
            let from = if total == 0 {
                0
            } else {
                u64::from(page - 1) * u64::from(per_page) + 1
            };
            let to = (from + shown as u64).saturating_sub(1).max(from);
            fill(
                i18n.t().range,
                &[
                    ("from", &from.to_string()),
                    ("to", &to.to_string()),
                    ("total", &total.to_string()),
                ],
            )
        })
    };
    let page_no = move || page.get().map_or(1, |p| p.0);
    let has_next = move || {
        page.get()
            .is_some_and(|(page, per_page, _, total)| u64::from(page) * u64::from(per_page) < total)
    };
    view! {
        <nav class="pager" aria-label=tr(|t| t.pagination)>
            <span class="pager-status" aria-live="polite">{range}</span>
            <button
                type="button"
                class="btn"
                disabled=move || page_no() <= 1
                on:click=move |_| go(page_no().saturating_sub(1))
            >
                {tr(|t| t.prev_page)}
            </button>
            <button
                type="button"
                class="btn"
                disabled=move || !has_next()
                on:click=move |_| go(page_no() + 1)
            >
                {tr(|t| t.next_page)}
            </button>
        </nav>
    }
}

/// A filter shown as a removable chip ("Contractor: Acme ×").
#[component]
pub fn Chip(
    #[prop(into)] text: Signal<String>,
    on_remove: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    view! {
        <span class="chip">
            {text}
            <button
                type="button"
                class="chip-remove"
                aria-label=tr(|t| t.clear_filters)
                on:click=move |_| on_remove()
            >
                "×"
            </button>
        </span>
    }
}

/// Fetches `path` into `target` with `busy` set meanwhile; an answer to an older request (of
/// an address since left) is dropped. `on_loaded` runs after a new answer is in.
pub fn load_latest<T>(
    path: String,
    generation: StoredValue<u64>,
    busy: RwSignal<bool>,
    error: RwSignal<Option<ApiError>>,
    target: RwSignal<Option<T>>,
    on_loaded: impl Fn() + 'static,
) where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    generation.update_value(|g| *g += 1);
    let mine = generation.get_value();
    busy.set(true);
    spawn_local(async move {
        let result = api::get::<T>(&path).await;
        if generation.try_get_value() != Some(mine) {
            return;
        }
        busy.set(false);
        match result {
            Ok(v) => {
                error.set(None);
                target.set(Some(v));
                on_loaded();
            }
            Err(ApiError::Unauthorized) => {}
            Err(e) => error.set(Some(e)),
        }
    });
}

/// A side panel's data (an overview card, a contractor's standing): loaded once; `failed`
/// says when it could not be, so the panel says so instead of staying empty.
pub struct Panel<T: Send + Sync + 'static> {
    /// The answer, once in.
    pub data: RwSignal<Option<T>>,
    /// The request failed (not for a lost session, which the shell handles).
    pub failed: RwSignal<bool>,
}

impl<T: Send + Sync + 'static> Clone for Panel<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Panel<T> {}

/// Starts loading a [`Panel`] from `path`.
pub fn panel<T>(path: String) -> Panel<T>
where
    T: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let p = Panel {
        data: RwSignal::new(None),
        failed: RwSignal::new(false),
    };
    spawn_local(async move {
        match api::get::<T>(&path).await {
            Ok(v) => p.data.set(Some(v)),
            Err(ApiError::Unauthorized) => {}
            Err(_) => p.failed.set(true),
        }
    });
    p
}

/// What a table shows instead of rows: the failure with a retry, a spinner while a slow first
/// load runs, or `empty` when nothing matches. `rows` is `None` before the first answer, else
/// how many rows it has.
#[component]
pub fn TableMessage(
    error: RwSignal<Option<ApiError>>,
    #[prop(into)] rows: Signal<Option<usize>>,
    slow: ReadSignal<bool>,
    empty: fn(&Texts) -> &'static str,
    on_retry: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    dyn_view(move || {
        if let Some(e) = error.get() {
            let msg = if e == ApiError::Network {
                i18n.common().error_network
            } else if e.status() == Some(422) {
                i18n.t().fix_errors
            } else {
                i18n.t().load_error
            };
            return view! { <LoadError message=msg.to_owned() on_retry=on_retry /> }.into_any();
        }
        match rows.get() {
            None if slow.get() => view! {
                <div class="table-message">
                    <portal_ui::Spinner label=cts(|c| c.loading) />
                </div>
            }
            .into_any(),
            Some(0) => view! {
                <div class="table-message">
                    <p class="empty-title">{move || empty(i18n.t())}</p>
                </div>
            }
            .into_any(),
            _ => ().into_any(),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_keeps_known_filters_in_order_and_a_change_goes_to_page_one() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let keys = ["number", "state", "viewed", "page"];
        let s = known(
            &[
                pair("page", "2"),
                pair("state", "issued"),
                pair("junk", "1"),
                pair("viewed", "false"),
                pair("number", ""),
            ],
            &keys,
        );
        assert_eq!(
            s,
            vec![
                pair("state", "issued"),
                pair("viewed", "false"),
                pair("page", "2")
            ]
        );
        assert_eq!(query_of(&s), "state=issued&viewed=false&page=2");
        assert_eq!(
            address_with("/admin/documents", &keys, &s, "number", "2026 1"),
            "/admin/documents?number=2026%201&state=issued&viewed=false"
        );
        assert_eq!(
            address_with("/admin/documents", &keys, &s, "page", "3"),
            "/admin/documents?state=issued&viewed=false&page=3"
        );
        assert_eq!(
            address_with(
                "/admin/documents",
                &keys,
                &[pair("state", "x")],
                "state",
                ""
            ),
            "/admin/documents"
        );
    }
}
