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
    DocumentState, DocumentType, IssuerDocumentPage, IssuerDocumentRow, MarkSent, MarkedSent,
    PaymentStatus,
};
use portal_ui::text;
use portal_web::api::{self, ApiError};
use portal_web::components::delayed;
use portal_web::fmt;
use portal_web::html::Html;
use portal_web::url::pairs;

use crate::app::{Notice, ROOT, set_title};
use crate::i18n::{Texts, TextsOf, fill, tr, use_i18n};
use crate::listing::{Chip, Pager, TableMessage, address_with, get, known, load_latest, query_of};

/// Rows per page.
const PER_PAGE: u32 = 50;

/// The filters this page keeps in the address (the API's names).
const KEYS: [&str; 11] = [
    "number",
    "type",
    "state",
    "status",
    "viewed",
    "sent",
    "unanswered",
    "contractor",
    "date_to",
    "sort",
    "page",
];

/// The address's query as (key, value) pairs this page knows, in [`KEYS`] order.
fn state_of(search: &str) -> Vec<(String, String)> {
    known(&pairs(search), &KEYS)
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
    // The rows ticked on this page (a new page starts with none).
    let selected = RwSignal::new(Vec::<i64>::new());
    let bulk_busy = RwSignal::new(false);
    let bulk_error = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    Effect::new(move |_| set_title(i18n.t().documents_title));

    // Sets one filter (empty: removes it) and goes back to the first page.
    let set = move |key: &'static str, value: String| {
        let url = address_with(
            &format!("{ROOT}/documents"),
            &KEYS,
            &state.get_untracked(),
            key,
            &value,
        );
        navigate.with_value(|navigate| navigate(&url, NavigateOptions::default()));
    };

    let load = move || {
        let mut query = query_of(&state.get());
        if !query.is_empty() {
            query.push('&');
        }
        let path = format!("{}/documents?{query}per_page={PER_PAGE}", api::base());
        load_latest(path, generation, busy, error, page, move || {
            selected.set(Vec::new())
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
    let rows = Signal::derive(move || page.with(|p| p.as_ref().map(|p| p.items.len())));
    let shown = Signal::derive(move || {
        page.with(|p| {
            p.as_ref()
                .map(|p| (p.page, p.per_page, p.items.len(), p.total))
        })
    });
    let go = move |to: u32| {
        let page = if to > 1 {
            to.to_string()
        } else {
            String::new()
        };
        set("page", page);
    };
    let on_tick = move |ev: leptos::ev::Event| {
        use wasm_bindgen::JsCast;
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(id) = input
            .get_attribute("data-select")
            .and_then(|v| v.parse::<i64>().ok())
        else {
            return;
        };
        let checked = input.checked();
        selected.update(|s| {
            s.retain(|x| *x != id);
            if checked {
                s.push(id);
            }
        });
    };
    let all_ticked = move || {
        let n = selected.with(Vec::len);
        n > 0 && page.with(|p| p.as_ref().is_some_and(|p| p.items.len() == n))
    };
    let tick_all = move |on: bool| {
        let ids: Vec<i64> = if on {
            page.with_untracked(|p| {
                p.as_ref()
                    .map(|p| p.items.iter().map(|r| r.id).collect())
                    .unwrap_or_default()
            })
        } else {
            Vec::new()
        };
        set_ticks(&ids);
        selected.set(ids);
    };
    let download = move || {
        let ids = ids_param(&selected.get_untracked());
        bulk_busy.set(true);
        bulk_error.set(None);
        notice.set(None);
        spawn_local(async move {
            let path = format!("{}/documents/pdf-archive?ids={ids}", api::base());
            let result = api::get_blob(&path).await;
            bulk_busy.set(false);
            match result {
                Ok((blob, name)) => {
                    let name = name.unwrap_or_else(|| "documents.zip".to_owned());
                    if api::save_blob(&blob, &name).is_err() {
                        bulk_error.set(Some(i18n.common().error_generic.to_owned()));
                    }
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => bulk_error.set(Some(bulk_failure(i18n, &e))),
            }
        });
    };
    let mark_sent = move || {
        let ids = selected.get_untracked();
        bulk_busy.set(true);
        bulk_error.set(None);
        notice.set(None);
        spawn_local(async move {
            let path = format!("{}/documents/mark-sent", api::base());
            let result =
                api::send::<_, MarkedSent>("POST", &path, &MarkSent { ids: ids.clone() }).await;
            bulk_busy.set(false);
            match result {
                Ok(_) => {
                    notice.set(Some(fill(
                        i18n.t().marked_sent_n,
                        &[("n", &ids.len().to_string())],
                    )));
                    load();
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => bulk_error.set(Some(bulk_failure(i18n, &e))),
            }
        });
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
                {select("f-sent", "sent", |t| t.filter_sent, sent_options)}
                {select("f-unanswered", "unanswered", |t| t.filter_unanswered, unanswered_options)}
                {move || {
                    let to = get(&state.get(), "date_to").to_owned();
                    fmt::parse_iso_date(&to)
                        .map(|day| {
                            let text = Signal::derive(move || {
                                fill(i18n.t().issued_until, &[("date", &fmt::date(i18n.locale.get(), day))])
                            });
                            view! { <Chip text=text on_remove=move || set("date_to", String::new()) /> }
                        })
                }}
                {move || {
                    contractor_name()
                        .map(|name| {
                            let text = Signal::derive(move || format!("{}: {name}", i18n.t().filter_contractor));
                            view! { <Chip text=text on_remove=move || set("contractor", String::new()) /> }
                        })
                }}
                <a class="btn btn-ghost" href=format!("{ROOT}/documents")>
                    {tr(|t| t.clear_filters)}
                </a>
            </div>
            <Notice text=notice />
            <div class="bulk-bar" role="group" aria-label=tr(|t| t.actions) hidden=move || selected.with(Vec::is_empty)>
                <span class="bulk-count" aria-live="polite">
                    {move || fill(i18n.t().selected_n, &[("n", &selected.with(Vec::len).to_string())])}
                </span>
                <button type="button" class="btn" id="bulk-pdf" disabled=bulk_busy on:click=move |_| download()>
                    {tr(|t| t.download_pdfs)}
                </button>
                <button type="button" class="btn" id="bulk-sent" disabled=bulk_busy on:click=move |_| mark_sent()>
                    {tr(|t| t.mark_sent)}
                </button>
                <button type="button" class="btn btn-ghost" on:click=move |_| tick_all(false)>
                    {tr(|t| t.clear_selection)}
                </button>
                {move || bulk_error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
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
                            <th scope="col" class="c-select">
                                <input
                                    type="checkbox"
                                    id="select-all"
                                    aria-label=tr(|t| t.select_all)
                                    prop:checked=all_ticked
                                    on:change=move |ev| tick_all(event_target_checked(&ev))
                                />
                            </th>
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
                    <tbody id="documents-body" inner_html=body on:change=on_tick></tbody>
                </table>
                <TableMessage error=error rows=rows slow=slow empty=|t| t.no_documents on_retry=load />
            </div>
    <Pager page=shown go=go />
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

fn sent_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    vec![("false", t.sent_no), ("true", t.sent_yes)]
}

fn unanswered_options(t: &'static Texts) -> Vec<(&'static str, &'static str)> {
    vec![("true", t.unanswered_yes), ("false", t.unanswered_no)]
}

/// `1,2,3`.
fn ids_param(ids: &[i64]) -> String {
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// What a failed bulk action says.
fn bulk_failure(i18n: crate::i18n::I18n, e: &ApiError) -> String {
    match e {
        ApiError::Network => i18n.common().error_network.to_owned(),
        e if e.status() == Some(409) => i18n.t().drafts_not_sent.to_owned(),
        _ => i18n.common().error_generic.to_owned(),
    }
}

/// Ticks exactly the rows of `ids` in the table.
fn set_ticks(ids: &[i64]) {
    use wasm_bindgen::JsCast;
    let Some(list) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector_all("#documents-body input[data-select]")
            .ok()
    }) else {
        return;
    };
    for i in 0..list.length() {
        if let Some(input) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            let id = input
                .get_attribute("data-select")
                .and_then(|v| v.parse::<i64>().ok());
            input.set_checked(id.is_some_and(|id| ids.contains(&id)));
        }
    }
}

fn cell_date(h: &mut Html, l: Locale, at: Option<chrono::DateTime<chrono::Utc>>) {
    match at {
        Some(at) => h.element("td", "", &fmt::date_time(l, at)),
        None => h.element("td", "muted", "—"),
    };
}

fn row_html(h: &mut Html, r: &IssuerDocumentRow, t: &Texts, l: Locale) {
    let id = r.id.to_string();
    let number = r.number.as_deref().unwrap_or(t.draft);
    h.raw("<tr data-id=\"").text(&id).raw("\">");
    h.raw("<td class=\"c-select\"><input type=\"checkbox\" data-select=\"")
        .text(&id)
        .raw("\" aria-label=\"")
        .text(&fill(
            t.select_row,
            &[("name", &format!("{number} {}", r.contractor_name))],
        ))
        .raw("\"></td>");
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
    if let Some(at) = r.sent_at {
        h.raw(" <span class=\"badge badge-muted\" title=\"")
            .text(&fill(t.sent_on, &[("date", &fmt::date_time(l, at))]))
            .raw("\">")
            .text(t.sent_badge)
            .raw("</span>");
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
