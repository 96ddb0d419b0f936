//! `/admin/activity`: the organisation's trail, newest first — who did what, to which
//! contractor and document, when and from where — filtered by kind, by who (customers, staff,
//! the system), by contractor, by document and by days. The address holds the filters (the
//! contractor's and the document's pages link here with theirs), days in the user's own time
//! zone.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate};
use portal_domain::locale::Locale;
use portal_types::{Event, EventPage};
use portal_ui::text;
use portal_web::api::{self, ApiError};
use portal_web::components::delayed;
use portal_web::fmt;
use portal_web::html::Html;
use portal_web::url::{encode, pairs};

use crate::app::{ROOT, set_title};
use crate::i18n::{Texts, TextsOf, tr, use_i18n};
use crate::listing::{Chip, Pager, TableMessage, address_with, get, known, load_latest};

/// Rows per page.
const PER_PAGE: u32 = 50;

/// The filters this page keeps in the address.
const KEYS: [&str; 7] = [
    "kind",
    "actor",
    "contractor",
    "document",
    "from",
    "until",
    "page",
];

/// The kinds offered in the "What" filter, in the order a person looks for them; the first
/// is a group (a customer received the document).
const KINDS: [&str; 21] = [
    "viewed,downloaded",
    "issued",
    "mailed",
    "marked_sent",
    "viewed",
    "downloaded",
    "payment_recorded",
    "payment_deleted",
    "cancelled",
    "document_created",
    "document_changed",
    "document_deleted",
    "logged_in",
    "password_changed",
    "contractor_created",
    "contractor_changed",
    "contractor_archived",
    "portal_user_created",
    "portal_user_invited",
    "portal_user_disabled",
    "settings_changed",
];

/// The instant a day starts in the browser's time zone, RFC 3339 (`after`: the next day's).
fn day_start(day: &str, after: bool) -> Option<String> {
    let date = fmt::parse_iso_date(day)?;
    let date = if after { date.succ_opt()? } else { date };
    use chrono::Datelike;
    let local = js_sys::Date::new_with_year_month_day(
        u32::try_from(date.year()).ok()?,
        i32::try_from(date.month0()).ok()?,
        i32::try_from(date.day()).ok()?,
    );
    local.to_iso_string().as_string()
}

/// The API's query for the address's filters (days as instants).
fn api_query(state: &[(String, String)]) -> String {
    let mut parts = vec![format!("per_page={PER_PAGE}")];
    for (key, value) in state {
        let value = match key.as_str() {
            "from" => day_start(value, false),
            "until" => day_start(value, true),
            _ => Some(value.clone()),
        };
        if let Some(v) = value {
            parts.push(format!("{key}={}", encode(&v)));
        }
    }
    parts.join("&")
}

/// The activity page.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let navigate = StoredValue::new_local(use_navigate());
    let state = Memo::new(move |_| known(&pairs(&location.search.get()), &KEYS));
    let page = RwSignal::new(None::<EventPage>);
    let error = RwSignal::new(None::<ApiError>);
    let busy = RwSignal::new(false);
    let slow = delayed(busy, std::time::Duration::from_millis(250));
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| set_title(i18n.t().activity));

    let set = move |key: &'static str, value: String| {
        let url = address_with(
            &format!("{ROOT}/activity"),
            &KEYS,
            &state.get_untracked(),
            key,
            &value,
        );
        navigate.with_value(|navigate| navigate(&url, NavigateOptions::default()));
    };
    let load = move || {
        let path = format!("{}/events?{}", api::base(), api_query(&state.get()));
        load_latest(path, generation, busy, error, page, || {});
    };
    Effect::new(move |_| load());

    let body = text(move || {
        let t = i18n.t();
        let l = i18n.locale.get();
        page.with(|p| {
            p.as_ref()
                .map(|p| rows_html(&p.items, t, l))
                .unwrap_or_default()
        })
    });
    let rows = Signal::derive(move || page.with(|p| p.as_ref().map(|p| p.items.len())));
    let shown = Signal::derive(move || {
        page.with(|p| {
            p.as_ref()
                .map(|p| (p.page, p.per_page, p.items.len(), p.total))
        })
    });
    let go = move |to: u32| {
        set(
            "page",
            if to > 1 {
                to.to_string()
            } else {
                String::new()
            },
        )
    };

    // A chip for a filter the address names by id: the name comes with the events.
    let chip = move |key: &'static str,
                     label: fn(&'static Texts) -> &'static str,
                     name_of: fn(&Event) -> Option<String>| {
        move || {
            let id = get(&state.get(), key).to_owned();
            (!id.is_empty()).then(|| {
                let name = page.with(|p| {
                    p.as_ref()
                        .and_then(|p| p.items.iter().find_map(name_of))
                        .unwrap_or_else(|| format!("#{id}"))
                });
                let text = Signal::derive(move || format!("{}: {name}", label(i18n.t())));
                view! { <Chip text=text on_remove=move || set(key, String::new()) /> }
            })
        }
    };
    let day =
        move |id: &'static str, key: &'static str, label: fn(&'static Texts) -> &'static str| {
            view! {
                <div class="field field-inline">
                    <label for=id>{tr(label)}</label>
                    <input
                        id=id
                        class="input"
                        type="date"
                        prop:value=move || get(&state.get(), key).to_owned()
                        on:change=move |ev| set(key, event_target_value(&ev))
                    />
                </div>
            }
        };

    view! {
        <div class="page-head">
            <h1>{tr(|t| t.activity)}</h1>
        </div>
        <div class="filters admin-filters activity-filters" role="search">
            <div class="field field-inline">
                <label for="f-kind">{tr(|t| t.filter_kind)}</label>
                <select
                    id="f-kind"
                    class="select"
                    prop:value=move || get(&state.get(), "kind").to_owned()
                    on:change=move |ev| set("kind", event_target_value(&ev))
                >
                    <option value="">{move || i18n.t().any}</option>
                    {move || {
                        let t = i18n.t();
                        let current = get(&state.get(), "kind").to_owned();
                        KINDS
                            .iter()
                            .map(|k| {
                                let name = if k.contains(',') { t.kind_received } else { t.event(k) };
                                view! { <option value=*k selected=current == *k>{name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </div>
            <div class="field field-inline">
                <label for="f-actor">{tr(|t| t.filter_actor)}</label>
                <select
                    id="f-actor"
                    class="select"
                    prop:value=move || get(&state.get(), "actor").to_owned()
                    on:change=move |ev| set("actor", event_target_value(&ev))
                >
                    <option value="">{move || i18n.t().any}</option>
                    {move || {
                        let t = i18n.t();
                        let current = get(&state.get(), "actor").to_owned();
                        [("portal_user", t.actor_customers), ("staff_user", t.actor_staff), ("system", t.actor_system)]
                            .into_iter()
                            .map(|(v, name)| view! { <option value=v selected=current == v>{name}</option> })
                            .collect_view()
                    }}
                </select>
            </div>
            {day("f-from", "from", |t| t.from_day)}
            {day("f-until", "until", |t| t.until_day)}
            {chip("contractor", |t| t.filter_contractor, |e| e.contractor_name.clone())}
            {chip("document", |t| t.col_document, |e| e.document_number.clone())}
            <a class="btn btn-ghost" href=format!("{ROOT}/activity")>
                {tr(|t| t.clear_filters)}
            </a>
        </div>
        <div
            class="table-wrap"
            class:is-loading=slow
            role="region"
            aria-label=tr(|t| t.activity_caption)
            tabindex="0"
        >
            <table class="table grid-table" id="activity">
                <caption class="sr-only">{tr(|t| t.activity_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(|t| t.col_when)}</th>
                        <th scope="col">{tr(|t| t.filter_kind)}</th>
                        <th scope="col">{tr(|t| t.filter_actor)}</th>
                        <th scope="col">{tr(|t| t.col_contractor)}</th>
                        <th scope="col">{tr(|t| t.col_document)}</th>
                        <th scope="col">{tr(|t| t.col_address)}</th>
                    </tr>
                </thead>
                <tbody inner_html=body></tbody>
            </table>
            <TableMessage error=error rows=rows slow=slow empty=|t| t.no_events on_retry=load />
        </div>
        <Pager page=shown go=go />
    }
}

/// Who did it, as the staff know them.
fn who(e: &Event, t: &Texts) -> String {
    let kind = match e.actor_type.as_str() {
        "portal_user" => t.a_customer,
        "staff_user" => t.actor_staff,
        "system" => return t.actor_system.to_owned(),
        other => other,
    };
    match &e.actor_name {
        Some(name) if e.actor_type == "portal_user" => format!("{name} ({kind})"),
        Some(name) => name.clone(),
        None => kind.to_owned(),
    }
}

fn rows_html(events: &[Event], t: &Texts, l: Locale) -> String {
    let mut h = Html::with_capacity(events.len() * 500);
    for e in events {
        h.raw("<tr>");
        h.element("td", "nowrap", &fmt::date_time(l, e.created_at));
        h.element("td", "", t.event(&e.kind));
        h.element("td", "", &who(e, t));
        match (e.contractor_id, &e.contractor_name) {
            (Some(id), Some(name)) => {
                h.raw("<td><a href=\"")
                    .text(&format!("{ROOT}/contractors/{id}"))
                    .raw("\">")
                    .text(name)
                    .raw("</a></td>");
            }
            _ => {
                h.element("td", "muted", "—");
            }
        }
        match e.document_id {
            Some(id) => {
                let label = match (&e.document_type, &e.document_number) {
                    (Some(ty), Some(n)) => format!("{} {n}", t.common.doc_type(*ty)),
                    (Some(ty), None) => format!("{} ({})", t.common.doc_type(*ty), t.draft),
                    _ => format!("#{id}"),
                };
                h.raw("<td><a href=\"")
                    .text(&format!("{ROOT}/documents/{id}"))
                    .raw("\">")
                    .text(&label)
                    .raw("</a></td>");
            }
            None => {
                h.element("td", "muted", "—");
            }
        }
        h.element("td", "muted nowrap", e.ip.as_deref().unwrap_or("—"));
        h.raw("</tr>");
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_gets_the_filters_it_knows_and_a_page_size() {
        let pair = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        let q = api_query(&[
            pair("kind", "viewed,downloaded"),
            pair("contractor", "7"),
            pair("page", "2"),
        ]);
        assert_eq!(q, "per_page=50&kind=viewed,downloaded&contractor=7&page=2");
    }
}
