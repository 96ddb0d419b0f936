//! `/admin/documents`: every document of the organisation, drafts included, with the columns
//! the customers' grid has plus Contractor, State, Opened and Downloaded; filters for number,
//! type, state, contractor and "not opened yet"; per-currency sums of everything that
//! matches; server-side paging. The address holds the whole state, in the API's own
//! parameter names, so a filtered list can be bookmarked and shared.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use portal_domain::locale::Locale;
use portal_types::{
    DocumentState, DocumentType, IssuerDocumentPage, IssuerDocumentRow, PaymentStatus,
};
use portal_ui::{dyn_view, text};
use portal_web::api::{self, ApiError};
use portal_web::components::{LoadError, delayed};
use portal_web::fmt;
use portal_web::html::Html;
use portal_web::i18n::cts;
use portal_web::url::{encode, pairs};

use crate::app::{ROOT, set_title};
use crate::i18n::{Texts, TextsOf, fill, tr, use_i18n};

/// Rows per page.
const PER_PAGE: u32 = 50;

/// The filters this page keeps in the address (the API's names).
const KEYS: [&str; 9] = [
    "number",
    "type",
    "state",
    "status",
    "viewed",
    "contractor",
    "date_to",
    "sort",
    "page",
];

/// The address's query as (key, value) pairs this page knows, in [`KEYS`] order.
fn state_of(search: &str) -> Vec<(String, String)> {
    known(&pairs(search))
}

/// The pairs this page knows, non-empty, in [`KEYS`] order.
fn known(all: &[(String, String)]) -> Vec<(String, String)> {
    KEYS.iter()
        .filter_map(|k| {
            all.iter()
                .find(|(key, v)| key == k && !v.is_empty())
                .map(|(_, v)| ((*k).to_owned(), v.clone()))
        })
        .collect()
}

fn query_of(state: &[(String, String)]) -> String {
    state
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn get<'a>(state: &'a [(String, String)], key: &str) -> &'a str {
    state
        .iter()
        .find(|(k, _)| k == key)
        .map_or("", |(_, v)| v.as_str())
}

/// The documents page.
#[component]
pub fn DocumentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let navigate = StoredValue::new_local(use_navigate());
    let state = Memo::new(move |_| state_of(&location.search.get()));
    let page = RwSignal::new(None::<IssuerDocumentPage>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let slow = delayed(busy, std::time::Duration::from_millis(250));
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| set_title(i18n.t().documents_title));

    // Sets one filter (empty: removes it) and goes back to the first page.
    let set = move |key: &'static str, value: String| {
        let mut next: Vec<(String, String)> = state
            .get_untracked()
            .into_iter()
            .filter(|(k, _)| k != key && k != "page")
            .collect();
        if !value.is_empty() {
            next.push((key.to_owned(), value));
        }
        next.sort_by_key(|(k, _)| KEYS.iter().position(|x| x == k));
        let query = query_of(&next);
        let url = if query.is_empty() {
            format!("{ROOT}/documents")
        } else {
            format!("{ROOT}/documents?{query}")
        };
        navigate.with_value(|navigate| navigate(&url, NavigateOptions::default()));
    };

    let load = move || {
        let st = state.get();
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        busy.set(true);
        let mut query = query_of(&st);
        if !query.is_empty() {
            query.push('&');
        }
        let path = format!("{}/documents?{query}per_page={PER_PAGE}", api::base());
        spawn_local(async move {
            let result = api::get::<IssuerDocumentPage>(&path).await;
            // An answer to an older address is dropped.
            if generation.try_get_value() != Some(mine) {
                return;
            }
            busy.set(false);
            match result {
                Ok(p) => {
                    error.set(None);
                    page.set(Some(p));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| load());

    let select =
        move |id: &'static str,
              key: &'static str,
              label: fn(&'static Texts) -> &'static str,
              options: fn(&'static Texts) -> Vec<(&'static str, &'static str)>| {
            view! {
                <div class="field field-inline">
                    <label for=id>{tr(label)}</label>
                    <select
                        id=id
                        class="select"
                        prop:value=move || get(&state.get(), key).to_owned()
                        on:change=move |ev| set(key, event_target_value(&ev))
                    >
                        <option value="">{move || i18n.t().any}</option>
                        {move || {
                            let current = get(&state.get(), key).to_owned();
                            options(i18n.t())
                                .into_iter()
                                .map(|(value, name)| {
                                    view! {
                                        <option value=value selected=current == value>
                                            {name}
                                        </option>
                                    }
                                })
                                .collect_view()
                        }}
                    </select>
                </div>
            }
        };

    // A column title sorts by it; again, the other way; a third time, back to the default.
    let th = move |key: &'static str, label: fn(&'static Texts) -> &'static str, num: bool| {
        let sort = move || get(&state.get(), "sort").to_owned();
        let aria = move || match sort() {
            s if s == key => "ascending",
            s if s.strip_prefix('-') == Some(key) => "descending",
            _ => "none",
        };
        let next = move || match aria() {
            "none" => key.to_owned(),
            "ascending" => format!("-{key}"),
            _ => String::new(),
        };
        view! {
            <th scope="col" class=if num { "num" } else { "" } aria-sort=aria>
                <button type="button" class="sort-btn" on:click=move |_| set("sort", next())>
                    <span class="th-label">{tr(label)}</span>
                    <span class=move || if aria() == "none" { "sort-ind" } else { "sort-ind sorted" } aria-hidden="true">
                        {move || if aria() == "descending" { "↓" } else { "↑" }}
                    </span>
                </button>
            </th>
        }
    };

    let number = RwSignal::new(String::new());
    Effect::new(move |_| number.set(get(&state.get(), "number").to_owned()));
    let contractor_name = move || {
        let id = get(&state.get(), "contractor").to_owned();
        (!id.is_empty()).then(|| {
            page.with(|p| {
                p.as_ref()
                    .and_then(|p| p.items.first())
                    .filter(|r| r.contractor_id.to_string() == id)
                    .map_or_else(|| format!("#{id}"), |r| r.contractor_name.clone())
            })
        })
    };

    let body = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        page.with(|p| p.as_ref().map(|p| rows_html(p, t, l)).unwrap_or_default())
    });
    let sums = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        page.with(|p| p.as_ref().map(|p| sums_html(p, t, l)).unwrap_or_default())
    });
    let message = dyn_view(move || {
        if let Some(e) = error.get() {
            let msg = if e == ApiError::Network {
                i18n.common().error_network
            } else {
                i18n.t().load_error
            };
            return view! { <LoadError message=msg.to_owned() on_retry=load /> }.into_any();
        }
        page.with(|p| match p {
            None if slow.get() => view! {
                <div class="table-message">
                    <portal_ui::Spinner label=cts(|c| c.loading) />
                </div>
            }
            .into_any(),
            Some(p) if p.items.is_empty() => view! {
                <div class="table-message">
                    <p class="empty-title">{tr(|t| t.no_documents)}</p>
                </div>
            }
            .into_any(),
            _ => ().into_any(),
        })
    });
    let range = move || {
        page.with(|p| {
            p.as_ref().map(|p| {
                let from = if p.total == 0 {
                    0
                } else {
                    u64::from(p.page - 1) * u64::from(p.per_page) + 1
                };
                let to = (from + p.items.len() as u64).saturating_sub(1).max(from);
                fill(
                    i18n.t().range,
                    &[
                        ("from", &from.to_string()),
                        ("to", &to.to_string()),
                        ("total", &p.total.to_string()),
                    ],
                )
            })
        })
    };
    let page_no = move || page.with(|p| p.as_ref().map_or(1, |p| p.page));
    let has_next = move || {
        page.with(|p| {
            p.as_ref()
                .is_some_and(|p| u64::from(p.page) * u64::from(p.per_page) < p.total)
        })
    };
    let go = move |to: u32| {
        let mut next: Vec<(String, String)> = state
            .get_untracked()
            .into_iter()
            .filter(|(k, _)| k != "page")
            .collect();
        if to > 1 {
            next.push(("page".to_owned(), to.to_string()));
        }
        let query = query_of(&next);
        let url = if query.is_empty() {
            format!("{ROOT}/documents")
        } else {
            format!("{ROOT}/documents?{query}")
        };
        navigate.with_value(|navigate| navigate(&url, NavigateOptions::default()));
    };

    view! {
        <div class="page-head page-head-row">
            <h1>{tr(|t| t.documents_title)}</h1>
            <a class="btn btn-primary" id="new-document" href=format!("{ROOT}/documents/new")>
                {tr(|t| t.new_document)}
            </a>
        </div>
        <div class="filters admin-filters" role="search">
            <form
                class="field field-inline"
                on:submit=move |ev| {
                    ev.prevent_default();
                    set("number", number.get_untracked().trim().to_owned());
                }
            >
                <label for="f-number">{tr(|t| t.search_number)}</label>
                <input
                    id="f-number"
                    class="input"
                    type="search"
                    prop:value=number
                    on:input=move |ev| number.set(event_target_value(&ev))
                    on:change=move |ev| set("number", event_target_value(&ev).trim().to_owned())
                />
            </form>
            {select("f-type", "type", |t| t.filter_type, type_options)}
            {select("f-state", "state", |t| t.filter_state, state_options)}
            {select("f-status", "status", |t| t.filter_status, status_options)}
            {select("f-viewed", "viewed", |t| t.filter_viewed, viewed_options)}
            {move || {
                let to = get(&state.get(), "date_to").to_owned();
                fmt::parse_iso_date(&to)
                    .map(|day| {
                        view! {
                            <span class="chip">
                                {move || fill(i18n.t().issued_until, &[("date", &fmt::date(i18n.locale.get(), day))])}
                                <button
                                    type="button"
                                    class="chip-remove"
                                    aria-label=tr(|t| t.clear_filters)
                                    on:click=move |_| set("date_to", String::new())
                                >
                                    "×"
                                </button>
                            </span>
                        }
                    })
            }}
            {move || {
                contractor_name()
                    .map(|name| {
                        view! {
                            <span class="chip">
                                {move || i18n.t().filter_contractor}
                                ": "
                                {name}
                                <button
                                    type="button"
                                    class="chip-remove"
                                    aria-label=tr(|t| t.clear_filters)
                                    on:click=move |_| set("contractor", String::new())
                                >
                                    "×"
                                </button>
                            </span>
                        }
                    })
            }}
            <a class="btn btn-ghost" href=format!("{ROOT}/documents")>
                {tr(|t| t.clear_filters)}
            </a>
        </div>
        <div
            class="table-wrap"
            class:is-loading=slow
            role="region"
            aria-label=tr(|t| t.documents_caption)
            tabindex="0"
        >
            <table class="table grid-table" id="documents">
                <caption class="sr-only">{tr(|t| t.documents_caption)}</caption>
                <thead>
                    <tr>
                        {th("number", |t| t.col_number, false)}
                        {th("contractor", |t| t.col_contractor, false)}
                        {th("type", |t| t.col_type, false)}
                        {th("state", |t| t.col_state, false)}
                        {th("date", |t| t.col_date, false)}
                        {th("due_date", |t| t.col_due_date, false)}
                        {th("total", |t| t.col_total, true)}
                        {th("remaining", |t| t.col_remaining, true)}
                        {th("viewed_at", |t| t.col_viewed, false)}
                        {th("downloaded_at", |t| t.col_downloaded, false)}
                    </tr>
                </thead>
                <tbody inner_html=body></tbody>
            </table>
            {message}
        </div>
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
        <table class="table sums-table" id="sums">
            <caption>{tr(|t| t.sums_caption)}</caption>
            <thead>
                <tr>
                    <th scope="col">{tr(|t| t.col_currency)}</th>
                    <th scope="col" class="num">{tr(|t| t.col_count)}</th>
                    <th scope="col" class="num">{tr(|t| t.col_total)}</th>
                    <th scope="col" class="num">{tr(|t| t.col_paid)}</th>
                    <th scope="col" class="num">{tr(|t| t.col_remaining)}</th>
                </tr>
            </thead>
            <tbody inner_html=sums></tbody>
        </table>
    }
}

fn type_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    DocumentType::ALL
        .iter()
        .map(|d| (d.as_str(), t.common.doc_type(*d)))
        .collect()
}

fn state_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    DocumentState::ALL
        .iter()
        .map(|s| (s.as_str(), t.common.state(*s)))
        .collect()
}

fn status_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    vec![
        ("open", t.status_open),
        ("overdue", t.overdue),
        ("unpaid", t.common.payment_status(PaymentStatus::Unpaid)),
        (
            "partially_paid",
            t.common.payment_status(PaymentStatus::PartiallyPaid),
        ),
        ("paid", t.common.payment_status(PaymentStatus::Paid)),
    ]
}

fn viewed_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    vec![("false", t.not_viewed), ("true", t.viewed)]
}

fn cell_date(h: &mut Html, l: Locale, at: Option<chrono::DateTime<chrono::Utc>>) {
    match at {
        Some(at) => h.element("td", "", &fmt::date_time(l, at)),
        None => h.element("td", "muted", "—"),
    };
}

fn row_html(h: &mut Html, r: &IssuerDocumentRow, t: &Texts, l: Locale) {
    h.raw("<tr data-id=\"").text(&r.id.to_string()).raw("\">");
    h.raw("<td class=\"nowrap\"><a href=\"")
        .text(&format!("{ROOT}/documents/{}", r.id))
        .raw("\">")
        .text(r.number.as_deref().unwrap_or(t.draft))
        .raw("</a></td>");
    h.element("td", "", &r.contractor_name);
    h.element("td", "", t.common.doc_type(r.doc_type));
    h.raw("<td>");
    let class = match r.state {
        DocumentState::Issued => "badge badge-info",
        DocumentState::Draft => "badge badge-muted",
        _ => "badge badge-warning",
    };
    h.element("span", class, t.common.state(r.state));
    if r.overdue {
        h.raw(" ").element("span", "badge badge-danger", t.overdue);
    }
    h.raw("</td>");
    h.element("td", "nowrap", &fmt::date(l, r.date));
    match r.due_date {
        Some(d) => h.element("td", "nowrap", &fmt::date(l, d)),
        None => h.element("td", "muted", "—"),
    };
    h.element("td", "num nowrap", &fmt::money(l, &r.total, &r.currency));
    match &r.remaining {
        Some(v) => h.element("td", "num nowrap", &fmt::money(l, v, &r.currency)),
        None => h.element("td", "num muted", "—"),
    };
    cell_date(h, l, r.viewed_at);
    cell_date(h, l, r.first_downloaded_at);
    h.raw("</tr>");
}

fn rows_html(p: &IssuerDocumentPage, t: &Texts, l: Locale) -> String {
    let mut h = Html::with_capacity(p.items.len() * 600);
    for r in &p.items {
        row_html(&mut h, r, t, l);
    }
    h.finish()
}

fn sums_html(p: &IssuerDocumentPage, _t: &Texts, l: Locale) -> String {
    let mut h = Html::with_capacity(p.sums.len() * 300);
    for s in &p.sums {
        h.raw("<tr>");
        h.element("th", "", &s.currency);
        h.element("td", "num", &s.count.to_string());
        h.element("td", "num nowrap", &fmt::money(l, &s.total, &s.currency));
        h.element("td", "num nowrap", &fmt::money(l, &s.paid, &s.currency));
        h.element(
            "td",
            "num nowrap",
            &fmt::money(l, &s.remaining, &s.currency),
        );
        h.raw("</tr>");
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_address_keeps_known_filters_in_order() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let s = known(&[
            pair("page", "2"),
            pair("state", "issued"),
            pair("junk", "1"),
            pair("viewed", "false"),
            pair("number", ""),
        ]);
        assert_eq!(
            s,
            vec![
                ("state".to_owned(), "issued".to_owned()),
                ("viewed".to_owned(), "false".to_owned()),
                ("page".to_owned(), "2".to_owned()),
            ]
        );
        assert_eq!(query_of(&s), "state=issued&viewed=false&page=2");
    }
}
