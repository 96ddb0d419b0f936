//! `/p/{org}/documents`: the document grid. A filter in every column, quick filters,
//! multi-key sorting, paging, per-currency sums, download — and the whole state in the URL
//! (see `grid_state.rs`), so the address is the view.

use std::time::Duration;

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use portal_domain::format::format_amount;
use portal_domain::locale::Locale;
use portal_types::{DocumentPage, DocumentState, DocumentType, PortalSummary};
use portal_ui::{Icon, IconKind, dyn_view, flag, text};
use wasm_bindgen::JsCast;

use crate::app::{Account, portal_path, set_title, use_org};
use crate::components::{Narrow, badges_html, delayed, download_document};
use crate::grid_state::{AmountCol, DateCol, GridState, PAGE_SIZES, Quick};
use crate::i18n::{Texts, TextsOf, fill, tr, trs, use_i18n};
use portal_web::api::{self, ApiError};
use portal_web::fmt;
use portal_web::html::Html;

/// The grid's state and how to change it, shared by its parts.
#[derive(Clone, Copy)]
struct Grid {
    state: Memo<GridState>,
    path: Memo<String>,
    navigate: StoredValue<Navigate, LocalStorage>,
}

/// The router's navigate function, boxed so it can be stored.
type Navigate = Box<dyn Fn(&str)>;

/// A change of the grid state (removing one filter).
type Change = Box<dyn Fn(&mut GridState) + Send + Sync>;

impl Grid {
    /// Changes the state by navigating to its address (a history entry, no scrolling).
    fn update(&self, change: impl FnOnce(&mut GridState)) {
        let mut state = self.state.get_untracked();
        change(&mut state);
        let url = format!("{}{}", self.path.get_untracked(), state.to_query());
        self.navigate.with_value(|nav| nav(&url));
    }
}

/// A column of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Number,
    Date,
    Due,
    Type,
    Currency,
    Amount(AmountCol),
    Downloaded,
    Download,
}

impl Col {
    const ALL: [Col; 12] = [
        Col::Number,
        Col::Date,
        Col::Due,
        Col::Type,
        Col::Currency,
        Col::Amount(AmountCol::TaxBase),
        Col::Amount(AmountCol::Vat),
        Col::Amount(AmountCol::Total),
        Col::Amount(AmountCol::Paid),
        Col::Amount(AmountCol::Remaining),
        Col::Downloaded,
        Col::Download,
    ];

    /// Element-id suffix, and the API's sort column.
    fn key(self) -> &'static str {
        match self {
            Col::Number => "number",
            Col::Date => "date",
            Col::Due => "due_date",
            Col::Type => "type",
            Col::Currency => "currency",
            Col::Amount(a) => a.key(),
            Col::Downloaded => "downloaded_at",
            Col::Download => "download",
        }
    }

    fn sortable(self) -> bool {
        self != Col::Download
    }

    fn label(self, t: &Texts) -> &'static str {
        match self {
            Col::Number => t.col_number,
            Col::Date => t.col_date,
            Col::Due => t.col_due_date,
            Col::Type => t.col_type,
            Col::Currency => t.col_currency,
            Col::Amount(AmountCol::TaxBase) => t.col_tax_base,
            Col::Amount(AmountCol::Vat) => t.col_vat,
            Col::Amount(AmountCol::Total) => t.col_total,
            Col::Amount(AmountCol::Paid) => t.col_paid,
            Col::Amount(AmountCol::Remaining) => t.col_remaining,
            Col::Downloaded => t.col_downloaded,
            Col::Download => t.col_download,
        }
    }

    fn is_filtered(self, s: &GridState) -> bool {
        match self {
            Col::Number => !s.number.is_empty(),
            Col::Date => s.date_range(DateCol::Date) != &Default::default(),
            Col::Due => s.date_range(DateCol::Due) != &Default::default(),
            Col::Type => !s.types.is_empty(),
            Col::Currency => !s.currencies.is_empty(),
            Col::Amount(a) => s.amount_range(a) != &Default::default(),
            Col::Downloaded => {
                s.downloaded.is_some() || s.date_range(DateCol::Downloaded) != &Default::default()
            }
            Col::Download => false,
        }
    }

    fn clear(self, s: &mut GridState) {
        match self {
            Col::Number => s.number.clear(),
            Col::Date => s.set_date_range(DateCol::Date, String::new(), String::new()),
            Col::Due => s.set_date_range(DateCol::Due, String::new(), String::new()),
            Col::Type => s.types.clear(),
            Col::Currency => s.currencies.clear(),
            Col::Amount(a) => s.set_amount_range(a, String::new(), String::new()),
            Col::Downloaded => {
                s.downloaded = None;
                s.set_date_range(DateCol::Downloaded, String::new(), String::new());
            }
            Col::Download => {}
        }
        s.page = 1;
    }

    /// What the active filter says, for its chip above the grid.
    fn describe(self, s: &GridState, t: &Texts, l: Locale) -> Option<String> {
        if !self.is_filtered(s) {
            return None;
        }
        let range = |from: &str, to: &str, show: &dyn Fn(&str) -> String| match (
            from.is_empty(),
            to.is_empty(),
        ) {
            (false, false) => format!("{} – {}", show(from), show(to)),
            (false, true) => format!("≥ {}", show(from)),
            (true, false) => format!("≤ {}", show(to)),
            (true, true) => String::new(),
        };
        let show_date = |d: &str| {
            fmt::parse_iso_date(d)
                .map(|d| fmt::date(l, d))
                .unwrap_or_else(|| d.to_owned())
        };
        let show_amount = |a: &str| fmt::decimal(l, a);
        let value = match self {
            Col::Number => format!("“{}”", s.number),
            Col::Date | Col::Due => {
                let col = if self == Col::Date {
                    DateCol::Date
                } else {
                    DateCol::Due
                };
                let (from, to) = s.date_range(col);
                range(from, to, &show_date)
            }
            Col::Type => s
                .types
                .iter()
                .map(|ty| t.doc_type(*ty))
                .collect::<Vec<_>>()
                .join(", "),
            Col::Currency => s.currencies.join(", "),
            Col::Amount(a) => {
                let (min, max) = s.amount_range(a);
                range(min, max, &show_amount)
            }
            Col::Downloaded => {
                let mut parts = Vec::new();
                if let Some(d) = s.downloaded {
                    parts.push(if d { t.downloaded_yes } else { t.downloaded_no }.to_owned());
                }
                let (from, to) = s.date_range(DateCol::Downloaded);
                let r = range(from, to, &show_date);
                if !r.is_empty() {
                    parts.push(r);
                }
                parts.join(", ")
            }
            Col::Download => String::new(),
        };
        Some(format!("{}: {value}", self.label(t)))
    }
}

fn parse_search(search: &str) -> GridState {
    let pairs = portal_web::url::pairs(search);
    GridState::from_pairs(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The document grid page.
#[component]
pub fn DocumentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let org = use_org();
    let account = expect_context::<Account>();
    let narrow = expect_context::<Narrow>().0;
    let location = use_location();
    let navigate = use_navigate();

    let path = Memo::new(move |_| portal_path(&org.get(), "/documents"));
    // Only this page's address is its state: while the router leaves for another page the
    // state stays as it was (no request for the next page's query, no lost "back" address).
    let state = Memo::new(move |prev: Option<&GridState>| {
        if location.pathname.get() == path.get() {
            parse_search(&location.search.get())
        } else {
            prev.cloned().unwrap_or_default()
        }
    });
    let grid = Grid {
        state,
        path,
        navigate: StoredValue::new_local(Box::new(move |url: &str| {
            navigate(
                url,
                NavigateOptions {
                    scroll: false,
                    ..Default::default()
                },
            )
        })),
    };
    provide_context(grid);
    Effect::new(move |_| set_title(i18n.t().nav_documents));

    let page = RwSignal::new(None::<DocumentPage>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let slow = delayed(busy, Duration::from_millis(300));
    let generation = StoredValue::new(0u64);
    let download_error = RwSignal::new(false);

    let load = move |s: GridState| {
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        busy.set(true);
        spawn_local(async move {
            let url = format!("{}/documents?{}", api::base(), s.to_api_query());
            let result = api::get::<DocumentPage>(&url).await;
            if generation.try_get_value() != Some(mine) {
                return;
            }
            busy.set(false);
            match result {
                Ok(p) => {
                    // A page past the end (the filter shrank the set): go to the last one.
                    if p.items.is_empty() && p.total > 0 && s.page > 1 {
                        let last = p.total.div_ceil(u64::from(p.per_page.max(1))) as u32;
                        grid.update(|st| st.page = last.max(1));
                        return;
                    }
                    // Signals notify on every set: set only on change, or the table (and an
                    // open filter) would be rebuilt by each answer.
                    if error.with_untracked(Option::is_some) {
                        error.set(None);
                    }
                    page.set(Some(p));
                }
                Err(ApiError::Unauthorized) => {}
                Err(e) => error.set(Some(e)),
            }
        });
    };
    Effect::new(move |_| {
        let s = state.get();
        account
            .last_grid
            .set(Some(format!("{}{}", path.get_untracked(), s.to_query())));
        load(s);
    });

    // Options of the currency filter: the customer's currencies.
    let currencies = RwSignal::new(Vec::<String>::new());
    spawn_local(async move {
        if let Ok(s) = api::get::<PortalSummary>(&format!("{}/summary", api::base())).await {
            let _ = currencies.try_set(s.currencies.into_iter().map(|c| c.currency).collect());
        }
    });
    provide_context(CurrencyOptions(currencies));

    // Clicks in the rows and in the bar under them: a download, a box ticked or unticked
    // (by mouse or key) or Pay selected (see [`picks`]).
    let on_download = move |ev: MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        else {
            return;
        };
        if target.class_list().contains("pick") || target.has_attribute("data-pay-ids") {
            spawn_local(picks(target, i18n.locale.get_untracked()));
            return;
        }
        let Ok(Some(button)) = target.closest("button[data-download]") else {
            return;
        };
        let Some(id) = button
            .get_attribute("data-download")
            .and_then(|v| v.parse::<i64>().ok())
        else {
            return;
        };
        // The number is the row's (or card's) link text: a fallback file name only.
        let number = button
            .closest("tr, li")
            .ok()
            .flatten()
            .and_then(|row| row.query_selector("a").ok().flatten())
            .and_then(|a| a.text_content())
            .unwrap_or_default();
        let _ = button.set_attribute("disabled", "");
        let _ = button.class_list().add_1("busy");
        if download_error.get_untracked() {
            download_error.set(false);
        }
        spawn_local(async move {
            match download_document(id, &number).await {
                Ok(()) => {
                    let now = fmt::now();
                    page.update(|p| {
                        if let Some(p) = p
                            && let Some(row) = p.items.iter_mut().find(|r| r.id == id)
                        {
                            row.downloaded_at = Some(now);
                        }
                    });
                    refocus(id);
                }
                Err(_) => {
                    download_error.set(true);
                    let _ = button.remove_attribute("disabled");
                    let _ = button.class_list().remove_1("busy");
                }
            }
        });
    };

    let total_text = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        // New rows (or the other layout) have no box ticked: the bar paying them empties.
        narrow.track();
        if let Some(bar) = document().get_element_by_id("pick-bar") {
            bar.set_inner_html("");
        }
        page.with(|p| {
            p.as_ref().map(|p| {
                if p.total == 0 {
                    return t.documents(0);
                }
                let n = |v: u64| format_amount(l, v as i64, 0);
                let from = if p.items.is_empty() {
                    0
                } else {
                    u64::from(p.page - 1) * u64::from(p.per_page) + 1
                };
                let to = from + p.items.len() as u64 - u64::from(from > 0);
                fill(
                    t.range,
                    &[("from", &n(from)), ("to", &n(to)), ("total", &n(p.total))],
                )
            })
        })
        .unwrap_or_default()
    });

    view! {
        <div class="page-head page-head-row">
            <h1>{tr(|t| t.nav_documents)}</h1>
            <p class="muted" aria-live="polite">{total_text}</p>
        </div>
        <div class="toolbar">
            <QuickFilters />
            <SearchBox />
            <div class="toolbar-status" aria-live="polite">
                {dyn_view(move || {
                    slow.get()
                        .then(|| view! { <portal_ui::Spinner label=trs(|t| t.common.loading) /> })
                        .into_any()
                })}
            </div>
        </div>
        <ActiveFilters />
        {dyn_view(move || {
            download_error
                .get()
                .then(|| {
                    view! {
                        <div class="alert alert-danger" role="alert">
                            <p>{tr(|t| t.download_failed)}</p>
                        </div>
                    }
                })
                .into_any()
        })}
        <section
            class="grid-region"
            aria-label=tr(|t| t.documents_caption)
            aria-busy=text(move || busy.get().to_string())
        >
            {dyn_view(move || {
                if let Some(e) = error.get() {
                    let message = text(move || {
                        let t = i18n.t();
                        if e == ApiError::Network {
                            format!("{} {}", t.load_error, t.common.error_network)
                        } else {
                            t.load_error.to_owned()
                        }
                    });
                    return view! {
                        <crate::components::LoadError
                            message=message
                            on_retry=move || load(state.get_untracked())
                        />
                    }
                        .into_any();
                }
                if narrow.get() {
                    view! { <CardList page=page slow=slow on_download=on_download /> }.into_any()
                } else {
                    view! { <Table page=page slow=slow on_download=on_download /> }.into_any()
                }
            })}
        </section>
        <div id="pick-bar" class="pick-bar" aria-live="polite" on:click=on_download></div>
        <Pager page=page />
    }
}

/// Whether this customer may pay online: the open rows then have boxes to pick them.
fn can_pay() -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let account = expect_context::<Account>();
    move || {
        account
            .me
            .with(|m| m.as_ref().is_some_and(|m| m.permissions.pay))
    }
}

/// Paying several documents at once; its own wasm chunk, fetched at the first tick or click.
/// `el` is a row's box in the grid (ticked or unticked), the Pay selected button of the bar
/// under the grid, or an overview card's "Pay open invoices online". The rows' boxes are the
/// only state: a new page of rows has none ticked, and the page empties the bar then.
#[leptos::lazy]
pub(crate) async fn picks(el: web_sys::Element, locale: Locale) {
    use crate::pages::summary::{pay_documents, pay_open_in};
    if let Some(currency) = el.get_attribute("data-pay-currency") {
        pay_with(&el, locale, pay_open_in(currency)).await;
    } else if let Some(ids) = el.get_attribute("data-pay-ids") {
        let ids = ids.split(',').filter_map(|id| id.parse().ok()).collect();
        pay_with(&el, locale, pay_documents(ids)).await;
    } else if let Some(list) = el.closest("[data-picks]").ok().flatten() {
        show_picks(&list, locale);
    }
}

/// The bar under the grid for the ticked boxes of `list` (the table's body or the cards): how
/// many and what is left to pay on them, with Pay selected — or why they cannot be paid
/// together.
fn show_picks(list: &web_sys::Element, locale: Locale) {
    use portal_domain::money::{Currency, format_minor};
    let Some(bar) = document().get_element_by_id("pick-bar") else {
        return;
    };
    let t = crate::i18n::texts(locale);
    let mut ids = Vec::new();
    let mut currency = String::new();
    let mut mixed = false;
    let mut remaining = 0i64;
    let mut exponent = 2;
    let ticked = list.query_selector_all("input.pick:checked").ok();
    for node in ticked
        .iter()
        .flat_map(|l| (0..l.length()).filter_map(|i| l.item(i)))
    {
        let Ok(el) = node.dyn_into::<web_sys::Element>() else {
            continue;
        };
        let attr = |name| el.get_attribute(name).unwrap_or_default();
        let Ok(id) = attr("data-pick").parse::<i64>() else {
            continue;
        };
        let code = attr("data-currency");
        let Some(cur) = Currency::from_code(&code) else {
            continue;
        };
        if ids.is_empty() {
            currency = code;
            exponent = cur.exponent();
        } else if code != currency {
            mixed = true;
        }
        remaining += cur.parse(&attr("data-remaining")).unwrap_or(0);
        ids.push(id);
    }
    let mut h = Html::default();
    if mixed {
        h.element("p", "", t.pick_one_currency);
    } else if ids.len() > MAX_PICKS {
        h.element(
            "p",
            "",
            &fill(t.pick_too_many, &[("max", &MAX_PICKS.to_string())]),
        );
    } else if !ids.is_empty() {
        let amount = fmt::money(locale, &format_minor(remaining, exponent), &currency);
        let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
        h.element(
            "p",
            "",
            &fill(
                t.picked,
                &[
                    ("docs", &t.documents(ids.len() as u64)),
                    ("amount", &amount),
                ],
            ),
        )
        .raw("<button type=\"button\" class=\"btn btn-primary\" data-pay-ids=\"")
        .text(&ids.join(","))
        .raw("\">")
        .text(t.pay_selected)
        .raw("</button>");
    }
    bar.set_inner_html(&h.finish());
}

/// The most documents one payment takes (the server's limit).
const MAX_PICKS: usize = 50;

/// A pay button clicked: `start` asks for the payment, the browser goes to the provider's page;
/// a refusal is said beside the button, which is disabled meanwhile.
async fn pay_with(
    button: &web_sys::Element,
    locale: Locale,
    start: impl std::future::Future<Output = Result<String, ApiError>>,
) {
    if button.has_attribute("disabled") {
        return;
    }
    let _ = button.set_attribute("disabled", "");
    let place = button.parent_element();
    if let Some(old) = place
        .as_ref()
        .and_then(|p| p.query_selector("[role=alert]").ok().flatten())
    {
        old.remove();
    }
    let t = crate::i18n::texts(locale);
    let failure = match start.await {
        Ok(url) => {
            if let Some(w) = web_sys::window() {
                let _ = w.location().assign(&url);
            }
            return;
        }
        Err(ApiError::Unauthorized) => None,
        Err(ApiError::Network) => Some(t.common.error_network),
        // A document paid or settling meanwhile, elsewhere: the list shows it once reloaded.
        Err(e) if e.status() == Some(422) => Some(t.pay_not_possible),
        Err(_) => Some(t.common.error_generic),
    };
    let _ = button.remove_attribute("disabled");
    if let (Some(message), Some(place)) = (failure, place) {
        let mut h = Html::default();
        h.raw("<span class=\"field-error\" role=\"alert\">")
            .text(message)
            .raw("</span>");
        let _ = place.insert_adjacent_html("beforeend", &h.finish());
    }
}

/// After a re-render, puts the focus back on the download button that was used.
fn refocus(id: i64) {
    request_animation_frame(move || {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Ok(Some(el)) = doc.query_selector(&format!("[data-download=\"{id}\"]"))
            && let Ok(el) = el.dyn_into::<web_sys::HtmlElement>()
        {
            let _ = el.focus();
        }
    });
}

#[derive(Clone, Copy)]
struct CurrencyOptions(RwSignal<Vec<String>>);

#[component]
fn QuickFilters() -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let label = |q: Quick, t: &Texts| match q {
        Quick::All => t.quick_all,
        Quick::Unpaid => t.quick_unpaid,
        Quick::Paid => t.quick_paid,
        Quick::Overdue => t.quick_overdue,
    };
    view! {
        <div class="segmented" role="group" aria-label=tr(|t| t.quick_label)>
            {Quick::ALL
                .into_iter()
                .map(|q| {
                    let pressed = text(move || grid.state.with(|s| s.quick() == Some(q)).to_string());
                    view! {
                        <button
                            type="button"
                            class="segment"
                            class:overdue-segment=q == Quick::Overdue
                            aria-pressed=pressed
                            on:click=move |_| grid.update(|s| s.set_quick(q))
                        >
                            {text(move || label(q, i18n.t()).to_owned())}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A text input that applies its value after a pause in typing (or at once on Enter).
#[component]
fn DebouncedInput(
    id: &'static str,
    #[prop(into)] value: Signal<String>,
    apply: impl Fn(String) + Copy + Send + Sync + 'static,
    #[prop(default = "search")] kind: &'static str,
    #[prop(optional, into)] placeholder: Option<Signal<String>>,
    #[prop(optional)] class: &'static str,
) -> impl IntoView {
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let cancel = move || {
        if let Some(h) = timer.get_value() {
            h.clear();
        }
        timer.set_value(None);
    };
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        cancel();
        let handle = set_timeout_with_handle(
            move || {
                timer.set_value(None);
                apply(v);
            },
            Duration::from_millis(400),
        )
        .ok();
        timer.set_value(handle);
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" {
            ev.prevent_default();
            cancel();
            apply(event_target_value(&ev));
        }
    };
    on_cleanup(cancel);
    view! {
        <input
            id=id
            class=format!("input {class}")
            type=kind
            autocomplete="off"
            placeholder=text(move || placeholder.map(|p| p.get()).unwrap_or_default())
            prop:value=value
            on:input=on_input
            on:keydown=on_key
        />
    }
}

#[component]
fn SearchBox() -> impl IntoView {
    let grid = expect_context::<Grid>();
    let value = Memo::new(move |_| grid.state.with(|s| s.text.clone()));
    view! {
        <div class="search">
            <label for="grid-search" class="sr-only">
                {tr(|t| t.search_label)}
            </label>
            <Icon kind=IconKind::Search />
            <DebouncedInput
                id="grid-search"
                value=value
                placeholder=trs(|t| t.search_label)
                apply=move |v: String| {
                    grid.update(|s| {
                        s.text = v.trim().to_owned();
                        s.page = 1;
                    })
                }
            />
        </div>
    }
}

#[component]
fn ActiveFilters() -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let chips = move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        grid.state.with(|s| {
            let mut out: Vec<(String, Change)> = Vec::new();
            if !s.text.is_empty() {
                out.push((
                    format!("“{}”", s.text),
                    Box::new(|s: &mut GridState| {
                        s.text.clear();
                        s.page = 1;
                    }),
                ));
            }
            for col in Col::ALL {
                if let Some(text) = col.describe(s, t, l) {
                    out.push((text, Box::new(move |s: &mut GridState| col.clear(s))));
                }
            }
            out
        })
    };
    dyn_view(move || {
        let chips = chips();
        if chips.is_empty() {
            return ().into_any();
        }
        let t = i18n.t();
        view! {
            <div class="chips-bar">
                <ul class="chips" aria-label=t.filters>
                    {chips
                        .into_iter()
                        .map(|(text, clear)| {
                            let label = fill(t.remove_filter, &[("filter", &text)]);
                            view! {
                                <li class="chip">
                                    <span>{text}</span>
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=label.clone()
                                        title=label
                                        on:click=move |_| grid.update(|s| clear(s))
                                    >
                                        <Icon kind=IconKind::Close />
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <button
                    type="button"
                    class="btn btn-ghost btn-sm"
                    on:click=move |_| grid.update(|s| s.clear_filters())
                >
                    {t.clear_all}
                </button>
            </div>
        }
        .into_any()
    })
}

/// A column's filter: a funnel button that opens a popover with the column's control.
#[component]
fn ColumnFilter(col: Col, #[prop(optional)] with_label: bool) -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let id = format!("filter-{}", col.key());
    let active = flag(move || grid.state.with(|s| col.is_filtered(s)));
    let label = text(move || {
        let t = i18n.t();
        let mut label = fill(t.filter_for, &[("col", col.label(t))]);
        if active.get() {
            label.push(' ');
            label.push_str(t.filter_active);
        }
        label
    });
    let title = text(move || col.label(i18n.t()).to_owned());
    let control = match col {
        Col::Number => view! { <NumberFilter /> }.into_any(),
        Col::Date => view! { <DateRange col=DateCol::Date /> }.into_any(),
        Col::Due => view! { <DateRange col=DateCol::Due /> }.into_any(),
        Col::Type => view! { <TypeFilter /> }.into_any(),
        Col::Currency => view! { <CurrencyFilter /> }.into_any(),
        Col::Amount(a) => view! { <AmountRange col=a /> }.into_any(),
        Col::Downloaded => view! { <DownloadedFilter /> }.into_any(),
        Col::Download => ().into_any(),
    };
    view! {
        <button
            type="button"
            class="filter-btn"
            class:active=active
            class:with-label=with_label
            popovertarget=id.clone()
            aria-label=label
            title=label
        >
            <Icon kind=IconKind::Filter />
            {with_label.then(|| view! { <span>{title}</span> })}
        </button>
        <div
            class="filter-pop"
            id=id.clone()
            popover="auto"
            role="dialog"
            aria-label=text(move || fill(i18n.t().filter_for, &[("col", col.label(i18n.t()))]))
        >
            <div class="filter-pop-head">
                <span class="filter-pop-title">{title}</span>
                <button
                    type="button"
                    class="btn btn-ghost btn-sm"
                    disabled=flag(move || !active.get())
                    on:click=move |_| grid.update(|s| col.clear(s))
                >
                    {tr(|t| t.clear)}
                </button>
            </div>
            <div class="filter-pop-body">{control}</div>
            <div class="filter-pop-foot">
                <button
                    type="button"
                    class="btn btn-primary btn-sm"
                    popovertarget=id.clone()
                    popovertargetaction="hide"
                >
                    {tr(|t| t.done)}
                </button>
            </div>
        </div>
    }
}

#[component]
fn NumberFilter() -> impl IntoView {
    let grid = expect_context::<Grid>();
    let value = Memo::new(move |_| grid.state.with(|s| s.number.clone()));
    view! {
        <div class="field">
            <label for="f-number">{tr(|t| t.contains)}</label>
            // Not type=search: there Escape clears the text instead of closing the popover.
            <DebouncedInput
                id="f-number"
                kind="text"
                value=value
                apply=move |v: String| {
                    grid.update(|s| {
                        s.number = v.trim().to_owned();
                        s.page = 1;
                    })
                }
            />
        </div>
    }
}

#[component]
fn DateRange(col: DateCol) -> impl IntoView {
    let grid = expect_context::<Grid>();
    let range = Memo::new(move |_| grid.state.with(|s| s.date_range(col).clone()));
    let set = move |from: Option<String>, to: Option<String>| {
        grid.update(|s| {
            let (old_from, old_to) = s.date_range(col).clone();
            let mut from = from.unwrap_or(old_from);
            let mut to = to.unwrap_or(old_to);
            if !from.is_empty() && !to.is_empty() && from > to {
                std::mem::swap(&mut from, &mut to);
            }
            s.set_date_range(col, from, to);
        })
    };
    let from_id = format!("f-{}-from", col.prefix());
    let to_id = format!("f-{}-to", col.prefix());
    view! {
        <div class="field-row">
            <div class="field">
                <label for=from_id.clone()>{tr(|t| t.from)}</label>
                <input
                    id=from_id
                    class="input"
                    type="date"
                    prop:value=text(move || range.get().0)
                    on:change=move |ev| set(Some(event_target_value(&ev)), None)
                />
            </div>
            <div class="field">
                <label for=to_id.clone()>{tr(|t| t.to)}</label>
                <input
                    id=to_id
                    class="input"
                    type="date"
                    prop:value=text(move || range.get().1)
                    on:change=move |ev| set(None, Some(event_target_value(&ev)))
                />
            </div>
        </div>
    }
}

#[component]
fn AmountRange(col: AmountCol) -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let range = Memo::new(move |_| grid.state.with(|s| s.amount_range(col).clone()));
    let min_error = RwSignal::new(false);
    let max_error = RwSignal::new(false);
    let shown = move |v: String| {
        if v.is_empty() {
            v
        } else {
            fmt::decimal(i18n.locale.get(), &v)
        }
    };
    let apply = move |input: String, is_min: bool| {
        let l = i18n.locale.get_untracked();
        let parsed = if input.trim().is_empty() {
            Some(String::new())
        } else {
            fmt::parse_amount_input(l, &input)
        };
        let flag = if is_min { min_error } else { max_error };
        match parsed {
            Some(value) => {
                flag.set(false);
                grid.update(|s| {
                    let (min, max) = s.amount_range(col).clone();
                    if is_min {
                        s.set_amount_range(col, value, max);
                    } else {
                        s.set_amount_range(col, min, value);
                    }
                });
            }
            None => flag.set(true),
        }
    };
    let example = text(move || {
        fill(
            i18n.t().invalid_amount,
            &[("example", &fmt::decimal(i18n.locale.get(), "1234.5"))],
        )
    });
    let key = col.key();
    let field = move |is_min: bool| {
        let id = format!("f-{key}-{}", if is_min { "min" } else { "max" });
        let err_id = format!("{id}-error");
        let flag = if is_min { min_error } else { max_error };
        view! {
            <div class="field" class:field-invalid=flag>
                <label for=id.clone()>
                    {if is_min { tr(|t| t.min) } else { tr(|t| t.max) }}
                </label>
                <input
                    id=id
                    class="input num"
                    type="text"
                    inputmode="decimal"
                    autocomplete="off"
                    aria-invalid=text(move || flag.get().to_string())
                    aria-describedby=err_id.clone()
                    prop:value=text(move || shown(if is_min { range.get().0 } else { range.get().1 }))
                    on:change=move |ev| apply(event_target_value(&ev), is_min)
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                        if ev.key() == "Enter" {
                            ev.prevent_default();
                            apply(event_target_value(&ev), is_min);
                        }
                    }
                />
                <p class="field-error" id=err_id hidden=portal_ui::flag(move || !flag.get())>
                    {example}
                </p>
            </div>
        }
    };
    view! { <div class="field-row">{field(true)} {field(false)}</div> }
}

/// A list of checkboxes; `checked` and `toggle` speak the options' wire values.
#[component]
fn CheckList(
    name: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    checked: impl Fn(&str) -> bool + Copy + Send + Sync + 'static,
    toggle: impl Fn(String) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    dyn_view(move || {
        options
            .get()
            .into_iter()
            .map(|(value, label)| {
                let id = format!("f-{name}-{value}");
                let v = value.clone();
                view! {
                    <div class="check">
                        <input
                            type="checkbox"
                            id=id.clone()
                            prop:checked=flag(move || checked(&v))
                            on:change=move |_| toggle(value.clone())
                        />
                        <label for=id>{label}</label>
                    </div>
                }
            })
            .collect_view()
            .into_any()
    })
}

#[component]
fn TypeFilter() -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let account = expect_context::<Account>();
    let options = Signal::derive(move || {
        let t = i18n.t();
        let released: Vec<DocumentType> = account
            .me
            .with(|m| {
                m.as_ref().map(|m| {
                    m.permissions
                        .document_types
                        .iter()
                        .filter_map(|s| DocumentType::parse(s))
                        .collect()
                })
            })
            .unwrap_or_else(|| DocumentType::ALL.to_vec());
        released
            .into_iter()
            .map(|ty| (ty.as_str().to_owned(), t.doc_type(ty).to_owned()))
            .collect::<Vec<_>>()
    });
    view! {
        <fieldset class="checks">
            <legend class="sr-only">{tr(|t| t.col_type)}</legend>
            <CheckList
                name="type"
                options=options
                checked=move |v| {
                    grid.state.with(|s| s.types.iter().any(|t| t.as_str() == v))
                }
                toggle=move |v| {
                    if let Some(ty) = DocumentType::parse(&v) {
                        grid.update(|s| {
                            if let Some(i) = s.types.iter().position(|t| *t == ty) {
                                s.types.remove(i);
                            } else {
                                s.types.push(ty);
                            }
                            s.page = 1;
                        })
                    }
                }
            />
        </fieldset>
    }
}

#[component]
fn CurrencyFilter() -> impl IntoView {
    let grid = expect_context::<Grid>();
    let known = expect_context::<CurrencyOptions>().0;
    let options = Signal::derive(move || {
        let mut all = known.get();
        grid.state.with(|s| {
            for c in &s.currencies {
                if !all.contains(c) {
                    all.push(c.clone());
                }
            }
        });
        all.sort();
        all.into_iter().map(|c| (c.clone(), c)).collect::<Vec<_>>()
    });
    view! {
        <fieldset class="checks">
            <legend class="sr-only">{tr(|t| t.col_currency)}</legend>
            <CheckList
                name="currency"
                options=options
                checked=move |v| grid.state.with(|s| s.currencies.iter().any(|c| c == v))
                toggle=move |v| {
                    grid.update(|s| {
                        if let Some(i) = s.currencies.iter().position(|c| *c == v) {
                            s.currencies.remove(i);
                        } else {
                            s.currencies.push(v);
                        }
                        s.page = 1;
                    })
                }
            />
        </fieldset>
    }
}

#[component]
fn DownloadedFilter() -> impl IntoView {
    let grid = expect_context::<Grid>();
    let current = Memo::new(move |_| grid.state.with(|s| s.downloaded));
    let option = move |value: Option<bool>, id: &'static str| {
        let label = match value {
            None => tr(|t| t.any),
            Some(true) => tr(|t| t.downloaded_yes),
            Some(false) => tr(|t| t.downloaded_no),
        };
        view! {
            <div class="check">
                <input
                    type="radio"
                    name="f-downloaded"
                    id=id
                    prop:checked=flag(move || current.get() == value)
                    on:change=move |_| {
                        grid.update(|s| {
                            s.downloaded = value;
                            s.page = 1;
                        })
                    }
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    view! {
        <fieldset class="checks">
            <legend class="sr-only">{tr(|t| t.col_downloaded)}</legend>
            {option(None, "f-downloaded-any")}
            {option(Some(true), "f-downloaded-yes")}
            {option(Some(false), "f-downloaded-no")}
        </fieldset>
        <DateRange col=DateCol::Downloaded />
    }
}

#[component]
fn HeaderCell(col: Col) -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let label = text(move || col.label(i18n.t()).to_owned());
    if !col.sortable() {
        return view! {
            // The icon buttons below speak for themselves; the title is for screen readers.
            <th scope="col" class="c-action col-download">
                <span class="th-label sr-only">{label}</span>
            </th>
        }
        .into_any();
    }
    // (position among the sort keys, descending, number of keys)
    let sort_info = Memo::new(move |_| {
        grid.state.with(|s| {
            let keys = s.effective_sort();
            keys.iter()
                .position(|k| k.column == col.key())
                .map(|i| (i, keys[i].descending, keys.len()))
        })
    });
    let aria_sort = text(move || {
        match sort_info.get() {
            Some((0, true, _)) => "descending",
            Some((0, false, _)) => "ascending",
            _ => "none",
        }
        .to_owned()
    });
    let indicator = dyn_view(move || {
        let (icon, order) = match sort_info.get() {
            Some((i, desc, n)) => (
                if desc {
                    IconKind::ArrowDown
                } else {
                    IconKind::ArrowUp
                },
                (n > 1).then(|| (i + 1).to_string()),
            ),
            None => (IconKind::Sortable, None),
        };
        let class = if order.is_some() || icon != IconKind::Sortable {
            "sort-ind sorted"
        } else {
            "sort-ind"
        };
        view! {
            <span class=class aria-hidden="true">
                <Icon kind=icon />
                {order.map(|o| view! { <span class="sort-order">{o}</span> })}
            </span>
        }
        .into_any()
    });
    let sr_state = text(move || {
        let t = i18n.t();
        sort_info
            .get()
            .map(|(_, desc, _)| format!(", {}", if desc { t.descending } else { t.ascending }))
            .unwrap_or_default()
    });
    let class = if matches!(col, Col::Amount(_)) {
        format!("num col-{}", col.key())
    } else {
        format!("col-{}", col.key())
    };
    view! {
        <th scope="col" class=class aria-sort=aria_sort>
            <div class="th-inner">
                <button
                    type="button"
                    class="sort-btn"
                    title=tr(|t| t.sort_hint)
                    on:click=move |ev: MouseEvent| {
                        grid.update(|s| s.click_sort(col.key(), ev.shift_key()))
                    }
                >
                    <span class="th-label">{label}</span>
                    <span class="sr-only">{sr_state}</span>
                    {indicator}
                </button>
                <ColumnFilter col=col />
            </div>
        </th>
    }
    .into_any()
}

/// The box that picks an open invoice or debit note to pay it with others (see [`picks`]);
/// what that needs is in its attributes.
fn pick_box(h: &mut Html, t: &Texts, r: &portal_types::DocumentRow) {
    use portal_types::PaymentStatus as S;
    let open = matches!(r.payment_status, Some(S::Unpaid | S::PartiallyPaid));
    if !open || !matches!(r.doc_type, DocumentType::Invoice | DocumentType::DebitNote) {
        return;
    }
    h.raw("<input type=\"checkbox\" class=\"pick\" data-pick=\"")
        .text(&r.id.to_string())
        .raw("\" data-currency=\"")
        .text(&r.currency)
        .raw("\" data-remaining=\"")
        .text(r.remaining.as_deref().unwrap_or_default())
        .raw("\" aria-label=\"")
        .text(&fill(t.pick_to_pay, &[("number", &r.number)]))
        .raw("\">");
}

/// The grid's rows as HTML (see `html.rs`). The rows have no reactive parts; downloads are
/// handled by one listener on the `<tbody>`, the number links by the router.
fn rows_html(p: &DocumentPage, t: &Texts, l: Locale, org: &str, pay: bool) -> String {
    let mut h = Html::with_capacity(p.items.len() * 900);
    let docs = portal_path(org, "/documents/");
    for r in &p.items {
        let id = r.id.to_string();
        let amount = |v: &str| fmt::amount(l, v, &r.currency);
        h.raw(if r.overdue {
            "<tr class=\"overdue\">"
        } else if r.state == DocumentState::Cancelled {
            "<tr class=\"cancelled\">"
        } else {
            "<tr>"
        });
        h.raw("<th scope=\"row\" class=\"c-number\">");
        if pay {
            pick_box(&mut h, t, r);
        }
        h.raw("<a href=\"")
            .text(&docs)
            .text(&id)
            .raw("\">")
            .text(&r.number)
            .raw("</a>");
        // Offers' states (accepted, expired…) are on the document page; only a cancellation
        // matters in the list.
        if r.state == DocumentState::Cancelled {
            h.element("span", "badge badge-muted", t.state(r.state));
        }
        h.raw("</th><td class=\"c-date\">")
            .text(&fmt::date(l, r.date))
            .raw("</td><td class=\"c-date c-due\">");
        if let Some(d) = r.due_date {
            h.text(&fmt::date(l, d));
        }
        // A warning sign rather than a word keeps the column narrow; the row is tinted and
        // edged in red too, and screen readers hear the word.
        if r.overdue {
            h.raw("<span class=\"overdue-flag\" role=\"img\" title=\"")
                .text(t.overdue)
                .raw("\" aria-label=\"")
                .text(t.overdue)
                .raw("\"></span>");
        }
        h.raw("</td>")
            .element("td", "c-type", t.doc_type(r.doc_type))
            .element("td", "", &r.currency)
            .element("td", "num", &amount(&r.tax_base))
            .element("td", "num", &amount(&r.vat))
            .element("td", "num strong", &amount(&r.total))
            .element("td", "num", &r.paid.as_deref().map(amount).unwrap_or_default())
            .element("td", "num", &r.remaining.as_deref().map(amount).unwrap_or_default())
            .element(
                "td",
                "c-downloaded",
                &r.downloaded_at
                    .map(|at| fmt::date_time(l, at))
                    .unwrap_or_else(|| "—".to_owned()),
            )
            .raw("<td class=\"c-action\"><button type=\"button\" class=\"icon-btn dl-btn\" data-download=\"")
            .text(&id)
            .raw("\" aria-label=\"")
            .text(&fill(t.download_doc, &[("number", &r.number)]))
            .raw("\"></button></td></tr>");
    }
    h.finish()
}

/// The footer rows: per-currency sums of all matching documents.
fn footer_html(p: &DocumentPage, t: &Texts, l: Locale) -> String {
    let mut h = Html::default();
    for s in &p.sums {
        let m = |v: &str| fmt::money(l, v, &s.currency);
        h.raw("<tr><th scope=\"row\" colspan=\"5\" class=\"sum-label\">")
            .text(&fill(t.sum_of, &[("cur", &s.currency)]))
            .element("span", "muted", &format!(" · {}", t.documents(s.count)))
            .raw("</th>")
            .element("td", "num", &m(&s.tax_base))
            .element("td", "num", &m(&s.vat))
            .element("td", "num strong", &m(&s.total))
            .element("td", "num", &m(&s.paid))
            .element("td", "num strong", &m(&s.remaining))
            .raw("<td colspan=\"2\"></td></tr>");
    }
    h.finish()
}

/// The per-currency sums of the phone layout.
fn sums_html(p: &DocumentPage, t: &Texts, l: Locale) -> String {
    let mut h = Html::default();
    for s in &p.sums {
        let m = |v: &str| fmt::money(l, v, &s.currency);
        h.raw("<div class=\"sum-card\"><p class=\"sum-card-title\">")
            .text(&fill(t.sum_of, &[("cur", &s.currency)]))
            .element("span", "muted", &format!(" · {}", t.documents(s.count)))
            .raw("</p><dl class=\"fields\">")
            .field(t.col_total, &m(&s.total), "")
            .field(t.col_paid, &m(&s.paid), "")
            .field(t.col_remaining, &m(&s.remaining), "strong")
            .raw("</dl></div>");
    }
    h.finish()
}

/// The phone layout's cards.
fn cards_html(p: &DocumentPage, t: &Texts, l: Locale, org: &str, pay: bool) -> String {
    let mut h = Html::with_capacity(p.items.len() * 1200);
    let docs = portal_path(org, "/documents/");
    for r in &p.items {
        let id = r.id.to_string();
        let money = |v: &str| fmt::money(l, v, &r.currency);
        h.raw(if r.overdue {
            "<li class=\"doc-card overdue\">"
        } else {
            "<li class=\"doc-card\">"
        });
        h.raw("<div class=\"doc-card-head\">");
        if pay {
            pick_box(&mut h, t, r);
        }
        h.raw("<a class=\"doc-card-number\" href=\"")
            .text(&docs)
            .text(&id)
            .raw("\">")
            .text(t.doc_type(r.doc_type))
            .raw(" ")
            .text(&r.number)
            .raw("</a><span class=\"badges\">");
        badges_html(&mut h, t, r);
        h.raw("</span></div><dl class=\"fields\">")
            .field(t.col_date, &fmt::date(l, r.date), "")
            .field(
                t.col_due_date,
                &r.due_date
                    .map(|d| fmt::date(l, d))
                    .unwrap_or_else(|| "—".into()),
                "",
            )
            .field(t.col_tax_base, &money(&r.tax_base), "")
            .field(t.col_vat, &money(&r.vat), "")
            .field(t.col_total, &money(&r.total), "strong");
        if let (Some(paid), Some(remaining)) = (&r.paid, &r.remaining) {
            h.field(t.col_paid, &money(paid), "").field(
                t.col_remaining,
                &money(remaining),
                "strong",
            );
        }
        let downloaded = match r.downloaded_at {
            Some(at) => fmt::date_time(l, at),
            None => t.not_downloaded.to_owned(),
        };
        h.field(t.col_downloaded, &downloaded, "")
            .raw("</dl><button type=\"button\" class=\"btn btn-sm dl-btn\" data-download=\"")
            .text(&id)
            .raw("\" aria-label=\"")
            .text(&fill(t.download_doc, &[("number", &r.number)]))
            .raw("\">")
            .text(t.download)
            .raw("</button></li>");
    }
    h.finish()
}

#[component]
fn Table(
    page: RwSignal<Option<DocumentPage>>,
    slow: ReadSignal<bool>,
    on_download: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let org = use_org();
    let pay = can_pay();
    let body = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        let org = org.get();
        let pay = pay();
        page.with(|p| {
            p.as_ref()
                .map(|p| rows_html(p, t, l, &org, pay))
                .unwrap_or_default()
        })
    });
    let footer = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        page.with(|p| p.as_ref().map(|p| footer_html(p, t, l)).unwrap_or_default())
    });
    let message = dyn_view(move || {
        page.with(|p| match p {
            None if slow.get() => view! {
                <div class="table-message">
                    <portal_ui::Spinner label=trs(|t| t.common.loading) />
                </div>
            }
            .into_any(),
            Some(p) if p.items.is_empty() => view! {
                <div class="table-message">
                    <EmptyState />
                </div>
            }
            .into_any(),
            _ => ().into_any(),
        })
    });
    let caption = text(move || format!("{}. {}", i18n.t().documents_caption, i18n.t().sort_hint));
    view! {
        <div
            class="table-wrap"
            class:is-loading=slow
            role="region"
            aria-label=tr(|t| t.documents_caption)
            tabindex="0"
        >
            <table class="table grid-table">
                <caption class="sr-only">{caption}</caption>
                <thead>
                    <tr>{Col::ALL.into_iter().map(|c| view! { <HeaderCell col=c /> }).collect_view()}</tr>
                </thead>
                <tbody on:click=on_download data-picks inner_html=body></tbody>
                <tfoot aria-label=tr(|t| t.sums_caption) inner_html=footer></tfoot>
            </table>
            {message}
        </div>
    }
}

#[component]
fn EmptyState() -> impl IntoView {
    let grid = expect_context::<Grid>();
    let filtered = grid.state.with_untracked(GridState::is_filtered);
    view! {
        <div class="empty">
            <Icon kind=IconKind::Search />
            <p class="empty-title">
                {if filtered { tr(|t| t.empty_title) } else { tr(|t| t.no_documents_yet) }}
            </p>
            {filtered
                .then(|| {
                    view! {
                        <p class="muted">{tr(|t| t.empty_text)}</p>
                        <button
                            type="button"
                            class="btn"
                            on:click=move |_| grid.update(|s| s.clear_filters())
                        >
                            {tr(|t| t.clear_all)}
                        </button>
                    }
                })}
        </div>
    }
}

/// The phone layout: filters as a row of buttons, a sort menu, one card per document.
#[component]
fn CardList(
    page: RwSignal<Option<DocumentPage>>,
    slow: ReadSignal<bool>,
    on_download: impl Fn(MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let org = use_org();
    let pay = can_pay();
    let sort_value = Memo::new(move |_| grid.state.with(|s| s.sort_param()));
    let sort_options = dyn_view(move || {
        let t = i18n.t();
        let current = sort_value.get();
        let mut options: Vec<(String, String)> = Col::ALL
            .into_iter()
            .filter(|c| c.sortable())
            .flat_map(|c| {
                [
                    (format!("-{}", c.key()), format!("{} ↓", c.label(t))),
                    (c.key().to_owned(), format!("{} ↑", c.label(t))),
                ]
            })
            .collect();
        if !options.iter().any(|(v, _)| *v == current) {
            options.insert(0, (current.clone(), current.clone()));
        }
        options
            .into_iter()
            .map(|(v, label)| view! { <option value=v>{label}</option> })
            .collect_view()
            .into_any()
    });
    let cards = dyn_view(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        let org = org.get();
        page.with(|p| match p {
            None if slow.get() => {
                view! { <portal_ui::Spinner label=trs(|t| t.common.loading) /> }.into_any()
            }
            None => ().into_any(),
            Some(p) if p.items.is_empty() => view! { <EmptyState /> }.into_any(),
            Some(p) => {
                let items = cards_html(p, t, l, &org, pay());
                let sums = sums_html(p, t, l);
                view! {
                    <ul class="doc-cards" on:click=on_download data-picks inner_html=items></ul>
                    <section class="sum-cards" aria-label=t.sums_caption inner_html=sums></section>
                }
                .into_any()
            }
        })
    });
    view! {
        <div class="mobile-controls">
            <div class="filter-buttons">
                {Col::ALL
                    .into_iter()
                    .filter(|c| *c != Col::Download)
                    .map(|c| view! { <ColumnFilter col=c with_label=true /> })
                    .collect_view()}
            </div>
            <div class="field field-inline">
                <label for="sort-select">{tr(|t| t.sort)}</label>
                <select
                    id="sort-select"
                    class="select"
                    prop:value=sort_value
                    on:change=move |ev| {
                        let v = event_target_value(&ev);
                        grid.update(|s| {
                            let (desc, col) = match v.strip_prefix('-') {
                                Some(c) => (true, c.to_owned()),
                                None => (false, v.clone()),
                            };
                            s.sort = vec![crate::grid_state::SortKey { column: col, descending: desc }];
                            s.page = 1;
                        })
                    }
                >
                    {sort_options}
                </select>
            </div>
        </div>
        {cards}
    }
}

#[component]
fn Pager(page: RwSignal<Option<DocumentPage>>) -> impl IntoView {
    let i18n = use_i18n();
    let grid = expect_context::<Grid>();
    let current = Memo::new(move |_| grid.state.with(|s| (s.page, s.per_page)));
    let pages = Memo::new(move |_| {
        page.with(|p| {
            p.as_ref()
                .map_or(1, |p| p.total.div_ceil(u64::from(p.per_page.max(1))).max(1))
        })
    });
    let go = move |n: u32| grid.update(|s| s.page = n.max(1));
    let status = text(move || {
        let l = i18n.locale.get();
        fill(
            i18n.t().page_of,
            &[
                ("p", &format_amount(l, i64::from(current.get().0), 0)),
                ("n", &format_amount(l, pages.get() as i64, 0)),
            ],
        )
    });
    view! {
        <nav class="pager" aria-label=tr(|t| t.pagination)>
            <div class="field field-inline">
                <label for="page-size">{tr(|t| t.rows_per_page)}</label>
                <select
                    id="page-size"
                    class="select select-sm"
                    prop:value=text(move || current.get().1.to_string())
                    on:change=move |ev| {
                        if let Ok(n) = event_target_value(&ev).parse::<u32>() {
                            grid.update(|s| {
                                s.per_page = n;
                                s.page = 1;
                            })
                        }
                    }
                >
                    {PAGE_SIZES
                        .into_iter()
                        .map(|n| view! { <option value=n.to_string()>{n}</option> })
                        .collect_view()}
                </select>
            </div>
            <div class="pager-buttons">
                <button
                    type="button"
                    class="icon-btn"
                    aria-label=tr(|t| t.prev_page)
                    title=tr(|t| t.prev_page)
                    disabled=flag(move || current.get().0 <= 1)
                    on:click=move |_| go(current.get_untracked().0.saturating_sub(1))
                >
                    <Icon kind=IconKind::ChevronLeft />
                </button>
                <span class="pager-status">{status}</span>
                <button
                    type="button"
                    class="icon-btn"
                    aria-label=tr(|t| t.next_page)
                    title=tr(|t| t.next_page)
                    disabled=flag(move || u64::from(current.get().0) >= pages.get())
                    on:click=move |_| go(current.get_untracked().0 + 1)
                >
                    <Icon kind=IconKind::ChevronRight />
                </button>
            </div>
        </nav>
    }
}
